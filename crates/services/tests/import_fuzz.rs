//! Issue 15: the importer fed damaged backups. A real export (a small generated provider with
//! users, limited access and a read audit) is damaged at random — a cell replaced by arbitrary
//! text, a line cut short or duplicated, a file emptied — and imported into a fresh store.
//! Whatever the damage, the import lands whole or is refused naming a file, and a refused
//! import leaves the store empty: no panic, no partial load. The case count bounds the time;
//! `PROPTEST_CASES` raises it for a longer run.

use proptest::prelude::*;
use services::transfer::{FILES, TransferError, export, import};
use std::path::{Path, PathBuf};
use store::{AccessStore, CaseStore};

/// One export of a small generated provider, made once for every case.
fn source() -> &'static PathBuf {
    static DIR: std::sync::OnceLock<(tempfile::TempDir, PathBuf)> = std::sync::OnceLock::new();
    &DIR.get_or_init(|| {
        let keep = tempfile::tempdir().unwrap();
        let out = keep.path().join("export");
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let (store, _db) = store::testing::sqlite().await;
            let opts = synth::GenerateOptions::new(12, 5, "2026-11-20".parse().unwrap());
            services::generate::generate(&store, &opts, &|_| {}).await.unwrap();
            let case = store.all_summaries().await.unwrap().remove(0);
            let user = store::auth::UserRecord {
                username: "priya".into(),
                password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
                role: "responsible_officer".into(),
                scope_kind: "provider".into(),
                scope_code: None,
                officer: None,
                disabled: false,
                created_at: "2026-11-20T09:00:00Z".parse().unwrap(),
            };
            store.add_user(&user).await.unwrap();
            let read = store::auth::CaseRead {
                crn: case.crn.clone(),
                username: "priya".into(),
                at: "2026-11-20T10:00:00Z".parse().unwrap(),
                route: "/cases/{crn}".into(),
            };
            store.record_read(&read).await.unwrap();
            export(&store, &out).await.unwrap();
        });
        (keep, out)
    })
    .1
}

#[derive(Debug, Clone)]
enum Damage {
    /// Replace the cell at (line, column) with this text.
    Cell(usize, usize, String),
    /// Cut a line after this many bytes.
    Truncate(usize, usize),
    /// Write a line twice.
    Duplicate(usize),
    /// Leave the file empty.
    Empty,
}

fn damage() -> impl Strategy<Value = (usize, Damage)> {
    let text = prop_oneof![
        Just(String::new()),
        Just("'".to_owned()),
        Just("NOT-A-CODE!".to_owned()),
        Just("-1".to_owned()),
        Just("2026-13-45".to_owned()),
        Just("{\"type\":\"party\"}".to_owned()),
        Just("\"unclosed".to_owned()),
        ".{0,24}",
    ];
    let kind = prop_oneof![
        4 => (0..40usize, 0..10usize, text).prop_map(|(l, c, t)| Damage::Cell(l, c, t)),
        1 => (0..40usize, 0..80usize).prop_map(|(l, n)| Damage::Truncate(l, n)),
        1 => (0..40usize).prop_map(Damage::Duplicate),
        1 => Just(Damage::Empty),
    ];
    (0..FILES.len(), kind)
}

fn apply(path: &Path, damage: &Damage) {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let pick = |n: usize, len: usize| if len == 0 { None } else { Some(n % len) };
    match damage {
        Damage::Cell(l, c, t) => {
            if let Some(l) = pick(*l, lines.len()) {
                let mut cells: Vec<String> = lines[l].split(',').map(str::to_owned).collect();
                let c = c % cells.len();
                cells[c] = t.clone();
                lines[l] = cells.join(",");
            }
        }
        Damage::Truncate(l, n) => {
            if let Some(l) = pick(*l, lines.len()) {
                let cut = lines[l].char_indices().map(|(i, _)| i).nth(*n).unwrap_or(lines[l].len());
                lines[l].truncate(cut);
            }
        }
        Damage::Duplicate(l) => {
            if let Some(l) = pick(*l, lines.len()) {
                let again = lines[l].clone();
                lines.insert(l, again);
            }
        }
        Damage::Empty => lines.clear(),
    }
    let mut out = lines.join("\n");
    if !out.is_empty() {
        out.push('\n');
    }
    std::fs::write(path, out).unwrap();
}

/// The cases each harness runs: `PROPTEST_CASES` when set (a longer run), else its default.
fn fuzz_cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(default)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(fuzz_cases(128)))]

    #[test]
    fn a_damaged_backup_lands_whole_or_not_at_all(damages in prop::collection::vec(damage(), 1..3)) {
        let dir = tempfile::tempdir().unwrap();
        for f in FILES {
            let from = source().join(f);
            if from.exists() {
                std::fs::copy(&from, dir.path().join(f)).unwrap();
            }
        }
        for (file, d) in &damages {
            apply(&dir.path().join(FILES[*file]), d);
        }
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let (store, _db) = store::testing::sqlite().await;
            match import(&store, dir.path(), &|_| {}).await {
                Ok(_) => {
                    // A harmless change (a note's text, say) may still load: then it loads whole.
                    prop_assert!(!store.is_empty().await.unwrap());
                }
                Err(e) => {
                    prop_assert!(
                        !matches!(e, TransferError::Store(store::StoreError::Corrupt(_))),
                        "a bad file is the file's fault, not damage to the store: {e}"
                    );
                    prop_assert!(!e.to_string().is_empty());
                    prop_assert!(store.is_empty().await.unwrap(), "{e}: nothing written");
                    prop_assert!(store.users().await.unwrap().is_empty(), "{e}: no users written");
                }
            }
            Ok(())
        })?;
    }
}
