//! Clock and randomness from the browser, handed to the pure core as arguments.

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// A random (version 4) UUID from the browser's CSPRNG.
pub fn new_uuid() -> String {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .and_then(|c| c.get_random_values_with_u8_array(&mut bytes).ok())
        .is_some();
    if !filled {
        // No Web Crypto (very old browsers): Math.random is enough for record ids.
        for b in bytes.iter_mut() {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
}

/// Local date and time for display, in the UI language's conventions.
pub fn format_datetime(ms: i64, lang: boiduong_core::Lang) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    let locale = match lang {
        boiduong_core::Lang::Vi => "vi-VN",
        boiduong_core::Lang::En => "en-GB",
    };
    date.to_locale_string(locale, &wasm_bindgen::JsValue::UNDEFINED)
        .as_string()
        .unwrap_or_default()
}

/// A User Timing measure of work done in the page, so benchmarks read what the page did
/// (`performance.getEntriesByName(name)`).
pub struct Timing(&'static str);

impl Timing {
    pub fn start(name: &'static str) -> Timing {
        if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
            let _ = p.mark(&format!("{name}:start"));
        }
        Timing(name)
    }

    pub fn end(self) {
        if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
            let _ = p.measure_with_start_mark(self.0, &format!("{}:start", self.0));
        }
    }
}
