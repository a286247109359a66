//! `JsonBody<T>`: the JSON request body, extracted without failing so that the permission
//! guard always answers first (actix extracts a handler's arguments concurrently; a bad
//! body must not reveal the schema to someone who may not call the endpoint).

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use serde::de::DeserializeOwned;

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
        let json = web::Json::<T>::from_request(req, payload);
        Box::pin(async move {
            Ok(JsonBody(json.await.map(web::Json::into_inner).map_err(
                |e| {
                    e.as_error::<ApiError>()
                        .cloned()
                        .unwrap_or(ApiError::BadRequest {
                            code: "malformed_json",
                            detail: e.to_string(),
                        })
                },
            )))
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

fn parse<T: DeserializeOwned>(req: &HttpRequest, bytes: &[u8]) -> Result<Option<T>, ApiError> {
    if bytes.is_empty() {
        return Ok(None);
    }
    if !is_json(req) {
        return Err(ApiError::UnsupportedMediaType);
    }
    // `null` is no body too.
    serde_json::from_slice::<Option<T>>(bytes).map_err(|e| {
        if e.is_data() {
            ApiError::InvalidBody(e.to_string())
        } else {
            ApiError::BadRequest {
                code: "malformed_json",
                detail: e.to_string(),
            }
        }
    })
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
                Ok(b) => parse(&req, &b),
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
