//! `GET /`: the home page, different for each role.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::db::{portfolio, user};
use crate::domain::role::Role;
use crate::web::error::AppError;
use crate::web::identity::CurrentUser;
use crate::web::page::{PageCtx, render};
use crate::web::state::AppState;

/// What the home page shows.
#[derive(Debug)]
enum Content {
    /// Administrators: accounts and institutions.
    Admin { users: i64 },
    /// Commission staff: the portfolio.
    Staff { guides: i64, projects: i64 },
    /// PIs, members and experts: their projects.
    Own { projects: Vec<(String, String)> },
}

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
    let (role, user_id) = (current.user.role, current.user.id);
    let content = state
        .db(move |conn| {
            Ok(match role {
                Role::Admin => Content::Admin { users: user::count(conn)? },
                Role::Staff => {
                    let (guides, projects) = portfolio::count_all(conn)?;
                    Content::Staff { guides, projects }
                }
                Role::Pi | Role::Member | Role::Expert => {
                    Content::Own { projects: portfolio::list_own_projects(conn, user_id)? }
                }
            })
        })
        .await?;
    render(&HomePage { ctx: PageCtx::new(&req, Some(&current)), content })
}
