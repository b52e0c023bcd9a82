//! The word lists the reading matches around every number, and the indexes built from them.
//! Suffix and prefix matches always take the longest entry, so 不低于 wins over 低于.

use crate::domain::guide::index::{Index, unit_values};
use crate::domain::guide::model::{Change, Op};
use std::sync::OnceLock;

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
pub(super) const ABSOLUTE: &[(&str, Change)] = &[
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
pub(super) const FINDING_VERBS: &[&str] = &["揭示", "发现", "阐明", "阐释", "解析", "鉴定", "探明", "挖掘"];

/// Whether `s` is a verb and nothing else.
pub(super) fn is_verb(s: &str) -> bool {
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
pub(super) fn cn_numeral_in_word(prev: char) -> bool {
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
pub(super) fn has_words(s: &str) -> bool {
    s.chars().any(char::is_alphabetic)
}

/// Words that show that a phrase sets a target even when no number in it could be read, beside
/// the comparators and change words above (示范推广种植面积显著扩大).
const TARGET_WORDS: &[&str] = &["显著", "明显", "大幅", "有效", "以上", "以下", "以内"];

/// Whether a phrase sets a target: a digit, a comparator, or a word of change.
pub(super) fn sets_target(s: &str) -> bool {
    s.char_indices()
        .any(|(i, c)| c.is_ascii_digit() || s.get(i..).and_then(|rest| longest_prefix(rest, &lists().target)).is_some())
}

/// Words that mark a segment as a requirement on applicants or funding, not a target.
pub(super) const FUNDING: &[&str] = &["资助", "经费", "拟支持", "驻外", "自筹", "配套资金"];

/// Phrases after an amount that make it a test condition for the next target (在25℃条件下).
const CONDITION_MARKERS: &[&str] = &["条件下", "工况下", "环境下", "情况下", "状态下", "条件时", "体系中", "体系下"];

/// Counting units with which a quantity counts indicators themselves (至少2项).
pub(super) const INDICATOR_COUNTS: &[&str] = &["项", "个", "条", "类", "方面"];

/// The word lists indexed for matching at every number (built once).
pub(super) struct Lists {
    pub(super) comparators: Index<Op>,
    pub(super) absolute: Index<Change>,
    pub(super) changes_last: Index<Change>,
    pub(super) changes_first: Index<Change>,
    pub(super) change_nouns: Index<Change>,
    pub(super) fillers: Index<()>,
    pub(super) postfix: Index<Option<Op>>,
    pub(super) deliverable_verbs: Index<()>,
    pub(super) metric_verbs: Index<()>,
    pub(super) leading: Index<()>,
    pub(super) trailing: Index<()>,
    pub(super) section: Index<()>,
    pub(super) condition_markers: Index<()>,
    /// Every word the prefix scan reads, by last character: most numbers follow a noun, and one
    /// lookup here tells the scan to stop.
    pub(super) prefix_any: Index<()>,
    /// Every word that shows a phrase sets a target ([`sets_target`]), by first character.
    target: Index<()>,
}

pub(super) fn lists() -> &'static Lists {
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
pub(super) fn longest_prefix(s: &str, index: &Index<()>) -> Option<&'static str> {
    index.longest_prefix(s).map(|(w, ())| w)
}
