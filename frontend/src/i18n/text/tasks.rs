//! Tasks (CUS-12).

/// `(key, 中文, English)`.
#[rustfmt::skip]
pub const TEXT: &[(&str, &str, &str)] = &[
    // tasks
    ("tasks.title", "我的待办", "My tasks"),
    ("tasks.today", "今日待办", "Today"),
    ("tasks.overdue", "已逾期", "Overdue"),
    ("tasks.upcoming", "之后还有 {} 项待办", "{} more upcoming"),
    ("tasks.none", "暂无待办", "No open tasks"),
    ("tasks.none.today", "今天没有待办", "Nothing due today"),
    ("tasks.none.overdue", "没有逾期待办", "Nothing overdue"),
    ("tasks.of_customer", "待办事项", "Open tasks"),
    ("tasks.customer", "客户", "Customer"),
    ("tasks.done", "完成", "Done"),
    ("tasks.done.confirm", "确认完成", "Mark done"),
    ("tasks.outcome", "处理结果", "Outcome"),
    ("tasks.from_contact", "联系记录：{}", "Contact record: {}"),
];
