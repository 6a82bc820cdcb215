-- Reports an officer is preparing (docs/rules/practice.md#workload: standard court report, fast report,
-- parole report), which weigh on their workload from the day they are requested until the
-- day they are completed. Dates are YYYY-MM-DD text. `crn` is the person the report is on,
-- NULL when not given: a pre-sentence report may be asked for before the person has a case,
-- so it is not a reference to a case. `completed_on` is NULL while it is in preparation.
CREATE TABLE staff_reports (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    staff        TEXT NOT NULL REFERENCES staff(code),
    kind         TEXT NOT NULL CHECK (kind IN ('standard_court', 'fast', 'parole')),
    crn          TEXT CHECK (crn IS NULL OR crn GLOB '[A-Z][0-9][0-9][0-9][0-9][0-9][0-9]'),
    requested_on TEXT NOT NULL,
    due_on       TEXT,
    completed_on TEXT,
    CHECK (due_on IS NULL OR due_on >= requested_on),
    CHECK (completed_on IS NULL OR completed_on >= requested_on)
);
CREATE INDEX staff_reports_by_staff ON staff_reports (staff, requested_on);
