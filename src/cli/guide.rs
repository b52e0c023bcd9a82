//! `coop-tracker guide parse|import FILE`.

use std::path::Path;

use anyhow::{Context, anyhow};

use crate::config::Config;
use crate::db;
use crate::domain::clock::Clock;
use crate::domain::guide::{self, Guide};

fn read(file: &Path) -> anyhow::Result<Guide> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    guide::parse_bytes(&bytes).map_err(|e| anyhow!("{}: {e}", file.display()))
}

/// Prints the parse as JSON, or as a short summary for people.
pub(super) fn parse(file: &Path, json: bool) -> anyhow::Result<()> {
    let parsed = read(file)?;
    if parsed.topics.is_empty() {
        return Err(anyhow!("{}: line 1: no topic heading such as 专题一、… found", file.display()));
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&parsed)?);
        return Ok(());
    }
    println!(
        "{} {}",
        parsed.doc_number.as_deref().unwrap_or("(no document number)"),
        parsed.title.as_deref().unwrap_or("")
    );
    for topic in &parsed.topics {
        println!("专题{} {}", topic.number, topic.title);
        for direction in &topic.directions {
            let number = direction.number.map_or(String::new(), |n| format!("方向{n} "));
            println!("  {number}{}: {} indicators", direction.title, direction.indicators.len());
        }
    }
    for warning in &parsed.warnings {
        eprintln!("warning: line {}: {}", warning.line, warning.message);
    }
    Ok(())
}

/// Stores the guide (or updates it in place) after checking that it can be used.
pub(super) fn import(config: &Config, file: &Path) -> anyhow::Result<()> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let parsed = guide::parse_bytes(&bytes).map_err(|e| anyhow!("{}: {e}", file.display()))?;
    parsed.check_importable().map_err(|e| anyhow!("{}: {e}", file.display()))?;
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
    for warning in &parsed.warnings {
        eprintln!("warning: line {}: {}", warning.line, warning.message);
    }
    Ok(())
}
