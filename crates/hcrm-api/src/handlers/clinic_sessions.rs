//! 出诊 — clinic sessions (ORG-2, SVC-2): the free-place search the agent calls as they type,
//! one session, extra sessions (加诊), making the weeks ahead from the weekly schedules, and
//! leaves and closures (停诊) that move the bookings to the rebooking queue.

use actix_web::{HttpResponse, get, post, web};
use chrono::{Days, NaiveDate};
use hcrm_db::appointments::sessions::{self as store, Filter, Owner};
use hcrm_db::audit::Entry;
use hcrm_db::ids::{DoctorId, InstitutionId, ResourceId};
use hcrm_domain::api::Page;
use hcrm_domain::api::appointments::{
    ClinicSession, ClinicSessionCreate, ScheduleException, ScheduleExceptionCreate,
    SessionGenerate, SessionGenerated,
};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::{Authz, perm};
use crate::body::JsonBody;
use crate::error::{ApiError, duplicate_of};
use crate::handlers::{created, page, versioned, window};
use crate::state::AppState;

/// Most days one search covers.
pub const MAX_DAYS: i64 = 62;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    institution_id: Option<Uuid>,
    department_id: Option<Uuid>,
    doctor_id: Option<Uuid>,
    resource_id: Option<Uuid>,
    /// First day (default today in the institution's zone, else Beijing's).
    #[param(example = "2026-12-08")]
    from: Option<NaiveDate>,
    /// Days from `from`, 1–62 (default 7).
    #[param(example = 7)]
    days: Option<i64>,
    /// Only open sessions with a free place (default true); `false` shows full and
    /// cancelled ones too.
    free_only: Option<bool>,
    /// 1–200, default 50.
    limit: Option<i64>,
    offset: Option<i64>,
}

/// 查号 — sessions of a department, doctor or resource over the next days, by day and
/// half-day, with their free places. Indexed for each filter: fast enough to call as the
/// agent types.
#[utoipa::path(tag = "clinic_sessions", operation_id = "list_clinic_sessions", security(("bearer" = [])),
    params(SearchQuery),
    responses(
        (status = 200, body = Page<ClinicSession>),
        crate::contract::ListErrors<perm::ServiceRead>,
    ))]
#[get("/clinic-sessions")]
pub async fn search(
    auth: Authz<perm::ServiceRead>,
    state: web::Data<AppState>,
    query: web::Query<SearchQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let w = window(q.limit, q.offset)?;
    let days = q.days.unwrap_or(7);
    if !(1..=MAX_DAYS).contains(&days) {
        return Err(ApiError::field("days", "range", "must be between 1 and 62"));
    }
    let scope = auth.caller.scope();
    let result = state
        .db(move |c| {
            let from = match (q.from, q.institution_id) {
                (Some(f), _) => f,
                (None, Some(inst)) if scope.allows(inst) => {
                    hcrm_db::institutions::today_of(c, inst)?
                }
                _ => hcrm_domain::time::today_at_home(),
            };
            let to = from
                .checked_add_days(Days::new(u64::try_from(days - 1).unwrap_or(0)))
                .ok_or_else(|| ApiError::field("from", "range", "too far ahead"))?;
            let filter = Filter {
                institution_id: q.institution_id,
                department_id: q.department_id,
                doctor_id: q.doctor_id,
                resource_id: q.resource_id,
                from,
                to,
                free_only: q.free_only.unwrap_or(true),
            };
            Ok(store::search(c, &scope, &filter, w)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(page(result, w)))
}

/// One session with its places.
#[utoipa::path(tag = "clinic_sessions", operation_id = "get_clinic_session", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = ClinicSession, headers(("ETag" = String, description = "the version"))),
        crate::contract::ReadErrors<perm::ServiceRead>,
    ))]
#[get("/clinic-sessions/{id}")]
pub async fn get(
    auth: Authz<perm::ServiceRead>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, scope) = (id.into_inner(), auth.caller.scope());
    let session = state.db(move |c| Ok(store::get(c, &scope, id)?)).await?;
    Ok(versioned(&session, session.version))
}

fn owner(doctor: Option<Uuid>, resource: Option<Uuid>) -> Result<(Owner, &'static str), ApiError> {
    match (doctor, resource) {
        (Some(d), None) => Ok((Owner::Doctor(DoctorId::from(d)), "doctor_id")),
        (None, Some(r)) => Ok((Owner::Resource(ResourceId::from(r)), "resource_id")),
        _ => Err(ApiError::field(
            "doctor_id",
            "doctor_or_resource",
            "give exactly one of doctor_id and resource_id",
        )),
    }
}

fn owner_missing(field: &'static str) -> impl Fn(ApiError) -> ApiError {
    move |e| match e {
        ApiError::NotFound => ApiError::field(
            field,
            "bad_reference",
            "no such record in your institutions",
        ),
        other => other,
    }
}

/// 加诊 — an extra session of a doctor or resource on one day (not in the past). 409
/// `duplicate` when they have a session at that half-day already.
#[utoipa::path(tag = "clinic_sessions", operation_id = "create_clinic_session", security(("bearer" = [])),
    params(crate::contract::IdempotencyKey),
    request_body = ClinicSessionCreate,
    responses(
        (status = 201, body = ClinicSession),
        crate::contract::CreateErrors<perm::ScheduleWrite>,
        (status = 409, description = "the doctor or resource has a session at that half-day already (`duplicate`)", body = hcrm_domain::api::Problem, content_type = "application/problem+json"),
    ))]
#[post("/clinic-sessions")]
pub async fn create(
    auth: Authz<perm::ScheduleWrite>,
    state: web::Data<AppState>,
    body: JsonBody<ClinicSessionCreate>,
) -> Result<HttpResponse, ApiError> {
    let body = body.valid()?;
    let (who, field) = owner(body.doctor_id, body.resource_id)?;
    let caller = auth.caller;
    let session = state
        .write(move |c| {
            let scope = caller.scope();
            let (inst, _) = store::owner_home(c, &scope, who)
                .map_err(ApiError::from)
                .map_err(owner_missing(field))?;
            if body.date < hcrm_db::institutions::today_of(c, inst.0)? {
                return Err(ApiError::field("date", "past", "must not be in the past"));
            }
            let session =
                store::create_extra(c, &scope, who, body.date, body.half_day, body.capacity)
                    .map_err(ApiError::from)
                    .map_err(duplicate_of(
                        "half_day",
                        "there is a session at this half-day already",
                    ))?;
            caller.record(c, Entry::created(&session))?;
            Ok(session)
        })
        .await?;
    Ok(created(&session, session.version))
}

/// Make the sessions of every active doctor's and resource's weekly schedule for `weeks`
/// weeks from `from` (default today); sessions that exist stay as they are. The server's
/// appointment job does the same for the next four weeks on every run
/// (`HCRM_APPOINTMENT_JOB_SECONDS`).
#[utoipa::path(tag = "clinic_sessions", operation_id = "generate_clinic_sessions", security(("bearer" = [])),
    params(crate::contract::IdempotencyKey),
    request_body = SessionGenerate,
    responses(
        (status = 200, body = SessionGenerated),
        crate::contract::CreateErrors<perm::ScheduleWrite>,
    ))]
#[post("/clinic-sessions/generate")]
pub async fn generate(
    auth: Authz<perm::ScheduleWrite>,
    state: web::Data<AppState>,
    body: JsonBody<SessionGenerate>,
) -> Result<HttpResponse, ApiError> {
    let body = body.valid()?;
    let caller = auth.caller;
    let done = state
        .write(move |c| {
            let scope = caller.scope();
            let institutions: Option<Vec<InstitutionId>> = match body.institution_id {
                Some(i) if scope.allows(i) => Some(vec![InstitutionId::from(i)]),
                Some(_) => {
                    return Err(ApiError::field(
                        "institution_id",
                        "bad_reference",
                        "no such institution of yours",
                    ));
                }
                None => scope
                    .institution_ids()
                    .map(|ids| ids.iter().copied().map(InstitutionId::from).collect()),
            };
            let from = body.from.unwrap_or_else(hcrm_domain::time::today_at_home);
            let to = from
                .checked_add_days(Days::new(u64::from(body.weeks) * 7 - 1))
                .ok_or_else(|| ApiError::field("from", "range", "too far ahead"))?;
            let created = store::generate(c, institutions.as_deref(), from, to)?;
            Ok(SessionGenerated { from, to, created })
        })
        .await?;
    Ok(HttpResponse::Ok().json(done))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExceptionQuery {
    doctor_id: Option<Uuid>,
    resource_id: Option<Uuid>,
}

/// Leaves and closures of the caller's institutions, newest first (at most 200).
#[utoipa::path(tag = "clinic_sessions", operation_id = "list_schedule_exceptions", security(("bearer" = [])),
    params(ExceptionQuery),
    responses(
        (status = 200, body = Vec<ScheduleException>),
        crate::contract::ListErrors<perm::ServiceRead>,
    ))]
#[get("/schedule-exceptions")]
pub async fn exceptions(
    auth: Authz<perm::ServiceRead>,
    state: web::Data<AppState>,
    query: web::Query<ExceptionQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let scope = auth.caller.scope();
    let list = state
        .db(move |c| {
            Ok(hcrm_db::appointments::list_exceptions(
                c,
                &scope,
                q.doctor_id,
                q.resource_id,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// 停诊 — a doctor's leave or a resource out of service from `from` to `to`: the open
/// sessions of the range from today on are cancelled; each booking moves to the rebooking
/// queue (`GET /appointments?status=rebooking`) with a task for the agent who booked it (or
/// the `service` team) to tell the patient; the sessions' waitlists close.
#[utoipa::path(tag = "clinic_sessions", operation_id = "create_schedule_exception", security(("bearer" = [])),
    params(crate::contract::IdempotencyKey),
    request_body = ScheduleExceptionCreate,
    responses(
        (status = 201, body = ScheduleException),
        crate::contract::CreateErrors<perm::ScheduleWrite>,
    ))]
#[post("/schedule-exceptions")]
pub async fn create_exception(
    auth: Authz<perm::ScheduleWrite>,
    state: web::Data<AppState>,
    body: JsonBody<ScheduleExceptionCreate>,
) -> Result<HttpResponse, ApiError> {
    let body = body.valid()?;
    let (_, field) = owner(body.doctor_id, body.resource_id)?;
    let caller = auth.caller;
    let done = state
        .write(move |c| {
            let e = hcrm_db::appointments::apply_exception(
                c,
                &caller.scope(),
                &body,
                Some(caller.principal.id),
            )
            .map_err(ApiError::from)
            .map_err(owner_missing(field))?;
            caller.record(c, Entry::created(&e))?;
            Ok(e)
        })
        .await?;
    Ok(HttpResponse::Created().json(done))
}

/// This module's routes (registered in [`crate::modules::MODULES`]).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(search)
        .service(generate)
        .service(create)
        .service(get)
        .service(exceptions)
        .service(create_exception);
}
