//! Issue 10's remaining pages in headless Chromium: the header's notifications (the
//! escalation job tells the supervisor of a late case; the bell counts it, opening one leads
//! to the case and reads it), the monthly penalty review (last month by default, a month
//! chosen, the fines and their totals) and the complaint limits setting (admin), in both
//! languages with no code shown. Screenshots go to `tests/screenshots/complaint-gaps-*.png`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use chrono::{Duration, Utc};
use serde_json::json;
use support::browser::{Browser, web_dist};
use support::{ADMIN_PASSWORD, Server, TempDir};

use crate::support::STAFF_PASSWORD as PASSWORD;

fn set_lang(b: &Browser, lang: &str) {
    let now = b
        .script("return document.documentElement.lang")
        .as_str()
        .unwrap_or_default()
        .to_string();
    if now != lang {
        b.click("#lang-switch");
        b.wait_for(
            "the language switched",
            &format!("document.documentElement.lang === '{lang}'"),
        );
    }
}

/// Clicks `css` brought to the middle of the window first: below the sticky top bar a click
/// would land on the bar.
fn tap(b: &Browser, css: &str) {
    b.find(css);
    let quoted = serde_json::to_string(css).unwrap();
    b.script(&format!(
        "document.querySelector({quoted}).scrollIntoView({{block: 'center'}}); return 1;"
    ));
    b.click(css);
}

#[test]
fn web_notifications_penalty_review_and_complaint_limits() {
    let dist = web_dist();
    let dir = TempDir::new();
    let server = Server::start(
        &dir.0,
        &[
            ("HCRM_WEB_DIR", dist.to_str().unwrap()),
            ("HCRM_ESCALATION_SECONDS", "1"),
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
    for (username, name, role) in [
        ("wang.fang", "王芳", "agent"),
        ("li.na", "李娜", "supervisor"),
        ("zhao.min", "赵敏", "director"),
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
    let director = server.login("zhao.min", PASSWORD);
    // A letter read 13 hours late: its hand-over clock (12 h) is breached already.
    let (status, case) = server.json(
        "POST",
        "/api/v1/complaints",
        Some(&agent),
        Some(json!({"channel": "letter", "description": "收费不透明",
                    "new_customer": {"name": "张建国", "mobile": "13812345678"},
                    "received_at": (Utc::now() - Duration::hours(13)).to_rfc3339()})),
    );
    assert_eq!(status, 201, "{case}");
    let id = case["id"].as_str().unwrap().to_string();
    // A penalty confirmed today: this month's review, not last month's.
    let (status, finding) = server.json(
        "POST",
        &format!("/api/v1/complaints/{id}/responsibilities"),
        Some(&agent),
        Some(json!({"staff_name": "王收费员", "description": "收费未解释", "loss_fen": 2_500_000})),
    );
    assert_eq!(status, 201, "{finding}");
    let (status, confirmed) = server.json(
        "POST",
        &format!(
            "/api/v1/complaints/{id}/responsibilities/{}/confirmation",
            finding["id"].as_str().unwrap()
        ),
        Some(&director),
        Some(json!({"level": finding["proposed_level"], "version": finding["version"]})),
    );
    assert_eq!(status, 200, "{confirmed}");
    let month = confirmed["confirmed_on"].as_str().unwrap()[..7].to_string();

    let b = Browser::start();
    b.window_size(1280, 860, false);

    // The supervisor: the bell counts what the escalation job sent.
    b.sign_in(&server.base, "li.na", PASSWORD);
    set_lang(&b, "zh-CN");
    b.find("#notif-bell");
    b.wait_for(
        "the bell counts the escalation",
        "(() => { const n = document.querySelector('#notif-count'); return n && Number(n.innerText) >= 1; })()",
    );
    let before: i64 = b
        .script("return Number(document.querySelector('#notif-count').innerText)")
        .as_i64()
        .unwrap();
    b.click("#notif-bell");
    b.find("#notif-panel .notif-item.notif-unread[data-kind='complaint_breach']");
    b.wait_text(case["number"].as_str().unwrap());
    b.wait_text("超时通报");
    // The panel sits in the dark top bar: its text must not take the bar's white.
    assert!(b.low_contrast().is_empty(), "{:?}", b.low_contrast());
    b.shot("complaint-gaps-notifications-zh");
    set_lang(&b, "en");
    b.wait_text("Breach (supervisor and director)");
    b.shot("complaint-gaps-notifications-en");
    // Opening it leads to the case and reads it.
    b.click("#notif-panel .notif-item[data-kind='complaint_breach']");
    b.find("#complaint-page #complaint-number");
    b.wait_text(case["number"].as_str().unwrap());
    b.wait_for(
        "one fewer unread",
        &format!(
            "(() => {{ const n = document.querySelector('#notif-count'); return (n ? Number(n.innerText) : 0) === {}; }})()",
            before - 1
        ),
    );
    assert!(
        b.script("return location.pathname")
            .as_str()
            .unwrap()
            .ends_with(&id),
        "the case opened"
    );

    // The director: the month's penalties, last month's first (none), then this month's.
    b.sign_in(&server.base, "zhao.min", PASSWORD);
    set_lang(&b, "zh-CN");
    b.click("#nav a[data-nav='penalties']");
    b.find("#penalties-page #penalties-none");
    b.wait_text("须于");
    b.set_value("#penalties-month", &month);
    b.find("#penalties-table tbody tr[data-level='major_demerit']");
    b.wait_text("王收费员");
    b.wait_text("记大过");
    let totals = b.script("return document.querySelector('#penalties-totals').innerText");
    assert!(
        totals.as_str().unwrap().contains("¥"),
        "the totals: {totals}"
    );
    let text = b.page_text();
    for code in ["major_demerit", "penalties.", "complaint_"] {
        assert!(!text.contains(code), "{code}: {text}");
    }
    b.shot("complaint-gaps-penalties-zh");
    set_lang(&b, "en");
    b.wait_text("Monthly penalty review");
    b.wait_text("Staff fine");
    b.shot("complaint-gaps-penalties-en");
    b.window_size(390, 844, true);
    let (over, wide) = b.sideways_overflow();
    assert!(over <= 0, "the penalties scroll sideways at 390: {wide}");
    b.window_size(1280, 860, false);
    // Not in an agent's menu.
    b.sign_in(&server.base, "wang.fang", PASSWORD);
    assert!(!b.nav_keys().contains(&"penalties".to_string()));

    // The admin: the complaint limits, changed and saved.
    b.sign_in(&server.base, "admin", ADMIN_PASSWORD);
    set_lang(&b, "zh-CN");
    b.click("#nav a[data-nav='complaint-limits']");
    b.find("#complaint-limits-page #limits-table");
    b.wait_text("移交客服部");
    b.wait_for(
        "the limits read",
        "document.querySelector('#limit-hand_over').value === '12'",
    );
    b.set_value("#limit-hand_over", "10");
    b.set_value("#limit-investigation-unit", "working_hours");
    b.set_value("#limit-investigation", "20");
    tap(&b, "#limits-save");
    b.wait_text("时限已保存");
    b.find("#complaint-limits-page h1");
    let text = b.page_text();
    for code in ["working_days", "calendar_hours", "hand_over", "limits."] {
        assert!(!text.contains(code), "{code}: {text}");
    }
    b.shot("complaint-gaps-limits-zh");
    set_lang(&b, "en");
    b.wait_text("Hand-over to the service department");
    b.wait_text("working days");
    b.shot("complaint-gaps-limits-en");
    let (status, saved) = server.json("GET", "/api/v1/settings/complaints", Some(&admin), None);
    assert_eq!(status, 200, "{saved}");
    assert_eq!(
        saved["limits"]["hand_over"],
        json!({"unit": "calendar_hours", "amount": 10})
    );
    assert_eq!(
        saved["limits"]["investigation"],
        json!({"unit": "working_hours", "amount": 20})
    );
    assert_eq!(saved["version"], 1);
}
