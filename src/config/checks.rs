//! Checks on single values: numbers, addresses, cron expressions and the data folder.

use super::ConfigError;
use std::path::Path;
use std::str::FromStr;

pub(super) fn parse_value<T: FromStr>(name: &str, value: &str) -> Result<T, ConfigError> {
    value.trim().parse().map_err(|_| ConfigError(format!("{name}='{value}' is not a valid value")))
}

pub(super) fn positive<T: PartialOrd + Default + std::fmt::Display>(name: &str, value: T) -> Result<T, ConfigError> {
    if value > T::default() {
        Ok(value)
    } else {
        Err(ConfigError(format!("{name} must be greater than zero, not {value}")))
    }
}

pub(super) fn validate_bind(bind: String) -> Result<String, ConfigError> {
    match bind.rsplit_once(':') {
        Some((host, port)) if !host.is_empty() && port.parse::<u16>().is_ok() => Ok(bind),
        _ => Err(ConfigError(format!("bind address '{bind}' must look like 127.0.0.1:8080"))),
    }
}

pub(super) fn validate_base_url(url: String) -> Result<String, ConfigError> {
    if url.starts_with("http://") || url.starts_with("https://") {
        Ok(url.trim_end_matches('/').to_owned())
    } else {
        Err(ConfigError(format!("base_url '{url}' must start with http:// or https://")))
    }
}

/// Parses a cron expression as users write it (five fields) or as the cron crate wants it (seconds
/// first). An empty expression disables the job.
pub(super) fn parse_schedule(name: &str, expression: &str) -> Result<Option<cron::Schedule>, ConfigError> {
    let expression = expression.trim();
    if expression.is_empty() {
        return Ok(None);
    }
    let full =
        if expression.split_whitespace().count() == 5 { format!("0 {expression}") } else { expression.to_owned() };
    cron::Schedule::from_str(&full).map(Some).map_err(|e| {
        // The cron crate's message spans lines with a caret under the fault; keep one line.
        let reason: Vec<_> =
            e.to_string().lines().map(str::trim).filter(|l| !l.is_empty() && *l != "^").map(str::to_owned).collect();
        ConfigError(format!("{name} = '{expression}' is not a cron expression ({})", reason.join(" ")))
    })
}

/// Creates the data folder if needed and proves it is writable by writing a probe file. Each call
/// probes under a name of its own (process, call and time), so that servers and commands starting
/// together on one folder never remove each other's probe.
pub(super) fn ensure_writable(dir: &Path) -> Result<(), ConfigError> {
    static CALLS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let fail = |e: std::io::Error| ConfigError(format!("data folder {} is not writable: {e}", dir.display()));
    std::fs::create_dir_all(dir).map_err(fail)?;
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    let probe = dir.join(format!(".write-probe-{}-{call}-{nanos}", std::process::id()));
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
        .and_then(|mut file| std::io::Write::write_all(&mut file, b"ok"));
    let removed = std::fs::remove_file(&probe);
    written.map_err(fail)?;
    removed.map_err(fail)
}
