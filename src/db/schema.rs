//! The database schema shared by SQLite and PostgreSQL; written by hand because the two
//! backends' generated schemas differ in their integer types.
//!
//! Must match `migrations/sqlite/*/up.sql` and `migrations/postgres/*/up.sql` column for
//! column: names, types and nullability (`tests/it/schema_agreement.rs` checks it on both
//! backends; the order may differ, as diesel names the columns it selects). Ids and foreign keys are `BigInt` (SQLite `INTEGER`, PostgreSQL
//! `BIGINT`); timestamps are UTC `Timestamp`s; enumerations are `Text` constrained by a
//! `CHECK` in the database.

diesel::table! {
    /// Administrative regions (provinces, prefectures, counties), as a tree.
    regions (id) {
        /// Primary key.
        id -> BigInt,
        /// Unique name, e.g. `云南省`.
        name -> Text,
        /// The enclosing region, if any.
        parent_id -> Nullable<BigInt>,
        /// When the row was created (UTC).
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Lead (承担单位) and partner (合作单位) institutions.
    institutions (id) {
        /// Primary key.
        id -> BigInt,
        /// Unique name.
        name -> Text,
        /// Where the institution is.
        region_id -> Nullable<BigInt>,
        /// Whether the institution is in Shanghai (can lead a project).
        in_shanghai -> Bool,
        /// Name of the research office (科研管理部门).
        research_office_name -> Nullable<Text>,
        /// E-mail address of the research office.
        research_office_email -> Nullable<Text>,
        /// When the row was created (UTC).
        created_at -> Timestamp,
        /// When the row was last changed (UTC).
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// People who sign in: admins, staff, PIs, project members and experts.
    users (id) {
        /// Primary key.
        id -> BigInt,
        /// Unique e-mail address, stored lower-case.
        email -> Text,
        /// Display name.
        name -> Text,
        /// `admin`, `staff`, `pi`, `member` or `expert`.
        role -> Text,
        /// Argon2 PHC string; none until a password is set.
        password_hash -> Nullable<Text>,
        /// `zh-CN` (default) or `en`.
        locale -> Text,
        /// The user's institution.
        institution_id -> Nullable<BigInt>,
        /// Phone number.
        phone -> Nullable<Text>,
        /// Whether the user may sign in.
        active -> Bool,
        /// Whether the user has opted out of digest e-mails.
        digest_opt_out -> Bool,
        /// Whether the user must change their password at the next sign-in.
        must_change_password -> Bool,
        /// When the row was created (UTC).
        created_at -> Timestamp,
        /// When the row was last changed (UTC).
        updated_at -> Timestamp,
        /// When the user last signed in (UTC).
        last_login_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// Browser sessions; only a hash of the cookie token is stored.
    sessions (id) {
        /// Primary key.
        id -> BigInt,
        /// Unique hash of the session token.
        token_hash -> Text,
        /// The signed-in user (deleted with the user).
        user_id -> BigInt,
        /// When the session began (UTC).
        created_at -> Timestamp,
        /// When the session was last used (UTC).
        last_seen_at -> Timestamp,
        /// When the session expires (UTC).
        expires_at -> Timestamp,
        /// Client IP address at sign-in.
        ip -> Nullable<Text>,
        /// Client user agent at sign-in.
        user_agent -> Nullable<Text>,
    }
}

diesel::table! {
    /// Bearer tokens for the JSON API; only a hash is stored, plus a prefix for display.
    api_tokens (id) {
        /// Primary key.
        id -> BigInt,
        /// The owner (deleted with the user).
        user_id -> BigInt,
        /// The owner's label for the token.
        name -> Text,
        /// Unique hash of the token.
        token_hash -> Text,
        /// The token's first characters, shown to tell tokens apart.
        token_prefix -> Text,
        /// When the token was created (UTC).
        created_at -> Timestamp,
        /// When the token was last used (UTC).
        last_used_at -> Nullable<Timestamp>,
        /// When the token expires (UTC); never if none.
        expires_at -> Nullable<Timestamp>,
        /// When the token was revoked (UTC).
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// One-time password-reset links; only a hash of the token is stored.
    password_resets (id) {
        /// Primary key.
        id -> BigInt,
        /// The user whose password may be reset (deleted with the user).
        user_id -> BigInt,
        /// Unique hash of the reset token.
        token_hash -> Text,
        /// When the link was issued (UTC).
        created_at -> Timestamp,
        /// When the link expires (UTC).
        expires_at -> Timestamp,
        /// When the link was used (UTC); it can be used once.
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// Call-for-proposals guides (申报指南), as imported.
    guides (id) {
        /// Primary key.
        id -> BigInt,
        /// Unique document number (文号).
        doc_number -> Text,
        /// Title.
        title -> Text,
        /// Date of issue.
        issued_on -> Nullable<Date>,
        /// When applications open (UTC).
        opens_at -> Nullable<Timestamp>,
        /// When applications close (UTC).
        closes_at -> Nullable<Timestamp>,
        /// The guide's full text, as imported.
        source_text -> Text,
        /// The staff member who imported it.
        imported_by -> Nullable<BigInt>,
        /// When the row was created (UTC).
        created_at -> Timestamp,
        /// When the row was last changed (UTC).
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Cooperation (合作地区) and paired-assistance (对口地区) regions named by a guide.
    guide_regions (id) {
        /// Primary key.
        id -> BigInt,
        /// The guide (deleted with it).
        guide_id -> BigInt,
        /// The region.
        region_id -> BigInt,
        /// `cooperation` or `paired`.
        kind -> Text,
        /// The topic number the region belongs to, if the guide says.
        topic_number -> Nullable<Integer>,
        /// The fields of cooperation, as written in the guide.
        fields -> Text,
    }
}

diesel::table! {
    /// Topics (专题) of a guide.
    topics (id) {
        /// Primary key.
        id -> BigInt,
        /// The guide (deleted with it).
        guide_id -> BigInt,
        /// Topic number within the guide, unique per guide.
        number -> Integer,
        /// Title.
        title -> Text,
        /// Review method (评审方式), as written in the guide.
        review_method -> Nullable<Text>,
    }
}

diesel::table! {
    /// Directions (方向) of a topic.
    directions (id) {
        /// Primary key.
        id -> BigInt,
        /// The topic (deleted with it).
        topic_id -> BigInt,
        /// Order within the topic, unique per topic.
        position -> Integer,
        /// Direction number as printed in the guide, if any.
        number -> Nullable<Integer>,
        /// Title.
        title -> Text,
        /// First day of the execution period (执行期限).
        execution_start -> Date,
        /// Last day of the execution period.
        execution_end -> Date,
        /// Funding cap (经费额度) in yuan.
        funding_cap_yuan -> Nullable<BigInt>,
        /// How many projects may be funded.
        max_projects -> Nullable<Integer>,
        /// Applicant requirements (申报主体要求).
        applicant_requirement -> Nullable<Text>,
        /// Research goal (研究目标).
        research_goal -> Nullable<Text>,
        /// Research content (研究内容).
        research_content -> Nullable<Text>,
        /// The assessment indicators (考核指标) paragraph, verbatim.
        indicators_text -> Text,
        /// The annex holding the recommendation letter applicants must provide (附件2).
        recommendation_letter -> Nullable<Text>,
    }
}

diesel::table! {
    /// Assessment indicators as parsed from a direction's text.
    indicator_templates (id) {
        /// Primary key.
        id -> BigInt,
        /// The direction (deleted with it).
        direction_id -> BigInt,
        /// Order within the direction, unique per direction.
        position -> Integer,
        /// What is measured.
        metric -> Text,
        /// `>=`, `>`, `<=`, `<`, `=`, `between` or `deliverable`.
        op -> Text,
        /// Target value; required by the comparison operators, absent for deliverables.
        value -> Nullable<Double>,
        /// Lower bound of a `between` target.
        min_value -> Nullable<Double>,
        /// Upper bound of a `between` target.
        max_value -> Nullable<Double>,
        /// Unit, e.g. `%`, `亩`, `人次`.
        unit -> Nullable<Text>,
        /// For relative targets: `increase` or `decrease`.
        change -> Nullable<Text>,
        /// Condition under which the target applies.
        condition -> Nullable<Text>,
        /// The sentence the indicator was parsed from.
        source_text -> Text,
        /// The parser's confidence, 0 to 1.
        confidence -> Double,
    }
}

diesel::table! {
    /// Approved projects.
    projects (id) {
        /// Primary key.
        id -> BigInt,
        /// Unique project code (项目编号).
        code -> Text,
        /// Title.
        title -> Text,
        /// The direction the project was approved under.
        direction_id -> BigInt,
        /// The lead institution (承担单位).
        lead_institution_id -> BigInt,
        /// The principal investigator (项目负责人).
        pi_user_id -> BigInt,
        /// The commission staff member in charge (项目主管).
        officer_user_id -> Nullable<BigInt>,
        /// Funding in yuan.
        funding_yuan -> BigInt,
        /// First day of the execution period.
        execution_start -> Date,
        /// Last day of the execution period, after any extension.
        execution_end -> Date,
        /// Last day of the execution period as first approved.
        original_end -> Date,
        /// Registered technology contract number.
        contract_number -> Nullable<Text>,
        /// Recommendation letter (推荐函) reference.
        recommendation_ref -> Nullable<Text>,
        /// `active`, `mid_term`, `in_acceptance`, `accepted`, `accepted_rectified`, `failed`,
        /// `terminated` or `extended`.
        state -> Text,
        /// When the indicators' baselines were frozen (UTC).
        baseline_frozen_at -> Nullable<Timestamp>,
        /// When the row was created (UTC).
        created_at -> Timestamp,
        /// When the row was last changed (UTC).
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Partner institutions (合作单位) of a project.
    project_partners (id) {
        /// Primary key.
        id -> BigInt,
        /// The project.
        project_id -> BigInt,
        /// The partner institution, unique per project.
        institution_id -> BigInt,
        /// The cooperation region the partner stands for.
        region_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    /// Members and assigned experts of a project (the PI is `projects.pi_user_id`).
    project_members (id) {
        /// Primary key.
        id -> BigInt,
        /// The project.
        project_id -> BigInt,
        /// The user, unique per project.
        user_id -> BigInt,
        /// `member` or `expert`.
        role -> Text,
        /// When the user was added (UTC).
        added_at -> Timestamp,
    }
}

diesel::table! {
    /// A project's tracked indicators: copied from the templates, then editable.
    indicators (id) {
        /// Primary key.
        id -> BigInt,
        /// The project.
        project_id -> BigInt,
        /// The template it was copied from (cleared if the template is deleted).
        template_id -> Nullable<BigInt>,
        /// Order within the project, unique per project.
        position -> Integer,
        /// What is measured.
        metric -> Text,
        /// `>=`, `>`, `<=`, `<`, `=`, `between` or `deliverable`.
        op -> Text,
        /// Target value; required by the comparison operators, absent for deliverables.
        value -> Nullable<Double>,
        /// Lower bound of a `between` target.
        min_value -> Nullable<Double>,
        /// Upper bound of a `between` target.
        max_value -> Nullable<Double>,
        /// Unit, e.g. `%`, `亩`, `人次`.
        unit -> Nullable<Text>,
        /// For relative targets: `increase` or `decrease`.
        change -> Nullable<Text>,
        /// Condition under which the target applies.
        condition -> Nullable<Text>,
        /// Baseline value for relative targets, recorded when the project starts.
        baseline -> Nullable<Double>,
        /// Unit of a relative target's measured quantity (the baseline's and the evidence's).
        baseline_unit -> Nullable<Text>,
        /// When the baseline was measured.
        baseline_on -> Nullable<Date>,
        /// Where the baseline comes from.
        baseline_source -> Nullable<Text>,
        /// `sum` (evidence values accumulate) or `latest` (they replace each other).
        aggregation -> Text,
        /// Weight in the project's completion, greater than 0.
        weight -> Double,
        /// `technical`, `economic` or `social`.
        class -> Text,
        /// The kinds of evidence expected, as entered by staff.
        evidence_kinds -> Text,
        /// The target as frozen when the baseline was frozen (serialised spec).
        frozen_spec -> Nullable<Text>,
        /// When the row was created (UTC).
        created_at -> Timestamp,
        /// When the row was last changed (UTC).
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Every change to an indicator's target, with the spec before and after.
    indicator_revisions (id) {
        /// Primary key.
        id -> BigInt,
        /// The indicator.
        indicator_id -> BigInt,
        /// Revision number, unique per indicator.
        revision -> Integer,
        /// Who made the change.
        changed_by -> Nullable<BigInt>,
        /// When the change was made (UTC).
        changed_at -> Timestamp,
        /// The target before the change (serialised spec).
        before_spec -> Text,
        /// The target after the change (serialised spec).
        after_spec -> Text,
        /// Why the target was changed.
        reason -> Nullable<Text>,
    }
}

diesel::table! {
    /// Checkpoints of an indicator; a re-plan supersedes the previous plan version's rows.
    milestones (id) {
        /// Primary key.
        id -> BigInt,
        /// The indicator.
        indicator_id -> BigInt,
        /// The plan this checkpoint belongs to.
        plan_version -> Integer,
        /// `mid_term`, `end_of_term`, `quarterly`, `half_yearly`, `manual` or `deliverable`.
        kind -> Text,
        /// Due date.
        due_on -> Date,
        /// Value planned by the due date; none for deliverables.
        planned_value -> Nullable<Double>,
        /// When a later plan replaced this checkpoint (UTC).
        superseded_at -> Nullable<Timestamp>,
        /// When the row was created (UTC).
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// A batch of evidence submitted together: one entry, or an annual progress report.
    submissions (id) {
        /// Primary key.
        id -> BigInt,
        /// The project.
        project_id -> BigInt,
        /// `single` or `annual_report`.
        kind -> Text,
        /// The period covered, e.g. `2026年度`.
        period_label -> Nullable<Text>,
        /// Who submitted it.
        submitted_by -> BigInt,
        /// When it was submitted (UTC).
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Evidence (佐证材料): a reported value, a range, or a deliverable done, for one indicator.
    evidence (id) {
        /// Primary key.
        id -> BigInt,
        /// The indicator.
        indicator_id -> BigInt,
        /// The submission it came in, if any.
        submission_id -> Nullable<BigInt>,
        /// Who reported it.
        submitted_by -> BigInt,
        /// Reported value (the low end of a range).
        value -> Nullable<Double>,
        /// The high end of a reported range.
        value_max -> Nullable<Double>,
        /// For deliverables: whether it is done.
        done -> Bool,
        /// The date the value was measured.
        measured_on -> Date,
        /// The reporter's note.
        note -> Text,
        /// `pending`, `accepted`, `rejected`, `needs_more` or `withdrawn`.
        status -> Text,
        /// When the row was created (UTC).
        created_at -> Timestamp,
        /// When the row was last changed (UTC).
        updated_at -> Timestamp,
        /// The rejected evidence (or the one asked for more) that this answers.
        responds_to -> Nullable<BigInt>,
    }
}

diesel::table! {
    /// Uploaded file contents, stored once per SHA-256.
    files (id) {
        /// Primary key.
        id -> BigInt,
        /// Unique lower-case hex SHA-256 of the content (64 characters).
        sha256 -> Text,
        /// Size in bytes.
        size_bytes -> BigInt,
        /// MIME type.
        content_type -> Text,
        /// When the file was first stored (UTC).
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Files attached to a piece of evidence, under the name they were uploaded with.
    evidence_files (id) {
        /// Primary key.
        id -> BigInt,
        /// The evidence.
        evidence_id -> BigInt,
        /// The file, unique per evidence.
        file_id -> BigInt,
        /// The file name as uploaded.
        original_name -> Text,
        /// Who uploaded it.
        uploaded_by -> BigInt,
        /// When it was uploaded (UTC).
        uploaded_at -> Timestamp,
        /// The kind of proof (佐证材料) it was attached as, e.g. `test_report`; none for other files.
        kind -> Nullable<Text>,
    }
}

diesel::table! {
    /// Staff decisions on evidence; anything but an acceptance needs a reason.
    reviews (id) {
        /// Primary key.
        id -> BigInt,
        /// The evidence reviewed.
        evidence_id -> BigInt,
        /// The reviewer.
        reviewer_id -> BigInt,
        /// `accepted`, `rejected` or `needs_more`.
        decision -> Text,
        /// Why; required unless accepted.
        reason -> Nullable<Text>,
        /// When the decision was made (UTC).
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Acceptance experts' opinions (验收意见) on a project.
    expert_opinions (id) {
        /// Primary key.
        id -> BigInt,
        /// The project.
        project_id -> BigInt,
        /// The expert.
        expert_id -> BigInt,
        /// `pass`, `pass_with_rectification` or `fail`.
        verdict -> Text,
        /// The opinion's text.
        opinion -> Text,
        /// When the opinion was recorded (UTC).
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// The append-only audit log: database triggers reject every UPDATE and DELETE.
    audit_log (id) {
        /// Primary key.
        id -> BigInt,
        /// When the action happened (UTC).
        at -> Timestamp,
        /// Who did it; none for the system.
        actor_user_id -> Nullable<BigInt>,
        /// What was done, e.g. `create`, `update`, `review`.
        action -> Text,
        /// The kind of entity acted on, e.g. `project`, `evidence`.
        entity -> Text,
        /// The id of the entity acted on.
        entity_id -> Nullable<BigInt>,
        /// The project concerned, if any.
        project_id -> Nullable<BigInt>,
        /// Details as a JSON object.
        detail -> Text,
        /// Client IP address.
        ip -> Nullable<Text>,
        /// The previous row's hash; none for the first row of the chain and for rows written before it.
        prev_hash -> Nullable<Text>,
        /// SHA-256 over `prev_hash` and this row's content (lower-case hex).
        hash -> Nullable<Text>,
    }
}

diesel::table! {
    /// Outgoing e-mail; the idempotency key makes every message be queued at most once.
    outbox (id) {
        /// Primary key.
        id -> BigInt,
        /// Unique key identifying the message's reason, so it is never queued twice.
        idempotency_key -> Text,
        /// The kind of message, e.g. `reminder`, `digest`.
        kind -> Text,
        /// The recipient, if a user.
        to_user_id -> Nullable<BigInt>,
        /// The recipient's address.
        to_address -> Text,
        /// `zh-CN` or `en`.
        locale -> Text,
        /// Subject line.
        subject -> Text,
        /// Plain-text body.
        body_text -> Text,
        /// HTML body.
        body_html -> Nullable<Text>,
        /// `pending`, `sending`, `sent` or `failed`.
        status -> Text,
        /// How many sends have been attempted.
        attempts -> Integer,
        /// Not to be sent before this time (UTC).
        next_attempt_at -> Timestamp,
        /// When a sender claimed the message (UTC).
        claimed_at -> Nullable<Timestamp>,
        /// Which sender claimed it.
        claimed_by -> Nullable<Text>,
        /// When it was sent (UTC); set whenever the status is `sent`.
        sent_at -> Nullable<Timestamp>,
        /// The last send error.
        last_error -> Nullable<Text>,
        /// When it was queued (UTC).
        created_at -> Timestamp,
        /// The List-Unsubscribe header of a digest.
        list_unsubscribe -> Nullable<Text>,
        /// A reminder still to be written (JSON, see `app::queued_reminder`); its bodies are empty
        /// until it is sent.
        reminder -> Nullable<Text>,
        /// The password-reset link this message carries, made when it is sent (see
        /// `app::password_reset`); no foreign key, as spent links are deleted and the message then
        /// is not sent.
        password_reset_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    /// Submitted (frozen) reports: what each was made from and the SHA-256 of its files, which are in
    /// the file store. Rows never change.
    reports (id) {
        /// Primary key.
        id -> BigInt,
        /// `progress`, `annual`, `mid_term`, `acceptance` or `portfolio`.
        kind -> Text,
        /// The project reported on.
        project_id -> Nullable<BigInt>,
        /// The guide a portfolio report covers; none for the whole portfolio.
        guide_id -> Nullable<BigInt>,
        /// The as-of date the report was computed for.
        as_of -> Date,
        /// `zh-CN` or `en`.
        lang -> Text,
        /// The report's title as printed.
        title -> Text,
        /// SHA-256 of the HTML file.
        html_sha256 -> Text,
        /// Its size.
        html_bytes -> BigInt,
        /// SHA-256 of the PDF file.
        pdf_sha256 -> Text,
        /// Its size.
        pdf_bytes -> BigInt,
        /// The data the report was made from (JSON).
        data -> Text,
        /// SHA-256 of `data`.
        data_sha256 -> Text,
        /// Who submitted it; none from the command line.
        submitted_by -> Nullable<BigInt>,
        /// When (UTC).
        submitted_at -> Timestamp,
    }
}

diesel::table! {
    /// Runtime settings edited by admins, as key/value pairs.
    settings (key) {
        /// The setting's name (primary key).
        key -> Text,
        /// The setting's value.
        value -> Text,
        /// When it was last changed (UTC).
        updated_at -> Timestamp,
        /// Who last changed it.
        updated_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    /// Holiday arrangements entered by administrators, one row per year.
    calendar_years (year) {
        /// The year.
        year -> Integer,
        /// Holidays: dates or ranges, one per line.
        holidays -> Text,
        /// Make-up working days, one per line.
        workdays -> Text,
        /// The State Council notice the dates come from.
        source -> Text,
        /// When it was last changed (UTC).
        updated_at -> Timestamp,
        /// Who last changed it.
        updated_by -> Nullable<BigInt>,
    }
}

diesel::joinable!(users -> institutions (institution_id));
diesel::joinable!(institutions -> regions (region_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(password_resets -> users (user_id));
diesel::joinable!(guides -> users (imported_by));
diesel::joinable!(guide_regions -> guides (guide_id));
diesel::joinable!(guide_regions -> regions (region_id));
diesel::joinable!(topics -> guides (guide_id));
diesel::joinable!(directions -> topics (topic_id));
diesel::joinable!(indicator_templates -> directions (direction_id));
diesel::joinable!(projects -> directions (direction_id));
diesel::joinable!(projects -> institutions (lead_institution_id));
// projects has two foreign keys to users; only the PI's is joinable.
diesel::joinable!(projects -> users (pi_user_id));
diesel::joinable!(project_partners -> projects (project_id));
diesel::joinable!(project_partners -> institutions (institution_id));
diesel::joinable!(project_partners -> regions (region_id));
diesel::joinable!(project_members -> projects (project_id));
diesel::joinable!(project_members -> users (user_id));
diesel::joinable!(indicators -> projects (project_id));
diesel::joinable!(indicators -> indicator_templates (template_id));
diesel::joinable!(indicator_revisions -> indicators (indicator_id));
diesel::joinable!(indicator_revisions -> users (changed_by));
diesel::joinable!(milestones -> indicators (indicator_id));
diesel::joinable!(submissions -> projects (project_id));
diesel::joinable!(submissions -> users (submitted_by));
diesel::joinable!(evidence -> indicators (indicator_id));
diesel::joinable!(evidence -> submissions (submission_id));
diesel::joinable!(evidence -> users (submitted_by));
diesel::joinable!(evidence_files -> evidence (evidence_id));
diesel::joinable!(evidence_files -> files (file_id));
diesel::joinable!(evidence_files -> users (uploaded_by));
diesel::joinable!(reviews -> evidence (evidence_id));
diesel::joinable!(reviews -> users (reviewer_id));
diesel::joinable!(expert_opinions -> projects (project_id));
diesel::joinable!(expert_opinions -> users (expert_id));
diesel::joinable!(audit_log -> users (actor_user_id));
diesel::joinable!(audit_log -> projects (project_id));
diesel::joinable!(outbox -> users (to_user_id));
diesel::joinable!(reports -> projects (project_id));
diesel::joinable!(reports -> guides (guide_id));
diesel::joinable!(reports -> users (submitted_by));
diesel::joinable!(settings -> users (updated_by));

diesel::table! {
    /// Every indicator's status over time, as spans of as-of dates (derived by the status engine;
    /// rebuilt whenever the indicator's target, plan, period or verified evidence changes).
    indicator_status_spans (id) {
        /// Primary key.
        id -> BigInt,
        /// The indicator.
        indicator_id -> BigInt,
        /// Its project.
        project_id -> BigInt,
        /// The status over the span.
        status -> Text,
        /// Overdue or missed: the earliest due date passed unmet; at risk: the checkpoint falling due.
        since -> Nullable<Date>,
        /// First as-of date of the span; 0001-01-01 for the first, which holds from the beginning.
        valid_from -> Date,
        /// First as-of date after it; open-ended when null.
        valid_until -> Nullable<Date>,
    }
}

diesel::table! {
    /// Each user's secret calendar-feed address, as a hash of its token.
    calendar_feeds (user_id) {
        /// The user.
        user_id -> BigInt,
        /// SHA-256 of the token in the address.
        token_hash -> Text,
        /// When the address was made.
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Every reminder item queued: (rule, recipient, subject entity, step), at most once.
    reminder_log (item_key) {
        /// The item's idempotency key.
        item_key -> Text,
        /// The outbox message that carried it.
        outbox_key -> Text,
        /// When it was queued (UTC).
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Each day the reminder sweep completed: what it covered and what it had to skip.
    reminder_sweeps (day) {
        /// The day swept.
        day -> Date,
        /// The first day this sweep covered (the day after the previous sweep, at most the catch-up
        /// limit back).
        covered_from -> Date,
        /// The first day left unswept because it was older than the catch-up limit.
        skipped_from -> Nullable<Date>,
        /// The last such day.
        skipped_until -> Nullable<Date>,
        /// The reminder items that fell on the skipped days.
        skipped_items -> BigInt,
        /// Messages queued.
        messages -> BigInt,
        /// When the sweep finished (UTC).
        completed_at -> Timestamp,
    }
}

diesel::table! {
    /// Each delivery attempt of an outbox message.
    outbox_attempts (id) {
        /// Primary key.
        id -> BigInt,
        /// The message (deleted with it).
        outbox_id -> BigInt,
        /// When it was tried (UTC).
        attempted_at -> Timestamp,
        /// The instance that tried.
        sender -> Text,
        /// What went wrong; none when the server accepted the message.
        error -> Nullable<Text>,
    }
}

diesel::joinable!(outbox_attempts -> outbox (outbox_id));

diesel::joinable!(calendar_feeds -> users (user_id));
diesel::joinable!(indicator_status_spans -> indicators (indicator_id));
diesel::joinable!(indicator_status_spans -> projects (project_id));

diesel::table! {
    /// One row counting the changes to what portfolio-wide reads show (bumped by triggers).
    data_version (id) {
        /// Always 1.
        id -> Integer,
        /// The counter.
        n -> BigInt,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    reminder_log,
    reminder_sweeps,
    calendar_years,
    outbox_attempts,
    indicator_status_spans,
    calendar_feeds,
    regions,
    institutions,
    users,
    sessions,
    api_tokens,
    password_resets,
    guides,
    guide_regions,
    topics,
    directions,
    indicator_templates,
    projects,
    project_partners,
    project_members,
    indicators,
    indicator_revisions,
    milestones,
    submissions,
    evidence,
    files,
    evidence_files,
    reviews,
    expert_opinions,
    audit_log,
    outbox,
    reports,
    settings,
);

// The dashboard's charts count statuses per region and per topic.
diesel::allow_columns_to_appear_in_same_group_by_clause!(
    regions::name,
    topics::number,
    topics::title,
    indicator_status_spans::status,
);
