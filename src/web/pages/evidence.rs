//! Evidence pages: the progress form and evidence history on an indicator's page (the section and
//! the form's handler), one piece of evidence with its files, proof checklist and the
//! staff review form, and file downloads for logged-in users.

use std::collections::HashMap;

use crate::web::multipart_body::MultipartBody;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::app;
use crate::app::evaluation::IndicatorReport;
use crate::app::evidence::{EvidencePage, EvidenceView, Project};
use crate::domain::evidence::change_from_baseline;
use crate::domain::evidence_status::EvidenceStatus;
use crate::domain::guide::model::Op;
use crate::domain::proof::ProofKind;
use crate::domain::refusal::{FieldError, Refusal};
use crate::domain::target::Target;
use crate::i18n::reading::{baseline_text, reading_text};
use crate::i18n::{T, format};
use crate::web::error::AppError;
use crate::web::evidence::{quota, reportable, submit_single};
use crate::web::identity::CurrentUser;
use crate::web::page::{FormErrors, PageCtx, render_with, see_other};
use crate::web::pages::indicators;
use crate::web::route_table::Routes;
use crate::web::state::AppState;
use crate::web::{evidence_download, evidence_upload};

/// Registers the evidence routes (the review form's is in `review`).
pub fn routes(r: &mut Routes<'_>) {
    r.post("/indicators/{id}/evidence", submit).get("/evidence/{id}", show).get("/evidence/{id}/files/{n}", file);
}

/// The catalogue key naming an evidence status (or a review decision, which uses the same words).
/// Evidence still pending on a closed project (left by a close before closing settled it) will never
/// be reviewed, and says so.
pub fn status_key(status: EvidenceStatus, project_closed: bool) -> &'static str {
    match status {
        EvidenceStatus::Pending if project_closed => "evidence_page.status_unreviewed",
        EvidenceStatus::Pending => "evidence_page.status_pending",
        EvidenceStatus::Accepted => "evidence_page.status_accepted",
        EvidenceStatus::Rejected => "evidence_page.status_rejected",
        EvidenceStatus::NeedsMore => "evidence_page.status_needs_more",
        EvidenceStatus::Withdrawn => "evidence_page.status_withdrawn",
    }
}

/// A reported value as shown: with the unit, a range's both ends, "done" for a deliverable, and for
/// a target relative to a baseline the change against it, since that is what the target measures.
pub fn value_text(t: T, target: &Target, value: Option<f64>, value_max: Option<f64>, done: bool) -> String {
    if target.op == Op::Deliverable {
        return if done { t.get("evidence_page.done").to_owned() } else { "—".to_owned() };
    }
    value.map_or_else(|| "—".to_owned(), |value| reading_text(t, target, value, value_max))
}

/// A file size as people read it: bytes, KB or MB (1024-based, as the upload limit is).
fn file_size(bytes: i64) -> String {
    const KB: f64 = 1024.0;
    let bytes_f = bytes as f64;
    if bytes_f < KB {
        format!("{bytes} B")
    } else if bytes_f < KB * KB {
        format!("{} KB", format::number((bytes_f / KB * 10.0).round() / 10.0))
    } else {
        format!("{} MB", format::number((bytes_f / KB / KB * 10.0).round() / 10.0))
    }
}

/// The progress form as typed, with its problems, to show it again.
#[derive(Debug, Clone, Default)]
pub struct EntryForm {
    /// The text fields as typed.
    pub fields: HashMap<String, String>,
    /// Problems beside their fields.
    pub errors: FormErrors,
    /// A problem with the form as a whole (a file refused, say), in the page's language.
    pub message: Option<String>,
}

impl EntryForm {
    /// A field as typed, empty when absent.
    pub fn text(&self, name: &str) -> &str {
        self.fields.get(name).map_or("", String::as_str)
    }

    /// Whether the form was refused (its files then have to be chosen again).
    pub fn refused(&self) -> bool {
        self.errors.any() || self.message.is_some()
    }
}

/// What an indicator's page shows of its evidence: the history, and the progress form for those
/// who report on it.
#[derive(Debug, Clone)]
pub struct EvidenceSection {
    /// For values and labels.
    pub t: T,
    /// The indicator's target, to show values against it.
    pub target: Target,
    /// Its evidence, newest first.
    pub items: Vec<EvidenceView>,
    /// Whether the viewer may log progress (PI or member of an open project).
    pub contributes: bool,
    /// Whether the project is closed (its pending evidence is then never reviewed).
    pub closed: bool,
    /// The kinds of proof asked for: one file input each.
    pub proof: Vec<ProofKind>,
    /// The form as typed.
    pub entry: EntryForm,
    /// The earliest measurement date (execution start).
    pub start: NaiveDate,
    /// The latest measurement date.
    pub today: NaiveDate,
    /// The largest file accepted, in MB.
    pub max_mb: u64,
}

impl EvidenceSection {
    /// A piece of evidence's value as shown.
    pub fn value(&self, e: &EvidenceView) -> String {
        value_text(self.t, &self.target, e.value, e.value_max, e.done)
    }

    /// A status's (or decision's) name.
    pub fn status(&self, status: &EvidenceStatus) -> &'static str {
        self.t.get(status_key(*status, self.closed))
    }

    /// The label of a proof kind's file input.
    pub fn proof_label(&self, kind: &ProofKind) -> &'static str {
        self.t.get(kind.label_key())
    }

    /// Whether a value is asked for (anything but a deliverable).
    pub fn deliverable(&self) -> bool {
        self.target.op == Op::Deliverable
    }

    /// Whether evidence may be answered with new evidence (it was sent back).
    pub fn answerable(&self, e: &EvidenceView) -> bool {
        self.contributes && e.status.is_sent_back()
    }

    /// The size limit as the form states it.
    pub fn limit(&self) -> String {
        self.t.fmt("evidence_page.limit", &[("limit", &self.max_mb)])
    }

    /// The value field's label: "数值（吨）", in the unit the value is reported in, which for a
    /// relative target is its measured quantity's, never the target's %.
    pub fn value_label(&self) -> String {
        let label = self.t.get("evidence_page.value");
        match self.target.reported_unit() {
            Some(unit) => format!("{label} ({unit})"),
            None => label.to_owned(),
        }
    }

    /// For a relative target, its baseline as the form shows it beside the value: value, date and
    /// source; or that staff have yet to record it.
    pub fn baseline_note(&self) -> Option<String> {
        self.target.change?;
        if self.target.usable_baseline().is_none() {
            return Some(self.t.get("evidence.error.baseline_missing").to_owned());
        }
        let baseline = baseline_text(self.t, &self.target)?;
        Some(self.t.fmt("evidence_page.baseline", &[("baseline", &baseline)]))
    }

    /// The baseline the form's preview computes the change from (progressive enhancement); `None`
    /// unless the target is relative and has a usable baseline.
    pub fn preview_baseline(&self) -> Option<f64> {
        self.target.change.and(self.target.usable_baseline())
    }

    /// The change the typed value makes against the baseline, as the form previews it: "较基线 +12.0 %".
    pub fn preview(&self) -> String {
        let typed = self.entry.text("value");
        let reported = crate::domain::evidence::parse_value(typed, &self.target).ok();
        match reported.and_then(|r| change_from_baseline(&self.target, r.value)) {
            Some(change) => self.t.fmt("evidence_page.preview", &[("change", &format::change(change))]),
            None => String::new(),
        }
    }
}

/// The client address recorded in the audit log.
pub fn client_ip(req: &HttpRequest) -> Option<String> {
    req.peer_addr().map(|a| a.ip().to_string())
}

/// How a refused report shows on its form: field errors beside the fields (422), a refused file,
/// an unusable form or a conflict as one message with the error's own status; anything else is an
/// error page.
pub fn refused(error: AppError, t: T) -> Result<(StatusCode, Vec<FieldError>, Option<String>), AppError> {
    match error {
        AppError::Refused(Refusal::Validation(errors)) => Ok((StatusCode::UNPROCESSABLE_ENTITY, errors, None)),
        error @ (AppError::FileTooLarge(..)
        | AppError::FileType(..)
        | AppError::Inflated(..)
        | AppError::UploadQuota { .. }
        | AppError::Refused(Refusal::Unusable(..))
        | AppError::TooLarge
        | AppError::StorageFull
        | AppError::Refused(Refusal::Conflict(_))) => Ok((error.status_code(), Vec::new(), Some(error.message(t)))),
        other => Err(other),
    }
}

/// `POST /indicators/{id}/evidence`: logs progress with its files, then back to the indicator's page;
/// the page again with the problems (and the values as typed) when refused.
pub async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    id: web::Path<i64>,
    MultipartBody(payload): MultipartBody,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    // Rights first: a refused user's files are never read.
    let reportable = reportable(&state, &current.user, id).await?;
    let quota = quota(&state, &current.user).await?;
    let uploads = state.config.uploads;
    let (typed, result) = match evidence_upload::read(payload, Some(&req), &state.files(), uploads, quota).await {
        Ok(form) => {
            let typed = form.fields.clone();
            (typed, submit_single(&state, &current.user, &reportable, form, client_ip(&req)).await.map(|_| ()))
        }
        Err(error) => (HashMap::new(), Err(error)),
    };
    let Err(error) = result else { return Ok(see_other(&format!("/indicators/{id}?done=evidence_submitted"))) };
    let (status, errors, message) = refused(error, PageCtx::new(&req, Some(&current)).t)?;
    let entry = EntryForm { fields: typed, errors: FormErrors(errors), message };
    let shown = (status, None);
    indicators::show_page(&req, &state, &current, shown, id, (None, None), (Vec::new(), Vec::new()), entry).await
}

/// `GET /evidence/{id}/files/{n}`: the `n`th file, for those who may see the project.
pub async fn file(
    state: web::Data<AppState>,
    current: CurrentUser,
    path: web::Path<(i64, usize)>,
) -> Result<HttpResponse, AppError> {
    let (id, n) = path.into_inner();
    evidence_download::send(&state, &current.user, id, n).await
}

/// The review form, as submitted.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewForm {
    /// `accept`, `reject` or `more`.
    #[serde(default)]
    pub decision: String,
    /// The reason (required unless accepting).
    #[serde(default)]
    pub comment: String,
}

#[derive(Template)]
#[template(path = "pages/evidence/show.html")]
struct ShowPage {
    ctx: PageCtx,
    project: Project,
    evidence: EvidenceView,
    indicator: IndicatorReport,
    /// The indicator's other evidence, newest first.
    others: Vec<EvidenceView>,
    /// The checklist: each kind asked for, and whether a file of that kind is attached.
    checklist: Vec<(ProofKind, bool)>,
    /// The review form is shown (staff, pending, open project).
    reviewing: bool,
    /// For a reviewer, the next evidence waiting for review.
    next_pending: Option<i64>,
    form: ReviewForm,
    errors: FormErrors,
    message: Option<String>,
}

impl ShowPage {
    /// Whether a file is a picture the page shows as it is (a photo of a field trial, a scanned
    /// certificate), so that a reviewer need not download it to look.
    fn is_picture(&self, content_type: &str) -> bool {
        matches!(content_type, "image/png" | "image/jpeg" | "image/gif" | "image/webp")
    }

    fn value(&self, e: &EvidenceView) -> String {
        value_text(self.ctx.t, &self.indicator.target, e.value, e.value_max, e.done)
    }

    fn status(&self, status: &EvidenceStatus) -> &'static str {
        self.ctx.t.get(status_key(*status, self.project.state.is_closed()))
    }

    fn proof_label(&self, kind: &ProofKind) -> &'static str {
        self.ctx.t.get(kind.label_key())
    }

    fn target(&self) -> String {
        format::target(self.ctx.t, &self.indicator.target)
    }

    fn baseline(&self) -> Option<String> {
        baseline_text(self.ctx.t, &self.indicator.target)
    }

    fn verified(&self) -> String {
        let e = &self.indicator.evaluation;
        value_text(self.ctx.t, &self.indicator.target, e.measured, e.current_max, e.done)
    }

    fn indicator_status(&self) -> &'static str {
        self.ctx.t.get(self.indicator.evaluation.status.label_key())
    }

    fn size(&self, bytes: &i64) -> String {
        file_size(*bytes)
    }

    fn reused(&self, codes: &[String]) -> String {
        self.ctx.t.fmt("evidence_page.reused", &[("projects", &codes.join("、"))])
    }
}

/// Renders a piece of evidence; 404 when the viewer may not see its project.
pub async fn show_page(
    req: &HttpRequest,
    state: &AppState,
    current: &CurrentUser,
    (status, id): (StatusCode, i64),
    form: ReviewForm,
    (errors, message): (Vec<FieldError>, Option<String>),
) -> Result<HttpResponse, AppError> {
    let (user, today, tracking) = (current.user.clone(), state.today(), state.config.tracking);
    let EvidencePage { project, evidence, indicator, others, checklist, reviewing, next_pending } =
        state.db(move |conn| Ok(app::evidence::page(conn, &user, id, today, &tracking)?)).await?;
    let page = ShowPage {
        ctx: PageCtx::new(req, Some(current)),
        reviewing,
        next_pending,
        project,
        evidence,
        indicator,
        others,
        checklist,
        form,
        errors: FormErrors(errors),
        message,
    };
    render_with(status, &page)
}

/// `GET /evidence/{id}`.
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    show_page(&req, &state, &current, (StatusCode::OK, id.into_inner()), ReviewForm::default(), (Vec::new(), None))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::guide::Change;
    use crate::domain::target::{Aggregation, IndicatorClass};
    use crate::i18n::Locale;

    fn target(op: Op, unit: &str, change: Option<Change>, baseline: Option<f64>) -> Target {
        Target {
            op,
            value: Some(10.0),
            min: None,
            max: None,
            unit: Some(unit.to_owned()).filter(|u| !u.is_empty()),
            change,
            baseline,
            baseline_unit: change.map(|_| "吨".to_owned()),
            baseline_on: None,
            baseline_source: None,
            aggregation: Aggregation::Latest,
            weight: 1.0,
            class: IndicatorClass::Technical,
        }
    }

    #[test]
    fn values_show_their_unit_and_a_relative_targets_change() {
        let t = Locale::ZhCn.t();
        assert_eq!(value_text(t, &target(Op::Ge, "%", None, None), Some(96.5), None, false), "96.5 %");
        assert_eq!(value_text(t, &target(Op::Between, "", None, None), Some(2.0), Some(13.0), false), "2–13");
        // A relative target's evidence is the measured quantity in the baseline's unit, never the %.
        let relative = target(Op::Ge, "%", Some(Change::Increase), Some(200.0));
        assert_eq!(value_text(t, &relative, Some(230.0), None, false), "230 吨（较基线 +15.0 %）");
        let lower = target(Op::Ge, "%", Some(Change::Decrease), Some(200.0));
        assert_eq!(value_text(t, &lower, Some(180.0), None, false), "180 吨（较基线 -10.0 %）");
        assert_eq!(value_text(t, &target(Op::Deliverable, "", None, None), None, None, true), "已完成");
        assert_eq!(value_text(t, &target(Op::Ge, "%", None, None), None, None, false), "—");
    }

    #[test]
    fn file_sizes_are_readable() {
        assert_eq!(file_size(19), "19 B");
        assert_eq!(file_size(1536), "1.5 KB");
        assert_eq!(file_size(50 * 1024 * 1024), "50 MB");
    }
}
