//! Money and accountability of a complaint (CMP-6, CMP-7) and its attachments (CMP-9)
//! through the API on both backends: the refund approval chain by role (seed 003), bad input
//! of every kind answered 4xx with nothing changed, the penalty level at each boundary of
//! the CMP-7 table and its confirmation, the slip, the month's penalties, improvement
//! actions, files known by their content — and institution scoping on every read path.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use chrono::{Duration, Utc};
use common::world::{At, Doctor, TwoInstitutions, department_with_doctor};
use common::{Res, Srv, each_backend};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
const EXE: &[u8] = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0PE\0\0";

struct World {
    admin: String,
    agent: String,
    agent_id: String,
    agent2: String,
    sup: String,
    sup_id: String,
    dir: String,
    pres: String,
    med: String,
    am: String,
    agent_b: String,
    agent_b_id: String,
    sup_b: String,
}

fn world(srv: &Srv) -> World {
    let w = TwoInstitutions::new(
        srv,
        &[
            ("agent.a", "agent", At::A),
            ("agent2.a", "agent", At::A),
            ("sup.a", "supervisor", At::A),
            ("dir.a", "director", At::A),
            ("pres.a", "president", At::A),
            ("med.a", "medical_affairs", At::A),
            ("am.a", "account_manager", At::A),
            ("agent.b", "agent", At::B),
            ("sup.b", "supervisor", At::B),
        ],
    );
    World {
        agent: w.token("agent.a"),
        agent_id: w.id("agent.a"),
        agent2: w.token("agent2.a"),
        sup: w.token("sup.a"),
        sup_id: w.id("sup.a"),
        dir: w.token("dir.a"),
        pres: w.token("pres.a"),
        med: w.token("med.a"),
        am: w.token("am.a"),
        agent_b: w.token("agent.b"),
        agent_b_id: w.id("agent.b"),
        sup_b: w.token("sup.b"),
        admin: w.admin,
    }
}

fn s(v: &Value) -> String {
    v.as_str()
        .unwrap_or_else(|| panic!("not a string: {v}"))
        .to_string()
}

/// A complaint of the agent's institution, taken in through the complaints API; its id.
fn complaint(srv: &Srv, w: &World, serial: i32) -> String {
    s(&case_of(srv, w, serial)["id"])
}

fn case_of(srv: &Srv, w: &World, serial: i32) -> Value {
    srv.post(
        "/api/v1/complaints",
        &w.agent,
        json!({"channel": "phone", "description": "术后效果不满意",
               "new_customer": {"name": "白婷佳", "mobile": format!("1391234{serial:04}")}}),
    )
    .ok(201)
    .clone()
}

fn with_version(srv: &Srv, path: &str, token: &str, version: &Value, body: Value) -> Res {
    let v = format!("\"{}\"", version.as_i64().unwrap());
    srv.raw(
        "POST",
        path,
        Some(token),
        &[("If-Match", &v)],
        Some(("application/json", body.to_string())),
    )
}

fn upload(srv: &Srv, token: &str, case: &str, query: &str, ct: &str, bytes: &[u8]) -> Res {
    srv.bytes(
        "POST",
        &format!("/api/v1/complaints/{case}/attachments{query}"),
        Some(token),
        &[],
        Some((ct, bytes.to_vec())),
    )
}

fn form(file_name: &str, ct: &str, bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(
        format!(
            "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: {ct}\r\n\r\n"
        )
        .as_bytes(),
    );
    out.extend_from_slice(bytes);
    out.extend_from_slice(b"\r\n--XyZ--\r\n");
    out
}

fn count(res: &Res) -> usize {
    res.ok(200).as_array().unwrap().len()
}

#[test]
fn refunds_follow_the_approval_chain_of_the_seed() {
    each_backend(|srv| {
        let w = world(srv);
        let case = complaint(srv, &w, 1);
        let base = format!("/api/v1/complaints/{case}/refunds");

        // Bad input of every kind: 422 (or 400) problems, and nothing is written.
        for (body, field) in [
            (
                json!({"amount_fen": -1, "method": "cash", "reason": "退费"}),
                "amount_fen",
            ),
            (
                json!({"amount_fen": 0, "method": "cash", "reason": "退费"}),
                "amount_fen",
            ),
            (
                json!({"amount_fen": 10_000_000_001i64, "method": "cash", "reason": "退费"}),
                "amount_fen",
            ),
            (
                json!({"amount_fen": 100, "method": "cash", "reason": "   "}),
                "reason",
            ),
            (
                json!({"amount_fen": 100, "method": "cash", "reason": "a\u{0007}b"}),
                "reason",
            ),
            (
                json!({"amount_fen": 100, "method": "cash", "reason": "退费",
                    "signed_document_id": "0193a1d2-7c4e-7b10-8000-00000000000f"}),
                "signed_document_id",
            ),
        ] {
            let r = srv.post(&base, &w.agent, body.clone());
            r.problem(422, "validation");
            assert_eq!(r.field_errors(), [field], "{body}");
        }
        srv.post(
            &base,
            &w.agent,
            json!({"amount_fen": 100, "method": "alipay", "reason": "x"}),
        )
        .problem(422, "invalid_body");
        srv.post(
            &base,
            &w.agent,
            json!({"amount_fen": 100, "method": "cash"}),
        )
        .problem(422, "invalid_body");
        srv.raw(
            "POST",
            &base,
            Some(&w.agent),
            &[],
            Some(("application/json", "{".into())),
        )
        .problem(400, "malformed_json");
        assert_eq!(count(&srv.get(&base, &w.agent)), 0);

        // Who may start one: the case's handlers (complaint.write), of its institution.
        let ok =
            json!({"amount_fen": 1_280_000, "method": "bank_card", "reason": "协商退还部分治疗费"});
        srv.post(&base, &w.am, ok.clone()).problem(403, "forbidden");
        srv.post(&base, &w.agent_b, ok.clone())
            .problem(404, "not_found");
        srv.get(&base, &w.agent_b).problem(404, "not_found");
        srv.get(&base, &w.admin).problem(403, "forbidden");
        let unknown = "/api/v1/complaints/0193a1d2-7c4e-7b10-8000-00000000000f/refunds";
        srv.get(unknown, &w.agent).problem(404, "not_found");

        let r = srv.post(&base, &w.agent, ok.clone()).ok(201).clone();
        assert_eq!(r["status"], "requested");
        assert_eq!(r["kind"], "refund");
        assert_eq!(r["next"], json!(["countersigned", "rejected"]));
        let rid = s(&r["id"]);
        let one = format!("{base}/{rid}");
        let moves = format!("{one}/transitions");
        srv.get(&one, &w.agent_b).problem(404, "not_found");
        assert_eq!(srv.get(&one, &w.med).ok(200)["amount_fen"], 1_280_000);

        // Countersigning: complaint.approve and the supervisor's role.
        let sign = json!({"to": "countersigned", "comment": "同意"});
        with_version(srv, &moves, &w.agent, &r["version"], sign.clone()).problem(403, "forbidden");
        with_version(srv, &moves, &w.pres, &r["version"], sign.clone())
            .problem(403, "transition_not_permitted");
        with_version(srv, &moves, &w.med, &r["version"], sign.clone())
            .problem(403, "transition_not_permitted");
        srv.post(&moves, &w.sup, sign.clone())
            .problem(428, "precondition_required");
        with_version(srv, &moves, &w.sup, &json!(7), sign.clone()).problem(412, "stale");
        with_version(srv, &moves, &w.agent_b, &r["version"], sign.clone())
            .problem(403, "forbidden");
        with_version(srv, &moves, &w.sup_b, &r["version"], sign.clone()).problem(404, "not_found");
        // Approving before the countersignature is a step the state does not allow.
        let e = with_version(
            srv,
            &moves,
            &w.pres,
            &r["version"],
            json!({"to": "approved"}),
        );
        e.problem(409, "invalid_transition");
        assert_eq!(
            e.body["allowed_actions"],
            json!(["countersigned", "rejected"])
        );
        let r = with_version(srv, &moves, &w.sup, &r["version"], sign)
            .ok(200)
            .clone();
        assert_eq!(r["status"], "countersigned");
        assert_eq!(r["countersigned_by"], w.sup_id.as_str());

        // Approving: the director, president or executive — not the supervisor.
        let approve = json!({"to": "approved"});
        with_version(srv, &moves, &w.sup, &r["version"], approve.clone())
            .problem(403, "transition_not_permitted");
        let r = with_version(srv, &moves, &w.pres, &r["version"], approve)
            .ok(200)
            .clone();
        assert_eq!(r["status"], "approved");
        assert_eq!(r["next"], json!(["paid"]));

        // Paying: the handlers, once the patient's signed documents are attached.
        let pay = json!({"to": "paid", "paid_at": "2026-09-30T02:00:00Z"});
        let e = with_version(srv, &moves, &w.agent, &r["version"], pay.clone());
        e.problem(422, "validation");
        assert_eq!(e.body["errors"][0]["code"], "signed_document_required");
        with_version(
            srv,
            &moves,
            &w.sup,
            &r["version"],
            json!({"to": "paid",
            "paid_at": (Utc::now() + Duration::days(2)).to_rfc3339()}),
        )
        .problem(422, "validation");
        let e = with_version(
            srv,
            &moves,
            &w.sup,
            &r["version"],
            json!({"to": "paid", "paid_at": "1212-01-01T00:00:00Z"}),
        );
        assert_eq!(e.field_errors(), ["paid_at"], "{}", e.body);
        let photo = s(&upload(srv, &w.agent, &case, "?kind=photo", "image/png", PNG).ok(201)["id"]);
        let e = with_version(
            srv,
            &moves,
            &w.agent,
            &r["version"],
            json!({"to": "paid", "signed_document_id": photo}),
        );
        assert_eq!(
            e.body["errors"][0]["code"], "not_signed_document",
            "{}",
            e.body
        );
        let signed = s(&upload(
            srv,
            &w.agent,
            &case,
            "?kind=signed_document&file_name=%E9%80%80%E8%B4%B9%E7%A1%AE%E8%AE%A4.pdf",
            "application/pdf",
            PDF,
        )
        .ok(201)["id"]);
        let mut paid = pay.clone();
        paid["signed_document_id"] = signed.clone().into();
        let r = with_version(srv, &moves, &w.agent, &r["version"], paid.clone())
            .ok(200)
            .clone();
        assert_eq!(r["status"], "paid");
        assert_eq!(r["signed_document_id"], signed.as_str());
        assert_eq!(r["paid_at"], "2026-09-30T02:00:00Z");
        // 7 working days after 30 September 2026 (National Day 1–7 October, make-up
        // Saturday 10 October): 15 October, at close of business.
        assert!(
            s(&r["expected_arrival_at"]).starts_with("2026-10-15"),
            "{}",
            r
        );
        assert_eq!(r["next"], json!([]));
        let e = with_version(srv, &moves, &w.agent, &r["version"], paid);
        e.problem(409, "invalid_transition");
        // A paid refund takes no more steps: no allowed ones are named.
        assert!(
            e.body["allowed_actions"]
                .as_array()
                .is_none_or(|a| a.is_empty())
        );
        // The signed document stays while a refund names it.
        let doc = format!("/api/v1/complaints/{case}/attachments/{signed}");
        srv.call("DELETE", &doc, Some(&w.sup), None)
            .problem(409, "wrong_state");

        // Four eyes: whoever countersigned may not also approve; a rejection says why.
        let r2 = srv
            .post(
                &base,
                &w.agent,
                json!({"kind": "compensation", "amount_fen": 50_000,
            "method": "cash", "reason": "误工补偿"}),
            )
            .ok(201)
            .clone();
        let moves2 = format!("{base}/{}/transitions", s(&r2["id"]));
        let r2 = with_version(
            srv,
            &moves2,
            &w.dir,
            &r2["version"],
            json!({"to": "countersigned"}),
        )
        .ok(200)
        .clone();
        let e = with_version(
            srv,
            &moves2,
            &w.dir,
            &r2["version"],
            json!({"to": "approved"}),
        );
        assert_eq!(e.body["errors"][0]["code"], "same_person", "{}", e.body);
        let e = with_version(
            srv,
            &moves2,
            &w.pres,
            &r2["version"],
            json!({"to": "rejected"}),
        );
        assert_eq!(e.body["errors"][0]["code"], "reason_required", "{}", e.body);
        let r2 = with_version(
            srv,
            &moves2,
            &w.pres,
            &r2["version"],
            json!({"to": "rejected", "comment": "已另行补偿"}),
        )
        .ok(200)
        .clone();
        assert_eq!(r2["status"], "rejected");
        assert_eq!(r2["rejection_reason"], "已另行补偿");
        with_version(
            srv,
            &moves2,
            &w.sup,
            &r2["version"],
            json!({"to": "countersigned"}),
        )
        .problem(409, "invalid_transition");
        with_version(srv, &moves2, &w.sup, &r2["version"], json!({"to": "bogus"}))
            .problem(422, "invalid_body");

        let list = srv.get(&base, &w.agent).ok(200).clone();
        assert_eq!(list.as_array().unwrap().len(), 2);
        assert_eq!(list[0]["status"], "paid");
        assert_eq!(list[1]["status"], "rejected");
        // Audited: the creation and each step.
        let audit = srv
            .get(
                "/api/v1/audit-events?entity_type=complaint_refund&limit=50",
                &w.admin,
            )
            .ok(200)
            .clone();
        assert_eq!(audit["total"], 7, "{audit}");
    });
}

#[test]
fn attachments_are_known_by_content_hashed_and_scoped() {
    each_backend(|srv| {
        let w = world(srv);
        let case = complaint(srv, &w, 2);
        let base = format!("/api/v1/complaints/{case}/attachments");

        // Refused: an executable named .png, a PNG named .pdf, an empty file, a file over
        // 20 MB, a bad kind, no complaint.write — and nothing stored.
        let e = upload(
            srv,
            &w.agent,
            &case,
            "?file_name=photo.png",
            "image/png",
            EXE,
        );
        e.problem(415, "unsupported_file_type");
        assert_eq!(e.body["errors"][0]["code"], "unsupported_file_type");
        let e = upload(
            srv,
            &w.agent,
            &case,
            "?file_name=scan.pdf",
            "application/pdf",
            PNG,
        );
        e.problem(415, "unsupported_file_type");
        assert_eq!(e.body["errors"][0]["code"], "file_name_mismatch");
        upload(srv, &w.agent, &case, "?file_name=a.png", "image/png", b"")
            .problem(422, "validation");
        let mut big = PNG.to_vec();
        big.resize(20 * 1024 * 1024 + 1, 0);
        upload(srv, &w.agent, &case, "", "image/png", &big).problem(413, "payload_too_large");
        upload(srv, &w.agent, &case, "?kind=selfie", "image/png", PNG)
            .problem(400, "invalid_query");
        upload(srv, &w.agent, &case, "?file_name=%07.png", "image/png", PNG)
            .problem(422, "validation");
        upload(srv, &w.am, &case, "", "image/png", PNG).problem(403, "forbidden");
        upload(srv, &w.agent_b, &case, "", "image/png", PNG).problem(404, "not_found");
        let e = srv.bytes(
            "POST",
            &base,
            Some(&w.agent),
            &[],
            Some((
                "multipart/form-data; boundary=XyZ",
                form("tool.png", "image/png", EXE),
            )),
        );
        e.problem(415, "unsupported_file_type");
        assert_eq!(count(&srv.get(&base, &w.agent)), 0);

        // The body itself, and a form's file part.
        let a = upload(srv, &w.agent, &case, "?kind=photo&file_name=%E4%BC%A4%E5%8F%A3.PNG&description=%E6%9C%AF%E5%90%8E%E7%AC%AC3%E5%A4%A9",
            "application/octet-stream", PNG).ok(201).clone();
        assert_eq!(a["file_name"], "伤口.PNG");
        assert_eq!(a["format"], "png");
        assert_eq!(a["content_type"], "image/png");
        assert_eq!(a["size_bytes"], PNG.len());
        assert_eq!(a["description"], "术后第3天");
        assert_eq!(a["sha256"], hex::encode(Sha256::digest(PNG)));
        let b = srv
            .bytes(
                "POST",
                &format!("{base}?kind=letter"),
                Some(&w.agent2),
                &[],
                Some((
                    "multipart/form-data; boundary=XyZ",
                    form("扫描/投诉信.pdf", "application/octet-stream", PDF),
                )),
            )
            .ok(201)
            .clone();
        assert_eq!(b["file_name"], "投诉信.pdf");
        assert_eq!(b["kind"], "letter");
        assert_eq!(b["sha256"], hex::encode(Sha256::digest(PDF)));

        // Read back: the list, one, the content with its type, name and hash.
        let list = srv.get(&base, &w.med).ok(200).clone();
        assert_eq!(list.as_array().unwrap().len(), 2);
        let one = format!("{base}/{}", s(&a["id"]));
        assert_eq!(srv.get(&one, &w.am).ok(200)["sha256"], a["sha256"]);
        let d = srv.get(&format!("{one}/content"), &w.agent);
        assert_eq!(d.status, 200);
        assert_eq!(d.bytes, PNG);
        assert_eq!(d.content_type, "image/png");
        assert_eq!(d.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(
            d.header("content-disposition"),
            Some("attachment; filename=\"__.PNG\"; filename*=UTF-8''%E4%BC%A4%E5%8F%A3.PNG")
        );
        assert_eq!(
            d.header("etag").unwrap(),
            format!("\"{}\"", s(&a["sha256"]))
        );
        let d = srv.get(&format!("{base}/{}/content", s(&b["id"])), &w.agent);
        assert_eq!(
            (d.bytes.as_slice(), d.content_type.as_str()),
            (PDF, "application/pdf")
        );

        // Another institution's staff, or a file of another case: 404, as an unknown one.
        for path in [base.clone(), one.clone(), format!("{one}/content")] {
            srv.get(&path, &w.agent_b).problem(404, "not_found");
            srv.get(&path, &w.sup_b).problem(404, "not_found");
            srv.get(&path, &w.admin).problem(403, "forbidden");
        }
        let other = complaint(srv, &w, 3);
        srv.get(
            &format!("/api/v1/complaints/{other}/attachments/{}", s(&a["id"])),
            &w.agent,
        )
        .problem(404, "not_found");
        srv.call("DELETE", &one, Some(&w.agent_b), None)
            .problem(404, "not_found");

        // Deleting: the uploader or a holder of complaint.approve.
        srv.call("DELETE", &one, Some(&w.agent2), None)
            .problem(403, "forbidden");
        assert_eq!(srv.call("DELETE", &one, Some(&w.sup), None).status, 204);
        srv.get(&one, &w.agent).problem(404, "not_found");
        srv.get(&format!("{one}/content"), &w.agent)
            .problem(404, "not_found");
        assert_eq!(count(&srv.get(&base, &w.agent)), 1);
        let audit = srv
            .get(
                "/api/v1/audit-events?entity_type=complaint_attachment&limit=50",
                &w.admin,
            )
            .ok(200)
            .clone();
        // Two uploads, two downloads (reads), one deletion; refused reads leave no entry.
        assert_eq!(audit["total"], 5, "{audit}");

        // The limit is a setting: 20 MB, or lower.
        let settings = "/api/v1/settings/complaint-attachments";
        let put = |token: &str, version: &str, body: Value| {
            srv.raw(
                "PUT",
                settings,
                Some(token),
                &[("If-Match", version)],
                Some(("application/json", body.to_string())),
            )
        };
        let current = srv.get(settings, &w.agent).ok(200).clone();
        assert_eq!(current, json!({"max_bytes": 20_971_520, "version": 0}));
        put(&w.sup, "\"0\"", json!({"max_bytes": 100})).problem(403, "forbidden");
        put(&w.admin, "\"0\"", json!({"max_bytes": 0})).problem(422, "validation");
        put(&w.admin, "\"0\"", json!({"max_bytes": 20_971_521})).problem(422, "validation");
        let set = put(&w.admin, "\"0\"", json!({"max_bytes": 100}))
            .ok(200)
            .clone();
        assert_eq!(set, json!({"max_bytes": 100, "version": 1}));
        put(&w.admin, "\"0\"", json!({"max_bytes": 200})).problem(412, "stale");
        let mut file = PNG.to_vec();
        file.resize(101, 0);
        upload(srv, &w.agent, &case, "", "image/png", &file).problem(413, "payload_too_large");
        file.truncate(100);
        // A retried upload with the same Idempotency-Key stores the file once.
        let keyed = || {
            srv.bytes(
                "POST",
                &base,
                Some(&w.agent),
                &[("Idempotency-Key", "scan-42")],
                Some(("image/png", file.clone())),
            )
        };
        let first = keyed().ok(201).clone();
        let again = keyed();
        assert_eq!(again.ok(201)["id"], first["id"]);
        assert_eq!(again.header("idempotent-replayed"), Some("true"));
        assert_eq!(count(&srv.get(&base, &w.agent)), 2);
    });
}

#[test]
fn responsibility_levels_follow_the_table_and_are_confirmed_by_a_person() {
    each_backend(|srv| {
        let w = world(srv);
        let case_json = case_of(srv, &w, 4);
        let case = s(&case_json["id"]);
        let number = s(&case_json["number"]);
        let base = format!("/api/v1/complaints/{case}/responsibilities");
        let finding = |loss: Option<i64>, accident: bool| {
            let mut body = json!({"staff_name": "李咨询", "description": "术前沟通不充分",
                "serious_accident": accident});
            if let Some(l) = loss {
                body["loss_fen"] = l.into();
            }
            srv.post(&base, &w.agent, body).ok(201).clone()
        };
        // CMP-7 through the API, at each boundary of the table.
        for (loss, accident, level) in [
            (0, false, "written_warning"),
            (1_999_999, false, "minor_demerit"),
            (2_000_000, false, "major_demerit"),
            (5_000_000, false, "suspension"),
            (10_000_000, false, "suspension"),
            (0, true, "dismissal"),
        ] {
            let f = finding(Some(loss), accident);
            assert_eq!(f["proposed_level"], level, "{loss} {accident}");
            assert_eq!(f["confirmed_level"], Value::Null);
            assert_eq!(f["fines"], Value::Null);
        }
        // The loss defaults to the case's refunds not turned down.
        srv.post(
            &format!("/api/v1/complaints/{case}/refunds"),
            &w.agent,
            json!({"amount_fen": 3_000_000, "method": "cash", "reason": "退费"}),
        )
        .ok(201);
        let f = finding(None, false);
        assert_eq!(
            (f["loss_fen"].clone(), f["proposed_level"].clone()),
            (json!(3_000_000), json!("major_demerit"))
        );

        // Bad input.
        for (body, field) in [
            (json!({"description": "x"}), "staff_name"),
            (
                json!({"staff_name": "李", "description": "x", "loss_fen": -5}),
                "loss_fen",
            ),
            (
                json!({"staff_name": "李", "description": "  "}),
                "description",
            ),
            (
                json!({"staff_user_id": w.agent_b_id, "description": "x"}),
                "staff_user_id",
            ),
            (
                json!({"staff_name": "李", "supervisor_user_id": w.agent_b_id, "description": "x"}),
                "supervisor_user_id",
            ),
            (
                json!({"staff_name": "李", "department_id": "0193a1d2-7c4e-7b10-8000-00000000000f", "description": "x"}),
                "department_id",
            ),
            (
                json!({"staff_user_id": w.agent_id, "staff_doctor_id": w.agent_id, "description": "x"}),
                "staff_doctor_id",
            ),
        ] {
            let r = srv.post(&base, &w.sup, body.clone());
            r.problem(422, "validation");
            assert_eq!(r.field_errors(), [field], "{body}");
        }
        srv.post(
            &base,
            &w.am,
            json!({"staff_name": "李", "description": "x"}),
        )
        .problem(403, "forbidden");
        srv.post(
            &base,
            &w.agent_b,
            json!({"staff_name": "李", "description": "x"}),
        )
        .problem(404, "not_found");
        assert_eq!(count(&srv.get(&base, &w.agent)), 7);

        // The staff member as a user: their name; the supervisor and leader as users or names.
        let f = srv
            .post(
                &base,
                &w.sup,
                json!({"staff_user_id": w.agent_id, "supervisor_user_id": w.sup_id,
            "leader_name": "赵院长", "description": "服务态度<生硬>", "loss_fen": 1_000_000,
            "reputation_damage": true}),
            )
            .ok(201)
            .clone();
        assert_eq!(f["staff_name"], "agent.a");
        assert_eq!(f["supervisor_name"], "sup.a");
        // … or as a doctor: their name and department.
        let doctor = department_with_doctor(
            srv,
            &w.admin,
            &case_json["institution_id"],
            Doctor {
                department: "整形外科",
                title: "主治医师",
                ..Doctor::default()
            },
        )
        .doctor;
        let d = srv
            .post(
                &base,
                &w.sup,
                json!({"staff_doctor_id": doctor["id"], "description": "术后随访遗漏"}),
            )
            .ok(201)
            .clone();
        assert_eq!(
            (d["staff_name"].clone(), d["department_name"].clone()),
            (json!("李建国"), json!("整形外科"))
        );
        assert_eq!(f["proposed_level"], "minor_demerit");
        let one = format!("{base}/{}", s(&f["id"]));
        let confirm = format!("{one}/confirmation");
        let slip = format!("{one}/slip");
        srv.get(&slip, &w.sup).problem(409, "wrong_state");

        // Confirmed by a person with complaint.approve; another level needs a note.
        with_version(
            srv,
            &confirm,
            &w.agent,
            &f["version"],
            json!({"level": "minor_demerit"}),
        )
        .problem(403, "forbidden");
        with_version(
            srv,
            &confirm,
            &w.sup_b,
            &f["version"],
            json!({"level": "minor_demerit"}),
        )
        .problem(404, "not_found");
        let e = with_version(
            srv,
            &confirm,
            &w.sup,
            &f["version"],
            json!({"level": "major_demerit"}),
        );
        assert_eq!(e.body["errors"][0]["code"], "note_required", "{}", e.body);
        with_version(
            srv,
            &confirm,
            &w.sup,
            &f["version"],
            json!({"level": "level_six"}),
        )
        .problem(422, "invalid_body");
        let f = with_version(
            srv,
            &confirm,
            &w.sup,
            &f["version"],
            json!({"level": "major_demerit", "note": "造成名誉损失，与院长协商后加重"}),
        )
        .ok(200)
        .clone();
        assert_eq!(f["confirmed_level"], "major_demerit");
        assert_eq!(f["confirmed_by"], w.sup_id.as_str());
        assert_eq!(f["confirmed_by_name"], "sup.a");
        assert_eq!(
            f["fines"],
            json!({"staff_fen": 30_000, "supervisor_fen": 60_000, "leader_fen": 120_000})
        );
        assert_eq!(f["complaint_number"], number.as_str());
        with_version(
            srv,
            &confirm,
            &w.pres,
            &f["version"],
            json!({"level": "minor_demerit", "note": "x"}),
        )
        .problem(409, "wrong_state");
        // A second finding confirmed at the proposed level by the president.
        let g = finding(Some(5_000_000), false);
        with_version(
            srv,
            &format!("{base}/{}/confirmation", s(&g["id"])),
            &w.pres,
            &g["version"],
            json!({"level": "suspension"}),
        )
        .ok(200);

        // The slip: printable, self-contained, escaped, in Chinese or English.
        let page = srv.get(&slip, &w.agent);
        assert_eq!(page.status, 200);
        assert_eq!(page.content_type, "text/html; charset=utf-8");
        let csp = page.header("content-security-policy").unwrap();
        assert!(
            csp.starts_with("default-src 'none'; style-src 'sha256-"),
            "{csp}"
        );
        let html = s(&page.body);
        for text in [
            "员工过失处罚单",
            "III 级 记大过",
            "¥600.00",
            "¥1,200.00",
            "赵院长",
            "服务态度&lt;生硬&gt;",
            number.as_str(),
            "受罚人签字",
        ] {
            assert!(html.contains(text), "{text}: {html}");
        }
        assert!(
            !html.contains("<script") && !html.contains("http"),
            "{html}"
        );
        let en = s(&srv
            .get(&format!("{slip}?lang=en"), &w.agent)
            .ok(200)
            .clone());
        assert!(
            en.contains("Employee fault penalty slip") && en.contains("Level III, major demerit")
        );
        srv.get(&format!("{slip}?lang=fr"), &w.agent)
            .problem(422, "validation");
        for path in [base.clone(), one.clone(), slip.clone()] {
            srv.get(&path, &w.agent_b).problem(404, "not_found");
            srv.get(&path, &w.admin).problem(403, "forbidden");
        }

        // The month's penalties for the review due by the 10th, scoped.
        let month = (Utc::now() + Duration::hours(8))
            .format("%Y-%m")
            .to_string();
        let review = srv
            .get(&format!("/api/v1/penalties?month={month}"), &w.pres)
            .ok(200)
            .clone();
        assert_eq!(review["items"].as_array().unwrap().len(), 2, "{review}");
        assert_eq!(
            review["totals"],
            json!({"staff_fen": 80_000, "supervisor_fen": 160_000, "leader_fen": 320_000})
        );
        assert!(s(&review["review_due_on"]).ends_with("-10"));
        let other = srv
            .get(&format!("/api/v1/penalties?month={month}"), &w.sup_b)
            .ok(200)
            .clone();
        assert_eq!(other["items"], json!([]));
        assert_eq!(other["totals"]["staff_fen"], 0);
        let last = srv.get("/api/v1/penalties", &w.sup).ok(200).clone();
        assert_ne!(last["month"], month.as_str());
        assert_eq!(last["items"], json!([]));
        srv.get("/api/v1/penalties?month=2026-13", &w.sup)
            .problem(422, "validation");
        srv.get("/api/v1/penalties?month=2026-11&x=1", &w.sup)
            .problem(400, "invalid_query");
        srv.get("/api/v1/penalties", &w.agent)
            .problem(403, "forbidden");
        let inst_b = srv.get(
            &format!(
                "/api/v1/penalties?month={month}&institution_id={}",
                s(&srv.get("/api/v1/institutions", &w.admin).ok(200)["items"][1]["id"])
            ),
            &w.sup,
        );
        inst_b.problem(422, "validation");
    });
}

fn put_wish(srv: &Srv, token: &str, case: &str, version: Option<i64>, body: Value) -> Res {
    let v = version.map(|v| format!("\"{v}\""));
    let headers: Vec<(&str, &str)> = v.iter().map(|v| ("If-Match", v.as_str())).collect();
    srv.raw(
        "PUT",
        &format!("/api/v1/complaints/{case}/follow-up-wish"),
        Some(token),
        &headers,
        Some(("application/json", body.to_string())),
    )
}

/// Takes case `id` through the non-quality flow to closing and archiving (结案备档).
fn to_archiving(srv: &Srv, w: &World, id: &str) {
    for (token, body) in [
        (&w.agent, json!({"action": "hand_over"})),
        (&w.sup, json!({"action": "accept"})),
        (&w.sup, json!({"action": "investigate"})),
        (&w.sup, json!({"action": "analyse", "category": "billing"})),
        (
            &w.sup,
            json!({"action": "propose", "solution": "退还差价并致歉"}),
        ),
        (&w.pres, json!({"action": "approve"})),
        (&w.sup, json!({"action": "negotiate"})),
        (&w.sup, json!({"action": "agree", "outcome": "患者接受"})),
        (&w.sup, json!({"action": "finish_procedures"})),
    ] {
        let current = srv
            .get(&format!("/api/v1/complaints/{id}"), token)
            .ok(200)
            .clone();
        let mut body = body;
        body["version"] = current["version"].clone();
        srv.post(
            &format!("/api/v1/complaints/{id}/transitions"),
            token,
            body.clone(),
        )
        .ok(200);
    }
    let c = srv
        .get(&format!("/api/v1/complaints/{id}"), &w.sup)
        .ok(200)
        .clone();
    assert_eq!(c["state"], "archiving", "{c}");
}

#[test]
fn improvement_actions_have_an_owner_a_due_date_and_an_end() {
    each_backend(|srv| {
        let w = world(srv);
        let case = complaint(srv, &w, 5);
        let base = format!("/api/v1/complaints/{case}/improvements");
        let yesterday =
            ((Utc::now() + Duration::hours(8)).date_naive() - Duration::days(1)).to_string();
        for (body, field) in [
            (
                json!({"text": "  ", "owner_id": w.sup_id, "due_on": yesterday}),
                "text",
            ),
            (
                json!({"text": "培训", "owner_id": w.agent_b_id, "due_on": yesterday}),
                "owner_id",
            ),
            (
                json!({"text": "培训", "owner_id": w.sup_id, "due_on": "1212-01-01"}),
                "due_on",
            ),
        ] {
            let r = srv.post(&base, &w.agent, body.clone());
            r.problem(422, "validation");
            assert_eq!(r.field_errors(), [field], "{body}");
        }
        srv.post(
            &base,
            &w.agent,
            json!({"text": "培训", "owner_id": w.sup_id}),
        )
        .problem(422, "invalid_body");
        srv.post(
            &base,
            &w.agent_b,
            json!({"text": "培训", "owner_id": w.agent_b_id, "due_on": yesterday}),
        )
        .problem(404, "not_found");
        srv.post(
            &base,
            &w.am,
            json!({"text": "培训", "owner_id": w.sup_id, "due_on": yesterday}),
        )
        .problem(403, "forbidden");
        let i = srv
            .post(
                &base,
                &w.agent,
                json!({"text": "术前告知书增加恢复期说明",
            "owner_id": w.sup_id, "due_on": yesterday}),
            )
            .ok(201)
            .clone();
        assert_eq!(
            (i["done"].clone(), i["overdue"].clone()),
            (json!(false), json!(true))
        );
        let one = format!("{base}/{}", s(&i["id"]));
        srv.raw(
            "PATCH",
            &one,
            Some(&w.agent),
            &[],
            Some(("application/json", json!({"done": true}).to_string())),
        )
        .problem(428, "precondition_required");
        srv.patch(&one, &w.agent, 1, json!({"owner_id": w.agent_b_id}))
            .problem(422, "validation");
        srv.patch(&one, &w.agent_b, 1, json!({"done": true}))
            .problem(404, "not_found");
        let i = srv
            .patch(&one, &w.agent, 1, json!({"done": true}))
            .ok(200)
            .clone();
        assert_eq!(
            (i["done"].clone(), i["overdue"].clone()),
            (json!(true), json!(false))
        );
        assert_eq!(i["done_by"], w.agent_id.as_str());
        srv.patch(&one, &w.agent, 1, json!({"done": false}))
            .problem(412, "stale");
        let i = srv
            .patch(
                &one,
                &w.sup,
                2,
                json!({"done": false, "due_on": "2030-01-01"}),
            )
            .ok(200)
            .clone();
        assert_eq!(
            (
                i["done"].clone(),
                i["done_at"].clone(),
                i["overdue"].clone()
            ),
            (json!(false), Value::Null, json!(false))
        );
        assert_eq!(count(&srv.get(&base, &w.med)), 1);
        srv.get(&base, &w.agent_b).problem(404, "not_found");
        srv.get(&base, &w.admin).problem(403, "forbidden");

        // The follow-up wish, recorded as the case closes.
        let wish = format!("/api/v1/complaints/{case}/follow-up-wish");
        let none = srv.get(&wish, &w.agent).ok(200).clone();
        assert_eq!(
            (none["wanted"].clone(), none["version"].clone()),
            (Value::Null, json!(0))
        );
        let e = put_wish(srv, &w.sup, &case, Some(0), json!({"wanted": true}));
        e.problem(409, "wrong_state");
        assert_eq!(e.body["errors"][0]["code"], "case_open");
        to_archiving(srv, &w, &case);
        put_wish(srv, &w.sup, &case, None, json!({"wanted": true}))
            .problem(428, "precondition_required");
        put_wish(srv, &w.sup, &case, Some(0), json!({"wanted": "yes"}))
            .problem(422, "invalid_body");
        put_wish(srv, &w.am, &case, Some(0), json!({"wanted": true})).problem(403, "forbidden");
        put_wish(srv, &w.sup_b, &case, Some(0), json!({"wanted": true})).problem(404, "not_found");
        let set = put_wish(
            srv,
            &w.sup,
            &case,
            Some(0),
            json!({"wanted": true, "note": "希望院长回访"}),
        )
        .ok(200)
        .clone();
        assert_eq!(
            (set["wanted"].clone(), set["version"].clone()),
            (json!(true), json!(1))
        );
        put_wish(srv, &w.agent, &case, Some(0), json!({"wanted": false})).problem(412, "stale");
        let set = put_wish(srv, &w.agent, &case, Some(1), json!({"wanted": false}))
            .ok(200)
            .clone();
        assert_eq!(
            (set["wanted"].clone(), set["note"].clone()),
            (json!(false), Value::Null)
        );
        assert_eq!(srv.get(&wish, &w.med).ok(200)["version"], 2);
        srv.get(&wish, &w.agent_b).problem(404, "not_found");
        srv.get(&wish, &w.admin).problem(403, "forbidden");
    });
}

/// Item 3 of the complaint gaps: a closed case (已结案) keeps its money, findings and files as
/// they were — a new refund, a refund's step, a finding, its confirmation, an improvement
/// new or changed, an upload or a removal is 409 `case_closed` and changes nothing; reading goes on, and
/// another institution's closed case is still a 404.
#[test]
fn a_closed_case_takes_no_more_refunds_findings_or_files() {
    each_backend(|srv| {
        let w = world(srv);
        let case = complaint(srv, &w, 71);
        let base = format!("/api/v1/complaints/{case}");
        let doc = upload(
            srv,
            &w.agent,
            &case,
            "?kind=signed_document&file_name=sign.pdf",
            "application/pdf",
            PDF,
        )
        .ok(201)
        .clone();
        let refund = srv
            .post(
                &format!("{base}/refunds"),
                &w.agent,
                json!({"amount_fen": 20_000, "method": "cash", "reason": "退还检查费"}),
            )
            .ok(201)
            .clone();
        let finding = srv
            .post(
                &format!("{base}/responsibilities"),
                &w.agent,
                json!({"staff_name": "李咨询", "description": "解释不到位"}),
            )
            .ok(201)
            .clone();
        let due_on = (Utc::now() + Duration::days(30)).date_naive().to_string();
        let improvement = srv
            .post(
                &format!("{base}/improvements"),
                &w.agent,
                json!({"text": "前台培训", "owner_id": w.sup_id, "due_on": due_on}),
            )
            .ok(201)
            .clone();
        // Closed: archived, handled inside, improved.
        to_archiving(srv, &w, &case);
        for (token, body) in [
            (&w.sup, json!({"action": "archive"})),
            (&w.dir, json!({"action": "finish_internal_handling"})),
            (&w.sup, json!({"action": "complete", "comment": "已培训"})),
        ] {
            let v = srv.get(&base, token).ok(200)["version"].clone();
            let mut body = body;
            body["version"] = v;
            srv.post(&format!("{base}/transitions"), token, body)
                .ok(200);
        }
        assert_eq!(srv.get(&base, &w.sup).ok(200)["state"], "closed");
        let closed = |r: Res| {
            r.problem(409, "wrong_state");
            assert_eq!(r.body["errors"][0]["code"], "case_closed", "{}", r.body);
        };
        closed(srv.post(
            &format!("{base}/refunds"),
            &w.agent,
            json!({"amount_fen": 10_000, "method": "cash", "reason": "再退"}),
        ));
        closed(with_version(
            srv,
            &format!("{base}/refunds/{}/transitions", s(&refund["id"])),
            &w.sup,
            &refund["version"],
            json!({"to": "countersigned"}),
        ));
        closed(srv.post(
            &format!("{base}/responsibilities"),
            &w.agent,
            json!({"staff_name": "王护士", "description": "态度生硬"}),
        ));
        closed(with_version(
            srv,
            &format!("{base}/responsibilities/{}/confirmation", s(&finding["id"])),
            &w.dir,
            &finding["version"],
            json!({"level": finding["proposed_level"]}),
        ));
        closed(srv.post(
            &format!("{base}/improvements"),
            &w.agent,
            json!({"text": "培训", "owner_id": w.sup_id, "due_on": due_on}),
        ));
        closed(srv.patch(
            &format!("{base}/improvements/{}", s(&improvement["id"])),
            &w.agent,
            improvement["version"].as_i64().unwrap(),
            json!({"text": "改写"}),
        ));
        closed(upload(
            srv,
            &w.agent,
            &case,
            "?kind=photo&file_name=x.png",
            "image/png",
            PNG,
        ));
        closed(srv.call(
            "DELETE",
            &format!("{base}/attachments/{}", s(&doc["id"])),
            Some(&w.agent),
            None,
        ));
        // Nothing changed, and it still reads.
        let refunds = srv.get(&format!("{base}/refunds"), &w.sup).ok(200).clone();
        assert_eq!(refunds.as_array().unwrap().len(), 1);
        assert_eq!(refunds[0]["status"], "requested");
        assert_eq!(refunds[0]["version"], refund["version"]);
        let findings = srv
            .get(&format!("{base}/responsibilities"), &w.sup)
            .ok(200)
            .clone();
        assert_eq!(findings.as_array().unwrap().len(), 1);
        assert_eq!(findings[0]["confirmed_level"], Value::Null);
        assert_eq!(count(&srv.get(&format!("{base}/attachments"), &w.sup)), 1);
        let improvements = srv
            .get(&format!("{base}/improvements"), &w.sup)
            .ok(200)
            .clone();
        assert_eq!(improvements[0]["text"], "前台培训");
        assert_eq!(improvements[0]["version"], improvement["version"]);
        // Another institution's closed case stays a 404, not a 409.
        srv.post(
            &format!("{base}/refunds"),
            &w.sup_b,
            json!({"amount_fen": 10_000, "method": "cash", "reason": "再退"}),
        )
        .problem(404, "not_found");
    });
}
