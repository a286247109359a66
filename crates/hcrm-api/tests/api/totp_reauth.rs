//! Issue 7 item 14 (X-6c): changing two-factor sign-in needs the password again — a stolen
//! access token alone cannot turn it off or bind another phone — and wrong codes or
//! passwords are limited like sign-ins (5 per 15 minutes per user, then 429), and audited.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::{ADMIN_PASSWORD, Srv, each_backend};
use serde_json::{Value, json};

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn code_at(secret: &str, offset: i64) -> String {
    hcrm_api::auth::totp::current_code(secret, (now() + offset) as u64)
}

/// A code matching none of the steps the server accepts now.
fn wrong_code(secret: &str) -> String {
    let valid: Vec<String> = [-60, -30, 0, 30, 60]
        .iter()
        .map(|o| code_at(secret, *o))
        .collect();
    ["000000", "111111", "222222", "333333", "444444", "555555"]
        .into_iter()
        .find(|c| !valid.iter().any(|v| v == c))
        .unwrap()
        .to_string()
}

fn me(srv: &Srv, token: &str) -> Value {
    srv.get("/api/v1/auth/me", token).ok(200).clone()
}

/// `totp_failed` audit entries (newest first) as (step, reason).
fn failures(srv: &Srv) -> Vec<(String, String)> {
    let admin = srv.admin();
    srv.get("/api/v1/audit-events?action=totp_failed&limit=200", &admin)
        .ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["changes"]["step"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                e["changes"]["reason"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            )
        })
        .collect()
}

fn setup(srv: &Srv, token: &str, password: &str) -> String {
    srv.post(
        "/api/v1/auth/totp/setup",
        token,
        json!({"password": password}),
    )
    .ok(200)["secret"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn setup_and_disable_ask_for_the_password_again() {
    each_backend(|srv| {
        let token = srv.admin();
        // No password, or a wrong one: no secret is made.
        srv.post("/api/v1/auth/totp/setup", &token, json!({}))
            .problem(422, "invalid_body");
        let r = srv.post(
            "/api/v1/auth/totp/setup",
            &token,
            json!({"password": "not-the-password1"}),
        );
        r.problem(422, "validation");
        assert_eq!(r.field_errors(), ["password"]);
        assert_eq!(r.body["errors"][0]["code"], "invalid_password");
        let r = srv.post(
            "/api/v1/auth/totp/enable",
            &token,
            json!({"code": "123456"}),
        );
        assert_eq!(
            r.body["errors"][0]["code"], "totp_not_started",
            "{}",
            r.body
        );

        let secret = setup(srv, &token, ADMIN_PASSWORD);
        srv.post(
            "/api/v1/auth/totp/enable",
            &token,
            json!({"code": code_at(&secret, 0)}),
        )
        .ok(200);
        assert_eq!(me(srv, &token)["totp_enabled"], true);

        // Turning it off: the code alone is not enough; a wrong password with a right code
        // neither; both right turns it off.
        srv.post(
            "/api/v1/auth/totp/disable",
            &token,
            json!({"code": code_at(&secret, 30)}),
        )
        .problem(422, "invalid_body");
        let r = srv.post(
            "/api/v1/auth/totp/disable",
            &token,
            json!({"password": "not-the-password1", "code": code_at(&secret, 30)}),
        );
        r.problem(422, "validation");
        assert_eq!(r.field_errors(), ["password"]);
        assert_eq!(me(srv, &token)["totp_enabled"], true);
        let r = srv.post(
            "/api/v1/auth/totp/disable",
            &token,
            json!({"password": ADMIN_PASSWORD, "code": wrong_code(&secret)}),
        );
        assert_eq!(r.body["errors"][0]["code"], "invalid_totp", "{}", r.body);
        assert_eq!(me(srv, &token)["totp_enabled"], true);
        srv.post(
            "/api/v1/auth/totp/disable",
            &token,
            json!({"password": ADMIN_PASSWORD, "code": code_at(&secret, 30)}),
        )
        .ok(200);
        assert_eq!(me(srv, &token)["totp_enabled"], false);

        let mut seen = failures(srv);
        seen.sort();
        assert_eq!(
            seen,
            [
                ("disable".to_string(), "code".to_string()),
                ("disable".to_string(), "password".to_string()),
                ("setup".to_string(), "password".to_string()),
            ]
        );
    });
}

#[test]
fn wrong_codes_and_passwords_are_limited_like_sign_in() {
    each_backend(|srv| {
        let admin = srv.admin();
        let inst = srv.institution(&admin, "BJ01", true);
        srv.user(&admin, "li.na", &["agent"], &inst);
        srv.user(&admin, "wang.fang", &["agent"], &inst);
        let li = srv.login("li.na", "Passw0rd-x");
        let wang = srv.login("wang.fang", "Passw0rd-x");

        // Guessing the code that confirms the setup: five tries, then 429 even for the right one.
        let secret = setup(srv, &li, "Passw0rd-x");
        let wrong = wrong_code(&secret);
        for _ in 0..5 {
            let r = srv.post("/api/v1/auth/totp/enable", &li, json!({"code": wrong}));
            assert_eq!(r.body["errors"][0]["code"], "invalid_totp", "{}", r.body);
        }
        let r = srv.post(
            "/api/v1/auth/totp/enable",
            &li,
            json!({"code": code_at(&secret, 0)}),
        );
        r.problem(429, "too_many_attempts");
        let retry: u64 = r.header("retry-after").unwrap().parse().unwrap();
        assert!((1..=900).contains(&retry), "{retry}");
        // Setting up again (a new secret) is limited by the same count.
        srv.post(
            "/api/v1/auth/totp/setup",
            &li,
            json!({"password": "Passw0rd-x"}),
        )
        .problem(429, "too_many_attempts");
        assert_eq!(me(srv, &li)["totp_enabled"], false);
        // Sign-in is counted separately, and other users are not affected.
        srv.login("li.na", "Passw0rd-x");

        // Guessing the password to turn it off: five tries, then 429 even for the right one.
        let secret = setup(srv, &wang, "Passw0rd-x");
        srv.post(
            "/api/v1/auth/totp/enable",
            &wang,
            json!({"code": code_at(&secret, 0)}),
        )
        .ok(200);
        for i in 0..5 {
            let r = srv.post(
                "/api/v1/auth/totp/disable",
                &wang,
                json!({"password": format!("guess-{i}-Passw0rd"), "code": code_at(&secret, 30)}),
            );
            assert_eq!(r.field_errors(), ["password"], "{}", r.body);
        }
        let r = srv.post(
            "/api/v1/auth/totp/disable",
            &wang,
            json!({"password": "Passw0rd-x", "code": code_at(&secret, 30)}),
        );
        r.problem(429, "too_many_attempts");
        assert!(r.header("retry-after").is_some());
        assert_eq!(me(srv, &wang)["totp_enabled"], true);

        let seen = failures(srv);
        let count = |step: &str, reason: &str| {
            seen.iter()
                .filter(|(s, r)| s == step && r == reason)
                .count()
        };
        assert_eq!(count("enable", "code"), 5, "{seen:?}");
        assert_eq!(count("disable", "password"), 5, "{seen:?}");
        // The refused attempts beyond the limit are audited too.
        assert_eq!(count("enable", "throttled"), 1, "{seen:?}");
        assert_eq!(count("setup", "throttled"), 1, "{seen:?}");
        assert_eq!(count("disable", "throttled"), 1, "{seen:?}");
    });
}
