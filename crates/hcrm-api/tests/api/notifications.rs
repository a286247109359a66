//! In-app notifications (issue 10 item 1; CMP-5b) on both backends: the complaint
//! escalation job tells the same people as its tasks — the supervisor warned, the
//! supervisor and director at the breach, the president a day later — once per clock and
//! level also with four runners at once; each user lists, counts and marks only their own;
//! another user's notification is a 404, an integration client gets 403.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use chrono::{DateTime, Duration, Utc};
use common::world::{At, TwoInstitutions};
use common::{Srv, each_backend};
use hcrm_db::complaints::clocks;
use serde_json::{Value, json};

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

fn unread(srv: &Srv, token: &str) -> i64 {
    srv.get("/api/v1/notifications/counts", token).ok(200)["unread"]
        .as_i64()
        .unwrap()
}

#[test]
fn escalations_notify_up_the_chain_once_and_each_reads_only_their_own() {
    each_backend(|srv| {
        let w = TwoInstitutions::new(
            srv,
            &[
                ("agent.a", "agent", At::A),
                ("sup.a", "supervisor", At::A),
                ("dir.a", "director", At::A),
                ("pres.a", "president", At::A),
                ("sup.b", "supervisor", At::B),
            ],
        );
        let (agent, sup, dir, pres) = (
            w.token("agent.a"),
            w.token("sup.a"),
            w.token("dir.a"),
            w.token("pres.a"),
        );
        let c = srv
            .post(
                "/api/v1/complaints",
                &agent,
                json!({"channel": "phone", "description": "电话无人接听",
                       "new_customer": {"name": "王秀英", "mobile": "13800138001"}}),
            )
            .ok(201)
            .clone();
        let (id, number) = (s(&c["id"]), s(&c["number"]));
        let t0: DateTime<Utc> = s(&c["received_at"]).parse().unwrap();
        for t in [&agent, &sup, &dir, &pres, &w.token("sup.b")] {
            assert_eq!(unread(srv, t), 0);
        }
        let pool = srv.db.pool();
        let mut conn = pool.get().unwrap();

        // The hand-over clock (12 h): 3 hours left, the supervisor is warned.
        let run = clocks::escalate(&mut conn, t0 + Duration::hours(9)).unwrap();
        assert_eq!((run.escalations, run.tasks, run.notifications), (1, 1, 1));
        assert_eq!(unread(srv, &sup), 1);
        assert_eq!(unread(srv, &dir), 0);
        // Past the deadline: the supervisor and the director.
        let run = clocks::escalate(&mut conn, t0 + Duration::hours(13)).unwrap();
        assert_eq!(run.notifications, 2);
        // A day past it, four runners at once: the president is told once.
        let when = t0 + Duration::hours(37);
        let runs: Vec<_> = std::thread::scope(|sc| {
            let handles: Vec<_> = (0..4)
                .map(|_| {
                    let db = srv.db.clone();
                    sc.spawn(move || {
                        let pool = db.pool();
                        let mut conn = pool.get().unwrap();
                        clocks::escalate(&mut conn, when).unwrap()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(
            runs.iter().map(|r| r.notifications).sum::<usize>(),
            1,
            "{runs:?}"
        );
        assert_eq!(
            (
                unread(srv, &sup),
                unread(srv, &dir),
                unread(srv, &pres),
                unread(srv, &agent),
                unread(srv, &w.token("sup.b"))
            ),
            (2, 1, 1, 0, 0)
        );

        // The supervisor's list, newest first, worded in both languages, linked to the case.
        let list = srv.get("/api/v1/notifications", &sup).ok(200).clone();
        assert_eq!(list["total"], 2);
        let items = list["items"].as_array().unwrap();
        assert_eq!(items[0]["kind"], "complaint_breach");
        assert_eq!(items[1]["kind"], "complaint_warning");
        for n in items {
            assert_eq!(n["source_type"], "complaint");
            assert_eq!(n["source_id"], id.as_str());
            assert_eq!(n["read_at"], Value::Null);
            assert!(s(&n["title_zh"]).contains(&number), "{n}");
            assert!(s(&n["title_en"]).contains(&number), "{n}");
        }
        assert!(s(&items[0]["title_zh"]).contains("超时"), "{}", items[0]);

        // Marking read: one, then again (it keeps its first reading); not another's.
        let first = s(&items[1]["id"]);
        let read = srv
            .post(
                &format!("/api/v1/notifications/{first}/read"),
                &sup,
                json!({}),
            )
            .ok(200)
            .clone();
        assert!(read["read_at"].is_string());
        let again = srv
            .post(
                &format!("/api/v1/notifications/{first}/read"),
                &sup,
                json!({}),
            )
            .ok(200)
            .clone();
        assert_eq!(again["read_at"], read["read_at"]);
        assert_eq!(unread(srv, &sup), 1);
        for (path, token) in [
            (format!("/api/v1/notifications/{first}/read"), &dir),
            (
                format!("/api/v1/notifications/{}/read", uuid::Uuid::now_v7()),
                &sup,
            ),
            ("/api/v1/notifications/not-an-id/read".to_string(), &sup),
        ] {
            srv.post(&path, token, json!({})).problem(404, "not_found");
        }
        assert_eq!(
            srv.get("/api/v1/notifications?unread=true", &sup).ok(200)["total"],
            1
        );
        assert_eq!(
            srv.get("/api/v1/notifications?unread=false", &sup).ok(200)["total"],
            1
        );
        // All read: the supervisor's only; the director's stays unread.
        let marked = srv
            .post("/api/v1/notifications/read-all", &sup, json!({}))
            .ok(200)
            .clone();
        assert_eq!(marked["marked"], 1);
        assert_eq!(unread(srv, &sup), 0);
        assert_eq!(unread(srv, &dir), 1);
        // Another user's list never shows them.
        let dirs = srv.get("/api/v1/notifications", &dir).ok(200).clone();
        assert_eq!(dirs["total"], 1);
        assert_ne!(dirs["items"][0]["id"], items[0]["id"]);

        // Bad queries; no sign-in; an integration client.
        srv.get("/api/v1/notifications?limit=0", &sup)
            .problem(422, "validation");
        srv.get("/api/v1/notifications?unread=maybe", &sup)
            .problem(400, "invalid_query");
        srv.call("GET", "/api/v1/notifications/counts", None, None)
            .problem(401, "unauthorized");
        let his = srv.user(&w.admin, "his.a", &["integration"], &w.inst_a);
        let key = srv
            .post(
                &format!("/api/v1/users/{}/api-keys", s(&his["id"])),
                &w.admin,
                json!({"name": "HIS"}),
            )
            .ok(201)["key"]
            .as_str()
            .unwrap()
            .to_string();
        srv.get("/api/v1/notifications", &key)
            .problem(403, "forbidden");
        srv.get("/api/v1/notifications/counts", &key)
            .problem(403, "forbidden");
    });
}
