//! 预约 — booking, moving and reading appointments (SVC-2). A place is taken only by the
//! guarded `UPDATE clinic_sessions SET booked = booked + n WHERE id = ? AND booked + n <=
//! capacity` in the booking's transaction: PostgreSQL re-checks the condition on the row it
//! locked, SQLite's write lock lines the transactions up, so no read-then-write can let two
//! bookings take the last place. One live booking per customer and session is the partial
//! unique index `appointments_one_per_session`.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use hcrm_domain::Scope;
use hcrm_domain::api::appointments::{Appointment, AppointmentCustomer, FreeSession};
use hcrm_domain::appointment::{
    AppointmentAction, AppointmentKind, AppointmentStatus, BookingRefused, SessionStatus, TooEarly,
    check_attendance, check_booking,
};
use hcrm_domain::customer::CustomerKind;
use uuid::Uuid;

use super::sessions::{self, SessionRow};
use super::waitlist;
use crate::conn::{Db, DbConn};
use crate::error::DbError;
use crate::ids::{
    AppointmentId, CustomerId, DepartmentId, DoctorId, InstitutionId, SessionId, UserId,
};
use crate::kit::{InScope, counted_page, decode};
use crate::schema::appointments as a;
use crate::schema::clinic_sessions as s;
use crate::schema::customers as c;
use crate::util::{ListWindow, now, utc};

/// How many next free sessions a 409 `session_full` names.
pub const OFFERED: i64 = 5;

/// Why a booking or a move was refused.
#[derive(Debug)]
pub enum BookingError {
    Db(DbError),
    /// The customer or session named is not one the caller may book (`field`).
    BadReference(&'static str),
    Refused(BookingRefused),
    /// No place left: the next sessions with free places.
    Full(Vec<FreeSession>),
    /// The customer holds a booking in this session already.
    AlreadyBooked,
    /// The appointment's status has no such move; `allowed` are the ones it has.
    InvalidTransition {
        from: AppointmentStatus,
        allowed: Vec<AppointmentAction>,
    },
    TooEarly(TooEarly),
    /// A reschedule to the session it is in.
    SameSession,
}

impl From<DbError> for BookingError {
    fn from(e: DbError) -> Self {
        BookingError::Db(e)
    }
}

impl From<diesel::result::Error> for BookingError {
    fn from(e: diesel::result::Error) -> Self {
        BookingError::Db(e.into())
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = a)]
pub(crate) struct Row {
    pub id: AppointmentId,
    pub institution_id: InstitutionId,
    pub customer_id: CustomerId,
    pub session_id: SessionId,
    pub kind: String,
    pub places: i32,
    pub status: String,
    pub note: Option<String>,
    pub cancel_reason: Option<String>,
    pub booked_by: Option<UserId>,
    pub reminded_at: Option<NaiveDateTime>,
    pub ended_at: Option<NaiveDateTime>,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A live customer's institution, name and kind.
pub(crate) fn customer(
    conn: &mut DbConn,
    id: CustomerId,
) -> Result<Option<(InstitutionId, String, CustomerKind)>, DbError> {
    let found: Option<(InstitutionId, String, String)> = c::table
        .find(id)
        .filter(c::merged_into_id.is_null())
        .filter(c::deleted_at.is_null())
        .select((c::institution_id, c::name, c::kind))
        .first(conn)
        .optional()?;
    found.map(|(i, n, k)| Ok((i, n, decode(&k)?))).transpose()
}

fn dtos(conn: &mut DbConn, rows: Vec<Row>) -> Result<Vec<Appointment>, DbError> {
    let session_ids: Vec<SessionId> = rows.iter().map(|r| r.session_id).collect();
    let session_rows: Vec<SessionRow> = s::table
        .filter(s::id.eq_any(session_ids))
        .select(SessionRow::as_select())
        .load(conn)?;
    let sessions = sessions::dtos(conn, session_rows)?;
    let customer_ids: Vec<CustomerId> = rows.iter().map(|r| r.customer_id).collect();
    let customers: Vec<(CustomerId, String, String)> = c::table
        .filter(c::id.eq_any(customer_ids))
        .select((c::id, c::name, c::kind))
        .load(conn)?;
    rows.into_iter()
        .map(|r| {
            let session = sessions
                .iter()
                .find(|x| x.id == r.session_id.0)
                .cloned()
                .ok_or_else(|| DbError::Corrupt(format!("session of appointment {}", r.id)))?;
            let (_, name, kind) = customers
                .iter()
                .find(|x| x.0 == r.customer_id)
                .ok_or_else(|| DbError::Corrupt(format!("customer of appointment {}", r.id)))?;
            let status: AppointmentStatus = decode(&r.status)?;
            Ok(Appointment {
                id: r.id.0,
                institution_id: r.institution_id.0,
                customer: AppointmentCustomer {
                    id: r.customer_id.0,
                    name: name.clone(),
                    kind: decode(kind)?,
                },
                session,
                kind: decode(&r.kind)?,
                places: r.places,
                status,
                note: r.note,
                cancel_reason: r.cancel_reason,
                booked_by: r.booked_by.map(|u| u.0),
                reminded_at: r.reminded_at.map(utc),
                ended_at: r.ended_at.map(utc),
                allowed_actions: AppointmentAction::allowed_from(status),
                version: r.version,
                created_at: utc(r.created_at),
                updated_at: utc(r.updated_at),
            })
        })
        .collect()
}

fn row(conn: &mut DbConn, scope: &Scope, id: AppointmentId) -> Result<Row, DbError> {
    let row: Row = a::table.find(id).select(Row::as_select()).first(conn)?;
    if scope.allows(row.institution_id.0) {
        Ok(row)
    } else {
        Err(DbError::NotFound)
    }
}

/// One appointment; `NotFound` outside `scope`.
pub fn get(conn: &mut DbConn, scope: &Scope, id: Uuid) -> Result<Appointment, DbError> {
    let r = row(conn, scope, AppointmentId::from(id))?;
    dtos(conn, vec![r])?.pop().ok_or(DbError::NotFound)
}

/// List filters; the days are the sessions' days.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub institution_id: Option<Uuid>,
    pub customer_id: Option<Uuid>,
    pub session_id: Option<Uuid>,
    pub department_id: Option<Uuid>,
    pub doctor_id: Option<Uuid>,
    pub status: Option<AppointmentStatus>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

type Joined = diesel::dsl::IntoBoxed<'static, diesel::dsl::InnerJoin<a::table, s::table>, Db>;

fn filtered(scope: &Scope, f: &Filter) -> Joined {
    let mut q = a::table.inner_join(s::table).into_boxed();
    q = q.in_scope(a::institution_id, scope);
    if let Some(x) = f.institution_id {
        q = q.filter(a::institution_id.eq(InstitutionId::from(x)));
    }
    if let Some(x) = f.customer_id {
        q = q.filter(a::customer_id.eq(CustomerId::from(x)));
    }
    if let Some(x) = f.session_id {
        q = q.filter(a::session_id.eq(SessionId::from(x)));
    }
    if let Some(x) = f.department_id {
        q = q.filter(s::department_id.eq(DepartmentId::from(x)));
    }
    if let Some(x) = f.doctor_id {
        q = q.filter(s::doctor_id.eq(DoctorId::from(x)));
    }
    if let Some(x) = f.status {
        q = q.filter(a::status.eq(x.code()));
    }
    if let Some(x) = f.from {
        q = q.filter(s::on_date.ge(x));
    }
    if let Some(x) = f.to {
        q = q.filter(s::on_date.le(x));
    }
    q
}

/// Appointments by their session's day and half-day.
pub fn list(
    conn: &mut DbConn,
    scope: &Scope,
    f: &Filter,
    window: ListWindow,
) -> Result<(Vec<Appointment>, i64), DbError> {
    let (rows, total) = counted_page!(
        conn,
        filtered(scope, f),
        |q| q.order((s::on_date.asc(), s::slot.asc(), a::id.asc())),
        Row,
        window
    );
    Ok((dtos(conn, rows)?, total))
}

/// A booking to make; the caller holds `service.write`.
#[derive(Debug, Clone)]
pub struct NewBooking {
    pub customer_id: Uuid,
    pub session_id: Uuid,
    pub kind: AppointmentKind,
    pub places: i32,
    pub note: Option<String>,
    pub booked_by: Option<Uuid>,
}

/// The session to book in `scope`, or `BadReference` on `field`.
fn session_in_scope(
    conn: &mut DbConn,
    scope: &Scope,
    id: Uuid,
    field: &'static str,
) -> Result<SessionRow, BookingError> {
    match sessions::row(conn, SessionId::from(id)) {
        Ok(r) if scope.allows(r.institution_id.0) => Ok(r),
        Ok(_) | Err(DbError::NotFound) => Err(BookingError::BadReference(field)),
        Err(e) => Err(e.into()),
    }
}

/// Takes `places` of `session` — the guarded UPDATE — or answers `Full` with the next free
/// sessions.
pub(crate) fn take_places(
    conn: &mut DbConn,
    session: &SessionRow,
    places: i32,
) -> Result<(), BookingError> {
    let taken = diesel::update(
        s::table
            .filter(s::id.eq(session.id))
            .filter(s::status.eq(SessionStatus::Open.code()))
            .filter((s::booked + places).le(s::capacity)),
    )
    .set(s::booked.eq(s::booked + places))
    .execute(conn)?;
    if taken == 1 {
        Ok(())
    } else {
        Err(BookingError::Full(sessions::next_free(
            conn, session, OFFERED,
        )?))
    }
}

/// Gives `places` of `session` back and offers them to the first patient waiting (SVC-2a).
pub(crate) fn release_places(
    conn: &mut DbConn,
    session: SessionId,
    places: i32,
    today: NaiveDate,
) -> Result<(), DbError> {
    diesel::update(
        s::table
            .filter(s::id.eq(session))
            .filter(s::booked.ge(places)),
    )
    .set(s::booked.eq(s::booked - places))
    .execute(conn)?;
    waitlist::offer_freed_place(conn, session, today)?;
    Ok(())
}

fn insert_error(e: diesel::result::Error) -> BookingError {
    match DbError::from(e) {
        DbError::Duplicate(_) => BookingError::AlreadyBooked,
        other => BookingError::Db(other),
    }
}

/// 预约 (SVC-2): books `n.places` in the session for the customer; run in a write
/// transaction (a refusal rolls back what was written).
pub fn book(conn: &mut DbConn, scope: &Scope, n: &NewBooking) -> Result<Uuid, BookingError> {
    let session = session_in_scope(conn, scope, n.session_id, "session_id")?;
    let (institution, _, kind) = match customer(conn, CustomerId::from(n.customer_id))? {
        Some(found) if found.0 == session.institution_id => found,
        _ => return Err(BookingError::BadReference("customer_id")),
    };
    let today = crate::institutions::today_of(conn, institution.0)?;
    check_booking(
        kind,
        n.places,
        session.on_date,
        decode(&session.status)?,
        today,
    )
    .map_err(BookingError::Refused)?;
    let at = now();
    let row = Row {
        id: AppointmentId::new(),
        institution_id: institution,
        customer_id: CustomerId::from(n.customer_id),
        session_id: session.id,
        kind: n.kind.code().to_string(),
        places: n.places,
        status: AppointmentStatus::Booked.code().to_string(),
        note: n
            .note
            .as_ref()
            .map(|x| x.trim().to_string())
            .filter(|x| !x.is_empty()),
        cancel_reason: None,
        booked_by: n.booked_by.map(UserId::from),
        reminded_at: None,
        ended_at: None,
        version: 1,
        created_at: at,
        updated_at: at,
    };
    diesel::insert_into(a::table)
        .values(&row)
        .execute(conn)
        .map_err(insert_error)?;
    take_places(conn, &session, n.places)?;
    super::raise_events(conn, row.id)?;
    Ok(row.id.0)
}

/// A move of an appointment.
#[derive(Debug, Clone)]
pub struct Move {
    pub action: AppointmentAction,
    pub session_id: Option<Uuid>,
    pub reason: Option<String>,
    pub expected_version: i32,
}

/// Reschedules, cancels, or records arrival or no-show; run in a write transaction. Returns
/// the appointment before and after.
pub fn transition(
    conn: &mut DbConn,
    scope: &Scope,
    id: Uuid,
    m: &Move,
) -> Result<(Appointment, Appointment), BookingError> {
    let current = row(conn, scope, AppointmentId::from(id))?;
    if current.version != m.expected_version {
        return Err(DbError::Stale {
            current: current.version,
        }
        .into());
    }
    let before = dtos(conn, vec![current.clone()])?
        .pop()
        .ok_or(DbError::NotFound)?;
    let status: AppointmentStatus = decode(&current.status)?;
    let allowed = AppointmentAction::allowed_from(status);
    if !allowed.contains(&m.action) {
        return Err(BookingError::InvalidTransition {
            from: status,
            allowed,
        });
    }
    let today = crate::institutions::today_of(conn, current.institution_id.0)?;
    let session = sessions::row(conn, current.session_id)?;
    let to = m.action.target(status);
    let at = now();
    let guarded = a::table
        .filter(a::id.eq(current.id))
        .filter(a::version.eq(m.expected_version));
    let written = match m.action {
        AppointmentAction::Arrive | AppointmentAction::NoShow => {
            check_attendance(m.action, session.on_date, today).map_err(BookingError::TooEarly)?;
            diesel::update(guarded)
                .set((
                    a::status.eq(to.code()),
                    a::ended_at.eq(Some(at)),
                    a::updated_at.eq(at),
                    a::version.eq(a::version + 1),
                ))
                .execute(conn)?
        }
        AppointmentAction::Cancel => {
            let n = diesel::update(guarded)
                .set((
                    a::status.eq(to.code()),
                    a::cancel_reason.eq(m.reason.as_ref().map(|r| r.trim().to_string())),
                    a::ended_at.eq(Some(at)),
                    a::updated_at.eq(at),
                    a::version.eq(a::version + 1),
                ))
                .execute(conn)?;
            if n == 1 && status.holds_places() {
                release_places(conn, session.id, current.places, today)?;
            }
            n
        }
        AppointmentAction::Reschedule => {
            let target_id = m
                .session_id
                .ok_or(BookingError::BadReference("session_id"))?;
            let target = session_in_scope(conn, scope, target_id, "session_id")?;
            if target.institution_id != current.institution_id {
                return Err(BookingError::BadReference("session_id"));
            }
            if target.id == current.session_id {
                return Err(BookingError::SameSession);
            }
            let (_, _, kind) = customer(conn, current.customer_id)?
                .ok_or(BookingError::BadReference("customer_id"))?;
            check_booking(
                kind,
                current.places,
                target.on_date,
                decode(&target.status)?,
                today,
            )
            .map_err(BookingError::Refused)?;
            let n = diesel::update(guarded)
                .set((
                    a::session_id.eq(target.id),
                    a::status.eq(to.code()),
                    a::reminded_at.eq(None::<NaiveDateTime>),
                    a::updated_at.eq(at),
                    a::version.eq(a::version + 1),
                ))
                .execute(conn)
                .map_err(insert_error)?;
            if n == 1 {
                take_places(conn, &target, current.places)?;
                if status.holds_places() {
                    release_places(conn, session.id, current.places, today)?;
                }
            }
            n
        }
    };
    if written == 0 {
        let now_version: i32 = a::table.find(current.id).select(a::version).first(conn)?;
        return Err(DbError::Stale {
            current: now_version,
        }
        .into());
    }
    super::raise_events(conn, current.id)?;
    let after = get(conn, &Scope::Group, id)?;
    Ok((before, after))
}

/// Moves the live bookings of `sessions` (just cancelled) to the rebooking queue, each with
/// a task for an agent to tell the patient; returns how many moved.
pub(crate) fn to_rebooking(
    conn: &mut DbConn,
    session_rows: &[SessionRow],
    today: NaiveDate,
) -> Result<i32, DbError> {
    let ids: Vec<SessionId> = session_rows.iter().map(|x| x.id).collect();
    let moved: Vec<Row> = a::table
        .filter(a::session_id.eq_any(ids))
        .filter(a::status.eq(AppointmentStatus::Booked.code()))
        .select(Row::as_select())
        .load(conn)?;
    let at = now();
    for r in &moved {
        diesel::update(a::table.find(r.id))
            .set((
                a::status.eq(AppointmentStatus::Rebooking.code()),
                a::updated_at.eq(at),
                a::version.eq(a::version + 1),
            ))
            .execute(conn)?;
        let session = session_rows
            .iter()
            .find(|x| x.id == r.session_id)
            .ok_or_else(|| DbError::Corrupt(format!("session {}", r.session_id)))?;
        super::agent_task(
            conn,
            super::AgentTask {
                institution: r.institution_id,
                owner: r.booked_by,
                customer: r.customer_id,
                title_zh: "停诊改约：请通知患者并重新预约",
                title_en: "Session cancelled: tell the patient and book again",
                session,
                source_type: "appointment_rebooking",
                source_id: r.id.to_string(),
                due_on: today,
            },
        )?;
    }
    for r in &moved {
        diesel::update(
            s::table
                .filter(s::id.eq(r.session_id))
                .filter(s::booked.ge(r.places)),
        )
        .set(s::booked.eq(s::booked - r.places))
        .execute(conn)?;
    }
    Ok(i32::try_from(moved.len()).unwrap_or(i32::MAX))
}

/// An appointment recorded after the fact — the demo's history, or a visit system's record —
/// booked at `at` in a session of any day, in `status` (booked, arrived, no-show or
/// cancelled) since `ended_at`. Its places are taken by the same guarded UPDATE (cancelled
/// ones take none); run in a write transaction.
pub fn record(
    conn: &mut DbConn,
    n: &NewBooking,
    status: AppointmentStatus,
    cancel_reason: Option<&str>,
    at: NaiveDateTime,
    ended_at: Option<NaiveDateTime>,
) -> Result<Uuid, BookingError> {
    let session = sessions::row(conn, SessionId::from(n.session_id))?;
    let row = Row {
        id: AppointmentId::new(),
        institution_id: session.institution_id,
        customer_id: CustomerId::from(n.customer_id),
        session_id: session.id,
        kind: n.kind.code().to_string(),
        places: n.places,
        status: status.code().to_string(),
        note: n.note.clone(),
        cancel_reason: cancel_reason.map(str::to_string),
        booked_by: n.booked_by.map(UserId::from),
        reminded_at: None,
        ended_at: if status == AppointmentStatus::Booked {
            None
        } else {
            ended_at.or(Some(at))
        },
        version: 1,
        created_at: at,
        updated_at: at,
    };
    diesel::insert_into(a::table)
        .values(&row)
        .execute(conn)
        .map_err(insert_error)?;
    if status.holds_places() {
        take_places(conn, &session, n.places)?;
    }
    Ok(row.id.0)
}
