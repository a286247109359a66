//! Test records shared by the crate's unit tests.

use crate::api::customers::Customer;

/// A blank individual customer (王芳, potential, version 1) with the fields of `json` set.
pub(crate) fn customer(json: serde_json::Value) -> Customer {
    let mut base = serde_json::from_str::<serde_json::Value>(
        r#"{
            "id": "01a213bd-9855-7399-80ae-bf4dd6a21692",
            "institution_id": "01a213bd-9855-7399-80ae-bf4dd6a21692",
            "kind": "individual", "name": "王芳", "gender": null, "birth_date": null,
            "age": null, "id_type": null, "id_number": null, "card_number": null,
            "phones": [], "landline": null, "wechat": null, "qq": null,
            "email": null, "address": {}, "occupation": null, "employer_id": null,
            "education": null, "marital_status": null, "family_situation": null,
            "form_of_address": "王女士", "form_of_address_custom": false,
            "preferred_language": null, "preferred_channel": null, "preferred_hours": null,
            "source_channel": null, "source_detail": null, "referred_by_id": null,
            "interests": [], "categories": [], "tags": [],
            "lifecycle_stage": "potential", "relationship_type": null,
            "account_manager_id": null, "notes": null, "uscc": null, "industry": null,
            "org_size": null, "external_ids": [], "masked": false, "version": 1,
            "created_at": "2026-11-25T08:00:00Z", "updated_at": "2026-11-25T08:00:00Z"
        }"#,
    )
    .unwrap();
    for (k, v) in json.as_object().unwrap() {
        base[k] = v.clone();
    }
    serde_json::from_value(base).unwrap()
}
