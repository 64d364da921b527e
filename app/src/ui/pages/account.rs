//! The user's own password (修改密码), checked as typed with the domain's password rules.

use crate::api::auth::ChangePassword;
use crate::domain::password::check_new_password;
use crate::ui::components::{
    action_error, action_field_errors, CsrfField, ErrorSummary, TextField,
};
use crate::ui::{go, t, use_me};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    let me = use_me();
    let action = ServerAction::<ChangePassword>::new();
    let value = action.value();
    let error = action_error(value);
    let server_errors = action_field_errors(value);
    let new_pw = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let current = RwSignal::new(String::new());
    let username = move || {
        me.get()
            .and_then(|r| r.ok())
            .flatten()
            .map(|m| m.username)
            .unwrap_or_default()
    };
    let must = move || {
        me.get()
            .and_then(|r| r.ok())
            .flatten()
            .map(|m| m.must_change_password)
            .unwrap_or(false)
    };
    // Instant checks: the same domain function the server runs.
    let errors = Signal::derive(move || {
        let mut e = server_errors.get();
        let typed = new_pw.get();
        if !typed.is_empty() {
            e.0.retain(|f| f.field != "new_password");
            for f in check_new_password("new_password", &typed, &username()).0 {
                e.push(f);
            }
        }
        let c = confirm.get();
        if !c.is_empty() && c != typed && !e.for_field("confirm_password").any(|_| true) {
            e.add("confirm_password", "err.password_mismatch");
        }
        e
    });
    let done = move || matches!(value.get(), Some(Ok(())));
    view! {
        <Title text=t("password.title") />
        <div class="narrow">
            <ErrorSummary error=error />
            <h1>{t("password.title")}</h1>
            <Transition>
                {move || must().then(|| view! {
                    <div class="banner banner--info" role="status" data-testid="must-change">{t("password.must_change")}</div>
                })}
            </Transition>
            <Show
                when=done
                fallback=move || {
                    view! {
                        <ActionForm action=action attr:novalidate=true>
                            <CsrfField />
                            <TextField name="current_password" label="password.current" kind="password" autocomplete="current-password" errors=errors value=current />
                            <TextField name="new_password" label="password.new" hint="password.new_hint" kind="password" autocomplete="new-password" errors=errors value=new_pw />
                            <TextField name="confirm_password" label="password.confirm" kind="password" autocomplete="new-password" errors=errors value=confirm />
                            <button type="submit" class="button" disabled=move || action.pending().get()>
                                {t("password.submit")}
                            </button>
                        </ActionForm>
                    }
                }
            >
                <div class="panel panel--success" role="status" data-testid="password-changed">
                    <p>{t("password.done")}</p>
                    <button type="button" class="button" on:click=move |_| go("/")>{t("password.continue")}</button>
                </div>
            </Show>
        </div>
    }
}
