//! One translation source: every text the core's tables, captions and the city report show
//! is a key of `locales/vi.json` and `locales/en.json` (the files the app compiles into its
//! typed table), and the core's sources ask for no label key it does not list.

use std::collections::BTreeSet;
use std::path::Path;

use boiduong_core::review::{caption_key, LABEL_KEYS, TABLE_IDS};

fn locale(lang: &str) -> serde_json::Map<String, serde_json::Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../locales/{lang}.json"));
    let text = std::fs::read_to_string(&path).expect("locale file");
    serde_json::from_str(&text).expect("a JSON object")
}

/// Every key the core lists: table labels, table captions, the city report's own.
fn listed() -> Vec<String> {
    let mut keys: Vec<String> = LABEL_KEYS.iter().map(|k| (*k).to_owned()).collect();
    keys.extend(TABLE_IDS.iter().map(|id| caption_key(id)));
    #[cfg(feature = "report")]
    keys.extend(
        boiduong_core::review::city::CITY_KEYS
            .iter()
            .map(|k| (*k).to_owned()),
    );
    keys
}

// Guards a label, caption or report text missing from either language (it would show its
// key on screen and in the CSV), or left empty.
#[test]
fn every_listed_key_is_translated() {
    let (vi, en) = (locale("vi"), locale("en"));
    let mut missing = Vec::new();
    for key in listed() {
        for (name, file) in [("vi", &vi), ("en", &en)] {
            let text = file.get(&key).and_then(|v| v.as_str()).unwrap_or_default();
            if text.trim().is_empty() {
                missing.push(format!("{name}: {key}"));
            }
        }
    }
    assert!(missing.is_empty(), "untranslated: {missing:?}");
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("source dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

// Guards a label key used in the review's code but not listed (so not checked above): every
// string literal of the review's sources that names a `review_` or `city_` key is listed.
// Keys built at run time (`review_kind_{}`) are listed by their expansions.
#[test]
fn the_review_asks_for_listed_keys_only() {
    let listed: BTreeSet<String> = listed().into_iter().collect();
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src/review"),
        &mut files,
    );
    let mut unknown = BTreeSet::new();
    for file in files {
        if file.components().any(|c| c.as_os_str() == "tests") || file.ends_with("tests.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("source");
        for literal in text.split('"').skip(1).step_by(2) {
            let is_key = (literal.starts_with("review_") || literal.starts_with("city_"))
                && literal
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if is_key && !listed.contains(literal) {
                unknown.insert(format!("{}: {literal}", file.display()));
            }
        }
    }
    assert!(unknown.is_empty(), "keys used but not listed: {unknown:?}");
    assert!(listed.contains("review_kind_good"));
}
