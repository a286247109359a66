//! X-3 / issue 7 item 10: the web app's refresh token lives in a cookie no script can read
//! (`HttpOnly`), that no other site can make the browser send (`SameSite=Strict`), that only
//! the `/auth` endpoints see (`Path`) and that never crosses plain HTTP once the site is on TLS
//! (`Secure`). API clients keep sending the token in the JSON body instead.

use actix_web::HttpRequest;
use actix_web::http::header::{self, HeaderValue};

use crate::state::Settings;

pub const NAME: &str = "hcrm_refresh";
pub const PATH: &str = "/api/v1/auth";

/// Whether the client reached us over TLS: our own listener, or — only when the operator
/// says the server is reachable through its TLS proxy alone — the proxy's
/// `X-Forwarded-Proto` (the first hop's value).
fn over_tls(req: &HttpRequest, settings: &Settings) -> bool {
    req.app_config().secure()
        || (settings.trust_forwarded_proto
            && req
                .headers()
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("https")))
}

fn cookie(value: &str, max_age: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let text = format!(
        "{NAME}={value}; Path={PATH}; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}"
    );
    // The token is `rt_` and hex: always a valid header value.
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The `Set-Cookie` value that hands `token` to the browser for the refresh token's lifetime.
pub fn set(
    req: &HttpRequest,
    settings: &Settings,
    token: &str,
) -> (header::HeaderName, HeaderValue) {
    let max_age = settings.refresh_ttl_days.saturating_mul(24 * 60 * 60);
    (
        header::SET_COOKIE,
        cookie(token, max_age, over_tls(req, settings)),
    )
}

/// The `Set-Cookie` value that makes the browser forget the cookie.
pub fn clear(req: &HttpRequest, settings: &Settings) -> (header::HeaderName, HeaderValue) {
    (header::SET_COOKIE, cookie("", 0, over_tls(req, settings)))
}

/// The refresh token of the request's cookie, if it has one of a plausible shape.
pub fn read(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get_all(header::COOKIE)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == NAME)
        .map(|(_, value)| value.trim_matches('"').to_string())
        .filter(|v| {
            (1..=256).contains(&v.len())
                && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn the_cookie_is_read_among_others_and_odd_values_are_ignored() {
        let req = TestRequest::default()
            .insert_header((header::COOKIE, "a=1; hcrm_refresh=rt_ab12; b=2"))
            .to_http_request();
        assert_eq!(read(&req).as_deref(), Some("rt_ab12"));
        for odd in [
            "hcrm_refresh=",
            "hcrm_refresh=a b",
            "hcrm_refreshx=rt_1",
            "other=rt_1",
        ] {
            let req = TestRequest::default()
                .insert_header((header::COOKIE, odd))
                .to_http_request();
            assert_eq!(read(&req), None, "{odd}");
        }
        assert_eq!(read(&TestRequest::default().to_http_request()), None);
    }

    #[test]
    fn secure_only_over_tls_or_a_trusted_proxy() {
        let plain = Settings::default();
        let proxied = Settings {
            trust_forwarded_proto: true,
            ..Settings::default()
        };
        let https = TestRequest::default()
            .insert_header(("X-Forwarded-Proto", "https, http"))
            .to_http_request();
        let http = TestRequest::default()
            .insert_header(("X-Forwarded-Proto", "http"))
            .to_http_request();
        let text =
            |(_, v): (header::HeaderName, HeaderValue)| v.to_str().unwrap_or_default().to_string();
        assert_eq!(
            text(set(&https, &plain, "rt_1")),
            "hcrm_refresh=rt_1; Path=/api/v1/auth; Max-Age=1209600; HttpOnly; SameSite=Strict"
        );
        assert!(text(set(&https, &proxied, "rt_1")).ends_with("; Secure"));
        assert!(!text(set(&http, &proxied, "rt_1")).contains("Secure"));
        assert_eq!(
            text(clear(&https, &proxied)),
            "hcrm_refresh=; Path=/api/v1/auth; Max-Age=0; HttpOnly; SameSite=Strict; Secure"
        );
    }
}
