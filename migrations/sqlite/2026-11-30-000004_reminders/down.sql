ALTER TABLE outbox DROP COLUMN list_unsubscribe;
DROP INDEX milestones_kind_due_on_idx;
DROP INDEX projects_execution_end_idx;
DROP TABLE outbox_attempts;
DROP TABLE reminder_log;
