//! HTTP handlers, one file per resource; each is thin: check, call hcrm-db, audit, answer.

pub mod api_keys;
pub mod appointments;
pub mod assignee;
pub mod audit;
pub mod auth;
pub mod break_glass;
pub mod calendars;
pub mod clinic_resources;
pub mod clinic_sessions;
pub mod complaint_accountability;
pub mod complaint_attachments;
pub mod complaint_edit;
pub mod complaint_refunds;
pub mod complaint_stats;
pub mod complaints;
pub mod consultation_stats;
pub mod consultations;
pub mod contacts;
pub mod customer_access;
pub mod customer_io;
pub mod customer_merge;
pub mod customers;
pub mod departments;
pub mod divisions;
pub mod doctors;
pub mod funnel;
pub mod health;
pub mod import_template;
pub mod in_visit;
pub mod institutions;
pub mod integration;
pub mod notifications;
pub mod party;
pub mod relations;
pub mod sensitive;
pub mod service_times;
pub mod settings;
pub mod tasks;
pub mod timeline;
pub mod totp;
pub mod users;
pub mod visits;
pub mod waitlist;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use hcrm_db::ListWindow;
use hcrm_domain::api::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page};
use hcrm_domain::{NewRecordInstitution, Scope};
use serde::Serialize;

use crate::auth::Caller;
use crate::error::ApiError;

/// the window of a list, checked (limit 1–200, offset ≥ 0).
pub fn window(limit: Option<i64>, offset: Option<i64>) -> Result<ListWindow, ApiError> {
    let limit = limit.unwrap_or(DEFAULT_PAGE_SIZE);
    let offset = offset.unwrap_or(0);
    if !(1..=MAX_PAGE_SIZE).contains(&limit) {
        return Err(ApiError::field(
            "limit",
            "range",
            "must be between 1 and 200",
        ));
    }
    if offset < 0 {
        return Err(ApiError::field("offset", "range", "must not be negative"));
    }
    Ok(ListWindow { limit, offset })
}

pub fn page<T>((items, total): (Vec<T>, i64), w: ListWindow) -> Page<T> {
    Page {
        items,
        total,
        total_capped: false,
        limit: w.limit,
        offset: w.offset,
    }
}

/// A sort parameter `field` or `-field` (descending), checked against the allowed fields.
pub fn sort<S: Copy>(
    raw: Option<&str>,
    allowed: &[(&str, S)],
    default: S,
) -> Result<(S, bool), ApiError> {
    let Some(raw) = raw.filter(|s| !s.is_empty()) else {
        return Ok((default, false));
    };
    let (name, desc) = raw.strip_prefix('-').map_or((raw, false), |n| (n, true));
    allowed
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, s)| (*s, desc))
        .ok_or_else(|| {
            let names: Vec<&str> = allowed.iter().map(|(n, _)| *n).collect();
            ApiError::field(
                "sort",
                "invalid_sort",
                &format!(
                    "must be one of {} (prefix - for descending)",
                    names.join(", ")
                ),
            )
        })
}

/// the version the client read, from `If-Match: "3"` or the body's `version`.
pub fn expected_version(req: &HttpRequest, body_version: Option<i32>) -> Result<i32, ApiError> {
    if let Some(v) = req.headers().get(header::IF_MATCH) {
        let raw = v.to_str().unwrap_or_default().trim();
        let raw = raw.strip_prefix("W/").unwrap_or(raw).trim_matches('"');
        return raw.parse().map_err(|_| {
            ApiError::field(
                "If-Match",
                "if_match",
                "must be the record's version, e.g. \"3\"",
            )
        });
    }
    body_version.ok_or(ApiError::PreconditionRequired)
}

/// 200 with the record and its version as the ETag.
pub fn versioned<T: Serialize>(record: &T, version: i32) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::ETAG, format!("\"{version}\"")))
        .json(record)
}

pub fn created<T: Serialize>(record: &T, version: i32) -> HttpResponse {
    HttpResponse::Created()
        .insert_header((header::ETAG, format!("\"{version}\"")))
        .json(record)
}

/// One versioned change of a record with its audit entry, inside the caller's
/// write transaction. `version` is the one the client read; actions that need none (such as
/// deactivate) pass `None` and the current version is read with `current`.
pub fn audited_change<T: hcrm_db::audit::Audited>(
    c: &mut hcrm_db::DbConn,
    caller: &Caller,
    action: hcrm_db::audit::Action,
    version: Option<i32>,
    current: impl FnOnce(&mut hcrm_db::DbConn) -> Result<i32, hcrm_db::DbError>,
    change: impl FnOnce(&mut hcrm_db::DbConn, i32) -> Result<(T, T), hcrm_db::DbError>,
) -> Result<T, ApiError> {
    let version = match version {
        Some(v) => v,
        None => current(c)?,
    };
    let (before, after) = change(c, version)?;
    caller.record(c, hcrm_db::audit::Entry::changed(action, &before, &after))?;
    Ok(after)
}

/// The institution of a new record, by hcrm-domain's rule ([`Scope::institution_for_new`]),
/// looked up so that it exists: an institution out of the caller's reach or unknown is 422
/// `bad_reference` on `institution_id` (one answer for both, X-4); none chosen when the
/// caller must choose is `required`.
pub fn institution_for_new(
    c: &mut hcrm_db::DbConn,
    scope: &Scope,
    asked: Option<uuid::Uuid>,
) -> Result<uuid::Uuid, ApiError> {
    let no_such = || ApiError::field("institution_id", "bad_reference", "no such institution");
    match scope.institution_for_new(asked) {
        Ok(i) => {
            hcrm_db::institutions::get(c, scope, i).map_err(|e| match e {
                hcrm_db::DbError::NotFound => no_such(),
                other => other.into(),
            })?;
            Ok(i)
        }
        Err(NewRecordInstitution::OutOfReach) => Err(no_such()),
        Err(NewRecordInstitution::Required) => Err(ApiError::field(
            "institution_id",
            "required",
            "choose the institution",
        )),
    }
}
