//! 投诉 (CMP-1 … CMP-5a, REL-4, X-14) through the API on both backends: intake from a
//! channel with the complainant found or created, the number and the promised reply; the
//! short path; every kind of bad input refused with nothing written; the flow's moves by the
//! roles of seed 003 with both disagreement branches, the history and versioned moves; 50
//! concurrent intakes (also over two servers) numbered 1…50; the clocks paused, breached and
//! escalated once per level with several runners; scoping and permissions on every read.

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
    ("dir.a", "director", At::A),
    ("pres.a", "president", At::A),
    ("med.a", "medical_affairs", At::A),
    ("exe.a", "executive", At::A),
    ("agent.b", "agent", At::B),
    ("sup.b", "supervisor", At::B),
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

fn count(srv: &Srv, token: &str, path: &str) -> i64 {
    srv.get(path, token).ok(200)["total"].as_i64().unwrap()
}

fn intake(srv: &Srv, token: &str, body: Value) -> Res {
    srv.post("/api/v1/complaints", token, body)
}

/// A move; without a `version` in `body` the one the caller reads now is sent.
fn mv(srv: &Srv, token: &str, id: &str, mut body: Value) -> Res {
    if body.get("version").is_none() {
        let current = srv.get(&format!("/api/v1/complaints/{id}"), token);
        if current.status == 200 {
            body["version"] = current.body["version"].clone();
        }
    }
    srv.post(&format!("/api/v1/complaints/{id}/transitions"), token, body)
}

fn actions(c: &Value) -> Vec<String> {
    c["allowed_actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(s)
        .collect()
}

fn clock<'a>(c: &'a Value, kind: &str) -> &'a Value {
    c["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kind"] == kind && k["stopped_at"].is_null())
        .or_else(|| {
            c["clocks"]
                .as_array()
                .unwrap()
                .iter()
                .rev()
                .find(|k| k["kind"] == kind)
        })
        .unwrap_or_else(|| panic!("no {kind} clock in {c}"))
}

fn at(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

#[test]
fn intake_numbers_promises_a_reply_refuses_bad_input_and_is_scoped() {
    each_backend(|srv| {
        let w = TwoInstitutions::new(srv, STAFF);
        let agent = w.token("agent.a");
        let inst_a = s(&w.inst_a["id"]);
        let dept = s(&srv
            .post(
                "/api/v1/departments",
                &w.admin,
                json!({"institution_id": inst_a, "name": "皮肤科"}),
            )
            .ok(201)["id"]);
        let dept_b = s(&srv
            .post(
                "/api/v1/departments",
                &w.admin,
                json!({"institution_id": w.inst_b["id"], "name": "外科"}),
            )
            .ok(201)["id"]);
        let wang = customer(srv, &agent, "王秀英", "13800138001");
        let other = customer(srv, &w.token("agent.b"), "李强", "13800138002");

        // A phone call: the agent is the receiver; the number and the promised reply come back.
        let c = intake(
            srv,
            &agent,
            json!({"channel": "phone", "customer_id": wang,
                   "description": "术后复查等候两小时无人告知",
                   "occurred_at": (Utc::now() - Duration::days(1)).to_rfc3339(),
                   "departments": [{"department_id": dept}, {"name": "前台"}],
                   "staff": [{"name": "张护士"}, {"user_id": w.id("agent2.a")}],
                   "demands": "道歉并说明原因"}),
        )
        .ok(201)
        .clone();
        let month = (Utc::now() + Duration::hours(8))
            .format("%Y-%m")
            .to_string();
        assert_eq!(c["number"], format!("BJ01-{month}-0001"));
        assert_eq!(c["state"], "received");
        assert_eq!(c["receiver"]["id"], w.id("agent.a"));
        assert_eq!(c["complainant"]["phone"], "138****8001");
        assert_eq!(c["departments"][0]["name"], "皮肤科");
        assert_eq!(c["staff"][1]["name"], "agent2.a");
        let received = at(&c["received_at"]);
        let promised = at(&c["promised_reply_at"]);
        // CMP-1: at most 3 working days — never before 3 calendar days (working days are
        // 8 hours), never beyond 3 days plus a week-long holiday.
        assert!(
            promised > received + Duration::hours(20),
            "{promised} {received}"
        );
        assert!(promised < received + Duration::days(12));
        // The hand-over (12 h) and the national clock (two departments: 10 working days).
        assert_eq!(
            clock(&c, "hand_over")["limit"],
            json!({"unit": "calendar_hours", "amount": 12})
        );
        assert_eq!(clock(&c, "hand_over")["state"], "running");
        assert_eq!(
            clock(&c, "national")["limit"],
            json!({"unit": "working_days", "amount": 10})
        );
        assert_eq!(clock(&c, "national")["national"], true);
        assert_eq!(actions(&c), vec!["hand_over", "pause"]);
        let id = s(&c["id"]);
        assert_eq!(
            srv.get(&format!("/api/v1/complaints/{id}"), &agent)
                .header("etag"),
            Some("\"1\"")
        );

        // A letter read two days after it came: numbered in its month, the hand-over late.
        let letter = intake(
            srv,
            &agent,
            json!({"channel": "letter", "customer_id": wang, "description": "收费不透明",
                   "received_at": (Utc::now() - Duration::days(2)).to_rfc3339()}),
        )
        .ok(201)
        .clone();
        assert!(s(&letter["number"]).ends_with("-0002"));
        assert_eq!(clock(&letter, "hand_over")["state"], "breached");
        assert!(
            clock(&letter, "hand_over")["seconds_left"]
                .as_i64()
                .unwrap()
                < 0
        );
        // One department: the national clock is 5 working days.
        assert_eq!(clock(&letter, "national")["limit"]["amount"], 5);

        // A new complainant is created in the same request, as a potential customer.
        let c2 = intake(
            srv,
            &agent,
            json!({"channel": "follow_up_feedback", "description": "回访时反映前台态度差",
                   "new_customer": {"name": "赵敏", "mobile": "13900139000"},
                   "category": "attitude", "severity": "general"}),
        )
        .ok(201)
        .clone();
        let zhao = srv
            .get(
                &format!("/api/v1/customers/{}", s(&c2["customer_id"])),
                &agent,
            )
            .ok(200)
            .clone();
        assert_eq!(zhao["lifecycle_stage"], "potential");
        assert_eq!(c2["category"], "attitude");
        assert_eq!(c2["quality"], false);
        // Her mobile again as a new complainant: choose the existing customer.
        let dup = intake(
            srv,
            &agent,
            json!({"channel": "phone", "description": "再次投诉",
                   "new_customer": {"name": "赵敏", "mobile": "13900139000"}}),
        );
        dup.problem(409, "possible_duplicate");
        assert_eq!(
            dup.body["duplicates"][0]["customer"]["id"],
            c2["customer_id"]
        );

        // Settled on the spot: closed at once, the national clock met, both steps in history.
        let spot = intake(
            srv,
            &agent,
            json!({"channel": "in_person", "customer_id": wang, "description": "候诊区太冷",
                   "settled_on_spot": true, "outcome": "已调高空调温度并致歉"}),
        )
        .ok(201)
        .clone();
        assert_eq!(spot["state"], "closed");
        assert_eq!(spot["settled_on_spot"], true);
        assert_eq!(spot["outcome"], "已调高空调温度并致歉");
        assert_eq!(clock(&spot, "national")["state"], "met");
        assert!(actions(&spot).is_empty());
        let hist = srv
            .get(
                &format!("/api/v1/complaints/{}/history", s(&spot["id"])),
                &agent,
            )
            .ok(200)
            .clone();
        let steps: Vec<(String, String)> = hist
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (s(&e["action"]), s(&e["to_state"])))
            .collect();
        assert_eq!(
            steps,
            vec![
                ("receive".into(), "received".into()),
                ("settle_on_spot".into(), "closed".into())
            ]
        );
        assert_eq!(hist[1]["actor"]["name"], "agent.a");
        // The complainant's 360 timeline shows the case received and closed (CUS-11), by its
        // number, with what the patient said and how it ended.
        let timeline = srv
            .get(&format!("/api/v1/customers/{}/timeline", wang), &agent)
            .ok(200)
            .clone();
        let of_spot: Vec<(String, String)> = timeline["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["entity_id"] == spot["id"])
            .map(|e| (s(&e["kind"]), s(&e["note"])))
            .collect();
        assert_eq!(
            of_spot,
            vec![
                ("complaint_closed".into(), "已调高空调温度并致歉".into()),
                ("complaint_received".into(), "候诊区太冷".into())
            ]
        );
        assert!(
            timeline["items"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|e| e["entity_id"] == spot["id"])
                .all(|e| e["subject"] == spot["number"] && e["entity_type"] == "complaint")
        );

        // A major dispute: the reporting task goes to the institution's director.
        let major = intake(
            srv,
            &agent,
            json!({"channel": "phone", "customer_id": wang, "description": "术后感染",
                   "category": "medical_effect", "severity": "critical", "major_dispute": true}),
        )
        .ok(201)
        .clone();
        let tasks = srv
            .get(
                &format!(
                    "/api/v1/tasks?source_type=complaint_major_dispute&source_id={}",
                    s(&major["id"])
                ),
                &w.token("dir.a"),
            )
            .ok(200)
            .clone();
        assert_eq!(tasks["total"], 1);
        assert_eq!(tasks["items"][0]["owner_id"], w.id("dir.a"));
        assert_eq!(tasks["items"][0]["kind"], "complaint");

        // Bad input of every kind: 422 naming the field, nothing written.
        let before = count(srv, &agent, "/api/v1/complaints");
        let customers_before = count(srv, &agent, "/api/v1/customers");
        let future = (Utc::now() + Duration::hours(2)).to_rfc3339();
        let long = "长".repeat(4001);
        for (body, field) in [
            (json!({"channel": "phone", "customer_id": wang}), None),
            (
                json!({"channel": "phone", "customer_id": wang, "description": "  "}),
                Some("description"),
            ),
            (
                json!({"channel": "phone", "customer_id": wang, "description": long}),
                Some("description"),
            ),
            (
                json!({"channel": "phone", "customer_id": wang, "description": "a\u{202e}b"}),
                Some("description"),
            ),
            (
                json!({"channel": "pigeon", "customer_id": wang, "description": "x"}),
                None,
            ),
            (
                json!({"channel": "phone", "customer_id": wang, "description": "x", "colour": 1}),
                None,
            ),
            (
                json!({"channel": "phone", "description": "x"}),
                Some("customer_id"),
            ),
            (
                json!({"channel": "phone", "customer_id": wang, "description": "x",
                    "new_customer": {"name": "甲", "mobile": "13700137000"}}),
                Some("new_customer"),
            ),
            (
                json!({"channel": "phone", "description": "x",
                    "new_customer": {"name": "甲", "mobile": "12345"}}),
                Some("new_customer.mobile"),
            ),
            (
                json!({"channel": "phone", "description": "x",
                    "new_customer": {"name": " ", "mobile": "13700137000"}}),
                Some("new_customer.name"),
            ),
            (
                json!({"channel": "phone", "customer_id": wang, "description": "x", "received_at": future}),
                Some("received_at"),
            ),
            (
                json!({"channel": "phone", "customer_id": wang, "description": "x",
                    "received_at": (Utc::now() - Duration::days(400)).to_rfc3339()}),
                Some("received_at"),
            ),
            (
                json!({"channel": "phone", "customer_id": wang, "description": "x",
                    "received_at": (Utc::now() - Duration::days(3)).to_rfc3339(),
                    "occurred_at": (Utc::now() - Duration::days(1)).to_rfc3339()}),
                Some("occurred_at"),
            ),
            (
                json!({"channel": "phone", "customer_id": wang, "description": "x", "settled_on_spot": true}),
                Some("outcome"),
            ),
            (
                json!({"channel": "phone", "customer_id": wang, "description": "x",
                       "occurred_at": "1212-01-01T00:00:00Z"}),
                Some("occurred_at"),
            ),
            (
                json!({"channel": "phone", "customer_id": wang, "description": "x", "category": "mood"}),
                None,
            ),
            (
                json!({"channel": "phone", "customer_id": wang, "description": "x", "departments": [{}]}),
                Some("departments[0].name"),
            ),
            (
                json!({"channel": "phone", "customer_id": wang, "description": "x",
                    "departments": [{"department_id": dept_b}]}),
                Some("departments[0].department_id"),
            ),
            (
                json!({"channel": "phone", "customer_id": wang, "description": "x",
                    "staff": [{"user_id": w.id("agent.b")}]}),
                Some("staff[0].user_id"),
            ),
            (
                json!({"channel": "phone", "customer_id": wang, "description": "x",
                    "staff": [{"doctor_id": dept, "user_id": w.id("agent.a")}]}),
                Some("staff[0].user_id"),
            ),
            // Another institution's customer is no customer.
            (
                json!({"channel": "phone", "customer_id": other, "description": "x"}),
                Some("customer_id"),
            ),
            (
                json!({"channel": "phone", "customer_id": wang, "description": "x",
                    "institution_id": w.inst_b["id"]}),
                Some("institution_id"),
            ),
        ] {
            let r = intake(srv, &agent, body.clone());
            assert_eq!(r.status, 422, "{body}: {}", r.body);
            if let Some(f) = field {
                assert!(
                    r.field_errors().contains(&f.to_string()),
                    "{body}: {}",
                    r.body
                );
            }
        }
        assert_eq!(count(srv, &agent, "/api/v1/complaints"), before);
        assert_eq!(count(srv, &agent, "/api/v1/customers"), customers_before);

        // Scoping (X-4, X-6b): another institution's complaint is a 404 on every path.
        let agent_b = w.token("agent.b");
        for path in [
            format!("/api/v1/complaints/{id}"),
            format!("/api/v1/complaints/{id}/history"),
        ] {
            srv.get(&path, &agent_b).problem(404, "not_found");
        }
        mv(
            srv,
            &agent_b,
            &id,
            json!({"action": "pause", "comment": "x", "version": 1}),
        )
        .problem(404, "not_found");
        assert_eq!(srv.get("/api/v1/complaints", &agent_b).ok(200)["total"], 0);
        assert_eq!(
            srv.get(
                &format!("/api/v1/complaints?institution_id={inst_a}"),
                &agent_b
            )
            .ok(200)["total"],
            0
        );
        srv.get(
            &format!("/api/v1/complaints/{}", uuid::Uuid::now_v7()),
            &agent,
        )
        .problem(404, "not_found");
        srv.get("/api/v1/complaints/not-a-uuid", &agent)
            .problem(404, "not_found");
        // Permissions: the admin manages the organisation, not complaints.
        srv.get("/api/v1/complaints", &w.admin)
            .problem(403, "forbidden");
        srv.get(&format!("/api/v1/complaints/{id}"), &w.admin)
            .problem(403, "forbidden");
        intake(
            srv,
            &w.admin,
            json!({"channel": "phone", "customer_id": wang, "description": "x"}),
        )
        .problem(403, "forbidden");
        // The executive reads but does not take complaints in.
        srv.get(&format!("/api/v1/complaints/{id}"), &w.token("exe.a"))
            .ok(200);
        intake(
            srv,
            &w.token("exe.a"),
            json!({"channel": "phone", "customer_id": wang, "description": "x"}),
        )
        .problem(403, "forbidden");

        // The list: filters and the audit entry of the intake.
        let mine = srv
            .get("/api/v1/complaints?mine=true", &agent)
            .ok(200)
            .clone();
        assert_eq!(mine["total"], 5);
        assert_eq!(
            srv.get("/api/v1/complaints?mine=true", &w.token("sup.a"))
                .ok(200)["total"],
            0
        );
        assert_eq!(
            srv.get("/api/v1/complaints?state=closed", &agent).ok(200)["total"],
            1
        );
        assert_eq!(
            srv.get("/api/v1/complaints?open=true", &agent).ok(200)["total"],
            4
        );
        assert_eq!(
            srv.get("/api/v1/complaints?category=attitude", &agent)
                .ok(200)["total"],
            1
        );
        // One customer's cases (the agent console's caller): exactly those of the whole list
        // that are theirs; in another institution's scope none.
        let every = srv
            .get("/api/v1/complaints?limit=200", &agent)
            .ok(200)
            .clone();
        let every = every["items"].as_array().unwrap();
        for who in [s(&c2["customer_id"]), wang.to_string()] {
            let theirs = |open: Option<bool>| {
                every
                    .iter()
                    .filter(|k| k["customer_id"] == json!(who))
                    .filter(|k| open.is_none_or(|o| (k["state"] != "closed") == o))
                    .map(|k| k["id"].clone())
                    .collect::<Vec<_>>()
            };
            for (filter, open) in [
                ("", None),
                ("&open=true", Some(true)),
                ("&open=false", Some(false)),
            ] {
                let page = srv
                    .get(
                        &format!("/api/v1/complaints?customer_id={who}{filter}&limit=200"),
                        &agent,
                    )
                    .ok(200)
                    .clone();
                let mut got: Vec<Value> = page["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|k| k["id"].clone())
                    .collect();
                let mut want = theirs(open);
                got.sort_by_key(|v| v.to_string());
                want.sort_by_key(|v| v.to_string());
                assert_eq!(got, want, "{who}{filter}");
            }
            assert!(!theirs(None).is_empty(), "{who} has cases");
            assert_eq!(
                srv.get(&format!("/api/v1/complaints?customer_id={who}"), &agent_b)
                    .ok(200)["total"],
                0
            );
        }
        srv.get("/api/v1/complaints?customer_id=nope", &agent)
            .problem(400, "invalid_query");
        let breached = srv
            .get("/api/v1/complaints?breached=true", &agent)
            .ok(200)
            .clone();
        assert_eq!(breached["total"], 1);
        assert_eq!(breached["items"][0]["id"], letter["id"]);
        assert_eq!(breached["items"][0]["breached"], true);
        srv.get("/api/v1/complaints?state=nope", &agent)
            .problem(400, "invalid_query");
        srv.get("/api/v1/complaints?state=closed&open=true", &agent)
            .problem(422, "validation");
        srv.get("/api/v1/complaints?limit=500", &agent)
            .problem(422, "validation");
        // Urgency: the breached letter first, the closed case last.
        let all = srv.get("/api/v1/complaints", &agent).ok(200).clone();
        let items = all["items"].as_array().unwrap();
        assert_eq!(items[0]["id"], letter["id"]);
        assert_eq!(items.last().unwrap()["id"], spot["id"]);
        assert!(items.last().unwrap()["urgent_seconds_left"].is_null());
        assert_eq!(items[1]["urgent_clock"], "hand_over");
        assert!(items[1]["urgent_seconds_left"].as_i64().unwrap() > 11 * 3600);
        assert!(items[1]["national_seconds_left"].as_i64().unwrap() > 0);
        let audit = srv
            .get(
                &format!("/api/v1/audit-events?entity_type=complaint&entity_id={id}"),
                &w.token("dir.a"),
            )
            .ok(200)
            .clone();
        assert_eq!(audit["total"], 1);
        assert_eq!(audit["items"][0]["action"], "create");

        // A retried intake with its Idempotency-Key is answered again, not taken in twice.
        let body = json!({"channel": "web", "customer_id": wang, "description": "网站留言投诉"});
        let taken = count(srv, &agent, "/api/v1/complaints");
        let first = srv.raw(
            "POST",
            "/api/v1/complaints",
            Some(&agent),
            &[("Idempotency-Key", "cmp-intake-1")],
            Some(("application/json", body.to_string())),
        );
        let again = srv.raw(
            "POST",
            "/api/v1/complaints",
            Some(&agent),
            &[("Idempotency-Key", "cmp-intake-1")],
            Some(("application/json", body.to_string())),
        );
        assert_eq!(first.ok(201)["number"], again.ok(201)["number"]);
        assert_eq!(again.header("idempotent-replayed"), Some("true"));
        assert_eq!(count(srv, &agent, "/api/v1/complaints"), taken + 1);

        // A complaint follows its complainant when the duplicate is merged away (CUS-10).
        let twin = customer(srv, &agent, "王秀英", "13800138009");
        let theirs = intake(
            srv,
            &agent,
            json!({"channel": "phone", "customer_id": twin, "description": "重复建档的投诉人"}),
        )
        .ok(201)
        .clone();
        srv.merge(&wang, &w.token("sup.a"), json!({"from_id": twin}))
            .ok(200);
        let moved = srv
            .get(&format!("/api/v1/complaints/{}", s(&theirs["id"])), &agent)
            .ok(200)
            .clone();
        assert_eq!(moved["customer_id"], json!(wang));

        // The limits are a setting (CMP-5): the seed's until an admin changes them.
        let settings = srv
            .get("/api/v1/settings/complaints", &w.admin)
            .ok(200)
            .clone();
        assert_eq!(settings["version"], 0);
        assert_eq!(
            settings["limits"]["hand_over"],
            json!({"unit": "calendar_hours", "amount": 12})
        );
        assert_eq!(
            settings["limits"]["case_other"],
            json!({"unit": "calendar_days", "amount": 14})
        );
        srv.get("/api/v1/settings/complaints", &agent)
            .problem(403, "forbidden");
        let mut limits = settings["limits"].clone();
        limits["hand_over"]["amount"] = json!(0);
        let r = srv.call(
            "PUT",
            "/api/v1/settings/complaints",
            Some(&w.admin),
            Some(&json!({"limits": limits, "version": 0})),
        );
        r.problem(422, "validation");
        assert_eq!(r.field_errors(), vec!["hand_over"]);
        limits["hand_over"]["amount"] = json!(6);
        srv.call(
            "PUT",
            "/api/v1/settings/complaints",
            Some(&w.admin),
            Some(&json!({"limits": limits})),
        )
        .problem(428, "precondition_required");
        srv.call(
            "PUT",
            "/api/v1/settings/complaints",
            Some(&agent),
            Some(&json!({"limits": limits, "version": 0})),
        )
        .problem(403, "forbidden");
        let saved = srv
            .call(
                "PUT",
                "/api/v1/settings/complaints",
                Some(&w.admin),
                Some(&json!({"limits": limits, "version": 0})),
            )
            .ok(200)
            .clone();
        assert_eq!(saved["version"], 1);
        let later = intake(
            srv,
            &agent,
            json!({"channel": "sms", "customer_id": wang, "description": "短信投诉"}),
        )
        .ok(201)
        .clone();
        assert_eq!(clock(&later, "hand_over")["limit"]["amount"], 6);
        // The earlier case keeps the limit its clock started with.
        let first = srv
            .get(&format!("/api/v1/complaints/{id}"), &agent)
            .ok(200)
            .clone();
        assert_eq!(clock(&first, "hand_over")["limit"]["amount"], 12);
    });
}

/// Takes `action` as `who` and answers the complaint (asserting 200).
fn step(srv: &Srv, w: &TwoInstitutions, who: &str, id: &str, body: Value) -> Value {
    mv(srv, &w.token(who), id, body).ok(200).clone()
}

#[test]
fn the_flow_moves_by_the_seeds_roles_with_both_disagreement_branches_and_a_history() {
    each_backend(|srv| {
        let w = TwoInstitutions::new(srv, STAFF);
        let agent = w.token("agent.a");
        let wang = customer(srv, &agent, "王秀英", "13800138001");
        let c = intake(
            srv,
            &agent,
            json!({"channel": "online_chat", "customer_id": wang, "description": "收费与报价不符"}),
        )
        .ok(201)
        .clone();
        let id = s(&c["id"]);

        // An action the state does not have: 409 naming the allowed ones.
        let r = mv(srv, &w.token("dir.a"), &id, json!({"action": "approve"}));
        r.problem(409, "invalid_transition");
        assert_eq!(
            r.body["allowed_actions"],
            json!(["hand_over", "accept", "pause"])
        );
        // The agent receives and hands over, the supervisor accepts.
        mv(srv, &agent, &id, json!({"action": "accept"})).problem(403, "forbidden");
        // 首诉负责制: another agent does not hand over someone else's case.
        mv(
            srv,
            &w.token("agent2.a"),
            &id,
            json!({"action": "hand_over"}),
        )
        .problem(403, "forbidden");
        // Stale or missing versions are refused; unknown actions and fields are bad input.
        srv.post(
            &format!("/api/v1/complaints/{id}/transitions"),
            &agent,
            json!({"action": "hand_over"}),
        )
        .problem(428, "precondition_required");
        mv(
            srv,
            &agent,
            &id,
            json!({"action": "hand_over", "version": 7}),
        )
        .problem(412, "stale");
        mv(srv, &agent, &id, json!({"action": "fly"})).problem(422, "invalid_body");
        mv(
            srv,
            &agent,
            &id,
            json!({"action": "hand_over", "solution": "x"}),
        )
        .problem(422, "validation");
        mv(srv, &agent, &id, json!({"action": "receive"})).problem(422, "validation");
        for (body, field) in [
            (
                json!({"action": "hand_over", "comment": "长".repeat(2001)}),
                "comment",
            ),
            (
                json!({"action": "hand_over", "comment": "a\u{200b}\u{202e}b"}),
                "comment",
            ),
            (
                json!({"action": "hand_over", "category": "billing"}),
                "category",
            ),
            (json!({"action": "hand_over", "outcome": "x"}), "outcome"),
        ] {
            let r = mv(srv, &agent, &id, body.clone());
            r.problem(422, "validation");
            assert_eq!(r.field_errors(), vec![field], "{body}");
        }
        mv(
            srv,
            &agent,
            &id,
            json!({"action": "hand_over", "severity": "huge"}),
        )
        .problem(422, "invalid_body");
        mv(
            srv,
            &agent,
            &id,
            json!({"action": "hand_over", "version": "one"}),
        )
        .problem(422, "invalid_body");
        // Nothing of that was written.
        assert_eq!(
            srv.get(&format!("/api/v1/complaints/{id}"), &agent).ok(200)["version"],
            1
        );
        let c = step(
            srv,
            &w,
            "agent.a",
            &id,
            json!({"action": "hand_over", "comment": "已移交客服部", "version": 1}),
        );
        assert_eq!(c["state"], "handed_over");
        assert_eq!(clock(&c, "hand_over")["state"], "met");
        assert_eq!(actions(&c), vec!["pause"]);
        let c = step(srv, &w, "sup.a", &id, json!({"action": "accept"}));
        assert_eq!(c["handler"]["id"], w.id("sup.a"));
        // CMP-5: the whole case (BJ01 is local: 7 days) and the investigation (3 working days).
        assert_eq!(
            clock(&c, "case")["limit"],
            json!({"unit": "calendar_days", "amount": 7})
        );
        assert_eq!(
            clock(&c, "investigation")["limit"],
            json!({"unit": "working_days", "amount": 3})
        );
        step(srv, &w, "sup.a", &id, json!({"action": "investigate"}));
        mv(srv, &w.token("sup.a"), &id, json!({"action": "analyse"})).problem(422, "validation");
        let c = step(
            srv,
            &w,
            "sup.a",
            &id,
            json!({"action": "analyse", "category": "billing", "severity": "general"}),
        );
        assert_eq!(c["state"], "analysed");
        assert_eq!(clock(&c, "investigation")["state"], "met");
        assert_eq!(clock(&c, "analysis")["state"], "running");
        mv(srv, &w.token("sup.a"), &id, json!({"action": "propose"})).problem(422, "validation");
        step(
            srv,
            &w,
            "sup.a",
            &id,
            json!({"action": "propose", "solution": "退还差价并致歉"}),
        );
        // Non-quality: the director or president approves, not medical affairs nor the supervisor.
        mv(srv, &w.token("med.a"), &id, json!({"action": "approve"})).problem(403, "forbidden");
        mv(srv, &w.token("sup.a"), &id, json!({"action": "approve"})).problem(403, "forbidden");
        mv(srv, &w.token("dir.a"), &id, json!({"action": "reject"})).problem(422, "validation");
        step(
            srv,
            &w,
            "dir.a",
            &id,
            json!({"action": "reject", "comment": "金额需核实"}),
        );
        step(
            srv,
            &w,
            "sup.a",
            &id,
            json!({"action": "propose", "solution": "退还差价 200 元并致歉"}),
        );
        let c = step(srv, &w, "pres.a", &id, json!({"action": "approve"}));
        assert_eq!(c["solution"], "退还差价 200 元并致歉");
        let c = step(srv, &w, "sup.a", &id, json!({"action": "negotiate"}));
        // CMP-5a: the complainant has the handling's result.
        assert_eq!(clock(&c, "national")["state"], "met");
        // The patient disagrees: the president re-negotiates, then the legal department.
        step(
            srv,
            &w,
            "sup.a",
            &id,
            json!({"action": "escalate", "comment": "患者要求全额退款"}),
        );
        let r = mv(
            srv,
            &w.token("pres.a"),
            &id,
            json!({"action": "request_consultation", "comment": "x"}),
        );
        r.problem(409, "invalid_transition");
        assert_eq!(
            r.body["allowed_actions"],
            json!(["agree", "refer_to_legal", "pause"])
        );
        step(
            srv,
            &w,
            "pres.a",
            &id,
            json!({"action": "refer_to_legal", "comment": "协商未果"}),
        );
        mv(srv, &w.token("sup.a"), &id, json!({"action": "conclude"})).problem(403, "forbidden");
        step(
            srv,
            &w,
            "exe.a",
            &id,
            json!({"action": "conclude", "outcome": "按协议退还差价"}),
        );
        step(
            srv,
            &w,
            "sup.a",
            &id,
            json!({"action": "finish_procedures"}),
        );
        let c = step(srv, &w, "sup.a", &id, json!({"action": "archive"}));
        assert_eq!(clock(&c, "case")["state"], "met");
        mv(
            srv,
            &w.token("sup.a"),
            &id,
            json!({"action": "finish_internal_handling"}),
        )
        .problem(403, "forbidden");
        step(
            srv,
            &w,
            "dir.a",
            &id,
            json!({"action": "finish_internal_handling"}),
        );
        let c = step(
            srv,
            &w,
            "med.a",
            &id,
            json!({"action": "complete", "comment": "前台报价流程已整改"}),
        );
        assert_eq!(c["state"], "closed");
        assert!(!c["closed_at"].is_null());
        assert_eq!(c["outcome"], "按协议退还差价");
        assert!(
            c["clocks"]
                .as_array()
                .unwrap()
                .iter()
                .all(|k| !k["stopped_at"].is_null())
        );
        let r = mv(
            srv,
            &w.token("sup.a"),
            &id,
            json!({"action": "pause", "comment": "x"}),
        );
        r.problem(409, "invalid_transition");
        assert!(
            r.body
                .get("allowed_actions")
                .is_none_or(|a| a == &json!([]))
        );

        let hist = srv
            .get(&format!("/api/v1/complaints/{id}/history"), &agent)
            .ok(200)
            .clone();
        let walk: Vec<String> = hist
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                format!(
                    "{}:{}>{}",
                    s(&e["action"]),
                    s(&e["from_state"]),
                    s(&e["to_state"])
                )
            })
            .collect();
        assert_eq!(
            walk,
            [
                "receive:>received",
                "hand_over:received>handed_over",
                "accept:handed_over>accepted",
                "investigate:accepted>investigating",
                "analyse:investigating>analysed",
                "propose:analysed>proposed",
                "reject:proposed>analysed",
                "propose:analysed>proposed",
                "approve:proposed>approved",
                "negotiate:approved>negotiating",
                "escalate:negotiating>president_review",
                "refer_to_legal:president_review>legal",
                "conclude:legal>procedures",
                "finish_procedures:procedures>archiving",
                "archive:archiving>internal_handling",
                "finish_internal_handling:internal_handling>improvement",
                "complete:improvement>closed",
            ]
        );
        assert_eq!(hist[1]["comment"], "已移交客服部");
        assert_eq!(hist[11]["actor"]["name"], "pres.a");

        // A quality complaint: medical affairs approves; expert consultation approved by the
        // executive, then the signed agreement.
        let q = s(&intake(
            srv,
            &agent,
            json!({"channel": "phone", "customer_id": wang, "description": "术后效果不佳"}),
        )
        .ok(201)["id"]);
        step(srv, &w, "dir.a", &q, json!({"action": "accept"}));
        step(srv, &w, "sup.a", &q, json!({"action": "investigate"}));
        step(
            srv,
            &w,
            "med.a",
            &q,
            json!({"action": "analyse", "category": "medical_effect"}),
        );
        let c = step(
            srv,
            &w,
            "med.a",
            &q,
            json!({"action": "propose", "solution": "院内专家会诊后免费修复"}),
        );
        assert_eq!(c["quality"], true);
        mv(srv, &w.token("dir.a"), &q, json!({"action": "approve"})).problem(403, "forbidden");
        step(srv, &w, "med.a", &q, json!({"action": "approve"}));
        step(srv, &w, "med.a", &q, json!({"action": "negotiate"}));
        step(
            srv,
            &w,
            "sup.a",
            &q,
            json!({"action": "escalate", "comment": "患者不接受修复方案"}),
        );
        step(
            srv,
            &w,
            "pres.a",
            &q,
            json!({"action": "request_consultation", "comment": "报集团医务部"}),
        );
        mv(
            srv,
            &w.token("pres.a"),
            &q,
            json!({"action": "approve_consultation"}),
        )
        .problem(403, "forbidden");
        step(
            srv,
            &w,
            "exe.a",
            &q,
            json!({"action": "approve_consultation"}),
        );
        let c = step(
            srv,
            &w,
            "med.a",
            &q,
            json!({"action": "sign_agreement", "outcome": "签订处理协议书，免费修复"}),
        );
        assert_eq!(c["state"], "procedures");

        // Waiting on the patient: a reason is needed; clocks pause; only resume is allowed.
        mv(srv, &w.token("sup.a"), &q, json!({"action": "pause"})).problem(422, "validation");
        let c = step(
            srv,
            &w,
            "sup.a",
            &q,
            json!({"action": "pause", "comment": "患者出国，资料待补"}),
        );
        assert_eq!(c["waiting_on_patient"], true);
        assert_eq!(clock(&c, "procedures")["state"], "paused");
        assert_eq!(actions(&c), vec!["resume"]);
        let r = mv(
            srv,
            &w.token("sup.a"),
            &q,
            json!({"action": "finish_procedures"}),
        );
        r.problem(409, "invalid_transition");
        assert_eq!(r.body["allowed_actions"], json!(["resume"]));
        let listed = srv
            .get("/api/v1/complaints?state=procedures", &agent)
            .ok(200)
            .clone();
        assert_eq!(listed["items"][0]["waiting_on_patient"], true);
        assert!(listed["items"][0]["urgent_clock"].is_null());
        let c = step(srv, &w, "sup.a", &q, json!({"action": "resume"}));
        assert_eq!(c["waiting_on_patient"], false);
        assert_eq!(clock(&c, "procedures")["state"], "running");

        // Two moves at once from the same version: one wins, the other is refused.
        let version = c["version"].as_i64().unwrap();
        let (a, b) = std::thread::scope(|sc| {
            let one = sc.spawn(|| {
                mv(
                    srv,
                    &w.token("sup.a"),
                    &q,
                    json!({"action": "finish_procedures", "version": version}),
                )
                .status
            });
            let two = sc.spawn(|| {
                mv(
                    srv,
                    &w.token("dir.a"),
                    &q,
                    json!({"action": "pause", "comment": "等患者签字", "version": version}),
                )
                .status
            });
            (one.join().unwrap(), two.join().unwrap())
        });
        let mut got = [a, b];
        got.sort();
        assert_eq!(got[0], 200, "{a} {b}");
        assert!(got[1] == 412 || got[1] == 409, "{a} {b}");
        let after = srv
            .get(&format!("/api/v1/complaints/{q}"), &agent)
            .ok(200)
            .clone();
        assert_eq!(after["version"].as_i64().unwrap(), version + 1);

        // SH01 is not local (京外): its whole-case clock is 14 days; A's staff cannot touch it.
        let b_customer = customer(srv, &w.token("agent.b"), "李强", "13800138002");
        let sh = s(&intake(
            srv,
            &w.token("agent.b"),
            json!({"channel": "email", "customer_id": b_customer, "description": "邮件投诉"}),
        )
        .ok(201)["number"]);
        assert!(sh.starts_with("SH01-") && sh.ends_with("-0001"), "{sh}");
        let b_list = srv
            .get("/api/v1/complaints", &w.token("sup.b"))
            .ok(200)
            .clone();
        assert_eq!(b_list["total"], 1);
        let b_id = s(&b_list["items"][0]["id"]);
        mv(
            srv,
            &w.token("sup.a"),
            &b_id,
            json!({"action": "accept", "version": 1}),
        )
        .problem(404, "not_found");
        let c = step(srv, &w, "sup.b", &b_id, json!({"action": "accept"}));
        assert_eq!(
            clock(&c, "case")["limit"],
            json!({"unit": "calendar_days", "amount": 14})
        );

        // Every move is in the audit trail.
        let audit = srv
            .get(
                &format!("/api/v1/audit-events?entity_type=complaint&entity_id={id}&action=update"),
                &w.token("dir.a"),
            )
            .ok(200)
            .clone();
        assert_eq!(audit["total"], 16);
    });
}

#[test]
fn fifty_concurrent_intakes_are_numbered_one_to_fifty_also_over_two_servers() {
    each_backend(|srv| {
        let w = TwoInstitutions::new(srv, &[("agent.a", "agent", At::A)]);
        let agent = w.token("agent.a");
        let wang = customer(srv, &agent, "王秀英", "13800138001");
        let twin = srv.twin(hcrm_api::Settings::default());
        let numbers: Vec<String> = std::thread::scope(|sc| {
            let handles: Vec<_> = (0..50)
                .map(|i| {
                    let (server, agent, wang) =
                        (if i % 2 == 0 { srv } else { &twin }, &agent, &wang);
                    sc.spawn(move || {
                        let r = intake(
                            server,
                            agent,
                            json!({"channel": "phone", "customer_id": wang,
                                   "description": format!("第 {i} 件")}),
                        );
                        s(&r.ok(201)["number"])
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
        assert_eq!(serials, (1..=50).collect::<Vec<u32>>(), "{numbers:?}");
        assert_eq!(count(srv, &agent, "/api/v1/complaints"), 50);
    });
}

/// The escalation job with explicit instants: a pause moves the deadline, a warning before
/// it, the breach and then the president, each once per clock and level — also when four
/// runners on their own pools run at the same instant.
#[test]
fn clocks_pause_breach_and_escalate_once_per_level_with_several_runners() {
    use hcrm_db::complaints::{self as store, MoveInput, clocks};
    use hcrm_domain::Scope;
    use hcrm_domain::complaint::{ComplaintAction, ComplaintState};

    each_backend(|srv| {
        let w = TwoInstitutions::new(srv, STAFF);
        let agent = w.token("agent.a");
        let wang = customer(srv, &agent, "王秀英", "13800138001");
        let c = intake(
            srv,
            &agent,
            json!({"channel": "phone", "customer_id": wang, "description": "电话无人接听"}),
        )
        .ok(201)
        .clone();
        let id: uuid::Uuid = s(&c["id"]).parse().unwrap();
        let t0 = at(&c["received_at"]);
        let pool = srv.db.pool();
        let mut conn = pool.get().unwrap();
        let sent = |conn: &mut hcrm_db::DbConn| -> Vec<(String, String)> {
            use diesel::prelude::*;
            use hcrm_db::schema::{complaint_clocks as k, complaint_escalations as e};
            let mut v: Vec<(String, String)> = e::table
                .inner_join(k::table)
                .filter(k::complaint_id.eq(id.to_string()))
                .select((k::kind, e::level))
                .load(conn)
                .unwrap();
            v.sort();
            v
        };
        let tasks = |level_owner: &str| -> i64 {
            srv.get(
                &format!(
                    "/api/v1/tasks?source_type=complaint_escalation&source_id={id}&owner_id={}",
                    w.id(level_owner)
                ),
                &w.token("dir.a"),
            )
            .ok(200)["total"]
                .as_i64()
                .unwrap()
        };
        let actor: uuid::Uuid = w.id("sup.a").parse().unwrap();
        let make = |conn: &mut hcrm_db::DbConn, action, when| {
            let v = store::get(conn, &Scope::Group, id, false, when)
                .unwrap()
                .version;
            store::make_move(
                conn,
                &Scope::Group,
                id,
                v,
                action,
                ComplaintState::Received,
                &MoveInput {
                    comment: Some("患者电话未接通".into()),
                    ..Default::default()
                },
                actor,
                when,
            )
            .unwrap()
        };
        // Nothing is due an hour in; then the case waits on the patient for 19 hours.
        assert_eq!(
            clocks::escalate(&mut conn, t0 + Duration::hours(1))
                .unwrap()
                .escalations,
            0
        );
        make(&mut conn, ComplaintAction::Pause, t0 + Duration::hours(1));
        assert_eq!(
            clocks::escalate(&mut conn, t0 + Duration::hours(13))
                .unwrap()
                .escalations,
            0
        );
        let paused = store::get(
            &mut conn,
            &Scope::Group,
            id,
            false,
            t0 + Duration::hours(13),
        )
        .unwrap();
        let hand_over = paused
            .clocks
            .iter()
            .find(|k| k.kind.code() == "hand_over")
            .unwrap();
        assert_eq!(hand_over.state.code(), "paused");
        assert_eq!(hand_over.seconds_left, 11 * 3600);
        let (_, resumed) = make(&mut conn, ComplaintAction::Resume, t0 + Duration::hours(20));
        let hand_over = resumed
            .clocks
            .iter()
            .find(|k| k.kind.code() == "hand_over")
            .unwrap();
        assert_eq!(hand_over.deadline, t0 + Duration::hours(31));
        // 3 hours left: the supervisor is warned, once.
        let run = clocks::escalate(&mut conn, t0 + Duration::hours(28)).unwrap();
        assert_eq!((run.escalations, run.tasks), (1, 1));
        assert_eq!(
            clocks::escalate(&mut conn, t0 + Duration::hours(29))
                .unwrap()
                .escalations,
            0
        );
        assert_eq!(tasks("sup.a"), 1);
        // Past the deadline: the breach goes to the supervisor and the director.
        let run = clocks::escalate(&mut conn, t0 + Duration::hours(32)).unwrap();
        assert_eq!((run.breaches_noted, run.escalations, run.tasks), (1, 1, 2));
        assert_eq!(tasks("sup.a"), 2);
        assert_eq!(tasks("dir.a"), 1);
        // A breached clock stays breached, paused or not.
        make(&mut conn, ComplaintAction::Pause, t0 + Duration::hours(33));
        let after = store::get(
            &mut conn,
            &Scope::Group,
            id,
            false,
            t0 + Duration::hours(34),
        )
        .unwrap();
        let hand_over = after
            .clocks
            .iter()
            .find(|k| k.kind.code() == "hand_over")
            .unwrap();
        assert_eq!(hand_over.state.code(), "breached");
        make(&mut conn, ComplaintAction::Resume, t0 + Duration::hours(34));
        // A day past the deadline, four runners at once: the president is told once.
        let when = t0 + Duration::hours(57);
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
        let total: usize = runs.iter().map(|r| r.escalations).sum();
        assert_eq!(total, 1, "{runs:?}");
        assert_eq!(tasks("pres.a"), 1);
        assert_eq!(
            sent(&mut conn),
            vec![
                ("hand_over".to_string(), "breach".to_string()),
                ("hand_over".to_string(), "president".to_string()),
                ("hand_over".to_string(), "warning".to_string()),
            ]
        );
        // The list counts the case as breached, and shows the clock past due.
        let listed = srv
            .get("/api/v1/complaints?breached=true", &agent)
            .ok(200)
            .clone();
        assert_eq!(listed["total"], 1);
    });
}
