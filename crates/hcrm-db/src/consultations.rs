//! 咨询 — SVC-1's storage: consultations with their owner (首问负责制), referral, outcome and
//! call-back task; the list, the statistics' rows and the customer's timeline entries. The
//! rules are `hcrm_domain::api::consultations`.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use hcrm_domain::Scope;
use hcrm_domain::api::consultation_stats::StatRow;
use hcrm_domain::api::consultations::{
    Consultation, ConsultationChannel, ConsultationOutcome, ConsultationPerson, ConsultationState,
    complaint_prefill,
};
use hcrm_domain::api::tasks::TaskCustomer;
use hcrm_domain::customer::mask_phone;
use uuid::Uuid;

use crate::conn::{Db, DbConn};
use crate::error::DbError;
use crate::ids::{
    ConsultationId, CustomerId, DepartmentId, DoctorId, InstitutionId, TaskId, UserId,
};
use crate::kit::{InScope, bump_version, counted_page, decode, decode_opt, versioned_update};
use crate::schema::consultations as k;
use crate::schema::customer_phones as phones;
use crate::schema::customers as c;
use crate::schema::departments as d;
use crate::util::{ListWindow, now, utc};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = k)]
struct Row {
    id: ConsultationId,
    institution_id: InstitutionId,
    channel: String,
    customer_id: CustomerId,
    owner_id: UserId,
    referred_to_id: Option<UserId>,
    referred_doctor_id: Option<DoctorId>,
    referral_note: Option<String>,
    department_id: Option<DepartmentId>,
    topic: Option<String>,
    question: String,
    answer: Option<String>,
    outcome: Option<String>,
    state: String,
    callback_task_id: Option<TaskId>,
    received_at: NaiveDateTime,
    closed_at: Option<NaiveDateTime>,
    closed_by: Option<UserId>,
    version: i32,
    created_by: Option<UserId>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

fn micros(t: DateTime<Utc>) -> NaiveDateTime {
    use chrono::Timelike;
    let n = t.naive_utc();
    n.with_nanosecond(n.nanosecond() / 1000 * 1000).unwrap_or(n)
}

fn text(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// A consultation to create; the API has checked every link (customer, department,
/// specialist) against its institution.
#[derive(Debug, Clone)]
pub struct NewConsultation {
    pub institution_id: Uuid,
    pub channel: ConsultationChannel,
    pub customer_id: Uuid,
    pub owner_id: Uuid,
    pub referred_to_id: Option<Uuid>,
    pub referred_doctor_id: Option<Uuid>,
    pub referral_note: Option<String>,
    pub department_id: Option<Uuid>,
    pub topic: Option<String>,
    pub question: String,
    pub answer: Option<String>,
    pub outcome: Option<ConsultationOutcome>,
    pub received_at: DateTime<Utc>,
    /// Closed at once, by the owner, at this instant.
    pub closed_at: Option<DateTime<Utc>>,
}

/// Creates the consultation; run inside the caller's write transaction. Returns its id.
pub fn create(conn: &mut DbConn, n: NewConsultation) -> Result<Uuid, DbError> {
    let at = now();
    let id = ConsultationId::new();
    let row = Row {
        id,
        institution_id: n.institution_id.into(),
        channel: n.channel.code().to_string(),
        customer_id: n.customer_id.into(),
        owner_id: n.owner_id.into(),
        referred_to_id: n.referred_to_id.map(UserId::from),
        referred_doctor_id: n.referred_doctor_id.map(DoctorId::from),
        referral_note: text(n.referral_note),
        department_id: n.department_id.map(DepartmentId::from),
        topic: text(n.topic),
        question: n.question.trim().to_string(),
        answer: text(n.answer),
        outcome: n.outcome.map(|o| o.code().to_string()),
        state: if n.closed_at.is_some() {
            ConsultationState::Closed
        } else {
            ConsultationState::Open
        }
        .code()
        .to_string(),
        callback_task_id: None,
        received_at: micros(n.received_at),
        closed_at: n.closed_at.map(micros),
        closed_by: n.closed_at.map(|_| n.owner_id.into()),
        version: 1,
        created_by: Some(n.owner_id.into()),
        created_at: at,
        updated_at: at,
    };
    diesel::insert_into(k::table).values(&row).execute(conn)?;
    Ok(id.0)
}

/// Names, form of address and first phone of customers, by id.
fn customers_of(
    conn: &mut DbConn,
    ids: &[CustomerId],
) -> Result<HashMap<Uuid, TaskCustomer>, DbError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let first_phone = phones::table
        .filter(phones::customer_id.eq(c::id))
        .order((phones::is_primary.desc(), phones::phone))
        .select(phones::phone)
        .limit(1)
        .single_value();
    let rows: Vec<(CustomerId, String, String, Option<String>)> = c::table
        .filter(c::id.eq_any(ids))
        .select((c::id, c::name, c::form_of_address, first_phone))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, name, form_of_address, phone)| {
            (
                id.0,
                TaskCustomer {
                    id: id.0,
                    name,
                    form_of_address,
                    phone: phone.as_deref().map(mask_phone),
                },
            )
        })
        .collect())
}

/// The rows as the API shows them: names of the customer, the people and the department
/// read once for all of them.
fn dtos(conn: &mut DbConn, rows: Vec<Row>) -> Result<Vec<Consultation>, DbError> {
    let customer_ids: Vec<CustomerId> = rows.iter().map(|r| r.customer_id).collect();
    let customers = customers_of(conn, &customer_ids)?;
    let mut people: Vec<UserId> = rows.iter().map(|r| r.owner_id).collect();
    people.extend(rows.iter().filter_map(|r| r.referred_to_id));
    let names = crate::users::display_names(conn, &people)?;
    let department_ids: Vec<DepartmentId> = rows.iter().filter_map(|r| r.department_id).collect();
    let departments: HashMap<DepartmentId, String> = if department_ids.is_empty() {
        HashMap::new()
    } else {
        d::table
            .filter(d::id.eq_any(&department_ids))
            .select((d::id, d::name))
            .load::<(DepartmentId, String)>(conn)?
            .into_iter()
            .collect()
    };
    let doctor_ids: Vec<DoctorId> = rows.iter().filter_map(|r| r.referred_doctor_id).collect();
    let doctors: HashMap<DoctorId, String> = if doctor_ids.is_empty() {
        HashMap::new()
    } else {
        crate::schema::doctors::table
            .filter(crate::schema::doctors::id.eq_any(&doctor_ids))
            .select((crate::schema::doctors::id, crate::schema::doctors::name))
            .load::<(DoctorId, String)>(conn)?
            .into_iter()
            .collect()
    };
    let person = |id: UserId| ConsultationPerson {
        id: id.0,
        name: names.get(&id).cloned().unwrap_or_default(),
    };
    rows.into_iter()
        .map(|r| {
            let customer = customers
                .get(&r.customer_id.0)
                .cloned()
                .ok_or_else(|| DbError::Corrupt(format!("consultation {} customer", r.id)))?;
            let mut dto = Consultation {
                id: r.id.0,
                institution_id: r.institution_id.0,
                channel: decode(&r.channel)?,
                customer_id: r.customer_id.0,
                customer,
                owner: person(r.owner_id),
                referred_to: r.referred_to_id.map(person),
                referred_doctor: r.referred_doctor_id.map(|id| ConsultationPerson {
                    id: id.0,
                    name: doctors.get(&id).cloned().unwrap_or_default(),
                }),
                referral_note: r.referral_note,
                department_id: r.department_id.map(|x| x.0),
                department: r.department_id.and_then(|x| departments.get(&x).cloned()),
                topic: r.topic,
                question: r.question,
                answer: r.answer,
                outcome: decode_opt(r.outcome.as_deref())?,
                state: decode(&r.state)?,
                callback_task_id: r.callback_task_id.map(|x| x.0),
                received_at: utc(r.received_at),
                closed_at: r.closed_at.map(utc),
                closed_by: r.closed_by.map(|x| x.0),
                complaint_prefill: None,
                version: r.version,
                created_at: utc(r.created_at),
                updated_at: utc(r.updated_at),
            };
            dto.complaint_prefill = complaint_prefill(&dto);
            Ok(dto)
        })
        .collect()
}

/// One consultation; `NotFound` when its institution is outside `scope`.
pub fn get(conn: &mut DbConn, scope: &Scope, id: Uuid) -> Result<Consultation, DbError> {
    let row = k::table
        .find(ConsultationId::from(id))
        .into_boxed::<Db>()
        .in_scope(k::institution_id, scope)
        .select(Row::as_select())
        .first::<Row>(conn)?;
    dtos(conn, vec![row])?.pop().ok_or(DbError::NotFound)
}

/// List filters; every one optional.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub institution_id: Option<Uuid>,
    pub customer_id: Option<Uuid>,
    pub owner_id: Option<Uuid>,
    /// Owned by or referred to this user.
    pub involving: Option<Uuid>,
    pub referred_to_id: Option<Uuid>,
    pub state: Option<ConsultationState>,
    pub outcome: Option<ConsultationOutcome>,
    pub channel: Option<ConsultationChannel>,
    pub department_id: Option<Uuid>,
    /// Received at or after.
    pub received_from: Option<NaiveDateTime>,
    /// Received before.
    pub received_before: Option<NaiveDateTime>,
}

fn filtered<'a>(scope: &Scope, f: &'a Filter) -> k::BoxedQuery<'a, Db> {
    let mut q = k::table.into_boxed().in_scope(k::institution_id, scope);
    if let Some(v) = f.institution_id {
        q = q.filter(k::institution_id.eq(InstitutionId::from(v)));
    }
    if let Some(v) = f.customer_id {
        q = q.filter(k::customer_id.eq(CustomerId::from(v)));
    }
    if let Some(v) = f.owner_id {
        q = q.filter(k::owner_id.eq(UserId::from(v)));
    }
    if let Some(v) = f.involving {
        let v = UserId::from(v);
        q = q.filter(
            k::owner_id
                .eq(v)
                .or(k::referred_to_id.eq(v).assume_not_null()),
        );
    }
    if let Some(v) = f.referred_to_id {
        q = q.filter(k::referred_to_id.eq(UserId::from(v)));
    }
    if let Some(v) = f.state {
        q = q.filter(k::state.eq(v.code()));
    }
    if let Some(v) = f.outcome {
        q = q.filter(k::outcome.eq(v.code()));
    }
    if let Some(v) = f.channel {
        q = q.filter(k::channel.eq(v.code()));
    }
    if let Some(v) = f.department_id {
        q = q.filter(k::department_id.eq(DepartmentId::from(v)));
    }
    if let Some(v) = f.received_from {
        q = q.filter(k::received_at.ge(v));
    }
    if let Some(v) = f.received_before {
        q = q.filter(k::received_at.lt(v));
    }
    q
}

/// A page of consultations in `scope` matching `f`, the newest first, and the total.
pub fn list(
    conn: &mut DbConn,
    scope: &Scope,
    f: &Filter,
    window: ListWindow,
) -> Result<(Vec<Consultation>, i64), DbError> {
    let (rows, total) = counted_page!(
        conn,
        filtered(scope, f),
        |q| q.order((k::received_at.desc(), k::id.desc())),
        Row,
        window
    );
    Ok((dtos(conn, rows)?, total))
}

/// A change of a consultation, as the API decided it (`None`: stays).
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = k)]
pub struct Changes {
    pub department_id: Option<Option<DepartmentId>>,
    pub topic: Option<Option<String>>,
    pub question: Option<String>,
    pub answer: Option<Option<String>>,
    pub referred_to_id: Option<Option<UserId>>,
    pub referred_doctor_id: Option<Option<DoctorId>>,
    pub referral_note: Option<Option<String>>,
    pub outcome: Option<Option<String>>,
    pub state: Option<String>,
    pub callback_task_id: Option<Option<TaskId>>,
    pub closed_at: Option<Option<NaiveDateTime>>,
    pub closed_by: Option<Option<UserId>>,
    pub updated_at: Option<NaiveDateTime>,
}

impl Changes {
    /// Closing by `by` now with `outcome`.
    pub fn close(outcome: ConsultationOutcome, by: Uuid) -> Changes {
        Changes {
            outcome: Some(Some(outcome.code().to_string())),
            state: Some(ConsultationState::Closed.code().to_string()),
            closed_at: Some(Some(now())),
            closed_by: Some(Some(by.into())),
            ..Changes::default()
        }
    }
}

/// Applies `changes` at `expected_version`; returns (before, after).
pub fn update(
    conn: &mut DbConn,
    scope: &Scope,
    id: Uuid,
    expected_version: i32,
    mut changes: Changes,
) -> Result<(Consultation, Consultation), DbError> {
    changes.updated_at = Some(now());
    let before = versioned_update(
        conn,
        expected_version,
        |c| get(c, scope, id),
        |r| r.version,
        |conn, _| bump_version!(conn, k, ConsultationId::from(id), expected_version, changes),
    )?;
    let after = get(conn, scope, id)?;
    Ok((before, after))
}

/// Links the call-back task made for a consultation (in the same transaction as its create,
/// so the version does not move).
pub fn link_callback(conn: &mut DbConn, id: Uuid, task: Uuid) -> Result<(), DbError> {
    diesel::update(k::table.find(ConsultationId::from(id)))
        .set(k::callback_task_id.eq(Some(TaskId::from(task))))
        .execute(conn)?;
    Ok(())
}

/// One small row per consultation received in `[from, before)` in `institutions`, for the
/// daily statistics; `zone` gives each row's day.
pub fn stat_rows(
    conn: &mut DbConn,
    institutions: &[Uuid],
    from: NaiveDateTime,
    before: NaiveDateTime,
    zone: &str,
) -> Result<Vec<StatRow>, DbError> {
    type Raw = (
        NaiveDateTime,
        UserId,
        String,
        Option<DepartmentId>,
        Option<String>,
        String,
        Option<UserId>,
        Option<DoctorId>,
    );
    let ids: Vec<InstitutionId> = institutions
        .iter()
        .copied()
        .map(InstitutionId::from)
        .collect();
    let rows: Vec<Raw> = k::table
        .filter(k::institution_id.eq_any(ids))
        .filter(k::received_at.ge(from))
        .filter(k::received_at.lt(before))
        .select((
            k::received_at,
            k::owner_id,
            k::channel,
            k::department_id,
            k::outcome,
            k::state,
            k::referred_to_id,
            k::referred_doctor_id,
        ))
        .load(conn)?;
    let owners: Vec<UserId> = rows.iter().map(|r| r.1).collect();
    let names = crate::users::display_names(conn, &owners)?;
    let department_ids: Vec<DepartmentId> = rows.iter().filter_map(|r| r.3).collect();
    let departments: HashMap<DepartmentId, String> = if department_ids.is_empty() {
        HashMap::new()
    } else {
        d::table
            .filter(d::id.eq_any(&department_ids))
            .select((d::id, d::name))
            .load::<(DepartmentId, String)>(conn)?
            .into_iter()
            .collect()
    };
    rows.into_iter()
        .map(
            |(at, owner, channel, department, outcome, state, referred, doctor)| {
                Ok(StatRow {
                    day: hcrm_domain::time::date_in(utc(at), zone),
                    owner_id: owner.0,
                    owner_name: names.get(&owner).cloned().unwrap_or_default(),
                    channel: decode(&channel)?,
                    department_id: department.map(|x| x.0),
                    department_name: department.and_then(|x| departments.get(&x).cloned()),
                    outcome: decode_opt(outcome.as_deref())?,
                    state: decode(&state)?,
                    referred: referred.is_some() || doctor.is_some(),
                })
            },
        )
        .collect()
}

/// The customer's consultations on the 360 timeline (CUS-11): received (the topic and the
/// question's start) and closed (the outcome and the answer's start).
pub(crate) fn timeline_source(
    conn: &mut DbConn,
    customer_id: CustomerId,
    before: Option<NaiveDateTime>,
    limit: i64,
) -> Result<Vec<hcrm_domain::api::timeline::TimelineEntry>, DbError> {
    use hcrm_domain::api::timeline::{TimelineEntry, TimelineEntryKind as Kind};
    let mut received = k::table.filter(k::customer_id.eq(customer_id)).into_boxed();
    if let Some(b) = before {
        received = received.filter(k::received_at.lt(b));
    }
    let received: Vec<Row> = received
        .order((k::received_at.desc(), k::id.desc()))
        .select(Row::as_select())
        .limit(limit)
        .load(conn)?;
    let mut closed = k::table
        .filter(k::customer_id.eq(customer_id))
        .filter(k::closed_at.is_not_null())
        .into_boxed();
    if let Some(b) = before {
        closed = closed.filter(k::closed_at.lt(b));
    }
    let closed: Vec<Row> = closed
        .order((k::closed_at.desc(), k::id.desc()))
        .select(Row::as_select())
        .limit(limit)
        .load(conn)?;
    let mut out = Vec::with_capacity(received.len() + closed.len());
    for r in received {
        out.push(TimelineEntry {
            subject: r.topic,
            note: Some(crate::timeline::excerpt(&r.question, 120)),
            consultation_channel: Some(decode(&r.channel)?),
            ..TimelineEntry::new(
                utc(r.received_at),
                Kind::ConsultationReceived,
                "consultation",
                r.id.0,
                Some(r.owner_id.0),
            )
        });
    }
    for r in closed {
        let Some(at) = r.closed_at else { continue };
        out.push(TimelineEntry {
            subject: r.topic,
            note: r.answer.map(|a| crate::timeline::excerpt(&a, 120)),
            consultation_outcome: decode_opt(r.outcome.as_deref())?,
            ..TimelineEntry::new(
                utc(at),
                Kind::ConsultationClosed,
                "consultation",
                r.id.0,
                r.closed_by.map(|x| x.0),
            )
        });
    }
    out.sort_by(|a, b| b.at.cmp(&a.at).then_with(|| b.entity_id.cmp(&a.entity_id)));
    out.truncate(usize::try_from(limit).unwrap_or(0));
    Ok(out)
}

/// CUS-10: a consultation follows its customer to the kept record.
pub(crate) fn merge_step(
    conn: &mut DbConn,
    crate::merge::Duplicate(from): crate::merge::Duplicate,
    crate::merge::Kept(into): crate::merge::Kept,
) -> Result<usize, DbError> {
    Ok(diesel::update(k::table.filter(k::customer_id.eq(from)))
        .set(k::customer_id.eq(into))
        .execute(conn)?)
}
