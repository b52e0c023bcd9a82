-- Issue 20's auth and mail findings.
--
-- Password-reset messages are written when they are sent, with a token made then (see
-- jobs::queued_reset): the outbox row names the reset row and holds no link. Rows queued before
-- are tied to their reset row through their key (password_reset:<token hash>), and every reset
-- message's stored bodies are emptied: they held working links in clear, and so did every backup.
ALTER TABLE outbox ADD COLUMN password_reset_id INTEGER;
UPDATE outbox SET password_reset_id =
    (SELECT r.id FROM password_resets r WHERE 'password_reset:' || r.token_hash = outbox.idempotency_key)
    WHERE kind = 'password_reset';
UPDATE outbox SET body_text = '', body_html = NULL WHERE kind = 'password_reset';

-- Every API token expires now (api_token_max_days, 365 by default): a live token made without an
-- expiry gets one a year from the upgrade.
UPDATE api_tokens SET expires_at = datetime('now', '+365 days') WHERE expires_at IS NULL AND revoked_at IS NULL;
