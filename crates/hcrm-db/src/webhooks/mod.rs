//! 事件推送 (INT-3): webhook subscriptions of an institution and what was sent to them. The
//! outbox — one row per (subscription, event), written by the `webhook_outbox` subscriber in
//! the transaction that raised the event — and its sending (claim, result, redelivery) are in
//! [`outbox`].

pub mod outbox;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use hcrm_domain::Scope;
use hcrm_domain::api::events::DomainEventKind;
use hcrm_domain::api::webhooks::{
    WebhookAttempt, WebhookDelivery, WebhookDeliveryStatus, WebhookSubscription,
};
use uuid::Uuid;

use crate::conn::DbConn;
use crate::error::DbError;
use crate::ids::{
    DomainEventId, InstitutionId, UserId, WebhookAttemptId, WebhookDeliveryId,
    WebhookSubscriptionId,
};
use crate::kit::{InScope, bump_version, counted_page, decode, decode_opt, versioned_update};
use crate::schema::domain_events as e;
use crate::schema::webhook_attempts as a;
use crate::schema::webhook_deliveries as d;
use crate::schema::webhook_subscription_events as k;
use crate::schema::webhook_subscriptions as s;
use crate::util::{ListWindow, now, utc};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = s)]
pub(crate) struct SubscriptionRow {
    pub id: WebhookSubscriptionId,
    pub institution_id: InstitutionId,
    pub url: String,
    pub description: Option<String>,
    pub secret: String,
    pub previous_secret: Option<String>,
    pub previous_secret_until: Option<NaiveDateTime>,
    pub active: bool,
    pub disabled_reason: Option<String>,
    pub version: i32,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The first characters of a secret, enough to tell two apart.
fn hint(secret: &str) -> String {
    secret.chars().take(10).collect()
}

fn kinds_of(
    conn: &mut DbConn,
    ids: &[WebhookSubscriptionId],
) -> Result<Vec<(WebhookSubscriptionId, DomainEventKind)>, DbError> {
    k::table
        .filter(k::subscription_id.eq_any(ids.to_vec()))
        .select((k::subscription_id, k::kind))
        .load::<(WebhookSubscriptionId, String)>(conn)?
        .into_iter()
        .map(|(id, kind)| Ok((id, decode(&kind)?)))
        .collect()
}

fn dtos(
    conn: &mut DbConn,
    rows: Vec<SubscriptionRow>,
) -> Result<Vec<WebhookSubscription>, DbError> {
    let ids: Vec<WebhookSubscriptionId> = rows.iter().map(|r| r.id).collect();
    let kinds = kinds_of(conn, &ids)?;
    rows.into_iter()
        .map(|r| {
            let mut event_types: Vec<DomainEventKind> = kinds
                .iter()
                .filter(|(id, _)| *id == r.id)
                .map(|(_, kind)| *kind)
                .collect();
            event_types.sort_by_key(|k| DomainEventKind::ALL.iter().position(|x| x == k));
            Ok(WebhookSubscription {
                id: r.id.0,
                institution_id: r.institution_id.0,
                url: r.url,
                description: r.description,
                event_types,
                active: r.active,
                disabled_reason: decode_opt(r.disabled_reason.as_deref())?,
                secret_hint: hint(&r.secret),
                previous_secret_until: r
                    .previous_secret_until
                    .filter(|_| r.previous_secret.is_some())
                    .map(utc),
                version: r.version,
                created_at: utc(r.created_at),
                updated_at: utc(r.updated_at),
            })
        })
        .collect()
}

fn row_in_scope(conn: &mut DbConn, scope: &Scope, id: Uuid) -> Result<SubscriptionRow, DbError> {
    s::table
        .filter(s::id.eq(WebhookSubscriptionId::from(id)))
        .into_boxed()
        .in_scope(s::institution_id, scope)
        .select(SubscriptionRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(DbError::NotFound)
}

fn set_kinds(
    conn: &mut DbConn,
    id: WebhookSubscriptionId,
    kinds: &[DomainEventKind],
) -> Result<(), DbError> {
    diesel::delete(k::table.filter(k::subscription_id.eq(id))).execute(conn)?;
    let mut codes: Vec<&str> = kinds.iter().map(|x| x.code()).collect();
    codes.sort_unstable();
    codes.dedup();
    let rows: Vec<_> = codes
        .into_iter()
        .map(|kind| (k::subscription_id.eq(id), k::kind.eq(kind)))
        .collect();
    for row in rows {
        diesel::insert_into(k::table).values(row).execute(conn)?;
    }
    Ok(())
}

/// A new subscription, as the API checked it.
#[derive(Debug, Clone)]
pub struct NewSubscription {
    pub institution_id: Uuid,
    pub url: String,
    pub description: Option<String>,
    pub event_types: Vec<DomainEventKind>,
    pub active: bool,
    pub secret: String,
    pub created_by: Option<Uuid>,
}

/// Records a subscription; run in a write transaction.
pub fn create(conn: &mut DbConn, n: NewSubscription) -> Result<WebhookSubscription, DbError> {
    let at = now();
    let row = SubscriptionRow {
        id: WebhookSubscriptionId::new(),
        institution_id: n.institution_id.into(),
        url: n.url.trim().to_string(),
        description: n.description.map(|x| x.trim().to_string()),
        secret: n.secret,
        previous_secret: None,
        previous_secret_until: None,
        active: n.active,
        disabled_reason: None,
        version: 1,
        created_by: n.created_by.map(UserId::from),
        created_at: at,
        updated_at: at,
    };
    diesel::insert_into(s::table).values(&row).execute(conn)?;
    set_kinds(conn, row.id, &n.event_types)?;
    get(conn, &Scope::Group, row.id.0)
}

/// One subscription of the caller's institutions; another institution's is `NotFound`.
pub fn get(conn: &mut DbConn, scope: &Scope, id: Uuid) -> Result<WebhookSubscription, DbError> {
    let row = row_in_scope(conn, scope, id)?;
    dtos(conn, vec![row])?.pop().ok_or(DbError::NotFound)
}

/// The subscriptions of the caller's institutions, newest first.
pub fn list(
    conn: &mut DbConn,
    scope: &Scope,
    institution: Option<Uuid>,
    w: ListWindow,
) -> Result<(Vec<WebhookSubscription>, i64), DbError> {
    let query = || {
        let mut q = s::table.into_boxed().in_scope(s::institution_id, scope);
        if let Some(i) = institution {
            q = q.filter(s::institution_id.eq(InstitutionId::from(i)));
        }
        q
    };
    let (rows, total) = counted_page!(
        conn,
        query(),
        |q| q.order((s::created_at.desc(), s::id.desc())),
        SubscriptionRow,
        w
    );
    Ok((dtos(conn, rows)?, total))
}

/// A change of a subscription, as the API checked it.
#[derive(Debug, Clone, Default)]
pub struct Change {
    pub url: Option<String>,
    pub description: Option<Option<String>>,
    pub event_types: Option<Vec<DomainEventKind>>,
    pub active: Option<bool>,
}

/// Changes a subscription at version `expected`; turning it on clears the reason the
/// server turned it off. Returns (before, after).
pub fn update(
    conn: &mut DbConn,
    scope: &Scope,
    id: Uuid,
    expected: i32,
    change: &Change,
) -> Result<(WebhookSubscription, WebhookSubscription), DbError> {
    let before_row = versioned_update(
        conn,
        expected,
        |c| row_in_scope(c, scope, id),
        |r| r.version,
        |conn, r| {
            let active = change.active.unwrap_or(r.active);
            let reason = if change.active == Some(true) {
                None
            } else {
                r.disabled_reason.clone()
            };
            let n = bump_version!(
                conn,
                s,
                r.id,
                expected,
                (
                    s::url.eq(change
                        .url
                        .as_deref()
                        .map(str::trim)
                        .map(str::to_string)
                        .unwrap_or_else(|| r.url.clone())),
                    s::description.eq(match &change.description {
                        Some(d) => d.as_deref().map(str::trim).map(str::to_string),
                        None => r.description.clone(),
                    }),
                    s::active.eq(active),
                    s::disabled_reason.eq(reason),
                    s::updated_at.eq(now()),
                )
            )?;
            if n > 0
                && let Some(kinds) = &change.event_types
            {
                set_kinds(conn, r.id, kinds)?;
            }
            Ok(n)
        },
    )?;
    let before = dtos(conn, vec![before_row])?
        .pop()
        .ok_or(DbError::NotFound)?;
    Ok((before, get(conn, scope, id)?))
}

/// Replaces the signing secret; the old one keeps signing (a second signature) until
/// `keep_old_until`, so that a receiver can switch without dropping a message. Returns
/// (before, after).
pub fn rotate_secret(
    conn: &mut DbConn,
    scope: &Scope,
    id: Uuid,
    secret: String,
    keep_old_until: NaiveDateTime,
) -> Result<(WebhookSubscription, WebhookSubscription), DbError> {
    let r = row_in_scope(conn, scope, id)?;
    let n = bump_version!(
        conn,
        s,
        r.id,
        r.version,
        (
            s::previous_secret.eq(Some(r.secret.clone())),
            s::previous_secret_until.eq(Some(keep_old_until)),
            s::secret.eq(secret),
            s::updated_at.eq(now()),
        )
    )?;
    if n == 0 {
        let current = row_in_scope(conn, scope, id)?.version;
        return Err(DbError::Stale { current });
    }
    let before = dtos(conn, vec![r])?.pop().ok_or(DbError::NotFound)?;
    Ok((before, get(conn, scope, id)?))
}

/// Deletes a subscription with its messages and their log. Returns what it was.
pub fn delete(conn: &mut DbConn, scope: &Scope, id: Uuid) -> Result<WebhookSubscription, DbError> {
    let before = get(conn, scope, id)?;
    let sid = WebhookSubscriptionId::from(id);
    let deliveries = d::table.filter(d::subscription_id.eq(sid)).select(d::id);
    diesel::delete(a::table.filter(a::delivery_id.eq_any(deliveries))).execute(conn)?;
    diesel::delete(d::table.filter(d::subscription_id.eq(sid))).execute(conn)?;
    diesel::delete(k::table.filter(k::subscription_id.eq(sid))).execute(conn)?;
    diesel::delete(s::table.find(sid)).execute(conn)?;
    Ok(before)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = d)]
pub(crate) struct DeliveryRow {
    pub id: WebhookDeliveryId,
    pub subscription_id: WebhookSubscriptionId,
    pub event_id: DomainEventId,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: Option<NaiveDateTime>,
    pub last_status_code: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub delivered_at: Option<NaiveDateTime>,
}

type EventFacts = (String, String, String);

fn delivery_dto(
    r: DeliveryRow,
    (kind, subject_type, subject_id): EventFacts,
) -> Result<WebhookDelivery, DbError> {
    let status: WebhookDeliveryStatus = decode(&r.status)?;
    Ok(WebhookDelivery {
        id: r.id.0,
        subscription_id: r.subscription_id.0,
        webhook_id: outbox::webhook_id(r.event_id.0),
        event_type: decode(&kind)?,
        subject_type,
        subject_id: Uuid::parse_str(&subject_id)
            .map_err(|_| DbError::Corrupt(format!("event subject {subject_id:?}")))?,
        status,
        attempts: r.attempts,
        next_attempt_at: r
            .next_attempt_at
            .filter(|_| status == WebhookDeliveryStatus::Pending)
            .map(utc),
        last_status_code: r.last_status_code,
        last_error: r.last_error,
        created_at: utc(r.created_at),
        delivered_at: r.delivered_at.map(utc),
    })
}

/// The messages of subscription `id` (of the caller's institutions), newest first.
pub fn deliveries(
    conn: &mut DbConn,
    scope: &Scope,
    id: Uuid,
    status: Option<WebhookDeliveryStatus>,
    w: ListWindow,
) -> Result<(Vec<WebhookDelivery>, i64), DbError> {
    row_in_scope(conn, scope, id)?;
    let sid = WebhookSubscriptionId::from(id);
    let query = || {
        let mut q = d::table
            .inner_join(e::table.on(e::id.eq(d::event_id)))
            .filter(d::subscription_id.eq(sid))
            .into_boxed();
        if let Some(st) = status {
            q = q.filter(d::status.eq(st.code()));
        }
        q
    };
    let total: i64 = query().count().get_result(conn)?;
    let rows: Vec<(DeliveryRow, EventFacts)> = query()
        .order((d::created_at.desc(), d::id.desc()))
        .select((
            DeliveryRow::as_select(),
            (e::kind, e::subject_type, e::subject_id),
        ))
        .limit(w.limit)
        .offset(w.offset)
        .load(conn)?;
    let items = rows
        .into_iter()
        .map(|(r, facts)| delivery_dto(r, facts))
        .collect::<Result<_, _>>()?;
    Ok((items, total))
}

/// One message of the caller's institutions with its event.
pub fn delivery(
    conn: &mut DbConn,
    scope: &Scope,
    id: Uuid,
) -> Result<(WebhookDelivery, hcrm_domain::api::events::DomainEvent), DbError> {
    let (row, event_id): (DeliveryRow, DomainEventId) = d::table
        .filter(d::id.eq(WebhookDeliveryId::from(id)))
        .into_boxed()
        .in_scope(d::institution_id, scope)
        .select((DeliveryRow::as_select(), d::event_id))
        .first(conn)
        .optional()?
        .ok_or(DbError::NotFound)?;
    let event = outbox::event(conn, event_id)?;
    let facts = (
        event.kind.code().to_string(),
        event.subject_type.clone(),
        event.subject_id.to_string(),
    );
    Ok((delivery_dto(row, facts)?, event))
}

/// The attempts of message `id`, oldest first (the caller checked its scope).
pub fn attempts(conn: &mut DbConn, id: Uuid) -> Result<Vec<WebhookAttempt>, DbError> {
    #[derive(Queryable, Selectable)]
    #[diesel(table_name = a)]
    struct Row {
        id: WebhookAttemptId,
        attempted_at: NaiveDateTime,
        duration_ms: i32,
        status_code: Option<i32>,
        success: bool,
        response_excerpt: Option<String>,
        error: Option<String>,
        server: String,
    }
    Ok(a::table
        .filter(a::delivery_id.eq(WebhookDeliveryId::from(id)))
        .order((a::attempted_at.asc(), a::id.asc()))
        .select(Row::as_select())
        .load::<Row>(conn)?
        .into_iter()
        .map(|r| WebhookAttempt {
            id: r.id.0,
            attempted_at: utc(r.attempted_at),
            duration_ms: r.duration_ms,
            status_code: r.status_code,
            success: r.success,
            response_excerpt: r.response_excerpt,
            error: r.error,
            server: r.server,
        })
        .collect())
}
