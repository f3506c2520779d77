//! The two apps' shells and their route tables (the one route file).
//!
//! The portal is two apps built from this one library: the **learner app** at `/` (catalog,
//! module and scenario players, history, sign-in, sync and records, self-assessment), and the
//! **trainer app** at `/trainer/` (the trainer area and the authoring preview), each its own
//! HTML page and wasm (`src/main.rs`, `src/bin/trainer.rs`) so a learner never downloads the
//! trainer's code. Both share the storage, network, sync, i18n, components and state of the
//! library, and read the same IndexedDB. A link to the other app is a full page load
//! (`rel="external"`, see [`rel_for`]); sign-in state carries over through IndexedDB.
//! `AppKind::of` is the split; `scripts/static-server.mjs` and `scripts/build/sw-template.js`
//! apply the same rule to serve each app's page.

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

use crate::components::header::Header;
use crate::components::notice::{StorageNotice, UpdateBanner};
use crate::i18n::*;
use crate::pages::learn::catalog::CatalogPage;
use crate::pages::learn::history::HistoryPage;
use crate::pages::learn::module::ModulePage;
use crate::pages::learn::scenario::ScenarioPage;
use crate::pages::not_found::NotFound;
use crate::pages::preview::PreviewPage;
use crate::pages::self_assessment::page::SelfAssessmentPage;
use crate::pages::session::sign_in::SignInPage;
use crate::pages::session::sync::SyncPage;
use crate::pages::trainer::home::TrainerHome;
use crate::pages::trainer::learner::TrainerLearner;
use crate::pages::trainer::module::TrainerModule;
use crate::pages::trainer::scenario::TrainerScenario;
use crate::pages::trainer::TrainerGate;
use crate::state::provide_app_state;

/// Which of the two apps a path belongs to, and which one is running.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AppKind {
    Learner,
    Trainer,
}

impl AppKind {
    /// The app that serves `path` (`/trainer…` and `/preview/…` are the trainer app's).
    pub fn of(path: &str) -> Self {
        let path = path.split(['?', '#']).next().unwrap_or_default();
        let under = |prefix: &str| {
            path.strip_prefix(prefix)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        };
        if under("/trainer") || under("/preview") {
            AppKind::Trainer
        } else {
            AppKind::Learner
        }
    }
}

/// The app running in this page.
pub fn use_app_kind() -> AppKind {
    use_context::<AppKind>().unwrap_or(AppKind::Learner)
}

/// `Some("external")` when `path` belongs to the other app: the router then leaves the click
/// to the browser, which loads that app's page.
pub fn rel_for(path: &str) -> Option<&'static str> {
    (AppKind::of(path) != use_app_kind()).then_some("external")
}

/// A function that goes to a path: within this app by the router, to the other app by a
/// page load. (Call in the component, use later, e.g. after an `await`.)
pub fn use_go_to() -> impl Fn(&str) + Clone + 'static {
    let kind = use_app_kind();
    let navigate = leptos_router::hooks::use_navigate();
    move |path: &str| {
        if AppKind::of(path) == kind {
            navigate(path, Default::default());
        } else {
            crate::platform::dom::load_page(path);
        }
    }
}

/// The running app's home page (where signing in leads by default).
pub fn home_href() -> &'static str {
    match use_app_kind() {
        AppKind::Learner => "/",
        AppKind::Trainer => "/trainer",
    }
}

/// Where "sign in" leads: the learner app's page, or the trainer app's own form (its gate).
pub fn sign_in_href() -> &'static str {
    match use_app_kind() {
        AppKind::Learner => "/sign-in",
        AppKind::Trainer => "/trainer/sign-in",
    }
}

/// The learner app (`/`).
#[component]
pub fn LearnerApp() -> impl IntoView {
    view! {
        <I18nContextProvider>
            <Shell kind=AppKind::Learner provide=|| { crate::state::self_assessment::provide_self_assessment(); }>
                <Routes fallback=|| view! { <NotFound /> }>
                    <Route path=path!("/") view=CatalogPage />
                    <Route path=path!("/module/:id") view=ModulePage />
                    <Route path=path!("/scenario/:id") view=ScenarioPage />
                    <Route path=path!("/history") view=HistoryPage />
                    <Route path=path!("/tu-danh-gia") view=SelfAssessmentPage />
                    <Route path=path!("/self-assessment") view=SelfAssessmentPage />
                    <Route path=path!("/sign-in") view=|| view! { <SignInPage /> } />
                    <Route path=path!("/sync") view=SyncPage />
                </Routes>
            </Shell>
        </I18nContextProvider>
    }
}

/// The trainer app (`/trainer/`): the trainer area and the authoring preview.
#[component]
pub fn TrainerApp() -> impl IntoView {
    view! {
        <I18nContextProvider>
            <Shell kind=AppKind::Trainer provide=|| { crate::trainer::provide_trainer(); }>
                <Routes fallback=|| view! { <NotFound /> }>
                    <Route path=path!("/trainer/sign-in") view=|| view! { <SignInPage /> } />
                    <ParentRoute path=path!("/trainer") view=TrainerGate>
                        <Route path=path!("") view=TrainerHome />
                        <Route path=path!("scenario/:id") view=TrainerScenario />
                        <Route path=path!("scenario/:id/learner/:account") view=TrainerLearner />
                        <Route path=path!("module/:id") view=TrainerModule />
                    </ParentRoute>
                    <Route path=path!("/preview/scenario/:id") view=PreviewPage />
                    <Route path=path!("/preview/scenario/:id/:node") view=PreviewPage />
                </Routes>
            </Shell>
        </I18nContextProvider>
    }
}

/// What both apps share around their routes: state, sync, the service worker, the header,
/// the notices and the footer. Generic over the app's own contexts, so each app's wasm holds
/// only its own (a runtime choice would keep the trainer's review code in the learner's).
#[component]
fn Shell<P: FnOnce() + 'static>(
    /// The app running (decides which links are page loads).
    kind: AppKind,
    /// Provides the app's own contexts (after the shared ones, which they use).
    provide: P,
    /// The app's `<Routes>`.
    children: Children,
) -> impl IntoView {
    provide_context(kind);
    let app = provide_app_state();
    crate::session::provide_session(app);
    crate::platform::pwa::provide_pwa();
    provide();
    let i18n = use_i18n();
    view! {
        <Router>
            <a class="skip-link" href="#main">{t!(i18n, skip_to_content)}</a>
            <Header />
            <main id="main" class="main" tabindex="-1">
                <StorageNotice />
                <UpdateBanner />
                {children()}
            </main>
            <footer class="footer">
                <p>{t!(i18n, footer_note)}</p>
            </footer>
        </Router>
    }
}

#[cfg(test)]
mod tests {
    use super::AppKind;

    // Guards the split between the apps: a trainer or preview URL served by the learner app
    // (or the reverse) would show "not found" instead of the page.
    #[test]
    fn paths_belong_to_their_app() {
        for p in [
            "/trainer",
            "/trainer/",
            "/trainer/scenario/x",
            "/trainer/module/y?z=1",
            "/preview/scenario/a/b",
        ] {
            assert_eq!(AppKind::of(p), AppKind::Trainer, "{p}");
        }
        for p in [
            "/",
            "/module/trainer",
            "/scenario/x",
            "/sign-in?next=/trainer",
            "/sync",
            "/trainers",
            "/previewer",
            "/tu-danh-gia",
        ] {
            assert_eq!(AppKind::of(p), AppKind::Learner, "{p}");
        }
    }
}
