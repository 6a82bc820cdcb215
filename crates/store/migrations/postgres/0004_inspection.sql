-- Inspections (issue 7): a sample drawn from the store and announced on a date, its cases,
-- and inspectors' answers to the case assessment instrument.
-- Invariant: an announced sample is fixed and answers are append-only (the latest answer to
-- a question wins; earlier ones are the history, with who and when).
CREATE TABLE inspections (
    id           TEXT   PRIMARY KEY,
    announced_on TEXT   NOT NULL,
    fieldwork_on TEXT   NOT NULL,
    scheme       TEXT   NOT NULL,
    seed         BIGINT NOT NULL,
    sample_json  TEXT   NOT NULL,
    created_at   TEXT   NOT NULL,
    created_by   TEXT   NOT NULL
);

CREATE TABLE inspection_cases (
    inspection TEXT   NOT NULL REFERENCES inspections(id),
    crn        TEXT   NOT NULL,
    stratum    TEXT   NOT NULL,
    position   BIGINT NOT NULL,
    PRIMARY KEY (inspection, crn)
);

CREATE TABLE inspection_answers (
    inspection  TEXT   NOT NULL,
    crn         TEXT   NOT NULL,
    question    TEXT   NOT NULL,
    seq         BIGINT NOT NULL,
    answer      TEXT   NOT NULL CHECK (answer IN ('yes', 'no', 'na')),
    note        TEXT,
    answered_by TEXT   NOT NULL,
    answered_at TEXT   NOT NULL,
    PRIMARY KEY (inspection, crn, question, seq),
    FOREIGN KEY (inspection, crn) REFERENCES inspection_cases(inspection, crn)
);

CREATE FUNCTION inspection_records_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'inspection records are append-only: % on % is not allowed', TG_OP, TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER inspections_fixed BEFORE UPDATE OR DELETE ON inspections
    FOR EACH ROW EXECUTE FUNCTION inspection_records_are_append_only();
CREATE TRIGGER inspection_cases_fixed BEFORE UPDATE OR DELETE ON inspection_cases
    FOR EACH ROW EXECUTE FUNCTION inspection_records_are_append_only();
CREATE TRIGGER inspection_answers_append_only BEFORE UPDATE OR DELETE ON inspection_answers
    FOR EACH ROW EXECUTE FUNCTION inspection_records_are_append_only();
CREATE TRIGGER inspections_no_truncate BEFORE TRUNCATE ON inspections
    FOR EACH STATEMENT EXECUTE FUNCTION inspection_records_are_append_only();
CREATE TRIGGER inspection_cases_no_truncate BEFORE TRUNCATE ON inspection_cases
    FOR EACH STATEMENT EXECUTE FUNCTION inspection_records_are_append_only();
CREATE TRIGGER inspection_answers_no_truncate BEFORE TRUNCATE ON inspection_answers
    FOR EACH STATEMENT EXECUTE FUNCTION inspection_records_are_append_only();
