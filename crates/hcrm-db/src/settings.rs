//! Settings edited by admins (ORG-3 calendars, CMP-5 limits … later; X-6c now), stored as
//! versioned JSON documents by key.

use diesel::prelude::*;

use hcrm_domain::api::auth::SecuritySettings;

use crate::conn::DbConn;
use crate::error::DbError;
use crate::kit::versioned_update;
use crate::schema::settings;
use crate::util::now;

/// The key of the sign-in policy (X-6c).
pub const SECURITY: &str = "security";

/// The sign-in policy; the defaults (no role required) until an admin saves it.
pub fn security(conn: &mut DbConn) -> Result<SecuritySettings, DbError> {
    Ok(match get(conn, SECURITY)? {
        None => SecuritySettings {
            totp_required_roles: vec![],
            version: 0,
        },
        Some((value, version)) => SecuritySettings {
            totp_required_roles: serde_json::from_value(value["totp_required_roles"].clone())
                .unwrap_or_default(),
            version,
        },
    })
}

/// The stored value and its version, or `None` when never set.
pub fn get(conn: &mut DbConn, key: &str) -> Result<Option<(serde_json::Value, i32)>, DbError> {
    let row: Option<(String, i32)> = settings::table
        .find(key)
        .select((settings::value, settings::version))
        .first(conn)
        .optional()?;
    row.map(|(v, version)| {
        serde_json::from_str(&v)
            .map(|v| (v, version))
            .map_err(|e| DbError::Corrupt(e.to_string()))
    })
    .transpose()
}

/// Writes `value` if the stored version is `expected` (0 when never set); returns the new
/// version. Run inside a write transaction.
pub fn put(
    conn: &mut DbConn,
    key: &str,
    value: &serde_json::Value,
    expected: i32,
) -> Result<i32, DbError> {
    let current = versioned_update(
        conn,
        expected,
        |c| Ok(get(c, key)?.map_or(0, |(_, v)| v)),
        |v| *v,
        |conn, &current| {
            if current == 0 {
                diesel::insert_into(settings::table)
                    .values((
                        settings::key.eq(key),
                        settings::value.eq(value.to_string()),
                        settings::version.eq(1),
                        settings::updated_at.eq(now()),
                    ))
                    .execute(conn)
                    .map_err(DbError::from)
            } else {
                Ok(diesel::update(
                    settings::table
                        .find(key)
                        .filter(settings::version.eq(expected)),
                )
                .set((
                    settings::value.eq(value.to_string()),
                    settings::version.eq(expected + 1),
                    settings::updated_at.eq(now()),
                ))
                .execute(conn)?)
            }
        },
    )?;
    Ok(current + 1)
}
