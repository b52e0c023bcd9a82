-- coop-tracker initial schema, SQLite flavour.
--
-- Kept column-for-column identical to ../../postgres/2026-11-22-000001_initial/up.sql and to
-- src/db/schema.rs: same tables, column order, CHECKs, uniques, foreign keys and
-- indexes. Differences: `id INTEGER PRIMARY KEY` (a rowid alias), INTEGER foreign
-- keys, REAL for floating values, explicit 0/1 CHECKs on BOOLEAN columns (SQLite does
-- not enforce column types), and the audit_log triggers' syntax.
-- Timestamps are UTC without a zone (chrono::NaiveDateTime); dates are DATE.
-- Foreign keys are only enforced with `PRAGMA foreign_keys = ON` (set per connection).

-- ============================================================================
-- Identity and access
-- ============================================================================

-- Administrative regions (provinces, prefectures, counties); a tree.
CREATE TABLE regions (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    parent_id INTEGER REFERENCES regions (id) ON DELETE RESTRICT,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT regions_name_check CHECK (name <> '')
);
CREATE INDEX regions_parent_id_idx ON regions (parent_id);

-- Lead (Shanghai) and partner institutions.
CREATE TABLE institutions (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    region_id INTEGER REFERENCES regions (id) ON DELETE RESTRICT,
    in_shanghai BOOLEAN NOT NULL DEFAULT 0,
    research_office_name TEXT,
    research_office_email TEXT,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT institutions_in_shanghai_check CHECK (in_shanghai IN (0, 1)),
    CONSTRAINT institutions_name_check CHECK (name <> '')
);
CREATE INDEX institutions_region_id_idx ON institutions (region_id);

-- People who sign in. The e-mail address is stored lower-case.
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT,
    locale TEXT NOT NULL DEFAULT 'zh-CN',
    institution_id INTEGER REFERENCES institutions (id) ON DELETE RESTRICT,
    phone TEXT,
    active BOOLEAN NOT NULL DEFAULT 1,
    digest_opt_out BOOLEAN NOT NULL DEFAULT 0,
    must_change_password BOOLEAN NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    last_login_at TIMESTAMP,
    CONSTRAINT users_active_check CHECK (active IN (0, 1)),
    CONSTRAINT users_digest_opt_out_check CHECK (digest_opt_out IN (0, 1)),
    CONSTRAINT users_must_change_password_check CHECK (must_change_password IN (0, 1)),
    CONSTRAINT users_email_check CHECK (email <> '' AND email = lower(email)),
    CONSTRAINT users_role_check CHECK (role IN ('admin', 'staff', 'pi', 'member', 'expert')),
    CONSTRAINT users_locale_check CHECK (locale IN ('zh-CN', 'en'))
);
CREATE INDEX users_institution_id_idx ON users (institution_id);

-- Browser sessions; only a hash of the cookie token is stored.
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    last_seen_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    expires_at TIMESTAMP NOT NULL,
    ip TEXT,
    user_agent TEXT
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);

-- Bearer tokens for the JSON API; only a hash is stored, plus a short prefix for display.
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    token_prefix TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    last_used_at TIMESTAMP,
    expires_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX api_tokens_user_id_idx ON api_tokens (user_id);

-- One-time password-reset links; only a hash of the token is stored.
CREATE TABLE password_resets (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX password_resets_user_id_idx ON password_resets (user_id);

-- ============================================================================
-- Call guides (申报指南) and what is parsed out of them
-- ============================================================================

CREATE TABLE guides (
    id INTEGER PRIMARY KEY,
    doc_number TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    issued_on DATE,
    opens_at TIMESTAMP,
    closes_at TIMESTAMP,
    source_text TEXT NOT NULL,
    imported_by INTEGER REFERENCES users (id) ON DELETE RESTRICT,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT guides_doc_number_check CHECK (doc_number <> ''),
    CONSTRAINT guides_window_check CHECK (opens_at IS NULL OR closes_at IS NULL OR closes_at >= opens_at)
);
CREATE INDEX guides_imported_by_idx ON guides (imported_by);

-- Cooperation (合作地区) and paired-assistance (对口地区) regions named by a guide.
CREATE TABLE guide_regions (
    id INTEGER PRIMARY KEY,
    guide_id INTEGER NOT NULL REFERENCES guides (id) ON DELETE CASCADE,
    region_id INTEGER NOT NULL REFERENCES regions (id) ON DELETE RESTRICT,
    kind TEXT NOT NULL,
    topic_number INTEGER,
    fields TEXT NOT NULL DEFAULT '',
    CONSTRAINT guide_regions_kind_check CHECK (kind IN ('cooperation', 'paired')),
    UNIQUE (guide_id, region_id, kind)
);
CREATE INDEX guide_regions_region_id_idx ON guide_regions (region_id);

-- Topics (专题) of a guide.
CREATE TABLE topics (
    id INTEGER PRIMARY KEY,
    guide_id INTEGER NOT NULL REFERENCES guides (id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    title TEXT NOT NULL,
    review_method TEXT,
    UNIQUE (guide_id, number)
);

-- Directions (方向) of a topic.
CREATE TABLE directions (
    id INTEGER PRIMARY KEY,
    topic_id INTEGER NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    number INTEGER,
    title TEXT NOT NULL,
    execution_start DATE NOT NULL,
    execution_end DATE NOT NULL,
    funding_cap_yuan BIGINT,
    max_projects INTEGER,
    applicant_requirement TEXT,
    research_goal TEXT,
    research_content TEXT,
    indicators_text TEXT NOT NULL DEFAULT '',
    CONSTRAINT directions_execution_check CHECK (execution_end >= execution_start),
    CONSTRAINT directions_funding_cap_yuan_check CHECK (funding_cap_yuan >= 0),
    CONSTRAINT directions_max_projects_check CHECK (max_projects > 0),
    UNIQUE (topic_id, position)
);

-- Assessment indicators (考核指标) as parsed from a direction's text.
CREATE TABLE indicator_templates (
    id INTEGER PRIMARY KEY,
    direction_id INTEGER NOT NULL REFERENCES directions (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    metric TEXT NOT NULL,
    op TEXT NOT NULL,
    value REAL,
    min_value REAL,
    max_value REAL,
    unit TEXT,
    change TEXT,
    condition TEXT,
    source_text TEXT NOT NULL,
    confidence REAL NOT NULL DEFAULT 1.0,
    CONSTRAINT indicator_templates_op_check CHECK (op IN ('>=', '>', '<=', '<', '=', 'between', 'deliverable')),
    CONSTRAINT indicator_templates_between_check CHECK (op <> 'between' OR (min_value IS NOT NULL AND max_value IS NOT NULL AND min_value <= max_value)),
    CONSTRAINT indicator_templates_comparison_check CHECK (op NOT IN ('>=', '>', '<=', '<', '=') OR value IS NOT NULL),
    CONSTRAINT indicator_templates_deliverable_check CHECK (op <> 'deliverable' OR value IS NULL),
    CONSTRAINT indicator_templates_change_check CHECK (change IS NULL OR change IN ('increase', 'decrease')),
    CONSTRAINT indicator_templates_confidence_check CHECK (confidence >= 0 AND confidence <= 1),
    UNIQUE (direction_id, position)
);

-- ============================================================================
-- Projects and their indicators
-- ============================================================================

CREATE TABLE projects (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    direction_id INTEGER NOT NULL REFERENCES directions (id) ON DELETE RESTRICT,
    lead_institution_id INTEGER NOT NULL REFERENCES institutions (id) ON DELETE RESTRICT,
    pi_user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    officer_user_id INTEGER REFERENCES users (id) ON DELETE RESTRICT,
    funding_yuan BIGINT NOT NULL,
    execution_start DATE NOT NULL,
    execution_end DATE NOT NULL,
    original_end DATE NOT NULL,
    contract_number TEXT,
    recommendation_ref TEXT,
    state TEXT NOT NULL DEFAULT 'active',
    baseline_frozen_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT projects_code_check CHECK (code <> ''),
    CONSTRAINT projects_funding_yuan_check CHECK (funding_yuan >= 0),
    CONSTRAINT projects_execution_check CHECK (execution_end >= execution_start),
    CONSTRAINT projects_original_end_check CHECK (original_end >= execution_start),
    CONSTRAINT projects_state_check CHECK (state IN ('active', 'mid_term', 'in_acceptance', 'accepted', 'accepted_rectified', 'failed', 'terminated', 'extended'))
);
CREATE INDEX projects_direction_id_idx ON projects (direction_id);
CREATE INDEX projects_lead_institution_id_idx ON projects (lead_institution_id);
CREATE INDEX projects_pi_user_id_idx ON projects (pi_user_id);
CREATE INDEX projects_officer_user_id_idx ON projects (officer_user_id);
CREATE INDEX projects_state_idx ON projects (state);

-- Partner institutions (合作单位) of a project.
CREATE TABLE project_partners (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE RESTRICT,
    institution_id INTEGER NOT NULL REFERENCES institutions (id) ON DELETE RESTRICT,
    region_id INTEGER REFERENCES regions (id) ON DELETE RESTRICT,
    UNIQUE (project_id, institution_id)
);
CREATE INDEX project_partners_institution_id_idx ON project_partners (institution_id);
CREATE INDEX project_partners_region_id_idx ON project_partners (region_id);

-- Members and assigned experts of a project (the PI is projects.pi_user_id).
CREATE TABLE project_members (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE RESTRICT,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    role TEXT NOT NULL,
    added_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT project_members_role_check CHECK (role IN ('member', 'expert')),
    UNIQUE (project_id, user_id)
);
CREATE INDEX project_members_user_id_idx ON project_members (user_id);

-- A project's tracked indicators: copied from the templates, then editable.
CREATE TABLE indicators (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE RESTRICT,
    template_id INTEGER REFERENCES indicator_templates (id) ON DELETE SET NULL,
    position INTEGER NOT NULL,
    metric TEXT NOT NULL,
    op TEXT NOT NULL,
    value REAL,
    min_value REAL,
    max_value REAL,
    unit TEXT,
    change TEXT,
    condition TEXT,
    baseline REAL,
    aggregation TEXT NOT NULL DEFAULT 'latest',
    weight REAL NOT NULL DEFAULT 1.0,
    class TEXT NOT NULL DEFAULT 'technical',
    evidence_kinds TEXT NOT NULL DEFAULT '',
    frozen_spec TEXT,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT indicators_op_check CHECK (op IN ('>=', '>', '<=', '<', '=', 'between', 'deliverable')),
    CONSTRAINT indicators_between_check CHECK (op <> 'between' OR (min_value IS NOT NULL AND max_value IS NOT NULL AND min_value <= max_value)),
    CONSTRAINT indicators_comparison_check CHECK (op NOT IN ('>=', '>', '<=', '<', '=') OR value IS NOT NULL),
    CONSTRAINT indicators_deliverable_check CHECK (op <> 'deliverable' OR value IS NULL),
    CONSTRAINT indicators_change_check CHECK (change IS NULL OR change IN ('increase', 'decrease')),
    CONSTRAINT indicators_aggregation_check CHECK (aggregation IN ('sum', 'latest')),
    CONSTRAINT indicators_weight_check CHECK (weight > 0),
    CONSTRAINT indicators_class_check CHECK (class IN ('technical', 'economic', 'social')),
    UNIQUE (project_id, position)
);
CREATE INDEX indicators_template_id_idx ON indicators (template_id);

-- Every change to an indicator's target, with the spec before and after.
CREATE TABLE indicator_revisions (
    id INTEGER PRIMARY KEY,
    indicator_id INTEGER NOT NULL REFERENCES indicators (id) ON DELETE RESTRICT,
    revision INTEGER NOT NULL,
    changed_by INTEGER REFERENCES users (id) ON DELETE RESTRICT,
    changed_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    before_spec TEXT NOT NULL,
    after_spec TEXT NOT NULL,
    reason TEXT,
    UNIQUE (indicator_id, revision)
);
CREATE INDEX indicator_revisions_changed_by_idx ON indicator_revisions (changed_by);

-- Checkpoints of an indicator; a re-plan supersedes the rows of the previous plan version.
CREATE TABLE milestones (
    id INTEGER PRIMARY KEY,
    indicator_id INTEGER NOT NULL REFERENCES indicators (id) ON DELETE RESTRICT,
    plan_version INTEGER NOT NULL,
    kind TEXT NOT NULL,
    due_on DATE NOT NULL,
    planned_value REAL,
    superseded_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT milestones_kind_check CHECK (kind IN ('mid_term', 'end_of_term', 'quarterly', 'half_yearly', 'manual', 'deliverable'))
);
CREATE INDEX milestones_indicator_id_due_on_idx ON milestones (indicator_id, due_on);
CREATE INDEX milestones_due_on_idx ON milestones (due_on);

-- ============================================================================
-- Evidence (佐证材料), files and reviews
-- ============================================================================

-- A batch of evidence submitted together (one entry, or an annual progress report).
CREATE TABLE submissions (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE RESTRICT,
    kind TEXT NOT NULL,
    period_label TEXT,
    submitted_by INTEGER NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT submissions_kind_check CHECK (kind IN ('single', 'annual_report'))
);
CREATE INDEX submissions_project_id_idx ON submissions (project_id);
CREATE INDEX submissions_submitted_by_idx ON submissions (submitted_by);

-- A reported value (or a range, or a deliverable done) for one indicator.
CREATE TABLE evidence (
    id INTEGER PRIMARY KEY,
    indicator_id INTEGER NOT NULL REFERENCES indicators (id) ON DELETE RESTRICT,
    submission_id INTEGER REFERENCES submissions (id) ON DELETE RESTRICT,
    submitted_by INTEGER NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    value REAL,
    value_max REAL,
    done BOOLEAN NOT NULL DEFAULT 0,
    measured_on DATE NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'pending',
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT evidence_done_check CHECK (done IN (0, 1)),
    CONSTRAINT evidence_value_max_check CHECK (value_max IS NULL OR (value IS NOT NULL AND value_max >= value)),
    CONSTRAINT evidence_status_check CHECK (status IN ('pending', 'accepted', 'rejected', 'needs_more', 'withdrawn'))
);
CREATE INDEX evidence_indicator_id_status_idx ON evidence (indicator_id, status);
CREATE INDEX evidence_status_idx ON evidence (status);
CREATE INDEX evidence_submission_id_idx ON evidence (submission_id);
CREATE INDEX evidence_submitted_by_idx ON evidence (submitted_by);

-- Uploaded file contents, stored once per SHA-256 (lower-case hex).
CREATE TABLE files (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    size_bytes BIGINT NOT NULL,
    content_type TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT files_sha256_check CHECK (length(sha256) = 64 AND sha256 = lower(sha256)),
    CONSTRAINT files_size_bytes_check CHECK (size_bytes >= 0)
);

-- Files attached to a piece of evidence, under the name they were uploaded with.
CREATE TABLE evidence_files (
    id INTEGER PRIMARY KEY,
    evidence_id INTEGER NOT NULL REFERENCES evidence (id) ON DELETE RESTRICT,
    file_id INTEGER NOT NULL REFERENCES files (id) ON DELETE RESTRICT,
    original_name TEXT NOT NULL,
    uploaded_by INTEGER NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    uploaded_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (evidence_id, file_id)
);
CREATE INDEX evidence_files_file_id_idx ON evidence_files (file_id);
CREATE INDEX evidence_files_uploaded_by_idx ON evidence_files (uploaded_by);

-- Staff decisions on evidence; anything but an acceptance needs a reason.
CREATE TABLE reviews (
    id INTEGER PRIMARY KEY,
    evidence_id INTEGER NOT NULL REFERENCES evidence (id) ON DELETE RESTRICT,
    reviewer_id INTEGER NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    decision TEXT NOT NULL,
    reason TEXT,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT reviews_decision_check CHECK (decision IN ('accepted', 'rejected', 'needs_more')),
    CONSTRAINT reviews_reason_check CHECK (decision = 'accepted' OR (reason IS NOT NULL AND reason <> ''))
);
CREATE INDEX reviews_evidence_id_idx ON reviews (evidence_id);
CREATE INDEX reviews_reviewer_id_idx ON reviews (reviewer_id);

-- Acceptance experts' opinions (验收意见) on a project.
CREATE TABLE expert_opinions (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE RESTRICT,
    expert_id INTEGER NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    verdict TEXT NOT NULL,
    opinion TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT expert_opinions_verdict_check CHECK (verdict IN ('pass', 'pass_with_rectification', 'fail'))
);
CREATE INDEX expert_opinions_project_id_idx ON expert_opinions (project_id);
CREATE INDEX expert_opinions_expert_id_idx ON expert_opinions (expert_id);

-- ============================================================================
-- Audit log, mail outbox, reports, settings
-- ============================================================================

-- Append-only: triggers below reject every UPDATE and DELETE.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    actor_user_id INTEGER REFERENCES users (id) ON DELETE RESTRICT,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id BIGINT,
    project_id INTEGER REFERENCES projects (id) ON DELETE RESTRICT,
    detail TEXT NOT NULL DEFAULT '{}',
    ip TEXT
);
CREATE INDEX audit_log_entity_entity_id_idx ON audit_log (entity, entity_id);
CREATE INDEX audit_log_project_id_idx ON audit_log (project_id);
CREATE INDEX audit_log_actor_user_id_idx ON audit_log (actor_user_id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

-- Outgoing e-mail. The idempotency key makes every message be queued at most once;
-- senders claim rows (claimed_at, claimed_by) and retry with backoff (attempts, next_attempt_at).
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    to_user_id INTEGER REFERENCES users (id) ON DELETE RESTRICT,
    to_address TEXT NOT NULL,
    locale TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    claimed_at TIMESTAMP,
    claimed_by TEXT,
    sent_at TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT outbox_idempotency_key_check CHECK (idempotency_key <> ''),
    CONSTRAINT outbox_locale_check CHECK (locale IN ('zh-CN', 'en')),
    CONSTRAINT outbox_status_check CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    CONSTRAINT outbox_attempts_check CHECK (attempts >= 0),
    CONSTRAINT outbox_sent_at_check CHECK (status <> 'sent' OR sent_at IS NOT NULL)
);
CREATE INDEX outbox_status_next_attempt_at_idx ON outbox (status, next_attempt_at);
CREATE INDEX outbox_to_user_id_idx ON outbox (to_user_id);

-- Generated reports; paths are relative to the reports folder.
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

-- Runtime settings edited by admins (key/value).
CREATE TABLE settings (
    key TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_by INTEGER REFERENCES users (id) ON DELETE RESTRICT,
    CONSTRAINT settings_key_check CHECK (key <> '')
);
CREATE INDEX settings_updated_by_idx ON settings (updated_by);
