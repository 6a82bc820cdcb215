-- The case event log: append-only, one stream per case (CRN), two times per event.
CREATE TABLE events (
    crn            TEXT    NOT NULL,
    seq            INTEGER NOT NULL,
    event_type     TEXT    NOT NULL,
    schema_version INTEGER NOT NULL,
    occurred_at    TEXT    NOT NULL,
    recorded_at    TEXT    NOT NULL,
    recorded_by    TEXT    NOT NULL,
    payload        TEXT    NOT NULL,
    PRIMARY KEY (crn, seq)
) WITHOUT ROWID;

-- Invariant: events are never updated or deleted; a correction is a new event.
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'case events are append-only: UPDATE is not allowed'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'case events are append-only: DELETE is not allowed'); END;

-- The version of each stream: the optimistic-concurrency token.
CREATE TABLE streams (
    crn     TEXT    PRIMARY KEY,
    version INTEGER NOT NULL
) WITHOUT ROWID;

-- Projections: derived from the log, rebuilt by `probity rebuild`.
CREATE TABLE case_summary (
    crn               TEXT PRIMARY KEY,
    first_name        TEXT NOT NULL,
    family_name       TEXT NOT NULL,
    date_of_birth     TEXT NOT NULL,
    gender            TEXT NOT NULL,
    officer           TEXT,
    team              TEXT,
    active            BOOLEAN NOT NULL,
    sentence_kind     TEXT,
    sentence_end      TEXT,
    released_on       TEXT,
    licence_end       TEXT,
    rosh              TEXT,
    next_appointment  TEXT,
    last_face_to_face TEXT,
    contact_due_by    TEXT,
    officer_count     INTEGER NOT NULL,
    version           INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX case_summary_by_officer ON case_summary (officer, family_name);

CREATE TABLE caseload (
    officer      TEXT PRIMARY KEY,
    active_cases INTEGER NOT NULL
) WITHOUT ROWID;

-- The organisation: reference data.
CREATE TABLE areas    (code TEXT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE boroughs (code TEXT PRIMARY KEY, area TEXT NOT NULL REFERENCES areas(code), name TEXT NOT NULL);
CREATE TABLE offices  (code TEXT PRIMARY KEY, borough TEXT NOT NULL REFERENCES boroughs(code), name TEXT NOT NULL);
CREATE TABLE teams    (code TEXT PRIMARY KEY, office TEXT NOT NULL REFERENCES offices(code), name TEXT NOT NULL);
CREATE TABLE staff    (
    code TEXT PRIMARY KEY,
    team TEXT NOT NULL REFERENCES teams(code),
    name TEXT NOT NULL,
    grade TEXT NOT NULL,
    contracted_hours REAL NOT NULL,
    employment TEXT NOT NULL,
    specialisms TEXT NOT NULL
);
