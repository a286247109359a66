//! `hcrm bench search` — PERF-1 and PERF-8: the customer search (phone suffix, name fragment,
//! pinyin initials) through the HTTP API of a running server at N concurrent clients for a
//! fixed time, then the same queries straight on the database (the same diesel code the API
//! runs, on a pool of N connections, like pgbench), with count, throughput and p50/p95/p99 per
//! kind. `--out` keeps the figures as JSON; `--baseline` compares with an earlier run (another
//! data size) and prints the ratios (PERF-8).

use std::cell::Cell;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use diesel::r2d2::PooledConnection;
use hcrm_db::conn::Manager;
use hcrm_db::customers::{Count, Filter, Sort, list};
use hcrm_db::schema::customers;
use hcrm_db::{DbConn, ListWindow, Pool};
use hcrm_domain::Scope;
use hcrm_domain::api::customers::{COUNT_CAP, CustomerSummary};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::{Rng, RngCore};
use serde_json::{Value, json};

use crate::synth::Vocab;

pub struct Options {
    pub clients: usize,
    pub duration: Duration,
    /// Run before samples count (connections opened, statements prepared).
    pub warmup: Duration,
    pub base_url: String,
    pub username: String,
    pub password: String,
    pub out: Option<std::path::PathBuf>,
    pub baseline: Option<std::path::PathBuf>,
    pub skip_sql: bool,
    pub skip_api: bool,
    /// Indexes into [`KINDS`] of the query kinds to run (each client takes them in turn).
    pub kinds: Vec<usize>,
    /// Ask for uncompressed answers (`Accept-Encoding: identity`) instead of gzip.
    pub identity: bool,
    /// Also run the statements with PostgreSQL's `pgbench` (`crate::pgbench`).
    pub pgbench: bool,
}

/// `phone_suffix,name_fragment` → their indexes in [`KINDS`].
pub fn parse_kinds(s: &str) -> Result<Vec<usize>, String> {
    s.split(',')
        .map(|k| {
            KINDS
                .iter()
                .position(|x| *x == k.trim())
                .ok_or_else(|| format!("unknown query kind {k:?} (one of {})", KINDS.join(", ")))
        })
        .collect()
}

/// The three PERF-1 query kinds (the default mix), and one given-name character alone
/// (`--kinds given_char`: names holding it further in, issue 9).
pub const KINDS: [&str; 4] = [
    "phone_suffix",
    "name_fragment",
    "pinyin_initials",
    "given_char",
];

/// The search text of a query of `kind`, drawn like real staff type them.
pub fn query_text(vocab: &Vocab, rng: &mut StdRng, kind: usize) -> String {
    match kind {
        0 => format!("{:04}", rng.random_range(0..10_000)),
        1 => format!("{}{}", vocab.surname(rng), vocab.given_char(rng)),
        2 => vocab.initials2(rng),
        _ => vocab.given_char(rng).to_string(),
    }
}

/// `duration` like `20s`, `2m`, `500ms` or plain seconds, from 0.1 s to 1 h.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    parse_span(s, 0.1)
}

/// A warm-up: like [`parse_duration`], and `0` for none.
pub fn parse_warmup(s: &str) -> Result<Duration, String> {
    parse_span(s, 0.0)
}

fn parse_span(s: &str, min_secs: f64) -> Result<Duration, String> {
    let s = s.trim();
    let (num, unit) = s
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .map_or((s, "s"), |i| (&s[..i], &s[i..]));
    let n: f64 = num.parse().map_err(|_| format!("bad duration {s:?}"))?;
    let secs = match unit {
        "ms" => n / 1000.0,
        "s" => n,
        "m" | "min" => n * 60.0,
        _ => return Err(format!("bad duration unit in {s:?} (ms, s, m)")),
    };
    if !(min_secs..=3600.0).contains(&secs) {
        return Err(format!("{s:?} must be between {min_secs} s and 1 h"));
    }
    Ok(Duration::from_secs_f64(secs))
}

fn percent_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Latencies (µs) and failures of one kind.
#[derive(Default, Clone)]
pub(crate) struct Samples {
    pub micros: Vec<u64>,
    pub errors: u64,
    pub rows: u64,
}

pub(crate) type Results = [Samples; KINDS.len()];

pub(crate) fn merge(all: Vec<Results>) -> Results {
    let mut out: Results = Default::default();
    for r in all {
        for (o, s) in out.iter_mut().zip(r) {
            o.micros.extend(s.micros);
            o.errors += s.errors;
            o.rows += s.rows;
        }
    }
    for o in &mut out {
        o.micros.sort_unstable();
    }
    out
}

fn pct(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i] as f64 / 1000.0
}

pub(crate) fn summary(r: &Results, secs: f64) -> Value {
    let mut kinds = serde_json::Map::new();
    let mut total = 0usize;
    for (kind, s) in KINDS.iter().zip(r) {
        total += s.micros.len();
        kinds.insert(
            kind.to_string(),
            json!({
                "count": s.micros.len(),
                "errors": s.errors,
                "req_per_s": s.micros.len() as f64 / secs,
                "avg_rows": if s.micros.is_empty() { 0.0 } else { s.rows as f64 / s.micros.len() as f64 },
                "p50_ms": pct(&s.micros, 0.50),
                "p95_ms": pct(&s.micros, 0.95),
                "p99_ms": pct(&s.micros, 0.99),
                "max_ms": pct(&s.micros, 1.0),
            }),
        );
    }
    json!({"kinds": kinds, "total": total, "req_per_s": total as f64 / secs, "seconds": secs})
}

pub(crate) fn print(title: &str, v: &Value) {
    println!("{title}");
    println!(
        "  {:<16} {:>8} {:>6} {:>9} {:>8} {:>8} {:>8} {:>8} {:>8}",
        "kind", "count", "errors", "req/s", "rows", "p50 ms", "p95 ms", "p99 ms", "max ms"
    );
    for kind in KINDS {
        let k = &v["kinds"][kind];
        if k["count"].as_u64() == Some(0) && k["errors"].as_u64() == Some(0) {
            continue;
        }
        println!(
            "  {:<16} {:>8} {:>6} {:>9.1} {:>8} {:>8.2} {:>8.2} {:>8.2} {:>8.2}",
            kind,
            k["count"].as_u64().unwrap_or(0),
            k["errors"].as_u64().unwrap_or(0),
            k["req_per_s"].as_f64().unwrap_or(0.0),
            // Unknown where the runner does not see the rows (pgbench).
            k["avg_rows"]
                .as_f64()
                .map_or_else(|| "-".to_string(), |r| format!("{r:.1}")),
            k["p50_ms"].as_f64().unwrap_or(0.0),
            k["p95_ms"].as_f64().unwrap_or(0.0),
            k["p99_ms"].as_f64().unwrap_or(0.0),
            k["max_ms"].as_f64().unwrap_or(0.0),
        );
    }
    println!(
        "  {:<16} {:>8} {:>6} {:>9.1}",
        "all",
        v["total"].as_u64().unwrap_or(0),
        "",
        v["req_per_s"].as_f64().unwrap_or(0.0)
    );
}

/// Only this machine is benchmarked: never send load elsewhere.
pub(crate) fn check_local(base: &str) -> Result<(), String> {
    let rest = base
        .strip_prefix("http://")
        .ok_or("--base-url must start with http://")?;
    let host = rest.split(['/', ':']).next().unwrap_or_default();
    if matches!(host, "127.0.0.1" | "localhost") {
        Ok(())
    } else {
        Err("--base-url must be on 127.0.0.1 (the benchmark only loads this machine)".into())
    }
}

pub(crate) fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

pub(crate) fn login(base: &str, username: &str, password: &str) -> Result<String, String> {
    let mut res = agent()
        .post(format!("{base}/api/v1/auth/login"))
        .send_json(json!({"username": username, "password": password}))
        .map_err(|e| format!("cannot reach {base}: {e}"))?;
    let status = res.status().as_u16();
    let body: Value = res.body_mut().read_json().unwrap_or(Value::Null);
    if status != 200 {
        return Err(format!("sign-in as {username} failed ({status}): {body}"));
    }
    body["access_token"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| "no access_token in the sign-in answer".into())
}

/// Runs `work(client, kind, text) -> Ok(rows)` from `clients` threads for `warmup`, then
/// for `duration` counting the samples.
fn drive<F>(
    clients: usize,
    (warmup, duration): (Duration, Duration),
    seed: u64,
    kinds: &[usize],
    work: F,
) -> (Results, f64)
where
    F: Fn(usize, usize, &str) -> Result<u64, String> + Send + Sync + 'static,
{
    let work = Arc::new(work);
    let vocab = Arc::new(Vocab::new());
    let stop = Arc::new(AtomicBool::new(false));
    let counting = Arc::new(AtomicBool::new(warmup.is_zero()));
    let handles: Vec<_> = (0..clients)
        .map(|client| {
            let (work, vocab, stop, counting) =
                (work.clone(), vocab.clone(), stop.clone(), counting.clone());
            let kinds = kinds.to_vec();
            std::thread::spawn(move || {
                let mut rng = StdRng::seed_from_u64(seed ^ (client as u64 * 0x9E37_79B9));
                let mut r: Results = Default::default();
                let mut i = client;
                while !stop.load(Ordering::Relaxed) {
                    let kind = kinds[i % kinds.len()];
                    i += 1;
                    let text = query_text(&vocab, &mut rng, kind);
                    let t = Instant::now();
                    let result = work(client, kind, &text);
                    if !counting.load(Ordering::Relaxed) {
                        continue;
                    }
                    match result {
                        Ok(rows) => {
                            r[kind].micros.push(t.elapsed().as_micros() as u64);
                            r[kind].rows += rows;
                        }
                        Err(_) => r[kind].errors += 1,
                    }
                }
                r
            })
        })
        .collect();
    std::thread::sleep(warmup);
    counting.store(true, Ordering::Relaxed);
    let started = Instant::now();
    std::thread::sleep(duration);
    stop.store(true, Ordering::Relaxed);
    let all = handles
        .into_iter()
        .filter_map(|h| h.join().ok())
        .collect::<Vec<_>>();
    (merge(all), started.elapsed().as_secs_f64())
}

/// A page of the list answer, its items unread.
#[derive(serde::Deserialize)]
struct Listed {
    items: Vec<serde::de::IgnoredAny>,
}

fn api_run(o: &Options, seed: u64) -> Result<Value, String> {
    check_local(&o.base_url)?;
    let token = login(&o.base_url, &o.username, &o.password)?;
    let base = o.base_url.trim_end_matches('/').to_string();
    let probe = agent()
        .get(format!("{base}/api/v1/customers?q=13&limit=1"))
        .header("Authorization", format!("Bearer {token}"))
        .call()
        .map_err(|e| e.to_string())?;
    if probe.status() != 200 {
        return Err(format!(
            "GET /api/v1/customers answered {} for {} (needs customer.read)",
            probe.status(),
            o.username
        ));
    }
    let vocab = Vocab::new();
    let kinds = o.kinds.clone();
    let turns: Vec<Cell<usize>> = (0..o.clients).map(Cell::new).collect();
    let (r, secs) = crate::bench_http::drive(
        o,
        &token,
        seed,
        KINDS.len(),
        move |client: usize, rng: &mut StdRng| {
            let turn = turns[client].get();
            turns[client].set(turn + 1);
            let kind = kinds[turn % kinds.len()];
            let text = query_text(&vocab, rng, kind);
            (
                kind,
                format!("/api/v1/customers?q={}&limit=20", percent_encode(&text)),
            )
        },
        // Each answer is checked to be a page of JSON and its items counted (not built into
        // values).
        |_: usize, answer: &crate::bench_http::Answer| {
            if answer.status != 200 {
                return Err(answer.status.to_string());
            }
            let body: Listed =
                serde_json::from_slice(&answer.decoded()?).map_err(|e| e.to_string())?;
            Ok(body.items.len() as u64)
        },
    )?;
    let r: Results = r
        .try_into()
        .map_err(|_| "one sample list per kind".to_string())?;
    Ok(summary(&r, secs))
}

fn sql_run(o: &Options, pool: &Pool, seed: u64) -> Result<Value, String> {
    let conns: Vec<std::sync::Mutex<PooledConnection<Manager>>> = (0..o.clients)
        .map(|_| {
            pool.get()
                .map(std::sync::Mutex::new)
                .map_err(|e| e.to_string())
        })
        .collect::<Result<_, _>>()?;
    let (r, secs) = drive(
        o.clients,
        (o.warmup, o.duration),
        seed,
        &o.kinds,
        move |client, _, text| {
            let mut guard = conns[client].lock().map_err(|e| e.to_string())?;
            Ok(first_page(&mut guard, text)?.len() as u64)
        },
    );
    Ok(summary(&r, secs))
}

/// The page the API's `GET /customers?q=text&limit=20` lists, for a group-wide caller.
pub(crate) fn first_page(conn: &mut DbConn, text: &str) -> Result<Vec<CustomerSummary>, String> {
    let filter = Filter {
        q: Some(text.to_string()),
        ..Default::default()
    };
    let window = ListWindow {
        limit: 20,
        offset: 0,
    };
    list(
        conn,
        &Scope::Group,
        &filter,
        Sort::Relevance,
        false,
        window,
        Count::UpTo(COUNT_CAP),
    )
    .map(|listed| listed.items)
    .map_err(|e| e.to_string())
}

fn live_customers(pool: &Pool) -> Result<i64, String> {
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    customers::table
        .filter(customers::merged_into_id.is_null())
        .filter(customers::deleted_at.is_null())
        .count()
        .get_result(&mut **conn)
        .map_err(|e| e.to_string())
}

/// Runs the search benchmark and prints (and keeps) its figures.
pub fn search(o: &Options, database_url: &str) -> Result<(), String> {
    let pool = hcrm_db::connect(database_url, o.clients as u32 + 1).map_err(|e| e.to_string())?;
    let size = live_customers(&pool)?;
    let backend = hcrm_db::Backend::from_url(database_url).name();
    let seed = rand::rng().next_u64();
    println!(
        "PERF-1 customer search: {size} live customers ({backend}), {} clients, {:.0} s per side after {:.1} s of warm-up, limit 20",
        o.clients,
        o.duration.as_secs_f64(),
        o.warmup.as_secs_f64()
    );
    let mut report = json!({
        "date": chrono::Utc::now().to_rfc3339(),
        "customers": size,
        "backend": backend,
        "clients": o.clients,
        "kinds": o.kinds.iter().map(|&k| KINDS[k]).collect::<Vec<_>>(),
        "duration_s": o.duration.as_secs_f64(),
        "warmup_s": o.warmup.as_secs_f64(),
    });
    if !o.skip_api {
        let api = api_run(o, seed)?;
        print(&format!("API  {}/api/v1/customers?q=…", o.base_url), &api);
        report["api"] = api;
    }
    if !o.skip_sql {
        let sql = sql_run(o, &pool, seed)?;
        print(
            "SQL  the same queries (hcrm_db::customers::list) on a pool, no HTTP",
            &sql,
        );
        report["sql"] = sql;
    }
    if o.pgbench {
        let pg = crate::pgbench::run(o, database_url, &pool, seed)?;
        print(
            "pgbench  the same statements run by PostgreSQL's pgbench (-M prepared)",
            &pg,
        );
        report["pgbench"] = pg;
    }
    for side in ["sql", "pgbench"] {
        if let (Some(api), Some(other)) = (report.get("api"), report.get(side)) {
            let r = ratio_line(&o.kinds, api, other, side);
            report[format!("api_over_{side}")] = json!(r);
        }
    }
    if let Some(path) = &o.baseline {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let base: Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
        compare(&base, &report);
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

/// Prints the API's throughput over another side's, per kind and in all; returns the latter.
fn ratio_line(kinds: &[usize], api: &Value, other: &Value, side: &str) -> f64 {
    let ratio = |a: &Value, b: &Value| {
        a.as_f64().unwrap_or(0.0) / b.as_f64().filter(|v| *v > 0.0).unwrap_or(1.0)
    };
    let mut line = format!("API throughput / {} throughput:", side.to_uppercase());
    for kind in kinds.iter().map(|&k| KINDS[k]) {
        line.push_str(&format!(
            " {kind} {:.0}%",
            100.0
                * ratio(
                    &api["kinds"][kind]["req_per_s"],
                    &other["kinds"][kind]["req_per_s"]
                )
        ));
    }
    let all = ratio(&api["req_per_s"], &other["req_per_s"]);
    line.push_str(&format!(" all {:.0}%", 100.0 * all));
    println!("{line}");
    all
}

/// PERF-8: how latency grew from the baseline's size to this one.
fn compare(base: &Value, now: &Value) {
    let (b, n) = (
        base["customers"].as_f64().unwrap_or(0.0),
        now["customers"].as_f64().unwrap_or(0.0),
    );
    println!(
        "PERF-8 size ratio {:.2} ({b} → {n} customers); latency ratio (this run / baseline):",
        n / b.max(1.0)
    );
    let mut by: BTreeMap<String, String> = BTreeMap::new();
    for side in ["api", "sql"] {
        for kind in KINDS {
            let (x, y) = (&base[side]["kinds"][kind], &now[side]["kinds"][kind]);
            if x.is_null() || y.is_null() || x["count"].as_u64() == Some(0) {
                continue;
            }
            let r = |f: &str| {
                y[f].as_f64().unwrap_or(0.0) / x[f].as_f64().filter(|v| *v > 0.0).unwrap_or(1.0)
            };
            by.insert(
                format!("{side} {kind}"),
                format!("p50 ×{:.2}  p99 ×{:.2}", r("p50_ms"), r("p99_ms")),
            );
        }
    }
    for (k, v) in by {
        println!("  {k:<22} {v}");
    }
}
