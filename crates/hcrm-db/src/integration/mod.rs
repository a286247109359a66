//! 系统对接 (INT-1, X-8; issue 12): what a HIS batch writes, set-based — one multi-row
//! statement per table per batch, never one per item — and the stored batches with each
//! item's result (replays, the integration status page).
//!
//! - `patients`: the customers behind the HIS's patient ids (linked ids, ID numbers).
//! - `visits`: visits upserted by the HIS's visit id, under a version guard.
//! - `charges`: money lines of visits and the visit totals they make.
//!
//! A concurrent writer of the same ids (a second server given the same batch) makes a guarded
//! upsert write fewer rows than planned: the function answers [`DbError::Stale`] and the caller
//! runs the whole batch again in a new transaction, where the rows are found as written.

mod charges;
mod patients;
mod visits;

pub use charges::*;
pub use patients::*;
pub use visits::*;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use hcrm_domain::Scope;
use hcrm_domain::api::integration::{
    BatchCounts, BatchResult, BatchStatus, BatchSummary, ItemResult,
};
use uuid::Uuid;

use crate::conn::{Db, DbConn};
use crate::error::DbError;
use crate::ids::{InstitutionId, IntegrationBatchId, UserId};
use crate::kit::{InScope, counted_page, decode};
use crate::schema::integration_batches as b;
use crate::util::{ListWindow, utc};

/// Keys per `IN (…)` list: well inside both backends' limits of bound values.
pub(crate) const IN_CHUNK: usize = 1000;

/// Rows per multi-row statement of `columns` columns (SQLite binds at most 32,766 values).
pub(crate) fn rows_per_statement(columns: usize) -> usize {
    (30_000 / columns).max(1)
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = b, treat_none_as_default_value = false)]
struct BatchRow {
    id: IntegrationBatchId,
    institution_id: InstitutionId,
    client_id: UserId,
    client_name: String,
    batch_key: Option<String>,
    sent_key: Option<String>,
    request_hash: String,
    status: String,
    created_count: i32,
    updated_count: i32,
    unchanged_count: i32,
    rejected_count: i32,
    skipped_count: i32,
    items: String,
    received_at: NaiveDateTime,
    duration_ms: i64,
}

/// The columns a list shows (not the items).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = b)]
struct SummaryRow {
    id: IntegrationBatchId,
    institution_id: InstitutionId,
    client_id: UserId,
    client_name: String,
    sent_key: Option<String>,
    status: String,
    created_count: i32,
    updated_count: i32,
    unchanged_count: i32,
    rejected_count: i32,
    skipped_count: i32,
    received_at: NaiveDateTime,
    duration_ms: i64,
}

impl SummaryRow {
    fn summary(&self) -> Result<BatchSummary, DbError> {
        Ok(BatchSummary {
            id: self.id.0,
            institution_id: self.institution_id.0,
            client_id: self.client_id.0,
            client_name: self.client_name.clone(),
            batch_id: self.sent_key.clone(),
            status: decode(&self.status)?,
            counts: BatchCounts {
                created: self.created_count.into(),
                updated: self.updated_count.into(),
                unchanged: self.unchanged_count.into(),
                rejected: self.rejected_count.into(),
                skipped: self.skipped_count.into(),
            },
            received_at: utc(self.received_at),
            duration_ms: self.duration_ms,
        })
    }
}

impl BatchRow {
    fn summary(&self) -> Result<BatchSummary, DbError> {
        SummaryRow {
            id: self.id,
            institution_id: self.institution_id,
            client_id: self.client_id,
            client_name: self.client_name.clone(),
            sent_key: self.sent_key.clone(),
            status: self.status.clone(),
            created_count: self.created_count,
            updated_count: self.updated_count,
            unchanged_count: self.unchanged_count,
            rejected_count: self.rejected_count,
            skipped_count: self.skipped_count,
            received_at: self.received_at,
            duration_ms: self.duration_ms,
        }
        .summary()
    }

    fn into_result(self, replayed: bool) -> Result<BatchResult, DbError> {
        let items: Vec<ItemResult> = serde_json::from_str(&self.items)
            .map_err(|e| DbError::Corrupt(format!("batch items: {e}")))?;
        Ok(BatchResult {
            summary: self.summary()?,
            replayed,
            items,
        })
    }
}

fn count(n: i64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// A batch being written: who sent it, where, under which key.
#[derive(Debug, Clone)]
pub struct NewBatch {
    pub id: Uuid,
    pub institution_id: Uuid,
    pub client_id: Uuid,
    pub client_name: String,
    /// The client's `batch_id` (or `Idempotency-Key`).
    pub key: Option<String>,
    pub request_hash: String,
    pub received_at: NaiveDateTime,
}

impl NewBatch {
    fn row(
        &self,
        claims_key: bool,
        status: BatchStatus,
        items: &[ItemResult],
        duration_ms: i64,
    ) -> Result<BatchRow, DbError> {
        let c = BatchCounts::of(items);
        Ok(BatchRow {
            id: self.id.into(),
            institution_id: self.institution_id.into(),
            client_id: self.client_id.into(),
            client_name: self.client_name.clone(),
            batch_key: if claims_key { self.key.clone() } else { None },
            sent_key: self.key.clone(),
            request_hash: self.request_hash.clone(),
            status: status.code().into(),
            created_count: count(c.created),
            updated_count: count(c.updated),
            unchanged_count: count(c.unchanged),
            rejected_count: count(c.rejected),
            skipped_count: count(c.skipped),
            items: serde_json::to_string(items)
                .map_err(|e| DbError::Corrupt(format!("batch items: {e}")))?,
            received_at: self.received_at,
            duration_ms,
        })
    }
}

/// Claims the batch's key for the client as the batch's first write: a second server given
/// the same batch waits here until the first commits, then gets `Duplicate` (and replays).
pub fn claim(conn: &mut DbConn, n: &NewBatch) -> Result<(), DbError> {
    let row = n.row(true, BatchStatus::Applied, &[], 0)?;
    diesel::insert_into(b::table).values(&row).execute(conn)?;
    Ok(())
}

/// The claimed batch with its results, written.
pub fn finish(
    conn: &mut DbConn,
    n: &NewBatch,
    items: &[ItemResult],
    duration_ms: i64,
) -> Result<BatchResult, DbError> {
    let row = n.row(true, BatchStatus::Applied, items, duration_ms)?;
    diesel::update(b::table.find(row.id))
        .set((
            b::created_count.eq(row.created_count),
            b::updated_count.eq(row.updated_count),
            b::unchanged_count.eq(row.unchanged_count),
            b::rejected_count.eq(row.rejected_count),
            b::skipped_count.eq(row.skipped_count),
            b::items.eq(&row.items),
            b::duration_ms.eq(row.duration_ms),
        ))
        .execute(conn)?;
    row.into_result(false)
}

/// Stores a batch without claiming its key: one without a key, or one refused (nothing of it
/// was written, so the key stays free for the corrected batch).
pub fn store(
    conn: &mut DbConn,
    n: &NewBatch,
    status: BatchStatus,
    items: &[ItemResult],
    duration_ms: i64,
) -> Result<BatchResult, DbError> {
    let row = n.row(false, status, items, duration_ms)?;
    diesel::insert_into(b::table).values(&row).execute(conn)?;
    row.into_result(false)
}

/// The applied batch the client sent under `key`, with the hash of its request.
pub fn by_key(
    conn: &mut DbConn,
    client: Uuid,
    key: &str,
) -> Result<Option<(String, BatchResult)>, DbError> {
    let row = b::table
        .filter(b::client_id.eq(UserId::from(client)))
        .filter(b::batch_key.eq(key))
        .select(BatchRow::as_select())
        .first::<BatchRow>(conn)
        .optional()?;
    row.map(|r| {
        let hash = r.request_hash.clone();
        r.into_result(true).map(|res| (hash, res))
    })
    .transpose()
}

/// One stored batch in `scope` (and of `client` when given: a HIS reads its own).
pub fn get(
    conn: &mut DbConn,
    scope: &Scope,
    client: Option<Uuid>,
    id: Uuid,
) -> Result<BatchResult, DbError> {
    let mut q = b::table
        .find(IntegrationBatchId::from(id))
        .into_boxed()
        .in_scope(b::institution_id, scope);
    if let Some(c) = client {
        q = q.filter(b::client_id.eq(UserId::from(c)));
    }
    q.select(BatchRow::as_select())
        .first::<BatchRow>(conn)?
        .into_result(false)
}

/// List filters.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub institution_id: Option<Uuid>,
    pub status: Option<BatchStatus>,
    /// Only this client's (a HIS reads its own).
    pub client_id: Option<Uuid>,
}

fn filtered<'a>(scope: &Scope, f: &'a Filter) -> b::BoxedQuery<'a, Db> {
    let mut q = b::table.into_boxed().in_scope(b::institution_id, scope);
    if let Some(x) = f.institution_id {
        q = q.filter(b::institution_id.eq(InstitutionId::from(x)));
    }
    if let Some(x) = f.status {
        q = q.filter(b::status.eq(x.code()));
    }
    if let Some(x) = f.client_id {
        q = q.filter(b::client_id.eq(UserId::from(x)));
    }
    q
}

/// A page of stored batches in `scope`, newest first, without their items.
pub fn list(
    conn: &mut DbConn,
    scope: &Scope,
    f: &Filter,
    window: ListWindow,
) -> Result<(Vec<BatchSummary>, i64), DbError> {
    let (rows, total) = counted_page!(
        conn,
        filtered(scope, f),
        |q| q.order((b::received_at.desc(), b::id.desc())),
        SummaryRow,
        window
    );
    let items = rows
        .iter()
        .map(SummaryRow::summary)
        .collect::<Result<_, _>>()?;
    Ok((items, total))
}
