//! X-6a: break-glass access — a user states a category and a reason to read one customer
//! outside their reach for 30 minutes; a second person reviews every grant afterwards.
//!
//! Guards (issue 7): the customer's institution chooses which roles may break the glass at
//! all; a user opens at most [`BREAK_GLASS_DAILY_CAP`] grants a day by themself, further
//! requests wait for a supervisor's approval; nobody reviews or approves their own grant;
//! every read under a grant is flagged in the audit trail (`customer_access::customer_read`).

use actix_web::{HttpResponse, get, post, web};
use hcrm_db::audit::{Action, Entry};
use hcrm_db::{DbConn, break_glass as store, customers, institutions, users};
use hcrm_domain::api::sensitive::{
    BREAK_GLASS_DAILY_CAP, BreakGlassGrant, BreakGlassRequest, ReviewOutcome, ReviewRequest,
};
use hcrm_domain::api::{Page, Problem};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::{Authz, Caller, perm};
use crate::body::JsonBody;
use crate::error::ApiError;
use crate::handlers::{page, window};
use crate::state::AppState;

/// Minutes a break-glass grant lasts.
pub const BREAK_GLASS_MINUTES: i64 = 30;

/// The grants as the API shows them, with the names of their users and customers.
fn views(c: &mut DbConn, rows: Vec<store::GrantRow>) -> Result<Vec<BreakGlassGrant>, ApiError> {
    let customer_ids: Vec<_> = rows.iter().map(|r| r.customer_id).collect();
    let user_ids: Vec<_> = rows.iter().map(|r| r.user_id).collect();
    let customer_names = customers::names_of(c, &customer_ids)?;
    let user_names = users::display_names(c, &user_ids)?;
    rows.into_iter()
        .map(|r| {
            let user = user_names.get(&r.user_id).cloned().unwrap_or_default();
            let customer = customer_names
                .get(&r.customer_id)
                .cloned()
                .unwrap_or_default();
            Ok(r.into_dto(user, customer)?)
        })
        .collect()
}

fn view(c: &mut DbConn, r: store::GrantRow) -> Result<BreakGlassGrant, ApiError> {
    views(c, vec![r])?.pop().ok_or(ApiError::Internal)
}

/// The grant `id` in the reviewer's institutions, unless it is the reviewer's own.
fn others_grant(c: &mut DbConn, caller: &Caller, id: Uuid) -> Result<store::GrantRow, ApiError> {
    let row = store::get(c, &caller.scope(), id)?;
    if row.user_id.0 == caller.principal.id {
        return Err(ApiError::Refused {
            code: "own_grant",
            detail: "a break-glass access is reviewed by someone other than the person who opened it",
        });
    }
    Ok(row)
}

/// Break the glass (X-6a): state a category and a reason to read a customer outside your
/// institutions (or its sensitive parts your role does not show) for 30 minutes. Flagged in
/// the audit trail and listed for a supervisor's review. Beyond 3 grants in 24 hours the
/// request waits for a supervisor's approval (202, `needs_approval`).
#[utoipa::path(tag = "customers", operation_id = "open_break_glass", security(("bearer" = [])),
    params(("id" = Uuid, Path), crate::contract::IdempotencyKey),
    request_body = BreakGlassRequest,
    responses(
        (status = 201, description = "open for 30 minutes", body = BreakGlassGrant),
        (status = 202, description = "over the daily cap: waits for a supervisor's approval", body = BreakGlassGrant),
        crate::contract::CreateErrors<perm::CustomerRead>,
        (status = 403, description = "lacks `customer.read`, or the customer's institution does not let the caller's roles break the glass (`break_glass_not_allowed`); or the caller's role must set up two-factor sign-in first (`totp_enrollment_required`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "no such customer in the group", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "JSON of the wrong shape, no category, or a reason that says nothing (`reason_of_substance`)", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/customers/{id}/break-glass")]
pub async fn open(
    auth: Authz<perm::CustomerRead>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: JsonBody<BreakGlassRequest>,
) -> Result<HttpResponse, ApiError> {
    let request = body.valid()?;
    let (id, caller) = (id.into_inner(), auth.caller);
    let grant = state
        .write(move |c| {
            let institution = customers::institution_of(c, id)?;
            let allowed = institutions::break_glass_roles(c, institution)?;
            if !caller.principal.roles.iter().any(|r| allowed.contains(r)) {
                return Err(ApiError::Refused {
                    code: "break_glass_not_allowed",
                    detail: "this institution does not let your role break the glass",
                });
            }
            let needs_approval =
                store::opened_in_last_day(c, caller.principal.id)? >= BREAK_GLASS_DAILY_CAP;
            let row = store::grant(
                c,
                &store::NewGrant {
                    user: caller.principal.id,
                    customer: id,
                    institution,
                    category: request.category,
                    reason: &request.reason,
                    minutes: BREAK_GLASS_MINUTES,
                    needs_approval,
                },
            )?;
            let entry = Entry::of(
                Action::BreakGlass,
                "customer",
                Some(id.to_string()),
                Some(institution),
                serde_json::json!({
                    "category": request.category.code(), "reason": request.reason,
                    "minutes": BREAK_GLASS_MINUTES, "needs_approval": needs_approval,
                }),
            );
            caller.record(c, entry.flagged(true))?;
            view(c, row)
        })
        .await?;
    Ok(if grant.needs_approval {
        HttpResponse::Accepted().json(grant)
    } else {
        HttpResponse::Created().json(grant)
    })
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReviewQuery {
    /// `false`: only those still to review; `true`: only reviewed ones.
    reviewed: Option<bool>,
    /// Only grants reviewed with this finding.
    #[param(inline)]
    outcome: Option<ReviewOutcome>,
    /// `true`: only those waiting for approval.
    pending: Option<bool>,
    user_id: Option<Uuid>,
    limit: Option<i64>,
    offset: Option<i64>,
}

/// Break-glass accesses to customers of the reviewer's institutions, newest first.
#[utoipa::path(tag = "customers", operation_id = "list_break_glass_grants", security(("bearer" = [])),
    params(ReviewQuery),
    responses(
        (status = 200, body = Page<BreakGlassGrant>),
        crate::contract::ListErrors<perm::BreakGlassReview>,
    ))]
#[get("/break-glass-reviews")]
pub async fn list(
    auth: Authz<perm::BreakGlassReview>,
    state: web::Data<AppState>,
    query: web::Query<ReviewQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let w = window(q.limit, q.offset)?;
    let filter = store::Filter {
        reviewed: q.reviewed,
        pending: q.pending,
        user_id: q.user_id,
        outcome: q.outcome,
    };
    let scope = auth.caller.scope();
    let (items, total) = state
        .db(move |c| {
            let (rows, total) = store::list(c, &scope, &filter, w)?;
            Ok((views(c, rows)?, total))
        })
        .await?;
    Ok(HttpResponse::Ok().json(page((items, total), w)))
}

/// Review a break-glass access — by someone other than its user: the finding
/// (`appropriate`, `inappropriate`, `needs_follow_up`) and a note, required for
/// `inappropriate`. Reviewed grants stay listed (`?reviewed=true`, `?outcome=`).
#[utoipa::path(tag = "customers", operation_id = "review_break_glass_grant", security(("bearer" = [])),
    params(("id" = Uuid, Path), crate::contract::IdempotencyKey),
    request_body = ReviewRequest,
    responses(
        (status = 200, body = BreakGlassGrant),
        crate::contract::CreateErrors<perm::BreakGlassReview>,
        (status = 403, description = "lacks `break_glass.review`, or the reviewer's own grant (`own_grant`); or the caller's role must set up two-factor sign-in first (`totp_enrollment_required`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "no such grant in the reviewer's institutions", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "already reviewed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "JSON of the wrong shape, no or an unknown `outcome`, or `inappropriate` without a note (`required` on `note`)", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/break-glass-reviews/{id}/review")]
pub async fn review(
    auth: Authz<perm::BreakGlassReview>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: JsonBody<ReviewRequest>,
) -> Result<HttpResponse, ApiError> {
    let ReviewRequest { outcome, note } = body.valid()?;
    let note = note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
    let (id, caller) = (id.into_inner(), auth.caller);
    let grant = state
        .write(move |c| {
            let row = others_grant(c, &caller, id)?;
            if !store::review(c, id, caller.principal.id, outcome, note.as_deref())? {
                return Err(ApiError::Duplicate {
                    field: None,
                    detail: "this access was already reviewed".into(),
                });
            }
            let institution = row.institution();
            let entry = Entry::of(
                Action::Review,
                "break_glass",
                Some(id.to_string()),
                Some(institution),
                serde_json::json!({"outcome": outcome.code(), "note": note}),
            );
            // An inappropriate access or one to follow up stays visible among flagged entries.
            caller.record(c, entry.flagged(outcome != ReviewOutcome::Appropriate))?;
            let row = store::get(c, &caller.scope(), id)?;
            view(c, row)
        })
        .await?;
    Ok(HttpResponse::Ok().json(grant))
}

/// The caller's own break-glass grant for this customer that is open now (X-6a), so that the
/// record can say how long the temporary access lasts.
#[utoipa::path(tag = "customers", operation_id = "get_own_break_glass_grant", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "the open grant; `expires_at` says until when", body = BreakGlassGrant),
        crate::contract::ReadErrors<perm::CustomerRead>,
        (status = 404, description = "the caller holds no open grant for this customer", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/customers/{id}/break-glass")]
pub async fn own(
    auth: Authz<perm::CustomerRead>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, user) = (id.into_inner(), auth.caller.principal.id);
    let grant = state
        .db(move |c| match store::open_grant(c, user, id)? {
            Some(row) => view(c, row),
            None => Err(ApiError::NotFound),
        })
        .await?;
    Ok(HttpResponse::Ok().json(grant))
}

/// Approve a break-glass request that waits for it (over its user's daily cap): it opens the
/// record for 30 minutes from now. Someone other than its user approves.
#[utoipa::path(tag = "customers", operation_id = "approve_break_glass_grant", security(("bearer" = [])),
    params(("id" = Uuid, Path), crate::contract::IdempotencyKey),
    responses(
        (status = 200, body = BreakGlassGrant),
        crate::contract::ActionErrors<perm::BreakGlassReview>,
        (status = 403, description = "lacks `break_glass.review`, or the approver's own request (`own_grant`); or the caller's role must set up two-factor sign-in first (`totp_enrollment_required`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "no such grant in the approver's institutions, or its customer is gone (merged or deleted)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "it needs no approval or was already approved", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/break-glass-reviews/{id}/approve")]
pub async fn approve(
    auth: Authz<perm::BreakGlassReview>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, caller) = (id.into_inner(), auth.caller);
    let grant = state
        .write(move |c| {
            let row = others_grant(c, &caller, id)?;
            // A merged or deleted customer has nothing left to open.
            customers::institution_of(c, row.customer())?;
            if !store::approve(c, id, caller.principal.id, BREAK_GLASS_MINUTES)? {
                return Err(ApiError::Duplicate {
                    field: None,
                    detail: "this access needs no approval or was already approved".into(),
                });
            }
            let institution = row.institution();
            let entry = Entry::of(
                Action::Approve,
                "break_glass",
                Some(id.to_string()),
                Some(institution),
                serde_json::json!({"minutes": BREAK_GLASS_MINUTES}),
            );
            caller.record(c, entry.flagged(true))?;
            let row = store::get(c, &caller.scope(), id)?;
            view(c, row)
        })
        .await?;
    Ok(HttpResponse::Ok().json(grant))
}

/// This module's routes (registered in [`crate::modules::MODULES`]).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(open)
        .service(own)
        .service(list)
        .service(review)
        .service(approve);
}
