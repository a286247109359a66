//! 患者投诉案件统计表 and 医院客户服务意见表 (CMP-8): the counts of the complaints received in a
//! period, grouped in SQL (GROUP BY, the same query on both backends); the roll-up into the
//! table's rows and rates is `hcrm_domain::api::complaint_stats`.
//!
//! The period is whole days in each institution's own time zone: the institutions the caller
//! sees are taken by zone, and each zone's institutions are counted with that zone's bounds.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use diesel::dsl::{count, count_star, sql};
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use hcrm_domain::Scope;
use hcrm_domain::api::complaint_stats::{
    CaseCell, CaseKey, Counted, OpinionItem, PenaltyCell, Period, RefundCell, day_start,
};
use hcrm_domain::complaint::{ClockKind, ComplaintState};
use uuid::Uuid;

use crate::conn::{Db, DbConn};
use crate::error::DbError;
use crate::ids::{ComplaintId, CustomerId, DepartmentId, InstitutionId};
use crate::kit::{InScope, decode, decode_opt};
use crate::schema::complaint_clocks as k;
use crate::schema::complaint_involved as inv;
use crate::schema::complaint_refunds as r;
use crate::schema::complaint_responsibilities as p;
use crate::schema::complaints as c;
use crate::schema::institutions as i;
use crate::util::utc;

fn micros(t: DateTime<Utc>) -> NaiveDateTime {
    use chrono::Timelike;
    let n = t.naive_utc();
    n.with_nanosecond(n.nanosecond() / 1000 * 1000).unwrap_or(n)
}

/// An institution counted: id, name and time zone.
type Institution = (Uuid, String, String);

/// The institutions `scope` sees (or just `only`, which must be one of them, else
/// `NotFound`), by code.
pub fn institutions(
    conn: &mut DbConn,
    scope: &Scope,
    only: Option<Uuid>,
) -> Result<Vec<Institution>, DbError> {
    let mut q = i::table.into_boxed::<Db>().in_scope(i::id, scope);
    if let Some(one) = only {
        q = q.filter(i::id.eq(InstitutionId::from(one)));
    }
    let rows: Vec<(InstitutionId, String, String)> = q
        .order((i::code.asc(), i::id.asc()))
        .select((i::id, i::name, i::time_zone))
        .load(conn)?;
    if only.is_some() && rows.is_empty() {
        return Err(DbError::NotFound);
    }
    Ok(rows.into_iter().map(|(id, n, z)| (id.0, n, z)).collect())
}

/// The bounds of `period` in `zone`: its first instant and the first instant after it.
fn bounds(period: Period, zone: &str) -> (NaiveDateTime, NaiveDateTime) {
    (
        micros(day_start(period.from, zone)),
        micros(day_start(period.to + TimeDelta::days(1), zone)),
    )
}

/// The institutions by time zone.
fn by_zone(institutions: &[Institution]) -> BTreeMap<&str, Vec<InstitutionId>> {
    let mut out: BTreeMap<&str, Vec<InstitutionId>> = BTreeMap::new();
    for (id, _, zone) in institutions {
        out.entry(zone.as_str())
            .or_default()
            .push(InstitutionId::from(*id));
    }
    out
}

type CaseRow = (
    InstitutionId,
    Option<String>,
    Option<String>,
    String,
    String,
    i64,
);

/// A grouping's refunds of one status: count and fen.
type RefundRow = (
    InstitutionId,
    Option<String>,
    Option<String>,
    String,
    String,
    i64,
    i64,
);

/// A grouping's confirmed penalties of one level.
type PenaltyRow = (
    InstitutionId,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
    i64,
);

/// Which cases of a grouping a count takes.
#[derive(Clone, Copy)]
enum Which {
    All,
    GroupBreached,
    NationalBreached,
    NationalMet,
}

/// Everything counted for `period` over `institutions`, at `now` (a running clock past its
/// deadline counts as breached even before the escalation job has noted it).
pub fn count_period(
    conn: &mut DbConn,
    institutions: &[Institution],
    period: Period,
    now: DateTime<Utc>,
) -> Result<(Counted, BTreeMap<Uuid, String>), DbError> {
    let t = micros(now);
    let national = ClockKind::National.code();
    let mut counted = Counted::default();
    for (zone, ids) in by_zone(institutions) {
        let (start, end) = bounds(period, zone);
        // The cases of one grouping, narrowed by `which`, grouped by `$group` and counted
        // as `$select` (the query's type differs with each narrowing, hence a macro).
        macro_rules! grouped {
            ($q:expr, $which:expr, $group:expr, $select:expr) => {{
                let breach = k::breached_at.is_not_null().or(k::stopped_at
                    .is_null()
                    .and(k::paused_since.is_null())
                    .and(k::deadline.lt(t)));
                match $which {
                    Which::All => $q.group_by($group).select($select).load(conn)?,
                    Which::GroupBreached => $q
                        .filter(
                            c::id.eq_any(
                                k::table
                                    .filter(k::kind.ne(national))
                                    .filter(breach)
                                    .select(k::complaint_id),
                            ),
                        )
                        .group_by($group)
                        .select($select)
                        .load(conn)?,
                    Which::NationalBreached => $q
                        .filter(
                            c::id.eq_any(
                                k::table
                                    .filter(k::kind.eq(national))
                                    .filter(breach)
                                    .select(k::complaint_id),
                            ),
                        )
                        .group_by($group)
                        .select($select)
                        .load(conn)?,
                    Which::NationalMet => $q
                        .filter(
                            c::id.eq_any(
                                k::table
                                    .filter(k::kind.eq(national))
                                    .filter(k::stopped_at.is_not_null())
                                    .filter(k::breached_at.is_null())
                                    .select(k::complaint_id),
                            ),
                        )
                        .group_by($group)
                        .select($select)
                        .load(conn)?,
                }
            }};
        }
        let mut cells: BTreeMap<(CaseKey, ComplaintState), CaseCell> = BTreeMap::new();
        let mut dept: BTreeMap<(Uuid, Uuid, ComplaintState), CaseCell> = BTreeMap::new();
        for which in [
            Which::All,
            Which::GroupBreached,
            Which::NationalBreached,
            Which::NationalMet,
        ] {
            let rows: Vec<CaseRow> = grouped!(
                c::table
                    .filter(c::institution_id.eq_any(ids.clone()))
                    .filter(c::received_at.ge(start))
                    .filter(c::received_at.lt(end)),
                which,
                (
                    c::institution_id,
                    c::category,
                    c::severity,
                    c::channel,
                    c::state,
                ),
                (
                    c::institution_id,
                    c::category,
                    c::severity,
                    c::channel,
                    c::state,
                    count_star(),
                )
            );
            for (inst, cat, sev, ch, st, n) in rows {
                let key = CaseKey {
                    institution_id: inst.0,
                    category: decode_opt(cat.as_deref())?,
                    severity: decode_opt(sev.as_deref())?,
                    channel: decode(&ch)?,
                };
                let state: ComplaintState = decode(&st)?;
                add(cells.entry((key, state)).or_insert(blank(state)), which, n);
            }
            let rows: Vec<(InstitutionId, Option<DepartmentId>, String, i64)> = grouped!(
                inv::table
                    .inner_join(c::table)
                    .filter(inv::department_id.is_not_null())
                    .filter(c::institution_id.eq_any(ids.clone()))
                    .filter(c::received_at.ge(start))
                    .filter(c::received_at.lt(end)),
                which,
                (c::institution_id, inv::department_id, c::state),
                (
                    c::institution_id,
                    inv::department_id,
                    c::state,
                    count(c::id).aggregate_distinct(),
                )
            );
            for (inst, d, st, n) in rows {
                let Some(d) = d else { continue };
                let state: ComplaintState = decode(&st)?;
                add(
                    dept.entry((inst.0, d.0, state)).or_insert(blank(state)),
                    which,
                    n,
                );
            }
        }
        counted
            .cases
            .extend(cells.into_iter().map(|((key, _), cell)| (key, cell)));
        counted
            .departments
            .extend(dept.into_iter().map(|((i, d, _), cell)| (i, d, cell)));
        let rows: Vec<RefundRow> = r::table
            .inner_join(c::table)
            .filter(c::institution_id.eq_any(ids.clone()))
            .filter(c::received_at.ge(start))
            .filter(c::received_at.lt(end))
            .group_by((
                c::institution_id,
                c::category,
                c::severity,
                c::channel,
                r::status,
            ))
            .select((
                c::institution_id,
                c::category,
                c::severity,
                c::channel,
                r::status,
                count_star(),
                sql::<BigInt>("CAST(SUM(complaint_refunds.amount_fen) AS BIGINT)"),
            ))
            .load(conn)?;
        for (inst, cat, sev, ch, status, n, fen) in rows {
            let key = CaseKey {
                institution_id: inst.0,
                category: decode_opt(cat.as_deref())?,
                severity: decode_opt(sev.as_deref())?,
                channel: decode(&ch)?,
            };
            counted.refunds.push((
                key,
                RefundCell {
                    status: decode(&status)?,
                    count: n,
                    fen,
                },
            ));
        }
        let rows: Vec<PenaltyRow> = p::table
            .inner_join(c::table)
            .filter(p::confirmed_level.is_not_null())
            .filter(c::institution_id.eq_any(ids.clone()))
            .filter(c::received_at.ge(start))
            .filter(c::received_at.lt(end))
            .group_by((
                c::institution_id,
                c::category,
                c::severity,
                c::channel,
                p::confirmed_level,
            ))
            .select((
                c::institution_id,
                c::category,
                c::severity,
                c::channel,
                p::confirmed_level,
                count_star(),
            ))
            .load(conn)?;
        for (inst, cat, sev, ch, level, n) in rows {
            let Some(level) = level else { continue };
            let key = CaseKey {
                institution_id: inst.0,
                category: decode_opt(cat.as_deref())?,
                severity: decode_opt(sev.as_deref())?,
                channel: decode(&ch)?,
            };
            counted.penalties.push((
                key,
                PenaltyCell {
                    level: decode(&level)?,
                    count: n,
                },
            ));
        }
    }
    let wanted: Vec<DepartmentId> = counted
        .departments
        .iter()
        .map(|(_, d, _)| DepartmentId::from(*d))
        .collect();
    let names = {
        use crate::schema::departments as d;
        d::table
            .filter(d::id.eq_any(wanted))
            .select((d::id, d::name))
            .load::<(DepartmentId, String)>(conn)?
            .into_iter()
            .map(|(id, n)| (id.0, n))
            .collect()
    };
    Ok((counted, names))
}

fn blank(state: ComplaintState) -> CaseCell {
    CaseCell {
        state,
        cases: 0,
        group_breached: 0,
        national_breached: 0,
        national_met: 0,
    }
}

fn add(cell: &mut CaseCell, which: Which, n: i64) {
    match which {
        Which::All => cell.cases += n,
        Which::GroupBreached => cell.group_breached += n,
        Which::NationalBreached => cell.national_breached += n,
        Which::NationalMet => cell.national_met += n,
    }
}

/// The complaints institution `institution` received in `week` (in its time zone, `zone`),
/// in the order received, for the weekly opinion form.
pub fn week_items(
    conn: &mut DbConn,
    institution: Uuid,
    zone: &str,
    week: Period,
) -> Result<Vec<OpinionItem>, DbError> {
    use crate::schema::customers as cu;
    let (start, end) = bounds(week, zone);
    type ItemRow = (
        ComplaintId,
        String,
        NaiveDateTime,
        String,
        Option<String>,
        String,
        CustomerId,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<ItemRow> = c::table
        .filter(c::institution_id.eq(InstitutionId::from(institution)))
        .filter(c::received_at.ge(start))
        .filter(c::received_at.lt(end))
        .order((c::received_at.asc(), c::id.asc()))
        .select((
            c::id,
            c::number,
            c::received_at,
            c::channel,
            c::category,
            c::state,
            c::customer_id,
            c::description,
            c::demands,
            c::solution,
            c::outcome,
        ))
        .load(conn)?;
    let customers: Vec<CustomerId> = rows.iter().map(|r| r.6).collect();
    let forms: HashMap<CustomerId, String> = cu::table
        .filter(cu::id.eq_any(&customers))
        .select((cu::id, cu::form_of_address))
        .load::<(CustomerId, String)>(conn)?
        .into_iter()
        .collect();
    rows.into_iter()
        .map(
            |(id, number, at, ch, cat, st, cust, description, demands, solution, outcome)| {
                let state: ComplaintState = decode(&st)?;
                Ok(OpinionItem {
                    complaint_id: id.0,
                    number,
                    received_at: utc(at),
                    channel: decode(&ch)?,
                    category: decode_opt(cat.as_deref())?,
                    state,
                    complainant: forms.get(&cust).cloned().unwrap_or_default(),
                    description,
                    demands,
                    handling: outcome.or(solution),
                    closed: !state.is_open(),
                })
            },
        )
        .collect()
}
