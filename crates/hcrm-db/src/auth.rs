//! refresh tokens (stored hashed, rotated, revoked by family) and sign-in attempts.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use uuid::Uuid;

use crate::conn::DbConn;
use crate::error::DbError;
use crate::ids::{RefreshTokenId, UserId};
use crate::schema::{login_attempts, refresh_tokens};
use crate::util::{new_id, now};

/// A stored refresh token (only its hash is kept).
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = refresh_tokens)]
pub struct RefreshToken {
    pub id: RefreshTokenId,
    pub user_id: UserId,
    /// Every token rotated from one sign-in shares the family; reuse revokes all of it.
    pub family_id: String,
    pub token_hash: String,
    pub expires_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

impl RefreshToken {
    pub fn user(&self) -> Result<Uuid, DbError> {
        Ok(self.user_id.0)
    }
}

pub fn insert_refresh(
    conn: &mut DbConn,
    user_id: Uuid,
    family_id: &str,
    token_hash: String,
    expires_at: NaiveDateTime,
) -> Result<(), DbError> {
    let row = RefreshToken {
        id: RefreshTokenId::new(),
        user_id: user_id.into(),
        family_id: family_id.to_string(),
        token_hash,
        expires_at,
        created_at: now(),
        used_at: None,
        revoked_at: None,
    };
    diesel::insert_into(refresh_tokens::table)
        .values(&row)
        .execute(conn)?;
    Ok(())
}

pub fn find_refresh(conn: &mut DbConn, token_hash: &str) -> Result<Option<RefreshToken>, DbError> {
    Ok(refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .select(RefreshToken::as_select())
        .first(conn)
        .optional()?)
}

/// Marks a token used if nobody did first; false means it was already used or revoked
/// (two refreshes racing with one token count as reuse).
pub fn consume_refresh(conn: &mut DbConn, id: RefreshTokenId) -> Result<bool, DbError> {
    let n = diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::id.eq(id))
            .filter(refresh_tokens::used_at.is_null())
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::used_at.eq(Some(now())))
    .execute(conn)?;
    Ok(n == 1)
}

pub fn revoke_family(conn: &mut DbConn, family_id: &str) -> Result<usize, DbError> {
    Ok(diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::family_id.eq(family_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(Some(now())))
    .execute(conn)?)
}

/// Revokes every refresh token of a user (password change, deactivation).
pub fn revoke_user(conn: &mut DbConn, user_id: Uuid) -> Result<usize, DbError> {
    Ok(diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::user_id.eq(UserId::from(user_id)))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(Some(now())))
    .execute(conn)?)
}

/// How many failed sign-ins are allowed within a window, per username and per client address.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub window_secs: i64,
    pub per_username: usize,
    pub per_address: usize,
}

/// A sign-in may check its password (its attempt is recorded, as failed until
/// [`succeed_attempt`]), or must wait this many seconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reservation {
    Reserved(String),
    Throttled { retry_after_secs: u64 },
}

/// One reservation at a time on PostgreSQL (SQLite's write lock already serialises them):
/// counting and recording must be one step, or parallel attempts all see the same count.
fn serialise_reservations(conn: &mut DbConn) -> Result<(), DbError> {
    if matches!(conn, DbConn::Postgresql(_)) {
        diesel::sql_query("SELECT pg_advisory_xact_lock(731001)").execute(conn)?;
    }
    Ok(())
}

/// reserves a password check for `username` from `remote_addr` before the password is
/// verified — whatever the concurrency, at most `per_username` checks of a username (since its
/// last success) and `per_address` failed checks from one address run within the window.
/// Call inside a write transaction.
pub fn reserve_attempt(
    conn: &mut DbConn,
    username: &str,
    remote_addr: Option<&str>,
    limits: Limits,
) -> Result<Reservation, DbError> {
    serialise_reservations(conn)?;
    let t = now();
    let window = Duration::seconds(limits.window_secs);
    let since = t - window;
    let wait_for = |oldest: NaiveDateTime| Reservation::Throttled {
        retry_after_secs: (oldest + window - t).num_seconds().max(1) as u64,
    };
    let failures = recent_failures(conn, username, since)?;
    if failures.len() >= limits.per_username {
        return Ok(wait_for(failures[failures.len() - limits.per_username]));
    }
    if let Some(addr) = remote_addr {
        let from_addr: Vec<NaiveDateTime> = login_attempts::table
            .filter(login_attempts::remote_addr.eq(addr))
            .filter(login_attempts::succeeded.eq(false))
            .filter(login_attempts::at.ge(since))
            .order(login_attempts::at.desc())
            .select(login_attempts::at)
            .limit(limits.per_address as i64)
            .load(conn)?;
        if from_addr.len() >= limits.per_address
            && let Some(oldest) = from_addr.last()
        {
            return Ok(wait_for(*oldest));
        }
    }
    let id = new_id();
    diesel::insert_into(login_attempts::table)
        .values((
            login_attempts::id.eq(&id),
            login_attempts::username.eq(username),
            login_attempts::succeeded.eq(false),
            login_attempts::remote_addr.eq(remote_addr),
            login_attempts::at.eq(t),
        ))
        .execute(conn)?;
    Ok(Reservation::Reserved(id))
}

/// Marks a reserved attempt successful (it counted as failed while its check ran).
pub fn succeed_attempt(conn: &mut DbConn, id: &str) -> Result<(), DbError> {
    diesel::update(login_attempts::table.find(id))
        .set(login_attempts::succeeded.eq(true))
        .execute(conn)?;
    Ok(())
}

/// Drops a reserved attempt that was neither a failure nor a success (the second factor is
/// still to come).
pub fn forget_attempt(conn: &mut DbConn, id: &str) -> Result<(), DbError> {
    diesel::delete(login_attempts::table.find(id)).execute(conn)?;
    Ok(())
}

/// The times of failed sign-ins for `username` since `since` and after its last success,
/// oldest first.
pub fn recent_failures(
    conn: &mut DbConn,
    username: &str,
    since: NaiveDateTime,
) -> Result<Vec<NaiveDateTime>, DbError> {
    let last_success: Option<NaiveDateTime> = login_attempts::table
        .filter(login_attempts::username.eq(username))
        .filter(login_attempts::succeeded.eq(true))
        .filter(login_attempts::at.ge(since))
        .select(diesel::dsl::max(login_attempts::at))
        .first(conn)?;
    let from = last_success.map_or(since, |s| s.max(since));
    Ok(login_attempts::table
        .filter(login_attempts::username.eq(username))
        .filter(login_attempts::succeeded.eq(false))
        .filter(login_attempts::at.ge(from))
        .order(login_attempts::at.asc())
        .select(login_attempts::at)
        .load(conn)?)
}

/// Whether the sign-in `family` still holds a live refresh token: logout, reuse detection,
/// a password change or deactivation revoke them all, and the access tokens of the sign-in
/// stop with them.
pub fn session_live(conn: &mut DbConn, family_id: &str) -> Result<bool, DbError> {
    let n: i64 = refresh_tokens::table
        .filter(refresh_tokens::family_id.eq(family_id))
        .filter(refresh_tokens::revoked_at.is_null())
        .filter(refresh_tokens::expires_at.gt(now()))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}
