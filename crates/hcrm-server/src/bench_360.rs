//! `hcrm bench 360` — PERF-2: the customer 360 page's reads (the customer, the timeline, the
//! contacts, the open tasks, the visit summary, the recent visits) and one visit by id,
//! through the API of a running server at N clients, then the same storage calls straight on
//! a pool (no HTTP), then — `--pgbench` — the statements those calls send, run by
//! PostgreSQL's `pgbench` at the same concurrency. Each client takes the reads in turn, each
//! for a customer drawn from those with visits (and one of that customer's visits).
//!
//! The pgbench scripts are the statements recorded from hcrm-db's own calls for one drawn
//! customer (`hcrm_db::customers::statements_sent`), the customer's and the visit's ids then
//! replaced by a pick from the drawn ones (`(ARRAY[…])[:i]`). A statement that the
//! application sends only for some customers (the tasks' customer names when there are
//! tasks) is in the script as the recorded customer needed it.

use std::cell::Cell;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use diesel::prelude::*;
use hcrm_db::customers::{Sent, statements_sent};
use hcrm_db::ids::{CustomerId, VisitId};
use hcrm_db::{DbConn, DbError, ListWindow, Pool};
use hcrm_domain::Scope;
use hcrm_domain::customer::TaskStatus;
use rand::rngs::StdRng;
use rand::{Rng, RngCore, SeedableRng};
use serde_json::{Value, json};

use crate::bench::Options;
use crate::pgbench::{bind_items, sql_literal, substitute};

/// The reads of one 360 page view, and the visit by id.
pub const READS: [&str; 7] = [
    "customer",
    "timeline",
    "contacts",
    "tasks",
    "visit_summary",
    "visits",
    "visit",
];

/// Customers (with one of their visits) drawn for the run.
const DRAWN: i64 = 1000;

type Subject = (CustomerId, VisitId);

#[derive(Default, Clone)]
struct Samples {
    micros: Vec<u64>,
    errors: u64,
}

type Results = [Samples; READS.len()];

fn draw(pool: &Pool) -> Result<Vec<Subject>, String> {
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    diesel::define_sql_function!(fn random() -> diesel::sql_types::Double);
    use hcrm_db::schema::visits as v;
    let subjects: Vec<Subject> = v::table
        .select((v::customer_id, v::id))
        .order(random())
        .limit(DRAWN)
        .load(&mut **conn)
        .map_err(|e| e.to_string())?;
    if subjects.is_empty() {
        return Err("no visits yet: run `hcrm generate --visits N` first".into());
    }
    Ok(subjects)
}

/// One read of `kind` for `s` through hcrm-db, as the API's handler makes it for a
/// group-wide caller; returns the rows read. The handler of the customer also writes one
/// audit row per read (X-5, `pii.read`), which is left out here: the pgbench script would
/// insert the same id again.
fn read(conn: &mut DbConn, kind: usize, (customer, visit): Subject) -> Result<u64, DbError> {
    use hcrm_db::{contacts, customers, tasks, timeline, visits};
    let scope = Scope::Group;
    let page = |limit| ListWindow { limit, offset: 0 };
    // The customer's own reads first find the live customer's institution, as the API's
    // access check does (`customer_read`: in scope, or under a break-glass grant).
    if matches!(kind, 0 | 1 | 2 | 4) {
        customers::institution_of(conn, customer.uuid())?;
    }
    Ok(match kind {
        0 => customers::get(conn, &scope, customer.uuid()).map(|_| 1)?,
        1 => timeline::page(conn, customer, None, 50)?.items.len() as u64,
        2 => contacts::list(conn, customer, page(50))?.0.len() as u64,
        3 => {
            let f = tasks::Filter {
                customer_id: Some(customer.uuid()),
                status: Some(TaskStatus::Open),
                ..Default::default()
            };
            tasks::list(conn, &scope, &f, tasks::Sort::DueOn, false, page(50))?
                .0
                .len() as u64
        }
        4 => visits::summary(conn, &scope, customer.uuid()).map(|_| 1)?,
        5 => {
            let f = visits::Filter {
                customer_id: Some(customer.uuid()),
                ..Default::default()
            };
            visits::list(conn, &scope, &f, false, page(20))?.0.len() as u64
        }
        _ => visits::get(conn, &scope, visit.uuid()).map(|_| 1)?,
    })
}

/// The API path of read `kind` for `s` (the web app's 360 page asks the same).
fn path(kind: usize, (customer, visit): Subject) -> String {
    match kind {
        0 => format!("/api/v1/customers/{customer}"),
        1 => format!("/api/v1/customers/{customer}/timeline?limit=50"),
        2 => format!("/api/v1/customers/{customer}/contacts?limit=50"),
        3 => format!("/api/v1/tasks?customer_id={customer}&status=open&limit=50"),
        4 => format!("/api/v1/customers/{customer}/visit-summary"),
        5 => format!("/api/v1/visits?customer_id={customer}&limit=20"),
        _ => format!("/api/v1/visits/{visit}"),
    }
}

/// Runs `work(client, kind, subject)` from `clients` threads, each taking the reads in turn.
fn drive<F>(o: &Options, subjects: Arc<Vec<Subject>>, seed: u64, work: F) -> (Results, f64)
where
    F: Fn(usize, usize, Subject) -> Result<u64, String> + Send + Sync + 'static,
{
    let work = Arc::new(work);
    let stop = Arc::new(AtomicBool::new(false));
    let counting = Arc::new(AtomicBool::new(o.warmup.is_zero()));
    let handles: Vec<_> = (0..o.clients)
        .map(|client| {
            let (work, stop, counting, subjects) = (
                work.clone(),
                stop.clone(),
                counting.clone(),
                subjects.clone(),
            );
            std::thread::spawn(move || {
                let mut rng = StdRng::seed_from_u64(seed ^ (client as u64 * 0x9E37_79B9));
                let mut r: Results = Default::default();
                let mut kind = client % READS.len();
                while !stop.load(Ordering::Relaxed) {
                    kind = (kind + 1) % READS.len();
                    let s = subjects[rng.random_range(0..subjects.len())];
                    let t = Instant::now();
                    let result = work(client, kind, s);
                    if !counting.load(Ordering::Relaxed) {
                        continue;
                    }
                    match result {
                        Ok(_) => r[kind].micros.push(t.elapsed().as_micros() as u64),
                        Err(_) => r[kind].errors += 1,
                    }
                }
                r
            })
        })
        .collect();
    std::thread::sleep(o.warmup);
    counting.store(true, Ordering::Relaxed);
    let started = Instant::now();
    std::thread::sleep(o.duration);
    stop.store(true, Ordering::Relaxed);
    let mut out: Results = Default::default();
    for r in handles.into_iter().filter_map(|h| h.join().ok()) {
        for (o, s) in out.iter_mut().zip(r) {
            o.micros.extend(s.micros);
            o.errors += s.errors;
        }
    }
    for o in &mut out {
        o.micros.sort_unstable();
    }
    (out, started.elapsed().as_secs_f64())
}

fn pct(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i] as f64 / 1000.0
}

fn figures(r: &Results, secs: f64) -> Value {
    let mut reads = serde_json::Map::new();
    let mut all: Vec<u64> = Vec::new();
    for (kind, s) in READS.iter().zip(r) {
        all.extend(&s.micros);
        reads.insert(
            kind.to_string(),
            json!({
                "count": s.micros.len(),
                "errors": s.errors,
                "req_per_s": s.micros.len() as f64 / secs,
                "p50_ms": pct(&s.micros, 0.50),
                "p99_ms": pct(&s.micros, 0.99),
                "max_ms": pct(&s.micros, 1.0),
            }),
        );
    }
    all.sort_unstable();
    json!({
        "reads": reads,
        "total": all.len(),
        "req_per_s": all.len() as f64 / secs,
        "p99_ms": pct(&all, 0.99),
        "seconds": secs,
    })
}

fn print(title: &str, v: &Value) {
    println!("{title}");
    println!(
        "  {:<14} {:>8} {:>6} {:>9} {:>8} {:>8} {:>8}",
        "read", "count", "errors", "req/s", "p50 ms", "p99 ms", "max ms"
    );
    for kind in READS {
        let k = &v["reads"][kind];
        println!(
            "  {:<14} {:>8} {:>6} {:>9.1} {:>8.2} {:>8.2} {:>8.2}",
            kind,
            k["count"].as_u64().unwrap_or(0),
            k["errors"].as_u64().unwrap_or(0),
            k["req_per_s"].as_f64().unwrap_or(0.0),
            k["p50_ms"].as_f64().unwrap_or(0.0),
            k["p99_ms"].as_f64().unwrap_or(0.0),
            k["max_ms"].as_f64().unwrap_or(0.0),
        );
    }
    println!(
        "  {:<14} {:>8} {:>6} {:>9.1} {:>8} {:>8.2}   (PERF-2: p99 ≤ 30 ms)",
        "all",
        v["total"].as_u64().unwrap_or(0),
        "",
        v["req_per_s"].as_f64().unwrap_or(0.0),
        "",
        v["p99_ms"].as_f64().unwrap_or(0.0),
    );
}

fn api_run(o: &Options, subjects: Arc<Vec<Subject>>, seed: u64) -> Result<Value, String> {
    crate::bench::check_local(&o.base_url)?;
    let token = crate::bench::login(&o.base_url, &o.username, &o.password)?;
    let base = o.base_url.trim_end_matches('/').to_string();
    let probe = crate::bench::agent()
        .get(format!("{base}{}", path(6, subjects[0])))
        .header("Authorization", format!("Bearer {token}"))
        .call()
        .map_err(|e| e.to_string())?;
    if probe.status() != 200 {
        return Err(format!(
            "GET a visit answered {} for {} (needs service.read over every institution)",
            probe.status(),
            o.username
        ));
    }
    // Each client takes the reads in turn, each for a drawn customer.
    let turns: Vec<Cell<usize>> = (0..o.clients).map(|c| Cell::new(c % READS.len())).collect();
    let (r, secs) = crate::bench_http::drive(
        o,
        &token,
        seed,
        READS.len(),
        move |client: usize, rng: &mut StdRng| {
            let kind = (turns[client].get() + 1) % READS.len();
            turns[client].set(kind);
            let s = subjects[rng.random_range(0..subjects.len())];
            (kind, path(kind, s))
        },
        |_: usize, answer: &crate::bench_http::Answer| {
            if answer.status != 200 {
                return Err(answer.status.to_string());
            }
            Ok(answer.body.len() as u64)
        },
    )?;
    let mut out: Results = Default::default();
    for (o, s) in out.iter_mut().zip(r) {
        o.micros = s.micros;
        o.errors = s.errors;
    }
    Ok(figures(&out, secs))
}

fn sql_run(
    o: &Options,
    pool: &Pool,
    subjects: Arc<Vec<Subject>>,
    seed: u64,
) -> Result<Value, String> {
    let conns: Vec<std::sync::Mutex<_>> = (0..o.clients)
        .map(|_| {
            pool.get()
                .map(std::sync::Mutex::new)
                .map_err(|e| e.to_string())
        })
        .collect::<Result<_, _>>()?;
    let (r, secs) = drive(o, subjects, seed, move |client, kind, s| {
        let mut guard = conns[client].lock().map_err(|e| e.to_string())?;
        read(&mut guard, kind, s).map_err(|e| e.to_string())
    });
    Ok(figures(&r, secs))
}

/// A bind as diesel prints it, as an SQL literal: what [`sql_literal`] writes, typed ids
/// (`CustomerId(…)`) as their UUID text, instants and dates quoted, arrays of those.
fn literal(item: &str) -> Option<String> {
    if let Some(l) = sql_literal(item) {
        return Some(l);
    }
    let item = item.trim();
    if let Some(inner) = item.strip_prefix('[').and_then(|i| i.strip_suffix(']')) {
        let parts: Option<Vec<String>> = bind_items(&format!("[{inner}]"))
            .ok()?
            .iter()
            .map(|p| literal(p))
            .collect();
        return Some(format!("ARRAY[{}]::text[]", parts?.join(",")));
    }
    if let Some(inner) = item.strip_prefix("Some(").and_then(|i| i.strip_suffix(')')) {
        return literal(inner);
    }
    if let Some((name, rest)) = item.split_once('(')
        && name.chars().all(|c| c.is_ascii_alphanumeric())
        && let Some(uuid) = rest.strip_suffix(')')
        && uuid::Uuid::parse_str(uuid).is_ok()
    {
        return Some(format!("'{uuid}'"));
    }
    if item.parse::<chrono::NaiveDateTime>().is_ok() {
        return Some(format!("'{item}'::timestamp"));
    }
    if item.parse::<chrono::NaiveDate>().is_ok() {
        return Some(format!("'{item}'::date"));
    }
    None
}

/// The statements of read `kind` for the recorded subject, with its ids as picks from the
/// drawn ones.
fn script(conn: &mut DbConn, kind: usize, subjects: &[Subject]) -> Result<String, String> {
    let recorded = subjects[0];
    let (_, sent): (u64, Vec<Sent>) =
        statements_sent(conn, |c| read(c, kind, recorded)).map_err(|e| e.to_string())?;
    let pick = |values: Vec<String>| format!("(ARRAY[{}])[:i]", values.join(","));
    let customers = pick(subjects.iter().map(|s| format!("'{}'", s.0)).collect());
    let visits = pick(subjects.iter().map(|s| format!("'{}'", s.1)).collect());
    let mut out = format!("\\set i random(1, {})\n", subjects.len());
    for s in sent {
        let values: Vec<String> = bind_items(&s.binds)?
            .iter()
            .map(|b| {
                literal(b)
                    .ok_or_else(|| format!("cannot write {b} in a script"))
                    .map(|l| {
                        l.replace(&format!("'{}'", recorded.0), &customers)
                            .replace(&format!("'{}'", recorded.1), &visits)
                    })
            })
            .collect::<Result<_, _>>()?;
        out.push_str(&substitute(&s.sql, &values)?);
        out.push_str(";\n");
    }
    Ok(out)
}

fn pgbench_run(
    o: &Options,
    database_url: &str,
    pool: &Pool,
    subjects: &[Subject],
) -> Result<Value, String> {
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    let dir = std::env::temp_dir().join(format!("hcrm-pgbench-360-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let mut files = Vec::new();
    for (kind, name) in READS.iter().enumerate() {
        let text = script(&mut conn, kind, subjects)?;
        let file = dir.join(format!("{name}.sql"));
        std::fs::write(&file, text).map_err(|e| e.to_string())?;
        files.push(file);
    }
    drop(conn);
    let run = crate::pgbench::run_scripts(o, database_url, &dir, &files);
    let _ = std::fs::remove_dir_all(&dir);
    let (per_script, secs) = run?;
    let mut r: Results = Default::default();
    for (i, micros) in per_script.into_iter().enumerate() {
        if let Some(slot) = r.get_mut(i) {
            slot.micros = micros;
        }
    }
    Ok(figures(&r, secs))
}

/// Runs the 360 benchmark and prints (and keeps) its figures.
pub fn run(o: &Options, database_url: &str) -> Result<(), String> {
    let pool = hcrm_db::connect(database_url, o.clients as u32 + 1).map_err(|e| e.to_string())?;
    let subjects = Arc::new(draw(&pool)?);
    let (customers, visits): (i64, i64) = {
        let mut conn = pool.get().map_err(|e| e.to_string())?;
        let c = hcrm_db::schema::customers::table
            .count()
            .get_result(&mut **conn)
            .map_err(|e| e.to_string())?;
        let v = hcrm_db::schema::visits::table
            .count()
            .get_result(&mut **conn)
            .map_err(|e| e.to_string())?;
        (c, v)
    };
    let backend = hcrm_db::Backend::from_url(database_url).name();
    let seed = rand::rng().next_u64();
    println!(
        "PERF-2 customer 360: {customers} customers, {visits} visits ({backend}), {} clients, \
         {:.0} s per side after {:.1} s of warm-up; {} customers drawn",
        o.clients,
        o.duration.as_secs_f64(),
        o.warmup.as_secs_f64(),
        subjects.len()
    );
    let mut report = json!({
        "date": chrono::Utc::now().to_rfc3339(),
        "customers": customers,
        "visits": visits,
        "backend": backend,
        "clients": o.clients,
        "duration_s": o.duration.as_secs_f64(),
    });
    if !o.skip_api {
        let api = api_run(o, subjects.clone(), seed)?;
        print(
            &format!("API  {} (the 360 page's reads, a visit by id)", o.base_url),
            &api,
        );
        report["api"] = api;
    }
    if !o.skip_sql {
        let sql = sql_run(o, &pool, subjects.clone(), seed)?;
        print("SQL  the same hcrm-db calls on a pool, no HTTP", &sql);
        report["sql"] = sql;
    }
    if o.pgbench {
        let pg = pgbench_run(o, database_url, &pool, &subjects)?;
        print(
            "pgbench  the same statements run by PostgreSQL's pgbench (-M prepared)",
            &pg,
        );
        report["pgbench"] = pg;
    }
    for side in ["sql", "pgbench"] {
        if let (Some(api), Some(other)) = (report.get("api"), report.get(side)) {
            let ratio = api["req_per_s"].as_f64().unwrap_or(0.0)
                / other["req_per_s"]
                    .as_f64()
                    .filter(|v| *v > 0.0)
                    .unwrap_or(1.0);
            println!(
                "API throughput / {} throughput: {:.0}% (PERF-2: ≥ 50 % of pgbench)",
                side.to_uppercase(),
                100.0 * ratio
            );
            report[format!("api_over_{side}")] = json!(ratio);
        }
    }
    if let Some(path) = &o.out {
        std::fs::write(
            path,
            serde_json::to_string_pretty(&report).unwrap_or_default(),
        )
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        println!("figures written to {}", path.display());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printed_binds_of_the_360_reads_become_literals() {
        let u = "0193a1d2-7c4e-7b10-8000-00000000000f";
        assert_eq!(literal(&format!("CustomerId({u})")), Some(format!("'{u}'")));
        assert_eq!(
            literal(&format!("Some(VisitId({u}))")),
            Some(format!("'{u}'"))
        );
        assert_eq!(
            literal(&format!("[InstitutionId({u})]")),
            Some(format!("ARRAY['{u}']::text[]"))
        );
        assert_eq!(
            literal("2026-12-07T05:00:00.123456").as_deref(),
            Some("'2026-12-07T05:00:00.123456'::timestamp")
        );
        assert_eq!(literal("2026-12-07").as_deref(), Some("'2026-12-07'::date"));
        assert_eq!(literal("\"open\"").as_deref(), Some("'open'"));
        assert_eq!(literal("50").as_deref(), Some("50"));
        assert_eq!(literal("Shape { x: 1 }"), None);
    }
}
