-- A version per officer's caseload that changes in the same transaction as any change to a
-- case summary that is, or was, on it. The web server keeps recently opened caseloads in
-- memory and checks this one number before using one, so an unchanged caseload costs a page
-- no read of its cases, and a change by any process is seen by the very next request.
-- An officer with no row has version 0.
CREATE TABLE caseload_versions (
    officer TEXT PRIMARY KEY,
    version INTEGER NOT NULL
);
CREATE TRIGGER case_summary_insert_caseload AFTER INSERT ON case_summary WHEN NEW.officer IS NOT NULL BEGIN
    INSERT INTO caseload_versions (officer, version) VALUES (NEW.officer, 1)
        ON CONFLICT (officer) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER case_summary_update_old_caseload AFTER UPDATE ON case_summary WHEN OLD.officer IS NOT NULL BEGIN
    INSERT INTO caseload_versions (officer, version) VALUES (OLD.officer, 1)
        ON CONFLICT (officer) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER case_summary_update_new_caseload AFTER UPDATE ON case_summary
    WHEN NEW.officer IS NOT NULL AND NEW.officer IS NOT OLD.officer BEGIN
    INSERT INTO caseload_versions (officer, version) VALUES (NEW.officer, 1)
        ON CONFLICT (officer) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER case_summary_delete_caseload AFTER DELETE ON case_summary WHEN OLD.officer IS NOT NULL BEGIN
    INSERT INTO caseload_versions (officer, version) VALUES (OLD.officer, 1)
        ON CONFLICT (officer) DO UPDATE SET version = version + 1;
END;
