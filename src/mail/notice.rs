//! The one shape every notification takes: a greeting, a sentence saying why, sections of labelled
//! rows (a project, an indicator, a piece of evidence) each with a link, and a footer. Reminders,
//! review decisions and digests fill it in their recipient's language; two templates render it as
//! plain text and as HTML, so both parts always say the same.

use askama::Template;

use super::message::Rendered;

/// A notification before rendering; every string is already in the recipient's language.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    /// Subject line.
    pub subject: String,
    /// "张三，您好：".
    pub greeting: String,
    /// Why the message was sent.
    pub intro: String,
    /// The things it is about.
    pub sections: Vec<Section>,
    /// A closing sentence.
    pub outro: Option<String>,
    /// Who sent it and, for digests, how to stop them.
    pub footer: String,
}

/// One thing a notice is about.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// Its name: an indicator's metric, a project's code and title.
    pub heading: String,
    /// Label and value pairs.
    pub rows: Vec<(String, String)>,
    /// Label and address of the page to act on.
    pub link: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "email/notice/body.txt")]
struct NoticeText<'a> {
    notice: &'a Notice,
    /// Between a label and its value: Chinese takes the full-width colon, English ": ".
    colon: &'static str,
}

#[derive(Template)]
#[template(path = "email/notice/body.html")]
struct NoticeHtml<'a> {
    notice: &'a Notice,
    lang: &'a str,
}

impl Notice {
    /// Renders both parts; `lang` is the HTML language tag.
    pub fn render(&self, lang: &str) -> Result<Rendered, askama::Error> {
        Ok(Rendered {
            subject: self.subject.clone(),
            text: NoticeText { notice: self, colon: if lang.starts_with("zh") { "：" } else { ": " } }.render()?,
            html: NoticeHtml { notice: self, lang }.render()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notice() -> Notice {
        Notice {
            subject: "提醒".into(),
            greeting: "张三，您好：".into(),
            intro: "以下检查点即将到期。".into(),
            sections: vec![Section {
                heading: "示范推广种植面积 <亩>".into(),
                rows: vec![("目标".into(), "≥ 20000 亩".into())],
                link: Some(("记录进展".into(), "https://t.example/indicators/7".into())),
            }],
            outro: None,
            footer: "科技合作项目跟踪系统".into(),
        }
    }

    #[test]
    fn both_parts_carry_every_row_and_the_html_is_escaped() {
        let rendered = notice().render("zh-CN").unwrap();
        for part in [&rendered.text, &rendered.html] {
            assert!(part.contains("≥ 20000 亩"), "{part}");
            assert!(part.contains("https://t.example/indicators/7"), "{part}");
        }
        assert!(rendered.text.contains("示范推广种植面积 <亩>"));
        assert!(
            rendered.html.contains("示范推广种植面积 &#60;亩&#62;") || rendered.html.contains("&lt;亩&gt;"),
            "{}",
            rendered.html
        );
    }

    #[test]
    fn labels_take_the_colon_of_the_language() {
        assert!(notice().render("zh-CN").unwrap().text.contains("  目标：≥ 20000 亩\n"));
        let mut english = notice();
        english.sections[0].rows = vec![("Target".into(), "at least 20,000 亩".into())];
        let text = english.render("en").unwrap().text;
        assert!(text.contains("  Target: at least 20,000 亩\n"), "{text}");
        assert!(text.contains("  记录进展: https://t.example/indicators/7\n"), "{text}");
        assert!(!text.lines().filter(|line| line.starts_with("  ")).any(|line| line.contains('：')), "{text}");
    }
}
