//! ORG-1, ORG-2, ORG-4 through the API, with permissions, scoping (X-6b), versions
//! and the audit trail.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::each_backend;
use serde_json::json;

#[test]
fn institution_create_get_list_update_deactivate() {
    each_backend(|srv| {
        let admin = srv.admin();
        let inst = srv.post(
            "/api/v1/institutions",
            &admin,
            json!({"code": "SH01", "name": "上海和睦家医院", "city": "上海", "local": false, "hotline": "021-22163900"}),
        );
        let inst = inst.ok(201).clone();
        assert_eq!(inst["time_zone"], "Asia/Shanghai");
        assert_eq!(inst["version"], 1);
        let id = inst["id"].as_str().unwrap();
        let got = srv.get(&format!("/api/v1/institutions/{id}"), &admin);
        assert_eq!(got.header("etag"), Some("\"1\""));
        srv.post(
            "/api/v1/institutions",
            &admin,
            json!({"code": "SH01", "name": "x", "city": "y", "local": true}),
        )
        .problem(409, "duplicate");

        let list = srv
            .get("/api/v1/institutions?q=上海&sort=-name&limit=10", &admin)
            .ok(200)
            .clone();
        assert_eq!(
            (list["total"].as_i64(), list["limit"].as_i64()),
            (Some(1), Some(10))
        );

        let updated = srv
            .patch(
                &format!("/api/v1/institutions/{id}"),
                &admin,
                1,
                json!({"hotline": null, "local": true}),
            )
            .ok(200)
            .clone();
        assert_eq!(
            (
                updated["hotline"].clone(),
                updated["local"].clone(),
                updated["version"].clone()
            ),
            (json!(null), json!(true), json!(2))
        );
        // the old version is refused, a missing one asked for.
        srv.patch(
            &format!("/api/v1/institutions/{id}"),
            &admin,
            1,
            json!({"name": "旧"}),
        )
        .problem(412, "stale");
        srv.call(
            "PATCH",
            &format!("/api/v1/institutions/{id}"),
            Some(&admin),
            Some(&json!({"name": "旧"})),
        )
        .problem(428, "precondition_required");
        srv.call(
            "PATCH",
            &format!("/api/v1/institutions/{id}"),
            Some(&admin),
            Some(&json!({"name": "新", "version": 2})),
        )
        .ok(200);

        let off = srv
            .post(
                &format!("/api/v1/institutions/{id}/deactivate"),
                &admin,
                json!(null),
            )
            .ok(200)
            .clone();
        assert_eq!(off["active"], false);
        assert_eq!(srv.total("/api/v1/institutions?active=true"), 0);

        // each write audited with before/after of the changed fields.
        let events = srv
            .get(
                &format!("/api/v1/audit-events?entity_type=institution&entity_id={id}"),
                &admin,
            )
            .ok(200)
            .clone();
        let actions: Vec<&str> = events["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert_eq!(actions, ["deactivate", "update", "update", "create"]);
        assert_eq!(
            events["items"][2]["changes"]["hotline"],
            json!({"before": "021-22163900", "after": null})
        );
        assert_eq!(events["items"][2]["actor_username"], "admin");
        assert_eq!(events["items"][2]["remote_addr"], "127.0.0.1");
    });
}

#[test]
fn departments_and_doctors_with_schedules() {
    each_backend(|srv| {
        let admin = srv.admin();
        let inst = srv.institution(&admin, "BJ01", true);
        let dept = srv
            .post(
                "/api/v1/departments",
                &admin,
                json!({"institution_id": inst["id"], "name": "心内科", "code": "CARD"}),
            )
            .ok(201)
            .clone();
        srv.post(
            "/api/v1/departments",
            &admin,
            json!({"institution_id": inst["id"], "name": "心内科"}),
        )
        .problem(409, "duplicate");
        let doctor = srv.post(
            "/api/v1/doctors",
            &admin,
            json!({"department_id": dept["id"], "name": "李建国", "title": "主任医师", "specialties": ["冠心病"],
                   "schedule": [{"weekday": 2, "half_day": "morning", "capacity": 20}, {"date": "2026-12-24", "half_day": "evening", "capacity": 5}]}),
        ).ok(201).clone();
        assert_eq!(doctor["institution_id"], inst["id"]);
        assert_eq!(doctor["schedule"].as_array().unwrap().len(), 2);
        let id = doctor["id"].as_str().unwrap();
        let changed = srv
            .patch(
                &format!("/api/v1/doctors/{id}"),
                &admin,
                1,
                json!({"schedule": [{"weekday": 5, "half_day": "afternoon", "capacity": 12}]}),
            )
            .ok(200)
            .clone();
        assert_eq!(
            changed["schedule"],
            json!([{"weekday": 5, "date": null, "half_day": "afternoon", "capacity": 12}])
        );
        let found = srv
            .get(
                &format!(
                    "/api/v1/doctors?department_id={}&q=冠心",
                    dept["id"].as_str().unwrap()
                ),
                &admin,
            )
            .ok(200)
            .clone();
        assert_eq!(found["total"], 1);
        // A slot with both weekday and date, or neither, is refused.
        let bad = srv.post("/api/v1/doctors", &admin, json!({"department_id": dept["id"], "name": "王", "title": "医师", "schedule": [{"half_day": "morning", "capacity": 3}]}));
        bad.problem(422, "validation");
        assert_eq!(bad.field_errors(), ["schedule[0]"]);
    });
}

#[test]
fn roles_decide_what_a_user_may_do() {
    each_backend(|srv| {
        let admin = srv.admin();
        let inst = srv.institution(&admin, "BJ01", true);
        srv.user(&admin, "agent.one", &["agent"], &inst);
        srv.user(&admin, "chief.one", &["supervisor"], &inst);
        let agent = srv.login("agent.one", "Passw0rd-x");
        let chief = srv.login("chief.one", "Passw0rd-x");

        // Agents read their institution but manage nothing and see no staff or audit.
        srv.get("/api/v1/institutions", &agent).ok(200);
        srv.get("/api/v1/departments", &agent).ok(200);
        srv.get("/api/v1/users", &agent).problem(403, "forbidden");
        srv.get("/api/v1/audit-events", &agent)
            .problem(403, "forbidden");
        srv.post(
            "/api/v1/institutions",
            &agent,
            json!({"code": "XX", "name": "x", "city": "y", "local": true}),
        )
        .problem(403, "forbidden");
        srv.post(
            "/api/v1/departments",
            &agent,
            json!({"institution_id": inst["id"], "name": "x"}),
        )
        .problem(403, "forbidden");
        srv.post("/api/v1/users", &agent, json!({}))
            .problem(403, "forbidden");
        // Supervisors see staff but do not manage them.
        assert_eq!(srv.get("/api/v1/users", &chief).ok(200)["total"], 2);
        srv.post(
            &format!(
                "/api/v1/users/{}/deactivate",
                srv.get("/api/v1/auth/me", &agent).ok(200)["id"]
                    .as_str()
                    .unwrap()
            ),
            &chief,
            json!(null),
        )
        .problem(403, "forbidden");

        let me = srv.get("/api/v1/auth/me", &agent).ok(200).clone();
        assert_eq!(me["institutions"][0]["code"], "BJ01");
        assert!(
            !me["permissions"]
                .as_array()
                .unwrap()
                .contains(&json!("user.read"))
        );
    });
}

#[test]
fn user_rules_scope_and_references() {
    each_backend(|srv| {
        let admin = srv.admin();
        let inst = srv.institution(&admin, "BJ01", true);
        let base = json!({"username": "wang.wu", "display_name": "王五", "password": "Passw0rd-x", "roles": ["agent"]});
        // Not group-wide and no institution; group-wide agent; unknown institution.
        let r = srv.post("/api/v1/users", &admin, base.clone());
        r.problem(422, "validation");
        assert_eq!(r.field_errors(), ["institution_ids"]);
        let mut wide = base.clone();
        wide["group_wide"] = json!(true);
        assert_eq!(
            srv.post("/api/v1/users", &admin, wide).field_errors(),
            ["group_wide"]
        );
        let mut ghost = base.clone();
        ghost["institution_ids"] = json!([uuid::Uuid::now_v7()]);
        assert_eq!(
            srv.post("/api/v1/users", &admin, ghost).field_errors(),
            ["institution_ids[0]"]
        );
        // Every bad field at once.
        let r = srv.post("/api/v1/users", &admin, json!({"username": "Bad Name", "display_name": "", "password": "short", "phone": "12345", "roles": []}));
        r.problem(422, "validation");
        assert_eq!(
            r.field_errors(),
            [
                "display_name",
                "display_name",
                "password",
                "phone",
                "roles",
                "username"
            ]
        );

        let mut ok = base.clone();
        ok["institution_ids"] = json!([inst["id"]]);
        ok["phone"] = json!("+86 139-1234-5678");
        let user = srv
            .post("/api/v1/users", &admin, ok.clone())
            .ok(201)
            .clone();
        assert_eq!(user["phone"], "13912345678");
        assert!(user.get("password").is_none() && user.get("password_hash").is_none());
        srv.post("/api/v1/users", &admin, ok)
            .problem(409, "duplicate");
        let id = user["id"].as_str().unwrap();
        srv.patch(
            &format!("/api/v1/users/{id}"),
            &admin,
            1,
            json!({"supervisor_id": id}),
        )
        .problem(422, "validation");
        let me = srv.get("/api/v1/auth/me", &admin).ok(200)["id"]
            .as_str()
            .unwrap()
            .to_string();
        srv.post(
            &format!("/api/v1/users/{me}/deactivate"),
            &admin,
            json!(null),
        )
        .problem(422, "validation");
        let users = srv
            .get("/api/v1/users?role=agent&q=wang", &admin)
            .ok(200)
            .clone();
        assert_eq!(users["total"], 1);
    });
}

/// X-6b: a user of institution A gets 404 for B's records and never sees them in lists.
#[test]
fn another_institutions_records_are_invisible_on_every_read_path() {
    each_backend(|srv| {
        let admin = srv.admin();
        let a = srv.institution(&admin, "AAA", true);
        let b = srv.institution(&admin, "BBB", false);
        let dept_b = srv
            .post(
                "/api/v1/departments",
                &admin,
                json!({"institution_id": b["id"], "name": "骨科"}),
            )
            .ok(201)
            .clone();
        let doc_b = srv
            .post(
                "/api/v1/doctors",
                &admin,
                json!({"department_id": dept_b["id"], "name": "刘伟", "title": "主任医师"}),
            )
            .ok(201)
            .clone();
        let user_b = srv.user(&admin, "staff.b", &["agent"], &b);
        srv.user(&admin, "chief.a", &["supervisor", "director"], &a);
        let chief_a = srv.login("chief.a", "Passw0rd-x");

        for (path, id) in [
            ("institutions", &b["id"]),
            ("departments", &dept_b["id"]),
            ("doctors", &doc_b["id"]),
            ("users", &user_b["id"]),
        ] {
            let id = id.as_str().unwrap();
            srv.get(&format!("/api/v1/{path}/{id}"), &chief_a)
                .problem(404, "not_found");
            let list = srv
                .get(&format!("/api/v1/{path}?limit=200"), &chief_a)
                .ok(200)
                .clone();
            assert!(!list.to_string().contains(id), "{path} list leaks B");
            // Filtering by B's institution finds nothing rather than B's data.
            if path != "institutions" {
                let filtered = srv
                    .get(
                        &format!(
                            "/api/v1/{path}?institution_id={}",
                            b["id"].as_str().unwrap()
                        ),
                        &chief_a,
                    )
                    .ok(200)
                    .clone();
                assert_eq!(filtered["total"], 0, "{path}");
            }
        }
        assert_eq!(
            srv.get("/api/v1/institutions", &chief_a).ok(200)["total"],
            1
        );
        // Audit events of B are not shown to an auditor bound to A.
        let audit = srv
            .get("/api/v1/audit-events?limit=200", &chief_a)
            .ok(200)
            .clone();
        assert!(!audit.to_string().contains(b["id"].as_str().unwrap()));
        // Writes aimed at B are refused the same way, and change nothing.
        let dept_before = srv
            .get(
                &format!("/api/v1/departments/{}", dept_b["id"].as_str().unwrap()),
                &admin,
            )
            .ok(200)
            .clone();
        let dir_write = srv.patch(
            &format!("/api/v1/departments/{}", dept_b["id"].as_str().unwrap()),
            &chief_a,
            1,
            json!({"name": "x"}),
        );
        assert!(matches!(dir_write.status, 403 | 404));
        assert_eq!(
            srv.get(
                &format!("/api/v1/departments/{}", dept_b["id"].as_str().unwrap()),
                &admin
            )
            .ok(200),
            &dept_before
        );
    });
}

/// X-7 under real concurrency: of many writers holding the same version, exactly one wins.
#[test]
fn concurrent_updates_with_one_version_lose_nothing() {
    each_backend(|srv| {
        let admin = srv.admin();
        let inst = srv.institution(&admin, "BJ01", true);
        let path = format!("/api/v1/institutions/{}", inst["id"].as_str().unwrap());
        let statuses: Vec<u16> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8)
                .map(|i| {
                    let (path, admin) = (&path, &admin);
                    s.spawn(move || {
                        srv.patch(path, admin, 1, json!({"name": format!("名称{i}")}))
                            .status
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(
            statuses.iter().filter(|s| **s == 200).count(),
            1,
            "{statuses:?}"
        );
        assert_eq!(
            statuses.iter().filter(|s| **s == 412).count(),
            7,
            "{statuses:?}"
        );
        assert_eq!(srv.get(&path, &admin).ok(200)["version"], 2);
    });
}
