//! 统一社会信用代码 — the unified social credit code of an organization (GB 32100-2015),
//! checked on organization profiles (CUS-6).

/// The 31 characters a code may use: digits and upper-case letters without I, O, Z, S, V
/// (too easily confused with 1, 0, 2, 5, U). A character's value is its index here.
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Weights of the first 17 characters (3^i mod 31).
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// Why a unified social credit code was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsccError {
    /// Not 18 characters.
    Length,
    /// A character outside `0-9` and `A-Y` without I, O, S, V, Z.
    Characters,
    /// The 18th character does not match the first 17.
    Checksum,
}

impl UsccError {
    /// The machine-readable code the web app translates.
    pub fn code(self) -> &'static str {
        match self {
            UsccError::Length => "uscc_length",
            UsccError::Characters => "uscc_characters",
            UsccError::Checksum => "uscc_checksum",
        }
    }

    /// The English text the API reports.
    pub fn message(self) -> &'static str {
        match self {
            UsccError::Length => "a unified social credit code has 18 characters",
            UsccError::Characters => {
                "a unified social credit code uses digits and letters other than I, O, S, V and Z"
            }
            UsccError::Checksum => {
                "the code's last character does not match (check for a typing error)"
            }
        }
    }
}

impl std::fmt::Display for UsccError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for UsccError {}

fn value(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|i| i as u32)
}

/// The check character of 17 upper-case characters, or `None` if one is not in the alphabet.
fn check_char(body: &[u8]) -> Option<u8> {
    let mut sum = 0;
    for (&c, w) in body.iter().zip(WEIGHTS) {
        sum += value(c)? * w;
    }
    let c = (31 - sum % 31) % 31;
    ALPHABET.get(c as usize).copied()
}

/// Checks a code typed or imported for an organization (CUS-6) and returns it trimmed and in
/// upper case. Only the check character is verified, not the registration authority or
/// region segments, which change as registries are added.
pub fn validate_uscc(raw: &str) -> Result<String, UsccError> {
    let code = raw.trim().to_uppercase();
    if code.chars().count() != 18 {
        return Err(UsccError::Length);
    }
    let bytes = code.as_bytes();
    if bytes.len() != 18 || !bytes.iter().all(|&b| value(b).is_some()) {
        return Err(UsccError::Characters);
    }
    if check_char(&bytes[..17]) != Some(bytes[17]) {
        return Err(UsccError::Checksum);
    }
    Ok(code)
}

/// Completes 17 characters (case-insensitive, trimmed) with their check character, for demo
/// data; `None` if they are not 17 characters of the alphabet.
pub fn uscc_for(body17: &str) -> Option<String> {
    let mut code = body17.trim().to_uppercase();
    if code.len() != 17 {
        return None;
    }
    let check = check_char(code.as_bytes())?;
    code.push(char::from(check));
    Some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Independent of the tables above: the weights are 3^i mod 31, and the check value makes
    /// the weighted sum of the first 17 plus the check value a multiple of 31.
    fn is_valid_by_definition(code: &str) -> bool {
        let alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
        let mut sum = 0u64;
        let mut weight = 1u64;
        for c in code.chars().take(17) {
            sum += alphabet.find(c).unwrap() as u64 * weight;
            weight = weight * 3 % 31;
        }
        let c = alphabet.find(code.chars().nth(17).unwrap()).unwrap() as u64;
        (sum + c).is_multiple_of(31)
    }

    #[test]
    fn valid_codes() {
        let table = [
            ("91350100M000100Y43", "91350100M000100Y43"),
            ("91350100m000100y43", "91350100M000100Y43"),
            ("  91350100M000100Y43\t", "91350100M000100Y43"),
            ("91110000600037341L", "91110000600037341L"),
            ("9144030071526726XG", "9144030071526726XG"),
            ("91110108MA01ABCD0B", "91110108MA01ABCD0B"),
            ("52440300MJL123450J", "52440300MJL123450J"),
        ];
        for (raw, normalized) in table {
            assert_eq!(validate_uscc(raw).as_deref(), Ok(normalized), "{raw}");
            assert!(is_valid_by_definition(normalized), "{normalized}");
        }
    }

    #[test]
    fn invalid_codes() {
        let table = [
            ("", UsccError::Length),
            ("91350100M000100Y4", UsccError::Length),
            ("91350100M000100Y433", UsccError::Length),
            ("91350100I000100Y43", UsccError::Characters),
            ("91350100O000100Y43", UsccError::Characters),
            ("91350100Z000100Y43", UsccError::Characters),
            ("91350100S000100Y43", UsccError::Characters),
            ("91350100V000100Y43", UsccError::Characters),
            ("91350100M000100Y4-", UsccError::Characters),
            ("91350100M00 100Y43", UsccError::Characters),
            ("９1350100M000100Y43", UsccError::Characters),
            ("91350100M000100Y44", UsccError::Checksum),
            ("91350100M000100Y40", UsccError::Checksum),
            ("91350100M001000Y43", UsccError::Checksum),
            ("91110000600037341K", UsccError::Checksum),
        ];
        for (raw, error) in table {
            assert_eq!(validate_uscc(raw), Err(error), "{raw}");
        }
    }

    #[test]
    fn generated_codes_are_valid() {
        let table = [
            ("91350100M000100Y4", Some("91350100M000100Y43")),
            ("91350100m000100y4", Some("91350100M000100Y43")),
            ("91110000600037341", Some("91110000600037341L")),
            ("9144030071526726X", Some("9144030071526726XG")),
            ("91110108MA01ABCD0", Some("91110108MA01ABCD0B")),
            ("9111010800000000", None),
            ("911101080000000000", None),
            ("9111010800000000I", None),
            ("911101080000000０", None),
        ];
        for (body, expected) in table {
            assert_eq!(uscc_for(body).as_deref(), expected, "{body}");
        }
        for i in 0..200u32 {
            let body = format!("91{:06}MA{:07}", 110000 + i * 37, i * 7919 % 10_000_000);
            let code = uscc_for(&body).unwrap();
            assert!(
                validate_uscc(&code).is_ok() && is_valid_by_definition(&code),
                "{code}"
            );
        }
    }

    #[test]
    fn error_codes_and_messages() {
        let table = [
            (UsccError::Length, "uscc_length"),
            (UsccError::Characters, "uscc_characters"),
            (UsccError::Checksum, "uscc_checksum"),
        ];
        for (error, code) in table {
            assert_eq!(error.code(), code);
            assert_eq!(error.to_string(), error.message());
        }
    }
}
