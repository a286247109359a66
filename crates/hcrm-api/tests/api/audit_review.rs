//! Issue 9 items 12, 13 and 15: the audit trail's filters with their scoping, the
//! break-glass review's finding and the caller's open grant (X-6a), and the import report's
//! count of valid rows and the import template (CUS-13).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::world::{At, TwoInstitutions};
use crate::common::{self, Srv, each_backend};

use serde_json::{Value, json};

struct World {
    admin: String,
    inst_a: Value,
    inst_b: Value,
    agent_a: String,
    agent_a_id: String,
    dir_a: String,
    sup_b: String,
    sup_b2: String,
    agent_b: String,
    sup_a: String,
}

fn world(srv: &Srv) -> World {
    let w = TwoInstitutions::new(
        srv,
        &[
            ("agent.a", "agent", At::A),
            ("dir.a", "director", At::A),
            ("sup.a", "supervisor", At::A),
            ("agent.b", "agent", At::B),
            ("sup.b", "supervisor", At::B),
            ("sup.b2", "supervisor", At::B),
        ],
    );
    World {
        agent_a: w.token("agent.a"),
        agent_a_id: w.id("agent.a"),
        dir_a: w.token("dir.a"),
        sup_a: w.token("sup.a"),
        agent_b: w.token("agent.b"),
        sup_b: w.token("sup.b"),
        sup_b2: w.token("sup.b2"),
        admin: w.admin,
        inst_a: w.inst_a,
        inst_b: w.inst_b,
    }
}

fn customer(srv: &Srv, token: &str, name: &str) -> String {
    srv.post(
        "/api/v1/customers",
        token,
        json!({"kind": "individual", "name": name}),
    )
    .ok(201)["id"]
        .as_str()
        .unwrap()
        .to_string()
}

fn break_glass(srv: &Srv, token: &str, customer: &str) -> Value {
    srv.post(
        &format!("/api/v1/customers/{customer}/break-glass"),
        token,
        json!({"category": "patient_on_phone", "reason": "患者来电，需要核对既往就诊记录"}),
    )
    .ok(201)
    .clone()
}

fn items(page: &Value) -> Vec<Value> {
    page["items"].as_array().cloned().unwrap_or_default()
}

fn audit(srv: &Srv, token: &str, query: &str) -> Vec<Value> {
    items(
        srv.get(&format!("/api/v1/audit-events?{query}"), token)
            .ok(200),
    )
}

/// An instant as a query value (`+` written `%2B`).
fn instant(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339().replace('+', "%2B")
}

/// Item 12: date range, user, action and entity type; unknown values are 422 naming the
/// parameter; an institution-bound director sees only their institutions' entries, whatever
/// they ask for.
#[test]
fn the_audit_trail_filters_by_time_user_action_and_entity_and_stays_scoped() {
    each_backend(|srv| {
        let w = world(srv);
        let started = chrono::Utc::now() - chrono::Duration::seconds(1);
        let mine = customer(srv, &w.agent_a, "韩梅");
        let theirs = customer(srv, &w.agent_b, "冯军");
        break_glass(srv, &w.agent_a, &theirs);

        // Whole ids, typed actions and entity types; the break-glass facts are kept as such.
        let glass = audit(srv, &w.admin, "action=break_glass");
        assert_eq!(glass.len(), 1, "{glass:?}");
        assert_eq!(glass[0]["entity_type"], "customer");
        assert_eq!(glass[0]["entity_id"], theirs.as_str());
        assert_eq!(glass[0]["changes"]["category"], "patient_on_phone");
        assert_eq!(glass[0]["flagged"], true);

        let created = audit(srv, &w.admin, "action=create&entity_type=customer");
        let ids: Vec<&str> = created
            .iter()
            .map(|e| e["entity_id"].as_str().unwrap())
            .collect();
        assert_eq!(ids.len(), 2, "{ids:?}");
        assert!(ids.contains(&mine.as_str()) && ids.contains(&theirs.as_str()));

        let by_agent = audit(srv, &w.admin, &format!("actor_id={}", w.agent_a_id));
        assert!(by_agent.len() >= 2);
        assert!(
            by_agent
                .iter()
                .all(|e| e["actor_id"] == w.agent_a_id.as_str())
        );
        let actions: Vec<&str> = by_agent
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert!(actions.contains(&"break_glass") && actions.contains(&"create"));

        let later = instant(chrono::Utc::now() + chrono::Duration::hours(1));
        assert!(audit(srv, &w.admin, &format!("from={later}")).is_empty());
        let window = format!(
            "from={}&to={later}&action=create&entity_type=customer",
            instant(started)
        );
        assert_eq!(audit(srv, &w.admin, &window).len(), 2);

        // Bad values: 422 naming the parameter, and nothing is written.
        let total = || srv.get("/api/v1/audit-events?limit=1", &w.admin).ok(200)["total"].clone();
        let before = total();
        for (query, field) in [
            ("action=explode", "action"),
            ("entity_type=spaceship", "entity_type"),
            (
                &format!("from={later}&to={}", instant(started)) as &str,
                "to",
            ),
        ] {
            let res = srv.get(&format!("/api/v1/audit-events?{query}"), &w.admin);
            res.problem(422, "validation");
            assert_eq!(res.field_errors(), [field], "{query}");
        }
        srv.get("/api/v1/audit-events?from=yesterday", &w.admin)
            .problem(400, "invalid_query");
        // Reading the trail is not itself recorded, so the count is what it was.
        assert_eq!(total(), before);

        // Scoping: A's director sees A's entries only, even when asking for B's.
        let a_created = audit(srv, &w.dir_a, "action=create&entity_type=customer");
        assert_eq!(a_created.len(), 1);
        assert_eq!(a_created[0]["entity_id"], mine.as_str());
        assert!(audit(srv, &w.dir_a, "action=break_glass").is_empty());
        let b = w.inst_b["id"].as_str().unwrap();
        assert!(audit(srv, &w.dir_a, &format!("institution_id={b}")).is_empty());
        assert!(audit(srv, &w.dir_a, &format!("entity_id={theirs}")).is_empty());
        let a = w.inst_a["id"].as_str().unwrap();
        assert!(
            audit(srv, &w.dir_a, "limit=200")
                .iter()
                .all(|e| e["institution_id"] == a)
        );
        // Agents and supervisors do not read the trail.
        srv.get("/api/v1/audit-events?action=create", &w.agent_a)
            .problem(403, "forbidden");
        srv.get("/api/v1/audit-events?action=create", &w.sup_b)
            .problem(403, "forbidden");
    });
}

/// Item 13: a review records a finding; `inappropriate` needs a note; bad findings change
/// nothing; reviewed grants stay listed and filter by finding, within the reviewer's
/// institutions; nobody reviews their own.
#[test]
fn a_break_glass_review_records_its_finding_and_reviewed_grants_stay_listed() {
    each_backend(|srv| {
        let w = world(srv);
        let first = customer(srv, &w.agent_b, "冯军");
        let second = customer(srv, &w.agent_b, "冯敏");
        let g1 = break_glass(srv, &w.agent_a, &first);
        let g2 = break_glass(srv, &w.agent_a, &second);
        let review = |gid: &Value| {
            format!(
                "/api/v1/break-glass-reviews/{}/review",
                gid.as_str().unwrap()
            )
        };

        for (body, field) in [
            (json!({"outcome": "inappropriate"}), "note"),
            (json!({"outcome": "inappropriate", "note": "   "}), "note"),
        ] {
            let res = srv.post(&review(&g1["id"]), &w.sup_b, body);
            res.problem(422, "validation");
            assert_eq!(res.field_errors(), [field]);
        }
        // No finding, or one that is none: a body of the wrong shape.
        for body in [
            json!({"note": "核实无误"}),
            json!({"outcome": "fine", "note": "核实无误"}),
        ] {
            srv.post(&review(&g1["id"]), &w.sup_b, body)
                .problem(422, "invalid_body");
        }
        let open = srv
            .get("/api/v1/break-glass-reviews?reviewed=false", &w.sup_b)
            .ok(200)
            .clone();
        assert_eq!(open["total"], 2, "refused reviews changed nothing");

        let done = srv
            .post(
                &review(&g1["id"]),
                &w.sup_b,
                json!({"outcome": "inappropriate", "note": "未见来电记录，访问不合理"}),
            )
            .ok(200)
            .clone();
        assert_eq!(done["review_outcome"], "inappropriate");
        assert_eq!(done["review_note"], "未见来电记录，访问不合理");
        let fine = srv
            .post(
                &review(&g2["id"]),
                &w.sup_b2,
                json!({"outcome": "appropriate"}),
            )
            .ok(200)
            .clone();
        assert_eq!(fine["review_outcome"], "appropriate");
        assert!(fine["review_note"].is_null());

        let reviewed = srv
            .get("/api/v1/break-glass-reviews?reviewed=true", &w.sup_b)
            .ok(200)
            .clone();
        assert_eq!(reviewed["total"], 2);
        let bad = srv
            .get(
                "/api/v1/break-glass-reviews?outcome=inappropriate",
                &w.sup_b,
            )
            .ok(200)
            .clone();
        assert_eq!(bad["total"], 1);
        assert_eq!(bad["items"][0]["id"], g1["id"]);
        srv.get("/api/v1/break-glass-reviews?outcome=fine", &w.sup_b)
            .problem(400, "invalid_query");
        // Another institution's reviewer sees none of them.
        for query in [
            "reviewed=true",
            "outcome=inappropriate",
            "outcome=appropriate",
        ] {
            assert_eq!(
                srv.get(&format!("/api/v1/break-glass-reviews?{query}"), &w.sup_a)
                    .ok(200)["total"],
                0,
                "{query}"
            );
        }

        // The finding is in the trail; an inappropriate one flagged.
        let entries = audit(srv, &w.admin, "action=review&entity_type=break_glass");
        let outcomes: Vec<(&str, bool)> = entries
            .iter()
            .map(|e| {
                (
                    e["changes"]["outcome"].as_str().unwrap(),
                    e["flagged"].as_bool().unwrap(),
                )
            })
            .collect();
        assert_eq!(outcomes, [("appropriate", false), ("inappropriate", true)]);

        // Still nobody reviews their own grant, whatever the finding.
        let own = customer(srv, &w.agent_b, "冯刚");
        let g3 = break_glass(srv, &w.sup_b, &own);
        srv.post(
            &review(&g3["id"]),
            &w.sup_b,
            json!({"outcome": "appropriate", "note": "自己审查"}),
        )
        .problem(403, "own_grant");
        srv.post(
            &review(&g3["id"]),
            &w.sup_b2,
            json!({"outcome": "needs_follow_up"}),
        )
        .ok(200);
    });
}

/// Item 13: the record says how long the caller's temporary access lasts; nobody else learns
/// of the grant.
#[test]
fn the_callers_open_grant_says_until_when() {
    each_backend(|srv| {
        let w = world(srv);
        let theirs = customer(srv, &w.agent_b, "冯军");
        let other = customer(srv, &w.agent_b, "冯敏");
        let path = format!("/api/v1/customers/{theirs}/break-glass");
        srv.get(&path, &w.agent_a).problem(404, "not_found");
        let grant = break_glass(srv, &w.agent_a, &theirs);
        let open = srv.get(&path, &w.agent_a).ok(200).clone();
        assert_eq!(open["id"], grant["id"]);
        let until: chrono::DateTime<chrono::Utc> =
            open["expires_at"].as_str().unwrap().parse().unwrap();
        let left = until - chrono::Utc::now();
        assert!(
            left > chrono::Duration::minutes(29) && left <= chrono::Duration::minutes(30),
            "{left:?}"
        );
        // Another user, another customer: no grant of theirs.
        srv.get(&path, &w.agent_b).problem(404, "not_found");
        srv.get(&path, &w.sup_b).problem(404, "not_found");
        srv.get(
            &format!("/api/v1/customers/{other}/break-glass"),
            &w.agent_a,
        )
        .problem(404, "not_found");
        let _ = (&w.dir_a, &w.sup_a);
    });
}

fn import_csv(srv: &Srv, token: &str, query: &str, text: &str) -> common::Res {
    srv.raw(
        "POST",
        &format!("/api/v1/customers/import?{query}"),
        Some(token),
        &[],
        Some(("text/csv", text.to_string())),
    )
}

/// Item 15: a dry run says how many rows are valid, also in all-or-nothing mode where none
/// would be written; item 14: the template names every column the import reads.
#[test]
fn the_import_report_counts_valid_rows_and_the_template_imports() {
    each_backend(|srv| {
        let w = world(srv);
        let file = "姓名,手机,证件号码\n\
                    韩梅,13800001234,\n\
                    ,13800001235,\n\
                    李雷,12345,\n\
                    王芳,,123\n";
        let report = import_csv(srv, &w.sup_a, "dry_run=true", file)
            .ok(200)
            .clone();
        assert_eq!(
            (
                &report["total_rows"],
                &report["created"],
                &report["skipped"],
                &report["valid_rows"]
            ),
            (&json!(4), &json!(0), &json!(4), &json!(1)),
            "{report}"
        );
        assert_eq!(report["error_count"], 3);
        let report = import_csv(srv, &w.sup_a, "dry_run=true&mode=valid_rows", file)
            .ok(200)
            .clone();
        assert_eq!(
            (&report["created"], &report["valid_rows"]),
            (&json!(1), &json!(1))
        );
        // The all-or-nothing import itself writes nothing and says the same.
        let report = import_csv(srv, &w.sup_a, "", file).ok(200).clone();
        assert_eq!(
            (&report["created"], &report["valid_rows"]),
            (&json!(0), &json!(1))
        );
        assert_eq!(
            srv.get("/api/v1/customers?q=韩梅", &w.sup_a).ok(200)["total"],
            0
        );

        let template = srv.get("/api/v1/customers/import/template", &w.sup_a);
        assert_eq!(template.status, 200);
        assert!(template.content_type.starts_with("text/csv"));
        assert!(
            template
                .header("content-disposition")
                .unwrap_or_default()
                .contains("customers-import-template.csv")
        );
        let text = template.body.as_str().unwrap().to_string();
        let header = text.trim_start_matches('\u{feff}').trim_end();
        assert!(!header.contains('\n'), "only the header row: {text:?}");
        assert!(header.starts_with("姓名,类型,性别,出生日期"), "{header}");
        assert_eq!(header.split(',').count(), 21);
        // Filled in, it imports: every column is one the import reads.
        let mut cells = vec![""; 21];
        (cells[0], cells[6]) = ("张三", "13800001236");
        let filled = format!("{header}\n{}\n", cells.join(","));
        let report = import_csv(srv, &w.sup_a, "dry_run=true", &filled)
            .ok(200)
            .clone();
        assert_eq!(
            (&report["valid_rows"], &report["error_count"]),
            (&json!(1), &json!(0))
        );

        let xlsx = srv.raw(
            "GET",
            "/api/v1/customers/import/template?format=xlsx",
            Some(&w.sup_a),
            &[],
            None,
        );
        assert_eq!(xlsx.status, 200);
        assert_eq!(
            xlsx.content_type,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        srv.get("/api/v1/customers/import/template?format=pdf", &w.sup_a)
            .problem(400, "invalid_query");
        srv.get("/api/v1/customers/import/template", &w.agent_a)
            .problem(403, "forbidden");
        let _ = (&w.inst_a, &w.dir_a);
    });
}
