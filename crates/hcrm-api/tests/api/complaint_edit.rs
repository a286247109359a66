//! Editing a complaint's details after intake (`PATCH /complaints/{id}`, issue 10 item 2)
//! on both backends: the receiver while the case is theirs, the service department while it
//! is open, the classification fixed once a solution is proposed, nothing on a closed case;
//! bad input and stale versions change nothing; two edits at once, one wins; audited;
//! another institution's case is a 404 and a role without `complaint.write` a 403.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::world::{At, TwoInstitutions};
use common::{Res, Srv, each_backend};
use serde_json::{Value, json};

const STAFF: &[(&str, &str, At)] = &[
    ("agent.a", "agent", At::A),
    ("agent2.a", "agent", At::A),
    ("sup.a", "supervisor", At::A),
    ("dir.a", "director", At::A),
    ("pres.a", "president", At::A),
    ("med.a", "medical_affairs", At::A),
    ("am.a", "account_manager", At::A),
    ("agent.b", "agent", At::B),
    ("sup.b", "supervisor", At::B),
];

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

fn read(srv: &Srv, token: &str, id: &str) -> Value {
    srv.get(&format!("/api/v1/complaints/{id}"), token)
        .ok(200)
        .clone()
}

/// A PATCH with the version the caller reads now.
fn edit(srv: &Srv, token: &str, id: &str, body: Value) -> Res {
    let v = srv.get(&format!("/api/v1/complaints/{id}"), token).body["version"]
        .as_i64()
        .unwrap_or(0);
    srv.patch(&format!("/api/v1/complaints/{id}"), token, v, body)
}

fn mv(srv: &Srv, token: &str, id: &str, mut body: Value) {
    body["version"] = read(srv, token, id)["version"].clone();
    srv.post(&format!("/api/v1/complaints/{id}/transitions"), token, body)
        .ok(200);
}

#[test]
fn a_case_is_corrected_by_whom_the_state_allows() {
    each_backend(|srv| {
        let w = TwoInstitutions::new(srv, STAFF);
        let (agent, sup, med) = (w.token("agent.a"), w.token("sup.a"), w.token("med.a"));
        let inst_a = s(&w.inst_a["id"]);
        let inst_b = s(&w.inst_b["id"]);
        let dept = |inst: &str, name: &str| {
            s(&srv
                .post(
                    "/api/v1/departments",
                    &w.admin,
                    json!({"institution_id": inst, "name": name}),
                )
                .ok(201)["id"])
        };
        let (skin, fees, other) = (
            dept(&inst_a, "皮肤科"),
            dept(&inst_a, "收费处"),
            dept(&inst_b, "外院科室"),
        );
        let c = srv
            .post(
                "/api/v1/complaints",
                &agent,
                json!({"channel": "phone", "description": "等候时间长",
                       "new_customer": {"name": "王秀英", "mobile": "13800138001"},
                       "departments": [{"department_id": skin}]}),
            )
            .ok(201)
            .clone();
        let id = s(&c["id"]);
        let path = format!("/api/v1/complaints/{id}");

        // Bad input of every kind: 4xx, nothing changed.
        for (body, field) in [
            (json!({}), "description"),
            (json!({"description": "   "}), "description"),
            (
                json!({"occurred_at": "2099-01-01T00:00:00Z"}),
                "occurred_at",
            ),
            (
                json!({"departments": [{"department_id": other}]}),
                "departments[0].department_id",
            ),
            (json!({"demands": "x\u{202e}y"}), "demands"),
        ] {
            let r = edit(srv, &agent, &id, body.clone());
            r.problem(422, "validation");
            assert_eq!(r.field_errors(), [field], "{body}");
        }
        edit(srv, &agent, &id, json!({"state": "closed"})).problem(422, "invalid_body");
        srv.raw(
            "PATCH",
            &path,
            Some(&agent),
            &[],
            Some(("application/json", json!({"demands": "x"}).to_string())),
        )
        .problem(428, "precondition_required");
        srv.patch(&path, &agent, 99, json!({"demands": "x"}))
            .problem(412, "stale");
        assert_eq!(read(srv, &agent, &id)["version"], c["version"]);

        // Who: not another agent, not an account manager, not another institution.
        edit(srv, &w.token("agent2.a"), &id, json!({"demands": "道歉"})).problem(403, "forbidden");
        edit(srv, &w.token("am.a"), &id, json!({"demands": "道歉"})).problem(403, "forbidden");
        srv.patch(&path, &w.token("sup.b"), 1, json!({"demands": "道歉"}))
            .problem(404, "not_found");
        srv.patch(&path, &w.token("agent.b"), 1, json!({"demands": "道歉"}))
            .problem(404, "not_found");

        // The receiver corrects their own case before handing it over.
        let after = srv
            .patch(
                &path,
                &agent,
                c["version"].as_i64().unwrap(),
                json!({"description": "复诊等候两小时无人告知", "demands": "书面道歉",
                       "category": "process", "severity": "general",
                       "departments": [{"department_id": skin}, {"department_id": fees}],
                       "staff": [{"name": "前台张护士"}]}),
            )
            .ok(200)
            .clone();
        assert_eq!(after["version"], c["version"].as_i64().unwrap() + 1);
        assert_eq!(after["description"], "复诊等候两小时无人告知");
        assert_eq!(after["demands"], "书面道歉");
        assert_eq!(after["category"], "process");
        assert_eq!(after["quality"], false);
        assert_eq!(after["departments"][1]["name"], "收费处");
        assert_eq!(after["staff"][0]["name"], "前台张护士");
        // Only what is given changes; an empty text clears the demands.
        let cleared = edit(srv, &agent, &id, json!({"demands": ""}))
            .ok(200)
            .clone();
        assert_eq!(cleared["demands"], Value::Null);
        assert_eq!(cleared["description"], "复诊等候两小时无人告知");
        assert_eq!(cleared["departments"].as_array().unwrap().len(), 2);
        // Audited with what changed.
        let audit = srv
            .get(
                &format!("/api/v1/audit-events?entity_type=complaint&entity_id={id}&action=update"),
                &w.token("dir.a"),
            )
            .ok(200)
            .clone();
        assert_eq!(audit["total"], 2);
        assert!(audit.to_string().contains("书面道歉"), "{audit}");

        // Handed over: no longer the receiver's; the service department's.
        mv(srv, &agent, &id, json!({"action": "hand_over"}));
        edit(srv, &agent, &id, json!({"demands": "退费"})).problem(403, "forbidden");
        mv(srv, &sup, &id, json!({"action": "accept"}));
        mv(srv, &sup, &id, json!({"action": "investigate"}));
        edit(srv, &sup, &id, json!({"departments": [{"name": "门诊部"}]})).ok(200);
        // Medical affairs classifies and grades; the account is not theirs.
        edit(
            srv,
            &med,
            &id,
            json!({"category": "billing", "severity": "serious"}),
        )
        .ok(200);
        edit(srv, &med, &id, json!({"description": "改写"})).problem(403, "forbidden");

        // Two edits at once from the same version: one wins, the other is stale.
        let v = read(srv, &sup, &id)["version"].as_i64().unwrap();
        let statuses: Vec<u16> = std::thread::scope(|sc| {
            let handles: Vec<_> = ["一", "二"]
                .iter()
                .map(|d| {
                    let (path, sup) = (&path, &sup);
                    sc.spawn(move || {
                        srv.patch(path, sup, v, json!({"demands": format!("诉求{d}")}))
                            .status
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let mut sorted = statuses.clone();
        sorted.sort();
        assert_eq!(sorted, [200, 412], "{statuses:?}");
        assert_eq!(read(srv, &sup, &id)["version"], v + 1);

        // Once a solution is proposed, the classification is fixed; the severity is not.
        mv(srv, &sup, &id, json!({"action": "analyse"}));
        mv(
            srv,
            &sup,
            &id,
            json!({"action": "propose", "solution": "退还差价"}),
        );
        let r = edit(srv, &sup, &id, json!({"category": "attitude"}));
        r.problem(409, "wrong_state");
        assert_eq!(r.body["errors"][0]["code"], "classification_fixed");
        assert_eq!(read(srv, &sup, &id)["category"], "billing");
        edit(srv, &sup, &id, json!({"severity": "minor"})).ok(200);
        edit(srv, &w.token("pres.a"), &id, json!({"severity": "serious"}))
            .problem(403, "forbidden");

        // A closed case keeps its record.
        let spot = srv
            .post(
                "/api/v1/complaints",
                &agent,
                json!({"channel": "in_person", "description": "空调太冷",
                       "new_customer": {"name": "李强", "mobile": "13800138002"},
                       "settled_on_spot": true, "outcome": "已调高温度"}),
            )
            .ok(201)
            .clone();
        let r = edit(srv, &sup, &s(&spot["id"]), json!({"severity": "minor"}));
        r.problem(409, "wrong_state");
        assert_eq!(r.body["errors"][0]["code"], "case_closed");
        assert_eq!(read(srv, &sup, &s(&spot["id"]))["version"], spot["version"]);
    });
}
