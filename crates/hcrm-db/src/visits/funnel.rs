//! 服务漏斗 (SVC-5): the rows the funnel counts — the period's consultations (the cohort), the
//! appointments and visits of their customers from the period's start to its end plus the
//! window — read in scope; `hcrm_domain::api::funnel::count` does the counting and the
//! attribution (README, "Choices written down").

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use hcrm_domain::Scope;
use hcrm_domain::api::funnel::{
    Funnel, FunnelAppointment, FunnelConsultation, FunnelGroup, FunnelVisit, count,
};
use hcrm_domain::api::visits::VisitSequence;
use hcrm_domain::appointment::AppointmentStatus;
use uuid::Uuid;

use crate::conn::DbConn;
use crate::error::DbError;
use crate::ids::{CustomerId, DepartmentId, InstitutionId, UserId};
use crate::kit::InScope;
use crate::schema::{
    appointments as a, consultations as k, departments as d, institutions as i, users as u,
    visits as v,
};
use crate::util::utc;

/// What a funnel is asked for.
#[derive(Debug, Clone)]
pub struct FunnelQuery {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub group: FunnelGroup,
    pub window_days: i64,
    pub institution_id: Option<Uuid>,
    /// Only consultations of this channel (its code), department or agent.
    pub channel: Option<String>,
    pub department_id: Option<Uuid>,
    pub agent_id: Option<Uuid>,
}

/// A consultation as read: id, institution, customer, received, channel, department, agent.
type CohortRow = (
    String,
    InstitutionId,
    CustomerId,
    NaiveDateTime,
    String,
    Option<DepartmentId>,
    UserId,
);

/// Customers' ids per statement when reading their appointments and visits.
const CHUNK: usize = 1000;

/// The funnel of the consultations received in the period, in the institutions of `scope`.
pub fn funnel(conn: &mut DbConn, scope: &Scope, q: &FunnelQuery) -> Result<Funnel, DbError> {
    let zones: HashMap<InstitutionId, String> = i::table
        .select((i::id, i::time_zone))
        .load::<(InstitutionId, String)>(conn)?
        .into_iter()
        .collect();
    // The period in instants, a day wider on each side than any zone; each consultation is
    // then kept by its date in its institution's zone.
    let start = q.from.and_time(chrono::NaiveTime::MIN) - Duration::days(1);
    let end = q.to.and_time(chrono::NaiveTime::MIN) + Duration::days(2);
    let mut query = k::table
        .filter(k::received_at.ge(start))
        .filter(k::received_at.lt(end))
        .into_boxed()
        .in_scope(k::institution_id, scope);
    if let Some(x) = q.institution_id {
        query = query.filter(k::institution_id.eq(InstitutionId::from(x)));
    }
    if let Some(x) = &q.channel {
        query = query.filter(k::channel.eq(x.clone()));
    }
    if let Some(x) = q.department_id {
        query = query.filter(k::department_id.eq(DepartmentId::from(x)));
    }
    if let Some(x) = q.agent_id {
        query = query.filter(k::owner_id.eq(UserId::from(x)));
    }
    let rows: Vec<CohortRow> = query
        .select((
            k::id,
            k::institution_id,
            k::customer_id,
            k::received_at,
            k::channel,
            k::department_id,
            k::owner_id,
        ))
        .load(conn)?;
    let mut cohort = Vec::with_capacity(rows.len());
    for (id, inst, customer, at, channel, department, agent) in rows {
        let zone = zones.get(&inst).map_or("Asia/Shanghai", String::as_str);
        let received_on = hcrm_domain::time::date_in(utc(at), zone);
        if received_on < q.from || received_on > q.to {
            continue;
        }
        let id = Uuid::parse_str(&id)
            .map_err(|_| DbError::Corrupt(format!("consultation id {id:?}")))?;
        cohort.push(FunnelConsultation {
            id,
            institution_id: inst.0,
            customer_id: customer.0,
            received_at: utc(at),
            received_on,
            channel,
            department_id: department.map(|d| d.0),
            agent_id: agent.0,
        });
    }
    let customers: Vec<CustomerId> = cohort
        .iter()
        .map(|c| CustomerId::from(c.customer_id))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let first = cohort.iter().map(|c| c.received_at.naive_utc()).min();
    let last = cohort
        .iter()
        .map(|c| c.received_at.naive_utc() + Duration::days(q.window_days))
        .max();
    let (mut appointments, mut visits) = (Vec::new(), Vec::new());
    if let (Some(first), Some(last)) = (first, last) {
        for chunk in customers.chunks(CHUNK) {
            let booked: Vec<(InstitutionId, CustomerId, NaiveDateTime, String)> = a::table
                .filter(a::customer_id.eq_any(chunk))
                .filter(a::created_at.ge(first))
                .filter(a::created_at.le(last))
                .select((a::institution_id, a::customer_id, a::created_at, a::status))
                .load(conn)?;
            appointments.extend(booked.into_iter().map(|(inst, c, at, status)| {
                FunnelAppointment {
                    institution_id: inst.0,
                    customer_id: c.0,
                    booked_at: utc(at),
                    arrived: status == AppointmentStatus::Arrived.code(),
                }
            }));
            let seen: Vec<(InstitutionId, CustomerId, NaiveDateTime, i64, String)> = v::table
                .filter(v::customer_id.eq_any(chunk))
                .filter(v::visited_at.ge(first))
                .filter(v::visited_at.le(last))
                .select((
                    v::institution_id,
                    v::customer_id,
                    v::visited_at,
                    v::amount_fen,
                    v::sequence,
                ))
                .load(conn)?;
            visits.extend(
                seen.into_iter()
                    .map(|(inst, c, at, amount, sequence)| FunnelVisit {
                        institution_id: inst.0,
                        customer_id: c.0,
                        visited_at: utc(at),
                        amount_fen: amount,
                        return_visit: sequence == VisitSequence::Return.code(),
                    }),
            );
        }
    }
    let names = names_of(conn, &cohort, q.group)?;
    Ok(count(
        (q.from, q.to),
        q.group,
        q.window_days,
        cohort,
        &appointments,
        &visits,
        &names,
    ))
}

/// The departments' or agents' names of the rows.
fn names_of(
    conn: &mut DbConn,
    cohort: &[FunnelConsultation],
    group: FunnelGroup,
) -> Result<BTreeMap<Uuid, String>, DbError> {
    Ok(match group {
        FunnelGroup::Department => {
            let ids: BTreeSet<DepartmentId> = cohort
                .iter()
                .filter_map(|c| c.department_id.map(DepartmentId::from))
                .collect();
            let ids: Vec<DepartmentId> = ids.into_iter().collect();
            d::table
                .filter(d::id.eq_any(ids))
                .select((d::id, d::name))
                .load::<(DepartmentId, String)>(conn)?
                .into_iter()
                .map(|(id, name)| (id.0, name))
                .collect()
        }
        FunnelGroup::Agent => {
            let ids: BTreeSet<UserId> = cohort.iter().map(|c| UserId::from(c.agent_id)).collect();
            let ids: Vec<UserId> = ids.into_iter().collect();
            u::table
                .filter(u::id.eq_any(ids))
                .select((u::id, u::display_name))
                .load::<(UserId, String)>(conn)?
                .into_iter()
                .map(|(id, name)| (id.0, name))
                .collect()
        }
        _ => BTreeMap::new(),
    })
}
