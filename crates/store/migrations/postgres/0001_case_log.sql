-- The case event log: append-only, one stream per case (CRN), two times per event.
-- Times are stored as fixed-width UTC text so both engines export byte-identical CSV.
CREATE TABLE events (
    crn            TEXT   NOT NULL,
    seq            BIGINT NOT NULL,
    event_type     TEXT   NOT NULL,
    schema_version BIGINT NOT NULL,
    occurred_at    TEXT   NOT NULL,
    recorded_at    TEXT   NOT NULL,
    recorded_by    TEXT   NOT NULL,
    payload        TEXT   NOT NULL,
    PRIMARY KEY (crn, seq)
);

-- Invariant: events are never updated or deleted (nor truncated); a correction is a new event.
CREATE FUNCTION events_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'case events are append-only: % is not allowed', TG_OP;
END;
$$;
CREATE TRIGGER events_no_update_or_delete BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_are_append_only();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_are_append_only();

CREATE TABLE streams (
    crn     TEXT   PRIMARY KEY,
    version BIGINT NOT NULL
);

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
    officer_count     BIGINT NOT NULL,
    version           BIGINT NOT NULL
);
CREATE INDEX case_summary_by_officer ON case_summary (officer, family_name);

CREATE TABLE caseload (
    officer      TEXT PRIMARY KEY,
    active_cases BIGINT NOT NULL
);

CREATE TABLE areas    (code TEXT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE boroughs (code TEXT PRIMARY KEY, area TEXT NOT NULL REFERENCES areas(code), name TEXT NOT NULL);
CREATE TABLE offices  (code TEXT PRIMARY KEY, borough TEXT NOT NULL REFERENCES boroughs(code), name TEXT NOT NULL);
CREATE TABLE teams    (code TEXT PRIMARY KEY, office TEXT NOT NULL REFERENCES offices(code), name TEXT NOT NULL);
CREATE TABLE staff    (
    code TEXT PRIMARY KEY,
    team TEXT NOT NULL REFERENCES teams(code),
    name TEXT NOT NULL,
    grade TEXT NOT NULL,
    contracted_hours DOUBLE PRECISION NOT NULL,
    employment TEXT NOT NULL,
    specialisms TEXT NOT NULL
);
