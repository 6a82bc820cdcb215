-- The inspection report's written parts (issue 7, item 5): enablers, barriers and
-- recommendations written by the inspectors, and practice examples attached to a sampled
-- case (and optionally a question).
-- Invariant: append-only. An entry is revised by writing its next version; the latest
-- version wins and the earlier ones are its history, each with who and when.
CREATE TABLE inspection_narrative (
    inspection TEXT    NOT NULL REFERENCES inspections(id),
    entry      INTEGER NOT NULL CHECK (entry >= 1),
    version    INTEGER NOT NULL CHECK (version >= 1),
    kind       TEXT    NOT NULL CHECK (kind IN ('enabler', 'barrier', 'recommendation', 'example')),
    crn        TEXT,
    question   TEXT,
    body       TEXT    NOT NULL CHECK (length(body) > 0),
    written_by TEXT    NOT NULL,
    written_at TEXT    NOT NULL,
    PRIMARY KEY (inspection, entry, version),
    -- An example is attached to a sampled case; the other kinds are about the provider.
    CHECK ((kind = 'example') = (crn IS NOT NULL)),
    CHECK (question IS NULL OR crn IS NOT NULL),
    FOREIGN KEY (inspection, crn) REFERENCES inspection_cases(inspection, crn)
) WITHOUT ROWID;

CREATE TRIGGER inspection_narrative_no_update BEFORE UPDATE ON inspection_narrative
BEGIN SELECT RAISE(ABORT, 'inspection narrative is append-only: UPDATE is not allowed'); END;
CREATE TRIGGER inspection_narrative_no_delete BEFORE DELETE ON inspection_narrative
BEGIN SELECT RAISE(ABORT, 'inspection narrative is append-only: DELETE is not allowed'); END;
