//! Administrator: accounts (账号管理).

use super::calendar::CalendarGaps;
use crate::api::accounts::{
    account_activity, account_scope_choices, list_accounts, AccountQuery, AccountSignIns,
    CreateAccount, DisableAccount, EnableAccount, ResetPassword,
};
use crate::domain::role::{Role, ScopeKind};
use crate::i18n::use_locale;
use crate::ui::components::{
    action_error, action_field_errors, field_messages, CsrfField, ErrorSummary, TextField,
};
use crate::ui::t;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn read_query(q: &leptos_router::params::ParamsMap) -> AccountQuery {
    let g = |k: &str| q.get(k).unwrap_or_default();
    AccountQuery {
        q: g("q"),
        role: g("role"),
        status: g("status"),
        page: g("page"),
    }
}

#[component]
pub fn AccountsPage() -> impl IntoView {
    let locale = use_locale();
    let create = ServerAction::<CreateAccount>::new();
    let disable = ServerAction::<DisableAccount>::new();
    let enable = ServerAction::<EnableAccount>::new();
    let reset = ServerAction::<ResetPassword>::new();
    let query = use_query_map();
    let aq = move || query.with(read_query);
    let accounts = Resource::new(
        move || {
            (
                aq(),
                create.version().get(),
                disable.version().get(),
                enable.version().get(),
                reset.version().get(),
            )
        },
        |(q, ..)| list_accounts(q),
    );
    let shown = RwSignal::new(None::<i64>);
    let activity = Resource::new(
        move || shown.get(),
        |id| async move {
            match id {
                Some(id) => Some(account_activity(id).await),
                None => None,
            }
        },
    );
    let choices = Resource::new(|| (), |_| account_scope_choices());
    let role = RwSignal::new(String::from("institution_user"));
    let create_errors = action_field_errors(create.value());
    let any_error = Signal::derive(move || {
        action_error(create.value())
            .get()
            .or_else(|| action_error(disable.value()).get())
            .or_else(|| action_error(enable.value()).get())
            .or_else(|| action_error(reset.value()).get())
    });
    let otp = move || {
        create
            .value()
            .get()
            .and_then(|r| r.ok())
            .or_else(|| reset.value().get().and_then(|r| r.ok()))
    };
    let scope_kind = move || {
        Role::from_code(&role.get())
            .map(|r| r.scope_kind())
            .unwrap_or(ScopeKind::System)
    };

    view! {
        <Title text=t("admin.accounts.title") />
        <ErrorSummary error=any_error />
        <h1>{t("admin.accounts.title")}</h1>
        <CalendarGaps />
        {move || otp().map(|o| view! {
            <div class="panel panel--success" role="status" data-testid="one-time-password">
                <p>{move || locale.tr_with("admin.accounts.otp", &[("username".into(), o.username.clone())])}</p>
                <p class="otp"><code>{o.password.clone()}</code></p>
                <p class="hint">{t("admin.accounts.otp_hint")}</p>
            </div>
        })}
        <SearchForm q=aq() />
        <Suspense fallback=|| ()>
            {move || activity.get().flatten().map(|r| match r {
                Err(e) => view! { <p class="error-message">{e.message(locale.get())}</p> }.into_any(),
                Ok(a) => view! { <Activity a shown /> }.into_any(),
            })}
        </Suspense>
        <Suspense fallback=|| view! { <p class="hint">"…"</p> }>
            {move || accounts.get().map(|r| match r {
                Err(e) => view! { <ErrorSummary error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                Ok(p) => {
                    let (total, page, pages) = (p.total, p.page, p.pages);
                    let q = aq();
                    let prev = (page > 1).then(|| format!("/admin/accounts?{}", q.with_page(page - 1)));
                    let next = (page < pages).then(|| format!("/admin/accounts?{}", q.with_page(page + 1)));
                    let rows = p.rows;
                    view! {
                    <p class="hint" data-testid="accounts-count" data-count=total.to_string()>
                        {move || locale.tr_with("audit.count", &[
                            ("n".into(), total.to_string()),
                            ("page".into(), page.to_string()),
                            ("pages".into(), pages.to_string()),
                        ])}
                    </p>
                    <div class="table-wrap">
                        <table class="table" data-testid="accounts-table">
                            <caption class="visually-hidden">{t("admin.accounts.title")}</caption>
                            <thead>
                                <tr>
                                    <th scope="col">{t("admin.accounts.username")}</th>
                                    <th scope="col">{t("admin.accounts.name")}</th>
                                    <th scope="col">{t("admin.accounts.role")}</th>
                                    <th scope="col">{t("admin.accounts.scope")}</th>
                                    <th scope="col">{t("admin.accounts.status")}</th>
                                    <th scope="col">{t("admin.accounts.actions")}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {rows.into_iter().map(|a| {
                                    let role_key = a.role.label_key();
                                    let (status_key, status_class) = if a.disabled {
                                        ("admin.accounts.disabled", "tag tag--grey")
                                    } else if a.must_change_password {
                                        ("admin.accounts.pending", "tag tag--yellow")
                                    } else {
                                        ("admin.accounts.active", "tag tag--green")
                                    };
                                    let (id, version) = (a.id, a.version);
                                    view! {
                                        <tr data-username=a.username.clone()>
                                            <td>{a.username.clone()}</td>
                                            <td>{a.display_name.clone()}</td>
                                            <td>{move || locale.tr(role_key)}</td>
                                            <td>{a.scope_label.clone()}</td>
                                            <td><span class=status_class>{t(status_key)}</span></td>
                                            <td class="actions">
                                                {if a.disabled {
                                                    view! {
                                                        <ActionForm action=enable attr:class="inline-form">
                                                            <CsrfField />
                                                            <input type="hidden" name="id" value=id />
                                                            <input type="hidden" name="version" value=version />
                                                            <button class="button button--secondary" type="submit">{t("admin.accounts.enable")}</button>
                                                        </ActionForm>
                                                    }.into_any()
                                                } else {
                                                    view! {
                                                        <ActionForm action=disable attr:class="inline-form">
                                                            <CsrfField />
                                                            <input type="hidden" name="id" value=id />
                                                            <input type="hidden" name="version" value=version />
                                                            <button class="button button--warning" type="submit">{t("admin.accounts.disable")}</button>
                                                        </ActionForm>
                                                    }.into_any()
                                                }}
                                                <ActionForm action=reset attr:class="inline-form">
                                                    <CsrfField />
                                                    <input type="hidden" name="id" value=id />
                                                    <input type="hidden" name="version" value=version />
                                                    <button class="button button--secondary" type="submit">{t("admin.accounts.reset")}</button>
                                                </ActionForm>
                                                <button class="button button--secondary" type="button" data-testid="account-activity"
                                                    on:click=move |_| shown.set(Some(id))>{t("admin.accounts.activity")}</button>
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    <nav class="pagination" aria-label=move || locale.tr("audit.pages")>
                        {prev.map(|h| view! { <a class="button button--secondary" href=h rel="prev" data-testid="accounts-prev">{t("audit.prev")}</a> })}
                        {next.map(|h| view! { <a class="button button--secondary" href=h rel="next" data-testid="accounts-next">{t("audit.next")}</a> })}
                    </nav>
                }.into_any()},
            })}
        </Suspense>

        <h2>{t("admin.accounts.create")}</h2>
        <ActionForm action=create attr:novalidate=true attr:class="panel" attr:data-testid="create-account">
            <TextField name="username" label="admin.accounts.username" hint="admin.accounts.username_hint" errors=create_errors />
            <TextField name="display_name" label="admin.accounts.name" errors=create_errors />
            <div class="form-group">
                <label class="label" for="role">{t("admin.accounts.role")}</label>
                <select class="select" id="role" name="role" on:change=move |ev| role.set(event_target_value(&ev))>
                    {Role::ALL.into_iter().map(|r| {
                        let key = r.label_key();
                        view! { <option value=r.code() selected=move || role.get() == r.code()>{move || locale.tr(key)}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="form-group" class:form-group--error=move || !field_messages(&create_errors.get(), "scope_id", locale.get()).is_empty()>
                <label class="label" for="scope_id">{t("admin.accounts.scope")}</label>
                <div class="hint">{t("admin.accounts.scope_hint")}</div>
                {move || field_messages(&create_errors.get(), "scope_id", locale.get()).into_iter().map(|m| view! { <p class="error-message">{m}</p> }).collect_view()}
                <Suspense fallback=|| ()>
                    {move || {
                        let kind = scope_kind();
                        choices.get().and_then(|r| r.ok()).map(|c| {
                            let list = match kind {
                                ScopeKind::County | ScopeKind::CountyOrPrefecture => c.counties,
                                ScopeKind::Institution => c.institutions,
                                ScopeKind::Expert => c.experts,
                                _ => vec![],
                            };
                            let none_label = if kind == ScopeKind::CountyOrPrefecture { "admin.accounts.scope_prefecture" } else { "admin.accounts.scope_none" };
                            view! {
                                <select class="select" id="scope_id" name="scope_id">
                                    <option value="0">{t(none_label)}</option>
                                    {list.into_iter().map(|o| view! { <option value=o.id>{o.label}</option> }).collect_view()}
                                </select>
                            }
                        })
                    }}
                </Suspense>
            </div>
            <button type="submit" class="button" disabled=move || create.pending().get()>{t("admin.accounts.create_submit")}</button>
        </ActionForm>
    }
}

/// The search of the account list: it lives in the URL.
#[component]
fn SearchForm(q: AccountQuery) -> impl IntoView {
    let locale = use_locale();
    let statuses = [
        ("", "audit.result.any"),
        ("active", "admin.accounts.active"),
        ("pending", "admin.accounts.pending"),
        ("disabled", "admin.accounts.disabled"),
    ];
    view! {
        <form method="get" action="/admin/accounts" class="filter" data-testid="accounts-filter">
            <div class="form-group">
                <label class="label" for="accounts-q">{t("admin.accounts.search")}</label>
                <p class="hint">{t("admin.accounts.search_hint")}</p>
                <input class="input" id="accounts-q" name="q" type="search" maxlength="64" value=q.q.clone() />
            </div>
            <div class="form-group">
                <label class="label" for="accounts-role">{t("admin.accounts.role")}</label>
                <select class="select" id="accounts-role" name="role">
                    <option value="" selected=q.role.is_empty()>{t("audit.result.any")}</option>
                    {Role::ALL.into_iter().map(|r| {
                        let key = r.label_key();
                        view! { <option value=r.code() selected=q.role == r.code()>{move || locale.tr(key)}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="form-group">
                <label class="label" for="accounts-status">{t("admin.accounts.status")}</label>
                <select class="select" id="accounts-status" name="status">
                    {statuses.into_iter().map(|(v, k)| {
                        let sel = q.status == v;
                        view! { <option value=v selected=sel>{move || locale.tr(k)}</option> }
                    }).collect_view()}
                </select>
            </div>
            <button class="button" type="submit" data-testid="accounts-search">{t("audit.search")}</button>
            <a class="button button--secondary" href="/admin/accounts">{t("audit.clear")}</a>
        </form>
    }
}

/// An account's live sessions and latest sign-in attempts.
#[component]
fn Activity(a: AccountSignIns, shown: RwSignal<Option<i64>>) -> impl IntoView {
    let locale = use_locale();
    let title = format!("{} · {}", a.username, a.display_name);
    view! {
        <section class="panel" data-testid="activity-panel" aria-live="polite">
            <h2>{move || locale.tr_with("admin.accounts.activity_of", &[("who".into(), title.clone())])}</h2>
            <h3>{t("admin.accounts.sessions")}</h3>
            {if a.sessions.is_empty() {
                view! { <p class="hint" data-testid="no-sessions">{t("admin.accounts.no_sessions")}</p> }.into_any()
            } else {
                view! {
                    <ul data-testid="account-sessions">
                        {a.sessions.into_iter().map(|s| {
                            let line = format!("{} – {} · {}", s.signed_in, s.last_seen, s.address);
                            view! { <li>{line}</li> }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <h3>{t("admin.accounts.attempts")}</h3>
            <ul data-testid="account-attempts">
                {a.attempts.into_iter().map(|x| {
                    let (tone, key) = if x.success { ("tag tag--green", "audit.result.ok") } else { ("tag tag--red", "audit.result.failed") };
                    let kind = if x.kind == "reauth" { "admin.accounts.kind_reauth" } else { "admin.accounts.kind_login" };
                    view! {
                        <li>
                            {format!("{} · {} · ", x.at, x.address)}
                            {move || locale.tr(kind)} " "
                            <span class=tone>{move || locale.tr(key)}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <button class="button button--secondary" type="button" on:click=move |_| shown.set(None)>{t("admin.accounts.close")}</button>
        </section>
    }
}
