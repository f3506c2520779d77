//! The shell and the one route table.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::components::header::Header;
use crate::components::notice::{StorageNotice, UpdateBanner};
use crate::i18n::*;
use crate::pages::catalog::CatalogPage;
use crate::pages::history::HistoryPage;
use crate::pages::module::ModulePage;
use crate::pages::not_found::NotFound;
use crate::pages::preview::PreviewPage;
use crate::pages::scenario::ScenarioPage;
use crate::pages::self_assessment::SelfAssessmentPage;
use crate::pages::sign_in::SignInPage;
use crate::pages::sync_status::SyncPage;
use crate::pages::trainer::{TrainerHome, TrainerLearner, TrainerModule, TrainerScenario};
use crate::state::provide_app_state;

#[component]
pub fn App() -> impl IntoView {
    view! {
        <I18nContextProvider>
            <Shell />
        </I18nContextProvider>
    }
}

#[component]
fn Shell() -> impl IntoView {
    let app = provide_app_state();
    crate::sync::provide_sync(app);
    crate::trainer::provide_trainer();
    crate::pwa::provide_pwa();
    crate::selfassess::provide_selfassess();
    let i18n = use_i18n();
    view! {
        <Router>
            <a class="skip-link" href="#main">{t!(i18n, skip_to_content)}</a>
            <Header />
            <main id="main" class="main" tabindex="-1">
                <StorageNotice />
                <UpdateBanner />
                <Routes fallback=|| view! { <NotFound /> }>
                    <Route path=path!("/") view=CatalogPage />
                    <Route path=path!("/module/:id") view=ModulePage />
                    <Route path=path!("/scenario/:id") view=ScenarioPage />
                    <Route path=path!("/history") view=HistoryPage />
                    <Route path=path!("/tu-danh-gia") view=SelfAssessmentPage />
                    <Route path=path!("/self-assessment") view=SelfAssessmentPage />
                    <Route path=path!("/sign-in") view=SignInPage />
                    <Route path=path!("/sync") view=SyncPage />
                    <Route path=path!("/trainer") view=TrainerHome />
                    <Route path=path!("/trainer/scenario/:id") view=TrainerScenario />
                    <Route
                        path=path!("/trainer/scenario/:id/learner/:account")
                        view=TrainerLearner
                    />
                    <Route path=path!("/trainer/module/:id") view=TrainerModule />
                    <Route path=path!("/preview/scenario/:id") view=PreviewPage />
                    <Route path=path!("/preview/scenario/:id/:node") view=PreviewPage />
                </Routes>
            </main>
            <footer class="footer">
                <p>{t!(i18n, footer_note)}</p>
            </footer>
        </Router>
    }
}
