//! HL7 FHIR R4 (INT-4): the resources the API emits (Patient, Appointment, Bundle,
//! OperationOutcome, CapabilityStatement) as hand-written serde structs, and the pure mapping
//! between them and our records. No Rust crate validates R4 (`fhir-sdk` has STU3/R4B/R5 only),
//! so validity is proven outside: `scripts/fhir-check.sh` runs the `fhir.resources` models
//! and HL7's R4 JSON schema over the running server's answers.
//!
//! Only elements we emit or read are typed here; everything is `camelCase` as FHIR JSON is,
//! and absent values are left out (FHIR forbids `null` and empty arrays).

mod appointment;
mod capability;
mod outcome;
mod patient;
mod search;
#[cfg(test)]
mod tests;

#[cfg(feature = "zones")]
pub use appointment::session_times;
pub use appointment::{
    Appointment, AppointmentParticipant, KIND_SYSTEM, SessionTimes, appointment_of, half_day_hours,
};
pub use capability::{CapabilityStatement, capability_statement};
pub use outcome::{IssueSeverity, IssueType, OperationOutcome, OutcomeIssue};
pub use patient::{
    Institution, NewPatient, Patient, PatientInput, expression_of, human_name, institution_system,
    new_patient, patient_of,
};
pub use search::{
    AppointmentSearch, Bundle, BundleEntry, BundleLink, BundleSearch, DEFAULT_COUNT, DateBounds,
    Handling, IdentifierQuery, MAX_COUNT, MAX_OFFSET, NameMatch, Paging, PatientSearch,
    SearchError, SearchPage, appointment_search, common_parameters, date_bounds, is_json_body,
    negotiate, patient_search, searchset,
};

use serde::{Deserialize, Serialize};

/// The FHIR version served.
pub const FHIR_VERSION: &str = "4.0.1";

/// The media type of FHIR JSON.
pub const FHIR_JSON: &str = "application/fhir+json";

/// 居民身份证号 — the resident ID number's system: the OID WS/T 500 (电子病历共享文档规范)
/// gives the patient's ID number (`患者身份证号标识`). (`2.16.156.10011.1.5`, sometimes
/// suggested, is the health institution's organisation code in the same table.)
pub const RESIDENT_ID_SYSTEM: &str = "urn:oid:2.16.156.10011.1.3";

/// Our own namespace of identifier systems: `urn:hcrm:<institution code>:card` (the card
/// number), `urn:hcrm:<institution code>:<external system>` (a HIS id, e.g. `urn:hcrm:BJ01:his`),
/// `urn:hcrm:id:<id type>` (documents other than the resident ID card),
/// `urn:hcrm:institution` (an institution by its code), `urn:hcrm:doctor` and
/// `urn:hcrm:resource` (a doctor or an examination resource by id).
pub const NAMESPACE: &str = "urn:hcrm";

/// The system of an institution's code (a managing organisation named by identifier).
pub const INSTITUTION_SYSTEM: &str = "urn:hcrm:institution";

/// HL7 v2 table 0203, the identifier types.
pub const V2_0203: &str = "http://terminology.hl7.org/CodeSystem/v2-0203";

/// The extension carrying an address's GB/T 2260 division code (six digits, the most
/// specific level known).
pub const DIVISION_CODE_EXTENSION: &str = "urn:hcrm:fhir:StructureDefinition:division-code";

/// The security label of a resource whose numbers are masked for this caller.
pub const OBSERVATION_VALUE: &str = "http://terminology.hl7.org/CodeSystem/v3-ObservationValue";

/// A system part of our namespace: every byte but unreserved ASCII percent-encoded, so that a
/// HIS system named with spaces or Chinese stays one URI token (FHIR `uri` has no spaces).
pub fn system_part(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The text of a [`system_part`] again; `None` when it is not percent-encoded UTF-8.
pub fn system_part_decoded(part: &str) -> Option<String> {
    let bytes = part.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = part.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// `Meta`: the version and time of the record, and security labels.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = FhirMeta))]
#[serde(rename_all = "camelCase")]
pub struct Meta {
    /// Our record's version (the JSON API's `version`, `ETag`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
    /// An instant with a time zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_updated: Option<String>,
    /// `MASKED` (v3-ObservationValue) when numbers are masked for this caller.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub security: Vec<Coding>,
}

/// `Coding`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = FhirCoding))]
#[serde(rename_all = "camelCase")]
pub struct Coding {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
}

impl Coding {
    pub fn new(system: &str, code: &str, display: &str) -> Coding {
        Coding {
            system: Some(system.into()),
            code: Some(code.into()),
            display: Some(display.into()),
        }
    }
}

/// `CodeableConcept`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = FhirCodeableConcept))]
#[serde(rename_all = "camelCase")]
pub struct CodeableConcept {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub coding: Vec<Coding>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

impl CodeableConcept {
    pub fn text(text: &str) -> CodeableConcept {
        CodeableConcept {
            coding: Vec::new(),
            text: Some(text.into()),
        }
    }
}

/// `Extension` with the value types we emit (others are read and ignored).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = FhirExtension))]
#[serde(rename_all = "camelCase")]
pub struct Extension {
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_code: Option<String>,
}

/// `Identifier`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = FhirIdentifier))]
#[serde(rename_all = "camelCase")]
pub struct Identifier {
    /// `usual`, `official`, `temp`, `secondary`, `old`.
    #[serde(default, rename = "use", skip_serializing_if = "Option::is_none")]
    pub use_: Option<String>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<CodeableConcept>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// `HumanName`: `text` is the name as written (Chinese text), `family` and `given` its split.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = FhirHumanName))]
#[serde(rename_all = "camelCase")]
pub struct HumanName {
    #[serde(default, rename = "use", skip_serializing_if = "Option::is_none")]
    pub use_: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub given: Vec<String>,
}

/// `ContactPoint`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = FhirContactPoint))]
#[serde(rename_all = "camelCase")]
pub struct ContactPoint {
    /// `phone`, `email` (also `fax`, `pager`, `url`, `sms`, `other`, which we do not keep).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// `home`, `work`, `temp`, `old`, `mobile`.
    #[serde(default, rename = "use", skip_serializing_if = "Option::is_none")]
    pub use_: Option<String>,
    /// 1 for the primary mobile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub rank: Option<u32>,
}

/// `Address`: `state` is the province, `district` the district or county, `line` the street.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = FhirAddress))]
#[serde(rename_all = "camelCase")]
pub struct Address {
    /// The GB/T 2260 code of the most specific division given ([`DIVISION_CODE_EXTENSION`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(default, rename = "use", skip_serializing_if = "Option::is_none")]
    pub use_: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub line: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub district: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

/// `Reference`: a literal reference (`Patient/<id>`) to what this server serves, else a
/// logical one by identifier, with the display text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = FhirReference))]
#[serde(rename_all = "camelCase")]
pub struct Reference {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<Identifier>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
}

/// A FHIR `instant` (UTC, milliseconds).
pub fn instant(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
