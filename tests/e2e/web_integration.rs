//! Issue 12 in the web app, in both languages, at 1280 and 390 px: the API-keys panel of an
//! integration user (scopes chosen by label with a description, the key shown once with a copy
//! button, last use, revoke with confirmation) and the integration status page (recent
//! batches, a batch's rejected items with their errors in words). Screenshots go to
//! `tests/screenshots/`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use serde_json::{Value, json};
use support::browser::{Browser, web_dist};
use support::{ADMIN_PASSWORD, STAFF_PASSWORD, Server, TempDir};

fn set_lang(b: &Browser, lang: &str) {
    let now = b.script("return document.documentElement.lang");
    let want = if lang == "zh" { "zh-CN" } else { "en" };
    if now != want {
        b.click("#lang-switch");
        b.wait_for(
            "the language",
            &format!("document.documentElement.lang === '{want}'"),
        );
    }
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

/// BJ01 and an integration user `his.bj01` of it: (admin token, the user).
fn his_user(server: &Server) -> (String, Value) {
    let admin = server.login("admin", ADMIN_PASSWORD);
    let (status, inst) = server.json(
        "POST",
        "/api/v1/institutions",
        Some(&admin),
        Some(json!({"code": "BJ01", "name": "北京和睦家医院", "city": "北京", "local": true})),
    );
    assert_eq!(status, 201, "{inst}");
    let (status, his) = server.json(
        "POST",
        "/api/v1/users",
        Some(&admin),
        Some(
            json!({"username": "his.bj01", "display_name": "HIS 北京", "password": STAFF_PASSWORD,
                    "roles": ["integration"], "institution_ids": [inst["id"]]}),
        ),
    );
    assert_eq!(status, 201, "{his}");
    (admin, his)
}

fn no_overflow(b: &Browser) {
    let (over, wide) = b.sideways_overflow();
    assert!(over <= 0, "{over} {wide}");
}

#[test]
fn web_api_keys_admin_creates_a_scoped_key_sees_it_once_and_revokes_it() {
    let dist = web_dist();
    let dir = TempDir::new();
    let server = Server::start(&dir.0, &[("HCRM_WEB_DIR", dist.to_str().unwrap())]);
    let (_, his) = his_user(&server);
    let his_id = his["id"].as_str().unwrap().to_string();

    let b = Browser::start();
    b.window_size(1280, 900, false);
    b.sign_in(&server.base, "admin", ADMIN_PASSWORD);
    set_lang(&b, "zh");
    b.click("#nav a[data-nav='users']");
    b.click(&format!("button[data-api-keys='{his_id}']"));
    b.find("#api-keys");
    // Every scope by its label and what it allows; the one beyond the role cannot be ticked.
    for (code, words) in [
        ("patients:write", "写入患者"),
        ("visits:write", "写入就诊"),
        ("batches:read", "读取同步批次"),
    ] {
        let label = text_of(
            &b,
            &format!("label.scope-choice:has(input[data-scope='{code}'])"),
        );
        assert!(label.contains(words), "{code}: {label}");
    }
    let visits = text_of(
        &b,
        "label.scope-choice:has(input[data-scope='visits:write'])",
    );
    assert!(
        visits.contains("入院") && visits.contains("出院"),
        "{visits}"
    );
    assert_eq!(
        b.script("return document.querySelector(\"input[data-scope='complaints:read']\").disabled"),
        json!(true)
    );
    // Nothing ticked: the form says a scope is needed.
    b.type_into("#api-key-name", "HIS 生产环境");
    b.click("#api-key-create");
    b.wait_text("必填");
    b.click("input[data-scope='patients:write']");
    b.click("input[data-scope='visits:write']");
    b.shot("api-keys-form-1280-zh");
    b.click("#api-key-create");
    b.find("#api-key-created");
    let key = text_of(&b, "#api-key-secret");
    assert!(key.starts_with("hk_") && key.len() == 67, "{key}");
    assert!(b.page_text().contains("只显示这一次"));
    b.click("#api-key-copy");
    b.wait_text("已复制");
    b.shot("api-keys-created-1280-zh");
    // The row: the scopes by label, never used yet.
    let row = "#api-keys-table tbody tr[data-key-id]";
    b.find(row);
    let text = text_of(&b, row);
    assert!(
        text.contains("写入患者") && text.contains("写入就诊"),
        "{text}"
    );
    assert!(text.contains("从未使用"), "{text}");
    assert!(!text.contains("patients:write"), "{text}");
    // Hidden: the key is gone from the page and is not shown again.
    b.click("#api-key-dismiss");
    b.wait_for(
        "the key hidden",
        "!document.querySelector('#api-key-created')",
    );
    assert!(!b.page_text().contains(&key));

    // The client uses the key: the panel shows its last use.
    let (status, _) = server.json("GET", "/api/v1/customers", Some(&key), None);
    assert_eq!(status, 403, "patients:read was not given");
    let (status, body) = server.json(
        "POST",
        "/api/v1/customers",
        Some(&key),
        Some(json!({"kind": "individual", "name": "王秀英", "phones": ["13800138001"]})),
    );
    assert_eq!(status, 201, "{body}");
    b.click("#api-keys-close");
    b.click(&format!("button[data-api-keys='{his_id}']"));
    b.wait_for(
        "the last use",
        "(() => { const r = document.querySelector('#api-keys-table tbody tr[data-key-id]'); \
          return r && !r.innerText.includes('从未使用'); })()",
    );
    assert!(!b.page_text().contains(&key));

    // English, then 390 px in both languages.
    set_lang(&b, "en");
    b.wait_text("Write visits");
    let page = b.page_text();
    for words in ["Write patients", "Scopes", "Last used", "Revoke"] {
        assert!(page.contains(words), "{words}: {page}");
    }
    b.shot("api-keys-1280-en");
    b.window_size(390, 844, true);
    no_overflow(&b);
    b.shot("api-keys-390-en");
    set_lang(&b, "zh");
    b.wait_text("写入就诊");
    no_overflow(&b);
    b.shot("api-keys-390-zh");
    b.window_size(1280, 900, false);

    // Revoke, after a confirmation that says what happens.
    b.script(
        "window.__asked = []; window.confirm = q => { window.__asked.push(q); return true; }; return true;",
    );
    b.click(&format!("{row} button[data-revoke]"));
    b.wait_for(
        "the revoked badge",
        "document.querySelector('#api-keys-table tbody tr[data-key-id]')?.innerText.includes('已撤销')",
    );
    let asked = b.script("return window.__asked.join('|')");
    assert!(asked.as_str().unwrap().contains("立即无法访问"), "{asked}");
    let (status, _) = server.json(
        "POST",
        "/api/v1/customers",
        Some(&key),
        Some(json!({"kind": "individual", "name": "李四", "phones": ["13800138002"]})),
    );
    assert_eq!(status, 401);
    b.shot("api-keys-revoked-1280-zh");
}

#[test]
fn web_integration_status_lists_a_batch_and_its_rejected_item_in_words() {
    let dist = web_dist();
    let dir = TempDir::new();
    let server = Server::start(&dir.0, &[("HCRM_WEB_DIR", dist.to_str().unwrap())]);
    let (admin, his) = his_user(&server);
    let (status, made) = server.json(
        "POST",
        &format!("/api/v1/users/{}/api-keys", his["id"].as_str().unwrap()),
        Some(&admin),
        Some(json!({"name": "HIS 生产环境", "scopes": ["patients:write", "visits:write"]})),
    );
    assert_eq!(status, 201, "{made}");
    let key = made["key"].as_str().unwrap().to_string();
    // One batch written, one refused: its visit names a patient the HIS never sent.
    let (status, ok) = server.json(
        "POST",
        "/api/v1/integration/batches",
        Some(&key),
        Some(json!({"batch_id": "HIS-20261201-01",
            "patients": [{"external_id": "P1", "name": "王秀英", "phones": ["13800138001"]}],
            "visits": [{"external_id": "MZ-1", "patient_external_id": "P1", "kind": "outpatient",
                        "visited_at": "2026-12-01T02:30:00Z", "amount_fen": 30000, "paid_fen": 30000}]})),
    );
    assert_eq!(status, 200, "{ok}");
    let (status, refused) = server.json(
        "POST",
        "/api/v1/integration/batches",
        Some(&key),
        Some(json!({"batch_id": "HIS-20261201-02",
            "visits": [{"external_id": "ZY-9", "patient_external_id": "P404", "kind": "inpatient",
                        "visited_at": "2026-12-01T03:00:00Z"}]})),
    );
    assert_eq!(status, 422, "{refused}");

    let b = Browser::start();
    b.window_size(1280, 900, false);
    b.sign_in(&server.base, "admin", ADMIN_PASSWORD);
    set_lang(&b, "zh");
    b.click("#nav a[data-nav='integration']");
    b.find("#integration-page");
    let rows = "#batches-table tbody tr[data-batch-id]";
    b.wait_for(
        "two batches",
        &format!("document.querySelectorAll(\"{rows}\").length === 2"),
    );
    let table = text_of(&b, "#batches-table");
    for words in [
        "HIS-20261201-01",
        "HIS-20261201-02",
        "his.bj01",
        "已写入",
        "已拒绝",
    ] {
        assert!(table.contains(words), "{words}: {table}");
    }
    let created = text_of(
        &b,
        &format!("{rows}:has(td .badge[data-status='applied']) td[data-count='created']"),
    );
    assert_eq!(created.trim(), "2", "{table}");
    b.shot("integration-1280-zh");
    // The refused batch's item, in words.
    b.click(&format!(
        "{rows}:has(td .badge[data-status='rejected']) button[data-open-batch]"
    ));
    b.find("#batch-items tr[data-result='rejected']");
    let item = text_of(&b, "#batch-items tr[data-result='rejected']");
    assert!(
        item.contains("ZY-9") && item.contains("患者 HIS 编号"),
        "{item}"
    );
    assert!(item.contains("找不到该 HIS 编号的患者"), "{item}");
    assert!(
        !item.contains("unknown_patient") && !item.contains("patient_external_id"),
        "{item}"
    );
    b.shot("integration-rejected-1280-zh");
    set_lang(&b, "en");
    b.wait_text("Rejected items");
    let item = text_of(&b, "#batch-items tr[data-result='rejected']");
    assert!(
        item.contains("Patient's HIS id") && item.contains("No patient with this HIS id"),
        "{item}"
    );
    b.shot("integration-rejected-1280-en");
    b.window_size(390, 844, true);
    no_overflow(&b);
    b.shot("integration-390-en");
    set_lang(&b, "zh");
    b.wait_text("被拒绝的条目");
    no_overflow(&b);
    b.shot("integration-390-zh");
}
