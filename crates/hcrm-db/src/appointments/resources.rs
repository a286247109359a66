//! 检查资源 — examination resources (ultrasound, CT …) with a weekly schedule like a
//! doctor's, so that their sessions are made and booked the same way (ORG-2, SVC-2).

use diesel::prelude::*;
use hcrm_domain::Scope;
use hcrm_domain::api::appointments::{ClinicResource, ClinicResourceCreate, ClinicResourceUpdate};
use hcrm_domain::api::org::ScheduleSlot;
use uuid::Uuid;

use crate::conn::DbConn;
use crate::error::DbError;
use crate::ids::{DepartmentId, InstitutionId, ResourceId, ResourceSlotId};
use crate::kit::{InScope, bump_version, counted_page, decode, versioned_update};
use crate::schema::{clinic_resources as r, resource_schedules as rs};
use crate::util::{ListWindow, now, utc};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = r)]
struct Row {
    id: ResourceId,
    institution_id: InstitutionId,
    department_id: Option<DepartmentId>,
    name: String,
    kind: String,
    active: bool,
    version: i32,
    created_at: chrono::NaiveDateTime,
    updated_at: chrono::NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = rs)]
struct SlotRow {
    id: ResourceSlotId,
    resource_id: ResourceId,
    weekday: Option<i32>,
    on_date: Option<chrono::NaiveDate>,
    half_day: String,
    capacity: i32,
}

impl SlotRow {
    fn into_dto(self) -> Result<ScheduleSlot, DbError> {
        Ok(ScheduleSlot {
            weekday: self
                .weekday
                .map(|w| u8::try_from(w).map_err(|_| DbError::Corrupt(format!("weekday {w}"))))
                .transpose()?,
            date: self.on_date,
            half_day: decode(&self.half_day)?,
            capacity: self.capacity,
        })
    }
}

fn with_schedules(conn: &mut DbConn, rows: Vec<Row>) -> Result<Vec<ClinicResource>, DbError> {
    let ids: Vec<ResourceId> = rows.iter().map(|x| x.id).collect();
    let slots: Vec<SlotRow> = rs::table
        .filter(rs::resource_id.eq_any(ids))
        .order((rs::resource_id, rs::weekday, rs::on_date, rs::half_day))
        .select(SlotRow::as_select())
        .load(conn)?;
    rows.into_iter()
        .map(|x| {
            Ok(ClinicResource {
                id: x.id.0,
                institution_id: x.institution_id.0,
                department_id: x.department_id.map(|d| d.0),
                name: x.name,
                kind: decode(&x.kind)?,
                schedule: slots
                    .iter()
                    .filter(|s| s.resource_id == x.id)
                    .cloned()
                    .map(SlotRow::into_dto)
                    .collect::<Result<_, _>>()?,
                active: x.active,
                version: x.version,
                created_at: utc(x.created_at),
                updated_at: utc(x.updated_at),
            })
        })
        .collect()
}

/// The caller's resources (of one institution or department), by name.
pub fn list(
    conn: &mut DbConn,
    scope: &Scope,
    institution_id: Option<Uuid>,
    department_id: Option<Uuid>,
    window: ListWindow,
) -> Result<(Vec<ClinicResource>, i64), DbError> {
    let query = || {
        let mut q = r::table.into_boxed();
        q = q.in_scope(r::institution_id, scope);
        if let Some(i) = institution_id {
            q = q.filter(r::institution_id.eq(InstitutionId::from(i)));
        }
        if let Some(d) = department_id {
            q = q.filter(r::department_id.eq(DepartmentId::from(d)));
        }
        q
    };
    let (rows, total) = counted_page!(
        conn,
        query(),
        |q| q.order((r::name.asc(), r::id.asc())),
        Row,
        window
    );
    Ok((with_schedules(conn, rows)?, total))
}

/// One resource; `NotFound` outside `scope`.
pub fn get(conn: &mut DbConn, scope: &Scope, id: Uuid) -> Result<ClinicResource, DbError> {
    let row: Row = r::table
        .find(ResourceId::from(id))
        .select(Row::as_select())
        .first(conn)?;
    if !scope.allows(row.institution_id.0) {
        return Err(DbError::NotFound);
    }
    with_schedules(conn, vec![row])?
        .pop()
        .ok_or(DbError::NotFound)
}

fn replace_schedule(
    conn: &mut DbConn,
    id: ResourceId,
    slots: &[ScheduleSlot],
) -> Result<(), DbError> {
    diesel::delete(rs::table.filter(rs::resource_id.eq(id))).execute(conn)?;
    for s in slots {
        diesel::insert_into(rs::table)
            .values(SlotRow {
                id: ResourceSlotId::new(),
                resource_id: id,
                weekday: s.weekday.map(i32::from),
                on_date: s.date,
                half_day: s.half_day.code().to_string(),
                capacity: s.capacity,
            })
            .execute(conn)?;
    }
    Ok(())
}

/// Creates a resource in `institution` (checked by the caller); in a write transaction.
pub fn create(
    conn: &mut DbConn,
    institution: Uuid,
    c: &ClinicResourceCreate,
) -> Result<ClinicResource, DbError> {
    let at = now();
    let row = Row {
        id: ResourceId::new(),
        institution_id: institution.into(),
        department_id: c.department_id.map(DepartmentId::from),
        name: c.name.trim().to_string(),
        kind: c.kind.code().to_string(),
        active: true,
        version: 1,
        created_at: at,
        updated_at: at,
    };
    diesel::insert_into(r::table).values(&row).execute(conn)?;
    replace_schedule(conn, row.id, &c.schedule)?;
    get(conn, &Scope::Group, row.id.0)
}

#[derive(AsChangeset)]
#[diesel(table_name = r)]
struct Changes {
    name: Option<String>,
    kind: Option<String>,
    active: Option<bool>,
    updated_at: chrono::NaiveDateTime,
}

/// Applies `u` when `expected_version` is current (412 otherwise).
pub fn update(
    conn: &mut DbConn,
    scope: &Scope,
    id: Uuid,
    expected_version: i32,
    u: &ClinicResourceUpdate,
) -> Result<(ClinicResource, ClinicResource), DbError> {
    let before = versioned_update(
        conn,
        expected_version,
        |c| get(c, scope, id),
        |x| x.version,
        |conn, _| {
            let changes = Changes {
                name: u.name.as_ref().map(|s| s.trim().to_string()),
                kind: u.kind.map(|k| k.code().to_string()),
                active: u.active,
                updated_at: now(),
            };
            bump_version!(conn, r, ResourceId::from(id), expected_version, changes)
        },
    )?;
    if let Some(schedule) = &u.schedule {
        replace_schedule(conn, ResourceId::from(id), schedule)?;
    }
    Ok((before, get(conn, &Scope::Group, id)?))
}
