//! The message catalogue: every user-visible sentence lives in `locales/<lang>.toml`, not in code.
//!
//! Chinese (zh-CN) is the default; English is the second language. Keys are dotted paths into the
//! TOML tables (`nav.home`). A key missing from a catalogue shows the key itself, and a test checks
//! that both catalogues have the same keys and that every key used in code and templates exists.

pub mod dates;
pub mod format;
pub mod guide_warning;
pub mod reading;
pub mod refusal;

use std::collections::HashMap;
use std::sync::LazyLock;

/// A language the interface is available in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Locale {
    /// Simplified Chinese, the default.
    #[default]
    ZhCn,
    /// English.
    En,
}

impl Locale {
    /// Every locale, default first.
    pub const ALL: [Locale; 2] = [Locale::ZhCn, Locale::En];

    /// The BCP 47 tag stored in the database and used in `lang` attributes.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh-CN",
            Locale::En => "en",
        }
    }

    /// Parses a tag; anything else is `None`.
    pub fn from_tag(tag: &str) -> Option<Self> {
        Locale::ALL.into_iter().find(|l| l.tag().eq_ignore_ascii_case(tag.trim()))
    }

    /// Picks the first supported language from an `Accept-Language` header.
    pub fn from_accept_language(header: &str) -> Option<Self> {
        header.split(',').find_map(|part| {
            let tag = part.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
            if tag.starts_with("zh") {
                Some(Locale::ZhCn)
            } else if tag.starts_with("en") {
                Some(Locale::En)
            } else {
                None
            }
        })
    }

    /// The translator for this locale.
    pub fn t(self) -> T {
        T(self)
    }
}

type Catalogue = HashMap<String, String>;

static CATALOGUES: LazyLock<[Catalogue; 2]> = LazyLock::new(|| {
    [flatten(include_str!("../../locales/zh-CN.toml")), flatten(include_str!("../../locales/en.toml"))]
});

/// Flattens nested TOML tables into dotted keys. The catalogues are compiled in and checked by
/// tests, so a syntax error cannot reach a running server.
fn flatten(source: &str) -> Catalogue {
    fn walk(prefix: &str, table: &toml::Table, out: &mut Catalogue) {
        for (key, value) in table {
            let path = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
            match value {
                toml::Value::Table(inner) => walk(&path, inner, out),
                toml::Value::String(text) => {
                    out.insert(path, text.clone());
                }
                other => {
                    out.insert(path, other.to_string());
                }
            }
        }
    }
    let mut out = Catalogue::new();
    if let Ok(table) = source.parse::<toml::Table>() {
        walk("", &table, &mut out);
    }
    out
}

/// Looks up messages in one locale; cheap to copy into every page and e-mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct T(pub Locale);

impl T {
    /// The message for `key`, or the key itself when it is missing.
    pub fn get<'a>(&self, key: &'a str) -> &'a str {
        let catalogue = &CATALOGUES[self.0 as usize];
        match catalogue.get(key) {
            Some(text) => text.as_str(),
            None => {
                tracing::warn!(key, locale = self.0.tag(), "missing message");
                key
            }
        }
    }

    /// The message for `key`, or `fallback` when the catalogue has none: for keys made from stored
    /// names (audit actions, say), where a missing message is expected rather than a mistake.
    pub fn get_or<'a>(&self, key: &str, fallback: &'a str) -> &'a str {
        CATALOGUES[self.0 as usize].get(key).map_or(fallback, String::as_str)
    }

    /// The message for `key` with `{name}` placeholders replaced by the given values.
    pub fn fmt(&self, key: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
        args.iter().fold(self.get(key).to_owned(), |text, (name, value)| {
            text.replace(&format!("{{{name}}}"), &value.to_string())
        })
    }

    /// The locale's tag, for `lang` attributes.
    pub fn tag(&self) -> &'static str {
        self.0.tag()
    }
}

/// Every key of a locale's catalogue, for the consistency tests.
pub fn keys(locale: Locale) -> Vec<&'static str> {
    let mut keys: Vec<_> = CATALOGUES[locale as usize].keys().map(String::as_str).collect();
    keys.sort_unstable();
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A syntax error (a table opened twice, say) would leave a catalogue empty; say where it is.
    #[test]
    fn catalogue_files_are_valid_toml() {
        for source in [include_str!("../../locales/zh-CN.toml"), include_str!("../../locales/en.toml")] {
            if let Err(error) = source.parse::<toml::Table>() {
                panic!("catalogue does not parse: {error}");
            }
        }
    }

    #[test]
    fn catalogues_parse_and_have_the_same_keys() {
        let zh = keys(Locale::ZhCn);
        assert!(zh.len() > 50, "zh-CN catalogue parsed to {} keys", zh.len());
        assert_eq!(zh, keys(Locale::En));
    }

    #[test]
    fn chinese_is_the_default_and_english_is_available() {
        assert_eq!(Locale::default().t().get("nav.home"), "首页");
        assert_eq!(Locale::En.t().get("nav.home"), "Home");
        assert_eq!(Locale::En.t().get("no.such.key"), "no.such.key");
    }

    #[test]
    fn accept_language_picks_the_first_supported() {
        assert_eq!(Locale::from_accept_language("fr-FR, en-GB;q=0.8, zh;q=0.5"), Some(Locale::En));
        assert_eq!(Locale::from_accept_language("zh-CN,zh;q=0.9"), Some(Locale::ZhCn));
        assert_eq!(Locale::from_accept_language("de"), None);
    }

    #[test]
    fn a_missing_message_can_fall_back() {
        let labelled_action = "evidence.review";
        assert_eq!(Locale::ZhCn.t().get_or("history.evidence_review", labelled_action), "审核佐证");
        // Built, so that the key-existence test below does not take this missing key for a typo.
        let unlabelled_action = ["history", "user_create"].join(".");
        assert_eq!(Locale::ZhCn.t().get_or(&unlabelled_action, "user.create"), "user.create");
    }

    #[test]
    fn placeholders_are_filled() {
        let text = Locale::En.t().fmt("login.locked", &[("seconds", &30)]);
        assert!(text.contains("30") && !text.contains("{seconds}"), "{text}");
    }

    /// Every string literal in templates and code that looks like a catalogue key (a known
    /// section, a dot, a name) must exist, so a typo cannot show a raw key to a user.
    #[test]
    fn every_key_used_in_templates_and_code_exists() {
        let known: std::collections::HashSet<_> = keys(Locale::ZhCn).into_iter().collect();
        let sections: std::collections::HashSet<_> = known.iter().filter_map(|k| k.split('.').next()).collect();
        let mut missing = Vec::new();
        for dir in ["templates", "src"] {
            for path in walk_files(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)) {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                for key in quoted_keys(&text) {
                    let section = key.split('.').next().unwrap_or_default();
                    if sections.contains(section) && !known.contains(key.as_str()) {
                        missing.push(format!("{}: {key}", path.display()));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "keys missing from the catalogue:\n{}", missing.join("\n"));
    }

    fn walk_files(dir: std::path::PathBuf) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(walk_files(path));
            } else {
                out.push(path);
            }
        }
        out
    }

    /// Double-quoted literals of the shape `section.name` (lower-case ASCII, dots, underscores),
    /// except audit-log actions (`action`, same shape, not messages) and file names.
    fn quoted_keys(text: &str) -> Vec<String> {
        const FILES: [&str; 3] = [".css", ".js", ".html"];
        text.lines()
            .filter(|line| !line.contains("action"))
            .flat_map(|line| line.split('"').skip(1).step_by(2))
            .filter(|s| {
                s.contains('.')
                    && !s.starts_with('.')
                    && !s.ends_with('.')
                    && !FILES.iter().any(|ext| s.ends_with(ext))
                    && s.chars().all(|c| c.is_ascii_lowercase() || c == '.' || c == '_')
            })
            .map(str::to_owned)
            .collect()
    }
}
