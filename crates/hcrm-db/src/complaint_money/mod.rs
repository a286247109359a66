//! The money and accountability of a complaint (CMP-6, CMP-7) and its files (CMP-9): the
//! storage of refunds, responsibility findings, improvement actions and attachments. Each
//! row carries its case's institution, so reads are scoped by it like the case: a
//! record of a case out of the caller's reach is `NotFound`, as an unknown one.

pub mod accountability;
pub mod attachments;
pub mod follow_up;
pub mod refunds;

use diesel::prelude::*;
use hcrm_domain::Scope;
use hcrm_domain::complaint::ComplaintState;
use uuid::Uuid;

use crate::conn::DbConn;
use crate::error::DbError;
use crate::ids::{ComplaintId, InstitutionId};
use crate::kit::{InScope, decode};
use crate::schema::complaints as k;

/// The case a record belongs to, as far as these records need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    pub id: Uuid,
    pub institution_id: Uuid,
    pub number: String,
    pub state: ComplaintState,
}

/// Complaint `id` if it is in `scope`; `NotFound` otherwise (unknown or another
/// institution's: one answer, X-6b).
pub fn case_of(conn: &mut DbConn, scope: &Scope, id: Uuid) -> Result<Case, DbError> {
    let (id, institution_id, number, state): (ComplaintId, InstitutionId, String, String) =
        k::table
            .filter(k::id.eq(ComplaintId::from(id)))
            .into_boxed()
            .in_scope(k::institution_id, scope)
            .select((k::id, k::institution_id, k::number, k::state))
            .first(conn)?;
    Ok(Case {
        id: id.0,
        institution_id: institution_id.0,
        number,
        state: decode(&state)?,
    })
}
