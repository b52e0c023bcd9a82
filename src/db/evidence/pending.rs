//! Values awaiting review, shown beside the verified ones: they do not count yet.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::by_name::ByName;
use crate::db::schema::evidence;
use crate::domain::evidence_status::EvidenceStatus;

/// A pending value as read: indicator, value, high end, done, date.
type PendingRow = (i64, Option<f64>, Option<f64>, bool, NaiveDate);

/// A value awaiting review, shown beside the verified one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pending {
    /// The value (low end of a range).
    pub value: Option<f64>,
    /// The high end of a range.
    pub value_max: Option<f64>,
    /// A deliverable reported done.
    pub done: bool,
    /// When it was measured.
    pub measured_on: NaiveDate,
    /// How many reports of the indicator await review.
    pub count: usize,
}

/// The values awaiting review of some indicators, each indicator's in the order they were measured.
#[derive(Debug, Clone, Default)]
pub struct PendingValues(HashMap<i64, Vec<PendingRow>>);

impl PendingValues {
    /// An indicator's latest pending value measured on or before `as_of`, and how many such await
    /// review: as of a date, a value measured after it is not shown.
    pub fn as_of(&self, indicator_id: i64, as_of: NaiveDate) -> Option<Pending> {
        let rows = self.0.get(&indicator_id)?;
        // The rows are in the order measured.
        let count = rows.partition_point(|row| row.4 <= as_of);
        let &(_, value, value_max, done, measured_on) = rows[..count].last()?;
        Some(Pending { value, value_max, done, measured_on, count })
    }
}

/// The values awaiting review of some indicators (filtered by date with [`PendingValues::as_of`]).
pub fn pending_by_indicator(conn: &mut DbConnection, indicator_ids: &[i64]) -> QueryResult<PendingValues> {
    let rows: Vec<PendingRow> = evidence::table
        .filter(evidence::indicator_id.eq_any(indicator_ids))
        .filter(evidence::status.eq(ByName(EvidenceStatus::Pending)))
        .order((evidence::measured_on.asc(), evidence::id.asc()))
        .select((evidence::indicator_id, evidence::value, evidence::value_max, evidence::done, evidence::measured_on))
        .load(conn)?;
    let mut pending: HashMap<i64, Vec<PendingRow>> = HashMap::new();
    for row in rows {
        pending.entry(row.0).or_default().push(row);
    }
    Ok(PendingValues(pending))
}
