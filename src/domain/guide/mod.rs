//! Reading a published call guide (申报指南): its structure, and each direction's assessment
//! indicators (考核指标) as structured, machine-checkable targets. Pure: text in, values out.

pub mod correction;
mod document;
mod index;
pub mod indicator;
pub mod model;
pub(crate) mod number;
pub mod text;
mod unit;

pub use document::parse;
pub use model::{Change, Direction, Guide, Indicator, Op, Problem, Topic, Warning};

/// The guide cannot be used; `line` says where. Shown to people through the message catalogue
/// (`Problem::message_key`); the `Display` form is for logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuideError {
    /// 1-based line of the guide.
    pub line: usize,
    /// What is wrong.
    pub problem: Problem,
}

impl std::fmt::Display for GuideError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.problem.message_key())
    }
}

impl std::error::Error for GuideError {}

/// Parses an uploaded file: it must be UTF-8 (a wrong encoding is reported at the first line that
/// is not).
pub fn parse_bytes(bytes: &[u8]) -> Result<Guide, GuideError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(parse(text)),
        Err(error) => {
            let line = bytes[..error.valid_up_to()].iter().filter(|b| **b == b'\n').count() + 1;
            Err(GuideError { line, problem: Problem::NotUtf8 })
        }
    }
}

impl Guide {
    /// Whether the guide can be stored: the first of its warnings that blocks an import (in line
    /// order), so the preview, the dry run and the import refuse the same text at the same line.
    pub fn check_importable(&self) -> Result<(), GuideError> {
        match self.warnings.iter().find(|w| w.problem.blocks_import()) {
            Some(w) => Err(GuideError { line: w.line, problem: w.problem.clone() }),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_names_its_line() {
        let error = parse_bytes(b"line one\nline two\n\xff\xfe broken").unwrap_err();
        assert_eq!(error.line, 3);
        assert_eq!(error.problem, Problem::NotUtf8);
    }

    #[test]
    fn a_guide_without_dates_cannot_be_imported_and_the_error_names_the_direction() {
        let guide = parse("沪科指南〔2025〕1号\n专题一、测试\n方向1. 第一\n考核指标：建立平台1个。\n");
        let error = guide.check_importable().unwrap_err();
        assert_eq!((error.line, error.problem), (3, Problem::NoExecution { direction: "专题1方向1".into() }));
        assert_eq!(parse("随便一段文字").check_importable().unwrap_err().problem, Problem::NoDocNumber);
    }

    #[test]
    fn one_validation_names_each_problem_at_its_line_and_the_import_refuses_at_the_same_line() {
        let text = "上海市科学技术委员会\n专题一、测试\n方向1. 第一\n考核指标：示范推广种植面积显著扩大；建立平台不少于1个。\n执行期限：2025年1月1日至2026年2月30日。\n方向2. 第二\n研究目标：某事。\n执行期限：2025年1月1日至2026年12月31日。\n";
        let guide = parse(text);
        let found: Vec<_> =
            guide.warnings.iter().map(|w| (w.line, w.problem.code(), w.problem.blocks_import())).collect();
        assert_eq!(
            found,
            [(1, "no_doc_number", true), (4, "unread", false), (5, "bad_execution", true), (6, "no_indicators", false)]
        );
        assert_eq!(guide.warnings[1].problem.text(), "示范推广种植面积显著扩大");
        assert_eq!(guide.check_importable().unwrap_err().problem, Problem::NoDocNumber);
        let numbered = parse(&format!("沪科指南〔2025〕9号\n{}", text.split_once('\n').unwrap().1));
        let error = numbered.check_importable().unwrap_err();
        assert_eq!((error.line, error.problem.code()), (5, "bad_execution"), "the line the warning names");
    }

    #[test]
    fn a_letter_for_a_digit_is_a_warning_naming_the_line_and_the_letters_in_text_order() {
        let text = "沪科指南〔2025〕9号\n专题一、测试\n方向1. 第一\n考核指标：发表论文O篇，示范推广种植面积显著扩大；\n申请专利不少于Ｉ个；建立平台不少于1个。\n执行期限：2025年1月1日至2026年12月31日。\n";
        let guide = parse(text);
        let found: Vec<_> = guide
            .warnings
            .iter()
            .map(|w| (w.line, w.problem.code(), w.problem.text(), w.problem.found(), w.problem.blocks_import()))
            .collect();
        assert_eq!(
            found,
            [
                (4, "letter_for_digit", "发表论文O篇", "O篇", false),
                (4, "unread", "示范推广种植面积显著扩大", "", false),
                (5, "letter_for_digit", "申请专利不少于I个", "I个", false),
            ]
        );
        let read: Vec<_> = guide.topics[0].directions[0].indicators.iter().map(|i| i.metric.as_str()).collect();
        assert_eq!(read, ["平台"], "no guessed digit, no deliverable made of the letters");
        assert!(guide.check_importable().is_ok(), "a warning, not a refusal");
    }

    /// Builds text from the vocabulary a guide is made of, so that random inputs reach the
    /// interesting states (headings, labels, numbers, brackets, line breaks) far more often than
    /// arbitrary characters would.
    fn vocabulary() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let pieces = prop::sample::select(vec![
            "专题一、",
            "专题",
            "方向1.",
            "方向",
            "考核指标：",
            "执行期限：",
            "经费额度：",
            "申报主体要求：",
            "附件1",
            "二、申报要求",
            "2024年12月1日至2026年11月30日",
            "不少于",
            "不超过",
            "以上",
            "以下",
            "万",
            "亿",
            "元",
            "%",
            "(",
            ")",
            "（",
            "）",
            "、",
            "，",
            "；",
            "。",
            "\n",
            " ",
            "1",
            "20",
            "3-5",
            "0.5",
            "$",
            "\\text{",
            "}",
            "^2",
            "〔2024〕",
            "号",
            "沪科指南",
            "对口地区”特指",
            "：",
            "新疆维吾尔自治区",
            "— 3 —",
            "提升",
            "降低",
            "pH",
            "个",
            "亩",
            "人次",
            "I",
            "l",
            "Ｏ",
            "截止时间",
            "9:00",
            "**",
            "#",
            "①",
            "(1)",
            "\u{FF10}",
            "\u{3000}",
        ]);
        prop::collection::vec(pieces, 0..400).prop_map(|p| p.concat())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(crate::fuzz_cases(300)))]

        #[test]
        fn fuzz_any_text_parses_without_panicking(text in "\\PC*") {
            let _ = parse(&text);
        }

        #[test]
        fn fuzz_guide_shaped_text_parses_without_panicking(text in vocabulary()) {
            let guide = parse(&text);
            for direction in guide.topics.iter().flat_map(|t| &t.directions) {
                for indicator in &direction.indicators {
                    proptest::prop_assert!(direction.indicators_text.contains(&indicator.source));
                }
            }
        }

        #[test]
        fn fuzz_any_bytes_are_parsed_or_refused_naming_a_line(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..2000)) {
            match parse_bytes(&bytes) {
                Ok(_) => {}
                Err(error) => proptest::prop_assert!(error.line >= 1 && error.line <= bytes.len() + 1),
            }
        }
    }

    /// Huge inputs made of repeated markers are read without a panic. That nothing in the parser is
    /// quadratic is shown by `cargo bench --bench guide_parse`, not by a wall-clock bound here.
    #[test]
    fn huge_adversarial_inputs_are_read() {
        let cases = [
            "专题一、标题\n".repeat(20_000),
            "方向1. 方向\n考核指标：".repeat(20_000),
            "考核指标：不少于1万亿元以上(((".repeat(20_000),
            format!("专题一、x\n考核指标：{}", "建立平台不少于2个，".repeat(50_000)),
            format!("附件1\n{}", "新疆维吾尔自治区：特色农牧业、".repeat(40_000)),
            "$\\text{".repeat(100_000),
            "9".repeat(1_000_000),
        ];
        for text in cases {
            let guide = parse(&text);
            assert!(guide.warnings.iter().all(|w| w.line <= text.lines().count() + 1), "{} bytes", text.len());
        }
    }
}
