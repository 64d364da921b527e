//! Shared components: header, idle-timeout warning, error summary, form fields.

use super::{go, t, use_me};
use crate::api::auth::{logout, touch_session, whoami};
use crate::api::AppError;
use crate::domain::error::FieldErrors;
use crate::i18n::{text_with, use_locale};
use leptos::prelude::*;

/// Header: the service name, the user with role and scope, language switch, sign-out.
#[component]
pub fn Header() -> impl IntoView {
    let locale = use_locale();
    let me = use_me();
    let set_lang = ServerAction::<crate::api::auth::SetLocale>::new();
    let sign_out = Action::new(|_: &()| async move {
        let _ = logout().await;
        super::offline::clear_at_sign_out();
        go("/login");
    });
    let switch_to = move || if locale.get() == "en" { "zh-CN" } else { "en" };
    Effect::new(move |_| {
        if let Some(Ok(l)) = set_lang.value().get() {
            locale.0.set(crate::i18n::normalize(&l));
        }
    });
    view! {
        <header class="header">
            <div class="header__inner">
                <a class="header__title" href="/">{t("app.title")}</a>
                <div class="header__tools">
                    <Transition>
                        {move || {
                            me.get()
                                .and_then(|r| r.ok())
                                .flatten()
                                .map(|m| {
                                    let role_key = m.role.label_key();
                                    let scope = if locale.get() == "en" { m.scope_en.clone() } else { m.scope_zh.clone() };
                                    view! {
                                        <span class="header__user" data-testid="current-user">
                                            <strong>{m.display_name.clone()}</strong>
                                            " · "
                                            <span data-testid="current-role">{move || locale.tr(role_key)}</span>
                                            " · "
                                            <span>{scope}</span>
                                        </span>
                                        <button
                                            type="button"
                                            class="button button--secondary"
                                            data-testid="sign-out"
                                            on:click=move |_| {
                                                sign_out.dispatch(());
                                            }
                                        >
                                            {t("nav.sign_out")}
                                        </button>
                                    }
                                })
                        }}
                    </Transition>
                    <ActionForm action=set_lang attr:class="inline-form">
                        <input type="hidden" name="locale" value=switch_to />
                        <button type="submit" class="button button--secondary" data-testid="lang-switch" lang=switch_to>
                            {move || if locale.get() == "en" { "中文" } else { "English" }}
                        </button>
                    </ActionForm>
                </div>
            </div>
        </header>
    }
}

/// Warns two minutes before the idle timeout, with one tap to stay signed in; at the timeout
/// checks with the server and goes to the sign-in page if the session has ended.
#[component]
pub fn IdleWatch() -> impl IntoView {
    let me = use_me();
    let remaining = RwSignal::new(i64::MAX);
    let signed_in = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(Ok(Some(m))) = me.get() {
            remaining.set(m.idle_left);
            signed_in.set(true);
        }
    });
    let stay = Action::new(move |_: &()| async move {
        if let Ok(left) = touch_session().await {
            remaining.set(left);
        }
    });
    let check = Action::new(move |_: &()| async move {
        match whoami().await {
            Ok(Some(m)) if m.idle_left > 0 => remaining.set(m.idle_left),
            _ => go("/login?expired=1"),
        }
    });
    Effect::new(move |_| {
        let handle = set_interval_with_handle(
            move || {
                if !signed_in.get_untracked() {
                    return;
                }
                let r = remaining.get_untracked();
                if r <= 1 {
                    remaining.set(i64::MAX);
                    check.dispatch(());
                } else {
                    remaining.set(r - 1);
                }
            },
            std::time::Duration::from_secs(1),
        );
        on_cleanup(move || {
            if let Ok(h) = handle {
                h.clear();
            }
        });
    });
    let locale = use_locale();
    view! {
        <Show when=move || signed_in.get() && remaining.get() <= 120>
            <div class="banner banner--warning" role="alertdialog" aria-live="assertive" data-testid="idle-warning">
                <p>
                    {move || {
                        let r = remaining.get().max(0);
                        text_with(
                            locale.get(),
                            "session.idle_warning",
                            &[("time".into(), format!("{}:{:02}", r / 60, r % 60))],
                        )
                    }}
                </p>
                <button type="button" class="button" on:click=move |_| { stay.dispatch(()); }>
                    {t("session.stay")}
                </button>
            </div>
        </Show>
    }
}

/// The error summary at the top of a form (GOV.UK pattern): a heading and one link per field
/// error, pointing at the field. Gets focus when it appears.
#[component]
pub fn ErrorSummary(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    let locale = use_locale();
    let node = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if error.get().is_some() {
            if let Some(el) = node.get() {
                let _ = el.focus();
            }
        }
    });
    view! {
        <Show when=move || error.get().is_some()>
            <div class="error-summary" role="alert" tabindex="-1" node_ref=node data-testid="error-summary">
                <h2 class="error-summary__title">{t("form.error_summary")}</h2>
                <ul class="error-summary__list">
                    {move || {
                        let Some(e) = error.get() else { return vec![] };
                        let fields = e.field_errors();
                        if fields.is_empty() {
                            vec![view! { <li>{e.message(locale.get())}</li> }.into_any()]
                        } else {
                            fields
                                .0
                                .into_iter()
                                .map(|f| {
                                    let href = format!("#{}", f.field.replace('.', "-"));
                                    let msg = text_with(locale.get(), &f.key, &f.args);
                                    let target = f.field.replace('.', "-");
                                    view! {
                                        <li>
                                            <a href=href on:click=move |ev| focus_field(ev, &target)>{msg}</a>
                                        </li>
                                    }
                                    .into_any()
                                })
                                .collect()
                        }
                    }}
                </ul>
            </div>
        </Show>
    }
}

/// Moves focus to the field an error summary link names (browsers only scroll to it).
fn focus_field(ev: leptos::ev::MouseEvent, id: &str) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Some(el) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(id))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            ev.prevent_default();
            el.scroll_into_view();
            let _ = el.focus();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (ev, id);
}

/// The messages for one field, shown above its input.
pub fn field_messages(errors: &FieldErrors, field: &str, locale: &str) -> Vec<String> {
    errors
        .for_field(field)
        .map(|e| text_with(locale, &e.key, &e.args))
        .collect()
}

/// The error messages of one field, each in its own paragraph above the input.
#[component]
pub fn FieldErrorMessages(
    #[prop(into)] errors: Signal<FieldErrors>,
    field: &'static str,
) -> impl IntoView {
    let locale = use_locale();
    move || {
        field_messages(&errors.get(), field, locale.get())
            .into_iter()
            .map(|m| view! { <p class="error-message">{m}</p> })
            .collect_view()
    }
}

/// A labelled text input with hint and error (GOV.UK pattern: label, hint, error, input).
#[component]
pub fn TextField(
    /// Field name, also the id (dots become dashes).
    name: &'static str,
    label: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(into)] errors: Signal<FieldErrors>,
    #[prop(optional)] value: Option<RwSignal<String>>,
) -> impl IntoView {
    let locale = use_locale();
    let id = name.replace('.', "-");
    let hint_id = format!("{id}-hint");
    let err_id = format!("{id}-error");
    let msgs = move || field_messages(&errors.get(), name, locale.get());
    let has_err = move || !msgs().is_empty();
    let described = {
        let (h, e) = (hint_id.clone(), err_id.clone());
        move || {
            let mut v = vec![];
            if hint.is_some() {
                v.push(h.clone());
            }
            if has_err() {
                v.push(e.clone());
            }
            v.join(" ")
        }
    };
    let value = value.unwrap_or_else(|| RwSignal::new(String::new()));
    view! {
        <div class="form-group" class:form-group--error=has_err>
            <label class="label" for=id.clone()>{t(label)}</label>
            {hint.map(|h| view! { <div class="hint" id=hint_id.clone()>{t(h)}</div> })}
            <Show when=has_err>
                <p class="error-message" id=err_id.clone()>
                    {move || msgs().into_iter().map(|m| view! { <span class="error-message__line">{m}</span> }).collect_view()}
                </p>
            </Show>
            <input
                class="input"
                class:input--error=has_err
                id=id.clone()
                name=name
                type=kind
                autocomplete=autocomplete.unwrap_or("off")
                aria-describedby=described
                aria-invalid=move || if has_err() { "true" } else { "false" }
                bind:value=value
            />
        </div>
    }
}

/// Turns an action's result into the error to show.
pub fn action_error<T, S>(v: S) -> Signal<Option<AppError>>
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Clone + Send + Sync + 'static,
{
    Signal::derive(move || v.get().and_then(|r| r.err()))
}

/// The field errors of an action's result.
pub fn action_field_errors<T, S>(v: S) -> Signal<FieldErrors>
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Clone + Send + Sync + 'static,
{
    Signal::derive(move || {
        v.get()
            .and_then(|r| r.err())
            .map(|e| e.field_errors())
            .unwrap_or_default()
    })
}
