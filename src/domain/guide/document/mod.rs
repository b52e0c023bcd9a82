//! The structure of a call guide: document number, dates, topics (专题), directions (方向) and their
//! labelled fields (研究目标, 考核指标, 执行期限, 经费额度, 申报主体要求), then the annex tables.
//!
//! The guide is read as a sequence of cleaned lines. Headings and field labels start lines; any
//! other line continues whatever came before it, because PDF text breaks lines (and even numbers)
//! anywhere. Nothing here depends on the wording of one particular year's guide.

mod annex;
mod dates;
mod fields;
mod lines;
mod topics;

use super::model::{Guide, Problem, Warning};
use super::text::{self, Line};
use annex::{cooperation_regions, paired_regions};
use dates::{application_window, standalone_date};
use lines::{Kind, classify, starts_with_list_marker};
use topics::parse_topics;

/// Parses a whole guide. It never fails: this is also the one validation of a guide, so what
/// cannot be read or stored is reported in `warnings`, each naming its line, and
/// [`Guide::check_importable`] refuses a guide with a warning that blocks an import.
pub fn parse(source: &str) -> Guide {
    let lines = text::lines(source);
    let annex_start = lines.iter().position(|l| matches!(classify(&l.text), Kind::Annex(_))).unwrap_or(lines.len());
    let (body, annexes) = lines.split_at(annex_start);
    let mut warnings = Vec::new();
    let topics = parse_topics(body, &mut warnings);
    let doc_number = body.iter().take(40).find_map(|l| doc_number(&l.text));
    if doc_number.is_none() {
        warnings.insert(0, Warning { line: 1, problem: Problem::NoDocNumber });
    }
    if topics.is_empty() {
        warnings.push(Warning { line: 1, problem: Problem::NoTopics });
    }
    // Line order, so that every reader reports the same first problem.
    warnings.sort_by_key(|w| w.line);
    let paragraphs = paragraphs(body);
    Guide {
        doc_number,
        title: paragraphs.iter().take(20).find_map(|p| title(p)),
        issued_on: body.iter().rev().find_map(|l| standalone_date(&l.text)),
        application_window: application_window(&paragraphs),
        topics,
        cooperation_regions: cooperation_regions(annexes),
        paired_regions: paired_regions(&lines),
        warnings,
    }
}

/// Running text re-joined across the line breaks of a PDF: a paragraph ends with sentence
/// punctuation or before a heading, label or list item.
fn paragraphs(lines: &[Line]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut open = false;
    for line in lines {
        let structural = !matches!(classify(&line.text), Kind::Text) || starts_with_list_marker(&line.text);
        match out.last_mut() {
            Some(last) if open && !structural => last.push_str(&line.text),
            _ => out.push(line.text.clone()),
        }
        open = !line.text.ends_with(['。', '！', '？', '；', '：']);
    }
    out
}

/// 关于发布…的通知: the notice's title. The lines above it (issuer, document number) carry no
/// punctuation, so the paragraph may start with them.
fn title(paragraph: &str) -> Option<String> {
    let start = paragraph.find("关于")?;
    let end = start + paragraph[start..].find("通知")? + "通知".len();
    Some(paragraph[start..end].to_owned())
}

/// 沪科指南〔2024〕42号, or with [ ], 【 】 or ( ) around the year.
fn doc_number(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    for (i, &open) in chars.iter().enumerate() {
        let close = match open {
            '〔' => '〕',
            '[' => ']',
            '【' => '】',
            '(' => ')',
            '（' => '）',
            _ => continue,
        };
        let year: String = chars[i + 1..].iter().take_while(|c| c.is_ascii_digit()).collect();
        if year.len() != 4 || chars.get(i + 5) != Some(&close) {
            continue;
        }
        let serial: String = chars[i + 6..].iter().take_while(|c| c.is_ascii_digit()).collect();
        if serial.is_empty() || chars.get(i + 6 + serial.len()) != Some(&'号') {
            continue;
        }
        let prefix_len =
            chars[..i].iter().rev().take_while(|c| text::is_cjk(**c) && !"，。：；、".contains(**c)).count();
        if prefix_len == 0 {
            continue;
        }
        return Some(chars[i - prefix_len..=i + 6 + serial.len()].iter().collect());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_title_is_found_after_the_document_number() {
        let guide =
            parse("上海市科学技术委员会\n沪科指南〔2024〕42号\n关于发布上海市2024年度指南的\n通知\n各有关单位：");
        assert_eq!(guide.title.as_deref(), Some("关于发布上海市2024年度指南的通知"));
    }

    #[test]
    fn document_numbers_in_any_bracket_style() {
        assert_eq!(doc_number("沪科指南〔2024〕42号").as_deref(), Some("沪科指南〔2024〕42号"));
        assert_eq!(doc_number("沪科指南 〔2025〕 7 号").as_deref(), Some("沪科指南〔2025〕7号"));
        assert_eq!(doc_number("苏科计[2023]118号").as_deref(), Some("苏科计[2023]118号"));
        assert_eq!(doc_number("第〔2024〕号"), None);
    }
}
