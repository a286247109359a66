//! `CapabilityStatement` (`GET /fhir/r4/metadata`): what this server does.

use serde::{Deserialize, Serialize};

use super::*;

/// `CapabilityStatement.software` / `.implementation`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = FhirCapabilitySoftware))]
pub struct Software {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = FhirCapabilityImplementation))]
pub struct Implementation {
    pub description: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = FhirCapabilityInteraction))]
pub struct Interaction {
    /// `read`, `search-type`, `create`.
    pub code: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = FhirCapabilitySearchParam))]
pub struct SearchParam {
    pub name: String,
    /// `token`, `string`, `date`, `reference`, `number`.
    #[serde(rename = "type")]
    pub type_: String,
    pub documentation: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = FhirCapabilityResource))]
#[serde(rename_all = "camelCase")]
pub struct RestResource {
    #[serde(rename = "type")]
    pub type_: String,
    pub interaction: Vec<Interaction>,
    /// `versioned`: `meta.versionId` is the record's version.
    pub versioning: String,
    pub read_history: bool,
    pub update_create: bool,
    pub conditional_create: bool,
    pub search_param: Vec<SearchParam>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = FhirCapabilitySecurity))]
pub struct Security {
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = FhirCapabilityRest))]
pub struct Rest {
    /// `server`.
    pub mode: String,
    pub documentation: String,
    pub security: Security,
    pub resource: Vec<RestResource>,
}

/// `CapabilityStatement`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CapabilityStatement {
    /// Always `CapabilityStatement`.
    #[cfg_attr(feature = "openapi", schema(pattern = "^CapabilityStatement$"))]
    pub resource_type: String,
    pub name: String,
    pub title: String,
    /// `active`.
    pub status: String,
    /// The date of this statement (the release).
    pub date: String,
    pub publisher: String,
    pub description: String,
    /// `instance`.
    pub kind: String,
    pub software: Software,
    pub implementation: Implementation,
    pub fhir_version: String,
    pub format: Vec<String>,
    pub rest: Vec<Rest>,
}

fn param(name: &str, type_: &str, documentation: &str) -> SearchParam {
    SearchParam {
        name: name.into(),
        type_: type_.into(),
        documentation: documentation.into(),
    }
}

fn interactions(codes: &[&str]) -> Vec<Interaction> {
    codes
        .iter()
        .map(|c| Interaction {
            code: c.to_string(),
        })
        .collect()
}

fn paging_params() -> [SearchParam; 2] {
    [
        param(
            "_count",
            "number",
            "entries a page (default 20, at most 100: more is capped)",
        ),
        param(
            "_offset",
            "number",
            "the first entry of the page (0 to 10,000)",
        ),
    ]
}

/// The statement of this server at `base` (its FHIR base URL), version `version`.
pub fn capability_statement(base: &str, version: &str, date: &str) -> CapabilityStatement {
    let mut patient_params = vec![
        param(
            "identifier",
            "token",
            &format!(
                "system|value: {RESIDENT_ID_SYSTEM} (resident ID number), urn:hcrm:id:<id type>, \
                 urn:hcrm:<institution code>:card, urn:hcrm:<institution code>:<HIS system>; or \
                 the value alone (any of them)"
            ),
        ),
        param(
            "name",
            "string",
            "the name, the family name or a given name starts with it (name:contains, name:exact)",
        ),
        param("phone", "token", "a phone number, whole (+86 optional)"),
        param(
            "birthdate",
            "date",
            "YYYY, YYYY-MM or YYYY-MM-DD after eq, lt, le, gt, ge, sa or eb; repeat for a range",
        ),
    ];
    patient_params.extend(paging_params());
    let mut appointment_params = vec![
        param("patient", "reference", "Patient/<id> (also as actor)"),
        param(
            "date",
            "date",
            "the session's day: YYYY, YYYY-MM or YYYY-MM-DD after eq, lt, le, gt, ge, sa or eb",
        ),
    ];
    appointment_params.extend(paging_params());
    CapabilityStatement {
        resource_type: "CapabilityStatement".into(),
        name: "HcrmFhirServer".into(),
        title: "HCRM FHIR R4 server".into(),
        status: "active".into(),
        date: date.into(),
        publisher: "HCRM".into(),
        description: "Patients (the customer archive's individuals) and appointments of the \
                      caller's institutions, read with the JSON API's permissions, scoping, \
                      masking and audit (INT-4)."
            .into(),
        kind: "instance".into(),
        software: Software {
            name: "HCRM".into(),
            version: Some(version.into()),
        },
        implementation: Implementation {
            description: "HCRM FHIR R4 endpoint".into(),
            url: base.into(),
        },
        fhir_version: FHIR_VERSION.into(),
        format: vec![FHIR_JSON.into(), "json".into()],
        rest: vec![Rest {
            mode: "server".into(),
            documentation: "Unknown search parameters are ignored unless `Prefer: \
                            handling=strict`; errors are OperationOutcome."
                .into(),
            security: Security {
                description: "Authorization: Bearer <access token of POST /api/v1/auth/login> \
                              or Bearer hk_… (an API key). Numbers are masked without the \
                              pii.read permission (meta.security MASKED)."
                    .into(),
            },
            resource: vec![
                RestResource {
                    type_: "Patient".into(),
                    interaction: interactions(&["read", "search-type", "create"]),
                    versioning: "versioned".into(),
                    read_history: false,
                    update_create: false,
                    conditional_create: true,
                    search_param: patient_params,
                },
                RestResource {
                    type_: "Appointment".into(),
                    interaction: interactions(&["read", "search-type"]),
                    versioning: "versioned".into(),
                    read_history: false,
                    update_create: false,
                    conditional_create: false,
                    search_param: appointment_params,
                },
            ],
        }],
    }
}
