//! 鉴定结果查询: the registry of determinations — the bureaus' full search (`/registry`) and the
//! public view (`/public/registry`, no sign-in, public fields only). The search lives in the URL.

use crate::api::registry::{search_public_registry, search_registry, RegistryPage, RegistryQuery};
use crate::domain::determination::Standing;
use crate::domain::terms::Category;
use crate::i18n::use_locale;
use crate::ui::components::{field_messages, ErrorSummary};
use crate::ui::t;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn read_query(q: &leptos_router::params::ParamsMap) -> RegistryQuery {
    let g = |k: &str| q.get(k).unwrap_or_default();
    RegistryQuery {
        institution: g("institution"),
        uscc: g("uscc"),
        item: g("item"),
        category: g("category"),
        county: g("county"),
        from: g("from"),
        to: g("to"),
        page: g("page"),
    }
}

impl RegistryQuery {
    fn with_page(&self, page: u64) -> String {
        let mut parts = Vec::new();
        for (k, v) in [
            ("institution", &self.institution),
            ("uscc", &self.uscc),
            ("item", &self.item),
            ("category", &self.category),
            ("county", &self.county),
            ("from", &self.from),
            ("to", &self.to),
        ] {
            if !v.trim().is_empty() {
                parts.push(format!(
                    "{k}={}",
                    crate::api::dashboard::urlencoding(v.trim())
                ));
            }
        }
        parts.push(format!("page={page}"));
        parts.join("&")
    }
}

/// The bureaus' registry.
#[component]
pub fn RegistryPage() -> impl IntoView {
    registry_page(false)
}

/// The public registry.
#[component]
pub fn PublicRegistryPage() -> impl IntoView {
    registry_page(true)
}

fn registry_page(public: bool) -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let rq = move || query.with(read_query);
    let data = Resource::new_blocking(rq, move |q| async move {
        if public {
            search_public_registry(q).await
        } else {
            search_registry(q).await
        }
    });
    let title = if public {
        "registry.public.title"
    } else {
        "registry.title"
    };
    view! {
        <Title text=t(title) />
        <h1>{t(title)}</h1>
        <p class="lead">{t(if public { "registry.public.lead" } else { "registry.lead" })}</p>
        <Suspense fallback=|| view! { <p class="hint">"…"</p> }>
            {move || data.get().map(|r| match r {
                Ok(p) => view! {
                    <SearchForm q=rq() page=Some(p.clone()) public />
                    <Results p q=rq() public />
                }.into_any(),
                Err(e) => {
                    let fields = e.field_errors();
                    let has_fields = !fields.is_empty();
                    let err = Signal::derive(move || Some(e.clone()));
                    view! {
                        <ErrorSummary error=err />
                        {(!has_fields).then(|| view! { <p data-testid="registry-error">{move || err.get().map(|e| e.message(locale.get()))}</p> })}
                        {has_fields.then(|| view! { <SearchForm q=rq() page=None public errors=fields /> })}
                    }.into_any()
                }
            })}
        </Suspense>
    }
}

#[component]
fn SearchForm(
    q: RegistryQuery,
    page: Option<RegistryPage>,
    public: bool,
    #[prop(optional)] errors: crate::domain::error::FieldErrors,
) -> impl IntoView {
    let locale = use_locale();
    let action = if public {
        "/public/registry"
    } else {
        "/registry"
    };
    let counties = page.map(|p| p.counties).unwrap_or_default();
    let msg = move |field: &str| {
        field_messages(&errors, field, locale.get())
            .into_iter()
            .map(|m| view! { <p class="error-message">{m}</p> })
            .collect_view()
    };
    let text = |id: &'static str, label: &'static str, value: String, msgs: AnyView| {
        view! {
            <div class="form-group">
                <label class="label" for=id>{t(label)}</label>
                {msgs}
                <input class="input" id=id name=id type="search" maxlength="100" value=value data-testid=format!("reg-{id}") />
            </div>
        }
    };
    view! {
        <form method="get" action=action class="filter" data-testid="registry-filter">
            {text("institution", "registry.institution", q.institution.clone(), msg("institution").into_any())}
            {(!public).then(|| text("uscc", "registry.uscc", q.uscc.clone(), msg("uscc").into_any()))}
            {text("item", "registry.item", q.item.clone(), msg("item").into_any())}
            <div class="form-group">
                <label class="label" for="category">{t("registry.category")}</label>
                {msg("category")}
                <select class="select" id="category" name="category" data-testid="reg-category">
                    <option value="">{t("registry.any")}</option>
                    {[Category::Subject, Category::NonSubject].into_iter().map(|c| {
                        let sel = q.category == c.code();
                        let k = c.label_key();
                        view! { <option value=c.code() selected=sel>{move || locale.tr(k)}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="form-group">
                <label class="label" for="county">{t("registry.county")}</label>
                {msg("county")}
                <select class="select" id="county" name="county" data-testid="reg-county">
                    <option value="">{t("registry.any")}</option>
                    {counties.into_iter().map(|(id, name)| {
                        let sel = q.county == id.to_string();
                        view! { <option value=id.to_string() selected=sel>{name}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="form-group">
                <label class="label" for="from">{t("registry.from")}</label>
                {msg("from")}
                <input class="input input--date" id="from" name="from" type="date" value=q.from.clone() data-testid="reg-from" />
            </div>
            <div class="form-group">
                <label class="label" for="to">{t("registry.to")}</label>
                {msg("to")}
                <input class="input input--date" id="to" name="to" type="date" value=q.to.clone() data-testid="reg-to" />
            </div>
            <button class="button" type="submit" data-testid="reg-search">{t("registry.search")}</button>
            <a class="button button--secondary" href=action>{t("registry.clear")}</a>
        </form>
    }
}

#[component]
fn Results(p: RegistryPage, q: RegistryQuery, public: bool) -> impl IntoView {
    let locale = use_locale();
    let base = if public {
        "/public/registry"
    } else {
        "/registry"
    };
    let (total, page, pages) = (p.total, p.page, p.pages);
    let prev = (page > 1).then(|| format!("{base}?{}", q.with_page(page - 1)));
    let next = (page < pages).then(|| format!("{base}?{}", q.with_page(page + 1)));
    if p.rows.is_empty() {
        return view! {
            <div class="panel panel--empty" data-testid="registry-count" data-count="0">
                <p>{t("registry.none")}</p>
            </div>
        }
        .into_any();
    }
    let full = p.full;
    view! {
        <p class="hint" data-testid="registry-count" data-count=total.to_string()>
            {move || locale.tr_with("registry.count", &[
                ("n".into(), total.to_string()),
                ("page".into(), page.to_string()),
                ("pages".into(), pages.to_string()),
            ])}
        </p>
        <div class="table-wrap">
            <table class="table" data-testid="registry-table">
                <thead>
                    <tr>
                        <th scope="col">{t("registry.col.number")}</th>
                        <th scope="col">{t("registry.institution")}</th>
                        {full.then(|| view! { <th scope="col">{t("registry.uscc")}</th> })}
                        <th scope="col">{t("registry.item")}</th>
                        <th scope="col">{t("registry.category")}</th>
                        <th scope="col">{t("registry.county")}</th>
                        <th scope="col">{t("registry.col.date")}</th>
                    </tr>
                </thead>
                <tbody>
                    {p.rows.into_iter().map(|r| {
                        let cat = r.category.label_key();
                        let tone = match r.category { Category::Subject => "tag--red", Category::NonSubject => "tag--green" };
                        let number = if r.case_id > 0 {
                            view! { <a href=format!("/cases/{}", r.case_id)>{r.number.clone()}</a> }.into_any()
                        } else {
                            r.number.clone().into_any()
                        };
                        view! {
                            <tr data-testid="registry-row">
                                <td>{number}{r.prefecture.then(|| view! { " " <span class="tag tag--blue">{t("registry.rereview")}</span> })}</td>
                                <td>{r.institution.clone()}</td>
                                {r.uscc.clone().map(|u| view! { <td>{u}</td> })}
                                <td>{r.item.clone()}</td>
                                <td>
                                    <span class=format!("tag {tone}")>{move || locale.tr(cat)}</span>
                                    {(r.standing != Standing::Effective).then(|| {
                                        let key = r.standing.label_key();
                                        let tone = if r.standing == Standing::Revoked { "tag tag--grey" } else { "tag tag--yellow" };
                                        view! { " " <span class=tone data-testid="registry-standing">{move || locale.tr(key)}</span> }
                                    })}
                                    {r.preschool_prohibited.then(|| view! { " " <span class="tag tag--red" data-testid="registry-prohibited">{t("determination.preschool_prohibited.short")}</span> })}
                                </td>
                                <td>{r.county.clone()}</td>
                                <td>{r.determined_on.clone()}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <nav class="pagination" aria-label=move || locale.tr("registry.pages")>
            {prev.map(|h| view! { <a class="button button--secondary" href=h rel="prev" data-testid="reg-prev">{t("registry.prev")}</a> })}
            {next.map(|h| view! { <a class="button button--secondary" href=h rel="next" data-testid="reg-next">{t("registry.next")}</a> })}
        </nav>
    }
    .into_any()
}
