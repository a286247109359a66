//! Relations between customers (CUS-7), the medical-sensitive profile (CUS-5) and the VIP
//! private notes through the API on both backends: both sides of a link, the kinds each
//! pair of customers may have, duplicates, scoping (X-6b), permissions and break-glass (X-4,
//! X-6a), the audit of every read, versions and merging (CUS-10).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::world::{At, TwoInstitutions};
use common::{Res, Srv, each_backend};
use serde_json::{Value, json};

const PASSWORD: &str = "Passw0rd-x";

struct World {
    admin: String,
    inst_a: Value,
    inst_b: Value,
    agent_a: String,
    agent_b: String,
    sup_a: String,
}

fn world(srv: &Srv) -> World {
    let w = TwoInstitutions::new(
        srv,
        &[
            ("agent.a", "agent", At::A),
            ("agent.b", "agent", At::B),
            ("sup.a", "supervisor", At::A),
        ],
    );
    World {
        agent_a: w.token("agent.a"),
        agent_b: w.token("agent.b"),
        sup_a: w.token("sup.a"),
        admin: w.admin,
        inst_a: w.inst_a,
        inst_b: w.inst_b,
    }
}

/// A new user of `inst` with `roles`: (token, id).
fn staff(srv: &Srv, w: &World, name: &str, roles: &[&str], inst: &Value) -> (String, String) {
    let user = srv.user(&w.admin, name, roles, inst);
    (
        srv.login(name, PASSWORD),
        user["id"].as_str().unwrap().to_string(),
    )
}

fn customer(srv: &Srv, token: &str, body: Value) -> String {
    srv.post("/api/v1/customers", token, body).ok(201)["id"]
        .as_str()
        .unwrap()
        .to_string()
}

fn person(srv: &Srv, token: &str, name: &str) -> String {
    customer(srv, token, json!({"kind": "individual", "name": name}))
}

fn relations(srv: &Srv, token: &str, id: &str) -> Vec<Value> {
    srv.get(&format!("/api/v1/customers/{id}/relations"), token)
        .ok(200)
        .as_array()
        .unwrap()
        .clone()
}

fn link(srv: &Srv, token: &str, from: &str, to: &str, kind: &str) -> Res {
    srv.post(
        &format!("/api/v1/customers/{from}/relations"),
        token,
        json!({"to_id": to, "kind": kind}),
    )
}

/// (other customer, kind) of each relation of a list.
fn pairs(list: &[Value]) -> Vec<(String, String)> {
    list.iter()
        .map(|r| {
            (
                r["other_id"].as_str().unwrap().to_string(),
                r["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn put(srv: &Srv, path: &str, token: &str, if_match: Option<&str>, body: Value) -> Res {
    let tag = if_match.map(|v| format!("\"{v}\""));
    let headers: Vec<(&str, &str)> = tag.iter().map(|t| ("If-Match", t.as_str())).collect();
    srv.raw(
        "PUT",
        path,
        Some(token),
        &headers,
        Some(("application/json", body.to_string())),
    )
}

/// Audit events (newest first) as the admin sees them.
fn audit(srv: &Srv, w: &World, query: &str) -> Vec<Value> {
    srv.get(&format!("/api/v1/audit-events?{query}&limit=200"), &w.admin)
        .ok(200)["items"]
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn a_relation_shows_on_both_sides_with_the_inverse_kind() {
    each_backend(|srv| {
        let w = world(srv);
        let father = person(srv, &w.agent_a, "王建国");
        let son = person(srv, &w.agent_a, "王小明");
        let org = customer(
            srv,
            &w.agent_a,
            json!({"kind": "organization", "name": "北京星辰科技有限公司"}),
        );

        let created = srv
            .post(
                &format!("/api/v1/customers/{father}/relations"),
                &w.agent_a,
                json!({"to_id": son, "kind": "parent", "note": "父子，儿子在外地工作"}),
            )
            .ok(201)
            .clone();
        assert_eq!(created["other_id"], son.as_str());
        assert_eq!(created["other_name"], "王小明");
        assert_eq!(created["other_kind"], "individual");
        assert_eq!(created["kind"], "parent");
        assert_eq!(created["note"], "父子，儿子在外地工作");
        let rel_id = created["id"].as_str().unwrap().to_string();

        let of_father = relations(srv, &w.agent_a, &father);
        assert_eq!(pairs(&of_father), [(son.clone(), "parent".to_string())]);
        let of_son = relations(srv, &w.agent_a, &son);
        assert_eq!(pairs(&of_son), [(father.clone(), "child".to_string())]);
        assert_eq!(of_son[0]["id"], rel_id.as_str(), "one relation, two sides");
        assert_eq!(of_son[0]["other_name"], "王建国");
        assert!(
            !of_son[0]["other_form_of_address"]
                .as_str()
                .unwrap()
                .is_empty()
        );
        assert_eq!(of_son[0]["note"], "父子，儿子在外地工作");

        // A person works for an organization; the organization shows it as its employee.
        let job = link(srv, &w.agent_a, &son, &org, "employee_of")
            .ok(201)
            .clone();
        assert_eq!(job["other_kind"], "organization");
        assert_eq!(
            pairs(&relations(srv, &w.agent_a, &org)),
            [(son.clone(), "employer".to_string())]
        );
        // … and stored from the organization's side, the person shows it as employee_of.
        link(srv, &w.agent_a, &org, &father, "employer").ok(201);
        assert_eq!(
            pairs(&relations(srv, &w.agent_a, &father)),
            [
                (son.clone(), "parent".to_string()),
                (org.clone(), "employee_of".to_string())
            ]
        );
        assert_eq!(
            pairs(&relations(srv, &w.agent_a, &son)),
            [
                (father.clone(), "child".to_string()),
                (org.clone(), "employee_of".to_string())
            ]
        );
        // Anyone may refer anyone.
        link(srv, &w.agent_a, &org, &son, "referrer").ok(201);
        assert!(
            pairs(&relations(srv, &w.agent_a, &son)).contains(&(org.clone(), "referred_by".into()))
        );

        // Kinds the two customers cannot have: 422 on `kind`.
        for (from, to, kind) in [
            (&father, &org, "spouse"),
            (&org, &son, "child"),
            (&org, &son, "employee_of"),
            (&son, &org, "employer"),
            (&father, &son, "employee_of"),
            (&father, &son, "employer"),
        ] {
            let r = link(srv, &w.agent_a, from, to, kind);
            r.problem(422, "validation");
            assert_eq!(r.field_errors(), ["kind"], "{kind}");
        }
        link(srv, &w.agent_a, &father, &son, "cousin").problem(422, "invalid_body");
        let r = link(srv, &w.agent_a, &father, &father, "friend");
        r.problem(422, "validation");
        assert_eq!(r.field_errors(), ["to_id"]);
        let r = link(
            srv,
            &w.agent_a,
            &father,
            "0193a1d2-7c4e-7b10-8000-00000000000f",
            "friend",
        );
        assert_eq!(r.field_errors(), ["to_id"]);
        let r = srv.post(
            &format!("/api/v1/customers/{father}/relations"),
            &w.agent_a,
            json!({"to_id": son, "kind": "friend", "note": "长".repeat(501)}),
        );
        r.problem(422, "validation");
        assert_eq!(r.field_errors(), ["note"]);
        srv.post(
            &format!("/api/v1/customers/{father}/relations"),
            &w.agent_a,
            json!({"to_id": son, "kind": "friend", "extra": 1}),
        )
        .problem(422, "invalid_body");

        // The same link again, from either side, is a duplicate; another kind is not.
        link(srv, &w.agent_a, &father, &son, "parent").problem(409, "duplicate");
        link(srv, &w.agent_a, &son, &father, "child").problem(409, "duplicate");
        link(srv, &w.agent_a, &father, &org, "employee_of").problem(409, "duplicate");
        assert_eq!(
            relations(srv, &w.agent_a, &father).len(),
            2,
            "nothing stored by refusals"
        );
        link(srv, &w.agent_a, &son, &father, "friend").ok(201);
        assert_eq!(
            pairs(&relations(srv, &w.agent_a, &father)).last().unwrap(),
            &(son.clone(), "friend".to_string())
        );

        // Permissions: admin has no customer.write; medical affairs neither.
        link(srv, &w.admin, &father, &son, "sibling").problem(403, "forbidden");
        let (med, _) = staff(srv, &w, "med.a", &["medical_affairs"], &w.inst_a);
        link(srv, &med, &father, &son, "sibling").problem(403, "forbidden");
        assert_eq!(
            relations(srv, &med, &son).len(),
            4,
            "readable with customer.read"
        );

        // Removing from the other side; then it is gone from both.
        let path = format!("/api/v1/customers/{son}/relations/{rel_id}");
        srv.call("DELETE", &path, Some(&w.admin), None)
            .problem(403, "forbidden");
        srv.call(
            "DELETE",
            &format!("/api/v1/customers/{org}/relations/{rel_id}"),
            Some(&w.agent_a),
            None,
        )
        .problem(404, "not_found");
        assert_eq!(
            srv.call("DELETE", &path, Some(&w.agent_a), None).status,
            204
        );
        assert!(
            !pairs(&relations(srv, &w.agent_a, &father)).contains(&(son.clone(), "parent".into()))
        );
        assert!(
            !pairs(&relations(srv, &w.agent_a, &son)).contains(&(father.clone(), "child".into()))
        );
        srv.call("DELETE", &path, Some(&w.agent_a), None)
            .problem(404, "not_found");
        // Once removed it may be made again.
        link(srv, &w.agent_a, &son, &father, "child").ok(201);

        // creation and removal are in the audit trail.
        let events = audit(srv, &w, "entity_type=customer_relation");
        let on_rel: Vec<&Value> = events
            .iter()
            .filter(|e| e["entity_id"] == rel_id.as_str())
            .collect();
        assert_eq!(on_rel.len(), 2, "{on_rel:?}");
        assert_eq!(on_rel[0]["action"], "delete");
        assert_eq!(on_rel[1]["action"], "create");
        assert_eq!(on_rel[1]["actor_username"], "agent.a");
        assert_eq!(on_rel[1]["changes"]["kind"], "parent");
        assert_eq!(on_rel[1]["institution_id"], w.inst_a["id"]);
    });
}

#[test]
fn relations_never_cross_into_an_institution_the_caller_cannot_reach() {
    each_backend(|srv| {
        let w = world(srv);
        let a1 = person(srv, &w.agent_a, "李雷");
        let a2 = person(srv, &w.agent_a, "韩梅梅");
        let b1 = person(srv, &w.agent_b, "赵敏");
        let b2 = person(srv, &w.agent_b, "周芷若");
        link(srv, &w.agent_b, &b1, &b2, "sibling").ok(201);

        // A cannot link to B's customer, nor see, link or unlink B's customer's relations.
        let r = link(srv, &w.agent_a, &a1, &b1, "friend");
        r.problem(422, "validation");
        assert_eq!(r.field_errors(), ["to_id"]);
        srv.get(&format!("/api/v1/customers/{b1}/relations"), &w.agent_a)
            .problem(404, "not_found");
        link(srv, &w.agent_a, &b1, &a1, "friend").problem(404, "not_found");
        let b_rel = relations(srv, &w.agent_b, &b1)[0]["id"]
            .as_str()
            .unwrap()
            .to_string();
        srv.call(
            "DELETE",
            &format!("/api/v1/customers/{b1}/relations/{b_rel}"),
            Some(&w.agent_a),
            None,
        )
        .problem(404, "not_found");
        assert_eq!(relations(srv, &w.agent_b, &b1).len(), 1);

        // Someone working for both institutions links A's and B's customers …
        let both = srv
            .post(
                "/api/v1/users",
                &w.admin,
                json!({"username": "agent.ab", "display_name": "两院客服", "password": PASSWORD,
                       "roles": ["agent"], "institution_ids": [w.inst_a["id"], w.inst_b["id"]]}),
            )
            .ok(201)
            .clone();
        assert_eq!(both["username"], "agent.ab");
        let ab = srv.login("agent.ab", PASSWORD);
        let cross = link(srv, &ab, &a1, &b1, "referred_by").ok(201)["id"]
            .as_str()
            .unwrap()
            .to_string();
        link(srv, &ab, &a1, &a2, "spouse").ok(201);
        assert_eq!(relations(srv, &ab, &a1).len(), 2);
        assert_eq!(pairs(&relations(srv, &ab, &b1)).len(), 2);

        // … which neither side's own staff see, not even the other customer's name.
        let res = srv.get(&format!("/api/v1/customers/{a1}/relations"), &w.agent_a);
        assert_eq!(
            pairs(res.ok(200).as_array().unwrap()),
            [(a2.clone(), "spouse".to_string())]
        );
        assert!(!res.body.to_string().contains("赵敏"));
        let res = srv.get(&format!("/api/v1/customers/{b1}/relations"), &w.agent_b);
        assert_eq!(
            pairs(res.ok(200).as_array().unwrap()),
            [(b2.clone(), "sibling".to_string())]
        );
        assert!(!res.body.to_string().contains("李雷"));
        // Not theirs to remove either.
        srv.call(
            "DELETE",
            &format!("/api/v1/customers/{a1}/relations/{cross}"),
            Some(&w.agent_a),
            None,
        )
        .problem(404, "not_found");

        // Break-glass on B's customer shows its links into A, not those to other B customers;
        // the read is flagged.
        srv.post(
            &format!("/api/v1/customers/{b1}/break-glass"),
            &w.agent_a,
            json!({"category": "patient_on_phone", "reason": "患者来电急诊需要核对"}),
        )
        .ok(201);
        let seen = relations(srv, &w.agent_a, &b1);
        assert_eq!(pairs(&seen), [(a1.clone(), "referrer".to_string())]);
        assert!(!serde_json::to_string(&seen).unwrap().contains("周芷若"));
        // A grant only lets one read.
        link(srv, &w.agent_a, &b1, &a2, "friend").problem(404, "not_found");
        let flagged = audit(srv, &w, &format!("entity_id={b1}&action=read&flagged=true"));
        assert_eq!(flagged.len(), 1, "{flagged:?}");
        assert_eq!(flagged[0]["actor_username"], "agent.a");
        assert_eq!(flagged[0]["changes"]["fields"], json!(["relations"]));
    });
}

#[test]
fn concurrent_links_of_the_same_pair_store_one() {
    each_backend(|srv| {
        let w = world(srv);
        for round in 0..4 {
            let p = person(srv, &w.agent_a, &format!("陈{round}"));
            let q = person(srv, &w.agent_a, &format!("陈小{round}"));
            let barrier = std::sync::Barrier::new(2);
            let statuses: Vec<u16> = std::thread::scope(|s| {
                let jobs = [(&p, &q, "parent"), (&q, &p, "child")];
                let handles: Vec<_> = jobs
                    .into_iter()
                    .map(|(from, to, kind)| {
                        let (barrier, token) = (&barrier, &w.agent_a);
                        s.spawn(move || {
                            barrier.wait();
                            link(srv, token, from, to, kind).status
                        })
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap()).collect()
            });
            let mut sorted = statuses.clone();
            sorted.sort();
            assert_eq!(sorted, [201, 409], "{statuses:?}");
            assert_eq!(relations(srv, &w.agent_a, &p).len(), 1);
        }
    });
}

#[test]
fn the_medical_profile_is_read_with_permission_or_break_glass_and_every_read_is_audited() {
    each_backend(|srv| {
        let w = world(srv);
        let (fup, fup_id) = staff(srv, &w, "fup.a", &["follow_up_agent"], &w.inst_a);
        let patient = person(srv, &w.agent_a, "孙丽");
        let path = format!("/api/v1/customers/{patient}/medical");

        // Never written: empty at version 0.
        let res = srv.get(&path, &fup);
        let empty = res.ok(200).clone();
        assert_eq!(res.header("etag"), Some("\"0\""));
        assert_eq!(
            empty,
            json!({"allergies": null, "family_history": null, "chronic_conditions": null,
                   "information_needs": null, "version": 0, "updated_at": null, "updated_by": null})
        );

        // Written at version 0, then at 1.
        let first = put(
            srv,
            &path,
            &fup,
            Some("0"),
            json!({"allergies": "青霉素过敏", "chronic_conditions": "2型糖尿病，需长期随访"}),
        );
        let first = first.ok(200).clone();
        assert_eq!(first["version"], 1);
        assert_eq!(first["allergies"], "青霉素过敏");
        assert_eq!(first["family_history"], Value::Null);
        assert_eq!(first["updated_by"], fup_id.as_str());
        assert!(first["updated_at"].is_string());
        put(srv, &path, &fup, Some("0"), json!({"allergies": "无"})).problem(412, "stale");
        put(srv, &path, &fup, None, json!({"allergies": "无"}))
            .problem(428, "precondition_required");
        let r = put(
            srv,
            &path,
            &fup,
            Some("1"),
            json!({"allergies": "青霉素过敏", "family_history": "史".repeat(4001)}),
        );
        r.problem(422, "validation");
        assert_eq!(r.field_errors(), ["family_history"]);
        put(
            srv,
            &path,
            &fup,
            Some("1"),
            json!({"allergies": "无", "blood": "A"}),
        )
        .problem(422, "invalid_body");
        assert_eq!(
            srv.get(&path, &fup).ok(200).clone(),
            first,
            "refusals change nothing"
        );
        let second = put(
            srv,
            &path,
            &fup,
            None,
            json!({
                "allergies": "青霉素过敏", "chronic_conditions": "2型糖尿病，需长期随访",
                "family_history": "母亲乳腺癌", "information_needs": "糖尿病饮食", "version": 1
            }),
        );
        assert_eq!(second.header("etag"), Some("\"2\""));
        assert_eq!(second.ok(200)["family_history"], "母亲乳腺癌");

        // every read is audited with the fields read; writes name the changed fields
        // only, never the medical text.
        let events = audit(
            srv,
            &w,
            &format!("entity_type=customer_medical&entity_id={patient}"),
        );
        let reads: Vec<&Value> = events.iter().filter(|e| e["action"] == "read").collect();
        assert_eq!(reads.len(), 2, "two GETs so far: {events:?}");
        assert_eq!(reads[0]["actor_username"], "fup.a");
        assert_eq!(reads[0]["actor_id"], fup_id.as_str());
        assert_eq!(reads[0]["flagged"], false);
        assert_eq!(reads[0]["institution_id"], w.inst_a["id"]);
        assert_eq!(
            reads[0]["changes"]["fields"],
            json!([
                "allergies",
                "family_history",
                "chronic_conditions",
                "information_needs"
            ])
        );
        let writes: Vec<&Value> = events.iter().filter(|e| e["action"] != "read").collect();
        assert_eq!(writes.len(), 2);
        assert_eq!(writes[1]["action"], "create");
        assert_eq!(
            writes[1]["changes"]["fields"],
            json!(["allergies", "chronic_conditions"])
        );
        assert_eq!(writes[0]["action"], "update");
        assert_eq!(
            writes[0]["changes"]["fields"],
            json!(["family_history", "information_needs"])
        );
        let trail = serde_json::to_string(&events).unwrap();
        for secret in ["青霉素", "糖尿病", "乳腺癌"] {
            assert!(
                !trail.contains(secret),
                "{secret} leaked into the audit trail"
            );
        }

        // An agent has no medical.read: 403 — until they break the glass.
        srv.get(&path, &w.agent_a).problem(403, "forbidden");
        put(srv, &path, &w.agent_a, Some("2"), json!({})).problem(403, "forbidden");
        // Out of reach is 404 first, whatever the permission.
        let (fup_b, _) = staff(srv, &w, "fup.b", &["follow_up_agent"], &w.inst_b);
        srv.get(&path, &w.agent_b).problem(404, "not_found");
        srv.get(&path, &fup_b).problem(404, "not_found");
        put(srv, &path, &fup_b, Some("2"), json!({})).problem(404, "not_found");
        assert_eq!(
            audit(
                srv,
                &w,
                &format!("entity_type=customer_medical&entity_id={patient}&action=read")
            )
            .len(),
            2,
            "refused reads read nothing"
        );

        srv.post(
            &format!("/api/v1/customers/{patient}/break-glass"),
            &w.agent_a,
            json!({"category": "patient_on_phone", "reason": "患者来电急诊需要核对"}),
        )
        .ok(201);
        let seen = srv.get(&path, &w.agent_a).ok(200).clone();
        assert_eq!(seen["allergies"], "青霉素过敏");
        assert_eq!(seen["version"], 2);
        // The grant lets one read, not write.
        put(srv, &path, &w.agent_a, Some("2"), json!({})).problem(403, "forbidden");
        // Another institution's follow-up agent may read it after breaking the glass too.
        srv.post(
            &format!("/api/v1/customers/{patient}/break-glass"),
            &fup_b,
            json!({"category": "patient_on_phone", "reason": "转诊患者急诊需要核对过敏史"}),
        )
        .ok(201);
        assert_eq!(srv.get(&path, &fup_b).ok(200)["allergies"], "青霉素过敏");
        put(srv, &path, &fup_b, Some("2"), json!({})).problem(404, "not_found");

        let flagged = audit(
            srv,
            &w,
            &format!("entity_type=customer_medical&entity_id={patient}&action=read&flagged=true"),
        );
        assert_eq!(flagged.len(), 2, "{flagged:?}");
        assert_eq!(flagged[0]["actor_username"], "fup.b");
        assert_eq!(flagged[1]["actor_username"], "agent.a");
        assert_eq!(flagged[1]["changes"]["via"], "break_glass");
        assert_eq!(srv.get(&path, &w.sup_a).ok(200)["version"], 2);
        assert_eq!(
            audit(
                srv,
                &w,
                &format!("entity_type=customer_medical&entity_id={patient}&action=read")
            )
            .len(),
            5
        );
    });
}

#[test]
fn private_notes_are_for_the_assigned_account_manager_supervisors_and_up() {
    each_backend(|srv| {
        let w = world(srv);
        let (am1, am1_id) = staff(srv, &w, "am.one", &["account_manager"], &w.inst_a);
        let (am2, am2_id) = staff(srv, &w, "am.two", &["account_manager"], &w.inst_a);
        let (president, _) = staff(srv, &w, "pres.a", &["president"], &w.inst_a);
        let (am_b, _) = staff(srv, &w, "am.b", &["account_manager"], &w.inst_b);
        let created = srv
            .post(
                "/api/v1/customers",
                &w.agent_a,
                json!({"kind": "individual", "name": "钱学忠", "account_manager_id": am1_id}),
            )
            .ok(201)
            .clone();
        let vip = created["id"].as_str().unwrap().to_string();
        // The record names its account manager, so no one needs users.read to see who it is.
        assert_eq!(created["account_manager_name"], "am.one");
        let seen = srv
            .get(&format!("/api/v1/customers/{vip}"), &w.agent_a)
            .ok(200)
            .clone();
        assert_eq!(seen["account_manager_name"], "am.one");
        let path = format!("/api/v1/customers/{vip}/private-notes");

        let res = srv.get(&path, &am1);
        assert_eq!(res.ok(200)["version"], 0);
        assert_eq!(res.body["preferences"], Value::Null);
        let notes = put(
            srv,
            &path,
            &am1,
            Some("0"),
            json!({
                "preferences": "喜欢安静的单人病房，爱喝龙井", "habits": "早睡早起",
                "family_background": "独子在美国工作", "special_requirements": "就诊请安排女医生"
            }),
        );
        assert_eq!(notes.ok(200)["version"], 1);
        assert_eq!(srv.get(&path, &am1).ok(200)["habits"], "早睡早起");

        // Another account manager of the same institution: 403 to read and to write.
        srv.get(&path, &am2).problem(403, "forbidden");
        put(srv, &path, &am2, Some("1"), json!({"habits": "x"})).problem(403, "forbidden");
        // Agents lack the permission; the president reads all in reach but may not write.
        srv.get(&path, &w.agent_a).problem(403, "forbidden");
        put(srv, &path, &w.agent_a, Some("1"), json!({})).problem(403, "forbidden");
        assert_eq!(
            srv.get(&path, &president).ok(200)["preferences"],
            "喜欢安静的单人病房，爱喝龙井"
        );
        put(srv, &path, &president, Some("1"), json!({})).problem(403, "forbidden");
        // Another institution: 404, even for its account manager.
        srv.get(&path, &am_b).problem(404, "not_found");
        put(srv, &path, &am_b, Some("1"), json!({})).problem(404, "not_found");

        // The supervisor reads and writes.
        assert_eq!(
            srv.get(&path, &w.sup_a).ok(200)["special_requirements"],
            "就诊请安排女医生"
        );
        put(srv, &path, &w.sup_a, Some("0"), json!({"habits": "晚睡"})).problem(412, "stale");
        let r = put(
            srv,
            &path,
            &w.sup_a,
            Some("1"),
            json!({"preferences": "喜".repeat(4001)}),
        );
        r.problem(422, "validation");
        assert_eq!(r.field_errors(), ["preferences"]);
        let updated = put(
            srv,
            &path,
            &w.sup_a,
            Some("1"),
            json!({
                "preferences": "喜欢安静的单人病房，爱喝龙井", "habits": "早睡早起，每天散步",
                "family_background": "独子在美国工作", "special_requirements": "  "
            }),
        );
        let updated = updated.ok(200).clone();
        assert_eq!(updated["version"], 2);
        assert_eq!(updated["special_requirements"], Value::Null, "blank clears");

        // Reassigned to the other account manager: now they see it and the first does not.
        srv.patch(
            &format!("/api/v1/customers/{vip}"),
            &w.agent_a,
            created["version"].as_i64().unwrap(),
            json!({"account_manager_id": am2_id}),
        )
        .ok(200);
        assert_eq!(srv.get(&path, &am2).ok(200)["habits"], "早睡早起，每天散步");
        srv.get(&path, &am1).problem(403, "forbidden");
        put(srv, &path, &am2, Some("2"), json!({"habits": "早睡"})).ok(200);

        // Break-glass opens it to the first account manager again, flagged.
        srv.post(
            &format!("/api/v1/customers/{vip}/break-glass"),
            &am1,
            json!({"category": "patient_on_phone", "reason": "客户来电要求安排病房需要核对"}),
        )
        .ok(201);
        assert_eq!(srv.get(&path, &am1).ok(200)["habits"], "早睡");
        put(srv, &path, &am1, Some("3"), json!({})).problem(403, "forbidden");

        let events = audit(
            srv,
            &w,
            &format!("entity_type=customer_private_notes&entity_id={vip}"),
        );
        let reads: Vec<&Value> = events.iter().filter(|e| e["action"] == "read").collect();
        let readers: Vec<&str> = reads
            .iter()
            .map(|e| e["actor_username"].as_str().unwrap())
            .collect();
        assert_eq!(
            readers,
            ["am.one", "am.two", "sup.a", "pres.a", "am.one", "am.one"]
        );
        let flagged: Vec<bool> = reads
            .iter()
            .map(|e| e["flagged"].as_bool().unwrap())
            .collect();
        assert_eq!(flagged, [true, false, false, false, false, false]);
        assert_eq!(
            reads[0]["changes"]["fields"],
            json!([
                "preferences",
                "habits",
                "family_background",
                "special_requirements"
            ])
        );
        let writes: Vec<&Value> = events.iter().filter(|e| e["action"] != "read").collect();
        assert_eq!(writes.len(), 3);
        // A PUT replaces the sheet: what am.two left out was cleared.
        assert_eq!(
            writes[0]["changes"]["fields"],
            json!(["preferences", "habits", "family_background"])
        );
        assert_eq!(
            writes[1]["changes"]["fields"],
            json!(["habits", "special_requirements"])
        );
        assert!(!serde_json::to_string(&events).unwrap().contains("龙井"));
    });
}

#[test]
fn merging_keeps_the_duplicates_medical_information_and_relations() {
    each_backend(|srv| {
        let w = world(srv);
        let (fup, _) = staff(srv, &w, "fup.a", &["follow_up_agent"], &w.inst_a);
        let kept = person(srv, &w.agent_a, "周文");
        let dup = person(srv, &w.agent_a, "周文");
        let daughter = person(srv, &w.agent_a, "周小雨");
        put(
            srv,
            &format!("/api/v1/customers/{dup}/medical"),
            &fup,
            Some("0"),
            json!({"allergies": "磺胺类药物过敏", "chronic_conditions": "高血压"}),
        )
        .ok(200);
        put(
            srv,
            &format!("/api/v1/customers/{kept}/private-notes"),
            &w.sup_a,
            Some("0"),
            json!({"preferences": "爱喝普洱"}),
        )
        .ok(200);
        put(
            srv,
            &format!("/api/v1/customers/{dup}/private-notes"),
            &w.sup_a,
            Some("0"),
            json!({"preferences": "爱喝咖啡", "habits": "午睡"}),
        )
        .ok(200);
        link(srv, &w.agent_a, &dup, &daughter, "parent").ok(201);
        link(srv, &w.agent_a, &dup, &kept, "sibling").ok(201);
        let before = srv
            .get(&format!("/api/v1/customers/{kept}/medical"), &fup)
            .ok(200)
            .clone();
        assert_eq!(before["version"], 0);

        srv.merge(&kept, &w.sup_a, json!({"from_id": dup})).ok(200);

        let medical = srv
            .get(&format!("/api/v1/customers/{kept}/medical"), &fup)
            .ok(200)
            .clone();
        assert_eq!(medical["allergies"], "磺胺类药物过敏");
        assert_eq!(medical["chronic_conditions"], "高血压");
        // The kept customer's notes win; the duplicate's fill the gaps.
        let notes = srv
            .get(&format!("/api/v1/customers/{kept}/private-notes"), &w.sup_a)
            .ok(200)
            .clone();
        assert_eq!(
            (notes["preferences"].as_str(), notes["habits"].as_str()),
            (Some("爱喝普洱"), Some("午睡"))
        );
        // The duplicate's family now belongs to the kept customer, seen from both sides; the
        // link between the two is gone.
        assert_eq!(
            pairs(&relations(srv, &w.agent_a, &kept)),
            [(daughter.clone(), "parent".to_string())]
        );
        assert_eq!(
            pairs(&relations(srv, &w.agent_a, &daughter)),
            [(kept.clone(), "child".to_string())]
        );
        srv.get(&format!("/api/v1/customers/{dup}/medical"), &fup)
            .problem(404, "not_found");
        srv.get(&format!("/api/v1/customers/{dup}/relations"), &w.agent_a)
            .problem(404, "not_found");
    });
}
