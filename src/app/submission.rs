//! Logging progress: a read evidence form turned into checked entries, and a submission stored
//! with its files, for a single indicator or as an annual progress report.
//!
//! Order matters for "nothing is ever lost" and "bad input changes nothing": rights are checked
//! before the body is read (see [`super::evidence::reportable`]); every value, date and file is
//! checked before anything is kept; files are moved into the store (fsynced) before the transaction
//! that names them commits, and that transaction secures them against `files gc` (see
//! `files::store`). The daily upload quota is checked while the files arrive and again under a lock
//! in that transaction, which is what makes it exact when one user uploads twice at once.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};

use super::evidence::Reportable;
use super::upload::{EvidenceForm, ReceivedFile, UploadFailure, quota, storage_error};
use crate::db::evidence::{self, FileUpload, SubmissionKind};
use crate::db::user::User;
use crate::db::{self as db, DbConnection};
use crate::domain::evidence::{Entry, Period, Problem, check};
use crate::domain::refusal::{FieldError, Refusal};
use crate::files::FileStore;
use crate::files::store::Kept;

/// A checked entry of a submission, waiting for its files.
pub use crate::db::evidence::NewEntry;
/// What a submission stored: its id and its evidence rows.
pub use crate::db::evidence::Submitted;

/// The longest note kept.
const MAX_NOTE_CHARS: usize = 5000;

/// Where a submission comes from: the client's address and the moment, for the audit log; "now"
/// also places the quota's 24 hours, and `today` bounds the measurement dates.
#[derive(Debug, Clone)]
pub struct Origin {
    /// The client's address.
    pub ip: Option<String>,
    /// The moment of the submission.
    pub now: NaiveDateTime,
    /// Today in the configured time zone.
    pub today: NaiveDate,
    /// The daily upload quota in bytes.
    pub daily_bytes: u64,
}

/// The execution period a measurement date must fall in.
fn period_of(reportable: &Reportable, today: NaiveDate) -> Period {
    Period { start: reportable.project.execution_start, end: reportable.project.execution_end, today }
}

/// Reads one entry's fields, named with `prefix` (empty for a single report, `<indicator id>.` in the
/// annual report): `value`, `done`, `measured_on`, `note`, `responds_to`.
fn entry_fields<'a>(form: &'a EvidenceForm, prefix: &str) -> (&'a str, bool, &'a str, &'a str, &'a str) {
    let get = |name: &str| form.text(&format!("{prefix}{name}"));
    let done = matches!(get("done"), "on" | "true" | "1");
    (get("value"), done, get("measured_on"), get("note"), get("responds_to"))
}

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
    let checked =
        check(&Entry { value, done, measured_on: date }, &reportable.indicator.target, period_of(reportable, today))
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

/// Checks a single report and stores it with every file of the form, for an indicator the user
/// may report on.
pub fn submit_single(
    conn: &mut DbConnection,
    store: &FileStore,
    user: &User,
    reportable: &Reportable,
    mut form: EvidenceForm,
    origin: Origin,
) -> Result<Submitted, UploadFailure> {
    let entry = checked_entry(&form, "", reportable, origin.today).map_err(Refusal::Validation)?;
    let (uploads, kept) =
        keep_all(store, std::mem::take(&mut form.files))?.into_iter().map(|k| (k.upload, k.kept)).unzip();
    let entry = NewEntry { files: uploads, ..entry };
    commit(conn, store, user, (reportable.project.id, SubmissionKind::Single, None), vec![entry], kept, origin)
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

/// Stores an annual report checked by [`check_annual`] with its files, each going with the
/// indicator its field names; a file for an indicator not reported is refused.
pub fn submit_annual(
    conn: &mut DbConnection,
    store: &FileStore,
    user: &User,
    (project_id, period_label): (i64, &str),
    mut entries: Vec<NewEntry>,
    mut form: EvidenceForm,
    origin: Origin,
) -> Result<Submitted, UploadFailure> {
    let reported: Vec<i64> = entries.iter().map(|e| e.indicator_id).collect();
    if let Some(stray) =
        form.files.iter().find(|f| indicator_of_field(&f.field).is_none_or(|id| !reported.contains(&id)))
    {
        return Err(Refusal::Unusable("evidence.error.file_without_value", vec![("name", stray.name.clone())]).into());
    }
    let mut by_indicator: HashMap<i64, Vec<FileUpload>> = HashMap::new();
    let mut kept = Vec::new();
    for file in keep_all(store, std::mem::take(&mut form.files))? {
        if let Some(id) = indicator_of_field(&file.field) {
            by_indicator.entry(id).or_default().push(file.upload);
        }
        kept.push(file.kept);
    }
    for entry in &mut entries {
        entry.files = by_indicator.remove(&entry.indicator_id).unwrap_or_default();
    }
    let label = Some(period_label.trim().to_owned()).filter(|l| !l.is_empty());
    commit(conn, store, user, (project_id, SubmissionKind::AnnualReport, label), entries, kept, origin)
}

/// A received file moved into the store, described for the database.
struct KeptFile {
    /// The form field it came in.
    field: String,
    /// Its row.
    upload: FileUpload,
    /// The content, to [`FileStore::secure`] in the transaction that commits the row.
    kept: Kept,
}

/// Moves every received file into the store (before any database row names them) and describes
/// them for the database.
fn keep_all(store: &FileStore, files: Vec<ReceivedFile>) -> Result<Vec<KeptFile>, UploadFailure> {
    files
        .into_iter()
        .map(|file| {
            let upload = FileUpload {
                sha256: file.received.sha256.clone(),
                size: i64::try_from(file.received.size).unwrap_or(i64::MAX),
                content_type: file.kind.content_type.to_owned(),
                original_name: file.name,
                kind: file.proof,
            };
            let kept = store.keep(file.received).map_err(storage_error)?;
            Ok(KeptFile { field: file.field, upload, kept })
        })
        .collect()
}

/// Commits a submission: under the uploader's quota lock, checks that its files still fit the
/// quota (another upload may have committed since they were read), writes the rows, then secures
/// each file in the store under its object's lock before the commit.
fn commit(
    conn: &mut DbConnection,
    store: &FileStore,
    user: &User,
    (project_id, kind, period_label): (i64, SubmissionKind, Option<String>),
    entries: Vec<NewEntry>,
    kept: Vec<Kept>,
    origin: Origin,
) -> Result<Submitted, UploadFailure> {
    let Origin { ip, now, daily_bytes, .. } = origin;
    db::write_transaction(conn, |conn| {
        evidence::hold_upload_quota(conn, user.id)?;
        let adding = entries.iter().flat_map(|e| &e.files).map(|f| u64::try_from(f.size).unwrap_or_default()).sum();
        quota(conn, user, now, daily_bytes)?.check(adding)?;
        let submitted =
            evidence::submit(conn, user, project_id, kind, period_label.as_deref(), &entries, (ip.as_deref(), now))?;
        for file in kept {
            evidence::hold_object(conn, file.sha256())?;
            store.secure(file).map_err(storage_error)?;
        }
        Ok(submitted)
    })
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
