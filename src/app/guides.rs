//! Call guides: the stored list, one guide with its topics, directions and indicator templates, and
//! importing a parsed guide (new, or an update in place of the one with the same document number).

use chrono::NaiveDateTime;

use crate::db::DbConnection;
use crate::db::guide::{self, Stored};
/// What a stored guide holds: its topics, their directions and the directions' indicator templates.
pub use crate::db::guide::{DirectionRow, StoredDirection, StoredTemplate, StoredTopic};
/// A guide in lists, and a stored guide in full.
pub use crate::db::guide::{GuideSummary, StoredGuide};
use crate::domain::guide::Guide;
use crate::domain::refusal::{Failure, Refusal};

/// The stored guides, newest first.
pub fn list(conn: &mut DbConnection) -> Result<Vec<GuideSummary>, Failure> {
    Ok(guide::list(conn)?)
}

/// One guide with its topics, directions and templates; `NotFound` when there is none.
pub fn find(conn: &mut DbConnection, id: i64) -> Result<StoredGuide, Failure> {
    guide::find(conn, id)?.ok_or(Failure::Refused(Refusal::NotFound))
}

/// The cooperation regions a guide's directions name, as (topic, direction, region).
pub type Regions = Vec<(String, String, String)>;

/// One guide and the cooperation regions its directions name.
pub fn show(conn: &mut DbConnection, id: i64) -> Result<(StoredGuide, Regions), Failure> {
    let stored = find(conn, id)?;
    Ok((stored, guide::list_regions(conn, id)?))
}

/// The id of the guide with this document number, if any.
pub fn find_by_doc_number(conn: &mut DbConnection, doc_number: &str) -> Result<Option<i64>, Failure> {
    Ok(guide::find_id_by_doc_number(conn, doc_number)?)
}

/// Stores a parsed guide that passes `check_importable`, with its source text and audit row: a new
/// one, or an update in place of the guide with the same document number. A re-import that would
/// change an indicator a project uses is refused.
pub fn import(
    conn: &mut DbConnection,
    parsed: &Guide,
    source_text: &str,
    actor: i64,
    now: NaiveDateTime,
) -> Result<Stored, Failure> {
    Ok(guide::store(conn, parsed, source_text, Some(actor), now)?)
}
