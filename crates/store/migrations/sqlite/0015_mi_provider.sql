-- The whole provider's management information pre-summed over teams (store::mi): a
-- provider-wide figure reads one row per period and key, not one per team, period and key
-- (an as-at measure's rows are by failing day, so by team they run to hundreds of thousands).
-- It moves by the same deltas as mi_monthly_team, in the same transaction, and is checked
-- against a re-summing of the facts by `mi_check`. Not kept for areas, boroughs or offices:
-- teams move between them, so those figures join mi_monthly_team to the organisation.
CREATE TABLE mi_monthly_provider (
    measure  TEXT   NOT NULL,
    period   TEXT   NOT NULL,
    fact_key TEXT   NOT NULL,
    met      BIGINT NOT NULL,
    total    BIGINT NOT NULL,
    weight   BIGINT NOT NULL,
    PRIMARY KEY (measure, period, fact_key)
);
INSERT INTO mi_monthly_provider (measure, period, fact_key, met, total, weight)
SELECT measure, period, fact_key, SUM(met), SUM(total), SUM(weight)
FROM mi_monthly_team GROUP BY 1, 2, 3;
