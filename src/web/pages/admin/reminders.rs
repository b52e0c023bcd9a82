//! The reminder rules: how many days before or after a date each reminder goes out. The
//! configuration file sets them; an administrator may override them here and return to the
//! configuration's later. Every change is audited.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::app::reminder_rules;
use crate::domain::refusal::FieldError;
use crate::domain::reminder::{MAX_OFFSET_DAYS, MAX_OFFSETS, RuleDays};
use crate::domain::role::Role;
use crate::web::csrf::{CsrfForm, CsrfOnly};
use crate::web::error::AppError;
use crate::web::identity::{CurrentUser, RoleCheck};
use crate::web::page::{FormErrors, PageCtx, render_with, see_other};
use crate::web::state::AppState;

#[derive(Template)]
#[template(path = "pages/admin/reminders.html")]
struct RemindersPage {
    ctx: PageCtx,
    groups: Vec<Group>,
    /// Whether the rules set here are in force rather than the configuration file's.
    overridden: bool,
    errors: FormErrors,
    /// The years the holiday calendar lacks.
    calendar_missing: Vec<i32>,
}

/// A set of related fields with one explanation (the overdue ladder has three).
struct Group {
    legend: &'static str,
    help: &'static str,
    fields: Vec<Field>,
}

/// One input of the form.
struct Field {
    /// The form field, also the name of the [`RuleDays`] member.
    name: &'static str,
    label: &'static str,
    /// What is in the box: the rules in force, or what was typed when the form is shown again.
    value: String,
    /// The configuration file's value, shown beside it so that the difference is visible.
    configured: String,
}

/// The rules form: every list as text, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesForm {
    #[serde(default)]
    upcoming: String,
    #[serde(default)]
    overdue_pi: String,
    #[serde(default)]
    overdue_research_office: String,
    #[serde(default)]
    overdue_officer: String,
    #[serde(default)]
    review_waiting: String,
    #[serde(default)]
    term: String,
    #[serde(default)]
    overdue_repeat: String,
    #[serde(default)]
    catch_up: String,
}

fn join(days: &[u32]) -> String {
    days.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")
}

impl RulesForm {
    fn from_days(days: &RuleDays) -> Self {
        Self {
            upcoming: join(&days.upcoming),
            overdue_pi: join(&days.overdue_pi),
            overdue_research_office: join(&days.overdue_research_office),
            overdue_officer: join(&days.overdue_officer),
            review_waiting: days.review_waiting.to_string(),
            term: join(&days.term),
            overdue_repeat: days.overdue_repeat.to_string(),
            catch_up: days.catch_up.to_string(),
        }
    }

    /// The days the form describes, or a message for every field that cannot be read.
    fn rule_days(&self) -> Result<RuleDays, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut list = |field: &'static str, text: &str| {
            parse_days(text).unwrap_or_else(|message| {
                errors.push(FieldError { field, message });
                Vec::new()
            })
        };
        let upcoming = list("upcoming", &self.upcoming);
        let overdue_pi = list("overdue_pi", &self.overdue_pi);
        let overdue_research_office = list("overdue_research_office", &self.overdue_research_office);
        let overdue_officer = list("overdue_officer", &self.overdue_officer);
        let term = list("term", &self.term);
        let mut one = |field: &'static str, text: &str, least: u32| {
            parse_one_day(text, least).unwrap_or_else(|message| {
                errors.push(FieldError { field, message });
                0
            })
        };
        let review_waiting = one("review_waiting", &self.review_waiting, 1);
        let overdue_repeat = one("overdue_repeat", &self.overdue_repeat, 0);
        let catch_up = one("catch_up", &self.catch_up, 1);
        if !errors.is_empty() {
            return Err(errors);
        }
        let days = RuleDays {
            upcoming,
            overdue_pi,
            overdue_research_office,
            overdue_officer,
            review_waiting,
            term,
            overdue_repeat,
            catch_up,
        };
        // The domain's check has the last word, so that a rule added there cannot be bypassed
        // here; its sentence is English, so the field gets a general one of ours.
        days.check().map_err(|bad| vec![FieldError { field: bad.field, message: "reminders_page.error.invalid" }])?;
        Ok(days)
    }
}

/// Chinese input methods type full-width digits unless switched; they mean the same numbers.
fn ascii_digits(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// Why a number did not read: digits too many for a number are out of range, anything else is
/// not a number (`otherwise`).
fn unreadable(text: &str, otherwise: &'static str) -> &'static str {
    if text.bytes().all(|b| b.is_ascii_digit()) { "reminders_page.error.out_of_range" } else { otherwise }
}

/// Reads a list of days as people type it: separated by commas (ASCII or full-width), the
/// enumeration comma 、, semicolons or spaces. Repeats are dropped; an empty list is allowed and
/// turns its reminder off. The error is the catalogue key of the message.
fn parse_days(text: &str) -> Result<Vec<u32>, &'static str> {
    let text = ascii_digits(text);
    let parts: Vec<&str> = text
        .split(|c: char| matches!(c, ',' | '，' | '、' | ';' | '；') || c.is_whitespace())
        .filter(|part| !part.is_empty())
        .collect();
    let mut days = Vec::with_capacity(parts.len());
    for part in &parts {
        let day = part.parse::<u32>().map_err(|_| unreadable(part, "reminders_page.error.not_a_number"))?;
        if !(1..=MAX_OFFSET_DAYS).contains(&day) {
            return Err("reminders_page.error.out_of_range");
        }
        if !days.contains(&day) {
            days.push(day);
        }
    }
    if parts.len() > MAX_OFFSETS {
        return Err("reminders_page.error.too_many");
    }
    Ok(days)
}

/// Reads one number of days, from `least` (0 where 0 turns something off) to a year.
fn parse_one_day(text: &str, least: u32) -> Result<u32, &'static str> {
    let text = ascii_digits(text.trim());
    let out_of_range =
        if least == 0 { "reminders_page.error.out_of_range_or_off" } else { "reminders_page.error.out_of_range" };
    if text.is_empty() {
        return Err(if least == 0 { out_of_range } else { "reminders_page.error.required" });
    }
    let day = text.parse::<u32>().map_err(|_| unreadable(&text, "reminders_page.error.not_one_number"))?;
    if !(least..=MAX_OFFSET_DAYS).contains(&day) {
        return Err(out_of_range);
    }
    Ok(day)
}

fn groups(form: &RulesForm, configured: &RuleDays) -> Vec<Group> {
    let field =
        |name, label, value: &str, configured: String| Field { name, label, value: value.to_owned(), configured };
    vec![
        Group {
            legend: "reminders_page.upcoming.legend",
            help: "reminders_page.upcoming.help",
            fields: vec![field(
                "upcoming",
                "reminders_page.upcoming.label",
                &form.upcoming,
                join(&configured.upcoming),
            )],
        },
        Group {
            legend: "reminders_page.overdue.legend",
            help: "reminders_page.overdue.help",
            fields: vec![
                field("overdue_pi", "reminders_page.overdue.pi", &form.overdue_pi, join(&configured.overdue_pi)),
                field(
                    "overdue_research_office",
                    "reminders_page.overdue.research_office",
                    &form.overdue_research_office,
                    join(&configured.overdue_research_office),
                ),
                field(
                    "overdue_officer",
                    "reminders_page.overdue.officer",
                    &form.overdue_officer,
                    join(&configured.overdue_officer),
                ),
                field(
                    "overdue_repeat",
                    "reminders_page.overdue.repeat",
                    &form.overdue_repeat,
                    configured.overdue_repeat.to_string(),
                ),
            ],
        },
        Group {
            legend: "reminders_page.review_waiting.legend",
            help: "reminders_page.review_waiting.help",
            fields: vec![field(
                "review_waiting",
                "reminders_page.review_waiting.label",
                &form.review_waiting,
                configured.review_waiting.to_string(),
            )],
        },
        Group {
            legend: "reminders_page.term.legend",
            help: "reminders_page.term.help",
            fields: vec![field("term", "reminders_page.term.label", &form.term, join(&configured.term))],
        },
        Group {
            legend: "reminders_page.catch_up.legend",
            help: "reminders_page.catch_up.help",
            fields: vec![field(
                "catch_up",
                "reminders_page.catch_up.label",
                &form.catch_up,
                configured.catch_up.to_string(),
            )],
        },
    ]
}

/// Renders the form; `form` is `None` to show the rules in force.
async fn page(
    req: &HttpRequest,
    state: &AppState,
    current: &CurrentUser,
    status: StatusCode,
    form: Option<RulesForm>,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let configured = state.config.reminders.rules.clone();
    let for_db = configured.clone();
    let (in_force, overridden) = state.db(move |conn| Ok(reminder_rules::in_force(conn, &for_db)?)).await?;
    let form = form.unwrap_or_else(|| RulesForm::from_days(&in_force));
    let calendar_missing = super::calendar::missing_years(state).await?;
    let page = RemindersPage {
        ctx: PageCtx::new(req, Some(current)),
        groups: groups(&form, &configured),
        overridden,
        errors,
        calendar_missing,
    };
    render_with(status, &page)
}

/// `GET /admin/reminders`.
pub async fn form(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
) -> Result<HttpResponse, AppError> {
    current.require(&[Role::Admin])?;
    page(&req, &state, &current, StatusCode::OK, None, FormErrors::default()).await
}

/// `POST /admin/reminders`: stores the rules, which the next sweep uses. Input that cannot be
/// read changes nothing and shows the form again with a message beside each bad field.
pub async fn save(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    CsrfForm(form): CsrfForm<RulesForm>,
) -> Result<HttpResponse, AppError> {
    current.require(&[Role::Admin])?;
    let days = match form.rule_days() {
        Ok(days) => days,
        Err(errors) => {
            return page(&req, &state, &current, StatusCode::UNPROCESSABLE_ENTITY, Some(form), FormErrors(errors))
                .await;
        }
    };
    let (now, actor, configured) = (state.clock.now(), current.user.id, state.config.reminders.rules.clone());
    state.db(move |conn| Ok(reminder_rules::save(conn, &days, &configured, actor, now)?)).await?;
    Ok(see_other("/admin/reminders?done=saved"))
}

/// `POST /admin/reminders/reset`: the configuration file's rules apply again. Nothing is written
/// when they already do.
pub async fn reset(
    state: web::Data<AppState>,
    current: CurrentUser,
    _: CsrfForm<CsrfOnly>,
) -> Result<HttpResponse, AppError> {
    current.require(&[Role::Admin])?;
    let (now, actor, configured) = (state.clock.now(), current.user.id, state.config.reminders.rules.clone());
    state.db(move |conn| Ok(reminder_rules::reset(conn, &configured, actor, now)?)).await?;
    Ok(see_other("/admin/reminders?done=reminder_rules_reset"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_read_as_people_type_them() {
        assert_eq!(parse_days("30, 7, 1"), Ok(vec![30, 7, 1]));
        assert_eq!(parse_days("30，7，1"), Ok(vec![30, 7, 1]));
        assert_eq!(parse_days(" 30、7 1 "), Ok(vec![30, 7, 1]));
        assert_eq!(parse_days("３０，７"), Ok(vec![30, 7]));
        assert_eq!(parse_days("7, 7, 1"), Ok(vec![7, 1]), "repeats are dropped");
        assert_eq!(parse_days(""), Ok(vec![]), "an empty list turns the reminder off");
        assert_eq!(parse_days(" , "), Ok(vec![]));
    }

    #[test]
    fn bad_days_name_their_problem() {
        assert_eq!(parse_days("30, seven"), Err("reminders_page.error.not_a_number"));
        assert_eq!(parse_days("-1"), Err("reminders_page.error.not_a_number"));
        assert_eq!(parse_days("1.5"), Err("reminders_page.error.not_a_number"));
        assert_eq!(parse_days("0"), Err("reminders_page.error.out_of_range"));
        assert_eq!(parse_days("367"), Err("reminders_page.error.out_of_range"));
        assert_eq!(parse_days("99999999999"), Err("reminders_page.error.out_of_range"));
        assert_eq!(parse_days("1,2,3,4,5,6,7,8,9,10"), Ok((1..=10).collect()));
        assert_eq!(parse_days("1,2,3,4,5,6,7,8,9,10,11"), Err("reminders_page.error.too_many"));
        assert_eq!(parse_one_day(" 7 ", 1), Ok(7));
        assert_eq!(parse_one_day("", 1), Err("reminders_page.error.required"));
        assert_eq!(parse_one_day("7, 14", 1), Err("reminders_page.error.not_one_number"));
        assert_eq!(parse_one_day("400", 1), Err("reminders_page.error.out_of_range"));
        assert_eq!(parse_one_day("0", 1), Err("reminders_page.error.out_of_range"));
        assert_eq!(parse_one_day("0", 0), Ok(0), "0 turns the repeat off");
        assert_eq!(parse_one_day("400", 0), Err("reminders_page.error.out_of_range_or_off"));
    }

    #[test]
    fn every_bad_field_gets_its_message() {
        let form = RulesForm {
            upcoming: "abc".into(),
            overdue_officer: "0".into(),
            review_waiting: "7".into(),
            ..RulesForm::from_days(&RuleDays::default())
        };
        let errors = form.rule_days().unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["upcoming", "overdue_officer"]);
    }

    #[test]
    fn the_form_shows_the_rules_it_reads_back() {
        let days = RuleDays { term: vec![], ..RuleDays::default() };
        let form = RulesForm::from_days(&days);
        assert_eq!(form.upcoming, "30, 7, 1");
        assert_eq!(form.term, "");
        assert_eq!(form.rule_days(), Ok(days));
    }
}
