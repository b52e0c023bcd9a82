//! The registration form for approved projects (`/projects/new`), for commission staff. It builds
//! the same [`NewProject`] as the API and goes through the same resolve and register, so both
//! refuse the same things with the same messages.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::app::registration::{
    self, BaselineInput, DirectionChoice, FormChoices, NewProject, PartnerInput, StoredTemplate,
};
use crate::domain::guide::model::direction_name;
use crate::domain::refusal::{FieldError, ItemError, Refusal};
use crate::domain::role::Role;
use crate::domain::roster::{half_width, parse_partners, split_emails};
use crate::i18n::format;
use crate::web::csrf::CsrfForm;
use crate::web::error::AppError;
use crate::web::identity::{CurrentUser, RoleCheck};
use crate::web::page::{FormErrors, PageCtx, encode_path_segment, render_with, see_other};
use crate::web::state::AppState;

/// Who registers projects.
pub const STAFF: &[Role] = &[Role::Admin, Role::Staff];

/// The submitted form, kept as typed so it can be shown again.
///
/// Unknown fields are refused as everywhere, but by [`RegistrationForm::typed`] rather than by serde:
/// the baseline fields are named for their direction and indicator
/// (`baseline-<direction id>-<position>-<value|unit|on|source>`), and serde cannot refuse unknown
/// fields beside a map that collects them.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RegistrationForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    direction_id: String,
    #[serde(default)]
    lead_institution: String,
    /// One partner per line (or `；`-separated), each `单位名` or `单位名（地区）`.
    #[serde(default)]
    partners: String,
    #[serde(default)]
    pi_email: String,
    #[serde(default)]
    member_emails: String,
    #[serde(default)]
    officer_email: String,
    #[serde(default)]
    funding_wan_yuan: String,
    #[serde(default)]
    execution_start: String,
    #[serde(default)]
    execution_end: String,
    #[serde(default)]
    contract_number: String,
    #[serde(default)]
    recommendation_ref: String,
    /// The baseline fields of every direction's relative indicators, and anything else sent.
    #[serde(flatten)]
    baselines: BTreeMap<String, String>,
}

/// The four parts of a baseline, as the form names them, and the field each is in the API's
/// [`BaselineInput`] (which is how problems come back).
const BASELINE_PARTS: [(&str, &str); 4] =
    [("value", "baseline"), ("unit", "baseline_unit"), ("on", "baseline_on"), ("source", "baseline_source")];

/// The prefix of a baseline's fields: `baseline-<direction id>-<position>`.
fn baseline_prefix(direction_id: i64, position: i32) -> String {
    format!("baseline-{direction_id}-{position}")
}

/// A baseline field's direction, position and part, if the name is one.
fn baseline_field(name: &str) -> Option<(i64, i32, &str)> {
    let mut parts = name.strip_prefix("baseline-")?.splitn(3, '-');
    let direction = parts.next()?.parse().ok()?;
    let position = parts.next()?.parse().ok()?;
    let part = parts.next()?;
    BASELINE_PARTS.iter().any(|(p, _)| *p == part).then_some((direction, position, part))
}

/// The form's values as typed, with the execution dates still to be completed from the direction.
struct Typed {
    project: NewProject,
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
}

impl RegistrationForm {
    /// The chosen direction's baselines as typed, by position, each part by its form name; only those
    /// with something typed.
    fn typed_baselines(&self) -> BTreeMap<i32, BTreeMap<&str, &str>> {
        let chosen = self.direction_id.trim().parse::<i64>().ok();
        let mut by_position: BTreeMap<i32, BTreeMap<&str, &str>> = BTreeMap::new();
        for (name, value) in &self.baselines {
            if let Some((direction, position, part)) = baseline_field(name)
                && Some(direction) == chosen
                && !value.trim().is_empty()
            {
                by_position.entry(position).or_default().insert(part, value.trim());
            }
        }
        by_position
    }

    /// The positions of the baselines [`RegistrationForm::typed`] sends, in the order it sends them, so
    /// that a problem named `baselines[i]` finds its indicator.
    fn baseline_positions(&self) -> Vec<i32> {
        self.typed_baselines().into_keys().collect()
    }

    /// Turns the text fields into a registration; what cannot even be read (a funding that is not
    /// a number, a malformed date, a field the form does not have) is refused here, field by field.
    fn typed(&self) -> Result<Typed, AppError> {
        if let Some(unknown) = self.baselines.keys().find(|name| baseline_field(name).is_none()) {
            return Err(AppError::BadField("error.field_unknown", unknown.chars().take(100).collect()));
        }
        let mut errors = Vec::new();
        let direction_id = self.direction_id.trim().parse::<i64>().unwrap_or_else(|_| {
            errors.push(FieldError { field: "direction_id", message: "project.direction_unknown" });
            0
        });
        let funding = half_width(self.funding_wan_yuan.trim()).replace(',', "").parse::<f64>().unwrap_or_else(|_| {
            errors.push(FieldError { field: "funding_wan_yuan", message: "project.funding_invalid" });
            0.0
        });
        let mut date = |text: &str| match text.trim() {
            "" => None,
            text => NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map_err(|_| {
                    if !errors.iter().any(|e| e.field == "execution") {
                        errors.push(FieldError { field: "execution", message: "project_form.date_invalid" });
                    }
                })
                .ok(),
        };
        let (start, end) = (date(&self.execution_start), date(&self.execution_end));
        // A baseline typed under a direction that is not the chosen one would be dropped unseen
        // (without JavaScript every direction's fields are shown).
        let elsewhere = self.baselines.iter().any(|(name, value)| {
            baseline_field(name).is_some_and(|(d, ..)| d != direction_id) && !value.trim().is_empty()
        });
        if elsewhere {
            errors.push(FieldError { field: "baselines", message: "project_form.baseline_other_direction" });
        }
        let mut item_errors = Vec::new();
        let baselines: Vec<BaselineInput> = self
            .typed_baselines()
            .into_iter()
            .enumerate()
            .map(|(index, (position, parts))| {
                let part = |name: &str| parts.get(name).map(|text| (*text).to_owned());
                let baseline = part("value").and_then(|text| {
                    half_width(&text)
                        .replace(',', "")
                        .parse::<f64>()
                        .map_err(|_| {
                            let message = "indicator.not_a_number";
                            item_errors.push(ItemError { list: "baselines", index, field: "baseline", message });
                        })
                        .ok()
                });
                BaselineInput {
                    position,
                    baseline,
                    baseline_unit: part("unit"),
                    baseline_on: part("on"),
                    baseline_source: part("source"),
                }
            })
            .collect();
        if !item_errors.is_empty() {
            return Err(AppError::Refused(Refusal::ItemValidation(errors, item_errors)));
        }
        if !errors.is_empty() {
            return Err(AppError::Refused(Refusal::Validation(errors)));
        }
        let optional = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        let project = NewProject {
            code: self.code.clone(),
            title: self.title.clone(),
            direction_id,
            lead_institution: self.lead_institution.clone(),
            partners: parse_partners(&self.partners)
                .into_iter()
                .map(|p| PartnerInput { institution: p.institution, region: p.region })
                .collect(),
            pi_email: self.pi_email.trim().to_owned(),
            member_emails: split_emails(&self.member_emails),
            officer_email: optional(&self.officer_email),
            funding_wan_yuan: funding,
            execution: None,
            contract_number: optional(&self.contract_number),
            recommendation_ref: optional(&self.recommendation_ref),
            baselines,
        };
        Ok(Typed { project, start, end })
    }
}

/// A direction in the select.
pub struct DirectionOption {
    /// Its id, the option's value.
    pub id: String,
    /// 方向N title · cap · period.
    pub label: String,
}

/// The directions of one topic of one guide.
pub struct DirectionGroup {
    /// Guide document number and topic.
    pub label: String,
    /// Its directions.
    pub options: Vec<DirectionOption>,
}

fn groups(choices: Vec<DirectionChoice>, ctx: &PageCtx) -> Vec<DirectionGroup> {
    let mut groups: Vec<DirectionGroup> = Vec::new();
    for choice in choices {
        let topic =
            ctx.t.fmt("project_form.topic", &[("number", &choice.topic_number), ("title", &choice.topic_title)]);
        let label = format!("{} · {topic}", choice.doc_number);
        let cap = match choice.funding_cap_yuan {
            Some(cap) => ctx.t.fmt("project_form.cap", &[("cap", &format::money_wan(ctx.t, cap))]),
            None => ctx.t.get("project_form.no_cap").to_owned(),
        };
        let number = u32::try_from(choice.topic_number).unwrap_or_default();
        let name = direction_name(number, choice.number.and_then(|n| u32::try_from(n).ok()));
        let option = DirectionOption {
            id: choice.id.to_string(),
            label: format!("{name} {} · {cap} · {} – {}", choice.title, choice.execution.start, choice.execution.end),
        };
        match groups.last_mut() {
            Some(group) if group.label == label => group.options.push(option),
            _ => groups.push(DirectionGroup { label, options: vec![option] }),
        }
    }
    groups
}

/// One relative indicator's baseline fields.
pub struct BaselineRow {
    /// `baseline-<direction id>-<position>`: the fields' names and ids start with it.
    pub prefix: String,
    /// The indicator as the guide words it (产量提升10%以上).
    pub indicator: String,
    /// The parts as typed, by their form names (`value`, `unit`, `on`, `source`).
    pub typed: BTreeMap<&'static str, String>,
    /// Problems by part: the part's form name and the message's catalogue key.
    pub errors: Vec<(&'static str, &'static str)>,
}

impl BaselineRow {
    /// A part as typed.
    pub fn typed(&self, part: &str) -> &str {
        self.typed.get(part).map_or("", String::as_str)
    }

    /// The catalogue key of the problem with a part, if any.
    pub fn error(&self, part: &str) -> Option<&'static str> {
        self.errors.iter().find(|(p, _)| *p == part).map(|(_, key)| *key)
    }
}

/// The baseline fields of one direction's relative indicators.
pub struct BaselineGroup {
    /// The direction's id, as the direction select's value.
    pub direction_id: String,
    /// 方向N title, as the select names it.
    pub label: String,
    /// One per relative indicator.
    pub rows: Vec<BaselineRow>,
}

/// The baseline fields of every direction with relative indicators, filled in as typed, with
/// `problems` (by position, for the chosen direction) beside their parts.
fn baseline_groups(
    templates: Vec<(i64, StoredTemplate)>,
    choices: &[DirectionChoice],
    form: &RegistrationForm,
    problems: &BTreeMap<i32, Vec<(&'static str, &'static str)>>,
) -> Vec<BaselineGroup> {
    let chosen = form.direction_id.trim().parse::<i64>().ok();
    let mut groups: Vec<BaselineGroup> = Vec::new();
    for (direction_id, template) in templates {
        let Some(choice) = choices.iter().find(|c| c.id == direction_id) else { continue };
        let prefix = baseline_prefix(direction_id, template.position);
        let typed = BASELINE_PARTS
            .iter()
            .map(|(part, _)| (*part, form.baselines.get(&format!("{prefix}-{part}")).cloned().unwrap_or_default()))
            .collect();
        let errors = match chosen == Some(direction_id) {
            true => problems.get(&template.position).cloned().unwrap_or_default(),
            false => Vec::new(),
        };
        let indicator = match template.indicator.source.trim() {
            "" => template.indicator.metric.clone(),
            source => source.to_owned(),
        };
        let row = BaselineRow { prefix, indicator, typed, errors };
        match groups.last_mut() {
            Some(group) if group.direction_id == direction_id.to_string() => group.rows.push(row),
            _ => {
                let number = u32::try_from(choice.topic_number).unwrap_or_default();
                let name = direction_name(number, choice.number.and_then(|n| u32::try_from(n).ok()));
                groups.push(BaselineGroup {
                    direction_id: direction_id.to_string(),
                    label: format!("{} · {name} {}", choice.doc_number, choice.title),
                    rows: vec![row],
                });
            }
        }
    }
    groups
}

#[derive(Template)]
#[template(path = "pages/projects/new.html")]
struct NewProjectPage {
    ctx: PageCtx,
    form: RegistrationForm,
    groups: Vec<DirectionGroup>,
    baselines: Vec<BaselineGroup>,
    institutions: Vec<String>,
    errors: FormErrors,
}

/// Problems with the baselines typed, by indicator position: the part's form name and the message.
type BaselineProblems = BTreeMap<i32, Vec<(&'static str, &'static str)>>;

async fn form_page(
    req: &HttpRequest,
    state: &AppState,
    current: &CurrentUser,
    status: StatusCode,
    form: RegistrationForm,
    (errors, problems): (FormErrors, BaselineProblems),
) -> Result<HttpResponse, AppError> {
    let FormChoices { directions: choices, relative_templates: templates, institutions } =
        state.db(|conn| Ok(registration::form_choices(conn)?)).await?;
    let ctx = PageCtx::new(req, Some(current));
    let baselines = baseline_groups(templates, &choices, &form, &problems);
    let groups = groups(choices, &ctx);
    render_with(status, &NewProjectPage { ctx, form, groups, baselines, institutions, errors })
}

/// A refusal's problems where the form shows them: the baselines' beside their parts (found by the
/// position of `baselines[i]`), everything else beside its field.
fn placed(form: &RegistrationForm, fields: Vec<FieldError>, items: Vec<ItemError>) -> (FormErrors, BaselineProblems) {
    let positions = form.baseline_positions();
    let mut errors = fields;
    let mut problems = BaselineProblems::new();
    for item in items {
        let part = BASELINE_PARTS.iter().find(|(_, field)| *field == item.field).map(|(part, _)| *part);
        match (positions.get(item.index), part) {
            (Some(position), Some(part)) => problems.entry(*position).or_default().push((part, item.message)),
            // A position the form did not offer (a hand-made request) is said above the baselines.
            _ => errors.push(FieldError { field: "baselines", message: item.message }),
        }
    }
    (FormErrors(errors), problems)
}

/// `GET /projects/new`.
pub async fn new_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
) -> Result<HttpResponse, AppError> {
    current.require(STAFF)?;
    let nothing = (FormErrors::default(), BaselineProblems::new());
    form_page(&req, &state, &current, StatusCode::OK, RegistrationForm::default(), nothing).await
}

/// `POST /projects`: registers and shows the project, or shows the form again with each problem
/// beside its field.
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    CsrfForm(form): CsrfForm<RegistrationForm>,
) -> Result<HttpResponse, AppError> {
    current.require(STAFF)?;
    let (now, user) = (state.clock.now(), current.user.clone());
    let result = match form.typed() {
        Ok(Typed { project, start, end }) => {
            state.db(move |conn| Ok(registration::register(conn, &user, project, (start, end), now)?)).await.map(|_| ())
        }
        Err(e) => Err(e),
    };
    let (status, errors, items) = match result {
        Ok(()) => {
            let location = format!("/projects/{}?done=registered", encode_path_segment(form.code.trim()));
            return Ok(see_other(&location));
        }
        Err(AppError::Refused(Refusal::Validation(errors))) => (StatusCode::UNPROCESSABLE_ENTITY, errors, Vec::new()),
        Err(AppError::Refused(Refusal::ItemValidation(errors, items))) => {
            (StatusCode::UNPROCESSABLE_ENTITY, errors, items)
        }
        Err(AppError::Refused(Refusal::Conflict(key))) => {
            (StatusCode::CONFLICT, vec![FieldError { field: "code", message: key }], Vec::new())
        }
        Err(other) => return Err(other),
    };
    let placed = placed(&form, errors, items);
    form_page(&req, &state, &current, status, form, placed).await
}
