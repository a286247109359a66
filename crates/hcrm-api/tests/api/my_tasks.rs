//! 我的待办 (CUS-12, issue 9 item 5) through the API on both backends: the coming week by
//! date, the counts the home page shows (`/tasks/mine/counts`), and each task naming its
//! customer (X-13 form of address, masked phone) — as an agent and a supervisor, scoped to the
//! caller's institutions, refused to callers without `contact.read`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use chrono::{Duration, NaiveDate, Utc};
use common::each_backend;
use serde_json::{Value, json};

/// Beijing's date, as the server counts "today" (both test institutions are in Beijing time).
fn day(offset: i64) -> String {
    let today: NaiveDate = (Utc::now() + Duration::hours(8)).date_naive();
    (today + Duration::days(offset)).to_string()
}

fn s(v: &Value) -> String {
    v.as_str().unwrap().to_string()
}

fn titles(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|t| s(&t["title"]))
        .collect()
}

#[test]
fn my_tasks_list_the_coming_week_count_each_kind_and_name_the_customer() {
    each_backend(|srv| {
        let admin = srv.admin();
        let inst_a = srv.institution(&admin, "BJ01", true);
        let inst_b = srv.institution(&admin, "BJ02", true);
        srv.user(&admin, "agent.a", &["agent"], &inst_a);
        let sup = srv.user(&admin, "sup.ab", &["supervisor"], &inst_a);
        srv.user(&admin, "agent.b", &["agent"], &inst_b);
        // The supervisor works in both institutions.
        let sup_id = s(&sup["id"]);
        srv.patch(
            &format!("/api/v1/users/{sup_id}"),
            &admin,
            sup["version"].as_i64().unwrap(),
            json!({"institution_ids": [inst_a["id"], inst_b["id"]]}),
        )
        .ok(200);
        let agent = srv.login("agent.a", "Passw0rd-x");
        let sup = srv.login("sup.ab", "Passw0rd-x");
        let agent_b = srv.login("agent.b", "Passw0rd-x");

        let zhang = s(&srv
            .post(
                "/api/v1/customers",
                &agent,
                json!({"kind": "individual", "name": "张建国", "gender": "male",
                       "birth_date": "1958-04-12", "phones": ["13812345678"]}),
            )
            .ok(201)["id"]);
        let task = |token: &str, title: &str, due: Option<i64>, customer: Option<&str>| {
            let mut body = json!({"title": title, "kind": "reminder"});
            if let Some(d) = due {
                body["due_on"] = json!(day(d));
            }
            if let Some(c) = customer {
                body["customer_id"] = json!(c);
            }
            s(&srv.post("/api/v1/tasks", token, body).ok(201)["id"])
        };
        // The agent's open tasks, in no order of creation.
        task(&agent, "later +8", Some(8), None);
        task(&agent, "week +7", Some(7), Some(&zhang));
        task(&agent, "week +1", Some(1), Some(&zhang));
        task(&agent, "undated", None, None);
        task(&agent, "week +3", Some(3), None);
        task(&agent, "today", Some(0), Some(&zhang));
        task(&agent, "overdue -2", Some(-2), Some(&zhang));
        // Not open, or not the agent's: never counted for the agent.
        let done = task(&agent, "done today", Some(0), None);
        srv.patch(
            &format!("/api/v1/tasks/{done}"),
            &agent,
            1,
            json!({"status": "done"}),
        )
        .ok(200);
        s(&srv
            .post(
                "/api/v1/tasks",
                &sup,
                json!({"title": "supervisor's own +2", "due_on": day(2),
                       "institution_id": inst_a["id"]}),
            )
            .ok(201)["id"]);

        let mine = srv.get("/api/v1/tasks/mine", &agent).ok(200).clone();
        assert_eq!(titles(&mine["overdue"]), ["overdue -2"]);
        assert_eq!(titles(&mine["today"]), ["today"]);
        // The coming seven days, by date; the eighth day and undated ones are later.
        assert_eq!(titles(&mine["upcoming"]), ["week +1", "week +3", "week +7"]);
        let want = json!({"overdue": 1, "today": 1, "upcoming": 3, "later": 2});
        assert_eq!(mine["counts"], want, "{mine}");
        assert_eq!(mine["upcoming_count"], 5);
        assert_eq!(srv.get("/api/v1/tasks/mine/counts", &agent).ok(200), &want);

        // Each row names its customer as the agent would address them, the phone masked.
        let named = json!({"id": zhang, "name": "张建国", "form_of_address": "张大爷",
                           "phone": "138****5678"});
        assert_eq!(mine["today"][0]["customer"], named);
        assert_eq!(mine["upcoming"][0]["customer"], named);
        assert!(mine["upcoming"][1].get("customer").is_none(), "{mine}");
        // The list does as well, for every reader — masked even for a pii.read holder.
        let path = format!("/api/v1/tasks?customer_id={zhang}&status=open&sort=due_on");
        for token in [&agent, &sup] {
            let page = srv.get(&path, token).ok(200).clone();
            assert_eq!(page["total"], 4);
            for t in page["items"].as_array().unwrap() {
                assert_eq!(t["customer"], named, "{t}");
            }
        }
        // A single task is the record as stored, without the list's naming.
        let one = s(&mine["today"][0]["id"]);
        assert!(srv.get(&format!("/api/v1/tasks/{one}"), &agent).ok(200)["customer"].is_null());

        // The supervisor: their own tasks only, in both institutions.
        let in_b = s(&srv
            .post(
                "/api/v1/tasks",
                &sup,
                json!({"title": "BJ02 +1", "due_on": day(1), "institution_id": inst_b["id"]}),
            )
            .ok(201)["id"]);
        let sup_mine = srv.get("/api/v1/tasks/mine", &sup).ok(200).clone();
        assert_eq!(
            titles(&sup_mine["upcoming"]),
            ["BJ02 +1", "supervisor's own +2"]
        );
        assert_eq!(
            srv.get("/api/v1/tasks/mine/counts", &sup).ok(200),
            &json!({"overdue": 0, "today": 0, "upcoming": 2, "later": 0})
        );
        // Taken out of BJ02, the supervisor no longer sees or counts its task.
        let sup_user = srv
            .get(&format!("/api/v1/users/{sup_id}"), &admin)
            .ok(200)
            .clone();
        srv.patch(
            &format!("/api/v1/users/{sup_id}"),
            &admin,
            sup_user["version"].as_i64().unwrap(),
            json!({"institution_ids": [inst_a["id"]]}),
        )
        .ok(200);
        let sup = srv.login("sup.ab", "Passw0rd-x");
        let sup_mine = srv.get("/api/v1/tasks/mine", &sup).ok(200).clone();
        assert_eq!(titles(&sup_mine["upcoming"]), ["supervisor's own +2"]);
        assert_eq!(sup_mine["counts"]["upcoming"], 1);
        assert_eq!(
            srv.get("/api/v1/tasks/mine/counts", &sup).ok(200)["upcoming"],
            1
        );
        srv.get(&format!("/api/v1/tasks/{in_b}"), &sup)
            .problem(404, "not_found");
        // Another institution's agent sees none of it, and nothing of the customer.
        let other = srv.get("/api/v1/tasks/mine", &agent_b).ok(200).clone();
        assert_eq!(
            other["counts"],
            json!({"overdue": 0, "today": 0, "upcoming": 0, "later": 0})
        );
        assert!(!other.to_string().contains("张建国"));
        assert_eq!(srv.get(&path, &agent_b).ok(200)["total"], 0);

        // Without contact.read (an integration client) both answers are refused; without a
        // token too.
        let his = srv.user(&admin, "his.a", &["integration"], &inst_a);
        let key = s(&srv
            .post(
                &format!("/api/v1/users/{}/api-keys", s(&his["id"])),
                &admin,
                json!({"name": "HIS"}),
            )
            .ok(201)["key"]);
        for path in ["/api/v1/tasks/mine", "/api/v1/tasks/mine/counts"] {
            srv.get(path, &key).problem(403, "forbidden");
            srv.call("GET", path, None, None)
                .problem(401, "unauthorized");
        }
    });
}
