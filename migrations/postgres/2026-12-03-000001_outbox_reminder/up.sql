-- A reminder is queued as what it is about (JSON: recipient, rule, items) and written when it is
-- sent, so a sweep over a large portfolio writes a few hundred bytes a message instead of both
-- rendered bodies. Its bodies stay empty until then and hold what was sent afterwards.
ALTER TABLE outbox ADD COLUMN reminder TEXT;
