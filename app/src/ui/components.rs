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
            let l = crate::i18n::normalize(&l);
            // The other language's table comes from the server the first time it is chosen.
            #[cfg(feature = "hydrate")]
            leptos::task::spawn_local(async move {
                crate::i18n::load(l).await;
                locale.0.set(l);
            });
            #[cfg(not(feature = "hydrate"))]
            locale.0.set(l);
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
                                        <a class="header__inbox" href="/notices" data-testid="inbox-link">
                                            {t("nav.inbox")}
                                            {(m.unread_notices > 0).then(|| view! {
                                                " "
                                                <span class="count" data-testid="inbox-count">
                                                    {m.unread_notices}
                                                    <span class="visually-hidden">{t("inbox.unread_suffix")}</span>
                                                </span>
                                            })}
                                        </a>
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
                        <CsrfField />
                        <input type="hidden" name="locale" value=switch_to />
                        <button type="submit" class="button button--secondary" data-testid="lang-switch" lang=switch_to>
                            {move || if locale.get() == "en" { "中文" } else { "English" }}
                        </button>
                    </ActionForm>
                </div>
            </div>
            <Transition>
                {move || me.get().and_then(|r| r.ok()).flatten().map(|m| view! { <SiteNav me=m /> })}
            </Transition>
        </header>
    }
}

/// The navigation on every page: the pages the access policy opens for the signed-in user
/// (`domain::access::navigation`, the same permissions the pages' server functions ask), the
/// current one marked. Nothing until a one-time password is changed.
#[component]
fn SiteNav(me: crate::api::auth::MeView) -> impl IntoView {
    use crate::domain::ids::UserId;
    use crate::domain::role::Actor;
    let path = leptos_router::hooks::use_location().pathname;
    let entries = Actor::new(UserId(me.user_id), me.role, me.scope)
        .filter(|_| !me.must_change_password)
        .map(|a| crate::domain::access::navigation(&a))
        .unwrap_or_default();
    (!entries.is_empty()).then(|| {
        view! {
            <nav class="site-nav" aria-label=t("nav.label") data-testid="site-nav">
                <ul class="site-nav__list">
                    {entries
                        .into_iter()
                        .map(|e| {
                            let href = e.href;
                            let current = move || {
                                let p = path.get();
                                (p == href || p.starts_with(&format!("{href}/"))).then_some("page")
                            };
                            view! {
                                <li>
                                    <a class="site-nav__link" href=href data-testid=e.testid aria-current=current>
                                        {t(e.label)}
                                    </a>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </nav>
        }
    })
}

/// The session's anti-forgery token as a hidden field, for forms a browser posts natively when
/// it runs no scripts (IE mode of the 360 and QQ browsers, common in offices, sends neither
/// `Origin` nor `Sec-Fetch-Site`, and the server refuses such a post without the token).
/// Rendered on the server; once hydrated, the page's own calls carry `Origin`.
#[component]
pub fn CsrfField() -> impl IntoView {
    #[cfg(feature = "ssr")]
    let token = crate::api::server::csrf_token();
    #[cfg(not(feature = "ssr"))]
    let token = String::new();
    view! { <input type="hidden" name="csrf_token" value=token /> }
}

/// Warns two minutes before the idle timeout, with one tap to stay signed in; at the timeout
/// checks with the server (without renewing the session) and, once it has ended, keeps the
/// page's unsaved input on the device and goes to the sign-in page, which comes back here.
///
/// Only the person renews the session: a tap, a key or typing sends the keep-alive (at most
/// once a minute); what the page calls by itself (autosave, this check) does not. So an
/// unattended tablet is signed out after 30 minutes.
#[component]
pub fn IdleWatch() -> impl IntoView {
    let me = use_me();
    // When the session ends, in the browser's milliseconds, and the time of the last tick: a
    // deadline rather than a count of ticks, since a tablet throttles the timers of a page in
    // the background.
    let deadline = RwSignal::new(f64::INFINITY);
    let now = RwSignal::new(now_ms());
    let remaining = move || ((deadline.get() - now.get()) / 1000.0).ceil() as i64;
    let set_left = move |secs: i64| {
        let t = now_ms();
        now.set(t);
        deadline.set(t + secs as f64 * 1000.0);
    };
    let user = RwSignal::new(None::<i64>);
    Effect::new(move |_| {
        if let Some(Ok(Some(m))) = me.get() {
            set_left(m.idle_left);
            user.set(Some(m.user_id));
        }
    });
    let stay = Action::new(move |_: &()| async move {
        if let Ok(left) = touch_session().await {
            set_left(left);
        }
    });
    let check = Action::new(move |_: &()| async move {
        match whoami().await {
            Ok(Some(m)) if m.idle_left > 0 => set_left(m.idle_left),
            Ok(_) => {
                if let Some(uid) = user.get_untracked() {
                    super::offline::keep_forms(uid);
                }
                let next = super::offline::current_path();
                go(&format!("/login?expired=1&next={}", encode_path(&next)));
            }
            // Offline: look again in a minute; the session is the server's to end.
            Err(_) => set_left(60),
        }
    });
    // The person's input renews the session, at most once a minute.
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        use wasm_bindgen::closure::Closure;
        use wasm_bindgen::JsCast;
        let last = std::rc::Rc::new(std::cell::Cell::new(now_ms()));
        let on_input = Closure::<dyn Fn()>::new(move || {
            let t = now_ms();
            if user.get_untracked().is_some() && t - last.get() >= 60_000.0 {
                last.set(t);
                stay.dispatch(());
            }
        });
        if let Some(w) = web_sys::window() {
            for kind in ["pointerdown", "keydown", "input"] {
                let _ = w.add_event_listener_with_callback(kind, on_input.as_ref().unchecked_ref());
            }
        }
        // Lives as long as the page (the watch is part of the layout).
        on_input.forget();
    });
    Effect::new(move |_| {
        let handle = set_interval_with_handle(
            move || {
                if user.get_untracked().is_none() {
                    return;
                }
                let t = now_ms();
                now.set(t);
                if deadline.get_untracked() - t <= 1000.0 {
                    deadline.set(f64::INFINITY);
                    check.dispatch(());
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
        <Show when=move || user.get().is_some() && remaining() <= 120>
            <div class="banner banner--warning" role="alertdialog" aria-live="assertive" data-testid="idle-warning">
                <p>
                    {move || {
                        let r = remaining().max(0);
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

/// The browser's clock in milliseconds (0 on the server, where no timer runs).
fn now_ms() -> f64 {
    #[cfg(feature = "hydrate")]
    {
        js_sys::Date::now()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        0.0
    }
}

/// A path as a query value (the characters a path may hold that a query would misread).
fn encode_path(p: &str) -> String {
    p.replace('%', "%25")
        .replace('&', "%26")
        .replace('#', "%23")
        .replace('?', "%3F")
}

/// Offers back the input kept on this device when the session timed out on this page (for
/// the same account only): restore it into the form, or discard it.
#[component]
pub fn KeptFormBanner() -> impl IntoView {
    let me = use_me();
    let offer = RwSignal::new(None::<(i64, String)>);
    Effect::new(move |_| {
        if let Some(Ok(Some(m))) = me.get() {
            let path = super::offline::current_path();
            if super::offline::has_kept_forms(m.user_id, &path) {
                offer.set(Some((m.user_id, path)));
            }
        }
    });
    let restore = move |_| {
        if let Some((uid, path)) = offer.get_untracked() {
            super::offline::restore_forms(uid, &path);
        }
        offer.set(None);
    };
    let discard = move |_| {
        if let Some((uid, path)) = offer.get_untracked() {
            super::offline::drop_kept_forms(uid, &path);
        }
        offer.set(None);
    };
    view! {
        <Show when=move || offer.get().is_some()>
            <div class="banner banner--info" role="region" aria-labelledby="kept-form-title" data-testid="kept-form">
                <h2 id="kept-form-title" class="banner__title">{t("form.restore.title")}</h2>
                <p>{t("form.restore.body")}</p>
                <p class="button-group">
                    <button type="button" class="button" data-testid="kept-form-restore" on:click=restore>
                        {t("form.restore.apply")}
                    </button>
                    <button type="button" class="button button--secondary" data-testid="kept-form-discard" on:click=discard>
                        {t("form.restore.discard")}
                    </button>
                </p>
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

/// The page's answer when its record cannot be shown (not found, not signed in, refused): the
/// status on the server-rendered response, the title, the message, and the way home.
#[component]
pub fn PageError(error: AppError, testid: &'static str) -> impl IntoView {
    let locale = use_locale();
    #[cfg(feature = "ssr")]
    if let Some(r) = use_context::<leptos_axum::ResponseOptions>() {
        r.set_status(
            http::StatusCode::from_u16(error.status()).unwrap_or(http::StatusCode::NOT_FOUND),
        );
    }
    view! {
        <leptos_meta::Title text=t("notfound.title") />
        <h1>{t("notfound.title")}</h1>
        <p data-testid=testid>{move || error.message(locale.get())}</p>
        <p><a href="/">{t("notfound.home")}</a></p>
    }
}

/// The page's `:id` route parameter; a missing or non-numeric one reads as 0, which no record
/// has, so the page answers not found.
pub fn use_id_param() -> impl Fn() -> i64 + Copy + Send + Sync + 'static {
    let params = leptos_router::hooks::use_params_map();
    move || params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0))
}

/// The problems of an import file, one per line as "行 N：column：message" (the import pages).
#[component]
pub fn RowErrors(
    #[prop(into)] title: Signal<String>,
    errors: Vec<crate::domain::csv::RowError>,
    testid: &'static str,
    row_testid: &'static str,
) -> impl IntoView {
    let locale = use_locale();
    view! {
        <div class="error-summary" role="alert" tabindex="-1" data-testid=testid>
            <h2 class="error-summary__title">{move || title.get()}</h2>
            <ul class="error-summary__list">
                {errors.into_iter().map(|e| view! {
                    <li data-testid=row_testid data-line=e.line.to_string()>
                        {move || {
                            let col = if e.column.is_empty() { String::new() } else { format!("{}：", locale.tr(&e.column)) };
                            format!("{}{}{}",
                                locale.tr_with("experts.import.line", &[("n".into(), e.line.to_string())]),
                                col,
                                locale.tr_with(&e.key, &e.args))
                        }}
                    </li>
                }).collect_view()}
            </ul>
        </div>
    }
}
