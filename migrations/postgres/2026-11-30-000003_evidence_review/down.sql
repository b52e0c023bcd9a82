DROP INDEX audit_log_hash_idx;
ALTER TABLE audit_log DROP COLUMN hash;
ALTER TABLE audit_log DROP COLUMN prev_hash;
ALTER TABLE evidence_files DROP COLUMN kind;
DROP INDEX evidence_status_created_at_idx;
DROP INDEX evidence_responds_to_idx;
ALTER TABLE evidence DROP COLUMN responds_to;
