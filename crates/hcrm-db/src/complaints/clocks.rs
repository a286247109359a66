//! CMP-5 / CMP-5a: the clocks of a case as stored — one row per run of a clock — and the
//! escalation job (CMP-5b), safe with several servers.

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use diesel::prelude::*;
use hcrm_domain::Label;
use hcrm_domain::api::complaints::{ComplaintClock, ComplaintLimits};
use hcrm_domain::calendar::Calendar;
use hcrm_domain::complaint::{Clock, ClockKind, Escalation, Limit};
use hcrm_domain::customer::TaskKind;
use hcrm_domain::{Lang, Role};

use crate::conn::DbConn;
use crate::error::DbError;
use crate::ids::{ComplaintClockId, ComplaintId, CustomerId, InstitutionId, UserId};
use crate::kit::decode;
use crate::notifications::NewNotification;
use crate::schema::complaint_clocks as k;
use crate::schema::complaint_escalations as e;
use crate::schema::complaints as c;
use crate::tasks::{self, NewTask};
use crate::util::utc;
use hcrm_domain::api::notifications::NotificationKind;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = k, treat_none_as_null = true)]
pub(crate) struct ClockRow {
    pub id: ComplaintClockId,
    pub complaint_id: ComplaintId,
    pub institution_id: InstitutionId,
    pub kind: String,
    pub limit_unit: String,
    pub limit_amount: i32,
    pub started_at: NaiveDateTime,
    pub paused_since: Option<NaiveDateTime>,
    pub paused_total_seconds: i64,
    pub stopped_at: Option<NaiveDateTime>,
    pub breached_at: Option<NaiveDateTime>,
    pub deadline: NaiveDateTime,
}

fn micros(t: DateTime<Utc>) -> NaiveDateTime {
    let n = t.naive_utc();
    use chrono::Timelike;
    n.with_nanosecond(n.nanosecond() / 1000 * 1000).unwrap_or(n)
}

fn limit_parts(l: Limit) -> (&'static str, i32) {
    let (unit, n) = match l {
        Limit::WorkingDays(n) => ("working_days", n),
        Limit::WorkingHours(n) => ("working_hours", n),
        Limit::CalendarHours(n) => ("calendar_hours", n),
        Limit::CalendarDays(n) => ("calendar_days", n),
    };
    (unit, i32::try_from(n).unwrap_or(i32::MAX))
}

fn limit_of(unit: &str, n: i32) -> Result<Limit, DbError> {
    let n = u32::try_from(n).map_err(|_| DbError::Corrupt(format!("clock limit {n}")))?;
    Ok(match unit {
        "working_days" => Limit::WorkingDays(n),
        "working_hours" => Limit::WorkingHours(n),
        "calendar_hours" => Limit::CalendarHours(n),
        "calendar_days" => Limit::CalendarDays(n),
        other => return Err(DbError::Corrupt(format!("clock unit {other:?}"))),
    })
}

impl ClockRow {
    pub(crate) fn kind(&self) -> Result<ClockKind, DbError> {
        decode(&self.kind)
    }

    pub(crate) fn clock(&self) -> Result<Clock, DbError> {
        Ok(Clock {
            limit: limit_of(&self.limit_unit, self.limit_amount)?,
            started_at: utc(self.started_at),
            paused_since: self.paused_since.map(utc),
            paused_total: TimeDelta::seconds(self.paused_total_seconds),
            stopped_at: self.stopped_at.map(utc),
            breached_at: self.breached_at.map(utc),
        })
    }

    /// Writes `clock` back into the row, with the deadline after the pauses that ended.
    pub(crate) fn set(&mut self, clock: &Clock, calendar: &Calendar) {
        self.paused_since = clock.paused_since.map(micros);
        self.paused_total_seconds = clock.paused_total.num_seconds();
        self.stopped_at = clock.stopped_at.map(micros);
        self.breached_at = clock.breached_at.map(micros);
        let at = clock.paused_since.unwrap_or(clock.started_at);
        self.deadline = micros(clock.deadline(calendar, at));
    }

    pub(crate) fn start(
        complaint: ComplaintId,
        institution: InstitutionId,
        kind: ClockKind,
        limit: Limit,
        at: DateTime<Utc>,
        calendar: &Calendar,
    ) -> ClockRow {
        let (unit, amount) = limit_parts(limit);
        let clock = Clock::start(limit, at);
        let mut row = ClockRow {
            id: ComplaintClockId::new(),
            complaint_id: complaint,
            institution_id: institution,
            kind: kind.code().to_string(),
            limit_unit: unit.to_string(),
            limit_amount: amount,
            started_at: micros(at),
            paused_since: None,
            paused_total_seconds: 0,
            stopped_at: None,
            breached_at: None,
            deadline: micros(at),
        };
        row.set(&clock, calendar);
        row
    }

    /// The clock as shown at `now`.
    pub(crate) fn view(
        &self,
        calendar: &Calendar,
        now: DateTime<Utc>,
    ) -> Result<ComplaintClock, DbError> {
        let clock = self.clock()?;
        let kind = self.kind()?;
        let v = clock.view(calendar, now);
        Ok(ComplaintClock {
            kind,
            national: kind.is_national(),
            limit: clock.limit,
            state: v.state,
            started_at: clock.started_at,
            deadline: v.deadline,
            seconds_left: v.left.num_seconds(),
            paused_since: clock.paused_since,
            stopped_at: clock.stopped_at,
            breached_at: clock.breached_at,
        })
    }

    pub(crate) fn running(&self) -> bool {
        self.stopped_at.is_none() && self.paused_since.is_none()
    }
}

/// The clocks of a case, oldest first.
pub(crate) fn of(conn: &mut DbConn, id: ComplaintId) -> Result<Vec<ClockRow>, DbError> {
    Ok(k::table
        .filter(k::complaint_id.eq(id))
        .order((k::started_at.asc(), k::id.asc()))
        .select(ClockRow::as_select())
        .load(conn)?)
}

pub(crate) fn of_many(
    conn: &mut DbConn,
    ids: &[ComplaintId],
) -> Result<std::collections::HashMap<ComplaintId, Vec<ClockRow>>, DbError> {
    let mut out: std::collections::HashMap<ComplaintId, Vec<ClockRow>> = Default::default();
    if ids.is_empty() {
        return Ok(out);
    }
    let rows: Vec<ClockRow> = k::table
        .filter(k::complaint_id.eq_any(ids))
        .order((k::started_at.asc(), k::id.asc()))
        .select(ClockRow::as_select())
        .load(conn)?;
    for r in rows {
        out.entry(r.complaint_id).or_default().push(r);
    }
    Ok(out)
}

pub(crate) fn insert(conn: &mut DbConn, row: &ClockRow) -> Result<(), DbError> {
    diesel::insert_into(k::table).values(row).execute(conn)?;
    Ok(())
}

pub(crate) fn save(conn: &mut DbConn, row: &ClockRow) -> Result<(), DbError> {
    diesel::update(k::table.find(&row.id))
        .set(row)
        .execute(conn)?;
    Ok(())
}

/// The deadline of the most urgent running clock of `rows` (the list's order).
pub(crate) fn urgent_deadline(rows: &[ClockRow]) -> Option<NaiveDateTime> {
    rows.iter()
        .filter(|r| r.running())
        .map(|r| r.deadline)
        .min()
}

/// Who hears of an escalation level: the institution's users of these roles (a group-wide
/// director or president too).
fn recipients_roles(level: Escalation) -> &'static [Role] {
    match level {
        Escalation::Warning => &[Role::Supervisor],
        Escalation::Breach => &[Role::Supervisor, Role::Director],
        Escalation::President => &[Role::President],
    }
}

/// The active users holding one of `roles` in institution `institution` (group-wide users
/// of those roles included), each once.
pub fn users_with_roles(
    conn: &mut DbConn,
    institution: InstitutionId,
    roles: &[Role],
) -> Result<Vec<UserId>, DbError> {
    use crate::schema::{user_institutions as ui, user_roles as ur, users as u};
    let codes: Vec<&str> = roles.iter().map(|r| r.code()).collect();
    let in_institution = ui::table
        .filter(ui::institution_id.eq(institution))
        .select(ui::user_id);
    let mut ids: Vec<UserId> = u::table
        .inner_join(ur::table.on(ur::user_id.eq(u::id)))
        .filter(u::active.eq(true))
        .filter(ur::role.eq_any(codes))
        .filter(u::group_wide.eq(true).or(u::id.eq_any(in_institution)))
        .select(u::id)
        .order(u::id.asc())
        .load(conn)?;
    ids.dedup();
    Ok(ids)
}

/// One task per recipient (or one in the `complaints` team queue when nobody holds the
/// roles), linked to the complaint.
#[allow(clippy::too_many_arguments)]
pub(crate) fn notify(
    conn: &mut DbConn,
    institution: InstitutionId,
    customer: CustomerId,
    complaint: ComplaintId,
    roles: &[Role],
    title: String,
    description: Option<String>,
    due_at: DateTime<Utc>,
    source_type: &str,
) -> Result<usize, DbError> {
    let owners = users_with_roles(conn, institution, roles)?;
    let owners: Vec<Option<UserId>> = if owners.is_empty() {
        vec![None]
    } else {
        owners.into_iter().map(Some).collect()
    };
    let n = owners.len();
    for owner in owners {
        tasks::create(
            conn,
            NewTask {
                institution_id: institution.0,
                kind: TaskKind::Complaint,
                title: title.clone(),
                description: description.clone(),
                owner_id: owner.map(|o| o.0),
                team: owner.is_none().then(|| "complaints".to_string()),
                due_on: None,
                due_at: Some(due_at),
                customer_id: Some(customer.0),
                source_type: Some(source_type.to_string()),
                source_id: Some(complaint.to_string()),
                created_by: None,
            },
        )?;
    }
    Ok(n)
}

/// What one run of the escalation job did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EscalationRun {
    /// Clocks newly seen past their deadline.
    pub breaches_noted: usize,
    /// (clock, level) escalations sent by this run.
    pub escalations: usize,
    /// Tasks made for them.
    pub tasks: usize,
    /// In-app notifications made for them (one per recipient, as the tasks).
    pub notifications: usize,
}

/// CMP-5b: notes breaches and sends the escalations due at `now` — a warning before the
/// deadline, the breach, then the president — each once per clock and level however many
/// servers run the job at once: the `(clock, level)` row is inserted in the same
/// transaction as its tasks, and a second server's insert fails on the key and rolls its
/// tasks back.
pub fn escalate(conn: &mut DbConn, now: DateTime<Utc>) -> Result<EscalationRun, DbError> {
    let limits = super::limits(conn)?;
    let policy = limits.escalation();
    // Running clocks that may be due: deadline within the warning window (a working-time
    // window is at most a few calendar days longer; a week covers it).
    let horizon = micros(now + policy.warn_before + TimeDelta::days(7));
    let candidates: Vec<ClockRow> = k::table
        .filter(k::stopped_at.is_null())
        .filter(k::paused_since.is_null())
        .filter(k::deadline.le(horizon))
        .order(k::deadline.asc())
        .select(ClockRow::as_select())
        .load(conn)?;
    let mut run = EscalationRun::default();
    let mut calendars = crate::calendars::Calendars::default();
    for row in candidates {
        let calendar = calendars.of(conn, row.institution_id.0)?;
        let clock = row.clock()?;
        // Most running clocks have nothing due: skip them without reading what was sent.
        if clock.escalations_due(calendar, policy, now, &[]).is_empty() {
            continue;
        }
        let sent: Vec<Escalation> = e::table
            .filter(e::clock_id.eq(&row.id))
            .select(e::level)
            .load::<String>(conn)?
            .iter()
            .filter_map(|l| Escalation::from_code(l))
            .collect();
        let due = clock.escalations_due(calendar, policy, now, &sent);
        let mut breach_noted = false;
        if clock.breached_at.is_none() {
            let mut after = clock.clone();
            after.note_breach(calendar, now);
            if let Some(at) = after.breached_at {
                breach_noted = crate::conn::write_transaction(conn, |c| {
                    Ok::<_, DbError>(
                        diesel::update(
                            k::table
                                .find(&row.id)
                                .filter(k::breached_at.is_null())
                                .filter(k::stopped_at.is_null()),
                        )
                        .set(k::breached_at.eq(Some(micros(at))))
                        .execute(c)?
                            > 0,
                    )
                })?;
            }
        }
        if breach_noted {
            run.breaches_noted += 1;
        }
        for level in due {
            match send_one(conn, &row, calendar, &clock, level, now) {
                Ok(Some((tasks, notifications))) => {
                    run.escalations += 1;
                    run.tasks += tasks;
                    run.notifications += notifications;
                }
                Ok(None) => {}
                // Another server sent it first.
                Err(DbError::Duplicate(_)) => {}
                Err(other) => return Err(other),
            }
        }
    }
    Ok(run)
}

fn send_one(
    conn: &mut DbConn,
    row: &ClockRow,
    calendar: &Calendar,
    clock: &Clock,
    level: Escalation,
    now: DateTime<Utc>,
) -> Result<Option<(usize, usize)>, DbError> {
    crate::conn::write_transaction(conn, |c| {
        let taken: i64 = e::table
            .filter(e::clock_id.eq(&row.id))
            .filter(e::level.eq(level.code()))
            .count()
            .get_result(c)?;
        if taken > 0 {
            return Ok(None);
        }
        let (number, customer, open): (String, CustomerId, String) = c::table
            .find(row.complaint_id)
            .select((c::number, c::customer_id, c::state))
            .first(c)?;
        // A case closed meanwhile (its clocks stopped in the same transaction) has nothing due.
        let still: i64 = k::table
            .find(&row.id)
            .filter(k::stopped_at.is_null())
            .filter(k::paused_since.is_null())
            .count()
            .get_result(c)?;
        if still == 0 || open == "closed" {
            return Ok(None);
        }
        diesel::insert_into(e::table)
            .values((
                e::clock_id.eq(&row.id),
                e::level.eq(level.code()),
                e::created_at.eq(micros(now)),
            ))
            .execute(c)?;
        let kind = row.kind()?;
        super::events::raise_escalation(c, row.complaint_id, row.id.0, kind, level, now)?;
        let deadline = clock.deadline(calendar, now);
        let title = format!(
            "投诉 {number}：{}——{}",
            kind.label(Lang::Zh),
            level.label(Lang::Zh)
        );
        let description = Some(format!(
            "{} / {}: {} (deadline {})",
            kind.label(Lang::En),
            level.label(Lang::En),
            number,
            deadline.to_rfc3339()
        ));
        let due = if level == Escalation::Warning {
            deadline
        } else {
            now
        };
        let n = notify(
            c,
            row.institution_id,
            customer,
            row.complaint_id,
            recipients_roles(level),
            title,
            description,
            due,
            "complaint_escalation",
        )?;
        // The same recipients hear of it in the web app's header (issue 10), in this
        // transaction: a second server's duplicate rolls back with them.
        let recipients = users_with_roles(c, row.institution_id, recipients_roles(level))?;
        let told = crate::notifications::notify(
            c,
            &recipients,
            &NewNotification {
                institution_id: row.institution_id.0,
                kind: match level {
                    Escalation::Warning => NotificationKind::ComplaintWarning,
                    Escalation::Breach => NotificationKind::ComplaintBreach,
                    Escalation::President => NotificationKind::ComplaintPresident,
                },
                title_zh: format!(
                    "投诉 {number}：{}——{}",
                    kind.label(Lang::Zh),
                    level.label(Lang::Zh)
                ),
                title_en: format!(
                    "Complaint {number}: {} — {}",
                    kind.label(Lang::En),
                    level.label(Lang::En)
                ),
                source_type: Some("complaint".into()),
                source_id: Some(row.complaint_id.to_string()),
            },
            now,
        )?;
        Ok(Some((n, told)))
    })
}

/// The limits in force (the `complaints` setting, else the seed's).
pub(crate) fn limits_from(value: Option<serde_json::Value>) -> Result<ComplaintLimits, DbError> {
    match value {
        None => Ok(ComplaintLimits::default()),
        Some(v) => serde_json::from_value(v).map_err(|e| DbError::Corrupt(e.to_string())),
    }
}
