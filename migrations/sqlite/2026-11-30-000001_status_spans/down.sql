DROP TABLE indicator_status_spans;
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
