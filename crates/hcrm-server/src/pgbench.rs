//! `hcrm bench search --pgbench`: the search's statements run by PostgreSQL's own `pgbench`
//! at the same concurrency, for PERF-1's "throughput ≥ 50 % of the same SQL run directly with
//! pgbench".
//!
//! Each kind is a pgbench script of the two statements `hcrm_db::customers::list` sends for
//! it: the first arm's walk (page ids and count, up to the cap + 1) and the page's rows with
//! their first phones and tags. Their texts are written out here, so before it runs the
//! benchmark checks, on a few of its queries, that each script finds the same page as the
//! application. The script does not run the later arms a sparse search would add, so pgbench does
//! at most the work the application does (the ratio errs against the API).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use diesel::prelude::*;
use diesel::sql_types::Text;
use hcrm_db::customers::{prefix_pattern, prefix_upper_bound};
use hcrm_db::{DbConn, Pool};
use hcrm_domain::api::customers::COUNT_CAP;
use hcrm_domain::customer::search_keys::pinyin_keys;
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::Value;

use crate::bench::{KINDS, Options, Results, first_page, query_text, summary};
use crate::synth::Vocab;

/// Queries drawn per kind; each transaction picks one at random.
const DRAWN: usize = 1000;

/// The page's rows as `rows_of` reads them, for the ids in `:ids`.
const ROWS: &str = "SELECT customers.id, customers.institution_id, customers.kind, customers.name, \
    customers.name_pinyin, customers.name_initials, customers.gender, customers.birth_date, \
    customers.birth_month, customers.id_type, customers.id_number, customers.card_number, \
    customers.form_of_address, customers.form_of_address_custom, customers.lifecycle_stage, \
    customers.relationship_type, customers.source_channel, customers.account_manager_id, \
    customers.uscc, customers.employer_id, customers.merged_into_id, customers.deleted_at, \
    customers.version, customers.created_by, customers.created_at, customers.updated_at, \
    (SELECT customer_phones.phone FROM customer_phones \
     WHERE customer_phones.customer_id = customers.id \
     ORDER BY customer_phones.is_primary DESC, customer_phones.phone LIMIT 1), \
    (SELECT string_agg(customer_tags.tag, chr(31)) FROM customer_tags \
     WHERE customer_tags.customer_id = customers.id) \
    FROM customers WHERE customers.id = ANY(:ids::text[]);";

const LIVE: &str = "customers.merged_into_id IS NULL AND customers.deleted_at IS NULL";

/// The first arm of `kind` with its values as SQL expressions (`v[0]`, `v[1]` …), giving the
/// page's ids (`{…}`) in the arm's order, read up to the count cap + 1 like the application.
fn arm_sql(kind: usize, v: &[String]) -> String {
    let (cond, order) = match kind {
        0 => (
            format!(
                "customers.id IN (SELECT customer_id FROM customer_phones WHERE last4 = {t} \
                 UNION SELECT customers.id FROM customers WHERE card_number = {t} \
                 UNION SELECT customer_id FROM customer_external_ids WHERE external_id = {t})",
                t = v[0]
            ),
            "customers.name_pinyin, customers.id",
        ),
        1 => (
            format!(
                "customers.name_pinyin >= {} AND customers.name_pinyin < {} \
                 AND customers.name LIKE {} ESCAPE '\\'",
                v[0], v[1], v[2]
            ),
            "customers.name_pinyin, customers.id",
        ),
        _ => (
            format!(
                "customers.name_initials >= {} AND customers.name_initials < {}",
                v[0], v[1]
            ),
            "customers.name_initials, customers.name_pinyin, customers.id",
        ),
    };
    format!(
        "SELECT coalesce((array_agg(id))[1:20], '{{}}')::text AS ids FROM (\
         SELECT customers.id FROM customers WHERE {LIVE} AND {cond} ORDER BY {order} \
         LIMIT {}) AS arm",
        COUNT_CAP + 1
    )
}

/// The values the first arm of `kind` binds for the search text `text`.
fn arm_values(kind: usize, text: &str) -> Vec<String> {
    // Keys hold only a-z and 0-9: where a prefix has no upper bound (`zz`), `{` is above
    // every key, as the application's open-ended range is.
    let bound = |p: &str| prefix_upper_bound(p).unwrap_or_else(|| "{".to_string());
    match kind {
        0 => vec![text.to_string()],
        1 => {
            let (pinyin, _) = pinyin_keys(text);
            let upper = bound(&pinyin);
            vec![pinyin, upper, prefix_pattern(text)]
        }
        _ => vec![text.to_string(), bound(text)],
    }
}

fn literal(v: &str) -> String {
    format!("'{}'", v.replace('\'', "''"))
}

#[derive(QueryableByName)]
struct Ids {
    #[diesel(sql_type = Text)]
    ids: String,
}

/// The script of `kind` over its drawn texts: a random one per transaction.
fn script(kind: usize, drawn: &[Vec<String>]) -> String {
    let columns = drawn.first().map_or(0, Vec::len);
    let exprs: Vec<String> = (0..columns)
        .map(|c| {
            let items: Vec<String> = drawn.iter().map(|v| literal(&v[c])).collect();
            format!("(ARRAY[{}])[:i]", items.join(","))
        })
        .collect();
    format!(
        "\\set i random(1, {})\n{} \\gset\n{ROWS}\n",
        drawn.len(),
        arm_sql(kind, &exprs)
    )
}

/// Checks that the script's statements find the same page as the application for `text`.
fn same_page(conn: &mut DbConn, kind: usize, text: &str) -> Result<(), String> {
    let literals: Vec<String> = arm_values(kind, text).iter().map(|v| literal(v)).collect();
    let DbConn::Postgresql(pg) = conn else {
        return Err("pgbench needs PostgreSQL".into());
    };
    let script_ids = diesel::sql_query(arm_sql(kind, &literals))
        .get_result::<Ids>(pg)
        .map_err(|e| format!("pgbench script of {}: {e}", KINDS[kind]))?
        .ids;
    let page = first_page(conn, text)?;
    let app_ids = format!(
        "{{{}}}",
        page.iter()
            .map(|c| c.id.to_string())
            .collect::<Vec<_>>()
            .join(",")
    );
    // Where the first arm holds less than a page, the application goes on with the next ones
    // (the rest of the pinyin after the initials, the inside of names); the script reads only
    // the first arm, so its page is where the application's starts.
    if app_ids.starts_with(script_ids.trim_end_matches('}')) {
        Ok(())
    } else {
        Err(format!(
            "the pgbench script of {} no longer runs what the application runs for {text:?}: \
             {script_ids} ≠ {app_ids}",
            KINDS[kind]
        ))
    }
}

fn whole_seconds(d: Duration) -> u64 {
    d.as_secs_f64().ceil().max(1.0) as u64
}

fn pgbench(args: &[String], database_url: &str) -> Result<(), String> {
    let out = Command::new("pgbench")
        .args(args)
        .arg(database_url)
        .output()
        .map_err(|e| format!("cannot run pgbench (install postgresql-client): {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "pgbench failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// Latencies per script from pgbench's transaction logs (`client transaction µs script …`).
fn read_logs(dir: &Path, kinds: &[usize]) -> Result<Results, String> {
    let mut r: Results = Default::default();
    let entries = std::fs::read_dir(dir).map_err(|e| e.to_string())?;
    for entry in entries.flatten() {
        if !entry.file_name().to_string_lossy().starts_with("log") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).map_err(|e| e.to_string())?;
        for line in text.lines() {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let (Some(us), Some(script)) = (fields.get(2), fields.get(3)) else {
                continue;
            };
            let (Ok(us), Ok(script)) = (us.parse::<u64>(), script.parse::<usize>()) else {
                continue;
            };
            if let Some(&kind) = kinds.get(script) {
                r[kind].micros.push(us);
            }
        }
    }
    for s in &mut r {
        s.micros.sort_unstable();
    }
    Ok(r)
}

/// Runs the kinds' scripts with pgbench at `o.clients` for `o.duration` after `o.warmup`.
pub fn run(o: &Options, database_url: &str, pool: &Pool, seed: u64) -> Result<Value, String> {
    let vocab = Vocab::new();
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    let dir: PathBuf = std::env::temp_dir().join(format!("hcrm-pgbench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let mut files = Vec::new();
    for &kind in &o.kinds {
        let mut rng = StdRng::seed_from_u64(seed ^ kind as u64);
        let texts: Vec<String> = (0..DRAWN)
            .map(|_| query_text(&vocab, &mut rng, kind))
            .collect();
        for text in texts.iter().take(5) {
            same_page(&mut conn, kind, text)?;
        }
        let drawn: Vec<Vec<String>> = texts.iter().map(|t| arm_values(kind, t)).collect();
        let file = dir.join(format!("{}.sql", KINDS[kind]));
        std::fs::write(&file, script(kind, &drawn)).map_err(|e| e.to_string())?;
        files.push(file);
    }
    drop(conn);
    let mut args: Vec<String> = vec![
        "-n".into(),
        "-M".into(),
        "prepared".into(),
        "-c".into(),
        o.clients.to_string(),
        "-j".into(),
        "2".into(),
    ];
    for f in &files {
        args.push("-f".into());
        args.push(format!("{}@1", f.display()));
    }
    if !o.warmup.is_zero() {
        let mut warm = args.clone();
        warm.extend(["-T".into(), whole_seconds(o.warmup).to_string()]);
        pgbench(&warm, database_url)?;
    }
    let secs = whole_seconds(o.duration);
    args.extend([
        "-T".into(),
        secs.to_string(),
        "-l".into(),
        format!("--log-prefix={}", dir.join("log").display()),
    ]);
    let result = pgbench(&args, database_url).and_then(|()| read_logs(&dir, &o.kinds));
    let _ = std::fs::remove_dir_all(&dir);
    let mut figures = summary(&result?, secs as f64);
    // pgbench's log does not say how many rows a transaction read.
    for kind in KINDS {
        if let Some(k) = figures["kinds"].get_mut(kind) {
            k["avg_rows"] = Value::Null;
        }
    }
    Ok(figures)
}
