//! Talking to the API: one typed request function ([`Api::request`]) that adds the bearer
//! token, refreshes it once on a 401 and turns every failure into a [`Problem`].

pub mod appointments;
pub mod auth;
pub mod break_glass;
pub mod calendars;
pub mod complaints;
pub mod customers;
pub mod notifications;
pub mod org;
pub mod service;
pub mod session;
pub mod tasks;
pub mod visits;
pub mod webhooks;

use gloo_net::http::{Method, RequestBuilder, Response};
use hcrm_domain::api::Problem;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

pub use session::{Api, AuthState};

pub const API: &str = "/api/v1";

/// A list endpoint answers with a bare array or a page; either reads as its items.
#[derive(Debug, Clone, PartialEq)]
pub enum Items<T> {
    Page { items: Vec<T> },
    List(Vec<T>),
}

/// Read as it streams: an array is the list, an object the page (its `items`; the counts and
/// offsets are skipped). Not `#[serde(untagged)]`, which buffers the answer and so compiles a
/// second reader of every item type into the wasm (PERF-7).
impl<'de, T: Deserialize<'de>> Deserialize<'de> for Items<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Shape<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for Shape<T> {
            type Value = Items<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a list or a page of items")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Items<T>, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Items::List(items))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Items<T>, A::Error> {
                let mut items = None;
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    if key == "items" {
                        items = Some(map.next_value()?);
                    } else {
                        map.next_value::<serde::de::IgnoredAny>()?;
                    }
                }
                items
                    .map(|items| Items::Page { items })
                    .ok_or_else(|| serde::de::Error::missing_field("items"))
            }
        }
        d.deserialize_any(Shape(std::marker::PhantomData))
    }
}

impl<T> Items<T> {
    pub fn into_vec(self) -> Vec<T> {
        match self {
            Items::Page { items } | Items::List(items) => items,
        }
    }

    pub fn as_slice(&self) -> &[T] {
        match self {
            Items::Page { items } | Items::List(items) => items,
        }
    }
}

/// A problem the app makes up when the server gave none (network down, HTML error page).
pub fn local_problem(code: &str, status: u16, title: &str) -> Problem {
    Problem {
        kind: format!("about:blank/{code}"),
        title: title.to_string(),
        status,
        detail: None,
        errors: Vec::new(),
        duplicates: Vec::new(),
        merged_into: None,
        allowed_actions: Vec::new(),
        free_sessions: Vec::new(),
    }
}

/// A request body as JSON text. Serializing before sending keeps [`send`], [`read`] and
/// [`Api::request`] free of type parameters: one copy of their code in the wasm, not one per
/// body and answer type (PERF-7).
pub(crate) fn json_body(
    body: Option<&(impl Serialize + ?Sized)>,
) -> Result<Option<String>, Problem> {
    body.map(serde_json::to_string)
        .transpose()
        .map_err(|_| local_problem("bad_request", 0, "request could not be built"))
}

/// Sends one request with a JSON body (already serialized, [`json_body`]) or none; no token
/// handling.
async fn send(
    method: Method,
    path: &str,
    bearer: Option<&str>,
    if_match: Option<i32>,
    body: Option<&str>,
) -> Result<Response, Problem> {
    let mut req = RequestBuilder::new(&format!("{API}{path}"))
        .method(method)
        .header("Accept", "application/json");
    if let Some(token) = bearer {
        req = req.header("Authorization", &format!("Bearer {token}"));
    }
    if let Some(version) = if_match {
        req = req.header("If-Match", &format!("\"{version}\""));
    }
    let req = match body {
        Some(b) => req
            .header("Content-Type", "application/json")
            .body(wasm_bindgen::JsValue::from_str(b)),
        None => req.build(),
    }
    .map_err(|_| local_problem("bad_request", 0, "request could not be built"))?;
    req.send()
        .await
        .map_err(|_| local_problem("network", 0, "network error"))
}

/// Sends a non-JSON body (a file being imported) or none, accepting any response type (a file
/// being exported). No token handling.
async fn send_raw(
    method: Method,
    path: &str,
    bearer: Option<&str>,
    body: Option<(&wasm_bindgen::JsValue, &str)>,
) -> Result<Response, Problem> {
    let mut req = RequestBuilder::new(&format!("{API}{path}")).method(method);
    if let Some(token) = bearer {
        req = req.header("Authorization", &format!("Bearer {token}"));
    }
    let req = match body {
        Some((b, content_type)) => req.header("Content-Type", content_type).body(b.clone()),
        None => req.build(),
    }
    .map_err(|_| local_problem("bad_request", 0, "request could not be built"))?;
    req.send()
        .await
        .map_err(|_| local_problem("network", 0, "network error"))
}

/// Reads a success body as `T`, or the problem+json of a failure.
pub(crate) async fn read<T: DeserializeOwned>(resp: Response) -> Result<T, Problem> {
    decode(read_text(resp).await?)
}

/// A success body (status, text) as `T`; the only part of reading an answer that depends on
/// its type.
pub(crate) fn decode<T: DeserializeOwned>((status, text): (u16, String)) -> Result<T, Problem> {
    // 204 and other empty bodies decode as JSON `null` (works for `()`).
    let text = if text.trim().is_empty() {
        "null"
    } else {
        text.as_str()
    };
    serde_json::from_str(text)
        .map_err(|_| local_problem("bad_response", status, "unexpected response"))
}

/// The status and text of a success, or the problem+json of a failure.
pub(crate) async fn read_text(resp: Response) -> Result<(u16, String), Problem> {
    let status = resp.status();
    let text = resp.text().await.unwrap_or_default();
    if (200..300).contains(&status) {
        return Ok((status, text));
    }
    let mut problem = serde_json::from_str::<Problem>(&text).unwrap_or_else(|_| {
        let code = match status {
            401 => "unauthorized",
            403 => "forbidden",
            404 => "not_found",
            412 => "stale",
            429 => "too_many_attempts",
            503 => "unavailable",
            _ => "other",
        };
        local_problem(code, status, "request failed")
    });
    if status == 429 {
        // Keep the wait so the user can be told how long; `detail` is English server text
        // the UI never shows, so it is free to carry it.
        if let Some(secs) = resp_retry_after(&resp) {
            problem.detail = Some(secs.to_string());
        }
    }
    Err(problem)
}

fn resp_retry_after(resp: &Response) -> Option<u64> {
    resp.headers().get("Retry-After")?.trim().parse().ok()
}

/// Query string from `(name, value)` pairs, skipping empty values.
pub fn query(pairs: &[(&str, String)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

/// Percent-encodes a query value (UTF-8 bytes outside the unreserved set).
fn encode(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for b in v.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_read_a_list_or_a_page() {
        let list: Items<u32> = serde_json::from_str("[1, 2]").unwrap();
        assert_eq!(list.into_vec(), vec![1, 2]);
        let page: Items<u32> =
            serde_json::from_str(r#"{"total": 9, "items": [3], "offset": 0, "next": {"a": [1]}}"#)
                .unwrap();
        assert_eq!(page, Items::Page { items: vec![3] });
        assert!(serde_json::from_str::<Items<u32>>(r#"{"total": 1}"#).is_err());
        assert!(serde_json::from_str::<Items<u32>>(r#"["x"]"#).is_err());
        assert!(serde_json::from_str::<Items<u32>>("3").is_err());
    }

    #[test]
    fn query_encodes_and_skips_empty() {
        assert_eq!(
            query(&[
                ("q", "北京 a".into()),
                ("active", String::new()),
                ("limit", "20".into())
            ]),
            "?q=%E5%8C%97%E4%BA%AC%20a&limit=20"
        );
        assert_eq!(query(&[("q", String::new())]), "");
    }
}
