//! Issue 9 in the web app, end to end in headless Chromium, in both languages:
//! - the main pages at desktop, tablet (768 px) and phone (390 px) widths: no page scrolls
//!   sideways, each has one `<h1>`, the phone's menu folds behind a button (items 16, 17); the
//!   screenshots are kept in `tests/screenshots/layout-*.png`;
//! - the customer list filters itself as you type, with its count, pages and the query in the
//!   URL; rows are links; a user of two institutions gets their column and filter (items 3, 4);
//! - the home box has the focus after sign-in, carries combobox ARIA and leads to all results;
//!   the skip link reaches the page (item 17);
//! - my tasks: counts on the home page, the coming week by date, each row naming its customer
//!   with a link, "N more" a link, "done" puts the cursor in the outcome box (item 5).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use serde_json::{Value, json};
use support::browser::{Browser, web_dist};
use support::{ADMIN_PASSWORD, Server, TempDir};

use crate::support::STAFF_PASSWORD as PASSWORD;
const WANGJING: &str = "北京朝阳区望京街道办事处";

struct World {
    server: Server,
    _dir: TempDir,
    zhang: String,
}

/// Two Beijing hospitals; an agent of the first, a supervisor of both; 25 customers of the
/// first (a page and more; 23 named 陈…, one of them lost), the same sub-district office in both, and the agent's tasks:
/// one overdue, one today and one in two days about 张建国, one in ten days.
fn world() -> World {
    let dist = web_dist();
    let dir = TempDir::new();
    let server = Server::start(&dir.0, &[("HCRM_WEB_DIR", dist.to_str().unwrap())]);
    let admin = server.login("admin", ADMIN_PASSWORD);
    let mut inst = Vec::new();
    for (code, name) in [
        ("BJ01", "北京和睦家医院"),
        ("BJ02", "北京和睦家京北妇儿医院"),
    ] {
        let (status, i) = server.json(
            "POST",
            "/api/v1/institutions",
            Some(&admin),
            Some(json!({"code": code, "name": name, "city": "北京", "local": true})),
        );
        assert_eq!(status, 201, "{i}");
        inst.push(i["id"].clone());
    }
    for (username, name, role, institutions) in [
        ("wang.fang", "王芳", "agent", json!([inst[0]])),
        ("li.na", "李娜", "supervisor", json!([inst[0], inst[1]])),
    ] {
        let (status, u) = server.json("POST", "/api/v1/users", Some(&admin), Some(json!({"username": username, "display_name": name, "password": PASSWORD, "roles": [role], "institution_ids": institutions})));
        assert_eq!(status, 201, "{u}");
    }
    let agent = server.login("wang.fang", PASSWORD);
    let sup = server.login("li.na", PASSWORD);
    let create = |token: &str, body: Value| -> String {
        let (status, c) = server.json(
            "POST",
            "/api/v1/customers?confirm_duplicate=true",
            Some(token),
            Some(body),
        );
        assert_eq!(status, 201, "{c}");
        c["id"].as_str().unwrap().to_string()
    };
    let zhang = create(
        &agent,
        json!({"kind": "individual", "name": "张建国", "gender": "male", "birth_date": "1958-04-12",
               "phones": ["13812345678"], "tags": ["高血压"]}),
    );
    let given = ["秀英", "桂兰", "志强", "建华", "丽娟", "国强", "淑珍"];
    for n in 0..22 {
        create(
            &agent,
            json!({"kind": "individual", "name": format!("陈{}", given[n % 7]),
                   "gender": if n % 2 == 0 { "female" } else { "male" },
                   "phones": [format!("139{:08}", 10_000_000 + n * 7919)],
                   "tags": if n % 4 == 0 { json!(["糖尿病", "老年慢病随访", "VIP"]) } else { json!([]) }}),
        );
    }
    // A lost customer: the 流失 tag (4.44:1 before issue 9) is on the list.
    create(
        &agent,
        json!({"kind": "individual", "name": "陈流失", "lifecycle_stage": "lost", "phones": ["13900000001"]}),
    );
    for i in &inst {
        create(
            &sup,
            json!({"kind": "organization", "name": WANGJING, "institution_id": i}),
        );
    }
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    for (title, days, customer) in [
        ("回电确认复查时间", -1, true),
        ("提醒张大爷空腹抽血", 0, true),
        ("复查结果电话回访", 2, true),
        ("季度满意度回访", 10, false),
    ] {
        let mut body = json!({"title": title, "kind": "reminder",
                              "due_on": (today + chrono::Duration::days(days)).to_string()});
        if customer {
            body["customer_id"] = json!(zhang);
        }
        let (status, t) = server.json("POST", "/api/v1/tasks", Some(&agent), Some(body));
        assert_eq!(status, 201, "{t}");
    }
    World {
        server,
        _dir: dir,
        zhang,
    }
}

fn sign_in(b: &Browser, w: &World, username: &str, password: &str) {
    b.sign_in(&w.server.base, username, password);
}

fn sign_out(b: &Browser) {
    b.click("#logout");
    b.find("#login-username");
}

/// Switches the interface to `lang` (`zh` or `en`) if it is not already.
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

const WIDTHS: [(u32, u32, bool, &str); 3] = [
    (1280, 860, false, "desktop"),
    (768, 1024, true, "tablet"),
    (390, 844, true, "phone"),
];

/// Visits `path` at each width in both languages: the page (seen by `ready`) does not scroll
/// sideways and has one `<h1>`; a screenshot of each.
fn check_pages(b: &Browser, w: &World, pages: &[(&str, String, &str)]) {
    for lang in ["zh", "en"] {
        set_lang(b, lang);
        for (width, height, mobile, wname) in WIDTHS {
            b.window_size(width, height, mobile);
            for (name, path, ready) in pages {
                b.go(&format!("{}{path}", w.server.base));
                b.find(ready);
                // Let late content (counts, lists) settle before measuring.
                std::thread::sleep(std::time::Duration::from_millis(300));
                let (over, wide) = b.sideways_overflow();
                b.shot(&format!("layout-{name}-{wname}-{lang}"));
                assert!(
                    over <= 0,
                    "{name} at {width} px ({lang}) scrolls {over} px sideways: {wide}"
                );
                assert_eq!(b.count("h1"), 1, "{name} at {width} px ({lang}): one h1");
                let faint = b.low_contrast();
                assert!(
                    faint.is_empty(),
                    "{name} at {width} px ({lang}): text below AA contrast: {faint:?}"
                );
                // The phone's menu is folded away behind its button; elsewhere it is shown.
                let menu_button = b.script(
                    "return getComputedStyle(document.querySelector('#menu-toggle')).display !== 'none'",
                );
                let nav_shown = b.script(
                    "return getComputedStyle(document.querySelector('#nav')).visibility === 'visible'",
                );
                assert_eq!(
                    menu_button,
                    json!(width < 760),
                    "{name} {width}: menu button"
                );
                assert_eq!(nav_shown, json!(width >= 760), "{name} {width}: menu");
            }
        }
    }
    b.window_size(1280, 860, false);
}

#[test]
fn main_pages_fit_desktop_tablet_and_phone_in_both_languages() {
    let w = world();
    let b = Browser::start();
    let id = &w.zhang;
    sign_in(&b, &w, "wang.fang", PASSWORD);
    check_pages(
        &b,
        &w,
        &[
            ("home", "/".into(), "#home-task-counts"),
            (
                "customers",
                "/customers".into(),
                "#customer-list [data-customer-id]",
            ),
            (
                "customer-360",
                format!("/customers/{id}"),
                "#customer-profile",
            ),
            (
                "customer-form",
                format!("/customers/{id}/edit"),
                "#customer-form",
            ),
            ("tasks", "/tasks".into(), "#tasks-today [data-task-id]"),
        ],
    );
    sign_out(&b);
    sign_in(&b, &w, "li.na", PASSWORD);
    check_pages(
        &b,
        &w,
        &[(
            "customers-two-institutions",
            "/customers".into(),
            "#customer-list th.c-inst",
        )],
    );
    sign_out(&b);
    sign_in(&b, &w, "admin", ADMIN_PASSWORD);
    check_pages(
        &b,
        &w,
        &[
            ("staff", "/admin/users".into(), "#users-table tbody tr td"),
            (
                "departments",
                "/admin/departments".into(),
                "#departments-table",
            ),
            ("audit", "/admin/audit".into(), "#audit-table tbody tr td"),
        ],
    );
}

/// The phone's menu opens from its button and closes when a page is chosen.
#[test]
fn the_phone_menu_folds_behind_a_button_and_the_skip_link_reaches_the_page() {
    let w = world();
    let b = Browser::start();
    sign_in(&b, &w, "wang.fang", PASSWORD);
    for (lang, skip) in [("zh", "跳到主要内容"), ("en", "Skip to main content")] {
        set_lang(&b, lang);
        b.window_size(390, 844, true);
        b.go(&format!("{}/tasks", w.server.base));
        b.find("#tasks-today");
        let expanded = || {
            b.script("return document.querySelector('#menu-toggle').getAttribute('aria-expanded')")
        };
        let nav_visible =
            || b.script("return getComputedStyle(document.querySelector('#nav')).visibility");
        assert_eq!(expanded(), "false");
        assert_eq!(nav_visible(), "hidden");
        b.click("#menu-toggle");
        assert_eq!(expanded(), "true");
        b.wait_for(
            "the open menu",
            "getComputedStyle(document.querySelector('#nav')).visibility === 'visible'",
        );
        std::thread::sleep(std::time::Duration::from_millis(300)); // the slide-in
        b.shot(&format!("phone-menu-open-{lang}"));
        b.click("#nav a[data-nav='customers']");
        b.find("#customer-list [data-customer-id]");
        assert_eq!(expanded(), "false");
        assert_eq!(nav_visible(), "hidden");

        // The first Tab of a fresh page reaches the skip link; following it focuses the page.
        b.window_size(1280, 860, false);
        b.go(&format!("{}/tasks", w.server.base));
        b.find("#tasks-today [data-task-id]");
        b.keys("\u{E004}");
        assert_eq!(b.focused_id(), "skip-link");
        assert_eq!(
            b.script("return document.querySelector('#skip-link').innerText.trim()"),
            skip
        );
        b.shot(&format!("skip-link-{lang}"));
        b.keys("\u{E007}");
        assert_eq!(b.focused_id(), "main");
        assert!(b.script("return location.pathname") == "/tasks");
    }
}

#[test]
fn the_customer_list_filters_as_you_type_with_links_count_pages_and_institutions() {
    let w = world();
    let b = Browser::start();
    sign_in(&b, &w, "wang.fang", PASSWORD);
    // After sign-in the home box has the keyboard.
    b.find("#customer-search");
    b.wait_for(
        "focus in the home box",
        "document.activeElement && document.activeElement.id === 'customer-search'",
    );
    let rows = "#customer-list tbody tr[data-customer-id]";
    let url = || b.script("return location.pathname + location.search");

    for (lang, count_all, count_zhang, header) in [
        ("zh", "共 25 位客户", "共 1 位客户", "姓名/名称"),
        ("en", "Customers: 25", "Customers: 1", "Name"),
    ] {
        set_lang(&b, lang);
        b.go(&format!("{}/customers", w.server.base));
        b.find(rows);
        // Headers; the whole list counted and paged (20 a page).
        assert_eq!(
            b.script("return document.querySelector('#customer-list th').innerText.trim()"),
            header
        );
        b.wait_text(count_all);
        assert_eq!(b.count(rows), 20);
        // The 流失 tag meets AA now; in the colour it had it would not (the check can fail).
        if lang == "zh" {
            b.find("#customer-list .stage-lost");
            assert_eq!(b.low_contrast(), Vec::<String>::new());
            // (Through the CSSOM: the page's CSP refuses inline style sheets.)
            let paint = |color: &str| {
                b.script(&format!(
                    "document.querySelectorAll('#customer-list .stage-lost') \
                     .forEach(e => e.style.setProperty('color', '{color}', 'important')); return 1;"
                ))
            };
            paint("#9a6700");
            assert_eq!(b.low_contrast(), ["流失 (4.44)"]);
            paint("");
        }
        // One institution: no institution column.
        assert_eq!(b.count("#customer-list th.c-inst"), 0);
        assert_eq!(b.count("#customer-institution-filter"), 0);
        // Every row is a real link to its 360 page.
        let links = b.script(
            "return [...document.querySelectorAll('#customer-list tbody tr[data-customer-id]')] \
             .every(tr => tr.querySelector('a').getAttribute('href') === '/customers/' + tr.dataset.customerId)",
        );
        assert_eq!(links, json!(true));
        // The next page is a step in the URL; back returns to the first.
        b.click(".pager-next");
        b.wait_for("page 2", "location.search === '?offset=20'");
        b.wait_for(
            "5 rows",
            "document.querySelectorAll('#customer-list tbody tr[data-customer-id]').length === 5",
        );
        b.script("history.back(); return 1;");
        b.wait_for("page 1", "location.search === ''");
        b.wait_for(
            "20 rows",
            "document.querySelectorAll('#customer-list tbody tr[data-customer-id]').length === 20",
        );

        // Typing filters the list itself: no pop-up, the count follows, the query in the URL.
        b.type_into("#customer-search", "张");
        b.wait_text(count_zhang);
        b.wait_for("q in the URL", "location.search === '?q=%E5%BC%A0'");
        assert_eq!(b.count(rows), 1);
        assert_eq!(b.count("#customer-results"), 0);
        b.shot(&format!("customer-list-filtered-{lang}"));
        // Reload keeps it.
        b.go(&format!("{}{}", w.server.base, url().as_str().unwrap()));
        b.wait_text(count_zhang);
        assert_eq!(
            b.script("return document.querySelector('#customer-search').value"),
            "张"
        );
        // The row's link opens the 360 page; back comes to the filtered list.
        b.click(&format!("#customer-list a[href='/customers/{}']", w.zhang));
        b.find("#customer-profile");
        b.script("history.back(); return 1;");
        b.wait_text(count_zhang);
        assert_eq!(url(), "/customers?q=%E5%BC%A0");
        assert_eq!(
            b.script("return document.querySelector('#customer-search').value"),
            "张"
        );
    }

    // A supervisor of two hospitals tells the two sub-district offices apart, and filters.
    sign_out(&b);
    sign_in(&b, &w, "li.na", PASSWORD);
    for (lang, header, all) in [
        ("zh", "所属机构", "全部机构"),
        ("en", "Institution", "All institutions"),
    ] {
        set_lang(&b, lang);
        b.go(&format!("{}/customers?q={WANGJING}", w.server.base));
        b.find("#customer-list th.c-inst");
        b.wait_for(
            "two offices",
            "document.querySelectorAll('#customer-list tbody tr[data-customer-id]').length === 2",
        );
        assert_eq!(
            b.script("return document.querySelector('#customer-list th.c-inst').innerText.trim()"),
            header
        );
        let institutions = b.script(
            "return [...document.querySelectorAll('#customer-list td.c-inst')].map(td => td.innerText.trim()).sort()",
        );
        assert_eq!(
            institutions,
            json!(["北京和睦家京北妇儿医院", "北京和睦家医院"])
        );
        assert_eq!(
            b.script("return document.querySelector('#customer-institution-filter option').innerText.trim()"),
            all
        );
        b.shot(&format!("customer-list-institutions-{lang}"));
        b.script(
            "const s = document.querySelector('#customer-institution-filter'); \
             s.value = [...s.options].find(o => o.text === '北京和睦家京北妇儿医院').value; \
             s.dispatchEvent(new Event('change', {bubbles: true})); return 1;",
        );
        b.wait_for(
            "one office",
            "document.querySelectorAll('#customer-list tbody tr[data-customer-id]').length === 1",
        );
        assert!(url().as_str().unwrap().contains("institution="));
        assert_eq!(
            b.script("return document.querySelector('#customer-list td.c-inst').innerText.trim()"),
            "北京和睦家京北妇儿医院"
        );
    }
}

#[test]
fn the_home_box_is_a_combobox_that_leads_to_all_results() {
    let w = world();
    let b = Browser::start();
    sign_in(&b, &w, "wang.fang", PASSWORD);
    for (lang, all) in [("zh", "查看全部"), ("en", "All ")] {
        set_lang(&b, lang);
        b.go(&format!("{}/", w.server.base));
        b.find("#customer-search");
        b.wait_for(
            "focus in the home box",
            "document.activeElement && document.activeElement.id === 'customer-search'",
        );
        let attr = |name: &str| {
            b.script(&format!(
                "return document.querySelector('#customer-search').getAttribute('{name}')"
            ))
        };
        assert_eq!(attr("role"), "combobox");
        assert_eq!(attr("aria-expanded"), "false");
        assert_eq!(attr("aria-controls"), "customer-results");
        b.type_into("#customer-search", "陈");
        b.find("#customer-results [role=option]");
        assert_eq!(attr("aria-expanded"), "true");
        assert_eq!(attr("aria-activedescendant"), "customer-results-0");
        b.keys("\u{E015}");
        assert_eq!(attr("aria-activedescendant"), "customer-results-1");
        assert_eq!(
            b.script(
                "return document.querySelector('#customer-results-1').getAttribute('aria-selected')"
            ),
            "true"
        );
        // The pop-up shows ten; "all results" opens the list with the query.
        assert_eq!(b.count("#customer-results [role=option]"), 10);
        let link = b.script("return document.querySelector('#customer-results-all').innerText");
        assert!(link.as_str().unwrap().contains(all), "{link}");
        assert!(link.as_str().unwrap().contains("23"), "{link}");
        b.shot(&format!("home-search-combobox-{lang}"));
        b.click("#customer-results-all");
        b.wait_for("the list", "location.search === '?q=%E9%99%88'");
        b.wait_for(
            "20 rows",
            "document.querySelectorAll('#customer-list tbody tr[data-customer-id]').length === 20",
        );
        assert_eq!(
            b.script("return document.querySelector('#customer-search').value"),
            "陈"
        );
    }
}

#[test]
fn my_tasks_show_counts_the_week_and_each_customer() {
    let w = world();
    let b = Browser::start();
    sign_in(&b, &w, "wang.fang", PASSWORD);
    for (lang, later, address) in [
        ("zh", "之后还有 1 项待办", "张大爷"),
        ("en", "Open tasks after that: 1", "张大爷"),
    ] {
        set_lang(&b, lang);
        b.go(&format!("{}/", w.server.base));
        // Home: overdue and today, each a way into the list.
        b.find("#home-task-counts");
        let number =
            |id: &str| b.script(&format!("return document.querySelector('#{id}').innerText"));
        assert_eq!(number("home-overdue-count"), "1");
        assert_eq!(number("home-today-count"), "1");
        assert_eq!(number("home-upcoming-count"), "1");
        b.shot(&format!("home-task-counts-{lang}"));
        b.click("#home-today-count");
        b.find("#tasks-today [data-task-id]");

        // Each row names the customer as addressed, the masked phone, and links to the record.
        let customer =
            b.script("return document.querySelector('#tasks-today .task-customer').innerText");
        let customer = customer.as_str().unwrap();
        for want in ["张建国", address, "138****5678"] {
            assert!(customer.contains(want), "{want} in {customer}");
        }
        assert_eq!(
            b.script("return document.querySelector('#tasks-today .task-customer a').getAttribute('href')"),
            format!("/customers/{}?via=link", w.zhang)
        );
        // The coming week by date: the task in two days under its day.
        let day = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
            + chrono::Duration::days(2);
        b.find(&format!(
            "#tasks-week .task-day[data-day='{day}'] [data-task-id]"
        ));
        b.wait_text("复查结果电话回访");
        b.wait_text(later);
        b.shot(&format!("my-tasks-week-{lang}"));

        // Done: the cursor is in the outcome box.
        b.click("#tasks-today .task-done");
        b.wait_for(
            "focus in the outcome",
            "document.activeElement && document.activeElement.classList.contains('task-outcome')",
        );
        b.shot(&format!("my-tasks-outcome-{lang}"));
        b.click("#tasks-today .task-done-cancel");

        // "N more" is a link to every open task of mine.
        b.click("#tasks-later");
        b.wait_for("all", "location.search === '?view=all'");
        b.wait_for(
            "four open tasks",
            "document.querySelectorAll('#tasks-all [data-task-id]').length === 4",
        );
        b.wait_text("季度满意度回访");
        b.shot(&format!("my-tasks-all-{lang}"));
        b.click("#tasks-view-week");
        b.find("#tasks-week");
        // The customer's link opens the 360 page.
        b.click("#tasks-today .task-customer a");
        b.find("#customer-profile");
        b.wait_text("张建国");
    }
}
