//! `coop-tracker report …`: generates a report into the reports folder, and with `--submit` freezes
//! it (its files into the file store, its data and hashes into the database).

use std::path::PathBuf;

use anyhow::{Context, bail};
use chrono::NaiveDate;
use indicatif::{ProgressBar, ProgressStyle};

use crate::app::reports;
use crate::config::Config;
use crate::db::{self, DbConnection};
use crate::domain::refusal::{Failure, Refusal};
use crate::files::FileStore;
use crate::i18n::Locale;
use crate::report::facts::Kind;
use crate::report::make::{self, Made};
use crate::report::output;

/// What to generate.
#[derive(Debug)]
pub struct Request {
    /// Which report.
    pub kind: Kind,
    /// The project (project reports) or the guide's document number (portfolio, optional).
    pub scope: Option<String>,
    /// As of this date (today by default).
    pub as_of: Option<NaiveDate>,
    /// Language.
    pub locale: Locale,
    /// Output folder instead of the configured one.
    pub out: Option<PathBuf>,
    /// Freeze it as submitted.
    pub submit: bool,
}

/// A failure the user can fix, said in one line.
fn refused(error: Failure, what: &str) -> anyhow::Error {
    match error {
        Failure::Refused(Refusal::NotFound) => anyhow::anyhow!("{what}"),
        Failure::Refused(Refusal::Validation(fields)) if fields.iter().any(|f| f.message == "report.before_start") => {
            anyhow::anyhow!("the as-of date is before the project's execution period starts")
        }
        other => anyhow::Error::new(other),
    }
}

/// Generates (and with `submit`, freezes) one report; prints where its files went.
pub fn run(config: &Config, request: Request) -> anyhow::Result<()> {
    let pool = db::connect(config)?;
    let mut conn = pool.get().context("cannot open the database")?;
    let (today, now) = super::remind::when(config, request.as_of);
    let dir = request.out.clone().unwrap_or_else(|| config.reports_dir.clone());
    let made = match request.kind {
        Kind::Portfolio => portfolio(&mut conn, config, &request, today, now)?,
        kind => {
            let Some(code) = request.scope.as_deref() else { bail!("--project CODE is required") };
            let project = reports::find_project(&mut conn, None, code)
                .map_err(|e| refused(e, &format!("there is no project with code '{code}'")))?;
            let project_id = project.id;
            let facts = reports::project_facts(&mut conn, project, kind, today, &config.tracking, config.timezone, now)
                .map_err(|e| refused(e, "the project vanished while reading it"))?;
            make::project_report(&facts, request.locale, config.tracking.warning_days)
                .map(|m| (m, Some(project_id), None))?
        }
    };
    let (made, project_id, guide_id): (Made, Option<i64>, Option<i64>) = made;
    let base = output::base_path(&dir, &made.scope, made.kind, made.as_of, request.locale);
    let written = output::write(&base, &made.html, &made.pdf)
        .with_context(|| format!("cannot write the report to {}", dir.display()))?;
    println!("{}", written.html.display());
    println!("{}", written.pdf.display());
    if request.submit {
        let files = FileStore::new(&config.data_dir);
        let snapshot = reports::submit(&mut conn, &files, &made, project_id, guide_id, None, now, None)?;
        println!("submitted as report {} (PDF sha256 {})", snapshot.id, snapshot.pdf_sha256);
    }
    Ok(())
}

fn portfolio(
    conn: &mut DbConnection,
    config: &Config,
    request: &Request,
    today: NaiveDate,
    now: chrono::NaiveDateTime,
) -> anyhow::Result<(Made, Option<i64>, Option<i64>)> {
    let guide_id = match request.scope.as_deref() {
        Some(number) => Some(
            db::guide::find_id_by_doc_number(conn, number)?
                .with_context(|| format!("there is no call guide with document number '{number}'"))?,
        ),
        None => None,
    };
    let bar = ProgressBar::new(0).with_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} projects ({eta})")
            .context("progress bar template")?
            .progress_chars("=> "),
    );
    bar.set_message("reading");
    let facts = reports::portfolio_facts(conn, guide_id, today, &config.tracking, now, &mut |done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    })?;
    bar.set_message("rendering");
    let made = make::portfolio_report(&facts, request.locale)?;
    bar.finish_and_clear();
    Ok((made, None, guide_id))
}
