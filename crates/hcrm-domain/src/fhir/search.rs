//! FHIR search: the parameters of `Patient?…` and `Appointment?…` read into filters, and the
//! `searchset` Bundle with its paging links.
//!
//! Unknown parameters are ignored (and left out of the `self` link), as FHIR's lenient
//! handling says, unless the client sends `Prefer: handling=strict`, which makes them a 400.
//! A parameter we know with a value we cannot read is always a 400.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::outcome::{IssueType, OutcomeIssue};
use super::*;
use crate::customer::IdType;

/// Entries a page holds by default and at most (`_count`).
pub const DEFAULT_COUNT: i64 = 20;
pub const MAX_COUNT: i64 = 100;
/// The deepest page offset (`_offset`): deeper paging costs a scan of what it skips.
pub const MAX_OFFSET: i64 = 10_000;
/// The longest search value read (a name, a number, a date).
const MAX_VALUE: usize = 100;

/// How unknown parameters are handled (`Prefer: handling=…`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Handling {
    #[default]
    Lenient,
    Strict,
}

impl Handling {
    /// From the `Prefer` header's value.
    pub fn of(prefer: Option<&str>) -> Handling {
        let strict = prefer.is_some_and(|p| {
            p.split([',', ';'])
                .any(|part| part.trim().eq_ignore_ascii_case("handling=strict"))
        });
        if strict {
            Handling::Strict
        } else {
            Handling::Lenient
        }
    }
}

/// A search that cannot run: 400 with the issue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchError(pub OutcomeIssue);

fn bad(param: &str, problem: &str, words: impl Into<String>) -> SearchError {
    SearchError(OutcomeIssue::error(IssueType::Invalid, problem, words).at(param.to_string()))
}

fn unsupported(param: &str, words: impl Into<String>) -> SearchError {
    SearchError(
        OutcomeIssue::error(IssueType::NotSupported, "unsupported_parameter", words)
            .at(param.to_string()),
    )
}

/// The page asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    pub count: i64,
    pub offset: i64,
}

impl Default for Paging {
    fn default() -> Self {
        Paging {
            count: DEFAULT_COUNT,
            offset: 0,
        }
    }
}

/// Inclusive bounds on a date (a birth date, a session's day); both open by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DateBounds {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl DateBounds {
    fn and(self, other: DateBounds) -> DateBounds {
        DateBounds {
            from: self.from.max(other.from),
            to: match (self.to, other.to) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            },
        }
    }

    pub fn is_open(&self) -> bool {
        self.from.is_none() && self.to.is_none()
    }
}

/// A FHIR date search value (`ge1950`, `2026-12`, `lt2026-12-10`) as bounds on a date.
/// Supported prefixes: `eq` (default), `lt`, `le`, `gt`, `ge`, `sa`, `eb`; precision year,
/// month or day (a time of day is not: our dates have none).
pub fn date_bounds(param: &str, value: &str) -> Result<DateBounds, SearchError> {
    let (prefix, date) = match value.get(..2) {
        Some(p) if p.bytes().all(|b| b.is_ascii_lowercase()) => (p, &value[2..]),
        _ => ("eq", value),
    };
    let start_end = |date: &str| -> Option<(NaiveDate, NaiveDate)> {
        let parts: Vec<&str> = date.split('-').collect();
        let num = |s: &str, len: usize| {
            (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse::<u32>().ok())
                .flatten()
        };
        let year = i32::try_from(num(parts.first()?, 4)?).ok()?;
        match parts.len() {
            1 => Some((
                NaiveDate::from_ymd_opt(year, 1, 1)?,
                NaiveDate::from_ymd_opt(year + 1, 1, 1)?,
            )),
            2 => {
                let s = NaiveDate::from_ymd_opt(year, num(parts[1], 2)?, 1)?;
                Some((s, s.checked_add_months(Months::new(1))?))
            }
            3 => {
                let s = NaiveDate::from_ymd_opt(year, num(parts[1], 2)?, num(parts[2], 2)?)?;
                Some((s, s.succ_opt()?))
            }
            _ => None,
        }
    };
    if date.contains('T') {
        return Err(unsupported(
            param,
            "dates are searched by day: give YYYY, YYYY-MM or YYYY-MM-DD",
        ));
    }
    let Some((start, end)) = start_end(date) else {
        return Err(bad(
            param,
            "invalid_date",
            format!(
                "`{value}` is not a date (YYYY, YYYY-MM or YYYY-MM-DD, after an optional prefix such as ge)"
            ),
        ));
    };
    let last = end.pred_opt().unwrap_or(end);
    let before = start.pred_opt().unwrap_or(start);
    Ok(match prefix {
        "eq" => DateBounds {
            from: Some(start),
            to: Some(last),
        },
        "lt" | "eb" => DateBounds {
            from: None,
            to: Some(before),
        },
        "le" => DateBounds {
            from: None,
            to: Some(last),
        },
        "gt" | "sa" => DateBounds {
            from: Some(end),
            to: None,
        },
        "ge" => DateBounds {
            from: Some(start),
            to: None,
        },
        "ne" | "ap" => {
            return Err(unsupported(
                param,
                format!("the prefix {prefix} is not supported (eq, lt, le, gt, ge, sa, eb are)"),
            ));
        }
        other => {
            return Err(bad(
                param,
                "invalid_date",
                format!("`{other}` is not a date prefix"),
            ));
        }
    })
}

/// `identifier=[system]|[value]` read against our systems.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdentifierQuery {
    /// An ID document's number (the resident ID number: [`RESIDENT_ID_SYSTEM`]).
    Document(IdType, String),
    /// `urn:hcrm:<institution>:card`.
    Card { institution: String, value: String },
    /// `urn:hcrm:<institution>:<system>`: a HIS id.
    External {
        institution: String,
        system: String,
        value: String,
    },
    /// No system: any of the above.
    Any(String),
    /// A system we do not keep: nothing matches.
    Nothing,
}

fn identifier_query(param: &str, value: &str) -> Result<IdentifierQuery, SearchError> {
    let (system, value) = match value.split_once('|') {
        Some((s, v)) => (Some(s), v),
        None => (None, value),
    };
    let value = value.trim();
    if value.is_empty() {
        return Err(unsupported(
            param,
            "give the identifier's value (system|value, or the value alone)",
        ));
    }
    let v = value.to_string();
    let Some(system) = system.filter(|s| !s.is_empty()) else {
        return Ok(IdentifierQuery::Any(v));
    };
    if system == RESIDENT_ID_SYSTEM {
        return Ok(IdentifierQuery::Document(
            IdType::ResidentId,
            v.to_uppercase(),
        ));
    }
    if let Some(t) = IdType::ALL
        .into_iter()
        .find(|t| system == format!("{NAMESPACE}:id:{}", t.code()))
    {
        return Ok(IdentifierQuery::Document(t, v));
    }
    let ours = system
        .strip_prefix(NAMESPACE)
        .and_then(|rest| rest.strip_prefix(':'))
        .and_then(|rest| rest.split_once(':'))
        .and_then(|(i, s)| Some((system_part_decoded(i)?, system_part_decoded(s)?)));
    Ok(match ours {
        Some((institution, s)) if s == "card" => IdentifierQuery::Card {
            institution,
            value: v,
        },
        Some((institution, system)) => IdentifierQuery::External {
            institution,
            system,
            value: v,
        },
        None => IdentifierQuery::Nothing,
    })
}

/// How `name` matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameMatch {
    /// FHIR's default: the name, its family name or a given name starts with the text.
    StartsWith,
    /// `name:contains`.
    Contains,
    /// `name:exact`: the whole name as written.
    Exact,
}

/// A Patient search.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PatientSearch {
    pub identifier: Option<IdentifierQuery>,
    pub name: Option<(NameMatch, String)>,
    /// The digits of a phone number (a mainland mobile without `+86`).
    pub phone: Option<String>,
    pub birthdate: DateBounds,
    pub paging: Paging,
    /// The parameters used, for the `self` link.
    pub used: Vec<(String, String)>,
}

/// An Appointment search.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AppointmentSearch {
    pub patient: Option<Uuid>,
    pub date: DateBounds,
    pub paging: Paging,
    pub used: Vec<(String, String)>,
}

/// The parameters every search reads.
const COMMON: &[&str] = &["_count", "_offset", "_format"];

fn once<'a>(seen: &mut Vec<&'a str>, key: &'a str) -> Result<(), SearchError> {
    if seen.contains(&key) {
        return Err(unsupported(key, format!("{key} may be given once")));
    }
    seen.push(key);
    Ok(())
}

/// Reads `_count`, `_offset` (and checks lengths); `Ok(false)` for a parameter it does not know.
fn common(key: &str, value: &str, paging: &mut Paging) -> Result<bool, SearchError> {
    let number = |max: i64| -> Result<i64, SearchError> {
        value
            .parse::<i64>()
            .ok()
            .filter(|n| (0..=max).contains(n))
            .ok_or_else(|| {
                bad(
                    key,
                    "invalid_number",
                    format!("{key} must be a whole number from 0 to {max}"),
                )
            })
    };
    match key {
        "_count" => {
            // A larger page is capped, as FHIR allows; zero is one entry's worth of nothing.
            let n = value
                .parse::<i64>()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| {
                    bad(
                        key,
                        "invalid_number",
                        "_count must be a whole number from 1",
                    )
                })?;
            paging.count = n.min(MAX_COUNT);
        }
        "_offset" => paging.offset = number(MAX_OFFSET)?,
        "_format" => {}
        _ => return Ok(false),
    }
    Ok(true)
}

fn checked_value<'a>(key: &str, value: &'a str) -> Result<&'a str, SearchError> {
    if value.chars().count() > MAX_VALUE {
        return Err(bad(
            key,
            "too_long",
            format!("{key} is at most {MAX_VALUE} characters"),
        ));
    }
    if value.contains(',') {
        return Err(unsupported(
            key,
            "one value per parameter (no comma-separated alternatives)",
        ));
    }
    let v = value.trim();
    if v.is_empty() {
        return Err(bad(key, "required", format!("{key} needs a value")));
    }
    // No control or invisible characters (the text rule of every field; PostgreSQL refuses NUL).
    if crate::validation::line(v).is_err() {
        return Err(bad(
            key,
            "control_character",
            format!("{key} holds a control or invisible character"),
        ));
    }
    Ok(v)
}

/// Reads a Patient search; unknown parameters are errors only under `Handling::Strict`.
pub fn patient_search(
    params: &[(String, String)],
    handling: Handling,
) -> Result<PatientSearch, SearchError> {
    let mut out = PatientSearch::default();
    let mut seen = Vec::new();
    for (key, value) in params {
        let (key, value) = (key.as_str(), value.as_str());
        if common(key, value, &mut out.paging)? {
            if key == "_format" {
                out.used.push((key.into(), value.into()));
            }
            continue;
        }
        match key {
            "identifier" => {
                once(&mut seen, "identifier")?;
                out.identifier = Some(identifier_query(key, checked_value(key, value)?)?);
            }
            "name" | "name:contains" | "name:exact" => {
                once(&mut seen, "name")?;
                let how = match key {
                    "name:contains" => NameMatch::Contains,
                    "name:exact" => NameMatch::Exact,
                    _ => NameMatch::StartsWith,
                };
                let v = crate::validation::nfc(checked_value(key, value)?).into_owned();
                out.name = Some((how, v));
            }
            "phone" => {
                once(&mut seen, "phone")?;
                let v = checked_value(key, value)?;
                let v = v.strip_prefix("+86").unwrap_or(v);
                let digits: String = v.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(bad(
                        key,
                        "invalid_phone",
                        "phone is a number: digits, spaces and dashes, optionally after +86",
                    ));
                }
                out.phone = Some(digits);
            }
            "birthdate" => {
                let v = checked_value(key, value)?;
                out.birthdate = out.birthdate.and(date_bounds(key, v)?);
            }
            other => {
                unknown(
                    other,
                    handling,
                    "Patient takes identifier, name, name:contains, name:exact, phone, birthdate, _count, _offset",
                )?;
                continue;
            }
        }
        out.used.push((key.into(), value.into()));
    }
    Ok(out)
}

/// A parameter the resource does not take: refused under `Handling::Strict`, else ignored.
fn unknown(key: &str, handling: Handling, takes: &str) -> Result<(), SearchError> {
    if handling == Handling::Strict {
        return Err(unsupported(
            key,
            format!("unknown search parameter {key} ({takes})"),
        ));
    }
    Ok(())
}

/// `Patient/<id>`, a full URL ending so, or the id alone.
fn patient_reference(key: &str, value: &str) -> Result<Uuid, SearchError> {
    let id = value.rsplit_once("Patient/").map_or(value, |(_, id)| id);
    Uuid::parse_str(id.trim()).map_err(|_| {
        bad(
            key,
            "invalid_reference",
            "patient is Patient/<id> (or the id), the id a UUID",
        )
    })
}

/// Reads an Appointment search.
pub fn appointment_search(
    params: &[(String, String)],
    handling: Handling,
) -> Result<AppointmentSearch, SearchError> {
    let mut out = AppointmentSearch::default();
    let mut seen = Vec::new();
    for (key, value) in params {
        let (key, value) = (key.as_str(), value.as_str());
        if common(key, value, &mut out.paging)? {
            if key == "_format" {
                out.used.push((key.into(), value.into()));
            }
            continue;
        }
        match key {
            "patient" | "actor" => {
                once(&mut seen, "patient")?;
                out.patient = Some(patient_reference(key, checked_value(key, value)?)?);
            }
            "date" => {
                let v = checked_value(key, value)?;
                out.date = out.date.and(date_bounds(key, v)?);
            }
            other => {
                unknown(
                    other,
                    handling,
                    "Appointment takes patient, actor, date, _count, _offset",
                )?;
                continue;
            }
        }
        out.used.push((key.into(), value.into()));
    }
    Ok(out)
}

/// The common parameters' names, for the capability statement.
pub fn common_parameters() -> &'static [&'static str] {
    COMMON
}

/// `Bundle.link`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = FhirBundleLink))]
pub struct BundleLink {
    /// `self`, `next`, `previous`.
    pub relation: String,
    pub url: String,
}

/// `Bundle.entry.search`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = FhirBundleSearch))]
pub struct BundleSearch {
    /// `match`.
    pub mode: String,
}

/// `Bundle.entry`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct BundleEntry<T> {
    pub full_url: String,
    pub resource: T,
    pub search: BundleSearch,
}

/// A `searchset` Bundle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Bundle<T> {
    /// Always `Bundle`.
    #[cfg_attr(feature = "openapi", schema(pattern = "^Bundle$"))]
    pub resource_type: String,
    pub id: String,
    pub meta: Meta,
    /// `searchset`.
    #[serde(rename = "type")]
    pub type_: String,
    #[cfg_attr(feature = "openapi", schema(minimum = 0))]
    pub total: i64,
    pub link: Vec<BundleLink>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entry: Vec<BundleEntry<T>>,
}

/// Percent-encodes a query component.
fn encoded(text: &str) -> String {
    system_part(text)
}

/// The search URL of a page.
fn page_url(page: &SearchPage<'_>, offset: i64) -> String {
    let mut query: Vec<String> = page
        .used
        .iter()
        .map(|(k, v)| format!("{}={}", encoded(k), encoded(v)))
        .collect();
    query.push(format!("_count={}", page.paging.count));
    query.push(format!("_offset={offset}"));
    format!("{}/{}?{}", page.base, page.resource, query.join("&"))
}

/// One page of a search: `base` the server's FHIR base URL (`https://host/fhir/r4`), the
/// resource type searched, the parameters used, the page and how many match in all.
#[derive(Debug, Clone, Copy)]
pub struct SearchPage<'a> {
    pub base: &'a str,
    pub resource: &'a str,
    pub used: &'a [(String, String)],
    pub paging: Paging,
    pub total: i64,
}

/// The searchset of one page with `entries` (id, resource); `id` the Bundle's id and `now`
/// its `lastUpdated`.
pub fn searchset<T>(
    page: SearchPage<'_>,
    entries: Vec<(String, T)>,
    id: String,
    now: chrono::DateTime<chrono::Utc>,
) -> Bundle<T> {
    let Paging { count, offset } = page.paging;
    let mut link = vec![BundleLink {
        relation: "self".into(),
        url: page_url(&page, offset),
    }];
    if offset + count < page.total {
        link.push(BundleLink {
            relation: "next".into(),
            url: page_url(&page, offset + count),
        });
    }
    if offset > 0 {
        link.push(BundleLink {
            relation: "previous".into(),
            url: page_url(&page, (offset - count).max(0)),
        });
    }
    Bundle {
        resource_type: "Bundle".into(),
        id,
        meta: Meta {
            last_updated: Some(instant(now)),
            ..Default::default()
        },
        type_: "searchset".into(),
        total: page.total,
        link,
        entry: entries
            .into_iter()
            .map(|(id, resource)| BundleEntry {
                full_url: format!("{}/{}/{id}", page.base, page.resource),
                resource,
                search: BundleSearch {
                    mode: "match".into(),
                },
            })
            .collect(),
    }
}

/// The media type to answer with for `Accept` and `_format`: FHIR JSON (`application/json`
/// when that is what the client asked for), or `None` when the client takes neither (406).
pub fn negotiate(accept: Option<&str>, format: Option<&str>) -> Option<&'static str> {
    if let Some(f) = format.map(str::trim) {
        return match f {
            "json" | FHIR_JSON => Some(FHIR_JSON),
            "application/json" => Some("application/json"),
            _ => None,
        };
    }
    let Some(accept) = accept.map(str::trim).filter(|a| !a.is_empty()) else {
        return Some(FHIR_JSON);
    };
    let mut json = false;
    for range in accept.split(',') {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let refused = parts.any(|p| {
            let p = p.trim().replace(' ', "");
            p == "q=0" || p == "q=0.0" || p == "q=0.00" || p == "q=0.000"
        });
        if refused {
            continue;
        }
        match media.as_str() {
            FHIR_JSON | "*/*" | "application/*" => return Some(FHIR_JSON),
            "application/json" => json = true,
            _ => {}
        }
    }
    json.then_some("application/json")
}

/// Whether a request body's `Content-Type` is FHIR JSON or JSON.
pub fn is_json_body(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|ct| {
        let media = ct
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        media == FHIR_JSON || media == "application/json"
    })
}
