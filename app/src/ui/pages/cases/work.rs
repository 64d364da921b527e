//! Work lists on the homes: the expert's invitations, the county's cases waiting for a draw,
//! the prefecture's requests to lend experts, the observer's witnessed draws.

use super::panel::SeatTag;
use super::StateTag;
use crate::api::cases::county_cases;
use crate::api::draws::{grant_loan, loan_requests, my_invitations, witnessed_draws, LoanView};
use crate::api::AppError;
use crate::i18n::use_locale;
use crate::ui::components::ErrorSummary;
use crate::ui::t;
use leptos::prelude::*;

/// 我的鉴定任务: invitations to answer (with their deadline) and accepted seats.
#[component]
pub fn MyInvitations() -> impl IntoView {
    let locale = use_locale();
    let rows = Resource::new(|| (), |_| my_invitations());
    view! {
        <Suspense fallback=|| view! { <p class="hint">"…"</p> }>
            {move || rows.get().map(|r| match r {
                Ok(list) if list.is_empty() => view! { <div class="panel panel--empty"><p>{t("home.expert.empty")}</p></div> }.into_any(),
                Ok(list) => view! {
                    <ul class="cards" data-testid="invitations">
                        {list.into_iter().map(|r| {
                            let (dk, sk) = (r.domain.label_key(), r.stage.label_key());
                            let due = r.respond_by.format("%Y-%m-%d").to_string();
                            view! {
                                <li class="card" data-case=r.case_id data-status=r.status.code()>
                                    <p class="caption">{r.number.clone().unwrap_or_default()}" · "{r.institution_name.clone()}</p>
                                    <h2 class="card__title"><a href=format!("/cases/{}", r.case_id)>{r.item_name.clone()}</a></h2>
                                    <p>{move || locale.tr(dk)}" · "{move || locale.tr(sk)}</p>
                                    <p>
                                        <SeatTag status=r.status />" "
                                        {r.lead.then(|| view! { <span class="tag tag--blue">{t("panel.lead")}</span> " " })}
                                        {(r.status == crate::domain::case::SeatStatus::Invited).then(|| {
                                            let due = due.clone();
                                            view! { {move || locale.tr_with("invite.answer_by", &[("date".into(), due.clone())])} }
                                        })}
                                        {(r.status == crate::domain::case::SeatStatus::Accepted).then(|| r.due_on.map(|d| {
                                            let d = d.format("%Y-%m-%d").to_string();
                                            view! { {move || locale.tr_with("invite.review_by", &[("date".into(), d.clone())])} }
                                        })).flatten()}
                                        {r.overdue.then(|| view! { " " <span class="tag tag--red">{t("deadline.overdue")}</span> })}
                                    </p>
                                    <p><StateTag state=r.case_state /></p>
                                    {r.meeting.clone().map(|m| view! {
                                        <p data-testid="home-meeting">
                                            <strong>{t("meeting.home")}</strong>" "{m}
                                        </p>
                                    })}
                                    {(r.status == crate::domain::case::SeatStatus::Accepted).then(|| {
                                        let href = format!("/cases/{}/meeting#briefing", r.case_id);
                                        if r.briefing_confirmed {
                                            view! { <p><span class="tag tag--green">{t("briefing.confirmed_tag")}</span></p> }.into_any()
                                        } else {
                                            view! { <p><span class="tag tag--yellow">{t("briefing.pending_tag")}</span>" "<a href=href data-testid="home-briefing">{t("briefing.read")}</a></p> }.into_any()
                                        }
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
                Err(e) => view! { <p class="error-message">{e.message(locale.get())}</p> }.into_any(),
            })}
        </Suspense>
    }
}

/// 待抽取专家: the county's accepted cases (and suspended ones waiting for experts).
#[component]
pub fn AwaitingDraw() -> impl IntoView {
    let locale = use_locale();
    let accepted = Resource::new(|| (), |_| county_cases("accepted".into()));
    let drawn = Resource::new(|| (), |_| county_cases("panel_drawn".into()));
    let list = move |rows: Vec<crate::api::cases::CaseRow>| {
        view! {
            <ul class="plain link-list">
                {rows.into_iter().map(|r| view! {
                    <li><a href=format!("/cases/{}/draw", r.id)>{r.number.clone().unwrap_or_default()}" "{r.item_name.clone()}</a>" · "{r.institution_name.clone()}" "<StateTag state=r.state /></li>
                }).collect_view()}
            </ul>
        }
    };
    view! {
        <h2>{t("home.county.draw")}</h2>
        <Suspense fallback=|| view! { <p class="hint">"…"</p> }>
            {move || accepted.get().map(|r| match r {
                Ok(rows) if rows.is_empty() => view! { <p class="hint">{t("home.county.draw_empty")}</p> }.into_any(),
                Ok(rows) => view! { <div data-testid="awaiting-draw">{list(rows)}</div> }.into_any(),
                Err(e) => view! { <p class="error-message">{e.message(locale.get())}</p> }.into_any(),
            })}
        </Suspense>
        <h2>{t("home.county.panels")}</h2>
        <Suspense fallback=|| view! { <p class="hint">"…"</p> }>
            {move || drawn.get().map(|r| match r {
                Ok(rows) if rows.is_empty() => view! { <p class="hint">{t("home.county.panels_empty")}</p> }.into_any(),
                Ok(rows) => view! { <div data-testid="panels-forming">{list(rows)}</div> }.into_any(),
                Err(e) => view! { <p class="error-message">{e.message(locale.get())}</p> }.into_any(),
            })}
        </Suspense>
    }
}

/// 借调专家申请: the counties' requests for prefecture experts.
#[component]
pub fn LoanRequests() -> impl IntoView {
    let locale = use_locale();
    let reload = RwSignal::new(0u32);
    let rows = Resource::new(move || reload.get(), |_| loan_requests());
    view! {
        <h2>{t("loan.list.title")}</h2>
        <Suspense fallback=|| view! { <p class="hint">"…"</p> }>
            {move || rows.get().map(|r| match r {
                Ok(list) if list.is_empty() => view! { <p class="hint">{t("loan.list.empty")}</p> }.into_any(),
                Ok(list) => view! {
                    <ul class="cards" data-testid="loan-requests">
                        {list.into_iter().map(|l| view! { <LoanCard loan=l reload /> }).collect_view()}
                    </ul>
                }.into_any(),
                Err(e) => view! { <p class="error-message">{e.message(locale.get())}</p> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn LoanCard(loan: LoanView, reload: RwSignal<u32>) -> impl IntoView {
    let locale = use_locale();
    let error = RwSignal::new(None::<AppError>);
    let note = RwSignal::new(String::new());
    let case_id = loan.case_id;
    let run = Action::new(move |n: &String| {
        let n = n.clone();
        async move {
            match grant_loan(case_id, n).await {
                Ok(()) => reload.update(|x| *x += 1),
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let note_id = format!("loan-note-{case_id}");
    let l = loan;
    view! {
        <li class="card" data-case=l.case_id>
            <p class="caption">{l.number.clone().unwrap_or_default()}" · "{l.county_name.clone()}</p>
            <h3 class="card__title"><a href=format!("/cases/{}/draw", l.case_id)>{l.item_name.clone()}</a></h3>
            <p>{move || locale.tr_with("loan.requested", &[("who".into(), l.requested_by.clone()), ("at".into(), l.requested_at.clone())])}</p>
            <p class="pre">{l.reason.clone()}</p>
            {match l.granted_at.clone() {
                Some(at) => view! { <p><span class="tag tag--green">{t("loan.granted")}</span>" "{at}</p> }.into_any(),
                None => view! {
                    <ErrorSummary error=Signal::derive(move || error.get()) />
                    <div class="form-group">
                        <label class="label" for=note_id.clone()>{t("loan.note")}</label>
                        <textarea class="textarea" id=note_id.clone() rows="2" bind:value=note></textarea>
                    </div>
                    <button type="button" class="button" data-testid="grant-loan" disabled=move || run.pending().get()
                        on:click=move |_| { run.dispatch(note.get_untracked()); }>{t("loan.grant")}</button>
                }.into_any(),
            }}
        </li>
    }
}

/// 我见证的抽取: draws where the observer was named.
#[component]
pub fn WitnessedDraws() -> impl IntoView {
    let locale = use_locale();
    let rows = Resource::new(|| (), |_| witnessed_draws());
    view! {
        <Suspense fallback=|| view! { <p class="hint">"…"</p> }>
            {move || rows.get().map(|r| match r {
                Ok(list) if list.is_empty() => view! { <div class="panel panel--empty"><p>{t("home.observer.empty")}</p></div> }.into_any(),
                Ok(list) => view! {
                    <ul class="plain link-list" data-testid="witnessed">
                        {list.into_iter().map(|w| {
                            let seq = w.seq;
                            view! {
                                <li><a href=format!("/cases/{}/draw", w.case_id)>{w.number.clone().unwrap_or_default()}</a>
                                    " · "{move || locale.tr_with("draw.record.title", &[("n".into(), seq.to_string()), ("kind".into(), String::new())])}
                                    " · "{w.at.clone()}" · "{w.operator.clone()}</li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
                Err(e) => view! { <p class="error-message">{e.message(locale.get())}</p> }.into_any(),
            })}
        </Suspense>
    }
}

/// 专家与负责人账号变更: the latest changes to experts' and directors' accounts, for the
/// prefecture director and prefecture observers (one person, one account: who could act as
/// whom). Shows nothing to anyone else.
#[component]
pub fn PostChanges() -> impl IntoView {
    let locale = use_locale();
    // Loaded in the browser: asked on the server for a role it refuses, the refusal would set
    // the whole page's status.
    let rows = LocalResource::new(crate::api::accounts::post_changes);
    view! {
        <Suspense fallback=|| ()>
            {move || rows.get().and_then(|r| r.ok()).map(|list| view! {
                <section class="panel" data-testid="post-changes">
                    <h2 class="panel__title">{t("posts.title")}</h2>
                    <p class="hint">{t("posts.lead")}</p>
                    {if list.is_empty() {
                        view! { <p class="hint">{t("posts.none")}</p> }.into_any()
                    } else {
                        view! {
                            <div class="table-wrap">
                                <table class="table">
                                    <thead><tr>
                                        <th scope="col">{t("posts.at")}</th>
                                        <th scope="col">{t("posts.action")}</th>
                                        <th scope="col">{t("posts.account")}</th>
                                        <th scope="col">{t("posts.role")}</th>
                                        <th scope="col">{t("posts.scope")}</th>
                                        <th scope="col">{t("posts.state")}</th>
                                        <th scope="col">{t("posts.by")}</th>
                                    </tr></thead>
                                    <tbody>
                                        {list.into_iter().map(|p| {
                                            let action = format!("posts.action.{}", p.action);
                                            let role = p.role.label_key();
                                            let (state, class) = if p.disabled {
                                                ("posts.state.disabled", "tag tag--grey")
                                            } else {
                                                ("posts.state.active", "tag tag--green")
                                            };
                                            view! {
                                                <tr data-testid="post-change">
                                                    <td>{p.at.clone()}</td>
                                                    <td>{move || locale.tr(&action)}</td>
                                                    <td>{format!("{} ({})", p.display_name, p.username)}</td>
                                                    <td>{move || locale.tr(role)}</td>
                                                    <td>{p.scope_label.clone()}</td>
                                                    <td><span class=class>{move || locale.tr(state)}</span></td>
                                                    <td>{p.by.clone()}</td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any()
                    }}
                </section>
            })}
        </Suspense>
    }
}
