//! Institutions (承担单位 and 合作单位) and the regions they sit in.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{institutions, regions};

/// A stored institution, with its region's name for display.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = institutions)]
pub struct Institution {
    /// Primary key.
    pub id: i64,
    /// Full official name.
    pub name: String,
    /// Region, if known.
    pub region_id: Option<i64>,
    /// Whether it is a Shanghai institution (a lead institution must be).
    pub in_shanghai: bool,
    /// The research-office contact who receives escalations.
    pub research_office_name: Option<String>,
    /// That contact's address.
    pub research_office_email: Option<String>,
    /// Creation (UTC).
    pub created_at: NaiveDateTime,
    /// Last change (UTC).
    pub updated_at: NaiveDateTime,
}

/// Fields an administrator enters for an institution.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = institutions, treat_none_as_null = true)]
pub struct InstitutionFields<'a> {
    /// Full official name.
    pub name: &'a str,
    /// Region.
    pub region_id: Option<i64>,
    /// In Shanghai.
    pub in_shanghai: bool,
    /// Research-office contact.
    pub research_office_name: Option<&'a str>,
    /// Research-office address.
    pub research_office_email: Option<&'a str>,
    /// Change time (UTC).
    pub updated_at: NaiveDateTime,
}

/// Every institution with its region name, by name.
pub fn list(conn: &mut DbConnection) -> QueryResult<Vec<(Institution, Option<String>)>> {
    institutions::table
        .left_join(regions::table)
        .order(institutions::name.asc())
        .select((Institution::as_select(), regions::name.nullable()))
        .load(conn)
}

/// One institution with its region's name.
pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<(Institution, Option<String>)>> {
    institutions::table
        .left_join(regions::table)
        .filter(institutions::id.eq(id))
        .select((Institution::as_select(), regions::name.nullable()))
        .first(conn)
        .optional()
}

/// The id of the institution with exactly this name.
pub fn find_id_by_name(conn: &mut DbConnection, name: &str) -> QueryResult<Option<i64>> {
    institutions::table.filter(institutions::name.eq(name)).select(institutions::id).first(conn).optional()
}

/// Whether another institution already has this name.
pub fn name_taken(conn: &mut DbConnection, name: &str, except: Option<i64>) -> QueryResult<bool> {
    // -1 never names a row, so one query shape serves both cases.
    let except = except.unwrap_or(-1);
    let query = institutions::table.filter(institutions::name.eq(name)).filter(institutions::id.ne(except));
    diesel::select(diesel::dsl::exists(query)).get_result(conn)
}

/// Stores a new institution and returns its id.
pub fn insert(conn: &mut DbConnection, fields: &InstitutionFields<'_>, now: NaiveDateTime) -> QueryResult<i64> {
    diesel::insert_into(institutions::table)
        .values((fields, institutions::created_at.eq(now)))
        .returning(institutions::id)
        .get_result(conn)
}

/// Saves changes to an institution.
pub fn update(conn: &mut DbConnection, id: i64, fields: &InstitutionFields<'_>) -> QueryResult<usize> {
    diesel::update(institutions::table.find(id)).set(fields).execute(conn)
}

/// Every region by name, for pick lists.
pub fn list_regions(conn: &mut DbConnection) -> QueryResult<Vec<(i64, String)>> {
    regions::table.order(regions::name.asc()).select((regions::id, regions::name)).load(conn)
}

/// The id of the region with this name, creating it if needed.
pub fn ensure_region(conn: &mut DbConnection, name: &str, now: NaiveDateTime) -> QueryResult<i64> {
    let existing = regions::table.filter(regions::name.eq(name)).select(regions::id).first(conn).optional()?;
    match existing {
        Some(id) => Ok(id),
        None => diesel::insert_into(regions::table)
            .values((regions::name.eq(name), regions::created_at.eq(now)))
            .returning(regions::id)
            .get_result(conn),
    }
}
