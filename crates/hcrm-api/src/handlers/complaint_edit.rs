//! Correcting a complaint's details after intake (`PATCH /complaints/{id}`): the
//! classification, severity, departments and staff involved, demands, what happened and
//! when. Who may change what in which state is `hcrm_domain::complaint::edit`; the change is
//! versioned and audited.

use actix_web::{HttpRequest, HttpResponse, patch, web};
use chrono::{Datelike, TimeDelta};
use hcrm_db::audit::{Action, Entry};
use hcrm_db::complaints as store;
use hcrm_domain::api::Problem;
use hcrm_domain::api::complaints::{Complaint, ComplaintUpdate};
use hcrm_domain::complaint::edit::{EditRefused, check_edit};
use uuid::Uuid;

use crate::auth::{Authz, perm};
use crate::body::JsonBody;
use crate::error::ApiError;
use crate::handlers::complaints::{for_caller, now, resolve_involved};
use crate::handlers::tasks::require_staff;
use crate::handlers::{expected_version, versioned};

/// Correct a complaint's details (version in `If-Match` or `version`): `description`,
/// `occurred_at`, `demands` (empty clears it), `departments` and `staff` (each replaces its
/// list; records of the case's institution only), `category`, `severity`. The
/// customer-service department (supervisor, director) corrects the patient's account while
/// the case is open, the receiver while it is still theirs (before handing over); the
/// classification changes until a solution is proposed (409 `classification_fixed` after:
/// it decides who approves), the severity while open — medical affairs may change both. A
/// closed case is 409 `case_closed`. Audited; the state moves only through the transitions.
#[utoipa::path(tag = "complaints", operation_id = "update_complaint", security(("bearer" = [])),
    params(("id" = Uuid, Path), crate::contract::IfMatch),
    request_body = ComplaintUpdate,
    responses(
        (status = 200, body = Complaint, headers(("ETag" = String, description = "the new version"))),
        crate::contract::UpdateErrors<perm::ComplaintWrite>,
        (status = 403, description = "lacks `complaint.write`, or the field is not the caller's to change in this state (`forbidden`, the field named in `detail`); or the caller's role must set up two-factor sign-in first (`totp_enrollment_required`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "the case is closed (`wrong_state`, `errors[0].code` `case_closed`) or a solution is proposed already and the classification is fixed (`classification_fixed`)", body = Problem, content_type = "application/problem+json"),
    ))]
#[patch("/complaints/{id}")]
pub async fn update(
    auth: Authz<perm::ComplaintWrite>,
    state: web::Data<crate::state::AppState>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: JsonBody<ComplaintUpdate>,
) -> Result<HttpResponse, ApiError> {
    let (id, caller) = (id.into_inner(), auth.caller);
    require_staff(&caller)?;
    let mut u = body.valid()?;
    let version = expected_version(&req, u.version)?;
    let complaint = state
        .write(move |c| {
            let scope = caller.scope();
            let at = now();
            let current = store::get(c, &scope, id, false, at)?;
            check_edit(
                current.state,
                &caller.principal.roles,
                current.receiver.id == caller.principal.id,
                &u.fields(),
            )
            .map_err(|e| refused(e, &current))?;
            if let Some(o) = u.occurred_at {
                let wrong = if o.year() < 1900 {
                    Some(("range", "must be after 1900"))
                } else if o > current.received_at + TimeDelta::minutes(1) {
                    Some((
                        "after_received",
                        "must not be after the complaint was received",
                    ))
                } else {
                    None
                };
                if let Some((code, message)) = wrong {
                    return Err(ApiError::field("occurred_at", code, message));
                }
            }
            let (given_departments, given_staff) = (u.departments.is_some(), u.staff.is_some());
            let mut departments = u.departments.take().unwrap_or_default();
            let mut staff = u.staff.take().unwrap_or_default();
            resolve_involved(
                c,
                &scope,
                current.institution_id,
                &mut departments,
                &mut staff,
            )?;
            u.departments = given_departments.then_some(departments);
            u.staff = given_staff.then_some(staff);
            let (before, after) = store::update(c, &scope, id, version, &u, at)?;
            caller.record(c, Entry::changed(Action::Update, &before, &after))?;
            for_caller(c, &caller, id)
        })
        .await?;
    Ok(versioned(&complaint, complaint.version))
}

fn refused(e: EditRefused, current: &Complaint) -> ApiError {
    match e {
        EditRefused::Closed => ApiError::WrongState(hcrm_domain::api::FieldError {
            field: "complaint".into(),
            code: "case_closed".into(),
            message: format!("complaint {} is closed: its record stays", current.number),
        }),
        EditRefused::Fixed(f) => ApiError::WrongState(hcrm_domain::api::FieldError {
            field: f.name().into(),
            code: "classification_fixed".into(),
            message: format!(
                "the case is {}: the classification decides who approves and is fixed once a \
                 solution is proposed",
                current.state
            ),
        }),
        EditRefused::NotYours(f) => ApiError::ForbiddenBecause(format!(
            "{} of a case {} is not the caller's to change (the service department's; the \
             receiver's until handed over)",
            f.name(),
            current.state
        )),
    }
}
