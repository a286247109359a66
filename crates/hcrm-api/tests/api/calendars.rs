//! ORG-3: the business calendars through the API on both backends — the shipped official
//! schedule by default (Spring Festival and National Day 2026), working hours that reach the
//! deadlines `calendar_of` computes (through the check endpoint), a year imported from CSV with
//! its notice and exported again, bad files refused whole, and every read and write scoped to
//! the caller's institutions and permissions.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::Srv;
use common::each_backend;
use common::world::{At, TwoInstitutions};
use serde_json::{Value, json};

fn s(v: &Value) -> String {
    v.as_str().unwrap().to_string()
}

struct Raw {
    status: u16,
    content_type: String,
    body: Vec<u8>,
}

impl Raw {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    #[track_caller]
    fn ok(&self) -> Value {
        assert_eq!(self.status, 200, "{}", String::from_utf8_lossy(&self.body));
        self.json()
    }

    /// Asserts a problem+json of `status` and `code`; returns its body.
    #[track_caller]
    fn problem(&self, status: u16, code: &str) -> Value {
        let body = self.json();
        assert_eq!(self.status, status, "{body}");
        assert_eq!(self.content_type, "application/problem+json", "{body}");
        assert_eq!(body["type"], format!("/problems/{code}"), "{body}");
        body
    }
}

fn send(srv: &Srv, method: &str, path: &str, token: &str, body: Option<(&str, Vec<u8>)>) -> Raw {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let req = ureq::http::Request::builder()
        .method(method)
        .uri(format!("{}{}", srv.base, path))
        .header("Authorization", format!("Bearer {token}"));
    let result = match body {
        Some((ct, bytes)) => agent.run(req.header("Content-Type", ct).body(bytes).unwrap()),
        None => agent.run(req.body(()).unwrap()),
    };
    let mut res = result.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
    let content_type = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let body = res
        .body_mut()
        .with_config()
        .limit(20 * 1024 * 1024)
        .read_to_vec()
        .unwrap();
    Raw {
        status: res.status().as_u16(),
        content_type,
        body,
    }
}

/// `GET /calendars/{inst}/check` from a Beijing local time (`2026-02-13T10:00`).
fn check(srv: &Srv, token: &str, inst: &str, local: &str, what: &str) -> common::Res {
    srv.get(
        &format!("/api/v1/calendars/{inst}/check?start={local}:00%2B08:00&{what}"),
        token,
    )
}

fn counted(res: &common::Res) -> Vec<String> {
    res.ok(200)["counted_days"]
        .as_array()
        .unwrap()
        .iter()
        .map(s)
        .collect()
}

/// The kind of `date` in a calendar's `days`, if it is special.
fn kind_of(detail: &Value, date: &str) -> Option<String> {
    detail["days"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["date"] == date)
        .map(|d| s(&d["kind"]))
}

fn put(srv: &Srv, token: &str, inst: &str, if_match: Option<&str>, body: Value) -> common::Res {
    let headers: Vec<(&str, &str)> = if_match.map(|v| ("If-Match", v)).into_iter().collect();
    srv.raw(
        "PUT",
        &format!("/api/v1/calendars/{inst}"),
        Some(token),
        &headers,
        Some(("application/json", body.to_string())),
    )
}

#[test]
fn the_default_calendar_is_the_official_schedule_and_edited_hours_reach_deadlines() {
    each_backend(|srv| {
        let w = TwoInstitutions::new(
            srv,
            &[
                ("agent.a", "agent", At::A),
                ("fup.a", "follow_up_agent", At::A),
                ("director.a", "director", At::A),
                ("agent.b", "agent", At::B),
            ],
        );
        let (a, b) = (s(&w.inst_a["id"]), s(&w.inst_b["id"]));
        let (agent, director, agent_b) = (
            w.token("agent.a"),
            w.token("director.a"),
            w.token("agent.b"),
        );

        // Every staff role reads its own institutions' calendars, nobody else's.
        let list = srv.get("/api/v1/calendars", &agent).ok(200).clone();
        assert_eq!(list["total"], 1);
        let item = &list["items"][0];
        assert_eq!(item["institution"]["code"], "BJ01");
        assert_eq!(item["time_zone"], "Asia/Shanghai");
        assert_eq!(item["version"], 0);
        assert_eq!(item["rest_days"], json!(["saturday", "sunday"]));
        assert_eq!(
            item["hours"],
            json!([{"start": "08:00:00", "end": "12:00:00"}, {"start": "13:30:00", "end": "17:30:00"}])
        );
        let years: Vec<(i64, String)> = item["years"]
            .as_array()
            .unwrap()
            .iter()
            .map(|y| (y["year"].as_i64().unwrap(), s(&y["source"])))
            .collect();
        assert_eq!(
            years,
            vec![(2025, "official".into()), (2026, "official".into())]
        );
        let b_list = srv.get("/api/v1/calendars", &agent_b).ok(200).clone();
        assert_eq!(b_list["total"], 1);
        assert_eq!(b_list["items"][0]["institution"]["code"], "SH01");
        assert_eq!(srv.get("/api/v1/calendars", &w.admin).ok(200)["total"], 2);
        srv.get("/api/v1/calendars?limit=0", &agent)
            .problem(422, "validation");
        srv.get("/api/v1/calendars?colour=red", &agent)
            .problem(400, "invalid_query");

        // The shipped 2026 schedule: Spring Festival and National Day with their make-up days.
        let res = srv.get(
            &format!("/api/v1/calendars/{a}?year=2026"),
            &w.token("fup.a"),
        );
        assert_eq!(res.header("etag"), Some("\"0\""));
        let detail = res.ok(200).clone();
        assert_eq!(detail["year"], 2026);
        assert_eq!(detail["year_source"]["source"], "official");
        assert_eq!(
            detail["year_source"]["notice"],
            "国务院办公厅关于2026年部分节假日安排的通知"
        );
        assert_eq!(
            kind_of(&detail, "2026-02-14").as_deref(),
            Some("makeup_workday")
        );
        for day in 15..=23 {
            assert_eq!(
                kind_of(&detail, &format!("2026-02-{day}")).as_deref(),
                Some("holiday"),
                "Feb {day}"
            );
        }
        assert_eq!(kind_of(&detail, "2026-02-24"), None);
        assert_eq!(
            kind_of(&detail, "2026-02-28").as_deref(),
            Some("makeup_workday")
        );
        assert_eq!(
            kind_of(&detail, "2026-09-20").as_deref(),
            Some("makeup_workday")
        );
        for day in 1..=7 {
            assert_eq!(
                kind_of(&detail, &format!("2026-10-0{day}")).as_deref(),
                Some("holiday")
            );
        }
        assert_eq!(
            kind_of(&detail, "2026-10-10").as_deref(),
            Some("makeup_workday")
        );
        // A year nothing is known of: the weekly pattern alone.
        let empty = srv
            .get(&format!("/api/v1/calendars/{a}?year=2031"), &agent)
            .ok(200)
            .clone();
        assert_eq!(empty["year_source"], Value::Null);
        assert_eq!(empty["days"], json!([]));
        srv.get(&format!("/api/v1/calendars/{a}?year=1999"), &agent)
            .problem(422, "validation");

        // Deadlines on it: Friday 13 Feb + 3 working days = Sat 14, Tue 24, Wed 25 Feb, at
        // close of business.
        let res = check(srv, &agent, &a, "2026-02-13T10:00", "working_days=3");
        assert_eq!(counted(&res), ["2026-02-14", "2026-02-24", "2026-02-25"]);
        assert_eq!(res.body["deadline_local"], "2026-02-25T17:30:00");
        assert_eq!(res.body["deadline"], "2026-02-25T09:30:00Z");
        let res = check(srv, &agent, &a, "2026-02-27T10:00", "working_days=1");
        assert_eq!(counted(&res), ["2026-02-28"]);
        let res = check(srv, &agent, &a, "2026-09-18T10:00", "working_days=1");
        assert_eq!(counted(&res), ["2026-09-20"]);
        let res = check(srv, &agent, &a, "2026-09-30T10:00", "working_days=3");
        assert_eq!(counted(&res), ["2026-10-08", "2026-10-09", "2026-10-10"]);
        let res = check(srv, &agent, &a, "2026-02-13T11:00", "working_hours=2");
        assert_eq!(res.ok(200)["deadline_local"], "2026-02-13T14:30:00");
        assert_eq!(res.body["working_minutes"], 120);
        check(
            srv,
            &agent,
            &a,
            "2026-02-13T11:00",
            "working_hours=2&working_days=1",
        )
        .problem(422, "validation");
        check(srv, &agent, &a, "2026-02-13T11:00", "working_days=9999").problem(422, "validation");
        srv.get(
            &format!("/api/v1/calendars/{a}/check?start=yesterday&working_days=1"),
            &agent,
        )
        .problem(400, "invalid_query");

        // Another institution's calendar is not there for the caller, on every read path.
        srv.get(&format!("/api/v1/calendars/{a}"), &agent_b)
            .problem(404, "not_found");
        check(srv, &agent_b, &a, "2026-02-13T10:00", "working_days=3").problem(404, "not_found");
        send(
            srv,
            "GET",
            &format!("/api/v1/calendars/{a}/years/2026/export"),
            &agent_b,
            None,
        )
        .problem(404, "not_found");
        srv.get(
            &format!("/api/v1/calendars/{}", uuid::Uuid::now_v7()),
            &w.admin,
        )
        .problem(404, "not_found");
        srv.get("/api/v1/calendars/not-an-id", &agent)
            .problem(404, "not_found");
        // An integration client (a HIS) has no business with the calendars: 403 everywhere.
        let his = srv.user(&w.admin, "his.bj01", &["integration"], &w.inst_a);
        let key = s(&srv
            .post(
                &format!("/api/v1/users/{}/api-keys", s(&his["id"])),
                &w.admin,
                json!({"name": "HIS"}),
            )
            .ok(201)["key"]);
        for path in [
            "/api/v1/calendars".to_string(),
            format!("/api/v1/calendars/{a}"),
            format!("/api/v1/calendars/{a}/check?working_days=1"),
            format!("/api/v1/calendars/{a}/years/2026/export"),
        ] {
            srv.get(&path, &key).problem(403, "forbidden");
        }

        // Editing: admin and director only, with the version read.
        let hours = json!({
            "hours": [{"start": "08:30", "end": "12:00"}, {"start": "14:00", "end": "18:00"}],
            "rest_days": ["sunday", "saturday"]
        });
        put(srv, &agent, &a, Some("\"0\""), hours.clone()).problem(403, "forbidden");
        put(srv, &director, &a, None, hours.clone()).problem(428, "precondition_required");
        put(srv, &director, &b, Some("\"0\""), hours.clone()).problem(404, "not_found");
        for (bad, field, code) in [
            (json!({"hours": [], "rest_days": []}), "hours", "length"),
            (
                json!({"hours": [{"start": "12:00", "end": "08:00"}], "rest_days": []}),
                "hours",
                "invalid_interval",
            ),
            (
                json!({"hours": [{"start": "08:00", "end": "12:00"}, {"start": "11:00", "end": "17:00"}], "rest_days": []}),
                "hours",
                "overlapping_intervals",
            ),
            (
                json!({"hours": [{"start": "08:00", "end": "12:00"}],
                       "rest_days": ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]}),
                "rest_days",
                "length",
            ),
        ] {
            let res = put(srv, &director, &a, Some("\"0\""), bad);
            res.problem(422, "validation");
            assert_eq!(res.body["errors"][0]["field"], field, "{}", res.body);
            assert_eq!(res.body["errors"][0]["code"], code, "{}", res.body);
        }
        put(
            srv,
            &director,
            &a,
            Some("\"0\""),
            json!({"hours": [{"start": "25:00", "end": "26:00"}], "rest_days": []}),
        )
        .problem(422, "invalid_body");
        // Nothing of that changed the calendar.
        assert_eq!(
            srv.get(&format!("/api/v1/calendars/{a}"), &agent).ok(200)["version"],
            0
        );

        let res = put(srv, &director, &a, Some("\"0\""), hours.clone());
        assert_eq!(res.header("etag"), Some("\"1\""));
        assert_eq!(res.ok(200)["rest_days"], json!(["saturday", "sunday"]));
        assert_eq!(res.body["hours"][1]["end"], "18:00:00");
        // A second save of what was read before is stale.
        put(srv, &director, &a, Some("\"0\""), hours.clone()).problem(412, "stale");
        // calendar_of reflects the new hours: the deadline closes at 18:00, and working hours
        // count 11:00–12:00 and 14:00–15:00.
        let res = check(srv, &agent, &a, "2026-02-13T10:00", "working_days=3");
        assert_eq!(res.ok(200)["deadline_local"], "2026-02-25T18:00:00");
        let res = check(srv, &agent, &a, "2026-02-13T11:00", "working_hours=2");
        assert_eq!(res.ok(200)["deadline_local"], "2026-02-13T15:00:00");
        // Open on Saturdays: the Saturday make-up days change nothing, the holidays stay.
        let res = put(
            srv,
            &director,
            &a,
            Some("\"1\""),
            json!({"hours": hours["hours"], "rest_days": ["sunday"], "version": 1}),
        );
        assert_eq!(res.ok(200)["version"], 2);
        let res = check(srv, &agent, &a, "2026-02-20T10:00", "working_days=2");
        assert_eq!(counted(&res), ["2026-02-24", "2026-02-25"]);
        let res = check(srv, &agent, &a, "2026-03-06T10:00", "working_days=1");
        assert_eq!(counted(&res), ["2026-03-07"]);
        // The other institution keeps the default; a group-wide admin edits it.
        let res = check(srv, &agent_b, &b, "2026-02-13T10:00", "working_days=3");
        assert_eq!(res.ok(200)["deadline_local"], "2026-02-25T17:30:00");
        put(
            srv,
            &w.admin,
            &b,
            Some("\"0\""),
            json!({"hours": [{"start": "09:00", "end": "17:00"}], "rest_days": ["saturday", "sunday"]}),
        )
        .ok(200);
        let res = check(srv, &agent_b, &b, "2026-02-13T10:00", "working_hours=8");
        assert_eq!(res.ok(200)["deadline_local"], "2026-02-14T10:00:00");

        // A new institution has a working calendar at once.
        let c = srv.institution(&w.admin, "GZ01", false);
        let res = check(
            srv,
            &w.admin,
            &s(&c["id"]),
            "2026-09-30T10:00",
            "working_days=1",
        );
        assert_eq!(counted(&res), ["2026-10-08"]);

        // The changes are in the audit trail.
        let audit = srv
            .get(
                &format!("/api/v1/audit-events?entity_type=calendar&entity_id={a}"),
                &w.admin,
            )
            .ok(200)
            .clone();
        assert_eq!(audit["total"], 2, "{audit}");
    });
}

const NOTICE: &str = "国务院办公厅关于2027年部分节假日安排的通知";

/// A 2027 schedule for the tests (Spring Festival 6–12 Feb with Saturday 20 Feb worked).
const YEAR_2027: &str = "\u{feff}# 2027\r\n\
    date,kind,name\r\n\
    2027-01-01,holiday,元旦\r\n\
    2027-02-06,holiday,春节\r\n\
    2027-02-07,holiday,春节\r\n\
    2027-02-08,holiday,春节\r\n\
    2027-02-09,holiday,春节\r\n\
    2027-02-10,holiday,春节\r\n\
    2027-02-11,holiday,春节\r\n\
    2027-02-12,holiday,春节\r\n\
    2027-02-20,makeup_workday,春节\r\n";

fn import_path(inst: &str, year: i32, query: &str) -> String {
    format!(
        "/api/v1/calendars/{inst}/years/{year}/import?notice={}{query}",
        NOTICE
            .chars()
            .map(|c| {
                let mut buf = [0u8; 4];
                c.encode_utf8(&mut buf)
                    .bytes()
                    .map(|b| format!("%{b:02X}"))
                    .collect::<String>()
            })
            .collect::<String>()
    )
}

fn import(srv: &Srv, token: &str, inst: &str, year: i32, file: &[u8]) -> Raw {
    send(
        srv,
        "POST",
        &import_path(inst, year, "&document_number=test-7"),
        token,
        Some(("text/csv", file.to_vec())),
    )
}

#[test]
fn a_year_is_imported_from_csv_with_its_notice_all_or_nothing_and_exported() {
    each_backend(|srv| {
        let w = TwoInstitutions::new(
            srv,
            &[
                ("agent.a", "agent", At::A),
                ("director.a", "director", At::A),
                ("director.b", "director", At::B),
            ],
        );
        let a = s(&w.inst_a["id"]);
        let (agent, director) = (w.token("agent.a"), w.token("director.a"));

        // Only admin and director import, only into their own institutions.
        import(srv, &agent, &a, 2027, YEAR_2027.as_bytes()).problem(403, "forbidden");
        import(srv, &w.token("director.b"), &a, 2027, YEAR_2027.as_bytes())
            .problem(404, "not_found");

        let detail = import(srv, &director, &a, 2027, YEAR_2027.as_bytes()).ok();
        assert_eq!(detail["year"], 2027);
        assert_eq!(detail["year_source"]["source"], "imported");
        assert_eq!(detail["year_source"]["notice"], NOTICE);
        assert_eq!(detail["year_source"]["document_number"], "test-7");
        assert_eq!(detail["year_source"]["imported_by"], "director.a");
        assert_eq!(detail["year_source"]["holidays"], 8);
        assert_eq!(detail["year_source"]["makeup_workdays"], 1);
        assert_eq!(
            kind_of(&detail, "2027-02-20").as_deref(),
            Some("makeup_workday")
        );
        let listed = srv.get("/api/v1/calendars", &agent).ok(200).clone();
        let years = listed["items"][0]["years"].as_array().unwrap().clone();
        assert_eq!(years.len(), 3);
        assert_eq!(years[2]["year"], 2027);
        assert_eq!(years[2]["imported_by"], "director.a");
        // Deadlines see it: Friday 5 Feb + 2 working days = Mon 15, Tue 16 Feb; Sat 20 works.
        let res = check(srv, &agent, &a, "2027-02-05T10:00", "working_days=2");
        assert_eq!(counted(&res), ["2027-02-15", "2027-02-16"]);
        let res = check(srv, &agent, &a, "2027-02-19T10:00", "working_days=1");
        assert_eq!(counted(&res), ["2027-02-20"]);
        // The same from a local time of the institution's zone, as the web page asks.
        let res = srv.get(
            &format!("/api/v1/calendars/{a}/check?start_local=2027-02-19T10:00:00&working_days=1"),
            &agent,
        );
        assert_eq!(res.ok(200)["start"], "2027-02-19T02:00:00Z");
        assert_eq!(res.body["deadline_local"], "2027-02-20T17:30:00");

        // Exported as the file the import reads, and imported back unchanged.
        let file = send(
            srv,
            "GET",
            &format!("/api/v1/calendars/{a}/years/2027/export"),
            &agent,
            None,
        );
        assert_eq!(file.status, 200);
        assert_eq!(file.content_type, "text/csv; charset=utf-8");
        let text = String::from_utf8(file.body.clone()).unwrap();
        assert!(
            text.starts_with("\u{feff}date,kind,name\n2027-01-01,holiday,元旦\n"),
            "{text}"
        );
        assert_eq!(text.lines().count(), 10);
        let again = import(srv, &director, &a, 2027, &file.body).ok();
        assert_eq!(again["days"], detail["days"]);
        let shipped = send(
            srv,
            "GET",
            &format!("/api/v1/calendars/{a}/years/2026/export"),
            &agent,
            None,
        );
        let shipped = String::from_utf8(shipped.body).unwrap();
        assert!(
            shipped.contains("\n2026-02-14,makeup_workday,Spring Festival\n"),
            "{shipped}"
        );
        send(
            srv,
            "GET",
            &format!("/api/v1/calendars/{a}/years/3000/export"),
            &agent,
            None,
        )
        .problem(422, "validation");

        // Bad files: refused whole, with the line of each problem; nothing changes.
        let before = srv
            .get(&format!("/api/v1/calendars/{a}?year=2027"), &agent)
            .ok(200)
            .clone();
        let bad = |body: &str| format!("date,kind,name\n2027-01-01,holiday,元旦\n{body}\n");
        for (file, field, code) in [
            (
                bad("2027-02-06,vacation,春节"),
                "lines[3].kind",
                "unknown_kind",
            ),
            (
                bad("2027-02-30,holiday,春节"),
                "lines[3].date",
                "invalid_date",
            ),
            (
                bad("2026-02-06,holiday,春节"),
                "lines[3].date",
                "outside_year",
            ),
            (
                bad("2027-01-01,holiday,元旦"),
                "lines[3].date",
                "repeated_date",
            ),
            (
                bad("2027-02-10,makeup_workday,春节"),
                "lines[3].kind",
                "makeup_on_working_weekday",
            ),
            (
                bad("2027-02-10,holiday,春\u{200b}节"),
                "lines[3].name",
                "control_character",
            ),
            (
                "2027-01-01,holiday,元旦\n".to_string(),
                "lines[1].line",
                "header",
            ),
            ("date,kind,name\n".to_string(), "lines[1].line", "empty"),
        ] {
            let res = import(srv, &director, &a, 2027, file.as_bytes());
            let body = res.problem(422, "validation");
            assert_eq!(body["errors"][0]["field"], field, "{body}");
            assert_eq!(body["errors"][0]["code"], code, "{body}");
        }
        // Several problems at once, each with its line.
        let res = import(
            srv,
            &director,
            &a,
            2027,
            bad("2027-02-06,vacation,春节\n2027-13-01,holiday,x").as_bytes(),
        );
        let fields: Vec<String> = res.problem(422, "validation")["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| s(&e["field"]))
            .collect();
        assert_eq!(fields, ["lines[3].kind", "lines[4].date"]);
        // Not UTF-8 (a binary file), too large, not CSV, no notice, a year out of range.
        let mut binary = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        binary.extend([0xff, 0xfe, 0x00, 0x80]);
        import(srv, &director, &a, 2027, &binary).problem(422, "validation");
        import(
            srv,
            &director,
            &a,
            2027,
            b"date,kind,name\n2027-01-01,holiday,\0\n",
        )
        .problem(422, "validation");
        let mut huge = bad("").into_bytes();
        huge.resize(10 * 1024 * 1024, b'#');
        import(srv, &director, &a, 2027, &huge).problem(413, "payload_too_large");
        send(
            srv,
            "POST",
            &import_path(&a, 2027, ""),
            &director,
            Some(("application/json", YEAR_2027.as_bytes().to_vec())),
        )
        .problem(415, "unsupported_media_type");
        send(
            srv,
            "POST",
            &format!("/api/v1/calendars/{a}/years/2027/import?notice=%20"),
            &director,
            Some(("text/csv", YEAR_2027.as_bytes().to_vec())),
        )
        .problem(422, "validation");
        send(
            srv,
            "POST",
            &format!("/api/v1/calendars/{a}/years/2027/import"),
            &director,
            Some(("text/csv", YEAR_2027.as_bytes().to_vec())),
        )
        .problem(400, "invalid_query");
        import(srv, &director, &a, 1999, YEAR_2027.as_bytes()).problem(422, "validation");
        let after = srv
            .get(&format!("/api/v1/calendars/{a}?year=2027"), &agent)
            .ok(200)
            .clone();
        assert_eq!(after, before);

        // A form, as generated clients send the file.
        let boundary = "hcrm-calendar-boundary";
        let form = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"2027.csv\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n{YEAR_2027}\r\n--{boundary}--\r\n"
        );
        let via_form = send(
            srv,
            "POST",
            &import_path(&a, 2027, ""),
            &director,
            Some((
                &format!("multipart/form-data; boundary={boundary}"),
                form.into_bytes(),
            )),
        )
        .ok();
        assert_eq!(via_form["days"], detail["days"]);
        assert_eq!(via_form["year_source"]["document_number"], Value::Null);

        // A stored year replaces the shipped one: 2026 without its make-up Saturday.
        let own_2026 = "date,kind,name\n2026-02-16,holiday,春节\n2026-02-17,holiday,春节\n";
        let replaced = import(srv, &director, &a, 2026, own_2026.as_bytes()).ok();
        assert_eq!(replaced["year_source"]["source"], "imported");
        let res = check(srv, &agent, &a, "2026-02-13T10:00", "working_days=2");
        assert_eq!(counted(&res), ["2026-02-18", "2026-02-19"]);
        // Reset: the shipped year applies again; a year never imported is not there to reset.
        let reset = send(
            srv,
            "DELETE",
            &format!("/api/v1/calendars/{a}/years/2026"),
            &director,
            None,
        )
        .ok();
        assert_eq!(reset["year_source"]["source"], "official");
        let res = check(srv, &agent, &a, "2026-02-13T10:00", "working_days=2");
        assert_eq!(counted(&res), ["2026-02-14", "2026-02-24"]);
        send(
            srv,
            "DELETE",
            &format!("/api/v1/calendars/{a}/years/2026"),
            &director,
            None,
        )
        .problem(404, "not_found");
        send(
            srv,
            "DELETE",
            &format!("/api/v1/calendars/{a}/years/2027"),
            &agent,
            None,
        )
        .problem(403, "forbidden");
        send(
            srv,
            "DELETE",
            &format!("/api/v1/calendars/{a}/years/2027"),
            &w.token("director.b"),
            None,
        )
        .problem(404, "not_found");
        let imports = srv
            .get(
                "/api/v1/audit-events?entity_type=calendar&action=import",
                &w.admin,
            )
            .ok(200)
            .clone();
        assert_eq!(imports["total"], 4, "{imports}");
    });
}
