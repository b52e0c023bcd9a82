//! Multi-row inserts for loading a whole portfolio at once (the demonstration portfolio of up to
//! 100,000 projects): rows carry ids chosen by the caller so that children can point at their parents
//! without reading anything back, and PostgreSQL's identity sequences are moved past them afterwards.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::DbConnection;
use super::by_name::ByName;
use super::overdue::{BEGINNING, SpanRow};
use super::schema::{
    evidence, indicator_status_spans as spans, indicators, milestones, project_partners, projects, users,
};
use crate::domain::evidence_status::EvidenceStatus;
use crate::domain::role::Role;

/// Rows per statement: at most 18 columns × 1,000 rows stays under SQLite's 32,766 parameters.
const CHUNK: usize = 1_000;

/// Inserts `$rows` in chunks, mapping each row to a tuple of column assignments.
macro_rules! insert_chunks {
    ($conn:expr, $table:expr, $rows:expr, |$row:ident| $values:expr) => {{
        for chunk in $rows.chunks(CHUNK) {
            let values: Vec<_> = chunk.iter().map(|$row| $values).collect();
            super::batch_insert!($conn, $table, values)?;
        }
        QueryResult::Ok(())
    }};
}

/// The next free id of each table the portfolio fills.
#[derive(Debug, Clone, Copy)]
pub struct NextIds {
    /// users.id
    pub user: i64,
    /// projects.id
    pub project: i64,
    /// indicators.id
    pub indicator: i64,
    /// evidence.id
    pub evidence: i64,
}

/// The next free ids.
pub fn next_ids(conn: &mut DbConnection) -> QueryResult<NextIds> {
    let user: Option<i64> = users::table.select(diesel::dsl::max(users::id)).first(conn)?;
    let project: Option<i64> = projects::table.select(diesel::dsl::max(projects::id)).first(conn)?;
    let indicator: Option<i64> = indicators::table.select(diesel::dsl::max(indicators::id)).first(conn)?;
    let evidence: Option<i64> = evidence::table.select(diesel::dsl::max(evidence::id)).first(conn)?;
    Ok(NextIds {
        user: user.unwrap_or(0) + 1,
        project: project.unwrap_or(0) + 1,
        indicator: indicator.unwrap_or(0) + 1,
        evidence: evidence.unwrap_or(0) + 1,
    })
}

/// Whether a project code ends with `suffix` (how a seeding run recognises its own portfolio).
pub fn any_code_ending(conn: &mut DbConnection, suffix: &str) -> QueryResult<bool> {
    let n: i64 = projects::table.filter(projects::code.like(format!("%{suffix}"))).count().get_result(conn)?;
    Ok(n > 0)
}

/// After inserting explicit ids: PostgreSQL's identity sequences do not see them, so they are moved
/// past the largest id (SQLite's rowids need nothing).
pub fn reset_sequences(conn: &mut DbConnection) -> QueryResult<()> {
    if let DbConnection::Pg(pg) = conn {
        for table in ["users", "projects", "indicators", "evidence"] {
            diesel::sql_query(format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))"
            ))
            .execute(pg)?;
        }
    }
    Ok(())
}

/// Refreshes the planner's statistics after a bulk load, so that the first queries on the new rows
/// choose their indexes well; on PostgreSQL also marks the new pages all-visible (VACUUM), without
/// which index-only scans still read every row from the table until autovacuum comes by.
pub fn analyze(conn: &mut DbConnection) -> QueryResult<()> {
    let statement = match conn {
        DbConnection::Pg(_) => "VACUUM ANALYZE",
        DbConnection::Sqlite(_) => "ANALYZE",
    };
    diesel::sql_query(statement).execute(conn).map(|_| ())
}

/// An account that cannot log in until it sets a password (a reset link).
#[derive(Debug, Clone)]
pub struct UserRow {
    /// Id.
    pub id: i64,
    /// Lower-case e-mail.
    pub email: String,
    /// Name.
    pub name: String,
    /// What the user may do.
    pub role: Role,
    /// Institution.
    pub institution_id: Option<i64>,
}

/// Inserts accounts.
pub fn insert_users(conn: &mut DbConnection, rows: &[UserRow], now: NaiveDateTime) -> QueryResult<()> {
    insert_chunks!(conn, users::table, rows, |r| (
        users::id.eq(r.id),
        users::email.eq(&r.email),
        users::name.eq(&r.name),
        users::role.eq(ByName(r.role)),
        users::institution_id.eq(r.institution_id),
        users::created_at.eq(now),
        users::updated_at.eq(now),
    ))
}

/// A project.
#[derive(Debug, Clone)]
pub struct ProjectRow {
    /// Id.
    pub id: i64,
    /// 项目编号.
    pub code: String,
    /// Title.
    pub title: String,
    /// Direction.
    pub direction_id: i64,
    /// Lead institution.
    pub lead_institution_id: i64,
    /// PI.
    pub pi_user_id: i64,
    /// Officer in charge.
    pub officer_user_id: Option<i64>,
    /// Funding in yuan.
    pub funding_yuan: i64,
    /// Execution start.
    pub start: NaiveDate,
    /// Execution end.
    pub end: NaiveDate,
    /// Contract number.
    pub contract_number: String,
    /// Partners: institution, region.
    pub partners: Vec<(i64, i64)>,
}

/// Inserts projects with their partners.
pub fn insert_projects(conn: &mut DbConnection, rows: &[ProjectRow], now: NaiveDateTime) -> QueryResult<()> {
    insert_chunks!(conn, projects::table, rows, |r| (
        projects::id.eq(r.id),
        projects::code.eq(&r.code),
        projects::title.eq(&r.title),
        projects::direction_id.eq(r.direction_id),
        projects::lead_institution_id.eq(r.lead_institution_id),
        projects::pi_user_id.eq(r.pi_user_id),
        projects::officer_user_id.eq(r.officer_user_id),
        projects::funding_yuan.eq(r.funding_yuan),
        projects::execution_start.eq(r.start),
        projects::execution_end.eq(r.end),
        projects::original_end.eq(r.end),
        projects::contract_number.eq(&r.contract_number),
        projects::created_at.eq(now),
        projects::updated_at.eq(now),
    ))?;
    let partners: Vec<(i64, i64, i64)> =
        rows.iter().flat_map(|p| p.partners.iter().map(move |&(i, r)| (p.id, i, r))).collect();
    insert_chunks!(conn, project_partners::table, partners, |r| (
        project_partners::project_id.eq(r.0),
        project_partners::institution_id.eq(r.1),
        project_partners::region_id.eq(r.2),
    ))
}

/// An indicator.
#[derive(Debug, Clone)]
pub struct IndicatorRow {
    /// Id.
    pub id: i64,
    /// Project.
    pub project_id: i64,
    /// The template it was copied from.
    pub template_id: Option<i64>,
    /// Order.
    pub position: i32,
    /// Metric.
    pub metric: String,
    /// Op name.
    pub op: &'static str,
    /// Value.
    pub value: Option<f64>,
    /// Range min.
    pub min: Option<f64>,
    /// Range max.
    pub max: Option<f64>,
    /// Unit.
    pub unit: Option<String>,
    /// Relative change name.
    pub change: Option<&'static str>,
    /// Baseline.
    pub baseline: Option<f64>,
    /// The baseline's unit (a relative target's measured quantity).
    pub baseline_unit: Option<String>,
    /// When the baseline was measured.
    pub baseline_on: Option<NaiveDate>,
    /// Where the baseline comes from.
    pub baseline_source: Option<String>,
    /// Aggregation name.
    pub aggregation: &'static str,
    /// Class name.
    pub class: &'static str,
}

/// Inserts indicators.
pub fn insert_indicators(conn: &mut DbConnection, rows: &[IndicatorRow], now: NaiveDateTime) -> QueryResult<()> {
    insert_chunks!(conn, indicators::table, rows, |r| (
        indicators::id.eq(r.id),
        indicators::project_id.eq(r.project_id),
        indicators::template_id.eq(r.template_id),
        indicators::position.eq(r.position),
        indicators::metric.eq(&r.metric),
        indicators::op.eq(r.op),
        indicators::value.eq(r.value),
        indicators::min_value.eq(r.min),
        indicators::max_value.eq(r.max),
        indicators::unit.eq(&r.unit),
        indicators::change.eq(r.change),
        indicators::baseline.eq(r.baseline),
        indicators::baseline_unit.eq(&r.baseline_unit),
        indicators::baseline_on.eq(r.baseline_on),
        indicators::baseline_source.eq(&r.baseline_source),
        indicators::aggregation.eq(r.aggregation),
        indicators::class.eq(r.class),
        indicators::created_at.eq(now),
        indicators::updated_at.eq(now),
    ))
}

/// A checkpoint of the first plan: indicator, kind name, due date, planned value.
pub type MilestoneRow = (i64, &'static str, NaiveDate, Option<f64>);

/// Inserts checkpoints as plan version 1.
pub fn insert_milestones(conn: &mut DbConnection, rows: &[MilestoneRow], now: NaiveDateTime) -> QueryResult<()> {
    insert_chunks!(conn, milestones::table, rows, |r| (
        milestones::indicator_id.eq(r.0),
        milestones::plan_version.eq(1),
        milestones::kind.eq(r.1),
        milestones::due_on.eq(r.2),
        milestones::planned_value.eq(r.3),
        milestones::created_at.eq(now),
    ))
}

/// A reported value.
#[derive(Debug, Clone)]
pub struct EvidenceRow {
    /// Id.
    pub id: i64,
    /// Indicator.
    pub indicator_id: i64,
    /// Who reported it.
    pub submitted_by: i64,
    /// Value (range low).
    pub value: Option<f64>,
    /// Range high.
    pub value_max: Option<f64>,
    /// A deliverable's completion.
    pub done: bool,
    /// When measured.
    pub measured_on: NaiveDate,
    /// Note.
    pub note: &'static str,
    /// Accepted or pending.
    pub status: EvidenceStatus,
}

/// Inserts evidence.
pub fn insert_evidence(conn: &mut DbConnection, rows: &[EvidenceRow], now: NaiveDateTime) -> QueryResult<()> {
    insert_chunks!(conn, evidence::table, rows, |r| (
        evidence::id.eq(r.id),
        evidence::indicator_id.eq(r.indicator_id),
        evidence::submitted_by.eq(r.submitted_by),
        evidence::value.eq(r.value),
        evidence::value_max.eq(r.value_max),
        evidence::done.eq(r.done),
        evidence::measured_on.eq(r.measured_on),
        evidence::note.eq(r.note),
        evidence::status.eq(ByName(r.status)),
        evidence::created_at.eq(now),
        evidence::updated_at.eq(now),
    ))
}

/// Inserts status-timeline rows.
pub fn insert_spans(conn: &mut DbConnection, rows: &[SpanRow]) -> QueryResult<()> {
    insert_chunks!(conn, spans::table, rows, |r| (
        spans::indicator_id.eq(r.0),
        spans::project_id.eq(r.1),
        spans::status.eq(r.2),
        spans::since.eq(r.3),
        spans::valid_from.eq(r.4.unwrap_or(BEGINNING)),
        spans::valid_until.eq(r.5),
    ))
}
