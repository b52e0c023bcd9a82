DROP TABLE reports;
CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    project_id INTEGER REFERENCES projects (id) ON DELETE RESTRICT,
    guide_id INTEGER REFERENCES guides (id) ON DELETE RESTRICT,
    as_of DATE NOT NULL,
    html_path TEXT NOT NULL,
    pdf_path TEXT,
    generated_by INTEGER REFERENCES users (id) ON DELETE RESTRICT,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT reports_kind_check CHECK (kind IN ('progress', 'annual', 'mid_term', 'acceptance', 'portfolio')),
    CONSTRAINT reports_project_check CHECK (kind = 'portfolio' OR project_id IS NOT NULL)
);
CREATE INDEX reports_project_id_idx ON reports (project_id);
CREATE INDEX reports_guide_id_idx ON reports (guide_id);
CREATE INDEX reports_generated_by_idx ON reports (generated_by);
