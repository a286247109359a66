//! REL-3, INT-3, X-14: the `hcrm` binary sends webhooks to a receiver that verifies their
//! Standard Webhooks signatures. The server is killed (SIGKILL) while the receiver holds a
//! message's request open and more messages wait in the outbox; after a restart every message
//! arrives, each once, except the one in flight, which comes a second time with the same
//! `webhook-id`. Then two servers run their workers on the one database: each new message
//! arrives once.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::support;

use hcrm_db::testing::{TestDb, backends};
use hcrm_server::webhooks::receiver::{Receiver, Reply};
use serde_json::{Value, json};
use support::{ADMIN_PASSWORD, STAFF_PASSWORD, Server, TempDir};

fn visit(server: &Server, token: &str, customer: &Value) {
    server.created(
        "/api/v1/visits",
        token,
        json!({"customer_id": customer, "kind": "outpatient",
               "visited_at": chrono::Utc::now().to_rfc3339(), "amount_fen": 5000}),
    );
}

#[test]
fn a_server_killed_mid_delivery_loses_nothing_and_repeats_only_the_message_in_flight() {
    for backend in backends() {
        let dir = TempDir::new();
        let db = TestDb::new(backend);
        let common = [
            ("DATABASE_URL", db.url.as_str()),
            ("HCRM_JWT_SECRET", "e2e-secret-of-at-least-32-bytes-long!!"),
            ("HCRM_WEBHOOK_ALLOW_PRIVATE", "true"),
            // A lease of 2 × 10 + 5 s: the killed server's message is due again 25 s on.
            ("HCRM_WEBHOOK_TIMEOUT_SECONDS", "10"),
        ];
        let with_worker = |on: bool| {
            let mut env = common.to_vec();
            env.push(("HCRM_WEBHOOK_JOB_SECONDS", if on { "1" } else { "0" }));
            env
        };
        let env = with_worker(true);
        let receiver = Receiver::start("whsec_AAAA").unwrap();
        // Set up with the worker off, so that the first five messages wait in the outbox and
        // are taken in one claim.
        let setup = Server::start(&dir.0, &with_worker(false));
        let first = &setup;
        let admin = first.login("admin", ADMIN_PASSWORD);
        let (inst, _) = first.institution_with_staff(&admin, &[("agent.a", "agent")]);
        let shown = first.created(
            "/api/v1/webhooks",
            &admin,
            json!({"institution_id": inst["id"], "url": receiver.url, "event_types": ["visit_recorded"]}),
        );
        receiver.set_secret(shown["secret"].as_str().unwrap());
        let sub = shown["subscription"]["id"].as_str().unwrap().to_string();
        let agent = first.login("agent.a", STAFF_PASSWORD);
        let wang = first.created(
            "/api/v1/customers",
            &agent,
            json!({"kind": "individual", "name": "王秀英", "phones": ["13800138001"]}),
        )["id"]
            .clone();

        // The first message to arrive is held open; the others are answered.
        let held: Arc<Mutex<Option<String>>> = Arc::new(Mutex::new(None));
        let h = held.clone();
        receiver.answer(move |r, _| {
            let mut held = h.lock().unwrap();
            if held.is_none() {
                *held = Some(r.webhook_id.clone());
                return Reply::Hold;
            }
            Reply::Status(200, Vec::new())
        });
        for _ in 0..5 {
            visit(first, &agent, &wang);
        }
        drop(setup);
        let first = Server::start(&dir.0, &env);
        let agent = first.login("agent.a", STAFF_PASSWORD);
        assert!(
            receiver.wait(Duration::from_secs(20), |got| got.len() >= 5),
            "{backend}: {} received",
            receiver.received().len()
        );
        // While the worker waits on the held message, five more wait in the outbox.
        for _ in 0..5 {
            visit(&first, &agent, &wang);
        }
        // Killed (SIGKILL: `Server`'s drop) mid-delivery, the newer five still in the outbox.
        assert_eq!(receiver.received().len(), 5, "{backend}");
        drop(first);
        let held_id = held.lock().unwrap().clone().unwrap();
        let before_restart = receiver.counts();
        assert_eq!(before_restart.get(&held_id), Some(&1));

        let second = Server::start(&dir.0, &env);
        assert!(
            receiver.wait(Duration::from_secs(60), |got| {
                let ids: std::collections::HashSet<&str> =
                    got.iter().map(|r| r.webhook_id.as_str()).collect();
                ids.len() == 10 && got.iter().filter(|r| r.webhook_id == held_id).count() == 2
            }),
            "{backend}: {:?}",
            receiver.counts()
        );
        // Nothing more comes.
        std::thread::sleep(Duration::from_secs(3));
        let counts = receiver.counts();
        assert_eq!(counts.len(), 10, "{backend}: {counts:?}");
        for (id, n) in &counts {
            let expected = if *id == held_id { 2 } else { 1 };
            assert_eq!(*n, expected, "{backend}: {id} came {n} times");
        }
        assert!(receiver.received().iter().all(|r| r.verified));
        let bodies: Vec<Vec<u8>> = receiver
            .received()
            .into_iter()
            .filter(|r| r.webhook_id == held_id)
            .map(|r| r.body)
            .collect();
        assert_eq!(bodies[0], bodies[1], "the same message again");
        let admin = second.login("admin", ADMIN_PASSWORD);
        let (status, list) = second.json(
            "GET",
            &format!("/api/v1/webhooks/{sub}/deliveries?status=delivered"),
            Some(&admin),
            None,
        );
        assert_eq!(status, 200, "{list}");
        assert_eq!(list["total"], 10, "{list}");

        // Two servers, one database: each new message is sent by one of them.
        let third = Server::start(&dir.0, &env);
        let agent = second.login("agent.a", STAFF_PASSWORD);
        for i in 0..30 {
            let s = if i % 2 == 0 { &second } else { &third };
            visit(s, &agent, &wang);
        }
        assert!(
            receiver.wait(Duration::from_secs(30), |got| got.len() >= 41),
            "{backend}: {}",
            receiver.received().len()
        );
        std::thread::sleep(Duration::from_secs(3));
        let counts = receiver.counts();
        assert_eq!(counts.len(), 40, "{backend}");
        assert_eq!(counts.values().sum::<usize>(), 41, "{backend}: {counts:?}");
    }
}
