//! 通知 (inbox): what one was told, newest first, unread marked in words and colour; each
//! notice links to the page where its next step is taken, and opening it marks it read.

use crate::api::notices::{my_notices, read_notices, NoticeView};
use crate::i18n::{use_locale, Locale};
use crate::ui::components::ErrorSummary;
use crate::ui::{t, use_me};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn InboxPage() -> impl IntoView {
    let locale = use_locale();
    let me = use_me();
    let inbox = Resource::new(|| (), |_| my_notices());
    let read = Action::new(|id: &i64| {
        let id = *id;
        async move { read_notices(id).await }
    });
    // After a reading, the list and the header's count follow.
    Effect::new(move |_| {
        if let Some(Ok(_)) = read.value().get() {
            inbox.refetch();
            me.refetch();
        }
    });
    let error = Signal::derive(move || match read.value().get() {
        Some(Err(e)) => Some(e),
        _ => None,
    });
    view! {
        <Title text=t("inbox.title") />
        <ErrorSummary error=error />
        <h1>{t("inbox.title")}</h1>
        <p class="hint">{t("inbox.hint")}</p>
        <p><a href="/account/notices" data-testid="contact-link">{t("contact.link")}</a></p>
        <Transition fallback=|| view! { <p class="hint">"…"</p> }>
            {move || inbox.get().map(|r| match r {
                Err(e) => view! { <p class="error-message">{e.message(locale.get())}</p> }.into_any(),
                Ok(b) if b.notices.is_empty() => view! {
                    <p data-testid="inbox-empty">{t("inbox.empty")}</p>
                }.into_any(),
                Ok(b) => {
                    let unread = b.unread;
                    view! {
                        <p data-testid="inbox-unread">
                            {move || locale.tr_with("inbox.unread_count", &[("n".into(), unread.to_string())])}
                        </p>
                        {(unread > 0).then(|| view! {
                            <p>
                                <button type="button" class="button button--secondary" data-testid="inbox-read-all"
                                    on:click=move |_| { read.dispatch(0); }>
                                    {t("inbox.read_all")}
                                </button>
                            </p>
                        })}
                        <ul class="inbox" data-testid="inbox">
                            {b.notices.into_iter().map(|n| notice_item(locale, n, read)).collect_view()}
                        </ul>
                    }.into_any()
                }
            })}
        </Transition>
    }
}

/// One e-mail or SMS delivery: the channel, its state in words and colour, when or why.
type Resend = Action<(i64, i64), Result<(), crate::api::AppError>>;

fn delivery(
    locale: Locale,
    case_id: i64,
    d: crate::api::notices::DeliveryRow,
    resend: Resend,
) -> impl IntoView {
    use crate::domain::notice::DeliveryState;
    let channel = format!("delivery.{}", d.channel.code());
    let state = d.state.label_key();
    let class = match d.state {
        DeliveryState::Sent => "tag tag--green",
        DeliveryState::Pending => "tag tag--yellow",
        DeliveryState::Failed => "tag tag--red",
    };
    let when = d.sent_at.clone().unwrap_or_default();
    let attempts = d.attempts.to_string();
    let error = d.last_error.clone();
    view! {
        <div class="delivery" data-testid="delivery" data-channel=d.channel.code() data-state=d.state.code()>
            {move || locale.tr(&channel)} "："
            <span class=class>{move || locale.tr(state)}</span>
            " " {when}
            {(d.state != DeliveryState::Sent && d.attempts > 0).then(|| view! {
                " " <span>{move || locale.tr_with("delivery.attempts", &[("n".into(), attempts.clone())])}</span>
                " " <span class="hint">{error.clone()}</span>
            })}
            {(!d.tries.is_empty()).then(|| {
                let n = d.tries.len().to_string();
                view! {
                    <details class="details details--inline" data-testid="delivery-tries">
                        <summary>{move || locale.tr_with("delivery.tries", &[("n".into(), n.clone())])}</summary>
                        <ol class="tries">
                            {d.tries.iter().cloned().map(|(at, ok, err)| {
                                let key = if ok { "delivery.try_ok" } else { "delivery.try_failed" };
                                view! { <li data-ok=ok.to_string()>{at} " " {move || locale.tr(key)} " " <span class="hint">{err}</span></li> }
                            }).collect_view()}
                        </ol>
                    </details>
                }
            })}
            {d.can_resend.then(|| {
                let id = d.id;
                view! {
                    " "
                    <button type="button" class="button button--secondary" data-testid="resend"
                        on:click=move |_| { resend.dispatch((case_id, id)); }>
                        {t("delivery.resend")}
                    </button>
                }
            })}
        </div>
    }
}

fn notice_item(
    locale: Locale,
    n: NoticeView,
    read: Action<i64, Result<u64, crate::api::AppError>>,
) -> impl IntoView {
    let (kind, facts) = (n.kind.clone(), n.facts.clone());
    let text = move || crate::i18n::notice_text(locale.get(), &kind, &facts);
    let text2 = text.clone();
    // The re-review deadline of a determination, when it has one.
    let due = (n.kind == "determined")
        .then(|| {
            n.facts
                .iter()
                .find(|(k, _)| k == "due_on")
                .map(|(_, v)| v.clone())
        })
        .flatten();
    let id = n.id;
    let unread = !n.read;
    let link = n.link.clone();
    let open = move |ev: leptos::ev::MouseEvent| {
        if !unread {
            return;
        }
        // Mark it read first, then go: the reading is kept even on a flaky link.
        ev.prevent_default();
        let link = link.clone();
        leptos::task::spawn_local(async move {
            let _ = read_notices(id).await;
            crate::ui::go(&link);
        });
    };
    view! {
        <li class=if unread { "inbox__item inbox__item--unread" } else { "inbox__item" }
            data-testid="notice" data-kind=n.kind.clone() data-case=n.case_id.map(|c| c.to_string()) data-read=if unread { "false" } else { "true" }>
            <p class="inbox__meta">
                {if unread {
                    view! { <span class="tag tag--blue">{t("inbox.unread")}</span> }.into_any()
                } else {
                    view! { <span class="tag tag--grey">{t("inbox.read")}</span> }.into_any()
                }}
                " "
                <span>{n.at.clone()}</span>
            </p>
            <h2 class="inbox__title">{move || text().0}</h2>
            <p class="inbox__body">{move || text2().1}</p>
            {due.map(|d| view! {
                <p class="inbox__due" data-testid="notice-due">
                    {move || locale.tr_with("inbox.due", &[("due_on".into(), d.clone())])}
                </p>
            })}
            <p class="inbox__actions">
                <a class="button" href=n.link.clone() on:click=open data-testid="notice-open">{t("inbox.open")}</a>
                {unread.then(|| view! {
                    " "
                    <button type="button" class="button button--secondary" data-testid="notice-read"
                        on:click=move |_| { read.dispatch(id); }>
                        {t("inbox.mark_read")}
                    </button>
                })}
            </p>
        </li>
    }
}

/// 通知记录 on the case page (bureau and observers): who was told what, whether they read it,
/// and how each e-mail or text message went. It comes with the case (`CaseDetail::notices`);
/// a resend reloads the case.
#[component]
pub fn CaseNoticeRecord(
    rows: Vec<crate::api::notices::CaseNoticeRow>,
    case_id: i64,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let locale = use_locale();
    let resend: Resend = Action::new(|(c, d): &(i64, i64)| {
        let (c, d) = (*c, *d);
        async move { crate::api::notices::resend_notice(c, d).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = resend.value().get() {
            reload.update(|n| *n += 1);
        }
    });
    let error = Signal::derive(move || resend.value().get().and_then(|r| r.err()));
    let n = rows.len().to_string();
    let body = if rows.is_empty() {
        view! { <p>{t("inbox.record_empty")}</p> }.into_any()
    } else {
        view! {
            <details class="details">
                <summary>{move || locale.tr_with("inbox.record_count", &[("n".into(), n.clone())])}</summary>
                <div class="table-wrap">
                    <table class="table">
                        <thead>
                            <tr>
                                <th scope="col">{t("inbox.col.at")}</th>
                                <th scope="col">{t("inbox.col.recipient")}</th>
                                <th scope="col">{t("inbox.col.notice")}</th>
                                <th scope="col">{t("inbox.col.status")}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {rows.into_iter().map(|n| {
                                let key = format!("notice.{}", n.kind);
                                let role = n.role.label_key();
                                let read = match n.read_at.clone() {
                                    Some(at) => view! { <span class="tag tag--green">{t("inbox.read")}</span> " " {at} }.into_any(),
                                    None => view! { <span class="tag tag--grey">{t("inbox.unread")}</span> }.into_any(),
                                };
                                view! {
                                    <tr data-testid="case-notice" data-kind=n.kind.clone()>
                                        <td>{n.at.clone()}</td>
                                        <td>{n.recipient.clone()} " · " {move || locale.tr(role)}</td>
                                        <td>{move || locale.tr(&key)}</td>
                                        <td>
                                            {read}
                                            {n.deliveries.into_iter().map(|d| delivery(locale, case_id, d, resend)).collect_view()}
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </details>
        }.into_any()
    };
    view! {
        <section class="panel" data-testid="case-notices">
            <ErrorSummary error=error />
            <h2 class="panel__title">{t("inbox.record")}</h2>
            {body}
        </section>
    }
}

/// 通知设置: one's own e-mail address and mobile number, whether notices go there too, which
/// kinds by which channel, quiet hours for text messages and (bureau staff) a daily digest.
/// Checked as typed with the domain's `validate_contact`, saved against its version.
#[component]
pub fn ContactPage() -> impl IntoView {
    use crate::api::notices::{my_contact, save_contact};
    use crate::domain::notice::{validate_contact, ContactInput, NoticeKind};
    use crate::ui::components::{action_error, action_field_errors, FieldErrorMessages, TextField};
    let locale = use_locale();
    let current = Resource::new(|| (), |_| my_contact());
    let email = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let by_email = RwSignal::new(false);
    let by_sms = RwSignal::new(false);
    let email_kinds = RwSignal::new(Vec::<NoticeKind>::new());
    let sms_kinds = RwSignal::new(Vec::<NoticeKind>::new());
    let quiet_from = RwSignal::new(String::new());
    let quiet_to = RwSignal::new(String::new());
    let digest = RwSignal::new(false);
    let kinds = RwSignal::new(Vec::<NoticeKind>::new());
    let may_digest = RwSignal::new(false);
    let version = RwSignal::new(0);
    let available = RwSignal::new(true);
    let sms_available = RwSignal::new(true);
    Effect::new(move |_| {
        if let Some(Ok(v)) = current.get() {
            email.set(v.contact.email.clone());
            phone.set(v.contact.phone.clone());
            by_email.set(v.contact.by_email);
            by_sms.set(v.contact.by_sms);
            email_kinds.set(v.contact.email_kinds.clone());
            sms_kinds.set(v.contact.sms_kinds.clone());
            quiet_from.set(v.contact.quiet_from.clone());
            quiet_to.set(v.contact.quiet_to.clone());
            digest.set(v.contact.digest);
            kinds.set(v.kinds.clone());
            may_digest.set(v.may_digest);
            version.set(v.version);
            available.set(v.email_available);
            sms_available.set(v.sms_available);
        }
    });
    let save = Action::new(|(c, v): &(ContactInput, i32)| {
        let (c, v) = (c.clone(), *v);
        async move { save_contact(c, v).await }
    });
    let value = save.value();
    Effect::new(move |_| {
        if let Some(Ok(v)) = value.get() {
            version.set(v);
        }
    });
    let error = action_error(value);
    let server_errors = action_field_errors(value);
    let input = move || ContactInput {
        email: email.get(),
        phone: phone.get(),
        by_email: by_email.get(),
        by_sms: by_sms.get(),
        email_kinds: email_kinds.get(),
        sms_kinds: sms_kinds.get(),
        quiet_from: quiet_from.get(),
        quiet_to: quiet_to.get(),
        digest: digest.get(),
    };
    let errors = Signal::derive(move || {
        let typed = validate_contact(&input());
        if typed.is_empty() {
            server_errors.get()
        } else {
            typed
        }
    });
    let saved = move || matches!(value.get(), Some(Ok(_)));
    // One checkbox of the kinds table: `list` holds the kinds ticked for its channel.
    let tick = move |list: RwSignal<Vec<NoticeKind>>, k: NoticeKind, channel: &'static str| {
        let id = format!("{channel}-{}", k.code());
        let for_id = id.clone();
        let label = format!("notice.{}", k.code());
        let channel_key = format!("delivery.{channel}");
        view! {
            <label class="cell-check" for=for_id>
                <input type="checkbox" id=id data-testid=format!("kind-{channel}-{}", k.code())
                    prop:checked=move || list.with(|l| l.contains(&k))
                    aria-label=move || format!("{} · {}", locale.tr(&label), locale.tr(&channel_key))
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        list.update(|l| {
                            l.retain(|x| *x != k);
                            if on { l.push(k); }
                        });
                    } />
            </label>
        }
    };
    // Built apart (type-erased): one view type of the whole form is too deep for rustc.
    let quiet_fields = view! {
        <fieldset class="fieldset">
            <legend class="fieldset__legend">{t("contact.quiet")}</legend>
            <p class="hint">{t("contact.quiet_hint")}</p>
            <div class="field-row">
                <TextField name="quiet_from" label="contact.quiet_from" kind="time" errors=errors value=quiet_from />
                <TextField name="quiet_to" label="contact.quiet_to" kind="time" errors=errors value=quiet_to />
            </div>
        </fieldset>
    }
    .into_any();
    let kinds_table = view! {
        <fieldset class="fieldset">
            <legend class="fieldset__legend">{t("contact.kinds")}</legend>
            <p class="hint">{t("contact.kinds_hint")}</p>
            <div class="table-wrap">
                <table class="table table--kinds" data-testid="kinds">
                    <thead>
                        <tr>
                            <th scope="col">{t("contact.kind")}</th>
                            <th scope="col">{t("delivery.email")}</th>
                            <th scope="col">{t("delivery.sms")}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || kinds.get().into_iter().map(|k| {
                            let key = format!("notice.{}", k.code());
                            view! {
                                <tr>
                                    <th scope="row">{move || locale.tr(&key)}</th>
                                    <td>{tick(email_kinds, k, "email")}</td>
                                    <td>{tick(sms_kinds, k, "sms")}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </fieldset>
    }
    .into_any();
    view! {
        <Title text=t("contact.title") />
        <div class="narrow">
            <ErrorSummary error=error />
            <h1>{t("contact.title")}</h1>
            <p class="hint">{t("contact.hint")}</p>
            <Show when=saved>
                <div class="panel panel--success" role="status" data-testid="contact-saved"><p>{t("contact.saved")}</p></div>
            </Show>
            <Show when=move || !available.get()>
                <div class="banner banner--info" role="status">{t("contact.no_email_service")}</div>
            </Show>
            <form on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                if validate_contact(&input()).is_empty() {
                    save.dispatch((input(), version.get_untracked()));
                }
            }>
                <TextField name="email" label="contact.email" hint="contact.email_hint" kind="email"
                    autocomplete="email" errors=errors value=email />
                <div class="checkbox">
                    <input type="checkbox" id="by-email" data-testid="by-email" bind:checked=by_email />
                    <label for="by-email">{t("contact.by_email")}</label>
                </div>
                <Show when=move || may_digest.get()>
                    <div class="form-group" id="digest">
                        <FieldErrorMessages errors=errors field="digest" />
                        <div class="checkbox">
                            <input type="checkbox" id="digest-box" data-testid="digest" bind:checked=digest
                                aria-describedby="digest-hint" />
                            <label for="digest-box">{t("contact.digest")}</label>
                        </div>
                        <p class="hint" id="digest-hint">{t("contact.digest_hint")}</p>
                    </div>
                </Show>
                <TextField name="phone" label="contact.phone" hint="contact.phone_hint" kind="tel"
                    autocomplete="tel" errors=errors value=phone />
                <Show when=move || !sms_available.get()>
                    <p class="hint">{t("contact.no_sms_service")}</p>
                </Show>
                <div class="checkbox">
                    <input type="checkbox" id="by-sms" data-testid="by-sms" bind:checked=by_sms />
                    <label for="by-sms">{t("contact.by_sms")}</label>
                </div>
                {quiet_fields}
                {kinds_table}
                <button type="submit" class="button" data-testid="contact-save">{t("contact.save")}</button>
            </form>
        </div>
    }
}
