//! Sign-in (登录).

use crate::api::auth::Login;
use crate::ui::components::{
    action_error, action_field_errors, CsrfField, ErrorSummary, TextField,
};
use crate::ui::{go, t};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let value = login.value();
    let error = action_error(value);
    let field_errors = action_field_errors(value);
    let expired = move || use_query_map().with(|q| q.get("expired").is_some());
    // Back to the page the session timed out on (a path of this site only), else home.
    let next = move || {
        use_query_map().with(|q| {
            q.get("next")
                .filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.contains('\\'))
        })
    };
    Effect::new(move |_| {
        if let Some(Ok(out)) = value.get() {
            match next() {
                Some(n) if !out.must_change_password => go(&n),
                _ => go(&out.home),
            }
        }
    });
    view! {
        <Title text=t("login.title") />
        <div class="narrow">
            <ErrorSummary error=error />
            <Show when=expired>
                <div class="banner banner--info" role="status">{t("login.expired")}</div>
            </Show>
            <h1>{t("login.title")}</h1>
            <p class="lead">{t("login.lead")}</p>
            <ActionForm action=login attr:novalidate=true attr:data-testid="login-form">
                <CsrfField />
                <TextField name="username" label="login.username" autocomplete="username" errors=field_errors />
                <TextField name="password" label="login.password" kind="password" autocomplete="current-password" errors=field_errors />
                <button type="submit" class="button" data-testid="login-submit" disabled=move || login.pending().get()>
                    {move || if login.pending().get() { t("login.submitting")() } else { t("login.submit")() }}
                </button>
            </ActionForm>
            <p class="hint">{t("login.help")}</p>
            <p><a href="/public/self-check" data-testid="login-selfcheck">{t("login.selfcheck")}</a></p>
        </div>
    }
}
