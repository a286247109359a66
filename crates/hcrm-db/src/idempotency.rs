//! remembered answers to POSTs carrying an `Idempotency-Key`, per caller, for 24 hours.

use chrono::Duration;
use diesel::prelude::*;

use crate::conn::DbConn;
use crate::error::DbError;
use crate::schema::idempotency_keys as k;
use crate::util::now;

/// How long a key is remembered.
pub const RETENTION_HOURS: i64 = 24;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Begin {
    /// First use: handle the request, then `finish` or `abandon`.
    New,
    /// Seen and answered: replay this.
    Replay {
        status: i32,
        content_type: Option<String>,
        body: String,
        /// The permission the first request passed (its code), to check again.
        permission: Option<String>,
    },
    /// The same key with a different request.
    Mismatch,
    /// The first request with this key is still being handled.
    InProgress,
}

/// Claims `key` for `owner`, or tells what happened to an earlier request with it.
pub fn begin(
    conn: &mut DbConn,
    owner: &str,
    key: &str,
    request_hash: &str,
) -> Result<Begin, DbError> {
    // Forget this owner's key if it is older than the retention.
    diesel::delete(
        k::table
            .filter(k::owner.eq(owner))
            .filter(k::idem_key.eq(key))
            .filter(k::created_at.lt(now() - Duration::hours(RETENTION_HOURS))),
    )
    .execute(conn)?;
    let inserted = diesel::insert_into(k::table)
        .values((
            k::owner.eq(owner),
            k::idem_key.eq(key),
            k::request_hash.eq(request_hash),
            k::created_at.eq(now()),
        ))
        .execute(conn);
    match inserted.map_err(DbError::from) {
        Ok(_) => Ok(Begin::New),
        Err(DbError::Duplicate(_)) => {
            let (hash, status, content_type, body, permission): (
                String,
                Option<i32>,
                Option<String>,
                Option<String>,
                Option<String>,
            ) = k::table
                .find((owner, key))
                .select((
                    k::request_hash,
                    k::status,
                    k::content_type,
                    k::response_body,
                    k::permission,
                ))
                .first(conn)?;
            Ok(if hash != request_hash {
                Begin::Mismatch
            } else {
                match status {
                    None => Begin::InProgress,
                    Some(status) => Begin::Replay {
                        status,
                        content_type,
                        body: body.unwrap_or_default(),
                        permission,
                    },
                }
            })
        }
        Err(e) => Err(e),
    }
}

/// Stores the answer to replay.
pub fn finish(
    conn: &mut DbConn,
    owner: &str,
    key: &str,
    status: i32,
    content_type: Option<&str>,
    body: &str,
    permission: Option<&str>,
) -> Result<(), DbError> {
    diesel::update(k::table.find((owner, key)))
        .set((
            k::status.eq(Some(status)),
            k::content_type.eq(content_type),
            k::response_body.eq(Some(body)),
            k::permission.eq(permission),
        ))
        .execute(conn)?;
    Ok(())
}

/// Forgets a key whose request failed, so that the client may retry with it.
pub fn abandon(conn: &mut DbConn, owner: &str, key: &str) -> Result<(), DbError> {
    diesel::delete(k::table.find((owner, key))).execute(conn)?;
    Ok(())
}
