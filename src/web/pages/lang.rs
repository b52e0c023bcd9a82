//! `GET /lang/{tag}?back=/path`: switches the interface language and returns to the page.

use actix_web::cookie::{Cookie, SameSite, time};
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::domain::refusal::Refusal;
use crate::i18n::Locale;
use crate::web::error::AppError;
use crate::web::page::{LANG_COOKIE, local_path, see_other};

/// Where to return to.
#[derive(Debug, Deserialize)]
pub struct Back {
    back: Option<String>,
}

/// Sets the language cookie. A GET is enough: the preference changes nothing on the server.
pub async fn switch(tag: web::Path<String>, query: web::Query<Back>) -> Result<HttpResponse, AppError> {
    let locale = Locale::from_tag(&tag).ok_or(AppError::Refused(Refusal::NotFound))?;
    let cookie = Cookie::build(LANG_COOKIE, locale.tag())
        .path("/")
        .same_site(SameSite::Lax)
        .max_age(time::Duration::days(365))
        .finish();
    let mut response = see_other(local_path(query.back.as_deref()));
    response.add_cookie(&cookie).map_err(|e| AppError::Internal(e.into()))?;
    Ok(response)
}
