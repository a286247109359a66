//! CUS-7: relations between customers. A row (from, to, kind) reads "from is the ⟨kind⟩ of
//! to"; it is stored once and shown on `to`'s side as `kind.inverse()`.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use hcrm_domain::api::relations::Relation;
use hcrm_domain::customer::RelationKind;
use uuid::Uuid;

use crate::conn::DbConn;
use crate::error::DbError;
use crate::ids::{CustomerId, InstitutionId, RelationId, UserId};
use crate::kit::decode;
use crate::schema::{customer_relations as r, customers as c};
use crate::util::{now, utc};

/// A stored relation, in the direction it was stored.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = r)]
pub struct RelationRow {
    pub id: RelationId,
    pub from_id: CustomerId,
    pub to_id: CustomerId,
    pub kind: String,
    pub note: Option<String>,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
}

impl RelationRow {
    /// The other customer and the kind as `customer` sees it; `None` when the relation does
    /// not involve `customer`.
    pub fn seen_from(&self, customer: Uuid) -> Result<Option<(Uuid, RelationKind)>, DbError> {
        let kind: RelationKind = decode(&self.kind)?;
        let key = CustomerId::from(customer);
        Ok(if self.from_id == key {
            Some((self.to_id.0, kind))
        } else if self.to_id == key {
            Some((self.from_id.0, kind.inverse()))
        } else {
            None
        })
    }
}

/// The other end of a relation, as the list shows it.
#[derive(Debug, Clone, Queryable)]
struct Other {
    id: CustomerId,
    institution_id: InstitutionId,
    name: String,
    form_of_address: String,
    kind: String,
}

/// Every relation of `customer` whose other end is a live customer, seen from `customer`,
/// with the other customer's institution (the caller decides what it may see). Oldest first.
pub fn of_customer(conn: &mut DbConn, customer: Uuid) -> Result<Vec<(Relation, Uuid)>, DbError> {
    let key = CustomerId::from(customer);
    let other_cols = (
        c::id,
        c::institution_id,
        c::name,
        c::form_of_address,
        c::kind,
    );
    let mut rows: Vec<(RelationRow, Other)> = r::table
        .inner_join(c::table.on(c::id.eq(r::to_id)))
        .filter(r::from_id.eq(&key))
        .filter(c::merged_into_id.is_null())
        .filter(c::deleted_at.is_null())
        .select((RelationRow::as_select(), other_cols))
        .load(conn)?;
    rows.extend(
        r::table
            .inner_join(c::table.on(c::id.eq(r::from_id)))
            .filter(r::to_id.eq(&key))
            .filter(c::merged_into_id.is_null())
            .filter(c::deleted_at.is_null())
            .select((RelationRow::as_select(), other_cols))
            .load::<(RelationRow, Other)>(conn)?,
    );
    rows.sort_by(|(a, _), (b, _)| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
    rows.into_iter()
        .filter_map(|(row, other)| match row.seen_from(customer) {
            Ok(Some((_, kind))) => Some(relation(&row, other, kind)),
            Ok(None) => None,
            Err(e) => Some(Err(e)),
        })
        .collect()
}

fn relation(row: &RelationRow, o: Other, kind: RelationKind) -> Result<(Relation, Uuid), DbError> {
    Ok((
        Relation {
            id: row.id.0,
            other_id: o.id.0,
            other_name: o.name,
            other_form_of_address: o.form_of_address,
            other_kind: decode(&o.kind)?,
            kind,
            note: row.note.clone(),
            created_at: utc(row.created_at),
        },
        o.institution_id.0,
    ))
}

/// Whether `from` and `to` are already linked by `kind`, stored either way round.
pub fn exists(
    conn: &mut DbConn,
    from: Uuid,
    to: Uuid,
    kind: RelationKind,
) -> Result<bool, DbError> {
    let (from, to) = (CustomerId::from(from), CustomerId::from(to));
    let n: i64 = r::table
        .filter(
            r::from_id
                .eq(&from)
                .and(r::to_id.eq(&to))
                .and(r::kind.eq(kind.code())),
        )
        .or_filter(
            r::from_id
                .eq(&to)
                .and(r::to_id.eq(&from))
                .and(r::kind.eq(kind.inverse().code())),
        )
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Stores "from is the ⟨kind⟩ of to" unless the same link exists either way round
/// (`DbError::Duplicate`). Run inside a write transaction: the pair is locked first so that
/// two people linking the same two customers at once cannot both succeed.
pub fn create(
    conn: &mut DbConn,
    from: Uuid,
    to: Uuid,
    kind: RelationKind,
    note: Option<&str>,
    by: Uuid,
) -> Result<RelationRow, DbError> {
    // A no-op update takes the row lock on PostgreSQL (SQLite's writers are serialized
    // already); both transactions lock the same customer, so the second waits and then sees
    // the first one's row.
    let first = CustomerId::from(from.min(to));
    diesel::update(c::table.find(first))
        .set(c::version.eq(c::version))
        .execute(conn)?;
    if exists(conn, from, to, kind)? {
        return Err(DbError::Duplicate("customer_relations".into()));
    }
    let row = RelationRow {
        id: RelationId::new(),
        from_id: from.into(),
        to_id: to.into(),
        kind: kind.code().to_string(),
        note: note
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_string),
        created_by: Some(by.into()),
        created_at: now(),
    };
    diesel::insert_into(r::table).values(&row).execute(conn)?;
    Ok(row)
}

/// Stores many relations at once in multi-row INSERTs (the demo's families, OPS-2); unlike
/// [`create`] it trusts the caller that none exists yet either way round.
pub fn insert_many(conn: &mut DbConn, rows: &[RelationRow]) -> Result<usize, DbError> {
    crate::kit::insert_many!(conn, r::table, rows, 7)
}

/// The relation `id` if it involves `customer`.
pub fn get(conn: &mut DbConn, customer: Uuid, id: Uuid) -> Result<RelationRow, DbError> {
    let key = CustomerId::from(customer);
    Ok(r::table
        .find(RelationId::from(id))
        .filter(r::from_id.eq(&key).or(r::to_id.eq(&key)))
        .select(RelationRow::as_select())
        .first(conn)?)
}

pub fn delete(conn: &mut DbConn, id: Uuid) -> Result<(), DbError> {
    let n = diesel::delete(r::table.find(RelationId::from(id))).execute(conn)?;
    if n == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}
