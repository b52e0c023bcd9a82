//! A project's life cycle (项目状态) and the moves staff may make between states.
//!
//! Commission practice: a running project (active, or extended by the separate extension
//! operation) goes through the mid-term check (中期检查) and then continues; at the end of term it
//! enters acceptance (验收中), which ends in one of three outcomes: accepted (通过验收), accepted after
//! rectification (整改后通过) or failed (未通过). A project may be terminated (终止) from any open
//! state. The four outcomes are final: a closed project is never reopened here.

use serde::{Deserialize, Serialize};

/// Where a project stands; stored as lower-case text (a CHECK constraint lists the same names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectState {
    /// 执行中: running.
    Active,
    /// 中期检查: the mid-term check is under way.
    MidTerm,
    /// 验收中: end-of-term acceptance is under way.
    InAcceptance,
    /// 通过验收.
    Accepted,
    /// 整改后通过: accepted after rectification.
    AcceptedRectified,
    /// 未通过验收.
    Failed,
    /// 终止.
    Terminated,
    /// 延期: running with an extended end date (set by the extension operation).
    Extended,
}

impl ProjectState {
    /// Every state, in the order pages list them.
    pub const ALL: [ProjectState; 8] = [
        ProjectState::Active,
        ProjectState::MidTerm,
        ProjectState::InAcceptance,
        ProjectState::Accepted,
        ProjectState::AcceptedRectified,
        ProjectState::Failed,
        ProjectState::Terminated,
        ProjectState::Extended,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ProjectState::Active => "active",
            ProjectState::MidTerm => "mid_term",
            ProjectState::InAcceptance => "in_acceptance",
            ProjectState::Accepted => "accepted",
            ProjectState::AcceptedRectified => "accepted_rectified",
            ProjectState::Failed => "failed",
            ProjectState::Terminated => "terminated",
            ProjectState::Extended => "extended",
        }
    }

    /// Parses a stored name; anything else is `None`.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name.trim())
    }

    /// The catalogue key of the state's name.
    pub fn label_key(self) -> &'static str {
        match self {
            ProjectState::Active => "project_state.active",
            ProjectState::MidTerm => "project_state.mid_term",
            ProjectState::InAcceptance => "project_state.in_acceptance",
            ProjectState::Accepted => "project_state.accepted",
            ProjectState::AcceptedRectified => "project_state.accepted_rectified",
            ProjectState::Failed => "project_state.failed",
            ProjectState::Terminated => "project_state.terminated",
            ProjectState::Extended => "project_state.extended",
        }
    }

    /// Whether the project is over (an acceptance outcome or terminated): no move leaves it.
    pub fn is_closed(self) -> bool {
        matches!(
            self,
            ProjectState::Accepted | ProjectState::AcceptedRectified | ProjectState::Failed | ProjectState::Terminated
        )
    }

    /// The states staff may move a project to from this one. `extended` is not among them: only
    /// the extension operation sets it.
    pub fn next(self) -> &'static [ProjectState] {
        use ProjectState::*;
        match self {
            Active | Extended => &[MidTerm, InAcceptance, Terminated],
            // The check is over and the project continues, or it is stopped.
            MidTerm => &[Active, Terminated],
            InAcceptance => &[Accepted, AcceptedRectified, Failed, Terminated],
            Accepted | AcceptedRectified | Failed | Terminated => &[],
        }
    }

    /// Whether staff may move a project from this state to `to`.
    pub fn can_move_to(self, to: ProjectState) -> bool {
        self.next().contains(&to)
    }

    /// Whether a move to this state must be explained: failing or stopping a funded project is
    /// a decision the record has to justify.
    pub fn needs_note(self) -> bool {
        matches!(self, ProjectState::Failed | ProjectState::Terminated)
    }
}

/// Why a move was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoveError {
    /// The target state is not reachable from the current one.
    NotAllowed,
    /// The target state needs an explanatory note and none was given.
    NoteRequired,
}

/// Checks a move and its note (blank notes count as none).
pub fn check_move(from: ProjectState, to: ProjectState, note: Option<&str>) -> Result<(), MoveError> {
    if !from.can_move_to(to) {
        return Err(MoveError::NotAllowed);
    }
    if to.needs_note() && note.is_none_or(|n| n.trim().is_empty()) {
        return Err(MoveError::NoteRequired);
    }
    Ok(())
}

impl std::fmt::Display for ProjectState {
    /// The stored name (`active`), as CSS classes and logs use it; people read [`ProjectState::label_key`].
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::ProjectState::*;
    use super::*;

    /// Every allowed (from, to) pair; everything not listed is refused.
    const ALLOWED: [(ProjectState, ProjectState); 12] = [
        (Active, MidTerm),
        (Active, InAcceptance),
        (Active, Terminated),
        (Extended, MidTerm),
        (Extended, InAcceptance),
        (Extended, Terminated),
        (MidTerm, Active),
        (MidTerm, Terminated),
        (InAcceptance, Accepted),
        (InAcceptance, AcceptedRectified),
        (InAcceptance, Failed),
        (InAcceptance, Terminated),
    ];

    #[test]
    fn exactly_the_listed_moves_are_allowed() {
        let allowed: std::collections::HashSet<_> = ALLOWED.into_iter().collect();
        for from in ProjectState::ALL {
            for to in ProjectState::ALL {
                assert_eq!(from.can_move_to(to), allowed.contains(&(from, to)), "{from:?} → {to:?}");
            }
        }
    }

    #[test]
    fn closed_states_are_final_and_nothing_moves_to_extended_or_to_itself() {
        for state in ProjectState::ALL {
            assert_eq!(state.is_closed(), state.next().is_empty(), "{state:?}");
            assert!(!state.can_move_to(Extended));
            assert!(!state.can_move_to(state));
        }
        assert!(ProjectState::ALL.iter().filter(|s| s.is_closed()).count() == 4);
    }

    #[test]
    fn terminated_is_reachable_from_every_open_state() {
        for state in ProjectState::ALL.into_iter().filter(|s| !s.is_closed()) {
            assert!(state.can_move_to(Terminated), "{state:?}");
        }
    }

    #[test]
    fn failing_or_terminating_needs_a_note() {
        assert_eq!(check_move(InAcceptance, Failed, None), Err(MoveError::NoteRequired));
        assert_eq!(check_move(Active, Terminated, Some("  ")), Err(MoveError::NoteRequired));
        assert_eq!(check_move(Active, Terminated, Some("承担单位申请终止")), Ok(()));
        assert_eq!(check_move(InAcceptance, Accepted, None), Ok(()));
        assert_eq!(check_move(Accepted, Active, Some("重新打开")), Err(MoveError::NotAllowed));
    }

    #[test]
    fn names_round_trip() {
        for state in ProjectState::ALL {
            assert_eq!(ProjectState::parse(state.as_str()), Some(state));
            assert_eq!(serde_json::to_value(state).unwrap(), state.as_str());
        }
        assert_eq!(ProjectState::parse("closed"), None);
    }
}
