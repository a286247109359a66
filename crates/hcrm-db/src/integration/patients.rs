//! The customers behind a HIS's patient ids, found set-based: the ids linked before (one
//! query per thousand ids), the live customers of an ID number, and the HIS ids linked to
//! customers found by ID number (one multi-row INSERT).

use std::collections::HashMap;

use diesel::prelude::*;
use hcrm_domain::api::integration::{HIS_SYSTEM, HIS_SYSTEMS};
use uuid::Uuid;

use crate::conn::DbConn;
use crate::customers::{CustomerRow, ExternalIdRow};
use crate::error::DbError;
use crate::ids::{CustomerId, InstitutionId};
use crate::kit::insert_many;
use crate::schema::{customer_external_ids as ext, customer_phones as phones, customers as c};

use super::IN_CHUNK;

/// A customer a HIS patient id is linked to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Linked {
    pub customer_id: Uuid,
    /// Deleted since: the id cannot be used for a new customer either.
    pub deleted: bool,
}

/// The customers the HIS ids `keys` are linked to in `institution`.
pub fn linked(
    conn: &mut DbConn,
    institution: Uuid,
    keys: &[String],
) -> Result<HashMap<String, Linked>, DbError> {
    let inst = InstitutionId::from(institution);
    let mut out = HashMap::new();
    for chunk in keys.chunks(IN_CHUNK) {
        let rows: Vec<(String, CustomerId, bool)> = ext::table
            .inner_join(c::table)
            .filter(ext::institution_id.eq(inst))
            .filter(ext::system.eq_any(HIS_SYSTEMS))
            .filter(ext::external_id.eq_any(chunk))
            .select((ext::external_id, c::id, c::deleted_at.is_not_null()))
            .load(conn)?;
        for (key, id, deleted) in rows {
            out.insert(
                key,
                Linked {
                    customer_id: id.0,
                    deleted,
                },
            );
        }
    }
    Ok(out)
}

/// The live customer of `institution` with each ID number of `numbers` (as stored,
/// normalized); of two with one number (a duplicate awaiting its merge) the first recorded.
pub fn by_id_number(
    conn: &mut DbConn,
    institution: Uuid,
    numbers: &[String],
) -> Result<HashMap<String, Uuid>, DbError> {
    let inst = InstitutionId::from(institution);
    let mut out: HashMap<String, Uuid> = HashMap::new();
    for chunk in numbers.chunks(IN_CHUNK) {
        let rows: Vec<(Option<String>, CustomerId)> = c::table
            .filter(c::institution_id.eq(inst))
            .filter(c::id_number.eq_any(chunk))
            .filter(c::merged_into_id.is_null())
            .filter(c::deleted_at.is_null())
            .order((c::created_at.desc(), c::id.desc()))
            .select((c::id_number, c::id))
            .load(conn)?;
        // Newest first, so that the oldest is inserted last and kept.
        for (number, id) in rows {
            if let Some(n) = number {
                out.insert(n, id.0);
            }
        }
    }
    Ok(out)
}

/// An ID number as customers store it (upper-case X, no spaces).
pub fn normalized_id_number(raw: &str) -> String {
    crate::customers::normalize_id_number(raw)
}

/// Links each HIS id to its customer (found by ID number), in multi-row INSERTs.
pub fn link(
    conn: &mut DbConn,
    institution: Uuid,
    links: &[(Uuid, String)],
) -> Result<usize, DbError> {
    let rows: Vec<ExternalIdRow> = links
        .iter()
        .map(|(customer, key)| ExternalIdRow {
            customer_id: CustomerId::from(*customer),
            institution_id: InstitutionId::from(institution),
            system: HIS_SYSTEM.into(),
            external_id: key.clone(),
        })
        .collect();
    insert_many!(conn, ext::table, &rows, 4)
}

/// The stored rows and phones of live customers `ids`, to tell what a patient item changes.
pub fn current(
    conn: &mut DbConn,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, (CustomerRow, Vec<String>)>, DbError> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(IN_CHUNK) {
        let keys: Vec<CustomerId> = chunk.iter().copied().map(CustomerId::from).collect();
        let rows: Vec<CustomerRow> = c::table
            .filter(c::id.eq_any(&keys))
            .select(CustomerRow::as_select())
            .load(conn)?;
        let numbers: Vec<(CustomerId, String)> = phones::table
            .filter(phones::customer_id.eq_any(&keys))
            .order((phones::customer_id, phones::is_primary.desc(), phones::phone))
            .select((phones::customer_id, phones::phone))
            .load(conn)?;
        let mut by: HashMap<CustomerId, Vec<String>> = HashMap::new();
        for (id, p) in numbers {
            by.entry(id).or_default().push(p);
        }
        for row in rows {
            let list = by.remove(&row.id).unwrap_or_default();
            out.insert(row.id.0, (row, list));
        }
    }
    Ok(out)
}
