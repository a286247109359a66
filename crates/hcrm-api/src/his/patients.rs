//! The patients of a HIS batch (INT-1): each patient item, and the patient of each visit, is
//! found by the HIS id linked before, else by the ID number (the HIS id is then linked and the
//! result says `matched_by: id_number`), never by name alone; otherwise created — a patient
//! item always, a visit's patient only when the client asks (`create_missing_patients`) and
//! sends its `patient`. New customers and links are written set-based; a changed patient goes
//! through the customer update every other path uses (`apply_update`: its rules and audit).

use std::collections::HashMap;

use hcrm_db::DbConn;
use hcrm_db::audit::{Action, Entry};
use hcrm_db::customers::{CustomerRow, NewCustomers, new_rows};
use hcrm_db::integration::{self as store, normalized_id_number};
use hcrm_domain::api::customers::{CustomerCreate, CustomerUpdate};
use hcrm_domain::api::integration::{
    HIS_SYSTEM, ItemOutcome, ItemResult, PatientItem, PatientMatch, item_error,
};
use hcrm_domain::validation::normalize_mobile;
use serde_json::json;
use uuid::Uuid;

use super::{Prepared, Resolved, reject};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::handlers::customers::{apply_update, form_for_create};

/// Who a patient not linked yet becomes: the item it came from.
enum Source {
    Patient(usize),
    Visit(usize),
}

struct Pending<'a> {
    key: String,
    create: &'a CustomerCreate,
    source: Source,
}

/// The change a patient item makes to a stored customer, if any: the fields it gives that
/// differ, and phones the customer lacks (added, the stored ones kept).
fn changes(row: &CustomerRow, phones: &[String], item: &PatientItem) -> Option<CustomerUpdate> {
    let mut u = CustomerUpdate::default();
    let mut any = false;
    if item.name.trim() != row.name {
        u.name = Some(item.name.trim().to_string());
        any = true;
    }
    if let Some(g) = item.gender
        && row.gender.as_deref() != Some(g.code())
    {
        u.gender = Some(Some(g));
        any = true;
    }
    if let Some(b) = item.birth_date
        && row.birth_date != Some(b)
    {
        u.birth_date = Some(Some(b));
        any = true;
    }
    if let Some(n) = &item.id_number
        && row.id_number.as_deref() != Some(normalized_id_number(n).as_str())
    {
        u.id_number = Some(Some(n.clone()));
        any = true;
    }
    if let Some(n) = &item.card_number
        && row.card_number.as_deref() != Some(n.trim())
    {
        u.card_number = Some(Some(n.trim().to_string()));
        any = true;
    }
    let new: Vec<String> = item
        .phones
        .iter()
        .map(|p| normalize_mobile(p))
        .filter(|p| !phones.contains(p))
        .collect();
    if !new.is_empty() {
        let mut all = phones.to_vec();
        all.extend(new);
        all.dedup();
        u.phones = Some(all);
        any = true;
    }
    any.then_some(u)
}

/// Finds or makes the customer of every patient item and of every visit's patient; fills
/// the patients' results and rejects the visits whose patient is unknown. Returns the
/// customers by HIS patient id.
pub(super) fn resolve(
    c: &mut DbConn,
    caller: &Caller,
    institution: Uuid,
    p: &Prepared,
    patient_results: &mut [ItemResult],
    visit_results: &mut [ItemResult],
    audit: &mut Vec<Entry>,
) -> Result<Resolved, ApiError> {
    let mut keys: Vec<String> = p
        .patients
        .iter()
        .map(|x| x.item.external_id.clone())
        .collect();
    keys.extend(p.visits.iter().map(|x| x.item.patient_external_id.clone()));
    keys.sort();
    keys.dedup();
    let linked = store::linked(c, institution, &keys)?;
    let deleted = || {
        vec![item_error(
            "external_id",
            "deleted_customer",
            "this HIS id names a deleted customer",
        )]
    };

    let mut resolved: Resolved = HashMap::new();
    // Linked customers a patient item may change: (item position, customer).
    let mut to_compare: Vec<(usize, Uuid, PatientMatch)> = Vec::new();
    let mut pending: Vec<Pending> = Vec::new();
    for (i, x) in p.patients.iter().enumerate() {
        if patient_results[i].result == ItemOutcome::Rejected {
            continue;
        }
        match linked.get(&x.item.external_id) {
            Some(l) if l.deleted => reject(&mut patient_results[i], deleted()),
            Some(l) => {
                resolved.insert(x.item.external_id.clone(), l.customer_id);
                to_compare.push((i, l.customer_id, PatientMatch::ExternalId));
            }
            None => pending.push(Pending {
                key: x.item.external_id.clone(),
                create: &x.create,
                source: Source::Patient(i),
            }),
        }
    }
    let in_batch: HashMap<&str, usize> = p
        .patients
        .iter()
        .enumerate()
        .map(|(i, x)| (x.item.external_id.as_str(), i))
        .collect();
    let mut from_visits: HashMap<String, usize> = HashMap::new();
    for (i, x) in p.visits.iter().enumerate() {
        let key = &x.item.patient_external_id;
        if visit_results[i].result == ItemOutcome::Rejected || in_batch.contains_key(key.as_str())
        {
            continue;
        }
        match (linked.get(key), &x.create) {
            (Some(l), _) if l.deleted => reject(
                &mut visit_results[i],
                vec![item_error(
                    "patient_external_id",
                    "deleted_customer",
                    "this HIS id names a deleted customer",
                )],
            ),
            (Some(l), _) => {
                resolved.insert(key.clone(), l.customer_id);
            }
            (None, Some(create)) if p.create_missing_patients => {
                if !from_visits.contains_key(key) {
                    from_visits.insert(key.clone(), i);
                    pending.push(Pending {
                        key: key.clone(),
                        create,
                        source: Source::Visit(i),
                    });
                }
            }
            (None, None) if p.create_missing_patients => reject(
                &mut visit_results[i],
                vec![item_error(
                    "patient",
                    "required",
                    "the patient is unknown: send its data as `patient` to create it",
                )],
            ),
            (None, _) => reject(
                &mut visit_results[i],
                vec![item_error(
                    "patient_external_id",
                    "unknown_patient",
                    "no patient with this HIS id in the institution (send it in `patients`, or set create_missing_patients and send `patient`)",
                )],
            ),
        }
    }

    // By ID number, then new.
    let numbers: Vec<String> = pending
        .iter()
        .filter_map(|x| x.create.id_number.as_deref().map(normalized_id_number))
        .collect();
    let by_number = store::by_id_number(c, institution, &numbers)?;
    let mut links: Vec<(Uuid, String)> = Vec::new();
    let mut new = NewCustomers::default();
    let today = hcrm_db::institutions::today_of(c, institution)?;
    for x in &pending {
        let found = x
            .create
            .id_number
            .as_deref()
            .and_then(|n| by_number.get(&normalized_id_number(n)).copied());
        let customer = match found {
            Some(id) => {
                links.push((id, x.key.clone()));
                audit.push(Entry::of(
                    Action::Update,
                    "customer",
                    Some(id.to_string()),
                    Some(institution),
                    json!({"external_ids": {"added": [{"system": HIS_SYSTEM, "external_id": x.key}]},
                           "matched_by": PatientMatch::IdNumber.code()}),
                ));
                id
            }
            None => {
                let form = form_for_create(x.create, today);
                let (id, rows) = new_rows(x.create, institution, today, form, caller.principal.id);
                new.append(rows);
                audit.push(Entry::of(
                    Action::Create,
                    "customer",
                    Some(id.to_string()),
                    Some(institution),
                    json!({"name": x.create.name,
                           "external_ids": [{"system": HIS_SYSTEM, "external_id": x.key}],
                           "source": "his"}),
                ));
                id.0
            }
        };
        resolved.insert(x.key.clone(), customer);
        match x.source {
            Source::Patient(i) => {
                let r = &mut patient_results[i];
                r.id = Some(customer);
                if found.is_some() {
                    r.result = ItemOutcome::Updated;
                    r.matched_by = Some(PatientMatch::IdNumber);
                    to_compare.push((i, customer, PatientMatch::IdNumber));
                } else {
                    r.result = ItemOutcome::Created;
                }
            }
            Source::Visit(_) => {}
        }
    }
    new.write(c)?;
    store::link(c, institution, &links)?;

    // What a visit says of its patient: found by ID number, or made from its data.
    for (i, x) in p.visits.iter().enumerate() {
        let key = &x.item.patient_external_id;
        if let Some(&first) = from_visits.get(key) {
            let r = &mut visit_results[i];
            if links.iter().any(|(_, k)| k == key) {
                r.matched_by = Some(PatientMatch::IdNumber);
            } else if first == i {
                r.patient_created = true;
            }
        }
    }

    // Linked customers the items change.
    let ids: Vec<Uuid> = to_compare.iter().map(|(_, id, _)| *id).collect();
    let current = store::current(c, &ids)?;
    for (i, id, matched) in to_compare {
        let r = &mut patient_results[i];
        r.id = Some(id);
        r.matched_by = Some(matched);
        if r.result != ItemOutcome::Updated {
            r.result = ItemOutcome::Unchanged;
        }
        let Some((row, phones)) = current.get(&id) else {
            continue;
        };
        let Some(u) = changes(row, phones, &p.patients[i].item) else {
            continue;
        };
        match apply_update(c, caller, id, row.version, &u) {
            Ok(_) => r.result = ItemOutcome::Updated,
            Err(ApiError::Validation(errors)) => reject(r, errors),
            Err(other) => return Err(other),
        }
    }
    Ok(resolved)
}
