//! UI translations: Vietnamese first, English one click away, the choice remembered.
//!
//! The texts live in `locales/vi.json` and `locales/en.json`; `build.rs` turns them into the
//! typed table `Strings` (a key missing in either file fails the build; an unknown key in the
//! code does not compile). Use `t!(i18n, key)` in views (a reactive closure),
//! `t!(i18n, key, name = value)` with placeholders, and `t_string!` for plain strings.

use leptos::prelude::*;

include!(concat!(env!("OUT_DIR"), "/strings.rs"));

const LANG_KEY: &str = "boiduong.lang";

#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Locale {
    vi,
    en,
}

impl Locale {
    pub fn strings(self) -> &'static Strings {
        match self {
            Locale::vi => &VI,
            Locale::en => &EN,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Locale::vi => "vi",
            Locale::en => "en",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "vi" => Some(Locale::vi),
            "en" => Some(Locale::en),
            _ => None,
        }
    }
}

/// The language context: read it with `get()` (tracked), change it with `set_locale`.
#[derive(Clone, Copy)]
pub struct I18n {
    locale: RwSignal<Locale>,
}

impl I18n {
    /// The texts of the current language (tracks the language signal).
    pub fn get(&self) -> &'static Strings {
        self.locale.get().strings()
    }

    pub fn get_locale(&self) -> Locale {
        self.locale.get()
    }

    /// Switches the language, remembers it on this device and updates `<html lang>`.
    /// Switching never touches learner records.
    pub fn set_locale(&self, locale: Locale) {
        self.locale.set(locale);
        if let Some(storage) = window().local_storage().ok().flatten() {
            let _ = storage.set_item(LANG_KEY, locale.as_str());
        }
        set_html_lang(locale);
    }
}

fn set_html_lang(locale: Locale) {
    if let Some(html) = document().document_element() {
        let _ = html.set_attribute("lang", locale.as_str());
    }
}

fn remembered_locale() -> Locale {
    window()
        .local_storage()
        .ok()
        .flatten()
        .and_then(|s| s.get_item(LANG_KEY).ok().flatten())
        .and_then(|v| Locale::parse(&v))
        .unwrap_or(Locale::vi)
}

/// Provides the language context to `children`.
#[component]
pub fn I18nContextProvider(children: Children) -> impl IntoView {
    let locale = remembered_locale();
    set_html_lang(locale);
    provide_context(I18n {
        locale: RwSignal::new(locale),
    });
    children()
}

pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

/// Replaces `{{ name }}` placeholders in a template.
pub fn fill(template: &str, values: &[(&str, String)]) -> String {
    let mut out = template.to_owned();
    for (name, value) in values {
        out = out.replace(&format!("{{{{ {name} }}}}"), value);
    }
    out
}

/// The reactive text of one key, as `t!(i18n, key)` writes it. Every key gives the same
/// closure type (the key is a function pointer inside it), so the renderer's code for a
/// reactive text is in the wasm once: a closure written at each of the ~200 places would be
/// a type of its own, and a copy of that code each (twiggy showed them among the largest
/// items of the learner's wasm).
pub fn text(
    i18n: I18n,
    key: fn(&'static Strings) -> &'static str,
) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    move || key(i18n.get())
}

/// `t!(i18n, key)` or `t!(i18n, key, name = value, ...)`: a reactive closure for views.
#[macro_export]
macro_rules! t {
    ($i18n:expr, $key:ident) => {
        $crate::i18n::text($i18n, |s| s.$key)
    };
    ($i18n:expr, $key:ident, $($name:ident = $value:expr),+ $(,)?) => {{
        let i18n = $i18n;
        move || $crate::i18n::fill(i18n.get().$key, &[$((stringify!($name), ($value).to_string())),+])
    }};
}

/// `t_string!(i18n, key)`: the text now (tracked when called in a reactive scope).
#[macro_export]
macro_rules! t_string {
    ($i18n:expr, $key:ident) => {
        $i18n.get().$key
    };
    ($i18n:expr, $key:ident, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::i18n::fill($i18n.get().$key, &[$((stringify!($name), ($value).to_string())),+])
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    // Guards placeholder filling, including Vietnamese text around it.
    #[test]
    fn fill_replaces_placeholders() {
        assert_eq!(
            fill(VI.lesson_n_of, &[("n", "2".into()), ("total", "4".into())]),
            "Bài 2/4"
        );
        assert_eq!(fill(EN.minutes, &[("n", "15".into())]), "15 min");
    }
}
