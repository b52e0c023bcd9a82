//! The portfolio's overdue list. The status engine computes, per checkpoint, the as-of dates on
//! which it counts against its indicator (`checkpoint_unmet_spans`); this module keeps those rows
//! current and answers "what is overdue on day D" with one indexed query, most days overdue first.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::DbConnection;
use super::project::tracked_indicators_by_id;
use super::schema::checkpoint_unmet_spans as spans;
use crate::domain::status::unmet_spans;

/// Recomputes the spans of some indicators of one project; call it in the same transaction as any
/// change to their plans, targets or verified evidence.
pub fn refresh(conn: &mut DbConnection, project_id: i64, indicator_ids: &[i64]) -> QueryResult<()> {
    diesel::delete(spans::table.filter(spans::indicator_id.eq_any(indicator_ids))).execute(conn)?;
    for tracked in tracked_indicators_by_id(conn, indicator_ids)? {
        for span in unmet_spans(&tracked.target, &tracked.checkpoints, &tracked.observations) {
            diesel::insert_into(spans::table)
                .values((
                    spans::indicator_id.eq(tracked.id),
                    spans::project_id.eq(project_id),
                    spans::due_on.eq(span.due_on),
                    spans::unmet_from.eq(span.from),
                    spans::unmet_until.eq(span.until),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// The indicators overdue (or missed) on `as_of`, each with the earliest due date it has failed,
/// most days overdue first; and how many there are in all.
pub fn list(
    conn: &mut DbConnection,
    as_of: NaiveDate,
    limit: i64,
    offset: i64,
) -> QueryResult<(i64, Vec<(i64, NaiveDate)>)> {
    let active = spans::unmet_from.le(as_of).and(spans::unmet_until.is_null().or(spans::unmet_until.gt(as_of)));
    let total = spans::table
        .filter(active)
        .select(diesel::dsl::count(spans::indicator_id).aggregate_distinct())
        .get_result::<i64>(conn)?;
    let since = diesel::dsl::min(spans::due_on);
    let rows: Vec<(i64, Option<NaiveDate>)> = spans::table
        .filter(active)
        .group_by(spans::indicator_id)
        .select((spans::indicator_id, since))
        .order((since.asc(), spans::indicator_id.asc()))
        .limit(limit)
        .offset(offset)
        .load(conn)?;
    Ok((total, rows.into_iter().filter_map(|(id, since)| since.map(|s| (id, s))).collect()))
}
