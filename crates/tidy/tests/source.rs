//! Tidy tests over the crates' sources: the rules `ARCHITECTURE.md` names as invariants, each
//! failing with the file and line that breaks it.

use std::collections::BTreeSet;
use tidy::{Source, cycles, lines_with, module_edges, sources};

// Known breaches, being removed (rust-analyzer keeps such lists too). Each list may only
// shrink: an entry that no longer breaks its rule fails the test until it is taken out.

/// Files that still read the system time themselves.
const SYSTEM_TIME_KNOWN: &[&str] = &[];

/// Files that still compare roles.
const ROLE_COMPARISON_KNOWN: &[&str] = &[];

/// Crates whose modules still depend on each other.
const CYCLES_KNOWN: &[&str] = &[];

/// Files still over the length limit.
const LONG_FILES_KNOWN: &[&str] = &[];

/// Fails on a breach not in `known`, and on an entry of `known` that no longer breaks the rule.
fn judge(rule: &str, known: &[&str], found: Vec<(String, String)>) {
    let breaking: BTreeSet<&str> = found.iter().map(|(key, _)| key.as_str()).collect();
    let new: Vec<&str> =
        found.iter().filter(|(key, _)| !known.contains(&key.as_str())).map(|(_, line)| line.as_str()).collect();
    let fixed: Vec<&&str> = known.iter().filter(|k| !breaking.contains(**k)).collect();
    assert!(new.is_empty(), "{rule}:\n{}", new.join("\n"));
    assert!(fixed.is_empty(), "{rule}: no longer broken, so take these out of the known list: {fixed:?}");
}

/// The system time is read in one place, `services::clock`; everything that writes is given
/// its time, so a pinned clock pins every write.
#[test]
fn no_system_time_outside_the_clock() {
    let mut found = Vec::new();
    for s in sources() {
        if s.path == "crates/services/src/clock.rs" {
            continue;
        }
        for needle in ["Timestamp::now()", "SystemTime::now()", "Instant::now()", "Zoned::now()", "Utc::now()"] {
            for (line, text) in lines_with(s.code(), needle) {
                found.push((s.path.clone(), format!("{}:{line}: {}", s.path, text.trim())));
            }
        }
    }
    judge("the system time read outside services::clock", SYSTEM_TIME_KNOWN, found);
}

/// Who may do what is decided in `services::access`; elsewhere a role is only parsed, listed
/// or shown, never compared.
#[test]
fn no_role_comparison_outside_access() {
    let decides = |s: &Source| s.path.starts_with("crates/services/src/access");
    let mut found = Vec::new();
    for s in sources().iter().filter(|s| !decides(s)) {
        for needle in ["== Role::", "!= Role::", "== access::Role::", "!= access::Role::", "Role::"] {
            for (line, text) in lines_with(s.code(), needle) {
                let compares = text.contains("==") || text.contains("!=") || text.contains("matches!");
                let at = format!("{}:{line}: {}", s.path, text.trim());
                if compares && !found.iter().any(|(_, f): &(String, String)| *f == at) {
                    found.push((s.path.clone(), at));
                }
            }
        }
    }
    let templates = tidy::root().join("crates/web/templates");
    for entry in std::fs::read_dir(&templates).expect("templates").flatten() {
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        for (line, t) in text.lines().enumerate() {
            if t.contains("role ==") || t.contains("role !=") {
                let path = entry.path().display().to_string();
                found.push((path.clone(), format!("{path}:{}: {}", line + 1, t.trim())));
            }
        }
    }
    judge("a role compared outside services::access", ROLE_COMPARISON_KNOWN, found);
}

/// Inside a crate, modules form layers: no module depends, through its siblings, on itself.
#[test]
fn no_module_cycles_inside_a_crate() {
    let sources = sources();
    let mut found = Vec::new();
    for (krate, edges) in module_edges(&sources) {
        for cycle in cycles(&edges) {
            let names: Vec<String> = cycle.iter().map(|m| m.join("::")).collect();
            let inside: Vec<String> = cycle
                .iter()
                .flat_map(|a| edges.get(a).into_iter().flatten().filter(|b| cycle.contains(b)).map(move |b| (a, b)))
                .map(|(a, b)| format!("{} -> {}", a.join("::"), b.join("::")))
                .collect();
            found.push((krate.clone(), format!("{krate}: {} ({})", names.join(", "), inside.join("; "))));
        }
    }
    judge("modules that depend on each other", CYCLES_KNOWN, found);
}

/// A source file stays short enough to read: at most 800 lines before its tests.
#[test]
fn no_source_file_over_800_lines() {
    const MAX: usize = 800;
    let long: Vec<(String, String)> = sources()
        .iter()
        .map(|s| (s.path.clone(), s.code().lines().count()))
        .filter(|(_, n)| *n > MAX)
        .map(|(p, n)| (p.clone(), format!("{p}: {n} lines")))
        .collect();
    judge(&format!("files over {MAX} lines (split them by concern)"), LONG_FILES_KNOWN, long);
}
