//! CUS-7: relations between customers, shown from both sides. A relation to a customer the
//! caller cannot reach is not shown at all (X-6b: not even the other customer's name).

use actix_web::{HttpResponse, delete, get, post, web};
use hcrm_db::audit::{Action, Entry};
use hcrm_db::customers as store;
use hcrm_db::relations::{self, RelationRow};
use hcrm_db::{DbConn, DbError, break_glass};
use hcrm_domain::api::Problem;
use hcrm_domain::api::customers::Customer;
use hcrm_domain::api::relations::{Relation, RelationCreate};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::{Authz, Caller, perm};
use crate::body::JsonBody;
use crate::error::ApiError;
use crate::handlers::customer_access::{customer_read, writable};
use crate::state::AppState;

/// Whether the caller may see customer `other` (of `institution`) at the far end of a link.
fn reachable(
    c: &mut DbConn,
    caller: &Caller,
    other: Uuid,
    institution: Uuid,
) -> Result<bool, ApiError> {
    Ok(caller.scope().allows(institution) || break_glass::active(c, caller.principal.id, other)?)
}

/// The customer's relations, from both sides: a link stored from the other customer shows
/// here with the inverse kind (their `parent` is this customer's `child`). Oldest first.
#[utoipa::path(tag = "customers", operation_id = "list_customer_relations", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = Vec<Relation>),
        crate::contract::ReadErrors<perm::CustomerRead>,
    ))]
#[get("/customers/{id}/relations")]
pub async fn list(
    auth: Authz<perm::CustomerRead>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, caller) = (id.into_inner(), auth.caller);
    let items = state
        .db(move |c| {
            customer_read(c, &caller, id, "customer", &["relations"])?;
            let mut shown = Vec::new();
            for (relation, institution) in relations::of_customer(c, id)? {
                if reachable(c, &caller, relation.other_id, institution)? {
                    shown.push(relation);
                }
            }
            Ok(shown)
        })
        .await?;
    Ok(HttpResponse::Ok().json(items))
}

/// A live customer of the caller's institutions named in the body; 422 on `field` when not.
fn linked(c: &mut DbConn, caller: &Caller, id: Uuid, field: &str) -> Result<Customer, ApiError> {
    match store::get(c, &caller.scope(), id) {
        Err(DbError::NotFound) => Err(ApiError::field(field, "bad_reference", "no such customer")),
        other => Ok(other?),
    }
}

fn audit_changes(row: &RelationRow) -> serde_json::Value {
    serde_json::json!({
        "from_id": row.from_id, "to_id": row.to_id, "kind": row.kind, "note": row.note,
    })
}

/// Link this customer to another: "this customer is the ⟨kind⟩ of `to_id`". Family and
/// friends join two individuals, `employee_of` an individual to an organization (`employer`
/// the other way round), referrals anyone. The same link twice (either way round) is 409.
#[utoipa::path(tag = "customers", operation_id = "create_customer_relation", security(("bearer" = [])),
    params(("id" = Uuid, Path), crate::contract::IdempotencyKey),
    request_body = RelationCreate,
    responses(
        (status = 201, body = Relation),
        crate::contract::CreateErrors<perm::RelationWrite>,
        crate::contract::NotFound,
        (status = 409, description = "the two customers are already linked this way", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "invalid fields or JSON of the wrong shape: an unknown other customer, a link to itself, or a kind these customers cannot have", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/customers/{id}/relations")]
pub async fn create(
    auth: Authz<perm::RelationWrite>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: JsonBody<RelationCreate>,
) -> Result<HttpResponse, ApiError> {
    let x = body.valid()?;
    let (id, caller) = (id.into_inner(), auth.caller);
    let relation = state
        .write(move |c| {
            let access = writable(c, &caller, id)?;
            if x.to_id == id {
                return Err(ApiError::field(
                    "to_id",
                    "self",
                    "a customer cannot be related to itself",
                ));
            }
            let from = store::get(c, &caller.scope(), id)?;
            let to = linked(c, &caller, x.to_id, "to_id")?;
            if !x.kind.allowed(from.kind, to.kind) {
                return Err(ApiError::field(
                    "kind",
                    "relation_not_allowed",
                    &format!(
                        "`{}` cannot link an {} customer to an {} customer",
                        x.kind, from.kind, to.kind
                    ),
                ));
            }
            let row = relations::create(
                c,
                id,
                x.to_id,
                x.kind,
                x.note.as_deref(),
                caller.principal.id,
            )
            .map_err(|e| match e {
                DbError::Duplicate(_) => ApiError::Duplicate {
                    field: Some("to_id"),
                    detail: "the two customers are already linked this way".into(),
                },
                other => other.into(),
            })?;
            caller.record(
                c,
                Entry::of(
                    Action::Create,
                    "customer_relation",
                    Some(row.id.to_string()),
                    Some(access.institution_id),
                    audit_changes(&row),
                ),
            )?;
            Ok(Relation {
                id: row.id.0,
                other_id: to.id,
                other_name: to.name,
                other_form_of_address: to.form_of_address,
                other_kind: to.kind,
                kind: x.kind,
                note: row.note,
                created_at: row.created_at.and_utc(),
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(relation))
}

/// Remove a relation (from either side).
#[utoipa::path(tag = "customers", operation_id = "delete_customer_relation", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("relation_id" = Uuid, Path)),
    responses(
        (status = 204, description = "removed"),
        crate::contract::ActionErrors<perm::RelationWrite>,
    ))]
#[delete("/customers/{id}/relations/{relation_id}")]
pub async fn remove(
    auth: Authz<perm::RelationWrite>,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let ((id, relation_id), caller) = (path.into_inner(), auth.caller);
    state
        .write(move |c| {
            let access = writable(c, &caller, id)?;
            let row = relations::get(c, id, relation_id)?;
            let (other, _) = row.seen_from(id)?.ok_or(ApiError::NotFound)?;
            // A link the caller is not shown is not theirs to remove either.
            if !caller.scope().allows(store::institution_of(c, other)?) {
                return Err(ApiError::NotFound);
            }
            relations::delete(c, relation_id)?;
            caller.record(
                c,
                Entry::of(
                    Action::Delete,
                    "customer_relation",
                    Some(relation_id.to_string()),
                    Some(access.institution_id),
                    audit_changes(&row),
                ),
            )?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// This module's routes (registered in [`crate::modules::MODULES`]).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list).service(create).service(remove);
}
