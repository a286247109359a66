//! 投诉报表 (CMP-8) through the API on both backends: the statistics of a known set of
//! complaints across two institutions — counts per grouping, the group's targets and the
//! national limit met / breached / running counted apart, refunds and penalties — as JSON,
//! CSV (BOM, header) and XLSX (read back); scoping (a supervisor counts their institution, a
//! caller of both gets each and a total) and permissions; bad periods answered 422; the weekly
//! opinion form as JSON and printable HTML.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use calamine::{Data, Reader, Xlsx};
use chrono::{Duration, Utc};
use common::world::{At, STAFF_PASSWORD, TwoInstitutions};
use common::{Srv, each_backend};
use serde_json::{Value, json};

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

const STAFF: &[(&str, &str, At)] = &[
    ("agent.a", "agent", At::A),
    ("sup.a", "supervisor", At::A),
    ("agent.b", "agent", At::B),
    ("sup.b", "supervisor", At::B),
];

fn customer(srv: &Srv, token: &str, name: &str, phone: &str) -> String {
    s(&srv
        .post(
            "/api/v1/customers",
            token,
            json!({"kind": "individual", "name": name, "phones": [phone]}),
        )
        .ok(201)["id"])
}

fn intake(srv: &Srv, token: &str, body: Value) -> String {
    s(&srv.post("/api/v1/complaints", token, body).ok(201)["id"])
}

/// The row of `key` in table `table` of `tables`.
fn row<'a>(tables: &'a Value, table: &str, key: &str) -> &'a Value {
    tables[table]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == key)
        .unwrap_or_else(|| panic!("no {key} in {table}: {}", tables[table]))
}

/// (received, open, closed, group met/breached/running, national met/breached/running)
fn counts(r: &Value) -> [i64; 9] {
    [
        "received",
        "open",
        "closed",
        "group_met",
        "group_breached",
        "group_running",
        "national_met",
        "national_breached",
        "national_running",
    ]
    .map(|k| r[k].as_i64().unwrap())
}

#[test]
fn statistics_count_by_grouping_both_clocks_apart_in_three_formats_scoped() {
    each_backend(|srv| {
        let w = TwoInstitutions::new(srv, STAFF);
        let (agent, sup) = (w.token("agent.a"), w.token("sup.a"));
        let inst_a = s(&w.inst_a["id"]);
        let dept = s(&srv
            .post(
                "/api/v1/departments",
                &w.admin,
                json!({"institution_id": inst_a, "name": "皮肤科"}),
            )
            .ok(201)["id"]);
        let wang = customer(srv, &agent, "王秀英", "13800138001");
        let li = customer(srv, &w.token("agent.b"), "李强", "13800138002");

        // A: a phone call now (non-quality, running), a letter read 20 days late (breached on
        // both clocks), one settled on the spot (quality, closed, both met), a suggestion
        // heard on a follow-up call; B: one call.
        intake(
            srv,
            &agent,
            json!({"channel": "phone", "customer_id": wang, "description": "等候时间长",
                   "category": "attitude", "severity": "general",
                   "departments": [{"department_id": dept}]}),
        );
        let late = intake(
            srv,
            &agent,
            json!({"channel": "letter", "customer_id": wang, "description": "收费不透明",
                   "category": "billing", "severity": "serious",
                   "departments": [{"department_id": dept}],
                   "received_at": (Utc::now() - Duration::days(20)).to_rfc3339()}),
        );
        intake(
            srv,
            &agent,
            json!({"channel": "in_person", "customer_id": wang, "description": "术后红肿",
                   "category": "medical_effect", "severity": "minor",
                   "settled_on_spot": true, "outcome": "当场复查并解释"}),
        );
        intake(
            srv,
            &agent,
            json!({"channel": "follow_up_feedback", "customer_id": wang,
                   "description": "建议增加停车位", "category": "suggestion"}),
        );
        intake(
            srv,
            &w.token("agent.b"),
            json!({"channel": "phone", "customer_id": li, "description": "电话无人接"}),
        );
        // A refund asked for and a penalty confirmed on the late letter.
        srv.post(
            &format!("/api/v1/complaints/{late}/refunds"),
            &agent,
            json!({"amount_fen": 50_000, "method": "cash", "reason": "多收费用"}),
        )
        .ok(201);
        let finding = srv
            .post(
                &format!("/api/v1/complaints/{late}/responsibilities"),
                &agent,
                json!({"staff_name": "张收费", "description": "多收费用", "loss_fen": 0}),
            )
            .ok(201)
            .clone();
        srv.raw(
            "POST",
            &format!(
                "/api/v1/complaints/{late}/responsibilities/{}/confirmation",
                s(&finding["id"])
            ),
            Some(&sup),
            &[("If-Match", &format!("\"{}\"", finding["version"]))],
            Some((
                "application/json",
                json!({"level": "written_warning"}).to_string(),
            )),
        )
        .ok(200);

        let today = (Utc::now() + Duration::hours(8)).date_naive();
        let period = format!(
            "from={}&to={}",
            today - Duration::days(40),
            today + Duration::days(1)
        );
        let url = format!("/api/v1/complaints/statistics?{period}");

        // The supervisor of A counts A only: no total.
        let st = srv.get(&url, &sup).ok(200).clone();
        assert_eq!(st["institutions"].as_array().unwrap().len(), 1);
        assert_eq!(st["institutions"][0]["institution_id"], w.inst_a["id"]);
        assert_eq!(st["total"], Value::Null);
        let a = &st["institutions"][0]["tables"];
        assert_eq!(counts(&a["summary"]), [4, 3, 1, 1, 1, 2, 1, 1, 2]);
        assert_eq!(a["summary"]["group_breach_rate"], 50.0);
        assert_eq!(a["summary"]["national_breach_rate"], 50.0);
        assert_eq!(
            (
                &a["summary"]["refunds"],
                &a["summary"]["refund_fen"],
                &a["summary"]["refunds_paid"]
            ),
            (&json!(1), &json!(50_000), &json!(0))
        );
        assert_eq!(a["summary"]["penalties"]["written_warning"], 1);
        assert_eq!(row(a, "by_quality", "quality")["received"], 1);
        assert_eq!(row(a, "by_quality", "non_quality")["received"], 3);
        assert_eq!(
            counts(row(a, "by_category", "billing")),
            [1, 1, 0, 0, 1, 0, 0, 1, 0]
        );
        assert_eq!(
            counts(row(a, "by_category", "medical_effect")),
            [1, 0, 1, 1, 0, 0, 1, 0, 0]
        );
        assert_eq!(row(a, "by_category", "billing")["refund_fen"], 50_000);
        assert_eq!(row(a, "by_severity", "serious")["received"], 1);
        assert_eq!(row(a, "by_channel", "follow_up_feedback")["received"], 1);
        assert_eq!(row(a, "by_channel", "phone")["label"], "电话/呼叫中心");
        let d = row(a, "by_department", &dept);
        assert_eq!(d["label"], "皮肤科");
        assert_eq!(counts(d), [2, 2, 0, 0, 1, 1, 0, 1, 1]);

        // A caller of both institutions sees each and the total.
        let both = srv
            .post(
                "/api/v1/users",
                &w.admin,
                json!({"username": "exe.ab", "display_name": "exe.ab", "password": STAFF_PASSWORD,
                       "roles": ["executive"], "institution_ids": [w.inst_a["id"], w.inst_b["id"]]}),
            )
            .ok(201)
            .clone();
        assert_eq!(both["username"], "exe.ab");
        let exe = srv.login("exe.ab", STAFF_PASSWORD);
        let st = srv.get(&format!("{url}&lang=en"), &exe).ok(200).clone();
        assert_eq!(st["institutions"].as_array().unwrap().len(), 2);
        assert_eq!(st["institutions"][1]["tables"]["summary"]["received"], 1);
        assert_eq!(
            row(
                &st["institutions"][1]["tables"],
                "by_category",
                "unclassified"
            )["label"],
            "Not classified yet"
        );
        assert_eq!(counts(&st["total"]["summary"]), [5, 4, 1, 1, 1, 3, 1, 1, 3]);
        // One institution asked for; one not seen is 404.
        let only_b = srv
            .get(
                &format!("{url}&institution_id={}", s(&w.inst_b["id"])),
                &exe,
            )
            .ok(200)
            .clone();
        assert_eq!(only_b["institutions"].as_array().unwrap().len(), 1);
        srv.get(
            &format!("{url}&institution_id={}", s(&w.inst_b["id"])),
            &sup,
        )
        .problem(404, "not_found");
        // The supervisor of B never counts A's complaints.
        let b = srv.get(&url, &w.token("sup.b")).ok(200).clone();
        assert_eq!(b["institutions"][0]["tables"]["summary"]["received"], 1);

        // An earlier period holds none of them.
        let empty = srv
            .get("/api/v1/complaints/statistics?month=2020-01", &sup)
            .ok(200)
            .clone();
        assert_eq!(
            empty["period"],
            json!({"from": "2020-01-01", "to": "2020-01-31"})
        );
        assert_eq!(empty["institutions"][0]["tables"]["summary"]["received"], 0);

        // CSV: UTF-8 with BOM, the header in the language asked for, the numbers.
        let csv = srv.get(&format!("{url}&format=csv"), &sup);
        assert_eq!(csv.status, 200);
        assert_eq!(csv.content_type, "text/csv; charset=utf-8");
        assert!(
            csv.header("content-disposition")
                .unwrap()
                .contains("complaint-statistics-")
        );
        assert_eq!(&csv.bytes[..3], b"\xEF\xBB\xBF");
        let text = String::from_utf8(csv.bytes[3..].to_vec()).unwrap();
        let mut lines = text.lines();
        assert!(
            lines
                .next()
                .unwrap()
                .starts_with("机构,统计维度,项目,受理数,处理中,已结案,集团时限 达标"),
            "{text}"
        );
        assert!(lines.next().unwrap().starts_with("BJ01"), "{text}");
        assert!(
            text.contains(",皮肤科,2,2,0,0,1,1,100.0,0,1,1,100.0,"),
            "{text}"
        );
        let en = srv.get(&format!("{url}&format=csv&lang=en"), &sup);
        let en = String::from_utf8(en.bytes[3..].to_vec()).unwrap();
        assert!(en.starts_with("Institution,Grouping,Item,Received,Open,Closed"));

        // XLSX: opens, and holds the same numbers.
        let x = srv.get(&format!("{url}&format=xlsx"), &exe);
        assert_eq!(x.status, 200);
        let mut book = Xlsx::new(std::io::Cursor::new(x.bytes.clone())).unwrap();
        let sheet = book.worksheet_range("投诉统计").unwrap();
        assert_eq!(sheet.get((0, 3)), Some(&Data::String("受理数".into())));
        let total_row = sheet
            .rows()
            .find(|r| r[0] == Data::String("全部机构".into()))
            .unwrap();
        assert_eq!(total_row[3], Data::Float(5.0));
        assert_eq!(total_row[7], Data::Float(1.0));

        // Permissions: agents and the admin do not read statistics.
        srv.get(&url, &agent).problem(403, "forbidden");
        srv.get(&url, &w.admin).problem(403, "forbidden");
        let his = srv.user(&w.admin, "his.a", &["integration"], &w.inst_a);
        let key = s(&srv
            .post(
                &format!("/api/v1/users/{}/api-keys", s(&his["id"])),
                &w.admin,
                json!({"name": "HIS"}),
            )
            .ok(201)["key"]);
        srv.get(&url, &key).problem(403, "forbidden");
        srv.get("/api/v1/complaints/opinion-form", &key)
            .problem(403, "forbidden");
        // Bad periods and options: 422, or 400 for an unknown parameter.
        for (q, field) in [
            ("from=2026-12-10&to=2026-12-01", "to"),
            ("from=2020-01-01&to=2024-01-01", "to"),
            ("from=2026-12-1&to=2026-12-31", "from"),
            ("from=2026-12-01", "to"),
            ("month=2026-13", "month"),
            ("month=2026-12&from=2026-12-01&to=2026-12-02", "month"),
            ("format=pdf", "format"),
            ("lang=fr", "lang"),
        ] {
            let r = srv.get(&format!("/api/v1/complaints/statistics?{q}"), &sup);
            r.problem(422, "validation");
            assert_eq!(r.field_errors(), [field], "{q}");
        }
        assert_eq!(
            srv.get("/api/v1/complaints/statistics?colour=red", &sup)
                .status,
            400
        );

        // The weekly opinion form: this week's complaints and suggestions of A.
        let form = srv
            .get("/api/v1/complaints/opinion-form", &agent)
            .ok(200)
            .clone();
        assert_eq!(form["institution_id"], w.inst_a["id"]);
        let week_days = chrono::NaiveDate::parse_from_str(&s(&form["week"]["to"]), "%Y-%m-%d")
            .unwrap()
            - chrono::NaiveDate::parse_from_str(&s(&form["week"]["from"]), "%Y-%m-%d").unwrap();
        assert_eq!(week_days.num_days(), 6);
        // The letter was received 20 days ago: not this week.
        assert_eq!(form["complaints"].as_array().unwrap().len(), 2);
        assert_eq!(form["suggestions"].as_array().unwrap().len(), 1);
        assert_eq!(form["suggestions"][0]["description"], "建议增加停车位");
        assert_eq!((&form["open"], &form["closed"]), (&json!(2), &json!(1)));
        let page = srv.get(
            "/api/v1/complaints/opinion-form?format=html&lang=en",
            &agent,
        );
        assert_eq!(page.status, 200);
        assert_eq!(page.content_type, "text/html; charset=utf-8");
        assert!(
            page.header("content-security-policy")
                .unwrap()
                .starts_with("default-src 'none'; style-src 'sha256-")
        );
        let html = s(&page.body);
        assert!(html.contains("Customer service opinion form"));
        assert!(html.contains("建议增加停车位"));
        // Someone of two institutions chooses one; a bad day is refused.
        srv.get("/api/v1/complaints/opinion-form", &exe)
            .problem(422, "validation");
        srv.get("/api/v1/complaints/opinion-form?date=2026-02-30", &agent)
            .problem(422, "validation");
        srv.get(
            &format!(
                "/api/v1/complaints/opinion-form?institution_id={}",
                s(&w.inst_b["id"])
            ),
            &agent,
        )
        .problem(404, "not_found");
        srv.get("/api/v1/complaints/opinion-form", &w.admin)
            .problem(403, "forbidden");
    });
}
