//! Registering an approved project under a direction: its row, people and partners, the direction's
//! indicator templates copied as its targets (with the baselines given), each with a milestone plan
//! over the execution period, and the audit row, in one transaction. `registration` resolves what
//! staff submit (names, e-mails) into the [`Registration`] written here.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde_json::json;

use super::DbConnection;
use super::audit::{self, AuditEntry};
use super::by_name::ByName;
use super::schema::{
    directions, indicator_templates, indicators, institutions, project_members, project_partners, projects, users,
};
use crate::domain::guide::model::{Change, Indicator, Op, Period};
use crate::domain::plan::{self, Profile, Schedule};
use crate::domain::refusal::{Failure, FieldError, Refusal};
use crate::domain::role::Role;
use crate::domain::target::Target;
use crate::domain::text;

/// What staff enter to register a project.
#[derive(Debug, Clone)]
pub struct Registration {
    /// 项目编号, unique.
    pub code: String,
    /// Title.
    pub title: String,
    /// The direction it was approved under.
    pub direction_id: i64,
    /// 承担单位.
    pub lead_institution_id: i64,
    /// 合作单位 with their regions.
    pub partners: Vec<(i64, Option<i64>)>,
    /// The principal investigator (an account with the PI role).
    pub pi_user_id: i64,
    /// Project members (accounts).
    pub member_ids: Vec<i64>,
    /// The officer in charge (项目主管), an active staff or admin account.
    pub officer_user_id: Option<i64>,
    /// Awarded funding in yuan.
    pub funding_yuan: i64,
    /// The execution period; the direction's when absent.
    pub execution: Option<Period>,
    /// Registered technology-contract number.
    pub contract_number: Option<String>,
    /// Recommendation-letter reference.
    pub recommendation_ref: Option<String>,
    /// Baselines of the direction's relative indicators given at registration, checked
    /// (`registration::resolve`); the others are recorded later, before their first evidence.
    pub baselines: Vec<RecordedBaseline>,
}

/// A relative indicator's baseline as registration records it: a measurement, whole.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedBaseline {
    /// The indicator's position in the direction (and so in the project).
    pub position: i32,
    /// The measured quantity's value.
    pub value: f64,
    /// Its unit, the one evidence is then reported in.
    pub unit: String,
    /// When it was measured.
    pub on: NaiveDate,
    /// Where it comes from.
    pub source: String,
}

impl RecordedBaseline {
    /// `target` with this baseline recorded.
    pub fn recorded_in(&self, target: &Target) -> Target {
        Target {
            baseline: Some(self.value),
            baseline_unit: Some(self.unit.clone()),
            baseline_on: Some(self.on),
            baseline_source: Some(self.source.clone()),
            ..target.clone()
        }
    }
}

fn field(field: &'static str, message: &'static str) -> FieldError {
    FieldError { field, message }
}

/// Registers a project after checking it against its direction; copies the direction's indicator
/// templates as targets and plans their checkpoints (mid-term and end of term). One transaction,
/// audited.
pub fn register(
    conn: &mut DbConnection,
    input: &Registration,
    actor: Option<i64>,
    now: NaiveDateTime,
) -> Result<i64, Failure> {
    let mut errors = Vec::new();
    let code = input.code.trim();
    if code.is_empty() || !text::is_line(code, 60) {
        errors.push(field("code", "project.code_invalid"));
    }
    let title = input.title.trim();
    if title.is_empty() || !text::is_line(title, 300) {
        errors.push(field("title", "project.title_invalid"));
    }
    for (name, value) in
        [("contract_number", &input.contract_number), ("recommendation_ref", &input.recommendation_ref)]
    {
        if value.as_deref().is_some_and(|v| !text::is_line(v, 200)) {
            errors.push(field(name, "error.text_invalid"));
        }
    }
    if input.funding_yuan < 0 {
        errors.push(field("funding_wan_yuan", "project.funding_invalid"));
    }
    crate::db::write_transaction(conn, |conn| {
        let direction: Option<(NaiveDate, NaiveDate, Option<i64>)> = directions::table
            .find(input.direction_id)
            .select((directions::execution_start, directions::execution_end, directions::funding_cap_yuan))
            .first(conn)
            .optional()?;
        let Some((direction_start, direction_end, cap)) = direction else {
            errors.push(field("direction_id", "project.direction_unknown"));
            return Err(Failure::Refused(Refusal::Validation(errors)));
        };
        if cap.is_some_and(|cap| input.funding_yuan > cap) {
            errors.push(field("funding_wan_yuan", "project.funding_over_cap"));
        }
        let period = input.execution.unwrap_or(Period { start: direction_start, end: direction_end });
        if period.end < period.start || period.start < direction_start || period.end > direction_end {
            errors.push(field("execution", "project.execution_outside"));
        }
        let pi_is_pi = users::table
            .find(input.pi_user_id)
            .select(users::role)
            .first::<ByName<Role>>(conn)
            .optional()?
            .is_some_and(|role| role.get() == Role::Pi);
        if !pi_is_pi {
            errors.push(field("pi_email", "project.pi_unknown"));
        }
        if let Some(officer) = input.officer_user_id
            && !super::project::is_officer(conn, officer)?
        {
            errors.push(field("officer_email", "project.officer_unknown"));
        }
        let lead_exists = institutions::table.find(input.lead_institution_id).count().get_result::<i64>(conn)? == 1;
        if !lead_exists {
            errors.push(field("lead_institution", "project.institution_unknown"));
        }
        if !errors.is_empty() {
            return Err(Failure::Refused(Refusal::Validation(std::mem::take(&mut errors))));
        }
        if projects::table.filter(projects::code.eq(code)).count().get_result::<i64>(conn)? > 0 {
            return Err(Failure::Refused(Refusal::Conflict("project.code_taken")));
        }
        let project_id: i64 = diesel::insert_into(projects::table)
            .values((
                projects::code.eq(code),
                projects::title.eq(title),
                projects::direction_id.eq(input.direction_id),
                projects::lead_institution_id.eq(input.lead_institution_id),
                projects::pi_user_id.eq(input.pi_user_id),
                projects::officer_user_id.eq(input.officer_user_id),
                projects::funding_yuan.eq(input.funding_yuan),
                projects::execution_start.eq(period.start),
                projects::execution_end.eq(period.end),
                projects::original_end.eq(period.end),
                projects::contract_number.eq(input.contract_number.as_deref()),
                projects::recommendation_ref.eq(input.recommendation_ref.as_deref()),
                projects::created_at.eq(now),
                projects::updated_at.eq(now),
            ))
            .returning(projects::id)
            .get_result(conn)?;
        for (institution_id, region_id) in &input.partners {
            diesel::insert_into(project_partners::table)
                .values((
                    project_partners::project_id.eq(project_id),
                    project_partners::institution_id.eq(institution_id),
                    project_partners::region_id.eq(region_id),
                ))
                .execute(conn)?;
        }
        for user_id in &input.member_ids {
            diesel::insert_into(project_members::table)
                .values((
                    project_members::project_id.eq(project_id),
                    project_members::user_id.eq(user_id),
                    project_members::role.eq(ByName(Role::Member)),
                    project_members::added_at.eq(now),
                ))
                .execute(conn)?;
        }
        copy_templates(conn, project_id, input.direction_id, period, &input.baselines, now)?;
        let tracked = super::project::tracked_indicators(conn, project_id)?;
        let indicator_ids: Vec<i64> = tracked.iter().map(|t| t.id).collect();
        super::overdue::refresh(conn, project_id, &indicator_ids)?;
        // Everything registration wrote, so that the history starts from a complete picture.
        let indicators: Vec<_> = tracked
            .iter()
            .map(|t| {
                json!({ "id": t.id, "metric": t.metric, "condition": t.condition, "target": t.target,
                "checkpoints": t.checkpoints })
            })
            .collect();
        let detail = json!({ "after": { "code": code, "title": title, "direction_id": input.direction_id,
            "lead_institution_id": input.lead_institution_id, "partners": input.partners, "pi_user_id": input.pi_user_id,
            "officer_user_id": input.officer_user_id, "member_ids": input.member_ids, "funding_yuan": input.funding_yuan, "execution": [period.start, period.end],
            "contract_number": input.contract_number, "recommendation_ref": input.recommendation_ref,
            "indicators": indicators } });
        audit::record(
            conn,
            &AuditEntry {
                actor,
                action: "project.register",
                entity: "project",
                entity_id: Some(project_id),
                project_id: Some(project_id),
                detail,
                ip: None,
            },
            now,
        )?;
        Ok(project_id)
    })
}

/// Copies the direction's templates into the project, with the baselines given at registration, and
/// plans each.
fn copy_templates(
    conn: &mut DbConnection,
    project_id: i64,
    direction_id: i64,
    period: Period,
    baselines: &[RecordedBaseline],
    now: NaiveDateTime,
) -> Result<(), Failure> {
    type TemplateTuple = (
        i64,
        i32,
        String,
        ByName<Op>,
        Option<f64>,
        Option<f64>,
        Option<f64>,
        Option<String>,
        Option<ByName<Change>>,
        Option<String>,
    );
    let templates: Vec<TemplateTuple> = indicator_templates::table
        .filter(indicator_templates::direction_id.eq(direction_id))
        .order(indicator_templates::position.asc())
        .select((
            indicator_templates::id,
            indicator_templates::position,
            indicator_templates::metric,
            indicator_templates::op,
            indicator_templates::value,
            indicator_templates::min_value,
            indicator_templates::max_value,
            indicator_templates::unit,
            indicator_templates::change,
            indicator_templates::condition,
        ))
        .load(conn)?;
    for (template_id, position, metric, op, value, min, max, unit, change, condition) in &templates {
        let indicator = Indicator {
            metric: metric.clone(),
            op: op.get(),
            value: *value,
            min: *min,
            max: *max,
            unit: unit.clone(),
            change: change.map(ByName::get),
            condition: condition.clone(),
            source: String::new(),
            confidence: 1.0,
        };
        let target = Target::from_indicator(&indicator);
        let target = match baselines.iter().find(|b| b.position == *position) {
            Some(baseline) => baseline.recorded_in(&target),
            None => target,
        };
        let indicator_id: i64 = diesel::insert_into(indicators::table)
            .values((
                indicators::project_id.eq(project_id),
                indicators::template_id.eq(template_id),
                indicators::position.eq(position),
                indicators::metric.eq(metric),
                indicators::op.eq(op),
                indicators::value.eq(value),
                indicators::min_value.eq(min),
                indicators::max_value.eq(max),
                indicators::unit.eq(unit),
                indicators::change.eq(change),
                indicators::condition.eq(condition),
                indicators::baseline.eq(target.baseline),
                indicators::baseline_unit.eq(&target.baseline_unit),
                indicators::baseline_on.eq(target.baseline_on),
                indicators::baseline_source.eq(&target.baseline_source),
                indicators::aggregation.eq(target.aggregation.as_str()),
                indicators::weight.eq(target.weight),
                indicators::class.eq(target.class.as_str()),
                indicators::created_at.eq(now),
                indicators::updated_at.eq(now),
            ))
            .returning(indicators::id)
            .get_result(conn)?;
        let checkpoints =
            plan::plan(period.start, period.end, &target, Schedule::MidtermAndEnd, &Profile::default_for(&target))
                .map_err(|e| {
                    Failure::Refused(Refusal::Unusable(
                        "project.plan_failed",
                        vec![("metric", metric.clone()), ("reason", e.to_string())],
                    ))
                })?;
        super::milestone::insert_checkpoints(conn, indicator_id, 1, &checkpoints, now)?;
    }
    Ok(())
}
