//! `hcrm bench his` — PERF-3: HIS batch upserts through the API of a running server into its
//! database, with the event processing on (each visit's domain events; an admission's task).
//! N clients each send batches of new visits (default 1,000 a batch) for patients the HIS
//! knows — the generated customers' HIS ids of one institution — as an integration client
//! with an API key made for the run; after the warm-up it counts the visits written per second
//! and the batches' latency, and the events raised meanwhile.
//!
//! The mix follows a hospital's day: mostly outpatient visits, then check-ups, admissions
//! (each makes its admission-assistance task), surgeries and treatment courses.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::Utc;
use diesel::prelude::*;
use hcrm_db::Pool;
use hcrm_db::ids::InstitutionId;
use hcrm_db::schema::{customer_external_ids as ext, domain_events, institutions};
use hcrm_domain::Role;
use hcrm_domain::api::integration::HIS_SYSTEMS;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

use crate::accounts;
use crate::bench::agent;

/// What `hcrm bench his` runs.
pub struct Options {
    pub clients: usize,
    pub duration: Duration,
    pub warmup: Duration,
    pub batch_size: usize,
    pub base_url: String,
    /// The institution's code; default the one with the most HIS ids.
    pub institution: Option<String>,
    pub seed: u64,
}

/// Patients drawn for the run.
const DRAWN: i64 = 200_000;

/// The institution and its HIS patient ids.
fn patients(pool: &Pool, code: Option<&str>) -> Result<(String, Vec<String>), String> {
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    let (inst, code): (InstitutionId, String) = match code {
        Some(c) => institutions::table
            .filter(institutions::code.eq(c))
            .select((institutions::id, institutions::code))
            .first(&mut **conn)
            .map_err(|_| format!("no institution {c}"))?,
        None => {
            let busiest: Vec<(InstitutionId, i64)> = ext::table
                .filter(ext::system.eq_any(HIS_SYSTEMS))
                .group_by(ext::institution_id)
                .select((ext::institution_id, diesel::dsl::count_star()))
                .load(&mut **conn)
                .map_err(|e| e.to_string())?;
            let (id, _) = busiest
                .into_iter()
                .max_by_key(|(_, n)| *n)
                .ok_or("no customer has a HIS id: run `hcrm generate --customers N` first")?;
            let code = institutions::table
                .find(id)
                .select(institutions::code)
                .first(&mut **conn)
                .map_err(|e| e.to_string())?;
            (id, code)
        }
    };
    let ids: Vec<String> = ext::table
        .filter(ext::institution_id.eq(inst))
        .filter(ext::system.eq_any(HIS_SYSTEMS))
        .select(ext::external_id)
        .limit(DRAWN)
        .load(&mut **conn)
        .map_err(|e| e.to_string())?;
    if ids.is_empty() {
        return Err(format!(
            "no HIS ids in {code}: run `hcrm generate --customers N`"
        ));
    }
    Ok((code, ids))
}

/// An integration user of the institution and an API key for it, made for this run.
fn client_key(pool: &Pool, code: &str, run: &str) -> Result<String, String> {
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    let password = format!("Bench-{}-x9", hcrm_api::auth::tokens::new_refresh_token());
    let user = accounts::create(
        &mut conn,
        accounts::NewUser {
            username: &format!("bench.his.{run}"),
            display_name: "HIS benchmark",
            password: &password,
            roles: vec![Role::Integration],
            institution_codes: vec![code.to_string()],
            group_wide: false,
            phone: None,
        },
    )?;
    let key = hcrm_api::auth::tokens::new_api_key();
    let (prefix, hash) = hcrm_api::auth::tokens::api_key_stored(&key);
    // Every scope the integration role holds.
    let role = hcrm_domain::PermissionSet::for_roles(&[Role::Integration]);
    let scopes: Vec<hcrm_domain::ApiScope> = hcrm_domain::ApiScope::ALL
        .into_iter()
        .filter(|s| s.within(&role))
        .collect();
    hcrm_db::api_keys::create(
        &mut conn,
        hcrm_db::api_keys::NewKey {
            user_id: user.id,
            name: "hcrm bench his",
            prefix,
            key_hash: hash,
            expires_at: None,
            scopes: &scopes,
            created_by: user.id,
        },
    )
    .map_err(|e| e.to_string())?;
    Ok(key)
}

/// One batch of `n` new visits of client `client`.
fn batch(
    rng: &mut StdRng,
    patients: &[String],
    run: &str,
    client: usize,
    seq: u64,
    n: usize,
) -> Value {
    let now = Utc::now();
    let visits: Vec<Value> = (0..n)
        .map(|i| {
            let roll = rng.random_range(0..100);
            let kind = match roll {
                0..80 => "outpatient",
                80..88 => "checkup",
                88..93 => "inpatient",
                93..97 => "surgery",
                _ => "treatment_course",
            };
            let days = rng.random_range(1..700);
            let at = now
                - chrono::Duration::days(days)
                - chrono::Duration::minutes(rng.random_range(0..600));
            let amount: i64 = rng.random_range(2_000..2_000_000);
            let insurance = amount * rng.random_range(0..60) / 100;
            let mut v = json!({
                "external_id": format!("BH{run}-{client}-{seq}-{i}"),
                "patient_external_id": patients[rng.random_range(0..patients.len())],
                "kind": kind,
                "visited_at": at.to_rfc3339(),
                "amount_fen": amount,
                "insurance_fen": insurance,
                "paid_fen": amount - insurance,
            });
            if kind == "inpatient" && days > 10 {
                v["ended_at"] =
                    json!((at + chrono::Duration::days(rng.random_range(2..10))).to_rfc3339());
            }
            v
        })
        .collect();
    json!({"batch_id": format!("BH{run}-{client}-{seq}"), "visits": visits})
}

fn events(pool: &Pool) -> Result<i64, String> {
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    domain_events::table
        .count()
        .get_result(&mut **conn)
        .map_err(|e| e.to_string())
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

fn pct(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)] as f64 / 1000.0
}

pub fn run(o: &Options, database_url: &str) -> Result<(), String> {
    crate::bench::check_local(&o.base_url)?;
    let pool = hcrm_db::connect(database_url, 4).map_err(|e| e.to_string())?;
    let (code, patients) = patients(&pool, o.institution.as_deref())?;
    let run = format!("{:x}", Utc::now().timestamp_millis());
    let key = client_key(&pool, &code, &run)?;
    let base = o.base_url.trim_end_matches('/').to_string();
    let url = format!("{base}/api/v1/integration/batches");
    println!(
        "hcrm bench his: {} clients, batches of {} visits, {:?} after {:?} warm-up, {} of {} HIS patients; load before: {}",
        o.clients,
        o.batch_size,
        o.duration,
        o.warmup,
        code,
        patients.len(),
        load_average()
    );
    let patients = Arc::new(patients);
    let counting = Arc::new(AtomicBool::new(false));
    let stop = Arc::new(AtomicBool::new(false));
    let written = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let handles: Vec<_> = (0..o.clients)
        .map(|client| {
            let (patients, counting, stop, written, failed) = (
                patients.clone(),
                counting.clone(),
                stop.clone(),
                written.clone(),
                failed.clone(),
            );
            let (url, key, run, n, seed) =
                (url.clone(), key.clone(), run.clone(), o.batch_size, o.seed);
            std::thread::spawn(move || {
                let mut rng = StdRng::seed_from_u64(seed ^ (client as u64 + 1));
                let http = agent();
                let mut micros = Vec::new();
                let mut seq = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    let body = batch(&mut rng, &patients, &run, client, seq, n).to_string();
                    seq += 1;
                    let started = Instant::now();
                    let res = http
                        .post(&url)
                        .header("Authorization", format!("Bearer {key}"))
                        .header("Content-Type", "application/json")
                        .header("Accept-Encoding", "identity")
                        .send(body.as_bytes());
                    let ok = match res {
                        Ok(mut r) if r.status() == 200 => {
                            let answer: Value = r.body_mut().read_json().unwrap_or(Value::Null);
                            answer["counts"]["created"].as_u64() == Some(n as u64)
                        }
                        Ok(mut r) => {
                            let text = r.body_mut().read_to_string().unwrap_or_default();
                            eprintln!(
                                "batch refused ({}): {}",
                                r.status(),
                                &text[..text.len().min(300)]
                            );
                            false
                        }
                        Err(e) => {
                            eprintln!("batch failed: {e}");
                            false
                        }
                    };
                    if counting.load(Ordering::Relaxed) {
                        if ok {
                            written.fetch_add(n as u64, Ordering::Relaxed);
                            micros.push(started.elapsed().as_micros() as u64);
                        } else {
                            failed.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
                micros
            })
        })
        .collect();
    std::thread::sleep(o.warmup);
    let events_before = events(&pool)?;
    let load_start = load_average();
    counting.store(true, Ordering::Relaxed);
    let started = Instant::now();
    std::thread::sleep(o.duration);
    counting.store(false, Ordering::Relaxed);
    let secs = started.elapsed().as_secs_f64();
    let events_after = events(&pool)?;
    stop.store(true, Ordering::Relaxed);
    let mut micros: Vec<u64> = handles
        .into_iter()
        .filter_map(|h| h.join().ok())
        .flatten()
        .collect();
    micros.sort_unstable();
    let visits = written.load(Ordering::Relaxed);
    println!(
        "visits written: {visits} in {secs:.1} s = {:.0} visits/s ({} batches, {} failed)",
        visits as f64 / secs,
        micros.len(),
        failed.load(Ordering::Relaxed)
    );
    println!(
        "batch latency ms: p50 {:.0}, p95 {:.0}, p99 {:.0}; domain events raised meanwhile: {} ({:.0}/s)",
        pct(&micros, 0.5),
        pct(&micros, 0.95),
        pct(&micros, 0.99),
        events_after - events_before,
        (events_after - events_before) as f64 / secs
    );
    println!(
        "load average at start: {load_start}; at end: {}",
        load_average()
    );
    Ok(())
}
