//! 预约 — appointments (SVC-2): book one place (or an organization's group's N places) in a
//! clinic session, list and read them, and move them — reschedule, cancel with a reason,
//! arrived (到诊), no-show — versioned and audited. No over-booking: a place is taken by a
//! guarded UPDATE in the booking's transaction (`hcrm_db::appointments`); a full session
//! answers 409 `session_full` naming the next free sessions.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::NaiveDate;
use hcrm_db::appointments::{self as store, BookingError, Filter, Move, NewBooking};
use hcrm_db::audit::{Action, Entry};
use hcrm_domain::api::appointments::{Appointment, AppointmentCreate, AppointmentTransition};
use hcrm_domain::api::{FieldError, Page, Problem};
use hcrm_domain::appointment::{AppointmentStatus, BookingRefused, TooEarly};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::{Authz, Caller, perm};
use crate::body::JsonBody;
use crate::error::ApiError;
use crate::handlers::{created, expected_version, page, versioned, window};
use crate::state::AppState;

/// The API's answer to a refused booking or move.
pub fn booking_error(e: BookingError) -> ApiError {
    match e {
        BookingError::Db(e) => e.into(),
        BookingError::BadReference(field) => ApiError::field(
            field,
            "bad_reference",
            "no such record in your institutions (or not the session's institution)",
        ),
        BookingError::Refused(BookingRefused::SessionCancelled) => {
            ApiError::WrongState(FieldError {
                field: "session_id".into(),
                code: "session_cancelled".into(),
                message: "the session was cancelled (leave or closure)".into(),
            })
        }
        BookingError::Refused(r) => {
            let (field, code) = r.field_and_code();
            let message = match r {
                BookingRefused::GroupNeedsOrganization => {
                    "more than one place is a group's booking: book it for the organization"
                }
                BookingRefused::PlacesRange => "must be between 1 and 200",
                BookingRefused::PastSession => "the session's day is over",
                BookingRefused::SessionCancelled => "the session was cancelled",
            };
            ApiError::field(field, code, message)
        }
        BookingError::Full(free) => ApiError::SessionFull(free),
        BookingError::AlreadyBooked => ApiError::Duplicate {
            field: Some("customer_id"),
            detail: "the customer already holds a booking in this session".into(),
        },
        BookingError::InvalidTransition { from, allowed } => ApiError::InvalidTransition {
            detail: format!(
                "an appointment that is {} may take: {}",
                from.code(),
                if allowed.is_empty() {
                    "nothing".to_string()
                } else {
                    allowed
                        .iter()
                        .map(|a| a.code())
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            ),
            allowed: allowed.iter().map(|a| a.code().to_string()).collect(),
        },
        BookingError::TooEarly(which) => ApiError::field(
            "action",
            "too_early",
            match which {
                TooEarly::Arrival => "arrival is recorded from the session's day on",
                TooEarly::NoShow => "a no-show is recorded from the session's day on",
            },
        ),
        BookingError::SameSession => ApiError::field(
            "session_id",
            "same_session",
            "the appointment is in this session already",
        ),
    }
}

/// The moves the caller may make: none for a reader without `service.write`.
fn for_caller(caller: &Caller, mut a: Appointment) -> Appointment {
    if !caller.can(hcrm_domain::Permission::ServiceWrite) {
        a.allowed_actions.clear();
    }
    a
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    institution_id: Option<Uuid>,
    customer_id: Option<Uuid>,
    session_id: Option<Uuid>,
    department_id: Option<Uuid>,
    doctor_id: Option<Uuid>,
    /// `booked`, `arrived`, `no_show`, `cancelled`, `rebooking` (the rebooking queue).
    status: Option<AppointmentStatus>,
    /// Sessions from this day (today's arrivals: `from` = `to` = today).
    #[param(example = "2026-12-08")]
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    /// 1–200, default 50.
    limit: Option<i64>,
    offset: Option<i64>,
}

/// Appointments of the caller's institutions, by their session's day and half-day.
#[utoipa::path(tag = "appointments", operation_id = "list_appointments", security(("bearer" = [])),
    params(ListQuery),
    responses(
        (status = 200, body = Page<Appointment>),
        crate::contract::ListErrors<perm::ServiceRead>,
    ))]
#[get("/appointments")]
pub async fn list(
    auth: Authz<perm::ServiceRead>,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let w = window(q.limit, q.offset)?;
    if let (Some(from), Some(to)) = (q.from, q.to)
        && to < from
    {
        return Err(ApiError::field(
            "to",
            "before_from",
            "must not be before from",
        ));
    }
    let filter = Filter {
        institution_id: q.institution_id,
        customer_id: q.customer_id,
        session_id: q.session_id,
        department_id: q.department_id,
        doctor_id: q.doctor_id,
        status: q.status,
        from: q.from,
        to: q.to,
    };
    let scope = auth.caller.scope();
    let (items, total) = state
        .db(move |c| Ok(store::list(c, &scope, &filter, w)?))
        .await?;
    let items = items
        .into_iter()
        .map(|a| for_caller(&auth.caller, a))
        .collect();
    Ok(HttpResponse::Ok().json(page((items, total), w)))
}

/// 预约 — book `places` in a session for a customer of its institution: one place for a
/// person, up to 200 for an organization's group in one booking. A full session is 409
/// `session_full` with `free_sessions`, the next sessions of the same doctor or resource
/// (else department) with free places; a customer who holds a booking in the session
/// already is 409 `duplicate`.
#[utoipa::path(tag = "appointments", operation_id = "create_appointment", security(("bearer" = [])),
    params(crate::contract::IdempotencyKey),
    request_body = AppointmentCreate,
    responses(
        (status = 201, body = Appointment, headers(("ETag" = String, description = "the version, for If-Match"))),
        crate::contract::CreateErrors<perm::ServiceWrite>,
        (status = 409, description = "no place left (`session_full`, the next free sessions in `free_sessions`), the customer holds a booking in this session already (`duplicate`), or the session was cancelled (`wrong_state`)", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/appointments")]
pub async fn create(
    auth: Authz<perm::ServiceWrite>,
    state: web::Data<AppState>,
    body: JsonBody<AppointmentCreate>,
) -> Result<HttpResponse, ApiError> {
    let body = body.valid()?;
    let caller = auth.caller;
    let appointment = state
        .write(move |c| {
            let scope = caller.scope();
            let id = store::book(
                c,
                &scope,
                &NewBooking {
                    customer_id: body.customer_id,
                    session_id: body.session_id,
                    kind: body.kind,
                    places: body.places,
                    note: body.note.clone(),
                    booked_by: Some(caller.principal.id),
                },
            )
            .map_err(booking_error)?;
            let appointment = store::get(c, &scope, id)?;
            caller.record(c, Entry::created(&appointment))?;
            Ok(appointment)
        })
        .await?;
    Ok(created(&appointment, appointment.version))
}

/// One appointment with its session and the moves it has (`allowed_actions`).
#[utoipa::path(tag = "appointments", operation_id = "get_appointment", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = Appointment, headers(("ETag" = String, description = "the version, for If-Match"))),
        crate::contract::ReadErrors<perm::ServiceRead>,
    ))]
#[get("/appointments/{id}")]
pub async fn get(
    auth: Authz<perm::ServiceRead>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, scope) = (id.into_inner(), auth.caller.scope());
    let appointment = for_caller(
        &auth.caller,
        state.db(move |c| Ok(store::get(c, &scope, id)?)).await?,
    );
    Ok(versioned(&appointment, appointment.version))
}

/// Move an appointment: `reschedule` to `session_id` (its places are taken there first,
/// then given back here and offered to the waitlist), `cancel` with a `reason` (the places
/// offered to the first patient waiting), `arrive` (到诊) or `no_show` (from the session's
/// day on). Needs the version read (`If-Match` or `version`).
#[utoipa::path(tag = "appointments", operation_id = "create_appointment_transition", security(("bearer" = [])),
    params(("id" = Uuid, Path), crate::contract::IfMatch, crate::contract::IdempotencyKey),
    request_body = AppointmentTransition,
    responses(
        (status = 200, body = Appointment, headers(("ETag" = String, description = "the new version"))),
        crate::contract::UpdateErrors<perm::ServiceWrite>,
        (status = 409, description = "the status has no such move (`invalid_transition`, `allowed_actions` lists those it has), the new session is full (`session_full` with `free_sessions`) or cancelled (`wrong_state`), or the customer holds a booking there already (`duplicate`)", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/appointments/{id}/transitions")]
pub async fn transition(
    auth: Authz<perm::ServiceWrite>,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: JsonBody<AppointmentTransition>,
) -> Result<HttpResponse, ApiError> {
    let x = body.valid()?;
    let version = expected_version(&req, x.version)?;
    let (id, caller) = (id.into_inner(), auth.caller);
    let appointment = state
        .write(move |c| {
            let (before, after) = store::transition(
                c,
                &caller.scope(),
                id,
                &Move {
                    action: x.action,
                    session_id: x.session_id,
                    reason: x.reason.clone(),
                    expected_version: version,
                },
            )
            .map_err(booking_error)?;
            caller.record(c, Entry::changed(Action::Update, &before, &after))?;
            Ok(after)
        })
        .await?;
    Ok(versioned(&appointment, appointment.version))
}

/// This module's routes (registered in [`crate::modules::MODULES`]).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(get)
        .service(transition);
}
