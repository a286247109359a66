//! What every authenticated request needs to know about its user (the user, roles,
//! institutions and the two-factor policy), kept for a moment: four queries per request were a
//! third of a customer search's cost (PERF-1).
//!
//! Every write through [`crate::state::AppState::write_auth`] — the writes that change users,
//! roles, memberships, sign-ins or the security settings — forgets everything, so such a change
//! made through this server (deactivating a user, new roles, a logout, the two-factor policy)
//! takes effect on the next request; other writes (customers, tasks …) leave the cache warm;
//! a change made elsewhere (another server, the `hcrm user` command) takes effect within
//! [`TTL`].

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use hcrm_db::users::Principal;
use hcrm_domain::Role;
use uuid::Uuid;

/// How long an entry is trusted.
pub const TTL: Duration = Duration::from_secs(2);
/// More entries than this and the expired ones are dropped.
const PRUNE_AT: usize = 10_000;

/// A user as a request sees them, and the roles that must sign in with a second factor.
pub type Known = (Principal, Vec<Role>);

/// Values trusted for [`TTL`] after they were put.
struct Expiring<K, V>(Mutex<HashMap<K, (Instant, V)>>);

impl<K, V> Default for Expiring<K, V> {
    fn default() -> Self {
        Expiring(Mutex::new(HashMap::new()))
    }
}

impl<K: std::hash::Hash + Eq, V: Clone> Expiring<K, V> {
    fn get<Q>(&self, key: &Q) -> Option<V>
    where
        K: std::borrow::Borrow<Q>,
        Q: std::hash::Hash + Eq + ?Sized,
    {
        let entries = self.0.lock().ok()?;
        let (at, value) = entries.get(key)?;
        (at.elapsed() < TTL).then(|| value.clone())
    }

    fn put(&self, key: K, value: V) {
        if let Ok(mut entries) = self.0.lock() {
            if entries.len() >= PRUNE_AT {
                entries.retain(|_, (at, _)| at.elapsed() < TTL);
            }
            entries.insert(key, (Instant::now(), value));
        }
    }

    fn clear(&self) {
        if let Ok(mut entries) = self.0.lock() {
            entries.clear();
        }
    }
}

#[derive(Default)]
pub struct AuthCache {
    users: Expiring<Uuid, Known>,
    /// Whether a sign-in (refresh-token family) is still live.
    sessions: Expiring<String, bool>,
    /// How many times everything was forgotten.
    generation: AtomicU64,
}

impl AuthCache {
    pub fn get(&self, user: Uuid) -> Option<Known> {
        self.users.get(&user)
    }

    pub fn put(&self, user: Uuid, known: Known) {
        self.users.put(user, known);
    }

    pub fn session(&self, sid: &str) -> Option<bool> {
        self.sessions.get(sid)
    }

    pub fn put_session(&self, sid: String, live: bool) {
        self.sessions.put(sid, live);
    }

    /// How many times [`AuthCache::forget_all`] ran: tests tell a warm cache from an
    /// emptied one by it.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Relaxed)
    }

    /// After a write of users, roles, sign-ins or security settings: the next request of every
    /// user reads them afresh.
    pub fn forget_all(&self) {
        self.generation.fetch_add(1, Ordering::Relaxed);
        self.users.clear();
        self.sessions.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(id: Uuid) -> Principal {
        Principal {
            id,
            username: "a".into(),
            display_name: "A".into(),
            active: true,
            totp_enabled: false,
            roles: vec![Role::Agent],
            group_wide: false,
            institution_ids: vec![],
        }
    }

    #[test]
    fn entries_are_kept_until_forgotten_or_expired() {
        let cache = AuthCache::default();
        let id = Uuid::now_v7();
        assert!(cache.get(id).is_none());
        cache.put(id, (principal(id), vec![Role::Admin]));
        assert_eq!(cache.get(id).map(|k| k.1), Some(vec![Role::Admin]));
        cache.put_session("s".into(), true);
        assert_eq!(cache.session("s"), Some(true));
        assert_eq!(cache.generation(), 0);
        cache.forget_all();
        assert_eq!(cache.generation(), 1);
        assert!(cache.get(id).is_none());
        assert!(cache.session("s").is_none());
        cache.put(id, (principal(id), vec![]));
        if let Ok(mut entries) = cache.users.0.lock()
            && let Some((at, _)) = entries.get_mut(&id)
        {
            *at = Instant::now() - TTL;
        }
        assert!(cache.get(id).is_none(), "expired");
    }
}
