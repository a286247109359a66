//! 服务漏斗 (SVC-5): consultation → appointment → arrival → spending by channel, department,
//! agent or period, with first and return visits and the revisit rate; JSON or CSV. The
//! counting and attribution are hcrm-domain's (`api::funnel`), the rows hcrm-db's
//! (`visits::funnel`).

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use chrono::{Duration, NaiveDate};
use hcrm_db::visits::funnel::{FunnelQuery, funnel};
use hcrm_domain::Lang;
use hcrm_domain::api::funnel::{
    DEFAULT_WINDOW_DAYS, Funnel, FunnelGroup, FunnelRow, MAX_PERIOD_DAYS, MAX_WINDOW_DAYS,
    csv_header, percent, total_label,
};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::{Authz, perm};
use crate::csv_file::CsvFile;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FunnelParams {
    /// First day of the period (the consultations' dates in their institution's zone);
    /// default: 29 days before `to`.
    from: Option<NaiveDate>,
    /// Last day, included; default today (Beijing); at most 366 days after `from`.
    to: Option<NaiveDate>,
    /// Rows by `channel` (default), `department`, `agent`, `day`, `week` or `month`.
    group_by: Option<FunnelGroup>,
    /// Days after a consultation in which an appointment or visit is its (1–180, default 30).
    window_days: Option<i64>,
    institution_id: Option<Uuid>,
    /// Only consultations of this channel (its code).
    channel: Option<String>,
    department_id: Option<Uuid>,
    agent_id: Option<Uuid>,
    /// `json` (default) or `csv` (UTF-8 with BOM).
    format: Option<String>,
    /// The CSV's header and labels: `zh` (default) or `en`.
    lang: Option<String>,
}

fn csv_row(group: FunnelGroup, r: &FunnelRow, lang: Lang, total: bool) -> Vec<String> {
    let key = if total {
        total_label(lang).to_string()
    } else {
        r.label(group, lang)
    };
    vec![
        key,
        r.consultations.to_string(),
        r.appointments.to_string(),
        r.arrivals.to_string(),
        r.spenders.to_string(),
        r.visits.to_string(),
        r.first_visits.to_string(),
        r.return_visits.to_string(),
        format!("{}.{:02}", r.amount_fen / 100, r.amount_fen % 100),
        percent(r.appointment_rate),
        percent(r.arrival_rate),
        percent(r.spending_rate),
        percent(r.revisit_rate),
    ]
}

/// The funnel of the consultations received in the period in the caller's institutions:
/// how many led to an appointment, an arrival and spending, the visits (first and return),
/// the amount and the rates. An appointment or visit of the customer in the institution within
/// `window_days` after a consultation is that consultation's (the latest one before it).
#[utoipa::path(tag = "visits", operation_id = "get_service_funnel", security(("bearer" = [])),
    params(FunnelParams),
    responses(
        (status = 200, description = "the funnel; as CSV an attachment `service-funnel-YYYYMMDD-YYYYMMDD.csv`",
            content(
                (Funnel = "application/json"),
                (crate::contract::FileBytes = "text/csv"),
            )),
        crate::contract::ListErrors<perm::ServiceRead>,
    ))]
#[get("/funnel")]
pub async fn get(
    auth: Authz<perm::ServiceRead>,
    state: web::Data<AppState>,
    query: web::Query<FunnelParams>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let lang = crate::handlers::complaint_stats::lang_of(q.lang.as_deref())?;
    let csv = crate::handlers::complaint_stats::csv_wanted(q.format.as_deref())?;
    let to = q.to.unwrap_or_else(hcrm_domain::time::today_at_home);
    let from = q.from.unwrap_or(to - Duration::days(29));
    if from > to {
        return Err(ApiError::field("to", "range", "must not be before from"));
    }
    if (to - from).num_days() >= MAX_PERIOD_DAYS {
        return Err(ApiError::field("to", "range", "at most 366 days"));
    }
    let window_days = q.window_days.unwrap_or(DEFAULT_WINDOW_DAYS);
    if !(1..=MAX_WINDOW_DAYS).contains(&window_days) {
        return Err(ApiError::field("window_days", "range", "1 to 180 days"));
    }
    let group = q.group_by.unwrap_or(FunnelGroup::Channel);
    let fq = FunnelQuery {
        from,
        to,
        group,
        window_days,
        institution_id: q.institution_id,
        channel: q.channel,
        department_id: q.department_id,
        agent_id: q.agent_id,
    };
    let scope = auth.caller.scope();
    let counted = state.db(move |c| Ok(funnel(c, &scope, &fq)?)).await?;
    if !csv {
        return Ok(HttpResponse::Ok().json(counted));
    }
    let disposition = format!(
        "attachment; filename=\"service-funnel-{}-{}.csv\"",
        from.format("%Y%m%d"),
        to.format("%Y%m%d")
    );
    let body = web::block(move || {
        let mut file = CsvFile::new();
        file.row(csv_header(lang, group))?;
        for r in &counted.rows {
            file.row(csv_row(group, r, lang, false))?;
        }
        file.row(csv_row(group, &counted.total, lang, true))?;
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
    cfg.service(get);
}
