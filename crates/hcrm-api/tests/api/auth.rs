//! sign-in, refresh rotation and reuse detection, sign-out, throttling, hostile tokens.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use common::{ADMIN_PASSWORD, SECRET, each_backend};
use serde_json::{Value, json};

fn audit_actions(srv: &common::Srv, query: &str) -> Vec<String> {
    let token = srv.admin();
    srv.get(&format!("/api/v1/audit-events?limit=200&{query}"), &token)
        .ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn login_returns_tokens_and_me_describes_the_user() {
    each_backend(|srv| {
        let res = srv.login_tokens("admin", ADMIN_PASSWORD);
        let body = res.ok(200);
        assert_eq!(body["token_type"], "Bearer");
        assert_eq!(body["expires_in"], 900);
        assert!(body["refresh_token"].as_str().unwrap().starts_with("rt_"));
        let me = srv.get("/api/v1/auth/me", body["access_token"].as_str().unwrap());
        let me = me.ok(200);
        assert_eq!(me["username"], "admin");
        assert_eq!(me["group_wide"], true);
        assert!(
            me["permissions"]
                .as_array()
                .unwrap()
                .contains(&json!("user.write"))
        );
        // Secrets never leave the server.
        assert!(!me.to_string().contains("argon2"));
        assert!(audit_actions(srv, "entity_type=session").contains(&"login".to_string()));
    });
}

#[test]
fn wrong_password_and_unknown_user_are_the_same_401_and_audited() {
    each_backend(|srv| {
        srv.login_tokens("admin", "wrong-pass1")
            .problem(401, "invalid_credentials");
        srv.login_tokens("nobody", "wrong-pass1")
            .problem(401, "invalid_credentials");
        let actions = audit_actions(srv, "action=login_failed");
        assert_eq!(actions.len(), 2);
    });
}

#[test]
fn five_failures_within_the_window_throttle_with_retry_after() {
    each_backend(|srv| {
        for _ in 0..5 {
            srv.login_tokens("admin", "wrong-pass1")
                .problem(401, "invalid_credentials");
        }
        // Even the right password is refused now, with a Retry-After up to 15 minutes.
        let res = srv.login_tokens("admin", ADMIN_PASSWORD);
        res.problem(429, "too_many_attempts");
        let retry: u64 = res.header("retry-after").unwrap().parse().unwrap();
        assert!((1..=900).contains(&retry), "{retry}");
        // Another username is not affected.
        srv.login_tokens("someone", "wrong-pass1")
            .problem(401, "invalid_credentials");
    });
}

#[test]
fn refresh_rotates_and_reuse_revokes_the_whole_family() {
    each_backend(|srv| {
        let first = srv.login_tokens("admin", ADMIN_PASSWORD).ok(200).clone();
        let rt1 = first["refresh_token"].clone();
        let second = srv
            .call(
                "POST",
                "/api/v1/auth/refresh",
                None,
                Some(&json!({"refresh_token": rt1})),
            )
            .ok(200)
            .clone();
        let rt2 = second["refresh_token"].clone();
        assert_ne!(rt1, rt2);
        srv.get("/api/v1/auth/me", second["access_token"].as_str().unwrap())
            .ok(200);

        // The rotated token presented again: refused, and the newer one dies with it.
        srv.call(
            "POST",
            "/api/v1/auth/refresh",
            None,
            Some(&json!({"refresh_token": rt1})),
        )
        .problem(401, "unauthorized");
        srv.call(
            "POST",
            "/api/v1/auth/refresh",
            None,
            Some(&json!({"refresh_token": rt2})),
        )
        .problem(401, "unauthorized");
        let token = srv.admin();
        let flagged = srv
            .get("/api/v1/audit-events?flagged=true", &token)
            .ok(200)
            .clone();
        assert_eq!(flagged["items"][0]["action"], "refresh_reuse");

        srv.call(
            "POST",
            "/api/v1/auth/refresh",
            None,
            Some(&json!({"refresh_token": "rt_unknown"})),
        )
        .problem(401, "unauthorized");
    });
}

#[test]
fn logout_revokes_the_refresh_token() {
    each_backend(|srv| {
        let t = srv.login_tokens("admin", ADMIN_PASSWORD).ok(200).clone();
        let body = json!({"refresh_token": t["refresh_token"]});
        let res = srv.call("POST", "/api/v1/auth/logout", None, Some(&body));
        assert_eq!(res.status, 204);
        srv.call("POST", "/api/v1/auth/refresh", None, Some(&body))
            .problem(401, "unauthorized");
        assert!(audit_actions(srv, "action=logout").contains(&"logout".to_string()));
    });
}

fn forge(payload: &Value, alg: &str) -> String {
    let header = B64.encode(json!({"alg": alg, "typ": "JWT"}).to_string());
    format!("{header}.{}.", B64.encode(payload.to_string()))
}

#[test]
fn missing_expired_tampered_and_alg_none_tokens_get_401() {
    each_backend(|srv| {
        let me = "/api/v1/auth/me";
        srv.call("GET", me, None, None).problem(401, "unauthorized");
        srv.raw(
            "GET",
            me,
            None,
            &[("Authorization", "Basic YWRtaW46eA==")],
            None,
        )
        .problem(401, "unauthorized");
        srv.call("GET", me, Some("not-a-jwt"), None)
            .problem(401, "unauthorized");

        let good = srv.admin();
        let user = srv.get(me, &good).ok(200)["id"]
            .as_str()
            .unwrap()
            .to_string();
        let keys = hcrm_api::auth::tokens::JwtKeys::new(SECRET);
        let expired = keys.issue(user.parse().unwrap(), "s", -10).unwrap();
        srv.call("GET", me, Some(&expired), None)
            .problem(401, "unauthorized");
        // Signed with the right key, but of no sign-in the server knows (X-3, issue 7 item 7).
        let sessionless = keys
            .issue(user.parse().unwrap(), "no-such-sign-in", 60)
            .unwrap();
        srv.call("GET", me, Some(&sessionless), None)
            .problem(401, "unauthorized");

        let claims = json!({"sub": user, "iat": 0, "exp": 4_000_000_000i64, "iss": "hcrm"});
        srv.call("GET", me, Some(&forge(&claims, "none")), None)
            .problem(401, "unauthorized");
        let parts: Vec<&str> = good.split('.').collect();
        let tampered = format!(
            "{}.{}.{}",
            parts[0],
            B64.encode(claims.to_string()),
            parts[2]
        );
        srv.call("GET", me, Some(&tampered), None)
            .problem(401, "unauthorized");
        let other_key = hcrm_api::auth::tokens::JwtKeys::new(b"another-secret")
            .issue(user.parse().unwrap(), "s", 60)
            .unwrap();
        srv.call("GET", me, Some(&other_key), None)
            .problem(401, "unauthorized");
    });
}

#[test]
fn deactivation_and_password_change_end_sessions() {
    each_backend(|srv| {
        let admin = srv.admin();
        let inst = srv.institution(&admin, "BJ01", true);
        let user = srv.user(&admin, "li.na", &["agent"], &inst);
        let id = user["id"].as_str().unwrap();
        let t = srv.login_tokens("li.na", "Passw0rd-x").ok(200).clone();
        let access = t["access_token"].as_str().unwrap();
        srv.get("/api/v1/auth/me", access).ok(200);

        // New password: refresh tokens revoked, old password refused.
        srv.patch(
            &format!("/api/v1/users/{id}"),
            &admin,
            1,
            json!({"password": "N3w-password"}),
        )
        .ok(200);
        srv.call(
            "POST",
            "/api/v1/auth/refresh",
            None,
            Some(&json!({"refresh_token": t["refresh_token"]})),
        )
        .problem(401, "unauthorized");
        srv.login_tokens("li.na", "Passw0rd-x")
            .problem(401, "invalid_credentials");
        let access = srv.login("li.na", "N3w-password");

        // Deactivated: the still-valid access token stops working at once; no sign-in.
        srv.post(
            &format!("/api/v1/users/{id}/deactivate"),
            &admin,
            json!(null),
        )
        .ok(200);
        srv.get("/api/v1/auth/me", &access)
            .problem(401, "unauthorized");
        srv.login_tokens("li.na", "N3w-password")
            .problem(401, "invalid_credentials");
        // The audit entry of the password change hides the password.
        let events = srv
            .get(
                &format!("/api/v1/audit-events?entity_id={id}&action=update"),
                &admin,
            )
            .ok(200)
            .clone();
        assert_eq!(events["items"][0]["changes"]["password"]["after"], "***");
    });
}

/// machine clients use API keys — shown once, stored hashed, scoped as their integration
/// user, revocable.
#[test]
fn api_keys_act_as_their_integration_user_until_revoked() {
    each_backend(|srv| {
        let admin = srv.admin();
        let a = srv.institution(&admin, "BJ01", true);
        let b = srv.institution(&admin, "SH01", false);
        let his = srv.user(&admin, "his.bj01", &["integration"], &a);
        let agent = srv.user(&admin, "agent.bj01", &["agent"], &a);
        let his_id = his["id"].as_str().unwrap();

        let r = srv.post(
            &format!("/api/v1/users/{}/api-keys", agent["id"].as_str().unwrap()),
            &admin,
            json!({"name": "x"}),
        );
        r.problem(422, "validation");
        let r = srv.post(
            &format!("/api/v1/users/{his_id}/api-keys"),
            &admin,
            json!({"name": "HIS", "expires_at": "2020-01-01T00:00:00Z"}),
        );
        assert_eq!(r.field_errors(), ["expires_at"]);
        let agent_token = srv.login("agent.bj01", "Passw0rd-x");
        srv.post(
            &format!("/api/v1/users/{his_id}/api-keys"),
            &agent_token,
            json!({"name": "HIS"}),
        )
        .problem(403, "forbidden");

        let created = srv
            .post(
                &format!("/api/v1/users/{his_id}/api-keys"),
                &admin,
                json!({"name": "HIS 生产环境"}),
            )
            .ok(201)
            .clone();
        let key = created["key"].as_str().unwrap().to_string();
        assert!(key.starts_with("hk_") && key.len() == 67);
        // Listed without the key itself.
        let list = srv
            .get(&format!("/api/v1/users/{his_id}/api-keys"), &admin)
            .ok(200)
            .clone();
        assert_eq!(list[0]["prefix"], &key[..9]);
        assert!(!list.to_string().contains(&key));

        let me = srv.get("/api/v1/auth/me", &key).ok(200).clone();
        assert_eq!(me["username"], "his.bj01");
        assert_eq!(me["roles"], json!(["integration"]));
        // Scoped to its institution.
        srv.get(
            &format!("/api/v1/institutions/{}", b["id"].as_str().unwrap()),
            &key,
        )
        .problem(404, "not_found");
        srv.get(
            &format!("/api/v1/institutions/{}", a["id"].as_str().unwrap()),
            &key,
        )
        .ok(200);
        srv.get("/api/v1/users", &key).problem(403, "forbidden");
        assert!(
            srv.get(&format!("/api/v1/users/{his_id}/api-keys"), &admin)
                .ok(200)[0]["last_used_at"]
                .is_string()
        );

        let id = created["api_key"]["id"].as_str().unwrap();
        srv.post(
            &format!("/api/v1/api-keys/{id}/revoke"),
            &admin,
            json!(null),
        )
        .ok(200);
        srv.get("/api/v1/auth/me", &key)
            .problem(401, "unauthorized");
        srv.get("/api/v1/auth/me", "hk_0000")
            .problem(401, "unauthorized");
        let audit = srv
            .get("/api/v1/audit-events?entity_type=api_key", &admin)
            .ok(200)
            .clone();
        assert_eq!(audit["total"], 2);
        assert!(!audit.to_string().contains(&key));
    });
}

fn now() -> u64 {
    chrono::Utc::now().timestamp() as u64
}

fn code_at(secret: &str, offset: i64) -> String {
    hcrm_api::auth::totp::current_code(secret, (now() as i64 + offset) as u64)
}

/// X-6c: two-factor sign-in set up by the user, required per role by the admin.
#[test]
fn two_factor_sign_in_and_the_per_role_requirement() {
    each_backend(|srv| {
        let admin = srv.admin();
        let setup = srv
            .post(
                "/api/v1/auth/totp/setup",
                &admin,
                json!({"password": ADMIN_PASSWORD}),
            )
            .ok(200)
            .clone();
        let secret = setup["secret"].as_str().unwrap().to_string();
        assert!(
            setup["otpauth_uri"]
                .as_str()
                .unwrap()
                .starts_with("otpauth://totp/HCRM:admin")
        );
        srv.post("/api/v1/auth/totp/enable", &admin, json!({"code": "12345"}))
            .problem(422, "validation");
        let wrong = if code_at(&secret, 0) == "000000" {
            "111111"
        } else {
            "000000"
        };
        srv.post("/api/v1/auth/totp/enable", &admin, json!({"code": wrong}))
            .problem(422, "validation");
        let me = srv
            .post(
                "/api/v1/auth/totp/enable",
                &admin,
                json!({"code": code_at(&secret, 0)}),
            )
            .ok(200)
            .clone();
        assert_eq!(me["totp_enabled"], true);

        // Password alone: asked for the code, not counted as a failure.
        srv.login_tokens("admin", ADMIN_PASSWORD)
            .problem(401, "totp_required");
        let login = |code: &str| {
            srv.call(
                "POST",
                "/api/v1/auth/login",
                None,
                Some(&json!({"username": "admin", "password": ADMIN_PASSWORD, "totp_code": code})),
            )
        };
        login(wrong).problem(401, "invalid_totp");
        // The code used to enable cannot be used again; the next step's can, once.
        let next = code_at(&secret, 30);
        login(&next).ok(200);
        login(&next).problem(401, "invalid_totp");
        // A wrong password with a right code is still just a wrong password.
        srv.call("POST", "/api/v1/auth/login", None, Some(&json!({"username": "admin", "password": "nope-nope1", "totp_code": code_at(&secret, -30)}))).problem(401, "invalid_credentials");

        // The admin requires it for agents.
        let inst = srv.institution(&admin, "BJ01", true);
        srv.user(&admin, "agent.one", &["agent"], &inst);
        let settings = srv.get("/api/v1/settings/security", &admin).ok(200).clone();
        assert_eq!(settings, json!({"totp_required_roles": [], "version": 0}));
        let saved = srv.raw(
            "PUT",
            "/api/v1/settings/security",
            Some(&admin),
            &[("If-Match", "\"0\"")],
            Some((
                "application/json",
                json!({"totp_required_roles": ["agent"]}).to_string(),
            )),
        );
        assert_eq!(saved.ok(200)["version"], 1);
        srv.raw(
            "PUT",
            "/api/v1/settings/security",
            Some(&admin),
            &[("If-Match", "\"0\"")],
            Some((
                "application/json",
                json!({"totp_required_roles": []}).to_string(),
            )),
        )
        .problem(412, "stale");

        let agent = srv.login("agent.one", "Passw0rd-x");
        srv.raw(
            "PUT",
            "/api/v1/settings/security",
            Some(&agent),
            &[],
            Some((
                "application/json",
                json!({"totp_required_roles": []}).to_string(),
            )),
        )
        .problem(403, "totp_enrollment_required");
        srv.get("/api/v1/institutions", &agent)
            .problem(403, "totp_enrollment_required");
        let me = srv.get("/api/v1/auth/me", &agent).ok(200).clone();
        assert_eq!(
            (me["totp_required"].clone(), me["totp_enabled"].clone()),
            (json!(true), json!(false))
        );
        let agent_secret = srv
            .post(
                "/api/v1/auth/totp/setup",
                &agent,
                json!({"password": "Passw0rd-x"}),
            )
            .ok(200)["secret"]
            .as_str()
            .unwrap()
            .to_string();
        srv.post(
            "/api/v1/auth/totp/enable",
            &agent,
            json!({"code": code_at(&agent_secret, 0)}),
        )
        .ok(200);
        srv.get("/api/v1/institutions", &agent).ok(200);
        let r = srv.post(
            "/api/v1/auth/totp/disable",
            &agent,
            json!({"password": "Passw0rd-x", "code": code_at(&agent_secret, 30)}),
        );
        r.problem(422, "validation");
        assert_eq!(r.body["errors"][0]["code"], "totp_required_by_role");

        // Lost phone: the admin resets it; the agent must set it up again.
        let agent_id = me["id"].as_str().unwrap();
        let r = srv.call(
            "POST",
            &format!("/api/v1/users/{agent_id}/totp/reset"),
            Some(&admin),
            None,
        );
        assert_eq!(r.status, 204);
        // The reset ends the agent's sign-ins at once, access token included (issue 7 item 7).
        srv.get("/api/v1/institutions", &agent)
            .problem(401, "unauthorized");
        let agent = srv.login("agent.one", "Passw0rd-x");
        srv.get("/api/v1/institutions", &agent)
            .problem(403, "totp_enrollment_required");
        let events = srv
            .get("/api/v1/audit-events?entity_type=user&limit=200", &admin)
            .ok(200)
            .clone();
        let actions: Vec<String> = events["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap().to_string())
            .collect();
        for a in ["totp_enable", "totp_reset"] {
            assert!(actions.contains(&a.to_string()), "{a} audited");
        }
    });
}
