//! 诊中服务 — SVC-3: in-visit services as tasks of kind `in_visit` on the shared task queue
//! with their details (service, reference time, steps, delivery and tracking), the due time
//! by the service's rule, and the day's board. The task's status and outcome change through
//! `PATCH /tasks/{id}` like any task's (done only once every step is, mailed papers tracked).

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::NaiveDate;
use hcrm_db::audit::{Action, Entry};
use hcrm_db::in_visit as store;
use hcrm_db::tasks::NewTask;
use hcrm_domain::api::in_visit::{
    InVisitBoard, InVisitCreate, InVisitDetail, InVisitTask, InVisitUpdate, apply, board,
    check_delivery, default_title, due_at,
};
use hcrm_domain::customer::TaskKind;
use hcrm_domain::{Permission, Scope};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::{Authz, perm};
use crate::body::JsonBody;
use crate::error::{ApiError, check_fields};
use crate::handlers::assignee::check_assignee;
use crate::handlers::tasks::require_staff;
use crate::handlers::{created, expected_version, versioned};
use crate::state::AppState;

/// 新建诊中服务 (SVC-3): a task of kind `in_visit` for the customer (of the caller's
/// institutions), due by the service's rule from `reference_at` — a result call one hour
/// after the result (seed 004), an accompaniment at the appointment, an admission within an
/// hour, a proxy discharge the day after, mailed reports within two days — owned by
/// `owner_id` (default the caller) or left to `team`.
#[utoipa::path(tag = "in_visit", operation_id = "create_in_visit_service", security(("bearer" = [])),
    params(crate::contract::IdempotencyKey),
    request_body = InVisitCreate,
    responses(
        (status = 201, body = InVisitTask, headers(("ETag" = String, description = "the task's version, for If-Match"))),
        crate::contract::CreateErrors<perm::ServiceWrite>,
    ))]
#[post("/in-visit-services")]
pub async fn create(
    auth: Authz<perm::ServiceWrite>,
    state: web::Data<AppState>,
    body: JsonBody<InVisitCreate>,
) -> Result<HttpResponse, ApiError> {
    let caller = auth.caller;
    require_staff(&caller)?;
    let x = body.valid()?;
    check_fields(check_delivery(
        x.service,
        x.delivery,
        x.address.as_deref(),
        None,
    ))?;
    let owner = match (x.owner_id, &x.team) {
        (Some(o), _) => Some(o),
        (None, Some(_)) => None,
        (None, None) => Some(caller.principal.id),
    };
    let item = state
        .write(move |c| {
            let scope = caller.scope();
            let institution = match hcrm_db::customers::institution_of(c, x.customer_id) {
                Ok(i) if scope.allows(i) => i,
                Ok(_) | Err(hcrm_db::DbError::NotFound) => {
                    return Err(ApiError::field(
                        "customer_id",
                        "bad_reference",
                        "no such customer",
                    ));
                }
                Err(e) => return Err(e.into()),
            };
            check_assignee(c, &caller, "owner_id", owner, institution)?;
            let customer = hcrm_db::customers::get(c, &scope, x.customer_id)?;
            let detail = InVisitDetail {
                service: x.service,
                reference_at: x.reference_at,
                steps: InVisitDetail::with_steps(x.service, &[]),
                delivery: x.delivery,
                address: x.address.clone(),
                tracking_number: None,
                location: x.location.clone(),
            };
            let id = store::create(
                c,
                NewTask {
                    institution_id: institution,
                    kind: TaskKind::InVisit,
                    title: x
                        .title
                        .clone()
                        .unwrap_or_else(|| default_title(x.service, &customer.form_of_address)),
                    description: x.description.clone(),
                    owner_id: owner,
                    team: x.team.clone(),
                    due_on: None,
                    due_at: Some(due_at(x.service, x.reference_at)),
                    customer_id: Some(x.customer_id),
                    source_type: None,
                    source_id: None,
                    created_by: Some(caller.principal.id),
                },
                &detail,
            )?;
            let item = store::get(c, &Scope::Group, id)?;
            caller.record(c, Entry::created(&item.task))?;
            caller.record(c, Entry::created(&item))?;
            Ok(item)
        })
        .await?;
    Ok(created(&item, item.task.version))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BoardQuery {
    /// The day, `2026-12-08` (default today in the institution's time zone).
    date: Option<NaiveDate>,
    /// Only this institution (one the caller sees; another's shows nothing).
    institution_id: Option<Uuid>,
}

/// 诊中服务看板 (SVC-3): the in-visit tasks due on a day by service (every service, also
/// those without a task) and status, the late ones (open past their due time) first and
/// counted.
#[utoipa::path(tag = "in_visit", operation_id = "get_in_visit_board", security(("bearer" = [])),
    params(BoardQuery),
    responses(
        (status = 200, body = InVisitBoard),
        crate::contract::ListErrors<perm::ServiceRead>,
    ))]
#[get("/in-visit-services/board")]
pub async fn day_board(
    auth: Authz<perm::ServiceRead>,
    state: web::Data<AppState>,
    query: web::Query<BoardQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let scope = auth.caller.scope();
    let result = state
        .db(move |c| {
            let date = match q.date {
                Some(d) => d,
                None => {
                    let zone =
                        crate::handlers::consultations::zone_of(c, &scope, q.institution_id)?;
                    hcrm_domain::time::today_in(&zone)
                }
            };
            let tasks = store::of_day(c, &scope, date, q.institution_id)?;
            Ok(board(date, tasks))
        })
        .await?;
    Ok(HttpResponse::Ok().json(result))
}

/// One in-visit task of the caller's institutions (a task of another kind is 404).
#[utoipa::path(tag = "in_visit", operation_id = "get_in_visit_service", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "the task's id")),
    responses(
        (status = 200, body = InVisitTask, headers(("ETag" = String, description = "the task's version, for If-Match"))),
        crate::contract::ReadErrors<perm::ServiceRead>,
    ))]
#[get("/in-visit-services/{id}")]
pub async fn get(
    auth: Authz<perm::ServiceRead>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, scope) = (id.into_inner(), auth.caller.scope());
    let item = state.db(move |c| Ok(store::get(c, &scope, id)?)).await?;
    Ok(versioned(&item, item.task.version))
}

/// Record the steps done, the delivery (pick-up or mail, the address) and the tracking number
/// of an in-visit task. Its owner may; others need `customer.write`, as for any task. The
/// task's version in `If-Match`; the version moves on.
#[utoipa::path(tag = "in_visit", operation_id = "update_in_visit_service", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "the task's id"), crate::contract::IfMatch),
    request_body = InVisitUpdate,
    responses(
        (status = 200, body = InVisitTask, headers(("ETag" = String, description = "the task's new version"))),
        crate::contract::UpdateErrors<perm::ServiceWrite>,
        (status = 409, description = "the task is done or cancelled (`closed`)", body = hcrm_domain::api::Problem, content_type = "application/problem+json"),
    ))]
#[patch("/in-visit-services/{id}")]
pub async fn update(
    auth: Authz<perm::ServiceWrite>,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: JsonBody<InVisitUpdate>,
) -> Result<HttpResponse, ApiError> {
    let (id, caller) = (id.into_inner(), auth.caller);
    require_staff(&caller)?;
    let u = body.valid()?;
    let version = expected_version(&req, u.version)?;
    let item = state
        .write(move |c| {
            let scope = caller.scope();
            let current = store::get(c, &scope, id)?;
            if current.task.owner_id != Some(caller.principal.id)
                && !caller.can(Permission::CustomerWrite)
            {
                return Err(ApiError::Forbidden);
            }
            if current.task.version != version {
                return Err(ApiError::Stale {
                    current: current.task.version,
                });
            }
            if current.task.status != hcrm_domain::customer::TaskStatus::Open {
                return Err(ApiError::WrongState(hcrm_domain::api::FieldError {
                    field: "status".into(),
                    code: "closed".into(),
                    message: "the task is done or cancelled; reopen it first".into(),
                }));
            }
            let after = apply(&current.detail, &u).map_err(ApiError::Validation)?;
            let (before, after) = store::update(c, &scope, id, version, &after)?;
            caller.record(c, Entry::changed(Action::Update, &before, &after))?;
            Ok(after)
        })
        .await?;
    Ok(versioned(&item, item.task.version))
}

/// This module's routes (registered in [`crate::modules::MODULES`]); the board's literal
/// path comes before `{id}`.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(day_board)
        .service(create)
        .service(get)
        .service(update);
}
