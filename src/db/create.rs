//! Creating the PostgreSQL database a URL names when it does not exist yet, as every command
//! promises: through the server's maintenance database, when the role may create databases. When it
//! may not, a [`MissingDatabase`] error says in one line what an administrator has to run.
//!
//! SQLite needs none of this: opening a file that does not exist creates it.

use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};
use percent_encoding::percent_decode_str;

/// The databases to reach the server through, in the order `createdb` tries them.
const MAINTENANCE_DATABASES: [&str; 2] = ["postgres", "template1"];

/// The database does not exist and the role may not create it. The CLI exits with 2 on it, as for a
/// configuration mistake: only someone with more rights can fix it.
#[derive(Debug, thiserror::Error)]
#[error(
    "PostgreSQL database \"{database}\" does not exist and role \"{role}\" may not create it: as a superuser, run CREATE DATABASE {quoted} OWNER {owner}; (or createdb -O {role} {database}), then try again",
    quoted = quote_identifier(database),
    owner = quote_identifier(role)
)]
pub struct MissingDatabase {
    /// The database the URL names.
    pub database: String,
    /// The role the URL logs in as.
    pub role: String,
}

/// What [`create_if_missing`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The database was missing and has been created.
    Created,
    /// The database exists (or the server could not be asked): the first error stands.
    NotMissing,
}

/// Creates the database `url` names if the server says it does not exist and the role may create
/// it. Called after connecting to it failed, so that a database that exists costs nothing extra.
pub fn create_if_missing(url: &str) -> Result<Outcome, MissingDatabase> {
    let Some(parts) = DatabaseInUrl::split(url) else {
        return Ok(Outcome::NotMissing);
    };
    let Some(mut conn) =
        MAINTENANCE_DATABASES.iter().find_map(|name| PgConnection::establish(&parts.with_database(name)).ok())
    else {
        return Ok(Outcome::NotMissing);
    };
    if exists(&mut conn, &parts.name).unwrap_or(true) {
        return Ok(Outcome::NotMissing);
    }
    let (role, may_create) = role_rights(&mut conn).unwrap_or_default();
    let missing = || MissingDatabase { database: parts.name.clone(), role: role.clone() };
    if !may_create {
        return Err(missing());
    }
    let created = diesel::sql_query(format!("CREATE DATABASE {}", quote_identifier(&parts.name))).execute(&mut conn);
    // Another instance starting at the same moment may have created it first; that is as good.
    match created {
        Ok(_) => {
            tracing::info!(database = %parts.name, "created the PostgreSQL database");
            Ok(Outcome::Created)
        }
        Err(_) if exists(&mut conn, &parts.name).unwrap_or(false) => Ok(Outcome::Created),
        Err(e) => {
            tracing::warn!(database = %parts.name, error = %e, "could not create the PostgreSQL database");
            Err(missing())
        }
    }
}

#[derive(QueryableByName)]
struct Flag {
    #[diesel(sql_type = Bool)]
    flag: bool,
}

#[derive(QueryableByName)]
struct Rights {
    #[diesel(sql_type = Text)]
    role: String,
    #[diesel(sql_type = Bool)]
    may_create: bool,
}

fn exists(conn: &mut PgConnection, name: &str) -> QueryResult<bool> {
    diesel::sql_query("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS flag")
        .bind::<Text, _>(name)
        .get_result::<Flag>(conn)
        .map(|f| f.flag)
}

fn role_rights(conn: &mut PgConnection) -> QueryResult<(String, bool)> {
    diesel::sql_query(
        "SELECT rolname AS role, (rolcreatedb OR rolsuper) AS may_create FROM pg_roles WHERE rolname = current_user",
    )
    .get_result::<Rights>(conn)
    .map(|r| (r.role, r.may_create))
}

/// A name as a PostgreSQL identifier: in double quotes, inner double quotes doubled, so that any
/// name (with capitals, spaces, quotes or semicolons) is taken literally and nothing else runs.
pub fn quote_identifier(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A `postgres://` URL cut around the database name in its path.
#[derive(Debug, PartialEq, Eq)]
struct DatabaseInUrl<'a> {
    /// Scheme, user, password, host and port, up to and including the `/`.
    before: &'a str,
    /// The database name, percent-decoded.
    name: String,
    /// The query string with its `?`, or nothing.
    after: &'a str,
}

impl<'a> DatabaseInUrl<'a> {
    /// `None` when the URL names no database (libpq then uses the role's name, which is left to the
    /// server) or names it in its query string.
    fn split(url: &'a str) -> Option<Self> {
        let authority_start = url.find("://")? + 3;
        let path_start = authority_start + url[authority_start..].find('/')? + 1;
        let path_end = url[path_start..].find('?').map_or(url.len(), |i| path_start + i);
        let after = &url[path_end..];
        if after.contains("dbname=") {
            return None;
        }
        let name = percent_decode_str(&url[path_start..path_end]).decode_utf8().ok()?.into_owned();
        (!name.is_empty()).then_some(Self { before: &url[..path_start], name, after })
    }

    /// The same URL naming another database.
    fn with_database(&self, name: &str) -> String {
        format!("{}{name}{}", self.before, self.after)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_name_is_cut_out_of_the_url_and_decoded() {
        let parts = DatabaseInUrl::split("postgres://u:p%2Fw@db.example:5433/coop%20db?sslmode=disable").unwrap();
        assert_eq!(parts.name, "coop db");
        assert_eq!(parts.with_database("postgres"), "postgres://u:p%2Fw@db.example:5433/postgres?sslmode=disable");
        assert_eq!(
            DatabaseInUrl::split("postgresql://h/x").unwrap().with_database("template1"),
            "postgresql://h/template1"
        );
        assert_eq!(DatabaseInUrl::split("postgres://h"), None);
        assert_eq!(DatabaseInUrl::split("postgres://h/"), None);
        assert_eq!(DatabaseInUrl::split("postgres://h/x?dbname=y"), None);
    }

    #[test]
    fn identifiers_are_quoted_so_that_a_name_cannot_end_the_statement() {
        assert_eq!(quote_identifier("coop"), "\"coop\"");
        assert_eq!(quote_identifier("a\"; DROP DATABASE x; --"), "\"a\"\"; DROP DATABASE x; --\"");
    }

    #[test]
    fn the_refusal_is_one_line_naming_what_to_run() {
        let text = MissingDatabase { database: "coop".into(), role: "app".into() }.to_string();
        assert!(!text.contains('\n'), "{text}");
        assert!(text.contains("CREATE DATABASE \"coop\" OWNER \"app\";"), "{text}");
    }
}
