//! The database URL: which backend it selects, and what the driver receives.

use super::ConfigError;
use secrecy::SecretString;

/// Which database a URL selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// The embedded default: a file path, `sqlite://path` or `sqlite:path`.
    Sqlite,
    /// `postgres://…` or `postgresql://…`.
    Postgres,
}

/// A validated database location.
#[derive(Debug, Clone)]
pub struct DatabaseUrl {
    /// The selected backend.
    pub backend: Backend,
    /// What the driver receives: a file path for SQLite, the URL itself for PostgreSQL.
    pub target: SecretString,
}

impl DatabaseUrl {
    /// Chooses the backend from the scheme; SQLite would accept any string as a file name, so an
    /// unknown scheme must be refused here rather than silently become a file called `mysql:`.
    pub fn parse(url: &str) -> Result<Self, ConfigError> {
        let url = url.trim();
        if url.is_empty() {
            return Err(ConfigError("database URL is empty".into()));
        }
        let lower = url.to_ascii_lowercase();
        if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
            return Ok(Self { backend: Backend::Postgres, target: url.into() });
        }
        let path = if let Some(rest) = url.strip_prefix("sqlite://") {
            rest
        } else if let Some(rest) = url.strip_prefix("sqlite:") {
            rest
        } else if let Some((scheme, _)) = url.split_once("://") {
            return Err(ConfigError(format!(
                "database URL scheme '{scheme}' is not supported: use postgres://… for PostgreSQL or a file path (or sqlite://path) for SQLite"
            )));
        } else {
            url
        };
        if path.is_empty() {
            return Err(ConfigError("the SQLite database URL names no file".into()));
        }
        Ok(Self { backend: Backend::Sqlite, target: path.into() })
    }
}
