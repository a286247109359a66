//! 预约 — clinic sessions, examination resources, leaves, appointments and the waitlist
//! (ORG-2, SVC-2, SVC-2a). The rules are `hcrm_domain::appointment`; this module stores them.

mod booking;
pub mod directory;
mod exceptions;
pub mod reminders;
pub mod resources;
pub mod sessions;
pub mod waitlist;

pub use booking::{
    BookingError, Filter, Move, NewBooking, OFFERED, book, get, list, record, transition,
};
pub use exceptions::{apply as apply_exception, list as list_exceptions};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use hcrm_domain::api::timeline::{TimelineEntry, TimelineEntryKind as Kind};
use hcrm_domain::appointment::{AppointmentStatus, WaitlistStatus};
use hcrm_domain::customer::TaskKind;
use hcrm_domain::{Label, Lang};
use uuid::Uuid;

use crate::conn::DbConn;
use crate::error::DbError;
use crate::ids::{AppointmentId, CustomerId, InstitutionId, SessionId, UserId};
use crate::kit::decode;
use crate::merge::{Duplicate, Kept};
use crate::schema::appointments as a;
use crate::schema::clinic_sessions as s;
use crate::schema::users as u;
use crate::schema::waitlist_entries as w;
use crate::tasks::{self, NewTask};
use crate::util::{now, utc};
use sessions::SessionRow;

/// The team queue of appointment tasks nobody owns (the booking was made by an integration
/// or by a user who left).
pub const TEAM: &str = "service";

/// A task for the service team about one appointment or waitlist entry.
pub(crate) struct AgentTask<'a> {
    pub institution: InstitutionId,
    /// The agent who booked (or put on the list); the team queue when absent or inactive.
    pub owner: Option<UserId>,
    pub customer: CustomerId,
    pub title_zh: &'static str,
    pub title_en: &'static str,
    pub session: &'a SessionRow,
    pub source_type: &'static str,
    pub source_id: String,
    pub due_on: NaiveDate,
}

/// Makes the task; returns its id. The title is the users' language of the service centre
/// (Chinese) with the day and half-day; the description the same in English.
pub(crate) fn agent_task(conn: &mut DbConn, t: AgentTask<'_>) -> Result<Uuid, DbError> {
    let owner = match t.owner {
        Some(id) => u::table
            .find(id)
            .filter(u::active.eq(true))
            .select(u::id)
            .first::<UserId>(conn)
            .optional()?,
        None => None,
    };
    let half: hcrm_domain::api::org::HalfDay = decode(&t.session.half_day)?;
    tasks::create(
        conn,
        NewTask {
            institution_id: t.institution.0,
            kind: TaskKind::Appointment,
            title: format!(
                "{}（{} {}）",
                t.title_zh,
                t.session.on_date,
                half.label(Lang::Zh)
            ),
            description: Some(format!(
                "{} ({} {})",
                t.title_en,
                t.session.on_date,
                half.label(Lang::En)
            )),
            owner_id: owner.map(|o| o.0),
            team: owner.is_none().then(|| TEAM.to_string()),
            due_on: Some(t.due_on),
            due_at: None,
            customer_id: Some(t.customer.0),
            source_type: Some(t.source_type.to_string()),
            source_id: Some(t.source_id),
            created_by: None,
        },
    )
}

/// 会员路由 — the hook of MBR-6: an A/B member's appointment is flagged and routed to their
/// account manager. Membership does not exist yet, so no customer is a member and this
/// answers `None`; the membership module fills it in, and the booking and the reminder job
/// already send the reminder task to the user it names.
pub fn member_account_manager(
    _conn: &mut DbConn,
    _customer: CustomerId,
) -> Result<Option<UserId>, DbError> {
    Ok(None)
}

/// CUS-11: the customer's appointments on the 360 timeline — booked (at the booking), and
/// arrived, no-show or cancelled (when recorded).
pub(crate) fn timeline_source(
    conn: &mut DbConn,
    customer_id: CustomerId,
    before: Option<NaiveDateTime>,
    limit: i64,
) -> Result<Vec<TimelineEntry>, DbError> {
    type Line = (
        AppointmentId,
        String,
        Option<String>,
        Option<UserId>,
        NaiveDateTime,
        Option<NaiveDateTime>,
        SessionId,
    );
    let select = (
        a::id,
        a::status,
        a::cancel_reason,
        a::booked_by,
        a::created_at,
        a::ended_at,
        a::session_id,
    );
    let mut booked = a::table.filter(a::customer_id.eq(customer_id)).into_boxed();
    let mut ended = a::table
        .filter(a::customer_id.eq(customer_id))
        .filter(a::ended_at.is_not_null())
        .into_boxed();
    if let Some(b) = before {
        booked = booked.filter(a::created_at.lt(b));
        ended = ended.filter(a::ended_at.lt(b));
    }
    let booked: Vec<Line> = booked
        .order((a::created_at.desc(), a::id.desc()))
        .limit(limit)
        .select(select)
        .load(conn)?;
    let ended: Vec<Line> = ended
        .order((a::ended_at.desc(), a::id.desc()))
        .limit(limit)
        .select(select)
        .load(conn)?;
    let ids: Vec<SessionId> = booked.iter().chain(&ended).map(|l| l.6).collect();
    let session_rows: Vec<SessionRow> = s::table
        .filter(s::id.eq_any(ids))
        .select(SessionRow::as_select())
        .load(conn)?;
    let sessions = sessions::dtos(conn, session_rows)?;
    let about = |session: SessionId| {
        sessions
            .iter()
            .find(|x| x.id == session.0)
            .map(|x| {
                (
                    x.doctor_name.clone().or_else(|| x.resource_name.clone()),
                    Some(x.date),
                )
            })
            .unwrap_or((None, None))
    };
    let mut out = Vec::with_capacity(booked.len() + ended.len());
    for (id, _, _, by, at, _, session) in booked {
        let (subject, day) = about(session);
        out.push(TimelineEntry {
            subject,
            due_on: day,
            ..TimelineEntry::new(
                utc(at),
                Kind::AppointmentBooked,
                "appointment",
                id.uuid(),
                by.map(|b| b.0),
            )
        });
    }
    for (id, status, reason, _, _, at, session) in ended {
        let Some(at) = at else { continue };
        let kind = match decode::<AppointmentStatus>(&status)? {
            AppointmentStatus::Arrived => Kind::AppointmentArrived,
            AppointmentStatus::NoShow => Kind::AppointmentNoShow,
            AppointmentStatus::Cancelled => Kind::AppointmentCancelled,
            AppointmentStatus::Booked | AppointmentStatus::Rebooking => continue,
        };
        let (subject, day) = about(session);
        out.push(TimelineEntry {
            subject,
            due_on: day,
            note: reason,
            ..TimelineEntry::new(utc(at), kind, "appointment", id.uuid(), None)
        });
    }
    out.sort_by(|x, y| y.at.cmp(&x.at).then_with(|| y.entity_id.cmp(&x.entity_id)));
    out.truncate(usize::try_from(limit).unwrap_or(0));
    Ok(out)
}

/// CUS-10: the duplicate's appointments follow to the kept customer. Where both hold a
/// booking in one session the duplicate's is cancelled (its places given back), as one
/// patient holds one booking per session.
pub(crate) fn merge_step(
    conn: &mut DbConn,
    Duplicate(from): Duplicate,
    Kept(into): Kept,
) -> Result<usize, DbError> {
    let live: Vec<&str> = AppointmentStatus::ALL
        .iter()
        .filter(|x| x.holds_places())
        .map(|x| x.code())
        .collect();
    let kept_sessions: Vec<SessionId> = a::table
        .filter(a::customer_id.eq(into))
        .filter(a::status.eq_any(live.clone()))
        .select(a::session_id)
        .load(conn)?;
    let clashes: Vec<(AppointmentId, SessionId, i32, String)> = a::table
        .filter(a::customer_id.eq(from))
        .filter(a::status.eq_any(live))
        .filter(a::session_id.eq_any(kept_sessions))
        .select((a::id, a::session_id, a::places, a::status))
        .load(conn)?;
    let at = now();
    for (id, session, places, status) in clashes {
        diesel::update(a::table.find(id))
            .set((
                a::status.eq(AppointmentStatus::Cancelled.code()),
                a::cancel_reason.eq(Some("merged duplicate customer")),
                a::ended_at.eq(Some(at)),
                a::updated_at.eq(at),
                a::version.eq(a::version + 1),
            ))
            .execute(conn)?;
        raise_events(conn, id)?;
        if status == AppointmentStatus::Booked.code() {
            diesel::update(
                s::table
                    .filter(s::id.eq(session))
                    .filter(s::booked.ge(places)),
            )
            .set(s::booked.eq(s::booked - places))
            .execute(conn)?;
        }
    }
    Ok(diesel::update(a::table.filter(a::customer_id.eq(from)))
        .set((a::customer_id.eq(into), a::updated_at.eq(at)))
        .execute(conn)?)
}

/// CUS-10: the duplicate's waitlist entries follow; one waiting in a session where the kept
/// customer waits too leaves the list.
pub(crate) fn waitlist_merge_step(
    conn: &mut DbConn,
    Duplicate(from): Duplicate,
    Kept(into): Kept,
) -> Result<usize, DbError> {
    let waiting = WaitlistStatus::Waiting.code();
    let kept_sessions: Vec<SessionId> = w::table
        .filter(w::customer_id.eq(into))
        .filter(w::status.eq(waiting))
        .select(w::session_id)
        .load(conn)?;
    diesel::update(
        w::table
            .filter(w::customer_id.eq(from))
            .filter(w::status.eq(waiting))
            .filter(w::session_id.eq_any(kept_sessions)),
    )
    .set(w::status.eq(WaitlistStatus::Left.code()))
    .execute(conn)?;
    Ok(diesel::update(w::table.filter(w::customer_id.eq(from)))
        .set(w::customer_id.eq(into))
        .execute(conn)?)
}

type EventFacts = (
    InstitutionId,
    CustomerId,
    String,
    String,
    i32,
    NaiveDateTime,
    Option<NaiveDateTime>,
    SessionId,
    NaiveDate,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// The domain events of an appointment (INT-2/INT-3), raised from here alone after every
/// write of one: `appointment_booked` (once) and `appointment_cancelled` once it is
/// cancelled. The payload holds the booking's facts, not the patient's name or the notes.
pub(crate) fn raise_events(conn: &mut DbConn, id: AppointmentId) -> Result<(), DbError> {
    use hcrm_domain::api::events::DomainEventKind as K;
    let f: EventFacts = a::table
        .inner_join(s::table)
        .filter(a::id.eq(id))
        .select((
            a::institution_id,
            a::customer_id,
            a::status,
            a::kind,
            a::places,
            a::created_at,
            a::ended_at,
            a::session_id,
            s::on_date,
            s::half_day,
            s::department_id,
            s::doctor_id,
            s::resource_id,
        ))
        .first(conn)?;
    let status: AppointmentStatus = decode(&f.2)?;
    let payload = serde_json::json!({
        "appointment_id": id.0,
        "status": f.2,
        "kind": f.3,
        "places": f.4,
        "session_id": f.7.0,
        "date": f.8,
        "half_day": f.9,
        "department_id": f.10,
        "doctor_id": f.11,
        "resource_id": f.12,
    });
    let mut due = vec![(K::AppointmentBooked, f.5)];
    if status == AppointmentStatus::Cancelled {
        due.push((K::AppointmentCancelled, f.6.unwrap_or(f.5)));
    }
    for (kind, at) in due {
        crate::events::raise(
            conn,
            crate::events::NewEvent {
                kind,
                subject_type: "appointment",
                subject_id: id.0,
                institution_id: f.0.0,
                customer_id: Some(f.1.0),
                occurred_at: at,
                payload: payload.clone(),
            },
        )?;
    }
    Ok(())
}
