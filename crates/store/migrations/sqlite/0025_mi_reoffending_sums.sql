-- Proven reoffending pre-summed by cohort and team ('' when the entry has none): what the
-- reoffending page reads (store::mi_outcomes::mi_reoffending), a few rows a cohort and team
-- where summing mi_reoffending itself read every entry of every cohort on each request. Kept
-- as mi_monthly is: each append moves it by the difference between the case's stored entries
-- and its new ones (store::projections::outcomes), and check compares it with a re-summing.
CREATE TABLE mi_reoffending_sums (
    cohort      TEXT    NOT NULL,
    team        TEXT    NOT NULL,
    people      INTEGER NOT NULL,
    reoffenders INTEGER NOT NULL,
    reoffences  INTEGER NOT NULL,
    PRIMARY KEY (cohort, team)
);
INSERT INTO mi_reoffending_sums (cohort, team, people, reoffenders, reoffences)
SELECT cohort, COALESCE(team, ''), COUNT(*), SUM(CASE WHEN reoffences > 0 THEN 1 ELSE 0 END), SUM(reoffences)
FROM mi_reoffending GROUP BY cohort, COALESCE(team, '');
