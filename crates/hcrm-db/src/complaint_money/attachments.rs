//! CMP-9: the files of a case, stored in the database — the metadata in
//! `complaint_attachments`, the bytes in `complaint_attachment_contents` (read only to
//! download).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use hcrm_domain::Scope;
use hcrm_domain::api::complaint_money::{Attachment, AttachmentSettings};
use hcrm_domain::complaint::attachment::MAX_ATTACHMENT_BYTES;
use hcrm_domain::complaint::{AttachmentKind, FileFormat};
use uuid::Uuid;

use crate::conn::DbConn;
use crate::error::DbError;
use crate::ids::{AttachmentId, ComplaintId, InstitutionId, UserId};
use crate::kit::{InScope, decode};
use crate::schema::complaint_attachment_contents as b;
use crate::schema::complaint_attachments as a;
use crate::util::{now, utc};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = a)]
struct Row {
    id: AttachmentId,
    complaint_id: ComplaintId,
    institution_id: InstitutionId,
    kind: String,
    file_name: String,
    format: String,
    size_bytes: i64,
    sha256: String,
    description: Option<String>,
    uploaded_by: Option<UserId>,
    created_at: NaiveDateTime,
}

impl Row {
    fn into_dto(self) -> Result<Attachment, DbError> {
        let format: FileFormat = decode(&self.format)?;
        Ok(Attachment {
            id: self.id.0,
            complaint_id: self.complaint_id.0,
            institution_id: self.institution_id.0,
            kind: decode(&self.kind)?,
            file_name: self.file_name,
            format,
            content_type: format.media_type().to_string(),
            size_bytes: self.size_bytes,
            sha256: self.sha256,
            description: self.description,
            uploaded_by: self.uploaded_by.map(Uuid::from),
            created_at: utc(self.created_at),
        })
    }
}

/// A checked file to store.
#[derive(Debug, Clone)]
pub struct NewAttachment {
    pub complaint_id: Uuid,
    pub institution_id: Uuid,
    pub kind: AttachmentKind,
    pub file_name: String,
    pub format: FileFormat,
    pub sha256: String,
    pub description: Option<String>,
    pub uploaded_by: Uuid,
}

pub fn create(conn: &mut DbConn, n: NewAttachment, content: &[u8]) -> Result<Uuid, DbError> {
    let id = AttachmentId::new();
    let row = Row {
        id,
        complaint_id: n.complaint_id.into(),
        institution_id: n.institution_id.into(),
        kind: n.kind.code().into(),
        file_name: n.file_name,
        format: n.format.code().into(),
        size_bytes: content.len() as i64,
        sha256: n.sha256,
        description: n.description.map(|s| s.trim().to_string()),
        uploaded_by: Some(n.uploaded_by.into()),
        created_at: now(),
    };
    diesel::insert_into(a::table).values(&row).execute(conn)?;
    diesel::insert_into(b::table)
        .values((b::attachment_id.eq(id), b::content.eq(content)))
        .execute(conn)?;
    Ok(id.0)
}

/// Attachment `id` of complaint `complaint` in `scope`.
pub fn get(
    conn: &mut DbConn,
    scope: &Scope,
    complaint: Uuid,
    id: Uuid,
) -> Result<Attachment, DbError> {
    a::table
        .filter(a::id.eq(AttachmentId::from(id)))
        .filter(a::complaint_id.eq(ComplaintId::from(complaint)))
        .into_boxed()
        .in_scope(a::institution_id, scope)
        .select(Row::as_select())
        .first::<Row>(conn)?
        .into_dto()
}

/// The attachments of a case (in scope), oldest first.
pub fn list(conn: &mut DbConn, scope: &Scope, complaint: Uuid) -> Result<Vec<Attachment>, DbError> {
    a::table
        .filter(a::complaint_id.eq(ComplaintId::from(complaint)))
        .into_boxed()
        .in_scope(a::institution_id, scope)
        .order(a::id.asc())
        .select(Row::as_select())
        .load::<Row>(conn)?
        .into_iter()
        .map(Row::into_dto)
        .collect()
}

/// The stored bytes of attachment `id` (the caller has read the attachment in scope).
pub fn content(conn: &mut DbConn, id: Uuid) -> Result<Vec<u8>, DbError> {
    Ok(b::table
        .find(AttachmentId::from(id))
        .select(b::content)
        .first(conn)?)
}

/// Deletes attachment `id` and its bytes.
pub fn delete(conn: &mut DbConn, id: Uuid) -> Result<(), DbError> {
    diesel::delete(b::table.find(AttachmentId::from(id))).execute(conn)?;
    diesel::delete(a::table.find(AttachmentId::from(id))).execute(conn)?;
    Ok(())
}

/// The settings key of the attachment limit.
pub const SETTINGS_KEY: &str = "complaint_attachments";

/// The attachment limit: the stored one (never above the server's ceiling), else the ceiling.
pub fn settings(conn: &mut DbConn) -> Result<AttachmentSettings, DbError> {
    let ceiling = MAX_ATTACHMENT_BYTES as i64;
    Ok(match crate::settings::get(conn, SETTINGS_KEY)? {
        Some((value, version)) => AttachmentSettings {
            max_bytes: value["max_bytes"]
                .as_i64()
                .filter(|n| *n > 0)
                .map_or(ceiling, |n| n.min(ceiling)),
            version,
        },
        None => AttachmentSettings {
            max_bytes: ceiling,
            version: 0,
        },
    })
}

/// Stores the limit at `expected` (0 when never set); returns (before, after).
pub fn put_settings(
    conn: &mut DbConn,
    max_bytes: i64,
    expected: i32,
) -> Result<(AttachmentSettings, AttachmentSettings), DbError> {
    let before = settings(conn)?;
    crate::settings::put(
        conn,
        SETTINGS_KEY,
        &serde_json::json!({ "max_bytes": max_bytes }),
        expected,
    )?;
    Ok((before, settings(conn)?))
}
