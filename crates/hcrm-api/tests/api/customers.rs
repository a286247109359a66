//! The customer archive's core through the API on both backends: search (CUS-9), validation
//! (CUS-4, CUS-6), form of address, duplicates and merge (CUS-10), masking,
//! stage history (CUS-3), break-glass (X-6a) and scoping on every read path (X-6b).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::world::{At, TwoInstitutions};
use common::{Srv, each_backend};
use serde_json::{Value, json};

struct World {
    admin: String,
    inst_a: Value,
    inst_b: Value,
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
        inst_a: w.inst_a,
        inst_b: w.inst_b,
    }
}

fn create(srv: &Srv, token: &str, body: Value) -> Value {
    srv.post("/api/v1/customers", token, body).ok(201).clone()
}

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect()
}

fn search(srv: &Srv, token: &str, query: &str) -> Value {
    srv.get(&format!("/api/v1/customers?{query}"), token)
        .ok(200)
        .clone()
}

#[test]
fn one_search_box_finds_by_name_phone_ids_and_pinyin() {
    each_backend(|srv| {
        let w = world(srv);
        let zhang = create(
            srv,
            &w.agent_a,
            json!({
                "kind": "individual", "name": "张三丰", "gender": "male", "phones": ["13812345678"],
                "id_number": "11010519491231002X", "card_number": "MZ0001",
                "external_ids": [{"system": "his", "external_id": "P0001"}], "tags": ["高血压"],
                "categories": ["outpatient"], "source_channel": "referral", "birth_date": "1949-12-31",
                "gender": "female"
            }),
        );
        let li = create(
            srv,
            &w.agent_a,
            json!({"kind": "individual", "name": "李四", "phones": ["13900005678"]}),
        );
        create(
            srv,
            &w.agent_b,
            json!({"kind": "individual", "name": "张三", "phones": ["13812340000"]}),
        );
        let z = zhang["id"].as_str().unwrap();
        for q in [
            "张三",
            "三丰",
            "13812345678",
            "5678",
            "11010519491231002x",
            "MZ0001",
            "P0001",
            "zsf",
            "zs",
            "zhangsan",
            "ZhangSanFeng",
        ] {
            let found = ids(&search(srv, &w.agent_a, &format!("q={q}")));
            assert!(
                found.contains(&z.to_string()),
                "{q} should find 张三丰: {found:?}"
            );
        }
        // Last four digits find both customers of A with …5678, not B's.
        let by_last4 = search(srv, &w.agent_a, "q=5678");
        assert_eq!(by_last4["total"], 2);
        assert!(ids(&by_last4).contains(&li["id"].as_str().unwrap().to_string()));
        assert_eq!(
            search(srv, &w.agent_a, "q=zs")["total"],
            1,
            "B's 张三 is not A's"
        );
        assert_eq!(search(srv, &w.agent_a, "q=王")["total"], 0);
        // Filters.
        assert_eq!(search(srv, &w.agent_a, "tag=高血压")["total"], 1);
        assert_eq!(search(srv, &w.agent_a, "category=outpatient")["total"], 1);
        assert_eq!(
            search(srv, &w.agent_a, "source_channel=referral")["total"],
            1
        );
        assert_eq!(search(srv, &w.agent_a, "birth_month=12")["total"], 1);
        assert_eq!(
            search(srv, &w.agent_a, "lifecycle_stage=potential")["total"],
            2
        );
        assert_eq!(search(srv, &w.agent_a, "kind=organization")["total"], 0);
        srv.get("/api/v1/customers?birth_month=13", &w.agent_a)
            .problem(422, "validation");
        srv.get("/api/v1/customers?kind=alien", &w.agent_a)
            .problem(400, "invalid_query");
        // Pinyin order: 李 (li) before 张 (zhang).
        let sorted = search(srv, &w.agent_a, "sort=name");
        assert_eq!(sorted["items"][0]["name"], "李四");
        // Lists always mask.
        let row = &search(srv, &w.sup_a, "q=MZ0001")["items"][0];
        assert_eq!(row["phone"], "138****5678");
        assert_eq!(row["id_number"], "110***********002X");
        // A customer found in several places at once (two phones ending 4321, and the card
        // number 4321) is listed and counted once; the list carries every tag, sorted, and the
        // primary phone.
        let ouyang = create(
            srv,
            &w.agent_a,
            json!({"kind": "individual", "name": "欧阳芳", "phones": ["13700004321", "13600004321"],
                   "card_number": "4321", "tags": ["高血压", "VIP候选", "糖尿病"]}),
        );
        let by_4321 = search(srv, &w.agent_a, "q=4321");
        assert_eq!(by_4321["total"], 1);
        assert_eq!(ids(&by_4321), [ouyang["id"].as_str().unwrap()]);
        assert_eq!(
            by_4321["items"][0]["tags"],
            json!(["VIP候选", "糖尿病", "高血压"])
        );
        assert_eq!(by_4321["items"][0]["phone"], "137****4321");
    });
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

fn names(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn name_fragments_match_the_start_and_inside_and_page_in_pinyin_order() {
    each_backend(|srv| {
        let w = world(srv);
        // Homophones (王维, 汪伟: also "wangwei") must not match 王伟.
        for name in [
            "张王伟",
            "王伟华",
            "王维",
            "汪伟",
            "王伟",
            "Wang Wei",
            "李伟",
            "赵伟",
            "张文华",
        ] {
            create(srv, &w.agent_a, json!({"kind": "individual", "name": name}));
        }
        let all = search(srv, &w.agent_a, "q=王伟");
        assert_eq!(names(&all), ["王伟", "王伟华", "张王伟"], "{all}");
        assert_eq!(all["total"], 3);
        // Pages merge the name's start with its inside, and know the total.
        let first = search(srv, &w.agent_a, "q=王伟&limit=2");
        assert_eq!(names(&first), ["王伟", "王伟华"]);
        assert_eq!(
            (first["total"].clone(), first["total_capped"].clone()),
            (json!(3), json!(false))
        );
        let second = search(srv, &w.agent_a, "q=王伟&limit=2&offset=2");
        assert_eq!(names(&second), ["张王伟"]);
        assert_eq!(second["total"], 3);
        let beyond = search(srv, &w.agent_a, "q=王伟&limit=2&offset=4");
        assert_eq!(
            (names(&beyond).len(), beyond["total"].clone()),
            (0, json!(3))
        );
        let down = search(srv, &w.agent_a, "q=王伟&sort=-name&limit=2");
        assert_eq!(names(&down), ["张王伟", "王伟华"]);
        // One character finds the names starting with it (a surname), then those holding it
        // further in (issue 9: a remembered given-name character; more in `search_box.rs`).
        assert_eq!(
            names(&search(srv, &w.agent_a, "q=王")),
            ["王维", "王伟", "王伟华", "张王伟"]
        );
        assert_eq!(
            sorted(names(&search(srv, &w.agent_a, "q=伟"))),
            ["张王伟", "李伟", "汪伟", "王伟", "王伟华", "赵伟"]
        );
        // Letters are pinyin: initials, or the beginning of the full pinyin or of a Latin
        // name; spaces are ignored.
        assert_eq!(
            sorted(names(&search(srv, &w.agent_a, "q=ww"))),
            ["汪伟", "王伟", "王伟华", "王维"]
        );
        assert_eq!(
            sorted(names(&search(srv, &w.agent_a, "q=wang%20wei"))),
            ["Wang Wei", "汪伟", "王伟", "王伟华", "王维"]
        );
        assert_eq!(names(&search(srv, &w.agent_a, "q=wangweih")), ["王伟华"]);
        assert_eq!(names(&search(srv, &w.agent_a, "q=lw")), ["李伟"]);
        assert_eq!(
            names(&search(srv, &w.agent_a, "q=zhangw")),
            ["张王伟", "张文华"]
        );
        // By relevance the initials come first, closest first; `sort=name` is pinyin order.
        assert_eq!(
            names(&search(srv, &w.agent_a, "q=zw")),
            ["赵伟", "张文华", "张王伟"]
        );
        assert_eq!(
            names(&search(srv, &w.agent_a, "q=zw&sort=name")),
            ["张王伟", "张文华", "赵伟"]
        );
        assert_eq!(
            names(&search(srv, &w.agent_a, "q=zw&sort=-name&limit=2")),
            ["赵伟", "张文华"]
        );
        let wang_wei = names(&search(srv, &w.agent_a, "q=wangwei"));
        assert_eq!(
            (wang_wei[0].as_str(), wang_wei[4].as_str()),
            ("Wang Wei", "王伟华"),
            "the Latin name's initials match first: {wang_wei:?}"
        );
        // A page that starts past the first arm.
        let past = search(srv, &w.agent_a, "q=wangwei&limit=2&offset=3");
        assert_eq!(names(&past)[1], "王伟华");
        assert_eq!(past["total"], 5);
        // B sees none of it.
        assert_eq!(search(srv, &w.agent_b, "q=王伟")["total"], 0);
        assert_eq!(search(srv, &w.agent_b, "q=ww")["total"], 0);
    });
}

#[test]
fn employer_and_referrer_links_carry_names_and_are_checked() {
    each_backend(|srv| {
        let w = world(srv);
        let org = create(
            srv,
            &w.agent_a,
            json!({"kind": "organization", "name": "京华科技有限公司"}),
        );
        let friend = create(
            srv,
            &w.agent_a,
            json!({"kind": "individual", "name": "赵敏"}),
        );
        let other = create(
            srv,
            &w.agent_b,
            json!({"kind": "organization", "name": "申城集团"}),
        );
        let (org_id, friend_id) = (org["id"].clone(), friend["id"].clone());
        let me = create(
            srv,
            &w.agent_a,
            json!({"kind": "individual", "name": "钱进", "employer_id": org_id,
                   "referred_by_id": friend_id, "interests": ["心内科"],
                   "external_ids": [{"system": "his", "external_id": "H-77"}]}),
        );
        assert_eq!(me["employer_name"], "京华科技有限公司");
        assert_eq!(me["referred_by_name"], "赵敏");
        let id = me["id"].as_str().unwrap();
        let path = format!("/api/v1/customers/{id}");
        // Refused: an individual as employer, another institution's customer, itself.
        srv.patch(&path, &w.agent_a, 1, json!({"employer_id": friend_id}))
            .problem(422, "validation");
        srv.patch(&path, &w.agent_a, 1, json!({"employer_id": other["id"]}))
            .problem(422, "validation");
        srv.patch(&path, &w.agent_a, 1, json!({"referred_by_id": id}))
            .problem(422, "validation");
        let seen = srv.get(&path, &w.agent_a).ok(200).clone();
        assert_eq!(
            (seen["version"].clone(), seen["employer_name"].clone()),
            (json!(1), json!("京华科技有限公司"))
        );
        // Cleared: the ids and the names go.
        let cleared = srv
            .patch(
                &path,
                &w.agent_a,
                1,
                json!({"employer_id": null, "referred_by_id": null,
                                                  "interests": [], "external_ids": []}),
            )
            .ok(200)
            .clone();
        assert_eq!(cleared["employer_id"], json!(null));
        assert_eq!(cleared["employer_name"], json!(null));
        assert_eq!(cleared["referred_by_name"], json!(null));
        assert_eq!(cleared["external_ids"], json!([]));
    });
}

#[test]
fn validation_reports_each_field_and_changes_nothing() {
    each_backend(|srv| {
        let w = world(srv);
        let r = srv.post("/api/v1/customers", &w.agent_a, json!({
            "kind": "individual", "name": "王五", "id_number": "110105194912310021", "phones": ["12812345678"], "email": "x@"
        }));
        r.problem(422, "validation");
        assert_eq!(r.field_errors(), ["email", "id_number", "phones"]);
        let r = srv.post("/api/v1/customers", &w.agent_a, json!({"kind": "individual", "name": "王五", "id_number": "11010519491231002X", "birth_date": "1950-01-01"}));
        assert_eq!(r.field_errors(), ["birth_date"]);
        let r = srv.post("/api/v1/customers", &w.agent_a, json!({"kind": "individual", "name": "王五", "id_number": "11010519491231002X", "gender": "male"}));
        assert_eq!(r.field_errors(), ["gender"]);
        let r = srv.post(
            "/api/v1/customers",
            &w.agent_a,
            json!({"kind": "organization", "name": "某科技有限公司", "uscc": "91350100M000100Y44"}),
        );
        assert_eq!(r.field_errors(), ["uscc"]);
        srv.post(
            "/api/v1/customers",
            &w.agent_a,
            json!({"kind": "organization", "name": "某科技有限公司", "uscc": "91350100M000100Y43"}),
        )
        .ok(201);
        srv.post(
            "/api/v1/customers",
            &w.agent_a,
            json!({"kind": "person", "name": "王五"}),
        )
        .problem(422, "invalid_body");
        srv.post(
            "/api/v1/customers",
            &w.agent_a,
            json!({"kind": "individual", "name": "王".repeat(101)}),
        )
        .problem(422, "validation");
        // Tags: 1–20 characters, no control characters (lists join a customer's tags with one).
        for bad in ["", "高血压\u{1f}糖尿病", "a\nb", &"标".repeat(21)] {
            let r = srv.post(
                "/api/v1/customers",
                &w.agent_a,
                json!({"kind": "individual", "name": "王五", "tags": [bad]}),
            );
            r.problem(422, "validation");
            assert_eq!(r.field_errors(), ["tags"], "{bad:?}");
        }
        // A group-wide caller must say which institution; an institution outside scope is refused.
        srv.post(
            "/api/v1/customers",
            &w.agent_a,
            json!({"kind": "individual", "name": "王五", "institution_id": w.inst_b["id"]}),
        )
        .problem(422, "validation");
        assert_eq!(search(srv, &w.agent_a, "")["total"], 1);
        assert_eq!(
            search(
                srv,
                &w.agent_a,
                &format!("institution_id={}", w.inst_a["id"].as_str().unwrap())
            )["total"],
            1
        );
        // Admin has no customer.write, integration has.
        srv.post(
            "/api/v1/customers",
            &w.admin,
            json!({"kind": "individual", "name": "王五"}),
        )
        .problem(403, "forbidden");
    });
}

#[test]
fn form_of_address_is_derived_unless_given() {
    each_backend(|srv| {
        let w = world(srv);
        let cases = [
            (
                json!({"name": "王建国", "gender": "male", "birth_date": "1960-03-01"}),
                "王大爷",
            ),
            (
                json!({"name": "张丽", "gender": "female", "birth_date": "1990-05-01"}),
                "张女士",
            ),
            (
                json!({"name": "李明", "gender": "male", "birth_date": "1980-05-01", "occupation": "中学教师"}),
                "李老师",
            ),
            (
                json!({"name": "欧阳娜娜", "gender": "female", "birth_date": "1995-01-01"}),
                "欧阳女士",
            ),
            (json!({"name": "赵敏", "form_of_address": "赵总"}), "赵总"),
        ];
        for (body, expected) in cases {
            let mut body = body;
            body["kind"] = json!("individual");
            let c = create(srv, &w.agent_a, body);
            assert_eq!(c["form_of_address"], expected);
        }
        // An organization is addressed by its name, not as a person with a surname.
        let org = create(
            srv,
            &w.agent_a,
            json!({"kind": "organization", "name": "北京星辰科技有限公司"}),
        );
        assert_eq!(org["form_of_address"], "北京星辰科技有限公司");
        // Never the full name; re-derived when the profile changes, kept when set by hand.
        let c = create(
            srv,
            &w.agent_a,
            json!({"kind": "individual", "name": "孙红", "gender": "female"}),
        );
        assert_eq!(c["form_of_address"], "孙女士");
        let id = c["id"].as_str().unwrap();
        let c = srv
            .patch(
                &format!("/api/v1/customers/{id}"),
                &w.agent_a,
                1,
                json!({"occupation": "大学教授"}),
            )
            .ok(200)
            .clone();
        assert_eq!(c["form_of_address"], "孙老师");
        let c = srv
            .patch(
                &format!("/api/v1/customers/{id}"),
                &w.agent_a,
                2,
                json!({"form_of_address": "孙主任"}),
            )
            .ok(200)
            .clone();
        assert_eq!(
            (
                c["form_of_address"].clone(),
                c["form_of_address_custom"].clone()
            ),
            (json!("孙主任"), json!(true))
        );
        let c = srv
            .patch(
                &format!("/api/v1/customers/{id}"),
                &w.agent_a,
                3,
                json!({"form_of_address": null}),
            )
            .ok(200)
            .clone();
        assert_eq!(c["form_of_address"], "孙老师");
    });
}

#[test]
fn duplicates_warn_and_merge_keeps_everything() {
    each_backend(|srv| {
        let w = world(srv);
        let a = create(
            srv,
            &w.agent_a,
            json!({"kind": "individual", "name": "周杰", "phones": ["13811112222"], "tags": ["VIP候选"], "external_ids": [{"system": "his", "external_id": "H1"}]}),
        );
        let r = srv.post("/api/v1/customers", &w.agent_a, json!({"kind": "individual", "name": "周杰伦", "phones": ["13811112222", "13933334444"], "tags": ["糖尿病"], "external_ids": [{"system": "his", "external_id": "H2"}]}));
        r.problem(409, "possible_duplicate");
        assert_eq!(r.body["duplicates"][0]["customer"]["id"], a["id"]);
        assert_eq!(r.body["duplicates"][0]["matched_on"], json!(["phone"]));
        assert_eq!(r.body["duplicates"][0]["customer"]["phone"], "138****2222");
        // B's agent creating the same phone sees no duplicate (other institution).
        create(
            srv,
            &w.agent_b,
            json!({"kind": "individual", "name": "周杰", "phones": ["13811112222"]}),
        );
        let b = srv.call("POST", "/api/v1/customers?confirm_duplicate=true", Some(&w.agent_a), Some(&json!({"kind": "individual", "name": "周杰伦", "phones": ["13811112222", "13933334444"], "tags": ["糖尿病"], "external_ids": [{"system": "his", "external_id": "H2"}]}))).ok(201).clone();
        let (a_id, b_id) = (a["id"].as_str().unwrap(), b["id"].as_str().unwrap());
        srv.patch(
            &format!("/api/v1/customers/{b_id}"),
            &w.agent_a,
            1,
            json!({"lifecycle_stage": "current", "stage_reason": "首诊"}),
        )
        .ok(200);

        // Merging needs customer.merge (supervisor), not the agent.
        srv.merge(a_id, &w.agent_a, json!({"from_id": b_id}))
            .problem(403, "forbidden");
        srv.merge(a_id, &w.sup_a, json!({"from_id": a_id}))
            .problem(422, "validation");
        let merged = srv
            .merge(a_id, &w.sup_a, json!({"from_id": b_id}))
            .ok(200)
            .clone();
        let c = &merged["customer"];
        assert_eq!(c["tags"], json!(["VIP候选", "糖尿病"]));
        assert_eq!(c["phones"].as_array().unwrap().len(), 2);
        assert_eq!(c["external_ids"].as_array().unwrap().len(), 2);
        assert!(merged["moved"]["external_ids"].as_u64().unwrap() >= 1);
        // The merged-away id names the kept one (issue 9 item 11).
        let gone = srv.get(&format!("/api/v1/customers/{b_id}"), &w.sup_a);
        gone.problem(404, "merged");
        assert_eq!(gone.body["merged_into"], a["id"]);
        assert_eq!(search(srv, &w.agent_a, "q=周")["total"], 1);
        let history = srv
            .get(
                &format!("/api/v1/customers/{a_id}/stage-history"),
                &w.agent_a,
            )
            .ok(200)
            .clone();
        assert!(
            history
                .as_array()
                .unwrap()
                .iter()
                .any(|h| h["reason"] == "首诊"),
            "the duplicate's history moved: {history}"
        );
        let audit = srv
            .get(
                &format!("/api/v1/audit-events?entity_id={b_id}&action=merged_away"),
                &w.admin,
            )
            .ok(200)
            .clone();
        assert_eq!(audit["total"], 1);
        // Another institution's customer cannot be merged in.
        let other = search(srv, &w.agent_b, "q=周")["items"][0]["id"]
            .as_str()
            .unwrap()
            .to_string();
        srv.merge(a_id, &w.sup_a, json!({"from_id": other}))
            .problem(422, "validation");
    });
}

#[test]
fn numbers_are_masked_without_pii_read_and_unmasked_reads_audited() {
    each_backend(|srv| {
        let w = world(srv);
        let c = create(
            srv,
            &w.agent_a,
            json!({"kind": "individual", "name": "吴敏", "phones": ["13812345678"], "id_number": "11010519491231002X"}),
        );
        assert_eq!(c["masked"], true, "an agent has no pii.read");
        let id = c["id"].as_str().unwrap();
        let as_agent = srv
            .get(&format!("/api/v1/customers/{id}"), &w.agent_a)
            .ok(200)
            .clone();
        assert_eq!(
            (as_agent["phones"][0].clone(), as_agent["id_number"].clone()),
            (json!("138****5678"), json!("110***********002X"))
        );
        let as_sup = srv
            .get(&format!("/api/v1/customers/{id}"), &w.sup_a)
            .ok(200)
            .clone();
        assert_eq!(
            (as_sup["phones"][0].clone(), as_sup["masked"].clone()),
            (json!("13812345678"), json!(false))
        );
        let reads = srv
            .get(
                &format!("/api/v1/audit-events?entity_id={id}&action=read"),
                &w.admin,
            )
            .ok(200)
            .clone();
        assert_eq!(
            reads["total"], 1,
            "the supervisor's unmasked read is audited, not the agent's masked one"
        );
        assert_eq!(reads["items"][0]["actor_username"], "sup.a");
        // The audit trail of the creation holds masked numbers only.
        let created = srv
            .get(
                &format!("/api/v1/audit-events?entity_id={id}&action=create"),
                &w.admin,
            )
            .ok(200)
            .clone();
        assert!(!created.to_string().contains("13812345678"));
    });
}

#[test]
fn updates_need_the_version_and_record_stage_history() {
    each_backend(|srv| {
        let w = world(srv);
        let c = create(
            srv,
            &w.agent_a,
            json!({"kind": "individual", "name": "郑强"}),
        );
        let id = c["id"].as_str().unwrap();
        let path = format!("/api/v1/customers/{id}");
        srv.call(
            "PATCH",
            &path,
            Some(&w.agent_a),
            Some(&json!({"notes": "x"})),
        )
        .problem(428, "precondition_required");
        srv.patch(&path, &w.agent_a, 1, json!({"lifecycle_stage": "loyal"}))
            .problem(422, "validation");
        srv.patch(
            &path,
            &w.agent_a,
            1,
            json!({"lifecycle_stage": "current", "stage_reason": "首次就诊"}),
        )
        .ok(200);
        srv.patch(&path, &w.agent_a, 1, json!({"notes": "stale"}))
            .problem(412, "stale");
        srv.patch(
            &path,
            &w.agent_a,
            2,
            json!({"id_number": "110105194912310021"}),
        )
        .problem(422, "validation");
        let history = srv
            .get(&format!("{path}/stage-history"), &w.agent_a)
            .ok(200)
            .clone();
        let stages: Vec<&str> = history
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["to_stage"].as_str().unwrap())
            .collect();
        assert_eq!(stages, ["potential", "current"]);
        // Concurrent edits with one version: exactly one wins.
        let statuses: Vec<u16> = std::thread::scope(|s| {
            let hs: Vec<_> = (0..6)
                .map(|i| {
                    let (path, token) = (&path, &w.agent_a);
                    s.spawn(move || {
                        srv.patch(path, token, 2, json!({"notes": format!("第{i}次")}))
                            .status
                    })
                })
                .collect();
            hs.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(
            statuses.iter().filter(|s| **s == 200).count(),
            1,
            "{statuses:?}"
        );
        // Soft delete: gone from reads, needs the version.
        assert_eq!(
            srv.raw("DELETE", &path, Some(&w.agent_a), &[], None).status,
            428
        );
        assert_eq!(
            srv.raw(
                "DELETE",
                &path,
                Some(&w.agent_b),
                &[("If-Match", "\"3\"")],
                None
            )
            .status,
            404
        );
        assert_eq!(
            srv.raw(
                "DELETE",
                &path,
                Some(&w.agent_a),
                &[("If-Match", "\"3\"")],
                None
            )
            .status,
            204
        );
        srv.get(&path, &w.agent_a).problem(404, "not_found");
        assert_eq!(search(srv, &w.agent_a, "q=郑")["total"], 0);
    });
}

/// X-6b on every read path of the core archive, and X-6a break-glass for the exception.
#[test]
fn other_institutions_customers_are_invisible_until_break_glass() {
    each_backend(|srv| {
        let w = world(srv);
        let c = create(
            srv,
            &w.agent_b,
            json!({"kind": "individual", "name": "冯军", "phones": ["13700001111"]}),
        );
        let id = c["id"].as_str().unwrap();
        let path = format!("/api/v1/customers/{id}");
        srv.get(&path, &w.agent_a).problem(404, "not_found");
        srv.get(&format!("{path}/stage-history"), &w.agent_a)
            .problem(404, "not_found");
        srv.patch(&path, &w.agent_a, 1, json!({"notes": "x"}))
            .problem(404, "not_found");
        assert_eq!(search(srv, &w.agent_a, "q=冯")["total"], 0);
        assert_eq!(search(srv, &w.agent_a, "q=1111")["total"], 0);
        assert_eq!(search(srv, &w.agent_a, "q=13700001111")["total"], 0);
        assert_eq!(
            search(
                srv,
                &w.agent_a,
                &format!("institution_id={}", w.inst_b["id"].as_str().unwrap())
            )["total"],
            0
        );

        srv.post(
            &format!("{path}/break-glass"),
            &w.agent_a,
            json!({"category": "emergency", "reason": ""}),
        )
        .problem(422, "validation");
        srv.post(
            &format!("/api/v1/customers/{}/break-glass", uuid::Uuid::now_v7()),
            &w.agent_a,
            json!({"category": "patient_on_phone", "reason": "患者来电急诊需要核对病历"}),
        )
        .problem(404, "not_found");
        let grant = srv
            .post(
                &format!("{path}/break-glass"),
                &w.agent_a,
                json!({"category": "patient_on_phone", "reason": "患者来电急诊需要核对"}),
            )
            .ok(201)
            .clone();
        let seen = srv.get(&path, &w.agent_a).ok(200).clone();
        assert_eq!(seen["name"], "冯军");
        assert_eq!(seen["masked"], true);
        // Read only: the grant does not let A change B's customer, nor list B's customers.
        srv.patch(&path, &w.agent_a, 1, json!({"notes": "x"}))
            .problem(404, "not_found");
        assert_eq!(search(srv, &w.agent_a, "q=冯")["total"], 0);
        let flagged = srv
            .get(
                &format!("/api/v1/audit-events?entity_id={id}&flagged=true"),
                &w.admin,
            )
            .ok(200)
            .clone();
        let actions: Vec<&str> = flagged["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert_eq!(actions, ["read", "break_glass"]);

        // B's supervisor reviews it; A's supervisor does not see it; agents cannot review.
        srv.get("/api/v1/break-glass-reviews", &w.agent_b)
            .problem(403, "forbidden");
        assert_eq!(
            srv.get("/api/v1/break-glass-reviews?reviewed=false", &w.sup_a)
                .ok(200)["total"],
            0
        );
        let pending = srv
            .get("/api/v1/break-glass-reviews?reviewed=false", &w.sup_b)
            .ok(200)
            .clone();
        assert_eq!(pending["items"][0]["id"], grant["id"]);
        assert_eq!(pending["items"][0]["customer_name"], "冯军");
        assert_eq!(grant["customer_name"], "冯军");
        let gid = grant["id"].as_str().unwrap();
        srv.post(
            &format!("/api/v1/break-glass-reviews/{gid}/review"),
            &w.sup_a,
            json!({"outcome": "appropriate", "note": "x"}),
        )
        .problem(404, "not_found");
        let reviewed = srv
            .post(
                &format!("/api/v1/break-glass-reviews/{gid}/review"),
                &w.sup_b,
                json!({"outcome": "appropriate", "note": "核实无误"}),
            )
            .ok(200)
            .clone();
        assert_eq!(
            (
                reviewed["customer_name"].as_str(),
                reviewed["review_note"].as_str()
            ),
            (Some("冯军"), Some("核实无误"))
        );
        srv.post(
            &format!("/api/v1/break-glass-reviews/{gid}/review"),
            &w.sup_b,
            json!({"outcome": "appropriate", "note": "again"}),
        )
        .problem(409, "duplicate");
        assert_eq!(
            srv.get("/api/v1/break-glass-reviews?reviewed=false", &w.sup_b)
                .ok(200)["total"],
            0
        );
    });
}

/// Issue 7 item 12: an account manager must be active staff of the customer's institution.
/// A user of another institution gets the same `bad_reference` problem, byte for byte, as an
/// id that names no user — on create and PATCH, even for a group-wide caller who sees both
/// institutions — so that ids cannot be probed across institutions (X-6b).
#[test]
fn account_manager_errors_do_not_tell_other_institutions_from_unknown_users() {
    each_backend(|srv| {
        let w = world(srv);
        let unknown = "0193a1d2-7c4e-7b10-8000-00000000000f";
        let users = srv.get("/api/v1/users?limit=200", &w.admin).ok(200).clone();
        let id_of = |name: &str| {
            users["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|u| u["username"] == name)
                .map(|u| u["id"].as_str().unwrap().to_string())
                .unwrap()
        };
        let (agent_b, sup_a) = (id_of("agent.b"), id_of("sup.a"));
        let his = srv.user(&w.admin, "his.a", &["integration"], &w.inst_a);
        let his = his["id"].as_str().unwrap().to_string();
        let director = srv.post(
            "/api/v1/users",
            &w.admin,
            json!({"username": "dir", "display_name": "院长", "password": "Passw0rd-x", "roles": ["director"], "group_wide": true}),
        );
        director.ok(201);
        let director = srv.login("dir", "Passw0rd-x");
        let refused = |token: &str, body: Value| {
            let r = srv.post("/api/v1/customers", token, body);
            r.problem(422, "validation");
            r.body.clone()
        };
        let with_manager = |m: &str| {
            json!({"kind": "individual", "name": "王五", "account_manager_id": m,
                   "institution_id": w.inst_a["id"]})
        };
        let none = refused(&w.agent_a, with_manager(unknown));
        assert_eq!(none["errors"][0]["field"], "account_manager_id", "{none}");
        assert_eq!(none["errors"][0]["code"], "bad_reference", "{none}");
        for (who, token) in [("agent", &w.agent_a), ("director", &director)] {
            for m in [&agent_b, &his] {
                assert_eq!(refused(token, with_manager(m)), none, "{who} naming {m}");
            }
        }
        assert_eq!(search(srv, &w.sup_a, "")["total"], 0, "nothing stored");

        let c = create(srv, &director, with_manager(&sup_a));
        assert_eq!(c["account_manager_id"], sup_a.as_str());
        let path = format!("/api/v1/customers/{}", c["id"].as_str().unwrap());
        for m in [unknown, &agent_b, &his] {
            let r = srv.patch(&path, &director, 1, json!({"account_manager_id": m}));
            r.problem(422, "validation");
            assert_eq!(r.body, none, "PATCH naming {m}");
        }
        assert_eq!(srv.get(&path, &w.sup_a).ok(200)["version"], 1);
    });
}

/// CUS-10 with the merge registry (issue 8 item 3): the customers a duplicate referred are
/// referred by the kept customer after the merge (the referral was left on the duplicate
/// before: no module of the merge moved `referred_by_id`).
#[test]
fn a_merge_moves_the_duplicates_referrals() {
    each_backend(|srv| {
        let w = world(srv);
        let kept = create(
            srv,
            &w.agent_a,
            json!({"kind": "individual", "name": "王建国"}),
        );
        let dup = create(
            srv,
            &w.agent_a,
            json!({"kind": "individual", "name": "王建国"}),
        );
        let referred = create(
            srv,
            &w.agent_a,
            json!({"kind": "individual", "name": "李红", "referred_by_id": dup["id"]}),
        );
        let merged = srv
            .merge(
                kept["id"].as_str().unwrap(),
                &w.sup_a,
                json!({"from_id": dup["id"]}),
            )
            .ok(200)
            .clone();
        assert_eq!(merged["moved"]["referrals"], 1, "{merged}");
        let now = srv
            .get(
                &format!("/api/v1/customers/{}", referred["id"].as_str().unwrap()),
                &w.agent_a,
            )
            .ok(200)
            .clone();
        assert_eq!(now["referred_by_id"], kept["id"]);
        assert_eq!(now["referred_by_name"], "王建国");
    });
}
