//! HIS batch upserts (INT-1, INT-2, X-8; issue 12) through the API on both backends, as an
//! integration client with an API key: patients, visits and money lines created, updated and
//! unchanged; patients matched by HIS id, then ID number (linked, said so), never by name;
//! unknown patients rejected or created when asked; one bad item rejects the whole batch and
//! nothing is written, with every item's result stored; bad input of every kind; a replay
//! answers the stored results and changes nothing; events once (an admission makes its task);
//! audit as the client; scoping of institutions and clients; 403s; and the same batch sent to
//! two servers at once written once, with and without a batch id.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use chrono::{Duration, Utc};
use common::world::{At, TwoInstitutions};
use common::{Res, Srv, each_backend};
use serde_json::{Value, json};

const STAFF: &[(&str, &str, At)] = &[
    ("agent.a", "agent", At::A),
    ("sup.a", "supervisor", At::A),
    ("dir.a", "director", At::A),
    ("sup.b", "supervisor", At::B),
];

const PATH: &str = "/api/v1/integration/batches";

/// A valid mainland resident ID number born on 1950-01-01 + `n` days' worth of serials.
pub fn id_number(n: u32) -> String {
    let body = format!("110105195001{:02}{:03}", 1 + n % 28, n % 1000);
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body
        .chars()
        .zip(weights)
        .map(|(c, w)| c.to_digit(10).unwrap() * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{body}{check}")
}

fn ago(days: i64) -> String {
    (Utc::now() - Duration::days(days)).to_rfc3339()
}

/// An integration user of institution `inst` and an API key for it (all its scopes, or
/// `scopes`).
fn his_key(
    srv: &Srv,
    w: &TwoInstitutions,
    name: &str,
    inst: &Value,
    scopes: Option<&[&str]>,
) -> String {
    let user = srv.user(&w.admin, name, &["integration"], inst);
    let mut body = json!({"name": format!("{name} key")});
    if let Some(s) = scopes {
        body["scopes"] = json!(s);
    }
    srv.post(
        &format!("/api/v1/users/{}/api-keys", user["id"].as_str().unwrap()),
        &w.admin,
        body,
    )
    .ok(201)["key"]
        .as_str()
        .unwrap()
        .to_string()
}

fn send(srv: &Srv, key: &str, body: &Value) -> Res {
    srv.post(PATH, key, body.clone())
}

fn results(res: &Value) -> Vec<(String, String)> {
    res["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["external_id"].as_str().unwrap().to_string(),
                i["result"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn pair(a: &str, b: &str) -> (String, String) {
    (a.to_string(), b.to_string())
}

/// Every domain event, as (kind, subject type).
fn events(srv: &Srv) -> Vec<(String, String)> {
    let mut conn = srv.db.pool().get().unwrap();
    hcrm_db::events::after(&mut conn, 0, 1_000_000)
        .unwrap()
        .into_iter()
        .map(|e| (e.kind.code().to_string(), e.subject_type))
        .collect()
}

fn visits_total(srv: &Srv, token: &str, query: &str) -> i64 {
    srv.get(&format!("/api/v1/visits?{query}"), token).ok(200)["total"]
        .as_i64()
        .unwrap()
}

fn audit_total(srv: &Srv, admin: &str, query: &str) -> i64 {
    srv.get(&format!("/api/v1/audit-events?{query}"), admin)
        .ok(200)["total"]
        .as_i64()
        .unwrap()
}

fn first_batch() -> Value {
    json!({
        "batch_id": "HIS-0001",
        "patients": [
            {"external_id": "P1", "name": "王秀英", "id_number": id_number(1),
             "phones": ["13800138001"]},
            {"external_id": "P2", "name": "李建国", "phones": ["13800138002"]}
        ],
        "visits": [
            {"external_id": "MZ-1", "patient_external_id": "P1", "kind": "outpatient",
             "visited_at": ago(10), "amount_fen": 30000, "insurance_fen": 10000, "paid_fen": 20000},
            {"external_id": "ZY-1", "patient_external_id": "P1", "kind": "inpatient",
             "visited_at": ago(5), "diagnosis_category": "心血管疾病"},
            {"external_id": "SS-1", "patient_external_id": "P2", "kind": "surgery",
             "visited_at": ago(4), "amount_fen": 500000, "paid_fen": 500000}
        ],
        "charges": [
            {"external_id": "SF-1", "visit_external_id": "ZY-1", "kind": "charge",
             "amount_fen": 880000, "insurance_fen": 500000, "occurred_at": ago(4), "item": "冠脉造影"},
            {"external_id": "JF-1", "visit_external_id": "ZY-1", "kind": "payment",
             "amount_fen": 300000, "occurred_at": ago(4)}
        ]
    })
}

#[test]
fn a_batch_writes_patients_visits_and_lines_once_and_a_replay_changes_nothing() {
    each_backend(|srv| {
        let w = TwoInstitutions::new(srv, STAFF);
        let key = his_key(srv, &w, "his.a", &w.inst_a, None);
        let sup = w.token("sup.a");
        let body = first_batch();
        let res = send(srv, &key, &body).ok(200).clone();
        assert_eq!(res["status"], "applied");
        assert_eq!(res["replayed"], false);
        assert_eq!(res["batch_id"], "HIS-0001");
        assert_eq!(res["client_name"], "his.a");
        assert_eq!(res["counts"]["created"], 7);
        assert!(results(&res).iter().all(|(_, r)| r == "created"), "{res}");
        // Visits as staff see them; the stay's totals are its lines'.
        assert_eq!(visits_total(srv, &sup, ""), 3);
        let stay = srv.get("/api/v1/visits?external_id=ZY-1", &sup).ok(200)["items"][0].clone();
        assert_eq!(stay["amount_fen"], 880000);
        assert_eq!(stay["insurance_fen"], 500000);
        assert_eq!(stay["paid_fen"], 300000);
        assert_eq!(stay["arrears_fen"], 80000);
        assert_eq!(
            stay["sequence"], "return",
            "P1's outpatient visit came first"
        );
        let mz = srv.get("/api/v1/visits?external_id=MZ-1", &sup).ok(200)["items"][0].clone();
        assert_eq!(mz["sequence"], "first");
        // The same events as a visit entered by hand, and the lines' spending and payment.
        let mut kinds: Vec<String> = events(srv).into_iter().map(|(k, _)| k).collect();
        kinds.sort();
        assert_eq!(
            kinds,
            [
                "payment_recorded",
                "spending_recorded",
                "visit_admitted",
                "visit_recorded",
                "visit_recorded",
                "visit_recorded",
                "visit_surgery"
            ]
        );
        // The admission made its task, once.
        let stay_id = stay["id"].as_str().unwrap();
        let tasks = srv
            .get(
                &format!("/api/v1/tasks?source_type=visit&source_id={stay_id}"),
                &sup,
            )
            .ok(200)["total"]
            .clone();
        assert_eq!(tasks, 1);
        // Audited as the client: one entry per record written, and the batch.
        let his_id = res["client_id"].as_str().unwrap();
        let audited = audit_total(srv, &w.admin, &format!("actor_id={his_id}"));
        assert_eq!(
            audit_total(
                srv,
                &w.admin,
                &format!("actor_id={his_id}&entity_type=visit")
            ),
            3 + 1,
            "three visits created, the stay's totals set by its lines"
        );
        assert_eq!(
            audit_total(
                srv,
                &w.admin,
                &format!("actor_id={his_id}&entity_type=visit_charge")
            ),
            2
        );
        assert_eq!(
            audit_total(
                srv,
                &w.admin,
                &format!("actor_id={his_id}&entity_type=customer")
            ),
            2
        );

        // A replay: the stored answer, nothing written.
        let again = send(srv, &key, &body);
        assert_eq!(again.header("idempotent-replayed"), Some("true"));
        let again = again.ok(200).clone();
        assert_eq!(again["replayed"], true);
        assert_eq!(again["items"], res["items"]);
        assert_eq!(again["id"], res["id"]);
        assert_eq!(
            audit_total(srv, &w.admin, &format!("actor_id={his_id}")),
            audited
        );
        assert_eq!(events(srv).len(), 7);
        // The same id with another batch is refused.
        let mut other = body.clone();
        other["visits"][0]["amount_fen"] = json!(1);
        send(srv, &key, &other).problem(422, "validation");
        // The same batch without an id: each item unchanged, no event, nothing changed.
        let mut keyless = body.clone();
        keyless.as_object_mut().unwrap().remove("batch_id");
        let res2 = send(srv, &key, &keyless).ok(200).clone();
        assert!(
            results(&res2).iter().all(|(_, r)| r == "unchanged"),
            "{res2}"
        );
        assert_eq!(res2["items"][2]["id"], res["items"][2]["id"]);
        assert_eq!(events(srv).len(), 7);
        assert_eq!(visits_total(srv, &sup, ""), 3);
        assert_eq!(
            audit_total(srv, &w.admin, &format!("actor_id={his_id}")),
            audited + 1,
            "only the batch's own entry"
        );

        // The discharge: the stay sent again with its end — updated, discharged once.
        let discharge = json!({"visits": [
            {"external_id": "ZY-1", "patient_external_id": "P1", "kind": "inpatient",
             "visited_at": body["visits"][1]["visited_at"], "ended_at": ago(1),
             "diagnosis_category": "心血管疾病"}]});
        let d = send(srv, &key, &discharge).ok(200).clone();
        assert_eq!(results(&d), [pair("ZY-1", "updated")]);
        let d2 = send(srv, &key, &discharge).ok(200).clone();
        assert_eq!(results(&d2), [pair("ZY-1", "unchanged")]);
        let kinds: Vec<String> = events(srv).into_iter().map(|(k, _)| k).collect();
        assert_eq!(kinds.iter().filter(|k| *k == "visit_discharged").count(), 1);
        // Its money stays its lines' though the item says none.
        let stay = srv.get("/api/v1/visits?external_id=ZY-1", &sup).ok(200)["items"][0].clone();
        assert_eq!(stay["amount_fen"], 880000);
        assert!(stay["ended_at"].is_string());
        // A line changed: updated, the totals follow, its event stays one.
        let line = json!({"charges": [
            {"external_id": "JF-1", "visit_external_id": "ZY-1", "kind": "payment",
             "amount_fen": 380000, "occurred_at": body["charges"][1]["occurred_at"]}]});
        let l = send(srv, &key, &line).ok(200).clone();
        assert_eq!(results(&l), [pair("JF-1", "updated")]);
        let stay = srv.get("/api/v1/visits?external_id=ZY-1", &sup).ok(200)["items"][0].clone();
        assert_eq!(
            (stay["paid_fen"].as_i64(), stay["arrears_fen"].as_i64()),
            (Some(380000), Some(0))
        );
        assert_eq!(events(srv).len(), 8);

        // The batches are stored and listed (the integration status page).
        let list = srv.get(PATH, &w.token("dir.a")).ok(200).clone();
        assert_eq!(list["total"], 5);
        assert!(list["items"][0].get("items").is_none());
        let one = srv
            .get(&format!("{PATH}/{}", res["id"].as_str().unwrap()), &w.admin)
            .ok(200)
            .clone();
        assert_eq!(one["items"], res["items"]);
    });
}

#[test]
fn patients_are_found_by_his_id_then_id_number_never_by_name() {
    each_backend(|srv| {
        let w = TwoInstitutions::new(srv, STAFF);
        let key = his_key(srv, &w, "his.a", &w.inst_a, None);
        let agent = w.token("agent.a");
        let known = srv
            .post(
                "/api/v1/customers",
                &agent,
                json!({"kind": "individual", "name": "张伟", "id_number": id_number(7), "phones": ["13900139007"]}),
            )
            .ok(201)["id"]
            .clone();
        let namesake = srv
            .post(
                "/api/v1/customers",
                &agent,
                json!({"kind": "individual", "name": "赵敏", "phones": ["13900139008"]}),
            )
            .ok(201)["id"]
            .clone();
        let res = send(
            srv,
            &key,
            &json!({"patients": [
                {"external_id": "P-7", "name": "张伟", "id_number": id_number(7)},
                {"external_id": "P-8", "name": "赵敏", "phones": ["13900139009"]}
            ]}),
        )
        .ok(200)
        .clone();
        assert_eq!(res["items"][0]["result"], "updated");
        assert_eq!(res["items"][0]["matched_by"], "id_number");
        assert_eq!(res["items"][0]["id"], known);
        assert_eq!(res["items"][1]["result"], "created");
        assert_ne!(res["items"][1]["id"], namesake, "never by name alone");
        // The HIS id is linked now: found by it, as the search box finds it.
        let found = srv.get("/api/v1/customers?q=P-7", &agent).ok(200).clone();
        assert_eq!(found["items"][0]["id"], known, "{found}");
        // Found by the HIS id next time; a changed name and a new phone update it.
        let res = send(
            srv,
            &key,
            &json!({"patients": [
                {"external_id": "P-7", "name": "张伟", "id_number": id_number(7)},
                {"external_id": "P-8", "name": "赵敏敏", "phones": ["13900139010"]}
            ]}),
        )
        .ok(200)
        .clone();
        assert_eq!(
            results(&res),
            [pair("P-7", "unchanged"), pair("P-8", "updated")]
        );
        assert_eq!(res["items"][0]["matched_by"], "external_id");
        let p8 = srv
            .get(
                &format!(
                    "/api/v1/customers/{}",
                    res["items"][1]["id"].as_str().unwrap()
                ),
                &w.token("sup.a"),
            )
            .ok(200)
            .clone();
        assert_eq!(p8["name"], "赵敏敏");
        assert_eq!(p8["phones"].as_array().unwrap().len(), 2, "{p8}");
    });
}

#[test]
fn an_unknown_patient_is_rejected_or_made_from_the_visit_when_asked() {
    each_backend(|srv| {
        let w = TwoInstitutions::new(srv, STAFF);
        let key = his_key(srv, &w, "his.a", &w.inst_a, None);
        let sup = w.token("sup.a");
        let visit = json!({"external_id": "MZ-9", "patient_external_id": "P-9", "kind": "outpatient",
                           "visited_at": ago(2), "amount_fen": 1000,
                           "patient": {"name": "孙丽", "id_number": id_number(9)}});
        let r = send(srv, &key, &json!({"visits": [visit.clone()]}));
        r.problem(422, "batch_rejected");
        assert_eq!(r.field_errors(), ["visits[0].patient_external_id"]);
        assert_eq!(r.body["errors"][0]["code"], "unknown_patient");
        let record = r.header("content-location").unwrap().to_string();
        let stored = srv.get(&record, &w.admin).ok(200).clone();
        assert_eq!(stored["status"], "rejected");
        assert_eq!(stored["items"][0]["errors"][0]["code"], "unknown_patient");
        assert_eq!(visits_total(srv, &sup, ""), 0);

        let res = send(
            srv,
            &key,
            &json!({"create_missing_patients": true, "visits": [visit.clone()]}),
        )
        .ok(200)
        .clone();
        assert_eq!(res["items"][0]["result"], "created");
        assert_eq!(res["items"][0]["patient_created"], true);
        // Asked to create without the data: a clear error.
        let bare = json!({"external_id": "MZ-10", "patient_external_id": "P-10", "kind": "outpatient",
                          "visited_at": ago(2)});
        let r = send(
            srv,
            &key,
            &json!({"create_missing_patients": true, "visits": [bare]}),
        );
        assert_eq!(r.field_errors(), ["visits[0].patient"]);
        // A visit's patient found by ID number: linked, said so.
        let agent = w.token("agent.a");
        srv.post(
            "/api/v1/customers",
            &agent,
            json!({"kind": "individual", "name": "周涛", "id_number": id_number(11)}),
        )
        .ok(201);
        let linked = json!({"external_id": "MZ-11", "patient_external_id": "P-11", "kind": "outpatient",
                            "visited_at": ago(2), "patient": {"name": "周涛", "id_number": id_number(11)}});
        let res = send(
            srv,
            &key,
            &json!({"create_missing_patients": true, "visits": [linked]}),
        )
        .ok(200)
        .clone();
        assert_eq!(res["items"][0]["matched_by"], "id_number");
        assert!(
            !res["items"][0]["patient_created"]
                .as_bool()
                .unwrap_or(false)
        );
    });
}

#[test]
fn one_bad_item_rejects_the_batch_and_bad_input_of_every_kind_changes_nothing() {
    each_backend(|srv| {
        let w = TwoInstitutions::new(srv, STAFF);
        let key = his_key(srv, &w, "his.a", &w.inst_a, None);
        let sup = w.token("sup.a");
        send(srv, &key, &first_batch()).ok(200);
        let before_events = events(srv).len();
        let his_id = srv.get("/api/v1/auth/me", &key).ok(200)["id"]
            .as_str()
            .unwrap()
            .to_string();
        let before_audit = audit_total(srv, &w.admin, &format!("actor_id={his_id}"));
        let before_customers = srv.get("/api/v1/customers", &sup).ok(200)["total"].clone();

        let good = |n: u32| {
            json!({"external_id": format!("MZ-{n}0"), "patient_external_id": "P1",
                                   "kind": "outpatient", "visited_at": ago(1)})
        };
        let refused: Vec<(Value, &str, &str)> = vec![
            (
                json!({"external_id": "X", "patient_external_id": "P1", "kind": "outpatient",
                    "visited_at": (Utc::now() + Duration::days(1)).to_rfc3339()}),
                "visits[3].visited_at",
                "in_future",
            ),
            (
                json!({"external_id": "X", "patient_external_id": "P1", "kind": "outpatient",
                    "visited_at": ago(1), "ended_at": ago(0)}),
                "visits[3].ended_at",
                "not_for_kind",
            ),
            (
                json!({"external_id": "X", "patient_external_id": "P1", "kind": "outpatient",
                    "visited_at": ago(1), "amount_fen": 10, "paid_fen": 20}),
                "visits[3].paid_fen",
                "exceeds_amount",
            ),
            (
                json!({"external_id": "MZ-1", "patient_external_id": "P1", "kind": "surgery",
                    "visited_at": ago(1)}),
                "visits[3].kind",
                "kind_changed",
            ),
            (
                json!({"external_id": "MZ-1", "patient_external_id": "P2", "kind": "outpatient",
                    "visited_at": ago(1)}),
                "visits[3].patient_external_id",
                "patient_changed",
            ),
            (
                json!({"external_id": "X", "patient_external_id": "P1", "kind": "outpatient",
                    "visited_at": ago(1), "department_code": "NOPE"}),
                "visits[3].department_code",
                "bad_reference",
            ),
            (
                json!({"external_id": "X\u{0000}", "patient_external_id": "P1", "kind": "outpatient",
                    "visited_at": ago(1)}),
                "visits[3].external_id",
                "control_character",
            ),
            (
                json!({"external_id": "X", "patient_external_id": "P1", "kind": "outpatient",
                    "visited_at": ago(1), "diagnosis_category": "a\u{202e}b"}),
                "visits[3].diagnosis_category",
                "control_character",
            ),
            (
                json!({"external_id": "MZ-10", "patient_external_id": "P1", "kind": "outpatient",
                    "visited_at": ago(1)}),
                "visits[3].external_id",
                "repeated",
            ),
        ];
        for (bad, field, code) in refused {
            let body = json!({"visits": [good(1), good(2), good(3), bad]});
            let r = send(srv, &key, &body);
            r.problem(422, "batch_rejected");
            let errors = r.body["errors"].as_array().unwrap().clone();
            assert!(
                errors
                    .iter()
                    .any(|e| e["field"] == field && e["code"] == code),
                "{field} {code}: {}",
                r.body
            );
            let record = srv
                .get(r.header("content-location").unwrap(), &w.admin)
                .ok(200)
                .clone();
            assert_eq!(record["counts"]["skipped"], 3, "{record}");
        }
        // Lines: a payment with insurance, a line of an unknown visit, more paid than charged.
        for (line, code) in [
            (
                json!({"external_id": "L", "visit_external_id": "MZ-1", "kind": "payment",
                    "amount_fen": 10, "insurance_fen": 5, "occurred_at": ago(1)}),
                "not_for_kind",
            ),
            (
                json!({"external_id": "L", "visit_external_id": "NOPE", "kind": "charge",
                    "amount_fen": 10, "occurred_at": ago(1)}),
                "unknown_visit",
            ),
            (
                json!({"external_id": "L", "visit_external_id": "ZY-1", "kind": "payment",
                    "amount_fen": 900000, "occurred_at": ago(1)}),
                "exceeds_amount",
            ),
        ] {
            let r = send(srv, &key, &json!({"visits": [good(1)], "charges": [line]}));
            r.problem(422, "batch_rejected");
            assert_eq!(r.body["errors"][0]["code"], code, "{}", r.body);
        }
        // Patients: a bad ID number (its check digit off), a bad mobile, a blank name.
        let mut bad_id = id_number(3);
        let off = if bad_id.ends_with('0') { "1" } else { "0" };
        bad_id.replace_range(17..18, off);
        for (patient, field) in [
            (
                json!({"external_id": "Q", "name": "钱七", "id_number": bad_id}),
                "patients[0].id_number",
            ),
            (
                json!({"external_id": "Q", "name": "钱七", "phones": ["12345"]}),
                "patients[0].phones",
            ),
            (json!({"external_id": "Q", "name": " "}), "patients[0].name"),
        ] {
            let r = send(srv, &key, &json!({"patients": [patient]}));
            r.problem(422, "batch_rejected");
            assert!(
                r.field_errors().iter().any(|f| f.starts_with(field)),
                "{}",
                r.body
            );
        }
        // Shapes: wrong types, missing and unknown fields, not JSON, not a JSON type, too many.
        for body in [
            json!({"visits": [{"external_id": "X", "patient_external_id": "P1", "kind": "outpatient", "visited_at": 5}]}),
            json!({"visits": [{"external_id": "X", "patient_external_id": "P1", "visited_at": ago(1)}]}),
            json!({"visits": [{"external_id": "X", "patient_external_id": "P1", "kind": "outpatient", "visited_at": ago(1), "colour": "red"}]}),
            json!({"visits": "many"}),
            json!({"visits": [{"external_id": "X", "patient_external_id": "P1", "kind": "walk_in", "visited_at": ago(1)}]}),
            json!({"batch_id": "has space"}),
        ] {
            send(srv, &key, &body).problem(
                422,
                if body.get("batch_id").is_some() {
                    "validation"
                } else {
                    "invalid_body"
                },
            );
        }
        srv.raw(
            "POST",
            PATH,
            Some(&key),
            &[],
            Some(("application/json", "{\"visits\": [".into())),
        )
        .problem(400, "malformed_json");
        srv.raw(
            "POST",
            PATH,
            Some(&key),
            &[],
            Some(("text/plain", "{}".into())),
        )
        .problem(415, "unsupported_media_type");
        let many: Vec<Value> = (0..1001).map(|n| good(n + 100)).collect();
        send(srv, &key, &json!({"visits": many})).problem(413, "payload_too_large");

        assert_eq!(events(srv).len(), before_events);
        assert_eq!(visits_total(srv, &sup, ""), 3);
        assert_eq!(
            srv.get("/api/v1/customers", &sup).ok(200)["total"],
            before_customers
        );
        assert_eq!(
            audit_total(srv, &w.admin, &format!("actor_id={his_id}")),
            before_audit,
            "refused batches write nothing to the trail"
        );
    });
}

#[test]
fn clients_reach_their_institutions_and_staff_without_the_permission_get_403() {
    each_backend(|srv| {
        let w = TwoInstitutions::new(srv, STAFF);
        let key_a = his_key(srv, &w, "his.a", &w.inst_a, None);
        let key_b = his_key(srv, &w, "his.b", &w.inst_b, None);
        let agent = w.token("agent.a");
        // Staff cannot write batches, nor read them without integration.read.
        send(srv, &agent, &first_batch()).problem(403, "forbidden");
        srv.get(PATH, &agent).problem(403, "forbidden");
        // A key without visits:write may not send visits; without patients:write no patients
        // (X-3 scopes).
        let narrow = his_key(
            srv,
            &w,
            "his.narrow",
            &w.inst_a,
            Some(&["patients:write", "batches:read"]),
        );
        send(srv, &narrow, &json!({"visits": first_batch()["visits"]})).problem(403, "forbidden");
        send(
            srv,
            &narrow,
            &json!({"patients": first_batch()["patients"]}),
        )
        .ok(200);
        let no_patients = his_key(srv, &w, "his.np", &w.inst_a, Some(&["visits:write"]));
        send(
            srv,
            &no_patients,
            &json!({"patients": first_batch()["patients"]}),
        )
        .problem(403, "forbidden");
        send(srv, &no_patients, &json!({"batch_id": "x"})).ok(200);
        // Another institution: out of reach.
        let mut other = first_batch();
        other["institution_id"] = w.inst_b["id"].clone();
        let r = send(srv, &key_a, &other);
        r.problem(422, "validation");
        assert_eq!(r.field_errors(), ["institution_id"]);
        // Each institution's ids are its own namespace.
        let a = send(srv, &key_a, &first_batch()).ok(200).clone();
        let b = send(srv, &key_b, &first_batch()).ok(200).clone();
        assert!(results(&b).iter().all(|(_, r)| r == "created"), "{b}");
        assert_ne!(a["items"][2]["id"], b["items"][2]["id"]);
        assert_eq!(visits_total(srv, &w.token("sup.a"), ""), 3);
        assert_eq!(visits_total(srv, &w.token("sup.b"), ""), 3);
        // Batches: a client reads its own, a director their institution's, the admin all.
        let a_id = a["id"].as_str().unwrap();
        srv.get(&format!("{PATH}/{a_id}"), &key_b)
            .problem(404, "not_found");
        srv.get(&format!("{PATH}/{a_id}"), &key_a).ok(200);
        srv.get(
            &format!("{PATH}/{}", b["id"].as_str().unwrap()),
            &w.token("dir.a"),
        )
        .problem(404, "not_found");
        assert_eq!(srv.get(PATH, &key_b).ok(200)["total"], 1);
        let dir_total = srv.get(PATH, &w.token("dir.a")).ok(200)["total"]
            .as_i64()
            .unwrap();
        assert_eq!(dir_total, 3, "A's three batches, not B's");
        assert_eq!(srv.get(PATH, &w.admin).ok(200)["total"], 4);
        let filtered = srv
            .get(
                &format!("{PATH}?institution_id={}", w.inst_b["id"].as_str().unwrap()),
                &w.token("dir.a"),
            )
            .ok(200)
            .clone();
        assert_eq!(filtered["total"], 0);
        srv.get(&format!("{PATH}?status=done"), &w.admin)
            .problem(400, "invalid_query");
    });
}

/// `n` patients with an outpatient visit, a stay and a line each.
fn big_batch(n: usize, batch_id: Option<&str>) -> Value {
    let mut patients = Vec::new();
    let mut visits = Vec::new();
    let mut charges = Vec::new();
    for i in 0..n {
        patients.push(json!({"external_id": format!("RP-{i}"), "name": format!("病人{i}")}));
        visits.push(
            json!({"external_id": format!("RM-{i}"), "patient_external_id": format!("RP-{i}"),
                           "kind": "outpatient", "visited_at": ago(3), "amount_fen": 100}),
        );
        visits.push(
            json!({"external_id": format!("RZ-{i}"), "patient_external_id": format!("RP-{i}"),
                           "kind": "inpatient", "visited_at": ago(2)}),
        );
        charges.push(
            json!({"external_id": format!("RS-{i}"), "visit_external_id": format!("RZ-{i}"),
                            "kind": "charge", "amount_fen": 5000, "occurred_at": ago(2)}),
        );
    }
    let mut body = json!({"patients": patients, "visits": visits, "charges": charges});
    if let Some(id) = batch_id {
        body["batch_id"] = json!(id);
    }
    body
}

#[test]
fn the_same_batch_sent_to_two_servers_at_once_is_written_once() {
    each_backend(|srv| {
        let w = TwoInstitutions::new(srv, STAFF);
        let key = his_key(srv, &w, "his.a", &w.inst_a, None);
        let sup = w.token("sup.a");
        let twin = srv.twin(hcrm_api::Settings::default());
        let keyed = big_batch(50, Some("RACE-1"));
        let mut keyless = keyed.clone();
        keyless.as_object_mut().unwrap().remove("batch_id");
        for (round, body) in [(0, keyed), (1, keyless)] {
            let answers: Vec<Res> = std::thread::scope(|sc| {
                let handles: Vec<_> = (0..8)
                    .map(|i| {
                        let (server, key, body) =
                            (if i % 2 == 0 { srv } else { &twin }, &key, &body);
                        sc.spawn(move || send(server, key, body))
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap()).collect()
            });
            let ids: Vec<Value> = answers
                .iter()
                .map(|r| {
                    r.ok(200)["items"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|i| i["id"].clone())
                        .collect()
                })
                .collect();
            assert!(
                ids.windows(2).all(|p| p[0] == p[1]),
                "every answer names the same records"
            );
            if round == 0 {
                let created = answers
                    .iter()
                    .filter(|r| r.body["replayed"] == false)
                    .count();
                assert_eq!(created, 1, "one wrote it, the others replayed it");
                assert!(answers.iter().all(|r| r.body["counts"]["created"] == 200));
            } else {
                assert!(
                    answers.iter().all(|r| r.body["counts"]["unchanged"] == 200),
                    "already written in round 0"
                );
            }
            assert_eq!(visits_total(srv, &sup, ""), 100);
            let all = events(srv);
            assert_eq!(
                all.len(),
                100 + 50 + 50,
                "recorded ×100, admitted ×50, spending ×50"
            );
            let tasks = srv.get("/api/v1/tasks?source_type=visit", &sup).ok(200)["total"].clone();
            assert_eq!(tasks, 50, "one admission task per stay");
        }
        // Fresh ids, no batch id, sent at once: written once, the rest unchanged.
        let body = {
            let mut b = big_batch(30, None);
            let text = b.to_string().replace("\"R", "\"S");
            b = serde_json::from_str(&text).unwrap();
            b
        };
        let answers: Vec<Res> = std::thread::scope(|sc| {
            let handles: Vec<_> = (0..6)
                .map(|i| {
                    let (server, key, body) = (if i % 2 == 0 { srv } else { &twin }, &key, &body);
                    sc.spawn(move || send(server, key, body))
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let created: i64 = answers
            .iter()
            .map(|r| r.ok(200)["counts"]["created"].as_i64().unwrap())
            .sum();
        assert_eq!(
            created, 120,
            "30 patients, 60 visits, 30 lines created once in all"
        );
        assert_eq!(visits_total(srv, &sup, ""), 160);
        assert_eq!(events(srv).len(), 200 + 60 + 30 + 30);
    });
}

/// PERF-6 under PERF-3's load: batches take turns (`HCRM_HIS_BATCHES`). One that waits past
/// the queue's patience gets 503 with `Retry-After` and writes nothing; sent again, it is
/// written. Here one batch at a time and no patience, so that of 8 sent at once some wait.
#[test]
fn batches_take_turns_and_one_that_cannot_wait_gets_503_and_writes_nothing() {
    common::each_backend_with(
        || hcrm_api::Settings {
            his_batches: 1,
            his_batch_queue_secs: 0,
            ..hcrm_api::Settings::default()
        },
        |srv| {
            let w = TwoInstitutions::new(srv, STAFF);
            let key = his_key(srv, &w, "his.a", &w.inst_a, None);
            let sup = w.token("sup.a");
            let body = |i: usize| {
                let text = big_batch(20, None)
                    .to_string()
                    .replace("\"R", &format!("\"T{i}-"));
                serde_json::from_str::<Value>(&text).unwrap()
            };
            let answers = common::parallel(8, |i| send(srv, &key, &body(i)));
            let (written, waited): (Vec<usize>, Vec<usize>) =
                (0..8).partition(|i| answers[*i].status == 200);
            let statuses: Vec<u16> = answers.iter().map(|r| r.status).collect();
            assert!(!written.is_empty() && !waited.is_empty(), "{statuses:?}");
            for i in &written {
                assert_eq!(answers[*i].body["counts"]["created"], 80);
            }
            for i in &waited {
                answers[*i].problem(503, "unavailable");
                assert!(answers[*i].header("retry-after").is_some());
            }
            let per_batch = 40;
            assert_eq!(
                visits_total(srv, &sup, ""),
                per_batch * written.len() as i64,
                "a batch that got 503 wrote nothing"
            );
            for i in &waited {
                assert_eq!(send(srv, &key, &body(*i)).ok(200)["counts"]["created"], 80);
            }
            assert_eq!(visits_total(srv, &sup, ""), per_batch * 8);
        },
    );
}
