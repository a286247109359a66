//! The pieces every module's storage is built from (issue 8 item 2), written once: the scope
//! filter, the versioned update and the decoding of enum columns. A new module
//! uses these rather than writing them out again.

use diesel::dsl;
use diesel::prelude::*;
use diesel::query_dsl::methods::FilterDsl;
use diesel::sql_types::Text;
use hcrm_domain::Scope;

use crate::conn::DbConn;
use crate::error::DbError;
use crate::ids::InstitutionId;

/// The institutions of a scope as ids to compare a column with; `None` for the whole group.
pub(crate) fn scope_ids(scope: &Scope) -> Option<Vec<InstitutionId>> {
    scope
        .institution_ids()
        .map(|ids| ids.iter().copied().map(InstitutionId::from).collect())
}

/// institution scoping of a (boxed) query — its `column` (an institution id) must be one
/// of the caller's institutions; a group-wide scope adds nothing. A nullable column is passed
/// as `column.assume_not_null()` (NULL is in no institution).
pub(crate) trait InScope: Sized {
    fn in_scope<C>(self, column: C, scope: &Scope) -> Self
    where
        C: Expression<SqlType = Text> + ExpressionMethods,
        Self: FilterDsl<dsl::EqAny<C, Vec<InstitutionId>>, Output = Self>;
}

impl<Q> InScope for Q {
    fn in_scope<C>(self, column: C, scope: &Scope) -> Self
    where
        C: Expression<SqlType = Text> + ExpressionMethods,
        Self: FilterDsl<dsl::EqAny<C, Vec<InstitutionId>>, Output = Self>,
    {
        match scope_ids(scope) {
            Some(ids) => FilterDsl::filter(self, column.eq_any(ids)),
            None => self,
        }
    }
}

/// the version the caller read must be the stored one, else `Stale` naming the stored one.
pub(crate) fn expect_version(current: i32, expected: i32) -> Result<(), DbError> {
    if current == expected {
        Ok(())
    } else {
        Err(DbError::Stale { current })
    }
}

/// a versioned update, the one way a record with a `version` changes. `read` reads the
/// record as the caller may see it, `version` tells its version; `write` (given the record
/// before) runs the guarded `UPDATE … WHERE id = ? AND version = expected` — written with
/// [`bump_version!`] — and returns the rows it changed. A version that differs before the
/// write, or a write that found no row at that version (someone else wrote in between), is
/// `Stale` with the version now stored (412 in the API). Returns the record before.
pub(crate) fn versioned_update<R>(
    conn: &mut DbConn,
    expected: i32,
    read: impl Fn(&mut DbConn) -> Result<R, DbError>,
    version: impl Fn(&R) -> i32,
    write: impl FnOnce(&mut DbConn, &R) -> Result<usize, DbError>,
) -> Result<R, DbError> {
    let before = read(conn)?;
    expect_version(version(&before), expected)?;
    if write(conn, &before)? == 0 {
        let current = version(&read(conn)?);
        return Err(DbError::Stale { current });
    }
    Ok(before)
}

/// `UPDATE $t SET $changes, version = version + 1 WHERE id = $id AND version = $expected`,
/// returning the rows changed; for [`versioned_update`]. `$t` is the schema module of a
/// table with `id` and `version` columns.
macro_rules! bump_version {
    ($conn:expr, $t:ident, $id:expr, $expected:expr, $changes:expr) => {
        diesel::update(
            $t::table
                .filter($t::id.eq($id))
                .filter($t::version.eq($expected)),
        )
        .set(($changes, $t::version.eq($t::version + 1)))
        .execute($conn)
        .map_err($crate::error::DbError::from)
    };
}
pub(crate) use bump_version;

/// An enum stored as its stable code in a text column. Reading a value that is no code is
/// `DbError::Corrupt` naming the column's meaning and the value — see [`decode`].
pub trait Coded: Sized + Copy {
    /// What the column holds, for the error message ("task status").
    const WHAT: &'static str;
    fn code(self) -> &'static str;
    fn from_code(code: &str) -> Option<Self>;
}

/// The value a stored code stands for; `Corrupt` when it stands for none.
pub(crate) fn decode<T: Coded>(code: &str) -> Result<T, DbError> {
    T::from_code(code).ok_or_else(|| DbError::Corrupt(format!("{} {code:?}", T::WHAT)))
}

/// [`decode`] of a nullable column.
pub(crate) fn decode_opt<T: Coded>(code: Option<&str>) -> Result<Option<T>, DbError> {
    code.map(decode).transpose()
}

macro_rules! coded {
    ($($t:ty => $what:literal,)*) => {$(
        impl Coded for $t {
            const WHAT: &'static str = $what;
            fn code(self) -> &'static str {
                <$t>::code(self)
            }
            fn from_code(code: &str) -> Option<Self> {
                <$t>::from_code(code)
            }
        }
    )*};
}

coded! {
    hcrm_domain::customer::Gender => "gender",
    hcrm_domain::api::integration::BatchStatus => "batch status",
    hcrm_domain::api::integration::ChargeKind => "charge kind",
    hcrm_domain::customer::CustomerKind => "customer kind",
    hcrm_domain::customer::CustomerCategory => "customer category",
    hcrm_domain::customer::LifecycleStage => "lifecycle stage",
    hcrm_domain::customer::RelationshipType => "relationship type",
    hcrm_domain::customer::SourceChannel => "source channel",
    hcrm_domain::customer::IdType => "id type",
    hcrm_domain::customer::RelationKind => "relation kind",
    hcrm_domain::customer::ContactChannel => "contact channel",
    hcrm_domain::customer::Direction => "contact direction",
    hcrm_domain::customer::ContactParty => "contact party",
    hcrm_domain::customer::TaskStatus => "task status",
    hcrm_domain::customer::TaskKind => "task kind",
    hcrm_domain::customer::Education => "education",
    hcrm_domain::customer::MaritalStatus => "marital status",
    hcrm_domain::customer::PreferredLanguage => "preferred language",
    hcrm_domain::api::org::HalfDay => "half day",
    hcrm_domain::Role => "role",
    hcrm_domain::api::sensitive::BreakGlassCategory => "break-glass category",
    hcrm_domain::api::sensitive::ReviewOutcome => "break-glass review outcome",
    hcrm_domain::api::audit::AuditAction => "audit action",
    hcrm_domain::api::audit::AuditEntity => "audit entity type",
    hcrm_domain::complaint::RefundKind => "refund kind",
    hcrm_domain::complaint::RefundMethod => "refund method",
    hcrm_domain::complaint::RefundStatus => "refund status",
    hcrm_domain::complaint::PenaltyLevel => "penalty level",
    hcrm_domain::complaint::AttachmentKind => "attachment kind",
    hcrm_domain::complaint::FileFormat => "file format",
    hcrm_domain::complaint::ComplaintChannel => "complaint channel",
    hcrm_domain::complaint::ComplaintCategory => "complaint category",
    hcrm_domain::complaint::ComplaintSeverity => "complaint severity",
    hcrm_domain::complaint::ComplaintState => "complaint state",
    hcrm_domain::complaint::ComplaintAction => "complaint action",
    hcrm_domain::complaint::ClockKind => "complaint clock kind",
    hcrm_domain::api::consultations::ConsultationChannel => "consultation channel",
    hcrm_domain::api::consultations::ConsultationOutcome => "consultation outcome",
    hcrm_domain::api::consultations::ConsultationState => "consultation state",
    hcrm_domain::api::in_visit::InVisitService => "in-visit service",
    hcrm_domain::api::in_visit::InVisitStep => "in-visit step",
    hcrm_domain::api::in_visit::Delivery => "delivery",
    hcrm_domain::api::service_times::ServiceTarget => "service time target",
    hcrm_domain::calendar::DayKind => "calendar day kind",
    hcrm_domain::api::notifications::NotificationKind => "notification kind",
    hcrm_domain::api::visits::VisitKind => "visit kind",
    hcrm_domain::api::visits::VisitSequence => "visit sequence",
    hcrm_domain::api::events::DomainEventKind => "domain event kind",
    hcrm_domain::appointment::AppointmentKind => "appointment kind",
    hcrm_domain::appointment::AppointmentStatus => "appointment status",
    hcrm_domain::appointment::ResourceKind => "resource kind",
    hcrm_domain::appointment::SessionStatus => "session status",
    hcrm_domain::appointment::SessionOrigin => "session origin",
    hcrm_domain::appointment::WaitlistStatus => "waitlist status",
}

/// one counted page of a list — how many rows `$query` finds, and the `$window` of them
/// in the order `|q| …` gives, read as `$row` (a `Selectable`). Evaluates to `(rows, total)`.
/// `$query` builds the list's query and is evaluated twice: boxed queries cannot be cloned.
macro_rules! counted_page {
    ($conn:expr, $query:expr, |$q:ident| $order:expr, $row:ty, $window:expr) => {{
        let total: i64 = $query.count().get_result($conn)?;
        let $q = $query;
        let rows: Vec<$row> = $order
            .select(<$row>::as_select())
            .limit($window.limit)
            .offset($window.offset)
            .load($conn)?;
        (rows, total)
    }};
}
pub(crate) use counted_page;

/// Writes `$rows` (a slice of `Insertable` rows of `$table`, each with `$columns` values) in
/// multi-row INSERTs on the concrete connection, as the multi-backend wrapper has no batch
/// insert: the set-based writes of new customers (one, the demo's or the generator's 10,000 —
/// OPS-2) and of the demo's relations, contacts and tasks. At most 30,000 values a statement
/// (SQLite allows 32,766). Rows with `Option` fields must say
/// `treat_none_as_default_value = false`, else SQLite writes them one statement per row.
/// Evaluates to `Result<usize, DbError>`, the rows written.
macro_rules! insert_many {
    ($conn:expr, $table:expr, $rows:expr, $columns:expr) => {{
        let per: usize = (30_000 / $columns).max(1);
        let mut n = 0usize;
        let mut failed = None;
        for chunk in $rows.chunks(per) {
            let done = match &mut *$conn {
                $crate::conn::DbConn::Postgresql(c) => {
                    diesel::insert_into($table).values(chunk).execute(c)
                }
                $crate::conn::DbConn::Sqlite(c) => {
                    diesel::insert_into($table).values(chunk).execute(c)
                }
            };
            match done {
                Ok(k) => n += k,
                Err(e) => {
                    failed = Some($crate::error::DbError::from(e));
                    break;
                }
            }
        }
        match failed {
            Some(e) => Err::<usize, $crate::error::DbError>(e),
            None => Ok(n),
        }
    }};
}
pub(crate) use insert_many;

#[cfg(test)]
mod tests {
    use super::*;
    use hcrm_domain::customer::TaskStatus;

    #[test]
    fn a_stored_code_decodes_or_is_corrupt_naming_the_column() {
        assert_eq!(decode::<TaskStatus>("done").ok(), Some(TaskStatus::Done));
        assert_eq!(decode_opt::<TaskStatus>(None).ok(), Some(None));
        match decode::<TaskStatus>("finished") {
            Err(DbError::Corrupt(m)) => assert_eq!(m, "task status \"finished\""),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn versions_must_match() {
        assert!(expect_version(3, 3).is_ok());
        assert!(matches!(
            expect_version(4, 3),
            Err(DbError::Stale { current: 4 })
        ));
    }
}
