//! A table of the review, rendered cell for cell from `boiduong_core::review::Table`, with a
//! CSV export of exactly those cells (UTF-8 with BOM, from the same `Table`).

use boiduong_core::review::{csv_safe, Table};
use leptos::prelude::*;

use crate::i18n::*;

#[component]
pub fn DataTable(
    table: Table,
    /// Heading above the table (also its caption).
    #[prop(into)]
    caption: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let csv = table.to_csv();
    let file = format!("boiduong-{}.csv", table.id);
    let id = table.id.clone();
    let heading_id = format!("h-{}", table.id);
    let headers = table
        .headers
        .iter()
        .map(|h| view! { <th scope="col">{h.clone()}</th> })
        .collect_view();
    let rows = table
        .rows
        .iter()
        .map(|row| {
            let cells = row
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    // the text the CSV holds (a formula-like cell escaped), so both agree
                    let c = csv_safe(c).into_owned();
                    if i == 0 {
                        view! { <th scope="row">{c}</th> }.into_any()
                    } else {
                        view! { <td>{c}</td> }.into_any()
                    }
                })
                .collect_view();
            view! { <tr>{cells}</tr> }
        })
        .collect_view();
    let empty = table.rows.is_empty();
    view! {
        <section class="data-table" data-testid=format!("table-{id}")>
            <div class="table-tools">
                <h3 id=heading_id.clone()>{caption}</h3>
                <button
                    type="button"
                    class="button button-secondary"
                    data-testid=format!("csv-{id}")
                    on:click=move |_| crate::platform::file::download_as(&file, &csv, "text/csv;charset=utf-8")
                >
                    {t!(i18n, trainer_csv)}
                </button>
            </div>
            {if empty {
                view! { <p class="meta">{t!(i18n, trainer_no_rows)}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap" tabindex="0" role="region" aria-labelledby=heading_id>
                        <table class="table">
                            <thead>
                                <tr>{headers}</tr>
                            </thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }
                    .into_any()
            }}
        </section>
    }
}
