//! Fresh, migrated databases for tests: an SQLite file always, and a PostgreSQL database when
//! `HCRM_TEST_DATABASE_URL` names a server (the database there is only used to create others).
//! Each `TestDb` is dropped with its database.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use crate::conn::{Pool, connect, run_migrations};

/// The backends the tests run on in this environment.
pub fn backends() -> Vec<&'static str> {
    let mut v = vec!["sqlite"];
    if std::env::var("HCRM_TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty()) {
        v.push("postgres");
    }
    v
}

pub struct TestDb {
    pub url: String,
    pub backend: &'static str,
    pool: Option<Pool>,
    cleanup: Cleanup,
}

enum Cleanup {
    File(std::path::PathBuf),
    Database { admin_url: String, name: String },
}

impl TestDb {
    /// A fresh migrated database of `backend` (`sqlite` or `postgres`).
    pub fn new(backend: &'static str) -> TestDb {
        let tag = uuid::Uuid::now_v7().simple().to_string();
        let (url, cleanup) = if backend == "postgres" {
            let admin_url = std::env::var("HCRM_TEST_DATABASE_URL").unwrap_or_default();
            let name = format!("hcrm_t_{tag}");
            let mut admin = PgConnection::establish(&admin_url)
                .unwrap_or_else(|e| panic!("HCRM_TEST_DATABASE_URL {admin_url}: {e}"));
            admin
                .batch_execute(&format!("CREATE DATABASE {name}"))
                .unwrap_or_else(|e| panic!("create database: {e}"));
            let base = admin_url.split('?').next().unwrap_or(&admin_url);
            let prefix = &base[..base.rfind('/').unwrap_or(base.len())];
            (
                format!("{prefix}/{name}"),
                Cleanup::Database { admin_url, name },
            )
        } else {
            let dir = std::env::temp_dir().join(format!("hcrm-test-{tag}"));
            let path = dir.join("hcrm.db");
            (format!("sqlite://{}", path.display()), Cleanup::File(dir))
        };
        let pool = connect(&url, 8).unwrap_or_else(|e| panic!("connect {url}: {e}"));
        {
            let mut conn = pool.get().unwrap_or_else(|e| panic!("pool: {e}"));
            run_migrations(&mut conn).unwrap_or_else(|e| panic!("migrate: {e}"));
        }
        TestDb {
            url,
            backend,
            pool: Some(pool),
            cleanup,
        }
    }

    pub fn pool(&self) -> Pool {
        self.pool.clone().unwrap_or_else(|| unreachable!())
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        self.pool.take();
        match &self.cleanup {
            Cleanup::File(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Database { admin_url, name } => {
                if let Ok(mut admin) = PgConnection::establish(admin_url) {
                    let _ = admin
                        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
                }
            }
        }
    }
}

/// Reverts the migration whose name starts with `name`, calls `between` on the database as it
/// was before it, and runs the pending migrations again (that one): a migration's data mapping
/// tested on rows written in the old shape.
pub fn redo_migration(
    conn: &mut crate::DbConn,
    name: &str,
    between: impl FnOnce(&mut crate::DbConn),
) -> Result<(), crate::DbError> {
    use diesel::migration::MigrationSource;
    use diesel_migrations::MigrationHarness;
    fn failed(e: Box<dyn std::error::Error + Send + Sync>) -> crate::DbError {
        crate::DbError::Migration(e.to_string())
    }
    let missing = || crate::DbError::Migration(format!("no migration {name}"));
    match &mut *conn {
        crate::DbConn::Postgresql(c) => {
            let all =
                MigrationSource::<diesel::pg::Pg>::migrations(&crate::conn::POSTGRES_MIGRATIONS)
                    .map_err(failed)?;
            let m = all
                .into_iter()
                .find(|m| m.name().to_string().starts_with(name))
                .ok_or_else(missing)?;
            c.revert_migration(m.as_ref()).map_err(failed)?;
        }
        crate::DbConn::Sqlite(c) => {
            let all = MigrationSource::<diesel::sqlite::Sqlite>::migrations(
                &crate::conn::SQLITE_MIGRATIONS,
            )
            .map_err(failed)?;
            let m = all
                .into_iter()
                .find(|m| m.name().to_string().starts_with(name))
                .ok_or_else(missing)?;
            c.revert_migration(m.as_ref()).map_err(failed)?;
        }
    }
    between(conn);
    run_migrations(conn).map(|_| ())
}
