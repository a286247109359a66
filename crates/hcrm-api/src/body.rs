//! `JsonBody<T>`: the JSON request body, extracted without failing so that the permission
//! guard always answers first (actix extracts a handler's arguments concurrently; a bad
//! body must not reveal the schema to someone who may not call the endpoint).
//!
//! Every string of every body is put in Unicode NFC here (issue 7 item 11), before a handler
//! or a validator sees it: one place that no new field can miss, for every endpoint, where a
//! per-field serde helper would have to be remembered on each of a hundred fields (and on
//! their `Option<Option<_>>` forms). The import reads files, not JSON, and applies the same
//! `hcrm_domain::validation::nfc` to each cell.

use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use hcrm_domain::validation::{is_nfc, nfc};
use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_json::value::RawValue;

use crate::error::{ApiError, validate};

pub struct JsonBody<T>(Result<T, ApiError>);

impl<T> JsonBody<T> {
    /// The body, or the problem with it (syntax 400, shape 422, size 413, type 415).
    pub fn parsed(self) -> Result<T, ApiError> {
        self.0
    }
}

impl<T: validator::Validate> JsonBody<T> {
    /// The body after validation (422 listing every failing field).
    pub fn valid(self) -> Result<T, ApiError> {
        let value = self.0?;
        validate(&value)?;
        Ok(value)
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for JsonBody<T> {
    type Error = std::convert::Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        // Content type, size and syntax are checked by actix's extractor (JsonConfig).
        let json = web::Json::<Box<RawValue>>::from_request(req, payload);
        Box::pin(async move {
            let raw = json.await.map_err(|e| {
                e.as_error::<ApiError>()
                    .cloned()
                    .unwrap_or(ApiError::BadRequest {
                        code: "malformed_json",
                        detail: e.to_string(),
                    })
            });
            Ok(JsonBody(raw.and_then(|raw| parse(raw.get()))))
        })
    }
}

/// A JSON body the client may leave out altogether (no bytes or `null`: `None`), such as the refresh
/// request of the web app, whose token travels in a cookie. A body that is there is read and
/// checked like [`JsonBody`]: JSON only (415), at most [`crate::MAX_JSON_BYTES`] (413),
/// syntax 400, shape 422.
pub struct OptionalJsonBody<T>(Result<Option<T>, ApiError>);

impl<T: validator::Validate> OptionalJsonBody<T> {
    /// The body after validation, or `None` when there was none.
    pub fn valid(self) -> Result<Option<T>, ApiError> {
        let value = self.0?;
        if let Some(v) = &value {
            validate(v)?;
        }
        Ok(value)
    }
}

fn is_json(req: &HttpRequest) -> bool {
    req.mime_type().ok().flatten().is_some_and(|m| {
        (m.type_() == "application" && m.subtype() == "json")
            || m.suffix().is_some_and(|s| s == "json")
    })
}

fn parse_optional<T: DeserializeOwned>(
    req: &HttpRequest,
    bytes: &[u8],
) -> Result<Option<T>, ApiError> {
    if bytes.is_empty() {
        return Ok(None);
    }
    if !is_json(req) {
        return Err(ApiError::UnsupportedMediaType);
    }
    let text = std::str::from_utf8(bytes).map_err(|e| ApiError::BadRequest {
        code: "malformed_json",
        detail: e.to_string(),
    })?;
    // `null` is no body too.
    if text.trim() == "null" {
        return Ok(None);
    }
    parse(text).map(Some)
}

impl<T: DeserializeOwned + 'static> FromRequest for OptionalJsonBody<T> {
    type Error = std::convert::Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let bytes = web::Bytes::from_request(&req, payload);
        Box::pin(async move {
            Ok(OptionalJsonBody(match bytes.await {
                Ok(b) if b.len() > crate::MAX_JSON_BYTES => Err(ApiError::PayloadTooLarge),
                Ok(b) => parse_optional(&req, &b),
                Err(e) => Err(match e.as_error::<actix_web::error::PayloadError>() {
                    Some(actix_web::error::PayloadError::Overflow) => ApiError::PayloadTooLarge,
                    _ => ApiError::BadRequest {
                        code: "malformed_json",
                        detail: e.to_string(),
                    },
                }),
            }))
        })
    }
}

/// The largest HIS batch body.
pub const MAX_LARGE_JSON_BYTES: usize = 8 * 1024 * 1024;

/// A JSON body past [`crate::MAX_JSON_BYTES`] (a HIS batch of up to 1,000 items) and its bytes
/// as sent (a batch's replay is known by their hash): at most [`MAX_LARGE_JSON_BYTES`] (413),
/// JSON only (415), syntax 400, shape 422, strings in NFC — as [`JsonBody`]. Read by the
/// handler itself, after its permission guard and once it has its turn, so that a request
/// waiting holds no body (PERF-6).
pub async fn read_large_json<T: DeserializeOwned>(
    req: &HttpRequest,
    payload: web::Payload,
) -> Result<(T, web::Bytes), ApiError> {
    match web::Bytes::from_request(req, &mut payload.into_inner()).await {
        Ok(b) if b.len() > MAX_LARGE_JSON_BYTES => Err(ApiError::PayloadTooLarge),
        Ok(_) if !is_json(req) => Err(ApiError::UnsupportedMediaType),
        Ok(b) => std::str::from_utf8(&b)
            .map_err(|e| ApiError::BadRequest {
                code: "malformed_json",
                detail: e.to_string(),
            })
            .and_then(parse)
            .map(|v| (v, b.clone())),
        Err(e) => Err(match e.as_error::<actix_web::error::PayloadError>() {
            Some(actix_web::error::PayloadError::Overflow) => ApiError::PayloadTooLarge,
            _ => ApiError::BadRequest {
                code: "malformed_json",
                detail: e.to_string(),
            },
        }),
    }
}

/// `text` as a `T` whose strings are all in NFC.
pub(crate) fn parse<T: DeserializeOwned>(text: &str) -> Result<T, ApiError> {
    // The shape is checked on the text as sent, so that an unknown or repeated field or a
    // wrong type is refused exactly as serde reads it (a `Value` would keep the last of two
    // equal keys).
    let exact: T = serde_json::from_str(text).map_err(shape_error)?;
    // Text in NFC without `\u` escapes holds only strings in NFC: an escape such as `\n`
    // stands for one ASCII character, which composes with nothing. Chinese text is NFC, so a
    // HIS batch with names and diagnoses is read once, not again as a `Value` of every item.
    if !text.contains("\\u") && is_nfc(text) {
        return Ok(exact);
    }
    let mut value: Value = serde_json::from_str(text).map_err(shape_error)?;
    if !nfc_strings(&mut value) {
        return Ok(exact);
    }
    serde_json::from_value(value).map_err(shape_error)
}

fn shape_error(e: serde_json::Error) -> ApiError {
    if e.is_data() {
        ApiError::InvalidBody(e.to_string())
    } else {
        ApiError::BadRequest {
            code: "malformed_json",
            detail: e.to_string(),
        }
    }
}

/// Puts every string of `value` in NFC; true when one changed.
fn nfc_strings(value: &mut Value) -> bool {
    match value {
        Value::String(s) => {
            let composed = match nfc(s) {
                Cow::Owned(n) => Some(n),
                Cow::Borrowed(_) => None,
            };
            composed.map(|n| *s = n).is_some()
        }
        Value::Array(items) => items.iter_mut().fold(false, |any, v| nfc_strings(v) | any),
        Value::Object(map) => map.values_mut().fold(false, |any, v| nfc_strings(v) | any),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Body {
        name: String,
        #[serde(default)]
        tags: Vec<String>,
    }

    #[test]
    fn strings_are_composed_wherever_they_are() {
        let b: Body = parse(r#"{"name": "Zoe\u0301", "tags": ["cafe\u0301", "张三"]}"#).unwrap();
        assert_eq!(b.name, "Zo\u{e9}");
        assert_eq!(b.tags, ["caf\u{e9}", "张三"]);
        let b: Body = parse("{\"name\": \"e\u{301}\"}").unwrap();
        assert_eq!(b.name, "\u{e9}");
        // Escapes next to a raw combining mark: the mark is composed as if typed.
        let b: Body = parse("{\"name\": \"a\\\"e\u{301}\", \"tags\": [\"\\n\u{301}\"]}").unwrap();
        assert_eq!(b.name, "a\"\u{e9}");
        assert_eq!(b.tags, ["\n\u{301}"]);
        // Chinese text in NFC is read as sent.
        let b: Body = parse(r#"{"name": "张三\t李四", "tags": ["\"王五\""]}"#).unwrap();
        assert_eq!(b.name, "张三\t李四");
        assert_eq!(b.tags, ["\"王五\""]);
    }

    #[test]
    fn shape_errors_read_as_before() {
        let code = |text: &str| parse::<Body>(text).err().map(|e| e.code());
        assert_eq!(code(r#"{"name": "a", "name": "b"}"#), Some("invalid_body"));
        assert_eq!(
            code(r#"{"name": "e\u0301", "name": "b"}"#),
            Some("invalid_body")
        );
        assert_eq!(
            code(r#"{"name": "a", "admin": true}"#),
            Some("invalid_body")
        );
        assert_eq!(code(r#""a""#), Some("invalid_body"));
        assert_eq!(code(r#"{"name": "a"}"#), None);
    }
}
