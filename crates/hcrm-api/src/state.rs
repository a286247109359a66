//! The application context, registered once as `app_data` (like Lemmy's `LemmyContext`).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use hcrm_db::{DbConn, Pool};

use crate::auth::cache::AuthCache;
use crate::auth::password::PasswordPool;
use crate::auth::tokens::JwtKeys;
use crate::error::ApiError;

#[derive(Clone)]
pub struct AppState {
    pub pool: Pool,
    pub jwt: Arc<JwtKeys>,
    pub settings: Arc<Settings>,
    pub auth_cache: Arc<AuthCache>,
    /// Password hashing and checking, a few at a time (X-3, PERF-6).
    pub passwords: PasswordPool,
    /// One permit per pooled connection, handed out first come, first served: requests wait
    /// for the database here, in order, rather than racing for the pool's connections, where
    /// a late request could overtake one that had waited long (PERF-1's p99).
    gate: Arc<tokio::sync::Semaphore>,
    /// HIS batches run a few at a time, see [`AppState::batch_turn`].
    batches: Arc<tokio::sync::Semaphore>,
    /// Write transactions begun, see [`AppState::write_count`].
    writes: Arc<AtomicU64>,
}

/// Tunables with the defaults; tests shorten them.
#[derive(Debug, Clone)]
pub struct Settings {
    /// access tokens live 15 minutes.
    pub access_ttl_secs: i64,
    pub refresh_ttl_days: i64,
    /// Failed sign-ins allowed per username within `throttle_window_secs`.
    pub max_failed_logins: usize,
    pub throttle_window_secs: i64,
    /// Failed sign-ins allowed per client address within the window, whatever the usernames
    /// (slows password spraying; a call centre behind one NAT address shares it).
    pub max_failed_logins_per_address: usize,
    /// Argon2 checks run at once; the rest queue for `password_queue_secs`, then get 503.
    pub password_checks: usize,
    pub password_queue_secs: u64,
    /// Believe a proxy's `X-Forwarded-Proto: https` (`HCRM_TRUST_FORWARDED_PROTO`): the
    /// refresh cookie is then marked `Secure`. Only for a server reachable through its TLS
    /// proxy alone.
    pub trust_forwarded_proto: bool,
    /// INT-3 (`HCRM_WEBHOOK_ALLOW_PRIVATE`): webhook subscriptions may name loopback,
    /// private and link-local addresses. Off, such a literal address is refused (422) and
    /// the worker refuses names that resolve to one.
    pub webhook_allow_private: bool,
    /// HIS batches (INT-1) worked on at once (`HCRM_HIS_BATCHES`); the rest wait their turn
    /// for up to `his_batch_queue_secs`, then get 503 with `Retry-After`.
    pub his_batches: usize,
    pub his_batch_queue_secs: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            access_ttl_secs: 15 * 60,
            refresh_ttl_days: 14,
            max_failed_logins: 5,
            throttle_window_secs: 15 * 60,
            max_failed_logins_per_address: 30,
            password_checks: 2,
            password_queue_secs: 10,
            trust_forwarded_proto: false,
            webhook_allow_private: false,
            his_batches: 2,
            his_batch_queue_secs: 30,
        }
    }
}

impl Settings {
    /// The limits of failed sign-ins (and two-factor attempts) per name and per address.
    pub fn attempt_limits(&self) -> hcrm_db::auth::Limits {
        hcrm_db::auth::Limits {
            window_secs: self.throttle_window_secs,
            per_username: self.max_failed_logins,
            per_address: self.max_failed_logins_per_address,
        }
    }
}

impl AppState {
    pub fn new(pool: Pool, jwt_secret: &[u8], settings: Settings) -> AppState {
        AppState {
            jwt: Arc::new(JwtKeys::new(jwt_secret)),
            auth_cache: Arc::new(AuthCache::default()),
            passwords: PasswordPool::new(
                settings.password_checks,
                std::time::Duration::from_secs(settings.password_queue_secs),
            ),
            gate: Arc::new(tokio::sync::Semaphore::new(pool.max_size() as usize)),
            batches: Arc::new(tokio::sync::Semaphore::new(settings.his_batches.max(1))),
            writes: Arc::new(AtomicU64::new(0)),
            settings: Arc::new(settings),
            pool,
        }
    }

    /// Runs blocking database work off the async executor.
    pub async fn db<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> Result<T, ApiError> + Send + 'static,
    {
        let pool = self.pool.clone();
        // REL-2: in the queue and in the pool together a request waits at most the pool's
        // connection timeout, then fails with 503 — also when the database is down and every
        // permit is held by a request waiting for a connection that cannot be made.
        let patience = pool.connection_timeout();
        let queued = std::time::Instant::now();
        let _turn = turn(&self.gate, patience).await?;
        let left = patience.saturating_sub(queued.elapsed());
        actix_web::web::block(move || {
            let mut conn = pool.get_timeout(left).map_err(hcrm_db::DbError::from)?;
            f(&mut conn)
        })
        .await?
    }

    /// Like [`AppState::db`], inside one write transaction: all of it or none of it (on
    /// SQLite it holds the write lock). For writes that change no user, role, sign-in or
    /// sign-in setting: the auth cache stays warm (issue 8 item 4). Reads, audited ones too,
    /// use [`AppState::db`]: their audit entry is one autocommit INSERT.
    pub async fn write<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> Result<T, ApiError> + Send + 'static,
    {
        self.writes.fetch_add(1, Ordering::Relaxed);
        self.db(move |conn| hcrm_db::write_transaction(conn, f))
            .await
    }

    /// [`AppState::write`] for the writes the guard depends on — users, their roles and
    /// institutions, sign-ins and refresh tokens, two-factor state, the security settings.
    /// Once committed, the auth cache forgets everything, so that a deactivation, a logout
    /// or a password change stops the user's tokens at the next request (issue 7).
    pub async fn write_auth<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> Result<T, ApiError> + Send + 'static,
    {
        let out = self.write(f).await;
        if out.is_ok() {
            self.auth_cache.forget_all();
        }
        out
    }

    /// Waits for a HIS batch's turn (PERF-6 under PERF-3's load). A 1,000-visit batch holds
    /// 15–30 MB while it is worked on (its items, rows, events, audit entries and results):
    /// 8 at once took the server to 181 MB, and more clients would take it further. Batches
    /// are CPU work for the server and the database alike, so running more of them than
    /// there are cores buys no throughput; the waiting ones hold only their request. They also
    /// leave the other pooled connections to the people on the phone. `Unavailable` (503,
    /// `Retry-After`) after `his_batch_queue_secs`.
    pub async fn batch_turn(&self) -> Result<tokio::sync::SemaphorePermit<'_>, ApiError> {
        let patience = std::time::Duration::from_secs(self.settings.his_batch_queue_secs);
        turn(&self.batches, patience).await
    }

    /// How many write transactions this server has begun (tests show a read takes none).
    pub fn write_count(&self) -> u64 {
        self.writes.load(Ordering::Relaxed)
    }
}

/// A permit of `queue`, waited for in arrival order; `Unavailable` (503, `Retry-After`) after
/// `patience`.
async fn turn(
    queue: &tokio::sync::Semaphore,
    patience: std::time::Duration,
) -> Result<tokio::sync::SemaphorePermit<'_>, ApiError> {
    tokio::time::timeout(patience, queue.acquire())
        .await
        .map_err(|_| ApiError::Unavailable)?
        .map_err(|_| ApiError::Unavailable)
}
