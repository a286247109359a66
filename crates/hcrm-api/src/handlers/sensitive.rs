//! The customer's sensitive sheets: the medical-sensitive profile (CUS-5) and the
//! VIP private notes. Every read is audited, naming the fields read and flagged when it came
//! through break-glass (X-6a); writes are audited with the names of the changed fields only —
//! the texts themselves never enter the audit trail.
//!
//! A customer the caller cannot reach is 404 before anything else; a reachable one whose sheet
//! the caller may not see is 403 unless the caller broke the glass for it.

use actix_web::{HttpRequest, HttpResponse, get, put, web};
use hcrm_db::audit::{Action, Entry};
use hcrm_db::sensitive::{self as store, medical, private_notes};
use hcrm_db::{DbConn, break_glass};
use hcrm_domain::Permission;
use hcrm_domain::api::Problem;
use hcrm_domain::api::sensitive::{
    MedicalProfile, MedicalProfileUpdate, PrivateNotes, PrivateNotesUpdate, may_use_private_notes,
};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::{Authz, Caller, perm};
use crate::body::JsonBody;
use crate::error::ApiError;
use crate::handlers::customer_access::{Access, Via, audit_read, customer_access, writable};
use crate::handlers::{expected_version, versioned};
use crate::state::AppState;

const MEDICAL: &str = "customer_medical";
const PRIVATE_NOTES: &str = "customer_private_notes";

/// Read access to a sheet of customer `id`: 404 when the customer is out of reach; when
/// `permitted` says no, a live break-glass grant still opens it (flagged), otherwise 403.
fn read_access(
    c: &mut DbConn,
    caller: &Caller,
    id: Uuid,
    permitted: impl FnOnce(&mut DbConn) -> Result<bool, ApiError>,
) -> Result<Access, ApiError> {
    let access = customer_access(c, caller, id)?;
    if permitted(c)? {
        return Ok(access);
    }
    if break_glass::active(c, caller.principal.id, id)? {
        return Ok(Access {
            via: Via::BreakGlass,
            ..access
        });
    }
    Err(ApiError::Forbidden)
}

/// private notes are for the customer's account manager, supervisors and up. `permission`
/// is private_notes.read or .write; a caller holding it only as an account manager must be the
/// customer's assigned one.
fn may_see_private_notes(
    c: &mut DbConn,
    caller: &Caller,
    id: Uuid,
    permission: Permission,
) -> Result<bool, ApiError> {
    if !caller.can(permission) {
        return Ok(false);
    }
    let assigned = store::account_manager_of(c, id)? == Some(caller.principal.id);
    Ok(may_use_private_notes(
        &caller.principal.roles,
        &caller.permissions,
        permission,
        assigned,
    ))
}

/// Audits a write of a sheet: which fields changed, never their text.
fn audit_write(
    c: &mut DbConn,
    caller: &Caller,
    access: &Access,
    entity_type: &str,
    first: bool,
    changed: Vec<&'static str>,
) -> Result<(), ApiError> {
    caller.record(
        c,
        Entry::of(
            if first {
                Action::Create
            } else {
                Action::Update
            },
            entity_type,
            Some(access.customer_id.to_string()),
            Some(access.institution_id),
            serde_json::json!({ "fields": changed }),
        ),
    )?;
    Ok(())
}

/// The medical-sensitive profile (CUS-5): for `medical.read`, or with a break-glass grant for
/// this customer (flagged). Every read is audited. Never written: all null at version 0.
#[utoipa::path(tag = "customers", operation_id = "get_medical_profile", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = MedicalProfile, headers(("ETag" = String, description = "the version, for If-Match"))),
        crate::contract::ReadErrors<perm::CustomerRead>,
        (status = 403, description = "lacks `medical.read` and holds no break-glass grant for this customer (`forbidden`); or the caller's role must set up two-factor sign-in first (`totp_enrollment_required`)", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/customers/{id}/medical")]
pub async fn get_medical(
    auth: Authz<perm::CustomerRead>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, caller) = (id.into_inner(), auth.caller);
    let sheet = state
        .db(move |c| {
            let access = read_access(c, &caller, id, |_| Ok(caller.can(Permission::MedicalRead)))?;
            let sheet = medical::get(c, id)?;
            audit_read(c, &caller, &access, MEDICAL, &MedicalProfile::FIELDS)?;
            Ok(sheet)
        })
        .await?;
    Ok(versioned(&sheet, sheet.version))
}

/// Replace the medical-sensitive profile. Send the version read (0 for a profile not written
/// yet) in `If-Match` or as `version`. Audited with the names of the changed fields.
#[utoipa::path(tag = "customers", operation_id = "update_medical_profile", security(("bearer" = [])),
    params(("id" = Uuid, Path), crate::contract::IfMatch),
    request_body = MedicalProfileUpdate,
    responses(
        (status = 200, body = MedicalProfile, headers(("ETag" = String, description = "the new version"))),
        crate::contract::UpdateErrors<perm::MedicalWrite>,
    ))]
#[put("/customers/{id}/medical")]
pub async fn put_medical(
    auth: Authz<perm::MedicalWrite>,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: JsonBody<MedicalProfileUpdate>,
) -> Result<HttpResponse, ApiError> {
    let u = body.valid()?;
    let version = expected_version(&req, u.version)?;
    let (id, caller) = (id.into_inner(), auth.caller);
    let sheet = state
        .write(move |c| {
            let access = writable(c, &caller, id)?;
            let (before, after) = medical::put(c, id, version, &u, caller.principal.id)?;
            let changed = before.changed_fields(&after);
            audit_write(c, &caller, &access, MEDICAL, version == 0, changed)?;
            Ok(after)
        })
        .await?;
    Ok(versioned(&sheet, sheet.version))
}

/// The VIP private notes (X-6: 喜好、习惯、家庭背景、特殊要求): for the customer's assigned
/// account manager, supervisors and up (`private_notes.read`), or with a break-glass grant for
/// this customer (flagged). Every read is audited. Never written: all null at version 0.
#[utoipa::path(tag = "customers", operation_id = "get_private_notes", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = PrivateNotes, headers(("ETag" = String, description = "the version, for If-Match"))),
        crate::contract::ReadErrors<perm::CustomerRead>,
        (status = 403, description = "lacks `private_notes.read`, or an account manager not assigned to this customer, without a break-glass grant (`forbidden`); or the caller's role must set up two-factor sign-in first (`totp_enrollment_required`)", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/customers/{id}/private-notes")]
pub async fn get_private_notes(
    auth: Authz<perm::CustomerRead>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, caller) = (id.into_inner(), auth.caller);
    let sheet = state
        .db(move |c| {
            let access = read_access(c, &caller, id, |c| {
                may_see_private_notes(c, &caller, id, Permission::PrivateNotesRead)
            })?;
            let sheet = private_notes::get(c, id)?;
            audit_read(c, &caller, &access, PRIVATE_NOTES, &PrivateNotes::FIELDS)?;
            Ok(sheet)
        })
        .await?;
    Ok(versioned(&sheet, sheet.version))
}

/// Replace the VIP private notes (the assigned account manager, supervisors and up). Send the
/// version read (0 for notes not written yet) in `If-Match` or as `version`. Audited with the
/// names of the changed fields.
#[utoipa::path(tag = "customers", operation_id = "update_private_notes", security(("bearer" = [])),
    params(("id" = Uuid, Path), crate::contract::IfMatch),
    request_body = PrivateNotesUpdate,
    responses(
        (status = 200, body = PrivateNotes, headers(("ETag" = String, description = "the new version"))),
        crate::contract::UpdateErrors<perm::PrivateNotesWrite>,
        (status = 403, description = "lacks `private_notes.write`, or an account manager not assigned to this customer (`forbidden`); or the caller's role must set up two-factor sign-in first (`totp_enrollment_required`)", body = Problem, content_type = "application/problem+json"),
    ))]
#[put("/customers/{id}/private-notes")]
pub async fn put_private_notes(
    auth: Authz<perm::PrivateNotesWrite>,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: JsonBody<PrivateNotesUpdate>,
) -> Result<HttpResponse, ApiError> {
    let u = body.valid()?;
    let version = expected_version(&req, u.version)?;
    let (id, caller) = (id.into_inner(), auth.caller);
    let sheet = state
        .write(move |c| {
            let access = writable(c, &caller, id)?;
            if !may_see_private_notes(c, &caller, id, Permission::PrivateNotesWrite)? {
                return Err(ApiError::Forbidden);
            }
            let (before, after) = private_notes::put(c, id, version, &u, caller.principal.id)?;
            let changed = before.changed_fields(&after);
            audit_write(c, &caller, &access, PRIVATE_NOTES, version == 0, changed)?;
            Ok(after)
        })
        .await?;
    Ok(versioned(&sheet, sheet.version))
}

/// This module's routes (registered in [`crate::modules::MODULES`]).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(get_medical)
        .service(put_medical)
        .service(get_private_notes)
        .service(put_private_notes);
}
