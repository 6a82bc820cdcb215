-- Who may use Probity, their sessions, failed sign-ins, limited-access lists and the audit of reads.
CREATE TABLE users (
    username      TEXT PRIMARY KEY,
    password_hash TEXT    NOT NULL,
    role          TEXT    NOT NULL,
    scope_kind    TEXT    NOT NULL,
    scope_code    TEXT,
    officer       TEXT,
    disabled      BOOLEAN NOT NULL,
    created_at    TEXT    NOT NULL
);

-- Sessions are keyed by the SHA-256 of their id: a leaked table does not hand out sessions.
CREATE TABLE sessions (
    id_hash    TEXT PRIMARY KEY,
    username   TEXT NOT NULL REFERENCES users(username),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen  TEXT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (username);

CREATE TABLE failed_sign_ins (
    username TEXT NOT NULL,
    at       TEXT NOT NULL
);
CREATE INDEX failed_sign_ins_by_user ON failed_sign_ins (username, at);

-- Exclusion (named users barred) and restriction (only named users may see) lists.
CREATE TABLE limited_access (
    id         BIGSERIAL PRIMARY KEY,
    crn        TEXT NOT NULL,
    kind       TEXT NOT NULL,
    username   TEXT NOT NULL REFERENCES users(username),
    starts_on  TEXT NOT NULL,
    ends_on    TEXT,
    reason     TEXT NOT NULL,
    added_by   TEXT NOT NULL,
    added_at   TEXT NOT NULL
);
CREATE INDEX limited_access_by_crn ON limited_access (crn);

-- Cases granted to a user outside their place scope (an inspector's sample).
CREATE TABLE case_grants (
    username TEXT NOT NULL REFERENCES users(username),
    crn      TEXT NOT NULL,
    PRIMARY KEY (username, crn)
);

-- Every read of a case record. Append-only, as the case log is.
CREATE TABLE case_reads (
    crn      TEXT NOT NULL,
    username TEXT NOT NULL,
    at       TEXT NOT NULL,
    route    TEXT NOT NULL
);
CREATE INDEX case_reads_by_crn ON case_reads (crn, at);
CREATE FUNCTION case_reads_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the read audit is append-only: % is not allowed', TG_OP;
END;
$$;
CREATE TRIGGER case_reads_no_update_or_delete BEFORE UPDATE OR DELETE ON case_reads
    FOR EACH ROW EXECUTE FUNCTION case_reads_are_append_only();
CREATE TRIGGER case_reads_no_truncate BEFORE TRUNCATE ON case_reads
    FOR EACH STATEMENT EXECUTE FUNCTION case_reads_are_append_only();
