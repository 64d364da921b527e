//! 专家库: the pool list with its filters, kept in the URL query string so that a link
//! reproduces the list.

use super::{labels, status_code, status_key, StatusTag};
use crate::api::experts::{expert_pool_meta, search_experts, ExpertRow, PoolMeta, PoolQuery};
use crate::domain::draw::ExpertStatus;
use crate::domain::expert::ExpertKind;
use crate::domain::item::ItemDomain;
use crate::domain::terms::Stage;
use crate::i18n::use_locale;
use crate::ui::t;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ExpertsPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let pq = move || {
        query.with(|q| PoolQuery {
            q: q.get("q").unwrap_or_default(),
            domain: q.get("domain").unwrap_or_default(),
            stage: q.get("stage").unwrap_or_default(),
            kind: q.get("kind").unwrap_or_default(),
            county: q.get("county").unwrap_or_default(),
            status: q.get("status").unwrap_or_default(),
            ending: q.get("ending").is_some_and(|v| v == "1"),
        })
    };
    let meta = Resource::new_blocking(|| (), |_| expert_pool_meta());
    let rows = Resource::new(pq, search_experts);
    view! {
        <Title text=t("experts.title") />
        <h1>{t("experts.title")}</h1>
        <Suspense fallback=|| view! { <p class="hint">"…"</p> }>
            {move || meta.get().map(|r| match r {
                Ok(m) => view! {
                    <Actions meta=m.clone() />
                    <Filters meta=m current=pq() />
                }.into_any(),
                Err(e) => view! { <p class="error-message" data-testid="experts-error">{e.message(locale.get())}</p> }.into_any(),
            })}
        </Suspense>
        <Transition fallback=|| view! { <p class="hint">"…"</p> }>
            {move || rows.get().map(|r| match r {
                Ok(rows) if rows.is_empty() => view! { <div class="panel panel--empty" data-testid="expert-count" data-count="0"><p>{t("experts.none")}</p></div> }.into_any(),
                Ok(rows) => view! { <ExpertTable rows /> }.into_any(),
                Err(_) => ().into_any(),
            })}
        </Transition>
    }
}

#[component]
fn Actions(meta: PoolMeta) -> impl IntoView {
    view! {
        <p class="button-group">
            {meta.can_edit.then(|| view! {
                <a class="button" href="/experts/new" data-testid="new-expert">{t("experts.new")}</a>
                <a class="button button--secondary" href="/experts/import" data-testid="import-experts">{t("experts.import.title")}</a>
                <a class="button button--secondary" href="/experts/proposals">{t("experts.proposals.title")}</a>
            })}
            {meta.can_propose.then(|| view! {
                <a class="button" href="/experts/new" data-testid="propose-expert">{t("experts.propose")}</a>
                <a class="button button--secondary" href="/experts/proposals">{t("experts.proposals.mine")}</a>
            })}
        </p>
        {(!meta.can_edit).then(|| view! { <p class="hint">{t("experts.read_only")}</p> })}
    }
}

fn select(
    id: &'static str,
    label: &'static str,
    current: String,
    options: Vec<(String, String)>,
) -> impl IntoView {
    view! {
        <div class="form-group">
            <label class="label" for=format!("filter-{id}")>{t(label)}</label>
            <select class="select" id=format!("filter-{id}") name=id data-testid=format!("filter-{id}")>
                <option value="">{t("experts.filter.any")}</option>
                {options
                    .into_iter()
                    .map(|(code, text)| {
                        let sel = code == current;
                        view! { <option value=code selected=sel>{text}</option> }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}

#[component]
fn Filters(meta: PoolMeta, current: PoolQuery) -> impl IntoView {
    let locale = use_locale();
    let l = locale.get();
    let tr = |k: &str| crate::i18n::text(l, k);
    let domains = ItemDomain::ALL
        .into_iter()
        .map(|d| (d.code().to_string(), tr(d.label_key())))
        .collect();
    let stages = Stage::ALL
        .into_iter()
        .map(|s| (s.code().to_string(), tr(s.label_key())))
        .collect();
    let kinds = [ExpertKind::SubjectTeaching, ExpertKind::Legal]
        .into_iter()
        .map(|k| (k.code().to_string(), tr(k.label_key())))
        .collect();
    let mut counties: Vec<(String, String)> =
        vec![("prefecture".into(), tr("experts.region.prefecture"))];
    counties.extend(
        meta.counties
            .iter()
            .map(|(id, n)| (id.to_string(), n.clone())),
    );
    let statuses = [
        ExpertStatus::Active,
        ExpertStatus::Suspended,
        ExpertStatus::Removed,
    ]
    .into_iter()
    .map(|s| (status_code(s).to_string(), tr(status_key(s))))
    .collect();
    view! {
        <form method="get" action="/experts" class="filter" data-testid="expert-filter">
            <div class="form-group">
                <label class="label" for="filter-q">{t("experts.filter.text")}</label>
                <input class="input" id="filter-q" name="q" type="search" value=current.q.clone() data-testid="filter-q" />
            </div>
            {select("domain", "experts.col.domains", current.domain.clone(), domains)}
            {select("stage", "experts.col.stages", current.stage.clone(), stages)}
            {select("kind", "experts.col.kind", current.kind.clone(), kinds)}
            {select("county", "experts.col.region", current.county.clone(), counties)}
            {select("status", "experts.col.status", current.status.clone(), statuses)}
            <div class="checkbox form-group">
                <input type="checkbox" id="filter-ending" name="ending" value="1" checked=current.ending data-testid="filter-ending" />
                <label for="filter-ending">{t("experts.filter.ending")}</label>
            </div>
            <button class="button button--secondary" type="submit" data-testid="apply-filter">{t("experts.filter.apply")}</button>
            <a class="button button--secondary" href="/experts">{t("experts.filter.clear")}</a>
        </form>
    }
}

#[component]
fn ExpertTable(rows: Vec<ExpertRow>) -> impl IntoView {
    let locale = use_locale();
    let n = rows.len();
    view! {
        <p class="hint" data-testid="expert-count" data-count=n.to_string()>
            {move || locale.tr_with("experts.count", &[("n".into(), n.to_string())])}
        </p>
        <div class="table-wrap">
            <table class="table" data-testid="expert-table">
                <thead>
                    <tr>
                        <th scope="col">{t("experts.col.name")}</th>
                        <th scope="col">{t("experts.col.employer")}</th>
                        <th scope="col">{t("experts.col.title_kind")}</th>
                        <th scope="col">{t("experts.col.domains_stages")}</th>
                        <th scope="col">{t("experts.col.region")}</th>
                        <th scope="col">{t("experts.col.mobile")}</th>
                        <th scope="col">{t("experts.col.term_end")}</th>
                        <th scope="col">{t("experts.col.status")}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|r| view! { <Row r /> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn Row(r: ExpertRow) -> impl IntoView {
    let locale = use_locale();
    let href = format!("/experts/{}", r.id);
    let (title, kind, domains, stages) =
        (r.input_title, r.kind, r.domains.clone(), r.stages.clone());
    view! {
        <tr data-testid="expert-row">
            <td><a href=href>{r.name.clone()}</a></td>
            <td>{r.employer.clone()}</td>
            <td>{move || format!("{} · {}", locale.tr(title.label_key()), locale.tr(kind.label_key()))}</td>
            <td>{move || {
                let d = labels(&domains, ItemDomain::label_key, locale.get());
                let s = labels(&stages, Stage::label_key, locale.get());
                if d.is_empty() { s } else { format!("{d} / {s}") }
            }}</td>
            <td>{r.county_name.clone()}</td>
            <td>{r.phone.clone()}</td>
            <td>
                {r.term_end.format("%Y-%m-%d").to_string()}
                {r.ending_soon.then(|| view! { " " <span class="tag tag--yellow">{t("experts.ending_soon")}</span> })}
            </td>
            <td>
                <StatusTag status=r.status />
                {(!r.declared).then(|| view! { " " <span class="tag tag--red">{t("experts.no_declaration")}</span> })}
            </td>
        </tr>
    }
}
