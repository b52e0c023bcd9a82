//! The portfolio's overdue (or at-risk) indicators as the API lists them.

use chrono::NaiveDate;
use serde::Serialize;

use crate::app::overdue;
use crate::domain::status::Status;

/// One overdue (or at-risk) indicator.
#[derive(Debug, Serialize, utoipa::ToSchema)]
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
    #[schema(value_type = String)]
    pub status: Status,
    /// Days since `milestone_due` (0 when at risk).
    pub days_overdue: i64,
}

impl From<overdue::OverdueItem> for OverdueItem {
    fn from(i: overdue::OverdueItem) -> Self {
        Self {
            project_code: i.project_code,
            project_title: i.project_title,
            indicator_id: i.indicator_id,
            indicator: i.indicator,
            op: i.op,
            target: i.target,
            target_min: i.target_min,
            target_max: i.target_max,
            unit: i.unit,
            milestone_due: i.milestone_due,
            planned: i.planned,
            verified: i.verified,
            measured: i.measured,
            measured_max: i.measured_max,
            measured_unit: i.measured_unit,
            status: i.status,
            days_overdue: i.days_overdue,
        }
    }
}

/// A page of the list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OverduePage {
    /// How many indicators match on the date in all.
    pub total: i64,
    /// This page.
    pub items: Vec<OverdueItem>,
}

impl From<overdue::OverduePage> for OverduePage {
    fn from(p: overdue::OverduePage) -> Self {
        Self { total: p.total, items: p.items.into_iter().map(OverdueItem::from).collect() }
    }
}
