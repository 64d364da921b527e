//! Administrator: accounts (账号管理).

use crate::api::accounts::{
    account_scope_choices, list_accounts, CreateAccount, DisableAccount, EnableAccount,
    ResetPassword,
};
use crate::domain::role::{Role, ScopeKind};
use crate::i18n::use_locale;
use crate::ui::components::{
    action_error, action_field_errors, field_messages, CsrfField, ErrorSummary, TextField,
};
use crate::ui::t;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AccountsPage() -> impl IntoView {
    let locale = use_locale();
    let create = ServerAction::<CreateAccount>::new();
    let disable = ServerAction::<DisableAccount>::new();
    let enable = ServerAction::<EnableAccount>::new();
    let reset = ServerAction::<ResetPassword>::new();
    let accounts = Resource::new(
        move || {
            (
                create.version().get(),
                disable.version().get(),
                enable.version().get(),
                reset.version().get(),
            )
        },
        |_| list_accounts(),
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
        {move || otp().map(|o| view! {
            <div class="panel panel--success" role="status" data-testid="one-time-password">
                <p>{move || locale.tr_with("admin.accounts.otp", &[("username".into(), o.username.clone())])}</p>
                <p class="otp"><code>{o.password.clone()}</code></p>
                <p class="hint">{t("admin.accounts.otp_hint")}</p>
            </div>
        })}
        <Suspense fallback=|| view! { <p class="hint">"…"</p> }>
            {move || accounts.get().map(|r| match r {
                Err(e) => view! { <p class="error-message">{e.message(locale.get())}</p> }.into_any(),
                Ok(rows) => view! {
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
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any(),
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
