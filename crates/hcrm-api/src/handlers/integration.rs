//! 系统对接 (INT-1, INT-2, X-8; issue 12): `POST /integration/batches` — a HIS's patients,
//! visits and money lines keyed by its own ids, up to 1,000 items, all or nothing, a result
//! per item; a replay (the same `batch_id` or `Idempotency-Key`) answers the stored results
//! and writes nothing. The stored batches are listed for the integration status page. The
//! work is in `crate::his` (items) and `hcrm_db::integration` (set-based SQL).

use std::time::Instant;

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use hcrm_db::integration::{self as store, Filter, NewBatch};
use hcrm_domain::Permission;
use hcrm_domain::api::Page;
use hcrm_domain::api::integration::{
    BatchResult, BatchStatus, BatchSummary, BatchUpsert, MAX_BATCH_ITEMS,
};
use hcrm_domain::{Role, Scope};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::{Authz, Caller, perm};
use crate::body::read_large_json;
use crate::error::{ApiError, validate};
use crate::handlers::{institution_for_new, page, window};
use crate::his::{self, Prepared};
use crate::idempotency::HEADER;
use crate::state::AppState;

/// Tries of a batch that met another writer of the same ids (each sees more of it written).
const TRIES: usize = 5;

/// The replay key: `batch_id`, or the `Idempotency-Key` header (the same when both).
fn batch_key(req: &HttpRequest, x: &BatchUpsert) -> Result<Option<String>, ApiError> {
    let header = match req.headers().get(HEADER) {
        None => None,
        Some(v) => {
            let key = v.to_str().unwrap_or_default();
            if key.is_empty() || key.len() > 100 || !key.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(ApiError::field(
                    HEADER,
                    "idempotency_key",
                    "must be 1 to 100 visible ASCII characters",
                ));
            }
            Some(key.to_string())
        }
    };
    match (header, &x.batch_id) {
        (Some(h), Some(b)) if h != *b => Err(ApiError::field(
            "batch_id",
            "conflict",
            "batch_id and Idempotency-Key differ; send one, or the same in both",
        )),
        (h, b) => Ok(b.clone().or(h)),
    }
}

/// Whether `e` says another writer got to the same rows first (run the batch again).
fn raced(e: &ApiError) -> bool {
    matches!(e, ApiError::Stale { .. } | ApiError::Duplicate { .. })
}

enum Done {
    Applied(BatchResult),
    Replayed(BatchResult),
}

/// Upsert a batch of a HIS's patients, visits (outpatient, inpatient admission and
/// discharge, surgery, treatment course, check-up) and money lines (charges, payments), keyed
/// by the HIS's ids in the institution (INT-1). At most 1,000 items in all (413 beyond). All
/// or nothing: one rejected item and nothing is written — 422 naming each failing field as
/// `visits[3].visited_at`, the stored batch with every item's result in `Content-Location`.
/// Patients are found by the HIS id, else by the ID number (then linked: `matched_by`), never
/// by name; a visit's unknown patient is rejected (`unknown_patient`) unless
/// `create_missing_patients` and its `patient` make it. Each visit raises the domain events a
/// visit entered by hand raises (an admission makes the admission-assistance task), each
/// money line `spending_recorded` or `payment_recorded` — once, also on a replay or when two
/// servers get the batch. Sent again with the same `batch_id` (or `Idempotency-Key`), the
/// stored results come back (`replayed: true`, `Idempotent-Replayed: true`) and nothing is
/// written; the same key with another batch is 422. Needs `integration.write`, and
/// `customer.write` for patients, `visit.write` for visits and lines (the `patients:write` and
/// `visits:write` scopes of an API key). Batches take turns (`HCRM_HIS_BATCHES`, the server's
/// cores): one that has waited 30 s for its turn is 503 with `Retry-After`, nothing written.
#[utoipa::path(tag = "integration", operation_id = "upsert_batch", security(("bearer" = [])),
    params(crate::contract::IdempotencyKey),
    request_body = BatchUpsert,
    responses(
        (status = 200, body = BatchResult, description = "written (or the stored results of the same batch sent before: `replayed`)"),
        crate::contract::CreateErrors<perm::IntegrationWrite>,
    ))]
#[post("/integration/batches")]
pub async fn upsert(
    auth: Authz<perm::IntegrationWrite>,
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let caller = auth.caller;
    // The turn comes before the body is read: a batch waiting for it holds no more than its
    // connection (PERF-6).
    let _turn = state.batch_turn().await?;
    let (x, bytes) = read_large_json::<BatchUpsert>(&req, payload).await?;
    if x.item_count() > MAX_BATCH_ITEMS {
        return Err(ApiError::too_large(
            "items",
            "too_many_items",
            "at most 1,000 items (patients, visits and charges together) in a batch",
        ));
    }
    validate(&x)?;
    if (!x.patients.is_empty() || x.create_missing_patients)
        && !caller.can(Permission::CustomerWrite)
    {
        return Err(ApiError::Forbidden);
    }
    if (!x.visits.is_empty() || !x.charges.is_empty()) && !caller.can(Permission::VisitWrite) {
        return Err(ApiError::Forbidden);
    }
    let key = batch_key(&req, &x)?;
    let asked = x.institution_id;
    let started = Instant::now();
    let received_at = hcrm_db::now();
    // Shared by the tries, not copied for each (PERF-6).
    let prepared = std::sync::Arc::new(his::prepare(x, chrono::Utc::now()));
    let mut last = ApiError::Internal;
    for _ in 0..TRIES {
        let (who, items, k, body) = (caller.clone(), prepared.clone(), key.clone(), bytes.clone());
        let run = state
            .write(move |c| run_batch(c, &who, asked, &items, k, &body, received_at, started))
            .await;
        match run {
            Ok(Done::Applied(result)) => return Ok(HttpResponse::Ok().json(result)),
            Ok(Done::Replayed(result)) => {
                return Ok(HttpResponse::Ok()
                    .insert_header(("Idempotent-Replayed", "true"))
                    .json(result));
            }
            Err(ApiError::BatchRejected {
                items,
                rejected,
                total,
                ..
            }) => {
                let record = store_rejected(
                    &state,
                    &caller,
                    asked,
                    key.clone(),
                    &bytes,
                    items.clone(),
                    received_at,
                    started,
                )
                .await?;
                return Err(ApiError::BatchRejected {
                    items,
                    record: Some(record),
                    rejected,
                    total,
                });
            }
            Err(e) if raced(&e) => last = e,
            Err(e) => return Err(e),
        }
    }
    Err(last)
}

fn hash(institution: Uuid, bytes: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(institution.as_bytes());
    h.update(bytes);
    hex::encode(h.finalize())
}

fn elapsed_ms(started: Instant) -> i64 {
    i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX)
}

/// One try of a batch, inside its write transaction.
#[allow(clippy::too_many_arguments)]
fn run_batch(
    c: &mut hcrm_db::DbConn,
    caller: &Caller,
    asked: Option<Uuid>,
    prepared: &Prepared,
    key: Option<String>,
    bytes: &[u8],
    received_at: chrono::NaiveDateTime,
    started: Instant,
) -> Result<Done, ApiError> {
    let institution = institution_for_new(c, &caller.scope(), asked)?;
    let request_hash = hash(institution, bytes);
    if let Some(k) = &key
        && let Some((stored_hash, result)) = store::by_key(c, caller.principal.id, k)?
    {
        if stored_hash != request_hash {
            return Err(ApiError::field(
                "batch_id",
                "idempotency_key_reused",
                "this batch id was used for a different batch",
            ));
        }
        return Ok(Done::Replayed(result));
    }
    let batch = NewBatch {
        id: Uuid::now_v7(),
        institution_id: institution,
        client_id: caller.principal.id,
        client_name: caller.principal.username.clone(),
        key: key.clone(),
        request_hash,
        received_at,
    };
    if key.is_some() {
        store::claim(c, &batch)?;
    }
    let applied = his::apply(c, caller, institution, prepared)?;
    let result = if key.is_some() {
        store::finish(c, &batch, &applied.items, elapsed_ms(started))?
    } else {
        store::store(
            c,
            &batch,
            BatchStatus::Applied,
            &applied.items,
            elapsed_ms(started),
        )?
    };
    caller.record(
        c,
        hcrm_db::audit::Entry::of(
            hcrm_db::audit::Action::Import,
            "integration_batch",
            Some(batch.id.to_string()),
            Some(institution),
            serde_json::json!({"batch_id": batch.key, "counts": result.summary.counts,
                               "events": applied.events}),
        ),
    )?;
    Ok(Done::Applied(result))
}

/// Stores a refused batch (nothing of it written) for the status page; returns its id.
#[allow(clippy::too_many_arguments)]
async fn store_rejected(
    state: &AppState,
    caller: &Caller,
    asked: Option<Uuid>,
    key: Option<String>,
    bytes: &web::Bytes,
    items: Vec<hcrm_domain::api::integration::ItemResult>,
    received_at: chrono::NaiveDateTime,
    started: Instant,
) -> Result<Uuid, ApiError> {
    let (caller, bytes) = (caller.clone(), bytes.clone());
    state
        .write(move |c| {
            let institution = institution_for_new(c, &caller.scope(), asked)?;
            let batch = NewBatch {
                id: Uuid::now_v7(),
                institution_id: institution,
                client_id: caller.principal.id,
                client_name: caller.principal.username.clone(),
                key,
                request_hash: hash(institution, &bytes),
                received_at,
            };
            store::store(
                c,
                &batch,
                BatchStatus::Rejected,
                &items,
                elapsed_ms(started),
            )?;
            Ok(batch.id)
        })
        .await
}

/// An integration client reads its own batches; staff those of their institutions.
fn client_filter(caller: &Caller) -> Option<Uuid> {
    Role::is_machine_client(&caller.principal.roles).then_some(caller.principal.id)
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    institution_id: Option<Uuid>,
    status: Option<BatchStatus>,
    /// 1–200, default 50.
    limit: Option<i64>,
    offset: Option<i64>,
}

/// The batches HIS clients sent to the caller's institutions, newest first, with their
/// counts (the integration status page); an integration client sees its own.
#[utoipa::path(tag = "integration", operation_id = "list_integration_batches", security(("bearer" = [])),
    params(ListQuery),
    responses(
        (status = 200, body = Page<BatchSummary>),
        crate::contract::ListErrors<perm::IntegrationRead>,
    ))]
#[get("/integration/batches")]
pub async fn list(
    auth: Authz<perm::IntegrationRead>,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let w = window(q.limit, q.offset)?;
    let scope: Scope = auth.caller.scope();
    let filter = Filter {
        institution_id: q.institution_id,
        status: q.status,
        client_id: client_filter(&auth.caller),
    };
    let result = state
        .db(move |c| Ok(store::list(c, &scope, &filter, w)?))
        .await?;
    Ok(HttpResponse::Ok().json(page(result, w)))
}

/// One stored batch with every item's result (rejected items with their errors); another
/// institution's (or, for a client, another client's) is 404.
#[utoipa::path(tag = "integration", operation_id = "get_integration_batch", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = BatchResult),
        crate::contract::ReadErrors<perm::IntegrationRead>,
    ))]
#[get("/integration/batches/{id}")]
pub async fn get_one(
    auth: Authz<perm::IntegrationRead>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, scope, client) = (
        id.into_inner(),
        auth.caller.scope(),
        client_filter(&auth.caller),
    );
    let result = state
        .db(move |c| Ok(store::get(c, &scope, client, id)?))
        .await?;
    Ok(HttpResponse::Ok().json(result))
}

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(upsert).service(list).service(get_one);
}
