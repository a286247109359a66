//! 任务 — the general work queue. Other modules make their tasks with [`create`] inside their
//! own write transaction (a contact's next step, later follow-ups, care, in-visit services)
//! and link them back with `source_type`/`source_id`.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Timelike, Utc};
use diesel::prelude::*;
use hcrm_domain::Scope;
use hcrm_domain::api::tasks::{
    MY_TASKS_LIMIT, MyTaskCounts, MyTasks, Task, TaskCustomer, TaskUpdate, UPCOMING_DAYS,
    is_overdue,
};
use hcrm_domain::customer::mask_phone;
use hcrm_domain::customer::{TaskKind, TaskStatus};
use uuid::Uuid;

use crate::conn::{Db, DbConn};
use crate::error::DbError;
use crate::ids::{CustomerId, InstitutionId, TaskId, UserId};
use crate::institutions::{self, Todays};
use crate::kit::{InScope, bump_version, counted_page, decode, versioned_update};
use crate::schema::customer_phones as phones;
use crate::schema::customers as c;
use crate::schema::tasks as t;
use crate::util::{ListWindow, now, utc};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = t)]
struct Row {
    id: TaskId,
    institution_id: InstitutionId,
    kind: String,
    title: String,
    description: Option<String>,
    owner_id: Option<UserId>,
    team: Option<String>,
    due_on: Option<NaiveDate>,
    due_at: Option<NaiveDateTime>,
    status: String,
    customer_id: Option<CustomerId>,
    source_type: Option<String>,
    source_id: Option<String>,
    outcome: Option<String>,
    completed_at: Option<NaiveDateTime>,
    completed_by: Option<UserId>,
    version: i32,
    created_by: Option<UserId>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl Row {
    fn into_dto(self, today: NaiveDate) -> Result<Task, DbError> {
        let status: TaskStatus = decode(&self.status)?;
        Ok(Task {
            id: self.id.0,
            institution_id: self.institution_id.0,
            kind: decode(&self.kind)?,
            title: self.title,
            description: self.description,
            owner_id: self.owner_id.map(Uuid::from),
            team: self.team,
            due_on: self.due_on,
            due_at: self.due_at.map(utc),
            status,
            customer_id: self.customer_id.map(Uuid::from),
            source_type: self.source_type,
            source_id: self.source_id,
            outcome: self.outcome,
            completed_at: self.completed_at.map(utc),
            completed_by: self.completed_by.map(Uuid::from),
            overdue: is_overdue(status, self.due_on, today),
            version: self.version,
            created_by: self.created_by.map(Uuid::from),
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
            customer: None,
        })
    }
}

/// The tasks with `overdue` as of today in each one's institution.
fn dtos(rows: Vec<Row>, todays: &Todays) -> Result<Vec<Task>, DbError> {
    rows.into_iter()
        .map(|r| {
            let today = todays.of(r.institution_id.0);
            r.into_dto(today)
        })
        .collect()
}

/// Names the linked customer of each task of the lists (`Task::customer`): one statement for
/// all of them, the phone masked.
fn name_customers(conn: &mut DbConn, lists: &mut [&mut Vec<Task>]) -> Result<(), DbError> {
    let ids: Vec<CustomerId> = lists
        .iter()
        .flat_map(|tasks| tasks.iter())
        .filter_map(|t| t.customer_id.map(CustomerId::from))
        .collect();
    if ids.is_empty() {
        return Ok(());
    }
    let first_phone = phones::table
        .filter(phones::customer_id.eq(c::id))
        .order((phones::is_primary.desc(), phones::phone))
        .select(phones::phone)
        .limit(1)
        .single_value();
    let rows: Vec<(CustomerId, String, String, Option<String>)> = c::table
        .filter(c::id.eq_any(&ids))
        .select((c::id, c::name, c::form_of_address, first_phone))
        .load(conn)?;
    let by_id: HashMap<Uuid, TaskCustomer> = rows
        .into_iter()
        .map(|(id, name, form_of_address, phone)| {
            let customer = TaskCustomer {
                id: id.0,
                name,
                form_of_address,
                phone: phone.as_deref().map(mask_phone),
            };
            (id.0, customer)
        })
        .collect();
    for task in lists.iter_mut().flat_map(|tasks| tasks.iter_mut()) {
        task.customer = task.customer_id.and_then(|id| by_id.get(&id).cloned());
    }
    Ok(())
}

/// A task to create; the caller has checked every link (institution, owner, customer).
#[derive(Debug, Clone)]
pub struct NewTask {
    pub institution_id: Uuid,
    pub kind: TaskKind,
    pub title: String,
    pub description: Option<String>,
    /// With `team` both absent the task belongs to nobody: give one of them.
    pub owner_id: Option<Uuid>,
    pub team: Option<String>,
    pub due_on: Option<NaiveDate>,
    /// When `due_on` is absent it becomes this instant's Beijing date.
    pub due_at: Option<DateTime<Utc>>,
    pub customer_id: Option<Uuid>,
    pub source_type: Option<String>,
    pub source_id: Option<String>,
    pub created_by: Option<Uuid>,
}

/// Creates an open task; run inside the caller's write transaction. Returns its id.
pub fn create(conn: &mut DbConn, n: NewTask) -> Result<Uuid, DbError> {
    let at = now();
    let id = TaskId::new();
    let row = Row {
        id,
        institution_id: n.institution_id.into(),
        kind: n.kind.code().to_string(),
        title: n.title.trim().to_string(),
        description: n.description,
        owner_id: n.owner_id.map(UserId::from),
        team: n.team.map(|s| s.trim().to_string()),
        due_on: match (n.due_on, n.due_at) {
            (Some(on), _) => Some(on),
            // The date of the due time where the task's institution is.
            (None, Some(at)) => Some(hcrm_domain::time::date_in(
                at,
                &institutions::time_zone_of(conn, n.institution_id)?,
            )),
            (None, None) => None,
        },
        due_at: n
            .due_at
            .map(|d| d.naive_utc())
            .map(|d| d.with_nanosecond(d.nanosecond() / 1000 * 1000).unwrap_or(d)),
        status: TaskStatus::Open.code().to_string(),
        customer_id: n.customer_id.map(CustomerId::from),
        source_type: n.source_type,
        source_id: n.source_id,
        outcome: None,
        completed_at: None,
        completed_by: None,
        version: 1,
        created_by: n.created_by.map(UserId::from),
        created_at: at,
        updated_at: at,
    };
    diesel::insert_into(t::table).values(&row).execute(conn)?;
    Ok(id.0)
}

/// One task; `NotFound` when its institution is outside `scope`.
pub fn get(conn: &mut DbConn, scope: &Scope, id: Uuid) -> Result<Task, DbError> {
    let row = t::table
        .find(TaskId::from(id))
        .select(Row::as_select())
        .first::<Row>(conn)?;
    let today = institutions::today_of(conn, row.institution_id.0)?;
    let task = row.into_dto(today)?;
    if scope.allows(task.institution_id) {
        Ok(task)
    } else {
        Err(DbError::NotFound)
    }
}

/// The tasks made from records of `source_type`, by source id (e.g. a contact's reminder).
pub fn ids_by_source(
    conn: &mut DbConn,
    source_type: &str,
    source_ids: &[Uuid],
) -> Result<HashMap<Uuid, Uuid>, DbError> {
    // `source_id` is text naming a record of any module; the ids asked for are known, so the
    // answer is keyed by them without parsing what was stored.
    let asked: HashMap<String, Uuid> = source_ids.iter().map(|u| (u.to_string(), *u)).collect();
    let keys: Vec<&String> = asked.keys().collect();
    let rows: Vec<(Option<String>, TaskId)> = t::table
        .filter(t::source_type.eq(source_type))
        .filter(t::source_id.eq_any(keys))
        .order(t::id)
        .select((t::source_id, t::id))
        .load(conn)?;
    let mut out = HashMap::new();
    for (source, id) in rows {
        if let Some(source) = source.and_then(|s| asked.get(&s)) {
            out.entry(*source).or_insert(id.0);
        }
    }
    Ok(out)
}

/// List filters; every one optional.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub owner_id: Option<Uuid>,
    pub team: Option<String>,
    pub status: Option<TaskStatus>,
    pub kind: Option<TaskKind>,
    pub customer_id: Option<Uuid>,
    pub institution_id: Option<Uuid>,
    pub source_type: Option<String>,
    pub source_id: Option<String>,
    /// Due on or after.
    pub due_from: Option<NaiveDate>,
    /// Due on or before.
    pub due_to: Option<NaiveDate>,
    /// `true`: only open tasks due before today; `false`: all others.
    pub overdue: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Undated tasks last.
    #[default]
    DueOn,
    CreatedAt,
}

fn filtered<'a>(scope: &Scope, f: &'a Filter, today: NaiveDate) -> t::BoxedQuery<'a, Db> {
    let mut q = t::table.into_boxed();
    q = q.in_scope(t::institution_id, scope);
    if let Some(v) = f.owner_id {
        q = q.filter(t::owner_id.eq(UserId::from(v)));
    }
    if let Some(v) = &f.team {
        q = q.filter(t::team.eq(v.trim().to_string()));
    }
    if let Some(v) = f.status {
        q = q.filter(t::status.eq(v.code()));
    }
    if let Some(v) = f.kind {
        q = q.filter(t::kind.eq(v.code()));
    }
    if let Some(v) = f.customer_id {
        q = q.filter(t::customer_id.eq(CustomerId::from(v)));
    }
    if let Some(v) = f.institution_id {
        q = q.filter(t::institution_id.eq(InstitutionId::from(v)));
    }
    if let Some(v) = &f.source_type {
        q = q.filter(t::source_type.eq(v));
    }
    if let Some(v) = &f.source_id {
        q = q.filter(t::source_id.eq(v));
    }
    if let Some(v) = f.due_from {
        q = q.filter(t::due_on.ge(v));
    }
    if let Some(v) = f.due_to {
        q = q.filter(t::due_on.le(v));
    }
    match f.overdue {
        Some(true) => {
            q = q
                .filter(t::status.eq(TaskStatus::Open.code()))
                .filter(t::due_on.lt(today));
        }
        Some(false) => {
            q = q.filter(
                t::status
                    .ne(TaskStatus::Open.code())
                    .or(t::due_on.is_null())
                    .or(t::due_on.ge(today).assume_not_null()),
            );
        }
        None => {}
    }
    q
}

/// A page of tasks in `scope` matching `f`, and the total.
pub fn list(
    conn: &mut DbConn,
    scope: &Scope,
    f: &Filter,
    sort: Sort,
    descending: bool,
    window: ListWindow,
) -> Result<(Vec<Task>, i64), DbError> {
    let todays = institutions::todays(conn)?;
    let today = todays.date_for(scope);
    // NULLs sort differently on the two backends; order by "has no date" first, explicitly.
    let (rows, total) = counted_page!(
        conn,
        filtered(scope, f, today),
        |q| match (sort, descending) {
            (Sort::DueOn, false) => q.order((
                t::due_on.is_null().asc(),
                t::due_on.asc(),
                t::due_at.is_null().asc(),
                t::due_at.asc(),
                t::id.asc(),
            )),
            (Sort::DueOn, true) => q.order((
                t::due_on.is_null().asc(),
                t::due_on.desc(),
                t::due_at.is_null().asc(),
                t::due_at.desc(),
                t::id.asc(),
            )),
            (Sort::CreatedAt, false) => q.order(t::id.asc()),
            (Sort::CreatedAt, true) => q.order(t::id.desc()),
        },
        Row,
        window
    );
    let mut tasks = dtos(rows, &todays)?;
    name_customers(conn, &mut [&mut tasks])?;
    Ok((tasks, total))
}

/// "My tasks": `user`'s open tasks in `scope` overdue, due today and in the coming week
/// (each list by date and time, at most [`MY_TASKS_LIMIT`]), with the counts.
pub fn mine(conn: &mut DbConn, scope: &Scope, user: Uuid) -> Result<MyTasks, DbError> {
    let todays = institutions::todays(conn)?;
    let today = todays.date_for(scope);
    let week_end = today + chrono::Duration::days(UPCOMING_DAYS);
    let open = open_of(user);
    let due_today: Vec<Row> = filtered(scope, &open, today)
        .filter(t::due_on.eq(today))
        .order((t::due_at.is_null().asc(), t::due_at.asc(), t::id.asc()))
        .select(Row::as_select())
        .limit(MY_TASKS_LIMIT)
        .load(conn)?;
    let overdue: Vec<Row> = filtered(scope, &open, today)
        .filter(t::due_on.lt(today))
        .order((t::due_on.asc(), t::id.asc()))
        .select(Row::as_select())
        .limit(MY_TASKS_LIMIT)
        .load(conn)?;
    let upcoming: Vec<Row> = filtered(scope, &open, today)
        .filter(t::due_on.gt(today))
        .filter(t::due_on.le(week_end))
        .order((
            t::due_on.asc(),
            t::due_at.is_null().asc(),
            t::due_at.asc(),
            t::id.asc(),
        ))
        .select(Row::as_select())
        .limit(MY_TASKS_LIMIT)
        .load(conn)?;
    let counts = counts_on(conn, scope, &open, today)?;
    let (mut today, mut overdue, mut upcoming) = (
        dtos(due_today, &todays)?,
        dtos(overdue, &todays)?,
        dtos(upcoming, &todays)?,
    );
    name_customers(conn, &mut [&mut today, &mut overdue, &mut upcoming])?;
    Ok(MyTasks {
        today,
        overdue,
        upcoming,
        upcoming_count: counts.upcoming + counts.later,
        counts,
    })
}

/// How many open tasks `user` has in `scope`, by when they are due.
pub fn my_counts(conn: &mut DbConn, scope: &Scope, user: Uuid) -> Result<MyTaskCounts, DbError> {
    let today = institutions::todays(conn)?.date_for(scope);
    counts_on(conn, scope, &open_of(user), today)
}

fn open_of(user: Uuid) -> Filter {
    Filter {
        owner_id: Some(user),
        status: Some(TaskStatus::Open),
        ..Filter::default()
    }
}

fn counts_on(
    conn: &mut DbConn,
    scope: &Scope,
    open: &Filter,
    today: NaiveDate,
) -> Result<MyTaskCounts, DbError> {
    let week_end = today + chrono::Duration::days(UPCOMING_DAYS);
    let overdue = filtered(scope, open, today)
        .filter(t::due_on.lt(today))
        .count()
        .get_result(conn)?;
    let due_today = filtered(scope, open, today)
        .filter(t::due_on.eq(today))
        .count()
        .get_result(conn)?;
    let upcoming = filtered(scope, open, today)
        .filter(t::due_on.gt(today))
        .filter(t::due_on.le(week_end))
        .count()
        .get_result(conn)?;
    let later = filtered(scope, open, today)
        .filter(t::due_on.gt(week_end).or(t::due_on.is_null()))
        .count()
        .get_result(conn)?;
    Ok(MyTaskCounts {
        overdue,
        today: due_today,
        upcoming,
        later,
    })
}

#[derive(AsChangeset)]
#[diesel(table_name = t)]
struct Changes {
    title: Option<String>,
    description: Option<Option<String>>,
    owner_id: Option<Option<UserId>>,
    team: Option<Option<String>>,
    due_on: Option<Option<NaiveDate>>,
    due_at: Option<Option<NaiveDateTime>>,
    status: Option<String>,
    outcome: Option<Option<String>>,
    completed_at: Option<Option<NaiveDateTime>>,
    completed_by: Option<Option<UserId>>,
    updated_at: NaiveDateTime,
}

/// Applies `u` at `expected_version` (the API has checked the move and the new owner).
/// Closing a task records when and by whom; reopening clears that. Returns (before, after).
pub fn update(
    conn: &mut DbConn,
    scope: &Scope,
    id: Uuid,
    expected_version: i32,
    u: &TaskUpdate,
    by: Uuid,
) -> Result<(Task, Task), DbError> {
    let before = versioned_update(
        conn,
        expected_version,
        |c| get(c, scope, id),
        |r| r.version,
        |conn, before| {
            let at = now();
            let new_status = u.status.filter(|s| *s != before.status);
            let (completed_at, completed_by) = match new_status {
                Some(TaskStatus::Open) => (Some(None), Some(None)),
                Some(_) => (Some(Some(at)), Some(Some(UserId::from(by)))),
                None => (None, None),
            };
            // A new due date drops a time of day that belonged to the old one.
            let due_at = match u.due_on {
                Some(d) if d != before.due_on => Some(None),
                _ => None,
            };
            let changes = Changes {
                title: u.title.as_ref().map(|s| s.trim().to_string()),
                description: u.description.clone(),
                owner_id: u.owner_id.map(|o| o.map(UserId::from)),
                team: u
                    .team
                    .as_ref()
                    .map(|v| v.as_ref().map(|s| s.trim().to_string())),
                due_on: u.due_on,
                due_at,
                status: new_status.map(|s| s.code().to_string()),
                outcome: u.outcome.clone(),
                completed_at,
                completed_by,
                updated_at: at,
            };
            bump_version!(conn, t, TaskId::from(id), expected_version, changes)
        },
    )?;
    let after = get(conn, scope, id)?;
    Ok((before, after))
}
