//! 站内通知 — a user's in-app notifications (issue 10, CMP-5b), the storage of the shared
//! piece: [`notify`] adds one per recipient inside the caller's write transaction (so that it
//! exists exactly when what it tells does — a second server's escalation rolls back with its
//! notifications), and the recipient lists, counts and marks them read. A notification is
//! only ever its recipient's: every read and change is filtered by the user.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use hcrm_domain::api::notifications::{Notification, NotificationKind};
use uuid::Uuid;

use crate::conn::{Db, DbConn};
use crate::error::DbError;
use crate::ids::{InstitutionId, NotificationId, UserId};
use crate::kit::{counted_page, decode};
use crate::schema::notifications as n;
use crate::util::{ListWindow, utc};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = n)]
#[diesel(treat_none_as_default_value = false)]
struct Row {
    id: NotificationId,
    user_id: UserId,
    institution_id: InstitutionId,
    kind: String,
    title_zh: String,
    title_en: String,
    source_type: Option<String>,
    source_id: Option<String>,
    created_at: NaiveDateTime,
    read_at: Option<NaiveDateTime>,
}

impl Row {
    fn dto(self) -> Result<Notification, DbError> {
        Ok(Notification {
            id: self.id.0,
            kind: decode::<NotificationKind>(&self.kind)?,
            title_zh: self.title_zh,
            title_en: self.title_en,
            source_type: self.source_type,
            source_id: self.source_id,
            institution_id: self.institution_id.0,
            created_at: utc(self.created_at),
            read_at: self.read_at.map(utc),
        })
    }
}

/// What a notification tells, the same for each recipient.
#[derive(Debug, Clone)]
pub struct NewNotification {
    pub institution_id: Uuid,
    pub kind: NotificationKind,
    pub title_zh: String,
    pub title_en: String,
    pub source_type: Option<String>,
    pub source_id: Option<String>,
}

/// To the microsecond both backends keep.
fn micros(t: DateTime<Utc>) -> NaiveDateTime {
    use chrono::Timelike;
    let n = t.naive_utc();
    n.with_nanosecond(n.nanosecond() / 1000 * 1000).unwrap_or(n)
}

/// One notification per recipient, made at `at`; run inside the write transaction of what it
/// tells. Returns how many were made.
pub fn notify(
    conn: &mut DbConn,
    recipients: &[UserId],
    what: &NewNotification,
    at: DateTime<Utc>,
) -> Result<usize, DbError> {
    for user in recipients {
        diesel::insert_into(n::table)
            .values(Row {
                id: NotificationId::new(),
                user_id: *user,
                institution_id: InstitutionId::from(what.institution_id),
                kind: what.kind.code().to_string(),
                title_zh: what.title_zh.clone(),
                title_en: what.title_en.clone(),
                source_type: what.source_type.clone(),
                source_id: what.source_id.clone(),
                created_at: micros(at),
                read_at: None,
            })
            .execute(conn)?;
    }
    Ok(recipients.len())
}

fn mine<'a>(user: Uuid, unread: Option<bool>) -> n::BoxedQuery<'a, Db> {
    let mut q = n::table
        .filter(n::user_id.eq(UserId::from(user)))
        .into_boxed();
    match unread {
        Some(true) => q = q.filter(n::read_at.is_null()),
        Some(false) => q = q.filter(n::read_at.is_not_null()),
        None => {}
    }
    q
}

/// The user's notifications, newest first (`unread`: only unread, or only read ones).
pub fn list(
    conn: &mut DbConn,
    user: Uuid,
    unread: Option<bool>,
    window: ListWindow,
) -> Result<(Vec<Notification>, i64), DbError> {
    let (rows, total) = counted_page!(
        conn,
        mine(user, unread),
        |q| q.order((n::created_at.desc(), n::id.desc())),
        Row,
        window
    );
    let items = rows.into_iter().map(Row::dto).collect::<Result<_, _>>()?;
    Ok((items, total))
}

/// How many notifications the user has not read.
pub fn unread_count(conn: &mut DbConn, user: Uuid) -> Result<i64, DbError> {
    Ok(mine(user, Some(true)).count().get_result(conn)?)
}

/// Marks the user's notification `id` read at `at` (a read one keeps its first reading);
/// `NotFound` when it is not theirs.
pub fn mark_read(
    conn: &mut DbConn,
    user: Uuid,
    id: Uuid,
    at: DateTime<Utc>,
) -> Result<Notification, DbError> {
    let id = NotificationId::from(id);
    let user = UserId::from(user);
    diesel::update(
        n::table
            .filter(n::id.eq(id))
            .filter(n::user_id.eq(user))
            .filter(n::read_at.is_null()),
    )
    .set(n::read_at.eq(Some(micros(at))))
    .execute(conn)?;
    let row: Row = n::table
        .filter(n::id.eq(id))
        .filter(n::user_id.eq(user))
        .select(Row::as_select())
        .first(conn)?;
    row.dto()
}

/// Marks every unread notification of the user read at `at`; how many.
pub fn mark_all_read(conn: &mut DbConn, user: Uuid, at: DateTime<Utc>) -> Result<i64, DbError> {
    let changed = diesel::update(
        n::table
            .filter(n::user_id.eq(UserId::from(user)))
            .filter(n::read_at.is_null()),
    )
    .set(n::read_at.eq(Some(micros(at))))
    .execute(conn)?;
    Ok(changed as i64)
}
