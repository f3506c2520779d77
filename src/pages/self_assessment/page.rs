//! "Tự đánh giá" (`/tu-danh-gia`, also `/self-assessment`): my profile (position and
//! qualifications, kept on the device), the gap report against my position's standard, a
//! competency self-rating, self-rating vs what my scenarios measured, and what I share.

use boiduong_core::attempt::AttemptSummary;
use boiduong_core::model::Catalog;
use boiduong_core::self_assessment::gap::{GapReport, UnknownReason};
use boiduong_core::self_assessment::standards::Basis;
use boiduong_core::self_assessment::{
    compare_with_measured, gap_report, measured_levels, Education, Evidence, ForeignLanguage,
    GapStatus, ItSkill, Level, PoliticalTheory, Profile, Qualification, SelfRating, Standards,
    StateManagement,
};
use boiduong_core::text::LocalText;
use boiduong_core::Lang;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::loading::{LoadError, LoadFailure, Loading};
use crate::components::notice::ErrorNotice;
use crate::components::self_rating_form::RatingForm;
use crate::i18n::*;
use crate::state::save::Save;
use crate::state::self_assessment::use_self_assessment;
use crate::state::{use_app_state, use_lang};

#[component]
pub fn SelfAssessmentPage() -> impl IntoView {
    let state = use_app_state();
    let self_assessment = use_self_assessment();
    let i18n = use_i18n();
    let lang = use_lang();
    let standards = LocalResource::new(crate::net::content::fetch_standards);
    let profile_problem = Signal::derive(move || {
        self_assessment
            .profile_error
            .get()
            .map(|e| t_string!(i18n, profile_unreadable, reason = e.plain(lang.get())))
            .unwrap_or_default()
    });
    view! {
        <article class="page selfassess" data-testid="selfassess-page">
            <h1 class="page-title">{t!(i18n, selfassess_title)}</h1>
            <p class="lead">{t!(i18n, selfassess_intro)}</p>
            <Show when=move || self_assessment.profile_error.read().is_some()>
                <ErrorNotice message=profile_problem />
            </Show>
            <Show when=move || { self_assessment.damaged.get() > 0 }>
                <div class="notice notice-warning" role="status">
                    <p>{t!(i18n, storage_damaged_warning, n = self_assessment.damaged.get())}</p>
                </div>
            </Show>
            <Show
                when=move || self_assessment.loaded.get() && state.storage_ready.get()
                fallback=|| view! { <Loading /> }
            >
                <Suspense fallback=|| view! { <Loading /> }>
                    {move || Suspend::new(async move {
                        let catalog = state.catalog.await;
                        let standards = standards.await;
                        match (catalog, standards) {
                            (Ok(c), Ok(s)) => view! { <SelfAssessment catalog=c standards=s /> }.into_any(),
                            (Err(e), _) | (_, Err(e)) => {
                                view! { <LoadFailure error=LoadError::Failed(e) /> }.into_any()
                            }
                        }
                    })}
                </Suspense>
            </Show>
        </article>
    }
}

#[component]
fn SelfAssessment(catalog: Catalog, standards: Standards) -> impl IntoView {
    let state = use_app_state();
    let self_assessment = use_self_assessment();
    let session = crate::session::use_session();
    let i18n = use_i18n();
    let standards = StoredValue::new(standards);
    let catalog = StoredValue::new(catalog);
    let my_summaries = Memo::new(move |_| {
        let learner = state.learner_id.get();
        state
            .summaries
            .get()
            .into_iter()
            .filter(|s| s.learner_id == learner)
            .collect::<Vec<AttemptSummary>>()
    });
    let report = Memo::new(move |_| {
        let profile = self_assessment.profile.get()?;
        profile.position.as_ref()?;
        let evidence = Evidence::from_records(&self_assessment.my_ratings(), &my_summaries.get());
        standards.with_value(|s| catalog.with_value(|c| gap_report(&profile, s, c, &evidence).ok()))
    });
    // The competencies to rate: those of my position, else the whole framework.
    let to_rate = Memo::new(move |_| {
        let position = self_assessment.profile.get().and_then(|p| p.position);
        standards
            .with_value(|s| {
                position.and_then(|id| s.position(&id).cloned()).map(|p| {
                    p.competencies
                        .iter()
                        .map(|c| c.competency.clone())
                        .collect()
                })
            })
            .unwrap_or_else(|| {
                catalog.with_value(|c| {
                    c.competencies
                        .iter()
                        .map(|x| x.id.clone())
                        .collect::<Vec<_>>()
                })
            })
    });
    let signed_in = move || session.identity.read().is_some();
    view! {
        <section class="card" aria-labelledby="profile-heading">
            <h2 id="profile-heading">{t!(i18n, profile_title)}</h2>
            <p class="meta">{t!(i18n, profile_local_note)}</p>
            {move || {
                if signed_in() {
                    view! { <ProfileForm standards=standards.get_value() /> }.into_any()
                } else {
                    view! {
                        <A href="/sign-in?next=/tu-danh-gia" attr:class="button button-primary">
                            {t!(i18n, sign_in_for_profile)}
                        </A>
                    }
                    .into_any()
                }
            }}
        </section>
        <section class="card" aria-labelledby="gap-heading" data-testid="gap-report">
            <h2 id="gap-heading">{t!(i18n, gap_title)}</h2>
            {move || match report.get() {
                Some(r) => view! { <GapReportView report=r /> }.into_any(),
                None => view! { <p>{t!(i18n, gap_need_position)}</p> }.into_any(),
            }}
        </section>
        <section class="card" aria-labelledby="rate-heading">
            <h2 id="rate-heading">{t!(i18n, rate_title)}</h2>
            {move || {
                if signed_in() {
                    let list = to_rate.get();
                    view! { <RatingForm competencies=list catalog=catalog.get_value() id="self" /> }.into_any()
                } else {
                    view! {
                        <A href="/sign-in?next=/tu-danh-gia" attr:class="button button-primary">
                            {t!(i18n, sign_in_to_rate)}
                        </A>
                    }
                    .into_any()
                }
            }}
            <VsMeasured catalog=catalog.get_value() summaries=my_summaries />
        </section>
        <Show when=signed_in>
            <ConsentBlock />
        </Show>
    }
}

/// The level ids and labels of a qualification, lowest first.
fn level_options(q: Qualification) -> Vec<(&'static str, LocalText)> {
    fn of<L: Level>() -> Vec<(&'static str, LocalText)> {
        L::all().iter().map(|l| (l.as_str(), l.label())).collect()
    }
    match q {
        Qualification::Education => of::<Education>(),
        Qualification::PoliticalTheory => of::<PoliticalTheory>(),
        Qualification::StateManagement => of::<StateManagement>(),
        Qualification::ForeignLanguage => of::<ForeignLanguage>(),
        Qualification::ItSkill => of::<ItSkill>(),
    }
}

fn set_level(p: &mut Profile, q: Qualification, id: &str) {
    match q {
        Qualification::Education => p.education = Education::parse(id),
        Qualification::PoliticalTheory => p.political_theory = PoliticalTheory::parse(id),
        Qualification::StateManagement => p.state_management = StateManagement::parse(id),
        Qualification::ForeignLanguage => p.foreign_language = ForeignLanguage::parse(id),
        Qualification::ItSkill => p.it_skill = ItSkill::parse(id),
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[component]
fn ProfileForm(standards: Standards) -> impl IntoView {
    let self_assessment = use_self_assessment();
    let i18n = use_i18n();
    let lang = use_lang();
    let stored = self_assessment.profile.get_untracked();
    let position = RwSignal::new(
        stored
            .as_ref()
            .and_then(|p| p.position.clone())
            .unwrap_or_default(),
    );
    let levels: Vec<(Qualification, RwSignal<String>)> = Qualification::ALL
        .into_iter()
        .map(|q| {
            let held = stored.as_ref().and_then(|p| p.held(q)).unwrap_or_default();
            (q, RwSignal::new(held.to_owned()))
        })
        .collect();
    let save = Save::new();
    let all = StoredValue::new(levels.clone());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if save.busy_untracked() {
            return;
        }
        let mut profile = Profile::new(0);
        let p = position.get_untracked();
        profile.position = (!p.is_empty()).then_some(p);
        for (q, v) in all.get_value() {
            set_level(&mut profile, q, &v.get_untracked());
        }
        save.dispatch(self_assessment.save_profile(profile));
    };
    let positions = standards.positions.clone();
    let selects = levels
        .into_iter()
        .map(|(q, value)| {
            let id = format!("profile-{}", q.as_str());
            let options = level_options(q)
                .into_iter()
                .map(|(level, label)| {
                    view! {
                        <option value=level selected=move || value.get() == level>
                            {move || label.get(lang.get()).to_owned()}
                        </option>
                    }
                })
                .collect_view();
            let label = q.label();
            view! {
                <div class="form-row">
                    <label for=id.clone()>{move || capitalised(label.get(lang.get()))}</label>
                    <select id=id on:change=move |ev| { value.set(event_target_value(&ev)); save.edited(); }>
                        <option value="" selected=move || value.get().is_empty()>{t!(i18n, profile_not_stated)}</option>
                        {options}
                    </select>
                </div>
            }
        })
        .collect_view();
    let message = Signal::derive(move || {
        save.error()
            .map(|e| t_string!(i18n, error_save_rating, reason = e.plain(lang.get())))
            .unwrap_or_default()
    });
    view! {
        <form class="form" data-testid="profile-form" on:submit=submit>
            <div class="form-row">
                <label for="profile-position">{t!(i18n, profile_position)}</label>
                <select id="profile-position" on:change=move |ev| { position.set(event_target_value(&ev)); save.edited(); }>
                    <option value="" selected=move || position.get().is_empty()>{t!(i18n, profile_choose_position)}</option>
                    {positions
                        .into_iter()
                        .map(|p| {
                            let id = p.id.clone();
                            let name = p.name.clone();
                            view! {
                                <option value=p.id.clone() selected=move || position.get() == id>
                                    {move || name.get(lang.get()).to_owned()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            {selects}
            <Show when=move || save.error().is_some()>
                <ErrorNotice message=message />
            </Show>
            <div class="actions">
                <button type="submit" class="button button-primary" data-testid="profile-save" disabled=move || save.busy()>
                    {t!(i18n, profile_save)}
                </button>
                <Show when=move || save.saved()>
                    <span class="saved-note" role="status" data-testid="profile-saved">{t!(i18n, profile_saved)}</span>
                </Show>
            </div>
        </form>
    }
}

fn status_class(s: GapStatus) -> &'static str {
    match s {
        GapStatus::Met => "gap-status gap-met",
        GapStatus::NotMet => "gap-status gap-not-met",
        GapStatus::Unknown(_) => "gap-status gap-unknown",
    }
}

fn status_key(s: GapStatus) -> &'static str {
    match s {
        GapStatus::Met => "met",
        GapStatus::NotMet => "not_met",
        GapStatus::Unknown(_) => "unknown",
    }
}

fn status_text(s: GapStatus, i18n: I18n) -> String {
    match s {
        GapStatus::Met => t_string!(i18n, gap_met).to_string(),
        GapStatus::NotMet => t_string!(i18n, gap_not_met).to_string(),
        GapStatus::Unknown(UnknownReason::NotStated) => {
            t_string!(i18n, gap_unknown_not_stated).to_string()
        }
        GapStatus::Unknown(UnknownReason::NotInProfile) => {
            t_string!(i18n, gap_unknown_profile).to_string()
        }
        GapStatus::Unknown(UnknownReason::NoEvidence) => {
            t_string!(i18n, gap_unknown_evidence).to_string()
        }
    }
}

/// The note beside a requirement: who set the value (the centre) and what it says.
fn note_view(
    basis: Basis,
    note: Option<LocalText>,
    lang: Signal<Lang>,
    i18n: I18n,
) -> impl IntoView {
    note.map(|n| {
        view! {
            <p class="gap-note" data-testid="gap-note">
                <strong>{move || if basis == Basis::Plan { t_string!(i18n, gap_note_plan) } else { t_string!(i18n, gap_note_centre) }}</strong>
                " " {move || n.get(lang.get()).to_owned()}
            </p>
        }
    })
}

#[component]
fn GapReportView(report: GapReport) -> impl IntoView {
    let i18n = use_i18n();
    let lang = use_lang();
    let name = report.position_name.clone();
    let source = report.source.clone();
    let counts = report.counts;
    let qualifications = report
        .qualifications
        .into_iter()
        .map(|q| {
            let label = q.qualification.label();
            let explanation = q.explanation.clone();
            let training = q.training.clone();
            let status = q.status;
            view! {
                <li class="gap-row" data-testid="gap-qualification" data-id=q.qualification.as_str() data-status=status_key(status)>
                    <p class="gap-head">
                        <span class="gap-name">{move || capitalised(label.get(lang.get()))}</span>
                        <span class=status_class(status)>{move || status_text(status, i18n)}</span>
                    </p>
                    <p>{move || explanation.get(lang.get()).to_owned()}</p>
                    {training.map(|t| view! {
                        <p class="gap-close">
                            {t!(i18n, gap_training)} " "
                            <strong>{move || t.name.get(lang.get()).to_owned()}</strong>
                        </p>
                    })}
                    {note_view(q.basis, q.note, lang, i18n)}
                </li>
            }
        })
        .collect_view();
    let competencies = report
        .competencies
        .into_iter()
        .map(|c| {
            let name = c.name.clone();
            let explanation = c.explanation.clone();
            let descriptor = c.expected_descriptor.clone();
            let expected = c.expected;
            let status = c.status;
            let modules = c.modules.clone();
            view! {
                <li class="gap-row" data-testid="gap-competency" data-id=c.competency.clone() data-status=status_key(status)>
                    <p class="gap-head">
                        <span class="gap-name">{move || name.get(lang.get()).to_owned()}</span>
                        <span class=status_class(status)>{move || status_text(status, i18n)}</span>
                    </p>
                    <p>{move || explanation.get(lang.get()).to_owned()}</p>
                    {descriptor.map(|d| view! {
                        <p class="meta">{t!(i18n, gap_expected_level, level = expected)} " " {move || d.get(lang.get()).to_owned()}</p>
                    })}
                    {(!modules.is_empty()).then(|| view! {
                        <p class="gap-close">{t!(i18n, gap_modules)}</p>
                        <ul class="gap-modules">
                            {modules.into_iter().map(|m| {
                                let title = m.title.clone();
                                view! {
                                    <li>
                                        <A href=format!("/module/{}", m.id) attr:data-testid="gap-module-link">
                                            {move || title.get(lang.get()).to_owned()}
                                        </A>
                                        " · " {t!(i18n, minutes, n = m.duration_min)}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    })}
                    {note_view(c.basis, c.note, lang, i18n)}
                </li>
            }
        })
        .collect_view();
    view! {
        <p class="lead" data-testid="gap-position">{move || name.get(lang.get()).to_owned()}</p>
        <p class="gap-counts" data-testid="gap-counts">
            {t!(i18n, gap_counts, met = counts.met, not_met = counts.not_met, unknown = counts.unknown)}
        </p>
        <h3>{t!(i18n, gap_qualifications)}</h3>
        <ul class="gap-list">{qualifications}</ul>
        <h3>{t!(i18n, gap_competencies)}</h3>
        <ul class="gap-list">{competencies}</ul>
        <p class="meta">{t!(i18n, gap_source)} " " {move || source.get(lang.get()).to_owned()}</p>
    }
}

/// My latest self-rating of each competency beside what my scenarios measured.
#[component]
fn VsMeasured(catalog: Catalog, summaries: Memo<Vec<AttemptSummary>>) -> impl IntoView {
    let self_assessment = use_self_assessment();
    let i18n = use_i18n();
    let lang = use_lang();
    let catalog = StoredValue::new(catalog);
    let rows = Memo::new(move |_| {
        let mine = self_assessment.my_ratings();
        if mine.is_empty() {
            return Vec::new();
        }
        let latest = SelfRating {
            id: String::new(),
            learner_id: String::new(),
            module: None,
            ratings: boiduong_core::self_assessment::rating::latest_ratings(&mine),
            at_ms: 0,
        };
        let measured = measured_levels(&summaries.get());
        catalog.with_value(|c| {
            compare_with_measured(&latest, &measured)
                .iter()
                .map(|r| r.explanation(c))
                .collect::<Vec<_>>()
        })
    });
    view! {
        <Show when=move || !rows.read().is_empty()>
            <h3>{t!(i18n, vs_measured_title)}</h3>
            <ul class="vs-measured" data-testid="vs-measured">
                {move || rows.get().into_iter().map(|t| view! { <li>{move || t.get(lang.get()).to_owned()}</li> }).collect_view()}
            </ul>
        </Show>
    }
}

/// What is shared with the training centre, and the learner's two choices.
#[component]
fn ConsentBlock() -> impl IntoView {
    let self_assessment = use_self_assessment();
    let i18n = use_i18n();
    let lang = use_lang();
    let save = Save::new();
    let change = move |ratings: bool| {
        if save.busy_untracked() {
            return;
        }
        let mut consent = self_assessment.consent.get_untracked();
        if ratings {
            consent.share_self_ratings = !consent.share_self_ratings;
        } else {
            consent.share_profile = !consent.share_profile;
        }
        save.dispatch(self_assessment.save_consent(consent));
    };
    let message = Signal::derive(move || {
        save.error()
            .map(|e| t_string!(i18n, error_save_rating, reason = e.plain(lang.get())))
            .unwrap_or_default()
    });
    view! {
        <section class="card" aria-labelledby="consent-heading" data-testid="consent">
            <h2 id="consent-heading">{t!(i18n, consent_title)}</h2>
            <ul class="consent-facts">
                <li>{t!(i18n, consent_always)}</li>
                <li>{t!(i18n, consent_never)}</li>
            </ul>
            <div class="choice-row">
                <input
                    id="consent-ratings"
                    type="checkbox"
                    prop:checked=move || self_assessment.consent.get().share_self_ratings
                    disabled=move || save.busy()
                    on:change=move |_| change(true)
                    aria-describedby="consent-ratings-hint"
                />
                <label for="consent-ratings">{t!(i18n, consent_share_ratings)}</label>
            </div>
            <p id="consent-ratings-hint" class="meta">{t!(i18n, consent_share_ratings_hint)}</p>
            <div class="choice-row">
                <input
                    id="consent-position"
                    type="checkbox"
                    prop:checked=move || self_assessment.consent.get().share_profile
                    disabled=move || save.busy()
                    on:change=move |_| change(false)
                    aria-describedby="consent-position-hint"
                />
                <label for="consent-position">{t!(i18n, consent_share_position)}</label>
            </div>
            <p id="consent-position-hint" class="meta">{t!(i18n, consent_share_position_hint)}</p>
            <Show when=move || save.error().is_some()>
                <ErrorNotice message=message />
            </Show>
            <Show when=move || save.saved()>
                <p class="saved-note" role="status" data-testid="consent-saved">{t!(i18n, consent_saved)}</p>
            </Show>
        </section>
    }
}
