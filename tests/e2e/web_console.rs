//! The agent console in the web app (issue 11, SVC-1, SVC-2), end to end in headless
//! Chromium: a call from an unknown number — the phone box finds nobody, the agent creates a
//! potential customer with the number filled in, records the consultation on the form
//! prefilled with them, books the caller into a clinic session from the calendar, and marks
//! the arrival in today's list. The console reads in Chinese and in
//! English with no code left unlabelled, and nothing scrolls sideways at 390 px; screenshots
//! at 1280 and 390 px in both languages go to `tests/screenshots/console-*.png`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use serde_json::json;
use support::TempDir;
use support::browser::Browser;
use support::web::{ENTER, Hospital, STAFF_PASSWORD as PASSWORD, WIDTHS, english_only, no_codes};

/// What people typed: allowed to stay Chinese on the English page.
const TYPED: [&str; 9] = [
    "心内科周二有专家门诊吗？",
    // The caller's form of address, made from the name the agent typed.
    "陈先生/女士",
    "陈立新",
    "北京和睦家医院",
    "心内科",
    "刘伟",
    "主任医师",
    "冠心病",
    "王芳",
];

/// Raw codes of the appointment and consultation vocabularies (those with an underscore: the
/// others are English words too) and the pages' text keys.
const CODES: [&str; 11] = [
    "expert_consultation",
    "home_nursing",
    "health_check",
    "no_show",
    "appointment_booked",
    "walk_in",
    "web_chat",
    "console.",
    "booking.",
    "arrivals.",
    "directory.",
];

#[test]
fn a_call_from_an_unknown_number_ends_in_a_booked_and_arrived_appointment() {
    let dir = TempDir::new();
    let h = Hospital::start(&dir);
    let dep = h.department("心内科");
    let doctor = h.doctor(&dep, "刘伟", "主任医师", &["冠心病"]);
    h.staff(&[
        ("wang.fang", "王芳", "agent"),
        ("li.na", "李娜", "supervisor"),
    ]);
    let server = &h.server;
    // Today's session of the doctor (in Beijing, the institution's zone), two places.
    let today = (chrono::Utc::now() + chrono::Duration::hours(8))
        .date_naive()
        .to_string();
    let supervisor = h.login("li.na");
    let (status, session) = server.json(
        "POST",
        "/api/v1/clinic-sessions",
        Some(&supervisor),
        Some(
            json!({"doctor_id": doctor["id"], "date": today, "half_day": "evening", "capacity": 2}),
        ),
    );
    assert_eq!(status, 201, "{session}");
    let session_id = session["id"].as_str().unwrap().to_string();

    let b = Browser::start();
    b.sign_in(&server.base, "wang.fang", PASSWORD);
    b.tap("#nav a[data-nav='service']");
    b.find("#console-page");
    b.wait_for(
        "the phone box has the focus",
        "document.activeElement && document.activeElement.id === 'console-phone'",
    );

    // The caller's number, pasted with the country code; Enter looks it up: nobody.
    b.keys("+86 139-1234-5678");
    b.keys(ENTER);
    b.find("#console-new");
    b.wait_text("13912345678");
    // Creating without a name is refused on the spot.
    b.tap("#console-create");
    b.find("#console-new-name-error");
    b.type_into("#console-new-name", "陈立新");
    b.tap("#console-create");
    b.find("#console-caller[data-customer-id]");
    let customer = b
        .script("return document.querySelector('#console-caller').dataset.customerId")
        .as_str()
        .unwrap()
        .to_string();
    b.wait_text("陈立新");
    let (status, created) = server.json(
        "GET",
        &format!("/api/v1/customers/{customer}"),
        Some(&h.login("wang.fang")),
        None,
    );
    assert_eq!(status, 200, "{created}");
    assert_eq!(created["lifecycle_stage"], "potential");
    // The agent sees the number masked; it is the caller's.
    assert_eq!(created["phones"], json!(["139****5678"]));
    b.find("#console-complaints");
    b.find("#console-next");
    b.wait_text("没有待到诊的预约");

    // What the caller asks goes on the consultation form, prefilled with them (SVC-1).
    b.find("#consultation-form");
    b.type_into("#consultation-question", "心内科周二有专家门诊吗？");
    b.set_value("#consultation-outcome", "appointment_booked");
    b.tap("#consultation-save");
    b.find("#consultation-saved[data-consultation-id]");
    let (status, asked) = server.json(
        "GET",
        &format!("/api/v1/consultations?customer_id={customer}"),
        Some(&supervisor),
        None,
    );
    assert_eq!(status, 200, "{asked}");
    assert_eq!(asked["total"], 1, "{asked}");

    // The calendar of the department: today's session with its places; book it.
    b.set_value("#booking-department", dep["id"].as_str().unwrap());
    let row = format!("#booking-sessions [data-session-id='{session_id}']");
    b.find(&row);
    b.wait_text("余 2 / 2 号");
    b.tap(&format!("{row} .book-btn"));
    b.find("#booking-dialog");
    b.wait_for(
        "the dialog has the focus",
        "document.activeElement && document.querySelector('#booking-dialog').contains(document.activeElement)",
    );
    b.shot("console-booking-zh");
    b.tap("#booking-save");
    b.wait_text("已为 陈立新 预约");
    b.find(&format!("{row}[data-free='1']"));
    b.find("#console-next [data-appointment-id]");

    // Today's arrivals: the booking, marked arrived.
    let arrival = "#arrivals-table tr[data-status='booked']";
    b.find(arrival);
    b.tap(&format!("{arrival} .arrive-btn"));
    b.find("#arrivals-table tr[data-status='arrived']");
    let (status, list) = server.json(
        "GET",
        &format!("/api/v1/appointments?customer_id={customer}"),
        Some(&supervisor),
        None,
    );
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["items"][0]["status"], "arrived", "{list}");
    assert_eq!(list["items"][0]["kind"], "expert_consultation", "{list}");

    // The directory is there, read-only.
    b.find("#console-directory");
    b.script("document.querySelector('#console-directory').open = true; return 1;");
    b.find(&format!(
        "#console-directory [data-doctor-id='{}']",
        doctor["id"].as_str().unwrap()
    ));

    // Both languages, desktop and phone widths.
    for (width, height, mobile, size) in WIDTHS {
        b.window_size(width, height, mobile);
        for (lang, en) in [("zh", false), ("en", true)] {
            if en {
                b.set_lang(true);
                b.wait_text("Agent console");
            } else {
                b.wait_text("客服工作台");
            }
            b.find("#console-phone");
            let text = b.page_text();
            no_codes(&text, &CODES, lang);
            if en {
                english_only(&text, &TYPED);
                assert!(text.contains("Arrived"), "{text}");
            } else {
                assert!(text.contains("已到诊"), "{text}");
            }
            let (over, wide) = b.sideways_overflow();
            assert!(
                over <= 0,
                "the console scrolls sideways at {size} ({lang}): {wide}"
            );
            b.script("window.scrollTo(0, 0); return 1;");
            b.shot(&format!("console-{size}-{lang}"));
            if en {
                b.set_lang(false);
            }
        }
    }
}
