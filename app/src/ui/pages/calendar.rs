//! `/settings/calendar` (节假日安排): the holiday calendar the working-day time limits count
//! with, year by year — where each year's entries come from, each holiday with its days off and
//! its 调休 working days, and every imported version with who, when and why. The administrator
//! imports a year's notice as a CSV file: the form's fields are refused with field errors, the
//! file's problems by line and column, and either way nothing changes.

use crate::api::calendar::{
    holiday_calendar, import_holidays, CalendarImport, CalendarPage, CalendarYear,
};
use crate::api::AppError;
use crate::domain::deadline::{CalendarGap, YearStatus};
use crate::domain::holiday_import::{template, YearForm, HOLIDAY_COLUMNS};
use crate::i18n::use_locale;
use crate::ui::components::{field_messages, ErrorSummary, PageError, RowErrors, TextField};
use crate::ui::t;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn CalendarPage() -> impl IntoView {
    let done = RwSignal::new(0u32);
    // Kept here: a successful import reloads the page's data, which makes the form anew.
    let outcome = RwSignal::new(None::<CalendarImport>);
    let page = Resource::new(move || done.get(), |_| holiday_calendar());
    view! {
        <Title text=t("calendar.title") />
        <h1>{t("calendar.title")}</h1>
        <p class="lead">{t("calendar.lead")}</p>
        <p><a href="/settings/time-limits">{t("nav.time_limits")}</a></p>
        <Suspense fallback=|| view! { <p class="hint">"…"</p> }>
            {move || page.get().map(|r| match r {
                Err(e) => view! { <PageError error=e testid="calendar-error" /> }.into_any(),
                Ok(p) => view! { <Calendar p done outcome /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Calendar(
    p: CalendarPage,
    done: RwSignal<u32>,
    outcome: RwSignal<Option<CalendarImport>>,
) -> impl IntoView {
    let seen: Vec<(i32, i32)> = p.years.iter().map(|y| (y.year, y.version)).collect();
    view! {
        <GapWarning gaps=p.gaps.clone() />
        {p.can_import.then(|| view! { <ImportForm seen done outcome /> })}
        {p.years.into_iter().map(|y| view! { <Year y /> }).collect_view()}
    }
}

/// The years the bureau must see to: on this page and on the bureau homes.
#[component]
pub fn GapWarning(gaps: Vec<CalendarGap>) -> impl IntoView {
    let locale = use_locale();
    (!gaps.is_empty()).then(|| {
        view! {
            <div class="panel panel--warning" role="status" data-testid="calendar-gaps">
                <h2 class="panel__title">{t("calendar.gaps.title")}</h2>
                <ul>
                    {gaps.into_iter().map(|g| {
                        let key = match g.status {
                            None => "calendar.gaps.missing",
                            Some(_) => "calendar.gaps.provisional",
                        };
                        let (year, attr) = (g.year.to_string(), g.year.to_string());
                        view! { <li data-year=attr>{move || locale.tr_with(key, &[("year".into(), year.clone())])}</li> }
                    }).collect_view()}
                </ul>
                <p><a href="/settings/calendar">{t("calendar.gaps.link")}</a></p>
            </div>
        }
    })
}

/// The bureau home's warning of a year the calendar does not cover.
#[component]
pub fn CalendarGaps() -> impl IntoView {
    let gaps = Resource::new(|| (), |_| crate::api::calendar::calendar_gaps());
    view! {
        <Suspense fallback=|| ()>
            {move || gaps.get().and_then(|r| r.ok()).map(|gaps| view! { <GapWarning gaps /> })}
        </Suspense>
    }
}

fn status_tag(s: YearStatus) -> &'static str {
    match s {
        YearStatus::Published => "tag tag--green",
        YearStatus::Provisional => "tag tag--yellow",
    }
}

#[component]
fn Year(y: CalendarYear) -> impl IntoView {
    let locale = use_locale();
    let year = y.year.to_string();
    let heading = {
        let year = year.clone();
        move || locale.tr_with("calendar.year", &[("year".into(), year.clone())])
    };
    let version = if y.version == 0 {
        locale.tr("calendar.version.builtin")
    } else {
        locale.tr_with("calendar.version.n", &[("n".into(), y.version.to_string())])
    };
    let history = y.history.clone();
    view! {
        <section class="section" data-testid="calendar-year" data-year=year>
            <h2>{heading} " " <span class=status_tag(y.status)>{move || locale.tr(y.status.label_key())}</span></h2>
            <dl class="summary-list">
                <div class="summary-list__row">
                    <dt>{t("calendar.source")}</dt>
                    <dd data-testid="calendar-source">{y.source.clone()}</dd>
                </div>
                <div class="summary-list__row">
                    <dt>{t("calendar.version")}</dt>
                    <dd data-testid="calendar-version">{version}</dd>
                </div>
            </dl>
            <div class="table-wrap">
                <table class="table" data-testid="calendar-periods">
                    <caption class="visually-hidden">{heading_text(locale.get(), y.year)}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{t("calendar.col.name")}</th>
                            <th scope="col">{t("calendar.days_off")}</th>
                            <th scope="col">{t("calendar.col.workdays")}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {y.periods.into_iter().map(|p| {
                            let name = if locale.get() == "en" { p.name_en.clone() } else { p.name_zh.clone() };
                            let days = (p.last - p.first).num_days() + 1;
                            let off = format!("{} – {}", p.first, p.last);
                            let n = days.to_string();
                            let work = p.workdays.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("、");
                            view! {
                                <tr>
                                    <td>{name}</td>
                                    <td>{off} " " <span class="hint">{move || locale.tr_with("calendar.n_days", &[("n".into(), n.clone())])}</span></td>
                                    <td>{if work.is_empty() { "—".to_string() } else { work }}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            {(!history.is_empty()).then(|| view! {
                <details class="details">
                    <summary>{t("calendar.history")}</summary>
                    <ul class="history" data-testid="calendar-history">
                        {history.into_iter().map(|v| {
                            let line = format!("{} · {} · {}", v.at, v.by, v.source);
                            let n = v.version.to_string();
                            view! {
                                <li>
                                    <strong>{move || locale.tr_with("calendar.version.n", &[("n".into(), n.clone())])}</strong>
                                    " " <span class=status_tag(v.status)>{move || locale.tr(v.status.label_key())}</span>
                                    <br />{line}<br /><span class="hint">{v.reason.clone()}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </details>
            })}
        </section>
    }
}

fn heading_text(locale: &str, year: i32) -> String {
    crate::i18n::text_with(
        locale,
        "calendar.year",
        &[("year".into(), year.to_string())],
    )
}

#[component]
fn ImportForm(
    seen: Vec<(i32, i32)>,
    done: RwSignal<u32>,
    outcome: RwSignal<Option<CalendarImport>>,
) -> impl IntoView {
    let locale = use_locale();
    let next_year = seen.iter().map(|(y, _)| *y).max().unwrap_or(2026);
    let year = RwSignal::new(next_year.to_string());
    let status = RwSignal::new(YearStatus::Published);
    let source = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let text = RwSignal::new(None::<String>);
    let file_name = RwSignal::new(String::new());
    let server = RwSignal::new(None::<AppError>);
    let errors = Signal::derive(move || server.get().map(|e| e.field_errors()).unwrap_or_default());
    let run = Action::new(move |(form, csv, seen): &(YearForm, String, i32)| {
        let (form, csv, seen) = (form.clone(), csv.clone(), *seen);
        async move {
            match import_holidays(form, csv, seen).await {
                Ok(r) => {
                    let imported = r.errors.is_empty();
                    outcome.set(Some(r));
                    if imported {
                        done.update(|n| *n += 1);
                    }
                }
                Err(e) => server.set(Some(e)),
            }
        }
    });
    let on_file = move |ev: leptos::ev::Event| {
        outcome.set(None);
        server.set(None);
        text.set(None);
        #[cfg(feature = "hydrate")]
        {
            let Some((_, file)) = crate::ui::upload::chosen_file(&ev) else {
                return;
            };
            file_name.set(file.name());
            let promise = file.text();
            leptos::task::spawn_local(async move {
                if let Ok(v) = wasm_bindgen_futures::JsFuture::from(promise).await {
                    text.set(v.as_string());
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        outcome.set(None);
        server.set(None);
        let y: i32 = year.get().trim().parse().unwrap_or(0);
        let form = YearForm {
            year: y,
            status: status.get(),
            source: source.get(),
            reason: reason.get(),
        };
        let seen_version = seen.iter().find(|(sy, _)| *sy == y).map_or(0, |(_, v)| *v);
        run.dispatch((form, text.get().unwrap_or_default(), seen_version));
    };
    let template_href = move || {
        let y = year.get().trim().parse().unwrap_or(next_year);
        crate::ui::upload::csv_href(&template(y))
    };
    let reason_msgs = move || field_messages(&errors.get(), "calendar.reason", locale.get());
    view! {
        <section class="section" data-testid="calendar-import">
            <h2>{t("calendar.import.title")}</h2>
            <p>{t("calendar.import.lead")}</p>
            <ErrorSummary error=Signal::derive(move || server.get()) />
            {move || outcome.get().map(|r| view! { <Outcome r /> })}
            <form on:submit=submit novalidate>
                <TextField name="calendar.year" label="calendar.field.year" hint="calendar.field.year_hint" kind="number" errors value=year />
                <fieldset class="form-group fieldset" id="calendar-status">
                    <legend class="label">{t("calendar.field.status")}</legend>
                    <div class="radios">
                        {[YearStatus::Published, YearStatus::Provisional].into_iter().map(|s| {
                            let id = format!("calendar-status-{}", s.code());
                            view! {
                                <div class="radio">
                                    <input type="radio" id=id.clone() name="calendar.status" value=s.code()
                                        prop:checked=move || status.get() == s on:change=move |_| status.set(s) />
                                    <label for=id>{move || locale.tr(s.label_key())}</label>
                                </div>
                            }
                        }).collect_view()}
                    </div>
                </fieldset>
                <TextField name="calendar.source" label="calendar.field.source" hint="calendar.field.source_hint" errors value=source />
                <div class="form-group" class:form-group--error=move || !reason_msgs().is_empty()>
                    <label class="label" for="calendar-reason">{t("calendar.field.reason")}</label>
                    <div class="hint">{t("calendar.field.reason_hint")}</div>
                    {move || reason_msgs().into_iter().map(|m| view! { <p class="error-message">{m}</p> }).collect_view()}
                    <textarea class="textarea" id="calendar-reason" name="calendar.reason" rows="3" bind:value=reason></textarea>
                </div>
                <h3>{t("calendar.import.columns")}</h3>
                <div class="table-wrap">
                    <table class="table" data-testid="calendar-columns">
                        <thead><tr><th scope="col">{t("experts.import.header")}</th><th scope="col">{t("experts.import.meaning")}</th></tr></thead>
                        <tbody>
                            {HOLIDAY_COLUMNS.iter().map(|(h, key)| {
                                let help = format!("{key}.help");
                                view! { <tr><td><code>{*h}</code></td><td>{move || locale.tr(&help)}</td></tr> }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                <p><a class="button button--secondary" href=template_href download="节假日安排模板.csv">{t("calendar.import.template")}</a></p>
                <div class="form-group">
                    <label class="label" for="calendar-file">{t("calendar.field.file")}</label>
                    <div class="hint">{t("experts.import.encoding")}</div>
                    <input class="input" type="file" id="calendar-file" accept=".csv,text/csv" data-testid="calendar-file" on:change=on_file />
                    {move || (!file_name.get().is_empty()).then(|| view! { <p class="hint">{file_name.get()}</p> })}
                </div>
                <button type="submit" class="button" data-testid="calendar-run"
                    disabled=move || text.with(|t| t.is_none()) || run.pending().get()>
                    {t("calendar.import.run")}
                </button>
            </form>
        </section>
    }
}

#[component]
fn Outcome(r: CalendarImport) -> impl IntoView {
    let locale = use_locale();
    if let Some(v) = r.version {
        let n = v.to_string();
        return view! {
            <div class="panel panel--success" role="status" data-testid="calendar-done">
                <p>{move || locale.tr_with("calendar.import.done", &[("n".into(), n.clone())])}</p>
            </div>
        }
        .into_any();
    }
    let bad = r.errors.len().to_string();
    let title = Signal::derive(move || {
        locale.tr_with("calendar.import.failed", &[("n".into(), bad.clone())])
    });
    view! { <RowErrors title errors=r.errors testid="calendar-errors" row_testid="calendar-error-row" /> }
        .into_any()
}
