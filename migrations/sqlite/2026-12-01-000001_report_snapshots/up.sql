-- Submitted (frozen) reports. The old `reports` table was never written to; it is replaced by one
-- that keeps what a submitted report was made from and the SHA-256 of its files, which live in the
-- content-addressed file store. A submitted report never changes: triggers reject UPDATE and DELETE.
DROP TABLE reports;
CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    project_id INTEGER REFERENCES projects (id) ON DELETE RESTRICT,
    guide_id INTEGER REFERENCES guides (id) ON DELETE RESTRICT,
    as_of DATE NOT NULL,
    lang TEXT NOT NULL,
    title TEXT NOT NULL,
    html_sha256 TEXT NOT NULL,
    html_bytes BIGINT NOT NULL,
    pdf_sha256 TEXT NOT NULL,
    pdf_bytes BIGINT NOT NULL,
    data TEXT NOT NULL,
    data_sha256 TEXT NOT NULL,
    submitted_by INTEGER REFERENCES users (id) ON DELETE RESTRICT,
    submitted_at TIMESTAMP NOT NULL,
    CONSTRAINT reports_kind_check CHECK (kind IN ('progress', 'annual', 'mid_term', 'acceptance', 'portfolio')),
    CONSTRAINT reports_project_check CHECK (kind = 'portfolio' OR project_id IS NOT NULL),
    CONSTRAINT reports_lang_check CHECK (lang IN ('zh-CN', 'en'))
);
CREATE INDEX reports_project_id_idx ON reports (project_id, submitted_at);
CREATE INDEX reports_guide_id_idx ON reports (guide_id);
CREATE INDEX reports_submitted_by_idx ON reports (submitted_by);
CREATE TRIGGER reports_no_update BEFORE UPDATE ON reports
BEGIN
    SELECT RAISE(ABORT, 'submitted reports are frozen');
END;
CREATE TRIGGER reports_no_delete BEFORE DELETE ON reports
BEGIN
    SELECT RAISE(ABORT, 'submitted reports are frozen');
END;
