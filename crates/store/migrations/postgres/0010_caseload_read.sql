-- An officer's caseload (the caseload page, the worklist) in one range of one index, in the
-- page's order, with every column the caseload query reads, so it can be an index-only scan
-- rather than a row fetched from the heap per case. A column added to case_summary later
-- must be added here too, or the query quietly goes back to fetching rows.
CREATE INDEX case_summary_caseload ON case_summary (officer, family_name, first_name, crn) INCLUDE (
    active, date_of_birth, gender, team, sentence_kind, sentence_end, released_on, licence_end, rosh,
    next_appointment, last_face_to_face, contact_due_by, officer_count, legacy_tier, v3_tier,
    tier_provisional, version
);

-- The access generation: a number that changes in the same transaction as any change to
-- what deciding access reads besides the case and the user themselves (the organisation,
-- the limited-access lists, the grants). The web server keeps those in memory and checks
-- this one number with each request's session, so a page needs no query for them, and a
-- change made by any process (the CLI, another server) is seen by the very next request.
CREATE TABLE access_generation (
    only_row   INTEGER PRIMARY KEY CHECK (only_row = 1),
    generation BIGINT NOT NULL
);
INSERT INTO access_generation (only_row, generation) VALUES (1, 0);

CREATE FUNCTION bump_access_generation() RETURNS trigger AS $$
BEGIN
    UPDATE access_generation SET generation = generation + 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER areas_access AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON areas
    FOR EACH STATEMENT EXECUTE FUNCTION bump_access_generation();
CREATE TRIGGER boroughs_access AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON boroughs
    FOR EACH STATEMENT EXECUTE FUNCTION bump_access_generation();
CREATE TRIGGER offices_access AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON offices
    FOR EACH STATEMENT EXECUTE FUNCTION bump_access_generation();
CREATE TRIGGER teams_access AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON teams
    FOR EACH STATEMENT EXECUTE FUNCTION bump_access_generation();
CREATE TRIGGER staff_access AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON staff
    FOR EACH STATEMENT EXECUTE FUNCTION bump_access_generation();
CREATE TRIGGER limited_access_access AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON limited_access
    FOR EACH STATEMENT EXECUTE FUNCTION bump_access_generation();
CREATE TRIGGER case_grants_access AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON case_grants
    FOR EACH STATEMENT EXECUTE FUNCTION bump_access_generation();
