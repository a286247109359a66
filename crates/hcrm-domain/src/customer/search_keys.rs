//! CUS-9: the keys a customer is found by — the full pinyin of the name (`zhangsan`) and its
//! initials (`zs`), the characters inside the name (`婷` finds 白婷佳) and the end of the ID
//! number (its last 4 or 6) — and how the search box reads a masked number (`186****0124`).

use pinyin::ToPinyin;

/// Full pinyin and initials of a name, lower-case; other letters and digits are kept as they
/// are, everything else dropped.
pub fn pinyin_keys(name: &str) -> (String, String) {
    let mut full = String::new();
    let mut initials = String::new();
    for (ch, py) in name.chars().zip(name.to_pinyin()) {
        match py {
            Some(p) => {
                full.push_str(p.plain());
                initials.push_str(p.first_letter());
            }
            None if ch.is_ascii_alphanumeric() => {
                let lower = ch.to_ascii_lowercase();
                full.push(lower);
                initials.push(lower);
            }
            None => {}
        }
    }
    (full, initials)
}

/// The characters of a name after its first, lower-cased, each once, in order (CUS-9): one
/// character typed in the search box finds the names that hold it further in (a remembered
/// given-name character: `婷` and `佳` find 白婷佳). Names starting with it are found by the
/// name's start, so the first character is no key, nor is it again further in (婷婷 has no
/// key); spaces are none either.
pub fn inner_chars(name: &str) -> Vec<String> {
    let mut chars = name.trim().chars();
    let first = chars.next().map(one_char_key);
    let mut out: Vec<String> = Vec::new();
    for ch in chars {
        if ch.is_whitespace() {
            continue;
        }
        let key = one_char_key(ch);
        // A name starting with the character is found by its start: never twice.
        if Some(&key) != first.as_ref() && !out.contains(&key) {
            out.push(key);
        }
    }
    out
}

/// One character as a key: lower-case (`É` and `é` are one key).
pub fn one_char_key(ch: char) -> String {
    ch.to_lowercase().collect()
}

/// The ends of an ID number it is found by (CUS-9): its last 4 and last 6 characters,
/// upper-case (`…002X`), spaces dropped. Shorter numbers have fewer.
pub fn id_suffixes(id_number: &str) -> Vec<String> {
    let chars: Vec<char> = id_number
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect();
    ID_SUFFIX_LENGTHS
        .iter()
        .filter(|&&n| chars.len() >= n)
        .map(|&n| chars[chars.len() - n..].iter().collect())
        .collect()
}

/// How many characters of an ID number's end the search box finds it by.
pub const ID_SUFFIX_LENGTHS: [usize; 2] = [4, 6];

/// The end of an ID number typed in the search box: 4 or 6 characters, digits with an `X` at
/// most last (`1234`, `002X`, `31002X`), spaces and dashes ignored; upper-case.
pub fn id_suffix_query(text: &str) -> Option<String> {
    let compact: String = text.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    let n = compact.chars().count();
    if !ID_SUFFIX_LENGTHS.contains(&n) {
        return None;
    }
    let ok = compact
        .char_indices()
        .all(|(i, c)| c.is_ascii_digit() || (i == n - 1 && matches!(c, 'x' | 'X')));
    ok.then(|| compact.to_uppercase())
}

/// A number typed as the app shows it masked, by the digits it lets one see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Masked {
    /// `186****0124`: a mobile's first 3 and last 4 digits.
    Mobile { first3: String, last4: String },
    /// `110***********1234`: an ID number's first characters and its last 4.
    IdNumber { head: String, last4: String },
}

/// Reads `text` as a masked number: a mobile as `mask_phone` shows it (`186****0124`,
/// `+86 186****0124`; exactly four `*`), or an ID number as `mask_id_number` shows it (15 or 18
/// characters in all, at least its first and its last 4 visible). Anything else with a `*` —
/// `186****`, `****`, `1*3` — is no number, and the search box finds nothing for it.
pub fn masked_number(text: &str) -> Option<Masked> {
    let compact: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .collect();
    let (plus86, local) = match compact.strip_prefix("+86") {
        Some(rest) => (true, rest),
        None => (false, compact.as_str()),
    };
    let head: String = local.chars().take_while(char::is_ascii_digit).collect();
    let rest = &local[head.len()..];
    let stars = rest.chars().take_while(|&c| c == '*').count();
    let tail = &rest[stars..];
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if head.len() == 3 && head.starts_with('1') && stars == 4 && tail.len() == 4 && digits(tail) {
        return Some(Masked::Mobile {
            first3: head,
            last4: tail.to_string(),
        });
    }
    // An ID number ends in a digit or `X`; `+86` is shown only before a mobile.
    let id_tail = tail.len() >= 4
        && tail
            .char_indices()
            .all(|(i, c)| c.is_ascii_digit() || (i == tail.len() - 1 && matches!(c, 'x' | 'X')));
    let total = head.len() + stars + tail.len();
    (!plus86 && matches!(total, 15 | 18) && !head.is_empty() && stars > 0 && id_tail).then(|| {
        Masked::IdNumber {
            last4: tail[tail.len() - 4..].to_uppercase(),
            head,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inner_characters_are_the_keys_after_the_first() {
        for (name, keys) in [
            ("白婷佳", vec!["婷", "佳"]),
            ("婷婷", vec![]),
            ("王小王", vec!["小"]),
            ("欧阳娜娜", vec!["阳", "娜"]),
            ("王", vec![]),
            (" 李 Ming ", vec!["m", "i", "n", "g"]),
            ("ÉLODIE", vec!["l", "o", "d", "i", "e"]),
        ] {
            assert_eq!(inner_chars(name), keys, "{name}");
        }
    }

    #[test]
    fn id_numbers_are_found_by_their_last_4_and_6() {
        for (id, keys) in [
            ("110105194912311234", vec!["1234", "311234"]),
            ("11010519491231002x", vec!["002X", "31002X"]),
            ("E1234", vec!["1234"]),
            ("123", vec![]),
        ] {
            assert_eq!(id_suffixes(id), keys, "{id}");
        }
        for (text, query) in [
            ("1234", Some("1234")),
            ("002x", Some("002X")),
            ("31002X", Some("31002X")),
            ("12 34", Some("1234")),
            ("X123", None),
            ("12345", None),
            ("1234567", None),
            ("12a4", None),
        ] {
            assert_eq!(id_suffix_query(text).as_deref(), query, "{text}");
        }
    }

    #[test]
    fn masked_numbers_are_read_by_their_visible_digits() {
        let mobile = |a: &str, b: &str| {
            Some(Masked::Mobile {
                first3: a.into(),
                last4: b.into(),
            })
        };
        let id = |a: &str, b: &str| {
            Some(Masked::IdNumber {
                head: a.into(),
                last4: b.into(),
            })
        };
        for (text, read) in [
            ("186****0124", mobile("186", "0124")),
            (" 186****0124 ", mobile("186", "0124")),
            ("+86 186****0124", mobile("186", "0124")),
            ("110***********1234", id("110", "1234")),
            ("110***********002x", id("110", "002X")),
            ("1************02", None),
            ("186****", None),
            ("****0124", None),
            ("****", None),
            ("*", None),
            ("186***0124", None),
            ("286****0124", None),
            ("186****012a", None),
            ("+86 110***********1234", None),
            ("186*****0124", None),
        ] {
            assert_eq!(masked_number(text), read, "{text}");
        }
    }

    #[test]
    fn names_give_full_pinyin_and_initials() {
        for (name, full, initials) in [
            ("张三", "zhangsan", "zs"),
            ("欧阳娜娜", "ouyangnana", "oynn"),
            // Latin letters are kept each, in both keys.
            ("Li 明2", "liming2", "lim2"),
            ("王·小明", "wangxiaoming", "wxm"),
        ] {
            assert_eq!(
                pinyin_keys(name),
                (full.to_string(), initials.to_string()),
                "{name}"
            );
        }
    }
}
