//! `Patient` ⇄ our customer (an individual; organisations are not patients).
//!
//! | Patient | customer |
//! |---|---|
//! | `identifier` (system [`RESIDENT_ID_SYSTEM`], type NI) | the resident ID number |
//! | `identifier` (`urn:hcrm:id:<type>`, PPN for a passport) | another ID document |
//! | `identifier` (`urn:hcrm:<institution>:card`) | the card number |
//! | `identifier` (`urn:hcrm:<institution>:<system>`, type MR for `his`) | each external (HIS) id |
//! | `name[0]` (`text`, `family`, `given`) | the name as written; the surname rule of X-13 splits it |
//! | `telecom` (`phone`/`mobile` ranked, `phone`/`home`, `email`) | mobiles, landline, e-mail |
//! | `gender`, `birthDate` | gender, birth date |
//! | `address[0]` (`state`, `city`, `district`, `line`, the division code extension) | address |
//! | `maritalStatus` (v3-MaritalStatus) | marital status |
//! | `managingOrganization` (by identifier `urn:hcrm:institution`) | the institution |

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::outcome::{IssueType, OutcomeIssue};
use super::*;
use crate::api::customers::{self as api, Customer, CustomerCreate, ExternalId};
use crate::customer::{CustomerKind, Gender, IdType, MaritalStatus, surname};

const MARITAL: &str = "http://terminology.hl7.org/CodeSystem/v3-MaritalStatus";

/// `Patient` as we emit it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = FhirPatient, example = json!({
    "resourceType": "Patient", "id": "0193a1d2-7c4e-7b10-8000-000000000010",
    "meta": {"versionId": "1", "lastUpdated": "2026-12-01T08:00:00.000Z"},
    "identifier": [{"use": "official", "type": {"coding": [{"system": V2_0203, "code": "NI", "display": "National unique individual identifier"}], "text": "居民身份证"},
                    "system": RESIDENT_ID_SYSTEM, "value": "11010519491231002X"},
                   {"use": "usual", "type": {"coding": [{"system": V2_0203, "code": "MR", "display": "Medical record number"}]},
                    "system": "urn:hcrm:BJ01:his", "value": "P20261125001"}],
    "active": true,
    "name": [{"use": "official", "text": "王建国", "family": "王", "given": ["建国"]}],
    "telecom": [{"system": "phone", "value": "13812345678", "use": "mobile", "rank": 1}],
    "gender": "male", "birthDate": "1949-12-31",
    "address": [{"use": "home", "text": "北京市朝阳区将台路2号", "line": ["将台路2号"], "city": "北京市",
                 "district": "朝阳区", "state": "北京市", "country": "CN",
                 "extension": [{"url": DIVISION_CODE_EXTENSION, "valueCode": "110105"}]}],
    "managingOrganization": {"type": "Organization", "identifier": {"system": INSTITUTION_SYSTEM, "value": "BJ01"}, "display": "北京和睦医院"}
})))]
#[serde(rename_all = "camelCase")]
pub struct Patient {
    /// Always `Patient`.
    #[cfg_attr(feature = "openapi", schema(pattern = "^Patient$"))]
    pub resource_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifier: Vec<Identifier>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub name: Vec<HumanName>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub telecom: Vec<ContactPoint>,
    /// `male`, `female`, `other`, `unknown`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub address: Vec<Address>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marital_status: Option<CodeableConcept>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managing_organization: Option<Reference>,
}

/// The institution as a logical reference (we serve no Organization resource).
pub struct Institution<'a> {
    pub code: &'a str,
    pub name: &'a str,
}

fn typed(system: &str, code: &str, display: &str, text: Option<&str>) -> CodeableConcept {
    CodeableConcept {
        coding: vec![Coding::new(system, code, display)],
        text: text.map(str::to_string),
    }
}

/// The identifier system of a document other than the resident ID card.
fn document_system(t: IdType) -> String {
    format!("{NAMESPACE}:id:{}", t.code())
}

/// The system of an institution's own numbers (`card`, or an external system such as `his`).
pub fn institution_system(institution: &str, system: &str) -> String {
    format!(
        "{NAMESPACE}:{}:{}",
        system_part(institution),
        system_part(system)
    )
}

fn identifiers(c: &Customer, institution: &str) -> Vec<Identifier> {
    let mut out = Vec::new();
    if let Some(number) = &c.id_number {
        let t = c.id_type.unwrap_or(IdType::ResidentId);
        let (system, type_) = match t {
            IdType::ResidentId => (
                RESIDENT_ID_SYSTEM.to_string(),
                typed(
                    V2_0203,
                    "NI",
                    "National unique individual identifier",
                    Some("居民身份证"),
                ),
            ),
            IdType::Passport => (
                document_system(t),
                typed(V2_0203, "PPN", "Passport number", Some("护照")),
            ),
            other => (
                document_system(other),
                CodeableConcept::text(crate::Label::label(&other, crate::Lang::Zh)),
            ),
        };
        out.push(Identifier {
            use_: Some("official".into()),
            type_: Some(type_),
            system: Some(system),
            value: Some(number.clone()),
        });
    }
    if let Some(card) = &c.card_number {
        out.push(Identifier {
            use_: Some("usual".into()),
            type_: Some(CodeableConcept::text("就诊卡号")),
            system: Some(institution_system(institution, "card")),
            value: Some(card.clone()),
        });
    }
    for e in &c.external_ids {
        out.push(Identifier {
            use_: Some("usual".into()),
            type_: (e.system == "his").then(|| typed(V2_0203, "MR", "Medical record number", None)),
            system: Some(institution_system(institution, &e.system)),
            value: Some(e.external_id.clone()),
        });
    }
    out
}

/// The name as written, split into surname and given name by the X-13 surname rule (a Latin
/// name's last word is its family name).
pub fn human_name(name: &str) -> HumanName {
    let name = name.trim();
    let family = surname(name);
    let latin = name.chars().any(|c| c.is_ascii_alphabetic());
    let given: Vec<String> = if latin {
        let words: Vec<&str> = name.split_whitespace().collect();
        words[..words.len().saturating_sub(1)]
            .iter()
            .map(|w| w.to_string())
            .collect()
    } else {
        let rest = name.strip_prefix(family).unwrap_or_default().trim();
        if rest.is_empty() {
            Vec::new()
        } else {
            vec![rest.to_string()]
        }
    };
    HumanName {
        use_: Some("official".into()),
        text: Some(name.to_string()),
        family: (!family.is_empty()).then(|| family.to_string()),
        given,
    }
}

fn telecom(c: &Customer) -> Vec<ContactPoint> {
    let mut out: Vec<ContactPoint> = c
        .phones
        .iter()
        .enumerate()
        .map(|(i, p)| ContactPoint {
            system: Some("phone".into()),
            value: Some(p.clone()),
            use_: Some("mobile".into()),
            rank: Some(i as u32 + 1),
        })
        .collect();
    if let Some(l) = &c.landline {
        out.push(ContactPoint {
            system: Some("phone".into()),
            value: Some(l.clone()),
            use_: Some("home".into()),
            rank: None,
        });
    }
    if let Some(e) = &c.email {
        out.push(ContactPoint {
            system: Some("email".into()),
            value: Some(e.clone()),
            use_: None,
            rank: None,
        });
    }
    out
}

fn address(a: &api::Address) -> Option<Address> {
    fn part(v: &Option<String>) -> Option<&str> {
        v.as_deref().map(str::trim).filter(|v| !v.is_empty())
    }
    let (province, city, district, street) = (
        part(&a.province),
        part(&a.city),
        part(&a.district),
        part(&a.street),
    );
    if province.is_none() && city.is_none() && district.is_none() && street.is_none() {
        return None;
    }
    // A municipality is its own city (北京市 / 北京市): written once in the text.
    let city_in_text = city.filter(|c| Some(*c) != province);
    let text: String = [province, city_in_text, district, street]
        .into_iter()
        .flatten()
        .collect();
    let code = crate::customer::division::division_code(province, city, district);
    Some(Address {
        extension: code
            .map(|code| Extension {
                url: DIVISION_CODE_EXTENSION.into(),
                value_code: Some(code),
            })
            .into_iter()
            .collect(),
        use_: Some("home".into()),
        text: Some(text),
        line: street.map(str::to_string).into_iter().collect(),
        city: city.map(str::to_string),
        district: district.map(str::to_string),
        state: province.map(str::to_string),
        postal_code: None,
        country: Some("CN".into()),
    })
}

fn marital(m: MaritalStatus) -> CodeableConcept {
    let label = crate::Label::label(&m, crate::Lang::Zh);
    match m {
        MaritalStatus::Single => typed(MARITAL, "S", "Never Married", Some(label)),
        MaritalStatus::Married => typed(MARITAL, "M", "Married", Some(label)),
        MaritalStatus::Divorced => typed(MARITAL, "D", "Divorced", Some(label)),
        MaritalStatus::Widowed => typed(MARITAL, "W", "Widowed", Some(label)),
        MaritalStatus::Other => CodeableConcept::text(label),
    }
}

/// The Patient of customer `c` (an individual) of `institution`, as the caller may see it:
/// `c` is already masked when the caller lacks `pii.read`, and then says so in
/// `meta.security` (`MASKED`).
pub fn patient_of(c: &Customer, institution: Institution<'_>) -> Patient {
    Patient {
        resource_type: "Patient".into(),
        id: Some(c.id.to_string()),
        meta: Some(Meta {
            version_id: Some(c.version.to_string()),
            last_updated: Some(instant(c.updated_at)),
            security: if c.masked {
                vec![Coding::new(OBSERVATION_VALUE, "MASKED", "masked")]
            } else {
                Vec::new()
            },
        }),
        identifier: identifiers(c, institution.code),
        active: Some(true),
        name: vec![human_name(&c.name)],
        telecom: telecom(c),
        gender: c.gender.map(|g| g.code().to_string()),
        birth_date: c.birth_date.map(|d| d.format("%Y-%m-%d").to_string()),
        address: address(&c.address).into_iter().collect(),
        marital_status: c.marital_status.map(marital),
        managing_organization: Some(Reference {
            reference: None,
            type_: Some("Organization".into()),
            identifier: Some(Identifier {
                system: Some(INSTITUTION_SYSTEM.into()),
                value: Some(institution.code.to_string()),
                ..Default::default()
            }),
            display: Some(institution.name.to_string()),
        }),
    }
}

/// A Patient sent to `POST /Patient`: every R4 element of Patient is known (an unknown one is
/// a structure error); those we keep are typed, the rest are read and not kept.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PatientInput {
    pub resource_type: String,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub meta: Option<Value>,
    #[serde(default)]
    pub implicit_rules: Option<String>,
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub text: Option<Value>,
    #[serde(default)]
    pub contained: Option<Vec<Value>>,
    #[serde(default)]
    pub extension: Option<Vec<Value>>,
    #[serde(default)]
    pub modifier_extension: Option<Vec<Value>>,
    #[serde(default)]
    pub identifier: Vec<Identifier>,
    #[serde(default)]
    pub active: Option<bool>,
    #[serde(default)]
    pub name: Vec<HumanName>,
    #[serde(default)]
    pub telecom: Vec<ContactPoint>,
    #[serde(default)]
    pub gender: Option<String>,
    #[serde(default)]
    pub birth_date: Option<String>,
    #[serde(default)]
    pub deceased_boolean: Option<bool>,
    #[serde(default)]
    pub deceased_date_time: Option<String>,
    #[serde(default)]
    pub address: Vec<Address>,
    #[serde(default)]
    pub marital_status: Option<CodeableConcept>,
    #[serde(default)]
    pub multiple_birth_boolean: Option<bool>,
    #[serde(default)]
    pub multiple_birth_integer: Option<i64>,
    #[serde(default)]
    pub photo: Option<Vec<Value>>,
    #[serde(default)]
    pub contact: Option<Vec<Value>>,
    #[serde(default)]
    pub communication: Option<Vec<Value>>,
    #[serde(default)]
    pub general_practitioner: Option<Vec<Value>>,
    #[serde(default)]
    pub managing_organization: Option<Reference>,
    #[serde(default)]
    pub link: Option<Vec<Value>>,
    // Extensions of primitive elements (`_birthDate` …) are read and not kept.
    #[serde(default, rename = "_id")]
    pub id_ext: Option<Value>,
    #[serde(default, rename = "_implicitRules")]
    pub implicit_rules_ext: Option<Value>,
    #[serde(default, rename = "_language")]
    pub language_ext: Option<Value>,
    #[serde(default, rename = "_active")]
    pub active_ext: Option<Value>,
    #[serde(default, rename = "_gender")]
    pub gender_ext: Option<Value>,
    #[serde(default, rename = "_birthDate")]
    pub birth_date_ext: Option<Value>,
    #[serde(default, rename = "_deceasedBoolean")]
    pub deceased_boolean_ext: Option<Value>,
    #[serde(default, rename = "_deceasedDateTime")]
    pub deceased_date_time_ext: Option<Value>,
    #[serde(default, rename = "_multipleBirthBoolean")]
    pub multiple_birth_boolean_ext: Option<Value>,
    #[serde(default, rename = "_multipleBirthInteger")]
    pub multiple_birth_integer_ext: Option<Value>,
}

/// A new customer read from a Patient, with what the API must still check against the
/// database: the institution it names, the institutions its identifier systems name, and
/// where each of our fields came from (to name the element of a field error).
#[derive(Debug, Clone)]
pub struct NewPatient {
    pub create: CustomerCreate,
    /// `managingOrganization`'s institution code.
    pub institution_code: Option<String>,
    /// The institution codes named by card and HIS identifier systems (must be the one the
    /// patient is created in).
    pub system_institutions: Vec<String>,
    /// (our field, FHIRPath) pairs.
    pub sources: Vec<(String, String)>,
}

/// The FHIRPath of our `field` in the Patient sent (`Patient` when unknown).
pub fn expression_of(p: &NewPatient, field: &str) -> String {
    p.sources
        .iter()
        .filter(|(ours, _)| {
            field == ours
                || field.starts_with(&format!("{ours}."))
                || field.starts_with(&format!("{ours}["))
        })
        .max_by_key(|(ours, _)| ours.len())
        .map(|(_, path)| path.clone())
        .unwrap_or_else(|| "Patient".into())
}

/// A mainland mobile (after `+86`, spaces and dashes dropped), else `None`.
fn mobile(value: &str) -> Option<String> {
    let v = value.trim();
    let v = v.strip_prefix("+86").unwrap_or(v);
    let compact: String = v.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    (compact.len() == 11 && compact.starts_with('1') && compact.bytes().all(|b| b.is_ascii_digit()))
        .then_some(compact)
}

/// Reads a Patient into a new customer: 400-class problems (not a Patient, an element we must
/// not ignore) and 422-class ones (values we cannot keep) as issues, all at once.
pub fn new_patient(p: PatientInput) -> Result<NewPatient, Vec<OutcomeIssue>> {
    let mut issues = Vec::new();
    let mut sources: Vec<(String, String)> = Vec::new();
    let not_supported = |path: &str, problem: &str, words: &str| {
        OutcomeIssue::error(IssueType::NotSupported, problem, words).at(path)
    };
    if p.resource_type != "Patient" {
        issues.push(
            OutcomeIssue::error(
                IssueType::Invalid,
                "wrong_resource_type",
                format!("this endpoint takes a Patient, not a {}", p.resource_type),
            )
            .at("resourceType"),
        );
        return Err(issues);
    }
    if p.modifier_extension.as_ref().is_some_and(|m| !m.is_empty()) {
        issues.push(not_supported(
            "Patient.modifierExtension",
            "modifier_extension",
            "modifier extensions change the meaning of the resource and none is understood here",
        ));
    }
    if p.implicit_rules.is_some() {
        issues.push(not_supported(
            "Patient.implicitRules",
            "implicit_rules",
            "resources made under other rules are not accepted",
        ));
    }
    let value_error = |path: String, problem: &str, words: &str| {
        OutcomeIssue::error(IssueType::Value, problem, words).at(path)
    };

    // The name: the first official one, else the first.
    let name_at = p
        .name
        .iter()
        .position(|n| n.use_.as_deref() == Some("official"))
        .unwrap_or(0);
    let name = p.name.get(name_at).and_then(|n| {
        n.text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .or_else(|| {
                let family = n.family.as_deref().unwrap_or_default().trim();
                let given = n.given.join(" ");
                let given = given.trim();
                let latin = format!("{family}{given}")
                    .chars()
                    .any(|c| c.is_ascii_alphabetic());
                let joined = if latin {
                    format!("{given} {family}").trim().to_string()
                } else {
                    format!("{family}{given}")
                };
                (!joined.is_empty()).then_some(joined)
            })
    });
    sources.push(("name".into(), format!("Patient.name[{name_at}]")));
    if name.is_none() {
        issues.push(
            OutcomeIssue::error(
                IssueType::Required,
                "required",
                "a Patient needs a name (text, or family and given)",
            )
            .at("Patient.name"),
        );
    }

    let mut create = CustomerCreate::potential(name.unwrap_or_default(), String::new());
    create.phones.clear();
    create.lifecycle_stage = None;

    let mut system_institutions = Vec::new();
    for (i, id) in p.identifier.iter().enumerate() {
        let path = format!("Patient.identifier[{i}]");
        let (Some(system), Some(value)) = (id.system.as_deref(), id.value.as_deref()) else {
            issues.push(
                OutcomeIssue::error(
                    IssueType::Required,
                    "required",
                    "an identifier needs a system and a value",
                )
                .at(path),
            );
            continue;
        };
        let value = value.trim().to_string();
        let document = |t: IdType| {
            (system == RESIDENT_ID_SYSTEM && t == IdType::ResidentId)
                || system == document_system(t)
        };
        if let Some(t) = IdType::ALL.into_iter().find(|t| document(*t)) {
            if create.id_number.is_some() {
                issues.push(value_error(
                    path,
                    "one_id_document",
                    "a customer keeps one ID document",
                ));
                continue;
            }
            create.id_type = Some(t);
            create.id_number = Some(value);
            sources.push(("id_number".into(), format!("{path}.value")));
            sources.push(("id_type".into(), format!("{path}.system")));
            sources.push(("birth_date".into(), "Patient.birthDate".into()));
            continue;
        }
        let ours = system
            .strip_prefix(NAMESPACE)
            .and_then(|rest| rest.strip_prefix(':'))
            .and_then(|rest| rest.split_once(':'))
            .filter(|(inst, _)| *inst != "id")
            .and_then(|(inst, sys)| Some((system_part_decoded(inst)?, system_part_decoded(sys)?)));
        let Some((institution, sys)) = ours else {
            issues.push(value_error(
                format!("{path}.system"),
                "unknown_system",
                &format!(
                    "not an identifier system kept here: use {RESIDENT_ID_SYSTEM} (resident ID \
                         number), urn:hcrm:id:<id type>, urn:hcrm:<institution code>:card or \
                         urn:hcrm:<institution code>:<HIS system>"
                ),
            ));
            continue;
        };
        system_institutions.push(institution);
        if sys == "card" {
            if create.card_number.is_some() {
                issues.push(value_error(
                    path,
                    "one_card",
                    "a customer keeps one card number",
                ));
                continue;
            }
            create.card_number = Some(value);
            sources.push(("card_number".into(), format!("{path}.value")));
        } else {
            sources.push((
                format!("external_ids[{}]", create.external_ids.len()),
                format!("{path}.value"),
            ));
            create.external_ids.push(ExternalId {
                system: sys,
                external_id: value,
            });
        }
    }
    sources.push(("external_ids".into(), "Patient.identifier".into()));

    for (i, t) in p.telecom.iter().enumerate() {
        let path = format!("Patient.telecom[{i}]");
        let value = t.value.as_deref().map(str::trim).unwrap_or_default();
        if value.is_empty() {
            issues.push(
                OutcomeIssue::error(IssueType::Required, "required", "a telecom needs a value")
                    .at(path),
            );
            continue;
        }
        match t.system.as_deref() {
            Some("phone") | Some("sms") => match mobile(value) {
                Some(m)
                    if t.use_.as_deref() != Some("home") && t.use_.as_deref() != Some("work") =>
                {
                    sources.push((
                        format!("phones[{}]", create.phones.len()),
                        format!("{path}.value"),
                    ));
                    create.phones.push(m);
                }
                _ if create.landline.is_none() => {
                    create.landline = Some(value.to_string());
                    sources.push(("landline".into(), format!("{path}.value")));
                }
                _ => issues.push(not_supported(
                    &path,
                    "one_landline",
                    "a customer keeps mobile numbers and one other phone number",
                )),
            },
            Some("email") if create.email.is_none() => {
                create.email = Some(value.to_string());
                sources.push(("email".into(), format!("{path}.value")));
            }
            Some("email") => issues.push(not_supported(
                &path,
                "one_email",
                "a customer keeps one e-mail address",
            )),
            other => issues.push(not_supported(
                &format!("{path}.system"),
                "unknown_telecom",
                &format!(
                    "a telecom of system {} is not kept here (phone, sms and email are)",
                    other.unwrap_or("(none)")
                ),
            )),
        }
    }
    sources.push(("phones".into(), "Patient.telecom".into()));

    if let Some(g) = p.gender.as_deref() {
        match Gender::from_code(g) {
            Some(g) => create.gender = Some(g),
            None => issues.push(not_supported(
                "Patient.gender",
                "unknown_gender",
                "gender must be male, female or unknown (other is not kept here)",
            )),
        }
        sources.push(("gender".into(), "Patient.gender".into()));
    }
    if let Some(b) = p.birth_date.as_deref() {
        match NaiveDate::parse_from_str(b, "%Y-%m-%d") {
            Ok(d) if b.len() == 10 => create.birth_date = Some(d),
            _ => issues.push(value_error(
                "Patient.birthDate".into(),
                "invalid_date",
                "birthDate must be a whole date, YYYY-MM-DD",
            )),
        }
        sources.push(("birth_date".into(), "Patient.birthDate".into()));
    }
    if let Some(a) = p.address.first() {
        let street = if a.line.is_empty() {
            a.text
                .clone()
                .filter(|_| a.state.is_none() && a.city.is_none() && a.district.is_none())
        } else {
            Some(a.line.join(" "))
        };
        create.address = api::Address {
            province: a.state.clone(),
            city: a.city.clone(),
            district: a.district.clone(),
            street,
        };
        for (ours, theirs) in [
            ("address.province", "state"),
            ("address.city", "city"),
            ("address.district", "district"),
            ("address.street", "line"),
        ] {
            sources.push((ours.into(), format!("Patient.address[0].{theirs}")));
        }
    }
    if let Some(m) = &p.marital_status {
        let code = m
            .coding
            .iter()
            .find(|c| c.system.as_deref() == Some(MARITAL))
            .and_then(|c| c.code.as_deref());
        create.marital_status = Some(match code {
            Some("S") | Some("U") => MaritalStatus::Single,
            Some("M") | Some("T") => MaritalStatus::Married,
            Some("D") => MaritalStatus::Divorced,
            Some("W") => MaritalStatus::Widowed,
            _ => MaritalStatus::Other,
        });
    }
    let institution_code = p
        .managing_organization
        .as_ref()
        .and_then(|r| r.identifier.as_ref())
        .filter(|i| i.system.as_deref() == Some(INSTITUTION_SYSTEM))
        .and_then(|i| i.value.clone());
    if p.managing_organization.is_some() && institution_code.is_none() {
        issues.push(value_error(
            "Patient.managingOrganization".into(),
            "bad_reference",
            &format!(
                "name the institution by identifier: system {INSTITUTION_SYSTEM}, value its code"
            ),
        ));
    }
    sources.push((
        "institution_id".into(),
        "Patient.managingOrganization".into(),
    ));
    create.kind = CustomerKind::Individual;
    if issues.is_empty() {
        Ok(NewPatient {
            create,
            institution_code,
            system_institutions,
            sources,
        })
    } else {
        Err(issues)
    }
}
