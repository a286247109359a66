//! 每日统计 (SVC-1, seed 004 "做好客户的咨询、预约就诊的登记工作,并每日统计"): the
//! consultations received in a day or a period by agent, channel, department and day, as JSON
//! or CSV. Scoped like every read: a caller counts only their institutions' consultations.

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use hcrm_domain::api::complaint_stats::{Period, day_start};
use hcrm_domain::api::consultation_stats::{
    ConsultationStatistics, roll_up, sheet_header, sheet_rows,
};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::auth::{Authz, perm};
use crate::csv_file::CsvFile;
use crate::error::ApiError;
use crate::handlers::complaint_stats::lang_of;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// One day, `2026-12-08` (default today); or give `month`, or `from` and `to`.
    date: Option<String>,
    /// A month, `2026-12`.
    month: Option<String>,
    /// First day, in each institution's time zone.
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

/// 咨询每日统计 (SVC-1): the consultations received in the period — one day by default
/// (today), a `date`, a `month` or `from`/`to` — in whole days of each institution's time
/// zone, by owner (首问负责人), channel, department and day: received, open, closed, each
/// outcome and the referrals. A caller of several institutions counts them together;
/// `institution_id` narrows to one (another's is 404).
#[utoipa::path(tag = "consultations", operation_id = "get_consultation_statistics", security(("bearer" = [])),
    params(StatsQuery),
    responses(
        (status = 200, description = "the statistics; as CSV an attachment `consultation-statistics-YYYYMMDD-YYYYMMDD.csv`",
            content(
                (ConsultationStatistics = "application/json"),
                (crate::contract::FileBytes = "text/csv"),
            )),
        crate::contract::ListErrors<perm::ServiceRead>,
        (status = 404, description = "`institution_id` is not an institution the caller sees", body = hcrm_domain::api::Problem, content_type = "application/problem+json"),
    ))]
#[get("/consultations/statistics")]
pub async fn statistics(
    auth: Authz<perm::ServiceRead>,
    state: web::Data<AppState>,
    query: web::Query<StatsQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let lang = lang_of(q.lang.as_deref())?;
    let csv = crate::handlers::complaint_stats::csv_wanted(q.format.as_deref())?;
    let scope = auth.caller.scope();
    let only = q.institution_id;
    let stats = state
        .db(move |c| {
            let institutions = hcrm_db::complaint_stats::institutions(c, &scope, only)?;
            let zone = institutions
                .first()
                .map_or(hcrm_domain::time::HOME_TIME_ZONE.name(), |i| i.2.as_str())
                .to_string();
            let today = hcrm_domain::time::today_in(&zone);
            let period = match (&q.date, &q.month, &q.from, &q.to) {
                (Some(d), None, None, None) => {
                    let day =
                        chrono::NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").map_err(|_| {
                            ApiError::field("date", "invalid", "a day is written YYYY-MM-DD")
                        })?;
                    Period { from: day, to: day }
                }
                (Some(_), _, _, _) => {
                    return Err(ApiError::field(
                        "date",
                        "conflict",
                        "give a date, a month, or from and to",
                    ));
                }
                (None, None, None, None) => Period {
                    from: today,
                    to: today,
                },
                (None, m, f, t) => Period::parse(m.as_deref(), f.as_deref(), t.as_deref(), today)
                    .map_err(ApiError::Validation)?,
            };
            // Each zone's institutions are read with that zone's day bounds.
            let mut by_zone: std::collections::BTreeMap<String, Vec<Uuid>> = Default::default();
            for (id, _, z) in &institutions {
                by_zone.entry(z.clone()).or_default().push(*id);
            }
            let mut rows = Vec::new();
            for (zone, ids) in by_zone {
                let from = day_start(period.from, &zone).naive_utc();
                let before = day_start(period.to + chrono::TimeDelta::days(1), &zone).naive_utc();
                rows.extend(hcrm_db::consultations::stat_rows(
                    c, &ids, from, before, &zone,
                )?);
            }
            Ok(roll_up(period, only, &rows))
        })
        .await?;
    if !csv {
        return Ok(HttpResponse::Ok().json(stats));
    }
    let disposition = format!(
        "attachment; filename=\"consultation-statistics-{}-{}.csv\"",
        stats.period.from.format("%Y%m%d"),
        stats.period.to.format("%Y%m%d")
    );
    let body = web::block(move || {
        let mut file = CsvFile::new();
        file.row(sheet_header(lang))?;
        for row in sheet_rows(&stats, lang) {
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
