//! the append-only audit trail.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use hcrm_domain::Scope;
use hcrm_domain::api::audit::AuditEvent;
use uuid::Uuid;

use crate::conn::{Db, DbConn};
use crate::error::DbError;
use crate::kit::InScope;
use crate::schema::audit_events;
use crate::util::{ListWindow, new_id, now, parse_id, parse_opt_id, utc};

/// One entry to record. Build it in the API layer, where who and from where are known.
#[derive(Debug, Clone, Default)]
pub struct Entry {
    pub actor_id: Option<Uuid>,
    pub actor_username: Option<String>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<String>,
    pub institution_id: Option<Uuid>,
    pub changes: serde_json::Value,
    pub remote_addr: Option<String>,
    pub flagged: bool,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_events)]
struct Row {
    id: String,
    at: NaiveDateTime,
    actor_id: Option<String>,
    actor_username: Option<String>,
    action: String,
    entity_type: String,
    entity_id: Option<String>,
    institution_id: Option<String>,
    changes: String,
    remote_addr: Option<String>,
    flagged: bool,
}

pub fn record(conn: &mut DbConn, e: Entry) -> Result<(), DbError> {
    let changes = if e.changes.is_null() {
        serde_json::json!({})
    } else {
        e.changes
    };
    let row = Row {
        id: new_id(),
        at: now(),
        actor_id: e.actor_id.map(|u| u.to_string()),
        actor_username: e.actor_username,
        action: e.action,
        entity_type: e.entity_type,
        entity_id: e.entity_id,
        institution_id: e.institution_id.map(|u| u.to_string()),
        changes: changes.to_string(),
        remote_addr: e.remote_addr,
        flagged: e.flagged,
    };
    diesel::insert_into(audit_events::table)
        .values(&row)
        .execute(conn)?;
    Ok(())
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub actor_id: Option<Uuid>,
    pub action: Option<String>,
    pub institution_id: Option<Uuid>,
    pub flagged: Option<bool>,
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
}

fn filtered<'a>(scope: &Scope, f: &'a Filter) -> audit_events::BoxedQuery<'a, Db> {
    let mut q = audit_events::table.into_boxed();
    // Institution-bound auditors see their institutions' events only.
    q = q.in_scope(audit_events::institution_id.assume_not_null(), scope);
    if let Some(v) = &f.entity_type {
        q = q.filter(audit_events::entity_type.eq(v));
    }
    if let Some(v) = &f.entity_id {
        q = q.filter(audit_events::entity_id.eq(v));
    }
    if let Some(v) = f.actor_id {
        q = q.filter(audit_events::actor_id.eq(v.to_string()));
    }
    if let Some(v) = &f.action {
        q = q.filter(audit_events::action.eq(v));
    }
    if let Some(v) = f.institution_id {
        q = q.filter(audit_events::institution_id.eq(v.to_string()));
    }
    if let Some(v) = f.flagged {
        q = q.filter(audit_events::flagged.eq(v));
    }
    if let Some(v) = f.from {
        q = q.filter(audit_events::at.ge(v));
    }
    if let Some(v) = f.to {
        q = q.filter(audit_events::at.lt(v));
    }
    q
}

/// Newest first.
pub fn list(
    conn: &mut DbConn,
    scope: &Scope,
    f: &Filter,
    window: ListWindow,
) -> Result<(Vec<AuditEvent>, i64), DbError> {
    let total = filtered(scope, f).count().get_result(conn)?;
    let rows: Vec<Row> = filtered(scope, f)
        .order((audit_events::at.desc(), audit_events::id.desc()))
        .select(Row::as_select())
        .limit(window.limit)
        .offset(window.offset)
        .load(conn)?;
    let items = rows
        .into_iter()
        .map(|r| {
            Ok(AuditEvent {
                id: parse_id(&r.id)?,
                at: utc(r.at),
                actor_id: parse_opt_id(r.actor_id.as_deref())?,
                actor_username: r.actor_username,
                action: r.action,
                entity_type: r.entity_type,
                entity_id: r.entity_id,
                institution_id: parse_opt_id(r.institution_id.as_deref())?,
                changes: serde_json::from_str(&r.changes)
                    .map_err(|e| DbError::Corrupt(e.to_string()))?,
                remote_addr: r.remote_addr,
                flagged: r.flagged,
            })
        })
        .collect::<Result<_, DbError>>()?;
    Ok((items, total))
}
