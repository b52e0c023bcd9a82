//! Importing a roster's rows, as `roster` read them: each row is resolved and registered exactly as a
//! single registration is (`registration::register`, audited the same way), all rows in one transaction. Every row is
//! tried so that every problem is reported at once; unless all succeed (or when only checking),
//! the transaction is rolled back and nothing is stored.

use chrono::NaiveDateTime;

use super::DbConnection;
use super::direction::{self, DirectionChoice, Match};
use super::registration::{self, NewProject, PartnerInput};
use crate::domain::guide::model::Period;
use crate::domain::refusal::{Failure, FieldError, Refusal, RowError};
use crate::domain::roster::RosterRow;

/// What ends the transaction: a rollback carries what the caller should hear.
enum Stop {
    Checked(Vec<String>),
    Refused(Vec<RowError>),
    Failed(Failure),
}

impl From<diesel::result::Error> for Stop {
    fn from(error: diesel::result::Error) -> Self {
        Stop::Failed(Failure::from(error))
    }
}

/// Registers every row of the roster, or none. Returns the codes of the projects registered (with
/// `dry_run`, those that would be; nothing is kept). A roster with any problem, from the file
/// (`file_errors`, the rows that could not be read) or from the database, fails with
/// [`Failure::Refused(Refusal::Rows)`] listing them all in row order.
pub fn import(
    conn: &mut DbConnection,
    rows: &[RosterRow],
    file_errors: &[RowError],
    dry_run: bool,
    actor: Option<i64>,
    now: NaiveDateTime,
) -> Result<Vec<String>, Failure> {
    let outcome = super::write_transaction::<Vec<String>, Stop, _>(conn, |conn| {
        let choices = direction::list_choices(conn)?;
        let mut errors = file_errors.to_vec();
        let mut codes = Vec::new();
        for row in rows {
            match register_row(conn, &choices, row, actor, now) {
                Ok(()) => codes.push(row.code.clone()),
                Err(RowFailure::Rows(mut problems)) => errors.append(&mut problems),
                Err(RowFailure::Other(error)) => return Err(Stop::Failed(error)),
            }
        }
        if !errors.is_empty() {
            errors.sort_by_key(|e| e.row);
            return Err(Stop::Refused(errors));
        }
        if dry_run {
            return Err(Stop::Checked(codes));
        }
        Ok(codes)
    });
    match outcome {
        Ok(codes) | Err(Stop::Checked(codes)) => Ok(codes),
        Err(Stop::Refused(errors)) => Err(Failure::Refused(Refusal::Rows(errors))),
        Err(Stop::Failed(error)) => Err(error),
    }
}

enum RowFailure {
    Rows(Vec<RowError>),
    Other(Failure),
}

impl From<diesel::result::Error> for RowFailure {
    fn from(error: diesel::result::Error) -> Self {
        RowFailure::Other(Failure::from(error))
    }
}

fn register_row(
    conn: &mut DbConnection,
    choices: &[DirectionChoice],
    row: &RosterRow,
    actor: Option<i64>,
    now: NaiveDateTime,
) -> Result<(), RowFailure> {
    let problem = |field, message| RowFailure::Rows(vec![RowError::new(row.row, field, message)]);
    let direction_id = match direction::find_by_reference(choices, &row.direction) {
        Match::One(id) => id,
        Match::None => return Err(problem("direction", "roster.direction_unknown")),
        Match::Ambiguous => return Err(problem("direction", "roster.direction_ambiguous")),
    };
    let execution = match (row.execution_start, row.execution_end) {
        (None, None) => None,
        (start, end) => {
            // One end given: the other is the direction's.
            let default = choices
                .iter()
                .find(|c| c.id == direction_id)
                .map(|c| c.execution)
                .ok_or_else(|| problem("direction", "roster.direction_unknown"))?;
            Some(Period { start: start.unwrap_or(default.start), end: end.unwrap_or(default.end) })
        }
    };
    let body = NewProject {
        code: row.code.clone(),
        title: row.title.clone(),
        direction_id,
        lead_institution: row.lead_institution.clone(),
        partners: row
            .partners
            .iter()
            .map(|p| PartnerInput { institution: p.institution.clone(), region: p.region.clone() })
            .collect(),
        pi_email: row.pi_email.clone(),
        member_emails: row.member_emails.clone(),
        officer_email: row.officer_email.clone(),
        funding_wan_yuan: row.funding_wan_yuan,
        execution,
        contract_number: row.contract_number.clone(),
        recommendation_ref: row.recommendation_ref.clone(),
        // One row per project has no room for a baseline per relative indicator; they are recorded
        // on the indicator pages (or the API) before the first evidence.
        baselines: Vec::new(),
    };
    match registration::register(conn, &body, actor, now) {
        Ok(_) => Ok(()),
        Err(Failure::Refused(Refusal::Validation(fields))) => Err(RowFailure::Rows(
            fields.into_iter().map(|FieldError { field, message }| row_error(row.row, field, message)).collect(),
        )),
        Err(Failure::Refused(Refusal::Conflict(message))) => Err(problem("code", message)),
        Err(Failure::Refused(Refusal::Unusable(message, args))) => {
            Err(RowFailure::Rows(vec![RowError { row: row.row, field: "direction", message, args }]))
        }
        Err(other) => Err(RowFailure::Other(other)),
    }
}

/// A registration's field error as a roster cell's: the roster names the direction, not its id.
fn row_error(row: usize, field: &'static str, message: &'static str) -> RowError {
    let field = if field == "direction_id" { "direction" } else { field };
    RowError::new(row, field, message)
}
