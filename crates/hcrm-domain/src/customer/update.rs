//! The rules of a customer change that need no database (CUS-3, CUS-4, CUS-6, X-13): the
//! identity fields agree on the record as it will be, the stage move is one of the lifecycle's,
//! a customer links to no one as itself, and the form of address follows the record.

use chrono::NaiveDate;
use uuid::Uuid;

use crate::api::FieldError;
use crate::api::customers::{Customer, CustomerCreate, CustomerUpdate, consistency};
use crate::customer::{CustomerKind, Gender, IdType, age_on, form_of_address, parse_resident_id};
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

/// Issue 9 item 6 (CUS-4): what a valid resident ID number of an individual says about a
/// record's blank gender and birth date. The number is the authority: a gender that is
/// absent or `unknown` and an absent birth date take the number's; given ones are left alone
/// (`consistency` has refused those that disagree). `None` for each field that stays as it is.
pub fn identity_from_id(
    kind: CustomerKind,
    id_type: Option<IdType>,
    id_number: Option<&str>,
    gender: Option<Gender>,
    birth_date: Option<NaiveDate>,
    today: NaiveDate,
) -> (Option<Gender>, Option<NaiveDate>) {
    if kind != CustomerKind::Individual
        || id_type.unwrap_or(IdType::ResidentId) != IdType::ResidentId
    {
        return (None, None);
    }
    let Some(id) = id_number.and_then(|n| parse_resident_id(n, today).ok()) else {
        return (None, None);
    };
    let gender = matches!(gender, None | Some(Gender::Unknown)).then_some(id.gender);
    let birth = birth_date.is_none().then_some(id.birth_date);
    (gender, birth)
}

/// A new customer with the gender and birth date its resident ID number gives (the server
/// derives them as the web form does; issue 9 item 6).
pub fn create_from_id(x: &CustomerCreate, today: NaiveDate) -> CustomerCreate {
    let mut x = x.clone();
    let (gender, birth) = identity_from_id(
        x.kind,
        x.id_type,
        x.id_number.as_deref(),
        x.gender,
        x.birth_date,
        today,
    );
    if let Some(g) = gender {
        x.gender = Some(g);
    }
    if let Some(b) = birth {
        x.birth_date = Some(b);
    }
    x
}

/// A change with the gender and birth date the record's resident ID number gives when the
/// record as it will be has none (issue 9 item 6): also fills them on an older record that
/// lacks them whenever it is changed.
pub fn update_from_id(current: &Customer, u: &CustomerUpdate, today: NaiveDate) -> CustomerUpdate {
    let mut u = u.clone();
    let id_number = u.id_number.clone().unwrap_or(current.id_number.clone());
    let (gender, birth) = identity_from_id(
        current.kind,
        u.id_type.unwrap_or(current.id_type),
        id_number.as_deref(),
        u.gender.unwrap_or(current.gender),
        u.birth_date.unwrap_or(current.birth_date),
        today,
    );
    if let Some(g) = gender {
        u.gender = Some(Some(g));
    }
    if let Some(b) = birth {
        u.birth_date = Some(Some(b));
    }
    u
}

#[cfg(test)]
mod tests {
    use super::*;
    use Gender::{Female as F, Male as M, Unknown as U};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// (kind, id type, number, gender given, birth given) → (gender filled, birth filled)
    #[test]
    fn a_valid_resident_id_fills_blank_gender_and_birth_date() {
        use CustomerKind::{Individual as P, Organization as O};
        let today = d(2026, 12, 6);
        let woman = Some("11010519491231002X");
        let man = Some("110105199003070017");
        type Row = (
            CustomerKind,
            Option<IdType>,
            Option<&'static str>,
            Option<Gender>,
            Option<NaiveDate>,
            (Option<Gender>, Option<NaiveDate>),
        );
        let table: [Row; 11] = [
            (P, None, woman, None, None, (Some(F), Some(d(1949, 12, 31)))),
            (
                P,
                Some(IdType::ResidentId),
                man,
                None,
                None,
                (Some(M), Some(d(1990, 3, 7))),
            ),
            // `unknown` is no gender: the number's wins.
            (P, None, man, Some(U), None, (Some(M), Some(d(1990, 3, 7)))),
            // Given values stay.
            (P, None, man, Some(M), None, (None, Some(d(1990, 3, 7)))),
            (P, None, man, None, Some(d(1990, 3, 7)), (Some(M), None)),
            (P, None, man, Some(M), Some(d(1990, 3, 7)), (None, None)),
            // Not a resident ID, not valid, none, or an organization: nothing.
            (P, Some(IdType::Passport), man, None, None, (None, None)),
            (
                P,
                None,
                Some("110105199003070018"),
                None,
                None,
                (None, None),
            ),
            (P, None, Some("1101051990"), None, None, (None, None)),
            (P, None, None, None, None, (None, None)),
            (O, None, man, None, None, (None, None)),
        ];
        for (kind, id_type, number, gender, birth, expected) in table {
            assert_eq!(
                identity_from_id(kind, id_type, number, gender, birth, today),
                expected,
                "{kind} {id_type:?} {number:?} {gender:?} {birth:?}"
            );
        }
    }

    #[test]
    fn create_and_update_are_filled() {
        let today = d(2026, 12, 6);
        let x: CustomerCreate = serde_json::from_value(serde_json::json!({
            "kind": "individual", "name": "韩梅", "id_number": "110105199003070017"
        }))
        .unwrap();
        let filled = create_from_id(&x, today);
        assert_eq!(filled.gender, Some(M));
        assert_eq!(filled.birth_date, Some(d(1990, 3, 7)));
        let current = crate::customer::fixtures::customer(
            serde_json::json!({"name": "韩梅", "form_of_address": "韩先生/女士"}),
        );
        let u = CustomerUpdate {
            id_number: Some(Some("11010519491231002X".into())),
            ..CustomerUpdate::default()
        };
        let filled = update_from_id(&current, &u, today);
        assert_eq!(filled.gender, Some(Some(F)));
        assert_eq!(filled.birth_date, Some(Some(d(1949, 12, 31))));
        let (form, custom) = form_of_address_after(&current, &filled, today);
        assert_eq!((form.as_str(), custom), ("韩奶奶", false));
        // A change that leaves the number alone on a record without one fills nothing.
        let name_only = CustomerUpdate {
            name: Some("韩梅梅".into()),
            ..CustomerUpdate::default()
        };
        assert_eq!(update_from_id(&current, &name_only, today), name_only);
    }
}
