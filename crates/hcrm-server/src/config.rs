//! OPS-1: configuration from the environment, with zero-configuration defaults.

use std::path::{Path, PathBuf};

use rand::RngCore;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/hcrm.db";
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
/// Database connections the server keeps unless `HCRM_DB_POOL` says otherwise: twice the
/// machine's cores, at least 4. Requests queue for a connection in arrival order; more
/// connections than that only make PostgreSQL's backends compete for the cores — at 32
/// clients on 2 cores, 4 connections searched with a p99 of 30–40 ms, 8 with 50–95 ms and
/// 16 with 80–110 ms (PERF-1, `docs/benchmarks.md`).
pub fn default_db_pool() -> u32 {
    (2 * cores() as u32).clamp(4, 64)
}

/// HIS batches worked on at once unless `HCRM_HIS_BATCHES` says otherwise: the cores on
/// PostgreSQL; one on SQLite, which writes one transaction at a time, so that a second batch
/// would only hold its memory waiting for the write lock (PERF-6: 8 batches at once peaked at
/// 151.5 MiB with two turns on SQLite).
fn default_his_batches(database_url: &str) -> usize {
    match hcrm_db::Backend::from_url(database_url) {
        hcrm_db::Backend::Sqlite(_) => 1,
        hcrm_db::Backend::Postgres(_) => cores(),
    }
}

/// The machine's cores (2 when it cannot tell).
fn cores() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub bind: String,
    /// Where the built web app is looked for, by preference (at each request).
    pub web_dirs: Vec<PathBuf>,
    pub admin_password: Option<String>,
    pub db_pool: u32,
    /// Failed sign-ins allowed per client address in 15 minutes (`HCRM_LOGIN_ADDRESS_LIMIT`).
    pub login_address_limit: usize,
    /// Argon2 password checks run at once (`HCRM_PASSWORD_CHECKS`), ~19 MiB each.
    pub password_checks: usize,
    /// `HCRM_TRUST_FORWARDED_PROTO=true`: the server is reachable only through a TLS proxy
    /// that sets `X-Forwarded-Proto`; the refresh cookie is then `Secure`.
    pub trust_forwarded_proto: bool,
    /// Seconds between runs of the complaint escalation job (`HCRM_ESCALATION_SECONDS`,
    /// default 60; 0 turns it off on this server — every server may run it, X-14).
    pub escalation_seconds: u64,
    /// Seconds between runs of the appointment job (`HCRM_APPOINTMENT_JOB_SECONDS`, default
    /// 600; 0 turns it off on this server): sessions four weeks ahead, day-before reminders.
    pub appointment_job_seconds: u64,
    /// Seconds between runs of the webhook worker (`HCRM_WEBHOOK_JOB_SECONDS`, default 2; 0
    /// turns it off on this server — every server may run it, each message is taken by one).
    pub webhook_job_seconds: u64,
    /// How long a webhook receiver has to answer (`HCRM_WEBHOOK_TIMEOUT_SECONDS`, 1–60,
    /// default 15).
    pub webhook_timeout_seconds: u64,
    /// `HCRM_WEBHOOK_ALLOW_PRIVATE=true`: webhooks may go to loopback, private and
    /// link-local addresses (a receiver in the hospital's own network).
    pub webhook_allow_private: bool,
    /// HIS batches worked on at once (`HCRM_HIS_BATCHES`, 1–64, default the machine's cores).
    pub his_batches: usize,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

impl Config {
    pub fn from_env() -> Config {
        // Where the built web app is, or will be: the server looks at each request, so a
        // build made after the start is served without a restart (issue 9 item 18).
        let web_dirs = match env("HCRM_WEB_DIR") {
            Some(d) => vec![PathBuf::from(d)],
            // Next to the working directory (a checkout) or the binary.
            None => {
                let beside_exe = std::env::current_exe()
                    .ok()
                    .and_then(|p| p.parent().map(|d| d.join("dist")));
                [Some(PathBuf::from("frontend/dist")), beside_exe]
                    .into_iter()
                    .flatten()
                    .collect()
            }
        };
        let database_url = env("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_string());
        let his_batches = env("HCRM_HIS_BATCHES")
            .and_then(|v| v.parse().ok())
            .filter(|n| (1..=64).contains(n))
            .unwrap_or_else(|| default_his_batches(&database_url));
        Config {
            database_url,
            bind: env("HCRM_BIND").unwrap_or_else(|| DEFAULT_BIND.to_string()),
            web_dirs,
            admin_password: env("HCRM_ADMIN_PASSWORD"),
            db_pool: env("HCRM_DB_POOL")
                .and_then(|v| v.parse().ok())
                .filter(|n| (1..=512).contains(n))
                .unwrap_or_else(default_db_pool),
            trust_forwarded_proto: env("HCRM_TRUST_FORWARDED_PROTO")
                .is_some_and(|v| matches!(v.trim(), "1" | "true" | "yes")),
            login_address_limit: env("HCRM_LOGIN_ADDRESS_LIMIT")
                .and_then(|v| v.parse().ok())
                .filter(|n| (1..=100_000).contains(n))
                .unwrap_or(hcrm_api::Settings::default().max_failed_logins_per_address),
            password_checks: env("HCRM_PASSWORD_CHECKS")
                .and_then(|v| v.parse().ok())
                .filter(|n| (1..=64).contains(n))
                .unwrap_or(hcrm_api::Settings::default().password_checks),
            escalation_seconds: env("HCRM_ESCALATION_SECONDS")
                .and_then(|v| v.parse().ok())
                .filter(|n| *n <= 86_400)
                .unwrap_or(60),
            appointment_job_seconds: env("HCRM_APPOINTMENT_JOB_SECONDS")
                .and_then(|v| v.parse().ok())
                .filter(|n| *n <= 86_400)
                .unwrap_or(600),
            webhook_job_seconds: env("HCRM_WEBHOOK_JOB_SECONDS")
                .and_then(|v| v.parse().ok())
                .filter(|n| *n <= 3_600)
                .unwrap_or(2),
            webhook_timeout_seconds: env("HCRM_WEBHOOK_TIMEOUT_SECONDS")
                .and_then(|v| v.parse().ok())
                .filter(|n| (1..=60).contains(n))
                .unwrap_or(hcrm_domain::webhook::DEFAULT_TIMEOUT_SECONDS),
            webhook_allow_private: env("HCRM_WEBHOOK_ALLOW_PRIVATE")
                .is_some_and(|v| matches!(v.trim(), "1" | "true" | "yes")),
            his_batches,
        }
    }

    /// The API's tunables from this configuration.
    pub fn api_settings(&self) -> hcrm_api::Settings {
        hcrm_api::Settings {
            max_failed_logins_per_address: self.login_address_limit,
            password_checks: self.password_checks,
            trust_forwarded_proto: self.trust_forwarded_proto,
            webhook_allow_private: self.webhook_allow_private,
            his_batches: self.his_batches,
            ..hcrm_api::Settings::default()
        }
    }

    /// Where HCRM keeps its files: the SQLite database's folder, or `data/` for PostgreSQL.
    pub fn data_dir(&self) -> PathBuf {
        match hcrm_db::Backend::from_url(&self.database_url) {
            hcrm_db::Backend::Sqlite(path) => Path::new(&path)
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
            hcrm_db::Backend::Postgres(_) => PathBuf::from("data"),
        }
    }

    /// `HCRM_JWT_SECRET`, or a secret generated once and kept in the data folder.
    pub fn jwt_secret(&self) -> std::io::Result<Vec<u8>> {
        if let Some(s) = env("HCRM_JWT_SECRET") {
            return Ok(s.into_bytes());
        }
        let path = self.data_dir().join("jwt-secret");
        if let Ok(existing) = std::fs::read_to_string(&path)
            && existing.trim().len() >= 32
        {
            return Ok(existing.trim().as_bytes().to_vec());
        }
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        let secret = hex::encode(bytes);
        std::fs::create_dir_all(self.data_dir())?;
        write_private(&path, &secret)?;
        log::warn!(
            "HCRM_JWT_SECRET is not set: generated one and kept it in {} (set HCRM_JWT_SECRET when running several servers)",
            path.display()
        );
        Ok(secret.into_bytes())
    }
}

#[cfg(unix)]
fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(content.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    std::fs::write(path, content)
}
