//! The service centre in the web app, in headless Chromium: the consultation form records a
//! call from an unknown number (a new potential customer in the same request) and the list
//! words it in both languages; the in-visit board shows a late result call marked, ticks its
//! step and marks it done (SVC-1, SVC-3).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use chrono::{Duration, Utc};
use serde_json::json;
use support::browser::Browser;
use support::web::{Hospital, STAFF_PASSWORD as PASSWORD};
use support::{Server, TempDir};

/// A server with BJ01 and the agent `wang.fang`; returns it with the agent's token.
fn scene(dir: &TempDir) -> (Server, String) {
    let h = Hospital::start(dir);
    h.department("体检中心");
    h.staff(&[("wang.fang", "王芳", "agent")]);
    let token = h.login("wang.fang");
    (h.server, token)
}

#[test]
fn web_consultation_form_records_an_unknown_caller_and_the_list_words_it() {
    let dir = TempDir::new();
    let (server, token) = scene(&dir);
    let b = Browser::start();
    b.sign_in(&server.base, "wang.fang", PASSWORD);
    b.set_lang(false);
    b.go(&format!("{}/service/consultations/new", server.base));
    b.find("#consultation-form");
    // An unknown number: the lookup finds no one and asks the new caller's name.
    b.type_into("#consultation-phone", "13900139000");
    b.click("#consultation-lookup");
    b.find("#consultation-results #consultation-new");
    b.type_into("#consultation-new-name", "赵女士");
    b.set_value("#consultation-channel", "wechat");
    b.type_into("#consultation-topic", "体检");
    b.type_into("#consultation-question", "入职体检需要空腹吗？");
    b.type_into("#consultation-answer", "需空腹8小时");
    b.set_value("#consultation-outcome", "answered");
    b.click("#consultation-save");
    b.find("#consultation-saved");
    let saved = b.page_text();
    assert!(
        saved.contains("已结束") && saved.contains("已解答"),
        "{saved}"
    );

    // Recorded through the API: the new potential customer owns it, closed as answered.
    let (status, list) = server.json("GET", "/api/v1/consultations", Some(&token), None);
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["total"], 1);
    let c = &list["items"][0];
    assert_eq!(
        (
            c["channel"].as_str(),
            c["outcome"].as_str(),
            c["state"].as_str()
        ),
        (Some("wechat"), Some("answered"), Some("closed"))
    );
    let (_, customer) = server.json(
        "GET",
        &format!("/api/v1/customers/{}", c["customer_id"].as_str().unwrap()),
        Some(&token),
        None,
    );
    assert_eq!(customer["lifecycle_stage"], "potential");

    // The list words every value in the reader's language, never a code.
    for (lang, words) in [
        ("zh", ["微信", "已结束", "已解答"]),
        ("en", ["WeChat", "Closed", "Answered"]),
    ] {
        b.set_lang(lang == "en");
        b.go(&format!("{}/service/consultations", server.base));
        b.find("#consultations-table tr[data-consultation-id]");
        let row = b
            .script("return document.querySelector('#consultations-table tbody tr').innerText")
            .as_str()
            .unwrap()
            .to_string();
        for w in words {
            assert!(row.contains(w), "{lang}: {row}");
        }
        for code in ["wechat", "closed", "answered"] {
            assert!(!row.contains(code), "{lang}: raw code {code} in {row}");
        }
    }
}

#[test]
fn web_in_visit_board_marks_late_services_ticks_steps_and_finishes() {
    let dir = TempDir::new();
    let (server, token) = scene(&dir);
    let (status, customer) = server.json(
        "POST",
        "/api/v1/customers",
        Some(&token),
        Some(json!({"kind": "individual", "name": "王秀英", "phones": ["13800138001"]})),
    );
    assert_eq!(status, 201, "{customer}");
    // A result out 90 minutes ago: its call was due half an hour ago.
    let (status, call) = server.json(
        "POST",
        "/api/v1/in-visit-services",
        Some(&token),
        Some(
            json!({"service": "result_call", "customer_id": customer["id"],
                    "reference_at": (Utc::now() - Duration::minutes(90)).to_rfc3339()}),
        ),
    );
    assert_eq!(status, 201, "{call}");
    // An escort due when the call was: on the call's day's board whatever the hour (due 20
    // minutes ahead, it fell on the next day from 23:40 in Beijing).
    let (status, escort) = server.json(
        "POST",
        "/api/v1/in-visit-services",
        Some(&token),
        Some(
            json!({"service": "accompaniment", "customer_id": customer["id"],
                    "reference_at": (Utc::now() - Duration::minutes(30)).to_rfc3339(),
                    "location": "门诊二楼超声室"}),
        ),
    );
    assert_eq!(status, 201, "{escort}");
    let day = call["task"]["due_on"].as_str().unwrap().to_string();
    let id = call["task"]["id"].as_str().unwrap().to_string();

    let b = Browser::start();
    b.sign_in(&server.base, "wang.fang", PASSWORD);
    for lang in ["en", "zh"] {
        b.set_lang(lang == "en");
        b.go(&format!("{}/service/in-visit", server.base));
        b.set_value("#in-visit-date", &day);
        b.find(&format!(".in-visit-card[data-task-id='{id}']"));
        let card = b.script(&format!(
            "const c = document.querySelector(\".in-visit-card[data-task-id='{id}']\"); \
                 return [c.dataset.late, c.className, c.innerText]"
        ));
        assert_eq!(card[0], "true", "{lang}: {card}");
        assert!(card[1].as_str().unwrap().contains("late"));
        let late_word = if lang == "zh" { "已超时" } else { "Late" };
        assert!(
            card[2].as_str().unwrap().contains(late_word),
            "{lang}: {card}"
        );
        let column = b
            .script("return document.querySelector(\".board-column[data-service='accompaniment']\").innerText")
            .as_str()
            .unwrap()
            .to_string();
        assert!(column.contains("门诊二楼超声室"), "{column}");
    }
    // Tick the call's one step, then finish it.
    let step =
        format!(".in-visit-card[data-task-id='{id}'] .in-visit-step[data-step='patient_told']");
    b.click(&step);
    b.wait_for(
        "the step to be saved",
        &format!(
            "document.querySelector(\"{}\").checked",
            step.replace('"', "\\\"")
        ),
    );
    let (_, read) = server.json(
        "GET",
        &format!("/api/v1/in-visit-services/{id}"),
        Some(&token),
        None,
    );
    assert_eq!(read["detail"]["steps"][0]["done"], true, "{read}");
    b.click(&format!(
        ".in-visit-card[data-task-id='{id}'] .in-visit-done"
    ));
    b.wait_for(
        "the card to be done",
        &format!("document.querySelector(\".in-visit-card[data-task-id='{id}']\").dataset.late === 'false'"),
    );
    let (_, read) = server.json("GET", &format!("/api/v1/tasks/{id}"), Some(&token), None);
    assert_eq!(read["status"], "done", "{read}");
}

/// the service pages' "today" is the hospital's (BJ01, Beijing time), not the browser's.
/// The browser is put in a zone whose date differs from Beijing's right now — Pago Pago
/// (UTC−11) or Kiritimati (UTC+14), one of the two always does — and the in-visit board, the
/// consultation statistics and the arrivals panel still open on Beijing's date.
#[test]
fn web_service_pages_open_on_the_hospitals_today_wherever_the_browser_is() {
    let dir = TempDir::new();
    let (server, _token) = scene(&dir);
    let now = Utc::now();
    let beijing = (now + Duration::hours(8)).date_naive().to_string();
    let (zone, there) = [("Pacific/Pago_Pago", -11), ("Pacific/Kiritimati", 14)]
        .into_iter()
        .map(|(zone, hours)| {
            (
                zone,
                (now + Duration::hours(hours)).date_naive().to_string(),
            )
        })
        .find(|(_, date)| *date != beijing)
        .unwrap();
    let b = Browser::start();
    b.time_zone(zone);
    b.sign_in(&server.base, "wang.fang", PASSWORD);
    assert_eq!(
        b.script("return new Date().toLocaleDateString('sv-SE')"),
        json!(there),
        "the browser's own date is another"
    );
    for lang_en in [false, true] {
        b.set_lang(lang_en);
        b.go(&format!("{}/service/in-visit", server.base));
        b.find("#in-visit-board #in-visit-total");
        assert_eq!(
            b.script("return document.querySelector('#in-visit-date').value"),
            json!(beijing),
            "in-visit board, {zone}"
        );
        b.go(&format!("{}/service/statistics", server.base));
        b.find("#svc-stats-period");
        for id in ["svc-stats-from", "svc-stats-to"] {
            assert_eq!(
                b.script(&format!("return document.querySelector('#{id}').value")),
                json!(beijing),
                "{id}, {zone}"
            );
        }
        let text = |css: &str| {
            b.find(css);
            b.script(&format!("return document.querySelector('{css}').innerText"))
                .as_str()
                .unwrap()
                .to_string()
        };
        let period = text("#svc-stats-period");
        assert!(period.contains(&beijing), "statistics read: {period}");
        b.go(&format!("{}/service", server.base));
        let arrivals = text("#console-arrivals h2");
        assert!(arrivals.contains(&beijing), "{arrivals}");
    }
}
