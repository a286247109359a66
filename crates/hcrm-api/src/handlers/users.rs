//! ORG-4: staff users. Passwords are write-only; changing one or deactivating a user ends
//! their sessions.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use hcrm_db::DbConn;
use hcrm_db::audit::{Action, Entry};
use hcrm_db::users::{self as store, Filter};
use hcrm_domain::api::org::{User, UserCreate, UserUpdate, scope_problem};
use hcrm_domain::api::{Page, Problem};
use hcrm_domain::{Role, Scope};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::{Authz, Caller, perm};
use crate::body::JsonBody;
use crate::error::{ApiError, duplicate_of};
use crate::handlers::{created, expected_version, page, versioned, window};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Fragment of the username or display name.
    #[param(example = "zhang")]
    q: Option<String>,
    role: Option<Role>,
    institution_id: Option<Uuid>,
    active: Option<bool>,
    /// 1–200, default 50.
    limit: Option<i64>,
    offset: Option<i64>,
}

/// List staff of the caller's institutions, by username.
#[utoipa::path(tag = "users", operation_id = "list_users", security(("bearer" = [])),
    params(ListQuery),
    responses(
        (status = 200, body = Page<User>),
        crate::contract::ListErrors<perm::UserRead>,
    ))]
#[get("/users")]
pub async fn list(
    auth: Authz<perm::UserRead>,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let w = window(q.limit, q.offset)?;
    let filter = Filter {
        q: q.q,
        role: q.role,
        institution_id: q.institution_id,
        active: q.active,
    };
    let scope = auth.caller.scope();
    let result = state
        .db(move |c| Ok(store::list(c, &scope, &filter, w)?))
        .await?;
    Ok(HttpResponse::Ok().json(page(result, w)))
}

/// Checks the scope rules and that every referenced record is within the caller's reach.
fn check_refs(
    c: &mut DbConn,
    caller: &Caller,
    roles: &[Role],
    group_wide: bool,
    institutions: &[Uuid],
    supervisor: Option<Uuid>,
    department: Option<Uuid>,
) -> Result<(), ApiError> {
    if let Some((field, message)) = scope_problem(roles, group_wide, institutions.len()) {
        return Err(ApiError::field(field, "scope", message));
    }
    let scope = caller.scope();
    if group_wide && scope != Scope::Group {
        return Err(ApiError::field(
            "group_wide",
            "scope",
            "only a group-wide user may grant group-wide access",
        ));
    }
    for (i, id) in institutions.iter().enumerate() {
        hcrm_db::institutions::get(c, &scope, *id).map_err(|_| {
            ApiError::field(
                &format!("institution_ids[{i}]"),
                "bad_reference",
                "no such institution",
            )
        })?;
    }
    if let Some(s) = supervisor {
        store::get(c, &scope, s)
            .map_err(|_| ApiError::field("supervisor_id", "bad_reference", "no such user"))?;
    }
    if let Some(d) = department {
        hcrm_db::departments::get(c, &scope, d)
            .map_err(|_| ApiError::field("department_id", "bad_reference", "no such department"))?;
    }
    Ok(())
}

/// Nobody widens their own reach: an admin's own roles, institutions and group-wide flag
/// are changed by another admin.
fn refuse_own_reach(
    current: &User,
    roles: &[Role],
    institutions: &[Uuid],
    group_wide: Option<bool>,
) -> Result<(), ApiError> {
    fn same<T: Ord>(a: impl Iterator<Item = T>, b: impl Iterator<Item = T>) -> bool {
        a.collect::<std::collections::BTreeSet<_>>() == b.collect()
    }
    let changed = if !same(current.roles.iter(), roles.iter()) {
        Some("roles")
    } else if !same(
        current.institutions.iter().map(|i| &i.id),
        institutions.iter(),
    ) {
        Some("institution_ids")
    } else if group_wide.is_some_and(|g| g != current.group_wide) {
        Some("group_wide")
    } else {
        None
    };
    match changed {
        Some(field) => Err(ApiError::field(
            field,
            "self",
            "you cannot change your own roles, institutions or group-wide access; ask another administrator",
        )),
        None => Ok(()),
    }
}

/// Whether `after` gives a role that reads unmasked personal or medical data which `before`
/// did not: such grants are flagged in the audit trail for a director's review (PIPL Art. 28).
fn grants_sensitive_access(before: &[Role], after: &[Role]) -> bool {
    let reaches = |roles: &[Role]| {
        let set = hcrm_domain::PermissionSet::for_roles(roles);
        [
            hcrm_domain::Permission::PiiRead,
            hcrm_domain::Permission::MedicalRead,
        ]
        .into_iter()
        .filter(|p| set.contains(*p))
        .collect::<Vec<_>>()
    };
    let had = reaches(before);
    reaches(after).iter().any(|p| !had.contains(p))
}

/// Create a staff user with roles and institutions (admin).
#[utoipa::path(tag = "users", operation_id = "create_user", security(("bearer" = [])),
    params(crate::contract::IdempotencyKey),
    request_body = UserCreate,
    responses(
        (status = 201, body = User),
        crate::contract::CreateErrors<perm::UserWrite>,
        (status = 409, description = "the username is taken", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/users")]
pub async fn create(
    auth: Authz<perm::UserWrite>,
    state: web::Data<AppState>,
    body: JsonBody<UserCreate>,
) -> Result<HttpResponse, ApiError> {
    let body = body.valid()?;
    let pw = body.password.clone();
    let hash = state.passwords.hash(pw).await?;
    let caller = auth.caller;
    let user = state
        .write_auth(move |c| {
            check_refs(
                c,
                &caller,
                &body.roles,
                body.group_wide,
                &body.institution_ids,
                body.supervisor_id,
                body.department_id,
            )?;
            let user = store::create(c, &body, hash)?;
            let entry = Entry::created(&user);
            caller.record(c, entry.flagged(grants_sensitive_access(&[], &user.roles)))?;
            Ok(user)
        })
        .await
        .map_err(duplicate_of("username", "the username is taken"))?;
    Ok(created(&user, user.version))
}

/// One staff user; 404 when not in the caller's institutions.
#[utoipa::path(tag = "users", operation_id = "get_user", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = User, headers(("ETag" = String, description = "the version, for If-Match"))),
        crate::contract::ReadErrors<perm::UserRead>,
    ))]
#[get("/users/{id}")]
pub async fn get(
    auth: Authz<perm::UserRead>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, scope) = (id.into_inner(), auth.caller.scope());
    let user = state.db(move |c| Ok(store::get(c, &scope, id)?)).await?;
    Ok(versioned(&user, user.version))
}

async fn apply(
    auth: Authz<perm::UserWrite>,
    state: web::Data<AppState>,
    id: Uuid,
    version: Option<i32>,
    patch: UserUpdate,
    action: Action,
) -> Result<HttpResponse, ApiError> {
    let caller = auth.caller;
    if id == caller.principal.id && patch.active == Some(false) {
        return Err(ApiError::field(
            "active",
            "self",
            "you cannot deactivate yourself",
        ));
    }
    let hash = match patch.password.clone() {
        Some(pw) => Some(state.passwords.hash(pw).await?),
        None => None,
    };
    let user = state
        .write_auth(move |c| {
            let scope = caller.scope();
            let current = store::get(c, &scope, id)?;
            let version = version.unwrap_or(current.version);
            let roles = patch.roles.clone().unwrap_or(current.roles.clone());
            let institutions = patch
                .institution_ids
                .clone()
                .unwrap_or_else(|| current.institutions.iter().map(|i| i.id).collect());
            if id == caller.principal.id {
                refuse_own_reach(&current, &roles, &institutions, patch.group_wide)?;
            }
            check_refs(
                c,
                &caller,
                &roles,
                patch.group_wide.unwrap_or(current.group_wide),
                &institutions,
                patch.supervisor_id.flatten(),
                patch.department_id.flatten(),
            )?;
            if patch.supervisor_id == Some(Some(id)) {
                return Err(ApiError::field(
                    "supervisor_id",
                    "self",
                    "a user cannot supervise themself",
                ));
            }
            let ends_sessions = hash.is_some() || patch.active == Some(false);
            let (before, after) = store::update(c, &scope, id, version, &patch, hash)?;
            if ends_sessions {
                hcrm_db::auth::revoke_user(c, id)?;
            }
            let mut entry = Entry::changed(action, &before, &after);
            if patch.password.is_some() {
                entry.changes["password"] = serde_json::json!({"before": "***", "after": "***"});
            }
            caller.record(
                c,
                entry.flagged(grants_sensitive_access(&before.roles, &after.roles)),
            )?;
            Ok(after)
        })
        .await?;
    Ok(versioned(&user, user.version))
}

/// Change a staff user. Send the version read in `If-Match` (or as `version`).
#[utoipa::path(tag = "users", operation_id = "update_user", security(("bearer" = [])),
    params(("id" = Uuid, Path), crate::contract::IfMatch),
    request_body = UserUpdate,
    responses(
        (status = 200, body = User),
        crate::contract::UpdateErrors<perm::UserWrite>,
    ))]
#[patch("/users/{id}")]
pub async fn update(
    auth: Authz<perm::UserWrite>,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: JsonBody<UserUpdate>,
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

/// Deactivate a staff user: they can no longer sign in, and their sessions end.
#[utoipa::path(tag = "users", operation_id = "deactivate_user", security(("bearer" = [])),
    params(("id" = Uuid, Path), crate::contract::IdempotencyKey),
    responses(
        (status = 200, body = User),
        crate::contract::ActionErrors<perm::UserWrite>,
        (status = 422, description = "deactivating yourself (`self`)", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/users/{id}/deactivate")]
pub async fn deactivate(
    auth: Authz<perm::UserWrite>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let patch = UserUpdate {
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
