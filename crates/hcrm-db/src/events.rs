//! 领域事件 (INT-2), a piece of the module kit: a module raises an event where the thing
//! happens, inside the write transaction that records it; the modules that act on it
//! subscribe in [`SUBSCRIBERS`].
//!
//! - Once: an event is one row per (kind, subject), inserted if absent (`ON CONFLICT DO
//!   NOTHING` on both backends). Raising it again — the record saved again, a replayed HIS
//!   batch, two servers with the same request — inserts nothing and runs no subscriber.
//! - Same transaction: the row and whatever the subscribers write (a task, later an outbox
//!   row for webhooks) commit or roll back with the record; nothing is lost between them.
//! - Subscribers run in the raising transaction, in the order of [`SUBSCRIBERS`], only when
//!   the event is new. A subscriber's error rolls the whole write back.
//! - Consumers that work later or elsewhere (a webhook worker) read their own outbox rows
//!   written by a subscriber, not `domain_events` by `seq`: on PostgreSQL sequence values
//!   are handed out before commit, so a reader following `seq` could pass an event whose
//!   transaction commits after it looked. [`after`] reads by `seq` for reports and tests.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use hcrm_domain::api::events::{DomainEvent, DomainEventKind};
use uuid::Uuid;

use crate::conn::DbConn;
use crate::error::DbError;
use crate::ids::{CustomerId, DomainEventId, InstitutionId};
use crate::kit::decode;
use crate::schema::domain_events as e;
use crate::util::{now, utc};

/// An event to raise.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub kind: DomainEventKind,
    /// The record it is about (`visit` …); with `subject_id` and `kind`, it happens once.
    pub subject_type: &'static str,
    pub subject_id: Uuid,
    pub institution_id: Uuid,
    pub customer_id: Option<Uuid>,
    /// When it happened.
    pub occurred_at: NaiveDateTime,
    pub payload: serde_json::Value,
}

/// What a subscriber does with new events (all of its kinds, in the order raised), inside the
/// transaction that raised them. It takes a slice so that a batch (the HIS path, issue 12)
/// hands its events over at once and the subscriber can write set-based.
pub type Handler = fn(&mut DbConn, &[&DomainEvent]) -> Result<(), DbError>;

/// A module's subscription: the kinds it acts on and what it does.
pub struct Subscriber {
    pub name: &'static str,
    pub kinds: &'static [DomainEventKind],
    pub handle: Handler,
}

/// The registry: every module that acts on events adds itself here (README, "adding a
/// module"); follow-up plans, tiers and points come with their issues.
pub const SUBSCRIBERS: &[Subscriber] = &[
    Subscriber {
        // SVC-3: an admission makes the admission-assistance task (escort to the ward,
        // hand-over to the doctor and nurse).
        name: "admission_assistance",
        kinds: &[DomainEventKind::VisitAdmitted],
        handle: crate::visits::admission_assistance,
    },
    Subscriber {
        // INT-3: every kind is a webhook event type; one outbox message per active
        // subscription of the event's institution that names it, set-based.
        name: "webhook_outbox",
        kinds: &DomainEventKind::ALL,
        handle: crate::webhooks::outbox::write,
    },
];

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = e)]
struct Row {
    seq: i64,
    id: DomainEventId,
    kind: String,
    subject_type: String,
    subject_id: String,
    institution_id: InstitutionId,
    customer_id: Option<CustomerId>,
    occurred_at: NaiveDateTime,
    recorded_at: NaiveDateTime,
    payload: String,
}

impl Row {
    fn into_dto(self) -> Result<DomainEvent, DbError> {
        Ok(DomainEvent {
            seq: self.seq,
            id: self.id.0,
            kind: decode(&self.kind)?,
            subject_type: self.subject_type,
            subject_id: Uuid::parse_str(&self.subject_id)
                .map_err(|_| DbError::Corrupt(format!("event subject {:?}", self.subject_id)))?,
            institution_id: self.institution_id.0,
            customer_id: self.customer_id.map(Uuid::from),
            occurred_at: utc(self.occurred_at),
            recorded_at: utc(self.recorded_at),
            payload: serde_json::from_str(&self.payload)
                .map_err(|_| DbError::Corrupt("event payload".into()))?,
        })
    }
}

/// A row of `domain_events` to insert (`seq` is the database's).
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = e, treat_none_as_default_value = false)]
struct NewRow {
    id: DomainEventId,
    kind: String,
    subject_type: String,
    subject_id: String,
    institution_id: InstitutionId,
    customer_id: Option<CustomerId>,
    occurred_at: NaiveDateTime,
    recorded_at: NaiveDateTime,
    payload: String,
}

/// Raises `new` once: inserts it unless an event of its kind about its subject exists, and
/// when it is new runs the subscribers of its kind. Returns the event when it was new. Run
/// inside the write transaction that records what happened.
pub fn raise(conn: &mut DbConn, new: NewEvent) -> Result<Option<DomainEvent>, DbError> {
    let (_, mut handed) = insert_all(conn, vec![new], true)?;
    let event = handed.pop();
    if let Some(event) = &event {
        dispatch(conn, std::slice::from_ref(event))?;
    }
    Ok(event)
}

/// [`raise`] for many events at once (a HIS batch, INT-2): one multi-row `INSERT … ON
/// CONFLICT DO NOTHING` for all of them, then each subscriber once with the slice of the new
/// events of its kinds, in the order given. Events already raised (a replay, another server
/// that got the same batch) insert nothing and reach no subscriber. Returns how many were
/// new.
pub fn raise_all(conn: &mut DbConn, new: Vec<NewEvent>) -> Result<usize, DbError> {
    let (count, handed) = insert_all(conn, new, false)?;
    if !handed.is_empty() {
        dispatch(conn, &handed)?;
    }
    Ok(count)
}

/// Inserts the events that are new and reads back those a subscriber wants (all of them
/// with `every`), in the order given.
fn insert_all(
    conn: &mut DbConn,
    new: Vec<NewEvent>,
    every: bool,
) -> Result<(usize, Vec<DomainEvent>), DbError> {
    let at = now();
    let rows: Vec<NewRow> = new
        .into_iter()
        .map(|n| NewRow {
            id: DomainEventId::new(),
            kind: n.kind.code().to_string(),
            subject_type: n.subject_type.to_string(),
            subject_id: n.subject_id.to_string(),
            institution_id: n.institution_id.into(),
            customer_id: n.customer_id.map(CustomerId::from),
            occurred_at: n.occurred_at,
            recorded_at: at,
            payload: n.payload.to_string(),
        })
        .collect();
    let target = (e::kind, e::subject_type, e::subject_id);
    let mut count = 0;
    for chunk in rows.chunks(3000) {
        count += match &mut *conn {
            DbConn::Postgresql(c) => diesel::insert_into(e::table)
                .values(chunk)
                .on_conflict(target)
                .do_nothing()
                .execute(c)?,
            DbConn::Sqlite(c) => diesel::insert_into(e::table)
                .values(chunk)
                .on_conflict(target)
                .do_nothing()
                .execute(c)?,
        };
    }
    let wanted: Vec<DomainEventId> = rows
        .iter()
        .filter(|r| {
            every
                || SUBSCRIBERS
                    .iter()
                    .any(|s| s.kinds.iter().any(|k| k.code() == r.kind))
        })
        .map(|r| r.id)
        .collect();
    if count == 0 || wanted.is_empty() {
        return Ok((count, Vec::new()));
    }
    let mut handed = Vec::new();
    for chunk in wanted.chunks(5000) {
        handed.extend(
            e::table
                .filter(e::id.eq_any(chunk))
                .order(e::seq)
                .select(Row::as_select())
                .load::<Row>(conn)?
                .into_iter()
                .map(Row::into_dto)
                .collect::<Result<Vec<_>, _>>()?,
        );
    }
    Ok((count, handed))
}

/// Each subscriber once, with the new events of its kinds (in the order raised).
fn dispatch(conn: &mut DbConn, events: &[DomainEvent]) -> Result<(), DbError> {
    for s in SUBSCRIBERS {
        let mine: Vec<&DomainEvent> = events
            .iter()
            .filter(|e| s.kinds.contains(&e.kind))
            .collect();
        if !mine.is_empty() {
            (s.handle)(conn, &mine)?;
        }
    }
    Ok(())
}

/// The events about one record, in the order raised.
pub fn of_subject(
    conn: &mut DbConn,
    subject_type: &str,
    subject_id: Uuid,
) -> Result<Vec<DomainEvent>, DbError> {
    e::table
        .filter(e::subject_id.eq(subject_id.to_string()))
        .filter(e::subject_type.eq(subject_type))
        .order(e::seq)
        .select(Row::as_select())
        .load::<Row>(conn)?
        .into_iter()
        .map(Row::into_dto)
        .collect()
}

/// Up to `limit` events after `seq`, in order (see the module's note on cursors).
pub fn after(conn: &mut DbConn, seq: i64, limit: i64) -> Result<Vec<DomainEvent>, DbError> {
    e::table
        .filter(e::seq.gt(seq))
        .order(e::seq)
        .limit(limit)
        .select(Row::as_select())
        .load::<Row>(conn)?
        .into_iter()
        .map(Row::into_dto)
        .collect()
}
