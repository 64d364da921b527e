//! 专家考评 on the case page: the panel's ratings for the bureau, and for the clerk a form that
//! rates one member at a time (100 points; a reason below 60) within two working days.

use crate::api::ratings::{rate_expert, CaseRatings, RateInput};
use crate::api::AppError;
use crate::domain::rating::RatingInput;
use crate::i18n::use_locale;
use crate::ui::components::{ErrorSummary, FieldErrorMessages};
use crate::ui::t;
use leptos::prelude::*;

/// The panel's ratings as the case page carries them; a rating reloads the page (`reload`).
#[component]
pub fn RatingsSection(r: CaseRatings, case_id: i64, reload: RwSignal<u32>) -> AnyView {
    view! { <Ratings r case_id reload /> }.into_any()
}

#[component]
fn Ratings(r: CaseRatings, case_id: i64, reload: RwSignal<u32>) -> AnyView {
    let locale = use_locale();
    let due = r
        .due_on
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default();
    let pending: Vec<(i64, String)> = r
        .members
        .iter()
        .filter(|m| m.score.is_none())
        .map(|m| (m.expert_id, m.name.clone()))
        .collect();
    let overdue = r.overdue;
    let form =
        (r.can_rate && !pending.is_empty()).then(|| view! { <RateForm case_id pending reload /> });
    view! {
        <section class="panel" data-testid="ratings-section">
            <h2 class="panel__title">{t("rating.title")}</h2>
            <p data-testid="ratings-due">
                {move || locale.tr_with("rating.due", &[("date".into(), due.clone())])}
                {overdue.then(|| view! { " " <span class="tag tag--red">{t("deadline.overdue")}</span> })}
            </p>
            <div class="table-wrap">
                <table class="table" data-testid="ratings-table">
                    <thead>
                        <tr>
                            <th scope="col">{t("rating.expert")}</th>
                            <th scope="col">{t("rating.score")}</th>
                            <th scope="col">{t("rating.comment")}</th>
                            <th scope="col">{t("rating.rated")}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {r.members.into_iter().map(|m| view! {
                            <tr data-testid="rating-row">
                                <td>{m.name}</td>
                                <td>{match m.score {
                                    Some(s) => s.to_string().into_any(),
                                    None => view! { <span class="tag tag--yellow">{t("rating.pending")}</span> }.into_any(),
                                }}</td>
                                <td>{m.comment}</td>
                                <td>{m.rated_at.map(|a| format!("{a} · {}", m.rated_by))}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            {form}
        </section>
    }
    .into_any()
}

#[component]
fn RateForm(case_id: i64, pending: Vec<(i64, String)>, reload: RwSignal<u32>) -> AnyView {
    let expert = RwSignal::new(pending.first().map(|p| p.0.to_string()).unwrap_or_default());
    let score = RwSignal::new(String::new());
    let comment = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let errors = Signal::derive(move || error.get().map(|e| e.field_errors()).unwrap_or_default());
    let run = Action::new(move |_: &()| {
        let input = RateInput {
            case_id,
            expert_id: expert.get_untracked().parse().unwrap_or_default(),
            rating: RatingInput {
                score: score.get_untracked(),
                comment: comment.get_untracked(),
            },
        };
        async move {
            match rate_expert(input).await {
                Ok(()) => {
                    error.set(None);
                    score.set(String::new());
                    comment.set(String::new());
                    reload.update(|n| *n += 1);
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    view! {
        <form class="form" data-testid="rate-form" on:submit=move |ev| { ev.prevent_default(); run.dispatch(()); }>
            <ErrorSummary error=Signal::derive(move || error.get()) />
            <h3>{t("rating.form.title")}</h3>
            <div class="form-group">
                <label class="label" for="expert">{t("rating.expert")}</label>
                <select class="select" id="expert" data-testid="rate-expert" bind:value=expert>
                    {pending.into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
                </select>
            </div>
            <div class="form-group">
                <label class="label" for="score">{t("rating.score")}</label>
                <div class="hint" id="score-hint">{t("rating.score.hint")}</div>
                <FieldErrorMessages errors field="score" />
                <input class="input input--short" id="score" type="text" inputmode="numeric" maxlength="3" aria-describedby="score-hint" data-testid="rate-score" bind:value=score />
            </div>
            <div class="form-group">
                <label class="label" for="comment">{t("rating.comment")}</label>
                <div class="hint" id="comment-hint">{t("rating.comment.hint")}</div>
                <FieldErrorMessages errors field="comment" />
                <textarea class="textarea" id="comment" rows="3" aria-describedby="comment-hint" data-testid="rate-comment" bind:value=comment></textarea>
            </div>
            <button class="button" type="submit" data-testid="rate-submit" disabled=move || run.pending().get()>{t("rating.submit")}</button>
        </form>
    }
    .into_any()
}
