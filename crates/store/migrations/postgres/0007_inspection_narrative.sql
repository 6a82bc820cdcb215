-- The inspection report's written parts (issue 7, item 5): enablers, barriers and
-- recommendations written by the inspectors, and practice examples attached to a sampled
-- case (and optionally a question).
-- Invariant: append-only. An entry is revised by writing its next version; the latest
-- version wins and the earlier ones are its history, each with who and when.
CREATE TABLE inspection_narrative (
    inspection TEXT   NOT NULL REFERENCES inspections(id),
    entry      BIGINT NOT NULL CHECK (entry >= 1),
    version    BIGINT NOT NULL CHECK (version >= 1),
    kind       TEXT   NOT NULL CHECK (kind IN ('enabler', 'barrier', 'recommendation', 'example')),
    crn        TEXT,
    question   TEXT,
    body       TEXT   NOT NULL CHECK (length(body) > 0),
    written_by TEXT   NOT NULL,
    written_at TEXT   NOT NULL,
    PRIMARY KEY (inspection, entry, version),
    -- An example is attached to a sampled case; the other kinds are about the provider.
    CHECK ((kind = 'example') = (crn IS NOT NULL)),
    CHECK (question IS NULL OR crn IS NOT NULL),
    FOREIGN KEY (inspection, crn) REFERENCES inspection_cases(inspection, crn)
);

-- The function is migration 0004's.
CREATE TRIGGER inspection_narrative_append_only BEFORE UPDATE OR DELETE ON inspection_narrative
    FOR EACH ROW EXECUTE FUNCTION inspection_records_are_append_only();
CREATE TRIGGER inspection_narrative_no_truncate BEFORE TRUNCATE ON inspection_narrative
    FOR EACH STATEMENT EXECUTE FUNCTION inspection_records_are_append_only();
