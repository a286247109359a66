//! Issue 9 items 6, 8, 10 and 11 through the API on both backends: the gender and birth date
//! a resident ID number gives (CUS-4, X-13), the duplicate check while typing and the
//! duplicate report to the supervisors (CUS-10), and the merge with a choice per field and
//! the answer for a merged-away id — with permissions, institution scoping and bad input
//! changing nothing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::world::{At, TwoInstitutions};
use common::{Srv, each_backend};
use serde_json::{Value, json};

struct World {
    admin: String,
    agent_a: String,
    sup_a: String,
    agent_b: String,
    sup_b: String,
}

fn world(srv: &Srv) -> World {
    let w = TwoInstitutions::new(
        srv,
        &[
            ("agent.a", "agent", At::A),
            ("sup.a", "supervisor", At::A),
            ("agent.b", "agent", At::B),
            ("sup.b", "supervisor", At::B),
        ],
    );
    World {
        agent_a: w.token("agent.a"),
        sup_a: w.token("sup.a"),
        agent_b: w.token("agent.b"),
        sup_b: w.token("sup.b"),
        admin: w.admin,
    }
}

fn create(srv: &Srv, token: &str, body: Value) -> Value {
    srv.call(
        "POST",
        "/api/v1/customers?confirm_duplicate=true",
        Some(token),
        Some(&body),
    )
    .ok(201)
    .clone()
}

fn id(v: &Value) -> &str {
    v["id"].as_str().unwrap()
}

fn get(srv: &Srv, token: &str, customer: &str) -> Value {
    srv.get(&format!("/api/v1/customers/{customer}"), token)
        .ok(200)
        .clone()
}

/// A merge with `version` in If-Match, or the version read just before.
fn merge(srv: &Srv, token: &str, into: &str, version: Option<i64>, body: Value) -> common::Res {
    let Some(v) = version else {
        return srv.merge(into, token, body);
    };
    srv.raw(
        "POST",
        &format!("/api/v1/customers/{into}/merge"),
        Some(token),
        &[("If-Match", &format!("\"{v}\""))],
        Some(("application/json", body.to_string())),
    )
}

/// Issue 9 item 6: a valid resident ID number gives a blank gender and birth date, on create
/// and on update, and the form of address follows; unknown gender is never 尊敬的韩.
#[test]
fn a_resident_id_number_gives_gender_birth_date_and_form_of_address() {
    each_backend(|srv| {
        let w = world(srv);
        // 1990-03-07, sequence 001 (odd: male).
        let han = create(
            srv,
            &w.sup_a,
            json!({"kind": "individual", "name": "韩磊", "id_number": "110105199003070017"}),
        );
        assert_eq!(han["gender"], "male");
        assert_eq!(han["birth_date"], "1990-03-07");
        assert_eq!(han["form_of_address"], "韩先生");
        // Given values stay; a passport gives nothing; no gender: both named, never 尊敬的韩.
        let given = create(
            srv,
            &w.sup_a,
            json!({"kind": "individual", "name": "韩梅", "gender": "unknown", "id_type": "passport", "id_number": "E12345678"}),
        );
        assert_eq!(given["gender"], "unknown");
        assert_eq!(given["birth_date"], Value::Null);
        assert_eq!(given["form_of_address"], "韩先生/女士");
        // An update that adds the number fills the blanks (female, born 1949: 韩奶奶).
        let plain = create(
            srv,
            &w.sup_a,
            json!({"kind": "individual", "name": "韩秀英"}),
        );
        assert_eq!(plain["form_of_address"], "韩先生/女士");
        let after = srv
            .patch(
                &format!("/api/v1/customers/{}", id(&plain)),
                &w.sup_a,
                1,
                json!({"id_number": "11010519491231002X"}),
            )
            .ok(200)
            .clone();
        assert_eq!(after["gender"], "female");
        assert_eq!(after["birth_date"], "1949-12-31");
        assert_eq!(after["form_of_address"], "韩奶奶");
        // A number that disagrees with a given gender is still refused, nothing changes.
        srv.patch(
            &format!("/api/v1/customers/{}", id(&han)),
            &w.sup_a,
            1,
            json!({"id_number": "11010519491231002X"}),
        )
        .problem(422, "validation");
        assert_eq!(
            get(srv, &w.sup_a, id(&han))["id_number"],
            "110105199003070017"
        );
    });
}

/// Issue 9 item 8: the duplicate check while typing — masked matches of the caller's
/// institutions only, the record being edited left out, bad numbers refused.
#[test]
fn duplicates_are_checked_while_typing_within_the_callers_institutions() {
    each_backend(|srv| {
        let w = world(srv);
        let a = create(
            srv,
            &w.agent_a,
            json!({"kind": "individual", "name": "周杰", "phones": ["13811112222"], "id_number": "11010519491231002X"}),
        );
        create(
            srv,
            &w.agent_b,
            json!({"kind": "individual", "name": "周伦", "phones": ["13899990000"]}),
        );
        let check = |token: &str, body: Value| {
            srv.post("/api/v1/customers/duplicate-check", token, body)
                .ok(200)["matches"]
                .as_array()
                .unwrap()
                .clone()
        };
        let by_phone = check(&w.agent_a, json!({"phones": ["138 1111 2222"]}));
        assert_eq!(by_phone.len(), 1);
        assert_eq!(by_phone[0]["customer"]["id"], a["id"]);
        assert_eq!(by_phone[0]["customer"]["phone"], "138****2222");
        assert_eq!(by_phone[0]["matched_on"], json!(["phone"]));
        let by_id = check(&w.agent_a, json!({"id_number": "11010519491231002x"}));
        assert_eq!(by_id[0]["matched_on"], json!(["id_number"]));
        assert_eq!(by_id[0]["customer"]["id_number"], "110***********002X");
        // The record being edited is no duplicate of itself.
        assert!(
            check(
                &w.agent_a,
                json!({"phones": ["13811112222"], "exclude_id": a["id"]})
            )
            .is_empty()
        );
        // Another institution's customers are not found, either way round.
        assert!(check(&w.agent_a, json!({"phones": ["13899990000"]})).is_empty());
        assert!(check(&w.agent_b, json!({"phones": ["13811112222"]})).is_empty());
        // Bad input: 422 naming the field.
        let bad = srv.post(
            "/api/v1/customers/duplicate-check",
            &w.agent_a,
            json!({"phones": ["1381111"]}),
        );
        bad.problem(422, "validation");
        assert_eq!(bad.field_errors(), vec!["phones"]);
        srv.post(
            "/api/v1/customers/duplicate-check",
            &w.agent_a,
            json!({"phone": "13811112222"}),
        )
        .problem(422, "invalid_body");
    });
}

/// Issue 9 item 10: an agent reports a suspected duplicate; it becomes a `duplicate_review`
/// task in the supervisors' queue of the customer's institution. Both customers must be the
/// caller's; bad input and out-of-reach ids change nothing.
#[test]
fn agents_report_suspected_duplicates_to_the_supervisors_queue() {
    each_backend(|srv| {
        let w = world(srv);
        let a = create(
            srv,
            &w.agent_a,
            json!({"kind": "individual", "name": "孙丽", "phones": ["13811112222"]}),
        );
        let a2 = create(
            srv,
            &w.agent_a,
            json!({"kind": "individual", "name": "孙莉", "phones": ["13811112222"]}),
        );
        let b = create(
            srv,
            &w.agent_b,
            json!({"kind": "individual", "name": "孙力"}),
        );
        let path = format!("/api/v1/customers/{}/duplicate-reports", id(&a));
        let queue_total = |token: &str| {
            srv.get("/api/v1/tasks?team=supervisors", token).ok(200)["total"]
                .as_i64()
                .unwrap()
        };
        // Refused: the other customer of another institution, itself, a bad note, the
        // path's customer of another institution, a role without contact.write.
        srv.post(&path, &w.agent_a, json!({"other_customer_id": b["id"]}))
            .problem(422, "validation");
        srv.post(&path, &w.agent_a, json!({"other_customer_id": a["id"]}))
            .problem(422, "validation");
        srv.post(
            &path,
            &w.agent_a,
            json!({"other_customer_id": a2["id"], "note": "a\u{202e}b"}),
        )
        .problem(422, "validation");
        srv.post(
            &path,
            &w.agent_a,
            json!({"other_customer_id": a2["id"], "extra": 1}),
        )
        .problem(422, "invalid_body");
        srv.post(&path, &w.agent_b, json!({"other_customer_id": b["id"]}))
            .problem(404, "not_found");
        srv.post(&path, &w.admin, json!({"other_customer_id": a2["id"]}))
            .problem(403, "forbidden");
        assert_eq!(queue_total(&w.sup_a), 0);

        let task = srv
            .post(
                &path,
                &w.agent_a,
                json!({"other_customer_id": a2["id"], "note": "同一手机号，姓名同音"}),
            )
            .ok(201)
            .clone();
        assert_eq!(task["kind"], "duplicate_review");
        assert_eq!(task["team"], "supervisors");
        assert_eq!(task["owner_id"], Value::Null);
        assert_eq!(task["customer_id"], a["id"]);
        assert_eq!(task["source_type"], "customer");
        assert_eq!(task["source_id"], a2["id"]);
        assert_eq!(task["description"], "同一手机号，姓名同音");
        assert_eq!(task["title"], "孙丽 / 孙莉");
        // The supervisors of A see it in their queue; B's do not.
        let queue = srv
            .get("/api/v1/tasks?team=supervisors", &w.sup_a)
            .ok(200)
            .clone();
        assert_eq!(queue["total"], 1);
        assert_eq!(queue["items"][0]["id"], task["id"]);
        assert_eq!(
            srv.get("/api/v1/tasks?team=supervisors", &w.sup_b).ok(200)["total"],
            0
        );
        srv.get(&format!("/api/v1/tasks/{}", id(&task)), &w.sup_b)
            .problem(404, "not_found");
    });
}

/// Issue 9 item 11: the merge takes a choice per field; by default a blank kept field takes
/// the duplicate's value (a blank gender/age took 女/38 only by hand before); the answer
/// names the fields moved; the merged-away id answers 404 `merged` with `merged_into`, to
/// the kept customer's institution only. Agents may not merge; a stale version, another
/// institution's ids and bad choices change nothing.
#[test]
fn merge_takes_chosen_values_and_the_merged_id_points_to_the_kept_one() {
    each_backend(|srv| {
        let w = world(srv);
        let kept = create(
            srv,
            &w.agent_a,
            json!({"kind": "individual", "name": "王芳", "phones": ["13811112222"], "email": "wf@example.com"}),
        );
        let dup = create(
            srv,
            &w.agent_a,
            json!({"kind": "individual", "name": "王芳芳", "phones": ["13811112222"], "gender": "female",
                   "birth_date": "1988-05-01", "email": "old@example.com", "wechat": "wf88"}),
        );
        let other_b = create(
            srv,
            &w.agent_b,
            json!({"kind": "individual", "name": "王方"}),
        );
        let (k, d) = (id(&kept), id(&dup));
        let unchanged = |srv: &Srv| {
            let now = get(srv, &w.sup_a, k);
            assert_eq!(now["version"], kept["version"]);
            assert_eq!(now["gender"], Value::Null);
            get(srv, &w.sup_a, d);
        };
        // Agents may not merge.
        merge(srv, &w.agent_a, k, None, json!({"from_id": d})).problem(403, "forbidden");
        // Another institution's customer, as either one: nothing happens.
        merge(srv, &w.sup_a, k, None, json!({"from_id": id(&other_b)})).problem(422, "validation");
        merge(srv, &w.sup_b, k, None, json!({"from_id": id(&other_b)})).problem(404, "not_found");
        // Bad choices: an unknown field or side, a stale version, values that disagree.
        merge(
            srv,
            &w.sup_a,
            k,
            None,
            json!({"from_id": d, "choices": {"salary": "kept"}}),
        )
        .problem(422, "invalid_body");
        merge(
            srv,
            &w.sup_a,
            k,
            None,
            json!({"from_id": d, "choices": {"name": "both"}}),
        )
        .problem(422, "invalid_body");
        merge(srv, &w.sup_a, k, Some(7), json!({"from_id": d})).problem(412, "stale");
        srv.post(
            &format!("/api/v1/customers/{k}/merge"),
            &w.sup_a,
            json!({"from_id": d}),
        )
        .problem(428, "precondition_required");
        unchanged(srv);

        let v = kept["version"].as_i64().unwrap();
        let merged = merge(
            srv,
            &w.sup_a,
            k,
            Some(v),
            json!({"from_id": d, "choices": {"name": "duplicate", "wechat": "kept"}}),
        )
        .ok(200)
        .clone();
        let c = &merged["customer"];
        assert_eq!(c["name"], "王芳芳");
        assert_eq!(
            c["gender"], "female",
            "a blank kept gender takes the duplicate's"
        );
        assert_eq!(c["birth_date"], "1988-05-01");
        assert!(c["age"].as_u64().unwrap() >= 38);
        assert_eq!(
            c["email"], "wf@example.com",
            "the kept value stays by default"
        );
        assert_eq!(c["wechat"], Value::Null, "kept chosen: stays blank");
        assert_eq!(c["form_of_address"], "王女士");
        assert_eq!(merged["fields"], json!(["name", "gender", "birth_date"]));
        // The merged-away id names the kept one, to this institution only.
        let gone = srv.get(&format!("/api/v1/customers/{d}"), &w.sup_a);
        gone.problem(404, "merged");
        assert_eq!(gone.body["merged_into"], kept["id"]);
        let gone_b = srv.get(&format!("/api/v1/customers/{d}"), &w.sup_b);
        gone_b.problem(404, "not_found");
        assert_eq!(gone_b.body.get("merged_into"), None);
        // Audited with the fields.
        let audit = srv
            .get(
                &format!("/api/v1/audit-events?entity_id={k}&action=merge"),
                &w.admin,
            )
            .ok(200)
            .clone();
        assert_eq!(audit["total"], 1);
        assert!(audit.to_string().contains("birth_date"), "{audit}");
        // A merge of the kept one into a third: the first id leads to the last.
        let third = create(
            srv,
            &w.agent_a,
            json!({"kind": "individual", "name": "王芳", "phones": ["13811112222"]}),
        );
        merge(srv, &w.sup_a, id(&third), None, json!({"from_id": k})).ok(200);
        let chain = srv.get(&format!("/api/v1/customers/{d}"), &w.sup_a);
        chain.problem(404, "merged");
        assert_eq!(chain.body["merged_into"], third["id"]);
    });
}

/// Chosen values that disagree (the kept ID number is a woman's, the duplicate's gender a
/// man's) are refused as one change, and nothing of the merge happens.
#[test]
fn a_merge_whose_chosen_values_disagree_changes_nothing() {
    each_backend(|srv| {
        let w = world(srv);
        let kept = create(
            srv,
            &w.agent_a,
            json!({"kind": "individual", "name": "李华", "id_number": "11010519491231002X"}),
        );
        let dup = create(
            srv,
            &w.agent_a,
            json!({"kind": "individual", "name": "李华", "gender": "male", "tags": ["糖尿病"]}),
        );
        merge(
            srv,
            &w.sup_a,
            id(&kept),
            None,
            json!({"from_id": dup["id"], "choices": {"gender": "duplicate"}}),
        )
        .problem(422, "validation");
        let now = get(srv, &w.sup_a, id(&kept));
        assert_eq!(now["version"], kept["version"]);
        assert_eq!(now["tags"], json!([]));
        get(srv, &w.sup_a, id(&dup));
    });
}

/// Issue 9 item 7: the division table is served for the address picker, and a customer's
/// province, city and district are checked against it; a refused address changes nothing.
#[test]
fn addresses_are_names_of_the_division_table() {
    each_backend(|srv| {
        let w = world(srv);
        let table = srv.get("/api/v1/divisions", &w.agent_a).ok(200).clone();
        assert_eq!(table.as_array().unwrap().len(), 31);
        assert_eq!(table[0]["name"], "北京市");
        assert_eq!(table[0]["cities"][0]["name"], "北京市");
        srv.call("GET", "/api/v1/divisions", None, None)
            .problem(401, "unauthorized");
        let c = create(
            srv,
            &w.agent_a,
            json!({"kind": "individual", "name": "赵强", "address": {"province": "广东省", "city": "广州市", "district": "天河区", "street": "体育西路1号"}}),
        );
        assert_eq!(c["address"]["district"], "天河区");
        for (address, field) in [
            (json!({"province": "广"}), "address.province"),
            (
                json!({"province": "广东省", "city": "北京市"}),
                "address.city",
            ),
            (
                json!({"province": "北京市", "city": "北京市", "district": "天河区"}),
                "address.district",
            ),
        ] {
            let r = srv.post(
                "/api/v1/customers?confirm_duplicate=true",
                &w.agent_a,
                json!({"kind": "individual", "name": "赵强", "address": address}),
            );
            r.problem(422, "validation");
            assert_eq!(r.field_errors(), vec![field], "{}", r.body);
            assert_eq!(r.body["errors"][0]["code"], "division_unknown");
            let u = srv.patch(
                &format!("/api/v1/customers/{}", id(&c)),
                &w.agent_a,
                1,
                json!({"address": address}),
            );
            u.problem(422, "validation");
        }
        assert_eq!(get(srv, &w.agent_a, id(&c))["version"], c["version"]);
        // Another institution's agent does not see this customer to change it.
        srv.patch(
            &format!("/api/v1/customers/{}", id(&c)),
            &w.agent_b,
            1,
            json!({"address": {"province": "北京市"}}),
        )
        .problem(404, "not_found");
    });
}

/// Issue 9 item 7: education, marital status, preferred language and channel are codes with
/// labels (the web app's selects); words are refused and change nothing.
#[test]
fn preferences_are_codes_of_their_vocabularies() {
    each_backend(|srv| {
        let w = world(srv);
        let c = create(
            srv,
            &w.agent_a,
            json!({"kind": "individual", "name": "钱进", "education": "bachelor", "marital_status": "married",
                   "preferred_language": "yue", "preferred_channel": "wechat"}),
        );
        assert_eq!(
            (
                &c["education"],
                &c["marital_status"],
                &c["preferred_language"],
                &c["preferred_channel"]
            ),
            (
                &json!("bachelor"),
                &json!("married"),
                &json!("yue"),
                &json!("wechat")
            )
        );
        for (field, word) in [
            ("education", "本科"),
            ("marital_status", "已婚"),
            ("preferred_language", "中文"),
            ("preferred_channel", "微信"),
        ] {
            srv.post(
                "/api/v1/customers?confirm_duplicate=true",
                &w.agent_a,
                json!({"kind": "individual", "name": "钱进", field: word}),
            )
            .problem(422, "invalid_body");
            srv.patch(
                &format!("/api/v1/customers/{}", id(&c)),
                &w.agent_a,
                1,
                json!({field: word}),
            )
            .problem(422, "invalid_body");
        }
        let after = srv
            .patch(
                &format!("/api/v1/customers/{}", id(&c)),
                &w.agent_a,
                1,
                json!({"education": null, "preferred_channel": "phone"}),
            )
            .ok(200)
            .clone();
        assert_eq!(after["education"], Value::Null);
        assert_eq!(after["preferred_channel"], "phone");
        assert_eq!(after["marital_status"], "married");
    });
}
