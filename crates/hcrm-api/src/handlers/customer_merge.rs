//! CUS-10: duplicates — the check while a phone or ID number is typed (issue 9 item 8), an
//! agent's report of a suspected duplicate to the supervisors' queue (item 10), and the
//! merge with a choice per field (item 11).

use std::collections::BTreeMap;

use actix_web::{HttpRequest, HttpResponse, post, web};
use hcrm_db::audit::{Action, Entry};
use hcrm_db::customers as store;
use hcrm_db::merge::{Duplicate, Kept};
use hcrm_db::tasks::{self as tasks_store, NewTask};
use hcrm_domain::Scope;
use hcrm_domain::api::Problem;
use hcrm_domain::api::customers::DuplicateMatch;
use hcrm_domain::api::merge::{
    DuplicateCheck, DuplicateCheckResult, DuplicateReport, MergeRequest, MergeResult,
    SUPERVISOR_QUEUE,
};
use hcrm_domain::api::tasks::Task;
use hcrm_domain::customer::TaskKind;
use hcrm_domain::customer::merge::merge_update;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::{Authz, perm};
use crate::body::JsonBody;
use crate::error::ApiError;
use crate::handlers::customers::{prepare_update, shown};
use crate::handlers::{created, expected_version};
use crate::state::AppState;

/// Which customers a phone or ID number already names, while it is typed (CUS-10): the same
/// matches as the create's 409 `possible_duplicate`, masked; a POST so that the numbers stay
/// out of URLs and logs.
#[utoipa::path(tag = "customers", operation_id = "check_customer_duplicates", security(("bearer" = [])),
    params(crate::contract::IdempotencyKey),
    request_body = DuplicateCheck,
    responses(
        (status = 200, body = DuplicateCheckResult, example = json!({"matches": [{"customer": {
            "id": "0193a1d2-7c4e-7b10-8000-00000000000f", "institution_id": "0193a1d2-7c4e-7b10-8000-000000000001",
            "kind": "individual", "name": "王建国", "gender": "male", "age": 76, "phone": "138****5678",
            "id_number": "110***********002X", "card_number": null, "form_of_address": "王爷爷",
            "lifecycle_stage": "current", "tags": [], "account_manager_id": null},
            "matched_on": ["phone"]}]})),
        crate::contract::CreateErrors<perm::CustomerRead>,
    ))]
#[post("/customers/duplicate-check")]
pub async fn check_duplicates(
    auth: Authz<perm::CustomerRead>,
    state: web::Data<AppState>,
    body: JsonBody<DuplicateCheck>,
) -> Result<HttpResponse, ApiError> {
    let x = body.valid()?;
    let scope = auth.caller.scope();
    let found = state
        .db(move |c| {
            Ok(store::duplicates(
                c,
                &scope,
                &x.phones,
                x.id_number.as_deref(),
                x.exclude_id,
            )?)
        })
        .await?;
    let matches = found
        .into_iter()
        .map(|(s, on)| DuplicateMatch {
            customer: s.masked(),
            matched_on: on,
        })
        .collect();
    Ok(HttpResponse::Ok().json(DuplicateCheckResult { matches }))
}

/// Report that another customer may be this one (issue 9 item 10): agents may not merge, so
/// the report is a `duplicate_review` task in the supervisors' queue (`team: supervisors`) of
/// this customer's institution, naming the other customer (`source_type: customer`). Both
/// customers must be in the caller's institutions.
#[utoipa::path(tag = "customers", operation_id = "create_duplicate_report", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "the customer the report is about"), crate::contract::IdempotencyKey),
    request_body = DuplicateReport,
    responses(
        (status = 201, body = Task),
        crate::contract::CreateErrors<perm::ContactWrite>,
        (status = 404, description = "the customer of the path is unknown to this caller", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "invalid fields or JSON of the wrong shape, the other customer unknown to this caller (`bad_reference`) or the same one (`self`)", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/customers/{id}/duplicate-reports")]
pub async fn report_duplicate(
    auth: Authz<perm::ContactWrite>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: JsonBody<DuplicateReport>,
) -> Result<HttpResponse, ApiError> {
    let x = body.valid()?;
    let (id, caller) = (id.into_inner(), auth.caller);
    let task = state
        .write(move |c| {
            let scope = caller.scope();
            let this = store::get(c, &scope, id)?;
            if x.other_customer_id == id {
                return Err(ApiError::field(
                    "other_customer_id",
                    "self",
                    "a customer is no duplicate of itself",
                ));
            }
            let other = store::get(c, &scope, x.other_customer_id).map_err(|_| {
                ApiError::field("other_customer_id", "bad_reference", "no such customer")
            })?;
            let task_id = tasks_store::create(
                c,
                NewTask {
                    institution_id: this.institution_id,
                    kind: TaskKind::DuplicateReview,
                    // The two names, the users' own words; the kind says what it is.
                    title: format!("{} / {}", this.name, other.name),
                    description: x.note.clone().filter(|n| !n.trim().is_empty()),
                    owner_id: None,
                    team: Some(SUPERVISOR_QUEUE.to_string()),
                    due_on: None,
                    due_at: None,
                    customer_id: Some(id),
                    source_type: Some("customer".into()),
                    source_id: Some(other.id.to_string()),
                    created_by: Some(caller.principal.id),
                },
            )?;
            let task = tasks_store::get(c, &Scope::Group, task_id)?;
            caller.record(c, Entry::created(&task))?;
            Ok(task)
        })
        .await?;
    Ok(created(&task, task.version))
}

/// Merge a duplicate into this customer (CUS-10): every record of both stays (contacts,
/// relations, tags, external ids, stage history, and every later module's records); per
/// field the value chosen in `choices` wins (by default the kept one, or the duplicate's when
/// the kept one is blank), and `fields` names those taken from the duplicate. The duplicate
/// disappears from reads: `GET /customers/{its id}` answers 404 `merged` with `merged_into`.
/// `If-Match` is the kept customer's version read: 412 when it changed since. Audited
/// on both.
#[utoipa::path(tag = "customers", operation_id = "merge_customers", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "the customer kept"), crate::contract::IfMatch, crate::contract::IdempotencyKey),
    request_body = MergeRequest,
    responses(
        (status = 200, body = MergeResult),
        crate::contract::UpdateErrors<perm::CustomerMerge>,
        (status = 404, description = "the kept customer unknown to this caller", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "invalid fields or JSON of the wrong shape, the duplicate unknown to this caller (`bad_reference`), merging a customer into itself, different kinds, chosen values that disagree (an ID number and another gender), or an `If-Match` that is not a version", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/customers/{id}/merge")]
pub async fn merge(
    auth: Authz<perm::CustomerMerge>,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: JsonBody<MergeRequest>,
) -> Result<HttpResponse, ApiError> {
    let request = body.valid()?;
    let version = expected_version(&req, None)?;
    let (from, choices) = (request.from_id, request.choices);
    let (into, caller) = (id.into_inner(), auth.caller);
    if from == into {
        return Err(ApiError::field(
            "from_id",
            "self",
            "a customer cannot be merged into itself",
        ));
    }
    let result = state
        .write(move |c| {
            let scope = caller.scope();
            let kept = store::get(c, &scope, into)?;
            let dup = store::get(c, &scope, from)
                .map_err(|_| ApiError::field("from_id", "bad_reference", "no such customer"))?;
            if version != kept.version {
                return Err(ApiError::Stale {
                    current: kept.version,
                });
            }
            if kept.kind != dup.kind {
                return Err(ApiError::field(
                    "from_id",
                    "kind_mismatch",
                    "an individual and an organization cannot be merged",
                ));
            }
            let moved = hcrm_db::merge::merge(c, Duplicate(from.into()), Kept(into.into()))?;
            let moved: BTreeMap<String, usize> =
                moved.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
            // The chosen values, written as a change of the kept record (checked as one).
            let after = store::get(c, &scope, into)?;
            let (change, fields) = merge_update(&kept, &dup, &after, &choices);
            let (form, change) = prepare_update(c, &caller, &scope, into, &after, &change)?;
            store::update(
                c,
                &scope,
                into,
                after.version,
                &change,
                form,
                caller.principal.id,
            )?;
            let detail = serde_json::json!({
                "merged_from": from, "merged_into": into, "moved": moved, "fields": fields,
            });
            caller.record(
                c,
                Entry::of(
                    Action::Merge,
                    "customer",
                    Some(into.to_string()),
                    Some(kept.institution_id),
                    detail.clone(),
                ),
            )?;
            caller.record(
                c,
                Entry::of(
                    Action::MergedAway,
                    "customer",
                    Some(from.to_string()),
                    Some(dup.institution_id),
                    detail,
                ),
            )?;
            let customer = shown(&caller, store::get(c, &scope, into)?);
            Ok(MergeResult {
                customer,
                moved,
                fields,
            })
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((
            actix_web::http::header::ETAG,
            format!("\"{}\"", result.customer.version),
        ))
        .json(result))
}

/// This module's routes (registered in [`crate::modules::MODULES`] before `customers`, whose
/// `/customers/{id}` would otherwise be tried for `/customers/duplicate-check`).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(check_duplicates)
        .service(report_duplicate)
        .service(merge);
}
