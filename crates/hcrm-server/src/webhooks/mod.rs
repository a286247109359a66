//! The webhook worker (INT-3, REL-3): takes the messages due from the outbox
//! (`hcrm_db::webhooks::outbox::claim` — each one by one server however many run), sends each
//! signed by Standard Webhooks (the `standardwebhooks` crate: `webhook-id`,
//! `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256>`), and records every
//! attempt (`outbox::finish`: delivered, due again after the back-off, or given up; a 410
//! turns the subscription off).
//!
//! The HTTP client is ureq: blocking, which fits these job threads (the server's other jobs
//! are threads too), already built into the `hcrm` binary for the benchmarks, and with rustls
//! rather than OpenSSL. Its resolver is wrapped so that, unless private addresses are allowed,
//! a name that resolves to a loopback, private or link-local address is refused at connection
//! time (no DNS-rebinding gap between a check and the connection); redirects are not
//! followed.

#[cfg(feature = "testing")]
pub mod receiver;

use std::io::Read;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use hcrm_db::webhooks::outbox::{self, Claimed, Outcome};
use hcrm_db::{DbError, Pool};
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

/// The worker's settings.
#[derive(Debug, Clone)]
pub struct Worker {
    /// This server's name in the leases and the delivery log.
    pub server: String,
    /// How long a receiver has to answer (`HCRM_WEBHOOK_TIMEOUT_SECONDS`, default 15).
    pub timeout: Duration,
    /// Deliver to loopback, private and link-local addresses (`HCRM_WEBHOOK_ALLOW_PRIVATE`).
    pub allow_private: bool,
    /// Messages taken at once (sent in parallel).
    pub batch: i64,
}

impl Worker {
    pub fn new(timeout: Duration, allow_private: bool) -> Worker {
        Worker {
            server: format!(
                "{}-{}",
                std::process::id(),
                &uuid::Uuid::now_v7().simple().to_string()[24..]
            ),
            timeout,
            allow_private,
            batch: 16,
        }
    }

    /// How long a taken message is this server's: longer than any attempt, so that a live
    /// server's message is never taken over; a killed server's is due again after it.
    pub fn lease(&self) -> chrono::Duration {
        chrono::Duration::from_std(self.timeout * 2 + Duration::from_secs(5))
            .unwrap_or_else(|_| chrono::Duration::seconds(60))
    }

    /// An HTTP agent with the timeout, no redirects, statuses as answers, and the address
    /// guard.
    pub fn agent(&self) -> ureq::Agent {
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(self.timeout))
            .max_redirects(0)
            .http_status_as_error(false)
            .user_agent("HCRM-Webhooks/1")
            .build();
        ureq::Agent::with_parts(
            config,
            DefaultConnector::default(),
            GuardedResolver {
                allow_private: self.allow_private,
            },
        )
    }
}

/// The default resolver, keeping only the addresses deliveries may reach.
#[derive(Debug)]
struct GuardedResolver {
    allow_private: bool,
}

impl Resolver for GuardedResolver {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let all = DefaultResolver::default().resolve(uri, config, timeout)?;
        let mut kept = self.empty();
        for addr in all.iter() {
            if hcrm_domain::webhook::address_allowed(addr.ip(), self.allow_private) {
                kept.push(*addr);
            }
        }
        if kept.is_empty() {
            let shown: Vec<IpAddr> = all.iter().map(|a| a.ip()).collect();
            return Err(ureq::Error::Io(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                format!("address not allowed (private, loopback or link-local): {shown:?}"),
            )));
        }
        Ok(kept)
    }
}

/// The signed request of one attempt: (webhook-id, timestamp, signatures, body).
pub fn signed(c: &Claimed, timestamp: i64) -> Result<(String, String, Vec<u8>), String> {
    let id = outbox::webhook_id(c.event.id);
    let body = serde_json::to_vec(&hcrm_domain::webhook::message_body(&c.event))
        .map_err(|e| format!("body: {e}"))?;
    let mut signatures = Vec::new();
    for secret in &c.secrets {
        let key = standardwebhooks::Webhook::new(secret).map_err(|e| format!("secret: {e}"))?;
        signatures.push(
            key.sign(&id, timestamp, &body)
                .map_err(|e| format!("signature: {e}"))?,
        );
    }
    Ok((id, signatures.join(" "), body))
}

/// The first 500 characters of an answer.
const EXCERPT_CHARS: usize = 500;

/// One attempt at message `c`.
pub fn send(agent: &ureq::Agent, c: &Claimed) -> Outcome {
    let started = Instant::now();
    let attempted_at = hcrm_db::now();
    let timestamp = chrono::Utc::now().timestamp();
    let done = |status_code, retry_after, response_excerpt, error| Outcome {
        attempted_at,
        duration_ms: i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX),
        status_code,
        retry_after,
        response_excerpt,
        error,
    };
    let (id, signature, body) = match signed(c, timestamp) {
        Ok(parts) => parts,
        Err(e) => return done(None, None, None, Some(e)),
    };
    let sent = agent
        .post(&c.url)
        .header("content-type", "application/json")
        .header("webhook-id", &id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", &signature)
        .send(&body[..]);
    match sent {
        Ok(mut response) => {
            let status = response.status().as_u16();
            let retry_after = response
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| hcrm_domain::webhook::retry_after(v, chrono::Utc::now()));
            let mut raw = Vec::new();
            let read = response
                .body_mut()
                .as_reader()
                .take(4 * EXCERPT_CHARS as u64)
                .read_to_end(&mut raw);
            let excerpt: String = String::from_utf8_lossy(&raw)
                .chars()
                .filter(|ch| !ch.is_control() || *ch == '\n')
                .take(EXCERPT_CHARS)
                .collect();
            let error = read.err().map(|e| format!("reading the answer: {e}"));
            done(
                Some(status),
                retry_after,
                Some(excerpt).filter(|x| !x.is_empty()),
                error,
            )
        }
        Err(e) => done(None, None, None, Some(describe(&e))),
    }
}

fn describe(e: &ureq::Error) -> String {
    match e {
        ureq::Error::Timeout(_) => "timed out".into(),
        other => other.to_string(),
    }
}

/// One run: takes the messages due now and sends them in parallel, each attempt recorded.
/// Returns how many were taken.
pub fn run_once(pool: &Pool, worker: &Worker, agent: &ureq::Agent) -> Result<usize, DbError> {
    let claimed = {
        let mut conn = pool.get()?;
        outbox::claim(
            &mut conn,
            &worker.server,
            hcrm_db::now(),
            worker.lease(),
            worker.batch,
        )?
    };
    let taken = claimed.len();
    let results: Vec<Result<(), DbError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = claimed
            .iter()
            .map(|c| {
                scope.spawn(move || {
                    let outcome = send(agent, c);
                    let mut conn = pool.get()?;
                    outbox::finish(&mut conn, &worker.server, c.delivery_id, &outcome)?;
                    Ok(())
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(DbError::Corrupt("webhook sender panicked".into())))
            })
            .collect()
    });
    for r in results {
        r?;
    }
    Ok(taken)
}

/// Runs the worker every `every` on its own thread, for the life of the process; a full
/// batch is followed at once by the next.
pub fn start(pool: Pool, every: Duration, worker: Worker) {
    let spawned = std::thread::Builder::new()
        .name("webhooks".into())
        .spawn(move || {
            let agent = worker.agent();
            loop {
                match run_once(&pool, &worker, &agent) {
                    Ok(n) if n as i64 >= worker.batch => continue,
                    Ok(_) => {}
                    Err(e) => log::warn!("webhook worker: {e}"),
                }
                std::thread::sleep(every);
            }
        });
    if let Err(e) = spawned {
        log::error!("cannot start the webhook worker: {e}");
    }
}
