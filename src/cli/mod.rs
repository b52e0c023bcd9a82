//! The command line: `serve`, `migrate`, `user …`, `guide …`, `project import`, `audit verify`,
//! `files gc`, `remind run`, `report …`, `backup`. Each
//! command prints one clear line and exits non-zero on failure: 2 for a configuration or usage
//! mistake, 1 for anything else.

mod audit;
mod backup;
mod demo;
pub mod files;
mod guide;
mod project;
mod remind;
mod report;
mod user;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::{Config, ConfigError, Overrides};
use crate::db;
use crate::domain::role::Role;

/// Tracks the assessment indicators of publicly funded science-and-technology cooperation projects.
#[derive(Debug, Parser)]
#[command(name = "coop-tracker", version, about, long_about = None)]
pub struct Cli {
    /// A TOML configuration file (see coop-tracker.example.toml).
    #[arg(long, global = true, env = "COOP_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    /// The folder for the SQLite database, stored files and mail written to disk [default: ./data].
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// postgres://… for PostgreSQL, or a file path for SQLite [default: <data dir>/coop-tracker.sqlite3].
    #[arg(long, global = true, value_name = "URL")]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Runs the web service and the scheduler.
    Serve {
        /// Address to listen on [default: 127.0.0.1:8080].
        #[arg(long, value_name = "ADDR")]
        bind: Option<String>,
        /// Adds demonstration accounts, institutions, guides and a small portfolio when missing.
        #[arg(long)]
        demo: bool,
    },
    /// Demonstration data.
    #[command(subcommand)]
    Demo(DemoCommand),
    /// Creates the database if needed and applies pending migrations, nothing else.
    Migrate,
    /// Manages accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Reads call guides (申报指南).
    #[command(subcommand)]
    Guide(GuideCommand),
    /// Registers approved projects.
    #[command(subcommand)]
    Project(ProjectCommand),
    /// Checks the audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Maintains the stored evidence files.
    #[command(subcommand)]
    Files(FilesCommand),
    /// Reminder e-mails.
    #[command(subcommand)]
    Remind(RemindCommand),
    /// Generates progress, acceptance and portfolio reports (HTML and PDF).
    #[command(subcommand)]
    Report(ReportCommand),
    /// Backs up the database and the evidence files into a new folder, safe while the server runs.
    Backup {
        /// The folder to write; it must not exist yet.
        #[arg(long, value_name = "DIR")]
        to: PathBuf,
    },
    /// Restores a backup made by `backup` (stop the server first).
    Restore {
        /// The backup folder.
        #[arg(long, value_name = "DIR")]
        from: PathBuf,
        /// Overwrites a database that already holds data.
        #[arg(long)]
        replace: bool,
        /// Only checks the backup against its manifest; changes nothing.
        #[arg(long, conflicts_with = "replace")]
        dry_run: bool,
    },
}

#[derive(Debug, Subcommand)]
enum DemoCommand {
    /// Adds the demonstration accounts and guides and a deterministic synthetic portfolio.
    Seed {
        /// How many projects.
        #[arg(long, default_value_t = 200)]
        projects: usize,
        /// The random seed; the same seed gives the same portfolio, and seeding it twice adds nothing.
        #[arg(long, default_value_t = 2024)]
        seed: u64,
        /// "Today" for the evidence and the overdue share [default: today].
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<chrono::NaiveDate>,
    },
}

#[derive(Debug, Subcommand)]
enum RemindCommand {
    /// Queues the reminders due today (a day off sends nothing: its reminders went out on the
    /// working day before), then delivers what is due; running it twice queues nothing new.
    Run {
        /// Sweep as if today were this day.
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<chrono::NaiveDate>,
        /// Prints what would be queued and changes nothing.
        #[arg(long)]
        dry_run: bool,
        /// Prints {"messages": [...]} as JSON on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Queues this week's digest to each staff member who has not opted out (once per ISO week;
    /// empty digests are not sent), then delivers what is due.
    Digest {
        /// Run as if today were this day.
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<chrono::NaiveDate>,
        /// Prints what would be queued and changes nothing.
        #[arg(long)]
        dry_run: bool,
        /// Prints {"messages": [...]} as JSON on stdout.
        #[arg(long)]
        json: bool,
    },
}

/// What every project report takes.
#[derive(Debug, clap::Args)]
struct ProjectReportArgs {
    /// The project's code (项目编号).
    #[arg(long, value_name = "CODE")]
    project: String,
    #[command(flatten)]
    common: ReportArgs,
}

/// What every report takes.
#[derive(Debug, clap::Args)]
struct ReportArgs {
    /// Evaluate as of this day [default: today].
    #[arg(long, value_name = "YYYY-MM-DD")]
    as_of: Option<chrono::NaiveDate>,
    /// zh (default) or en.
    #[arg(long, default_value = "zh", value_parser = ["zh", "zh-CN", "en"])]
    lang: String,
    /// Write into this folder instead of the configured reports folder.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Freeze the report as submitted: its files and data are kept exactly as they are.
    #[arg(long)]
    submit: bool,
}

#[derive(Debug, Subcommand)]
enum ReportCommand {
    /// A project's progress report (进展报告) as of a date.
    Progress(ProjectReportArgs),
    /// A project's annual progress report (年度进展报告): the year up to the date.
    Annual(ProjectReportArgs),
    /// A project's mid-term check report (中期检查).
    MidTerm(ProjectReportArgs),
    /// A project's end-of-term acceptance report (结题验收报告).
    Acceptance(ProjectReportArgs),
    /// The portfolio progress report for the commission.
    Portfolio {
        /// Only the projects of the guide with this document number [default: every project].
        #[arg(long, value_name = "DOC_NUMBER")]
        guide: Option<String>,
        #[command(flatten)]
        common: ReportArgs,
    },
}

impl ReportCommand {
    fn request(self) -> report::Request {
        use crate::report::facts::Kind;
        let (kind, scope, common) = match self {
            ReportCommand::Progress(a) => (Kind::Progress, Some(a.project), a.common),
            ReportCommand::Annual(a) => (Kind::Annual, Some(a.project), a.common),
            ReportCommand::MidTerm(a) => (Kind::MidTerm, Some(a.project), a.common),
            ReportCommand::Acceptance(a) => (Kind::Acceptance, Some(a.project), a.common),
            ReportCommand::Portfolio { guide, common } => (Kind::Portfolio, guide, common),
        };
        let locale = locale_of(&common.lang);
        report::Request { kind, scope, as_of: common.as_of, locale, out: common.out, submit: common.submit }
    }
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Checks every link of the audit log's hash chain; exits with 1 at the first break.
    Verify {
        /// Prints the result as JSON on stdout.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
enum FilesCommand {
    /// Removes stored files no evidence points to (left by uploads cut off before they were saved)
    /// and unfinished uploads, once they are old enough (an hour by default).
    Gc {
        /// Lists what would be removed and removes nothing.
        #[arg(long)]
        dry_run: bool,
        /// Leaves files younger than this alone: an upload in progress may be about to commit the
        /// row that names its file. Use 0 only while the server is stopped.
        #[arg(long, value_name = "N", default_value_t = 3600)]
        min_age_seconds: u64,
    },
}

#[derive(Debug, Subcommand)]
enum GuideCommand {
    /// Parses a guide and prints what was read; writes nothing.
    Parse {
        /// The guide as published: Markdown or plain text copied from the PDF, UTF-8.
        file: PathBuf,
        /// Prints the result as JSON on stdout (and nothing else there).
        #[arg(long)]
        json: bool,
        /// The language of the warnings: zh (default) or en.
        #[arg(long, default_value = "zh", value_parser = ["zh", "zh-CN", "en"])]
        lang: String,
    },
    /// Parses a guide and stores it with its topics, directions and indicator templates;
    /// re-importing the same document number updates it in place.
    Import {
        /// The guide file, UTF-8.
        file: PathBuf,
        /// The language of the warnings and refusals: zh (default) or en.
        #[arg(long, default_value = "zh", value_parser = ["zh", "zh-CN", "en"])]
        lang: String,
    },
}

#[derive(Debug, Subcommand)]
enum ProjectCommand {
    /// Registers every project of a roster (.xlsx, or CSV in UTF-8), or none if any row is wrong;
    /// prints each problem with its row number.
    Import {
        /// The roster: one project per row under a header row (see docs/projects.md, "Roster import").
        file: PathBuf,
        /// Checks every row against the database and imports nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Creates an account; without --password-stdin a one-time password is generated and printed.
    Add {
        /// Login e-mail address.
        #[arg(long)]
        email: String,
        /// Display name.
        #[arg(long)]
        name: String,
        /// admin, staff, pi, member or expert.
        #[arg(long)]
        role: Role,
        /// Language of the user's e-mails: zh-CN or en.
        #[arg(long, default_value = "zh-CN")]
        locale: String,
        /// Reads the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
        /// Also creates an API token and prints it.
        #[arg(long)]
        token: bool,
    },
    /// Lists every account.
    List,
    /// Sets a password; without --password-stdin a one-time password is generated and printed.
    SetPassword {
        /// The account's e-mail address.
        #[arg(long)]
        email: String,
        /// Reads the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Issues an API token for an existing, active account and prints it (once: only its hash is kept).
    Token {
        /// The account's e-mail address.
        #[arg(long)]
        email: String,
        /// A name that says what the token is for; it shows in the account's token list.
        #[arg(long, default_value = "cli")]
        name: String,
    },
}

/// What stops a command.
#[derive(Debug, thiserror::Error)]
enum CliError {
    #[error("{0}")]
    Config(#[from] ConfigError),
    #[error("{0:#}")]
    Other(#[from] anyhow::Error),
}

/// Parses the command line, runs the command and turns the outcome into an exit code.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    match execute(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            match error {
                CliError::Config(_) => ExitCode::from(2),
                // Only an administrator can fix it, as with a configuration mistake.
                CliError::Other(e) if e.downcast_ref::<db::create::MissingDatabase>().is_some() => ExitCode::from(2),
                CliError::Other(_) => ExitCode::FAILURE,
            }
        }
    }
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("COOP_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,actix_server=warn,usvg=error"));
    // Logs go to stderr so that commands such as `guide parse --json` keep stdout clean.
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
}

/// The locale a `--lang` argument names (zh, zh-CN or en).
fn locale_of(lang: &str) -> crate::i18n::Locale {
    if lang == "en" { crate::i18n::Locale::En } else { crate::i18n::Locale::ZhCn }
}

fn execute(cli: Cli) -> Result<(), CliError> {
    let mut overrides =
        Overrides { config_file: cli.config, data_dir: cli.data_dir, database_url: cli.database_url, bind: None };
    if let Command::Serve { bind, .. } = &cli.command {
        overrides.bind.clone_from(bind);
    }
    // Parsing reads no configuration and touches no database.
    if let Command::Guide(GuideCommand::Parse { file, json, lang }) = &cli.command {
        return Ok(guide::parse(file, *json, locale_of(lang))?);
    }
    let config = Config::load(&overrides, &|key| std::env::var(key).ok())?;
    let sends_mail = match &cli.command {
        Command::Serve { .. } => true,
        Command::Remind(RemindCommand::Run { dry_run, .. } | RemindCommand::Digest { dry_run, .. }) => !dry_run,
        _ => false,
    };
    if sends_mail {
        config.check_sending()?;
    }
    match cli.command {
        Command::Serve { demo, .. } => crate::server::run(config, demo)?,
        Command::Migrate => {
            let pool = db::connect(&config)?;
            drop(pool);
            println!("database is up to date");
        }
        Command::User(command) => user::run(&config, command)?,
        Command::Guide(GuideCommand::Import { file, lang }) => guide::import(&config, &file, locale_of(&lang))?,
        Command::Guide(GuideCommand::Parse { .. }) => {}
        Command::Project(ProjectCommand::Import { file, dry_run }) => project::import(&config, &file, dry_run)?,
        Command::Audit(AuditCommand::Verify { json }) => audit::verify(&config, json)?,
        Command::Files(FilesCommand::Gc { dry_run, min_age_seconds }) => {
            files::gc(&config, dry_run, std::time::Duration::from_secs(min_age_seconds))?
        }
        Command::Backup { to } => backup::create(&config, &to)?,
        Command::Restore { from, dry_run: true, .. } => backup::verify(&from)?,
        Command::Restore { from, replace, dry_run: false } => backup::restore(&config, &from, replace)?,
        Command::Report(command) => report::run(&config, command.request())?,
        Command::Remind(RemindCommand::Run { as_of, dry_run, json }) => {
            remind::run(&config, remind::Job::Sweep, as_of, dry_run, json)?
        }
        Command::Remind(RemindCommand::Digest { as_of, dry_run, json }) => {
            remind::run(&config, remind::Job::Digest, as_of, dry_run, json)?
        }
        Command::Demo(DemoCommand::Seed { projects, seed, as_of }) => demo::seed(&config, projects, seed, as_of)?,
    }
    Ok(())
}
