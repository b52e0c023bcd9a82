//! Approved projects: the list a user may see, one project's page (its evaluation, who reports on
//! it, its officer, the evidence awaiting review, its latest changes), its change history a page at a
//! time, and moving it between states. Registering one is [`super::registration`]'s; changing a
//! whole project (baseline, officer, extension) is [`super::project_changes`]'.

use chrono::NaiveDateTime;

use super::audit_detail::{self, FieldChange};
use super::evaluation::{self, Loaded};
use crate::db::DbConnection;
use crate::db::user::{self, User};
use crate::db::{audit, evidence, indicator, project, project_state, report_facts, work_calendar};

pub use crate::db::report_facts::ProjectNames;
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

/// A page of the projects `caller` may see whose code or title holds `text` (all when empty), and
/// how many match in all.
pub fn search(
    conn: &mut DbConnection,
    caller: &User,
    text: &str,
    page: (i64, i64),
) -> Result<(Vec<Project>, i64), Failure> {
    Ok(project::search_visible(conn, caller, text, page)?)
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
    /// What the entry changed, field by field, with ids named.
    pub changes: Vec<FieldChange>,
}

/// One page of a project's history, newest first, and whether there is more.
fn history_rows(
    conn: &mut DbConnection,
    project_id: i64,
    offset: i64,
    limit: i64,
) -> Result<(Vec<HistoryRow>, bool), Failure> {
    let (rows, more) = audit::project_history(conn, project_id, offset, limit)?;
    // Each detail is parsed once, for the users it names and then for its changes.
    let details: Vec<Option<serde_json::Value>> =
        rows.iter().map(|row| serde_json::from_str(&row.detail).ok()).collect();
    let mut ids: Vec<i64> = rows.iter().filter_map(|r| r.actor_user_id).collect();
    ids.extend(details.iter().flatten().flat_map(audit_detail::user_ids));
    let names =
        audit_detail::Names { users: user::names(conn, &ids)?, indicators: indicator::metrics(conn, project_id)? };
    let rows = rows
        .into_iter()
        .zip(details)
        .map(|(row, detail)| HistoryRow {
            at: row.at,
            actor: row.actor_user_id.and_then(|id| names.users.get(&id).cloned()).unwrap_or_default(),
            label_key: format!("history.{}", row.action.replace('.', "_")),
            changes: audit_detail::changes(&row.detail, detail.as_ref(), &names),
            action: row.action,
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
    /// Its particulars by name: guide, topic and direction, lead and partner institutions, PI, team.
    pub names: ProjectNames,
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
    let names = report_facts::project_names(conn, &loaded.project)?;
    let (history, more_history) = history_rows(conn, loaded.project.id, 0, latest)?;
    let awaiting = evidence::awaiting_review(conn, loaded.project.id)?;
    let calendar = work_calendar::in_force(conn, configured)?;
    Ok(ProjectPage { loaded, contributes, officer, names, history, more_history, awaiting, calendar })
}
