//! `coop-tracker guide parse|import FILE`.

use std::path::Path;

use anyhow::{Context, anyhow};

use crate::config::Config;
use crate::db;
use crate::domain::clock::Clock;
use crate::domain::guide::{self, Guide, GuideError};
use crate::i18n::guide_warning::{describe, parse_json};
use crate::i18n::{Locale, T};

/// Reads and parses the file; a refusal is one line in the chosen language.
fn read(file: &Path, t: T) -> anyhow::Result<Guide> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    guide::parse_bytes(&bytes).map_err(|e| refusal(file, t, &e))
}

fn refusal(file: &Path, t: T, error: &GuideError) -> anyhow::Error {
    anyhow!("{}: {}", file.display(), describe(t, error.line, &error.problem))
}

/// The warnings on stderr, one a line, as the preview page and the API word them.
fn print_warnings(t: T, parsed: &Guide) {
    for warning in &parsed.warnings {
        eprintln!("{}", describe(t, warning.line, &warning.problem));
    }
}

/// Prints the parse as JSON, or as a short summary for people. A guide that could not be imported
/// is still printed (with its blocking warnings), unless it has no topic at all.
pub(super) fn parse(file: &Path, json: bool, locale: Locale) -> anyhow::Result<()> {
    let t = locale.t();
    let parsed = read(file, t)?;
    if let Some(error) = parsed.warnings.iter().find(|w| w.problem == guide::Problem::NoTopics) {
        return Err(refusal(file, t, &GuideError { line: error.line, problem: error.problem.clone() }));
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&parse_json(t, &parsed))?);
        return Ok(());
    }
    println!("{} {}", parsed.doc_number.as_deref().unwrap_or("—"), parsed.title.as_deref().unwrap_or(""));
    for topic in &parsed.topics {
        println!("专题{} {}", topic.number, topic.title);
        for direction in &topic.directions {
            let number = direction.number.map_or(String::new(), |n| format!("方向{n} "));
            println!("  {number}{}: {} indicators", direction.title, direction.indicators.len());
        }
    }
    print_warnings(t, &parsed);
    Ok(())
}

/// Stores the guide (or updates it in place) after the same check as the pages and the API.
pub(super) fn import(config: &Config, file: &Path, locale: Locale) -> anyhow::Result<()> {
    let t = locale.t();
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let parsed = guide::parse_bytes(&bytes).map_err(|e| refusal(file, t, &e))?;
    parsed.check_importable().map_err(|e| refusal(file, t, &e))?;
    let source = String::from_utf8_lossy(&bytes);
    let pool = db::connect(config)?;
    let mut conn = pool.get()?;
    let stored = db::guide::store(&mut conn, &parsed, &source, None, Clock::System.now())?;
    let verb = if stored.created { "imported" } else { "updated" };
    let indicators: usize = parsed.topics.iter().flat_map(|t| &t.directions).map(|d| d.indicators.len()).sum();
    let directions: usize = parsed.topics.iter().map(|t| t.directions.len()).sum();
    println!(
        "{verb} {} (id {}): {} topics, {directions} directions, {indicators} indicators",
        parsed.doc_number.as_deref().unwrap_or_default(),
        stored.id,
        parsed.topics.len()
    );
    print_warnings(t, &parsed);
    Ok(())
}
