//! 限时服务 — SVC-6's storage: the limits as a setting (`service_time_limits`), the times
//! recorded against them (each with the limit in force then) and the rows of a period's
//! report. The rules are `hcrm_domain::api::service_times`.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use hcrm_domain::Scope;
use hcrm_domain::api::service_times::{ServiceTarget, ServiceTime, ServiceTimeLimits, TargetLimit};
use uuid::Uuid;

use crate::conn::{Db, DbConn};
use crate::error::DbError;
use crate::ids::{CustomerId, InstitutionId, ServiceTimeId, UserId};
use crate::kit::{InScope, counted_page, decode};
use crate::schema::service_times as s;
use crate::util::{ListWindow, now, utc};

/// The settings key of the limits.
pub const SETTING: &str = "service_time_limits";

/// The limits in force (every target; the seed's where never saved) and their version (0:
/// never saved).
pub fn limits_versioned(conn: &mut DbConn) -> Result<(Vec<TargetLimit>, i32), DbError> {
    Ok(match crate::settings::get(conn, SETTING)? {
        None => (ServiceTimeLimits::defaults(), 0),
        Some((value, version)) => {
            let stored: Vec<TargetLimit> = serde_json::from_value(value)
                .map_err(|e| DbError::Corrupt(format!("{SETTING}: {e}")))?;
            (ServiceTimeLimits::complete(&stored), version)
        }
    })
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = s)]
struct Row {
    id: ServiceTimeId,
    institution_id: InstitutionId,
    target: String,
    customer_id: Option<CustomerId>,
    occurred_on: NaiveDate,
    minutes: i32,
    limit_minutes: i32,
    met: bool,
    note: Option<String>,
    recorded_by: UserId,
    created_at: NaiveDateTime,
}

impl Row {
    fn into_dto(self) -> Result<ServiceTime, DbError> {
        Ok(ServiceTime {
            id: self.id.0,
            institution_id: self.institution_id.0,
            target: decode(&self.target)?,
            customer_id: self.customer_id.map(|c| c.0),
            occurred_on: self.occurred_on,
            minutes: self.minutes,
            limit_minutes: self.limit_minutes,
            met: self.met,
            note: self.note,
            recorded_by: self.recorded_by.0,
            created_at: utc(self.created_at),
        })
    }
}

/// A time to record; the API has checked the institution and the customer.
#[derive(Debug, Clone)]
pub struct NewServiceTime {
    pub institution_id: Uuid,
    pub target: ServiceTarget,
    pub customer_id: Option<Uuid>,
    pub occurred_on: NaiveDate,
    pub minutes: i32,
    pub note: Option<String>,
    pub recorded_by: Uuid,
}

/// Records the time with the limit in force now; returns it.
pub fn create(conn: &mut DbConn, n: NewServiceTime) -> Result<ServiceTime, DbError> {
    let (limits, _) = limits_versioned(conn)?;
    let limit = ServiceTimeLimits::minutes_of(&limits, n.target);
    let row = Row {
        id: ServiceTimeId::new(),
        institution_id: n.institution_id.into(),
        target: n.target.code().to_string(),
        customer_id: n.customer_id.map(CustomerId::from),
        occurred_on: n.occurred_on,
        minutes: n.minutes,
        limit_minutes: limit,
        met: n.target.met(n.minutes, limit),
        note: n
            .note
            .map(|x| x.trim().to_string())
            .filter(|x| !x.is_empty()),
        recorded_by: n.recorded_by.into(),
        created_at: now(),
    };
    diesel::insert_into(s::table).values(&row).execute(conn)?;
    row.into_dto()
}

/// List filters.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub institution_id: Option<Uuid>,
    pub target: Option<ServiceTarget>,
    pub customer_id: Option<Uuid>,
    pub met: Option<bool>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

fn filtered<'a>(scope: &Scope, f: &'a Filter) -> s::BoxedQuery<'a, Db> {
    let mut q = s::table.into_boxed().in_scope(s::institution_id, scope);
    if let Some(v) = f.institution_id {
        q = q.filter(s::institution_id.eq(InstitutionId::from(v)));
    }
    if let Some(v) = f.target {
        q = q.filter(s::target.eq(v.code()));
    }
    if let Some(v) = f.customer_id {
        q = q.filter(s::customer_id.eq(CustomerId::from(v)));
    }
    if let Some(v) = f.met {
        q = q.filter(s::met.eq(v));
    }
    if let Some(v) = f.from {
        q = q.filter(s::occurred_on.ge(v));
    }
    if let Some(v) = f.to {
        q = q.filter(s::occurred_on.le(v));
    }
    q
}

/// A page of recorded times, the latest day first, and the total.
pub fn list(
    conn: &mut DbConn,
    scope: &Scope,
    f: &Filter,
    window: ListWindow,
) -> Result<(Vec<ServiceTime>, i64), DbError> {
    let (rows, total) = counted_page!(
        conn,
        filtered(scope, f),
        |q| q.order((s::occurred_on.desc(), s::id.desc())),
        Row,
        window
    );
    Ok((
        rows.into_iter()
            .map(Row::into_dto)
            .collect::<Result<_, _>>()?,
        total,
    ))
}

/// `(target, minutes, met)` of every time recorded in the period (both days included).
pub fn report_rows(
    conn: &mut DbConn,
    scope: &Scope,
    institution_id: Option<Uuid>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(ServiceTarget, i32, bool)>, DbError> {
    let f = Filter {
        institution_id,
        from: Some(from),
        to: Some(to),
        ..Filter::default()
    };
    let rows: Vec<(String, i32, bool)> = filtered(scope, &f)
        .select((s::target, s::minutes, s::met))
        .load(conn)?;
    rows.into_iter()
        .map(|(t, m, met)| Ok((decode(&t)?, m, met)))
        .collect()
}

/// CUS-10: a recorded time follows its customer to the kept record.
pub(crate) fn merge_step(
    conn: &mut DbConn,
    crate::merge::Duplicate(from): crate::merge::Duplicate,
    crate::merge::Kept(into): crate::merge::Kept,
) -> Result<usize, DbError> {
    Ok(
        diesel::update(s::table.filter(s::customer_id.eq(Some(from))))
            .set(s::customer_id.eq(Some(into)))
            .execute(conn)?,
    )
}
