//! Protection against cross-site request forgery for the HTML forms (the API uses bearer tokens and
//! is not reachable with the browser's cookies).
//!
//! Every browser gets a random secret in an HttpOnly, SameSite=Strict cookie. The token every form
//! repeats in its hidden `csrf_token` field is a keyed hash of that secret and the browser's session
//! cookie, and [`CsrfForm`] refuses a request unless the field is the hash of the cookies it came
//! with. Another site can make the browser send the cookies but cannot read them, so it cannot fill
//! in the field.
//!
//! Binding the token to the session means that a token seen in one session (a page saved while
//! logged in as someone else, a token planted together with a cookie by a neighbouring host) is
//! worth nothing in another, and that logging in or out, which replaces the session cookie and the
//! secret both, retires every token shown before. Over https the secret's cookie is named
//! `__Host-coop_csrf`, which browsers accept only with `Secure`, `Path=/` and no `Domain`, so a
//! sibling subdomain cannot plant one; on plain http (a developer's loopback) that prefix would be
//! refused, so the cookie is `coop_csrf` there.

use std::future::Future;
use std::pin::Pin;

use actix_web::body::MessageBody;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, web};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::identity::SESSION_COOKIE;
use crate::auth::secret;
use crate::web::error::AppError;

/// The secret's cookie over plain http.
pub const CSRF_COOKIE: &str = "coop_csrf";
/// The secret's cookie over https (`secure_cookies`).
pub const SECURE_CSRF_COOKIE: &str = "__Host-coop_csrf";

/// The name of the secret's cookie: browsers refuse a `__Host-` cookie that is not `Secure`.
pub fn cookie_name(secure: bool) -> &'static str {
    if secure { SECURE_CSRF_COOKIE } else { CSRF_COOKIE }
}

/// The token forms carry for a browser holding `secret` and, when logged in, `session`.
pub fn form_token(secret: &str, session: Option<&str>) -> String {
    secret::mac(secret.as_bytes(), &format!("coop-csrf\n{}", session.unwrap_or_default()))
}

/// The token of the current request, for rendering into forms.
#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

/// A form with nothing but the token (logout, revoke buttons).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CsrfOnly {}

fn secure(req: &HttpRequest) -> bool {
    req.app_data::<web::Data<super::state::AppState>>().is_some_and(|s| s.config.secure_cookies)
}

fn secret_cookie(value: String, secure: bool) -> Cookie<'static> {
    Cookie::build(cookie_name(secure), value)
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Strict)
        .finish()
}

/// Makes sure the browser has a secret: reuses the cookie's, or issues one with the response.
pub async fn ensure_token(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if req.path().starts_with("/api/") {
        return next.call(req).await;
    }
    let secure = secure(req.request());
    let name = cookie_name(secure);
    let existing = req.cookie(name).map(|c| c.value().to_owned()).filter(|v| v.len() == 64);
    let secret = existing.clone().unwrap_or_else(secret::random_token);
    let session = req.cookie(SESSION_COOKIE).map(|c| c.value().to_owned());
    req.extensions_mut().insert(CsrfToken(form_token(&secret, session.as_deref())));
    let mut res = next.call(req).await?;
    // A handler that rotated the secret (login, logout) has set the cookie already.
    let rotated = res.response().cookies().any(|c| c.name() == name);
    if existing.is_none() && !rotated {
        res.response_mut().add_cookie(&secret_cookie(secret, secure))?;
    }
    Ok(res)
}

/// Gives the browser a new secret with `response`, so that no token shown before it is accepted
/// again: at login and at logout, when the session changes hands.
pub fn rotate(req: &HttpRequest, response: &mut HttpResponse) -> Result<(), AppError> {
    response.add_cookie(&secret_cookie(secret::random_token(), secure(req))).map_err(|e| AppError::Internal(e.into()))
}

/// The token for the current request (empty outside the middleware, which only tests would see).
pub fn token(req: &HttpRequest) -> String {
    req.extensions().get::<CsrfToken>().map(|t| t.0.clone()).unwrap_or_default()
}

/// Checks a submitted token against the browser's secret and session cookies.
pub fn verify(req: &HttpRequest, submitted: &str) -> Result<(), AppError> {
    let secret = req.cookie(cookie_name(secure(req))).ok_or(AppError::Csrf)?;
    let session = req.cookie(SESSION_COOKIE);
    let expected = form_token(secret.value(), session.as_ref().map(Cookie::value));
    if submitted.is_empty() || !secret::constant_time_eq(submitted, &expected) {
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
