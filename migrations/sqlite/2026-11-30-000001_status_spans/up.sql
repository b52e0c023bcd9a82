-- Every indicator's status over time, replacing checkpoint_unmet_spans: spans of as-of dates on which
-- the status engine gives the same status (the first holds from the beginning: valid_from 0001-01-01),
-- recomputed whenever an indicator's target, plan, period or verified evidence changes. The
-- portfolio's lists and counts for any date are one indexed query here.
DROP TABLE checkpoint_unmet_spans;

CREATE TABLE indicator_status_spans (
    id INTEGER PRIMARY KEY,
    indicator_id INTEGER NOT NULL REFERENCES indicators (id) ON DELETE CASCADE,
    project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    since DATE,
    valid_from DATE NOT NULL,
    valid_until DATE,
    CONSTRAINT indicator_status_spans_status_check CHECK (status IN ('not_started', 'on_track', 'at_risk', 'overdue', 'achieved', 'missed')),
    CONSTRAINT indicator_status_spans_order_check CHECK (valid_until IS NULL OR valid_until > valid_from)
);
-- The list walks one status in (since, indicator) order and keeps the spans holding the date; counts
-- read one status's spans that began by the date. Both cover their queries, so neither visits the
-- table.
CREATE INDEX indicator_status_spans_list_idx ON indicator_status_spans (status, since, indicator_id, valid_from, valid_until, project_id);
CREATE INDEX indicator_status_spans_count_idx ON indicator_status_spans (status, valid_from, valid_until, since, indicator_id, project_id);
CREATE INDEX indicator_status_spans_indicator_idx ON indicator_status_spans (indicator_id);
CREATE INDEX indicator_status_spans_project_idx ON indicator_status_spans (project_id);

-- The spans are computed with a warning window; the application rebuilds them all when the window
-- it finds recorded here differs from its configuration, as after this migration.
DELETE FROM settings WHERE key = 'status_spans.warning_days';
