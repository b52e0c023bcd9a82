//! Where a piece of evidence stands in review, and the decision a review recorded (a decision is the
//! status it leaves the evidence in, so one type names both).

use serde::Serialize;

/// A piece of evidence's review status; stored as lower-case text (a CHECK constraint lists the same
/// names), and written the same way in report data, audit details and the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceStatus {
    /// 待审核: awaiting a review.
    Pending,
    /// 已通过: counts toward the indicator.
    Accepted,
    /// 未通过: does not count.
    Rejected,
    /// 需补充: the PI is asked for more.
    NeedsMore,
    /// 已撤回: left pending by a project that closed, settled without a review.
    Withdrawn,
}

impl EvidenceStatus {
    /// Every status.
    pub const ALL: [EvidenceStatus; 5] = [
        EvidenceStatus::Pending,
        EvidenceStatus::Accepted,
        EvidenceStatus::Rejected,
        EvidenceStatus::NeedsMore,
        EvidenceStatus::Withdrawn,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceStatus::Pending => "pending",
            EvidenceStatus::Accepted => "accepted",
            EvidenceStatus::Rejected => "rejected",
            EvidenceStatus::NeedsMore => "needs_more",
            EvidenceStatus::Withdrawn => "withdrawn",
        }
    }

    /// Parses a stored name; anything else is `None`.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// Sent back to the PI (rejected, or more asked for): what new evidence may answer.
    pub fn is_sent_back(self) -> bool {
        matches!(self, EvidenceStatus::Rejected | EvidenceStatus::NeedsMore)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_serialised_ones() {
        for status in EvidenceStatus::ALL {
            assert_eq!(serde_json::to_value(status).unwrap(), status.as_str());
        }
    }
}
