//! Competency profile as SVG bars (0-5) with a text table for screen readers and greyscale.

use boiduong_core::model::Catalog;
use boiduong_core::scenario::CompetencyResult;
use boiduong_core::text::fixed;
use boiduong_core::Lang;
use leptos::prelude::*;

#[component]
pub fn CompetencyBars(
    /// Results to draw, one bar each.
    results: Vec<CompetencyResult>,
    /// Names of the competencies.
    catalog: Catalog,
    /// Language of the labels.
    #[prop(into)]
    lang: Signal<Lang>,
    /// Accessible title of the chart.
    #[prop(into)]
    title: Signal<String>,
) -> impl IntoView {
    // whole numbers for the geometry, `fixed` for the figures: no float formatting
    let row_h = 34;
    let height = row_h * results.len() + 8;
    let rows = results.clone();
    let name = {
        let catalog = catalog.clone();
        move |id: &str, lang: Lang| {
            catalog
                .competency(id)
                .map(|c| c.name.get(lang).to_owned())
                .unwrap_or_else(|| id.to_owned())
        }
    };
    let name2 = name.clone();
    view! {
        <figure class="bars" data-testid="competency-profile">
            <svg
                class="bars-svg"
                viewBox=format!("0 0 320 {height}")
                role="img"
                aria-label=move || title.get()
            >
                {rows
                    .into_iter()
                    .enumerate()
                    .map(|(i, r)| {
                        let y = 4 + row_h * i;
                        // The bar ends at 280 and the value is right-aligned at 316, so they never overlap.
                        let w = 160.0 * (r.level / 5.0).clamp(0.0, 1.0);
                        let id = r.competency.clone();
                        let name = name.clone();
                        view! {
                            <text class="bars-label" x="0" y=y + 14>{move || name(&id, lang.get())}</text>
                            <rect class="bars-track" x="120" y=y + 2 width="160" height="16" rx="3" />
                            <rect class="bars-fill" x="120" y=y + 2 width=fixed(w, 1) height="16" rx="3" />
                            <text class="bars-value" x="316" y=y + 14 text-anchor="end">{fixed(r.level, 1)}</text>
                        }
                    })
                    .collect_view()}
            </svg>
            <table class="sr-table">
                <caption>{move || title.get()}</caption>
                <tbody>
                    {results
                        .into_iter()
                        .map(|r| {
                            let id = r.competency.clone();
                            let name = name2.clone();
                            view! {
                                <tr>
                                    <th scope="row">{move || name(&id, lang.get())}</th>
                                    <td>{format!("{}/5", fixed(r.level, 1))}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </figure>
    }
}
