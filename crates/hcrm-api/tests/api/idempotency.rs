//! a POST with an Idempotency-Key is carried out once, even when replayed concurrently.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::each_backend;
use serde_json::json;

fn create(srv: &common::Srv, token: &str, key: &str, code: &str) -> common::Res {
    let body = json!({"code": code, "name": format!("{code} 医院"), "city": "北京", "local": true});
    srv.raw(
        "POST",
        "/api/v1/institutions",
        Some(token),
        &[("Idempotency-Key", key)],
        Some(("application/json", body.to_string())),
    )
}

#[test]
fn a_replay_returns_the_first_answer_and_creates_nothing() {
    each_backend(|srv| {
        let admin = srv.admin();
        let first = create(srv, &admin, "req-1", "BJ01");
        let first_body = first.ok(201).clone();
        assert_eq!(first.header("idempotent-replayed"), None);
        let again = create(srv, &admin, "req-1", "BJ01");
        assert_eq!(again.ok(201), &first_body);
        assert_eq!(again.header("idempotent-replayed"), Some("true"));
        assert_eq!(srv.total("/api/v1/institutions"), 1);

        // Same key, another request: refused. Another key: a new request (here a duplicate code).
        create(srv, &admin, "req-1", "SH01").problem(422, "validation");
        create(srv, &admin, "req-2", "BJ01").problem(409, "duplicate");
        // A failed request does not keep its key.
        create(srv, &admin, "req-2", "SH01").ok(201);
        create(srv, &admin, &"k".repeat(256), "GZ01").problem(422, "validation");
        // Keys belong to their caller: another user's same key is a new request.
        let other = srv.user(&admin, "other.admin", &["admin"], &first_body);
        assert_eq!(other["username"], "other.admin");
        let other_token = srv.login("other.admin", "Passw0rd-x");
        create(srv, &other_token, "req-9", "GZ01").ok(201);
        assert_eq!(create(srv, &admin, "req-9", "GZ02").status, 201);
    });
}

#[test]
fn concurrent_replays_create_exactly_one_record() {
    each_backend(|srv| {
        let admin = srv.admin();
        let statuses: Vec<(u16, Option<String>)> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8)
                .map(|_| {
                    let admin = &admin;
                    s.spawn(move || {
                        let r = create(srv, admin, "burst", "BJ01");
                        (
                            r.status,
                            r.header("idempotent-replayed").map(str::to_string),
                        )
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let fresh = statuses
            .iter()
            .filter(|(s, replay)| *s == 201 && replay.is_none())
            .count();
        assert_eq!(fresh, 1, "{statuses:?}");
        assert!(
            statuses.iter().all(|(s, _)| *s == 201 || *s == 409),
            "{statuses:?}"
        );
        assert_eq!(srv.total("/api/v1/institutions"), 1);
    });
}
