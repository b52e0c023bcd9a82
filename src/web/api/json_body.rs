//! The JSON API's request bodies, read as bytes and parsed only after the handler has checked who
//! is asking. With `web::Json` the body is parsed by the extractor, before the handler runs, so a
//! caller without the right to the route was told what their body lacked instead of 403 or 404.

use std::marker::PhantomData;

use actix_web::http::header::CONTENT_TYPE;
use actix_web::web::Bytes;
use actix_web::{FromRequest, HttpRequest, dev::Payload};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;

use crate::web::error::AppError;

/// A JSON body not yet parsed; [`JsonBody::parse`] it once the caller is known to be allowed.
pub struct JsonBody<T> {
    bytes: Bytes,
    is_json: bool,
    of: PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned> JsonBody<T> {
    /// The body as `T`; 400 when it is not JSON, or not JSON of this shape (naming the field).
    pub fn parse(&self) -> Result<T, AppError> {
        if !self.is_json {
            return Err(AppError::BadRequest("error.bad_json"));
        }
        crate::web::body_fields::json(&self.bytes)
    }
}

impl<T> FromRequest for JsonBody<T> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_json = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"));
        // The size limit is the route's `PayloadConfig` (see `web::build_app`).
        let bytes = Bytes::from_request(req, payload);
        Box::pin(async move {
            let bytes = bytes.await.map_err(|_| AppError::BadRequest("error.too_large"))?;
            Ok(JsonBody { bytes, is_json, of: PhantomData })
        })
    }
}
