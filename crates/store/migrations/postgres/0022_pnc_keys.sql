-- Finding a person by PNC number (issue 17: registration checks for someone already
-- registered with the same PNC): each case's PNC as the duplicate check compares it
-- (`domain::ids::Pnc::key`, so a PNC written with a two- or four-digit year and with or
-- without leading zeros is one key), '' when the person has none. Kept with the family
-- name's key by the search keys projection. Rows written before this migration hold '?'
-- until the store is next opened, which computes them from the person's latest details.
ALTER TABLE search_keys ADD COLUMN pnc_key TEXT NOT NULL DEFAULT '?';
CREATE INDEX search_keys_by_pnc ON search_keys (pnc_key);
