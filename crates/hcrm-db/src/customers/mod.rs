//! CUS-1 … CUS-11: the customer archive. One row in `customers` (what lists and searches
//! need) and one in `customer_profiles` (the rest), with phones, categories, tags, external
//! ids and the stage history beside them. Merged and deleted customers stay for history but
//! never appear in reads.
//!
//! By what it holds: `rows` (the rows of a customer as stored, and how new ones are written —
//! also by the demo and the generator), `read` (one customer, the names, duplicates, stage
//! history), `search` (the list and the search box, CUS-9), `write` (create, update, soft
//! delete); this module the helpers they share.

mod fhir;
mod page;
use page::{rows_of, summarize};
mod read;
mod rows;
mod search;
mod sent;
mod write;

pub use fhir::*;
pub use read::*;
pub use rows::*;
pub use search::*;
pub use sent::*;
pub use write::*;

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use hcrm_domain::Scope;
use hcrm_domain::api::customers::{
    Address, Customer, CustomerCreate, CustomerSummary, CustomerUpdate, ExternalId, StageChange,
};
use hcrm_domain::customer::{
    CustomerCategory, CustomerKind, IdType, LifecycleStage, SourceChannel, age_on, phone_last4,
};
use uuid::Uuid;

use crate::conn::{Db, DbConn};
use crate::error::DbError;
use crate::ids::{CustomerId, InstitutionId, UserId};
use crate::kit::{InScope, bump_version, decode, decode_opt, versioned_update};
use crate::schema::{
    customer_categories as cats, customer_external_ids as ext, customer_phones as phones,
    customer_profiles as profiles, customer_stage_history as stages, customer_tags as tags,
    customers as c,
};
use crate::util::{ListWindow, like_pattern, lower, now, utc};

pub(crate) use hcrm_domain::customer::search_keys::pinyin_keys;

/// Today where the group works (its home time zone, X-11), for the ages of a list that spans
/// institutions; a day's difference in age matters only for a few hours on a birthday.
pub fn today() -> NaiveDate {
    hcrm_domain::time::today_at_home()
}

fn summary(
    r: &CustomerRow,
    phone: Option<String>,
    tags: Vec<String>,
    today: NaiveDate,
) -> Result<CustomerSummary, DbError> {
    Ok(CustomerSummary {
        id: r.id.0,
        institution_id: r.institution_id.0,
        kind: decode::<CustomerKind>(&r.kind)?,
        name: r.name.clone(),
        gender: decode_opt(r.gender.as_deref())?,
        age: r.birth_date.map(|b| age_on(b, today)),
        phone,
        id_number: r.id_number.clone(),
        card_number: r.card_number.clone(),
        form_of_address: r.form_of_address.clone(),
        lifecycle_stage: decode::<LifecycleStage>(&r.lifecycle_stage)?,
        tags,
        account_manager_id: r.account_manager_id.map(Uuid::from),
    })
}

fn grouped<K: std::hash::Hash + Eq>(rows: Vec<(K, String)>) -> HashMap<K, Vec<String>> {
    let mut out: HashMap<K, Vec<String>> = HashMap::new();
    for (k, v) in rows {
        out.entry(k).or_default().push(v);
    }
    out
}

fn phones_of(
    conn: &mut DbConn,
    ids: &[CustomerId],
) -> Result<HashMap<CustomerId, Vec<String>>, DbError> {
    let rows: Vec<(CustomerId, String)> = phones::table
        .filter(phones::customer_id.eq_any(ids))
        .order((
            phones::customer_id,
            phones::is_primary.desc(),
            phones::phone,
        ))
        .select((phones::customer_id, phones::phone))
        .load(conn)?;
    Ok(grouped(rows))
}

fn tags_of(
    conn: &mut DbConn,
    ids: &[CustomerId],
) -> Result<HashMap<CustomerId, Vec<String>>, DbError> {
    let rows: Vec<(CustomerId, String)> = tags::table
        .filter(tags::customer_id.eq_any(ids))
        .order((tags::customer_id, tags::tag))
        .select((tags::customer_id, tags::tag))
        .load(conn)?;
    Ok(grouped(rows))
}

/// The live customer row (not merged, not deleted) if it is in `scope`.
fn live_row(conn: &mut DbConn, scope: &Scope, id: Uuid) -> Result<CustomerRow, DbError> {
    let row: CustomerRow = c::table
        .find(CustomerId::from(id))
        .filter(c::merged_into_id.is_null())
        .filter(c::deleted_at.is_null())
        .select(CustomerRow::as_select())
        .first(conn)?;
    if scope.allows(row.institution_id.0) {
        Ok(row)
    } else {
        Err(DbError::NotFound)
    }
}

/// The institution of a live customer, whatever the caller's scope (for break-glass).
pub fn institution_of(conn: &mut DbConn, id: Uuid) -> Result<Uuid, DbError> {
    let inst: InstitutionId = c::table
        .find(CustomerId::from(id))
        .filter(c::merged_into_id.is_null())
        .filter(c::deleted_at.is_null())
        .select(c::institution_id)
        .first(conn)?;
    Ok(inst.0)
}

pub(crate) use hcrm_domain::customer::id_number::normalize_id_number;
