//! Background jobs of the server. CMP-5b: the complaint escalation job — warnings before a
//! clock's deadline, the breach, then the president — run on every server; each (clock,
//! level) is sent once however many run it (`hcrm_db::complaints::clocks::escalate`).

use std::time::Duration;

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
