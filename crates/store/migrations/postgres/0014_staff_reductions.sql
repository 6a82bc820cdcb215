-- Reductions of an officer's contracted hours (docs/rules/practice.md#workload): long-term sickness,
-- facility time at an agreed percent, trainee and newly qualified protection. Dates are
-- YYYY-MM-DD text; `ends_on` is the last day (inclusive), NULL while open-ended. Only
-- facility time carries a percent; the others take theirs from the workload policy.
CREATE TABLE staff_reductions (
    id        BIGSERIAL PRIMARY KEY,
    staff     TEXT NOT NULL REFERENCES staff(code),
    kind      TEXT NOT NULL
        CHECK (kind IN ('long_term_sickness', 'facility_time', 'trainee', 'newly_qualified')),
    percent   INTEGER CHECK (percent BETWEEN 1 AND 100),
    starts_on TEXT NOT NULL,
    ends_on   TEXT,
    CHECK ((kind = 'facility_time') = (percent IS NOT NULL)),
    CHECK (ends_on IS NULL OR ends_on >= starts_on)
);
CREATE INDEX staff_reductions_by_staff ON staff_reductions (staff, starts_on);
