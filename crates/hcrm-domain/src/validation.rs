//! Field rules shared by the server (authoritative) and the web app (live feedback).
//!
//! Each function returns a `validator::ValidationError` whose `code` the web app translates
//! and whose `message` is the English text the API reports.

use std::borrow::Cow;

use validator::ValidationError;

fn error(code: &'static str, message: &'static str) -> ValidationError {
    ValidationError::new(code).with_message(Cow::Borrowed(message))
}

/// ORG-1: an institution's short code — 2–6 upper-case letters or digits (`BJ01`).
pub fn institution_code(code: &str) -> Result<(), ValidationError> {
    let ok = (2..=6).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(error(
            "institution_code",
            "must be 2 to 6 upper-case letters or digits",
        ))
    }
}

/// A sign-in name: 3–32 of lower-case letters, digits, `.`, `_`, `-`, starting with a letter.
pub fn username(name: &str) -> Result<(), ValidationError> {
    let ok = (3..=32).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(error(
            "username",
            "must be 3 to 32 lower-case letters, digits, '.', '_' or '-', starting with a letter",
        ))
    }
}

/// A password for staff: at least 8 characters with a letter and a digit; at most 128.
pub fn password(pw: &str) -> Result<(), ValidationError> {
    let len = pw.chars().count();
    let ok = (8..=128).contains(&len)
        && pw.chars().any(|c| c.is_alphabetic())
        && pw.chars().any(|c| c.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(error(
            "password",
            "must be 8 to 128 characters with at least one letter and one digit",
        ))
    }
}

/// Strips spaces, dashes and a `+86`/`86` prefix from a mainland mobile number.
pub fn normalize_mobile(raw: &str) -> String {
    let digits: String = raw
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '(' | ')'))
        .collect();
    let digits = digits.strip_prefix('+').unwrap_or(&digits);
    match digits.strip_prefix("86") {
        Some(rest) if rest.len() == 11 => rest.to_string(),
        _ => digits.to_string(),
    }
}

/// A mainland-China mobile number: 11 digits starting with 13–19 (after [`normalize_mobile`]).
pub fn mobile(raw: &str) -> Result<(), ValidationError> {
    let n = normalize_mobile(raw);
    let b = n.as_bytes();
    let ok = b.len() == 11
        && b[0] == b'1'
        && (b'3'..=b'9').contains(&b[1])
        && b.iter().all(u8::is_ascii_digit);
    if ok {
        Ok(())
    } else {
        Err(error(
            "mobile",
            "must be a mainland mobile number such as 13812345678",
        ))
    }
}

/// A telephone number as dialled in China: a mobile, a landline with area code
/// (`010-12345678`) or a service number (`400-123-4567`, `95555`): 5–20 digits and dashes.
pub fn phone(raw: &str) -> Result<(), ValidationError> {
    let digits = raw.bytes().filter(u8::is_ascii_digit).count();
    let ok = (5..=20).contains(&raw.len())
        && (5..=15).contains(&digits)
        && raw
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'-' || b == b' ')
        && raw.starts_with(|c: char| c.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(error(
            "phone",
            "must be a telephone number such as 010-12345678",
        ))
    }
}

/// An IANA time zone name the server knows (`Asia/Shanghai`).
pub fn time_zone(name: &str) -> Result<(), ValidationError> {
    if name.parse::<chrono_tz::Tz>().is_ok() {
        Ok(())
    } else {
        Err(error(
            "time_zone",
            "must be an IANA time zone such as Asia/Shanghai",
        ))
    }
}

/// A one-time code of an authenticator app: 6 digits (X-6c).
pub fn totp_code(code: &str) -> Result<(), ValidationError> {
    if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(error(
            "totp_code",
            "must be the 6 digits shown by the authenticator app",
        ))
    }
}

/// Trimmed text that is not empty.
pub fn not_blank(text: &str) -> Result<(), ValidationError> {
    if text.trim().is_empty() {
        Err(error("blank", "must not be blank"))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(r: Result<(), ValidationError>) -> Option<String> {
        r.err().map(|e| e.code.to_string())
    }

    #[test]
    fn institution_codes() {
        for ok in ["BJ", "BJ01", "SH2", "ABCDEF", "123456"] {
            assert_eq!(code(institution_code(ok)), None, "{ok}");
        }
        for bad in ["B", "bj01", "BJ-01", "ABCDEFG", "", "京01"] {
            assert_eq!(
                code(institution_code(bad)).as_deref(),
                Some("institution_code"),
                "{bad}"
            );
        }
    }

    #[test]
    fn usernames() {
        for ok in ["admin", "zhang.san", "li_si-2", "abc"] {
            assert_eq!(code(username(ok)), None, "{ok}");
        }
        for bad in ["ab", "Admin", "1abc", "zhang san", "张三", &"a".repeat(33)] {
            assert!(username(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords() {
        assert!(password("hospital1").is_ok());
        assert!(password("医院密码abc123").is_ok());
        for bad in ["short1", "allletters", "12345678", &"a1".repeat(65)] {
            assert!(password(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn mobiles() {
        for ok in [
            "13812345678",
            "+86 138 1234 5678",
            "86-19912345678",
            "15000000000",
        ] {
            assert_eq!(code(mobile(ok)), None, "{ok}");
        }
        for bad in [
            "12812345678",
            "1381234567",
            "138123456789",
            "23812345678",
            "1381234567a",
        ] {
            assert_eq!(code(mobile(bad)).as_deref(), Some("mobile"), "{bad}");
        }
        assert_eq!(normalize_mobile("+86 138-1234-5678"), "13812345678");
    }

    #[test]
    fn phones() {
        for ok in ["010-12345678", "400-123-4567", "95555", "13812345678"] {
            assert!(phone(ok).is_ok(), "{ok}");
        }
        for bad in ["1234", "010-1234567a", "-010", "phone", &"1".repeat(21)] {
            assert!(phone(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn time_zones_and_blank_text() {
        assert!(time_zone("Asia/Shanghai").is_ok());
        assert!(time_zone("Asia/Urumqi").is_ok());
        assert!(time_zone("Mars/Olympus").is_err());
        assert!(not_blank("  ").is_err());
        assert!(not_blank(" 协和 ").is_ok());
    }
}
