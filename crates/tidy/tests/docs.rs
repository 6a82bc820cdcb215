//! Tidy test: every reference to the rules resolves inside the repository.
//!
//! Scans every `.rs` and `.md` file of the repository (not `target/` or `.git/`) and fails,
//! naming file and line, when
//! - a reference to one of the documents that used to live outside the repository remains;
//! - a reference in the repository's form, a path from the root such as
//!   `docs/rules/practice.md#allocation` (see `docs/rules/README.md#how-references-are-written`),
//!   names a file that does not exist or a heading that file does not have;
//! - a relative Markdown link `[text](path#anchor)` in a `.md` file does the same.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("repository root")
}

/// The names no file may cite any more: built here so this file does not match itself.
fn retired() -> Vec<String> {
    let mut names: Vec<String> = ["RULES", "TIERING", "DESIGN"].iter().map(|n| format!("{n}.md")).collect();
    names.push(["shared", "reference"].join("/"));
    names.push(["london-crc-inspection-2018", "md"].join("."));
    names
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = fs::read_dir(dir).expect("readable directory").flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            if name != "target" && name != ".git" {
                files(&path, out);
            }
        } else if name.ends_with(".rs") || name.ends_with(".md") || name.ends_with(".sql") {
            out.push(path);
        }
    }
}

/// GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '-' || *c == '_' || *c == ' ')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// The anchors of a Markdown file's headings, numbered as GitHub numbers repeats.
fn anchors(text: &str) -> BTreeSet<String> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut out = BTreeSet::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        let hashes = line.chars().take_while(|c| *c == '#').count();
        if fenced || hashes == 0 || hashes > 6 || !line[hashes..].starts_with(' ') {
            continue;
        }
        let base = slug(&line[hashes..]);
        let n = seen.entry(base.clone()).or_insert(0);
        out.insert(if *n == 0 { base.clone() } else { format!("{base}-{n}") });
        *n += 1;
    }
    out
}

struct Checker {
    root: PathBuf,
    anchors: BTreeMap<PathBuf, BTreeSet<String>>,
    failures: Vec<String>,
}

impl Checker {
    fn anchors_of(&mut self, file: &Path) -> &BTreeSet<String> {
        self.anchors.entry(file.to_path_buf()).or_insert_with(|| anchors(&fs::read_to_string(file).unwrap_or_default()))
    }

    /// Checks that `target` (a path, maybe with `#anchor`) resolves from `base`.
    fn check(&mut self, at: &str, base: &Path, target: &str) {
        let (path, anchor) = match target.split_once('#') {
            Some((p, a)) => (p, Some(a)),
            None => (target, None),
        };
        let file = base.join(path);
        if !file.exists() {
            self.failures.push(format!("{at}: `{target}`: no such file"));
            return;
        }
        if let Some(anchor) = anchor {
            if !file.is_file() || !path.ends_with(".md") {
                self.failures.push(format!("{at}: `{target}`: an anchor on a file that is not Markdown"));
            } else if !self.anchors_of(&file).contains(anchor) {
                self.failures.push(format!("{at}: `{target}`: the file has no heading with this anchor"));
            }
        }
    }
}

fn is_path_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/')
}

/// References in the repository's form: `docs/...` not preceded by a path character.
fn references(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = line[from..].find("docs/").map(|i| i + from) {
        from = i + 5;
        if line[..i].chars().next_back().is_some_and(|c| is_path_char(c) || c == '#') {
            continue;
        }
        let run: String = line[i..].chars().take_while(|c| is_path_char(*c)).collect();
        let mut path = match run.find(".md") {
            Some(end) => run[..end + 3].to_string(),
            None => run.trim_end_matches('.').to_string(),
        };
        let rest = &line[i + path.len()..];
        if path.ends_with(".md") && rest.starts_with('#') {
            let anchor: String =
                rest[1..].chars().take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_')).collect();
            path = format!("{path}#{anchor}");
        }
        out.push(path);
    }
    out
}

/// Relative Markdown link targets on a line: `](target)`.
fn links(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = line[from..].find("](").map(|i| i + from) {
        from = i + 2;
        if let Some(end) = line[from..].find(')') {
            let target = line[from..from + end].trim();
            let external = target.contains("://") || target.starts_with("mailto:");
            if !external && !target.is_empty() {
                out.push(target.to_string());
            }
        }
    }
    out
}

#[test]
fn every_rule_reference_resolves_inside_the_repository() {
    let root = root();
    let mut all = Vec::new();
    files(&root, &mut all);
    assert!(all.iter().any(|p| p.ends_with("docs/rules/practice.md")), "walked from {}", root.display());
    let retired = retired();
    // Applied migrations cannot change (sqlx checksums them, comments included): one that
    // cites a retired document is answered by the migrations' README, which says where each
    // citation now points; the README itself names them for that reason.
    let migrations = root.join("crates/store/migrations");
    let answered = fs::read_to_string(migrations.join("README.md")).unwrap_or_default();
    let may_cite_retired = |file: &Path| {
        file == migrations.join("README.md")
            || (file.starts_with(&migrations)
                && file.file_name().and_then(|n| n.to_str()).is_some_and(|n| answered.contains(&format!("`{n}`"))))
    };
    let mut checker = Checker { root: root.clone(), anchors: BTreeMap::new(), failures: Vec::new() };
    for file in &all {
        let Ok(text) = fs::read_to_string(file) else { continue };
        let shown = file.strip_prefix(&checker.root).unwrap_or(file).display().to_string();
        let markdown = shown.ends_with(".md");
        let mut fenced = false;
        for (n, line) in text.lines().enumerate() {
            let at = format!("{shown}:{}", n + 1);
            for name in &retired {
                if line.contains(name.as_str()) && !may_cite_retired(file) {
                    checker.failures.push(format!("{at}: cites `{name}`, which is not in the repository"));
                }
            }
            for target in references(line) {
                checker.check(&at, &root, &target);
            }
            if markdown {
                if line.trim_start().starts_with("```") {
                    fenced = !fenced;
                }
                if fenced {
                    continue;
                }
                for target in links(line) {
                    let base = file.parent().expect("a file has a directory").to_path_buf();
                    match target.strip_prefix('#') {
                        Some(_) => checker.check(&at, &base, &format!("{}{target}", shown_name(file))),
                        None => checker.check(&at, &base, &target),
                    }
                }
            }
        }
    }
    assert!(
        checker.failures.is_empty(),
        "{} broken references:\n{}",
        checker.failures.len(),
        checker.failures.join("\n")
    );
}

fn shown_name(file: &Path) -> String {
    file.file_name().and_then(|n| n.to_str()).unwrap_or("").to_string()
}

#[test]
fn anchors_follow_github() {
    assert_eq!(slug("2.1.1 RSR points"), "211-rsr-points");
    assert_eq!(slug("2.1.5 Women's factors"), "215-womens-factors");
    assert_eq!(slug("Sentences, requirements, allocation"), "sentences-requirements-allocation");
    assert_eq!(slug("0. The command"), "0-the-command");
    let text = "# A\n```\n# not a heading\n```\n## A\n#### 2.2 Change axis\n";
    let got: Vec<String> = anchors(text).into_iter().collect();
    assert_eq!(got, ["22-change-axis", "a", "a-1"]);
    assert_eq!(references("see docs/rules/tiering.md#32-steps step 4."), ["docs/rules/tiering.md#32-steps"]);
    assert_eq!(references("(docs/design.md). and ../docs/x.md"), ["docs/design.md"]);
    assert_eq!(links("[a](b.md#c) [d](https://e) [f](#g)"), ["b.md#c", "#g"]);
}

/// The tier vectors name the section of `docs/rules/tiering.md` they check by number
/// (`"2.1.1"`, `"3.2 step 4"`, `"2.1.4/1.3"`): each number must be a heading there.
#[test]
fn every_tier_vector_names_a_tiering_section() {
    let root = root();
    let spec = fs::read_to_string(root.join("docs/rules/tiering.md")).expect("docs/rules/tiering.md");
    let sections: BTreeSet<String> = spec
        .lines()
        .filter(|l| l.starts_with('#'))
        .filter_map(|l| l.trim_start_matches('#').split_whitespace().next())
        .map(|n| n.trim_end_matches('.').to_string())
        .filter(|n| n.chars().all(|c| c.is_ascii_digit() || c == '.'))
        .collect();
    let mut failures = Vec::new();
    for file in ["legacy.json", "v3.json"] {
        let path = root.join("crates/domain/tests/data/tier").join(file);
        let vectors: Vec<serde_json::Value> =
            serde_json::from_str(&fs::read_to_string(&path).expect("vector file")).expect("vector file is JSON");
        for v in vectors {
            let source = v["source"].as_str().unwrap_or_default();
            let cited = source.split(',').next().unwrap_or_default();
            for part in cited.split('/') {
                let number = part.split_whitespace().next().unwrap_or_default();
                if !sections.contains(number) {
                    failures.push(format!("{file}: {}: source {source:?} cites no section {number:?}", v["name"]));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
