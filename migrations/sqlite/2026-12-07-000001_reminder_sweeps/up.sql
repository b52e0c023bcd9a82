-- One row per day the reminder sweep completed, shared by every instance on the database: the next
-- sweep covers every day since the last one here, so a day the server was down or cron skipped is
-- caught up rather than lost. Days older than the catch-up limit are not swept; how many reminder
-- items fell on them is kept here and shown on the outbox page.
CREATE TABLE reminder_sweeps (
    day DATE PRIMARY KEY NOT NULL,
    covered_from DATE NOT NULL,
    skipped_from DATE,
    skipped_until DATE,
    skipped_items BIGINT NOT NULL DEFAULT 0,
    messages BIGINT NOT NULL,
    completed_at TIMESTAMP NOT NULL,
    CONSTRAINT reminder_sweeps_covered_check CHECK (covered_from <= day),
    CONSTRAINT reminder_sweeps_skipped_check CHECK (
        (skipped_from IS NULL AND skipped_until IS NULL AND skipped_items = 0)
        OR (skipped_from <= skipped_until AND skipped_until < covered_from AND skipped_items >= 0)
    )
);
