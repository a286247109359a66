//! CMP-7: who is responsible for a case and the penalty confirmed, the month's penalties for
//! the review; and the case's improvement actions (防范改善).

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use hcrm_domain::Scope;
use hcrm_domain::api::complaint_money::{Improvement, ImprovementUpdate, Responsibility};
use hcrm_domain::complaint::PenaltyLevel;
use uuid::Uuid;

use crate::conn::DbConn;
use crate::error::DbError;
use crate::ids::{
    ComplaintId, DepartmentId, DoctorId, ImprovementId, InstitutionId, ResponsibilityId, UserId,
};
use crate::institutions::{self, Todays};
use crate::kit::{InScope, bump_version, decode, decode_opt, versioned_update};
use crate::schema::complaint_improvements as im;
use crate::schema::complaint_responsibilities as rs;
use crate::schema::complaints as k;
use crate::schema::departments as d;
use crate::util::{now, utc};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = rs)]
struct Row {
    id: ResponsibilityId,
    complaint_id: ComplaintId,
    institution_id: InstitutionId,
    staff_user_id: Option<UserId>,
    staff_doctor_id: Option<DoctorId>,
    staff_name: String,
    department_id: Option<DepartmentId>,
    supervisor_user_id: Option<UserId>,
    supervisor_name: Option<String>,
    leader_user_id: Option<UserId>,
    leader_name: Option<String>,
    description: String,
    loss_fen: i64,
    serious_accident: bool,
    reputation_damage: bool,
    patient_dissatisfied: bool,
    proposed_level: String,
    confirmed_level: Option<String>,
    confirmed_by: Option<UserId>,
    confirmed_at: Option<NaiveDateTime>,
    confirmed_on: Option<NaiveDate>,
    confirmation_note: Option<String>,
    version: i32,
    created_by: Option<UserId>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl Row {
    fn into_dto(self) -> Result<Responsibility, DbError> {
        let confirmed_level: Option<PenaltyLevel> = decode_opt(self.confirmed_level.as_deref())?;
        Ok(Responsibility {
            id: self.id.0,
            complaint_id: self.complaint_id.0,
            institution_id: self.institution_id.0,
            complaint_number: None,
            staff_user_id: self.staff_user_id.map(Uuid::from),
            staff_doctor_id: self.staff_doctor_id.map(Uuid::from),
            staff_name: self.staff_name,
            department_id: self.department_id.map(Uuid::from),
            department_name: None,
            supervisor_user_id: self.supervisor_user_id.map(Uuid::from),
            supervisor_name: self.supervisor_name,
            leader_user_id: self.leader_user_id.map(Uuid::from),
            leader_name: self.leader_name,
            description: self.description,
            loss_fen: self.loss_fen,
            serious_accident: self.serious_accident,
            reputation_damage: self.reputation_damage,
            patient_dissatisfied: self.patient_dissatisfied,
            proposed_level: decode(&self.proposed_level)?,
            confirmed_level,
            confirmed_by: self.confirmed_by.map(Uuid::from),
            confirmed_by_name: None,
            confirmed_at: self.confirmed_at.map(utc),
            confirmed_on: self.confirmed_on,
            confirmation_note: self.confirmation_note,
            fines: confirmed_level.map(PenaltyLevel::fines),
            version: self.version,
            created_by: self.created_by.map(Uuid::from),
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }
}

/// The findings with their case numbers, department names and confirmers' names: one
/// statement for each kind of name, whatever the number of findings.
fn named(conn: &mut DbConn, rows: Vec<Row>) -> Result<Vec<Responsibility>, DbError> {
    let cases: Vec<ComplaintId> = rows.iter().map(|r| r.complaint_id).collect();
    let departments: Vec<DepartmentId> = rows.iter().filter_map(|r| r.department_id).collect();
    let confirmers: Vec<UserId> = rows.iter().filter_map(|r| r.confirmed_by).collect();
    let numbers: HashMap<ComplaintId, String> = if cases.is_empty() {
        HashMap::new()
    } else {
        k::table
            .filter(k::id.eq_any(&cases))
            .select((k::id, k::number))
            .load::<(ComplaintId, String)>(conn)?
            .into_iter()
            .collect()
    };
    let department_names: HashMap<DepartmentId, String> = if departments.is_empty() {
        HashMap::new()
    } else {
        d::table
            .filter(d::id.eq_any(&departments))
            .select((d::id, d::name))
            .load::<(DepartmentId, String)>(conn)?
            .into_iter()
            .collect()
    };
    let confirmer_names = crate::users::display_names(conn, &confirmers)?;
    rows.into_iter()
        .map(|row| {
            let number = numbers.get(&row.complaint_id).cloned();
            let department = row
                .department_id
                .and_then(|i| department_names.get(&i).cloned());
            let confirmer = row
                .confirmed_by
                .and_then(|i| confirmer_names.get(&i).cloned());
            let mut dto = row.into_dto()?;
            dto.complaint_number = number;
            dto.department_name = department;
            dto.confirmed_by_name = confirmer;
            Ok(dto)
        })
        .collect()
}

/// A finding to create; the API has resolved the names and the loss.
#[derive(Debug, Clone)]
pub struct NewResponsibility {
    pub complaint_id: Uuid,
    pub institution_id: Uuid,
    pub staff_user_id: Option<Uuid>,
    pub staff_doctor_id: Option<Uuid>,
    pub staff_name: String,
    pub department_id: Option<Uuid>,
    pub supervisor_user_id: Option<Uuid>,
    pub supervisor_name: Option<String>,
    pub leader_user_id: Option<Uuid>,
    pub leader_name: Option<String>,
    pub description: String,
    pub loss_fen: i64,
    pub serious_accident: bool,
    pub reputation_damage: bool,
    pub patient_dissatisfied: bool,
    pub proposed_level: PenaltyLevel,
    pub created_by: Uuid,
}

pub fn create(conn: &mut DbConn, n: NewResponsibility) -> Result<Uuid, DbError> {
    let at = now();
    let id = ResponsibilityId::new();
    let row = Row {
        id,
        complaint_id: n.complaint_id.into(),
        institution_id: n.institution_id.into(),
        staff_user_id: n.staff_user_id.map(UserId::from),
        staff_doctor_id: n.staff_doctor_id.map(DoctorId::from),
        staff_name: n.staff_name.trim().to_string(),
        department_id: n.department_id.map(DepartmentId::from),
        supervisor_user_id: n.supervisor_user_id.map(UserId::from),
        supervisor_name: n.supervisor_name.map(|s| s.trim().to_string()),
        leader_user_id: n.leader_user_id.map(UserId::from),
        leader_name: n.leader_name.map(|s| s.trim().to_string()),
        description: n.description.trim().to_string(),
        loss_fen: n.loss_fen,
        serious_accident: n.serious_accident,
        reputation_damage: n.reputation_damage,
        patient_dissatisfied: n.patient_dissatisfied,
        proposed_level: n.proposed_level.code().into(),
        confirmed_level: None,
        confirmed_by: None,
        confirmed_at: None,
        confirmed_on: None,
        confirmation_note: None,
        version: 1,
        created_by: Some(n.created_by.into()),
        created_at: at,
        updated_at: at,
    };
    diesel::insert_into(rs::table).values(&row).execute(conn)?;
    Ok(id.0)
}

/// Finding `id` of complaint `complaint` in `scope`.
pub fn get(
    conn: &mut DbConn,
    scope: &Scope,
    complaint: Uuid,
    id: Uuid,
) -> Result<Responsibility, DbError> {
    let row = rs::table
        .filter(rs::id.eq(ResponsibilityId::from(id)))
        .filter(rs::complaint_id.eq(ComplaintId::from(complaint)))
        .into_boxed()
        .in_scope(rs::institution_id, scope)
        .select(Row::as_select())
        .first::<Row>(conn)?;
    named(conn, vec![row])?.pop().ok_or(DbError::NotFound)
}

/// The findings of a case (in scope), oldest first.
pub fn list(
    conn: &mut DbConn,
    scope: &Scope,
    complaint: Uuid,
) -> Result<Vec<Responsibility>, DbError> {
    let rows = rs::table
        .filter(rs::complaint_id.eq(ComplaintId::from(complaint)))
        .into_boxed()
        .in_scope(rs::institution_id, scope)
        .order(rs::id.asc())
        .select(Row::as_select())
        .load::<Row>(conn)?;
    named(conn, rows)
}

/// The findings confirmed on the institutions' dates `from` (inclusive) to `to` (exclusive),
/// in `scope` (and of `institution` when given), by confirmation.
pub fn confirmed_between(
    conn: &mut DbConn,
    scope: &Scope,
    institution: Option<Uuid>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Responsibility>, DbError> {
    let mut q = rs::table
        .filter(rs::confirmed_on.ge(from))
        .filter(rs::confirmed_on.lt(to))
        .into_boxed()
        .in_scope(rs::institution_id, scope);
    if let Some(i) = institution {
        q = q.filter(rs::institution_id.eq(InstitutionId::from(i)));
    }
    let rows = q
        .order((rs::confirmed_at.asc(), rs::id.asc()))
        .select(Row::as_select())
        .load::<Row>(conn)?;
    named(conn, rows)
}

/// A person's confirmation of a penalty level.
#[derive(Debug, Clone)]
pub struct Confirmation {
    pub level: PenaltyLevel,
    pub note: Option<String>,
    pub by: Uuid,
}

/// Confirms a level for finding `id` at `expected_version`, on the institution's date;
/// returns (before, after).
pub fn confirm(
    conn: &mut DbConn,
    scope: &Scope,
    complaint: Uuid,
    id: Uuid,
    expected_version: i32,
    confirmation: &Confirmation,
) -> Result<(Responsibility, Responsibility), DbError> {
    let Confirmation { level, note, by } = confirmation.clone();
    let before = versioned_update(
        conn,
        expected_version,
        |c| get(c, scope, complaint, id),
        |x| x.version,
        |conn, before| {
            let at = now();
            let on = institutions::today_of(conn, before.institution_id)?;
            bump_version!(
                conn,
                rs,
                ResponsibilityId::from(id),
                expected_version,
                (
                    rs::confirmed_level.eq(Some(level.code())),
                    rs::confirmed_by.eq(Some(UserId::from(by))),
                    rs::confirmed_at.eq(Some(at)),
                    rs::confirmed_on.eq(Some(on)),
                    rs::confirmation_note.eq(note.as_ref().map(|s| s.trim().to_string())),
                    rs::updated_at.eq(at),
                )
            )
        },
    )?;
    let after = get(conn, scope, complaint, id)?;
    Ok((before, after))
}

// ---------------------------------------------------------------------------------------
// Improvement actions
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = im)]
struct ImprovementRow {
    id: ImprovementId,
    complaint_id: ComplaintId,
    institution_id: InstitutionId,
    text: String,
    owner_id: UserId,
    due_on: NaiveDate,
    done: bool,
    done_at: Option<NaiveDateTime>,
    done_by: Option<UserId>,
    version: i32,
    created_by: Option<UserId>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl ImprovementRow {
    fn into_dto(self, todays: &Todays) -> Improvement {
        let today = todays.of(self.institution_id.0);
        Improvement {
            id: self.id.0,
            complaint_id: self.complaint_id.0,
            institution_id: self.institution_id.0,
            text: self.text,
            owner_id: self.owner_id.0,
            due_on: self.due_on,
            done: self.done,
            done_at: self.done_at.map(utc),
            done_by: self.done_by.map(Uuid::from),
            overdue: !self.done && self.due_on < today,
            version: self.version,
            created_by: self.created_by.map(Uuid::from),
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        }
    }
}

/// An improvement action to create; the API has checked the owner.
#[derive(Debug, Clone)]
pub struct NewImprovement {
    pub complaint_id: Uuid,
    pub institution_id: Uuid,
    pub text: String,
    pub owner_id: Uuid,
    pub due_on: NaiveDate,
    pub created_by: Uuid,
}

pub fn create_improvement(conn: &mut DbConn, n: NewImprovement) -> Result<Uuid, DbError> {
    let at = now();
    let id = ImprovementId::new();
    let row = ImprovementRow {
        id,
        complaint_id: n.complaint_id.into(),
        institution_id: n.institution_id.into(),
        text: n.text.trim().to_string(),
        owner_id: n.owner_id.into(),
        due_on: n.due_on,
        done: false,
        done_at: None,
        done_by: None,
        version: 1,
        created_by: Some(n.created_by.into()),
        created_at: at,
        updated_at: at,
    };
    diesel::insert_into(im::table).values(&row).execute(conn)?;
    Ok(id.0)
}

pub fn get_improvement(
    conn: &mut DbConn,
    scope: &Scope,
    complaint: Uuid,
    id: Uuid,
) -> Result<Improvement, DbError> {
    let row = im::table
        .filter(im::id.eq(ImprovementId::from(id)))
        .filter(im::complaint_id.eq(ComplaintId::from(complaint)))
        .into_boxed()
        .in_scope(im::institution_id, scope)
        .select(ImprovementRow::as_select())
        .first::<ImprovementRow>(conn)?;
    Ok(row.into_dto(&institutions::todays(conn)?))
}

pub fn list_improvements(
    conn: &mut DbConn,
    scope: &Scope,
    complaint: Uuid,
) -> Result<Vec<Improvement>, DbError> {
    let rows = im::table
        .filter(im::complaint_id.eq(ComplaintId::from(complaint)))
        .into_boxed()
        .in_scope(im::institution_id, scope)
        .order(im::id.asc())
        .select(ImprovementRow::as_select())
        .load::<ImprovementRow>(conn)?;
    let todays = institutions::todays(conn)?;
    Ok(rows.into_iter().map(|r| r.into_dto(&todays)).collect())
}

#[derive(AsChangeset)]
#[diesel(table_name = im)]
struct ImprovementChanges {
    text: Option<String>,
    owner_id: Option<UserId>,
    due_on: Option<NaiveDate>,
    done: Option<bool>,
    done_at: Option<Option<NaiveDateTime>>,
    done_by: Option<Option<UserId>>,
    updated_at: NaiveDateTime,
}

/// Applies `u` at `expected_version`; marking it done records when and by whom, reopening
/// clears that. Returns (before, after).
pub fn update_improvement(
    conn: &mut DbConn,
    scope: &Scope,
    complaint: Uuid,
    id: Uuid,
    expected_version: i32,
    u: &ImprovementUpdate,
    by: Uuid,
) -> Result<(Improvement, Improvement), DbError> {
    let before = versioned_update(
        conn,
        expected_version,
        |c| get_improvement(c, scope, complaint, id),
        |x| x.version,
        |conn, before| {
            let at = now();
            let (done_at, done_by) = match u.done {
                Some(true) if !before.done => (Some(Some(at)), Some(Some(UserId::from(by)))),
                Some(false) if before.done => (Some(None), Some(None)),
                _ => (None, None),
            };
            let changes = ImprovementChanges {
                text: u.text.as_ref().map(|s| s.trim().to_string()),
                owner_id: u.owner_id.map(UserId::from),
                due_on: u.due_on,
                done: u.done,
                done_at,
                done_by,
                updated_at: at,
            };
            bump_version!(conn, im, ImprovementId::from(id), expected_version, changes)
        },
    )?;
    let after = get_improvement(conn, scope, complaint, id)?;
    Ok((before, after))
}
