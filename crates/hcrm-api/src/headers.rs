//! Security headers by kind of response (issue 7 item 10): API answers carry personal data
//! and must never be kept by a browser or proxy cache; the web app and the docs viewer run
//! under a Content-Security-Policy that forbids inline script and framing.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;

/// The web app: its own files only. The wasm module is compiled by the browser, which a CSP
/// allows only with `'wasm-unsafe-eval'` (not `'unsafe-eval'`: no JavaScript `eval`). No inline
/// script or style anywhere; `data:` images for the empty favicon.
pub const WEB_APP_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
     base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The vendored Swagger UI at `/docs`: its scripts are files of ours, but its bundle applies
/// inline styles (blocked under `style-src 'self'`, as the browser test showed) and its
/// stylesheet embeds `data:` icons, so inline styles are allowed here — styles only.
pub const DOCS_CSP: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
     object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// JSON and files: nothing in them may run, load or be framed if a browser opens one.
pub const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Api,
    Docs,
    WebApp,
}

impl Kind {
    fn of(path: &str) -> Kind {
        let under = |prefix: &str| path == prefix || path.starts_with(&format!("{prefix}/"));
        // The FHIR endpoint (INT-4) carries personal data as the API does.
        if under("/api") || under(crate::fhir::BASE_PATH) {
            Kind::Api
        } else if under("/docs") {
            Kind::Docs
        } else {
            Kind::WebApp
        }
    }
}

/// Sets `Cache-Control: no-store` and the API policy on everything under `/api` (answers,
/// problems, exports alike), and the matching Content-Security-Policy elsewhere. (Handlers'
/// errors arrive here as responses already.)
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let kind = Kind::of(req.path());
    let mut res = next.call(req).await?;
    let headers = res.headers_mut();
    let csp = match kind {
        Kind::Api => {
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            // A page of the API (the penalty slip) may allow its own hashed style sheet, and
            // nothing else: its policy must start by denying everything.
            if headers
                .get(header::CONTENT_SECURITY_POLICY)
                .is_some_and(|v| keeps_api_default(v.as_bytes()))
            {
                return Ok(res);
            }
            API_CSP
        }
        Kind::Docs => DOCS_CSP,
        Kind::WebApp => WEB_APP_CSP,
    };
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(csp),
    );
    Ok(res)
}

/// Whether a handler's own policy under `/api` may stay: it denies everything by default,
/// keeps framing out, and allows at most hashed style sheets — no script, no `unsafe-*`.
fn keeps_api_default(policy: &[u8]) -> bool {
    let Ok(policy) = std::str::from_utf8(policy) else {
        return false;
    };
    let directives: Vec<&str> = policy.split(';').map(str::trim).collect();
    directives.first() == Some(&"default-src 'none'")
        && directives.contains(&"frame-ancestors 'none'")
        && directives.iter().all(|d| {
            *d == "default-src 'none'"
                || *d == "frame-ancestors 'none'"
                || d.strip_prefix("style-src ").is_some_and(|sources| {
                    sources
                        .split(' ')
                        .all(|s| s.starts_with("'sha256-") && s.ends_with('\''))
                })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_told_apart_by_their_first_segment() {
        for (path, kind) in [
            ("/api", Kind::Api),
            ("/api/v1/customers", Kind::Api),
            ("/api/nothing", Kind::Api),
            ("/docs", Kind::Docs),
            ("/docs/swagger-ui.css", Kind::Docs),
            ("/", Kind::WebApp),
            ("/api-docs/openapi.json", Kind::WebApp),
            ("/apis", Kind::WebApp),
            ("/docsx", Kind::WebApp),
            ("/customers/1", Kind::WebApp),
        ] {
            assert_eq!(Kind::of(path), kind, "{path}");
        }
    }

    #[test]
    fn an_api_page_may_allow_only_its_hashed_styles() {
        assert!(keeps_api_default(
            b"default-src 'none'; style-src 'sha256-abc='; frame-ancestors 'none'"
        ));
        assert!(keeps_api_default(API_CSP.as_bytes()));
        for weaker in [
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
            "default-src 'none'; script-src 'sha256-abc='; frame-ancestors 'none'",
            "default-src 'self'; frame-ancestors 'none'",
            "default-src 'none'; style-src 'sha256-abc='",
        ] {
            assert!(!keeps_api_default(weaker.as_bytes()), "{weaker}");
        }
    }

    #[test]
    fn the_web_app_may_compile_wasm_but_not_run_inline_script() {
        let script = WEB_APP_CSP
            .split(';')
            .map(str::trim)
            .find(|d| d.starts_with("script-src"))
            .unwrap_or_default();
        assert_eq!(script, "script-src 'self' 'wasm-unsafe-eval'");
        for policy in [WEB_APP_CSP, DOCS_CSP, API_CSP] {
            assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
            assert!(!policy.contains("'unsafe-eval'"), "{policy}");
            HeaderValue::from_static(policy);
        }
    }
}
