//! OPS-2: `hcrm generate --visits N` — visits with realistic spending for the customers
//! already there, for PERF-2 (10,000,000 on PostgreSQL). Rows are made in Rust and written
//! by hcrm-db (`NewVisits::write`, multi-row INSERTs), 20,000 per transaction; from 100,000
//! on, PostgreSQL loads in one transaction with the visits' secondary indexes set aside and
//! built again at the end, as the customer generator does.
//!
//! Each customer (in random order, round after round until N) gets a few visits over the
//! last two years, in time order: the first of the first round is the first visit (初诊),
//! the others return visits. Kinds, amounts, the insurance's share and arrears follow rough
//! shares of a general hospital: mostly outpatient, some check-ups and courses, a few stays
//! and surgeries. Generated visits are history: they raise no domain events.

use std::collections::HashMap;
use std::time::Instant;

use chrono::{Duration, NaiveDateTime};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use hcrm_db::DbConn;
use hcrm_db::ids::{CustomerId, DepartmentId, DoctorId, InstitutionId, VisitId};
use hcrm_db::schema::{customers, departments, doctors};
use hcrm_db::visits::{NewVisits, VisitRow};
use hcrm_domain::api::visits::{VisitKind, VisitSequence};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

const PER_TRANSACTION: usize = 20_000;
const BULK: usize = 100_000;

/// Diagnosis categories as a hospital's statistics name them.
const DIAGNOSES: &[&str] = &[
    "心血管疾病",
    "呼吸系统疾病",
    "消化系统疾病",
    "内分泌与代谢疾病",
    "肌肉骨骼疾病",
    "泌尿生殖系统疾病",
    "神经系统疾病",
    "眼耳鼻喉疾病",
    "皮肤病",
    "妇产科",
    "肿瘤",
    "损伤与中毒",
];

/// Where visits go: the customers, and each institution's departments with their doctors.
pub(crate) struct Places {
    pub(crate) customers: Vec<(CustomerId, InstitutionId)>,
    pub(crate) departments: HashMap<InstitutionId, Vec<(DepartmentId, Vec<DoctorId>)>>,
}

pub(crate) fn places(conn: &mut DbConn) -> Result<Places, String> {
    let customers: Vec<(CustomerId, InstitutionId)> = customers::table
        .filter(customers::merged_into_id.is_null())
        .filter(customers::deleted_at.is_null())
        .select((customers::id, customers::institution_id))
        .load(conn)
        .map_err(|e| e.to_string())?;
    if customers.is_empty() {
        return Err("no customers yet: generate customers first (--customers N)".into());
    }
    let depts: Vec<(DepartmentId, InstitutionId)> = departments::table
        .filter(departments::active.eq(true))
        .select((departments::id, departments::institution_id))
        .load(conn)
        .map_err(|e| e.to_string())?;
    let docs: Vec<(DoctorId, DepartmentId)> = doctors::table
        .filter(doctors::active.eq(true))
        .select((doctors::id, doctors::department_id))
        .load(conn)
        .map_err(|e| e.to_string())?;
    let mut departments: HashMap<InstitutionId, Vec<(DepartmentId, Vec<DoctorId>)>> =
        HashMap::new();
    for (d, inst) in depts {
        let of: Vec<DoctorId> = docs
            .iter()
            .filter(|(_, dd)| *dd == d)
            .map(|(doc, _)| *doc)
            .collect();
        departments.entry(inst).or_default().push((d, of));
    }
    Ok(Places {
        customers,
        departments,
    })
}

/// A visit's kind, amount (fen) and length (hours; 0 for one instant), drawn.
fn draw_kind(rng: &mut StdRng) -> (VisitKind, i64, i64) {
    let p = rng.random_range(0..100);
    let yuan = |rng: &mut StdRng, lo: i64, hi: i64| rng.random_range(lo..hi) * 100;
    match p {
        0..70 => (VisitKind::Outpatient, yuan(rng, 50, 2_000), 0),
        70..80 => (VisitKind::Checkup, yuan(rng, 300, 5_000), 0),
        80..88 => (
            VisitKind::TreatmentCourse,
            yuan(rng, 1_000, 20_000),
            24 * rng.random_range(7..60),
        ),
        88..96 => (
            VisitKind::Inpatient,
            yuan(rng, 5_000, 80_000),
            24 * rng.random_range(2..21),
        ),
        _ => (VisitKind::Surgery, yuan(rng, 10_000, 150_000), 0),
    }
}

/// One visit of `customer` at `at`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn visit_row(
    rng: &mut StdRng,
    customer: CustomerId,
    institution: InstitutionId,
    departments: Option<&Vec<(DepartmentId, Vec<DoctorId>)>>,
    at: NaiveDateTime,
    now: NaiveDateTime,
    sequence: VisitSequence,
    external_id: Option<String>,
) -> VisitRow {
    let (kind, amount, hours) = draw_kind(rng);
    let (department_id, doctor_id) = match departments.filter(|d| !d.is_empty()) {
        Some(list) => {
            let (d, docs) = &list[rng.random_range(0..list.len())];
            let doc = (!docs.is_empty()).then(|| docs[rng.random_range(0..docs.len())]);
            (Some(*d), doc)
        }
        None => (None, None),
    };
    // The insurance pays a share of most visits (not of a check-up); one visit in twenty
    // leaves arrears.
    let insurance = if kind == VisitKind::Checkup || rng.random_bool(0.25) {
        0
    } else {
        amount * rng.random_range(30..75) / 100
    };
    let rest = amount - insurance;
    let paid = if rng.random_bool(0.05) {
        rest * rng.random_range(0..90) / 100
    } else {
        rest
    };
    let ended = (hours > 0)
        .then(|| at + Duration::hours(hours))
        .filter(|end| *end < now);
    VisitRow {
        id: VisitId::new(),
        institution_id: institution,
        customer_id: customer,
        kind: kind.code().to_string(),
        sequence: sequence.code().to_string(),
        department_id,
        doctor_id,
        diagnosis_category: (kind != VisitKind::Checkup)
            .then(|| DIAGNOSES[rng.random_range(0..DIAGNOSES.len())].to_string()),
        visited_at: at,
        ended_at: ended,
        amount_fen: amount,
        insurance_fen: insurance,
        paid_fen: paid,
        external_id,
        note: None,
        version: 1,
        created_by: None,
        created_at: now,
        updated_at: now,
    }
}

/// Makes `n` visits over the live customers; returns the seconds it took.
pub fn run(conn: &mut DbConn, n: usize, seed: Option<u64>) -> Result<f64, String> {
    let started = Instant::now();
    let mut places = places(conn)?;
    let existing: i64 = hcrm_db::schema::visits::table
        .count()
        .get_result(conn)
        .map_err(|e| e.to_string())?;
    let mut rng = StdRng::seed_from_u64(seed.unwrap_or(existing as u64));
    places.customers.shuffle(&mut rng);
    println!(
        "  {} customers, {} institutions with departments; {n} visits to make",
        places.customers.len(),
        places.departments.len()
    );
    let serial = existing as u64;
    if matches!(conn, DbConn::Postgresql(_)) && n >= BULK {
        conn.transaction(|c| -> Result<(), Fail> {
            let indexes = secondary_indexes(c)?;
            for (name, _) in &indexes {
                c.batch_execute(&format!("DROP INDEX \"{name}\""))?;
            }
            fill(c, n, &places, &mut rng, serial, started, false).map_err(Fail)?;
            let t = Instant::now();
            for (_, def) in &indexes {
                c.batch_execute(def)?;
            }
            println!(
                "  {} indexes built again in {:.1} s",
                indexes.len(),
                t.elapsed().as_secs_f64()
            );
            Ok(())
        })
        .map_err(|Fail(e)| e)?;
    } else {
        fill(conn, n, &places, &mut rng, serial, started, true)?;
    }
    let analyze = match conn {
        DbConn::Postgresql(_) => "VACUUM ANALYZE visits",
        DbConn::Sqlite(_) => "ANALYZE visits",
    };
    conn.batch_execute(analyze).map_err(|e| e.to_string())?;
    Ok(started.elapsed().as_secs_f64())
}

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

/// The visits' indexes that back no constraint (the primary key stays).
fn secondary_indexes(conn: &mut DbConn) -> Result<Vec<(String, String)>, Fail> {
    let rows: Vec<IndexDef> = diesel::sql_query(
        "SELECT indexname::text AS indexname, indexdef::text AS indexdef FROM pg_indexes \
         WHERE schemaname = current_schema() AND tablename = 'visits' \
         AND indexname NOT IN (SELECT conname FROM pg_constraint) ORDER BY indexname",
    )
    .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| (r.indexname, r.indexdef))
        .collect())
}

fn fill(
    conn: &mut DbConn,
    n: usize,
    places: &Places,
    rng: &mut StdRng,
    mut serial: u64,
    started: Instant,
    own_tx: bool,
) -> Result<(), String> {
    let now = hcrm_db::now();
    let span_minutes = 2 * 365 * 24 * 60;
    let per_customer = (n / places.customers.len()).max(1);
    let mut batch = NewVisits::default();
    let (mut done, mut round, mut at_customer) = (0usize, 0usize, 0usize);
    let mut last_report = Instant::now();
    while done < n {
        let (customer, institution) = places.customers[at_customer];
        at_customer += 1;
        if at_customer == places.customers.len() {
            at_customer = 0;
            round += 1;
        }
        let k = rng
            .random_range(1..=(2 * per_customer).max(1))
            .min(n - done);
        let mut times: Vec<NaiveDateTime> = (0..k)
            .map(|_| now - Duration::minutes(rng.random_range(60..span_minutes)))
            .collect();
        times.sort();
        for (i, at) in times.into_iter().enumerate() {
            let sequence = if round == 0 && i == 0 {
                VisitSequence::First
            } else {
                VisitSequence::Return
            };
            serial += 1;
            batch.rows.push(visit_row(
                rng,
                customer,
                institution,
                places.departments.get(&institution),
                at,
                now,
                sequence,
                Some(format!("G{serial:09}")),
            ));
        }
        done += k;
        if batch.rows.len() >= PER_TRANSACTION || done == n {
            if own_tx {
                hcrm_db::write_transaction(conn, |c| batch.write(c))
            } else {
                batch.write(conn)
            }
            .map_err(|e| e.to_string())?;
            batch.clear();
        }
        if last_report.elapsed().as_secs() >= 5 || done == n {
            let secs = started.elapsed().as_secs_f64();
            println!(
                "  {done} visits in {secs:.1} s ({:.0}/s)",
                done as f64 / secs.max(0.001)
            );
            last_report = Instant::now();
        }
    }
    Ok(())
}
