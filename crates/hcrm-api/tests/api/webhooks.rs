//! 事件推送 (INT-3) through the API on both backends: subscriptions created (the secret shown
//! once), changed under their version, rotated and deleted; bad input refused with nothing
//! written; another institution's subscription or message is 404 on every path and a role
//! without `webhook.manage` 403; every event kind of the issue (complaint recorded, escalated,
//! closed; appointment booked, cancelled; visit recorded; customers merged) becomes one
//! message per matching active subscription of its institution, in the raising transaction;
//! the message's body and log; manual redelivery. The worker's sending is tested in
//! `crates/hcrm-server/tests/` and end to end in `tests/e2e/webhooks.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use base64::Engine;
use chrono::{Duration, Utc};
use common::Srv;
use common::world::{At, TwoInstitutions};
use hcrm_api::Settings;
use hcrm_db::testing::backends;
use serde_json::{Value, json};
use uuid::Uuid;

const STAFF: &[(&str, &str, At)] = &[
    ("agent.a", "agent", At::A),
    ("sup.a", "supervisor", At::A),
    ("admin.a", "admin", At::A),
    ("admin.b", "admin", At::B),
    ("agent.b", "agent", At::B),
];

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

/// A server on each backend whose webhooks may name 127.0.0.1 (as the tests' receivers).
fn each_backend(f: impl Fn(&Srv)) {
    for backend in backends() {
        let srv = Srv::start(
            backend,
            Settings {
                webhook_allow_private: true,
                ..Settings::default()
            },
        );
        f(&srv);
    }
}

fn subscribe(srv: &Srv, token: &str, body: Value) -> Value {
    srv.post("/api/v1/webhooks", token, body).ok(201).clone()
}

fn deliveries(srv: &Srv, token: &str, sub: &str) -> Vec<Value> {
    srv.get(
        &format!("/api/v1/webhooks/{sub}/deliveries?limit=200"),
        token,
    )
    .ok(200)["items"]
        .as_array()
        .unwrap()
        .clone()
}

fn kinds(list: &[Value]) -> Vec<String> {
    let mut k: Vec<String> = list.iter().map(|d| s(&d["event_type"])).collect();
    k.sort();
    k
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

#[test]
fn subscriptions_are_managed_checked_and_scoped() {
    each_backend(|srv| {
        let w = TwoInstitutions::new(srv, STAFF);
        let (admin_a, admin_b, agent) =
            (w.token("admin.a"), w.token("admin.b"), w.token("agent.a"));
        let types = srv
            .get("/api/v1/webhooks/event-types", &admin_a)
            .ok(200)
            .clone();
        let codes: Vec<String> = types
            .as_array()
            .unwrap()
            .iter()
            .map(|t| s(&t["code"]))
            .collect();
        for k in [
            "complaint_created",
            "complaint_escalated",
            "complaint_closed",
            "appointment_booked",
            "appointment_cancelled",
            "visit_recorded",
            "customer_merged",
        ] {
            assert!(codes.contains(&k.to_string()), "{k} in {codes:?}");
        }
        assert!(
            types[0]["label_zh"]
                .as_str()
                .unwrap()
                .chars()
                .any(|c| c > '\u{2e80}')
        );

        let created = srv.post(
            "/api/v1/webhooks",
            &admin_a,
            json!({"url": "http://127.0.0.1:9/hooks", "description": "HIS 测试环境",
                   "event_types": ["visit_recorded", "complaint_created", "visit_recorded"]}),
        );
        let body = created.ok(201).clone();
        assert_eq!(created.header("etag"), Some("\"1\""));
        let secret = s(&body["secret"]);
        let key = base64::engine::general_purpose::STANDARD
            .decode(secret.strip_prefix("whsec_").unwrap())
            .unwrap();
        assert_eq!(key.len(), 32);
        let sub = body["subscription"].clone();
        let id = s(&sub["id"]);
        assert_eq!(sub["institution_id"], w.inst_a["id"]);
        assert_eq!(
            sub["event_types"],
            json!(["visit_recorded", "complaint_created"])
        );
        assert_eq!(sub["active"], true);
        assert!(secret.starts_with(s(&sub["secret_hint"]).as_str()));
        // The secret is shown once: reads never carry it.
        let read = srv
            .get(&format!("/api/v1/webhooks/{id}"), &admin_a)
            .ok(200)
            .clone();
        assert!(read.get("secret").is_none() && !read.to_string().contains(&secret));
        assert_eq!(srv.get("/api/v1/webhooks", &admin_a).ok(200)["total"], 1);

        // Another institution's admin: 404 on every path, nothing listed.
        for path in [
            format!("/api/v1/webhooks/{id}"),
            format!("/api/v1/webhooks/{id}/deliveries"),
        ] {
            srv.get(&path, &admin_b).problem(404, "not_found");
        }
        srv.patch(
            &format!("/api/v1/webhooks/{id}"),
            &admin_b,
            1,
            json!({"active": false}),
        )
        .problem(404, "not_found");
        srv.post(
            &format!("/api/v1/webhooks/{id}/rotate-secret"),
            &admin_b,
            json!({}),
        )
        .problem(404, "not_found");
        srv.call(
            "DELETE",
            &format!("/api/v1/webhooks/{id}"),
            Some(&admin_b),
            None,
        )
        .problem(404, "not_found");
        assert_eq!(srv.get("/api/v1/webhooks", &admin_b).ok(200)["total"], 0);
        // …nor may it subscribe to institution A's events.
        srv.post(
            "/api/v1/webhooks",
            &admin_b,
            json!({"institution_id": w.inst_a["id"], "url": "https://x.cn/", "event_types": ["visit_recorded"]}),
        )
        .problem(422, "validation");
        // A role without webhook.manage: 403 everywhere.
        for path in [
            "/api/v1/webhooks".to_string(),
            "/api/v1/webhooks/event-types".to_string(),
            format!("/api/v1/webhooks/{id}"),
            format!("/api/v1/webhooks/{id}/deliveries"),
            format!("/api/v1/webhooks/deliveries/{}", Uuid::now_v7()),
        ] {
            srv.get(&path, &agent).problem(403, "forbidden");
        }
        srv.post(
            "/api/v1/webhooks",
            &agent,
            json!({"url": "https://x.cn/", "event_types": ["visit_recorded"]}),
        )
        .problem(403, "forbidden");

        // Bad input: 422 naming the field, nothing written.
        let long_url = format!("https://his.example.cn/{}", "a".repeat(3_000));
        let long_text = "长".repeat(10_000);
        for (body, field) in [
            (
                json!({"url": "ftp://x.cn/h", "event_types": ["visit_recorded"]}),
                "url",
            ),
            (
                json!({"url": "javascript:alert(1)", "event_types": ["visit_recorded"]}),
                "url",
            ),
            (
                json!({"url": "http://user:pw@x.cn/", "event_types": ["visit_recorded"]}),
                "url",
            ),
            (
                json!({"url": "http:// x.cn/", "event_types": ["visit_recorded"]}),
                "url",
            ),
            (
                json!({"url": long_url, "event_types": ["visit_recorded"]}),
                "url",
            ),
            (
                json!({"url": "https://x.cn/", "event_types": []}),
                "event_types",
            ),
            (
                json!({"url": "https://x.cn/", "event_types": ["visit_exploded"]}),
                "",
            ),
            (
                json!({"url": "https://x.cn/", "event_types": ["visit_recorded"], "description": long_text}),
                "description",
            ),
            (
                json!({"url": "https://x.cn/", "event_types": ["visit_recorded"], "description": "a\u{0}b"}),
                "description",
            ),
            (
                json!({"url": "https://x.cn/", "event_types": ["visit_recorded"], "secret": "mine"}),
                "",
            ),
        ] {
            let r = srv.post("/api/v1/webhooks", &admin_a, body.clone());
            assert_eq!(r.status, 422, "{body}: {}", r.body);
            assert_eq!(r.content_type, "application/problem+json");
            if !field.is_empty() {
                assert!(
                    r.field_errors().contains(&field.to_string()),
                    "{body}: {}",
                    r.body
                );
            }
        }
        assert_eq!(srv.get("/api/v1/webhooks", &admin_a).ok(200)["total"], 1);
        // A server that does not allow private addresses refuses them at once.
        let strict = srv.twin(Settings::default());
        for url in [
            "http://127.0.0.1:8080/h",
            "http://169.254.169.254/latest",
            "http://[::1]/h",
            "http://10.0.0.8/h",
        ] {
            let r = strict.post(
                "/api/v1/webhooks",
                &admin_a,
                json!({"url": url, "event_types": ["visit_recorded"]}),
            );
            r.problem(422, "validation");
            assert_eq!(r.body["errors"][0]["code"], "private_address", "{url}");
        }
        strict
            .post(
                "/api/v1/webhooks",
                &admin_a,
                json!({"url": "https://his.example.cn/h", "event_types": ["visit_recorded"]}),
            )
            .ok(201);

        // Changes under the version read; a bad change changes nothing.
        let path = format!("/api/v1/webhooks/{id}");
        srv.patch(&path, &admin_a, 1, json!({"url": "gopher://x.cn/"}))
            .problem(422, "validation");
        assert_eq!(
            srv.patch(&path, &admin_a, 1, json!({"event_types": ["nope"]}))
                .status,
            422
        );
        let off = srv
            .patch(
                &path,
                &admin_a,
                1,
                json!({"active": false, "event_types": ["customer_merged"], "description": null}),
            )
            .ok(200)
            .clone();
        assert_eq!(off["version"], 2);
        assert_eq!(off["active"], false);
        assert_eq!(off["event_types"], json!(["customer_merged"]));
        assert_eq!(off["description"], Value::Null);
        srv.patch(&path, &admin_a, 1, json!({"active": true}))
            .problem(412, "stale");
        srv.call(
            "PATCH",
            &path,
            Some(&admin_a),
            Some(&json!({"active": true})),
        )
        .problem(428, "precondition_required");

        // Rotation: a new secret shown once; the old one keeps signing for a day.
        let rotated = srv
            .post(
                &format!("/api/v1/webhooks/{id}/rotate-secret"),
                &admin_a,
                json!({}),
            )
            .ok(200)
            .clone();
        let new_secret = s(&rotated["secret"]);
        assert!(new_secret.starts_with("whsec_") && new_secret != secret);
        let until = rotated["subscription"]["previous_secret_until"]
            .as_str()
            .unwrap();
        let until = chrono::DateTime::parse_from_rfc3339(until).unwrap();
        assert!(until > Utc::now() + Duration::hours(23));
        assert_eq!(rotated["subscription"]["version"], 3);

        // Audited, with no secret in the trail.
        let trail = srv
            .get(
                "/api/v1/audit-events?entity_type=webhook_subscription",
                &w.admin,
            )
            .ok(200)
            .clone();
        assert!(trail["total"].as_i64().unwrap() >= 3, "{trail}");
        assert!(!trail.to_string().contains(&secret) && !trail.to_string().contains(&new_secret));

        srv.call("DELETE", &path, Some(&admin_a), None).ok(204);
        srv.get(&path, &admin_a).problem(404, "not_found");
    });
}

/// The events of institution A as they reach the outbox.
#[test]
fn each_event_kind_becomes_one_message_per_matching_active_subscription() {
    each_backend(|srv| {
        let w = TwoInstitutions::new(srv, STAFF);
        let (admin_a, admin_b, agent, sup) = (
            w.token("admin.a"),
            w.token("admin.b"),
            w.token("agent.a"),
            w.token("sup.a"),
        );
        let all: Vec<&str> = vec![
            "complaint_created",
            "complaint_escalated",
            "complaint_closed",
            "appointment_booked",
            "appointment_cancelled",
            "visit_recorded",
            "customer_merged",
        ];
        let url = "http://127.0.0.1:9/hooks";
        let everything = s(
            &subscribe(srv, &admin_a, json!({"url": url, "event_types": all}))["subscription"]["id"],
        );
        let visits_only = s(&subscribe(
            srv,
            &admin_a,
            json!({"url": url, "event_types": ["visit_recorded"]}),
        )["subscription"]["id"]);
        let off = s(&subscribe(
            srv,
            &admin_a,
            json!({"url": url, "event_types": all, "active": false}),
        )["subscription"]["id"]);
        let other = s(
            &subscribe(srv, &admin_b, json!({"url": url, "event_types": all}))["subscription"]["id"],
        );

        // Complaints: one recorded, one settled on the spot (recorded and closed).
        let wang = customer(srv, &agent, "王秀英", "13800138001");
        srv.post(
            "/api/v1/complaints",
            &agent,
            json!({"channel": "phone", "customer_id": wang, "description": "挂号排队太久"}),
        )
        .ok(201);
        srv.post(
            "/api/v1/complaints",
            &agent,
            json!({"channel": "in_person", "customer_id": wang, "description": "候诊区太冷",
                   "settled_on_spot": true, "outcome": "已调高空调温度并致歉"}),
        )
        .ok(201);
        // A visit.
        srv.post(
            "/api/v1/visits",
            &agent,
            json!({"customer_id": wang, "kind": "outpatient",
            "visited_at": (Utc::now() - Duration::hours(2)).to_rfc3339(), "amount_fen": 12800}),
        )
        .ok(201);
        // An appointment booked, then cancelled.
        let dep = srv.post("/api/v1/departments", &w.admin,
            json!({"institution_id": w.inst_a["id"], "name": "心内科", "phone": "010-65432101"})).ok(201).clone();
        let doc = srv
            .post(
                "/api/v1/doctors",
                &w.admin,
                json!({"department_id": dep["id"], "name": "李建国", "title": "主任医师"}),
            )
            .ok(201)
            .clone();
        let day = (Utc::now() + Duration::days(3)).date_naive();
        let session = s(&srv.post("/api/v1/clinic-sessions", &sup,
            json!({"doctor_id": doc["id"], "date": day, "half_day": "afternoon", "capacity": 3})).ok(201)["id"]);
        let appt = srv
            .post(
                "/api/v1/appointments",
                &agent,
                json!({"customer_id": wang, "session_id": session, "kind": "expert_consultation"}),
            )
            .ok(201)
            .clone();
        srv.post(
            &format!("/api/v1/appointments/{}/transitions", s(&appt["id"])),
            &agent,
            json!({"action": "cancel", "reason": "出差", "version": appt["version"]}),
        )
        .ok(200);
        // Two customers merged.
        let dup = customer(srv, &agent, "王秀英", "13800138002");
        srv.merge(&wang, &sup, json!({"from_id": dup})).ok(200);
        // Escalations: the complaint job a month on sends each (clock, level) once.
        {
            let mut conn = srv.db.pool().get().unwrap();
            let later = Utc::now() + Duration::days(30);
            let run = hcrm_db::complaints::clocks::escalate(&mut conn, later).unwrap();
            assert!(run.escalations >= 1, "{run:?}");
            let again = hcrm_db::complaints::clocks::escalate(&mut conn, later).unwrap();
            assert_eq!(again.escalations, 0);
        }
        // Saving a visit again raises nothing new.
        let got = deliveries(srv, &admin_a, &everything);
        let k = kinds(&got);
        let n = |kind: &str| k.iter().filter(|x| *x == kind).count();
        assert_eq!(n("complaint_created"), 2, "{k:?}");
        assert_eq!(n("complaint_closed"), 1, "{k:?}");
        assert_eq!(n("visit_recorded"), 1, "{k:?}");
        assert_eq!(n("appointment_booked"), 1, "{k:?}");
        assert_eq!(n("appointment_cancelled"), 1, "{k:?}");
        assert_eq!(n("customer_merged"), 1, "{k:?}");
        assert!(n("complaint_escalated") >= 1, "{k:?}");
        // Each escalation is its own event (one per clock and level), never one twice.
        let mut ids: Vec<String> = got.iter().map(|d| s(&d["webhook_id"])).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), got.len());
        assert!(
            got.iter()
                .all(|d| d["status"] == "pending" && d["attempts"] == 0)
        );
        assert_eq!(
            kinds(&deliveries(srv, &admin_a, &visits_only)),
            vec!["visit_recorded"]
        );
        assert!(deliveries(srv, &admin_a, &off).is_empty());
        assert!(deliveries(srv, &admin_b, &other).is_empty());
        let pending = srv
            .get(
                &format!("/api/v1/webhooks/{everything}/deliveries?status=pending&limit=1"),
                &admin_a,
            )
            .ok(200)
            .clone();
        assert_eq!(pending["total"].as_u64().unwrap() as usize, got.len());
        srv.get(
            &format!("/api/v1/webhooks/{everything}/deliveries?status=lost"),
            &admin_a,
        )
        .problem(400, "invalid_query");

        // One message: its body (ids, never the complainant's words), its empty log.
        let closed = got
            .iter()
            .find(|d| d["event_type"] == "complaint_closed")
            .unwrap();
        let did = s(&closed["id"]);
        let detail = srv
            .get(&format!("/api/v1/webhooks/deliveries/{did}"), &admin_a)
            .ok(200)
            .clone();
        assert_eq!(detail["body"]["type"], "complaint_closed");
        assert_eq!(detail["body"]["data"]["customer_id"], wang.as_str());
        assert_eq!(detail["body"]["data"]["record"]["state"], "closed");
        assert!(!detail.to_string().contains("候诊区太冷"));
        assert_eq!(detail["attempts"], json!([]));
        let event_id = s(&detail["body"]["data"]["event_id"]);
        assert_eq!(
            s(&detail["delivery"]["webhook_id"]),
            format!("msg_{}", event_id.replace('-', ""))
        );
        srv.get(&format!("/api/v1/webhooks/deliveries/{did}"), &admin_b)
            .problem(404, "not_found");
        srv.post(
            &format!("/api/v1/webhooks/deliveries/{did}/redeliver"),
            &admin_b,
            json!({}),
        )
        .problem(404, "not_found");
        srv.post(
            &format!("/api/v1/webhooks/deliveries/{did}/redeliver"),
            &agent,
            json!({}),
        )
        .problem(403, "forbidden");

        // Redelivery: refused while a server holds it, queued anew after an attempt failed.
        let server = "test-server";
        let claimed = {
            let mut conn = srv.db.pool().get().unwrap();
            hcrm_db::webhooks::outbox::claim(
                &mut conn,
                server,
                hcrm_db::now(),
                Duration::seconds(60),
                500,
            )
            .unwrap()
        };
        assert_eq!(
            claimed.len(),
            got.len() + 1,
            "every pending message of A's active subscriptions"
        );
        srv.post(
            &format!("/api/v1/webhooks/deliveries/{did}/redeliver"),
            &admin_a,
            json!({}),
        )
        .problem(409, "wrong_state");
        {
            let mut conn = srv.db.pool().get().unwrap();
            let outcome = hcrm_db::webhooks::outbox::Outcome {
                attempted_at: hcrm_db::now(),
                duration_ms: 12,
                status_code: Some(503),
                retry_after: Some(Duration::seconds(120)),
                response_excerpt: Some("busy".into()),
                error: None,
            };
            let status = hcrm_db::webhooks::outbox::finish(
                &mut conn,
                server,
                Uuid::parse_str(&did).unwrap(),
                &outcome,
            )
            .unwrap();
            assert_eq!(status.code(), "pending");
        }
        let detail = srv
            .get(&format!("/api/v1/webhooks/deliveries/{did}"), &admin_a)
            .ok(200)
            .clone();
        assert_eq!(detail["delivery"]["attempts"], 1);
        assert_eq!(detail["delivery"]["last_status_code"], 503);
        assert_eq!(detail["attempts"][0]["response_excerpt"], "busy");
        assert_eq!(detail["attempts"][0]["success"], false);
        // Retry-After 120 s beats the schedule's 5 s.
        let next = chrono::DateTime::parse_from_rfc3339(
            detail["delivery"]["next_attempt_at"].as_str().unwrap(),
        )
        .unwrap();
        assert!(next > Utc::now() + Duration::seconds(100), "{next}");
        let again = srv.post(
            &format!("/api/v1/webhooks/deliveries/{did}/redeliver"),
            &admin_a,
            json!({}),
        );
        let again = again.ok(202).clone();
        assert_eq!(again["attempts"], 0);
        assert_eq!(again["status"], "pending");
        let due = chrono::DateTime::parse_from_rfc3339(again["next_attempt_at"].as_str().unwrap())
            .unwrap();
        assert!(due <= Utc::now() + Duration::seconds(1));
        // Off: redelivery waits for it to be turned on.
        srv.patch(
            &format!("/api/v1/webhooks/{everything}"),
            &admin_a,
            1,
            json!({"active": false}),
        )
        .ok(200);
        srv.post(
            &format!("/api/v1/webhooks/deliveries/{did}/redeliver"),
            &admin_a,
            json!({}),
        )
        .problem(409, "wrong_state");
    });
}
