//! Reading an evidence form (`multipart/form-data`): text fields, and files streamed straight into
//! the file store's incoming folder while they are hashed, so that a 50 MB upload never sits in
//! memory. Each file is checked (name, size, type by content, the uploader's daily quota) as it
//! arrives; a refused form leaves nothing behind, because received files remove themselves unless
//! they are kept.
//!
//! File fields are named `files` (any proof) or `files.<kind>` (a kind of proof from the checklist,
//! e.g. `files.test_report`); in the annual report, `files.<indicator id>` and
//! `files.<indicator id>.<kind>`.

use std::collections::HashMap;
use std::io;

use actix_multipart::Multipart;
use actix_web::{HttpRequest, web};
use futures_util::StreamExt;

use super::csrf;
use super::multipart_body::form_error;
use crate::config::UploadLimits;
use crate::domain::proof::ProofKind;
use crate::domain::refusal::Refusal;
use crate::files::FileStore;
use crate::files::kind::{self, BadName, FileKind, FileRefusal};
use crate::files::store::{Kept, ReceiveError, Received};
use crate::web::error::AppError;

/// Text fields may not be larger than this in all (notes are short; the rest are numbers and dates).
const TEXT_LIMIT: usize = 256 * 1024;

/// A received file, checked and waiting in the incoming folder.
#[derive(Debug)]
pub struct ReceivedFile {
    /// The form field it came in.
    pub field: String,
    /// The kind of proof named by the field, if any.
    pub proof: Option<ProofKind>,
    /// The name it was uploaded under, without invisible characters ([`kind::clean_name`]).
    pub name: String,
    /// Its type, recognised from the content.
    pub kind: FileKind,
    /// The content.
    pub received: Received,
}

/// A read evidence form.
#[derive(Debug, Default)]
pub struct EvidenceForm {
    /// Text fields (the last value wins).
    pub fields: HashMap<String, String>,
    /// Files in the order they came.
    pub files: Vec<ReceivedFile>,
}

impl EvidenceForm {
    /// A text field, empty when absent.
    pub fn text(&self, name: &str) -> &str {
        self.fields.get(name).map_or("", String::as_str)
    }
}

/// The part of a file field's name after `files`: none for `files`, the rest after the dot for
/// `files.<…>`; `Err` for a field that is not a file field.
fn file_field_suffix(field: &str) -> Result<Option<&str>, ()> {
    match field.strip_prefix("files") {
        Some("") => Ok(None),
        Some(rest) => rest.strip_prefix('.').map(Some).ok_or(()),
        None => Err(()),
    }
}

/// The proof kind a field names (`files.test_report`, `files.12.photos`).
fn proof_of(field: &str) -> Option<ProofKind> {
    let suffix = file_field_suffix(field).ok()??;
    ProofKind::parse(suffix.rsplit('.').next().unwrap_or_default())
}

/// What a user has uploaded in the last 24 hours, against the daily quota.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    /// Bytes of evidence files attached in the last 24 hours.
    pub used: u64,
    /// The quota (`evidence.daily_upload_mb`).
    pub limit: u64,
    /// Seconds until the oldest of those uploads leaves the window; none when there are none.
    pub frees_in: Option<u64>,
}

impl Quota {
    /// The refusal of an upload that `more` bytes would take past the quota.
    pub fn check(&self, more: u64) -> Result<(), AppError> {
        if self.used.saturating_add(more) <= self.limit {
            return Ok(());
        }
        Err(AppError::UploadQuota { used: self.used, limit: self.limit, retry_after: self.frees_in })
    }
}

/// Reads the form into `store`'s incoming folder within `limits` and what is left of the uploader's
/// `quota`. For a browser form (`csrf_of` is the request) the CSRF token must come before any file,
/// so that a forged form stores nothing.
pub async fn read(
    mut payload: Multipart,
    csrf_of: Option<&HttpRequest>,
    store: &FileStore,
    limits: UploadLimits,
    quota: Quota,
) -> Result<EvidenceForm, AppError> {
    let mut form = EvidenceForm::default();
    let mut text_bytes = 0usize;
    let mut file_bytes = 0u64;
    let mut csrf_checked = csrf_of.is_none();
    while let Some(field) = payload.next().await {
        let mut field = field.map_err(form_error)?;
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.content_disposition().and_then(|d| d.get_filename()).map(str::to_owned);
        let Some(sent_name) = file_name else {
            let mut bytes = Vec::new();
            while let Some(chunk) = field.next().await {
                let chunk = chunk.map_err(form_error)?;
                text_bytes += chunk.len();
                if text_bytes > TEXT_LIMIT {
                    return Err(AppError::TooLarge);
                }
                bytes.extend_from_slice(&chunk);
            }
            let text = String::from_utf8(bytes).map_err(|_| AppError::BadRequest("error.bad_form"))?;
            if let (Some(req), "csrf_token") = (csrf_of, name.as_str()) {
                csrf::verify(req, &text)?;
                csrf_checked = true;
            }
            form.fields.insert(name, text);
            continue;
        };
        if !csrf_checked {
            return Err(AppError::Csrf);
        }
        if file_field_suffix(&name).is_err() {
            return Err(AppError::BadRequest("evidence.error.unknown_field"));
        }
        // A browser sends an empty part for a file input left empty.
        if sent_name.is_empty() {
            while let Some(chunk) = field.next().await {
                if !chunk.map_err(form_error)?.is_empty() {
                    return Err(refused_name(&sent_name, BadName::Empty));
                }
            }
            continue;
        }
        let file_name = kind::clean_name(&sent_name);
        kind::check_name(&file_name).map_err(|bad| refused_name(&file_name, bad))?;
        if form.files.len() >= limits.max_files {
            return Err(AppError::Refused(Refusal::Unusable(
                "evidence.error.too_many_files",
                vec![("max", limits.max_files.to_string())],
            )));
        }
        let mut incoming = store.receive(limits.max_file_bytes).map_err(storage_error)?;
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(form_error)?;
            file_bytes += chunk.len() as u64;
            quota.check(file_bytes)?;
            incoming.write(&chunk).map_err(|e| match e {
                ReceiveError::TooLarge(limit) => AppError::FileTooLarge(file_name.clone(), limit / (1024 * 1024)),
                ReceiveError::Io(e) => storage_error(e),
            })?;
        }
        if incoming.size() == 0 {
            return Err(AppError::FileType("evidence.error.empty_file", vec![("name", file_name)]));
        }
        // fsync and the look inside an Office document touch the disk: off the async workers.
        let checked_name = file_name.clone();
        let (received, kind) = web::block(move || -> Result<(Received, FileKind), AppError> {
            let received = incoming.finish().map_err(storage_error)?;
            let content = std::fs::File::open(received.path()).map_err(storage_error)?;
            let kind = kind::recognise(&checked_name, &received.head, io::BufReader::new(content))
                .map_err(|refusal| refused_type(&checked_name, refusal))?;
            Ok((received, kind))
        })
        .await??;
        form.files.push(ReceivedFile { proof: proof_of(&name), field: name, name: file_name, kind, received });
    }
    if !csrf_checked {
        return Err(AppError::Csrf);
    }
    Ok(form)
}

fn refused_name(name: &str, bad: BadName) -> AppError {
    let key = match bad {
        BadName::Empty => "evidence.error.name_empty",
        BadName::TooLong => "evidence.error.name_too_long",
        BadName::Path => "evidence.error.name_path",
        BadName::Control => "evidence.error.name_control",
    };
    // The name is shown back only without its control characters.
    let shown: String = name.chars().filter(|c| !c.is_control()).take(80).collect();
    AppError::Refused(Refusal::Unusable(key, vec![("name", shown)]))
}

fn refused_type(name: &str, refusal: FileRefusal) -> AppError {
    let name = name.to_owned();
    match refusal {
        FileRefusal::UnknownContent => AppError::FileType("evidence.error.file_type", vec![("name", name)]),
        FileRefusal::Extension { kind, extension } => {
            let mut args =
                vec![("name", name), ("content", kind.label.to_owned()), ("expected", kind.extension_list())];
            match extension {
                Some(extension) => {
                    args.push(("extension", extension));
                    AppError::FileType("evidence.error.file_mismatch", args)
                }
                None => AppError::FileType("evidence.error.file_no_extension", args),
            }
        }
        FileRefusal::Archive(refusal) => archive_refused(&name, &refusal),
    }
}

/// An archive refused by the zip guard (413), naming the file.
pub fn archive_refused(name: &str, excess: &crate::zip_guard::Excess) -> AppError {
    let mut args = vec![("name", name.to_owned())];
    args.extend(excess.args());
    AppError::Inflated(excess.message_key(), args)
}

/// A full disk is the operator's to fix and says so; anything else is internal.
pub fn storage_error(error: io::Error) -> AppError {
    if error.kind() == io::ErrorKind::StorageFull {
        AppError::StorageFull
    } else {
        AppError::Internal(anyhow::Error::new(error).context("cannot write an uploaded file"))
    }
}

/// A received file moved into the store, described for the database.
#[derive(Debug)]
pub struct KeptFile {
    /// The form field it came in.
    pub field: String,
    /// Its row.
    pub upload: crate::db::evidence::FileUpload,
    /// The content, to [`FileStore::secure`] in the transaction that commits the row.
    pub kept: Kept,
}

/// Moves every received file into the store (before any database row names them) and describes
/// them for the database; off the async workers, since each move is fsynced.
pub async fn keep_all(store: FileStore, files: Vec<ReceivedFile>) -> Result<Vec<KeptFile>, AppError> {
    web::block(move || {
        files
            .into_iter()
            .map(|file| {
                let upload = crate::db::evidence::FileUpload {
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
    })
    .await?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_fields_name_an_optional_kind_of_proof() {
        assert_eq!(file_field_suffix("files"), Ok(None));
        assert_eq!(file_field_suffix("files.test_report"), Ok(Some("test_report")));
        assert_eq!(file_field_suffix("filesx"), Err(()));
        assert_eq!(file_field_suffix("note"), Err(()));
        assert_eq!(proof_of("files.test_report"), Some(ProofKind::TestReport));
        assert_eq!(proof_of("files.12.photos"), Some(ProofKind::Photos));
        assert_eq!(proof_of("files.12"), None);
        assert_eq!(proof_of("files"), None);
    }
}
