//! Break-glass access (X-6a).

/// `(key, 中文, English)`.
#[rustfmt::skip]
pub const TEXT: &[(&str, &str, &str)] = &[
    // break-glass (X-6a): called as agents call it, 紧急查看 / emergency access
    ("breakglass.open", "紧急查看", "Emergency access"),
    ("breakglass.title", "紧急查看档案", "Emergency access to this record"),
    ("breakglass.explain", "紧急查看将被记录在审计日志中，并由主管复核。授权有效期 30 分钟。", "Emergency access is recorded in the audit trail and reviewed by a supervisor. It lasts 30 minutes."),
    ("breakglass.reason", "原因", "Reason"),
    ("breakglass.reason.hint", "如：患者来电，急诊需要核对过敏史", "e.g. patient on the phone, the emergency team needs the allergies"),
    ("breakglass.reason.error", "请用至少 8 个字说明为何现在需要查看该档案（最多 500 字）", "Say in at least 8 characters (at most 500) why the record is needed now"),
    ("breakglass.category", "事由类别", "Category"),
    ("breakglass.waiting", "您今天的紧急查看次数已达上限，本次申请需主管批准后才能查看档案。", "You have reached today's limit of emergency accesses: this request opens the record once a supervisor approves it."),
    ("breakglass.pending", "待批准", "Awaiting approval"),
    ("breakglass.approve", "批准", "Approve"),
    ("breakglass.approved", "已批准，授权有效期 30 分钟", "Approved: the record is open for 30 minutes"),
    ("breakglass.confirm", "确认查看", "Open the record"),
    ("breakglass.temporary", "临时访问权限，还剩 {} 分钟", "Temporary access, {} min left"),
    ("breakglass.temporary.over", "临时访问权限已到期", "Temporary access has ended"),
    ("breakglass.temporary.until", "（至 {}）", "(until {})"),
    ("breakglass.reviews", "紧急查看复核", "Emergency access reviews"),
    ("breakglass.none", "没有待复核的紧急查看", "No emergency access to review"),
    ("breakglass.none_reviewed", "没有符合条件的已复核记录", "No reviewed emergency access matches"),
    ("breakglass.show", "显示", "Show"),
    ("breakglass.show.to_review", "待复核", "To review"),
    ("breakglass.show.reviewed", "已复核（全部）", "Reviewed (all)"),
    ("breakglass.show.outcome", "已复核：{}", "Reviewed: {}"),
    ("breakglass.granted_at", "访问时间", "When"),
    ("breakglass.expires_at", "到期", "Expires"),
    ("breakglass.user", "员工", "User"),
    ("breakglass.customer", "客户", "Customer"),
    ("breakglass.outcome", "复核结论", "Finding"),
    ("breakglass.note", "复核意见", "Review note"),
    ("breakglass.note.required", "结论为“不合理”时请写明原因", "Say why the access was inappropriate"),
    ("breakglass.review", "复核", "Review"),
    ("breakglass.reviewed", "已复核", "Reviewed"),
];
