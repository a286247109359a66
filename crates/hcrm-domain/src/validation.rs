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
    if known_time_zone(name) {
        Ok(())
    } else {
        Err(error(
            "time_zone",
            "must be an IANA time zone such as Asia/Shanghai",
        ))
    }
}

#[cfg(feature = "zones")]
fn known_time_zone(name: &str) -> bool {
    name.parse::<chrono_tz::Tz>().is_ok()
}

/// Without the time-zone database (the web app, PERF-7): what an IANA name looks like — one
/// to 64 ASCII letters, digits, `_`, `-`, `+` and `/`, starting with a letter — so the form
/// flags a typo at once and never refuses a name the server knows; whether the zone exists
/// is the server's answer.
#[cfg(not(feature = "zones"))]
fn known_time_zone(name: &str) -> bool {
    looks_like_time_zone(name)
}

#[cfg(any(test, not(feature = "zones")))]
fn looks_like_time_zone(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'+' | b'/'))
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

/// The largest amount of money the API takes, in fen (分, X-10): ¥100,000,000. Far below
/// 2^53, so that a JavaScript client reads every amount exactly.
pub const MAX_MONEY_FEN: i64 = 10_000_000_000;

/// An amount of money in fen: 0 to [`MAX_MONEY_FEN`]. Every amount the API takes is spent or
/// paid, never signed; a refund will be its own record, not a negative amount.
pub fn money_fen(fen: i64) -> Result<(), ValidationError> {
    if (0..=MAX_MONEY_FEN).contains(&fen) {
        Ok(())
    } else {
        Err(error(
            "range",
            "must be 0 to 10000000000 fen (¥100,000,000)",
        ))
    }
}

/// Text in Unicode NFC, so that the same name typed on two keyboards (`é` as one character
/// or as `e` + U+0301) is stored, compared and searched as one. Borrows when already NFC.
pub fn nfc(text: &str) -> Cow<'_, str> {
    use unicode_normalization::UnicodeNormalization;
    if is_nfc(text) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.nfc().collect())
    }
}

/// `text` is in NFC for certain (Unicode's quick check says yes). Then so is every part of it
/// cut at a starter: no character of it composes with the one before it.
pub fn is_nfc(text: &str) -> bool {
    use unicode_normalization::{IsNormalized, is_nfc_quick};
    is_nfc_quick(text.chars()) == IsNormalized::Yes
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Lines {
    One,
    Many,
}

/// The first character `text` may not hold: a control character (Cc) — in text of several
/// lines all but `\n`, `\t` and the `\r` of a `\r\n` — a format character (Cf: zero-width
/// spaces and joiners, bidi overrides and isolates, the byte-order mark, the soft hyphen …) or
/// a Unicode line or paragraph separator. Private-use and unassigned code points pass: rare
/// characters of Chinese names live there in older systems and in newer Unicode versions.
fn forbidden_char(text: &str, lines: Lines) -> Option<char> {
    use unicode_properties::{GeneralCategory as G, UnicodeGeneralCategory};
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let allowed = match c.general_category() {
            G::Control => {
                lines == Lines::Many
                    && (c == '\n' || c == '\t' || (c == '\r' && chars.peek() == Some(&'\n')))
            }
            G::Format | G::LineSeparator | G::ParagraphSeparator => false,
            _ => true,
        };
        if !allowed {
            return Some(c);
        }
    }
    None
}

fn check_text(text: &str, lines: Lines) -> Result<(), ValidationError> {
    let Some(c) = forbidden_char(text, lines) else {
        return Ok(());
    };
    let what = match lines {
        Lines::One => "must be one line without control or invisible formatting characters",
        Lines::Many => {
            "must not contain control or invisible formatting characters (line breaks and tabs are fine)"
        }
    };
    Err(ValidationError::new("control_character")
        .with_message(Cow::Owned(format!("{what}; found U+{:04X}", u32::from(c)))))
}

/// Issue 7 item 11, the rule of every one-line text field (names, titles, subjects, address
/// parts, codes …): no control or format characters, no line breaks.
pub fn line(text: &str) -> Result<(), ValidationError> {
    check_text(text, Lines::One)
}

/// The rule of every free-text field of several lines (notes, descriptions, contact content,
/// the sensitive sheets …): as [`line`], but line breaks and tabs are allowed.
pub fn multiline(text: &str) -> Result<(), ValidationError> {
    check_text(text, Lines::Many)
}

/// [`line`] for each entry of a list (interests, specialties).
pub fn lines(list: &[String]) -> Result<(), ValidationError> {
    list.iter().try_for_each(|t| line(t))
}

/// True when `text` shows nothing: only spaces, control and format characters and combining
/// marks with nothing to combine with (`"\u{200B}"`, `" \u{3000}"`).
pub fn is_blank(text: &str) -> bool {
    use unicode_properties::UnicodeGeneralCategory;
    use unicode_properties::{GeneralCategory as G, GeneralCategoryGroup as Group};
    !text.chars().any(|c| {
        !matches!(c.general_category_group(), Group::Separator | Group::Mark)
            && !matches!(c.general_category(), G::Control | G::Format)
    })
}

/// Text that shows something (see [`is_blank`]).
pub fn not_blank(text: &str) -> Result<(), ValidationError> {
    if is_blank(text) {
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
        // The web app's check (no database) passes every zone the server knows and flags
        // what cannot be a zone name.
        for tz in chrono_tz::TZ_VARIANTS {
            assert!(looks_like_time_zone(tz.name()), "{}", tz.name());
        }
        for bad in [
            "",
            "Asia Shanghai",
            "亚洲/上海",
            "/Asia",
            "+08:00",
            "Asia/Shanghai\n",
        ] {
            assert!(!looks_like_time_zone(bad), "{bad:?}");
        }
        assert!(not_blank("  ").is_err());
        assert!(not_blank(" 协和 ").is_ok());
    }

    /// Issue 7 item 11: (text, one line ok, several lines ok, blank).
    #[test]
    fn text_rule_refuses_control_and_format_characters() {
        let table: &[(&str, bool, bool, bool)] = &[
            ("张三", true, true, false),
            ("欧阳 娜娜", true, true, false),
            ("王·小明", true, true, false),
            ("（备注）", true, true, false),
            ("李　四", true, true, false), // ideographic space
            ("O'Brien-Smith Jr.", true, true, false),
            ("e\u{301}", true, true, false), // a combining mark on a letter
            ("\u{E000}", true, true, false), // private use: rare characters of old systems
            ("😀", true, true, false),
            ("第一行\n第二行", false, true, false),
            ("a\tb", false, true, false),
            ("a\r\nb", false, true, false),
            ("a\rb", false, false, false), // a lone carriage return rewrites a terminal line
            ("\u{200B}", false, false, true), // zero-width space
            ("张\u{200B}三", false, false, false),
            ("\u{200C}", false, false, true),    // ZWNJ
            ("\u{200D}", false, false, true),    // ZWJ
            ("A\u{202E}B", false, false, false), // right-to-left override
            ("A\u{202A}B", false, false, false),
            ("A\u{2066}B\u{2069}", false, false, false), // isolates
            ("\u{FEFF}王", false, false, false),         // byte-order mark
            ("王\u{AD}五", false, false, false),         // soft hyphen
            ("\u{0}", false, false, true),
            ("\u{1B}[31m", false, false, false),
            ("\u{7F}", false, false, true),
            ("\u{85}", false, false, true),      // next line (Cc)
            ("a\u{2028}b", false, false, false), // line separator
            ("a\u{2029}b", false, false, false), // paragraph separator
            ("", true, true, true),
            ("   ", true, true, true),
            ("\u{3000}", true, true, true),
            ("\u{301}", true, true, true), // a lone combining mark shows nothing
            ("\u{A0}", true, true, true),
        ];
        for (text, one, many, blank) in table {
            assert_eq!(line(text).is_ok(), *one, "line {text:?}");
            assert_eq!(multiline(text).is_ok(), *many, "multiline {text:?}");
            assert_eq!(is_blank(text), *blank, "blank {text:?}");
            assert_eq!(not_blank(text).is_err(), *blank, "not_blank {text:?}");
            if let Err(e) = line(text) {
                assert_eq!(e.code, "control_character");
            }
        }
        assert!(lines(&["高血压".into(), "心内科".into()]).is_ok());
        assert!(lines(&["高血压".into(), "心\u{200B}内科".into()]).is_err());
        let e = line("张\u{200B}三").unwrap_err();
        assert!(e.to_string().contains("U+200B"), "{e}");
    }

    #[test]
    fn nfc_composes_and_borrows_what_is_composed() {
        assert_eq!(nfc("e\u{301}"), "\u{e9}");
        assert_eq!(nfc("Zoe\u{301}"), "Zo\u{e9}");
        // Hangul jamo compose into syllables; CJK stays as it is.
        assert_eq!(nfc("\u{1100}\u{1161}"), "\u{AC00}");
        assert!(matches!(nfc("张三"), Cow::Borrowed("张三")));
        assert!(matches!(nfc("\u{e9}"), Cow::Borrowed(_)));
    }

    /// Issue 7 item 13: amounts from 0 to ¥100,000,000 in fen.
    #[test]
    fn money_is_bounded_to_what_javascript_reads_exactly() {
        const { assert!(MAX_MONEY_FEN < 1 << 53) };
        let table = [
            (0, true),
            (1, true),
            (MAX_MONEY_FEN, true),
            (MAX_MONEY_FEN + 1, false),
            (-1, false),
            (i64::MAX, false),
            (i64::MIN, false),
        ];
        for (fen, ok) in table {
            assert_eq!(money_fen(fen).is_ok(), ok, "{fen}");
            if let Err(e) = money_fen(fen) {
                assert_eq!(e.code, "range");
            }
        }
    }
}
