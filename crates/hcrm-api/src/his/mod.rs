//! The HIS batch (INT-1, INT-2, X-8; issue 12): a batch's items checked on their own first
//! ([`prepare`], no database), then written in one transaction ([`apply`]): patients
//! ([`patients`]), visits and money lines set-based through `hcrm_db::integration`, the
//! visits' and lines' domain events raised at once (`events::raise_all`), one audit entry per
//! record written, all as the client. An item rejected anywhere rolls the whole batch back.

mod patients;

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use hcrm_db::DbConn;
use hcrm_db::audit::{Action, Entry};
use hcrm_db::integration::{self as store, ChargeIn, VisitIn};
use hcrm_domain::api::FieldError;
use hcrm_domain::api::customers::CustomerCreate;
use hcrm_domain::api::integration::{
    BatchItemKind, BatchUpsert, ChargeItem, ChargeKind, ItemOutcome, ItemResult, PatientItem,
    VisitItem, item_error,
};
use hcrm_domain::api::visits::{CLOCK_SKEW_MINUTES, VisitFacts};
use uuid::Uuid;

use crate::auth::Caller;
use crate::error::{ApiError, validate};

/// A patient item with its checks done.
#[derive(Debug, Clone)]
pub struct PatientPrep {
    pub index: usize,
    pub item: PatientItem,
    /// The customer it would become.
    pub create: CustomerCreate,
    pub errors: Vec<FieldError>,
}

/// A visit item with its checks done.
#[derive(Debug, Clone)]
pub struct VisitPrep {
    pub index: usize,
    pub item: VisitItem,
    /// The customer its `patient` would become.
    pub create: Option<CustomerCreate>,
    pub errors: Vec<FieldError>,
}

#[derive(Debug, Clone)]
pub struct ChargePrep {
    pub index: usize,
    pub item: ChargeItem,
    pub errors: Vec<FieldError>,
}

/// A batch checked item by item.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub create_missing_patients: bool,
    pub patients: Vec<PatientPrep>,
    pub visits: Vec<VisitPrep>,
    pub charges: Vec<ChargePrep>,
}

/// The field errors of `value`'s own checks (validator's), with `prefix` before each field.
fn checks<T: validator::Validate>(value: &T, prefix: &str) -> Vec<FieldError> {
    match validate(value) {
        Ok(()) => Vec::new(),
        Err(ApiError::Validation(list)) => list
            .into_iter()
            .map(|e| FieldError {
                field: format!("{prefix}{}", e.field),
                ..e
            })
            .collect(),
        Err(other) => vec![item_error("item", other.code(), &other.to_string())],
    }
}

/// Appends `more`, leaving out fields already named.
fn add(errors: &mut Vec<FieldError>, more: Vec<FieldError>) {
    for e in more {
        let field = if e.field.starts_with("external_ids") {
            "external_id".to_string()
        } else {
            e.field.clone()
        };
        if !errors.iter().any(|x| x.field == field) {
            errors.push(FieldError { field, ..e });
        }
    }
}

/// A patient's data as the customer it becomes, with the customer checks.
fn as_customer(
    data: &hcrm_domain::api::integration::PatientData,
    external_id: Option<&str>,
    prefix: &str,
    errors: &mut Vec<FieldError>,
) -> CustomerCreate {
    let create = data.as_customer(external_id);
    add(errors, checks(&create, prefix));
    create
}

/// Marks a repeated external id within one list (the later ones).
fn repeated<'a>(keys: impl Iterator<Item = &'a str>) -> Vec<bool> {
    let mut seen = HashSet::new();
    keys.map(|k| !seen.insert(k.to_string())).collect()
}

/// Checks every item on its own (no database): shapes, lengths, characters, the ID number,
/// the visit's rules across fields, a line's money, ids repeated within a list.
pub fn prepare(batch: BatchUpsert, now: DateTime<Utc>) -> Prepared {
    let latest = now + chrono::Duration::minutes(CLOCK_SKEW_MINUTES);
    let again = |field: &str| {
        item_error(
            field,
            "repeated",
            "the same external id twice in this batch",
        )
    };
    let patients_repeated = repeated(batch.patients.iter().map(|p| p.external_id.as_str()));
    let patients = batch
        .patients
        .into_iter()
        .zip(patients_repeated)
        .enumerate()
        .map(|(index, (item, twice))| {
            let mut errors = checks(&item, "");
            let create = as_customer(&item.data(), Some(&item.external_id), "", &mut errors);
            if twice {
                errors.push(again("external_id"));
            }
            PatientPrep {
                index,
                item,
                create,
                errors,
            }
        })
        .collect();
    let visits_repeated = repeated(batch.visits.iter().map(|v| v.external_id.as_str()));
    let visits = batch
        .visits
        .into_iter()
        .zip(visits_repeated)
        .enumerate()
        .map(|(index, (item, twice))| {
            let mut errors = checks(&item, "");
            let facts = VisitFacts {
                kind: item.kind,
                visited_at: item.visited_at,
                ended_at: item.ended_at,
                amount_fen: item.amount_fen,
                insurance_fen: item.insurance_fen,
                paid_fen: item.paid_fen,
            };
            add(&mut errors, facts.errors(now));
            let create = item
                .patient
                .as_ref()
                .map(|p| as_customer(p, Some(&item.patient_external_id), "patient.", &mut errors));
            if twice {
                errors.push(again("external_id"));
            }
            VisitPrep {
                index,
                item,
                create,
                errors,
            }
        })
        .collect();
    let charges_repeated = repeated(batch.charges.iter().map(|c| c.external_id.as_str()));
    let charges = batch
        .charges
        .into_iter()
        .zip(charges_repeated)
        .enumerate()
        .map(|(index, (item, twice))| {
            let mut errors = checks(&item, "");
            if item.kind == ChargeKind::Payment && item.insurance_fen > 0 {
                errors.push(item_error(
                    "insurance_fen",
                    "not_for_kind",
                    "a payment has no insurance share",
                ));
            }
            if item.insurance_fen > item.amount_fen {
                errors.push(item_error(
                    "insurance_fen",
                    "exceeds_amount",
                    "insurance_fen must not exceed amount_fen",
                ));
            }
            if item.occurred_at > latest {
                errors.push(item_error(
                    "occurred_at",
                    "in_future",
                    "a line is recorded once it happened",
                ));
            }
            if twice {
                errors.push(again("external_id"));
            }
            ChargePrep {
                index,
                item,
                errors,
            }
        })
        .collect();
    Prepared {
        create_missing_patients: batch.create_missing_patients,
        patients,
        visits,
        charges,
    }
}

/// What a batch wrote.
#[derive(Debug)]
pub struct Applied {
    pub items: Vec<ItemResult>,
    pub events: usize,
}

fn result(kind: BatchItemKind, index: usize, external_id: &str) -> ItemResult {
    ItemResult {
        kind,
        index,
        external_id: external_id.to_string(),
        result: ItemOutcome::Skipped,
        id: None,
        matched_by: None,
        patient_created: false,
        errors: Vec::new(),
    }
}

fn reject(r: &mut ItemResult, errors: Vec<FieldError>) {
    r.result = ItemOutcome::Rejected;
    r.errors = errors;
}

/// Writes a prepared batch in `institution` as `caller`, inside the caller's transaction.
/// `Err(ApiError::BatchRejected)` when any item is rejected (the caller rolls back);
/// `Err(ApiError::Stale)` when another writer raced it (run it again).
pub fn apply(
    c: &mut DbConn,
    caller: &Caller,
    institution: Uuid,
    p: &Prepared,
) -> Result<Applied, ApiError> {
    let by = caller.principal.id;
    let mut patient_results: Vec<ItemResult> = p
        .patients
        .iter()
        .map(|x| result(BatchItemKind::Patient, x.index, &x.item.external_id))
        .collect();
    let mut visit_results: Vec<ItemResult> = p
        .visits
        .iter()
        .map(|x| result(BatchItemKind::Visit, x.index, &x.item.external_id))
        .collect();
    let mut charge_results: Vec<ItemResult> = p
        .charges
        .iter()
        .map(|x| result(BatchItemKind::Charge, x.index, &x.item.external_id))
        .collect();
    for (r, x) in patient_results.iter_mut().zip(&p.patients) {
        if !x.errors.is_empty() {
            reject(r, x.errors.clone());
        }
    }
    for (r, x) in visit_results.iter_mut().zip(&p.visits) {
        if !x.errors.is_empty() {
            reject(r, x.errors.clone());
        }
    }
    for (r, x) in charge_results.iter_mut().zip(&p.charges) {
        if !x.errors.is_empty() {
            reject(r, x.errors.clone());
        }
    }
    let mut audit: Vec<Entry> = Vec::new();

    // Patients, and the patients of the visits.
    let resolved = patients::resolve(
        c,
        caller,
        institution,
        p,
        &mut patient_results,
        &mut visit_results,
        &mut audit,
    )?;
    let any_rejected = |lists: [&[ItemResult]; 3]| {
        lists
            .iter()
            .any(|l| l.iter().any(|r| r.result == ItemOutcome::Rejected))
    };

    // Visits.
    let lined: HashSet<String> = p
        .charges
        .iter()
        .map(|x| x.item.visit_external_id.clone())
        .collect();
    let mut visit_in = Vec::new();
    for (r, x) in visit_results.iter().zip(&p.visits) {
        if r.result == ItemOutcome::Rejected {
            continue;
        }
        if let Some(customer) = resolved.get(&x.item.patient_external_id) {
            visit_in.push(VisitIn {
                index: x.index,
                item: &x.item,
                customer_id: *customer,
            });
        }
    }
    let write = !any_rejected([&patient_results, &visit_results, &charge_results]);
    let visits_done = store::upsert_visits(c, institution, by, &visit_in, &lined, write)?;
    for o in &visits_done.outcomes {
        let r = &mut visit_results[o.index];
        match &o.result {
            Ok((outcome, id)) => {
                r.result = *outcome;
                r.id = Some(*id);
            }
            Err(errors) => reject(r, errors.clone()),
        }
    }

    // Money lines.
    let mut known = visits_done.by_external.clone();
    let rejected_visits: HashSet<&str> = visit_results
        .iter()
        .zip(&p.visits)
        .filter(|(r, _)| r.result == ItemOutcome::Rejected || r.result == ItemOutcome::Skipped)
        .map(|(_, x)| x.item.external_id.as_str())
        .collect();
    let missing: Vec<String> = p
        .charges
        .iter()
        .map(|x| x.item.visit_external_id.clone())
        .filter(|k| !known.contains_key(k) && !rejected_visits.contains(k.as_str()))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    known.extend(store::by_external_ids(c, institution, &missing)?);
    let mut charge_in = Vec::new();
    for (r, x) in charge_results.iter().zip(&p.charges) {
        // A line of a visit rejected in this batch waits for it (skipped).
        if r.result != ItemOutcome::Rejected
            && !rejected_visits.contains(x.item.visit_external_id.as_str())
        {
            charge_in.push(ChargeIn {
                index: x.index,
                item: &x.item,
            });
        }
    }
    let write = !any_rejected([&patient_results, &visit_results, &charge_results]);
    let charges_done = store::upsert_charges(c, institution, by, &charge_in, &known, write)?;
    for o in &charges_done.outcomes {
        let r = &mut charge_results[o.index];
        match &o.result {
            Ok((outcome, id)) => {
                r.result = *outcome;
                r.id = Some(*id);
            }
            Err(errors) => reject(r, errors.clone()),
        }
    }

    let mut items = patient_results;
    items.extend(visit_results);
    items.extend(charge_results);
    let rejected = items
        .iter()
        .filter(|r| r.result == ItemOutcome::Rejected)
        .count();
    if rejected > 0 {
        for r in items.iter_mut() {
            if r.result != ItemOutcome::Rejected {
                r.result = ItemOutcome::Skipped;
                r.id = None;
                r.matched_by = None;
                r.patient_created = false;
            }
        }
        return Err(ApiError::BatchRejected {
            total: items.len(),
            rejected,
            items,
            record: None,
        });
    }

    // Events: the same as a visit entered by hand, and a line's spending or payment — each
    // once (INT-2), all in one statement.
    let mut due = Vec::new();
    for (_, after) in &visits_done.written {
        due.extend(hcrm_db::visits::due_events(after)?);
    }
    for (_, line) in &charges_done.written {
        due.push(store::charge_event(line)?);
    }
    let events = hcrm_db::events::raise_all(c, due)?;

    for (before, after) in &visits_done.written {
        audit.push(match before {
            None => Entry::created(after),
            Some(b) => Entry::changed(Action::Update, b, after),
        });
    }
    for (before, after) in &charges_done.written {
        audit.push(match before {
            None => Entry::created(after),
            Some(b) => Entry::changed(Action::Update, b, after),
        });
    }
    for (before, after) in &charges_done.totals {
        audit.push(Entry::changed(Action::Update, before, after));
    }
    caller.record_all(c, audit)?;
    Ok(Applied { items, events })
}

/// The customers by HIS patient id a batch resolved.
pub type Resolved = HashMap<String, Uuid>;
