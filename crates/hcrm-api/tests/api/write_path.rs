//! Issue 8 item 4 on both backends: audited reads append their audit entry without a write
//! transaction (no SQLite write lock for a read), and the auth cache is emptied only by the
//! writes the guard depends on (users, roles, sign-ins, security settings), not by every write.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::{Srv, each_backend};
use serde_json::{Value, json};

const PASSWORD: &str = "Passw0rd-x";

fn audit_total(srv: &Srv, admin: &str) -> i64 {
    srv.get("/api/v1/audit-events?limit=1", admin).ok(200)["total"]
        .as_i64()
        .unwrap()
}

#[test]
fn audited_reads_take_no_write_transaction_and_are_still_audited() {
    each_backend(|srv| {
        let admin = srv.admin();
        let inst = srv.institution(&admin, "BJ01", true);
        srv.user(&admin, "sup.a", &["supervisor"], &inst);
        let sup = srv.login("sup.a", PASSWORD);
        let id = srv
            .post(
                "/api/v1/customers",
                &sup,
                json!({"kind": "individual", "name": "孙丽", "phones": ["13800138000"]}),
            )
            .ok(201)["id"]
            .as_str()
            .unwrap()
            .to_string();
        let reads = [
            format!("/api/v1/customers/{id}"),
            format!("/api/v1/customers/{id}/medical"),
            format!("/api/v1/customers/{id}/private-notes"),
            format!("/api/v1/customers/{id}/relations"),
            format!("/api/v1/customers/{id}/contacts"),
            format!("/api/v1/customers/{id}/timeline"),
            format!("/api/v1/customers/{id}/stage-history"),
        ];
        for path in &reads {
            let audited = audit_total(srv, &admin);
            let writes = srv.state.write_count();
            srv.get(path, &sup).ok(200);
            assert_eq!(
                srv.state.write_count(),
                writes,
                "{path}: a read began a write transaction ({})",
                srv.backend
            );
            let entries = audit_total(srv, &admin) - audited;
            // The supervisor holds pii.read, medical.read and private_notes.read: those
            // three reads are audited; the others are not (no break-glass grant).
            let expected = if path.ends_with(&id)
                || path.ends_with("/medical")
                || path.ends_with("/private-notes")
            {
                1
            } else {
                0
            };
            assert_eq!(entries, expected, "{path}: audit entries ({})", srv.backend);
        }
        // A write still counts, so the counter can tell.
        let writes = srv.state.write_count();
        srv.patch(
            &format!("/api/v1/customers/{id}"),
            &sup,
            1,
            json!({"name": "孙丽娟"}),
        )
        .ok(200);
        assert!(srv.state.write_count() > writes);
    });
}

#[test]
fn a_customer_write_leaves_the_auth_cache_warm_and_a_role_change_empties_it() {
    each_backend(|srv| {
        let admin = srv.admin();
        let inst = srv.institution(&admin, "BJ01", true);
        let agent: Value = srv.user(&admin, "agent.a", &["agent"], &inst);
        let token = srv.login("agent.a", PASSWORD);
        let cache = &srv.state.auth_cache;
        let id = srv
            .post(
                "/api/v1/customers",
                &token,
                json!({"kind": "individual", "name": "王芳"}),
            )
            .ok(201)["id"]
            .as_str()
            .unwrap()
            .to_string();
        let warm = cache.generation();
        srv.patch(
            &format!("/api/v1/customers/{id}"),
            &token,
            1,
            json!({"name": "王芳芳"}),
        )
        .ok(200);
        srv.post(
            &format!("/api/v1/customers/{id}/contacts"),
            &token,
            json!({"channel": "phone", "direction": "outbound", "subject": "回访"}),
        )
        .ok(201);
        assert_eq!(
            cache.generation(),
            warm,
            "customer writes emptied the auth cache ({})",
            srv.backend
        );
        let user_id: uuid::Uuid = agent["id"].as_str().unwrap().parse().unwrap();
        assert!(cache.get(user_id).is_some(), "the agent is still cached");

        // A role change empties it, and the agent's next request sees the new roles at once.
        let user = format!("/api/v1/users/{user_id}");
        let version = srv.get(&user, &admin).ok(200)["version"].as_i64().unwrap();
        srv.patch(
            &user,
            &admin,
            version,
            json!({"roles": ["follow_up_agent"]}),
        )
        .ok(200);
        assert!(cache.generation() > warm, "a role change kept the cache");
        assert!(cache.get(user_id).is_none());
        let me = srv.get("/api/v1/auth/me", &token);
        assert_eq!(me.ok(200)["roles"], json!(["follow_up_agent"]));
    });
}
