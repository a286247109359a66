//! 投诉报表 (CMP-8): the complaint statistics table (患者投诉案件统计表) as JSON, CSV or XLSX, and
//! the weekly customer-service opinion form (医院客户服务意见表) as JSON or printable HTML.
//! Scoped like every read (X-6b): a caller counts only the complaints of their institutions;
//! a caller of several sees each and their total. The counting is SQL in
//! `hcrm_db::complaint_stats`, the shaping `hcrm_domain::api::complaint_stats`.

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use hcrm_db::complaint_stats as store;
use hcrm_domain::api::complaint_stats::{
    ComplaintStatistics, OpinionForm, Period, shape, sheet_header, sheet_rows,
};
use hcrm_domain::{Lang, Permission, Scope};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::{Authz, perm};
use crate::csv_file::CsvFile;
use crate::error::ApiError;
use crate::handlers::customer_io::Workbook;
use crate::state::AppState;

/// A report's `lang`: zh (the default) or en.
pub(crate) fn lang_of(text: Option<&str>) -> Result<Lang, ApiError> {
    match text {
        None | Some("zh") | Some("zh-CN") => Ok(Lang::Zh),
        Some("en") => Ok(Lang::En),
        Some(_) => Err(ApiError::field("lang", "invalid", "must be zh or en")),
    }
}

/// A JSON-or-CSV report's `format`: whether the sheet is asked for.
pub(crate) fn csv_wanted(format: Option<&str>) -> Result<bool, ApiError> {
    match format {
        None | Some("json") => Ok(false),
        Some("csv") => Ok(true),
        Some(_) => Err(ApiError::field(
            "format",
            "unknown_value",
            "format is json or csv",
        )),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// A month, `2026-12`; or give `from` and `to`. Neither: the current month.
    month: Option<String>,
    /// First day, `2026-12-01`, in each institution's time zone.
    from: Option<String>,
    /// Last day, included; at most three years after `from`.
    to: Option<String>,
    /// Only this institution (one the caller sees, else 404).
    institution_id: Option<Uuid>,
    /// `json` (default), `csv` (UTF-8 with BOM) or `xlsx`.
    format: Option<String>,
    /// Labels and the sheet's header in `zh` (default) or `en`.
    lang: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StatsFormat {
    Json,
    Csv,
    Xlsx,
}

fn write_xlsx(header: &[&str], rows: &[Vec<String>], lang: Lang) -> Result<Vec<u8>, ApiError> {
    let fail = |e: rust_xlsxwriter::XlsxError| {
        log::error!("xlsx statistics: {e}");
        ApiError::Internal
    };
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet
        .set_name(lang.pick("投诉统计", "Complaint statistics"))
        .map_err(fail)?;
    for (col, text) in header.iter().enumerate() {
        sheet.write_string(0, col as u16, *text).map_err(fail)?;
    }
    for (i, row) in rows.iter().enumerate() {
        for (col, text) in row.iter().enumerate() {
            let (r, c) = (i as u32 + 1, col as u16);
            // Names (columns 0–2) stay text whatever they look like; counts are numbers.
            match text.parse::<f64>() {
                Ok(n) if col > 2 => sheet.write_number(r, c, n).map_err(fail)?,
                _ if text.is_empty() => sheet,
                _ => sheet.write_string(r, c, text).map_err(fail)?,
            };
        }
    }
    book.save_to_buffer().map_err(fail)
}

/// 患者投诉案件统计表 (CMP-8): the complaints received in the period (whole days in each
/// institution's time zone), by institution, quality / non-quality, category, severity,
/// channel and involved department: received, open, closed; the group's own targets (CMP-5)
/// and the national feedback limit (CMP-5a) each met / breached / running, counted apart;
/// refunds (count and fen, and paid) and confirmed penalties by level. A caller of several
/// institutions gets each and a total. Needs `report.read` and `complaint.read`.
#[utoipa::path(tag = "complaints", operation_id = "get_complaint_statistics", security(("bearer" = [])),
    params(StatsQuery),
    responses(
        (status = 200, description = "the statistics; as CSV or XLSX an attachment `complaint-statistics-YYYYMMDD-YYYYMMDD.csv|xlsx`",
            content(
                (ComplaintStatistics = "application/json"),
                (crate::contract::FileBytes = "text/csv"),
                (Workbook = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            )),
        crate::contract::ListErrors<perm::ReportRead>,
        (status = 403, description = "lacks `report.read` or `complaint.read` (`forbidden`); or the caller's role must set up two-factor sign-in first (`totp_enrollment_required`)", body = hcrm_domain::api::Problem, content_type = "application/problem+json"),
        (status = 404, description = "`institution_id` is not an institution the caller sees", body = hcrm_domain::api::Problem, content_type = "application/problem+json"),
        (status = 422, description = "malformed or reversed period, longer than three years, month with from/to, unknown format or language", body = hcrm_domain::api::Problem, content_type = "application/problem+json"),
    ))]
#[get("/complaints/statistics")]
pub async fn statistics(
    auth: Authz<perm::ReportRead>,
    state: web::Data<AppState>,
    query: web::Query<StatsQuery>,
) -> Result<HttpResponse, ApiError> {
    let caller = auth.caller;
    if !caller.can(Permission::ComplaintRead) {
        return Err(ApiError::Forbidden);
    }
    let q = query.into_inner();
    let lang = lang_of(q.lang.as_deref())?;
    let format = match q.format.as_deref() {
        None | Some("json") => StatsFormat::Json,
        Some("csv") => StatsFormat::Csv,
        Some("xlsx") => StatsFormat::Xlsx,
        Some(_) => {
            return Err(ApiError::field(
                "format",
                "unknown_value",
                "format is json, csv or xlsx",
            ));
        }
    };
    let scope = caller.scope();
    let only = q.institution_id;
    let (month, from, to) = (q.month, q.from, q.to);
    let stats = state
        .db(move |c| {
            let institutions = store::institutions(c, &scope, only)?;
            let zone = institutions
                .first()
                .map_or(hcrm_domain::time::HOME_TIME_ZONE.name(), |i| i.2.as_str());
            let today = hcrm_domain::time::today_in(zone);
            let period = Period::parse(month.as_deref(), from.as_deref(), to.as_deref(), today)
                .map_err(ApiError::Validation)?;
            let now = hcrm_db::complaints::instant();
            let (counted, departments) = store::count_period(c, &institutions, period, now)?;
            let names: Vec<(Uuid, String)> = institutions
                .into_iter()
                .map(|(id, name, _)| (id, name))
                .collect();
            Ok(shape(period, &names, &counted, &departments, lang))
        })
        .await?;
    let file = |ext: &str| {
        format!(
            "attachment; filename=\"complaint-statistics-{}-{}.{ext}\"",
            stats.period.from.format("%Y%m%d"),
            stats.period.to.format("%Y%m%d")
        )
    };
    match format {
        StatsFormat::Json => Ok(HttpResponse::Ok().json(stats)),
        StatsFormat::Csv => {
            let disposition = file("csv");
            let body = web::block(move || {
                let mut csv = CsvFile::new();
                csv.row(sheet_header(lang))?;
                for row in sheet_rows(&stats, lang) {
                    csv.row(row)?;
                }
                csv.finish()
            })
            .await??;
            Ok(HttpResponse::Ok()
                .content_type("text/csv; charset=utf-8")
                .insert_header((header::CONTENT_DISPOSITION, disposition))
                .body(body))
        }
        StatsFormat::Xlsx => {
            let disposition = file("xlsx");
            let body = web::block(move || {
                write_xlsx(&sheet_header(lang), &sheet_rows(&stats, lang), lang)
            })
            .await??;
            Ok(HttpResponse::Ok()
                .content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
                .insert_header((header::CONTENT_DISPOSITION, disposition))
                .body(body))
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct WeekQuery {
    /// Any day of the week wanted (Monday to Sunday in the institution's time zone),
    /// `2026-12-09`; default today.
    date: Option<String>,
    /// The institution; required when the caller has several.
    institution_id: Option<Uuid>,
    /// `json` (default) or `html` (a printable page).
    format: Option<String>,
    /// The page's language, `zh` (default) or `en`.
    lang: Option<String>,
}

/// 医院客户服务意见表 (CMP-8; seeds 002 and 004: customer service fills it in weekly): the
/// complaints, and the opinions and suggestions (classified a suggestion, or heard on a
/// follow-up call), received in one week of an institution, with their handling and state.
/// As JSON, or as a printable self-contained HTML page (`format=html`). Needs
/// `complaint.read`.
#[utoipa::path(tag = "complaints", operation_id = "get_complaint_opinion_form", security(("bearer" = [])),
    params(WeekQuery),
    responses(
        (status = 200, description = "the form",
            content(
                (OpinionForm = "application/json"),
                (String = "text/html"),
            )),
        crate::contract::ListErrors<perm::ComplaintRead>,
        (status = 404, description = "`institution_id` is not an institution the caller sees", body = hcrm_domain::api::Problem, content_type = "application/problem+json"),
        (status = 422, description = "malformed date, no institution chosen by a caller of several, unknown format or language", body = hcrm_domain::api::Problem, content_type = "application/problem+json"),
    ))]
#[get("/complaints/opinion-form")]
pub async fn opinion_form(
    auth: Authz<perm::ComplaintRead>,
    state: web::Data<AppState>,
    query: web::Query<WeekQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let lang = lang_of(q.lang.as_deref())?;
    let html = match q.format.as_deref() {
        None | Some("json") => false,
        Some("html") => true,
        Some(_) => {
            return Err(ApiError::field(
                "format",
                "unknown_value",
                "format is json or html",
            ));
        }
    };
    let day = match q.date.as_deref().map(str::trim) {
        None => None,
        Some(t) => Some(
            chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d")
                .ok()
                .filter(|_| t.len() == 10)
                .ok_or_else(|| ApiError::field("date", "invalid", "a day is written YYYY-MM-DD"))?,
        ),
    };
    let scope: Scope = auth.caller.scope();
    let only = q.institution_id;
    let (form, zone) = state
        .db(move |c| {
            let mut institutions = store::institutions(c, &scope, only)?;
            if institutions.len() != 1 {
                return Err(ApiError::field(
                    "institution_id",
                    "required",
                    "choose the institution",
                ));
            }
            let (id, name, zone) = institutions.remove(0);
            let week = Period::week_of(day.unwrap_or_else(|| hcrm_domain::time::today_in(&zone)));
            let items = store::week_items(c, id, &zone, week)?;
            Ok((OpinionForm::new(id, name, week, items), zone))
        })
        .await?;
    if html {
        Ok(HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .insert_header((header::CONTENT_SECURITY_POLICY, crate::opinion_form::csp()))
            .body(crate::opinion_form::render(&form, &zone, lang)))
    } else {
        Ok(HttpResponse::Ok().json(form))
    }
}

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(statistics).service(opinion_form);
}
