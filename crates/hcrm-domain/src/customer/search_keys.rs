//! CUS-9: the keys a name is found by — its full pinyin (`zhangsan`) and initials (`zs`).

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

#[cfg(test)]
mod tests {
    use super::*;

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
