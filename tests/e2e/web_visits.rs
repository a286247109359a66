//! Visits and spending (SVC-4) and the service funnel (SVC-5) in the web app, end to end in
//! headless Chromium, as an agent (a service role, not the admin): the agent records a visit
//! on the customer's 360 page with the keyboard alone — Enter in a field saves nothing, Enter
//! on the save button saves — and sees it in the summary, the visit list and the timeline;
//! the funnel page changes its grouping and period, its bars and table say what the API
//! counts, and its CSV is the API's. Both pages read in Chinese and in English with money in
//! yuan and no code left unlabelled, and nothing scrolls sideways at 390 px; screenshots at
//! 1280 and 390 px in both languages go to `tests/screenshots/visits-*.png` and
//! `funnel-*.png`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use std::time::{Duration, Instant};

use chrono::Utc;
use serde_json::{Value, json};
use support::TempDir;
use support::browser::{Browser, TAB};
use support::web::{ENTER, Hospital, STAFF_PASSWORD, WIDTHS, english_only, no_codes};

/// What people typed: allowed to stay Chinese on the English page.
const TYPED: [&str; 9] = [
    "王秀英",
    "李强",
    "张敏",
    "北京和睦家医院",
    "心内科",
    "刘伟",
    "王芳",
    "高血压",
    "心内科哪天有专家？",
];

/// Raw codes of the visit, consultation and appointment vocabularies (with an underscore: the
/// others are English words too) and the pages' text keys.
const CODES: [&str; 10] = [
    "treatment_course",
    "visit_ended",
    "expert_consultation",
    "web_chat",
    "walk_in",
    "appointment_booked",
    "consultation_received",
    "visit.",
    "funnel.",
    "timeline.",
];

/// BJ01 with 心内科 (the doctor 刘伟), the agent 王芳 and the supervisor 李娜.
struct Scene {
    h: Hospital,
    department: Value,
    doctor: Value,
    agent: String,
}

fn scene(dir: &TempDir) -> Scene {
    let h = Hospital::start(dir);
    let department = h.department("心内科");
    let doctor = h.doctor(&department, "刘伟", "主任医师", &["冠心病"]);
    h.staff(&[
        ("wang.fang", "王芳", "agent"),
        ("li.na", "李娜", "supervisor"),
    ]);
    let agent = h.login("wang.fang");
    Scene {
        h,
        department,
        doctor,
        agent,
    }
}

impl Scene {
    fn post(&self, path: &str, body: Value) -> Value {
        let (status, v) = self
            .h
            .server
            .json("POST", path, Some(&self.agent), Some(body));
        assert!(status == 201 || status == 200, "{path}: {status} {v}");
        v
    }

    fn get(&self, path: &str) -> Value {
        let (status, v) = self.h.server.json("GET", path, Some(&self.agent), None);
        assert_eq!(status, 200, "{path}: {v}");
        v
    }

    fn customer(&self, name: &str, phone: &str) -> String {
        self.post(
            "/api/v1/customers",
            json!({"kind": "individual", "name": name, "phones": [phone]}),
        )["id"]
            .as_str()
            .unwrap()
            .to_string()
    }
}

/// The text of the element `css`.
fn text_of(b: &Browser, css: &str) -> String {
    let quoted = serde_json::to_string(css).unwrap();
    b.script(&format!(
        "const e = document.querySelector({quoted}); return e ? e.innerText : ''"
    ))
    .as_str()
    .unwrap_or_default()
    .to_string()
}

/// Presses Tab until the element `id` has the focus; the ids passed on the way.
#[track_caller]
fn tab_to(b: &Browser, id: &str) -> Vec<String> {
    let mut seen = Vec::new();
    for _ in 0..30 {
        b.press(&[TAB]);
        let now = b.focused_id();
        seen.push(now.clone());
        if now == id {
            return seen;
        }
    }
    panic!("Tab never reached #{id}: {seen:?}");
}

/// Whether the element with the focus shows a focus ring (an outline or a box shadow).
fn focus_visible(b: &Browser) -> bool {
    b.script(
        "const s = getComputedStyle(document.activeElement); \
         return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';",
    ) == json!(true)
}

#[test]
fn an_agent_records_a_visit_by_keyboard_and_sees_it_on_the_360_page() {
    let dir = TempDir::new();
    let sc = scene(&dir);
    let server = &sc.h.server;
    let wang = sc.customer("王秀英", "13800138001");
    let b = Browser::start();
    b.sign_in(&server.base, "wang.fang", STAFF_PASSWORD);
    b.set_lang(false);
    b.go(&format!("{}/customers/{wang}", server.base));
    b.find("#customer-visits");
    b.wait_text("暂无就诊记录");
    assert_eq!(text_of(&b, "#visit-summary-count strong"), "0");
    assert_eq!(text_of(&b, "#visit-summary-amount strong"), "¥0.00");

    // The keyboard opens the form and lands in its first field.
    b.script("document.querySelector('#visit-new-open').focus(); return 1;");
    assert!(focus_visible(&b), "the open button shows its focus");
    b.keys(ENTER);
    b.find("#visit-new");
    b.wait_for(
        "the form's first field has the focus",
        "document.activeElement && document.activeElement.id === 'visit-kind'",
    );
    // The summary's cards and the form's fields side by side, each id once: a card that
    // shared the amount field's id took its label and every `#visit-amount` look-up.
    assert_eq!(b.duplicate_ids(), Vec::<String>::new(), "ids used twice");

    // A save with no amount is refused on the spot, the focus on the amount.
    let order = tab_to(&b, "visit-save");
    b.keys(ENTER);
    b.wait_for(
        "the amount's error",
        "document.querySelector('#visit-amount-error')?.innerText.trim() !== ''",
    );
    b.wait_for(
        "the amount has the focus",
        "document.activeElement && document.activeElement.id === 'visit-amount'",
    );
    let mut fields: Vec<&str> = order
        .iter()
        .map(String::as_str)
        .filter(|id| id.starts_with("visit-"))
        .collect();
    fields.dedup();
    assert_eq!(
        fields,
        [
            "visit-sequence",
            "visit-department",
            "visit-diagnosis",
            "visit-visited-at",
            "visit-amount",
            "visit-insurance",
            "visit-paid",
            "visit-external-id",
            "visit-save"
        ],
        "tab order: {order:?}"
    );

    // Fill it in by keyboard: 500 yuan, 200 of them the insurance's, 250 paid.
    for (id, typed) in [
        ("visit-amount", "500"),
        ("visit-insurance", "200"),
        ("visit-paid", "250"),
    ] {
        if id != "visit-amount" {
            b.press(&[TAB]);
        }
        assert_eq!(b.focused_id(), id);
        b.keys(typed);
        b.wait_for(
            &format!("{id} holds {typed}"),
            &format!("document.querySelector('#{id}').value === '{typed}'"),
        );
    }
    // Enter in a field saves nothing.
    b.keys(ENTER);
    std::thread::sleep(Duration::from_millis(700));
    assert_eq!(
        sc.get(&format!("/api/v1/visits?customer_id={wang}"))["total"],
        0
    );
    b.find("#visit-new");
    // Back to the department (Shift+Tab) and the diagnosis.
    for _ in 0..30 {
        if b.focused_id() == "visit-department" {
            break;
        }
        b.press(&[support::browser::SHIFT, TAB]);
    }
    assert_eq!(b.focused_id(), "visit-department");
    b.keys("\u{E015}"); // Arrow down: 心内科
    b.press(&[TAB]);
    assert_eq!(b.focused_id(), "visit-diagnosis");
    b.keys("高血压");
    tab_to(&b, "visit-save");
    assert!(focus_visible(&b), "the save button shows its focus");
    b.shot("visits-form-zh");
    b.keys(ENTER);
    b.find("#customer-visits .notice");
    // Saved: the form closes and the keyboard is back on the button that opened it.
    b.wait_for(
        "the form closed, the focus on its button",
        "!document.querySelector('#visit-new') && document.activeElement?.id === 'visit-new-open'",
    );

    // The API has it as typed.
    let list = sc.get(&format!("/api/v1/visits?customer_id={wang}"));
    assert_eq!(list["total"], 1, "{list}");
    let v = &list["items"][0];
    assert_eq!(
        (
            v["kind"].as_str(),
            v["sequence"].as_str(),
            v["amount_fen"].as_i64(),
            v["insurance_fen"].as_i64(),
            v["paid_fen"].as_i64(),
            v["arrears_fen"].as_i64(),
            v["diagnosis_category"].as_str(),
            v["department_id"].as_str(),
        ),
        (
            Some("outpatient"),
            Some("first"),
            Some(50000),
            Some(20000),
            Some(25000),
            Some(5000),
            Some("高血压"),
            sc.department["id"].as_str()
        ),
        "{v}"
    );
    let visit_id = v["id"].as_str().unwrap().to_string();

    // The summary, the list and the timeline show it, money in yuan.
    b.wait_for(
        "the summary counts it",
        "document.querySelector('#visit-summary-count strong')?.innerText === '1'",
    );
    assert_eq!(text_of(&b, "#visit-summary-amount strong"), "¥500.00");
    assert_eq!(text_of(&b, "#visit-summary-insurance strong"), "¥200.00");
    assert_eq!(text_of(&b, "#visit-summary-arrears strong"), "¥50.00");
    let row = text_of(&b, &format!("#visit-list tr[data-visit-id='{visit_id}']"));
    for w in ["门诊", "初诊", "心内科", "高血压", "¥500.00", "¥50.00"] {
        assert!(row.contains(w), "{w} not in the row: {row}");
    }
    b.wait_for(
        "the timeline has the visit",
        "document.querySelector(\"#timeline li[data-kind='visit']\")",
    );
    let entry = text_of(&b, "#timeline li[data-kind='visit']");
    for w in ["门诊", "¥500.00"] {
        assert!(entry.contains(w), "{w} not in the timeline: {entry}");
    }

    // Both languages, desktop and phone.
    for (width, height, mobile, size) in WIDTHS {
        b.window_size(width, height, mobile);
        for (lang, en) in [("zh", false), ("en", true)] {
            b.set_lang(en);
            b.wait_text(if en {
                "Visits and spending"
            } else {
                "就诊与消费"
            });
            let row = text_of(&b, &format!("#visit-list tr[data-visit-id='{visit_id}']"));
            let (kind, first) = if en {
                ("Outpatient", "First visit")
            } else {
                ("门诊", "初诊")
            };
            assert!(row.contains(kind) && row.contains(first), "{lang}: {row}");
            let text = b.page_text();
            no_codes(&text, &CODES, lang);
            if en {
                english_only(&text_of(&b, "#customer-visits"), &TYPED);
                english_only(&text_of(&b, "#timeline"), &TYPED);
            }
            let (over, wide) = b.sideways_overflow();
            assert!(
                over <= 0,
                "the 360 page scrolls sideways at {size} ({lang}): {wide}"
            );
            b.script(
                "document.querySelector('#customer-visits').scrollIntoView(); \
                 window.scrollBy(0, -60); return 1;",
            );
            b.shot(&format!("visits-{size}-{lang}"));
            b.script(
                "document.querySelector('#timeline').scrollIntoView(); \
                 window.scrollBy(0, -60); return 1;",
            );
            b.shot(&format!("visits-timeline-{size}-{lang}"));
        }
    }
    b.set_lang(false);
}

/// Today in Beijing (the institution's zone), as the funnel's days are.
fn beijing_today() -> chrono::NaiveDate {
    (Utc::now() + chrono::Duration::hours(8)).date_naive()
}

/// The funnel table's rows as the page shows them: the first cell and the counts.
fn table_rows(b: &Browser) -> Vec<Vec<String>> {
    let v = b.script(
        "return [...document.querySelectorAll('#funnel-table tbody tr')] \
           .map(tr => [...tr.cells].map(td => td.innerText.trim()));",
    );
    serde_json::from_value(v).unwrap()
}

/// The chart's bars: (step, count shown, bar width).
fn bars(b: &Browser) -> Vec<(String, String, f64)> {
    let v = b.script(
        "return [...document.querySelectorAll('#funnel-chart [data-step]')].map(g => \
           [g.dataset.step, g.querySelector('.funnel-count').textContent, \
            parseFloat(g.querySelector('rect').getAttribute('width'))]);",
    );
    serde_json::from_value(v).unwrap()
}

/// The page's table and bars say what the API's funnel `f` counts.
#[track_caller]
fn page_agrees(b: &Browser, f: &Value) {
    let rows = table_rows(b);
    let api_rows = f["rows"].as_array().unwrap();
    assert_eq!(rows.len(), api_rows.len() + 1, "{rows:?} vs {f}");
    for (shown, r) in rows.iter().zip(api_rows.iter().chain([&f["total"]])) {
        let counts: Vec<String> = [
            "consultations",
            "appointments",
            "arrivals",
            "spenders",
            "first_visits",
            "return_visits",
        ]
        .iter()
        .map(|k| r[k].to_string())
        .collect();
        assert_eq!(shown[1..7], counts[..], "{shown:?} vs {r}");
        let fen = r["amount_fen"].as_i64().unwrap();
        assert_eq!(
            shown[7],
            format!("¥{}.{:02}", fen / 100, fen % 100),
            "{shown:?}"
        );
    }
    let t = &f["total"];
    let bars = bars(b);
    let steps = ["consultations", "appointments", "arrivals", "spenders"];
    assert_eq!(bars.len(), 4, "{bars:?}");
    for ((step, count, _), key) in bars.iter().zip(steps) {
        assert!(step.ends_with(key), "{step} {key}");
        assert_eq!(*count, t[key].to_string(), "{key}: {bars:?}");
    }
    // Each bar as long as its share of the consultations.
    let full = bars[0].2;
    let total = t["consultations"].as_f64().unwrap().max(1.0);
    for ((_, count, width), key) in bars.iter().zip(steps) {
        let share = t[key].as_f64().unwrap() / total;
        assert!(
            (width / full - share).abs() < 0.02 || (share == 0.0 && *width <= 1.0),
            "{key} {count}: width {width} of {full}"
        );
    }
}

/// Waits until the page shows the funnel of `path` (as the API answers it) and returns it.
#[track_caller]
fn shown_funnel(b: &Browser, sc: &Scene, path: &str) -> Value {
    let f = sc.get(path);
    let want = f["rows"].as_array().unwrap().len() + 1;
    let period = format!(
        "{} – {}",
        f["from"].as_str().unwrap(),
        f["to"].as_str().unwrap()
    );
    b.wait_for(
        &format!("the funnel of {path}"),
        &format!(
            "document.querySelectorAll('#funnel-table tbody tr').length === {want} && \
             document.querySelector('#funnel-period')?.innerText.includes({})",
            serde_json::to_string(&period).unwrap()
        ),
    );
    page_agrees(b, &f);
    f
}

#[test]
fn the_funnel_page_groups_by_period_and_department_and_downloads_its_csv() {
    let dir = TempDir::new();
    let sc = scene(&dir);
    let server = &sc.h.server;
    let supervisor = sc.h.login("li.na");
    let today = beijing_today();
    // Three calls an hour ago; two booked into today's session, one arrived and spent 500 yuan.
    let (status, session) = server.json(
        "POST",
        "/api/v1/clinic-sessions",
        Some(&supervisor),
        Some(
            json!({"doctor_id": sc.doctor["id"], "date": today.to_string(), "half_day": "evening", "capacity": 5}),
        ),
    );
    assert_eq!(status, 201, "{session}");
    // An hour ago, but today in Beijing: the period of today only below counts them (from
    // 00:00 to 01:00 an hour ago was yesterday and that period was empty).
    let midnight = today.and_hms_opt(0, 0, 0).unwrap().and_utc() - chrono::Duration::hours(8);
    let an_hour_ago = (Utc::now() - chrono::Duration::hours(1))
        .max(midnight + chrono::Duration::seconds(1))
        .to_rfc3339();
    let wang = sc.customer("王秀英", "13800138001");
    let li = sc.customer("李强", "13800138002");
    let zhang = sc.customer("张敏", "13800138003");
    for (who, channel, department) in [
        (&wang, "hotline", Some(&sc.department["id"])),
        (&li, "web_chat", Some(&sc.department["id"])),
        (&zhang, "hotline", None),
    ] {
        sc.post(
            "/api/v1/consultations",
            json!({"channel": channel, "customer_id": who, "question": "心内科哪天有专家？",
                   "department_id": department, "received_at": an_hour_ago}),
        );
    }
    let booked = sc.post(
        "/api/v1/appointments",
        json!({"customer_id": wang, "session_id": session["id"], "kind": "expert_consultation"}),
    );
    sc.post(
        "/api/v1/appointments",
        json!({"customer_id": li, "session_id": session["id"], "kind": "expert_consultation"}),
    );
    sc.post(
        &format!(
            "/api/v1/appointments/{}/transitions",
            booked["id"].as_str().unwrap()
        ),
        json!({"action": "arrive", "version": booked["version"]}),
    );
    sc.post(
        "/api/v1/visits",
        json!({"customer_id": wang, "kind": "outpatient", "visited_at": Utc::now().to_rfc3339(),
               "amount_fen": 50000, "department_id": sc.department["id"]}),
    );

    let b = Browser::start();
    b.sign_in(&server.base, "wang.fang", STAFF_PASSWORD);
    b.set_lang(false);
    b.tap("#nav a[data-nav='funnel']");
    b.find("#funnel-page");
    // The last 30 days by channel: 热线电话 2 → 1 → 1 → 1, 网络在线咨询 1 → 1.
    let f = shown_funnel(&b, &sc, "/api/v1/funnel?group_by=channel");
    assert_eq!(
        [
            &f["total"]["consultations"],
            &f["total"]["appointments"],
            &f["total"]["arrivals"],
            &f["total"]["spenders"]
        ],
        [3, 2, 1, 1],
        "{f}"
    );
    let rows = table_rows(&b);
    assert_eq!(rows[0][0], "热线电话", "{rows:?}");
    assert_eq!(rows[1][0], "网络在线咨询", "{rows:?}");
    assert_eq!(rows.last().unwrap()[0], "合计");
    // The period's boxes show the period shown.
    assert_eq!(
        b.script("return document.querySelector('#funnel-to').value"),
        json!(today.to_string())
    );

    // By department: 心内科 2 → 2 → 1 → 1, and the call with none.
    b.set_value("#funnel-group", "department");
    let f = shown_funnel(&b, &sc, "/api/v1/funnel?group_by=department");
    let rows = table_rows(&b);
    assert_eq!(rows[0][0], "未指定", "{rows:?}");
    assert_eq!(rows[1][0], "心内科", "{rows:?}");
    assert_eq!(f["rows"][1]["consultations"], 2);

    // A period of today only, by day, typed and applied with Enter.
    let day = today.to_string();
    b.set_value("#funnel-from", &day);
    b.set_value("#funnel-to", &day);
    b.set_value("#funnel-group", "day");
    b.script("document.querySelector('#funnel-to').focus(); return 1;");
    b.keys(ENTER);
    shown_funnel(
        &b,
        &sc,
        &format!("/api/v1/funnel?group_by=day&from={day}&to={day}"),
    );
    assert_eq!(table_rows(&b)[0][0], day);
    // A month with no calls: nothing, zero bars.
    let from = (today - chrono::Duration::days(90)).to_string();
    let to = (today - chrono::Duration::days(60)).to_string();
    b.set_value("#funnel-from", &from);
    b.set_value("#funnel-to", &to);
    b.tap("#funnel-apply");
    let empty = shown_funnel(
        &b,
        &sc,
        &format!("/api/v1/funnel?group_by=day&from={from}&to={to}"),
    );
    assert_eq!(empty["total"]["consultations"], 0);
    // Back to the last 30 days by department, for the pictures and the file.
    b.set_value(
        "#funnel-from",
        &(today - chrono::Duration::days(29)).to_string(),
    );
    b.set_value("#funnel-to", &day);
    b.set_value("#funnel-group", "department");
    b.tap("#funnel-apply");
    let path = format!(
        "/api/v1/funnel?group_by=department&from={}&to={day}",
        today - chrono::Duration::days(29)
    );
    shown_funnel(&b, &sc, &path);

    // Both languages, desktop and phone; the CSV in each language is the API's.
    let downloads = TempDir::new();
    b.download_to(&downloads.0);
    for (width, height, mobile, size) in WIDTHS {
        b.window_size(width, height, mobile);
        for (lang, en) in [("zh", false), ("en", true)] {
            b.set_lang(en);
            b.wait_text(if en { "Service funnel" } else { "服务漏斗" });
            page_agrees(&b, &sc.get(&path));
            let rows = table_rows(&b);
            assert_eq!(rows[0][0], if en { "None" } else { "未指定" });
            assert_eq!(rows[1][0], "心内科");
            assert_eq!(rows[2][0], if en { "Total" } else { "合计" });
            let text = b.page_text();
            no_codes(&text, &CODES, lang);
            if en {
                english_only(&text, &TYPED);
            }
            let (over, wide) = b.sideways_overflow();
            assert!(
                over <= 0,
                "the funnel scrolls sideways at {size} ({lang}): {wide}"
            );
            b.script("window.scrollTo(0, 0); return 1;");
            b.shot(&format!("funnel-{size}-{lang}"));
            if size == "1280" {
                for f in std::fs::read_dir(&downloads.0).unwrap() {
                    std::fs::remove_file(f.unwrap().path()).unwrap();
                }
                b.tap("#funnel-csv");
                let file = wait_file(&downloads.0);
                let name = file.file_name().unwrap().to_string_lossy().to_string();
                assert_eq!(
                    name,
                    format!(
                        "service-funnel-{}-{}.csv",
                        (today - chrono::Duration::days(29)).format("%Y%m%d"),
                        today.format("%Y%m%d")
                    )
                );
                let got = std::fs::read(&file).unwrap();
                let code = if en { "en" } else { "zh" };
                let (status, _, want) =
                    server_text(server, &format!("{path}&format=csv&lang={code}"), &sc.agent);
                assert_eq!(status, 200);
                assert_eq!(String::from_utf8_lossy(&got), want, "{lang}");
                let head = if en {
                    "Department,Consultations"
                } else {
                    "科室,咨询"
                };
                assert!(want.contains(head), "{want}");
                assert!(want.contains("500.00"), "{want}");
            }
        }
    }
    b.set_lang(false);
}

/// The one file that appears in `dir` within 15 s (a finished download: no `.crdownload`).
fn wait_file(dir: &std::path::Path) -> std::path::PathBuf {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let files: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| !p.to_string_lossy().ends_with(".crdownload"))
            .collect();
        if files.len() == 1 {
            return files[0].clone();
        }
        assert!(
            Instant::now() < deadline,
            "no download in {}",
            dir.display()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// GET `path` with the bearer `token`: status, content type, body.
fn server_text(server: &support::Server, path: &str, token: &str) -> (u16, String, String) {
    let req = ureq::http::Request::builder()
        .method("GET")
        .uri(format!("{}{}", server.base, path))
        .header("Authorization", format!("Bearer {token}"))
        .body(())
        .unwrap();
    let mut res = server.agent.run(req).unwrap();
    let ct = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (
        res.status().as_u16(),
        ct,
        res.body_mut().read_to_string().unwrap_or_default(),
    )
}
