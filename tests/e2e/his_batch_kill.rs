//! REL-3, INT-1: the `hcrm` server killed (SIGKILL) in the middle of a large HIS batch. After
//! a restart nothing of the batch is there — it is all or nothing — and sending it again (the
//! same `batch_id`) writes it once: every visit once, every event once, no duplicate; a third
//! send answers the stored results.
//!
//! On PostgreSQL the kill waits until the batch's transaction is open and writing (seen in
//! `pg_stat_activity`), so it lands mid-batch for certain; on SQLite it lands halfway through
//! the time the same batch took on a warm-up run.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use crate::support;

use diesel::prelude::*;
use hcrm_db::testing::{TestDb, backends};
use serde_json::{Value, json};
use support::{ADMIN_PASSWORD, Server, TempDir};

const PATH: &str = "/api/v1/integration/batches";

/// `n` patients, each with an outpatient visit and an admission.
pub(crate) fn batch(tag: &str, n: usize) -> Value {
    let at = |days: i64| (chrono::Utc::now() - chrono::Duration::days(days)).to_rfc3339();
    let mut patients = Vec::new();
    let mut visits = Vec::new();
    for i in 0..n {
        patients.push(json!({"external_id": format!("{tag}P{i}"), "name": format!("患者{i}")}));
        visits.push(
            json!({"external_id": format!("{tag}M{i}"), "patient_external_id": format!("{tag}P{i}"),
                           "kind": "outpatient", "visited_at": at(5), "amount_fen": 1200}),
        );
        visits.push(
            json!({"external_id": format!("{tag}Z{i}"), "patient_external_id": format!("{tag}P{i}"),
                           "kind": "inpatient", "visited_at": at(3), "ended_at": at(1)}),
        );
    }
    json!({"batch_id": format!("{tag}-batch"), "patients": patients, "visits": visits})
}

pub(crate) fn post(server: &Server, key: &str, body: &Value) -> (u16, Value) {
    server.upload(PATH, key, "application/json", body.to_string().into_bytes())
}

/// (visits, domain events, batches stored) in the database.
fn counts(db: &TestDb) -> (i64, i64, i64) {
    use hcrm_db::schema::{domain_events, integration_batches, visits};
    let pool = db.pool();
    let mut c = pool.get().unwrap();
    (
        visits::table.count().get_result(&mut **c).unwrap(),
        domain_events::table.count().get_result(&mut **c).unwrap(),
        integration_batches::table
            .count()
            .get_result(&mut **c)
            .unwrap(),
    )
}

/// Waits until a write transaction of the server is open on PostgreSQL; false after `limit`.
fn writing(db: &TestDb, limit: Duration) -> bool {
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let pool = db.pool();
    let mut c = pool.get().unwrap();
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        let open: N = diesel::sql_query(
            "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() \
             AND pid <> pg_backend_pid() AND xact_start IS NOT NULL \
             AND (query ILIKE 'INSERT INTO \"visits\"%' OR query ILIKE 'INSERT INTO \"customers\"%' \
                  OR query ILIKE 'INSERT INTO \"customer_%')",
        )
        .get_result(&mut **c)
        .unwrap();
        if open.n > 0 {
            return true;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    false
}

/// An institution BJ01 and its HIS client's API key (integration role).
pub(crate) fn his_client(server: &Server) -> String {
    let admin = server.login("admin", ADMIN_PASSWORD);
    let (_, users) = server.institution_with_staff(&admin, &[("his.bj01", "integration")]);
    let his = &users[0];
    server.created(
        &format!("/api/v1/users/{}/api-keys", his["id"].as_str().unwrap()),
        &admin,
        json!({"name": "HIS"}),
    )["key"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn a_server_killed_mid_batch_leaves_nothing_half_written_and_a_replay_writes_it_once() {
    for backend in backends() {
        let dir = TempDir::new();
        let db = TestDb::new(backend);
        let env = [
            ("DATABASE_URL", db.url.as_str()),
            ("HCRM_JWT_SECRET", "e2e-secret-of-at-least-32-bytes-long!!"),
        ];
        let server = Server::start(&dir.0, &env);
        let key = his_client(&server);

        // A warm-up batch of the same size: how long one takes here.
        let started = Instant::now();
        let (status, warm) = post(&server, &key, &batch("W", 330));
        assert_eq!(status, 200, "{warm}");
        let took = started.elapsed();
        let before = counts(&db);
        assert_eq!(before.0, 660);

        // The batch, and the kill in its middle.
        let body = batch("K", 330);
        let (status, _) = std::thread::scope(|sc| {
            let sending = sc.spawn(|| post(&server, &key, &body));
            if backend == "postgres" {
                assert!(
                    writing(&db, Duration::from_secs(30)),
                    "the batch's transaction never showed"
                );
            } else {
                std::thread::sleep(took / 2);
            }
            let killed = std::process::Command::new("kill")
                .arg("-KILL")
                .arg(server.pid().to_string())
                .status()
                .unwrap();
            assert!(killed.success());
            sending.join().unwrap()
        });
        assert_eq!(
            status, 0,
            "the server answered before it was killed ({backend})"
        );
        drop(server);

        // Nothing of it, after a restart.
        let server = Server::start(&dir.0, &env);
        assert_eq!(counts(&db), before, "nothing half-written ({backend})");
        // Sent again: written once.
        let (status, res) = post(&server, &key, &body);
        assert_eq!(status, 200, "{res}");
        assert_eq!(res["replayed"], false);
        assert_eq!(res["counts"]["created"], 990);
        let after = counts(&db);
        assert_eq!(after.0, before.0 + 660, "each visit once");
        // Recorded ×660, admitted ×330, discharged ×330.
        assert_eq!(after.1, before.1 + 1320, "each event once");
        assert_eq!(after.2, before.2 + 1);
        // And again: the stored answer, nothing more.
        let (status, again) = post(&server, &key, &body);
        assert_eq!(status, 200);
        assert_eq!(again["replayed"], true);
        assert_eq!(again["items"], res["items"]);
        assert_eq!(counts(&db), after);
    }
}
