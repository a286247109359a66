//! Argon2id password hashes.

use argon2::password_hash::{Output, PasswordHash, PasswordHasher, SaltString, rand_core::OsRng};
use argon2::{Algorithm, Argon2, Block, Params, Version};

use std::sync::Arc;
use std::sync::mpsc::RecvTimeoutError;
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

/// The largest Argon2 memory a stored hash may ask a check for (64 MiB; ours use 19 MiB).
const MAX_CHECK_KIB: u32 = 64 * 1024;

thread_local! {
    /// Argon2's working memory on this thread, kept from one check to the next.
    static BLOCKS: std::cell::RefCell<Vec<Block>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Checks a password against a stored hash; a malformed hash never matches.
///
/// What the crate's `verify_password` does, in memory the thread keeps: the 19 MiB it
/// would allocate and free at every check is allocated once per pool thread. Freed and
/// allocated again, it was often given fresh pages before the old ones went back to the
/// system, so a flood of sign-ins held up to twice the pool's memory (PERF-6).
pub fn verify(password: &str, stored: &str) -> bool {
    let Ok(h) = PasswordHash::new(stored) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (h.salt, h.hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(params)) = (Algorithm::try_from(h.algorithm), Params::try_from(&h))
    else {
        return false;
    };
    let Ok(version) = h.version.map_or(Ok(Version::default()), Version::try_from) else {
        return false;
    };
    let mut salt_buf = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_buf) else {
        return false;
    };
    if params.m_cost() > MAX_CHECK_KIB {
        return false;
    }
    let mut out = vec![0u8; expected.len()];
    BLOCKS.with_borrow_mut(|blocks| {
        if blocks.len() < params.block_count() {
            blocks.resize(params.block_count(), Block::default());
        }
        Argon2::new(algorithm, version, params)
            .hash_password_into_with_memory(password.as_bytes(), salt, &mut out, &mut blocks[..])
            .is_ok()
    }) && Output::new(&out).is_ok_and(|computed| computed == expected)
}

/// How long a password thread without work keeps Argon2's memory: a flood of sign-ins queues
/// its checks, which the threads take back to back reusing it, while an idle server gives its
/// ~19 MiB per thread back within twice this (PERF-6: two threads kept 38 MiB resident for
/// good after the first sign-ins, which put an import's peak over 150 MB; at 1 s a sign-in
/// followed at once by a large import still counted it).
const RELEASE_AFTER: Duration = Duration::from_millis(250);

/// Gives this thread's Argon2 memory back.
fn release_memory() {
    BLOCKS.with_borrow_mut(|blocks| *blocks = Vec::new());
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
                    // Whether this thread holds Argon2's memory from an earlier check. No
                    // thread waits for work without a timeout: it does so holding the queue's
                    // lock, and a thread holding memory would wait behind it for good.
                    let mut holding = false;
                    loop {
                        let next = match queue.lock() {
                            Ok(q) => q.recv_timeout(RELEASE_AFTER),
                            Err(_) => return,
                        };
                        match next {
                            Ok(job) => {
                                job();
                                holding = true;
                            }
                            // Waiting for the lock counts too: a second without a check here.
                            Err(RecvTimeoutError::Timeout) if holding => {
                                release_memory();
                                holding = false;
                            }
                            Err(RecvTimeoutError::Timeout) => {}
                            Err(RecvTimeoutError::Disconnected) => return,
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

    /// A valid hash of a random password, verified against for unknown usernames so that a
    /// failed sign-in takes as long whether or not the user exists. It is made once, on the
    /// pool like every other Argon2 run: made on a request's thread it left that thread's
    /// allocator holding another 19 MiB, which took a flood of sign-ins past PERF-6's 150 MB.
    pub async fn dummy_hash(&self) -> Result<String, ApiError> {
        static DUMMY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
        DUMMY
            .get_or_try_init(|| self.hash(uuid::Uuid::now_v7().to_string()))
            .await
            .cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::PasswordVerifier;

    #[test]
    fn argon2id_round_trip() {
        let h = hash("Hospital2026").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("Hospital2026", &h));
        assert!(!verify("hospital2026", &h));
        assert!(!verify("Hospital2026", "not a hash"));
        let dummy = hash(&uuid::Uuid::now_v7().to_string()).unwrap();
        assert!(!verify("x", &dummy));
    }

    #[test]
    fn the_check_agrees_with_the_crate_s() {
        let h = hash("Hospital2026").unwrap();
        let parsed = PasswordHash::new(&h).unwrap();
        for (password, right) in [("Hospital2026", true), ("hospital2026", false)] {
            let crate_s = Argon2::default().verify_password(password.as_bytes(), &parsed);
            assert_eq!(crate_s.is_ok(), right);
            // Twice: the second check runs in the memory the first left.
            assert_eq!(verify(password, &h), right);
            assert_eq!(verify(password, &h), right);
        }
        assert!(!verify("Hospital2026", "not a hash"));
        assert!(!verify(
            "Hospital2026",
            "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ"
        ));
        // Other parameters (a hash made with more memory) still check.
        let params = Params::new(32 * 1024, 1, 1, None).unwrap();
        let salt = SaltString::generate(&mut OsRng);
        let strong = Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password(b"Hospital2026", &salt)
            .unwrap()
            .to_string();
        assert!(verify("Hospital2026", &strong));
        assert!(!verify("Hospital2027", &strong));
    }
}
