//! Institutions (承担单位, 合作单位) and their research-office contacts, which administrators and
//! commission staff manage and register projects under.

use chrono::NaiveDateTime;
use serde_json::json;

use crate::db::DbConnection;
use crate::db::audit::{self, AuditEntry};
/// A stored institution.
pub use crate::db::institution::Institution;
use crate::db::institution::{self, InstitutionFields};
use crate::domain::refusal::{Failure, FieldError, Refusal};

/// The longest institution name accepted.
const MAX_NAME_CHARS: usize = 200;

/// An institution as typed on the form.
#[derive(Debug, Clone, Default)]
pub struct InstitutionInput {
    /// Its name.
    pub name: String,
    /// The region's name; created if new, none when empty.
    pub region: String,
    /// Whether it is in Shanghai.
    pub in_shanghai: bool,
    /// The research office's name.
    pub research_office_name: String,
    /// The research office's address.
    pub research_office_email: String,
}

/// Validated values.
struct Checked {
    name: String,
    region: Option<String>,
    office_name: Option<String>,
    office_email: Option<String>,
}

fn check(input: &InstitutionInput) -> Result<Checked, Failure> {
    let mut errors = Vec::new();
    let name = input.name.trim();
    if name.is_empty() || !crate::domain::text::is_line(name, MAX_NAME_CHARS) {
        errors.push(FieldError { field: "name", message: "institution.name_invalid" });
    }
    let office_email = match input.research_office_email.trim() {
        "" => None,
        email => super::account::check_email(email)
            .map_err(|_| errors.push(FieldError { field: "research_office_email", message: "account.email_invalid" }))
            .ok(),
    };
    if !errors.is_empty() {
        return Err(Failure::Refused(Refusal::Validation(errors)));
    }
    let optional = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    Ok(Checked {
        name: name.to_owned(),
        region: optional(&input.region),
        office_name: optional(&input.research_office_name),
        office_email,
    })
}

/// Every institution with its region's name.
pub fn list(conn: &mut DbConnection) -> Result<Vec<(Institution, Option<String>)>, Failure> {
    Ok(institution::list(conn)?)
}

/// One institution with its region's name; `NotFound` when there is none.
pub fn find(conn: &mut DbConnection, id: i64) -> Result<(Institution, Option<String>), Failure> {
    institution::find(conn, id)?.ok_or(Failure::Refused(Refusal::NotFound))
}

/// The known region names, which the form offers as suggestions.
pub fn region_names(conn: &mut DbConnection) -> Result<Vec<String>, Failure> {
    Ok(institution::list_regions(conn)?.into_iter().map(|(_, name)| name).collect())
}

/// Creates (`id` none) or updates an institution after checking it, with its audit row; a name
/// another institution has is a conflict. Returns its id.
pub fn save(
    conn: &mut DbConnection,
    id: Option<i64>,
    input: &InstitutionInput,
    actor: i64,
    now: NaiveDateTime,
) -> Result<i64, Failure> {
    let checked = check(input)?;
    crate::db::write_transaction(conn, |conn| {
        if institution::name_taken(conn, &checked.name, id)? {
            return Err(Failure::Refused(Refusal::Conflict("institution.name_taken")));
        }
        let region_id = checked.region.as_deref().map(|r| institution::ensure_region(conn, r, now)).transpose()?;
        let fields = InstitutionFields {
            name: &checked.name,
            region_id,
            in_shanghai: input.in_shanghai,
            research_office_name: checked.office_name.as_deref(),
            research_office_email: checked.office_email.as_deref(),
            updated_at: now,
        };
        let action = if id.is_some() { "institution.update" } else { "institution.create" };
        let id = match id {
            Some(id) => {
                if institution::update(conn, id, &fields)? == 0 {
                    return Err(Failure::Refused(Refusal::NotFound));
                }
                id
            }
            None => institution::insert(conn, &fields, now)?,
        };
        let detail = json!({ "name": checked.name, "region": checked.region, "in_shanghai": input.in_shanghai, "research_office_email": checked.office_email });
        audit::record(
            conn,
            &AuditEntry {
                actor: Some(actor),
                action,
                entity: "institution",
                entity_id: Some(id),
                project_id: None,
                detail,
                ip: None,
            },
            now,
        )?;
        Ok(id)
    })
}
