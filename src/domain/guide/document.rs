//! The structure of a call guide: document number, dates, topics (专题), directions (方向) and their
//! labelled fields (研究目标, 考核指标, 执行期限, 经费额度, 申报主体要求), then the annex tables.
//!
//! The guide is read as a sequence of cleaned lines. Headings and field labels start lines; any
//! other line continues whatever came before it, because PDF text breaks lines (and even numbers)
//! anywhere. Nothing here depends on the wording of one particular year's guide.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use super::indicator;
use super::model::{
    CooperationRegion, Direction, Guide, PairedRegion, Period, Problem, Topic, Warning, Window, direction_name,
};
use super::text::{self, Line};
use crate::domain::timestamp::in_beijing;

/// The labelled fields of a topic or direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
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
enum Kind {
    Topic(u32, String),
    Direction(u32, String),
    Label(Field, String),
    /// 一、征集范围 / 二、申报要求: a top-level section of the notice.
    Section,
    /// 附件1 on a line of its own: the annexes start.
    Annex(u32),
    Text,
}

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

/// A topic or direction being read.
#[derive(Debug, Default)]
struct Block {
    number: Option<u32>,
    title: String,
    /// Whether the title may still continue on the next line (a wrapped heading).
    title_open: bool,
    line: usize,
    goal: String,
    content: String,
    indicators: String,
    execution: String,
    funding: String,
    applicant: String,
    field_line: [usize; 6],
    /// Where each source line starts in `indicators`: (byte offset, line number), so that words
    /// of the 考核指标 that cannot be read are reported at their own line.
    indicator_lines: Vec<(usize, usize)>,
}

impl Block {
    fn new(number: Option<u32>, title: String, line: usize) -> Self {
        Block { number, title, title_open: true, line, ..Block::default() }
    }

    fn field_mut(&mut self, field: Field) -> Option<&mut String> {
        Some(match field {
            Field::Goal => &mut self.goal,
            Field::Content => &mut self.content,
            Field::Indicators => &mut self.indicators,
            Field::Execution => &mut self.execution,
            Field::Funding => &mut self.funding,
            Field::Applicant => &mut self.applicant,
            Field::Other => return None,
        })
    }

    fn has_fields(&self) -> bool {
        [&self.goal, &self.content, &self.indicators, &self.execution, &self.funding, &self.applicant]
            .iter()
            .any(|f| !f.is_empty())
    }
}

/// Appends a line to a field's text: a new paragraph or list item gets a line break, a wrapped
/// line is joined directly. (A PDF breaks lines inside words and units, "p|H2-13", and the Latin
/// words of a Chinese guide are units and abbreviations, so no space is added between them.)
fn append(target: &mut String, text: &str) {
    if !target.is_empty() && (target.ends_with(['。', '；', '！', '？', '：', ';']) || starts_with_list_marker(text))
    {
        target.push('\n');
    }
    target.push_str(text);
}

/// `1.`, `1、`, `(1)`, `①` at the start of a line (but not `0.5小时`, a number wrapped onto the line).
fn starts_with_list_marker(text: &str) -> bool {
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    let after = text.chars().nth(digits);
    let then = text.chars().nth(digits + 1);
    (digits > 0 && digits < 3 && matches!(after, Some('.' | '、' | ')')) && !then.is_some_and(|c| c.is_ascii_digit()))
        || (text.starts_with('(') && text.chars().nth(1).is_some_and(|c| c.is_ascii_digit() || is_cn_digit(c)))
        || text.starts_with(|c: char| ('\u{2460}'..='\u{2473}').contains(&c))
}

fn parse_topics(lines: &[Line], warnings: &mut Vec<Warning>) -> Vec<Topic> {
    let mut topics: Vec<(Block, Vec<Block>)> = Vec::new();
    let mut field: Option<Field> = None;
    for line in lines {
        let kind = classify(&line.text);
        if topics.is_empty() && !matches!(kind, Kind::Topic(..)) {
            continue;
        }
        match kind {
            Kind::Topic(number, title) => {
                topics.push((Block::new(Some(number), title, line.number), Vec::new()));
                field = None;
            }
            Kind::Section | Kind::Annex(_) => break,
            Kind::Direction(number, title) => {
                if let Some((_, directions)) = topics.last_mut() {
                    directions.push(Block::new(Some(number), title, line.number));
                }
                field = None;
            }
            Kind::Label(label, rest) => {
                if let Some(block) = current_block(&mut topics) {
                    block.title_open = false;
                    if let Some(slot) = field_index(label).filter(|slot| block.field_line[*slot] == 0) {
                        block.field_line[slot] = line.number;
                    }
                    append_field(block, label, &rest, line.number);
                }
                field = Some(label);
            }
            Kind::Text => {
                let Some(block) = current_block(&mut topics) else { continue };
                match field {
                    Some(label) => append_field(block, label, &line.text, line.number),
                    None if block.title_open && continues_title(&block.title, &line.text) => {
                        block.title.push_str(&line.text);
                    }
                    None => block.title_open = false,
                }
            }
        }
    }
    topics.into_iter().map(|(topic, directions)| finish_topic(topic, directions, warnings)).collect()
}

/// Appends a line to a field, remembering where the 考核指标 lines start.
fn append_field(block: &mut Block, field: Field, text: &str, line: usize) {
    if field == Field::Indicators {
        block.indicator_lines.push((block.indicators.len(), line));
    }
    if let Some(target) = block.field_mut(field) {
        append(target, text);
    }
}

fn current_block(topics: &mut [(Block, Vec<Block>)]) -> Option<&mut Block> {
    let (topic, directions) = topics.last_mut()?;
    Some(directions.last_mut().unwrap_or(topic))
}

fn field_index(field: Field) -> Option<usize> {
    match field {
        Field::Goal => Some(0),
        Field::Content => Some(1),
        Field::Indicators => Some(2),
        Field::Execution => Some(3),
        Field::Funding => Some(4),
        Field::Applicant => Some(5),
        Field::Other => None,
    }
}

/// A heading wrapped by the PDF continues on a short line without sentence punctuation.
fn continues_title(title: &str, next: &str) -> bool {
    !title.ends_with(['。', '；', '：']) && next.chars().count() <= 30 && !next.contains(['。', '，', '；', '：'])
}

/// Turns a topic and its directions into the result; a topic without directions becomes its own
/// single, unnumbered direction, and directions inherit what the topic states for all of them.
fn finish_topic(topic: Block, directions: Vec<Block>, warnings: &mut Vec<Warning>) -> Topic {
    let number = topic.number.unwrap_or_default();
    let directions = if directions.is_empty() {
        let mut only = Block::new(None, topic.title.clone(), topic.line);
        inherit(&mut only, &topic);
        vec![finish_direction(only, number, warnings)]
    } else {
        directions
            .into_iter()
            .map(|mut direction| {
                inherit(&mut direction, &topic);
                finish_direction(direction, number, warnings)
            })
            .collect()
    };
    Topic { number, title: topic.title, line: topic.line, directions }
}

fn inherit(direction: &mut Block, topic: &Block) {
    for (mine, theirs, slot) in [
        (&mut direction.goal, &topic.goal, 0),
        (&mut direction.content, &topic.content, 1),
        (&mut direction.indicators, &topic.indicators, 2),
        (&mut direction.execution, &topic.execution, 3),
        (&mut direction.funding, &topic.funding, 4),
        (&mut direction.applicant, &topic.applicant, 5),
    ] {
        if mine.is_empty() && !theirs.is_empty() {
            mine.clone_from(theirs);
            direction.field_line[slot] = topic.field_line[slot];
            if slot == 2 {
                direction.indicator_lines.clone_from(&topic.indicator_lines);
            }
        }
    }
}

fn finish_direction(block: Block, topic: u32, warnings: &mut Vec<Warning>) -> Direction {
    let name = direction_name(topic, block.number);
    let mut warn = |slot: usize, problem: Problem| {
        let line = if block.field_line[slot] > 0 { block.field_line[slot] } else { block.line };
        warnings.push(Warning { line, problem });
    };
    if !block.has_fields() {
        warn(0, Problem::NoFields { direction: name.clone() });
    }
    let execution = period(&block.execution);
    if block.execution.is_empty() {
        warn(3, Problem::NoExecution { direction: name.clone() });
    } else if execution.is_none() {
        let text = block.execution.trim_end_matches(['。', '；', ';']).to_owned();
        warn(3, Problem::BadExecution { direction: name.clone(), text });
    }
    let funding_cap_wan_yuan = funding_cap(&block.funding);
    if funding_cap_wan_yuan.is_none() && !block.funding.is_empty() {
        warn(4, Problem::NoFundingCap { direction: name.clone() });
    }
    let reading = indicator::read(&block.indicators);
    if reading.indicators.is_empty() {
        warn(2, Problem::NoIndicators { direction: name.clone() });
    }
    // Words left unread and numbers with a letter for a digit, in the order the text has them.
    let quote = |range: &std::ops::Range<usize>| block.indicators.get(range.clone()).unwrap_or_default().to_owned();
    let mut missed: Vec<(usize, Problem)> = reading
        .unread
        .iter()
        .map(|unread| (unread.start, Problem::Unread { direction: name.clone(), text: quote(unread) }))
        .chain(reading.suspects.iter().map(|suspect| {
            let problem = Problem::LetterForDigit {
                direction: name.clone(),
                text: quote(&suspect.segment),
                found: quote(&suspect.found),
            };
            (suspect.found.start, problem)
        }))
        .collect();
    missed.sort_by_key(|(at, _)| *at);
    for (at, problem) in missed {
        let line = block.indicator_lines.iter().rev().find(|(start, _)| *start <= at).map(|(_, line)| *line);
        warnings.push(Warning { line: line.unwrap_or(block.line), problem });
    }
    let indicators = reading.indicators;
    let applicant = Some(block.applicant.clone()).filter(|a| !a.is_empty());
    Direction {
        number: block.number,
        title: block.title,
        execution,
        funding_cap_wan_yuan,
        max_projects: max_projects(&block.funding),
        recommendation_letter: applicant.as_deref().and_then(annex_reference),
        applicant_requirement: applicant,
        research_goal: Some(block.goal).filter(|g| !g.is_empty()),
        research_content: Some(block.content).filter(|c| !c.is_empty()),
        indicators_text: block.indicators,
        line: block.line,
        indicators,
    }
}

fn classify(text: &str) -> Kind {
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

fn is_cn_digit(c: char) -> bool {
    "零一二三四五六七八九十两".contains(c)
}

/// Chinese numerals up to 99 (一, 十二, 二十三), as used for topic and direction numbers.
pub fn chinese_numeral(text: &str) -> Option<u32> {
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

/// A line that is only a date: the signature's date.
fn standalone_date(text: &str) -> Option<NaiveDate> {
    let (date, end) = date_at(text, 0)?;
    (end == text.len()).then_some(date)
}

/// Every date (with its time, if one follows) in a text, in order.
fn datetimes(text: &str) -> Vec<(NaiveDateTime, bool)> {
    let mut found = Vec::new();
    let mut from = 0;
    while from < text.len() {
        let Some(start) = text[from..].find(|c: char| c.is_ascii_digit()).map(|p| p + from) else { break };
        match date_at(text, start) {
            Some((date, end)) => {
                let (time, end) = time_at(text, end).map_or((None, end), |(t, e)| (Some(t), e));
                found.push((date.and_time(time.unwrap_or_default()), time.is_some()));
                from = end;
            }
            None => {
                from = start + text[start..].find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len() - start);
            }
        }
    }
    found
}

/// Reads a number of ASCII digits at `at`, returning it and the byte after it.
fn number_at(text: &str, at: usize, max_digits: usize) -> Option<(u32, usize)> {
    let digits = text.get(at..)?.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > max_digits {
        return None;
    }
    Some((text[at..at + digits].parse().ok()?, at + digits))
}

/// `2024年12月1日`, `2024-12-01`, `2024.12.1`, `2024/12/1`, or `2024年12月` (the first day).
fn date_at(text: &str, at: usize) -> Option<(NaiveDate, usize)> {
    let (year, after_year) = number_at(text, at, 4).filter(|(y, _)| *y >= 1900)?;
    let rest = &text[after_year..];
    let (separator, month_at) = if rest.starts_with('年') {
        ('年', after_year + '年'.len_utf8())
    } else {
        let c = rest.chars().next().filter(|c| matches!(c, '-' | '.' | '/'))?;
        (c, after_year + 1)
    };
    let (month, after_month) = number_at(text, month_at, 2)?;
    let after_month_text = &text[after_month..];
    let day_at = if separator == '年' {
        after_month_text.strip_prefix('月').map(|_| after_month + '月'.len_utf8())?
    } else {
        after_month_text.strip_prefix(separator).map(|_| after_month + 1)?
    };
    match number_at(text, day_at, 2) {
        Some((day, after_day)) => {
            let end =
                if text[after_day..].starts_with(['日', '号']) { after_day + '日'.len_utf8() } else { after_day };
            Some((NaiveDate::from_ymd_opt(year as i32, month, day)?, end))
        }
        None if separator == '年' => Some((NaiveDate::from_ymd_opt(year as i32, month, 1)?, day_at)),
        None => None,
    }
}

/// `9:00`, `16:30`, `9时`, `16时30分`, `下午4点半`, right after a date.
fn time_at(text: &str, at: usize) -> Option<(NaiveTime, usize)> {
    let mut at = at;
    let mut afternoon = false;
    for prefix in ["上午", "下午", "晚上", " "] {
        if text[at..].starts_with(prefix) {
            afternoon = prefix != "上午" && prefix != " ";
            at += prefix.len();
        }
    }
    let (hour, after_hour) = number_at(text, at, 2)?;
    let rest = &text[after_hour..];
    let (minute, end) = if let Some(stripped) = rest.strip_prefix(':') {
        let (m, e) = number_at(text, after_hour + 1, 2)?;
        let _ = stripped;
        (m, e)
    } else if let Some(after) = rest.strip_prefix(['时', '点']) {
        let base = after_hour + '时'.len_utf8();
        if after.starts_with('半') {
            (30, base + '半'.len_utf8())
        } else if let Some((m, e)) = number_at(text, base, 2) {
            let e = if text[e..].starts_with('分') { e + '分'.len_utf8() } else { e };
            (m, e)
        } else {
            (0, base)
        }
    } else {
        return None;
    };
    let hour = if afternoon && hour < 12 { hour + 12 } else { hour };
    Some((NaiveTime::from_hms_opt(hour, minute, 0)?, end))
}

/// The sentence that gives the application deadline, with the opening before it.
fn application_window(paragraphs: &[String]) -> Option<Window> {
    const CUES: [&str; 5] = ["截止", "起始时间", "受理时间", "申报时间", "填报时间"];
    paragraphs.iter().filter(|p| CUES.iter().any(|cue| p.contains(cue))).find_map(|paragraph| {
        let found = datetimes(paragraph);
        let (first, last) = (found.first()?, found.last()?);
        if found.len() < 2 {
            return None;
        }
        let opens = first.0;
        // A deadline without a time means the end of that day.
        let closes = if last.1 { last.0 } else { last.0.date().and_hms_opt(23, 59, 0)? };
        // A Chinese guide states its times in Beijing time, whatever zone the tracker shows.
        Some(Window { opens: in_beijing(opens), closes: in_beijing(closes) })
    })
}

/// 2024年12月1日至2026年11月30日; a month alone runs from its first to its last day.
fn period(text: &str) -> Option<Period> {
    let found = datetimes(text);
    let (start, end) = (found.first()?.0.date(), found.get(1)?.0.date());
    let month_only = |t: &str| !t.contains('日') && !t.contains('号') && t.contains('月');
    let end = if month_only(text) { last_day_of_month(end)? } else { end };
    (end >= start).then_some(Period { start, end })
}

fn last_day_of_month(date: NaiveDate) -> Option<NaiveDate> {
    let (year, month) = if date.month0() == 11 { (date.year() + 1, 1) } else { (date.year(), date.month() + 1) };
    NaiveDate::from_ymd_opt(year, month, 1)?.pred_opt()
}

use chrono::Datelike;

/// Amounts of money in a text, in 万元, with the byte where each starts.
fn amounts_wan_yuan(text: &str) -> Vec<(usize, f64)> {
    let mut found = Vec::new();
    for (index, _) in text.match_indices('元') {
        let head = &text[..index];
        let (scale, head) = if let Some(h) = head.strip_suffix('万') {
            (1.0, h)
        } else if let Some(h) = head.strip_suffix('亿') {
            (10_000.0, h)
        } else {
            (0.0001, head)
        };
        let digits = head.chars().rev().take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ',').count();
        let start = head.char_indices().rev().nth(digits.saturating_sub(1)).map_or(head.len(), |(i, _)| i);
        if digits == 0 {
            continue;
        }
        if let Ok(value) = head[start..].replace(',', "").parse::<f64>() {
            found.push((start, value * scale));
        }
    }
    found
}

/// The cap per project: the amount after 每项/单项/资助额度 if the text names one, else the last.
fn funding_cap(text: &str) -> Option<f64> {
    let amounts = amounts_wan_yuan(text);
    const PER_PROJECT: [&str; 6] = ["每项", "单项", "每个项目", "资助额度", "资助金额", "资助强度"];
    amounts
        .iter()
        .find(|(start, _)| {
            let before: String = text[..*start].chars().rev().take(10).collect::<Vec<_>>().into_iter().rev().collect();
            PER_PROJECT.iter().any(|cue| before.contains(cue))
        })
        .or(amounts.last())
        .map(|(_, value)| *value)
}

/// 拟支持不超过15个项目 / 支持1项 / 支持项目数不超过2项.
fn max_projects(text: &str) -> Option<u32> {
    let at = text.find("支持")?;
    let rest = &text[at..];
    let start = rest.find(|c: char| c.is_ascii_digit())?;
    // The number must belong to the same clause as 支持.
    if rest[..start].contains(['，', '。', '；']) {
        return None;
    }
    let (count, end) = number_at(rest, start, 4)?;
    rest[end..].starts_with(['个', '项']).then_some(count)
}

/// The annex a requirement points to (推荐函（附件2）→ 附件2).
fn annex_reference(text: &str) -> Option<String> {
    let at = text.find("附件")?;
    let (number, _) = number_at(text, at + "附件".len(), 2)?;
    Some(format!("附件{number}"))
}

/// Provincial-level divisions, full names first so that 新疆维吾尔自治区 wins over 新疆.
const PROVINCES: [&str; 67] = [
    "新疆生产建设兵团",
    "新疆维吾尔自治区",
    "广西壮族自治区",
    "宁夏回族自治区",
    "内蒙古自治区",
    "西藏自治区",
    "香港特别行政区",
    "澳门特别行政区",
    "黑龙江省",
    "北京市",
    "天津市",
    "上海市",
    "重庆市",
    "河北省",
    "山西省",
    "辽宁省",
    "吉林省",
    "江苏省",
    "浙江省",
    "安徽省",
    "福建省",
    "江西省",
    "山东省",
    "河南省",
    "湖北省",
    "湖南省",
    "广东省",
    "海南省",
    "四川省",
    "贵州省",
    "云南省",
    "陕西省",
    "甘肃省",
    "青海省",
    "台湾省",
    "黑龙江",
    "内蒙古",
    "北京",
    "天津",
    "上海",
    "重庆",
    "河北",
    "山西",
    "辽宁",
    "吉林",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "海南",
    "四川",
    "贵州",
    "云南",
    "陕西",
    "甘肃",
    "青海",
    "台湾",
    "广西",
    "西藏",
    "宁夏",
    "新疆",
];

/// The byte where the earliest province name in `text` starts.
fn first_province(text: &str) -> Option<usize> {
    text.char_indices().map(|(i, _)| i).find(|&i| PROVINCES.iter().any(|p| text[i..].starts_with(p)))
}

/// The rows of the annex table (附件1): `新疆维吾尔自治区：特色农牧业、绿色低碳 西藏自治区：…`, with
/// the topic of each row. Table cells reach us with line breaks anywhere, so the annex is read as
/// one text and each entry is found by its `：` with a province (maybe with a city or county)
/// before it.
fn cooperation_regions(annexes: &[Line]) -> Vec<CooperationRegion> {
    let mut text = String::new();
    for line in annexes.iter().skip(1) {
        if matches!(classify(&line.text), Kind::Annex(_)) {
            break;
        }
        text.push_str(&line.text);
    }
    // Entries: (start of the region name, the colon after it, topic).
    let mut entries: Vec<(usize, usize, Option<u32>)> = Vec::new();
    let mut topic = None;
    for (colon, _) in text.match_indices('：') {
        let head_start = text[..colon]
            .rfind(['、', '：', '，', '。', '；', ')', '）'])
            .map_or(0, |i| i + text[i..].chars().next().map_or(1, char::len_utf8));
        let head = &text[head_start..colon];
        if let Some(rest) = head.rfind("专题").map(|i| &head[i + "专题".len()..]) {
            let digits: String = rest.chars().take_while(|c| c.is_ascii_digit() || is_cn_digit(*c)).collect();
            topic = digits.parse().ok().or_else(|| chinese_numeral(&digits)).or(topic);
            continue;
        }
        if let Some(offset) = first_province(head).filter(|&o| head[o..].chars().count() <= 14) {
            entries.push((head_start + offset, colon, topic));
        }
    }
    const STOPS: [&str; 4] = ["附件", "专题", "注：", "对口"];
    entries
        .iter()
        .enumerate()
        .map(|(index, &(start, colon, topic))| {
            let fields_start = colon + '：'.len_utf8();
            let mut fields_end = entries.get(index + 1).map_or(text.len(), |next| next.0).max(fields_start);
            if let Some(stop) = STOPS.iter().filter_map(|s| text[fields_start..fields_end].find(s)).min() {
                fields_end = fields_start + stop;
            }
            let fields = text[fields_start..fields_end]
                .split(['、', '，', ','])
                .map(|f| f.trim_matches(|c: char| c.is_whitespace() || c == '。'))
                .filter(|f| !f.is_empty())
                .map(str::to_owned)
                .collect();
            CooperationRegion { topic, region: text[start..colon].to_owned(), fields }
        })
        .collect()
}

/// The definition of 对口地区: `“对口地区”特指…地区：A（a、b），B；C（全境）；…`.
fn paired_regions(lines: &[Line]) -> Vec<PairedRegion> {
    // The definition reads 对口地区 (maybe in quotes) followed by 特指 / 是指 / 指.
    let defines = |text: &str| {
        text.match_indices("对口地区").any(|(at, word)| {
            let rest = text[at + word.len()..].trim_start_matches(['”', '"', '」', '’']);
            ["特指", "是指", "系指", "指"].iter().any(|verb| rest.starts_with(verb))
        })
    };
    let Some(first) = lines.iter().position(|l| defines(&l.text)) else {
        return Vec::new();
    };
    // A PDF wraps the definition over several lines; it ends with the sentence.
    let mut definition = String::new();
    for line in &lines[first..] {
        definition.push_str(&line.text);
        if line.text.contains('。') || matches!(classify(&line.text), Kind::Annex(_)) {
            break;
        }
    }
    let after_definition = &definition[definition.find("对口地区").unwrap_or(0)..];
    let Some((_, list)) = after_definition.split_once('：') else { return Vec::new() };
    let list = list.split('。').next().unwrap_or(list);
    split_outside_brackets(list, &['；', '，', ';'])
        .into_iter()
        .filter_map(|item| {
            let item = item.trim();
            let (name, parts) = match item.find(['(', '（']) {
                Some(open) => {
                    let inner = item[open..].trim_matches(['(', ')', '（', '）']);
                    (&item[..open], inner.split('、').map(|p| p.trim().to_owned()).filter(|p| !p.is_empty()).collect())
                }
                None => (item, Vec::new()),
            };
            (!name.is_empty()).then(|| PairedRegion { region: name.to_owned(), parts })
        })
        .collect()
}

/// Splits at any of `separators` that is not inside brackets.
fn split_outside_brackets<'a>(text: &'a str, separators: &[char]) -> Vec<&'a str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (i, c) in text.char_indices() {
        match c {
            '(' | '（' => depth += 1,
            ')' | '）' => depth = (depth - 1).max(0),
            c if depth == 0 && separators.contains(&c) => {
                parts.push(&text[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
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

    #[test]
    fn document_numbers_in_any_bracket_style() {
        assert_eq!(doc_number("沪科指南〔2024〕42号").as_deref(), Some("沪科指南〔2024〕42号"));
        assert_eq!(doc_number("沪科指南 〔2025〕 7 号").as_deref(), Some("沪科指南〔2025〕7号"));
        assert_eq!(doc_number("苏科计[2023]118号").as_deref(), Some("苏科计[2023]118号"));
        assert_eq!(doc_number("第〔2024〕号"), None);
    }

    #[test]
    fn dates_times_and_periods() {
        assert_eq!(
            period("2024年12月1日至2026年11月30日。").map(|p| (p.start.to_string(), p.end.to_string())),
            Some(("2024-12-01".into(), "2026-11-30".into()))
        );
        assert_eq!(period("2025年1月至2026年12月").map(|p| p.end.to_string()), Some("2026-12-31".into()));
        assert_eq!(period("2025-01-01至2024-01-01"), None, "an end before the start is refused");
        let window = application_window(&paragraphs(&text::lines(
            "项目网上填报起始时间为2024年11月14日9:00，截止时间（含申报单位网\n上审核提交）为2024年12月3\n日16:30。",
        )))
        .unwrap();
        assert_eq!(window.opens.to_rfc3339(), "2024-11-14T09:00:00+08:00");
        assert_eq!(window.closes.to_rfc3339(), "2024-12-03T16:30:00+08:00");
        let window =
            application_window(&paragraphs(&text::lines("申报受理时间为2025年3月1日上午9时至2025年3月20日下午4点半")))
                .unwrap();
        assert_eq!(window.closes.to_rfc3339(), "2025-03-20T16:30:00+08:00");
        assert_eq!(standalone_date("2024年11月6日"), NaiveDate::from_ymd_opt(2024, 11, 6));
        assert_eq!(standalone_date("2024年    月    日"), None);
    }

    #[test]
    fn funding_and_project_counts() {
        let text = "非定额资助，拟支持不超过15个项目，每项资助额度不超过50万元。";
        assert_eq!(funding_cap(text), Some(50.0));
        assert_eq!(max_projects(text), Some(15));
        assert_eq!(funding_cap("定额资助，每项200000元"), Some(20.0));
        assert_eq!(funding_cap("总经费不超过300万元，单项不超过100万元"), Some(100.0));
        assert_eq!(funding_cap("资助1.5亿元"), Some(15000.0));
        assert_eq!(max_projects("拟支持1项"), Some(1));
        assert_eq!(max_projects("支持方式：后补助，金额100万元"), None);
    }

    #[test]
    fn annex_regions_and_paired_regions() {
        let lines = text::lines(
            "附件1\n专题二：技 术协同 应用\t新疆维吾尔自治区：特色农\n牧业、绿色低碳 辽宁省大连市：生命健康、绿色能源\t附件 2\n专题三：能力提升 对口地区：相关领域\n注：“对口地区”特指本市对口支援、对口合作地区：新疆维吾尔自治区喀什四县（叶城县、莎车县），克拉玛依市；云南省（全境）；青海省果洛州。",
        );
        let regions = cooperation_regions(&lines);
        let names: Vec<_> = regions.iter().map(|r| (r.topic, r.region.as_str(), r.fields.len())).collect();
        assert_eq!(names, [(Some(2), "新疆维吾尔自治区", 2), (Some(2), "辽宁省大连市", 2)]);
        assert_eq!(regions[0].fields, ["特色农牧业", "绿色低碳"], "a cell wrapped by the PDF is joined");
        let paired = paired_regions(&lines);
        let names: Vec<_> = paired.iter().map(|p| p.region.as_str()).collect();
        assert_eq!(names, ["新疆维吾尔自治区喀什四县", "克拉玛依市", "云南省", "青海省果洛州"]);
        assert_eq!(paired[0].parts, ["叶城县", "莎车县"]);
    }

    #[test]
    fn wrapped_lines_join_and_list_items_stay_apart() {
        let mut text = String::new();
        append(&mut text, "示范推广种植20000");
        append(&mut text, "亩以上；");
        append(&mut text, "1. 技术效益指标");
        append(&mut text, "不超过");
        append(&mut text, "0.5小时");
        assert_eq!(text, "示范推广种植20000亩以上；\n1. 技术效益指标不超过0.5小时");
    }
}
