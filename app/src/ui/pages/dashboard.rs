//! 统计看板: the county's or the prefecture's dashboard. Filters live in the URL (a plain GET
//! form, so a link reproduces the view); each figure is a chart with its table and a CSV link.

use crate::api::dashboard::{get_dashboard, Cell, Dashboard, DashboardQuery, Table};
use crate::api::AppError;
use crate::i18n::use_locale;
use crate::ui::charts::BarChart;
use crate::ui::components::ErrorSummary;
use crate::ui::t;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let dq = move || {
        query.with(|q| DashboardQuery {
            from: q.get("from").unwrap_or_default(),
            to: q.get("to").unwrap_or_default(),
            county: q.get("county").unwrap_or_default(),
        })
    };
    let data = Resource::new_blocking(dq, get_dashboard);
    view! {
        <Title text=t("dash.title") />
        <Suspense fallback=|| view! { <p class="hint">"…"</p> }>
            {move || data.get().map(|r| match r {
                Ok(d) => view! { <DashboardView d q=dq() /> }.into_any(),
                Err(e) => {
                    let fields = !e.field_errors().is_empty();
                    let err = Signal::derive(move || Some(e.clone()));
                    view! {
                        <h1>{t("dash.title")}</h1>
                        <ErrorSummary error=err />
                        {(!fields).then(|| view! { <p data-testid="dash-error">{move || locale.tr("dash.unavailable")}</p> })}
                        {fields.then(|| view! { <Filters q=dq() counties=vec![] prefecture=true error=err.get_untracked() /> })}
                    }
                    .into_any()
                }
            })}
        </Suspense>
    }
}

#[component]
fn DashboardView(d: Dashboard, q: DashboardQuery) -> impl IntoView {
    let locale = use_locale();
    let scope = d.scope_name.clone();
    let heading = move || match &scope {
        Some(n) => format!("{} · {n}", locale.tr("dash.title")),
        None => format!(
            "{} · {}",
            locale.tr("dash.title"),
            locale.tr("dash.scope.prefecture")
        ),
    };
    let period = (
        d.period.from.format("%Y-%m-%d").to_string(),
        d.period.to.format("%Y-%m-%d").to_string(),
        d.today.clone(),
    );
    let qs = q.query_string();
    let toc: Vec<(String, String)> = d
        .tables
        .iter()
        .map(|tb| (tb.id.clone(), tb.title.clone()))
        .collect();
    view! {
        <h1 data-testid="dash-heading">{heading}</h1>
        <Filters q=q.clone() counties=d.counties.clone() prefecture=d.prefecture error=None />
        <p class="lead" data-testid="dash-period">
            {move || locale.tr_with("dash.period", &[
                ("from".into(), period.0.clone()),
                ("to".into(), period.1.clone()),
                ("today".into(), period.2.clone()),
            ])}
        </p>
        <nav class="contents" aria-labelledby="dash-contents">
            <h2 class="contents__title" id="dash-contents">{t("dash.contents")}</h2>
            <ul>
                {toc.into_iter().map(|(id, title)| view! {
                    <li><a href=format!("#{id}")>{move || locale.tr(&title)}</a></li>
                }).collect_view()}
            </ul>
        </nav>
        {d.tables.into_iter().map(|tb| view! { <Figure tb qs=qs.clone() /> }).collect_view()}
    }
    .into_any()
}

#[component]
fn Filters(
    q: DashboardQuery,
    counties: Vec<(i64, String)>,
    prefecture: bool,
    error: Option<AppError>,
) -> impl IntoView {
    let locale = use_locale();
    let errs = error.map(|e| e.field_errors()).unwrap_or_default();
    let msg = move |field: &str| {
        crate::ui::components::field_messages(&errs, field, locale.get())
            .into_iter()
            .map(|m| view! { <p class="error-message">{m}</p> })
            .collect_view()
    };
    let (from_err, to_err, county_err) = (msg("from"), msg("to"), msg("county"));
    view! {
        <form method="get" action="/dashboard" class="filter" data-testid="dash-filter">
            <div class="form-group">
                <label class="label" for="from">{t("dash.filter.from")}</label>
                {from_err}
                <input class="input input--date" id="from" name="from" type="date" value=q.from.clone() data-testid="dash-from" />
            </div>
            <div class="form-group">
                <label class="label" for="to">{t("dash.filter.to")}</label>
                {to_err}
                <input class="input input--date" id="to" name="to" type="date" value=q.to.clone() data-testid="dash-to" />
            </div>
            {(prefecture && !counties.is_empty()).then(|| view! {
                <div class="form-group">
                    <label class="label" for="county">{t("dash.filter.county")}</label>
                    {county_err}
                    <select class="select" id="county" name="county" data-testid="dash-county">
                        <option value="">{t("dash.filter.all_counties")}</option>
                        {counties.into_iter().map(|(id, name)| {
                            let sel = q.county == id.to_string();
                            view! { <option value=id.to_string() selected=sel>{name}</option> }
                        }).collect_view()}
                    </select>
                </div>
            })}
            <button class="button button--secondary" type="submit" data-testid="dash-apply">{t("dash.filter.apply")}</button>
            <a class="button button--secondary" href="/dashboard">{t("dash.filter.clear")}</a>
        </form>
    }
}

#[component]
fn Figure(tb: Table, qs: String) -> impl IntoView {
    let locale = use_locale();
    let csv = if qs.is_empty() {
        format!("/export/dashboard/{}", tb.id)
    } else {
        format!("/export/dashboard/{}?{qs}", tb.id)
    };
    let title = tb.title.clone();
    let note = tb.note.clone();
    let empty = tb.rows.is_empty();
    let chart = tb
        .chart
        .clone()
        .filter(|_| !empty && tb.rows.iter().any(|r| r.iter().any(|c| c.value() > 0.0)));
    view! {
        <section class="figure" id=tb.id.clone() data-testid=format!("fig-{}", tb.id)>
            <h2>{move || locale.tr(&title)}</h2>
            {note.map(|n| view! { <p class="hint">{move || locale.tr(&n)}</p> })}
            {chart.map(|c| view! { <BarChart table=tb.clone() chart=c /> })}
            {if empty {
                view! { <p class="panel panel--empty" data-testid=format!("empty-{}", tb.id)>{t("dash.empty")}</p> }.into_any()
            } else {
                view! { <DataTable tb=tb.clone() /> }.into_any()
            }}
            <p>
                <a class="button button--secondary" href=csv download="" data-testid=format!("csv-{}", tb.id)>
                    {t("dash.csv")}
                </a>
            </p>
        </section>
    }
}

/// The table itself: the chart's text equivalent.
#[component]
fn DataTable(tb: Table) -> impl IntoView {
    let locale = use_locale();
    let l = locale.get();
    view! {
        <div class="table-wrap">
            <table class="table table--figures" data-testid=format!("table-{}", tb.id)>
                <thead>
                    <tr>
                        {tb.columns.iter().map(|k| view! { <th scope="col">{crate::i18n::text(l, k)}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {tb.rows.iter().map(|r| view! {
                        <tr>
                            {r.iter().enumerate().map(|(i, c)| cell(c, i == 0, l)).collect_view()}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

fn cell(c: &Cell, first: bool, l: &'static str) -> AnyView {
    let class = if c.numeric() { "num" } else { "" };
    let inner = match c {
        Cell::Link { href, text } => view! { <a href=href.clone()>{text.clone()}</a> }.into_any(),
        Cell::Status { key, tone } => view! {
            <span class=format!("tag tag--{tone}")>{crate::i18n::text(l, key)}</span>
        }
        .into_any(),
        other => other.text(l).into_any(),
    };
    if first {
        view! { <th scope="row" class=class>{inner}</th> }.into_any()
    } else {
        view! { <td class=class>{inner}</td> }.into_any()
    }
}
