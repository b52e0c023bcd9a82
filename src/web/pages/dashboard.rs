//! `GET /dashboard`: the commission's view of every overdue, missed and at-risk indicator across the
//! portfolio on a date: counts per status, filters, most days overdue first, a page at a time, and
//! the same list as a spreadsheet (`/dashboard/export.csv`, `/dashboard/export.xlsx`).

use std::sync::Arc;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;

use crate::app::overdue::{OverdueItem, all_items};
use crate::app::portfolio::{self, Dashboard, Suggest};
use crate::domain::evidence::change_from_baseline;
use crate::domain::refusal::Refusal;
use crate::domain::role::Role;
use crate::domain::status::Status;
use crate::domain::target::change_rounded;
use crate::export::{Cell, Table};
use crate::i18n::T;
use crate::i18n::dates::date_text;
use crate::i18n::format;
use crate::i18n::reading::{reading_text, terms_text};
use crate::web::as_of::AsOf;
use crate::web::download::disposition;
use crate::web::error::AppError;
use crate::web::identity::{CurrentUser, RoleCheck};
use crate::web::page::{PageCtx, render};
use crate::web::pages::admin;
use crate::web::portfolio_query::{LISTED_STATUSES, PortfolioQuery};
use crate::web::state::AppState;

/// Rows per page.
const PAGE_SIZE: i64 = 50;

/// Who watches the portfolio.
const STAFF: &[Role] = &[Role::Admin, Role::Staff];

#[derive(Template)]
#[template(path = "pages/dashboard.html")]
struct DashboardPage<'a> {
    ctx: PageCtx,
    as_of: NaiveDate,
    query: PortfolioQuery,
    /// What the dashboard reads from the database, kept in the read cache until the data changes.
    data: &'a Dashboard,
    offset: i64,
    limit: i64,
    /// For an administrator, the years the holiday calendar lacks (see [`crate::app::calendar::missing_years`]).
    calendar_missing: Vec<i32>,
}

impl DashboardPage<'_> {
    fn status_label(&self, status: &Status) -> &'static str {
        self.ctx.t.get(status.label_key())
    }

    /// The target in words, as every page writes it (`不低于 95 %`).
    fn target(&self, item: &OverdueItem) -> String {
        format::target(self.ctx.t, &item.judged)
    }

    /// The checkpoint's planned value in the target's terms.
    fn planned(&self, item: &OverdueItem) -> String {
        item.planned.map(|planned| terms_text(&item.judged, Some(planned))).unwrap_or_default()
    }

    /// The verified value as every page writes it: for a relative target the measured quantity with
    /// its change against the baseline.
    fn verified(&self, item: &OverdueItem) -> String {
        item.measured.map(|v| reading_text(self.ctx.t, &item.judged, v, item.measured_max)).unwrap_or_default()
    }

    /// The checkpoint's due date with its weekday, and whether it is a day off.
    fn due(&self, item: &OverdueItem) -> String {
        date_text(self.ctx.t, &self.data.calendar, item.milestone_due)
    }

    fn page(&self) -> i64 {
        self.offset / self.limit + 1
    }

    fn pages(&self) -> i64 {
        ((self.data.total + self.limit - 1) / self.limit).max(1)
    }

    /// This view's query string with another offset (or status), for links.
    fn link(&self, offset: i64, status: Option<&Status>) -> String {
        self.query_string(offset, status.map(|s| s.as_str()).or(self.query.status.as_deref()), None)
    }

    /// This view's query string without one of the filters named by id (`pi`, `institution`,
    /// `officer`), for the link that widens the list again.
    fn without(&self, name: &str) -> String {
        self.query_string(0, self.query.status.as_deref(), Some(name))
    }

    /// The filters as a query string, `skip` left out; the as-of date first.
    fn query_string(&self, offset: i64, status: Option<&str>, skip: Option<&str>) -> String {
        let q = &self.query;
        let mut url = form_urlencoded::Serializer::new(String::new());
        url.append_pair("as_of", &self.as_of.to_string());
        let numbers = [
            ("year", q.year.map(i64::from)),
            ("guide", q.guide),
            ("topic", q.topic),
            ("direction", q.direction),
            ("region", q.region),
            ("institution", q.institution),
            ("pi", q.pi),
            ("officer", q.officer),
        ];
        let texts = [
            ("status", status),
            ("pi_name", q.pi_name.as_deref()),
            ("institution_name", q.institution_name.as_deref()),
            ("sort", q.sort.as_deref()),
        ];
        let numbers = numbers.iter().filter_map(|(name, v)| v.map(|v| (*name, v.to_string())));
        let texts = texts.iter().filter_map(|(name, v)| v.map(|v| (*name, v.to_owned())));
        for (name, value) in numbers.chain(texts).filter(|(name, _)| Some(*name) != skip) {
            url.append_pair(name, &value);
        }
        if offset > 0 {
            url.append_pair("offset", &offset.to_string());
        }
        url.finish()
    }

    /// How many of the folded filters are set, shown on the fold so that a narrowed list says so.
    fn folded_set(&self) -> usize {
        let q = &self.query;
        [q.year.is_some(), q.guide.is_some(), q.topic.is_some(), q.direction.is_some(), q.region.is_some()]
            .into_iter()
            .filter(|set| *set)
            .count()
    }

    fn selected(&self, value: &Option<i64>, id: &i64) -> bool {
        *value == Some(*id)
    }
}

/// Shows the dashboard.
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    query: web::Query<PortfolioQuery>,
    AsOf(as_of): AsOf,
) -> Result<HttpResponse, AppError> {
    current.require(STAFF)?;
    let query = query.into_inner();
    let (filter, order) = query.filter(&LISTED_STATUSES)?;
    let (limit, offset) = query.page(PAGE_SIZE)?;
    let warning = state.config.tracking.warning_days;
    let configured = state.config.reminders.calendar.clone();
    let cache = Arc::clone(&state.read_cache);
    let key = format!("dashboard:{as_of}:{filter:?}:{order:?}:{limit}:{offset}:{warning}");
    let data: Arc<Dashboard> = state
        .db(move |conn| {
            cache.get_or_compute(conn, key, |conn| {
                let page = (limit, offset);
                let listed = &LISTED_STATUSES;
                Ok(portfolio::dashboard(conn, as_of, &filter, order, listed, page, warning, &configured)?)
            })
        })
        .await?;
    let calendar_missing =
        if current.user.role == Role::Admin { admin::calendar::missing_years(&state).await? } else { Vec::new() };
    let ctx = PageCtx::new(&req, Some(&current));
    render(&DashboardPage { ctx, as_of, query, data: &data, offset, limit, calendar_missing })
}

/// The spreadsheet's columns, in the user's language. The verified value is the one the pages show:
/// the measured quantity in its own unit and, for a relative target, its change against the
/// baseline in a column of its own, rounded as the pages write it, so that each cell stays a number.
fn table(t: T, as_of: NaiveDate, items: Vec<OverdueItem>) -> Table {
    let headers = [
        "project.code",
        "project.title",
        "guide.metric",
        "guide.op",
        "dashboard.target",
        "dashboard.target_max",
        "guide.unit",
        "dashboard.due",
        "project.planned",
        "project.verified",
        "dashboard.measured_unit",
        "dashboard.change",
        "project.status",
        "dashboard.days",
    ];
    let rows = items
        .into_iter()
        .map(|item| {
            vec![
                Cell::Text(item.project_code),
                Cell::Text(item.project_title),
                Cell::Text(item.indicator),
                Cell::Text(format::comparison(t, item.judged.op).to_owned()),
                Cell::number(item.target.or(item.target_min)),
                Cell::number(item.target_max),
                Cell::Text(item.unit.unwrap_or_default()),
                Cell::Date(item.milestone_due),
                Cell::number(item.planned),
                Cell::number(item.measured),
                Cell::Text(item.measured_unit.unwrap_or_default()),
                Cell::number(item.measured.and_then(|v| change_from_baseline(&item.judged, v)).map(change_rounded)),
                Cell::Text(t.get(item.status.label_key()).to_owned()),
                Cell::Number(item.days_overdue as f64),
            ]
        })
        .collect();
    Table {
        title: format!("{} {as_of}", t.get("dashboard.title")),
        headers: headers.iter().map(|key| t.get(key).to_owned()).collect(),
        rows,
    }
}

/// `GET /dashboard/export.{csv,xlsx}`: the whole filtered list (not just a page) as a download.
pub async fn export(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    format: web::Path<String>,
    query: web::Query<PortfolioQuery>,
    AsOf(as_of): AsOf,
) -> Result<HttpResponse, AppError> {
    current.require(STAFF)?;
    let format = format.into_inner();
    if format != "csv" && format != "xlsx" {
        return Err(AppError::Refused(Refusal::NotFound));
    }
    let query = query.into_inner();
    let (filter, order) = query.filter(&LISTED_STATUSES)?;
    let warning = state.config.tracking.warning_days;
    let items = state.db(move |conn| Ok(all_items(conn, as_of, &filter, order, warning)?)).await?;
    let table = table(PageCtx::new(&req, Some(&current)).t, as_of, items);
    let title = table.title.clone();
    let (body, content_type) = if format == "csv" {
        (table.to_csv(), "text/csv; charset=utf-8")
    } else {
        (table.to_xlsx()?, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    };
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(disposition(false, &format!("{title}.{format}"), &format!("overdue-{as_of}.{format}")))
        .body(body))
}

/// The text of a suggestion request.
#[derive(Debug, serde::Deserialize)]
pub struct SuggestQuery {
    /// What has been typed so far.
    #[serde(default)]
    q: String,
}

/// Longer text than any name is not looked up.
const SUGGEST_MAX_CHARS: usize = 100;

/// `GET /dashboard/suggest/{pi|institution}?q=…`: names holding the typed text, as JSON
/// `[{"value": …, "label": …}]`, for the dashboard's search fields to offer as the user types
/// (`assets/app.js`). Partial text is never an error: it simply suggests fewer names or none.
pub async fn suggest(
    state: web::Data<AppState>,
    current: CurrentUser,
    field: web::Path<String>,
    query: web::Query<SuggestQuery>,
) -> Result<HttpResponse, AppError> {
    current.require(STAFF)?;
    let field = match field.as_str() {
        "pi" => Suggest::Pi,
        "institution" => Suggest::Institution,
        _ => return Err(AppError::Refused(Refusal::NotFound)),
    };
    let text = query.into_inner().q;
    let found = if text.chars().count() > SUGGEST_MAX_CHARS {
        Vec::new()
    } else {
        state.db(move |conn| Ok(portfolio::suggestions(conn, field, &text)?)).await?
    };
    let body: Vec<_> =
        found.into_iter().map(|(value, label)| serde_json::json!({ "value": value, "label": label })).collect();
    Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "private, max-age=60")).json(body))
}
