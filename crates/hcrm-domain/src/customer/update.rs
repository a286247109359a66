//! The rules of a customer change that need no database (CUS-3, CUS-4, CUS-6, X-13): the
//! identity fields agree on the record as it will be, the stage move is one of the lifecycle's,
//! a customer links to no one as itself, and the form of address follows the record.

use chrono::NaiveDate;
use uuid::Uuid;

use crate::api::FieldError;
use crate::api::customers::{Customer, CustomerUpdate, consistency};
use crate::customer::{CustomerKind, Gender, age_on, form_of_address};
use crate::{Lang, Lifecycle, PermissionSet};

/// Why a change was refused.
#[derive(Debug, Clone)]
pub enum UpdateRefused {
    /// The identity fields disagree (validator's errors, as a create reports them).
    Consistency(validator::ValidationErrors),
    Fields(Vec<FieldError>),
}

fn field(field: &str, code: &str, message: &str) -> UpdateRefused {
    UpdateRefused::Fields(vec![FieldError {
        field: field.to_string(),
        code: code.to_string(),
        message: message.to_string(),
    }])
}

/// Checks `u` against `current` (customer `id`) for a caller holding `permissions`.
pub fn check_update(
    id: Uuid,
    current: &Customer,
    u: &CustomerUpdate,
    permissions: &PermissionSet,
) -> Result<(), UpdateRefused> {
    if u.id_number.is_some()
        || u.birth_date.is_some()
        || u.gender.is_some()
        || u.id_type.is_some()
        || u.uscc.is_some()
    {
        let id_number = u.id_number.clone().unwrap_or(current.id_number.clone());
        let uscc = u.uscc.clone().unwrap_or(current.uscc.clone());
        if let Err(e) = consistency(
            current.kind,
            u.id_type.unwrap_or(current.id_type),
            id_number.as_deref(),
            u.birth_date.unwrap_or(current.birth_date),
            u.gender.unwrap_or(current.gender),
            uscc.as_deref(),
        ) {
            let mut errors = validator::ValidationErrors::new();
            errors.add("__all__", e);
            return Err(UpdateRefused::Consistency(errors));
        }
    }
    if let Some(stage) = u.lifecycle_stage {
        current
            .lifecycle_stage
            .check_move(stage, permissions)
            .map_err(|e| UpdateRefused::Fields(vec![e.field_error("lifecycle_stage")]))?;
    }
    if u.employer_id == Some(Some(id)) || u.referred_by_id == Some(Some(id)) {
        return Err(field(
            "employer_id",
            "self",
            "a customer cannot link to itself",
        ));
    }
    Ok(())
}

/// The derived form of address on `today`; an organization is addressed by its name.
pub fn derived_address(
    kind: CustomerKind,
    name: &str,
    gender: Option<Gender>,
    birth: Option<NaiveDate>,
    occupation: Option<&str>,
    today: NaiveDate,
) -> String {
    if kind == CustomerKind::Organization {
        return name.trim().to_string();
    }
    let age = birth.map(|b| age_on(b, today));
    form_of_address(name, gender, age, occupation, Lang::Zh)
}

/// The form of address after `u` and whether it is set by hand: one given is kept,
/// `null` derives it again, and a derived one follows the name, gender, age and occupation.
pub fn form_of_address_after(
    current: &Customer,
    u: &CustomerUpdate,
    today: NaiveDate,
) -> (String, bool) {
    let derive = || {
        let name = u.name.clone().unwrap_or_else(|| current.name.clone());
        let occupation = u.occupation.clone().unwrap_or(current.occupation.clone());
        derived_address(
            current.kind,
            &name,
            u.gender.unwrap_or(current.gender),
            u.birth_date.unwrap_or(current.birth_date),
            occupation.as_deref(),
            today,
        )
    };
    match &u.form_of_address {
        Some(Some(given)) => (given.trim().to_string(), true),
        Some(None) => (derive(), false),
        None if current.form_of_address_custom => (current.form_of_address.clone(), true),
        None => (derive(), false),
    }
}
