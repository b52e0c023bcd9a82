//! The JSON API under `/api/v1`, authenticated with bearer tokens, described by an OpenAPI
//! document generated from the handlers themselves so that it cannot drift from them.

mod evidence;
mod guides;
mod indicators;
mod json_body;
mod me;
mod overdue;
mod project_changes;
mod projects;
mod reports;
mod roster;
mod schema;
mod tokens;
mod views;

use actix_web::http::Method;
use actix_web::{HttpResponse, web};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::error_page::{ErrorBody, ErrorDetail, FieldMessage, RowMessage};
use crate::web::route_table::Routes;

/// The API's OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(title = "coop-tracker API", description = "科技合作项目考核指标跟踪 / Tracking the assessment indicators of science-and-technology cooperation projects"),
    paths(me::show, tokens::list, tokens::create, tokens::revoke, guides::list, guides::show, guides::create,
        projects::create, projects::list, projects::show, projects::indicators, projects::change_state, roster::import, overdue::list,
        indicators::show, indicators::add, indicators::update, indicators::plan, indicators::set_proof, project_changes::freeze_baseline, project_changes::set_officer,
        project_changes::extend, evidence::submit, evidence::list, evidence::show, evidence::download, evidence::review,
        evidence::queue, evidence::history, reports::list, reports::create, reports::download),
    components(schemas(ErrorBody, ErrorDetail, FieldMessage, RowMessage, me::Me, tokens::TokenView,
        guides::NewGuide, guides::ImportedGuide, views::projects::NewProject, views::projects::PartnerInput, views::projects::BaselineInput, projects::StateChange, projects::StateChanged, roster::ImportedRoster, roster::RosterUpload,
        views::projects::ProjectReport, views::projects::IndicatorReport,
        views::overdue::OverduePage, views::overdue::OverdueItem,
        views::indicators::IndicatorDetail, views::indicators::Revision, views::indicators::TargetChanges,
        indicators::NewPlan, indicators::ManualCheckpoint, indicators::ProfileName, indicators::ProofList,
        project_changes::Extension, project_changes::Officer,
        evidence::EvidenceUpload, views::evidence::Submitted, views::evidence::EvidenceView, views::evidence::FileView,
        views::evidence::ReviewView, views::evidence::Decision, evidence::ReviewRequest, evidence::Reviewed,
        evidence::ReviewQueue, views::evidence::QueueItem, evidence::AuditPage, evidence::AuditEntryView,
        reports::SubmittedReport, reports::ReportRequest, reports::GeneratedReport, views::reports::Snapshot)),
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

/// Registers the API's routes under `/api/v1`.
pub fn routes(r: &mut Routes<'_>) {
    r.scope("/api/v1", |r| {
        r.get("/openapi.json", openapi)
            .get("/me", me::show)
            .get("/tokens", tokens::list)
            .post("/tokens", tokens::create)
            .at(Method::DELETE, "/tokens/{id}", tokens::revoke)
            .get("/guides", guides::list)
            // A guide is larger than other bodies; its text is escaped inside the JSON.
            .post_with(
                "/guides",
                web::PayloadConfig::default().limit(2 * crate::web::upload::MAX_GUIDE_BYTES),
                guides::create,
            )
            .get("/guides/{id}", guides::show)
            .get("/projects", projects::list)
            .post("/projects", projects::create)
            .post("/projects/import", roster::import)
            .get("/projects/{code}", projects::show)
            .get("/projects/{code}/indicators", projects::indicators)
            .post("/projects/{code}/state", projects::change_state)
            .post("/projects/{code}/indicators", indicators::add)
            .post("/projects/{code}/baseline", project_changes::freeze_baseline)
            .at(Method::PUT, "/projects/{code}/officer", project_changes::set_officer)
            .post("/projects/{code}/extension", project_changes::extend)
            .get("/indicators/{id}", indicators::show)
            .at(Method::PATCH, "/indicators/{id}", indicators::update)
            .at(Method::PUT, "/indicators/{id}/plan", indicators::plan)
            .at(Method::PUT, "/indicators/{id}/proof", indicators::set_proof)
            .get("/overdue", overdue::list)
            .post("/indicators/{id}/evidence", evidence::submit)
            .get("/projects/{code}/evidence", evidence::list)
            .get("/projects/{code}/audit", evidence::history)
            .get("/evidence/{id}", evidence::show)
            .post("/evidence/{id}/review", evidence::review)
            .get("/evidence/{id}/files/{n}", evidence::download)
            .get("/review-queue", evidence::queue)
            .get("/projects/{code}/reports", reports::list)
            .post("/projects/{code}/reports", reports::create)
            .get("/reports/{id}/{format}", reports::download);
    });
}
