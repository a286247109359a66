//! One way to describe a lifecycle — the moves a record's state may make, who may make them,
//! and the error that names the moves there are. The customer's stage (CUS-3) and a task's
//! status use it; complaints (CMP), appointments (SVC) and follow-ups (FUP) plug in the same
//! way: implement [`Lifecycle`] for the state enum and call [`Lifecycle::check_move`].

use crate::api::FieldError;
use crate::permission::PermissionSet;

/// A state of a record with a fixed set of moves between states.
pub trait Lifecycle: Copy + Eq + std::fmt::Debug + 'static {
    /// Every state, in display order.
    fn states() -> &'static [Self];

    /// The stable code of a state (stored and sent in the API).
    fn state_code(self) -> &'static str;

    /// Whether `self → to` is a move of the lifecycle (`to` differs from `self`).
    fn allows(self, to: Self) -> bool;

    /// Whether a caller holding `permissions` may make the move; by default anyone who may
    /// change the record. Complaints will ask for `complaint.approve` to close a case, say.
    fn may_make(self, _to: Self, _permissions: &PermissionSet) -> bool {
        true
    }

    /// The states `self` may move to.
    fn next(self) -> Vec<Self> {
        Self::states()
            .iter()
            .copied()
            .filter(|to| *to != self && self.allows(*to))
            .collect()
    }

    /// Checks `self → to` for a caller holding `permissions`. Staying put is no move and
    /// always passes; a move the lifecycle does not have is refused naming the allowed ones.
    fn check_move(self, to: Self, permissions: &PermissionSet) -> Result<(), MoveRefused> {
        if self == to {
            return Ok(());
        }
        if !self.allows(to) {
            return Err(MoveRefused::NotAMove {
                from: self.state_code(),
                to: to.state_code(),
                allowed: self.next().into_iter().map(Self::state_code).collect(),
            });
        }
        if !self.may_make(to, permissions) {
            return Err(MoveRefused::NotYours {
                from: self.state_code(),
                to: to.state_code(),
            });
        }
        Ok(())
    }
}

/// Why a move was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MoveRefused {
    /// The lifecycle has no such move; `allowed` are the moves from `from`.
    NotAMove {
        from: &'static str,
        to: &'static str,
        allowed: Vec<&'static str>,
    },
    /// The move exists, but not for this caller.
    NotYours {
        from: &'static str,
        to: &'static str,
    },
}

impl MoveRefused {
    /// The error of the state field `field` (code `invalid_transition` or
    /// `transition_not_permitted`), its message naming the moves there are.
    pub fn field_error(&self, field: &str) -> FieldError {
        let (code, message) = match self {
            MoveRefused::NotAMove { from, to, allowed } if allowed.is_empty() => (
                "invalid_transition",
                format!("{from} cannot become {to}: {from} is final"),
            ),
            MoveRefused::NotAMove { from, to, allowed } => (
                "invalid_transition",
                format!(
                    "{from} cannot become {to}; from {from} it may become {}",
                    allowed.join(", ")
                ),
            ),
            MoveRefused::NotYours { from, to } => (
                "transition_not_permitted",
                format!("you may not move it from {from} to {to}"),
            ),
        };
        FieldError {
            field: field.to_string(),
            code: code.to_string(),
            message,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::customer::{LifecycleStage, TaskStatus};

    #[test]
    fn a_refused_move_names_the_allowed_ones() {
        let anyone = PermissionSet::default();
        assert_eq!(
            LifecycleStage::Potential.check_move(LifecycleStage::Potential, &anyone),
            Ok(())
        );
        let e = LifecycleStage::Potential
            .check_move(LifecycleStage::Loyal, &anyone)
            .unwrap_err();
        let f = e.field_error("lifecycle_stage");
        assert_eq!(f.code, "invalid_transition");
        assert_eq!(
            f.message,
            "potential cannot become loyal; from potential it may become current, dissatisfied, lost"
        );
        let e = TaskStatus::Done
            .check_move(TaskStatus::Cancelled, &anyone)
            .unwrap_err();
        assert_eq!(
            e,
            MoveRefused::NotAMove {
                from: "done",
                to: "cancelled",
                allowed: vec!["open"]
            }
        );
    }

    /// CUS-3 stages and task statuses, every pair.
    #[test]
    fn the_moves_of_stages_and_task_statuses() {
        use LifecycleStage::*;
        for from in LifecycleStage::ALL {
            for to in LifecycleStage::ALL {
                let expected = from != to
                    && matches!(
                        (from, to),
                        (_, Dissatisfied | Lost)
                            | (Potential, Current)
                            | (Current, Loyal)
                            | (Dissatisfied | Lost, Current)
                    );
                assert_eq!(from.allows(to) && from != to, expected, "{from} → {to}");
            }
        }
        use TaskStatus::*;
        assert_eq!(Open.next(), vec![Done, Cancelled]);
        assert_eq!(Done.next(), vec![Open]);
        assert_eq!(Cancelled.next(), vec![Open]);
    }
}
