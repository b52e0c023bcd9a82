ALTER TABLE outbox DROP COLUMN reminder;
