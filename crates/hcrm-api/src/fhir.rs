//! The FHIR endpoint's plumbing (INT-4): errors as OperationOutcome with FHIR's statuses, the
//! content negotiation (`Accept`, `_format`), the request's query pairs and body, the server's
//! base URL, and the OpenAPI response sets of the FHIR operations. The handlers are
//! `handlers::fhir`; the resources and their mapping `hcrm_domain::fhir`.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use hcrm_domain::fhir::{FHIR_JSON, IssueType, OperationOutcome, OutcomeIssue, SearchError};
use serde::Serialize;
use utoipa::IntoResponses;
use utoipa::openapi::{Content, Ref, RefOr, Response};

use crate::error::ApiError;

/// Where the FHIR endpoint lives.
pub const BASE_PATH: &str = "/fhir/r4";

/// The largest Patient accepted (as the JSON API's bodies).
pub const MAX_BODY: usize = crate::MAX_JSON_BYTES;

/// A FHIR error: its status and the OperationOutcome.
#[derive(Debug, Clone)]
pub struct FhirError {
    pub status: StatusCode,
    pub outcome: OperationOutcome,
}

impl std::fmt::Display for FhirError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {:?}",
            self.status,
            self.outcome.issue.first().map(|i| i.code)
        )
    }
}

impl FhirError {
    pub fn new(status: StatusCode, issues: Vec<OutcomeIssue>) -> FhirError {
        FhirError {
            status,
            outcome: OperationOutcome::new(issues),
        }
    }

    pub fn one(
        status: StatusCode,
        code: IssueType,
        problem: &str,
        words: impl Into<String>,
    ) -> Self {
        FhirError::new(status, vec![OutcomeIssue::error(code, problem, words)])
    }

    pub fn not_found(what: &str) -> FhirError {
        FhirError::one(
            StatusCode::NOT_FOUND,
            IssueType::NotFound,
            "not_found",
            format!("no such {what} for this caller"),
        )
    }

    pub fn not_acceptable() -> FhirError {
        FhirError::one(
            StatusCode::NOT_ACCEPTABLE,
            IssueType::NotSupported,
            "not_acceptable",
            "this server answers application/fhir+json (or application/json) only",
        )
    }
}

impl ResponseError for FhirError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut res = HttpResponse::build(self.status);
        res.content_type(FHIR_JSON);
        match self.status {
            StatusCode::UNAUTHORIZED => {
                res.insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
            }
            StatusCode::SERVICE_UNAVAILABLE => {
                res.insert_header((header::RETRY_AFTER, "5"));
            }
            _ => {}
        }
        res.json(&self.outcome)
    }
}

impl From<SearchError> for FhirError {
    fn from(e: SearchError) -> Self {
        FhirError::new(StatusCode::BAD_REQUEST, vec![e.0])
    }
}

/// The JSON API's error in FHIR's words; field errors name their field as the expression
/// (the Patient create names the element instead).
impl From<ApiError> for FhirError {
    fn from(e: ApiError) -> Self {
        use IssueType as T;
        let status = e.status_code();
        let problem = e.problem();
        let words = problem.detail.clone().unwrap_or_default();
        let code = problem.kind.trim_start_matches("/problems/").to_string();
        let kind = match &e {
            ApiError::Validation(_) => T::Value,
            ApiError::BadRequest { .. } => T::Invalid,
            ApiError::InvalidBody(_) => T::Structure,
            ApiError::Unauthorized(_)
            | ApiError::InvalidCredentials
            | ApiError::TotpRequired
            | ApiError::InvalidTotp => T::Login,
            ApiError::Forbidden
            | ApiError::Refused { .. }
            | ApiError::ForbiddenBecause(_)
            | ApiError::TotpEnrollmentRequired => T::Forbidden,
            ApiError::NotFound | ApiError::Merged(_) => T::NotFound,
            ApiError::Duplicate { .. } | ApiError::PossibleDuplicate(_) => T::Duplicate,
            ApiError::PayloadTooLarge | ApiError::TooLarge(_) => T::TooLong,
            ApiError::UnsupportedMediaType | ApiError::UnsupportedFile(_) => T::NotSupported,
            ApiError::TooManyAttempts { .. } => T::Throttled,
            ApiError::Unavailable => T::Transient,
            ApiError::Internal => T::Exception,
            _ => T::Conflict,
        };
        let mut issues: Vec<OutcomeIssue> = problem
            .errors
            .iter()
            .map(|f| OutcomeIssue::error(kind, &f.code, f.message.clone()).at(f.field.clone()))
            .collect();
        if let ApiError::PossibleDuplicate(matches) = &e {
            issues = matches
                .iter()
                .map(|m| {
                    OutcomeIssue::error(
                        T::Duplicate,
                        "possible_duplicate",
                        format!(
                            "Patient/{} ({}) has the same {}",
                            m.customer.id,
                            m.customer.name,
                            m.matched_on.join(", ")
                        ),
                    )
                })
                .collect();
        }
        if let ApiError::Merged(kept) = &e {
            issues = vec![OutcomeIssue::error(
                T::NotFound,
                "merged",
                format!("this patient was merged into Patient/{kept}; read that one"),
            )];
        }
        if issues.is_empty() {
            issues.push(OutcomeIssue::error(kind, &code, words));
        }
        FhirError::new(status, issues)
    }
}

/// The media type to answer `req` with, or 406.
pub fn negotiated(req: &HttpRequest) -> Result<&'static str, FhirError> {
    let accept = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok());
    let format = query_pairs(req)
        .into_iter()
        .find(|(k, _)| k == "_format")
        .map(|(_, v)| v);
    hcrm_domain::fhir::negotiate(accept, format.as_deref()).ok_or_else(FhirError::not_acceptable)
}

/// The query string as decoded pairs, in order, repeated keys kept (FHIR repeats `date`).
pub fn query_pairs(req: &HttpRequest) -> Vec<(String, String)> {
    form_urlencoded::parse(req.query_string().as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// The FHIR base URL of this server as the client reached it.
pub fn base_url(req: &HttpRequest) -> String {
    let info = req.connection_info();
    format!("{}://{}{BASE_PATH}", info.scheme(), info.host())
}

/// `value` as FHIR JSON (or plain JSON when the client asked for it) with `status`.
pub fn answer<T: Serialize>(status: StatusCode, media: &'static str, value: &T) -> HttpResponse {
    HttpResponse::build(status).content_type(media).json(value)
}

/// The body of a POST: FHIR JSON or JSON (415), at most [`MAX_BODY`] (413; the FHIR scope's
/// `PayloadConfig` stops reading there).
pub fn body(
    req: &HttpRequest,
    bytes: Result<web::Bytes, actix_web::Error>,
) -> Result<web::Bytes, FhirError> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    if !hcrm_domain::fhir::is_json_body(content_type) {
        return Err(FhirError::one(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            IssueType::NotSupported,
            "unsupported_media_type",
            "send the resource as application/fhir+json (or application/json)",
        ));
    }
    let too_large = || {
        FhirError::one(
            StatusCode::PAYLOAD_TOO_LARGE,
            IssueType::TooLong,
            "payload_too_large",
            "a resource of at most 256 KiB",
        )
    };
    match bytes {
        Ok(b) if b.len() > MAX_BODY => Err(too_large()),
        Ok(b) => Ok(b),
        Err(e) => Err(match e.as_error::<actix_web::error::PayloadError>() {
            Some(actix_web::error::PayloadError::Overflow) => too_large(),
            _ => FhirError::one(
                StatusCode::BAD_REQUEST,
                IssueType::Invalid,
                "malformed_body",
                e.to_string(),
            ),
        }),
    }
}

/// The OperationOutcome response of `description` (FHIR JSON).
pub fn outcome(description: &str) -> Response {
    let mut response = Response::new(description);
    response.content.insert(
        FHIR_JSON.to_string(),
        Content::new(Some(RefOr::Ref(Ref::from_schema_name("OperationOutcome")))),
    );
    response
}

type Set = std::collections::BTreeMap<String, RefOr<Response>>;

fn set(parts: &[(u16, &str)]) -> Set {
    parts
        .iter()
        .map(|(status, d)| (status.to_string(), RefOr::T(outcome(d))))
        .collect()
}

const NOT_ACCEPTABLE: (u16, &str) = (
    406,
    "`Accept` (or `_format`) names neither application/fhir+json nor application/json",
);
const SEARCH: (u16, &str) = (
    400,
    "a search value that cannot be read (a bad date, `_count`, a value over 100 characters, \
     a comma-separated list, a parameter given twice), or an unknown parameter under \
     `Prefer: handling=strict`",
);

/// The errors of a FHIR read: 403, 404, 406.
pub struct ReadOutcomes<P>(std::marker::PhantomData<P>);

impl<P: crate::auth::perm::Required> IntoResponses for ReadOutcomes<P> {
    fn responses() -> Set {
        let forbidden = format!("lacks `{}`", P::PERMISSION.code());
        set(&[
            (403, &forbidden),
            (
                404,
                "no such resource for this caller: unknown, malformed id, gone, merged \
                 (`merged`: the diagnostics name the patient to read), or another institution's",
            ),
            NOT_ACCEPTABLE,
        ])
    }
}

/// The errors of a FHIR search: 400, 403, 406.
pub struct SearchOutcomes<P>(std::marker::PhantomData<P>);

impl<P: crate::auth::perm::Required> IntoResponses for SearchOutcomes<P> {
    fn responses() -> Set {
        let forbidden = format!("lacks `{}`", P::PERMISSION.code());
        set(&[SEARCH, (403, &forbidden), NOT_ACCEPTABLE])
    }
}

/// The errors of the Patient create: 400, 403, 406, 409, 412, 413, 415, 422.
pub struct CreateOutcomes<P>(std::marker::PhantomData<P>);

impl<P: crate::auth::perm::Required> IntoResponses for CreateOutcomes<P> {
    fn responses() -> Set {
        let forbidden = format!("lacks `{}`", P::PERMISSION.code());
        set(&[
            (
                400,
                "not JSON, not a Patient (`resourceType`), an element Patient does not have, a \
                 value of the wrong JSON type, or an `If-None-Exist` that cannot be read",
            ),
            (403, &forbidden),
            NOT_ACCEPTABLE,
            (
                409,
                "a customer with the same phone or ID number exists (`possible_duplicate`, each \
                 named as Patient/<id>), or an identifier already names another patient",
            ),
            (412, "`If-None-Exist` matches more than one patient"),
            (413, "a body over 256 KiB"),
            (
                415,
                "a body that is not application/fhir+json or application/json",
            ),
            (
                422,
                "values that cannot be kept, each issue naming its element: an unknown identifier \
                 system, an invalid ID number or mobile, a partial birthDate, gender `other`, a \
                 modifierExtension …",
            ),
        ])
    }
}
