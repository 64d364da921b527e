//! The case page: status, deadline, what to do next, the item, the institution, materials
//! (viewable in the page: PDF and images), the timeline, and the actions this user may take.

use super::human_size;
use super::{DeadlineTag, StateTag};
use crate::api::cases::{case_action, get_case, ActionInput, CaseDetail};
use crate::api::AppError;
use crate::domain::case::CaseState;
use crate::domain::lifecycle::{Action as CaseAction, ActionKind};
use crate::domain::role::Role;
use crate::domain::terms::Category;
use crate::i18n::{text_with, use_locale};
use crate::ui::components::{use_id_param, ErrorSummary, PageError};
use crate::ui::t;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn CasePage() -> impl IntoView {
    let id = use_id_param();
    let reload = RwSignal::new(0u32);
    // The action just taken, above the page's data: the reload after it re-renders the page.
    let done = RwSignal::new(None::<String>);
    let case = Resource::new_blocking(move || (id(), reload.get()), |(id, _)| get_case(id));
    view! {
        <Suspense fallback=|| view! { <p class="hint">"…"</p> }>
            {move || case.get().map(|r| match r {
                Ok(c) => view! { <CaseView case=c reload done /> }.into_any(),
                Err(e) => view! { <PageError error=e testid="case-error" /> }.into_any()
            })}
        </Suspense>
    }
}

fn next_step_key(role: Role, state: CaseState) -> &'static str {
    match role {
        Role::Expert => match state {
            CaseState::PanelDrawn => "next.expert.panel_drawn",
            CaseState::UnderReview => "next.expert.under_review",
            _ => "next.expert.other",
        },
        Role::InstitutionUser => match state {
            CaseState::Draft => "next.institution.draft",
            CaseState::Submitted => "next.institution.submitted",
            CaseState::Returned => "next.institution.returned",
            CaseState::Accepted => "next.institution.accepted",
            CaseState::PanelDrawn => "next.institution.panel_drawn",
            CaseState::UnderReview => "next.institution.under_review",
            CaseState::Suspended => "next.institution.suspended",
            CaseState::Withdrawn => "next.institution.withdrawn",
            CaseState::NotAccepted => "next.institution.not_accepted",
            CaseState::Determined => "next.institution.determined",
            CaseState::RereviewRequested => "next.institution.rereview_requested",
            CaseState::RereviewRefused => "next.institution.rereview_refused",
            CaseState::Forwarded => "next.institution.forwarded",
            CaseState::Final => "next.institution.final",
            _ => "next.institution.other",
        },
        _ => match state {
            CaseState::Submitted => "next.bureau.submitted",
            CaseState::Accepted => "next.bureau.accepted",
            CaseState::PanelDrawn => "next.bureau.panel_drawn",
            CaseState::Suspended => "next.bureau.suspended",
            CaseState::UnderReview => "next.bureau.under_review",
            CaseState::Escalated => "next.bureau.escalated",
            CaseState::RereviewRequested => "next.bureau.rereview_requested",
            CaseState::Forwarded => "next.bureau.forwarded",
            CaseState::Final => "next.bureau.final",
            _ => "next.bureau.other",
        },
    }
}

#[component]
fn CaseView(
    case: CaseDetail,
    reload: RwSignal<u32>,
    done: RwSignal<Option<String>>,
) -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let state_now = case.state;
    let submitted =
        move || state_now == CaseState::Submitted && query.with(|q| q.get("submitted").is_some());
    let c = case.clone();
    let title = if c.item.name.is_empty() {
        format!("#{}", c.id)
    } else {
        c.item.name.clone()
    };
    let preview = RwSignal::new(None::<i64>);
    let next_key = next_step_key(c.viewer_role, c.state);
    let stage_key = c.item.stage.label_key();
    let domain_key = c.item.domain.label_key();
    let delivery_key = c.item.delivery.label_key();
    let declared_key = c.item.declared_category.label_key();
    let grades = c
        .item
        .grades
        .iter()
        .map(|g| g.to_string())
        .collect::<Vec<_>>()
        .join("、");
    let fee = format!("{}.{:02}", c.item.fee_fen / 100, c.item.fee_fen % 100);
    view! {
        <Title text=title.clone() />
        <Show when=submitted>
            <div class="panel panel--success" role="status" data-testid="submitted-notice"><p>{t("form.submitted")}</p></div>
        </Show>
        <p class="caption">{c.number.clone().unwrap_or_else(|| locale.tr("cases.no_number"))}" · "{c.county_name.clone()}</p>
        <h1 data-testid="case-title">{title}</h1>
        <div class="summary-cards">
            <div class="card">
                <h2 class="card__title">{t("case.status")}</h2>
                <p data-testid="case-state"><StateTag state=c.state /></p>
                {c.category.map(|cat| {
                    let key = cat.label_key();
                    let date = c.determined_on.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default();
                    view! { <p>{move || locale.tr_with("case.determined", &[("date".into(), date.clone()), ("category".into(), locale.tr(key))])}</p> }
                })}
            </div>
            <div class="card">
                <h2 class="card__title">{t("case.deadline")}</h2>
                {match (c.clock, c.due_on) {
                    (Some(clock), Some(due)) => {
                        let ck = clock.label_key();
                        view! {
                            <p>
                                {c.deadline.map(|d| view! { <DeadlineTag status=d /> " " })}
                                {move || locale.tr_with("case.due", &[("clock".into(), locale.tr(ck)), ("date".into(), due.format("%Y-%m-%d").to_string())])}
                            </p>
                        }.into_any()
                    }
                    _ => view! { <p>"—"</p> }.into_any(),
                }}
            </div>
            <div class="card card--wide">
                <h2 class="card__title">{t("case.next")}</h2>
                <p data-testid="next-step">{t(next_key)}</p>
                {c.can_edit.then(|| view! { <p><a class="button" href=format!("/cases/{}/edit", c.id) data-testid="edit-case">{t("case.edit")}</a></p> })}
            </div>
        </div>

        {(!c.deficiencies.is_empty() && c.state == CaseState::Returned).then(|| view! {
            <div class="banner banner--warning-static" data-testid="deficiencies">
                <h2 class="banner__title">{t("case.deficiencies")}</h2>
                <ul>{c.deficiencies.clone().into_iter().map(|d| view! { <li>{d}</li> }).collect_view()}</ul>
            </div>
        })}

        {move || done.get().map(|k| view! { <div class="panel panel--success" role="status" data-testid="action-done"><p>{locale.tr_with("case.done", &[("action".into(), locale.tr(&k))])}</p></div> })}
        <CaseActions case=case.clone() reload done />
        <super::panel::PanelSection case=case.clone() reload />
        <super::activities::ActivitiesSection case=case.clone() reload />
        {c.can_view_opinion.then(|| {
            let href = format!("/cases/{}/opinion", c.id);
            let status = match &c.opinion {
                None => locale.tr("opinion.status.none"),
                Some(o) => match &o.verify_code {
                    Some(code) => locale.tr_with("opinion.status.sealed", &[("code".into(), code.clone())]),
                    None => locale.tr_with("opinion.status.signing", &[("signed".into(), o.signed.to_string()), ("total".into(), o.total.to_string())]),
                },
            };
            view! {
                <section class="panel" data-testid="opinion-section">
                    <h2 class="panel__title">{t("opinion.section")}</h2>
                    <p data-testid="opinion-status">{status}</p>
                    <p><a class="button button--secondary" href=href rel="external" data-testid="opinion-link">{t("opinion.link")}</a></p>
                </section>
            }
        })}

        {case.determination.clone().map(|d| view! {
            <super::determination::DeterminationSection d case_id=case.id version=case.version reload />
        })}
        <super::rereview::RereviewSection case=case.clone() reload done />
        // Who was told what (names the panel: bureau and observers only, as the server decides).
        {case.notices.clone().map(|rows| view! {
            <crate::ui::pages::notices::CaseNoticeRecord rows case_id=case.id reload />
        })}
        {case.ratings.clone().filter(|r| r.open && !r.members.is_empty()).map(|r| view! {
            <super::ratings::RatingsSection r case_id=case.id reload />
        })}
        {case.credit.clone().map(|records| view! {
            <crate::ui::credit::CreditSection
                records
                subject=crate::domain::credit::CreditSubject::Institution
                target_id=case.institution.id
                case_id=case.id
                can_terminate=case.actions.contains(&crate::domain::lifecycle::ActionKind::Terminate)
                changed=reload
            />
        })}

        <h2>{t("case.item")}</h2>
        <dl class="summary-list">
            <div><dt>{t("form.item.name")}</dt><dd>{c.item.name.clone()}</dd></div>
            <div><dt>{t("form.item.declared_category")}</dt><dd>{t(declared_key)}</dd></div>
            <div><dt>{t("form.item.domain")}</dt><dd>{t(domain_key)}</dd></div>
            {c.item.related_subject.map(|x| view! { <div><dt>{t("form.item.related_subject")}</dt><dd data-testid="case-related-subject">{t(x.label_key())}</dd></div> })}
            <div><dt>{t("form.item.stage")}</dt><dd>{t(stage_key)}" · "{grades}</dd></div>
            <div><dt>{t("form.item.delivery")}</dt><dd>{t(delivery_key)}</dd></div>
            <div><dt>{t("form.item.hours")}</dt><dd>{c.item.hours}</dd></div>
            <div><dt>{t("form.item.class_size")}</dt><dd>{c.item.class_size}</dd></div>
            <div><dt>{t("form.item.fee")}</dt><dd>{fee}</dd></div>
            <div><dt>{t("form.item.description")}</dt><dd class="pre">{c.item.description.clone()}</dd></div>
            <div><dt>{t("case.undertaking")}</dt><dd>{if c.undertaking_given { t("case.undertaking.yes")() } else { t("case.undertaking.no")() }}</dd></div>
        </dl>

        <h2>{t("case.institution")}</h2>
        <dl class="summary-list">
            <div><dt>{t("case.institution")}</dt><dd>{c.institution.name.clone()}</dd></div>
            <div><dt>{t("case.uscc")}</dt><dd>{c.institution.uscc.clone()}</dd></div>
            <div><dt>{t("case.licence")}</dt><dd>{c.institution.licence_no.clone()}</dd></div>
            <div><dt>{t("case.address")}</dt><dd>{c.institution.address.clone()}</dd></div>
            <div><dt>{t("case.legal_rep")}</dt><dd>{c.institution.legal_rep.clone()}</dd></div>
            <div><dt>{t("case.principal")}</dt><dd>{c.institution.principal.clone()}</dd></div>
            <div><dt>{t("case.contact")}</dt><dd>{c.institution.contact_name.clone()}" · "{c.institution.contact_phone.clone()}</dd></div>
            <div><dt>{t("case.profit")}</dt><dd>{if c.institution.for_profit { t("case.profit.yes")() } else { t("case.profit.no")() }}</dd></div>
        </dl>

        <h2>{t("case.materials")}</h2>
        {if c.materials.is_empty() {
            view! { <p class="hint">{t("case.materials.none")}</p> }.into_any()
        } else {
            view! {
                <ul class="material-list" data-testid="case-materials">
                    {c.materials.clone().into_iter().map(|m| {
                        let kind_key = m.kind.label_key();
                        let href = format!("/files/materials/{}", m.id);
                        let inline_href = format!("/files/materials/{}?inline=1", m.id);
                        let viewable = m.file_type.viewable_inline() && !m.superseded;
                        let is_pdf = m.file_type == crate::domain::files::FileType::Pdf;
                        let id = m.id;
                        let name = m.file_name.clone();
                        view! {
                            <li class="material-item" class:material-item--old=m.superseded>
                                <div>
                                    <strong>{move || locale.tr(kind_key)}</strong>" · "
                                    <span class="file-name">{m.file_name.clone()}</span>
                                    " · "{human_size(m.size)}" · "{locale.tr_with("case.materials.version", &[("n".into(), m.version.to_string())])}
                                    {m.superseded.then(|| view! { " · " <span class="tag tag--grey">{t("case.materials.superseded")}</span> })}
                                    <div class="hint">{m.uploaded_at.clone()}" · SHA-256 "{m.sha256[..16].to_string()}"…"</div>
                                </div>
                                <div class="actions">
                                    <a class="button button--secondary button--small" href=href download=name.clone()>{t("case.materials.download")}</a>
                                    {viewable.then(|| view! {
                                        <button type="button" class="button button--secondary button--small"
                                            on:click=move |_| preview.update(|p| *p = if *p == Some(id) { None } else { Some(id) })>
                                            {move || if preview.get() == Some(id) { locale.tr("case.materials.hide") } else { locale.tr("case.materials.view") }}
                                        </button>
                                    })}
                                </div>
                                <Show when=move || preview.get() == Some(id)>
                                    {
                                        let src = inline_href.clone();
                                        let alt = name.clone();
                                        if is_pdf {
                                            view! { <iframe class="preview preview--pdf" src=src title=alt></iframe> }.into_any()
                                        } else {
                                            view! { <img class="preview" src=src alt=alt /> }.into_any()
                                        }
                                    }
                                </Show>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
        {c.self_check.clone().map(|sc| view! { <super::selfcheck::SelfCheckSection sc case_id=c.id reload done /> })}

        <h2>{t("case.timeline")}</h2>
        <ol class="timeline" data-testid="timeline">
            {c.events.clone().into_iter().map(|e| {
                let action_label = if e.action == "create" {
                    locale.tr("case.timeline.create")
                } else if matches!(
                    e.action.as_str(),
                    "revise_opinion" | "set_lead" | "open_child" | "revoke_determination" | "waive_meeting"
                ) {
                    locale.tr(&format!("case.timeline.{}", e.action))
                } else {
                    ActionKind::from_code(&e.action).map(|k| text_with(locale.0.get_untracked(), &k.label_key(), &[])).unwrap_or(e.action.clone())
                };
                let role = e.actor_role.map(|r| r.label_key());
                let to_key = e.to.label_key();
                view! {
                    <li class="timeline__item">
                        <div class="timeline__head"><strong>{action_label}</strong>" → "{move || locale.tr(to_key)}</div>
                        <div class="hint">{e.at.clone()}" · "{e.actor_name.clone()}{role.map(|k| view! { "（"{move || locale.tr(k)}"）" })}</div>
                        {(!e.reason.is_empty()).then(|| view! { <p class="pre">{e.reason.clone()}</p> })}
                        {(!e.deficiencies.is_empty()).then(|| view! { <ul>{e.deficiencies.clone().into_iter().map(|d| view! { <li>{d}</li> }).collect_view()}</ul> })}
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}

/// The actions this user may take now, each a small form.
#[component]
fn CaseActions(
    case: CaseDetail,
    reload: RwSignal<u32>,
    done: RwSignal<Option<String>>,
) -> impl IntoView {
    let locale = use_locale();
    let error = RwSignal::new(None::<AppError>);
    let text = RwSignal::new(String::new());
    let category = RwSignal::new(String::new());
    let (id, version) = (case.id, case.version);
    let run = Action::new(move |a: &CaseAction| {
        let a = a.clone();
        async move {
            let label = a.kind().label_key();
            match case_action(ActionInput {
                id,
                version,
                action: a,
                note: String::new(),
            })
            .await
            {
                Ok(_) => {
                    error.set(None);
                    done.set(Some(label));
                    text.set(String::new());
                    reload.update(|n| *n += 1);
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    // Actions taken elsewhere: submitting happens on the form.
    let shown: Vec<ActionKind> = case
        .actions
        .iter()
        .copied()
        .filter(|k| {
            matches!(
                k,
                ActionKind::Withdraw
                    | ActionKind::Accept
                    | ActionKind::Return
                    | ActionKind::NotAccept
                    | ActionKind::DetermineDirectly
            )
        })
        .collect();
    if shown.is_empty() {
        return view! { <ErrorSummary error=Signal::derive(move || error.get()) /> }.into_any();
    }
    let reason_box = move |label: &'static str, hint: &'static str| {
        view! {
            <div class="form-group">
                <label class="label" for="action-text">{t(label)}</label>
                <div class="hint">{t(hint)}</div>
                <textarea class="textarea" id="action-text" rows="3" bind:value=text></textarea>
            </div>
        }
    };
    view! {
        <ErrorSummary error=Signal::derive(move || error.get()) />
        <section class="panel actions-panel" data-testid="case-actions">
            <h2 class="panel__title">{t("case.actions")}</h2>
            {shown.contains(&ActionKind::Return).then(|| reason_box("case.deficiencies_input", "case.deficiencies_hint"))}
            {(!shown.contains(&ActionKind::Return)).then(|| reason_box("case.reason", "case.reason_hint"))}
            {shown.contains(&ActionKind::DetermineDirectly).then(|| view! {
                <fieldset class="form-group fieldset">
                    <legend class="label">{t("case.category")}</legend>
                    <div class="radios">
                        {[Category::NonSubject, Category::Subject].into_iter().map(|cat| {
                            let id = format!("category-{}", cat.code());
                            let key = cat.label_key();
                            view! {
                                <div class="radio">
                                    <input type="radio" name="category" id=id.clone() value=cat.code() on:change=move |_| category.set(cat.code().to_string()) />
                                    <label for=id>{move || locale.tr(key)}</label>
                                </div>
                            }
                        }).collect_view()}
                    </div>
                </fieldset>
            })}
            <div class="button-group">
                {shown.into_iter().map(|k| {
                    let key = k.label_key();
                    let class = match k {
                        ActionKind::Accept => "button",
                        ActionKind::NotAccept | ActionKind::Withdraw => "button button--warning",
                        _ => "button button--secondary",
                    };
                    view! {
                        <button type="button" class=class data-action=k.code() disabled=move || run.pending().get()
                            on:click=move |_| {
                                let txt = text.get_untracked();
                                let a = match k {
                                    ActionKind::Accept => CaseAction::Accept,
                                    ActionKind::Withdraw => CaseAction::Withdraw { reason: txt },
                                    ActionKind::NotAccept => CaseAction::NotAccept { reason: txt },
                                    ActionKind::Return => CaseAction::Return { deficiencies: txt.lines().map(str::to_string).collect() },
                                    _ => CaseAction::DetermineDirectly {
                                        category: Category::from_code(&category.get_untracked()).unwrap_or(Category::NonSubject),
                                        reasons: txt,
                                    },
                                };
                                run.dispatch(a);
                            }>
                            {move || text_with(locale.get(), &key, &[])}
                        </button>
                    }
                }).collect_view()}
            </div>
        </section>
    }.into_any()
}
