//! One connection type over both backends, and how a connection is opened and checked.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{ManageConnection, R2D2Connection};
use secrecy::ExposeSecret;

use crate::config::{Backend, DatabaseUrl};

pub use multi::DbConnection;
/// The backend of [`DbConnection`], for column types of this crate's own (`db::stored`).
pub(super) use multi::MultiBackend;

/// A private module because diesel's `MultiConnection` derive also generates helper types (the
/// multi-backend and its bind collector) that are not part of this crate's interface.
mod multi {
    use diesel::prelude::*;

    /// A connection to whichever database the configuration selected.
    #[derive(diesel::MultiConnection)]
    pub enum DbConnection {
        /// The embedded default.
        Sqlite(SqliteConnection),
        /// The scale-out backend.
        Pg(PgConnection),
    }
}

/// Settings every SQLite connection needs: the busy timeout makes a writer wait instead of failing
/// at once (first, because switching to WAL itself takes a lock when the pool opens several
/// connections at once), diesel leaves foreign keys off, and WAL lets readers proceed during a write.
const SQLITE_PRAGMAS: &str = "PRAGMA busy_timeout = 5000;
PRAGMA foreign_keys = ON;
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;";

/// Runs `work` in a transaction that writes. On SQLite its first statement takes the write lock
/// (waiting up to the busy timeout for another writer): a transaction that read first and wrote
/// later would fail with "database is locked" at once if another writer committed in between,
/// because its snapshot could no longer be extended. PostgreSQL needs nothing extra.
pub fn write_transaction<T, E, F>(conn: &mut DbConnection, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    conn.transaction(|conn| {
        if let DbConnection::Sqlite(c) = conn {
            // A write statement that changes nothing still makes the transaction the writer.
            diesel::sql_query("UPDATE settings SET key = key WHERE 0 = 1").execute(c)?;
        }
        work(conn)
    })
}

/// Whether the database answers a query at all (the health check).
pub fn ping(conn: &mut DbConnection) -> QueryResult<()> {
    diesel::sql_query("SELECT 1").execute(conn).map(|_| ())
}

/// Opening or checking a connection failed.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// The database could not be reached or opened: the driver's message on one line (libpq's
    /// spans lines, one per address tried), which the command line prints as it is.
    #[error("{0}")]
    Connection(String),
    /// The connection opened but could not be set up.
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
    /// The folder for the SQLite file could not be created.
    #[error("cannot create the folder for the database: {0}")]
    Folder(#[from] std::io::Error),
}

/// Opens connections for the r2d2 pool. It dispatches on the URL's scheme itself because diesel's
/// derived `establish` tries each backend in turn and hides the real error.
#[derive(Debug, Clone)]
pub struct DbManager {
    database: DatabaseUrl,
}

impl DbManager {
    /// A manager for the given database.
    pub fn new(database: DatabaseUrl) -> Self {
        Self { database }
    }

    /// Opens one connection, outside any pool (used by the pool and by `backup`).
    pub fn open(&self) -> Result<DbConnection, ConnectError> {
        let target = self.database.target.expose_secret();
        match self.database.backend {
            Backend::Sqlite => {
                if let Some(parent) = std::path::Path::new(target).parent().filter(|p| !p.as_os_str().is_empty()) {
                    std::fs::create_dir_all(parent)?;
                }
                let mut conn = SqliteConnection::establish(target)?;
                conn.batch_execute(SQLITE_PRAGMAS)?;
                Ok(DbConnection::Sqlite(conn))
            }
            Backend::Postgres => Ok(DbConnection::Pg(PgConnection::establish(target)?)),
        }
    }
}

impl From<ConnectionError> for ConnectError {
    fn from(error: ConnectionError) -> Self {
        Self::Connection(error.to_string().split_whitespace().collect::<Vec<_>>().join(" "))
    }
}

impl ManageConnection for DbManager {
    type Connection = DbConnection;
    type Error = ConnectError;

    fn connect(&self) -> Result<DbConnection, ConnectError> {
        self.open()
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), ConnectError> {
        conn.ping().map(|_| ()).map_err(ConnectError::Query)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        conn.is_broken()
    }
}
