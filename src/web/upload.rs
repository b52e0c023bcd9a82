//! Reading `multipart/form-data` (forms with files) within size limits, with the CSRF check that
//! URL-encoded forms get from `CsrfForm`.

use std::collections::HashMap;

use actix_multipart::Multipart;
use actix_web::HttpRequest;
use futures_util::StreamExt;

use super::csrf;
use super::multipart_body::form_error;
use crate::web::error::AppError;

/// The largest call guide accepted, as a file or pasted text.
pub const MAX_GUIDE_BYTES: usize = 4 * 1024 * 1024;

/// A file from the form.
#[derive(Debug)]
pub struct UploadedFile {
    /// The form field.
    pub field: String,
    /// The name on the user's machine; shown, never used as a path.
    pub file_name: String,
    /// The content.
    pub bytes: Vec<u8>,
}

/// A submitted multipart form.
#[derive(Debug, Default)]
pub struct Upload {
    /// Text fields (the last value wins).
    pub fields: HashMap<String, String>,
    /// Files, in order; empty file inputs are left out.
    pub files: Vec<UploadedFile>,
}

impl Upload {
    /// The first non-empty file of a field.
    pub fn file(&self, field: &str) -> Option<&UploadedFile> {
        self.files.iter().find(|f| f.field == field)
    }
}

/// Reads the whole form, refusing it with 413 once it passes `limit` bytes and with 403 when its
/// CSRF token does not match the browser's cookie. Nothing is kept of a refused form.
pub async fn read(req: &HttpRequest, payload: Multipart, limit: usize) -> Result<Upload, AppError> {
    let upload = read_unchecked(payload, limit).await?;
    csrf::verify(req, upload.fields.get("csrf_token").map_or("", String::as_str))?;
    Ok(upload)
}

/// Reads the whole form without a CSRF check: only for the API, whose bearer tokens a browser
/// never sends by itself.
pub async fn read_unchecked(mut payload: Multipart, limit: usize) -> Result<Upload, AppError> {
    let mut upload = Upload::default();
    let mut total = 0usize;
    while let Some(field) = payload.next().await {
        let mut field = field.map_err(form_error)?;
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.content_disposition().and_then(|d| d.get_filename()).map(str::to_owned);
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(form_error)?;
            total += chunk.len();
            if total > limit {
                return Err(AppError::TooLarge);
            }
            bytes.extend_from_slice(&chunk);
        }
        match file_name {
            Some(file_name) if !bytes.is_empty() => upload.files.push(UploadedFile { field: name, file_name, bytes }),
            Some(_) => {}
            None => {
                let text = String::from_utf8(bytes).map_err(|_| AppError::BadRequest("error.bad_form"))?;
                upload.fields.insert(name, text);
            }
        }
    }
    Ok(upload)
}
