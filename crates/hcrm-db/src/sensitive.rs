//! The customer's sensitive sheets, one row per customer: the medical-sensitive profile
//! (CUS-5) and the VIP private notes. Who may read them is the API's rule; here they are
//! read and written at a version. A customer without a row has an empty sheet at
//! version 0.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use uuid::Uuid;

use crate::conn::DbConn;
use crate::error::DbError;
use crate::ids::{CustomerId, UserId};
use crate::kit::versioned_update;
use crate::schema::customers as c;
use crate::util::{now, utc};

/// A text as stored: blank is no text.
fn cleaned(v: &Option<String>) -> Option<String> {
    v.as_ref().filter(|s| !s.trim().is_empty()).cloned()
}

/// The assigned account manager of a customer (X-6: the one account manager who sees its
/// private notes).
pub fn account_manager_of(conn: &mut DbConn, customer: Uuid) -> Result<Option<Uuid>, DbError> {
    let m: Option<UserId> = c::table
        .find(CustomerId::from(customer))
        .select(c::account_manager_id)
        .first(conn)?;
    Ok(m.map(Uuid::from))
}

/// Writes `get` and `put` for one sheet table whose text columns are named like the fields of
/// the API's sheet and update types.
macro_rules! sheet {
    ($(#[doc = $doc:literal])* $module:ident, $table:ident, $sheet:ident, $update:ident, [$($field:ident),+]) => {
        $(#[doc = $doc])*
        pub mod $module {
            use super::*;
            use crate::schema::$table as t;
            use hcrm_domain::api::sensitive::{$sheet, $update};

            #[derive(Queryable, Selectable, Insertable)]
            #[diesel(table_name = t)]
            struct Row {
                customer_id: CustomerId,
                $($field: Option<String>,)+
                version: i32,
                updated_by: Option<UserId>,
                updated_at: NaiveDateTime,
            }

            #[derive(AsChangeset)]
            #[diesel(table_name = t, treat_none_as_null = true)]
            struct Changes {
                $($field: Option<String>,)+
                version: i32,
                updated_by: Option<UserId>,
                updated_at: NaiveDateTime,
            }

            /// The sheet of `customer`; empty at version 0 when never written.
            pub fn get(conn: &mut DbConn, customer: Uuid) -> Result<$sheet, DbError> {
                let row: Option<Row> = t::table
                    .find(CustomerId::from(customer))
                    .select(Row::as_select())
                    .first(conn)
                    .optional()?;
                let Some(row) = row else {
                    return Ok($sheet::default());
                };
                Ok($sheet {
                    $($field: row.$field,)+
                    version: row.version,
                    updated_at: Some(utc(row.updated_at)),
                    updated_by: row.updated_by.map(Uuid::from),
                })
            }

            /// Replaces the sheet read at `expected` (0: not written yet); `Stale` when it
            /// changed since. Returns (before, after). Run inside a write transaction.
            pub fn put(
                conn: &mut DbConn,
                customer: Uuid,
                expected: i32,
                u: &$update,
                by: Uuid,
            ) -> Result<($sheet, $sheet), DbError> {
                let key = CustomerId::from(customer);
                let before = versioned_update(
                    conn,
                    expected,
                    |c| get(c, customer),
                    |r| r.version,
                    |conn, _| {
                        if expected == 0 {
                            let row = Row {
                                customer_id: key,
                                $($field: cleaned(&u.$field),)+
                                version: 1,
                                updated_by: Some(UserId::from(by)),
                                updated_at: now(),
                            };
                            // Someone else wrote the first version meanwhile: as stale as any
                            // other.
                            diesel::insert_into(t::table)
                                .values(&row)
                                .execute(conn)
                                .map_err(|e| match DbError::from(e) {
                                    DbError::Duplicate(_) => DbError::Stale { current: 1 },
                                    other => other,
                                })
                        } else {
                            Ok(diesel::update(
                                t::table
                                    .filter(t::customer_id.eq(&key))
                                    .filter(t::version.eq(expected)),
                            )
                            .set(Changes {
                                $($field: cleaned(&u.$field),)+
                                version: expected + 1,
                                updated_by: Some(UserId::from(by)),
                                updated_at: now(),
                            })
                            .execute(conn)?)
                        }
                    },
                )?;
                let after = get(conn, customer)?;
                Ok((before, after))
            }
        }
    };
}

sheet!(
    /// CUS-5: allergies, family history, chronic conditions, information needs.
    medical,
    customer_medical,
    MedicalProfile,
    MedicalProfileUpdate,
    [allergies, family_history, chronic_conditions, information_needs]
);

sheet!(
    /// preferences, habits, family background, special requirements of a VIP.
    private_notes,
    customer_private_notes,
    PrivateNotes,
    PrivateNotesUpdate,
    [preferences, habits, family_background, special_requirements]
);
