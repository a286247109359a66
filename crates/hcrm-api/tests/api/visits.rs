//! 就诊与消费 (SVC-4) and the domain events (INT-2) through the API on both backends: a visit
//! recorded, read, listed with every filter and changed under its version; bad input refused
//! with nothing written; scoping and permissions on every read; the customer's summary and
//! timeline; the events raised once per visit and kind however often a visit is saved, the
//! admission-assistance task; 40 parallel saves of one external id over two servers → one
//! visit and one event per kind; a merge moves the visits.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use chrono::{Duration, Utc};
use common::world::{At, Clinic, Doctor, TwoInstitutions};
use common::{Srv, each_backend};
use serde_json::{Value, json};
use uuid::Uuid;

const STAFF: &[(&str, &str, At)] = &[
    ("agent.a", "agent", At::A),
    ("sup.a", "supervisor", At::A),
    ("dir.a", "director", At::A),
    ("agent.b", "agent", At::B),
];

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

fn customer(srv: &Srv, token: &str, name: &str, phone: &str) -> String {
    s(&srv
        .post(
            "/api/v1/customers",
            token,
            json!({"kind": "individual", "name": name, "phones": [phone]}),
        )
        .ok(201)["id"])
}

fn ago(days: i64) -> String {
    (Utc::now() - Duration::days(days)).to_rfc3339()
}

fn total(srv: &Srv, token: &str, query: &str) -> i64 {
    srv.get(&format!("/api/v1/visits?{query}"), token).ok(200)["total"]
        .as_i64()
        .unwrap()
}

/// The kinds of the events raised about a visit, in order.
fn event_kinds(srv: &Srv, visit: &str) -> Vec<String> {
    let mut conn = srv.db.pool().get().unwrap();
    hcrm_db::events::of_subject(&mut conn, "visit", Uuid::parse_str(visit).unwrap())
        .unwrap()
        .into_iter()
        .map(|e| e.kind.code().to_string())
        .collect()
}

fn visit_tasks(srv: &Srv, token: &str, visit: &str) -> Vec<Value> {
    srv.get(
        &format!("/api/v1/tasks?source_type=visit&source_id={visit}"),
        token,
    )
    .ok(200)["items"]
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn visits_are_recorded_listed_changed_scoped_and_summed() {
    each_backend(|srv| {
        let w = TwoInstitutions::new(srv, STAFF);
        let (agent, agent_b) = (w.token("agent.a"), w.token("agent.b"));
        let wang = customer(srv, &agent, "王秀英", "13800138001");
        let li_b = customer(srv, &agent_b, "李四", "13900139001");
        let Clinic {
            department: dept,
            doctor,
        } = w.department_with_doctor(srv, At::A, Doctor::default());
        let dept_b = w.department(srv, At::B, "骨科");

        // A first outpatient visit: the sequence is worked out, the arrears computed.
        let first = srv
            .post(
                "/api/v1/visits",
                &agent,
                json!({"customer_id": wang, "kind": "outpatient", "visited_at": ago(30),
                       "department_id": dept["id"], "doctor_id": doctor["id"],
                       "diagnosis_category": "心血管疾病", "amount_fen": 50000,
                       "insurance_fen": 20000, "paid_fen": 25000}),
            )
            .ok(201)
            .clone();
        assert_eq!(first["sequence"], "first");
        assert_eq!(first["arrears_fen"], 5000);
        assert_eq!(first["institution_id"], w.inst_a["id"]);
        assert_eq!(first["version"], 1);
        let second = srv
            .post(
                "/api/v1/visits",
                &agent,
                json!({"customer_id": wang, "kind": "checkup", "visited_at": ago(3),
                       "amount_fen": 120000, "paid_fen": 120000, "external_id": "TJ-0001"}),
            )
            .ok(201)
            .clone();
        assert_eq!(second["sequence"], "return");
        assert_eq!(second["arrears_fen"], 0);

        // Bad input: 422 naming the field, nothing written.
        let bad = [
            (
                json!({"customer_id": wang, "kind": "outpatient", "visited_at": ago(1),
                    "amount_fen": 100, "paid_fen": 80, "insurance_fen": 30}),
                "paid_fen",
            ),
            (
                json!({"customer_id": wang, "kind": "outpatient", "visited_at": ago(2),
                    "ended_at": ago(1), "amount_fen": 100}),
                "ended_at",
            ),
            (
                json!({"customer_id": wang, "kind": "inpatient", "visited_at": ago(2),
                    "ended_at": ago(3), "amount_fen": 100}),
                "ended_at",
            ),
            (
                json!({"customer_id": wang, "kind": "surgery", "visited_at": ago(-1),
                    "amount_fen": 100}),
                "visited_at",
            ),
            (
                json!({"customer_id": wang, "kind": "outpatient", "visited_at": ago(1),
                    "amount_fen": -1}),
                "amount_fen",
            ),
            (
                json!({"customer_id": wang, "kind": "outpatient", "visited_at": ago(1),
                    "amount_fen": 10_000_000_001_i64}),
                "amount_fen",
            ),
            (
                json!({"customer_id": wang, "kind": "outpatient", "visited_at": ago(1),
                    "amount_fen": 1, "department_id": dept_b["id"]}),
                "department_id",
            ),
            (
                json!({"customer_id": wang, "kind": "outpatient", "visited_at": ago(1),
                    "amount_fen": 1, "doctor_id": Uuid::now_v7()}),
                "doctor_id",
            ),
            (
                json!({"customer_id": li_b, "kind": "outpatient", "visited_at": ago(1),
                    "amount_fen": 1}),
                "customer_id",
            ),
            (
                json!({"customer_id": wang, "kind": "outpatient", "visited_at": ago(1),
                    "amount_fen": 1, "diagnosis_category": "a\u{202e}b"}),
                "diagnosis_category",
            ),
            (
                json!({"customer_id": wang, "kind": "outpatient", "visited_at": ago(1),
                    "amount_fen": 1, "external_id": "  "}),
                "external_id",
            ),
        ];
        for (body, field) in bad {
            let r = srv.post("/api/v1/visits", &agent, body.clone());
            r.problem(422, "validation");
            assert_eq!(r.field_errors(), [field], "{body}");
        }
        let r = srv.post(
            "/api/v1/visits",
            &agent,
            json!({"customer_id": wang, "kind": "spa", "visited_at": ago(1), "amount_fen": 1}),
        );
        assert_eq!(r.status, 422, "{}", r.body);
        assert_eq!(total(srv, &agent, ""), 2);

        // The HIS's id names one visit per institution: a second is 409; another institution
        // may use the same id.
        let dup = srv.post(
            "/api/v1/visits",
            &agent,
            json!({"customer_id": wang, "kind": "outpatient", "visited_at": ago(1),
                   "amount_fen": 1, "external_id": "TJ-0001"}),
        );
        dup.problem(409, "duplicate");
        assert_eq!(dup.field_errors(), ["external_id"]);
        srv.post(
            "/api/v1/visits",
            &agent_b,
            json!({"customer_id": li_b, "kind": "outpatient", "visited_at": ago(1),
                   "amount_fen": 1, "external_id": "TJ-0001"}),
        )
        .ok(201);
        assert_eq!(total(srv, &agent, ""), 2);

        // Reads: the visit's institution only; admin (the organisation, not customers) 403.
        let id = s(&first["id"]);
        let got = srv.get(&format!("/api/v1/visits/{id}"), &agent);
        assert_eq!(got.ok(200)["amount_fen"], 50000);
        assert_eq!(got.header("ETag"), Some("\"1\""));
        srv.get(&format!("/api/v1/visits/{id}"), &agent_b)
            .problem(404, "not_found");
        srv.get(&format!("/api/v1/visits/{}", Uuid::now_v7()), &agent)
            .problem(404, "not_found");
        srv.get(&format!("/api/v1/visits/{id}"), &w.admin)
            .problem(403, "forbidden");
        srv.get("/api/v1/visits", &w.admin)
            .problem(403, "forbidden");
        srv.post(
            "/api/v1/visits",
            &w.admin,
            json!({"customer_id": wang, "kind": "outpatient", "visited_at": ago(1), "amount_fen": 1}),
        )
        .problem(403, "forbidden");
        assert_eq!(total(srv, &agent_b, ""), 1);
        assert_eq!(total(srv, &agent_b, &format!("customer_id={wang}")), 0);

        // Filters.
        assert_eq!(total(srv, &agent, &format!("customer_id={wang}")), 2);
        assert_eq!(total(srv, &agent, "kind=checkup"), 1);
        assert_eq!(
            total(srv, &agent, &format!("department_id={}", s(&dept["id"]))),
            1
        );
        assert_eq!(
            total(srv, &agent, &format!("doctor_id={}", s(&doctor["id"]))),
            1
        );
        assert_eq!(total(srv, &agent, "external_id=TJ-0001"), 1);
        let day = |days: i64| {
            hcrm_domain::time::date_in(Utc::now() - Duration::days(days), "Asia/Shanghai")
        };
        assert_eq!(total(srv, &agent, &format!("from={}", day(10))), 1);
        assert_eq!(total(srv, &agent, &format!("to={}", day(10))), 1);
        assert_eq!(
            total(srv, &agent, &format!("from={}&to={}", day(30), day(3))),
            2
        );
        let newest = srv.get("/api/v1/visits", &agent).ok(200).clone();
        assert_eq!(newest["items"][0]["id"], second["id"]);
        let oldest = srv
            .get("/api/v1/visits?sort=visited_at", &agent)
            .ok(200)
            .clone();
        assert_eq!(oldest["items"][0]["id"], first["id"]);
        srv.get("/api/v1/visits?sort=amount", &agent)
            .problem(422, "validation");
        srv.get(
            &format!("/api/v1/visits?from={}&to={}", day(1), day(5)),
            &agent,
        )
        .problem(422, "validation");
        srv.get("/api/v1/visits?colour=red", &agent)
            .problem(400, "invalid_query");

        // Changes under the version read: 428 without, 412 stale, the cross-field rules on
        // the result.
        let path = format!("/api/v1/visits/{id}");
        srv.call(
            "PATCH",
            &path,
            Some(&agent),
            Some(&json!({"paid_fen": 30000})),
        )
        .problem(428, "precondition_required");
        srv.patch(&path, &agent, 7, json!({"paid_fen": 30000}))
            .problem(412, "stale");
        let r = srv.patch(&path, &agent, 1, json!({"paid_fen": 30001}));
        r.problem(422, "validation");
        assert_eq!(r.field_errors(), ["paid_fen"]);
        srv.patch(&path, &agent, 1, json!({"department_id": dept_b["id"]}))
            .problem(422, "validation");
        srv.patch(&path, &agent, 1, json!({"external_id": "TJ-0001"}))
            .problem(409, "duplicate");
        srv.patch(&path, &agent_b, 1, json!({"paid_fen": 30000}))
            .problem(404, "not_found");
        let changed = srv
            .patch(&path, &agent, 1, json!({"paid_fen": 30000, "note": "补交"}))
            .ok(200)
            .clone();
        assert_eq!(changed["arrears_fen"], 0);
        assert_eq!(changed["version"], 2);
        assert_eq!(changed["department_id"], dept["id"]);

        // The summary for the 360 page: only what the caller reaches.
        let sum = srv
            .get(&format!("/api/v1/customers/{wang}/visit-summary"), &agent)
            .ok(200)
            .clone();
        assert_eq!(sum["visits"], 2);
        assert_eq!(sum["return_visits"], 1);
        assert_eq!(sum["amount_fen"], 170000);
        assert_eq!(sum["insurance_fen"], 20000);
        assert_eq!(sum["paid_fen"], 150000);
        assert_eq!(sum["arrears_fen"], 0);
        assert_eq!(sum["last_visit_kind"], "checkup");
        assert_eq!(sum["inpatient_stays"], 0);
        let (first_at, last_at) = (
            sum["first_visit_at"].as_str().unwrap_or_default(),
            sum["last_visit_at"].as_str().unwrap_or_default(),
        );
        assert!(!first_at.is_empty() && first_at < last_at, "{sum}");
        srv.get(&format!("/api/v1/customers/{wang}/visit-summary"), &agent_b)
            .problem(404, "not_found");
        srv.get(&format!("/api/v1/customers/{wang}/visit-summary"), &w.admin)
            .problem(403, "forbidden");
        let of_b = srv
            .get(&format!("/api/v1/customers/{li_b}/visit-summary"), &agent_b)
            .ok(200)
            .clone();
        assert_eq!(of_b["visits"], 1);

        // On the timeline, and in the audit trail.
        let timeline = srv
            .get(&format!("/api/v1/customers/{wang}/timeline"), &agent)
            .ok(200)
            .clone();
        let visits: Vec<&Value> = timeline["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "visit")
            .collect();
        assert_eq!(visits.len(), 2, "{timeline}");
        assert_eq!(visits[1]["visit_kind"], "outpatient");
        assert_eq!(visits[1]["subject"], "心血管疾病");
        assert_eq!(visits[1]["amount_fen"], 50000);
        let audit = srv
            .get(
                &format!("/api/v1/audit-events?entity_type=visit&entity_id={id}"),
                &w.token("dir.a"),
            )
            .ok(200)
            .clone();
        let actions: Vec<&str> = audit["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert_eq!(actions.len(), 2, "{audit}");
        assert!(
            actions.contains(&"create") && actions.contains(&"update"),
            "{actions:?}"
        );
    });
}

#[test]
fn events_happen_once_per_visit_and_kind_and_an_admission_makes_its_task() {
    each_backend(|srv| {
        let w = TwoInstitutions::new(srv, STAFF);
        let agent = w.token("agent.a");
        let sup = w.token("sup.a");
        let wang = customer(srv, &agent, "王秀英", "13800138001");

        // An admission: recorded and admitted; the admission-assistance task in the service
        // team's queue, linked to the visit.
        let stay = srv
            .post(
                "/api/v1/visits",
                &agent,
                json!({"customer_id": wang, "kind": "inpatient", "visited_at": ago(5),
                       "amount_fen": 800000, "insurance_fen": 500000, "external_id": "ZY-1"}),
            )
            .ok(201)
            .clone();
        let id = s(&stay["id"]);
        assert_eq!(event_kinds(srv, &id), ["visit_recorded", "visit_admitted"]);
        // The 360 page's summary counts the stay (one statement, PERF-2).
        let sum = srv
            .get(&format!("/api/v1/customers/{wang}/visit-summary"), &agent)
            .ok(200)
            .clone();
        assert_eq!(
            (
                &sum["visits"],
                &sum["inpatient_stays"],
                &sum["return_visits"],
                &sum["arrears_fen"],
                &sum["last_visit_kind"],
            ),
            (
                &json!(1),
                &json!(1),
                &json!(0),
                &json!(300000),
                &json!("inpatient")
            ),
            "{sum}"
        );
        let tasks = visit_tasks(srv, &sup, &id);
        assert_eq!(tasks.len(), 1, "{tasks:?}");
        assert_eq!(tasks[0]["kind"], "in_visit");
        assert_eq!(tasks[0]["team"], "service");
        let service = srv
            .get(
                &format!("/api/v1/in-visit-services/{}", s(&tasks[0]["id"])),
                &sup,
            )
            .ok(200)
            .clone();
        assert_eq!(service["detail"]["service"], "admission", "{service}");
        assert_eq!(tasks[0]["customer_id"], wang);
        assert!(s(&tasks[0]["title"]).contains("王秀英"));

        // Saved again: nothing new. The discharge: once, however often it is saved after.
        let path = format!("/api/v1/visits/{id}");
        srv.patch(&path, &agent, 1, json!({"paid_fen": 100000}))
            .ok(200);
        assert_eq!(event_kinds(srv, &id), ["visit_recorded", "visit_admitted"]);
        srv.patch(&path, &agent, 2, json!({"ended_at": ago(1)}))
            .ok(200);
        srv.patch(&path, &agent, 3, json!({"amount_fen": 900000}))
            .ok(200);
        srv.patch(&path, &agent, 4, json!({"ended_at": null}))
            .ok(200);
        srv.patch(&path, &agent, 5, json!({"ended_at": ago(0)}))
            .ok(200);
        assert_eq!(
            event_kinds(srv, &id),
            ["visit_recorded", "visit_admitted", "visit_discharged"]
        );
        assert_eq!(visit_tasks(srv, &sup, &id).len(), 1);

        // A surgery; a course recorded with its end; a check-up: recorded only.
        let surgery = srv
            .post(
                "/api/v1/visits",
                &agent,
                json!({"customer_id": wang, "kind": "surgery", "visited_at": ago(4), "amount_fen": 1}),
            )
            .ok(201)
            .clone();
        assert_eq!(
            event_kinds(srv, &s(&surgery["id"])),
            ["visit_recorded", "visit_surgery"]
        );
        let course = srv
            .post(
                "/api/v1/visits",
                &agent,
                json!({"customer_id": wang, "kind": "treatment_course", "visited_at": ago(40),
                       "ended_at": ago(2), "amount_fen": 1}),
            )
            .ok(201)
            .clone();
        assert_eq!(
            event_kinds(srv, &s(&course["id"])),
            ["visit_recorded", "visit_course_ended"]
        );
        let check = srv
            .post(
                "/api/v1/visits",
                &agent,
                json!({"customer_id": wang, "kind": "checkup", "visited_at": ago(4), "amount_fen": 1}),
            )
            .ok(201)
            .clone();
        assert_eq!(event_kinds(srv, &s(&check["id"])), ["visit_recorded"]);
        assert!(visit_tasks(srv, &sup, &s(&surgery["id"])).is_empty());

        // A refused write raises nothing: the events roll back with it.
        let mut conn = srv.db.pool().get().unwrap();
        let before = hcrm_db::events::after(&mut conn, 0, 1000).unwrap().len();
        srv.post(
            "/api/v1/visits",
            &agent,
            json!({"customer_id": wang, "kind": "inpatient", "visited_at": ago(1),
                   "amount_fen": 1, "external_id": "ZY-1"}),
        )
        .problem(409, "duplicate");
        assert_eq!(
            hcrm_db::events::after(&mut conn, 0, 1000).unwrap().len(),
            before
        );
        // Events carry the visit as it was and the customer; in order by `seq`.
        let all = hcrm_db::events::after(&mut conn, 0, 1000).unwrap();
        assert!(all.windows(2).all(|p| p[0].seq < p[1].seq));
        assert_eq!(all[0].payload["external_id"], "ZY-1");
        assert_eq!(
            all[0].customer_id.map(|c| c.to_string()),
            Some(wang.clone())
        );
    });
}

#[test]
fn forty_parallel_saves_of_one_external_id_make_one_visit_and_one_event_per_kind() {
    each_backend(|srv| {
        let w = TwoInstitutions::new(srv, STAFF);
        let agent = w.token("agent.a");
        let wang = customer(srv, &agent, "王秀英", "13800138001");
        let twin = srv.twin(hcrm_api::Settings::default());
        let body = json!({"customer_id": wang, "kind": "inpatient", "visited_at": ago(3),
                          "ended_at": ago(1), "amount_fen": 600000, "external_id": "ZY-RACE"});
        let statuses: Vec<u16> = std::thread::scope(|sc| {
            let handles: Vec<_> = (0..40)
                .map(|i| {
                    let (server, agent, body) =
                        (if i % 2 == 0 { srv } else { &twin }, &agent, &body);
                    sc.spawn(move || server.post("/api/v1/visits", agent, body.clone()).status)
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let created = statuses.iter().filter(|&&s| s == 201).count();
        let refused = statuses.iter().filter(|&&s| s == 409).count();
        assert_eq!((created, refused), (1, 39), "{statuses:?}");
        let list = srv
            .get("/api/v1/visits?external_id=ZY-RACE", &agent)
            .ok(200)
            .clone();
        assert_eq!(list["total"], 1);
        let id = s(&list["items"][0]["id"]);
        assert_eq!(
            event_kinds(srv, &id),
            ["visit_recorded", "visit_admitted", "visit_discharged"]
        );
        let mut conn = srv.db.pool().get().unwrap();
        assert_eq!(hcrm_db::events::after(&mut conn, 0, 1000).unwrap().len(), 3);
        assert_eq!(visit_tasks(srv, &w.token("sup.a"), &id).len(), 1);

        // Forty parallel saves of the visit itself (a discharge entered twice, a HIS replay):
        // one wins each version, the events stay one per kind.
        let version = list["items"][0]["version"].as_i64().unwrap();
        let path = format!("/api/v1/visits/{id}");
        let statuses: Vec<u16> = std::thread::scope(|sc| {
            let handles: Vec<_> = (0..40)
                .map(|i| {
                    let (server, agent, path) =
                        (if i % 2 == 0 { srv } else { &twin }, &agent, &path);
                    sc.spawn(move || {
                        server
                            .patch(path, agent, version, json!({"ended_at": ago(0)}))
                            .status
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(
            statuses.iter().filter(|&&s| s == 200).count(),
            1,
            "{statuses:?}"
        );
        assert!(
            statuses.iter().all(|&s| s == 200 || s == 412),
            "{statuses:?}"
        );
        assert_eq!(hcrm_db::events::after(&mut conn, 0, 1000).unwrap().len(), 3);
    });
}

#[test]
fn a_merge_moves_the_visits_and_the_summary_follows() {
    each_backend(|srv| {
        let w = TwoInstitutions::new(srv, STAFF);
        let (agent, sup) = (w.token("agent.a"), w.token("sup.a"));
        let kept = customer(srv, &agent, "王秀英", "13800138001");
        let dup = s(&srv
            .call(
                "POST",
                "/api/v1/customers?confirm_duplicate=true",
                Some(&agent),
                Some(&json!({"kind": "individual", "name": "王秀英", "phones": ["13800138002"]})),
            )
            .ok(201)["id"]);
        for (who, amount) in [(&kept, 1000), (&dup, 2000), (&dup, 3000)] {
            srv.post(
                "/api/v1/visits",
                &agent,
                json!({"customer_id": who, "kind": "outpatient", "visited_at": ago(2), "amount_fen": amount}),
            )
            .ok(201);
        }
        srv.merge(&kept, &sup, json!({"from_id": dup})).ok(200);
        let sum = srv
            .get(&format!("/api/v1/customers/{kept}/visit-summary"), &agent)
            .ok(200)
            .clone();
        assert_eq!(sum["visits"], 3);
        assert_eq!(sum["amount_fen"], 6000);
        assert_eq!(total(srv, &agent, &format!("customer_id={dup}")), 0);
    });
}

/// SVC-5: consultations → appointments → arrivals → spending, by channel and agent, as JSON
/// and CSV in both languages; scoped; bad parameters refused.
#[test]
fn the_funnel_follows_consultations_to_appointments_arrivals_and_spending() {
    each_backend(|srv| {
        let w = TwoInstitutions::new(srv, STAFF);
        let (agent, sup, agent_b) = (w.token("agent.a"), w.token("sup.a"), w.token("agent.b"));
        let Clinic {
            department: dept,
            doctor,
        } = w.department_with_doctor(srv, At::A, Doctor::default());
        let today = hcrm_domain::time::today_at_home();
        let session = srv
            .post(
                "/api/v1/clinic-sessions",
                &sup,
                json!({"doctor_id": doctor["id"], "date": today, "half_day": "evening", "capacity": 10}),
            )
            .ok(201)
            .clone();
        let consult = |who: &str, channel: &str| {
            srv.post(
                "/api/v1/consultations",
                &agent,
                json!({"channel": channel, "customer_id": who, "question": "心内科哪天有专家？",
                       "department_id": dept["id"]}),
            )
            .ok(201);
        };
        let book = |who: &str| {
            srv.post(
                "/api/v1/appointments",
                &agent,
                json!({"customer_id": who, "session_id": session["id"], "kind": "expert_consultation"}),
            )
            .ok(201)
            .clone()
        };
        let wang = customer(srv, &agent, "王秀英", "13800138001");
        let li = customer(srv, &agent, "李四", "13800138002");
        let zhao = customer(srv, &agent, "赵六", "13800138003");
        consult(&wang, "hotline");
        consult(&li, "wechat");
        consult(&zhao, "hotline");
        let booked = book(&wang);
        book(&zhao);
        srv.post(
            &format!("/api/v1/appointments/{}/transitions", s(&booked["id"])),
            &agent,
            json!({"action": "arrive", "version": booked["version"]}),
        )
        .ok(200);
        srv.post(
            "/api/v1/visits",
            &agent,
            json!({"customer_id": wang, "kind": "outpatient", "visited_at": Utc::now().to_rfc3339(),
                   "amount_fen": 50000, "department_id": dept["id"]}),
        )
        .ok(201);

        let f = srv.get("/api/v1/funnel", &agent).ok(200).clone();
        let t = &f["total"];
        assert_eq!(
            [
                &t["consultations"],
                &t["appointments"],
                &t["arrivals"],
                &t["spenders"]
            ],
            [3, 2, 1, 1],
            "{f}"
        );
        assert_eq!(t["amount_fen"], 50000);
        assert_eq!(t["first_visits"], 1);
        let rows: Vec<(String, i64, i64)> = f["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    s(&r["key"]),
                    r["consultations"].as_i64().unwrap(),
                    r["appointments"].as_i64().unwrap(),
                )
            })
            .collect();
        assert_eq!(rows, [("hotline".into(), 2, 2), ("wechat".into(), 1, 0)]);
        let by_agent = srv
            .get("/api/v1/funnel?group_by=agent", &agent)
            .ok(200)
            .clone();
        assert_eq!(by_agent["rows"][0]["key"], w.id("agent.a"));
        assert_eq!(by_agent["rows"][0]["name"], "agent.a");
        let by_dept = srv
            .get("/api/v1/funnel?group_by=department&window_days=1", &agent)
            .ok(200)
            .clone();
        assert_eq!(by_dept["rows"][0]["name"], "心内科");
        assert_eq!(by_dept["window_days"], 1);

        // CSV in both languages; scoped; refused parameters.
        let zh = srv.get("/api/v1/funnel?format=csv", &agent);
        assert_eq!(zh.status, 200);
        assert!(
            zh.content_type.starts_with("text/csv"),
            "{}",
            zh.content_type
        );
        let text = String::from_utf8_lossy(&zh.bytes).to_string();
        assert!(
            text.contains("咨询") && text.contains("热线") && text.contains("合计"),
            "{text}"
        );
        let en = srv.get("/api/v1/funnel?format=csv&lang=en", &agent);
        let text = String::from_utf8_lossy(&en.bytes).to_string();
        assert!(
            text.contains("Consultations") && text.contains("Total"),
            "{text}"
        );
        assert!(text.contains("500.00"), "{text}");
        let other = srv.get("/api/v1/funnel", &agent_b).ok(200).clone();
        assert_eq!(other["total"]["consultations"], 0);
        srv.get("/api/v1/funnel", &w.admin)
            .problem(403, "forbidden");
        for bad in [
            "window_days=0",
            "window_days=181",
            "from=2026-12-05&to=2026-12-01",
            "from=2024-01-01&to=2026-01-01",
            "format=xml",
            "lang=fr",
        ] {
            srv.get(&format!("/api/v1/funnel?{bad}"), &agent)
                .problem(422, "validation");
        }
        srv.get("/api/v1/funnel?group_by=year", &agent)
            .problem(400, "invalid_query");
    });
}
