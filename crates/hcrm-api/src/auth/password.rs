//! Argon2id password hashes.

use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;

use crate::error::ApiError;

pub fn hash(password: &str) -> Result<String, ApiError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| {
            log::error!("password hashing failed: {e}");
            ApiError::Internal
        })
}

/// Checks a password against a stored hash; a malformed hash never matches.
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

type Job = Box<dyn FnOnce() + Send>;

/// Argon2 runs here, on a few threads of its own: each check takes ~19 MiB and a core for
/// tens of milliseconds, so unbounded parallel sign-ins (no account needed) could exhaust the
/// server's memory (PERF-6) and starve every other request. Dedicated threads also reuse
/// their memory instead of leaving 19 MiB cached on each thread of the blocking pool. Callers
/// queue first come, first served, for at most `patience`, then get 503.
#[derive(Clone)]
pub struct PasswordPool {
    permits: Arc<Semaphore>,
    jobs: std::sync::mpsc::SyncSender<Job>,
    patience: Duration,
}

impl PasswordPool {
    pub fn new(at_once: usize, patience: Duration) -> PasswordPool {
        let at_once = at_once.max(1);
        let (jobs, queue) = std::sync::mpsc::sync_channel::<Job>(at_once);
        let queue = Arc::new(std::sync::Mutex::new(queue));
        for i in 0..at_once {
            let queue = queue.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("argon2-{i}"))
                .spawn(move || {
                    loop {
                        let job = match queue.lock() {
                            Ok(q) => q.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                    }
                });
            if let Err(e) = spawned {
                log::error!("cannot start a password thread: {e}");
            }
        }
        PasswordPool {
            permits: Arc::new(Semaphore::new(at_once)),
            jobs,
            patience,
        }
    }

    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let _turn = tokio::time::timeout(self.patience, self.permits.acquire())
            .await
            .map_err(|_| ApiError::Unavailable)?
            .map_err(|_| ApiError::Unavailable)?;
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.jobs
            .send(Box::new(move || {
                let _ = tx.send(f());
            }))
            .map_err(|_| ApiError::Internal)?;
        rx.await.map_err(|_| ApiError::Internal)
    }

    /// [`verify`] on the pool.
    pub async fn verify(&self, password: String, stored: String) -> Result<bool, ApiError> {
        self.run(move || verify(&password, &stored)).await
    }

    /// [`hash`] on the pool.
    pub async fn hash(&self, password: String) -> Result<String, ApiError> {
        self.run(move || hash(&password)).await?
    }
}

/// A valid hash of a random password, verified against for unknown usernames so that a
/// failed sign-in takes as long whether or not the user exists.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash(&uuid::Uuid::now_v7().to_string()).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argon2id_round_trip() {
        let h = hash("Hospital2026").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("Hospital2026", &h));
        assert!(!verify("hospital2026", &h));
        assert!(!verify("Hospital2026", "not a hash"));
        assert!(!verify("x", dummy_hash()));
    }
}
