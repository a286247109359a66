//! every enum value has a display label in Simplified Chinese (default) and English.

use serde::{Deserialize, Serialize};

/// Interface language. Simplified Chinese is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    #[serde(rename = "zh-CN")]
    Zh,
    #[serde(rename = "en")]
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Zh, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// Parses `zh`, `zh-CN`, `en`, `en-US` …; anything else is Chinese, the default.
    pub fn from_code(code: &str) -> Lang {
        if code.to_ascii_lowercase().starts_with("en") {
            Lang::En
        } else {
            Lang::Zh
        }
    }

    /// Picks the text for this language from a `(zh, en)` pair.
    pub fn pick(self, zh: &'static str, en: &'static str) -> &'static str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// A value that has a human label in both interface languages.
pub trait Label {
    fn label(&self, lang: Lang) -> &'static str;
}

impl Label for Lang {
    fn label(&self, lang: Lang) -> &'static str {
        match self {
            Lang::Zh => lang.pick("简体中文", "Simplified Chinese"),
            Lang::En => lang.pick("英文", "English"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_codes_round_trip_and_default_to_chinese() {
        assert_eq!(Lang::from_code("en-US"), Lang::En);
        assert_eq!(Lang::from_code("EN"), Lang::En);
        assert_eq!(Lang::from_code("zh-CN"), Lang::Zh);
        assert_eq!(Lang::from_code("fr"), Lang::Zh);
        assert_eq!(Lang::from_code(Lang::En.code()), Lang::En);
        assert_eq!(Lang::default(), Lang::Zh);
    }
}
