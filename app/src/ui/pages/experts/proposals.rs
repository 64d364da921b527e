//! `/experts/proposals`: county staff see their county's proposals and the outcomes; prefecture
//! staff approve (the expert is created) or reject (with a reason) the pending ones.

use super::{labels, proposal_status_key};
use crate::api::experts::{decide_proposal, expert_pool_meta, expert_proposals, ProposalView};
use crate::api::AppError;
use crate::domain::item::ItemDomain;
use crate::domain::terms::Stage;
use crate::i18n::use_locale;
use crate::ui::components::{field_messages, ErrorSummary};
use crate::ui::t;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ProposalsPage() -> impl IntoView {
    let locale = use_locale();
    let reload = RwSignal::new(0u32);
    let list = Resource::new_blocking(move || reload.get(), |_| expert_proposals());
    let meta = Resource::new_blocking(|| (), |_| expert_pool_meta());
    view! {
        <Title text=t("experts.proposals.title") />
        <p><a href="/experts">{t("experts.back")}</a></p>
        <h1>{t("experts.proposals.title")}</h1>
        <Suspense fallback=|| view! { <p class="hint">"…"</p> }>
            {move || match (list.get(), meta.get()) {
                (Some(Ok(ps)), Some(Ok(m))) if ps.is_empty() => {
                    let _ = m;
                    Some(view! { <div class="panel panel--empty"><p>{t("experts.proposals.none")}</p></div> }.into_any())
                }
                (Some(Ok(ps)), Some(Ok(m))) => Some(ps.into_iter().map(|p| view! { <Proposal p can_decide=m.can_edit reload /> }).collect_view().into_any()),
                (Some(Err(e)), _) | (_, Some(Err(e))) => Some(view! { <p class="error-message">{e.message(locale.get())}</p> }.into_any()),
                _ => None,
            }}
        </Suspense>
    }
}

#[component]
fn Proposal(p: ProposalView, can_decide: bool, reload: RwSignal<u32>) -> impl IntoView {
    let locale = use_locale();
    let i = p.input.clone();
    let (title, kind, domains, stages) = (i.title, i.kind, i.domains.clone(), i.stages.clone());
    let status_class = match p.status.as_str() {
        "approved" => "tag tag--green",
        "rejected" => "tag tag--red",
        _ => "tag tag--yellow",
    };
    let skey = proposal_status_key(&p.status);
    let pending = p.status == "pending";
    view! {
        <section class="card" data-testid="proposal">
            <h2 class="card__title">{i.name.clone()} " " <span class=status_class data-testid="proposal-status">{move || locale.tr(skey)}</span></h2>
            <dl class="summary-list">
                <div><dt>{t("experts.col.employer")}</dt><dd>{i.employer.clone()}</dd></div>
                <div><dt>{t("experts.col.title_kind")}</dt><dd>{move || format!("{} · {}", locale.tr(title.label_key()), locale.tr(kind.label_key()))}</dd></div>
                <div><dt>{t("experts.col.domains_stages")}</dt><dd>{move || format!("{} / {}", labels(&domains, ItemDomain::label_key, locale.get()), labels(&stages, Stage::label_key, locale.get()))}</dd></div>
                <div><dt>{t("experts.col.mobile")}</dt><dd>{i.mobile.clone()}</dd></div>
                <div><dt>{t("experts.term")}</dt><dd>{format!("{} — {}", i.term_start.format("%Y-%m-%d"), i.term_end.format("%Y-%m-%d"))}</dd></div>
                <div><dt>{t("experts.proposal.by")}</dt><dd>{format!("{} · {} · {}", p.county_name, p.proposer_name, p.created_at)}</dd></div>
                {(!p.note.is_empty()).then(|| view! { <div><dt>{t("experts.proposal.note")}</dt><dd>{p.note.clone()}</dd></div> })}
                {p.decided_at.clone().map(|at| view! { <div><dt>{t("experts.proposal.decided_at")}</dt><dd>{at}</dd></div> })}
                {(!p.decision_reason.is_empty()).then(|| view! { <div><dt>{t("experts.proposal.reason")}</dt><dd data-testid="proposal-reason">{p.decision_reason.clone()}</dd></div> })}
                {p.expert_id.map(|id| view! { <div><dt>{t("experts.proposal.expert")}</dt><dd><a href=format!("/experts/{id}")>{t("experts.open")}</a></dd></div> })}
            </dl>
            {(can_decide && pending).then(|| view! { <Decide id=p.id version=p.version reload /> })}
        </section>
    }
}

#[component]
fn Decide(id: i64, version: i32, reload: RwSignal<u32>) -> impl IntoView {
    let locale = use_locale();
    let reason = RwSignal::new(String::new());
    let server = RwSignal::new(None::<AppError>);
    let act = Action::new(move |(approve, r): &(bool, String)| {
        let (approve, r) = (*approve, r.clone());
        async move {
            match decide_proposal(id, version, approve, r).await {
                Ok(_) => reload.update(|x| *x += 1),
                Err(e) => server.set(Some(e)),
            }
        }
    });
    let errors = Signal::derive(move || server.get().map(|e| e.field_errors()).unwrap_or_default());
    let summary = Signal::derive(move || server.get());
    let rid = format!("proposal-reason-{id}");
    view! {
        <ErrorSummary error=summary />
        <div class="form-group" id="proposal-reason" class:form-group--error=move || errors.with(|e| !e.is_empty())>
            <label class="label" for=rid.clone()>{t("experts.proposal.reason")}</label>
            <div class="hint">{t("experts.hint.reject_reason")}</div>
            {move || field_messages(&errors.get(), "proposal.reason", locale.get()).into_iter().map(|m| view! { <p class="error-message">{m}</p> }).collect_view()}
            <textarea class="textarea" id=rid rows="2" bind:value=reason></textarea>
        </div>
        <div class="button-group">
            <button type="button" class="button" data-testid="approve-proposal" disabled=move || act.pending().get()
                on:click=move |_| { server.set(None); act.dispatch((true, reason.get())); }>{t("experts.proposal.approve")}</button>
            <button type="button" class="button button--warning" data-testid="reject-proposal" disabled=move || act.pending().get()
                on:click=move |_| { server.set(None); act.dispatch((false, reason.get())); }>{t("experts.proposal.reject")}</button>
        </div>
    }
}
