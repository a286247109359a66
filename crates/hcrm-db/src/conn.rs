//! Connections, the pool, migrations and write transactions.

use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::error::DbError;

pub(crate) const SQLITE_MIGRATIONS: EmbeddedMigrations =
    embed_migrations!("../../migrations/sqlite");
pub(crate) const POSTGRES_MIGRATIONS: EmbeddedMigrations =
    embed_migrations!("../../migrations/postgres");

/// A connection to either backend. Queries are written once against this type.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

pub type Pool = r2d2::Pool<Manager>;

/// A pooled connection and when it was last handed back. It derefs to [`DbConn`].
pub struct Checked {
    conn: DbConn,
    returned: Instant,
}

impl std::ops::Deref for Checked {
    type Target = DbConn;
    fn deref(&self) -> &DbConn {
        &self.conn
    }
}

impl std::ops::DerefMut for Checked {
    fn deref_mut(&mut self) -> &mut DbConn {
        &mut self.conn
    }
}

/// A connection handed back less than this long ago is handed out again without a
/// `SELECT 1` (PERF-1/PERF-2: under load that round trip was a third of a read's); one idle
/// longer is checked first, so one the database dropped while it sat idle is never handed out.
const TRUSTED_FOR: Duration = Duration::from_secs(1);

/// The backend type of [`DbConn`], for boxed queries.
pub type Db = <DbConn as diesel::Connection>::Backend;

/// Which database a URL names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    Postgres(String),
    /// A file path (the `sqlite://` prefix removed).
    Sqlite(String),
}

impl Backend {
    pub fn from_url(url: &str) -> Backend {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres(url.to_string())
        } else {
            let path = url.strip_prefix("sqlite://").unwrap_or(url);
            Backend::Sqlite(path.to_string())
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Backend::Postgres(_) => "postgresql",
            Backend::Sqlite(_) => "sqlite",
        }
    }
}

/// Opens connections of the backend named by the URL, never by trial and error.
#[derive(Debug, Clone)]
pub struct Manager {
    backend: Backend,
}

impl ManageConnection for Manager {
    type Connection = Checked;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<Checked, r2d2::Error> {
        let conn = match &self.backend {
            Backend::Postgres(url) => PgConnection::establish(url)
                .map(DbConn::Postgresql)
                .map_err(r2d2::Error::ConnectionError)?,
            Backend::Sqlite(path) => {
                let mut conn =
                    SqliteConnection::establish(path).map_err(r2d2::Error::ConnectionError)?;
                conn.batch_execute(
                    "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
                     PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
                )
                .map_err(r2d2::Error::QueryError)?;
                DbConn::Sqlite(conn)
            }
        };
        Ok(Checked {
            conn,
            returned: Instant::now(),
        })
    }

    fn is_valid(&self, conn: &mut Checked) -> Result<(), r2d2::Error> {
        if conn.returned.elapsed() < TRUSTED_FOR {
            return Ok(());
        }
        conn.conn
            .batch_execute("SELECT 1")
            .map_err(r2d2::Error::QueryError)
    }

    /// Called as a connection comes back: one diesel reports broken — the database closed it
    /// (REL-2: its request answered 503) or a transaction on it broke — is dropped; the others
    /// are stamped as just used.
    fn has_broken(&self, conn: &mut Checked) -> bool {
        conn.returned = Instant::now();
        diesel::r2d2::R2D2Connection::is_broken(&mut conn.conn)
    }
}

/// Opens a pool on `url`, creating the SQLite file and its folder when needed.
pub fn connect(url: &str, max_size: u32) -> Result<Pool, DbError> {
    let backend = Backend::from_url(url);
    if let Backend::Sqlite(path) = &backend {
        create_private(std::path::Path::new(path))
            .map_err(|e| DbError::Unavailable(format!("cannot create {path}: {e}")))?;
    }
    r2d2::Pool::builder()
        .max_size(max_size)
        .min_idle(Some(1))
        // REL-2: fail fast with 503 when the database is unreachable.
        .connection_timeout(Duration::from_secs(3))
        .test_on_check_out(true)
        .build(Manager { backend })
        .map_err(|e| DbError::Unavailable(e.to_string()))
}

/// Creates a new SQLite database file (and missing folders) readable by its owner alone
/// (issue 7 item 14, PIPL: the file holds the patient archive): folders 0700, the file 0600,
/// whatever the umask. SQLite gives the `-wal` and `-shm` files the database file's mode.
/// An existing file keeps the mode its operator chose; URIs and in-memory names are left to
/// SQLite.
fn create_private(path: &std::path::Path) -> std::io::Result<()> {
    let name = path.to_string_lossy();
    if name.is_empty() || name.starts_with(':') || name.starts_with("file:") || path.exists() {
        return Ok(());
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        // Another process created it meanwhile: theirs to have chosen.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Ok(()),
        other => other?,
    };
    // The umask may have taken bits away (never added any): set the mode exactly.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

/// Runs the embedded migrations of the connection's backend; returns how many ran.
pub fn run_migrations(conn: &mut DbConn) -> Result<usize, DbError> {
    let ran = match conn {
        DbConn::Postgresql(c) => c
            .run_pending_migrations(POSTGRES_MIGRATIONS)
            .map(|v| v.len()),
        DbConn::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
    };
    ran.map_err(|e| DbError::Migration(e.to_string()))
}

/// A transaction that writes. On SQLite it takes the write lock with its first statement, so
/// that concurrent writers wait for each other (busy_timeout) instead of failing with
/// `SQLITE_BUSY` when a read-then-write transaction tries to upgrade its lock.
pub fn write_transaction<T, E, F>(conn: &mut DbConn, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    conn.transaction(|conn| {
        if matches!(conn, DbConn::Sqlite(_)) {
            use crate::schema::write_lock::dsl::*;
            diesel::update(write_lock.filter(id.eq(1)))
                .set(n.eq(n + 1))
                .execute(conn)?;
        }
        f(conn)
    })
}
