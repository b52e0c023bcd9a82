-- A counter bumped by every change to what the portfolio-wide reads (the overdue list, the
-- dashboard) show, in the same transaction as the change. Each instance keeps those answers in
-- memory until the counter moves, so a cached answer is never older than the data it was read
-- from, whichever instance wrote.
CREATE TABLE data_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n BIGINT NOT NULL
);
INSERT INTO data_version (id, n) VALUES (1, 0);

-- One bump per statement, not per row: a bulk insert moves the counter once.
CREATE FUNCTION bump_data_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE data_version SET n = n + 1 WHERE id = 1;
    RETURN NULL;
END;
$$;
CREATE TRIGGER guides_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON guides
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER topics_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON topics
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER directions_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON directions
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER regions_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON regions
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER institutions_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON institutions
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER projects_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON projects
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER project_partners_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON project_partners
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER indicators_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON indicators
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER milestones_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON milestones
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER evidence_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON evidence
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER indicator_status_spans_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON indicator_status_spans
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
-- A user's name shows as a PI; nothing else of an account does.
CREATE TRIGGER users_name_data_version AFTER UPDATE OF name ON users
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
