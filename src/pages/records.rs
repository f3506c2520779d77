//! "My records": storage use and protection, export and import of the signed-in account's
//! records (an import is checked, and refused with the reason; see `storage::records`).

use boiduong_core::text::fixed;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::i18n::*;
use crate::platform::now_ms;
use crate::pwa::storage_info;
use crate::selfassess::use_selfassess;
use crate::state::{use_app_state, use_lang};
use crate::storage::records::{ImportContext, ImportRefusal, IMPORT_MAX_BYTES};
use crate::sync::use_sync;

const MB: f64 = 1024.0 * 1024.0;

/// Why an import was refused, in the UI language.
fn refusal_text(
    refusal: &ImportRefusal,
    you: &str,
    i18n: I18n,
    lang: boiduong_core::Lang,
) -> String {
    match refusal {
        ImportRefusal::TooLarge { bytes } => t_string!(
            i18n,
            import_refused_too_large,
            size = fixed(*bytes as f64 / MB, 1),
            max = fixed(IMPORT_MAX_BYTES as f64 / MB, 0)
        ),
        ImportRefusal::NotJson => t_string!(i18n, import_refused_not_json).to_string(),
        ImportRefusal::NotRecords => t_string!(i18n, import_refused_not_records).to_string(),
        ImportRefusal::Newer => t_string!(i18n, import_refused_newer).to_string(),
        ImportRefusal::NotSignedIn => t_string!(i18n, import_refused_not_signed_in).to_string(),
        ImportRefusal::NoAccount => t_string!(i18n, import_refused_no_account).to_string(),
        ImportRefusal::OtherAccount { file } => t_string!(
            i18n,
            import_refused_other_account,
            file = file.clone(),
            you = you.to_owned()
        ),
        ImportRefusal::ForeignRecord { account } => {
            t_string!(
                i18n,
                import_refused_foreign_record,
                account = account.clone()
            )
        }
        ImportRefusal::ContentAltered { key } => {
            t_string!(i18n, import_refused_content, key = key.clone())
        }
        ImportRefusal::Storage(e) => e.plain(lang),
    }
}

fn human_bytes(n: f64) -> String {
    if n >= 1e9 {
        format!("{} GB", fixed(n / 1e9, 1))
    } else if n >= 1e6 {
        format!("{} MB", fixed(n / 1e6, 1))
    } else {
        format!("{} KB", fixed(n / 1e3, 0))
    }
}

/// Offers `text` as a downloaded file.
pub fn download(name: &str, text: &str) {
    download_as(name, text, "application/json");
}

/// Offers `text` as a file of type `mime` (CSV exports of the trainer review).
pub fn download_as(name: &str, text: &str, mime: &str) {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Some(a) = document()
        .create_element("a")
        .ok()
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

#[component]
pub fn MyRecords() -> impl IntoView {
    let app = use_app_state();
    let sync = use_sync();
    let i18n = use_i18n();
    let info = LocalResource::new(storage_info);
    let message = RwSignal::new(None::<(bool, String)>);

    let selfassess = use_selfassess();
    let lang = use_lang();
    let signed_in = move || sync.identity.read().is_some();
    let export = move |_| {
        let Some(storage) = app.storage() else { return };
        let Some(identity) = sync.identity.get_untracked() else {
            return;
        };
        let learner = boiduong_core::record::to_value(&identity).ok();
        leptos::task::spawn_local(async move {
            match storage
                .export_records(&identity.account, learner, now_ms())
                .await
            {
                Ok(text) => download("boiduong-records.json", &text),
                Err(e) => message.set(Some((false, e.to_string()))),
            }
        });
    };
    let import = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        // Picking the same file again must fire `change` again.
        let reset = input.clone();
        let Some(storage) = app.storage() else { return };
        let account = app.learner_id.get_untracked();
        let refused = move |r: ImportRefusal| {
            let text = refusal_text(&r, &account, i18n, lang.get_untracked());
            message.set(Some((false, t_string!(i18n, import_failed, reason = text))));
        };
        if file.size() > IMPORT_MAX_BYTES as f64 {
            refused(ImportRefusal::TooLarge {
                bytes: file.size() as u64,
            });
            reset.set_value("");
            return;
        }
        let statements = sync.statement_context(lang.get_untracked());
        leptos::task::spawn_local(async move {
            let text = JsFuture::from(file.text())
                .await
                .ok()
                .and_then(|v| v.as_string())
                .unwrap_or_default();
            reset.set_value("");
            let Some(statements) = statements else {
                refused(ImportRefusal::NotSignedIn);
                return;
            };
            let catalog = app.catalog.await.ok();
            let profile = selfassess.profile.get_untracked();
            let ctx = ImportContext {
                account: &statements.learner.account_name.clone(),
                statements: &statements,
                catalog: catalog.as_ref(),
                profile: profile.as_ref(),
                consent: selfassess.consent.get_untracked(),
                now_ms: now_ms(),
            };
            match storage.import_records(&text, &ctx).await {
                Ok(report) => {
                    app.switch_account(ctx.account).await;
                    selfassess.reload().await;
                    sync.kick();
                    let mut text = t_string!(
                        i18n,
                        import_done,
                        added = report.added,
                        already = report.already,
                        invalid = report.invalid
                    );
                    if report.not_rebuilt > 0 {
                        text.push(' ');
                        text.push_str(&t_string!(i18n, import_not_rebuilt, n = report.not_rebuilt));
                    }
                    message.set(Some((true, text)));
                }
                Err(r) => refused(r),
            }
        });
    };
    view! {
        <section class="card" data-testid="my-records">
            <h2>{t!(i18n, records_title)}</h2>
            <p>{t!(i18n, records_intro)}</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let info = info.await;
                    let pct = if info.quota > 0.0 { (100.0 * info.usage / info.quota).round() } else { 0.0 };
                    view! {
                        <p class="meta" data-testid="storage-usage">
                            {t!(i18n, storage_usage, used = human_bytes(info.usage), quota = human_bytes(info.quota))}
                        </p>
                        {(pct >= 80.0).then(|| view! {
                            <p class="notice notice-warning" role="alert">{t!(i18n, storage_near_full, pct = fixed(pct, 0))}</p>
                        })}
                        <p class="meta" data-testid="storage-persisted" data-persisted=match info.persisted {
                            Some(true) => "Some(true)",
                            Some(false) => "Some(false)",
                            None => "None",
                        }>
                            {move || if info.persisted == Some(true) {
                                t_string!(i18n, storage_persisted)
                            } else {
                                t_string!(i18n, storage_not_persisted)
                            }}
                        </p>
                    }
                })}
            </Suspense>
            {move || message.get().map(|(ok, text)| view! {
                <p class=if ok { "notice notice-info" } else { "notice notice-error" } role="status" data-testid="import-result">{text}</p>
            })}
            <Show
                when=signed_in
                fallback=move || view! { <p data-testid="records-sign-in">{t!(i18n, records_sign_in)}</p> }
            >
                <div class="actions">
                    <button type="button" class="button button-secondary" data-testid="export-records" on:click=export>
                        {t!(i18n, export_records)}
                    </button>
                    <label class="button button-secondary" for="import-file">{t!(i18n, import_records)}</label>
                    <input id="import-file" class="sr-only" type="file" accept="application/json,.json" data-testid="import-file" on:change=import />
                </div>
            </Show>
        </section>
    }
}
