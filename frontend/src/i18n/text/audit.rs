//! The audit trail page.

/// `(key, 中文, English)`.
#[rustfmt::skip]
pub const TEXT: &[(&str, &str, &str)] = &[
    // audit
    ("audit.title", "审计日志", "Audit trail"),
    ("audit.at", "时间", "When"),
    ("audit.actor", "操作人", "Who"),
    ("audit.action", "操作", "Action"),
    ("audit.entity", "对象", "Entity"),
    ("audit.entity_type", "对象类型", "Entity type"),
    ("audit.changes", "变更内容", "Changes"),
    ("audit.address", "来源地址", "Address"),
    ("audit.flagged", "需复核", "Flagged"),
    ("audit.do.create", "新建", "create"),
    ("audit.do.update", "修改", "update"),
    ("audit.do.deactivate", "停用", "deactivate"),
    ("audit.do.delete", "删除", "delete"),
    ("audit.do.login", "登录", "sign-in"),
    ("audit.do.login_failed", "登录失败", "failed sign-in"),
    ("audit.do.logout", "退出", "sign-out"),
    ("audit.do.read", "查看", "read"),
    ("audit.do.revoke", "撤销", "revoke"),
    ("audit.do.totp_enable", "开启两步验证", "two-factor on"),
    ("audit.do.totp_disable", "关闭两步验证", "two-factor off"),
    ("audit.do.totp_reset", "重置两步验证", "two-factor reset"),
    ("audit.do.totp_failed", "两步验证更改失败", "failed two-factor change"),
];
