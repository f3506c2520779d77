//! The browser adapter: every browser API the app uses, other than IndexedDB (`storage`) and
//! HTTP (`net`), is called here and nowhere else. Pages, components and state call these
//! functions, so a newcomer finds every `web_sys`/`js_sys` use in three folders, and the
//! clock and randomness handed to the pure core as arguments come from one place.
//!
//! Clock, randomness, display dates, User Timing and the Web Lock are in this file; the rest
//! by concern: [`dom`] (focus, `<html lang>`, page loads), [`file`] (download and upload),
//! [`prefs`] (localStorage), [`network`] (online state), [`timer`] (setTimeout),
//! [`quota`] (the storage manager: usage, quota, persistence), [`pwa`] (the service worker
//! and its update flow).

pub mod dom;
pub mod file;
pub mod network;
pub mod prefs;
pub mod pwa;
pub mod quota;
pub mod timer;

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

/// A random number from the browser's CSPRNG (Math.random when there is none): jitter and
/// delays, where any uniform draw will do.
pub fn random_u64() -> u64 {
    let mut bytes = [0u8; 8];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .and_then(|c| c.get_random_values_with_u8_array(&mut bytes).ok())
        .is_some();
    if filled {
        u64::from_le_bytes(bytes)
    } else {
        (js_sys::Math::random() * (u64::MAX as f64)) as u64
    }
}

/// Minutes east of UTC of the browser's clock (Việt Nam: 420).
pub fn utc_offset_min() -> i32 {
    -(js_sys::Date::new_0().get_timezone_offset() as i32)
}

/// Milliseconds at local midnight of the day `year`-`month`-`day` (month 1-12; a day past
/// the month's end rolls over, as the browser's `Date` does), `None` when out of range.
pub fn local_midnight_ms(year: i32, month: i32, day: i32) -> Option<i64> {
    let date = js_sys::Date::new_with_year_month_day(year as u32, month - 1, day);
    let ms = date.get_time();
    ms.is_finite().then_some(ms as i64)
}

/// `text` encoded for one URL path segment or query value (`encodeURIComponent`).
pub fn encode_uri_component(text: &str) -> String {
    js_sys::encode_uri_component(text).into()
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

/// Sets the User Timing mark `name` (`performance.mark`).
pub fn mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}

/// Records the User Timing measure `name` from the mark `start` to now
/// (`performance.measure`), for benchmarks reading `performance.getEntriesByName(name)`.
pub fn measure(name: &str, start: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.measure_with_start_mark(name, start);
    }
}

/// A User Timing measure of work done in the page, so benchmarks read what the page did
/// (`performance.getEntriesByName(name)`).
pub struct Timing(&'static str);

impl Timing {
    pub fn start(name: &'static str) -> Timing {
        mark(&format!("{name}:start"));
        Timing(name)
    }

    pub fn end(self) {
        measure(self.0, &format!("{}:start", self.0));
    }
}

/// Runs `work` while holding the Web Lock `name` (`navigator.locks.request`): one holder at a
/// time across every tab of this origin, released when `work` ends or the tab closes. A
/// caller waits while another tab holds it. Where the browser has no Web Locks, `work` runs
/// without one.
pub async fn with_lock<F: std::future::Future<Output = ()>>(name: &str, work: F) {
    use wasm_bindgen::JsCast;
    let locks = web_sys::window()
        .map(|w| w.navigator())
        .and_then(|n| js_sys::Reflect::get(&n, &"locks".into()).ok())
        .filter(|l| l.is_object());
    let request = locks.as_ref().and_then(|l| {
        js_sys::Reflect::get(l, &"request".into())
            .ok()?
            .dyn_into::<js_sys::Function>()
            .ok()
    });
    let (Some(locks), Some(request)) = (locks, request) else {
        work.await;
        return;
    };
    // `granted` resolves when the lock's callback runs; the lock is held until the promise
    // the callback returned (`done`) resolves, which this function does after `work`.
    let mut grant = None;
    let granted = js_sys::Promise::new(&mut |resolve, _| grant = Some(resolve));
    let mut finish = None;
    let done = js_sys::Promise::new(&mut |resolve, _| finish = Some(resolve));
    let (Some(grant), Some(finish)) = (grant, finish) else {
        work.await;
        return;
    };
    let callback = wasm_bindgen::closure::Closure::once_into_js(
        move |_lock: wasm_bindgen::JsValue| -> wasm_bindgen::JsValue {
            let _ = grant.call0(&wasm_bindgen::JsValue::UNDEFINED);
            done.into()
        },
    );
    let held = request.call2(&locks, &wasm_bindgen::JsValue::from_str(name), &callback);
    let Ok(held) = held else {
        work.await;
        return;
    };
    let _ = wasm_bindgen_futures::JsFuture::from(granted).await;
    work.await;
    let _ = finish.call0(&wasm_bindgen::JsValue::UNDEFINED);
    if let Ok(held) = held.dyn_into::<js_sys::Promise>() {
        let _ = wasm_bindgen_futures::JsFuture::from(held).await;
    }
}
