//! The holiday calendar (节假日安排): the years in force, where each comes from (built in, the
//! configuration file, or entered here), and a form to enter or correct a year from the State
//! Council's published notice. Nothing is ever guessed: a year nobody entered counts weekends only as
//! days off, and this page, `/admin/reminders`, the dashboard and the sweep say which years those are.
//! Every change is checked (make-up days on weekends, holidays with a weekday in them) and audited.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::app::calendar::{self, StoredYear};
use crate::domain::refusal::FieldError;
use crate::domain::role::Role;
use crate::domain::workdays::{self, BadDates, WorkCalendar, YearArrangement, lines};
use crate::web::csrf::{CsrfForm, CsrfOnly};
use crate::web::error::AppError;
use crate::web::identity::{CurrentUser, RoleCheck};
use crate::web::page::{FormErrors, PageCtx, render_with, see_other};
use crate::web::state::AppState;

#[derive(Template)]
#[template(path = "pages/admin/calendar.html")]
struct CalendarPage {
    ctx: PageCtx,
    years: Vec<YearRow>,
    /// Years from today to the end of the last open project that nobody has entered.
    missing: Vec<i32>,
    form: YearForm,
    /// The message about the dates, with the entry at fault, when the form is shown again.
    dates_error: Option<String>,
    errors: FormErrors,
}

/// One year as the page lists it.
struct YearRow {
    year: i32,
    /// Catalogue key of where it comes from.
    origin: &'static str,
    /// Dates and ranges as written (`2026-02-15..2026-02-23`); the page shows a range with a word.
    holidays: Vec<String>,
    workdays: Vec<String>,
    /// The notice, for a year entered here.
    source: Option<String>,
    /// Whether it was entered here (and so may be removed).
    entered: bool,
}

impl CalendarPage {
    /// A date or range as people read it: `2026-02-15 至 2026-02-23`.
    fn dates(&self, text: &str) -> String {
        text.replace("..", self.ctx.t.get("calendar_page.range_to"))
    }
}

/// The form: a year, its holidays and make-up days as typed, and the notice they come from.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YearForm {
    #[serde(default)]
    year: String,
    #[serde(default)]
    holidays: String,
    #[serde(default)]
    workdays: String,
    #[serde(default)]
    source: String,
}

/// The longest notice name kept.
const MAX_SOURCE_CHARS: usize = 200;

impl YearForm {
    /// The year and arrangement the form describes, or a message for every field that cannot be read.
    fn read(&self) -> Result<(i32, YearArrangement, String), Vec<FieldError>> {
        let mut errors = Vec::new();
        let year = self.year.trim().parse::<i32>().ok().filter(|y| (2000..=2100).contains(y));
        if year.is_none() {
            errors.push(FieldError { field: "year", message: "calendar_page.error.year" });
        }
        let source = self.source.trim().to_owned();
        if source.is_empty() || source.chars().count() > MAX_SOURCE_CHARS || source.chars().any(char::is_control) {
            errors.push(FieldError { field: "source", message: "calendar_page.error.source" });
        }
        let arrangement = YearArrangement { holidays: lines(&self.holidays), workdays: lines(&self.workdays) };
        if arrangement.holidays.is_empty() {
            errors.push(FieldError { field: "holidays", message: "calendar_page.error.no_holidays" });
        }
        match year {
            Some(year) if errors.is_empty() => Ok((year, arrangement, source)),
            _ => Err(errors),
        }
    }
}

/// The catalogue key of the message for dates that cannot be used, and the field at fault.
fn bad_dates_message(bad: &BadDates) -> (&'static str, &'static str) {
    match bad {
        BadDates::Unreadable(_) => ("holidays", "calendar_page.error.unreadable"),
        BadDates::OutsideYear(_) => ("holidays", "calendar_page.error.outside_year"),
        BadDates::HolidayOnWeekend(_) => ("holidays", "calendar_page.error.holiday_on_weekend"),
        BadDates::MakeUpOnWeekday(_) => ("workdays", "calendar_page.error.make_up_on_weekday"),
        BadDates::Both(_) => ("workdays", "calendar_page.error.both"),
    }
}

/// Every year in force, latest first: those entered here, then the configured and built-in ones.
fn rows(configured: &WorkCalendar, stored: &[StoredYear]) -> Vec<YearRow> {
    let built_in: BTreeMap<i32, YearArrangement> = workdays::published();
    let mut rows: BTreeMap<i32, YearRow> = BTreeMap::new();
    for (year, arrangement) in &built_in {
        rows.insert(*year, row(*year, "calendar_page.origin.built_in", arrangement, None));
    }
    // A configured year is known to the configured calendar but is not (or not only) built in.
    for year in configured.years().filter(|y| !built_in.contains_key(y)) {
        rows.insert(
            year,
            YearRow {
                year,
                origin: "calendar_page.origin.configuration",
                holidays: Vec::new(),
                workdays: Vec::new(),
                source: None,
                entered: false,
            },
        );
    }
    for s in stored {
        rows.insert(s.year, row(s.year, "calendar_page.origin.entered", &s.arrangement(), Some(s.source.clone())));
    }
    rows.into_values().rev().collect()
}

fn row(year: i32, origin: &'static str, arrangement: &YearArrangement, source: Option<String>) -> YearRow {
    YearRow {
        year,
        origin,
        holidays: arrangement.holidays.clone(),
        workdays: arrangement.workdays.clone(),
        entered: source.is_some(),
        source,
    }
}

/// The years the holiday calendar in force lacks, from today to the end of the last open project:
/// what this page, `/admin/reminders` and the administrators' dashboard warn of.
pub(crate) async fn missing_years(state: &AppState) -> Result<Vec<i32>, AppError> {
    let (configured, today) = (state.config.reminders.calendar.clone(), state.today());
    state.db(move |conn| Ok(calendar::missing_years(conn, &configured, today)?)).await
}

async fn page(
    req: &HttpRequest,
    state: &AppState,
    current: &CurrentUser,
    status: StatusCode,
    form: YearForm,
    (errors, dates_error): (Vec<FieldError>, Option<String>),
) -> Result<HttpResponse, AppError> {
    let stored = state.db(|conn| Ok(calendar::entered_years(conn)?)).await?;
    let missing = missing_years(state).await?;
    let years = rows(&state.config.reminders.calendar, &stored);
    let page = CalendarPage {
        ctx: PageCtx::new(req, Some(current)),
        years,
        missing,
        form,
        dates_error,
        errors: FormErrors(errors),
    };
    render_with(status, &page)
}

/// `GET /admin/calendar`.
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
) -> Result<HttpResponse, AppError> {
    current.require(&[Role::Admin])?;
    page(&req, &state, &current, StatusCode::OK, YearForm::default(), (Vec::new(), None)).await
}

/// `POST /admin/calendar`: enters (or replaces) a year. Anything that cannot be used changes nothing
/// and shows the form again with the message beside its field.
pub async fn save(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    CsrfForm(form): CsrfForm<YearForm>,
) -> Result<HttpResponse, AppError> {
    current.require(&[Role::Admin])?;
    let (year, arrangement, source) = match form.read() {
        Ok(read) => read,
        Err(errors) => {
            return page(&req, &state, &current, StatusCode::UNPROCESSABLE_ENTITY, form, (errors, None)).await;
        }
    };
    let (now, actor) = (state.clock.now(), current.user.id);
    let saved = state.db(move |conn| Ok(calendar::save_year(conn, year, &arrangement, &source, actor, now)?)).await?;
    match saved {
        Ok(()) => Ok(see_other("/admin/calendar?done=saved")),
        Err(bad) => {
            let (field, message) = bad_dates_message(&bad);
            let ctx = PageCtx::new(&req, Some(&current));
            let text = ctx.t.fmt(message, &[("entry", &bad.text())]);
            let errors = vec![FieldError { field, message }];
            page(&req, &state, &current, StatusCode::UNPROCESSABLE_ENTITY, form, (errors, Some(text))).await
        }
    }
}

/// `POST /admin/calendar/{year}/delete`: the year entered here is removed; the built-in or configured
/// arrangement of that year, if any, applies again. Nothing is written when it is not entered.
pub async fn delete(
    state: web::Data<AppState>,
    current: CurrentUser,
    year: web::Path<i32>,
    _: CsrfForm<CsrfOnly>,
) -> Result<HttpResponse, AppError> {
    current.require(&[Role::Admin])?;
    let (year, now, actor) = (year.into_inner(), state.clock.now(), current.user.id);
    // Removing a year that is not entered (already removed, say, in another tab) writes nothing.
    state.db(move |conn| Ok(calendar::delete_year(conn, year, actor, now)?)).await?;
    Ok(see_other("/admin/calendar?done=saved"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_names_every_field_it_cannot_read() {
        let form =
            YearForm { year: "明年".into(), holidays: String::new(), workdays: String::new(), source: " ".into() };
        let fields: Vec<_> = form.read().unwrap_err().iter().map(|e| e.field).collect();
        assert_eq!(fields, ["year", "source", "holidays"]);
        let form = YearForm {
            year: "2030".into(),
            holidays: "2030-01-01\n2030-02-04..2030-02-10，".into(),
            workdays: "2030-02-16".into(),
            source: "国办发明电〔2029〕1号".into(),
        };
        let (year, arrangement, _) = form.read().unwrap();
        assert_eq!(year, 2030);
        assert_eq!(arrangement.holidays, ["2030-01-01", "2030-02-04..2030-02-10"]);
    }

    #[test]
    fn every_year_built_in_is_listed_as_such() {
        let rows = rows(&WorkCalendar::china(), &[]);
        let years: Vec<i32> = rows.iter().map(|r| r.year).collect();
        assert_eq!(years, [2026, 2025, 2024]);
        assert!(rows.iter().all(|r| r.origin == "calendar_page.origin.built_in" && !r.entered));
    }
}
