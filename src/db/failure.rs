//! Database errors as the layers above see them: a [`Failure`] that keeps SQLite's "database is
//! locked" apart (the caller may retry) from a fault (logged with its cause).

use crate::domain::refusal::{Failure, Refusal};

impl From<diesel::result::Error> for Failure {
    /// A query's failure; SQLite's "database is locked" (another writer held the lock past the busy
    /// timeout) is [`Failure::Busy`], which the client can retry, not a fault.
    fn from(error: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match &error {
            Error::DatabaseError(DatabaseErrorKind::Unknown, info)
                if matches!(info.message(), "database is locked" | "database is busy") =>
            {
                Failure::Busy
            }
            _ => Failure::Internal(Box::new(error)),
        }
    }
}

impl From<diesel::r2d2::PoolError> for Failure {
    fn from(error: diesel::r2d2::PoolError) -> Self {
        Failure::Unavailable(Box::new(error))
    }
}

impl From<super::guide::StoreError> for Failure {
    fn from(error: super::guide::StoreError) -> Self {
        use super::guide::StoreError;
        match error {
            StoreError::InUse { project, metric, direction } => Failure::Refused(Refusal::ConflictWith(
                "guide.in_use",
                vec![("project", project), ("metric", metric), ("direction", direction)],
            )),
            StoreError::DirectionInUse { project, direction } => Failure::Refused(Refusal::ConflictWith(
                "guide.direction_in_use",
                vec![("project", project), ("direction", direction)],
            )),
            StoreError::Db(error) => Failure::from(error),
            StoreError::Invalid(error) => Failure::Refused(Refusal::Guide(error)),
        }
    }
}
