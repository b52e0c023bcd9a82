-- Evidence answering a rejection or a request for more points at the evidence it answers.
ALTER TABLE evidence ADD COLUMN responds_to BIGINT REFERENCES evidence (id) ON DELETE RESTRICT;
CREATE INDEX evidence_responds_to_idx ON evidence (responds_to);
-- The review queue reads pending evidence oldest first.
CREATE INDEX evidence_status_created_at_idx ON evidence (status, created_at, id);
-- Which evidence kinds (佐证材料) were attached with each file, so the checklist can be ticked.
ALTER TABLE evidence_files ADD COLUMN kind TEXT;

-- The audit log becomes a hash chain: each row stores the hash of the row before it and its own
-- hash over that and its content (see db::audit). Rows written before this migration have no
-- hash; `audit verify` reports them as written before the chain began.
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
CREATE UNIQUE INDEX audit_log_hash_idx ON audit_log (hash);
