-- The emptied bodies and the tokens' former lack of expiry are not restored.
ALTER TABLE outbox DROP COLUMN password_reset_id;
