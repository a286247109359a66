//! every error is RFC 9457 problem+json — ours, the database's and actix's own.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use hcrm_db::DbError;
use hcrm_domain::api::{FieldError, Problem};

/// Why a request failed. The variant chooses the status and the problem `type`.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    #[error("{} invalid field(s)", .0.len())]
    Validation(Vec<FieldError>),
    /// Bad syntax: malformed JSON, bad query string.
    #[error("{detail}")]
    BadRequest { code: &'static str, detail: String },
    /// Well-formed JSON of the wrong shape: unknown field, wrong type, invalid enum value.
    #[error("{0}")]
    InvalidBody(String),
    #[error("{0}")]
    Unauthorized(&'static str),
    #[error("invalid username or password")]
    InvalidCredentials,
    #[error("enter the code of your authenticator app")]
    TotpRequired,
    #[error("the authenticator code is wrong or was already used")]
    InvalidTotp,
    #[error("your role requires two-factor sign-in: set it up under /auth/totp first")]
    TotpEnrollmentRequired,
    #[error("you may not do this")]
    Forbidden,
    /// Forbidden for a reason the caller can act on; `code` is the problem type.
    #[error("{detail}")]
    Refused {
        code: &'static str,
        detail: &'static str,
    },
    /// Forbidden with a reason in words (an action of the complaint flow that is not the
    /// caller's, CMP-4).
    #[error("{0}")]
    ForbiddenBecause(String),
    /// CMP-4: the record's state has no such move; `allowed` are the moves it has.
    #[error("{detail}")]
    InvalidTransition {
        detail: String,
        allowed: Vec<String>,
    },
    #[error("not found")]
    NotFound,
    /// A customer merged into another (CUS-10, issue 9 item 11): 404 naming the kept one.
    #[error("this customer was merged into {0}; open that one")]
    Merged(uuid::Uuid),
    /// CUS-10: the new customer's phone or ID number matches existing customers.
    #[error("{} existing customer(s) have this phone or ID number; confirm to create anyway", .0.len())]
    PossibleDuplicate(Vec<hcrm_domain::api::customers::DuplicateMatch>),
    /// A unique value is taken; `field` names it when known.
    #[error("{detail}")]
    Duplicate {
        field: Option<&'static str>,
        detail: String,
    },
    #[error("the record was changed by someone else; reload it (current version {current})")]
    Stale { current: i32 },
    #[error("a request with this Idempotency-Key is still being handled; retry shortly")]
    InProgress,
    #[error("send the version you read in If-Match (or as `version`)")]
    PreconditionRequired,
    #[error("the request body is too large")]
    PayloadTooLarge,
    /// An upload within the size limit whose content is past one of its limits (rows,
    /// columns, unpacked size …): 413 with the limit as the field error (`file`, `too_many_rows`).
    #[error("{}", .0.message)]
    TooLarge(FieldError),
    #[error("send the body as application/json")]
    UnsupportedMediaType,
    /// An upload of a type not taken, known by its content (CMP-9): 415 naming the field.
    #[error("{}", .0.message)]
    UnsupportedFile(FieldError),
    /// The record's state does not allow the request (a refund already paid, a file still
    /// in use): 409 naming the field and the reason (`invalid_transition`, `in_use` …).
    #[error("{}", .0.message)]
    WrongState(FieldError),
    /// SVC-2: no place left in the session; the next sessions with free places are named.
    #[error("no place is left in this session; see free_sessions for the next ones")]
    SessionFull(Vec<hcrm_domain::api::appointments::FreeSession>),
    #[error("too many failed sign-ins; try again in {retry_after} seconds")]
    TooManyAttempts { retry_after: u64 },
    #[error("the database is unavailable; try again shortly")]
    Unavailable,
    #[error("internal error")]
    Internal,
    /// A HIS batch with a rejected item (INT-1): nothing was written; 422 naming each failing
    /// field as `visits[3].visited_at`, and the stored batch.
    #[error(
        "{rejected} of {total} items were rejected; nothing of the batch was written{}",
        record.map(|r| format!(" (every item's result: /api/v1/integration/batches/{r})")).unwrap_or_default()
    )]
    BatchRejected {
        items: Vec<hcrm_domain::api::integration::ItemResult>,
        record: Option<uuid::Uuid>,
        rejected: usize,
        total: usize,
    },
}

impl ApiError {
    pub fn field(field: &str, code: &str, message: &str) -> ApiError {
        ApiError::Validation(vec![FieldError {
            field: field.to_string(),
            code: code.to_string(),
            message: message.to_string(),
        }])
    }

    /// 413 for content past a limit, naming the field and the limit (`code`).
    pub fn too_large(field: &str, code: &str, message: &str) -> ApiError {
        ApiError::TooLarge(FieldError {
            field: field.to_string(),
            code: code.to_string(),
            message: message.to_string(),
        })
    }

    pub(crate) fn code(&self) -> &'static str {
        match self {
            ApiError::Validation(_) => "validation",
            ApiError::BadRequest { code, .. } => code,
            ApiError::InvalidBody(_) => "invalid_body",
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::InvalidCredentials => "invalid_credentials",
            ApiError::TotpRequired => "totp_required",
            ApiError::InvalidTotp => "invalid_totp",
            ApiError::TotpEnrollmentRequired => "totp_enrollment_required",
            ApiError::Forbidden | ApiError::ForbiddenBecause(_) => "forbidden",
            ApiError::InvalidTransition { .. } => "invalid_transition",
            ApiError::Refused { code, .. } => code,
            ApiError::NotFound => "not_found",
            ApiError::Merged(_) => "merged",
            ApiError::Duplicate { .. } => "duplicate",
            ApiError::PossibleDuplicate(_) => "possible_duplicate",
            ApiError::Stale { .. } => "stale",
            ApiError::InProgress => "in_progress",
            ApiError::PreconditionRequired => "precondition_required",
            ApiError::PayloadTooLarge | ApiError::TooLarge(_) => "payload_too_large",
            ApiError::UnsupportedMediaType => "unsupported_media_type",
            ApiError::UnsupportedFile(_) => "unsupported_file_type",
            ApiError::WrongState(_) => "wrong_state",
            ApiError::SessionFull(_) => "session_full",
            ApiError::TooManyAttempts { .. } => "too_many_attempts",
            ApiError::Unavailable => "unavailable",
            ApiError::Internal => "internal",
            ApiError::BatchRejected { .. } => "batch_rejected",
        }
    }

    fn title(&self) -> &'static str {
        match self {
            ApiError::Validation(_) => "Invalid input",
            ApiError::BadRequest { .. } => "Bad request",
            ApiError::InvalidBody(_) => "Invalid request body",
            ApiError::Unauthorized(_) => "Authentication required",
            ApiError::InvalidCredentials | ApiError::InvalidTotp => "Sign-in failed",
            ApiError::TotpRequired => "Second factor required",
            ApiError::TotpEnrollmentRequired => "Two-factor sign-in required",
            ApiError::Forbidden | ApiError::Refused { .. } | ApiError::ForbiddenBecause(_) => {
                "Forbidden"
            }
            ApiError::InvalidTransition { .. } => "Not allowed in this state",
            ApiError::NotFound => "Not found",
            ApiError::Merged(_) => "Merged into another customer",
            ApiError::Duplicate { .. } => "Already exists",
            ApiError::PossibleDuplicate(_) => "Possible duplicate",
            ApiError::Stale { .. } => "Stale version",
            ApiError::InProgress => "Request in progress",
            ApiError::PreconditionRequired => "Version required",
            ApiError::PayloadTooLarge | ApiError::TooLarge(_) => "Payload too large",
            ApiError::UnsupportedMediaType | ApiError::UnsupportedFile(_) => {
                "Unsupported media type"
            }
            ApiError::WrongState(_) => "Not in this state",
            ApiError::SessionFull(_) => "Session full",
            ApiError::TooManyAttempts { .. } => "Too many attempts",
            ApiError::Unavailable => "Service unavailable",
            ApiError::Internal => "Internal error",
            ApiError::BatchRejected { .. } => "Batch rejected",
        }
    }

    pub fn problem(&self) -> Problem {
        Problem {
            kind: format!("/problems/{}", self.code()),
            title: self.title().to_string(),
            status: self.status_code().as_u16(),
            detail: Some(self.to_string()),
            errors: match self {
                ApiError::Validation(e) => e.clone(),
                ApiError::BatchRejected { items, .. } => {
                    hcrm_domain::api::integration::problem_errors(items, 100)
                }
                ApiError::TooLarge(e) | ApiError::UnsupportedFile(e) | ApiError::WrongState(e) => {
                    vec![e.clone()]
                }
                ApiError::InvalidTransition { detail, .. } => vec![FieldError {
                    field: "action".into(),
                    code: "invalid_transition".into(),
                    message: detail.clone(),
                }],
                ApiError::Duplicate {
                    field: Some(field),
                    detail,
                } => vec![FieldError {
                    field: field.to_string(),
                    code: "duplicate".into(),
                    message: detail.clone(),
                }],
                _ => Vec::new(),
            },
            duplicates: match self {
                ApiError::PossibleDuplicate(matches) => matches.clone(),
                _ => Vec::new(),
            },
            merged_into: match self {
                ApiError::Merged(id) => Some(*id),
                _ => None,
            },
            allowed_actions: match self {
                ApiError::InvalidTransition { allowed, .. } => allowed.clone(),
                _ => Vec::new(),
            },
            free_sessions: match self {
                ApiError::SessionFull(free) => free.clone(),
                _ => Vec::new(),
            },
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Validation(_) | ApiError::InvalidBody(_) | ApiError::BatchRejected { .. } => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_)
            | ApiError::InvalidCredentials
            | ApiError::TotpRequired
            | ApiError::InvalidTotp => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden
            | ApiError::ForbiddenBecause(_)
            | ApiError::Refused { .. }
            | ApiError::TotpEnrollmentRequired => StatusCode::FORBIDDEN,
            ApiError::InvalidTransition { .. } => StatusCode::CONFLICT,
            ApiError::NotFound | ApiError::Merged(_) => StatusCode::NOT_FOUND,
            ApiError::Duplicate { .. } | ApiError::InProgress | ApiError::PossibleDuplicate(_) => {
                StatusCode::CONFLICT
            }
            ApiError::Stale { .. } => StatusCode::PRECONDITION_FAILED,
            ApiError::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            ApiError::PayloadTooLarge | ApiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType | ApiError::UnsupportedFile(_) => {
                StatusCode::UNSUPPORTED_MEDIA_TYPE
            }
            ApiError::WrongState(_) | ApiError::SessionFull(_) => StatusCode::CONFLICT,
            ApiError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let mut res = HttpResponse::build(self.status_code());
        res.content_type("application/problem+json");
        match self {
            ApiError::TooManyAttempts { retry_after } => {
                res.insert_header((header::RETRY_AFTER, retry_after.to_string()));
            }
            ApiError::Unauthorized(_)
            | ApiError::InvalidCredentials
            | ApiError::TotpRequired
            | ApiError::InvalidTotp => {
                res.insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
            }
            ApiError::Unavailable => {
                res.insert_header((header::RETRY_AFTER, "5"));
            }
            ApiError::BatchRejected {
                record: Some(id), ..
            } => {
                res.insert_header((
                    header::CONTENT_LOCATION,
                    format!("/api/v1/integration/batches/{id}"),
                ));
            }
            _ => {}
        }
        res.json(self.problem())
    }
}

/// Names the field of a unique-value conflict, for `map_err` on a write.
pub fn duplicate_of(field: &'static str, detail: &'static str) -> impl Fn(ApiError) -> ApiError {
    move |e| match e {
        ApiError::Duplicate { .. } => ApiError::Duplicate {
            field: Some(field),
            detail: detail.into(),
        },
        other => other,
    }
}

impl From<DbError> for ApiError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::NotFound => ApiError::NotFound,
            DbError::Stale { current } => ApiError::Stale { current },
            DbError::Duplicate(_) => ApiError::Duplicate {
                field: None,
                detail: "a record with the same unique value already exists".into(),
            },
            DbError::BadReference(_) => ApiError::field(
                "reference",
                "bad_reference",
                "refers to a record that does not exist",
            ),
            DbError::Unavailable(why) => {
                log::warn!("database unavailable: {why}");
                ApiError::Unavailable
            }
            other => {
                log::error!("storage error: {other}");
                ApiError::Internal
            }
        }
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        DbError::from(e).into()
    }
}

impl From<validator::ValidationErrors> for ApiError {
    fn from(e: validator::ValidationErrors) -> Self {
        ApiError::Validation(field_errors(&e))
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(_: actix_web::error::BlockingError) -> Self {
        ApiError::Unavailable
    }
}

/// Turns `validator` results into a validation problem listing every failing field.
pub fn validate<T: validator::Validate>(value: &T) -> Result<(), ApiError> {
    value
        .validate()
        .map_err(|e| ApiError::Validation(field_errors(&e)))
}

/// The checks `validator` cannot express (one field against another, against now): 422
/// listing them when there are any.
pub fn check_fields(errors: Vec<FieldError>) -> Result<(), ApiError> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

pub fn field_errors(errors: &validator::ValidationErrors) -> Vec<FieldError> {
    let mut out = Vec::new();
    flatten("", errors, &mut out);
    out.sort_by(|a, b| a.field.cmp(&b.field));
    out
}

fn flatten(prefix: &str, errors: &validator::ValidationErrors, out: &mut Vec<FieldError>) {
    use validator::ValidationErrorsKind as K;
    for (field, kind) in errors.errors() {
        let name = if field == "__all__" {
            prefix.trim_end_matches('.').to_string()
        } else {
            format!("{prefix}{field}")
        };
        match kind {
            K::Field(list) => out.extend(list.iter().map(|e| {
                FieldError {
                    // A struct-level rule may name the field it is about.
                    field: e
                        .params
                        .get("field")
                        .and_then(|f| f.as_str())
                        .map_or_else(|| name.clone(), |f| format!("{prefix}{f}")),
                    code: e.code.to_string(),
                    message: e
                        .message
                        .as_ref()
                        .map(|m| m.to_string())
                        .unwrap_or_else(|| default_message(e)),
                }
            })),
            K::Struct(inner) => flatten(&format!("{name}."), inner, out),
            K::List(items) => {
                for (i, inner) in items {
                    flatten(&format!("{name}[{i}]."), inner, out);
                }
            }
        }
    }
}

fn default_message(e: &validator::ValidationError) -> String {
    let p = |k: &str| e.params.get(k).map(|v| v.to_string());
    match e.code.as_ref() {
        "length" => match (p("min"), p("max")) {
            (Some(min), Some(max)) => format!("length must be between {min} and {max}"),
            (None, Some(max)) => format!("length must be at most {max}"),
            (Some(min), None) => format!("length must be at least {min}"),
            _ => "invalid length".into(),
        },
        "range" => match (p("min"), p("max")) {
            (Some(min), Some(max)) => format!("must be between {min} and {max}"),
            _ => "out of range".into(),
        },
        other => format!("invalid ({other})"),
    }
}

/// actix's JSON extractor errors as problems: syntax → 400, shape → 422,
/// size → 413, content type → 415.
pub fn json_error(err: actix_web::error::JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    use actix_web::error::JsonPayloadError as J;
    let api = match &err {
        J::ContentType => ApiError::UnsupportedMediaType,
        J::Overflow { .. } | J::OverflowKnownLength { .. } => ApiError::PayloadTooLarge,
        J::Deserialize(e) if e.is_data() => ApiError::InvalidBody(e.to_string()),
        J::Deserialize(e) => ApiError::BadRequest {
            code: "malformed_json",
            detail: e.to_string(),
        },
        other => ApiError::BadRequest {
            code: "malformed_json",
            detail: other.to_string(),
        },
    };
    api.into()
}

pub fn query_error(
    err: actix_web::error::QueryPayloadError,
    _req: &HttpRequest,
) -> actix_web::Error {
    ApiError::BadRequest {
        code: "invalid_query",
        detail: err.to_string(),
    }
    .into()
}

/// A malformed id in a path names no record: 404.
pub fn path_error(_err: actix_web::error::PathError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::NotFound.into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::body::MessageBody;

    fn body(e: ApiError) -> (u16, serde_json::Value) {
        let res = e.error_response();
        let status = res.status().as_u16();
        let bytes = res.into_body().try_into_bytes().unwrap();
        (status, serde_json::from_slice(&bytes).unwrap())
    }

    #[test]
    fn validation_problem_lists_fields() {
        let (status, json) = body(ApiError::field("code", "institution_code", "bad"));
        assert_eq!(status, 422);
        assert_eq!(
            json,
            serde_json::json!({
                "type": "/problems/validation", "title": "Invalid input", "status": 422,
                "detail": "1 invalid field(s)",
                "errors": [{"field": "code", "code": "institution_code", "message": "bad"}]
            })
        );
    }

    #[test]
    fn content_past_a_limit_is_413_naming_the_limit() {
        let (status, json) = body(ApiError::too_large("file", "too_many_rows", "at most 100"));
        assert_eq!(status, 413);
        assert_eq!(
            json,
            serde_json::json!({
                "type": "/problems/payload_too_large", "title": "Payload too large",
                "status": 413, "detail": "at most 100",
                "errors": [{"field": "file", "code": "too_many_rows", "message": "at most 100"}]
            })
        );
    }

    #[test]
    fn database_outage_is_503_and_hides_details() {
        let (status, json) =
            body(DbError::Unavailable("connection refused at 10.0.0.1".into()).into());
        assert_eq!(status, 503);
        assert!(!json.to_string().contains("10.0.0.1"));
        let (status, json) = body(DbError::Corrupt("SELECT secret".into()).into());
        assert_eq!(status, 500);
        assert!(!json.to_string().contains("SELECT"));
    }

    #[test]
    fn stale_and_throttle_statuses() {
        assert_eq!(body(ApiError::Stale { current: 3 }).0, 412);
        let res = ApiError::TooManyAttempts { retry_after: 60 }.error_response();
        assert_eq!(res.status().as_u16(), 429);
        assert_eq!(res.headers().get("retry-after").unwrap(), "60");
        assert_eq!(
            res.headers().get("content-type").unwrap(),
            "application/problem+json"
        );
    }
}
