//! Logging in and out.

use actix_web::cookie::{Cookie, SameSite, time};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::Duration;
use serde::Deserialize;

use crate::app::session::{self, Login, LoginInput};
use crate::web::csrf::{self, CsrfForm, CsrfOnly};
use crate::web::error::AppError;
use crate::web::identity::{MaybeUser, SESSION_COOKIE, SESSION_MAX_DAYS, expired_session_cookie, session_cookie};
use crate::web::page::{PageCtx, local_path, render, render_with, see_other};
use crate::web::rate_limit::{self, Attempt};
use crate::web::state::AppState;

#[derive(Template)]
#[template(path = "pages/login.html")]
struct LoginPage<'a> {
    ctx: PageCtx,
    email: &'a str,
    next: &'a str,
    failed: bool,
}

/// Query of the login page.
#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

/// The login form.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

/// `GET /login`; a logged-in user goes straight on.
pub async fn form(
    req: HttpRequest,
    current: MaybeUser,
    query: web::Query<LoginQuery>,
) -> Result<HttpResponse, AppError> {
    let next = local_path(query.next.as_deref());
    if current.0.is_some() {
        return Ok(see_other(next));
    }
    render(&LoginPage { ctx: PageCtx::new(&req, None), email: "", next, failed: false })
}

/// `POST /login`: checks the password, starts a fresh session (a new token every time, so a
/// planted cookie is worthless) and goes on to `next`.
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> Result<HttpResponse, AppError> {
    // Checked before anything is written: a bad target only changes where the user lands.
    let next = local_path(form.next.as_deref()).to_owned();
    let now = state.clock.now();
    let email = session::login_name(&form.email);
    let secure = state.config.secure_cookies;
    let peer = rate_limit::client_address(&req, &state.config.trusted_proxies);
    let device = req.cookie(rate_limit::device_cookie_name(secure)).map(|c| c.value().to_owned());
    let mut attempt = Attempt { address: peer.clone(), email: email.clone(), device: None };

    // Kept for the user's own review of sessions; bounded so a client cannot bloat the table.
    let user_agent = req
        .headers()
        .get("user-agent")
        .and_then(|v| v.to_str().ok())
        .map(|ua| ua.chars().take(300).collect::<String>());
    let limiter = state.login_limiter.clone();
    let (lookup_email, password, ip) = (email.clone(), form.password, peer.clone());
    let (outcome, attempt) = state
        .db(move |conn| {
            let input = LoginInput {
                email: &lookup_email,
                password: &password,
                ip: &ip,
                user_agent: user_agent.as_deref(),
                expires_at: now + Duration::days(SESSION_MAX_DAYS),
            };
            let outcome = session::login(conn, &input, now, |account| {
                attempt.device = account.and_then(|(id, hash)| {
                    device.as_deref().and_then(|cookie| rate_limit::trusted_device(cookie, id, hash))
                });
                // Before the password is looked at, so that a locked attempt learns nothing.
                limiter.check(&attempt, now).map_err(|seconds| AppError::RateLimited("login.locked", seconds))
            })?;
            Ok((outcome, attempt))
        })
        .await?;

    match outcome {
        Login::LoggedIn { user_id, token, password_hash } => {
            let device_cookie = rate_limit::device_cookie_value(user_id, &password_hash);
            state.login_limiter.succeed(&attempt);
            tracing::info!(user_id, "login");
            let mut response = see_other(&next);
            response.add_cookie(&session_cookie(token, secure)).map_err(|e| AppError::Internal(e.into()))?;
            response
                .add_cookie(&known_device_cookie(device_cookie, secure))
                .map_err(|e| AppError::Internal(e.into()))?;
            csrf::rotate(&req, &mut response)?;
            Ok(response)
        }
        Login::Failed => {
            state.login_limiter.fail(&attempt, now);
            tracing::info!(email, peer, "login failed");
            render_with(
                StatusCode::UNAUTHORIZED,
                &LoginPage { ctx: PageCtx::new(&req, None), email: &email, next: &next, failed: true },
            )
        }
    }
}

/// The cookie that makes this browser a known device of the account it logged in to (see
/// [`rate_limit`]).
pub fn known_device_cookie(value: String, secure: bool) -> Cookie<'static> {
    Cookie::build(rate_limit::device_cookie_name(secure), value)
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Strict)
        .max_age(time::Duration::days(rate_limit::DEVICE_DAYS))
        .finish()
}

/// `POST /logout`: ends the session on the server, not only in the browser.
pub async fn logout(
    req: HttpRequest,
    state: web::Data<AppState>,
    CsrfForm(_): CsrfForm<CsrfOnly>,
) -> Result<HttpResponse, AppError> {
    if let Some(cookie) = req.cookie(SESSION_COOKIE) {
        let token = cookie.value().to_owned();
        state.db(move |conn| Ok(session::logout(conn, &token)?)).await?;
    }
    let mut response = see_other("/login?done=logged_out");
    response
        .add_cookie(&expired_session_cookie(state.config.secure_cookies))
        .map_err(|e| AppError::Internal(e.into()))?;
    csrf::rotate(&req, &mut response)?;
    Ok(response)
}
