//! API keys of machine clients, stored as SHA-256 hashes.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use hcrm_domain::ApiScope;
use hcrm_domain::api::auth::ApiKey;
use uuid::Uuid;

use crate::conn::DbConn;
use crate::error::DbError;
use crate::ids::{ApiKeyId, UserId};
use crate::schema::api_keys;
use crate::util::{now, utc};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = api_keys)]
struct Row {
    id: ApiKeyId,
    user_id: UserId,
    name: String,
    prefix: String,
    key_hash: String,
    created_by: Option<UserId>,
    created_at: NaiveDateTime,
    expires_at: Option<NaiveDateTime>,
    last_used_at: Option<NaiveDateTime>,
    revoked_at: Option<NaiveDateTime>,
    scopes: String,
}

impl Row {
    fn into_dto(self) -> Result<ApiKey, DbError> {
        Ok(ApiKey {
            id: self.id.0,
            user_id: self.user_id.0,
            name: self.name,
            prefix: self.prefix,
            created_at: utc(self.created_at),
            expires_at: self.expires_at.map(utc),
            last_used_at: self.last_used_at.map(utc),
            revoked_at: self.revoked_at.map(utc),
            scopes: decode_scopes(&self.scopes)?,
        })
    }
}

/// A new key of `user_id`: what is stored of it (its first characters and its hash, never the
/// key), its name, expiry and scopes (checked against the user's roles by the API).
#[derive(Debug, Clone)]
pub struct NewKey<'a> {
    pub user_id: Uuid,
    pub name: &'a str,
    pub prefix: &'a str,
    pub key_hash: String,
    pub expires_at: Option<NaiveDateTime>,
    pub scopes: &'a [ApiScope],
    pub created_by: Uuid,
}

pub fn create(conn: &mut DbConn, new: NewKey) -> Result<ApiKey, DbError> {
    let row = Row {
        id: ApiKeyId::new(),
        user_id: new.user_id.into(),
        name: new.name.trim().to_string(),
        prefix: new.prefix.to_string(),
        key_hash: new.key_hash,
        created_by: Some(new.created_by.into()),
        created_at: now(),
        expires_at: new.expires_at,
        last_used_at: None,
        revoked_at: None,
        scopes: serde_json::to_string(new.scopes).map_err(|e| DbError::Corrupt(e.to_string()))?,
    };
    diesel::insert_into(api_keys::table)
        .values(&row)
        .execute(conn)?;
    row.into_dto()
}

pub fn list_for_user(conn: &mut DbConn, user_id: Uuid) -> Result<Vec<ApiKey>, DbError> {
    api_keys::table
        .filter(api_keys::user_id.eq(UserId::from(user_id)))
        .order(api_keys::id.desc())
        .select(Row::as_select())
        .load::<Row>(conn)?
        .into_iter()
        .map(Row::into_dto)
        .collect()
}

pub fn get(conn: &mut DbConn, id: Uuid) -> Result<ApiKey, DbError> {
    api_keys::table
        .find(ApiKeyId::from(id))
        .select(Row::as_select())
        .first::<Row>(conn)?
        .into_dto()
}

pub fn revoke(conn: &mut DbConn, id: Uuid) -> Result<ApiKey, DbError> {
    diesel::update(
        api_keys::table
            .find(ApiKeyId::from(id))
            .filter(api_keys::revoked_at.is_null()),
    )
    .set(api_keys::revoked_at.eq(Some(now())))
    .execute(conn)?;
    get(conn, id)
}

/// A live key that authenticated a request: which key (for the audit trail), its user and its
/// scopes.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyUse {
    pub id: Uuid,
    pub name: String,
    pub user_id: Uuid,
    pub scopes: Vec<ApiScope>,
}

/// The key of `key_hash` if it is live (not revoked, not expired); records its use at most
/// once a minute (a key used more often writes nothing more).
pub fn authenticate(conn: &mut DbConn, key_hash: &str) -> Result<Option<KeyUse>, DbError> {
    let t = now();
    type Found = (ApiKeyId, UserId, String, String, Option<NaiveDateTime>);
    let found: Option<Found> = api_keys::table
        .filter(api_keys::key_hash.eq(key_hash))
        .filter(api_keys::revoked_at.is_null())
        .filter(
            api_keys::expires_at
                .is_null()
                .or(api_keys::expires_at.gt(t)),
        )
        .select((
            api_keys::id,
            api_keys::user_id,
            api_keys::name,
            api_keys::scopes,
            api_keys::last_used_at,
        ))
        .first(conn)
        .optional()?;
    let Some((id, user, name, scopes, last_used)) = found else {
        return Ok(None);
    };
    let stale = t - chrono::Duration::minutes(1);
    if last_used.is_none_or(|at| at < stale) {
        // Two requests in the same minute may both get here; the filter makes one of them
        // write.
        diesel::update(
            api_keys::table.find(id).filter(
                api_keys::last_used_at
                    .is_null()
                    .or(api_keys::last_used_at.lt(stale)),
            ),
        )
        .set(api_keys::last_used_at.eq(Some(t)))
        .execute(conn)?;
    }
    Ok(Some(KeyUse {
        id: id.0,
        name,
        user_id: user.0,
        scopes: decode_scopes(&scopes)?,
    }))
}

/// The stored scope codes, in the enum's order.
fn decode_scopes(text: &str) -> Result<Vec<ApiScope>, DbError> {
    let mut scopes: Vec<ApiScope> = serde_json::from_str(text)
        .map_err(|_| DbError::Corrupt(format!("api key scopes {text:?}")))?;
    scopes.sort();
    scopes.dedup();
    Ok(scopes)
}
