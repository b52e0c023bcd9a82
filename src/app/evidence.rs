//! Evidence (佐证材料) as people see it, and who may report on an indicator: a project's or an
//! indicator's evidence as of a date, one piece with its indicator and checklist, a file to send,
//! and what reporting on an indicator asks for. Evidence of a project the user may not see is not
//! found; only commission staff learn where else a file is attached.

use chrono::NaiveDate;

use super::evaluation::{IndicatorReport, load, report};
use crate::config::Tracking;
use crate::db::DbConnection;
use crate::db::evidence;
use crate::db::project::{self, TrackedIndicator};
use crate::db::user::User;
use crate::domain::evidence_status::EvidenceStatus;
use crate::domain::proof::{self, ProofKind};
use crate::domain::refusal::{Failure, Refusal};
use crate::domain::target::Target;
use crate::files::FileStore;
use crate::files::kind::shown_name;

/// Evidence with its files and reviews, as listed and shown.
pub use crate::db::evidence::EvidenceView;
/// A file of a piece of evidence, and a review of it, as listed.
pub use crate::db::evidence::{FileView, ReviewView};
/// A project, as evidence and reporting name it.
pub use crate::db::project::Project;

/// An indicator a user may report on, with its project and the proof it asks for.
#[derive(Debug, Clone)]
pub struct Reportable {
    /// The project.
    pub project: Project,
    /// The indicator.
    pub indicator: TrackedIndicator,
    /// The kinds of proof it asks for.
    pub proof: Vec<ProofKind>,
}

/// Loads an indicator for reporting: 404 when the user may not see its project, 403 when they
/// may see but not report (staff, experts), 409 when the project is closed.
pub fn reportable(conn: &mut DbConnection, user: &User, indicator_id: i64) -> Result<Reportable, Failure> {
    let indicator = project::tracked_indicators_by_id(conn, &[indicator_id])?
        .into_iter()
        .next()
        .ok_or(Failure::Refused(Refusal::NotFound))?;
    let project = project::find_by_id(conn, indicator.project_id)?.ok_or(Failure::Refused(Refusal::NotFound))?;
    if !project::can_view(conn, user, &project)? {
        return Err(Failure::Refused(Refusal::NotFound));
    }
    if !evidence::can_contribute(conn, user, &project)? {
        return Err(Failure::Refused(Refusal::Forbidden));
    }
    if project.state.is_closed() {
        return Err(Failure::Refused(Refusal::Conflict("indicator.project_closed")));
    }
    let stored = evidence::proof_lists(conn, &[indicator_id])?;
    let proof =
        proof::required(stored.get(&indicator_id).map_or("", String::as_str), &indicator.metric, &indicator.target);
    Ok(Reportable { project, indicator, proof })
}

/// Every indicator of a project a user may report on, for the annual progress report.
pub fn reportable_project(conn: &mut DbConnection, user: &User, code: &str) -> Result<Vec<Reportable>, Failure> {
    let project = super::projects::find(conn, user, code)?;
    if !evidence::can_contribute(conn, user, &project)? {
        return Err(Failure::Refused(Refusal::Forbidden));
    }
    if project.state.is_closed() {
        return Err(Failure::Refused(Refusal::Conflict("indicator.project_closed")));
    }
    let indicators = project::tracked_indicators(conn, project.id)?;
    let ids: Vec<i64> = indicators.iter().map(|i| i.id).collect();
    let stored = evidence::proof_lists(conn, &ids)?;
    Ok(indicators
        .into_iter()
        .map(|indicator| Reportable {
            proof: proof::required(
                stored.get(&indicator.id).map_or("", String::as_str),
                &indicator.metric,
                &indicator.target,
            ),
            project: project.clone(),
            indicator,
        })
        .collect())
}

/// Names every file of these views as it is shown and sent: cleaned, and ending in its type's
/// extension (a name stored before extensions were enforced may not).
fn shown_names(views: &mut [EvidenceView]) {
    for file in views.iter_mut().flat_map(|v| v.files.iter_mut()) {
        file.name = shown_name(&file.name, &file.content_type);
    }
}

/// Fills in where else each file is attached, for commission staff only (see
/// `db::evidence::show_reuse`), and names the files as shown.
fn as_seen_by(conn: &mut DbConnection, user: &User, views: &mut [EvidenceView]) -> Result<(), Failure> {
    if evidence::can_review(user) {
        evidence::show_reuse(conn, views)?;
    }
    shown_names(views);
    Ok(())
}

/// A project's evidence measured on or before `as_of`, newest first, its files named as shown: what
/// a report lists (the caller has checked access).
pub(crate) fn of_project(
    conn: &mut DbConnection,
    project_id: i64,
    as_of: NaiveDate,
) -> Result<Vec<EvidenceView>, Failure> {
    let mut views = evidence::for_project(conn, project_id, as_of)?;
    shown_names(&mut views);
    Ok(views)
}

/// A project's evidence measured on or before `as_of`, newest first, with files and reviews.
pub fn list(conn: &mut DbConnection, user: &User, code: &str, as_of: NaiveDate) -> Result<Vec<EvidenceView>, Failure> {
    let project = super::projects::find(conn, user, code)?;
    let mut views = evidence::for_project(conn, project.id, as_of)?;
    as_seen_by(conn, user, &mut views)?;
    Ok(views)
}

/// One piece of evidence with its files and reviews, if the user may see its project.
pub fn show(conn: &mut DbConnection, user: &User, id: i64) -> Result<EvidenceView, Failure> {
    let (project, mut view) = evidence::find(conn, id)?.ok_or(Failure::Refused(Refusal::NotFound))?;
    if !project::can_view(conn, user, &project)? {
        return Err(Failure::Refused(Refusal::NotFound));
    }
    as_seen_by(conn, user, std::slice::from_mut(&mut view))?;
    Ok(view)
}

/// What an indicator's page shows of its evidence: the evidence measured by `as_of`, newest first;
/// whether the user may report on it (PI or member of an open project); and the kinds of proof it
/// asks for. The caller has loaded the project for the user.
pub fn indicator_section(
    conn: &mut DbConnection,
    user: &User,
    project: &Project,
    (indicator_id, metric, target): (i64, &str, &Target),
    as_of: NaiveDate,
) -> Result<(Vec<EvidenceView>, bool, Vec<ProofKind>), Failure> {
    let mut items = evidence::for_indicator(conn, indicator_id, as_of)?;
    shown_names(&mut items);
    let contributes = !project.state.is_closed() && evidence::can_contribute(conn, user, project)?;
    let stored = evidence::proof_lists(conn, &[indicator_id])?;
    let proof = proof::required(stored.get(&indicator_id).map_or("", String::as_str), metric, target);
    Ok((items, contributes, proof))
}

/// One piece of evidence as its page shows it.
#[derive(Debug)]
pub struct EvidencePage {
    /// Its project.
    pub project: Project,
    /// The evidence.
    pub evidence: EvidenceView,
    /// Its indicator, evaluated as of today.
    pub indicator: IndicatorReport,
    /// The indicator's other evidence measured by today, newest first.
    pub others: Vec<EvidenceView>,
    /// The checklist: each kind of proof asked for, and whether a file of that kind is attached.
    pub checklist: Vec<(ProofKind, bool)>,
    /// Whether the user may review it now (staff, pending evidence, open project).
    pub reviewing: bool,
    /// For a reviewer, the oldest other evidence waiting for review: where to go on after this one.
    pub next_pending: Option<i64>,
}

/// A piece of evidence with its indicator as of `today`: not found when the user may not see its
/// project.
pub fn page(
    conn: &mut DbConnection,
    user: &User,
    id: i64,
    today: NaiveDate,
    tracking: &Tracking,
) -> Result<EvidencePage, Failure> {
    let (project, mut view) = evidence::find(conn, id)?.ok_or(Failure::Refused(Refusal::NotFound))?;
    let loaded = load(conn, user, &project.code)?;
    as_seen_by(conn, user, std::slice::from_mut(&mut view))?;
    let mut others: Vec<EvidenceView> =
        evidence::for_indicator(conn, view.indicator_id, today)?.into_iter().filter(|e| e.id != id).collect();
    shown_names(&mut others);
    let stored = evidence::proof_lists(conn, &[view.indicator_id])?;
    let report = report(loaded, today, tracking);
    let project = report.project;
    let indicator =
        report.indicators.into_iter().find(|i| i.id == view.indicator_id).ok_or(Failure::Refused(Refusal::NotFound))?;
    let required =
        proof::required(stored.get(&indicator.id).map_or("", String::as_str), &indicator.metric, &indicator.target);
    let checklist = required.into_iter().map(|k| (k, view.files.iter().any(|f| f.kind == Some(k)))).collect();
    let reviewing = evidence::can_review(user) && view.status == EvidenceStatus::Pending && !project.state.is_closed();
    let next_pending = if evidence::can_review(user) {
        evidence::queue(conn, 0, 2)?.0.into_iter().map(|item| item.evidence_id).find(|&other| other != id)
    } else {
        None
    };
    Ok(EvidencePage { project, evidence: view, indicator, others, checklist, reviewing, next_pending })
}

/// A stored file opened to be sent.
#[derive(Debug)]
pub struct FileToSend {
    /// The name to send it under: the uploaded name, ending in its type's extension.
    pub name: String,
    /// MIME type.
    pub content_type: String,
    /// Size in bytes.
    pub size: i64,
    /// The content.
    pub file: std::fs::File,
}

/// The `n`th file (from 1) of a piece of evidence, opened: not found when the user may not see the
/// project, or there is no such file. Blocking: it opens the file.
pub fn open_file(
    conn: &mut DbConnection,
    store: &FileStore,
    user: &User,
    evidence_id: i64,
    n: usize,
) -> Result<FileToSend, Failure> {
    let project = evidence::project_of(conn, evidence_id)?.ok_or(Failure::Refused(Refusal::NotFound))?;
    if !project::can_view(conn, user, &project)? {
        return Err(Failure::Refused(Refusal::NotFound));
    }
    let download = evidence::download(conn, evidence_id, n)?.ok_or(Failure::Refused(Refusal::NotFound))?;
    let file = std::fs::File::open(store.path_of(&download.sha256))
        .map_err(|e| anyhow::Error::new(e).context(format!("stored file {} is missing", download.sha256)))?;
    Ok(FileToSend {
        name: shown_name(&download.name, &download.content_type),
        content_type: download.content_type,
        size: download.size,
        file,
    })
}
