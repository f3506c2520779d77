//! Generates the typed translation table from locales/vi.json and locales/en.json.
//!
//! Every key becomes a field of `Strings`; a key missing from one locale, an empty text, or
//! placeholders (`{{ name }}`) that differ between locales fail the build. Using a key that
//! does not exist is a compile error in the app. (leptos_i18n did the same but cost ~X KB of
//! brotli in the wasm, mostly ICU locale data; see README "Figures".)

use std::error::Error;
use std::fmt::Write as _;
use std::path::PathBuf;

type Locale = serde_json::Map<String, serde_json::Value>;

fn load(lang: &str) -> Result<Locale, Box<dyn Error>> {
    let path = format!("locales/{lang}.json");
    println!("cargo::rerun-if-changed={path}");
    let text = std::fs::read_to_string(&path)?;
    match serde_json::from_str(&text)? {
        serde_json::Value::Object(map) => Ok(map),
        _ => Err(format!("{path}: expected a JSON object").into()),
    }
}

fn placeholders(s: &str) -> Vec<String> {
    let mut names: Vec<String> = s
        .split("{{")
        .skip(1)
        .filter_map(|rest| rest.split("}}").next())
        .map(|n| n.trim().to_owned())
        .collect();
    names.sort();
    names
}

/// Fails unless every locale has exactly the same keys and placeholders, and no empty text.
fn check_complete(vi: &Locale, en: &Locale) -> Result<(), Box<dyn Error>> {
    let mut problems = Vec::new();
    for (key, value) in vi {
        if !key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            problems.push(format!("key `{key}`: use lowercase a-z, digits and '_'"));
        }
        match en.get(key) {
            None => problems.push(format!("locales/en.json: missing key `{key}`")),
            Some(other) => {
                let a = placeholders(value.as_str().unwrap_or_default());
                let b = placeholders(other.as_str().unwrap_or_default());
                if a != b {
                    problems.push(format!(
                        "key `{key}`: placeholders differ (vi {a:?}, en {b:?})"
                    ));
                }
                if other.as_str().is_none_or(|s| s.trim().is_empty()) {
                    problems.push(format!("locales/en.json: empty text for `{key}`"));
                }
            }
        }
        if value.as_str().is_none_or(|s| s.trim().is_empty()) {
            problems.push(format!("locales/vi.json: empty text for `{key}`"));
        }
    }
    for key in en.keys().filter(|k| !vi.contains_key(*k)) {
        problems.push(format!("locales/vi.json: missing key `{key}`"));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n").into())
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    let vi = load("vi")?;
    let en = load("en")?;
    check_complete(&vi, &en)?;
    let mut out = String::from("/// Every UI text, one field per key of locales/*.json.\n#[allow(non_snake_case, dead_code)]\npub struct Strings {\n");
    for key in vi.keys() {
        writeln!(out, "    pub {key}: &'static str,")?;
    }
    out.push_str("}\n");
    // Lookup by key, for texts the core names by key (the review's labels and captions).
    out.push_str("impl Strings {\n    /// The text of `key`, `None` for a key the locales do not have.\n    #[allow(dead_code)]\n    pub fn get(&self, key: &str) -> Option<&'static str> {\n        match key {\n");
    for key in vi.keys() {
        writeln!(out, "            {key:?} => Some(self.{key}),")?;
    }
    out.push_str("            _ => None,\n        }\n    }\n}\n");
    for (name, locale) in [("VI", &vi), ("EN", &en)] {
        writeln!(out, "pub static {name}: Strings = Strings {{")?;
        for (key, value) in locale.iter() {
            writeln!(out, "    {key}: {:?},", value.as_str().unwrap_or_default())?;
        }
        out.push_str("};\n");
    }
    let path =
        PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR not set")?).join("strings.rs");
    std::fs::write(path, out)?;
    Ok(())
}
