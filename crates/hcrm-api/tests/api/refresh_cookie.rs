//! Issue 7 item 10: the refresh token also travels in an HttpOnly, SameSite=Strict cookie
//! scoped to `/api/v1/auth`, so the web app never holds it where a script could read it.
//! API clients keep sending it in the JSON body; the body wins over the cookie.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::{ADMIN_PASSWORD, Res, Srv, each_backend};
use hcrm_api::Settings;
use hcrm_db::testing::backends;
use serde_json::json;

const FOURTEEN_DAYS: &str = "1209600";

/// The `hcrm_refresh` Set-Cookie of a response: its value and its attributes (lower-cased
/// names, values as sent).
fn set_cookie(res: &Res) -> (String, Vec<(String, String)>) {
    let cookies: Vec<&str> = res
        .headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
        .map(|(_, v)| v.as_str())
        .filter(|v| v.starts_with("hcrm_refresh="))
        .collect();
    assert_eq!(
        cookies.len(),
        1,
        "one hcrm_refresh cookie: {:?}",
        res.headers
    );
    let mut parts = cookies[0].split(';').map(str::trim);
    let value = parts
        .next()
        .unwrap()
        .trim_start_matches("hcrm_refresh=")
        .to_string();
    let attrs = parts
        .map(|a| {
            let (k, v) = a.split_once('=').unwrap_or((a, ""));
            (k.to_ascii_lowercase(), v.to_string())
        })
        .collect();
    (value, attrs)
}

fn attr<'a>(attrs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn login(srv: &Srv, headers: &[(&str, &str)]) -> Res {
    srv.raw(
        "POST",
        "/api/v1/auth/login",
        None,
        headers,
        Some((
            "application/json",
            json!({"username": "admin", "password": ADMIN_PASSWORD}).to_string(),
        )),
    )
}

/// POST to an `/auth` endpoint with only the cookie (no body at all, as the web app sends it).
fn with_cookie(srv: &Srv, path: &str, token: &str) -> Res {
    let cookie = format!("theme=dark; hcrm_refresh={token}");
    srv.raw("POST", path, None, &[("Cookie", &cookie)], None)
}

#[test]
fn login_and_refresh_set_an_http_only_strict_cookie_scoped_to_auth() {
    each_backend(|srv| {
        let res = login(srv, &[]);
        let body = res.ok(200).clone();
        let (value, attrs) = set_cookie(&res);
        assert_eq!(value, body["refresh_token"].as_str().unwrap());
        assert_eq!(attr(&attrs, "httponly"), Some(""));
        assert_eq!(attr(&attrs, "samesite"), Some("Strict"));
        assert_eq!(attr(&attrs, "path"), Some("/api/v1/auth"));
        assert_eq!(attr(&attrs, "max-age"), Some(FOURTEEN_DAYS));
        // Plain HTTP: not Secure (the browser would drop it); a client's X-Forwarded-Proto is
        // not believed unless the server is told it runs behind a TLS proxy.
        assert_eq!(attr(&attrs, "secure"), None);
        let res = login(srv, &[("X-Forwarded-Proto", "https")]);
        assert_eq!(attr(&set_cookie(&res).1, "secure"), None);

        let res = with_cookie(srv, "/api/v1/auth/refresh", &value);
        res.ok(200);
        let (rotated, attrs) = set_cookie(&res);
        assert_ne!(rotated, value);
        assert!(rotated.starts_with("rt_"));
        assert_eq!(attr(&attrs, "httponly"), Some(""));
        assert_eq!(attr(&attrs, "samesite"), Some("Strict"));
        assert_eq!(attr(&attrs, "path"), Some("/api/v1/auth"));
        assert_eq!(attr(&attrs, "max-age"), Some(FOURTEEN_DAYS));
    });
}

#[test]
fn behind_a_trusted_tls_proxy_the_cookie_is_secure() {
    for backend in backends() {
        let srv = Srv::start(
            backend,
            Settings {
                trust_forwarded_proto: true,
                ..Settings::default()
            },
        );
        let res = login(&srv, &[("X-Forwarded-Proto", "https")]);
        let (value, attrs) = set_cookie(&res);
        assert_eq!(attr(&attrs, "secure"), Some(""));
        let cookie = format!("hcrm_refresh={value}");
        let res = srv.raw(
            "POST",
            "/api/v1/auth/refresh",
            None,
            &[("Cookie", &cookie), ("X-Forwarded-Proto", "https")],
            None,
        );
        assert_eq!(attr(&set_cookie(&res).1, "secure"), Some(""));
        // The proxy says the client came over plain HTTP: no Secure.
        let res = login(&srv, &[("X-Forwarded-Proto", "http")]);
        assert_eq!(attr(&set_cookie(&res).1, "secure"), None);
    }
}

#[test]
fn refresh_works_from_the_cookie_alone_and_never_shows_it_to_scripts() {
    each_backend(|srv| {
        let first = login(srv, &[]);
        let (rt1, _) = set_cookie(&first);

        // Cookie only, no body: new access token; the rotated refresh token is only in the
        // cookie, not in the JSON a script could read.
        let res = with_cookie(srv, "/api/v1/auth/refresh", &rt1);
        let body = res.ok(200).clone();
        assert!(body.get("refresh_token").is_none(), "{body}");
        assert_eq!(body["token_type"], "Bearer");
        srv.get("/api/v1/auth/me", body["access_token"].as_str().unwrap())
            .ok(200);
        let (rt2, _) = set_cookie(&res);

        // An empty JSON object or `null` works the same.
        let cookie = format!("hcrm_refresh={rt2}");
        let res = srv.raw(
            "POST",
            "/api/v1/auth/refresh",
            None,
            &[("Cookie", &cookie)],
            Some(("application/json", "{}".into())),
        );
        assert!(res.ok(200).get("refresh_token").is_none());
        let (rt2b, _) = set_cookie(&res);
        let cookie = format!("hcrm_refresh={rt2b}");
        let res = srv.raw(
            "POST",
            "/api/v1/auth/refresh",
            None,
            &[("Cookie", &cookie)],
            Some(("application/json", "null".into())),
        );
        assert!(res.ok(200).get("refresh_token").is_none());
        let (rt3, _) = set_cookie(&res);

        // The body wins over the cookie, and an API client gets its token in the body.
        let res = srv.raw(
            "POST",
            "/api/v1/auth/refresh",
            None,
            &[("Cookie", "hcrm_refresh=rt_garbage")],
            Some((
                "application/json",
                json!({"refresh_token": rt3}).to_string(),
            )),
        );
        let body = res.ok(200).clone();
        let rt4 = body["refresh_token"].as_str().unwrap().to_string();
        assert_eq!(set_cookie(&res).0, rt4);

        // A rotated token in the cookie is reuse: refused, the sign-in revoked, and the cookie
        // cleared so that the browser stops sending it.
        let res = with_cookie(srv, "/api/v1/auth/refresh", &rt1);
        res.problem(401, "unauthorized");
        let (cleared, attrs) = set_cookie(&res);
        assert_eq!(cleared, "");
        assert_eq!(attr(&attrs, "max-age"), Some("0"));
        assert_eq!(attr(&attrs, "path"), Some("/api/v1/auth"));
        with_cookie(srv, "/api/v1/auth/refresh", &rt4).problem(401, "unauthorized");

        // Neither body nor cookie.
        srv.raw("POST", "/api/v1/auth/refresh", None, &[], None)
            .problem(401, "unauthorized");
        srv.call("POST", "/api/v1/auth/refresh", None, Some(&json!({})))
            .problem(401, "unauthorized");
        // A malformed body is still a malformed body, and JSON is still JSON.
        let res = srv.raw(
            "POST",
            "/api/v1/auth/refresh",
            None,
            &[("Cookie", "hcrm_refresh=rt_x")],
            Some(("text/plain", "rt_x".into())),
        );
        res.problem(415, "unsupported_media_type");
        srv.raw(
            "POST",
            "/api/v1/auth/refresh",
            None,
            &[],
            Some(("application/json", "{\"refresh_token\":".into())),
        )
        .problem(400, "malformed_json");
        srv.call(
            "POST",
            "/api/v1/auth/refresh",
            None,
            Some(&json!({"refresh_token": ""})),
        )
        .problem(422, "validation");
    });
}

#[test]
fn logout_from_the_cookie_revokes_the_sign_in_and_clears_the_cookie() {
    each_backend(|srv| {
        let (rt, _) = set_cookie(&login(srv, &[]));
        let res = with_cookie(srv, "/api/v1/auth/logout", &rt);
        assert_eq!(res.status, 204, "{}", res.body);
        let (cleared, attrs) = set_cookie(&res);
        assert_eq!(cleared, "");
        assert_eq!(attr(&attrs, "max-age"), Some("0"));
        assert_eq!(attr(&attrs, "path"), Some("/api/v1/auth"));
        assert_eq!(attr(&attrs, "httponly"), Some(""));
        with_cookie(srv, "/api/v1/auth/refresh", &rt).problem(401, "unauthorized");

        // Signed out without any token (the cookie had expired): still 204, still cleared.
        let res = srv.raw("POST", "/api/v1/auth/logout", None, &[], None);
        assert_eq!(res.status, 204, "{}", res.body);
        assert_eq!(set_cookie(&res).0, "");
    });
}
