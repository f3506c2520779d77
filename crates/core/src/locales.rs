//! The portal's texts for the native tools: `locales/vi.json` and `locales/en.json` at the
//! workspace root, the one translation source the app compiles into its typed table too
//! (`build.rs`). The review's built-in labels ([`crate::review::builtin_label`]) and the city
//! report read them here; the app passes its own table instead, so the browser never parses
//! them.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::text::Lang;

const VI: &str = include_str!("../../../locales/vi.json");
const EN: &str = include_str!("../../../locales/en.json");

fn table(lang: Lang) -> &'static BTreeMap<String, String> {
    static TABLES: [OnceLock<BTreeMap<String, String>>; 2] = [OnceLock::new(), OnceLock::new()];
    let (cell, json) = match lang {
        Lang::Vi => (&TABLES[0], VI),
        Lang::En => (&TABLES[1], EN),
    };
    // build.rs refuses a locale file that is not a JSON object of texts, so an empty table
    // here only ever means "no such key" (never a panic).
    cell.get_or_init(|| serde_json::from_str(json).unwrap_or_default())
}

/// The text of `key` in `lang`, `None` when the locale files do not have it.
pub fn text(lang: Lang, key: &str) -> Option<&'static str> {
    table(lang).get(key).map(String::as_str)
}

/// Every key of `lang`'s locale file.
pub fn keys(lang: Lang) -> impl Iterator<Item = &'static str> {
    table(lang).keys().map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Guards the embedded files: both parse, hold the same keys, and a known key reads in
    // each language while an unknown one reads as absent.
    #[test]
    fn both_locales_load() {
        assert!(keys(Lang::Vi).count() > 100);
        assert!(keys(Lang::Vi).eq(keys(Lang::En)));
        assert_eq!(text(Lang::Vi, "review_yes"), Some("Có"));
        assert_eq!(text(Lang::En, "review_yes"), Some("Yes"));
        assert_eq!(text(Lang::En, "no_such_key"), None);
    }
}
