//! X-3 (issue 12): an API key's scopes, checked on every endpoint; its last use; revocation at
//! once; the audit trail naming the key as well as its user.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{Value, json};

use crate::common::{Srv, each_backend};

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

/// A key of `user` with `scopes` (JSON), made by `admin`: (the key, its record).
fn key(srv: &Srv, admin: &str, user: &Value, name: &str, scopes: Value) -> (String, Value) {
    let made = srv
        .post(
            &format!("/api/v1/users/{}/api-keys", s(&user["id"])),
            admin,
            json!({"name": name, "scopes": scopes}),
        )
        .ok(201)
        .clone();
    (s(&made["key"]).to_string(), made["api_key"].clone())
}

fn listed(srv: &Srv, admin: &str, user: &Value, id: &str) -> Value {
    let list = srv
        .get(&format!("/api/v1/users/{}/api-keys", s(&user["id"])), admin)
        .ok(200)
        .clone();
    list.as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == id)
        .cloned()
        .unwrap()
}

#[test]
fn a_key_reaches_only_what_its_scopes_grant_within_its_users_roles() {
    each_backend(|srv| {
        let admin = srv.admin();
        let inst = srv.institution(&admin, "BJ01", true);
        let his = srv.user(&admin, "his.bj01", &["integration"], &inst);
        let customer = json!({"kind": "individual", "name": "周杰", "phones": ["13512345678"]});

        // patients:write without patients:read: creates, cannot read back.
        let (writer, record) = key(srv, &admin, &his, "写入", json!(["patients:write"]));
        assert_eq!(record["scopes"], json!(["patients:write"]));
        let c = srv
            .post("/api/v1/customers", &writer, customer.clone())
            .ok(201)
            .clone();
        let path = format!("/api/v1/customers/{}", s(&c["id"]));
        srv.get(&path, &writer).problem(403, "forbidden");
        srv.get("/api/v1/visits", &writer).problem(403, "forbidden");

        // patients:read: reads, cannot write.
        let (reader, _) = key(srv, &admin, &his, "只读", json!(["patients:read"]));
        srv.get(&path, &reader).ok(200);
        srv.post("/api/v1/customers", &reader, customer.clone())
            .problem(403, "forbidden");

        // Visits and appointments are distinct scopes now (visit.read vs service.read).
        let (visits, _) = key(srv, &admin, &his, "就诊", json!(["visits:read"]));
        let (appts, _) = key(srv, &admin, &his, "预约", json!(["appointments:read"]));
        srv.get("/api/v1/visits", &visits).ok(200);
        srv.get("/api/v1/appointments", &visits)
            .problem(403, "forbidden");
        srv.get("/api/v1/appointments", &appts).ok(200);
        srv.get("/api/v1/visits", &appts).problem(403, "forbidden");
        // organisation:read reaches the institution, nothing else.
        let (org, _) = key(srv, &admin, &his, "机构", json!(["organisation:read"]));
        srv.get(&format!("/api/v1/institutions/{}", s(&inst["id"])), &org)
            .ok(200);
        srv.get(&path, &org).problem(403, "forbidden");

        // Beyond the user's roles: 422 naming the scope, and no key is made.
        let before = srv
            .get(&format!("/api/v1/users/{}/api-keys", s(&his["id"])), &admin)
            .ok(200)
            .as_array()
            .unwrap()
            .len();
        let r = srv.post(
            &format!("/api/v1/users/{}/api-keys", s(&his["id"])),
            &admin,
            json!({"name": "投诉", "scopes": ["patients:read", "complaints:read"]}),
        );
        r.problem(422, "validation");
        assert_eq!(r.body["errors"][0]["field"], "scopes");
        assert_eq!(r.body["errors"][0]["code"], "beyond_role");
        let after = srv
            .get(&format!("/api/v1/users/{}/api-keys", s(&his["id"])), &admin)
            .ok(200)
            .as_array()
            .unwrap()
            .len();
        assert_eq!(before, after);

        // A client that also holds a role reading complaints may be given complaints:read,
        // and its key reads complaints only with that scope.
        let both = srv.user(&admin, "his.sup", &["integration", "supervisor"], &inst);
        let (complaints, _) = key(srv, &admin, &both, "投诉", json!(["complaints:read"]));
        srv.get("/api/v1/complaints", &complaints).ok(200);
        let (no_complaints, _) = key(srv, &admin, &both, "患者", json!(["patients:read"]));
        srv.get("/api/v1/complaints", &no_complaints)
            .problem(403, "forbidden");
        // Without scopes asked: every scope the user's roles hold.
        let made = srv
            .post(
                &format!("/api/v1/users/{}/api-keys", s(&his["id"])),
                &admin,
                json!({"name": "全部"}),
            )
            .ok(201)
            .clone();
        let all: Vec<&str> = made["api_key"]["scopes"]
            .as_array()
            .unwrap()
            .iter()
            .map(s)
            .collect();
        assert_eq!(
            all,
            [
                "organisation:read",
                "patients:read",
                "patients:write",
                "visits:read",
                "visits:write",
                "appointments:read",
                "appointments:write",
                "follow-ups:read",
                "batches:read"
            ]
        );
    });
}

#[test]
fn revoking_a_key_stops_it_at_once_and_its_last_use_is_shown() {
    each_backend(|srv| {
        let admin = srv.admin();
        let inst = srv.institution(&admin, "BJ01", true);
        let his = srv.user(&admin, "his.bj01", &["integration"], &inst);
        let (k, record) = key(srv, &admin, &his, "HIS", json!(["patients:read"]));
        let id = s(&record["id"]).to_string();
        assert!(record["last_used_at"].is_null());
        assert!(listed(srv, &admin, &his, &id)["last_used_at"].is_null());

        srv.get("/api/v1/customers", &k).ok(200);
        let first = listed(srv, &admin, &his, &id)["last_used_at"].clone();
        assert!(first.is_string(), "{first}");
        // At most once a minute: a second use within the minute writes nothing.
        srv.get("/api/v1/customers", &k).ok(200);
        assert_eq!(listed(srv, &admin, &his, &id)["last_used_at"], first);
        // A use a minute later is recorded.
        {
            use diesel::prelude::*;
            use hcrm_db::schema::api_keys;
            let mut conn = srv.db.pool().get().unwrap();
            let earlier = hcrm_db::now() - chrono::Duration::minutes(2);
            let n = match &mut **conn {
                hcrm_db::DbConn::Sqlite(c) => diesel::update(api_keys::table)
                    .set(api_keys::last_used_at.eq(Some(earlier)))
                    .execute(c),
                hcrm_db::DbConn::Postgresql(c) => diesel::update(api_keys::table)
                    .set(api_keys::last_used_at.eq(Some(earlier)))
                    .execute(c),
            };
            assert_eq!(n.unwrap(), 1);
        }
        let moved_back = listed(srv, &admin, &his, &id)["last_used_at"].clone();
        assert_ne!(moved_back, first);
        srv.get("/api/v1/customers", &k).ok(200);
        let later = listed(srv, &admin, &his, &id)["last_used_at"].clone();
        assert!(s(&later) > s(&moved_back), "{later} after {moved_back}");

        // Revoked: the very next request is refused, on this server and on a second one.
        let twin = srv.twin(Default::default());
        twin.get("/api/v1/customers", &k).ok(200);
        srv.post(
            &format!("/api/v1/api-keys/{id}/revoke"),
            &admin,
            json!(null),
        )
        .ok(200);
        srv.get("/api/v1/customers", &k)
            .problem(401, "unauthorized");
        twin.get("/api/v1/customers", &k)
            .problem(401, "unauthorized");
        let revoked = listed(srv, &admin, &his, &id);
        assert!(revoked["revoked_at"].is_string());
    });
}

#[test]
fn writes_made_with_a_key_are_audited_as_the_client_naming_the_key() {
    each_backend(|srv| {
        let admin = srv.admin();
        let inst = srv.institution(&admin, "BJ01", true);
        let his = srv.user(&admin, "his.bj01", &["integration"], &inst);
        let (k, record) = key(srv, &admin, &his, "HIS 生产环境", json!(["patients:write"]));
        let key_id = s(&record["id"]).to_string();
        let c = srv
            .post(
                "/api/v1/customers",
                &k,
                json!({"kind": "individual", "name": "周杰", "phones": ["13512345678"]}),
            )
            .ok(201)
            .clone();
        let trail = srv
            .get(
                &format!(
                    "/api/v1/audit-events?entity_type=customer&entity_id={}",
                    s(&c["id"])
                ),
                &admin,
            )
            .ok(200)
            .clone();
        assert_eq!(trail["total"], 1);
        let e = &trail["items"][0];
        assert_eq!(e["action"], "create");
        assert_eq!(e["actor_id"], his["id"]);
        assert_eq!(e["actor_username"], "his.bj01");
        assert_eq!(e["api_key_id"], key_id.as_str());
        assert_eq!(e["api_key_name"], "HIS 生产环境");
        // The admin's own entries (the key's creation) name no key.
        let by_admin = srv
            .get(
                &format!("/api/v1/audit-events?entity_type=api_key&entity_id={key_id}"),
                &admin,
            )
            .ok(200)
            .clone();
        assert_eq!(by_admin["total"], 1);
        assert!(by_admin["items"][0]["api_key_id"].is_null());
        // Filtered by the key: only what it did.
        let by_key = srv
            .get(&format!("/api/v1/audit-events?api_key_id={key_id}"), &admin)
            .ok(200)
            .clone();
        assert_eq!(by_key["total"], 1);
        assert_eq!(by_key["items"][0]["entity_id"], c["id"]);
        srv.get("/api/v1/audit-events?api_key_id=nope", &admin)
            .problem(400, "invalid_query");
    });
}

/// The HIS's visit write (`POST /integration/batches`, issue 12): refused without
/// `visits:write`, written with it, every record it wrote audited naming the key.
#[test]
fn a_visit_write_needs_visits_write_and_is_audited_naming_the_key() {
    each_backend(|srv| {
        let admin = srv.admin();
        let inst = srv.institution(&admin, "BJ01", true);
        let his = srv.user(&admin, "his.bj01", &["integration"], &inst);
        let batch = |id: &str| {
            json!({
                "batch_id": id,
                "patients": [{"external_id": "P1", "name": "王秀英", "phones": ["13800138001"]}],
                "visits": [{"external_id": "MZ-1", "patient_external_id": "P1", "kind": "outpatient",
                            "visited_at": "2026-12-01T02:30:00Z", "amount_fen": 30000, "paid_fen": 30000}]
            })
        };
        let path = "/api/v1/integration/batches";
        let (patients_only, _) = key(
            srv,
            &admin,
            &his,
            "只写患者",
            json!(["patients:write", "batches:read"]),
        );
        srv.post(path, &patients_only, batch("B-1"))
            .problem(403, "forbidden");
        // Nothing was written, nor stored as a batch.
        assert_eq!(srv.get(path, &admin).ok(200)["total"], 0);
        srv.post(
            path,
            &patients_only,
            json!({"batch_id": "B-0", "patients": batch("x")["patients"]}),
        )
        .ok(200);

        let (writer, record) = key(
            srv,
            &admin,
            &his,
            "HIS 生产环境",
            json!(["patients:write", "visits:write"]),
        );
        let key_id = s(&record["id"]).to_string();
        let done = srv.post(path, &writer, batch("B-2")).ok(200).clone();
        let results: Vec<&str> = done["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| s(&i["result"]))
            .collect();
        assert_eq!(results, ["unchanged", "created"], "{done}");
        let visit_id = s(&done["items"][1]["id"]).to_string();
        // The visit's audit entry names the client and its key.
        let trail = srv
            .get(
                &format!("/api/v1/audit-events?entity_type=visit&entity_id={visit_id}"),
                &admin,
            )
            .ok(200)
            .clone();
        assert_eq!(trail["total"], 1, "{trail}");
        let e = &trail["items"][0];
        assert_eq!(e["actor_username"], "his.bj01");
        assert_eq!(e["api_key_id"], key_id.as_str());
        assert_eq!(e["api_key_name"], "HIS 生产环境");
        // Every entry the key wrote names it; the other key's are its own.
        let by_key = srv
            .get(&format!("/api/v1/audit-events?api_key_id={key_id}"), &admin)
            .ok(200)
            .clone();
        let items = by_key["items"].as_array().unwrap();
        assert!(!items.is_empty());
        assert!(
            items.iter().all(|e| e["api_key_name"] == "HIS 生产环境"),
            "{by_key}"
        );
        assert!(
            items.iter().any(|e| e["entity_type"] == "visit"),
            "{by_key}"
        );
        // The key cannot read its batches without batches:read; the other key of the same
        // client can (both of the client's batches).
        srv.get(path, &writer).problem(403, "forbidden");
        assert_eq!(srv.get(path, &patients_only).ok(200)["total"], 2);
    });
}
