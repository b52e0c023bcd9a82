//! The working-day calendar in force: the built-in and configured years, with the years
//! administrators entered on `/admin/calendar` (table `calendar_years`) in their place. Every sweep,
//! message and page that needs working days reads it here, so that all instances on one database
//! agree the moment an administrator saves a year.

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde_json::json;

use super::DbConnection;
use super::audit::{self, AuditEntry};
use super::schema::{calendar_years, projects};
use crate::domain::project_state::ProjectState;
use crate::domain::workdays::{BadDates, WorkCalendar, YearArrangement, lines};

/// A year an administrator entered.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct StoredYear {
    /// The year.
    pub year: i32,
    /// Holidays, one date or range per line.
    pub holidays: String,
    /// Make-up working days, one per line.
    pub workdays: String,
    /// The State Council notice the dates come from.
    pub source: String,
    /// When it was saved (UTC).
    pub updated_at: NaiveDateTime,
    /// Who saved it.
    pub updated_by: Option<i64>,
}

impl StoredYear {
    /// The arrangement the lines describe.
    pub fn arrangement(&self) -> YearArrangement {
        YearArrangement { holidays: lines(&self.holidays), workdays: lines(&self.workdays) }
    }
}

/// Every year administrators entered, in order.
pub fn list_years(conn: &mut DbConnection) -> QueryResult<Vec<StoredYear>> {
    calendar_years::table.order(calendar_years::year.asc()).load(conn)
}

/// The calendar in force: `configured` (built-in and configuration years) with the stored years in
/// their place. A stored year that no longer reads (it was checked when saved) is left out and
/// logged, rather than stopping every sweep.
pub fn in_force(conn: &mut DbConnection, configured: &WorkCalendar) -> QueryResult<WorkCalendar> {
    let mut calendar = configured.clone();
    for stored in list_years(conn)? {
        if let Err(error) = calendar.set_year(stored.year, &stored.arrangement()) {
            tracing::error!(year = stored.year, %error, "a stored holiday arrangement does not read; ignored");
        }
    }
    Ok(calendar)
}

/// The years from `today`'s to the end of the last open project's execution period (and at least
/// `ahead` days on) that `calendar` has no arrangement for: due dates, plans and reminders in them
/// count weekends only as days off.
pub fn missing_years(
    conn: &mut DbConnection,
    calendar: &WorkCalendar,
    today: NaiveDate,
    ahead: u32,
) -> QueryResult<Vec<i32>> {
    let closed: Vec<&str> = ProjectState::ALL.into_iter().filter(|s| s.is_closed()).map(ProjectState::as_str).collect();
    let last_end: Option<NaiveDate> = projects::table
        .filter(projects::state.ne_all(closed))
        .select(diesel::dsl::max(projects::execution_end))
        .first(conn)?;
    let horizon = today + chrono::Days::new(u64::from(ahead));
    let until = last_end.map_or(horizon.year(), |end| end.year().max(horizon.year()));
    Ok(calendar.missing_years(today.year(), until))
}

/// Saves a year's arrangement (replacing an earlier one of the same year) with its audit row, after
/// checking it; a refused arrangement changes nothing.
pub fn save_year(
    conn: &mut DbConnection,
    year: i32,
    arrangement: &YearArrangement,
    source: &str,
    actor: i64,
    now: NaiveDateTime,
) -> Result<Result<(), BadDates>, diesel::result::Error> {
    if let Err(bad) = arrangement.check(year) {
        return Ok(Err(bad));
    }
    super::write_transaction(conn, |conn| {
        let before = calendar_years::table.find(year).first::<StoredYear>(conn).optional()?;
        diesel::delete(calendar_years::table.find(year)).execute(conn)?;
        diesel::insert_into(calendar_years::table)
            .values((
                calendar_years::year.eq(year),
                calendar_years::holidays.eq(arrangement.holidays.join("\n")),
                calendar_years::workdays.eq(arrangement.workdays.join("\n")),
                calendar_years::source.eq(source),
                calendar_years::updated_at.eq(now),
                calendar_years::updated_by.eq(actor),
            ))
            .execute(conn)?;
        let detail = json!({
            "year": year,
            "before": before.map(|b| json!({ "holidays": lines(&b.holidays), "workdays": lines(&b.workdays), "source": b.source })),
            "after": { "holidays": arrangement.holidays, "workdays": arrangement.workdays, "source": source },
        });
        record(conn, actor, "work_calendar.save", detail, now)
    })?;
    Ok(Ok(()))
}

/// Removes an entered year, so that the built-in or configured arrangement (if any) applies again;
/// `false` when there was none.
pub fn delete_year(conn: &mut DbConnection, year: i32, actor: i64, now: NaiveDateTime) -> QueryResult<bool> {
    super::write_transaction(conn, |conn| {
        let Some(before) = calendar_years::table.find(year).first::<StoredYear>(conn).optional()? else {
            return Ok(false);
        };
        diesel::delete(calendar_years::table.find(year)).execute(conn)?;
        let detail = json!({
            "year": year,
            "before": { "holidays": lines(&before.holidays), "workdays": lines(&before.workdays), "source": before.source },
        });
        record(conn, actor, "work_calendar.delete", detail, now)?;
        Ok(true)
    })
}

fn record(
    conn: &mut DbConnection,
    actor: i64,
    action: &str,
    detail: serde_json::Value,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let entry = AuditEntry {
        actor: Some(actor),
        action,
        entity: "work_calendar",
        entity_id: None,
        project_id: None,
        detail,
        ip: None,
    };
    audit::record(conn, &entry, now)
}
