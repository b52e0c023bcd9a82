-- Every reminder item ever queued (rule, recipient, subject entity, step), so that a sweep that runs
-- twice, or two instances sweeping at once, queue each item once; items due together for one
-- recipient and project travel in one message, named by outbox_key.
CREATE TABLE reminder_log (
    item_key TEXT PRIMARY KEY NOT NULL,
    outbox_key TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    CONSTRAINT reminder_log_item_key_check CHECK (item_key <> '')
);
CREATE INDEX reminder_log_outbox_key_idx ON reminder_log (outbox_key);

-- Each delivery attempt of an outbox message and what went wrong, for the admin page.
CREATE TABLE outbox_attempts (
    id INTEGER PRIMARY KEY,
    outbox_id INTEGER NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
    attempted_at TIMESTAMP NOT NULL,
    sender TEXT NOT NULL,
    error TEXT
);
CREATE INDEX outbox_attempts_outbox_id_idx ON outbox_attempts (outbox_id);

-- The sweep looks up the projects whose execution period ends on given dates (acceptance
-- approaching) and the mid-term checkpoints due on given dates.
CREATE INDEX projects_execution_end_idx ON projects (execution_end);
CREATE INDEX milestones_kind_due_on_idx ON milestones (kind, due_on);

-- Digests carry a List-Unsubscribe header pointing at where the recipient turns them off.
ALTER TABLE outbox ADD COLUMN list_unsubscribe TEXT;
