//! ORG-3 in the web app, in headless Chromium, in both languages: the business calendar page
//! shows 2026 as month grids and a list with Spring Festival marked — Saturday 14 February a
//! make-up working day, 15–23 February holidays — fits 1280 and 390 px without sideways
//! scrolling (screenshots `tests/screenshots/calendar-*.png`), checks a deadline, and lets a
//! director change the working hours; an agent reads it without the editing controls.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use serde_json::json;
use support::browser::{Browser, web_dist};
use support::{ADMIN_PASSWORD, Server, TempDir};

use crate::support::STAFF_PASSWORD as PASSWORD;

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
fn web_calendar_shows_the_official_2026_schedule_in_both_languages_and_edits_hours() {
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
    for (username, role) in [("zhao.lei", "director"), ("wang.fang", "agent")] {
        let (status, u) = server.json(
            "POST",
            "/api/v1/users",
            Some(&admin),
            Some(
                json!({"username": username, "display_name": username, "password": PASSWORD,
                        "roles": [role], "institution_ids": [inst["id"]]}),
            ),
        );
        assert_eq!(status, 201, "{u}");
    }

    let b = Browser::start();
    b.sign_in(&server.base, "zhao.lei", PASSWORD);
    let base = &server.base;
    // Narrowing the window of a page that would not fit fails at once, so the phone width is
    // measured before the wider one in English.
    let desktop = (1280, 860, false, "desktop");
    let phone = (390, 844, true, "phone");
    for (lang, (width, height, mobile, name)) in [
        ("zh", desktop),
        ("zh", phone),
        ("en", phone),
        ("en", desktop),
    ] {
        {
            set_lang(&b, lang);
            b.window_size(width, height, mobile);
            b.go(&format!("{base}/admin/calendars"));
            b.find("#cal-year");
            // Go to 2026 whatever this year is.
            for _ in 0..20 {
                let shown: i64 = b
                    .script("return Number(document.querySelector('#cal-year').dataset.year)")
                    .as_i64()
                    .unwrap();
                if shown == 2026 {
                    break;
                }
                b.script("window.scrollTo(0, 0); return 0");
                b.click(if shown > 2026 {
                    "#cal-prev"
                } else {
                    "#cal-next"
                });
                b.wait_for(
                    "the year to change",
                    &format!("document.querySelector('#cal-year').dataset.year !== '{shown}'"),
                );
            }
            b.find("#cal-year[data-year='2026'] td[data-date='2026-02-14']");
            // The grid and the list mark Saturday 14 February as a make-up working day.
            let cell = b.script(
                "const c = document.querySelector(\"td[data-date='2026-02-14']\"); \
                 return [c.dataset.kind, c.title]",
            );
            let row = b.script(
                "return document.querySelector(\"#cal-days tr[data-date='2026-02-14']\").innerText",
            );
            let row = row.as_str().unwrap();
            let (label, festival) = if lang == "zh" {
                ("调休上班", "春节")
            } else {
                ("Make-up working day", "Spring Festival")
            };
            assert_eq!(cell[0], "makeup_workday", "{lang}");
            assert!(cell[1].as_str().unwrap().contains(label), "{lang}: {cell}");
            assert!(
                row.contains(label) && row.contains(festival),
                "{lang}: {row}"
            );
            for day in 15..=23 {
                assert_eq!(
                    b.script(&format!(
                        "return document.querySelector(\"td[data-date='2026-02-{day}']\").dataset.kind"
                    )),
                    json!("holiday"),
                    "{lang} Feb {day}"
                );
            }
            assert_eq!(
                b.script(
                    "return document.querySelector(\"td[data-date='2026-02-24']\").dataset.kind"
                ),
                json!("work")
            );
            assert_eq!(
                b.script(
                    "return document.querySelector(\"td[data-date='2026-02-22']\").dataset.kind"
                ),
                json!("holiday")
            );
            assert_eq!(
                b.script(
                    "return document.querySelector(\"td[data-date='2026-03-01']\").dataset.kind"
                ),
                json!("rest")
            );
            let source = b.find("#cal-source[data-source='official']");
            let _ = source;
            assert!(
                b.page_text()
                    .contains("国务院办公厅关于2026年部分节假日安排的通知")
            );
            let (over, wide) = b.sideways_overflow();
            b.shot(&format!("calendar-{name}-{lang}"));
            b.script(
                "document.querySelector(\"td[data-date='2026-02-14']\").scrollIntoView(); return 0",
            );
            b.shot(&format!("calendar-{name}-{lang}-february"));
            assert!(
                over <= 0,
                "{width} px ({lang}) scrolls {over} px sideways: {wide}"
            );
            assert_eq!(b.count("h1"), 1);
        }
    }
    b.window_size(1280, 860, false);
    set_lang(&b, "zh");

    // The check: Friday 13 February 2026 + 3 working days ends Wednesday 25 February 17:30.
    b.go(&format!("{base}/admin/calendars"));
    b.find("#cal-check-start");
    b.set_value("#cal-check-start", "2026-02-13T10:00");
    b.type_into("#cal-check-days", "3");
    b.click("#cal-check-run");
    b.find("#cal-check-result[data-deadline='2026-02-25T17:30']");

    // The director closes at 18:00 from now on: the same check ends at 18:00.
    b.set_value(
        "#cal-hours [data-interval='1'] input[aria-label='结束']",
        "18:00",
    );
    b.click("#cal-save");
    b.wait_text("已保存");
    b.click("#cal-check-run");
    b.find("#cal-check-result[data-deadline='2026-02-25T18:00']");
    let (_, saved) = server.json(
        "GET",
        &format!("/api/v1/calendars/{}", inst["id"].as_str().unwrap()),
        Some(&admin),
        None,
    );
    assert_eq!(saved["version"], 1, "{saved}");
    assert_eq!(saved["hours"][1]["end"], "18:00:00", "{saved}");

    // 2027 has no schedule yet; the director imports the year's file. A bad file first: its
    // problems are listed by line and nothing changes.
    // (Scrolled to the top first: WebDriver would scroll the button under the sticky header.)
    b.script("window.scrollTo(0, 0); return 0");
    b.click("#cal-next");
    b.find("#cal-year[data-year='2027'] #cal-source[data-source='none']");
    let bad = dir.0.join("2027-bad.csv");
    std::fs::write(
        &bad,
        "date,kind,name\n2027-01-01,holiday,元旦\n2027-02-10,makeup_workday,春节\n",
    )
    .unwrap();
    b.type_into("#cal-import-file", bad.to_str().unwrap());
    b.type_into(
        "#cal-import-notice",
        "国务院办公厅关于2027年部分节假日安排的通知",
    );
    b.click("#cal-import-run");
    b.find("#cal-errors");
    let errors = b.script("return document.querySelector('#cal-errors').innerText");
    assert!(
        errors
            .as_str()
            .unwrap()
            .contains("第 3 行：调休上班日应为休息日"),
        "{errors}"
    );
    b.find("#cal-source[data-source='none']");
    let good = dir.0.join("2027.csv");
    std::fs::write(
        &good,
        "\u{feff}date,kind,name\n2027-01-01,holiday,元旦\n2027-02-06,holiday,春节\n2027-02-20,makeup_workday,春节\n",
    )
    .unwrap();
    b.type_into("#cal-import-file", good.to_str().unwrap());
    b.click("#cal-import-run");
    b.find("#cal-source[data-source='imported']");
    b.find("#cal-days tr[data-date='2027-02-20'][data-kind='makeup_workday']");
    assert!(b.try_find("#cal-errors").is_none());
    assert!(b.page_text().contains("由 zhao.lei 于"));
    b.shot("calendar-imported-2027");

    // An agent reads the calendar but has nothing to edit.
    b.click("#logout");
    b.sign_in(base, "wang.fang", PASSWORD);
    b.go(&format!("{base}/admin/calendars"));
    b.find("td[data-date='2026-02-14'], #cal-year");
    assert!(b.try_find("#cal-save").is_none());
    assert!(b.try_find("#cal-import").is_none());
    assert!(b.try_find("#cal-export").is_some());
}
