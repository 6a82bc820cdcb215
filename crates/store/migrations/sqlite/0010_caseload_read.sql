-- An officer's caseload (the caseload page, the worklist) in one range of one index, in the
-- page's order: every column the caseload query reads is in it, so no case's row is looked up
-- on its own (at national scale those lookups landed on pages all over the file and were most
-- of the page's cost). A column added to case_summary later must be added here too, or the
-- query quietly goes back to looking rows up.
CREATE INDEX case_summary_caseload ON case_summary (
    officer, family_name, first_name, crn,
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
    generation INTEGER NOT NULL
);
INSERT INTO access_generation (only_row, generation) VALUES (1, 0);
CREATE TRIGGER areas_insert_access AFTER INSERT ON areas BEGIN
    UPDATE access_generation SET generation = generation + 1;
END;
CREATE TRIGGER areas_update_access AFTER UPDATE ON areas BEGIN
    UPDATE access_generation SET generation = generation + 1;
END;
CREATE TRIGGER areas_delete_access AFTER DELETE ON areas BEGIN
    UPDATE access_generation SET generation = generation + 1;
END;
CREATE TRIGGER boroughs_insert_access AFTER INSERT ON boroughs BEGIN
    UPDATE access_generation SET generation = generation + 1;
END;
CREATE TRIGGER boroughs_update_access AFTER UPDATE ON boroughs BEGIN
    UPDATE access_generation SET generation = generation + 1;
END;
CREATE TRIGGER boroughs_delete_access AFTER DELETE ON boroughs BEGIN
    UPDATE access_generation SET generation = generation + 1;
END;
CREATE TRIGGER offices_insert_access AFTER INSERT ON offices BEGIN
    UPDATE access_generation SET generation = generation + 1;
END;
CREATE TRIGGER offices_update_access AFTER UPDATE ON offices BEGIN
    UPDATE access_generation SET generation = generation + 1;
END;
CREATE TRIGGER offices_delete_access AFTER DELETE ON offices BEGIN
    UPDATE access_generation SET generation = generation + 1;
END;
CREATE TRIGGER teams_insert_access AFTER INSERT ON teams BEGIN
    UPDATE access_generation SET generation = generation + 1;
END;
CREATE TRIGGER teams_update_access AFTER UPDATE ON teams BEGIN
    UPDATE access_generation SET generation = generation + 1;
END;
CREATE TRIGGER teams_delete_access AFTER DELETE ON teams BEGIN
    UPDATE access_generation SET generation = generation + 1;
END;
CREATE TRIGGER staff_insert_access AFTER INSERT ON staff BEGIN
    UPDATE access_generation SET generation = generation + 1;
END;
CREATE TRIGGER staff_update_access AFTER UPDATE ON staff BEGIN
    UPDATE access_generation SET generation = generation + 1;
END;
CREATE TRIGGER staff_delete_access AFTER DELETE ON staff BEGIN
    UPDATE access_generation SET generation = generation + 1;
END;
CREATE TRIGGER limited_access_insert_access AFTER INSERT ON limited_access BEGIN
    UPDATE access_generation SET generation = generation + 1;
END;
CREATE TRIGGER limited_access_update_access AFTER UPDATE ON limited_access BEGIN
    UPDATE access_generation SET generation = generation + 1;
END;
CREATE TRIGGER limited_access_delete_access AFTER DELETE ON limited_access BEGIN
    UPDATE access_generation SET generation = generation + 1;
END;
CREATE TRIGGER case_grants_insert_access AFTER INSERT ON case_grants BEGIN
    UPDATE access_generation SET generation = generation + 1;
END;
CREATE TRIGGER case_grants_update_access AFTER UPDATE ON case_grants BEGIN
    UPDATE access_generation SET generation = generation + 1;
END;
CREATE TRIGGER case_grants_delete_access AFTER DELETE ON case_grants BEGIN
    UPDATE access_generation SET generation = generation + 1;
END;
