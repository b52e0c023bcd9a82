//! Logging progress, shared by the pages and the API: who may report on an indicator, turning a
//! read evidence form into checked entries, and storing them with their files.
//!
//! Order matters for "nothing is ever lost" and "bad input changes nothing": rights are checked
//! before the body is read; every value, date and file is checked before anything is kept; files
//! are moved into the store (fsynced) before the transaction that names them commits, and that
//! transaction secures them against `files gc` (see `files::store`). The daily upload quota is
//! checked while the files arrive and again under a lock in that transaction, which is what makes
//! it exact when one user uploads twice at once.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};

use super::evidence_upload::{EvidenceForm, Quota, keep_all, storage_error};
use super::state::AppState;
use crate::app;
use crate::app::evidence::Reportable;
use crate::db::DbConnection;
use crate::db::evidence::{self, FileUpload, NewEntry, SubmissionKind, Submitted};
use crate::db::project::Project;
use crate::db::user::User;
use crate::domain::evidence::{Entry, Period, Problem, check};
use crate::domain::refusal::{FieldError, Refusal};
use crate::files::store::Kept;
use crate::web::error::AppError;

/// Loads an indicator for reporting (see [`app::evidence::reportable`]).
pub async fn reportable(state: &AppState, user: &User, indicator_id: i64) -> Result<Reportable, AppError> {
    let user = user.clone();
    state.db(move |conn| Ok(app::evidence::reportable(conn, &user, indicator_id)?)).await
}

/// Every indicator of a project a user may report on (see [`app::evidence::reportable_project`]).
pub async fn reportable_project(state: &AppState, user: &User, code: String) -> Result<Vec<Reportable>, AppError> {
    let user = user.clone();
    state.db(move |conn| Ok(app::evidence::reportable_project(conn, &user, &code)?)).await
}

/// What a user has uploaded in the last 24 hours, against the daily quota.
pub async fn quota(state: &AppState, user: &User) -> Result<Quota, AppError> {
    let (user_id, now, limit) = (user.id, state.clock.now(), state.config.uploads.daily_bytes_per_user);
    state.db(move |conn| Ok(quota_in(conn, user_id, now, limit)?)).await
}

fn quota_in(conn: &mut DbConnection, user_id: i64, now: NaiveDateTime, limit: u64) -> diesel::QueryResult<Quota> {
    let window = chrono::Duration::hours(24);
    let (used, oldest) = evidence::uploaded_since(conn, user_id, now - window)?;
    Ok(Quota {
        used: u64::try_from(used).unwrap_or_default(),
        limit,
        frees_in: oldest.map(|at| u64::try_from((at + window - now).num_seconds()).unwrap_or_default().max(1)),
    })
}

/// The execution period a measurement date must fall in.
pub fn period_of(project: &Project, today: NaiveDate) -> Period {
    Period { start: project.execution_start, end: project.execution_end, today }
}

/// Reads one entry's fields, named with `prefix` (empty for a single report, `<indicator id>.` in the
/// annual report): `value`, `done`, `measured_on`, `note`, `responds_to`.
fn entry_fields<'a>(form: &'a EvidenceForm, prefix: &str) -> (&'a str, bool, &'a str, &'a str, &'a str) {
    let get = |name: &str| form.text(&format!("{prefix}{name}"));
    let done = matches!(get("done"), "on" | "true" | "1");
    (get("value"), done, get("measured_on"), get("note"), get("responds_to"))
}

/// The longest note kept.
const MAX_NOTE_CHARS: usize = 5000;

/// Checks one entry; the problems come back as field errors.
fn checked_entry(
    form: &EvidenceForm,
    prefix: &str,
    reportable: &Reportable,
    today: NaiveDate,
) -> Result<NewEntry, Vec<FieldError>> {
    let (value, done, measured_on, note, responds_to) = entry_fields(form, prefix);
    let date = measured_on.trim().parse::<NaiveDate>().ok();
    let mut errors = Vec::new();
    let checked = check(
        &Entry { value, done, measured_on: date },
        &reportable.indicator.target,
        period_of(&reportable.project, today),
    )
    .map_err(|problems| errors.extend(problems.into_iter().map(field_error)))
    .ok();
    if note.chars().count() > MAX_NOTE_CHARS {
        errors.push(FieldError { field: "note", message: "evidence.error.note_too_long" });
    } else if !crate::domain::text::is_paragraphs(note, MAX_NOTE_CHARS) {
        errors.push(FieldError { field: "note", message: "error.text_invalid" });
    }
    let responds_to = match responds_to.trim() {
        "" => None,
        text => match text.parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => {
                errors.push(FieldError { field: "responds_to", message: "evidence.error.responds_to" });
                None
            }
        },
    };
    match checked {
        Some(checked) if errors.is_empty() => Ok(NewEntry {
            indicator_id: reportable.indicator.id,
            checked,
            note: note.to_owned(),
            responds_to,
            files: Vec::new(),
        }),
        _ => Err(errors),
    }
}

fn field_error(problem: Problem) -> FieldError {
    FieldError { field: problem.field(), message: problem.message_key() }
}

/// Checks a single report and stores it with every file of the form.
pub async fn submit_single(
    state: &AppState,
    user: &User,
    reportable: &Reportable,
    mut form: EvidenceForm,
    ip: Option<String>,
) -> Result<Submitted, AppError> {
    let entry = checked_entry(&form, "", reportable, state.today()).map_err(Refusal::Validation)?;
    let files = std::mem::take(&mut form.files);
    let (uploads, kept) = keep_all(state.files(), files).await?.into_iter().map(|k| (k.upload, k.kept)).unzip();
    let entry = NewEntry { files: uploads, ..entry };
    store(state, user, (reportable.project.id, SubmissionKind::Single, None), vec![entry], kept, ip).await
}

/// One row's problems in the annual report: the indicator and its field errors.
pub type RowErrors = Vec<(i64, Vec<FieldError>)>;

/// Checks an annual progress report: every indicator with a value (or marked done) is an entry;
/// rows left blank are skipped, and a report with no entry at all is refused. Files named
/// `files.<indicator id>[.<kind>]` go with their indicator.
pub fn check_annual(
    form: &EvidenceForm,
    indicators: &[Reportable],
    today: NaiveDate,
) -> Result<Vec<NewEntry>, RowErrors> {
    let mut entries = Vec::new();
    let mut errors = Vec::new();
    for reportable in indicators {
        let prefix = format!("{}.", reportable.indicator.id);
        let (value, done, ..) = entry_fields(form, &prefix);
        if value.trim().is_empty() && !done {
            continue;
        }
        match checked_entry(form, &prefix, reportable, today) {
            Ok(entry) => entries.push(entry),
            Err(problems) => errors.push((reportable.indicator.id, problems)),
        }
    }
    if entries.is_empty() && errors.is_empty() {
        errors.push((0, vec![FieldError { field: "value", message: "evidence.error.empty" }]));
    }
    if errors.is_empty() { Ok(entries) } else { Err(errors) }
}

/// The indicator a file field of the annual report belongs to (`files.<id>` or `files.<id>.<kind>`).
fn indicator_of_field(field: &str) -> Option<i64> {
    field.strip_prefix("files.")?.split('.').next()?.parse().ok()
}

/// Stores a checked annual report with its files.
pub async fn submit_annual(
    state: &AppState,
    user: &User,
    project_id: i64,
    period_label: String,
    mut entries: Vec<NewEntry>,
    mut form: EvidenceForm,
    ip: Option<String>,
) -> Result<Submitted, AppError> {
    let reported: Vec<i64> = entries.iter().map(|e| e.indicator_id).collect();
    if let Some(stray) =
        form.files.iter().find(|f| indicator_of_field(&f.field).is_none_or(|id| !reported.contains(&id)))
    {
        return Err(AppError::Refused(Refusal::Unusable(
            "evidence.error.file_without_value",
            vec![("name", stray.name.clone())],
        )));
    }
    let files = std::mem::take(&mut form.files);
    let mut by_indicator: HashMap<i64, Vec<FileUpload>> = HashMap::new();
    let mut kept = Vec::new();
    for file in keep_all(state.files(), files).await? {
        if let Some(id) = indicator_of_field(&file.field) {
            by_indicator.entry(id).or_default().push(file.upload);
        }
        kept.push(file.kept);
    }
    for entry in &mut entries {
        entry.files = by_indicator.remove(&entry.indicator_id).unwrap_or_default();
    }
    let label = Some(period_label.trim().to_owned()).filter(|l| !l.is_empty());
    store(state, user, (project_id, SubmissionKind::AnnualReport, label), entries, kept, ip).await
}

/// Commits a submission: under the uploader's quota lock, checks that its files still fit the
/// quota (another upload may have committed since they were read), writes the rows, then secures
/// each file in the store under its object's lock before the commit.
async fn store(
    state: &AppState,
    user: &User,
    (project_id, kind, period_label): (i64, SubmissionKind, Option<String>),
    entries: Vec<NewEntry>,
    kept: Vec<Kept>,
    ip: Option<String>,
) -> Result<Submitted, AppError> {
    let (user, now, files) = (user.clone(), state.clock.now(), state.files());
    let limit = state.config.uploads.daily_bytes_per_user;
    state
        .db(move |conn| {
            crate::db::write_transaction(conn, |conn| {
                evidence::hold_upload_quota(conn, user.id)?;
                let adding =
                    entries.iter().flat_map(|e| &e.files).map(|f| u64::try_from(f.size).unwrap_or_default()).sum();
                quota_in(conn, user.id, now, limit)?.check(adding)?;
                let submitted = evidence::submit(
                    conn,
                    &user,
                    project_id,
                    kind,
                    period_label.as_deref(),
                    &entries,
                    (ip.as_deref(), now),
                )?;
                for file in kept {
                    evidence::hold_object(conn, file.sha256())?;
                    files.secure(file).map_err(storage_error)?;
                }
                Ok(submitted)
            })
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annual_file_fields_name_their_indicator() {
        assert_eq!(indicator_of_field("files.12"), Some(12));
        assert_eq!(indicator_of_field("files.12.photos"), Some(12));
        assert_eq!(indicator_of_field("files"), None);
        assert_eq!(indicator_of_field("files.photos"), None);
    }
}
