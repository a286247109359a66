//! 检查资源 — examination resources (ultrasound, CT …) scheduled like doctors (ORG-2), and
//! the read-only directory of departments, doctors and resources every service role sees.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use hcrm_db::appointments::{directory, resources as store};
use hcrm_db::audit::{Action, Entry};
use hcrm_domain::api::Page;
use hcrm_domain::api::appointments::{
    ClinicResource, ClinicResourceCreate, ClinicResourceUpdate, Directory,
};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::{Authz, perm};
use crate::body::JsonBody;
use crate::error::ApiError;
use crate::handlers::{created, expected_version, institution_for_new, page, versioned, window};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DirectoryQuery {
    institution_id: Option<Uuid>,
    department_id: Option<Uuid>,
    /// A fragment of a doctor's name, title or specialty, or of a resource's name.
    #[param(example = "心内")]
    q: Option<String>,
}

/// ORG-2: 科室与专家一览 — the active departments of the caller's institutions with their
/// doctors (title, specialties, clinic hours) and examination resources, and the free places
/// each has left this week (today to Sunday). Read-only, for every service role.
#[utoipa::path(tag = "clinic_sessions", operation_id = "get_directory", security(("bearer" = [])),
    params(DirectoryQuery),
    responses(
        (status = 200, body = Directory),
        crate::contract::ListErrors<perm::DepartmentRead>,
    ))]
#[get("/directory")]
pub async fn get_directory(
    auth: Authz<perm::DepartmentRead>,
    state: web::Data<AppState>,
    query: web::Query<DirectoryQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    if q.q.as_ref().is_some_and(|t| t.chars().count() > 100) {
        return Err(ApiError::field("q", "length", "at most 100 characters"));
    }
    let scope = auth.caller.scope();
    let d = state
        .db(move |c| {
            Ok(directory::read(
                c,
                &scope,
                q.institution_id,
                q.department_id,
                q.q,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(d))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    institution_id: Option<Uuid>,
    department_id: Option<Uuid>,
    /// 1–200, default 50.
    limit: Option<i64>,
    offset: Option<i64>,
}

/// Examination resources of the caller's institutions, by name.
#[utoipa::path(tag = "clinic_sessions", operation_id = "list_clinic_resources", security(("bearer" = [])),
    params(ListQuery),
    responses(
        (status = 200, body = Page<ClinicResource>),
        crate::contract::ListErrors<perm::DepartmentRead>,
    ))]
#[get("/clinic-resources")]
pub async fn list(
    auth: Authz<perm::DepartmentRead>,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let w = window(q.limit, q.offset)?;
    let scope = auth.caller.scope();
    let result = state
        .db(move |c| {
            Ok(store::list(
                c,
                &scope,
                q.institution_id,
                q.department_id,
                w,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(page(result, w)))
}

/// Add an examination resource with its weekly schedule (sessions are made from it like a
/// doctor's).
#[utoipa::path(tag = "clinic_sessions", operation_id = "create_clinic_resource", security(("bearer" = [])),
    params(crate::contract::IdempotencyKey),
    request_body = ClinicResourceCreate,
    responses(
        (status = 201, body = ClinicResource),
        crate::contract::CreateErrors<perm::DepartmentWrite>,
    ))]
#[post("/clinic-resources")]
pub async fn create(
    auth: Authz<perm::DepartmentWrite>,
    state: web::Data<AppState>,
    body: JsonBody<ClinicResourceCreate>,
) -> Result<HttpResponse, ApiError> {
    let body = body.valid()?;
    let caller = auth.caller;
    let resource = state
        .write(move |c| {
            let scope = caller.scope();
            let institution = match body.department_id {
                Some(d) => hcrm_db::departments::get(c, &scope, d)
                    .map(|d| d.institution_id)
                    .map_err(|_| {
                        ApiError::field("department_id", "bad_reference", "no such department")
                    })?,
                None => institution_for_new(c, &scope, body.institution_id)?,
            };
            let resource = store::create(c, institution, &body)?;
            caller.record(c, Entry::created(&resource))?;
            Ok(resource)
        })
        .await?;
    Ok(created(&resource, resource.version))
}

/// One examination resource with its schedule.
#[utoipa::path(tag = "clinic_sessions", operation_id = "get_clinic_resource", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = ClinicResource, headers(("ETag" = String, description = "the version, for If-Match"))),
        crate::contract::ReadErrors<perm::DepartmentRead>,
    ))]
#[get("/clinic-resources/{id}")]
pub async fn get(
    auth: Authz<perm::DepartmentRead>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, scope) = (id.into_inner(), auth.caller.scope());
    let resource = state.db(move |c| Ok(store::get(c, &scope, id)?)).await?;
    Ok(versioned(&resource, resource.version))
}

/// Change a resource; a given `schedule` replaces the whole schedule.
#[utoipa::path(tag = "clinic_sessions", operation_id = "update_clinic_resource", security(("bearer" = [])),
    params(("id" = Uuid, Path), crate::contract::IfMatch),
    request_body = ClinicResourceUpdate,
    responses(
        (status = 200, body = ClinicResource),
        crate::contract::UpdateErrors<perm::DepartmentWrite>,
    ))]
#[patch("/clinic-resources/{id}")]
pub async fn update(
    auth: Authz<perm::DepartmentWrite>,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: JsonBody<ClinicResourceUpdate>,
) -> Result<HttpResponse, ApiError> {
    let body = body.valid()?;
    let version = expected_version(&req, body.version)?;
    let (id, caller) = (id.into_inner(), auth.caller);
    let resource = state
        .write(move |c| {
            let (before, after) = store::update(c, &caller.scope(), id, version, &body)?;
            caller.record(c, Entry::changed(Action::Update, &before, &after))?;
            Ok(after)
        })
        .await?;
    Ok(versioned(&resource, resource.version))
}

/// This module's routes (registered in [`crate::modules::MODULES`]).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(get_directory)
        .service(list)
        .service(create)
        .service(get)
        .service(update);
}
