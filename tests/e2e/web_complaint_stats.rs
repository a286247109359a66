//! 投诉统计 (CMP-8) in the web app, in headless Chromium, in both languages: a supervisor
//! opens the statistics page, sees this month's count, widens the period to take in a letter
//! received 40 days ago (late on both clocks), sees the tables worded in the language chosen
//! (no raw codes), and nothing scrolls sideways at 1280 and 390 px; screenshots are kept in
//! `tests/screenshots/complaint-stats-*.png`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use chrono::{Duration, Utc};
use serde_json::json;
use support::browser::{Browser, web_dist};
use support::{ADMIN_PASSWORD, Server, TempDir};

use crate::support::STAFF_PASSWORD as PASSWORD;

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

#[test]
fn web_complaint_stats_page_counts_in_both_languages() {
    let dist = web_dist();
    let dir = TempDir::new();
    let server = Server::start(&dir.0, &[("HCRM_WEB_DIR", dist.to_str().unwrap())]);
    let admin = server.login("admin", ADMIN_PASSWORD);
    let (status, inst) = server.json(
        "POST",
        "/api/v1/institutions",
        Some(&admin),
        Some(json!({"code": "BJ01", "name": "北京和睦家医院", "city": "北京", "local": true})),
    );
    assert_eq!(status, 201, "{inst}");
    for (username, name, role) in [
        ("wang.fang", "王芳", "agent"),
        ("li.na", "李娜", "supervisor"),
    ] {
        let (status, u) = server.json(
            "POST",
            "/api/v1/users",
            Some(&admin),
            Some(
                json!({"username": username, "display_name": name, "password": PASSWORD,
                        "roles": [role], "institution_ids": [inst["id"]]}),
            ),
        );
        assert_eq!(status, 201, "{u}");
    }
    let agent = server.login("wang.fang", PASSWORD);
    let (status, c) = server.json(
        "POST",
        "/api/v1/customers",
        Some(&agent),
        Some(json!({"kind": "individual", "name": "张建国", "phones": ["13812345678"]})),
    );
    assert_eq!(status, 201, "{c}");
    for body in [
        json!({"channel": "phone", "customer_id": c["id"], "description": "等候时间长",
               "category": "attitude", "severity": "general"}),
        json!({"channel": "letter", "customer_id": c["id"], "description": "收费不透明",
               "category": "billing", "severity": "serious",
               "received_at": (Utc::now() - Duration::days(40)).to_rfc3339()}),
    ] {
        let (status, x) = server.json("POST", "/api/v1/complaints", Some(&agent), Some(body));
        assert_eq!(status, 201, "{x}");
    }

    let b = Browser::start();
    b.window_size(1280, 860, false);
    b.sign_in(&server.base, "li.na", PASSWORD);
    // The menu leads there.
    b.click("#nav a[data-nav='complaint-stats']");
    b.find("#complaint-stats");
    set_lang(&b, "zh");
    b.wait_text("投诉统计");
    // This month: the phone call only.
    b.wait_for(
        "this month's count",
        "document.querySelector('#stats-received strong')?.innerText === '1'",
    );
    // Forty-one days back to tomorrow: the letter too, late on both clocks.
    let today = (Utc::now() + Duration::hours(8)).date_naive();
    b.set_value("#stats-from", &(today - Duration::days(41)).to_string());
    b.set_value("#stats-to", &(today + Duration::days(1)).to_string());
    b.click("#stats-apply");
    b.wait_for(
        "the period's count",
        "document.querySelector('#stats-received strong')?.innerText === '2'",
    );
    b.wait_text("信函");
    let text = b.page_text();
    for word in [
        "按投诉渠道",
        "收费",
        "服务态度",
        "国家规定反馈时限",
        "超时 1",
    ] {
        assert!(text.contains(word), "{word}: {text}");
    }
    for code in ["letter", "billing", "attitude", "follow_up"] {
        assert!(!text.contains(code), "raw code {code}: {text}");
    }
    assert_eq!(b.count("#stats-channel tbody tr"), 2);
    let (over, wide) = b.sideways_overflow();
    assert!(over <= 0, "{over} {wide}");
    b.shot("complaint-stats-1280-zh");

    set_lang(&b, "en");
    b.wait_text("Complaint statistics");
    b.wait_text("Letter");
    let text = b.page_text();
    for word in [
        "By channel",
        "Billing",
        "National feedback limit",
        "breached 1",
        "Received",
    ] {
        assert!(text.contains(word), "{word}: {text}");
    }
    b.wait_for(
        "the count in English",
        "document.querySelector('#stats-received strong')?.innerText === '2'",
    );
    b.shot("complaint-stats-1280-en");
    b.window_size(390, 844, true);
    let (over, wide) = b.sideways_overflow();
    assert!(over <= 0, "{over} {wide}");
    b.shot("complaint-stats-390-en");
    set_lang(&b, "zh");
    b.wait_text("按投诉渠道");
    let (over, wide) = b.sideways_overflow();
    assert!(over <= 0, "{over} {wide}");
    b.shot("complaint-stats-390-zh");

    // An agent has no statistics in the menu.
    b.sign_in(&server.base, "wang.fang", PASSWORD);
    assert!(!b.nav_keys().contains(&"complaint-stats".to_string()));
}
