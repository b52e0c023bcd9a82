//! Topics (专题) and their directions (方向): their headings and labelled fields gathered line by
//! line, then turned into the guide's topics with a warning for what is missing or unread.

use super::dates::period;
use super::fields::{annex_reference, funding_cap, max_projects};
use super::lines::{Field, Kind, classify, starts_with_list_marker};
use crate::domain::guide::indicator;
use crate::domain::guide::model::{Direction, Problem, Topic, Warning, direction_name};
use crate::domain::guide::text::Line;

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
/// Reads the topics and their directions from the guide's body (the lines before the annexes),
/// adding a warning for each field that is missing or cannot be read.
pub(super) fn parse_topics(lines: &[Line], warnings: &mut Vec<Warning>) -> Vec<Topic> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
