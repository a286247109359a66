//! The customer archive's API shapes (CUS-1 … CUS-13). Personal numbers in responses are
//! masked unless the caller holds `pii.read`; `masked` says which.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use validator::{Validate, ValidationError};

use crate::api::double_option;
use crate::customer::kinds::{
    ContactChannel, CustomerCategory, CustomerKind, Education, Gender, IdType, LifecycleStage,
    MaritalStatus, PreferredLanguage, RelationshipType, SourceChannel,
};
use crate::validation;

pub use super::merge::{MergeRequest, MergeResult};

/// How many matches a customer search counts before it says "200+" (`total_capped`): a
/// broad search then costs what its page costs (CUS-9, PERF-1).
pub const COUNT_CAP: i64 = 200;

/// An id of the customer in another system (HIS patient id, card system …).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ExternalId {
    /// The system: `his`, `pacs`, `wechat` …
    #[validate(length(min = 1, max = 30), custom(function = "validation::line"))]
    #[cfg_attr(feature = "openapi", schema(example = "his"))]
    pub system: String,
    #[validate(length(min = 1, max = 64), custom(function = "validation::line"))]
    #[cfg_attr(feature = "openapi", schema(example = "P20261125001"))]
    pub external_id: String,
}

/// Province, city and district are names of the GB/T 2260 table (`GET /divisions`; issue 9
/// item 7), each under the level above when that is given (`division_unknown`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[validate(schema(function = "check_division", skip_on_field_errors = true))]
pub struct Address {
    #[serde(default)]
    #[validate(length(max = 30), custom(function = "validation::line"))]
    #[cfg_attr(feature = "openapi", schema(example = "北京市"))]
    pub province: Option<String>,
    #[serde(default)]
    #[validate(length(max = 30), custom(function = "validation::line"))]
    #[cfg_attr(feature = "openapi", schema(example = "北京市"))]
    pub city: Option<String>,
    #[serde(default)]
    #[validate(length(max = 30), custom(function = "validation::line"))]
    #[cfg_attr(feature = "openapi", schema(example = "朝阳区"))]
    pub district: Option<String>,
    #[serde(default)]
    #[validate(length(max = 200), custom(function = "validation::line"))]
    #[cfg_attr(feature = "openapi", schema(example = "将台路2号"))]
    pub street: Option<String>,
}

fn check_division(a: &Address) -> Result<(), ValidationError> {
    crate::customer::division::check_address(
        a.province.as_deref(),
        a.city.as_deref(),
        a.district.as_deref(),
    )
    .map_err(|e| {
        field_error(
            e.field,
            "division_unknown",
            "not a province, city or district of the division table (under the level above)",
        )
    })
}

/// 客户档案 — one customer, as the 360 page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Customer {
    pub id: Uuid,
    pub institution_id: Uuid,
    pub kind: CustomerKind,
    #[cfg_attr(feature = "openapi", schema(example = "王建国"))]
    pub name: String,
    pub gender: Option<Gender>,
    pub birth_date: Option<NaiveDate>,
    /// Derived from the birth date, in the institution's time zone.
    pub age: Option<u32>,
    pub id_type: Option<IdType>,
    /// Masked (`110***********1234`) unless `masked` is false.
    pub id_number: Option<String>,
    /// 就诊卡号 / 会员卡号
    pub card_number: Option<String>,
    /// Mobile numbers, the first the primary one; masked (`138****5678`) unless `masked` is false.
    pub phones: Vec<String>,
    pub landline: Option<String>,
    pub wechat: Option<String>,
    pub qq: Option<String>,
    pub email: Option<String>,
    pub address: Address,
    pub occupation: Option<String>,
    /// The organization customer the person works for.
    pub employer_id: Option<Uuid>,
    /// The employer's name, to show without reading that customer.
    #[serde(default)]
    pub employer_name: Option<String>,
    pub education: Option<Education>,
    pub marital_status: Option<MaritalStatus>,
    pub family_situation: Option<String>,
    /// 尊称: derived from surname, gender, age and occupation unless set by hand.
    #[cfg_attr(feature = "openapi", schema(example = "王大爷"))]
    pub form_of_address: String,
    pub form_of_address_custom: bool,
    pub preferred_language: Option<PreferredLanguage>,
    pub preferred_channel: Option<ContactChannel>,
    pub preferred_hours: Option<String>,
    pub source_channel: Option<SourceChannel>,
    pub source_detail: Option<String>,
    pub referred_by_id: Option<Uuid>,
    /// The referrer's name, to show without reading that customer.
    #[serde(default)]
    pub referred_by_name: Option<String>,
    /// Departments and hospital types of interest.
    pub interests: Vec<String>,
    pub categories: Vec<CustomerCategory>,
    pub tags: Vec<String>,
    pub lifecycle_stage: LifecycleStage,
    pub relationship_type: Option<RelationshipType>,
    pub account_manager_id: Option<Uuid>,
    /// The account manager's display name, to show without a lookup.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "张敏"))]
    pub account_manager_name: Option<String>,
    pub notes: Option<String>,
    /// Organizations: unified social credit code.
    pub uscc: Option<String>,
    pub industry: Option<String>,
    pub org_size: Option<String>,
    pub external_ids: Vec<ExternalId>,
    /// True when personal numbers are masked for this caller.
    pub masked: bool,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One row of a customer list or search result; numbers always masked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomerSummary {
    pub id: Uuid,
    pub institution_id: Uuid,
    pub kind: CustomerKind,
    #[cfg_attr(feature = "openapi", schema(example = "王建国"))]
    pub name: String,
    pub gender: Option<Gender>,
    pub age: Option<u32>,
    #[cfg_attr(feature = "openapi", schema(example = "138****5678"))]
    pub phone: Option<String>,
    #[cfg_attr(feature = "openapi", schema(example = "110***********1234"))]
    pub id_number: Option<String>,
    pub card_number: Option<String>,
    #[cfg_attr(feature = "openapi", schema(example = "王大爷"))]
    pub form_of_address: String,
    pub lifecycle_stage: LifecycleStage,
    pub tags: Vec<String>,
    pub account_manager_id: Option<Uuid>,
}

impl CustomerCreate {
    /// A new individual known only by name, every other field blank: the one place the blank
    /// record is written out (intake, import rows and HIS patients start from it).
    pub fn individual(name: String) -> CustomerCreate {
        CustomerCreate {
            institution_id: None,
            kind: CustomerKind::Individual,
            name,
            gender: None,
            birth_date: None,
            id_type: None,
            id_number: None,
            card_number: None,
            phones: Vec::new(),
            landline: None,
            wechat: None,
            qq: None,
            email: None,
            address: Address::default(),
            occupation: None,
            employer_id: None,
            education: None,
            marital_status: None,
            family_situation: None,
            form_of_address: None,
            preferred_language: None,
            preferred_channel: None,
            preferred_hours: None,
            source_channel: None,
            source_detail: None,
            referred_by_id: None,
            interests: Vec::new(),
            categories: Vec::new(),
            tags: Vec::new(),
            lifecycle_stage: None,
            relationship_type: None,
            account_manager_id: None,
            notes: None,
            uscc: None,
            industry: None,
            org_size: None,
            external_ids: Vec::new(),
        }
    }

    /// A new potential customer (CUS-3) known only by name and number: the caller nobody
    /// has on file, created from the agent console's phone box (SVC-1).
    pub fn potential(name: String, phone: String) -> CustomerCreate {
        CustomerCreate {
            phones: vec![phone],
            lifecycle_stage: Some(LifecycleStage::Potential),
            ..CustomerCreate::individual(name)
        }
    }
}

fn check_create(c: &CustomerCreate) -> Result<(), ValidationError> {
    consistency(
        c.kind,
        c.id_type,
        c.id_number.as_deref(),
        c.birth_date,
        c.gender,
        c.uscc.as_deref(),
    )
}

/// CUS-4/CUS-6 rules that span fields: a resident ID number must be valid and agree with
/// the birth date and gender when those are given; only organizations have a USCC, and theirs
/// must be valid.
pub fn consistency(
    kind: CustomerKind,
    id_type: Option<IdType>,
    id_number: Option<&str>,
    birth_date: Option<NaiveDate>,
    gender: Option<Gender>,
    uscc: Option<&str>,
) -> Result<(), ValidationError> {
    let err = |field: &'static str, code: &'static str, message: &'static str| {
        Err(field_error(field, code, message))
    };
    if let Some(n) = id_number {
        if id_type.unwrap_or(IdType::ResidentId) == IdType::ResidentId {
            let today = chrono::Utc::now().date_naive();
            match crate::customer::id_number::parse_resident_id(n, today) {
                Err(e) => return Err(field_error("id_number", e.code(), e.message())),
                Ok(id) => {
                    if birth_date.is_some_and(|b| b != id.birth_date) {
                        return err(
                            "birth_date",
                            "id_birth_date_mismatch",
                            "the birth date differs from the one in the ID number",
                        );
                    }
                    if gender.is_some_and(|g| g != Gender::Unknown && g != id.gender) {
                        return err(
                            "gender",
                            "id_gender_mismatch",
                            "the gender differs from the one in the ID number",
                        );
                    }
                }
            }
        } else if !(3..=30).contains(&n.trim().len()) {
            return err(
                "id_number",
                "id_length",
                "a document number has 3 to 30 characters",
            );
        }
    }
    if let Some(code) = uscc {
        if kind != CustomerKind::Organization {
            return err(
                "uscc",
                "uscc_individual",
                "only organizations have a unified social credit code",
            );
        }
        if let Err(e) = crate::customer::uscc::validate_uscc(code) {
            return Err(field_error("uscc", e.code(), e.message()));
        }
    }
    Ok(())
}

/// A caller not yet in the archive, named in the same request as the work about them (a
/// complaint's intake, a consultation): created as a potential customer in that request's
/// transaction. The API refuses a mobile that is a customer's already (409
/// `possible_duplicate`): the agent picks the customer found instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewPotentialCustomer {
    #[validate(
        length(min = 1, max = 100),
        custom(function = "validation::not_blank"),
        custom(function = "validation::line")
    )]
    #[cfg_attr(feature = "openapi", schema(example = "王女士"))]
    pub name: String,
    #[validate(custom(function = "validation::mobile"))]
    #[cfg_attr(feature = "openapi", schema(example = "13800138000"))]
    pub mobile: String,
}

/// A struct-level error that names the field it is about (the API reports it on that field).
pub fn field_error(
    field: &'static str,
    code: &'static str,
    message: &'static str,
) -> ValidationError {
    let mut e = ValidationError::new(code);
    e.message = Some(message.into());
    e.add_param("field".into(), &field);
    e
}

fn mobiles(phones: &[String]) -> Result<(), ValidationError> {
    phones.iter().try_for_each(|p| validation::mobile(p))
}

/// Tags: 1–20 characters each, under the one-line text rule (lists join a customer's tags
/// with a separator, and a tag of only invisible characters would be an empty tag).
fn valid_tags(tags: &[String]) -> Result<(), ValidationError> {
    if tags.iter().all(|t| {
        (1..=20).contains(&t.trim().chars().count())
            && validation::line(t).is_ok()
            && !validation::is_blank(t)
    }) {
        Ok(())
    } else {
        let mut e = ValidationError::new("tag");
        e.message = Some(
            "each tag has 1 to 20 characters, none of them control or invisible characters".into(),
        );
        Err(e)
    }
}

/// A new customer. `confirm_duplicate=true` in the query creates it even when the phone or
/// ID number matches an existing customer (CUS-10).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "kind": "individual", "name": "王建国", "gender": "male", "birth_date": "1949-12-31",
    "id_type": "resident_id", "id_number": "11010519491231002X", "phones": ["13812345678"],
    "address": {"province": "北京市", "city": "北京市", "district": "朝阳区"},
    "occupation": "退休教师", "education": "bachelor", "marital_status": "married",
    "preferred_language": "zh", "preferred_channel": "wechat",
    "categories": ["outpatient"], "tags": ["高血压"],
    "source_channel": "referral", "external_ids": [{"system": "his", "external_id": "P20261125001"}]
})))]
#[serde(deny_unknown_fields)]
#[validate(schema(function = "check_create", skip_on_field_errors = false))]
pub struct CustomerCreate {
    /// Defaults to the caller's institution when they have exactly one.
    #[serde(default)]
    pub institution_id: Option<Uuid>,
    pub kind: CustomerKind,
    #[validate(
        length(min = 1, max = 100),
        custom(function = "validation::not_blank"),
        custom(function = "validation::line")
    )]
    pub name: String,
    #[serde(default)]
    pub gender: Option<Gender>,
    #[serde(default)]
    pub birth_date: Option<NaiveDate>,
    #[serde(default)]
    pub id_type: Option<IdType>,
    #[serde(default)]
    #[validate(length(max = 30), custom(function = "validation::line"))]
    pub id_number: Option<String>,
    #[serde(default)]
    #[validate(length(min = 1, max = 30), custom(function = "validation::line"))]
    pub card_number: Option<String>,
    #[serde(default)]
    #[validate(length(max = 5), custom(function = "mobiles"))]
    pub phones: Vec<String>,
    #[serde(default)]
    #[validate(custom(function = "validation::phone"))]
    pub landline: Option<String>,
    #[serde(default)]
    #[validate(length(max = 50), custom(function = "validation::line"))]
    pub wechat: Option<String>,
    #[serde(default)]
    #[validate(length(max = 20), custom(function = "validation::line"))]
    pub qq: Option<String>,
    #[serde(default)]
    #[validate(email, length(max = 100), custom(function = "validation::line"))]
    pub email: Option<String>,
    #[serde(default)]
    #[validate(nested)]
    pub address: Address,
    #[serde(default)]
    #[validate(length(max = 50), custom(function = "validation::line"))]
    pub occupation: Option<String>,
    #[serde(default)]
    pub employer_id: Option<Uuid>,
    #[serde(default)]
    pub education: Option<Education>,
    #[serde(default)]
    pub marital_status: Option<MaritalStatus>,
    #[serde(default)]
    #[validate(length(max = 500), custom(function = "validation::multiline"))]
    pub family_situation: Option<String>,
    /// Set by hand; otherwise derived.
    #[serde(default)]
    #[validate(length(min = 1, max = 30), custom(function = "validation::line"))]
    pub form_of_address: Option<String>,
    #[serde(default)]
    pub preferred_language: Option<PreferredLanguage>,
    /// How to reach the customer: one of the contact channels.
    #[serde(default)]
    pub preferred_channel: Option<ContactChannel>,
    #[serde(default)]
    #[validate(length(max = 50), custom(function = "validation::line"))]
    pub preferred_hours: Option<String>,
    #[serde(default)]
    pub source_channel: Option<SourceChannel>,
    #[serde(default)]
    #[validate(length(max = 200), custom(function = "validation::line"))]
    pub source_detail: Option<String>,
    #[serde(default)]
    pub referred_by_id: Option<Uuid>,
    #[serde(default)]
    #[validate(length(max = 20), custom(function = "validation::lines"))]
    pub interests: Vec<String>,
    #[serde(default)]
    #[validate(length(max = 6))]
    pub categories: Vec<CustomerCategory>,
    #[serde(default)]
    #[validate(length(max = 30), custom(function = "valid_tags"))]
    pub tags: Vec<String>,
    /// Defaults to `potential`.
    #[serde(default)]
    pub lifecycle_stage: Option<LifecycleStage>,
    #[serde(default)]
    pub relationship_type: Option<RelationshipType>,
    #[serde(default)]
    pub account_manager_id: Option<Uuid>,
    #[serde(default)]
    #[validate(length(max = 2000), custom(function = "validation::multiline"))]
    pub notes: Option<String>,
    #[serde(default)]
    #[validate(length(max = 18), custom(function = "validation::line"))]
    pub uscc: Option<String>,
    #[serde(default)]
    #[validate(length(max = 50), custom(function = "validation::line"))]
    pub industry: Option<String>,
    #[serde(default)]
    #[validate(length(max = 30), custom(function = "validation::line"))]
    pub org_size: Option<String>,
    #[serde(default)]
    #[validate(length(max = 10), nested)]
    pub external_ids: Vec<ExternalId>,
}

/// Changes to a customer; absent fields stay, `null` clears. Lists replace the whole list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"phones": ["13812345678", "13987654321"], "lifecycle_stage": "current", "stage_reason": "首次就诊", "tags": ["高血压", "VIP候选"]})))]
#[serde(deny_unknown_fields)]
pub struct CustomerUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(
        length(min = 1, max = 100),
        custom(function = "validation::not_blank"),
        custom(function = "validation::line")
    )]
    pub name: Option<String>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub gender: Option<Option<Gender>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub birth_date: Option<Option<NaiveDate>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub id_type: Option<Option<IdType>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(length(max = 30), custom(function = "validation::line"))]
    pub id_number: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(length(min = 1, max = 30), custom(function = "validation::line"))]
    pub card_number: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 5), custom(function = "mobiles"))]
    pub phones: Option<Vec<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(custom(function = "validation::phone"))]
    pub landline: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(length(max = 50), custom(function = "validation::line"))]
    pub wechat: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(length(max = 20), custom(function = "validation::line"))]
    pub qq: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(email, length(max = 100), custom(function = "validation::line"))]
    pub email: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(nested)]
    pub address: Option<Address>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(length(max = 50), custom(function = "validation::line"))]
    pub occupation: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub employer_id: Option<Option<Uuid>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub education: Option<Option<Education>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub marital_status: Option<Option<MaritalStatus>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(length(max = 500), custom(function = "validation::multiline"))]
    pub family_situation: Option<Option<String>>,
    /// A value sets it by hand; `null` goes back to the derived form.
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(length(min = 1, max = 30), custom(function = "validation::line"))]
    pub form_of_address: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub preferred_language: Option<Option<PreferredLanguage>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub preferred_channel: Option<Option<ContactChannel>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(length(max = 50), custom(function = "validation::line"))]
    pub preferred_hours: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub source_channel: Option<Option<SourceChannel>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(length(max = 200), custom(function = "validation::line"))]
    pub source_detail: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub referred_by_id: Option<Option<Uuid>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 20), custom(function = "validation::lines"))]
    pub interests: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 6))]
    pub categories: Option<Vec<CustomerCategory>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 30), custom(function = "valid_tags"))]
    pub tags: Option<Vec<String>>,
    /// A new stage is recorded in the stage history (CUS-3) with `stage_reason`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifecycle_stage: Option<LifecycleStage>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 200), custom(function = "validation::line"))]
    pub stage_reason: Option<String>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub relationship_type: Option<Option<RelationshipType>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub account_manager_id: Option<Option<Uuid>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(length(max = 2000), custom(function = "validation::multiline"))]
    pub notes: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(length(max = 18), custom(function = "validation::line"))]
    pub uscc: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(length(max = 50), custom(function = "validation::line"))]
    pub industry: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(length(max = 30), custom(function = "validation::line"))]
    pub org_size: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 10), nested)]
    pub external_ids: Option<Vec<ExternalId>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i32>,
}

/// One entry of the lifecycle stage history (CUS-3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StageChange {
    pub from_stage: Option<LifecycleStage>,
    pub to_stage: LifecycleStage,
    pub reason: Option<String>,
    pub changed_by: Option<Uuid>,
    pub changed_at: DateTime<Utc>,
}

/// An existing customer that a new one may duplicate (CUS-10), in a 409 problem.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DuplicateMatch {
    pub customer: CustomerSummary,
    /// What matched: `phone`, `id_number`.
    pub matched_on: Vec<String>,
}

impl Customer {
    /// the record as seen without `pii.read`.
    pub fn masked(mut self) -> Customer {
        use crate::customer::{mask_id_number, mask_phone};
        self.id_number = self.id_number.as_deref().map(mask_id_number);
        self.phones = self.phones.iter().map(|p| mask_phone(p)).collect();
        self.landline = self.landline.as_deref().map(mask_phone);
        self.masked = true;
        self
    }
}

impl CustomerSummary {
    /// lists always show masked numbers.
    pub fn masked(mut self) -> CustomerSummary {
        use crate::customer::{mask_id_number, mask_phone};
        self.id_number = self.id_number.as_deref().map(mask_id_number);
        self.phone = self.phone.as_deref().map(mask_phone);
        self
    }
}

#[cfg(test)]
#[path = "customers_tests.rs"]
mod tests;
