//! X-6a: break-glass grants — time-limited access to one customer outside the user's reach,
//! given by stating a reason, listed for the supervisor's review.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use hcrm_domain::Scope;
use uuid::Uuid;

use crate::conn::{Db, DbConn};
use crate::error::DbError;
use crate::schema::break_glass_grants as g;
use crate::util::{ListWindow, new_id, now, parse_id, parse_opt_id};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = g)]
pub struct GrantRow {
    pub id: String,
    pub user_id: String,
    pub customer_id: String,
    pub institution_id: String,
    pub reason: String,
    pub granted_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<NaiveDateTime>,
    pub review_note: Option<String>,
}

impl GrantRow {
    pub fn ids(&self) -> Result<(Uuid, Uuid, Uuid, Uuid, Option<Uuid>), DbError> {
        Ok((
            parse_id(&self.id)?,
            parse_id(&self.user_id)?,
            parse_id(&self.customer_id)?,
            parse_id(&self.institution_id)?,
            parse_opt_id(self.reviewed_by.as_deref())?,
        ))
    }
}

/// Grants `user` access to `customer` (of `institution`) for `minutes`.
pub fn grant(
    conn: &mut DbConn,
    user: Uuid,
    customer: Uuid,
    institution: Uuid,
    reason: &str,
    minutes: i64,
) -> Result<GrantRow, DbError> {
    let t = now();
    let row = GrantRow {
        id: new_id(),
        user_id: user.to_string(),
        customer_id: customer.to_string(),
        institution_id: institution.to_string(),
        reason: reason.trim().to_string(),
        granted_at: t,
        expires_at: t + Duration::minutes(minutes),
        reviewed_by: None,
        reviewed_at: None,
        review_note: None,
    };
    diesel::insert_into(g::table).values(&row).execute(conn)?;
    Ok(row)
}

/// Whether `user` holds an unexpired grant for `customer`.
pub fn active(conn: &mut DbConn, user: Uuid, customer: Uuid) -> Result<bool, DbError> {
    let n: i64 = g::table
        .filter(g::user_id.eq(user.to_string()))
        .filter(g::customer_id.eq(customer.to_string()))
        .filter(g::expires_at.gt(now()))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only those not yet reviewed (`Some(false)`) or only reviewed ones (`Some(true)`).
    pub reviewed: Option<bool>,
    pub user_id: Option<Uuid>,
}

fn filtered<'a>(scope: &Scope, f: &'a Filter) -> g::BoxedQuery<'a, Db> {
    let mut q = g::table.into_boxed();
    if let Some(ids) = scope.institution_ids() {
        q = q.filter(g::institution_id.eq_any(ids.iter().map(Uuid::to_string).collect::<Vec<_>>()));
    }
    match f.reviewed {
        Some(true) => q = q.filter(g::reviewed_at.is_not_null()),
        Some(false) => q = q.filter(g::reviewed_at.is_null()),
        None => {}
    }
    if let Some(u) = f.user_id {
        q = q.filter(g::user_id.eq(u.to_string()));
    }
    q
}

/// Grants on customers of the reviewer's institutions, newest first.
pub fn list(
    conn: &mut DbConn,
    scope: &Scope,
    f: &Filter,
    window: ListWindow,
) -> Result<(Vec<GrantRow>, i64), DbError> {
    let total = filtered(scope, f).count().get_result(conn)?;
    let rows = filtered(scope, f)
        .order(g::granted_at.desc())
        .select(GrantRow::as_select())
        .limit(window.limit)
        .offset(window.offset)
        .load(conn)?;
    Ok((rows, total))
}

pub fn get(conn: &mut DbConn, scope: &Scope, id: Uuid) -> Result<GrantRow, DbError> {
    let row: GrantRow = g::table
        .find(id.to_string())
        .select(GrantRow::as_select())
        .first(conn)?;
    if scope.allows(parse_id(&row.institution_id)?) {
        Ok(row)
    } else {
        Err(DbError::NotFound)
    }
}

/// Records the supervisor's review once; `false` when it was already reviewed.
pub fn review(conn: &mut DbConn, id: Uuid, by: Uuid, note: Option<&str>) -> Result<bool, DbError> {
    let n = diesel::update(
        g::table
            .find(id.to_string())
            .filter(g::reviewed_at.is_null()),
    )
    .set((
        g::reviewed_by.eq(Some(by.to_string())),
        g::reviewed_at.eq(Some(now())),
        g::review_note.eq(note),
    ))
    .execute(conn)?;
    Ok(n == 1)
}
