//! Bilingual text: Vietnamese always present, English optional.

use serde::{Deserialize, Serialize};

/// A language of the user interface and of content.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    /// BCP 47 tag, as used in `<html lang>` and in xAPI language maps.
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }
}

/// A text in Vietnamese with an optional English version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct LocalText {
    pub vi: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
}

impl LocalText {
    pub fn vi(text: impl Into<String>) -> Self {
        Self {
            vi: text.into(),
            en: None,
        }
    }

    pub fn both(vi: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            vi: vi.into(),
            en: Some(en.into()),
        }
    }

    /// The text in `lang`, falling back to Vietnamese when no English version exists.
    pub fn get(&self, lang: Lang) -> &str {
        match (lang, &self.en) {
            (Lang::En, Some(en)) if !en.is_empty() => en,
            _ => &self.vi,
        }
    }

    /// The language the text is actually shown in for a requested language.
    pub fn shown_lang(&self, lang: Lang) -> Lang {
        match (lang, &self.en) {
            (Lang::En, Some(en)) if !en.is_empty() => Lang::En,
            _ => Lang::Vi,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Guards against English readers getting an empty string where only Vietnamese exists.
    #[test]
    fn english_falls_back_to_vietnamese() {
        let t = LocalText::vi("Xin chào");
        assert_eq!(t.get(Lang::En), "Xin chào");
        assert_eq!(t.shown_lang(Lang::En), Lang::Vi);
        let t = LocalText::both("Xin chào", "Hello");
        assert_eq!(t.get(Lang::En), "Hello");
        assert_eq!(t.get(Lang::Vi), "Xin chào");
    }
}
