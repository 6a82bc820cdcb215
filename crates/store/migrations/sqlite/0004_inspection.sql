-- Inspections (issue 7): a sample drawn from the store and announced on a date, its cases,
-- and inspectors' answers to the case assessment instrument.
-- Invariant: an announced sample is fixed and answers are append-only (the latest answer to
-- a question wins; earlier ones are the history, with who and when).
CREATE TABLE inspections (
    id           TEXT    PRIMARY KEY,
    announced_on TEXT    NOT NULL,
    fieldwork_on TEXT    NOT NULL,
    scheme       TEXT    NOT NULL,
    seed         INTEGER NOT NULL,
    sample_json  TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    created_by   TEXT    NOT NULL
);

CREATE TABLE inspection_cases (
    inspection TEXT    NOT NULL REFERENCES inspections(id),
    crn        TEXT    NOT NULL,
    stratum    TEXT    NOT NULL,
    position   INTEGER NOT NULL,
    PRIMARY KEY (inspection, crn)
) WITHOUT ROWID;

CREATE TABLE inspection_answers (
    inspection  TEXT    NOT NULL,
    crn         TEXT    NOT NULL,
    question    TEXT    NOT NULL,
    seq         INTEGER NOT NULL,
    answer      TEXT    NOT NULL CHECK (answer IN ('yes', 'no', 'na')),
    note        TEXT,
    answered_by TEXT    NOT NULL,
    answered_at TEXT    NOT NULL,
    PRIMARY KEY (inspection, crn, question, seq),
    FOREIGN KEY (inspection, crn) REFERENCES inspection_cases(inspection, crn)
) WITHOUT ROWID;

CREATE TRIGGER inspections_no_update BEFORE UPDATE ON inspections
BEGIN SELECT RAISE(ABORT, 'an announced inspection sample is fixed: UPDATE is not allowed'); END;
CREATE TRIGGER inspections_no_delete BEFORE DELETE ON inspections
BEGIN SELECT RAISE(ABORT, 'an announced inspection sample is fixed: DELETE is not allowed'); END;
CREATE TRIGGER inspection_cases_no_update BEFORE UPDATE ON inspection_cases
BEGIN SELECT RAISE(ABORT, 'an announced inspection sample is fixed: UPDATE is not allowed'); END;
CREATE TRIGGER inspection_cases_no_delete BEFORE DELETE ON inspection_cases
BEGIN SELECT RAISE(ABORT, 'an announced inspection sample is fixed: DELETE is not allowed'); END;
CREATE TRIGGER inspection_answers_no_update BEFORE UPDATE ON inspection_answers
BEGIN SELECT RAISE(ABORT, 'inspection answers are append-only: UPDATE is not allowed'); END;
CREATE TRIGGER inspection_answers_no_delete BEFORE DELETE ON inspection_answers
BEGIN SELECT RAISE(ABORT, 'inspection answers are append-only: DELETE is not allowed'); END;
