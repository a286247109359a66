//! ORG-2: doctors and experts (专家) with their consultation schedule (出诊时间).

use diesel::prelude::*;
use hcrm_domain::Scope;
use hcrm_domain::api::org::{Doctor, DoctorCreate, DoctorUpdate, ScheduleSlot};
use uuid::Uuid;

use crate::conn::{Db, DbConn};
use crate::error::DbError;
use crate::ids::{DepartmentId, DoctorId, InstitutionId, ScheduleSlotId};
use crate::kit::{InScope, bump_version, counted_page, decode, versioned_update};
use crate::schema::{doctor_schedules, doctors};
use crate::util::{ListWindow, like_pattern, lower, now, utc};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = doctors)]
struct Row {
    id: DoctorId,
    institution_id: InstitutionId,
    department_id: DepartmentId,
    name: String,
    title: String,
    /// JSON array of strings.
    specialties: String,
    active: bool,
    version: i32,
    created_at: chrono::NaiveDateTime,
    updated_at: chrono::NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = doctor_schedules)]
struct SlotRow {
    id: ScheduleSlotId,
    doctor_id: DoctorId,
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

fn load_schedules(conn: &mut DbConn, ids: &[DoctorId]) -> Result<Vec<SlotRow>, DbError> {
    Ok(doctor_schedules::table
        .filter(doctor_schedules::doctor_id.eq_any(ids))
        .order((
            doctor_schedules::doctor_id,
            doctor_schedules::weekday,
            doctor_schedules::on_date,
            doctor_schedules::half_day,
        ))
        .select(SlotRow::as_select())
        .load(conn)?)
}

/// Turns rows into DTOs with their schedules, in one query for all of them.
fn with_schedules(conn: &mut DbConn, rows: Vec<Row>) -> Result<Vec<Doctor>, DbError> {
    let ids: Vec<DoctorId> = rows.iter().map(|r| r.id).collect();
    let mut slots = load_schedules(conn, &ids)?;
    rows.into_iter()
        .map(|r| {
            let (mine, rest): (Vec<SlotRow>, Vec<SlotRow>) = std::mem::take(&mut slots)
                .into_iter()
                .partition(|s| s.doctor_id == r.id);
            slots = rest;
            Ok(Doctor {
                id: r.id.0,
                institution_id: r.institution_id.0,
                department_id: r.department_id.0,
                name: r.name,
                title: r.title,
                specialties: serde_json::from_str(&r.specialties)
                    .map_err(|e| DbError::Corrupt(e.to_string()))?,
                schedule: mine
                    .into_iter()
                    .map(SlotRow::into_dto)
                    .collect::<Result<_, _>>()?,
                active: r.active,
                version: r.version,
                created_at: utc(r.created_at),
                updated_at: utc(r.updated_at),
            })
        })
        .collect()
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub institution_id: Option<Uuid>,
    pub department_id: Option<Uuid>,
    /// Fragment of the name, title or specialties.
    pub q: Option<String>,
    pub active: Option<bool>,
}

fn filtered<'a>(scope: &Scope, f: &'a Filter) -> doctors::BoxedQuery<'a, Db> {
    let mut q = doctors::table.into_boxed();
    q = q.in_scope(doctors::institution_id, scope);
    if let Some(inst) = f.institution_id {
        q = q.filter(doctors::institution_id.eq(InstitutionId::from(inst)));
    }
    if let Some(dept) = f.department_id {
        q = q.filter(doctors::department_id.eq(DepartmentId::from(dept)));
    }
    if let Some(text) = f.q.as_deref().filter(|t| !t.trim().is_empty()) {
        let p = like_pattern(text.trim());
        q = q.filter(
            lower(doctors::name)
                .like(p.clone())
                .escape('\\')
                .or(lower(doctors::title).like(p.clone()).escape('\\'))
                .or(lower(doctors::specialties).like(p).escape('\\')),
        );
    }
    if let Some(active) = f.active {
        q = q.filter(doctors::active.eq(active));
    }
    q
}

pub fn list(
    conn: &mut DbConn,
    scope: &Scope,
    f: &Filter,
    window: ListWindow,
) -> Result<(Vec<Doctor>, i64), DbError> {
    let (rows, total) = counted_page!(
        conn,
        filtered(scope, f),
        |q| q.order((doctors::name.asc(), doctors::id.asc())),
        Row,
        window
    );
    Ok((with_schedules(conn, rows)?, total))
}

pub fn get(conn: &mut DbConn, scope: &Scope, id: Uuid) -> Result<Doctor, DbError> {
    let row = doctors::table
        .find(DoctorId::from(id))
        .select(Row::as_select())
        .first::<Row>(conn)?;
    let doctor = with_schedules(conn, vec![row])?
        .pop()
        .ok_or(DbError::NotFound)?;
    if scope.allows(doctor.institution_id) {
        Ok(doctor)
    } else {
        Err(DbError::NotFound)
    }
}

fn replace_schedule(
    conn: &mut DbConn,
    doctor_id: DoctorId,
    slots: &[ScheduleSlot],
) -> Result<(), DbError> {
    diesel::delete(doctor_schedules::table.filter(doctor_schedules::doctor_id.eq(doctor_id)))
        .execute(conn)?;
    let rows: Vec<SlotRow> = slots
        .iter()
        .map(|s| SlotRow {
            id: ScheduleSlotId::new(),
            doctor_id,
            weekday: s.weekday.map(i32::from),
            on_date: s.date,
            half_day: s.half_day.code().to_string(),
            capacity: s.capacity,
        })
        .collect();
    // One row at a time: SQLite's batch insert through the multi-backend is not supported.
    for row in &rows {
        diesel::insert_into(doctor_schedules::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

fn specialties_json(s: &[String]) -> String {
    serde_json::Value::from(s.iter().map(|x| x.trim()).collect::<Vec<_>>()).to_string()
}

/// Creates a doctor in `institution_id` (the department's); run inside a write transaction.
pub fn create(conn: &mut DbConn, institution_id: Uuid, c: &DoctorCreate) -> Result<Uuid, DbError> {
    let t = now();
    let row = Row {
        id: DoctorId::new(),
        institution_id: institution_id.into(),
        department_id: c.department_id.into(),
        name: c.name.trim().to_string(),
        title: c.title.trim().to_string(),
        specialties: specialties_json(&c.specialties),
        active: true,
        version: 1,
        created_at: t,
        updated_at: t,
    };
    diesel::insert_into(doctors::table)
        .values(&row)
        .execute(conn)?;
    replace_schedule(conn, row.id, &c.schedule)?;
    Ok(row.id.0)
}

#[derive(AsChangeset)]
#[diesel(table_name = doctors)]
struct Changes {
    department_id: Option<DepartmentId>,
    institution_id: Option<InstitutionId>,
    name: Option<String>,
    title: Option<String>,
    specialties: Option<String>,
    active: Option<bool>,
    updated_at: chrono::NaiveDateTime,
}

/// Applies `u`; `new_institution` is the institution of a new department, checked by the caller.
pub fn update(
    conn: &mut DbConn,
    scope: &Scope,
    id: Uuid,
    expected_version: i32,
    new_institution: Option<Uuid>,
    u: &DoctorUpdate,
) -> Result<(Doctor, Doctor), DbError> {
    let before = versioned_update(
        conn,
        expected_version,
        |c| get(c, scope, id),
        |r| r.version,
        |conn, _| {
            let changes = Changes {
                department_id: u.department_id.map(DepartmentId::from),
                institution_id: new_institution.map(InstitutionId::from),
                name: u.name.as_ref().map(|s| s.trim().to_string()),
                title: u.title.as_ref().map(|s| s.trim().to_string()),
                specialties: u.specialties.as_deref().map(specialties_json),
                active: u.active,
                updated_at: now(),
            };
            bump_version!(conn, doctors, DoctorId::from(id), expected_version, changes)
        },
    )?;
    if let Some(schedule) = &u.schedule {
        replace_schedule(conn, DoctorId::from(id), schedule)?;
    }
    let after = get(conn, &Scope::Group, id)?;
    Ok((before, after))
}
