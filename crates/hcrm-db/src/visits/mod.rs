//! 就诊与消费 (SVC-4): visits, the one place they raise their domain events, the customer's
//! summary on the 360 page, the timeline source and the merge step. The API's hand entry and
//! the HIS path (issue 12) both write through [`create`] and [`update`], so a visit raises the
//! same events whichever way it came.

mod bulk;
pub mod funnel;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use hcrm_domain::Scope;
use hcrm_domain::api::events::{DomainEvent, DomainEventKind};
use hcrm_domain::api::in_visit::{InVisitDetail, InVisitService, default_title, due_at};
use hcrm_domain::api::timeline::{TimelineEntry, TimelineEntryKind};
use hcrm_domain::api::visits::{
    Visit, VisitFacts, VisitKind, VisitSequence, VisitSummary, VisitUpdate,
};
use hcrm_domain::customer::TaskKind;
use uuid::Uuid;

pub use bulk::NewVisits;

use crate::conn::{Db, DbConn};
use crate::error::DbError;
use crate::events::{self, NewEvent};
use crate::ids::{CustomerId, DepartmentId, DoctorId, InstitutionId, UserId, VisitId};
use crate::in_visit;
use crate::kit::{InScope, bump_version, counted_page, decode, versioned_update};
use crate::merge::{Duplicate, Kept};
use crate::schema::customers as c;
use crate::schema::visits as v;
use crate::tasks::NewTask;
use crate::util::{ListWindow, now, utc};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = v)]
#[diesel(treat_none_as_default_value = false)]
pub struct VisitRow {
    pub id: VisitId,
    pub institution_id: InstitutionId,
    pub customer_id: CustomerId,
    pub kind: String,
    pub sequence: String,
    pub department_id: Option<DepartmentId>,
    pub doctor_id: Option<DoctorId>,
    pub diagnosis_category: Option<String>,
    pub visited_at: NaiveDateTime,
    pub ended_at: Option<NaiveDateTime>,
    pub amount_fen: i64,
    pub insurance_fen: i64,
    pub paid_fen: i64,
    pub external_id: Option<String>,
    pub note: Option<String>,
    pub version: i32,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl VisitRow {
    pub(crate) fn into_dto(self) -> Result<Visit, DbError> {
        let kind: VisitKind = decode(&self.kind)?;
        let facts = VisitFacts {
            kind,
            visited_at: utc(self.visited_at),
            ended_at: self.ended_at.map(utc),
            amount_fen: self.amount_fen,
            insurance_fen: self.insurance_fen,
            paid_fen: self.paid_fen,
        };
        Ok(Visit {
            id: self.id.0,
            institution_id: self.institution_id.0,
            customer_id: self.customer_id.0,
            kind,
            sequence: decode(&self.sequence)?,
            department_id: self.department_id.map(Uuid::from),
            doctor_id: self.doctor_id.map(Uuid::from),
            diagnosis_category: self.diagnosis_category,
            visited_at: facts.visited_at,
            ended_at: facts.ended_at,
            amount_fen: self.amount_fen,
            insurance_fen: self.insurance_fen,
            paid_fen: self.paid_fen,
            arrears_fen: facts.arrears_fen(),
            external_id: self.external_id,
            note: self.note,
            version: self.version,
            created_by: self.created_by.map(Uuid::from),
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }
}

/// To the microsecond both backends keep.
pub(crate) fn stored(t: DateTime<Utc>) -> NaiveDateTime {
    use chrono::Timelike;
    let n = t.naive_utc();
    n.with_nanosecond(n.nanosecond() / 1000 * 1000).unwrap_or(n)
}

/// A visit to record; the caller has checked the customer, the institution, the department
/// and the doctor (they belong to the customer's institution) and the cross-field rules.
#[derive(Debug, Clone)]
pub struct NewVisit {
    pub institution_id: Uuid,
    pub customer_id: Uuid,
    pub kind: VisitKind,
    /// `None`: `first` when the customer has no earlier visit in the institution.
    pub sequence: Option<VisitSequence>,
    pub department_id: Option<Uuid>,
    pub doctor_id: Option<Uuid>,
    pub diagnosis_category: Option<String>,
    pub visited_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub amount_fen: i64,
    pub insurance_fen: i64,
    pub paid_fen: i64,
    pub external_id: Option<String>,
    pub note: Option<String>,
    pub created_by: Option<Uuid>,
}

/// Records a visit and raises its events (the same transaction). A second visit with the
/// external id of one of the institution's is `Duplicate`. Returns the visit.
pub fn create(conn: &mut DbConn, n: NewVisit) -> Result<Visit, DbError> {
    let at = now();
    let visited_at = stored(n.visited_at);
    let sequence = match n.sequence {
        Some(s) => s,
        None => {
            let earlier: i64 = v::table
                .filter(v::customer_id.eq(CustomerId::from(n.customer_id)))
                .filter(v::institution_id.eq(InstitutionId::from(n.institution_id)))
                .filter(v::visited_at.lt(visited_at))
                .count()
                .get_result(conn)?;
            if earlier == 0 {
                VisitSequence::First
            } else {
                VisitSequence::Return
            }
        }
    };
    let row = VisitRow {
        id: VisitId::new(),
        institution_id: n.institution_id.into(),
        customer_id: n.customer_id.into(),
        kind: n.kind.code().to_string(),
        sequence: sequence.code().to_string(),
        department_id: n.department_id.map(DepartmentId::from),
        doctor_id: n.doctor_id.map(DoctorId::from),
        diagnosis_category: n.diagnosis_category,
        visited_at,
        ended_at: n.ended_at.map(stored),
        amount_fen: n.amount_fen,
        insurance_fen: n.insurance_fen,
        paid_fen: n.paid_fen,
        external_id: n.external_id,
        note: n.note,
        version: 1,
        created_by: n.created_by.map(UserId::from),
        created_at: at,
        updated_at: at,
    };
    diesel::insert_into(v::table).values(&row).execute(conn)?;
    let visit = row.into_dto()?;
    raise_events(conn, &visit)?;
    Ok(visit)
}

/// THE place a visit raises its domain events, after every write of it: recorded; admitted
/// (a stay); discharged (a stay with its end); surgery; course ended (a course with its end).
/// Each happens once per visit and kind ([`events::raise_all`]), however often the visit is
/// saved. Returns how many were new with this write.
pub fn raise_events(conn: &mut DbConn, visit: &Visit) -> Result<usize, DbError> {
    events::raise_all(conn, due_events(visit)?)
}

/// The events a visit as stored calls for ([`raise_events`]; a HIS batch gathers those of
/// all its visits and raises them at once).
pub fn due_events(visit: &Visit) -> Result<Vec<NewEvent>, DbError> {
    use DomainEventKind as K;
    let mut due = vec![(K::VisitRecorded, visit.visited_at)];
    match (visit.kind, visit.ended_at) {
        (VisitKind::Inpatient, end) => {
            due.push((K::VisitAdmitted, visit.visited_at));
            if let Some(end) = end {
                due.push((K::VisitDischarged, end));
            }
        }
        (VisitKind::Surgery, _) => due.push((K::VisitSurgery, visit.visited_at)),
        (VisitKind::TreatmentCourse, Some(end)) => due.push((K::VisitCourseEnded, end)),
        _ => {}
    }
    let mut payload =
        serde_json::to_value(visit).map_err(|e| DbError::Corrupt(format!("visit as JSON: {e}")))?;
    // Each event but the last gets a copy of the payload; the last takes it.
    let last = due.len() - 1;
    Ok(due
        .into_iter()
        .enumerate()
        .map(|(i, (kind, occurred))| NewEvent {
            kind,
            subject_type: "visit",
            subject_id: visit.id,
            institution_id: visit.institution_id,
            customer_id: Some(visit.customer_id),
            occurred_at: occurred.naive_utc(),
            payload: if i == last {
                std::mem::take(&mut payload)
            } else {
                payload.clone()
            },
        })
        .collect())
}

/// Subscriber of `visit_admitted` (SVC-3): the in-visit service `admission` (escort to the
/// ward, hand-over to the doctor and nurse) in the service team's queue of the visit's
/// institution, due as that service is after the admission, linked to the visit.
pub(crate) fn admission_assistance(
    conn: &mut DbConn,
    events: &[&DomainEvent],
) -> Result<(), DbError> {
    for event in events {
        admission_task(conn, event)?;
    }
    Ok(())
}

fn admission_task(conn: &mut DbConn, event: &DomainEvent) -> Result<(), DbError> {
    let Some(customer) = event.customer_id else {
        return Ok(());
    };
    let name: String = c::table
        .find(CustomerId::from(customer))
        .select(c::name)
        .first(conn)?;
    let service = InVisitService::Admission;
    let detail = InVisitDetail {
        service,
        reference_at: event.occurred_at,
        steps: InVisitDetail::with_steps(service, &[]),
        delivery: None,
        address: None,
        tracking_number: None,
        location: None,
    };
    in_visit::create(
        conn,
        NewTask {
            institution_id: event.institution_id,
            kind: TaskKind::InVisit,
            title: default_title(service, &name),
            // No Chinese-only note: the service's steps (escort to the ward, hand over to the
            // doctor and the nurse) say it, in the reader's language, on the board.
            description: None,
            owner_id: None,
            team: Some(ADMISSION_TEAM.into()),
            due_on: None,
            due_at: Some(due_at(service, event.occurred_at)),
            customer_id: Some(customer),
            source_type: Some("visit".into()),
            source_id: Some(event.subject_id.to_string()),
            created_by: None,
        },
        &detail,
    )?;
    Ok(())
}

/// The team queue of the admission-assistance tasks.
pub const ADMISSION_TEAM: &str = "service";

/// One visit; `NotFound` when its institution is outside `scope`.
pub fn get(conn: &mut DbConn, scope: &Scope, id: Uuid) -> Result<Visit, DbError> {
    v::table
        .find(VisitId::from(id))
        .into_boxed()
        .in_scope(v::institution_id, scope)
        .select(VisitRow::as_select())
        .first::<VisitRow>(conn)?
        .into_dto()
}

/// The visit of an institution with the HIS's id `external_id`.
pub fn by_external_id(
    conn: &mut DbConn,
    institution_id: Uuid,
    external_id: &str,
) -> Result<Option<Visit>, DbError> {
    v::table
        .filter(v::institution_id.eq(InstitutionId::from(institution_id)))
        .filter(v::external_id.eq(external_id))
        .select(VisitRow::as_select())
        .first::<VisitRow>(conn)
        .optional()?
        .map(VisitRow::into_dto)
        .transpose()
}

/// List filters; every one optional. The period is `[from, before)` in instants.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub customer_id: Option<Uuid>,
    pub institution_id: Option<Uuid>,
    pub kind: Option<VisitKind>,
    pub department_id: Option<Uuid>,
    pub doctor_id: Option<Uuid>,
    pub from: Option<NaiveDateTime>,
    pub before: Option<NaiveDateTime>,
    pub external_id: Option<String>,
}

fn filtered<'a>(scope: &Scope, f: &'a Filter) -> v::BoxedQuery<'a, Db> {
    let mut q = v::table.into_boxed().in_scope(v::institution_id, scope);
    if let Some(x) = f.customer_id {
        q = q.filter(v::customer_id.eq(CustomerId::from(x)));
    }
    if let Some(x) = f.institution_id {
        q = q.filter(v::institution_id.eq(InstitutionId::from(x)));
    }
    if let Some(x) = f.kind {
        q = q.filter(v::kind.eq(x.code()));
    }
    if let Some(x) = f.department_id {
        q = q.filter(v::department_id.eq(DepartmentId::from(x)));
    }
    if let Some(x) = f.doctor_id {
        q = q.filter(v::doctor_id.eq(DoctorId::from(x)));
    }
    if let Some(x) = f.from {
        q = q.filter(v::visited_at.ge(x));
    }
    if let Some(x) = f.before {
        q = q.filter(v::visited_at.lt(x));
    }
    if let Some(x) = &f.external_id {
        q = q.filter(v::external_id.eq(x));
    }
    q
}

/// A page of visits in `scope` matching `f`, newest first (or oldest first), and the total.
pub fn list(
    conn: &mut DbConn,
    scope: &Scope,
    f: &Filter,
    oldest_first: bool,
    window: ListWindow,
) -> Result<(Vec<Visit>, i64), DbError> {
    let (rows, total) = counted_page!(
        conn,
        filtered(scope, f),
        |q| if oldest_first {
            q.order((v::visited_at.asc(), v::id.asc()))
        } else {
            q.order((v::visited_at.desc(), v::id.desc()))
        },
        VisitRow,
        window
    );
    let visits = rows
        .into_iter()
        .map(VisitRow::into_dto)
        .collect::<Result<_, _>>()?;
    Ok((visits, total))
}

#[derive(AsChangeset)]
#[diesel(table_name = v)]
struct Changes {
    sequence: Option<String>,
    department_id: Option<Option<DepartmentId>>,
    doctor_id: Option<Option<DoctorId>>,
    diagnosis_category: Option<Option<String>>,
    visited_at: Option<NaiveDateTime>,
    ended_at: Option<Option<NaiveDateTime>>,
    amount_fen: Option<i64>,
    insurance_fen: Option<i64>,
    paid_fen: Option<i64>,
    external_id: Option<Option<String>>,
    note: Option<Option<String>>,
    updated_at: NaiveDateTime,
}

/// Applies `u` at `expected_version` (the API has checked the links and the rules) and
/// raises the events the visit now calls for (a discharge recorded by this change …).
/// Returns (before, after).
pub fn update(
    conn: &mut DbConn,
    scope: &Scope,
    id: Uuid,
    expected_version: i32,
    u: &VisitUpdate,
) -> Result<(Visit, Visit), DbError> {
    let before = versioned_update(
        conn,
        expected_version,
        |c| get(c, scope, id),
        |r| r.version,
        |conn, _| {
            let changes = Changes {
                sequence: u.sequence.map(|s| s.code().to_string()),
                department_id: u.department_id.map(|o| o.map(DepartmentId::from)),
                doctor_id: u.doctor_id.map(|o| o.map(DoctorId::from)),
                diagnosis_category: u.diagnosis_category.clone(),
                visited_at: u.visited_at.map(stored),
                ended_at: u.ended_at.map(|o| o.map(stored)),
                amount_fen: u.amount_fen,
                insurance_fen: u.insurance_fen,
                paid_fen: u.paid_fen,
                external_id: u.external_id.clone(),
                note: u.note.clone(),
                updated_at: now(),
            };
            bump_version!(conn, v, VisitId::from(id), expected_version, changes)
        },
    )?;
    let after = get(conn, scope, id)?;
    raise_events(conn, &after)?;
    Ok((before, after))
}

/// The customer's visits and spending over the institutions of `scope`: one statement (the
/// 360 page reads it on every view, PERF-2), the same SQL on both backends. Sums are cast
/// back to BIGINT (PostgreSQL sums BIGINT as NUMERIC); the last visit's kind is that of the
/// newest visit, the greater id among visits of the same instant.
pub fn summary(
    conn: &mut DbConn,
    scope: &Scope,
    customer_id: Uuid,
) -> Result<VisitSummary, DbError> {
    use diesel::sql_types::Text;
    let institutions = crate::kit::scope_ids(scope);
    let in_scope = match &institutions {
        Some(ids) if ids.is_empty() => {
            return Ok(VisitSummary {
                visits: 0,
                inpatient_stays: 0,
                return_visits: 0,
                amount_fen: 0,
                insurance_fen: 0,
                paid_fen: 0,
                arrears_fen: 0,
                first_visit_at: None,
                last_visit_at: None,
                last_visit_kind: None,
            });
        }
        Some(ids) => format!(
            " AND institution_id IN ({})",
            (0..ids.len())
                .map(|i| format!("${}", i + 4))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        None => String::new(),
    };
    let sum =
        |expr: &str, name: &str| format!("CAST(COALESCE(SUM({expr}), 0) AS BIGINT) AS {name}");
    let mut q = crate::merge::sql(
        conn,
        format!(
            "SELECT COUNT(*) AS visits, MIN(visited_at) AS first_at, MAX(visited_at) AS last_at, \
             {}, {}, {}, {}, {}, {}, \
             (SELECT kind FROM visits WHERE customer_id = $1{in_scope} \
              ORDER BY visited_at DESC, id DESC LIMIT 1) AS last_kind \
             FROM visits WHERE customer_id = $1{in_scope}",
            sum("amount_fen", "amount_fen"),
            sum("insurance_fen", "insurance_fen"),
            sum("paid_fen", "paid_fen"),
            sum("amount_fen - insurance_fen - paid_fen", "arrears_fen"),
            sum("CASE WHEN kind = $2 THEN 1 ELSE 0 END", "inpatient_stays"),
            sum("CASE WHEN sequence = $3 THEN 1 ELSE 0 END", "return_visits"),
        ),
    )
    .into_boxed::<Db>()
    .bind::<Text, _>(CustomerId::from(customer_id))
    .bind::<Text, _>(VisitKind::Inpatient.code())
    .bind::<Text, _>(VisitSequence::Return.code());
    for id in institutions.unwrap_or_default() {
        q = q.bind::<Text, _>(id);
    }
    let r: SummaryRow = q.get_result(conn)?;
    Ok(VisitSummary {
        visits: r.visits,
        inpatient_stays: r.inpatient_stays,
        return_visits: r.return_visits,
        amount_fen: r.amount_fen,
        insurance_fen: r.insurance_fen,
        paid_fen: r.paid_fen,
        arrears_fen: r.arrears_fen,
        first_visit_at: r.first_at.map(utc),
        last_visit_at: r.last_at.map(utc),
        last_visit_kind: r.last_kind.map(|k| decode(&k)).transpose()?,
    })
}

#[derive(QueryableByName)]
struct SummaryRow {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    visits: i64,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Timestamp>)]
    first_at: Option<NaiveDateTime>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Timestamp>)]
    last_at: Option<NaiveDateTime>,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    amount_fen: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    insurance_fen: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    paid_fen: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    arrears_fen: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    inpatient_stays: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    return_visits: i64,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    last_kind: Option<String>,
}

/// CUS-11: a visit on the customer's timeline at its time, and its end (discharge, the
/// course's end) at that time.
pub(crate) fn timeline_source(
    conn: &mut DbConn,
    customer_id: CustomerId,
    before: Option<NaiveDateTime>,
    limit: i64,
) -> Result<Vec<TimelineEntry>, DbError> {
    let mut started = v::table.filter(v::customer_id.eq(customer_id)).into_boxed();
    if let Some(b) = before {
        started = started.filter(v::visited_at.lt(b));
    }
    let started: Vec<VisitRow> = started
        .order((v::visited_at.desc(), v::id.desc()))
        .select(VisitRow::as_select())
        .limit(limit)
        .load(conn)?;
    let mut ended = v::table
        .filter(v::customer_id.eq(customer_id))
        .filter(v::ended_at.is_not_null())
        .into_boxed();
    if let Some(b) = before {
        ended = ended.filter(v::ended_at.lt(b));
    }
    let ended: Vec<VisitRow> = ended
        .order((v::ended_at.desc(), v::id.desc()))
        .select(VisitRow::as_select())
        .limit(limit)
        .load(conn)?;
    let mut out = Vec::with_capacity(started.len() + ended.len());
    for (rows, kind) in [
        (started, TimelineEntryKind::Visit),
        (ended, TimelineEntryKind::VisitEnded),
    ] {
        for row in rows {
            let visit = row.into_dto()?;
            let at = match kind {
                TimelineEntryKind::VisitEnded => visit.ended_at.unwrap_or(visit.visited_at),
                _ => visit.visited_at,
            };
            out.push(TimelineEntry {
                subject: visit.diagnosis_category.clone(),
                visit_kind: Some(visit.kind),
                amount_fen: Some(visit.amount_fen),
                ..TimelineEntry::new(at, kind, "visit", visit.id, visit.created_by)
            });
        }
    }
    out.sort_by(|a, b| b.at.cmp(&a.at).then_with(|| b.entity_id.cmp(&a.entity_id)));
    out.truncate(usize::try_from(limit).unwrap_or(0));
    Ok(out)
}

/// CUS-10: a duplicate's visits become the kept customer's.
pub(crate) fn merge_step(
    conn: &mut DbConn,
    Duplicate(from): Duplicate,
    Kept(into): Kept,
) -> Result<usize, DbError> {
    Ok(diesel::update(v::table.filter(v::customer_id.eq(from)))
        .set(v::customer_id.eq(into))
        .execute(conn)?)
}
