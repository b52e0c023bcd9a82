//! Importing a project roster (立项名单): the file read into rows, then every row registered as a
//! single registration is, all or none. The page, the API and the command line come here.

use chrono::NaiveDateTime;

use crate::db::DbConnection;
use crate::db::user::User;
use crate::domain::refusal::Failure;

/// The columns of a roster, which the import page lists; the rows read from a file, with the
/// problems of those that could not be read; and why a file could not be read at all.
pub use crate::roster::sheet::SheetError;
pub use crate::roster::{Column, Parsed};

/// The largest roster file accepted.
pub const MAX_ROSTER_BYTES: usize = crate::roster::MAX_ROSTER_BYTES;

/// Reads a roster file (`.xlsx`, or CSV in UTF-8) into rows, each problem by row and column. Pure
/// work, but unpacking a workbook takes a while: callers on an async worker run it on the blocking
/// pool.
pub fn read(bytes: &[u8]) -> Result<Parsed, SheetError> {
    crate::roster::sheet::read(bytes).map(|sheet| crate::roster::parse(&sheet))
}

/// Registers every row of a roster read by [`read`], or none; with `dry_run` only checks them
/// against the database. Returns the codes registered (or that would be), in file order; any
/// problem, of the file or of a row, refuses the whole roster with every problem listed.
/// `actor` is `None` for the command line.
pub fn import(
    conn: &mut DbConnection,
    actor: Option<&User>,
    roster: &Parsed,
    dry_run: bool,
    now: NaiveDateTime,
) -> Result<Vec<String>, Failure> {
    crate::db::roster::import(conn, &roster.rows, &roster.errors, dry_run, actor.map(|user| user.id), now)
}
