//! Who may be handed work or a customer (issue 7 item 12): a task's owner, a customer's
//! account manager. One rule for creating and for changing, so that a PATCH cannot do what a
//! create may not, and one answer for every user the caller may not name.

use hcrm_db::DbConn;
use hcrm_domain::Permission;
use hcrm_domain::scope::{may_look_after, may_name};
use uuid::Uuid;

use crate::auth::Caller;
use crate::error::ApiError;

/// Checks that `caller` may name `user` in `field` as the one who looks after a record of
/// `institution` (`None`: nobody, a task left to its team queue):
/// - anyone but oneself, or nobody, needs customer.write (403), as giving a new task to
///   someone else does;
/// - the user exists, works in `institution` and is staff, not only an integration client;
///   otherwise `bad_reference` "no such user" — the same problem, byte for byte, whether the
///   id names nobody or someone of another institution, so that ids cannot be probed across
///   institutions (X-6b);
/// - a colleague of that institution who was deactivated is `inactive`.
pub fn check_assignee(
    c: &mut DbConn,
    caller: &Caller,
    field: &'static str,
    user: Option<Uuid>,
    institution: Uuid,
) -> Result<(), ApiError> {
    if !may_name(
        caller.principal.id,
        user,
        caller.can(Permission::CustomerWrite),
    ) {
        return Err(ApiError::Forbidden);
    }
    let Some(user) = user else {
        return Ok(());
    };
    let no_such_user = || ApiError::field(field, "bad_reference", "no such user");
    let found = match hcrm_db::users::principal(c, user) {
        Err(hcrm_db::DbError::NotFound) => return Err(no_such_user()),
        other => other?,
    };
    if !may_look_after(&found.roles, &found.scope(), institution) {
        return Err(no_such_user());
    }
    if !found.active {
        return Err(ApiError::field(
            field,
            "inactive",
            "the user is deactivated",
        ));
    }
    Ok(())
}
