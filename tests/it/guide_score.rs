//! The parser against fixtures with known answers, scored by the rules of `score.py` (the contract
//! of `tests/fixtures/guides/CONTRACT.md`): every structural field right and indicator F1 = 1.0.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/guides").join(name)).unwrap()
}

fn squash(value: &Value) -> String {
    value.as_str().map(|s| s.chars().filter(|c| !c.is_whitespace()).collect()).unwrap_or_default()
}

fn rounded(value: &Value) -> Option<i64> {
    value.as_f64().map(|v| (v * 1e6).round() as i64)
}

/// What score.py compares for an indicator: (op, value or range, unit, change, has condition).
fn key_of(indicator: &Value) -> String {
    let op = indicator["op"].as_str().unwrap_or_default();
    let value = if op == "between" {
        format!("{:?}-{:?}", rounded(&indicator["min"]), rounded(&indicator["max"]))
    } else {
        format!("{:?}", rounded(&indicator["value"]))
    };
    let condition = indicator.get("condition").is_some_and(|c| !c.is_null() && c.as_str() != Some(""));
    format!("{op} {value} {} {} {condition}", indicator["unit"], indicator.get("change").unwrap_or(&Value::Null))
}

fn quantitative(indicators: &Value) -> Vec<String> {
    indicators
        .as_array()
        .map(|list| {
            list.iter().filter(|i| !matches!(i["op"].as_str(), None | Some("deliverable"))).map(key_of).collect()
        })
        .unwrap_or_default()
}

/// Scores `got` against `expected`; returns the problems (empty when everything matches).
fn score(expected: &Value, got: &Value) -> (Vec<String>, f64) {
    let mut problems = Vec::new();
    fn check(problems: &mut Vec<String>, label: String, want: String, have: String) {
        if want != have {
            problems.push(format!("{label}: want {want}, got {have}"));
        }
    }
    check(&mut problems, "doc_number".into(), squash(&expected["doc_number"]), squash(&got["doc_number"]));
    check(&mut problems, "issued_on".into(), expected["issued_on"].to_string(), got["issued_on"].to_string());
    for end in ["opens", "closes"] {
        let have: String = got["application_window"][end].as_str().unwrap_or_default().chars().take(16).collect();
        check(
            &mut problems,
            format!("window.{end}"),
            expected["application_window"][end].as_str().unwrap_or_default().into(),
            have,
        );
    }
    let topics = expected["topics"].as_array().unwrap();
    check(
        &mut problems,
        "topic count".into(),
        topics.len().to_string(),
        got["topics"].as_array().map_or(0, Vec::len).to_string(),
    );
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    for topic in topics {
        let number = &topic["number"];
        let Some(got_topic) = got["topics"].as_array().into_iter().flatten().find(|t| &t["number"] == number) else {
            problems.push(format!("topic {number} missing"));
            continue;
        };
        check(&mut problems, format!("topic {number} title"), squash(&topic["title"]), squash(&got_topic["title"]));
        let directions = topic["directions"].as_array().unwrap();
        let got_directions = got_topic["directions"].as_array().cloned().unwrap_or_default();
        check(
            &mut problems,
            format!("topic {number} direction count"),
            directions.len().to_string(),
            got_directions.len().to_string(),
        );
        for direction in directions {
            let label = format!("topic {number} direction {}", direction["number"]);
            let Some(got_direction) = got_directions.iter().find(|d| d["number"] == direction["number"]) else {
                problems.push(format!("{label} missing"));
                fn_ += quantitative(&direction["indicators"]).len();
                continue;
            };
            check(
                &mut problems,
                format!("{label} title"),
                squash(&direction["title"]),
                squash(&got_direction["title"]),
            );
            for end in ["start", "end"] {
                check(
                    &mut problems,
                    format!("{label} execution.{end}"),
                    direction["execution"][end].to_string(),
                    got_direction["execution"][end].to_string(),
                );
            }
            check(
                &mut problems,
                format!("{label} funding_cap_wan_yuan"),
                format!("{:?}", rounded(&direction["funding_cap_wan_yuan"])),
                format!("{:?}", rounded(&got_direction["funding_cap_wan_yuan"])),
            );
            check(
                &mut problems,
                format!("{label} max_projects"),
                direction["max_projects"].to_string(),
                got_direction["max_projects"].to_string(),
            );
            let mut want: HashMap<String, usize> = HashMap::new();
            for key in quantitative(&direction["indicators"]) {
                *want.entry(key).or_default() += 1;
            }
            for key in quantitative(&got_direction["indicators"]) {
                match want.get_mut(&key) {
                    Some(n) if *n > 0 => {
                        *n -= 1;
                        tp += 1;
                    }
                    _ => {
                        fp += 1;
                        problems.push(format!("{label} unexpected indicator {key}"));
                    }
                }
            }
            for (key, n) in want.into_iter().filter(|(_, n)| *n > 0) {
                fn_ += n;
                problems.push(format!("{label} missing indicator {key} ×{n}"));
            }
        }
    }
    let precision = if tp + fp > 0 { tp as f64 / (tp + fp) as f64 } else { 0.0 };
    let recall = if tp + fn_ > 0 { tp as f64 / (tp + fn_) as f64 } else { 0.0 };
    let f1 = if precision + recall > 0.0 { 2.0 * precision * recall / (precision + recall) } else { 0.0 };
    (problems, f1)
}

fn assert_perfect(guide: &str, expected: &str) {
    let parsed = serde_json::to_value(coop_tracker::domain::guide::parse(&fixture(guide))).unwrap();
    let expected: Value = serde_json::from_str(&fixture(expected)).unwrap();
    let (problems, f1) = score(&expected, &parsed);
    assert!(problems.is_empty() && f1 == 1.0, "{guide}: F1 {f1:.2}\n{}", problems.join("\n"));
}

#[test]
fn the_2024_guide_as_published_scores_perfectly() {
    assert_perfect("2024-domestic-cooperation.md", "2024-domestic-cooperation.expected.json");
}

#[test]
fn the_2024_guide_as_pdf_text_scores_perfectly() {
    assert_perfect("2024-domestic-cooperation.pdf.txt", "2024-domestic-cooperation.expected.json");
}

/// An invented guide of another year: other topics, units and wordings, hard line breaks, full-width
/// digits, a topic without directions, ranges, relative changes and a test condition.
#[test]
fn an_unseen_guide_in_pdf_text_scores_perfectly() {
    assert_perfect("2025-invented-rural-health.txt", "2025-invented-rural-health.expected.json");
}

#[test]
fn the_scorer_notices_mistakes() {
    let expected: Value = serde_json::from_str(&fixture("2024-domestic-cooperation.expected.json")).unwrap();
    let mut wrong = expected.clone();
    wrong["topics"][0]["directions"][0]["indicators"][1]["value"] = serde_json::json!(96);
    wrong["issued_on"] = serde_json::json!("2024-11-07");
    let (problems, f1) = score(&expected, &wrong);
    assert_eq!(problems.len(), 3, "{problems:?}");
    assert!(f1 < 1.0);
    assert_eq!(score(&expected, &expected), (Vec::new(), 1.0));
}
