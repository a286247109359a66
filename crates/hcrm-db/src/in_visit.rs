//! 诊中服务 — SVC-3's storage: an in-visit service is a task of kind `in_visit` on the shared
//! queue ([`crate::tasks`]) and a row of `task_in_visit` beside it with the service's details.
//! The rules are `hcrm_domain::api::in_visit`.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use hcrm_domain::Scope;
use hcrm_domain::api::in_visit::{
    InVisitDetail, InVisitService, InVisitStep, InVisitTask, is_late,
};
use hcrm_domain::customer::TaskKind;
use uuid::Uuid;

use crate::conn::DbConn;
use crate::error::DbError;
use crate::ids::TaskId;
use crate::kit::{decode, decode_opt, versioned_update};
use crate::schema::task_in_visit as v;
use crate::schema::tasks as t;
use crate::tasks::{self, NewTask};
use crate::util::{ListWindow, now, utc};

/// Most tasks a day's board shows.
pub const BOARD_LIMIT: i64 = 1000;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = v)]
#[diesel(treat_none_as_null = true)]
struct Row {
    task_id: TaskId,
    service: String,
    reference_at: NaiveDateTime,
    steps_done: String,
    delivery: Option<String>,
    address: Option<String>,
    tracking_number: Option<String>,
    location: Option<String>,
}

fn micros(t: DateTime<Utc>) -> NaiveDateTime {
    use chrono::Timelike;
    let n = t.naive_utc();
    n.with_nanosecond(n.nanosecond() / 1000 * 1000).unwrap_or(n)
}

impl Row {
    fn of(task: Uuid, d: &InVisitDetail) -> Row {
        Row {
            task_id: task.into(),
            service: d.service.code().to_string(),
            reference_at: micros(d.reference_at),
            steps_done: d
                .steps
                .iter()
                .filter(|s| s.done)
                .map(|s| s.step.code())
                .collect::<Vec<_>>()
                .join(","),
            delivery: d.delivery.map(|x| x.code().to_string()),
            address: d.address.clone(),
            tracking_number: d.tracking_number.clone(),
            location: d.location.clone(),
        }
    }

    fn into_dto(self) -> Result<InVisitDetail, DbError> {
        let service: InVisitService = decode(&self.service)?;
        let done: Vec<InVisitStep> = self
            .steps_done
            .split(',')
            .filter(|s| !s.is_empty())
            .map(decode)
            .collect::<Result<_, _>>()?;
        Ok(InVisitDetail {
            service,
            reference_at: utc(self.reference_at),
            steps: InVisitDetail::with_steps(service, &done),
            delivery: decode_opt(self.delivery.as_deref())?,
            address: self.address,
            tracking_number: self.tracking_number,
            location: self.location,
        })
    }
}

/// Creates the task (kind `in_visit`, due by the service's rule) and its details; run inside
/// the caller's write transaction. Returns the task's id.
pub fn create(conn: &mut DbConn, task: NewTask, detail: &InVisitDetail) -> Result<Uuid, DbError> {
    let task = NewTask {
        kind: TaskKind::InVisit,
        source_type: task.source_type.or(Some("in_visit".into())),
        ..task
    };
    let id = tasks::create(conn, task)?;
    diesel::insert_into(v::table)
        .values(Row::of(id, detail))
        .execute(conn)?;
    Ok(id)
}

/// The details of task `id`, if it is an in-visit task.
pub fn detail(conn: &mut DbConn, id: Uuid) -> Result<Option<InVisitDetail>, DbError> {
    v::table
        .find(TaskId::from(id))
        .select(Row::as_select())
        .first::<Row>(conn)
        .optional()?
        .map(Row::into_dto)
        .transpose()
}

/// One in-visit task; `NotFound` outside `scope` or when the task is of another kind.
pub fn get(conn: &mut DbConn, scope: &Scope, id: Uuid) -> Result<InVisitTask, DbError> {
    let task = tasks::get(conn, scope, id)?;
    let detail = detail(conn, id)?.ok_or(DbError::NotFound)?;
    let late = is_late(task.status, task.due_at, Utc::now());
    Ok(InVisitTask { task, detail, late })
}

/// Writes the details `after` of task `id` at the task's `expected_version` (the task's
/// version moves on, so that a stale page is told). Returns (before, after).
pub fn update(
    conn: &mut DbConn,
    scope: &Scope,
    id: Uuid,
    expected_version: i32,
    after: &InVisitDetail,
) -> Result<(InVisitTask, InVisitTask), DbError> {
    let before = versioned_update(
        conn,
        expected_version,
        |c| get(c, scope, id),
        |r| r.task.version,
        |conn, _| {
            let n = diesel::update(
                t::table
                    .find(TaskId::from(id))
                    .filter(t::version.eq(expected_version)),
            )
            .set((t::version.eq(t::version + 1), t::updated_at.eq(now())))
            .execute(conn)?;
            if n > 0 {
                diesel::update(v::table.find(TaskId::from(id)))
                    .set(Row::of(id, after))
                    .execute(conn)?;
            }
            Ok(n)
        },
    )?;
    let after = get(conn, scope, id)?;
    Ok((before, after))
}

/// The in-visit tasks due on `date` in `scope` (or in `institution_id`), with their details;
/// at most [`BOARD_LIMIT`].
pub fn of_day(
    conn: &mut DbConn,
    scope: &Scope,
    date: NaiveDate,
    institution_id: Option<Uuid>,
) -> Result<Vec<InVisitTask>, DbError> {
    let filter = tasks::Filter {
        kind: Some(TaskKind::InVisit),
        due_from: Some(date),
        due_to: Some(date),
        institution_id,
        ..tasks::Filter::default()
    };
    let (list, _) = tasks::list(
        conn,
        scope,
        &filter,
        tasks::Sort::DueOn,
        false,
        ListWindow {
            limit: BOARD_LIMIT,
            offset: 0,
        },
    )?;
    let ids: Vec<TaskId> = list.iter().map(|t| TaskId::from(t.id)).collect();
    let mut details: HashMap<Uuid, InVisitDetail> = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<Row> = v::table
            .filter(v::task_id.eq_any(chunk))
            .select(Row::as_select())
            .load(conn)?;
        for r in rows {
            let id = r.task_id.0;
            details.insert(id, r.into_dto()?);
        }
    }
    let at = Utc::now();
    Ok(list
        .into_iter()
        .filter_map(|task| {
            let detail = details.remove(&task.id)?;
            let late = is_late(task.status, task.due_at, at);
            Some(InVisitTask { task, detail, late })
        })
        .collect())
}
