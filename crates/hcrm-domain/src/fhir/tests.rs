#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{NaiveDate, TimeZone, Utc};
use serde_json::json;
use uuid::Uuid;

use super::*;
use crate::api::customers::{Address as CustomerAddress, Customer, ExternalId};
use crate::customer::{CustomerKind, Gender, IdType, LifecycleStage, MaritalStatus};

fn customer() -> Customer {
    let at = Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap();
    Customer {
        id: Uuid::nil(),
        institution_id: Uuid::nil(),
        kind: CustomerKind::Individual,
        name: "欧阳建国".into(),
        gender: Some(Gender::Male),
        birth_date: NaiveDate::from_ymd_opt(1949, 12, 31),
        age: Some(76),
        id_type: Some(IdType::ResidentId),
        id_number: Some("11010519491231002X".into()),
        card_number: Some("C001".into()),
        phones: vec!["13812345678".into(), "13912345678".into()],
        landline: Some("010-65432100".into()),
        wechat: None,
        qq: None,
        email: Some("ouyang@example.com".into()),
        address: CustomerAddress {
            province: Some("北京市".into()),
            city: Some("北京市".into()),
            district: Some("朝阳区".into()),
            street: Some("将台路2号".into()),
        },
        occupation: None,
        employer_id: None,
        employer_name: None,
        education: None,
        marital_status: Some(MaritalStatus::Married),
        family_situation: None,
        form_of_address: "欧阳大爷".into(),
        form_of_address_custom: false,
        preferred_language: None,
        preferred_channel: None,
        preferred_hours: None,
        source_channel: None,
        source_detail: None,
        referred_by_id: None,
        referred_by_name: None,
        interests: vec![],
        categories: vec![],
        tags: vec![],
        lifecycle_stage: LifecycleStage::Current,
        relationship_type: None,
        account_manager_id: None,
        account_manager_name: None,
        notes: None,
        uscc: None,
        industry: None,
        org_size: None,
        external_ids: vec![
            ExternalId {
                system: "his".into(),
                external_id: "P001".into(),
            },
            ExternalId {
                system: "体检 系统".into(),
                external_id: "T9".into(),
            },
        ],
        masked: false,
        version: 3,
        created_at: at,
        updated_at: at,
    }
}

fn bj01() -> Institution<'static> {
    Institution {
        code: "BJ01",
        name: "北京和睦医院",
    }
}

#[test]
fn a_customer_maps_to_a_patient_element_by_element() {
    let p = serde_json::to_value(patient_of(&customer(), bj01())).unwrap();
    assert_eq!(p["resourceType"], "Patient");
    assert_eq!(p["meta"]["versionId"], "3");
    assert_eq!(p["meta"]["lastUpdated"], "2026-12-01T08:00:00.000Z");
    assert!(p["meta"].get("security").is_none());
    let ids = p["identifier"].as_array().unwrap();
    assert_eq!(ids[0]["system"], RESIDENT_ID_SYSTEM);
    assert_eq!(ids[0]["value"], "11010519491231002X");
    assert_eq!(ids[0]["type"]["coding"][0]["code"], "NI");
    assert_eq!(ids[1]["system"], "urn:hcrm:BJ01:card");
    assert_eq!(ids[2]["system"], "urn:hcrm:BJ01:his");
    assert_eq!(ids[2]["type"]["coding"][0]["code"], "MR");
    // A system with a space and Chinese is one URI token.
    assert_eq!(
        ids[3]["system"],
        "urn:hcrm:BJ01:%E4%BD%93%E6%A3%80%20%E7%B3%BB%E7%BB%9F"
    );
    assert_eq!(
        p["name"],
        json!([{"use": "official", "text": "欧阳建国", "family": "欧阳", "given": ["建国"]}])
    );
    assert_eq!(
        p["telecom"][0],
        json!({"system": "phone", "value": "13812345678", "use": "mobile", "rank": 1})
    );
    assert_eq!(p["telecom"][1]["rank"], 2);
    assert_eq!(
        p["telecom"][2],
        json!({"system": "phone", "value": "010-65432100", "use": "home"})
    );
    assert_eq!(
        p["telecom"][3],
        json!({"system": "email", "value": "ouyang@example.com"})
    );
    assert_eq!(p["gender"], "male");
    assert_eq!(p["birthDate"], "1949-12-31");
    assert_eq!(
        p["address"][0],
        json!({"use": "home", "text": "北京市朝阳区将台路2号", "line": ["将台路2号"], "city": "北京市",
               "district": "朝阳区", "state": "北京市", "country": "CN",
               "extension": [{"url": DIVISION_CODE_EXTENSION, "valueCode": "110105"}]})
    );
    assert_eq!(p["maritalStatus"]["coding"][0]["code"], "M");
    assert_eq!(p["managingOrganization"]["identifier"]["value"], "BJ01");
    assert_eq!(p["managingOrganization"]["display"], "北京和睦医院");
}

#[test]
fn a_masked_customer_is_labelled_masked() {
    let p = serde_json::to_value(patient_of(&customer().masked(), bj01())).unwrap();
    assert_eq!(p["meta"]["security"][0]["code"], "MASKED");
    assert_eq!(p["identifier"][0]["value"], "110***********002X");
    assert_eq!(p["telecom"][0]["value"], "138****5678");
}

#[test]
fn names_split_by_the_surname_rule() {
    let n = |s: &str| {
        let h = human_name(s);
        (h.family, h.given)
    };
    assert_eq!(n("王芳"), (Some("王".into()), vec!["芳".into()]));
    assert_eq!(n("司马相如"), (Some("司马".into()), vec!["相如".into()]));
    assert_eq!(
        n("Anna Maria Li"),
        (Some("Li".into()), vec!["Anna".into(), "Maria".into()])
    );
    assert_eq!(n("王"), (Some("王".into()), vec![]));
}

fn input(v: serde_json::Value) -> PatientInput {
    serde_json::from_value(v).unwrap()
}

#[test]
fn a_patient_reads_into_a_new_customer() {
    let p = new_patient(input(json!({
        "resourceType": "Patient",
        "identifier": [
            {"system": RESIDENT_ID_SYSTEM, "value": "11010519491231002X"},
            {"system": "urn:hcrm:BJ01:card", "value": "C7"},
            {"system": "urn:hcrm:BJ01:his", "value": "P7"}
        ],
        "name": [{"use": "usual", "text": "小王"}, {"use": "official", "family": "王", "given": ["建国"]}],
        "telecom": [{"system": "phone", "value": "+86 138-1234-5678", "use": "mobile"},
                    {"system": "phone", "value": "010-65432100", "use": "home"},
                    {"system": "email", "value": "w@example.com"}],
        "gender": "male", "birthDate": "1949-12-31",
        "address": [{"state": "北京市", "city": "北京市", "district": "朝阳区", "line": ["将台路2号"]}],
        "maritalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-MaritalStatus", "code": "W"}]},
        "managingOrganization": {"identifier": {"system": INSTITUTION_SYSTEM, "value": "BJ01"}},
        "_birthDate": {"extension": []}
    })))
    .unwrap();
    let c = &p.create;
    assert_eq!(c.name, "王建国");
    assert_eq!(c.id_type, Some(IdType::ResidentId));
    assert_eq!(c.id_number.as_deref(), Some("11010519491231002X"));
    assert_eq!(c.card_number.as_deref(), Some("C7"));
    assert_eq!(
        c.external_ids,
        vec![ExternalId {
            system: "his".into(),
            external_id: "P7".into()
        }]
    );
    assert_eq!(c.phones, vec!["13812345678".to_string()]);
    assert_eq!(c.landline.as_deref(), Some("010-65432100"));
    assert_eq!(c.email.as_deref(), Some("w@example.com"));
    assert_eq!(c.gender, Some(Gender::Male));
    assert_eq!(c.birth_date, NaiveDate::from_ymd_opt(1949, 12, 31));
    assert_eq!(c.address.district.as_deref(), Some("朝阳区"));
    assert_eq!(c.address.street.as_deref(), Some("将台路2号"));
    assert_eq!(c.marital_status, Some(MaritalStatus::Widowed));
    assert_eq!(p.institution_code.as_deref(), Some("BJ01"));
    assert_eq!(
        p.system_institutions,
        vec!["BJ01".to_string(), "BJ01".to_string()]
    );
    assert_eq!(
        expression_of(&p, "id_number"),
        "Patient.identifier[0].value"
    );
    assert_eq!(expression_of(&p, "phones[0]"), "Patient.telecom[0].value");
    assert_eq!(
        expression_of(&p, "external_ids[0].external_id"),
        "Patient.identifier[2].value"
    );
    assert_eq!(
        expression_of(&p, "address.district"),
        "Patient.address[0].district"
    );
    assert_eq!(expression_of(&p, "name"), "Patient.name[1]");
}

#[test]
fn what_cannot_be_kept_is_refused_with_its_element() {
    let issues = |v| new_patient(input(v)).unwrap_err();
    let codes = |v| -> Vec<(String, Vec<String>)> {
        issues(v)
            .into_iter()
            .map(|i| (i.details.unwrap().text.unwrap(), i.expression))
            .collect()
    };
    assert_eq!(
        codes(json!({"resourceType": "Patient"})),
        vec![("required".into(), vec!["Patient.name".into()])]
    );
    assert_eq!(
        codes(json!({"resourceType": "Observation", "name": [{"text": "王芳"}]}))[0].0,
        "wrong_resource_type"
    );
    let all = codes(json!({
        "resourceType": "Patient", "name": [{"text": "王芳"}],
        "identifier": [{"system": "http://his.example/ids", "value": "1"}, {"value": "2"}],
        "telecom": [{"system": "fax", "value": "1"}, {"system": "phone"}],
        "gender": "other", "birthDate": "1990-05",
        "modifierExtension": [{"url": "x", "valueBoolean": true}],
        "managingOrganization": {"reference": "Organization/1"}
    }));
    let got: Vec<&str> = all.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(
        got,
        [
            "modifier_extension",
            "unknown_system",
            "required",
            "unknown_telecom",
            "required",
            "unknown_gender",
            "invalid_date",
            "bad_reference"
        ]
    );
    assert_eq!(all[1].1, ["Patient.identifier[0].system"]);
    // An element that is no element of Patient is a structure error of serde.
    assert!(
        serde_json::from_value::<PatientInput>(
            json!({"resourceType": "Patient", "birthdate": "1990-01-01"})
        )
        .is_err()
    );
    assert!(
        serde_json::from_value::<PatientInput>(json!({"resourceType": "Patient", "name": "王芳"}))
            .is_err()
    );
}

fn pairs(q: &[(&str, &str)]) -> Vec<(String, String)> {
    q.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn d(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

#[test]
fn date_prefixes_become_bounds() {
    let b = |v: &str| date_bounds("birthdate", v).map(|b| (b.from, b.to));
    assert_eq!(b("1990"), Ok((d("1990-01-01"), d("1990-12-31"))));
    assert_eq!(b("eq1990-02"), Ok((d("1990-02-01"), d("1990-02-28"))));
    assert_eq!(b("1990-02-03"), Ok((d("1990-02-03"), d("1990-02-03"))));
    assert_eq!(b("lt1990-02"), Ok((None, d("1990-01-31"))));
    assert_eq!(b("eb1990-02"), Ok((None, d("1990-01-31"))));
    assert_eq!(b("le1990-02"), Ok((None, d("1990-02-28"))));
    assert_eq!(b("gt1990-02"), Ok((d("1990-03-01"), None)));
    assert_eq!(b("sa1990"), Ok((d("1991-01-01"), None)));
    assert_eq!(b("ge1990-02-03"), Ok((d("1990-02-03"), None)));
    for bad in [
        "1990-13",
        "1990-02-30",
        "90",
        "abc",
        "xx1990",
        "1990/02/03",
        "1990-2-3",
    ] {
        let e = b(bad).unwrap_err();
        assert_eq!(e.0.code, IssueType::Invalid, "{bad}");
    }
    for unsupported in ["ne1990", "ap1990", "1990-02-03T10:00:00Z"] {
        assert_eq!(
            b(unsupported).unwrap_err().0.code,
            IssueType::NotSupported,
            "{unsupported}"
        );
    }
}

#[test]
fn patient_search_parameters() {
    let s = patient_search(
        &pairs(&[
            (
                "identifier",
                "urn:oid:2.16.156.10011.1.3|11010519491231002x",
            ),
            ("name:contains", "建"),
            ("phone", "+86 138-1234-5678"),
            ("birthdate", "ge1949"),
            ("birthdate", "lt1950"),
            ("_count", "500"),
            ("_offset", "20"),
            ("_sort", "name"),
        ]),
        Handling::Lenient,
    )
    .unwrap();
    assert_eq!(
        s.identifier,
        Some(IdentifierQuery::Document(
            IdType::ResidentId,
            "11010519491231002X".into()
        ))
    );
    assert_eq!(s.name, Some((NameMatch::Contains, "建".into())));
    assert_eq!(s.phone.as_deref(), Some("13812345678"));
    assert_eq!(
        (s.birthdate.from, s.birthdate.to),
        (d("1949-01-01"), d("1949-12-31"))
    );
    assert_eq!(
        s.paging,
        Paging {
            count: MAX_COUNT,
            offset: 20
        }
    );
    // The unknown `_sort` is ignored and left out of the self link.
    assert!(s.used.iter().all(|(k, _)| k != "_sort"));
    let strict = patient_search(&pairs(&[("_sort", "name")]), Handling::Strict).unwrap_err();
    assert_eq!(strict.0.code, IssueType::NotSupported);
    assert_eq!(strict.0.expression, ["_sort"]);

    let id = |v: &str| {
        patient_search(&pairs(&[("identifier", v)]), Handling::Lenient)
            .unwrap()
            .identifier
    };
    assert_eq!(id("P1"), Some(IdentifierQuery::Any("P1".into())));
    assert_eq!(id("|P1"), Some(IdentifierQuery::Any("P1".into())));
    assert_eq!(
        id("urn:hcrm:BJ01:his|P1"),
        Some(IdentifierQuery::External {
            institution: "BJ01".into(),
            system: "his".into(),
            value: "P1".into()
        })
    );
    assert_eq!(
        id("urn:hcrm:BJ01:card|C1"),
        Some(IdentifierQuery::Card {
            institution: "BJ01".into(),
            value: "C1".into()
        })
    );
    assert_eq!(
        id("urn:hcrm:id:passport|E1"),
        Some(IdentifierQuery::Document(IdType::Passport, "E1".into()))
    );
    assert_eq!(id("http://other|1"), Some(IdentifierQuery::Nothing));

    let err = |q: &[(&str, &str)]| patient_search(&pairs(q), Handling::Lenient).unwrap_err().0;
    assert_eq!(err(&[("_count", "x")]).code, IssueType::Invalid);
    assert_eq!(err(&[("_count", "0")]).code, IssueType::Invalid);
    assert_eq!(err(&[("_offset", "10001")]).code, IssueType::Invalid);
    assert_eq!(err(&[("name", &"王".repeat(101))]).code, IssueType::Invalid);
    assert_eq!(err(&[("name", "王,李")]).code, IssueType::NotSupported);
    assert_eq!(
        err(&[("name", "王"), ("name", "李")]).code,
        IssueType::NotSupported
    );
    assert_eq!(err(&[("phone", "abc")]).code, IssueType::Invalid);
    assert_eq!(
        err(&[("identifier", "urn:x|")]).code,
        IssueType::NotSupported
    );
    assert_eq!(err(&[("name", "  ")]).code, IssueType::Invalid);
    assert_eq!(err(&[("name", "王\u{0}")]).code, IssueType::Invalid);
    assert_eq!(
        err(&[("identifier", "a\u{200b}b")]).code,
        IssueType::Invalid
    );
}

#[test]
fn appointment_search_parameters() {
    let id = Uuid::from_u128(7);
    let s = appointment_search(
        &pairs(&[("patient", &format!("Patient/{id}")), ("date", "2026-12")]),
        Handling::Lenient,
    )
    .unwrap();
    assert_eq!(s.patient, Some(id));
    assert_eq!((s.date.from, s.date.to), (d("2026-12-01"), d("2026-12-31")));
    let full = appointment_search(
        &pairs(&[("actor", &format!("https://h/fhir/r4/Patient/{id}"))]),
        Handling::Lenient,
    )
    .unwrap();
    assert_eq!(full.patient, Some(id));
    assert!(appointment_search(&pairs(&[("patient", "Patient/x")]), Handling::Lenient).is_err());
}

#[test]
fn a_searchset_links_its_neighbours() {
    let used = pairs(&[("name", "王 芳")]);
    let page = |offset, total| SearchPage {
        base: "http://h/fhir/r4",
        resource: "Patient",
        used: &used,
        paging: Paging { count: 10, offset },
        total,
    };
    let now = Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap();
    let b = searchset(page(10, 35), vec![("a".to_string(), 1)], "b".into(), now);
    let rel: Vec<(&str, &str)> = b
        .link
        .iter()
        .map(|l| (l.relation.as_str(), l.url.as_str()))
        .collect();
    assert_eq!(
        rel,
        [
            (
                "self",
                "http://h/fhir/r4/Patient?name=%E7%8E%8B%20%E8%8A%B3&_count=10&_offset=10"
            ),
            (
                "next",
                "http://h/fhir/r4/Patient?name=%E7%8E%8B%20%E8%8A%B3&_count=10&_offset=20"
            ),
            (
                "previous",
                "http://h/fhir/r4/Patient?name=%E7%8E%8B%20%E8%8A%B3&_count=10&_offset=0"
            ),
        ]
    );
    assert_eq!(b.entry[0].full_url, "http://h/fhir/r4/Patient/a");
    let last = searchset::<i32>(page(30, 35), vec![], "b".into(), now);
    assert_eq!(
        last.link
            .iter()
            .map(|l| l.relation.as_str())
            .collect::<Vec<_>>(),
        ["self", "previous"]
    );
    let v = serde_json::to_value(&last).unwrap();
    assert!(v.get("entry").is_none(), "no empty array");
    assert_eq!(v["type"], "searchset");
}

#[test]
fn content_negotiation() {
    assert_eq!(negotiate(None, None), Some(FHIR_JSON));
    assert_eq!(
        negotiate(Some("application/fhir+json"), None),
        Some(FHIR_JSON)
    );
    assert_eq!(
        negotiate(Some("application/json"), None),
        Some("application/json")
    );
    assert_eq!(
        negotiate(Some("text/html,application/xhtml+xml,*/*;q=0.8"), None),
        Some(FHIR_JSON)
    );
    assert_eq!(negotiate(Some("application/fhir+xml"), None), None);
    assert_eq!(
        negotiate(Some("application/fhir+json;q=0, text/plain"), None),
        None
    );
    assert_eq!(
        negotiate(Some("application/xml"), Some("json")),
        Some(FHIR_JSON)
    );
    assert_eq!(negotiate(None, Some("xml")), None);
    assert!(is_json_body(Some("application/fhir+json; charset=utf-8")));
    assert!(is_json_body(Some("application/json")));
    assert!(!is_json_body(Some("text/plain")));
    assert!(!is_json_body(None));
    assert_eq!(
        Handling::of(Some("return=minimal, handling=strict")),
        Handling::Strict
    );
    assert_eq!(Handling::of(Some("handling=lenient")), Handling::Lenient);
}

#[test]
fn the_capability_statement_names_what_is_served() {
    let c = serde_json::to_value(capability_statement(
        "http://h/fhir/r4",
        "0.1.0",
        "2026-12-15",
    ))
    .unwrap();
    assert_eq!(c["fhirVersion"], "4.0.1");
    assert_eq!(c["kind"], "instance");
    let types: Vec<&str> = c["rest"][0]["resource"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["Patient", "Appointment"]);
    assert_eq!(c["rest"][0]["resource"][0]["conditionalCreate"], true);
}

#[test]
fn system_parts_round_trip() {
    for s in ["his", "体检 系统", "a:b|c%"] {
        assert_eq!(system_part_decoded(&system_part(s)).as_deref(), Some(s));
    }
    assert_eq!(system_part_decoded("%E4%Z"), None);
}

#[test]
fn an_appointment_maps_status_times_and_participants() {
    use crate::api::appointments::{Appointment as Booking, AppointmentCustomer, ClinicSession};
    use crate::api::org::HalfDay;
    use crate::appointment::{AppointmentKind, AppointmentStatus, SessionOrigin, SessionStatus};
    let at = Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap();
    let day = NaiveDate::from_ymd_opt(2026, 12, 10).unwrap();
    let mut b = Booking {
        id: Uuid::from_u128(3),
        institution_id: Uuid::nil(),
        customer: AppointmentCustomer {
            id: Uuid::from_u128(1),
            name: "王芳".into(),
            kind: CustomerKind::Individual,
        },
        session: ClinicSession {
            id: Uuid::from_u128(2),
            institution_id: Uuid::nil(),
            department_id: None,
            department_name: Some("心内科".into()),
            doctor_id: Some(Uuid::from_u128(4)),
            doctor_name: Some("李建国".into()),
            doctor_title: Some("主任医师".into()),
            resource_id: None,
            resource_name: None,
            date: day,
            half_day: HalfDay::Afternoon,
            capacity: 10,
            booked: 1,
            free: 9,
            status: SessionStatus::Open,
            origin: SessionOrigin::Weekly,
            cancel_reason: None,
            version: 1,
        },
        kind: AppointmentKind::ExpertConsultation,
        places: 1,
        status: AppointmentStatus::Booked,
        note: Some("胸闷两周".into()),
        cancel_reason: None,
        booked_by: None,
        reminded_at: None,
        ended_at: None,
        allowed_actions: vec![],
        version: 2,
        created_at: at,
        updated_at: at,
    };
    let times = session_times(day, HalfDay::Afternoon, "Asia/Shanghai");
    let a = serde_json::to_value(appointment_of(&b, times)).unwrap();
    assert_eq!(a["status"], "booked");
    assert_eq!(a["start"], "2026-12-10T13:30:00+08:00");
    assert_eq!(a["end"], "2026-12-10T17:30:00+08:00");
    assert_eq!(a["serviceType"][0]["text"], "预约专家");
    assert_eq!(
        a["serviceType"][0]["coding"][0]["code"],
        "expert_consultation"
    );
    assert_eq!(a["specialty"][0]["text"], "心内科");
    assert_eq!(a["comment"], "胸闷两周");
    assert_eq!(
        a["participant"][0]["actor"]["reference"],
        format!("Patient/{}", Uuid::from_u128(1))
    );
    assert_eq!(a["participant"][1]["actor"]["display"], "李建国 主任医师");
    assert_eq!(a["participant"][1]["actor"]["type"], "Practitioner");
    let status = |s: AppointmentStatus, b: &mut Booking| {
        b.status = s;
        serde_json::to_value(appointment_of(b, times)).unwrap()
    };
    assert_eq!(
        status(AppointmentStatus::Arrived, &mut b)["status"],
        "arrived"
    );
    assert_eq!(
        status(AppointmentStatus::NoShow, &mut b)["status"],
        "noshow"
    );
    b.cancel_reason = Some("患者出差".into());
    let c = status(AppointmentStatus::Cancelled, &mut b);
    assert_eq!(
        (
            c["status"].as_str(),
            c["cancelationReason"]["text"].as_str()
        ),
        (Some("cancelled"), Some("患者出差"))
    );
    b.session.cancel_reason = Some("外出学术会议".into());
    let r = status(AppointmentStatus::Rebooking, &mut b);
    assert_eq!(r["status"], "cancelled");
    assert_eq!(r["cancelationReason"]["text"], "停诊，待改约：外出学术会议");
    b.customer.kind = CustomerKind::Organization;
    let g = status(AppointmentStatus::Booked, &mut b);
    assert!(g["participant"][0]["actor"].get("reference").is_none());
    let morning = session_times(day, HalfDay::Morning, "Asia/Urumqi");
    assert_eq!(morning.start.to_rfc3339(), "2026-12-10T08:00:00+06:00");
}
