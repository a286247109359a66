//! Phone numbers as shown to users without `pii.read` and the last four digits staff
//! search by (CUS-9).

/// The most digits any masked number shows.
const MAX_SHOWN: usize = 7;

/// An 11-digit mainland mobile number (`1` and ten digits), ignoring spaces and dashes.
fn mainland_mobile(p: &str) -> Option<String> {
    let compact: String = p.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    let ok = compact.len() == 11
        && compact.starts_with('1')
        && compact.bytes().all(|b| b.is_ascii_digit());
    ok.then_some(compact)
}

/// `13812345678` → `138****5678`.
///
/// - A mainland mobile (11 digits starting with 1, spaces and dashes ignored, optionally after
///   `+86`) shows its first 3 (the carrier) and last 4: `138****5678`, `+86 138****5678`.
/// - Any other number shows its last 4 digits — but never more than half of the digits after
///   the area code — plus a leading area code of up to 4 digits written before a `-`
///   (`010-12345678` → `010-****5678`), cut so that at most 7 digits show in all
///   (`0755-12345678` → `075*-****5678`). Every other digit becomes `*`; separators stay.
pub fn mask_phone(p: &str) -> String {
    let p = p.trim();
    let (country, local) = match p.strip_prefix("+86") {
        Some(rest) => ("+86 ", rest),
        None => ("", p),
    };
    if let Some(mobile) = mainland_mobile(local) {
        return format!("{country}{}****{}", &mobile[..3], &mobile[7..]);
    }

    let area_len = match p.find('-') {
        Some(dash) if (1..=4).contains(&dash) && p[..dash].bytes().all(|b| b.is_ascii_digit()) => {
            dash
        }
        _ => 0,
    };
    let digits = p.chars().filter(char::is_ascii_digit).count();
    let subscriber = digits - area_len;
    let tail = (subscriber / 2).min(4);
    let area_shown = area_len.min(MAX_SHOWN - tail);

    let mut seen = 0;
    p.chars()
        .map(|c| {
            if !c.is_ascii_digit() {
                return c;
            }
            seen += 1;
            let in_area = seen <= area_len;
            let shown = if in_area {
                seen <= area_shown
            } else {
                seen > digits - tail
            };
            if shown { c } else { '*' }
        })
        .collect()
}

/// CUS-9: the last four digits of a number, as staff type them to find a caller; `None` when
/// the number has fewer than four digits.
pub fn phone_last4(p: &str) -> Option<String> {
    let digits: Vec<char> = p.chars().filter(char::is_ascii_digit).collect();
    let start = digits.len().checked_sub(4)?;
    Some(digits[start..].iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masking() {
        let table = [
            // Mainland mobiles.
            ("13812345678", "138****5678"),
            (" 13812345678 ", "138****5678"),
            ("138 1234 5678", "138****5678"),
            ("138-1234-5678", "138****5678"),
            ("+8613812345678", "+86 138****5678"),
            ("+86 199 0000 1111", "+86 199****1111"),
            // Landlines with an area code.
            ("010-12345678", "010-****5678"),
            ("021-6543210", "021-****210"),
            ("0755-12345678", "075*-****5678"),
            ("0571-8888-6666", "057*-****-6666"),
            // No area code: last 4 of at least 8 digits, else half.
            ("12345678", "****5678"),
            ("01012345678", "*******5678"),
            ("23456789012", "*******9012"),
            ("+85291234567", "+*******4567"),
            ("95588", "***88"),
            ("120", "**0"),
            ("1", "*"),
            ("", ""),
            // A short subscriber number shows no more than half of its digits.
            ("010-1234", "010-**34"),
            // A dash too far in is not an area code.
            ("23456-789012", "*****-**9012"),
        ];
        for (raw, masked) in table {
            assert_eq!(mask_phone(raw), masked, "{raw}");
            let shown = masked.chars().filter(char::is_ascii_digit).count();
            let shown_local = shown - usize::from(masked.starts_with("+86")) * 2;
            assert!(shown_local <= MAX_SHOWN, "{raw} shows {shown} digits");
        }
    }

    #[test]
    fn last_four_digits() {
        let table = [
            ("13812345678", Some("5678")),
            ("138-1234-5678", Some("5678")),
            ("+86 138 1234 5678", Some("5678")),
            ("010-12345678", Some("5678")),
            ("1234", Some("1234")),
            ("123", None),
            ("12-3", None),
            ("", None),
            ("abcd", None),
        ];
        for (raw, last4) in table {
            assert_eq!(phone_last4(raw).as_deref(), last4, "{raw}");
        }
    }
}
