-- Finding a person by family name (issue 4): each case's family name as search compares
-- it (Rust's Unicode `to_lowercase`, which SQL's lower() does not match), with an index, so a
-- search reads the matching names only. A projection like case_summary: written with it,
-- rebuilt with it, compared by `check`. Rows for cases summarised before this migration are
-- filled in by `PostgresStore::connect`. COLLATE "C": a prefix is a range in byte order,
-- whatever the database's locale.
CREATE TABLE search_keys (
    crn        TEXT PRIMARY KEY,
    family_key TEXT COLLATE "C" NOT NULL
);
CREATE INDEX search_keys_by_family ON search_keys (family_key);
