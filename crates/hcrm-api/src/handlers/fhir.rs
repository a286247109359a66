//! HL7 FHIR R4 (INT-4) at `/fhir/r4`: the capability statement, Patient read, search and
//! create, Appointment read and search. The same authentication (a bearer access token or an
//! API key), permissions, institution scoping, masking and audit as the JSON API; errors
//! are OperationOutcome. The mapping is `hcrm_domain::fhir`, the plumbing `crate::fhir`.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use hcrm_db::DbConn;
use hcrm_db::audit::Entry;
use hcrm_db::customers as store;
use hcrm_domain::api::customers::{Customer, DuplicateMatch};
use hcrm_domain::customer::CustomerKind;
use hcrm_domain::fhir::{
    self as f, Appointment, Bundle, CapabilityStatement, Handling, Institution, IssueType, Patient,
    SearchPage,
};
use hcrm_domain::{Permission, Scope};
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::extract::authorize;
use crate::auth::{Caller, perm};
use crate::error::ApiError;
use crate::fhir::{
    CreateOutcomes, FhirError, ReadOutcomes, SearchOutcomes, answer, base_url, negotiated,
    query_pairs,
};
use crate::handlers::customer_access::{audit_read, customer_read};
use crate::handlers::customers::{form_for_create, shown};
use crate::state::AppState;

/// `_format`, which every FHIR operation reads as `Accept`.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FormatParam {
    /// `json`, `application/fhir+json` or `application/json` (anything else: 406).
    #[param(rename = "_format", required = false, example = "json")]
    pub format: String,
}

/// The search parameters of Patient.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct PatientSearchParams {
    /// `system|value` (`urn:oid:2.16.156.10011.1.3|11010519491231002X`,
    /// `urn:hcrm:BJ01:his|P20261125001`, `urn:hcrm:BJ01:card|C001`) or the value alone.
    #[param(
        example = "urn:oid:2.16.156.10011.1.3|11010519491231002X",
        max_length = 300
    )]
    identifier: Option<String>,
    /// The name, its family name or a given name starts with it.
    #[param(example = "王")]
    name: Option<String>,
    /// The name contains it.
    #[param(rename = "name:contains")]
    name_contains: Option<String>,
    /// The whole name as written.
    #[param(rename = "name:exact")]
    name_exact: Option<String>,
    /// A whole phone number (`+86` optional).
    #[param(example = "13812345678")]
    phone: Option<String>,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD` after `eq` (default), `lt`, `le`, `gt`, `ge`, `sa`,
    /// `eb`; repeat the parameter for a range.
    #[param(example = "ge1949")]
    birthdate: Option<String>,
    /// Entries a page: default 20, more than 100 is capped.
    #[param(rename = "_count", minimum = 1)]
    count: Option<i64>,
    /// The first entry of the page (0 to 10,000; the `next` and `previous` links carry it).
    #[param(rename = "_offset", minimum = 0, maximum = 10000)]
    offset: Option<i64>,
}

/// The search parameters of Appointment.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct AppointmentSearchParams {
    /// `Patient/<id>` (or the id).
    #[param(example = "Patient/0193a1d2-7c4e-7b10-8000-000000000010")]
    patient: Option<String>,
    /// The session's day: `YYYY`, `YYYY-MM` or `YYYY-MM-DD` after an optional prefix; repeat
    /// for a range.
    #[param(example = "ge2026-12-01")]
    date: Option<String>,
    #[param(rename = "_count", minimum = 1)]
    count: Option<i64>,
    #[param(rename = "_offset", minimum = 0, maximum = 10000)]
    offset: Option<i64>,
}

/// `Prefer: handling=strict` makes an unknown search parameter a 400.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
pub struct PreferParam {
    #[param(rename = "Prefer", required = false, example = "handling=strict")]
    pub prefer: String,
}

/// Conditional create: the search that must find nothing for the create to happen.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
pub struct IfNoneExistParam {
    /// A Patient search, e.g. `identifier=urn:oid:2.16.156.10011.1.3|11010519491231002X`: none
    /// found creates; one found answers it (200) and creates nothing; more than one is 412.
    #[param(
        rename = "If-None-Exist",
        required = false,
        example = "identifier=urn:hcrm:BJ01:his|P20261125001"
    )]
    pub if_none_exist: String,
}

async fn caller(req: &HttpRequest, p: Permission) -> Result<(Caller, &'static str), FhirError> {
    let caller = authorize(req.clone(), p).await?;
    Ok((caller, negotiated(req)?))
}

fn handling(req: &HttpRequest) -> Handling {
    Handling::of(req.headers().get("Prefer").and_then(|v| v.to_str().ok()))
}

/// The institutions' codes and names, for `managingOrganization`.
fn institutions(
    c: &mut DbConn,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<HashMap<Uuid, (String, String)>, ApiError> {
    let mut ids: Vec<Uuid> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(hcrm_db::institutions::refs(c, Some(&ids))?
        .into_iter()
        .map(|r| (r.id, (r.code, r.name)))
        .collect())
}

fn patient(c: &Customer, names: &HashMap<Uuid, (String, String)>) -> Patient {
    let (code, name) = names
        .get(&c.institution_id)
        .map(|(c, n)| (c.as_str(), n.as_str()))
        .unwrap_or(("", ""));
    f::patient_of(c, Institution { code, name })
}

/// The capability statement: what this server serves and how (no sign-in needed, as FHIR
/// clients read it first).
#[utoipa::path(tag = "fhir", operation_id = "get_fhir_metadata",
    params(FormatParam),
    responses(
        (status = 200, description = "the CapabilityStatement", content(
            (CapabilityStatement = "application/fhir+json"), (CapabilityStatement = "application/json"))),
        (status = 406, description = "`Accept` (or `_format`) names neither application/fhir+json nor application/json", body = f::OperationOutcome, content_type = "application/fhir+json"),
    ))]
#[get("/metadata")]
pub async fn metadata(req: HttpRequest) -> Result<HttpResponse, FhirError> {
    let media = negotiated(&req)?;
    let statement =
        f::capability_statement(&base_url(&req), env!("CARGO_PKG_VERSION"), "2026-12-15");
    Ok(answer(StatusCode::OK, media, &statement))
}

/// One Patient: an individual of the caller's institutions (another's, an organisation, a
/// deleted one: 404). Numbers are masked without `pii.read`; unmasked and break-glass reads are
/// audited as `GET /api/v1/customers/{id}` audits them.
#[utoipa::path(tag = "fhir", operation_id = "get_fhir_patient", security(("bearer" = [])),
    params(("id" = String, Path, description = "the customer's id"), FormatParam),
    responses(
        (status = 200, description = "the Patient", content(
            (Patient = "application/fhir+json"), (Patient = "application/json")),
            headers(("ETag" = String, description = "W/\"<version>\""))),
        ReadOutcomes<perm::CustomerRead>,
    ))]
#[get("/Patient/{id}")]
pub async fn read_patient(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, FhirError> {
    let (caller, media) = caller(&req, Permission::CustomerRead).await?;
    let id = Uuid::parse_str(&id).map_err(|_| FhirError::not_found("Patient"))?;
    let (customer, names) = state
        .db(move |c| {
            let fields = ["id_number", "phones"];
            let access = match customer_read(c, &caller, id, "customer", &fields) {
                Err(ApiError::NotFound) => {
                    return Err(match hcrm_db::merge::merged_into(c, &caller.scope(), id)? {
                        Some(kept) => ApiError::Merged(kept),
                        None => ApiError::NotFound,
                    });
                }
                other => other?,
            };
            let customer = store::get(c, &access.scope(&caller), id)?;
            if customer.kind != CustomerKind::Individual {
                return Err(ApiError::NotFound);
            }
            if caller.can(Permission::PiiRead) && !access.flagged() {
                audit_read(c, &caller, &access, "customer", &fields)?;
            }
            let names = institutions(c, [customer.institution_id])?;
            Ok((shown(&caller, customer), names))
        })
        .await?;
    Ok(with_etag(
        answer(StatusCode::OK, media, &patient(&customer, &names)),
        customer.version,
    ))
}

fn with_etag(mut res: HttpResponse, version: i32) -> HttpResponse {
    if let Ok(v) = header::HeaderValue::from_str(&format!("W/\"{version}\"")) {
        res.headers_mut().insert(header::ETAG, v);
    }
    res
}

/// The patients a search finds in `scope`, masked as lists are.
fn search_patients(
    c: &mut DbConn,
    scope: &Scope,
    s: &f::PatientSearch,
) -> Result<(Vec<Patient>, i64), ApiError> {
    let window = hcrm_db::ListWindow {
        limit: s.paging.count,
        offset: s.paging.offset,
    };
    let (found, total) = store::fhir_patients(c, scope, s, window)?;
    let names = institutions(c, found.iter().map(|p| p.institution_id))?;
    let patients = found
        .into_iter()
        .map(|p| patient(&p.masked(), &names))
        .collect();
    Ok((patients, total))
}

fn bundle<T>(
    req: &HttpRequest,
    resource: &str,
    used: &[(String, String)],
    paging: f::Paging,
    total: i64,
    items: Vec<(String, T)>,
) -> Bundle<T> {
    let base = base_url(req);
    f::searchset(
        SearchPage {
            base: &base,
            resource,
            used,
            paging,
            total,
        },
        items,
        Uuid::now_v7().to_string(),
        chrono::Utc::now(),
    )
}

/// Search Patients of the caller's institutions: a `searchset` Bundle with `self`, `next` and
/// `previous` links. Numbers are masked in results as in every list.
#[utoipa::path(tag = "fhir", operation_id = "list_fhir_patients", security(("bearer" = [])),
    params(PatientSearchParams, FormatParam, PreferParam),
    responses(
        (status = 200, description = "the searchset", content(
            (Bundle<Patient> = "application/fhir+json"), (Bundle<Patient> = "application/json"))),
        SearchOutcomes<perm::CustomerRead>,
    ))]
#[get("/Patient")]
pub async fn search_patient(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, FhirError> {
    let (caller, media) = caller(&req, Permission::CustomerRead).await?;
    let s = f::patient_search(&query_pairs(&req), handling(&req))?;
    let scope = caller.scope();
    let search = s.clone();
    let (patients, total) = state
        .db(move |c| search_patients(c, &scope, &search))
        .await?;
    let items = patients
        .into_iter()
        .map(|p| (p.id.clone().unwrap_or_default(), p))
        .collect();
    let b = bundle(&req, "Patient", &s.used, s.paging, total, items);
    Ok(answer(StatusCode::OK, media, &b))
}

/// Create a Patient (a new individual customer, audited as `POST /api/v1/customers`). Its
/// institution is `managingOrganization` (by identifier `urn:hcrm:institution|<code>`) or the
/// caller's only one. A customer with the same phone or ID number is a 409 naming them, as the
/// JSON API's duplicate warning; `If-None-Exist` makes the create conditional.
#[utoipa::path(tag = "fhir", operation_id = "create_fhir_patient", security(("bearer" = [])),
    params(FormatParam, IfNoneExistParam),
    request_body(content((Patient = "application/fhir+json"), (Patient = "application/json"))),
    responses(
        (status = 201, description = "created", content(
            (Patient = "application/fhir+json"), (Patient = "application/json")),
            headers(("Location" = String, description = "<base>/Patient/<id>/_history/<version>"),
                    ("ETag" = String, description = "W/\"<version>\""))),
        (status = 200, description = "`If-None-Exist` found one patient: it, nothing created", content(
            (Patient = "application/fhir+json"), (Patient = "application/json"))),
        CreateOutcomes<perm::CustomerWrite>,
    ))]
#[post("/Patient")]
pub async fn create_patient(
    req: HttpRequest,
    state: web::Data<AppState>,
    bytes: Result<web::Bytes, actix_web::Error>,
) -> Result<HttpResponse, FhirError> {
    let (caller, media) = caller(&req, Permission::CustomerWrite).await?;
    let bytes = crate::fhir::body(&req, bytes)?;
    let text = std::str::from_utf8(&bytes).map_err(|_| {
        FhirError::one(
            StatusCode::BAD_REQUEST,
            IssueType::Invalid,
            "malformed_json",
            "the body is not UTF-8",
        )
    })?;
    // NFC and the shape as the JSON API reads bodies; every shape error is FHIR's 400.
    let input: f::PatientInput = crate::body::parse(text).map_err(|e| {
        let mut e = FhirError::from(e);
        e.status = StatusCode::BAD_REQUEST;
        e
    })?;
    let new = f::new_patient(input).map_err(|issues| {
        let status = if issues.iter().any(|i| i.code == IssueType::Invalid) {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        FhirError::new(status, issues)
    })?;
    let condition = match req.headers().get("If-None-Exist") {
        None => None,
        Some(v) => {
            let text = v.to_str().map_err(|_| {
                FhirError::one(
                    StatusCode::BAD_REQUEST,
                    IssueType::Invalid,
                    "if_none_exist",
                    "If-None-Exist is a query string",
                )
            })?;
            let pairs: Vec<(String, String)> =
                form_urlencoded::parse(text.trim_start_matches('?').as_bytes())
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect();
            let s = f::patient_search(&pairs, Handling::Strict)?;
            if s.identifier.is_none()
                && s.name.is_none()
                && s.phone.is_none()
                && s.birthdate.is_open()
            {
                return Err(FhirError::one(
                    StatusCode::BAD_REQUEST,
                    IssueType::Invalid,
                    "if_none_exist",
                    "If-None-Exist names no search parameter (identifier, name, phone, birthdate)",
                ));
            }
            Some(s)
        }
    };
    let validated = crate::error::validate(&new.create).map_err(|e| located(&new, e));
    validated?;
    let outcome = state
        .write(move |c| {
            let scope = caller.scope();
            if let Some(mut s) = condition {
                s.paging = f::Paging { count: 2, offset: 0 };
                let (found, total) = search_patients(c, &scope, &s)?;
                match (total, found.into_iter().next()) {
                    (0, _) => {}
                    (1, Some(existing)) => return Ok(Created::Existing(Box::new(existing))),
                    _ => return Ok(Created::Several),
                }
            }
            let asked = match &new.institution_code {
                Some(code) => Some(
                    hcrm_db::institutions::find_by_code(c, code)
                        .ok()
                        .filter(|i| scope.allows(i.id))
                        .map(|i| i.id)
                        .ok_or_else(|| ApiError::field("institution_id", "bad_reference", "no such institution"))?,
                ),
                None => None,
            };
            let institution = crate::handlers::institution_for_new(c, &scope, asked)?;
            let code = hcrm_db::institutions::get(c, &scope, institution)?.code;
            if new.system_institutions.iter().any(|i| *i != code) {
                return Err(ApiError::field(
                    "external_ids",
                    "other_institution",
                    "card and HIS identifiers must be those of the patient's institution (urn:hcrm:<its code>:…)",
                ));
            }
            let x = &new.create;
            let found = store::duplicates(c, &scope, &x.phones, x.id_number.as_deref(), None)?;
            if !found.is_empty() {
                return Err(ApiError::PossibleDuplicate(
                    found
                        .into_iter()
                        .map(|(s, on)| DuplicateMatch { customer: s.masked(), matched_on: on })
                        .collect(),
                ));
            }
            let today = hcrm_db::institutions::today_of(c, institution)?;
            let form = form_for_create(x, today);
            let id = store::create(c, x, institution, form, caller.principal.id)?;
            let created = store::get(c, &scope, id)?;
            caller.record(c, Entry::created(&created))?;
            let names = institutions(c, [institution])?;
            Ok(Created::New(Box::new(patient(&shown(&caller, created), &names))))
        })
        .await
        .map_err(|e| match e {
            ApiError::Duplicate { .. } => FhirError::one(
                StatusCode::CONFLICT,
                IssueType::Duplicate,
                "duplicate",
                "an identifier of this patient already names another patient of the institution",
            ),
            ApiError::Validation(errors) => located_errors(errors),
            other => other.into(),
        })?;
    match outcome {
        Created::New(p) => {
            let version: i32 = p
                .meta
                .as_ref()
                .and_then(|m| m.version_id.as_deref())
                .and_then(|v| v.parse().ok())
                .unwrap_or(1);
            let location = format!(
                "{}/Patient/{}/_history/{version}",
                base_url(&req),
                p.id.clone().unwrap_or_default()
            );
            let mut res = with_etag(answer(StatusCode::CREATED, media, &*p), version);
            if let Ok(v) = header::HeaderValue::from_str(&location) {
                res.headers_mut().insert(header::LOCATION, v);
            }
            Ok(res)
        }
        Created::Existing(p) => Ok(answer(StatusCode::OK, media, &*p)),
        Created::Several => Err(FhirError::one(
            StatusCode::PRECONDITION_FAILED,
            IssueType::MultipleMatches,
            "multiple_matches",
            "If-None-Exist matches more than one patient; nothing was created",
        )),
    }
}

enum Created {
    New(Box<Patient>),
    Existing(Box<Patient>),
    Several,
}

/// A 422 whose issues name the Patient's elements rather than our fields.
fn located(new: &f::NewPatient, e: ApiError) -> FhirError {
    let mut out = FhirError::from(e);
    for issue in &mut out.outcome.issue {
        issue.expression = issue
            .expression
            .iter()
            .map(|field| f::expression_of(new, field))
            .collect();
    }
    out
}

fn located_errors(errors: Vec<hcrm_domain::api::FieldError>) -> FhirError {
    let mut out = FhirError::from(ApiError::Validation(errors));
    for issue in &mut out.outcome.issue {
        for e in &mut issue.expression {
            *e = match e.as_str() {
                "institution_id" => "Patient.managingOrganization".into(),
                "external_ids" => "Patient.identifier".into(),
                other => format!("Patient ({other})"),
            };
        }
    }
    out
}

/// The appointments as FHIR, their sessions' times in each institution's zone.
fn appointments_of(
    c: &mut DbConn,
    list: Vec<hcrm_domain::api::appointments::Appointment>,
) -> Result<Vec<Appointment>, ApiError> {
    let mut zones: HashMap<Uuid, String> = HashMap::new();
    let mut out = Vec::with_capacity(list.len());
    for a in list {
        let zone = match zones.get(&a.institution_id) {
            Some(z) => z.clone(),
            None => {
                let z = hcrm_db::institutions::get(c, &Scope::Group, a.institution_id)?.time_zone;
                zones.insert(a.institution_id, z.clone());
                z
            }
        };
        let times = f::session_times(a.session.date, a.session.half_day, &zone);
        out.push(f::appointment_of(&a, times));
    }
    Ok(out)
}

/// One Appointment of the caller's institutions (another's: 404).
#[utoipa::path(tag = "fhir", operation_id = "get_fhir_appointment", security(("bearer" = [])),
    params(("id" = String, Path, description = "the appointment's id"), FormatParam),
    responses(
        (status = 200, description = "the Appointment", content(
            (Appointment = "application/fhir+json"), (Appointment = "application/json")),
            headers(("ETag" = String, description = "W/\"<version>\""))),
        ReadOutcomes<perm::ServiceRead>,
    ))]
#[get("/Appointment/{id}")]
pub async fn read_appointment(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, FhirError> {
    let (caller, media) = caller(&req, Permission::ServiceRead).await?;
    let id = Uuid::parse_str(&id).map_err(|_| FhirError::not_found("Appointment"))?;
    let scope = caller.scope();
    let a = state
        .db(move |c| {
            let a = hcrm_db::appointments::get(c, &scope, id)?;
            Ok(appointments_of(c, vec![a])?.pop())
        })
        .await?
        .ok_or_else(|| FhirError::not_found("Appointment"))?;
    let version = a
        .meta
        .version_id
        .as_deref()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    Ok(with_etag(answer(StatusCode::OK, media, &a), version))
}

/// Search Appointments of the caller's institutions by patient and the session's day, in the
/// order of the sessions.
#[utoipa::path(tag = "fhir", operation_id = "list_fhir_appointments", security(("bearer" = [])),
    params(AppointmentSearchParams, FormatParam, PreferParam),
    responses(
        (status = 200, description = "the searchset", content(
            (Bundle<Appointment> = "application/fhir+json"), (Bundle<Appointment> = "application/json"))),
        SearchOutcomes<perm::ServiceRead>,
    ))]
#[get("/Appointment")]
pub async fn search_appointment(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, FhirError> {
    let (caller, media) = caller(&req, Permission::ServiceRead).await?;
    let s = f::appointment_search(&query_pairs(&req), handling(&req))?;
    let scope = caller.scope();
    let filter = hcrm_db::appointments::Filter {
        customer_id: s.patient,
        from: s.date.from,
        to: s.date.to,
        ..Default::default()
    };
    let window = hcrm_db::ListWindow {
        limit: s.paging.count,
        offset: s.paging.offset,
    };
    let (items, total) = state
        .db(move |c| {
            let (list, total) = hcrm_db::appointments::list(c, &scope, &filter, window)?;
            Ok((appointments_of(c, list)?, total))
        })
        .await?;
    let items = items.into_iter().map(|a| (a.id.clone(), a)).collect();
    let b = bundle(&req, "Appointment", &s.used, s.paging, total, items);
    Ok(answer(StatusCode::OK, media, &b))
}

/// Any other path under `/fhir/r4`: 404 as an OperationOutcome.
pub async fn unknown() -> HttpResponse {
    actix_web::ResponseError::error_response(&FhirError::one(
        StatusCode::NOT_FOUND,
        IssueType::NotSupported,
        "not_found",
        "this server serves metadata, Patient and Appointment",
    ))
}

/// The FHIR routes (registered under [`crate::fhir::BASE_PATH`] by `crate::configure`).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(metadata)
        .service(search_patient)
        .service(create_patient)
        .service(read_patient)
        .service(search_appointment)
        .service(read_appointment);
}
