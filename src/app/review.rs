//! Reviewing evidence (commission staff): the queue of pending evidence, and a decision, which
//! queues its notice to the PI in the same transaction so that a decision is never recorded
//! without its message.

use chrono::{NaiveDate, NaiveDateTime};

use super::outbox::Context;
use super::review_notice;
use crate::config::Config;
use crate::db::evidence;
use crate::db::user::User;
use crate::db::{self as db, DbConnection, project};
use crate::domain::refusal::{Failure, Refusal};

/// A staff decision: accept, reject, or ask for more.
pub use crate::db::evidence::Decision;
/// An entry of the review queue.
pub use crate::db::evidence::QueueItem;

/// Whether `user` may review this evidence: not found when they may not see its project (its
/// existence is not confirmed), forbidden when they may see it but are not staff.
pub fn reviewable(conn: &mut DbConnection, user: &User, evidence_id: i64) -> Result<(), Failure> {
    let project = evidence::project_of(conn, evidence_id)?.ok_or(Failure::Refused(Refusal::NotFound))?;
    if !project::can_view(conn, user, &project)? {
        return Err(Failure::Refused(Refusal::NotFound));
    }
    if !evidence::can_review(user) {
        return Err(Failure::Refused(Refusal::Forbidden));
    }
    Ok(())
}

/// Records a decision on pending evidence (a reason is needed unless accepting; evidence is
/// reviewed once) and queues its notice. Returns the review's id.
pub fn decide(
    conn: &mut DbConnection,
    reviewer: &User,
    (evidence_id, decision, comment): (i64, Decision, &str),
    (config, today): (&Config, NaiveDate),
    (ip, now): (Option<&str>, NaiveDateTime),
) -> Result<i64, Failure> {
    db::write_transaction(conn, |conn| {
        let review_id = evidence::review(conn, reviewer, evidence_id, decision, comment, (ip, now))?;
        let context = Context::load(conn, config, today)?;
        review_notice::queue(conn, review_id, &context, now)?;
        Ok(review_id)
    })
}

/// Pending evidence of open projects, oldest first, one page of it, and how much awaits review in
/// all: for commission staff only.
pub fn queue(conn: &mut DbConnection, user: &User, offset: i64, limit: i64) -> Result<(Vec<QueueItem>, i64), Failure> {
    if !evidence::can_review(user) {
        return Err(Failure::Refused(Refusal::Forbidden));
    }
    Ok(evidence::queue(conn, offset, limit)?)
}
