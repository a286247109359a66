//! ORG-3: the business calendars every deadline is counted on — view, change the working
//! hours and rest days, import and export a year of holidays and make-up working days (CSV),
//! and check what a period comes to.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};
use chrono::{DateTime, Datelike, FixedOffset, NaiveDateTime, TimeDelta, TimeZone, Utc};
use hcrm_db::audit::{Action, Entry};
use hcrm_db::calendars as store;
use hcrm_domain::api::calendars::{
    CalendarCheck, CalendarDetail, CalendarSummary, CalendarUpdate, MAX_YEAR, MIN_YEAR,
};
use hcrm_domain::api::import::CSV_CONTENT_TYPE;
use hcrm_domain::api::{FieldError, Page, Problem};
use hcrm_domain::calendar::{self, year_file};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::{Authz, perm};
use crate::body::JsonBody;
use crate::csv_file::CsvFile;
use crate::error::ApiError;
use crate::handlers::customer_io::read_limited;
use crate::handlers::{expected_version, page, versioned, window};
use crate::state::AppState;

/// Largest year file an import takes: a year has at most 366 lines of a few dozen bytes.
pub const MAX_YEAR_FILE_BYTES: usize = 64 * 1024;
/// Longest notice title and document number, in characters.
const MAX_NOTICE_CHARS: usize = 200;
const MAX_DOCUMENT_NUMBER_CHARS: usize = 60;
/// Most working days or hours a check adds.
const MAX_CHECK_DAYS: u32 = 366;
const MAX_CHECK_HOURS: u32 = 3000;

fn check_year(year: i32) -> Result<i32, ApiError> {
    if (MIN_YEAR..=MAX_YEAR).contains(&year) {
        Ok(year)
    } else {
        Err(ApiError::field(
            "year",
            "range",
            &format!("must be between {MIN_YEAR} and {MAX_YEAR}"),
        ))
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// 1–200, default 50.
    limit: Option<i64>,
    offset: Option<i64>,
}

/// The calendars of the caller's institutions, by institution code: working hours, rest days
/// and every year with special days (shipped or imported) with its notice.
#[utoipa::path(tag = "calendars", operation_id = "list_calendars", security(("bearer" = [])),
    params(ListQuery),
    responses(
        (status = 200, body = Page<CalendarSummary>),
        crate::contract::ListErrors<perm::CalendarRead>,
    ))]
#[get("/calendars")]
pub async fn list(
    auth: Authz<perm::CalendarRead>,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let w = window(q.limit, q.offset)?;
    let scope = auth.caller.scope();
    let result = state.db(move |c| Ok(store::list(c, &scope, w)?)).await?;
    Ok(HttpResponse::Ok().json(page(result, w)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct GetQuery {
    /// The year whose days to show (2000–2100); default this year in the institution's zone.
    #[param(example = 2026)]
    year: Option<i32>,
}

/// One institution's calendar with the holidays and make-up working days of a year; 404 for
/// an institution not among the caller's.
#[utoipa::path(tag = "calendars", operation_id = "get_calendar", security(("bearer" = [])),
    params(("institution_id" = Uuid, Path), GetQuery),
    responses(
        (status = 200, body = CalendarDetail, headers(("ETag" = String, description = "the version, for If-Match"))),
        crate::contract::ReadErrors<perm::CalendarRead>,
        crate::contract::QueryErrors,
    ))]
#[get("/calendars/{institution_id}")]
pub async fn get(
    auth: Authz<perm::CalendarRead>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: web::Query<GetQuery>,
) -> Result<HttpResponse, ApiError> {
    let year = query.into_inner().year.map(check_year).transpose()?;
    let (id, scope) = (id.into_inner(), auth.caller.scope());
    let detail = state
        .db(move |c| Ok(store::get(c, &scope, id, year)?))
        .await?;
    Ok(versioned(&detail, detail.version))
}

/// The problems of hours and rest days that make no calendar, as field errors.
fn calendar_problem(e: &calendar::CalendarError) -> ApiError {
    let (field, message) = match e {
        calendar::CalendarError::NoWorkingHours => ("hours", "give at least one interval"),
        calendar::CalendarError::InvalidInterval(_) => {
            ("hours", "an interval must end after it starts")
        }
        calendar::CalendarError::OverlappingIntervals(..) => {
            ("hours", "intervals must be in order and must not overlap")
        }
        calendar::CalendarError::NoWorkingWeekday => {
            ("rest_days", "at least one day of the week must be worked")
        }
        calendar::CalendarError::RepeatedDate(_)
        | calendar::CalendarError::MakeupOnWorkingWeekday(_) => (
            "rest_days",
            "these rest days do not fit the calendar's days",
        ),
    };
    ApiError::field(field, e.code(), message)
}

/// Change the working hours (several intervals a day) and weekly rest days of an institution's
/// calendar. Send the version read in `If-Match` (or as `version`); a calendar never changed
/// is version `"0"`. Deadlines computed from now on use the new hours.
#[utoipa::path(tag = "calendars", operation_id = "update_calendar", security(("bearer" = [])),
    params(("institution_id" = Uuid, Path), crate::contract::IfMatch),
    request_body = CalendarUpdate,
    responses(
        (status = 200, body = CalendarDetail, headers(("ETag" = String, description = "the new version"))),
        crate::contract::UpdateErrors<perm::CalendarWrite>,
    ))]
#[put("/calendars/{institution_id}")]
pub async fn update(
    auth: Authz<perm::CalendarWrite>,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: JsonBody<CalendarUpdate>,
) -> Result<HttpResponse, ApiError> {
    let body = body.valid()?;
    let version = expected_version(&req, body.version)?;
    let (id, caller) = (id.into_inner(), auth.caller);
    let weekdays: Vec<chrono::Weekday> = body.rest_days.iter().map(|d| d.weekday()).collect();
    calendar::assemble(
        hcrm_domain::time::zone("Asia/Shanghai"),
        body.hours.clone(),
        &weekdays,
        &Default::default(),
    )
    .map_err(|e| calendar_problem(&e))?;
    let detail = state
        .write(move |c| {
            let scope = caller.scope();
            let (before, after) =
                store::update(c, &scope, id, version, &body.hours, &body.rest_days)?;
            caller.record(
                c,
                Entry::of(
                    Action::Update,
                    "calendar",
                    Some(id.to_string()),
                    Some(id),
                    hcrm_domain::api::audit::changes(Some(&before), Some(&after)),
                ),
            )?;
            Ok(store::get(c, &scope, id, None)?)
        })
        .await?;
    Ok(versioned(&detail, detail.version))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// The notice the days come from, as its title reads (1–200 characters).
    #[param(example = "国务院办公厅关于2027年部分节假日安排的通知")]
    notice: String,
    /// Its document number, if any (up to 60 characters).
    #[param(example = "国办发明电〔2026〕7号")]
    document_number: Option<String>,
}

fn line_errors(problems: Vec<year_file::LineProblem>) -> ApiError {
    ApiError::Validation(
        problems
            .into_iter()
            .map(|p| FieldError {
                field: format!("lines[{}].{}", p.line, p.field),
                code: p.code.to_string(),
                message: p.message,
            })
            .collect(),
    )
}

/// A one-line text of 1 to `max` characters, checked as every name is.
fn short_text(field: &str, text: &str, max: usize) -> Result<String, ApiError> {
    let text = hcrm_domain::validation::nfc(text.trim()).into_owned();
    if hcrm_domain::validation::is_blank(&text) {
        return Err(ApiError::field(field, "required", "must not be blank"));
    }
    if text.chars().count() > max {
        return Err(ApiError::field(
            field,
            "length",
            &format!("at most {max} characters"),
        ));
    }
    hcrm_domain::validation::line(&text).map_err(|e| {
        ApiError::field(
            field,
            &e.code,
            &e.message.map(|m| m.to_string()).unwrap_or_default(),
        )
    })?;
    Ok(text)
}

/// Import a year's holidays and make-up working days from a CSV file, replacing that year of
/// the institution's calendar (the shipped official year too) — all or nothing. The file:
/// UTF-8 (a byte-order mark is fine), lines starting with `#` ignored, the header
/// `date,kind,name` (or `日期,类型,名称`), then one line a day: `2027-02-06,holiday,春节`;
/// kinds `holiday` / `makeup_workday` (or `法定节假日`/`休`, `调休上班`/`班`). Every date must be
/// in the year, once; a make-up working day must fall on one of the calendar's rest days.
/// Every problem is listed in `errors` with its line (`lines[5].date`), and nothing changes.
/// At most 64 KB; larger gets 413 at once.
#[utoipa::path(tag = "calendars", operation_id = "import_calendar_year", security(("bearer" = [])),
    params(("institution_id" = Uuid, Path), ("year" = i32, Path, minimum = 2000, maximum = 2100), ImportQuery, crate::contract::IdempotencyKey),
    request_body(description = "the year's file, at most 64 KB: the file alone, or the `file` part of a form", content(
        (crate::contract::FileBytes = "text/csv"),
        (crate::contract::FileUpload = "multipart/form-data"),
    )),
    responses(
        (status = 200, description = "the calendar with the imported year", body = CalendarDetail),
        crate::contract::ReadErrors<perm::CalendarWrite>,
        (status = 400, description = "a malformed query string (`invalid_query`), or a form that cannot be read (`malformed_multipart`)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "the file is larger than 64 KB (`payload_too_large`)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "not text/csv, alone or as the form's `file` part (`unsupported_media_type`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "a year outside 2000–2100, a blank notice, a file that is not UTF-8, or lines with problems, each in `errors` as `lines[N].date|kind|name|line` (`validation`)", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/calendars/{institution_id}/years/{year}/import")]
pub async fn import(
    auth: Authz<perm::CalendarWrite>,
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(Uuid, i32)>,
    query: web::Query<ImportQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let (id, year) = path.into_inner();
    let caller = auth.caller;
    let is_csv = |t: &str| {
        t.split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .eq_ignore_ascii_case(CSV_CONTENT_TYPE)
    };
    let bytes = match crate::multipart::boundary(&req) {
        Some(boundary) => {
            let limit = MAX_YEAR_FILE_BYTES + crate::multipart::ENVELOPE_BYTES;
            let form = read_limited(&req, payload, limit).await?;
            let file = crate::multipart::part(&form, &boundary, "file", MAX_YEAR_FILE_BYTES)?;
            if !file.media_type().as_deref().is_some_and(is_csv) {
                return Err(unsupported());
            }
            file.bytes
        }
        None => {
            let declared = req
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok());
            if !declared.is_some_and(is_csv) {
                return Err(unsupported());
            }
            read_limited(&req, payload, MAX_YEAR_FILE_BYTES).await?
        }
    };
    let year = check_year(year)?;
    let q = query.into_inner();
    let notice = short_text("notice", &q.notice, MAX_NOTICE_CHARS)?;
    let document_number = q
        .document_number
        .filter(|d| !d.trim().is_empty())
        .map(|d| short_text("document_number", &d, MAX_DOCUMENT_NUMBER_CHARS))
        .transpose()?;
    let text = String::from_utf8(bytes)
        .map_err(|_| ApiError::field("file", "not_utf8", "the file must be UTF-8 text"))?;
    let detail = state
        .write(move |c| {
            let scope = caller.scope();
            let rest = store::rest_days(c, &scope, id)?;
            let days = year_file::parse(&text, year, &rest).map_err(line_errors)?;
            let before = store::replace_year(
                c,
                &scope,
                id,
                year,
                &notice,
                document_number.as_deref(),
                &days,
                caller.principal.id,
            )?;
            caller.record(
                c,
                Entry::of(
                    Action::Import,
                    "calendar",
                    Some(id.to_string()),
                    Some(id),
                    serde_json::json!({
                        "year": year, "notice": notice, "document_number": document_number,
                        "days": days.len(), "replaced_days": before,
                    }),
                ),
            )?;
            Ok(store::get(c, &scope, id, Some(year))?)
        })
        .await?;
    Ok(versioned(&detail, detail.version))
}

fn unsupported() -> ApiError {
    ApiError::UnsupportedMediaType
}

/// Export a year of an institution's calendar as the CSV file the import reads (UTF-8 with a
/// byte-order mark): `date,kind,name`, one line a day — the imported year, or the shipped one.
#[utoipa::path(tag = "calendars", operation_id = "export_calendar_year", security(("bearer" = [])),
    params(("institution_id" = Uuid, Path), ("year" = i32, Path, minimum = 2000, maximum = 2100)),
    responses(
        (status = 200, description = "the file, as an attachment `calendar-BJ01-2026.csv`",
            headers(("Content-Disposition" = String, description = "attachment; filename=\"calendar-BJ01-2026.csv\"")),
            content((crate::contract::FileBytes = "text/csv"))),
        crate::contract::ReadErrors<perm::CalendarRead>,
        (status = 422, description = "a year outside 2000–2100 (`validation`)", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/calendars/{institution_id}/years/{year}/export")]
pub async fn export(
    auth: Authz<perm::CalendarRead>,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, i32)>,
) -> Result<HttpResponse, ApiError> {
    let (id, year) = path.into_inner();
    let year = check_year(year)?;
    let scope = auth.caller.scope();
    let detail = state
        .db(move |c| Ok(store::get(c, &scope, id, Some(year))?))
        .await?;
    let mut file = CsvFile::new();
    for line in year_file::lines(&detail.days) {
        file.row(line)?;
    }
    let bytes = file.finish()?;
    let name = format!("calendar-{}-{year}.csv", detail.institution.code);
    Ok(HttpResponse::Ok()
        .content_type(format!("{CSV_CONTENT_TYPE}; charset=utf-8"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .body(bytes))
}

/// Remove an imported year from an institution's calendar: the shipped official schedule of
/// that year applies again (or, for a year not shipped, the weekly rest days alone). 404 when
/// the year was not imported.
#[utoipa::path(tag = "calendars", operation_id = "reset_calendar_year", security(("bearer" = [])),
    params(("institution_id" = Uuid, Path), ("year" = i32, Path, minimum = 2000, maximum = 2100)),
    responses(
        (status = 200, description = "the calendar with that year as it is now", body = CalendarDetail),
        crate::contract::ActionErrors<perm::CalendarWrite>,
        (status = 422, description = "a year outside 2000–2100 (`validation`)", body = Problem, content_type = "application/problem+json"),
    ))]
#[delete("/calendars/{institution_id}/years/{year}")]
pub async fn reset_year(
    auth: Authz<perm::CalendarWrite>,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, i32)>,
) -> Result<HttpResponse, ApiError> {
    let (id, year) = path.into_inner();
    let year = check_year(year)?;
    let caller = auth.caller;
    let detail = state
        .write(move |c| {
            let scope = caller.scope();
            store::reset_year(c, &scope, id, year)?;
            caller.record(
                c,
                Entry::of(
                    Action::Delete,
                    "calendar",
                    Some(id.to_string()),
                    Some(id),
                    serde_json::json!({"year": year}),
                ),
            )?;
            Ok(store::get(c, &scope, id, Some(year))?)
        })
        .await?;
    Ok(versioned(&detail, detail.version))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CheckQuery {
    /// The instant the period starts (RFC 3339, in 2000–2100); default now.
    #[param(value_type = Option<String>, example = "2026-02-13T10:00:00+08:00")]
    start: Option<DateTime<FixedOffset>>,
    /// Or the start as a local time of the institution's time zone (`2026-02-13T10:00`).
    #[param(value_type = Option<String>, example = "2026-02-13T10:00")]
    start_local: Option<NaiveDateTime>,
    /// Working days to add (0–366): the day of the start is not counted, the period ends at
    /// the close of business of the last one. Give this or `working_hours`.
    #[param(example = 3)]
    working_days: Option<u32>,
    /// Working hours to add (0–3000), counting only the working intervals of working days.
    working_hours: Option<u32>,
}

/// What a period comes to on an institution's calendar — the deadline of `working_days` or
/// `working_hours` from `start`, the working days counted and the working time in between —
/// computed exactly as the deadlines of complaints are, so that a person can check the
/// calendar.
#[utoipa::path(tag = "calendars", operation_id = "check_calendar", security(("bearer" = [])),
    params(("institution_id" = Uuid, Path), CheckQuery),
    responses(
        (status = 200, body = CalendarCheck),
        crate::contract::ReadErrors<perm::CalendarRead>,
        crate::contract::QueryErrors,
    ))]
#[get("/calendars/{institution_id}/check")]
pub async fn check(
    auth: Authz<perm::CalendarRead>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: web::Query<CheckQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    match (q.working_days, q.working_hours) {
        (Some(_), Some(_)) | (None, None) => {
            return Err(ApiError::field(
                "working_days",
                "one_of",
                "give working_days or working_hours, not both",
            ));
        }
        (Some(d), None) if d > MAX_CHECK_DAYS => {
            return Err(ApiError::field("working_days", "range", "0 to 366"));
        }
        (None, Some(h)) if h > MAX_CHECK_HOURS => {
            return Err(ApiError::field("working_hours", "range", "0 to 3000"));
        }
        _ => {}
    }
    let out_of_range = || ApiError::field("start", "range", "a start in 2000 to 2100");
    let year = match (q.start, q.start_local) {
        (Some(_), Some(_)) => {
            return Err(ApiError::field(
                "start",
                "one_of",
                "give start or start_local, not both",
            ));
        }
        (Some(t), None) => t.year(),
        (None, Some(t)) => t.year(),
        (None, None) => MIN_YEAR,
    };
    if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
        return Err(out_of_range());
    }
    let (id, scope) = (id.into_inner(), auth.caller.scope());
    let calendar = state
        .db(move |c| {
            hcrm_db::institutions::get(c, &scope, id)?;
            Ok(hcrm_db::calendars::calendar_of(c, id)?)
        })
        .await?;
    let start = match (q.start, q.start_local) {
        (Some(t), _) => t.with_timezone(&Utc),
        // A local time a clock change skips is read as the first valid time after it.
        (None, Some(local)) => (0..180)
            .find_map(|m| {
                calendar
                    .zone()
                    .from_local_datetime(&(local + TimeDelta::minutes(m)))
                    .earliest()
            })
            .ok_or_else(out_of_range)?
            .with_timezone(&Utc),
        (None, None) => Utc::now(),
    };
    let (deadline, counted_days) = match (q.working_days, q.working_hours) {
        (Some(n), _) => (
            calendar.add_working_days(start, n),
            calendar.working_days_after(start, n),
        ),
        (_, Some(h)) => (calendar.add_working_hours(start, h), Vec::new()),
        (None, None) => (start, Vec::new()),
    };
    let worked: TimeDelta = calendar.working_time_between(start, deadline);
    Ok(HttpResponse::Ok().json(CalendarCheck {
        start,
        start_local: calendar.local_time(start),
        working_days: q.working_days,
        working_hours: q.working_hours,
        deadline,
        deadline_local: calendar.local_time(deadline),
        counted_days,
        working_minutes: worked.num_minutes(),
    }))
}

/// This module's routes (registered in [`crate::modules::MODULES`]).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list)
        .service(get)
        .service(update)
        .service(import)
        .service(export)
        .service(reset_year)
        .service(check);
}
