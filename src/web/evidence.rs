//! Logging progress, shared by the pages and the API: the use cases of `app::evidence`,
//! `app::upload` and `app::submission` run on the blocking pool with what a request brings (the
//! user, the clock, the client's address, the configured quota).

use super::state::AppState;
use crate::app;
use crate::app::User;
use crate::app::evidence::Reportable;
use crate::app::submission::{NewEntry, Origin, Submitted};
use crate::app::upload::{EvidenceForm, Quota};
use crate::web::error::AppError;

/// Loads an indicator for reporting (see [`app::evidence::reportable`]).
pub async fn reportable(state: &AppState, user: &User, indicator_id: i64) -> Result<Reportable, AppError> {
    let user = user.clone();
    state.db(move |conn| Ok(app::evidence::reportable(conn, &user, indicator_id)?)).await
}

/// Every indicator of a project a user may report on (see [`app::evidence::reportable_project`]).
pub async fn reportable_project(state: &AppState, user: &User, code: String) -> Result<Vec<Reportable>, AppError> {
    let user = user.clone();
    state.db(move |conn| Ok(app::evidence::reportable_project(conn, &user, &code)?)).await
}

/// What a user has uploaded in the last 24 hours, against the daily quota.
pub async fn quota(state: &AppState, user: &User) -> Result<Quota, AppError> {
    let (user, now, limit) = (user.clone(), state.clock.now(), state.config.uploads.daily_bytes_per_user);
    state.db(move |conn| Ok(app::upload::quota(conn, &user, now, limit)?)).await
}

/// Where a submission comes from, as the use cases record it.
fn origin(state: &AppState, ip: Option<String>) -> Origin {
    Origin { ip, now: state.clock.now(), today: state.today(), daily_bytes: state.config.uploads.daily_bytes_per_user }
}

/// Checks a single report and stores it with every file of the form.
pub async fn submit_single(
    state: &AppState,
    user: &User,
    reportable: &Reportable,
    form: EvidenceForm,
    ip: Option<String>,
) -> Result<Submitted, AppError> {
    let (user, reportable, store, origin) = (user.clone(), reportable.clone(), state.files(), origin(state, ip));
    state.db(move |conn| Ok(app::submission::submit_single(conn, &store, &user, &reportable, form, origin)?)).await
}

/// Stores an annual report checked by [`app::submission::check_annual`] with its files.
pub async fn submit_annual(
    state: &AppState,
    user: &User,
    project_id: i64,
    period_label: String,
    entries: Vec<NewEntry>,
    form: EvidenceForm,
    ip: Option<String>,
) -> Result<Submitted, AppError> {
    let (user, store, origin) = (user.clone(), state.files(), origin(state, ip));
    state
        .db(move |conn| {
            let project = (project_id, period_label.as_str());
            Ok(app::submission::submit_annual(conn, &store, &user, project, entries, form, origin)?)
        })
        .await
}
