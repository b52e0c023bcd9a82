//! What a PI or a member has to do next, across the open projects they work on: answers owed to
//! reviewers, overdue indicators, checkpoints coming due unmet, and an execution period about to
//! end. The home page lists it, most pressing first, each item a link to where it is done.

use chrono::{Datelike, NaiveDate};

use super::evaluation;
use crate::config::Tracking;
use crate::db::DbConnection;
use crate::db::evidence;
use crate::db::project;
use crate::db::user::User;
use crate::domain::evidence_status::EvidenceStatus;
use crate::domain::refusal::Failure;
use crate::domain::role::Role;
use crate::domain::status::Status;

/// How many days before the end of the execution period the acceptance is listed as coming up.
pub const PERIOD_END_NOTICE_DAYS: i64 = 60;

/// One thing to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Todo {
    /// Evidence a reviewer sent back, not answered yet: answer it from the indicator's page.
    Answer {
        /// The project's code.
        project_code: String,
        /// The indicator.
        indicator_id: i64,
        /// What it measures.
        metric: String,
        /// The evidence sent back.
        evidence_id: i64,
        /// Rejected or more asked for.
        status: EvidenceStatus,
        /// The day it was sent back (UTC date).
        since: NaiveDate,
    },
    /// An indicator overdue (or missed at the end of the period).
    Overdue {
        /// The project's code.
        project_code: String,
        /// The indicator.
        indicator_id: i64,
        /// What it measures.
        metric: String,
        /// The earliest due date that passed unmet.
        since: NaiveDate,
        /// Days since.
        days: i64,
    },
    /// A checkpoint within the warning window, not yet met.
    DueSoon {
        /// The project's code.
        project_code: String,
        /// The indicator.
        indicator_id: i64,
        /// What it measures.
        metric: String,
        /// When it is due.
        due_on: NaiveDate,
    },
    /// The execution period ends soon: the acceptance (结题验收) is coming up.
    PeriodEnds {
        /// The project's code.
        project_code: String,
        /// The last day of the execution period.
        end: NaiveDate,
    },
}

impl Todo {
    /// How pressing it is, for ordering: answers, then overdue (longest first), then what is coming
    /// up (soonest first).
    fn rank(&self) -> (u8, i64) {
        match self {
            Todo::Answer { since, .. } => (0, since.num_days_from_ce().into()),
            Todo::Overdue { days, .. } => (1, -days),
            Todo::DueSoon { due_on, .. } => (2, due_on.num_days_from_ce().into()),
            Todo::PeriodEnds { end, .. } => (2, end.num_days_from_ce().into()),
        }
    }
}

/// What `user` has to do on `today`, most pressing first. Commission staff and experts have no such
/// list (theirs is the review queue and their assignments).
pub fn for_user(
    conn: &mut DbConnection,
    user: &User,
    today: NaiveDate,
    tracking: &Tracking,
) -> Result<Vec<Todo>, Failure> {
    if !matches!(user.role, Role::Pi | Role::Member) {
        return Ok(Vec::new());
    }
    let open: Vec<_> = project::list_visible(conn, user)?.into_iter().filter(|p| !p.state.is_closed()).collect();
    let ids: Vec<i64> = open.iter().map(|p| p.id).collect();
    let mut todo: Vec<Todo> = evidence::unanswered(conn, &ids)?
        .into_iter()
        .map(|sent| Todo::Answer {
            project_code: sent.project_code,
            indicator_id: sent.indicator_id,
            metric: sent.metric,
            evidence_id: sent.evidence_id,
            status: sent.status,
            since: sent.at.date(),
        })
        .collect();
    for found in open {
        let days_left = (found.execution_end - today).num_days();
        if (0..=PERIOD_END_NOTICE_DAYS).contains(&days_left) {
            todo.push(Todo::PeriodEnds { project_code: found.code.clone(), end: found.execution_end });
        }
        let report = evaluation::report(evaluation::load(conn, user, &found.code)?, today, tracking);
        for indicator in report.indicators {
            let evaluation = &indicator.evaluation;
            let (project_code, indicator_id, metric) = (found.code.clone(), indicator.id, indicator.metric);
            match (evaluation.status, evaluation.overdue_since, evaluation.due_soon) {
                (Status::Overdue | Status::Missed, Some(since), _) => todo.push(Todo::Overdue {
                    project_code,
                    indicator_id,
                    metric,
                    since,
                    days: evaluation.days_overdue,
                }),
                (Status::AtRisk, _, Some(due_on)) => {
                    todo.push(Todo::DueSoon { project_code, indicator_id, metric, due_on })
                }
                _ => {}
            }
        }
    }
    todo.sort_by_key(Todo::rank);
    Ok(todo)
}
