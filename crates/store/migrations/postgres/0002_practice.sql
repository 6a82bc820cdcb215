-- The practice engine (issue 3): each case's tier, as last calculated by a TierCalculated
-- event, on the case summary. Existing rows have no tier events, so NULL/false is what a
-- rebuild would give them.
ALTER TABLE case_summary ADD COLUMN legacy_tier TEXT;
ALTER TABLE case_summary ADD COLUMN v3_tier TEXT;
ALTER TABLE case_summary ADD COLUMN tier_provisional BOOLEAN NOT NULL DEFAULT FALSE;
