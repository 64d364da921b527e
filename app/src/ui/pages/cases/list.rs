//! Case lists: the institution's applications, the county's intake queue.

use super::{DeadlineTag, StateTag};
use crate::api::cases::{county_cases, my_cases, my_work, CaseRow};
use crate::domain::case::CaseState;
use crate::domain::deadline::Clock;
use crate::i18n::use_locale;
use crate::ui::t;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

fn table(rows: Vec<CaseRow>, show_institution: bool, testid: &'static str) -> impl IntoView {
    let locale = use_locale();
    view! {
        <div class="table-wrap">
            <table class="table" data-testid=testid>
                <thead>
                    <tr>
                        <th scope="col">{t("cases.col.number")}</th>
                        <th scope="col">{t("cases.col.item")}</th>
                        {show_institution.then(|| view! { <th scope="col">{t("cases.col.institution")}</th> })}
                        <th scope="col">{t("cases.col.state")}</th>
                        <th scope="col">{t("cases.col.submitted")}</th>
                        <th scope="col">{t("cases.col.deadline")}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|r| {
                            let href = format!("/cases/{}", r.id);
                            let label = if r.item_name.is_empty() { format!("#{}", r.id) } else { r.item_name.clone() };
                            view! {
                                <tr>
                                    <td>{r.number.clone().unwrap_or_else(|| "—".into())}</td>
                                    <td><a href=href>{label}</a></td>
                                    {show_institution.then(|| view! { <td>{r.institution_name.clone()}</td> })}
                                    <td><StateTag state=r.state /></td>
                                    <td>{r.submitted_at.clone().unwrap_or_else(|| "—".into())}</td>
                                    <td data-testid="row-deadline">
                                        {r.clock.map(|c| { let k = c.label_key(); view! { <span>{move || locale.tr(k)}</span> " " } })}
                                        {r.deadline.map(|d| view! { <DeadlineTag status=d /> " " })}
                                        {r.due_on.map(|d| d.format("%Y-%m-%d").to_string())}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
        <p class="visually-hidden">{move || locale.tr("cases.col.state")}</p>
    }
}

/// 我的鉴定申请, with a status filter kept in the URL (?state=…).
#[component]
pub fn MyCases() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let filter = move || query.with(|q| q.get("state").unwrap_or_default());
    let cases = Resource::new(filter, my_cases);
    view! {
        <p class="button-group">
            <a class="button" href="/cases/new" data-testid="new-application">{t("cases.new")}</a>
            <a class="button button--secondary" href="/institution/profile">{t("profile.title")}</a>
        </p>
        <form method="get" action="/institution" class="filter">
            <div class="form-group">
                <label class="label" for="state-filter">{t("cases.filter")}</label>
                <select class="select" id="state-filter" name="state">
                    <option value="">{t("cases.filter.all")}</option>
                    {CaseState::ALL
                        .into_iter()
                        .map(|s| {
                            let key = s.label_key();
                            view! { <option value=s.code() selected=move || filter() == s.code()>{move || locale.tr(key)}</option> }
                        })
                        .collect_view()}
                </select>
            </div>
            <button class="button button--secondary" type="submit">{t("cases.filter.apply")}</button>
        </form>
        <Suspense fallback=|| view! { <p class="hint">"…"</p> }>
            {move || cases.get().map(|r| match r {
                Ok(rows) if rows.is_empty() => view! { <div class="panel panel--empty"><p>{t("cases.none")}</p></div> }.into_any(),
                Ok(rows) => table(rows, false, "case-table").into_any(),
                Err(e) => view! { <p class="error-message">{e.message(locale.get())}</p> }.into_any(),
            })}
        </Suspense>
    }
}

/// 待受理申请: the county's submitted cases, oldest first, with deadline status.
#[component]
pub fn IntakeQueue() -> impl IntoView {
    let locale = use_locale();
    let cases = Resource::new(|| (), |_| county_cases("intake".into()));
    view! {
        <Suspense fallback=|| view! { <p class="hint">"…"</p> }>
            {move || cases.get().map(|r| match r {
                Ok(rows) if rows.is_empty() => view! { <div class="panel panel--empty"><p>{t("cases.intake.empty")}</p></div> }.into_any(),
                Ok(rows) => table(rows, true, "case-table").into_any(),
                Err(e) => view! { <p class="error-message">{e.message(locale.get())}</p> }.into_any(),
            })}
        </Suspense>
    }
}

/// 待办与期限: the bureau user's work, soonest due first, with each time limit and whether it
/// is overdue (in words and colour). `skip`: time limits another list on the same home already
/// shows (the county's intake queue and cases waiting for a draw).
#[component]
pub fn MyWork(#[prop(optional)] skip: Vec<Clock>) -> impl IntoView {
    let locale = use_locale();
    let cases = Resource::new(
        || (),
        move |_| {
            let skip = skip.clone();
            async move {
                my_work().await.map(|rows| {
                    rows.into_iter()
                        .filter(|r| r.clock.is_none_or(|c| !skip.contains(&c)))
                        .collect::<Vec<_>>()
                })
            }
        },
    );
    view! {
        <h2>{t("home.work")}</h2>
        <Suspense fallback=|| view! { <p class="hint">"…"</p> }>
            {move || cases.get().map(|r| match r {
                Ok(rows) if rows.is_empty() => view! { <p class="hint">{t("home.work.empty")}</p> }.into_any(),
                Ok(rows) => view! { <div data-testid="my-work">{table(rows, true, "work-table")}</div> }.into_any(),
                Err(e) => view! { <p class="error-message">{e.message(locale.get())}</p> }.into_any(),
            })}
        </Suspense>
    }
}

/// 案件查询 (`/cases`): a bureau's filed cases, searched by number, institution, item, state and
/// date of submission, 25 a page; the search lives in the URL (a plain GET form works without
/// scripts).
#[component]
pub fn CaseSearchPage() -> impl IntoView {
    use crate::api::cases::{search_cases, CaseQuery};
    use crate::ui::components::{field_messages, ErrorSummary};
    let locale = use_locale();
    let query = use_query_map();
    let q = move || {
        query.with(|m| {
            let g = |k: &str| m.get(k).unwrap_or_default();
            CaseQuery {
                number: g("number"),
                institution: g("institution"),
                item: g("item"),
                state: g("state"),
                from: g("from"),
                to: g("to"),
                page: g("page"),
            }
        })
    };
    let data = Resource::new_blocking(q, search_cases);
    let link = move |page: u64| {
        let cq = q();
        let mut parts = Vec::new();
        for (k, v) in [
            ("number", &cq.number),
            ("institution", &cq.institution),
            ("item", &cq.item),
            ("state", &cq.state),
            ("from", &cq.from),
            ("to", &cq.to),
        ] {
            if !v.trim().is_empty() {
                parts.push(format!(
                    "{k}={}",
                    crate::api::dashboard::urlencoding(v.trim())
                ));
            }
        }
        parts.push(format!("page={page}"));
        format!("/cases?{}", parts.join("&"))
    };
    view! {
        <leptos_meta::Title text=t("cases.search.title") />
        <h1>{t("cases.search.title")}</h1>
        <p class="lead">{t("cases.search.lead")}</p>
        <Suspense fallback=|| view! { <p class="hint">"…"</p> }>
            {move || data.get().map(|r| {
                let cq = q();
                let (errors, result) = match r {
                    Ok(p) => (crate::domain::error::FieldErrors::new(), Some(p)),
                    Err(e) => (e.field_errors(), None),
                };
                let err = errors.clone();
                let summary = Signal::derive(move || (!err.is_empty()).then(|| crate::api::AppError::Validation(err.clone())));
                let msg = |f: &'static str| {
                    let errors = errors.clone();
                    move || field_messages(&errors, f, locale.get()).into_iter().map(|m| view! { <p class="error-message">{m}</p> }).collect_view()
                };
                let field = |name: &'static str, label: &'static str, value: String, kind: &'static str| view! {
                    <div class="form-group">
                        <label class="label" for=name>{t(label)}</label>
                        {msg(name)}
                        <input class="input" id=name name=name type=kind value=value />
                    </div>
                };
                view! {
                    <ErrorSummary error=summary />
                    <form method="get" action="/cases" class="filter filter--wrap" data-testid="case-search">
                        {field("number", "cases.search.number", cq.number.clone(), "text")}
                        {field("institution", "cases.search.institution", cq.institution.clone(), "text")}
                        {field("item", "cases.search.item", cq.item.clone(), "text")}
                        <div class="form-group">
                            <label class="label" for="state">{t("cases.search.state")}</label>
                            {msg("state")}
                            <select class="select" id="state" name="state">
                                <option value="">{t("cases.search.state.any")}</option>
                                {CaseState::ALL.into_iter().filter(|s| *s != CaseState::Draft).map(|s| {
                                    let key = s.label_key();
                                    let sel = cq.state == s.code();
                                    view! { <option value=s.code() selected=sel>{move || locale.tr(key)}</option> }
                                }).collect_view()}
                            </select>
                        </div>
                        {field("from", "cases.search.from", cq.from.clone(), "date")}
                        {field("to", "cases.search.to", cq.to.clone(), "date")}
                        <button class="button" type="submit" data-testid="case-search-submit">{t("cases.search.submit")}</button>
                    </form>
                    {result.map(|p| {
                        let (page, pages, total) = (p.page, p.pages, p.total);
                        let prev = (page > 1).then(|| link(page - 1));
                        let next = (page < pages).then(|| link(page + 1));
                        view! {
                            <p data-testid="case-search-total">{move || locale.tr_with("cases.search.total", &[("total".into(), total.to_string()), ("page".into(), page.to_string()), ("pages".into(), pages.to_string())])}</p>
                            {if p.rows.is_empty() {
                                view! { <div class="panel panel--empty"><p>{t("cases.search.none")}</p></div> }.into_any()
                            } else {
                                table(p.rows, true, "case-search-table").into_any()
                            }}
                            <nav class="pagination" aria-label=move || locale.tr("registry.pages")>
                                {prev.map(|h| view! { <a class="button button--secondary" href=h rel="prev" data-testid="case-search-prev">{t("cases.search.prev")}</a> })}
                                {next.map(|h| view! { <a class="button button--secondary" href=h rel="next" data-testid="case-search-next">{t("cases.search.next")}</a> })}
                            </nav>
                        }
                    })}
                }
            })}
        </Suspense>
    }
}
