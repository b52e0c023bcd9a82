//! `coop-tracker project import FILE [--dry-run]`: a roster from the command line, with the same
//! checks and the same all-or-nothing import as the web page.

use std::path::Path;

use anyhow::{Context, anyhow};

use crate::config::Config;
use crate::db;
use crate::domain::clock::Clock;
use crate::error::AppError;
use crate::i18n::Locale;
use crate::roster;

/// Imports (or with `dry_run` only checks) a roster; prints every problem, one per line, on stderr.
pub(super) fn import(config: &Config, file: &Path, dry_run: bool) -> anyhow::Result<()> {
    let t = Locale::default().t();
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let name = file.display().to_string();
    let sheet = roster::sheet::read(&bytes).map_err(|e| anyhow!("{}", AppError::roster_file(&name, &e).message(t)))?;
    let parsed = roster::parse(&sheet);
    let pool = db::connect(config)?;
    let mut conn = pool.get()?;
    match db::roster::import(&mut conn, &parsed, dry_run, None, Clock::System.now()) {
        Ok(codes) => {
            let verb = if dry_run { "valid, nothing imported" } else { "imported" };
            println!("{}: {} projects {verb}: {}", file.display(), codes.len(), codes.join(", "));
            Ok(())
        }
        Err(AppError::Rows(rows)) => {
            for row in &rows {
                eprintln!("{}: {}", file.display(), row.describe(t));
            }
            Err(anyhow!("{}: {}", file.display(), AppError::Rows(rows).message(t)))
        }
        Err(other) => Err(anyhow!("{}: {other}", file.display())),
    }
}
