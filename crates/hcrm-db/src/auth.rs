//! refresh tokens (stored hashed, rotated, revoked by family) and sign-in attempts.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use uuid::Uuid;

use crate::conn::DbConn;
use crate::error::DbError;
use crate::schema::{login_attempts, refresh_tokens};
use crate::util::{new_id, now, parse_id};

/// A stored refresh token (only its hash is kept).
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = refresh_tokens)]
pub struct RefreshToken {
    pub id: String,
    pub user_id: String,
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
        parse_id(&self.user_id)
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
        id: new_id(),
        user_id: user_id.to_string(),
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
pub fn consume_refresh(conn: &mut DbConn, id: &str) -> Result<bool, DbError> {
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
            .filter(refresh_tokens::user_id.eq(user_id.to_string()))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(Some(now())))
    .execute(conn)?)
}

pub fn record_attempt(
    conn: &mut DbConn,
    username: &str,
    succeeded: bool,
    remote_addr: Option<&str>,
) -> Result<(), DbError> {
    diesel::insert_into(login_attempts::table)
        .values((
            login_attempts::id.eq(new_id()),
            login_attempts::username.eq(username),
            login_attempts::succeeded.eq(succeeded),
            login_attempts::remote_addr.eq(remote_addr),
            login_attempts::at.eq(now()),
        ))
        .execute(conn)?;
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
