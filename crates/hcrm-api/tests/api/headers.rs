//! Issue 7 item 10: response headers — nothing personal is cached (`Cache-Control: no-store`
//! on every API answer, errors and exports included), and the web app and the docs viewer run
//! under a Content-Security-Policy that forbids inline script and framing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::{Res, each_backend};
use serde_json::json;

#[track_caller]
fn assert_no_store(res: &Res, what: &str) {
    assert_eq!(
        res.header("cache-control"),
        Some("no-store"),
        "{what}: {:?}",
        res.headers
    );
}

/// The directives of a Content-Security-Policy header, by name.
fn csp(res: &Res) -> Vec<(String, String)> {
    let value = res
        .header("content-security-policy")
        .unwrap_or_else(|| panic!("no CSP: {:?}", res.headers));
    value
        .split(';')
        .filter_map(|d| {
            let d = d.trim();
            let (name, rest) = d.split_once(' ').unwrap_or((d, ""));
            (!name.is_empty()).then(|| (name.to_string(), rest.trim().to_string()))
        })
        .collect()
}

fn directive(policy: &[(String, String)], name: &str) -> String {
    policy
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_else(|| panic!("no {name} in {policy:?}"))
}

#[test]
fn every_api_answer_is_no_store_including_errors_and_exports() {
    each_backend(|srv| {
        let login = srv.login_tokens("admin", common::ADMIN_PASSWORD);
        assert_no_store(&login, "login (tokens)");
        let admin = login.ok(200)["access_token"].as_str().unwrap().to_string();
        assert_no_store(&srv.get("/api/v1/auth/me", &admin), "me");
        let inst = srv.institution(&admin, "BJ01", true);
        let pii = srv.user(&admin, "pii.reader", &["director"], &inst);
        assert!(pii["id"].is_string());
        let director = srv.login("pii.reader", "Passw0rd-x");
        let created = srv.post(
            "/api/v1/customers",
            &director,
            json!({"kind": "individual", "name": "张三", "phones": ["13812345678"]}),
        );
        assert_no_store(&created, "customer created");
        assert_no_store(
            &srv.get("/api/v1/customers?q=13812345678", &director),
            "search",
        );
        let export = srv.get("/api/v1/customers/export?format=csv", &director);
        assert_eq!(export.status, 200, "{}", export.body);
        assert_no_store(&export, "export");
        assert_no_store(
            &srv.call("GET", "/api/v1/customers", None, None),
            "401 problem",
        );
        assert_no_store(&srv.get("/api/v1/no-such-thing", &admin), "404 problem");
        assert_no_store(
            &srv.call(
                "POST",
                "/api/v1/auth/refresh",
                None,
                Some(&json!({"refresh_token": "rt_unknown"})),
            ),
            "refresh refused",
        );
    });
}

#[test]
fn the_web_app_and_the_docs_have_a_content_security_policy() {
    each_backend(|srv| {
        // The web app (here its "not built" page: the same route serves index.html).
        for path in ["/", "/customers/123"] {
            let page = srv.call("GET", path, None, None);
            assert_eq!(page.status, 200);
            let policy = csp(&page);
            let script = directive(&policy, "script-src");
            assert_eq!(
                script, "'self' 'wasm-unsafe-eval'",
                "no inline script, no eval"
            );
            assert_eq!(directive(&policy, "default-src"), "'self'");
            assert_eq!(directive(&policy, "style-src"), "'self'");
            assert_eq!(directive(&policy, "frame-ancestors"), "'none'");
            assert_eq!(directive(&policy, "object-src"), "'none'");
            assert_eq!(directive(&policy, "base-uri"), "'none'");
            assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
            assert_eq!(page.header("referrer-policy"), Some("no-referrer"));
        }
        // Swagger UI: its own scripts only; it styles elements inline, so styles may be.
        let docs = srv.call("GET", "/docs/", None, None);
        assert_eq!(docs.status, 200);
        let policy = csp(&docs);
        assert_eq!(directive(&policy, "script-src"), "'self'");
        assert_eq!(directive(&policy, "frame-ancestors"), "'none'");
        assert_eq!(directive(&policy, "object-src"), "'none'");
        // API answers are JSON: a policy that lets nothing run or frame them.
        let api = srv.call("GET", "/api/v1/auth/me", None, None);
        let policy = csp(&api);
        assert_eq!(directive(&policy, "default-src"), "'none'");
        assert_eq!(directive(&policy, "frame-ancestors"), "'none'");
    });
}
