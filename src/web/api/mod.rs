//! The JSON API under `/api/v1`, authenticated with bearer tokens, described by an OpenAPI
//! document generated from the handlers themselves so that it cannot drift from them.

mod evidence;
mod guides;
mod indicators;
mod me;
mod overdue;
mod project_changes;
mod projects;
mod reports;
mod roster;
mod tokens;

use actix_web::{HttpResponse, web};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::error_page::{ErrorBody, ErrorDetail, FieldMessage, RowMessage};

/// The API's OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(title = "coop-tracker API", description = "科技合作项目考核指标跟踪 / Tracking the assessment indicators of science-and-technology cooperation projects"),
    paths(me::show, tokens::list, tokens::create, tokens::revoke, guides::list, guides::show, guides::create,
        projects::create, projects::list, projects::show, projects::indicators, projects::change_state, roster::import, overdue::list,
        indicators::show, indicators::add, indicators::update, indicators::plan, indicators::set_proof, project_changes::freeze_baseline,
        project_changes::extend, evidence::submit, evidence::list, evidence::show, evidence::download, evidence::review,
        evidence::queue, evidence::history, reports::list, reports::create, reports::download),
    components(schemas(ErrorBody, ErrorDetail, FieldMessage, RowMessage, me::Me, tokens::TokenView, tokens::NewToken, tokens::CreatedToken,
        guides::NewGuide, guides::ImportedGuide, crate::db::registration::NewProject, crate::db::registration::PartnerInput, projects::StateChange, projects::StateChanged, roster::ImportedRoster, roster::RosterUpload,
        crate::report::project::ProjectReport, crate::report::project::IndicatorReport,
        crate::web::overdue_list::OverduePage, crate::web::overdue_list::OverdueItem,
        crate::web::indicator_detail::IndicatorDetail, crate::db::indicator::Revision, crate::web::indicator_input::TargetChanges,
        indicators::NewPlan, indicators::ManualCheckpoint, indicators::ProfileName, indicators::ProofList,
        project_changes::Extension,
        evidence::EvidenceUpload, crate::db::evidence::Submitted, crate::db::evidence::EvidenceView, crate::db::evidence::FileView,
        crate::db::evidence::ReviewView, crate::db::evidence::Decision, evidence::ReviewRequest, evidence::Reviewed,
        evidence::ReviewQueue, crate::db::evidence::QueueItem, evidence::AuditPage, evidence::AuditEntryView,
        reports::SubmittedReport, reports::ReportRequest, reports::GeneratedReport, crate::db::report::Snapshot)),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// `GET /api/v1/openapi.json`.
async fn openapi() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}

/// The `/api/v1` scope.
pub fn scope() -> actix_web::Scope {
    web::scope("/api/v1")
        .route("/openapi.json", web::get().to(openapi))
        .route("/me", web::get().to(me::show))
        .route("/tokens", web::get().to(tokens::list))
        .route("/tokens", web::post().to(tokens::create))
        .route("/tokens/{id}", web::delete().to(tokens::revoke))
        .route("/guides", web::get().to(guides::list))
        .service(
            web::resource("/guides")
                // A guide is larger than other bodies; its text is escaped inside the JSON.
                .app_data(
                    web::JsonConfig::default()
                        .limit(2 * crate::web::upload::MAX_GUIDE_BYTES)
                        .error_handler(|_, _| crate::error::AppError::BadRequest("error.bad_json").into()),
                )
                .route(web::post().to(guides::create)),
        )
        .route("/guides/{id}", web::get().to(guides::show))
        .route("/projects", web::get().to(projects::list))
        .route("/projects", web::post().to(projects::create))
        .route("/projects/import", web::post().to(roster::import))
        .route("/projects/{code}", web::get().to(projects::show))
        .route("/projects/{code}/indicators", web::get().to(projects::indicators))
        .route("/projects/{code}/state", web::post().to(projects::change_state))
        .route("/projects/{code}/indicators", web::post().to(indicators::add))
        .route("/projects/{code}/baseline", web::post().to(project_changes::freeze_baseline))
        .route("/projects/{code}/extension", web::post().to(project_changes::extend))
        .route("/indicators/{id}", web::get().to(indicators::show))
        .route("/indicators/{id}", web::patch().to(indicators::update))
        .route("/indicators/{id}/plan", web::put().to(indicators::plan))
        .route("/indicators/{id}/proof", web::put().to(indicators::set_proof))
        .route("/overdue", web::get().to(overdue::list))
        .route("/indicators/{id}/evidence", web::post().to(evidence::submit))
        .route("/projects/{code}/evidence", web::get().to(evidence::list))
        .route("/projects/{code}/audit", web::get().to(evidence::history))
        .route("/evidence/{id}", web::get().to(evidence::show))
        .route("/evidence/{id}/review", web::post().to(evidence::review))
        .route("/evidence/{id}/files/{n}", web::get().to(evidence::download))
        .route("/review-queue", web::get().to(evidence::queue))
        .route("/projects/{code}/reports", web::get().to(reports::list))
        .route("/projects/{code}/reports", web::post().to(reports::create))
        .route("/reports/{id}/{format}", web::get().to(reports::download))
}
