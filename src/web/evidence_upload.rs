//! Reading an evidence form (`multipart/form-data`): text fields, and files streamed straight into
//! the file store's incoming folder while they are hashed, so that a 50 MB upload never sits in
//! memory. Each file is checked (name, size, type by content, the uploader's daily quota) as it
//! arrives; a refused form leaves nothing behind, because received files remove themselves unless
//! they are kept.
//!
//! File fields are named `files` (any proof) or `files.<kind>` (a kind of proof from the checklist,
//! e.g. `files.test_report`); in the annual report, `files.<indicator id>` and
//! `files.<indicator id>.<kind>`.

use actix_multipart::Multipart;
use actix_web::{HttpRequest, web};
use futures_util::StreamExt;

use super::csrf;
use super::multipart_body::form_error;
use crate::app::FileStore;
use crate::app::upload::{self, EvidenceForm, Quota, UploadFailure};
use crate::config::UploadLimits;
use crate::domain::proof::ProofKind;
use crate::domain::refusal::Refusal;
use crate::web::error::AppError;

/// Text fields may not be larger than this in all (notes are short; the rest are numbers and dates).
const TEXT_LIMIT: usize = 256 * 1024;

/// How a refused upload answers: the refusals of files with statuses of their own (413, 415, 429,
/// 507), anything else as every failure does.
impl From<UploadFailure> for AppError {
    fn from(failure: UploadFailure) -> Self {
        match failure {
            UploadFailure::Failed(failure) => failure.into(),
            UploadFailure::FileTooLarge(name, limit) => AppError::FileTooLarge(name, limit),
            UploadFailure::FileType(key, args) => AppError::FileType(key, args),
            UploadFailure::Inflated(key, args) => AppError::Inflated(key, args),
            UploadFailure::Quota { used, limit, retry_after } => AppError::UploadQuota { used, limit, retry_after },
            UploadFailure::StorageFull => AppError::StorageFull,
        }
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
                    // Content under an empty name: refused as the empty name it is.
                    upload::file_name(&sent_name)?;
                }
            }
            continue;
        }
        let file_name = upload::file_name(&sent_name)?;
        if form.files.len() >= limits.max_files {
            return Err(AppError::Refused(Refusal::Unusable(
                "evidence.error.too_many_files",
                vec![("max", limits.max_files.to_string())],
            )));
        }
        let mut incoming = upload::receive(store, file_name, limits.max_file_bytes)?;
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(form_error)?;
            file_bytes += chunk.len() as u64;
            quota.check(file_bytes)?;
            incoming.write(&chunk)?;
        }
        // fsync and the look inside an Office document touch the disk: off the async workers.
        let proof = proof_of(&name);
        form.files.push(web::block(move || incoming.finish(name, proof)).await??);
    }
    if !csrf_checked {
        return Err(AppError::Csrf);
    }
    Ok(form)
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
