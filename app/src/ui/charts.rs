//! Charts drawn as SVG on the server: readable before the WASM arrives, no chart JavaScript.
//! Each chart is a picture of a [`Table`] that the page also shows as a table (its text
//! equivalent); the SVG names itself and its figures for screen readers.

use crate::api::dashboard::{Cell, Chart, Table};
use crate::domain::stats::axis_max;
use crate::i18n::use_locale;
use leptos::prelude::*;

/// Width of the drawing (the SVG scales to its box; text keeps its proportions).
const W: f64 = 640.0;
/// Room for the value after the longest bar.
const VALUE_ROOM: f64 = 72.0;
const LABEL_H: f64 = 22.0;
const BAR_H: f64 = 20.0;
const GAP: f64 = 14.0;

/// The rows a chart draws (a table's closing total row is left out).
fn drawn_rows(t: &Table) -> Vec<&Vec<Cell>> {
    t.rows
        .iter()
        .filter(|r| !matches!(r.first(), Some(Cell::Key(k)) if k == "dash.total"))
        .collect()
}

/// A horizontal bar chart of `table` as `chart` says: per row its label, then one bar a series.
#[component]
pub fn BarChart(table: Table, chart: Chart) -> impl IntoView {
    let locale = use_locale();
    let l = locale.get();
    let rows = drawn_rows(&table);
    let max = rows
        .iter()
        .flat_map(|r| chart.series.iter().filter_map(|i| r.get(*i)))
        .map(Cell::value)
        .fold(0.0_f64, f64::max);
    let scale_max = axis_max(max.ceil() as i64) as f64;
    let per_row = LABEL_H + BAR_H * chart.series.len() as f64 + GAP;
    let height = per_row * rows.len() as f64 + 4.0;
    let title_id = format!("chart-{}-title", table.id);
    let desc_id = format!("chart-{}-desc", table.id);
    let title = crate::i18n::text(l, &table.title);
    let series_names: Vec<String> = chart
        .series
        .iter()
        .map(|i| {
            table
                .columns
                .get(*i)
                .map(|k| crate::i18n::text(l, k))
                .unwrap_or_default()
        })
        .collect();
    let desc = rows
        .iter()
        .map(|r| {
            let label = r.get(chart.label).map(|c| c.text(l)).unwrap_or_default();
            let values: Vec<String> = chart
                .series
                .iter()
                .zip(&series_names)
                .map(|(i, n)| format!("{n} {}", r.get(*i).map(|c| c.text(l)).unwrap_or_default()))
                .collect();
            format!("{label}: {}", values.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ");
    let bars = rows
        .iter()
        .enumerate()
        .map(|(ri, r)| {
            let y0 = ri as f64 * per_row;
            let label = r.get(chart.label).map(|c| c.text(l)).unwrap_or_default();
            let series = chart
                .series
                .iter()
                .enumerate()
                .map(|(si, ci)| {
                    let cell = r.get(*ci).cloned().unwrap_or(Cell::Num(0));
                    let w = (cell.value() / scale_max * (W - VALUE_ROOM)).max(0.0);
                    let y = y0 + LABEL_H + si as f64 * BAR_H;
                    let text = cell.text(l);
                    view! {
                        <rect class=format!("bar bar--{si}") x="0" y=format!("{y:.1}") width=format!("{w:.1}") height=format!("{:.1}", BAR_H - 4.0) />
                        <text class="bar-value" x=format!("{:.1}", w + 6.0) y=format!("{:.1}", y + BAR_H - 8.0)>{text}</text>
                    }
                })
                .collect_view();
            view! {
                <text class="bar-label" x="0" y=format!("{:.1}", y0 + LABEL_H - 6.0)>{label}</text>
                {series}
            }
        })
        .collect_view();
    let legend = (chart.series.len() > 1).then(|| {
        view! {
            <ul class="chart-legend">
                {series_names
                    .iter()
                    .enumerate()
                    .map(|(si, n)| view! { <li><span class=format!("swatch bar--{si}") aria-hidden="true"></span>{n.clone()}</li> })
                    .collect_view()}
            </ul>
        }
    });
    let labelled_by = format!("{title_id} {desc_id}");
    view! {
        <figure class="chart" data-testid=format!("chart-{}", table.id)>
            {legend}
            <svg
                class="chart__svg"
                role="img"
                viewBox=format!("0 0 {W} {height:.0}")
                aria-labelledby=labelled_by
                xmlns="http://www.w3.org/2000/svg"
            >
                <title id=title_id>{title}</title>
                <desc id=desc_id>{desc}</desc>
                {bars}
            </svg>
        </figure>
    }
}
