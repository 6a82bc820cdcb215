-- A version per officer's caseload that changes in the same transaction as any change to a
-- case summary that is, or was, on it. The web server keeps recently opened caseloads in
-- memory and checks this one number before using one, so an unchanged caseload costs a page
-- no read of its cases, and a change by any process is seen by the very next request.
-- An officer with no row has version 0.
CREATE TABLE caseload_versions (
    officer TEXT PRIMARY KEY,
    version BIGINT NOT NULL
);

CREATE FUNCTION bump_caseload_version() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.officer IS NOT NULL THEN
        INSERT INTO caseload_versions (officer, version) VALUES (OLD.officer, 1)
            ON CONFLICT (officer) DO UPDATE SET version = caseload_versions.version + 1;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.officer IS NOT NULL
        AND (TG_OP = 'INSERT' OR NEW.officer IS DISTINCT FROM OLD.officer) THEN
        INSERT INTO caseload_versions (officer, version) VALUES (NEW.officer, 1)
            ON CONFLICT (officer) DO UPDATE SET version = caseload_versions.version + 1;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER case_summary_caseload AFTER INSERT OR UPDATE OR DELETE ON case_summary
    FOR EACH ROW EXECUTE FUNCTION bump_caseload_version();
