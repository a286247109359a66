//! X-6a: break-glass grants — time-limited access to one customer outside the user's reach,
//! given by stating a reason, listed for the supervisor's review.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use hcrm_domain::Scope;
use hcrm_domain::api::sensitive::{BreakGlassCategory, BreakGlassGrant, ReviewOutcome};
use uuid::Uuid;

use crate::conn::{Db, DbConn};
use crate::error::DbError;
use crate::ids::{CustomerId, GrantId, InstitutionId, UserId};
use crate::kit::{InScope, counted_page, decode, decode_opt};
use crate::schema::break_glass_grants as g;
use crate::util::{ListWindow, now, utc};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = g)]
pub struct GrantRow {
    pub id: GrantId,
    pub user_id: UserId,
    pub customer_id: CustomerId,
    pub institution_id: InstitutionId,
    pub reason: String,
    pub granted_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub reviewed_by: Option<UserId>,
    pub reviewed_at: Option<NaiveDateTime>,
    pub review_note: Option<String>,
    pub category: String,
    pub needs_approval: bool,
    pub approved_by: Option<UserId>,
    pub approved_at: Option<NaiveDateTime>,
    pub review_outcome: Option<String>,
}

impl GrantRow {
    pub fn customer(&self) -> Uuid {
        self.customer_id.0
    }

    pub fn institution(&self) -> Uuid {
        self.institution_id.0
    }

    /// The grant as the API shows it, with the names of its user and customer.
    pub fn into_dto(
        self,
        user_name: String,
        customer_name: String,
    ) -> Result<BreakGlassGrant, DbError> {
        Ok(BreakGlassGrant {
            id: self.id.0,
            user_id: self.user_id.0,
            user_name,
            customer_id: self.customer_id.0,
            customer_name,
            institution_id: self.institution_id.0,
            category: decode(&self.category)?,
            reason: self.reason,
            granted_at: utc(self.granted_at),
            expires_at: utc(self.expires_at),
            needs_approval: self.needs_approval,
            approved_by: self.approved_by.map(Uuid::from),
            approved_at: self.approved_at.map(utc),
            reviewed_by: self.reviewed_by.map(Uuid::from),
            reviewed_at: self.reviewed_at.map(utc),
            review_outcome: decode_opt(self.review_outcome.as_deref())?,
            review_note: self.review_note,
        })
    }
}

/// A new grant: who, for which customer (of which institution), why.
#[derive(Debug, Clone)]
pub struct NewGrant<'a> {
    pub user: Uuid,
    pub customer: Uuid,
    pub institution: Uuid,
    pub category: BreakGlassCategory,
    pub reason: &'a str,
    pub minutes: i64,
    /// Over the daily cap: it opens nothing until a supervisor approves it.
    pub needs_approval: bool,
}

/// Grants access for `minutes` — or, when it needs approval, records the request only.
pub fn grant(conn: &mut DbConn, new: &NewGrant) -> Result<GrantRow, DbError> {
    let t = now();
    let row = GrantRow {
        id: GrantId::new(),
        user_id: new.user.into(),
        customer_id: new.customer.into(),
        institution_id: new.institution.into(),
        reason: new.reason.trim().to_string(),
        granted_at: t,
        expires_at: if new.needs_approval {
            t
        } else {
            t + Duration::minutes(new.minutes)
        },
        reviewed_by: None,
        reviewed_at: None,
        review_note: None,
        category: new.category.code().to_string(),
        needs_approval: new.needs_approval,
        approved_by: None,
        approved_at: None,
        review_outcome: None,
    };
    diesel::insert_into(g::table).values(&row).execute(conn)?;
    Ok(row)
}

/// Grants `user` opened by themself in the last 24 hours (approved ones do not count).
pub fn opened_in_last_day(conn: &mut DbConn, user: Uuid) -> Result<i64, DbError> {
    Ok(g::table
        .filter(g::user_id.eq(UserId::from(user)))
        .filter(g::needs_approval.eq(false))
        .filter(g::granted_at.gt(now() - Duration::hours(24)))
        .count()
        .get_result(conn)?)
}

/// A supervisor's approval of a grant that waits for it: it opens the record for `minutes`
/// from now. `false` when it needs none or was already approved.
pub fn approve(conn: &mut DbConn, id: Uuid, by: Uuid, minutes: i64) -> Result<bool, DbError> {
    let t = now();
    let n = diesel::update(
        g::table
            .find(GrantId::from(id))
            .filter(g::needs_approval.eq(true))
            .filter(g::approved_at.is_null()),
    )
    .set((
        g::approved_by.eq(Some(UserId::from(by))),
        g::approved_at.eq(Some(t)),
        g::expires_at.eq(t + Duration::minutes(minutes)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// `user`'s grant for `customer` that is open now (the one open longest, if several).
pub fn open_grant(
    conn: &mut DbConn,
    user: Uuid,
    customer: Uuid,
) -> Result<Option<GrantRow>, DbError> {
    Ok(g::table
        .filter(g::user_id.eq(UserId::from(user)))
        .filter(g::customer_id.eq(CustomerId::from(customer)))
        .filter(g::expires_at.gt(now()))
        .order(g::expires_at.desc())
        .select(GrantRow::as_select())
        .first(conn)
        .optional()?)
}

/// Whether `user` holds an unexpired grant for `customer`.
pub fn active(conn: &mut DbConn, user: Uuid, customer: Uuid) -> Result<bool, DbError> {
    let n: i64 = g::table
        .filter(g::user_id.eq(UserId::from(user)))
        .filter(g::customer_id.eq(CustomerId::from(customer)))
        .filter(g::expires_at.gt(now()))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only those not yet reviewed (`Some(false)`) or only reviewed ones (`Some(true)`).
    pub reviewed: Option<bool>,
    /// Only those waiting for approval (`Some(true)`).
    pub pending: Option<bool>,
    pub user_id: Option<Uuid>,
    /// Only grants reviewed with this finding.
    pub outcome: Option<ReviewOutcome>,
}

fn filtered<'a>(scope: &Scope, f: &'a Filter) -> g::BoxedQuery<'a, Db> {
    let mut q = g::table.into_boxed();
    q = q.in_scope(g::institution_id, scope);
    match f.reviewed {
        Some(true) => q = q.filter(g::reviewed_at.is_not_null()),
        Some(false) => q = q.filter(g::reviewed_at.is_null()),
        None => {}
    }
    match f.pending {
        Some(true) => q = q.filter(g::needs_approval.eq(true).and(g::approved_at.is_null())),
        Some(false) => q = q.filter(g::needs_approval.eq(false).or(g::approved_at.is_not_null())),
        None => {}
    }
    if let Some(u) = f.user_id {
        q = q.filter(g::user_id.eq(UserId::from(u)));
    }
    if let Some(o) = f.outcome {
        q = q.filter(g::review_outcome.eq(o.code()));
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
    let (rows, total) = counted_page!(
        conn,
        filtered(scope, f),
        |q| q.order(g::granted_at.desc()),
        GrantRow,
        window
    );
    Ok((rows, total))
}

pub fn get(conn: &mut DbConn, scope: &Scope, id: Uuid) -> Result<GrantRow, DbError> {
    let row: GrantRow = g::table
        .find(GrantId::from(id))
        .select(GrantRow::as_select())
        .first(conn)?;
    if scope.allows(row.institution_id.0) {
        Ok(row)
    } else {
        Err(DbError::NotFound)
    }
}

/// Records the supervisor's review once, with its finding; `false` when it was already
/// reviewed.
pub fn review(
    conn: &mut DbConn,
    id: Uuid,
    by: Uuid,
    outcome: ReviewOutcome,
    note: Option<&str>,
) -> Result<bool, DbError> {
    let n = diesel::update(
        g::table
            .find(GrantId::from(id))
            .filter(g::reviewed_at.is_null()),
    )
    .set((
        g::reviewed_by.eq(Some(UserId::from(by))),
        g::reviewed_at.eq(Some(now())),
        g::review_note.eq(note),
        g::review_outcome.eq(Some(outcome.code())),
    ))
    .execute(conn)?;
    Ok(n == 1)
}
