//! Call guides for commission staff: paste or upload a guide, review the parse beside the source
//! text (each indicator linked to the words it came from, doubtful ones highlighted), correct
//! indicators, save; list and show stored guides.

use std::collections::HashMap;

use crate::web::multipart_body::MultipartBody;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::app::guides::{self, GuideSummary, StoredGuide};
use crate::domain::guide::correction::{self, CorrectionError};
use crate::domain::guide::model::{Indicator, LOW_CONFIDENCE, Period, direction_name};
use crate::domain::guide::{self as parser, Guide, GuideError, Problem};
use crate::domain::refusal::Refusal;
use crate::domain::role::Role;
use crate::i18n::guide_warning::{self, WarningView};
use crate::i18n::{T, format};
use crate::web::csrf::CsrfForm;
use crate::web::error::AppError;
use crate::web::identity::{CurrentUser, RoleCheck};
use crate::web::page::{PageCtx, render, render_with, see_other};
use crate::web::route_table::Routes;
use crate::web::state::AppState;
use crate::web::upload::{self, MAX_GUIDE_BYTES};

/// Who works with guides.
const STAFF: &[Role] = &[Role::Admin, Role::Staff];

/// Registers the guide routes.
pub fn routes(r: &mut Routes<'_>) {
    r.get("/guides", list)
        .post_with("/guides", web::PayloadConfig::default().limit(MAX_GUIDE_BYTES + 64 * 1024), save)
        .get("/guides/new", new_form)
        .post("/guides/preview", preview)
        .get("/guides/{id}", show);
}

/// A piece of a direction's 考核指标 text: plain, or the source of some indicators.
#[derive(Debug)]
pub struct Segment {
    /// The words.
    pub text: String,
    /// Anchor id when indicators were read from it.
    pub anchor: Option<String>,
    /// Whether one of those indicators is a doubtful parse.
    pub low: bool,
}

/// One indicator as a table row, editable in the preview.
#[derive(Debug)]
pub struct Row {
    /// Form-field prefix, `i-<t>-<d>-<i>`.
    pub prefix: String,
    /// Anchor of its source segment; empty when the source was not found in the text.
    pub anchor: String,
    /// Field values as shown (submitted values after a failed correction).
    pub metric: String,
    /// Operator symbol.
    pub op: String,
    /// Target value.
    pub value: String,
    /// Range start.
    pub min: String,
    /// Range end.
    pub max: String,
    /// Unit.
    pub unit: String,
    /// `increase`, `decrease` or empty.
    pub change: String,
    /// Test condition.
    pub condition: String,
    /// Parser confidence, as a percentage.
    pub confidence: u32,
    /// Highlighted for review.
    pub low: bool,
    /// Errors of a failed correction: field and message key.
    pub errors: Vec<(&'static str, &'static str)>,
}

impl Row {
    /// The operators the correction form offers.
    pub fn ops(&self) -> [&'static str; 7] {
        OPS
    }

    /// The message for a field, if the correction of that field failed.
    pub fn error(&self, field: &str) -> Option<&'static str> {
        self.errors.iter().find(|(f, _)| *f == field).map(|(_, m)| *m)
    }
}

/// A direction as the pages show it.
#[derive(Debug)]
pub struct DirectionView {
    /// 专题1方向2.
    pub name: String,
    /// Title.
    pub title: String,
    /// 执行期限, formatted.
    pub execution: String,
    /// Funding cap in 万元, formatted.
    pub funding_cap: String,
    /// Most projects.
    pub max_projects: String,
    /// Recommendation letter annex.
    pub recommendation: String,
    /// The 考核指标 text in pieces.
    pub segments: Vec<Segment>,
    /// The indicators.
    pub rows: Vec<Row>,
}

/// A topic as the pages show it.
#[derive(Debug)]
pub struct TopicView {
    /// 专题N.
    pub number: String,
    /// Title.
    pub title: String,
    /// Directions.
    pub directions: Vec<DirectionView>,
}

fn number_text(value: Option<f64>) -> String {
    value
        .map(|v| if v.fract() == 0.0 && v.abs() < 1e15 { format!("{}", v as i64) } else { v.to_string() })
        .unwrap_or_default()
}

fn period_text(period: Option<Period>) -> String {
    period.map(|p| format!("{} – {}", p.start, p.end)).unwrap_or_default()
}

/// Splits the 考核指标 text into segments, marking where each indicator was read, and says which
/// anchor each indicator links to (several indicators read from the same words share one).
fn segments(text: &str, prefixes: &[(String, &Indicator)]) -> (Vec<Segment>, HashMap<String, String>) {
    let mut marks: Vec<(usize, usize, String, bool)> = Vec::new();
    let mut anchors = HashMap::new();
    for (prefix, indicator) in prefixes {
        if indicator.source.is_empty() {
            continue;
        }
        let low = indicator.confidence < LOW_CONFIDENCE;
        // Sources come in text order; the search starts where the previous one started.
        let from = marks.last().map_or(0, |m| m.0);
        let Some(found) = text.get(from..).and_then(|rest| rest.find(indicator.source.as_str())) else { continue };
        let (start, end) = (from + found, from + found + indicator.source.len());
        match marks.last_mut() {
            Some(last) if start < last.1 => {
                last.3 |= low;
                anchors.insert(prefix.clone(), last.2.clone());
            }
            _ => {
                let anchor = format!("src-{prefix}");
                anchors.insert(prefix.clone(), anchor.clone());
                marks.push((start, end, anchor, low));
            }
        }
    }
    let mut out = Vec::new();
    let mut at = 0;
    for (start, end, anchor, low) in marks {
        if start > at {
            out.push(Segment { text: text[at..start].to_owned(), anchor: None, low: false });
        }
        out.push(Segment { text: text[start..end].to_owned(), anchor: Some(anchor), low });
        at = end;
    }
    if at < text.len() {
        out.push(Segment { text: text[at..].to_owned(), anchor: None, low: false });
    }
    (out, anchors)
}

/// The view of one direction's indicators: the text in segments and a row per indicator.
fn direction_parts(
    text: &str,
    prefixes: &[(String, &Indicator)],
    form: &HashMap<String, String>,
    errors: &[CorrectionError],
) -> (Vec<Segment>, Vec<Row>) {
    let (segments, anchors) = segments(text, prefixes);
    let rows = prefixes
        .iter()
        .map(|(prefix, indicator)| {
            let mut row = row(prefix, indicator, form, errors);
            row.anchor = anchors.get(prefix).cloned().unwrap_or_default();
            row
        })
        .collect();
    (segments, rows)
}

/// What a direction view is built from, whether the guide was just parsed or is stored.
struct DirectionSource<'a> {
    name: String,
    title: &'a str,
    execution: Option<Period>,
    funding_cap_wan_yuan: Option<f64>,
    max_projects: Option<String>,
    recommendation: Option<&'a str>,
    indicators_text: &'a str,
    indicators: Vec<&'a Indicator>,
}

/// Builds one direction's view; `t` and `d` index the topic and direction for form-field names,
/// and `form` holds submitted values to show again after errors.
fn direction_view(
    tr: T,
    t: usize,
    d: usize,
    source: DirectionSource<'_>,
    form: &HashMap<String, String>,
    errors: &[CorrectionError],
) -> DirectionView {
    let prefixes: Vec<(String, &Indicator)> =
        source.indicators.iter().enumerate().map(|(i, indicator)| (format!("i-{t}-{d}-{i}"), *indicator)).collect();
    let (segments, rows) = direction_parts(source.indicators_text, &prefixes, form, errors);
    DirectionView {
        name: source.name,
        title: source.title.to_owned(),
        execution: period_text(source.execution),
        // A cap in 万元 written with at most two decimals is a whole number of yuan.
        funding_cap: source
            .funding_cap_wan_yuan
            .map(|wan| format::money_wan(tr, (wan * 10_000.0).round() as i64))
            .unwrap_or_default(),
        max_projects: source.max_projects.unwrap_or_default(),
        recommendation: source.recommendation.unwrap_or_default().to_owned(),
        segments,
        rows,
    }
}

/// Builds the view of a parsed guide.
fn views(tr: T, guide: &Guide, form: &HashMap<String, String>, errors: &[CorrectionError]) -> Vec<TopicView> {
    guide
        .topics
        .iter()
        .enumerate()
        .map(|(t, topic)| TopicView {
            number: topic.number.to_string(),
            title: topic.title.clone(),
            directions: topic
                .directions
                .iter()
                .enumerate()
                .map(|(d, direction)| {
                    let source = DirectionSource {
                        name: direction_name(topic.number, direction.number),
                        title: &direction.title,
                        execution: direction.execution,
                        funding_cap_wan_yuan: direction.funding_cap_wan_yuan,
                        max_projects: direction.max_projects.map(|n| n.to_string()),
                        recommendation: direction.recommendation_letter.as_deref(),
                        indicators_text: &direction.indicators_text,
                        indicators: direction.indicators.iter().collect(),
                    };
                    direction_view(tr, t, d, source, form, errors)
                })
                .collect(),
        })
        .collect()
}

/// The stored guide as the same views (read-only).
fn stored_views(tr: T, stored: &StoredGuide) -> Vec<TopicView> {
    stored
        .topics
        .iter()
        .enumerate()
        .map(|(t, topic)| TopicView {
            number: topic.number.to_string(),
            title: topic.title.clone(),
            directions: topic
                .directions
                .iter()
                .enumerate()
                .map(|(d, direction)| {
                    let row = &direction.row;
                    let source = DirectionSource {
                        name: direction_name(
                            u32::try_from(topic.number).unwrap_or(0),
                            row.number.and_then(|n| u32::try_from(n).ok()),
                        ),
                        title: &row.title,
                        execution: Some(Period { start: row.execution_start, end: row.execution_end }),
                        funding_cap_wan_yuan: row.funding_cap_yuan.map(|y| y as f64 / 10_000.0),
                        max_projects: row.max_projects.map(|n| n.to_string()),
                        recommendation: row.recommendation_letter.as_deref(),
                        indicators_text: &row.indicators_text,
                        indicators: direction.indicators.iter().map(|template| &template.indicator).collect(),
                    };
                    direction_view(tr, t, d, source, &HashMap::new(), &[])
                })
                .collect(),
        })
        .collect()
}

fn row(prefix: &str, indicator: &Indicator, form: &HashMap<String, String>, errors: &[CorrectionError]) -> Row {
    let shown = |field: &str, parsed: String| form.get(&format!("{prefix}-{field}")).cloned().unwrap_or(parsed);
    let own_errors = errors
        .iter()
        .filter_map(|e| {
            let field = e.field.strip_prefix(prefix)?.strip_prefix('-')?;
            correction::FIELDS.iter().find(|f| **f == field).map(|f| (*f, e.message))
        })
        .collect();
    Row {
        prefix: prefix.to_owned(),
        anchor: String::new(),
        metric: shown("metric", indicator.metric.clone()),
        op: shown("op", indicator.op.as_str().to_owned()),
        value: shown("value", number_text(indicator.value)),
        min: shown("min", number_text(indicator.min)),
        max: shown("max", number_text(indicator.max)),
        unit: shown("unit", indicator.unit.clone().unwrap_or_default()),
        change: shown("change", indicator.change.map(|c| c.as_str().to_owned()).unwrap_or_default()),
        condition: shown("condition", indicator.condition.clone().unwrap_or_default()),
        confidence: (indicator.confidence.clamp(0.0, 1.0) * 100.0).round() as u32,
        low: indicator.confidence < LOW_CONFIDENCE,
        errors: own_errors,
    }
}

#[derive(Template)]
#[template(path = "pages/guides/list.html")]
struct ListPage {
    ctx: PageCtx,
    guides: Vec<GuideSummary>,
}

#[derive(Template)]
#[template(path = "pages/guides/new.html")]
struct NewPage {
    ctx: PageCtx,
    text: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "pages/guides/preview.html")]
struct PreviewPage {
    ctx: PageCtx,
    /// The uploaded file's name, when the guide came as a file.
    file_name: Option<String>,
    doc_number: String,
    title: String,
    issued_on: String,
    window: String,
    source: String,
    topics: Vec<TopicView>,
    /// What the validation found, as the API and the command line word it.
    warnings: Vec<WarningView>,
    error: Option<String>,
    /// Whether the guide passes the validation (else saving is not offered).
    importable: bool,
}

#[derive(Template)]
#[template(path = "pages/guides/show.html")]
struct ShowPage {
    ctx: PageCtx,
    guide: GuideSummary,
    topics: Vec<TopicView>,
    regions: Vec<(String, String, String)>,
}

/// The operators offered in the correction form.
const OPS: [&str; 7] = [">=", ">", "<=", "<", "=", "between", "deliverable"];

/// `GET /guides`.
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
) -> Result<HttpResponse, AppError> {
    current.require(STAFF)?;
    let guides = state.db(|conn| Ok(guides::list(conn)?)).await?;
    render(&ListPage { ctx: PageCtx::new(&req, Some(&current)), guides })
}

/// `GET /guides/new`.
pub async fn new_form(req: HttpRequest, current: CurrentUser) -> Result<HttpResponse, AppError> {
    current.require(STAFF)?;
    render(&NewPage { ctx: PageCtx::new(&req, Some(&current)), text: String::new(), error: None })
}

fn preview_page(
    ctx: PageCtx,
    file_name: Option<String>,
    guide: &Guide,
    source: String,
    form: &HashMap<String, String>,
    errors: &[CorrectionError],
    error: Option<String>,
) -> PreviewPage {
    let warnings = guide_warning::views(ctx.t, &guide.warnings);
    PreviewPage {
        importable: guide.check_importable().is_ok(),
        file_name,
        doc_number: guide.doc_number.clone().unwrap_or_default(),
        title: guide.title.clone().unwrap_or_default(),
        issued_on: guide.issued_on.map(|d| d.to_string()).unwrap_or_default(),
        window: guide
            .application_window
            .map(|w| format!("{} – {}", ctx.time(&w.opens.naive_utc()), ctx.time(&w.closes.naive_utc())))
            .unwrap_or_default(),
        topics: views(ctx.t, guide, form, errors),
        source,
        warnings,
        error,
        ctx,
    }
}

/// `POST /guides/preview` (multipart: a file, or pasted text): the parse beside the text.
pub async fn preview(
    req: HttpRequest,
    current: CurrentUser,
    MultipartBody(payload): MultipartBody,
) -> Result<HttpResponse, AppError> {
    current.require(STAFF)?;
    let upload = upload::read(&req, payload, MAX_GUIDE_BYTES).await?;
    let ctx = PageCtx::new(&req, Some(&current));
    let bytes = match upload.file("file") {
        Some(file) => file.bytes.clone(),
        None => upload.fields.get("text").map(|t| t.as_bytes().to_vec()).unwrap_or_default(),
    };
    // With no topic there is nothing to preview; any other refusal is shown beside the parse,
    // worded as the import would word it.
    let parsed = parser::parse_bytes(&bytes).and_then(|guide| {
        match guide.warnings.iter().find(|w| w.problem == Problem::NoTopics) {
            Some(w) => Err(GuideError { line: w.line, problem: w.problem.clone() }),
            None => Ok(guide),
        }
    });
    match parsed {
        Ok(guide) => {
            let source = String::from_utf8_lossy(&bytes).into_owned();
            let refusal = guide.check_importable().err().map(|e| AppError::Refused(Refusal::Guide(e)).message(ctx.t));
            let status = if refusal.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
            render_with(
                status,
                &preview_page(
                    ctx,
                    upload.file("file").map(|f| f.file_name.clone()),
                    &guide,
                    source,
                    &HashMap::new(),
                    &[],
                    refusal,
                ),
            )
        }
        Err(error) => {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let error = Some(AppError::Refused(Refusal::Guide(error)).message(ctx.t));
            render_with(StatusCode::UNPROCESSABLE_ENTITY, &NewPage { ctx, text, error })
        }
    }
}

/// The save form: the source text and any corrections.
#[derive(Debug, Deserialize)]
#[serde(transparent)]
pub struct SaveForm(HashMap<String, String>);

/// `POST /guides`: parses the source again, applies the corrections and stores the guide.
pub async fn save(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    CsrfForm(SaveForm(form)): CsrfForm<SaveForm>,
) -> Result<HttpResponse, AppError> {
    current.require(STAFF)?;
    let source = form.get("source").cloned().unwrap_or_default();
    let mut guide = parser::parse(&source);
    let errors = correction::apply(&mut guide, &form);
    let ctx = PageCtx::new(&req, Some(&current));
    if !errors.is_empty() {
        let message = Some(ctx.t.get("guide.correction_failed").to_owned());
        return render_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            &preview_page(ctx, None, &guide, source, &form, &errors, message),
        );
    }
    if let Err(error) = guide.check_importable() {
        let message = Some(AppError::Refused(Refusal::Guide(error)).message(ctx.t));
        return render_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            &preview_page(ctx, None, &guide, source, &form, &[], message),
        );
    }
    let (now, actor) = (state.clock.now(), current.user.id);
    let to_store = guide.clone();
    let stored_source = source.clone();
    let result = state.db(move |conn| Ok(guides::import(conn, &to_store, &stored_source, actor, now)?)).await;
    match result {
        Ok(stored) => Ok(see_other(&format!("/guides/{}?done=saved", stored.id))),
        Err(refusal @ AppError::Refused(Refusal::ConflictWith(..))) => {
            let message = Some(refusal.message(ctx.t));
            render_with(StatusCode::CONFLICT, &preview_page(ctx, None, &guide, source, &form, &[], message))
        }
        Err(other) => Err(other),
    }
}

/// `GET /guides/{id}`.
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    current.require(STAFF)?;
    let id = id.into_inner();
    let (stored, regions) = state.db(move |conn| Ok(guides::show(conn, id)?)).await?;
    let ctx = PageCtx::new(&req, Some(&current));
    let topics = stored_views(ctx.t, &stored);
    render(&ShowPage { ctx, guide: stored.summary, topics, regions })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn indicator(source: &str, confidence: f64) -> Indicator {
        Indicator::deliverable("m".into(), source.into(), confidence)
    }

    #[test]
    fn segments_mark_each_source_once_and_keep_all_text() {
        let text = "建立平台1个，培养人才10名，形成报告。";
        let a = indicator("建立平台1个", 1.0);
        let b = indicator("培养人才10名", 0.5);
        let c = indicator("培养人才10名", 1.0);
        let (parts, anchors) =
            segments(text, &[("i-0-0-0".into(), &a), ("i-0-0-1".into(), &b), ("i-0-0-2".into(), &c)]);
        let joined: String = parts.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(joined, text);
        let marked: Vec<_> = parts.iter().filter(|s| s.anchor.is_some()).map(|s| (s.text.as_str(), s.low)).collect();
        assert_eq!(marked, [("建立平台1个", false), ("培养人才10名", true)]);
        assert_eq!(anchors["i-0-0-2"], "src-i-0-0-1", "a shared source links to the one segment");
    }
}
