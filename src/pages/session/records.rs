//! "My records": storage use and protection, export and import of the signed-in account's
//! records (an import is checked, and refused with the reason; see `storage::records`).

use boiduong_core::text::fixed;
use leptos::prelude::*;

use crate::i18n::*;
use crate::platform::file::{download, PickedFile};
use crate::platform::now_ms;
use crate::platform::quota::storage_info;
use crate::session::use_session;
use crate::state::save::Save;
use crate::state::self_assessment::use_self_assessment;
use crate::state::{use_app_state, use_lang};
use crate::storage::records::{ImportContext, ImportRefusal, ImportReport, IMPORT_MAX_BYTES};

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

#[component]
pub fn MyRecords() -> impl IntoView {
    let app = use_app_state();
    let session = use_session();
    let i18n = use_i18n();
    let info = LocalResource::new(storage_info);
    let self_assessment = use_self_assessment();
    let lang = use_lang();
    let signed_in = move || session.identity.read().is_some();
    // The last of the two writes shows its outcome: each clears the other's.
    let export_save: Save = Save::new();
    let import_save: Save<ImportReport, ImportRefusal> = Save::new();
    let export = move |_| {
        let Some(storage) = app.storage() else { return };
        let Some(identity) = session.identity.get_untracked() else {
            return;
        };
        let learner = boiduong_core::record::to_value(&identity).ok();
        import_save.clear();
        export_save.dispatch(async move {
            let text = storage
                .export_records(&identity.account, learner, now_ms())
                .await?;
            download("boiduong-records.json", &text);
            Ok(())
        });
    };
    let import = move |ev: leptos::ev::Event| {
        let Some(file) = PickedFile::from_change(&ev) else {
            return;
        };
        let Some(storage) = app.storage() else { return };
        let statements = session.statement_context(lang.get_untracked());
        export_save.clear();
        import_save.dispatch(async move {
            if file.size() > IMPORT_MAX_BYTES {
                // Picking the same file again must fire `change` again.
                file.clear();
                return Err(ImportRefusal::TooLarge { bytes: file.size() });
            }
            let text = file.text().await;
            file.clear();
            let statements = statements.ok_or(ImportRefusal::NotSignedIn)?;
            let catalog = app.catalog.await.ok();
            let profile = self_assessment.profile.get_untracked();
            let ctx = ImportContext {
                account: &statements.learner.account_name.clone(),
                statements: &statements,
                catalog: catalog.as_ref(),
                profile: profile.as_ref(),
                consent: self_assessment.consent.get_untracked(),
                now_ms: now_ms(),
            };
            let report = storage.import_records(&text, &ctx).await?;
            app.switch_account(ctx.account).await;
            self_assessment.reload().await;
            session.kick();
            Ok(report)
        });
    };
    let message = move || {
        if let Some(e) = export_save.error() {
            return Some((false, e.to_string()));
        }
        if let Some(r) = import_save.error() {
            let you = app.learner_id.get_untracked();
            let text = refusal_text(&r, &you, i18n, lang.get_untracked());
            return Some((false, t_string!(i18n, import_failed, reason = text)));
        }
        import_save.value().map(|report| {
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
            (true, text)
        })
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
            {move || message().map(|(ok, text)| view! {
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
