//! X-14, REL-4, SVC-2: two `hcrm serve` processes over one database — as behind a load
//! balancer — take 100 booking requests at once for the last 5 places of a clinic session:
//! exactly 5 are booked, the other 95 get 409 `session_full` naming the next free session.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use hcrm_db::testing::{TestDb, backends};
use serde_json::{Value, json};
use support::{ADMIN_PASSWORD, STAFF_PASSWORD, Server, TempDir};

#[test]
fn two_server_processes_book_exactly_the_last_five_places_of_a_hundred_requests() {
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
        let (inst, _) =
            one.institution_with_staff(&admin, &[("agent.a", "agent"), ("sup.a", "supervisor")]);
        let dep = one.created(
            "/api/v1/departments",
            &admin,
            json!({"institution_id": inst["id"], "name": "心内科"}),
        );
        let doc = one.created(
            "/api/v1/doctors",
            &admin,
            json!({"department_id": dep["id"], "name": "李建国", "title": "主任医师"}),
        );
        let sup = one.login("sup.a", STAFF_PASSWORD);
        let agent = one.login("agent.a", STAFF_PASSWORD);
        let today = hcrm_domain::time::today_in("Asia/Shanghai");
        let session = |days: u64, capacity: i32| {
            two.created(
                "/api/v1/clinic-sessions",
                &sup,
                json!({"doctor_id": doc["id"], "date": today + chrono::Days::new(days),
                        "half_day": "afternoon", "capacity": capacity}),
            )["id"]
                .clone()
        };
        let target = session(1, 5);
        let next = session(2, 9);
        let people: Vec<Value> = (0..100)
            .map(|i| {
                (if i % 2 == 0 { &one } else { &two }).created(
                    "/api/v1/customers",
                    &agent,
                    json!({"kind": "individual", "name": format!("患者{i}"),
                            "phones": [format!("137{i:08}")]}),
                )["id"]
                    .clone()
            })
            .collect();
        let answers: Vec<(u16, Value)> = std::thread::scope(|sc| {
            let handles: Vec<_> = people
                .iter()
                .enumerate()
                .map(|(i, who)| {
                    let server = if i % 2 == 0 { &one } else { &two };
                    let (agent, target) = (&agent, &target);
                    sc.spawn(move || {
                        server.json(
                            "POST",
                            "/api/v1/appointments",
                            Some(agent),
                            Some(json!({"customer_id": who, "session_id": target,
                                        "kind": "expert_consultation"})),
                        )
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let booked = answers.iter().filter(|(s, _)| *s == 201).count();
        assert_eq!(
            booked,
            5,
            "{backend}: {:?}",
            answers.iter().map(|a| a.0).collect::<Vec<_>>()
        );
        for (status, body) in answers.iter().filter(|(s, _)| *s != 201) {
            assert_eq!(*status, 409, "{body}");
            assert_eq!(body["type"], "/problems/session_full", "{body}");
            assert_eq!(body["free_sessions"][0]["session_id"], next, "{body}");
        }
        let (status, s) = one.json(
            "GET",
            &format!("/api/v1/clinic-sessions/{}", target.as_str().unwrap()),
            Some(&agent),
            None,
        );
        assert_eq!(status, 200);
        assert_eq!(
            (s["booked"].as_i64(), s["free"].as_i64()),
            (Some(5), Some(0)),
            "{s}"
        );
    }
}
