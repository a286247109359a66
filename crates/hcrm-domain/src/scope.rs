//! X-4 / X-6b: which institutions' data a user may see.

use uuid::Uuid;

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
}

#[cfg(test)]
mod tests {
    use super::*;

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
