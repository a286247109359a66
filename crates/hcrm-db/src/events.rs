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
use diesel::sql_types::{Nullable, Text, Timestamp};
use hcrm_domain::api::events::{DomainEvent, DomainEventKind};
use uuid::Uuid;

use crate::conn::DbConn;
use crate::error::DbError;
use crate::ids::{CustomerId, DomainEventId, InstitutionId};
use crate::kit::decode;
use crate::merge::sql;
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
pub type Handler = fn(&mut DbConn, &[DomainEvent]) -> Result<(), DbError>;

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

/// Raises `new` once: inserts it unless an event of its kind about its subject exists, and
/// when it is new runs the subscribers of its kind. Returns the event when it was new. Run
/// inside the write transaction that records what happened.
pub fn raise(conn: &mut DbConn, new: NewEvent) -> Result<Option<DomainEvent>, DbError> {
    let id = DomainEventId::new();
    let inserted = sql(
        conn,
        "INSERT INTO domain_events (id, kind, subject_type, subject_id, institution_id, \
         customer_id, occurred_at, recorded_at, payload) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (kind, subject_type, subject_id) DO NOTHING",
    )
    .bind::<Text, _>(id)
    .bind::<Text, _>(new.kind.code())
    .bind::<Text, _>(new.subject_type)
    .bind::<Text, _>(new.subject_id.to_string())
    .bind::<Text, _>(InstitutionId::from(new.institution_id))
    .bind::<Nullable<Text>, _>(new.customer_id.map(CustomerId::from))
    .bind::<Timestamp, _>(new.occurred_at)
    .bind::<Timestamp, _>(now())
    .bind::<Text, _>(new.payload.to_string())
    .execute(conn)?;
    if inserted == 0 {
        return Ok(None);
    }
    let event = e::table
        .filter(e::id.eq(id))
        .select(Row::as_select())
        .first::<Row>(conn)?
        .into_dto()?;
    for s in SUBSCRIBERS.iter().filter(|s| s.kinds.contains(&event.kind)) {
        (s.handle)(conn, std::slice::from_ref(&event))?;
    }
    Ok(Some(event))
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
