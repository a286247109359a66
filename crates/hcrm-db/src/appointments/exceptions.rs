//! 停诊 — a doctor's leave or a resource out of service: the open sessions of the range
//! (from today on) are cancelled, each booking goes to the rebooking queue with a task for
//! an agent to tell the patient, and the sessions' waitlists close (SVC-2a).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use hcrm_domain::Scope;
use hcrm_domain::api::appointments::{ScheduleException, ScheduleExceptionCreate};
use hcrm_domain::appointment::SessionStatus;
use uuid::Uuid;

use super::sessions::{Owner, SessionRow, owner_home};
use crate::conn::DbConn;
use crate::error::DbError;
use crate::ids::{DoctorId, InstitutionId, ResourceId, ScheduleExceptionId, SessionId, UserId};
use crate::kit::InScope;
use crate::schema::clinic_sessions as s;
use crate::schema::schedule_exceptions as x;
use crate::util::{now, utc};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = x)]
struct Row {
    id: ScheduleExceptionId,
    institution_id: InstitutionId,
    doctor_id: Option<DoctorId>,
    resource_id: Option<ResourceId>,
    from_date: chrono::NaiveDate,
    to_date: chrono::NaiveDate,
    reason: String,
    sessions_cancelled: i32,
    appointments_moved: i32,
    created_by: Option<UserId>,
    created_at: NaiveDateTime,
}

impl Row {
    fn dto(self) -> ScheduleException {
        ScheduleException {
            id: self.id.0,
            institution_id: self.institution_id.0,
            doctor_id: self.doctor_id.map(|d| d.0),
            resource_id: self.resource_id.map(|r| r.0),
            from: self.from_date,
            to: self.to_date,
            reason: self.reason,
            sessions_cancelled: self.sessions_cancelled,
            appointments_moved: self.appointments_moved,
            created_by: self.created_by.map(|u| u.0),
            created_at: utc(self.created_at),
        }
    }
}

/// Records the leave and applies it; run in a write transaction.
pub fn apply(
    conn: &mut DbConn,
    scope: &Scope,
    e: &ScheduleExceptionCreate,
    by: Option<Uuid>,
) -> Result<ScheduleException, DbError> {
    let owner = match (e.doctor_id, e.resource_id) {
        (Some(d), _) => Owner::Doctor(DoctorId::from(d)),
        (None, Some(r)) => Owner::Resource(ResourceId::from(r)),
        (None, None) => return Err(DbError::NotFound),
    };
    let (institution, _) = owner_home(conn, scope, owner)?;
    let today = crate::institutions::today_of(conn, institution.0)?;
    let mut q = s::table
        .filter(s::status.eq(SessionStatus::Open.code()))
        .filter(s::on_date.between(e.from.max(today), e.to))
        .into_boxed();
    q = match owner {
        Owner::Doctor(d) => q.filter(s::doctor_id.eq(d)),
        Owner::Resource(r) => q.filter(s::resource_id.eq(r)),
    };
    let cancelled: Vec<SessionRow> = q.select(SessionRow::as_select()).load(conn)?;
    let ids: Vec<SessionId> = cancelled.iter().map(|r| r.id).collect();
    let at = now();
    diesel::update(s::table.filter(s::id.eq_any(ids.clone())))
        .set((
            s::status.eq(SessionStatus::Cancelled.code()),
            s::cancel_reason.eq(Some(e.reason.trim().to_string())),
            s::updated_at.eq(at),
            s::version.eq(s::version + 1),
        ))
        .execute(conn)?;
    let moved = super::booking::to_rebooking(conn, &cancelled, today)?;
    super::waitlist::close_for(conn, &ids)?;
    let (doctor_id, resource_id) = match owner {
        Owner::Doctor(d) => (Some(d), None),
        Owner::Resource(r) => (None, Some(r)),
    };
    let row = Row {
        id: ScheduleExceptionId::new(),
        institution_id: institution,
        doctor_id,
        resource_id,
        from_date: e.from,
        to_date: e.to,
        reason: e.reason.trim().to_string(),
        sessions_cancelled: i32::try_from(cancelled.len()).unwrap_or(i32::MAX),
        appointments_moved: moved,
        created_by: by.map(UserId::from),
        created_at: at,
    };
    diesel::insert_into(x::table).values(&row).execute(conn)?;
    Ok(row.dto())
}

/// The leaves and closures of the caller's institutions, newest first (at most 200).
pub fn list(
    conn: &mut DbConn,
    scope: &Scope,
    doctor_id: Option<Uuid>,
    resource_id: Option<Uuid>,
) -> Result<Vec<ScheduleException>, DbError> {
    let mut q = x::table.into_boxed();
    q = q.in_scope(x::institution_id, scope);
    if let Some(d) = doctor_id {
        q = q.filter(x::doctor_id.eq(DoctorId::from(d)));
    }
    if let Some(r) = resource_id {
        q = q.filter(x::resource_id.eq(ResourceId::from(r)));
    }
    Ok(q.order((x::from_date.desc(), x::id.desc()))
        .limit(200)
        .select(Row::as_select())
        .load::<Row>(conn)?
        .into_iter()
        .map(Row::dto)
        .collect())
}
