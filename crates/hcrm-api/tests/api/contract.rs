//! Issue 8 item 1: what generated clients need of the API — the import takes the file as the
//! `file` part of a `multipart/form-data` form too (openapi-python-client sends that), on
//! both backends.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::{Srv, each_backend};
use serde_json::Value;

/// POST `body` to the import as `content_type`; (status, JSON body).
fn post(srv: &Srv, token: &str, query: &str, content_type: &str, body: Vec<u8>) -> (u16, Value) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let req = ureq::http::Request::builder()
        .method("POST")
        .uri(format!("{}/api/v1/customers/import{query}", srv.base))
        .header("Authorization", format!("Bearer {token}"))
        .header("Content-Type", content_type)
        .body(body)
        .unwrap();
    let mut res = agent.run(req).unwrap();
    let status = res.status().as_u16();
    let text = res
        .body_mut()
        .with_config()
        .limit(1024 * 1024)
        .read_to_string()
        .unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// A form of `parts` (part headers, content) with `boundary`.
fn form(boundary: &str, parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (head, content) in parts {
        out.extend_from_slice(format!("--{boundary}\r\n{head}\r\n\r\n").as_bytes());
        out.extend_from_slice(content);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    out
}

fn workbook(name: &str, mobile: &str) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (col, (head, value)) in [("姓名", name), ("手机", mobile)].iter().enumerate() {
        let col = u16::try_from(col).unwrap();
        sheet.write_string(0, col, *head).unwrap();
        sheet.write_string(1, col, *value).unwrap();
    }
    book.save_to_buffer().unwrap()
}

#[track_caller]
fn problem(answer: &(u16, Value), status: u16, code: &str) {
    assert_eq!(answer.0, status, "{}", answer.1);
    assert_eq!(
        answer.1["type"],
        format!("/problems/{code}"),
        "{}",
        answer.1
    );
}

#[test]
fn the_import_takes_the_file_as_a_form_part() {
    each_backend(|srv| {
        let admin = srv.admin();
        let inst = srv.institution(&admin, "BJ01", true);
        srv.user(&admin, "sup.form", &["supervisor"], &inst);
        let sup = srv.login("sup.form", "Passw0rd-x");

        // A CSV part, with the boundary openapi-python-client sends (`+++`) and a field before it.
        let csv = "姓名,手机\r\n王芳,13812345678\r\n".as_bytes();
        let body = form(
            "+++",
            &[
                ("Content-Disposition: form-data; name=\"note\"", b"ignored"),
                (
                    "Content-Disposition: form-data; name=\"file\"; filename=\"customers.csv\"\r\nContent-Type: text/csv",
                    csv,
                ),
            ],
        );
        let answer = post(srv, &sup, "", "multipart/form-data; boundary=+++", body);
        assert_eq!(answer.0, 200, "{}", answer.1);
        assert_eq!(answer.1["created"], 1, "{}", answer.1);

        // An XLSX part sent as application/octet-stream is known by its file name.
        let xlsx = workbook("李雷", "13912345678");
        let body = form(
            "----hcrm0001",
            &[(
                "Content-Disposition: form-data; name=\"file\"; filename=\"客户.xlsx\"\r\nContent-Type: application/octet-stream",
                &xlsx,
            )],
        );
        let answer = post(
            srv,
            &sup,
            "?mode=valid_rows",
            "multipart/form-data; boundary=\"----hcrm0001\"",
            body,
        );
        assert_eq!(answer.0, 200, "{}", answer.1);
        assert_eq!(answer.1["created"], 1, "{}", answer.1);
        let list = srv.get("/api/v1/customers?sort=name", &sup).ok(200).clone();
        let names: Vec<&str> = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert_eq!(names.len(), 2, "{list}");
        assert!(
            names.contains(&"王芳") && names.contains(&"李雷"),
            "{names:?}"
        );

        // The raw file is still taken as before.
        let answer = post(srv, &sup, "?dry_run=true", "text/csv", csv.to_vec());
        assert_eq!(answer.0, 200, "{}", answer.1);

        // A form without a `file` part names the field.
        let body = form(
            "b1",
            &[("Content-Disposition: form-data; name=\"other\"", csv)],
        );
        let answer = post(srv, &sup, "", "multipart/form-data; boundary=b1", body);
        problem(&answer, 422, "validation");
        assert_eq!(answer.1["errors"][0]["field"], "file", "{}", answer.1);

        // A part of another type, with no telling file name: 415.
        let body = form(
            "b2",
            &[(
                "Content-Disposition: form-data; name=\"file\"; filename=\"scan\"\r\nContent-Type: application/pdf",
                b"%PDF-1.7",
            )],
        );
        problem(
            &post(srv, &sup, "", "multipart/form-data; boundary=b2", body),
            415,
            "unsupported_media_type",
        );

        // A body that is not the form its boundary announces: 400.
        let body = form(
            "b3",
            &[("Content-Disposition: form-data; name=\"file\"", csv)],
        );
        problem(
            &post(srv, &sup, "", "multipart/form-data; boundary=other", body),
            400,
            "malformed_multipart",
        );

        // A file part past the import's 10 MB: 413, nothing imported.
        let mut big = "姓名\r\n".as_bytes().to_vec();
        big.resize(10 * 1024 * 1024 + 1, b'a');
        let body = form(
            "b4",
            &[(
                "Content-Disposition: form-data; name=\"file\"; filename=\"big.csv\"",
                &big,
            )],
        );
        problem(
            &post(srv, &sup, "", "multipart/form-data; boundary=b4", body),
            413,
            "payload_too_large",
        );

        // Nobody gets past the permission guard with a form either.
        let body = form(
            "b5",
            &[(
                "Content-Disposition: form-data; name=\"file\"; filename=\"a.csv\"",
                csv,
            )],
        );
        problem(
            &post(srv, &admin, "", "multipart/form-data; boundary=b5", body),
            403,
            "forbidden",
        );
        assert_eq!(srv.get("/api/v1/customers", &sup).ok(200)["total"], 2);
    });
}
