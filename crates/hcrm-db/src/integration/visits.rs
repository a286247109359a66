//! Visits upserted by the HIS's visit id (INT-1): what each item does to the stored visit is
//! worked out from a few set-based reads (the visits of those ids, the departments and doctors
//! named, the customers' first visits), then every new or changed visit is written by one
//! multi-row `INSERT … ON CONFLICT (institution_id, external_id) DO UPDATE … WHERE
//! visits.version + 1 = excluded.version` — a row someone else wrote meanwhile is left alone
//! and the batch answers `Stale` to be run again.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::upsert::excluded;
use hcrm_domain::api::FieldError;
use hcrm_domain::api::integration::{ItemOutcome, VisitItem, item_error};
use hcrm_domain::api::visits::{Visit, VisitSequence};
use uuid::Uuid;

use crate::conn::DbConn;
use crate::error::DbError;
use crate::ids::{CustomerId, DepartmentId, DoctorId, InstitutionId, UserId, VisitId};
use crate::schema::{departments as d, doctors as doc, visit_charges as vc, visits as v};
use crate::util::now;
use crate::visits::{VisitRow, stored};

use super::{IN_CHUNK, rows_per_statement};

/// A visit item whose patient is known.
#[derive(Debug, Clone)]
pub struct VisitIn<'a> {
    pub index: usize,
    /// The batch's item itself, not a copy (PERF-6: a batch's items are held once).
    pub item: &'a VisitItem,
    pub customer_id: Uuid,
}

/// What became of one item: the outcome and the visit's id, or the item's errors.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub index: usize,
    pub result: Result<(ItemOutcome, Uuid), Vec<FieldError>>,
}

/// What an upsert of visits did.
#[derive(Debug, Default)]
pub struct VisitsDone {
    pub outcomes: Vec<Outcome>,
    /// Each visit written: as it was (an update) and as it is.
    pub written: Vec<(Option<Visit>, Visit)>,
    /// The batch's visits (written or unchanged) by HIS id: (visit, customer).
    pub by_external: HashMap<String, (Uuid, Uuid)>,
}

impl VisitsDone {
    pub fn rejected(&self) -> bool {
        self.outcomes.iter().any(|o| o.result.is_err())
    }
}

fn stored_rows(
    conn: &mut DbConn,
    institution: InstitutionId,
    keys: &[String],
) -> Result<HashMap<String, VisitRow>, DbError> {
    let mut out = HashMap::new();
    for chunk in keys.chunks(IN_CHUNK) {
        let rows: Vec<VisitRow> = v::table
            .filter(v::institution_id.eq(institution))
            .filter(v::external_id.eq_any(chunk))
            .select(VisitRow::as_select())
            .load(conn)?;
        for r in rows {
            if let Some(k) = r.external_id.clone() {
                out.insert(k, r);
            }
        }
    }
    Ok(out)
}

/// The departments of the institution among `ids` and by `codes` (code → id).
fn departments(
    conn: &mut DbConn,
    institution: InstitutionId,
    ids: &[DepartmentId],
    codes: &[String],
) -> Result<(HashSet<DepartmentId>, HashMap<String, DepartmentId>), DbError> {
    let mut known = HashSet::new();
    for chunk in ids.chunks(IN_CHUNK) {
        let found: Vec<DepartmentId> = d::table
            .filter(d::institution_id.eq(institution))
            .filter(d::id.eq_any(chunk))
            .select(d::id)
            .load(conn)?;
        known.extend(found);
    }
    let mut by_code = HashMap::new();
    for chunk in codes.chunks(IN_CHUNK) {
        let found: Vec<(Option<String>, DepartmentId)> = d::table
            .filter(d::institution_id.eq(institution))
            .filter(d::code.eq_any(chunk))
            .select((d::code, d::id))
            .load(conn)?;
        for (code, id) in found {
            if let Some(code) = code {
                by_code.insert(code, id);
            }
        }
    }
    Ok((known, by_code))
}

fn doctors(
    conn: &mut DbConn,
    institution: InstitutionId,
    ids: &[DoctorId],
) -> Result<HashSet<DoctorId>, DbError> {
    let mut known = HashSet::new();
    for chunk in ids.chunks(IN_CHUNK) {
        let found: Vec<DoctorId> = doc::table
            .filter(doc::institution_id.eq(institution))
            .filter(doc::id.eq_any(chunk))
            .select(doc::id)
            .load(conn)?;
        known.extend(found);
    }
    Ok(known)
}

/// One customer's first visit (PostgreSQL's arm of [`first_visits`]).
#[derive(QueryableByName)]
struct FirstVisit {
    #[diesel(sql_type = diesel::sql_types::Text)]
    customer_id: String,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Timestamp>)]
    first: Option<NaiveDateTime>,
}

/// The first visit in the institution of each customer of `customers`.
///
/// PERF-3: on PostgreSQL each customer's first visit is one descent of `visits_customer`
/// (`min` over an index in `visited_at` order stops at the first row of the institution),
/// 18 ms for 1,000 customers with ten visits each; the grouped scan of all their visits took
/// 73 ms, and 240 ms when the statistics were older than the table.
fn first_visits(
    conn: &mut DbConn,
    institution: InstitutionId,
    customers: &[CustomerId],
) -> Result<HashMap<CustomerId, NaiveDateTime>, DbError> {
    use diesel::dsl::min;
    use diesel::sql_types::{Array, Text};
    let mut out = HashMap::new();
    for chunk in customers.chunks(IN_CHUNK) {
        match &mut *conn {
            DbConn::Postgresql(c) => {
                let ids: Vec<String> = chunk.iter().map(|x| x.0.to_string()).collect();
                let rows: Vec<FirstVisit> = diesel::sql_query(
                    "SELECT c.id AS customer_id, (SELECT min(v.visited_at) FROM visits v \
                     WHERE v.customer_id = c.id AND v.institution_id = $1) AS first \
                     FROM unnest($2::text[]) AS c(id)",
                )
                .bind::<Text, _>(institution.0.to_string())
                .bind::<Array<Text>, _>(ids)
                .load(c)?;
                for r in rows {
                    if let (Ok(id), Some(at)) = (Uuid::parse_str(&r.customer_id), r.first) {
                        out.insert(CustomerId::from(id), at);
                    }
                }
            }
            DbConn::Sqlite(c) => {
                let rows: Vec<(CustomerId, Option<NaiveDateTime>)> = v::table
                    .filter(v::institution_id.eq(institution))
                    .filter(v::customer_id.eq_any(chunk))
                    .group_by(v::customer_id)
                    .select((v::customer_id, min(v::visited_at)))
                    .load(c)?;
                out.extend(rows.into_iter().filter_map(|(c, at)| at.map(|at| (c, at))));
            }
        }
    }
    Ok(out)
}

/// The visits among `ids` that have money lines.
pub(crate) fn with_lines(conn: &mut DbConn, ids: &[VisitId]) -> Result<HashSet<VisitId>, DbError> {
    let mut out = HashSet::new();
    for chunk in ids.chunks(IN_CHUNK) {
        let found: Vec<VisitId> = vc::table
            .filter(vc::visit_id.eq_any(chunk))
            .select(vc::visit_id)
            .distinct()
            .load(conn)?;
        out.extend(found);
    }
    Ok(out)
}

/// The department an item names (by id or code), or its error.
fn department_of(
    item: &VisitItem,
    known: &HashSet<DepartmentId>,
    by_code: &HashMap<String, DepartmentId>,
) -> Result<Option<DepartmentId>, FieldError> {
    match (item.department_id, &item.department_code) {
        (Some(_), Some(_)) => Err(item_error(
            "department_code",
            "conflict",
            "name the department by department_id or by department_code, not both",
        )),
        (Some(id), None) => {
            let id = DepartmentId::from(id);
            if known.contains(&id) {
                Ok(Some(id))
            } else {
                Err(item_error(
                    "department_id",
                    "bad_reference",
                    "no such department in the institution",
                ))
            }
        }
        (None, Some(code)) => by_code.get(code).copied().map(Some).ok_or_else(|| {
            item_error(
                "department_code",
                "bad_reference",
                "no department with this code in the institution",
            )
        }),
        (None, None) => Ok(None),
    }
}

/// Plans the visits of a batch and, when `write` (no item of the batch is rejected so far)
/// and none of these is, writes them. `lined`: the HIS ids of visits with money lines in the
/// batch, whose totals the lines make.
pub fn upsert_visits(
    conn: &mut DbConn,
    institution: Uuid,
    by: Uuid,
    list: &[VisitIn<'_>],
    lined: &HashSet<String>,
    write: bool,
) -> Result<VisitsDone, DbError> {
    let inst = InstitutionId::from(institution);
    let keys: Vec<String> = list.iter().map(|x| x.item.external_id.clone()).collect();
    let existing = stored_rows(conn, inst, &keys)?;
    let dept_ids: Vec<DepartmentId> = list
        .iter()
        .filter_map(|x| x.item.department_id.map(DepartmentId::from))
        .collect();
    let dept_codes: Vec<String> = list
        .iter()
        .filter_map(|x| x.item.department_code.clone())
        .collect();
    let (known_depts, by_code) = departments(conn, inst, &dept_ids, &dept_codes)?;
    let doctor_ids: Vec<DoctorId> = list
        .iter()
        .filter_map(|x| x.item.doctor_id.map(DoctorId::from))
        .collect();
    let known_doctors = doctors(conn, inst, &doctor_ids)?;
    let stored_ids: Vec<VisitId> = existing.values().map(|r| r.id).collect();
    let stored_lined = with_lines(conn, &stored_ids)?;
    let new_customers: Vec<CustomerId> = list
        .iter()
        .filter(|x| x.item.sequence.is_none() && !existing.contains_key(&x.item.external_id))
        .map(|x| CustomerId::from(x.customer_id))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let firsts = first_visits(conn, inst, &new_customers)?;
    // The batch's own earliest new visit of each customer.
    let mut batch_first: HashMap<CustomerId, NaiveDateTime> = HashMap::new();
    for x in list {
        if !existing.contains_key(&x.item.external_id) {
            let at = stored(x.item.visited_at);
            batch_first
                .entry(CustomerId::from(x.customer_id))
                .and_modify(|e| *e = (*e).min(at))
                .or_insert(at);
        }
    }

    let at = now();
    let mut done = VisitsDone::default();
    let mut rows: Vec<VisitRow> = Vec::new();
    let mut befores: HashMap<VisitId, VisitRow> = HashMap::new();
    for x in list {
        let item = x.item;
        let customer = CustomerId::from(x.customer_id);
        let mut errors = Vec::new();
        let department = department_of(item, &known_depts, &by_code).unwrap_or_else(|e| {
            errors.push(e);
            None
        });
        let doctor = item.doctor_id.map(DoctorId::from);
        if let Some(dr) = doctor
            && !known_doctors.contains(&dr)
        {
            errors.push(item_error(
                "doctor_id",
                "bad_reference",
                "no such doctor in the institution",
            ));
        }
        let before = existing.get(&item.external_id);
        if let Some(b) = before {
            if b.customer_id != customer {
                errors.push(item_error(
                    "patient_external_id",
                    "patient_changed",
                    "the visit is recorded for another patient; a visit's patient does not change",
                ));
            }
            if b.kind != item.kind.code() {
                errors.push(item_error(
                    "kind",
                    "kind_changed",
                    "the visit is recorded as another kind; a visit's kind does not change",
                ));
            }
        }
        if !errors.is_empty() {
            done.outcomes.push(Outcome {
                index: x.index,
                result: Err(errors),
            });
            continue;
        }
        let visited_at = stored(item.visited_at);
        let row = match before {
            Some(b) => {
                let keep_money = stored_lined.contains(&b.id) || lined.contains(&item.external_id);
                let (amount, insurance, paid) = if keep_money {
                    (b.amount_fen, b.insurance_fen, b.paid_fen)
                } else {
                    (item.amount_fen, item.insurance_fen, item.paid_fen)
                };
                VisitRow {
                    sequence: item
                        .sequence
                        .map(|s| s.code().to_string())
                        .unwrap_or_else(|| b.sequence.clone()),
                    department_id: department,
                    doctor_id: doctor,
                    diagnosis_category: item.diagnosis_category.clone(),
                    visited_at,
                    ended_at: item.ended_at.map(stored),
                    amount_fen: amount,
                    insurance_fen: insurance,
                    paid_fen: paid,
                    note: item.note.clone(),
                    ..b.clone()
                }
            }
            None => {
                let sequence = item.sequence.unwrap_or_else(|| {
                    let earlier_stored = firsts.get(&customer).is_some_and(|f| *f < visited_at);
                    let earlier_here = batch_first.get(&customer).is_some_and(|f| *f < visited_at);
                    if earlier_stored || earlier_here {
                        VisitSequence::Return
                    } else {
                        VisitSequence::First
                    }
                });
                let lined_here = lined.contains(&item.external_id);
                VisitRow {
                    id: VisitId::new(),
                    institution_id: inst,
                    customer_id: customer,
                    kind: item.kind.code().to_string(),
                    sequence: sequence.code().to_string(),
                    department_id: department,
                    doctor_id: doctor,
                    diagnosis_category: item.diagnosis_category.clone(),
                    visited_at,
                    ended_at: item.ended_at.map(stored),
                    amount_fen: if lined_here { 0 } else { item.amount_fen },
                    insurance_fen: if lined_here { 0 } else { item.insurance_fen },
                    paid_fen: if lined_here { 0 } else { item.paid_fen },
                    external_id: Some(item.external_id.clone()),
                    note: item.note.clone(),
                    version: 1,
                    created_by: Some(UserId::from(by)),
                    created_at: at,
                    updated_at: at,
                }
            }
        };
        done.by_external
            .insert(item.external_id.clone(), (row.id.0, x.customer_id));
        let outcome = match before {
            None => ItemOutcome::Created,
            Some(b) if same(b, &row) => ItemOutcome::Unchanged,
            Some(b) => {
                befores.insert(b.id, b.clone());
                ItemOutcome::Updated
            }
        };
        done.outcomes.push(Outcome {
            index: x.index,
            result: Ok((outcome, row.id.0)),
        });
        match outcome {
            ItemOutcome::Created => rows.push(row),
            ItemOutcome::Updated => rows.push(VisitRow {
                version: row.version + 1,
                updated_at: at,
                ..row
            }),
            _ => {}
        }
    }
    if !write || done.rejected() || rows.is_empty() {
        return Ok(done);
    }
    // One order for every writer of these ids, so that two servers never wait on each other
    // crosswise (deadlock).
    rows.sort_by(|a, b| a.external_id.cmp(&b.external_id));
    let mut written = 0;
    for chunk in rows.chunks(rows_per_statement(19)) {
        // PostgreSQL: a row another transaction wrote meanwhile is left alone (the guard); SQLite
        // runs one write transaction at a time, and its multi-row upsert takes no WHERE.
        let upsert = diesel::insert_into(v::table)
            .values(chunk)
            .on_conflict((v::institution_id, v::external_id))
            .do_update()
            .set((
                v::sequence.eq(excluded(v::sequence)),
                v::department_id.eq(excluded(v::department_id)),
                v::doctor_id.eq(excluded(v::doctor_id)),
                v::diagnosis_category.eq(excluded(v::diagnosis_category)),
                v::visited_at.eq(excluded(v::visited_at)),
                v::ended_at.eq(excluded(v::ended_at)),
                v::amount_fen.eq(excluded(v::amount_fen)),
                v::insurance_fen.eq(excluded(v::insurance_fen)),
                v::paid_fen.eq(excluded(v::paid_fen)),
                v::note.eq(excluded(v::note)),
                v::version.eq(excluded(v::version)),
                v::updated_at.eq(excluded(v::updated_at)),
            ));
        written += match &mut *conn {
            crate::conn::DbConn::Postgresql(c) => diesel::query_dsl::methods::FilterDsl::filter(
                upsert,
                (v::version + 1).eq(excluded(v::version)),
            )
            .execute(c)?,
            crate::conn::DbConn::Sqlite(c) => upsert.execute(c)?,
        };
    }
    if written != rows.len() {
        // Another writer got to some of these ids first: run the batch again.
        return Err(DbError::Stale { current: 0 });
    }
    for row in rows {
        let before = befores
            .remove(&row.id)
            .map(VisitRow::into_dto)
            .transpose()?;
        done.written.push((before, row.into_dto()?));
    }
    Ok(done)
}

/// The stored visit and the one to write say the same.
fn same(a: &VisitRow, b: &VisitRow) -> bool {
    a.sequence == b.sequence
        && a.department_id == b.department_id
        && a.doctor_id == b.doctor_id
        && a.diagnosis_category == b.diagnosis_category
        && a.visited_at == b.visited_at
        && a.ended_at == b.ended_at
        && a.amount_fen == b.amount_fen
        && a.insurance_fen == b.insurance_fen
        && a.paid_fen == b.paid_fen
        && a.note == b.note
}

/// The visits of `institution` with the HIS ids `keys`: (visit, customer) by id.
pub fn by_external_ids(
    conn: &mut DbConn,
    institution: Uuid,
    keys: &[String],
) -> Result<HashMap<String, (Uuid, Uuid)>, DbError> {
    let inst = InstitutionId::from(institution);
    let mut out = HashMap::new();
    for chunk in keys.chunks(IN_CHUNK) {
        let rows: Vec<(Option<String>, VisitId, CustomerId)> = v::table
            .filter(v::institution_id.eq(inst))
            .filter(v::external_id.eq_any(chunk))
            .select((v::external_id, v::id, v::customer_id))
            .load(conn)?;
        for (key, id, customer) in rows {
            if let Some(k) = key {
                out.insert(k, (id.0, customer.0));
            }
        }
    }
    Ok(out)
}

/// Reads the visits `ids` as stored.
pub(crate) fn visits_by_id(conn: &mut DbConn, ids: &[VisitId]) -> Result<Vec<Visit>, DbError> {
    let mut out = Vec::new();
    for chunk in ids.chunks(IN_CHUNK) {
        let rows: Vec<VisitRow> = v::table
            .filter(v::id.eq_any(chunk))
            .select(VisitRow::as_select())
            .load(conn)?;
        for r in rows {
            out.push(r.into_dto()?);
        }
    }
    Ok(out)
}
