//! A visit's money lines (收费/缴费明细) upserted by the HIS's id, and the visit totals they
//! make: a visit with lines has as `amount_fen` and `insurance_fen` the sums of its charges
//! and as `paid_fen` the sum of its payments. Each line raises, once, `spending_recorded`
//! (a charge) or `payment_recorded` (a payment).

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::upsert::excluded;
use hcrm_domain::api::events::DomainEventKind;
use hcrm_domain::api::integration::{ChargeItem, ChargeKind, ItemOutcome, VisitCharge, item_error};
use hcrm_domain::api::visits::Visit;
use uuid::Uuid;

use crate::conn::DbConn;
use crate::error::DbError;
use crate::events::NewEvent;
use crate::ids::{InstitutionId, UserId, VisitChargeId, VisitId};
use crate::kit::decode;
use crate::schema::{visit_charges as vc, visits as v};
use crate::util::{now, utc};
use crate::visits::stored;

use super::visits::{Outcome, visits_by_id};
use super::{IN_CHUNK, rows_per_statement};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = vc, treat_none_as_default_value = false)]
struct ChargeRow {
    id: VisitChargeId,
    institution_id: InstitutionId,
    visit_id: VisitId,
    external_id: String,
    kind: String,
    amount_fen: i64,
    insurance_fen: i64,
    occurred_at: NaiveDateTime,
    item: Option<String>,
    version: i32,
    created_by: Option<UserId>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl ChargeRow {
    fn dto(&self, customer_id: Uuid) -> Result<VisitCharge, DbError> {
        Ok(VisitCharge {
            id: self.id.0,
            institution_id: self.institution_id.0,
            visit_id: self.visit_id.0,
            customer_id,
            external_id: self.external_id.clone(),
            kind: decode(&self.kind)?,
            amount_fen: self.amount_fen,
            insurance_fen: self.insurance_fen,
            occurred_at: utc(self.occurred_at),
            item: self.item.clone(),
            version: self.version,
        })
    }

    fn same(&self, other: &ChargeRow) -> bool {
        self.amount_fen == other.amount_fen
            && self.insurance_fen == other.insurance_fen
            && self.occurred_at == other.occurred_at
            && self.item == other.item
    }
}

/// A money line item of a batch.
#[derive(Debug, Clone)]
pub struct ChargeIn<'a> {
    pub index: usize,
    /// The batch's item itself, not a copy.
    pub item: &'a ChargeItem,
}

/// What an upsert of money lines did.
#[derive(Debug, Default)]
pub struct ChargesDone {
    pub outcomes: Vec<Outcome>,
    /// Each line written: as it was (an update) and as it is.
    pub written: Vec<(Option<VisitCharge>, VisitCharge)>,
    /// Each visit whose totals changed: as it was and as it is.
    pub totals: Vec<(Visit, Visit)>,
}

impl ChargesDone {
    pub fn rejected(&self) -> bool {
        self.outcomes.iter().any(|o| o.result.is_err())
    }
}

fn stored_rows(
    conn: &mut DbConn,
    institution: InstitutionId,
    keys: &[String],
) -> Result<HashMap<String, ChargeRow>, DbError> {
    let mut out = HashMap::new();
    for chunk in keys.chunks(IN_CHUNK) {
        let rows: Vec<ChargeRow> = vc::table
            .filter(vc::institution_id.eq(institution))
            .filter(vc::external_id.eq_any(chunk))
            .select(ChargeRow::as_select())
            .load(conn)?;
        out.extend(rows.into_iter().map(|r| (r.external_id.clone(), r)));
    }
    Ok(out)
}

/// Plans the money lines of a batch and, when `write` and none is rejected, writes them and
/// the totals of their visits. `visits`: the visits by HIS id (those of the batch and those
/// stored before), as (visit, customer).
pub fn upsert_charges(
    conn: &mut DbConn,
    institution: Uuid,
    by: Uuid,
    list: &[ChargeIn<'_>],
    visits: &HashMap<String, (Uuid, Uuid)>,
    write: bool,
) -> Result<ChargesDone, DbError> {
    let inst = InstitutionId::from(institution);
    let keys: Vec<String> = list.iter().map(|x| x.item.external_id.clone()).collect();
    let existing = stored_rows(conn, inst, &keys)?;
    let at = now();
    let mut done = ChargesDone::default();
    let mut rows: Vec<(ChargeRow, Uuid)> = Vec::new();
    let mut befores: HashMap<VisitChargeId, ChargeRow> = HashMap::new();
    for x in list {
        let item = x.item;
        let mut errors = Vec::new();
        let visit = visits.get(&item.visit_external_id);
        if visit.is_none() {
            errors.push(item_error(
                "visit_external_id",
                "unknown_visit",
                "no visit with this HIS id in the institution (send the visit in this batch or before)",
            ));
        }
        let before = existing.get(&item.external_id);
        if let (Some(b), Some((visit_id, _))) = (before, visit) {
            if b.visit_id.0 != *visit_id {
                errors.push(item_error(
                    "visit_external_id",
                    "visit_changed",
                    "the line belongs to another visit; a line's visit does not change",
                ));
            }
            if b.kind != item.kind.code() {
                errors.push(item_error(
                    "kind",
                    "kind_changed",
                    "the line is recorded as another kind; a line's kind does not change",
                ));
            }
        }
        let (Some(&(visit_id, customer)), true) = (visit, errors.is_empty()) else {
            done.outcomes.push(Outcome {
                index: x.index,
                result: Err(errors),
            });
            continue;
        };
        let row = ChargeRow {
            id: before.map(|b| b.id).unwrap_or_default(),
            institution_id: inst,
            visit_id: visit_id.into(),
            external_id: item.external_id.clone(),
            kind: item.kind.code().to_string(),
            amount_fen: item.amount_fen,
            insurance_fen: item.insurance_fen,
            occurred_at: stored(item.occurred_at),
            item: item.item.clone(),
            version: before.map_or(1, |b| b.version + 1),
            created_by: before.map_or(Some(UserId::from(by)), |b| b.created_by),
            created_at: before.map_or(at, |b| b.created_at),
            updated_at: at,
        };
        let outcome = match before {
            None => ItemOutcome::Created,
            Some(b) if b.same(&row) => ItemOutcome::Unchanged,
            Some(b) => {
                befores.insert(b.id, b.clone());
                ItemOutcome::Updated
            }
        };
        done.outcomes.push(Outcome {
            index: x.index,
            result: Ok((outcome, row.id.0)),
        });
        if outcome != ItemOutcome::Unchanged {
            rows.push((row, customer));
        }
    }
    if !write || done.rejected() || rows.is_empty() {
        return Ok(done);
    }
    rows.sort_by(|a, b| a.0.external_id.cmp(&b.0.external_id));
    let plain: Vec<ChargeRow> = rows.iter().map(|(r, _)| r.clone()).collect();
    let mut written = 0;
    for chunk in plain.chunks(rows_per_statement(13)) {
        // PostgreSQL: a row another transaction wrote meanwhile is left alone (the guard); SQLite
        // runs one write transaction at a time, and its multi-row upsert takes no WHERE.
        let upsert = diesel::insert_into(vc::table)
            .values(chunk)
            .on_conflict((vc::institution_id, vc::external_id))
            .do_update()
            .set((
                vc::amount_fen.eq(excluded(vc::amount_fen)),
                vc::insurance_fen.eq(excluded(vc::insurance_fen)),
                vc::occurred_at.eq(excluded(vc::occurred_at)),
                vc::item.eq(excluded(vc::item)),
                vc::version.eq(excluded(vc::version)),
                vc::updated_at.eq(excluded(vc::updated_at)),
            ));
        written += match &mut *conn {
            crate::conn::DbConn::Postgresql(c) => diesel::query_dsl::methods::FilterDsl::filter(
                upsert,
                (vc::version + 1).eq(excluded(vc::version)),
            )
            .execute(c)?,
            crate::conn::DbConn::Sqlite(c) => upsert.execute(c)?,
        };
    }
    if written != plain.len() {
        return Err(DbError::Stale { current: 0 });
    }
    let touched: Vec<VisitId> = rows
        .iter()
        .map(|(r, _)| r.visit_id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    for (row, customer) in rows {
        let before = befores
            .remove(&row.id)
            .map(|b| b.dto(customer))
            .transpose()?;
        done.written.push((before, row.dto(customer)?));
    }
    match totals(conn, &touched, at)? {
        Ok(changed) => done.totals = changed,
        Err(over) => {
            // The lines of a visit pay or insure more than it costs: refused on each of the
            // batch's lines of that visit.
            for (o, x) in done.outcomes.iter_mut().zip(list) {
                let visit = visits.get(&x.item.visit_external_id).map(|v| v.0);
                if visit.is_some_and(|id| over.contains(&id)) {
                    o.result = Err(vec![item_error(
                        "amount_fen",
                        "exceeds_amount",
                        "with this line the visit's insurance and payments exceed its charges",
                    )]);
                }
            }
        }
    }
    Ok(done)
}

/// The visits whose totals changed (before, after), or those whose lines would pay more
/// than they charge.
type Totals = Result<Vec<(Visit, Visit)>, Vec<Uuid>>;

/// Sets the totals of the visits `ids` from their lines, in one UPDATE. `Err` names the
/// visits whose payments and insurance would exceed their charges (nothing is written).
fn totals(conn: &mut DbConn, ids: &[VisitId], at: NaiveDateTime) -> Result<Totals, DbError> {
    let mut sums: HashMap<VisitId, (i64, i64, i64)> = HashMap::new();
    for chunk in ids.chunks(IN_CHUNK) {
        let lines: Vec<(VisitId, String, i64, i64)> = vc::table
            .filter(vc::visit_id.eq_any(chunk))
            .select((vc::visit_id, vc::kind, vc::amount_fen, vc::insurance_fen))
            .load(conn)?;
        for (visit, kind, amount, insurance) in lines {
            let s = sums.entry(visit).or_default();
            match decode::<ChargeKind>(&kind)? {
                ChargeKind::Charge => {
                    s.0 = s.0.saturating_add(amount);
                    s.1 = s.1.saturating_add(insurance);
                }
                ChargeKind::Payment => s.2 = s.2.saturating_add(amount),
            }
        }
    }
    let over: Vec<Uuid> = sums
        .iter()
        .filter(|(_, (amount, insurance, paid))| insurance.saturating_add(*paid) > *amount)
        .map(|(id, _)| id.0)
        .collect();
    if !over.is_empty() {
        return Ok(Err(over));
    }
    let before = visits_by_id(conn, ids)?;
    let changed: Vec<VisitId> = before
        .iter()
        .filter(|b| {
            let s = sums.get(&VisitId::from(b.id)).copied().unwrap_or_default();
            (b.amount_fen, b.insurance_fen, b.paid_fen) != s
        })
        .map(|b| VisitId::from(b.id))
        .collect();
    if changed.is_empty() {
        return Ok(Ok(Vec::new()));
    }
    let sum = |kind: ChargeKind, column: &str| {
        format!(
            "(SELECT COALESCE(SUM(l.{column}), 0) FROM visit_charges l \
             WHERE l.visit_id = visits.id AND l.kind = '{}')",
            kind.code()
        )
    };
    for chunk in changed.chunks(IN_CHUNK) {
        let placeholders: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
        // Column names and kinds are ours, never input; the ids are bound.
        let text = format!(
            "UPDATE visits SET amount_fen = {}, insurance_fen = {}, paid_fen = {}, \
             version = version + 1, updated_at = $1 WHERE id IN ({})",
            sum(ChargeKind::Charge, "amount_fen"),
            sum(ChargeKind::Charge, "insurance_fen"),
            sum(ChargeKind::Payment, "amount_fen"),
            placeholders.join(", ")
        );
        let mut q = crate::merge::sql(conn, text)
            .into_boxed::<crate::conn::Db>()
            .bind::<diesel::sql_types::Timestamp, _>(at);
        for id in chunk {
            q = q.bind::<diesel::sql_types::Text, _>(*id);
        }
        q.execute(conn)?;
    }
    let after = visits_by_id(conn, &changed)?;
    let mut before: HashMap<Uuid, Visit> = before.into_iter().map(|b| (b.id, b)).collect();
    Ok(Ok(after
        .into_iter()
        .filter_map(|a| before.remove(&a.id).map(|b| (b, a)))
        .collect()))
}

/// The event a line raises, once: spending (a charge) or a payment.
pub fn charge_event(line: &VisitCharge) -> Result<NewEvent, DbError> {
    Ok(NewEvent {
        kind: match line.kind {
            ChargeKind::Charge => DomainEventKind::SpendingRecorded,
            ChargeKind::Payment => DomainEventKind::PaymentRecorded,
        },
        subject_type: "visit_charge",
        subject_id: line.id,
        institution_id: line.institution_id,
        customer_id: Some(line.customer_id),
        occurred_at: line.occurred_at.naive_utc(),
        payload: serde_json::to_value(line)
            .map_err(|e| DbError::Corrupt(format!("charge as JSON: {e}")))?,
    })
}

/// A visit's money lines (for its page and tests), oldest first.
pub fn lines_of(conn: &mut DbConn, visit: Uuid) -> Result<Vec<VisitCharge>, DbError> {
    let customer: crate::ids::CustomerId = v::table
        .find(VisitId::from(visit))
        .select(v::customer_id)
        .first(conn)?;
    vc::table
        .filter(vc::visit_id.eq(VisitId::from(visit)))
        .order((vc::occurred_at, vc::id))
        .select(ChargeRow::as_select())
        .load::<ChargeRow>(conn)?
        .iter()
        .map(|r| r.dto(customer.0))
        .collect()
}
