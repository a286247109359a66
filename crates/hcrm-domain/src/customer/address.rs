//! 尊称 — the respectful form of address derived from surname, gender, age and
//! occupation, stored on the profile and used by message templates. Never the full name.

use chrono::{Datelike, NaiveDate};

use super::kinds::Gender;
use crate::i18n::Lang;

/// Two-character surnames common enough that taking the first character would be wrong
/// (欧阳修 is 欧阳先生, not 欧先生).
pub const COMPOUND_SURNAMES: [&str; 30] = [
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
    "令狐", "夏侯", "端木", "独孤", "南宫", "西门", "百里", "呼延", "澹台", "轩辕", "万俟", "钟离",
    "闻人", "申屠", "太史", "赫连", "第五", "拓跋",
];

/// The surname in a name: for a name in Latin letters the last word ("John Smith" → "Smith");
/// otherwise a compound surname from the list above, else the first character.
pub fn surname(name: &str) -> &str {
    let name = name.trim();
    if name.chars().any(|c| c.is_ascii_alphabetic()) {
        return name.split_whitespace().last().unwrap_or_default();
    }
    if let Some(compound) = COMPOUND_SURNAMES.iter().find(|s| name.starts_with(**s)) {
        return compound;
    }
    name.char_indices()
        .nth(1)
        .map_or(name, |(second, _)| &name[..second])
}

/// Whole years from `birth` to `on` (周岁): the count goes up on the birthday itself, on
/// 1 March in common years for someone born on 29 February; 0 before birth.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> u32 {
    if on <= birth {
        return 0;
    }
    let years = on.year() - birth.year();
    let before_birthday = (on.month(), on.day()) < (birth.month(), birth.day());
    (years - i32::from(before_birthday)).max(0) as u32
}

/// An occupation that comes with its own title, which outranks age and gender.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Title {
    Teacher,
    Professor,
    Doctor,
    Lawyer,
}

/// Matched by keyword anywhere in the free-text occupation ("小学教师", "associate
/// professor"), professor first so "医学院教授" is 老师 in Chinese and "Prof." in English.
fn title(occupation: &str) -> Option<Title> {
    let o = occupation.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| o.contains(w));
    if has(&["教授", "professor"]) {
        Some(Title::Professor)
    } else if has(&["教师", "老师", "teacher"]) {
        Some(Title::Teacher)
    } else if has(&["医生", "大夫", "doctor"]) {
        Some(Title::Doctor)
    } else if has(&["律师", "lawyer"]) {
        Some(Title::Lawyer)
    } else {
        None
    }
}

/// the default form of address, e.g. 王大爷, 张女士, 李老师; in English Mr. / Ms. / Dr. /
/// Prof. / Teacher plus the surname (a Chinese surname stays in Chinese: "Mr. 王").
///
/// Chinese, first matching row wins:
///
/// | occupation contains            | age     | gender  | form          |
/// |--------------------------------|---------|---------|---------------|
/// | 教师 老师 教授 teacher professor | any     | any     | `{姓}老师`     |
/// | 医生 大夫 doctor                | any     | any     | `{姓}医生`     |
/// | 律师 lawyer                     | any     | any     | `{姓}律师`     |
/// |                                | < 7     | any     | `{姓}小朋友`   |
/// |                                | 7–17    | any     | `{姓}同学`     |
/// |                                | any     | unknown | `{姓}先生/女士` |
/// |                                | unknown or 18–59 | male / female | `{姓}先生` / `{姓}女士` |
/// |                                | 60–74   | male / female | `{姓}大爷` / `{姓}阿姨` |
/// |                                | ≥ 75    | male / female | `{姓}爷爷` / `{姓}奶奶` |
///
/// English: professor → `Prof. {S}`; teacher → `Teacher {S}`; doctor → `Dr. {S}`; under 18 →
/// `Dear {S}`; unknown gender → `Mr./Ms. {S}`; everyone else (lawyers and the elderly too) →
/// `Mr. {S}` / `Ms. {S}`.
///
/// `Gender::Unknown` counts as no gender. Without a gender the form names both (`韩先生/女士`,
/// as notices do) and never a bare surname (`尊敬的韩` reads as calling the person by name,
/// which the seeds' 人性化尊称制度 forbids; issue 9 item 6). A name with no surname at all gives `尊敬的客户` /
/// `Dear customer`.
pub fn form_of_address(
    name: &str,
    gender: Option<Gender>,
    age: Option<u32>,
    occupation: Option<&str>,
    lang: Lang,
) -> String {
    let s = surname(name);
    if s.is_empty() {
        return lang.pick("尊敬的客户", "Dear customer").to_owned();
    }
    let gender = gender.filter(|g| *g != Gender::Unknown);
    let title = occupation.and_then(title);
    let minor = age.is_some_and(|a| a < 18);
    match lang {
        Lang::Zh => {
            let suffix = match (title, age, gender) {
                (Some(Title::Teacher | Title::Professor), _, _) => "老师",
                (Some(Title::Doctor), _, _) => "医生",
                (Some(Title::Lawyer), _, _) => "律师",
                (None, Some(0..=6), _) => "小朋友",
                (None, Some(7..=17), _) => "同学",
                (None, _, None) => "先生/女士",
                (None, Some(60..=74), Some(Gender::Male)) => "大爷",
                (None, Some(60..=74), _) => "阿姨",
                (None, Some(75..), Some(Gender::Male)) => "爷爷",
                (None, Some(75..), _) => "奶奶",
                (None, _, Some(Gender::Male)) => "先生",
                (None, _, _) => "女士",
            };
            format!("{s}{suffix}")
        }
        Lang::En => {
            let prefix = match (title, gender) {
                (Some(Title::Professor), _) => "Prof.",
                (Some(Title::Teacher), _) => "Teacher",
                (Some(Title::Doctor), _) => "Dr.",
                _ if minor => "Dear",
                (_, None) => "Mr./Ms.",
                (_, Some(Gender::Male)) => "Mr.",
                (_, _) => "Ms.",
            };
            format!("{prefix} {s}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Gender::{Female as F, Male as M, Unknown as U};

    /// (name, gender, age, occupation, expected form)
    type Row = (
        &'static str,
        Option<Gender>,
        Option<u32>,
        Option<&'static str>,
        &'static str,
    );

    #[test]
    fn surnames() {
        let table = [
            ("王小明", "王"),
            (" 张三 ", "张"),
            ("欧阳修", "欧阳"),
            ("司马迁", "司马"),
            ("诸葛亮", "诸葛"),
            ("上官婉儿", "上官"),
            ("慕容复", "慕容"),
            ("令狐冲", "令狐"),
            ("第五伦", "第五"),
            ("拓跋宏", "拓跋"),
            // Single-character surnames that begin a compound: 欧 alone is 欧.
            ("欧明", "欧"),
            ("司小马", "司"),
            ("李", "李"),
            ("John Smith", "Smith"),
            ("Mary Ann  O'Brien", "O'Brien"),
            ("Smith", "Smith"),
            ("", ""),
        ];
        for (name, expected) in table {
            assert_eq!(surname(name), expected, "{name}");
        }
    }

    #[test]
    fn chinese_forms() {
        let table: [Row; 42] = [
            // Occupation first, whatever the age or gender.
            ("李华", Some(F), Some(45), Some("小学教师"), "李老师"),
            ("李华", Some(M), Some(80), Some("退休老师"), "李老师"),
            ("李华", None, None, Some("大学教授"), "李老师"),
            ("李华", Some(M), Some(40), Some("Teacher"), "李老师"),
            (
                "李华",
                Some(F),
                Some(40),
                Some("associate professor"),
                "李老师",
            ),
            ("刘强", Some(M), Some(50), Some("医生"), "刘医生"),
            ("刘强", None, Some(70), Some("中医大夫"), "刘医生"),
            ("刘强", Some(F), None, Some("Doctor"), "刘医生"),
            ("陈静", Some(F), Some(35), Some("律师"), "陈律师"),
            ("陈静", None, None, Some("Lawyer"), "陈律师"),
            // Other occupations do not matter.
            ("陈静", Some(F), Some(35), Some("工程师"), "陈女士"),
            ("陈静", Some(F), Some(35), Some(""), "陈女士"),
            // Children and pupils, gender or not.
            ("赵一", Some(M), Some(0), None, "赵小朋友"),
            ("赵一", None, Some(6), None, "赵小朋友"),
            ("赵一", Some(F), Some(7), None, "赵同学"),
            ("赵一", None, Some(17), None, "赵同学"),
            // Adults 18–59.
            ("王伟", Some(M), Some(18), None, "王先生"),
            ("王伟", Some(M), Some(59), None, "王先生"),
            ("张敏", Some(F), Some(18), None, "张女士"),
            ("张敏", Some(F), Some(59), None, "张女士"),
            // 60–74.
            ("王伟", Some(M), Some(60), None, "王大爷"),
            ("王伟", Some(M), Some(74), None, "王大爷"),
            ("张敏", Some(F), Some(60), None, "张阿姨"),
            ("张敏", Some(F), Some(74), None, "张阿姨"),
            // 75 and over.
            ("王伟", Some(M), Some(75), None, "王爷爷"),
            ("王伟", Some(M), Some(99), None, "王爷爷"),
            ("张敏", Some(F), Some(75), None, "张奶奶"),
            ("张敏", Some(F), Some(102), None, "张奶奶"),
            // Unknown age with a gender.
            ("王伟", Some(M), None, None, "王先生"),
            ("张敏", Some(F), None, None, "张女士"),
            // Unknown gender: adults, the elderly and unknown age name both (issue 9 item 6:
            // never 尊敬的韩).
            ("王伟", None, Some(30), None, "王先生/女士"),
            ("王伟", Some(U), Some(65), None, "王先生/女士"),
            ("韩梅", None, Some(80), None, "韩先生/女士"),
            ("王伟", None, None, None, "王先生/女士"),
            ("韩梅", Some(U), None, None, "韩先生/女士"),
            ("王伟", Some(U), None, Some("司机"), "王先生/女士"),
            // Compound surnames.
            ("欧阳娜娜", Some(F), Some(25), None, "欧阳女士"),
            ("司马光", Some(M), Some(66), None, "司马大爷"),
            ("诸葛亮", Some(M), Some(45), Some("教师"), "诸葛老师"),
            ("上官婉儿", Some(F), Some(80), None, "上官奶奶"),
            // Latin names.
            ("John Smith", Some(M), Some(40), None, "Smith先生"),
            ("", Some(M), Some(40), None, "尊敬的客户"),
        ];
        for (name, gender, age, occupation, form) in table {
            assert_eq!(
                form_of_address(name, gender, age, occupation, Lang::Zh),
                form,
                "{name} {gender:?} {age:?} {occupation:?}"
            );
        }
    }

    #[test]
    fn english_forms() {
        let table: [Row; 19] = [
            ("李华", Some(F), Some(45), Some("小学教师"), "Teacher 李"),
            ("李华", Some(M), Some(60), Some("大学教授"), "Prof. 李"),
            ("李华", None, None, Some("Professor of surgery"), "Prof. 李"),
            ("刘强", Some(M), Some(50), Some("医生"), "Dr. 刘"),
            ("陈静", Some(F), Some(35), Some("律师"), "Ms. 陈"),
            ("陈伟", Some(M), Some(35), Some("lawyer"), "Mr. 陈"),
            ("陈伟", None, Some(35), Some("lawyer"), "Mr./Ms. 陈"),
            ("王伟", Some(M), Some(30), None, "Mr. 王"),
            ("张敏", Some(F), None, None, "Ms. 张"),
            ("王伟", Some(M), Some(74), None, "Mr. 王"),
            ("张敏", Some(F), Some(80), None, "Ms. 张"),
            ("赵一", Some(M), Some(5), None, "Dear 赵"),
            ("赵一", Some(F), Some(17), None, "Dear 赵"),
            ("王伟", Some(U), Some(30), None, "Mr./Ms. 王"),
            ("韩梅", None, None, None, "Mr./Ms. 韩"),
            ("赵一", None, Some(9), None, "Dear 赵"),
            ("欧阳修", Some(M), Some(40), None, "Mr. 欧阳"),
            ("John Smith", Some(M), Some(40), None, "Mr. Smith"),
            ("", None, None, None, "Dear customer"),
        ];
        for (name, gender, age, occupation, form) in table {
            assert_eq!(
                form_of_address(name, gender, age, occupation, Lang::En),
                form,
                "{name} {gender:?} {age:?} {occupation:?}"
            );
        }
    }

    #[test]
    fn never_the_full_name() {
        for name in ["王小明", "欧阳娜娜", "John Smith"] {
            for lang in [Lang::Zh, Lang::En] {
                for age in [None, Some(3), Some(12), Some(30), Some(65), Some(90)] {
                    for gender in [None, Some(M), Some(F)] {
                        let form = form_of_address(name, gender, age, None, lang);
                        assert!(!form.contains(name), "{form}");
                    }
                }
            }
        }
    }

    /// Issue 9 item 6: whatever is unknown, the form is never `尊敬的` plus a bare surname,
    /// nor the surname alone.
    #[test]
    fn never_a_bare_surname() {
        for name in ["韩梅", "王小明", "欧阳娜娜", "John Smith"] {
            let s = surname(name);
            for age in [None, Some(3), Some(12), Some(30), Some(65), Some(90)] {
                for gender in [None, Some(M), Some(F), Some(U)] {
                    for occupation in [None, Some("司机"), Some("教师")] {
                        let form = form_of_address(name, gender, age, occupation, Lang::Zh);
                        assert_ne!(form, format!("尊敬的{s}"));
                        assert_ne!(form, s);
                        assert!(form.starts_with(s), "{form}");
                    }
                }
            }
        }
    }

    #[test]
    fn ages() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        // (birth, on, age)
        let table = [
            (d(1990, 6, 15), d(2026, 6, 14), 35),
            (d(1990, 6, 15), d(2026, 6, 15), 36),
            (d(1990, 6, 15), d(2026, 12, 31), 36),
            (d(2000, 2, 29), d(2025, 2, 28), 24),
            (d(2000, 2, 29), d(2025, 3, 1), 25),
            (d(2000, 2, 29), d(2028, 2, 29), 28),
            (d(2026, 11, 25), d(2026, 11, 25), 0),
            (d(2026, 11, 25), d(2026, 1, 1), 0),
            (d(1951, 11, 25), d(2026, 11, 24), 74),
            (d(1951, 11, 25), d(2026, 11, 25), 75),
            (d(1900, 1, 1), d(2026, 1, 1), 126),
        ];
        for (birth, on, age) in table {
            assert_eq!(age_on(birth, on), age, "{birth} → {on}");
        }
    }
}
