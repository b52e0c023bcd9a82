//! Reads the 考核指标 (assessment indicators) text of one direction into structured targets.
//!
//! The text is cut into clauses at `；` `;` `。` and line breaks, and each clause into segments at
//! `，` `,` `：` (never inside brackets or inside a number such as `20,000`). Each segment is scanned
//! left to right for amounts; around every amount a few words decide what it means:
//!
//! - before it: comparators (不低于 → `>=`, 大于 → `>`, 不超过 → `<=`, 低于 → `<`, 等于 → `=`),
//!   fillers (在 为 达 约), change verbs (提升 降低 … → a relative `change`), absolute targets
//!   (降至 提高到 → no change), and a unit written first (pH2-13);
//! - after it: the unit, a bracketed test condition, and 以上/以下/以内;
//! - the text between the previous target (or the last 、 和 及 且 并) and the comparator is the
//!   metric, with leading verbs and long "…的" modifiers dropped.
//!
//! Numbers inside any brackets, years and dates, list markers, section references (附件2),
//! names (5G, PM2.5) and requirements on applicants or funding are never targets. A segment
//! with no target whose phrase starts with a producing verb (开发 建立 形成 …) yields a
//! deliverable. A quantity that counts indicators themselves (考核指标…至少2项) is a rule about
//! choosing indicators, so its segment becomes one low-confidence deliverable instead.
//!
//! Every segment ends as an indicator, a deliverable, or in [`Reading::unread`]: words that name
//! no target get a warning rather than vanishing (示范推广种植面积显著扩大 has no number to read). A
//! number written with a letter for a digit (I个, l项, O篇, 2O000亩) is a [`Suspect`]: neither a
//! target nor a deliverable, since the digit would be a guess, but a warning that quotes it. A
//! segment without any word of a target that opens a clause whose later segments give targets
//! (结合工作实际，挖掘…不少于2项) is read as their context, not as something missed.
//!
//! Everything works on byte offsets into the input and slices it only through `str::get`, so no
//! input can make it panic; each character is looked at a bounded number of times, so the time is
//! linear in the input.

use super::model::{Change, Indicator, Op};
use super::number;
use super::unit::{self, Index, Kind, Numeral, unit_values};
use std::sync::OnceLock;

/// Reads every measurable target (and deliverable) of one direction's 考核指标 text, in text order.
///
/// `source` of each indicator is a byte-exact slice of `text`, so a UI can highlight it;
/// `confidence` is lower for guesses (an unseen unit, no comparator word, no metric).
pub fn parse(text: &str) -> Vec<Indicator> {
    read(text).indicators
}

/// What one 考核指标 text yields.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    /// The targets and deliverables, in text order.
    pub indicators: Vec<Indicator>,
    /// Byte ranges of `text` that name a target the parser could not read, in text order.
    pub unread: Vec<std::ops::Range<usize>>,
    /// Numbers written with a letter where a digit belongs, in text order.
    pub suspects: Vec<Suspect>,
}

/// A number written with a letter where a digit belongs (`I个`, `l项`, `O篇`, `2O000亩`): a slip of
/// typing or of text recognition. It is not read as a target, since the digit would be a guess.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suspect {
    /// Byte range of the segment it is in, to quote.
    pub segment: std::ops::Range<usize>,
    /// Byte range of the number and its unit (`I个`).
    pub found: std::ops::Range<usize>,
}

/// [`parse`], with the words that became neither an indicator nor a deliverable.
pub fn read(text: &str) -> Reading {
    let mut reading = Reading { indicators: Vec::new(), unread: Vec::new(), suspects: Vec::new() };
    let mut state = ReadState { in_rule: false, outcomes: Vec::new() };
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if is_hard_boundary(c) {
            Clause::parse(text, start, i, &mut reading, &mut state);
            start = i + c.len_utf8();
        }
    }
    Clause::parse(text, start, text.len(), &mut reading, &mut state);
    reading
}

/// What [`read`] carries from one clause to the next.
struct ReadState {
    /// A rule about choosing indicators (以下3项中至少2项) is being listed: the list items that
    /// follow it are its options, not targets missed.
    in_rule: bool,
    /// The outcomes' buffer, reused by every clause.
    outcomes: Vec<Outcome>,
}

// ---------------------------------------------------------------------------------------------
// Word lists. Suffix and prefix matches always take the longest entry, so 不低于 wins over 低于.
// ---------------------------------------------------------------------------------------------

/// Comparators written before the number.
const COMPARATORS: &[(&str, Op)] = &[
    ("不低于", Op::Ge),
    ("不少于", Op::Ge),
    ("不小于", Op::Ge),
    ("不短于", Op::Ge),
    ("不弱于", Op::Ge),
    ("不差于", Op::Ge),
    ("大于等于", Op::Ge),
    ("大于或等于", Op::Ge),
    ("至少", Op::Ge),
    ("最少", Op::Ge),
    ("达到", Op::Ge),
    ("高达", Op::Ge),
    ("≥", Op::Ge),
    (">=", Op::Ge),
    ("⩾", Op::Ge),
    ("≧", Op::Ge),
    ("大于", Op::Gt),
    ("超过", Op::Gt),
    ("高于", Op::Gt),
    ("多于", Op::Gt),
    ("超出", Op::Gt),
    (">", Op::Gt),
    ("＞", Op::Gt),
    ("不超过", Op::Le),
    ("不高于", Op::Le),
    ("不多于", Op::Le),
    ("不大于", Op::Le),
    ("不长于", Op::Le),
    ("不超", Op::Le),
    ("小于等于", Op::Le),
    ("小于或等于", Op::Le),
    ("至多", Op::Le),
    ("最多", Op::Le),
    ("控制在", Op::Le),
    ("≤", Op::Le),
    ("<=", Op::Le),
    ("⩽", Op::Le),
    ("≦", Op::Le),
    ("低于", Op::Lt),
    ("小于", Op::Lt),
    ("少于", Op::Lt),
    ("短于", Op::Lt),
    ("不足", Op::Lt),
    ("<", Op::Lt),
    ("＜", Op::Lt),
    ("等于", Op::Eq),
    ("=", Op::Eq),
    ("＝", Op::Eq),
];

/// Verbs that set an absolute level (降至 30 分钟 is a cap, not a cut by 30 minutes).
const ABSOLUTE: &[(&str, Change)] = &[
    ("降低到", Change::Decrease),
    ("降低至", Change::Decrease),
    ("降到", Change::Decrease),
    ("降至", Change::Decrease),
    ("下降到", Change::Decrease),
    ("下降至", Change::Decrease),
    ("减少到", Change::Decrease),
    ("减少至", Change::Decrease),
    ("减小到", Change::Decrease),
    ("减小至", Change::Decrease),
    ("减至", Change::Decrease),
    ("缩短到", Change::Decrease),
    ("缩短至", Change::Decrease),
    ("缩减至", Change::Decrease),
    ("压缩到", Change::Decrease),
    ("压缩至", Change::Decrease),
    ("低至", Change::Decrease),
    ("提高到", Change::Increase),
    ("提高至", Change::Increase),
    ("提升到", Change::Increase),
    ("提升至", Change::Increase),
    ("增加到", Change::Increase),
    ("增加至", Change::Increase),
    ("增长到", Change::Increase),
    ("增长至", Change::Increase),
    ("增至", Change::Increase),
    ("升至", Change::Increase),
    ("升到", Change::Increase),
    ("扩大到", Change::Increase),
    ("扩大至", Change::Increase),
    ("延长到", Change::Increase),
    ("延长至", Change::Increase),
];

/// Verbs of relative change against a baseline.
const CHANGES: &[(&str, Change)] = &[
    ("提升", Change::Increase),
    ("提高", Change::Increase),
    ("增加", Change::Increase),
    ("增长", Change::Increase),
    ("延长", Change::Increase),
    ("扩大", Change::Increase),
    ("增大", Change::Increase),
    ("增产", Change::Increase),
    ("增收", Change::Increase),
    ("增效", Change::Increase),
    ("上升", Change::Increase),
    ("升高", Change::Increase),
    ("降低", Change::Decrease),
    ("减少", Change::Decrease),
    ("下降", Change::Decrease),
    ("缩短", Change::Decrease),
    ("减小", Change::Decrease),
    ("节约", Change::Decrease),
    ("节省", Change::Decrease),
    ("减排", Change::Decrease),
    ("减损", Change::Decrease),
    ("降耗", Change::Decrease),
    ("缩减", Change::Decrease),
    ("压缩", Change::Decrease),
    ("减量", Change::Decrease),
    ("减施", Change::Decrease),
    ("节能", Change::Decrease),
    ("节水", Change::Decrease),
    ("节肥", Change::Decrease),
    ("降本", Change::Decrease),
];

/// Nouns of change (产量增幅不低于10%).
const CHANGE_NOUNS: &[(&str, Change)] = &[
    ("增幅", Change::Increase),
    ("涨幅", Change::Increase),
    ("增长幅度", Change::Increase),
    ("提升幅度", Change::Increase),
    ("提高幅度", Change::Increase),
    ("降幅", Change::Decrease),
    ("减幅", Change::Decrease),
    ("下降幅度", Change::Decrease),
    ("降低幅度", Change::Decrease),
];

/// Words between a comparator and its number that change nothing.
const FILLERS: &[&str] = &[
    "保持在",
    "维持在",
    "稳定在",
    "约为",
    "大约",
    "约",
    "在",
    "为",
    "达",
    "了",
    "均",
    "都",
    "可",
    "需",
    "应",
    "须",
    "同比",
    "分别",
];

/// Comparators and other words written after the amount; `None` marks words that only qualify it.
const POSTFIX: &[(&str, Option<Op>)] = &[
    ("及以上", Some(Op::Ge)),
    ("或以上", Some(Op::Ge)),
    ("以上", Some(Op::Ge)),
    ("及以下", Some(Op::Le)),
    ("或以下", Some(Op::Le)),
    ("以下", Some(Op::Le)),
    ("以内", Some(Op::Le)),
    ("之内", Some(Op::Le)),
    ("内", Some(Op::Le)),
    ("左右", None),
    ("之间", None),
];

/// Verbs that open a deliverable (开发…技术, 形成建议报告).
const DELIVERABLE_VERBS: &[&str] = &[
    "开发", "建立", "构建", "形成", "研制", "制定", "编制", "提交", "完成", "申请", "建成", "建设", "研发", "搭建",
    "打造", "提出", "撰写", "获得", "取得", "发布", "出版",
];

/// Verbs dropped from the front of a metric (培育…新品种不少于2种 → 新品种).
const METRIC_VERBS: &[&str] = &[
    "培育",
    "选育",
    "建立",
    "建成",
    "建设",
    "开发出",
    "开发",
    "构建",
    "形成",
    "制定",
    "研制出",
    "研制",
    "编制",
    "完成",
    "申请",
    "获得",
    "发表",
    "研发",
    "搭建",
    "打造",
    "具备",
    "具有",
    "取得",
    "制备",
    "提交",
    "出版",
    "推出",
    "引进",
    "创制",
    "设计",
    "实现",
];

/// Verbs that, standing alone as a metric, name no thing counted (beside [`METRIC_VERBS`] and
/// [`DELIVERABLE_VERBS`]).
const BARE_VERBS: &[&str] = &[
    "接入",
    "揭示",
    "发现",
    "阐明",
    "覆盖",
    "服务",
    "带动",
    "推广",
    "示范",
    "培训",
    "培养",
    "举办",
    "新增",
    "引进",
    "开展",
    "支撑",
    "辐射",
    "应用",
    "建",
    "开发出",
    "研制出",
];

/// Verbs of findings: a range after them describes what is found, not a target.
const FINDING_VERBS: &[&str] = &["揭示", "发现", "阐明", "阐释", "解析", "鉴定", "探明", "挖掘"];

/// The confidence of a parse that is doubtful by its shape, below [`super::model::LOW_CONFIDENCE`].
const DOUBTFUL: f64 = 0.5;

/// Whether `s` is a verb and nothing else.
fn is_verb(s: &str) -> bool {
    !s.is_empty() && METRIC_VERBS.iter().chain(DELIVERABLE_VERBS).chain(BARE_VERBS).any(|v| *v == s)
}

/// Connectives, adverbs and time phrases dropped from the front of a metric or deliverable.
const LEADING: &[&str] = &[
    "并且",
    "而且",
    "以及",
    "同时",
    "其中",
    "此外",
    "另外",
    "进一步",
    "有效",
    "显著",
    "大幅度",
    "大幅",
    "力争",
    "确保",
    "实现",
    "能够",
    "使得",
    "通过",
    "累计",
    "项目执行期内",
    "项目实施期内",
    "执行期内",
    "实施期内",
    "项目期内",
    "项目结束时",
    "项目验收时",
    "分别",
    "并",
    "且",
    "及",
    "和",
    "与",
    "使",
    "将",
    "把",
];

/// Words dropped from the end of a metric.
const TRAILING: &[&str] = &["的", "为", "在", "达", "共", "累计", "合计", "总计", "：", ":", "以上", "以下"];

/// Words right before a number that make it a reference, not an amount (附件2, 专题1).
const SECTION: &[&str] =
    &["附件", "附表", "附图", "附录", "专题", "方向", "编号", "序号", "见表", "如表", "见图", "如图"];

/// Characters right before a Chinese numeral that make it part of a word (统一, 第一, 之一).
fn cn_numeral_in_word(prev: char) -> bool {
    matches!(
        prev,
        '第' | '每'
            | '之'
            | '统'
            | '唯'
            | '同'
            | '万'
            | '单'
            | '这'
            | '某'
            | '任'
            | '另'
            | '其'
            | '逐'
            | '专'
            | '划'
            | '均'
            | '合'
            | '归'
            | '不'
            | '初'
            | '几'
            | '数'
    )
}

/// Whether `s` has a letter or ideograph, i.e. can name a metric.
fn has_words(s: &str) -> bool {
    s.chars().any(char::is_alphabetic)
}

/// Words that show that a phrase sets a target even when no number in it could be read, beside
/// the comparators and change words above (示范推广种植面积显著扩大).
const TARGET_WORDS: &[&str] = &["显著", "明显", "大幅", "有效", "以上", "以下", "以内"];

/// Whether a phrase sets a target: a digit, a comparator, or a word of change.
fn sets_target(s: &str) -> bool {
    s.char_indices()
        .any(|(i, c)| c.is_ascii_digit() || s.get(i..).and_then(|rest| longest_prefix(rest, &lists().target)).is_some())
}

/// Words that mark a segment as a requirement on applicants or funding, not a target.
const FUNDING: &[&str] = &["资助", "经费", "拟支持", "驻外", "自筹", "配套资金"];

/// Phrases after an amount that make it a test condition for the next target (在25℃条件下).
const CONDITION_MARKERS: &[&str] = &["条件下", "工况下", "环境下", "情况下", "状态下", "条件时", "体系中", "体系下"];

/// Counting units with which a quantity counts indicators themselves (至少2项).
const INDICATOR_COUNTS: &[&str] = &["项", "个", "条", "类", "方面"];

// ---------------------------------------------------------------------------------------------
// Panic-free text helpers.
// ---------------------------------------------------------------------------------------------

/// The character starting at byte `b`.
fn ch_at(t: &str, b: usize) -> Option<char> {
    t.get(b..)?.chars().next()
}

/// The character ending at byte `b`.
fn ch_before(t: &str, b: usize) -> Option<char> {
    t.get(..b)?.chars().next_back()
}

/// `t[a..b]`, or empty when the offsets are not char boundaries.
fn sl(t: &str, a: usize, b: usize) -> &str {
    t.get(a..b).unwrap_or("")
}

/// Whether `t[lo..b]` ends with `pat`.
fn ends(t: &str, lo: usize, b: usize, pat: &str) -> bool {
    t.get(lo..b).is_some_and(|s| s.ends_with(pat))
}

/// The word lists indexed for matching at every number (built once).
struct Lists {
    comparators: Index<Op>,
    absolute: Index<Change>,
    changes_last: Index<Change>,
    changes_first: Index<Change>,
    change_nouns: Index<Change>,
    fillers: Index<()>,
    postfix: Index<Option<Op>>,
    deliverable_verbs: Index<()>,
    metric_verbs: Index<()>,
    leading: Index<()>,
    trailing: Index<()>,
    section: Index<()>,
    condition_markers: Index<()>,
    /// Every word the prefix scan reads, by last character: most numbers follow a noun, and one
    /// lookup here tells the scan to stop.
    prefix_any: Index<()>,
    /// Every word that shows a phrase sets a target ([`sets_target`]), by first character.
    target: Index<()>,
}

fn lists() -> &'static Lists {
    static LISTS: OnceLock<Lists> = OnceLock::new();
    LISTS.get_or_init(|| Lists {
        comparators: Index::by_last(COMPARATORS),
        absolute: Index::by_last(ABSOLUTE),
        changes_last: Index::by_last(CHANGES),
        changes_first: Index::by_first(CHANGES),
        change_nouns: Index::by_last(CHANGE_NOUNS),
        fillers: Index::by_last(&unit_values(FILLERS)),
        postfix: Index::by_first(POSTFIX),
        deliverable_verbs: Index::by_first(&unit_values(DELIVERABLE_VERBS)),
        metric_verbs: Index::by_first(&unit_values(METRIC_VERBS)),
        leading: Index::by_first(&unit_values(LEADING)),
        trailing: Index::by_last(&unit_values(TRAILING)),
        section: Index::by_last(&unit_values(SECTION)),
        condition_markers: Index::by_first(&unit_values(CONDITION_MARKERS)),
        prefix_any: {
            let mut words: Vec<&'static str> = vec!["pH", "pH值", "到", "至", "±", "零下"];
            words.extend(COMPARATORS.iter().map(|e| e.0));
            words.extend(ABSOLUTE.iter().map(|e| e.0));
            words.extend(CHANGES.iter().map(|e| e.0));
            words.extend(FILLERS);
            Index::by_last(&unit_values(&words))
        },
        target: {
            let mut words: Vec<&'static str> = TARGET_WORDS.to_vec();
            words.extend(COMPARATORS.iter().map(|e| e.0));
            words.extend(ABSOLUTE.iter().chain(CHANGES).chain(CHANGE_NOUNS).map(|e| e.0));
            Index::by_first(&unit_values(&words))
        },
    })
}

/// The longest word of `index` that `s` starts with.
fn longest_prefix(s: &str, index: &Index<()>) -> Option<&'static str> {
    index.longest_prefix(s).map(|(w, ())| w)
}

/// Rounds a confidence to two decimals so that products of factors print cleanly.
fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn is_hard_boundary(c: char) -> bool {
    matches!(c, '；' | ';' | '。' | '\n' | '\r' | '！' | '？' | '!' | '?')
}

/// Soft boundaries: `，` `：` always, `,` unless it groups thousands, `:` unless between digits.
fn is_soft_boundary(t: &str, p: usize, c: char) -> bool {
    if !matches!(c, '，' | '：' | ',' | ':') {
        return false;
    }
    let digit_before = ch_before(t, p).is_some_and(|d| d.is_ascii_digit());
    match c {
        '，' | '：' => true,
        ',' => {
            let b = t.as_bytes();
            let group = b.get(p + 1..p + 4).is_some_and(|g| g.iter().all(u8::is_ascii_digit))
                && !b.get(p + 4).is_some_and(u8::is_ascii_digit);
            !(digit_before && group)
        }
        ':' => !(digit_before && ch_at(t, p + 1).is_some_and(|d| d.is_ascii_digit())),
        _ => false,
    }
}

/// Whether an amount may start at `p`.
fn starts_number(t: &str, p: usize, c: char) -> bool {
    if c.is_ascii_digit() {
        return true;
    }
    if c == '-' {
        // A minus sign, not a hyphen inside a range or a name.
        return ch_at(t, p + 1).is_some_and(|d| d.is_ascii_digit())
            && !ch_before(t, p).is_some_and(|q| {
                q.is_ascii_alphanumeric() || matches!(q, '%' | ')' | '）' | '℃' | '°' | '²' | '³' | '.' | '-')
            });
    }
    number::is_cn_numeral_start(c)
}

/// Letters typed (or read by text recognition) for digits: I and l for 1, O and o for 0, half- and
/// full-width.
fn is_digit_lookalike(c: char) -> bool {
    matches!(c, 'I' | 'l' | 'O' | 'o' | 'Ｉ' | 'ｌ' | 'Ｏ' | 'ｏ')
}

/// A Latin letter or a digit, half- or full-width: what a word such as SCI, AI or 5G is made of.
fn is_latin_or_digit(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ')
}

/// A number with a letter where a digit belongs starting at `p` (I个, l项, O篇, 2O000亩, Ｉ个): where
/// its unit ends. Only the units a Chinese numeral may count follow it, so a Roman numeral naming a
/// phase, grade, class or type (I期, II级, I类, I型) is not taken for one; nor is a letter inside a
/// word (SCI, AI, Cell) or an ordinal (第I).
fn letter_for_digit(t: &str, p: usize, limit: usize) -> Option<usize> {
    if ch_before(t, p).is_some_and(|b| is_latin_or_digit(b) || b == '.' || b == '第') {
        return None;
    }
    let mut end = p;
    let mut letters = false;
    for (i, c) in t.get(p..limit)?.char_indices() {
        if is_digit_lookalike(c) {
            letters = true;
        } else if !(c.is_ascii_digit() || (c == '.' && i > 0)) {
            break;
        }
        end = p + i + c.len_utf8();
    }
    if !letters {
        return None;
    }
    let end = if ch_before(t, end) == Some('.') { end - 1 } else { end };
    unit::after_number(t, end, limit, Numeral::ChineseCount).map(|u| u.end)
}

/// The end of the name or numeral starting at `b` (PM2.5, GB/T19001-2016, 十四五), at least one
/// character further, so that a skipped token is never read again digit by digit.
fn skip_token(t: &str, b: usize, limit: usize) -> usize {
    let Some(rest) = t.get(b..limit) else { return limit.max(b + 1) };
    let mut chars = rest.char_indices();
    let Some((_, first)) = chars.next() else { return limit.max(b + 1) };
    let chinese = !first.is_ascii() && number::is_cn_numeral(first);
    let mut end = first.len_utf8();
    for (i, c) in chars {
        let same = if chinese {
            number::is_cn_numeral(c)
        } else {
            c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '/' | '+' | ':' | '×' | '*')
        };
        if !same {
            break;
        }
        end = i + c.len_utf8();
    }
    b + end
}

/// Byte length of a list marker at the start of `s`: `1.` `2、` `3)` `(1)` `①` `一、`.
fn list_marker_len(s: &str) -> usize {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 {
        if digits > 2 {
            return 0;
        }
        let rest = s.get(digits..).unwrap_or("");
        for m in [".", "．", "、", ")", "）"] {
            if let Some(after) = rest.strip_prefix(m) {
                if m == "." && after.starts_with(|c: char| c.is_ascii_digit()) {
                    return 0;
                }
                return digits + m.len();
            }
        }
        return 0;
    }
    let mut chars = s.char_indices();
    match chars.next() {
        Some((_, c)) if ('\u{2460}'..='\u{249B}').contains(&c) || ('\u{2776}'..='\u{2793}').contains(&c) => {
            c.len_utf8()
        }
        Some((_, '(' | '（')) => {
            for (n, (i, c)) in chars.enumerate() {
                if n > 3 {
                    break;
                }
                if matches!(c, ')' | '）') {
                    return if n > 0 { i + c.len_utf8() } else { 0 };
                }
                if !(c.is_ascii_digit() || number::is_cn_numeral(c)) {
                    break;
                }
            }
            0
        }
        Some((_, c)) if number::is_cn_numeral(c) => {
            for (n, (i, c)) in s.char_indices().enumerate() {
                if n > 3 {
                    break;
                }
                if c == '、' {
                    return if n > 0 { i + c.len_utf8() } else { 0 };
                }
                if !number::is_cn_numeral(c) {
                    break;
                }
            }
            0
        }
        _ => 0,
    }
}

/// A leading date phrase: 2025年底前, 2025年12月前.
fn strip_year_phrase(s: &str) -> Option<&str> {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits != 4 {
        return None;
    }
    let mut rest = s.get(digits..)?.strip_prefix('年')?;
    for mark in ['月', '日'] {
        let n = rest.bytes().take_while(u8::is_ascii_digit).count();
        if (1..=2).contains(&n)
            && let Some(r) = rest.get(n..).and_then(|r| r.strip_prefix(mark))
        {
            rest = r;
        }
    }
    for w in ["年底", "底", "末", "初"] {
        if let Some(r) = rest.strip_prefix(w) {
            rest = r;
            break;
        }
    }
    for w in ["以前", "前", "内"] {
        if let Some(r) = rest.strip_prefix(w) {
            rest = r;
            break;
        }
    }
    Some(rest)
}

/// Drops white space, list markers, connectives and leading time phrases.
fn strip_leading(mut s: &str) -> &str {
    for _ in 0..12 {
        if s.is_empty() {
            return s;
        }
        let trimmed = s.trim_start_matches(|c: char| c.is_whitespace() || "、，,：:".contains(c));
        let unmarked = trimmed.get(list_marker_len(trimmed)..).unwrap_or(trimmed);
        let word = longest_prefix(unmarked, &lists().leading).filter(|w| !(*w == "使" && unmarked.starts_with("使用")));
        let next = match word {
            Some(w) => unmarked.get(w.len()..).unwrap_or(""),
            None => strip_year_phrase(unmarked).unwrap_or(unmarked),
        };
        if next.len() == s.len() {
            return s;
        }
        s = next;
    }
    s
}

/// Drops a leading verb (培育, 建立 …).
fn strip_verbs(s: &str) -> &str {
    match longest_prefix(s, &lists().metric_verbs) {
        Some(v) => s.get(v.len()..).unwrap_or(s),
        None => s,
    }
}

/// Keeps what follows the last 的 when what precedes it is a long modifier (适用于…企业的技术 →
/// 技术) or nothing; short ones (高效的育种技术体系) read better kept.
fn strip_de(s: &str) -> &str {
    let Some(i) = s.rfind('的') else { return s };
    let head = s.get(..i).unwrap_or("");
    let tail = s.get(i + '的'.len_utf8()..).unwrap_or("");
    if tail.chars().count() >= 2 && (head.is_empty() || head.chars().count() >= 4) { tail } else { s }
}

/// Drops trailing fillers (为, 在, 的, 累计 …).
fn strip_trailing(mut s: &str) -> &str {
    for _ in 0..6 {
        s = s.trim_end();
        match lists().trailing.longest_suffix(s) {
            Some((w, ())) => s = s.get(..s.len() - w.len()).unwrap_or(""),
            None => break,
        }
    }
    s
}

/// A change verb opening the metric (降低水肥施用10%), unless it is part of a noun (下降率, 增长值).
fn leading_change(s: &str) -> Option<(Change, &str)> {
    let (w, dir) = lists().changes_first.longest_prefix(s)?;
    let rest = s.get(w.len()..)?;
    if rest.is_empty() || rest.starts_with(['率', '幅', '值', '量']) {
        return None;
    }
    Some((dir, rest))
}

// ---------------------------------------------------------------------------------------------
// Brackets.
// ---------------------------------------------------------------------------------------------

/// A matched pair of brackets, outermost only.
#[derive(Debug, Clone, Copy)]
struct Span {
    /// Offset of the opening bracket.
    open: usize,
    /// Offset just past the closing bracket.
    close_end: usize,
    /// Round or square brackets, which may hold a test condition; quotes and 《》 never do.
    paren: bool,
}

/// The closing bracket for an opening one, and whether it is a parenthesis.
fn closer_of(c: char) -> Option<(char, bool)> {
    Some(match c {
        '(' => (')', true),
        '（' => ('）', true),
        '[' => (']', true),
        '【' => ('】', true),
        '〔' => ('〕', false),
        '《' => ('》', false),
        '“' => ('”', false),
        '‘' => ('’', false),
        '「' => ('」', false),
        '『' => ('』', false),
        '〈' => ('〉', false),
        '{' => ('}', false),
        _ => return None,
    })
}

fn is_closer(c: char) -> bool {
    matches!(c, ')' | '）' | ']' | '】' | '〕' | '》' | '”' | '’' | '」' | '』' | '〉' | '}')
}

/// The outermost matched bracket pairs of `t[start..end]`, sorted. Unmatched brackets are
/// ignored, so a stray `(` does not swallow the rest of the clause; the search for a matching
/// opener looks only a few levels down, which keeps `((((…]]]]` linear.
fn bracket_spans(t: &str, start: usize, end: usize) -> Vec<Span> {
    let mut stack: Vec<(usize, char, bool)> = Vec::new();
    let mut pairs = Vec::new();
    for (i, c) in sl(t, start, end).char_indices() {
        let i = i + start;
        if let Some((close, paren)) = closer_of(c) {
            stack.push((i, close, paren));
        } else if is_closer(c) {
            let floor = stack.len().saturating_sub(4);
            let found = (floor..stack.len()).rev().find(|&k| stack.get(k).is_some_and(|s| s.1 == c));
            if let Some(k) = found
                && let Some(&(open, _, paren)) = stack.get(k)
            {
                stack.truncate(k);
                pairs.push(Span { open, close_end: i + c.len_utf8(), paren });
            }
        }
    }
    pairs.sort_unstable_by_key(|s| s.open);
    let mut top: Vec<Span> = Vec::with_capacity(pairs.len());
    let mut last_end = 0;
    for s in pairs {
        if s.open >= last_end {
            last_end = s.close_end;
            top.push(s);
        }
    }
    top
}

// ---------------------------------------------------------------------------------------------
// Clauses, segments, quantities.
// ---------------------------------------------------------------------------------------------

/// What the words before a number say.
#[derive(Debug, Default)]
struct Prefix {
    /// Where the metric ends (the first byte of the comparator words).
    start: usize,
    op: Option<Op>,
    change: Option<Change>,
    absolute: Option<Change>,
    /// 到/至 right before the number: with a change verb earlier, an absolute target.
    to_marker: bool,
    plus_minus: bool,
    unit: Option<&'static str>,
    approx: bool,
    /// The change verb itself, which names the metric when nothing else does (节水30%).
    change_word: Option<&'static str>,
    /// 零下 (below zero): the amount is negative.
    below_zero: bool,
}

/// Reads comparator, change and filler words backwards from `hi`, not past `lo`. At most eight
/// words are read, so a run of 不少于不少于… cannot make this quadratic.
fn scan_prefix(t: &str, lo: usize, hi: usize) -> Prefix {
    let mut pre = Prefix::default();
    let mut p = hi;
    let lists = lists();
    for _ in 0..8 {
        let Some(s) = t.get(lo..p) else { break };
        let trimmed = s.trim_end();
        if trimmed.len() < s.len() {
            p = lo + trimmed.len();
            continue;
        }
        if lists.prefix_any.longest_suffix(s).is_none() {
            break;
        }
        if pre.unit.is_none()
            && let Some(w) = ["pH值", "pH"].into_iter().find(|w| s.ends_with(w))
        {
            pre.unit = Some("pH");
            p -= w.len();
            continue;
        }
        if let Some((w, op)) = lists.comparators.longest_suffix(s) {
            pre.op.get_or_insert(op);
            p -= w.len();
            continue;
        }
        if let Some((w, dir)) = lists.absolute.longest_suffix(s) {
            pre.absolute.get_or_insert(dir);
            p -= w.len();
            continue;
        }
        if let Some((w, dir)) = lists.changes_last.longest_suffix(s) {
            pre.change.get_or_insert(dir);
            pre.change_word.get_or_insert(w);
            p -= w.len();
            continue;
        }
        if let Some(w) = ["到", "至"].into_iter().find(|w| s.ends_with(w)) {
            pre.to_marker = true;
            p -= w.len();
            continue;
        }
        if s.ends_with("零下") {
            pre.below_zero = true;
            p -= "零下".len();
            continue;
        }
        if s.ends_with('±') {
            pre.plus_minus = true;
            p -= '±'.len_utf8();
            continue;
        }
        if let Some((w, ())) = lists.fillers.longest_suffix(s)
            // 人均, 亩均, 年均 are part of the metric, not the filler 均.
            && !(w == "均" && s.get(..s.len() - w.len()).is_some_and(|h| h.ends_with(['人', '平', '亩', '户', '年', '日', '月', '周'])))
        {
            pre.approx |= w.contains('约');
            p -= w.len();
            continue;
        }
        break;
    }
    pre.start = p;
    pre
}

/// A postfix word at `p`: its comparator (if any) and length.
fn postfix_word(t: &str, p: usize, limit: usize) -> Option<(Option<Op>, usize)> {
    lists().postfix.longest_prefix(t.get(p..limit)?).map(|(w, op)| (op, w.len()))
}

/// 以上/以下/以内 after a short noun (覆盖3个县以上): at most three ideographs in between.
fn gap_postfix(t: &str, p: usize, limit: usize) -> Option<(Op, usize)> {
    let rest = t.get(p..limit)?;
    for (n, (i, c)) in rest.char_indices().enumerate() {
        if n > 0 {
            let here = rest.get(i..).unwrap_or("");
            if here.starts_with("以上") {
                return Some((Op::Ge, p + i + "以上".len()));
            }
            if here.starts_with("以下") || here.starts_with("以内") {
                return Some((Op::Le, p + i + "以下".len()));
            }
        }
        if n >= 3
            || !unit::is_ideograph(c)
            || matches!(c, '的' | '和' | '及' | '且' | '并' | '或' | '与' | '以' | '不' | '每')
            || number::is_cn_numeral(c)
        {
            return None;
        }
    }
    None
}

/// 在25℃条件下: the end of a condition marker shortly after an amount.
fn condition_marker(t: &str, p: usize, limit: usize) -> Option<usize> {
    let rest = t.get(p..limit)?;
    for (n, (i, c)) in rest.char_indices().enumerate() {
        if n > 8 {
            return None;
        }
        let here = rest.get(i..).unwrap_or("");
        if let Some(m) = longest_prefix(here, &lists().condition_markers) {
            return Some(p + i + m.len());
        }
        if c.is_ascii_digit()
            || matches!(c, '、' | '，' | ',' | '；' | ';' | '。' | '和' | '及' | '且' | '并' | '(' | '（')
        {
            return None;
        }
    }
    None
}

/// Whether the words after an amount run straight (no separator, no 的) into a comparator and
/// another number: then the amount qualifies that target (-20℃放电容量保持率不低于85%).
fn leads_to_comparator(t: &str, p: usize, limit: usize) -> bool {
    let Some(rest) = t.get(p..limit) else { return false };
    for (n, (i, c)) in rest.char_indices().enumerate() {
        if n > 24 {
            return false;
        }
        if starts_number(t, p + i, c) {
            return n > 0 && scan_prefix(t, p, p + i).op.is_some();
        }
        if matches!(c, '、' | '，' | ',' | '；' | ';' | '和' | '及' | '且' | '并' | '的' | '(' | '（' | '“')
        {
            return false;
        }
    }
    false
}

/// The noun after an amount, for targets written count-first (建设2个示范基地).
fn trailing_metric(t: &str, p: usize, limit: usize) -> Option<(&str, usize)> {
    let rest = t.get(p..limit)?;
    let mut end = 0;
    for (n, (i, c)) in rest.char_indices().enumerate() {
        if n >= 16
            || c.is_ascii_digit()
            || matches!(
                c,
                '、' | '，'
                    | ','
                    | '；'
                    | ';'
                    | '。'
                    | '：'
                    | ':'
                    | '（'
                    | '('
                    | '【'
                    | '['
                    | '“'
                    | '《'
                    | '和'
                    | '及'
                    | '且'
                    | '并'
                    | '或'
            )
        {
            break;
        }
        end = i + c.len_utf8();
    }
    let s = rest.get(..end)?;
    let m = strip_trailing(s.trim().trim_start_matches('的'));
    (!m.is_empty()).then_some((m, p + end))
}

/// 余/多 between a number and its unit (1000余人, 10多项).
fn approx_word(t: &str, p: usize, limit: usize) -> Option<usize> {
    let c = t.get(p..limit)?.chars().next()?;
    matches!(c, '余' | '多').then_some(p + c.len_utf8())
}

/// Where a separator between targets sits at `p`: its start, end, and whether it joins clauses
/// (并, 且, 以及, 同时) rather than nouns (、 和 及). Common words that contain these characters
/// (及时, 并网, 碳中和) are not separators.
fn separator_at(t: &str, lo: usize, p: usize, c: char) -> Option<(usize, usize, bool)> {
    let prev = if p > lo { ch_before(t, p) } else { None };
    let n = p + c.len_utf8();
    let next = ch_at(t, n);
    match c {
        '、' => Some((p, n, false)),
        '和' => (!matches!(prev, Some('总' | '中' | '缓' | '温' | '饱' | '调' | '柔' | '融'))
            && !matches!(next, Some('谐' | '平' | '煦')))
        .then_some((p, n, false)),
        '及' => {
            if prev == Some('以') {
                return Some((p - '以'.len_utf8(), n, true));
            }
            (!matches!(prev, Some('涉' | '普' | '危' | '波' | '企' | '顾' | '触' | '不' | '可' | '来'))
                && !matches!(next, Some('时' | '格' | '早')))
            .then_some((p, n, false))
        }
        '并' => (!matches!(prev, Some('合' | '兼' | '吞' | '归'))
            && !matches!(next, Some('网' | '行' | '发' | '购' | '联' | '列' | '存' | '非')))
        .then_some((p, n, true)),
        '且' => Some((p, n, true)),
        '同' if next == Some('时') => Some((p, n + '时'.len_utf8(), true)),
        _ => None,
    }
}

/// What follows an amount.
struct After {
    /// Where the amount's words end.
    end: usize,
    /// 以上 / 以下 / 以内.
    post: Option<Op>,
    /// A bracketed test condition.
    condition: Option<String>,
    /// 左右: approximate.
    around: bool,
}

/// What reading one amount led to.
enum Step {
    /// Not a quantity; keep scanning at this offset.
    Skip(usize),
    /// A quantity (a target or one that is not a target); the next metric starts here.
    Done(usize),
}

/// One soft segment of a clause.
struct Seg {
    start: usize,
    end: usize,
    /// A quantity here counts indicators (至少2项): the segment is a rule, not a target.
    meta: bool,
    /// Offset of the first 指标 in the segment.
    indicators_word: Option<usize>,
    /// Offset of the first funding or applicant word in the segment.
    funding_word: Option<usize>,
    /// An amount here was understood without becoming a target: a deadline, a baseline, a test
    /// condition, a requirement on applicants.
    consumed: bool,
}

/// How one segment of a clause ended, for the words that became nothing.
struct Outcome {
    start: usize,
    end: usize,
    /// It gave an indicator or a deliverable, or its words were understood otherwise.
    read: bool,
}

/// One hard clause (between `；` `。` or line breaks).
struct Clause<'a> {
    t: &'a str,
    spans: Vec<Span>,
    /// A test condition (在25℃条件下) waiting for the target it qualifies.
    pending: Option<String>,
    /// The metric of a baseline (合格率由60%提高到80%), for the target that follows it.
    carried: Option<String>,
    /// Comparator and change of the previous target in the segment, for a list that shares them
    /// (分别不低于90%、85%).
    last: Option<(Op, Option<Change>)>,
    /// How each segment ended, in order.
    outcomes: Vec<Outcome>,
    /// A segment states a rule about choosing indicators (至少2项).
    rule: bool,
    /// Numbers with a letter for a digit, in order.
    suspects: Vec<Suspect>,
}

impl<'a> Clause<'a> {
    /// Reads `t[start..end]` into `reading`.
    fn parse(t: &'a str, start: usize, end: usize, reading: &mut Reading, state: &mut ReadState) {
        if start >= end {
            return;
        }
        let out = &mut reading.indicators;
        let mut clause = Clause {
            t,
            spans: bracket_spans(t, start, end),
            pending: None,
            carried: None,
            last: None,
            outcomes: std::mem::take(&mut state.outcomes),
            rule: false,
            suspects: Vec::new(),
        };
        let first = out.len();
        let mut seg_start = start;
        let mut k = 0;
        let mut p = start;
        while p < end {
            if let Some(sp) = clause.spans.get(k)
                && sp.open <= p
            {
                // Commas inside brackets do not split.
                p = p.max(sp.close_end);
                k += 1;
                continue;
            }
            let Some(c) = ch_at(t, p) else { break };
            if is_soft_boundary(t, p, c) {
                clause.segment(seg_start, p, out);
                seg_start = p + c.len_utf8();
            }
            p += c.len_utf8();
        }
        clause.segment(seg_start, end, out);
        // A condition with no target after it qualifies the one before it.
        if let Some(cond) = clause.pending.take()
            && let Some(last) = out.get_mut(first..).and_then(|s| s.iter_mut().rev().find(|i| i.op != Op::Deliverable))
            && last.condition.is_none()
        {
            last.condition = Some(cond);
        }
        reading.suspects.append(&mut clause.suspects);
        state.in_rule = clause.rule || (state.in_rule && list_marker_len(sl(t, start, end).trim_start()) > 0);
        if !state.in_rule {
            clause.unread(&mut reading.unread);
        }
        state.outcomes = clause.outcomes;
        state.outcomes.clear();
    }

    /// Adds the segments that became nothing to `unread`, adjacent ones as one range. A segment
    /// without a word of a target before segments that were read is their context.
    fn unread(&self, unread: &mut Vec<std::ops::Range<usize>>) {
        if self.outcomes.iter().all(|o| o.read) {
            return;
        }
        let last_read = self.outcomes.iter().rposition(|o| o.read);
        let mut previous_unread = false;
        for (i, o) in self.outcomes.iter().enumerate() {
            let missed = !o.read && {
                let text = sl(self.t, o.start, o.end);
                let body = text.get(list_marker_len(text)..).unwrap_or("");
                let later_read = last_read.is_some_and(|l| l > i);
                has_words(body) && (!later_read || sets_target(body))
            };
            if missed {
                match unread.last_mut() {
                    Some(last) if previous_unread => last.end = o.end,
                    _ => unread.push(o.start..o.end),
                }
            }
            previous_unread = missed;
        }
    }

    /// The bracket pair opening exactly at `p`.
    fn span_at(&self, p: usize) -> Option<Span> {
        if ch_at(self.t, p).is_none_or(|c| closer_of(c).is_none()) {
            return None;
        }
        let i = self.spans.partition_point(|s| s.open < p);
        self.spans.get(i).filter(|s| s.open == p).copied()
    }

    /// Splits `t[lo..hi]` at separators outside brackets: where the last target's own words start,
    /// and the clause-joining separators (并, 且 …) as `(start, end)` pairs.
    fn split_region(&self, lo: usize, hi: usize) -> (usize, Vec<(usize, usize)>) {
        let t = self.t;
        let mut sub = lo;
        let mut cuts = Vec::new();
        let mut k = self.spans.partition_point(|s| s.close_end <= lo);
        let mut p = lo;
        while p < hi {
            if let Some(sp) = self.spans.get(k)
                && sp.open <= p
            {
                p = p.max(sp.close_end);
                k += 1;
                continue;
            }
            let Some(c) = ch_at(t, p) else { break };
            if let Some((start, end, joins)) = separator_at(t, lo, p, c) {
                sub = end;
                if joins {
                    cuts.push((start, end));
                }
                p = end.max(p + c.len_utf8());
                continue;
            }
            p += c.len_utf8();
        }
        (sub.min(hi), cuts)
    }

    /// Reads one soft segment.
    fn segment(&mut self, s0: usize, s1: usize, out: &mut Vec<Indicator>) {
        let t = self.t;
        let raw = sl(t, s0, s1);
        let s1 = s0 + raw.trim_end().len();
        let s0 = s0 + (raw.len() - raw.trim_start().len());
        if s0 >= s1 {
            return;
        }
        let text = sl(t, s0, s1);
        let mut seg = Seg {
            start: s0,
            end: s1,
            meta: false,
            indicators_word: text.find("指标").map(|i| s0 + i),
            funding_word: FUNDING.iter().filter_map(|w| text.find(w)).min().map(|i| s0 + i),
            consumed: false,
        };
        let out_start = out.len();
        let suspects_start = self.suspects.len();
        self.carried = None;
        self.last = None;
        let body = s0 + list_marker_len(text);
        let mut region = body;
        let mut p = body;
        let mut k = self.spans.partition_point(|s| s.close_end <= p);
        while p < s1 {
            if let Some(sp) = self.spans.get(k)
                && sp.open <= p
            {
                // Numbers inside brackets are never targets.
                p = p.max(sp.close_end);
                k += 1;
                continue;
            }
            let Some(c) = ch_at(t, p) else { break };
            if (c.is_ascii_digit() || is_digit_lookalike(c))
                && let Some(end) = letter_for_digit(t, p, s1)
            {
                // Not a target (its digit would be a guess) but a warning; what follows it, 以上
                // or a condition, is its own, and the next target's metric starts after that.
                self.suspects.push(Suspect { segment: s0..s1, found: p..end });
                p = self.read_after(end, s1).end;
                region = p;
                continue;
            }
            if starts_number(t, p, c) {
                match self.quantity(&mut seg, region, p, out) {
                    Step::Skip(next) => p = next.max(p + c.len_utf8()),
                    Step::Done(next) => {
                        p = next.max(p + c.len_utf8());
                        region = p;
                    }
                }
                continue;
            }
            p += c.len_utf8();
        }
        if seg.meta {
            // A rule about which indicators to choose: keep it as one deliverable for review.
            out.truncate(out_start);
            out.push(Indicator::deliverable(strip_trailing(strip_leading(text)).to_string(), text.to_string(), 0.5));
            self.rule = true;
        } else {
            self.deliverables(region.min(s1), s1, out);
        }
        let read = out.len() > out_start || seg.consumed || seg.meta || self.suspects.len() > suspects_start;
        self.outcomes.push(Outcome { start: s0, end: s1, read });
    }

    /// Deliverables in `t[lo..hi]`, one per clause joined by 并/且.
    fn deliverables(&self, lo: usize, hi: usize, out: &mut Vec<Indicator>) {
        let (_, cuts) = self.split_region(lo, hi);
        let mut from = lo;
        for (s, e) in cuts {
            self.deliverable(from, s, out);
            from = e;
        }
        self.deliverable(from, hi, out);
    }

    /// A deliverable if `t[lo..hi]` opens with a producing verb and names an object.
    fn deliverable(&self, lo: usize, hi: usize, out: &mut Vec<Indicator>) {
        let raw = sl(self.t, lo, hi);
        let s = strip_leading(raw);
        let Some(verb) = longest_prefix(s, &lists().deliverable_verbs) else { return };
        let rest = s.get(verb.len()..).unwrap_or("");
        let rest = ["出", "起", "了"].iter().find_map(|w| rest.strip_prefix(w)).unwrap_or(rest);
        let object = strip_trailing(strip_de(rest.trim()));
        if object.chars().count() < 2 {
            return;
        }
        let start = lo + (raw.len() - s.len());
        let end = lo + raw.trim_end().len();
        out.push(Indicator::deliverable(object.to_string(), sl(self.t, start, end).to_string(), 0.9));
    }

    /// Reads what follows an amount ending at `end`: bracketed conditions, (含), 以上/以下/以内,
    /// 左右, in any order, at most three of them.
    fn read_after(&self, end: usize, limit: usize) -> After {
        let t = self.t;
        let mut after = After { end, post: None, condition: None, around: false };
        for _ in 0..3 {
            let q = if ch_at(t, after.end) == Some(' ') { after.end + 1 } else { after.end };
            if let Some(sp) = self.span_at(q) {
                if !sp.paren {
                    break;
                }
                let inner_start = sp.open + ch_at(t, sp.open).map_or(1, char::len_utf8);
                let inner_end = sp.close_end - ch_before(t, sp.close_end).map_or(1, char::len_utf8);
                let inner = sl(t, inner_start, inner_end).trim();
                let unit_only =
                    unit::after_number(t, inner_start, inner_end, Numeral::Digits).is_some_and(|u| u.end == inner_end);
                if unit_only || (inner.starts_with('含') && inner.chars().count() <= 4) {
                    // 3个(种) names the unit again; (含) means inclusive, which >= and <= already are.
                    after.end = sp.close_end;
                    continue;
                }
                if after.condition.is_some() || inner.is_empty() {
                    break;
                }
                after.condition = Some(inner.to_string());
                after.end = sp.close_end;
                continue;
            }
            let Some((op, len)) = postfix_word(t, q, limit) else { break };
            match op {
                Some(op) => {
                    after.post.get_or_insert(op);
                }
                None => after.around = true,
            }
            after.end = q + len;
        }
        after
    }

    /// Reads the amount starting at `b`; `region` is where the text since the previous target
    /// starts.
    fn quantity(&mut self, seg: &mut Seg, region: usize, b: usize, out: &mut Vec<Indicator>) -> Step {
        let t = self.t;
        let limit = seg.end;
        let skip = || Step::Skip(skip_token(t, b, limit));

        // What is glued to the front: a unit written first (pH2-13), or a name (PM2.5, GB/T 1).
        let prev = if b > seg.start { ch_before(t, b) } else { None };
        let mut unit_before: Option<&'static str> = None;
        let mut lead = b;
        if let Some(p) = prev {
            let spaced_letter = p == ' ' && ch_before(t, b - 1).is_some_and(|q| q.is_ascii_alphabetic());
            if p.is_ascii_alphabetic() || spaced_letter {
                let at = if spaced_letter { b - 1 } else { b };
                if !ends(t, seg.start, at, "pH") {
                    return skip();
                }
                unit_before = Some("pH");
                lead = at - "pH".len();
            } else if matches!(p, '第' | '每' | '#' | '№' | '-' | '.' | '_' | '/' | '+' | '×' | '*' | '^')
                || lists().section.longest_suffix(sl(t, seg.start, b)).is_some()
            {
                return skip();
            }
        }

        let Some(amt) = number::amount_at(t, b, limit) else { return skip() };
        if amt.chinese && prev.is_some_and(cn_numeral_in_word) {
            return Step::Skip(amt.end);
        }
        if amt.hi.is_some_and(|h| h < amt.lo) {
            return Step::Skip(amt.end); // 13-2 is a date or a code, not a range
        }
        // Ratios, times, fractions, sizes and codes (1:5, 9:00, 1/3, 10×20, 1+N).
        if !amt.chinese
            && let Some(c) = ch_at(t, amt.end)
            && matches!(c, ':' | '/' | '+' | '×' | '*' | '.' | '_')
            && ch_at(t, amt.end + c.len_utf8()).is_some_and(|d| d.is_ascii_alphanumeric())
        {
            return skip();
        }

        let pre = scan_prefix(t, region.min(lead), lead);
        let explicit = pre.op.is_some();
        let numeral = match (amt.chinese, explicit) {
            (false, _) => Numeral::Digits,
            (true, false) => Numeral::ChineseCount,
            (true, true) => Numeral::ChineseAny,
        };

        // The unit, allowing 余/多 before it.
        let mut approx = amt.approx;
        let mut unit = unit::after_number(t, amt.end, limit, numeral);
        if unit.is_none()
            && let Some(after) = approx_word(t, amt.end, limit)
            && let Some(u) = unit::after_number(t, after, limit, numeral)
        {
            unit = Some(u);
            approx = true;
        }
        if unit.is_none() && ch_at(t, amt.end).is_some_and(|c| c.is_ascii_alphabetic()) {
            return skip(); // 5G, 3D
        }
        if amt.chinese && unit.is_none() {
            return Step::Skip(amt.end);
        }
        // 零下20℃ is -20℃; 零下10-20℃ runs from -20 to -10.
        let sign = if pre.below_zero && amt.lo > 0.0 { -1.0 } else { 1.0 };
        let (lo, mut hi) = match amt.hi {
            Some(h) if sign < 0.0 => (-h, Some(-amt.lo)),
            h => (sign * amt.lo, h),
        };
        let mut end = unit.as_ref().map_or(amt.end, |u| u.end);
        // A range that repeats its unit: 15%-20%, -40℃~85℃.
        if hi.is_none()
            && let Some(u) = &unit
            && let Some(second) = number::range_tail(t, u.end, limit, amt.chinese)
        {
            let u2 = unit::after_number(t, second.end, limit, numeral);
            let value = sign * second.value;
            if sign > 0.0 && value >= lo && u2.as_ref().is_none_or(|x| x.canon == u.canon) {
                hi = Some(value);
                end = u2.map_or(second.end, |x| x.end);
            }
        }
        let canon = unit.as_ref().map(|u| u.canon.as_str());

        // Years and dates (2025年12月1日) are not targets.
        let after_c = ch_at(t, end);
        if amt.year_like && canon == Some("年") {
            return Step::Skip(end);
        }
        if canon == Some("月")
            && (prev == Some('年')
                || after_c
                    .is_some_and(|c| c.is_ascii_digit() || matches!(c, '底' | '初' | '末' | '中' | '份' | '前' | '旬')))
        {
            return Step::Skip(end);
        }
        if matches!(canon, Some("日" | "号")) && prev == Some('月') {
            return Step::Skip(end);
        }

        let unit_before = unit_before.or(pre.unit);
        if amt.year_like && canon.is_none() && !explicit {
            return Step::Skip(end); // 截至2025, 2024-2026
        }
        // Deadlines (3年内, 两年后) are not targets.
        if let Some(c) = after_c
            && canon.is_some_and(unit::is_period)
            && !explicit
            && matches!(c, '内' | '后' | '前')
        {
            return Step::Done(end + c.len_utf8());
        }

        let After { end: mut p, post, condition, around } = self.read_after(end, limit);
        // 由目前的60%提高到80%: the first amount is the baseline.
        let next = t.get(p..limit).unwrap_or("").trim_start();
        if ABSOLUTE.iter().any(|(w, _)| next.starts_with(w)) {
            let words = sl(t, region, pre.start);
            let before = words.rfind(['由', '从']).and_then(|i| words.get(..i)).unwrap_or(words);
            let metric = strip_trailing(strip_de(strip_verbs(strip_leading(before))));
            self.carried = (!metric.is_empty()).then(|| metric.to_string());
            seg.consumed = true;
            return Step::Done(p);
        }
        let mut post = post;
        let mut gap = false;
        if post.is_none()
            && let Some((op, after)) = gap_postfix(t, p, limit)
        {
            post = Some(op);
            p = after;
            gap = true;
        }

        // A bare number with no unit and no comparator is believed only where its phrase ends
        // (分离因子30，…), not inside a name (工业4.0时代); a Chinese numeral likewise (两项 but
        // not 一种新型).
        let has_unit = unit.is_some() || unit_before.is_some();
        let shaped = explicit
            || pre.change.is_some()
            || pre.absolute.is_some()
            || hi.is_some()
            || post.is_some()
            || condition.is_some();
        if !has_unit && !shaped {
            if !unit::phrase_ends(t, end, limit) {
                return Step::Skip(end);
            }
            if !has_words(sl(t, region, pre.start)) {
                // Nothing says what a lone number measures. The region has no words to keep,
                // so it restarts here, which also keeps this check from rescanning it.
                return Step::Done(end);
            }
        }
        if amt.chinese && !explicit && post.is_none() && !unit::phrase_ends(t, end, limit) {
            return Step::Skip(end);
        }
        // A count of indicators themselves (考核指标…至少2项) is a rule, not a target.
        if seg.indicators_word.is_some_and(|i| i < b) && canon.is_none_or(|c| INDICATOR_COUNTS.contains(&c)) {
            seg.meta = true;
            return Step::Done(p);
        }
        // Requirements on applicants and funding (驻外时间不少于6个月, 资助额度不超过150万元).
        if seg.funding_word.is_some_and(|i| i < b) {
            seg.consumed = true;
            return Step::Done(p);
        }

        // The words since the previous target: deliverables joined by 并/且, then this metric.
        let (sub_start, cuts) = self.split_region(region, pre.start.max(region));
        let mut from = region;
        for (s, e) in cuts {
            self.deliverable(from, s, out);
            from = e;
        }
        let raw = sl(t, sub_start, pre.start);
        let opened = strip_leading(raw);
        let mut change = pre.change;
        let mut absolute = pre.absolute;
        let mut body = opened;
        if change.is_none()
            && absolute.is_none()
            && let Some((dir, rest)) = leading_change(opened)
        {
            body = rest;
            if pre.to_marker {
                absolute = Some(dir); // 提高产品合格率到98%
            } else {
                change = Some(dir); // 降低水肥施用10%
            }
        }
        let body = strip_trailing(strip_de(strip_verbs(body)));
        if change.is_none() && absolute.is_none() {
            change = lists().change_nouns.longest_suffix(body).map(|(_, d)| d);
        }
        if body.is_empty() && canon.is_some_and(unit::is_period) && !explicit && post == Some(Op::Le) {
            return Step::Done(p); // 3年以内完成…: a deadline
        }

        // An amount that sets the scene for the next target (在25℃条件下) is its condition.
        if let Some(after) = condition_marker(t, p, limit) {
            let condition = strip_leading(sl(t, sub_start, after).trim());
            self.pending = (!condition.is_empty()).then(|| condition.to_string());
            seg.consumed = true;
            return Step::Done(after);
        }

        // 分别不低于90%、85%: a bare amount right after another shares its comparator.
        let mut pre_op = pre.op;
        if pre_op.is_none()
            && post.is_none()
            && change.is_none()
            && absolute.is_none()
            && raw.trim_matches(|c: char| c.is_whitespace() || "、和及".contains(c)).is_empty()
            && let Some((op, ch)) = self.last
        {
            pre_op = Some(op);
            change = ch;
        }

        let bare = pre_op.is_none() && post.is_none() && change.is_none() && absolute.is_none();
        if body.is_empty() && bare && self.carried.is_none() && leads_to_comparator(t, p, limit) {
            let condition = sl(t, sub_start, p).trim();
            self.pending = (!condition.is_empty()).then(|| condition.to_string());
            seg.consumed = true;
            return Step::Done(p);
        }

        let mut confidence = 1.0f64;
        let mut src_end = p;
        let carried = self.carried.take();
        let body = if has_words(body) { body } else { "" };
        // A verb alone (接入不少于20家医疗机构) does not say what is counted; the noun after the
        // number does.
        let verb_only = is_verb(body);
        let trailing = verb_only.then(|| trailing_metric(t, p, limit)).flatten();
        let metric = if let Some((m, e)) = trailing {
            confidence *= 0.9;
            src_end = e;
            m.to_string()
        } else if verb_only {
            confidence = confidence.min(DOUBTFUL);
            body.to_string()
        } else if !body.is_empty() {
            body.to_string()
        } else if let Some(m) = carried {
            m
        } else if let Some(w) =
            pre.change_word.filter(|w| !["提升", "提高", "增加", "增长", "降低", "减少", "下降"].contains(w))
        {
            confidence *= 0.9;
            w.to_string()
        } else if let Some((m, e)) = trailing_metric(t, p, limit) {
            confidence *= 0.9;
            src_end = e;
            m.to_string()
        } else if let Some(u) = unit_before {
            confidence *= 0.8;
            u.to_string()
        } else if shaped || has_unit {
            // Nothing names the metric (不少于两项 on its own): the guide's words stand in, so
            // that staff see what was read; the metric is never empty (Indicator::check).
            confidence *= 0.7;
            sl(t, sub_start, p).trim().to_string()
        } else {
            return Step::Done(src_end); // a lone number: nothing says what it measures
        };

        let op = if hi.is_some() {
            Op::Between
        } else if pre.plus_minus && !matches!(pre_op.or(post), Some(Op::Le | Op::Lt)) {
            Op::Le // 误差±0.5℃, 精度达到±0.1 mm: a tolerance
        } else if let Some(op) = pre_op.or(post) {
            op
        } else if let Some(dir) = absolute {
            if dir == Change::Decrease { Op::Le } else { Op::Ge }
        } else {
            Op::Ge // a bare amount is a minimum
        };
        if absolute.is_some() {
            change = None;
        }

        if hi.is_none() && pre_op.is_none() && post.is_none() && absolute.is_none() && !pre.plus_minus {
            confidence *= 0.9;
        }
        match unit.as_ref().map(|u| u.kind) {
            Some(Kind::Ascii) => confidence *= 0.85,
            Some(Kind::Guess) => confidence *= 0.6,
            None if unit_before.is_none() && !shaped => confidence *= 0.6,
            _ => {}
        }
        // A metric that opens with a bracket is a fragment of a sentence; a range read where the
        // guide speaks of findings (揭示2-3个机制) is rarely a target to measure.
        if metric.starts_with(['(', '（', '[', '【', '〔'])
            || (hi.is_some() && FINDING_VERBS.iter().any(|w| sl(t, seg.start, b).contains(w)))
        {
            confidence = confidence.min(DOUBTFUL);
        }
        if amt.chinese {
            confidence *= 0.9;
        }
        if approx || pre.approx || around || gap {
            confidence *= 0.9;
        }
        let condition = condition.or_else(|| self.pending.take());
        if op != Op::Between {
            self.last = Some((op, change));
        }
        let src_start =
            sub_start + (raw.len() - raw.trim_start_matches(|c: char| c.is_whitespace() || c == '的').len());
        out.push(Indicator {
            metric,
            op,
            value: if hi.is_some() { None } else { Some(lo) },
            min: hi.map(|_| lo),
            max: hi,
            unit: unit.map(|u| u.canon).or_else(|| unit_before.map(str::to_string)),
            change,
            condition,
            source: sl(t, src_start.min(b), src_end).to_string(),
            confidence: round2(confidence),
        });
        Step::Done(src_end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The 2024 guide's 考核指标 texts, normalised as the text module hands them over.
    const D1: &str = "开发适用于新疆地区生物大发酵龙头企业的人工智能工艺优化技术，发酵产量预测精度不低于95%，产量提升10%以上；建立与现有生产体系高度集成的实时生产工艺调控与质量预测系统不少于2套，工艺调控间隔不超过0.5小时每次，产量波动降低10%以上；建立人工智能工业优化示范应用基地不少于2个，集成示范应用生产线不低于10条，单发酵罐规模不低于400吨。";
    const D2: &str = "培育高产且适合集约化种植的粮用藜麦新品种不少于2种；培育适合高原耐旱耐盐耐贫瘠的饲用藜麦系列品系不少于1种；培育彩色藜麦系列花卉品系不少于5种；示范推广种植20000亩以上；为西藏地区培养本土化藜麦产业链技术人员不少于5名。";
    const D3: &str = "构建高效的育种技术体系，选育适应性强、整体花期延长15%和降低水肥施用10%的优质花卉新品种不少于2种，提升无性扩繁效率30%，制定高效繁育技术规程不少于2项，繁育种苗10万株，形成“育繁推”一体化技术规范1套。";
    const D4: &str = "设计并制备具有高辨识度、高耐盐性及高通量性能于一体的低维材料锂/镁分离膜，具备分离因子大于30(镁锂比大于50体系)、耐盐性为市售纳滤膜2倍以上、通量大于10 L/m²·h，且能够在pH2-13，20-60°C范围内稳定运行，使用寿命在1年以上且透过率下降率在20%以下，并示范形成处理规模10 m³的膜组件；开发出分离样机1台。";
    const T2: &str = "所申报项目需完成的考核指标应包含以下3项中至少2项，且成效可量化考核。\n1. 技术效益指标：侧重在解决当地产业关键共性技术问题、企业技术创新难题等方面的成效。\n2. 经济效益指标：侧重在投入产出比、推广前景、预期效益等对经济和产业发展影响方面的成效。\n3. 社会效益指标：侧重在解决人民健康、公共安全、生态环境等瓶颈问题方面的成效。";
    const T3: &str = "项目执行期内为对口地区培养技术或科研管理类人员不少于40人次；结合工作实际，挖掘当地经济社会发展急需的技术需求不少于2项，并形成建议报告。";

    /// The scored tuple of an indicator, as text: `op value unit change [cond]`.
    fn key(i: &Indicator) -> String {
        let unit = i.unit.as_deref().unwrap_or("null");
        let change = i.change.map_or("-", Change::as_str);
        let cond = if i.condition.is_some() { " cond" } else { "" };
        match i.op {
            Op::Deliverable => format!("deliverable {}", i.metric),
            Op::Between => {
                format!("between {}..{} {unit} {change}{cond}", i.min.unwrap_or(f64::NAN), i.max.unwrap_or(f64::NAN))
            }
            op => format!("{} {} {unit} {change}{cond}", op.as_str(), i.value.unwrap_or(f64::NAN)),
        }
    }

    /// Checks what must hold for every output, then returns it.
    fn checked(text: &str) -> Vec<Indicator> {
        let out = parse(text);
        for i in &out {
            assert_eq!(i.check(), Ok(()), "{i:?} from {text:?}");
            assert!(!i.source.is_empty(), "empty source in {text:?}");
            assert!(text.contains(&i.source), "source {:?} not in {text:?}", i.source);
            assert!((0.0..=1.0).contains(&i.confidence), "confidence {} for {:?}", i.confidence, i.source);
            match i.op {
                Op::Deliverable => {
                    assert!(i.value.is_none() && i.unit.is_none());
                    assert!(i.source.contains(&i.metric), "deliverable {:?} not in {:?}", i.metric, i.source);
                }
                Op::Between => {
                    assert!(i.value.is_none());
                    assert!(matches!((i.min, i.max), (Some(a), Some(b)) if a.is_finite() && b.is_finite() && a <= b));
                }
                _ => {
                    assert!(i.value.is_some_and(f64::is_finite) && i.min.is_none() && i.max.is_none());
                }
            }
            if i.op != Op::Deliverable {
                assert!(
                    i.source.chars().any(|c| c.is_ascii_digit() || number::is_cn_numeral(c)),
                    "no number in source {:?}",
                    i.source
                );
            }
        }
        out
    }

    /// The quantitative tuples of `text`, in order.
    fn quantities(text: &str) -> Vec<String> {
        checked(text).iter().filter(|i| i.op != Op::Deliverable).map(key).collect()
    }

    /// Every output of `text`, deliverables with their metric.
    fn everything(text: &str) -> Vec<String> {
        checked(text).iter().map(key).collect()
    }

    #[test]
    fn direction_1() {
        assert_eq!(
            everything(D1),
            [
                "deliverable 人工智能工艺优化技术",
                ">= 95 % -",
                ">= 10 % increase",
                ">= 2 套 -",
                "<= 0.5 h -",
                ">= 10 % decrease",
                ">= 2 个 -",
                ">= 10 条 -",
                ">= 400 吨 -",
            ]
        );
        let metrics: Vec<String> = parse(D1).into_iter().map(|i| i.metric).collect();
        assert_eq!(metrics[3], "实时生产工艺调控与质量预测系统");
        assert_eq!(metrics[4], "工艺调控间隔");
    }

    #[test]
    fn direction_2() {
        assert_eq!(quantities(D2), [">= 2 种 -", ">= 1 种 -", ">= 5 种 -", ">= 20000 亩 -", ">= 5 名 -"]);
        let metrics: Vec<String> = parse(D2).into_iter().map(|i| i.metric).collect();
        assert_eq!(metrics[0], "粮用藜麦新品种");
        assert_eq!(metrics[1], "饲用藜麦系列品系");
    }

    #[test]
    fn direction_3() {
        assert_eq!(
            everything(D3),
            [
                "deliverable 高效的育种技术体系",
                ">= 15 % increase",
                ">= 10 % decrease",
                ">= 2 种 -",
                ">= 30 % increase",
                ">= 2 项 -",
                ">= 100000 株 -",
                ">= 1 套 -",
            ]
        );
        let metrics: Vec<String> = parse(D3).into_iter().map(|i| i.metric).collect();
        assert_eq!(&metrics[1..5], ["整体花期", "水肥施用", "优质花卉新品种", "无性扩繁效率"]);
    }

    #[test]
    fn direction_4() {
        assert_eq!(
            quantities(D4),
            [
                "> 30 null - cond",
                ">= 2 倍 -",
                "> 10 L/(m²·h) -",
                "between 2..13 pH -",
                "between 20..60 ℃ -",
                ">= 1 年 -",
                "<= 20 % -",
                ">= 10 m³ -",
                ">= 1 台 -",
            ]
        );
        let out = parse(D4);
        assert_eq!(out[0].condition.as_deref(), Some("镁锂比大于50体系"));
        assert_eq!(out[0].metric, "分离因子");
        assert_eq!(out[6].metric, "透过率下降率");
    }

    #[test]
    fn topic_2_counts_indicators_not_targets() {
        let out = checked(T2);
        assert!(out.iter().all(|i| i.op == Op::Deliverable), "{out:?}");
        assert_eq!(out.len(), 1);
        assert!(out[0].confidence < LOW_CONFIDENCE_FOR_TESTS);
    }

    /// Mirrors `model::LOW_CONFIDENCE` without depending on it from a private path.
    const LOW_CONFIDENCE_FOR_TESTS: f64 = super::super::model::LOW_CONFIDENCE;

    #[test]
    fn topic_3() {
        assert_eq!(everything(T3), [">= 40 人次 -", ">= 2 项 -", "deliverable 建议报告"]);
    }

    /// The same tuples as the fixture that `score.py` grades, compared as multisets per direction.
    #[test]
    fn matches_the_2024_fixture() {
        let path =
            concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/guides/2024-domestic-cooperation.expected.json");
        let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let texts = [D1, D2, D3, D4, T2, T3];
        let mut n = 0;
        for topic in json["topics"].as_array().unwrap() {
            for direction in topic["directions"].as_array().unwrap() {
                let want: Vec<Indicator> = serde_json::from_value(serde_json::Value::Array(
                    direction["indicators"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|i| {
                            let mut i = i.clone();
                            i["source"] = "".into();
                            i["confidence"] = 1.0.into();
                            i
                        })
                        .collect(),
                ))
                .unwrap();
                let mut want: Vec<String> = want.iter().filter(|i| i.op != Op::Deliverable).map(key).collect();
                let mut got = quantities(texts[n]);
                want.sort();
                got.sort();
                assert_eq!(got, want, "direction {n}");
                n += 1;
            }
        }
        assert_eq!(n, texts.len());
    }

    /// Wordings from other plausible guides: input, then its quantitative tuples in order.
    const CASES: &[(&str, &[&str])] = &[
        // Comparators before and after the number.
        ("发表论文不少于5篇(SCI收录不少于3篇)", &[">= 5 篇 - cond"]),
        ("申请发明专利3项以上", &[">= 3 项 -"]),
        ("准确率≥90%", &[">= 90 % -"]),
        ("响应时间<100 ms", &["< 100 ms -"]),
        ("光伏组件转换效率超过25%", &["> 25 % -"]),
        ("浓度低于0.5 mg/L", &["< 0.5 mg/L -"]),
        ("比值等于1", &["= 1 null -"]),
        ("单次充电续航里程至少500公里", &[">= 500 km -"]),
        ("杂质含量小于或等于0.1%", &["<= 0.1 % -"]),
        ("噪声低于55 dB(A)", &["< 55 dB(A) -"]),
        ("系统可用性达99.9%", &[">= 99.9 % -"]),
        ("药物纯度>=99.5%，单杂<=0.1%", &[">= 99.5 % -", "<= 0.1 % -"]),
        ("10%左右", &[">= 10 % -"]),
        ("申请发明专利不少于5项(含)以上", &[">= 5 项 -"]),
        ("分别不超过5%、10%", &["<= 5 % -", "<= 10 % -"]),
        ("分别不低于90%、85%", &[">= 90 % -", ">= 85 % -"]),
        // Bare amounts, multipliers, thousands separators, Chinese numerals.
        ("推广面积1.5万亩", &[">= 15000 亩 -"]),
        ("新增产值5000万元以上", &[">= 50000000 元 -"]),
        ("年发电量达到1.2亿kWH", &[">= 120000000 kWh -"]),
        ("新建厂房4万平米", &[">= 40000 m² -"]),
        ("示范推广20,000亩以上", &[">= 20000 亩 -"]),
        ("不少于两项", &[">= 2 项 -"]),
        ("举办培训班不少于两期", &[">= 2 期 -"]),
        ("完成技术攻关十余项", &[">= 10 项 -"]),
        ("培训1000余人次", &[">= 1000 人次 -"]),
        ("带动就业200人以上", &[">= 200 人 -"]),
        ("示范推广2万亩，辐射带动5万亩", &[">= 20000 亩 -", ">= 50000 亩 -"]),
        ("数据库收录数据不少于10万条", &[">= 100000 条 -"]),
        ("细胞密度达到1×10^8 cells/mL", &[">= 100000000 cells/mL -"]),
        ("检出限低于10^-6 mol/L", &["< 0.000001 mol/L -"]),
        // Ranges and negative numbers.
        ("培养研究生2-3名", &["between 2..3 名 -"]),
        ("申请专利2~3项", &["between 2..3 项 -"]),
        ("筛选优良品种3至5种", &["between 3..5 种 -"]),
        ("培养硕士研究生两到三名", &["between 2..3 名 -"]),
        ("温度-20~60°C", &["between -20..60 ℃ -"]),
        ("工作温度范围-40℃~85℃", &["between -40..85 ℃ -"]),
        ("试验周期6-12个月", &["between 6..12 个月 -"]),
        ("出水pH值6.5~8.5", &["between 6.5..8.5 pH -"]),
        ("工作温度不低于-30摄氏度", &[">= -30 ℃ -"]),
        ("可在零下20℃正常启动", &[">= -20 ℃ -"]),
        ("储存温度零下10-20℃", &["between -20..-10 ℃ -"]),
        ("出水pH值不低于6.5", &[">= 6.5 pH -"]),
        ("年产量约为500吨，合格率为98%，装机规模达50千瓦", &[">= 500 吨 -", ">= 98 % -", ">= 50 kW -"]),
        // Units.
        ("处理能力达到500吨/天", &[">= 500 吨/天 -"]),
        ("示范面积不少于2000平方米", &[">= 2000 m² -"]),
        ("日处理污水1万m3", &[">= 10000 m³ -"]),
        ("储能系统容量不低于100千瓦时，功率不低于50千瓦", &[">= 100 kWh -", ">= 50 kW -"]),
        ("输电距离超过100公里，管网长度不少于5千米", &["> 100 km -", ">= 5 km -"]),
        ("响应时间不超过3秒，巡检间隔不超过2小时", &["<= 3 s -", "<= 2 h -"]),
        ("装机容量10 MWp", &[">= 10 MWp -"]),
        ("吞吐量不低于10 Gbps，数据量不少于1TB", &[">= 10 Gbps -", ">= 1 TB -"]),
        ("衰减率≤2%/年，培训人员200人次/年", &["<= 2 %/年 -", ">= 200 人次/年 -"]),
        ("单位产品能耗降低至0.8吨标煤/吨以下", &["<= 0.8 吨标煤/吨 -"]),
        ("服务企业不少于20家次", &[">= 20 家次 -"]),
        ("研发新产品3个(种)", &[">= 3 个 -"]),
        ("开发出样机1台(套)", &[">= 1 台 -"]),
        ("新增示范栏舍30樽", &[">= 30 樽 -"]),
        // Relative changes and absolute targets.
        ("成本降低20%以上", &[">= 20 % decrease"]),
        ("能耗下降15%", &[">= 15 % decrease"]),
        ("效率提高1倍以上", &[">= 1 倍 increase"]),
        ("提升10个百分点", &[">= 10 个百分点 increase"]),
        ("降低生产成本15%-20%", &["between 15..20 % decrease"]),
        ("亩产提高15%，化肥减量20%，节水30%以上", &[">= 15 % increase", ">= 20 % decrease", ">= 30 % decrease"]),
        ("农民人均增收2000元", &[">= 2000 元 increase"]),
        ("病床周转率提升20%，平均住院日缩短1天", &[">= 20 % increase", ">= 1 天 decrease"]),
        ("降低30%以上的能耗", &[">= 30 % decrease"]),
        ("产量增幅不低于8%", &[">= 8 % increase"]),
        ("产值年增长率不低于10%", &[">= 10 % -"]),
        ("检测时间缩短至30分钟以内", &["<= 30 min -"]),
        ("降低能耗至50 kWh/t以下", &["<= 50 kWh/t -"]),
        ("使产品合格率提高到98%以上", &[">= 98 % -"]),
        ("提高产品合格率到99%", &[">= 99 % -"]),
        ("合格率由目前的60%提高到80%", &[">= 80 % -"]),
        ("收率提高到85%以上，杂质含量低于0.1%", &[">= 85 % -", "< 0.1 % -"]),
        // Tolerances and conditions.
        ("误差不超过±0.5℃", &["<= 0.5 ℃ -"]),
        ("定位精度达到±0.1mm", &["<= 0.1 mm -"]),
        ("在25℃条件下，电池循环寿命不少于3000次", &[">= 3000 次 - cond"]),
        ("在镁锂比大于50的条件下，分离因子大于30", &["> 30 null - cond"]),
        ("循环寿命≥5000次（容量保持率≥80%）", &[">= 5000 次 - cond"]),
        ("-20℃放电容量保持率不低于85%", &[">= 85 % - cond"]),
        ("1C倍率下放电容量不低于150 mAh/g", &[">= 150 mAh/g -"]),
        ("25℃下循环寿命≥1000次，能量密度不低于400 Wh/kg", &[">= 1000 次 - cond", ">= 400 Wh/kg -"]),
        // Count first, noun after; nouns between the unit and 以上.
        ("建设2个示范基地", &[">= 2 个 -"]),
        ("覆盖3个县以上", &[">= 3 个 -"]),
        ("不少于3家企业", &[">= 3 家 -"]),
        ("二级以上医院3家", &[">= 3 家 -"]),
        // List markers, names, dates, references, requirements: not targets.
        ("(1)研发1类新药1个", &[">= 1 个 -"]),
        ("1. 建立数据库1个", &[">= 1 个 -"]),
        ("①入组患者不少于200例", &[">= 200 例 -"]),
        ("建设5G基站10个，PM2.5浓度下降20%，CO2排放减少30%", &[">= 10 个 -", ">= 20 % decrease", ">= 30 % decrease"]),
        ("2025年12月底前完成中试，详见附件2", &[]),
        ("2026年11月30日前提交总结报告", &[]),
        ("3年内建成示范基地2个", &[">= 2 个 -"]),
        ("资助额度不超过150万元，拟支持不超过1个项目，驻外时间不少于6个月", &[]),
        ("工业4.0时代、十四五期间、统一标准、一体化、第一批、一级标准、3D打印", &[]),
        ("出水水质达到《城镇污水处理厂污染物排放标准》(GB18918-2002)一级A标准", &[]),
        ("满足GB/T 19001-2016及ISO 9001要求，COVID-19检测", &[]),
        ("投入产出比1:5，每天9:00开放，占比1/3", &[]),
        ("开发一种新型检测装置", &[]),
        ("分离因子大于2000，截至2025，2024-2026年", &["> 2000 null -"]),
        // Whole phrases from other fields.
        (
            "开发一种新型检测装置，获得医疗器械注册证1项，完成临床样本检测1000例，灵敏度≥95%、特异性≥90%",
            &[">= 1 项 -", ">= 1000 例 -", ">= 95 % -", ">= 90 % -"],
        ),
        (
            "培养博士、硕士研究生不少于10名，其中博士不少于3名；举办培训班2期，培训基层技术人员500人次以上",
            &[">= 10 名 -", ">= 3 名 -", ">= 2 期 -", ">= 500 人次 -"],
        ),
        (
            "项目执行期内，申请发明专利不少于5项(其中授权2项)，制定行业标准1项，形成技术规范(草案)1套",
            &[">= 5 项 - cond", ">= 1 项 -", ">= 1 套 -"],
        ),
        ("3年内建成示范基地2个，辐射带动周边农户1000户以上", &[">= 2 个 -", ">= 1000 户 -"]),
        ("碳排放强度下降18%，碳中和技术2项", &[">= 18 % decrease", ">= 2 项 -"]),
        ("每年举办学术会议1次，年处理秸秆5万吨以上", &[">= 1 次 -", ">= 50000 吨 -"]),
    ];

    #[test]
    fn table_of_wordings() {
        let mut failures = Vec::new();
        for (text, want) in CASES {
            let got = quantities(text);
            if got != *want {
                failures.push(format!("{text}\n   want {want:?}\n    got {got:?}"));
            }
        }
        assert!(failures.is_empty(), "{} of {} cases differ:\n{}", failures.len(), CASES.len(), failures.join("\n"));
    }

    #[test]
    fn deliverables_and_nothing() {
        assert_eq!(
            everything("开发适用于企业的智能诊断技术并建立远程运维平台；结合工作实际"),
            ["deliverable 智能诊断技术", "deliverable 远程运维平台"]
        );
        assert_eq!(everything("2026年11月30日前提交总结报告"), ["deliverable 总结报告"]);
        assert_eq!(everything("挖掘技术需求不少于2项并形成建议报告"), [">= 2 项 -", "deliverable 建议报告"]);
        assert_eq!(
            everything("构建高效的育种技术体系并选育新品种2个"),
            ["deliverable 高效的育种技术体系", ">= 2 个 -"]
        );
        assert!(everything("结合工作实际，达到国际先进水平").is_empty());
        assert!(everything("").is_empty());
    }

    #[test]
    fn metrics_read_well() {
        let metric = |text: &str| parse(text).into_iter().next().map(|i| i.metric).unwrap_or_default();
        assert_eq!(metric("申请发明专利3项以上"), "发明专利");
        assert_eq!(metric("建设2个示范基地"), "示范基地");
        assert_eq!(metric("合格率由目前的60%提高到80%"), "合格率");
        assert_eq!(metric("节水30%以上"), "节水");
        assert_eq!(metric("并降低水肥施用10%"), "水肥施用");
        assert_eq!(metric("(1)研发1类新药1个"), "1类新药");
    }

    #[test]
    fn sources_are_exact_slices() {
        let text = "整体花期延长15%和降低水肥施用10%的优质花卉新品种不少于2种";
        let sources: Vec<String> = parse(text).into_iter().map(|i| i.source).collect();
        assert_eq!(sources, ["整体花期延长15%", "降低水肥施用10%", "优质花卉新品种不少于2种"]);
    }

    #[test]
    fn confidence_marks_guesses() {
        let conf = |text: &str| parse(text).first().map_or(f64::NAN, |i| i.confidence);
        assert_eq!(conf("发酵产量预测精度不低于95%"), 1.0);
        assert_eq!(conf("繁育种苗10万株"), 0.9);
        assert!(conf("浓度低于0.5 mg/L") < 1.0);
        assert!(conf("新增示范栏舍30樽") < LOW_CONFIDENCE_FOR_TESTS);
        assert!(conf("不少于两项") < 0.9);
    }

    #[test]
    fn every_segment_ends_as_an_indicator_a_deliverable_or_unread() {
        let unread =
            |text: &str| -> Vec<String> { read(text).unread.iter().map(|u| text[u.clone()].to_owned()).collect() };
        // The words name a target but hold no number to read.
        let text = "示范推广种植面积显著扩大；结合工作实际，挖掘技术需求不少于2项";
        assert_eq!(unread(text), ["示范推广种植面积显著扩大"]);
        assert_eq!(read(text).indicators.len(), 1, "context before a target is not missed");
        // A phrase of a target is reported even when a target follows it in the same clause.
        assert_eq!(unread("示范推广种植面积显著扩大，培训人员10人次"), ["示范推广种植面积显著扩大"]);
        // A clause that gives nothing at all is reported whole.
        assert_eq!(unread("加强两地交流，促进合作。建立平台1个"), ["加强两地交流，促进合作"]);
        // Conditions, baselines and rules about choosing indicators are understood, not missed.
        assert!(unread("在25℃条件下，放电容量保持率不低于85%").is_empty());
        assert!(unread("合格率由60%提高到80%").is_empty());
        // Nothing of the 2024 guide is left unread.
        for text in [D1, D2, D3, D4, T2, T3] {
            assert_eq!(unread(text), Vec::<String>::new(), "{text}");
        }
    }

    #[test]
    fn a_letter_for_a_digit_is_quoted_as_a_suspect_never_read_as_a_target() {
        let suspects = |text: &str| -> Vec<(String, String)> {
            read(text)
                .suspects
                .iter()
                .map(|s| (text[s.segment.clone()].to_owned(), text[s.found.clone()].to_owned()))
                .collect()
        };
        for (text, found) in [
            ("培育新品种不少于I个", "I个"),
            ("申请发明专利l项", "l项"),
            ("发表论文O篇", "O篇"),
            ("示范推广种植2O000亩以上", "2O000亩"),
            ("申请专利不少于Ｉ个", "Ｉ个"),
            ("培养研究生lO名", "lO名"),
            ("建立示范基地I个", "I个"),
            ("建立I个示范基地", "I个"),
            ("形成技术标准(草案)I项", "I项"),
        ] {
            let reading = read(text);
            assert_eq!(suspects(text), [(text.to_owned(), found.to_owned())], "{text}");
            assert_eq!(reading.indicators, [], "{text}: neither a target nor a deliverable");
            assert!(reading.unread.is_empty(), "{text}: reported once, as a suspect");
        }
        // What else the segment says is still read, with its own metric.
        let text = "培育新品种I个以上、推广面积1000亩";
        assert_eq!(suspects(text), [(text.to_owned(), "I个".to_owned())]);
        assert_eq!(everything(text), [">= 1000 亩 -"]);
        assert_eq!(parse(text)[0].metric, "推广面积");
        // Letters of a word, Roman numerals naming a phase, class or type, and ordinals are no digits.
        for text in [
            "发表SCI论文2篇",
            "开发AI模型1个",
            "完成I期临床试验2项",
            "获得II类医疗器械注册证1项",
            "研制I型样机1台",
            "在Cell等期刊发表论文3篇",
            "建设5G基站2个",
            "遴选第I批示范点2个",
        ] {
            assert_eq!(suspects(text), [], "{text}");
            assert_eq!(read(text).indicators.len(), 1, "{text}");
        }
        for text in [D1, D2, D3, D4, T2, T3] {
            assert_eq!(suspects(text), [], "{text}");
        }
    }

    #[test]
    fn a_metric_names_what_is_counted_and_doubtful_shapes_are_flagged() {
        let first = |text: &str| parse(text).into_iter().next().unwrap();
        let counted = first("接入不少于20家医疗机构");
        assert_eq!((counted.metric.as_str(), counted.unit.as_deref()), ("医疗机构", Some("家")));
        assert!(counted.confidence >= LOW_CONFIDENCE_FOR_TESTS, "{counted:?}");
        assert!(counted.source.ends_with("医疗机构"), "the source reaches the noun: {counted:?}");
        for doubtful in ["接入不少于20家", "揭示2-3个关键调控机制", "建立（省级）示范基地不少于3个"]
        {
            let i = first(doubtful);
            assert!(i.confidence < LOW_CONFIDENCE_FOR_TESTS, "{doubtful}: {i:?}");
        }
        // The same shapes without the doubt stay sure.
        assert!(first("开发科普课程3-5门").confidence >= LOW_CONFIDENCE_FOR_TESTS);
        assert!(first("建立省级示范基地不少于3个").confidence >= LOW_CONFIDENCE_FOR_TESTS);
    }

    /// Marker vocabulary for the fuzz tests: the words the parser reacts to.
    const VOCAB: &[&str] = &[
        "1",
        "2",
        "0",
        "95",
        ".",
        "5",
        ",",
        "000",
        "万",
        "亿",
        "千万",
        "不少于",
        "以上",
        "以下",
        "、",
        "(",
        ")",
        "（",
        "）",
        "%",
        "-",
        "~",
        "—",
        "至",
        "到",
        "两",
        "十",
        "一",
        "二〇",
        "年",
        "月",
        "日",
        "个",
        "项",
        "种",
        "人次",
        "pH",
        "m2",
        "m^",
        "L/m²·h",
        "°C",
        " ",
        "，",
        "；",
        "：",
        ":",
        "\n",
        "提高",
        "降低到",
        "降低",
        "的",
        "指标",
        "“",
        "”",
        "《",
        "》",
        "第",
        "附件",
        "±",
        "≥",
        "<",
        "10^",
        "×",
        "余",
        "内",
        "条件下",
        "A",
        "G",
        "PM",
        "率",
        "并",
        "且",
        "和",
        "形成",
        "开发",
        "报告",
        "于",
        "在",
        "为",
        "达到",
        "①",
        "/",
        "^",
        "⁻",
        "⁶",
        "资助",
        "均",
        "人",
        "吨",
        "樽",
    ];

    fn from_vocab(picks: &[usize]) -> String {
        picks.iter().map(|&i| VOCAB[i % VOCAB.len()]).collect()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(crate::fuzz_cases(200)))]

        #[test]
        fn fuzz_arbitrary_text_never_panics(text in ".{0,400}") {
            checked(&text);
        }

        #[test]
        fn fuzz_marker_soup_never_panics(picks in proptest::collection::vec(0usize..1000, 0..400)) {
            checked(&from_vocab(&picks));
        }

        #[test]
        fn fuzz_repeated_marker_soup_never_panics(picks in proptest::collection::vec(0usize..1000, 1..40), times in 10usize..300) {
            checked(&from_vocab(&picks).repeat(times));
        }
    }

    /// A megabyte of marker words in a fixed pseudo-random order.
    fn soup(bytes: usize) -> String {
        let mut text = String::with_capacity(bytes + 16);
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        while text.len() < bytes {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            text.push_str(VOCAB[(state % VOCAB.len() as u64) as usize]);
        }
        text
    }

    /// A megabyte of mixed adversarial text reads soundly. How long it takes (linear in its length)
    /// is measured by `cargo bench --bench guide_parse`, not asserted here: a wall-clock bound fails on
    /// a loaded machine and proves nothing on an idle one.
    #[test]
    fn one_megabyte_of_marker_soup_reads_soundly() {
        let text = soup(1 << 20);
        let out = parse(&text);
        assert!(!out.is_empty());
        assert!(out.iter().all(|i| text.contains(i.source.as_str()) && i.confidence.is_finite()));
    }

    /// Pathological shapes, each a megabyte, read soundly (their speed: `cargo bench --bench
    /// guide_parse`, which runs the same shapes).
    #[test]
    fn one_megabyte_pathological_shapes_read_soundly() {
        const MB: usize = 1 << 20;
        let shapes = [
            "不少于10万株以上、(",
            "1",
            "1 ",
            "1、",
            "1个、",
            "(",
            "((((]]]]",
            "不少于",
            "一",
            "两项",
            "，",
            "提高2-3倍(镁锂比大于50体系)，pH2-13，20-60°C以下；",
            "1,000,",
            "的的的",
            "指标至少2项",
            "“",
            "10^",
            "-",
            "开发",
            "开发报告并",
            "5G",
            "1.1.1.",
        ];
        for shape in shapes {
            let text = shape.repeat(MB / shape.len() + 1);
            assert!(parse(&text).iter().all(|i| i.confidence.is_finite()), "{shape:?}");
        }
    }
}
