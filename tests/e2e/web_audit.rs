//! Issue 9 items 12–15 in the web app, in both languages: the audit page words break-glass,
//! export and import entries, shows whole ids with a copy button and filters; the emergency
//! access dialog works from the keyboard, the record counts down its temporary access, a
//! review records a finding; the import page labels its report and links the template.
//! Screenshots go to `tests/screenshots/`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use serde_json::{Value, json};
use support::browser::{Browser, ESCAPE, SHIFT, TAB, web_dist};
use support::{ADMIN_PASSWORD, Server, TempDir};

use crate::support::STAFF_PASSWORD as PW;

/// BJ01 and SH01, and one user per `(username, name, role, institution code, group-wide)`.
fn organisation(server: &Server, users: &[(&str, &str, &str, &str, bool)]) -> Value {
    let admin = server.login("admin", ADMIN_PASSWORD);
    let mut inst = serde_json::Map::new();
    for (code, name, city, local) in [
        ("BJ01", "北京和睦家医院", "北京", true),
        ("SH01", "上海和睦家医院", "上海", false),
    ] {
        let (_, i) = server.json(
            "POST",
            "/api/v1/institutions",
            Some(&admin),
            Some(json!({"code": code, "name": name, "city": city, "local": local})),
        );
        inst.insert(code.into(), i["id"].clone());
    }
    let mut ids = serde_json::Map::new();
    for (username, name, role, code, group_wide) in users {
        let (status, u) = server.json("POST", "/api/v1/users", Some(&admin), Some(json!({"username": username, "display_name": name, "password": PW, "roles": [role], "institution_ids": [inst[*code]], "group_wide": group_wide})));
        assert_eq!(status, 201, "{u}");
        ids.insert((*username).into(), u["id"].clone());
    }
    Value::Object(ids)
}

fn sign_in(b: &Browser, server: &Server, username: &str) {
    b.sign_in(&server.base, username, PW);
}

fn text_of(b: &Browser, css: &str) -> String {
    let css = serde_json::to_string(css).unwrap();
    b.script(&format!(
        "const el = document.querySelector({css}); return el ? el.innerText : '';"
    ))
    .as_str()
    .unwrap_or_default()
    .to_string()
}

/// Waits until every row of the audit table satisfies `check` (a JS expression over `tr`).
fn wait_rows(b: &Browser, check: &str) -> usize {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let n = b.script(&format!(
            "const rows = Array.from(document.querySelectorAll('#audit-table tbody tr[data-action]')); \
             return rows.length > 0 && rows.every(tr => {check}) ? rows.length : 0;"
        ));
        if let Some(n) = n.as_u64().filter(|n| *n > 0) {
            return n as usize;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "rows never all {check}"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

#[test]
fn the_audit_page_words_every_entry_shows_whole_ids_and_filters() {
    let dist = web_dist();
    let dir = TempDir::new();
    let server = Server::start(&dir.0, &[("HCRM_WEB_DIR", dist.to_str().unwrap())]);
    let ids = organisation(
        &server,
        &[
            ("wang.fang", "王芳", "agent", "BJ01", false),
            ("yang.fan", "杨帆", "supervisor", "SH01", false),
            ("zhao.min", "赵敏", "director", "BJ01", true),
        ],
    );
    // A break-glass access, an export and an import, through the API.
    let sup = server.login("yang.fan", PW);
    let agent = server.login("wang.fang", PW);
    let (status, c) = server.json(
        "POST",
        "/api/v1/customers",
        Some(&sup),
        Some(json!({"kind": "individual", "name": "冯建军", "phones": ["13912345678"]})),
    );
    assert_eq!(status, 201, "{c}");
    let customer = c["id"].as_str().unwrap().to_string();
    let (status, g) = server.json(
        "POST",
        &format!("/api/v1/customers/{customer}/break-glass"),
        Some(&agent),
        Some(json!({"category": "patient_on_phone", "reason": "患者来电，需要核对既往就诊记录"})),
    );
    assert_eq!(status, 201, "{g}");
    let (status, _) = server.json(
        "GET",
        "/api/v1/customers/export?format=xlsx",
        Some(&sup),
        None,
    );
    assert_eq!(status, 200);
    let (status, r) = server.upload(
        "/api/v1/customers/import",
        &sup,
        "text/csv",
        "姓名,手机\n韩梅,13800001234\n".as_bytes().to_vec(),
    );
    assert_eq!(status, 200, "{r}");

    let b = Browser::start();
    sign_in(&b, &server, "zhao.min");
    b.click("#nav a[data-nav='audit']");
    for action in ["break_glass", "export", "import"] {
        b.find(&format!("#audit-table tr[data-action='{action}']"));
    }
    let page = b.page_text();
    assert!(!page.contains('∅'), "{page}");
    for code in [
        "patient_on_phone",
        "break_glass",
        "customer_import",
        "all_or_nothing",
    ] {
        assert!(!page.contains(code), "{code} shown: {page}");
    }
    // The break-glass entry: the whole customer id, copied with one click, its facts in words.
    let row = "#audit-table tr[data-action='break_glass']";
    let text = text_of(&b, row);
    assert!(text.contains(&customer), "{text}");
    assert!(
        text.contains("紧急查看") && text.contains("患者来电"),
        "{text}"
    );
    b.click(&format!("{row} button[data-copy='{customer}']"));
    b.wait_text("已复制");
    b.shot("audit-entries-zh");

    // Filters: action, kind of record, user, dates.
    b.set_value("#audit-action", "export");
    wait_rows(&b, "tr.dataset.action === 'export'");
    b.set_value("#audit-action", "");
    b.set_value("#audit-entity", "customer_import");
    wait_rows(&b, "tr.dataset.entityType === 'customer_import'");
    b.set_value("#audit-entity", "");
    b.set_value("#audit-actor", ids["wang.fang"].as_str().unwrap());
    wait_rows(&b, "tr.innerText.includes('wang.fang')");
    b.shot("audit-filter-user-zh");
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(2)).date_naive();
    b.set_value("#audit-from", &tomorrow.to_string());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while b.try_find("#audit-table tbody tr[data-action]").is_some() {
        assert!(
            std::time::Instant::now() < deadline,
            "a future day still lists entries"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    b.click("#audit-clear");
    b.find("#audit-table tr[data-action='import']");

    b.click("#lang-switch");
    b.wait_text("Emergency access");
    let page = b.page_text();
    for words in [
        "Exported",
        "Imported",
        "Patient on the phone",
        "Rows in the file",
        "Kind of record",
    ] {
        assert!(page.contains(words), "{words} missing: {page}");
    }
    assert!(!page.contains('∅') && !page.contains('：'), "{page}");
    b.shot("audit-entries-en");
    b.click("#lang-switch");
}

#[test]
fn emergency_access_dialog_works_from_the_keyboard_counts_down_and_is_reviewed() {
    let dist = web_dist();
    let dir = TempDir::new();
    let server = Server::start(&dir.0, &[("HCRM_WEB_DIR", dist.to_str().unwrap())]);
    organisation(
        &server,
        &[
            ("wang.fang", "王芳", "agent", "BJ01", false),
            ("yang.fan", "杨帆", "supervisor", "SH01", false),
            ("li.na", "李娜", "supervisor", "SH01", false),
        ],
    );
    let sup = server.login("yang.fan", PW);
    let (status, c) = server.json(
        "POST",
        "/api/v1/customers",
        Some(&sup),
        Some(json!({"kind": "individual", "name": "冯建军", "phones": ["13912345678"]})),
    );
    assert_eq!(status, 201, "{c}");
    let id = c["id"].as_str().unwrap().to_string();

    let b = Browser::start();
    sign_in(&b, &server, "wang.fang");
    b.go(&format!("{}/customers/{id}?via=link", server.base));
    b.find("#break-glass-open");
    assert_eq!(text_of(&b, "#break-glass-open"), "紧急查看");
    b.click("#break-glass-open");
    b.find("#break-glass-dialog[aria-modal='true'][aria-labelledby='break-glass-dialog-title']");
    // Focus moves into the dialog, Tab and Shift+Tab stay inside, Esc closes and gives focus
    // back to the button.
    assert_eq!(b.focused(), "break-glass-category");
    let order = [
        "break-glass-reason",
        "break-glass-confirm",
        "break-glass-cancel",
        "break-glass-category",
    ];
    for expected in order {
        b.press(&[TAB]);
        assert_eq!(b.focused(), expected);
    }
    b.press(&[SHIFT, TAB]);
    assert_eq!(b.focused(), "break-glass-cancel");
    b.shot("break-glass-dialog-focus");
    b.press(&[ESCAPE]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while b.try_find("#break-glass-dialog").is_some() {
        assert!(
            std::time::Instant::now() < deadline,
            "Esc did not close the dialog"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(b.focused(), "break-glass-open");

    // Opened for real: the record says how long the temporary access lasts.
    b.click("#break-glass-open");
    b.set_value("#break-glass-category", "patient_on_phone");
    b.script(
        "const el = document.querySelector('#break-glass-reason'); \
         Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value').set.call(el, '患者来电，需要核对既往就诊记录'); \
         el.dispatchEvent(new Event('input', {bubbles: true})); return el.value;",
    );
    b.click("#break-glass-confirm");
    b.find("#temporary-access");
    let left: i64 = b
        .script("return document.querySelector('#temporary-access').dataset.minutesLeft;")
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((29..=30).contains(&left), "{left}");
    b.wait_text(&format!("临时访问权限，还剩 {left} 分钟"));
    b.wait_text("冯建军");
    b.shot("break-glass-temporary-zh");
    b.click("#lang-switch");
    b.wait_text(&format!("Temporary access, {left} min left"));
    b.shot("break-glass-temporary-en");
    b.click("#lang-switch");

    // Another supervisor of SH01 reviews it: a finding, with a note for "inappropriate".
    sign_in(&b, &server, "li.na");
    b.go(&format!("{}/admin/break-glass", server.base));
    let row = "#break-glass-table [data-grant-id]";
    b.find(row);
    b.set_value(&format!("{row} .review-outcome"), "inappropriate");
    b.click(&format!("{row} button[data-review]"));
    b.wait_text("结论为“不合理”时请写明原因");
    b.shot("break-glass-review-note-required-zh");
    b.type_into(&format!("{row} .review-note"), "未见来电记录，访问不合理");
    b.click(&format!("{row} button[data-review]"));
    b.wait_text("没有待复核的紧急查看");
    // Reviewed grants stay listed, by finding.
    b.set_value("#break-glass-show", "inappropriate");
    b.find("#break-glass-table [data-outcome='inappropriate']");
    b.wait_text("未见来电记录，访问不合理");
    b.shot("break-glass-reviewed-zh");
    b.click("#lang-switch");
    b.wait_text("Inappropriate");
    b.wait_text("Reviewed: Inappropriate");
    b.shot("break-glass-reviewed-en");
    b.click("#lang-switch");
}

#[test]
fn the_import_page_words_its_report_and_offers_the_template() {
    let dist = web_dist();
    let dir = TempDir::new();
    let server = Server::start(&dir.0, &[("HCRM_WEB_DIR", dist.to_str().unwrap())]);
    organisation(
        &server,
        &[("yang.fan", "杨帆", "supervisor", "SH01", false)],
    );
    let file = dir.0.join("客户.csv");
    std::fs::write(
        &file,
        "姓名,性别,手机,证件号码\n韩梅,女,13800001234,\n李雷,男人,13800001235,\n王芳,,12345,\n",
    )
    .unwrap();

    let b = Browser::start();
    sign_in(&b, &server, "yang.fan");
    b.go(&format!("{}/customers/import", server.base));
    b.find("#import-template-csv");
    assert!(text_of(&b, "#import-columns").contains("出生日期"));
    // The template is the API's: fetched with the page's session.
    b.type_into("#import-file", file.to_str().unwrap());
    b.click("#import-dry-run");
    b.find("#import-report");
    b.find("#import-valid-rows");
    b.wait_text("1 行正确");
    let report = text_of(&b, "#import-report");
    assert!(report.contains("可填：男、女、未知"), "{report}");
    for code in ["unknown_value", "mobile)", "gender", "phones"] {
        assert!(!report.contains(code), "{code}: {report}");
    }
    b.shot("import-report-zh");
    b.click("#lang-switch");
    b.wait_text("Start from a template");
    let report = text_of(&b, "#import-report");
    for words in [
        "Gender",
        "allowed: Male, Female, Unknown",
        "Mobile numbers",
        "1 row(s) are valid",
    ] {
        assert!(report.contains(words), "{words}: {report}");
    }
    assert!(
        !report.contains('：') && !report.contains("unknown_value"),
        "{report}"
    );
    assert!(text_of(&b, "#import-columns").contains("Date of birth"));
    b.shot("import-report-en");
    b.click("#lang-switch");
}
