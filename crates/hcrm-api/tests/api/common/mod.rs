//! A real HCRM server on a free loopback port over a fresh database, driven over HTTP.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod world;

use std::sync::{Arc, Barrier, mpsc};
use std::thread::JoinHandle;

use actix_web::dev::ServerHandle;
use hcrm_api::{AppState, Settings};
use hcrm_db::testing::{TestDb, backends};
use hcrm_domain::Role;
use hcrm_domain::api::org::UserCreate;
use serde_json::{Value, json};

pub const SECRET: &[u8] = b"test-secret-of-at-least-32-bytes!!";
pub const ADMIN_PASSWORD: &str = "Admin2026x";

pub struct Srv {
    pub base: String,
    pub backend: &'static str,
    agent: ureq::Agent,
    handle: ServerHandle,
    thread: Option<JoinHandle<()>>,
    pub db: Arc<TestDb>,
    /// The server's context, for tests that look at its auth cache or its write count.
    pub state: AppState,
}

pub struct Res {
    pub status: u16,
    pub body: Value,
    /// The body as received (a downloaded file).
    pub bytes: Vec<u8>,
    pub content_type: String,
    pub headers: Vec<(String, String)>,
}

impl Res {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Asserts a problem+json error of `status` and `code` (the last segment of `type`).
    #[track_caller]
    pub fn problem(&self, status: u16, code: &str) -> &Self {
        assert_eq!(self.status, status, "body: {}", self.body);
        assert_eq!(
            self.content_type, "application/problem+json",
            "body: {}",
            self.body
        );
        assert_eq!(
            self.body["type"],
            format!("/problems/{code}"),
            "body: {}",
            self.body
        );
        assert_eq!(self.body["status"], status);
        self
    }

    #[track_caller]
    pub fn ok(&self, status: u16) -> &Value {
        assert_eq!(self.status, status, "body: {}", self.body);
        &self.body
    }

    pub fn field_errors(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|e| e["field"].as_str().unwrap_or_default().to_string())
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Runs `f` against a fresh server on every backend of this environment.
pub fn each_backend(f: impl Fn(&Srv)) {
    for backend in backends() {
        let srv = Srv::start(backend, Settings::default());
        f(&srv);
    }
}

/// [`each_backend`] with the settings `settings` makes.
pub fn each_backend_with(settings: impl Fn() -> Settings, f: impl Fn(&Srv)) {
    for backend in backends() {
        let srv = Srv::start(backend, settings());
        f(&srv);
    }
}

/// Runs `n` calls of `f` at once (released together by a barrier) and returns their answers.
pub fn parallel(n: usize, f: impl Fn(usize) -> Res + Sync) -> Vec<Res> {
    let barrier = Barrier::new(n);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..n)
            .map(|i| {
                let (f, barrier) = (&f, &barrier);
                s.spawn(move || {
                    barrier.wait();
                    f(i)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

impl Srv {
    pub fn start(backend: &'static str, settings: Settings) -> Srv {
        let db = TestDb::new(backend);
        let pool = db.pool();
        {
            let mut conn = pool.get().unwrap();
            let hash = hcrm_api::auth::password::hash(ADMIN_PASSWORD).unwrap();
            hcrm_db::users::create(
                &mut conn,
                &UserCreate {
                    username: "admin".into(),
                    display_name: "管理员".into(),
                    password: String::new(),
                    phone: None,
                    roles: vec![Role::Admin],
                    institution_ids: vec![],
                    group_wide: true,
                    supervisor_id: None,
                    department_id: None,
                },
                hash,
            )
            .unwrap();
        }
        Srv::serve(Arc::new(db), settings)
    }

    /// A second server over the same database, with its own caches — as behind a load
    /// balancer.
    pub fn twin(&self, settings: Settings) -> Srv {
        Srv::serve(self.db.clone(), settings)
    }

    fn serve(db: Arc<TestDb>, settings: Settings) -> Srv {
        let pool = db.pool();
        let state = AppState::new(pool, SECRET, settings);
        let kept = state.clone();
        let (tx, rx) = mpsc::channel();
        let thread = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let server = actix_web::HttpServer::new(move || hcrm_api::app(state.clone(), None))
                    .workers(2)
                    .bind("127.0.0.1:0")
                    .unwrap();
                let port = server.addrs()[0].port();
                let server = server.run();
                tx.send((port, server.handle())).unwrap();
                let _ = server.await;
            })
        });
        let (port, handle) = rx.recv().unwrap();
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        Srv {
            base: format!("http://127.0.0.1:{port}"),
            backend: db.backend,
            agent,
            handle,
            thread: Some(thread),
            db,
            state: kept,
        }
    }

    /// A request with an optional bearer token and JSON body.
    pub fn call(&self, method: &str, path: &str, token: Option<&str>, body: Option<&Value>) -> Res {
        self.raw(
            method,
            path,
            token,
            &[],
            body.map(|b| ("application/json", b.to_string())),
        )
    }

    pub fn raw(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
        body: Option<(&str, String)>,
    ) -> Res {
        self.bytes(
            method,
            path,
            token,
            headers,
            body.map(|(ct, text)| (ct, text.into_bytes())),
        )
    }

    /// A request with a body of any bytes (a file upload).
    pub fn bytes(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
        body: Option<(&str, Vec<u8>)>,
    ) -> Res {
        let url = format!("{}{}", self.base, encode_non_ascii(path));
        let mut req = ureq::http::Request::builder().method(method).uri(&url);
        if let Some(t) = token {
            req = req.header("Authorization", format!("Bearer {t}"));
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let result = match body {
            Some((ct, text)) => self
                .agent
                .run(req.header("Content-Type", ct).body(text).unwrap()),
            None => self.agent.run(req.body(()).unwrap()),
        };
        let mut res = result.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = res.status().as_u16();
        let content_type = res
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let headers = res
            .headers()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_string()))
            .collect();
        let bytes = res.body_mut().read_to_vec().unwrap_or_default();
        let text = String::from_utf8(bytes.clone()).unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Res {
            status,
            body,
            bytes,
            content_type,
            headers,
        }
    }

    pub fn get(&self, path: &str, token: &str) -> Res {
        self.call("GET", path, Some(token), None)
    }

    pub fn post(&self, path: &str, token: &str, body: Value) -> Res {
        self.call("POST", path, Some(token), Some(&body))
    }

    pub fn patch(&self, path: &str, token: &str, version: i64, body: Value) -> Res {
        let v = format!("\"{version}\"");
        self.raw(
            "PATCH",
            path,
            Some(token),
            &[("If-Match", &v)],
            Some(("application/json", body.to_string())),
        )
    }

    /// Merges `body`'s `from_id` into customer `kept` as `token`, with the kept customer's
    /// version read just before in `If-Match` (0 when it cannot be read).
    pub fn merge(&self, kept: &str, token: &str, body: Value) -> Res {
        let read = self.get(&format!("/api/v1/customers/{kept}"), token);
        let v = format!("\"{}\"", read.body["version"].as_i64().unwrap_or(0));
        self.raw(
            "POST",
            &format!("/api/v1/customers/{kept}/merge"),
            Some(token),
            &[("If-Match", &v)],
            Some(("application/json", body.to_string())),
        )
    }

    pub fn login_tokens(&self, username: &str, password: &str) -> Res {
        self.call(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(&json!({"username": username, "password": password})),
        )
    }

    #[track_caller]
    pub fn login(&self, username: &str, password: &str) -> String {
        let res = self.login_tokens(username, password);
        res.ok(200)["access_token"].as_str().unwrap().to_string()
    }

    pub fn admin(&self) -> String {
        self.login("admin", ADMIN_PASSWORD)
    }

    /// Creates an institution as `token` and returns its JSON.
    pub fn institution(&self, token: &str, code: &str, local: bool) -> Value {
        self.post(
            "/api/v1/institutions",
            token,
            json!({"code": code, "name": format!("{code} 医院"), "city": "北京", "local": local}),
        )
        .ok(201)
        .clone()
    }

    /// Creates a user with `roles` in the institution `inst` (by id) and returns its JSON.
    pub fn user(&self, token: &str, username: &str, roles: &[&str], inst: &Value) -> Value {
        self.post(
            "/api/v1/users",
            token,
            json!({"username": username, "display_name": username, "password": "Passw0rd-x", "roles": roles, "institution_ids": [inst["id"]]}),
        )
        .ok(201)
        .clone()
    }

    /// Number of rows in a list endpoint, as the admin sees them.
    pub fn total(&self, path: &str) -> i64 {
        self.get(path, &self.admin()).ok(200)["total"]
            .as_i64()
            .unwrap()
    }
}

impl Drop for Srv {
    fn drop(&mut self) {
        let stop = self.handle.stop(false);
        actix_web::rt::System::new().block_on(stop);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Percent-encodes what may not appear raw in a request target (non-ASCII, spaces), as a
/// browser does.
fn encode_non_ascii(path: &str) -> String {
    let mut out = String::new();
    for c in path.chars() {
        if c.is_ascii() && c != ' ' {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}
