//! X-2 / X-9 / REL-5: every kind of bad input gets its 4xx problem+json and changes nothing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::each_backend;
use serde_json::json;

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
