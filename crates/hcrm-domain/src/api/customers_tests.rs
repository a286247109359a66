//! Unit tests of the customer DTOs' rules (`customers.rs`).
use super::*;

fn create(json: serde_json::Value) -> CustomerCreate {
    serde_json::from_value(json).unwrap()
}

fn fields(c: &CustomerCreate) -> Vec<(String, String)> {
    let Err(errors) = c.validate() else {
        return vec![];
    };
    let mut out = Vec::new();
    for (field, kind) in errors.into_errors() {
        if let validator::ValidationErrorsKind::Field(list) = kind {
            for e in list {
                let f = e
                    .params
                    .get("field")
                    .and_then(|v| v.as_str())
                    .map_or(field.to_string(), str::to_string);
                out.push((f, e.code.to_string()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn resident_id_must_be_valid_and_agree_with_birth_date_and_gender() {
    let ok = create(
        serde_json::json!({"kind": "individual", "name": "王建国", "id_number": "11010519491231002x", "gender": "female", "birth_date": "1949-12-31"}),
    );
    assert_eq!(fields(&ok), vec![]);
    let bad_sum = create(
        serde_json::json!({"kind": "individual", "name": "王", "id_number": "110105194912310021"}),
    );
    assert_eq!(
        fields(&bad_sum),
        vec![("id_number".into(), "id_checksum".into())]
    );
    let other_day = create(
        serde_json::json!({"kind": "individual", "name": "王", "id_number": "11010519491231002X", "birth_date": "1950-01-01"}),
    );
    assert_eq!(
        fields(&other_day),
        vec![("birth_date".into(), "id_birth_date_mismatch".into())]
    );
    let other_gender = create(
        serde_json::json!({"kind": "individual", "name": "王", "id_number": "11010519491231002X", "gender": "male"}),
    );
    assert_eq!(
        fields(&other_gender),
        vec![("gender".into(), "id_gender_mismatch".into())]
    );
    let passport = create(
        serde_json::json!({"kind": "individual", "name": "John Smith", "id_type": "passport", "id_number": "E12345678"}),
    );
    assert_eq!(fields(&passport), vec![]);
}

#[test]
fn uscc_only_for_valid_organizations_and_phones_email_checked() {
    let org = create(
        serde_json::json!({"kind": "organization", "name": "某某科技有限公司", "uscc": "91350100M000100Y43"}),
    );
    assert_eq!(fields(&org), vec![]);
    let bad = create(
        serde_json::json!({"kind": "organization", "name": "某公司", "uscc": "91350100M000100Y44"}),
    );
    assert_eq!(fields(&bad), vec![("uscc".into(), "uscc_checksum".into())]);
    let person = create(
        serde_json::json!({"kind": "individual", "name": "王", "uscc": "91350100M000100Y43"}),
    );
    assert_eq!(
        fields(&person),
        vec![("uscc".into(), "uscc_individual".into())]
    );
    let contact = create(
        serde_json::json!({"kind": "individual", "name": "王", "phones": ["12345678901"], "email": "not-mail"}),
    );
    assert_eq!(
        fields(&contact),
        vec![
            ("email".into(), "email".into()),
            ("phones".into(), "mobile".into())
        ]
    );
}

#[test]
fn masking_hides_numbers() {
    let s = CustomerSummary {
        id: Uuid::nil(),
        institution_id: Uuid::nil(),
        kind: CustomerKind::Individual,
        name: "王建国".into(),
        gender: None,
        age: None,
        phone: Some("13812345678".into()),
        id_number: Some("11010519491231002X".into()),
        card_number: None,
        form_of_address: "王大爷".into(),
        lifecycle_stage: LifecycleStage::Potential,
        tags: vec![],
        account_manager_id: None,
    }
    .masked();
    assert_eq!(s.phone.as_deref(), Some("138****5678"));
    assert_eq!(s.id_number.as_deref(), Some("110***********002X"));
}
