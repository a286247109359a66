//! `JsonBody<T>`: the JSON request body, extracted without failing so that the permission
//! guard always answers first (actix extracts a handler's arguments concurrently; a bad
//! body must not reveal the schema to someone who may not call the endpoint).

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
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
