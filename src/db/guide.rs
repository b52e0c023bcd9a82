//! Call guides with their topics, directions and indicator templates.
//!
//! A guide is identified by its document number. Importing it again updates it in place, keeping
//! the ids of everything that stays, so projects registered under its directions keep pointing at
//! the right rows; a change that would alter or remove an indicator template a project already
//! uses is refused, naming the project.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;
use serde_json::json;

use super::DbConnection;
use super::audit::{self, AuditEntry};
use super::by_name::ByName;
use super::institution::ensure_region;
use super::schema::{directions, guide_regions, guides, indicator_templates, indicators, projects, topics};
use crate::domain::guide::GuideError;
use crate::domain::guide::model::{Change, Guide, Indicator, Op, direction_name};

/// Why storing a guide was refused.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A project uses an indicator template the new version changes or removes.
    #[error("project {project} uses the indicator '{metric}' of {direction}, which this version changes or removes")]
    InUse {
        /// The project's code.
        project: String,
        /// The template's metric.
        metric: String,
        /// 专题1方向2.
        direction: String,
    },
    /// A project is registered under a direction the new version removes.
    #[error("project {project} is registered under {direction}, which this version removes")]
    DirectionInUse {
        /// The project's code.
        project: String,
        /// 专题1方向2.
        direction: String,
    },
    /// The guide is not complete enough to store (no document number, no topics, a direction
    /// without an execution period).
    #[error(transparent)]
    Invalid(#[from] GuideError),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// The outcome of an import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Stored {
    /// The guide's id.
    pub id: i64,
    /// Whether it was new (else updated in place).
    pub created: bool,
}

/// A guide in lists.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = guides)]
pub struct GuideSummary {
    /// Id.
    pub id: i64,
    /// 沪科指南〔2024〕42号.
    pub doc_number: String,
    /// The notice's title.
    pub title: String,
    /// Signing date.
    pub issued_on: Option<NaiveDate>,
    /// Applications open (UTC; the API sends it in Beijing time, as the guide states it).
    pub opens_at: Option<NaiveDateTime>,
    /// Applications close (UTC; the API sends it in Beijing time, as the guide states it).
    pub closes_at: Option<NaiveDateTime>,
    /// Last import (UTC).
    pub updated_at: NaiveDateTime,
}

/// A stored guide with everything under it.
#[derive(Debug, Clone)]
pub struct StoredGuide {
    /// The guide's own fields.
    pub summary: GuideSummary,
    /// The text it was parsed from.
    pub source_text: String,
    /// Topics in order.
    pub topics: Vec<StoredTopic>,
}

/// A stored topic.
#[derive(Debug, Clone)]
pub struct StoredTopic {
    /// Id.
    pub id: i64,
    /// 专题N.
    pub number: i32,
    /// Title.
    pub title: String,
    /// Directions in order.
    pub directions: Vec<StoredDirection>,
}

/// A stored direction.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = directions)]
pub struct DirectionRow {
    /// Id.
    pub id: i64,
    /// The topic.
    pub topic_id: i64,
    /// Order within the topic, from 1.
    pub position: i32,
    /// 方向N, or none for a topic's only direction.
    pub number: Option<i32>,
    /// Title.
    pub title: String,
    /// 执行期限 start.
    pub execution_start: NaiveDate,
    /// 执行期限 end.
    pub execution_end: NaiveDate,
    /// Funding cap per project, in yuan.
    pub funding_cap_yuan: Option<i64>,
    /// Most projects supported.
    pub max_projects: Option<i32>,
    /// 申报主体要求.
    pub applicant_requirement: Option<String>,
    /// 研究目标.
    pub research_goal: Option<String>,
    /// 研究内容.
    pub research_content: Option<String>,
    /// The 考核指标 text.
    pub indicators_text: String,
    /// The recommendation letter's annex.
    pub recommendation_letter: Option<String>,
}

/// A stored direction with its templates.
#[derive(Debug, Clone)]
pub struct StoredDirection {
    /// The direction.
    pub row: DirectionRow,
    /// Its indicator templates in order.
    pub indicators: Vec<StoredTemplate>,
}

/// A stored indicator template.
#[derive(Debug, Clone)]
pub struct StoredTemplate {
    /// Id.
    pub id: i64,
    /// Order within the direction, from 1.
    pub position: i32,
    /// The target.
    pub indicator: Indicator,
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = indicator_templates)]
struct TemplateRow {
    id: i64,
    direction_id: i64,
    position: i32,
    metric: String,
    op: ByName<Op>,
    value: Option<f64>,
    min_value: Option<f64>,
    max_value: Option<f64>,
    unit: Option<String>,
    change: Option<ByName<Change>>,
    condition: Option<String>,
    source_text: String,
    confidence: f64,
}

impl TemplateRow {
    fn indicator(&self) -> Indicator {
        Indicator {
            metric: self.metric.clone(),
            op: self.op.get(),
            value: self.value,
            min: self.min_value,
            max: self.max_value,
            unit: self.unit.clone(),
            change: self.change.map(ByName::get),
            condition: self.condition.clone(),
            source: self.source_text.clone(),
            confidence: self.confidence,
        }
    }
}

/// Whether two versions of a template set the same target (wording and source may differ).
fn same_target(a: &Indicator, b: &Indicator) -> bool {
    a.op == b.op
        && a.value == b.value
        && a.min == b.min
        && a.max == b.max
        && a.unit == b.unit
        && a.change == b.change
        && a.condition == b.condition
}

/// Every guide, newest first.
pub fn list(conn: &mut DbConnection) -> QueryResult<Vec<GuideSummary>> {
    guides::table.order(guides::id.desc()).select(GuideSummary::as_select()).load(conn)
}

/// One guide with its topics, directions and templates.
pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<StoredGuide>> {
    let Some((summary, source_text)) =
        guides::table.find(id).select((GuideSummary::as_select(), guides::source_text)).first(conn).optional()?
    else {
        return Ok(None);
    };
    let topic_rows: Vec<(i64, i32, String)> = topics::table
        .filter(topics::guide_id.eq(id))
        .order(topics::number.asc())
        .select((topics::id, topics::number, topics::title))
        .load(conn)?;
    let topic_ids: Vec<i64> = topic_rows.iter().map(|t| t.0).collect();
    let direction_rows: Vec<DirectionRow> = directions::table
        .filter(directions::topic_id.eq_any(&topic_ids))
        .order((directions::topic_id.asc(), directions::position.asc()))
        .select(DirectionRow::as_select())
        .load(conn)?;
    let direction_ids: Vec<i64> = direction_rows.iter().map(|d| d.id).collect();
    let mut templates: HashMap<i64, Vec<StoredTemplate>> = HashMap::new();
    for row in indicator_templates::table
        .filter(indicator_templates::direction_id.eq_any(&direction_ids))
        .order((indicator_templates::direction_id.asc(), indicator_templates::position.asc()))
        .select(TemplateRow::as_select())
        .load::<TemplateRow>(conn)?
    {
        templates.entry(row.direction_id).or_default().push(StoredTemplate {
            id: row.id,
            position: row.position,
            indicator: row.indicator(),
        });
    }
    let mut by_topic: HashMap<i64, Vec<StoredDirection>> = HashMap::new();
    for row in direction_rows {
        let indicators = templates.remove(&row.id).unwrap_or_default();
        by_topic.entry(row.topic_id).or_default().push(StoredDirection { row, indicators });
    }
    let topics = topic_rows
        .into_iter()
        .map(|(id, number, title)| StoredTopic {
            id,
            number,
            title,
            directions: by_topic.remove(&id).unwrap_or_default(),
        })
        .collect();
    Ok(Some(StoredGuide { summary, source_text, topics }))
}

/// A direction's indicator templates in order (none for an unknown direction).
pub fn direction_templates(conn: &mut DbConnection, direction_id: i64) -> QueryResult<Vec<StoredTemplate>> {
    Ok(indicator_templates::table
        .filter(indicator_templates::direction_id.eq(direction_id))
        .order(indicator_templates::position.asc())
        .select(TemplateRow::as_select())
        .load::<TemplateRow>(conn)?
        .into_iter()
        .map(|row| StoredTemplate { id: row.id, position: row.position, indicator: row.indicator() })
        .collect())
}

/// Every relative indicator template (产量提升10%以上), with its direction's id, by direction and
/// position: what the registration form asks baselines for.
pub fn relative_templates(conn: &mut DbConnection) -> QueryResult<Vec<(i64, StoredTemplate)>> {
    Ok(indicator_templates::table
        .filter(indicator_templates::change.is_not_null())
        .order((indicator_templates::direction_id.asc(), indicator_templates::position.asc()))
        .select(TemplateRow::as_select())
        .load::<TemplateRow>(conn)?
        .into_iter()
        .map(|row| {
            (row.direction_id, StoredTemplate { id: row.id, position: row.position, indicator: row.indicator() })
        })
        .collect())
}

/// The id of the guide with this document number.
pub fn find_id_by_doc_number(conn: &mut DbConnection, doc_number: &str) -> QueryResult<Option<i64>> {
    guides::table.filter(guides::doc_number.eq(doc_number)).select(guides::id).first(conn).optional()
}

/// Stores a parsed guide that passes `check_importable`: a new one, or an update in place of the
/// guide with the same document number. One transaction, with its audit row.
pub fn store(
    conn: &mut DbConnection,
    guide: &Guide,
    source_text: &str,
    actor: Option<i64>,
    now: NaiveDateTime,
) -> Result<Stored, StoreError> {
    guide.check_importable()?;
    let doc_number = guide.doc_number.as_deref().unwrap_or_default();
    crate::db::write_transaction(conn, |conn| {
        let existing = find_id_by_doc_number(conn, doc_number)?;
        let values = (
            guides::title.eq(guide.title.clone().unwrap_or_default()),
            guides::issued_on.eq(guide.issued_on),
            guides::opens_at.eq(guide.application_window.map(|w| w.opens.naive_utc())),
            guides::closes_at.eq(guide.application_window.map(|w| w.closes.naive_utc())),
            guides::source_text.eq(source_text),
            guides::updated_at.eq(now),
        );
        let (id, created) = match existing {
            Some(id) => {
                diesel::update(guides::table.find(id)).set(values).execute(conn)?;
                (id, false)
            }
            None => {
                let id = diesel::insert_into(guides::table)
                    .values((
                        guides::doc_number.eq(doc_number),
                        values,
                        guides::imported_by.eq(actor),
                        guides::created_at.eq(now),
                    ))
                    .returning(guides::id)
                    .get_result(conn)?;
                (id, true)
            }
        };
        store_topics(conn, id, guide)?;
        store_regions(conn, id, guide, now)?;
        let detail = json!({
            "doc_number": doc_number,
            "topics": guide.topics.len(),
            "directions": guide.topics.iter().map(|t| t.directions.len()).sum::<usize>(),
            "indicators": guide.topics.iter().flat_map(|t| &t.directions).map(|d| d.indicators.len()).sum::<usize>(),
        });
        let action = if created { "guide.import" } else { "guide.reimport" };
        audit::record(
            conn,
            &AuditEntry { actor, action, entity: "guide", entity_id: Some(id), project_id: None, detail, ip: None },
            now,
        )?;
        Ok(Stored { id, created })
    })
}

fn store_topics(conn: &mut DbConnection, guide_id: i64, guide: &Guide) -> Result<(), StoreError> {
    let old: HashMap<i32, i64> = topics::table
        .filter(topics::guide_id.eq(guide_id))
        .select((topics::number, topics::id))
        .load::<(i32, i64)>(conn)?
        .into_iter()
        .collect();
    let mut kept = Vec::new();
    for topic in &guide.topics {
        let number = i32::try_from(topic.number).unwrap_or(i32::MAX);
        let topic_id = match old.get(&number) {
            Some(&id) => {
                diesel::update(topics::table.find(id)).set(topics::title.eq(&topic.title)).execute(conn)?;
                id
            }
            None => diesel::insert_into(topics::table)
                .values((topics::guide_id.eq(guide_id), topics::number.eq(number), topics::title.eq(&topic.title)))
                .returning(topics::id)
                .get_result(conn)?,
        };
        kept.push(topic_id);
        store_directions(conn, topic_id, topic.number, &topic.directions)?;
    }
    for (&number, &id) in &old {
        if !kept.contains(&id) {
            remove_directions(conn, id, number, &[])?;
            diesel::delete(topics::table.find(id)).execute(conn)?;
        }
    }
    Ok(())
}

fn store_directions(
    conn: &mut DbConnection,
    topic_id: i64,
    topic_number: u32,
    new: &[crate::domain::guide::Direction],
) -> Result<(), StoreError> {
    let old: HashMap<i32, i64> = directions::table
        .filter(directions::topic_id.eq(topic_id))
        .select((directions::position, directions::id))
        .load::<(i32, i64)>(conn)?
        .into_iter()
        .collect();
    let mut kept = Vec::new();
    for (index, direction) in new.iter().enumerate() {
        let position = i32::try_from(index + 1).unwrap_or(i32::MAX);
        // `check_importable` has guaranteed every direction an execution period.
        let Some(execution) = direction.execution else { continue };
        let values = (
            directions::number.eq(direction.number.and_then(|n| i32::try_from(n).ok())),
            directions::title.eq(&direction.title),
            directions::execution_start.eq(execution.start),
            directions::execution_end.eq(execution.end),
            directions::funding_cap_yuan.eq(direction.funding_cap_wan_yuan.map(|w| (w * 10_000.0).round() as i64)),
            directions::max_projects.eq(direction.max_projects.and_then(|n| i32::try_from(n).ok())),
            directions::applicant_requirement.eq(&direction.applicant_requirement),
            directions::research_goal.eq(&direction.research_goal),
            directions::research_content.eq(&direction.research_content),
            directions::indicators_text.eq(&direction.indicators_text),
            directions::recommendation_letter.eq(&direction.recommendation_letter),
        );
        let direction_id = match old.get(&position) {
            Some(&id) => {
                diesel::update(directions::table.find(id)).set(values).execute(conn)?;
                id
            }
            None => diesel::insert_into(directions::table)
                .values((directions::topic_id.eq(topic_id), directions::position.eq(position), values))
                .returning(directions::id)
                .get_result(conn)?,
        };
        kept.push(direction_id);
        let name = direction_name(topic_number, direction.number);
        store_templates(conn, direction_id, &name, &direction.indicators)?;
    }
    remove_directions(conn, topic_id, i32::try_from(topic_number).unwrap_or(0), &kept)
}

/// Deletes a topic's directions except `keep`, refusing when a project is registered under one.
fn remove_directions(
    conn: &mut DbConnection,
    topic_id: i64,
    topic_number: i32,
    keep: &[i64],
) -> Result<(), StoreError> {
    let gone: Vec<(i64, Option<i32>)> = directions::table
        .filter(directions::topic_id.eq(topic_id))
        .filter(directions::id.ne_all(keep))
        .select((directions::id, directions::number))
        .load(conn)?;
    for (id, number) in gone {
        let direction =
            direction_name(u32::try_from(topic_number).unwrap_or(0), number.and_then(|n| u32::try_from(n).ok()));
        let used: Option<String> =
            projects::table.filter(projects::direction_id.eq(id)).select(projects::code).first(conn).optional()?;
        if let Some(project) = used {
            return Err(StoreError::DirectionInUse { project, direction });
        }
        remove_templates(conn, id, &direction, &[])?;
        diesel::delete(directions::table.find(id)).execute(conn)?;
    }
    Ok(())
}

/// The stored fields of a template (all but its direction and position).
#[derive(Debug, Insertable, AsChangeset)]
#[diesel(table_name = indicator_templates, treat_none_as_null = true)]
struct TemplateFields<'a> {
    metric: &'a str,
    op: &'static str,
    value: Option<f64>,
    min_value: Option<f64>,
    max_value: Option<f64>,
    unit: Option<&'a str>,
    change: Option<&'static str>,
    condition: Option<&'a str>,
    source_text: &'a str,
    confidence: f64,
}

impl<'a> From<&'a Indicator> for TemplateFields<'a> {
    fn from(indicator: &'a Indicator) -> Self {
        TemplateFields {
            metric: &indicator.metric,
            op: indicator.op.as_str(),
            value: indicator.value,
            min_value: indicator.min,
            max_value: indicator.max,
            unit: indicator.unit.as_deref(),
            change: indicator.change.map(Change::as_str),
            condition: indicator.condition.as_deref(),
            source_text: &indicator.source,
            confidence: indicator.confidence.clamp(0.0, 1.0),
        }
    }
}

fn store_templates(
    conn: &mut DbConnection,
    direction_id: i64,
    direction: &str,
    new: &[Indicator],
) -> Result<(), StoreError> {
    let old: HashMap<i32, TemplateRow> = indicator_templates::table
        .filter(indicator_templates::direction_id.eq(direction_id))
        .select(TemplateRow::as_select())
        .load::<TemplateRow>(conn)?
        .into_iter()
        .map(|row| (row.position, row))
        .collect();
    let mut kept = Vec::new();
    for (index, indicator) in new.iter().enumerate() {
        let position = i32::try_from(index + 1).unwrap_or(i32::MAX);
        let id = match old.get(&position) {
            Some(row) => {
                if !same_target(&row.indicator(), indicator) {
                    refuse_if_used(conn, row, direction)?;
                }
                diesel::update(indicator_templates::table.find(row.id))
                    .set(TemplateFields::from(indicator))
                    .execute(conn)?;
                row.id
            }
            None => diesel::insert_into(indicator_templates::table)
                .values((
                    indicator_templates::direction_id.eq(direction_id),
                    indicator_templates::position.eq(position),
                    TemplateFields::from(indicator),
                ))
                .returning(indicator_templates::id)
                .get_result(conn)?,
        };
        kept.push(id);
    }
    remove_templates(conn, direction_id, direction, &kept)
}

fn refuse_if_used(conn: &mut DbConnection, row: &TemplateRow, direction: &str) -> Result<(), StoreError> {
    let used: Option<String> = indicators::table
        .inner_join(projects::table)
        .filter(indicators::template_id.eq(row.id))
        .select(projects::code)
        .first(conn)
        .optional()?;
    match used {
        Some(project) => {
            Err(StoreError::InUse { project, metric: row.metric.clone(), direction: direction.to_owned() })
        }
        None => Ok(()),
    }
}

/// Deletes a direction's templates except `keep`, refusing when a project uses one.
fn remove_templates(
    conn: &mut DbConnection,
    direction_id: i64,
    direction: &str,
    keep: &[i64],
) -> Result<(), StoreError> {
    let gone: Vec<TemplateRow> = indicator_templates::table
        .filter(indicator_templates::direction_id.eq(direction_id))
        .filter(indicator_templates::id.ne_all(keep))
        .select(TemplateRow::as_select())
        .load(conn)?;
    for row in gone {
        refuse_if_used(conn, &row, direction)?;
        diesel::delete(indicator_templates::table.find(row.id)).execute(conn)?;
    }
    Ok(())
}

fn store_regions(conn: &mut DbConnection, guide_id: i64, guide: &Guide, now: NaiveDateTime) -> QueryResult<()> {
    diesel::delete(guide_regions::table.filter(guide_regions::guide_id.eq(guide_id))).execute(conn)?;
    let cooperation =
        guide.cooperation_regions.iter().map(|r| ("cooperation", &r.region, r.topic, r.fields.join("、")));
    let paired = guide.paired_regions.iter().map(|r| ("paired", &r.region, None, r.parts.join("、")));
    let mut seen = std::collections::HashSet::new();
    for (kind, name, topic, fields) in cooperation.chain(paired) {
        let region_id = ensure_region(conn, name, now)?;
        if !seen.insert((kind, region_id)) {
            continue;
        }
        diesel::insert_into(guide_regions::table)
            .values((
                guide_regions::guide_id.eq(guide_id),
                guide_regions::region_id.eq(region_id),
                guide_regions::kind.eq(kind),
                guide_regions::topic_number.eq(topic.and_then(|t| i32::try_from(t).ok())),
                guide_regions::fields.eq(fields),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Paired-assistance and cooperation regions of a guide: kind, region name, fields.
pub fn list_regions(conn: &mut DbConnection, guide_id: i64) -> QueryResult<Vec<(String, String, String)>> {
    guide_regions::table
        .inner_join(super::schema::regions::table)
        .filter(guide_regions::guide_id.eq(guide_id))
        .order(guide_regions::id.asc())
        .select((guide_regions::kind, super::schema::regions::name, guide_regions::fields))
        .load(conn)
}
