//! Tasks (CUS-12).

/// `(key, 中文, English)`.
#[rustfmt::skip]
pub const TEXT: &[(&str, &str, &str)] = &[
    // tasks
    ("tasks.title", "我的待办", "My tasks"),
    ("tasks.today", "今日待办", "Today"),
    ("tasks.overdue", "已逾期", "Overdue"),
    ("tasks.upcoming.title", "未来 7 天", "Next 7 days"),
    ("tasks.later", "之后还有 {} 项待办", "Open tasks after that: {}"),
    ("tasks.none.upcoming", "未来 7 天没有待办", "Nothing due in the next 7 days"),
    ("tasks.views", "待办视图", "Task views"),
    ("tasks.view.week", "近期", "This week"),
    ("tasks.view.all", "全部待办", "All open tasks"),
    ("weekday.mon", "周一", "Mon"),
    ("weekday.tue", "周二", "Tue"),
    ("weekday.wed", "周三", "Wed"),
    ("weekday.thu", "周四", "Thu"),
    ("weekday.fri", "周五", "Fri"),
    ("weekday.sat", "周六", "Sat"),
    ("weekday.sun", "周日", "Sun"),
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
