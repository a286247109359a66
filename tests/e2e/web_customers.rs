//! The customer archive in the web app, end to end in headless Chromium (issue #3): an agent
//! searches a customer by phone suffix, opens the 360 page, records a phone contact with a
//! next step for today, and finds the reminder in "my tasks". Screenshots go to
//! `tests/screenshots/`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use serde_json::json;
use support::browser::{Browser, web_dist};
use support::{ADMIN_PASSWORD, Server, TempDir};

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
    let (status, customer) = server.json("POST", "/api/v1/customers", Some(&agent), Some(json!({"kind": "individual", "name": "张建国", "gender": "male", "birth_date": "1958-04-12", "phones": ["13812345678"], "tags": ["高血压"]})));
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
