//! Directions as project registration looks them up: every direction with its guide and topic, for
//! choosing one in a form, and finding one from what staff type in a roster.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{directions, guides, topics};
use crate::domain::guide::model::Period;

/// A direction with what staff need to pick it.
#[derive(Debug, Clone)]
pub struct DirectionChoice {
    /// Id.
    pub id: i64,
    /// The guide's document number (文号).
    pub doc_number: String,
    /// The guide's title.
    pub guide_title: String,
    /// Topic number.
    pub topic_number: i32,
    /// Topic title.
    pub topic_title: String,
    /// Direction number as printed, if any.
    pub number: Option<i32>,
    /// Order within the topic.
    pub position: i32,
    /// Title.
    pub title: String,
    /// Execution period.
    pub execution: Period,
    /// Funding cap in yuan.
    pub funding_cap_yuan: Option<i64>,
}

type ChoiceTuple = (i64, String, String, i32, String, Option<i32>, i32, String, NaiveDate, NaiveDate, Option<i64>);

/// Every direction, by guide (newest first), topic and position.
pub fn list_choices(conn: &mut DbConnection) -> QueryResult<Vec<DirectionChoice>> {
    let rows: Vec<ChoiceTuple> = directions::table
        .inner_join(topics::table.inner_join(guides::table))
        .order((guides::id.desc(), topics::number.asc(), directions::position.asc()))
        .select((
            directions::id,
            guides::doc_number,
            guides::title,
            topics::number,
            topics::title,
            directions::number,
            directions::position,
            directions::title,
            directions::execution_start,
            directions::execution_end,
            directions::funding_cap_yuan,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, doc_number, guide_title, topic_number, topic_title, number, position, title, start, end, cap)| {
            DirectionChoice {
                id,
                doc_number,
                guide_title,
                topic_number,
                topic_title,
                number,
                position,
                title,
                execution: Period { start, end },
                funding_cap_yuan: cap,
            }
        })
        .collect())
}

/// The execution period of a direction.
pub fn find_period(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Period>> {
    directions::table
        .find(id)
        .select((directions::execution_start, directions::execution_end))
        .first::<(NaiveDate, NaiveDate)>(conn)
        .optional()
        .map(|found| found.map(|(start, end)| Period { start, end }))
}

/// How a typed direction reference matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Match {
    /// Exactly one direction.
    One(i64),
    /// None.
    None,
    /// Several directions have this title; the reference must name guide, topic and direction.
    Ambiguous,
}

/// Finds a direction by `指南文号/专题号/方向号` (full-width slashes too; a topic's directions
/// without printed numbers count in order) or by its exact title when no other direction shares it.
pub fn find_by_reference(choices: &[DirectionChoice], reference: &str) -> Match {
    let reference = reference.trim();
    let normalized = reference.replace('／', "/");
    let mut parts = normalized.rsplitn(3, '/').map(str::trim);
    if let (Some(direction), Some(topic), Some(doc)) = (parts.next(), parts.next(), parts.next())
        && let (Ok(direction), Ok(topic)) = (direction.parse::<i32>(), topic.parse::<i32>())
    {
        let in_topic: Vec<&DirectionChoice> =
            choices.iter().filter(|c| c.doc_number == doc && c.topic_number == topic).collect();
        let numbered = in_topic.iter().find(|c| c.number == Some(direction));
        let counted = || {
            let all_unnumbered = in_topic.iter().all(|c| c.number.is_none());
            let index = usize::try_from(direction).ok()?.checked_sub(1)?;
            in_topic.get(index).filter(|_| all_unnumbered)
        };
        return match numbered.or_else(counted) {
            Some(choice) => Match::One(choice.id),
            None => Match::None,
        };
    }
    let mut by_title = choices.iter().filter(|c| c.title == reference);
    match (by_title.next(), by_title.next()) {
        (Some(choice), None) => Match::One(choice.id),
        (Some(_), Some(_)) => Match::Ambiguous,
        (None, _) => Match::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choice(id: i64, doc: &str, topic: i32, number: Option<i32>, title: &str) -> DirectionChoice {
        let day = NaiveDate::from_ymd_opt(2024, 12, 1).unwrap_or_default();
        DirectionChoice {
            id,
            doc_number: doc.into(),
            guide_title: String::new(),
            topic_number: topic,
            topic_title: String::new(),
            number,
            position: i32::try_from(id).unwrap_or_default(),
            title: title.into(),
            execution: Period { start: day, end: day },
            funding_cap_yuan: None,
        }
    }

    #[test]
    fn directions_are_found_by_document_topic_and_number_or_by_a_unique_title() {
        let choices = [
            choice(1, "沪科指南〔2024〕42号", 1, Some(1), "合成生物"),
            choice(2, "沪科指南〔2024〕42号", 1, Some(2), "种质资源"),
            choice(3, "沪科指南〔2024〕42号", 3, None, "能力提升"),
            choice(4, "沪科指南〔2025〕7号", 1, Some(1), "合成生物"),
        ];
        assert_eq!(find_by_reference(&choices, "沪科指南〔2024〕42号/1/2"), Match::One(2));
        assert_eq!(find_by_reference(&choices, " 沪科指南〔2025〕7号／1／1 "), Match::One(4));
        assert_eq!(find_by_reference(&choices, "沪科指南〔2024〕42号/3/1"), Match::One(3), "counted when unnumbered");
        assert_eq!(find_by_reference(&choices, "沪科指南〔2024〕42号/1/9"), Match::None);
        assert_eq!(find_by_reference(&choices, "种质资源"), Match::One(2));
        assert_eq!(find_by_reference(&choices, "合成生物"), Match::Ambiguous);
        assert_eq!(find_by_reference(&choices, "不存在"), Match::None);
    }
}
