//! 限时服务 — SVC-6: the service time limits of seed 004 九 as a setting, the times measured
//! against them, and the report of met and missed per target over a period (JSON or CSV).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use chrono::{NaiveDate, TimeDelta};
use hcrm_db::audit::{Action, Entry};
use hcrm_db::service_times::{self as store, Filter, NewServiceTime};
use hcrm_domain::api::Page;
use hcrm_domain::api::complaint_stats::Period;
use hcrm_domain::api::service_times::{
    ServiceTarget, ServiceTime, ServiceTimeCreate, ServiceTimeLimits, ServiceTimeReport, report,
    sheet,
};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::{Authz, perm};
use crate::body::JsonBody;
use crate::csv_file::CsvFile;
use crate::error::{ApiError, check_fields};
use crate::handlers::complaint_stats::lang_of;
use crate::handlers::tasks::require_staff;
use crate::handlers::{expected_version, page, party, window};
use crate::state::AppState;

/// The service time limits in force (seed 004 九: window queue ≤ 10 min, outpatient wait ≤
/// 30 min, ultrasound report ≤ 30 min, imaging ≤ 2 h, pathology ≤ 3 days …; the doctor's time
/// with the patient ≥ 8 min) and the version to send when changing them. Every staff role
/// reads them.
#[utoipa::path(tag = "settings", operation_id = "get_service_time_limits", security(("bearer" = [])),
    responses(
        (status = 200, body = ServiceTimeLimits),
        crate::contract::Forbidden<perm::InstitutionRead>,
    ))]
#[get("/settings/service-time-limits")]
pub async fn get_limits(
    _auth: Authz<perm::InstitutionRead>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (limits, version) = state.db(|c| Ok(store::limits_versioned(c)?)).await?;
    Ok(HttpResponse::Ok().json(ServiceTimeLimits {
        limits,
        version: Some(version),
    }))
}

/// Change the service time limits (admin): the targets named get their new limit (1 minute
/// to 30 days), the others keep theirs. Times recorded before keep the limit they were
/// measured against.
#[utoipa::path(tag = "settings", operation_id = "update_service_time_limits", security(("bearer" = [])),
    params(crate::contract::IfMatch),
    request_body = ServiceTimeLimits,
    responses(
        (status = 200, body = ServiceTimeLimits),
        crate::contract::ChangeErrors<perm::SettingWrite>,
    ))]
#[put("/settings/service-time-limits")]
pub async fn put_limits(
    auth: Authz<perm::SettingWrite>,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: JsonBody<ServiceTimeLimits>,
) -> Result<HttpResponse, ApiError> {
    let body = body.parsed()?;
    check_fields(body.invalid_fields())?;
    let version = expected_version(&req, body.version)?;
    let caller = auth.caller;
    let saved = state
        .write(move |c| {
            let (before, _) = store::limits_versioned(c)?;
            let mut after = before.clone();
            for l in &body.limits {
                if let Some(x) = after.iter_mut().find(|x| x.target == l.target) {
                    x.minutes = l.minutes;
                }
            }
            let value = serde_json::to_value(&after).map_err(|_| ApiError::Internal)?;
            let v = hcrm_db::settings::put(c, store::SETTING, &value, version)?;
            let changes = hcrm_domain::api::audit::changes(Some(&before), Some(&after));
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
            Ok(ServiceTimeLimits {
                limits: after,
                version: Some(v),
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(saved))
}

/// 记录服务时间 (SVC-6): a measured time (a wait, a report's turnaround) against a target, on
/// a day (default today in the institution's zone; not in the future nor over a year back),
/// for a customer of the caller's institutions or none. It keeps the limit in force now and
/// whether it met it.
#[utoipa::path(tag = "service_times", operation_id = "create_service_time", security(("bearer" = [])),
    params(crate::contract::IdempotencyKey),
    request_body = ServiceTimeCreate,
    responses(
        (status = 201, body = ServiceTime),
        crate::contract::CreateErrors<perm::ServiceWrite>,
    ))]
#[post("/service-times")]
pub async fn create(
    auth: Authz<perm::ServiceWrite>,
    state: web::Data<AppState>,
    body: JsonBody<ServiceTimeCreate>,
) -> Result<HttpResponse, ApiError> {
    let caller = auth.caller;
    require_staff(&caller)?;
    let x = body.valid()?;
    let recorded = state
        .write(move |c| {
            let scope = caller.scope();
            let institution = party::institution_for(c, &scope, x.customer_id, x.institution_id)?;
            let today = hcrm_db::institutions::today_of(c, institution)?;
            let day = x.occurred_on.unwrap_or(today);
            if day > today {
                return Err(ApiError::field(
                    "occurred_on",
                    "future",
                    "must not be in the future",
                ));
            }
            if day < today - TimeDelta::days(366) {
                return Err(ApiError::field(
                    "occurred_on",
                    "range",
                    "must be within the last year",
                ));
            }
            let recorded = store::create(
                c,
                NewServiceTime {
                    institution_id: institution,
                    target: x.target,
                    customer_id: x.customer_id,
                    occurred_on: day,
                    minutes: x.minutes,
                    note: x.note,
                    recorded_by: caller.principal.id,
                },
            )?;
            caller.record(c, Entry::created(&recorded))?;
            Ok(recorded)
        })
        .await?;
    Ok(HttpResponse::Created().json(recorded))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    institution_id: Option<Uuid>,
    target: Option<ServiceTarget>,
    customer_id: Option<Uuid>,
    /// Only met (`true`) or missed (`false`).
    met: Option<bool>,
    /// First day, included.
    from: Option<NaiveDate>,
    /// Last day, included.
    to: Option<NaiveDate>,
    /// 1–200, default 50.
    limit: Option<i64>,
    offset: Option<i64>,
}

/// The recorded service times of the caller's institutions, the latest day first.
#[utoipa::path(tag = "service_times", operation_id = "list_service_times", security(("bearer" = [])),
    params(ListQuery),
    responses(
        (status = 200, body = Page<ServiceTime>),
        crate::contract::ListErrors<perm::ServiceRead>,
    ))]
#[get("/service-times")]
pub async fn list(
    auth: Authz<perm::ServiceRead>,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let w = window(q.limit, q.offset)?;
    if let (Some(from), Some(to)) = (q.from, q.to)
        && from > to
    {
        return Err(ApiError::field("to", "range", "must not be before from"));
    }
    let filter = Filter {
        institution_id: q.institution_id,
        target: q.target,
        customer_id: q.customer_id,
        met: q.met,
        from: q.from,
        to: q.to,
    };
    let scope = auth.caller.scope();
    let result = state
        .db(move |c| Ok(store::list(c, &scope, &filter, w)?))
        .await?;
    Ok(HttpResponse::Ok().json(page(result, w)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// A month, `2026-12`; or give `from` and `to`. Neither: the current month.
    month: Option<String>,
    from: Option<String>,
    /// Last day, included; at most three years after `from`.
    to: Option<String>,
    /// Only this institution (one the caller sees, else 404).
    institution_id: Option<Uuid>,
    /// `json` (default) or `csv` (UTF-8 with BOM).
    format: Option<String>,
    /// The CSV's header and labels in `zh` (default) or `en`.
    lang: Option<String>,
}

/// 限时服务达标情况 (SVC-6): per target the times recorded in the period, met and missed (each
/// against the limit in force when it was recorded), the rate, the mean and the worst, beside
/// the limit in force now.
#[utoipa::path(tag = "service_times", operation_id = "get_service_time_report", security(("bearer" = [])),
    params(ReportQuery),
    responses(
        (status = 200, description = "the report; as CSV an attachment `service-times-YYYYMMDD-YYYYMMDD.csv`",
            content(
                (ServiceTimeReport = "application/json"),
                (crate::contract::FileBytes = "text/csv"),
            )),
        crate::contract::ListErrors<perm::ServiceRead>,
        (status = 404, description = "`institution_id` is not an institution the caller sees", body = hcrm_domain::api::Problem, content_type = "application/problem+json"),
    ))]
#[get("/service-times/report")]
pub async fn time_report(
    auth: Authz<perm::ServiceRead>,
    state: web::Data<AppState>,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let lang = lang_of(q.lang.as_deref())?;
    let csv = crate::handlers::complaint_stats::csv_wanted(q.format.as_deref())?;
    let scope = auth.caller.scope();
    let only = q.institution_id;
    let result = state
        .db(move |c| {
            let institutions = hcrm_db::complaint_stats::institutions(c, &scope, only)?;
            let zone = institutions
                .first()
                .map_or(hcrm_domain::time::HOME_TIME_ZONE.name(), |i| i.2.as_str());
            let today = hcrm_domain::time::today_in(zone);
            let period = Period::parse(
                q.month.as_deref(),
                q.from.as_deref(),
                q.to.as_deref(),
                today,
            )
            .map_err(ApiError::Validation)?;
            let (limits, _) = store::limits_versioned(c)?;
            let rows = store::report_rows(c, &scope, only, period.from, period.to)?;
            Ok(report(period, only, &limits, &rows))
        })
        .await?;
    if !csv {
        return Ok(HttpResponse::Ok().json(result));
    }
    let disposition = format!(
        "attachment; filename=\"service-times-{}-{}.csv\"",
        result.period.from.format("%Y%m%d"),
        result.period.to.format("%Y%m%d")
    );
    let body = web::block(move || {
        let (header, rows) = sheet(&result, lang);
        let mut file = CsvFile::new();
        file.row(header)?;
        for row in rows {
            file.row(row)?;
        }
        file.finish()
    })
    .await??;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((header::CONTENT_DISPOSITION, disposition))
        .body(body))
}

/// This module's routes (registered in [`crate::modules::MODULES`]).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(get_limits)
        .service(put_limits)
        .service(time_report)
        .service(list)
        .service(create);
}
