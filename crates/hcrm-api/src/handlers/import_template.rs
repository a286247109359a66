//! CUS-13: the import template — an empty spreadsheet whose header row names every column
//! an import reads, so that staff start from a file the import accepts.

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use hcrm_domain::api::import::{CSV_CONTENT_TYPE, ExportFormat, XLSX_CONTENT_TYPE};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::{Authz, perm};
use crate::error::ApiError;
use crate::handlers::customer_io::{write_csv, write_xlsx};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TemplateQuery {
    /// `csv` (default, UTF-8 with BOM) or `xlsx`.
    #[param(inline)]
    format: Option<ExportFormat>,
}

/// The import template (CUS-13): a file with only the header row — the Chinese header of
/// every column an import reads (姓名, 类型, 性别, 出生日期 …, as an export writes them), in
/// the order of an export. The import also takes the columns' English codes (`name`,
/// `birth_date` …); only 姓名 (`name`) is required.
#[utoipa::path(tag = "customers", operation_id = "get_import_template", security(("bearer" = [])),
    params(TemplateQuery),
    responses(
        (status = 200, description = "the template, as an attachment `customers-import-template.csv|xlsx`",
            headers(("Content-Disposition" = String, description = "attachment; filename=\"customers-import-template.csv\"")),
            content(
                (crate::contract::FileBytes = "text/csv"),
                (crate::handlers::customer_io::Workbook = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            )),
        crate::contract::ListErrors<perm::CustomerImport>,
    ))]
#[get("/customers/import/template")]
pub async fn template(
    _auth: Authz<perm::CustomerImport>,
    query: web::Query<TemplateQuery>,
) -> Result<HttpResponse, ApiError> {
    let format = query.into_inner().format.unwrap_or_default();
    let file = web::block(move || match format {
        ExportFormat::Csv => write_csv(&[]),
        ExportFormat::Xlsx => write_xlsx(&[]),
    })
    .await??;
    let content_type = match format {
        ExportFormat::Csv => format!("{CSV_CONTENT_TYPE}; charset=utf-8"),
        ExportFormat::Xlsx => XLSX_CONTENT_TYPE.to_string(),
    };
    let name = format!("customers-import-template.{}", format.extension());
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .body(file))
}
