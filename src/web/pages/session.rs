//! Logging in and out.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::Duration;
use serde::Deserialize;

use crate::auth::{password, secret};
use crate::db::session::{self, NewSession};
use crate::db::user::{self, normalize_email};
use crate::error::AppError;
use crate::web::csrf::{CsrfForm, CsrfOnly};
use crate::web::identity::{MaybeUser, SESSION_COOKIE, SESSION_MAX_DAYS, expired_session_cookie, session_cookie};
use crate::web::page::{PageCtx, local_path, render, render_with, see_other};
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
    let now = state.clock.now();
    let email = normalize_email(&form.email);
    let peer = req.peer_addr().map(|a| a.ip().to_string()).unwrap_or_default();
    let keys = [format!("email:{email}"), format!("ip:{peer}")];
    state.login_limiter.check(&keys, now).map_err(AppError::RateLimited)?;

    let token = secret::random_token();
    let token_hash = secret::hash(&token);
    // Kept for the user's own review of sessions; bounded so a client cannot bloat the table.
    let user_agent = req
        .headers()
        .get("user-agent")
        .and_then(|v| v.to_str().ok())
        .map(|ua| ua.chars().take(300).collect::<String>());
    let (lookup_email, password, ip) = (email.clone(), form.password, peer.clone());
    let logged_in = state
        .db(move |conn| {
            let found = user::find_by_email(conn, &lookup_email)?;
            let matches = password::verify(&password, found.as_ref().and_then(|u| u.password_hash.as_deref()));
            let Some(user) = found.filter(|u| matches && u.active) else {
                return Ok(None);
            };
            session::insert(
                conn,
                &NewSession {
                    token_hash: &token_hash,
                    user_id: user.id,
                    created_at: now,
                    last_seen_at: now,
                    expires_at: now + Duration::days(SESSION_MAX_DAYS),
                    ip: Some(&ip),
                    user_agent: user_agent.as_deref(),
                },
            )?;
            user::touch_login(conn, user.id, now)?;
            Ok(Some(user.id))
        })
        .await?;

    match logged_in {
        Some(user_id) => {
            state.login_limiter.succeed(&keys[0]);
            tracing::info!(user_id, "login");
            let mut response = see_other(local_path(form.next.as_deref()));
            response
                .add_cookie(&session_cookie(token, state.config.secure_cookies))
                .map_err(|e| AppError::Internal(e.into()))?;
            Ok(response)
        }
        None => {
            state.login_limiter.fail(&keys, now);
            tracing::info!(email, peer, "login failed");
            let next = local_path(form.next.as_deref());
            render_with(
                StatusCode::UNAUTHORIZED,
                &LoginPage { ctx: PageCtx::new(&req, None), email: &email, next, failed: true },
            )
        }
    }
}

/// `POST /logout`: ends the session on the server, not only in the browser.
pub async fn logout(
    req: HttpRequest,
    state: web::Data<AppState>,
    CsrfForm(_): CsrfForm<CsrfOnly>,
) -> Result<HttpResponse, AppError> {
    if let Some(cookie) = req.cookie(SESSION_COOKIE) {
        let token_hash = secret::hash(cookie.value());
        state.db(move |conn| Ok(session::delete_by_hash(conn, &token_hash)?)).await?;
    }
    let mut response = see_other("/login?done=logged_out");
    response
        .add_cookie(&expired_session_cookie(state.config.secure_cookies))
        .map_err(|e| AppError::Internal(e.into()))?;
    Ok(response)
}
