//! 投诉 — the complaint case (CMP-1 … CMP-5a): intake from every channel with the number
//! and the promised reply time, the flow's moves by the roles seed 003 names, the history,
//! the clocks and the list by urgency. The rules are `hcrm_domain::complaint::flow`; the
//! storage `hcrm_db::complaints`.

use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use chrono::{DateTime, Datelike, TimeDelta, Utc};
use hcrm_db::audit::{Action, Entry};
use hcrm_db::complaints::{self as store, Filter, MoveInput, NewComplaint};
use hcrm_domain::api::complaints::{
    Complaint, ComplaintCreate, ComplaintHistoryEntry, ComplaintLimits, ComplaintListItem,
    ComplaintTransition, InvolvedDepartment, InvolvedStaff,
};
use hcrm_domain::api::{FieldError, Page, Problem};
use hcrm_domain::complaint::flow::{ActionRefused, CaseFacts};
use hcrm_domain::complaint::{ComplaintAction, ComplaintCategory, ComplaintState};
use hcrm_domain::{Permission, Role, Scope};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::{Authz, Caller, perm};
use crate::body::JsonBody;
use crate::error::ApiError;
use crate::handlers::party;
use crate::handlers::tasks::require_staff;
use crate::handlers::{created, expected_version, page, versioned, window};
use crate::state::AppState;

/// The instant of a request, to the microsecond both backends keep.
fn now() -> DateTime<Utc> {
    store::instant()
}

/// The complaint as this caller sees it: the complainant's phone masked without `pii.read`,
/// and the actions the caller may take now.
fn for_caller(c: &mut hcrm_db::DbConn, caller: &Caller, id: Uuid) -> Result<Complaint, ApiError> {
    let unmasked = caller.can(Permission::PiiRead);
    let mut complaint = store::get(c, &caller.scope(), id, unmasked, now())?;
    complaint.allowed_actions =
        facts(&complaint).actions_for(&caller.principal.roles, &caller.permissions);
    // 首诉负责制: the receiver hands over their own case; the service department may for them.
    if !may_hand_over(caller, &complaint) {
        complaint
            .allowed_actions
            .retain(|a| *a != ComplaintAction::HandOver);
    }
    Ok(complaint)
}

fn facts(c: &Complaint) -> CaseFacts {
    CaseFacts {
        state: c.state,
        category: c.category,
        waiting_on_patient: c.waiting_on_patient,
    }
}

fn may_hand_over(caller: &Caller, c: &Complaint) -> bool {
    c.receiver.id == caller.principal.id
        || caller
            .principal
            .roles
            .iter()
            .any(|r| matches!(r, Role::Supervisor | Role::Director))
}

/// Checks the departments and staff named: each record must be of the complaint's
/// institution (else 422 `bad_reference`); a record's name is filled in.
fn resolve_involved(
    c: &mut hcrm_db::DbConn,
    scope: &Scope,
    institution: Uuid,
    departments: &mut [InvolvedDepartment],
    staff: &mut [InvolvedStaff],
) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    let bad = |field: String, what: &str| FieldError {
        field,
        code: "bad_reference".into(),
        message: format!("no such {what} in the complaint's institution"),
    };
    for (i, d) in departments.iter_mut().enumerate() {
        if let Some(id) = d.department_id {
            match hcrm_db::departments::get(c, scope, id) {
                Ok(dep) if dep.institution_id == institution => {
                    d.name = Some(dep.name);
                }
                Ok(_) | Err(hcrm_db::DbError::NotFound) => {
                    errors.push(bad(format!("departments[{i}].department_id"), "department"));
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
    for (i, s) in staff.iter_mut().enumerate() {
        if let Some(id) = s.doctor_id {
            match hcrm_db::doctors::get(c, scope, id) {
                Ok(doc) if doc.institution_id == institution => s.name = Some(doc.name),
                Ok(_) | Err(hcrm_db::DbError::NotFound) => {
                    errors.push(bad(format!("staff[{i}].doctor_id"), "doctor"));
                }
                Err(e) => return Err(e.into()),
            }
        }
        if let Some(id) = s.user_id {
            match hcrm_db::users::get(c, scope, id) {
                Ok(u) if u.institutions.iter().any(|x| x.id == institution) => {
                    s.name = Some(u.display_name);
                }
                Ok(_) | Err(hcrm_db::DbError::NotFound) => {
                    errors.push(bad(format!("staff[{i}].user_id"), "user"));
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// The instants of an intake: `received_at` (default now) and `occurred_at` are not in the
/// future (a minute's clock difference allowed), nor more than a year back; the event comes
/// before its complaint.
fn check_instants(x: &ComplaintCreate, at: DateTime<Utc>) -> Result<DateTime<Utc>, ApiError> {
    let mut errors = Vec::new();
    let skew = TimeDelta::minutes(1);
    let mut field = |name: &str, code: &str, message: &str| {
        errors.push(FieldError {
            field: name.into(),
            code: code.into(),
            message: message.into(),
        })
    };
    let received = x.received_at.unwrap_or(at).min(at);
    if let Some(r) = x.received_at {
        if r > at + skew {
            field("received_at", "future", "must not be in the future");
        } else if r < at - TimeDelta::days(366) {
            field("received_at", "range", "must be within the last year");
        }
    }
    if let Some(o) = x.occurred_at {
        if o.year() < 1900 {
            field("occurred_at", "range", "must be after 1900");
        } else if o > at + skew {
            field("occurred_at", "future", "must not be in the future");
        } else if o > received + skew {
            field(
                "occurred_at",
                "after_received",
                "must not be after the complaint was received",
            );
        }
    }
    if errors.is_empty() {
        Ok(received)
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// 登记投诉 (CMP-1): the caller is the receiver (首诉负责制). The complainant is
/// `customer_id` — found by phone with `GET /customers?q=` — or `new_customer` (name and
/// mobile), created as a potential customer in the same transaction (409
/// `possible_duplicate` listing the customers that have that mobile: choose one). The answer
/// carries the number (CMP-2) and `promised_reply_at`, the reply promised to the patient
/// (CMP-1: ≤ 3 working days on the institution's calendar). With `settled_on_spot` and an
/// `outcome` the case is closed at once. A `major_dispute` makes the reporting task for the
/// institution's directors.
#[utoipa::path(tag = "complaints", operation_id = "create_complaint", security(("bearer" = [])),
    params(crate::contract::IdempotencyKey),
    request_body = ComplaintCreate,
    responses(
        (status = 201, body = Complaint, headers(("ETag" = String, description = "the version, for If-Match"))),
        crate::contract::CreateErrors<perm::ComplaintWrite>,
        (status = 409, description = "`new_customer`'s mobile is an existing customer's (`possible_duplicate`, see `duplicates`): send `customer_id` instead", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/complaints")]
pub async fn create(
    auth: Authz<perm::ComplaintWrite>,
    state: web::Data<AppState>,
    body: JsonBody<ComplaintCreate>,
) -> Result<HttpResponse, ApiError> {
    let caller = auth.caller;
    require_staff(&caller)?;
    let mut x = body.valid()?;
    let at = now();
    let received = check_instants(&x, at)?;
    let complaint = state
        .write(move |c| {
            let scope = caller.scope();
            let institution = party::institution_for(c, &scope, x.customer_id, x.institution_id)?;
            resolve_involved(c, &scope, institution, &mut x.departments, &mut x.staff)?;
            let customer = party::customer_for(
                c,
                &caller,
                institution,
                x.customer_id,
                x.new_customer.as_ref(),
            )?;
            let id = store::create(
                c,
                NewComplaint {
                    institution_id: institution,
                    channel: x.channel,
                    customer_id: customer,
                    receiver_id: caller.principal.id,
                    description: x.description,
                    occurred_at: x.occurred_at,
                    received_at: received,
                    departments: x.departments,
                    staff: x.staff,
                    demands: x.demands,
                    category: x.category,
                    severity: x.severity,
                    major_dispute: x.major_dispute,
                    settled: x.settled_on_spot.then(|| x.outcome.unwrap_or_default()),
                },
                at,
            )?;
            let stored = store::get(c, &Scope::Group, id, false, at)?;
            caller.record(c, Entry::created(&stored))?;
            for_caller(c, &caller, id)
        })
        .await?;
    Ok(created(&complaint, complaint.version))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    state: Option<ComplaintState>,
    /// `true`: open cases; `false`: closed ones.
    open: Option<bool>,
    category: Option<ComplaintCategory>,
    institution_id: Option<Uuid>,
    /// Cases with a breached clock (`true`) or without (`false`).
    breached: Option<bool>,
    /// Cases the caller received or handles.
    mine: Option<bool>,
    /// 1–200, default 50.
    limit: Option<i64>,
    offset: Option<i64>,
}

/// The complaints of the caller's institutions, the most urgent first: by the deadline of
/// the case's most urgent running clock (cases waiting on the patient and closed ones
/// last), each with the time left (CMP-5) and the national clock's (CMP-5a).
#[utoipa::path(tag = "complaints", operation_id = "list_complaints", security(("bearer" = [])),
    params(ListQuery),
    responses(
        (status = 200, body = Page<ComplaintListItem>),
        crate::contract::ListErrors<perm::ComplaintRead>,
    ))]
#[get("/complaints")]
pub async fn list(
    auth: Authz<perm::ComplaintRead>,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let caller = auth.caller;
    let w = window(q.limit, q.offset)?;
    if let (Some(s), Some(open)) = (q.state, q.open)
        && s.is_open() != open
    {
        return Err(ApiError::field(
            "open",
            "conflict",
            "contradicts the state asked for",
        ));
    }
    let filter = Filter {
        state: q.state,
        open: q.open,
        category: q.category,
        institution_id: q.institution_id,
        breached: q.breached,
        mine: q.mine.unwrap_or(false).then_some(caller.principal.id),
    };
    let scope = caller.scope();
    let result = state
        .db(move |c| Ok(store::list(c, &scope, &filter, w, now())?))
        .await?;
    Ok(HttpResponse::Ok().json(page(result, w)))
}

/// One complaint with its clocks and the actions the caller may take now.
#[utoipa::path(tag = "complaints", operation_id = "get_complaint", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = Complaint, headers(("ETag" = String, description = "the version, for If-Match"))),
        crate::contract::ReadErrors<perm::ComplaintRead>,
    ))]
#[get("/complaints/{id}")]
pub async fn get(
    auth: Authz<perm::ComplaintRead>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, caller) = (id.into_inner(), auth.caller);
    let complaint = state.db(move |c| for_caller(c, &caller, id)).await?;
    Ok(versioned(&complaint, complaint.version))
}

/// The case's history, oldest first: who took which action when, from and to which state,
/// with their comment (CMP-4).
#[utoipa::path(tag = "complaints", operation_id = "list_complaint_history", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = Vec<ComplaintHistoryEntry>),
        crate::contract::ReadErrors<perm::ComplaintRead>,
    ))]
#[get("/complaints/{id}/history")]
pub async fn history(
    auth: Authz<perm::ComplaintRead>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, scope) = (id.into_inner(), auth.caller.scope());
    let entries = state
        .db(move |c| Ok(store::history_of(c, &scope, id)?))
        .await?;
    Ok(HttpResponse::Ok().json(entries))
}

/// What each action needs in the body, and what it may carry.
fn check_body(
    x: &ComplaintTransition,
    current: &Complaint,
) -> Result<Option<ComplaintCategory>, ApiError> {
    let mut errors = Vec::new();
    let mut field = |name: &str, code: &str, message: &str| {
        errors.push(FieldError {
            field: name.into(),
            code: code.into(),
            message: message.into(),
        })
    };
    let blank = |s: &Option<String>| s.as_deref().is_none_or(hcrm_domain::validation::is_blank);
    let category = x.category.or(current.category);
    match x.action {
        ComplaintAction::Analyse if category.is_none() => {
            field("category", "required", "analysing classifies the complaint")
        }
        ComplaintAction::Propose if blank(&x.solution) => {
            field("solution", "required", "a proposal states the solution")
        }
        ComplaintAction::Pause if blank(&x.comment) => field(
            "comment",
            "required",
            "say what the case waits for (patient unreachable, documents outstanding …)",
        ),
        ComplaintAction::Reject | ComplaintAction::Escalate | ComplaintAction::ReferToLegal
            if blank(&x.comment) =>
        {
            field("comment", "required", "say why")
        }
        _ => {}
    }
    if x.category.is_some()
        && !matches!(
            x.action,
            ComplaintAction::Analyse | ComplaintAction::Accept | ComplaintAction::Investigate
        )
    {
        field(
            "category",
            "not_with_action",
            "the classification is set when accepting, investigating or analysing",
        );
    }
    if x.solution.is_some() && x.action != ComplaintAction::Propose {
        field(
            "solution",
            "not_with_action",
            "only a proposal carries a solution",
        );
    }
    if x.outcome.is_some()
        && !matches!(
            x.action,
            ComplaintAction::Agree | ComplaintAction::SignAgreement | ComplaintAction::Conclude
        )
    {
        field(
            "outcome",
            "not_with_action",
            "the outcome is recorded with agree, sign_agreement or conclude",
        );
    }
    if matches!(
        x.action,
        ComplaintAction::Receive | ComplaintAction::SettleOnSpot
    ) {
        field(
            "action",
            "not_a_transition",
            "recorded at intake (POST /complaints), not a move",
        );
    }
    if errors.is_empty() {
        Ok(category)
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// Take an action of the flow (CMP-4): 409 `invalid_transition` with `allowed_actions` when
/// the case's state has no such action, 403 when the action is not the caller's (the table
/// of roles in the README). The version read goes in `If-Match` or `version` (412 when the
/// case moved since, 428 without one): of two moves made at once one wins.
/// `pause` (waiting on the patient) pauses every running clock, `resume` resumes them; a
/// breached clock stays breached.
#[utoipa::path(tag = "complaints", operation_id = "create_complaint_transition", security(("bearer" = [])),
    params(("id" = Uuid, Path), crate::contract::IfMatch, crate::contract::IdempotencyKey),
    request_body = ComplaintTransition,
    responses(
        (status = 200, body = Complaint, headers(("ETag" = String, description = "the new version"))),
        crate::contract::UpdateErrors<perm::ComplaintRead>,
        (status = 403, description = "the action is not for the caller's roles (`forbidden`), or lacks `complaint.read`, or the caller's role must set up two-factor sign-in first (`totp_enrollment_required`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "the case's state has no such action (`invalid_transition`; `allowed_actions` lists those it has)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "the case changed since it was read (`stale`): read it again", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/complaints/{id}/transitions")]
pub async fn transition(
    auth: Authz<perm::ComplaintRead>,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: JsonBody<ComplaintTransition>,
) -> Result<HttpResponse, ApiError> {
    let (id, caller) = (id.into_inner(), auth.caller);
    require_staff(&caller)?;
    let x = body.valid()?;
    let version = expected_version(&req, x.version)?;
    let complaint =
        state
            .write(move |c| {
                let scope = caller.scope();
                let at = now();
                let current = store::get(c, &scope, id, false, at)?;
                let category = check_body(&x, &current)?;
                let f = CaseFacts {
                    category,
                    ..facts(&current)
                };
                let to = f
                .check(x.action, &caller.principal.roles, &caller.permissions)
                .map_err(|e| match e {
                    ActionRefused::NotAllowed {
                        state,
                        action,
                        allowed,
                    } => ApiError::InvalidTransition {
                        detail: format!(
                            "a complaint in state {state} cannot take {action}; it may take: {}",
                            if allowed.is_empty() {
                                "nothing (closed)".to_string()
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
                    ActionRefused::NotPermitted { action, roles } => ApiError::ForbiddenBecause(
                        format!(
                            "{action} is for {}",
                            roles.iter().map(|r| r.code()).collect::<Vec<_>>().join(", ")
                        ),
                    ),
                })?;
                if x.action == ComplaintAction::HandOver && !may_hand_over(&caller, &current) {
                    return Err(ApiError::ForbiddenBecause(
                        "the receiver hands over their own complaint (首诉负责制)".into(),
                    ));
                }
                let (before, after) = store::make_move(
                    c,
                    &scope,
                    id,
                    version,
                    x.action,
                    to,
                    &MoveInput {
                        comment: x.comment,
                        category: x.category,
                        severity: x.severity,
                        major_dispute: x.major_dispute,
                        solution: x.solution,
                        outcome: x.outcome,
                    },
                    caller.principal.id,
                    at,
                )?;
                caller.record(c, Entry::changed(Action::Update, &before, &after))?;
                for_caller(c, &caller, id)
            })
            .await?;
    Ok(versioned(&complaint, complaint.version))
}

/// The complaint limits in force (CMP-5, CMP-5a) and the version to send when changing them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ComplaintSettings {
    pub limits: ComplaintLimits,
    /// 0 while never saved (the seed's limits).
    #[serde(default)]
    pub version: Option<i32>,
}

/// The complaint limits: every step's, the whole case's (local / other institutions), the
/// national rule's, the promised reply and the escalation timing.
#[utoipa::path(tag = "settings", operation_id = "get_complaint_settings", security(("bearer" = [])),
    responses(
        (status = 200, body = ComplaintSettings),
        crate::contract::Forbidden<perm::SettingWrite>,
    ))]
#[get("/settings/complaints")]
pub async fn get_settings(
    _auth: Authz<perm::SettingWrite>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (limits, version) = state.db(|c| Ok(store::limits_versioned(c)?)).await?;
    Ok(HttpResponse::Ok().json(ComplaintSettings {
        limits,
        version: Some(version),
    }))
}

/// Change the complaint limits (admin). Each limit is 1 unit to a year; clocks already
/// running keep the limit they started with.
#[utoipa::path(tag = "settings", operation_id = "update_complaint_settings", security(("bearer" = [])),
    params(crate::contract::IfMatch),
    request_body = ComplaintSettings,
    responses(
        (status = 200, body = ComplaintSettings),
        crate::contract::ChangeErrors<perm::SettingWrite>,
    ))]
#[put("/settings/complaints")]
pub async fn put_settings(
    auth: Authz<perm::SettingWrite>,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: JsonBody<ComplaintSettings>,
) -> Result<HttpResponse, ApiError> {
    let body = body.parsed()?;
    let bad = body.limits.invalid_fields();
    if !bad.is_empty() {
        return Err(ApiError::Validation(
            bad.into_iter()
                .map(|f| FieldError {
                    field: f.into(),
                    code: "range".into(),
                    message: "must be at least 1 and at most a year (warnings at most a week, \
                              the president's step at most 30 days)"
                        .into(),
                })
                .collect(),
        ));
    }
    let version = expected_version(&req, body.version)?;
    let caller = auth.caller;
    let saved = state
        .write(move |c| {
            let (before, _) = store::limits_versioned(c)?;
            let value = serde_json::to_value(&body.limits).map_err(|_| ApiError::Internal)?;
            let v = hcrm_db::settings::put(c, store::SETTING, &value, version)?;
            let changes = hcrm_domain::api::audit::changes(Some(&before), Some(&body.limits));
            caller.record(
                c,
                Entry::of(
                    Action::Update,
                    "setting",
                    Some(store::SETTING.to_string()),
                    None,
                    changes,
                ),
            )?;
            Ok(ComplaintSettings {
                limits: body.limits,
                version: Some(v),
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(saved))
}

/// This module's routes (registered in [`crate::modules::MODULES`]).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(get)
        .service(history)
        .service(transition)
        .service(get_settings)
        .service(put_settings);
}
