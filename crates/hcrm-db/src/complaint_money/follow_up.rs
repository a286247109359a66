//! The complainant's wish for a follow-up call on the handling, recorded as the case closes.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use hcrm_domain::api::complaint_money::FollowUpWish;
use uuid::Uuid;

use crate::conn::DbConn;
use crate::error::DbError;
use crate::ids::{ComplaintId, InstitutionId, UserId};
use crate::kit::versioned_update;
use crate::schema::complaint_follow_up_wishes as f;
use crate::util::{now, utc};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = f)]
struct Row {
    complaint_id: ComplaintId,
    institution_id: InstitutionId,
    wanted: bool,
    note: Option<String>,
    recorded_by: Option<UserId>,
    recorded_at: NaiveDateTime,
    version: i32,
}

/// The wish of case `complaint` (the caller has read the case in scope); `wanted: None`,
/// version 0 while none is recorded.
pub fn get(conn: &mut DbConn, complaint: Uuid) -> Result<FollowUpWish, DbError> {
    let row = f::table
        .find(ComplaintId::from(complaint))
        .select(Row::as_select())
        .first::<Row>(conn)
        .optional()?;
    Ok(match row {
        Some(r) => FollowUpWish {
            complaint_id: r.complaint_id.0,
            wanted: Some(r.wanted),
            note: r.note,
            recorded_by: r.recorded_by.map(Uuid::from),
            recorded_at: Some(utc(r.recorded_at)),
            version: r.version,
        },
        None => FollowUpWish {
            complaint_id: complaint,
            wanted: None,
            note: None,
            recorded_by: None,
            recorded_at: None,
            version: 0,
        },
    })
}

/// Records the wish at `expected` (0 the first time); returns (before, after).
pub fn put(
    conn: &mut DbConn,
    complaint: Uuid,
    institution: Uuid,
    expected: i32,
    wanted: bool,
    note: Option<String>,
    by: Uuid,
) -> Result<(FollowUpWish, FollowUpWish), DbError> {
    let before = versioned_update(
        conn,
        expected,
        |c| get(c, complaint),
        |w| w.version,
        |conn, before| {
            let at = now();
            let note = note.as_ref().map(|s| s.trim().to_string());
            if before.version == 0 {
                diesel::insert_into(f::table)
                    .values(&Row {
                        complaint_id: complaint.into(),
                        institution_id: institution.into(),
                        wanted,
                        note,
                        recorded_by: Some(by.into()),
                        recorded_at: at,
                        version: 1,
                    })
                    .execute(conn)
                    .map_err(DbError::from)
            } else {
                Ok(diesel::update(
                    f::table
                        .filter(f::complaint_id.eq(ComplaintId::from(complaint)))
                        .filter(f::version.eq(expected)),
                )
                .set((
                    f::wanted.eq(wanted),
                    f::note.eq(note),
                    f::recorded_by.eq(Some(UserId::from(by))),
                    f::recorded_at.eq(at),
                    f::version.eq(expected + 1),
                ))
                .execute(conn)?)
            }
        },
    )?;
    let after = get(conn, complaint)?;
    Ok((before, after))
}
