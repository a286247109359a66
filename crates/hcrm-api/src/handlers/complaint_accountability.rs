//! CMP-7: who is responsible for a complaint (`/complaints/{id}/responsibilities`), the
//! penalty level the rule proposes and a person confirms, the penalty slip (员工过失处罚单)
//! and the month's penalties for the review due by the 10th (`/penalties`); and the case's
//! improvement actions (`/complaints/{id}/improvements`).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, put, web};
use hcrm_db::audit::{Action, Entry};
use hcrm_db::complaint_money::accountability::{
    self as store, Confirmation, NewImprovement, NewResponsibility,
};
use hcrm_db::complaint_money::{self as cases, follow_up, refunds};
use hcrm_domain::api::complaint_money::{
    FollowUpWish, FollowUpWishUpdate, Improvement, ImprovementCreate, ImprovementUpdate,
    PenaltyReview, Responsibility, ResponsibilityConfirm, ResponsibilityCreate, due_on_errors,
};
use hcrm_domain::complaint::follow_up_wish::may_record_in;
use hcrm_domain::complaint::penalty::{month_range, review_due_on};
use hcrm_domain::complaint::{Fines, PenaltyFacts, PenaltyLevel};
use hcrm_domain::scope::may_look_after;
use hcrm_domain::{Lang, Scope};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::{Authz, perm};
use crate::body::JsonBody;
use crate::error::ApiError;
use crate::handlers::complaint_refunds::open_case;
use crate::handlers::tasks::require_staff;
use crate::handlers::{created, expected_version, versioned};
use crate::state::AppState;

/// User `user` as a colleague of `institution` named in `field`: staff who work there, else
/// `bad_reference` — one answer for an unknown id and another institution's user (X-6b).
/// `active` also refuses a deactivated one (`inactive`). Returns their display name.
fn colleague(
    c: &mut hcrm_db::DbConn,
    field: &str,
    user: Uuid,
    institution: Uuid,
    active: bool,
) -> Result<String, ApiError> {
    let no_such_user = || ApiError::field(field, "bad_reference", "no such user");
    let found = match hcrm_db::users::principal(c, user) {
        Err(hcrm_db::DbError::NotFound) => return Err(no_such_user()),
        other => other?,
    };
    if !may_look_after(&found.roles, &found.scope(), institution) {
        return Err(no_such_user());
    }
    if active && !found.active {
        return Err(ApiError::field(
            field,
            "inactive",
            "the user is deactivated",
        ));
    }
    Ok(found.display_name)
}

fn one_institution(institution: Uuid) -> Scope {
    Scope::Institutions(vec![institution])
}

// ---------------------------------------------------------------------------------------
// Responsibilities
// ---------------------------------------------------------------------------------------

/// The responsibility findings of a case, oldest first.
#[utoipa::path(tag = "complaints", operation_id = "list_complaint_responsibilities", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "the complaint")),
    responses(
        (status = 200, body = Vec<Responsibility>),
        crate::contract::ReadErrors<perm::ComplaintRead>,
    ))]
#[get("/complaints/{id}/responsibilities")]
pub async fn list(
    auth: Authz<perm::ComplaintRead>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, scope) = (id.into_inner(), auth.caller.scope());
    let found = state
        .db(move |c| {
            cases::case_of(c, &scope, id)?;
            Ok(store::list(c, &scope, id)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(found))
}

/// Record who is responsible for a case (责任认定): the staff member (a user or a doctor of
/// the case's institution, or a name), their department, direct supervisor and the hospital
/// leader (users or names), what went wrong, and the facts the penalty depends on. The loss
/// defaults to the case's refunds and compensation not turned down. The answer carries the
/// level the CMP-7 rule proposes; a person with `complaint.approve` confirms one.
#[utoipa::path(tag = "complaints", operation_id = "create_complaint_responsibility", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "the complaint"), crate::contract::IdempotencyKey),
    request_body = ResponsibilityCreate,
    responses(
        (status = 201, body = Responsibility, headers(("ETag" = String, description = "the version, for If-Match"))),
        crate::contract::CreateErrors<perm::ComplaintWrite>,
        crate::contract::NotFound,
        (status = 409, description = "the case is closed (`wrong_state`, `errors[0].code` `case_closed`)", body = hcrm_domain::api::Problem, content_type = "application/problem+json"),
    ))]
#[post("/complaints/{id}/responsibilities")]
pub async fn create(
    auth: Authz<perm::ComplaintWrite>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: JsonBody<ResponsibilityCreate>,
) -> Result<HttpResponse, ApiError> {
    let (id, caller) = (id.into_inner(), auth.caller);
    require_staff(&caller)?;
    let x = body.valid()?;
    crate::error::check_fields(x.cross_field_errors())?;
    let found = state
        .write(move |c| {
            let case = open_case(c, &caller.scope(), id)?;
            let here = one_institution(case.institution_id);
            let mut department_id = x.department_id;
            let staff_name = match (x.staff_user_id, x.staff_doctor_id) {
                (Some(user), _) => {
                    // A finding may name someone who has left since (not `active`).
                    let name = colleague(c, "staff_user_id", user, case.institution_id, false)?;
                    x.staff_name.clone().unwrap_or(name)
                }
                (None, Some(doctor)) => {
                    let d = hcrm_db::doctors::get(c, &here, doctor).map_err(|e| match e {
                        hcrm_db::DbError::NotFound => {
                            ApiError::field("staff_doctor_id", "bad_reference", "no such doctor")
                        }
                        other => other.into(),
                    })?;
                    department_id = department_id.or(Some(d.department_id));
                    x.staff_name.clone().unwrap_or(d.name)
                }
                (None, None) => x.staff_name.clone().unwrap_or_default(),
            };
            if let Some(dep) = department_id {
                hcrm_db::departments::get(c, &here, dep).map_err(|e| match e {
                    hcrm_db::DbError::NotFound => {
                        ApiError::field("department_id", "bad_reference", "no such department")
                    }
                    other => other.into(),
                })?;
            }
            let supervisor_name = match x.supervisor_user_id {
                Some(u) => Some(colleague(
                    c,
                    "supervisor_user_id",
                    u,
                    case.institution_id,
                    false,
                )?),
                None => x.supervisor_name.clone(),
            };
            let leader_name = match x.leader_user_id {
                Some(u) => Some(colleague(
                    c,
                    "leader_user_id",
                    u,
                    case.institution_id,
                    false,
                )?),
                None => x.leader_name.clone(),
            };
            let loss_fen = match x.loss_fen {
                Some(l) => l,
                None => refunds::loss_of(c, case.id)?,
            };
            let proposed_level = PenaltyLevel::propose(PenaltyFacts {
                loss_fen,
                serious_accident: x.serious_accident,
            });
            let rid = store::create(
                c,
                NewResponsibility {
                    complaint_id: case.id,
                    institution_id: case.institution_id,
                    staff_user_id: x.staff_user_id,
                    staff_doctor_id: x.staff_doctor_id,
                    staff_name,
                    department_id,
                    supervisor_user_id: x.supervisor_user_id,
                    supervisor_name,
                    leader_user_id: x.leader_user_id,
                    leader_name,
                    description: x.description,
                    loss_fen,
                    serious_accident: x.serious_accident,
                    reputation_damage: x.reputation_damage,
                    patient_dissatisfied: x.patient_dissatisfied,
                    proposed_level,
                    created_by: caller.principal.id,
                },
            )?;
            let found = store::get(c, &Scope::Group, case.id, rid)?;
            caller.record(c, Entry::created(&found))?;
            Ok(found)
        })
        .await?;
    Ok(created(&found, found.version))
}

/// One responsibility finding of a case.
#[utoipa::path(tag = "complaints", operation_id = "get_complaint_responsibility", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "the complaint"), ("responsibility_id" = Uuid, Path)),
    responses(
        (status = 200, body = Responsibility, headers(("ETag" = String, description = "the version, for If-Match"))),
        crate::contract::ReadErrors<perm::ComplaintRead>,
    ))]
#[get("/complaints/{id}/responsibilities/{responsibility_id}")]
pub async fn get(
    auth: Authz<perm::ComplaintRead>,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let ((complaint, id), scope) = (path.into_inner(), auth.caller.scope());
    let found = state
        .db(move |c| Ok(store::get(c, &scope, complaint, id)?))
        .await?;
    Ok(versioned(&found, found.version))
}

/// Confirm the penalty level of a finding (`complaint.approve`): the proposed level or
/// another, with a note saying why it differs (`note_required` otherwise). The confirmer and
/// the institution's date are recorded; the fines of the level follow. A confirmed level is
/// final (409). Send the version in `If-Match`.
#[utoipa::path(tag = "complaints", operation_id = "approve_complaint_penalty", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "the complaint"), ("responsibility_id" = Uuid, Path),
        crate::contract::IfMatch, crate::contract::IdempotencyKey),
    request_body = ResponsibilityConfirm,
    responses(
        (status = 200, body = Responsibility, headers(("ETag" = String, description = "the new version"))),
        crate::contract::UpdateErrors<perm::ComplaintApprove>,
        (status = 409, description = "the level is confirmed already (`wrong_state`, `errors[0].code` `already_confirmed`), or the case is closed (`errors[0].code` `case_closed`)", body = hcrm_domain::api::Problem, content_type = "application/problem+json"),
    ))]
#[post("/complaints/{id}/responsibilities/{responsibility_id}/confirmation")]
pub async fn confirm(
    auth: Authz<perm::ComplaintApprove>,
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(Uuid, Uuid)>,
    body: JsonBody<ResponsibilityConfirm>,
) -> Result<HttpResponse, ApiError> {
    let ((complaint, id), caller) = (path.into_inner(), auth.caller);
    require_staff(&caller)?;
    let x = body.valid()?;
    let version = expected_version(&req, x.version)?;
    let found = state
        .write(move |c| {
            let scope = caller.scope();
            let current = store::get(c, &scope, complaint, id)?;
            open_case(c, &scope, complaint)?;
            if current.version != version {
                return Err(ApiError::Stale {
                    current: current.version,
                });
            }
            if current.confirmed_level.is_some() {
                return Err(ApiError::WrongState(hcrm_domain::api::FieldError {
                    field: "level".into(),
                    code: "already_confirmed".into(),
                    message: "the penalty level is confirmed already".into(),
                }));
            }
            if x.level != current.proposed_level && x.note.is_none() {
                return Err(ApiError::field(
                    "note",
                    "note_required",
                    "say why the level differs from the proposed one",
                ));
            }
            let (before, after) = store::confirm(
                c,
                &scope,
                complaint,
                id,
                version,
                &Confirmation {
                    level: x.level,
                    note: x.note,
                    by: caller.principal.id,
                },
            )?;
            caller.record(c, Entry::changed(Action::Approve, &before, &after))?;
            Ok(after)
        })
        .await?;
    Ok(versioned(&found, found.version))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PenaltiesQuery {
    /// `YYYY-MM`; the month before the current one (Beijing date) by default.
    month: Option<String>,
    /// One institution of the caller's.
    institution_id: Option<Uuid>,
}

/// The penalties confirmed in a month in the caller's institutions, for the executive
/// office's review of the previous month due by the 10th (seed 003 四(五)), with the fines of
/// all of them for staff, supervisors and leaders.
#[utoipa::path(tag = "complaints", operation_id = "list_penalties", security(("bearer" = [])),
    params(PenaltiesQuery),
    responses(
        (status = 200, body = PenaltyReview),
        crate::contract::ListErrors<perm::ComplaintApprove>,
    ))]
#[get("/penalties")]
pub async fn penalties(
    auth: Authz<perm::ComplaintApprove>,
    state: web::Data<AppState>,
    query: web::Query<PenaltiesQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let month = match q.month {
        Some(m) => m,
        None => {
            let today = hcrm_domain::time::today_at_home();
            let last = today - chrono::Months::new(1);
            last.format("%Y-%m").to_string()
        }
    };
    let Some((from, to)) = month_range(&month) else {
        return Err(ApiError::field(
            "month",
            "month",
            "must be a month, YYYY-MM",
        ));
    };
    let scope = auth.caller.scope();
    if let Some(i) = q.institution_id
        && !scope.allows(i)
    {
        return Err(ApiError::field(
            "institution_id",
            "bad_reference",
            "no such institution",
        ));
    }
    let items = state
        .db(move |c| {
            Ok(store::confirmed_between(
                c,
                &scope,
                q.institution_id,
                from,
                to,
            )?)
        })
        .await?;
    let totals = items
        .iter()
        .filter_map(|r| r.fines)
        .fold(Fines::ZERO, Fines::plus);
    Ok(HttpResponse::Ok().json(PenaltyReview {
        month,
        review_due_on: review_due_on(from),
        items,
        totals,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SlipQuery {
    /// `en` for English; Chinese by default.
    lang: Option<String>,
}

/// The penalty slip (员工过失处罚单, seed 003 附件 4) of a confirmed finding as a printable,
/// self-contained HTML page (no scripts, no external resources; its one style sheet is
/// allowed by its hash). Print it from the browser for paper or PDF. 409 before the level is
/// confirmed.
#[utoipa::path(tag = "complaints", operation_id = "get_penalty_slip", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "the complaint"), ("responsibility_id" = Uuid, Path), SlipQuery),
    responses(
        (status = 200, description = "the slip", content_type = "text/html", body = String),
        crate::contract::ReadErrors<perm::ComplaintRead>,
        crate::contract::QueryErrors,
        (status = 409, description = "the level is not confirmed yet (`wrong_state`, `errors[0].code` `not_confirmed`)", body = hcrm_domain::api::Problem, content_type = "application/problem+json"),
    ))]
#[get("/complaints/{id}/responsibilities/{responsibility_id}/slip")]
pub async fn slip(
    auth: Authz<perm::ComplaintRead>,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
    query: web::Query<SlipQuery>,
) -> Result<HttpResponse, ApiError> {
    let ((complaint, id), scope) = (path.into_inner(), auth.caller.scope());
    let lang = match query.into_inner().lang.as_deref() {
        None | Some("zh") | Some("zh-CN") => Lang::Zh,
        Some("en") => Lang::En,
        Some(_) => return Err(ApiError::field("lang", "invalid", "must be zh or en")),
    };
    let (found, institution) = state
        .db(move |c| {
            let found = store::get(c, &scope, complaint, id)?;
            let institution = hcrm_db::institutions::get(c, &Scope::Group, found.institution_id)?;
            Ok((found, institution))
        })
        .await?;
    let Some(page) = crate::slip::render(&found, &institution.name, lang) else {
        return Err(ApiError::WrongState(hcrm_domain::api::FieldError {
            field: "confirmed_level".into(),
            code: "not_confirmed".into(),
            message: "the penalty level is not confirmed yet".into(),
        }));
    };
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CONTENT_SECURITY_POLICY, crate::slip::csp()))
        .body(page))
}

// ---------------------------------------------------------------------------------------
// Improvement actions
// ---------------------------------------------------------------------------------------

/// The improvement actions of a case, oldest first; `overdue` when not done by their date.
#[utoipa::path(tag = "complaints", operation_id = "list_complaint_improvements", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "the complaint")),
    responses(
        (status = 200, body = Vec<Improvement>),
        crate::contract::ReadErrors<perm::ComplaintRead>,
    ))]
#[get("/complaints/{id}/improvements")]
pub async fn list_improvements(
    auth: Authz<perm::ComplaintRead>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, scope) = (id.into_inner(), auth.caller.scope());
    let found = state
        .db(move |c| {
            cases::case_of(c, &scope, id)?;
            Ok(store::list_improvements(c, &scope, id)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(found))
}

/// Add an improvement action (防范改善) to a case: what is to be done, by whom (an active
/// user of the case's institution) and by when.
#[utoipa::path(tag = "complaints", operation_id = "create_complaint_improvement", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "the complaint"), crate::contract::IdempotencyKey),
    request_body = ImprovementCreate,
    responses(
        (status = 201, body = Improvement, headers(("ETag" = String, description = "the version, for If-Match"))),
        crate::contract::CreateErrors<perm::ComplaintWrite>,
        crate::contract::NotFound,
        (status = 409, description = "the case is closed (`wrong_state`, `errors[0].code` `case_closed`)", body = hcrm_domain::api::Problem, content_type = "application/problem+json"),
    ))]
#[post("/complaints/{id}/improvements")]
pub async fn create_improvement(
    auth: Authz<perm::ComplaintWrite>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: JsonBody<ImprovementCreate>,
) -> Result<HttpResponse, ApiError> {
    let (id, caller) = (id.into_inner(), auth.caller);
    require_staff(&caller)?;
    let x = body.valid()?;
    crate::error::check_fields(due_on_errors(Some(x.due_on)))?;
    let found = state
        .write(move |c| {
            let case = open_case(c, &caller.scope(), id)?;
            colleague(c, "owner_id", x.owner_id, case.institution_id, true)?;
            let iid = store::create_improvement(
                c,
                NewImprovement {
                    complaint_id: case.id,
                    institution_id: case.institution_id,
                    text: x.text,
                    owner_id: x.owner_id,
                    due_on: x.due_on,
                    created_by: caller.principal.id,
                },
            )?;
            let found = store::get_improvement(c, &Scope::Group, case.id, iid)?;
            caller.record(c, Entry::created(&found))?;
            Ok(found)
        })
        .await?;
    Ok(created(&found, found.version))
}

/// Change an improvement action: its text, owner (an active user of the case's
/// institution), due date, or mark it done (`true`, recording when and by whom) or not
/// (`false`). Send the version in `If-Match`.
#[utoipa::path(tag = "complaints", operation_id = "update_complaint_improvement", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "the complaint"), ("improvement_id" = Uuid, Path), crate::contract::IfMatch),
    request_body = ImprovementUpdate,
    responses(
        (status = 200, body = Improvement, headers(("ETag" = String, description = "the new version"))),
        crate::contract::UpdateErrors<perm::ComplaintWrite>,
        (status = 409, description = "the case is closed (`wrong_state`, `errors[0].code` `case_closed`)", body = hcrm_domain::api::Problem, content_type = "application/problem+json"),
    ))]
#[patch("/complaints/{id}/improvements/{improvement_id}")]
pub async fn update_improvement(
    auth: Authz<perm::ComplaintWrite>,
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(Uuid, Uuid)>,
    body: JsonBody<ImprovementUpdate>,
) -> Result<HttpResponse, ApiError> {
    let ((complaint, id), caller) = (path.into_inner(), auth.caller);
    require_staff(&caller)?;
    let u = body.valid()?;
    crate::error::check_fields(due_on_errors(u.due_on))?;
    let version = expected_version(&req, u.version)?;
    let found = state
        .write(move |c| {
            let scope = caller.scope();
            let current = store::get_improvement(c, &scope, complaint, id)?;
            open_case(c, &scope, complaint)?;
            if let Some(owner) = u.owner_id
                && owner != current.owner_id
            {
                colleague(c, "owner_id", owner, current.institution_id, true)?;
            }
            let (before, after) = store::update_improvement(
                c,
                &scope,
                complaint,
                id,
                version,
                &u,
                caller.principal.id,
            )?;
            caller.record(c, Entry::changed(Action::Update, &before, &after))?;
            Ok(after)
        })
        .await?;
    Ok(versioned(&found, found.version))
}

// ---------------------------------------------------------------------------------------
// The follow-up wish
// ---------------------------------------------------------------------------------------

/// Whether the complainant wants a follow-up call on how the case was handled; `wanted`
/// `null` (version 0) until recorded.
#[utoipa::path(tag = "complaints", operation_id = "get_complaint_follow_up_wish", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "the complaint")),
    responses(
        (status = 200, body = FollowUpWish, headers(("ETag" = String, description = "the version, for If-Match"))),
        crate::contract::ReadErrors<perm::ComplaintRead>,
    ))]
#[get("/complaints/{id}/follow-up-wish")]
pub async fn get_follow_up_wish(
    auth: Authz<perm::ComplaintRead>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, scope) = (id.into_inner(), auth.caller.scope());
    let wish = state
        .db(move |c| {
            cases::case_of(c, &scope, id)?;
            Ok(follow_up::get(c, id)?)
        })
        .await?;
    Ok(versioned(&wish, wish.version))
}

/// Record whether the complainant wants a follow-up call on the handling (回访), as the case
/// closes: from closing and archiving (结案备档) on; earlier is 409 (`case_open`). The
/// follow-up plans read it. Send the version read in `If-Match` (`"0"` the first time).
#[utoipa::path(tag = "complaints", operation_id = "set_complaint_follow_up_wish", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "the complaint"), crate::contract::IfMatch),
    request_body = FollowUpWishUpdate,
    responses(
        (status = 200, body = FollowUpWish, headers(("ETag" = String, description = "the new version"))),
        crate::contract::UpdateErrors<perm::ComplaintWrite>,
        (status = 409, description = "the case is not being closed yet (`wrong_state`, `errors[0].code` `case_open`)", body = hcrm_domain::api::Problem, content_type = "application/problem+json"),
    ))]
#[put("/complaints/{id}/follow-up-wish")]
pub async fn set_follow_up_wish(
    auth: Authz<perm::ComplaintWrite>,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: JsonBody<FollowUpWishUpdate>,
) -> Result<HttpResponse, ApiError> {
    let (id, caller) = (id.into_inner(), auth.caller);
    require_staff(&caller)?;
    let x = body.valid()?;
    let version = expected_version(&req, x.version)?;
    let wish = state
        .write(move |c| {
            let case = cases::case_of(c, &caller.scope(), id)?;
            if !may_record_in(case.state) {
                return Err(ApiError::WrongState(hcrm_domain::api::FieldError {
                    field: "wanted".into(),
                    code: "case_open".into(),
                    message: format!(
                        "the case is {}: the wish is recorded as it closes (from archiving on)",
                        case.state
                    ),
                }));
            }
            let (before, after) = follow_up::put(
                c,
                case.id,
                case.institution_id,
                version,
                x.wanted,
                x.note,
                caller.principal.id,
            )?;
            // A fact of the case: recorded as a change of the complaint.
            let changes = serde_json::json!({
                "follow_up_wanted": {"before": before.wanted, "after": after.wanted},
                "follow_up_note": {"before": before.note, "after": after.note},
            });
            caller.record(
                c,
                Entry::of(
                    Action::Update,
                    "complaint",
                    Some(case.id.to_string()),
                    Some(case.institution_id),
                    changes,
                ),
            )?;
            Ok(after)
        })
        .await?;
    Ok(versioned(&wish, wish.version))
}

/// This module's routes (registered in [`crate::modules::MODULES`]).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(get)
        .service(confirm)
        .service(slip)
        .service(penalties)
        .service(list_improvements)
        .service(create_improvement)
        .service(update_improvement)
        .service(get_follow_up_wish)
        .service(set_follow_up_wish);
}
