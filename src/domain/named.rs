//! Closed sets of values kept by name: an indicator's comparison, a project's state, a
//! checkpoint's kind. The database stores the name as text (`db::by_name` reads and writes it), and
//! a name no value carries is an error where it is read, never a silent default.

use super::evidence_status::EvidenceStatus;
use super::guide::model::{Change, Op};
use super::plan::CheckpointKind;
use super::project_state::ProjectState;
use super::proof::ProofKind;
use super::role::Role;
use super::status::Status;
use super::target::{Aggregation, IndicatorClass};

/// A value of a closed set, and the name it is stored under.
pub trait Named: Sized + Copy + std::fmt::Debug + 'static {
    /// What the values are, for the message naming an unknown stored name.
    const KIND: &'static str;
    /// The stored name.
    fn name(self) -> &'static str;
    /// The value a stored name stands for, if any.
    fn from_name(name: &str) -> Option<Self>;
}

/// `Named` from the `as_str` and `parse` each of these types already has.
macro_rules! named {
    ($($type:ty => $kind:literal),* $(,)?) => {$(
        impl Named for $type {
            const KIND: &'static str = $kind;
            fn name(self) -> &'static str {
                self.as_str()
            }
            fn from_name(name: &str) -> Option<Self> {
                <$type>::parse(name)
            }
        }
    )*};
}

named! {
    Op => "comparison",
    Change => "change direction",
    Aggregation => "aggregation",
    IndicatorClass => "indicator class",
    CheckpointKind => "checkpoint kind",
    ProjectState => "project state",
    ProofKind => "proof kind",
    Status => "status",
    EvidenceStatus => "evidence status",
    Role => "role",
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip<T: Named + PartialEq>(values: &[T]) {
        for value in values {
            assert_eq!(T::from_name(value.name()), Some(*value), "{value:?}");
        }
        assert_eq!(T::from_name("no such name"), None);
    }

    #[test]
    fn every_name_reads_back_as_its_value() {
        round_trip(&ProjectState::ALL);
        round_trip(&[Op::Ge, Op::Gt, Op::Le, Op::Lt, Op::Deliverable]);
        round_trip(&[Aggregation::Latest, Aggregation::Sum]);
        round_trip(&EvidenceStatus::ALL);
        round_trip(&Role::ALL);
        round_trip(&ProofKind::ALL);
    }
}
