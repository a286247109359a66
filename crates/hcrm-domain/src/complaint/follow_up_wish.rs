//! Whether the complainant wants a follow-up call on how the case was handled (回访, FUP-1: "a
//! closed complaint"), recorded as the case closes; the follow-up plans read it.

use crate::complaint::ComplaintState;

/// The states in which the wish is recorded: from closing and archiving (结案备档, CMP-4's
/// "closed & archived") on — the case is settled with the patient, what remains is internal.
pub fn may_record_in(state: ComplaintState) -> bool {
    matches!(
        state,
        ComplaintState::Archiving
            | ComplaintState::InternalHandling
            | ComplaintState::Improvement
            | ComplaintState::Closed
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wish_is_recorded_once_the_case_is_settled() {
        let recorded: Vec<_> = ComplaintState::ALL
            .into_iter()
            .filter(|s| may_record_in(*s))
            .collect();
        assert_eq!(
            recorded,
            [
                ComplaintState::Archiving,
                ComplaintState::InternalHandling,
                ComplaintState::Improvement,
                ComplaintState::Closed
            ]
        );
    }
}
