//! What every HTML page needs besides its own content (language, user, CSRF token, notices), and
//! the one helper that turns a rendered template into a response.

use actix_web::http::header::{self, ContentType};
use actix_web::{HttpMessage, HttpRequest, HttpResponse};
use askama::Template;
use chrono::NaiveDateTime;

use super::csrf;
use super::identity::CurrentUser;
use crate::domain::role::Role;
use crate::domain::timestamp;
use crate::i18n::{Locale, T};
use crate::web::error::AppError;
use crate::web::state::AppState;

/// The cookie that remembers the chosen language.
pub const LANG_COOKIE: &str = "coop_lang";

/// The logged-in user as the layout shows them.
#[derive(Debug, Clone)]
pub struct Viewer {
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
}

impl Viewer {
    /// Whether the administration menu is shown.
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// Whether the commission's menu (institutions, later guides and projects) is shown.
    pub fn is_commission(&self) -> bool {
        self.role.sees_portfolio()
    }
}

/// The common part of every page.
#[derive(Debug, Clone)]
pub struct PageCtx {
    /// Translator for the request's language.
    pub t: T,
    /// The logged-in user, if any.
    pub viewer: Option<Viewer>,
    /// CSRF token for forms.
    pub csrf: String,
    /// The path of this page, so the language switch can come back to it.
    pub path: String,
    /// A notice to show once, from `?done=<key>` after a redirect; only known keys are shown.
    pub notice: Option<&'static str>,
    /// Times are stored in UTC and shown in the configured zone (Asia/Shanghai by default).
    pub tz: chrono_tz::Tz,
}

/// Notices that may be requested with `?done=`; anything else is ignored, so the parameter cannot
/// be used to show arbitrary text.
const NOTICES: [(&str, &str); 15] = [
    ("annual_submitted", "annual_report.submitted"),
    ("evidence_submitted", "evidence_page.submitted"),
    ("imported", "notice.imported"),
    ("logged_out", "notice.logged_out"),
    ("outbox_retried", "outbox_page.retried"),
    ("password_changed", "notice.password_changed"),
    ("password_reset", "notice.password_reset"),
    ("registered", "notice.registered"),
    ("reminder_rules_reset", "reminders_page.reset_done"),
    ("report_submitted", "report.submitted_done"),
    ("reset_sent", "notice.reset_sent"),
    ("reviewed", "review_page.reviewed"),
    ("saved", "notice.saved"),
    ("state_changed", "notice.state_changed"),
    ("token_revoked", "notice.token_revoked"),
];

impl PageCtx {
    /// The context of a request, with the given user.
    pub fn new(req: &HttpRequest, user: Option<&CurrentUser>) -> Self {
        let user = user.cloned().or_else(|| req.extensions().get::<CurrentUser>().cloned());
        let locale = request_locale(req, user.as_ref());
        let notice = web_query_value(req, "done")
            .and_then(|done| NOTICES.iter().find(|(name, _)| *name == done).map(|(_, key)| *key));
        Self {
            t: locale.t(),
            viewer: user.map(|u| Viewer { name: u.user.name, role: u.user.role }),
            csrf: csrf::token(req),
            path: req.path().to_owned(),
            notice,
            tz: req
                .app_data::<actix_web::web::Data<AppState>>()
                .map_or(chrono_tz::Asia::Shanghai, |s| s.config.timezone),
        }
    }

    /// A stored UTC instant as local date and minute.
    pub fn time(&self, at: &NaiveDateTime) -> String {
        timestamp::local_minute(at, &self.tz)
    }

    /// A stored UTC instant as local date.
    pub fn date(&self, at: &NaiveDateTime) -> String {
        timestamp::local_date(at, &self.tz).to_string()
    }
}

fn web_query_value(req: &HttpRequest, name: &str) -> Option<String> {
    actix_web::web::Query::<std::collections::HashMap<String, String>>::from_query(req.query_string())
        .ok()
        .and_then(|q| q.get(name).cloned())
}

/// The language of a request. Pages are Chinese unless the user chose English (the switch's
/// cookie, else the account's setting): browsers in China often send English preferences, so
/// `Accept-Language` is not trusted for pages. API clients have no cookie and say what they want
/// in `Accept-Language`.
pub fn request_locale(req: &HttpRequest, user: Option<&CurrentUser>) -> Locale {
    if req.path().starts_with("/api/") {
        return req
            .headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(Locale::from_accept_language)
            .unwrap_or_default();
    }
    req.cookie(LANG_COOKIE)
        .and_then(|c| Locale::from_tag(c.value()))
        .or_else(|| user.and_then(|u| Locale::from_tag(&u.user.locale)))
        .unwrap_or_default()
}

/// Renders a page with status 200.
pub fn render(page: &impl Template) -> Result<HttpResponse, AppError> {
    render_with(actix_web::http::StatusCode::OK, page)
}

/// Renders a page with the given status (a form re-shown with errors is 422, say).
pub fn render_with(status: actix_web::http::StatusCode, page: &impl Template) -> Result<HttpResponse, AppError> {
    let body = page.render()?;
    Ok(HttpResponse::build(status).content_type(ContentType::html()).body(body))
}

/// A redirect after a successful POST (303, so the browser follows with GET).
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((header::LOCATION, location.to_owned())).finish()
}

/// Percent-encodes one path segment (a project code may hold Chinese characters or a slash) for a
/// `Location` header.
pub fn encode_path_segment(segment: &str) -> String {
    segment
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Accepts only a local path as a redirect target (`?back=`, `?next=`), so that a crafted link cannot
/// send a user to another site; anything else becomes `/`.
///
/// A local path starts with exactly one `/` and holds no backslash, control character or white
/// space, neither as typed nor once percent-decoded (repeatedly, as far as it decodes). Browsers
/// drop tabs and line breaks from a URL and read `\\` as `/`, so `/%09/evil.example` and
/// `/\\evil.example` would otherwise arrive as `//evil.example`, another host; and a line break would
/// make the `Location` header unsendable, a 500 after the login was already recorded. Handlers call
/// this before they write anything, so a bad target changes nothing but where the user lands.
pub fn local_path(target: Option<&str>) -> &str {
    match target {
        Some(path) if is_local_path(path) => path,
        _ => "/",
    }
}

fn is_local_path(path: &str) -> bool {
    let plain = |p: &str| {
        p.starts_with('/')
            && !p.starts_with("//")
            && !p.chars().any(|c| c == '\\' || c.is_control() || c.is_whitespace())
    };
    let mut current = std::borrow::Cow::Borrowed(path);
    // Each round undoes one layer of encoding (`%2509` is `%09` once decoded); a few rounds cover
    // anything a browser or a proxy would decode.
    for _ in 0..4 {
        if !plain(&current) {
            return false;
        }
        let decoded = percent_encoding::percent_decode_str(&current).decode_utf8_lossy().into_owned();
        if decoded == *current {
            return true;
        }
        current = std::borrow::Cow::Owned(decoded);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_redirect_targets() {
        assert_eq!(local_path(Some("/admin/users")), "/admin/users");
        assert_eq!(
            local_path(Some("/projects/%E6%B2%AA-1?as_of=2026-01-01#x")),
            "/projects/%E6%B2%AA-1?as_of=2026-01-01#x"
        );
        assert_eq!(local_path(Some("/projects/沪科-1")), "/projects/沪科-1");
        assert_eq!(local_path(None), "/");
        for bad in [
            "",
            "admin",
            "//evil.example",
            "///evil.example",
            "https://evil.example",
            "javascript:alert(1)",
            "\\\\evil.example",
            "/\\evil.example",
            "/a\\b",
            "/\t/evil.example",
            "/%09/evil.example",
            "/%0d%0a/evil.example",
            "/%0D%0ALocation:%20https://evil.example",
            "/\r\nSet-Cookie: x=1",
            "/%2F/evil.example",
            "/%5C/evil.example",
            "/%5c%5cevil.example",
            "/%2509/evil.example",
            "/%252F%252Fevil.example",
            "/%E3%80%80/evil.example",
            "/\u{3000}/evil.example",
            "/\u{0085}/evil.example",
            "/%7F",
            " /admin",
        ] {
            assert_eq!(local_path(Some(bad)), "/", "{bad:?} was accepted");
        }
    }
}

/// Field errors of a submitted form, looked up by field in templates.
#[derive(Debug, Clone, Default)]
pub struct FormErrors(pub Vec<crate::domain::refusal::FieldError>);

impl FormErrors {
    /// The catalogue key of the message for `field`, if it has one.
    pub fn get(&self, field: &str) -> Option<&'static str> {
        self.0.iter().find(|e| e.field == field).map(|e| e.message)
    }

    /// Whether there is any error.
    pub fn any(&self) -> bool {
        !self.0.is_empty()
    }
}

/// The catalogue key naming a role.
pub fn role_key(role: Role) -> &'static str {
    match role {
        Role::Admin => "role.admin",
        Role::Staff => "role.staff",
        Role::Pi => "role.pi",
        Role::Member => "role.member",
        Role::Expert => "role.expert",
    }
}

impl PageCtx {
    /// A role's name in the page's language.
    pub fn role_label(&self, role: &Role) -> &'static str {
        self.t.get(role_key(*role))
    }

    /// A locale's own name (always in that language, as language menus do).
    pub fn locale_label(&self, tag: &str) -> &'static str {
        match Locale::from_tag(tag) {
            Some(Locale::En) => "English",
            _ => "简体中文",
        }
    }
}
