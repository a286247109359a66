//! Background jobs of the server. CMP-5b: the complaint escalation job — warnings before a
//! clock's deadline, the breach, then the president — run on every server; each (clock,
//! level) is sent once however many run it (`hcrm_db::complaints::clocks::escalate`).
//! SVC-2: the appointment job — the clinic sessions of the next four weeks made from the
//! weekly schedules, and the day-before reminders, each once per appointment however many
//! servers run it (`hcrm_db::appointments::reminders`).

use std::time::Duration;

/// Weeks of clinic sessions the appointment job keeps made ahead.
pub const SESSION_WEEKS: u64 = 4;

/// One run of the appointment job at `now`: the sessions of the weeks ahead, then the
/// reminders due. Returns (sessions made, reminders made).
pub fn appointments_once(
    conn: &mut hcrm_db::DbConn,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(i64, usize), hcrm_db::DbError> {
    // From yesterday in UTC: today in every zone east of it is covered.
    let from = now.date_naive().pred_opt().unwrap_or(now.date_naive());
    let to = from
        .checked_add_days(chrono::Days::new(SESSION_WEEKS * 7))
        .unwrap_or(from);
    let made = match hcrm_db::write_transaction(conn, |c| {
        hcrm_db::appointments::sessions::generate(c, None, from, to)
    }) {
        Ok(n) => n,
        // Another server made them at the same moment; its sessions stand.
        Err(hcrm_db::DbError::Duplicate(_)) => 0,
        Err(e) => return Err(e),
    };
    let reminded = hcrm_db::appointments::reminders::send(conn, now)?;
    Ok((made, reminded))
}

/// Runs the appointment job every `every` on its own thread, for the life of the process.
pub fn start_appointments(pool: hcrm_db::Pool, every: Duration) {
    let spawned = std::thread::Builder::new()
        .name("appointments".into())
        .spawn(move || {
            loop {
                let mut conn = match pool.get() {
                    Ok(c) => c,
                    Err(e) => {
                        log::warn!("appointment job: database unavailable: {e}");
                        std::thread::sleep(every);
                        continue;
                    }
                };
                match appointments_once(&mut conn, chrono::Utc::now()) {
                    Ok((made, reminded)) if made > 0 || reminded > 0 => log::info!(
                        "appointment job: {made} clinic session(s) made, {reminded} reminder(s)"
                    ),
                    Ok(_) => {}
                    Err(e) => log::warn!("appointment job failed: {e}"),
                }
                drop(conn);
                std::thread::sleep(every);
            }
        });
    if let Err(e) = spawned {
        log::error!("cannot start the appointment job: {e}");
    }
}

/// Runs the escalation job every `every` on its own thread, for the life of the process.
pub fn start_escalations(pool: hcrm_db::Pool, every: Duration) {
    let spawned = std::thread::Builder::new()
        .name("complaint-escalations".into())
        .spawn(move || {
            loop {
                std::thread::sleep(every);
                let mut conn = match pool.get() {
                    Ok(c) => c,
                    Err(e) => {
                        log::warn!("complaint escalations: database unavailable: {e}");
                        continue;
                    }
                };
                match hcrm_db::complaints::clocks::escalate(&mut conn, chrono::Utc::now()) {
                    Ok(run) if run.escalations > 0 || run.breaches_noted > 0 => log::info!(
                        "complaint escalations: {} breach(es) noted, {} escalation(s), {} task(s)",
                        run.breaches_noted,
                        run.escalations,
                        run.tasks
                    ),
                    Ok(_) => {}
                    Err(e) => log::warn!("complaint escalations failed: {e}"),
                }
            }
        });
    if let Err(e) = spawned {
        log::error!("cannot start the complaint escalation job: {e}");
    }
}
