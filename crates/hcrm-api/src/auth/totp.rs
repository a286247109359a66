//! X-6c: time-based one-time passwords (RFC 6238: SHA-1, 6 digits, 30 s), with one step of
//! clock drift either way, each code usable once.

use rand::RngCore;
use totp_rs::{Algorithm, Secret, TOTP};

const STEP: u64 = 30;
const ISSUER: &str = "HCRM";

fn totp(secret_b32: &str, account: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret_b32.to_string()).to_bytes().ok()?;
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        STEP,
        bytes,
        Some(ISSUER.to_string()),
        account.to_string(),
    )
    .ok()
}

/// Seconds since the Unix epoch, the clock TOTP steps count on.
pub fn unix_now() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp()).unwrap_or_default()
}

/// A new random 160-bit secret, base32.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    rand::rng().fill_bytes(&mut bytes);
    Secret::Raw(bytes.to_vec()).to_encoded().to_string()
}

/// The `otpauth://` URI authenticator apps read from a QR code.
pub fn uri(secret_b32: &str, account: &str) -> String {
    totp(secret_b32, account)
        .map(|t| t.get_url())
        .unwrap_or_default()
}

/// The 30-second step whose code `code` is (now, or one step before or after), if any.
pub fn matching_step(secret_b32: &str, code: &str, unix_now: u64) -> Option<i64> {
    let t = totp(secret_b32, "user")?;
    let now_step = unix_now / STEP;
    [now_step, now_step.saturating_sub(1), now_step + 1]
        .into_iter()
        .find(|step| t.generate(step * STEP) == code)
        .and_then(|step| i64::try_from(step).ok())
}

/// The code of the current step (for tests and tools).
pub fn current_code(secret_b32: &str, unix_now: u64) -> String {
    totp(secret_b32, "user")
        .map(|t| t.generate(unix_now))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc6238_sha1_test_vector() {
        // RFC 6238 appendix B: secret "12345678901234567890", T = 59 → 94287082 (8 digits);
        // the 6-digit code is its last six digits.
        let secret = Secret::Raw(b"12345678901234567890".to_vec())
            .to_encoded()
            .to_string();
        assert_eq!(current_code(&secret, 59), "287082");
        assert_eq!(matching_step(&secret, "287082", 59), Some(1));
        assert_eq!(
            matching_step(&secret, "287082", 59 + 30),
            Some(1),
            "one step of drift"
        );
        assert_eq!(matching_step(&secret, "287082", 59 + 90), None);
        assert_eq!(matching_step(&secret, "000000", 59), None);
    }

    #[test]
    fn secrets_are_random_and_uris_name_the_issuer() {
        let s = new_secret();
        assert_ne!(s, new_secret());
        assert_eq!(s.len(), 32);
        let u = uri(&s, "zhang.min");
        assert!(u.starts_with("otpauth://totp/HCRM:zhang.min?"), "{u}");
        assert!(u.contains(&format!("secret={s}")));
    }
}
