//! CUS-11: the customer 360 timeline. Every module that keeps records of a customer names its
//! source in its entry of the registry (`crate::merge::MODULES`); a page is the newest entries
//! of all sources merged.
//!
//! Paging is by keyset on the instant (`before`): each source gives its newest `limit + 1`
//! entries older than `before`, the merge is cut to `limit`, and the next page starts below
//! the last entry's instant. Entries sharing the instant at the cut are moved whole to the next
//! page (whose cursor is then that instant plus one microsecond, the precision stored) so that
//! none is skipped or shown twice.
//!
//! Entries carry codes and the users' own words only; the web app words them.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use hcrm_domain::api::timeline::{TimelineEntry, TimelineEntryKind as Kind, TimelinePage};
use hcrm_domain::customer::{ContactChannel, Direction, LifecycleStage, TaskKind, TaskStatus};

use crate::conn::DbConn;
use crate::contacts;
use crate::error::DbError;
use crate::ids::{CustomerId, StageChangeId, TaskId, UserId};
use crate::schema::{customer_stage_history as stages, customers as c, tasks as t};
use crate::util::utc;

/// How a source loads: `(conn, customer_id, before, limit)` → its newest `limit` entries
/// strictly older than `before` (all when `None`), newest first.
pub type LoadFn = fn(
    &mut DbConn,
    customer_id: CustomerId,
    before: Option<NaiveDateTime>,
    limit: i64,
) -> Result<Vec<TimelineEntry>, DbError>;

/// Most entries of one instant a page shows when they alone exceed the page.
const SAME_INSTANT_CAP: i64 = 1000;

fn newest_first(list: &mut [TimelineEntry]) {
    list.sort_by(|a, b| {
        b.at.cmp(&a.at)
            .then_with(|| a.kind.code().cmp(b.kind.code()))
            .then_with(|| b.entity_id.cmp(&a.entity_id))
    });
}

fn load_all(
    conn: &mut DbConn,
    customer_id: CustomerId,
    before: Option<NaiveDateTime>,
    limit: i64,
) -> Result<Vec<TimelineEntry>, DbError> {
    let mut all = Vec::new();
    for load in crate::merge::MODULES.iter().filter_map(|m| m.timeline) {
        all.extend(load(conn, customer_id, before, limit)?);
    }
    newest_first(&mut all);
    Ok(all)
}

/// One page of the customer's timeline, newest first; `limit` ≥ 1.
pub fn page(
    conn: &mut DbConn,
    customer_id: CustomerId,
    before: Option<NaiveDateTime>,
    limit: i64,
) -> Result<TimelinePage, DbError> {
    let limit = limit.max(1);
    let mut all = load_all(conn, customer_id, before, limit + 1)?;
    let want = usize::try_from(limit).unwrap_or(usize::MAX);
    if all.len() <= want {
        return Ok(TimelinePage {
            items: all,
            next_before: None,
        });
    }
    let boundary = all[want - 1].at;
    if all[want].at != boundary {
        all.truncate(want);
        return Ok(TimelinePage {
            items: all,
            next_before: Some(boundary),
        });
    }
    // The cut falls inside entries of one instant.
    let kept = all.iter().take(want).filter(|e| e.at != boundary).count();
    if kept > 0 {
        all.truncate(kept);
        return Ok(TimelinePage {
            items: all,
            next_before: Some(boundary + Duration::microseconds(1)),
        });
    }
    // The whole page is one instant: show all of that instant, then go below it.
    let just_after = (boundary + Duration::microseconds(1)).naive_utc();
    let mut same = load_all(conn, customer_id, Some(just_after), SAME_INSTANT_CAP)?;
    same.retain(|e| e.at == boundary);
    let has_older = !load_all(conn, customer_id, Some(boundary.naive_utc()), 1)?.is_empty();
    Ok(TimelinePage {
        items: same,
        next_before: has_older.then_some(boundary),
    })
}

pub(crate) fn excerpt(text: &str, chars: usize) -> String {
    let mut out: String = text.chars().take(chars).collect();
    if text.chars().count() > chars {
        out.push('…');
    }
    out
}

pub(crate) fn customer_source(
    conn: &mut DbConn,
    customer_id: CustomerId,
    before: Option<NaiveDateTime>,
    limit: i64,
) -> Result<Vec<TimelineEntry>, DbError> {
    // The profile itself, and the duplicates merged into it (at the merge).
    let created: Option<(CustomerId, String, Option<UserId>, NaiveDateTime)> = c::table
        .find(customer_id)
        .select((c::id, c::name, c::created_by, c::created_at))
        .first(conn)
        .optional()?;
    let mut out = Vec::new();
    if let Some((id, name, by, at)) = created
        && before.is_none_or(|b| at < b)
    {
        out.push(TimelineEntry {
            subject: Some(name),
            ..TimelineEntry::new(
                utc(at),
                Kind::CustomerCreated,
                "customer",
                id.uuid(),
                by.map(UserId::uuid),
            )
        });
    }
    let mut q = c::table
        .filter(c::merged_into_id.eq(customer_id))
        .into_boxed();
    if let Some(b) = before {
        q = q.filter(c::updated_at.lt(b));
    }
    let merged: Vec<(CustomerId, String, NaiveDateTime)> = q
        .order((c::updated_at.desc(), c::id.desc()))
        .select((c::id, c::name, c::updated_at))
        .limit(limit)
        .load(conn)?;
    for (id, name, at) in merged {
        out.push(TimelineEntry {
            subject: Some(name),
            ..TimelineEntry::new(utc(at), Kind::CustomerMerged, "customer", id.uuid(), None)
        });
    }
    newest_first(&mut out);
    out.truncate(usize::try_from(limit).unwrap_or(0));
    Ok(out)
}

/// A stored code read back into its enum; an unknown one is a corrupt row.
fn decode<T>(column: &str, code: &str, from: fn(&str) -> Option<T>) -> Result<T, DbError> {
    from(code).ok_or_else(|| DbError::Corrupt(format!("{column}: {code}")))
}

/// Changes of lifecycle stage (CUS-3); the first stage is part of `customer_created`.
pub(crate) fn stage_source(
    conn: &mut DbConn,
    customer_id: CustomerId,
    before: Option<NaiveDateTime>,
    limit: i64,
) -> Result<Vec<TimelineEntry>, DbError> {
    let mut q = stages::table
        .filter(stages::customer_id.eq(customer_id))
        .filter(stages::from_stage.is_not_null())
        .into_boxed();
    if let Some(b) = before {
        q = q.filter(stages::changed_at.lt(b));
    }
    type StageRow = (
        StageChangeId,
        Option<String>,
        String,
        Option<String>,
        Option<UserId>,
        NaiveDateTime,
    );
    let rows: Vec<StageRow> = q
        .order((stages::changed_at.desc(), stages::id.desc()))
        .select((
            stages::id,
            stages::from_stage,
            stages::to_stage,
            stages::reason,
            stages::changed_by,
            stages::changed_at,
        ))
        .limit(limit)
        .load(conn)?;
    rows.into_iter()
        .map(|(id, from, to, reason, by, at)| {
            let stage = |code: &str| decode("stage", code, LifecycleStage::from_code);
            Ok(TimelineEntry {
                from_stage: from.as_deref().map(stage).transpose()?,
                to_stage: Some(stage(&to)?),
                note: reason,
                ..TimelineEntry::new(
                    utc(at),
                    Kind::StageChanged,
                    "stage_change",
                    id.uuid(),
                    by.map(UserId::uuid),
                )
            })
        })
        .collect()
}

pub(crate) fn contact_source(
    conn: &mut DbConn,
    customer_id: CustomerId,
    before: Option<NaiveDateTime>,
    limit: i64,
) -> Result<Vec<TimelineEntry>, DbError> {
    contacts::recent_rows(conn, customer_id, before, limit)?
        .into_iter()
        .map(|r| {
            Ok(TimelineEntry {
                channel: Some(decode("channel", &r.channel, ContactChannel::from_code)?),
                direction: Some(decode("direction", &r.direction, Direction::from_code)?),
                note: r.content.as_deref().map(|text| excerpt(text, 120)),
                subject: Some(r.subject),
                ..TimelineEntry::new(
                    utc(r.occurred_at),
                    Kind::Contact,
                    "contact",
                    r.id.uuid(),
                    Some(r.owner_id.uuid()),
                )
            })
        })
        .collect()
}

/// Tasks about the customer: when each was made, and when it was done or cancelled.
pub(crate) fn task_source(
    conn: &mut DbConn,
    customer_id: CustomerId,
    before: Option<NaiveDateTime>,
    limit: i64,
) -> Result<Vec<TimelineEntry>, DbError> {
    type TaskRow = (
        TaskId,
        String,
        String,
        Option<chrono::NaiveDate>,
        Option<UserId>,
        NaiveDateTime,
    );
    let mut created = t::table.filter(t::customer_id.eq(customer_id)).into_boxed();
    if let Some(b) = before {
        created = created.filter(t::created_at.lt(b));
    }
    let made: Vec<TaskRow> = created
        .order((t::created_at.desc(), t::id.desc()))
        .select((
            t::id,
            t::title,
            t::kind,
            t::due_on,
            t::created_by,
            t::created_at,
        ))
        .limit(limit)
        .load(conn)?;
    let mut closed = t::table
        .filter(t::customer_id.eq(customer_id))
        .filter(t::status.ne(TaskStatus::Open.code()))
        .filter(t::completed_at.is_not_null())
        .into_boxed();
    if let Some(b) = before {
        closed = closed.filter(t::completed_at.lt(b));
    }
    type ClosedRow = (
        TaskId,
        String,
        String,
        Option<String>,
        Option<UserId>,
        Option<NaiveDateTime>,
    );
    let done: Vec<ClosedRow> = closed
        .order((t::completed_at.desc(), t::id.desc()))
        .select((
            t::id,
            t::title,
            t::status,
            t::outcome,
            t::completed_by,
            t::completed_at,
        ))
        .limit(limit)
        .load(conn)?;
    let mut out = Vec::new();
    for (id, title, kind, due, by, at) in made {
        out.push(TimelineEntry {
            subject: Some(title),
            task_kind: Some(decode("task kind", &kind, TaskKind::from_code)?),
            due_on: due,
            ..TimelineEntry::new(
                utc(at),
                Kind::TaskCreated,
                "task",
                id.uuid(),
                by.map(UserId::uuid),
            )
        });
    }
    for (id, title, status, outcome, by, at) in done {
        let Some(at) = at else { continue };
        let status = decode("task status", &status, TaskStatus::from_code)?;
        let kind = if status == TaskStatus::Done {
            Kind::TaskCompleted
        } else {
            Kind::TaskCancelled
        };
        out.push(TimelineEntry {
            subject: Some(title),
            note: outcome,
            task_status: Some(status),
            ..TimelineEntry::new(utc(at), kind, "task", id.uuid(), by.map(UserId::uuid))
        });
    }
    newest_first(&mut out);
    out.truncate(usize::try_from(limit).unwrap_or(0));
    Ok(out)
}
