//! Who is making the request: a browser session (cookie) on HTML pages, a bearer token on the API.
//!
//! The two are kept apart on purpose: the API never accepts the session cookie, so it needs no
//! CSRF protection, and a leaked token cannot drive the HTML forms.

use std::future::Future;
use std::pin::Pin;

use actix_web::cookie::{Cookie, SameSite, time};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use chrono::Duration;

use super::state::AppState;
use crate::app::account::User;
use crate::app::session;
use crate::domain::refusal::Refusal;
use crate::domain::role::Role;
use crate::web::error::AppError;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "coop_session";
/// A session ends after this long even when in use.
pub const SESSION_MAX_DAYS: i64 = 7;
/// HTML paths a user with a generated password may still reach.
const ALLOWED_BEFORE_PASSWORD_CHANGE: [&str; 2] = ["/account/password", "/logout"];

/// The logged-in user of an HTML request.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    /// The account.
    pub user: User,
    /// The session row, so that a password change can keep this one and end the others.
    pub session_id: i64,
}

/// The user behind an API bearer token.
#[derive(Debug, Clone)]
pub struct ApiUser(pub User);

/// The user of an HTML request if logged in; pages such as the login form use it.
#[derive(Debug, Clone)]
pub struct MaybeUser(pub Option<CurrentUser>);

/// Lets handlers demand a role.
pub trait RoleCheck {
    /// The account being checked.
    fn account(&self) -> &User;

    /// `Forbidden` unless the user has one of `roles`.
    fn require(&self, roles: &[Role]) -> Result<(), AppError> {
        if roles.contains(&self.account().role) { Ok(()) } else { Err(AppError::Refused(Refusal::Forbidden)) }
    }
}

impl RoleCheck for CurrentUser {
    fn account(&self) -> &User {
        &self.user
    }
}

impl RoleCheck for ApiUser {
    fn account(&self) -> &User {
        &self.0
    }
}

/// Builds the session cookie for a new session token.
pub fn session_cookie(token: String, secure: bool) -> Cookie<'static> {
    Cookie::build(SESSION_COOKIE, token)
        .path("/")
        .http_only(true)
        .secure(secure)
        // Lax, not Strict: a link in a reminder e-mail must arrive logged in. Forms carry a CSRF token.
        .same_site(SameSite::Lax)
        .max_age(time::Duration::days(SESSION_MAX_DAYS))
        .finish()
}

/// A cookie that deletes the session cookie.
pub fn expired_session_cookie(secure: bool) -> Cookie<'static> {
    let mut cookie = session_cookie(String::new(), secure);
    cookie.make_removal();
    cookie
}

/// Looks up the session of a request, without deciding what to do when there is none.
async fn load_session(req: &HttpRequest) -> Result<Option<CurrentUser>, AppError> {
    if let Some(found) = req.extensions().get::<CurrentUser>() {
        return Ok(Some(found.clone()));
    }
    let Some(cookie) = req.cookie(SESSION_COOKIE) else {
        return Ok(None);
    };
    let state = app_state(req)?;
    let token = cookie.value().to_owned();
    let now = state.clock.now();
    let idle_since = now - Duration::hours(state.config.session_idle_hours);
    let found = state.db(move |conn| Ok(session::resume(conn, &token, now, idle_since)?)).await?;
    let current = found.map(|(session_id, user)| CurrentUser { user, session_id });
    if let Some(current) = &current {
        // Kept for the error page, which shows the navigation of the logged-in user.
        req.extensions_mut().insert(current.clone());
    }
    Ok(current)
}

/// The state, which every app built by `build_app` has.
pub fn app_state(req: &HttpRequest) -> Result<web::Data<AppState>, AppError> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("AppState missing from the app")))
}

impl FromRequest for CurrentUser {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let current = load_session(&req).await?.ok_or(AppError::Unauthenticated)?;
            if current.user.must_change_password && !ALLOWED_BEFORE_PASSWORD_CHANGE.contains(&req.path()) {
                return Err(AppError::PasswordChangeRequired);
            }
            Ok(current)
        })
    }
}

impl FromRequest for MaybeUser {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { load_session(&req).await.map(MaybeUser) })
    }
}

impl FromRequest for ApiUser {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let header = req
                .headers()
                .get(actix_web::http::header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .ok_or(AppError::Unauthenticated)?;
            let token = header
                .strip_prefix("Bearer ")
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .ok_or(AppError::Unauthenticated)?;
            let token = token.to_owned();
            let state = app_state(&req)?;
            let now = state.clock.now();
            let user = state
                .db(move |conn| Ok(session::api_user(conn, &token, now)?))
                .await?
                .ok_or(AppError::Unauthenticated)?;
            Ok(ApiUser(user))
        })
    }
}
