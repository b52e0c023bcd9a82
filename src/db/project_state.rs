//! Moving a project between states (`domain::project_state` decides which moves exist), audited
//! with the state before and after. Closing a project settles its evidence awaiting review: the
//! close is refused while any awaits review, naming it, unless staff withdraw it with a reason in
//! the same change; so a closed project never holds evidence nobody can review any more.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;

use super::DbConnection;
use super::audit::{self, AuditEntry};
use super::by_name::ByName;
use super::evidence;
use super::indicator::find_open_project;
use super::project::Project;
use super::schema::projects;
use crate::domain::project_state::{self, MoveError, ProjectState};
use crate::domain::refusal::{Failure, Refusal};

/// The longest note (or withdrawal reason) kept with a state change.
const MAX_NOTE_CHARS: usize = 2000;

/// The stored names of the closed states, for queries that leave closed projects out.
pub fn closed_names() -> Vec<&'static str> {
    ProjectState::ALL.into_iter().filter(|s| s.is_closed()).map(ProjectState::as_str).collect()
}

/// A move staff asked for.
#[derive(Debug, Clone, Copy)]
pub struct Move<'a> {
    /// The state to move to.
    pub to: ProjectState,
    /// Why; required for `failed` and `terminated`.
    pub note: Option<&'a str>,
    /// When closing: the reason to withdraw the evidence still awaiting review. Without it, a close
    /// is refused while any awaits review.
    pub withdraw_reason: Option<&'a str>,
}

/// A note or reason as kept: trimmed, blank as none, refused when too long (with the message
/// `too_long`) or not plain paragraphs.
fn checked_text<'a>(
    text: Option<&'a str>,
    (field, too_long): (&'static str, &'static str),
) -> Result<Option<&'a str>, Failure> {
    let text = text.map(str::trim).filter(|n| !n.is_empty());
    if text.is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS) {
        return Err(Refusal::field(field, too_long).into());
    }
    if text.is_some_and(|n| !crate::domain::text::is_paragraphs(n, MAX_NOTE_CHARS)) {
        return Err(Refusal::field(field, "error.text_invalid").into());
    }
    Ok(text)
}

/// Moves the project to `to` if its current state allows it; returns the state it left. The update
/// is conditional on the state read, so two staff members moving the same project at once cannot
/// both succeed from the same starting state.
pub fn change(
    conn: &mut DbConnection,
    project_id: i64,
    asked: Move<'_>,
    actor: Option<i64>,
    now: NaiveDateTime,
) -> Result<ProjectState, Failure> {
    let note = checked_text(asked.note, ("note", "project_state.note_too_long"))?;
    let withdraw_reason =
        checked_text(asked.withdraw_reason, ("withdraw_reason", "project_state.withdraw_reason_too_long"))?;
    let to = asked.to;
    // Only a closing move settles evidence; a reason given with any other move would be dropped.
    if withdraw_reason.is_some() && !to.is_closed() {
        return Err(Refusal::field("withdraw_reason", "project_state.withdraw_reason_not_closing").into());
    }
    crate::db::write_transaction(conn, |conn| {
        let from = projects::table
            .find(project_id)
            .select(projects::state)
            .first::<ByName<ProjectState>>(conn)
            .optional()?
            .ok_or(Failure::Refused(Refusal::NotFound))?
            .get();
        match project_state::check_move(from, to, note) {
            Ok(()) => {}
            Err(MoveError::NoteRequired) => return Err(Refusal::field("note", "project_state.note_required").into()),
            Err(MoveError::NotAllowed) => return Err(Failure::Refused(Refusal::Conflict("project_state.not_allowed"))),
        }
        // Updating first holds the project's row, so evidence submitted meanwhile (which holds it
        // too, see `hold_open`) is either seen below or refused as on a closed project.
        let updated = diesel::update(projects::table.find(project_id).filter(projects::state.eq(from.as_str())))
            .set((projects::state.eq(to.as_str()), projects::updated_at.eq(now)))
            .execute(conn)?;
        if updated != 1 {
            return Err(Failure::Refused(Refusal::Conflict("project_state.changed_meanwhile")));
        }
        let withdrawn: Vec<i64> = if to.is_closed() {
            let awaiting = evidence::awaiting_review(conn, project_id)?;
            let ids: Vec<i64> = awaiting.iter().map(|a| a.id).collect();
            match withdraw_reason {
                _ if awaiting.is_empty() => {}
                Some(reason) => evidence::withdraw(conn, project_id, &ids, reason, (actor, now))?,
                None => return Err(awaiting_refusal(&awaiting)),
            }
            ids
        } else {
            Vec::new()
        };
        let mut detail = json!({ "before": from.as_str(), "after": to.as_str(), "note": note });
        if !withdrawn.is_empty() {
            detail["withdrawn_evidence"] = json!(withdrawn);
            detail["withdraw_reason"] = json!(withdraw_reason);
        }
        audit::record(
            conn,
            &AuditEntry {
                actor,
                action: "project.state",
                entity: "project",
                entity_id: Some(project_id),
                project_id: Some(project_id),
                detail,
                ip: None,
            },
            now,
        )?;
        Ok(from)
    })
}

/// The refusal of a close while evidence awaits review: how many, and each by number and indicator.
fn awaiting_refusal(awaiting: &[evidence::Awaiting]) -> Failure {
    let items: Vec<String> =
        awaiting.iter().map(|a| format!("#{} {} ({})", a.id, a.metric, a.measured_on.format("%Y-%m-%d"))).collect();
    Failure::Refused(Refusal::ConflictWith(
        "project_state.pending_evidence",
        vec![("count", awaiting.len().to_string()), ("items", items.join("; "))],
    ))
}

/// The project by id, refused when it is closed, and held until the caller's transaction ends so
/// that no one closes it meanwhile (on PostgreSQL, where writers do not queue as on SQLite): an
/// update that changes nothing takes the row's lock.
pub(crate) fn hold_open(conn: &mut DbConnection, project_id: i64) -> Result<Project, Failure> {
    diesel::update(projects::table.find(project_id).filter(projects::state.ne_all(closed_names())))
        .set(projects::state.eq(projects::state))
        .execute(conn)?;
    find_open_project(conn, project_id)
}
