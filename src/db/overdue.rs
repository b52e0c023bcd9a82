//! The portfolio's attention list. The status engine computes each indicator's timeline (its status
//! over spans of as-of dates, `indicator_status_spans`); this module keeps those rows current and
//! answers "what is overdue or at risk on day D, and how many of each" with indexed queries, most days
//! overdue first, filtered by guide, topic, direction, region, institution and PI.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::DbConnection;
use super::project::tracked_indicators_by_id;
use super::schema::{
    directions, guides, indicator_status_spans as spans, indicators, institutions, project_partners, projects,
    settings, topics, users,
};
use super::search::{containing, lower};
use crate::domain::guide::model::Period;
use crate::domain::status::{DEFAULT_WARNING_DAYS, Status, timeline};

/// The settings key recording the warning window the stored timelines were computed with.
const WARNING_DAYS_KEY: &str = "status_spans.warning_days";

type Backend = <DbConnection as Connection>::Backend;

/// The warning window the stored timelines use.
fn warning_days(conn: &mut DbConnection) -> QueryResult<i64> {
    let stored: Option<String> =
        settings::table.find(WARNING_DAYS_KEY).select(settings::value).first(conn).optional()?;
    Ok(stored.and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_WARNING_DAYS))
}

/// How a span holding from the beginning is stored: a date before any project, so that "began by the
/// date" stays one index range.
pub(super) const BEGINNING: NaiveDate = NaiveDate::from_ymd_opt(1, 1, 1).expect("year 1 is a date");

/// One stored span, ready to insert: indicator, project, status, since, from (`None`: the beginning),
/// until.
pub type SpanRow = (i64, i64, &'static str, Option<NaiveDate>, Option<NaiveDate>, Option<NaiveDate>);

/// Recomputes the timelines of some indicators of one project; call it in the same transaction as
/// any change to their targets, plans, verified evidence or the project's period.
pub fn refresh(conn: &mut DbConnection, project_id: i64, indicator_ids: &[i64]) -> QueryResult<()> {
    let warning = warning_days(conn)?;
    let (start, end): (NaiveDate, NaiveDate) =
        projects::table.find(project_id).select((projects::execution_start, projects::execution_end)).first(conn)?;
    let period = Period { start, end };
    diesel::delete(spans::table.filter(spans::indicator_id.eq_any(indicator_ids))).execute(conn)?;
    let mut rows: Vec<SpanRow> = Vec::new();
    for tracked in tracked_indicators_by_id(conn, indicator_ids)? {
        for span in timeline(&tracked.target, &tracked.checkpoints, &tracked.observations, period, warning) {
            rows.push((tracked.id, project_id, span.status.as_str(), span.since, span.from, span.until));
        }
    }
    super::bulk::insert_spans(conn, &rows)
}

/// Recomputes every timeline when the configured warning window differs from the one they were
/// computed with (or none is recorded, as after the migration that introduced them). Returns whether
/// it rebuilt.
pub fn rebuild_if_stale(conn: &mut DbConnection, warning: i64) -> QueryResult<bool> {
    let recorded: Option<String> =
        settings::table.find(WARNING_DAYS_KEY).select(settings::value).first(conn).optional()?;
    if recorded.as_deref() == Some(warning.to_string().as_str()) {
        return Ok(false);
    }
    crate::db::write_transaction(conn, |conn| {
        diesel::delete(settings::table.find(WARNING_DAYS_KEY)).execute(conn)?;
        diesel::insert_into(settings::table)
            .values((settings::key.eq(WARNING_DAYS_KEY), settings::value.eq(warning.to_string())))
            .execute(conn)?;
        let project_ids: Vec<i64> = projects::table.select(projects::id).order(projects::id.asc()).load(conn)?;
        for project_id in project_ids {
            let ids: Vec<i64> =
                indicators::table.filter(indicators::project_id.eq(project_id)).select(indicators::id).load(conn)?;
            refresh(conn, project_id, &ids)?;
        }
        Ok(true)
    })
}

/// Which part of the portfolio to list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Statuses to list; empty lists none.
    pub statuses: Vec<Status>,
    /// Guides issued in this year.
    pub year: Option<i32>,
    /// One guide.
    pub guide_id: Option<i64>,
    /// One topic.
    pub topic_id: Option<i64>,
    /// One direction.
    pub direction_id: Option<i64>,
    /// Projects with a partner in this cooperation region.
    pub region_id: Option<i64>,
    /// One lead institution.
    pub lead_institution_id: Option<i64>,
    /// One lead institution by its name or a part of it, whatever the case.
    pub institution_text: Option<String>,
    /// One PI.
    pub pi_user_id: Option<i64>,
    /// PIs by a part of their name or e-mail, whatever the case.
    pub pi_text: Option<String>,
    /// The projects of one officer in charge (项目主管).
    pub officer_user_id: Option<i64>,
}

/// The order of the list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Order {
    /// Most days overdue first (at-risk indicators after, soonest due first).
    #[default]
    MostOverdue,
    /// The reverse.
    LeastOverdue,
}

/// One listed indicator: id, project, status and its since date (see `StatusSpan::since`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Listed {
    /// The indicator.
    pub indicator_id: i64,
    /// Its project.
    pub project_id: i64,
    /// Its status on the date.
    pub status: Status,
    /// Overdue since (or, at risk, due on).
    pub since: Option<NaiveDate>,
}

/// The spans holding `as_of` that match the filter's projects (not its statuses). Each part of the
/// scope is its own `IN (SELECT …)` on the span's project, which the planner answers from the
/// projects' indexes.
fn in_scope<'a>(as_of: NaiveDate, filter: &Filter) -> spans::BoxedQuery<'a, Backend> {
    let mut query = spans::table
        .filter(spans::valid_from.le(as_of))
        .filter(spans::valid_until.is_null().or(spans::valid_until.gt(as_of)))
        .into_boxed();
    if let Some(id) = filter.direction_id {
        query = query.filter(
            spans::project_id.eq_any(projects::table.filter(projects::direction_id.eq(id)).select(projects::id)),
        );
    }
    if let Some(id) = filter.topic_id {
        let directions = directions::table.filter(directions::topic_id.eq(id)).select(directions::id);
        query = query.filter(
            spans::project_id
                .eq_any(projects::table.filter(projects::direction_id.eq_any(directions)).select(projects::id)),
        );
    }
    if let Some(id) = filter.guide_id {
        let topics = topics::table.filter(topics::guide_id.eq(id)).select(topics::id);
        let directions = directions::table.filter(directions::topic_id.eq_any(topics)).select(directions::id);
        query = query.filter(
            spans::project_id
                .eq_any(projects::table.filter(projects::direction_id.eq_any(directions)).select(projects::id)),
        );
    }
    if let Some(year) = filter.year {
        // A year outside chrono's range matches no guide.
        let first = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MAX);
        let last = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(NaiveDate::MIN);
        let guides = guides::table.filter(guides::issued_on.between(first, last)).select(guides::id);
        let topics = topics::table.filter(topics::guide_id.eq_any(guides)).select(topics::id);
        let directions = directions::table.filter(directions::topic_id.eq_any(topics)).select(directions::id);
        query = query.filter(
            spans::project_id
                .eq_any(projects::table.filter(projects::direction_id.eq_any(directions)).select(projects::id)),
        );
    }
    if let Some(id) = filter.region_id {
        query = query.filter(spans::project_id.eq_any(
            project_partners::table.filter(project_partners::region_id.eq(id)).select(project_partners::project_id),
        ));
    }
    if let Some(id) = filter.lead_institution_id {
        query = query.filter(
            spans::project_id.eq_any(projects::table.filter(projects::lead_institution_id.eq(id)).select(projects::id)),
        );
    }
    if let Some(text) = &filter.institution_text {
        let named = institutions::table
            .filter(lower(institutions::name).like(containing(text)).escape('\\'))
            .select(institutions::id);
        query = query.filter(
            spans::project_id
                .eq_any(projects::table.filter(projects::lead_institution_id.eq_any(named)).select(projects::id)),
        );
    }
    if let Some(id) = filter.pi_user_id {
        query = query
            .filter(spans::project_id.eq_any(projects::table.filter(projects::pi_user_id.eq(id)).select(projects::id)));
    }
    if let Some(text) = &filter.pi_text {
        let pattern = containing(text);
        let named = users::table
            .filter(
                lower(users::name)
                    .like(pattern.clone())
                    .escape('\\')
                    .or(lower(users::email).like(pattern).escape('\\')),
            )
            .select(users::id);
        query = query.filter(
            spans::project_id.eq_any(projects::table.filter(projects::pi_user_id.eq_any(named)).select(projects::id)),
        );
    }
    if let Some(id) = filter.officer_user_id {
        query = query.filter(
            spans::project_id.eq_any(projects::table.filter(projects::officer_user_id.eq(id)).select(projects::id)),
        );
    }
    query
}

fn status_names(statuses: &[Status]) -> Vec<&'static str> {
    statuses.iter().map(|s| s.as_str()).collect()
}

/// How many indicators in the filter's projects have each of `statuses` on `as_of` (the filter's own
/// statuses are ignored).
pub fn count_by_status(
    conn: &mut DbConnection,
    as_of: NaiveDate,
    filter: &Filter,
    statuses: &[Status],
) -> QueryResult<Vec<(Status, i64)>> {
    statuses
        .iter()
        .map(|&status| {
            let n = in_scope(as_of, filter).filter(spans::status.eq(status.as_str())).count().get_result(conn)?;
            Ok((status, n))
        })
        .collect()
}

/// How many indicators match the filter on `as_of`.
pub fn count(conn: &mut DbConnection, as_of: NaiveDate, filter: &Filter) -> QueryResult<i64> {
    in_scope(as_of, filter).filter(spans::status.eq_any(status_names(&filter.statuses))).count().get_result(conn)
}

/// A page of the indicators matching the filter on `as_of`, in the given order. Each status is read
/// on its own, walking the list index in order and stopping at the page's end, and the walks are
/// merged: one ordered walk is far cheaper than sorting every matching span of several statuses.
pub fn list(
    conn: &mut DbConnection,
    as_of: NaiveDate,
    filter: &Filter,
    order: Order,
    limit: i64,
    offset: i64,
) -> QueryResult<Vec<Listed>> {
    let mut merged = Vec::new();
    for status in &filter.statuses {
        let query = in_scope(as_of, filter).filter(spans::status.eq(status.as_str()));
        let query = match order {
            Order::MostOverdue => query.order((spans::since.asc(), spans::indicator_id.asc())),
            Order::LeastOverdue => query.order((spans::since.desc(), spans::indicator_id.desc())),
        };
        let rows: Vec<(i64, i64, Option<NaiveDate>)> = query
            .select((spans::indicator_id, spans::project_id, spans::since))
            .limit(offset.saturating_add(limit))
            .load(conn)?;
        merged.extend(rows.into_iter().map(|(indicator_id, project_id, since)| Listed {
            indicator_id,
            project_id,
            status: *status,
            since,
        }));
    }
    merged.sort_by_key(|row| (row.since, row.indicator_id));
    if order == Order::LeastOverdue {
        merged.reverse();
    }
    Ok(merged.into_iter().skip(offset.max(0) as usize).take(limit.max(0) as usize).collect())
}
