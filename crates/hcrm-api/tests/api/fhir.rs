//! HL7 FHIR R4 (INT-4) through HTTP on both backends: the capability statement and content
//! negotiation; Patient read (scoping both ways, masking by `pii.read`, audit as the JSON
//! API), search by every parameter with paging links, create with duplicates, conditional
//! create and bad input of every kind; Appointment read and search; 401/403/404/406/415 as
//! OperationOutcome. The resources' validity against HL7's schema and the `fhir.resources`
//! models is checked by `scripts/fhir-check.sh` on the running binary.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use chrono::NaiveDate;
use common::world::{At, TwoInstitutions};
use common::{Res, Srv, each_backend};
use serde_json::{Value, json};

const FHIR_JSON: &str = "application/fhir+json";
const ID_SYSTEM: &str = "urn:oid:2.16.156.10011.1.3";

const STAFF: &[(&str, &str, At)] = &[
    ("agent.a", "agent", At::A),
    ("sup.a", "supervisor", At::A),
    ("med.a", "medical_affairs", At::A),
    ("agent.b", "agent", At::B),
];

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

fn id_number(year: i32, seq: u16) -> String {
    hcrm_domain::customer::resident_id_for(
        "110105",
        NaiveDate::from_ymd_opt(year, 3, 15).unwrap(),
        seq,
    )
}

/// A GET of the FHIR endpoint with optional extra headers.
fn fhir(srv: &Srv, path: &str, token: Option<&str>, headers: &[(&str, &str)]) -> Res {
    srv.raw("GET", &format!("/fhir/r4{path}"), token, headers, None)
}

fn post_patient(srv: &Srv, token: &str, headers: &[(&str, &str)], body: &Value) -> Res {
    srv.raw(
        "POST",
        "/fhir/r4/Patient",
        Some(token),
        headers,
        Some((FHIR_JSON, body.to_string())),
    )
}

/// Asserts an OperationOutcome of `status` whose first issue is `code` (and our problem code).
#[track_caller]
fn outcome(r: &Res, status: u16, code: &str) -> Value {
    assert_eq!(r.status, status, "body: {}", r.body);
    assert_eq!(r.content_type, FHIR_JSON, "body: {}", r.body);
    assert_eq!(r.body["resourceType"], "OperationOutcome", "{}", r.body);
    assert_eq!(r.body["issue"][0]["severity"], "error");
    assert_eq!(r.body["issue"][0]["code"], code, "{}", r.body);
    r.body.clone()
}

#[track_caller]
fn ok(r: &Res, status: u16) -> Value {
    assert_eq!(r.status, status, "body: {}", r.body);
    assert_eq!(r.content_type, FHIR_JSON);
    r.body.clone()
}

struct Scene {
    w: TwoInstitutions,
    /// The HIS of A: an integration user's API key.
    key: String,
    his: String,
}

fn scene(srv: &Srv) -> Scene {
    let w = TwoInstitutions::new(srv, STAFF);
    // Integration clients sign in with API keys only.
    let his = s(&srv.user(&w.admin, "his.a", &["integration"], &w.inst_a)["id"]);
    let key = s(&srv
        .post(
            &format!("/api/v1/users/{his}/api-keys"),
            &w.admin,
            json!({"name": "HIS"}),
        )
        .ok(201)["key"]);
    Scene { w, key, his }
}

fn customer(srv: &Srv, token: &str, body: Value) -> String {
    s(&srv.post("/api/v1/customers", token, body).ok(201)["id"])
}

/// 王建国 of A with every number and an address.
fn full_customer(srv: &Srv, sc: &Scene) -> (String, String) {
    let number = id_number(1949, 1);
    let id = customer(
        srv,
        &sc.w.token("agent.a"),
        json!({"kind": "individual", "name": "王建国", "id_type": "resident_id", "id_number": number,
               "card_number": "C0001", "phones": ["13812345678"], "landline": "010-65432100",
               "email": "wang@example.com", "marital_status": "married",
               "address": {"province": "北京市", "city": "北京市", "district": "朝阳区", "street": "将台路2号"},
               "external_ids": [{"system": "his", "external_id": "P0001"}]}),
    );
    (id, number)
}

fn audit(srv: &Srv, sc: &Scene, query: &str) -> Value {
    srv.get(
        &format!("/api/v1/audit-events?{query}&limit=200"),
        &sc.w.admin,
    )
    .ok(200)
    .clone()
}

#[test]
fn fhir_metadata_and_content_negotiation() {
    each_backend(|srv| {
        let r = fhir(srv, "/metadata", None, &[]);
        let c = ok(&r, 200);
        assert_eq!(c["resourceType"], "CapabilityStatement");
        assert_eq!(c["fhirVersion"], "4.0.1");
        assert_eq!(c["rest"][0]["resource"][0]["type"], "Patient");
        assert!(s(&c["implementation"]["url"]).ends_with("/fhir/r4"));
        assert_eq!(r.header("cache-control"), Some("no-store"));

        let json = fhir(srv, "/metadata", None, &[("Accept", "application/json")]);
        assert_eq!(
            (json.status, json.content_type.as_str()),
            (200, "application/json")
        );
        let browser = fhir(srv, "/metadata", None, &[("Accept", "text/html,*/*;q=0.8")]);
        assert_eq!(browser.content_type, FHIR_JSON);
        outcome(
            &fhir(
                srv,
                "/metadata",
                None,
                &[("Accept", "application/fhir+xml")],
            ),
            406,
            "not-supported",
        );
        outcome(
            &fhir(srv, "/metadata?_format=xml", None, &[]),
            406,
            "not-supported",
        );
        ok(
            &fhir(
                srv,
                "/metadata?_format=json",
                None,
                &[("Accept", "application/xml")],
            ),
            200,
        );
        // Everything else under the base is an OperationOutcome, not the web app.
        outcome(&fhir(srv, "/Observation", None, &[]), 404, "not-supported");

        // Reads need a sign-in: 401 with the challenge.
        let r = fhir(srv, "/Patient", None, &[]);
        outcome(&r, 401, "login");
        assert_eq!(r.header("www-authenticate"), Some("Bearer"));
        outcome(&fhir(srv, "/Patient", Some("nonsense"), &[]), 401, "login");
    });
}

#[test]
fn fhir_patient_read_maps_scopes_masks_and_audits() {
    each_backend(|srv| {
        let sc = scene(srv);
        let (id, number) = full_customer(srv, &sc);
        let path = format!("/Patient/{id}");

        // pii.read: unmasked, and the read is audited as the JSON API audits it.
        let r = fhir(srv, &path, Some(&sc.w.token("sup.a")), &[]);
        assert_eq!(r.header("etag"), Some("W/\"1\""));
        let p = ok(&r, 200);
        assert_eq!(p["id"], id.as_str());
        assert_eq!(p["identifier"][0]["system"], ID_SYSTEM);
        assert_eq!(p["identifier"][0]["value"], number.as_str());
        assert_eq!(p["identifier"][1]["system"], "urn:hcrm:BJ01:card");
        assert_eq!(
            p["identifier"][2],
            json!({"use": "usual", "system": "urn:hcrm:BJ01:his", "value": "P0001",
            "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR", "display": "Medical record number"}]}})
        );
        assert_eq!(
            p["name"][0],
            json!({"use": "official", "text": "王建国", "family": "王", "given": ["建国"]})
        );
        assert_eq!(p["telecom"][0]["value"], "13812345678");
        assert_eq!(p["telecom"][1]["value"], "010-65432100");
        assert_eq!(p["gender"], "male");
        assert_eq!(p["birthDate"], "1949-03-15");
        assert_eq!(p["address"][0]["district"], "朝阳区");
        assert_eq!(p["address"][0]["extension"][0]["valueCode"], "110105");
        assert_eq!(p["maritalStatus"]["coding"][0]["code"], "M");
        assert_eq!(p["managingOrganization"]["identifier"]["value"], "BJ01");
        assert!(p["meta"].get("security").is_none());
        let reads = audit(srv, &sc, &format!("entity_id={id}&action=read"));
        assert_eq!(reads["total"], 1);
        assert_eq!(reads["items"][0]["actor_username"], "sup.a");

        // Without pii.read (an agent, the HIS's API key): masked, labelled, not audited.
        for token in [sc.w.token("agent.a"), sc.key.clone()] {
            let p = ok(&fhir(srv, &path, Some(&token), &[]), 200);
            assert_eq!(p["meta"]["security"][0]["code"], "MASKED");
            assert_eq!(p["telecom"][0]["value"], "138****5678");
            assert_ne!(p["identifier"][0]["value"], number.as_str());
            assert!(!p.to_string().contains(&number) && !p.to_string().contains("13812345678"));
        }
        assert_eq!(
            audit(srv, &sc, &format!("entity_id={id}&action=read"))["total"],
            1
        );

        // Another institution's patient, an unknown or malformed id, an organisation: 404.
        outcome(
            &fhir(srv, &path, Some(&sc.w.token("agent.b")), &[]),
            404,
            "not-found",
        );
        let b_patient = customer(
            srv,
            &sc.w.token("agent.b"),
            json!({"kind": "individual", "name": "李四", "phones": ["13900000001"]}),
        );
        outcome(
            &fhir(
                srv,
                &format!("/Patient/{b_patient}"),
                Some(&sc.w.token("agent.a")),
                &[],
            ),
            404,
            "not-found",
        );
        ok(
            &fhir(
                srv,
                &format!("/Patient/{b_patient}"),
                Some(&sc.w.token("agent.b")),
                &[],
            ),
            200,
        );
        outcome(
            &fhir(
                srv,
                "/Patient/0193a1d2-7c4e-7b10-8000-00000000ffff",
                Some(&sc.key),
                &[],
            ),
            404,
            "not-found",
        );
        outcome(
            &fhir(srv, "/Patient/not-an-id", Some(&sc.key), &[]),
            404,
            "not-found",
        );
        let org = customer(
            srv,
            &sc.w.token("agent.a"),
            json!({"kind": "organization", "name": "星辰科技", "phones": ["13900000002"]}),
        );
        outcome(
            &fhir(
                srv,
                &format!("/Patient/{org}"),
                Some(&sc.w.token("agent.a")),
                &[],
            ),
            404,
            "not-found",
        );

        // A merged-away patient names the one to read.
        let dup = customer(
            srv,
            &sc.w.token("agent.a"),
            json!({"kind": "individual", "name": "王建国", "phones": ["13900000003"]}),
        );
        srv.merge(&id, &sc.w.token("sup.a"), json!({"from_id": dup}))
            .ok(200);
        let merged = outcome(
            &fhir(
                srv,
                &format!("/Patient/{dup}"),
                Some(&sc.w.token("agent.a")),
                &[],
            ),
            404,
            "not-found",
        );
        assert!(s(&merged["issue"][0]["diagnostics"]).contains(&format!("Patient/{id}")));
    });
}

#[test]
fn fhir_patient_search_by_every_parameter_with_paging_and_scoping() {
    each_backend(|srv| {
        let sc = scene(srv);
        let agent = sc.w.token("agent.a");
        let (wang, number) = full_customer(srv, &sc);
        let mut ids = vec![wang.clone()];
        for (i, (name, year)) in [
            ("王芳", 1960),
            ("欧阳建华", 1975),
            ("李建国", 1949),
            ("Anna Li", 1990),
        ]
        .into_iter()
        .enumerate()
        {
            let phone = format!("1370000000{i}");
            ids.push(customer(
                srv,
                &agent,
                json!({"kind": "individual", "name": name, "phones": [phone],
                "id_number": id_number(year, 10 + i as u16)}),
            ));
        }
        // The same name in B: never seen from A, and A's never from B.
        let b_id = customer(
            srv,
            &sc.w.token("agent.b"),
            json!({"kind": "individual", "name": "王建国", "phones": ["13600000000"]}),
        );
        customer(
            srv,
            &agent,
            json!({"kind": "organization", "name": "王氏集团", "phones": ["13500000000"]}),
        );

        let search = |query: &str, token: &str| -> Value {
            let r = fhir(srv, &format!("/Patient?{query}"), Some(token), &[]);
            let b = ok(&r, 200);
            assert_eq!(b["resourceType"], "Bundle");
            assert_eq!(b["type"], "searchset");
            b
        };
        let names = |b: &Value| -> Vec<String> {
            b["entry"]
                .as_array()
                .map(|e| {
                    e.iter()
                        .map(|e| s(&e["resource"]["name"][0]["text"]))
                        .collect()
                })
                .unwrap_or_default()
        };
        let found = |query: &str| names(&search(query, &agent));

        assert_eq!(
            found(&format!("identifier={ID_SYSTEM}|{number}")),
            ["王建国"]
        );
        assert_eq!(found(&format!("identifier={number}")), ["王建国"]);
        assert_eq!(
            found(&format!("identifier=|{}", number.to_lowercase())),
            ["王建国"]
        );
        assert_eq!(found("identifier=urn:hcrm:BJ01:his|P0001"), ["王建国"]);
        assert_eq!(
            found("identifier=urn:hcrm:SH01:his|P0001"),
            Vec::<String>::new()
        );
        assert_eq!(found("identifier=urn:hcrm:BJ01:card|C0001"), ["王建国"]);
        assert_eq!(
            found("identifier=http://elsewhere.example/ids|P0001"),
            Vec::<String>::new()
        );
        assert_eq!(found("name=王"), ["王建国", "王芳"]);
        assert_eq!(
            found("name=建"),
            ["王建国", "欧阳建华", "李建国"],
            "given names start with 建"
        );
        assert_eq!(
            found("name=阳"),
            Vec::<String>::new(),
            "欧阳 is one surname"
        );
        assert_eq!(found("name:contains=建"), ["王建国", "欧阳建华", "李建国"]);
        assert_eq!(found("name:contains=国"), ["王建国", "李建国"]);
        assert_eq!(found("name:exact=王建"), Vec::<String>::new());
        assert_eq!(found("name:exact=王建国"), ["王建国"]);
        assert_eq!(found("name=li"), ["Anna Li"]);
        assert_eq!(found("name=ANNA"), ["Anna Li"]);
        assert_eq!(found("phone=13812345678"), ["王建国"]);
        assert_eq!(found("phone=%2B86%20138-1234-5678"), ["王建国"]);
        assert_eq!(found("phone=010-65432100"), ["王建国"]);
        assert_eq!(found("birthdate=1949"), ["王建国", "李建国"]);
        assert_eq!(found("birthdate=1949-03-15"), ["王建国", "李建国"]);
        assert_eq!(
            found("birthdate=ge1950&birthdate=lt1976"),
            ["王芳", "欧阳建华"]
        );
        assert_eq!(found("birthdate=gt1975"), ["Anna Li"]);
        assert_eq!(found("name=王&birthdate=le1949-12"), ["王建国"]);
        // Unknown parameters are ignored, and left out of the self link …
        let b = search("name=王&_sort=name&foo=1", &agent);
        assert_eq!(names(&b), ["王建国", "王芳"]);
        let self_link = s(&b["link"][0]["url"]);
        assert!(
            self_link.contains("name=%E7%8E%8B") && !self_link.contains("foo"),
            "{self_link}"
        );
        // … unless the client asks for strict handling.
        let strict = fhir(
            srv,
            "/Patient?name=王&foo=1",
            Some(&agent),
            &[("Prefer", "handling=strict")],
        );
        let o = outcome(&strict, 400, "not-supported");
        assert_eq!(o["issue"][0]["expression"], json!(["foo"]));

        // Scoping both ways, and masked results even for pii.read.
        let from_b = search("name=王", &sc.w.token("agent.b"));
        assert_eq!(from_b["total"], 1);
        assert_eq!(from_b["entry"][0]["resource"]["id"], b_id.as_str());
        assert_eq!(found(&format!("identifier={}", "P0001")).len(), 1);
        let sup = search("phone=13812345678", &sc.w.token("sup.a"));
        assert_eq!(
            sup["entry"][0]["resource"]["telecom"][0]["value"],
            "138****5678"
        );
        assert_eq!(
            sup["entry"][0]["resource"]["meta"]["security"][0]["code"],
            "MASKED"
        );
        assert_eq!(search("name=王", &sc.key)["total"], 2);

        // Paging: 5 patients, 2 a page, followed by the links.
        let mut page = search("_count=2", &agent);
        assert_eq!(page["total"], 5);
        let mut seen = Vec::new();
        loop {
            for e in page["entry"].as_array().unwrap() {
                assert!(
                    s(&e["fullUrl"])
                        .ends_with(&format!("/fhir/r4/Patient/{}", s(&e["resource"]["id"])))
                );
                assert_eq!(e["search"]["mode"], "match");
                seen.push(s(&e["resource"]["id"]));
            }
            let rel = |r: &str| {
                page["link"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|l| l["relation"] == r)
                    .map(|l| s(&l["url"]))
            };
            assert!(rel("self").is_some());
            if seen.len() > 2 {
                assert!(rel("previous").unwrap().contains(&format!(
                    "_offset={}",
                    seen.len() - page["entry"].as_array().unwrap().len() - 2
                )));
            }
            let Some(next) = rel("next") else { break };
            let path = next.split("/fhir/r4").nth(1).unwrap().to_string();
            page = ok(&fhir(srv, &path, Some(&agent), &[]), 200);
        }
        let mut sorted = seen.clone();
        sorted.sort();
        let mut expected = ids.clone();
        expected.sort();
        assert_eq!(
            sorted, expected,
            "every patient once, none of B's, no organisation"
        );
        let capped = search("_count=1000", &agent);
        assert!(s(&capped["link"][0]["url"]).contains("_count=100"));
        assert!(
            search("_count=2&_offset=4", &agent)["link"]
                .as_array()
                .unwrap()
                .iter()
                .all(|l| l["relation"] != "next")
        );

        // Bad input: 400 OperationOutcome, naming the parameter.
        for bad in [
            "birthdate=1949-02-30",
            "birthdate=yesterday",
            "birthdate=xx1949",
            "_count=abc",
            "_count=0",
            "_offset=-1",
            "_offset=20000",
            "phone=abc",
            "name=%20",
            "name=%E7%8E%8B%00",
            "identifier=P%E2%80%8B1",
        ] {
            outcome(
                &fhir(srv, &format!("/Patient?{bad}"), Some(&agent), &[]),
                400,
                "invalid",
            );
        }
        let huge = "王".repeat(1000);
        let o = outcome(
            &fhir(srv, &format!("/Patient?name={huge}"), Some(&agent), &[]),
            400,
            "invalid",
        );
        assert_eq!(o["issue"][0]["expression"], json!(["name"]));
        for unsupported in [
            "birthdate=ne1949",
            "birthdate=1949-03-15T10:00:00Z",
            "name=王,李",
            "name=王&name=李",
        ] {
            outcome(
                &fhir(srv, &format!("/Patient?{unsupported}"), Some(&agent), &[]),
                400,
                "not-supported",
            );
        }
    });
}

fn patient_body(name: &str, phone: &str, his: &str) -> Value {
    json!({
        "resourceType": "Patient",
        "identifier": [{"system": "urn:hcrm:BJ01:his", "value": his}],
        "name": [{"use": "official", "family": &name[..3], "given": [&name[3..]]}],
        "telecom": [{"system": "phone", "value": phone, "use": "mobile"}],
        "gender": "female",
        "birthDate": "1980-05-06",
        "address": [{"state": "北京市", "city": "北京市", "district": "海淀区", "line": ["中关村大街1号"]}]
    })
}

#[test]
fn fhir_patient_create_duplicates_conditional_and_bad_input() {
    each_backend(|srv| {
        let sc = scene(srv);
        let total = || srv.total("/api/v1/customers?limit=1");
        let r = post_patient(
            srv,
            &sc.key,
            &[],
            &patient_body("张小红", "13811112222", "H100"),
        );
        let p = ok(&r, 201);
        let id = s(&p["id"]);
        assert!(
            r.header("location")
                .unwrap()
                .ends_with(&format!("/fhir/r4/Patient/{id}/_history/1"))
        );
        assert_eq!(p["name"][0]["text"], "张小红");
        assert_eq!(
            p["meta"]["security"][0]["code"], "MASKED",
            "an integration client never sees numbers"
        );
        // The JSON API sees the same customer, with its HIS id, in the key's institution.
        let c = srv
            .get(&format!("/api/v1/customers/{id}"), &sc.w.token("sup.a"))
            .ok(200)
            .clone();
        assert_eq!(
            c["external_ids"],
            json!([{"system": "his", "external_id": "H100"}])
        );
        assert_eq!(c["phones"], json!(["13811112222"]));
        assert_eq!(c["address"]["district"], "海淀区");
        assert_eq!(c["institution_id"], sc.w.inst_a["id"]);
        let created = audit(srv, &sc, &format!("entity_id={id}&action=create"));
        assert_eq!(created["items"][0]["actor_username"], "his.a");
        let before = total();

        // The same phone: 409 naming the patient found, nothing created.
        let dup = post_patient(
            srv,
            &sc.key,
            &[],
            &patient_body("张小兰", "13811112222", "H101"),
        );
        let o = outcome(&dup, 409, "duplicate");
        assert!(s(&o["issue"][0]["diagnostics"]).contains(&format!("Patient/{id}")));
        // The same HIS id (another phone): 409.
        outcome(
            &post_patient(
                srv,
                &sc.key,
                &[],
                &patient_body("张小兰", "13811113333", "H100"),
            ),
            409,
            "duplicate",
        );
        assert_eq!(total(), before);

        // Conditional create: one match answers it (200), none creates, two are 412.
        let cond = [("If-None-Exist", "identifier=urn:hcrm:BJ01:his|H100")];
        let again = post_patient(
            srv,
            &sc.key,
            &cond,
            &patient_body("张小红", "13811112222", "H100"),
        );
        assert_eq!(ok(&again, 200)["id"], id.as_str());
        assert_eq!(total(), before);
        let fresh = [("If-None-Exist", "identifier=urn:hcrm:BJ01:his|H200")];
        let made = post_patient(
            srv,
            &sc.key,
            &fresh,
            &patient_body("赵敏", "13811114444", "H200"),
        );
        ok(&made, 201);
        assert_eq!(total(), before + 1);
        let two = [("If-None-Exist", "birthdate=1980-05-06")];
        outcome(
            &post_patient(
                srv,
                &sc.key,
                &two,
                &patient_body("钱多", "13811115555", "H300"),
            ),
            412,
            "multiple-matches",
        );
        for (bad, code) in [
            ("foo=1", "not-supported"),
            ("birthdate=bad", "invalid"),
            ("_count=5", "invalid"),
        ] {
            outcome(
                &post_patient(
                    srv,
                    &sc.key,
                    &[("If-None-Exist", bad)],
                    &patient_body("钱多", "13811115555", "H300"),
                ),
                400,
                code,
            );
        }
        let before = total();

        // Bad input: 400 for what is no Patient, 422 for what we cannot keep, each issue at
        // its element; nothing is created.
        let raw = |ct: &str, body: &str| {
            srv.raw(
                "POST",
                "/fhir/r4/Patient",
                Some(&sc.key),
                &[],
                Some((ct, body.to_string())),
            )
        };
        outcome(&raw(FHIR_JSON, "{not json"), 400, "invalid");
        outcome(&raw(FHIR_JSON, "[1]"), 400, "structure");
        outcome(
            &raw(
                FHIR_JSON,
                r#"{"resourceType": "Patient", "birthdate": "1980-01-01"}"#,
            ),
            400,
            "structure",
        );
        outcome(
            &raw(FHIR_JSON, r#"{"resourceType": "Patient", "name": "王芳"}"#),
            400,
            "structure",
        );
        outcome(
            &raw(
                FHIR_JSON,
                r#"{"resourceType": "Observation", "name": [{"text": "王芳"}]}"#,
            ),
            400,
            "invalid",
        );
        outcome(
            &raw("text/plain", r#"{"resourceType": "Patient"}"#),
            415,
            "not-supported",
        );
        let big = json!({"resourceType": "Patient", "name": [{"text": "王".repeat(100_000)}]});
        outcome(&raw(FHIR_JSON, &big.to_string()), 413, "too-long");
        let cases: Vec<(Value, &str, &str)> = vec![
            (
                json!({"resourceType": "Patient"}),
                "required",
                "Patient.name",
            ),
            (
                json!({"resourceType": "Patient", "name": [{"text": "王芳"}],
                    "identifier": [{"system": ID_SYSTEM, "value": "110105194903150021"}]}),
                "value",
                "Patient.identifier[0].value",
            ),
            (
                json!({"resourceType": "Patient", "name": [{"text": "王芳"}], "birthDate": "1980-05"}),
                "value",
                "Patient.birthDate",
            ),
            (
                json!({"resourceType": "Patient", "name": [{"text": "王芳"}], "gender": "other"}),
                "not-supported",
                "Patient.gender",
            ),
            (
                json!({"resourceType": "Patient", "name": [{"text": "王芳"}],
                    "identifier": [{"system": "http://his.example/ids", "value": "1"}]}),
                "value",
                "Patient.identifier[0].system",
            ),
            (
                json!({"resourceType": "Patient", "name": [{"text": "王芳"}],
                    "telecom": [{"system": "phone", "value": "12345678901", "use": "mobile"}]}),
                "value",
                "Patient.telecom",
            ),
            (
                json!({"resourceType": "Patient", "name": [{"text": "王\u{200b}芳"}]}),
                "value",
                "Patient.name[0]",
            ),
            (
                json!({"resourceType": "Patient", "name": [{"text": "王芳"}],
                    "address": [{"state": "北京市", "district": "浦东新区"}]}),
                "value",
                "Patient.address[0].district",
            ),
            (
                json!({"resourceType": "Patient", "name": [{"text": "王芳"}],
                    "modifierExtension": [{"url": "http://x", "valueBoolean": true}]}),
                "not-supported",
                "Patient.modifierExtension",
            ),
        ];
        for (body, code, at) in cases {
            let r = post_patient(srv, &sc.key, &[], &body);
            let o = outcome(&r, 422, code);
            assert_eq!(o["issue"][0]["expression"][0], at, "{body}: {o}");
        }
        // A HIS id of another institution: not this patient's.
        let other = json!({"resourceType": "Patient", "name": [{"text": "王芳"}], "identifier": [{"system": "urn:hcrm:SH01:his", "value": "X1"}]});
        outcome(&post_patient(srv, &sc.key, &[], &other), 422, "value");
        // An institution out of reach.
        let far = json!({"resourceType": "Patient", "name": [{"text": "王芳"}],
            "managingOrganization": {"identifier": {"system": "urn:hcrm:institution", "value": "SH01"}}});
        outcome(&post_patient(srv, &sc.key, &[], &far), 422, "value");
        assert_eq!(total(), before);

        // 403 without customer.write (medical affairs), or with a key scoped without it.
        outcome(
            &post_patient(
                srv,
                &sc.w.token("med.a"),
                &[],
                &patient_body("孙丽", "13811116666", "H400"),
            ),
            403,
            "forbidden",
        );
        let read_only = s(&srv
            .post(
                &format!("/api/v1/users/{}/api-keys", sc.his),
                &sc.w.admin,
                json!({"name": "read only", "scopes": ["appointments:read"]}),
            )
            .ok(201)["key"]);
        outcome(
            &post_patient(
                srv,
                &read_only,
                &[],
                &patient_body("孙丽", "13811116666", "H400"),
            ),
            403,
            "forbidden",
        );
        outcome(
            &fhir(srv, "/Patient", Some(&read_only), &[]),
            403,
            "forbidden",
        );
        outcome(
            &fhir(srv, &format!("/Patient/{id}"), Some(&read_only), &[]),
            403,
            "forbidden",
        );
        assert_eq!(total(), before);
    });
}

#[test]
fn fhir_appointments_read_and_search() {
    each_backend(|srv| {
        let sc = scene(srv);
        let sup = sc.w.token("sup.a");
        let dep = srv
            .post(
                "/api/v1/departments",
                &sc.w.admin,
                json!({"institution_id": sc.w.inst_a["id"], "name": "心内科"}),
            )
            .ok(201)
            .clone();
        let doc = srv
            .post(
                "/api/v1/doctors",
                &sc.w.admin,
                json!({"department_id": dep["id"], "name": "李建国", "title": "主任医师"}),
            )
            .ok(201)
            .clone();
        let today = hcrm_domain::time::today_in("Asia/Shanghai");
        let day = today.succ_opt().unwrap().succ_opt().unwrap();
        let session = s(&srv
            .post("/api/v1/clinic-sessions", &sup, json!({"doctor_id": doc["id"], "date": day, "half_day": "afternoon", "capacity": 5}))
            .ok(201)["id"]);
        let (patient, _) = full_customer(srv, &sc);
        let other = customer(
            srv,
            &sup,
            json!({"kind": "individual", "name": "王芳", "phones": ["13700000009"]}),
        );
        let book = |c: &str| {
            s(&srv
                .post("/api/v1/appointments", &sup, json!({"customer_id": c, "session_id": session, "kind": "expert_consultation", "note": "胸闷两周"}))
                .ok(201)["id"])
        };
        let first = book(&patient);
        let second = book(&other);

        let a = ok(
            &fhir(srv, &format!("/Appointment/{first}"), Some(&sc.key), &[]),
            200,
        );
        assert_eq!(a["resourceType"], "Appointment");
        assert_eq!(a["status"], "booked");
        assert_eq!(a["start"], format!("{day}T13:30:00+08:00"));
        assert_eq!(a["end"], format!("{day}T17:30:00+08:00"));
        assert_eq!(a["serviceType"][0]["text"], "预约专家");
        assert_eq!(a["specialty"][0]["text"], "心内科");
        assert_eq!(
            a["participant"][0]["actor"]["reference"],
            format!("Patient/{patient}")
        );
        assert_eq!(a["participant"][0]["actor"]["display"], "王建国");
        assert_eq!(a["participant"][1]["actor"]["display"], "李建国 主任医师");

        let search = |q: &str, token: &str| {
            ok(
                &fhir(srv, &format!("/Appointment?{q}"), Some(token), &[]),
                200,
            )
        };
        let ids = |b: &Value| -> Vec<String> {
            b["entry"]
                .as_array()
                .map(|e| e.iter().map(|e| s(&e["resource"]["id"])).collect())
                .unwrap_or_default()
        };
        assert_eq!(
            ids(&search(&format!("patient=Patient/{patient}"), &sc.key)),
            std::slice::from_ref(&first)
        );
        assert_eq!(
            ids(&search(&format!("patient={other}"), &sc.key)),
            std::slice::from_ref(&second)
        );
        assert_eq!(search(&format!("date={day}"), &sc.key)["total"], 2);
        assert_eq!(
            search(
                &format!("date=ge{day}&date=le{day}&patient=Patient/{patient}"),
                &sc.key
            )["total"],
            1
        );
        assert_eq!(search(&format!("date=lt{day}"), &sc.key)["total"], 0);
        assert_eq!(search(&format!("date=gt{day}"), &sc.key)["total"], 0);
        let paged = search("_count=1", &sc.key);
        assert_eq!(
            (
                paged["total"].as_i64(),
                paged["entry"].as_array().unwrap().len()
            ),
            (Some(2), 1)
        );
        assert!(
            paged["link"]
                .as_array()
                .unwrap()
                .iter()
                .any(|l| l["relation"] == "next")
        );

        // Cancelled: its reason.
        let version = srv
            .get(&format!("/api/v1/appointments/{second}"), &sup)
            .ok(200)["version"]
            .clone();
        srv.post(
            &format!("/api/v1/appointments/{second}/transitions"),
            &sup,
            json!({"action": "cancel", "reason": "患者出差", "version": version}),
        )
        .ok(200);
        let c = ok(
            &fhir(srv, &format!("/Appointment/{second}"), Some(&sc.key), &[]),
            200,
        );
        assert_eq!(c["status"], "cancelled");
        assert_eq!(c["cancelationReason"]["text"], "患者出差");

        // Scoping: B sees none of A's; the admin has no service.read.
        outcome(
            &fhir(
                srv,
                &format!("/Appointment/{first}"),
                Some(&sc.w.token("agent.b")),
                &[],
            ),
            404,
            "not-found",
        );
        assert_eq!(
            search(
                &format!("patient=Patient/{patient}"),
                &sc.w.token("agent.b")
            )["total"],
            0
        );
        assert_eq!(search("", &sc.w.token("agent.b"))["total"], 0);
        outcome(
            &fhir(
                srv,
                &format!("/Appointment/{first}"),
                Some(&sc.w.admin),
                &[],
            ),
            403,
            "forbidden",
        );
        outcome(
            &fhir(srv, "/Appointment", Some(&sc.w.admin), &[]),
            403,
            "forbidden",
        );
        outcome(
            &fhir(srv, "/Appointment/x", Some(&sc.key), &[]),
            404,
            "not-found",
        );
        for bad in [
            "patient=Patient/x",
            "date=2026-13",
            "date=ap2026",
            "patient=a&patient=b",
        ] {
            let r = fhir(srv, &format!("/Appointment?{bad}"), Some(&sc.key), &[]);
            assert_eq!(r.status, 400, "{bad}: {}", r.body);
        }
        outcome(
            &fhir(
                srv,
                "/Appointment?status=booked",
                Some(&sc.key),
                &[("Prefer", "handling=strict")],
            ),
            400,
            "not-supported",
        );
    });
}
