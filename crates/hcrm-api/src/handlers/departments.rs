//! ORG-2: departments of an institution.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use hcrm_db::audit::{Action, Entry};
use hcrm_db::departments::{self as store, Filter, Sort};
use hcrm_domain::api::org::{Department, DepartmentCreate, DepartmentUpdate};
use hcrm_domain::api::{Page, Problem};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::{Authz, perm};
use crate::body::JsonBody;
use crate::error::{ApiError, duplicate_of};
use crate::handlers::{
    audited_change, created, expected_version, institution_for_new, page, sort, versioned, window,
};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    institution_id: Option<Uuid>,
    /// Fragment of the name or code.
    #[param(example = "内科")]
    q: Option<String>,
    active: Option<bool>,
    /// `name` (default) or `created_at`; prefix `-` for descending.
    sort: Option<String>,
    /// 1–200, default 50.
    limit: Option<i64>,
    offset: Option<i64>,
}

/// List departments of the caller's institutions.
#[utoipa::path(tag = "departments", operation_id = "list_departments", security(("bearer" = [])),
    params(ListQuery),
    responses(
        (status = 200, body = Page<Department>),
        crate::contract::ListErrors<perm::DepartmentRead>,
    ))]
#[get("/departments")]
pub async fn list(
    auth: Authz<perm::DepartmentRead>,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let w = window(q.limit, q.offset)?;
    let (sort, desc) = sort(
        q.sort.as_deref(),
        &[("name", Sort::Name), ("created_at", Sort::CreatedAt)],
        Sort::Name,
    )?;
    let filter = Filter {
        institution_id: q.institution_id,
        q: q.q,
        active: q.active,
    };
    let scope = auth.caller.scope();
    let result = state
        .db(move |c| Ok(store::list(c, &scope, &filter, sort, desc, w)?))
        .await?;
    Ok(HttpResponse::Ok().json(page(result, w)))
}

/// Create a department in one of the caller's institutions.
#[utoipa::path(tag = "departments", operation_id = "create_department", security(("bearer" = [])),
    params(crate::contract::IdempotencyKey),
    request_body = DepartmentCreate,
    responses(
        (status = 201, body = Department),
        crate::contract::CreateErrors<perm::DepartmentWrite>,
        (status = 409, description = "the institution already has a department of this name", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/departments")]
pub async fn create(
    auth: Authz<perm::DepartmentWrite>,
    state: web::Data<AppState>,
    body: JsonBody<DepartmentCreate>,
) -> Result<HttpResponse, ApiError> {
    let body = body.valid()?;
    let caller = auth.caller;
    let dept = state
        .write(move |c| {
            institution_for_new(c, &caller.scope(), Some(body.institution_id))?;
            let dept = store::create(c, &body)?;
            caller.record(c, Entry::created(&dept))?;
            Ok(dept)
        })
        .await
        .map_err(duplicate_of(
            "name",
            "the institution already has a department of this name",
        ))?;
    Ok(created(&dept, dept.version))
}

/// One department; 404 when it belongs to another institution.
#[utoipa::path(tag = "departments", operation_id = "get_department", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = Department, headers(("ETag" = String, description = "the version, for If-Match"))),
        crate::contract::ReadErrors<perm::DepartmentRead>,
    ))]
#[get("/departments/{id}")]
pub async fn get(
    auth: Authz<perm::DepartmentRead>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, scope) = (id.into_inner(), auth.caller.scope());
    let dept = state.db(move |c| Ok(store::get(c, &scope, id)?)).await?;
    Ok(versioned(&dept, dept.version))
}

async fn apply(
    auth: Authz<perm::DepartmentWrite>,
    state: web::Data<AppState>,
    id: Uuid,
    version: Option<i32>,
    patch: DepartmentUpdate,
    action: Action,
) -> Result<HttpResponse, ApiError> {
    let caller = auth.caller;
    let dept = state
        .write(move |c| {
            let scope = caller.scope();
            audited_change(
                c,
                &caller,
                action,
                version,
                |c| Ok(store::get(c, &scope, id)?.version),
                |c, v| store::update(c, &scope, id, v, &patch),
            )
        })
        .await
        .map_err(duplicate_of(
            "name",
            "the institution already has a department of this name",
        ))?;
    Ok(versioned(&dept, dept.version))
}

/// Change a department. Send the version read in `If-Match` (or as `version`).
#[utoipa::path(tag = "departments", operation_id = "update_department", security(("bearer" = [])),
    params(("id" = Uuid, Path), crate::contract::IfMatch),
    request_body = DepartmentUpdate,
    responses(
        (status = 200, body = Department),
        crate::contract::UpdateErrors<perm::DepartmentWrite>,
        (status = 409, description = "name taken in the institution", body = Problem, content_type = "application/problem+json"),
    ))]
#[patch("/departments/{id}")]
pub async fn update(
    auth: Authz<perm::DepartmentWrite>,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: JsonBody<DepartmentUpdate>,
) -> Result<HttpResponse, ApiError> {
    let body = body.valid()?;
    let version = expected_version(&req, body.version)?;
    apply(
        auth,
        state,
        id.into_inner(),
        Some(version),
        body,
        Action::Update,
    )
    .await
}

/// Deactivate a department.
#[utoipa::path(tag = "departments", operation_id = "deactivate_department", security(("bearer" = [])),
    params(("id" = Uuid, Path), crate::contract::IdempotencyKey),
    responses(
        (status = 200, body = Department),
        crate::contract::ActionErrors<perm::DepartmentWrite>,
    ))]
#[post("/departments/{id}/deactivate")]
pub async fn deactivate(
    auth: Authz<perm::DepartmentWrite>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let patch = DepartmentUpdate {
        active: Some(false),
        ..Default::default()
    };
    apply(
        auth,
        state,
        id.into_inner(),
        None,
        patch,
        Action::Deactivate,
    )
    .await
}

/// This module's routes (registered in [`crate::modules::MODULES`]).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(get)
        .service(update)
        .service(deactivate);
}
