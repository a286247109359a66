//! 候补 — the waitlist of a session (SVC-2a): patients join and leave it; when a place is
//! freed (a cancellation, a reschedule away) the first patient waiting whose group fits is
//! offered it, once, as a task for the agent who put them on the list.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use hcrm_domain::Scope;
use hcrm_domain::api::appointments::{AppointmentCustomer, WaitlistEntry};
use hcrm_domain::appointment::WaitlistStatus;
use uuid::Uuid;

use super::sessions;
use crate::conn::DbConn;
use crate::error::DbError;
use crate::ids::{CustomerId, InstitutionId, SessionId, UserId, WaitlistEntryId};
use crate::kit::decode;
use crate::schema::customers as c;
use crate::schema::waitlist_entries as w;
use crate::util::{now, utc};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = w)]
pub(crate) struct Row {
    pub id: WaitlistEntryId,
    pub institution_id: InstitutionId,
    pub session_id: SessionId,
    pub customer_id: CustomerId,
    pub places: i32,
    pub note: Option<String>,
    pub status: String,
    pub offered_at: Option<NaiveDateTime>,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

fn dtos(conn: &mut DbConn, rows: Vec<Row>) -> Result<Vec<WaitlistEntry>, DbError> {
    let ids: Vec<CustomerId> = rows.iter().map(|r| r.customer_id).collect();
    let customers: Vec<(CustomerId, String, String)> = c::table
        .filter(c::id.eq_any(ids))
        .select((c::id, c::name, c::kind))
        .load(conn)?;
    rows.into_iter()
        .map(|r| {
            let (_, name, kind) = customers
                .iter()
                .find(|x| x.0 == r.customer_id)
                .ok_or_else(|| DbError::Corrupt(format!("customer of waitlist entry {}", r.id)))?;
            Ok(WaitlistEntry {
                id: r.id.0,
                institution_id: r.institution_id.0,
                session_id: r.session_id.0,
                customer: AppointmentCustomer {
                    id: r.customer_id.0,
                    name: name.clone(),
                    kind: decode(kind)?,
                },
                places: r.places,
                note: r.note,
                status: decode(&r.status)?,
                offered_at: r.offered_at.map(utc),
                created_by: r.created_by.map(|u| u.0),
                created_at: utc(r.created_at),
            })
        })
        .collect()
}

/// The waitlist of a session in `scope`, first come first.
pub fn of_session(
    conn: &mut DbConn,
    scope: &Scope,
    session: Uuid,
) -> Result<Vec<WaitlistEntry>, DbError> {
    sessions::get(conn, scope, session)?;
    let rows: Vec<Row> = w::table
        .filter(w::session_id.eq(SessionId::from(session)))
        .order((w::created_at.asc(), w::id.asc()))
        .select(Row::as_select())
        .load(conn)?;
    dtos(conn, rows)
}

/// One entry; `NotFound` outside `scope`.
pub fn get(conn: &mut DbConn, scope: &Scope, id: Uuid) -> Result<WaitlistEntry, DbError> {
    let row: Row = w::table
        .find(WaitlistEntryId::from(id))
        .select(Row::as_select())
        .first(conn)?;
    if !scope.allows(row.institution_id.0) {
        return Err(DbError::NotFound);
    }
    dtos(conn, vec![row])?.pop().ok_or(DbError::NotFound)
}

/// Puts the customer (of the session's institution, checked by the caller) on the list;
/// `Duplicate` when they wait there already.
pub fn join(
    conn: &mut DbConn,
    institution: InstitutionId,
    session: SessionId,
    customer: CustomerId,
    places: i32,
    note: Option<String>,
    by: Option<Uuid>,
) -> Result<Uuid, DbError> {
    let at = now();
    let row = Row {
        id: WaitlistEntryId::new(),
        institution_id: institution,
        session_id: session,
        customer_id: customer,
        places,
        note: note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty()),
        status: WaitlistStatus::Waiting.code().to_string(),
        offered_at: None,
        created_by: by.map(UserId::from),
        created_at: at,
        updated_at: at,
    };
    diesel::insert_into(w::table).values(&row).execute(conn)?;
    Ok(row.id.0)
}

/// Takes the entry off the list (it stays, `left`, for the record).
pub fn leave(
    conn: &mut DbConn,
    scope: &Scope,
    id: Uuid,
) -> Result<(WaitlistEntry, WaitlistEntry), DbError> {
    let before = get(conn, scope, id)?;
    diesel::update(w::table.find(WaitlistEntryId::from(id)))
        .set((
            w::status.eq(WaitlistStatus::Left.code()),
            w::updated_at.eq(now()),
        ))
        .execute(conn)?;
    Ok((before, get(conn, scope, id)?))
}

/// SVC-2a: the first patient waiting for `session` whose places fit the free ones is offered
/// them as a task for the agent, once: the entry moves from `waiting` to `offered` by a
/// guarded UPDATE in the transaction that freed the place.
pub(crate) fn offer_freed_place(
    conn: &mut DbConn,
    session: SessionId,
    today: NaiveDate,
) -> Result<Option<Uuid>, DbError> {
    let row = sessions::row(conn, session)?;
    let free = row.capacity - row.booked;
    if free <= 0 || row.status != hcrm_domain::appointment::SessionStatus::Open.code() {
        return Ok(None);
    }
    let first: Option<Row> = w::table
        .filter(w::session_id.eq(session))
        .filter(w::status.eq(WaitlistStatus::Waiting.code()))
        .filter(w::places.le(free))
        .order((w::created_at.asc(), w::id.asc()))
        .select(Row::as_select())
        .first(conn)
        .optional()?;
    let Some(entry) = first else {
        return Ok(None);
    };
    let at = now();
    let offered = diesel::update(
        w::table
            .filter(w::id.eq(entry.id))
            .filter(w::status.eq(WaitlistStatus::Waiting.code())),
    )
    .set((
        w::status.eq(WaitlistStatus::Offered.code()),
        w::offered_at.eq(Some(at)),
        w::updated_at.eq(at),
    ))
    .execute(conn)?;
    if offered == 0 {
        return Ok(None);
    }
    let task = super::agent_task(
        conn,
        super::AgentTask {
            institution: entry.institution_id,
            owner: entry.created_by,
            customer: entry.customer_id,
            title_zh: "候补有空位：请联系患者预约",
            title_en: "A place is free: offer it to the waiting patient",
            session: &row,
            source_type: "waitlist_offer",
            source_id: entry.id.to_string(),
            due_on: today,
        },
    )?;
    Ok(Some(task))
}

/// Waiting entries of sessions just cancelled leave the list.
pub(crate) fn close_for(conn: &mut DbConn, session_ids: &[SessionId]) -> Result<usize, DbError> {
    Ok(diesel::update(
        w::table
            .filter(w::session_id.eq_any(session_ids.to_vec()))
            .filter(w::status.eq(WaitlistStatus::Waiting.code())),
    )
    .set((
        w::status.eq(WaitlistStatus::Left.code()),
        w::updated_at.eq(now()),
    ))
    .execute(conn)?)
}
