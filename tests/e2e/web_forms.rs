//! The customer form, the contact form and the merge in the web app (issue 9 items 6–11), in
//! headless Chromium and both languages: a valid ID number fills gender and birth date; a
//! phone that names an existing customer is shown as it is typed with a link to that record;
//! a refused save lists its errors at the top and focuses the first; the 409 warning is in
//! view below the sticky top bar; Enter in the contact form does not save and the focus
//! returns to its first field after a save; a merge with a value chosen per field, and a
//! merged-away address that leads to the kept customer. Screenshots in `tests/screenshots/`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use serde_json::{Value, json};
use support::browser::{Browser, web_dist};
use support::{ADMIN_PASSWORD, STAFF_PASSWORD, Server, TempDir};

/// A server with BJ01, an agent (wang.fang) and a supervisor (li.na), and the browser signed in
/// as `who`.
fn setup(who: &str) -> (TempDir, Server, Browser, String, String) {
    let dist = web_dist();
    let dir = TempDir::new();
    let server = Server::start(&dir.0, &[("HCRM_WEB_DIR", dist.to_str().unwrap())]);
    let admin = server.login("admin", ADMIN_PASSWORD);
    let (_, inst) = server.json(
        "POST",
        "/api/v1/institutions",
        Some(&admin),
        Some(json!({"code": "BJ01", "name": "北京和睦家医院", "city": "北京", "local": true})),
    );
    for (username, name, role) in [
        ("wang.fang", "王芳", "agent"),
        ("li.na", "李娜", "supervisor"),
    ] {
        let (status, u) = server.json("POST", "/api/v1/users", Some(&admin), Some(json!({"username": username, "display_name": name, "password": STAFF_PASSWORD, "roles": [role], "institution_ids": [inst["id"]]})));
        assert_eq!(status, 201, "{u}");
    }
    let agent = server.login("wang.fang", STAFF_PASSWORD);
    let sup = server.login("li.na", STAFF_PASSWORD);
    let b = Browser::start();
    b.sign_in(&server.base, who, STAFF_PASSWORD);
    (dir, server, b, agent, sup)
}

fn customer(server: &Server, token: &str, body: Value) -> Value {
    let (status, c) = server.json(
        "POST",
        "/api/v1/customers?confirm_duplicate=true",
        Some(token),
        Some(body),
    );
    assert_eq!(status, 201, "{c}");
    c
}

fn js(b: &Browser, script: &str) -> Value {
    b.script(script)
}

fn active_id(b: &Browser) -> String {
    js(
        b,
        "return document.activeElement ? document.activeElement.id : '';",
    )
    .as_str()
    .unwrap_or_default()
    .to_string()
}

/// Waits until `script` returns true (up to 15 s).
#[track_caller]
fn wait_until(b: &Browser, script: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while js(b, script) != json!(true) {
        if std::time::Instant::now() > deadline {
            b.shot("failure");
            panic!("never true: {script}; page text: {}", b.page_text());
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

#[test]
fn customer_form_fills_from_the_id_checks_duplicates_and_shows_its_errors() {
    let (_dir, server, b, agent, _) = setup("wang.fang");
    let existing = customer(
        &server,
        &agent,
        json!({"kind": "individual", "name": "韩梅", "gender": "female", "phones": ["13811112222"]}),
    );
    b.go(&format!("{}/customers/new", server.base));
    b.find("#customer-section-identity");

    // Item 6: a valid ID number fills gender and birth date.
    b.type_into("#customer-name", "韩磊");
    b.type_into("#customer-id-number", "110105199003070017");
    wait_until(
        &b,
        "return document.querySelector('#customer-gender').value === 'male' \
         && document.querySelector('#customer-birth-date').value === '1990-03-07';",
    );
    b.wait_text("出生 1990-03-07");

    // Item 8: the phone of an existing customer is shown as it is typed, with a link.
    b.type_into("#customer-phone", "13811112222");
    b.find("#customer-phone-dup a");
    b.wait_text("打开已有档案");
    let link = js(
        &b,
        "return document.querySelector('#customer-phone-dup a').getAttribute('href');",
    );
    assert!(
        link.as_str()
            .unwrap()
            .contains(existing["id"].as_str().unwrap()),
        "{link}"
    );
    b.script(
        "document.querySelector('#customer-phone').scrollIntoView({block: 'center'}); return 1;",
    );
    b.shot("form-id-autofill-duplicate-zh");

    // Item 7: the address from the division table; a municipality is its own city.
    b.click("#customer-province option[value='北京市']");
    wait_until(
        &b,
        "return document.querySelector('#customer-city').value === '北京市';",
    );
    b.click("#customer-district option[value='朝阳区']");
    b.script("document.querySelector('#customer-section-address').scrollIntoView(); return 1;");
    b.shot("form-address-picker-zh");

    // Item 7: a refused save lists its errors at the top and focuses the first one.
    b.type_into("#customer-email", "wang@");
    b.script("document.querySelector('#customer-name').select(); return 1;");
    b.type_into("#customer-name", " ");
    b.click("#customer-save");
    b.find("#customer-error-summary");
    b.wait_text("保存未成功，请修正以下 2 处错误");
    wait_until(
        &b,
        "return document.activeElement && document.activeElement.id === 'customer-name';",
    );
    // In view below the 48-pixel top bar.
    let top = js(
        &b,
        "return document.querySelector('#customer-name').getBoundingClientRect().top;",
    );
    assert!(top.as_f64().unwrap() >= 48.0, "{top}");
    b.shot("form-error-focus-zh");
    b.click("#lang-switch");
    b.wait_text("Not saved: please correct 2 error(s)");
    b.wait_text("E-mail");
    b.script("window.scrollTo(0, 0); return 1;");
    b.shot("form-error-summary-en");
    // A line of the summary brings its field into view with the focus.
    b.click("#customer-error-summary li[data-field='customer-email'] a");
    assert_eq!(active_id(&b), "customer-email");
    b.click("#lang-switch");
    b.wait_text("身份信息");

    // Fixed: the server's 409 warning is in view (not under the top bar), focused.
    b.type_into("#customer-name", "韩磊");
    b.type_into("#customer-email", "hanlei@example.com");
    b.click("#customer-save");
    b.find("#customer-duplicates");
    wait_until(
        &b,
        "return document.activeElement && document.activeElement.id === 'customer-create-anyway';",
    );
    let top = js(
        &b,
        "return document.querySelector('#customer-create-anyway').getBoundingClientRect().top;",
    );
    let height = js(&b, "return window.innerHeight;");
    assert!(
        top.as_f64().unwrap() >= 48.0 && top.as_f64().unwrap() < height.as_f64().unwrap(),
        "{top} of {height}"
    );
    b.shot("form-duplicate-warning-zh");
    b.click("#customer-create-anyway");
    b.find("#customer-page");
    b.wait_text("韩先生");
    b.wait_text("朝阳区");
    b.shot("form-saved-from-id");
}

#[test]
fn contact_form_ignores_enter_and_returns_the_focus_after_a_save() {
    let (_dir, server, b, agent, _) = setup("wang.fang");
    let c = customer(
        &server,
        &agent,
        json!({"kind": "individual", "name": "张建国", "gender": "male", "birth_date": "1958-04-12"}),
    );
    let id = c["id"].as_str().unwrap();
    b.go(&format!("{}/customers/{id}", server.base));
    b.find("#contact-subject");
    // Enter in the subject: no record is saved.
    b.type_into("#contact-subject", "复诊提醒\u{E007}");
    std::thread::sleep(std::time::Duration::from_millis(800));
    let count = || {
        let (_, list) = server.json(
            "GET",
            &format!("/api/v1/customers/{id}/contacts"),
            Some(&agent),
            None,
        );
        list.get("items")
            .and_then(Value::as_array)
            .or(list.as_array())
            .map(Vec::len)
    };
    assert_eq!(count(), Some(0));
    // The subject's input is as tall as the selects beside it.
    let heights = js(
        &b,
        "return [document.querySelector('#contact-subject').offsetHeight, \
                 document.querySelector('#contact-channel').offsetHeight];",
    );
    assert_eq!(heights[0], heights[1], "{heights}");
    b.shot("contact-enter-zh");
    b.click("#contact-save");
    b.wait_text("联系记录已保存");
    wait_until(
        &b,
        "return document.activeElement && document.activeElement.id === 'contact-channel';",
    );
    b.click("#lang-switch");
    b.type_into("#contact-subject", "Follow-up call\u{E007}");
    std::thread::sleep(std::time::Duration::from_millis(800));
    assert_eq!(count(), Some(1));
    b.shot("contact-enter-en");
    b.click("#lang-switch");
}

#[test]
fn supervisor_merges_with_a_value_per_field_and_the_old_address_leads_on() {
    let (_dir, server, b, agent, _) = setup("li.na");
    let kept = customer(
        &server,
        &agent,
        json!({"kind": "individual", "name": "王芳", "phones": ["13811112222"], "email": "wf@example.com"}),
    );
    let dup = customer(
        &server,
        &agent,
        json!({"kind": "individual", "name": "王芳芳", "phones": ["13811112222"], "gender": "female", "birth_date": "1988-05-01", "email": "old@example.com"}),
    );
    let (k, d) = (kept["id"].as_str().unwrap(), dup["id"].as_str().unwrap());
    b.go(&format!("{}/customers/{k}/merge", server.base));
    b.type_into("#merge-search", "王芳芳");
    b.click(&format!("#merge-results [data-customer-id='{d}']"));
    b.find("#merge-fields tr[data-field='gender']");
    // By default: the blank gender takes the duplicate's, the e-mail stays.
    let checked = |field: &str, side: &str| {
        js(
            &b,
            &format!("return document.querySelector('#merge-{field}-{side}').checked;"),
        )
    };
    assert_eq!(checked("gender", "duplicate"), json!(true));
    assert_eq!(checked("email", "kept"), json!(true));
    assert_eq!(checked("name", "kept"), json!(true));
    b.click("#merge-name-duplicate");
    assert_eq!(checked("name", "duplicate"), json!(true));
    b.script("document.querySelector('#merge-fields').scrollIntoView(); return 1;");
    b.shot("merge-choices-zh");
    b.click("#lang-switch");
    b.wait_text("Choose the value to keep for each field");
    b.shot("merge-choices-en");
    b.click("#lang-switch");
    b.wait_text("逐项选择保留的值");
    b.script("window.confirm = () => true; return 1;");
    b.click("#merge-confirm");
    b.find("#merge-result");
    b.wait_text("采用重复客户值的字段：姓名、性别、出生日期");
    b.shot("merge-result-zh");
    // The merged-away address leads to the kept customer, with the chosen values.
    b.go(&format!("{}/customers/{d}", server.base));
    b.find(&format!("#customer-page[data-customer-id='{k}']"));
    let url = js(&b, "return location.pathname;");
    assert_eq!(url, json!(format!("/customers/{k}")));
    b.wait_text("王芳芳");
    b.wait_text("王女士");
    b.shot("merge-redirected-zh");
    b.click("#lang-switch");
    b.wait_text("Female");
    b.shot("merge-redirected-en");
    b.click("#lang-switch");
}

#[test]
fn agent_reports_a_suspected_duplicate_instead_of_merging() {
    let (_dir, server, b, agent, sup) = setup("wang.fang");
    let a = customer(
        &server,
        &agent,
        json!({"kind": "individual", "name": "孙丽", "phones": ["13811112222"]}),
    );
    let other = customer(
        &server,
        &agent,
        json!({"kind": "individual", "name": "孙莉", "phones": ["13811112222"]}),
    );
    let (a_id, o_id) = (a["id"].as_str().unwrap(), other["id"].as_str().unwrap());
    b.go(&format!("{}/customers/{a_id}", server.base));
    b.click("#customer-report-duplicate");
    b.find("#merge-report");
    assert!(
        b.try_find("#merge-confirm").is_none(),
        "agents may not merge"
    );
    b.type_into("#merge-search", "孙莉");
    b.click(&format!("#merge-results [data-customer-id='{o_id}']"));
    b.type_into("#merge-report-note", "同一手机号，姓名同音");
    b.shot("duplicate-report-zh");
    b.click("#merge-report-send");
    b.wait_text("已报告");
    b.click("#lang-switch");
    b.wait_text("Reported: the supervisors get");
    b.shot("duplicate-report-en");
    b.click("#lang-switch");
    let (_, queue) = server.json("GET", "/api/v1/tasks?team=supervisors", Some(&sup), None);
    assert_eq!(queue["total"], 1, "{queue}");
    assert_eq!(queue["items"][0]["kind"], "duplicate_review");
}
