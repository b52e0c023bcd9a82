//! Outgoing e-mail: building messages from templates and handing them to a transport.
//!
//! Messages are never sent from a request directly; they are queued in the outbox (see
//! `db::outbox`) and delivered by `jobs::outbox`, so a failing mail server loses nothing.

pub mod message;
pub mod notice;
mod transport;

pub use transport::{MailError, Mailer, Outgoing};

/// Whether mail can be addressed to this text (the syntax of an address; not whether it exists).
pub fn is_address(text: &str) -> bool {
    text.parse::<lettre::Address>().is_ok()
}
