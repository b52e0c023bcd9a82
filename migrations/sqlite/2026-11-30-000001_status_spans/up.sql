-- Every indicator's status over time, replacing checkpoint_unmet_spans: spans of as-of dates on which
-- the status engine gives the same status (the first holds from the beginning: valid_from NULL),
-- recomputed whenever an indicator's target, plan, period or verified evidence changes. The
-- portfolio's lists and counts for any date are one indexed query here.
DROP TABLE checkpoint_unmet_spans;

CREATE TABLE indicator_status_spans (
    id INTEGER PRIMARY KEY,
    indicator_id INTEGER NOT NULL REFERENCES indicators (id) ON DELETE CASCADE,
    project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    since DATE,
    valid_from DATE,
    valid_until DATE,
    CONSTRAINT indicator_status_spans_status_check CHECK (status IN ('not_started', 'on_track', 'at_risk', 'overdue', 'achieved', 'missed')),
    CONSTRAINT indicator_status_spans_order_check CHECK (valid_until IS NULL OR valid_from IS NULL OR valid_until > valid_from)
);
-- The list walks one status in 'since' order and keeps the spans holding the date; covering, so the
-- walk never visits the table.
CREATE INDEX indicator_status_spans_list_idx ON indicator_status_spans (status, since, valid_from, valid_until, indicator_id, project_id);
CREATE INDEX indicator_status_spans_indicator_idx ON indicator_status_spans (indicator_id);
CREATE INDEX indicator_status_spans_project_idx ON indicator_status_spans (project_id);

-- The spans are computed with a warning window; the application rebuilds them all when the window
-- it finds recorded here differs from its configuration, as after this migration.
DELETE FROM settings WHERE key = 'status_spans.warning_days';
