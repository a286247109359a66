//! The customer form's sections, error summary and duplicate hints, the contact form and the
//! duplicate report (issue 9 items 6–11).

/// `(key, 中文, English)`.
#[rustfmt::skip]
pub const TEXT: &[(&str, &str, &str)] = &[
    ("customer.section.identity", "身份信息", "Identity"),
    ("customer.section.contact", "联系方式", "Contact"),
    ("customer.section.address", "地址", "Address"),
    ("customer.section.preferences", "偏好", "Preferences"),
    ("customer.section.source", "来源与分类", "Source and categories"),
    ("customer.section.notes", "标签与备注", "Tags and notes"),
    ("form.error_summary", "保存未成功，请修正以下 {} 处错误：", "Not saved: please correct {} error(s):"),
    ("customer.duplicate.typed", "已有客户使用此号码：", "An existing customer has this number:"),
    ("customer.duplicate.open", "打开已有档案", "Open the existing record"),
    ("problem.merged", "该客户已合并到另一档案。", "This customer was merged into another record."),
    ("merge.report.title", "报告疑似重复", "Report a suspected duplicate"),
    ("merge.report.explain", "您无权合并档案。请选择疑似重复的客户并说明理由，主管将收到一条待办任务。", "You may not merge records. Choose the suspected duplicate and say why; the supervisors get a task."),
    ("merge.report.note", "说明", "Note"),
    ("merge.report.this", "本客户", "This customer"),
    ("merge.report.other", "疑似重复的客户", "Suspected duplicate"),
    ("merge.report.send", "报告给主管", "Report to the supervisors"),
    ("merge.report.sent", "已报告，主管将收到一条“疑似重复客户”任务。", "Reported: the supervisors get a \"suspected duplicate\" task."),
    ("merge.choose", "逐项选择保留的值", "Choose the value to keep for each field"),
    ("merge.choose.explain", "默认保留本客户的值；本客户为空时采用重复客户的值。", "By default the kept customer's value stays; where it is blank the duplicate's is taken."),
    ("merge.field", "字段", "Field"),
    ("merge.fields_moved", "采用重复客户值的字段：", "Fields that took the duplicate's value:"),
    ("merge.fields_none", "所有字段均保留本客户的值。", "Every field kept the kept customer's value."),
    ("merge.empty", "（空）", "(blank)"),
    ("field.division_unknown", "不在行政区划表中，请从列表中选择", "Not in the division table; choose from the list"),
    ("merge.open_kept", "打开合并后的客户", "Open the merged customer"),
];
