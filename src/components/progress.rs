//! Progress bar drawn with SVG (no inline styles: the CSP forbids them).

use leptos::prelude::*;

use crate::i18n::*;

#[component]
pub fn ProgressBar(
    /// Steps done.
    #[prop(into)]
    done: Signal<u32>,
    /// Steps in all (0 shows an empty bar).
    #[prop(into)]
    total: Signal<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let pct = move || {
        let t = total.get();
        if t == 0 {
            0.0
        } else {
            100.0 * f64::from(done.get().min(t)) / f64::from(t)
        }
    };
    view! {
        <div class="progress" data-testid="progress">
            <div
                class="progress-track"
                role="progressbar"
                aria-label=t!(i18n, progress_label)
                aria-valuemin="0"
                aria-valuemax=move || total.get().to_string()
                aria-valuenow=move || done.get().to_string()
            >
                <svg viewBox="0 0 100 4" preserveAspectRatio="none" aria-hidden="true" focusable="false">
                    <rect class="progress-bg" x="0" y="0" width="100" height="4" rx="2" />
                    <rect class="progress-fill" x="0" y="0" width=move || boiduong_core::text::fixed(pct(), 1) height="4" rx="2" />
                </svg>
            </div>
            <span class="progress-text">
                {t!(i18n, progress_steps, done = done.get(), total = total.get())}
            </span>
        </div>
    }
}
