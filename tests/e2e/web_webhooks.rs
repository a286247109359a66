//! INT-3 in the web app, in headless Chromium: an admin subscribes a receiver on the webhooks
//! page (the secret shown once), the worker delivers a visit's event to it (the receiver
//! verifies the signature with that secret), the delivery log shows the message and its
//! attempt, redelivery sends it again with the same `webhook-id`; the page in both languages
//! at 1280 and 390 px without sideways scrolling (screenshots `webhooks-*.png`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use crate::support;

use hcrm_server::webhooks::receiver::Receiver;
use serde_json::json;
use support::browser::{Browser, web_dist};
use support::{ADMIN_PASSWORD, STAFF_PASSWORD, Server, TempDir};

fn set_lang(b: &Browser, lang: &str) {
    let want = if lang == "zh" { "zh-CN" } else { "en" };
    if b.script("return document.documentElement.lang") != json!(want) {
        b.click("#lang-switch");
        b.wait_for(
            "the language",
            &format!("document.documentElement.lang === '{want}'"),
        );
    }
}

#[test]
fn web_webhooks_subscribe_show_the_log_and_redeliver_in_both_languages() {
    let dist = web_dist();
    let dir = TempDir::new();
    let server = Server::start(
        &dir.0,
        &[
            ("HCRM_WEB_DIR", dist.to_str().unwrap()),
            ("HCRM_WEBHOOK_ALLOW_PRIVATE", "true"),
            ("HCRM_WEBHOOK_JOB_SECONDS", "1"),
        ],
    );
    let admin = server.login("admin", ADMIN_PASSWORD);
    let (status, inst) = server.json(
        "POST",
        "/api/v1/institutions",
        Some(&admin),
        Some(json!({"code": "BJ01", "name": "北京和睦家医院", "city": "北京", "local": true})),
    );
    assert_eq!(status, 201, "{inst}");
    let (status, _) = server.json(
        "POST",
        "/api/v1/users",
        Some(&admin),
        Some(
            json!({"username": "wang.fang", "display_name": "王芳", "password": STAFF_PASSWORD,
                    "roles": ["agent"], "institution_ids": [inst["id"]]}),
        ),
    );
    assert_eq!(status, 201);
    let receiver = Receiver::start("whsec_AAAA").unwrap();

    let b = Browser::start();
    b.sign_in(&server.base, "admin", ADMIN_PASSWORD);
    let base = &server.base;
    set_lang(&b, "zh");
    b.go(&format!("{base}/admin/webhooks"));
    b.find("#webhook-form");
    // The admin menu links the page.
    b.find("a[data-nav='webhooks']");
    // Bad input is refused in place.
    b.type_into("#webhook-url", "ftp://his.example.cn/x");
    b.click("#webhook-create");
    b.wait_text("须为 http:// 或 https:// 开头");
    b.type_into("#webhook-url", &receiver.url);
    b.type_into("#webhook-description", "HIS 测试环境");
    // Only visits: untick every other event.
    b.script(
        "document.querySelectorAll('#webhook-events input[type=checkbox]').forEach(c => { \
         if ((c.dataset.event === 'visit_recorded') !== c.checked) c.click(); }); return 0",
    );
    b.click("#webhook-create");
    b.find("#webhook-secret-box");
    let secret = b
        .script("return document.querySelector('#webhook-secret').innerText")
        .as_str()
        .unwrap()
        .trim()
        .to_string();
    assert!(secret.starts_with("whsec_"), "{secret}");
    receiver.set_secret(&secret);
    b.find("#webhooks-table tr[data-webhook-id]");
    assert!(b.page_text().contains("就诊已记录"));

    // A visit: its event reaches the receiver, signed with the secret shown.
    let agent = server.login("wang.fang", STAFF_PASSWORD);
    let (_, customer) = server.json(
        "POST",
        "/api/v1/customers",
        Some(&agent),
        Some(json!({"kind": "individual", "name": "王秀英", "phones": ["13800138001"]})),
    );
    let (status, v) = server.json(
        "POST",
        "/api/v1/visits",
        Some(&agent),
        Some(json!({"customer_id": customer["id"], "kind": "outpatient",
                    "visited_at": chrono::Utc::now().to_rfc3339(), "amount_fen": 5000})),
    );
    assert_eq!(status, 201, "{v}");
    assert!(receiver.wait(Duration::from_secs(20), |got| !got.is_empty()));
    assert!(receiver.received()[0].verified);

    b.click("#webhook-secret-dismiss");
    b.click("#webhooks-table button[data-deliveries]");
    b.find("#webhook-deliveries-table tr[data-delivery-id]");
    b.wait_for(
        "the message delivered",
        "document.querySelector(\"#webhook-deliveries-table [data-status='delivered']\") !== null",
    );
    b.click("#webhook-deliveries-table button[data-show]");
    b.find("#webhook-attempts-table tbody tr td");
    b.wait_text("成功");
    // Redeliver (after the confirmation): the same webhook-id again.
    b.script("window.confirm = () => true; return 0");
    b.click("#webhook-deliveries-table button[data-redeliver]");
    b.wait_text("已安排重新推送");
    assert!(receiver.wait(Duration::from_secs(20), |got| got.len() == 2));
    let got = receiver.received();
    assert_eq!(got[0].webhook_id, got[1].webhook_id);
    assert!(got[1].verified);

    let desktop = (1280, 860, false, "desktop");
    let phone = (390, 844, true, "phone");
    for (lang, (width, height, mobile, name)) in [
        ("zh", desktop),
        ("zh", phone),
        ("en", phone),
        ("en", desktop),
    ] {
        set_lang(&b, lang);
        b.window_size(width, height, mobile);
        b.go(&format!("{base}/admin/webhooks"));
        b.find("#webhooks-table tr[data-webhook-id]");
        b.click("#webhooks-table button[data-deliveries]");
        b.find("#webhook-deliveries-table tr[data-delivery-id]");
        b.click("#webhook-deliveries-table button[data-show]");
        b.find("#webhook-attempts-table tbody tr td");
        let text = b.page_text();
        let expect = if lang == "zh" {
            ["事件推送", "推送记录", "就诊已记录", "已送达"]
        } else {
            ["Webhooks", "Delivery log", "Visit recorded", "Delivered"]
        };
        for word in expect {
            assert!(text.contains(word), "{lang}: {word} in {text}");
        }
        // No raw codes on the page.
        for code in ["visit_recorded", "webhook.", "delivery.", "attempt."] {
            assert!(!text.contains(code), "{lang}: {code} shown");
        }
        b.shot(&format!("webhooks-{name}-{lang}"));
        b.script("document.querySelector('#webhook-deliveries').scrollIntoView(); return 0");
        b.shot(&format!("webhooks-{name}-{lang}-log"));
        let (over, wide) = b.sideways_overflow();
        assert!(
            over <= 0,
            "{width} px ({lang}) scrolls {over} px sideways: {wide}"
        );
        assert_eq!(b.count("h1"), 1);
    }
}
