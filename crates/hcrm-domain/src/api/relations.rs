//! 客户关系 — CUS-7: links between customers (family, friends, employment, referral), stored
//! once and shown from both sides.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use validator::Validate;

use crate::customer::kinds::{CustomerKind, RelationKind};
use crate::validation;

/// One relation as a customer's page shows it: the other customer and what this customer is
/// to them. The same link appears on the other customer's page with the inverse kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Relation {
    /// The relation's id (for deleting it); the same from both sides.
    pub id: Uuid,
    /// The other customer.
    pub other_id: Uuid,
    #[cfg_attr(feature = "openapi", schema(example = "王小明"))]
    pub other_name: String,
    #[cfg_attr(feature = "openapi", schema(example = "王先生"))]
    pub other_form_of_address: String,
    pub other_kind: CustomerKind,
    /// What this customer is to the other one: `parent` — this customer is the other's
    /// parent; `employee_of` — this customer works for the other (an organization).
    pub kind: RelationKind,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A new relation from the customer of the path to `to_id`, read "this customer is the
/// ⟨kind⟩ of `to_id`".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "to_id": "0193a1d2-7c4e-7b10-8000-00000000000f", "kind": "parent", "note": "儿子，在外地工作"
})))]
#[serde(deny_unknown_fields)]
pub struct RelationCreate {
    /// The other customer, live and in the caller's institutions.
    pub to_id: Uuid,
    /// What the customer of the path is to `to_id`.
    pub kind: RelationKind,
    #[serde(default)]
    #[validate(length(max = 500), custom(function = "validation::multiline"))]
    pub note: Option<String>,
}
