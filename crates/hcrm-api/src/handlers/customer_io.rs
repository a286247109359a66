//! CUS-13: customers in and out of spreadsheets — import of CSV (UTF-8, with or without a
//! byte-order mark) and XLSX with a per-row report, idempotent on the external (HIS) id;
//! export as CSV with a BOM (so that Excel reads the Chinese text) or XLSX, masked (X-6) and
//! audited.

use std::collections::{BTreeMap, HashSet};
use utoipa_actix_web::service_config::ServiceConfig;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use hcrm_db::audit::{Action, Entry};
use hcrm_db::customers::{self as store};
use hcrm_db::{DbConn, ListWindow};
use hcrm_domain::Scope;
use hcrm_domain::api::Problem;
use hcrm_domain::api::customers::{Customer, CustomerUpdate};
use hcrm_domain::api::import::{
    CSV_CONTENT_TYPE, Column, ExportFormat, ImportMode, ImportReport, MAX_EXPORT_ROWS, ParsedRow,
    RowError, XLSX_CONTENT_TYPE, column_of_field, export_header, export_row, parse_row,
};
use hcrm_domain::api::timeline::SystemStageReason;
use hcrm_domain::validation::normalize_mobile;
use hcrm_domain::{Permission, api::customers::Address};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;
use validator::Validate;

use crate::auth::{Authz, Caller, perm};
use crate::csv_file::CsvFile;
use crate::error::{ApiError, field_errors};
use crate::handlers::customers::{
    ListQuery, apply_update, form_for_create, list_params, prepare_update,
};
use crate::handlers::institution_for_new;
use crate::sheet::{self, Row};
use crate::state::AppState;

mod plan;
use plan::{Plan, parsed, plan, update_of};

/// An .xlsx workbook, in the OpenAPI document (binary).
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)]
pub struct Workbook(Vec<u8>);

/// Largest file an import takes (CUS-13); larger gets 413.
pub const MAX_IMPORT_BYTES: usize = 10 * 1024 * 1024;

/// Rows read per query while exporting.
const EXPORT_PAGE: i64 = 1000;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// The institution the customers belong to; defaults to the caller's only institution.
    institution_id: Option<Uuid>,
    /// `all_or_nothing` (default): any invalid row and nothing is written; `valid_rows`: the
    /// valid rows are written and the invalid ones reported.
    #[serde(default)]
    #[param(inline)]
    mode: ImportMode,
    /// Check every row and report, writing nothing.
    #[serde(default)]
    dry_run: bool,
}

fn problem(
    status: actix_web::http::StatusCode,
    code: &str,
    title: &str,
    detail: &str,
) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("application/problem+json")
        .json(Problem {
            kind: format!("/problems/{code}"),
            title: title.into(),
            status: status.as_u16(),
            detail: Some(detail.into()),
            errors: vec![],
            duplicates: vec![],
            merged_into: None,
            allowed_actions: vec![],
            free_sessions: vec![],
        })
}

/// The file type of the upload from its Content-Type (parameters such as `charset` ignored).
fn upload_format(req: &HttpRequest) -> Option<ExportFormat> {
    format_of(req.headers().get(header::CONTENT_TYPE)?.to_str().ok()?)
}

/// The format of a media type (parameters ignored).
fn format_of(media_type: &str) -> Option<ExportFormat> {
    let essence = media_type.split(';').next().unwrap_or_default().trim();
    if essence.eq_ignore_ascii_case(CSV_CONTENT_TYPE) {
        Some(ExportFormat::Csv)
    } else if essence.eq_ignore_ascii_case(XLSX_CONTENT_TYPE) {
        Some(ExportFormat::Xlsx)
    } else {
        None
    }
}

/// The body, at most `limit` bytes: a declared larger length is refused before reading.
pub(crate) async fn read_limited(
    req: &HttpRequest,
    payload: web::Payload,
    limit: usize,
) -> Result<Vec<u8>, ApiError> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(ApiError::PayloadTooLarge);
    }
    match payload.to_bytes_limited(limit).await {
        Ok(Ok(bytes)) => Ok(Vec::from(bytes)),
        Ok(Err(_)) => Err(ApiError::PayloadTooLarge),
        Err(e) => Err(ApiError::BadRequest {
            code: "bad_body",
            detail: e.to_string(),
        }),
    }
}

fn unreadable(code: &str, message: &str) -> ApiError {
    ApiError::field("file", code, message)
}

/// Import customers from a CSV or XLSX file (CUS-13). The first row names the columns, in
/// Chinese (姓名, 类型, 性别, 出生日期, 证件类型, 证件号码, 手机, 就诊卡号, 邮箱, 省, 市, 区, 地址,
/// 职业, 来源渠道, 客户阶段, 标签, 类别, 外部系统, 外部编号, 备注) or by their codes (`name`, `kind`,
/// …, `external_id`, `notes`), in any order; enum cells take the code or the Chinese label;
/// lists (phones, tags, categories) are separated by `;`. Every row is checked like
/// `POST /customers`; the report lists the problems by spreadsheet row (the header is row 1),
/// the first 1,000 of them, and `error_count` counts them all. A cell starting with `'` before
/// `=`, `+`, `-`, `@`, tab or carriage return loses the `'` (the CSV export adds it).
/// A row whose external id (system `his` unless given) already names a customer of the
/// institution updates it (only the file's columns; an empty cell clears); a row without an
/// external id whose phone or ID number is already known is reported `possible_duplicate`.
/// All the writes happen in one transaction.
///
/// Limits (issue 7): at most 100,000 customers (rows 1 to 100,001 of the sheet), 64 columns (A
/// to BL), 64 KB of text a row and 10 MB in all; an .xlsx file may unpack to at most 200 MB
/// (shared strings 16 MB, other parts but sheets 2 MB), no part packed more than 100:1, no cell
/// over 256 KB, at most a million shared strings. Past a limit the answer is 413 at once,
/// naming the limit in `errors[0].code` (`too_many_rows`, `too_many_columns`, `row_too_long`,
/// `too_much_text`, `unpacked_too_large`, `compression_ratio`, `cell_too_large`,
/// `too_many_strings`, `too_many_parts`), and nothing is imported.
#[utoipa::path(tag = "customers", operation_id = "import_customers", security(("bearer" = [])),
    params(ImportQuery, crate::contract::IdempotencyKey),
    request_body(description = "the spreadsheet, at most 10 MB and 100,000 rows: the file alone, or the `file` part of a form", content(
        (crate::contract::FileBytes = "text/csv"),
        (Workbook = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (crate::contract::FileUpload = "multipart/form-data"),
    )),
    responses(
        (status = 200, description = "the report; `created`/`updated` are 0 when an all-or-nothing import found errors, `valid_rows` says how many rows would be written once the others are fixed", body = ImportReport),
        crate::contract::Forbidden<perm::CustomerImport>,
        (status = 400, description = "a malformed query string (`invalid_query`), or a form that cannot be read (`malformed_multipart`)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "the file is larger than 10 MB, or its content is past a limit (rows, columns, text, unpacked size, compression ratio, cell size); `errors[0].code` names it", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "neither text/csv nor an .xlsx workbook, alone or as the form's `file` part", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "an invalid query parameter, unknown institution, a form without a `file` part, or an unreadable (not UTF-8, not an .xlsx archive, a part unpacking to more than it declares) or empty file", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/customers/import")]
pub async fn import(
    auth: Authz<perm::CustomerImport>,
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<ImportQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let caller = auth.caller;
    let (format, bytes) = match crate::multipart::boundary(&req) {
        // Generated clients send the file as the `file` part of a form (issue 8 item 1).
        Some(boundary) => {
            let limit = MAX_IMPORT_BYTES + crate::multipart::ENVELOPE_BYTES;
            let form = read_limited(&req, payload, limit).await?;
            let file = crate::multipart::part(&form, &boundary, "file", MAX_IMPORT_BYTES)?;
            (file.media_type().as_deref().and_then(format_of), file.bytes)
        }
        None => match upload_format(&req) {
            Some(format) => (
                Some(format),
                read_limited(&req, payload, MAX_IMPORT_BYTES).await?,
            ),
            None => (None, Vec::new()),
        },
    };
    let Some(format) = format else {
        return Ok(problem(
            actix_web::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Unsupported media type",
            "send the file as text/csv or as application/vnd.openxmlformats-officedocument.spreadsheetml.sheet, \
             alone or as the `file` part of a multipart/form-data form",
        ));
    };
    let sheet = web::block(move || match format {
        ExportFormat::Csv => sheet::read_csv(&bytes),
        ExportFormat::Xlsx => sheet::read_xlsx(bytes),
    })
    .await??;
    let Some(header) = sheet.columns else {
        return Err(unreadable("empty", "the file has no header row"));
    };
    let (rows, total_rows) = (sheet.rows, sheet.total_rows);
    let q = query.into_inner();
    let (mode, dry_run) = (q.mode, q.dry_run);
    let report = state
        .write(move |c| {
            let institution = institution_for_new(c, &caller.scope(), q.institution_id)?;
            let mut report = ImportReport {
                total_rows,
                created: 0,
                updated: 0,
                skipped: total_rows,
                valid_rows: 0,
                errors: vec![],
                error_count: 0,
                dry_run,
                mode,
            };
            let columns: Vec<Option<Column>> = match header {
                Ok(cols) => cols.into_iter().map(Some).collect(),
                Err(errors) => {
                    errors.into_iter().for_each(|e| report.add_error(e));
                    return Ok(report);
                }
            };
            let parsed_rows = rows
                .iter()
                .enumerate()
                .map(|(i, row)| (i, parsed(row, &columns, institution)));
            let plans = plan(c, &caller, institution, parsed_rows, &mut report)?;
            report.errors.sort_by_key(|e| e.row);
            // Said also when nothing is written: how much would go in once the rest is fixed.
            report.valid_rows = plans.len() as u64;
            if mode == ImportMode::AllOrNothing && report.error_count > 0 {
                return Ok(report);
            }
            for p in &plans {
                match p {
                    Plan::Create(_) => report.created += 1,
                    Plan::Update { .. } => report.updated += 1,
                }
            }
            report.skipped = total_rows - report.created - report.updated;
            if dry_run {
                return Ok(report);
            }
            let here = Scope::Institutions(vec![institution]);
            let today = hcrm_db::institutions::today_of(c, institution)?;
            for p in plans {
                match p {
                    Plan::Create(row) => {
                        let x = parsed(&rows[row], &columns, institution).customer;
                        let id = store::create(
                            c,
                            &x,
                            institution,
                            form_for_create(&x, today),
                            caller.principal.id,
                        )?;
                        caller.record(
                            c,
                            Entry::of(
                                Action::Create,
                                "customer",
                                Some(id.to_string()),
                                Some(institution),
                                serde_json::json!({"via": "import"}),
                            ),
                        )?;
                    }
                    Plan::Update { row, id, version } => {
                        // The same transaction as the plan: the customer is as it was read.
                        let current = store::get(c, &here, id)?;
                        let u = update_of(&parsed(&rows[row], &columns, institution), &current);
                        apply_update(c, &caller, id, version, &u)?;
                    }
                }
            }
            if report.created + report.updated > 0 {
                caller.record(
                    c,
                    Entry::of(
                        Action::Import,
                        "customer_import",
                        Some(institution.to_string()),
                        Some(institution),
                        serde_json::json!({
                            "format": format.extension(), "mode": mode,
                            "total_rows": report.total_rows, "created": report.created,
                            "updated": report.updated, "skipped": report.skipped,
                            "errors": report.error_count,
                        }),
                    ),
                )?;
            }
            Ok(report)
        })
        .await?;
    Ok(HttpResponse::Ok().json(report))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `csv` (default, UTF-8 with BOM) or `xlsx`.
    #[param(inline)]
    format: Option<ExportFormat>,
    /// Full ID and phone numbers instead of masked ones: needs `pii.read`, and the audit
    /// entry says so. An unmasked export re-imports as it is.
    unmasked: Option<bool>,
}

/// Splits `format` and `unmasked` off an export query; the rest is the list query (and,
/// decoded, the filters recorded in the audit entry).
fn export_query(
    raw: &str,
) -> Result<(ExportFormat, bool, String, BTreeMap<String, String>), ApiError> {
    let own: String = raw
        .split('&')
        .filter(|p| p.starts_with("format=") || p.starts_with("unmasked="))
        .collect::<Vec<_>>()
        .join("&");
    let q = web::Query::<ExportQuery>::from_query(&own)
        .map_err(|_| {
            ApiError::field(
                "format",
                "unknown_value",
                "format is csv or xlsx; unmasked is true or false",
            )
        })?
        .into_inner();
    let (format, unmasked) = (q.format.unwrap_or_default(), q.unmasked == Some(true));
    let rest = raw
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("format=") && !p.starts_with("unmasked="))
        .collect::<Vec<_>>()
        .join("&");
    let filters = web::Query::<BTreeMap<String, String>>::from_query(&rest)
        .map(web::Query::into_inner)
        .unwrap_or_default();
    Ok((format, unmasked, rest, filters))
}

/// Every customer matching the filters, full records, at most [`MAX_EXPORT_ROWS`].
fn export_rows(
    c: &mut DbConn,
    scope: &Scope,
    filter: &store::Filter,
    sort: store::Sort,
    desc: bool,
) -> Result<Vec<Customer>, ApiError> {
    let counted = store::list(
        c,
        scope,
        filter,
        sort,
        desc,
        ListWindow {
            limit: 1,
            offset: 0,
        },
        store::Count::UpTo(MAX_EXPORT_ROWS),
    )?;
    if counted.capped {
        return Err(ApiError::field(
            "filters",
            "too_many_rows",
            "more than 100,000 customers match; narrow the filters",
        ));
    }
    let mut out = Vec::with_capacity(counted.total as usize);
    let mut offset = 0;
    loop {
        let window = ListWindow {
            limit: EXPORT_PAGE,
            offset,
        };
        let page = store::list_full(c, scope, filter, sort, desc, window)?;
        let n = page.len() as i64;
        out.extend(page);
        offset += EXPORT_PAGE;
        if n < EXPORT_PAGE || out.len() as i64 >= MAX_EXPORT_ROWS {
            break;
        }
    }
    Ok(out)
}

pub(crate) fn write_csv(customers: &[Customer]) -> Result<Vec<u8>, ApiError> {
    let mut file = CsvFile::new();
    file.row(export_header())?;
    for c in customers {
        file.row(export_row(c))?;
    }
    file.finish()
}

/// Every cell written as a string (`write_string`, never `write` or `write_formula`): a value
/// that looks like a formula stays text, so XLSX cells need no `'` (issue 7 item 3).
pub(crate) fn write_xlsx(customers: &[Customer]) -> Result<Vec<u8>, ApiError> {
    let fail = |e: rust_xlsxwriter::XlsxError| {
        log::error!("xlsx export: {e}");
        ApiError::Internal
    };
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("客户").map_err(fail)?;
    for (col, text) in export_header().iter().enumerate() {
        sheet.write_string(0, col as u16, text).map_err(fail)?;
    }
    for (i, c) in customers.iter().enumerate() {
        for (col, text) in export_row(c).iter().enumerate() {
            if !text.is_empty() {
                sheet
                    .write_string(i as u32 + 1, col as u16, text)
                    .map_err(fail)?;
            }
        }
    }
    book.save_to_buffer().map_err(fail)
}

/// Export the customers the filters of `GET /customers` select (CUS-13), every field of the
/// import columns, at most 100,000 rows, as CSV (UTF-8 with BOM) or XLSX. Phones and ID numbers
/// are masked unless `unmasked=true`, which needs `pii.read`. Audited with the count,
/// filters, format and masking. `limit` and `offset` are ignored. An unmasked file
/// imports back unchanged. A CSV cell starting with `=`, `+`, `-`, `@`, tab or carriage return
/// gets a leading `'` so that a spreadsheet shows it instead of running it as a formula (OWASP
/// "CSV injection"; a phone written `+86…` is quoted too); XLSX cells are strings, never
/// formulas.
#[utoipa::path(tag = "customers", operation_id = "export_customers", security(("bearer" = [])),
    params(ExportQuery, ListQuery),
    responses(
        (status = 200, description = "the file, as an attachment `customers-YYYYMMDD.csv|xlsx`",
            headers(("Content-Disposition" = String, description = "attachment; filename=\"customers-20261125.csv\"")),
            content(
                (crate::contract::FileBytes = "text/csv"),
                (Workbook = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            )),
        crate::contract::ListErrors<perm::CustomerExport>,
        (status = 403, description = "lacks `customer.export`, or `pii.read` for `unmasked=true` (`forbidden`); or the caller's role must set up two-factor sign-in first (`totp_enrollment_required`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "invalid filter or format, or more than 100,000 rows", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/customers/export")]
pub async fn export(
    auth: Authz<perm::CustomerExport>,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let caller = auth.caller;
    let (format, unmasked, rest, filters) = export_query(req.query_string())?;
    if unmasked && !caller.can(Permission::PiiRead) {
        return Err(ApiError::Forbidden);
    }
    let list_query =
        web::Query::<ListQuery>::from_query(&rest).map_err(|e| ApiError::BadRequest {
            code: "invalid_query",
            detail: e.to_string(),
        })?;
    let (filter, sort, desc, _) = list_params(list_query.into_inner())?;
    let scope = caller.scope();
    let institution = filter.institution_id.or(match &scope {
        Scope::Institutions(ids) if ids.len() == 1 => Some(ids[0]),
        _ => None,
    });
    let reader = scope.clone();
    let customers = state
        .db(move |c| export_rows(c, &reader, &filter, sort, desc))
        .await?;
    // Masked unless asked for and allowed: an export is a list that leaves the system.
    let customers: Vec<Customer> = if unmasked {
        customers
    } else {
        customers.into_iter().map(Customer::masked).collect()
    };
    let count = customers.len();
    let file = web::block(move || match format {
        ExportFormat::Csv => write_csv(&customers),
        ExportFormat::Xlsx => write_xlsx(&customers),
    })
    .await??;
    state
        .write(move |c| {
            let entry = Entry::of(
                Action::Export,
                "customer",
                None,
                institution,
                serde_json::json!({
                    "count": count, "format": format.extension(), "filters": filters,
                    "masked": !unmasked,
                }),
            );
            caller.record(c, entry)?;
            Ok(())
        })
        .await?;
    let name = format!(
        "customers-{}.{}",
        store::today().format("%Y%m%d"),
        format.extension()
    );
    let content_type = match format {
        ExportFormat::Csv => format!("{CSV_CONTENT_TYPE}; charset=utf-8"),
        ExportFormat::Xlsx => XLSX_CONTENT_TYPE.to_string(),
    };
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .body(file))
}

/// This module's routes (registered in [`crate::modules::MODULES`]).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(import)
        .service(export)
        .service(super::import_template::template);
}
