-- The per-user upload quota sums what one user attached in the last 24 hours on every upload.
CREATE INDEX evidence_files_uploaded_by_at ON evidence_files (uploaded_by, uploaded_at);
