//! Project pages: the projects a user may see, and one project as of a date with each indicator's
//! target, planned-to-date, verified value, status, forecast and the project's acceptance readiness,
//! with the form staff use to change its state.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

use super::history::{self, HistoryLine};
use super::search_list::{Paging, SearchQuery};
use super::{project_form, roster};
use crate::app::evaluation::{IndicatorReport, report};
use crate::app::projects::{self, Awaiting, Project, ProjectNames, ProjectPage, StateMove};
use crate::domain::guide::model::Op;
use crate::domain::guide::model::Period;
use crate::domain::project_state::ProjectState;
use crate::domain::refusal::Refusal;
use crate::domain::status::Status;
use crate::domain::workdays::WorkCalendar;
use crate::i18n::dates::date_text;
use crate::i18n::{T, format};
use crate::report::figures;
use crate::web::as_of::AsOf;
use crate::web::csrf::CsrfForm;
use crate::web::error::AppError;
use crate::web::identity::{CurrentUser, RoleCheck};
use crate::web::page::{PageCtx, encode_path_segment, render, render_with, see_other};
use crate::web::pages::evidence::value_text;
use crate::web::route_table::Routes;
use crate::web::state::AppState;

/// Registers the project routes; the fixed paths come before `/projects/{code}`.
pub fn routes(r: &mut Routes<'_>) {
    r.get("/projects", list)
        .post("/projects", project_form::create)
        .get("/projects/new", project_form::new_form)
        .configure(roster::routes)
        .get("/projects/{code}", show)
        .post("/projects/{code}/state", change_state);
}

use crate::i18n::reading::{forecast_text, terms_text, verified_text};

/// One indicator row, formatted.
struct Row {
    id: i64,
    /// The frozen target when it differs from the current one.
    frozen: Option<String>,
    added_after_baseline: bool,
    metric: String,
    condition: String,
    target: String,
    planned: String,
    verified: String,
    status: Status,
    days_overdue: i64,
    forecast: Option<(String, bool)>,
    next_due: String,
    needs_baseline: bool,
    /// The latest value awaiting review and how many await it, as shown.
    pending: Option<String>,
}

/// `closed`: the project is closed, so a value still pending will never be reviewed and says so.
fn row(indicator: &IndicatorReport, tr: T, calendar: &WorkCalendar, closed: bool) -> Row {
    let t = &indicator.target;
    let target = format::target(tr, t);
    let e = &indicator.evaluation;
    Row {
        id: indicator.id,
        frozen: indicator.frozen.as_ref().map(|frozen| format::target(tr, frozen)).filter(|frozen| *frozen != target),
        added_after_baseline: indicator.added_after_baseline,
        metric: indicator.metric.clone(),
        condition: indicator.condition.clone().unwrap_or_default(),
        target,
        planned: e.planned_to_date.map(|v| terms_text(t, Some(v))).unwrap_or_default(),
        verified: match t.op {
            Op::Deliverable => (if e.done { "✓" } else { "" }).to_owned(),
            // For a relative target the measured quantity in its own unit, with the change beside it.
            _ => verified_text(tr, t, e).unwrap_or_default(),
        },
        status: e.status,
        days_overdue: e.days_overdue,
        forecast: e.forecast.map(|f| (forecast_text(tr, t, f.at_end), f.meets_target)),
        next_due: e.next_due.as_ref().map(|c| date_text(tr, calendar, c.due_on)).unwrap_or_default(),
        needs_baseline: e.needs_baseline,
        pending: indicator.pending.map(|p| {
            let value = value_text(tr, t, p.value, p.value_max, p.done);
            // English says "1 report", "2 reports".
            let key = match (closed, p.count == 1) {
                (true, false) => "project.unreviewed_value",
                (true, true) => "project.unreviewed_value_one",
                (false, false) => "evidence_page.pending_value",
                (false, true) => "evidence_page.pending_value_one",
            };
            tr.fmt(key, &[("value", &value), ("count", &p.count)])
        }),
    }
}

/// How many changes the project page lists.
const LATEST_HISTORY: i64 = 20;

#[derive(Template)]
#[template(path = "pages/projects/list.html")]
struct ListPage {
    ctx: PageCtx,
    projects: Vec<Project>,
    paging: Paging,
}

impl ListPage {
    fn state_label(&self, project: &Project) -> &'static str {
        self.ctx.t.get(project.state.label_key())
    }
}

/// The state form on the project page, as submitted (empty when not submitted).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateForm {
    #[serde(default)]
    state: String,
    #[serde(default)]
    note: String,
    /// When closing: the reason to withdraw the evidence awaiting review (blank: do not withdraw).
    #[serde(default)]
    withdraw_reason: String,
}

#[derive(Template)]
#[template(path = "pages/projects/show.html")]
struct ShowPage {
    ctx: PageCtx,
    project: Project,
    as_of: NaiveDate,
    status: Option<Status>,
    completion: u32,
    readiness: u32,
    band: &'static str,
    rows: Vec<Row>,
    /// The state's catalogue key.
    state: &'static str,
    /// Whether the viewer may change the state (commission staff).
    manages: bool,
    /// The officer in charge (项目主管): name and e-mail.
    officer: Option<(String, String)>,
    /// The project's particulars by name.
    names: ProjectNames,
    /// The states it may move to: value and catalogue key.
    next_states: Vec<(&'static str, &'static str)>,
    /// The state form as submitted, to show it again with its error.
    state_form: StateForm,
    /// The state change's error, in the page's language.
    state_error: Option<String>,
    /// Whether the project is still open to changes.
    open: bool,
    /// Evidence awaiting review now (whatever the as-of date): an open project must settle it before
    /// it closes; on a closed project it was left by a close before that rule and stays unreviewed.
    awaiting: Vec<Awaiting>,
    /// Whether the viewer reports progress on it (its PI or a member).
    contributes: bool,
    /// The latest changes, newest first.
    history: Vec<HistoryLine>,
    /// Whether there are older changes.
    more_history: bool,
    /// The overview and timeline charts as SVG (text escaped by the drawing).
    charts: Vec<String>,
}

impl ShowPage {
    fn status_label(&self, status: &Status) -> &'static str {
        self.ctx.t.get(status.label_key())
    }

    fn days_overdue(&self, days: &i64) -> String {
        self.ctx.t.fmt("project.days_overdue", &[("days", days)])
    }

    fn awaiting_text(&self) -> String {
        let key = if self.open { "project_state.awaiting_open" } else { "project_state.awaiting_closed" };
        self.ctx.t.fmt(key, &[("count", &self.awaiting.len())])
    }

    fn funding(&self) -> String {
        format::money_wan(self.ctx.t, self.project.funding_yuan)
    }
}

/// `GET /projects`.
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    query: web::Query<SearchQuery>,
) -> Result<HttpResponse, AppError> {
    let (user, text, (_, rows)) = (current.user.clone(), query.q.clone(), query.page());
    let (projects, total) = state.db(move |conn| Ok(projects::search(conn, &user, &text, rows)?)).await?;
    render(&ListPage { ctx: PageCtx::new(&req, Some(&current)), projects, paging: Paging::new(&query, total) })
}

/// `GET /projects/{code}`: 404 for a project the user may not see.
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    code: web::Path<String>,
    AsOf(as_of): AsOf,
) -> Result<HttpResponse, AppError> {
    show_page(&req, &state, &current, code.into_inner(), as_of, (StatusCode::OK, StateForm::default(), None)).await
}

/// `POST /projects/{code}/state`: staff move the project to another state; a refused move shows
/// the page again with the reason beside the form.
pub async fn change_state(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    code: web::Path<String>,
    CsrfForm(form): CsrfForm<StateForm>,
) -> Result<HttpResponse, AppError> {
    current.require(project_form::STAFF)?;
    let (now, user, code) = (state.clock.now(), current.user.clone(), code.into_inner());
    let (lookup, note, withdraw_reason) = (code.clone(), form.note.clone(), form.withdraw_reason.clone());
    let result = match ProjectState::parse(&form.state) {
        Some(to) => {
            state
                .db(move |conn| {
                    let asked = StateMove { to, note: Some(&note), withdraw_reason: Some(&withdraw_reason) };
                    Ok(projects::change_state(conn, &user, &lookup, asked, now)?)
                })
                .await
        }
        None => Err(AppError::field("state", "project_state.unknown")),
    };
    let error = match result {
        Ok(_) => return Ok(see_other(&format!("/projects/{}?done=state_changed", encode_path_segment(&code)))),
        Err(
            error @ (AppError::Refused(Refusal::Validation(_))
            | AppError::Refused(Refusal::Conflict(_))
            | AppError::Refused(Refusal::ConflictWith(..))),
        ) => error,
        Err(other) => return Err(other),
    };
    let t = PageCtx::new(&req, Some(&current)).t;
    let message = match &error {
        AppError::Refused(Refusal::Validation(fields)) => {
            fields.iter().map(|f| t.get(f.message)).collect::<Vec<_>>().join(" ")
        }
        other => other.message(t),
    };
    let status = actix_web::ResponseError::status_code(&error);
    show_page(&req, &state, &current, code, state.today(), (status, form, Some(message))).await
}

/// Renders the project page, with the state form as submitted and its error if any.
async fn show_page(
    req: &HttpRequest,
    state: &AppState,
    current: &CurrentUser,
    code: String,
    as_of: NaiveDate,
    (status, state_form, state_error): (StatusCode, StateForm, Option<String>),
) -> Result<HttpResponse, AppError> {
    let (user, configured) = (current.user.clone(), state.config.reminders.calendar.clone());
    let ProjectPage { loaded, contributes, officer, names, history, more_history, awaiting, calendar } =
        state.db(move |conn| Ok(projects::page(conn, &user, &code, LATEST_HISTORY, &configured)?)).await?;
    let report = report(loaded, as_of, &state.config.tracking);
    let percent = |x: f64| (x.clamp(0.0, 1.0) * 100.0).round() as u32;
    let project_state = report.project.state;
    let ctx = PageCtx::new(req, Some(current));
    let history = history::lines(ctx.t, history);
    let period = Period { start: report.project.execution_start, end: report.project.execution_end };
    let overview = figures::overview_chart(
        report.indicators.iter().map(|i| (i.metric.as_str(), i.acceptance.progress, i.evaluation.status)),
    );
    let timeline = figures::timeline_chart(
        period,
        as_of,
        state.config.tracking.warning_days,
        report.indicators.iter().map(|i| (i.metric.as_str(), &i.target, &i.evaluation, i.checkpoints.as_slice())),
    );
    let charts = figures::page_svgs(&overview, &timeline, ctx.t.0);
    let page = ShowPage {
        charts,
        state: project_state.label_key(),
        manages: current.user.role.sees_portfolio(),
        officer,
        names,
        next_states: project_state.next().iter().map(|s| (s.as_str(), s.label_key())).collect(),
        state_form,
        state_error,
        rows: report.indicators.iter().map(|i| row(i, ctx.t, &calendar, project_state.is_closed())).collect(),
        ctx,
        status: report.status,
        completion: percent(report.completion),
        readiness: percent(report.readiness.score),
        band: report.readiness.band.label_key(),
        open: !project_state.is_closed(),
        awaiting,
        contributes,
        history,
        more_history,
        project: report.project,
        as_of,
    };
    render_with(status, &page)
}
