//! The optional TOML file: its raw shape, every setting optional, and reading it.

use super::ConfigError;
use crate::domain::reminder::RuleDays;
use crate::domain::workdays::YearArrangement;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The raw shape of the TOML file; every field optional so that the file may set only a few.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileConfig {
    pub(super) data_dir: Option<PathBuf>,
    pub(super) reports_dir: Option<PathBuf>,
    pub(super) database_url: Option<String>,
    pub(super) bind: Option<String>,
    pub(super) base_url: Option<String>,
    pub(super) secure_cookies: Option<bool>,
    pub(super) session_idle_hours: Option<i64>,
    pub(super) timezone: Option<String>,
    pub(super) login_max_failures: Option<u32>,
    pub(super) trusted_proxies: Option<Vec<String>>,
    pub(super) api_token_max_days: Option<i64>,
    pub(super) db_pool_size: Option<u32>,
    #[serde(default)]
    pub(super) smtp: FileSmtp,
    #[serde(default)]
    pub(super) schedules: FileSchedules,
    pub(super) reminders: Option<RuleDays>,
    #[serde(default)]
    pub(super) holidays: std::collections::BTreeMap<String, YearArrangement>,
    #[serde(default)]
    pub(super) status: FileStatus,
    #[serde(default)]
    pub(super) readiness: FileReadiness,
    #[serde(default)]
    pub(super) evidence: FileEvidence,
    #[serde(default)]
    pub(super) server: FileServer,
    #[serde(default)]
    pub(super) reports: FileReports,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileServer {
    pub(super) max_connections: Option<usize>,
    pub(super) body_idle_seconds: Option<u64>,
    pub(super) body_min_bytes_per_second: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileReports {
    pub(super) per_minute: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileEvidence {
    pub(super) max_file_mb: Option<u64>,
    pub(super) max_files: Option<usize>,
    pub(super) daily_upload_mb: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileStatus {
    pub(super) warning_days: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileReadiness {
    pub(super) pass: Option<f64>,
    pub(super) re_review: Option<f64>,
    pub(super) technical_weight: Option<f64>,
    pub(super) economic_weight: Option<f64>,
    pub(super) social_weight: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileSmtp {
    pub(super) from: Option<String>,
    pub(super) host: Option<String>,
    pub(super) port: Option<u16>,
    pub(super) tls: Option<String>,
    pub(super) user: Option<String>,
    pub(super) password: Option<String>,
    pub(super) timeout_seconds: Option<u64>,
    pub(super) allow_local_addresses: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileSchedules {
    pub(super) outbox: Option<String>,
    pub(super) cleanup: Option<String>,
    pub(super) reminders: Option<String>,
    pub(super) digest: Option<String>,
}

pub(super) fn read_file(path: &Path) -> Result<FileConfig, ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError(format!("cannot read config file {}: {e}", path.display())))?;
    toml::from_str(&text).map_err(|e| {
        let message = e.message().to_owned();
        ConfigError(format!("config file {} is invalid: {message}", path.display()))
    })
}
