//! ORG-1: institutions.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use hcrm_db::audit::{Action, Entry};
use hcrm_db::institutions::{self as store, Filter, Sort};
use hcrm_domain::api::org::{Institution, InstitutionCreate, InstitutionUpdate};
use hcrm_domain::api::{Page, Problem};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::{Authz, perm};
use crate::body::JsonBody;
use crate::error::{ApiError, duplicate_of};
use crate::handlers::{audited_change, created, expected_version, page, sort, versioned, window};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Fragment of the name, code or city.
    #[param(example = "北京")]
    q: Option<String>,
    local: Option<bool>,
    active: Option<bool>,
    /// `code` (default), `name`, `created_at`; prefix `-` for descending.
    #[param(example = "-created_at")]
    sort: Option<String>,
    /// 1–200, default 50.
    limit: Option<i64>,
    offset: Option<i64>,
}

/// List the institutions the caller may see.
#[utoipa::path(tag = "institutions", operation_id = "list_institutions", security(("bearer" = [])),
    params(ListQuery),
    responses(
        (status = 200, body = Page<Institution>),
        crate::contract::ListErrors<perm::InstitutionRead>,
    ))]
#[get("/institutions")]
pub async fn list(
    auth: Authz<perm::InstitutionRead>,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let w = window(q.limit, q.offset)?;
    let (sort, desc) = sort(
        q.sort.as_deref(),
        &[
            ("code", Sort::Code),
            ("name", Sort::Name),
            ("created_at", Sort::CreatedAt),
        ],
        Sort::Code,
    )?;
    let filter = Filter {
        q: q.q,
        local: q.local,
        active: q.active,
    };
    let scope = auth.caller.scope();
    let result = state
        .db(move |c| Ok(store::list(c, &scope, &filter, sort, desc, w)?))
        .await?;
    Ok(HttpResponse::Ok().json(page(result, w)))
}

/// Create an institution (admin).
#[utoipa::path(tag = "institutions", operation_id = "create_institution", security(("bearer" = [])),
    params(crate::contract::IdempotencyKey),
    request_body = InstitutionCreate,
    responses(
        (status = 201, body = Institution),
        crate::contract::CreateErrors<perm::InstitutionWrite>,
        (status = 409, description = "the code is taken", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/institutions")]
pub async fn create(
    auth: Authz<perm::InstitutionWrite>,
    state: web::Data<AppState>,
    body: JsonBody<InstitutionCreate>,
) -> Result<HttpResponse, ApiError> {
    let body = body.valid()?;
    let caller = auth.caller;
    let inst = state
        .write(move |c| {
            let inst = store::create(c, &body)?;
            caller.record(c, Entry::created(&inst))?;
            Ok(inst)
        })
        .await
        .map_err(duplicate_of("code", "another institution has this code"))?;
    Ok(created(&inst, inst.version))
}

/// One institution; 404 when it is not the caller's.
#[utoipa::path(tag = "institutions", operation_id = "get_institution", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = Institution, headers(("ETag" = String, description = "the version, for If-Match"))),
        crate::contract::ReadErrors<perm::InstitutionRead>,
    ))]
#[get("/institutions/{id}")]
pub async fn get(
    auth: Authz<perm::InstitutionRead>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, scope) = (id.into_inner(), auth.caller.scope());
    let inst = state.db(move |c| Ok(store::get(c, &scope, id)?)).await?;
    Ok(versioned(&inst, inst.version))
}

async fn apply(
    auth: Authz<perm::InstitutionWrite>,
    state: web::Data<AppState>,
    id: Uuid,
    version: Option<i32>,
    patch: InstitutionUpdate,
    action: Action,
) -> Result<HttpResponse, ApiError> {
    let caller = auth.caller;
    let inst = state
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
        .await?;
    Ok(versioned(&inst, inst.version))
}

/// Change an institution. Send the version read in `If-Match` (or as `version`).
#[utoipa::path(tag = "institutions", operation_id = "update_institution", security(("bearer" = [])),
    params(("id" = Uuid, Path), crate::contract::IfMatch),
    request_body = InstitutionUpdate,
    responses(
        (status = 200, body = Institution),
        crate::contract::UpdateErrors<perm::InstitutionWrite>,
    ))]
#[patch("/institutions/{id}")]
pub async fn update(
    auth: Authz<perm::InstitutionWrite>,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: JsonBody<InstitutionUpdate>,
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

/// Deactivate an institution (its records stay; it no longer appears as active).
#[utoipa::path(tag = "institutions", operation_id = "deactivate_institution", security(("bearer" = [])),
    params(("id" = Uuid, Path), crate::contract::IdempotencyKey),
    responses(
        (status = 200, body = Institution),
        crate::contract::ActionErrors<perm::InstitutionWrite>,
    ))]
#[post("/institutions/{id}/deactivate")]
pub async fn deactivate(
    auth: Authz<perm::InstitutionWrite>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let patch = InstitutionUpdate {
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
