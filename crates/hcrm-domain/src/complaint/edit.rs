//! Editing a case's details after intake (`PATCH /complaints/{id}`): which fields may change
//! in which state, and by whom. Pure; the API checks the caller with it before writing.
//!
//! - A closed case (已结案) keeps its record: nothing changes (409 `case_closed`).
//! - The patient's account — what happened and when, the demands, the departments and staff
//!   involved — is corrected by the customer-service department (supervisor, director) while
//!   the case is open, and by the receiver while it is still theirs (首诉负责制: until handed
//!   over).
//! - The classification (category) decides who approves the solution (quality: medical
//!   affairs; non-quality: director or president), so it is fixed once a solution is proposed:
//!   it changes until the case is analysed — by the service department, medical affairs, or
//!   the receiver before handing over — and later only through the flow.
//! - The severity is reassessed while the case is open by the service department and medical
//!   affairs (or the receiver before handing over).

use crate::complaint::flow::ComplaintState;
use crate::role::Role;

/// A detail of a case that may be edited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditField {
    Description,
    OccurredAt,
    Demands,
    Departments,
    Staff,
    Category,
    Severity,
}

impl EditField {
    /// The field's name in the JSON body.
    pub fn name(self) -> &'static str {
        match self {
            EditField::Description => "description",
            EditField::OccurredAt => "occurred_at",
            EditField::Demands => "demands",
            EditField::Departments => "departments",
            EditField::Staff => "staff",
            EditField::Category => "category",
            EditField::Severity => "severity",
        }
    }
}

/// Why an edit is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditRefused {
    /// The case is closed: 409 `case_closed`.
    Closed,
    /// The field is not the caller's to change: 403.
    NotYours(EditField),
    /// The field is fixed in this state (the classification once a solution is proposed):
    /// 409 `classification_fixed`.
    Fixed(EditField),
}

/// May `roles` (the receiver of the case when `receiver`) change `fields` of a case in
/// `state`? The first refusal, closed first, then fixed fields, then the caller's.
pub fn check_edit(
    state: ComplaintState,
    roles: &[Role],
    receiver: bool,
    fields: &[EditField],
) -> Result<(), EditRefused> {
    if !state.is_open() {
        return Err(EditRefused::Closed);
    }
    let has = |r: Role| roles.contains(&r);
    let service = has(Role::Supervisor) || has(Role::Director);
    let medical = has(Role::MedicalAffairs);
    let own = receiver && state == ComplaintState::Received;
    if let Some(f) = fields
        .iter()
        .find(|f| **f == EditField::Category && !classification_open(state))
    {
        return Err(EditRefused::Fixed(*f));
    }
    for f in fields {
        let allowed = match f {
            EditField::Category | EditField::Severity => service || medical || own,
            _ => service || own,
        };
        if !allowed {
            return Err(EditRefused::NotYours(*f));
        }
    }
    Ok(())
}

/// The classification may change until a solution is proposed.
pub fn classification_open(state: ComplaintState) -> bool {
    use ComplaintState::*;
    matches!(
        state,
        Received | HandedOver | Accepted | Investigating | Analysed
    )
}

/// The fields `roles` may edit now, for the case page's form (empty when closed).
pub fn editable(state: ComplaintState, roles: &[Role], receiver: bool) -> Vec<EditField> {
    use EditField::*;
    [
        Description,
        OccurredAt,
        Demands,
        Departments,
        Staff,
        Category,
        Severity,
    ]
    .into_iter()
    .filter(|f| check_edit(state, roles, receiver, &[*f]).is_ok())
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ComplaintState::*;
    use EditField::*;

    /// (state, roles, the receiver, field, answer).
    type Case<'a> = (
        ComplaintState,
        &'a [Role],
        bool,
        EditField,
        Result<(), EditRefused>,
    );

    #[test]
    fn who_edits_what_in_which_state() {
        let agent = [Role::Agent];
        let sup = [Role::Supervisor];
        let med = [Role::MedicalAffairs];
        let pres = [Role::President];
        let cases: &[Case] = &[
            // The receiver, while the case is still theirs.
            (Received, &agent, true, Description, Ok(())),
            (Received, &agent, true, Category, Ok(())),
            (
                Received,
                &agent,
                false,
                Description,
                Err(EditRefused::NotYours(Description)),
            ),
            (
                HandedOver,
                &agent,
                true,
                Demands,
                Err(EditRefused::NotYours(Demands)),
            ),
            (
                HandedOver,
                &agent,
                true,
                Severity,
                Err(EditRefused::NotYours(Severity)),
            ),
            // The service department, in every open state.
            (Investigating, &sup, false, Staff, Ok(())),
            (Improvement, &sup, false, Departments, Ok(())),
            (Procedures, &sup, false, Severity, Ok(())),
            // Medical affairs classifies and grades, but does not rewrite the account.
            (Investigating, &med, false, Category, Ok(())),
            (Negotiating, &med, false, Severity, Ok(())),
            (
                Investigating,
                &med,
                false,
                Description,
                Err(EditRefused::NotYours(Description)),
            ),
            // A president approves; the details are not theirs.
            (
                Proposed,
                &pres,
                false,
                Severity,
                Err(EditRefused::NotYours(Severity)),
            ),
            // The classification is fixed once a solution is proposed.
            (Analysed, &sup, false, Category, Ok(())),
            (
                Proposed,
                &sup,
                false,
                Category,
                Err(EditRefused::Fixed(Category)),
            ),
            (
                Approved,
                &med,
                false,
                Category,
                Err(EditRefused::Fixed(Category)),
            ),
            // Closed: nothing, for anyone.
            (Closed, &sup, false, Severity, Err(EditRefused::Closed)),
            (Closed, &agent, true, Description, Err(EditRefused::Closed)),
        ];
        for (state, roles, receiver, field, want) in cases {
            assert_eq!(
                check_edit(*state, roles, *receiver, &[*field]),
                *want,
                "{state:?} {roles:?} receiver={receiver} {field:?}"
            );
        }
    }

    #[test]
    fn the_form_offers_what_may_be_changed() {
        assert!(editable(Closed, &[Role::Director], false).is_empty());
        assert_eq!(
            editable(Proposed, &[Role::Supervisor], false),
            vec![
                Description,
                OccurredAt,
                Demands,
                Departments,
                Staff,
                Severity
            ]
        );
        assert_eq!(
            editable(Investigating, &[Role::MedicalAffairs], false),
            vec![Category, Severity]
        );
        assert!(editable(HandedOver, &[Role::Agent], true).is_empty());
    }
}
