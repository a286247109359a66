//! Who may read a customer (X-4, X-6a, X-6b): the users of its institution, and anyone with a
//! live break-glass grant for it. Every read of a customer sub-resource goes through
//! [`customer_read`], which audits (flagged) every read made under a grant; writes go through
//! [`writable`].

use hcrm_db::audit::{Action, Entry};
use hcrm_db::{DbConn, break_glass, customers};
use uuid::Uuid;

use crate::auth::Caller;
use crate::error::ApiError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// The customer belongs to one of the caller's institutions.
    Scope,
    /// A break-glass grant: every read is flagged in the audit trail.
    BreakGlass,
}

#[derive(Debug, Clone, Copy)]
pub struct Access {
    pub customer_id: Uuid,
    pub institution_id: Uuid,
    pub via: Via,
}

impl Access {
    pub fn flagged(&self) -> bool {
        self.via == Via::BreakGlass
    }

    /// The scope to query this customer with: the caller's, or the customer's institution
    /// under a grant.
    pub fn scope(&self, caller: &Caller) -> hcrm_domain::Scope {
        match self.via {
            Via::Scope => caller.scope(),
            Via::BreakGlass => hcrm_domain::Scope::Institutions(vec![self.institution_id]),
        }
    }
}

/// Whether the caller reaches customer `id` — 404 when not (never 403: X-4). A merged
/// customer answers 404 too; its record lives on in the customer it was merged into.
/// Reads use [`customer_read`]; only a caller that audits every read itself uses this.
pub fn customer_access(c: &mut DbConn, caller: &Caller, id: Uuid) -> Result<Access, ApiError> {
    let institution_id = customers::institution_of(c, id)?;
    if caller.scope().allows(institution_id) {
        return Ok(Access {
            customer_id: id,
            institution_id,
            via: Via::Scope,
        });
    }
    if break_glass::active(c, caller.principal.id, id)? {
        return Ok(Access {
            customer_id: id,
            institution_id,
            via: Via::BreakGlass,
        });
    }
    Err(ApiError::NotFound)
}

/// A read of `what` (`fields`) of customer `id`: 404 when out of reach; under a break-glass
/// grant the read is recorded, flagged, in the audit trail.
pub fn customer_read(
    c: &mut DbConn,
    caller: &Caller,
    id: Uuid,
    what: &str,
    fields: &[&str],
) -> Result<Access, ApiError> {
    let access = customer_access(c, caller, id)?;
    if access.flagged() {
        audit_read(c, caller, &access, what, fields)?;
    }
    Ok(access)
}

/// Writes need the customer in the caller's own institutions; a grant only lets one read.
pub fn writable(c: &mut DbConn, caller: &Caller, id: Uuid) -> Result<Access, ApiError> {
    let access = customer_access(c, caller, id)?;
    if access.via == Via::Scope {
        Ok(access)
    } else {
        Err(ApiError::NotFound)
    }
}

/// Records a read of sensitive data: who, which customer, which fields; flagged when
/// it came through break-glass.
pub fn audit_read(
    c: &mut DbConn,
    caller: &Caller,
    access: &Access,
    what: &str,
    fields: &[&str],
) -> Result<(), ApiError> {
    let entry = Entry::of(
        Action::Read,
        what,
        Some(access.customer_id.to_string()),
        Some(access.institution_id),
        serde_json::json!({"fields": fields, "via": if access.flagged() { "break_glass" } else { "scope" }}),
    );
    caller.record(c, entry.flagged(access.flagged()))?;
    Ok(())
}
