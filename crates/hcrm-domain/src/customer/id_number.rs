//! 居民身份证号码 — the mainland resident identity card number (GB 11643-1999), checked on
//! entry (CUS-4) and masked in lists.
//!
//! Layout: 6-digit region (address code) · 8-digit birth date `YYYYMMDD` · 3-digit sequence
//! (odd for men, even for women) · check character (ISO 7064 MOD 11-2, `0`–`9` or `X`).

use chrono::{Datelike, NaiveDate};

use super::kinds::Gender;

/// A checked resident ID number and what it tells about its holder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResidentId {
    /// The 18 characters, trimmed, with an upper-case `X`.
    pub number: String,
    /// The first six digits: the region where the number was issued.
    pub region: String,
    pub birth_date: NaiveDate,
    /// From the 17th digit: odd for male, even for female.
    pub gender: Gender,
}

/// Why a resident ID number was refused, in the order the checks run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdNumberError {
    /// Not 18 characters.
    Length,
    /// Not 17 digits followed by a digit or `X`.
    Characters,
    /// The first two digits are not a province-level code.
    Region,
    /// The birth date does not exist, is in the future, or is before 1900.
    BirthDate,
    /// The last character does not match the check character of the first 17.
    Checksum,
}

impl IdNumberError {
    /// The machine-readable code the web app translates.
    pub fn code(self) -> &'static str {
        match self {
            IdNumberError::Length => "id_length",
            IdNumberError::Characters => "id_characters",
            IdNumberError::Region => "id_region",
            IdNumberError::BirthDate => "id_birth_date",
            IdNumberError::Checksum => "id_checksum",
        }
    }

    /// The English text the API reports.
    pub fn message(self) -> &'static str {
        match self {
            IdNumberError::Length => "an ID number has 18 characters",
            IdNumberError::Characters => "an ID number is 17 digits followed by a digit or X",
            IdNumberError::Region => "the ID number does not start with a valid province code",
            IdNumberError::BirthDate => "the birth date in the ID number is not a valid date",
            IdNumberError::Checksum => {
                "the ID number's last character does not match (check for a typing error)"
            }
        }
    }
}

impl std::fmt::Display for IdNumberError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for IdNumberError {}

/// Weights of ISO 7064 MOD 11-2 over the first 17 digits (2^(17−i) mod 11).
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// Province-level codes (GB/T 2260 first two digits), including Taiwan (71), Hong Kong (81),
/// Macau (82), the residence permits of Taiwan residents (83) and foreigners' permanent
/// residence cards (91), which share the format.
const PROVINCES: [u8; 36] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91,
];

/// The oldest birth date accepted: nobody alive was born before 1900.
fn earliest_birth() -> NaiveDate {
    NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN)
}

/// The check character for 17 ASCII digits (callers have checked they are digits).
fn check_char(first17: &[u8]) -> char {
    let sum: u32 = first17
        .iter()
        .zip(WEIGHTS)
        .map(|(&b, w)| u32::from(b.wrapping_sub(b'0')) * w)
        .sum();
    match (12 - sum % 11) % 11 {
        10 => 'X',
        d => char::from(b'0' + d as u8),
    }
}

/// Checks a resident ID number typed by staff or imported (CUS-4).
///
/// Surrounding spaces are ignored and a lower-case `x` is accepted. `today` is the date in the
/// institution's time zone: a birth date after it is refused.
/// An identity number as stored and compared: trimmed, upper-case (the check letter `X`).
pub fn normalize_id_number(n: &str) -> String {
    n.trim().to_uppercase()
}

pub fn parse_resident_id(raw: &str, today: NaiveDate) -> Result<ResidentId, IdNumberError> {
    let trimmed = raw.trim();
    if trimmed.chars().count() != 18 {
        return Err(IdNumberError::Length);
    }
    let number = trimmed.to_ascii_uppercase();
    let bytes = number.as_bytes();
    // Only ASCII passes here, so the byte slices below fall on character boundaries.
    if bytes.len() != 18
        || !bytes[..17].iter().all(u8::is_ascii_digit)
        || !(bytes[17].is_ascii_digit() || bytes[17] == b'X')
    {
        return Err(IdNumberError::Characters);
    }
    let digits = |range: std::ops::Range<usize>| {
        bytes[range]
            .iter()
            .fold(0u32, |n, &b| n * 10 + u32::from(b - b'0'))
    };
    if !PROVINCES.contains(&(digits(0..2) as u8)) {
        return Err(IdNumberError::Region);
    }
    let birth_date = NaiveDate::from_ymd_opt(digits(6..10) as i32, digits(10..12), digits(12..14))
        .filter(|d| *d >= earliest_birth() && *d <= today)
        .ok_or(IdNumberError::BirthDate)?;
    if char::from(bytes[17]) != check_char(&bytes[..17]) {
        return Err(IdNumberError::Checksum);
    }
    let gender = if (bytes[16] - b'0') % 2 == 1 {
        Gender::Male
    } else {
        Gender::Female
    };
    Ok(ResidentId {
        region: number[..6].to_owned(),
        number,
        birth_date,
        gender,
    })
}

/// Builds a valid number for demo and test data: `region` must be six digits (generators pass
/// known codes, so this is only asserted in debug builds); `sequence` is taken modulo 1000 and
/// its last digit decides the gender (odd = male).
pub fn resident_id_for(region: &str, birth: NaiveDate, sequence: u16) -> String {
    debug_assert!(region.len() == 6 && region.bytes().all(|b| b.is_ascii_digit()));
    let mut number = format!(
        "{region}{:04}{:02}{:02}{:03}",
        birth.year(),
        birth.month(),
        birth.day(),
        sequence % 1000
    );
    let check = check_char(number.as_bytes().get(..17).unwrap_or_default());
    number.push(check);
    number
}

/// the number as shown to users without `pii.read` — `110***********1234`.
///
/// A full-length number keeps its first 3 and last 4 characters (province and the digits
/// people quote to confirm it). Anything shorter (an old 15-digit number, a passport, a typo)
/// keeps at most the first 1 and last 2, and never more than half of its characters, with the
/// tail preferred. Every hidden character becomes one `*`, so the length still shows.
pub fn mask_id_number(n: &str) -> String {
    let chars: Vec<char> = n.trim().chars().collect();
    let len = chars.len();
    let (head, tail) = if len >= 18 {
        (3, 4)
    } else {
        let tail = (len / 2).min(2);
        ((len / 2 - tail).min(1), tail)
    };
    chars
        .iter()
        .enumerate()
        .map(|(i, &c)| if i < head || i >= len - tail { c } else { '*' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn today() -> NaiveDate {
        date(2026, 11, 25)
    }

    /// Independent of the implementation: the check value is the `c` for which
    /// Σ aᵢ·2^(18−i) mod 11 == 1 over all 18 positions (with a₁₈ = c, X = 10).
    fn with_check(first17: &str) -> String {
        let sum: u64 = first17
            .chars()
            .enumerate()
            .map(|(i, c)| u64::from(c.to_digit(10).unwrap()) * (1u64 << (17 - i)) % 11)
            .sum();
        let c = (0..11).find(|c| (sum + c) % 11 == 1).unwrap();
        let check = if c == 10 {
            'X'
        } else {
            char::from(b'0' + c as u8)
        };
        format!("{first17}{check}")
    }

    #[test]
    fn valid_numbers() {
        // (input, normalized number, region, birth date, gender)
        let sample_2 = with_check("44030419900307123");
        let sample_3 = with_check("31011520001229456");
        let sample_4 = with_check("65010219000101000");
        let sample_5 = with_check("81000020261125001");
        let table = [
            (
                "11010519491231002X",
                "11010519491231002X",
                "110105",
                date(1949, 12, 31),
                Gender::Female,
            ),
            (
                "  11010519491231002x ",
                "11010519491231002X",
                "110105",
                date(1949, 12, 31),
                Gender::Female,
            ),
            (
                sample_2.as_str(),
                sample_2.as_str(),
                "440304",
                date(1990, 3, 7),
                Gender::Male,
            ),
            (
                sample_3.as_str(),
                sample_3.as_str(),
                "310115",
                date(2000, 12, 29),
                Gender::Female,
            ),
            (
                sample_4.as_str(),
                sample_4.as_str(),
                "650102",
                date(1900, 1, 1),
                Gender::Female,
            ),
            // Born today (X-11 local date) is fine.
            (
                sample_5.as_str(),
                sample_5.as_str(),
                "810000",
                today(),
                Gender::Male,
            ),
        ];
        for (raw, number, region, birth_date, gender) in table {
            let id = parse_resident_id(raw, today()).unwrap_or_else(|e| panic!("{raw}: {e:?}"));
            assert_eq!(
                id,
                ResidentId {
                    number: number.to_owned(),
                    region: region.to_owned(),
                    birth_date,
                    gender,
                },
                "{raw}"
            );
        }
    }

    #[test]
    fn invalid_numbers() {
        let future = with_check("11010520261126001");
        let too_old = with_check("11010518991231001");
        let feb_29 = with_check("11010520230229001");
        let month_13 = with_check("11010520001301001");
        let region_00 = with_check("00010519491231002");
        let region_24 = with_check("24010519491231002");
        let region_99 = with_check("99010519491231002");
        let table = [
            ("", IdNumberError::Length),
            ("11010519491231002", IdNumberError::Length),
            ("11010519491231002X1", IdNumberError::Length),
            ("110105194912310", IdNumberError::Length),
            ("11010519491231002Y", IdNumberError::Characters),
            ("1101051949123100XX", IdNumberError::Characters),
            ("11010519491231 02X", IdNumberError::Characters),
            ("１１010519491231002X", IdNumberError::Characters),
            (region_00.as_str(), IdNumberError::Region),
            (region_24.as_str(), IdNumberError::Region),
            (region_99.as_str(), IdNumberError::Region),
            (future.as_str(), IdNumberError::BirthDate),
            (too_old.as_str(), IdNumberError::BirthDate),
            (feb_29.as_str(), IdNumberError::BirthDate),
            (month_13.as_str(), IdNumberError::BirthDate),
            ("110105194912310020", IdNumberError::Checksum),
            ("110105194912310021", IdNumberError::Checksum),
            ("11010519491231003X", IdNumberError::Checksum),
            // Two neighbouring digits swapped: the check catches transpositions.
            ("11010519491213002X", IdNumberError::Checksum),
        ];
        for (raw, error) in table {
            assert_eq!(parse_resident_id(raw, today()), Err(error), "{raw}");
        }
    }

    #[test]
    fn every_province_code_is_accepted() {
        let provinces = [
            11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50,
            51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91,
        ];
        for p in 0..100 {
            let number = with_check(&format!("{p:02}010519800101001"));
            let ok = parse_resident_id(&number, today()).is_ok();
            assert_eq!(ok, provinces.contains(&p), "{number}");
        }
    }

    #[test]
    fn error_codes_and_messages() {
        let table = [
            (IdNumberError::Length, "id_length"),
            (IdNumberError::Characters, "id_characters"),
            (IdNumberError::Region, "id_region"),
            (IdNumberError::BirthDate, "id_birth_date"),
            (IdNumberError::Checksum, "id_checksum"),
        ];
        for (error, code) in table {
            assert_eq!(error.code(), code);
            assert!(!error.message().is_empty());
            assert_eq!(error.to_string(), error.message());
        }
    }

    #[test]
    fn generated_numbers_are_valid() {
        // (region, birth, sequence, expected gender)
        let table = [
            ("110105", date(1949, 12, 31), 2, Gender::Female),
            ("440304", date(1990, 3, 7), 123, Gender::Male),
            ("650102", date(1900, 1, 1), 0, Gender::Female),
            ("510107", date(2026, 11, 25), 999, Gender::Male),
            ("330106", date(1985, 6, 15), 1001, Gender::Male),
        ];
        for (region, birth, sequence, gender) in table {
            let number = resident_id_for(region, birth, sequence);
            let id = parse_resident_id(&number, today()).unwrap();
            assert_eq!(
                (id.region.as_str(), id.birth_date, id.gender),
                (region, birth, gender)
            );
            assert_eq!(number, with_check(&number[..17]));
        }
        assert_eq!(
            resident_id_for("110105", date(1949, 12, 31), 2),
            "11010519491231002X"
        );
        // Sequence beyond 999 wraps instead of making a 19-character number.
        assert_eq!(resident_id_for("330106", date(1985, 6, 15), 1001).len(), 18);
    }

    #[test]
    fn masking() {
        let table = [
            ("110105194912311234", "110***********1234"),
            ("11010519491231002X", "110***********002X"),
            (" 11010519491231002X ", "110***********002X"),
            // Old 15-digit number: first 1, last 2.
            ("110105491231002", "1************02"),
            // Passport (9).
            ("E12345678", "E******78"),
            ("123456", "1***56"),
            ("12345", "***45"),
            ("1234", "**34"),
            ("123", "**3"),
            ("12", "*2"),
            ("1", "*"),
            ("", ""),
        ];
        for (raw, masked) in table {
            assert_eq!(mask_id_number(raw), masked, "{raw}");
            let shown = masked.chars().filter(|&c| c != '*').count();
            let len = masked.chars().count();
            assert!(len >= 18 || shown * 2 <= len, "{raw} shows more than half");
        }
    }
}
