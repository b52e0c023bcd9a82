//! Where mail goes: an SMTP server, or `.eml` files in the data folder when none is configured so
//! that a newcomer can read what would have been sent.

use std::path::PathBuf;

use lettre::message::{Mailbox, MultiPart};
use lettre::{FileTransport, Message, SmtpTransport, Transport};
use secrecy::ExposeSecret;

use crate::config::Config;

/// Building or handing over a message failed.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// An address or header was unusable.
    #[error("invalid message: {0}")]
    Message(String),
    /// The SMTP server refused or could not be reached.
    #[error("SMTP: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
    /// The `.eml` file could not be written.
    #[error("writing mail file: {0}")]
    File(#[from] lettre::transport::file::Error),
    /// The mail folder could not be created.
    #[error("creating mail folder: {0}")]
    Folder(#[from] std::io::Error),
}

#[derive(Clone)]
enum Transports {
    Smtp(SmtpTransport),
    File(FileTransport, PathBuf),
}

/// Sends finished messages.
#[derive(Clone)]
pub struct Mailer {
    from: Mailbox,
    transport: Transports,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match &self.transport {
            Transports::Smtp(_) => "smtp",
            Transports::File(..) => "file",
        };
        f.debug_struct("Mailer").field("from", &self.from.to_string()).field("transport", &kind).finish()
    }
}

impl Mailer {
    /// The transport the configuration asks for.
    pub fn from_config(config: &Config) -> Result<Self, MailError> {
        let from: Mailbox = config.mail.from.parse().map_err(|e| MailError::Message(format!("{e}")))?;
        let transport = match &config.mail.smtp_url {
            Some(url) => Transports::Smtp(SmtpTransport::from_url(url.expose_secret())?.build()),
            None => {
                let dir = config.mail_dir();
                std::fs::create_dir_all(&dir)?;
                Transports::File(FileTransport::new(&dir), dir)
            }
        };
        Ok(Self { from, transport })
    }

    /// A short description for the start-up log.
    pub fn describe(&self) -> String {
        match &self.transport {
            Transports::Smtp(_) => "SMTP".into(),
            Transports::File(_, dir) => format!(".eml files in {}", dir.display()),
        }
    }

    /// Sends one message with a plain-text body and, when given, an HTML alternative.
    pub fn send(&self, to: &str, subject: &str, text: &str, html: Option<&str>) -> Result<(), MailError> {
        let to: Mailbox = to.parse().map_err(|e| MailError::Message(format!("recipient {to}: {e}")))?;
        let builder = Message::builder().from(self.from.clone()).to(to).subject(subject);
        let message = match html {
            Some(html) => builder.multipart(MultiPart::alternative_plain_html(text.to_owned(), html.to_owned())),
            None => builder.body(text.to_owned()),
        }
        .map_err(|e| MailError::Message(e.to_string()))?;
        match &self.transport {
            Transports::Smtp(smtp) => smtp.send(&message).map(|_| ())?,
            Transports::File(file, _) => file.send(&message).map(|_| ())?,
        }
        Ok(())
    }
}
