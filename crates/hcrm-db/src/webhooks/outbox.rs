//! The webhook outbox (INT-3, REL-3). A message is written in the transaction that raised its
//! event (the `webhook_outbox` subscriber), so that an event and its messages commit or roll
//! back together. Servers send them later:
//!
//! - Claim: a server takes up to N due messages by setting a lease (`locked_until`,
//!   `locked_by`) in a short transaction — on PostgreSQL the rows are picked `FOR UPDATE SKIP
//!   LOCKED`, on SQLite under the write lock — so that each message is taken by one server.
//! - Send, outside any transaction; then [`finish`] logs the attempt and moves the message on
//!   (delivered, due again after the back-off, or given up) and ends the lease.
//! - A server killed while sending leaves its lease; when it runs out the message is due again
//!   and is sent once more with the same `webhook-id` — at least once, never lost.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};
use hcrm_domain::Scope;
use hcrm_domain::api::events::DomainEvent;
use hcrm_domain::api::webhooks::{WebhookDelivery, WebhookDeliveryStatus, WebhookDisabledReason};
use uuid::Uuid;

use crate::conn::{Db, DbConn, write_transaction};
use crate::error::DbError;
use crate::ids::{DomainEventId, WebhookAttemptId, WebhookDeliveryId, WebhookSubscriptionId};
use crate::kit::decode;
use crate::schema::domain_events as e;
use crate::schema::webhook_attempts as a;
use crate::schema::webhook_deliveries as d;
use crate::schema::webhook_subscriptions as s;
use crate::util::now;

/// The `webhook-id` of an event's messages: the event's id, the same at every attempt and
/// redelivery (the receiver's idempotency key).
pub fn webhook_id(event: Uuid) -> String {
    format!("msg_{}", event.simple())
}

/// A random UUID (v4) made by the database, for the set-based INSERT … SELECT.
fn uuid_sql(conn: &DbConn) -> &'static str {
    match conn {
        DbConn::Postgresql(_) => "gen_random_uuid()::text",
        DbConn::Sqlite(_) => {
            "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || \
             substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || \
             substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))"
        }
    }
}

/// Events per statement: well under either backend's limit of bound values.
const EVENTS_PER_STATEMENT: usize = 5_000;

/// Subscriber `webhook_outbox` (INT-3): one pending message per new event and active
/// subscription of the event's institution that names its kind — one `INSERT … SELECT` for
/// the whole slice (a HIS batch hands over up to a thousand events at once).
pub(crate) fn write(conn: &mut DbConn, events: &[&DomainEvent]) -> Result<(), DbError> {
    let at = now();
    for chunk in events.chunks(EVENTS_PER_STATEMENT) {
        let marks: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
        let text = format!(
            "INSERT INTO webhook_deliveries (id, subscription_id, event_id, institution_id, status, \
             attempts, next_attempt_at, created_at, updated_at) \
             SELECT {}, s.id, e.id, e.institution_id, 'pending', 0, $1, $1, $1 \
             FROM domain_events e \
             JOIN webhook_subscriptions s ON s.institution_id = e.institution_id AND s.active \
             JOIN webhook_subscription_events k ON k.subscription_id = s.id AND k.kind = e.kind \
             WHERE e.id IN ({})",
            uuid_sql(conn),
            marks.join(", ")
        );
        let mut q = crate::merge::sql(conn, text)
            .into_boxed::<Db>()
            .bind::<Timestamp, _>(at);
        for event in chunk {
            q = q.bind::<Text, _>(event.id.to_string());
        }
        q.execute(conn)?;
    }
    Ok(())
}

/// The stored event of a message.
pub(crate) fn event(conn: &mut DbConn, id: DomainEventId) -> Result<DomainEvent, DbError> {
    let seq: i64 = e::table.filter(e::id.eq(id)).select(e::seq).first(conn)?;
    crate::events::after(conn, seq - 1, 1)?
        .pop()
        .ok_or(DbError::NotFound)
}

/// A message a server has taken to send.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub delivery_id: Uuid,
    pub subscription_id: Uuid,
    pub url: String,
    /// The secrets to sign with: the current one, and the previous one while it lasts.
    pub secrets: Vec<String>,
    pub event: DomainEvent,
    /// Attempts made before this one in the round.
    pub attempts: i32,
}

#[derive(QueryableByName)]
struct IdRow {
    #[diesel(sql_type = Text)]
    id: String,
}

/// A taken message as read: (delivery, subscription, event, attempts, url, secret,
/// previous secret, until when the previous one signs).
type ClaimedRow = (
    WebhookDeliveryId,
    WebhookSubscriptionId,
    DomainEventId,
    i32,
    String,
    String,
    Option<String>,
    Option<NaiveDateTime>,
);

/// Takes up to `limit` messages due at `at` for server `server`, leasing them until `at +
/// lease`: each one is taken by one server however many claim at once.
pub fn claim(
    conn: &mut DbConn,
    server: &str,
    at: NaiveDateTime,
    lease: Duration,
    limit: i64,
) -> Result<Vec<Claimed>, DbError> {
    let ids = write_transaction(conn, |c| {
        let lock = match c {
            DbConn::Postgresql(_) => " FOR UPDATE OF d SKIP LOCKED",
            // The write transaction holds SQLite's write lock from its first statement.
            DbConn::Sqlite(_) => "",
        };
        let picked: Vec<IdRow> = crate::merge::sql(
            c,
            format!(
                "SELECT d.id AS id FROM webhook_deliveries d \
                 JOIN webhook_subscriptions s ON s.id = d.subscription_id \
                 WHERE d.status = 'pending' AND s.active AND d.next_attempt_at <= $1 \
                 AND (d.locked_until IS NULL OR d.locked_until <= $1) \
                 ORDER BY d.next_attempt_at, d.id LIMIT $2{lock}"
            ),
        )
        .bind::<Timestamp, _>(at)
        .bind::<BigInt, _>(limit)
        .load(c)?;
        let ids: Vec<WebhookDeliveryId> = picked
            .into_iter()
            .map(|r| {
                Uuid::parse_str(&r.id)
                    .map(WebhookDeliveryId::from)
                    .map_err(|_| DbError::Corrupt(format!("webhook delivery id {:?}", r.id)))
            })
            .collect::<Result<_, _>>()?;
        if !ids.is_empty() {
            diesel::update(d::table.filter(d::id.eq_any(ids.clone())))
                .set((
                    d::locked_until.eq(Some(at + lease)),
                    d::locked_by.eq(Some(server)),
                ))
                .execute(c)?;
        }
        Ok::<_, DbError>(ids)
    })?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<ClaimedRow> = d::table
        .inner_join(s::table)
        .filter(d::id.eq_any(ids))
        .select((
            d::id,
            d::subscription_id,
            d::event_id,
            d::attempts,
            s::url,
            s::secret,
            s::previous_secret,
            s::previous_secret_until,
        ))
        .load(conn)?;
    let mut out = Vec::with_capacity(rows.len());
    for (id, sub, event_id, attempts, url, secret, previous, until) in rows {
        let mut secrets = vec![secret];
        if let (Some(p), Some(u)) = (previous, until)
            && u > at
        {
            secrets.push(p);
        }
        out.push(Claimed {
            delivery_id: id.0,
            subscription_id: sub.0,
            url,
            secrets,
            event: event(conn, event_id)?,
            attempts,
        });
    }
    Ok(out)
}

/// What one attempt gave.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub attempted_at: NaiveDateTime,
    pub duration_ms: i32,
    /// The receiver's status; `None` when it did not answer.
    pub status_code: Option<u16>,
    /// Its `Retry-After`, read.
    pub retry_after: Option<Duration>,
    /// The start of its answer.
    pub response_excerpt: Option<String>,
    /// Why there was no answer.
    pub error: Option<String>,
}

impl Outcome {
    pub fn success(&self) -> bool {
        self.status_code.is_some_and(|c| (200..300).contains(&c))
    }
}

/// Logs attempt `outcome` of message `delivery` by `server` and moves the message on: a 2xx
/// delivers it; a 410 gives it up and turns its subscription off; anything else makes it due
/// again after the back-off (the longer of the schedule's wait and `Retry-After`) or, after
/// the last attempt, gives it up. A server whose lease was taken over in the meantime only
/// logs its attempt. Returns the message's status.
pub fn finish(
    conn: &mut DbConn,
    server: &str,
    delivery: Uuid,
    outcome: &Outcome,
) -> Result<WebhookDeliveryStatus, DbError> {
    let id = WebhookDeliveryId::from(delivery);
    write_transaction(conn, |c| {
        diesel::insert_into(a::table)
            .values((
                a::id.eq(WebhookAttemptId::new()),
                a::delivery_id.eq(id),
                a::attempted_at.eq(outcome.attempted_at),
                a::duration_ms.eq(outcome.duration_ms),
                a::status_code.eq(outcome.status_code.map(i32::from)),
                a::success.eq(outcome.success()),
                a::response_excerpt.eq(outcome.response_excerpt.as_deref()),
                a::error.eq(outcome.error.as_deref()),
                a::server.eq(server),
            ))
            .execute(c)?;
        let (status, attempts, locked_by, subscription): (
            String,
            i32,
            Option<String>,
            WebhookSubscriptionId,
        ) = d::table
            .find(id)
            .select((d::status, d::attempts, d::locked_by, d::subscription_id))
            .first(c)?;
        let status: WebhookDeliveryStatus = decode(&status)?;
        if locked_by.as_deref() != Some(server) {
            return Ok(status);
        }
        let at = now();
        let attempts = attempts + 1;
        let (status, next) = if outcome.success() {
            (WebhookDeliveryStatus::Delivered, None)
        } else if outcome.status_code == Some(410) {
            diesel::update(s::table.find(subscription))
                .set((
                    s::active.eq(false),
                    s::disabled_reason.eq(Some(WebhookDisabledReason::Gone.code())),
                    s::version.eq(s::version + 1),
                    s::updated_at.eq(at),
                ))
                .execute(c)?;
            (WebhookDeliveryStatus::Failed, None)
        } else {
            match hcrm_domain::webhook::next_delay(attempts, outcome.retry_after) {
                Some(wait) => (WebhookDeliveryStatus::Pending, Some(at + wait)),
                None => (WebhookDeliveryStatus::Failed, None),
            }
        };
        diesel::update(d::table.find(id))
            .set((
                d::status.eq(status.code()),
                d::attempts.eq(attempts),
                d::next_attempt_at.eq(next),
                d::locked_until.eq(None::<NaiveDateTime>),
                d::locked_by.eq(None::<String>),
                d::last_status_code.eq(outcome.status_code.map(i32::from)),
                d::last_error.eq(outcome.error.as_deref()),
                d::delivered_at.eq((status == WebhookDeliveryStatus::Delivered).then_some(at)),
                d::updated_at.eq(at),
            ))
            .execute(c)?;
        Ok(status)
    })
}

/// What a manual redelivery did.
#[derive(Debug, Clone)]
pub enum Redelivery {
    /// Due now, in a new round of attempts.
    Queued(WebhookDelivery),
    /// A server is sending it at this moment.
    InFlight,
    /// Its subscription is off: turn it on first.
    Inactive,
}

/// Sends message `id` again (same `webhook-id`) in a new round of attempts, due now; run in
/// a write transaction.
pub fn redeliver(conn: &mut DbConn, scope: &Scope, id: Uuid) -> Result<Redelivery, DbError> {
    let (current, _) = super::delivery(conn, scope, id)?;
    let did = WebhookDeliveryId::from(id);
    let at = now();
    let (locked_until, active): (Option<NaiveDateTime>, bool) = d::table
        .inner_join(s::table)
        .filter(d::id.eq(did))
        .select((d::locked_until, s::active))
        .first(conn)?;
    if current.status == WebhookDeliveryStatus::Pending && locked_until.is_some_and(|t| t > at) {
        return Ok(Redelivery::InFlight);
    }
    if !active {
        return Ok(Redelivery::Inactive);
    }
    diesel::update(d::table.find(did))
        .set((
            d::status.eq(WebhookDeliveryStatus::Pending.code()),
            d::attempts.eq(0),
            d::next_attempt_at.eq(Some(at)),
            d::locked_until.eq(None::<NaiveDateTime>),
            d::locked_by.eq(None::<String>),
            d::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(Redelivery::Queued(super::delivery(conn, scope, id)?.0))
}

/// Messages by status (for tests and the status page): (pending, delivered, failed).
pub fn counts(conn: &mut DbConn) -> Result<(i64, i64, i64), DbError> {
    let rows: Vec<(String, i64)> = d::table
        .group_by(d::status)
        .select((d::status, diesel::dsl::count_star()))
        .load(conn)?;
    let of = |st: WebhookDeliveryStatus| {
        rows.iter()
            .find(|(code, _)| code == st.code())
            .map_or(0, |(_, n)| *n)
    };
    Ok((
        of(WebhookDeliveryStatus::Pending),
        of(WebhookDeliveryStatus::Delivered),
        of(WebhookDeliveryStatus::Failed),
    ))
}
