//! The customer archive in the web app, end to end in headless Chromium (issue #3): an agent
//! searches a customer by phone suffix, opens the 360 page, records a phone contact with a
//! next step for today, and finds the reminder in "my tasks". Screenshots go to
//! `tests/screenshots/`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use serde_json::json;
use support::browser::{Browser, web_dist};
use support::{ADMIN_PASSWORD, STAFF_PASSWORD, Server, TempDir};

#[test]
fn agent_searches_opens_records_a_contact_and_sees_the_reminder() {
    let dist = web_dist();
    let dir = TempDir::new();
    let server = Server::start(&dir.0, &[("HCRM_WEB_DIR", dist.to_str().unwrap())]);

    // Set up through the API: an institution, an agent, a customer.
    let admin = server.login("admin", ADMIN_PASSWORD);
    let (_, inst) = server.json(
        "POST",
        "/api/v1/institutions",
        Some(&admin),
        Some(json!({"code": "BJ01", "name": "北京和睦家医院", "city": "北京", "local": true})),
    );
    let (status, _) = server.json("POST", "/api/v1/users", Some(&admin), Some(json!({"username": "wang.fang", "display_name": "王芳", "password": "Agent2026x", "roles": ["agent"], "institution_ids": [inst["id"]]})));
    assert_eq!(status, 201);
    let agent = server.login("wang.fang", "Agent2026x");
    let (status, customer) = server.json("POST", "/api/v1/customers", Some(&agent), Some(json!({"kind": "individual", "name": "张建国", "gender": "male", "birth_date": "1958-04-12", "phones": ["13812345678"], "tags": ["高血压"], "preferred_channel": "phone"})));
    assert_eq!(status, 201, "{customer}");
    let customer_id = customer["id"].as_str().unwrap().to_string();

    let b = Browser::start();
    b.go(&format!("{}/", server.base));
    b.type_into("#login-username", "wang.fang");
    b.type_into("#login-password", "Agent2026x");
    b.click("#login-submit");
    b.find("#current-user");

    // The home search box: the last four digits of the phone find him as you type.
    b.type_into("#customer-search", "5678");
    b.find(&format!(
        "#customer-results [data-customer-id='{customer_id}']"
    ));
    b.wait_text("138****5678");
    b.shot("customer-search");
    b.click(&format!(
        "#customer-results [data-customer-id='{customer_id}']"
    ));

    // The 360 page shows the profile with the derived form of address.
    b.wait_text("张大爷");
    b.find("#timeline");
    b.shot("customer-360");

    // A phone contact with a next step due today.
    b.click("#contact-new");
    b.type_into("#contact-subject", "复诊提醒");
    b.type_into("#contact-content", "患者询问复诊时间");
    b.type_into("#contact-next-step", "回电确认复诊时间");
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    b.script(&format!(
        "const el = document.querySelector('#contact-next-step-on'); \
         const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set; \
         set.call(el, '{today}'); el.dispatchEvent(new Event('input', {{bubbles: true}})); \
         el.dispatchEvent(new Event('change', {{bubbles: true}})); return el.value;"
    ));
    b.click("#contact-save");
    b.wait_text("复诊提醒");
    b.shot("customer-contact");

    // The timeline and the profile word every code in the reader's language (X-12, issue 8
    // item 5): the API sends codes, the user's own words stay as typed.
    let text = |css: &str| {
        b.script(&format!(
            "return document.querySelector('{css}').innerText;"
        ))
    };
    let preferred = |label: &str| {
        b.script(&format!(
            "return [...document.querySelectorAll('#customer-profile .kv')] \
             .find(kv => kv.querySelector('dt').innerText.trim() === '{label}') \
             .querySelector('dd').innerText.trim();"
        ))
    };
    b.wait_text("新建待办");
    let zh = text("#timeline").as_str().unwrap().to_string();
    for want in [
        "建档",
        "联系",
        "电话 · 呼入/来访：患者询问复诊时间",
        "新建待办",
        "提醒 · 截止",
    ] {
        assert!(zh.contains(want), "{want} in {zh}");
    }
    assert_eq!(preferred("偏好联系方式"), "电话");
    b.script("document.querySelector('#timeline').scrollIntoView(); return 1;");
    b.shot("customer-360-timeline-zh");
    b.click("#lang-switch");
    b.wait_text("Customer created");
    let en = text("#timeline").as_str().unwrap().to_string();
    for want in [
        "Customer created",
        "Contact",
        "Phone · Inbound: 患者询问复诊时间",
        "Task created",
        "Reminder · Due",
    ] {
        assert!(en.contains(want), "{want} in {en}");
    }
    // Only what users typed is Chinese in English; no raw code anywhere.
    let typed = ["张建国", "复诊提醒", "患者询问复诊时间", "回电确认复诊时间"];
    let mut rest = en.clone();
    for t in typed {
        rest = rest.replace(t, "");
    }
    assert!(
        !rest.chars().any(|c| ('\u{3000}'..='\u{9fff}').contains(&c)),
        "untranslated: {en}"
    );
    for (page, name) in [(&zh, "zh"), (&en, "en")] {
        for code in ["_created", "contact\n", "reminder", "inbound", "phone"] {
            assert!(
                !page.contains(code),
                "{code} in the {name} timeline: {page}"
            );
        }
    }
    assert_eq!(preferred("Preferred channel"), "Phone");
    b.wait_text("Contact record saved; a reminder task was created");
    b.wait_text("Contact record: 复诊提醒");
    b.script("document.querySelector('#timeline').scrollIntoView(); return 1;");
    b.shot("customer-360-timeline-en");
    b.click("#lang-switch");
    b.wait_text("偏好联系方式");
    b.script("window.scrollTo(0, 0); return 1;");

    // The reminder is in "my tasks" for today.
    b.click("#nav a[data-nav='tasks']");
    b.find("#tasks-today [data-task-id]");
    b.wait_text("回电确认复诊时间");
    b.shot("my-tasks");

    // And the API agrees: one open reminder of this customer for the agent today.
    let (status, mine) = server.json("GET", "/api/v1/tasks/mine", Some(&agent), None);
    assert_eq!(status, 200);
    let today_tasks = mine["today"].as_array().unwrap();
    assert_eq!(today_tasks.len(), 1, "{mine}");
    assert_eq!(today_tasks[0]["customer_id"], customer_id.as_str());
    assert_eq!(today_tasks[0]["kind"], "reminder");
}

/// Break-glass in the web app (X-6a, issue 7): an agent of BJ01 opens a Shanghai customer by
/// choosing a category and giving a reason of substance; the Shanghai supervisor sees the grant
/// with its category in both languages.
#[test]
fn agent_breaks_the_glass_with_a_category_and_the_supervisor_reviews_it() {
    let dist = web_dist();
    let dir = TempDir::new();
    let server = Server::start(&dir.0, &[("HCRM_WEB_DIR", dist.to_str().unwrap())]);
    let admin = server.login("admin", ADMIN_PASSWORD);
    let mut inst = std::collections::HashMap::new();
    for (code, name, city, local) in [
        ("BJ01", "北京和睦家医院", "北京", true),
        ("SH01", "上海和睦家医院", "上海", false),
    ] {
        let (status, i) = server.json(
            "POST",
            "/api/v1/institutions",
            Some(&admin),
            Some(json!({"code": code, "name": name, "city": city, "local": local})),
        );
        assert_eq!(status, 201, "{i}");
        inst.insert(code, i["id"].clone());
    }
    for (username, name, role, code) in [
        ("wang.fang", "王芳", "agent", "BJ01"),
        ("yang.fan", "杨帆", "supervisor", "SH01"),
    ] {
        let (status, u) = server.json("POST", "/api/v1/users", Some(&admin), Some(json!({"username": username, "display_name": name, "password": STAFF_PASSWORD, "roles": [role], "institution_ids": [inst[code]]})));
        assert_eq!(status, 201, "{u}");
    }
    let sup = server.login("yang.fan", STAFF_PASSWORD);
    let (status, customer) = server.json(
        "POST",
        "/api/v1/customers",
        Some(&sup),
        Some(json!({"kind": "individual", "name": "冯建军", "phones": ["13912345678"]})),
    );
    assert_eq!(status, 201, "{customer}");
    let id = customer["id"].as_str().unwrap().to_string();

    let b = Browser::start();
    b.go(&format!("{}/", server.base));
    b.type_into("#login-username", "wang.fang");
    b.type_into("#login-password", STAFF_PASSWORD);
    b.click("#login-submit");
    b.find("#current-user");
    // A link from elsewhere (a referral, a relation) is how an agent meets such a record.
    b.go(&format!("{}/customers/{id}?via=link", server.base));
    b.find("#break-glass-open");
    // The restricted page has its one h1 too (issue 9 item 17), for screen readers.
    assert_eq!(
        b.script("return [...document.querySelectorAll('h1')].map(h => h.textContent)"),
        serde_json::json!(["客户详情"])
    );
    b.click("#break-glass-open");
    b.find("#break-glass-dialog");
    // Nothing chosen, then a reason that says nothing: both refused before any request.
    b.click("#break-glass-confirm");
    b.wait_text("必填");
    b.click("#break-glass-category option[value='patient_on_phone']");
    b.type_into("#break-glass-reason", "aaaaa");
    b.click("#break-glass-confirm");
    b.wait_text("请用至少 8 个字说明");
    b.shot("break-glass-dialog");
    b.type_into("#break-glass-reason", "患者来电，需要核对既往就诊记录");
    b.script(
        "const el = document.querySelector('#break-glass-reason'); \
         const set = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value').set; \
         set.call(el, '患者来电，需要核对既往就诊记录'); \
         el.dispatchEvent(new Event('input', {bubbles: true})); return el.value;",
    );
    b.click("#break-glass-confirm");
    b.wait_text("冯建军");
    assert_eq!(
        b.script("return [...document.querySelectorAll('h1')].map(h => h.querySelector('.c-name').innerText)"),
        serde_json::json!(["冯建军"])
    );
    b.shot("break-glass-open");

    // The Shanghai supervisor reviews it; the category reads in either language.
    b.click("#logout");
    b.type_into("#login-username", "yang.fan");
    b.type_into("#login-password", STAFF_PASSWORD);
    b.click("#login-submit");
    b.find("#current-user");
    b.go(&format!("{}/admin/break-glass", server.base));
    b.find("#break-glass-table [data-grant-id]");
    b.wait_text("患者来电");
    b.shot("break-glass-review-zh");
    b.click("#lang-switch");
    b.wait_text("Patient on the phone");
    b.shot("break-glass-review-en");
    b.click("#lang-switch");
}
