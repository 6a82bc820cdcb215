-- Unpaid work (issue 5): how each place recurs (docs/rules/practice.md#unpaid-work: once,
-- weekly or fortnightly until the hours are done); education, training and employment projects (up to
-- 30% of hours); a project's meeting point by latitude and longitude, for journeys by
-- distance. Places made before this were the scheduler's, whose default is weekly.
ALTER TABLE upw_allocations ADD COLUMN recurrence TEXT NOT NULL DEFAULT 'weekly'
    CHECK (recurrence IN ('once', 'weekly', 'fortnightly'));
CREATE INDEX upw_allocations_by_crn ON upw_allocations (crn);

ALTER TABLE upw_projects ADD COLUMN ete BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE upw_projects ADD COLUMN latitude REAL;
ALTER TABLE upw_projects ADD COLUMN longitude REAL;

-- Stand-downs keep the session; find them by person for the ETE share of their credit.
CREATE INDEX upw_stand_downs_by_crn ON upw_stand_downs (crn);
