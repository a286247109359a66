//! 候补 — a session's waitlist (SVC-2a): join, leave, read. When a place is freed the first
//! patient waiting is offered it as a task for the agent (`hcrm_db::appointments::waitlist`).

use actix_web::{HttpResponse, get, post, web};
use hcrm_db::appointments::{sessions, waitlist as store};
use hcrm_db::audit::{Action, Entry};
use hcrm_db::ids::{CustomerId, SessionId};
use hcrm_domain::api::appointments::{WaitlistCreate, WaitlistEntry};
use hcrm_domain::appointment::{MAX_PLACES, SessionStatus};
use hcrm_domain::customer::CustomerKind;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::{Authz, perm};
use crate::body::JsonBody;
use crate::error::{ApiError, duplicate_of};
use crate::state::AppState;

/// The waitlist of a session, first come first (waiting, offered and left entries).
#[utoipa::path(tag = "clinic_sessions", operation_id = "list_waitlist_entries", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "the session")),
    responses(
        (status = 200, body = Vec<WaitlistEntry>),
        crate::contract::ReadErrors<perm::ServiceRead>,
    ))]
#[get("/clinic-sessions/{id}/waitlist")]
pub async fn list(
    auth: Authz<perm::ServiceRead>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, scope) = (id.into_inner(), auth.caller.scope());
    let entries = state
        .db(move |c| Ok(store::of_session(c, &scope, id)?))
        .await?;
    Ok(HttpResponse::Ok().json(entries))
}

/// Put a customer of the session's institution on its waitlist (an open session, today or
/// later). 409 `duplicate` when they wait there already.
#[utoipa::path(tag = "clinic_sessions", operation_id = "create_waitlist_entry", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "the session"), crate::contract::IdempotencyKey),
    request_body = WaitlistCreate,
    responses(
        (status = 201, body = WaitlistEntry),
        crate::contract::CreateErrors<perm::ServiceWrite>,
        (status = 404, description = "no such session for this caller (`not_found`)", body = hcrm_domain::api::Problem, content_type = "application/problem+json"),
        (status = 409, description = "the customer waits for this session already (`duplicate`), or the session was cancelled (`wrong_state`)", body = hcrm_domain::api::Problem, content_type = "application/problem+json"),
    ))]
#[post("/clinic-sessions/{id}/waitlist")]
pub async fn join(
    auth: Authz<perm::ServiceWrite>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: JsonBody<WaitlistCreate>,
) -> Result<HttpResponse, ApiError> {
    let body = body.valid()?;
    let (id, caller) = (id.into_inner(), auth.caller);
    let entry = state
        .write(move |c| {
            let scope = caller.scope();
            let session = sessions::get(c, &scope, id)?;
            if session.status == SessionStatus::Cancelled {
                return Err(ApiError::WrongState(hcrm_domain::api::FieldError {
                    field: "session_id".into(),
                    code: "session_cancelled".into(),
                    message: "the session was cancelled".into(),
                }));
            }
            if session.date < hcrm_db::institutions::today_of(c, session.institution_id)? {
                return Err(ApiError::field(
                    "session_id",
                    "past_session",
                    "the session's day is over",
                ));
            }
            let customer = CustomerId::from(body.customer_id);
            let kind = match hcrm_db::appointments::sessions::customer_of(c, customer)? {
                Some((inst, kind)) if inst.0 == session.institution_id => kind,
                _ => {
                    return Err(ApiError::field(
                        "customer_id",
                        "bad_reference",
                        "no such customer of the session's institution",
                    ));
                }
            };
            if (body.places > 1 && kind != CustomerKind::Organization) || body.places > MAX_PLACES {
                return Err(ApiError::field(
                    "places",
                    "group_needs_organization",
                    "more than one place is a group's: put the organization on the list",
                ));
            }
            let entry_id = store::join(
                c,
                hcrm_db::ids::InstitutionId::from(session.institution_id),
                SessionId::from(session.id),
                customer,
                body.places,
                body.note.clone(),
                Some(caller.principal.id),
            )
            .map_err(ApiError::from)
            .map_err(duplicate_of(
                "customer_id",
                "the customer waits for this session already",
            ))?;
            let entry = store::get(c, &scope, entry_id)?;
            caller.record(c, Entry::created(&entry))?;
            Ok(entry)
        })
        .await?;
    Ok(HttpResponse::Created().json(entry))
}

/// Take an entry off the waitlist (it stays, `left`, for the record).
#[utoipa::path(tag = "clinic_sessions", operation_id = "leave_waitlist_entry", security(("bearer" = [])),
    params(("id" = Uuid, Path), crate::contract::IdempotencyKey),
    responses(
        (status = 200, body = WaitlistEntry),
        crate::contract::ActionErrors<perm::ServiceWrite>,
    ))]
#[post("/waitlist-entries/{id}/leave")]
pub async fn leave(
    auth: Authz<perm::ServiceWrite>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, caller) = (id.into_inner(), auth.caller);
    let entry = state
        .write(move |c| {
            let (before, after) = store::leave(c, &caller.scope(), id)?;
            caller.record(c, Entry::changed(Action::Update, &before, &after))?;
            Ok(after)
        })
        .await?;
    Ok(HttpResponse::Ok().json(entry))
}

/// This module's routes (registered in [`crate::modules::MODULES`]).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list).service(join).service(leave);
}
