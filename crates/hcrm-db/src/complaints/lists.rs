//! The complaint list by urgency (CMP-5) and the complaints on a customer's timeline (CUS-11).

use super::*;

/// Complaints in `scope` matching `f`, the most urgent first: by the deadline of the most
/// urgent running clock (cases with none — closed, or waiting on the patient — last), then
/// by receipt. Time left is computed at `at` on each institution's calendar.
pub fn list(
    conn: &mut DbConn,
    scope: &Scope,
    f: &Filter,
    w: ListWindow,
    at: DateTime<Utc>,
) -> Result<(Vec<ComplaintListItem>, i64), DbError> {
    use crate::schema::complaint_clocks as k;
    let t = micros(at);
    let query = || {
        let mut q = c::table
            .into_boxed::<Db>()
            .in_scope(c::institution_id, scope);
        if let Some(s) = f.state {
            q = q.filter(c::state.eq(s.code()));
        }
        match f.open {
            Some(true) => q = q.filter(c::state.ne(ComplaintState::Closed.code())),
            Some(false) => q = q.filter(c::state.eq(ComplaintState::Closed.code())),
            None => {}
        }
        if let Some(cat) = f.category {
            q = q.filter(c::category.eq(cat.code()));
        }
        if let Some(i) = f.institution_id {
            q = q.filter(c::institution_id.eq(InstitutionId::from(i)));
        }
        if let Some(customer) = f.customer_id {
            q = q.filter(c::customer_id.eq(CustomerId::from(customer)));
        }
        if let Some(me) = f.mine {
            let me = UserId::from(me);
            q = q.filter(c::receiver_id.eq(me).or(c::handler_id.eq(me)));
        }
        if let Some(b) = f.breached {
            let breached = k::table
                .filter(
                    k::breached_at.is_not_null().or(k::stopped_at
                        .is_null()
                        .and(k::paused_since.is_null())
                        .and(k::deadline.lt(t))),
                )
                .select(k::complaint_id);
            q = if b {
                q.filter(c::id.eq_any(breached))
            } else {
                q.filter(c::id.ne_all(breached))
            };
        }
        q
    };
    let (rows, total) = counted_page!(
        conn,
        query(),
        |q| q.order((
            c::urgent_deadline.is_null().asc(),
            c::urgent_deadline.asc(),
            c::received_at.asc(),
            c::id.asc(),
        )),
        Row,
        w
    );
    let ids: Vec<ComplaintId> = rows.iter().map(|r| r.id).collect();
    let mut clocks_by = clocks::of_many(conn, &ids)?;
    let customers: Vec<CustomerId> = rows.iter().map(|r| r.customer_id).collect();
    let forms: HashMap<CustomerId, String> = {
        use crate::schema::customers as cu;
        cu::table
            .filter(cu::id.eq_any(&customers))
            .select((cu::id, cu::form_of_address))
            .load::<(CustomerId, String)>(conn)?
            .into_iter()
            .collect()
    };
    let mut calendars = crate::calendars::Calendars::default();
    let mut items = Vec::with_capacity(rows.len());
    for r in rows {
        let calendar = calendars.of(conn, r.institution_id.0)?;
        let views: Vec<_> = clocks_by
            .remove(&r.id)
            .unwrap_or_default()
            .iter()
            .map(|k| k.view(calendar, at))
            .collect::<Result<_, _>>()?;
        let urgent = views
            .iter()
            .filter(|v| matches!(v.state, ClockState::Running | ClockState::Breached))
            .filter(|v| v.stopped_at.is_none() && v.paused_since.is_none())
            .min_by_key(|v| v.deadline);
        let national = views
            .iter()
            .find(|v| v.national && v.stopped_at.is_none())
            .map(|v| v.seconds_left);
        items.push(ComplaintListItem {
            id: r.id.0,
            institution_id: r.institution_id.0,
            time_zone: calendar.zone().name().to_string(),
            number: r.number,
            channel: decode(&r.channel)?,
            state: decode(&r.state)?,
            category: decode_opt(r.category.as_deref())?,
            severity: decode_opt(r.severity.as_deref())?,
            major_dispute: r.major_dispute,
            waiting_on_patient: r.waiting_on_patient,
            customer_id: r.customer_id.0,
            complainant: forms.get(&r.customer_id).cloned().unwrap_or_default(),
            received_at: utc(r.received_at),
            receiver_id: r.receiver_id.0,
            handler_id: r.handler_id.map(|h| h.0),
            urgent_clock: urgent.map(|v| v.kind),
            urgent_deadline: urgent.map(|v| v.deadline),
            urgent_seconds_left: urgent.map(|v| v.seconds_left),
            national_seconds_left: national,
            breached: views.iter().any(|v| v.state == ClockState::Breached),
            version: r.version,
        });
    }
    Ok((items, total))
}

/// The customer's complaints on their 360 timeline (CUS-11): when each was received (its
/// number, the start of what the patient said, by the receiver) and when it was closed (its
/// outcome). Newest `limit` of each, strictly older than `before`.
pub(crate) fn timeline_source(
    conn: &mut DbConn,
    customer_id: CustomerId,
    before: Option<NaiveDateTime>,
    limit: i64,
) -> Result<Vec<hcrm_domain::api::timeline::TimelineEntry>, DbError> {
    use hcrm_domain::api::timeline::{TimelineEntry, TimelineEntryKind as Kind};
    let mut received = c::table.filter(c::customer_id.eq(customer_id)).into_boxed();
    if let Some(b) = before {
        received = received.filter(c::received_at.lt(b));
    }
    let received: Vec<(ComplaintId, String, String, UserId, NaiveDateTime)> = received
        .order((c::received_at.desc(), c::id.desc()))
        .select((
            c::id,
            c::number,
            c::description,
            c::receiver_id,
            c::received_at,
        ))
        .limit(limit)
        .load(conn)?;
    let mut closed = c::table
        .filter(c::customer_id.eq(customer_id))
        .filter(c::closed_at.is_not_null())
        .into_boxed();
    if let Some(b) = before {
        closed = closed.filter(c::closed_at.lt(b));
    }
    let closed: Vec<(ComplaintId, String, Option<String>, Option<NaiveDateTime>)> = closed
        .order((c::closed_at.desc(), c::id.desc()))
        .select((c::id, c::number, c::outcome, c::closed_at))
        .limit(limit)
        .load(conn)?;
    let mut out = Vec::with_capacity(received.len() + closed.len());
    for (id, number, description, by, at) in received {
        out.push(TimelineEntry {
            subject: Some(number),
            note: Some(crate::timeline::excerpt(&description, 120)),
            ..TimelineEntry::new(
                utc(at),
                Kind::ComplaintReceived,
                "complaint",
                id.uuid(),
                Some(by.uuid()),
            )
        });
    }
    for (id, number, outcome, at) in closed {
        let Some(at) = at else { continue };
        out.push(TimelineEntry {
            subject: Some(number),
            note: outcome,
            ..TimelineEntry::new(utc(at), Kind::ComplaintClosed, "complaint", id.uuid(), None)
        });
    }
    out.sort_by(|a, b| b.at.cmp(&a.at).then_with(|| b.entity_id.cmp(&a.entity_id)));
    out.truncate(usize::try_from(limit).unwrap_or(0));
    Ok(out)
}
