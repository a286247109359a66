//! the append-only audit trail.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use hcrm_domain::Scope;
use hcrm_domain::api::audit::{AuditEntity, AuditEvent, changes};
use serde::Serialize;
use uuid::Uuid;

use crate::conn::{Db, DbConn};
use crate::error::DbError;
use crate::ids::{ApiKeyId, AuditEventId, InstitutionId, UserId};
use crate::kit::{InScope, counted_page, decode};
use crate::schema::audit_events;
use crate::util::{ListWindow, now, utc};

/// What an entry says was done, stored as its code: the vocabulary lives in hcrm-domain
/// with its labels, so that the web app words every entry.
pub use hcrm_domain::api::audit::AuditAction as Action;

/// A record the audit trail names by itself: its entity type, id and institution, and how
/// the trail keeps it. Entries of its creation, change and deletion are built from the record
/// ([`Entry::created`], [`Entry::changed`], [`Entry::deleted`]), never by hand.
pub trait Audited: Serialize + Clone {
    /// The entity type the trail names ("customer").
    const ENTITY: &'static str;
    fn audit_id(&self) -> Uuid;
    fn audit_institution(&self) -> Option<Uuid>;
    /// The record as the trail keeps it: a customer masked.
    fn for_audit(&self) -> Self {
        self.clone()
    }
}

macro_rules! audited {
    ($($t:ty => $entity:literal, |$r:ident| $inst:expr;)*) => {$(
        impl Audited for $t {
            const ENTITY: &'static str = $entity;
            fn audit_id(&self) -> Uuid {
                self.id
            }
            fn audit_institution(&self) -> Option<Uuid> {
                let $r = self;
                $inst
            }
        }
    )*};
}

audited! {
    hcrm_domain::api::org::Institution => "institution", |r| Some(r.id);
    hcrm_domain::api::org::Department => "department", |r| Some(r.institution_id);
    hcrm_domain::api::org::Doctor => "doctor", |r| Some(r.institution_id);
    hcrm_domain::api::org::User => "user", |r| r.institutions.first().map(|i| i.id);
    hcrm_domain::api::contacts::Contact => "contact", |r| Some(r.institution_id);
    hcrm_domain::api::tasks::Task => "task", |r| Some(r.institution_id);
    hcrm_domain::api::visits::Visit => "visit", |r| Some(r.institution_id);
    hcrm_domain::api::webhooks::WebhookSubscription => "webhook_subscription", |r| Some(r.institution_id);
    hcrm_domain::api::complaint_money::Refund => "complaint_refund", |r| Some(r.institution_id);
    hcrm_domain::api::complaint_money::Responsibility => "complaint_responsibility", |r| Some(r.institution_id);
    hcrm_domain::api::complaint_money::Improvement => "complaint_improvement", |r| Some(r.institution_id);
    hcrm_domain::api::complaint_money::Attachment => "complaint_attachment", |r| Some(r.institution_id);
    hcrm_domain::api::appointments::ClinicResource => "clinic_resource", |r| Some(r.institution_id);
    hcrm_domain::api::appointments::ClinicSession => "clinic_session", |r| Some(r.institution_id);
    hcrm_domain::api::appointments::ScheduleException => "schedule_exception", |r| Some(r.institution_id);
    hcrm_domain::api::appointments::WaitlistEntry => "waitlist_entry", |r| Some(r.institution_id);
    hcrm_domain::api::consultations::Consultation => "consultation", |r| Some(r.institution_id);
    hcrm_domain::api::service_times::ServiceTime => "service_time", |r| Some(r.institution_id);
    hcrm_domain::api::integration::VisitCharge => "visit_charge", |r| Some(r.institution_id);
}

/// An in-visit service (SVC-3) is named by its task's id.
impl Audited for hcrm_domain::api::in_visit::InVisitTask {
    const ENTITY: &'static str = "in_visit_service";
    fn audit_id(&self) -> Uuid {
        self.task.id
    }
    fn audit_institution(&self) -> Option<Uuid> {
        Some(self.task.institution_id)
    }
}

impl Audited for hcrm_domain::api::customers::Customer {
    const ENTITY: &'static str = "customer";
    fn audit_id(&self) -> Uuid {
        self.id
    }
    fn audit_institution(&self) -> Option<Uuid> {
        Some(self.institution_id)
    }
    fn for_audit(&self) -> Self {
        self.clone().masked()
    }
}

/// A complaint as the trail keeps it: without the clocks' time left and the caller's
/// actions, which change with the clock and the reader, not with the record.
impl Audited for hcrm_domain::api::complaints::Complaint {
    const ENTITY: &'static str = "complaint";
    fn audit_id(&self) -> Uuid {
        self.id
    }
    fn audit_institution(&self) -> Option<Uuid> {
        Some(self.institution_id)
    }
    fn for_audit(&self) -> Self {
        let mut c = self.clone();
        c.clocks.clear();
        c.allowed_actions.clear();
        c
    }
}

/// An appointment as the trail keeps it: without the moves it has now, which follow from
/// its status.
impl Audited for hcrm_domain::api::appointments::Appointment {
    const ENTITY: &'static str = "appointment";
    fn audit_id(&self) -> Uuid {
        self.id
    }
    fn audit_institution(&self) -> Option<Uuid> {
        Some(self.institution_id)
    }
    fn for_audit(&self) -> Self {
        let mut a = self.clone();
        a.allowed_actions.clear();
        a
    }
}

/// One entry to record. The API adds who and from where (`Caller::record`).
#[derive(Debug, Clone)]
pub struct Entry {
    pub actor_id: Option<Uuid>,
    pub actor_username: Option<String>,
    pub action: Action,
    pub entity_type: String,
    pub entity_id: Option<String>,
    pub institution_id: Option<Uuid>,
    pub changes: serde_json::Value,
    pub remote_addr: Option<String>,
    pub flagged: bool,
    /// The API key the actor used: a machine client's writes name the key as well as
    /// its user. Filled in by the API (`Caller::record`).
    pub api_key: Option<KeyRef>,
}

/// An API key as the trail names it: its id and its name at the time.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyRef {
    pub id: Uuid,
    pub name: String,
}

impl Entry {
    /// An entry about anything: `entity` `id` of `institution`, with what changed. Prefer
    /// [`Entry::created`], [`Entry::changed`] or [`Entry::deleted`] for an [`Audited`] record.
    pub fn of(
        action: Action,
        entity: &str,
        id: Option<String>,
        institution: Option<Uuid>,
        changes: serde_json::Value,
    ) -> Entry {
        Entry {
            actor_id: None,
            actor_username: None,
            action,
            entity_type: entity.to_string(),
            entity_id: id,
            institution_id: institution,
            changes,
            remote_addr: None,
            flagged: false,
            api_key: None,
        }
    }

    /// An action on an [`Audited`] record, named by the record, with `changes`.
    pub fn about<T: Audited>(action: Action, record: &T, changes: serde_json::Value) -> Entry {
        Entry::of(
            action,
            T::ENTITY,
            Some(record.audit_id().to_string()),
            record.audit_institution(),
            changes,
        )
    }

    /// The record was created: every field it has.
    pub fn created<T: Audited>(record: &T) -> Entry {
        Entry::about(
            Action::Create,
            record,
            changes(None, Some(&record.for_audit())),
        )
    }

    /// The record changed (`Update`, `Deactivate` …): the fields that differ; its institution
    /// as it is now.
    pub fn changed<T: Audited>(action: Action, before: &T, after: &T) -> Entry {
        let diff = changes(Some(&before.for_audit()), Some(&after.for_audit()));
        Entry::about(action, after, diff)
    }

    /// The record was deleted: every field it had.
    pub fn deleted<T: Audited>(before: &T) -> Entry {
        Entry::about(
            Action::Delete,
            before,
            changes(Some(&before.for_audit()), None),
        )
    }

    /// Flagged for review (break-glass, grants of sensitive access).
    pub fn flagged(mut self, flagged: bool) -> Entry {
        self.flagged = flagged;
        self
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_events, treat_none_as_default_value = false)]
struct Row {
    id: AuditEventId,
    at: NaiveDateTime,
    actor_id: Option<UserId>,
    actor_username: Option<String>,
    action: String,
    entity_type: String,
    entity_id: Option<String>,
    institution_id: Option<InstitutionId>,
    changes: String,
    remote_addr: Option<String>,
    flagged: bool,
    api_key_id: Option<ApiKeyId>,
    api_key_name: Option<String>,
}

pub fn record(conn: &mut DbConn, e: Entry) -> Result<(), DbError> {
    // Every entity type is a value of the labelled vocabulary, or the trail cannot be read
    // back (and the web app could not word it): a new one is added to `AuditEntity`.
    debug_assert!(
        AuditEntity::from_code(&e.entity_type).is_some(),
        "audit entity type {:?} is not in AuditEntity",
        e.entity_type
    );
    let changes = if e.changes.is_null() {
        serde_json::json!({})
    } else {
        e.changes
    };
    let row = Row {
        id: AuditEventId::new(),
        at: now(),
        actor_id: e.actor_id.map(UserId::from),
        actor_username: e.actor_username,
        action: e.action.code().to_string(),
        entity_type: e.entity_type,
        entity_id: e.entity_id,
        institution_id: e.institution_id.map(InstitutionId::from),
        changes: changes.to_string(),
        remote_addr: e.remote_addr,
        flagged: e.flagged,
        api_key_id: e.api_key.as_ref().map(|k| ApiKeyId::from(k.id)),
        api_key_name: e.api_key.map(|k| k.name),
    };
    diesel::insert_into(audit_events::table)
        .values(&row)
        .execute(conn)?;
    Ok(())
}

/// Records every entry of `entries` in multi-row INSERTs (a HIS batch: one entry per record
/// it wrote, X-5).
pub fn record_all(conn: &mut DbConn, entries: Vec<Entry>) -> Result<(), DbError> {
    let at = now();
    let rows: Vec<Row> = entries
        .into_iter()
        .map(|e| {
            debug_assert!(
                AuditEntity::from_code(&e.entity_type).is_some(),
                "audit entity type {:?} is not in AuditEntity",
                e.entity_type
            );
            let changes = if e.changes.is_null() {
                serde_json::json!({})
            } else {
                e.changes
            };
            Row {
                id: AuditEventId::new(),
                at,
                actor_id: e.actor_id.map(UserId::from),
                actor_username: e.actor_username,
                action: e.action.code().to_string(),
                entity_type: e.entity_type,
                entity_id: e.entity_id,
                institution_id: e.institution_id.map(InstitutionId::from),
                changes: changes.to_string(),
                remote_addr: e.remote_addr,
                flagged: e.flagged,
                api_key_id: e.api_key.as_ref().map(|k| ApiKeyId::from(k.id)),
                api_key_name: e.api_key.map(|k| k.name),
            }
        })
        .collect();
    crate::kit::insert_many!(conn, audit_events::table, &rows, 13)?;
    Ok(())
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub entity_type: Option<AuditEntity>,
    pub entity_id: Option<String>,
    pub actor_id: Option<Uuid>,
    /// Entries written with this API key.
    pub api_key_id: Option<Uuid>,
    pub action: Option<Action>,
    pub institution_id: Option<Uuid>,
    pub flagged: Option<bool>,
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
}

fn filtered<'a>(scope: &Scope, f: &'a Filter) -> audit_events::BoxedQuery<'a, Db> {
    let mut q = audit_events::table.into_boxed();
    // Institution-bound auditors see their institutions' events only.
    q = q.in_scope(audit_events::institution_id.assume_not_null(), scope);
    if let Some(v) = f.entity_type {
        q = q.filter(audit_events::entity_type.eq(v.code()));
    }
    if let Some(v) = &f.entity_id {
        q = q.filter(audit_events::entity_id.eq(v));
    }
    if let Some(v) = f.actor_id {
        q = q.filter(audit_events::actor_id.eq(UserId::from(v)));
    }
    if let Some(v) = f.api_key_id {
        q = q.filter(audit_events::api_key_id.eq(ApiKeyId::from(v)));
    }
    if let Some(v) = f.action {
        q = q.filter(audit_events::action.eq(v.code()));
    }
    if let Some(v) = f.institution_id {
        q = q.filter(audit_events::institution_id.eq(InstitutionId::from(v)));
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
    let (rows, total) = counted_page!(
        conn,
        filtered(scope, f),
        |q| q.order((audit_events::at.desc(), audit_events::id.desc())),
        Row,
        window
    );
    let items = rows
        .into_iter()
        .map(|r| {
            Ok(AuditEvent {
                id: r.id.into(),
                at: utc(r.at),
                actor_id: r.actor_id.map(Uuid::from),
                actor_username: r.actor_username,
                action: decode(&r.action)?,
                entity_type: decode(&r.entity_type)?,
                entity_id: r.entity_id,
                institution_id: r.institution_id.map(Uuid::from),
                changes: serde_json::from_str(&r.changes)
                    .map_err(|e| DbError::Corrupt(e.to_string()))?,
                remote_addr: r.remote_addr,
                flagged: r.flagged,
                api_key_id: r.api_key_id.map(Uuid::from),
                api_key_name: r.api_key_name,
            })
        })
        .collect::<Result<_, DbError>>()?;
    Ok((items, total))
}

#[cfg(test)]
mod tests {
    use super::*;
    use hcrm_domain::api::org::Department;

    fn department() -> Department {
        Department {
            id: Uuid::now_v7(),
            institution_id: Uuid::now_v7(),
            name: "心内科".into(),
            code: Some("CARD".into()),
            phone: None,
            active: true,
            version: 1,
            created_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn entries_are_built_from_the_record() {
        let before = department();
        let created = Entry::created(&before);
        assert_eq!(created.action, Action::Create);
        assert_eq!(created.entity_type, "department");
        assert_eq!(created.entity_id, Some(before.id.to_string()));
        assert_eq!(created.institution_id, Some(before.institution_id));
        assert_eq!(created.changes["name"]["after"], "心内科");
        assert!(!created.flagged);

        let after = Department {
            name: "心血管内科".into(),
            active: false,
            ..before.clone()
        };
        let changed = Entry::changed(Action::Deactivate, &before, &after);
        assert_eq!(changed.action.code(), "deactivate");
        assert_eq!(changed.changes["name"]["before"], "心内科");
        assert_eq!(changed.changes["active"]["after"], false);
        assert!(
            changed.changes.get("code").is_none(),
            "unchanged fields are left out"
        );

        let deleted = Entry::deleted(&before).flagged(true);
        assert_eq!(deleted.action, Action::Delete);
        assert_eq!(deleted.changes["name"]["before"], "心内科");
        assert!(deleted.flagged);
    }
}
