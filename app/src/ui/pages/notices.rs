//! 通知 (inbox): what one was told, newest first, unread marked in words and colour; each
//! notice links to the page where its next step is taken, and opening it marks it read.

use crate::api::notices::{my_notices, read_notices, NoticeView};
use crate::domain::terms::Category;
use crate::i18n::{use_locale, Locale};
use crate::ui::components::ErrorSummary;
use crate::ui::{t, use_me};
use leptos::prelude::*;
use leptos_meta::Title;

/// The notice's text arguments in the reader's language (a category code becomes its name).
fn args(locale: Locale, n: &NoticeView) -> Vec<(String, String)> {
    n.facts
        .iter()
        .map(|(k, v)| {
            let v = match (k.as_str(), Category::from_code(v)) {
                ("category", Some(c)) => locale.tr(c.label_key()),
                _ => v.clone(),
            };
            (k.clone(), v)
        })
        .collect()
}

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

fn notice_item(
    locale: Locale,
    n: NoticeView,
    read: Action<i64, Result<u64, crate::api::AppError>>,
) -> impl IntoView {
    let title_key = format!("notice.{}", n.kind);
    let body_key = format!("{title_key}.body");
    let args = args(locale, &n);
    let a2 = args.clone();
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
            <h2 class="inbox__title">{move || locale.tr_with(&title_key, &args)}</h2>
            <p class="inbox__body">{move || locale.tr_with(&body_key, &a2)}</p>
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

/// 通知记录 on the case page (bureau and observers): who was told what, and whether they read it.
#[component]
pub fn CaseNoticeRecord(case_id: i64) -> impl IntoView {
    let locale = use_locale();
    let rows = Resource::new(move || case_id, crate::api::notices::case_notices);
    view! {
        <section class="panel" data-testid="case-notices">
            <h2 class="panel__title">{t("inbox.record")}</h2>
            <Transition fallback=|| view! { <p class="hint">"…"</p> }>
                {move || rows.get().map(|r| match r {
                    Err(e) => view! { <p class="error-message">{e.message(locale.get())}</p> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p>{t("inbox.record_empty")}</p> }.into_any(),
                    Ok(list) => {
                        let n = list.len().to_string();
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
                                        {list.into_iter().map(|n| {
                                            let key = format!("notice.{}", n.kind);
                                            let role = n.role.label_key();
                                            view! {
                                                <tr data-testid="case-notice" data-kind=n.kind.clone()>
                                                    <td>{n.at.clone()}</td>
                                                    <td>{n.recipient.clone()} " · " {move || locale.tr(role)}</td>
                                                    <td>{move || locale.tr(&key)}</td>
                                                    <td>{match n.read_at.clone() {
                                                        Some(at) => view! { <span class="tag tag--green">{t("inbox.read")}</span> " " {at} }.into_any(),
                                                        None => view! { <span class="tag tag--grey">{t("inbox.unread")}</span> }.into_any(),
                                                    }}</td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        </details>
                    }.into_any()
                    }
                })}
            </Transition>
        </section>
    }
}
