//! X-4 / X-6b: which institutions' data a user may see.

use uuid::Uuid;

use crate::role::Role;

/// The institutions a request may read and write. Every query takes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Group-wide users (director, executive, admin): every institution.
    Group,
    /// Everyone else: the institutions they belong to.
    Institutions(Vec<Uuid>),
}

impl Scope {
    pub fn allows(&self, institution_id: Uuid) -> bool {
        match self {
            Scope::Group => true,
            Scope::Institutions(ids) => ids.contains(&institution_id),
        }
    }

    /// The listed institutions, or `None` for the whole group.
    pub fn institution_ids(&self) -> Option<&[Uuid]> {
        match self {
            Scope::Group => None,
            Scope::Institutions(ids) => Some(ids),
        }
    }

    /// Issue 8 item 2, the institution of a new record (a customer, a task, a department …):
    /// the one `asked` for when this scope reaches it, else the caller's only institution.
    /// The caller still checks that the institution exists.
    pub fn institution_for_new(&self, asked: Option<Uuid>) -> Result<Uuid, NewRecordInstitution> {
        match (asked, self) {
            (Some(i), _) if self.allows(i) => Ok(i),
            (Some(_), _) => Err(NewRecordInstitution::OutOfReach),
            (None, Scope::Institutions(ids)) if ids.len() == 1 => Ok(ids[0]),
            (None, _) => Err(NewRecordInstitution::Required),
        }
    }
}

/// Why a new record has no institution: see [`Scope::institution_for_new`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewRecordInstitution {
    /// The institution asked for is not the caller's (to them it does not exist).
    OutOfReach,
    /// None asked for, and the caller works in several (or is group-wide): they choose.
    Required,
}

/// Issue 7 item 12, who may be handed a record (a task's owner, a customer's account
/// manager). `named` is the user named, `None` for nobody (a task left to its team queue);
/// naming anyone but oneself needs customer.write (`may_hand_out`).
pub fn may_name(me: Uuid, named: Option<Uuid>, may_hand_out: bool) -> bool {
    named == Some(me) || may_hand_out
}

/// Issue 7 item 12: whether a user with `roles` who sees `scope` may look after a record of
/// `institution`: staff (some role besides `integration`) who work there. Whatever fails, the
/// API gives one answer, so that a user of another institution looks like no user at all.
pub fn may_look_after(roles: &[Role], scope: &Scope, institution: Uuid) -> bool {
    scope.allows(institution) && Role::any_staff(roles)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_institution_of_a_new_record() {
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let one = Scope::Institutions(vec![a]);
        let two = Scope::Institutions(vec![a, b]);
        use NewRecordInstitution::*;
        // (scope, asked, chosen)
        let cases = [
            (&one, None, Ok(a)),
            (&one, Some(a), Ok(a)),
            (&one, Some(b), Err(OutOfReach)),
            (&two, None, Err(Required)),
            (&two, Some(b), Ok(b)),
            (&Scope::Group, None, Err(Required)),
            (&Scope::Group, Some(b), Ok(b)),
            (&Scope::Institutions(vec![]), None, Err(Required)),
        ];
        for (scope, asked, chosen) in cases {
            assert_eq!(
                scope.institution_for_new(asked),
                chosen,
                "{scope:?} {asked:?}"
            );
        }
    }

    #[test]
    fn who_may_be_named_and_look_after_a_record() {
        let (me, other) = (Uuid::now_v7(), Uuid::now_v7());
        // (named, caller may hand out, allowed)
        let naming = [
            (Some(me), false, true),
            (Some(me), true, true),
            (Some(other), false, false),
            (Some(other), true, true),
            (None, false, false),
            (None, true, true),
        ];
        for (named, write, ok) in naming {
            assert_eq!(may_name(me, named, write), ok, "{named:?} {write}");
        }
        let (here, there) = (Uuid::now_v7(), Uuid::now_v7());
        let local = Scope::Institutions(vec![here]);
        let elsewhere = Scope::Institutions(vec![there]);
        // (roles, scope, allowed)
        let looking_after: [(&[Role], &Scope, bool); 7] = [
            (&[Role::Agent], &local, true),
            (&[Role::AccountManager], &local, true),
            (&[Role::Agent], &elsewhere, false),
            (&[Role::Director], &Scope::Group, true),
            (&[Role::Integration], &local, false),
            (&[Role::Integration, Role::Agent], &local, true),
            (&[], &local, false),
        ];
        for (roles, scope, ok) in looking_after {
            assert_eq!(
                may_look_after(roles, scope, here),
                ok,
                "{roles:?} {scope:?}"
            );
        }
    }

    #[test]
    fn group_allows_all_institutions_scope_only_its_own() {
        let a = Uuid::now_v7();
        let b = Uuid::now_v7();
        assert!(Scope::Group.allows(b));
        assert!(Scope::Institutions(vec![a]).allows(a));
        assert!(!Scope::Institutions(vec![a]).allows(b));
        assert!(!Scope::Institutions(vec![]).allows(a));
    }
}
