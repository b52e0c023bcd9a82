//! One builder per kind of message; each renders `templates/email/<kind>/` in the recipient's
//! language (`app::outbox` queues the result).

use askama::Template;

use crate::i18n::T;

/// A rendered message, ready to queue.
#[derive(Debug)]
pub struct Rendered {
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub text: String,
    /// HTML body.
    pub html: String,
}

/// The password-reset link; parametrised sentences are formatted here so that the text and HTML
/// bodies say exactly the same.
#[derive(Template)]
#[template(path = "email/password_reset/body.txt")]
struct PasswordResetText<'a> {
    t: T,
    greeting: &'a str,
    link: &'a str,
    expiry: &'a str,
}

#[derive(Template)]
#[template(path = "email/password_reset/body.html")]
struct PasswordResetHtml<'a> {
    t: T,
    greeting: &'a str,
    link: &'a str,
    expiry: &'a str,
}

/// Renders the password-reset message.
pub fn password_reset(t: T, name: &str, link: &str, hours: i64) -> Result<Rendered, askama::Error> {
    let greeting = t.fmt("email.greeting", &[("name", &name)]);
    let expiry = t.fmt("email.password_reset.expiry", &[("hours", &hours)]);
    let (greeting, expiry) = (greeting.as_str(), expiry.as_str());
    Ok(Rendered {
        subject: t.get("email.password_reset.subject").to_owned(),
        text: PasswordResetText { t, greeting, link, expiry }.render()?,
        html: PasswordResetHtml { t, greeting, link, expiry }.render()?,
    })
}
