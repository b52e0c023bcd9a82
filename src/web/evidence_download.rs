//! Sending an evidence file: only to users who may see its project, as an attachment under the
//! name it was uploaded with, with the type recognised from its content, in chunks read off the
//! blocking pool so a large file never sits in memory.

use std::io::Read;

use actix_web::HttpResponse;
use actix_web::http::header;
use actix_web::web::{self, Bytes};
use futures_util::stream;

use super::download::disposition;
use super::state::AppState;
use crate::app;
use crate::app::User;
use crate::web::error::AppError;

/// Bytes read per chunk.
const CHUNK: usize = 256 * 1024;

/// `…/evidence/{id}/files/{n}`: 404 for evidence the user may not see and for a missing file.
pub async fn send(state: &AppState, user: &User, evidence_id: i64, n: usize) -> Result<HttpResponse, AppError> {
    let (user, store) = (user.clone(), state.files());
    let download = state.db(move |conn| Ok(app::evidence::open_file(conn, &store, &user, evidence_id, n)?)).await?;
    let chunks = stream::unfold(Some(download.file), |file| async move {
        let mut file = file?;
        let read = web::block(move || {
            let mut buffer = vec![0; CHUNK];
            let n = file.read(&mut buffer)?;
            buffer.truncate(n);
            Ok::<_, std::io::Error>((file, buffer))
        })
        .await;
        match read {
            Ok(Ok((_, buffer))) if buffer.is_empty() => None,
            Ok(Ok((file, buffer))) => Some((Ok::<_, actix_web::Error>(Bytes::from(buffer)), Some(file))),
            Ok(Err(e)) => Some((Err(actix_web::error::ErrorInternalServerError(e)), None)),
            Err(e) => Some((Err(actix_web::error::ErrorInternalServerError(e)), None)),
        }
    });
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, download.content_type.as_str()))
        .insert_header((header::CONTENT_LENGTH, download.size.to_string()))
        .insert_header(disposition(false, &download.name, &download.name))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CONTENT_SECURITY_POLICY, "sandbox; default-src 'none'"))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .streaming(chunks))
}
