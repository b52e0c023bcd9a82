//! Indicator pages: one indicator with its current and frozen target, its plan, the plan history and
//! the target's revisions, where commission staff also change the target and re-plan it; and the form
//! that adds a project-specific indicator from the task book. PIs and members only read.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::app::evidence::indicator_section;
use crate::app::indicator_input::TargetChanges;
use crate::app::indicators::{self, IndicatorDetail, IndicatorPage, PlanChoice};
use crate::app::projects::{self, Project};
use crate::app::reports;
use crate::domain::guide::model::{Op, Period};
use crate::domain::plan::{Checkpoint, CheckpointKind, Profile, Schedule};
use crate::domain::refusal::{FieldError, Refusal};
use crate::domain::role::Role;
use crate::domain::status;
use crate::domain::target::Target;
use crate::domain::workdays::WorkCalendar;
use crate::i18n::dates::date_text;
use crate::i18n::{Locale, format};
use crate::report::facts::{EvidenceFacts, IndicatorFacts};
use crate::report::figures;
use crate::web::as_of::AsOf;
use crate::web::csrf::CsrfForm;
use crate::web::error::AppError;
use crate::web::identity::{CurrentUser, RoleCheck};
use crate::web::page::{FormErrors, PageCtx, render_with, see_other};
use crate::web::pages::evidence::{EntryForm, EvidenceSection};
use crate::web::route_table::Routes;
use crate::web::state::AppState;

/// Who changes indicators, freezes baselines and extends projects.
pub const STAFF: &[Role] = &[Role::Admin, Role::Staff];

/// The comparisons offered, with the catalogue keys of their labels.
const OPS: [(&str, &str); 7] = [
    (">=", "indicator_page.op_ge"),
    (">", "indicator_page.op_gt"),
    ("<=", "indicator_page.op_le"),
    ("<", "indicator_page.op_lt"),
    ("=", "indicator_page.op_eq"),
    ("between", "indicator_page.op_between"),
    ("deliverable", "indicator_page.op_deliverable"),
];

/// Registers the indicator routes.
pub fn routes(r: &mut Routes<'_>) {
    r.get("/indicators/{id}", show)
        .post("/indicators/{id}", update)
        .post("/indicators/{id}/plan", replan)
        .get("/projects/{code}/indicators/new", new_form)
        .post("/projects/{code}/indicators", add);
}

/// The target fields of the edit and add forms, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorForm {
    #[serde(default)]
    phrase: String,
    #[serde(default)]
    metric: String,
    #[serde(default)]
    condition: String,
    #[serde(default)]
    op: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    min: String,
    #[serde(default)]
    max: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    change: String,
    #[serde(default)]
    baseline: String,
    #[serde(default)]
    baseline_unit: String,
    #[serde(default)]
    baseline_on: String,
    #[serde(default)]
    baseline_source: String,
    #[serde(default)]
    aggregation: String,
    #[serde(default)]
    weight: String,
    #[serde(default)]
    class: String,
    #[serde(default)]
    reason: String,
}

fn plain(value: Option<f64>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

impl IndicatorForm {
    /// The form filled in with an indicator's current values.
    fn of(metric: &str, condition: Option<&str>, t: &Target) -> IndicatorForm {
        IndicatorForm {
            metric: metric.to_owned(),
            condition: condition.unwrap_or_default().to_owned(),
            op: t.op.as_str().to_owned(),
            value: plain(t.value),
            min: plain(t.min),
            max: plain(t.max),
            unit: t.unit.clone().unwrap_or_default(),
            change: t.change.map(|c| c.as_str().to_owned()).unwrap_or_default(),
            baseline: plain(t.baseline),
            baseline_unit: t.baseline_unit.clone().unwrap_or_default(),
            baseline_on: t.baseline_on.map(|d| d.to_string()).unwrap_or_default(),
            baseline_source: t.baseline_source.clone().unwrap_or_default(),
            aggregation: t.aggregation.as_str().to_owned(),
            weight: t.weight.to_string(),
            class: t.class.as_str().to_owned(),
            ..IndicatorForm::default()
        }
    }

    /// The typed values as changes: every field is sent, an empty one clears it. On a new indicator's
    /// form, empty fields leave what the phrase gave.
    fn changes(&self, adding: bool) -> Result<TargetChanges, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut number = |field: &'static str, text: &str| -> Option<Option<f64>> {
            match text.trim().replace([',', '，'], "") {
                t if t.is_empty() => (!adding).then_some(None),
                t => match t.parse::<f64>() {
                    Ok(v) => Some(Some(v)),
                    Err(_) => {
                        errors.push(FieldError { field, message: "indicator.not_a_number" });
                        None
                    }
                },
            }
        };
        let (value, min, max, baseline) = (
            number("value", &self.value),
            number("min", &self.min),
            number("max", &self.max),
            number("baseline", &self.baseline),
        );
        let weight = number("weight", &self.weight).flatten();
        if !errors.is_empty() {
            return Err(errors);
        }
        let text = |s: &str| -> Option<Option<String>> {
            let s = s.trim();
            if s.is_empty() && adding { None } else { Some(Some(s.to_owned()).filter(|s| !s.is_empty())) }
        };
        let given = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        Ok(TargetChanges {
            // The edit form has no phrase: reading one is for adding.
            phrase: given(&self.phrase).filter(|_| adding),
            metric: given(&self.metric).or_else(|| (!adding).then(String::new)),
            condition: text(&self.condition),
            op: given(&self.op),
            value,
            min,
            max,
            unit: text(&self.unit),
            change: text(&self.change),
            baseline,
            baseline_unit: text(&self.baseline_unit),
            baseline_on: text(&self.baseline_on),
            baseline_source: text(&self.baseline_source),
            aggregation: given(&self.aggregation),
            weight: if adding { weight } else { Some(weight.unwrap_or(f64::NAN)) },
            class: given(&self.class),
            reason: given(&self.reason),
        })
    }
}

/// The re-plan form, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanForm {
    #[serde(default)]
    schedule: String,
    #[serde(default)]
    profile: String,
    /// One checkpoint per line: `YYYY-MM-DD value`.
    #[serde(default)]
    checkpoints: String,
    #[serde(default)]
    due_on: String,
}

impl PlanForm {
    fn request(&self) -> Result<PlanChoice, AppError> {
        let schedule = match self.schedule.as_str() {
            "half_yearly" => Schedule::HalfYearly,
            "quarterly" => Schedule::Quarterly,
            _ => Schedule::MidtermAndEnd,
        };
        let profile = match self.profile.as_str() {
            "linear" => Some(Profile::Linear),
            "full_target" => Some(Profile::FullTarget),
            "manual" => {
                let mut entries = Vec::new();
                for line in self.checkpoints.lines().map(str::trim).filter(|l| !l.is_empty()) {
                    let mut parts = line.split([' ', '\t', ',', '，', '：', ':']).filter(|p| !p.is_empty());
                    let date = parts.next().and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
                    let Some(date) = date else { return Err(AppError::field("checkpoints", "plan.date_invalid")) };
                    let value = parts.next().and_then(|v| v.parse::<f64>().ok());
                    let Some(value) = value else {
                        return Err(AppError::field("checkpoints", "plan.value_not_a_number"));
                    };
                    entries.push((date, value));
                }
                Some(Profile::Manual(entries))
            }
            _ => None,
        };
        let due_on = match self.due_on.trim() {
            "" => None,
            d => Some(
                NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| AppError::field("due_on", "plan.date_invalid"))?,
            ),
        };
        Ok(PlanChoice { schedule, profile, due_on })
    }
}

#[derive(Template)]
#[template(path = "pages/indicators/show.html")]
struct ShowPage {
    ctx: PageCtx,
    detail: IndicatorDetail,
    project: Project,
    manages: bool,
    form: IndicatorForm,
    plan: PlanForm,
    errors: FormErrors,
    plan_errors: FormErrors,
    ops: &'static [(&'static str, &'static str)],
    adding: bool,
    evidence: EvidenceSection,
    /// Says which due dates fall on a weekend or a public holiday.
    calendar: WorkCalendar,
    /// The progress chart as SVG (text escaped by the drawing); none for a deliverable.
    chart: Option<String>,
    /// The date the page shows the indicator as of: evidence measured after it is not listed.
    as_of: NaiveDate,
}

impl ShowPage {
    /// A due date with its weekday and, on a day off, which kind.
    fn due(&self, c: &Checkpoint) -> String {
        date_text(self.ctx.t, &self.calendar, c.due_on)
    }

    fn baseline(&self, t: &Target) -> Option<String> {
        crate::i18n::reading::baseline_text(self.ctx.t, t)
    }

    fn target(&self, t: &Target) -> String {
        format::target(self.ctx.t, t)
    }

    fn planned(&self, c: &Checkpoint) -> String {
        c.planned.map(format::number).unwrap_or_else(|| "—".to_owned())
    }

    fn kind(&self, c: &Checkpoint) -> &'static str {
        self.ctx.t.get(match c.kind {
            CheckpointKind::MidTerm => "checkpoint.mid_term",
            CheckpointKind::EndOfTerm => "checkpoint.end_of_term",
            CheckpointKind::Quarterly => "checkpoint.quarterly",
            CheckpointKind::HalfYearly => "checkpoint.half_yearly",
            CheckpointKind::Manual => "checkpoint.manual",
            CheckpointKind::Deliverable => "checkpoint.deliverable",
        })
    }

    fn frozen(&self) -> bool {
        self.project.baseline_frozen_at.is_some()
    }

    fn is_deliverable(&self) -> bool {
        self.detail.target.op == Op::Deliverable
    }
}

#[derive(Template)]
#[template(path = "pages/indicators/new.html")]
struct NewPage {
    ctx: PageCtx,
    project: Project,
    form: IndicatorForm,
    errors: FormErrors,
    ops: &'static [(&'static str, &'static str)],
    adding: bool,
}

/// The form for the open checkpoints of the current plan, as a manual plan would list them.
fn plan_form(detail: &IndicatorDetail, today: NaiveDate) -> PlanForm {
    let lines: Vec<String> = detail
        .checkpoints
        .iter()
        .filter(|c| c.due_on >= today)
        .filter_map(|c| c.planned.map(|p| format!("{} {p}", c.due_on)))
        .collect();
    PlanForm { checkpoints: lines.join("\n"), ..PlanForm::default() }
}

/// Renders an indicator's page as of a date (today when `None`) with its forms as given (the target
/// and plan forms as submitted, their errors, and the progress form).
#[expect(clippy::too_many_arguments, reason = "the page's parts, each from a different step")]
pub(super) async fn show_page(
    req: &HttpRequest,
    state: &AppState,
    current: &CurrentUser,
    (status, as_of): (StatusCode, Option<NaiveDate>),
    id: i64,
    (form, plan): (Option<IndicatorForm>, Option<PlanForm>),
    (errors, plan_errors): (Vec<FieldError>, Vec<FieldError>),
    entry: EntryForm,
) -> Result<HttpResponse, AppError> {
    let (user, configured) = (current.user.clone(), state.config.reminders.calendar.clone());
    let today = state.today();
    let as_of = as_of.unwrap_or(today);
    let (IndicatorPage { project, detail, calendar }, (items, contributes, proof)) = state
        .db(move |conn| {
            let page = indicators::page(conn, &user, id, &configured)?;
            let parts =
                indicator_section(conn, &user, &page.project, (id, &page.detail.metric, &page.detail.target), as_of)?;
            Ok((page, parts))
        })
        .await?;
    let ctx = PageCtx::new(req, Some(current));
    let evidence: Vec<_> = items.iter().cloned().map(reports::evidence_facts).collect();
    let chart = progress_chart(&project, &detail, evidence, as_of, state.config.tracking.warning_days, ctx.t.0);
    let evidence = EvidenceSection {
        t: ctx.t,
        target: detail.target.clone(),
        items,
        contributes,
        closed: project.state.is_closed(),
        proof,
        entry,
        start: project.execution_start,
        today: today.min(project.execution_end),
        max_mb: state.config.uploads.max_file_bytes / (1024 * 1024),
    };
    let manages = STAFF.contains(&current.user.role) && !project.state.is_closed();
    let form = form.unwrap_or_else(|| IndicatorForm::of(&detail.metric, detail.condition.as_deref(), &detail.target));
    let plan = plan.unwrap_or_else(|| plan_form(&detail, today));
    render_with(
        status,
        &ShowPage {
            ctx,
            detail,
            project,
            manages,
            form,
            plan,
            errors: FormErrors(errors),
            plan_errors: FormErrors(plan_errors),
            ops: &OPS,
            adding: false,
            evidence,
            calendar,
            chart,
            as_of,
        },
    )
}

/// The indicator's progress chart as of the page's date, from the same evidence the page lists (as
/// facts).
fn progress_chart(
    project: &Project,
    detail: &IndicatorDetail,
    evidence: Vec<EvidenceFacts>,
    as_of: NaiveDate,
    warning_days: i64,
    locale: Locale,
) -> Option<String> {
    let period = Period { start: project.execution_start, end: project.execution_end };
    let observations = figures::verified(&evidence);
    let evaluation = status::evaluate(&detail.target, &detail.checkpoints, &observations, period, as_of, warning_days);
    let facts = IndicatorFacts {
        position: 0,
        metric: detail.metric.clone(),
        condition: detail.condition.clone(),
        target: detail.target.clone(),
        frozen: detail.frozen.clone(),
        added_after_baseline: detail.added_after_baseline,
        acceptance: evaluation.clone(),
        evaluation,
        checkpoints: detail.checkpoints.clone(),
        evidence,
    };
    figures::indicator_svg(&facts, period, as_of, warning_days, locale)
}

/// How a refused change shows on the page: field errors beside their fields, a conflict at the top.
pub(super) fn refused(error: AppError) -> Result<(StatusCode, Vec<FieldError>), AppError> {
    match error {
        AppError::Refused(Refusal::Validation(errors)) => Ok((StatusCode::UNPROCESSABLE_ENTITY, errors)),
        AppError::Refused(Refusal::Conflict(key)) => {
            Ok((StatusCode::CONFLICT, vec![FieldError { field: "form", message: key }]))
        }
        other => Err(other),
    }
}

/// `?responds_to=<evidence id>` on an indicator's page: the progress form answers that evidence
/// (and `?as_of=`, read by [`AsOf`], shows the indicator as of that date).
#[derive(Debug, Deserialize)]
pub struct ShowQuery {
    responds_to: Option<i64>,
}

/// `GET /indicators/{id}`: 404 for an indicator of a project the user may not see.
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    id: web::Path<i64>,
    query: web::Query<ShowQuery>,
    AsOf(as_of): AsOf,
) -> Result<HttpResponse, AppError> {
    let mut entry = EntryForm::default();
    if let Some(answered) = query.responds_to {
        entry.fields.insert("responds_to".into(), answered.to_string());
    }
    let shown = (StatusCode::OK, Some(as_of));
    show_page(&req, &state, &current, shown, id.into_inner(), (None, None), (Vec::new(), Vec::new()), entry).await
}

/// `POST /indicators/{id}`: changes the target; the page again with errors when refused.
pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    id: web::Path<i64>,
    CsrfForm(form): CsrfForm<IndicatorForm>,
) -> Result<HttpResponse, AppError> {
    current.require(STAFF)?;
    let (id, now, today, user) = (id.into_inner(), state.clock.now(), state.today(), current.user.clone());
    let submitted = form.clone();
    let result = state
        .db(move |conn| {
            let changes = form.changes(false).map_err(Refusal::Validation)?;
            Ok(indicators::update(conn, &user, id, &changes, now, today)?)
        })
        .await;
    match result {
        Ok(()) => Ok(see_other(&format!("/indicators/{id}?done=saved"))),
        Err(error) => {
            let (status, errors) = refused(error)?;
            show_page(
                &req,
                &state,
                &current,
                (status, None),
                id,
                (Some(submitted), None),
                (errors, Vec::new()),
                EntryForm::default(),
            )
            .await
        }
    }
}

/// `POST /indicators/{id}/plan`: re-plans; the page again with errors when refused.
pub async fn replan(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    id: web::Path<i64>,
    CsrfForm(form): CsrfForm<PlanForm>,
) -> Result<HttpResponse, AppError> {
    current.require(STAFF)?;
    let (id, now, today, user) = (id.into_inner(), state.clock.now(), state.today(), current.user.clone());
    let submitted = form.clone();
    let result = match form.request() {
        Ok(plan) => state.db(move |conn| Ok(indicators::replan(conn, &user, id, plan, now, today)?)).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/indicators/{id}?done=saved"))),
        Err(error) => {
            let (status, errors) = refused(error)?;
            show_page(
                &req,
                &state,
                &current,
                (status, None),
                id,
                (None, Some(submitted)),
                (Vec::new(), errors),
                EntryForm::default(),
            )
            .await
        }
    }
}

async fn new_page(
    req: &HttpRequest,
    state: &AppState,
    current: &CurrentUser,
    status: StatusCode,
    code: String,
    form: IndicatorForm,
    errors: Vec<FieldError>,
) -> Result<HttpResponse, AppError> {
    let user = current.user.clone();
    let project = state.db(move |conn| Ok(projects::find(conn, &user, &code)?)).await?;
    render_with(
        status,
        &NewPage {
            ctx: PageCtx::new(req, Some(current)),
            project,
            form,
            errors: FormErrors(errors),
            ops: &OPS,
            adding: true,
        },
    )
}

/// `GET /projects/{code}/indicators/new`.
pub async fn new_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    code: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    current.require(STAFF)?;
    let form = IndicatorForm { weight: "1".into(), ..IndicatorForm::default() };
    new_page(&req, &state, &current, StatusCode::OK, code.into_inner(), form, Vec::new()).await
}

/// `POST /projects/{code}/indicators`: adds the indicator and shows its page; the form again with
/// errors when refused.
pub async fn add(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    code: web::Path<String>,
    CsrfForm(form): CsrfForm<IndicatorForm>,
) -> Result<HttpResponse, AppError> {
    current.require(STAFF)?;
    let (code, now, today, user) = (code.into_inner(), state.clock.now(), state.today(), current.user.clone());
    let (submitted, project_code) = (form.clone(), code.clone());
    let result = state
        .db(move |conn| {
            let changes = form.changes(true).map_err(Refusal::Validation)?;
            Ok(indicators::add(conn, &user, &project_code, &changes, now, today)?)
        })
        .await;
    match result {
        Ok(id) => Ok(see_other(&format!("/indicators/{id}?done=saved"))),
        Err(error) => {
            let (status, errors) = refused(error)?;
            new_page(&req, &state, &current, status, code, submitted, errors).await
        }
    }
}
