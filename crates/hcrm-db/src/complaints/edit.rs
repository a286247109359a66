//! Correcting a case's details after intake (`PATCH /complaints/{id}`): the fields given
//! change at the version read, the involved departments and staff are replaced when
//! given. The API has checked who may change what (`hcrm_domain::complaint::edit`) and
//! resolved the departments and staff named.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use hcrm_domain::Scope;
use hcrm_domain::api::complaints::{Complaint, ComplaintUpdate};
use uuid::Uuid;

use super::{InvolvedRow, dto, involved_rows, micros, row_in_scope};
use crate::conn::DbConn;
use crate::error::DbError;
use crate::kit::{bump_version, versioned_update};
use crate::schema::complaint_involved as inv;
use crate::schema::complaints as c;

/// Applies `u` to complaint `id` at version `expected`; run inside a write transaction.
/// Returns (before, after) as of `at`.
pub fn update(
    conn: &mut DbConn,
    scope: &Scope,
    id: Uuid,
    expected: i32,
    u: &ComplaintUpdate,
    at: DateTime<Utc>,
) -> Result<(Complaint, Complaint), DbError> {
    let t = micros(at);
    let before_row = versioned_update(
        conn,
        expected,
        |c| row_in_scope(c, scope, id),
        |r| r.version,
        |conn, r| {
            let description = u
                .description
                .as_deref()
                .map(|d| d.trim().to_string())
                .unwrap_or_else(|| r.description.clone());
            let demands = match u.demands.as_deref().map(str::trim) {
                Some("") => None,
                Some(d) => Some(d.to_string()),
                None => r.demands.clone(),
            };
            let n = bump_version!(
                conn,
                c,
                r.id,
                expected,
                (
                    c::description.eq(description),
                    c::occurred_at.eq(u.occurred_at.map(micros).or(r.occurred_at)),
                    c::demands.eq(demands),
                    c::category.eq(u
                        .category
                        .map(|v| v.code().to_string())
                        .or(r.category.clone())),
                    c::severity.eq(u
                        .severity
                        .map(|v| v.code().to_string())
                        .or(r.severity.clone())),
                    c::updated_at.eq(t),
                )
            )?;
            if n > 0 && (u.departments.is_some() || u.staff.is_some()) {
                let current: Vec<InvolvedRow> = inv::table
                    .filter(inv::complaint_id.eq(r.id))
                    .order((inv::kind.asc(), inv::position.asc()))
                    .select(InvolvedRow::as_select())
                    .load(conn)?;
                let (old_departments, old_staff) = super::involved_of(current);
                let departments = u.departments.clone().unwrap_or(old_departments);
                let staff = u.staff.clone().unwrap_or(old_staff);
                diesel::delete(inv::table.filter(inv::complaint_id.eq(r.id))).execute(conn)?;
                for row in involved_rows(r.id, &departments, &staff) {
                    diesel::insert_into(inv::table).values(&row).execute(conn)?;
                }
            }
            Ok(n)
        },
    )?;
    let after_row = row_in_scope(conn, scope, id)?;
    let before = dto(conn, before_row, false, at)?;
    let after = dto(conn, after_row, false, at)?;
    Ok((before, after))
}
