//! Protection against cross-site request forgery for the HTML forms (the API uses bearer tokens and
//! is not reachable with the browser's cookies).
//!
//! Every browser gets a random token in an HttpOnly, SameSite=Strict cookie; every form repeats it
//! in a hidden `csrf_token` field; a state-changing handler takes its form through [`CsrfForm`],
//! which refuses the request unless the two match. Another site can make the browser send the
//! cookie but cannot read it, so it cannot fill in the field.

use std::future::Future;
use std::pin::Pin;

use actix_web::body::MessageBody;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::auth::secret;
use crate::error::AppError;

/// The cookie that carries the token.
pub const CSRF_COOKIE: &str = "coop_csrf";

/// The token of the current request, for rendering into forms.
#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

/// A form with nothing but the token (logout, revoke buttons).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CsrfOnly {}

/// Makes sure the browser has a token: reuses the cookie's, or issues one with the response.
pub async fn ensure_token(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if req.path().starts_with("/api/") {
        return next.call(req).await;
    }
    let existing = req.cookie(CSRF_COOKIE).map(|c| c.value().to_owned()).filter(|v| v.len() == 64);
    let token = existing.clone().unwrap_or_else(secret::random_token);
    req.extensions_mut().insert(CsrfToken(token.clone()));
    let secure = req.app_data::<web::Data<super::state::AppState>>().is_some_and(|s| s.config.secure_cookies);
    let mut res = next.call(req).await?;
    if existing.is_none() {
        let cookie = Cookie::build(CSRF_COOKIE, token)
            .path("/")
            .http_only(true)
            .secure(secure)
            .same_site(SameSite::Strict)
            .finish();
        res.response_mut().add_cookie(&cookie)?;
    }
    Ok(res)
}

/// The token for the current request (empty outside the middleware, which only tests would see).
pub fn token(req: &HttpRequest) -> String {
    req.extensions().get::<CsrfToken>().map(|t| t.0.clone()).unwrap_or_default()
}

/// Checks a submitted token against the browser's cookie.
pub fn verify(req: &HttpRequest, submitted: &str) -> Result<(), AppError> {
    let cookie = req.cookie(CSRF_COOKIE).ok_or(AppError::Csrf)?;
    if submitted.is_empty() || !secret::constant_time_eq(submitted, cookie.value()) {
        return Err(AppError::Csrf);
    }
    Ok(())
}

/// A URL-encoded form whose CSRF token (the `csrf_token` field) matched the cookie; `T` is the
/// rest of the form, so form types declare only their own fields.
#[derive(Debug)]
pub struct CsrfForm<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for CsrfForm<T> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let is_form = req
            .headers()
            .get(actix_web::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/x-www-form-urlencoded"));
        // The size limit is the route's `PayloadConfig`.
        let body = web::Bytes::from_request(&req, payload);
        Box::pin(async move {
            let body = body.await.map_err(|_| AppError::BadRequest("error.bad_form"))?;
            // The token first: a forged request learns nothing from how its fields would be refused.
            let (tokens, fields): (Vec<_>, Vec<_>) =
                form_urlencoded::parse(&body).partition(|(name, _)| name == "csrf_token");
            verify(&req, tokens.first().map_or("", |(_, token)| token))?;
            if !is_form {
                return Err(AppError::BadRequest("error.bad_form"));
            }
            // Encoded again so that serde_urlencoded reads the rest as it reads any form (numbers from
            // text included); a form is at most 256 KB, so the extra pass costs little.
            let rest = form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
            Ok(CsrfForm(super::body_fields::form(rest.as_bytes())?))
        })
    }
}
