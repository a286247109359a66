//! every piece of interface text in Simplified Chinese (default) and English.
//!
//! Text is looked up by key in one table so a missing translation is easy to spot; enum labels
//! (roles, permissions …) come from hcrm-domain's [`Label`](hcrm_domain::Label) instead.

use hcrm_domain::Lang;
use hcrm_domain::api::Problem;

/// `(key, 中文, English)`.
#[rustfmt::skip]
const TEXT: &[(&str, &str, &str)] = &[
    ("app.name", "医院客户关系管理", "Hospital CRM"),
    ("app.short", "HCRM", "HCRM"),
    ("lang.switch", "English", "简体中文"),
    ("lang.switch.title", "切换到英文", "Switch to Chinese"),
    ("loading", "加载中…", "Loading…"),
    // sign-in
    ("login.title", "登录", "Sign in"),
    ("login.subtitle", "客户服务中心工作台", "Customer service workbench"),
    ("login.username", "用户名", "Username"),
    ("login.password", "密码", "Password"),
    ("login.submit", "登录", "Sign in"),
    ("login.busy", "正在登录…", "Signing in…"),
    ("login.totp", "验证码", "Verification code"),
    ("login.totp.prompt", "该账号已开启两步验证，请输入身份验证器应用中显示的 6 位验证码。", "Two-factor sign-in is on for this account: enter the 6-digit code shown by your authenticator app."),
    ("login.totp.back", "换个账号登录", "Sign in with another account"),
    ("logout", "退出登录", "Sign out"),
    // navigation
    ("nav.label", "主菜单", "Main menu"),
    ("nav.group.work", "业务", "Work"),
    ("nav.group.admin", "系统管理", "Administration"),
    ("nav.home", "首页", "Home"),
    ("nav.customers", "客户档案", "Customers"),
    ("nav.service", "咨询预约", "Consultations & appointments"),
    ("nav.complaints", "投诉", "Complaints"),
    ("nav.follow-ups", "回访", "Follow-ups"),
    ("nav.members", "会员", "Members & VIP"),
    ("nav.messages", "消息", "Messages"),
    ("nav.quality", "服务质量", "Service quality"),
    ("nav.reports", "报表", "Reports"),
    ("nav.integration", "系统对接", "Integration"),
    ("nav.institutions", "机构", "Institutions"),
    ("nav.departments", "科室与专家", "Departments & doctors"),
    ("nav.users", "员工", "Staff"),
    ("nav.audit", "审计日志", "Audit trail"),
    ("nav.security", "安全设置", "Security settings"),
    ("nav.locked", "设置两步验证后可用", "Available once two-factor sign-in is set up"),
    ("nav.profile", "个人信息", "Profile"),
    // generic pages
    ("home.welcome", "欢迎，", "Welcome, "),
    ("home.hint", "请选择要处理的工作。", "Pick what to work on."),
    ("soon.title", "即将推出", "Coming soon"),
    ("soon.text", "该模块正在建设中，敬请期待。", "This module is being built and will be available soon."),
    ("notfound.title", "页面不存在", "Page not found"),
    ("notfound.back", "返回首页", "Back to the home page"),
    // common words
    ("common.search", "搜索", "Search"),
    ("common.search.placeholder", "输入关键字搜索", "Type to search"),
    ("common.new", "新建", "New"),
    ("common.edit", "编辑", "Edit"),
    ("common.save", "保存", "Save"),
    ("common.saving", "正在保存…", "Saving…"),
    ("common.cancel", "取消", "Cancel"),
    ("common.close", "关闭", "Close"),
    ("common.choose", "请选择", "Choose"),
    ("common.deactivate", "停用", "Deactivate"),
    ("common.deactivate.confirm", "确定停用该记录吗？", "Deactivate this record?"),
    ("common.actions", "操作", "Actions"),
    ("common.status", "状态", "Status"),
    ("common.active", "启用", "Active"),
    ("common.inactive", "已停用", "Inactive"),
    ("common.all", "全部", "All"),
    ("common.yes", "是", "Yes"),
    ("common.no", "否", "No"),
    ("common.empty", "暂无数据", "Nothing to show"),
    ("common.saved", "已保存", "Saved"),
    ("common.show_inactive", "包含已停用", "Include inactive"),
    ("common.required", "必填", "required"),
    ("pager.prev", "上一页", "Previous"),
    ("pager.next", "下一页", "Next"),
    ("pager.total", "共 {} 条", "{} in total"),
    ("pager.total_capped", "超过 {} 条，请缩小搜索范围", "More than {}; narrow the search"),
    ("pager.page_open", "第 {} 页", "Page {}"),
    ("pager.page", "第 {} / {} 页", "Page {} of {}"),
    // institutions
    ("inst.title", "机构管理", "Institutions"),
    ("inst.new", "新建机构", "New institution"),
    ("inst.edit", "编辑机构", "Edit institution"),
    ("inst.code", "机构代码", "Code"),
    ("inst.code.hint", "2–6 位大写字母或数字，如 BJ01", "2–6 upper-case letters or digits, e.g. BJ01"),
    ("inst.name", "机构名称", "Name"),
    ("inst.city", "城市", "City"),
    ("inst.local", "京内（本地）机构", "Local (in the home city)"),
    ("inst.local.short", "本地", "Local"),
    ("inst.time_zone", "时区", "Time zone"),
    ("inst.address", "地址", "Address"),
    ("inst.break_glass_roles", "可申请紧急访问本机构客户档案的角色", "Roles that may break the glass into this institution's records"),
    ("inst.break_glass_roles.hint", "不勾选任何角色则无人可以申请；每次访问都会记录并由主管复核。", "With none ticked nobody may; every access is recorded and reviewed by a supervisor."),
    ("inst.hotline", "服务热线", "Hotline"),
    // departments & doctors
    ("dept.title", "科室与专家", "Departments & doctors"),
    ("dept.new", "新建科室", "New department"),
    ("dept.edit", "编辑科室", "Edit department"),
    ("dept.institution", "所属机构", "Institution"),
    ("dept.name", "科室名称", "Department"),
    ("dept.code", "科室代码", "Code"),
    ("dept.phone", "科室电话", "Phone"),
    ("dept.choose_institution", "请选择机构", "Choose an institution"),
    ("dept.doctors", "专家", "Doctors"),
    ("doctor.name", "姓名", "Name"),
    ("doctor.title", "职称", "Title"),
    ("doctor.specialties", "擅长", "Specialties"),
    ("doctor.schedule", "出诊时间", "Schedule"),
    ("doctor.none", "该科室暂无专家", "No doctors in this department"),
    ("doctor.new", "新增专家", "New doctor"),
    ("doctor.edit", "编辑专家", "Edit doctor"),
    ("doctor.title.hint", "如 主任医师、副主任医师", "e.g. chief physician"),
    ("doctor.specialties.hint", "多个擅长用顿号或逗号分隔", "Separate several with commas"),
    ("doctor.capacity", "号源", "Capacity"),
    ("doctor.slot.add", "添加出诊时段", "Add a session"),
    ("doctor.slot.remove", "删除", "Remove"),
    // users
    ("user.title", "员工管理", "Staff"),
    ("user.new", "新建员工", "New staff member"),
    ("user.edit", "编辑员工", "Edit staff member"),
    ("user.username", "用户名", "Username"),
    ("user.username.hint", "3–32 位小写字母、数字、. _ -，以字母开头", "3–32 lower-case letters, digits, . _ -, starting with a letter"),
    ("user.display_name", "姓名", "Display name"),
    ("user.password", "密码", "Password"),
    ("user.password.hint", "至少 8 位，包含字母和数字", "At least 8 characters with a letter and a digit"),
    ("user.password.keep", "留空则不修改密码", "Leave empty to keep the password"),
    ("user.phone", "手机号", "Mobile"),
    ("user.roles", "角色", "Roles"),
    ("user.institutions", "所属机构", "Institutions"),
    ("user.group_wide", "集团级（可查看全部机构）", "Group-wide (sees every institution)"),
    ("user.group_wide.short", "集团级", "Group-wide"),
    ("user.last_login", "最近登录", "Last sign-in"),
    ("user.role_filter", "按角色筛选", "Filter by role"),
    // API keys of integration users
    ("apikey.title", "API 密钥", "API keys"),
    ("apikey.title.of", "API 密钥：{}", "API keys: {}"),
    ("apikey.usage", "对接系统调用接口时在请求头中携带 Authorization: Bearer <密钥>，权限与该对接用户的角色和机构相同。", "Integrated systems send Authorization: Bearer <key>; the key acts with this user's roles and institutions."),
    ("apikey.close", "关闭", "Close"),
    ("apikey.none", "该用户暂无 API 密钥", "This user has no API keys"),
    ("apikey.scopes", "权限范围", "Scopes"),
    ("apikey.scopes.hint", "密钥只能访问勾选的权限（不超过“系统对接”角色），按最小权限原则只勾选对接所需的。", "The key reaches only what is ticked (never more than the Integration client role); tick only what the integration needs."),
    ("apikey.name", "名称", "Name"),
    ("apikey.name.hint", "用于识别该密钥，如 HIS 生产环境", "To recognise the key, e.g. HIS production"),
    ("apikey.prefix", "前缀", "Prefix"),
    ("apikey.created", "创建时间", "Created"),
    ("apikey.expires", "有效期至", "Expires"),
    ("apikey.expires.hint", "可选；留空则长期有效。到所选日期当天结束时失效", "Optional; leave empty for no expiry. Stops working at the end of that day"),
    ("apikey.never", "长期有效", "Never"),
    ("apikey.last_used", "最近使用", "Last used"),
    ("apikey.unused", "从未使用", "Never used"),
    ("apikey.valid", "有效", "Valid"),
    ("apikey.expired", "已过期", "Expired"),
    ("apikey.revoked", "已撤销", "Revoked"),
    ("apikey.revoked.notice", "API 密钥已撤销", "The API key was revoked"),
    ("apikey.revoke", "撤销", "Revoke"),
    ("apikey.revoke.confirm", "确定撤销该 API 密钥吗？使用该密钥的系统将立即无法访问，且不能恢复。", "Revoke this API key? Systems using it lose access at once; this cannot be undone."),
    ("apikey.new", "生成新密钥", "New API key"),
    ("apikey.create", "生成密钥", "Create key"),
    ("apikey.creating", "正在生成…", "Creating…"),
    ("apikey.new.title", "已生成密钥“{}”", "API key \u{201c}{}\u{201d} created"),
    ("apikey.new.warning", "请立即复制并妥善保存此密钥：它只显示这一次，关闭或离开后将无法再次查看。如遗失，只能撤销后重新生成。", "Copy this key now and store it safely: it is shown only this once and cannot be displayed again. If it is lost, revoke it and create a new one."),
    ("apikey.copy", "复制", "Copy"),
    ("apikey.copied", "已复制", "Copied"),
    ("apikey.done", "我已保存，隐藏密钥", "I have stored it; hide the key"),
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
    // profile
    ("profile.title", "个人信息", "My profile"),
    ("profile.username", "用户名", "Username"),
    ("profile.display_name", "姓名", "Name"),
    ("profile.roles", "角色", "Roles"),
    ("profile.scope", "数据范围", "Data scope"),
    ("profile.group_wide", "集团级：全部机构", "Group-wide: every institution"),
    ("profile.institutions", "所属机构", "Institutions"),
    ("profile.permissions", "权限", "Permissions"),
    // two-factor sign-in (X-6c)
    ("totp.title", "两步验证", "Two-factor sign-in"),
    ("totp.about", "开启后，登录时除密码外还需输入手机身份验证器应用（如 Microsoft Authenticator、Google 身份验证器、腾讯身份验证器）生成的 6 位验证码。", "When it is on, signing in needs, besides the password, the 6-digit code of an authenticator app on your phone (Microsoft Authenticator, Google Authenticator …)."),
    ("totp.status", "状态", "Status"),
    ("totp.on", "已开启", "On"),
    ("totp.off", "未开启", "Off"),
    ("totp.setup", "开启两步验证", "Set up two-factor sign-in"),
    ("totp.setup.busy", "正在生成密钥…", "Creating a secret…"),
    ("totp.step1", "在手机上打开身份验证器应用，选择“添加账户”→“手动输入密钥”（或“输入设置密钥”）。", "Open the authenticator app on your phone and choose to add an account by entering a setup key."),
    ("totp.step2", "账户名填写您的用户名，密钥填写下面的内容（基于时间），保存。", "Use your username as the account name, type the key below (time-based) and save."),
    ("totp.step3", "输入应用中显示的 6 位验证码，点击“确认开启”。", "Enter the 6-digit code the app now shows and press Confirm."),
    ("totp.secret", "密钥", "Key"),
    ("totp.uri", "配置链接（支持该链接的应用可直接导入）", "Setup link (for apps that can import it)"),
    ("totp.secret.warning", "请勿把密钥告诉他人；完成设置后它将不再显示。", "Do not share the key; it is not shown again once set up."),
    ("totp.code", "6 位验证码", "6-digit code"),
    ("totp.password", "当前登录密码", "Current password"),
    ("totp.password.hint", "为保护账号安全，更改两步验证前请再次输入您的登录密码。", "For your account's safety, enter your sign-in password again to change two-factor sign-in."),
    ("totp.enable", "确认开启", "Confirm"),
    ("totp.enabled", "两步验证已开启，下次登录时需要输入验证码。", "Two-factor sign-in is on; signing in will ask for a code from now on."),
    ("totp.disable", "关闭两步验证", "Turn off two-factor sign-in"),
    ("totp.disable.hint", "输入身份验证器应用当前显示的验证码以关闭两步验证。", "Enter the code your authenticator app shows now to turn two-factor sign-in off."),
    ("problem.totp_too_many_attempts", "密码或验证码错误次数过多，请稍后再试。", "Too many wrong passwords or codes; please try again later."),
    ("problem.totp_too_many_attempts.wait", "密码或验证码错误次数过多，请 {} 秒后再试。", "Too many wrong passwords or codes; please try again in {} seconds."),
    ("problem.totp_too_many_attempts.wait_min", "密码或验证码错误次数过多，请 {} 分钟后再试。", "Too many wrong passwords or codes; please try again in {} minutes."),
    ("totp.disabled", "两步验证已关闭。", "Two-factor sign-in is off."),
    ("totp.required_by_role", "您的角色要求必须使用两步验证，因此不能关闭。如更换或丢失手机，请联系系统管理员重置。", "Your role requires two-factor sign-in, so it cannot be turned off. If you change or lose your phone, ask an administrator to reset it."),
    ("totp.lost", "如更换或丢失手机，请联系系统管理员重置两步验证。", "If you change or lose your phone, ask an administrator to reset two-factor sign-in."),
    ("totp.enroll.title", "请先开启两步验证", "Set up two-factor sign-in first"),
    ("totp.enroll.text", "根据系统安全设置，您的角色必须使用两步验证登录。在下方完成设置之前，菜单中的各业务模块均已锁定。", "The security settings require two-factor sign-in for your role. The modules of the menu are locked until you set it up below."),
    ("totp.reset", "重置两步验证", "Reset two-factor"),
    ("totp.reset.confirm", "确定重置该员工的两步验证吗？其两步验证将被关闭、已登录的会话将被退出，之后需重新设置（适用于更换或丢失手机）。", "Reset this user's two-factor sign-in? It is turned off and their sessions are signed out; they set it up again afterwards (for a new or lost phone)."),
    ("totp.reset.done", "已重置该员工的两步验证", "The user's two-factor sign-in was reset"),
    // security settings (X-6c)
    ("security.title", "安全设置", "Security settings"),
    ("security.totp_roles", "必须使用两步验证的角色", "Roles that must use two-factor sign-in"),
    ("security.totp_roles.hint", "勾选的角色的员工在开启两步验证之前只能进入个人信息页完成设置。请先为自己开启两步验证，再要求自己的角色使用。", "Staff with a ticked role can only open their profile, to set it up, until their two-factor sign-in is on. Turn on your own before requiring it for your role."),
    ("security.self_warning", "您自己的角色也在其中，而您尚未开启两步验证：保存后您需要先完成设置。", "Your own role is included and your two-factor sign-in is off: you will have to set it up after saving."),
    // problems (Problem::code())
    ("problem.validation", "输入有误，请检查标出的字段。", "Some fields are invalid; please check the marked fields."),
    ("problem.invalid_credentials", "用户名或密码错误。", "Wrong username or password."),
    ("problem.too_many_attempts", "登录失败次数过多，请稍后再试。", "Too many failed sign-ins; please try again later."),
    ("problem.too_many_attempts.wait", "登录失败次数过多，请 {} 秒后再试。", "Too many failed sign-ins; please try again in {} seconds."),
    ("problem.too_many_attempts.wait_min", "登录失败次数过多，请 {} 分钟后再试。", "Too many failed sign-ins; please try again in {} minutes."),
    ("problem.not_found", "记录不存在或无权查看。", "The record does not exist or you may not see it."),
    ("problem.stale", "该记录已被他人修改，现已显示最新内容，请重新修改后保存。", "Someone else changed this record; its latest version is shown now, please redo your change and save."),
    ("problem.duplicate", "记录已存在，请修改标出的字段。", "This record already exists; please change the marked field."),
    ("problem.forbidden", "您没有执行此操作的权限。", "You are not allowed to do this."),
    ("problem.unauthorized", "登录已过期，请重新登录。", "Your session has expired; please sign in again."),
    ("problem.network", "无法连接服务器，请检查网络后重试。", "Cannot reach the server; check the network and retry."),
    ("problem.unavailable", "服务暂时不可用，请稍后再试。", "The service is temporarily unavailable; please retry later."),
    ("problem.bad_request", "请求格式有误。", "The request was malformed."),
    ("problem.totp_required", "请输入身份验证器应用中的 6 位验证码。", "Enter the 6-digit code of your authenticator app."),
    ("problem.invalid_totp", "验证码错误或已使用过，请输入应用中最新显示的验证码。", "The code is wrong or was already used; enter the latest code of the app."),
    ("problem.own_grant", "紧急访问须由申请人以外的主管复核或批准。", "A break-glass access is reviewed or approved by someone other than the person who opened it."),
    ("problem.break_glass_not_allowed", "该机构不允许您的角色申请紧急访问。", "This institution does not let your role break the glass."),
    ("problem.totp_enrollment_required", "您的角色要求使用两步验证，请先在个人信息页开启。", "Your role requires two-factor sign-in; set it up on your profile first."),
    ("problem.other", "操作失败，请稍后再试。", "The operation failed; please retry later."),
    ("problem.payload_too_large", "文件太大或超出导入限制：最多 10 MB、10 万行、64 列。", "The file is too large or past the import limits: 10 MB, 100,000 rows, 64 columns."),
    // field error codes (validator codes from hcrm-domain and the API)
    ("field.institution_code", "须为 2–6 位大写字母或数字", "Must be 2 to 6 upper-case letters or digits"),
    ("field.username", "须为 3–32 位小写字母、数字、. _ -，以字母开头", "Must be 3 to 32 lower-case letters, digits, '.', '_' or '-', starting with a letter"),
    ("field.password", "须为 8–128 位，至少包含一个字母和一个数字", "Must be 8 to 128 characters with a letter and a digit"),
    ("field.mobile", "请输入正确的手机号，如 13812345678", "Enter a mainland mobile number such as 13812345678"),
    ("field.phone", "请输入正确的电话号码，如 010-12345678", "Enter a telephone number such as 010-12345678"),
    ("field.time_zone", "请输入有效的时区，如 Asia/Shanghai", "Enter an IANA time zone such as Asia/Shanghai"),
    ("field.blank", "不能为空", "Must not be blank"),
    ("field.control_character", "不能含控制字符或不可见的格式字符", "Must not contain control or invisible formatting characters"),
    ("field.length", "长度不符合要求", "Has the wrong length"),
    ("field.required", "必填", "Required"),
    ("field.duplicate", "已被使用", "Is already taken"),
    ("field.group_wide", "只有客服总监、总经理和系统管理员可以是集团级", "Only directors, executives and administrators may be group-wide"),
    ("field.institution_ids", "非集团级员工至少需要一个机构", "Pick at least one institution for a user who is not group-wide"),
    ("field.range", "超出允许范围", "Is out of range"),
    ("field.past", "须为将来的日期", "Must be in the future"),
    ("field.not_integration", "只有具有“系统对接”角色的用户才能拥有 API 密钥", "Only users with the Integration client role can have API keys"),
    ("field.self", "不能对自己执行此操作；修改自己的角色、机构或集团级权限请联系另一位管理员", "You cannot do this to yourself; another administrator changes your own roles, institutions or group-wide access"),
    ("field.break_glass_role", "系统管理员和系统对接不能申请紧急访问", "Administrators and integration clients cannot break the glass"),
    ("field.beyond_role", "超出“系统对接”角色的权限", "Is beyond what the Integration client role may do"),
    ("field.scope", "超出您可授予的数据范围，或与所选角色不符", "Is outside the data scope you may grant, or does not fit the roles"),
    ("field.bad_reference", "引用的记录不存在或您无权访问", "Refers to a record that does not exist or that you may not see"),
    ("field.invalid_sort", "排序方式无效", "Is not a valid sort order"),
    ("field.if_match", "版本号无效，请刷新后重试", "Has an invalid record version; reload and retry"),
    ("field.unknown", "不存在", "Does not exist"),
    ("field.totp_code", "请输入 6 位数字验证码", "Enter the 6-digit code"),
    ("field.invalid_totp", "验证码错误或已使用过，请输入应用中最新的验证码", "The code is wrong or was already used; enter the app's latest code"),
    ("field.totp_not_started", "请先点击“开启两步验证”生成密钥", "Start with the set-up button to get a key first"),
    ("field.totp_required_by_role", "您的角色要求必须使用两步验证，不能关闭", "Your role requires two-factor sign-in; it cannot be turned off"),
    ("field.totp_not_enabled", "两步验证尚未开启", "Two-factor sign-in is not on"),
    ("field.invalid_password", "密码错误", "The password is wrong"),
    ("field.invalid", "无效", "Is invalid"),
    ("nav.tasks", "我的待办", "My tasks"),
    ("nav.break-glass", "紧急访问复核", "Break-glass reviews"),
    ("common.updated_at", "更新时间", "Updated"),
    // customers (CUS)
    ("customer.title", "客户档案", "Customers"),
    ("customer.new", "新建客户", "New customer"),
    ("customer.edit", "编辑客户", "Edit customer"),
    ("customer.open", "打开", "Open"),
    ("customer.import", "导入客户", "Import customers"),
    ("customer.export.csv", "导出 CSV", "Export CSV"),
    ("customer.export.xlsx", "导出 Excel", "Export XLSX"),
    ("customer.export.unmasked", "导出完整号码", "Full numbers"),
    ("customer.export.unmasked.hint", "导出未脱敏的证件号和电话，会记入审计日志", "Export unmasked ID and phone numbers; recorded in the audit trail"),
    ("customer.search.title", "查找客户", "Find a customer"),
    ("customer.search.placeholder", "搜索客户", "Search customers"),
    ("customer.search.hint", "姓名、手机号或后4位、证件号、卡号、拼音首字母", "Name, mobile or its last 4 digits, ID number, card number, pinyin initials"),
    ("customer.search.none", "没有找到匹配的客户", "No matching customer"),
    ("customer.age.unit", "岁", " yrs"),
    ("customer.name", "姓名/名称", "Name"),
    ("customer.kind", "客户类型", "Kind"),
    ("customer.kind.all", "全部类型", "All kinds"),
    ("customer.gender", "性别", "Gender"),
    ("customer.gender_age", "性别/年龄", "Gender / age"),
    ("customer.birth_date", "出生日期", "Birth date"),
    ("customer.id_type", "证件类型", "Document type"),
    ("customer.id_number", "证件号码", "ID number"),
    ("customer.id_number.parsed", "证件信息：出生 {}，{}", "From the ID: born {}, {}"),
    ("customer.phone", "手机号", "Mobile"),
    ("customer.phone2", "备用手机号", "Second mobile"),
    ("customer.email", "电子邮箱", "E-mail"),
    ("customer.wechat", "微信", "WeChat"),
    ("customer.form_of_address", "尊称", "Form of address"),
    ("customer.form_of_address.hint", "留空则按姓氏、性别、年龄自动生成，如 王大爷、张女士", "Leave empty to derive it from surname, gender and age, e.g. 王大爷, 张女士"),
    ("customer.occupation", "职业", "Occupation"),
    ("customer.landline", "固定电话", "Landline"),
    ("customer.card_number", "就诊卡号", "Card number"),
    ("customer.qq", "QQ", "QQ"),
    ("customer.province", "省份", "Province"),
    ("customer.education", "学历", "Education"),
    ("customer.marital_status", "婚姻状况", "Marital status"),
    ("customer.family_situation", "家庭情况", "Family situation"),
    ("customer.preferred_language", "偏好语言", "Preferred language"),
    ("customer.preferred_channel", "偏好联系方式", "Preferred channel"),
    ("customer.preferred_hours", "方便联系时间", "Preferred hours"),
    ("customer.source_detail", "来源说明（介绍人、广告渠道等）", "Source detail (referrer, campaign …)"),
    ("customer.org_size", "规模", "Size"),
    ("customer.uscc", "统一社会信用代码", "Unified social credit code"),
    ("customer.industry", "行业", "Industry"),
    ("customer.address", "地址", "Address"),
    ("customer.city", "城市", "City"),
    ("customer.district", "区县", "District"),
    ("customer.street", "详细地址", "Street"),
    ("customer.source", "来源渠道", "Source channel"),
    ("customer.stage", "生命周期阶段", "Lifecycle stage"),
    ("customer.stage.all", "全部阶段", "All stages"),
    ("customer.stage.history", "阶段历史", "Stage history"),
    ("customer.stage.at", "时间", "When"),
    ("customer.stage.from", "原阶段", "From"),
    ("customer.stage.to", "新阶段", "To"),
    ("customer.stage_reason", "变更原因", "Reason"),
    ("customer.relationship_type", "医患关系类型", "Relationship type"),
    ("customer.account_manager", "客户经理", "Account manager"),
    ("customer.external_ids", "外部编号", "External ids"),
    ("customer.external_ids.system", "系统", "System"),
    ("customer.external_ids.id", "编号", "Id"),
    ("customer.external_ids.add", "添加外部编号", "Add an external id"),
    ("customer.external_ids.remove", "删除", "Remove"),
    ("customer.external_ids.none", "暂无外部编号", "No external ids"),
    ("customer.external_ids.hint", "其他系统中的编号，如 HIS 患者号（系统填 his），最多 10 个", "Ids in other systems, e.g. a HIS patient id (system his); at most 10"),
    ("customer.employer", "工作单位", "Employer"),
    ("customer.employer.hint", "搜索并选择一个团体客户", "Search for an organization customer and pick it"),
    ("customer.referred_by", "介绍人", "Referred by"),
    ("customer.pick.placeholder", "输入姓名、手机号等搜索", "Type a name, mobile … to search"),
    ("customer.pick.clear", "清除", "Clear"),
    ("customer.pick.clear.title", "清除已选的客户", "Remove the picked customer"),
    ("customer.pick.unnamed", "客户 {}", "Customer {}"),
    ("customer.interests", "兴趣爱好", "Interests"),
    ("customer.interests.hint", "多项用逗号或顿号分隔，最多 20 项", "Separate several with commas; at most 20"),
    ("customer.categories", "客户类别", "Categories"),
    ("customer.tags", "标签", "Tags"),
    ("customer.tags.hint", "多个标签用逗号或顿号分隔", "Separate several tags with commas"),
    ("customer.notes", "备注", "Notes"),
    ("customer.created_at", "建档时间", "Created"),
    ("customer.masked", "证件号和电话已按隐私规则部分隐藏（需要“查看完整证件号与电话”权限）。", "ID and phone numbers are partly hidden by the privacy rules (needs the “See unmasked ID and phone” permission)."),
    ("customer.masked.edit", "证件号和电话已部分隐藏，您不能修改它们。", "ID and phone numbers are partly hidden; you cannot change them."),
    ("customer.duplicate.warning", "可能与以下已有客户重复，请先核对：", "This may be a customer who already exists; please check:"),
    ("customer.duplicate.matched_on", "相同：", "Same "),
    ("customer.duplicate.other", "其他信息", "other details"),
    ("customer.create_anyway", "仍然创建", "Create anyway"),
    ("customer.restricted", "该客户档案不在您的访问范围内。如确有紧急需要，可说明原因申请临时访问（将被记录并由主管复核）。", "This record is outside your access. In an emergency you may state a reason to open it for a short time (recorded and reviewed by a supervisor)."),
    ("customer.restricted.title", "需要权限", "Restricted"),
    ("customer.restricted.section", "查看此部分需要相应权限；紧急情况下可申请临时访问。", "Viewing this section needs a permission; in an emergency you may request temporary access."),
    ("customer.section.unavailable", "此功能暂未开放", "Not available yet"),
    ("customer.timeline", "客户时间线", "Timeline"),
    ("customer.timeline.more", "加载更多", "Load more"),
    ("customer.medical", "医疗敏感信息", "Medical profile"),
    ("customer.private_notes", "VIP 私密信息", "Private notes"),
    ("medical.allergies", "过敏史", "Allergies"),
    ("medical.family_history", "遗传/家族病史", "Genetic / family history"),
    ("medical.chronic_conditions", "慢性病", "Chronic conditions"),
    ("medical.information_needs", "医疗信息需求", "Medical information needs"),
    ("private.preferences", "喜好", "Preferences"),
    ("private.habits", "习惯", "Habits"),
    ("private.family_background", "家庭背景", "Family background"),
    ("private.special_requests", "特殊要求", "Special requests"),
    ("timeline.stage.move", "生命周期：{} → {}", "{} → {}"),
    ("timeline.contact.detail", "{}：{}", "{}: {}"),
    ("timeline.task.due", "截止 {}", "Due {}"),
    // contact records (CUS-12)
    ("contact.title", "联系记录", "Contact records"),
    ("contact.none", "暂无联系记录", "No contact records yet"),
    ("contact.channel", "联系方式", "Channel"),
    ("contact.direction", "方向", "Direction"),
    ("contact.subject", "主题", "Subject"),
    ("contact.content", "内容", "Content"),
    ("contact.feedback", "客户反馈", "Customer feedback"),
    ("contact.next_step", "下一步约定事项", "Next step"),
    ("contact.next_step_on", "约定日期", "Next step date"),
    ("contact.next_step_on.hint", "填写日期后将为您生成提醒待办", "With a date, a reminder task is created for you"),
    ("contact.save", "保存联系记录", "Save contact"),
    ("contact.saved", "联系记录已保存", "Contact record saved"),
    ("contact.saved.task", "联系记录已保存，已生成提醒待办", "Contact record saved; a reminder task was created"),
    ("contact.error.subject", "请填写主题", "Enter a subject"),
    ("contact.error.next_step", "填写约定日期时请同时填写约定事项", "Say what the next step is when giving its date"),
    ("contact.error.past", "约定日期不能早于今天", "The date cannot be in the past"),
    // relations (CUS-7)
    ("relation.title", "客户关系", "Relations"),
    ("relation.none", "暂无关系", "No relations"),
    ("relation.add", "添加关系", "Add relation"),
    ("relation.picked", "{} 是本客户的（上面选择）", "{} is this customer's (choose above)"),
    ("relation.remove", "删除", "Remove"),
    ("relation.remove.confirm", "确定删除该关系吗？", "Remove this relation?"),
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
    // break-glass (X-6a)
    ("breakglass.open", "紧急访问", "Break glass"),
    ("breakglass.title", "申请紧急访问", "Emergency access"),
    ("breakglass.explain", "紧急访问将被记录在审计日志中，并由主管复核。授权有效期 30 分钟。", "Emergency access is recorded in the audit trail and reviewed by a supervisor. It lasts 30 minutes."),
    ("breakglass.reason", "原因", "Reason"),
    ("breakglass.reason.hint", "如：患者来电，急诊需要核对过敏史", "e.g. patient on the phone, the emergency team needs the allergies"),
    ("breakglass.reason.error", "请用至少 8 个字说明为何现在需要查看该档案（最多 500 字）", "Say in at least 8 characters (at most 500) why the record is needed now"),
    ("breakglass.category", "事由类别", "Category"),
    ("breakglass.waiting", "您今天的紧急访问次数已达上限，本次申请需主管批准后才能查看档案。", "You have reached today's limit of emergency accesses: this request opens the record once a supervisor approves it."),
    ("breakglass.pending", "待批准", "Awaiting approval"),
    ("breakglass.approve", "批准", "Approve"),
    ("breakglass.approved", "已批准，授权有效期 30 分钟", "Approved: the record is open for 30 minutes"),
    ("breakglass.confirm", "确认访问", "Open the record"),
    ("breakglass.reviews", "紧急访问复核", "Break-glass reviews"),
    ("breakglass.none", "没有待复核的紧急访问", "No break-glass access to review"),
    ("breakglass.granted_at", "访问时间", "When"),
    ("breakglass.expires_at", "到期", "Expires"),
    ("breakglass.user", "员工", "User"),
    ("breakglass.customer", "客户", "Customer"),
    ("breakglass.note", "复核意见", "Review note"),
    ("breakglass.review", "复核", "Review"),
    ("breakglass.reviewed", "已复核", "Reviewed"),
    // merge (CUS-10)
    ("merge.title", "合并重复客户", "Merge duplicate"),
    ("merge.explain", "搜索并选择要并入本客户的重复档案。合并后其全部记录归入本客户，重复档案将不再显示。", "Search for the duplicate to merge into this customer. All its records move here and the duplicate disappears."),
    ("merge.back", "返回客户", "Back to the customer"),
    ("merge.keep", "保留的客户", "Customer kept"),
    ("merge.duplicate", "重复的客户", "Duplicate"),
    ("merge.confirm", "确认合并", "Merge"),
    ("merge.confirm.question", "确定合并吗？此操作不能撤销。", "Merge the two records? This cannot be undone."),
    ("merge.done", "合并完成，已转移：", "Merged; records moved:"),
    ("merge.module.profile", "档案字段", "Profile fields"),
    ("merge.moved", "{}：{} 条", "{}: {}"),
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
    ("import.field", "字段", "Field"),
    ("import.error", "错误", "Error"),
    // field codes of the customer archive
    ("field.id_length", "证件号码长度不正确（身份证为 18 位）", "Has the wrong length (a resident ID has 18 characters)"),
    ("field.id_characters", "身份证号应为 17 位数字加 1 位数字或 X", "A resident ID is 17 digits followed by a digit or X"),
    ("field.id_region", "身份证号开头的地区代码无效", "The ID number does not start with a valid region code"),
    ("field.id_birth_date", "身份证号中的出生日期无效", "The birth date in the ID number is not valid"),
    ("field.id_checksum", "身份证号校验位不正确，请检查是否输错", "The check character does not match; check for a typing error"),
    ("field.id_birth_date_mismatch", "与身份证号中的出生日期不一致", "Differs from the birth date in the ID number"),
    ("field.id_gender_mismatch", "与身份证号中的性别不一致", "Differs from the gender in the ID number"),
    ("field.uscc_length", "统一社会信用代码应为 18 位", "A unified social credit code has 18 characters"),
    ("field.uscc_characters", "统一社会信用代码含有无效字符", "Contains characters a credit code cannot have"),
    ("field.uscc_checksum", "统一社会信用代码校验位不正确", "The check character does not match"),
    ("field.uscc_individual", "只有团体客户有统一社会信用代码", "Only organizations have a credit code"),
    ("field.email", "请输入正确的电子邮箱", "Enter a valid e-mail address"),
    ("field.tag", "每个标签 1–20 个字", "Each tag has 1 to 20 characters"),
    ("field.interests", "兴趣爱好最多 20 项", "At most 20 interests"),
    ("field.external_id_incomplete", "请同时填写系统和编号", "Give both the system and the id"),
    ("field.external_id_repeated", "同一外部编号填写了两次", "The same external id is listed twice"),
    ("field.not_organization", "须为团体客户", "Must be an organization customer"),
    ("field.date", "请输入正确的日期", "Enter a valid date"),
    ("field.possible_duplicate", "可能与已有客户重复（手机号或证件号相同）", "May be an existing customer (same phone or ID number)"),
    ("field.unknown_column", "无法识别的列名", "Unknown column"),
    ("field.duplicate_column", "列名重复", "Column given twice"),
    ("field.required_column", "缺少必需的列", "A required column is missing"),
    ("field.unknown_value", "不是可选的值", "Not one of the allowed values"),
    ("field.next_step_required", "填写约定日期时请同时填写约定事项", "Say what the next step is when giving its date"),
    ("field.stage_transition", "不能从当前状态直接变更到该状态", "Cannot move from the current state to this one"),
];

/// The text for `key` in `lang`; the key itself when it has no entry (visible, never a panic).
pub fn tr(lang: Lang, key: &'static str) -> &'static str {
    TEXT.iter()
        .find(|(k, _, _)| *k == key)
        .map(|(_, zh, en)| lang.pick(zh, en))
        .unwrap_or(key)
}

/// [`tr`] with `{}` placeholders replaced in order.
pub fn trf(lang: Lang, key: &'static str, args: &[&str]) -> String {
    let mut out = tr(lang, key).to_string();
    for arg in args {
        out = out.replacen("{}", arg, 1);
    }
    out
}

/// The code the two-factor page gives the API's 429 (`too_many_attempts`), whose own text
/// speaks of sign-ins.
pub const TOTP_TOO_MANY_ATTEMPTS: &str = "totp_too_many_attempts";

/// A "too many attempts" sentence with the wait when known: `[plain, in seconds, in minutes]`.
/// The request layer puts the Retry-After seconds in `detail` for these problems.
fn wait_text(lang: Lang, problem: &Problem, keys: [&'static str; 3]) -> String {
    match problem
        .detail
        .as_deref()
        .and_then(|d| d.parse::<u64>().ok())
    {
        Some(secs) if secs >= 120 => trf(lang, keys[2], &[&secs.div_ceil(60).to_string()]),
        Some(secs) => trf(lang, keys[1], &[&secs.to_string()]),
        None => tr(lang, keys[0]).to_string(),
    }
}

/// A sentence for the user explaining a problem the API (or the network) reported.
pub fn problem_text(lang: Lang, problem: &Problem) -> String {
    let key = match problem.code() {
        "validation" => "problem.validation",
        "invalid_credentials" => "problem.invalid_credentials",
        "too_many_attempts" => {
            return wait_text(
                lang,
                problem,
                [
                    "problem.too_many_attempts",
                    "problem.too_many_attempts.wait",
                    "problem.too_many_attempts.wait_min",
                ],
            );
        }
        "not_found" => "problem.not_found",
        "stale" | "precondition_failed" | "conflict" => "problem.stale",
        "duplicate" => "problem.duplicate",
        "forbidden" => "problem.forbidden",
        "unauthorized" => "problem.unauthorized",
        "network" => "problem.network",
        "unavailable" | "service_unavailable" => "problem.unavailable",
        "bad_request" | "malformed" => "problem.bad_request",
        "totp_required" => "problem.totp_required",
        "invalid_totp" => "problem.invalid_totp",
        "totp_enrollment_required" => "problem.totp_enrollment_required",
        "own_grant" => "problem.own_grant",
        "break_glass_not_allowed" => "problem.break_glass_not_allowed",
        TOTP_TOO_MANY_ATTEMPTS => {
            return wait_text(
                lang,
                problem,
                [
                    "problem.totp_too_many_attempts",
                    "problem.totp_too_many_attempts.wait",
                    "problem.totp_too_many_attempts.wait_min",
                ],
            );
        }
        "payload_too_large" => "problem.payload_too_large",
        _ => match problem.status {
            401 => "problem.unauthorized",
            403 => "problem.forbidden",
            404 => "problem.not_found",
            409 | 412 => "problem.stale",
            422 => "problem.validation",
            503 => "problem.unavailable",
            _ => "problem.other",
        },
    };
    tr(lang, key).to_string()
}

/// A translated message for a field error code (`institution_code`, `blank`, `length` …).
pub fn field_error_text(lang: Lang, code: &str) -> &'static str {
    let key = match code {
        "institution_code" => "field.institution_code",
        "username" => "field.username",
        "password" => "field.password",
        "mobile" => "field.mobile",
        "phone" => "field.phone",
        "time_zone" => "field.time_zone",
        "blank" => "field.blank",
        "control_character" => "field.control_character",
        "length" => "field.length",
        "required" | "missing" => "field.required",
        "duplicate" | "unique" => "field.duplicate",
        "group_wide" => "field.group_wide",
        "institution_ids" | "institution_required" => "field.institution_ids",
        "range" => "field.range",
        "past" => "field.past",
        "not_integration" => "field.not_integration",
        "self" => "field.self",
        "reason_of_substance" => "breakglass.reason.error",
        "break_glass_role" => "field.break_glass_role",
        "beyond_role" => "field.beyond_role",
        "scope" => "field.scope",
        "bad_reference" => "field.bad_reference",
        "invalid_sort" => "field.invalid_sort",
        "if_match" => "field.if_match",
        "unknown" | "not_found" => "field.unknown",
        "totp_code" => "field.totp_code",
        "invalid_totp" => "field.invalid_totp",
        "totp_not_started" => "field.totp_not_started",
        "totp_required_by_role" => "field.totp_required_by_role",
        "totp_not_enabled" => "field.totp_not_enabled",
        "invalid_password" => "field.invalid_password",
        "id_length" => "field.id_length",
        "id_characters" => "field.id_characters",
        "id_region" => "field.id_region",
        "id_birth_date" => "field.id_birth_date",
        "id_checksum" => "field.id_checksum",
        "id_birth_date_mismatch" => "field.id_birth_date_mismatch",
        "id_gender_mismatch" => "field.id_gender_mismatch",
        "uscc_length" => "field.uscc_length",
        "uscc_characters" => "field.uscc_characters",
        "uscc_checksum" => "field.uscc_checksum",
        "uscc_individual" => "field.uscc_individual",
        "email" => "field.email",
        "tag" => "field.tag",
        "interests" => "field.interests",
        "external_id_incomplete" => "field.external_id_incomplete",
        "external_id_repeated" => "field.external_id_repeated",
        "not_organization" => "field.not_organization",
        "date" | "invalid_date" => "field.date",
        "stage_transition" | "invalid_transition" => "field.stage_transition",
        "next_step_required" => "field.next_step_required",
        "unknown_column" => "field.unknown_column",
        "possible_duplicate" => "field.possible_duplicate",
        "duplicate_column" => "field.duplicate_column",
        "required_column" => "field.required_column",
        "unknown_value" => "field.unknown_value",
        _ => "field.invalid",
    };
    tr(lang, key)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every literal key passed to `tr`/`trf` in the sources has an entry.
    #[test]
    fn every_used_key_exists() {
        let src = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        let mut files = vec![std::path::PathBuf::from(src)];
        let mut missing = Vec::new();
        while let Some(path) = files.pop() {
            if path.is_dir() {
                for entry in std::fs::read_dir(&path).into_iter().flatten().flatten() {
                    files.push(entry.path());
                }
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            for part in text
                .split("tr(lang, \"")
                .skip(1)
                .chain(text.split("trf(lang, \"").skip(1))
            {
                let key = part.split('"').next().unwrap_or_default();
                if !TEXT.iter().any(|(k, _, _)| *k == key) {
                    missing.push(format!("{}: {key}", path.display()));
                }
            }
        }
        assert!(missing.is_empty(), "{missing:?}");
    }

    #[test]
    fn api_field_codes_are_translated() {
        for code in [
            "duplicate",
            "past",
            "not_integration",
            "self",
            "scope",
            "bad_reference",
            "invalid_sort",
            "if_match",
            "range",
            "totp_code",
            "invalid_totp",
            "totp_not_started",
            "totp_required_by_role",
            "totp_not_enabled",
            "invalid_password",
            "not_organization",
            "external_id_incomplete",
            "external_id_repeated",
            "control_character",
        ] {
            for lang in [Lang::Zh, Lang::En] {
                assert_ne!(
                    field_error_text(lang, code),
                    field_error_text(lang, "no-such-code"),
                    "{code}"
                );
            }
        }
    }

    #[test]
    fn totp_problems_are_translated() {
        let problem = |code: &str, status: u16| crate::services::local_problem(code, status, "");
        for (code, status, key) in [
            ("totp_required", 401, "problem.totp_required"),
            ("invalid_totp", 401, "problem.invalid_totp"),
            (
                "totp_enrollment_required",
                403,
                "problem.totp_enrollment_required",
            ),
            (
                TOTP_TOO_MANY_ATTEMPTS,
                429,
                "problem.totp_too_many_attempts",
            ),
        ] {
            for lang in [Lang::Zh, Lang::En] {
                assert_eq!(problem_text(lang, &problem(code, status)), tr(lang, key));
            }
        }
    }

    #[test]
    fn keys_are_unique() {
        for (i, (k, _, _)) in TEXT.iter().enumerate() {
            assert!(!TEXT[i + 1..].iter().any(|(k2, _, _)| k2 == k), "{k}");
        }
    }
}
