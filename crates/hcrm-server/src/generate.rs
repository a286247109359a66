//! OPS-2 (second part): `hcrm generate --customers N` — many realistic customers fast, for
//! benchmarks (PERF-1, PERF-8). Rows are made in Rust from a fixed vocabulary (names with their
//! pinyin precomputed) into hcrm-db's own rows and written by hcrm-db
//! (`NewCustomers::write`, multi-row INSERTs), 10,000 customers per transaction.

use std::time::Instant;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use hcrm_db::DbConn;
use hcrm_db::ids::InstitutionId;
use hcrm_db::schema::{customers, institutions};
use hcrm_domain::customer::Gender;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::synth::{Batch, Maker, PersonSpec, Target, random_age};

const PER_TRANSACTION: usize = 10_000;

/// The institutions to spread customers over: `code`, or every active one.
pub fn targets(conn: &mut DbConn, code: Option<&str>) -> Result<Vec<Target>, String> {
    let mut q = institutions::table
        .filter(institutions::active.eq(true))
        .order(institutions::code)
        .select((institutions::id, institutions::code, institutions::city))
        .into_boxed();
    if let Some(code) = code {
        q = q.filter(institutions::code.eq(code.to_string()));
    }
    let rows: Vec<(InstitutionId, String, String)> = q.load(conn).map_err(|e| e.to_string())?;
    if rows.is_empty() {
        return Err(match code {
            Some(c) => format!("no active institution with code {c}"),
            None => "no institutions yet: run `hcrm demo` or create one first".into(),
        });
    }
    Ok(rows
        .into_iter()
        .map(|(id, code, city)| Target { id, code, city })
        .collect())
}

/// Makes `n` customers; returns the seconds it took.
pub fn run(
    conn: &mut DbConn,
    n: usize,
    institution: Option<&str>,
    seed: Option<u64>,
) -> Result<f64, String> {
    let targets = targets(conn, institution)?;
    let existing: i64 = customers::table
        .count()
        .get_result(conn)
        .map_err(|e| e.to_string())?;
    // Runs one after another on the same database differ, unless a seed is given.
    let seed = seed.unwrap_or(existing as u64);
    let mut rng = StdRng::seed_from_u64(seed);
    let mut maker = Maker::new(hcrm_db::now(), format!("{seed:x}G"));
    maker.serial = existing as u64;
    let started = Instant::now();
    // A big load on PostgreSQL: one transaction that sets the secondary indexes aside and
    // builds them again at the end (much faster than maintaining them row by row); atomic, so
    // an interrupted run leaves the database as it was.
    if matches!(conn, DbConn::Postgresql(_)) && n >= BULK {
        let mut load = |c: &mut DbConn| -> Result<(), String> {
            let indexes = secondary_indexes(c)?;
            for (name, _) in &indexes {
                c.batch_execute(&format!("DROP INDEX \"{name}\""))
                    .map_err(|e| e.to_string())?;
            }
            fill(c, n, &targets, &mut rng, &mut maker, started, false)?;
            let t = Instant::now();
            for (_, def) in &indexes {
                c.batch_execute(def).map_err(|e| e.to_string())?;
            }
            println!(
                "  {} indexes built again in {:.1} s",
                indexes.len(),
                t.elapsed().as_secs_f64()
            );
            Ok(())
        };
        conn.transaction(|c| load(c).map_err(Fail))
            .map_err(|Fail(e)| e)?;
    } else {
        fill(conn, n, &targets, &mut rng, &mut maker, started, true)?;
    }
    // Fresh statistics for the planner, and the visibility map for index-only scans.
    let analyze = match conn {
        DbConn::Postgresql(_) => {
            "VACUUM ANALYZE customers, customer_phones, customer_tags, customer_external_ids, \
             customer_categories, customer_profiles, customer_stage_history, customer_search_keys"
        }
        DbConn::Sqlite(_) => "ANALYZE",
    };
    conn.batch_execute(analyze).map_err(|e| e.to_string())?;
    Ok(started.elapsed().as_secs_f64())
}

/// From this many customers on, PostgreSQL loads with the indexes set aside.
const BULK: usize = 100_000;

/// The tables a load writes.
const TABLES: &str = "'customers', 'customer_profiles', 'customer_phones', 'customer_tags', \
     'customer_categories', 'customer_external_ids', 'customer_stage_history', \
     'customer_search_keys'";

/// A failed load, carried out of the transaction (which then rolls back).
struct Fail(String);

impl From<diesel::result::Error> for Fail {
    fn from(e: diesel::result::Error) -> Fail {
        Fail(e.to_string())
    }
}

#[derive(QueryableByName)]
struct IndexDef {
    #[diesel(sql_type = diesel::sql_types::Text)]
    indexname: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    indexdef: String,
}

/// Indexes of the loaded tables that back no constraint (primary keys and unique constraints
/// stay), with their definitions.
fn secondary_indexes(conn: &mut DbConn) -> Result<Vec<(String, String)>, String> {
    let rows: Vec<IndexDef> = diesel::sql_query(format!(
        "SELECT indexname::text AS indexname, indexdef::text AS indexdef FROM pg_indexes \
         WHERE schemaname = current_schema() AND tablename IN ({TABLES}) \
         AND indexname NOT IN (SELECT conname FROM pg_constraint) ORDER BY indexname"
    ))
    .load(conn)
    .map_err(|e| e.to_string())?;
    Ok(rows
        .into_iter()
        .map(|r| (r.indexname, r.indexdef))
        .collect())
}

/// Makes and writes `n` customers, 10,000 at a time (each in its own transaction if `own_tx`).
fn fill(
    conn: &mut DbConn,
    n: usize,
    targets: &[Target],
    rng: &mut StdRng,
    maker: &mut Maker,
    started: Instant,
    own_tx: bool,
) -> Result<(), String> {
    let mut batch = Batch::default();
    let mut done = 0usize;
    let mut last_report = Instant::now();
    while done < n {
        let size = PER_TRANSACTION.min(n - done);
        batch.clear();
        for i in 0..size {
            let target = &targets[(done + i) % targets.len()];
            let gender = if rng.random_bool(0.52) {
                Gender::Female
            } else {
                Gender::Male
            };
            let spec = PersonSpec {
                gender,
                age: random_age(rng),
                surname: None,
                married: None,
            };
            maker.person(rng, &mut batch, target, spec, false);
        }
        if own_tx {
            hcrm_db::write_transaction(conn, |c| batch.write(c))
        } else {
            batch.write(conn)
        }
        .map_err(|e| e.to_string())?;
        done += size;
        if last_report.elapsed().as_secs() >= 5 || done == n {
            let secs = started.elapsed().as_secs_f64();
            println!(
                "  {done} customers in {secs:.1} s ({:.0}/s)",
                done as f64 / secs.max(0.001)
            );
            last_report = Instant::now();
        }
    }
    Ok(())
}
