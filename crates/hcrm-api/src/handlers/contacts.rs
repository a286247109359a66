//! CUS-12: a customer's contact records (联系记录). A next step with a date becomes a reminder
//! task for the record's owner, in the same transaction.

use actix_web::{HttpResponse, get, post, web};
use hcrm_db::audit::Entry;
use hcrm_db::contacts as store;
use hcrm_db::tasks;
use hcrm_domain::api::contacts::{Contact, ContactCreate};
use hcrm_domain::api::{Page, Problem};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::{Authz, perm};
use crate::body::JsonBody;
use crate::error::ApiError;
use crate::handlers::customer_access::{customer_access, customer_read, writable};
use crate::handlers::tasks::require_staff;
use crate::handlers::{page, window};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// 1–200, default 50.
    limit: Option<i64>,
    offset: Option<i64>,
}

/// A customer's contact records, newest first. Reads under a break-glass grant are audited
/// and flagged (X-6a).
#[utoipa::path(tag = "customers", operation_id = "list_customer_contacts", security(("bearer" = [])),
    params(("id" = Uuid, Path), ListQuery),
    responses(
        (status = 200, body = Page<Contact>),
        crate::contract::ListErrors<perm::ContactRead>,
        crate::contract::NotFound,
    ))]
#[get("/customers/{id}/contacts")]
pub async fn list(
    auth: Authz<perm::ContactRead>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let w = window(q.limit, q.offset)?;
    let (id, caller) = (id.into_inner(), auth.caller);
    let result = state
        .db(move |c| {
            customer_read(c, &caller, id, "customer_contacts", &["contacts"])?;
            Ok(store::list(c, id.into(), w)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(page(result, w)))
}

/// Record a contact with the customer; the caller is its owner. A `next_step` with a
/// `next_step_on` date also creates a reminder task for the caller due that day
/// (`reminder_task_id`).
#[utoipa::path(tag = "customers", operation_id = "create_contact", security(("bearer" = [])),
    params(("id" = Uuid, Path), crate::contract::IdempotencyKey),
    request_body = ContactCreate,
    responses(
        (status = 201, body = Contact),
        crate::contract::CreateErrors<perm::ContactWrite>,
        crate::contract::NotFound,
        (status = 422, description = "invalid fields (lengths, minutes, money, a date without a next step, a future time, an unknown linked customer) or JSON of the wrong shape", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/customers/{id}/contacts")]
pub async fn create(
    auth: Authz<perm::ContactWrite>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: JsonBody<ContactCreate>,
) -> Result<HttpResponse, ApiError> {
    let (id, caller) = (id.into_inner(), auth.caller);
    require_staff(&caller)?;
    let x = body.valid()?;
    crate::error::check_fields(x.cross_field_errors(chrono::Utc::now()))?;
    let contact = state
        .write(move |c| {
            let access = writable(c, &caller, id)?;
            if let Some(p) = x.party_customer_id {
                if p == id {
                    return Err(ApiError::field(
                        "party_customer_id",
                        "self",
                        "the other party cannot be the customer themself",
                    ));
                }
                customer_access(c, &caller, p).map_err(|e| match e {
                    ApiError::NotFound => {
                        ApiError::field("party_customer_id", "bad_reference", "no such customer")
                    }
                    other => other,
                })?;
            }
            let made = store::create(
                c,
                id.into(),
                access.institution_id.into(),
                &x,
                caller.principal.id.into(),
            )?;
            let contact = store::get(c, made.contact_id.into())?;
            caller.record(c, Entry::created(&contact))?;
            if let Some(task_id) = made.reminder_task_id {
                let task = tasks::get(c, &hcrm_domain::Scope::Group, task_id)?;
                caller.record(c, Entry::created(&task))?;
            }
            Ok(contact)
        })
        .await?;
    Ok(HttpResponse::Created().json(contact))
}

/// One contact record; 404 unless the caller may read its customer.
#[utoipa::path(tag = "customers", operation_id = "get_contact", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = Contact),
        crate::contract::ReadErrors<perm::ContactRead>,
    ))]
#[get("/contacts/{id}")]
pub async fn get(
    auth: Authz<perm::ContactRead>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, caller) = (id.into_inner(), auth.caller);
    let contact = state
        .db(move |c| {
            let contact = store::get(c, id.into())?;
            customer_read(
                c,
                &caller,
                contact.customer_id,
                "customer_contacts",
                &["contact"],
            )?;
            Ok(contact)
        })
        .await?;
    Ok(HttpResponse::Ok().json(contact))
}

/// This module's routes (registered in [`crate::modules::MODULES`]).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list).service(create).service(get);
}
