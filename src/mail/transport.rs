//! Where mail goes: an SMTP server, or `.eml` files in the data folder when none is configured so
//! that a newcomer can read what would have been sent.
//!
//! Every message's Message-ID is made from its outbox key, and a `.eml` file is named by that id:
//! delivering the same message again (a sender stopped between writing it and recording it)
//! replaces its file instead of adding one, so file delivery is exactly-once. An SMTP server cannot
//! be asked whether it has a message already; there the same id lets mail clients show a repeat as
//! one.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{Message, SmtpTransport, Transport};
use secrecy::ExposeSecret;

use crate::config::{Config, SmtpSettings, SmtpTls};

/// One message as the outbox holds it.
#[derive(Debug, Clone, Copy)]
pub struct Outgoing<'a> {
    /// The message's idempotency key, from which its Message-ID is made.
    pub key: &'a str,
    /// Recipient address.
    pub to: &'a str,
    /// Subject line (any language; encoded as RFC 2047 UTF-8 words).
    pub subject: &'a str,
    /// Plain-text body.
    pub text: &'a str,
    /// HTML alternative.
    pub html: Option<&'a str>,
    /// The List-Unsubscribe header (`<https://…>`), for digests.
    pub list_unsubscribe: Option<&'a str>,
}

/// Building or handing over a message failed.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// An address or header was unusable.
    #[error("invalid message: {0}")]
    Message(String),
    /// The SMTP server refused or could not be reached.
    #[error("SMTP: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
    /// The mail folder or a `.eml` file could not be written.
    #[error("writing mail file: {0}")]
    File(#[from] std::io::Error),
}

#[derive(Clone)]
enum Transports {
    Smtp(SmtpTransport, String),
    File(PathBuf),
}

/// Sends finished messages.
#[derive(Clone)]
pub struct Mailer {
    from: Mailbox,
    /// The installation's address (`base_url`), which keeps its Message-IDs apart from others'.
    base_url: String,
    transport: Transports,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match &self.transport {
            Transports::Smtp(..) => "smtp",
            Transports::File(_) => "file",
        };
        f.debug_struct("Mailer").field("from", &self.from.to_string()).field("transport", &kind).finish()
    }
}

impl Mailer {
    /// The transport the configuration asks for.
    pub fn from_config(config: &Config) -> Result<Self, MailError> {
        let from: Mailbox = config.mail.from.parse().map_err(|e| MailError::Message(format!("{e}")))?;
        let transport = match &config.mail.smtp {
            Some(smtp) => Transports::Smtp(smtp_transport(smtp)?, format!("{}:{}", smtp.host, smtp.port)),
            None => {
                let dir = config.mail_dir();
                std::fs::create_dir_all(&dir)?;
                Transports::File(dir)
            }
        };
        Ok(Self { from, base_url: config.base_url.clone(), transport })
    }

    /// A short description for the start-up log.
    pub fn describe(&self) -> String {
        match &self.transport {
            Transports::Smtp(_, server) => format!("SMTP at {server}"),
            Transports::File(dir) => format!(".eml files in {}", dir.display()),
        }
    }

    /// The Message-ID of the message queued under `key`: the same at every attempt, so that a
    /// message sent twice (a crash after the server accepted it, before it was marked sent) is
    /// recognised as one by mail clients; the sender's domain, as RFC 5322 asks, and a hash of this
    /// installation's address with the key, so that two installations never share an id. The hash
    /// alone also names the message's `.eml` file.
    fn message_id(&self, key: &str) -> (String, String) {
        use sha2::{Digest, Sha256};
        let digest = Sha256::new().chain_update(self.base_url.as_bytes()).chain_update(b"\n").chain_update(key);
        let local = hex::encode(digest.finalize())[..32].to_owned();
        (format!("<{local}@{}>", self.from.email.domain()), local)
    }

    /// Sends one message with a plain-text body and, when given, an HTML alternative.
    pub fn send(&self, outgoing: &Outgoing<'_>) -> Result<(), MailError> {
        let to: Mailbox =
            outgoing.to.parse().map_err(|e| MailError::Message(format!("recipient {}: {e}", outgoing.to)))?;
        let (message_id, file_stem) = self.message_id(outgoing.key);
        let mut builder =
            Message::builder().from(self.from.clone()).to(to).subject(outgoing.subject).message_id(Some(message_id));
        if let Some(unsubscribe) = outgoing.list_unsubscribe {
            builder = builder.raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe"),
                unsubscribe.to_owned(),
            ));
        }
        let text = outgoing.text.to_owned();
        let message = match outgoing.html {
            Some(html) => builder.multipart(MultiPart::alternative_plain_html(text, html.to_owned())),
            None => builder.body(text),
        }
        .map_err(|e| MailError::Message(e.to_string()))?;
        match &self.transport {
            Transports::Smtp(smtp, _) => smtp.send(&message).map(|_| ())?,
            Transports::File(dir) => write_file(dir, &file_stem, &message.formatted())?,
        }
        Ok(())
    }
}

/// Writes `<dir>/<stem>.eml`, replacing the file a previous delivery of the same message wrote, so
/// that each message has one file, the one sent last (a password-reset message sent again carries
/// the only token that still works). The file appears whole or not at all: it is written and
/// flushed under a name of its own, then renamed into place.
fn write_file(dir: &Path, stem: &str, bytes: &[u8]) -> std::io::Result<()> {
    let partial = dir.join(format!(".{stem}.{}.partial", crate::auth::secret::random_token()));
    let written = (|| {
        let mut file = std::fs::File::create_new(&partial)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&partial, dir.join(format!("{stem}.eml")))
    })();
    if written.is_err() {
        // Best effort: the error that matters is the one returned.
        let _ = std::fs::remove_file(&partial);
    }
    written
}

/// An SMTP transport as configured; the timeout bounds every step so that a server that accepts
/// the connection and then says nothing cannot hold the sender forever.
fn smtp_transport(smtp: &SmtpSettings) -> Result<SmtpTransport, MailError> {
    let builder = match smtp.tls {
        SmtpTls::None => SmtpTransport::builder_dangerous(&smtp.host),
        SmtpTls::StartTls => SmtpTransport::starttls_relay(&smtp.host)?,
        SmtpTls::Tls => SmtpTransport::relay(&smtp.host)?,
    };
    let mut builder = builder.port(smtp.port).timeout(Some(smtp.timeout));
    if let (Some(user), Some(password)) = (&smtp.user, &smtp.password) {
        builder = builder.credentials(Credentials::new(user.clone(), password.expose_secret().to_owned()));
    }
    Ok(builder.build())
}
