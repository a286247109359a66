//! 诊中服务 (SVC-3) and 限时服务 (SVC-6) through the API on both backends: in-visit services
//! of every kind as tasks of the shared queue with the due time of their rule, steps and
//! tracked delivery before `done`, the day's board with the late ones; the time limits as a
//! setting, times recorded against them and the report of met and missed; scoping and
//! permissions on every read path.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use chrono::{DateTime, Duration, Utc};
use common::world::{At, TwoInstitutions};
use common::{Res, Srv, each_backend};
use serde_json::{Value, json};

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

const STAFF: &[(&str, &str, At)] = &[
    ("agent.a", "agent", At::A),
    ("agent2.a", "agent", At::A),
    ("sup.a", "supervisor", At::A),
    ("fup.a", "follow_up_agent", At::A),
    ("agent.b", "agent", At::B),
];

fn customer(srv: &Srv, token: &str, name: &str, phone: &str) -> String {
    s(&srv
        .post(
            "/api/v1/customers",
            token,
            json!({"kind": "individual", "name": name, "phones": [phone]}),
        )
        .ok(201)["id"])
}

fn service(srv: &Srv, token: &str, body: Value) -> Res {
    srv.post("/api/v1/in-visit-services", token, body)
}

fn at(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

fn column<'a>(board: &'a Value, service: &str) -> &'a Value {
    board["columns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["service"] == service)
        .unwrap()
}

#[test]
fn in_visit_services_are_tasks_due_by_rule_done_when_their_steps_are_and_on_the_board() {
    each_backend(|srv| {
        let w = TwoInstitutions::new(srv, STAFF);
        let agent = w.token("agent.a");
        let wang = customer(srv, &agent, "王秀英", "13800138001");
        let other = customer(srv, &w.token("agent.b"), "李强", "13800138002");
        // A result out 90 minutes ago: the call was due 30 minutes ago (seed 004: within one
        // hour of the result) and is late.
        let result_at = Utc::now() - Duration::minutes(90);
        let call = service(
            srv,
            &agent,
            json!({"service": "result_call", "customer_id": wang,
                   "reference_at": result_at.to_rfc3339(), "description": "甲功五项结果已出"}),
        )
        .ok(201)
        .clone();
        assert_eq!(call["task"]["kind"], "in_visit");
        assert_eq!(call["task"]["owner_id"], w.id("agent.a"));
        assert_eq!(call["task"]["customer_id"], wang);
        assert!(
            call["task"]["title"]
                .as_str()
                .unwrap()
                .starts_with("结果电话告知：王"),
            "{call}"
        );
        let due = at(&call["task"]["due_at"]);
        assert!((due - (result_at + Duration::hours(1))).num_seconds().abs() <= 1);
        assert_eq!(call["late"], true);
        assert_eq!(
            call["detail"]["steps"],
            json!([{"step": "patient_told", "done": false}])
        );
        let day = s(&call["task"]["due_on"]);

        // Every kind, each with its own rule; an admission handed to a colleague, a report
        // mailing left to a team queue.
        let soon = Utc::now() + Duration::minutes(30);
        let escort = service(
            srv,
            &agent,
            json!({"service": "accompaniment", "customer_id": wang,
                   "reference_at": soon.to_rfc3339(), "location": "门诊二楼超声室"}),
        )
        .ok(201)
        .clone();
        assert!((at(&escort["task"]["due_at"]) - soon).num_seconds().abs() <= 1);
        assert_eq!(escort["late"], false);
        let admission = service(
            srv,
            &agent,
            // Decided when the result came out: due with the call, so on the call's day's board
            // whatever the hour (from 23:00 in Beijing, ten minutes ago made it due tomorrow).
            json!({"service": "admission", "customer_id": wang, "owner_id": w.id("agent2.a"),
                   "reference_at": result_at.to_rfc3339()}),
        )
        .ok(201)
        .clone();
        assert_eq!(admission["task"]["owner_id"], w.id("agent2.a"));
        let discharge = service(
            srv,
            &agent,
            json!({"service": "proxy_discharge", "customer_id": wang,
                   "reference_at": (Utc::now() - Duration::hours(23)).to_rfc3339()}),
        )
        .ok(201)
        .clone();
        let mailing = service(
            srv,
            &agent,
            json!({"service": "report_mailing", "customer_id": wang, "team": "service_desk",
                   "reference_at": (Utc::now() - Duration::hours(47)).to_rfc3339(),
                   "address": "北京市朝阳区建国路 88 号"}),
        )
        .ok(201)
        .clone();
        assert!(mailing["task"]["owner_id"].is_null());
        assert_eq!(mailing["detail"]["address"], "北京市朝阳区建国路 88 号");

        // Bad input changes nothing.
        let before = srv.total("/api/v1/tasks");
        for (body, field) in [
            (
                json!({"service": "report_mailing", "customer_id": wang,
                       "reference_at": soon.to_rfc3339()}),
                "address",
            ),
            (
                json!({"service": "result_call", "customer_id": wang, "delivery": "mail",
                       "address": "北京", "reference_at": soon.to_rfc3339()}),
                "delivery",
            ),
            (
                json!({"service": "result_call", "customer_id": other,
                       "reference_at": soon.to_rfc3339()}),
                "customer_id",
            ),
            (
                json!({"service": "result_call", "customer_id": wang, "owner_id": w.id("agent.b"),
                       "reference_at": soon.to_rfc3339()}),
                "owner_id",
            ),
        ] {
            let res = service(srv, &agent, body.clone());
            res.problem(422, "validation");
            assert!(
                res.field_errors().contains(&field.to_string()),
                "{body}: {}",
                res.body
            );
        }
        service(
            srv,
            &agent,
            json!({"service": "massage", "customer_id": wang, "reference_at": soon.to_rfc3339()}),
        );
        assert_eq!(srv.total("/api/v1/tasks"), before);

        // Steps: only the service's; done only when every step is (and mailed papers are
        // tracked).
        let did = s(&discharge["task"]["id"]);
        let path = format!("/api/v1/in-visit-services/{did}");
        let task_path = format!("/api/v1/tasks/{did}");
        srv.patch(&path, &agent, 1, json!({"steps_done": ["pay"]}))
            .problem(422, "validation");
        let half = srv
            .patch(
                &path,
                &agent,
                1,
                json!({"steps_done": ["authorisation_letter", "deposit_note"]}),
            )
            .ok(200)
            .clone();
        assert_eq!(half["task"]["version"], 2);
        let done_now = srv.patch(&task_path, &agent, 2, json!({"status": "done"}));
        done_now.problem(422, "validation");
        assert_eq!(done_now.body["errors"][0]["code"], "steps_open");
        srv.patch(&path, &agent, 2, json!({"delivery": "mail"}))
            .problem(422, "validation");
        let mailed = srv
            .patch(
                &path,
                &agent,
                2,
                json!({"steps_done": ["authorisation_letter", "deposit_note", "invoice_delivered"],
                       "delivery": "mail", "address": "北京市海淀区中关村大街 1 号"}),
            )
            .ok(200)
            .clone();
        let untracked = srv.patch(&task_path, &agent, 3, json!({"status": "done"}));
        untracked.problem(422, "validation");
        assert_eq!(untracked.body["errors"][0]["code"], "tracking_required");
        srv.patch(&path, &agent, 2, json!({"tracking_number": "SF1"}))
            .problem(412, "stale");
        srv.patch(
            &path,
            &agent,
            mailed["task"]["version"].as_i64().unwrap(),
            json!({"tracking_number": "SF1234567890"}),
        )
        .ok(200);
        let done = srv
            .patch(
                &task_path,
                &agent,
                4,
                json!({"status": "done", "outcome": "发票已顺丰寄出"}),
            )
            .ok(200)
            .clone();
        assert_eq!(done["status"], "done");
        srv.patch(&path, &agent, 5, json!({"location": "x"}))
            .problem(409, "wrong_state");
        // The call is made: its one step, then done.
        let cid = s(&call["task"]["id"]);
        srv.patch(
            &format!("/api/v1/in-visit-services/{cid}"),
            &agent,
            1,
            json!({"steps_done": ["patient_told"]}),
        )
        .ok(200);
        srv.patch(
            &format!("/api/v1/tasks/{cid}"),
            &agent,
            2,
            json!({"status": "done", "outcome": "已电话告知，建议复诊"}),
        )
        .ok(200);
        // A colleague's task: not without customer.write (agents have it) — a follow-up
        // agent may not change the details at all (no service.write).
        srv.patch(
            &format!("/api/v1/in-visit-services/{}", s(&admission["task"]["id"])),
            &w.token("fup.a"),
            1,
            json!({"steps_done": ["escort_to_ward"]}),
        )
        .problem(403, "forbidden");

        // The day's board: every service, late ones first and counted.
        let board = srv
            .get(
                &format!("/api/v1/in-visit-services/board?date={day}"),
                &agent,
            )
            .ok(200)
            .clone();
        assert_eq!(board["columns"].as_array().unwrap().len(), 5);
        let calls = column(&board, "result_call");
        assert_eq!(calls["counts"]["done"], 1);
        assert_eq!(calls["items"][0]["task"]["id"], call["task"]["id"]);
        assert_eq!(calls["items"][0]["late"], false, "done is not late");
        let total = &board["total"];
        let all = total["open"].as_i64().unwrap()
            + total["done"].as_i64().unwrap()
            + total["cancelled"].as_i64().unwrap();
        assert!(all >= 2, "{board}");
        assert!(
            column(&board, "report_mailing")["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|i| i["detail"]["service"] == "report_mailing")
        );
        // A task of another kind is no in-visit service.
        let plain = srv
            .post("/api/v1/tasks", &agent, json!({"title": "普通待办"}))
            .ok(201)
            .clone();
        srv.get(
            &format!("/api/v1/in-visit-services/{}", s(&plain["id"])),
            &agent,
        )
        .problem(404, "not_found");

        // Scoping and roles.
        srv.get(&path, &w.token("agent.b"))
            .problem(404, "not_found");
        srv.patch(&path, &w.token("agent.b"), 5, json!({"location": "x"}))
            .problem(404, "not_found");
        let b_board = srv
            .get(
                &format!("/api/v1/in-visit-services/board?date={day}"),
                &w.token("agent.b"),
            )
            .ok(200)
            .clone();
        assert_eq!(
            b_board["total"],
            json!({"open": 0, "done": 0, "cancelled": 0, "late": 0})
        );
        srv.get(&path, &w.token("fup.a")).ok(200);
        service(
            srv,
            &w.token("fup.a"),
            json!({"service": "result_call", "customer_id": wang, "reference_at": soon.to_rfc3339()}),
        )
        .problem(403, "forbidden");
        srv.get("/api/v1/in-visit-services/board", &w.admin)
            .problem(403, "forbidden");
        srv.get("/api/v1/in-visit-services/board?date=2026-13-01", &agent)
            .problem(400, "invalid_query");
    });
}

#[test]
fn service_times_are_recorded_against_the_limits_and_reported() {
    each_backend(|srv| {
        let w = TwoInstitutions::new(srv, STAFF);
        let agent = w.token("agent.a");
        let sup = w.token("sup.a");
        let wang = customer(srv, &agent, "王秀英", "13800138001");
        let other = customer(srv, &w.token("agent.b"), "李强", "13800138002");

        // The seed's limits until an admin changes them; every staff role reads them.
        let limits = srv
            .get("/api/v1/settings/service-time-limits", &agent)
            .ok(200)
            .clone();
        assert_eq!(limits["version"], 0);
        let limit = |l: &Value, t: &str| {
            l["limits"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["target"] == t)
                .unwrap()["minutes"]
                .as_i64()
                .unwrap()
        };
        assert_eq!(limit(&limits, "window_queue"), 10);
        assert_eq!(limit(&limits, "outpatient_wait"), 30);
        assert_eq!(limit(&limits, "ultrasound_report"), 30);
        assert_eq!(limit(&limits, "imaging_report"), 120);
        assert_eq!(limit(&limits, "pathology_report"), 3 * 24 * 60);

        let rec = |token: &str, body: Value| srv.post("/api/v1/service-times", token, body);
        let late = rec(
            &agent,
            json!({"target": "outpatient_wait", "minutes": 42, "customer_id": wang,
                   "note": "心内科上午候诊"}),
        )
        .ok(201)
        .clone();
        assert_eq!(
            (late["limit_minutes"].as_i64(), late["met"].as_bool()),
            (Some(30), Some(false))
        );
        rec(&agent, json!({"target": "outpatient_wait", "minutes": 25})).ok(201);
        rec(
            &agent,
            json!({"target": "consultation_length", "minutes": 5}),
        )
        .ok(201);

        // Changing a limit: admin only, versioned; earlier records keep theirs.
        let put = |token: &str, version: Option<i64>, body: Value| {
            let v = version.map(|v| format!("\"{v}\""));
            let headers: Vec<(&str, &str)> = v.iter().map(|v| ("If-Match", v.as_str())).collect();
            srv.raw(
                "PUT",
                "/api/v1/settings/service-time-limits",
                Some(token),
                &headers,
                Some(("application/json", body.to_string())),
            )
        };
        let change = json!({"limits": [{"target": "outpatient_wait", "minutes": 45}]});
        put(&sup, Some(0), change.clone()).problem(403, "forbidden");
        put(&w.admin, None, change.clone()).problem(428, "precondition_required");
        put(
            &w.admin,
            Some(0),
            json!({"limits": [{"target": "outpatient_wait", "minutes": 0}]}),
        )
        .problem(422, "validation");
        let saved = put(&w.admin, Some(0), change.clone()).ok(200).clone();
        assert_eq!(saved["version"], 1);
        assert_eq!(limit(&saved, "outpatient_wait"), 45);
        assert_eq!(limit(&saved, "window_queue"), 10, "the others keep theirs");
        put(&w.admin, Some(0), change).problem(412, "stale");
        let now_met = rec(&agent, json!({"target": "outpatient_wait", "minutes": 42}))
            .ok(201)
            .clone();
        assert_eq!(
            (now_met["limit_minutes"].as_i64(), now_met["met"].as_bool()),
            (Some(45), Some(true))
        );

        // Bad input changes nothing.
        let tomorrow = (Utc::now() + Duration::hours(8)).date_naive() + chrono::Days::new(1);
        for body in [
            json!({"target": "outpatient_wait", "minutes": -1}),
            json!({"target": "outpatient_wait", "minutes": 5, "occurred_on": tomorrow}),
            json!({"target": "outpatient_wait", "minutes": 5, "customer_id": other}),
        ] {
            rec(&agent, body.clone()).problem(422, "validation");
        }
        rec(
            &w.token("fup.a"),
            json!({"target": "window_queue", "minutes": 5}),
        )
        .problem(403, "forbidden");
        assert_eq!(srv.get("/api/v1/service-times", &agent).ok(200)["total"], 4);

        // The report: per target met and missed, against the limit each was recorded with.
        let report = srv
            .get("/api/v1/service-times/report", &sup)
            .ok(200)
            .clone();
        let row = |t: &str| {
            report["targets"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["target"] == t)
                .unwrap()
                .clone()
        };
        let wait = row("outpatient_wait");
        assert_eq!(
            (
                wait["recorded"].as_i64(),
                wait["met"].as_i64(),
                wait["missed"].as_i64()
            ),
            (Some(3), Some(2), Some(1))
        );
        assert_eq!(wait["limit_minutes"], 45);
        assert_eq!(wait["worst_minutes"], 42);
        let length = row("consultation_length");
        assert_eq!(
            (length["missed"].as_i64(), length["minimum"].as_bool()),
            (Some(1), Some(true))
        );
        assert_eq!(row("window_queue")["recorded"], 0);
        assert!(row("window_queue")["met_rate"].is_null());
        let csv = srv.get("/api/v1/service-times/report?format=csv", &sup);
        assert_eq!(csv.status, 200);
        assert!(String::from_utf8_lossy(&csv.bytes).contains("门诊候诊,45,3,2,1,66.7%"));

        // Lists and scoping.
        assert_eq!(
            srv.get("/api/v1/service-times?met=false", &agent).ok(200)["total"],
            2
        );
        assert_eq!(
            srv.get(&format!("/api/v1/service-times?customer_id={wang}"), &agent)
                .ok(200)["total"],
            1
        );
        assert_eq!(
            srv.get("/api/v1/service-times", &w.token("agent.b"))
                .ok(200)["total"],
            0
        );
        let b = srv
            .get("/api/v1/service-times/report", &w.token("agent.b"))
            .ok(200)
            .clone();
        assert!(
            b["targets"]
                .as_array()
                .unwrap()
                .iter()
                .all(|t| t["recorded"] == 0)
        );
        srv.get(
            &format!(
                "/api/v1/service-times/report?institution_id={}",
                s(&w.inst_b["id"])
            ),
            &sup,
        )
        .problem(404, "not_found");
        srv.get("/api/v1/service-times", &w.admin)
            .problem(403, "forbidden");
    });
}
