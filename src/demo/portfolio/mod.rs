//! A deterministic synthetic portfolio (`coop-tracker demo seed --projects N --seed S`): projects under
//! the directions of two consecutive years' guides (the 2024 guide's shape), spread over lead institutions and cooperation
//! regions, 4–10 indicators each with their planned checkpoints, and verified evidence of varying
//! pace, so that roughly a fifth of the checkpoints due by today are overdue. The same seed gives the
//! same portfolio. Rows are generated in memory a thousand projects at a time and written with
//! multi-row inserts in one transaction per batch, fast enough for 100,000 projects.

mod evidence;

use anyhow::{Context, anyhow};
use chrono::{NaiveDate, NaiveDateTime};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::db::bulk::{self, EvidenceRow, IndicatorRow, MilestoneRow, NextIds, ProjectRow, UserRow};
use crate::db::institution::{self, InstitutionFields};
use crate::db::overdue::SpanRow;
use crate::db::{DbConnection, audit, guide, user};
use crate::domain::evidence_status::EvidenceStatus;
use crate::domain::guide::model::{Indicator, Op, Period};
use crate::domain::plan::{self, Profile, Schedule};
use crate::domain::role::Role;
use crate::domain::status::{self, Status};
use crate::domain::target::{Observation, Target};
use evidence::{class_of, evidence_for, record_baseline};

/// How many of the first projects the demonstration PI leads.
const DEMO_PI_PROJECTS: usize = 3;

/// Projects generated and written per transaction.
const BATCH: usize = 1_000;

/// Shanghai lead institutions (承担单位).
const LEADS: [&str; 12] = [
    "华东理工大学",
    "上海交通大学",
    "复旦大学",
    "同济大学",
    "华东师范大学",
    "上海大学",
    "东华大学",
    "上海海洋大学",
    "上海理工大学",
    "上海中医药大学",
    "上海市农业科学院",
    "中国科学院上海有机化学研究所",
];

/// Partner institutions (合作单位) and their regions.
const PARTNERS: [(&str, &str); 12] = [
    ("新疆大学", "新疆维吾尔自治区"),
    ("石河子大学", "新疆维吾尔自治区"),
    ("喀什大学", "新疆维吾尔自治区"),
    ("西藏农牧科学院", "西藏自治区"),
    ("西藏大学", "西藏自治区"),
    ("青海大学", "青海省"),
    ("云南大学", "云南省"),
    ("云南农业大学", "云南省"),
    ("昆明理工大学", "云南省"),
    ("贵州大学", "贵州省"),
    ("宁夏大学", "宁夏回族自治区"),
    ("内蒙古大学", "内蒙古自治区"),
];

/// Indicators task books add to a direction's (parsed like the guide's own).
const TASK_BOOK: [&str; 10] = [
    "培养技术人员不少于40人次",
    "申请发明专利不少于3项",
    "发表高水平论文不少于5篇",
    "示范推广种植5000亩以上",
    "建立示范基地不少于2个",
    "制定技术标准或规范2项",
    "带动当地农户增收10%以上",
    "举办技术培训班不少于6期",
    "技术转移转化收入不少于100万元",
    "形成可推广的技术方案1套",
];

const SURNAMES: [&str; 16] =
    ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭"];
const GIVEN: [&str; 16] =
    ["伟", "芳", "敏", "静", "磊", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "霞", "平", "刚"];

/// What a seeding run wrote.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Seeded {
    /// Projects.
    pub projects: usize,
    /// Indicators.
    pub indicators: usize,
    /// Checkpoints.
    pub checkpoints: usize,
    /// Evidence rows (verified and pending).
    pub evidence: usize,
    /// Checkpoints due before today.
    pub checkpoints_due: usize,
    /// Of those, how many are overdue or missed today (passed unmet).
    pub checkpoints_overdue: usize,
    /// Whether the portfolio was already there (nothing written).
    pub already_seeded: bool,
}

/// A direction projects can be registered under.
struct Direction {
    id: i64,
    guide_year: i32,
    period: Period,
    cap: Option<i64>,
    title: String,
    templates: Vec<(Option<i64>, Indicator)>,
}

/// The 2024 guide moved by `years`: every year written before 年 or 〕 shifted, so that the same
/// directions and indicators read as another year's call.
fn shifted_guide(text: &str, years: i32) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let year: String = chars[i..chars.len().min(i + 4)].iter().collect();
        let is_year = year.len() == 4
            && year.starts_with("20")
            && year.chars().all(|c| c.is_ascii_digit())
            && matches!(chars.get(i + 4), Some('年' | '〕'))
            && (i == 0 || !chars[i - 1].is_ascii_digit());
        match year.parse::<i32>() {
            Ok(y) if is_year => {
                out.push_str(&(y + years).to_string());
                i += 4;
            }
            _ => {
                out.push(chars[i]);
                i += 1;
            }
        }
    }
    out
}

/// The calls the portfolio was approved under: the latest one whose projects are a year into their
/// two-year execution period on `today`, and the one before, whose projects have just ended (for a
/// run in late 2026: the 2024 guide as published and the same guide a year on).
fn guide_years(today: NaiveDate) -> [i32; 2] {
    let latest = chrono::Datelike::year(&today) - 1;
    [latest - 1, latest]
}

fn directions(conn: &mut DbConnection, today: NaiveDate, now: NaiveDateTime) -> anyhow::Result<Vec<Direction>> {
    let mut out = Vec::new();
    for year in guide_years(today) {
        let text = shifted_guide(super::DEMO_GUIDE, year - 2024);
        let parsed = crate::domain::guide::parse(&text);
        let doc_number = parsed.doc_number.clone().ok_or_else(|| anyhow!("the {year} demo guide has no number"))?;
        let id = match guide::find_id_by_doc_number(conn, &doc_number)? {
            Some(id) => id,
            None => {
                parsed.check_importable().map_err(|e| anyhow!("demo guide {year}: {e}"))?;
                guide::store(conn, &parsed, &text, None, now)?.id
            }
        };
        let stored = guide::find(conn, id)?.ok_or_else(|| anyhow!("demo guide {year} vanished"))?;
        for direction in stored.topics.into_iter().flat_map(|t| t.directions) {
            out.push(Direction {
                id: direction.row.id,
                guide_year: year,
                period: Period { start: direction.row.execution_start, end: direction.row.execution_end },
                cap: direction.row.funding_cap_yuan,
                title: direction.row.title,
                templates: direction.indicators.into_iter().map(|t| (Some(t.id), t.indicator)).collect(),
            });
        }
    }
    Ok(out)
}

/// Lead institution ids, and partner institution ids with their regions' ids.
type Institutions = (Vec<i64>, Vec<(i64, i64)>);

/// The lead and partner institutions, created when missing.
fn institutions(conn: &mut DbConnection, now: NaiveDateTime) -> anyhow::Result<Institutions> {
    let existing = institution::list(conn)?;
    let ensure = |conn: &mut DbConnection, name: &str, region: &str, in_shanghai: bool| -> anyhow::Result<(i64, i64)> {
        let region_id = institution::ensure_region(conn, region, now)?;
        let id = match existing.iter().find(|(i, _)| i.name == name) {
            Some((found, _)) => found.id,
            None => institution::insert(
                conn,
                &InstitutionFields {
                    name,
                    region_id: Some(region_id),
                    in_shanghai,
                    research_office_name: Some("科研处"),
                    research_office_email: None,
                    updated_at: now,
                },
                now,
            )?,
        };
        Ok((id, region_id))
    };
    let leads =
        LEADS.iter().map(|name| ensure(conn, name, "上海市", true).map(|(id, _)| id)).collect::<Result<_, _>>()?;
    let partners = PARTNERS.iter().map(|(name, region)| ensure(conn, name, region, false)).collect::<Result<_, _>>()?;
    Ok((leads, partners))
}

/// One generated project with everything under it.
struct Generated {
    project: ProjectRow,
    indicators: Vec<IndicatorRow>,
    milestones: Vec<MilestoneRow>,
    evidence: Vec<EvidenceRow>,
    spans: Vec<SpanRow>,
    due: usize,
    overdue: usize,
}

struct Setting<'a> {
    directions: &'a [Direction],
    task_book: Vec<Indicator>,
    leads: Vec<i64>,
    partners: Vec<(i64, i64)>,
    first_pi: i64,
    pis: usize,
    officer: Option<i64>,
    demo_pi: Option<i64>,
    seed: u64,
    today: NaiveDate,
    warning_days: i64,
}

/// Generates project `n`; `next` holds the next free indicator and evidence ids, advanced past those used.
fn generate(rng: &mut StdRng, ctx: &Setting<'_>, project_id: i64, next: &mut NextIds, n: usize) -> Generated {
    let direction = &ctx.directions[rng.gen_range(0..ctx.directions.len())];
    // The first projects belong to the demonstration PI, so that logging in as them shows a portfolio.
    let pi = match ctx.demo_pi {
        Some(id) if n < DEMO_PI_PROJECTS => id,
        _ => ctx.first_pi + (n % ctx.pis) as i64,
    };
    let mut partners = vec![ctx.partners[rng.gen_range(0..ctx.partners.len())]];
    if rng.gen_bool(0.3) {
        let second = ctx.partners[rng.gen_range(0..ctx.partners.len())];
        if second.0 != partners[0].0 {
            partners.push(second);
        }
    }
    let wan = rng.gen_range(30..=300) * 10_000;
    let funding_yuan = direction.cap.map_or(wan, |cap| wan.min(cap));
    let code = format!("SH{}-D{:03}-{}-{:06}", direction.guide_year, direction.id, ctx.seed, n + 1);
    let project = ProjectRow {
        id: project_id,
        title: format!("{}（{}）", direction.title, n + 1),
        code,
        direction_id: direction.id,
        lead_institution_id: ctx.leads[rng.gen_range(0..ctx.leads.len())],
        pi_user_id: pi,
        officer_user_id: ctx.officer,
        funding_yuan,
        start: direction.period.start,
        end: direction.period.end,
        contract_number: format!("{}31{:010}", direction.guide_year, project_id),
        partners,
    };

    let wanted = rng.gen_range(4..=10usize);
    let mut chosen: Vec<(Option<i64>, &Indicator)> =
        direction.templates.iter().take(wanted).map(|(id, i)| (*id, i)).collect();
    let mut extra = rng.gen_range(0..ctx.task_book.len());
    while chosen.len() < wanted {
        chosen.push((None, &ctx.task_book[extra % ctx.task_book.len()]));
        extra += 1;
    }

    let mut out = Generated {
        project,
        indicators: Vec::new(),
        milestones: Vec::new(),
        evidence: Vec::new(),
        spans: Vec::new(),
        due: 0,
        overdue: 0,
    };
    let period = direction.period;
    for (position, (template_id, indicator)) in chosen.into_iter().enumerate() {
        let id = next.indicator;
        next.indicator += 1;
        let mut target = Target::from_indicator(indicator);
        if target.change.is_some() {
            record_baseline(rng, &mut target, &indicator.metric, period.start);
        }
        target.class = class_of(&target);
        let schedule = match rng.gen_range(0..10) {
            0 => Schedule::Quarterly,
            1 | 2 => Schedule::HalfYearly,
            _ => Schedule::MidtermAndEnd,
        };
        let checkpoints = if target.op == Op::Deliverable {
            plan::plan_deliverable(period.start, period.end, None)
        } else {
            plan::plan(period.start, period.end, &target, schedule, &Profile::default_for(&target))
        }
        .unwrap_or_default();
        let reports = evidence_for(rng, &target, &checkpoints, ctx.today);
        let verified: Vec<Observation> = reports.iter().filter(|(_, v)| *v).map(|(o, _)| o.clone()).collect();
        for span in status::timeline(&target, &checkpoints, &verified, period, ctx.warning_days) {
            out.spans.push((id, project_id, span.status.as_str(), span.since, span.from, span.until));
        }
        for checkpoint in checkpoints.iter().filter(|c| c.due_on < ctx.today) {
            out.due += 1;
            let alone = status::evaluate(&target, std::slice::from_ref(checkpoint), &verified, period, ctx.today, 0);
            let unmet = matches!(alone.status, Status::Overdue | Status::Missed)
                && alone.overdue_since == Some(checkpoint.due_on);
            out.overdue += usize::from(unmet);
        }
        out.milestones.extend(checkpoints.iter().map(|c| (id, c.kind.as_str(), c.due_on, c.planned)));
        out.evidence.extend(reports.into_iter().map(|(o, verified)| EvidenceRow {
            id: {
                next.evidence += 1;
                next.evidence - 1
            },
            indicator_id: id,
            submitted_by: pi,
            value: o.value,
            value_max: o.value_max,
            done: o.done,
            measured_on: o.measured_on,
            note: "示范数据",
            status: if verified { EvidenceStatus::Accepted } else { EvidenceStatus::Pending },
        }));
        out.indicators.push(IndicatorRow {
            id,
            project_id,
            template_id,
            position: position as i32 + 1,
            metric: indicator.metric.clone(),
            op: target.op.as_str(),
            value: target.value,
            min: target.min,
            max: target.max,
            unit: target.unit.clone(),
            change: target.change.map(|c| c.as_str()),
            baseline: target.baseline,
            baseline_unit: target.baseline_unit.clone(),
            baseline_on: target.baseline_on,
            baseline_source: target.baseline_source.clone(),
            aggregation: target.aggregation.as_str(),
            class: target.class.as_str(),
        });
    }
    out
}

/// The audit rows of a generated project, as the app writes them when the same rows are made through
/// it: its registration by the officer (with every indicator and checkpoint), each report submitted by
/// the PI, and the officer's acceptance of each verified one.
fn audit_entries(g: &Generated, officer: Option<i64>, seed: u64) -> Vec<audit::AuditEntry<'static, serde_json::Value>> {
    let p = &g.project;
    let indicators: Vec<serde_json::Value> = g
        .indicators
        .iter()
        .map(|i| {
            let checkpoints: Vec<_> = g
                .milestones
                .iter()
                .filter(|m| m.0 == i.id)
                .map(|m| serde_json::json!({ "kind": m.1, "due_on": m.2, "planned": m.3 }))
                .collect();
            serde_json::json!({ "id": i.id, "metric": i.metric, "target": { "op": i.op, "value": i.value,
                "min": i.min, "max": i.max, "unit": i.unit, "change": i.change, "baseline": i.baseline,
                "baseline_unit": i.baseline_unit, "baseline_on": i.baseline_on, "baseline_source": i.baseline_source,
                "aggregation": i.aggregation, "class": i.class }, "checkpoints": checkpoints })
        })
        .collect();
    let entry = |actor, action, entity, entity_id, detail| audit::AuditEntry {
        actor,
        action,
        entity,
        entity_id: Some(entity_id),
        project_id: Some(p.id),
        detail,
        ip: None,
    };
    let registration = serde_json::json!({ "after": { "code": p.code, "title": p.title,
        "direction_id": p.direction_id, "lead_institution_id": p.lead_institution_id, "pi_user_id": p.pi_user_id,
        "funding_yuan": p.funding_yuan, "execution": [p.start, p.end], "contract_number": p.contract_number,
        "indicators": indicators }, "demo_seed": seed });
    let mut out = vec![entry(officer, /* action */ "project.register", "project", p.id, registration)];
    for e in &g.evidence {
        let submitted = serde_json::json!({ "after": { "indicator_id": e.indicator_id, "value": e.value,
            "value_max": e.value_max, "done": e.done, "measured_on": e.measured_on, "note": e.note, "status": EvidenceStatus::Pending } });
        out.push(entry(Some(e.submitted_by), /* action */ "evidence.submit", "evidence", e.id, submitted));
        if e.status == EvidenceStatus::Accepted {
            let reviewed = serde_json::json!({ "decision": EvidenceStatus::Accepted, "after": { "status": EvidenceStatus::Accepted } });
            out.push(entry(officer, /* action */ "evidence.review", "evidence", e.id, reviewed));
        }
    }
    out
}

/// Options of a seeding run.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// How many projects.
    pub projects: usize,
    /// The random seed; the same seed gives the same portfolio.
    pub seed: u64,
    /// "Today" for the evidence and the overdue share.
    pub today: NaiveDate,
    /// The at-risk window the timelines are computed with.
    pub warning_days: i64,
}

/// Seeds the portfolio (after the accounts and guides of [`super::seed`]); `progress` is told how many
/// projects are written so far. Seeding the same seed twice writes nothing the second time.
pub fn seed(
    conn: &mut DbConnection,
    options: Options,
    now: NaiveDateTime,
    progress: &mut dyn FnMut(usize, usize),
) -> anyhow::Result<Seeded> {
    let first_code_suffix = format!("-{}-000001", options.seed);
    let directions = directions(conn, options.today, now)?;
    let already = bulk::any_code_ending(conn, &first_code_suffix)?;
    if already || options.projects == 0 {
        return Ok(Seeded { already_seeded: already, ..Seeded::default() });
    }
    let (leads, partners) = institutions(conn, now)?;
    let officer = user::find_by_email(conn, "staff@coop.example")?.map(|u| u.id);
    let mut rng = StdRng::seed_from_u64(options.seed);
    let task_book = TASK_BOOK.iter().flat_map(|phrase| crate::domain::guide::indicator::parse(phrase)).collect();

    let ids = bulk::next_ids(conn)?;
    // About one PI per two projects; demo PIs have no password until they ask for a reset link.
    let pis = options.projects.div_ceil(2);
    let pi_rows: Vec<UserRow> = (0..pis)
        .map(|i| UserRow {
            id: ids.user + i as i64,
            email: format!("pi{}-{}@demo.coop.example", i + 1, options.seed),
            name: format!("{}{}{}", SURNAMES[i % 16], GIVEN[(i / 16) % 16], GIVEN[(i / 256) % 16]),
            role: Role::Pi,
            institution_id: Some(leads[i % leads.len()]),
        })
        .collect();
    crate::db::write_transaction(conn, |conn| bulk::insert_users(conn, &pi_rows, now))
        .context("cannot write the demo PIs")?;

    let ctx = Setting {
        directions: &directions,
        task_book,
        leads,
        partners,
        first_pi: ids.user,
        pis,
        officer,
        demo_pi: user::find_by_email(conn, "pi@coop.example")?.map(|u| u.id),
        seed: options.seed,
        today: options.today,
        warning_days: options.warning_days,
    };
    let mut seeded = Seeded::default();
    let mut next = ids;
    let mut n = 0;
    while n < options.projects {
        let batch: Vec<Generated> = (n..options.projects.min(n + BATCH))
            .map(|i| generate(&mut rng, &ctx, ids.project + i as i64, &mut next, i))
            .collect();
        crate::db::write_transaction(conn, |conn| -> anyhow::Result<()> {
            let projects: Vec<ProjectRow> = batch.iter().map(|g| g.project.clone()).collect();
            bulk::insert_projects(conn, &projects, now)?;
            let indicators: Vec<IndicatorRow> = batch.iter().flat_map(|g| g.indicators.iter().cloned()).collect();
            bulk::insert_indicators(conn, &indicators, now)?;
            let milestones: Vec<MilestoneRow> = batch.iter().flat_map(|g| g.milestones.iter().copied()).collect();
            bulk::insert_milestones(conn, &milestones, now)?;
            let evidence: Vec<EvidenceRow> = batch.iter().flat_map(|g| g.evidence.iter().cloned()).collect();
            bulk::insert_evidence(conn, &evidence, now)?;
            let spans: Vec<SpanRow> = batch.iter().flat_map(|g| g.spans.iter().copied()).collect();
            bulk::insert_spans(conn, &spans)?;
            let entries: Vec<_> = batch.iter().flat_map(|g| audit_entries(g, ctx.officer, ctx.seed)).collect();
            audit::record_many(conn, &entries, now)?;
            seeded.indicators += indicators.len();
            seeded.checkpoints += milestones.len();
            seeded.evidence += evidence.len();
            Ok(())
        })?;
        seeded.checkpoints_due += batch.iter().map(|g| g.due).sum::<usize>();
        seeded.checkpoints_overdue += batch.iter().map(|g| g.overdue).sum::<usize>();
        n += batch.len();
        seeded.projects = n;
        progress(n, options.projects);
    }
    bulk::reset_sequences(conn)?;
    bulk::analyze(conn)?;
    audit::record(
        conn,
        &audit::AuditEntry {
            actor: None,
            action: "demo.seed",
            entity: "portfolio",
            entity_id: None,
            project_id: None,
            detail: serde_json::json!({ "seed": options.seed, "projects": seeded.projects,
                "indicators": seeded.indicators, "checkpoints": seeded.checkpoints }),
            ip: None,
        },
        now,
    )?;
    Ok(seeded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_guide_moves_by_whole_years() {
        let text = "沪科指南〔2024〕42号 2024年度 执行期限：2024年12月1日至2026年11月30日。经费20240万元";
        assert_eq!(
            shifted_guide(text, 1),
            "沪科指南〔2025〕42号 2025年度 执行期限：2025年12月1日至2027年11月30日。经费20240万元"
        );
        assert_eq!(shifted_guide(text, 0), text);
    }

    #[test]
    fn the_latest_guide_is_a_year_into_its_period() {
        assert_eq!(guide_years(NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()), [2024, 2025]);
    }
}
