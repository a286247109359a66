//! CMP-6: refunds and compensation of a complaint, `/complaints/{id}/refunds`. The case's
//! handlers (`complaint.write`) start one and record its payment; the approval chain in
//! between is taken by the roles seed 003 names (`complaint.approve` and the step's roles:
//! the supervisor countersigns, the director, president or executive approves — not the one
//! who started or countersigned it). Every change is versioned and audited.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use hcrm_db::audit::{Action, Entry};
use hcrm_db::complaint_money::refunds::{self as store, Move, NewRefund};
use hcrm_db::complaint_money::{self as cases, attachments};
use hcrm_domain::api::complaint_money::{Refund, RefundCreate, RefundTransition};
use hcrm_domain::complaint::RefundKind;
use hcrm_domain::complaint::refund::{RefundMove, check_refund_move};
use hcrm_domain::complaint::{AttachmentKind, RefundStatus};
use hcrm_domain::{Lifecycle, Permission, Scope};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::{Authz, Caller, perm};
use crate::body::JsonBody;
use crate::error::ApiError;
use crate::handlers::tasks::require_staff;
use crate::handlers::{created, expected_version, versioned};
use crate::state::AppState;

/// Case `id` in the caller's `scope`, open to changes of its money, findings and files: a
/// closed case (已结案) takes none — 409 `wrong_state` with `errors[0].code` `case_closed`
/// (its record stays as it was closed; CMP-4).
pub(crate) fn open_case(
    c: &mut hcrm_db::DbConn,
    scope: &Scope,
    id: Uuid,
) -> Result<cases::Case, ApiError> {
    let case = cases::case_of(c, scope, id)?;
    if case.state.is_open() {
        Ok(case)
    } else {
        Err(ApiError::WrongState(hcrm_domain::api::FieldError {
            field: "complaint".into(),
            code: "case_closed".into(),
            message: format!(
                "complaint {} is closed: its refunds, findings and files stay as they were",
                case.number
            ),
        }))
    }
}

/// The attachment `id` of case `complaint` as the patient's signed documents: 422
/// `bad_reference` on `field` when the case has no such attachment, 422 `not_signed_document`
/// when it is a photo or a letter.
pub(crate) fn check_signed_document(
    c: &mut hcrm_db::DbConn,
    complaint: Uuid,
    field: &str,
    id: Uuid,
) -> Result<(), ApiError> {
    let found = attachments::get(c, &Scope::Group, complaint, id).map_err(|e| match e {
        hcrm_db::DbError::NotFound => {
            ApiError::field(field, "bad_reference", "the case has no such attachment")
        }
        other => other.into(),
    })?;
    if !matches!(
        found.kind,
        AttachmentKind::SignedDocument | AttachmentKind::SignedAgreement
    ) {
        return Err(ApiError::field(
            field,
            "not_signed_document",
            "attach it as the patient's signed document (kind signed_document or signed_agreement)",
        ));
    }
    Ok(())
}

/// The refunds and compensation of a case, oldest first.
#[utoipa::path(tag = "complaints", operation_id = "list_complaint_refunds", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "the complaint")),
    responses(
        (status = 200, body = Vec<Refund>),
        crate::contract::ReadErrors<perm::ComplaintRead>,
    ))]
#[get("/complaints/{id}/refunds")]
pub async fn list(
    auth: Authz<perm::ComplaintRead>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, scope) = (id.into_inner(), auth.caller.scope());
    let refunds = state
        .db(move |c| {
            cases::case_of(c, &scope, id)?;
            Ok(store::list(c, &scope, id)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(refunds))
}

/// Start a refund or compensation of a case (发起退费): amount in fen (more than 0, at most
/// ¥100,000,000), method (cash or bank card), reason, and the patient's signed documents
/// when already attached to the case. It waits for the supervisor's countersignature.
#[utoipa::path(tag = "complaints", operation_id = "create_complaint_refund", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "the complaint"), crate::contract::IdempotencyKey),
    request_body = RefundCreate,
    responses(
        (status = 201, body = Refund, headers(("ETag" = String, description = "the version, for If-Match"))),
        crate::contract::CreateErrors<perm::ComplaintWrite>,
        crate::contract::NotFound,
        (status = 409, description = "the case is closed (`wrong_state`, `errors[0].code` `case_closed`)", body = hcrm_domain::api::Problem, content_type = "application/problem+json"),
    ))]
#[post("/complaints/{id}/refunds")]
pub async fn create(
    auth: Authz<perm::ComplaintWrite>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: JsonBody<RefundCreate>,
) -> Result<HttpResponse, ApiError> {
    let (id, caller) = (id.into_inner(), auth.caller);
    require_staff(&caller)?;
    let x = body.valid()?;
    crate::error::check_fields(x.cross_field_errors())?;
    let refund = state
        .write(move |c| {
            let case = open_case(c, &caller.scope(), id)?;
            if let Some(doc) = x.signed_document_id {
                check_signed_document(c, case.id, "signed_document_id", doc)?;
            }
            let rid = store::create(
                c,
                NewRefund {
                    complaint_id: case.id,
                    institution_id: case.institution_id,
                    kind: x.kind.unwrap_or(RefundKind::Refund),
                    amount_fen: x.amount_fen,
                    method: x.method,
                    reason: x.reason,
                    signed_document_id: x.signed_document_id,
                    created_by: caller.principal.id,
                },
            )?;
            let refund = store::get(c, &Scope::Group, case.id, rid)?;
            caller.record(c, Entry::created(&refund))?;
            Ok(refund)
        })
        .await?;
    Ok(created(&refund, refund.version))
}

/// One refund of a case.
#[utoipa::path(tag = "complaints", operation_id = "get_complaint_refund", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "the complaint"), ("refund_id" = Uuid, Path)),
    responses(
        (status = 200, body = Refund, headers(("ETag" = String, description = "the version, for If-Match"))),
        crate::contract::ReadErrors<perm::ComplaintRead>,
    ))]
#[get("/complaints/{id}/refunds/{refund_id}")]
pub async fn get(
    auth: Authz<perm::ComplaintRead>,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let ((complaint, id), scope) = (path.into_inner(), auth.caller.scope());
    let refund = state
        .db(move |c| Ok(store::get(c, &scope, complaint, id)?))
        .await?;
    Ok(versioned(&refund, refund.version))
}

fn refused(to: RefundStatus, e: hcrm_domain::complaint::refund::RefundRefused) -> ApiError {
    use hcrm_domain::complaint::refund::RefundRefused;
    match e {
        RefundRefused::NotYourStep => ApiError::Refused {
            code: "transition_not_permitted",
            detail: match to {
                RefundStatus::Countersigned => {
                    "the customer-service supervisor countersigns a refund"
                }
                RefundStatus::Approved => {
                    "the director, the president or the executive approves a refund"
                }
                _ => "an approver of the refund turns it down",
            },
        },
        other => ApiError::field(
            if other == RefundRefused::SignedDocumentMissing {
                "signed_document_id"
            } else if other == RefundRefused::ReasonRequired {
                "comment"
            } else {
                "to"
            },
            other.code(),
            other.message(),
        ),
    }
}

/// Take a step of a refund's approval chain: `countersigned` (the supervisor, 客服主任加签),
/// `approved` (the director, president or executive, not the one who started or
/// countersigned it), `rejected` (either approver, with the reason in `comment`), `paid`
/// (`complaint.write`, once the patient's signed documents are attached — given here or at
/// the start; a bank-card refund is then expected 7 working days later on the institution's
/// calendar). A step the refund's state does not allow is 409 `invalid_transition` with the
/// allowed ones in `allowed_actions`. Send
/// the version in `If-Match`.
#[utoipa::path(tag = "complaints", operation_id = "update_complaint_refund_status", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "the complaint"), ("refund_id" = Uuid, Path),
        crate::contract::IfMatch, crate::contract::IdempotencyKey),
    request_body = RefundTransition,
    responses(
        (status = 200, body = Refund, headers(("ETag" = String, description = "the new version"))),
        crate::contract::UpdateErrors<perm::ComplaintRead>,
        (status = 403, description = "lacks `complaint.approve` for an approval step or `complaint.write` to record the payment (`forbidden`), or the caller's roles do not take this step (`transition_not_permitted`); or the caller's role must set up two-factor sign-in first (`totp_enrollment_required`)", body = hcrm_domain::api::Problem, content_type = "application/problem+json"),
        (status = 409, description = "the refund's state does not allow this step (`invalid_transition`, the allowed steps in `allowed_actions`), or the case is closed (`wrong_state`, `errors[0].code` `case_closed`)", body = hcrm_domain::api::Problem, content_type = "application/problem+json"),
    ))]
#[post("/complaints/{id}/refunds/{refund_id}/transitions")]
pub async fn transition(
    auth: Authz<perm::ComplaintRead>,
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(Uuid, Uuid)>,
    body: JsonBody<RefundTransition>,
) -> Result<HttpResponse, ApiError> {
    let ((complaint, id), caller) = (path.into_inner(), auth.caller);
    require_staff(&caller)?;
    let t = body.valid()?;
    let needed = match t.to {
        RefundStatus::Paid | RefundStatus::Requested => Permission::ComplaintWrite,
        _ => Permission::ComplaintApprove,
    };
    if !caller.can(needed) {
        return Err(ApiError::Forbidden);
    }
    crate::error::check_fields(t.cross_field_errors(chrono::Utc::now()))?;
    let version = expected_version(&req, t.version)?;
    let refund = state
        .write(move |c| transition_in(c, &caller, complaint, id, version, t))
        .await?;
    Ok(versioned(&refund, refund.version))
}

fn transition_in(
    c: &mut hcrm_db::DbConn,
    caller: &Caller,
    complaint: Uuid,
    id: Uuid,
    version: i32,
    t: RefundTransition,
) -> Result<Refund, ApiError> {
    let scope = caller.scope();
    let current = store::get(c, &scope, complaint, id)?;
    open_case(c, &scope, complaint)?;
    if current.version != version {
        return Err(ApiError::Stale {
            current: current.version,
        });
    }
    if current.status == t.to || !current.status.allows(t.to) {
        let allowed: Vec<&str> = current
            .status
            .next()
            .into_iter()
            .map(|s| s.code())
            .collect();
        let message = if allowed.is_empty() {
            format!("the refund is {}: it takes no more steps", current.status)
        } else {
            format!(
                "the refund is {}: its next steps are {}",
                current.status,
                allowed.join(", ")
            )
        };
        return Err(ApiError::InvalidTransition {
            detail: message,
            allowed: allowed.into_iter().map(str::to_string).collect(),
        });
    }
    if let Some(doc) = t.signed_document_id {
        check_signed_document(c, complaint, "signed_document_id", doc)?;
    }
    check_refund_move(&RefundMove {
        to: t.to,
        roles: &caller.principal.roles,
        caller: caller.principal.id,
        created_by: current.created_by,
        countersigned_by: current.countersigned_by,
        has_signed_document: t
            .signed_document_id
            .or(current.signed_document_id)
            .is_some(),
        has_comment: t.comment.is_some(),
    })
    .map_err(|e| refused(t.to, e))?;
    let paid_at = (t.to == RefundStatus::Paid).then(|| t.paid_at.unwrap_or_else(chrono::Utc::now));
    let expected_arrival_at = match paid_at {
        Some(paid_at) => {
            let calendar = hcrm_db::calendars::calendar_of(c, current.institution_id)?;
            Some(current.method.expected_arrival(paid_at, &calendar))
        }
        None => None,
    };
    let (before, after) = store::transition(
        c,
        &scope,
        complaint,
        id,
        version,
        &Move {
            to: t.to,
            by: caller.principal.id,
            comment: t.comment,
            signed_document_id: t.signed_document_id,
            paid_at,
            expected_arrival_at,
        },
    )?;
    let action = match t.to {
        RefundStatus::Approved | RefundStatus::Countersigned => Action::Approve,
        _ => Action::Update,
    };
    caller.record(c, Entry::changed(action, &before, &after))?;
    Ok(after)
}

/// This module's routes (registered in [`crate::modules::MODULES`]).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(get)
        .service(transition);
}
