//! Reports as use cases: what a report is made from, as of a date, for someone who may see it (the
//! only step of a report that touches the database; `report` turns the facts into words, charts,
//! HTML and PDF), and freezing a made report as submitted.

use std::collections::HashMap;

use chrono::{Datelike, Months, NaiveDate, NaiveDateTime};
use serde_json::Value;

use super::evaluation::{IndicatorReport, Loaded, report};
use crate::config::Tracking;
use crate::db::DbConnection;
use crate::db::evidence::{self, EvidenceView};
/// A project as stored.
pub use crate::db::project::Project;
use crate::db::project::{self, TrackedIndicator};
/// A submitted (frozen) report.
pub use crate::db::report::Snapshot;
use crate::db::report::{self as stored, NewSnapshot};
use crate::db::report_facts;
use crate::db::user::User;
use crate::domain::guide::model::Period;
use crate::domain::refusal::{Failure, Refusal};
use crate::domain::status::{self, Status, StatusSpan};
use crate::domain::target::Target;
use crate::files::FileStore;
use crate::report::facts::{
    ChangeFacts, ChangeKind, Changed, EvidenceFacts, IndicatorFacts, Kind, OverdueFacts, Partner, PortfolioFacts,
    ProjectFacts, ProjectInfo, ProjectSummary,
};
use crate::report::make::Made;
use sha2::{Digest, Sha256};

/// The audit actions a report lists as the project's change history, and the kind of change each is.
const CHANGE_ACTIONS: [(&str, ChangeKind); 5] = [
    ("project.extend", ChangeKind::Extension),               // audit action
    ("project.state", ChangeKind::State),                    // audit action
    ("project.baseline_freeze", ChangeKind::BaselineFrozen), // audit action
    ("indicator.update", ChangeKind::TargetChange),          // audit action
    ("indicator.add", ChangeKind::IndicatorAdded),           // audit action
];

/// The project with this code, if `caller` may see it (`None`: the command line, which sees all).
/// Unknown and hidden projects are both "not found", so codes of others' projects leak nothing.
pub fn find_project(conn: &mut DbConnection, caller: Option<&User>, code: &str) -> Result<Project, Failure> {
    let project = project::find_by_code(conn, code)?.ok_or(Failure::Refused(Refusal::NotFound))?;
    if let Some(user) = caller
        && !project::can_view(conn, user, &project)?
    {
        return Err(Failure::Refused(Refusal::NotFound));
    }
    Ok(project)
}

/// The reports submitted for a project `user` may see, newest first, with the project.
pub fn submitted_for_project(
    conn: &mut DbConnection,
    user: &User,
    code: &str,
) -> Result<(Project, Vec<Snapshot>), Failure> {
    let project = find_project(conn, Some(user), code)?;
    let submitted = stored::for_project(conn, project.id)?;
    Ok((project, submitted))
}

/// The submitted portfolio reports, newest first.
pub fn submitted_portfolio(conn: &mut DbConnection) -> Result<Vec<Snapshot>, Failure> {
    Ok(stored::portfolio(conn)?)
}

/// A submitted report `user` may see, with the scope its files are named after (the project's
/// code, or `portfolio`). A report of a project they may not see, or a portfolio report for
/// someone who does not watch the portfolio, is not found.
pub fn frozen(conn: &mut DbConnection, user: &User, id: i64) -> Result<(Snapshot, String), Failure> {
    let snapshot = stored::find(conn, id)?.ok_or(Failure::Refused(Refusal::NotFound))?;
    let scope = match snapshot.project_id {
        Some(project_id) => {
            let project = project::find_by_id(conn, project_id)?.ok_or(Failure::Refused(Refusal::NotFound))?;
            if !project::can_view(conn, user, &project)? {
                return Err(Failure::Refused(Refusal::NotFound));
            }
            project.code
        }
        None if user.role.sees_portfolio() => "portfolio".to_owned(),
        None => return Err(Failure::Refused(Refusal::NotFound)),
    };
    Ok((snapshot, scope))
}

/// A report covers a project's life: its execution period and the year after it, in which its
/// acceptance (with one rectification) is held. A later as-of date would tell nothing new, and only
/// cost a rendering (and, for the portfolio, a trend line of every month up to it).
const LIFE_AFTER_END_MONTHS: u32 = 12;

/// The last day a report on a project whose execution ends on `end` may be made as of.
fn life_end(end: NaiveDate) -> NaiveDate {
    end.checked_add_months(Months::new(LIFE_AFTER_END_MONTHS)).unwrap_or(NaiveDate::MAX)
}

/// Everything one project's report shows, as of `as_of`. Refused for a date outside the project's
/// life: before it starts, or more than a year after its execution period ends.
pub fn project_facts(
    conn: &mut DbConnection,
    project: Project,
    kind: Kind,
    as_of: NaiveDate,
    tracking: &Tracking,
    timezone: chrono_tz::Tz,
    now: NaiveDateTime,
) -> Result<ProjectFacts, Failure> {
    if as_of < project.execution_start {
        return Err(Refusal::field("as_of", "report.before_start").into());
    }
    if as_of > life_end(project.execution_end) {
        return Err(Refusal::field("as_of", "report.after_life").into());
    }
    let info = project_info(conn, &project)?;
    let tracked = project::tracked_indicators(conn, project.id)?;
    let ids: Vec<i64> = tracked.iter().map(|t| t.id).collect();
    let mut evidence_by_indicator: HashMap<i64, Vec<EvidenceFacts>> = HashMap::new();
    for view in super::evidence::of_project(conn, project.id, as_of)? {
        evidence_by_indicator.entry(view.indicator_id).or_default().push(evidence_facts(view));
    }
    let pending = evidence::pending_by_indicator(conn, &ids)?;
    let changes = changes(conn, project.id)?;
    let evaluated = report(Loaded { project, tracked, pending }, as_of, tracking);
    let indicators = evaluated
        .indicators
        .into_iter()
        .map(|i: IndicatorReport| {
            let mut evidence = evidence_by_indicator.remove(&i.id).unwrap_or_default();
            evidence.sort_by_key(|e| (e.measured_on, e.id));
            IndicatorFacts {
                acceptance: i.acceptance,
                position: i.position,
                metric: i.metric,
                condition: i.condition,
                target: i.target,
                frozen: i.frozen,
                added_after_baseline: i.added_after_baseline,
                evaluation: i.evaluation,
                checkpoints: i.checkpoints,
                evidence,
            }
        })
        .collect();
    let covers_from = match kind {
        Kind::Annual => {
            as_of.checked_sub_months(Months::new(12)).map_or(info.execution_start, |d| d.max(info.execution_start))
        }
        _ => info.execution_start,
    };
    Ok(ProjectFacts {
        kind,
        as_of,
        covers_from,
        generated_at: now,
        timezone,
        project: info,
        status: evaluated.status,
        completion: evaluated.completion,
        readiness: evaluated.readiness,
        indicators,
        changes,
    })
}

/// A piece of evidence as a report shows it.
pub fn evidence_facts(view: EvidenceView) -> EvidenceFacts {
    EvidenceFacts {
        reviewed: view.reviews.last().map(|r| (r.reviewer.clone(), r.at)),
        id: view.id,
        measured_on: view.measured_on,
        value: view.value,
        value_max: view.value_max,
        done: view.done,
        status: view.status,
        note: view.note,
        submitted_by: view.submitted_by,
        files: view.files.into_iter().map(|f| (f.name, f.sha256)).collect(),
    }
}

/// The names behind a project's ids.
fn project_info(conn: &mut DbConnection, project: &Project) -> Result<ProjectInfo, Failure> {
    let names = report_facts::project_names(conn, project)?;
    Ok(ProjectInfo {
        code: project.code.clone(),
        title: project.title.clone(),
        topic: format!("{}. {}", names.topic_number, names.topic),
        guide: names.guide,
        guide_doc_number: names.guide_doc_number,
        direction: names.direction,
        lead_institution: names.lead_institution,
        partners: names.partners.into_iter().map(|(name, region)| Partner { name, region }).collect(),
        pi: names.pi,
        officer: names.officer,
        funding_yuan: project.funding_yuan,
        execution_start: project.execution_start,
        execution_end: project.execution_end,
        original_end: project.original_end,
        contract_number: project.contract_number.clone(),
        state: project.state.as_str().to_owned(),
        baseline_frozen_at: project.baseline_frozen_at,
    })
}

/// The project's extensions, target changes, added indicators, baseline freeze and state changes from
/// its audit log, oldest first.
fn changes(conn: &mut DbConnection, project_id: i64) -> Result<Vec<ChangeFacts>, Failure> {
    let rows = report_facts::audit_rows(conn, project_id, &CHANGE_ACTIONS.map(|(action, _)| action))?;
    Ok(rows.into_iter().filter_map(|(at, action, detail, by)| change(at, &action, &detail, by)).collect())
}

/// One audit row as a change; `None` for details that do not parse (they are still in the history page).
fn change(at: NaiveDateTime, action: &str, detail: &str, by: Option<String>) -> Option<ChangeFacts> {
    let kind = CHANGE_ACTIONS.iter().find(|(name, _)| *name == action).map(|(_, kind)| *kind)?;
    let detail: Value = serde_json::from_str(detail).ok()?;
    let text = |v: &Value| v.as_str().map(str::to_owned);
    let changed = |v: &Value| text(v).map(Changed::Text);
    let target = |v: &Value| serde_json::from_value::<Target>(v.clone()).ok().map(Changed::Target);
    let reason = text(&detail["reason"]).filter(|r| !r.trim().is_empty());
    let (subject, before, after, reason) = match kind {
        ChangeKind::Extension => {
            (None, changed(&detail["before"]["execution_end"]), changed(&detail["after"]["execution_end"]), reason)
        }
        ChangeKind::State => (
            None,
            changed(&detail["before"]),
            changed(&detail["after"]),
            text(&detail["note"]).filter(|r| !r.trim().is_empty()),
        ),
        ChangeKind::BaselineFrozen => (None, None, None, None),
        ChangeKind::IndicatorAdded => {
            // Indicators registered with the project are not changes; only those added later are.
            if detail["after_baseline_freeze"] != Value::Bool(true) && reason.is_none() {
                return None;
            }
            (text(&detail["metric"]), None, target(&detail["after"]), reason)
        }
        ChangeKind::TargetChange => {
            let (before, after) = (target(&detail["before"]["target"]), target(&detail["after"]["target"]));
            if before == after {
                return None;
            }
            (text(&detail["after"]["metric"]), before, after, reason)
        }
    };
    Some(ChangeFacts { at, kind, by, subject, before, after, reason })
}

/// How many projects are evaluated per round trip: few enough that `IN (…)` lists stay well inside
/// both databases' parameter limits, many enough that round trips do not dominate.
const PROJECTS_PER_BATCH: usize = 200;

/// Everything the portfolio report shows: the projects of one guide (`None`: all), as of `as_of`;
/// refused for a date more than a year after the last of their execution periods ends.
/// `progress(done, total)` is called after each batch of projects, for the command line's bar.
pub fn portfolio_facts(
    conn: &mut DbConnection,
    guide_id: Option<i64>,
    as_of: NaiveDate,
    tracking: &Tracking,
    now: NaiveDateTime,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<PortfolioFacts, Failure> {
    let guide = match guide_id {
        Some(id) => Some(report_facts::guide_title(conn, id)?),
        None => None,
    };
    let projects = report_facts::projects_with_topics(conn, guide_id)?;
    if projects.iter().map(|(p, _, _)| life_end(p.execution_end)).max().is_some_and(|last| as_of > last) {
        return Err(Refusal::field("as_of", "report.portfolio_after_life").into());
    }
    let total = projects.len();
    let mut summaries = Vec::with_capacity(total);
    let mut overdue = Vec::new();
    let mut trend_dates = month_ends(projects.iter().map(|(p, _, _)| p.execution_start).min(), as_of);
    let mut trend_counts = vec![0usize; trend_dates.len()];
    for batch in projects.chunks(PROJECTS_PER_BATCH) {
        let ids: Vec<i64> = batch.iter().map(|(p, _, _)| p.id).collect();
        let names = batch_names(conn, batch)?;
        let mut regions: HashMap<i64, Vec<String>> = HashMap::new();
        for (project_id, region) in report_facts::partner_regions(conn, &ids)? {
            let list = regions.entry(project_id).or_default();
            if !list.contains(&region) {
                list.push(region);
            }
        }
        let indicator_ids = report_facts::indicator_ids(conn, &ids)?;
        let mut tracked: HashMap<i64, Vec<TrackedIndicator>> = HashMap::new();
        for t in project::tracked_indicators_by_id(conn, &indicator_ids)? {
            tracked.entry(t.project_id).or_default().push(t);
        }
        for (project, topic_number, topic) in batch {
            let mut tracked = tracked.remove(&project.id).unwrap_or_default();
            tracked.sort_by_key(|t| t.position);
            let period = Period { start: project.execution_start, end: project.execution_end };
            for t in &tracked {
                let spans = status::timeline(&t.target, &t.checkpoints, &t.observations, period, tracking.warning_days);
                count_overdue(&spans, &trend_dates, &mut trend_counts);
            }
            let evaluated =
                report(Loaded { project: project.clone(), tracked, pending: Default::default() }, as_of, tracking);
            let mut counts = [0usize; 6];
            for i in &evaluated.indicators {
                counts[crate::report::view::status_index(i.evaluation.status)] += 1;
                if matches!(i.evaluation.status, Status::Overdue | Status::Missed) {
                    overdue.push(OverdueFacts {
                        code: project.code.clone(),
                        metric: i.metric.clone(),
                        target: i.target.clone(),
                        status: i.evaluation.status,
                        since: i.evaluation.overdue_since,
                        days: i.evaluation.days_overdue,
                        planned: i.evaluation.planned_to_date,
                        measured: i.evaluation.measured,
                        measured_max: i.evaluation.current_max,
                    });
                }
            }
            let (lead_institution, pi) = names.get(&project.id).cloned().unwrap_or_default();
            summaries.push(ProjectSummary {
                code: project.code.clone(),
                title: project.title.clone(),
                topic: format!("{topic_number}. {topic}"),
                regions: regions.remove(&project.id).unwrap_or_default(),
                lead_institution,
                pi,
                execution_end: project.execution_end,
                state: project.state.as_str().to_owned(),
                status: evaluated.status,
                completion: evaluated.completion,
                readiness: evaluated.readiness,
                counts,
            });
        }
        progress(summaries.len(), total);
    }
    overdue.sort_by(|a, b| b.days.cmp(&a.days).then_with(|| a.code.cmp(&b.code)));
    trend_dates.truncate(trend_counts.len());
    Ok(PortfolioFacts {
        as_of,
        generated_at: now,
        guide,
        projects: summaries,
        overdue,
        overdue_trend: trend_dates.into_iter().zip(trend_counts).collect(),
    })
}

/// Lead institution and PI names of a batch of projects, by project id.
fn batch_names(
    conn: &mut DbConnection,
    batch: &[(Project, i32, String)],
) -> Result<HashMap<i64, (String, String)>, Failure> {
    let leads: Vec<i64> = batch.iter().map(|(p, _, _)| p.lead_institution_id).collect();
    let pis: Vec<i64> = batch.iter().map(|(p, _, _)| p.pi_user_id).collect();
    let institutions = report_facts::institution_names(conn, &leads)?;
    let people = crate::db::user::names(conn, &pis)?;
    Ok(batch
        .iter()
        .map(|(p, _, _)| {
            let lead = institutions.get(&p.lead_institution_id).cloned().unwrap_or_default();
            let pi = people.get(&p.pi_user_id).cloned().unwrap_or_default();
            (p.id, (lead, pi))
        })
        .collect())
}

/// The last day of every month from `first`'s month to `as_of`'s, and `as_of` itself as the last point.
fn month_ends(first: Option<NaiveDate>, as_of: NaiveDate) -> Vec<NaiveDate> {
    let Some(first) = first.filter(|f| *f <= as_of) else { return vec![as_of] };
    let mut dates = Vec::new();
    let mut month = first.with_day(1).unwrap_or(first);
    while let Some(next) = month.checked_add_months(Months::new(1)) {
        let end = next.pred_opt().unwrap_or(next);
        if end >= as_of {
            break;
        }
        dates.push(end);
        month = next;
    }
    dates.push(as_of);
    dates
}

/// Adds one indicator's overdue days among `dates` to `counts`.
fn count_overdue(spans: &[StatusSpan], dates: &[NaiveDate], counts: &mut [usize]) {
    for span in spans.iter().filter(|s| s.status == Status::Overdue) {
        for (date, count) in dates.iter().zip(counts.iter_mut()) {
            let started = span.from.is_none_or(|from| from <= *date);
            let ongoing = span.until.is_none_or(|until| *date < until);
            if started && ongoing {
                *count += 1;
            }
        }
    }
}

/// Freezes a made report: its files into the file store (first, so that no row names a missing file),
/// then its row and audit entry in one transaction, which secures the files against `files gc`.
#[allow(clippy::too_many_arguments)]
pub fn submit(
    conn: &mut DbConnection,
    files: &FileStore,
    made: &Made,
    project_id: Option<i64>,
    guide_id: Option<i64>,
    by: Option<i64>,
    now: NaiveDateTime,
    ip: Option<&str>,
) -> Result<Snapshot, Failure> {
    let stored_error = |e: std::io::Error| Failure::Internal(e.into());
    let html = files.store_bytes(made.html.as_bytes()).map_err(stored_error)?;
    let pdf = files.store_bytes(&made.pdf).map_err(stored_error)?;
    let (html_sha256, pdf_sha256) = (html.sha256().to_owned(), pdf.sha256().to_owned());
    let data_sha256 = hex::encode(Sha256::digest(made.data.as_bytes()));
    let id = crate::db::write_transaction(conn, |conn| {
        let id = stored::insert(
            conn,
            &NewSnapshot {
                kind: made.kind.as_str(),
                project_id,
                guide_id,
                as_of: made.as_of,
                lang: made.locale.tag(),
                title: &made.title,
                html_sha256: &html_sha256,
                html_bytes: made.html.len() as i64,
                pdf_sha256: &pdf_sha256,
                pdf_bytes: made.pdf.len() as i64,
                data: &made.data,
                data_sha256: &data_sha256,
                submitted_by: by,
                submitted_at: now,
            },
            ip,
        )?;
        for kept in [html, pdf] {
            crate::db::evidence::hold_object(conn, kept.sha256())?;
            files.secure(kept).map_err(stored_error)?;
        }
        Ok::<_, Failure>(id)
    })?;
    stored::find(conn, id)?.ok_or(Failure::Refused(Refusal::NotFound))
}
