//! The domain events of complaints (INT-2/INT-3), raised from here alone: recorded and closed
//! after every write of a case ([`raise`], once per case and kind), escalated from the
//! escalation job ([`raise_escalation`], once per clock and level).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use hcrm_domain::api::events::DomainEventKind;
use hcrm_domain::complaint::{ClockKind, ComplaintState, Escalation};

use crate::conn::DbConn;
use crate::error::DbError;
use crate::events::{self, NewEvent};
use crate::ids::{ComplaintId, CustomerId, InstitutionId};
use crate::kit::decode;
use crate::schema::complaints as c;
use crate::util::utc;

type Facts = (
    InstitutionId,
    CustomerId,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    bool,
    chrono::NaiveDateTime,
    Option<chrono::NaiveDateTime>,
);

/// The case's facts for a receiver: its number, state and classification — never the
/// complainant's words or demands (personal data stays behind the API).
fn facts(conn: &mut DbConn, id: ComplaintId) -> Result<(Facts, serde_json::Value), DbError> {
    let f: Facts = c::table
        .find(id)
        .select((
            c::institution_id,
            c::customer_id,
            c::number,
            c::state,
            c::channel,
            c::category,
            c::severity,
            c::major_dispute,
            c::received_at,
            c::closed_at,
        ))
        .first(conn)?;
    let payload = serde_json::json!({
        "complaint_id": id.0,
        "number": f.2,
        "state": f.3,
        "channel": f.4,
        "category": f.5,
        "severity": f.6,
        "major_dispute": f.7,
        "received_at": utc(f.8),
        "closed_at": f.9.map(utc),
    });
    Ok((f, payload))
}

/// After every write of a case: `complaint_created` (once), and `complaint_closed` once it
/// is closed (settled on the spot too). Run in the write's transaction.
pub(crate) fn raise(conn: &mut DbConn, id: ComplaintId) -> Result<(), DbError> {
    let (f, payload) = facts(conn, id)?;
    let state: ComplaintState = decode(&f.3)?;
    let mut due = vec![(DomainEventKind::ComplaintCreated, f.8)];
    if state == ComplaintState::Closed {
        due.push((DomainEventKind::ComplaintClosed, f.9.unwrap_or(f.8)));
    }
    for (kind, at) in due {
        events::raise(
            conn,
            NewEvent {
                kind,
                subject_type: "complaint",
                subject_id: id.0,
                institution_id: f.0.0,
                customer_id: Some(f.1.0),
                occurred_at: at,
                payload: payload.clone(),
            },
        )?;
    }
    Ok(())
}

/// An escalation sent (CMP-5b): one `complaint_escalated` per clock and level — the subject is
/// the clock at that level (`complaint_clock.warning`, `.breach`, `.president`), so a case
/// escalated on two clocks or at two levels raises one event each, and a second server
/// sending the same escalation raises none.
pub(crate) fn raise_escalation(
    conn: &mut DbConn,
    complaint: ComplaintId,
    clock: uuid::Uuid,
    kind: ClockKind,
    level: Escalation,
    at: DateTime<Utc>,
) -> Result<(), DbError> {
    let (f, mut payload) = facts(conn, complaint)?;
    if let Some(map) = payload.as_object_mut() {
        map.insert("clock".into(), kind.code().into());
        map.insert("clock_id".into(), clock.to_string().into());
        map.insert("level".into(), level.code().into());
    }
    let subject_type = match level {
        Escalation::Warning => "complaint_clock.warning",
        Escalation::Breach => "complaint_clock.breach",
        Escalation::President => "complaint_clock.president",
    };
    events::raise(
        conn,
        NewEvent {
            kind: DomainEventKind::ComplaintEscalated,
            subject_type,
            subject_id: clock,
            institution_id: f.0.0,
            customer_id: Some(f.1.0),
            occurred_at: at.naive_utc(),
            payload,
        },
    )?;
    Ok(())
}
