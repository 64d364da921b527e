//! The draw page (`/cases/:id/draw`): criteria, the screened pool with every exclusion and its
//! reason, the draw itself, the panel, every draw record with a verification, and the way to
//! ask the prefecture for experts when the county has too few.

use super::panel::{role_key, SeatTable};
use super::StateTag;
use crate::api::cases::{case_action, ActionInput};
use crate::api::draws::{
    draw_page, request_experts, run_draw, verify_draws, DrawRecordView, DrawView, ExcludedView,
    ExpertBrief, RunDrawInput, VerifyView,
};
use crate::api::AppError;
use crate::domain::case::CaseState;
use crate::domain::expert::ExpertKind;
use crate::domain::lifecycle::Action as CaseAction;
use crate::i18n::{text_with, use_locale};
use crate::ui::components::{use_id_param, ErrorSummary, PageError};
use crate::ui::t;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn DrawPage() -> impl IntoView {
    let id = use_id_param();
    let reload = RwSignal::new(0u32);
    // The outcome of a draw lives here, above the page's data: reloading the page after the draw
    // re-renders the body (and the form may go), the notice stays.
    let done = RwSignal::new(None::<i32>);
    let page = Resource::new_blocking(move || (id(), reload.get()), |(id, _)| draw_page(id));
    view! {
        <Transition fallback=|| view! { <p class="hint">"…"</p> }>
            {move || page.get().map(|r| match r {
                Ok(p) => view! { <DrawBody page=p reload done /> }.into_any(),
                Err(e) => view! { <PageError error=e testid="case-error" /> }.into_any()
            })}
        </Transition>
    }
}

fn kind_key(k: ExpertKind) -> &'static str {
    match k {
        ExpertKind::SubjectTeaching => "draw.kind.subject",
        ExpertKind::Legal => "draw.kind.legal",
    }
}

fn expert_line(e: &ExpertBrief) -> impl IntoView {
    let locale = use_locale();
    let kk = kind_key(e.kind);
    let domains: Vec<&'static str> = e.domains.iter().map(|d| d.label_key()).collect();
    let stages: Vec<&'static str> = e.stages.iter().map(|s| s.label_key()).collect();
    let county = if e.county_name.is_empty() {
        locale.tr("draw.prefecture_pool")
    } else {
        e.county_name.clone()
    };
    view! {
        <td>{e.name.clone()}<div class="hint">{e.employer.clone()}</div></td>
        <td>{move || locale.tr(kk)}</td>
        <td>{move || domains.iter().chain(stages.iter()).map(|k| locale.tr(k)).collect::<Vec<_>>().join("、")}</td>
        <td>{county}</td>
    }
}

#[component]
fn DrawBody(page: DrawView, reload: RwSignal<u32>, done: RwSignal<Option<i32>>) -> impl IntoView {
    let locale = use_locale();
    let p = page;
    let title = text_with(
        locale.0.get_untracked(),
        "draw.title",
        &[("item".into(), p.item_name.clone())],
    );
    let (dk, sk) = (p.domain.label_key(), p.stage.label_key());
    // With the item's 相关学科 named, the subject seat is an expert qualified in it.
    let subject_key = p.criteria.subject.map(|s| s.label_key());
    let comp = move || match subject_key {
        Some(k) => locale.tr_with(
            "draw.composition_subject",
            &[
                ("subject".into(), locale.tr(k)),
                ("stage".into(), locale.tr(sk)),
            ],
        ),
        None => locale.tr_with(
            "draw.composition",
            &[
                ("domain".into(), locale.tr(dk)),
                ("stage".into(), locale.tr(sk)),
            ],
        ),
    };
    let problem = p.problem.clone().map(|e| {
        let (key, args) = (e.key(), e.args());
        move || locale.tr_with(key, &args)
    });
    view! {
        <Title text=title.clone() />
        <p class="caption">{p.number.clone().unwrap_or_default()}" · "{p.county_name.clone()}" · "<a href=format!("/cases/{}", p.case_id)>{t("draw.back_to_case")}</a></p>
        <h1 data-testid="draw-title">{title}</h1>
        <dl class="summary-list">
            <div><dt>{t("case.institution")}</dt><dd>{p.institution_name.clone()}</dd></div>
            <div><dt>{t("case.status")}</dt><dd data-testid="case-state"><StateTag state=p.state /></dd></div>
            <div><dt>{t("draw.criteria")}</dt><dd>{comp}</dd></div>
            <div><dt>{t("draw.rules.verified_titles")}</dt><dd data-testid="draw-rule-titles" data-on=p.require_verified_titles.to_string()>{t(if p.require_verified_titles { "draw.rules.on" } else { "draw.rules.off" })}</dd></div>
        </dl>
        {p.can_set_rules.then(|| view! { <RulesForm case_id=p.case_id on=p.require_verified_titles reload /> })}
        {p.loan.clone().map(|l| view! {
            <div class="panel" data-testid="loan-status">
                <h2 class="panel__title">{t("loan.title")}</h2>
                <p>{move || locale.tr_with("loan.requested", &[("who".into(), l.requested_by.clone()), ("at".into(), l.requested_at.clone())])}</p>
                <p class="pre">{l.reason.clone()}</p>
                {match l.granted_at.clone() {
                    Some(at) => view! { <p><span class="tag tag--green">{t("loan.granted")}</span>" "{at}" · "{l.granted_by.clone().unwrap_or_default()}" "{l.note.clone()}</p> }.into_any(),
                    None => view! { <p><span class="tag tag--yellow">{t("loan.pending")}</span></p> }.into_any(),
                }}
            </div>
        })}
        {p.can_resume.then(|| view! { <ResumeForm id=p.case_id version=p.version granted=p.loan.as_ref().is_some_and(|l| l.granted_at.is_some()) reload /> })}
        {move || done.get().map(|n| view! { <div class="panel panel--success" role="status" data-testid="draw-done"><p>{locale.tr_with("draw.done", &[("n".into(), n.to_string())])}</p></div> })}
        {(p.can_draw || p.can_redraw || p.can_supplement).then(|| view! { <DrawForm page=p.clone() reload done /> })}
        {problem.map(|m| view! {
            <div class="banner banner--warning-static" role="status" data-testid="draw-problem">
                <p>{m}</p>
            </div>
        })}
        {p.can_request_experts.then(|| view! { <RequestExperts id=p.case_id version=p.version reload show=p.problem.is_some() /> })}

        {(!p.seats.is_empty()).then(|| view! {
            <h2>{t("panel.title")}</h2>
            <SeatTable seats=p.seats.clone() names_visible=true />
            {p.can_replace.then(|| view! { <ReplaceSeatForm id=p.case_id version=p.version seats=p.seats.clone() reload /> })}
            {p.can_replace.then(|| view! { <LeadForm id=p.case_id version=p.version seats=p.seats.clone() reload /> })}
        })}

        {matches!(p.state, CaseState::Accepted | CaseState::PanelDrawn | CaseState::Suspended).then(|| view! {
            <Pool eligible=p.eligible.clone() excluded=p.excluded.clone() />
        })}

        <h2>{t("draw.records")}</h2>
        {if p.records.is_empty() {
            view! { <p class="hint">{t("draw.records.none")}</p> }.into_any()
        } else {
            view! {
                <Verify id=p.case_id />
                {p.records.clone().into_iter().rev().map(|r| view! { <Record rec=r /> }).collect_view()}
            }.into_any()
        }}
    }
}

#[component]
fn Pool(eligible: Vec<ExpertBrief>, excluded: Vec<ExcludedView>) -> impl IntoView {
    let locale = use_locale();
    let (n_ok, n_ex) = (eligible.len(), excluded.len());
    view! {
        <h2>{t("draw.pool")}</h2>
        <p>{move || locale.tr_with("draw.pool.summary", &[("eligible".into(), n_ok.to_string()), ("excluded".into(), n_ex.to_string())])}</p>
        <h3>{t("draw.eligible")}</h3>
        <div class="table-wrap">
            <table class="table" data-testid="eligible">
                <thead><tr>
                    <th scope="col">{t("draw.col.expert")}</th>
                    <th scope="col">{t("draw.col.kind")}</th>
                    <th scope="col">{t("draw.col.fields")}</th>
                    <th scope="col">{t("draw.col.region")}</th>
                </tr></thead>
                <tbody>{eligible.iter().map(|e| view! { <tr>{expert_line(e)}</tr> }).collect_view()}</tbody>
            </table>
        </div>
        <h3>{t("draw.excluded")}</h3>
        <div class="table-wrap">
            <table class="table" data-testid="exclusions">
                <thead><tr>
                    <th scope="col">{t("draw.col.expert")}</th>
                    <th scope="col">{t("draw.col.kind")}</th>
                    <th scope="col">{t("draw.col.fields")}</th>
                    <th scope="col">{t("draw.col.region")}</th>
                    <th scope="col">{t("draw.col.reasons")}</th>
                </tr></thead>
                <tbody>{excluded.iter().map(|x| {
                    let reasons: Vec<(String, Vec<(String, String)>)> = x.reasons.iter().map(|r| (r.label_key(), r.args())).collect();
                    view! {
                        <tr>
                            {expert_line(&x.expert)}
                            <td><ul class="plain">{reasons.into_iter().map(|(k, a)| view! { <li>{move || locale.tr_with(&k, &a)}</li> }).collect_view()}</ul></td>
                        </tr>
                    }
                }).collect_view()}</tbody>
            </table>
        </div>
    }
}

#[component]
fn DrawForm(page: DrawView, reload: RwSignal<u32>, done: RwSignal<Option<i32>>) -> impl IntoView {
    let locale = use_locale();
    let p = page;
    let error = RwSignal::new(None::<AppError>);
    let size = RwSignal::new(p.criteria.panel_size.to_string());
    let backups = RwSignal::new(p.criteria.backups.to_string());
    let observer = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let (id, version) = (p.case_id, p.version);
    let run = Action::new(move |kind: &&'static str| {
        let kind = *kind;
        let input = RunDrawInput {
            id,
            version,
            kind: kind.to_string(),
            panel_size: size.get_untracked().parse().unwrap_or(3),
            backups: backups.get_untracked().parse().unwrap_or(2),
            reason: reason.get_untracked(),
            observer: observer.get_untracked().parse().ok(),
        };
        async move {
            match run_draw(input).await {
                Ok(d) => {
                    error.set(None);
                    done.set(Some(d.seq));
                    reload.update(|n| *n += 1);
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let vacant = p.vacancies.map(|v| v.panel_size).unwrap_or(0);
    view! {
        <section class="panel" data-testid="draw-form">
            <h2 class="panel__title">{if p.can_draw { t("draw.run.title") } else { t("draw.more.title") }}</h2>
            <ErrorSummary error=Signal::derive(move || error.get()) />
            <p class="hint">{t("draw.run.hint")}</p>
            {(p.can_draw || p.can_redraw).then(|| view! {
                <div class="form-row">
                    <div class="form-group">
                        <label class="label" for="draw-panel_size">{t("draw.panel_size")}</label>
                        <select class="select" id="draw-panel_size" bind:value=size>
                            {[3usize, 5, 7].into_iter().map(|n| view! { <option value=n.to_string()>{n}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="form-group">
                        <label class="label" for="draw-backups">{t("draw.backups")}</label>
                        <select class="select" id="draw-backups" bind:value=backups>
                            {(0usize..=5).map(|n| view! { <option value=n.to_string()>{n}</option> }).collect_view()}
                        </select>
                    </div>
                </div>
            })}
            {(!p.observers.is_empty()).then(|| view! {
                <div class="form-group">
                    <label class="label" for="draw-observer">{t("draw.observer")}</label>
                    <div class="hint">{t("draw.observer_hint")}</div>
                    <select class="select" id="draw-observer" bind:value=observer>
                        <option value="">{t("draw.observer.none")}</option>
                        {p.observers.iter().map(|(i, n)| view! { <option value=i.to_string()>{n.clone()}</option> }).collect_view()}
                    </select>
                </div>
            })}
            {p.can_redraw.then(|| view! {
                <div class="form-group">
                    <label class="label" for="draw-reason">{t("draw.reason")}</label>
                    <div class="hint">{t("draw.reason_hint")}</div>
                    <textarea class="textarea" id="draw-reason" rows="2" bind:value=reason></textarea>
                </div>
            })}
            <div class="button-group">
                {p.can_draw.then(|| view! {
                    <button type="button" class="button" data-testid="run-draw" disabled=move || run.pending().get()
                        on:click=move |_| { run.dispatch("initial"); }>{t("draw.run")}</button>
                })}
                {p.can_supplement.then(|| view! {
                    <button type="button" class="button" data-testid="run-supplement" disabled=move || run.pending().get()
                        on:click=move |_| { run.dispatch("supplementary"); }>
                        {move || locale.tr_with("draw.supplement", &[("n".into(), vacant.to_string())])}
                    </button>
                })}
                {p.can_redraw.then(|| view! {
                    <button type="button" class="button button--warning" data-testid="run-redraw" disabled=move || run.pending().get()
                        on:click=move |_| { run.dispatch("redraw"); }>{t("action.redraw")}</button>
                })}
            </div>
        </section>
    }
}

#[component]
fn RequestExperts(id: i64, version: i32, reload: RwSignal<u32>, show: bool) -> impl IntoView {
    let error = RwSignal::new(None::<AppError>);
    let reason = RwSignal::new(String::new());
    let run = Action::new(move |r: &String| {
        let r = r.clone();
        async move {
            match request_experts(id, version, r).await {
                Ok(_) => reload.update(|n| *n += 1),
                Err(e) => error.set(Some(e)),
            }
        }
    });
    view! {
        <details class="details" open=show data-testid="request-experts">
            <summary>{t("loan.request.title")}</summary>
            <p class="hint">{t("loan.request.hint")}</p>
            <ErrorSummary error=Signal::derive(move || error.get()) />
            <div class="form-group">
                <label class="label" for="loan-reason">{t("loan.reason")}</label>
                <textarea class="textarea" id="loan-reason" rows="2" bind:value=reason></textarea>
            </div>
            <button type="button" class="button button--warning" data-testid="request-experts-submit" disabled=move || run.pending().get()
                on:click=move |_| { run.dispatch(reason.get_untracked()); }>{t("loan.request.submit")}</button>
        </details>
    }
}

#[component]
fn ResumeForm(id: i64, version: i32, granted: bool, reload: RwSignal<u32>) -> impl IntoView {
    let error = RwSignal::new(None::<AppError>);
    let reason = RwSignal::new(String::new());
    let locale = use_locale();
    if granted {
        reason.set(locale.tr("loan.resume_reason"));
    }
    let run = Action::new(move |r: &String| {
        let r = r.clone();
        async move {
            match case_action(ActionInput {
                id,
                version,
                action: CaseAction::Resume { reason: r },
                note: String::new(),
            })
            .await
            {
                Ok(_) => reload.update(|n| *n += 1),
                Err(e) => error.set(Some(e)),
            }
        }
    });
    view! {
        <section class="panel" data-testid="resume">
            <h2 class="panel__title">{t("loan.resume.title")}</h2>
            <ErrorSummary error=Signal::derive(move || error.get()) />
            <div class="form-group">
                <label class="label" for="resume-reason">{t("case.reason")}</label>
                <textarea class="textarea" id="resume-reason" rows="2" bind:value=reason></textarea>
            </div>
            <button type="button" class="button" data-testid="resume-submit" disabled=move || run.pending().get()
                on:click=move |_| { run.dispatch(reason.get_untracked()); }>{t("action.resume")}</button>
        </section>
    }
}

#[component]
fn Record(rec: DrawRecordView) -> impl IntoView {
    let locale = use_locale();
    let r = rec;
    let kind_key = format!("draw.record.kind.{}", r.kind);
    let seq = r.seq;
    let heading = move || {
        locale.tr_with(
            "draw.record.title",
            &[
                ("n".into(), seq.to_string()),
                ("kind".into(), locale.tr(&kind_key)),
            ],
        )
    };
    view! {
        <section class="record" data-testid="draw-record" data-seq=r.seq>
            <h3>{heading}</h3>
            <dl class="summary-list">
                <div><dt>{t("draw.record.at")}</dt><dd>{r.at.clone()}</dd></div>
                <div><dt>{t("draw.record.operator")}</dt><dd>{r.operator.clone()}</dd></div>
                <div><dt>{t("draw.observer")}</dt><dd>{r.observer.clone().unwrap_or_else(|| "—".into())}</dd></div>
                {(!r.reason.is_empty()).then(|| view! { <div><dt>{t("draw.reason")}</dt><dd class="pre">{r.reason.clone()}</dd></div> })}
                <div><dt>{t("draw.record.criteria")}</dt><dd>{move || locale.tr_with("draw.record.criteria_value", &[("size".into(), r.criteria.panel_size.to_string()), ("backups".into(), r.criteria.backups.to_string())])}</dd></div>
                <div><dt>{t("draw.record.pool")}</dt><dd>{move || locale.tr_with("draw.pool.summary", &[("eligible".into(), r.candidates.len().to_string()), ("excluded".into(), r.excluded.len().to_string())])}</dd></div>
                <div><dt>{t("draw.record.algorithm")}</dt><dd><code>{r.algorithm.clone()}</code></dd></div>
                <div><dt>{t("draw.record.seed")}</dt><dd><code class="break">{r.seed.clone()}</code></dd></div>
                <div><dt>{t("draw.record.digest")}</dt><dd><code class="break">{r.digest.clone()}</code></dd></div>
            </dl>
            <h4>{t("draw.record.seats")}</h4>
            <ol>{r.seats.iter().map(|(e, role)| { let k = role_key(*role); view! { <li>{e.name.clone()}" · "{move || locale.tr(k)}</li> } }).collect_view()}</ol>
            <h4>{t("draw.record.backups")}</h4>
            {if r.backups.is_empty() { view! { <p>"—"</p> }.into_any() } else {
                view! { <ol>{r.backups.iter().map(|e| view! { <li>{e.name.clone()}</li> }).collect_view()}</ol> }.into_any()
            }}
            {(!r.replacements.is_empty()).then(|| view! {
                <h4>{t("draw.record.replacements")}</h4>
                <ul>{r.replacements.iter().map(|x| {
                    let args = vec![("previous".to_string(), x.previous.clone()), ("backup".to_string(), x.backup.clone()), ("n".to_string(), (x.seat_index + 1).to_string())];
                    view! { <li>{x.at.clone()}" · "{move || locale.tr_with("draw.record.replacement", &args)}</li> }
                }).collect_view()}</ul>
            })}
        </section>
    }
}

#[component]
fn Verify(id: i64) -> impl IntoView {
    let locale = use_locale();
    let result = RwSignal::new(None::<Result<Vec<VerifyView>, AppError>>);
    let run = Action::new(move |_: &()| async move { result.set(Some(verify_draws(id).await)) });
    view! {
        <div class="panel" data-testid="verify">
            <p class="hint">{t("draw.verify.hint")}</p>
            <button type="button" class="button button--secondary" data-testid="verify-draws" disabled=move || run.pending().get()
                on:click=move |_| { run.dispatch(()); }>{t("draw.verify.run")}</button>
            {move || result.get().map(|r| match r {
                Ok(list) => view! {
                    <ul class="plain" data-testid="verify-result">
                        {list.into_iter().map(|v| {
                            let seq = v.seq;
                            let problems = v.problems.clone();
                            view! {
                                <li>
                                    {if v.ok {
                                        view! { <span class="tag tag--green">{t("draw.verify.ok")}</span> }.into_any()
                                    } else {
                                        view! { <span class="tag tag--red">{t("draw.verify.bad")}</span> }.into_any()
                                    }}
                                    " "{move || locale.tr_with("draw.verify.line", &[("n".into(), seq.to_string())])}
                                    {(!problems.is_empty()).then(|| view! {
                                        <ul>{problems.into_iter().map(|(k, a)| view! { <li>{move || locale.tr_with(&k, &a)}</li> }).collect_view()}</ul>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
                Err(e) => view! { <p class="error-message">{e.message(locale.get())}</p> }.into_any(),
            })}
        </div>
    }
}

/// The clerk replaces a seated expert who did not answer in time or cannot serve: the seat is
/// closed with the reason and the next suitable backup is invited.
#[component]
fn ReplaceSeatForm(
    id: i64,
    version: i32,
    seats: Vec<crate::api::draws::SeatView>,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let locale = use_locale();
    let error = RwSignal::new(None::<AppError>);
    let who = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let active: Vec<(i64, String, bool)> = seats
        .iter()
        .filter(|s| s.status.is_active())
        .filter_map(|s| {
            s.expert_id.map(|e| {
                let late = s.status == crate::domain::case::SeatStatus::Invited;
                (e, s.expert_name.clone(), late)
            })
        })
        .collect();
    let run = Action::new(move |(e, r): &(i64, String)| {
        let action = CaseAction::ReplaceSeat {
            expert: crate::domain::ids::ExpertId(*e),
            reason: r.clone(),
        };
        async move {
            match case_action(ActionInput {
                id,
                version,
                action,
                note: String::new(),
            })
            .await
            {
                Ok(_) => reload.update(|n| *n += 1),
                Err(e) => error.set(Some(e)),
            }
        }
    });
    view! {
        <details class="details" data-testid="replace-seat">
            <summary>{t("replace.title")}</summary>
            <p class="hint">{t("replace.hint")}</p>
            <ErrorSummary error=Signal::derive(move || error.get()) />
            <div class="form-group">
                <label class="label" for="replace-who">{t("replace.who")}</label>
                <select class="select" id="replace-who" bind:value=who>
                    <option value="">"—"</option>
                    {active.into_iter().map(|(e, n, invited)| view! {
                        <option value=e.to_string()>{n}{invited.then(|| locale.tr("replace.not_answered"))}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="form-group">
                <label class="label" for="replace-reason">{t("replace.reason")}</label>
                <textarea class="textarea" id="replace-reason" rows="2" bind:value=reason></textarea>
            </div>
            <button type="button" class="button button--warning" data-testid="replace-submit" disabled=move || run.pending().get()
                on:click=move |_| {
                    if let Ok(e) = who.get_untracked().parse::<i64>() {
                        run.dispatch((e, reason.get_untracked()));
                    }
                }>{t("action.replace_seat")}</button>
        </details>
    }
}

/// The clerk names another member the panel lead (组长), who drafts the opinion.
#[component]
fn LeadForm(
    id: i64,
    version: i32,
    seats: Vec<crate::api::draws::SeatView>,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let error = RwSignal::new(None::<AppError>);
    let who = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let active: Vec<(i64, String, bool)> = seats
        .iter()
        .filter(|s| s.status.is_active())
        .map(|s| (s.seat_id, s.expert_name.clone(), s.lead))
        .collect();
    let run = Action::new(move |(seat, r): &(i64, String)| {
        let (seat, r) = (*seat, r.clone());
        async move {
            match crate::api::opinions::set_panel_lead(id, version, seat, r).await {
                Ok(_) => reload.update(|n| *n += 1),
                Err(e) => error.set(Some(e)),
            }
        }
    });
    view! {
        <details class="details" data-testid="set-lead">
            <summary>{t("lead.title")}</summary>
            <p class="hint">{t("lead.hint")}</p>
            <ErrorSummary error=Signal::derive(move || error.get()) />
            <div class="form-group">
                <label class="label" for="lead-who">{t("lead.who")}</label>
                <select class="select" id="lead-who" bind:value=who>
                    <option value="">"—"</option>
                    {active.into_iter().map(|(s, n, lead)| view! {
                        <option value=s.to_string() disabled=lead>{n}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="form-group">
                <label class="label" for="lead-reason">{t("lead.reason")}</label>
                <textarea class="textarea" id="lead-reason" rows="2" bind:value=reason></textarea>
            </div>
            <button type="button" class="button button--secondary" data-testid="lead-submit" disabled=move || run.pending().get()
                on:click=move |_| {
                    if let Ok(s) = who.get_untracked().parse::<i64>() {
                        run.dispatch((s, reason.get_untracked()));
                    }
                }>{t("lead.button")}</button>
        </details>
    }
}

/// The director sets the level's draw rules: whether only experts whose title the pool manager
/// checked are drawn (guide 五(三)).
#[component]
fn RulesForm(case_id: i64, on: bool, reload: RwSignal<u32>) -> impl IntoView {
    let wanted = RwSignal::new(on);
    let error = RwSignal::new(None::<crate::api::AppError>);
    let save = Action::new(move |v: &bool| {
        let v = *v;
        async move {
            match crate::api::draws::set_draw_settings(case_id, v).await {
                Ok(()) => {
                    error.set(None);
                    reload.update(|n| *n += 1);
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    view! {
        <details class="details" data-testid="draw-rules">
            <summary>{t("draw.rules.title")}</summary>
            <ErrorSummary error=Signal::derive(move || error.get()) />
            <div class="checkbox">
                <input type="checkbox" id="rule-verified-titles" prop:checked=move || wanted.get()
                    on:change=move |ev| wanted.set(event_target_checked(&ev)) />
                <label for="rule-verified-titles">{t("draw.rules.verified_titles_input")}</label>
            </div>
            <p class="hint">{t("draw.rules.hint")}</p>
            <button type="button" class="button button--secondary" data-testid="draw-rules-save" disabled=move || save.pending().get()
                on:click=move |_| { save.dispatch(wanted.get_untracked()); }>
                {t("draw.rules.save")}
            </button>
        </details>
    }
}
