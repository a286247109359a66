//! CUS-12: contact records. A dated next step becomes a reminder task for the record's owner
//! in the same transaction; the task points back with `source_type = "contact"`.

use chrono::{NaiveDate, NaiveDateTime, Timelike};
use diesel::prelude::*;
use hcrm_domain::api::contacts::{Contact, ContactCreate};
use hcrm_domain::customer::TaskKind;
use uuid::Uuid;

use crate::conn::DbConn;
use crate::error::DbError;
use crate::ids::{ContactId, CustomerId, InstitutionId, UserId};
use crate::kit::{counted_page, decode};
use crate::schema::contacts as k;
use crate::tasks::{self, NewTask};
use crate::util::{ListWindow, now, utc};

/// The `source_type` of reminder tasks made from a contact's next step.
pub const SOURCE_TYPE: &str = "contact";

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = k)]
pub(crate) struct Row {
    pub id: ContactId,
    pub customer_id: CustomerId,
    pub institution_id: InstitutionId,
    pub channel: String,
    pub direction: String,
    pub party: String,
    pub party_customer_id: Option<CustomerId>,
    pub subject: String,
    pub content: Option<String>,
    pub feedback: Option<String>,
    pub agreement: Option<String>,
    pub next_step: Option<String>,
    pub next_step_on: Option<NaiveDate>,
    pub minutes_spent: Option<i32>,
    pub money_spent_fen: Option<i64>,
    pub owner_id: UserId,
    pub occurred_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

impl Row {
    fn into_dto(self, reminder_task_id: Option<Uuid>) -> Result<Contact, DbError> {
        Ok(Contact {
            id: self.id.into(),
            customer_id: self.customer_id.into(),
            institution_id: self.institution_id.into(),
            channel: decode(&self.channel)?,
            direction: decode(&self.direction)?,
            party: decode(&self.party)?,
            party_customer_id: self.party_customer_id.map(Uuid::from),
            subject: self.subject,
            content: self.content,
            feedback: self.feedback,
            agreement: self.agreement,
            next_step: self.next_step,
            next_step_on: self.next_step_on,
            minutes_spent: self.minutes_spent,
            money_spent_fen: self.money_spent_fen,
            owner_id: self.owner_id.into(),
            occurred_at: utc(self.occurred_at),
            created_at: utc(self.created_at),
            reminder_task_id,
        })
    }
}

fn dtos(conn: &mut DbConn, rows: Vec<Row>) -> Result<Vec<Contact>, DbError> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id.uuid()).collect();
    let mut reminders = tasks::ids_by_source(conn, SOURCE_TYPE, &ids)?;
    rows.into_iter()
        .map(|r| {
            let task = reminders.remove(&r.id.uuid());
            r.into_dto(task)
        })
        .collect()
}

/// The instant in the precision both backends store, so that reads agree.
fn micros(t: NaiveDateTime) -> NaiveDateTime {
    t.with_nanosecond(t.nanosecond() / 1000 * 1000).unwrap_or(t)
}

fn text(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// What [`create`] made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Created {
    pub contact_id: Uuid,
    pub reminder_task_id: Option<Uuid>,
}

/// Records a contact with customer `customer` of `institution` held by `owner`; a next step
/// with a date also makes a reminder task for `owner` due that day. Run inside a write
/// transaction; the API has checked the linked customer.
pub fn create(
    conn: &mut DbConn,
    customer: CustomerId,
    institution: InstitutionId,
    x: &ContactCreate,
    owner: UserId,
) -> Result<Created, DbError> {
    let at = now();
    let id = ContactId::new();
    let next_step = text(&x.next_step);
    let row = Row {
        id,
        customer_id: customer,
        institution_id: institution,
        channel: x.channel.code().to_string(),
        direction: x.direction.code().to_string(),
        party: x.party.code().to_string(),
        party_customer_id: x.party_customer_id.map(CustomerId::from),
        subject: x.subject.trim().to_string(),
        content: text(&x.content),
        feedback: text(&x.feedback),
        agreement: text(&x.agreement),
        next_step: next_step.clone(),
        next_step_on: x.next_step_on,
        minutes_spent: x.minutes_spent,
        money_spent_fen: x.money_spent_fen,
        owner_id: owner,
        occurred_at: x.occurred_at.map(|t| micros(t.naive_utc())).unwrap_or(at),
        created_at: at,
    };
    diesel::insert_into(k::table).values(&row).execute(conn)?;
    let reminder_task_id = match (next_step, x.next_step_on) {
        (Some(step), Some(on)) => Some(tasks::create(
            conn,
            NewTask {
                institution_id: institution.uuid(),
                kind: TaskKind::Reminder,
                title: step.chars().take(200).collect(),
                // The contact's subject; the web app says where it came from.
                description: Some(row.subject.clone()),
                owner_id: Some(owner.uuid()),
                team: None,
                due_on: Some(on),
                due_at: None,
                customer_id: Some(customer.uuid()),
                source_type: Some(SOURCE_TYPE.to_string()),
                source_id: Some(id.to_string()),
                created_by: Some(owner.uuid()),
            },
        )?),
        _ => None,
    };
    Ok(Created {
        contact_id: id.uuid(),
        reminder_task_id,
    })
}

/// One contact record, whatever its customer (the API checks access to that customer).
pub fn get(conn: &mut DbConn, id: ContactId) -> Result<Contact, DbError> {
    let row: Row = k::table.find(id).select(Row::as_select()).first(conn)?;
    dtos(conn, vec![row])?.pop().ok_or(DbError::NotFound)
}

/// A customer's contact records, newest first, and their number.
pub fn list(
    conn: &mut DbConn,
    customer: CustomerId,
    window: ListWindow,
) -> Result<(Vec<Contact>, i64), DbError> {
    let (rows, total) = counted_page!(
        conn,
        k::table.filter(k::customer_id.eq(customer)),
        |q| q.order((k::occurred_at.desc(), k::id.desc())),
        Row,
        window
    );
    Ok((dtos(conn, rows)?, total))
}

/// The newest `limit` contact rows of a customer before `before` (for the timeline).
pub(crate) fn recent_rows(
    conn: &mut DbConn,
    customer: CustomerId,
    before: Option<NaiveDateTime>,
    limit: i64,
) -> Result<Vec<Row>, DbError> {
    let mut q = k::table.filter(k::customer_id.eq(customer)).into_boxed();
    if let Some(b) = before {
        q = q.filter(k::occurred_at.lt(b));
    }
    Ok(q.order((k::occurred_at.desc(), k::id.desc()))
        .select(Row::as_select())
        .limit(limit)
        .load(conn)?)
}
