//! SVC-2 demo: examination resources, the clinic sessions of two weeks back and four ahead,
//! and BJ01's appointments — past ones arrived or missed, future ones booked (one for a
//! company's check-up group), a cancellation, a full session with a patient on its
//! waitlist, and a doctor's leave that put two bookings in the rebooking queue.

use std::collections::HashMap;

use chrono::{Days, NaiveDate, NaiveDateTime, TimeDelta};
use hcrm_db::appointments::{self, NewBooking, resources, sessions, waitlist};
use hcrm_db::ids::{CustomerId, InstitutionId, SessionId};
use hcrm_db::{DbConn, DbError, ListWindow, customers, departments};
use hcrm_domain::Scope;
use hcrm_domain::api::appointments::{ClinicResourceCreate, ScheduleExceptionCreate};
use hcrm_domain::api::org::{HalfDay, ScheduleSlot};
use hcrm_domain::appointment::{AppointmentKind, AppointmentStatus, ResourceKind};
use hcrm_domain::customer::CustomerKind;
use uuid::Uuid;

/// What the demo made.
pub struct Made {
    pub resources: usize,
    pub sessions: i64,
    pub appointments: usize,
    pub waiting: usize,
    pub rebooking: i32,
}

fn booking_error(e: appointments::BookingError) -> DbError {
    match e {
        appointments::BookingError::Db(e) => e,
        other => DbError::Corrupt(format!("demo appointment refused: {other:?}")),
    }
}

/// Makes it all inside the caller's write transaction; `agent` books, `today` is Beijing's.
pub fn fill(
    conn: &mut DbConn,
    agent: Uuid,
    today: NaiveDate,
    now: NaiveDateTime,
) -> Result<Made, DbError> {
    let mut made = Made {
        resources: 0,
        sessions: 0,
        appointments: 0,
        waiting: 0,
        rebooking: 0,
    };
    let all = ListWindow {
        limit: 50,
        offset: 0,
    };
    for code in ["BJ01", "BJ02", "SH01"] {
        let inst = hcrm_db::institutions::find_by_code(conn, code)?.id;
        let scope = Scope::Institutions(vec![inst]);
        let (depts, _) = departments::list(
            conn,
            &scope,
            &departments::Filter {
                institution_id: Some(inst),
                ..Default::default()
            },
            departments::Sort::Name,
            false,
            all,
        )?;
        let check_up = depts.iter().find(|d| d.code.as_deref() == Some("CHK"));
        let weekly = |half_day, capacity| -> Vec<ScheduleSlot> {
            (1..=5)
                .map(|w| ScheduleSlot {
                    weekday: Some(w),
                    date: None,
                    half_day,
                    capacity,
                })
                .collect()
        };
        for (name, kind, half_day, capacity) in [
            ("彩超室", ResourceKind::Ultrasound, HalfDay::Morning, 30),
            ("CT室", ResourceKind::Ct, HalfDay::Afternoon, 16),
            ("体检线", ResourceKind::CheckUp, HalfDay::Morning, 60),
        ] {
            resources::create(
                conn,
                inst,
                &ClinicResourceCreate {
                    institution_id: Some(inst),
                    department_id: check_up.map(|d| d.id),
                    name: name.to_string(),
                    kind,
                    schedule: weekly(half_day, capacity),
                },
            )?;
            made.resources += 1;
        }
    }
    let from = today.checked_sub_days(Days::new(14)).unwrap_or(today);
    let to = today.checked_add_days(Days::new(27)).unwrap_or(today);
    made.sessions = sessions::generate(conn, None, from, to)?;

    // BJ01's appointments.
    let inst = hcrm_db::institutions::find_by_code(conn, "BJ01")?.id;
    let scope = Scope::Institutions(vec![inst]);
    let people = customers::list(
        conn,
        &scope,
        &customers::Filter::default(),
        customers::Sort::CreatedAt,
        false,
        ListWindow {
            limit: 60,
            offset: 0,
        },
        customers::Count::UpTo(60),
    )?
    .items;
    let persons: Vec<Uuid> = people
        .iter()
        .filter(|c| c.kind == CustomerKind::Individual)
        .map(|c| c.id)
        .collect();
    let company = people
        .iter()
        .find(|c| c.kind == CustomerKind::Organization)
        .map(|c| c.id);
    let open = |conn: &mut DbConn, from: NaiveDate, to: NaiveDate| {
        sessions::search(
            conn,
            &scope,
            &sessions::Filter {
                institution_id: Some(inst),
                department_id: None,
                doctor_id: None,
                resource_id: None,
                from,
                to,
                free_only: true,
            },
            ListWindow {
                limit: 200,
                offset: 0,
            },
        )
        .map(|(list, _)| list)
    };
    let past = open(conn, from, today.pred_opt().unwrap_or(today))?;
    let ahead = open(conn, today, to)?;
    let kind_of = |s: &hcrm_domain::api::appointments::ClinicSession| {
        if s.resource_id.is_some() {
            AppointmentKind::Examination
        } else {
            AppointmentKind::ExpertConsultation
        }
    };
    let mut k = 0usize;
    let mut person = || {
        k += 1;
        persons.get(k % persons.len().max(1)).copied()
    };
    // Past: mostly arrived, every fifth a no-show, every seventh cancelled.
    for (i, s) in past.iter().enumerate().take(24) {
        let Some(who) = person() else { break };
        let status = match i {
            i if i % 7 == 3 => AppointmentStatus::Cancelled,
            i if i % 5 == 1 => AppointmentStatus::NoShow,
            _ => AppointmentStatus::Arrived,
        };
        // Booked two days before; arrived or missed at the session (10:00 / 15:00 Beijing,
        // stored in UTC); cancelled the day before.
        let day = NaiveDateTime::new(s.date, chrono::NaiveTime::MIN);
        let at = day - TimeDelta::days(2);
        let ended = match status {
            AppointmentStatus::Cancelled => day - TimeDelta::hours(10),
            _ if s.half_day == HalfDay::Morning => day + TimeDelta::hours(2),
            _ => day + TimeDelta::hours(7),
        };
        appointments::record(
            conn,
            &NewBooking {
                customer_id: who,
                session_id: s.id,
                kind: kind_of(s),
                places: 1,
                note: None,
                booked_by: Some(agent),
            },
            status,
            (status == AppointmentStatus::Cancelled).then_some("患者临时有事"),
            at,
            Some(ended),
        )
        .map_err(booking_error)?;
        made.appointments += 1;
    }
    // Ahead: booked, one a company's check-up group of 12.
    for s in ahead.iter().step_by(3).take(20) {
        let Some(who) = person() else { break };
        appointments::record(
            conn,
            &NewBooking {
                customer_id: who,
                session_id: s.id,
                kind: kind_of(s),
                places: 1,
                note: None,
                booked_by: Some(agent),
            },
            AppointmentStatus::Booked,
            None,
            now,
            None,
        )
        .map_err(booking_error)?;
        made.appointments += 1;
    }
    if let (Some(org), Some(line)) = (
        company,
        ahead
            .iter()
            .find(|s| s.resource_name.as_deref() == Some("体检线")),
    ) {
        appointments::record(
            conn,
            &NewBooking {
                customer_id: org,
                session_id: line.id,
                kind: AppointmentKind::HealthCheck,
                places: 12,
                note: Some("公司年度体检，12 人".into()),
                booked_by: Some(agent),
            },
            AppointmentStatus::Booked,
            None,
            now,
            None,
        )
        .map_err(booking_error)?;
        made.appointments += 1;
    }
    // A full extra session tomorrow evening, and a patient waiting for it.
    let tomorrow = today.succ_opt().unwrap_or(today);
    if let Some(doctor) = ahead.iter().find_map(|s| s.doctor_id) {
        let full = sessions::create_extra(
            conn,
            &scope,
            sessions::Owner::Doctor(doctor.into()),
            tomorrow,
            HalfDay::Evening,
            2,
        )?;
        for _ in 0..2 {
            let Some(who) = person() else { break };
            appointments::record(
                conn,
                &NewBooking {
                    customer_id: who,
                    session_id: full.id,
                    kind: AppointmentKind::ExpertConsultation,
                    places: 1,
                    note: None,
                    booked_by: Some(agent),
                },
                AppointmentStatus::Booked,
                None,
                now,
                None,
            )
            .map_err(booking_error)?;
            made.appointments += 1;
        }
        if let Some(who) = person() {
            waitlist::join(
                conn,
                InstitutionId::from(inst),
                SessionId::from(full.id),
                CustomerId::from(who),
                1,
                Some("只能晚上来".into()),
                Some(agent),
            )?;
            made.waiting += 1;
        }
    }
    // A leave next week of a doctor with bookings: they wait in the rebooking queue.
    let booked_doctor: HashMap<Uuid, NaiveDate> = ahead
        .iter()
        .step_by(3)
        .take(20)
        .filter(|s| s.date > tomorrow.succ_opt().unwrap_or(tomorrow))
        .filter_map(|s| s.doctor_id.map(|d| (d, s.date)))
        .collect();
    if let Some((doctor, on)) = booked_doctor.into_iter().min_by_key(|(_, d)| *d) {
        let leave = appointments::apply_exception(
            conn,
            &scope,
            &ScheduleExceptionCreate {
                doctor_id: Some(doctor),
                resource_id: None,
                from: on,
                to: on,
                reason: "外出参加学术会议".into(),
            },
            None,
        )?;
        made.rebooking = leave.appointments_moved;
    }
    Ok(made)
}
