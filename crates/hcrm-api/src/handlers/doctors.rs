//! ORG-2: doctors and experts with their consultation schedules.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use hcrm_db::DbConn;
use hcrm_db::audit::{Action, Entry};
use hcrm_db::doctors::{self as store, Filter};
use hcrm_domain::Scope;
use hcrm_domain::api::Page;
use hcrm_domain::api::org::{Doctor, DoctorCreate, DoctorUpdate};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::{Authz, perm};
use crate::body::JsonBody;
use crate::error::ApiError;
use crate::handlers::{created, expected_version, page, versioned, window};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    institution_id: Option<Uuid>,
    department_id: Option<Uuid>,
    /// Fragment of the name, title or a specialty.
    #[param(example = "冠心病")]
    q: Option<String>,
    active: Option<bool>,
    /// 1–200, default 50.
    limit: Option<i64>,
    offset: Option<i64>,
}

/// List doctors of the caller's institutions, by name.
#[utoipa::path(tag = "doctors", operation_id = "list_doctors", security(("bearer" = [])),
    params(ListQuery),
    responses(
        (status = 200, body = Page<Doctor>),
        crate::contract::ListErrors<perm::DepartmentRead>,
    ))]
#[get("/doctors")]
pub async fn list(
    auth: Authz<perm::DepartmentRead>,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let w = window(q.limit, q.offset)?;
    let filter = Filter {
        institution_id: q.institution_id,
        department_id: q.department_id,
        q: q.q,
        active: q.active,
    };
    let scope = auth.caller.scope();
    let result = state
        .db(move |c| Ok(store::list(c, &scope, &filter, w)?))
        .await?;
    Ok(HttpResponse::Ok().json(page(result, w)))
}

/// The institution of a department in scope, or a validation problem on `department_id`.
fn department_institution(
    c: &mut DbConn,
    scope: &Scope,
    department: Uuid,
) -> Result<Uuid, ApiError> {
    hcrm_db::departments::get(c, scope, department)
        .map(|d| d.institution_id)
        .map_err(|_| ApiError::field("department_id", "bad_reference", "no such department"))
}

/// Add a doctor with a weekly (or dated) consultation schedule.
#[utoipa::path(tag = "doctors", operation_id = "create_doctor", security(("bearer" = [])),
    params(crate::contract::IdempotencyKey),
    request_body = DoctorCreate,
    responses(
        (status = 201, body = Doctor),
        crate::contract::CreateErrors<perm::DepartmentWrite>,
    ))]
#[post("/doctors")]
pub async fn create(
    auth: Authz<perm::DepartmentWrite>,
    state: web::Data<AppState>,
    body: JsonBody<DoctorCreate>,
) -> Result<HttpResponse, ApiError> {
    let body = body.valid()?;
    let caller = auth.caller;
    let doctor = state
        .write(move |c| {
            let institution = department_institution(c, &caller.scope(), body.department_id)?;
            let id = store::create(c, institution, &body)?;
            let doctor = store::get(c, &Scope::Group, id)?;
            caller.record(c, Entry::created(&doctor))?;
            Ok(doctor)
        })
        .await?;
    Ok(created(&doctor, doctor.version))
}

/// One doctor with the schedule.
#[utoipa::path(tag = "doctors", operation_id = "get_doctor", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = Doctor, headers(("ETag" = String, description = "the version, for If-Match"))),
        crate::contract::ReadErrors<perm::DepartmentRead>,
    ))]
#[get("/doctors/{id}")]
pub async fn get(
    auth: Authz<perm::DepartmentRead>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, scope) = (id.into_inner(), auth.caller.scope());
    let doctor = state.db(move |c| Ok(store::get(c, &scope, id)?)).await?;
    Ok(versioned(&doctor, doctor.version))
}

/// Change a doctor; a given `schedule` replaces the whole schedule.
#[utoipa::path(tag = "doctors", operation_id = "update_doctor", security(("bearer" = [])),
    params(("id" = Uuid, Path), crate::contract::IfMatch),
    request_body = DoctorUpdate,
    responses(
        (status = 200, body = Doctor),
        crate::contract::UpdateErrors<perm::DepartmentWrite>,
    ))]
#[patch("/doctors/{id}")]
pub async fn update(
    auth: Authz<perm::DepartmentWrite>,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: JsonBody<DoctorUpdate>,
) -> Result<HttpResponse, ApiError> {
    let body = body.valid()?;
    let version = expected_version(&req, body.version)?;
    let (id, caller) = (id.into_inner(), auth.caller);
    let doctor = state
        .write(move |c| {
            let scope = caller.scope();
            let institution = body
                .department_id
                .map(|d| department_institution(c, &scope, d))
                .transpose()?;
            let (before, after) = store::update(c, &scope, id, version, institution, &body)?;
            caller.record(c, Entry::changed(Action::Update, &before, &after))?;
            Ok(after)
        })
        .await?;
    Ok(versioned(&doctor, doctor.version))
}

/// This module's routes (registered in [`crate::modules::MODULES`]).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(get)
        .service(update);
}
