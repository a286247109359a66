//! X-2 / X-9 / REL-5: every kind of bad input gets its 4xx problem+json and changes nothing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::each_backend;
use serde_json::{Value, json};

#[test]
fn bad_bodies_are_refused_and_change_nothing() {
    each_backend(|srv| {
        let admin = srv.admin();
        let inst = srv.institution(&admin, "BJ01", true);
        let before = srv.total("/api/v1/institutions");
        let post = |body: String, ct: &str| {
            srv.raw(
                "POST",
                "/api/v1/institutions",
                Some(&admin),
                &[],
                Some((ct, body)),
            )
        };
        let valid = json!({"code": "SH01", "name": "上海", "city": "上海", "local": false});

        post("{\"code\": \"SH01\",".into(), "application/json").problem(400, "malformed_json");
        post("{\"code\": }".into(), "application/json").problem(400, "malformed_json");
        post("[\"SH01\"]".into(), "application/json").problem(422, "invalid_body");
        let mut unknown = valid.clone();
        unknown["is_admin"] = json!(true);
        let r = post(unknown.to_string(), "application/json");
        r.problem(422, "invalid_body");
        assert!(r.body["detail"].as_str().unwrap().contains("is_admin"));
        let mut wrong_type = valid.clone();
        wrong_type["local"] = json!("yes");
        post(wrong_type.to_string(), "application/json").problem(422, "invalid_body");
        let mut too_long = valid.clone();
        too_long["name"] = json!("医".repeat(101));
        let r = post(too_long.to_string(), "application/json");
        r.problem(422, "validation");
        assert_eq!(r.field_errors(), ["name"]);
        post(valid.to_string(), "text/plain").problem(415, "unsupported_media_type");
        let mut huge = valid.clone();
        huge["address"] = json!("x".repeat(300 * 1024));
        post(huge.to_string(), "application/json").problem(413, "payload_too_large");

        // An invalid enum value (role) on users.
        let r = srv.post(
            "/api/v1/users",
            &admin,
            json!({"username": "li.si", "display_name": "李四", "password": "Passw0rd-x", "roles": ["superuser"], "institution_ids": [inst["id"]]}),
        );
        r.problem(422, "invalid_body");
        assert!(r.body["detail"].as_str().unwrap().contains("superuser"));
        // SQL and script text is data, stored verbatim.
        let odd = srv.post("/api/v1/departments", &admin, json!({"institution_id": inst["id"], "name": "x'); DROP TABLE users; --<script>alert(1)</script>"})).ok(201).clone();
        assert_eq!(
            odd["name"],
            "x'); DROP TABLE users; --<script>alert(1)</script>"
        );

        assert_eq!(srv.total("/api/v1/institutions"), before);
        assert_eq!(srv.total("/api/v1/users"), 1);
    });
}

#[test]
fn bad_queries_paths_and_routes() {
    each_backend(|srv| {
        let admin = srv.admin();
        srv.get("/api/v1/institutions?limit=201", &admin)
            .problem(422, "validation");
        srv.get("/api/v1/institutions?limit=0", &admin)
            .problem(422, "validation");
        srv.get("/api/v1/institutions?offset=-1", &admin)
            .problem(422, "validation");
        srv.get("/api/v1/institutions?limit=ten", &admin)
            .problem(400, "invalid_query");
        srv.get("/api/v1/institutions?colour=red", &admin)
            .problem(400, "invalid_query");
        let r = srv.get("/api/v1/institutions?sort=password", &admin);
        r.problem(422, "validation");
        assert_eq!(r.field_errors(), ["sort"]);
        srv.get("/api/v1/users?role=superuser", &admin)
            .problem(400, "invalid_query");
        srv.get("/api/v1/institutions/not-a-uuid", &admin)
            .problem(404, "not_found");
        srv.get(
            &format!("/api/v1/institutions/{}", uuid::Uuid::now_v7()),
            &admin,
        )
        .problem(404, "not_found");
        srv.get("/api/v1/no-such-thing", &admin)
            .problem(404, "not_found");
        srv.raw(
            "PATCH",
            "/api/v1/institutions/x",
            Some(&admin),
            &[("If-Match", "\"abc\"")],
            Some(("application/json", "{}".into())),
        )
        .problem(404, "not_found");
        // Bad input from someone without the permission gets 401/403, never a schema hint.
        srv.call(
            "POST",
            "/api/v1/institutions",
            None,
            Some(&json!({"bogus": 1})),
        )
        .problem(401, "unauthorized");
    });
}

#[test]
fn pagination_returns_totals_and_windows() {
    each_backend(|srv| {
        let admin = srv.admin();
        for code in ["AA1", "AA2", "AA3", "AA4", "AA5"] {
            srv.institution(&admin, code, true);
        }
        let page = srv
            .get("/api/v1/institutions?limit=2&offset=2&sort=code", &admin)
            .ok(200)
            .clone();
        assert_eq!(page["total"], 5);
        let codes: Vec<&str> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["code"].as_str().unwrap())
            .collect();
        assert_eq!(codes, ["AA3", "AA4"]);
        let desc = srv
            .get("/api/v1/institutions?limit=1&sort=-code", &admin)
            .ok(200)
            .clone();
        assert_eq!(desc["items"][0]["code"], "AA5");
    });
}

/// Issue 7 item 11: every name and free-text field refuses control characters (Cc) and
/// invisible format characters (Cf: zero-width, bidi overrides …) with a 422 naming the field,
/// counts a string of only invisible characters as blank, and stores text in NFC, so that
/// what a search box types finds what was stored. Ordinary spaces and CJK punctuation pass.
#[test]
fn text_fields_refuse_control_and_invisible_characters_and_are_stored_in_nfc() {
    each_backend(|srv| {
        let admin = srv.admin();
        let inst = srv.institution(&admin, "BJ01", true);
        let agent_user = srv.user(&admin, "agent.a", &["agent"], &inst);
        let agent = srv.login("agent.a", "Passw0rd-x");
        let customers = || {
            srv.get("/api/v1/customers?exact_total=true", &agent)
                .ok(200)["total"]
                .as_i64()
                .unwrap()
        };
        let codes = |r: &common::Res| -> Vec<(String, String)> {
            let mut v: Vec<(String, String)> = r.body["errors"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| {
                    (
                        e["field"].as_str().unwrap().to_string(),
                        e["code"].as_str().unwrap().to_string(),
                    )
                })
                .collect();
            v.sort();
            v.dedup();
            v
        };
        let refused = |r: common::Res, field: &str, what: &str| {
            r.problem(422, "validation");
            let got = codes(&r);
            assert!(
                got.iter().all(|(f, _)| f == field)
                    && got.iter().any(|(_, c)| c == "control_character"),
                "{what}: {}",
                r.body
            );
        };

        // Customer names: zero-width only, hidden inside, bidi override, NUL, ESC.
        let before = customers();
        for bad in [
            "\u{200B}",
            "张\u{200B}三",
            "A\u{202E}B",
            "\u{0000}",
            "\u{001B}[31m",
        ] {
            let r = srv.post(
                "/api/v1/customers",
                &agent,
                json!({"kind": "individual", "name": bad}),
            );
            refused(r, "name", &format!("{bad:?}"));
        }
        // A name of only a zero-width space is blank as well.
        let r = srv.post(
            "/api/v1/customers",
            &agent,
            json!({"kind": "individual", "name": "\u{200B}\u{3000}"}),
        );
        assert!(
            codes(&r).contains(&("name".into(), "blank".into())),
            "{}",
            r.body
        );
        // Nested and list fields name the field as sent.
        let r = srv.post(
            "/api/v1/customers",
            &agent,
            json!({"kind": "individual", "name": "王五", "address": {"city": "北\u{200D}京"}}),
        );
        refused(r, "address.city", "address");
        let r = srv.post(
            "/api/v1/customers",
            &agent,
            json!({"kind": "individual", "name": "王五", "tags": ["VIP\u{2066}"]}),
        );
        r.problem(422, "validation");
        assert_eq!(r.field_errors(), ["tags"], "{}", r.body);
        // Notes are multi-line: line breaks and tabs pass there, not in a name.
        let r = srv.post(
            "/api/v1/customers",
            &agent,
            json!({"kind": "individual", "name": "王\n五"}),
        );
        refused(r, "name", "newline in a name");
        let r = srv.post(
            "/api/v1/customers",
            &agent,
            json!({"kind": "individual", "name": "王五", "notes": "a\u{0007}b"}),
        );
        refused(r, "notes", "bell in notes");
        assert_eq!(customers(), before, "nothing stored");

        // Ordinary names pass: spaces, the middle dot, full-width brackets, multi-line notes.
        for ok in ["欧阳 娜娜", "王·小明", "（备注）", "O'Brien-Smith Jr."] {
            srv.post(
                "/api/v1/customers",
                &agent,
                json!({"kind": "individual", "name": ok}),
            )
            .ok(201);
        }
        let noted = srv
            .post(
                "/api/v1/customers",
                &agent,
                json!({"kind": "individual", "name": "李四", "notes": "第一行\r\n第二行\n\t缩进"}),
            )
            .ok(201)
            .clone();
        assert_eq!(noted["notes"], "第一行\r\n第二行\n\t缩进");

        // NFC: a decomposed é is stored composed and found by either spelling.
        let c = srv
            .post(
                "/api/v1/customers",
                &agent,
                json!({"kind": "individual", "name": "e\u{0301}", "occupation": "cafe\u{0301}"}),
            )
            .ok(201)
            .clone();
        assert_eq!(c["name"], "\u{e9}");
        assert_eq!(c["occupation"], "caf\u{e9}");
        for q in ["\u{e9}", "e\u{0301}"] {
            let found = srv
                .get(&format!("/api/v1/customers?q={q}"), &agent)
                .ok(200)
                .clone();
            let names: Vec<&str> = found["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["name"].as_str().unwrap())
                .collect();
            assert_eq!(names, ["\u{e9}"], "q={q:?}");
        }
        let id = c["id"].as_str().unwrap();
        let r = srv.patch(
            &format!("/api/v1/customers/{id}"),
            &agent,
            1,
            json!({"name": "\u{e9}\u{200B}"}),
        );
        refused(r, "name", "customer PATCH");

        // The same rule on a user's display name (create and PATCH), a department's name,
        // a contact's subject and content, a task's title (create and PATCH).
        let r = srv.post(
            "/api/v1/users",
            &admin,
            json!({"username": "li.si", "display_name": "\u{200B}", "password": "Passw0rd-x", "roles": ["agent"], "institution_ids": [inst["id"]]}),
        );
        refused(r, "display_name", "user create");
        let uid = agent_user["id"].as_str().unwrap();
        let r = srv.patch(
            &format!("/api/v1/users/{uid}"),
            &admin,
            1,
            json!({"display_name": "A\u{202E}B"}),
        );
        refused(r, "display_name", "user PATCH");
        let r = srv.post(
            "/api/v1/departments",
            &admin,
            json!({"institution_id": inst["id"], "name": "心\u{200B}内科"}),
        );
        refused(r, "name", "department");
        let contacts = format!("/api/v1/customers/{id}/contacts");
        let contact = |extra: Value| {
            let mut body = json!({"channel": "phone", "direction": "inbound", "subject": "咨询"});
            for (k, v) in extra.as_object().unwrap() {
                body[k] = v.clone();
            }
            srv.post(&contacts, &agent, body)
        };
        refused(
            contact(json!({"subject": "\u{001B}[31m"})),
            "subject",
            "contact subject",
        );
        refused(
            contact(json!({"subject": "复诊\n提醒"})),
            "subject",
            "contact subject newline",
        );
        refused(
            contact(json!({"content": "\u{0000}"})),
            "content",
            "contact content",
        );
        let stored = contact(json!({"content": "第一行\n第二行\t完"}))
            .ok(201)
            .clone();
        assert_eq!(stored["content"], "第一行\n第二行\t完");
        refused(
            srv.post("/api/v1/tasks", &agent, json!({"title": "\u{200B}"})),
            "title",
            "task create",
        );
        let task = srv
            .post("/api/v1/tasks", &agent, json!({"title": "回访"}))
            .ok(201)
            .clone();
        let r = srv.patch(
            &format!("/api/v1/tasks/{}", task["id"].as_str().unwrap()),
            &agent,
            1,
            json!({"title": "回\u{202D}访"}),
        );
        refused(r, "title", "task PATCH");
        assert_eq!(
            srv.get(
                &format!("/api/v1/tasks/{}", task["id"].as_str().unwrap()),
                &agent
            )
            .ok(200)["title"],
            "回访"
        );
    });
}
