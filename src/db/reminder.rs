//! What the reminder sweep reads: the checkpoints and overdue indicators of given dates (indexed
//! lookups, never a scan of every checkpoint), evidence waiting for review, the approaching terms,
//! and who to tell; and the log that makes every reminder item be queued once.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::DbConnection;
use super::by_name::ByName;
use super::schema::{
    evidence, indicator_status_spans as spans, indicators, institutions, milestones, projects, reminder_log,
    reminder_sweeps, settings, users,
};
use crate::domain::evidence_status::EvidenceStatus;
use crate::domain::guide::model::Period;
use crate::domain::plan::CheckpointKind;
use crate::domain::project_state::ProjectState;
use crate::domain::reminder::RuleDays;
use crate::domain::role::Role;
use crate::domain::status::Status;

/// The settings key under which the admin page stores the rules' days.
const RULES_KEY: &str = "reminders.rules";

/// The rules in force: the admin page's, or else the configuration's.
pub fn rule_days(conn: &mut DbConnection, configured: &RuleDays) -> QueryResult<RuleDays> {
    let stored: Option<String> = settings::table.find(RULES_KEY).select(settings::value).first(conn).optional()?;
    // A stored value that no longer reads (written by a later version) falls back to the
    // configuration rather than stopping every reminder.
    Ok(stored.and_then(|json| serde_json::from_str::<RuleDays>(&json).ok()).unwrap_or_else(|| configured.clone()))
}

/// Whether the admin page has changed the rules (otherwise the configuration's are in force).
pub fn rules_overridden(conn: &mut DbConnection) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(settings::table.find(RULES_KEY))).get_result(conn)
}

/// Stores the rules the admin page set; `None` returns to the configuration's.
pub fn set_rule_days(
    conn: &mut DbConnection,
    days: Option<&RuleDays>,
    user_id: i64,
    now: NaiveDateTime,
) -> QueryResult<()> {
    super::write_transaction(conn, |conn| {
        diesel::delete(settings::table.find(RULES_KEY)).execute(conn)?;
        if let Some(days) = days {
            let json = serde_json::to_string(days).map_err(|e| diesel::result::Error::SerializationError(e.into()))?;
            diesel::insert_into(settings::table)
                .values((
                    settings::key.eq(RULES_KEY),
                    settings::value.eq(json),
                    settings::updated_at.eq(now),
                    settings::updated_by.eq(user_id),
                ))
                .execute(conn)?;
        }
        Ok(())
    })
}

/// Dates bound in one query: a catch-up over many days looks up thousands of due dates, more than
/// SQLite binds at once.
const DATES_PER_QUERY: usize = 1_000;

/// The earliest start of an open project's execution period: nothing open is due before it, so the
/// overdue ladder's repeats need not reach further back.
pub fn earliest_open_start(conn: &mut DbConnection) -> QueryResult<Option<NaiveDate>> {
    projects::table
        .filter(projects::state.ne_all(closed_states()))
        .select(diesel::dsl::min(projects::execution_start))
        .first(conn)
}

/// The last day a sweep completed, if any did.
pub fn last_swept_day(conn: &mut DbConnection) -> QueryResult<Option<NaiveDate>> {
    reminder_sweeps::table.select(diesel::dsl::max(reminder_sweeps::day)).first(conn)
}

/// A completed sweep, as `reminder_sweeps` keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SweepRecord {
    /// The day swept.
    pub day: NaiveDate,
    /// The first day it covered.
    pub covered_from: NaiveDate,
    /// The days it skipped for being older than the catch-up limit, and the items on them.
    pub skipped: Option<(NaiveDate, NaiveDate, usize)>,
    /// Messages queued.
    pub messages: usize,
    /// When it finished (UTC).
    pub completed_at: NaiveDateTime,
}

/// Records that a sweep completed. A second sweep of the same day (another instance, or an operator
/// running it again) keeps the first one's row: the days it covered are the ones that count.
pub fn record_sweep(conn: &mut DbConnection, sweep: &SweepRecord) -> QueryResult<()> {
    let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    let row = (
        reminder_sweeps::day.eq(sweep.day),
        reminder_sweeps::covered_from.eq(sweep.covered_from),
        reminder_sweeps::skipped_from.eq(sweep.skipped.map(|s| s.0)),
        reminder_sweeps::skipped_until.eq(sweep.skipped.map(|s| s.1)),
        reminder_sweeps::skipped_items.eq(count(sweep.skipped.map_or(0, |s| s.2))),
        reminder_sweeps::messages.eq(count(sweep.messages)),
        reminder_sweeps::completed_at.eq(sweep.completed_at),
    );
    match conn {
        DbConnection::Sqlite(c) => {
            diesel::insert_into(reminder_sweeps::table).values(row).on_conflict_do_nothing().execute(c)?
        }
        DbConnection::Pg(c) => {
            diesel::insert_into(reminder_sweeps::table).values(row).on_conflict_do_nothing().execute(c)?
        }
    };
    Ok(())
}

/// The sweeps that had to skip days, latest first: what the outbox page shows.
pub fn skipped_sweeps(conn: &mut DbConnection, limit: i64) -> QueryResult<Vec<SweepRecord>> {
    type Row = (NaiveDate, NaiveDate, Option<NaiveDate>, Option<NaiveDate>, i64, i64, NaiveDateTime);
    let rows: Vec<Row> = reminder_sweeps::table
        .filter(reminder_sweeps::skipped_from.is_not_null())
        .order(reminder_sweeps::day.desc())
        .limit(limit)
        .select((
            reminder_sweeps::day,
            reminder_sweeps::covered_from,
            reminder_sweeps::skipped_from,
            reminder_sweeps::skipped_until,
            reminder_sweeps::skipped_items,
            reminder_sweeps::messages,
            reminder_sweeps::completed_at,
        ))
        .load(conn)?;
    let count = |n: i64| usize::try_from(n).unwrap_or_default();
    Ok(rows
        .into_iter()
        .map(|(day, covered_from, from, until, items, messages, completed_at)| SweepRecord {
            day,
            covered_from,
            skipped: from.zip(until).map(|(from, until)| (from, until, count(items))),
            messages: count(messages),
            completed_at,
        })
        .collect())
}

fn closed_states() -> Vec<&'static str> {
    ProjectState::ALL.into_iter().filter(|s| s.is_closed()).map(ProjectState::as_str).collect()
}

/// A checkpoint whose indicator does not meet it, as things stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct UnmetCheckpoint {
    /// The project.
    pub project_id: i64,
    /// The indicator.
    pub indicator_id: i64,
    /// The checkpoint's due date.
    pub due_on: NaiveDate,
}

/// The checkpoints due on `dues` of open projects that their indicators do not meet yet.
///
/// Read from the stored status timeline at the due date: an indicator that does not meet a
/// checkpoint due that day is at risk with that checkpoint (or already overdue with an earlier one,
/// in which case it is behind on this one too).
///
/// Two lookups, each starting from the few rows it needs: at-risk spans are found by the checkpoint
/// they name (`since`, indexed with the status), overdue spans by their status over the dates.
/// Starting every lookup from the checkpoints, as one query did, visited each checkpoint's every
/// span (213,738 pairs for 20,263 rows on one day at 10,000 projects).
pub fn unmet_checkpoints(conn: &mut DbConnection, dues: &[NaiveDate]) -> QueryResult<Vec<UnmetCheckpoint>> {
    let mut unmet: Vec<UnmetCheckpoint> = Vec::new();
    for dues in dues.chunks(DATES_PER_QUERY) {
        let at_risk = spans::table
            .inner_join(projects::table.on(projects::id.eq(spans::project_id)))
            .inner_join(milestones::table.on(
                milestones::indicator_id.eq(spans::indicator_id).and(milestones::due_on.nullable().eq(spans::since)),
            ))
            .filter(spans::status.eq(ByName(Status::AtRisk)))
            .filter(spans::since.eq_any(dues))
            .filter(spans::valid_from.le(milestones::due_on))
            .filter(spans::valid_until.is_null().or(spans::valid_until.gt(milestones::due_on.nullable())))
            .filter(milestones::superseded_at.is_null())
            .filter(projects::state.ne_all(closed_states()))
            .select((spans::project_id, spans::indicator_id, milestones::due_on))
            .load::<(i64, i64, NaiveDate)>(conn)?;
        // The bounds on the span's validity repeat, as constants, what the join's conditions imply,
        // so that the spans can be looked up by status and date rather than by checkpoint.
        let (first, last) = (dues.iter().min().copied(), dues.iter().max().copied());
        let (Some(first), Some(last)) = (first, last) else { continue };
        let overdue = spans::table
            .inner_join(milestones::table.on(milestones::indicator_id.eq(spans::indicator_id)))
            .inner_join(projects::table.on(projects::id.eq(spans::project_id)))
            .filter(spans::status.eq(ByName(Status::Overdue)))
            .filter(milestones::due_on.eq_any(dues))
            .filter(spans::valid_from.le(last))
            .filter(spans::valid_until.is_null().or(spans::valid_until.gt(first)))
            .filter(milestones::superseded_at.is_null())
            .filter(spans::valid_from.le(milestones::due_on))
            .filter(spans::valid_until.is_null().or(spans::valid_until.gt(milestones::due_on.nullable())))
            .filter(projects::state.ne_all(closed_states()))
            .select((spans::project_id, milestones::indicator_id, milestones::due_on))
            .load::<(i64, i64, NaiveDate)>(conn)?;
        unmet.extend(at_risk.into_iter().chain(overdue).map(|(project_id, indicator_id, due_on)| UnmetCheckpoint {
            project_id,
            indicator_id,
            due_on,
        }));
    }
    unmet.sort_unstable();
    unmet.dedup();
    Ok(unmet)
}

/// An indicator overdue (or, past the period end, missed) on a day, since one of the given dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct OverdueIndicator {
    /// The project.
    pub project_id: i64,
    /// The indicator.
    pub indicator_id: i64,
    /// The earliest due date that passed unmet.
    pub since: NaiveDate,
}

/// The indicators of open projects that are overdue or missed on `day` since one of `sinces`.
pub fn overdue_since(
    conn: &mut DbConnection,
    day: NaiveDate,
    sinces: &[NaiveDate],
) -> QueryResult<Vec<OverdueIndicator>> {
    if sinces.is_empty() {
        return Ok(Vec::new());
    }
    let mut rows: Vec<(i64, i64, Option<NaiveDate>)> = Vec::new();
    for sinces in sinces.chunks(DATES_PER_QUERY) {
        rows.extend(
            spans::table
                .inner_join(projects::table.on(projects::id.eq(spans::project_id)))
                .filter(spans::status.eq_any(["overdue", "missed"]))
                .filter(spans::since.eq_any(sinces))
                .filter(spans::valid_from.le(day))
                .filter(spans::valid_until.is_null().or(spans::valid_until.gt(day)))
                .filter(projects::state.ne_all(closed_states()))
                .select((spans::project_id, spans::indicator_id, spans::since))
                .load::<(i64, i64, Option<NaiveDate>)>(conn)?,
        );
    }
    let mut overdue: Vec<OverdueIndicator> = rows
        .into_iter()
        .filter_map(|(project_id, indicator_id, since)| {
            Some(OverdueIndicator { project_id, indicator_id, since: since? })
        })
        .collect();
    overdue.sort_unstable();
    Ok(overdue)
}

/// Which term is approaching.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Term {
    /// The mid-term check (中期检查): the plan's mid-term checkpoint.
    MidTerm,
    /// The end-of-term acceptance (结题验收): the last day of the execution period.
    Acceptance,
}

impl Term {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Term::MidTerm => "mid_term",
            Term::Acceptance => "acceptance",
        }
    }
}

/// The open projects whose mid-term check or end of term falls on one of `dues`.
pub fn terms_on(conn: &mut DbConnection, dues: &[NaiveDate]) -> QueryResult<Vec<(Term, i64, NaiveDate)>> {
    if dues.is_empty() {
        return Ok(Vec::new());
    }
    let mut mid: Vec<(i64, NaiveDate)> = Vec::new();
    let mut end: Vec<(i64, NaiveDate)> = Vec::new();
    for dues in dues.chunks(DATES_PER_QUERY) {
        mid.extend(
            milestones::table
                .inner_join(indicators::table.on(indicators::id.eq(milestones::indicator_id)))
                .inner_join(projects::table.on(projects::id.eq(indicators::project_id)))
                .filter(milestones::kind.eq(ByName(CheckpointKind::MidTerm)))
                .filter(milestones::due_on.eq_any(dues))
                .filter(milestones::superseded_at.is_null())
                .filter(projects::state.ne_all(closed_states()))
                .select((projects::id, milestones::due_on))
                .distinct()
                .load::<(i64, NaiveDate)>(conn)?,
        );
        end.extend(
            projects::table
                .filter(projects::execution_end.eq_any(dues))
                .filter(projects::state.ne_all(closed_states()))
                .select((projects::id, projects::execution_end))
                .load::<(i64, NaiveDate)>(conn)?,
        );
    }
    let mut terms: Vec<(Term, i64, NaiveDate)> = mid
        .into_iter()
        .map(|(p, d)| (Term::MidTerm, p, d))
        .chain(end.into_iter().map(|(p, d)| (Term::Acceptance, p, d)))
        .collect();
    terms.sort_unstable();
    terms.dedup();
    Ok(terms)
}

/// Evidence of open projects waiting for review: id, project, indicator, submitted at (UTC). A
/// closed project's evidence cannot be reviewed, so no one is reminded of it (as in the queue).
pub fn waiting_evidence(
    conn: &mut DbConnection,
    before: NaiveDateTime,
) -> QueryResult<Vec<(i64, i64, i64, NaiveDateTime)>> {
    evidence::table
        .inner_join(indicators::table.on(indicators::id.eq(evidence::indicator_id)))
        .inner_join(projects::table.on(projects::id.eq(indicators::project_id)))
        .filter(evidence::status.eq(ByName(EvidenceStatus::Pending)))
        .filter(projects::state.ne_all(closed_states()))
        .filter(evidence::created_at.lt(before))
        .order((evidence::created_at.asc(), evidence::id.asc()))
        .select((evidence::id, indicators::project_id, evidence::indicator_id, evidence::created_at))
        .load(conn)
}

/// Someone with an account who receives mail.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Serialize, Deserialize)]
pub struct Person {
    /// The account.
    pub user_id: i64,
    /// Address.
    pub email: String,
    /// Display name.
    pub name: String,
    /// `zh-CN` or `en`.
    pub locale: String,
    /// Whether they turned digests off.
    pub digest_opt_out: bool,
}

type PersonColumns = (users::id, users::email, users::name, users::locale, users::digest_opt_out);
const PERSON: PersonColumns = (users::id, users::email, users::name, users::locale, users::digest_opt_out);

/// The person with this account, if it is active.
pub fn active_person(conn: &mut DbConnection, user_id: i64) -> QueryResult<Option<Person>> {
    users::table.filter(users::id.eq(user_id)).filter(users::active.eq(true)).select(PERSON).first(conn).optional()
}

/// A lead institution's research office (科研处), which has an address but no account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Office {
    /// The institution.
    pub institution_id: i64,
    /// How to address it: the office's name with the institution's.
    pub name: String,
    /// Address.
    pub email: String,
}

/// A project as reminders name it, with the people to tell.
#[derive(Debug, Clone)]
pub struct ProjectContacts {
    /// The project.
    pub id: i64,
    /// 项目编号.
    pub code: String,
    /// Title.
    pub title: String,
    /// The execution period.
    pub period: Period,
    /// The PI, when their account is active.
    pub pi: Option<Person>,
    /// The officer in charge, when assigned and active.
    pub officer: Option<Person>,
    /// The lead institution's research office, when it has an address.
    pub office: Option<Office>,
}

/// The contacts of some projects, by id.
pub fn contacts(conn: &mut DbConnection, project_ids: &[i64]) -> QueryResult<HashMap<i64, ProjectContacts>> {
    let mut found = HashMap::new();
    for chunk in project_ids.chunks(5_000) {
        type Row =
            (i64, String, String, NaiveDate, NaiveDate, i64, Option<i64>, i64, String, Option<String>, Option<String>);
        let rows: Vec<Row> = projects::table
            .inner_join(institutions::table.on(institutions::id.eq(projects::lead_institution_id)))
            .filter(projects::id.eq_any(chunk))
            .select((
                projects::id,
                projects::code,
                projects::title,
                projects::execution_start,
                projects::execution_end,
                projects::pi_user_id,
                projects::officer_user_id,
                institutions::id,
                institutions::name,
                institutions::research_office_name,
                institutions::research_office_email,
            ))
            .load(conn)?;
        let user_ids: Vec<i64> = rows.iter().flat_map(|r| [Some(r.5), r.6]).flatten().collect();
        let people: HashMap<i64, Person> = users::table
            .filter(users::id.eq_any(&user_ids))
            .filter(users::active.eq(true))
            .select(PERSON)
            .load::<Person>(conn)?
            .into_iter()
            .map(|p| (p.user_id, p))
            .collect();
        for (id, code, title, start, end, pi, officer, institution_id, institution, office_name, office_email) in rows {
            let office = office_email.filter(|e| !e.trim().is_empty()).map(|email| Office {
                institution_id,
                name: format!("{institution}{}", office_name.unwrap_or_default()),
                email,
            });
            let contacts = ProjectContacts {
                id,
                code,
                title,
                period: Period { start, end },
                pi: people.get(&pi).cloned(),
                officer: officer.and_then(|o| people.get(&o).cloned()),
                office,
            };
            found.insert(id, contacts);
        }
    }
    Ok(found)
}

/// Every active staff member.
pub fn staff(conn: &mut DbConnection) -> QueryResult<Vec<Person>> {
    users::table
        .filter(users::role.eq(ByName(Role::Staff)))
        .filter(users::active.eq(true))
        .order(users::id.asc())
        .select(PERSON)
        .load(conn)
}

/// Which of `keys` are already in the log.
pub fn logged(conn: &mut DbConnection, keys: &[String]) -> QueryResult<std::collections::HashSet<String>> {
    let mut found = std::collections::HashSet::new();
    for chunk in keys.chunks(5_000) {
        found.extend(
            reminder_log::table
                .filter(reminder_log::item_key.eq_any(chunk))
                .select(reminder_log::item_key)
                .load::<String>(conn)?,
        );
    }
    Ok(found)
}

/// Logs items, each as carried by its message's outbox key, and returns the keys that were new:
/// an item logged before (by an earlier sweep, or by another instance sweeping at the same moment,
/// whose insert this one waits for) is left out.
pub fn log_items(
    conn: &mut DbConnection,
    items: &[(&str, &str)],
    now: NaiveDateTime,
) -> QueryResult<std::collections::HashSet<String>> {
    let mut fresh = std::collections::HashSet::new();
    // Three parameters a row; SQLite allows 32,766 in one statement.
    for chunk in items.chunks(2_000) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|(item, message)| {
                (
                    reminder_log::item_key.eq(*item),
                    reminder_log::outbox_key.eq(*message),
                    reminder_log::created_at.eq(now),
                )
            })
            .collect();
        let inserted: Vec<String> = match conn {
            DbConnection::Sqlite(c) => diesel::insert_into(reminder_log::table)
                .values(&rows)
                .on_conflict_do_nothing()
                .returning(reminder_log::item_key)
                .get_results(c)?,
            DbConnection::Pg(c) => diesel::insert_into(reminder_log::table)
                .values(&rows)
                .on_conflict_do_nothing()
                .returning(reminder_log::item_key)
                .get_results(c)?,
        };
        fresh.extend(inserted);
    }
    Ok(fresh)
}

/// One indicator needing attention on a day, for the digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attention {
    /// The project's code.
    pub code: String,
    /// The project's title.
    pub title: String,
    /// The indicator's metric.
    pub metric: String,
    /// Overdue or at risk.
    pub status: Status,
    /// Overdue since, or at risk with a checkpoint due on.
    pub since: Option<NaiveDate>,
}

/// The overdue and at-risk indicators of open projects on `day`, grouped by project (in code
/// order); only the projects `officer` is in charge of when given.
pub fn attention(conn: &mut DbConnection, day: NaiveDate, officer: Option<i64>) -> QueryResult<Vec<Attention>> {
    let mut query = spans::table
        .inner_join(projects::table.on(projects::id.eq(spans::project_id)))
        .inner_join(indicators::table.on(indicators::id.eq(spans::indicator_id)))
        .filter(spans::status.eq_any([ByName(Status::Overdue), ByName(Status::AtRisk)]))
        .filter(spans::valid_from.le(day))
        .filter(spans::valid_until.is_null().or(spans::valid_until.gt(day)))
        .filter(projects::state.ne_all(closed_states()))
        .select((projects::code, projects::title, indicators::metric, spans::status, spans::since))
        .order((projects::code.asc(), spans::status.desc(), spans::since.asc(), indicators::position.asc()))
        .into_boxed();
    if let Some(officer) = officer {
        query = query.filter(projects::officer_user_id.eq(officer));
    }
    Ok(query
        .load::<(String, String, String, ByName<Status>, Option<NaiveDate>)>(conn)?
        .into_iter()
        .map(|(code, title, metric, ByName(status), since)| Attention { code, title, metric, status, since })
        .collect())
}

/// Whether anyone is the officer in charge of an open project; a staff member who is in charge of
/// none receives the whole portfolio's digest.
pub fn in_charge_of_any(conn: &mut DbConnection, user_id: i64) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        projects::table.filter(projects::officer_user_id.eq(user_id)).filter(projects::state.ne_all(closed_states())),
    ))
    .get_result(conn)
}

/// Every active staff member who has not turned digests off.
pub fn digest_readers(conn: &mut DbConnection) -> QueryResult<Vec<Person>> {
    Ok(staff(conn)?.into_iter().filter(|p| !p.digest_opt_out).collect())
}
