//! 预约 (ORG-2, SVC-2, SVC-2a) through the API on both backends: the directory for every
//! service role; sessions made from the weekly schedules and searched; booking, rescheduling,
//! cancelling, arrival and no-show with versions and the timeline; 100 concurrent requests
//! for the last 5 places of a session (over two servers) → exactly 5 bookings; one customer
//! racing for two bookings of one session → one; a leave moving the bookings to the
//! rebooking queue with tasks; the waitlist offered a freed place once; the day-before
//! reminder once with several runners; scoping and permissions on every read path.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use chrono::{Days, NaiveDate};
use common::world::{At, Doctor, TwoInstitutions};
use common::{Res, Srv, each_backend};
use serde_json::{Value, json};

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

const STAFF: &[(&str, &str, At)] = &[
    ("agent.a", "agent", At::A),
    ("fup.a", "follow_up_agent", At::A),
    ("am.a", "account_manager", At::A),
    ("sup.a", "supervisor", At::A),
    ("dir.a", "director", At::A),
    ("med.a", "medical_affairs", At::A),
    ("pres.a", "president", At::A),
    ("exe.a", "executive", At::A),
    ("agent.b", "agent", At::B),
];

fn today() -> NaiveDate {
    hcrm_domain::time::today_in("Asia/Shanghai")
}

fn day(n: u64) -> NaiveDate {
    today().checked_add_days(Days::new(n)).unwrap()
}

/// The scene: institution A with 心内科 and 李建国 (weekly: every morning, 3 places).
struct Scene {
    w: TwoInstitutions,
    department: String,
    doctor: String,
}

fn scene(srv: &Srv) -> Scene {
    let w = TwoInstitutions::new(srv, STAFF);
    let schedule: Vec<Value> = (1..=7)
        .map(|d| json!({"weekday": d, "half_day": "morning", "capacity": 3}))
        .collect();
    let clinic = w.department_with_doctor(
        srv,
        At::A,
        Doctor {
            department_phone: Some("010-65432101"),
            specialties: &["冠心病", "高血压"],
            schedule: Value::Array(schedule),
            ..Doctor::default()
        },
    );
    Scene {
        department: clinic.department_id(),
        doctor: clinic.doctor_id(),
        w,
    }
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

fn organization(srv: &Srv, token: &str, name: &str) -> String {
    s(&srv
        .post(
            "/api/v1/customers",
            token,
            json!({"kind": "organization", "name": name, "phones": ["13910001000"]}),
        )
        .ok(201)["id"])
}

/// An extra session of the scene's doctor (the supervisor makes it).
fn extra(srv: &Srv, sc: &Scene, date: NaiveDate, half_day: &str, capacity: i32) -> String {
    s(&srv
        .post(
            "/api/v1/clinic-sessions",
            &sc.w.token("sup.a"),
            json!({"doctor_id": sc.doctor, "date": date, "half_day": half_day, "capacity": capacity}),
        )
        .ok(201)["id"])
}

fn book(srv: &Srv, token: &str, customer: &str, session: &str) -> Res {
    srv.post(
        "/api/v1/appointments",
        token,
        json!({"customer_id": customer, "session_id": session, "kind": "expert_consultation"}),
    )
}

fn mv(srv: &Srv, token: &str, id: &str, mut body: Value) -> Res {
    if body.get("version").is_none() {
        body["version"] =
            srv.get(&format!("/api/v1/appointments/{id}"), token).body["version"].clone();
    }
    srv.post(
        &format!("/api/v1/appointments/{id}/transitions"),
        token,
        body,
    )
}

fn session(srv: &Srv, token: &str, id: &str) -> Value {
    srv.get(&format!("/api/v1/clinic-sessions/{id}"), token)
        .ok(200)
        .clone()
}

#[test]
fn every_service_role_reads_the_directory_and_writes_stay_with_admin() {
    each_backend(|srv| {
        let sc = scene(srv);
        let session = extra(srv, &sc, today(), "afternoon", 4);
        for who in [
            "agent.a", "fup.a", "am.a", "sup.a", "dir.a", "med.a", "pres.a", "exe.a",
        ] {
            let t = sc.w.token(who);
            let d = srv.get("/api/v1/directory", &t).ok(200).clone();
            let deps = d["departments"].as_array().unwrap();
            assert_eq!(deps.len(), 1, "{who}: {d}");
            let doc = &deps[0]["doctors"][0];
            assert_eq!(doc["name"], "李建国", "{who}");
            assert_eq!(doc["title"], "主任医师");
            assert_eq!(doc["specialties"], json!(["冠心病", "高血压"]));
            assert_eq!(doc["schedule"].as_array().unwrap().len(), 7);
            assert!(doc["free_this_week"].as_i64().unwrap() >= 4, "{who}: {doc}");
            // The doctors themselves too: "周二哪位心内科专家出诊?" is no longer a 403.
            srv.get(&format!("/api/v1/doctors/{}", sc.doctor), &t)
                .ok(200);
            srv.get("/api/v1/doctors", &t).ok(200);
        }
        // A search narrows it; another institution's agent sees none of it.
        let d = srv
            .get("/api/v1/directory?q=高血压", &sc.w.token("agent.a"))
            .ok(200)
            .clone();
        assert_eq!(d["departments"].as_array().unwrap().len(), 1);
        let d = srv
            .get("/api/v1/directory?q=骨科", &sc.w.token("agent.a"))
            .ok(200)
            .clone();
        assert!(d["departments"].as_array().unwrap().is_empty());
        let other = srv
            .get("/api/v1/directory", &sc.w.token("agent.b"))
            .ok(200)
            .clone();
        assert!(
            other["departments"].as_array().unwrap().is_empty(),
            "{other}"
        );
        srv.get(
            &format!("/api/v1/doctors/{}", sc.doctor),
            &sc.w.token("agent.b"),
        )
        .problem(404, "not_found");
        srv.get(
            &format!("/api/v1/clinic-sessions/{session}"),
            &sc.w.token("agent.b"),
        )
        .problem(404, "not_found");
        // Writes stay where they were: doctors and resources with admin, sessions with the
        // supervisor, director and admin.
        let agent = sc.w.token("agent.a");
        srv.post(
            "/api/v1/doctors",
            &agent,
            json!({"department_id": sc.department, "name": "张三", "title": "医师"}),
        )
        .problem(403, "forbidden");
        srv.post(
            "/api/v1/clinic-sessions",
            &agent,
            json!({"doctor_id": sc.doctor, "date": day(3), "half_day": "evening", "capacity": 2}),
        )
        .problem(403, "forbidden");
        srv.post(
            "/api/v1/clinic-resources",
            &sc.w.token("sup.a"),
            json!({"department_id": sc.department, "name": "彩超室", "kind": "ultrasound"}),
        )
        .problem(403, "forbidden");
        let res = srv
            .post(
                "/api/v1/clinic-resources",
                &sc.w.admin,
                json!({"department_id": sc.department, "name": "彩超室", "kind": "ultrasound",
                       "schedule": [{"weekday": 1, "half_day": "afternoon", "capacity": 20}]}),
            )
            .ok(201)
            .clone();
        let d = srv.get("/api/v1/directory", &agent).ok(200).clone();
        assert_eq!(d["departments"][0]["resources"][0]["name"], "彩超室");
        srv.get(
            &format!("/api/v1/clinic-resources/{}", s(&res["id"])),
            &sc.w.token("agent.b"),
        )
        .problem(404, "not_found");
        srv.get("/api/v1/directory", "not-a-token")
            .problem(401, "unauthorized");
    });
}

#[test]
fn sessions_come_from_the_weekly_schedule_and_are_searched_by_free_places() {
    each_backend(|srv| {
        let sc = scene(srv);
        let sup = sc.w.token("sup.a");
        let agent = sc.w.token("agent.a");
        let made = srv
            .post(
                "/api/v1/clinic-sessions/generate",
                &sup,
                json!({"weeks": 2, "from": today()}),
            )
            .ok(200)
            .clone();
        assert_eq!(made["created"], 14, "{made}");
        // Again: nothing new, the sessions made stay.
        let again = srv
            .post(
                "/api/v1/clinic-sessions/generate",
                &sup,
                json!({"weeks": 2, "from": today()}),
            )
            .ok(200)
            .clone();
        assert_eq!(again["created"], 0);
        srv.post(
            "/api/v1/clinic-sessions/generate",
            &agent,
            json!({"weeks": 1}),
        )
        .problem(403, "forbidden");
        srv.post(
            "/api/v1/clinic-sessions/generate",
            &sup,
            json!({"weeks": 13}),
        )
        .problem(422, "validation");
        let path = format!(
            "/api/v1/clinic-sessions?doctor_id={}&from={}&days=7",
            sc.doctor,
            today()
        );
        let page = srv.get(&path, &agent).ok(200).clone();
        assert_eq!(page["total"], 7, "{page}");
        let first = &page["items"][0];
        assert_eq!(first["date"], json!(today()));
        assert_eq!(first["half_day"], "morning");
        assert_eq!(first["free"], 3);
        assert_eq!(first["doctor_name"], "李建国");
        assert_eq!(first["department_name"], "心内科");
        // An extra afternoon comes after the morning of its day.
        extra(srv, &sc, today(), "afternoon", 2);
        let page = srv.get(&path, &agent).ok(200).clone();
        assert_eq!(page["total"], 8);
        assert_eq!(page["items"][1]["half_day"], "afternoon");
        assert_eq!(page["items"][1]["origin"], "extra");
        // Twice at one half-day is a conflict.
        srv.post(
            "/api/v1/clinic-sessions",
            &sup,
            json!({"doctor_id": sc.doctor, "date": today(), "half_day": "afternoon", "capacity": 2}),
        )
        .problem(409, "duplicate");
        // By department; free only hides the full ones.
        let by_dep = format!(
            "/api/v1/clinic-sessions?department_id={}&from={}&days=1",
            sc.department,
            today()
        );
        assert_eq!(srv.get(&by_dep, &agent).ok(200)["total"], 2);
        let only = s(&srv.get(&by_dep, &agent).ok(200)["items"][1]["id"]);
        let a = customer(srv, &agent, "王芳", "13800138001");
        let b = customer(srv, &agent, "李娜", "13800138002");
        book(srv, &agent, &a, &only).ok(201);
        book(srv, &agent, &b, &only).ok(201);
        assert_eq!(srv.get(&by_dep, &agent).ok(200)["total"], 1);
        assert_eq!(
            srv.get(&format!("{by_dep}&free_only=false"), &agent)
                .ok(200)["total"],
            2
        );
        // Bad windows are 422; another institution finds nothing.
        srv.get("/api/v1/clinic-sessions?days=0", &agent)
            .problem(422, "validation");
        srv.get("/api/v1/clinic-sessions?days=63", &agent)
            .problem(422, "validation");
        srv.get("/api/v1/clinic-sessions?bogus=1", &agent)
            .problem(400, "invalid_query");
        assert_eq!(srv.get(&path, &sc.w.token("agent.b")).ok(200)["total"], 0);
        srv.get("/api/v1/clinic-sessions", &sc.w.admin)
            .problem(403, "forbidden");
    });
}

#[test]
fn book_reschedule_cancel_arrive_and_no_show() {
    each_backend(|srv| {
        let sc = scene(srv);
        let agent = sc.w.token("agent.a");
        let s1 = extra(srv, &sc, day(1), "afternoon", 3);
        let s2 = extra(srv, &sc, day(2), "afternoon", 3);
        let now_s = extra(srv, &sc, today(), "evening", 30);
        let wang = customer(srv, &agent, "王芳", "13800138001");
        let li = customer(srv, &agent, "李娜", "13800138002");
        let org = organization(srv, &agent, "北京某科技有限公司");
        let ap = book(srv, &agent, &wang, &s1).ok(201).clone();
        assert_eq!(ap["status"], "booked");
        assert_eq!(ap["places"], 1);
        assert_eq!(ap["session"]["free"], 2);
        assert_eq!(ap["customer"]["name"], "王芳");
        assert_eq!(
            ap["allowed_actions"],
            json!(["reschedule", "cancel", "arrive", "no_show"])
        );
        let id = s(&ap["id"]);
        // Once per customer and session; a person books one place; the group many.
        book(srv, &agent, &wang, &s1).problem(409, "duplicate");
        let two = srv.post(
            "/api/v1/appointments",
            &agent,
            json!({"customer_id": li, "session_id": s1, "kind": "health_check", "places": 2}),
        );
        two.problem(422, "validation");
        assert_eq!(two.field_errors(), vec!["places"]);
        let group = srv
            .post(
                "/api/v1/appointments",
                &agent,
                json!({"customer_id": org, "session_id": now_s, "kind": "health_check", "places": 10}),
            )
            .ok(201)
            .clone();
        assert_eq!(session(srv, &agent, &now_s)["booked"], 10);
        // Unknown references and other institutions' records are 422, nothing written.
        let bad = book(srv, &agent, &wang, "0193a1d2-7c4e-7b10-8000-000000000099");
        bad.problem(422, "validation");
        assert_eq!(bad.field_errors(), vec!["session_id"]);
        let stranger = customer(srv, &sc.w.token("agent.b"), "外院患者", "13900139000");
        book(srv, &agent, &stranger, &s2).problem(422, "validation");
        book(srv, &sc.w.token("agent.b"), &stranger, &s2).problem(422, "validation");
        assert_eq!(session(srv, &agent, &s2)["booked"], 0);
        // Reschedule: the places move.
        let moved = mv(
            srv,
            &agent,
            &id,
            json!({"action": "reschedule", "session_id": s2}),
        )
        .ok(200)
        .clone();
        assert_eq!(moved["session"]["id"], json!(s2));
        assert_eq!(moved["version"], 2);
        assert_eq!(session(srv, &agent, &s1)["booked"], 0);
        assert_eq!(session(srv, &agent, &s2)["booked"], 1);
        mv(
            srv,
            &agent,
            &id,
            json!({"action": "reschedule", "session_id": s2}),
        )
        .problem(422, "validation");
        // Arrival is not before the day; a stale version and no version are refused.
        let early = mv(srv, &agent, &id, json!({"action": "arrive"}));
        early.problem(422, "validation");
        assert_eq!(early.body["errors"][0]["code"], "too_early");
        mv(
            srv,
            &agent,
            &id,
            json!({"action": "cancel", "reason": "出差", "version": 1}),
        )
        .problem(412, "stale");
        srv.post(
            &format!("/api/v1/appointments/{id}/transitions"),
            &agent,
            json!({"action": "cancel", "reason": "出差"}),
        )
        .problem(428, "precondition_required");
        mv(srv, &agent, &id, json!({"action": "cancel"})).problem(422, "validation");
        let cancelled = mv(
            srv,
            &agent,
            &id,
            json!({"action": "cancel", "reason": "患者出差"}),
        )
        .ok(200)
        .clone();
        assert_eq!(cancelled["status"], "cancelled");
        assert_eq!(cancelled["cancel_reason"], "患者出差");
        assert_eq!(session(srv, &agent, &s2)["booked"], 0);
        let again = mv(srv, &agent, &id, json!({"action": "arrive"}));
        again.problem(409, "invalid_transition");
        assert_eq!(again.body.get("allowed_actions"), None);
        // A cancelled booking frees the customer to book the session again.
        book(srv, &agent, &wang, &s2).ok(201);
        // Today: arrived, and a no-show corrected to arrived.
        let today_ap = s(&book(srv, &agent, &li, &now_s).ok(201)["id"]);
        let arrived = mv(srv, &agent, &today_ap, json!({"action": "arrive"}))
            .ok(200)
            .clone();
        assert_eq!(arrived["status"], "arrived");
        assert!(arrived["ended_at"].is_string());
        let group_id = s(&group["id"]);
        mv(srv, &agent, &group_id, json!({"action": "no_show"})).ok(200);
        let fixed = mv(srv, &agent, &group_id, json!({"action": "arrive"}))
            .ok(200)
            .clone();
        assert_eq!(fixed["status"], "arrived");
        // Today's arrivals, the list by status, and the timeline.
        let list = srv
            .get(
                &format!(
                    "/api/v1/appointments?from={}&to={}&status=arrived",
                    today(),
                    today()
                ),
                &agent,
            )
            .ok(200)
            .clone();
        assert_eq!(list["total"], 2, "{list}");
        let timeline = srv
            .get(&format!("/api/v1/customers/{wang}/timeline"), &agent)
            .ok(200)
            .clone();
        let kinds: Vec<String> = timeline["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| s(&e["kind"]))
            .collect();
        assert!(
            kinds.contains(&"appointment_booked".to_string()),
            "{kinds:?}"
        );
        assert!(
            kinds.contains(&"appointment_cancelled".to_string()),
            "{kinds:?}"
        );
        let entry = timeline["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["kind"] == "appointment_cancelled")
            .unwrap();
        assert_eq!(entry["subject"], "李建国");
        assert_eq!(entry["note"], "患者出差");
        // Audited.
        let audit = srv
            .get(
                &format!("/api/v1/audit-events?entity_type=appointment&entity_id={id}"),
                &sc.w.admin,
            )
            .ok(200)
            .clone();
        assert!(audit["total"].as_i64().unwrap() >= 3, "{audit}");
        // Scoping and permissions on every read path.
        let b = sc.w.token("agent.b");
        srv.get(&format!("/api/v1/appointments/{id}"), &b)
            .problem(404, "not_found");
        assert_eq!(srv.get("/api/v1/appointments", &b).ok(200)["total"], 0);
        mv(srv, &b, &id, json!({"action": "arrive", "version": 3})).problem(404, "not_found");
        srv.get(&format!("/api/v1/appointments/{id}"), &sc.w.admin)
            .problem(403, "forbidden");
        book(srv, &sc.w.token("fup.a"), &wang, &s1).problem(403, "forbidden");
        // A reader without service.write is offered no moves.
        let read = srv
            .get(&format!("/api/v1/appointments/{id}"), &sc.w.token("fup.a"))
            .ok(200)
            .clone();
        assert_eq!(read["allowed_actions"], json!([]));
        let fixed_again = srv
            .get(&format!("/api/v1/appointments/{group_id}"), &agent)
            .ok(200)
            .clone();
        assert_eq!(
            fixed_again["allowed_actions"],
            json!([]),
            "arrived is final"
        );
        let path = format!("/api/v1/appointments?status=booked&customer_id={wang}");
        let booked = srv.get(&path, &agent).ok(200).clone();
        assert_eq!(booked["items"][0]["allowed_actions"][0], "reschedule");
        let booked = srv.get(&path, &sc.w.token("fup.a")).ok(200).clone();
        assert_eq!(booked["items"][0]["allowed_actions"], json!([]));
    });
}

#[test]
fn a_hundred_concurrent_requests_for_the_last_five_places_book_exactly_five() {
    each_backend(|srv| {
        let sc = scene(srv);
        let agent = sc.w.token("agent.a");
        let target = extra(srv, &sc, day(1), "afternoon", 8);
        let next = extra(srv, &sc, day(2), "afternoon", 6);
        for i in 0..3 {
            let c = customer(srv, &agent, &format!("先约{i}"), &format!("1390000000{i}"));
            book(srv, &agent, &c, &target).ok(201);
        }
        let people: Vec<String> = (0..100)
            .map(|i| customer(srv, &agent, &format!("患者{i}"), &format!("137{i:08}")))
            .collect();
        let twin = srv.twin(hcrm_api::Settings::default());
        let answers: Vec<Res> = std::thread::scope(|sc2| {
            let handles: Vec<_> = people
                .iter()
                .enumerate()
                .map(|(i, who)| {
                    let (server, agent, target) =
                        (if i % 2 == 0 { srv } else { &twin }, &agent, &target);
                    sc2.spawn(move || book(server, agent, who, target))
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let booked = answers.iter().filter(|r| r.status == 201).count();
        assert_eq!(
            booked,
            5,
            "{:?}",
            answers.iter().map(|r| r.status).collect::<Vec<_>>()
        );
        for r in answers.iter().filter(|r| r.status != 201) {
            r.problem(409, "session_full");
            let free = r.body["free_sessions"].as_array().unwrap();
            assert_eq!(free[0]["session_id"], json!(next), "{}", r.body);
            assert_eq!(free[0]["free"], 6);
        }
        let s = session(srv, &agent, &target);
        assert_eq!(
            (s["booked"].as_i64(), s["free"].as_i64()),
            (Some(8), Some(0))
        );
        let listed = srv
            .get(&format!("/api/v1/appointments?session_id={target}"), &agent)
            .ok(200)["total"]
            .clone();
        assert_eq!(listed, 8);
    });
}

#[test]
fn one_customer_racing_for_one_session_holds_one_booking() {
    each_backend(|srv| {
        let sc = scene(srv);
        let agent = sc.w.token("agent.a");
        let target = extra(srv, &sc, day(1), "afternoon", 50);
        let wang = customer(srv, &agent, "王芳", "13800138001");
        let answers: Vec<Res> = std::thread::scope(|sc2| {
            let handles: Vec<_> = (0..20)
                .map(|_| {
                    let (agent, wang, target) = (&agent, &wang, &target);
                    sc2.spawn(move || book(srv, agent, wang, target))
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(answers.iter().filter(|r| r.status == 201).count(), 1);
        for r in answers.iter().filter(|r| r.status != 201) {
            r.problem(409, "duplicate");
        }
        assert_eq!(session(srv, &agent, &target)["booked"], 1);
    });
}

fn tasks(srv: &Srv, token: &str, source_type: &str) -> Vec<Value> {
    srv.get(&format!("/api/v1/tasks?source_type={source_type}"), token)
        .ok(200)["items"]
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn a_leave_moves_bookings_to_rebooking_and_a_freed_place_goes_to_the_waitlist_once() {
    each_backend(|srv| {
        let sc = scene(srv);
        let agent = sc.w.token("agent.a");
        let sup = sc.w.token("sup.a");
        let on_leave = extra(srv, &sc, day(3), "afternoon", 5);
        let full = extra(srv, &sc, day(4), "afternoon", 1);
        let wang = customer(srv, &agent, "王芳", "13800138001");
        let li = customer(srv, &agent, "李娜", "13800138002");
        let zhao = customer(srv, &agent, "赵敏", "13800138003");
        let a1 = s(&book(srv, &agent, &wang, &on_leave).ok(201)["id"]);
        book(srv, &agent, &li, &on_leave).ok(201);
        // The waitlist: 李娜 waits for the full session; 赵敏 after her.
        let taken = s(&book(srv, &agent, &zhao, &full).ok(201)["id"]);
        book(srv, &agent, &li, &full).problem(409, "session_full");
        let wait = srv
            .post(
                &format!("/api/v1/clinic-sessions/{full}/waitlist"),
                &agent,
                json!({"customer_id": li}),
            )
            .ok(201)
            .clone();
        assert_eq!(wait["status"], "waiting");
        srv.post(
            &format!("/api/v1/clinic-sessions/{full}/waitlist"),
            &agent,
            json!({"customer_id": li}),
        )
        .problem(409, "duplicate");
        srv.post(
            &format!("/api/v1/clinic-sessions/{full}/waitlist"),
            &agent,
            json!({"customer_id": wang}),
        )
        .ok(201);
        srv.get(
            &format!("/api/v1/clinic-sessions/{full}/waitlist"),
            &sc.w.token("agent.b"),
        )
        .problem(404, "not_found");
        // A cancellation frees the place: the first waiting is offered it, once.
        mv(
            srv,
            &agent,
            &taken,
            json!({"action": "cancel", "reason": "改期"}),
        )
        .ok(200);
        let list = srv
            .get(&format!("/api/v1/clinic-sessions/{full}/waitlist"), &agent)
            .ok(200)
            .clone();
        assert_eq!(list[0]["status"], "offered", "{list}");
        assert_eq!(list[1]["status"], "waiting");
        let offers = tasks(srv, &agent, "waitlist_offer");
        assert_eq!(offers.len(), 1, "{offers:?}");
        assert_eq!(offers[0]["customer_id"], json!(li));
        assert_eq!(offers[0]["kind"], "appointment");
        // The leave: both bookings to the rebooking queue, a task each, the session closed.
        srv.post(
            "/api/v1/schedule-exceptions",
            &agent,
            json!({"doctor_id": sc.doctor, "from": day(3), "to": day(3), "reason": "学术会议"}),
        )
        .problem(403, "forbidden");
        srv.post(
            "/api/v1/schedule-exceptions",
            &sup,
            json!({"doctor_id": sc.doctor, "from": day(3), "to": day(2), "reason": "学术会议"}),
        )
        .problem(422, "validation");
        let leave = srv
            .post(
                "/api/v1/schedule-exceptions",
                &sup,
                json!({"doctor_id": sc.doctor, "from": day(3), "to": day(3), "reason": "学术会议"}),
            )
            .ok(201)
            .clone();
        assert_eq!(leave["sessions_cancelled"], 1, "{leave}");
        assert_eq!(leave["appointments_moved"], 2);
        let closed = session(srv, &agent, &on_leave);
        assert_eq!(closed["status"], "cancelled");
        assert_eq!(closed["booked"], 0);
        let queue = srv
            .get("/api/v1/appointments?status=rebooking", &agent)
            .ok(200)
            .clone();
        assert_eq!(queue["total"], 2);
        let told = tasks(srv, &agent, "appointment_rebooking");
        assert_eq!(told.len(), 2);
        assert!(
            told.iter()
                .all(|t| t["owner_id"] == json!(sc.w.id("agent.a")))
        );
        book(srv, &agent, &zhao, &on_leave).problem(409, "wrong_state");
        // Rebooked into another session.
        let moved = mv(
            srv,
            &agent,
            &a1,
            json!({"action": "reschedule", "session_id": full}),
        )
        .ok(200)
        .clone();
        assert_eq!(moved["status"], "booked");
        assert_eq!(
            srv.get("/api/v1/schedule-exceptions", &agent)
                .ok(200)
                .as_array()
                .unwrap()
                .len(),
            1
        );
        assert!(
            srv.get("/api/v1/schedule-exceptions", &sc.w.token("agent.b"))
                .ok(200)
                .as_array()
                .unwrap()
                .is_empty()
        );
    });
}

#[test]
fn the_day_before_reminder_is_made_once_with_several_runners() {
    each_backend(|srv| {
        let sc = scene(srv);
        let agent = sc.w.token("agent.a");
        let tomorrow = extra(srv, &sc, day(1), "afternoon", 5);
        let later = extra(srv, &sc, day(5), "afternoon", 5);
        let wang = customer(srv, &agent, "王芳", "13800138001");
        let li = customer(srv, &agent, "李娜", "13800138002");
        let due = s(&book(srv, &agent, &wang, &tomorrow).ok(201)["id"]);
        book(srv, &agent, &li, &later).ok(201);
        let when = chrono::Utc::now();
        let runs: Vec<usize> = std::thread::scope(|sc2| {
            let handles: Vec<_> = (0..4)
                .map(|_| {
                    let db = srv.db.clone();
                    sc2.spawn(move || {
                        let pool = db.pool();
                        let mut conn = pool.get().unwrap();
                        hcrm_db::appointments::reminders::send(&mut conn, when).unwrap()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(runs.iter().sum::<usize>(), 1, "{runs:?}");
        let reminders = tasks(srv, &agent, "appointment_reminder");
        assert_eq!(reminders.len(), 1);
        assert_eq!(reminders[0]["source_id"], json!(due));
        assert_eq!(reminders[0]["owner_id"], json!(sc.w.id("agent.a")));
        let ap = srv
            .get(&format!("/api/v1/appointments/{due}"), &agent)
            .ok(200)
            .clone();
        assert!(ap["reminded_at"].is_string());
        // A later run makes nothing more.
        let pool = srv.db.pool();
        let mut conn = pool.get().unwrap();
        assert_eq!(
            hcrm_db::appointments::reminders::send(&mut conn, when).unwrap(),
            0
        );
    });
}

#[test]
fn a_merge_moves_the_duplicates_appointments() {
    each_backend(|srv| {
        let sc = scene(srv);
        let agent = sc.w.token("agent.a");
        let sup = sc.w.token("sup.a");
        let one = extra(srv, &sc, day(1), "afternoon", 5);
        let both = extra(srv, &sc, day(2), "afternoon", 5);
        let kept = customer(srv, &agent, "王芳", "13800138001");
        let dup = customer(srv, &agent, "王芳芳", "13800138009");
        let moved = s(&book(srv, &agent, &dup, &one).ok(201)["id"]);
        book(srv, &agent, &kept, &both).ok(201);
        let clash = s(&book(srv, &agent, &dup, &both).ok(201)["id"]);
        srv.merge(&kept, &sup, json!({"from_id": dup})).ok(200);
        let a = srv
            .get(&format!("/api/v1/appointments/{moved}"), &agent)
            .ok(200)
            .clone();
        assert_eq!(a["customer"]["id"], json!(kept));
        let c = srv
            .get(&format!("/api/v1/appointments/{clash}"), &agent)
            .ok(200)
            .clone();
        assert_eq!(c["status"], "cancelled");
        assert_eq!(session(srv, &agent, &both)["booked"], 1);
    });
}
