//! `hcrm bench search --pgbench`: the search's statements run by PostgreSQL's own `pgbench`
//! at the same concurrency, for PERF-1's "throughput ≥ 50 % of the same SQL run directly with
//! pgbench".
//!
//! Each kind is a pgbench script of the two statements `hcrm_db::customers::list` sends for
//! it: the first arm's walk (page ids and count, up to the cap + 1) and the page's rows with
//! their first phones and tags. Both come from hcrm-db's own query builders as PostgreSQL
//! receives them (`first_page_statements`); this module only turns their bound values into
//! pgbench expressions — for each drawn search text its own value, picked by a random
//! `:i` — and checks on a few queries that each script finds the application's page. The
//! script does not run the later arms a sparse search would add, so pgbench does at most the
//! work the application does (the ratio errs against the API).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use diesel::prelude::*;
use diesel::sql_types::Text;
use hcrm_db::customers::{Sent, first_page_statements};
use hcrm_db::{DbConn, Pool};
use hcrm_domain::api::customers::COUNT_CAP;
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::Value;

use crate::bench::{KINDS, Options, Results, first_page, query_text, summary};
use crate::synth::Vocab;

/// Queries drawn per kind; each transaction picks one at random.
const DRAWN: usize = 1000;

/// The rows of a first page, as the API's default page of the search box shows them.
const PAGE: i64 = 20;

/// The items of diesel's print of a statement's binds (`["王%", 201, …]`), each as printed.
pub(crate) fn bind_items(list: &str) -> Result<Vec<String>, String> {
    let inner = list
        .trim()
        .strip_prefix('[')
        .and_then(|l| l.strip_suffix(']'))
        .ok_or_else(|| format!("unexpected binds {list:?}"))?;
    let mut items = Vec::new();
    let (mut depth, mut quoted, mut escaped) = (0i32, false, false);
    let mut item = String::new();
    for ch in inner.chars() {
        match ch {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            '[' | '(' | '{' if !quoted => depth += 1,
            ']' | ')' | '}' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                items.push(item.trim().to_string());
                item.clear();
                continue;
            }
            _ => {}
        }
        item.push(ch);
    }
    if !item.trim().is_empty() {
        items.push(item.trim().to_string());
    }
    Ok(items)
}

/// A printed bind as an SQL literal: a string (Rust's `Debug` of it) or a number; `None` for
/// anything else (the page's array of ids).
pub(crate) fn sql_literal(item: &str) -> Option<String> {
    if item.parse::<i64>().is_ok() || item == "true" || item == "false" {
        return Some(item.to_string());
    }
    let body = item.strip_prefix('"')?.strip_suffix('"')?;
    let mut text = String::new();
    let mut chars = body.chars();
    while let Some(ch) = chars.next() {
        if ch != '\\' {
            text.push(ch);
            continue;
        }
        text.push(match chars.next()? {
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            '0' => '\0',
            'u' => {
                let hex: String = chars.by_ref().skip(1).take_while(|&c| c != '}').collect();
                char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?
            }
            other => other,
        });
    }
    // Control characters (the tags' separator) as `chr(n)`, so the script stays plain text.
    let mut parts: Vec<String> = Vec::new();
    let mut run = String::new();
    for ch in text.chars() {
        if ch.is_control() {
            parts.push(format!("'{}'", run.replace('\'', "''")));
            run.clear();
            parts.push(format!("chr({})", ch as u32));
        } else {
            run.push(ch);
        }
    }
    parts.push(format!("'{}'", run.replace('\'', "''")));
    Some(if parts.len() == 1 {
        parts.remove(0)
    } else {
        format!("({})", parts.join(" || "))
    })
}

/// `sql` with each `$k` replaced by `values[k - 1]`.
pub(crate) fn substitute(sql: &str, values: &[String]) -> Result<String, String> {
    let mut out = String::new();
    let mut chars = sql.chars().peekable();
    while let Some(ch) = chars.next() {
        if ch != '$' || !chars.peek().is_some_and(char::is_ascii_digit) {
            out.push(ch);
            continue;
        }
        let mut k = String::new();
        while let Some(d) = chars.peek().copied().filter(char::is_ascii_digit) {
            k.push(d);
            chars.next();
        }
        let k: usize = k.parse().map_err(|_| format!("bad placeholder in {sql}"))?;
        let value = values
            .get(k.wrapping_sub(1))
            .ok_or_else(|| format!("no value for ${k} in {sql}"))?;
        out.push_str(value);
    }
    Ok(out)
}

/// The statements of the first page of `text`, with their binds as printed.
/// The first page's two statements (`first_page_statements`) and the walk's binds as printed.
type Statements = ([Sent; 2], Vec<String>);

fn statements(conn: &mut DbConn, text: &str) -> Result<Option<Statements>, String> {
    let Some(sent) =
        first_page_statements(conn, text, PAGE, COUNT_CAP).map_err(|e| e.to_string())?
    else {
        return Ok(None);
    };
    let binds = bind_items(&sent[0].binds)?;
    Ok(Some((sent, binds)))
}

/// The first arm's walk with its values as SQL (`values[k]` for `$k+1`), giving the page's
/// ids (`{…}`) in the arm's order.
fn ids_sql(walk: &Sent, values: &[String]) -> Result<String, String> {
    Ok(format!(
        "SELECT coalesce((array_agg(id))[1:{PAGE}], '{{}}')::text AS ids FROM ({}) AS arm",
        substitute(&walk.sql, values)?
    ))
}

/// The page's rows for the ids `:ids` that the walk `\gset`.
fn rows_sql(rows: &Sent) -> Result<String, String> {
    let values: Vec<String> = bind_items(&rows.binds)?
        .iter()
        .map(|b| sql_literal(b).unwrap_or_else(|| ":ids::text[]".to_string()))
        .collect();
    substitute(&rows.sql, &values)
}

fn literals(binds: &[String]) -> Result<Vec<String>, String> {
    binds
        .iter()
        .map(|b| sql_literal(b).ok_or_else(|| format!("cannot write {b} in a script")))
        .collect()
}

#[derive(QueryableByName)]
struct Ids {
    #[diesel(sql_type = Text)]
    ids: String,
}

/// The script of one kind over its drawn search texts: a random one per transaction. Texts
/// whose walk is another statement (a pinyin range open at the top, `zz`) are left out, so
/// that the script is one prepared statement like the application's.
fn script(conn: &mut DbConn, texts: &[String]) -> Result<(String, usize), String> {
    let mut first: Option<[Sent; 2]> = None;
    let mut columns: Vec<Vec<String>> = Vec::new();
    let mut used = 0;
    for text in texts {
        let Some((sent, binds)) = statements(conn, text)? else {
            continue;
        };
        let shape = first.get_or_insert_with(|| sent.clone());
        if shape[0].sql != sent[0].sql {
            continue;
        }
        let values = literals(&binds)?;
        columns.resize(values.len(), Vec::new());
        for (column, value) in columns.iter_mut().zip(values) {
            column.push(value);
        }
        used += 1;
    }
    let Some([walk, rows]) = first else {
        return Err("no drawn query has a statement to run".into());
    };
    let exprs: Vec<String> = columns
        .iter()
        .map(|values| {
            if values.iter().all(|v| v == &values[0]) {
                values[0].clone()
            } else {
                format!("(ARRAY[{}])[:i]", values.join(","))
            }
        })
        .collect();
    Ok((
        format!(
            "\\set i random(1, {used})\n{} \\gset\n{};\n",
            ids_sql(&walk, &exprs)?,
            rows_sql(&rows)?
        ),
        used,
    ))
}

/// Checks that the script's walk, with the values of `text`, finds the application's page.
fn same_page(conn: &mut DbConn, kind: usize, text: &str) -> Result<(), String> {
    let Some(([walk, _], binds)) = statements(conn, text)? else {
        return Ok(());
    };
    let sql = ids_sql(&walk, &literals(&binds)?)?;
    let DbConn::Postgresql(pg) = conn else {
        return Err("pgbench needs PostgreSQL".into());
    };
    let script_ids = diesel::sql_query(sql)
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
            "the pgbench script of {} does not find what the application finds for {text:?}: \
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
    let per_script = read_script_logs(dir, kinds.len())?;
    let mut r: Results = Default::default();
    for (script, micros) in per_script.into_iter().enumerate() {
        if let Some(&kind) = kinds.get(script) {
            r[kind].micros = micros;
        }
    }
    Ok(r)
}

/// Latencies (µs, sorted) of each of `scripts` scripts from pgbench's transaction logs.
fn read_script_logs(dir: &Path, scripts: usize) -> Result<Vec<Vec<u64>>, String> {
    let mut r: Vec<Vec<u64>> = vec![Vec::new(); scripts];
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
            if let Some(slot) = r.get_mut(script) {
                slot.push(us);
            }
        }
    }
    for s in &mut r {
        s.sort_unstable();
    }
    Ok(r)
}

/// Runs `files` (weight 1 each) with pgbench at `o.clients` for `o.duration` after
/// `o.warmup`, logging into `dir`; the latencies of each script and the seconds run.
pub(crate) fn run_scripts(
    o: &Options,
    database_url: &str,
    dir: &Path,
    files: &[PathBuf],
) -> Result<(Vec<Vec<u64>>, f64), String> {
    let mut args: Vec<String> = vec![
        "-n".into(),
        "-M".into(),
        "prepared".into(),
        "-c".into(),
        o.clients.to_string(),
        "-j".into(),
        "2".into(),
    ];
    for f in files {
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
    pgbench(&args, database_url)?;
    Ok((read_script_logs(dir, files.len())?, secs as f64))
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
        let (text, _) = script(&mut conn, &texts)?;
        let file = dir.join(format!("{}.sql", KINDS[kind]));
        std::fs::write(&file, text).map_err(|e| e.to_string())?;
        files.push(file);
    }
    drop(conn);
    let result = run_scripts(o, database_url, &dir, &files)
        .and_then(|(_, secs)| Ok((read_logs(&dir, &o.kinds)?, secs)));
    let _ = std::fs::remove_dir_all(&dir);
    let (results, secs) = result?;
    let mut figures = summary(&results, secs);
    // pgbench's log does not say how many rows a transaction read.
    for kind in KINDS {
        if let Some(k) = figures["kinds"].get_mut(kind) {
            k["avg_rows"] = Value::Null;
        }
    }
    Ok(figures)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use hcrm_db::customers::{Count, Filter, Sort, list, statements_sent};
    use hcrm_db::testing::{TestDb, backends};
    use hcrm_db::{ListWindow, institutions};
    use hcrm_domain::Scope;
    use hcrm_domain::api::org::InstitutionCreate;

    #[test]
    fn binds_as_printed_become_sql_literals() {
        let items = bind_items(
            r#"["wang", "wanh", "王\"伟%", 201, "\u{1f}", [CustomerId(1), CustomerId(2)]]"#,
        )
        .unwrap();
        assert_eq!(items.len(), 6, "{items:?}");
        let literals: Vec<Option<String>> = items.iter().map(|i| sql_literal(i)).collect();
        assert_eq!(
            literals,
            [
                Some("'wang'".into()),
                Some("'wanh'".into()),
                Some("'王\"伟%'".into()),
                Some("201".into()),
                Some("('' || chr(31) || '')".into()),
                None,
            ]
        );
        assert_eq!(sql_literal(r#""it's""#).as_deref(), Some("'it''s'"));
        assert_eq!(
            substitute(
                "a = $1 AND b = $10 OR c = $2",
                &(1..=10).map(|i| i.to_string()).collect::<Vec<_>>()
            )
            .unwrap(),
            "a = 1 AND b = 10 OR c = 2"
        );
    }

    /// The scripts are made of what the API's `list` sends: its first statement is the walk
    /// the script runs and the page's rows are read by the script's second statement — so a
    /// change to the search that the bench did not follow fails here (PERF-1).
    #[test]
    fn the_pgbench_scripts_run_what_the_api_runs() {
        for backend in backends().into_iter().filter(|b| *b == "postgres") {
            let db = TestDb::new(backend);
            let pool = db.pool();
            let mut conn = pool.get().unwrap();
            institutions::create(
                &mut conn,
                &InstitutionCreate {
                    code: "BJ01".into(),
                    name: "北京和睦家医院".into(),
                    city: "北京".into(),
                    local: true,
                    time_zone: None,
                    address: None,
                    hotline: None,
                },
            )
            .unwrap();
            crate::generate::run(&mut conn, 3000, None, Some(7)).unwrap();
            let vocab = Vocab::new();
            for (kind, name) in KINDS.iter().enumerate() {
                let mut rng = StdRng::seed_from_u64(kind as u64);
                let texts: Vec<String> = (0..60)
                    .map(|_| query_text(&vocab, &mut rng, kind))
                    .collect();
                for text in texts.iter().take(10) {
                    same_page(&mut conn, kind, text).unwrap();
                }
                let (script, used) = script(&mut conn, &texts).unwrap();
                assert!(used >= 50, "{used} of 60 texts used for {name}");
                for text in texts.iter().take(10) {
                    let filter = Filter {
                        q: Some(text.clone()),
                        ..Default::default()
                    };
                    let window = ListWindow {
                        limit: PAGE,
                        offset: 0,
                    };
                    let (listed, sent) = statements_sent(&mut conn, |c| {
                        list(
                            c,
                            &Scope::Group,
                            &filter,
                            Sort::Relevance,
                            false,
                            window,
                            Count::UpTo(COUNT_CAP),
                        )
                    })
                    .unwrap();
                    let [walk, rows] = first_page_statements(&mut conn, text, PAGE, COUNT_CAP)
                        .unwrap()
                        .unwrap();
                    assert_eq!(sent[0], walk, "{text:?}: the API's first statement");
                    // An empty page reads no rows.
                    assert!(
                        sent.iter().any(|s| s.sql == rows.sql) || listed.items.is_empty(),
                        "{text:?}: the API reads its page otherwise: {sent:#?}"
                    );
                    assert!(script.contains(&rows_sql(&rows).unwrap()), "{script}");
                }
            }
        }
    }
}
