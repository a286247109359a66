//! PERF-6 under PERF-3's load: HIS clients sending large batches all at once cannot take the
//! server's memory past 150 MB. A 1,000-item batch holds 15–30 MB while it is worked on;
//! eight at once took a release build to 181 MB. Batches now take turns
//! (`HCRM_HIS_BATCHES`: the cores on PostgreSQL, one on SQLite), and every one of them is still written.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Barrier;

use hcrm_db::testing::{TestDb, backends};

use crate::his_batch_kill::{batch, his_client, post};
use crate::support::{PERF_6_MIB, Server, TempDir};

const CLIENTS: usize = 8;

#[test]
fn eight_parallel_thousand_item_batches_leave_the_server_under_150_mb() {
    for backend in backends() {
        let dir = TempDir::new();
        let db = TestDb::new(backend);
        // The turns as shipped: the cores on PostgreSQL, one on SQLite.
        let server = Server::start(&dir.0, &[("DATABASE_URL", db.url.as_str())]);
        let key = his_client(&server);
        // 330 new patients and 660 visits each (an admission among them): 990 items.
        let bodies: Vec<_> = (0..CLIENTS)
            .map(|c| batch(&format!("F{c}-"), 330))
            .collect();
        // The sign-ins just made leave their Argon2 memory until the password threads have
        // been idle a moment (`security::an_idle_server_gives_a_sign_in_s_argon2_memory_back`);
        // this test weighs the batches.
        std::thread::sleep(std::time::Duration::from_millis(1500));
        server.reset_peak_rss();
        let before = server.peak_rss_mib();
        let barrier = Barrier::new(CLIENTS);
        let answers: Vec<(u16, serde_json::Value)> = std::thread::scope(|s| {
            let handles: Vec<_> = bodies
                .iter()
                .map(|body| {
                    let (server, barrier, key) = (&server, &barrier, &key);
                    s.spawn(move || {
                        barrier.wait();
                        post(server, key, body)
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let peak = server.peak_rss_mib();
        eprintln!(
            "{backend}: RSS {before:.1} MiB at the start, peak {peak:.1} MiB during {CLIENTS} parallel batches of 990 items"
        );
        for (status, body) in &answers {
            assert_eq!(*status, 200, "{}", body["title"]);
            assert_eq!(body["counts"]["created"], 990, "{}", body["counts"]);
        }
        assert!(peak < PERF_6_MIB, "peak RSS {peak:.1} MiB");
    }
}
