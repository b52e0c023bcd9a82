//! Approved projects: the list a user may see, one project's page (its evaluation, who reports on
//! it, its officer, the evidence awaiting review, its latest changes), its change history a page at a
//! time, and moving it between states. Registering one is [`super::registration`]'s; changing a
//! whole project (baseline, officer, extension) is [`super::project_changes`]'.

use chrono::NaiveDateTime;

use super::evaluation::{self, Loaded};
use crate::db::DbConnection;
use crate::db::user::{self, User};
use crate::db::{audit, evidence, project, project_state, work_calendar};
use crate::domain::project_state::ProjectState;
use crate::domain::refusal::{Failure, Refusal};
use crate::domain::workdays::WorkCalendar;

/// A piece of evidence awaiting review, as a project's page lists it.
pub use crate::db::evidence::Awaiting;
/// A stored project.
pub use crate::db::project::Project;

/// The project with this code, if `caller` may see it; unknown and hidden projects are both not
/// found, so codes of others' projects leak nothing.
pub fn find(conn: &mut DbConnection, caller: &User, code: &str) -> Result<Project, Failure> {
    super::reports::find_project(conn, Some(caller), code)
}

/// The projects a user may see, by code: all for commission staff, their own for a PI or member.
pub fn list(conn: &mut DbConnection, caller: &User) -> Result<Vec<Project>, Failure> {
    Ok(project::list_visible(conn, caller)?)
}

/// A move of a project to another state, as staff ask for it.
#[derive(Debug, Clone, Copy)]
pub struct StateMove<'a> {
    /// The state to move to.
    pub to: ProjectState,
    /// Why; required for `failed` and `terminated`.
    pub note: Option<&'a str>,
    /// When closing: the reason to withdraw the evidence still awaiting review.
    pub withdraw_reason: Option<&'a str>,
}

/// Moves a project to another state (closed projects stay closed; a project closes only with no
/// evidence awaiting review, or withdrawing it); returns the state it left. Audited.
pub fn change_state(
    conn: &mut DbConnection,
    actor: &User,
    code: &str,
    asked: StateMove<'_>,
    now: NaiveDateTime,
) -> Result<ProjectState, Failure> {
    let project = project::find_by_code(conn, code)?.ok_or(Failure::Refused(Refusal::NotFound))?;
    let asked = project_state::Move { to: asked.to, note: asked.note, withdraw_reason: asked.withdraw_reason };
    project_state::change(conn, project.id, asked, Some(actor.id), now)
}

/// One audit row of a project's change history, as listed.
#[derive(Debug, Clone)]
pub struct HistoryRow {
    /// When (UTC).
    pub at: NaiveDateTime,
    /// Who, by name; empty for the system.
    pub actor: String,
    /// The action as stored, e.g. `evidence.review`.
    pub action: String,
    /// The catalogue key of the action's label (`history.<action with underscores>`); actions
    /// without one are shown as stored.
    pub label_key: String,
    /// The details, as indented JSON.
    pub detail: String,
}

/// One page of a project's history, newest first, and whether there is more.
fn history_rows(
    conn: &mut DbConnection,
    project_id: i64,
    offset: i64,
    limit: i64,
) -> Result<(Vec<HistoryRow>, bool), Failure> {
    let (rows, more) = audit::project_history(conn, project_id, offset, limit)?;
    let ids: Vec<i64> = rows.iter().filter_map(|r| r.actor_user_id).collect();
    let names = user::names(conn, &ids)?;
    let rows = rows
        .into_iter()
        .map(|row| HistoryRow {
            at: row.at,
            actor: row.actor_user_id.and_then(|id| names.get(&id).cloned()).unwrap_or_default(),
            label_key: format!("history.{}", row.action.replace('.', "_")),
            action: row.action,
            // Stored details are JSON; indenting them is only for reading, so a row that is not is shown as is.
            detail: serde_json::from_str::<serde_json::Value>(&row.detail)
                .and_then(|v| serde_json::to_string_pretty(&v))
                .unwrap_or(row.detail),
        })
        .collect();
    Ok((rows, more))
}

/// A page of a project's change history (变更记录), newest first, for a caller who may see the
/// project (not found otherwise): the project, the rows and whether there are older ones.
pub fn history(
    conn: &mut DbConnection,
    caller: &User,
    code: &str,
    offset: i64,
    limit: i64,
) -> Result<(Project, Vec<HistoryRow>, bool), Failure> {
    let project = find(conn, caller, code)?;
    let (rows, more) = history_rows(conn, project.id, offset, limit)?;
    Ok((project, rows, more))
}

/// What a project's page shows besides its evaluation as of a date.
#[derive(Debug)]
pub struct ProjectPage {
    /// The project with what evaluating it needs.
    pub loaded: Loaded,
    /// Whether the viewer reports progress on it (its PI or a member).
    pub contributes: bool,
    /// The officer in charge (项目主管): name and e-mail.
    pub officer: Option<(String, String)>,
    /// The latest changes, newest first.
    pub history: Vec<HistoryRow>,
    /// Whether there are older changes.
    pub more_history: bool,
    /// Evidence awaiting review now.
    pub awaiting: Vec<Awaiting>,
    /// The configured working-day calendar with the years staff stored.
    pub calendar: WorkCalendar,
}

/// A project's page for a caller who may see it (not found otherwise), with its `latest` changes;
/// `configured` is the calendar of the configuration.
pub fn page(
    conn: &mut DbConnection,
    caller: &User,
    code: &str,
    latest: i64,
    configured: &WorkCalendar,
) -> Result<ProjectPage, Failure> {
    let loaded = evaluation::load(conn, caller, code)?;
    let contributes = evidence::can_contribute(conn, caller, &loaded.project)?;
    let officer = match loaded.project.officer_user_id {
        Some(id) => user::find(conn, id)?.map(|o| (o.name, o.email)),
        None => None,
    };
    let (history, more_history) = history_rows(conn, loaded.project.id, 0, latest)?;
    let awaiting = evidence::awaiting_review(conn, loaded.project.id)?;
    let calendar = work_calendar::in_force(conn, configured)?;
    Ok(ProjectPage { loaded, contributes, officer, history, more_history, awaiting, calendar })
}
