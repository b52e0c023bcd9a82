-- When each checkpoint counts against its indicator (passed, unmet, target not met), as spans of
-- as-of dates computed by the status engine whenever an indicator's plan or evidence changes. The
-- portfolio's overdue list for any date is one indexed query over this table.
CREATE TABLE checkpoint_unmet_spans (
    id INTEGER PRIMARY KEY,
    indicator_id INTEGER NOT NULL REFERENCES indicators (id) ON DELETE CASCADE,
    project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    due_on DATE NOT NULL,
    unmet_from DATE NOT NULL,
    unmet_until DATE,
    CONSTRAINT checkpoint_unmet_spans_order_check CHECK (unmet_until IS NULL OR unmet_until > unmet_from)
);
CREATE INDEX checkpoint_unmet_spans_from_idx ON checkpoint_unmet_spans (unmet_from, unmet_until, indicator_id, due_on);
CREATE INDEX checkpoint_unmet_spans_indicator_idx ON checkpoint_unmet_spans (indicator_id);
CREATE INDEX checkpoint_unmet_spans_project_idx ON checkpoint_unmet_spans (project_id);
