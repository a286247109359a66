//! CUS-13: customer import and export. The one table of spreadsheet columns (Chinese header,
//! English code), a row read into the same [`CustomerCreate`] the API validates, a customer
//! written back as a row, and the per-row report of an import.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::api::customers::{Customer, CustomerCreate, ExternalId};
use crate::customer::kinds::{
    CustomerCategory, CustomerKind, Gender, IdType, LifecycleStage, SourceChannel,
};
use crate::i18n::{Label, Lang};

/// A column of the import/export spreadsheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    Name,
    Kind,
    Gender,
    BirthDate,
    IdType,
    IdNumber,
    Phones,
    CardNumber,
    Email,
    Province,
    City,
    District,
    Street,
    Occupation,
    SourceChannel,
    LifecycleStage,
    Tags,
    Categories,
    ExternalSystem,
    ExternalId,
    Notes,
}

/// Every column in export order: the column, its English code and its Chinese header.
pub const COLUMNS: [(Column, &str, &str); 21] = [
    (Column::Name, "name", "姓名"),
    (Column::Kind, "kind", "类型"),
    (Column::Gender, "gender", "性别"),
    (Column::BirthDate, "birth_date", "出生日期"),
    (Column::IdType, "id_type", "证件类型"),
    (Column::IdNumber, "id_number", "证件号码"),
    (Column::Phones, "phones", "手机"),
    (Column::CardNumber, "card_number", "就诊卡号"),
    (Column::Email, "email", "邮箱"),
    (Column::Province, "province", "省"),
    (Column::City, "city", "市"),
    (Column::District, "district", "区"),
    (Column::Street, "street", "地址"),
    (Column::Occupation, "occupation", "职业"),
    (Column::SourceChannel, "source_channel", "来源渠道"),
    (Column::LifecycleStage, "lifecycle_stage", "客户阶段"),
    (Column::Tags, "tags", "标签"),
    (Column::Categories, "categories", "类别"),
    (Column::ExternalSystem, "external_system", "外部系统"),
    (Column::ExternalId, "external_id", "外部编号"),
    (Column::Notes, "notes", "备注"),
];

/// The external system assumed when a row names an external id without a system.
pub const DEFAULT_EXTERNAL_SYSTEM: &str = "his";

/// Most rows an export may hold; narrow the filters beyond that.
pub const MAX_EXPORT_ROWS: i64 = 100_000;

/// Most data rows an import takes, as many as an export holds (issue 7 item 2). Rows are
/// counted as the spreadsheet numbers them, blank ones included: the header and 100,000
/// customers fit in rows 1 to 100,001, and a cell further down makes the file too large (413).
pub const MAX_IMPORT_ROWS: u64 = 100_000;

/// Most columns an import reads, A to BL: the 21 columns and room for the user's own.
pub const MAX_IMPORT_COLUMNS: usize = 64;

/// Most text one row may hold (a CSV line, or the cells of a sheet's row), in bytes: the
/// longest valid row is a few KB (notes take 2,000 characters).
pub const MAX_IMPORT_ROW_BYTES: usize = 64 * 1024;

/// Most problems an import report lists; `error_count` counts them all. A file of 100,000
/// wrong rows has millions of problems: listing them all would make a report of hundreds of MB.
pub const MAX_REPORTED_ERRORS: usize = 1000;

impl Column {
    /// The English code (`name`, `birth_date` …), also the `field` of report entries.
    pub fn code(self) -> &'static str {
        COLUMNS
            .iter()
            .find(|(c, _, _)| *c == self)
            .map_or("", |(_, code, _)| code)
    }

    /// The Chinese header of exports.
    pub fn header(self) -> &'static str {
        COLUMNS
            .iter()
            .find(|(c, _, _)| *c == self)
            .map_or("", |(_, _, zh)| zh)
    }

    /// The column a header cell names: its Chinese header or English code, in any case.
    pub fn from_header(text: &str) -> Option<Column> {
        let t = text.trim().trim_start_matches('\u{feff}').trim();
        COLUMNS
            .iter()
            .find(|(_, code, zh)| t.eq_ignore_ascii_case(code) || t == *zh)
            .map(|(c, _, _)| *c)
    }
}

/// What to do when some rows are invalid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ImportMode {
    /// Any invalid row and nothing is written.
    #[default]
    AllOrNothing,
    /// The valid rows are written, the invalid ones reported.
    ValidRows,
}

/// The file type of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    /// UTF-8 with a byte-order mark, so that Excel reads the Chinese text.
    #[default]
    Csv,
    Xlsx,
}

impl ImportMode {
    pub const ALL: [ImportMode; 2] = [ImportMode::AllOrNothing, ImportMode::ValidRows];

    /// The serde name, as in `?mode=`.
    pub fn code(self) -> &'static str {
        match self {
            ImportMode::AllOrNothing => "all_or_nothing",
            ImportMode::ValidRows => "valid_rows",
        }
    }
}

impl Label for ImportMode {
    fn label(&self, lang: Lang) -> &'static str {
        match self {
            ImportMode::AllOrNothing => lang.pick("全部正确才导入", "All or nothing"),
            ImportMode::ValidRows => lang.pick("只导入正确的行", "Only the valid rows"),
        }
    }
}

impl Label for ExportFormat {
    fn label(&self, lang: Lang) -> &'static str {
        match self {
            ExportFormat::Csv => lang.pick("CSV 文件", "CSV file"),
            ExportFormat::Xlsx => lang.pick("Excel 文件", "Excel workbook"),
        }
    }
}

impl ExportFormat {
    pub const ALL: [ExportFormat; 2] = [ExportFormat::Csv, ExportFormat::Xlsx];

    /// The serde name, as in `?format=`.
    pub fn code(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Xlsx => "xlsx",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Xlsx => "xlsx",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Csv => CSV_CONTENT_TYPE,
            ExportFormat::Xlsx => XLSX_CONTENT_TYPE,
        }
    }
}

pub const CSV_CONTENT_TYPE: &str = "text/csv";
pub const XLSX_CONTENT_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// One problem with one row of an imported file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!(
    {"row": 3, "field": "id_number", "code": "id_checksum", "message": "the check digit is wrong"}
)))]
pub struct RowError {
    /// The row as numbered in the spreadsheet: the header is row 1, the first data row 2.
    pub row: u64,
    /// The column code (`id_number`, `phones` …), or the header text for header problems.
    pub field: String,
    /// Machine-readable reason, the same codes as the API's validation problems, plus
    /// `unknown_column`, `duplicate_column`, `required_column`, `unknown_value`, `date`,
    /// `possible_duplicate`, `duplicate_in_file`, `kind_change`.
    pub code: String,
    /// English description.
    pub message: String,
}

impl RowError {
    pub fn new(row: u64, field: &str, code: &str, message: &str) -> RowError {
        RowError {
            row,
            field: field.to_string(),
            code: code.to_string(),
            message: message.to_string(),
        }
    }
}

/// The answer to an import (CUS-13): what was (or, for a dry run or a refused
/// all-or-nothing import, would have been) done, and every problem found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "total_rows": 3, "created": 1, "updated": 1, "skipped": 1, "valid_rows": 2, "dry_run": false, "mode": "valid_rows",
    "error_count": 1,
    "errors": [{"row": 4, "field": "phones", "code": "mobile", "message": "not a mainland mobile number"}]
})))]
pub struct ImportReport {
    /// Data rows in the file (blank rows not counted).
    pub total_rows: u64,
    /// Customers created (0 when nothing was written).
    pub created: u64,
    /// Existing customers updated, found by their external id.
    pub updated: u64,
    /// Rows not written.
    pub skipped: u64,
    /// Rows without a problem: what would be created or updated once the other rows are
    /// fixed (an all-or-nothing import with errors writes none of them).
    #[serde(default)]
    pub valid_rows: u64,
    /// The problems found, by row: the first 1,000 when there are more.
    pub errors: Vec<RowError>,
    /// How many problems were found, listed or not.
    #[serde(default)]
    pub error_count: u64,
    pub dry_run: bool,
    pub mode: ImportMode,
}

impl ImportReport {
    /// Counts a problem and lists it while fewer than [`MAX_REPORTED_ERRORS`] are listed
    /// (rows are checked in order, so the list holds the first ones).
    pub fn add_error(&mut self, e: RowError) {
        self.error_count += 1;
        if self.errors.len() < MAX_REPORTED_ERRORS {
            self.errors.push(e);
        }
    }
}

/// The header row read: the column of each cell (`None` for blank header cells, whose
/// values are ignored), or the problems with it (reported on row 1).
pub fn read_header<S: AsRef<str>>(cells: &[S]) -> Result<Vec<Option<Column>>, Vec<RowError>> {
    let mut columns = Vec::new();
    let mut errors = Vec::new();
    for cell in cells {
        let text = cell.as_ref().trim().trim_start_matches('\u{feff}').trim();
        if text.is_empty() {
            columns.push(None);
            continue;
        }
        match Column::from_header(text) {
            Some(c) if columns.contains(&Some(c)) => errors.push(RowError::new(
                1,
                text,
                "duplicate_column",
                "this column appears twice",
            )),
            Some(c) => columns.push(Some(c)),
            None => errors.push(RowError::new(
                1,
                text,
                "unknown_column",
                "unknown column; use the headers of an export (姓名, 手机 …) or their codes",
            )),
        }
    }
    if !columns.contains(&Some(Column::Name)) {
        errors.push(RowError::new(
            1,
            "name",
            "required_column",
            "the file needs a 姓名 (name) column",
        ));
    }
    if errors.is_empty() {
        Ok(columns)
    } else {
        Err(errors)
    }
}

/// True when every cell is blank (such rows are skipped, not counted).
pub fn is_blank<S: AsRef<str>>(cells: &[S]) -> bool {
    cells.iter().all(|c| c.as_ref().trim().is_empty())
}

/// A data row read into a customer.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedRow {
    pub row: u64,
    /// The customer the row describes (unparseable cells left empty, see `errors`).
    pub customer: CustomerCreate,
    /// The columns the file has: an update changes only these.
    pub present: Vec<Column>,
    /// Cells that could not be read (unknown values, bad dates, a missing name).
    pub errors: Vec<RowError>,
}

impl ParsedRow {
    /// The external id the row names, if any.
    pub fn external_id(&self) -> Option<&ExternalId> {
        self.customer.external_ids.first()
    }

    pub fn has(&self, c: Column) -> bool {
        self.present.contains(&c)
    }
}

/// Splits a list cell on `;` or the full-width `；`.
pub fn split_list(text: &str) -> Vec<String> {
    text.split([';', '；'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// An enum value from its code or its Chinese or English label.
fn coded<T: Copy + Label>(all: &[T], code: impl Fn(T) -> &'static str, text: &str) -> Option<T> {
    all.iter().copied().find(|v| {
        text.eq_ignore_ascii_case(code(*v))
            || text == v.label(Lang::Zh)
            || text.eq_ignore_ascii_case(v.label(Lang::En))
    })
}

fn choices<T: Copy + Label>(all: &[T], code: impl Fn(T) -> &'static str) -> String {
    let list: Vec<String> = all
        .iter()
        .map(|v| format!("{} ({})", code(*v), v.label(Lang::Zh)))
        .collect();
    format!("must be one of: {}", list.join(", "))
}

/// Reads a data row numbered `row` (1-based as in the spreadsheet) under `columns`.
pub fn parse_row<S: AsRef<str>>(row: u64, cells: &[S], columns: &[Option<Column>]) -> ParsedRow {
    let mut errors = Vec::new();
    let mut x = CustomerCreate::individual(String::new());
    let mut present = Vec::new();
    let (mut ext_system, mut ext_id) = (None, None);
    for (i, column) in columns.iter().enumerate() {
        let Some(column) = *column else { continue };
        present.push(column);
        // The same NFC as a JSON body gets (issue 7 item 11), before any rule reads the cell.
        let cell = crate::validation::nfc(cells.get(i).map_or("", |c| c.as_ref()));
        let text = cell.trim();
        let opt = (!text.is_empty()).then(|| text.to_string());
        let mut bad = |code: &str, message: &str| {
            errors.push(RowError::new(row, column.code(), code, message));
        };
        macro_rules! enum_cell {
            ($t:ty) => {
                match coded(&<$t>::ALL, <$t>::code, text) {
                    Some(v) => Some(v),
                    None => {
                        bad("unknown_value", &choices(&<$t>::ALL, <$t>::code));
                        None
                    }
                }
            };
        }
        match column {
            Column::Name => {
                if text.is_empty() {
                    bad("required", "the name is required");
                }
                x.name = text.to_string();
            }
            Column::Kind if text.is_empty() => {}
            Column::Kind => {
                if let Some(k) = enum_cell!(CustomerKind) {
                    x.kind = k;
                }
            }
            _ if text.is_empty() => {}
            Column::Gender => x.gender = enum_cell!(Gender),
            Column::BirthDate => {
                let normalized = text.replace('/', "-");
                match NaiveDate::parse_from_str(&normalized, "%Y-%m-%d") {
                    Ok(d) => x.birth_date = Some(d),
                    Err(_) => bad("date", "a date like 1980-03-15 (YYYY-MM-DD)"),
                }
            }
            Column::IdType => x.id_type = enum_cell!(IdType),
            Column::IdNumber => x.id_number = opt,
            Column::Phones => x.phones = split_list(text),
            Column::CardNumber => x.card_number = opt,
            Column::Email => x.email = opt,
            Column::Province => x.address.province = opt,
            Column::City => x.address.city = opt,
            Column::District => x.address.district = opt,
            Column::Street => x.address.street = opt,
            Column::Occupation => x.occupation = opt,
            Column::SourceChannel => x.source_channel = enum_cell!(SourceChannel),
            Column::LifecycleStage => x.lifecycle_stage = enum_cell!(LifecycleStage),
            Column::Tags => x.tags = split_list(text),
            Column::Categories => {
                let mut unknown = false;
                for part in split_list(text) {
                    match coded(&CustomerCategory::ALL, CustomerCategory::code, &part) {
                        Some(c) => x.categories.push(c),
                        None => unknown = true,
                    }
                }
                // Once per cell: a list of a thousand unknown values is one problem.
                if unknown {
                    bad(
                        "unknown_value",
                        &choices(&CustomerCategory::ALL, CustomerCategory::code),
                    );
                }
            }
            Column::ExternalSystem => ext_system = opt,
            Column::ExternalId => ext_id = opt,
            Column::Notes => x.notes = opt,
        }
    }
    match (ext_system, ext_id) {
        (system, Some(external_id)) => x.external_ids.push(ExternalId {
            system: system.unwrap_or_else(|| DEFAULT_EXTERNAL_SYSTEM.to_string()),
            external_id,
        }),
        (Some(_), None) => errors.push(RowError::new(
            row,
            Column::ExternalId.code(),
            "required",
            "an external system needs the external id",
        )),
        (None, None) => {}
    }
    ParsedRow {
        row,
        customer: x,
        present,
        errors,
    }
}

/// The column a validation error of [`CustomerCreate`] is about (`address.city` → `city`,
/// `external_ids[0].system` → `external_system`).
pub fn column_of_field(field: &str) -> String {
    if let Some(rest) = field.strip_prefix("address.") {
        return rest.to_string();
    }
    if field.starts_with("external_ids") {
        return if field.ends_with(".system") {
            Column::ExternalSystem.code().to_string()
        } else {
            Column::ExternalId.code().to_string()
        };
    }
    match field.split_once('[') {
        Some((head, _)) => head.to_string(),
        None => field.to_string(),
    }
}

/// The header row of an export (Chinese headers, in [`COLUMNS`] order).
pub fn export_header() -> Vec<String> {
    COLUMNS.iter().map(|(_, _, zh)| zh.to_string()).collect()
}

/// A customer as an export row, in [`COLUMNS`] order; enums by their Chinese label, lists
/// joined with `;`. Mask the customer first for callers without `pii.read`.
pub fn export_row(c: &Customer) -> Vec<String> {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let label = |v: Option<&dyn Label>| v.map_or(String::new(), |l| l.label(Lang::Zh).into());
    let ext = c
        .external_ids
        .iter()
        .find(|e| e.system == DEFAULT_EXTERNAL_SYSTEM)
        .or(c.external_ids.first());
    COLUMNS
        .iter()
        .map(|(column, _, _)| match column {
            Column::Name => c.name.clone(),
            Column::Kind => c.kind.label(Lang::Zh).into(),
            Column::Gender => label(c.gender.as_ref().map(|g| g as &dyn Label)),
            Column::BirthDate => c
                .birth_date
                .map_or(String::new(), |d| d.format("%Y-%m-%d").to_string()),
            Column::IdType => label(c.id_type.as_ref().map(|t| t as &dyn Label)),
            Column::IdNumber => text(&c.id_number),
            Column::Phones => c.phones.join(";"),
            Column::CardNumber => text(&c.card_number),
            Column::Email => text(&c.email),
            Column::Province => text(&c.address.province),
            Column::City => text(&c.address.city),
            Column::District => text(&c.address.district),
            Column::Street => text(&c.address.street),
            Column::Occupation => text(&c.occupation),
            Column::SourceChannel => label(c.source_channel.as_ref().map(|s| s as &dyn Label)),
            Column::LifecycleStage => c.lifecycle_stage.label(Lang::Zh).into(),
            Column::Tags => c.tags.join(";"),
            Column::Categories => c
                .categories
                .iter()
                .map(|k| k.label(Lang::Zh))
                .collect::<Vec<_>>()
                .join(";"),
            Column::ExternalSystem => ext.map_or(String::new(), |e| e.system.clone()),
            Column::ExternalId => ext.map_or(String::new(), |e| e.external_id.clone()),
            Column::Notes => text(&c.notes),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn header_accepts_chinese_and_codes_in_any_order_and_reports_unknown_columns() {
        let cols = read_header(&cells(&["\u{feff}手机", "NAME", "外部编号", ""])).unwrap();
        assert_eq!(
            cols,
            vec![
                Some(Column::Phones),
                Some(Column::Name),
                Some(Column::ExternalId),
                None
            ]
        );
        let errs = read_header(&cells(&["姓名", "血型", "姓名"])).unwrap_err();
        let codes: Vec<_> = errs.iter().map(|e| (e.row, e.code.as_str())).collect();
        assert_eq!(codes, [(1, "unknown_column"), (1, "duplicate_column")]);
        let errs = read_header(&cells(&["手机"])).unwrap_err();
        assert_eq!(errs[0].code, "required_column");
    }

    #[test]
    fn row_reads_codes_labels_lists_and_reports_bad_cells() {
        let cols = read_header(&cells(&[
            "姓名",
            "类型",
            "性别",
            "出生日期",
            "手机",
            "标签",
            "类别",
            "客户阶段",
            "外部编号",
        ]))
        .unwrap();
        let r = parse_row(
            2,
            &cells(&[
                "王建国",
                "散客",
                "male",
                "1949/12/31",
                "13812345678；13987654321",
                "高血压; VIP",
                "门诊患者;inpatient",
                "现实",
                "P001",
            ]),
            &cols,
        );
        assert_eq!(r.errors, vec![]);
        assert_eq!(r.customer.gender, Some(Gender::Male));
        assert_eq!(r.customer.phones, ["13812345678", "13987654321"]);
        assert_eq!(r.customer.tags, ["高血压", "VIP"]);
        assert_eq!(
            r.customer.categories,
            [CustomerCategory::Outpatient, CustomerCategory::Inpatient]
        );
        assert_eq!(r.customer.lifecycle_stage, Some(LifecycleStage::Current));
        assert_eq!(r.external_id().unwrap().system, "his");
        let bad = parse_row(
            5,
            &cells(&["", "团体", "男", "31.12.1949", "", "", "", "", ""]),
            &cols,
        );
        let got: Vec<_> = bad
            .errors
            .iter()
            .map(|e| (e.row, e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (5, "name", "required"),
                (5, "kind", "unknown_value"),
                (5, "birth_date", "date")
            ]
        );
    }

    #[test]
    fn cells_are_read_in_nfc_and_checked_by_the_text_rule() {
        use validator::Validate;
        let cols = read_header(&cells(&["姓名", "市", "备注"])).unwrap();
        let r = parse_row(2, &cells(&["Zoe\u{301}", "北京", "第一行\n第二行"]), &cols);
        assert_eq!(r.customer.name, "Zo\u{e9}");
        assert!(r.customer.validate().is_ok());
        let r = parse_row(
            3,
            &cells(&["张\u{200B}三", "北\u{202E}京", "a\u{1B}b"]),
            &cols,
        );
        let errors = r.customer.validate().unwrap_err();
        let mut bad: Vec<&str> = errors.errors().keys().map(|k| k.as_ref()).collect();
        bad.sort();
        assert_eq!(bad, ["address", "name", "notes"]);
    }

    #[test]
    fn a_list_of_unknown_categories_is_one_problem() {
        let cols = read_header(&["姓名", "类别"]).unwrap();
        let list = vec!["x"; 1000].join(";");
        let r = parse_row(2, &["王五", list.as_str()], &cols);
        assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
        assert_eq!(r.errors[0].code, "unknown_value");
        let r = parse_row(2, &["王五", "门诊患者;x;体检客户"], &cols);
        assert_eq!(r.errors.len(), 1);
        assert_eq!(r.customer.categories.len(), 2);
    }

    #[test]
    fn a_report_lists_the_first_problems_and_counts_them_all() {
        let mut report = ImportReport {
            total_rows: 0,
            created: 0,
            updated: 0,
            skipped: 0,
            valid_rows: 0,
            errors: vec![],
            error_count: 0,
            dry_run: false,
            mode: ImportMode::AllOrNothing,
        };
        for (n, count) in [(1, 1), (999, 999), (1000, 1000), (5000, 1000)] {
            while report.error_count < n {
                let row = report.error_count + 2;
                report.add_error(RowError::new(row, "name", "required", "x"));
            }
            assert_eq!(report.errors.len(), count, "after {n}");
        }
        assert_eq!(report.error_count, 5000);
        assert_eq!(report.errors.last().map(|e| e.row), Some(1001));
    }

    #[test]
    fn validation_fields_map_to_columns() {
        assert_eq!(column_of_field("address.city"), "city");
        assert_eq!(column_of_field("external_ids[0].system"), "external_system");
        assert_eq!(
            column_of_field("external_ids[0].external_id"),
            "external_id"
        );
        assert_eq!(column_of_field("phones"), "phones");
        assert_eq!(column_of_field("categories[1]"), "categories");
    }

    #[test]
    fn export_header_matches_the_columns_and_reads_back() {
        let header = export_header();
        let cols = read_header(&header).unwrap();
        assert_eq!(cols.len(), COLUMNS.len());
        assert!(cols.iter().zip(COLUMNS).all(|(c, (k, _, _))| *c == Some(k)));
    }

    #[test]
    fn export_row_of_a_masked_customer_hides_numbers_and_reads_back() {
        let c: Customer = serde_json::from_str(
            r#"{
            "id": "0193a1d2-7c4e-7b10-8000-00000000000f",
            "institution_id": "0193a1d2-7c4e-7b10-8000-00000000000e",
            "kind": "individual", "name": "王芳", "gender": "female", "birth_date": "1949-12-31",
            "age": 76, "id_type": "resident_id", "id_number": "11010519491231002X",
            "card_number": null, "phones": ["13812345678", "13987654321"], "landline": null,
            "wechat": null, "qq": null, "email": null, "address": {"city": "北京市"},
            "occupation": null, "employer_id": null, "education": null, "marital_status": null,
            "family_situation": null, "form_of_address": "王奶奶", "form_of_address_custom": false,
            "preferred_language": null, "preferred_channel": null, "preferred_hours": null,
            "source_channel": "referral", "source_detail": null, "referred_by_id": null,
            "interests": [], "categories": ["outpatient", "health_check"], "tags": ["VIP"],
            "lifecycle_stage": "current", "relationship_type": null, "account_manager_id": null,
            "notes": null, "uscc": null, "industry": null, "org_size": null,
            "external_ids": [{"system": "pacs", "external_id": "Q1"}, {"system": "his", "external_id": "P1"}],
            "masked": false, "version": 1,
            "created_at": "2026-11-25T00:00:00Z", "updated_at": "2026-11-25T00:00:00Z"
        }"#,
        )
        .unwrap();
        let plain = export_row(&c);
        let masked = export_row(&c.clone().masked());
        let at = |row: &[String], col: Column| {
            row[COLUMNS.iter().position(|(k, _, _)| *k == col).unwrap()].clone()
        };
        assert_eq!(at(&plain, Column::Phones), "13812345678;13987654321");
        assert_eq!(at(&masked, Column::Phones), "138****5678;139****4321");
        assert_eq!(at(&plain, Column::IdNumber), "11010519491231002X");
        assert_eq!(at(&masked, Column::IdNumber), "110***********002X");
        assert_eq!(at(&plain, Column::ExternalSystem), "his");
        assert_eq!(at(&plain, Column::ExternalId), "P1");
        assert_eq!(at(&plain, Column::Categories), "门诊患者;体检客户");
        let back = parse_row(2, &plain, &read_header(&export_header()).unwrap());
        assert_eq!(back.errors, vec![]);
        assert_eq!(back.customer.phones, c.phones);
        assert_eq!(back.customer.categories, c.categories);
        assert_eq!(back.customer.source_channel, c.source_channel);
        assert_eq!(back.customer.gender, c.gender);
        assert_eq!(back.customer.id_type, c.id_type);
        assert_eq!(back.customer.lifecycle_stage, Some(c.lifecycle_stage));
    }
}
