//! Outgoing mail: the sender, the SMTP server and its `[smtp]` settings, and the check that mail
//! sent over SMTP can be used by its readers.

use super::checks::{parse_value, positive};
use super::file::FileSmtp;
use super::{Config, ConfigError};
use secrecy::SecretString;

/// Outgoing mail.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// The From header, e.g. `科委项目管理 <noreply@example.org>`.
    pub from: String,
    /// The SMTP server; with none, messages are written as `.eml` files to `<data dir>/outbox-mail/`.
    pub smtp: Option<SmtpSettings>,
    /// Whether mail sent over SMTP may link to a loopback `base_url` and come from a local sender
    /// (`smtp.allow_local_addresses`): for a test installation whose readers sit at the server.
    pub allow_local_addresses: bool,
}

/// How the connection to the SMTP server is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// Plain text, for a relay on the same host or network.
    None,
    /// Plain text upgraded with STARTTLS, which the server must offer (port 587).
    StartTls,
    /// TLS from the first byte (port 465).
    Tls,
}

/// An SMTP server.
#[derive(Debug, Clone)]
pub struct SmtpSettings {
    /// Host name or address.
    pub host: String,
    /// Port; by default 25 without TLS, 587 with STARTTLS, 465 with TLS.
    pub port: u16,
    /// Connection security.
    pub tls: SmtpTls,
    /// User name, when the server wants a login.
    pub user: Option<String>,
    /// Password for `user`.
    pub password: Option<SecretString>,
    /// How long to wait for the server before an attempt counts as failed.
    pub timeout: std::time::Duration,
}

impl Config {
    /// Refuses to send mail whose readers could not use it: over SMTP, links must lead to an
    /// address other machines reach (`base_url`, which defaults to the loopback `bind`) and the
    /// sender must have a real domain, unless `smtp.allow_local_addresses` says otherwise. Mail
    /// written as `.eml` files (no SMTP) is a preview on this machine and needs neither. Called by
    /// every command that sends (`serve`, `remind run`, `remind digest`) before it starts.
    pub fn check_sending(&self) -> Result<(), ConfigError> {
        if self.mail.smtp.is_none() || self.mail.allow_local_addresses {
            return Ok(());
        }
        let host = self.base_url.split("://").nth(1).unwrap_or_default();
        let host = host.split('/').next().unwrap_or_default();
        let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
        // Strip a port; an IPv6 literal keeps its brackets' content.
        let host = match host.strip_prefix('[') {
            Some(rest) => rest.split(']').next().unwrap_or_default(),
            None => host.rsplit_once(':').map_or(host, |(h, _)| h),
        };
        let allow =
            "or set smtp.allow_local_addresses = true (COOP_SMTP_ALLOW_LOCAL_ADDRESSES) for a test installation";
        if is_local_host(host) {
            return Err(ConfigError(format!(
                "base_url is {}, which only this machine can open, so mailed links would not work: set base_url (COOP_BASE_URL) to the address users reach the service at, {allow}",
                self.base_url
            )));
        }
        let sender = self.mail.from.parse::<lettre::message::Mailbox>().map(|m| m.email.domain().to_owned());
        if sender.as_deref().is_ok_and(|domain| is_local_host(domain.trim_start_matches('[').trim_end_matches(']'))) {
            return Err(ConfigError(format!(
                "smtp.from '{}' has no domain other machines know, so mail would be refused or unanswerable: set smtp.from (COOP_SMTP_FROM) to the commission's sending address, {allow}",
                self.mail.from
            )));
        }
        Ok(())
    }
}

/// Whether a host name or address is this machine only: `localhost` (and names under it), loopback
/// or the unspecified address.
fn is_local_host(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if host.is_empty() || host == "localhost" || host.ends_with(".localhost") {
        return true;
    }
    host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback() || ip.is_unspecified())
}

pub(super) fn validate_mailbox(from: String) -> Result<String, ConfigError> {
    from.parse::<lettre::message::Mailbox>()
        .map(|_| from.clone())
        .map_err(|e| ConfigError(format!("mail.from '{from}' is not an e-mail address: {e}")))
}

/// The `[smtp]` section and its `COOP_SMTP_*` variables; `None` when no host is set.
pub(super) fn smtp_settings(
    file: &FileSmtp,
    env_string: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<SmtpSettings>, ConfigError> {
    let Some(host) = env_string("COOP_SMTP_HOST").or_else(|| file.host.clone()) else {
        return Ok(None);
    };
    let tls_text = env_string("COOP_SMTP_TLS").or_else(|| file.tls.clone()).unwrap_or_else(|| "starttls".into());
    let tls = match tls_text.trim().to_ascii_lowercase().as_str() {
        "none" => SmtpTls::None,
        "starttls" => SmtpTls::StartTls,
        "tls" => SmtpTls::Tls,
        _ => return Err(ConfigError(format!("smtp.tls = '{tls_text}' must be none, starttls or tls"))),
    };
    let default_port = match tls {
        SmtpTls::None => 25,
        SmtpTls::StartTls => 587,
        SmtpTls::Tls => 465,
    };
    let port = match env_string("COOP_SMTP_PORT") {
        Some(v) => parse_value("COOP_SMTP_PORT", &v)?,
        None => file.port.unwrap_or(default_port),
    };
    let user = env_string("COOP_SMTP_USER").or_else(|| file.user.clone());
    let password = env_string("COOP_SMTP_PASSWORD").or_else(|| file.password.clone());
    if password.is_some() && user.is_none() {
        return Err(ConfigError("smtp.password is set without smtp.user".into()));
    }
    let timeout_seconds = match env_string("COOP_SMTP_TIMEOUT_SECONDS") {
        Some(v) => parse_value("COOP_SMTP_TIMEOUT_SECONDS", &v)?,
        None => file.timeout_seconds.unwrap_or(30),
    };
    if !(1..=600).contains(&timeout_seconds) {
        return Err(ConfigError(format!("smtp.timeout_seconds = {timeout_seconds} must be between 1 and 600")));
    }
    Ok(Some(SmtpSettings {
        host: host.trim().to_owned(),
        port: positive("smtp.port", port)?,
        tls,
        user,
        password: password.map(SecretString::from),
        timeout: std::time::Duration::from_secs(timeout_seconds),
    }))
}
