//! 投诉 — complaint cases (CMP-1 … CMP-5a): intake with the number taken in the insert's
//! transaction (CMP-2, X-14), the moves of the flow with their history (CMP-4), the clocks
//! (CMP-5, CMP-5a) and the list by urgency. The rules (who may do what, the limits) live in
//! `hcrm_domain::complaint`; the API checks the caller before calling in here.

pub mod clocks;
mod edit;
mod events;
mod lists;

pub use edit::update;

pub use lists::list;
pub(crate) use lists::timeline_source;

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use hcrm_domain::Scope;
use hcrm_domain::api::complaints::{
    Complainant, Complaint, ComplaintHistoryEntry, ComplaintLimits, ComplaintListItem,
    ComplaintPerson, InvolvedDepartment, InvolvedStaff,
};
use hcrm_domain::complaint::{
    ClockKind, ClockState, ComplaintAction, ComplaintCategory, ComplaintChannel, ComplaintNumber,
    ComplaintSeverity, ComplaintState,
};
use hcrm_domain::customer::mask_phone;
use uuid::Uuid;

use crate::conn::{Db, DbConn};
use crate::error::DbError;
use crate::ids::{
    ComplaintEventId, ComplaintId, CustomerId, DepartmentId, DoctorId, InstitutionId,
    InvolvedPartyId, UserId,
};
use crate::kit::{InScope, bump_version, counted_page, decode, decode_opt, versioned_update};
use crate::schema::complaint_counters as cc;
use crate::schema::complaint_history as h;
use crate::schema::complaint_involved as inv;
use crate::schema::complaints as c;
use crate::util::{ListWindow, now, utc};
use clocks::ClockRow;

/// The key of the limits setting (CMP-5: all limits are settings).
pub const SETTING: &str = "complaints";

/// The limits in force: the `complaints` setting, else the seed's.
pub fn limits(conn: &mut DbConn) -> Result<ComplaintLimits, DbError> {
    clocks::limits_from(crate::settings::get(conn, SETTING)?.map(|(v, _)| v))
}

/// The limits and the setting's version (0 while never saved).
pub fn limits_versioned(conn: &mut DbConn) -> Result<(ComplaintLimits, i32), DbError> {
    let stored = crate::settings::get(conn, SETTING)?;
    let version = stored.as_ref().map_or(0, |(_, v)| *v);
    Ok((clocks::limits_from(stored.map(|(v, _)| v))?, version))
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = c)]
struct Row {
    id: ComplaintId,
    institution_id: InstitutionId,
    number: String,
    period: String,
    serial: i32,
    channel: String,
    customer_id: CustomerId,
    receiver_id: UserId,
    handler_id: Option<UserId>,
    description: String,
    occurred_at: Option<NaiveDateTime>,
    received_at: NaiveDateTime,
    demands: Option<String>,
    category: Option<String>,
    severity: Option<String>,
    major_dispute: bool,
    state: String,
    waiting_on_patient: bool,
    promised_reply_at: NaiveDateTime,
    settled_on_spot: bool,
    solution: Option<String>,
    outcome: Option<String>,
    closed_at: Option<NaiveDateTime>,
    urgent_deadline: Option<NaiveDateTime>,
    version: i32,
    created_by: Option<UserId>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = inv)]
struct InvolvedRow {
    id: InvolvedPartyId,
    complaint_id: ComplaintId,
    position: i32,
    kind: String,
    department_id: Option<DepartmentId>,
    doctor_id: Option<DoctorId>,
    user_id: Option<UserId>,
    name: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = h)]
struct HistoryRow {
    id: ComplaintEventId,
    complaint_id: ComplaintId,
    action: String,
    from_state: Option<String>,
    to_state: String,
    actor_id: UserId,
    at: NaiveDateTime,
    comment: Option<String>,
}

fn micros(t: DateTime<Utc>) -> NaiveDateTime {
    use chrono::Timelike;
    let n = t.naive_utc();
    n.with_nanosecond(n.nanosecond() / 1000 * 1000).unwrap_or(n)
}

/// A complaint to record; the API has checked every reference (customer, departments,
/// staff) and filled the names of the records named.
#[derive(Debug, Clone)]
pub struct NewComplaint {
    pub institution_id: Uuid,
    pub channel: ComplaintChannel,
    pub customer_id: Uuid,
    pub receiver_id: Uuid,
    pub description: String,
    pub occurred_at: Option<DateTime<Utc>>,
    pub received_at: DateTime<Utc>,
    pub departments: Vec<InvolvedDepartment>,
    pub staff: Vec<InvolvedStaff>,
    pub demands: Option<String>,
    pub category: Option<ComplaintCategory>,
    pub severity: Option<ComplaintSeverity>,
    pub major_dispute: bool,
    /// Settled on the spot: the outcome; the case is closed at once.
    pub settled: Option<String>,
}

/// CMP-2: the next serial of institution `institution` in `month` (`2026-12`), taken in the
/// caller's write transaction: an upsert on the counter row, whose row lock (PostgreSQL) or
/// the write lock (SQLite) makes concurrent intakes wait for each other, so that serials are
/// distinct and consecutive; a rolled-back intake gives its serial back.
fn next_serial(conn: &mut DbConn, institution: InstitutionId, month: &str) -> Result<i32, DbError> {
    let insert = diesel::insert_into(cc::table)
        .values((
            cc::institution_id.eq(institution),
            cc::period.eq(month),
            cc::last_serial.eq(1),
        ))
        .on_conflict((cc::institution_id, cc::period))
        .do_update()
        .set(cc::last_serial.eq(cc::last_serial + 1))
        .returning(cc::last_serial);
    Ok(match conn {
        DbConn::Postgresql(pg) => insert.get_result(pg)?,
        DbConn::Sqlite(lite) => insert.get_result(lite)?,
    })
}

/// Records a complaint with its number, clocks and first history entry; run inside a write
/// transaction. A major dispute makes the reporting task for the institution's directors.
/// Returns the id.
pub fn create(conn: &mut DbConn, n: NewComplaint, at: DateTime<Utc>) -> Result<Uuid, DbError> {
    use crate::schema::institutions as i;
    let limits = limits(conn)?;
    let institution = InstitutionId::from(n.institution_id);
    let (code, zone): (String, String) = i::table
        .find(institution)
        .select((i::code, i::time_zone))
        .first(conn)?;
    let calendar = crate::calendars::calendar_of(conn, n.institution_id)?;
    let received_on = hcrm_domain::time::date_in(n.received_at, &zone);
    let month = received_on.format("%Y-%m").to_string();
    let serial = next_serial(conn, institution, &month)?;
    let number = ComplaintNumber::new(&code, received_on, serial.unsigned_abs());
    let id = ComplaintId::new();
    let t = micros(at);
    let state = if n.settled.is_some() {
        ComplaintState::Closed
    } else {
        ComplaintState::Received
    };
    let departments = n.departments.len();
    let mut clock_rows = Vec::new();
    let national_limit = limits.national_for(departments);
    let mut national = ClockRow::start(
        id,
        institution,
        ClockKind::National,
        national_limit,
        n.received_at,
        &calendar,
    );
    if n.settled.is_some() {
        // Settled and told on the spot (CMP-5a): the national clock is met at once.
        let mut clock = national.clock()?;
        clock.stop(&calendar, at.max(n.received_at));
        national.set(&clock, &calendar);
    } else {
        let mut hand_over = ClockRow::start(
            id,
            institution,
            ClockKind::HandOver,
            limits.hand_over,
            n.received_at,
            &calendar,
        );
        // A complaint received earlier (a letter, a weekend call) may be late already.
        let mut clock = hand_over.clock()?;
        clock.note_breach(&calendar, at);
        hand_over.set(&clock, &calendar);
        clock_rows.push(hand_over);
        let mut clock = national.clock()?;
        clock.note_breach(&calendar, at);
        national.set(&clock, &calendar);
    }
    clock_rows.push(national);
    let row = Row {
        id,
        institution_id: institution,
        number: number.to_string(),
        period: month,
        serial,
        channel: n.channel.code().to_string(),
        customer_id: n.customer_id.into(),
        receiver_id: n.receiver_id.into(),
        handler_id: None,
        description: n.description.trim().to_string(),
        occurred_at: n.occurred_at.map(micros),
        received_at: micros(n.received_at),
        demands: n.demands.as_deref().map(str::trim).map(str::to_string),
        category: n.category.map(|v| v.code().to_string()),
        severity: n.severity.map(|v| v.code().to_string()),
        major_dispute: n.major_dispute,
        state: state.code().to_string(),
        waiting_on_patient: false,
        promised_reply_at: micros(
            limits
                .promised_reply
                .deadline_from(&calendar, n.received_at),
        ),
        settled_on_spot: n.settled.is_some(),
        solution: None,
        outcome: n.settled.clone(),
        closed_at: n.settled.as_ref().map(|_| t),
        urgent_deadline: clocks::urgent_deadline(&clock_rows),
        version: 1,
        created_by: Some(n.receiver_id.into()),
        created_at: t,
        updated_at: t,
    };
    diesel::insert_into(c::table).values(&row).execute(conn)?;
    let involved = involved_rows(id, &n.departments, &n.staff);
    for r in &involved {
        diesel::insert_into(inv::table).values(r).execute(conn)?;
    }
    for r in &clock_rows {
        clocks::insert(conn, r)?;
    }
    let actor = UserId::from(n.receiver_id);
    history(
        conn,
        id,
        ComplaintAction::Receive,
        None,
        ComplaintState::Received,
        actor,
        t,
        None,
    )?;
    if let Some(outcome) = &n.settled {
        history(
            conn,
            id,
            ComplaintAction::SettleOnSpot,
            Some(ComplaintState::Received),
            ComplaintState::Closed,
            actor,
            t,
            Some(outcome.clone()),
        )?;
    }
    if n.major_dispute {
        report_major_dispute(conn, id)?;
    }
    events::raise(conn, id)?;
    Ok(id.0)
}

fn involved_rows(
    id: ComplaintId,
    departments: &[InvolvedDepartment],
    staff: &[InvolvedStaff],
) -> Vec<InvolvedRow> {
    let clean = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let mut out = Vec::new();
    for (p, d) in departments.iter().enumerate() {
        out.push(InvolvedRow {
            id: InvolvedPartyId::new(),
            complaint_id: id,
            position: p as i32,
            kind: "department".into(),
            department_id: d.department_id.map(DepartmentId::from),
            doctor_id: None,
            user_id: None,
            name: clean(&d.name),
        });
    }
    for (p, s) in staff.iter().enumerate() {
        out.push(InvolvedRow {
            id: InvolvedPartyId::new(),
            complaint_id: id,
            position: p as i32,
            kind: "staff".into(),
            department_id: None,
            doctor_id: s.doctor_id.map(DoctorId::from),
            user_id: s.user_id.map(UserId::from),
            name: clean(&s.name),
        });
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn history(
    conn: &mut DbConn,
    id: ComplaintId,
    action: ComplaintAction,
    from: Option<ComplaintState>,
    to: ComplaintState,
    actor: UserId,
    at: NaiveDateTime,
    comment: Option<String>,
) -> Result<(), DbError> {
    diesel::insert_into(h::table)
        .values(HistoryRow {
            id: ComplaintEventId::new(),
            complaint_id: id,
            action: action.code().to_string(),
            from_state: from.map(|s| s.code().to_string()),
            to_state: to.code().to_string(),
            actor_id: actor,
            at,
            comment: comment
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string),
        })
        .execute(conn)?;
    Ok(())
}

/// 《医疗纠纷预防和处理条例》 第二十八条: a major medical dispute is reported to the health
/// authority — a task for the institution's directors, once per case.
fn report_major_dispute(conn: &mut DbConn, id: ComplaintId) -> Result<(), DbError> {
    use crate::schema::tasks as t;
    let made: i64 = t::table
        .filter(t::source_type.eq("complaint_major_dispute"))
        .filter(t::source_id.eq(id.to_string()))
        .count()
        .get_result(conn)?;
    if made > 0 {
        return Ok(());
    }
    let (number, institution, customer): (String, InstitutionId, CustomerId) = c::table
        .find(id)
        .select((c::number, c::institution_id, c::customer_id))
        .first(conn)?;
    clocks::notify(
        conn,
        institution,
        customer,
        id,
        &[hcrm_domain::Role::Director],
        format!("重大医疗纠纷上报卫生主管部门：投诉 {number}"),
        Some(format!(
            "Major medical dispute {number}: report it to the county-level (or higher) health \
             authority (医疗纠纷预防和处理条例 Art. 28)."
        )),
        Utc::now(),
        "complaint_major_dispute",
    )?;
    Ok(())
}

/// The involved rows as the API shows them: departments, staff.
fn involved_of(rows: Vec<InvolvedRow>) -> (Vec<InvolvedDepartment>, Vec<InvolvedStaff>) {
    let mut departments = Vec::new();
    let mut staff = Vec::new();
    for r in rows {
        if r.kind == "department" {
            departments.push(InvolvedDepartment {
                department_id: r.department_id.map(|d| d.0),
                name: r.name,
            });
        } else {
            staff.push(InvolvedStaff {
                doctor_id: r.doctor_id.map(|d| d.0),
                user_id: r.user_id.map(|u| u.0),
                name: r.name,
            });
        }
    }
    (departments, staff)
}

/// What a read needs besides the record: the calendar of its institution and the instant.
fn dto(
    conn: &mut DbConn,
    row: Row,
    unmasked: bool,
    at: DateTime<Utc>,
) -> Result<Complaint, DbError> {
    use crate::schema::customer_phones as ph;
    use crate::schema::customers as cu;
    let calendar = crate::calendars::calendar_of(conn, row.institution_id.0)?;
    let (name, form): (String, String) = cu::table
        .find(row.customer_id)
        .select((cu::name, cu::form_of_address))
        .first(conn)?;
    let phone: Option<String> = ph::table
        .filter(ph::customer_id.eq(row.customer_id))
        .order((ph::is_primary.desc(), ph::phone.asc()))
        .select(ph::phone)
        .first(conn)
        .optional()?;
    let people: Vec<UserId> = [Some(row.receiver_id), row.handler_id]
        .into_iter()
        .flatten()
        .collect();
    let names = crate::users::display_names(conn, &people)?;
    let person = |id: UserId| ComplaintPerson {
        id: id.0,
        name: names.get(&id).cloned().unwrap_or_default(),
    };
    let involved: Vec<InvolvedRow> = inv::table
        .filter(inv::complaint_id.eq(row.id))
        .order((inv::kind.asc(), inv::position.asc()))
        .select(InvolvedRow::as_select())
        .load(conn)?;
    let (departments, staff) = involved_of(involved);
    let mut shown: Vec<_> = clocks::of(conn, row.id)?
        .iter()
        .map(|r| r.view(&calendar, at))
        .collect::<Result<_, _>>()?;
    // Running and paused clocks first, the most urgent first; then the finished ones.
    shown.sort_by_key(|v: &hcrm_domain::api::complaints::ComplaintClock| {
        let done = matches!(v.state, ClockState::Met) || v.stopped_at.is_some();
        (done, v.seconds_left)
    });
    let category: Option<ComplaintCategory> = decode_opt(row.category.as_deref())?;
    Ok(Complaint {
        id: row.id.0,
        institution_id: row.institution_id.0,
        time_zone: calendar.zone().name().to_string(),
        number: row.number,
        channel: decode(&row.channel)?,
        customer_id: row.customer_id.0,
        complainant: Complainant {
            id: row.customer_id.0,
            name,
            form_of_address: form,
            phone: phone.map(|p| if unmasked { p } else { mask_phone(&p) }),
        },
        description: row.description,
        occurred_at: row.occurred_at.map(utc),
        received_at: utc(row.received_at),
        receiver: person(row.receiver_id),
        handler: row.handler_id.map(person),
        departments,
        staff,
        demands: row.demands,
        category,
        quality: category.map(ComplaintCategory::is_quality),
        severity: decode_opt(row.severity.as_deref())?,
        major_dispute: row.major_dispute,
        state: decode(&row.state)?,
        waiting_on_patient: row.waiting_on_patient,
        promised_reply_at: utc(row.promised_reply_at),
        settled_on_spot: row.settled_on_spot,
        solution: row.solution,
        outcome: row.outcome,
        closed_at: row.closed_at.map(utc),
        clocks: shown,
        allowed_actions: vec![],
        version: row.version,
        created_at: utc(row.created_at),
        updated_at: utc(row.updated_at),
    })
}

fn row_in_scope(conn: &mut DbConn, scope: &Scope, id: Uuid) -> Result<Row, DbError> {
    Ok(c::table
        .filter(c::id.eq(ComplaintId::from(id)))
        .into_boxed::<Db>()
        .in_scope(c::institution_id, scope)
        .select(Row::as_select())
        .first(conn)?)
}

/// One complaint as of `at`; `NotFound` outside `scope`. The phone is masked unless
/// `unmasked`; `allowed_actions` is left for the API to fill for its caller.
pub fn get(
    conn: &mut DbConn,
    scope: &Scope,
    id: Uuid,
    unmasked: bool,
    at: DateTime<Utc>,
) -> Result<Complaint, DbError> {
    let row = row_in_scope(conn, scope, id)?;
    dto(conn, row, unmasked, at)
}

/// The case's history, oldest first; `NotFound` outside `scope`.
pub fn history_of(
    conn: &mut DbConn,
    scope: &Scope,
    id: Uuid,
) -> Result<Vec<ComplaintHistoryEntry>, DbError> {
    let row = row_in_scope(conn, scope, id)?;
    let rows: Vec<HistoryRow> = h::table
        .filter(h::complaint_id.eq(row.id))
        .order((h::at.asc(), h::id.asc()))
        .select(HistoryRow::as_select())
        .load(conn)?;
    let people: Vec<UserId> = rows.iter().map(|r| r.actor_id).collect();
    let names = crate::users::display_names(conn, &people)?;
    rows.into_iter()
        .map(|r| {
            Ok(ComplaintHistoryEntry {
                id: r.id.uuid(),
                action: decode(&r.action)?,
                from_state: decode_opt(r.from_state.as_deref())?,
                to_state: decode(&r.to_state)?,
                actor: ComplaintPerson {
                    id: r.actor_id.0,
                    name: names.get(&r.actor_id).cloned().unwrap_or_default(),
                },
                at: utc(r.at),
                comment: r.comment,
            })
        })
        .collect()
}

/// What a move changes besides the state (the API has checked it).
#[derive(Debug, Clone, Default)]
pub struct MoveInput {
    pub comment: Option<String>,
    pub category: Option<ComplaintCategory>,
    pub severity: Option<ComplaintSeverity>,
    pub major_dispute: Option<bool>,
    pub solution: Option<String>,
    pub outcome: Option<String>,
}

/// Takes `action` from `from` to `to` at version `expected` (X-7: 412 when someone moved the
/// case since), with its clocks, history entry and, for a new major dispute, the reporting
/// task; run inside a write transaction. Returns (before, after) as of `at`.
#[allow(clippy::too_many_arguments)]
pub fn make_move(
    conn: &mut DbConn,
    scope: &Scope,
    id: Uuid,
    expected: i32,
    action: ComplaintAction,
    to: ComplaintState,
    x: &MoveInput,
    actor: Uuid,
    at: DateTime<Utc>,
) -> Result<(Complaint, Complaint), DbError> {
    let limits = limits(conn)?;
    let t = micros(at);
    let before_row = versioned_update(
        conn,
        expected,
        |c| row_in_scope(c, scope, id),
        |r| r.version,
        |conn, r| {
            let from: ComplaintState = decode(&r.state)?;
            let calendar = crate::calendars::calendar_of(conn, r.institution_id.0)?;
            let mut rows = clocks::of(conn, r.id)?;
            // Breaches up to now stay recorded whatever the move does.
            for row in rows.iter_mut() {
                let mut clock = row.clock()?;
                clock.note_breach(&calendar, at);
                row.set(&clock, &calendar);
            }
            let mut waiting = r.waiting_on_patient;
            let mut new_rows = Vec::new();
            match action {
                ComplaintAction::Pause => {
                    waiting = true;
                    for row in rows.iter_mut().filter(|r| r.stopped_at.is_none()) {
                        let mut clock = row.clock()?;
                        clock.pause(&calendar, at);
                        row.set(&clock, &calendar);
                    }
                }
                ComplaintAction::Resume => {
                    waiting = false;
                    for row in rows.iter_mut().filter(|r| r.stopped_at.is_none()) {
                        let mut clock = row.clock()?;
                        clock.resume(&calendar, at);
                        row.set(&clock, &calendar);
                    }
                }
                _ => {
                    let leaving = from.step_clock();
                    let entering = to.step_clock();
                    let stop = |rows: &mut Vec<ClockRow>, kind: ClockKind| {
                        for row in rows
                            .iter_mut()
                            .filter(|r| r.stopped_at.is_none() && r.kind().ok() == Some(kind))
                        {
                            let mut clock = row.clock()?;
                            clock.stop(&calendar, at);
                            row.set(&clock, &calendar);
                        }
                        Ok::<_, DbError>(())
                    };
                    if let Some(k) = leaving
                        && entering != Some(k)
                    {
                        stop(&mut rows, k)?;
                    }
                    // The hand-over is done once the service department accepts.
                    if action == ComplaintAction::Accept {
                        stop(&mut rows, ClockKind::HandOver)?;
                    }
                    if action == ComplaintAction::Negotiate {
                        // CMP-5a: the complainant is given the handling's result.
                        stop(&mut rows, ClockKind::National)?;
                    }
                    if action == ComplaintAction::Archive {
                        // 结案: the whole-case clock ends with the archiving.
                        stop(&mut rows, ClockKind::Case)?;
                    }
                    if to == ComplaintState::Closed {
                        for k in ClockKind::ALL {
                            stop(&mut rows, k)?;
                        }
                    }
                    if let Some(k) = entering
                        && leaving != Some(k)
                        && let Some(limit) = limits.step(k)
                    {
                        new_rows.push(ClockRow::start(
                            r.id,
                            r.institution_id,
                            k,
                            limit,
                            at,
                            &calendar,
                        ));
                    }
                    if action == ComplaintAction::Accept {
                        use crate::schema::institutions as i;
                        let local: bool = i::table
                            .find(r.institution_id)
                            .select(i::local)
                            .first(conn)?;
                        new_rows.push(ClockRow::start(
                            r.id,
                            r.institution_id,
                            ClockKind::Case,
                            limits.case(local),
                            at,
                            &calendar,
                        ));
                    }
                }
            }
            for row in &rows {
                clocks::save(conn, row)?;
            }
            for row in &new_rows {
                clocks::insert(conn, row)?;
            }
            rows.extend(new_rows);
            let urgent = clocks::urgent_deadline(&rows);
            let handler = if action == ComplaintAction::Accept {
                Some(UserId::from(actor))
            } else {
                r.handler_id
            };
            let keep = |new: &Option<String>, old: &Option<String>| {
                new.as_deref()
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .or_else(|| old.clone())
            };
            let n = bump_version!(
                conn,
                c,
                r.id,
                expected,
                (
                    c::state.eq(to.code()),
                    c::waiting_on_patient.eq(waiting),
                    c::handler_id.eq(handler),
                    c::category.eq(x
                        .category
                        .map(|v| v.code().to_string())
                        .or(r.category.clone())),
                    c::severity.eq(x
                        .severity
                        .map(|v| v.code().to_string())
                        .or(r.severity.clone())),
                    c::major_dispute.eq(x.major_dispute.unwrap_or(r.major_dispute)),
                    c::solution.eq(keep(&x.solution, &r.solution)),
                    c::outcome.eq(keep(&x.outcome, &r.outcome)),
                    c::closed_at.eq(if to == ComplaintState::Closed {
                        Some(t)
                    } else {
                        r.closed_at
                    }),
                    c::urgent_deadline.eq(urgent),
                    c::updated_at.eq(t),
                )
            )?;
            if n > 0 {
                history(
                    conn,
                    r.id,
                    action,
                    Some(from),
                    to,
                    UserId::from(actor),
                    t,
                    x.comment.clone(),
                )?;
                if x.major_dispute == Some(true) && !r.major_dispute {
                    report_major_dispute(conn, r.id)?;
                }
            }
            Ok(n)
        },
    )?;
    events::raise(conn, before_row.id)?;
    let after_row = row_in_scope(conn, scope, id)?;
    let before = dto(conn, before_row, false, at)?;
    let after = dto(conn, after_row, false, at)?;
    Ok((before, after))
}

/// The list's filters; the API checks them.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub state: Option<ComplaintState>,
    pub open: Option<bool>,
    pub category: Option<ComplaintCategory>,
    pub institution_id: Option<Uuid>,
    pub breached: Option<bool>,
    /// Received or handled by this user.
    pub mine: Option<Uuid>,
    /// The cases of this customer (the agent console's caller).
    pub customer_id: Option<Uuid>,
}

/// The institution of complaint `id` whatever the scope (for the API's checks), or
/// `NotFound`.
pub fn institution_of(conn: &mut DbConn, id: Uuid) -> Result<Uuid, DbError> {
    Ok(c::table
        .find(ComplaintId::from(id))
        .select(c::institution_id)
        .first::<InstitutionId>(conn)?
        .0)
}

/// The current instant as stored (microseconds).
pub fn instant() -> DateTime<Utc> {
    utc(now())
}
