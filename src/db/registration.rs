//! What staff submit to register a project, naming things as people do (institutions by name,
//! people by e-mail), and its resolution to ids. The API, the web form and the roster import all
//! build a [`NewProject`] and go through [`resolve`] and then `project_registration::register`, so a project is
//! checked the same way whichever door it comes through.

use chrono::{NaiveDate, NaiveDateTime};

use super::guide::StoredTemplate;
use super::project_registration::{self, RecordedBaseline, Registration};
use super::{DbConnection, direction, guide, institution, user};
use crate::domain::guide::model::Period;
use crate::domain::refusal::{Failure, FieldError, ItemError, Refusal};
use crate::domain::target::Target;
use crate::domain::target_check;

/// A partner institution.
#[derive(Debug, Clone)]
pub struct PartnerInput {
    /// The institution's registered name.
    pub institution: String,
    /// Its region (created if new).
    pub region: Option<String>,
}

/// The baseline of one of the direction's relative indicators (产量提升10%以上), given at registration:
/// the measured quantity when the project starts, recorded whole (value, unit, date and source) as
/// `PATCH /api/v1/indicators/{id}` records it, with the same field names and the same rules.
#[derive(Debug, Clone, Default)]
pub struct BaselineInput {
    /// The indicator's position in the direction, as `GET /api/v1/guides/{id}` lists its templates
    /// (the project's indicator gets the same position).
    pub position: i32,
    /// The value measured (not 0).
    pub baseline: Option<f64>,
    /// The measured quantity's unit (吨, 元, 小时 …): the one the PI then reports evidence in.
    pub baseline_unit: Option<String>,
    /// When it was measured (`YYYY-MM-DD`).
    pub baseline_on: Option<String>,
    /// Where it comes from (统计年报, 检测报告 …).
    pub baseline_source: Option<String>,
}

/// A project to register.
#[derive(Debug, Clone)]
pub struct NewProject {
    /// 项目编号.
    pub code: String,
    /// Title.
    pub title: String,
    /// The direction it was approved under (from `GET /api/v1/guides/{id}`).
    pub direction_id: i64,
    /// 承担单位, by its registered name.
    pub lead_institution: String,
    /// 合作单位.
    pub partners: Vec<PartnerInput>,
    /// The PI's login e-mail (an account with the PI role).
    pub pi_email: String,
    /// Members' login e-mails.
    pub member_emails: Vec<String>,
    /// The officer in charge (项目主管): a commission staff member's login e-mail. Without one,
    /// officer reminders go to every staff member.
    pub officer_email: Option<String>,
    /// Awarded funding in 万元; not above the direction's cap.
    pub funding_wan_yuan: f64,
    /// The execution period; the direction's when absent.
    pub execution: Option<Period>,
    /// Registered technology-contract number.
    pub contract_number: Option<String>,
    /// Recommendation-letter reference.
    pub recommendation_ref: Option<String>,
    /// Baselines of the direction's relative indicators, each whole; optional, as a baseline can
    /// also be recorded later, before the indicator's first evidence. A problem is named by its
    /// path, `baselines[0].baseline_unit`.
    pub baselines: Vec<BaselineInput>,
}

/// Resolves names and e-mails to ids; every unknown one is reported. Regions named for partners
/// are created when new, so call it inside the transaction that registers the project.
pub fn resolve(conn: &mut DbConnection, body: &NewProject, now: NaiveDateTime) -> Result<Registration, Failure> {
    let mut errors = Vec::new();
    let institution_id = |conn: &mut DbConnection, name: &str| institution::find_id_by_name(conn, name.trim());
    let lead = institution_id(conn, &body.lead_institution)?;
    if lead.is_none() {
        errors.push(FieldError { field: "lead_institution", message: "project.institution_unknown" });
    }
    let mut partners = Vec::new();
    for partner in &body.partners {
        match institution_id(conn, &partner.institution)? {
            Some(id) => {
                let region = match partner.region.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
                    Some(name) => Some(institution::ensure_region(conn, name, now)?),
                    None => None,
                };
                partners.push((id, region));
            }
            None => errors.push(FieldError { field: "partners", message: "project.institution_unknown" }),
        }
    }
    let pi = user::find_by_email(conn, &body.pi_email)?;
    if pi.is_none() {
        errors.push(FieldError { field: "pi_email", message: "project.pi_unknown" });
    }
    let mut member_ids = Vec::new();
    for email in &body.member_emails {
        match user::find_by_email(conn, email)? {
            Some(member) => member_ids.push(member.id),
            None => errors.push(FieldError { field: "member_emails", message: "project.member_unknown" }),
        }
    }
    let officer = match body.officer_email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        Some(email) => match user::find_by_email(conn, email)? {
            Some(officer) => Some(officer.id),
            None => {
                errors.push(FieldError { field: "officer_email", message: "project.officer_unknown" });
                None
            }
        },
        None => None,
    };
    if !body.funding_wan_yuan.is_finite() || body.funding_wan_yuan < 0.0 || body.funding_wan_yuan > 1e9 {
        errors.push(FieldError { field: "funding_wan_yuan", message: "project.funding_invalid" });
    }
    let registration = Registration {
        code: body.code.clone(),
        title: body.title.clone(),
        direction_id: body.direction_id,
        // An id no row has: the registration's own check then reports it as unknown.
        lead_institution_id: lead.unwrap_or(NO_ROW),
        partners,
        pi_user_id: pi.map_or(NO_ROW, |pi| pi.id),
        member_ids,
        officer_user_id: officer,
        funding_yuan: if body.funding_wan_yuan.is_finite() {
            (body.funding_wan_yuan * 10_000.0).round() as i64
        } else {
            -1
        },
        execution: body.execution,
        contract_number: body.contract_number.clone(),
        recommendation_ref: body.recommendation_ref.clone(),
        baselines: Vec::new(),
    };
    // Baselines are checked against a direction that exists; an unknown one is reported below.
    let (baselines, item_errors) = match direction::find_period(conn, body.direction_id)? {
        Some(_) => checked_baselines(&guide::direction_templates(conn, body.direction_id)?, &body.baselines),
        None => (Vec::new(), Vec::new()),
    };
    let registration = Registration { baselines, ..registration };
    if errors.is_empty() && item_errors.is_empty() {
        return Ok(registration);
    }
    // The registration's own checks (code, title, direction, cap, period) still run, so that every
    // problem is reported at once rather than one round at a time.
    for error in registration_problems(conn, &registration, now)? {
        if !errors.contains(&error) {
            errors.push(error);
        }
    }
    if item_errors.is_empty() {
        Err(Failure::Refused(Refusal::Validation(errors)))
    } else {
        Err(Failure::Refused(Refusal::ItemValidation(errors, item_errors)))
    }
}

/// The list in [`NewProject`] its baselines are named under.
const BASELINES: &str = "baselines";

/// Checks the baselines given for a direction's `templates`: each names a relative indicator of the
/// direction once, and is a whole baseline by the rules every target is held to
/// ([`target_check::problems`]). Returns those that pass and the problems of the others.
fn checked_baselines(templates: &[StoredTemplate], given: &[BaselineInput]) -> (Vec<RecordedBaseline>, Vec<ItemError>) {
    let mut recorded = Vec::new();
    let mut errors = Vec::new();
    for (index, input) in given.iter().enumerate() {
        let problem = |field, message| ItemError { list: BASELINES, index, field, message };
        let template = templates.iter().find(|t| t.position == input.position);
        let position_problem = match template {
            None => Some("project.baseline_position_unknown"),
            Some(_) if given[..index].iter().any(|earlier| earlier.position == input.position) => {
                Some("project.baseline_position_repeated")
            }
            Some(t) if t.indicator.change.is_none() => Some("project.baseline_not_relative"),
            Some(_) => None,
        };
        let Some(template) = template.filter(|_| position_problem.is_none()) else {
            errors.extend(position_problem.map(|message| problem("position", message)));
            continue;
        };
        let line = |text: &Option<String>| text.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned);
        let on = line(&input.baseline_on).map(|text| text.parse::<NaiveDate>());
        let target = Target {
            baseline: input.baseline,
            baseline_unit: line(&input.baseline_unit),
            baseline_on: on.and_then(Result::ok),
            baseline_source: line(&input.baseline_source),
            ..Target::from_indicator(&template.indicator)
        };
        let mut problems: Vec<ItemError> = target_check::problems(&template.indicator.metric, &target)
            .into_iter()
            .filter(|(field, _)| field.starts_with("baseline"))
            .map(|(field, message)| problem(field, message))
            .collect();
        if matches!(on, Some(Err(_))) {
            // A date that is not one is said as such, not as a missing date.
            problems.retain(|p| p.field != "baseline_on");
            problems.push(problem("baseline_on", "indicator.baseline_on_invalid"));
        }
        if target.baseline.is_none() && problems.is_empty() {
            // An item that gives nothing is no baseline at all.
            problems.push(problem("baseline", "indicator.baseline_value_missing"));
        }
        match (target.baseline, target.baseline_unit, target.baseline_on, target.baseline_source) {
            (Some(value), Some(unit), Some(on), Some(source)) if problems.is_empty() => {
                recorded.push(RecordedBaseline { position: input.position, value, unit, on, source });
            }
            _ => errors.append(&mut problems),
        }
    }
    (recorded, errors)
}

/// Ids start at 1 on both backends.
const NO_ROW: i64 = -1;

/// How a trial registration ended.
enum Trial {
    Refused(Failure),
    Passed,
}

impl From<diesel::result::Error> for Trial {
    fn from(error: diesel::result::Error) -> Self {
        Trial::Refused(Failure::from(error))
    }
}

/// What `project_registration::register` finds wrong with a registration, trying it in a transaction that is
/// always rolled back.
fn registration_problems(
    conn: &mut DbConnection,
    registration: &Registration,
    now: NaiveDateTime,
) -> Result<Vec<FieldError>, Failure> {
    use diesel::Connection;
    let trial = conn.transaction::<(), Trial, _>(|conn| {
        project_registration::register(conn, registration, None, now).map_err(Trial::Refused)?;
        Err(Trial::Passed)
    });
    match trial {
        Err(Trial::Refused(Failure::Refused(Refusal::Validation(fields)))) => Ok(fields),
        Err(Trial::Refused(Failure::Refused(Refusal::Conflict(message)))) => {
            Ok(vec![FieldError { field: "code", message }])
        }
        Err(Trial::Refused(error @ (Failure::Busy | Failure::Unavailable(_) | Failure::Internal(_)))) => Err(error),
        Ok(()) | Err(Trial::Passed | Trial::Refused(_)) => Ok(Vec::new()),
    }
}

/// Resolves and registers in one transaction, so that a refused registration leaves no region
/// behind; returns the project's id.
pub fn register(
    conn: &mut DbConnection,
    body: &NewProject,
    actor: Option<i64>,
    now: NaiveDateTime,
) -> Result<i64, Failure> {
    crate::db::write_transaction(conn, |conn| {
        let registration = resolve(conn, body, now)?;
        project_registration::register(conn, &registration, actor, now)
    })
}
