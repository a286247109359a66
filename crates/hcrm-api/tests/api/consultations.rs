//! 咨询 (SVC-1) through the API on both backends: a consultation from each channel with the
//! customer found or created in the same request, bad input refused with nothing written,
//! referral with the first receiver staying the owner (首问负责制), the outcomes (a call-back
//! task on the shared queue, the complaint intake prefilled), versioned changes and a race of
//! two closes, the 360 timeline and a merge, the daily statistics (JSON and CSV), and scoping
//! and permissions on every read path.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use chrono::{DateTime, Duration, Utc};
use common::world::{At, Doctor, TwoInstitutions};
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

fn record(srv: &Srv, token: &str, body: Value) -> Res {
    srv.post("/api/v1/consultations", token, body)
}

fn total(srv: &Srv, token: &str, path: &str) -> i64 {
    srv.get(path, token).ok(200)["total"].as_i64().unwrap()
}

fn close(srv: &Srv, token: &str, id: &str, version: i64, body: Value) -> Res {
    let v = format!("\"{version}\"");
    srv.raw(
        "POST",
        &format!("/api/v1/consultations/{id}/close"),
        Some(token),
        &[("If-Match", &v)],
        Some(("application/json", body.to_string())),
    )
}

fn at(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

#[test]
fn consultations_are_recorded_referred_closed_and_scoped() {
    each_backend(|srv| {
        let w = TwoInstitutions::new(srv, STAFF);
        let agent = w.token("agent.a");
        let sup = w.token("sup.a");
        let clinic = w.department_with_doctor(
            srv,
            At::A,
            Doctor {
                name: "王建华",
                specialties: &["冠心病"],
                ..Doctor::default()
            },
        );
        let (dept, doctor) = (clinic.department.clone(), clinic.doctor_id());
        let dept_b = s(&w.department(srv, At::B, "外科")["id"]);
        let wang = customer(srv, &agent, "王秀英", "13800138001");
        let other = customer(srv, &w.token("agent.b"), "李强", "13800138002");

        // A hotline call answered on the spot: closed at once, the caller the owner.
        let answered = record(
            srv,
            &agent,
            json!({"channel": "hotline", "customer_id": wang, "department_id": dept["id"],
                   "topic": "门诊时间", "question": "心内科周六有专家门诊吗？",
                   "answer": "周六上午王主任出诊", "outcome": "answered", "close": true}),
        )
        .ok(201)
        .clone();
        assert_eq!(answered["state"], "closed");
        assert_eq!(answered["owner"]["id"], w.id("agent.a"));
        assert_eq!(answered["closed_by"], w.id("agent.a"));
        assert_eq!(answered["customer"]["phone"], "138****8001");
        assert_eq!(answered["department"], "心内科");
        assert!(answered["complaint_prefill"].is_null());

        // An unknown number: the new potential customer is created in the same request.
        let fresh = record(
            srv,
            &agent,
            json!({"channel": "wechat", "new_customer": {"name": "赵女士", "mobile": "13900139000"},
                   "question": "体检需要空腹吗？"}),
        )
        .ok(201)
        .clone();
        assert_eq!(fresh["state"], "open");
        let zhao = s(&fresh["customer_id"]);
        let created = srv
            .get(&format!("/api/v1/customers/{zhao}"), &agent)
            .ok(200)
            .clone();
        assert_eq!(created["lifecycle_stage"], "potential");
        assert_eq!(created["name"], "赵女士");

        // Bad input changes nothing: no customer, both, closing without an outcome or with a
        // call back still owed, another institution's customer or department, a mobile that is
        // a customer's already (409 naming them).
        let before = total(srv, &agent, "/api/v1/consultations");
        let customers_before = srv.total("/api/v1/customers");
        for (body, field) in [
            (json!({"channel": "qq", "question": "？"}), "customer_id"),
            (
                json!({"channel": "qq", "customer_id": wang, "question": "？", "close": true}),
                "outcome",
            ),
            (
                json!({"channel": "qq", "customer_id": wang, "question": "？",
                       "outcome": "callback_needed", "close": true}),
                "outcome",
            ),
            (
                json!({"channel": "qq", "customer_id": other, "question": "？"}),
                "customer_id",
            ),
            (
                json!({"channel": "qq", "customer_id": wang, "department_id": dept_b,
                       "question": "？"}),
                "department_id",
            ),
            (
                json!({"channel": "qq", "customer_id": wang, "referred_to_id": w.id("agent.b"),
                       "question": "？"}),
                "referred_to_id",
            ),
            (
                json!({"channel": "qq", "customer_id": wang, "question": "  "}),
                "question",
            ),
            (
                json!({"channel": "qq", "customer_id": wang, "question": "？",
                       "received_at": (Utc::now() + Duration::hours(1)).to_rfc3339()}),
                "received_at",
            ),
        ] {
            let res = record(srv, &agent, body.clone());
            res.problem(422, "validation");
            assert!(
                res.field_errors().contains(&field.to_string()),
                "{body}: {}",
                res.body
            );
        }
        record(
            srv,
            &agent,
            json!({"channel": "fax", "customer_id": wang, "question": "？"}),
        )
        .problem(422, "invalid_body");
        record(
            srv,
            &agent,
            json!({"channel": "hotline", "new_customer": {"name": "王大妈", "mobile": "13800138001"},
                   "question": "？"}),
        )
        .problem(409, "possible_duplicate");
        assert_eq!(total(srv, &agent, "/api/v1/consultations"), before);
        assert_eq!(srv.total("/api/v1/customers"), customers_before);

        // Referral to a colleague and a specialist doctor: the first receiver stays the owner
        // (首问负责制); the colleague may answer but not close.
        let referred = record(
            srv,
            &agent,
            json!({"channel": "hotline", "customer_id": wang, "department_id": dept["id"],
                   "question": "支架术后可以停用阿司匹林吗？",
                   "referred_to_id": w.id("agent2.a"), "referred_doctor_id": doctor,
                   "referral_note": "请王主任答复"}),
        )
        .ok(201)
        .clone();
        let rid = s(&referred["id"]);
        assert_eq!(referred["owner"]["id"], w.id("agent.a"));
        assert_eq!(referred["referred_to"]["name"], "agent2.a");
        assert_eq!(referred["referred_doctor"]["name"], "王建华");
        let path = format!("/api/v1/consultations/{rid}");
        let edited = srv
            .patch(
                &path,
                &w.token("agent2.a"),
                1,
                json!({"answer": "不可自行停药，请复诊"}),
            )
            .ok(200)
            .clone();
        assert_eq!(edited["version"], 2);
        assert_eq!(edited["owner"]["id"], w.id("agent.a"));
        // Versions: none is 428, a stale one 412.
        srv.call(
            "PATCH",
            &path,
            Some(&agent),
            Some(&json!({"topic": "用药"})),
        )
        .problem(428, "precondition_required");
        srv.patch(&path, &agent, 1, json!({"topic": "用药"}))
            .problem(412, "stale");
        // Someone else's consultation: another agent may not change it.
        let other_open = s(&fresh["id"]);
        srv.patch(
            &format!("/api/v1/consultations/{other_open}"),
            &w.token("agent2.a"),
            1,
            json!({"topic": "体检"}),
        )
        .problem(403, "forbidden");
        close(
            srv,
            &w.token("agent2.a"),
            &rid,
            2,
            json!({"outcome": "answered"}),
        )
        .problem(403, "forbidden");
        let closed = close(
            srv,
            &agent,
            &rid,
            2,
            json!({"outcome": "appointment_booked"}),
        )
        .ok(200)
        .clone();
        assert_eq!(closed["state"], "closed");
        assert_eq!(closed["outcome"], "appointment_booked");
        assert_eq!(closed["answer"], "不可自行停药，请复诊");
        close(srv, &agent, &rid, 3, json!({"outcome": "answered"})).problem(409, "wrong_state");
        srv.patch(&path, &agent, 3, json!({"topic": "用药"}))
            .problem(409, "wrong_state");

        // A call back owed: a task of the owner on the shared queue, due in two hours.
        let t0 = Utc::now();
        let cb = record(
            srv,
            &agent,
            json!({"channel": "web_chat", "customer_id": wang, "topic": "报告解读",
                   "question": "甲功报告什么意思？", "outcome": "callback_needed"}),
        )
        .ok(201)
        .clone();
        assert_eq!(cb["state"], "open");
        let task = srv
            .get(
                &format!("/api/v1/tasks/{}", s(&cb["callback_task_id"])),
                &agent,
            )
            .ok(200)
            .clone();
        assert_eq!(task["kind"], "callback");
        assert_eq!(task["owner_id"], w.id("agent.a"));
        assert_eq!(task["customer_id"], wang);
        assert_eq!(task["source_type"], "consultation");
        assert_eq!(task["source_id"], cb["id"]);
        let due = at(&task["due_at"]);
        assert!(due >= t0 + Duration::minutes(119) && due <= Utc::now() + Duration::minutes(121));
        // Saying so again later makes no second task.
        let again = srv
            .patch(
                &format!("/api/v1/consultations/{}", s(&cb["id"])),
                &agent,
                1,
                json!({"outcome": "callback_needed"}),
            )
            .ok(200)
            .clone();
        assert_eq!(again["callback_task_id"], cb["callback_task_id"]);
        assert_eq!(
            total(
                srv,
                &agent,
                &format!(
                    "/api/v1/tasks?source_type=consultation&source_id={}",
                    s(&cb["id"])
                )
            ),
            1
        );

        // A complaint raised: the answer carries what the complaint intake needs.
        let raised = record(
            srv,
            &agent,
            json!({"channel": "hotline", "customer_id": wang, "department_id": dept["id"],
                   "question": "挂号收费多收了我五十元", "outcome": "complaint_raised",
                   "close": true}),
        )
        .ok(201)
        .clone();
        let prefill = raised["complaint_prefill"].clone();
        assert_eq!(prefill["channel"], "phone");
        assert_eq!(prefill["customer_id"], wang);
        assert_eq!(prefill["description"], "挂号收费多收了我五十元");
        let complaint = srv
            .post(
                "/api/v1/complaints",
                &agent,
                json!({"channel": prefill["channel"], "customer_id": prefill["customer_id"],
                       "description": prefill["description"],
                       "departments": [{"department_id": prefill["department_id"]}]}),
            )
            .ok(201)
            .clone();
        assert_eq!(complaint["departments"][0]["name"], "心内科");

        // The 360 timeline shows each consultation received and closed.
        let timeline = srv
            .get(&format!("/api/v1/customers/{wang}/timeline"), &agent)
            .ok(200)
            .clone();
        let of_answered: Vec<(String, Value)> = timeline["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["entity_id"] == answered["id"])
            .map(|e| {
                (
                    s(&e["kind"]),
                    e.get("consultation_outcome")
                        .or(e.get("consultation_channel"))
                        .cloned()
                        .unwrap_or(Value::Null),
                )
            })
            .collect();
        assert_eq!(
            of_answered
                .iter()
                .map(|(k, _)| k.as_str())
                .collect::<Vec<_>>(),
            ["consultation_closed", "consultation_received"]
        );
        assert_eq!(of_answered[0].1, "answered");
        assert_eq!(of_answered[1].1, "hotline");

        // Lists: filters, and only the caller's institutions.
        assert_eq!(
            total(srv, &agent, "/api/v1/consultations?state=open"),
            2,
            "the new customer's and the call back"
        );
        assert_eq!(
            total(srv, &agent, "/api/v1/consultations?channel=wechat"),
            1
        );
        assert_eq!(
            total(
                srv,
                &agent,
                "/api/v1/consultations?outcome=complaint_raised"
            ),
            1
        );
        assert_eq!(
            total(srv, &w.token("agent2.a"), "/api/v1/consultations?mine=true"),
            1,
            "referred to them"
        );
        assert_eq!(
            total(
                srv,
                &agent,
                &format!("/api/v1/consultations?customer_id={wang}")
            ),
            4
        );
        let today = (Utc::now() + Duration::hours(8)).date_naive();
        assert_eq!(
            total(
                srv,
                &agent,
                &format!("/api/v1/consultations?from={today}&to={today}")
            ),
            5
        );
        assert_eq!(
            total(
                srv,
                &agent,
                &format!("/api/v1/consultations?to={}", today - chrono::Days::new(1))
            ),
            0
        );
        srv.get(
            "/api/v1/consultations?from=2026-12-09&to=2026-12-01",
            &agent,
        )
        .problem(422, "validation");
        assert_eq!(total(srv, &w.token("agent.b"), "/api/v1/consultations"), 0);
        srv.get(&path, &w.token("agent.b"))
            .problem(404, "not_found");
        srv.patch(&path, &w.token("agent.b"), 3, json!({"topic": "x"}))
            .problem(404, "not_found");
        close(
            srv,
            &w.token("agent.b"),
            &s(&fresh["id"]),
            1,
            json!({"outcome": "answered"}),
        )
        .problem(404, "not_found");
        // Roles: a follow-up agent reads but does not record; the admin does neither.
        srv.get(&path, &w.token("fup.a")).ok(200);
        record(
            srv,
            &w.token("fup.a"),
            json!({"channel": "qq", "customer_id": wang, "question": "？"}),
        )
        .problem(403, "forbidden");
        srv.get("/api/v1/consultations", &w.admin)
            .problem(403, "forbidden");
        srv.get(&path, &w.admin).problem(403, "forbidden");

        // A supervisor closes for the owner.
        close(
            srv,
            &sup,
            &s(&fresh["id"]),
            1,
            json!({"outcome": "answered", "answer": "需空腹8小时"}),
        )
        .ok(200);

        // A merge moves the consultations to the kept customer.
        srv.merge(&wang, &sup, json!({"from_id": zhao})).ok(200);
        assert_eq!(
            total(
                srv,
                &agent,
                &format!("/api/v1/consultations?customer_id={wang}")
            ),
            5
        );
    });
}

#[test]
fn two_closes_at_once_one_wins() {
    each_backend(|srv| {
        let w = TwoInstitutions::new(srv, STAFF);
        let agent = w.token("agent.a");
        let sup = w.token("sup.a");
        let wang = customer(srv, &agent, "王秀英", "13800138001");
        for _ in 0..3 {
            let c = record(
                srv,
                &agent,
                json!({"channel": "hotline", "customer_id": wang, "question": "几点开门？"}),
            )
            .ok(201)
            .clone();
            let id = s(&c["id"]);
            let statuses: Vec<u16> = std::thread::scope(|sc| {
                let a =
                    sc.spawn(|| close(srv, &agent, &id, 1, json!({"outcome": "answered"})).status);
                let b = sc.spawn(|| {
                    close(srv, &sup, &id, 1, json!({"outcome": "appointment_booked"})).status
                });
                vec![a.join().unwrap(), b.join().unwrap()]
            });
            let mut sorted = statuses.clone();
            sorted.sort();
            assert_eq!(sorted[0], 200, "{statuses:?}");
            assert!(sorted[1] == 412 || sorted[1] == 409, "{statuses:?}");
            let after = srv
                .get(&format!("/api/v1/consultations/{id}"), &agent)
                .ok(200)
                .clone();
            assert_eq!(after["version"], 2, "closed once");
        }
    });
}

#[test]
fn daily_statistics_count_by_agent_channel_and_department() {
    each_backend(|srv| {
        let w = TwoInstitutions::new(srv, STAFF);
        let agent = w.token("agent.a");
        let agent2 = w.token("agent2.a");
        let sup = w.token("sup.a");
        let dept = s(&w.department(srv, At::A, "体检中心")["id"]);
        let wang = customer(srv, &agent, "王秀英", "13800138001");
        let li = customer(srv, &w.token("agent.b"), "李强", "13800138002");
        let one = |token: &str, channel: &str, department: Option<&str>, outcome: Option<&str>| {
            let mut body = json!({"channel": channel, "customer_id": wang, "question": "咨询"});
            if let Some(d) = department {
                body["department_id"] = json!(d);
            }
            if let Some(o) = outcome {
                body["outcome"] = json!(o);
                body["close"] = json!(o != "callback_needed");
            }
            record(srv, token, body).ok(201);
        };
        one(&agent, "hotline", Some(&dept), Some("answered"));
        one(&agent, "hotline", None, Some("appointment_booked"));
        one(&agent, "qq", Some(&dept), Some("callback_needed"));
        one(&agent2, "walk_in", Some(&dept), None);
        record(
            srv,
            &w.token("agent.b"),
            json!({"channel": "hotline", "customer_id": li, "question": "咨询"}),
        )
        .ok(201);

        let stats = srv
            .get("/api/v1/consultations/statistics", &sup)
            .ok(200)
            .clone();
        assert_eq!(stats["total"]["received"], 4, "B's is not counted");
        assert_eq!(stats["total"]["open"], 2);
        assert_eq!(stats["total"]["closed"], 2);
        assert_eq!(stats["total"]["answered"], 1);
        assert_eq!(stats["total"]["appointment_booked"], 1);
        assert_eq!(stats["total"]["callback_needed"], 1);
        assert_eq!(stats["by_day"].as_array().unwrap().len(), 1);
        assert_eq!(stats["by_agent"][0]["user_id"], w.id("agent.a"));
        assert_eq!(stats["by_agent"][0]["counts"]["received"], 3);
        assert_eq!(stats["by_agent"][1]["counts"]["received"], 1);
        let channel = |c: &str| {
            stats["by_channel"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["channel"] == c)
                .unwrap()["counts"]["received"]
                .as_i64()
                .unwrap()
        };
        assert_eq!(
            (
                channel("hotline"),
                channel("qq"),
                channel("walk_in"),
                channel("email")
            ),
            (2, 1, 1, 0)
        );
        assert_eq!(stats["by_department"][0]["name"], "体检中心");
        assert_eq!(stats["by_department"][0]["counts"]["received"], 3);
        assert!(stats["by_department"][1]["department_id"].is_null());

        // A day with nothing, a month, and the B agent's own view.
        let yesterday = (Utc::now() + Duration::hours(8)).date_naive() - chrono::Days::new(1);
        let empty = srv
            .get(
                &format!("/api/v1/consultations/statistics?date={yesterday}"),
                &sup,
            )
            .ok(200)
            .clone();
        assert_eq!(empty["total"]["received"], 0);
        let b = srv
            .get("/api/v1/consultations/statistics", &w.token("agent.b"))
            .ok(200)
            .clone();
        assert_eq!(b["total"]["received"], 1);
        srv.get(
            &format!(
                "/api/v1/consultations/statistics?institution_id={}",
                s(&w.inst_b["id"])
            ),
            &sup,
        )
        .problem(404, "not_found");
        for bad in [
            "date=2026-13-01",
            "date=2026-12-01&month=2026-12",
            "format=pdf",
            "from=2026-12-09&to=2026-12-01",
        ] {
            srv.get(&format!("/api/v1/consultations/statistics?{bad}"), &sup)
                .problem(422, "validation");
        }
        srv.get("/api/v1/consultations/statistics", &w.admin)
            .problem(403, "forbidden");

        // The CSV: BOM, the header in the language asked, the total first.
        let csv = srv.get("/api/v1/consultations/statistics?format=csv&lang=en", &sup);
        assert_eq!(csv.status, 200);
        assert!(csv.content_type.starts_with("text/csv"));
        assert!(csv.bytes.starts_with(b"\xEF\xBB\xBF"));
        let text = String::from_utf8(csv.bytes[3..].to_vec()).unwrap();
        let mut lines = text.lines();
        assert!(
            lines
                .next()
                .unwrap()
                .starts_with("By,Name,Received,Open,Closed")
        );
        assert!(lines.next().unwrap().starts_with("Total,,4,2,2,1,1,1"));
        assert!(text.contains("Channel,Hotline,2"));
        let zh = srv.get("/api/v1/consultations/statistics?format=csv", &sup);
        assert!(String::from_utf8_lossy(&zh.bytes).contains("统计维度,名称,咨询量"));
    });
}
