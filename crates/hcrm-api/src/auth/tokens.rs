//! Access tokens (JWT, HS256 only) and opaque refresh tokens (stored as SHA-256).

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: Uuid,
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
    /// The sign-in (refresh-token family) the token belongs to: when the sign-in is revoked
    /// (logout, reuse, password change, two-factor reset, deactivation) the token stops too.
    pub sid: String,
}

const ISSUER: &str = "hcrm";

pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl JwtKeys {
    pub fn new(secret: &[u8]) -> JwtKeys {
        JwtKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
        }
    }

    pub fn issue(
        &self,
        user: Uuid,
        sid: &str,
        ttl_secs: i64,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: user,
            iat: now,
            exp: now + ttl_secs,
            iss: ISSUER.into(),
            sid: sid.to_string(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
    }

    /// The user and sign-in of a valid, unexpired HS256 token of ours; `None` for anything
    /// else (tampered, expired, `alg: none`, another algorithm, another issuer, no sign-in).
    pub fn verify(&self, token: &str) -> Option<(Uuid, String)> {
        let mut v = Validation::new(Algorithm::HS256);
        v.leeway = 0;
        v.set_issuer(&[ISSUER]);
        v.set_required_spec_claims(&["exp", "sub", "iss"]);
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &v)
            .ok()
            .map(|d| (d.claims.sub, d.claims.sid))
    }
}

/// A new opaque refresh token: 32 random bytes, hex, with a recognisable prefix.
pub fn new_refresh_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("rt_{}", hex::encode(bytes))
}

/// A new API key for a machine client: `hk_` and 32 random bytes in hex.
pub fn new_api_key() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{API_KEY_PREFIX}{}", hex::encode(bytes))
}

/// What is stored of an API key: its first characters, to recognise it in a list, and its
/// hash ([`refresh_hash`]); never the key.
pub fn api_key_stored(key: &str) -> (&str, String) {
    (&key[..API_KEY_PREFIX.len() + 6], refresh_hash(key))
}

/// API keys are told from JWTs by this prefix.
pub const API_KEY_PREFIX: &str = "hk_";

/// What is stored of a refresh token or an API key: its SHA-256, so a database leak reveals no token.
pub fn refresh_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;

    #[test]
    fn issued_tokens_verify_and_forgeries_do_not() {
        let keys = JwtKeys::new(b"secret-for-tests");
        let user = Uuid::now_v7();
        let token = keys.issue(user, "s1", 60).unwrap();
        assert_eq!(keys.verify(&token), Some((user, "s1".to_string())));

        // Expired.
        assert_eq!(keys.verify(&keys.issue(user, "s1", -5).unwrap()), None);
        // Signed with another secret.
        assert_eq!(JwtKeys::new(b"other").verify(&token), None);
        // Tampered payload.
        let parts: Vec<&str> = token.split('.').collect();
        let payload = B64.encode(format!(
            r#"{{"sub":"{}","iat":0,"exp":9999999999,"iss":"hcrm","sid":"s1"}}"#,
            Uuid::now_v7()
        ));
        assert_eq!(
            keys.verify(&format!("{}.{}.{}", parts[0], payload, parts[2])),
            None
        );
        // alg: none.
        let none = format!(
            "{}.{}.",
            B64.encode(r#"{"alg":"none","typ":"JWT"}"#),
            payload
        );
        assert_eq!(keys.verify(&none), None);
    }

    #[test]
    fn refresh_tokens_are_random_and_hashed() {
        let a = new_refresh_token();
        assert_ne!(a, new_refresh_token());
        assert!(a.starts_with("rt_") && a.len() == 67);
        assert_eq!(refresh_hash(&a).len(), 64);
        assert_ne!(refresh_hash(&a), a);
    }
}
