//! The API contract's shared pieces (X-1, X-2, X-7, X-8; issue 8 item 1), written once and
//! named by every operation's `#[utoipa::path]`:
//!
//! - problem response sets, one per kind of operation: [`ReadErrors`], [`ListErrors`],
//!   [`CreateErrors`], [`UpdateErrors`], [`ChangeErrors`], [`DeleteErrors`], [`ActionErrors`],
//!   and the parts
//!   they are made of ([`Forbidden`], [`NotFound`], [`BodyErrors`], [`QueryErrors`],
//!   [`VersionErrors`]). An operation lists its success, then its set, then only the statuses
//!   that mean something of its own (a 409 for a duplicate, a 403 with a reason code) — those
//!   replace the set's entry of the same status, so they describe the whole status;
//! - the header parameters [`IfMatch`] and [`IdempotencyKey`];
//! - [`Contract`], the document-wide additions: the bearer scheme, 401 on every secured
//!   operation, 409/422 of `Idempotency-Key` on every operation that takes one, and 503 (the
//!   database unavailable) on every operation of `/api/v1`.
//!
//! `tests/api/openapi.rs` checks the result: unique operation ids, and the statuses each kind
//! of operation answers.

use std::marker::PhantomData;

use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{Content, Ref, RefOr, Response};
use utoipa::{IntoParams, IntoResponses, Modify, ToSchema};

use crate::auth::perm::Required;

/// The media type of every error answer (RFC 9457).
pub const PROBLEM: &str = "application/problem+json";

/// A problem+json response with `description`.
pub fn problem(description: &str) -> Response {
    let mut response = Response::new(description);
    response.content.insert(
        PROBLEM.to_string(),
        Content::new(Some(RefOr::Ref(Ref::from_schema_name("Problem")))),
    );
    response
}

type Set = std::collections::BTreeMap<String, RefOr<Response>>;

/// `parts` as one set; a status given twice keeps both descriptions.
fn set(parts: impl IntoIterator<Item = (u16, String)>) -> Set {
    let mut out: std::collections::BTreeMap<u16, String> = Default::default();
    for (status, description) in parts {
        out.entry(status)
            .and_modify(|d| {
                d.push_str("; or ");
                d.push_str(&description);
            })
            .or_insert(description);
    }
    out.into_iter()
        .map(|(status, d)| (status.to_string(), RefOr::T(problem(&d))))
        .collect()
}

fn forbidden<P: Required>() -> (u16, String) {
    (
        403,
        format!(
            "lacks `{}` (`forbidden`), or the caller's role must set up two-factor sign-in first \
             (`totp_enrollment_required`)",
            P::PERMISSION.code()
        ),
    )
}

fn not_found() -> (u16, String) {
    (
        404,
        "no such record for this caller: unknown, malformed, gone, or another institution's \
         (`not_found`)"
            .into(),
    )
}

fn body_errors() -> [(u16, String); 4] {
    [
        (400, "malformed JSON (`malformed_json`)".into()),
        (413, "a body over 256 KiB (`payload_too_large`)".into()),
        (
            415,
            "a body that is not `application/json` (`unsupported_media_type`)".into(),
        ),
        (
            422,
            "invalid fields, each named in `errors` (`validation`), or JSON of the wrong shape \
             (`invalid_body`)"
                .into(),
        ),
    ]
}

fn query_errors() -> [(u16, String); 2] {
    [
        (
            400,
            "a malformed query string: unknown parameter, wrong type (`invalid_query`)".into(),
        ),
        (
            422,
            "an invalid `limit` (1–200), `offset`, `sort` or filter, named in `errors` \
             (`validation`)"
                .into(),
        ),
    ]
}

fn version_errors() -> [(u16, String); 3] {
    [
        (
            412,
            "changed by someone else since it was read (`stale`): read it again".into(),
        ),
        (422, "`If-Match` that is not a version (`if_match`)".into()),
        (
            428,
            "no version given, in `If-Match` or as `version` (`precondition_required`)".into(),
        ),
    ]
}

macro_rules! response_set {
    ($(#[$doc:meta])* $name:ident<P> = $($part:expr),+) => {
        $(#[$doc])*
        pub struct $name<P>(PhantomData<P>);
        impl<P: Required> IntoResponses for $name<P> {
            fn responses() -> Set {
                let mut parts: Vec<(u16, String)> = Vec::new();
                $(parts.extend($part);)+
                set(parts)
            }
        }
    };
    ($(#[$doc:meta])* $name:ident = $($part:expr),+) => {
        $(#[$doc])*
        pub struct $name;
        impl IntoResponses for $name {
            fn responses() -> Set {
                let mut parts: Vec<(u16, String)> = Vec::new();
                $(parts.extend($part);)+
                set(parts)
            }
        }
    };
}

response_set!(
    /// 403: the caller lacks permission `P` (or must set up two-factor sign-in first).
    Forbidden<P> = [forbidden::<P>()]
);
response_set!(
    /// 404: the record of the path is not there for this caller.
    NotFound = [not_found()]
);
response_set!(
    /// The answers to a JSON body that cannot be used: 400, 413, 415, 422.
    BodyErrors = body_errors()
);
response_set!(
    /// The answers to a query string that cannot be used: 400, 422.
    QueryErrors = query_errors()
);
response_set!(
    /// The answers of a versioned change (X-7): 412 stale, 422 a malformed `If-Match`, 428 none.
    VersionErrors = version_errors()
);
response_set!(
    /// Reading one record with permission `P`: 403, 404.
    ReadErrors<P> = [forbidden::<P>(), not_found()]
);
response_set!(
    /// Listing with permission `P`: 400, 403, 422.
    ListErrors<P> = [forbidden::<P>()], query_errors()
);
response_set!(
    /// Creating from a JSON body with permission `P`: 400, 403, 413, 415, 422.
    CreateErrors<P> = [forbidden::<P>()], body_errors()
);
response_set!(
    /// Changing a record from a JSON body and the version read, with permission `P`:
    /// 400, 403, 404, 412, 413, 415, 422, 428.
    UpdateErrors<P> = [forbidden::<P>(), not_found()], body_errors(), version_errors()
);
response_set!(
    /// Changing a record that always exists (the settings) from a JSON body and the version
    /// read, with permission `P`: 400, 403, 412, 413, 415, 422, 428.
    ChangeErrors<P> = [forbidden::<P>()], body_errors(), version_errors()
);
response_set!(
    /// Deleting a versioned record with permission `P`: 403, 404, 412, 422, 428.
    DeleteErrors<P> = [forbidden::<P>(), not_found()], version_errors()
);
response_set!(
    /// An action on one record without a body (deactivate, revoke …) with permission `P`:
    /// 403, 404.
    ActionErrors<P> = [forbidden::<P>(), not_found()]
);

/// X-7: the version the client read, for a change of a versioned record.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
pub struct IfMatch {
    /// The version read (the `ETag` of the read), e.g. `"3"`, or send `version` in the body.
    /// A record not written yet (a medical profile, private notes, the settings) is `"0"`.
    #[param(
        rename = "If-Match",
        required = false,
        pattern = r#"^(W/)?"?[0-9]{1,9}"?$"#,
        example = "\"3\""
    )]
    pub if_match: String,
}

/// X-8: makes a retried POST safe: the first successful answer is kept 24 hours for the
/// caller and replayed (`Idempotent-Replayed: true`).
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
pub struct IdempotencyKey {
    /// 1 to 255 visible ASCII characters, new for each request the client means to make once.
    #[param(
        rename = "Idempotency-Key",
        required = false,
        min_length = 1,
        max_length = 255,
        pattern = "^[!-~]{1,255}$"
    )]
    pub idempotency_key: String,
}

/// A file sent as the body itself (`text/csv`), or answered as one.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct FileBytes(pub Vec<u8>);

/// A file upload as `multipart/form-data` (what generated clients send).
#[derive(ToSchema)]
pub struct FileUpload {
    /// The file; its part's `Content-Type` (or file name `.csv` / `.xlsx`) tells its format.
    #[schema(value_type = String, format = Binary, content_media_type = "application/octet-stream")]
    pub file: Vec<u8>,
}

/// The document-wide parts of the contract (see the module's documentation).
pub struct Contract;

impl Modify for Contract {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut http = Http::new(HttpAuthScheme::Bearer);
        http.bearer_format = Some("JWT".into());
        components.add_security_scheme("bearer", SecurityScheme::Http(http));

        for (path, item) in openapi.paths.paths.iter_mut() {
            let api = path.starts_with("/api/");
            // FHIR answers its errors as OperationOutcome (INT-4), with the same statuses.
            let fhir = path.starts_with(crate::fhir::BASE_PATH);
            for op in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                complete(op, api || fhir, fhir);
            }
        }
    }
}

/// Adds to `op` what every operation of its kind answers; an answer the operation describes
/// itself keeps its description (extended for `Idempotency-Key`).
fn complete(op: &mut Operation, api: bool, fhir: bool) {
    let problem = |description: &str| {
        if fhir {
            crate::fhir::outcome(description)
        } else {
            problem(description)
        }
    };
    let secured = op
        .security
        .as_ref()
        .is_some_and(|s| !s.is_empty() && s.iter().any(|r| *r != Default::default()));
    let idempotent = op
        .parameters
        .iter()
        .flatten()
        .any(|p| p.name == crate::idempotency::HEADER);
    let responses = &mut op.responses.responses;
    let mut add = |status: u16, description: &str, extend: bool| match responses
        .get_mut(&status.to_string())
    {
        Some(RefOr::T(existing)) if extend => {
            existing.description = format!("{}; or {description}", existing.description);
        }
        Some(_) => {}
        None => {
            responses.insert(status.to_string(), RefOr::T(problem(description)));
        }
    };
    if secured {
        add(
            401,
            "not signed in: no, an expired or a revoked token (`unauthorized`)",
            false,
        );
    }
    if idempotent {
        add(
            409,
            "a request with this `Idempotency-Key` is still being handled (`in_progress`)",
            true,
        );
        add(
            422,
            "an `Idempotency-Key` that is not 1–255 visible ASCII characters \
             (`idempotency_key`), or one already used for a different request \
             (`idempotency_key_reused`)",
            true,
        );
    }
    if api {
        add(
            503,
            "the database is unavailable (`unavailable`); retry after `Retry-After` seconds",
            false,
        );
    }
}
