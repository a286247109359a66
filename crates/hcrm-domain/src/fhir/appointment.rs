//! `Appointment` from our appointment (SVC-2): the status, the clinic session's half-day as
//! start and end, the patient and the doctor (or examination resource) as participants, the
//! kind as `serviceType` and the department as `specialty`.
//!
//! | ours | FHIR `status` |
//! |---|---|
//! | booked | booked |
//! | arrived | arrived |
//! | no_show | noshow |
//! | cancelled | cancelled (`cancelationReason` the reason) |
//! | rebooking (the session was cancelled: a leave) | cancelled (`cancelationReason` 停诊待改约 and the session's reason); it becomes `booked` again when rescheduled |

use chrono::{DateTime, FixedOffset, NaiveTime};
use serde::{Deserialize, Serialize};

use super::*;
use crate::api::appointments::Appointment as Booking;
use crate::api::org::HalfDay;
use crate::appointment::AppointmentStatus;
use crate::customer::CustomerKind;
use crate::{Label, Lang};

/// Our appointment kinds as a code system.
pub const KIND_SYSTEM: &str = "urn:hcrm:appointment-kind";

/// A participant of an appointment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = FhirAppointmentParticipant))]
#[serde(rename_all = "camelCase")]
pub struct AppointmentParticipant {
    #[serde(default, rename = "type", skip_serializing_if = "Vec::is_empty")]
    pub type_: Vec<CodeableConcept>,
    pub actor: Reference,
    /// `required`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<String>,
    /// `accepted`.
    pub status: String,
}

/// `Appointment` as we emit it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = FhirAppointment, example = json!({
    "resourceType": "Appointment", "id": "0193a1d2-7c4e-7b10-8000-000000000030",
    "meta": {"versionId": "1", "lastUpdated": "2026-12-01T08:00:00.000Z"},
    "status": "booked",
    "serviceType": [{"coding": [{"system": KIND_SYSTEM, "code": "expert_consultation", "display": "Expert consultation"}], "text": "预约专家"}],
    "specialty": [{"text": "心内科"}],
    "start": "2026-12-10T08:00:00+08:00", "end": "2026-12-10T12:00:00+08:00",
    "created": "2026-12-01T08:00:00.000Z",
    "participant": [
        {"actor": {"reference": "Patient/0193a1d2-7c4e-7b10-8000-000000000010", "type": "Patient", "display": "王芳"}, "required": "required", "status": "accepted"},
        {"actor": {"type": "Practitioner", "identifier": {"system": "urn:hcrm:doctor", "value": "0193a1d2-7c4e-7b10-8000-000000000003"}, "display": "李建国 主任医师"}, "required": "required", "status": "accepted"}
    ]
})))]
#[serde(rename_all = "camelCase")]
pub struct Appointment {
    /// Always `Appointment`.
    #[cfg_attr(feature = "openapi", schema(pattern = "^Appointment$"))]
    pub resource_type: String,
    pub id: String,
    pub meta: Meta,
    /// `booked`, `arrived`, `noshow`, `cancelled`.
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancelation_reason: Option<CodeableConcept>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub service_type: Vec<CodeableConcept>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub specialty: Vec<CodeableConcept>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The session's half-day start, in the institution's zone.
    pub start: String,
    pub end: String,
    pub created: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[cfg_attr(feature = "openapi", schema(min_items = 1))]
    pub participant: Vec<AppointmentParticipant>,
}

/// When a half-day session runs, as local clock times: the default working intervals of the
/// business calendar (ORG-3) for morning and afternoon, and an evening clinic's 18:00–21:00
/// (a session has no clock times of its own, ORG-2).
pub fn half_day_hours(h: HalfDay) -> (NaiveTime, NaiveTime) {
    let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default();
    match h {
        HalfDay::Morning => (t(8, 0), t(12, 0)),
        HalfDay::Afternoon => (t(13, 30), t(17, 30)),
        HalfDay::Evening => (t(18, 0), t(21, 0)),
    }
}

/// The session's start and end in the institution's zone (computed by the caller, which has
/// the time-zone database: the web app's build of this crate does not).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionTimes {
    pub start: DateTime<FixedOffset>,
    pub end: DateTime<FixedOffset>,
}

/// The session of `date` and `half` in the institution's zone `zone` (a local time a clock
/// change skips is read as UTC: no mainland zone has one).
#[cfg(feature = "zones")]
pub fn session_times(date: chrono::NaiveDate, half: HalfDay, zone: &str) -> SessionTimes {
    use chrono::TimeZone;
    let tz = crate::time::zone(zone);
    let (start, end) = half_day_hours(half);
    let at = |t: NaiveTime| {
        let local = date.and_time(t);
        tz.from_local_datetime(&local)
            .earliest()
            .map(|d| d.fixed_offset())
            .unwrap_or_else(|| chrono::Utc.from_utc_datetime(&local).fixed_offset())
    };
    SessionTimes {
        start: at(start),
        end: at(end),
    }
}

fn participant(actor: Reference) -> AppointmentParticipant {
    AppointmentParticipant {
        type_: Vec::new(),
        actor,
        required: Some("required".into()),
        status: "accepted".into(),
    }
}

/// The Appointment of booking `b`, its session running at `times`.
pub fn appointment_of(b: &Booking, times: SessionTimes) -> Appointment {
    let (status, reason) = match b.status {
        AppointmentStatus::Booked => ("booked", None),
        AppointmentStatus::Arrived => ("arrived", None),
        AppointmentStatus::NoShow => ("noshow", None),
        AppointmentStatus::Cancelled => (
            "cancelled",
            Some(b.cancel_reason.clone().unwrap_or_else(|| "已取消".into())),
        ),
        AppointmentStatus::Rebooking => (
            "cancelled",
            Some(match &b.session.cancel_reason {
                Some(r) => format!("停诊，待改约：{r}"),
                None => "停诊，待改约".into(),
            }),
        ),
    };
    let kind = b.kind;
    let mut participants = Vec::new();
    let customer = &b.customer;
    participants.push(match customer.kind {
        CustomerKind::Individual => participant(Reference {
            reference: Some(format!("Patient/{}", customer.id)),
            type_: Some("Patient".into()),
            identifier: None,
            display: Some(customer.name.clone()),
        }),
        // An organisation's group booking: not a Patient; named, with its places.
        CustomerKind::Organization => AppointmentParticipant {
            type_: vec![CodeableConcept::text(&format!(
                "团体预约（{} 人）",
                b.places
            ))],
            ..participant(Reference {
                display: Some(customer.name.clone()),
                ..Default::default()
            })
        },
    });
    let s = &b.session;
    if let (Some(id), Some(name)) = (s.doctor_id, &s.doctor_name) {
        let display = match &s.doctor_title {
            Some(t) if !t.is_empty() => format!("{name} {t}"),
            _ => name.clone(),
        };
        participants.push(participant(Reference {
            reference: None,
            type_: Some("Practitioner".into()),
            identifier: Some(Identifier {
                system: Some(format!("{NAMESPACE}:doctor")),
                value: Some(id.to_string()),
                ..Default::default()
            }),
            display: Some(display),
        }));
    }
    if let (Some(id), Some(name)) = (s.resource_id, &s.resource_name) {
        participants.push(participant(Reference {
            reference: None,
            type_: Some("Location".into()),
            identifier: Some(Identifier {
                system: Some(format!("{NAMESPACE}:resource")),
                value: Some(id.to_string()),
                ..Default::default()
            }),
            display: Some(name.clone()),
        }));
    }
    Appointment {
        resource_type: "Appointment".into(),
        id: b.id.to_string(),
        meta: Meta {
            version_id: Some(b.version.to_string()),
            last_updated: Some(instant(b.updated_at)),
            security: Vec::new(),
        },
        status: status.into(),
        cancelation_reason: reason.map(|r| CodeableConcept::text(&r)),
        service_type: vec![CodeableConcept {
            coding: vec![Coding::new(KIND_SYSTEM, kind.code(), kind.label(Lang::En))],
            text: Some(kind.label(Lang::Zh).into()),
        }],
        specialty: s
            .department_name
            .as_deref()
            .map(CodeableConcept::text)
            .into_iter()
            .collect(),
        description: None,
        start: times
            .start
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        end: times
            .end
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        created: instant(b.created_at),
        comment: b.note.clone().filter(|n| !n.trim().is_empty()),
        participant: participants,
    }
}
