//! The day-before reminder (SVC-2): a job on every server makes, for each booking whose
//! session is tomorrow in its institution's zone, one task for the agent who booked it (an
//! A/B member's account manager once membership exists). Once per appointment however many
//! servers run it: `reminded_at` is set by a guarded UPDATE (`… WHERE reminded_at IS NULL`)
//! in the transaction that makes the task, and a second runner's UPDATE changes no row, so it
//! makes no task.

use std::collections::HashMap;

use chrono::{DateTime, Days, NaiveDate, Utc};
use diesel::prelude::*;
use hcrm_domain::appointment::{AppointmentStatus, SessionStatus, reminder_day};

use super::sessions::SessionRow;
use crate::conn::{DbConn, write_transaction};
use crate::error::DbError;
use crate::ids::{AppointmentId, CustomerId, InstitutionId, UserId};
use crate::schema::appointments as a;
use crate::schema::clinic_sessions as s;

/// Makes the reminders due at `now`; returns how many this run made.
pub fn send(conn: &mut DbConn, now: DateTime<Utc>) -> Result<usize, DbError> {
    // Tomorrow somewhere between UTC−12 and UTC+14 is one of these days.
    let utc_today = now.date_naive();
    let (from, to) = (
        utc_today,
        utc_today
            .checked_add_days(Days::new(2))
            .unwrap_or(utc_today),
    );
    type Due = (
        AppointmentId,
        InstitutionId,
        CustomerId,
        Option<UserId>,
        SessionRow,
    );
    let due: Vec<Due> = a::table
        .inner_join(s::table)
        .filter(a::status.eq(AppointmentStatus::Booked.code()))
        .filter(a::reminded_at.is_null())
        .filter(s::status.eq(SessionStatus::Open.code()))
        .filter(s::on_date.between(from, to))
        .order(a::id.asc())
        .select((
            a::id,
            a::institution_id,
            a::customer_id,
            a::booked_by,
            SessionRow::as_select(),
        ))
        .load(conn)?;
    let mut today_of: HashMap<InstitutionId, NaiveDate> = HashMap::new();
    let mut made = 0;
    for (id, institution, customer, booked_by, session) in due {
        let today = match today_of.get(&institution) {
            Some(d) => *d,
            None => {
                let d = crate::institutions::today_of(conn, institution.0)?;
                today_of.insert(institution, d);
                d
            }
        };
        if reminder_day(session.on_date) != today {
            continue;
        }
        let sent = write_transaction(conn, |c| {
            let claimed = diesel::update(
                a::table
                    .filter(a::id.eq(id))
                    .filter(a::reminded_at.is_null())
                    .filter(a::status.eq(AppointmentStatus::Booked.code())),
            )
            .set(a::reminded_at.eq(Some(crate::util::now())))
            .execute(c)?;
            if claimed == 0 {
                return Ok::<bool, DbError>(false);
            }
            let owner = super::member_account_manager(c, customer)?.or(booked_by);
            super::agent_task(
                c,
                super::AgentTask {
                    institution,
                    owner,
                    customer,
                    title_zh: "预约提醒：明日就诊，请提醒患者",
                    title_en: "Reminder: the appointment is tomorrow, remind the patient",
                    session: &session,
                    source_type: "appointment_reminder",
                    source_id: id.to_string(),
                    due_on: today,
                },
            )?;
            Ok(true)
        })?;
        if sent {
            made += 1;
        }
    }
    Ok(made)
}
