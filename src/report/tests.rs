//! The rendering of one fixed data set, pinned with snapshots (the embedded chart images are redacted:
//! their drawing is the chart module's to test), and its PDF read back with pdftotext.

use chrono::NaiveDate;

use super::facts::{EvidenceFacts, IndicatorFacts, Kind, Partner, ProjectFacts, ProjectInfo};
use super::{html, make, view};
use crate::domain::evidence_status::EvidenceStatus;
use crate::domain::guide::indicator;
use crate::domain::guide::model::Period;
use crate::domain::plan::{Checkpoint, CheckpointKind};
use crate::domain::readiness::{self, ReadinessConfig, ReadinessItem};
use crate::domain::status;
use crate::domain::target::{Observation, Target};
use crate::i18n::Locale;

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn evidence(id: i64, on: &str, value: f64, status: EvidenceStatus) -> EvidenceFacts {
    EvidenceFacts {
        id,
        measured_on: day(on),
        value: Some(value),
        value_max: None,
        done: false,
        status,
        note: "第三方检测报告".to_owned(),
        submitted_by: "李四".to_owned(),
        files: vec![("检测报告.pdf".to_owned(), "ab".repeat(32))],
        reviewed: (status == EvidenceStatus::Accepted)
            .then(|| ("王五".to_owned(), day(on).and_hms_opt(9, 0, 0).unwrap())),
    }
}

/// Three quantitative indicators and a deliverable of a project as of its last day.
pub(super) fn sample() -> ProjectFacts {
    let period = Period { start: day("2024-12-01"), end: day("2026-11-30") };
    let as_of = day("2026-11-30");
    let specs: [(&str, [f64; 2], Vec<EvidenceFacts>); 4] = [
        ("发酵产量预测精度不低于95%", [90.0, 95.0], vec![evidence(1, "2025-10-20", 96.5, EvidenceStatus::Accepted)]),
        (
            "示范推广种植20000亩以上",
            [10000.0, 20000.0],
            vec![
                evidence(2, "2025-11-01", 12000.0, EvidenceStatus::Accepted),
                evidence(3, "2026-08-01", 18000.0, EvidenceStatus::Pending),
            ],
        ),
        ("培养技术人员不少于40人次", [20.0, 40.0], vec![evidence(4, "2025-06-01", 15.0, EvidenceStatus::Accepted)]),
        ("建成合成生物中试平台", [0.0, 0.0], Vec::new()),
    ];
    let mut indicators = Vec::new();
    for (position, (text, planned, evidence)) in specs.into_iter().enumerate() {
        let parsed = indicator::parse(text).into_iter().next().unwrap();
        let target = Target::from_indicator(&parsed);
        let checkpoints = if target.op == crate::domain::guide::model::Op::Deliverable {
            vec![Checkpoint { due_on: period.end, planned: None, kind: CheckpointKind::Deliverable }]
        } else {
            vec![
                Checkpoint { due_on: day("2025-12-01"), planned: Some(planned[0]), kind: CheckpointKind::MidTerm },
                Checkpoint { due_on: period.end, planned: Some(planned[1]), kind: CheckpointKind::EndOfTerm },
            ]
        };
        let observations: Vec<Observation> = evidence
            .iter()
            .filter(|e| e.status == EvidenceStatus::Accepted)
            .map(|e| Observation::value(e.measured_on, e.value.unwrap()))
            .collect();
        let evaluation = status::evaluate(&target, &checkpoints, &observations, period, as_of, 30);
        indicators.push(IndicatorFacts {
            position: position as i32 + 1,
            metric: parsed.metric.clone(),
            condition: None,
            frozen: Some(target.clone()),
            target,
            added_after_baseline: false,
            acceptance: evaluation.clone(),
            evaluation,
            checkpoints,
            evidence,
        });
    }
    let items: Vec<ReadinessItem> = indicators.iter().map(|i| ReadinessItem::new(&i.target, &i.acceptance)).collect();
    ProjectFacts {
        kind: Kind::Acceptance,
        as_of,
        covers_from: period.start,
        generated_at: day("2026-11-30").and_hms_opt(2, 0, 0).unwrap(),
        timezone: chrono_tz::Asia::Shanghai,
        project: ProjectInfo {
            code: "SH-KJ-2024-001".to_owned(),
            title: "基于人工智能的合成生物产业升级关键技术".to_owned(),
            guide: "2024年度“科技创新行动计划”国内科技合作项目申报指南".to_owned(),
            guide_doc_number: "沪科〔2024〕1号".to_owned(),
            topic: "1. 长三角科技合作".to_owned(),
            direction: "合成生物".to_owned(),
            lead_institution: "华东理工大学".to_owned(),
            partners: vec![Partner {
                name: "新疆大学".to_owned(), region: Some("新疆维吾尔自治区".to_owned())
            }],
            pi: "张三".to_owned(),
            officer: Some("王五".to_owned()),
            funding_yuan: 1_500_000,
            execution_start: period.start,
            execution_end: period.end,
            original_end: period.end,
            contract_number: Some("2024310000001234".to_owned()),
            state: "in_acceptance".to_owned(),
            baseline_frozen_at: Some(day("2024-12-15").and_hms_opt(1, 0, 0).unwrap()),
        },
        status: readiness::project_status(indicators.iter().map(|i| i.evaluation.status)),
        completion: readiness::completion(indicators.iter().map(|i| i.evaluation.progress)),
        readiness: readiness::readiness(&items, &ReadinessConfig::default()),
        indicators,
        changes: Vec::new(),
    }
}

/// The HTML with each embedded chart image replaced by its length class, so that the snapshot pins
/// the words and layout rather than chart pixels.
/// The HTML with each embedded chart and font replaced by a marker, for a snapshot that shows the
/// page rather than megabytes of base64.
fn redacted(html: &str) -> String {
    let mut out = html.to_owned();
    for (prefix, marker) in [("data:image/png;base64,", "[png]"), ("data:font/otf;base64,", "[font]")] {
        let mut kept = String::new();
        let mut rest = out.as_str();
        while let Some(start) = rest.find(prefix) {
            kept.push_str(&rest[..start]);
            let after = &rest[start..];
            let end = after.find('"').unwrap_or(after.len());
            kept.push_str(marker);
            rest = &after[end..];
        }
        kept.push_str(rest);
        out = kept;
    }
    out
}

#[test]
fn the_acceptance_view_in_both_languages() {
    let facts = sample();
    insta::assert_json_snapshot!("acceptance_view_zh", view::project(&facts, Locale::ZhCn));
    insta::assert_json_snapshot!("acceptance_view_en", view::project(&facts, Locale::En));
}

#[test]
fn the_acceptance_html() {
    let facts = sample();
    let made = make::project_report(&facts, Locale::ZhCn, 30).unwrap();
    assert_eq!(made.html.matches("data:image/png;base64,").count(), 5, "overview, timeline and three indicators");
    assert_eq!(made.html.matches("data:font/otf;base64,").count(), 2, "the font's subset, regular and bold");
    insta::assert_snapshot!("acceptance_html_zh", redacted(&made.html));
}

#[test]
fn html_escapes_what_users_typed() {
    let mut facts = sample();
    facts.project.title = "<script>alert(1)</script>".to_owned();
    facts.indicators[0].evidence[0].note = "<img src=x onerror=alert(1)>".to_owned();
    let view = view::project(&facts, Locale::ZhCn);
    let page = html::project(&view, &html::Charts::default()).unwrap();
    assert!(!page.contains("<script>alert"), "titles are escaped");
    assert!(!page.contains("<img src=x"), "notes are escaped");
    assert!(page.contains("script&gt;") || page.contains("script&#62;"), "shown as text");
}

#[test]
fn the_pdf_holds_the_title_code_and_every_figure() {
    let facts = sample();
    let made = make::project_report(&facts, Locale::ZhCn, 30).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("acceptance.pdf");
    std::fs::write(&path, &made.pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) must be installed: .ci/run installs it");
    let text = String::from_utf8(out.stdout).unwrap();
    let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    for expected in [
        "结题验收报告",
        "SH-KJ-2024-001",
        "发酵产量预测精度",
        "96.5%",
        "示范推广种植",
        "12,000亩",
        "18,000亩",
        "培养技术人员",
        "15人次",
        "合成生物中试平台",
        "未交付",
        "第1页，共",
        "验收专家组意见",
    ] {
        assert!(flat.contains(expected), "{expected} missing from the PDF text:\n{text}");
    }
    // Made again from the same data, the PDF is the same file: a submitted report's hash is reproducible.
    assert_eq!(make::project_report(&facts, Locale::ZhCn, 30).unwrap().pdf, made.pdf);
}

#[test]
fn review_and_change_dates_are_the_days_they_were_where_the_report_is_read() {
    use super::facts::{ChangeFacts, ChangeKind};
    let mut facts = sample();
    // 23:30 UTC on 31 May is 07:30 on 1 June in Shanghai.
    let late = day("2026-05-31").and_hms_opt(23, 30, 0).unwrap();
    let evidence = facts.indicators[0].evidence.iter_mut().find(|e| e.reviewed.is_some()).unwrap();
    evidence.reviewed = Some(("王五".to_owned(), late));
    let measured = evidence.measured_on.to_string();
    facts.changes = vec![ChangeFacts {
        at: late,
        kind: ChangeKind::BaselineFrozen,
        by: Some("王五".to_owned()),
        subject: None,
        before: None,
        after: None,
        reason: None,
    }];
    let note = |facts: &ProjectFacts| {
        let view = view::project(facts, Locale::ZhCn);
        let row = view.indicators[0].evidence.iter().find(|e| e.date == measured).unwrap();
        (row.note.clone(), view.changes[0].date.clone())
    };
    let (reviewed, changed) = note(&facts);
    assert!(reviewed.ends_with("王五 于 2026-06-01 审核"), "{reviewed}");
    assert_eq!(changed, "2026-06-01");
    facts.timezone = chrono_tz::UTC;
    let (reviewed, changed) = note(&facts);
    assert!(reviewed.ends_with("王五 于 2026-05-31 审核"), "{reviewed}");
    assert_eq!(changed, "2026-05-31");
}
