//! Runs the real `hcrm` binary: a fresh data folder, a free port, and HTTP calls to it.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod browser;
pub mod web;

use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

pub const ADMIN_PASSWORD: &str = "Admin2026x";
/// The password of every staff member the tests make ([`Server::institution_with_staff`],
/// [`web::Hospital::staff`]).
pub const STAFF_PASSWORD: &str = "Staff2026x";

/// PERF-6: the server's resident memory stays under 150 MB (its peak, `VmHWM`, in MiB).
pub const PERF_6_MIB: f64 = 150.0;

/// The `hcrm` binary built next to this test (`target/<profile>/hcrm`).
pub fn binary() -> PathBuf {
    let exe = std::env::current_exe().expect("test exe");
    let dir = exe.parent().and_then(Path::parent).expect("target dir");
    let bin = dir.join("hcrm");
    assert!(
        bin.is_file(),
        "{} missing: run `cargo build -p hcrm-server` first",
        bin.display()
    );
    bin
}

pub fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// A temporary folder removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new() -> TempDir {
        let dir = std::env::temp_dir().join(format!("hcrm-e2e-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs `hcrm args…` in `cwd` with `env`, feeding `stdin`.
pub fn run(cwd: &Path, env: &[(&str, &str)], args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(binary())
        .args(args)
        .current_dir(cwd)
        .env_remove("DATABASE_URL")
        .env_remove("HCRM_JWT_SECRET")
        .env_remove("HCRM_ADMIN_PASSWORD")
        .env_remove("HCRM_WEB_DIR")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn hcrm");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("hcrm output")
}

pub struct Server {
    pub base: String,
    child: Child,
    pub agent: ureq::Agent,
    log: PathBuf,
}

impl Server {
    /// Starts `hcrm serve` in `cwd` and waits for `/readyz`.
    pub fn start(cwd: &Path, env: &[(&str, &str)]) -> Server {
        let port = free_port();
        let bind = format!("127.0.0.1:{port}");
        let log = cwd.join(format!("server-{port}.log"));
        let log_file = std::fs::File::create(&log).expect("log file");
        let child = Command::new(binary())
            .arg("serve")
            .current_dir(cwd)
            .env_remove("DATABASE_URL")
            .env_remove("HCRM_JWT_SECRET")
            .env_remove("HCRM_WEB_DIR")
            .env("HCRM_BIND", &bind)
            .env("HCRM_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("RUST_LOG", "info")
            .envs(env.iter().copied())
            .stdout(log_file.try_clone().expect("log"))
            .stderr(log_file)
            .spawn()
            .expect("spawn hcrm serve");
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let server = Server {
            base: format!("http://{bind}"),
            child,
            agent,
            log,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if server.status("/readyz") == 200 {
                return server;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("hcrm did not become ready:\n{}", server.log_text());
    }

    /// The server's peak resident memory so far (VmHWM), in MiB.
    pub fn peak_rss_mib(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("/proc status");
        let kib: f64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .expect("VmHWM");
        kib / 1024.0
    }

    /// Starts a new peak: VmHWM is reset to the current resident size (Linux `clear_refs` 5),
    /// so that [`Server::peak_rss_mib`] tells the peak of what follows.
    pub fn reset_peak_rss(&self) {
        std::fs::write(format!("/proc/{}/clear_refs", self.child.id()), "5").expect("reset VmHWM");
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    pub fn status(&self, path: &str) -> u16 {
        match self.agent.get(format!("{}{}", self.base, path)).call() {
            Ok(r) => r.status().as_u16(),
            Err(_) => 0,
        }
    }

    pub fn text(&self, path: &str) -> (u16, String, String) {
        let mut r = self
            .agent
            .get(format!("{}{}", self.base, path))
            .call()
            .expect("GET");
        let ct = r
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        (
            r.status().as_u16(),
            ct,
            r.body_mut().read_to_string().unwrap_or_default(),
        )
    }

    pub fn json(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let url = format!("{}{}", self.base, path);
        let mut req = ureq::http::Request::builder().method(method).uri(&url);
        if let Some(t) = token {
            req = req.header("Authorization", format!("Bearer {t}"));
        }
        let res = match body {
            Some(b) => self.agent.run(
                req.header("Content-Type", "application/json")
                    .body(b.to_string())
                    .expect("req"),
            ),
            None => self.agent.run(req.body(()).expect("req")),
        };
        let mut res = res.expect("request");
        let status = res.status().as_u16();
        let text = res.body_mut().read_to_string().unwrap_or_default();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    pub fn login(&self, username: &str, password: &str) -> String {
        let (status, body) = self.json(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(serde_json::json!({"username": username, "password": password})),
        );
        assert_eq!(status, 200, "{body}");
        body["access_token"].as_str().expect("token").to_string()
    }

    /// POSTs `body` to `path` as `token`; what it created (the answer must be 201).
    pub fn created(&self, path: &str, token: &str, body: Value) -> Value {
        let (status, v) = self.json("POST", path, Some(token), Some(body));
        assert_eq!(status, 201, "{path}: {v}");
        v
    }

    /// The institution BJ01 (北京一院) made by the administrator `admin`, with `staff`
    /// (username, role) in it, password [`STAFF_PASSWORD`]; the institution and the users.
    pub fn institution_with_staff(
        &self,
        admin: &str,
        staff: &[(&str, &str)],
    ) -> (Value, Vec<Value>) {
        let inst = self.created(
            "/api/v1/institutions",
            admin,
            serde_json::json!({"code": "BJ01", "name": "北京一院", "city": "北京", "local": true}),
        );
        let users = staff
            .iter()
            .map(|(username, role)| {
                self.created(
                    "/api/v1/users",
                    admin,
                    serde_json::json!({"username": username, "display_name": username,
                        "password": STAFF_PASSWORD, "roles": [role], "institution_ids": [inst["id"]]}),
                )
            })
            .collect();
        (inst, users)
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// POSTs `body` as `content_type`; status 0 when the server did not answer (it died).
    pub fn upload(
        &self,
        path: &str,
        token: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> (u16, Value) {
        let req = ureq::http::Request::builder()
            .method("POST")
            .uri(format!("{}{}", self.base, path))
            .header("Authorization", format!("Bearer {token}"))
            .header("Content-Type", content_type)
            .body(body)
            .expect("req");
        match self.agent.run(req) {
            Ok(mut res) => {
                let status = res.status().as_u16();
                let text = res
                    .body_mut()
                    .with_config()
                    .limit(100 * 1024 * 1024)
                    .read_to_string()
                    .unwrap_or_default();
                (
                    status,
                    serde_json::from_str(&text).unwrap_or(Value::String(text)),
                )
            }
            Err(e) => (0, Value::String(e.to_string())),
        }
    }

    /// SIGTERM, then wait for a clean exit (graceful shutdown, OPS-3).
    pub fn terminate(mut self) -> std::process::ExitStatus {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let deadline = Instant::now() + Duration::from_secs(40);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status;
            }
            assert!(Instant::now() < deadline, "hcrm did not stop on SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
