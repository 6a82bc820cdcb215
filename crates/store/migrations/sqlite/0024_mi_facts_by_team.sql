-- A period measure's figures for part of a month read facts rather than the monthly sums
-- (store::mi::mi_month_rows): a team's, office's, borough's or area's facts are its teams'
-- (store::mi::scope_filter). With the facts of a measure by team and day, and every column the
-- figures sum, each team's facts are one range of this index; before it, every team's facts of
-- those days were read and joined to the organisation, and then filtered.
CREATE INDEX mi_facts_by_team ON mi_facts (measure, team, on_date, fact_key, met, weight);
