//! 审计日志 (`/audit`): the audit trail for directors, observers and the administrator, searched
//! by time, actor, case, action and result; the search lives in the URL, the CSV export takes
//! the same search. Those who may, check the chain here.

use crate::api::audit::{audit_log, verify_audit, AuditPage, AuditQuery};
use crate::i18n::use_locale;
use crate::ui::components::{field_messages, ErrorSummary};
use crate::ui::t;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn read_query(q: &leptos_router::params::ParamsMap) -> AuditQuery {
    let g = |k: &str| q.get(k).unwrap_or_default();
    AuditQuery {
        from: g("from"),
        to: g("to"),
        actor: g("actor"),
        case: g("case"),
        action: g("action"),
        result: g("result"),
        page: g("page"),
    }
}

#[component]
pub fn AuditLogPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let aq = move || query.with(read_query);
    let data = Resource::new_blocking(aq, |q| async move { audit_log(q).await });
    view! {
        <Title text=t("audit.title") />
        <h1>{t("audit.title")}</h1>
        <p class="lead">{t("audit.lead")}</p>
        <Suspense fallback=|| view! { <p class="hint">"…"</p> }>
            {move || data.get().map(|r| match r {
                Ok(p) => view! {
                    <Scope p=p.clone() />
                    <SearchForm q=aq() />
                    <Results p q=aq() />
                }.into_any(),
                Err(e) => {
                    let fields = e.field_errors();
                    let has_fields = !fields.is_empty();
                    let err = Signal::derive(move || Some(e.clone()));
                    view! {
                        <ErrorSummary error=err />
                        {(!has_fields).then(|| view! { <p data-testid="audit-error">{move || err.get().map(|e| e.message(locale.get()))}</p> })}
                        {has_fields.then(|| view! { <SearchForm q=aq() errors=fields /> })}
                    }.into_any()
                }
            })}
        </Suspense>
    }
}

/// Whose part of the log this is, and the chain check for those who may run it.
#[component]
fn Scope(p: AuditPage) -> impl IntoView {
    let locale = use_locale();
    let check = Action::new(|_: &()| async { verify_audit().await });
    let scope = p.county.clone();
    view! {
        <div class="panel" data-testid="audit-scope">
            <p>
                {match scope {
                    Some(c) => view! { <span>{move || locale.tr_with("audit.scope.county", &[("county".into(), c.clone())])}</span> }.into_any(),
                    None => view! { <span>{t("audit.scope.all")}</span> }.into_any(),
                }}
            </p>
            {p.can_verify.then(|| view! {
                <button type="button" class="button button--secondary" data-testid="audit-verify"
                    on:click=move |_| { check.dispatch(()); }>
                    {t("audit.verify")}
                </button>
                {move || check.value().get().map(|r| match r {
                    Ok(c) if c.ok => view! {
                        <p role="status" data-testid="audit-verified">
                            <span class="tag tag--green">{t("audit.verify.ok_tag")}</span> " "
                            {move || locale.tr_with("audit.verify.ok", &[("n".into(), c.count.to_string())])}
                        </p>
                    }.into_any(),
                    Ok(c) => view! {
                        <p role="alert" data-testid="audit-verified">
                            <span class="tag tag--red">{t("audit.verify.broken_tag")}</span> " "
                            {move || locale.tr_with("audit.verify.broken", &[
                                ("seq".into(), c.broken_at.unwrap_or_default().to_string()),
                                ("reason".into(), c.reason.clone()),
                            ])}
                        </p>
                    }.into_any(),
                    Err(e) => view! { <p role="alert">{move || e.message(locale.get())}</p> }.into_any(),
                })}
            })}
        </div>
    }
}

#[component]
fn SearchForm(
    q: AuditQuery,
    #[prop(optional)] errors: crate::domain::error::FieldErrors,
) -> impl IntoView {
    let locale = use_locale();
    let msg = move |field: &str| {
        field_messages(&errors, field, locale.get())
            .into_iter()
            .map(|m| view! { <p class="error-message">{m}</p> })
            .collect_view()
    };
    let field = |id: &'static str,
                 label: &'static str,
                 kind: &'static str,
                 value: String,
                 msgs: AnyView| {
        let hint = format!("audit.{id}_hint");
        view! {
            <div class="form-group">
                <label class="label" for=id>{t(label)}</label>
                <p class="hint">{move || locale.tr(&hint)}</p>
                {msgs}
                <input class="input" id=id name=id type=kind maxlength="64" value=value data-testid=format!("audit-{id}") />
            </div>
        }
    };
    let results = [
        ("", "audit.result.any"),
        ("ok", "audit.result.ok"),
        ("failed", "audit.result.failed"),
    ];
    view! {
        <form method="get" action="/audit" class="filter" data-testid="audit-filter">
            {field("from", "audit.from", "date", q.from.clone(), msg("from").into_any())}
            {field("to", "audit.to", "date", q.to.clone(), msg("to").into_any())}
            {field("actor", "audit.actor", "search", q.actor.clone(), msg("actor").into_any())}
            {field("case", "audit.case", "search", q.case.clone(), msg("case").into_any())}
            {field("action", "audit.action", "search", q.action.clone(), msg("action").into_any())}
            <div class="form-group">
                <label class="label" for="result">{t("audit.result")}</label>
                {msg("result")}
                <select class="select" id="result" name="result" data-testid="audit-result">
                    {results.into_iter().map(|(v, k)| {
                        let sel = q.result == v;
                        view! { <option value=v selected=sel>{move || locale.tr(k)}</option> }
                    }).collect_view()}
                </select>
            </div>
            <button class="button" type="submit" data-testid="audit-search">{t("audit.search")}</button>
            <a class="button button--secondary" href="/audit">{t("audit.clear")}</a>
        </form>
    }
}

#[component]
fn Results(p: AuditPage, q: AuditQuery) -> impl IntoView {
    let locale = use_locale();
    let (total, page, pages) = (p.total, p.page, p.pages);
    let prev = (page > 1).then(|| format!("/audit?{}", q.with_page(page - 1)));
    let next = (page < pages).then(|| format!("/audit?{}", q.with_page(page + 1)));
    let export = format!("/export/audit.csv?{}", q.with_page(1));
    if p.rows.is_empty() {
        return view! {
            <div class="panel panel--empty" data-testid="audit-count" data-count="0">
                <p>{t("audit.none")}</p>
            </div>
        }
        .into_any();
    }
    view! {
        <p class="hint" data-testid="audit-count" data-count=total.to_string()>
            {move || locale.tr_with("audit.count", &[
                ("n".into(), total.to_string()),
                ("page".into(), page.to_string()),
                ("pages".into(), pages.to_string()),
            ])}
            " "
            <a href=export data-testid="audit-export" rel="external" download>{t("audit.export")}</a>
        </p>
        <div class="table-wrap">
            <table class="table" data-testid="audit-table">
                <thead>
                    <tr>
                        <th scope="col">{t("audit.col.seq")}</th>
                        <th scope="col">{t("audit.col.at")}</th>
                        <th scope="col">{t("audit.col.actor")}</th>
                        <th scope="col">{t("audit.col.action")}</th>
                        <th scope="col">{t("audit.col.object")}</th>
                        <th scope="col">{t("audit.col.result")}</th>
                    </tr>
                </thead>
                <tbody>
                    {p.rows.into_iter().map(|r| {
                        let (tone, key) = if r.failed {
                            ("tag tag--red", "audit.result.failed")
                        } else {
                            ("tag tag--green", "audit.result.ok")
                        };
                        let object = match r.case_id {
                            Some(id) => view! { <a href=format!("/cases/{id}")>{r.object.clone()}</a> }.into_any(),
                            None => r.object.clone().into_any(),
                        };
                        let who = if r.actor.is_empty() { r.actor_role.clone() } else { format!("{} · {}", r.actor, r.actor_role) };
                        view! {
                            <tr data-testid="audit-row" data-action=r.action.clone()>
                                <td>{r.seq}</td>
                                <td>{r.at.clone()}</td>
                                <td>{who}<br /><span class="hint">{r.address.clone()}</span></td>
                                <td><code>{r.action.clone()}</code></td>
                                <td>
                                    {object}
                                    {(r.details != "{}").then(|| view! {
                                        <details class="details">
                                            <summary>{t("audit.details")}</summary>
                                            <pre class="pre">{r.details.clone()}</pre>
                                        </details>
                                    })}
                                </td>
                                <td><span class=tone>{move || locale.tr(key)}</span></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <nav class="pagination" aria-label=move || locale.tr("audit.pages")>
            {prev.map(|h| view! { <a class="button button--secondary" href=h rel="prev" data-testid="audit-prev">{t("audit.prev")}</a> })}
            {next.map(|h| view! { <a class="button button--secondary" href=h rel="next" data-testid="audit-next">{t("audit.next")}</a> })}
        </nav>
    }
    .into_any()
}
