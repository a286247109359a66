//! X-14, REL-4, CMP-2: two `hcrm serve` processes over one database — as behind a load
//! balancer — number 50 complaints taken in at the same time 1 … 50 in their institution and
//! month, with no number twice and none skipped.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use hcrm_db::testing::{TestDb, backends};
use serde_json::json;
use support::{ADMIN_PASSWORD, STAFF_PASSWORD, Server, TempDir};

#[test]
fn two_server_processes_number_fifty_concurrent_complaints_one_to_fifty() {
    for backend in backends() {
        let dir = TempDir::new();
        let db = TestDb::new(backend);
        let env = [
            ("DATABASE_URL", db.url.as_str()),
            ("HCRM_JWT_SECRET", "e2e-secret-of-at-least-32-bytes-long!!"),
        ];
        let one = Server::start(&dir.0, &env);
        let two = Server::start(&dir.0, &env);
        let admin = one.login("admin", ADMIN_PASSWORD);
        one.institution_with_staff(&admin, &[("agent.a", "agent")]);
        // Signed in on the first server, the token works on the second (one secret).
        let agent = one.login("agent.a", STAFF_PASSWORD);
        let (status, customer) = two.json(
            "POST",
            "/api/v1/customers",
            Some(&agent),
            Some(json!({"kind": "individual", "name": "王秀英", "phones": ["13800138001"]})),
        );
        assert_eq!(status, 201, "{customer}");
        let numbers: Vec<String> = std::thread::scope(|sc| {
            let handles: Vec<_> = (0..50)
                .map(|i| {
                    let server = if i % 2 == 0 { &one } else { &two };
                    let (agent, customer) = (&agent, &customer);
                    sc.spawn(move || {
                        let (status, c) = server.json(
                            "POST",
                            "/api/v1/complaints",
                            Some(agent),
                            Some(json!({"channel": "phone", "customer_id": customer["id"],
                                        "description": format!("第 {i} 件")})),
                        );
                        assert_eq!(status, 201, "{c}");
                        c["number"].as_str().unwrap().to_string()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let mut serials: Vec<u32> = numbers
            .iter()
            .map(|n| n.rsplit('-').next().unwrap().parse().unwrap())
            .collect();
        serials.sort();
        assert_eq!(
            serials,
            (1..=50).collect::<Vec<u32>>(),
            "{backend}: {numbers:?}"
        );
        assert!(
            numbers.iter().all(|n| n.starts_with("BJ01-")),
            "{numbers:?}"
        );
    }
}
