//! The readers the tidy tests share: the repository's Rust sources, each with its crate and
//! module path, and the references one module makes to another.
//!
//! The tests themselves are in `tests/`: each states one rule of `ARCHITECTURE.md` and fails
//! naming the file and line that breaks it.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The repository's root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("repository root")
}

/// One Rust file of a crate's `src/`.
pub struct Source {
    /// The crate's directory name under `crates/`.
    pub krate: String,
    /// Relative to the repository root, for messages.
    pub path: String,
    /// The module the file is: `["practice", "enforcement"]`; empty for `lib.rs`/`main.rs`.
    pub module: Vec<String>,
    pub text: String,
}

impl Source {
    /// The text before the file's first `#[cfg(test)]` item: the code the rules are about.
    pub fn code(&self) -> &str {
        match self.text.find("\n#[cfg(test)]") {
            Some(i) => &self.text[..i],
            None => &self.text,
        }
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(read) = fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = read.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every file under `crates/*/src` (not tests, benches or examples).
pub fn sources() -> Vec<Source> {
    let root = root();
    let mut crates: Vec<PathBuf> =
        fs::read_dir(root.join("crates")).expect("crates/").flatten().map(|e| e.path()).collect();
    crates.sort();
    let mut out = Vec::new();
    for dir in crates {
        let krate = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        let src = dir.join("src");
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        for file in files {
            let rel = file.strip_prefix(&src).expect("under src");
            let mut module: Vec<String> =
                rel.iter().map(|c| c.to_string_lossy().trim_end_matches(".rs").to_owned()).collect();
            if matches!(module.last().map(String::as_str), Some("mod" | "lib" | "main")) {
                module.pop();
            }
            // A binary's other roots (`src/bin/x.rs`) are crates of their own.
            if module.first().is_some_and(|m| m == "bin") {
                continue;
            }
            out.push(Source {
                krate: krate.clone(),
                path: file.strip_prefix(&root).expect("under root").to_string_lossy().into_owned(),
                module,
                text: fs::read_to_string(&file).expect("readable source"),
            });
        }
    }
    out
}

/// Lines of `text` (1-based numbers) outside `//` comments that contain `needle`.
pub fn lines_with<'a>(text: &'a str, needle: &str) -> Vec<(usize, &'a str)> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| {
            let code = l.split("//").next().unwrap_or("");
            code.contains(needle)
        })
        .map(|(i, l)| (i + 1, l))
        .collect()
}

/// The module paths a source refers to through `crate::…`, `super::…` and `self::…`, each as
/// absolute segments (not yet cut to a known module).
fn references(source: &Source) -> Vec<Vec<String>> {
    // Comments and doc links name modules without depending on them.
    let code: String = source.code().lines().map(|l| l.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n");
    let code = code.as_str();
    let mut out = Vec::new();
    let bytes = code.as_bytes();
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut i = 0;
    while i < code.len() {
        let rest = &code[i..];
        let start_ok = i == 0 || !is_ident(bytes[i - 1]) && bytes[i - 1] != b':';
        let base: Option<(Vec<String>, usize)> = if !start_ok {
            None
        } else if rest.starts_with("crate::") {
            Some((Vec::new(), "crate::".len()))
        } else if rest.starts_with("self::") {
            Some((source.module.clone(), "self::".len()))
        } else if rest.starts_with("super::") {
            let mut module = source.module.clone();
            let mut len = 0;
            while rest[len..].starts_with("super::") {
                module.pop();
                len += "super::".len();
            }
            Some((module, len))
        } else {
            None
        };
        let Some((base, len)) = base else {
            i += rest.chars().next().map_or(1, char::len_utf8);
            continue;
        };
        i += len;
        for tail in path_tails(&code[i..]) {
            let mut path = base.clone();
            path.extend(tail);
            out.push(path);
        }
    }
    out
}

/// The paths that follow `crate::` at the start of `text`: one path, or each item of a
/// `{…}` group (nested groups flattened one level, which is all the module graph needs).
fn path_tails(text: &str) -> Vec<Vec<String>> {
    let segments = |s: &str| -> Vec<String> {
        s.split("::")
            .map(|seg| seg.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect::<String>())
            .take_while(|seg| !seg.is_empty())
            .collect()
    };
    let mut prefix = String::new();
    let mut chars = text.char_indices();
    for (i, c) in chars.by_ref() {
        if c == '{' {
            let mut depth = 1;
            let mut end = text.len();
            for (j, d) in text[i + 1..].char_indices() {
                match d {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            end = i + 1 + j;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let mut out = Vec::new();
            let mut depth = 0;
            let mut item = String::new();
            for d in text[i + 1..end].chars() {
                match d {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        out.push(segments(&format!("{prefix}{item}")));
                        item.clear();
                        continue;
                    }
                    _ => {}
                }
                if depth == 0 && d != '}' {
                    item.push(d);
                }
            }
            out.push(segments(&format!("{prefix}{item}")));
            return out;
        }
        if c.is_alphanumeric() || c == '_' || c == ':' {
            prefix.push(c);
        } else {
            break;
        }
    }
    vec![segments(&prefix)]
}

/// For each crate, the edges between sibling modules: `a -> b` when code in `a` (or below it)
/// names something in `b` (or below it), `a` and `b` having the same parent.
pub fn module_edges(sources: &[Source]) -> BTreeMap<String, BTreeMap<Vec<String>, BTreeSet<Vec<String>>>> {
    let mut modules: BTreeMap<&str, BTreeSet<&[String]>> = BTreeMap::new();
    for s in sources {
        modules.entry(&s.krate).or_default().insert(&s.module);
    }
    let mut edges: BTreeMap<String, BTreeMap<Vec<String>, BTreeSet<Vec<String>>>> = BTreeMap::new();
    for s in sources {
        let known = &modules[s.krate.as_str()];
        for path in references(s) {
            // Cut the path to the longest prefix that is a module of the crate.
            let target = (0..=path.len()).rev().map(|n| &path[..n]).find(|p| known.contains(p)).unwrap_or(&[]);
            let common = s.module.iter().zip(target).take_while(|(a, b)| a == b).count();
            if common < s.module.len() && common < target.len() {
                edges
                    .entry(s.krate.clone())
                    .or_default()
                    .entry(s.module[..=common].to_vec())
                    .or_default()
                    .insert(target[..=common].to_vec());
            }
        }
    }
    edges
}

/// The strongly connected components with more than one module: each is a cycle.
pub fn cycles(edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Vec<Vec<Vec<String>>> {
    let nodes: BTreeSet<&Vec<String>> = edges.keys().chain(edges.values().flatten()).collect();
    let reach = |from: &Vec<String>| -> BTreeSet<Vec<String>> {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.clone()];
        while let Some(n) = todo.pop() {
            for next in edges.get(&n).into_iter().flatten() {
                if seen.insert(next.clone()) {
                    todo.push(next.clone());
                }
            }
        }
        seen
    };
    let reaches: BTreeMap<&Vec<String>, BTreeSet<Vec<String>>> = nodes.iter().map(|n| (*n, reach(n))).collect();
    let mut done: BTreeSet<&Vec<String>> = BTreeSet::new();
    let mut out = Vec::new();
    for n in &nodes {
        if done.contains(n) || !reaches[n].contains(*n) {
            continue;
        }
        let component: Vec<Vec<String>> = nodes
            .iter()
            .filter(|m| reaches[n].contains(**m) && reaches[**m].contains(*n))
            .map(|m| (*m).clone())
            .collect();
        for m in &component {
            done.insert(*nodes.get(m).expect("a node"));
        }
        out.push(component);
    }
    out
}
