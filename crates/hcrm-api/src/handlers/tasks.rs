//! 任务 — the general work queue (reminders now; follow-ups, care and in-visit services later)
//! and "my tasks today / overdue". Any staff member who works with customers (customer.read)
//! reads the tasks of their institutions and changes their own; customer.write lets one
//! change and hand out anyone's in those institutions.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::NaiveDate;
use hcrm_db::audit::{Action, Entry};
use hcrm_db::tasks::{self as store, Filter, NewTask, Sort};
use hcrm_domain::Lifecycle;
use hcrm_domain::api::tasks::{MyTaskCounts, MyTasks, Task, TaskCreate, TaskUpdate};
use hcrm_domain::api::{Page, Problem};
use hcrm_domain::customer::{TaskKind, TaskStatus};
use hcrm_domain::{Permission, Role, Scope};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::{Authz, Caller, perm};
use crate::body::JsonBody;
use crate::error::ApiError;
use crate::handlers::assignee::check_assignee;
use crate::handlers::customer_access::writable;
use crate::handlers::{
    created, expected_version, institution_for_new, page, sort, versioned, window,
};
use crate::state::AppState;

/// Work records (contacts, tasks) are written by staff; an integration client only pushes
/// data through its own endpoints.
pub fn require_staff(caller: &Caller) -> Result<(), ApiError> {
    if Role::any_staff(&caller.principal.roles) {
        Ok(())
    } else {
        Err(ApiError::Forbidden)
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    owner_id: Option<Uuid>,
    /// Only the caller's own tasks.
    mine: Option<bool>,
    /// A team queue.
    team: Option<String>,
    status: Option<TaskStatus>,
    kind: Option<TaskKind>,
    customer_id: Option<Uuid>,
    institution_id: Option<Uuid>,
    /// Tasks made from records of this type (`contact` …).
    source_type: Option<String>,
    source_id: Option<String>,
    /// Due on or after this date.
    due_from: Option<NaiveDate>,
    /// Due on or before this date.
    due_to: Option<NaiveDate>,
    /// `true`: only open tasks due before today (Beijing date); `false`: all others.
    overdue: Option<bool>,
    /// `due_on` (default; undated last), `created_at`; prefix `-` for descending.
    sort: Option<String>,
    /// 1–200, default 50.
    limit: Option<i64>,
    offset: Option<i64>,
}

/// Tasks of the caller's institutions; each names its linked customer (`customer`: name,
/// form of address, masked phone).
#[utoipa::path(tag = "tasks", operation_id = "list_tasks", security(("bearer" = [])),
    params(ListQuery),
    responses(
        (status = 200, body = Page<Task>),
        crate::contract::ListErrors<perm::ContactRead>,
    ))]
#[get("/tasks")]
pub async fn list(
    auth: Authz<perm::ContactRead>,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let caller = auth.caller;
    let w = window(q.limit, q.offset)?;
    let (sort, desc) = sort(
        q.sort.as_deref(),
        &[("due_on", Sort::DueOn), ("created_at", Sort::CreatedAt)],
        Sort::DueOn,
    )?;
    if let (Some(from), Some(to)) = (q.due_from, q.due_to)
        && from > to
    {
        return Err(ApiError::field(
            "due_to",
            "range",
            "must not be before due_from",
        ));
    }
    let me = caller.principal.id;
    let owner_id = match (q.mine, q.owner_id) {
        (Some(true), Some(o)) if o != me => {
            return Err(ApiError::field(
                "owner_id",
                "conflict",
                "mine=true lists the caller's own tasks",
            ));
        }
        (Some(true), _) => Some(me),
        (_, o) => o,
    };
    let filter = Filter {
        owner_id,
        team: q.team,
        status: q.status,
        kind: q.kind,
        customer_id: q.customer_id,
        institution_id: q.institution_id,
        source_type: q.source_type,
        source_id: q.source_id,
        due_from: q.due_from,
        due_to: q.due_to,
        overdue: q.overdue,
    };
    let scope = caller.scope();
    let result = state
        .db(move |c| Ok(store::list(c, &scope, &filter, sort, desc, w)?))
        .await?;
    Ok(HttpResponse::Ok().json(page(result, w)))
}

/// My tasks: the signed-in user's open tasks overdue, due today and due in the coming seven
/// days (each naming its customer), and how many there are of each.
#[utoipa::path(tag = "tasks", operation_id = "list_my_tasks", security(("bearer" = [])),
    responses(
        (status = 200, body = MyTasks),
        crate::contract::Forbidden<perm::ContactRead>,
    ))]
#[get("/tasks/mine")]
pub async fn mine(
    auth: Authz<perm::ContactRead>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let caller = auth.caller;
    let mine = state
        .db(move |c| Ok(store::mine(c, &caller.scope(), caller.principal.id)?))
        .await?;
    Ok(HttpResponse::Ok().json(mine))
}

/// How many open tasks the signed-in user has: overdue, due today, in the coming seven days,
/// later or undated (the home page's counts; "today" is the institutions' date, X-11).
#[utoipa::path(tag = "tasks", operation_id = "get_my_task_counts", security(("bearer" = [])),
    responses(
        (status = 200, body = MyTaskCounts),
        crate::contract::Forbidden<perm::ContactRead>,
    ))]
#[get("/tasks/mine/counts")]
pub async fn my_counts(
    auth: Authz<perm::ContactRead>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let caller = auth.caller;
    let counts = state
        .db(move |c| Ok(store::my_counts(c, &caller.scope(), caller.principal.id)?))
        .await?;
    Ok(HttpResponse::Ok().json(counts))
}

/// Create a task. Without `owner_id` and `team` it is the caller's own; giving it to someone
/// else or to a team needs customer.write. A linked customer must be in the caller's
/// institutions, and sets the task's institution.
#[utoipa::path(tag = "tasks", operation_id = "create_task", security(("bearer" = [])),
    params(crate::contract::IdempotencyKey),
    request_body = TaskCreate,
    responses(
        (status = 201, body = Task, headers(("ETag" = String, description = "the version, for If-Match"))),
        crate::contract::CreateErrors<perm::ContactRead>,
        (status = 403, description = "lacks `contact.read`, or `customer.write` to give it to someone else, or an integration client (`forbidden`); or the caller's role must set up two-factor sign-in first (`totp_enrollment_required`)", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/tasks")]
pub async fn create(
    auth: Authz<perm::ContactRead>,
    state: web::Data<AppState>,
    body: JsonBody<TaskCreate>,
) -> Result<HttpResponse, ApiError> {
    let caller = auth.caller;
    require_staff(&caller)?;
    let x = body.valid()?;
    crate::error::check_fields(x.cross_field_errors())?;
    let me = caller.principal.id;
    let owner = match (x.owner_id, &x.team) {
        (Some(o), _) => Some(o),
        (None, Some(_)) => None,
        (None, None) => Some(me),
    };
    let task = state
        .write(move |c| {
            let scope = caller.scope();
            let institution = match x.customer_id {
                Some(customer) => {
                    let access = writable(c, &caller, customer).map_err(|e| match e {
                        ApiError::NotFound => {
                            ApiError::field("customer_id", "bad_reference", "no such customer")
                        }
                        other => other,
                    })?;
                    if x.institution_id.is_some_and(|i| i != access.institution_id) {
                        return Err(ApiError::field(
                            "institution_id",
                            "customer_institution",
                            "the customer belongs to another institution",
                        ));
                    }
                    access.institution_id
                }
                None => institution_for_new(c, &scope, x.institution_id)?,
            };
            check_assignee(c, &caller, "owner_id", owner, institution)?;
            let id = store::create(
                c,
                NewTask {
                    institution_id: institution,
                    kind: x.kind.unwrap_or(TaskKind::Other),
                    title: x.title,
                    description: x.description,
                    owner_id: owner,
                    team: x.team,
                    due_on: x.due_on,
                    due_at: x.due_at,
                    customer_id: x.customer_id,
                    source_type: x.source_type,
                    source_id: x.source_id,
                    created_by: Some(me),
                },
            )?;
            let task = store::get(c, &Scope::Group, id)?;
            caller.record(c, Entry::created(&task))?;
            Ok(task)
        })
        .await?;
    Ok(created(&task, task.version))
}

/// One task of the caller's institutions.
#[utoipa::path(tag = "tasks", operation_id = "get_task", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = Task, headers(("ETag" = String, description = "the version, for If-Match"))),
        crate::contract::ReadErrors<perm::ContactRead>,
    ))]
#[get("/tasks/{id}")]
pub async fn get(
    auth: Authz<perm::ContactRead>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, scope) = (id.into_inner(), auth.caller.scope());
    let task = state.db(move |c| Ok(store::get(c, &scope, id)?)).await?;
    Ok(versioned(&task, task.version))
}

/// Change a task: edit, reassign (an active user of its institution), close (`done`,
/// `cancelled`) or reopen (`open`). Its owner may; others need customer.write, and so does
/// handing it to someone else or to a team queue, as for a new task. Send the version in
/// `If-Match` (or as `version`).
#[utoipa::path(tag = "tasks", operation_id = "update_task", security(("bearer" = [])),
    params(("id" = Uuid, Path), crate::contract::IfMatch),
    request_body = TaskUpdate,
    responses(
        (status = 200, body = Task, headers(("ETag" = String, description = "the new version"))),
        crate::contract::UpdateErrors<perm::ContactRead>,
        (status = 403, description = "not the owner and lacks `customer.write`, handing it over without `customer.write`, or an integration client (`forbidden`); or the caller's role must set up two-factor sign-in first (`totp_enrollment_required`)", body = Problem, content_type = "application/problem+json"),
    ))]
#[patch("/tasks/{id}")]
pub async fn update(
    auth: Authz<perm::ContactRead>,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: JsonBody<TaskUpdate>,
) -> Result<HttpResponse, ApiError> {
    let (id, caller) = (id.into_inner(), auth.caller);
    require_staff(&caller)?;
    let u = body.valid()?;
    let version = expected_version(&req, u.version)?;
    let task = state
        .write(move |c| {
            let scope = caller.scope();
            let current = store::get(c, &scope, id)?;
            if current.owner_id != Some(caller.principal.id)
                && !caller.can(Permission::CustomerWrite)
            {
                return Err(ApiError::Forbidden);
            }
            if current.version != version {
                return Err(ApiError::Stale {
                    current: current.version,
                });
            }
            if let Some(to) = u.status {
                current
                    .status
                    .check_move(to, &caller.permissions)
                    .map_err(|e| ApiError::Validation(vec![e.field_error("status")]))?;
                // SVC-3: an in-visit service is done once its steps are (and mailed papers
                // tracked).
                if to == TaskStatus::Done
                    && current.status != TaskStatus::Done
                    && current.kind == TaskKind::InVisit
                    && let Some(detail) = hcrm_db::in_visit::detail(c, id)?
                {
                    crate::error::check_fields(detail.unfinished())?;
                }
            }
            // A new owner (or none: the team queue) under the rule a new task follows.
            if let Some(owner) = u.owner_id
                && owner != current.owner_id
            {
                check_assignee(c, &caller, "owner_id", owner, current.institution_id)?;
            }
            let owner_after = u.owner_id.unwrap_or(current.owner_id);
            let team_after = u.team.clone().unwrap_or(current.team.clone());
            if owner_after.is_none() && team_after.is_none() {
                return Err(ApiError::field(
                    "owner_id",
                    "owner_or_team",
                    "a task needs an owner or a team",
                ));
            }
            let (before, after) = store::update(c, &scope, id, version, &u, caller.principal.id)?;
            caller.record(c, Entry::changed(Action::Update, &before, &after))?;
            Ok(after)
        })
        .await?;
    Ok(versioned(&task, task.version))
}

/// This module's routes (registered in [`crate::modules::MODULES`]).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list)
        .service(mine)
        .service(my_counts)
        .service(create)
        .service(get)
        .service(update);
}
