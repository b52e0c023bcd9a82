//! Evidence (佐证材料): submissions of reported values with their files, the review queue, and
//! reviews. Only accepted evidence counts toward an indicator's status; pending evidence is shown
//! beside it. Every write records an audit row in the same transaction, and accepting evidence
//! recomputes the indicator's status timeline there too.
//!
//! Who may report and who may review are here; the rest is one module per part of the work, its
//! items named from here as `db::evidence::…`.

use diesel::prelude::*;

use super::DbConnection;
use super::by_name::ByName;
use super::project::Project;
use super::schema::project_members;
use super::user::User;
use crate::domain::role::Role;

mod pending;
mod proof_list;
mod review;
mod stored_files;
mod submission;
mod views;

pub use pending::{Pending, PendingValues, pending_by_indicator};
pub use proof_list::{proof_lists, set_proof_list};
pub(crate) use review::withdraw;
pub use review::{
    Awaiting, Decided, Decision, QueueItem, SentBack, awaiting_review, decided, queue, review, unanswered,
};
pub use stored_files::{hold_object, hold_upload_quota, is_stored, stored_hashes, uploaded_since};
pub use submission::{FileUpload, NewEntry, SubmissionKind, Submitted, submit};
pub use views::{
    Download, EvidenceView, FileView, ReviewView, download, find, for_indicator, for_project, project_of, show_reuse,
};

/// Whether a user may report progress on a project: its PI, or one of its members.
pub fn can_contribute(conn: &mut DbConnection, user: &User, project: &Project) -> QueryResult<bool> {
    if !matches!(user.role, Role::Pi | Role::Member) {
        return Ok(false);
    }
    if project.pi_user_id == user.id {
        return Ok(true);
    }
    let member: i64 = project_members::table
        .filter(project_members::project_id.eq(project.id))
        .filter(project_members::user_id.eq(user.id))
        .filter(project_members::role.eq(ByName(Role::Member)))
        .count()
        .get_result(conn)?;
    Ok(member > 0)
}

/// Whether a user may review evidence: commission staff.
pub fn can_review(user: &User) -> bool {
    user.role.sees_portfolio()
}
