//! Reviewing evidence: a staff decision, the queue of what awaits one, withdrawing what a closing
//! project leaves pending, what the notice of a decision names, and what was sent back and is not
//! answered yet.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde_json::json;

use super::can_review;
use crate::db::DbConnection;
use crate::db::audit::{self, AuditEntry};
use crate::db::by_name::ByName;
use crate::db::indicator::find_open_project;
use crate::db::schema::{evidence, indicators, projects, reviews, users};
use crate::db::user::User;
use crate::domain::evidence_status::EvidenceStatus;
use crate::domain::refusal::{Failure, Refusal};
use crate::domain::target::Target;

/// What awaits a review, as filters compare it.
const PENDING: ByName<EvidenceStatus> = ByName(EvidenceStatus::Pending);

/// A staff decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// The value counts from now on.
    Accept,
    /// The value does not count; a reason is required.
    Reject,
    /// The PI is asked for more evidence; a reason is required.
    More,
}

impl Decision {
    /// Every decision.
    pub const ALL: [Decision; 3] = [Decision::Accept, Decision::Reject, Decision::More];

    /// The name forms and the API write it with.
    pub fn name(self) -> &'static str {
        match self {
            Decision::Accept => "accept",
            Decision::Reject => "reject",
            Decision::More => "more",
        }
    }

    /// The evidence status and the review decision it leads to.
    pub fn stored(self) -> EvidenceStatus {
        match self {
            Decision::Accept => EvidenceStatus::Accepted,
            Decision::Reject => EvidenceStatus::Rejected,
            Decision::More => EvidenceStatus::NeedsMore,
        }
    }

    /// Parses the form and API spelling.
    pub fn parse(s: &str) -> Option<Decision> {
        Decision::ALL.into_iter().find(|d| d.name() == s)
    }
}

/// Records a review of pending evidence: only staff may, anything but an acceptance needs a
/// comment, and evidence is reviewed once (409 after). Accepting it updates the status timeline.
pub fn review(
    conn: &mut DbConnection,
    reviewer: &User,
    evidence_id: i64,
    decision: Decision,
    comment: &str,
    (ip, now): (Option<&str>, NaiveDateTime),
) -> Result<i64, Failure> {
    if !can_review(reviewer) {
        return Err(Failure::Refused(Refusal::Forbidden));
    }
    let comment = comment.trim();
    if decision != Decision::Accept && comment.is_empty() {
        return Err(Refusal::field("comment", "review.error.reason_required").into());
    }
    if comment.chars().count() > 2000 {
        return Err(Refusal::field("comment", "review.error.too_long").into());
    }
    if !crate::domain::text::is_paragraphs(comment, 2000) {
        return Err(Refusal::field("comment", "error.text_invalid").into());
    }
    crate::db::write_transaction(conn, |conn| {
        let (indicator_id, ByName(status)): (i64, ByName<EvidenceStatus>) = evidence::table
            .find(evidence_id)
            .select((evidence::indicator_id, evidence::status))
            .first(conn)
            .optional()?
            .ok_or(Failure::Refused(Refusal::NotFound))?;
        let project_id: i64 = indicators::table.find(indicator_id).select(indicators::project_id).first(conn)?;
        find_open_project(conn, project_id)?;
        if status != EvidenceStatus::Pending {
            return Err(Failure::Refused(Refusal::Conflict("review.error.already_reviewed")));
        }
        // The status condition makes a concurrent second review update nothing.
        let changed = diesel::update(evidence::table.find(evidence_id).filter(evidence::status.eq(PENDING)))
            .set((evidence::status.eq(ByName(decision.stored())), evidence::updated_at.eq(now)))
            .execute(conn)?;
        if changed == 0 {
            return Err(Failure::Refused(Refusal::Conflict("review.error.already_reviewed")));
        }
        let review_id: i64 = diesel::insert_into(reviews::table)
            .values((
                reviews::evidence_id.eq(evidence_id),
                reviews::reviewer_id.eq(reviewer.id),
                reviews::decision.eq(ByName(decision.stored())),
                reviews::reason.eq((!comment.is_empty()).then_some(comment)),
                reviews::created_at.eq(now),
            ))
            .returning(reviews::id)
            .get_result(conn)?;
        audit::record(
            conn,
            &AuditEntry {
                actor: Some(reviewer.id),
                action: "evidence.review",
                entity: "evidence",
                entity_id: Some(evidence_id),
                project_id: Some(project_id),
                detail: json!({ "review_id": review_id, "before": { "status": status },
                    "after": { "status": decision.stored(), "reason": comment } }),
                ip,
            },
            now,
        )?;
        if decision == Decision::Accept {
            crate::db::overdue::refresh(conn, project_id, &[indicator_id])?;
        }
        Ok(review_id)
    })
}

/// A piece of evidence awaiting review, as a refusal to close its project names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Awaiting {
    /// The evidence.
    pub id: i64,
    /// What its indicator measures.
    pub metric: String,
    /// When it was measured.
    pub measured_on: NaiveDate,
}

/// A project's evidence awaiting review, oldest first: what closing the project has to settle.
pub fn awaiting_review(conn: &mut DbConnection, project_id: i64) -> QueryResult<Vec<Awaiting>> {
    let rows: Vec<(i64, String, NaiveDate)> = evidence::table
        .inner_join(indicators::table)
        .filter(indicators::project_id.eq(project_id))
        .filter(evidence::status.eq(PENDING))
        .order((evidence::created_at.asc(), evidence::id.asc()))
        .select((evidence::id, indicators::metric, evidence::measured_on))
        .load(conn)?;
    Ok(rows.into_iter().map(|(id, metric, measured_on)| Awaiting { id, metric, measured_on }).collect())
}

/// Withdraws evidence awaiting review, with the staff's reason, inside the caller's transaction
/// (closing a project does this for its pending evidence); one audit row per piece. Evidence
/// reviewed meanwhile makes the whole change a conflict, so nothing is half-settled.
pub(crate) fn withdraw(
    conn: &mut DbConnection,
    project_id: i64,
    ids: &[i64],
    reason: &str,
    (actor, now): (Option<i64>, NaiveDateTime),
) -> Result<(), Failure> {
    for &id in ids {
        let changed = diesel::update(evidence::table.find(id).filter(evidence::status.eq(PENDING)))
            .set((evidence::status.eq(ByName(EvidenceStatus::Withdrawn)), evidence::updated_at.eq(now)))
            .execute(conn)?;
        if changed == 0 {
            return Err(Failure::Refused(Refusal::Conflict("review.error.already_reviewed")));
        }
        audit::record(
            conn,
            &AuditEntry {
                actor,
                action: "evidence.withdraw",
                entity: "evidence",
                entity_id: Some(id),
                project_id: Some(project_id),
                detail: json!({ "before": { "status": EvidenceStatus::Pending },
                    "after": { "status": EvidenceStatus::Withdrawn, "reason": reason } }),
                ip: None,
            },
            now,
        )?;
    }
    Ok(())
}

/// One entry of the review queue.
#[derive(Debug, Clone)]
pub struct QueueItem {
    /// The evidence.
    pub evidence_id: i64,
    /// Its project's code.
    pub project_code: String,
    /// Its project's title.
    pub project_title: String,
    /// The indicator.
    pub indicator_id: i64,
    /// What the indicator measures.
    pub metric: String,
    /// How the indicator's values read (unit, baseline).
    pub target: Target,
    /// The value reported (the low end of a range).
    pub value: Option<f64>,
    /// A range's high end.
    pub value_max: Option<f64>,
    /// A deliverable reported done.
    pub done: bool,
    /// Who submitted it.
    pub submitted_by: String,
    /// When (UTC).
    pub created_at: NaiveDateTime,
}

/// Pending evidence of open projects, oldest first, one page of it, and how much awaits review in
/// all. A closed project's evidence cannot be reviewed any more, so it is not in the queue: closing
/// settles it (see `db::project_state`), and what was left pending by closings before that rule is
/// shown as unreviewed on its pages instead.
pub fn queue(conn: &mut DbConnection, offset: i64, limit: i64) -> QueryResult<(Vec<QueueItem>, i64)> {
    let total: i64 = evidence::table
        .inner_join(indicators::table.inner_join(projects::table))
        .filter(evidence::status.eq(PENDING))
        .filter(projects::state.ne_all(crate::db::project_state::closed_names()))
        .count()
        .get_result(conn)?;
    type Row = (i64, String, String, i64, String, Option<f64>, Option<f64>, bool, String, NaiveDateTime);
    let rows: Vec<Row> = evidence::table
        .inner_join(indicators::table.inner_join(projects::table))
        .inner_join(users::table)
        .filter(evidence::status.eq(PENDING))
        .filter(projects::state.ne_all(crate::db::project_state::closed_names()))
        .order((evidence::created_at.asc(), evidence::id.asc()))
        .offset(offset)
        .limit(limit)
        .select((
            evidence::id,
            projects::code,
            projects::title,
            evidence::indicator_id,
            indicators::metric,
            evidence::value,
            evidence::value_max,
            evidence::done,
            users::name,
            evidence::created_at,
        ))
        .load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|row| row.3).collect();
    let targets = crate::db::project::targets_by_id(conn, &ids)?;
    let items = rows
        .into_iter()
        .filter_map(
            |(
                evidence_id,
                project_code,
                project_title,
                indicator_id,
                metric,
                value,
                value_max,
                done,
                submitted_by,
                created_at,
            )| {
                // The indicator is joined above, so its target is there; a row is never dropped but for
                // an indicator deleted between the two reads.
                let target = targets.get(&indicator_id).cloned()?;
                Some(QueueItem {
                    evidence_id,
                    project_code,
                    project_title,
                    indicator_id,
                    metric,
                    target,
                    value,
                    value_max,
                    done,
                    submitted_by,
                    created_at,
                })
            },
        )
        .collect();
    Ok((items, total))
}

/// A recorded review and what its notice to the submitter names.
#[derive(Debug, Clone, Queryable)]
pub struct Decided {
    /// Accepted, rejected or needs more.
    #[diesel(deserialize_as = ByName<EvidenceStatus>)]
    pub decision: EvidenceStatus,
    /// The reviewer's reason, if any.
    pub reason: Option<String>,
    /// The evidence reviewed.
    pub evidence_id: i64,
    /// Its indicator.
    pub indicator_id: i64,
    /// When the value was measured.
    pub measured_on: NaiveDate,
    /// Who submitted it.
    pub submitted_by: i64,
    /// What the indicator measures.
    pub metric: String,
    /// The project.
    pub project_id: i64,
}

/// The review `review_id` with what its notice names.
pub fn decided(conn: &mut DbConnection, review_id: i64) -> QueryResult<Decided> {
    reviews::table
        .inner_join(evidence::table.on(evidence::id.eq(reviews::evidence_id)))
        .inner_join(indicators::table.on(indicators::id.eq(evidence::indicator_id)))
        .filter(reviews::id.eq(review_id))
        .select((
            reviews::decision,
            reviews::reason,
            evidence::id,
            indicators::id,
            evidence::measured_on,
            evidence::submitted_by,
            indicators::metric,
            indicators::project_id,
        ))
        .first(conn)
}

/// Evidence sent back to a project (rejected, or more asked for) that no later submission answers
/// yet, oldest first: what a PI or member owes the reviewers.
#[derive(Debug, Clone, Queryable)]
pub struct SentBack {
    /// The evidence sent back.
    pub evidence_id: i64,
    /// Its indicator.
    pub indicator_id: i64,
    /// What the indicator measures.
    pub metric: String,
    /// The project's code.
    pub project_code: String,
    /// Rejected or more asked for.
    #[diesel(deserialize_as = ByName<EvidenceStatus>)]
    pub status: EvidenceStatus,
    /// When it was sent back (UTC).
    pub at: NaiveDateTime,
}

/// The sent-back evidence of these projects that nothing answers yet.
pub fn unanswered(conn: &mut DbConnection, project_ids: &[i64]) -> QueryResult<Vec<SentBack>> {
    // `NOT IN` over a column with NULLs matches nothing, so only answers are selected.
    let answered = diesel::alias!(evidence as answers);
    let answered_ids = answered
        .filter(answered.field(evidence::responds_to).is_not_null())
        .select(answered.field(evidence::responds_to).assume_not_null());
    evidence::table
        .inner_join(indicators::table.inner_join(projects::table))
        .filter(projects::id.eq_any(project_ids))
        .filter(evidence::status.eq_any([ByName(EvidenceStatus::Rejected), ByName(EvidenceStatus::NeedsMore)]))
        .filter(diesel::dsl::not(evidence::id.eq_any(answered_ids)))
        .order(evidence::updated_at.asc())
        .select((
            evidence::id,
            evidence::indicator_id,
            indicators::metric,
            projects::code,
            evidence::status,
            evidence::updated_at,
        ))
        .load(conn)
}
