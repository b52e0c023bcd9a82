//! What every handler can reach, passed as `web::Data<AppState>` so each test builds its own.

use std::sync::Arc;

use actix_web::web;

use super::rate_limit::LoginLimiter;
use super::read_cache::ReadCache;
use super::report_budget::ReportBudget;
use crate::app::{Connection, FileStore, Mailer, Pool};
use crate::config::Config;
use crate::domain::clock::Clock;
use crate::web::error::AppError;

/// Shared application state.
#[derive(Debug, Clone)]
pub struct AppState {
    /// Validated settings.
    pub config: Arc<Config>,
    /// Database connections.
    pub pool: Pool,
    /// Outgoing mail.
    pub mailer: Mailer,
    /// The time source; fixed in tests.
    pub clock: Clock,
    /// Failed-login back-off.
    pub login_limiter: Arc<LoginLimiter>,
    /// Names this process in outbox claims.
    pub instance: Arc<str>,
    /// Portfolio-wide answers, kept until the data changes.
    pub read_cache: Arc<ReadCache>,
    /// Reports each user may generate per minute.
    pub report_budget: Arc<ReportBudget>,
}

impl AppState {
    /// Builds the state from its parts.
    pub fn new(config: Config, pool: Pool, mailer: Mailer, clock: Clock) -> Self {
        let login_limiter = Arc::new(LoginLimiter::new(config.login_max_failures));
        let report_budget = Arc::new(ReportBudget::new(config.reports_per_minute));
        let instance = format!("{}-{}", hostname(), std::process::id()).into();
        Self {
            config: Arc::new(config),
            pool,
            mailer,
            clock,
            login_limiter,
            instance,
            read_cache: Arc::default(),
            report_budget,
        }
    }

    /// Today's date where the commission works (the configured time zone), the default "as of".
    pub fn today(&self) -> chrono::NaiveDate {
        self.clock.today(&self.config.timezone)
    }

    /// The evidence file store under the data folder.
    pub fn files(&self) -> FileStore {
        FileStore::new(&self.config.data_dir)
    }

    /// Runs database work on the blocking thread pool: actix workers are single-threaded runtimes,
    /// so a synchronous query (or waiting for a pooled connection) must never run on them.
    pub async fn db<T, F>(&self, work: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut Connection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        web::block(move || crate::app::with_connection(&pool, work)).await?
    }

    /// Delivers due outbox mail in the background, so a request that queued a message need not
    /// wait for the mail server; the scheduler retries whatever fails here.
    pub fn deliver_mail_soon(&self) {
        let state = self.clone();
        actix_web::rt::spawn(async move {
            let now = state.clock.now();
            let (mailer, config, instance) =
                (state.mailer.clone(), Arc::clone(&state.config), Arc::clone(&state.instance));
            let result = state
                .db(move |conn| Ok(crate::app::delivery::deliver_due(conn, &mailer, &config, &instance, now)?))
                .await;
            match result {
                Ok(report) => tracing::debug!(?report, "outbox delivered"),
                Err(error) => tracing::warn!(?error, "outbox delivery failed"),
            }
        });
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname").map(|s| s.trim().to_owned()).unwrap_or_else(|_| "host".into())
}
