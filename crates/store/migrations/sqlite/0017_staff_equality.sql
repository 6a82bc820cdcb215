-- A member of staff's self-declared protected characteristics, and the staff processes
-- recorded against them (the performance-improvement flag), for disproportionality in staff
-- processes (`analytics::staff_process`). Sensitive: only aggregates are read out of here.
--
-- One row per member of staff who has declared anything; a NULL (or no row) is "not
-- recorded". Values are the ids of `domain::person::{Gender, Ethnicity}` and
-- `domain::staff::Religion`; `date_of_birth` is YYYY-MM-DD text; `disability` is 'yes' or 'no'.
CREATE TABLE staff_characteristics (
    staff         TEXT PRIMARY KEY REFERENCES staff(code),
    gender        TEXT CHECK (gender IN ('male', 'female', 'other')),
    ethnicity     TEXT CHECK (ethnicity IN ('white', 'mixed', 'asian', 'black', 'other', 'not_stated')),
    date_of_birth TEXT,
    disability    TEXT CHECK (disability IN ('yes', 'no')),
    religion      TEXT CHECK (religion IN ('no_religion', 'christian', 'buddhist', 'hindu', 'jewish', 'muslim',
                                           'sikh', 'other', 'not_stated'))
);

-- Flags on a member of staff: `starts_on` to `ends_on` (its last day, NULL while open),
-- raised by another member of staff.
CREATE TABLE staff_flags (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    staff     TEXT NOT NULL REFERENCES staff(code),
    kind      TEXT NOT NULL CHECK (kind IN ('performance-improvement')),
    starts_on TEXT NOT NULL,
    ends_on   TEXT,
    raised_by TEXT NOT NULL REFERENCES staff(code),
    CHECK (ends_on IS NULL OR ends_on >= starts_on),
    CHECK (raised_by <> staff)
);
CREATE INDEX staff_flags_by_staff ON staff_flags (staff, starts_on);
CREATE INDEX staff_flags_by_kind ON staff_flags (kind, starts_on);
