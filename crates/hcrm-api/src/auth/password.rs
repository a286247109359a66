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

/// Argon2 runs here, a few checks at a time: each takes ~19 MiB and a core for tens of
/// milliseconds, so unbounded parallel sign-ins (no account needed) could exhaust the
/// server's memory (PERF-6) and starve every other request. The rest queue, first come first
/// served, for at most `patience`, then get 503.
#[derive(Clone)]
pub struct PasswordPool {
    permits: Arc<Semaphore>,
    patience: Duration,
}

impl PasswordPool {
    pub fn new(at_once: usize, patience: Duration) -> PasswordPool {
        PasswordPool {
            permits: Arc::new(Semaphore::new(at_once.max(1))),
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
        Ok(actix_web::web::block(f).await?)
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
