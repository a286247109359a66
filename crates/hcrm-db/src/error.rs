use diesel::result::{DatabaseErrorKind, Error as DieselError};

/// What can go wrong in storage, in terms the API maps to HTTP statuses.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("record not found")]
    NotFound,
    /// The record changed since the caller read it.
    #[error("the record was changed by someone else (now version {current})")]
    Stale { current: i32 },
    /// A unique constraint: the value is taken.
    #[error("already exists: {0}")]
    Duplicate(String),
    /// A foreign key points nowhere.
    #[error("refers to a record that does not exist: {0}")]
    BadReference(String),
    /// The database cannot be reached or the pool is exhausted.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("migration failed: {0}")]
    Migration(String),
    /// Stored data that cannot be read back (should never happen).
    #[error("corrupt data: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Other(DieselError),
}

impl From<DieselError> for DbError {
    fn from(e: DieselError) -> Self {
        match e {
            DieselError::NotFound => DbError::NotFound,
            DieselError::DatabaseError(kind, info) => {
                let what = info
                    .constraint_name()
                    .map(str::to_string)
                    .unwrap_or_else(|| info.message().to_string());
                match kind {
                    DatabaseErrorKind::UniqueViolation => DbError::Duplicate(what),
                    DatabaseErrorKind::ForeignKeyViolation => DbError::BadReference(what),
                    DatabaseErrorKind::ClosedConnection
                    | DatabaseErrorKind::UnableToSendCommand => {
                        DbError::Unavailable(info.message().to_string())
                    }
                    // SQLite reports a lock it waited for too long as a plain error.
                    _ if info.message().contains("database is locked") => {
                        DbError::Unavailable(info.message().to_string())
                    }
                    other => DbError::Other(DieselError::DatabaseError(other, info)),
                }
            }
            DieselError::BrokenTransactionManager => {
                DbError::Unavailable("broken transaction".to_string())
            }
            other => DbError::Other(other),
        }
    }
}

impl From<diesel::r2d2::PoolError> for DbError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        DbError::Unavailable(e.to_string())
    }
}
