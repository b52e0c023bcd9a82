//! What a line of the guide is: a topic or direction heading, a field label, a section of the
//! notice, the start of the annexes, or running text.

/// The labelled fields of a topic or direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Field {
    Goal,
    Content,
    Indicators,
    Execution,
    Funding,
    Applicant,
    /// A field this parser does not use (合作区域, 支持方式 …): its text is skipped.
    Other,
}

/// Labels as guides write them, longest first where one is a prefix of another.
const LABELS: [(&str, Field); 16] = [
    ("研究目标", Field::Goal),
    ("研究内容", Field::Content),
    ("考核指标", Field::Indicators),
    ("绩效指标", Field::Indicators),
    ("执行期限", Field::Execution),
    ("项目执行期", Field::Execution),
    ("实施期限", Field::Execution),
    ("执行期", Field::Execution),
    ("经费额度", Field::Funding),
    ("资助额度", Field::Funding),
    ("资助方式", Field::Funding),
    ("申报主体要求", Field::Applicant),
    ("申报主体", Field::Applicant),
    ("合作区域", Field::Other),
    ("合作地区", Field::Other),
    ("支持方式", Field::Funding),
];

/// What a line is.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Kind {
    Topic(u32, String),
    Direction(u32, String),
    Label(Field, String),
    /// 一、征集范围 / 二、申报要求: a top-level section of the notice.
    Section,
    /// 附件1 on a line of its own: the annexes start.
    Annex(u32),
    Text,
}
/// `1.`, `1、`, `(1)`, `①` at the start of a line (but not `0.5小时`, a number wrapped onto the line).
pub(super) fn starts_with_list_marker(text: &str) -> bool {
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    let after = text.chars().nth(digits);
    let then = text.chars().nth(digits + 1);
    (digits > 0 && digits < 3 && matches!(after, Some('.' | '、' | ')')) && !then.is_some_and(|c| c.is_ascii_digit()))
        || (text.starts_with('(') && text.chars().nth(1).is_some_and(|c| c.is_ascii_digit() || is_cn_digit(c)))
        || text.starts_with(|c: char| ('\u{2460}'..='\u{2473}').contains(&c))
}
/// What a line is, by how it starts.
pub(super) fn classify(text: &str) -> Kind {
    if let Some((number, title)) = text.strip_prefix("专题").and_then(numbered_heading) {
        return Kind::Topic(number, title);
    }
    let direction = text.strip_prefix("指南方向").or_else(|| text.strip_prefix("方向"));
    if let Some((number, title)) = direction.and_then(numbered_heading) {
        return Kind::Direction(number, title);
    }
    if let Some(number) = text.strip_prefix("附件").and_then(|n| n.trim().parse::<u32>().ok()) {
        return Kind::Annex(number);
    }
    for (label, field) in LABELS {
        if let Some(rest) = text.strip_prefix(label).and_then(|rest| rest.strip_prefix(['：', ':'])) {
            return Kind::Label(field, rest.trim().to_owned());
        }
    }
    if is_section_heading(text) {
        return Kind::Section;
    }
    Kind::Text
}

/// `一、重点合作地区…`, `1. 新疆地区…`, `2：…` after 专题/方向: the number and the title.
fn numbered_heading(rest: &str) -> Option<(u32, String)> {
    let rest = rest.trim_start();
    let digits: String = rest.chars().take_while(|c| c.is_ascii_digit() || is_cn_digit(*c)).collect();
    if digits.is_empty() || digits.chars().count() > 4 {
        return None;
    }
    let number = digits.parse::<u32>().ok().or_else(|| chinese_numeral(&digits))?;
    let after = &rest[digits.len()..];
    let title = after.trim_start_matches(['、', '.', '．', ':', '：', ' ', ')', '）']).trim();
    // Without a separator the "heading" is running text such as 专题一中的…
    let separated = after.len() != title.len() || after.is_empty();
    (separated && !title.starts_with(['中', '的', '和', '及']))
        .then(|| (number, title.trim_end_matches('。').to_owned()))
}

/// A character of the Chinese numerals that number topics and directions.
pub(super) fn is_cn_digit(c: char) -> bool {
    "零一二三四五六七八九十两".contains(c)
}

/// Chinese numerals up to 99 (一, 十二, 二十三), as used for topic and direction numbers.
pub(super) fn chinese_numeral(text: &str) -> Option<u32> {
    let digit = |c: char| "零一二三四五六七八九".find(c).map(|byte| (byte / 3) as u32).or((c == '两').then_some(2));
    let chars: Vec<char> = text.chars().collect();
    match chars.as_slice() {
        [d] if *d != '十' => digit(*d),
        ['十'] => Some(10),
        ['十', d] => Some(10 + digit(*d)?),
        [t, '十'] => Some(digit(*t)? * 10),
        [t, '十', d] => Some(digit(*t)? * 10 + digit(*d)?),
        _ => None,
    }
}

/// `二、申报要求`: a short heading numbered with a Chinese numeral and 、.
fn is_section_heading(text: &str) -> bool {
    let Some((number, title)) = text.split_once('、') else { return false };
    chinese_numeral(number).is_some() && title.chars().count() <= 16 && !title.contains(['，', '。', '；'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_and_labels_are_recognised() {
        assert_eq!(
            classify("专题一、重点合作地区关键技术联合攻关"),
            Kind::Topic(1, "重点合作地区关键技术联合攻关".into())
        );
        assert_eq!(classify("专题12：其他"), Kind::Topic(12, "其他".into()));
        assert_eq!(classify("方向1. 新疆地区合成生物"), Kind::Direction(1, "新疆地区合成生物".into()));
        assert_eq!(classify("方向2.西藏地区"), Kind::Direction(2, "西藏地区".into()));
        assert_eq!(classify("方向三、云南"), Kind::Direction(3, "云南".into()));
        assert_eq!(classify("考核指标：开发"), Kind::Label(Field::Indicators, "开发".into()));
        assert_eq!(classify("考核指标："), Kind::Label(Field::Indicators, String::new()));
        assert_eq!(classify("二、申报要求"), Kind::Section);
        assert_eq!(classify("附件1"), Kind::Annex(1));
        assert_eq!(classify("方向性的描述不是标题"), Kind::Text);
        assert_eq!(classify("专题一中的要求"), Kind::Text);
    }

    #[test]
    fn chinese_numerals_up_to_ninety_nine() {
        for (text, value) in [("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("九十九", 99), ("两", 2)] {
            assert_eq!(chinese_numeral(text), Some(value), "{text}");
        }
        assert_eq!(chinese_numeral("一百"), None);
        assert_eq!(chinese_numeral(""), None);
    }
}
