//! 鉴定结论 on the case page: the category, the basis and clause of the guide, who determined
//! and why, the 学前 consequence, whether it stands (in force, under re-review, replaced by the
//! prefecture's, revoked, void); for its director, the revocation form (九(二)).

use crate::api::determinations::{revoke_determination, DeterminationView, RevokeInput};
use crate::api::AppError;
use crate::domain::determination::{RevocationInput, Standing};
use crate::i18n::use_locale;
use crate::ui::components::{ErrorSummary, FieldErrorMessages};
use crate::ui::t;
use leptos::prelude::*;

#[component]
pub fn DeterminationSection(
    d: DeterminationView,
    case_id: i64,
    version: i32,
    reload: RwSignal<u32>,
) -> AnyView {
    let locale = use_locale();
    let cat = d.category.label_key();
    let basis = d.basis.label_key();
    let standing = d.standing.label_key();
    let tone = match d.standing {
        Standing::Effective => "tag tag--green",
        Standing::UnderRereview => "tag tag--yellow",
        Standing::Superseded | Standing::Revoked | Standing::Void => "tag tag--grey",
    };
    let form = d
        .can_revoke
        .then(|| view! { <RevokeForm case_id version choices=d.credit_choices.clone() reload /> });
    view! {
        <section class="panel" data-testid="determination">
            <h2 class="panel__title">{t("determination.title")}</h2>
            <dl class="summary-list">
                <div><dt>{t("determination.category")}</dt><dd data-testid="determination-category">{move || locale.tr(cat)}</dd></div>
                <div><dt>{t("determination.standing")}</dt><dd><span class=tone data-testid="determination-standing">{move || locale.tr(standing)}</span></dd></div>
                <div><dt>{t("determination.date")}</dt><dd>{d.determined_on.clone()}</dd></div>
                <div><dt>{t("determination.basis")}</dt><dd data-testid="determination-basis">{move || locale.tr(basis)}" · "{move || locale.tr_with("determination.clause", &[("clause".into(), d.clause.clone())])}</dd></div>
                {(!d.decided_by.is_empty()).then(|| view! { <div><dt>{t("determination.by")}</dt><dd>{d.decided_by.clone()}</dd></div> })}
                {(!d.reasons.is_empty()).then(|| view! { <div><dt>{t("determination.reasons")}</dt><dd>{d.reasons.clone()}</dd></div> })}
            </dl>
            {d.preschool_prohibited.then(|| view! {
                <div class="banner banner--warning-static" role="note" data-testid="determination-prohibited">
                    <p>{t("determination.preschool_prohibited")}</p>
                </div>
            })}
            {d.revoked_at.clone().map(|at| view! {
                <div class="banner banner--warning-static" role="note" data-testid="determination-revoked">
                    <h3 class="banner__title">{move || locale.tr_with("determination.revoked_at", &[("time".into(), at.clone())])}</h3>
                    <p>{d.revoke_reason.clone()}</p>
                </div>
            })}
            {form}
        </section>
    }
    .into_any()
}

#[component]
fn RevokeForm(
    case_id: i64,
    version: i32,
    choices: Vec<(i64, String)>,
    reload: RwSignal<u32>,
) -> AnyView {
    let reason = RwSignal::new(String::new());
    let record = RwSignal::new(choices.first().map(|c| c.0.to_string()).unwrap_or_default());
    let error = RwSignal::new(None::<AppError>);
    let errors = Signal::derive(move || error.get().map(|e| e.field_errors()).unwrap_or_default());
    let run = Action::new(move |_: &()| {
        let input = RevokeInput {
            case_id,
            version,
            revocation: RevocationInput {
                reason: reason.get_untracked(),
                credit_record: record.get_untracked().parse().ok(),
            },
        };
        async move {
            match revoke_determination(input).await {
                Ok(_) => {
                    error.set(None);
                    reload.update(|n| *n += 1);
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let none = choices.is_empty();
    view! {
        <form class="form" data-testid="revoke-form" on:submit=move |ev| { ev.prevent_default(); run.dispatch(()); }>
            <ErrorSummary error=Signal::derive(move || error.get()) />
            <h3>{t("determination.revoke.title")}</h3>
            <p class="hint">{t("determination.revoke.hint")}</p>
            <div class="form-group" id="revocation-credit_record">
                <label class="label" for="revoke-record">{t("determination.revoke.record")}</label>
                <FieldErrorMessages errors field="revocation.credit_record" />
                {if none {
                    view! { <p class="hint" data-testid="revoke-no-record">{t("determination.revoke.no_record")}</p> }.into_any()
                } else {
                    view! {
                        <select class="select" id="revoke-record" data-testid="revoke-record" bind:value=record>
                            {choices.into_iter().map(|(id, label)| view! { <option value=id.to_string()>{label}</option> }).collect_view()}
                        </select>
                    }.into_any()
                }}
            </div>
            <div class="form-group">
                <label class="label" for="revocation-reason">{t("determination.revoke.reason")}</label>
                <div class="hint" id="revocation-reason-hint">{t("determination.revoke.reason.hint")}</div>
                <FieldErrorMessages errors field="revocation.reason" />
                <textarea class="textarea" id="revocation-reason" rows="4" aria-describedby="revocation-reason-hint" data-testid="revoke-reason" bind:value=reason></textarea>
            </div>
            <button class="button button--warning" type="submit" data-testid="revoke-submit" disabled=move || none || run.pending().get()>{t("determination.revoke.submit")}</button>
        </form>
    }
    .into_any()
}
