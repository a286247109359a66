//! Contact records (CUS-12) with reminder tasks, the task queue and "my tasks", the customer
//! 360 timeline (CUS-11) and its survival of a merge (CUS-10), through the API on both
//! backends — with validation, permissions, versions, audit, break-glass
//! (X-6a) and institution scoping on every read path (X-6b).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use chrono::{Duration, NaiveDate, Utc};
use common::world::{At, TwoInstitutions};
use common::{Res, Srv, each_backend};
use serde_json::{Value, json};

struct World {
    admin: String,
    inst_a: Value,
    inst_b: Value,
    agent_a: String,
    agent_a_id: String,
    agent2_a: String,
    agent2_a_id: String,
    agent_b: String,
    agent_b_id: String,
}

fn world(srv: &Srv) -> World {
    let w = TwoInstitutions::new(
        srv,
        &[
            ("agent.a", "agent", At::A),
            ("agent2.a", "agent", At::A),
            ("agent.b", "agent", At::B),
        ],
    );
    World {
        agent_a: w.token("agent.a"),
        agent_a_id: w.id("agent.a"),
        agent2_a: w.token("agent2.a"),
        agent2_a_id: w.id("agent2.a"),
        agent_b: w.token("agent.b"),
        agent_b_id: w.id("agent.b"),
        admin: w.admin,
        inst_a: w.inst_a,
        inst_b: w.inst_b,
    }
}

/// Beijing's date, as the server counts "today" and "overdue".
fn today() -> NaiveDate {
    (Utc::now() + Duration::hours(8)).date_naive()
}

fn day(offset: i64) -> String {
    (today() + Duration::days(offset)).to_string()
}

fn customer(srv: &Srv, token: &str, name: &str, phone: &str) -> String {
    srv.post(
        "/api/v1/customers",
        token,
        json!({"kind": "individual", "name": name, "phones": [phone]}),
    )
    .ok(201)["id"]
        .as_str()
        .unwrap()
        .to_string()
}

fn contact(srv: &Srv, token: &str, customer: &str, body: Value) -> Value {
    srv.post(
        &format!("/api/v1/customers/{customer}/contacts"),
        token,
        body,
    )
    .ok(201)
    .clone()
}

fn task(srv: &Srv, token: &str, body: Value) -> Value {
    srv.post("/api/v1/tasks", token, body).ok(201).clone()
}

fn s(v: &Value) -> String {
    v.as_str().unwrap().to_string()
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|x| s(&x["id"]))
        .collect()
}

fn page_ids(srv: &Srv, path: &str, token: &str) -> Vec<String> {
    ids(&srv.get(path, token).ok(200)["items"])
}

fn timeline(srv: &Srv, token: &str, customer: &str, query: &str) -> Value {
    srv.get(
        &format!("/api/v1/customers/{customer}/timeline?{query}"),
        token,
    )
    .ok(200)
    .clone()
}

/// Every (kind, entity_id) of the timeline, walking the pages of `limit`.
fn walk_timeline(srv: &Srv, token: &str, customer: &str, limit: i64) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut before: Option<String> = None;
    for _ in 0..100 {
        let q = match &before {
            Some(b) => format!("limit={limit}&before={b}"),
            None => format!("limit={limit}"),
        };
        let page = timeline(srv, token, customer, &q);
        let items = page["items"].as_array().unwrap();
        assert!(!items.is_empty() || page["next_before"].is_null());
        for e in items {
            out.push((s(&e["kind"]), s(&e["entity_id"])));
        }
        match page["next_before"].as_str() {
            Some(b) => before = Some(b.replace('+', "%2B")),
            None => return out,
        }
    }
    panic!("the timeline does not end");
}

/// The fields a validation problem names, each once.
fn fields(r: &Res) -> Vec<String> {
    let mut f = r.field_errors();
    f.dedup();
    f
}

fn audit_count(srv: &Srv, admin: &str, query: &str) -> i64 {
    srv.get(&format!("/api/v1/audit-events?{query}"), admin)
        .ok(200)["total"]
        .as_i64()
        .unwrap()
}

/// CUS-12: a dated next step becomes the owner's reminder, linked both ways, in "my tasks".
#[test]
fn contact_with_dated_next_step_creates_reminder_for_its_owner() {
    each_backend(|srv| {
        let w = world(srv);
        let cust = customer(srv, &w.agent_a, "王建国", "13812345678");
        let c = contact(
            srv,
            &w.agent_a,
            &cust,
            json!({
                "channel": "phone", "direction": "outbound", "subject": "术后复查提醒",
                "content": "与患者沟通复查安排", "feedback": "希望周末", "agreement": "周六上午复查",
                "next_step": "电话确认复查时间", "next_step_on": day(0),
                "minutes_spent": 12, "money_spent_fen": 1250
            }),
        );
        assert_eq!(c["customer_id"], cust.as_str());
        assert_eq!(c["institution_id"], w.inst_a["id"]);
        assert_eq!(c["owner_id"], w.agent_a_id.as_str());
        assert_eq!(c["party"], "customer");
        assert_eq!(c["money_spent_fen"], 1250);
        assert_eq!(c["minutes_spent"], 12);
        let reminder = s(&c["reminder_task_id"]);
        let t = srv
            .get(&format!("/api/v1/tasks/{reminder}"), &w.agent_a)
            .ok(200)
            .clone();
        assert_eq!(t["kind"], "reminder");
        assert_eq!(t["status"], "open");
        assert_eq!(t["title"], "电话确认复查时间");
        assert_eq!(t["owner_id"], w.agent_a_id.as_str());
        assert_eq!(t["due_on"], day(0));
        assert_eq!(t["customer_id"], cust.as_str());
        assert_eq!(t["source_type"], "contact");
        assert_eq!(t["source_id"], c["id"]);
        // The contact's subject as typed, no text of the server's (X-12, issue 8 item 5).
        assert_eq!(t["description"], c["subject"]);
        assert_eq!(t["overdue"], false);
        assert_eq!(t["institution_id"], w.inst_a["id"]);

        // In "my tasks today" of the owner only.
        let mine = srv.get("/api/v1/tasks/mine", &w.agent_a).ok(200).clone();
        assert_eq!(ids(&mine["today"]), vec![reminder.clone()]);
        assert_eq!(mine["overdue"], json!([]));
        assert_eq!(mine["upcoming_count"], 0);
        let theirs = srv.get("/api/v1/tasks/mine", &w.agent2_a).ok(200).clone();
        assert_eq!(theirs["today"], json!([]));

        // A later date is upcoming; no date, no reminder.
        let later = contact(
            srv,
            &w.agent_a,
            &cust,
            json!({"channel": "wechat", "direction": "inbound", "subject": "咨询体检",
                   "next_step": "发送体检套餐", "next_step_on": day(3)}),
        );
        assert!(later["reminder_task_id"].is_string());
        let undated = contact(
            srv,
            &w.agent_a,
            &cust,
            json!({"channel": "sms", "direction": "outbound", "subject": "短信通知", "next_step": "等待回复"}),
        );
        assert_eq!(undated["reminder_task_id"], Value::Null);
        let mine = srv.get("/api/v1/tasks/mine", &w.agent_a).ok(200).clone();
        assert_eq!(mine["today"].as_array().unwrap().len(), 1);
        assert_eq!(mine["upcoming_count"], 1);

        // Read back one and as a list, newest first, paginated.
        let got = srv
            .get(&format!("/api/v1/contacts/{}", s(&c["id"])), &w.agent_a)
            .ok(200)
            .clone();
        assert_eq!(got, c);
        let list = srv
            .get(&format!("/api/v1/customers/{cust}/contacts"), &w.agent_a)
            .ok(200)
            .clone();
        assert_eq!(list["total"], 3);
        assert_eq!(
            ids(&list["items"]),
            vec![s(&undated["id"]), s(&later["id"]), s(&c["id"])]
        );
        assert_eq!(list["items"][2]["reminder_task_id"], reminder.as_str());
        let second = srv
            .get(
                &format!("/api/v1/customers/{cust}/contacts?limit=1&offset=1"),
                &w.agent_a,
            )
            .ok(200)
            .clone();
        assert_eq!(
            (second["total"].as_i64(), second["limit"].as_i64()),
            (Some(3), Some(1))
        );
        assert_eq!(ids(&second["items"]), vec![s(&later["id"])]);
        // An earlier occurred_at sorts below the others.
        let old = contact(
            srv,
            &w.agent_a,
            &cust,
            json!({"channel": "letter", "direction": "inbound", "subject": "感谢信",
                   "occurred_at": (Utc::now() - Duration::days(30)).to_rfc3339()}),
        );
        assert_eq!(
            page_ids(
                srv,
                &format!("/api/v1/customers/{cust}/contacts"),
                &w.agent_a
            )
            .last(),
            Some(&s(&old["id"]))
        );

        // the contact and its reminder are audited.
        assert_eq!(
            audit_count(
                srv,
                &w.admin,
                &format!(
                    "entity_type=contact&entity_id={}&action=create",
                    s(&c["id"])
                )
            ),
            1
        );
        assert_eq!(
            audit_count(
                srv,
                &w.admin,
                &format!("entity_type=task&entity_id={reminder}&action=create")
            ),
            1
        );
    });
}

/// CUS-12 input rules: every bad field is a 422 naming it, and nothing is stored.
#[test]
fn contact_input_is_validated_and_nothing_is_stored() {
    each_backend(|srv| {
        let w = world(srv);
        let cust = customer(srv, &w.agent_a, "李娜", "13912345678");
        let relative = customer(srv, &w.agent_a, "李强", "13712345678");
        let other = customer(srv, &w.agent_b, "赵敏", "13612345678");
        let path = format!("/api/v1/customers/{cust}/contacts");
        let base = json!({"channel": "phone", "direction": "inbound", "subject": "咨询"});
        let with = |extra: Value| {
            let mut v = base.clone();
            for (k, val) in extra.as_object().unwrap() {
                v[k] = val.clone();
            }
            v
        };
        let cases: Vec<(Value, &str)> = vec![
            (json!({"subject": ""}), "subject"),
            (json!({"subject": "   "}), "subject"),
            (json!({"subject": "字".repeat(201)}), "subject"),
            (json!({"content": "x".repeat(4001)}), "content"),
            (json!({"feedback": "x".repeat(4001)}), "feedback"),
            (json!({"agreement": "x".repeat(4001)}), "agreement"),
            (json!({"next_step": "x".repeat(4001)}), "next_step"),
            (json!({"minutes_spent": 1441}), "minutes_spent"),
            (json!({"minutes_spent": -1}), "minutes_spent"),
            (json!({"money_spent_fen": -1}), "money_spent_fen"),
            (json!({"next_step_on": day(1)}), "next_step_on"),
            (json!({"party_customer_id": relative}), "party_customer_id"),
            (
                json!({"occurred_at": (Utc::now() + Duration::hours(2)).to_rfc3339()}),
                "occurred_at",
            ),
            (
                json!({"party": "relative", "party_customer_id": other}),
                "party_customer_id",
            ),
            (
                json!({"party": "friend", "party_customer_id": "0193a1d2-7c4e-7b10-8000-00000000000f"}),
                "party_customer_id",
            ),
            (
                json!({"party": "relative", "party_customer_id": cust}),
                "party_customer_id",
            ),
        ];
        for (extra, field) in cases {
            let r = srv.post(&path, &w.agent_a, with(extra.clone()));
            r.problem(422, "validation");
            assert_eq!(fields(&r), [field], "{extra}");
        }
        // Wrong shapes.
        srv.post(&path, &w.agent_a, with(json!({"channel": "pigeon"})))
            .problem(422, "invalid_body");
        srv.post(&path, &w.agent_a, with(json!({"owner_id": w.agent2_a_id})))
            .problem(422, "invalid_body");
        srv.post(
            &path,
            &w.agent_a,
            json!({"channel": "phone", "subject": "x"}),
        )
        .problem(422, "invalid_body");
        srv.raw(
            "POST",
            &path,
            Some(&w.agent_a),
            &[],
            Some(("application/json", "{\"channel\":".into())),
        )
        .problem(400, "malformed_json");
        // Nothing stored: no contacts, no tasks.
        assert_eq!(
            srv.get(&path, &w.agent_a).ok(200)["total"],
            0,
            "no contact stored"
        );
        assert_eq!(srv.get("/api/v1/tasks", &w.agent_a).ok(200)["total"], 0);

        // The boundaries themselves are fine; a relative linked by id is kept.
        let ok = contact(
            srv,
            &w.agent_a,
            &cust,
            with(json!({
                "party": "relative", "party_customer_id": relative, "subject": "字".repeat(200),
                "content": "x".repeat(4000), "minutes_spent": 1440, "money_spent_fen": 0,
                "occurred_at": (Utc::now() - Duration::minutes(5)).to_rfc3339()
            })),
        );
        assert_eq!(ok["party_customer_id"], relative.as_str());
        assert_eq!(ok["party"], "relative");
    });
}

/// X-4, X-6a, X-6b on contacts and the timeline: who may write, and other institutions see
/// nothing (404), unless a break-glass grant lets them read (flagged in the audit).
#[test]
fn contacts_and_timeline_obey_permissions_scoping_and_break_glass() {
    each_backend(|srv| {
        let w = world(srv);
        let cust = customer(srv, &w.agent_a, "张伟", "13512345678");
        let path = format!("/api/v1/customers/{cust}/contacts");
        let body = json!({"channel": "phone", "direction": "inbound", "subject": "投诉电话",
                          "next_step": "回电", "next_step_on": day(1)});
        let c = contact(srv, &w.agent_a, &cust, body.clone());
        let contact_id = s(&c["id"]);
        let reminder = s(&c["reminder_task_id"]);

        // The admin lacks customer.write; an integration client may not write contacts.
        srv.post(&path, &w.admin, body.clone())
            .problem(403, "forbidden");
        let his = srv.user(&w.admin, "his.bj01", &["integration"], &w.inst_a);
        let key = srv
            .post(
                &format!("/api/v1/users/{}/api-keys", s(&his["id"])),
                &w.admin,
                json!({"name": "HIS"}),
            )
            .ok(201)["key"]
            .as_str()
            .unwrap()
            .to_string();
        srv.post(&path, &key, body.clone())
            .problem(403, "forbidden");
        // Even a bad body is refused for permission first.
        srv.post(&path, &key, json!({"x": 1}))
            .problem(403, "forbidden");
        srv.post("/api/v1/tasks", &key, json!({"title": "x"}))
            .problem(403, "forbidden");
        srv.patch(
            &format!("/api/v1/tasks/{reminder}"),
            &key,
            1,
            json!({"status": "done"}),
        )
        .problem(403, "forbidden");
        // No token at all.
        srv.call("GET", &path, None, None)
            .problem(401, "unauthorized");

        // Institution B sees nothing of A's customer.
        srv.get(&path, &w.agent_b).problem(404, "not_found");
        srv.post(&path, &w.agent_b, body.clone())
            .problem(404, "not_found");
        srv.get(&format!("/api/v1/contacts/{contact_id}"), &w.agent_b)
            .problem(404, "not_found");
        srv.get(&format!("/api/v1/customers/{cust}/timeline"), &w.agent_b)
            .problem(404, "not_found");
        srv.get(&format!("/api/v1/tasks/{reminder}"), &w.agent_b)
            .problem(404, "not_found");
        srv.patch(
            &format!("/api/v1/tasks/{reminder}"),
            &w.agent_b,
            1,
            json!({"status": "done"}),
        )
        .problem(404, "not_found");
        assert_eq!(srv.get("/api/v1/tasks", &w.agent_b).ok(200)["total"], 0);
        assert_eq!(
            srv.get(&format!("/api/v1/tasks?customer_id={cust}"), &w.agent_b)
                .ok(200)["total"],
            0
        );
        assert_eq!(
            srv.get(
                &format!("/api/v1/tasks?owner_id={}", w.agent_a_id),
                &w.agent_b
            )
            .ok(200)["total"],
            0
        );
        let mine_b = srv.get("/api/v1/tasks/mine", &w.agent_b).ok(200).clone();
        assert_eq!(
            (
                mine_b["today"].clone(),
                mine_b["overdue"].clone(),
                mine_b["upcoming_count"].clone()
            ),
            (json!([]), json!([]), json!(0))
        );
        // B cannot link A's customer to its tasks or contacts either.
        let cust_b = customer(srv, &w.agent_b, "刘洋", "13412345678");
        let r = srv.post(
            "/api/v1/tasks",
            &w.agent_b,
            json!({"title": "回访", "customer_id": cust}),
        );
        assert_eq!(fields(&r), ["customer_id"]);
        // The group-wide admin reads both institutions.
        assert_eq!(srv.get(&path, &w.admin).ok(200)["total"], 1);

        // Break-glass: B may read A's contacts and timeline, flagged; still not write.
        let before_flags = audit_count(srv, &w.admin, "flagged=true");
        srv.post(
            &format!("/api/v1/customers/{cust}/break-glass"),
            &w.agent_b,
            json!({"category": "patient_on_phone", "reason": "患者来电，需要核对上次沟通内容"}),
        )
        .ok(201);
        assert_eq!(srv.get(&path, &w.agent_b).ok(200)["total"], 1);
        srv.get(&format!("/api/v1/contacts/{contact_id}"), &w.agent_b)
            .ok(200);
        let tl = timeline(srv, &w.agent_b, &cust, "");
        assert!(
            tl["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["entity_id"] == contact_id.as_str())
        );
        assert_eq!(
            audit_count(
                srv,
                &w.admin,
                &format!("flagged=true&entity_type=customer_timeline&entity_id={cust}")
            ),
            1
        );
        assert_eq!(
            audit_count(srv, &w.admin, "flagged=true&entity_type=customer_contacts"),
            2
        );
        // Grant, contacts list, contact, timeline.
        assert_eq!(audit_count(srv, &w.admin, "flagged=true"), before_flags + 4);
        srv.post(&path, &w.agent_b, body.clone())
            .problem(404, "not_found");
        // Own-institution reads are not flagged.
        timeline(srv, &w.agent_a, &cust, "");
        assert_eq!(audit_count(srv, &w.admin, "flagged=true"), before_flags + 4);
        // A's customer's tasks stay out of B's lists even under the grant.
        assert_eq!(srv.get("/api/v1/tasks", &w.agent_b).ok(200)["total"], 0);
        assert_eq!(
            srv.get(&format!("/api/v1/customers/{cust_b}/contacts"), &w.agent_a)
                .status,
            404
        );
    });
}

/// The task queue: create, filters, sort, overdue, my tasks, close/reopen, reassign, stale
/// versions, permissions and audit.
#[test]
fn tasks_queue_filters_overdue_reassign_and_versions() {
    each_backend(|srv| {
        let w = world(srv);
        let cust = customer(srv, &w.agent_a, "陈静", "13312345678");
        let yesterday = task(
            srv,
            &w.agent_a,
            json!({"kind": "follow_up", "title": "出院回访", "due_on": day(-1), "customer_id": cust}),
        );
        let today_t = task(
            srv,
            &w.agent_a,
            json!({"kind": "care", "title": "生日关怀", "due_on": day(0),
                   "due_at": format!("{}T02:00:00Z", day(0))}),
        );
        let tomorrow = task(
            srv,
            &w.agent_a,
            json!({"title": "准备资料", "due_on": day(1), "description": "体检报告"}),
        );
        let undated = task(srv, &w.agent_a, json!({"title": "整理名片"}));
        let team = task(
            srv,
            &w.agent_a,
            json!({"title": "回访队列", "team": "follow_up", "due_on": day(2)}),
        );
        assert_eq!(yesterday["owner_id"], w.agent_a_id.as_str());
        assert_eq!(yesterday["overdue"], true);
        assert_eq!(yesterday["institution_id"], w.inst_a["id"]);
        assert_eq!(yesterday["version"], 1);
        assert_eq!(yesterday["created_by"], w.agent_a_id.as_str());
        assert_eq!(today_t["overdue"], false);
        assert_eq!(undated["kind"], "other");
        assert_eq!(undated["due_on"], Value::Null);
        assert_eq!(team["owner_id"], Value::Null);
        assert_eq!(team["team"], "follow_up");
        // A due time alone sets the Beijing due date: 20:00 UTC is 04:00 the next day.
        let by_time = task(
            srv,
            &w.agent_a,
            json!({"title": "夜间回电", "due_at": format!("{}T20:00:00Z", day(5))}),
        );
        assert_eq!(by_time["due_on"], day(6));
        let (y, t0, t1, u, tm, bt) = (
            s(&yesterday["id"]),
            s(&today_t["id"]),
            s(&tomorrow["id"]),
            s(&undated["id"]),
            s(&team["id"]),
            s(&by_time["id"]),
        );

        // Sorted by due date, undated last; descending keeps undated last.
        assert_eq!(
            page_ids(srv, "/api/v1/tasks", &w.agent_a),
            vec![
                y.clone(),
                t0.clone(),
                t1.clone(),
                tm.clone(),
                bt.clone(),
                u.clone()
            ]
        );
        assert_eq!(
            page_ids(srv, "/api/v1/tasks?sort=-due_on", &w.agent_a),
            vec![
                bt.clone(),
                tm.clone(),
                t1.clone(),
                t0.clone(),
                y.clone(),
                u.clone()
            ]
        );
        assert_eq!(
            page_ids(
                srv,
                "/api/v1/tasks?sort=created_at&limit=2&offset=1",
                &w.agent_a
            ),
            vec![t0.clone(), t1.clone()]
        );
        let list = srv.get("/api/v1/tasks?limit=2", &w.agent_a).ok(200).clone();
        assert_eq!(
            (list["total"].as_i64(), list["limit"].as_i64()),
            (Some(6), Some(2))
        );
        // Filters.
        let q = |query: &str| page_ids(srv, &format!("/api/v1/tasks?{query}"), &w.agent_a);
        assert_eq!(q("overdue=true"), vec![y.clone()]);
        assert_eq!(q("overdue=false").len(), 5);
        assert_eq!(q("mine=true").len(), 5);
        assert_eq!(q(&format!("owner_id={}", w.agent_a_id)).len(), 5);
        assert_eq!(q("team=follow_up"), vec![tm.clone()]);
        assert_eq!(q("kind=care"), vec![t0.clone()]);
        assert_eq!(q(&format!("customer_id={cust}")), vec![y.clone()]);
        assert_eq!(
            q(&format!("due_from={}&due_to={}", day(0), day(1))),
            vec![t0.clone(), t1.clone()]
        );
        assert_eq!(q("status=done"), Vec::<String>::new());
        assert_eq!(
            q(&format!("institution_id={}", s(&w.inst_b["id"]))),
            Vec::<String>::new()
        );
        assert!(q("mine=true").iter().all(|id| id != &tm));
        // Other people see the institution's tasks but "mine" is their own.
        assert_eq!(
            page_ids(srv, "/api/v1/tasks?mine=true", &w.agent2_a),
            Vec::<String>::new()
        );
        assert_eq!(srv.get("/api/v1/tasks", &w.agent2_a).ok(200)["total"], 6);
        // Bad queries.
        srv.get("/api/v1/tasks?sort=title", &w.agent_a)
            .problem(422, "validation");
        srv.get("/api/v1/tasks?limit=0", &w.agent_a)
            .problem(422, "validation");
        srv.get("/api/v1/tasks?status=maybe", &w.agent_a)
            .problem(400, "invalid_query");
        srv.get("/api/v1/tasks?due_from=yesterday", &w.agent_a)
            .problem(400, "invalid_query");
        srv.get(
            &format!("/api/v1/tasks?due_from={}&due_to={}", day(1), day(0)),
            &w.agent_a,
        )
        .problem(422, "validation");
        srv.get(
            &format!("/api/v1/tasks?mine=true&owner_id={}", w.agent2_a_id),
            &w.agent_a,
        )
        .problem(422, "validation");

        // My tasks: today's and overdue; the rest counted.
        let mine = srv.get("/api/v1/tasks/mine", &w.agent_a).ok(200).clone();
        assert_eq!(ids(&mine["today"]), vec![t0.clone()]);
        assert_eq!(ids(&mine["overdue"]), vec![y.clone()]);
        assert_eq!(mine["overdue"][0]["overdue"], true);
        assert_eq!(mine["upcoming_count"], 3);

        // Close the overdue task: no longer overdue; done → cancelled must reopen first.
        let done = srv
            .patch(
                &format!("/api/v1/tasks/{y}"),
                &w.agent_a,
                1,
                json!({"status": "done", "outcome": "已回访，恢复良好"}),
            )
            .ok(200)
            .clone();
        assert_eq!(done["status"], "done");
        assert_eq!(done["overdue"], false);
        assert_eq!(done["version"], 2);
        assert_eq!(done["completed_by"], w.agent_a_id.as_str());
        assert!(done["completed_at"].is_string());
        let mine = srv.get("/api/v1/tasks/mine", &w.agent_a).ok(200).clone();
        assert_eq!(mine["overdue"], json!([]));
        assert_eq!(q("overdue=true"), Vec::<String>::new());
        assert_eq!(q("status=done"), vec![y.clone()]);
        let r = srv.patch(
            &format!("/api/v1/tasks/{y}"),
            &w.agent_a,
            2,
            json!({"status": "cancelled"}),
        );
        r.problem(422, "validation");
        assert_eq!(fields(&r), ["status"]);
        // The error names the moves there are (the shared lifecycle rule).
        assert_eq!(r.body["errors"][0]["code"], "invalid_transition");
        assert_eq!(
            r.body["errors"][0]["message"],
            "done cannot become cancelled; from done it may become open"
        );
        // the old version is refused, a missing one asked for.
        srv.patch(
            &format!("/api/v1/tasks/{y}"),
            &w.agent_a,
            1,
            json!({"status": "open"}),
        )
        .problem(412, "stale");
        srv.call(
            "PATCH",
            &format!("/api/v1/tasks/{y}"),
            Some(&w.agent_a),
            Some(&json!({"status": "open"})),
        )
        .problem(428, "precondition_required");
        let reopened = srv
            .call(
                "PATCH",
                &format!("/api/v1/tasks/{y}"),
                Some(&w.agent_a),
                Some(&json!({"status": "open", "version": 2})),
            )
            .ok(200)
            .clone();
        assert_eq!(reopened["status"], "open");
        assert_eq!(reopened["overdue"], true);
        assert_eq!(reopened["completed_at"], Value::Null);
        assert_eq!(reopened["version"], 3);
        assert_eq!(
            srv.get(&format!("/api/v1/tasks/{y}"), &w.agent_a)
                .header("etag"),
            Some("\"3\"")
        );

        // Reassign: to an active colleague of the institution only.
        let r = srv.patch(
            &format!("/api/v1/tasks/{t1}"),
            &w.agent_a,
            1,
            json!({"owner_id": w.agent_b_id}),
        );
        assert_eq!(fields(&r), ["owner_id"]);
        let r = srv.patch(
            &format!("/api/v1/tasks/{t1}"),
            &w.agent_a,
            1,
            json!({"owner_id": "0193a1d2-7c4e-7b10-8000-00000000000f"}),
        );
        assert_eq!(fields(&r), ["owner_id"]);
        let gone = srv.user(&w.admin, "gone.a", &["agent"], &w.inst_a);
        srv.post(
            &format!("/api/v1/users/{}/deactivate", s(&gone["id"])),
            &w.admin,
            json!({}),
        )
        .ok(200);
        let r = srv.patch(
            &format!("/api/v1/tasks/{t1}"),
            &w.agent_a,
            1,
            json!({"owner_id": s(&gone["id"])}),
        );
        assert_eq!(fields(&r), ["owner_id"]);
        let r = srv.patch(
            &format!("/api/v1/tasks/{t1}"),
            &w.agent_a,
            1,
            json!({"owner_id": null}),
        );
        assert_eq!(fields(&r), ["owner_id"], "no owner and no team");
        let moved = srv
            .patch(
                &format!("/api/v1/tasks/{t1}"),
                &w.agent_a,
                1,
                json!({"owner_id": w.agent2_a_id, "due_on": day(0), "title": "准备体检资料"}),
            )
            .ok(200)
            .clone();
        assert_eq!(moved["owner_id"], w.agent2_a_id.as_str());
        assert_eq!(moved["title"], "准备体检资料");
        assert_eq!(moved["description"], "体检报告");
        let mine2 = srv.get("/api/v1/tasks/mine", &w.agent2_a).ok(200).clone();
        assert_eq!(ids(&mine2["today"]), vec![t1.clone()]);

        // Permissions: the owner may, customer.write may; others 403.
        let med = srv.user(&w.admin, "med.a", &["medical_affairs"], &w.inst_a);
        let med_token = srv.login("med.a", "Passw0rd-x");
        srv.patch(
            &format!("/api/v1/tasks/{t0}"),
            &med_token,
            1,
            json!({"title": "改"}),
        )
        .problem(403, "forbidden");
        srv.patch(
            &format!("/api/v1/tasks/{t0}"),
            &w.admin,
            1,
            json!({"title": "改"}),
        )
        .problem(403, "forbidden");
        // Giving a task to someone else needs customer.write; one's own is fine.
        srv.post(
            "/api/v1/tasks",
            &med_token,
            json!({"title": "转交", "owner_id": w.agent_a_id}),
        )
        .problem(403, "forbidden");
        srv.post(
            "/api/v1/tasks",
            &med_token,
            json!({"title": "团队", "team": "care"}),
        )
        .problem(403, "forbidden");
        let own = task(srv, &med_token, json!({"title": "核对病历"}));
        assert_eq!(own["owner_id"], med["id"]);
        srv.patch(
            &format!("/api/v1/tasks/{}", s(&own["id"])),
            &med_token,
            1,
            json!({"status": "cancelled"}),
        )
        .ok(200);
        // A colleague with customer.write may change another's task.
        srv.patch(
            &format!("/api/v1/tasks/{t0}"),
            &w.agent2_a,
            1,
            json!({"status": "done"}),
        )
        .ok(200);

        // Bad input on create, and nothing stored.
        let before = srv.get("/api/v1/tasks", &w.agent_a).ok(200)["total"]
            .as_i64()
            .unwrap();
        let bad: Vec<(Value, &str)> = vec![
            (json!({"title": ""}), "title"),
            (json!({"title": "x".repeat(201)}), "title"),
            (
                json!({"title": "x", "description": "x".repeat(4001)}),
                "description",
            ),
            (json!({"title": "x", "team": ""}), "team"),
            (
                json!({"title": "x", "due_on": day(1), "due_at": format!("{}T05:00:00Z", day(5))}),
                "due_at",
            ),
            (json!({"title": "x", "source_id": "abc"}), "source_type"),
            (json!({"title": "x", "owner_id": w.agent_b_id}), "owner_id"),
            (
                json!({"title": "x", "customer_id": "0193a1d2-7c4e-7b10-8000-00000000000f"}),
                "customer_id",
            ),
            (
                json!({"title": "x", "customer_id": cust, "institution_id": s(&w.inst_b["id"])}),
                "institution_id",
            ),
            (
                json!({"title": "x", "institution_id": s(&w.inst_b["id"])}),
                "institution_id",
            ),
        ];
        for (body, field) in bad {
            let r = srv.post("/api/v1/tasks", &w.agent_a, body.clone());
            r.problem(422, "validation");
            assert_eq!(fields(&r), [field], "{body}");
        }
        srv.post(
            "/api/v1/tasks",
            &w.agent_a,
            json!({"title": "x", "status": "done"}),
        )
        .problem(422, "invalid_body");
        srv.post(
            "/api/v1/tasks",
            &w.agent_a,
            json!({"title": "x", "kind": "party"}),
        )
        .problem(422, "invalid_body");
        // The group-wide admin must say where.
        let r = srv.post("/api/v1/tasks", &w.admin, json!({"title": "x"}));
        assert_eq!(fields(&r), ["institution_id"]);
        let r = srv.patch(
            &format!("/api/v1/tasks/{t1}"),
            &w.agent2_a,
            2,
            json!({"title": ""}),
        );
        assert_eq!(fields(&r), ["title"]);
        srv.patch(
            &format!("/api/v1/tasks/{t1}"),
            &w.agent2_a,
            2,
            json!({"status": "later"}),
        )
        .problem(422, "invalid_body");
        assert_eq!(
            srv.get("/api/v1/tasks", &w.agent_a).ok(200)["total"].as_i64(),
            Some(before)
        );
        let unchanged = srv
            .get(&format!("/api/v1/tasks/{t1}"), &w.agent_a)
            .ok(200)
            .clone();
        assert_eq!(
            (unchanged["version"].clone(), unchanged["title"].clone()),
            (json!(2), json!("准备体检资料"))
        );
        srv.get("/api/v1/tasks/not-a-uuid", &w.agent_a)
            .problem(404, "not_found");

        // every write audited, with the changes.
        assert_eq!(
            audit_count(
                srv,
                &w.admin,
                &format!("entity_type=task&entity_id={y}&action=update")
            ),
            2
        );
        let ev = srv
            .get(
                &format!("/api/v1/audit-events?entity_type=task&entity_id={t1}&action=update"),
                &w.admin,
            )
            .ok(200)
            .clone();
        assert_eq!(
            ev["items"][0]["changes"]["owner_id"]["after"],
            w.agent2_a_id.as_str()
        );
    });
}

/// CUS-11: one stream of the profile, stage changes, contacts and tasks, newest first, paged
/// by instant without losing or repeating entries of the same instant.
#[test]
fn timeline_merges_every_source_newest_first_and_pages_by_instant() {
    each_backend(|srv| {
        let w = world(srv);
        let cust = customer(srv, &w.agent_a, "周杰", "13212345678");
        let created = srv
            .get(&format!("/api/v1/customers/{cust}"), &w.agent_a)
            .ok(200)
            .clone();
        srv.patch(
            &format!("/api/v1/customers/{cust}"),
            &w.agent_a,
            created["version"].as_i64().unwrap(),
            json!({"lifecycle_stage": "current", "stage_reason": "首次就诊"}),
        )
        .ok(200);
        let at = (Utc::now() - Duration::days(2)).to_rfc3339();
        // Two contacts at the same instant, and one older.
        let c1 = contact(
            srv,
            &w.agent_a,
            &cust,
            json!({"channel": "phone", "direction": "inbound", "subject": "咨询挂号", "occurred_at": at}),
        );
        let c2 = contact(
            srv,
            &w.agent_a,
            &cust,
            json!({"channel": "wechat", "direction": "outbound", "subject": "发送地址", "occurred_at": at}),
        );
        let c3 = contact(
            srv,
            &w.agent_a,
            &cust,
            json!({"channel": "visit", "direction": "outbound", "subject": "上门随访",
                   "content": "血压稳定", "next_step": "复查", "next_step_on": day(7),
                   "occurred_at": (Utc::now() - Duration::days(5)).to_rfc3339()}),
        );
        let t = task(
            srv,
            &w.agent_a,
            json!({"title": "预约复查", "customer_id": cust, "due_on": day(1)}),
        );
        srv.patch(
            &format!("/api/v1/tasks/{}", s(&t["id"])),
            &w.agent_a,
            1,
            json!({"status": "done", "outcome": "已预约"}),
        )
        .ok(200);
        // Someone else's customer's task stays off this timeline.
        let other = customer(srv, &w.agent_a, "吴磊", "13112345678");
        let other_task = task(
            srv,
            &w.agent_a,
            json!({"title": "别人的", "customer_id": other}),
        );

        let full = timeline(srv, &w.agent_a, &cust, "limit=200");
        assert_eq!(full["next_before"], Value::Null);
        let items = full["items"].as_array().unwrap();
        let kinds: Vec<&str> = items.iter().map(|e| e["kind"].as_str().unwrap()).collect();
        for k in [
            "customer_created",
            "stage_changed",
            "contact",
            "task_created",
            "task_completed",
        ] {
            assert!(kinds.contains(&k), "{k} in {kinds:?}");
        }
        // Newest first.
        let times: Vec<chrono::DateTime<Utc>> = items
            .iter()
            .map(|e| e["at"].as_str().unwrap().parse().unwrap())
            .collect();
        assert!(times.windows(2).all(|p| p[0] >= p[1]), "{times:?}");
        // The completion is newest, the oldest contact last.
        // Entries carry codes and the users' own words, no display text (X-12, issue 8
        // item 5): the web app words them in the reader's language.
        assert_eq!(items[0]["kind"], "task_completed");
        assert_eq!(items[0]["subject"], "预约复查");
        assert_eq!(items[0]["note"], "已预约");
        assert_eq!(items[0]["task_status"], "done");
        assert_eq!(items[0]["actor_id"], w.agent_a_id.as_str());
        let oldest = items.last().unwrap();
        assert_eq!(oldest["entity_id"], c3["id"]);
        assert_eq!(
            (
                &oldest["subject"],
                &oldest["channel"],
                &oldest["direction"],
                &oldest["note"]
            ),
            (
                &json!("上门随访"),
                &json!("visit"),
                &json!("outbound"),
                &json!("血压稳定")
            )
        );
        let stage = items.iter().find(|e| e["kind"] == "stage_changed").unwrap();
        assert_eq!(
            (&stage["from_stage"], &stage["to_stage"], &stage["note"]),
            (&json!("potential"), &json!("current"), &json!("首次就诊"))
        );
        let made = items
            .iter()
            .find(|e| e["kind"] == "task_created" && e["entity_id"] == t["id"])
            .unwrap();
        assert_eq!(
            (&made["subject"], &made["task_kind"], &made["due_on"]),
            (&t["title"], &t["kind"], &json!(day(1)))
        );
        let created = items
            .iter()
            .find(|e| e["kind"] == "customer_created")
            .unwrap();
        assert_eq!(
            (&created["entity_id"], &created["subject"]),
            (&json!(cust), &json!("周杰"))
        );
        // No entry holds text the server wrote: every string is a code, an id, a time or
        // something a user typed in this test.
        let typed = [
            "周杰",
            "预约复查",
            "已预约",
            "上门随访",
            "血压稳定",
            "首次就诊",
            "咨询挂号",
            "发送地址",
            "复查",
        ];
        for e in items {
            for (field, v) in e.as_object().unwrap() {
                let Some(text) = v.as_str() else { continue };
                let code_like = text
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_-:.+".contains(c));
                assert!(
                    code_like || typed.contains(&text),
                    "{field}: {text:?} in {e}"
                );
            }
        }
        // Contacts and the reminder of c3 and the task: 3 contacts, 2 tasks made, 1 done.
        let count = |k: &str| kinds.iter().filter(|x| **x == k).count();
        assert_eq!(
            (
                count("contact"),
                count("task_created"),
                count("task_completed")
            ),
            (3, 2, 1)
        );
        assert_eq!(count("customer_created"), 1);
        assert_eq!(count("stage_changed"), 1);
        assert!(!items.iter().any(|e| e["entity_id"] == other_task["id"]));

        // Every page size walks the same entries once each, ties included.
        let all: Vec<(String, String)> = items
            .iter()
            .map(|e| (s(&e["kind"]), s(&e["entity_id"])))
            .collect();
        for limit in [1, 2, 3, 5] {
            let walked = walk_timeline(srv, &w.agent_a, &cust, limit);
            let mut a = walked.clone();
            a.sort();
            let mut b = all.clone();
            b.sort();
            assert_eq!(a, b, "limit {limit}: {walked:?}");
        }
        // The two contacts of one instant come on one page, never split.
        let first = timeline(srv, &w.agent_a, &cust, "limit=1");
        let mut cursor = s(&first["next_before"]).replace('+', "%2B");
        let mut seen_pairs = false;
        for _ in 0..20 {
            let p = timeline(srv, &w.agent_a, &cust, &format!("limit=1&before={cursor}"));
            let ids: Vec<String> = p["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| s(&e["entity_id"]))
                .collect();
            if ids.contains(&s(&c1["id"])) || ids.contains(&s(&c2["id"])) {
                assert!(
                    ids.contains(&s(&c1["id"])) && ids.contains(&s(&c2["id"])),
                    "{ids:?}"
                );
                seen_pairs = true;
            }
            match p["next_before"].as_str() {
                Some(b) => cursor = b.replace('+', "%2B"),
                None => break,
            }
        }
        assert!(seen_pairs);

        // A cursor below everything gives an empty last page.
        let empty = timeline(srv, &w.agent_a, &cust, "before=2000-01-01T00:00:00Z");
        assert_eq!(
            (empty["items"].clone(), empty["next_before"].clone()),
            (json!([]), Value::Null)
        );
        // Bad queries.
        srv.get(
            &format!("/api/v1/customers/{cust}/timeline?before=yesterday"),
            &w.agent_a,
        )
        .problem(400, "invalid_query");
        srv.get(
            &format!("/api/v1/customers/{cust}/timeline?limit=0"),
            &w.agent_a,
        )
        .problem(422, "validation");
        srv.get(
            &format!("/api/v1/customers/{cust}/timeline?limit=201"),
            &w.agent_a,
        )
        .problem(422, "validation");
        srv.get(
            "/api/v1/customers/0193a1d2-7c4e-7b10-8000-00000000000f/timeline",
            &w.agent_a,
        )
        .problem(404, "not_found");
    });
}

/// CUS-10 with CUS-11: after a merge the kept customer's timeline, contacts and tasks hold
/// both customers' records; the duplicate is gone from every read.
#[test]
fn merge_keeps_both_customers_contacts_and_tasks_on_the_timeline() {
    each_backend(|srv| {
        let w = world(srv);
        srv.user(&w.admin, "sup.a", &["supervisor"], &w.inst_a);
        let sup = srv.login("sup.a", "Passw0rd-x");
        let kept = customer(srv, &w.agent_a, "孙丽", "13012345678");
        let dup = srv
            .post(
                "/api/v1/customers?confirm_duplicate=true",
                &w.agent_a,
                json!({"kind": "individual", "name": "孙丽", "phones": ["13012345678"]}),
            )
            .ok(201)["id"]
            .as_str()
            .unwrap()
            .to_string();
        let k_contact = contact(
            srv,
            &w.agent_a,
            &kept,
            json!({"channel": "phone", "direction": "inbound", "subject": "预约挂号",
                   "next_step": "提醒就诊", "next_step_on": day(1)}),
        );
        let d_contact = contact(
            srv,
            &w.agent_a,
            &dup,
            json!({"channel": "email", "direction": "outbound", "subject": "体检报告",
                   "next_step": "解读报告", "next_step_on": day(2)}),
        );
        let k_task = task(
            srv,
            &w.agent_a,
            json!({"title": "回访满意度", "customer_id": kept}),
        );
        let d_task = task(
            srv,
            &w.agent_a,
            json!({"title": "发送资料", "customer_id": dup}),
        );

        let merged = srv
            .merge(&kept, &sup, json!({"from_id": dup}))
            .ok(200)
            .clone();
        assert_eq!(merged["moved"]["contacts"], 1);
        assert_eq!(merged["moved"]["tasks"], 2);

        let tl = timeline(srv, &w.agent_a, &kept, "limit=200");
        let entries: Vec<(String, String)> = tl["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (s(&e["kind"]), s(&e["entity_id"])))
            .collect();
        let has = |kind: &str, id: &Value| entries.contains(&(kind.to_string(), s(id)));
        assert!(has("contact", &k_contact["id"]), "{entries:?}");
        assert!(has("contact", &d_contact["id"]), "{entries:?}");
        for t in [
            &k_task["id"],
            &d_task["id"],
            &k_contact["reminder_task_id"],
            &d_contact["reminder_task_id"],
        ] {
            assert!(has("task_created", t), "{t} in {entries:?}");
        }
        assert!(has("customer_merged", &json!(dup)), "{entries:?}");
        assert!(has("customer_created", &json!(kept)));

        let contacts = srv
            .get(&format!("/api/v1/customers/{kept}/contacts"), &w.agent_a)
            .ok(200)
            .clone();
        assert_eq!(contacts["total"], 2);
        assert!(
            contacts["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|c| c["customer_id"] == kept.as_str())
        );
        assert_eq!(
            srv.get(&format!("/api/v1/tasks?customer_id={kept}"), &w.agent_a)
                .ok(200)["total"],
            4
        );
        let moved_contact = srv
            .get(
                &format!("/api/v1/contacts/{}", s(&d_contact["id"])),
                &w.agent_a,
            )
            .ok(200)
            .clone();
        assert_eq!(moved_contact["customer_id"], kept.as_str());
        assert_eq!(
            moved_contact["reminder_task_id"],
            d_contact["reminder_task_id"]
        );
        // The duplicate answers 404 everywhere.
        srv.get(&format!("/api/v1/customers/{dup}/timeline"), &w.agent_a)
            .problem(404, "not_found");
        srv.get(&format!("/api/v1/customers/{dup}/contacts"), &w.agent_a)
            .problem(404, "not_found");
        srv.post(
            &format!("/api/v1/customers/{dup}/contacts"),
            &w.agent_a,
            json!({"channel": "phone", "direction": "inbound", "subject": "x"}),
        )
        .problem(404, "not_found");
        assert_eq!(
            srv.get(&format!("/api/v1/tasks?customer_id={dup}"), &w.agent_a)
                .ok(200)["total"],
            0
        );
    });
}

/// Issue 7 item 12: naming a task's owner does not tell a user of another institution from
/// no user at all (the same `bad_reference` problem, byte for byte), on create and PATCH; and
/// PATCH obeys the create rule: whoever may not give a task to someone else (no
/// customer.write) may not hand theirs over either, nor push it to a team queue.
#[test]
fn task_owner_is_checked_by_one_rule_on_create_and_patch() {
    each_backend(|srv| {
        let w = world(srv);
        let unknown = "0193a1d2-7c4e-7b10-8000-00000000000f";
        let t = task(srv, &w.agent_a, json!({"title": "回访"}));
        let path = format!("/api/v1/tasks/{}", s(&t["id"]));

        let on_create = |owner: &str| {
            let r = srv.post(
                "/api/v1/tasks",
                &w.agent_a,
                json!({"title": "x", "owner_id": owner}),
            );
            r.problem(422, "validation");
            r.body.clone()
        };
        let a = on_create(&w.agent_b_id);
        assert_eq!(a["errors"][0]["field"], "owner_id", "{a}");
        assert_eq!(a["errors"][0]["code"], "bad_reference", "{a}");
        assert_eq!(
            a,
            on_create(unknown),
            "create: another institution's user = no user"
        );

        let on_patch = |owner: &str| {
            let r = srv.patch(&path, &w.agent_a, 1, json!({"owner_id": owner}));
            r.problem(422, "validation");
            r.body.clone()
        };
        let a = on_patch(&w.agent_b_id);
        assert_eq!(a["errors"][0]["code"], "bad_reference", "{a}");
        assert_eq!(
            a,
            on_patch(unknown),
            "PATCH: another institution's user = no user"
        );
        // An integration client is no owner either, with the same answer.
        let his = srv.user(&w.admin, "his.a", &["integration"], &w.inst_a);
        assert_eq!(on_patch(&s(&his["id"])), on_patch(unknown));

        // medical_affairs reads customers but lacks customer.write: it may not create a task
        // for someone else, and so may not PATCH its own task over to them.
        let med = srv.user(&w.admin, "med.a", &["medical_affairs"], &w.inst_a);
        let med_token = srv.login("med.a", "Passw0rd-x");
        srv.post(
            "/api/v1/tasks",
            &med_token,
            json!({"title": "转交", "owner_id": w.agent_a_id}),
        )
        .problem(403, "forbidden");
        let own = task(srv, &med_token, json!({"title": "核对病历"}));
        let own_path = format!("/api/v1/tasks/{}", s(&own["id"]));
        srv.patch(&own_path, &med_token, 1, json!({"owner_id": w.agent_a_id}))
            .problem(403, "forbidden");
        srv.patch(
            &own_path,
            &med_token,
            1,
            json!({"owner_id": null, "team": "care"}),
        )
        .problem(403, "forbidden");
        let unchanged = srv.get(&own_path, &med_token).ok(200).clone();
        assert_eq!(unchanged["owner_id"], med["id"]);
        assert_eq!(unchanged["team"], Value::Null);
        assert_eq!(unchanged["version"], 1);
        // Naming oneself, and changing what is not the owner, stay allowed.
        srv.patch(
            &own_path,
            &med_token,
            1,
            json!({"owner_id": med["id"], "team": "care", "title": "核对病历资料"}),
        )
        .ok(200);
        let unchanged = srv.get(&path, &w.agent_a).ok(200).clone();
        assert_eq!(unchanged["owner_id"], w.agent_a_id.as_str());
        assert_eq!(unchanged["version"], 1);
    });
}

/// Issue 7 item 13: money is bounded to 0 ..= ¥100,000,000 in fen, so that a JavaScript
/// client reads every amount exactly; beyond it 422 naming the field, and nothing stored.
#[test]
fn contact_money_is_bounded() {
    each_backend(|srv| {
        let w = world(srv);
        let cust = customer(srv, &w.agent_a, "李娜", "13912345678");
        let path = format!("/api/v1/customers/{cust}/contacts");
        let body = |fen: Value| json!({"channel": "visit", "direction": "outbound", "subject": "陪诊", "money_spent_fen": fen});
        for bad in [
            json!(9_223_372_036_854_775_807_i64),
            json!(10_000_000_001_i64),
            json!(-1),
        ] {
            let r = srv.post(&path, &w.agent_a, body(bad.clone()));
            r.problem(422, "validation");
            assert_eq!(fields(&r), ["money_spent_fen"], "{bad}");
        }
        srv.post(
            &path,
            &w.agent_a,
            body(json!(9_223_372_036_854_775_808_u64)),
        )
        .problem(422, "invalid_body");
        assert_eq!(srv.get(&path, &w.agent_a).ok(200)["total"], 0);
        let top = contact(srv, &w.agent_a, &cust, body(json!(10_000_000_000_i64)));
        assert_eq!(top["money_spent_fen"], 10_000_000_000_i64);
        let read = srv
            .get(&format!("/api/v1/contacts/{}", s(&top["id"])), &w.agent_a)
            .ok(200)
            .clone();
        assert_eq!(read["money_spent_fen"], 10_000_000_000_i64);
    });
}

/// Two institutions far from Beijing made by `admin`: codes `[pago, kiritimati]` in Pago Pago
/// (UTC−11) and Kiritimati (UTC+14), whose dates differ for most of every day; their ids.
fn far_institutions(srv: &Srv, admin: &str, codes: [&str; 2]) -> Vec<String> {
    codes
        .into_iter()
        .zip(["Pacific/Pago_Pago", "Pacific/Kiritimati"])
        .map(|(code, zone)| {
            srv.post(
                "/api/v1/institutions",
                admin,
                json!({"code": code, "name": code, "city": "海外", "local": false, "time_zone": zone}),
            )
            .ok(201)["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

/// the web app's "today" (default days, birth-date checks) is the user's first
/// institution's date, not the browser's: `/auth/me` names that zone. A user of Kiritimati
/// (UTC+14) and Pago Pago (UTC−11) gets the first by code; a user without an institution
/// the group's home zone.
#[test]
fn me_names_the_time_zone_of_the_users_today() {
    each_backend(|srv| {
        let admin = srv.admin();
        assert_eq!(
            srv.get("/api/v1/auth/me", &admin).ok(200)["time_zone"],
            json!("Asia/Shanghai"),
            "no institution yet: the group's home zone"
        );
        let ids = far_institutions(srv, &admin, ["ZPPG", "AKIR"]);
        for (username, institutions) in [
            ("agent.pago", vec![&ids[0]]),
            ("agent.both", vec![&ids[0], &ids[1]]),
        ] {
            srv.post(
                "/api/v1/users",
                &admin,
                json!({"username": username, "display_name": "远程客服", "password": "Passw0rd-x",
                       "roles": ["agent"], "institution_ids": institutions}),
            )
            .ok(201);
        }
        let zone_of = |username: &str| {
            let token = srv.login(username, "Passw0rd-x");
            srv.get("/api/v1/auth/me", &token).ok(200)["time_zone"].clone()
        };
        assert_eq!(zone_of("agent.pago"), json!("Pacific/Pago_Pago"));
        assert_eq!(
            zone_of("agent.both"),
            json!("Pacific/Kiritimati"),
            "AKIR before ZPPG"
        );
        // The administrator sees every institution; the first by code is "AKIR".
        assert_eq!(
            srv.get("/api/v1/auth/me", &admin).ok(200)["time_zone"],
            json!("Pacific/Kiritimati")
        );
    });
}

/// "today" and "overdue" are those of the task's institution's time zone. A task due on
/// today's date in Pago Pago (UTC−11) is not overdue there, but the same date is past in
/// Kiritimati (UTC+14); with one Beijing "today" for all, the first was overdue for most of
/// every day.
#[test]
fn overdue_is_counted_in_the_institutions_time_zone() {
    each_backend(|srv| {
        let admin = srv.admin();
        let ids = far_institutions(srv, &admin, ["PPG1", "KIR1"]);
        srv.post(
            "/api/v1/users",
            &admin,
            json!({"username": "agent.far", "display_name": "远程客服", "password": "Passw0rd-x",
                   "roles": ["agent"], "institution_ids": ids}),
        )
        .ok(201);
        let agent = srv.login("agent.far", "Passw0rd-x");
        let pago_today = hcrm_domain::time::date_in(Utc::now(), "Pacific/Pago_Pago").to_string();
        let overdue_of = |institution: &str| {
            let t = srv
                .post(
                    "/api/v1/tasks",
                    &agent,
                    json!({"title": "回电", "institution_id": institution, "due_on": pago_today}),
                )
                .ok(201)
                .clone();
            let id = t["id"].as_str().unwrap().to_string();
            (
                t["overdue"].clone(),
                srv.get(&format!("/api/v1/tasks/{id}"), &agent).ok(200)["overdue"].clone(),
            )
        };
        assert_eq!(
            overdue_of(&ids[0]),
            (json!(false), json!(false)),
            "Pago Pago"
        );
        assert_eq!(
            overdue_of(&ids[1]),
            (json!(true), json!(true)),
            "Kiritimati"
        );
        // My tasks: due today in Pago Pago, overdue in Kiritimati — each in its own list.
        let mine = srv.get("/api/v1/tasks/mine", &agent).ok(200).clone();
        let listed: Vec<bool> = mine["overdue"]
            .as_array()
            .unwrap()
            .iter()
            .chain(mine["today"].as_array().unwrap())
            .map(|t| t["overdue"].as_bool().unwrap())
            .collect();
        assert_eq!(listed.len(), 2, "{mine}");
        assert!(listed.contains(&true) && listed.contains(&false), "{mine}");
    });
}
