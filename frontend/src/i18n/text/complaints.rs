//! Complaints (CMP-1 … CMP-9): intake, the workbench, the case page, clocks and the flow.
//! States, actions, channels and classifications are labelled by hcrm-domain's enums.

/// `(key, 中文, English)`.
#[rustfmt::skip]
pub const TEXT: &[(&str, &str, &str)] = &[
    // clocks (CMP-5, CMP-5a)
    ("clock.left", "剩余 {}", "{} left"),
    ("clock.left.working", "剩余 {}（工作时间）", "{} of working time left"),
    ("clock.overdue", "已超时 {}", "Overdue by {}"),
    ("clock.paused_left", "已暂停 · 剩余 {}", "Paused · {} left"),
    ("clock.deadline", "截止 {}", "Due {}"),
    // the flow (CMP-4)
    ("flow.title", "处理流程", "Handling steps"),
    ("flow.branch", "患者不同意时：", "If the patient disagrees:"),
    ("flow.done", "已完成", "done"),
    ("flow.current", "当前步骤", "current step"),
];
