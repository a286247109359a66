//! Issue 8 item 8 (PERF-7): the web app's files are sent precompressed — brotli or gzip as the
//! request accepts, made at build time — with `Content-Encoding` and `Vary`, never compressed
//! again on the fly; content-hashed names are cached for a year as immutable, `index.html` and
//! the client-side routes revalidate (`no-cache`); the security headers stay.
//!
//! The whole application (every middleware, the compression one included) in process over a web
//! directory of marker files, so that a body proves which stored file was sent.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use actix_web::http::StatusCode;
use actix_web::test as actix_test;
use hcrm_api::{AppState, Settings};
use hcrm_db::testing::{TestDb, backends};

use crate::common::SECRET;

const JS: &str = "hcrm_frontend-0123456789abcdef.js";
const WASM: &str = "hcrm_frontend_bg-fedcba9876543210.wasm";
const CSS: &str = "style-00112233445566ff.css";
/// What a current browser sends.
const BROWSER: &str = "gzip, deflate, br, zstd";
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// A web directory: each file as stored plus `.br`/`.gz` variants whose bodies name them (the
/// stylesheet has no brotli variant, `notes.txt` none at all).
fn web_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hcrm-web-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, body: String| std::fs::write(dir.join(name), body).unwrap();
    for name in ["index.html", JS, WASM, CSS] {
        write(name, format!("identity:{name}"));
        write(&format!("{name}.gz"), format!("gzip:{name}"));
        if name != CSS {
            write(&format!("{name}.br"), format!("brotli:{name}"));
        }
    }
    // Large and repetitive: the on-the-fly compression would shrink it.
    write("notes.txt", "plain text without variants. ".repeat(200));
    dir
}

struct Answer {
    status: StatusCode,
    headers: actix_web::http::header::HeaderMap,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    fn all(&self, name: &str) -> Vec<String> {
        self.headers
            .get_all(name)
            .filter_map(|v| v.to_str().ok())
            .map(str::to_ascii_lowercase)
            .collect()
    }

    /// Sent as stored in `encoding`'s file of `name`, with Content-Encoding and Vary saying so.
    #[track_caller]
    fn sent(&self, encoding: &str, name: &str) {
        assert_eq!(self.status, StatusCode::OK, "{name}: {:?}", self.headers);
        assert_eq!(
            self.body,
            format!("{encoding}:{name}"),
            "{:?}",
            self.headers
        );
        let expected = match encoding {
            "brotli" => Some("br"),
            "gzip" => Some("gzip"),
            _ => None,
        };
        assert_eq!(self.header("content-encoding"), expected, "{name}");
        assert_eq!(self.all("vary"), ["accept-encoding"], "{name}");
        // Shown as the file it encodes, never offered as a `.br`/`.gz` download.
        let disposition = self.header("content-disposition").unwrap_or_default();
        assert_eq!(
            disposition,
            format!("inline; filename=\"{name}\""),
            "{name}"
        );
    }
}

/// The application over `dir` on every backend (the files are no database matter, but the
/// application needs one).
struct Web {
    dir: PathBuf,
    states: Vec<(TestDb, AppState)>,
}

impl Web {
    fn new() -> Web {
        let states = backends()
            .into_iter()
            .map(|backend| {
                let db = TestDb::new(backend);
                let state = AppState::new(db.pool(), SECRET, Settings::default());
                (db, state)
            })
            .collect();
        Web {
            dir: web_dir(),
            states,
        }
    }

    /// `GET path` with `headers`; every backend answers alike.
    fn get(&self, path: &str, headers: &[(&str, &str)]) -> Answer {
        let mut answers: Vec<Answer> = self
            .states
            .iter()
            .map(|(_, state)| self.get_from(state.clone(), path, headers))
            .collect();
        let first = answers.remove(0);
        for other in &answers {
            assert_eq!(
                (other.status, &other.body),
                (first.status, &first.body),
                "{path}"
            );
        }
        first
    }

    fn get_from(&self, state: AppState, path: &str, headers: &[(&str, &str)]) -> Answer {
        actix_web::rt::System::new().block_on(async {
            let app = actix_test::init_service(hcrm_api::app(state, Some(self.dir.clone()))).await;
            let mut req = actix_test::TestRequest::get().uri(path);
            for h in headers {
                req = req.insert_header(*h);
            }
            let res = actix_test::call_service(&app, req.to_request()).await;
            let status = res.status();
            let headers = res.headers().clone();
            let body = actix_test::read_body(res).await;
            Answer {
                status,
                headers,
                body: String::from_utf8_lossy(&body).into_owned(),
            }
        })
    }
}

impl Drop for Web {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[test]
fn assets_are_sent_precompressed_in_the_best_accepted_encoding() {
    let web = Web::new();
    let ae = |v| [("accept-encoding", v)];

    // Brotli when accepted; the body is the stored .br file byte for byte (no second
    // compression on the fly), typed as the file it encodes.
    let js = web.get(&format!("/{JS}"), &ae(BROWSER));
    js.sent("brotli", JS);
    let js_type = js.header("content-type").unwrap();
    assert!(js_type.contains("javascript"), "{js_type}");
    let wasm = web.get(&format!("/{WASM}"), &ae(BROWSER));
    wasm.sent("brotli", WASM);
    assert_eq!(wasm.header("content-type"), Some("application/wasm"));

    // gzip when brotli is not accepted, ranked lower, or not built.
    web.get(&format!("/{JS}"), &ae("gzip, deflate"))
        .sent("gzip", JS);
    web.get(&format!("/{JS}"), &ae("br;q=0.5, gzip"))
        .sent("gzip", JS);
    let css = web.get(&format!("/{CSS}"), &ae(BROWSER));
    css.sent("gzip", CSS);
    assert!(css.header("content-type").unwrap().starts_with("text/css"));

    // As stored when the request accepts neither (or says nothing).
    web.get(&format!("/{JS}"), &[]).sent("identity", JS);
    web.get(&format!("/{JS}"), &ae("identity"))
        .sent("identity", JS);
    web.get(&format!("/{JS}"), &ae("br;q=0, gzip;q=0"))
        .sent("identity", JS);
    let js = web.get(&format!("/{JS}"), &[]);
    assert_eq!(js.header("content-type"), Some(js_type));

    // A range is a range of the file as stored.
    let range = web.get(
        &format!("/{JS}"),
        &[("accept-encoding", BROWSER), ("range", "bytes=0-7")],
    );
    assert_eq!(range.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(range.body, "identity");
}

#[test]
fn hashed_assets_are_immutable_and_the_app_page_revalidates() {
    let web = Web::new();
    for name in [JS, WASM, CSS] {
        for accept in [BROWSER, "identity"] {
            let res = web.get(&format!("/{name}"), &[("accept-encoding", accept)]);
            assert_eq!(res.header("cache-control"), Some(IMMUTABLE), "{name}");
        }
    }
    // index.html, by name, at `/`, and for any client-side route: precompressed too, never
    // kept without asking again, and under the web app's security headers.
    for path in [
        "/",
        "/index.html",
        "/customers/123",
        "/missing-0123456789abcdef.js",
    ] {
        let res = web.get(path, &[("accept-encoding", BROWSER)]);
        res.sent("brotli", "index.html");
        assert_eq!(res.header("cache-control"), Some("no-cache"), "{path}");
        assert!(
            res.header("content-type").unwrap().starts_with("text/html"),
            "{path}"
        );
        let csp = res.header("content-security-policy").unwrap();
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval'"),
            "{csp}"
        );
        assert_eq!(res.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(res.header("x-frame-options"), Some("DENY"));
    }
    web.get("/customers/123", &[])
        .sent("identity", "index.html");
}

#[test]
fn files_without_variants_and_unknown_paths_behave_as_before() {
    let web = Web::new();
    // No precompressed file: compressed on the fly as before, and not immutable (its name
    // has no content hash).
    let notes = web.get("/notes.txt", &[("accept-encoding", "gzip")]);
    assert_eq!(notes.status, StatusCode::OK);
    assert_eq!(notes.header("content-encoding"), Some("gzip"));
    assert_eq!(notes.header("cache-control"), Some("no-cache"));
    let plain = web.get("/notes.txt", &[]);
    assert_eq!(plain.header("content-encoding"), None);
    assert!(plain.body.starts_with("plain text without variants."));

    // API paths are never the web app: 404 problem+json, whatever is accepted.
    for path in ["/api/v1/nothing-here", "/api-docs/x", "/healthz/x"] {
        let res = web.get(path, &[("accept-encoding", BROWSER)]);
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(
            res.header("content-type"),
            Some("application/problem+json"),
            "{path}"
        );
    }
    // Hidden files and parent segments never reach the disk: the app page instead.
    for path in ["/.hidden", "/a/../index.html.br"] {
        let res = web.get(path, &[]);
        assert_eq!(res.status, StatusCode::OK, "{path}");
        assert_eq!(res.body, "identity:index.html", "{path}");
    }
}

/// Issue 9 item 18: a web app built after the server started is served at once — the server
/// looks for the build at each request (first candidate folder holding one), not once at the
/// start. One application instance throughout, as a running server.
#[test]
fn a_web_app_built_after_the_start_is_served_without_a_restart() {
    let root = std::env::temp_dir().join(format!("hcrm-late-{}", uuid::Uuid::now_v7().simple()));
    let (first, second) = (root.join("frontend-dist"), root.join("beside-binary"));
    for (backend, (_db, state)) in backends()
        .into_iter()
        .map(|b| {
            let db = TestDb::new(b);
            let state = AppState::new(db.pool(), SECRET, Settings::default());
            (b, (db, state))
        })
        .collect::<Vec<_>>()
    {
        let _ = std::fs::remove_dir_all(&root);
        actix_web::rt::System::new().block_on(async {
            let app =
                actix_test::init_service(hcrm_api::app(state, vec![first.clone(), second.clone()]))
                    .await;
            let app = &app;
            let get = move |path: &'static str| {
                let req = actix_test::TestRequest::get().uri(path).to_request();
                async move {
                    let res = actix_test::call_service(app, req).await;
                    let status = res.status();
                    let body = actix_test::read_body(res).await;
                    (status, String::from_utf8_lossy(&body).into_owned())
                }
            };
            // Nothing built yet: the notice, at `/` and at a client-side route.
            for path in ["/", "/customers"] {
                let (status, body) = get(path).await;
                assert_eq!(status, StatusCode::OK, "{backend}");
                assert!(body.contains("not built"), "{backend} {path}: {body}");
            }
            // Built beside the binary (the second candidate) while running: served.
            std::fs::create_dir_all(&second).unwrap();
            std::fs::write(second.join("index.html"), "second build").unwrap();
            assert_eq!(get("/customers").await.1, "second build", "{backend}");
            // A build in the preferred folder wins from then on, files by name too.
            std::fs::create_dir_all(&first).unwrap();
            std::fs::write(first.join("index.html"), "first build").unwrap();
            std::fs::write(first.join(JS), "new script").unwrap();
            assert_eq!(get("/").await.1, "first build", "{backend}");
            let (status, body) = get("/hcrm_frontend-0123456789abcdef.js").await;
            assert_eq!((status, body.as_str()), (StatusCode::OK, "new script"));
            // The API is still the API.
            assert_eq!(get("/api/v1/nothing").await.0, StatusCode::NOT_FOUND);
        });
    }
    let _ = std::fs::remove_dir_all(&root);
}
