//! 复审 on the case page: the institution's application form (grounds, request, new evidence,
//! undertaking) while the window is open, the window's closing date after it, the application
//! as filed with the county's decision and the prefecture's receipt, the county director's
//! decision form, the link between the county case and its prefecture case, and both rounds'
//! opinions side by side.

use super::StateTag;
use crate::api::cases::{case_action, ActionInput, CaseDetail};
use crate::api::rereview::{request_rereview, RereviewInput, RoundOpinion};
use crate::api::AppError;
use crate::domain::case::{CaseLevel, CaseState};
use crate::domain::error::FieldErrors;
use crate::domain::lifecycle::{Action as CaseAction, ActionKind};
use crate::domain::material::MaterialKind;
use crate::domain::rereview::RereviewApplication;
use crate::domain::role::Role;
use crate::i18n::use_locale;
use crate::ui::components::{field_messages, ErrorSummary};
use crate::ui::t;
use leptos::prelude::*;

/// A labelled text area with hint and its errors above it (GOV.UK pattern).
#[component]
fn Area(
    id: &'static str,
    label: &'static str,
    hint: &'static str,
    value: RwSignal<String>,
    errors: Signal<FieldErrors>,
    #[prop(default = 4)] rows: u32,
) -> AnyView {
    let locale = use_locale();
    let msgs = move || field_messages(&errors.get(), id, locale.get());
    view! {
        <div class="form-group" class:form-group--error=move || !msgs().is_empty()>
            <label class="label" for=id>{t(label)}</label>
            <div class="hint" id=format!("{id}-hint")>{t(hint)}</div>
            {move || msgs().into_iter().map(|m| view! { <p class="error-message">{m}</p> }).collect_view()}
            <textarea class="textarea" id=id rows=rows aria-describedby=format!("{id}-hint") bind:value=value></textarea>
        </div>
    }
    .into_any()
}

fn date(d: chrono::NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

#[component]
pub fn RereviewSection(
    case: CaseDetail,
    reload: RwSignal<u32>,
    done: RwSignal<Option<String>>,
) -> AnyView {
    let locale = use_locale();
    let r = case.rereview.clone();
    let is_institution = case.viewer_role == Role::InstitutionUser;
    let closed = is_institution
        && !r.prefecture
        && !r.can_apply
        && r.application.is_none()
        && matches!(case.state, CaseState::Determined | CaseState::Final)
        && r.window_end.is_some();
    let evidence: Vec<_> = case
        .materials
        .iter()
        .filter(|m| m.kind == MaterialKind::RereviewEvidence && !m.superseded)
        .cloned()
        .collect();
    let decides = case.actions.contains(&ActionKind::ForwardRereview)
        || case.actions.contains(&ActionKind::RefuseRereview);
    view! {
        {r.parent.clone().map(|p| view! {
            <div class="panel" data-testid="parent-case">
                <p>
                    {move || locale.tr("rereview.child_of")}" "
                    <a href=format!("/cases/{}", p.id)>{p.number.clone().unwrap_or_default()}</a>" "
                    <StateTag state=p.state />
                </p>
            </div>
        })}
        {r.child.clone().map(|c| view! {
            <div class="panel" data-testid="child-case">
                <p>
                    {move || locale.tr("rereview.parent_of")}" "
                    <a href=format!("/cases/{}", c.id) data-testid="child-link">{c.number.clone().unwrap_or_default()}</a>" "
                    <StateTag state=c.state />
                </p>
            </div>
        })}
        {(r.can_apply && is_institution).then(|| view! {
            <ApplyForm case=case.clone() reload done />
        })}
        {closed.then(|| {
            let end = r.window_end.map(date).unwrap_or_default();
            view! {
                <div class="panel" data-testid="rereview-closed">
                    <p>{move || locale.tr_with("rereview.closed", &[("date".into(), end.clone())])}</p>
                </div>
            }
        })}
        {r.application.clone().map(|a| {
            let cat = case.category.map(|c| c.label_key());
            let det = case.determined_on.map(date).unwrap_or_default();
            let inst = case.institution.name.clone();
            let evidence = evidence.clone();
            let decision_key = a.decision.as_deref().map(|d| if d == "forwarded" { "rereview.decision.forwarded" } else { "rereview.decision.refused" });
            view! {
                <section class="panel document" data-testid="rereview-application">
                    <h2 class="panel__title">{t("rereview.application.title")}</h2>
                    <dl class="summary-list">
                        <div><dt>{t("rereview.applicant")}</dt><dd>{inst}</dd></div>
                        <div><dt>{t("rereview.original")}</dt><dd>{move || cat.map(|k| locale.tr(k)).unwrap_or_default()}" · "{det.clone()}</dd></div>
                        <div><dt>{t("rereview.grounds")}</dt><dd class="pre" data-testid="rereview-grounds">{a.grounds.clone()}</dd></div>
                        <div><dt>{t("rereview.request")}</dt><dd class="pre">{a.request.clone()}</dd></div>
                        <div><dt>{t("rereview.evidence")}</dt><dd>
                            {if evidence.is_empty() {
                                view! { <span>{t("rereview.evidence.none")}</span> }.into_any()
                            } else {
                                view! { <ul class="plain">{evidence.into_iter().map(|m| view! { <li><a href=format!("/files/materials/{}", m.id) download=m.file_name.clone()>{m.file_name.clone()}</a></li> }).collect_view()}</ul> }.into_any()
                            }}
                        </dd></div>
                        <div><dt>{t("rereview.undertaking")}</dt><dd>{if a.undertaking { t("rereview.undertaking.given")() } else { "—".to_string() }}</dd></div>
                        <div><dt>{t("rereview.filed")}</dt><dd>{a.filed_at.clone()}" · "{a.filed_by.clone()}</dd></div>
                        <div><dt>{t("rereview.county_decision")}</dt><dd data-testid="rereview-decision">
                            {match decision_key {
                                Some(k) => view! {
                                    <strong>{move || locale.tr(k)}</strong>
                                    " · "{a.decided_at.clone().unwrap_or_default()}" · "{a.decided_by.clone()}
                                    {(!a.decision_text.is_empty()).then(|| view! { <p class="pre">{a.decision_text.clone()}</p> })}
                                }.into_any(),
                                None => view! { <span>{t("rereview.decision.pending")}</span> }.into_any(),
                            }}
                        </dd></div>
                        {a.child.clone().map(|c| view! {
                            <div><dt>{t("rereview.receipt")}</dt><dd data-testid="rereview-receipt">
                                {move || locale.tr_with("rereview.received", &[("number".into(), c.number.clone().unwrap_or_default()), ("at".into(), a.received_at.clone().unwrap_or_default())])}
                            </dd></div>
                        })}
                    </dl>
                </section>
            }
        })}
        {decides.then(|| view! { <DecideForm case=case.clone() reload done /> })}
        {(!r.rounds.is_empty() && (r.parent.is_some() || r.child.is_some())).then(|| {
            let rounds = r.rounds.clone();
            view! {
                <section data-testid="rounds">
                    <h2>{t("rereview.rounds")}</h2>
                    <div class="rounds">
                        {rounds.into_iter().map(|o| view! { <Round o /> }).collect_view()}
                    </div>
                </section>
            }
        })}
    }
    .into_any()
}

/// One round's opinion in a column.
#[component]
fn Round(o: RoundOpinion) -> AnyView {
    let locale = use_locale();
    let title = match o.level {
        CaseLevel::County => "rereview.round.first",
        CaseLevel::Prefecture => "rereview.round.prefecture",
    };
    let conclusion = o
        .conclusion
        .map(|c| c.label_key())
        .unwrap_or("rereview.round.undetermined");
    let category = o.category.map(|c| c.label_key());
    let det = o.determined_on.map(date).unwrap_or_default();
    view! {
        <article class="card round" data-testid="round" data-level=o.level.code()>
            <p class="caption">{o.bureau_name.clone()}" · "{o.number.clone().unwrap_or_default()}</p>
            <h3 class="card__title">{t(title)}</h3>
            <p>{t("rereview.round.conclusion")}"："<strong data-testid="round-conclusion">{move || locale.tr(conclusion)}</strong></p>
            {category.map(|k| view! { <p>{move || locale.tr_with("case.determined", &[("date".into(), det.clone()), ("category".into(), locale.tr(k))])}</p> })}
            <p class="pre">{o.reasons.clone()}</p>
            <ul class="plain">
                {o.findings.iter().map(|f| {
                    let counts = format!("S {} · N {} · U {}", f.counts[0], f.counts[1], f.counts[2]);
                    view! { <li><strong>{f.name.clone()}</strong>" （"{counts}"）"<div class="hint pre">{f.text.clone()}</div></li> }
                }).collect_view()}
            </ul>
            <p class="hint">{move || locale.tr_with("rereview.round.members", &[("n".into(), o.members.to_string()), ("dissents".into(), o.dissents.to_string())])}</p>
            {o.verify_code.clone().map(|c| view! { <p>{t("rereview.round.code")}" "<a href=format!("/verify?code={c}")>{c.clone()}</a></p> })}
            {o.pdf.then(|| view! { <p><a class="button button--secondary button--small" href=format!("/files/cases/{}/opinion.pdf", o.case_id) rel="external">{t("rereview.round.pdf")}</a></p> })}
        </article>
    }
    .into_any()
}

/// 复审申请书: the institution's form.
#[component]
fn ApplyForm(case: CaseDetail, reload: RwSignal<u32>, done: RwSignal<Option<String>>) -> AnyView {
    let locale = use_locale();
    let grounds = RwSignal::new(String::new());
    let request = RwSignal::new(String::new());
    let undertaking = RwSignal::new(false);
    let error = RwSignal::new(None::<AppError>);
    let errors = Signal::derive(move || error.get().map(|e| e.field_errors()).unwrap_or_default());
    let case_id = RwSignal::new(Some(case.id));
    let materials = RwSignal::new(case.materials.clone());
    let (id, version) = (case.id, case.version);
    let end = case.rereview.window_end.map(date).unwrap_or_default();
    let submit = Action::new(move |_: &()| async move {
        let application = RereviewApplication {
            grounds: grounds.get_untracked(),
            request: request.get_untracked(),
            undertaking: undertaking.get_untracked(),
        };
        // The same checks as the server, before sending.
        let errs = crate::domain::rereview::validate_application(&application);
        if !errs.is_empty() {
            error.set(Some(AppError::Validation(errs)));
            return;
        }
        match request_rereview(RereviewInput {
            id,
            version,
            application,
        })
        .await
        {
            Ok(_) => {
                error.set(None);
                done.set(Some(ActionKind::RequestRereview.label_key()));
                reload.update(|n| *n += 1);
            }
            Err(e) => error.set(Some(e)),
        }
    });
    let und_msgs = move || field_messages(&errors.get(), "undertaking", locale.get());
    view! {
        <section class="panel" data-testid="rereview-form">
            <ErrorSummary error=Signal::derive(move || error.get()) />
            <h2 class="panel__title">{t("rereview.form.title")}</h2>
            <p>{move || locale.tr_with("rereview.form.window", &[("date".into(), end.clone())])}</p>
            <Area id="grounds" label="rereview.grounds" hint="rereview.grounds.hint" value=grounds errors rows=6 />
            <Area id="request" label="rereview.request" hint="rereview.request.hint" value=request errors rows=2 />
            <div class="form-group">
                <p class="label">{t("rereview.evidence")}</p>
                <div class="hint">{t("rereview.evidence.hint")}</div>
                <super::form::MaterialSlot kind=MaterialKind::RereviewEvidence case_id materials server_error=error />
            </div>
            <div class="form-group" class:form-group--error=move || !und_msgs().is_empty()>
                {move || und_msgs().into_iter().map(|m| view! { <p class="error-message">{m}</p> }).collect_view()}
                <div class="checkbox">
                    <input type="checkbox" id="undertaking" prop:checked=move || undertaking.get() on:change=move |ev| undertaking.set(event_target_checked(&ev)) />
                    <label for="undertaking">{t("rereview.undertaking.text")}</label>
                </div>
            </div>
            <button type="button" class="button" data-testid="submit-rereview" disabled=move || submit.pending().get() on:click=move |_| { submit.dispatch(()); }>
                {t("rereview.form.submit")}
            </button>
        </section>
    }
    .into_any()
}

/// The county director forwards the application (comments optional) or refuses it (reasons).
#[component]
fn DecideForm(case: CaseDetail, reload: RwSignal<u32>, done: RwSignal<Option<String>>) -> AnyView {
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let errors = Signal::derive(move || error.get().map(|e| e.field_errors()).unwrap_or_default());
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
                    reload.update(|n| *n += 1);
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let due = case.due_on.map(date).unwrap_or_default();
    let locale = use_locale();
    view! {
        <section class="panel" data-testid="rereview-decide">
            <ErrorSummary error=Signal::derive(move || error.get()) />
            <h2 class="panel__title">{t("rereview.decide.title")}</h2>
            <p>{move || locale.tr_with("rereview.decide.due", &[("date".into(), due.clone())])}</p>
            <Area id="decision" label="rereview.decide.text" hint="rereview.decide.hint" value=text errors />
            <div class="button-group">
                <button type="button" class="button" data-testid="forward-rereview" disabled=move || run.pending().get()
                    on:click=move |_| { run.dispatch(CaseAction::ForwardRereview { reasons: text.get_untracked() }); }>
                    {t("action.forward_rereview")}
                </button>
                <button type="button" class="button button--warning" data-testid="refuse-rereview" disabled=move || run.pending().get()
                    on:click=move |_| { run.dispatch(CaseAction::RefuseRereview { reasons: text.get_untracked() }); }>
                    {t("action.refuse_rereview")}
                </button>
            </div>
        </section>
    }
    .into_any()
}
