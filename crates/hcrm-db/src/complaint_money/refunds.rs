//! CMP-6: refunds and compensation of a case and their approval chain.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use hcrm_domain::Lifecycle;
use hcrm_domain::Scope;
use hcrm_domain::api::complaint_money::Refund;
use hcrm_domain::complaint::{RefundKind, RefundMethod, RefundStatus};
use uuid::Uuid;

use crate::conn::DbConn;
use crate::error::DbError;
use crate::ids::{AttachmentId, ComplaintId, InstitutionId, RefundId, UserId};
use crate::kit::{InScope, bump_version, decode, versioned_update};
use crate::schema::complaint_refunds as r;
use crate::util::{now, utc};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = r)]
struct Row {
    id: RefundId,
    complaint_id: ComplaintId,
    institution_id: InstitutionId,
    kind: String,
    amount_fen: i64,
    method: String,
    reason: String,
    signed_document_id: Option<AttachmentId>,
    status: String,
    countersigned_by: Option<UserId>,
    countersigned_at: Option<NaiveDateTime>,
    approved_by: Option<UserId>,
    approved_at: Option<NaiveDateTime>,
    rejected_by: Option<UserId>,
    rejected_at: Option<NaiveDateTime>,
    rejection_reason: Option<String>,
    paid_by: Option<UserId>,
    paid_at: Option<NaiveDateTime>,
    expected_arrival_at: Option<NaiveDateTime>,
    version: i32,
    created_by: Option<UserId>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl Row {
    fn into_dto(self) -> Result<Refund, DbError> {
        let status: RefundStatus = decode(&self.status)?;
        Ok(Refund {
            id: self.id.0,
            complaint_id: self.complaint_id.0,
            institution_id: self.institution_id.0,
            kind: decode(&self.kind)?,
            amount_fen: self.amount_fen,
            method: decode(&self.method)?,
            reason: self.reason,
            signed_document_id: self.signed_document_id.map(Uuid::from),
            status,
            next: status.next(),
            countersigned_by: self.countersigned_by.map(Uuid::from),
            countersigned_at: self.countersigned_at.map(utc),
            approved_by: self.approved_by.map(Uuid::from),
            approved_at: self.approved_at.map(utc),
            rejected_by: self.rejected_by.map(Uuid::from),
            rejected_at: self.rejected_at.map(utc),
            rejection_reason: self.rejection_reason,
            paid_by: self.paid_by.map(Uuid::from),
            paid_at: self.paid_at.map(utc),
            expected_arrival_at: self.expected_arrival_at.map(utc),
            version: self.version,
            created_by: self.created_by.map(Uuid::from),
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }
}

/// A refund to create; the API has checked the case and the signed document.
#[derive(Debug, Clone)]
pub struct NewRefund {
    pub complaint_id: Uuid,
    pub institution_id: Uuid,
    pub kind: RefundKind,
    pub amount_fen: i64,
    pub method: RefundMethod,
    pub reason: String,
    pub signed_document_id: Option<Uuid>,
    pub created_by: Uuid,
}

pub fn create(conn: &mut DbConn, n: NewRefund) -> Result<Uuid, DbError> {
    let at = now();
    let id = RefundId::new();
    let row = Row {
        id,
        complaint_id: n.complaint_id.into(),
        institution_id: n.institution_id.into(),
        kind: n.kind.code().into(),
        amount_fen: n.amount_fen,
        method: n.method.code().into(),
        reason: n.reason.trim().to_string(),
        signed_document_id: n.signed_document_id.map(AttachmentId::from),
        status: RefundStatus::Requested.code().into(),
        countersigned_by: None,
        countersigned_at: None,
        approved_by: None,
        approved_at: None,
        rejected_by: None,
        rejected_at: None,
        rejection_reason: None,
        paid_by: None,
        paid_at: None,
        expected_arrival_at: None,
        version: 1,
        created_by: Some(n.created_by.into()),
        created_at: at,
        updated_at: at,
    };
    diesel::insert_into(r::table).values(&row).execute(conn)?;
    Ok(id.0)
}

/// Refund `id` of complaint `complaint` in `scope`.
pub fn get(conn: &mut DbConn, scope: &Scope, complaint: Uuid, id: Uuid) -> Result<Refund, DbError> {
    r::table
        .filter(r::id.eq(RefundId::from(id)))
        .filter(r::complaint_id.eq(ComplaintId::from(complaint)))
        .into_boxed()
        .in_scope(r::institution_id, scope)
        .select(Row::as_select())
        .first::<Row>(conn)?
        .into_dto()
}

/// The refunds of a case (in scope), oldest first.
pub fn list(conn: &mut DbConn, scope: &Scope, complaint: Uuid) -> Result<Vec<Refund>, DbError> {
    r::table
        .filter(r::complaint_id.eq(ComplaintId::from(complaint)))
        .into_boxed()
        .in_scope(r::institution_id, scope)
        .order(r::id.asc())
        .select(Row::as_select())
        .load::<Row>(conn)?
        .into_iter()
        .map(Row::into_dto)
        .collect()
}

/// The money a case costs: its refunds and compensation not turned down, in fen.
pub fn loss_of(conn: &mut DbConn, complaint: Uuid) -> Result<i64, DbError> {
    let amounts: Vec<i64> = r::table
        .filter(r::complaint_id.eq(ComplaintId::from(complaint)))
        .filter(r::status.ne(RefundStatus::Rejected.code()))
        .select(r::amount_fen)
        .load(conn)?;
    Ok(amounts.iter().sum())
}

/// Whether attachment `id` is a refund's signed document (then it may not be deleted).
pub fn uses_attachment(conn: &mut DbConn, id: Uuid) -> Result<bool, DbError> {
    let n: i64 = r::table
        .filter(r::signed_document_id.eq(AttachmentId::from(id)))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

#[derive(AsChangeset, Default)]
#[diesel(table_name = r)]
struct Changes {
    status: Option<String>,
    signed_document_id: Option<Option<AttachmentId>>,
    countersigned_by: Option<Option<UserId>>,
    countersigned_at: Option<Option<NaiveDateTime>>,
    approved_by: Option<Option<UserId>>,
    approved_at: Option<Option<NaiveDateTime>>,
    rejected_by: Option<Option<UserId>>,
    rejected_at: Option<Option<NaiveDateTime>>,
    rejection_reason: Option<Option<String>>,
    paid_by: Option<Option<UserId>>,
    paid_at: Option<Option<NaiveDateTime>>,
    expected_arrival_at: Option<Option<NaiveDateTime>>,
    updated_at: Option<NaiveDateTime>,
}

/// A move of the approval chain, checked by the API.
#[derive(Debug, Clone)]
pub struct Move {
    pub to: RefundStatus,
    pub by: Uuid,
    pub comment: Option<String>,
    pub signed_document_id: Option<Uuid>,
    pub paid_at: Option<DateTime<Utc>>,
    pub expected_arrival_at: Option<DateTime<Utc>>,
}

/// Moves refund `id` at `expected_version`, recording who and when; returns (before, after).
pub fn transition(
    conn: &mut DbConn,
    scope: &Scope,
    complaint: Uuid,
    id: Uuid,
    expected_version: i32,
    m: &Move,
) -> Result<(Refund, Refund), DbError> {
    let before = versioned_update(
        conn,
        expected_version,
        |c| get(c, scope, complaint, id),
        |x| x.version,
        |conn, _| {
            let at = now();
            let by = Some(UserId::from(m.by));
            let mut ch = Changes {
                status: Some(m.to.code().into()),
                updated_at: Some(at),
                ..Changes::default()
            };
            match m.to {
                RefundStatus::Countersigned => {
                    ch.countersigned_by = Some(by);
                    ch.countersigned_at = Some(Some(at));
                }
                RefundStatus::Approved => {
                    ch.approved_by = Some(by);
                    ch.approved_at = Some(Some(at));
                }
                RefundStatus::Rejected => {
                    ch.rejected_by = Some(by);
                    ch.rejected_at = Some(Some(at));
                    ch.rejection_reason = Some(m.comment.as_ref().map(|s| s.trim().to_string()));
                }
                RefundStatus::Paid => {
                    ch.paid_by = Some(by);
                    ch.paid_at = Some(Some(m.paid_at.map_or(at, |t| micros(t.naive_utc()))));
                    ch.expected_arrival_at =
                        Some(m.expected_arrival_at.map(|t| micros(t.naive_utc())));
                    if let Some(doc) = m.signed_document_id {
                        ch.signed_document_id = Some(Some(doc.into()));
                    }
                }
                RefundStatus::Requested => {}
            }
            bump_version!(conn, r, RefundId::from(id), expected_version, ch)
        },
    )?;
    let after = get(conn, scope, complaint, id)?;
    Ok((before, after))
}

/// An instant to the microsecond both backends keep.
fn micros(t: NaiveDateTime) -> NaiveDateTime {
    use chrono::Timelike;
    t.with_nanosecond(t.nanosecond() / 1000 * 1000).unwrap_or(t)
}
