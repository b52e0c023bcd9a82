//! Changes to a whole project that commission staff make, from its page or the API: assigning the
//! officer in charge (项目主管), freezing the baseline, and extending the execution period (延期).
//! The pages and the API check the staff role before they come here; each change is audited.

use chrono::{NaiveDate, NaiveDateTime};

use crate::db::DbConnection;
use crate::db::user::User;
use crate::db::{extension, indicator, project};
use crate::domain::refusal::{Failure, Refusal};

/// The project with this code, or not found.
fn project_id(conn: &mut DbConnection, code: &str) -> Result<i64, Failure> {
    Ok(project::find_by_code(conn, code)?.ok_or(Failure::Refused(Refusal::NotFound))?.id)
}

/// Assigns the officer in charge by login e-mail (active commission staff or an administrator), or
/// none when `email` is empty or absent, so that officer reminders go to every staff member.
pub fn set_officer(
    conn: &mut DbConnection,
    actor: &User,
    code: &str,
    email: Option<&str>,
    now: NaiveDateTime,
) -> Result<(), Failure> {
    let id = project_id(conn, code)?;
    project::set_officer(conn, id, email, Some(actor.id), now).map(|_| ())
}

/// Freezes the project's baseline: each indicator's current target becomes what acceptance compares
/// against, and later changes need a reason. A conflict when already frozen.
pub fn freeze_baseline(conn: &mut DbConnection, actor: &User, code: &str, now: NaiveDateTime) -> Result<(), Failure> {
    let id = project_id(conn, code)?;
    indicator::freeze_baseline(conn, id, Some(actor.id), now)
}

/// Extends an open project to a later end, re-planning every indicator's open checkpoints over the
/// longer period; the original end stays on record.
pub fn extend(
    conn: &mut DbConnection,
    actor: &User,
    code: &str,
    (new_end, reason): (NaiveDate, &str),
    now: NaiveDateTime,
    today: NaiveDate,
) -> Result<(), Failure> {
    let id = project_id(conn, code)?;
    extension::extend(conn, id, new_end, reason, Some(actor.id), now, today)
}
