//! Turning a guide as published (Markdown converted from the PDF, or plain text copied out of the
//! PDF) into clean lines: full-width characters folded, LaTeX fragments and Markdown marks removed,
//! page numbers dropped, and white space that a PDF puts between Chinese characters removed.

/// One line of the guide after cleaning, with its 1-based number in the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// Where it was in the source, for messages that name the line.
    pub number: usize,
    /// The cleaned text; never empty.
    pub text: String,
    /// The line with its white space kept (only folded), for tables whose cells are separated by
    /// spaces.
    pub spaced: String,
}

/// Cleans every line and drops empty lines and page numbers.
pub fn lines(source: &str) -> Vec<Line> {
    source
        .lines()
        .enumerate()
        .filter_map(|(index, raw)| {
            let spaced = clean(raw, false);
            let text = clean(raw, true);
            (!text.is_empty() && !is_page_number(&text)).then_some(Line { number: index + 1, text, spaced })
        })
        .collect()
}

/// Whether a character is Chinese text or CJK punctuation, next to which spaces are artefacts.
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3000}'..='\u{303F}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}'
        | '\u{FF00}'..='\u{FFEF}' | '\u{2018}'..='\u{201F}' | '\u{2014}' | '\u{2026}' | '\u{00B7}')
}

/// Folds one character: full-width ASCII becomes ASCII, except the CJK punctuation that separates
/// clauses (，；：！？), which the parsers read as such.
fn fold(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '，' | '；' | '：' | '！' | '？' => c,
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{2212}' | '\u{2013}' => '-',
        _ => c,
    }
}

/// Cleans one line. With `tight`, spaces next to Chinese characters are removed (PDF text puts
/// them inside words and numbers: "不超过150 万元", "沪科指南〔2024〕42 号").
pub fn clean(raw: &str, tight: bool) -> String {
    let mut text: String = raw.chars().map(fold).collect();
    text = strip_latex(&text);
    for mark in ["**", "<b>", "</b>", "<br>", "__"] {
        text = text.replace(mark, "");
    }
    let text = text.trim_start_matches(|c: char| c == '#' || c == '>' || c.is_whitespace());
    let text = text.strip_prefix("- ").unwrap_or(text);
    collapse_spaces(text, tight)
}

/// Collapses runs of white space to one space, or to none next to Chinese characters.
fn collapse_spaces(text: &str, tight: bool) -> String {
    let chars: Vec<char> = text.trim().chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            let start = i;
            while i < chars.len() && chars[i].is_whitespace() {
                i += 1;
            }
            let before = start.checked_sub(1).and_then(|b| chars.get(b)).copied();
            let after = chars.get(i).copied();
            let next_to_cjk = before.is_some_and(is_cjk) || after.is_some_and(is_cjk);
            if !(tight && next_to_cjk) {
                out.push(' ');
            }
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// Replaces `$…$` fragments of a Markdown conversion with plain text:
/// `$10\text{ L/m}^2\cdot\text{h}$` → `10 L/m²·h`, `$20\text{-}60^\circ\text{C}$` → `20-60°C`.
fn strip_latex(text: &str) -> String {
    if !text.contains('$') {
        return text.to_owned();
    }
    let parts: Vec<&str> = text.split('$').collect();
    let mut out = String::with_capacity(text.len());
    for (index, part) in parts.iter().enumerate() {
        let inside_math = index % 2 == 1;
        let closed = index + 1 < parts.len();
        if inside_math && closed {
            out.push_str(latex_to_text(part).trim());
        } else if inside_math {
            // An unpaired `$` is a dollar sign, not math.
            out.push('$');
            out.push_str(part);
        } else {
            out.push_str(part);
        }
    }
    out
}

fn latex_to_text(math: &str) -> String {
    const COMMANDS: [(&str, &str); 14] = [
        ("^\\circ", "°"),
        ("^{\\circ}", "°"),
        ("\\circ", "°"),
        ("^2", "²"),
        ("^{2}", "²"),
        ("^3", "³"),
        ("^{3}", "³"),
        ("\\cdot", "·"),
        ("\\times", "×"),
        ("\\%", "%"),
        ("\\leq", "≤"),
        ("\\geq", "≥"),
        ("\\sim", "~"),
        ("\\pm", "±"),
    ];
    let mut text = math.replace("\\text", "").replace("\\mathrm", "");
    for (command, plain) in COMMANDS {
        text = text.replace(command, plain);
    }
    text = text.replace("\\le", "≤").replace("\\ge", "≥").replace("\\,", " ").replace("\\ ", " ");
    text.chars().filter(|c| !matches!(c, '{' | '}' | '\\')).collect()
}

/// Page numbers of a PDF: "— 11 —", "- 3 -", "第3页", "3/20", or a number alone.
fn is_page_number(text: &str) -> bool {
    let core = text.trim_matches(|c: char| c.is_whitespace() || matches!(c, '—' | '-' | '–'));
    let digits = |s: &str| !s.is_empty() && s.len() <= 3 && s.chars().all(|c| c.is_ascii_digit());
    if digits(core) {
        return true;
    }
    if let Some(inner) = core.strip_prefix('第').and_then(|s| s.strip_suffix('页')) {
        return digits(inner);
    }
    matches!(core.split_once('/'), Some((a, b)) if digits(a) && digits(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latex_fragments_become_plain_units() {
        assert_eq!(clean("通量大于 $10\\text{ L/m}^2\\cdot\\text{h}$ ，且", true), "通量大于10 L/m²·h，且");
        assert_eq!(clean("在pH2-13， $20\\text{-}60^\\circ\\text{C}$ 范围内", true), "在pH2-13，20-60°C范围内");
        assert_eq!(clean("处理规模 $10\\text{ m}^3$ 的膜组", true), "处理规模10 m³的膜组");
    }

    #[test]
    fn full_width_text_and_pdf_spaces_are_folded() {
        assert_eq!(clean("资助额度不超过１５０ 万元（附件２）", true), "资助额度不超过150万元(附件2)");
        assert_eq!(clean("沪科指南〔2024〕 42 号", true), "沪科指南〔2024〕42号");
        assert_eq!(clean("精度不低于95％，产量", true), "精度不低于95%，产量");
        assert_eq!(clean("## **专题二、技术协同攻关**", true), "专题二、技术协同攻关");
    }

    #[test]
    fn spaced_form_keeps_cell_separators() {
        assert_eq!(clean("新疆：特色农牧业 西藏：高原农牧业", false), "新疆：特色农牧业 西藏：高原农牧业");
        assert_eq!(clean("新疆：特色农牧业 西藏：高原农牧业", true), "新疆：特色农牧业西藏：高原农牧业");
    }

    #[test]
    fn page_numbers_and_blank_lines_are_dropped() {
        let text = "第一行\n\n— 11 —\n- 3 -\n第3页\n12\n3/20\n2024年";
        let kept: Vec<_> = lines(text).into_iter().map(|l| (l.number, l.text)).collect();
        assert_eq!(kept, [(1, "第一行".to_owned()), (8, "2024年".to_owned())]);
    }

    #[test]
    fn a_lone_dollar_sign_is_left_alone() {
        assert_eq!(clean("价格$5", true), "价格$5");
    }
}
