-- Each officer's workload as a projection of the log (store::projections::workload): their
-- active cases counted by how the workload model weighs them (docs/rules/practice.md#workload):
-- legacy tier ('' while the case has none yet), case type (community, licence, custody) and
-- whether the person is a woman. Moved by deltas in each append's transaction, like
-- caseload, so no page replays cases to weigh a team; rebuilt by `probity rebuild` and
-- compared with a rebuild by `probity check`.
CREATE TABLE workload_cases (
    officer   TEXT    NOT NULL,
    tier      TEXT    NOT NULL,
    case_type TEXT    NOT NULL,
    female    BOOLEAN NOT NULL,
    cases     INTEGER NOT NULL,
    PRIMARY KEY (officer, tier, case_type, female)
) WITHOUT ROWID;

-- A store made before this migration gets its counts from its case summaries, by the same
-- rule as analytics::workload::WeighedCase::of.
INSERT INTO workload_cases (officer, tier, case_type, female, cases)
SELECT officer,
       COALESCE(legacy_tier, ''),
       CASE WHEN sentence_kind = 'custodial' AND released_on IS NULL THEN 'custody'
            WHEN sentence_kind = 'custodial' THEN 'licence'
            ELSE 'community' END,
       gender = 'female',
       COUNT(*)
FROM case_summary
WHERE active AND officer IS NOT NULL AND sentence_kind IS NOT NULL
GROUP BY 1, 2, 3, 4;
