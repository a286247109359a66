//! 出诊 — clinic sessions: reading them with their doctor's or resource's names, the
//! free-place search, extra sessions and the weeks made from the weekly schedules.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use hcrm_domain::Scope;
use hcrm_domain::api::appointments::{ClinicSession, FreeSession};
use hcrm_domain::api::org::HalfDay;
use hcrm_domain::appointment::{SessionOrigin, SessionStatus, half_day_rank, slot_dates};
use uuid::Uuid;

use crate::conn::{Db, DbConn};
use crate::error::DbError;
use crate::ids::{DepartmentId, DoctorId, InstitutionId, ResourceId, SessionId};
use crate::kit::{InScope, counted_page, decode};
use crate::schema::clinic_resources as r;
use crate::schema::clinic_sessions as s;
use crate::schema::departments as dep;
use crate::schema::doctors as d;
use crate::schema::{doctor_schedules, resource_schedules};
use crate::util::{ListWindow, now};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = s)]
pub(crate) struct SessionRow {
    pub id: SessionId,
    pub institution_id: InstitutionId,
    pub department_id: Option<DepartmentId>,
    pub doctor_id: Option<DoctorId>,
    pub resource_id: Option<ResourceId>,
    pub on_date: NaiveDate,
    pub half_day: String,
    pub slot: i32,
    pub capacity: i32,
    pub booked: i32,
    pub status: String,
    pub origin: String,
    pub cancel_reason: Option<String>,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl SessionRow {
    fn new(
        institution: InstitutionId,
        department: Option<DepartmentId>,
        owner: Owner,
        on_date: NaiveDate,
        half_day: HalfDay,
        capacity: i32,
        origin: SessionOrigin,
    ) -> SessionRow {
        let at = now();
        let (doctor_id, resource_id) = match owner {
            Owner::Doctor(d) => (Some(d), None),
            Owner::Resource(r) => (None, Some(r)),
        };
        SessionRow {
            id: SessionId::new(),
            institution_id: institution,
            department_id: department,
            doctor_id,
            resource_id,
            on_date,
            half_day: half_day.code().to_string(),
            slot: i32::from(half_day_rank(half_day.code())),
            capacity,
            booked: 0,
            status: SessionStatus::Open.code().to_string(),
            origin: origin.code().to_string(),
            cancel_reason: None,
            version: 1,
            created_at: at,
            updated_at: at,
        }
    }
}

/// Whose session: a doctor's or an examination resource's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Owner {
    Doctor(DoctorId),
    Resource(ResourceId),
}

/// The names a session is shown with, read for a batch of rows.
#[derive(Default)]
struct Names {
    doctors: HashMap<DoctorId, (String, String)>,
    resources: HashMap<ResourceId, String>,
    departments: HashMap<DepartmentId, String>,
}

fn names(conn: &mut DbConn, rows: &[SessionRow]) -> Result<Names, DbError> {
    let doctor_ids: Vec<DoctorId> = rows.iter().filter_map(|r| r.doctor_id).collect();
    let resource_ids: Vec<ResourceId> = rows.iter().filter_map(|r| r.resource_id).collect();
    let department_ids: Vec<DepartmentId> = rows.iter().filter_map(|r| r.department_id).collect();
    let mut n = Names::default();
    if !doctor_ids.is_empty() {
        for (id, name, title) in d::table
            .filter(d::id.eq_any(&doctor_ids))
            .select((d::id, d::name, d::title))
            .load::<(DoctorId, String, String)>(conn)?
        {
            n.doctors.insert(id, (name, title));
        }
    }
    if !resource_ids.is_empty() {
        n.resources = r::table
            .filter(r::id.eq_any(&resource_ids))
            .select((r::id, r::name))
            .load::<(ResourceId, String)>(conn)?
            .into_iter()
            .collect();
    }
    if !department_ids.is_empty() {
        n.departments = dep::table
            .filter(dep::id.eq_any(&department_ids))
            .select((dep::id, dep::name))
            .load::<(DepartmentId, String)>(conn)?
            .into_iter()
            .collect();
    }
    Ok(n)
}

fn dto(row: SessionRow, n: &Names) -> Result<ClinicSession, DbError> {
    let doctor = row.doctor_id.and_then(|id| n.doctors.get(&id));
    Ok(ClinicSession {
        id: row.id.0,
        institution_id: row.institution_id.0,
        department_id: row.department_id.map(|x| x.0),
        department_name: row
            .department_id
            .and_then(|id| n.departments.get(&id).cloned()),
        doctor_id: row.doctor_id.map(|x| x.0),
        doctor_name: doctor.map(|(name, _)| name.clone()),
        doctor_title: doctor.map(|(_, title)| title.clone()),
        resource_id: row.resource_id.map(|x| x.0),
        resource_name: row.resource_id.and_then(|id| n.resources.get(&id).cloned()),
        date: row.on_date,
        half_day: decode(&row.half_day)?,
        capacity: row.capacity,
        booked: row.booked,
        free: row.capacity - row.booked,
        status: decode(&row.status)?,
        origin: decode(&row.origin)?,
        cancel_reason: row.cancel_reason,
        version: row.version,
    })
}

/// Rows → DTOs with their names, in two to four queries for all of them.
pub(crate) fn dtos(
    conn: &mut DbConn,
    rows: Vec<SessionRow>,
) -> Result<Vec<ClinicSession>, DbError> {
    let n = names(conn, &rows)?;
    rows.into_iter().map(|row| dto(row, &n)).collect()
}

pub(crate) fn row(conn: &mut DbConn, id: SessionId) -> Result<SessionRow, DbError> {
    Ok(s::table
        .find(id)
        .select(SessionRow::as_select())
        .first(conn)?)
}

/// One session; `NotFound` outside `scope`.
pub fn get(conn: &mut DbConn, scope: &Scope, id: Uuid) -> Result<ClinicSession, DbError> {
    let row = row(conn, SessionId::from(id))?;
    if !scope.allows(row.institution_id.0) {
        return Err(DbError::NotFound);
    }
    dtos(conn, vec![row])?.pop().ok_or(DbError::NotFound)
}

/// The free-place search's filters; `from ..= to` is required (the API bounds it).
#[derive(Debug, Clone)]
pub struct Filter {
    pub institution_id: Option<Uuid>,
    pub department_id: Option<Uuid>,
    pub doctor_id: Option<Uuid>,
    pub resource_id: Option<Uuid>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Only open sessions with a free place.
    pub free_only: bool,
}

fn filtered<'a>(scope: &Scope, f: &'a Filter) -> s::BoxedQuery<'a, Db> {
    let mut q = s::table.into_boxed();
    q = q.in_scope(s::institution_id, scope);
    // The most selective key first, so that each form of the search has its index:
    // (doctor_id, on_date …), (resource_id, on_date …), (department_id, on_date, slot),
    // (institution_id, on_date, slot).
    if let Some(x) = f.doctor_id {
        q = q.filter(s::doctor_id.eq(DoctorId::from(x)));
    }
    if let Some(x) = f.resource_id {
        q = q.filter(s::resource_id.eq(ResourceId::from(x)));
    }
    if let Some(x) = f.department_id {
        q = q.filter(s::department_id.eq(DepartmentId::from(x)));
    }
    if let Some(x) = f.institution_id {
        q = q.filter(s::institution_id.eq(InstitutionId::from(x)));
    }
    q = q.filter(s::on_date.between(f.from, f.to));
    if f.free_only {
        q = q
            .filter(s::status.eq(SessionStatus::Open.code()))
            .filter(s::booked.lt(s::capacity));
    }
    q
}

/// SVC-2: sessions by day and half-day over `from ..= to`, fast enough to call as the agent
/// types (each filter has its index).
pub fn search(
    conn: &mut DbConn,
    scope: &Scope,
    f: &Filter,
    window: ListWindow,
) -> Result<(Vec<ClinicSession>, i64), DbError> {
    let (rows, total) = counted_page!(
        conn,
        filtered(scope, f),
        |q| q.order((s::on_date.asc(), s::slot.asc(), s::id.asc())),
        SessionRow,
        window
    );
    Ok((dtos(conn, rows)?, total))
}

/// The next open sessions with free places after `session` (its own doctor's or resource's
/// first, then its department's), at most `limit`: what a 409 `session_full` offers.
pub(crate) fn next_free(
    conn: &mut DbConn,
    session: &SessionRow,
    limit: i64,
) -> Result<Vec<FreeSession>, DbError> {
    let base = || {
        s::table
            .filter(s::institution_id.eq(session.institution_id))
            .filter(s::status.eq(SessionStatus::Open.code()))
            .filter(s::booked.lt(s::capacity))
            .filter(s::on_date.ge(session.on_date))
            .filter(s::id.ne(session.id))
            .into_boxed()
    };
    let mut q = base();
    q = match (session.doctor_id, session.resource_id) {
        (Some(doc), _) => q.filter(s::doctor_id.eq(doc)),
        (None, Some(res)) => q.filter(s::resource_id.eq(res)),
        (None, None) => q,
    };
    let mut rows: Vec<SessionRow> = q
        .order((s::on_date.asc(), s::slot.asc()))
        .limit(limit)
        .select(SessionRow::as_select())
        .load(conn)?;
    if (rows.len() as i64) < limit
        && let Some(dept) = session.department_id
    {
        let seen: HashSet<SessionId> = rows.iter().map(|r| r.id).collect();
        let more: Vec<SessionRow> = base()
            .filter(s::department_id.eq(dept))
            .order((s::on_date.asc(), s::slot.asc()))
            .limit(limit * 2)
            .select(SessionRow::as_select())
            .load(conn)?;
        rows.extend(more.into_iter().filter(|r| !seen.contains(&r.id)));
        rows.truncate(usize::try_from(limit).unwrap_or(0));
    }
    Ok(dtos(conn, rows)?
        .into_iter()
        .map(|x| FreeSession {
            session_id: x.id,
            date: x.date,
            half_day: x.half_day,
            free: x.free,
            doctor_id: x.doctor_id,
            doctor_name: x.doctor_name,
            resource_id: x.resource_id,
            resource_name: x.resource_name,
        })
        .collect())
}

/// The institution and department of a doctor or resource in `scope`.
pub fn owner_home(
    conn: &mut DbConn,
    scope: &Scope,
    owner: Owner,
) -> Result<(InstitutionId, Option<DepartmentId>), DbError> {
    let (inst, dept) = match owner {
        Owner::Doctor(id) => d::table
            .find(id)
            .select((d::institution_id, d::department_id.nullable()))
            .first::<(InstitutionId, Option<DepartmentId>)>(conn)?,
        Owner::Resource(id) => r::table
            .find(id)
            .select((r::institution_id, r::department_id))
            .first::<(InstitutionId, Option<DepartmentId>)>(conn)?,
    };
    if scope.allows(inst.0) {
        Ok((inst, dept))
    } else {
        Err(DbError::NotFound)
    }
}

/// 加诊 — an extra session; `Duplicate` when the owner has one at that half-day already.
pub fn create_extra(
    conn: &mut DbConn,
    scope: &Scope,
    owner: Owner,
    on_date: NaiveDate,
    half_day: HalfDay,
    capacity: i32,
) -> Result<ClinicSession, DbError> {
    let (inst, dept) = owner_home(conn, scope, owner)?;
    let row = SessionRow::new(
        inst,
        dept,
        owner,
        on_date,
        half_day,
        capacity,
        SessionOrigin::Extra,
    );
    diesel::insert_into(s::table).values(&row).execute(conn)?;
    dtos(conn, vec![row])?.pop().ok_or(DbError::NotFound)
}

/// One slot of a weekly (or dated) schedule of an active doctor or resource.
struct Slot {
    owner: Owner,
    institution: InstitutionId,
    department: Option<DepartmentId>,
    weekday: Option<i32>,
    on_date: Option<NaiveDate>,
    half_day: String,
    capacity: i32,
}

fn slots(conn: &mut DbConn, institutions: Option<&[InstitutionId]>) -> Result<Vec<Slot>, DbError> {
    let mut doctors = doctor_schedules::table
        .inner_join(d::table)
        .filter(d::active.eq(true))
        .into_boxed();
    let mut resources = resource_schedules::table
        .inner_join(r::table)
        .filter(r::active.eq(true))
        .into_boxed();
    if let Some(ids) = institutions {
        doctors = doctors.filter(d::institution_id.eq_any(ids.to_vec()));
        resources = resources.filter(r::institution_id.eq_any(ids.to_vec()));
    }
    type DocSlot = (
        DoctorId,
        InstitutionId,
        DepartmentId,
        Option<i32>,
        Option<NaiveDate>,
        String,
        i32,
    );
    let mut out: Vec<Slot> = doctors
        .select((
            d::id,
            d::institution_id,
            d::department_id,
            doctor_schedules::weekday,
            doctor_schedules::on_date,
            doctor_schedules::half_day,
            doctor_schedules::capacity,
        ))
        .load::<DocSlot>(conn)?
        .into_iter()
        .map(
            |(id, inst, dept, weekday, on_date, half_day, capacity)| Slot {
                owner: Owner::Doctor(id),
                institution: inst,
                department: Some(dept),
                weekday,
                on_date,
                half_day,
                capacity,
            },
        )
        .collect();
    type ResSlot = (
        ResourceId,
        InstitutionId,
        Option<DepartmentId>,
        Option<i32>,
        Option<NaiveDate>,
        String,
        i32,
    );
    out.extend(
        resources
            .select((
                r::id,
                r::institution_id,
                r::department_id,
                resource_schedules::weekday,
                resource_schedules::on_date,
                resource_schedules::half_day,
                resource_schedules::capacity,
            ))
            .load::<ResSlot>(conn)?
            .into_iter()
            .map(
                |(id, inst, dept, weekday, on_date, half_day, capacity)| Slot {
                    owner: Owner::Resource(id),
                    institution: inst,
                    department: dept,
                    weekday,
                    on_date,
                    half_day,
                    capacity,
                },
            ),
    );
    Ok(out)
}

/// Makes the sessions of every active doctor's and resource's schedule for `from ..= to`
/// (of `institutions`, or all) that do not exist yet; one that exists — made before, an
/// extra one, or cancelled by a leave — stays as it is. Run in a write transaction: two
/// servers generating at once meet on the unique (owner, day, half-day) indexes, and the
/// second's transaction fails with `Duplicate` having changed nothing.
pub fn generate(
    conn: &mut DbConn,
    institutions: Option<&[InstitutionId]>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<i64, DbError> {
    let slots = slots(conn, institutions)?;
    let mut existing: HashSet<(Owner, NaiveDate, String)> = HashSet::new();
    let mut q = s::table.filter(s::on_date.between(from, to)).into_boxed();
    if let Some(ids) = institutions {
        q = q.filter(s::institution_id.eq_any(ids.to_vec()));
    }
    for (doc, res, on, half) in q
        .select((s::doctor_id, s::resource_id, s::on_date, s::half_day))
        .load::<(Option<DoctorId>, Option<ResourceId>, NaiveDate, String)>(conn)?
    {
        let owner = match (doc, res) {
            (Some(x), _) => Owner::Doctor(x),
            (None, Some(x)) => Owner::Resource(x),
            (None, None) => continue,
        };
        existing.insert((owner, on, half));
    }
    let mut created = 0;
    for slot in slots {
        let weekday = slot.weekday.and_then(|w| u8::try_from(w).ok());
        let half_day: HalfDay = decode(&slot.half_day)?;
        let origin = if slot.on_date.is_some() {
            SessionOrigin::Extra
        } else {
            SessionOrigin::Weekly
        };
        for day in slot_dates(weekday, slot.on_date, from, to) {
            if !existing.insert((slot.owner, day, slot.half_day.clone())) {
                continue;
            }
            let row = SessionRow::new(
                slot.institution,
                slot.department,
                slot.owner,
                day,
                half_day,
                slot.capacity,
                origin,
            );
            diesel::insert_into(s::table).values(&row).execute(conn)?;
            created += 1;
        }
    }
    Ok(created)
}

/// A live customer's institution and kind (for the waitlist's checks).
pub fn customer_of(
    conn: &mut DbConn,
    id: crate::ids::CustomerId,
) -> Result<Option<(InstitutionId, hcrm_domain::customer::CustomerKind)>, DbError> {
    Ok(super::booking::customer(conn, id)?.map(|(i, _, k)| (i, k)))
}
