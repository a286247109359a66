//! CMP-9: the files of a complaint, `/complaints/{id}/attachments` — photos, letters, signed
//! agreements, the patient's signed refund documents. Uploaded as the body itself or as the
//! `file` part of a form; at most 20 MB; JPEG, PNG, PDF or Word (.docx) known by the content,
//! whatever the name or declared type says; stored in the database with their SHA-256.
//! Scoped like the case: another institution's file is 404 as an unknown one.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};
use hcrm_db::audit::{Action, Entry};
use hcrm_db::complaint_money::attachments::{self as store, NewAttachment};
use hcrm_db::complaint_money::{self as cases, refunds};
use hcrm_domain::api::complaint_money::{Attachment, AttachmentSettings, AttachmentSettingsUpdate};
use hcrm_domain::complaint::AttachmentKind;
use hcrm_domain::complaint::attachment::{
    FileRefused, MAX_ATTACHMENT_BYTES, check_file, clean_file_name,
};
use hcrm_domain::{Permission, Scope};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::{Authz, perm};
use crate::body::JsonBody;
use crate::error::ApiError;
use crate::handlers::complaint_refunds::open_case;
use crate::handlers::customer_io::read_limited;
use crate::handlers::tasks::require_staff;
use crate::handlers::{expected_version, versioned};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// What the file is; `other` by default.
    kind: Option<AttachmentKind>,
    /// The file's name when it is sent as the body itself (a form's part names its own).
    file_name: Option<String>,
    /// A few words about it.
    description: Option<String>,
}

/// A file of the upload: the body, or the `file` part of a `multipart/form-data` form.
#[derive(utoipa::ToSchema)]
pub struct AttachmentUpload {
    /// The file.
    #[schema(value_type = String, format = Binary, content_media_type = "application/octet-stream")]
    pub file: Vec<u8>,
}

fn file_error(e: FileRefused) -> ApiError {
    match e {
        FileRefused::Empty => ApiError::field("file", "empty", "the file is empty"),
        FileRefused::TooLarge => ApiError::PayloadTooLarge,
        FileRefused::UnsupportedType => ApiError::UnsupportedFile(hcrm_domain::api::FieldError {
            field: "file".into(),
            code: "unsupported_file_type".into(),
            message: "the file is not a JPEG, PNG, PDF or Word (.docx) file".into(),
        }),
        FileRefused::NameMismatch(format) => {
            ApiError::UnsupportedFile(hcrm_domain::api::FieldError {
                field: "file_name".into(),
                code: "file_name_mismatch".into(),
                message: format!(
                    "the file is {}, but its name says otherwise: name it {}",
                    format.media_type(),
                    format.extensions().join(" or ")
                ),
            })
        }
    }
}

/// The files of a case, oldest first (without their content).
#[utoipa::path(tag = "complaints", operation_id = "list_complaint_attachments", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "the complaint")),
    responses(
        (status = 200, body = Vec<Attachment>),
        crate::contract::ReadErrors<perm::ComplaintRead>,
    ))]
#[get("/complaints/{id}/attachments")]
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

/// Attach a file to a case: the body itself (any declared type; name it with `file_name`)
/// or the `file` part of a `multipart/form-data` form. At most 20 MB (or the lower limit of
/// `/settings/complaint-attachments`); JPEG, PNG, PDF or Word
/// (.docx) known by the file's first bytes — a name whose extension says another format is
/// refused (an `.exe` named `.png`). The answer carries the SHA-256 of what was stored.
#[utoipa::path(tag = "complaints", operation_id = "create_complaint_attachment", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "the complaint"), UploadQuery, crate::contract::IdempotencyKey),
    request_body(description = "the file, at most 20 MB: the body alone, or the `file` part of a form", content(
        (crate::contract::FileBytes = "application/octet-stream"),
        (AttachmentUpload = "multipart/form-data"),
    )),
    responses(
        (status = 201, body = Attachment),
        crate::contract::Forbidden<perm::ComplaintWrite>,
        crate::contract::NotFound,
        (status = 400, description = "a malformed query string (`invalid_query`), or a form that cannot be read (`malformed_multipart`)", body = hcrm_domain::api::Problem, content_type = "application/problem+json"),
        (status = 413, description = "the file is larger than the limit, 20 MB unless set lower (`payload_too_large`)", body = hcrm_domain::api::Problem, content_type = "application/problem+json"),
        (status = 415, description = "not a JPEG, PNG, PDF or .docx file by its content, or named with another format's extension (`unsupported_file_type`, `errors[0].code` `unsupported_file_type` or `file_name_mismatch`)", body = hcrm_domain::api::Problem, content_type = "application/problem+json"),
        (status = 422, description = "an empty file, a form without a `file` part, an invalid `kind`, `file_name` or `description` (`validation`)", body = hcrm_domain::api::Problem, content_type = "application/problem+json"),
        (status = 409, description = "the case is closed (`wrong_state`, `errors[0].code` `case_closed`)", body = hcrm_domain::api::Problem, content_type = "application/problem+json"),
    ))]
#[post("/complaints/{id}/attachments")]
pub async fn upload(
    auth: Authz<perm::ComplaintWrite>,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    query: web::Query<UploadQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let (id, caller) = (id.into_inner(), auth.caller);
    require_staff(&caller)?;
    let q = query.into_inner();
    let mut errors = Vec::new();
    for (field, value, max) in [
        ("file_name", &q.file_name, 255usize),
        ("description", &q.description, 500),
    ] {
        if let Some(v) = value {
            let v = hcrm_domain::validation::nfc(v);
            if v.chars().count() > max {
                errors.push(("too_long", field, format!("at most {max} characters")));
            } else if hcrm_domain::validation::line(&v).is_err() {
                errors.push(("control_character", field, "no control characters".into()));
            } else if hcrm_domain::validation::is_blank(&v) {
                errors.push(("blank", field, "must not be blank".into()));
            }
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(
            errors
                .into_iter()
                .map(|(code, field, message)| hcrm_domain::api::FieldError {
                    field: field.into(),
                    code: code.into(),
                    message,
                })
                .collect(),
        ));
    }
    let max = state.db(|c| Ok(store::settings(c)?)).await?.max_bytes;
    let max = usize::try_from(max).map_or(MAX_ATTACHMENT_BYTES, |m| m.min(MAX_ATTACHMENT_BYTES));
    let (name, bytes) = match crate::multipart::boundary(&req) {
        Some(boundary) => {
            let limit = max + crate::multipart::ENVELOPE_BYTES;
            let form = read_limited(&req, payload, limit).await?;
            let part = crate::multipart::part(&form, &boundary, "file", max)?;
            (part.filename.or(q.file_name), part.bytes)
        }
        None => (q.file_name, read_limited(&req, payload, max).await?),
    };
    let name = name.map(|n| hcrm_domain::validation::nfc(&n).into_owned());
    let format = check_file(&bytes, name.as_deref(), max).map_err(file_error)?;
    let file_name = clean_file_name(name.as_deref(), format);
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let description = q
        .description
        .map(|d| hcrm_domain::validation::nfc(&d).trim().to_string());
    let kind = q.kind.unwrap_or(AttachmentKind::Other);
    let found = state
        .write(move |c| {
            let case = open_case(c, &caller.scope(), id)?;
            let aid = store::create(
                c,
                NewAttachment {
                    complaint_id: case.id,
                    institution_id: case.institution_id,
                    kind,
                    file_name,
                    format,
                    sha256,
                    description,
                    uploaded_by: caller.principal.id,
                },
                &bytes,
            )?;
            let found = store::get(c, &Scope::Group, case.id, aid)?;
            caller.record(c, Entry::created(&found))?;
            Ok(found)
        })
        .await?;
    Ok(HttpResponse::Created().json(found))
}

/// One file's description: name, format, size, SHA-256.
#[utoipa::path(tag = "complaints", operation_id = "get_complaint_attachment", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "the complaint"), ("attachment_id" = Uuid, Path)),
    responses(
        (status = 200, body = Attachment),
        crate::contract::ReadErrors<perm::ComplaintRead>,
    ))]
#[get("/complaints/{id}/attachments/{attachment_id}")]
pub async fn get(
    auth: Authz<perm::ComplaintRead>,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let ((complaint, id), scope) = (path.into_inner(), auth.caller.scope());
    let found = state
        .db(move |c| Ok(store::get(c, &scope, complaint, id)?))
        .await?;
    Ok(HttpResponse::Ok().json(found))
}

/// `filename*=` of RFC 6266 / 8187: UTF-8, percent-encoded but for the attribute characters.
fn ext_value(name: &str) -> String {
    let mut out = String::from("UTF-8''");
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A plain ASCII stand-in for old clients: other characters become `_`.
fn ascii_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Download a file as stored: its own media type, `Content-Disposition: attachment` with
/// its name, `X-Content-Type-Options: nosniff`, the SHA-256 in `ETag`. The read is audited.
#[utoipa::path(tag = "complaints", operation_id = "get_complaint_attachment_content", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "the complaint"), ("attachment_id" = Uuid, Path)),
    responses(
        (status = 200, description = "the file", content(
            (crate::contract::FileBytes = "image/jpeg"),
            (crate::contract::FileBytes = "image/png"),
            (crate::contract::FileBytes = "application/pdf"),
            (crate::contract::FileBytes = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        )),
        crate::contract::ReadErrors<perm::ComplaintRead>,
    ))]
#[get("/complaints/{id}/attachments/{attachment_id}/content")]
pub async fn download(
    auth: Authz<perm::ComplaintRead>,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let ((complaint, id), caller) = (path.into_inner(), auth.caller);
    let (found, bytes) = state
        .db(move |c| {
            let found = store::get(c, &caller.scope(), complaint, id)?;
            let bytes = store::content(c, id)?;
            caller.record(
                c,
                Entry::of(
                    Action::Read,
                    "complaint_attachment",
                    Some(found.id.to_string()),
                    Some(found.institution_id),
                    serde_json::json!({"fields": ["content"], "via": "scope"}),
                ),
            )?;
            Ok((found, bytes))
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type(found.content_type.as_str())
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"{}\"; filename*={}",
                ascii_name(&found.file_name),
                ext_value(&found.file_name)
            ),
        ))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header((header::ETAG, format!("\"{}\"", found.sha256)))
        .body(bytes))
}

/// Remove a file from a case: its uploader, or a holder of `complaint.approve`. A file that
/// is a refund's signed document stays (409).
#[utoipa::path(tag = "complaints", operation_id = "delete_complaint_attachment", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "the complaint"), ("attachment_id" = Uuid, Path)),
    responses(
        (status = 204, description = "removed"),
        crate::contract::ActionErrors<perm::ComplaintWrite>,
        (status = 403, description = "lacks `complaint.write`, or neither uploaded it nor holds `complaint.approve` (`forbidden`); or the caller's role must set up two-factor sign-in first (`totp_enrollment_required`)", body = hcrm_domain::api::Problem, content_type = "application/problem+json"),
        (status = 409, description = "a refund names it as the patient's signed documents (`wrong_state`, `errors[0].code` `in_use`), or the case is closed (`case_closed`)", body = hcrm_domain::api::Problem, content_type = "application/problem+json"),
    ))]
#[delete("/complaints/{id}/attachments/{attachment_id}")]
pub async fn remove(
    auth: Authz<perm::ComplaintWrite>,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let ((complaint, id), caller) = (path.into_inner(), auth.caller);
    require_staff(&caller)?;
    state
        .write(move |c| {
            let found = store::get(c, &caller.scope(), complaint, id)?;
            open_case(c, &caller.scope(), complaint)?;
            if found.uploaded_by != Some(caller.principal.id)
                && !caller.can(Permission::ComplaintApprove)
            {
                return Err(ApiError::Forbidden);
            }
            if refunds::uses_attachment(c, id)? {
                return Err(ApiError::WrongState(hcrm_domain::api::FieldError {
                    field: "attachment_id".into(),
                    code: "in_use".into(),
                    message: "a refund names this file as the patient's signed documents".into(),
                }));
            }
            store::delete(c, id)?;
            caller.record(c, Entry::deleted(&found))?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The attachment limit (CMP-9): the largest file a case takes, 20 MB unless set lower.
#[utoipa::path(tag = "settings", operation_id = "get_complaint_attachment_settings", security(("bearer" = [])),
    responses(
        (status = 200, body = AttachmentSettings, headers(("ETag" = String, description = "the version, for If-Match"))),
        crate::contract::Forbidden<perm::ComplaintRead>,
    ))]
#[get("/settings/complaint-attachments")]
pub async fn get_settings(
    _auth: Authz<perm::ComplaintRead>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let found = state.db(|c| Ok(store::settings(c)?)).await?;
    Ok(versioned(&found, found.version))
}

/// Set the attachment limit: 1 byte to 20 MB, the server's ceiling. Send the version read in
/// `If-Match` (`"0"` the first time).
#[utoipa::path(tag = "settings", operation_id = "update_complaint_attachment_settings", security(("bearer" = [])),
    params(crate::contract::IfMatch),
    request_body = AttachmentSettingsUpdate,
    responses(
        (status = 200, body = AttachmentSettings, headers(("ETag" = String, description = "the new version"))),
        crate::contract::ChangeErrors<perm::SettingWrite>,
    ))]
#[put("/settings/complaint-attachments")]
pub async fn put_settings(
    auth: Authz<perm::SettingWrite>,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: JsonBody<AttachmentSettingsUpdate>,
) -> Result<HttpResponse, ApiError> {
    let x = body.valid()?;
    let version = expected_version(&req, x.version)?;
    let caller = auth.caller;
    let saved = state
        .write(move |c| {
            let (before, after) = store::put_settings(c, x.max_bytes, version)?;
            let changes = hcrm_domain::api::audit::changes(Some(&before), Some(&after));
            caller.record(
                c,
                Entry::of(
                    Action::Update,
                    "setting",
                    Some(store::SETTINGS_KEY.to_string()),
                    None,
                    changes,
                ),
            )?;
            Ok(after)
        })
        .await?;
    Ok(versioned(&saved, saved.version))
}

/// This module's routes (registered in [`crate::modules::MODULES`]).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list)
        .service(upload)
        .service(get)
        .service(download)
        .service(remove)
        .service(get_settings)
        .service(put_settings);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_sent_in_both_forms() {
        assert_eq!(ext_value("协议 1.pdf"), "UTF-8''%E5%8D%8F%E8%AE%AE%201.pdf");
        assert_eq!(ascii_name("协议 1.pdf"), "__ 1.pdf");
        assert_eq!(ascii_name("a\"b\\c.png"), "a_b_c.png");
    }
}
