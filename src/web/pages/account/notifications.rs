//! The user's e-mail settings: the language their e-mails are written in and whether they receive
//! the weekly digest. Digests link here in their `List-Unsubscribe` header, so this is also where
//! a user turns them off.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::app::account;
use crate::i18n::Locale;
use crate::web::csrf::CsrfForm;
use crate::web::error::AppError;
use crate::web::identity::CurrentUser;
use crate::web::page::{FormErrors, PageCtx, render_with, see_other};
use crate::web::state::AppState;

#[derive(Template)]
#[template(path = "pages/account/notifications.html")]
struct NotificationsPage {
    ctx: PageCtx,
    locales: [&'static str; 2],
    /// The chosen language's tag (as submitted, when the form is shown again).
    locale: String,
    /// Whether the digest box is ticked.
    digest: bool,
    errors: FormErrors,
}

/// The settings form.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotificationsForm {
    #[serde(default)]
    locale: String,
    /// A checkbox: present when ticked.
    digest: Option<String>,
}

fn page(
    req: &HttpRequest,
    current: &CurrentUser,
    status: StatusCode,
    locale: String,
    digest: bool,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let page = NotificationsPage {
        ctx: PageCtx::new(req, Some(current)),
        locales: [Locale::ZhCn.tag(), Locale::En.tag()],
        locale,
        digest,
        errors,
    };
    render_with(status, &page)
}

/// `GET /account/notifications`.
pub async fn form(req: HttpRequest, current: CurrentUser) -> Result<HttpResponse, AppError> {
    // The account was loaded for this request, so it shows what is stored now.
    let (locale, digest) = (current.user.locale.clone(), !current.user.digest_opt_out);
    page(&req, &current, StatusCode::OK, locale, digest, FormErrors::default())
}

/// `POST /account/notifications`: saves both settings, with an audit row.
pub async fn save(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    CsrfForm(form): CsrfForm<NotificationsForm>,
) -> Result<HttpResponse, AppError> {
    let digest = form.digest.is_some();
    // Only the offered languages: a stored tag the mail templates do not know would fall back
    // silently, and the user would not learn why their e-mails stayed Chinese.
    let Some(locale) = Locale::from_tag(&form.locale) else {
        let errors = FormErrors(vec![crate::domain::refusal::FieldError {
            field: "locale",
            message: "notifications_page.locale_invalid",
        }]);
        return page(&req, &current, StatusCode::UNPROCESSABLE_ENTITY, form.locale, digest, errors);
    };
    let (now, user_id) = (state.clock.now(), current.user.id);
    state.db(move |conn| Ok(account::set_notifications(conn, user_id, locale, digest, now)?)).await?;
    Ok(see_other("/account/notifications?done=saved"))
}
