-- Unpaid work: supervisors, projects, the sessions of each week and who is allocated to
-- them. The case log holds the appointments and outcomes; these tables are the schedule.
CREATE TABLE upw_supervisors (
    code  TEXT PRIMARY KEY,
    name  TEXT NOT NULL,
    phone TEXT NOT NULL,
    days  TEXT NOT NULL
);

CREATE TABLE upw_supervisor_absences (
    supervisor TEXT NOT NULL REFERENCES upw_supervisors(code),
    on_date    TEXT NOT NULL,
    PRIMARY KEY (supervisor, on_date)
);

CREATE TABLE upw_projects (
    code          TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    borough       TEXT NOT NULL,
    meeting_point TEXT NOT NULL,
    directions    TEXT NOT NULL,
    days          TEXT NOT NULL,
    supervisor    TEXT NOT NULL REFERENCES upw_supervisors(code),
    capacity      INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 10),
    women_only    BOOLEAN NOT NULL,
    accessible    BOOLEAN NOT NULL
);

-- Invariant: no session is ever over capacity. An allocation takes a place with
-- "UPDATE ... SET booked = booked + 1 WHERE booked < capacity" in its transaction, and the
-- CHECK refuses anything that slips past.
CREATE TABLE upw_sessions (
    id         TEXT PRIMARY KEY,
    project    TEXT NOT NULL REFERENCES upw_projects(code),
    supervisor TEXT NOT NULL,
    starts_at  TEXT NOT NULL,
    ends_at    TEXT NOT NULL,
    capacity   INTEGER NOT NULL,
    booked     INTEGER NOT NULL DEFAULT 0,
    CHECK (booked >= 0 AND booked <= capacity)
);
CREATE INDEX upw_sessions_by_start ON upw_sessions (starts_at);

-- One session a day per person.
CREATE TABLE upw_allocations (
    session     TEXT NOT NULL REFERENCES upw_sessions(id),
    crn         TEXT NOT NULL,
    appointment TEXT NOT NULL,
    on_date     TEXT NOT NULL,
    PRIMARY KEY (session, crn),
    UNIQUE (crn, on_date)
);
CREATE INDEX upw_allocations_by_date ON upw_allocations (on_date);

-- Stand-downs, for MI: who, which session, what they were credited.
CREATE TABLE upw_stand_downs (
    session          TEXT NOT NULL,
    crn              TEXT NOT NULL,
    appointment      TEXT NOT NULL,
    on_date          TEXT NOT NULL,
    notice           TEXT NOT NULL,
    credited_minutes INTEGER NOT NULL,
    PRIMARY KEY (session, crn)
);
