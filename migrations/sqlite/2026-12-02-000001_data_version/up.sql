-- A counter bumped by every change to what the portfolio-wide reads (the overdue list, the
-- dashboard) show, in the same transaction as the change. Each instance keeps those answers in
-- memory until the counter moves, so a cached answer is never older than the data it was read
-- from, whichever instance wrote.
CREATE TABLE data_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n BIGINT NOT NULL
);
INSERT INTO data_version (id, n) VALUES (1, 0);

CREATE TRIGGER guides_insert_data_version AFTER INSERT ON guides
BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER guides_update_data_version AFTER UPDATE ON guides
BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER guides_delete_data_version AFTER DELETE ON guides
BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER topics_insert_data_version AFTER INSERT ON topics
BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER topics_update_data_version AFTER UPDATE ON topics
BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER topics_delete_data_version AFTER DELETE ON topics
BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER directions_insert_data_version AFTER INSERT ON directions
BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER directions_update_data_version AFTER UPDATE ON directions
BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER directions_delete_data_version AFTER DELETE ON directions
BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER regions_insert_data_version AFTER INSERT ON regions
BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER regions_update_data_version AFTER UPDATE ON regions
BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER regions_delete_data_version AFTER DELETE ON regions
BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER institutions_insert_data_version AFTER INSERT ON institutions
BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER institutions_update_data_version AFTER UPDATE ON institutions
BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER institutions_delete_data_version AFTER DELETE ON institutions
BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER projects_insert_data_version AFTER INSERT ON projects
BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER projects_update_data_version AFTER UPDATE ON projects
BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER projects_delete_data_version AFTER DELETE ON projects
BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER project_partners_insert_data_version AFTER INSERT ON project_partners
BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER project_partners_update_data_version AFTER UPDATE ON project_partners
BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER project_partners_delete_data_version AFTER DELETE ON project_partners
BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER indicators_insert_data_version AFTER INSERT ON indicators
BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER indicators_update_data_version AFTER UPDATE ON indicators
BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER indicators_delete_data_version AFTER DELETE ON indicators
BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER milestones_insert_data_version AFTER INSERT ON milestones
BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER milestones_update_data_version AFTER UPDATE ON milestones
BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER milestones_delete_data_version AFTER DELETE ON milestones
BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER evidence_insert_data_version AFTER INSERT ON evidence
BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER evidence_update_data_version AFTER UPDATE ON evidence
BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER evidence_delete_data_version AFTER DELETE ON evidence
BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER indicator_status_spans_insert_data_version AFTER INSERT ON indicator_status_spans
BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER indicator_status_spans_update_data_version AFTER UPDATE ON indicator_status_spans
BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER indicator_status_spans_delete_data_version AFTER DELETE ON indicator_status_spans
BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
-- A user's name shows as a PI; nothing else of an account does.
CREATE TRIGGER users_name_data_version AFTER UPDATE OF name ON users
BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
