//! Typed settings: built-in defaults, then an optional TOML file, then `COOP_*` environment variables
//! (and `DATABASE_URL`), then command-line flags; each later source overrides the earlier ones.
//!
//! Everything is validated once at start-up so that a mistake stops the program with one clear line
//! (exit code 2) instead of failing at three in the morning when a job first runs.

mod addr;
mod checks;
mod database;
mod file;
mod mail;

use std::path::PathBuf;

use crate::domain::readiness::{Bands, ClassWeights, ReadinessConfig};
use crate::domain::reminder::RuleDays;
use crate::domain::status::DEFAULT_WARNING_DAYS;
use crate::domain::workdays::WorkCalendar;
pub use addr::AddrRange;
use checks::{ensure_writable, parse_schedule, parse_value, positive, validate_base_url, validate_bind};
pub use database::{Backend, DatabaseUrl};
use file::{FileConfig, read_file};
pub use mail::{MailSettings, SmtpSettings, SmtpTls};
use mail::{smtp_settings, validate_mailbox};

/// The name of the SQLite file inside the data folder.
pub const SQLITE_FILE_NAME: &str = "coop-tracker.sqlite3";

/// A setting is missing, malformed or unusable; the message names the setting and what to do.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

/// Cron expressions for the scheduler (seconds first; a five-field expression gets `0` prepended;
/// an empty one disables the job).
#[derive(Debug, Clone)]
pub struct Schedules {
    /// Delivers queued e-mail from the outbox.
    pub outbox: Option<cron::Schedule>,
    /// Removes expired sessions and used or expired password-reset links.
    pub cleanup: Option<cron::Schedule>,
    /// The reminder sweep.
    pub reminders: Option<cron::Schedule>,
    /// The weekly digest to staff (sent on the first run of each week that finds a working day).
    pub digest: Option<cron::Schedule>,
}

/// When reminders go out and to whom.
#[derive(Debug, Clone)]
pub struct Reminders {
    /// The rules' days, unless an administrator has changed them on the admin page.
    pub rules: RuleDays,
    /// Working days: the built-in Chinese calendar plus the years the configuration adds.
    pub calendar: WorkCalendar,
}

/// Everything the program needs to know, validated.
#[derive(Debug, Clone)]
pub struct Config {
    /// Holds the SQLite database, stored files and mail written to disk.
    pub data_dir: PathBuf,
    /// Where generated reports are written: `<reports_dir>/<project code>/<kind>-<as-of>.{html,pdf}`.
    pub reports_dir: PathBuf,
    /// The database to use.
    pub database: DatabaseUrl,
    /// Address `serve` listens on.
    pub bind: String,
    /// The address users reach the service at, used in links in e-mails.
    pub base_url: String,
    /// Whether session cookies carry `Secure` (on by default when `base_url` is https).
    pub secure_cookies: bool,
    /// A session ends after this many hours without a request.
    pub session_idle_hours: i64,
    /// The time zone of schedules and of "today" for users.
    pub timezone: chrono_tz::Tz,
    /// Outgoing mail.
    pub mail: MailSettings,
    /// Job schedules.
    pub schedules: Schedules,
    /// Failed logins allowed per account or address before back-off starts.
    pub login_max_failures: u32,
    /// The reverse proxies (load balancers) in front of the service: only a request that comes
    /// from one of them has its client address taken from `X-Forwarded-For`.
    pub trusted_proxies: Vec<AddrRange>,
    /// The longest lifetime, in days, an API token may be given.
    pub api_token_max_days: i64,
    /// Connections kept in the database pool.
    pub db_pool_size: u32,
    /// How indicators are judged: the at-risk window and the acceptance-readiness bands.
    pub tracking: Tracking,
    /// What an evidence upload may hold.
    pub uploads: UploadLimits,
    /// Reminder rules and the working-day calendar.
    pub reminders: Reminders,
    /// What clients may hold of the server: connections, and how slowly they may send.
    pub transport: Transport,
    /// The most reports one user may have generated (not submitted) per minute: each is a PDF
    /// rendered on the server.
    pub reports_per_minute: u32,
}

/// What clients may hold of the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transport {
    /// The most connections served at once, over all workers; further ones wait in the listen
    /// queue. `serve` lowers it to fit the open-file limit.
    pub max_connections: usize,
    /// How slowly a request body may arrive.
    pub body_pace: BodyPace,
}

/// How slowly a request body may arrive (see `web::body_deadline`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyPace {
    /// The longest wait for the next piece of a body, and the grace before the rate counts.
    pub idle: std::time::Duration,
    /// The slowest average rate, in bytes per second, a body may arrive at after the grace.
    pub min_rate: u64,
}

/// Limits on evidence files (佐证材料).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadLimits {
    /// The largest file accepted, in bytes.
    pub max_file_bytes: u64,
    /// The most files one submission may carry.
    pub max_files: usize,
    /// The most bytes of evidence files one user may upload in any 24 hours.
    pub daily_bytes_per_user: u64,
}

/// How the status engine and acceptance readiness are parameterised.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tracking {
    /// A checkpoint due within this many days is at risk while not yet met.
    pub warning_days: i64,
    /// Class weights and band thresholds of acceptance readiness.
    pub readiness: ReadinessConfig,
}

/// Values given on the command line; they win over every other source.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    /// `--config FILE`.
    pub config_file: Option<PathBuf>,
    /// `--data-dir DIR`.
    pub data_dir: Option<PathBuf>,
    /// `--database-url URL`.
    pub database_url: Option<String>,
    /// `serve --bind ADDR`.
    pub bind: Option<String>,
}

/// Reads the environment; a function so that tests can supply their own.
pub type EnvLookup<'a> = &'a dyn Fn(&str) -> Option<String>;

impl Config {
    /// Loads and validates the configuration from every source, in order of precedence.
    pub fn load(overrides: &Overrides, env: EnvLookup<'_>) -> Result<Self, ConfigError> {
        let file = match &overrides.config_file {
            Some(path) => read_file(path)?,
            None => FileConfig::default(),
        };
        let env_string = |key: &str| env(key).filter(|v| !v.trim().is_empty());

        let data_dir = overrides
            .data_dir
            .clone()
            .or_else(|| env_string("COOP_DATA_DIR").map(PathBuf::from))
            .or(file.data_dir)
            .unwrap_or_else(|| PathBuf::from("data"));
        let reports_dir = env_string("COOP_REPORTS_DIR")
            .map(PathBuf::from)
            .or(file.reports_dir)
            .unwrap_or_else(|| PathBuf::from("reports"));
        let database_url = overrides
            .database_url
            .clone()
            .or_else(|| env_string("COOP_DATABASE_URL"))
            .or_else(|| env_string("DATABASE_URL"))
            .or(file.database_url)
            .unwrap_or_else(|| data_dir.join(SQLITE_FILE_NAME).to_string_lossy().into_owned());
        let bind = overrides
            .bind
            .clone()
            .or_else(|| env_string("COOP_BIND"))
            .or(file.bind)
            .unwrap_or_else(|| "127.0.0.1:8080".into());
        let base_url = env_string("COOP_BASE_URL").or(file.base_url).unwrap_or_else(|| format!("http://{bind}"));
        let secure_cookies = match env_string("COOP_SECURE_COOKIES") {
            Some(v) => parse_value("COOP_SECURE_COOKIES", &v)?,
            None => file.secure_cookies.unwrap_or_else(|| base_url.starts_with("https://")),
        };
        let session_idle_hours = match env_string("COOP_SESSION_IDLE_HOURS") {
            Some(v) => parse_value("COOP_SESSION_IDLE_HOURS", &v)?,
            None => file.session_idle_hours.unwrap_or(12),
        };
        let timezone = env_string("COOP_TIMEZONE").or(file.timezone).unwrap_or_else(|| "Asia/Shanghai".into());
        let login_max_failures = match env_string("COOP_LOGIN_MAX_FAILURES") {
            Some(v) => parse_value("COOP_LOGIN_MAX_FAILURES", &v)?,
            None => file.login_max_failures.unwrap_or(5),
        };
        let trusted_proxies = match env_string("COOP_TRUSTED_PROXIES") {
            Some(v) => v.split([',', ' ']).filter(|s| !s.is_empty()).map(str::to_owned).collect(),
            None => file.trusted_proxies.unwrap_or_default(),
        };
        let trusted_proxies = trusted_proxies
            .iter()
            .map(|text| {
                text.parse::<AddrRange>().map_err(|()| {
                    ConfigError(format!(
                        "trusted_proxies: '{text}' is not an address or a range such as 10.0.0.0/8 or fd00::/8"
                    ))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let api_token_max_days = match env_string("COOP_API_TOKEN_MAX_DAYS") {
            Some(v) => parse_value("COOP_API_TOKEN_MAX_DAYS", &v)?,
            None => file.api_token_max_days.unwrap_or(365),
        };
        if !(1..=3650).contains(&api_token_max_days) {
            return Err(ConfigError(format!("api_token_max_days = {api_token_max_days} must be between 1 and 3650")));
        }
        let db_pool_size = match env_string("COOP_DB_POOL_SIZE") {
            Some(v) => parse_value("COOP_DB_POOL_SIZE", &v)?,
            None => file.db_pool_size.unwrap_or(8),
        };
        let warning_days = match env_string("COOP_WARNING_DAYS") {
            Some(v) => parse_value("COOP_WARNING_DAYS", &v)?,
            None => file.status.warning_days.unwrap_or(DEFAULT_WARNING_DAYS),
        };
        if !(0..=366).contains(&warning_days) {
            return Err(ConfigError(format!("status.warning_days = {warning_days} must be between 0 and 366")));
        }
        let defaults = ReadinessConfig::default();
        let readiness = ReadinessConfig {
            class_weights: ClassWeights {
                technical: file.readiness.technical_weight.unwrap_or(defaults.class_weights.technical),
                economic: file.readiness.economic_weight.unwrap_or(defaults.class_weights.economic),
                social: file.readiness.social_weight.unwrap_or(defaults.class_weights.social),
            },
            bands: Bands {
                pass: file.readiness.pass.unwrap_or(defaults.bands.pass),
                re_review: file.readiness.re_review.unwrap_or(defaults.bands.re_review),
            },
        };
        readiness.check().map_err(|problem| {
            ConfigError(format!("[readiness] is unusable: {}", crate::i18n::Locale::En.t().get(problem.message_key())))
        })?;
        let max_file_mb = match env_string("COOP_MAX_FILE_MB") {
            Some(v) => parse_value("COOP_MAX_FILE_MB", &v)?,
            None => file.evidence.max_file_mb.unwrap_or(50),
        };
        if !(1..=4096).contains(&max_file_mb) {
            return Err(ConfigError(format!("evidence.max_file_mb = {max_file_mb} must be between 1 and 4096")));
        }
        let max_files = file.evidence.max_files.unwrap_or(20);
        if !(1..=200).contains(&max_files) {
            return Err(ConfigError(format!("evidence.max_files = {max_files} must be between 1 and 200")));
        }
        let daily_upload_mb = match env_string("COOP_DAILY_UPLOAD_MB") {
            Some(v) => parse_value("COOP_DAILY_UPLOAD_MB", &v)?,
            None => file.evidence.daily_upload_mb.unwrap_or(1024),
        };
        if !(1..=1_048_576).contains(&daily_upload_mb) {
            return Err(ConfigError(format!(
                "evidence.daily_upload_mb = {daily_upload_mb} must be between 1 and 1048576"
            )));
        }
        let max_connections = match env_string("COOP_MAX_CONNECTIONS") {
            Some(v) => parse_value("COOP_MAX_CONNECTIONS", &v)?,
            None => file.server.max_connections.unwrap_or(1024),
        };
        if !(2..=1_000_000).contains(&max_connections) {
            return Err(ConfigError(format!(
                "server.max_connections = {max_connections} must be between 2 and 1000000"
            )));
        }
        let body_idle_seconds = match env_string("COOP_BODY_IDLE_SECONDS") {
            Some(v) => parse_value("COOP_BODY_IDLE_SECONDS", &v)?,
            None => file.server.body_idle_seconds.unwrap_or(10),
        };
        if !(1..=600).contains(&body_idle_seconds) {
            return Err(ConfigError(format!(
                "server.body_idle_seconds = {body_idle_seconds} must be between 1 and 600"
            )));
        }
        let body_min_rate = match env_string("COOP_BODY_MIN_BYTES_PER_SECOND") {
            Some(v) => parse_value("COOP_BODY_MIN_BYTES_PER_SECOND", &v)?,
            None => file.server.body_min_bytes_per_second.unwrap_or(4096),
        };
        if !(1..=100 * 1024 * 1024).contains(&body_min_rate) {
            return Err(ConfigError(format!(
                "server.body_min_bytes_per_second = {body_min_rate} must be between 1 and 104857600"
            )));
        }
        let reports_per_minute = match env_string("COOP_REPORTS_PER_MINUTE") {
            Some(v) => parse_value("COOP_REPORTS_PER_MINUTE", &v)?,
            None => file.reports.per_minute.unwrap_or(10),
        };
        let mail_from = env_string("COOP_SMTP_FROM")
            .or(file.smtp.from.clone())
            .unwrap_or_else(|| "coop-tracker <noreply@localhost>".into());
        let smtp = smtp_settings(&file.smtp, &env_string)?;
        let allow_local_addresses = match env_string("COOP_SMTP_ALLOW_LOCAL_ADDRESSES") {
            Some(v) => parse_value("COOP_SMTP_ALLOW_LOCAL_ADDRESSES", &v)?,
            None => file.smtp.allow_local_addresses.unwrap_or(false),
        };
        let schedule = |name: &str, var: &str, file: Option<String>, default: &str| {
            parse_schedule(name, &env(var).or(file).unwrap_or_else(|| default.into()))
        };
        let schedules = Schedules {
            outbox: schedule("schedules.outbox", "COOP_SCHEDULE_OUTBOX", file.schedules.outbox, "0 * * * * *")?,
            cleanup: schedule("schedules.cleanup", "COOP_SCHEDULE_CLEANUP", file.schedules.cleanup, "0 15 * * * *")?,
            reminders: schedule(
                "schedules.reminders",
                "COOP_SCHEDULE_REMINDERS",
                file.schedules.reminders,
                "0 9 * * *",
            )?,
            digest: schedule("schedules.digest", "COOP_SCHEDULE_DIGEST", file.schedules.digest, "30 8 * * Mon-Fri")?,
        };
        let rules = file.reminders.unwrap_or_default();
        rules.check().map_err(|e| ConfigError(format!("[reminders] {e}")))?;
        let mut calendar = WorkCalendar::china();
        for (year, arrangement) in &file.holidays {
            let number: i32 = year
                .parse()
                .ok()
                .filter(|y| (2000..=2100).contains(y))
                .ok_or_else(|| ConfigError(format!("[holidays.{year}] is not a year such as [holidays.2027]")))?;
            calendar.set_year(number, arrangement).map_err(|e| ConfigError(format!("[holidays.{year}] {e}")))?;
        }

        let config = Config {
            database: DatabaseUrl::parse(&database_url)?,
            bind: validate_bind(bind)?,
            base_url: validate_base_url(base_url)?,
            secure_cookies,
            session_idle_hours: positive("session_idle_hours", session_idle_hours)?,
            timezone: timezone.parse().map_err(|_| {
                ConfigError(format!("timezone '{timezone}' is not an IANA time zone such as Asia/Shanghai"))
            })?,
            mail: MailSettings { from: validate_mailbox(mail_from)?, smtp, allow_local_addresses },
            schedules,
            reminders: Reminders { rules, calendar },
            login_max_failures: positive("login_max_failures", login_max_failures)?,
            trusted_proxies,
            api_token_max_days,
            db_pool_size: positive("db_pool_size", db_pool_size)?,
            tracking: Tracking { warning_days, readiness },
            uploads: UploadLimits {
                max_file_bytes: max_file_mb * 1024 * 1024,
                max_files,
                daily_bytes_per_user: daily_upload_mb * 1024 * 1024,
            },
            transport: Transport {
                max_connections,
                body_pace: BodyPace {
                    idle: std::time::Duration::from_secs(body_idle_seconds),
                    min_rate: body_min_rate,
                },
            },
            reports_per_minute: positive("reports.per_minute", reports_per_minute)?,
            data_dir,
            reports_dir,
        };
        ensure_writable(&config.data_dir)?;
        Ok(config)
    }

    /// Where files written to disk for a newcomer to read (mail without SMTP) go.
    pub fn mail_dir(&self) -> PathBuf {
        self.data_dir.join("outbox-mail")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;
    use std::collections::HashMap;
    use std::path::Path;

    fn load(vars: &[(&str, &str)], overrides: Overrides) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::load(&overrides, &|k| map.get(k).cloned())
    }

    fn in_temp(dir: &tempfile::TempDir) -> Overrides {
        Overrides { data_dir: Some(dir.path().to_owned()), ..Overrides::default() }
    }

    #[test]
    fn starts_on_one_folder_at_once_never_trip_over_each_others_probe() {
        // With one fixed probe name, one start removed the probe another had just written, and that
        // start failed with "not writable" (5 of 80 concurrent starts).
        let dir = tempfile::tempdir().unwrap();
        let failures: usize = std::thread::scope(|scope| {
            let starts: Vec<_> = (0..16)
                .map(|_| scope.spawn(|| (0..200).filter(|_| ensure_writable(dir.path()).is_err()).count()))
                .collect();
            starts.into_iter().map(|s| s.join().unwrap()).sum()
        });
        assert_eq!(failures, 0);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "no probe is left behind");
    }

    #[test]
    fn defaults_select_sqlite_in_the_data_folder() {
        let dir = tempfile::tempdir().unwrap();
        let config = load(&[], in_temp(&dir)).unwrap();
        assert_eq!(config.database.backend, Backend::Sqlite);
        assert_eq!(Path::new(config.database.target.expose_secret()), dir.path().join(SQLITE_FILE_NAME));
        assert_eq!(config.bind, "127.0.0.1:8080");
        assert_eq!(config.timezone, chrono_tz::Asia::Shanghai);
        assert!(!config.secure_cookies);
    }

    #[test]
    fn flags_beat_environment_which_beats_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.toml");
        std::fs::write(&file, "bind = \"0.0.0.0:1\"\nbase_url = \"https://x.example\"\n[smtp]\nfrom = \"a@b.c\"\n")
            .unwrap();
        let overrides = Overrides { config_file: Some(file), bind: Some("127.0.0.1:9".into()), ..in_temp(&dir) };
        let config = load(&[("COOP_BIND", "127.0.0.1:5"), ("DATABASE_URL", "postgres://u@h/db")], overrides).unwrap();
        assert_eq!(config.bind, "127.0.0.1:9");
        assert_eq!(config.base_url, "https://x.example");
        assert!(config.secure_cookies, "https base URL turns on secure cookies");
        assert_eq!(config.mail.from, "a@b.c");
        assert_eq!(config.database.backend, Backend::Postgres);
    }

    #[test]
    fn unknown_database_scheme_is_refused_with_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let err = load(&[("DATABASE_URL", "mysql://root@localhost/x")], in_temp(&dir)).unwrap_err();
        assert!(err.0.contains("'mysql'"), "{}", err.0);
    }

    #[test]
    fn bad_cron_expression_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let err = load(&[("COOP_SCHEDULE_OUTBOX", "every minute")], in_temp(&dir)).unwrap_err();
        assert!(err.0.contains("schedules.outbox"), "{}", err.0);
        let err = load(&[("COOP_SCHEDULE_REMINDERS", "0 9 * * Moonday")], in_temp(&dir)).unwrap_err();
        assert!(err.0.contains("schedules.reminders = '0 9 * * Moonday'"), "{}", err.0);
    }

    #[test]
    fn five_field_cron_is_accepted_and_empty_disables() {
        assert!(parse_schedule("x", "30 8 * * Mon").unwrap().is_some());
        assert!(parse_schedule("x", " ").unwrap().is_none());
    }

    #[test]
    fn the_example_file_lists_valid_settings_that_match_the_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("coop-tracker.example.toml");
        let from_file = load(&[], Overrides { config_file: Some(example), ..in_temp(&dir) }).unwrap();
        let defaults = load(&[], in_temp(&dir)).unwrap();
        assert_eq!(from_file.bind, defaults.bind);
        assert_eq!(from_file.timezone, defaults.timezone);
        assert_eq!(from_file.mail.from, defaults.mail.from);
        assert_eq!(from_file.session_idle_hours, defaults.session_idle_hours);
        assert_eq!(from_file.login_max_failures, defaults.login_max_failures);
        assert_eq!(from_file.trusted_proxies, defaults.trusted_proxies);
        assert_eq!(from_file.api_token_max_days, defaults.api_token_max_days);
        assert_eq!(from_file.db_pool_size, defaults.db_pool_size);
        assert_eq!(from_file.tracking, defaults.tracking);
        assert_eq!(from_file.uploads, defaults.uploads);
        assert_eq!(from_file.transport, defaults.transport);
        assert_eq!(from_file.reports_per_minute, defaults.reports_per_minute);
        let schedules = |c: &Config| {
            let s = &c.schedules;
            [&s.outbox, &s.cleanup, &s.reminders, &s.digest].map(|s| s.as_ref().map(|s| s.to_string()))
        };
        assert_eq!(schedules(&from_file), schedules(&defaults));
        assert_eq!(from_file.reminders.rules, defaults.reminders.rules);
        assert!(from_file.mail.smtp.is_none());
    }

    #[test]
    fn smtp_is_set_by_the_file_or_the_environment() {
        let dir = tempfile::tempdir().unwrap();
        let config = load(&[("COOP_SMTP_HOST", "mail.example.org"), ("COOP_SMTP_TLS", "tls")], in_temp(&dir)).unwrap();
        let smtp = config.mail.smtp.unwrap();
        assert_eq!((smtp.host.as_str(), smtp.port, smtp.tls), ("mail.example.org", 465, SmtpTls::Tls));
        let file = dir.path().join("c.toml");
        std::fs::write(&file, "[smtp]\nhost = \"relay\"\ntls = \"none\"\nuser = \"u\"\npassword = \"p\"\n").unwrap();
        let overrides = Overrides { config_file: Some(file), ..in_temp(&dir) };
        let smtp = load(&[("COOP_SMTP_PORT", "2525")], overrides).unwrap().mail.smtp.unwrap();
        assert_eq!((smtp.port, smtp.tls, smtp.user.as_deref()), (2525, SmtpTls::None, Some("u")));
        let err = load(&[("COOP_SMTP_HOST", "h"), ("COOP_SMTP_TLS", "ssl3")], in_temp(&dir)).unwrap_err();
        assert!(err.0.contains("'ssl3'"), "{}", err.0);
    }

    #[test]
    fn reminder_days_and_holidays_come_from_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.toml");
        // Made-up dates in a year far off: the mechanism, not a real arrangement.
        let text = "[reminders]\nupcoming = [14]\n[holidays.2030]\nholidays = [\"2030-02-04..2030-02-10\"]\nworkdays = [\"2030-02-16\"]\n";
        std::fs::write(&file, text).unwrap();
        let config = load(&[], Overrides { config_file: Some(file.clone()), ..in_temp(&dir) }).unwrap();
        assert_eq!(config.reminders.rules.upcoming, [14]);
        assert_eq!(config.reminders.rules.overdue_pi, [1, 7, 30], "unset lists keep their defaults");
        let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2030, 2, d).unwrap();
        assert!(!config.reminders.calendar.is_workday(day(6)), "a Wednesday in the added holiday");
        assert!(config.reminders.calendar.is_workday(day(16)), "a make-up Saturday");
        std::fs::write(&file, "[reminders]\noverdue_pi = [0]\n").unwrap();
        let err = load(&[], Overrides { config_file: Some(file.clone()), ..in_temp(&dir) }).unwrap_err();
        assert!(err.0.contains("overdue_pi"), "{}", err.0);
        std::fs::write(&file, "[holidays.2030]\nholidays = [\"2030-13-01\"]\n").unwrap();
        let err = load(&[], Overrides { config_file: Some(file.clone()), ..in_temp(&dir) }).unwrap_err();
        assert!(err.0.contains("2030-13-01"), "{}", err.0);
        std::fs::write(&file, "[holidays.2030]\nworkdays = [\"2030-02-14\"]\n").unwrap();
        let err = load(&[], Overrides { config_file: Some(file), ..in_temp(&dir) }).unwrap_err();
        assert!(err.0.contains("a make-up working day"), "{}", err.0);
    }

    #[test]
    fn a_bad_warning_window_or_readiness_band_stops_the_start() {
        let dir = tempfile::tempdir().unwrap();
        let err = load(&[("COOP_WARNING_DAYS", "-1")], in_temp(&dir)).unwrap_err();
        assert!(err.0.contains("warning_days"), "{}", err.0);
        let file = dir.path().join("c.toml");
        std::fs::write(&file, "[readiness]\npass = 0.7\nre_review = 0.8\n").unwrap();
        let err = load(&[], Overrides { config_file: Some(file), ..in_temp(&dir) }).unwrap_err();
        assert!(err.0.contains("readiness"), "{}", err.0);
        let fine = load(&[("COOP_WARNING_DAYS", "14")], in_temp(&dir)).unwrap();
        assert_eq!(fine.tracking.warning_days, 14);
    }

    #[test]
    fn sending_over_smtp_needs_addresses_other_machines_reach() {
        let dir = tempfile::tempdir().unwrap();
        let smtp = [("COOP_SMTP_HOST", "relay.example.org")];
        let with = |extra: &[(&str, &str)]| {
            let vars: Vec<_> = smtp.iter().chain(extra).copied().collect();
            load(&vars, in_temp(&dir)).unwrap().check_sending()
        };
        let real =
            [("COOP_BASE_URL", "https://kw.example.gov.cn"), ("COOP_SMTP_FROM", "科委 <noreply@kw.example.gov.cn>")];
        assert!(with(&real).is_ok());
        let err = with(&real[1..]).unwrap_err();
        assert!(err.0.contains("base_url is http://127.0.0.1:8080") && err.0.contains("COOP_BASE_URL"), "{}", err.0);
        for loopback in ["http://localhost:8080", "http://[::1]:8080/", "http://0.0.0.0", "http://u@127.1.2.3:80"] {
            assert!(with(&[("COOP_BASE_URL", loopback), real[1]]).is_err(), "{loopback}");
        }
        let err = with(&real[..1]).unwrap_err();
        assert!(err.0.contains("smtp.from 'coop-tracker <noreply@localhost>'"), "{}", err.0);
        assert!(with(&[("COOP_SMTP_ALLOW_LOCAL_ADDRESSES", "true")]).is_ok(), "told so explicitly");
        assert!(load(&[], in_temp(&dir)).unwrap().check_sending().is_ok(), ".eml files are a local preview");
    }

    #[test]
    fn trusted_proxies_are_addresses_or_blocks() {
        let dir = tempfile::tempdir().unwrap();
        assert!(load(&[], in_temp(&dir)).unwrap().trusted_proxies.is_empty(), "none by default");
        let config = load(&[("COOP_TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.7 fd00::/8")], in_temp(&dir)).unwrap();
        let trusted = |ip: &str| config.trusted_proxies.iter().any(|r| r.contains(ip.parse().unwrap()));
        assert!(trusted("10.200.3.4") && trusted("192.0.2.7") && trusted("fd12::1") && trusted("::ffff:10.0.0.1"));
        assert!(!trusted("11.0.0.1") && !trusted("192.0.2.8") && !trusted("fe80::1"));
        let everything = load(&[("COOP_TRUSTED_PROXIES", "0.0.0.0/0")], in_temp(&dir)).unwrap();
        assert!(everything.trusted_proxies[0].contains("203.0.113.9".parse().unwrap()));
        for bad in ["10.0.0.0/33", "proxy.example", "10.0.0/8", "::/129"] {
            let err = load(&[("COOP_TRUSTED_PROXIES", bad)], in_temp(&dir)).unwrap_err();
            assert!(err.0.contains(bad), "{}", err.0);
        }
    }

    #[test]
    fn token_lifetimes_are_capped_by_a_setting() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(load(&[], in_temp(&dir)).unwrap().api_token_max_days, 365);
        assert_eq!(load(&[("COOP_API_TOKEN_MAX_DAYS", "30")], in_temp(&dir)).unwrap().api_token_max_days, 30);
        let err = load(&[("COOP_API_TOKEN_MAX_DAYS", "0")], in_temp(&dir)).unwrap_err();
        assert!(err.0.contains("api_token_max_days"), "{}", err.0);
    }

    #[test]
    fn unknown_keys_in_the_file_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.toml");
        std::fs::write(&file, "bnid = \"x\"\n").unwrap();
        let err = load(&[], Overrides { config_file: Some(file), ..in_temp(&dir) }).unwrap_err();
        assert!(err.0.contains("bnid"), "{}", err.0);
    }

    #[test]
    fn unwritable_data_folder_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, "x").unwrap();
        let err = load(&[], Overrides { data_dir: Some(blocker.join("sub")), ..Overrides::default() }).unwrap_err();
        assert!(err.0.contains("not writable"), "{}", err.0);
    }
}
