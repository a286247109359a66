//! Import (CUS-13).

/// `(key, 中文, English)`.
#[rustfmt::skip]
pub const TEXT: &[(&str, &str, &str)] = &[
    // import (CUS-13)
    ("import.title", "导入客户", "Import customers"),
    ("import.explain", "选择 CSV（UTF-8）或 XLSX 文件，先试运行查看逐行错误报告，再正式导入。", "Choose a CSV (UTF-8) or XLSX file; do a dry run to see the row-by-row error report, then import."),
    ("import.file", "文件", "File"),
    ("import.mode", "导入方式", "Mode"),
    ("import.mode.all", "全部正确才导入", "All or nothing"),
    ("import.mode.valid", "只导入正确的行", "Only the valid rows"),
    ("import.dry_run", "试运行", "Dry run"),
    ("import.run", "正式导入", "Import"),
    ("import.run.hint", "请先试运行", "Do a dry run first"),
    ("import.report.dry", "试运行结果", "Dry-run report"),
    ("import.report.done", "导入结果", "Import report"),
    ("import.summary", "共 {} 行：新建 {}，更新 {}，跳过 {}，错误 {}", "{} rows: {} created, {} updated, {} skipped, {} errors"),
    ("import.row", "行号", "Row"),
    ("import.errors.first", "仅列出前 {} 个错误。", "Only the first {} problems are listed."),
    ("import.columns", "可用的列（第一行为列名）：", "Columns (the first row names them): "),
    ("import.template", "可下载只含列名的模板文件：", "Start from a template with the column headers:"),
    ("import.template.csv", "CSV 模板", "CSV template"),
    ("import.template.xlsx", "Excel 模板", "Excel template"),
    ("import.allowed", "{}，可填：{}", "{}; allowed: {}"),
    ("import.valid_rows", "{} 行正确：修正其余行的错误后即可导入这些行。", "{} row(s) are valid: they will be imported once the errors in the other rows are fixed."),
    ("field.duplicate_in_file", "与文件中前面某行的外部编号相同", "An earlier row of the file has this external id"),
    ("field.kind_change", "该外部编号对应的客户类型不同（个人/单位）", "The customer with this external id is of the other kind (individual/organization)"),
    ("import.field", "字段", "Field"),
    ("import.error", "错误", "Error"),
];
