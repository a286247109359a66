//! Talking to the API: one typed request function ([`Api::request`]) that adds the bearer
//! token, refreshes it once on a 401 and turns every failure into a [`Problem`].

pub mod auth;
pub mod break_glass;
pub mod calendars;
pub mod complaints;
pub mod customers;
pub mod org;
pub mod service;
pub mod session;
pub mod tasks;
pub mod visits;

use gloo_net::http::{Method, RequestBuilder, Response};
use hcrm_domain::api::Problem;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

pub use session::{Api, AuthState};

pub const API: &str = "/api/v1";

/// A list endpoint answers with a bare array or a page; either reads as its items.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Items<T> {
    Page { items: Vec<T> },
    List(Vec<T>),
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

/// Sends one request; no token handling. `body` is serialized as JSON when given.
async fn send(
    method: Method,
    path: &str,
    bearer: Option<&str>,
    if_match: Option<i32>,
    body: Option<&(impl Serialize + ?Sized)>,
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
        Some(b) => req.json(b),
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
    let status = resp.status();
    let text = resp.text().await.unwrap_or_default();
    if (200..300).contains(&status) {
        // 204 and other empty bodies decode as JSON `null` (works for `()`).
        let text = if text.trim().is_empty() {
            "null"
        } else {
            text.as_str()
        };
        return serde_json::from_str(text)
            .map_err(|_| local_problem("bad_response", status, "unexpected response"));
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
