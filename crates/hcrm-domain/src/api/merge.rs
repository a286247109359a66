//! CUS-10: merging duplicates (issue 9 item 11), checking a phone or ID number for
//! duplicates while it is typed (item 8), and an agent's report of a suspected duplicate for
//! a supervisor (item 10).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use uuid::Uuid;
use validator::Validate;

use crate::api::customers::{Customer, DuplicateMatch};
use crate::customer::merge::{MergeField, MergeSide};
use crate::validation;

/// Which duplicate to merge into the customer of the path, and whose value each differing
/// field keeps (CUS-10).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "from_id": "0193a1d2-7c4e-7b10-8000-00000000000f",
    "choices": {"name": "duplicate", "email": "kept"}
})))]
#[serde(deny_unknown_fields)]
pub struct MergeRequest {
    /// The duplicate, merged into the customer of the path and then gone from reads (a read
    /// of it answers 404 `merged` with `merged_into`).
    pub from_id: Uuid,
    /// Per field (`name`, `gender`, `birth_date`, `id_document`, `email`, `address` …, see
    /// `MergeField`): `kept` or `duplicate`. A field not named keeps the kept record's value,
    /// or takes the duplicate's when the kept one is blank.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, MergeSide>))]
    pub choices: BTreeMap<MergeField, MergeSide>,
}

/// What a merge moved, per module, and which fields took the duplicate's value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MergeResult {
    pub customer: Customer,
    /// Records moved from the duplicate, by module (`contacts`, `tags`, …).
    pub moved: BTreeMap<String, usize>,
    /// The fields whose value came from the duplicate.
    #[serde(default)]
    pub fields: Vec<MergeField>,
}

/// A phone or ID number to look up among existing customers while it is typed (CUS-10).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"phones": ["13812345678"], "id_number": "11010519491231002X"})))]
#[serde(deny_unknown_fields)]
pub struct DuplicateCheck {
    #[serde(default)]
    #[validate(length(max = 5), custom(function = "mobiles"))]
    pub phones: Vec<String>,
    #[serde(default)]
    #[validate(length(min = 1, max = 30), custom(function = "validation::line"))]
    pub id_number: Option<String>,
    /// The customer being edited, which is no duplicate of itself.
    #[serde(default)]
    pub exclude_id: Option<Uuid>,
}

fn mobiles(phones: &[String]) -> Result<(), validator::ValidationError> {
    phones.iter().try_for_each(|p| validation::mobile(p))
}

/// The customers a phone or ID number already names (masked).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DuplicateCheckResult {
    pub matches: Vec<DuplicateMatch>,
}

/// An agent's report that another customer may be the same person (issue 9 item 10): a task
/// for the supervisors' queue, who may merge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "other_customer_id": "0193a1d2-7c4e-7b10-8000-00000000000f",
    "note": "同一手机号，姓名同音"
})))]
#[serde(deny_unknown_fields)]
pub struct DuplicateReport {
    pub other_customer_id: Uuid,
    #[serde(default)]
    #[validate(length(max = 1000), custom(function = "validation::multiline"))]
    pub note: Option<String>,
}

/// The supervisors' team queue that duplicate reports go to.
pub const SUPERVISOR_QUEUE: &str = "supervisors";
