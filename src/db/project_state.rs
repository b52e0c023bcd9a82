//! Moving a project between states (`domain::project_state` decides which moves exist), audited
//! with the state before and after.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;

use super::DbConnection;
use super::audit::{self, AuditEntry};
use super::schema::projects;
use crate::domain::project_state::{self, MoveError, ProjectState};
use crate::error::AppError;

/// The longest note kept with a state change.
const MAX_NOTE_CHARS: usize = 2000;

/// Moves the project to `to` if its current state allows it; returns the state it left. The update
/// is conditional on the state read, so two staff members moving the same project at once cannot
/// both succeed from the same starting state.
pub fn change(
    conn: &mut DbConnection,
    project_id: i64,
    to: ProjectState,
    note: Option<&str>,
    actor: Option<i64>,
    now: NaiveDateTime,
) -> Result<ProjectState, AppError> {
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    if note.is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS) {
        return Err(AppError::field("note", "project_state.note_too_long"));
    }
    if note.is_some_and(|n| !crate::domain::text::is_paragraphs(n, MAX_NOTE_CHARS)) {
        return Err(AppError::field("note", "error.text_invalid"));
    }
    crate::db::write_transaction(conn, |conn| {
        let current: String = projects::table
            .find(project_id)
            .select(projects::state)
            .first(conn)
            .optional()?
            .ok_or(AppError::NotFound)?;
        // The CHECK constraint admits only known names.
        let from = ProjectState::parse(&current).unwrap_or(ProjectState::Active);
        match project_state::check_move(from, to, note) {
            Ok(()) => {}
            Err(MoveError::NoteRequired) => return Err(AppError::field("note", "project_state.note_required")),
            Err(MoveError::NotAllowed) => return Err(AppError::Conflict("project_state.not_allowed")),
        }
        let updated = diesel::update(projects::table.find(project_id).filter(projects::state.eq(from.as_str())))
            .set((projects::state.eq(to.as_str()), projects::updated_at.eq(now)))
            .execute(conn)?;
        if updated != 1 {
            return Err(AppError::Conflict("project_state.changed_meanwhile"));
        }
        audit::record(
            conn,
            &AuditEntry {
                actor,
                action: "project.state",
                entity: "project",
                entity_id: Some(project_id),
                project_id: Some(project_id),
                detail: json!({ "before": from.as_str(), "after": to.as_str(), "note": note }),
                ip: None,
            },
            now,
        )?;
        Ok(from)
    })
}
