//! `coop-tracker project import FILE [--dry-run]`: a roster from the command line, with the same
//! checks and the same all-or-nothing import as the web page.

use std::path::Path;

use anyhow::{Context, anyhow};

use crate::app;
use crate::config::Config;
use crate::db;
use crate::domain::clock::Clock;
use crate::domain::refusal::{Failure, Refusal};
use crate::i18n::Locale;

/// Imports (or with `dry_run` only checks) a roster; prints every problem, one per line, on stderr.
pub(super) fn import(config: &Config, file: &Path, dry_run: bool) -> anyhow::Result<()> {
    let t = Locale::default().t();
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let name = file.display().to_string();
    let parsed = app::roster::read(&bytes).map_err(|e| {
        let mut args = vec![("name", name.clone())];
        args.extend(e.args());
        anyhow!("{}", crate::i18n::refusal::with_args(t, e.message_key(), &args))
    })?;
    let pool = db::connect(config)?;
    let mut conn = pool.get()?;
    match app::roster::import(&mut conn, None, &parsed, dry_run, Clock::System.now()) {
        Ok(codes) => {
            let verb = if dry_run { "valid, nothing imported" } else { "imported" };
            println!("{}: {} projects {verb}: {}", file.display(), codes.len(), codes.join(", "));
            Ok(())
        }
        Err(Failure::Refused(Refusal::Rows(rows))) => {
            for row in &rows {
                eprintln!("{}: {}", file.display(), crate::i18n::refusal::row_line(t, row));
            }
            Err(anyhow!("{}: {}", file.display(), crate::i18n::refusal::message(t, &Refusal::Rows(rows))))
        }
        Err(other) => Err(anyhow!("{}: {other}", file.display())),
    }
}
