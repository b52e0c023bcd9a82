//! `GET /`: the home page, different for each role.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::app::portfolio::{self, Home as Content};
use crate::web::error::AppError;
use crate::web::identity::CurrentUser;
use crate::web::page::{PageCtx, render};
use crate::web::state::AppState;

#[derive(Template)]
#[template(path = "pages/home.html")]
struct HomePage {
    ctx: PageCtx,
    content: Content,
}

/// Shows the home page of the logged-in user.
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
) -> Result<HttpResponse, AppError> {
    let user = current.user.clone();
    let content = state.db(move |conn| Ok(portfolio::home(conn, &user)?)).await?;
    render(&HomePage { ctx: PageCtx::new(&req, Some(&current)), content })
}
