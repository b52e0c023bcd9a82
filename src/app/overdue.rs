//! The portfolio's overdue and at-risk indicators on a date, as the API, the dashboard and its exports
//! show them: the page of indicators from the stored status timelines, each evaluated in full by the
//! status engine.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::db::overdue::{self, Filter, Order};
use crate::db::{DbConnection, project};
use crate::domain::guide::model::Period;
use crate::domain::refusal::Failure;
use crate::domain::status::{self, Status};
use crate::domain::target::Target;

/// One overdue (or at-risk) indicator.
#[derive(Debug)]
pub struct OverdueItem {
    /// 项目编号.
    pub project_code: String,
    /// Project title.
    pub project_title: String,
    /// The indicator's id.
    pub indicator_id: i64,
    /// The indicator's metric.
    pub indicator: String,
    /// Its comparison.
    pub op: String,
    /// Its target value (`null` for ranges and deliverables; see `target_min`/`target_max`).
    pub target: Option<f64>,
    /// A range's lower end.
    pub target_min: Option<f64>,
    /// A range's upper end.
    pub target_max: Option<f64>,
    /// Unit.
    pub unit: Option<String>,
    /// Overdue or missed: the earliest checkpoint that passed unmet; at risk: the checkpoint falling due.
    pub milestone_due: NaiveDate,
    /// That checkpoint's planned value.
    pub planned: Option<f64>,
    /// The verified value as of the date, in the target's terms: what is compared with `target` and
    /// `planned` (for a relative target the change against its baseline, in %).
    pub verified: Option<f64>,
    /// The verified value itself, in `measured_unit`: for a relative target the measured quantity
    /// (112 吨) the change is computed from; otherwise the same number as `verified`.
    pub measured: Option<f64>,
    /// The upper end of a verified range (pH 2-13), for a physical range target.
    pub measured_max: Option<f64>,
    /// The unit evidence is reported in (for a relative target its baseline's: 吨, 元 …).
    pub measured_unit: Option<String>,
    /// `overdue`, `missed` once the execution period has ended, or `at_risk`.
    pub status: Status,
    /// Days since `milestone_due` (0 when at risk).
    pub days_overdue: i64,
    /// The target as evaluated, so that pages and exports put the figures into words and columns the
    /// one way (`i18n::reading`); clients have its fields above.
    pub judged: Target,
}

/// A page of the list.
#[derive(Debug)]
pub struct OverduePage {
    /// How many indicators match on the date in all.
    pub total: i64,
    /// This page.
    pub items: Vec<OverdueItem>,
}

/// One page of the list: the indicators matching `filter` on `as_of`, in `order`, and their total.
pub fn overdue_page(
    conn: &mut DbConnection,
    as_of: NaiveDate,
    filter: &Filter,
    order: Order,
    page: (i64, i64),
    warning_days: i64,
) -> Result<OverduePage, Failure> {
    let total = overdue::count(conn, as_of, filter)?;
    let items = page_items(conn, as_of, filter, order, page, warning_days)?;
    Ok(OverduePage { total, items })
}

/// The indicators of one page, `(limit, offset)`, evaluated in full.
pub fn page_items(
    conn: &mut DbConnection,
    as_of: NaiveDate,
    filter: &Filter,
    order: Order,
    (limit, offset): (i64, i64),
    warning_days: i64,
) -> Result<Vec<OverdueItem>, Failure> {
    let rows = overdue::list(conn, as_of, filter, order, limit, offset)?;
    evaluate_rows(conn, as_of, &rows, warning_days)
}

/// Every matching indicator, for exports: listed in one walk, then loaded and evaluated a thousand
/// at a time.
pub fn all_items(
    conn: &mut DbConnection,
    as_of: NaiveDate,
    filter: &Filter,
    order: Order,
    warning_days: i64,
) -> Result<Vec<OverdueItem>, Failure> {
    let total = overdue::count(conn, as_of, filter)?;
    let rows = overdue::list(conn, as_of, filter, order, total, 0)?;
    let mut items = Vec::with_capacity(rows.len());
    for chunk in rows.chunks(1_000) {
        items.extend(evaluate_rows(conn, as_of, chunk, warning_days)?);
    }
    Ok(items)
}

fn evaluate_rows(
    conn: &mut DbConnection,
    as_of: NaiveDate,
    rows: &[overdue::Listed],
    warning_days: i64,
) -> Result<Vec<OverdueItem>, Failure> {
    let ids: Vec<i64> = rows.iter().map(|row| row.indicator_id).collect();
    let tracked: HashMap<i64, _> =
        project::tracked_indicators_by_id(conn, &ids)?.into_iter().map(|t| (t.id, t)).collect();
    let project_ids: Vec<i64> = rows.iter().map(|row| row.project_id).collect();
    let projects = project::titles_and_periods(conn, &project_ids)?;
    Ok(rows
        .iter()
        .filter_map(|row| {
            let t = tracked.get(&row.indicator_id)?;
            let (code, title, start, end) = projects.get(&t.project_id)?;
            let period = Period { start: *start, end: *end };
            let evaluation = status::evaluate(&t.target, &t.checkpoints, &t.observations, period, as_of, warning_days);
            let due = match evaluation.status {
                Status::AtRisk => evaluation.due_soon,
                _ => evaluation.overdue_since,
            }?;
            Some(OverdueItem {
                project_code: code.clone(),
                project_title: title.clone(),
                indicator_id: t.id,
                indicator: t.metric.clone(),
                op: t.target.op.as_str().to_owned(),
                target: t.target.value,
                target_min: t.target.min,
                target_max: t.target.max,
                unit: t.target.unit.clone(),
                milestone_due: due,
                planned: t.checkpoints.iter().find(|c| c.due_on == due).and_then(|c| c.planned),
                verified: evaluation.current,
                measured: evaluation.measured,
                measured_max: evaluation.current_max,
                measured_unit: t.target.reported_unit().map(str::to_owned),
                status: evaluation.status,
                days_overdue: evaluation.days_overdue,
                judged: t.target.clone(),
            })
        })
        .collect())
}
