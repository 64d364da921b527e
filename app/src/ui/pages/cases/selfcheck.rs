//! 机构自查 on the case page, beside the materials: the self-check the institution attached
//! (its answers and the result, for reference only, never a score), and for the institution's
//! own editable application a small form to attach one of its saved self-checks.
//!
//! Everything comes with the page's data (`CaseDetail::self_check`): no resource of its own.

use crate::api::selfcheck::{attach_self_check, CaseSelfCheck, SelfCheckView};
use crate::api::AppError;
use crate::domain::error::FieldErrors;
use crate::domain::rubric::rubric;
use crate::domain::selfcheck::Answer;
use crate::i18n::{text, text_with, use_locale};
use crate::ui::components::{ErrorSummary, FieldErrorMessages};
use crate::ui::pages::selfcheck::{result_key, verdict_class};
use crate::ui::t;
use leptos::prelude::*;

#[component]
pub fn SelfCheckSection(
    sc: CaseSelfCheck,
    case_id: i64,
    reload: RwSignal<u32>,
    done: RwSignal<Option<String>>,
) -> impl IntoView {
    let locale = use_locale();
    // The attached self-check's rubric version comes with the page (the browser embeds none).
    if let Some(r) = &sc.rubric {
        crate::domain::rubric::know(r);
    }
    let attached = sc.attached.clone();
    view! {
        <section class="panel selfcheck-case" data-testid="case-selfcheck">
            <h2 class="panel__title">{t("selfcheck.case.title")}</h2>
            <p class="hint">{t("selfcheck.case.lead")}</p>
            {match attached {
                Some(v) => view! { {move || attached_view(&v, locale.get())} }.into_any(),
                None => view! { <p data-testid="case-selfcheck-none">{t("selfcheck.case.none")}</p> }.into_any(),
            }}
            {sc.can_attach.then(|| view! { <AttachForm sc=sc.clone() case_id reload done /> })}
        </section>
    }
}

/// The attached self-check: item, date, result, each dimension and every answer with its note.
fn attached_view(v: &SelfCheckView, l: &'static str) -> AnyView {
    let o = &v.outcome;
    let rub = rubric(o.rubric_version);
    let stage = v.check.stage.map(|s| {
        view! { <p>{text_with(l, "selfcheck.case.stage", &[("stage".into(), text(l, s.label_key()))])}</p> }
    });
    let rows = rub.map(|r| {
        r.dimensions
            .iter()
            .map(|d| {
                let result = o
                    .dimensions
                    .iter()
                    .find(|x| x.id == d.id)
                    .map(|x| text(l, result_key(x.result)))
                    .unwrap_or_default();
                view! {
                    <tbody data-dimension=d.id.clone()>
                        <tr class="selfcheck-case__dim">
                            <th scope="rowgroup" colspan="3">{d.name.get(l).to_string()}" · "{result}</th>
                        </tr>
                        {d.indicators.iter().map(|i| {
                            let a = v.check.answer(&i.id);
                            let answer = a.map(|a: Answer| text(l, a.label_key())).unwrap_or_else(|| text(l, "selfcheck.case.unanswered"));
                            view! {
                                <tr data-testid="case-selfcheck-answer" data-indicator=i.id.clone() data-answer=a.map(|a| a.code()).unwrap_or("")>
                                    <td>{i.name.get(l).to_string()}</td>
                                    <td>{answer}</td>
                                    <td class="pre">{v.check.note(&i.id).to_string()}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                }
            })
            .collect_view()
    });
    view! {
        <div data-testid="case-selfcheck-attached" data-id=v.id.to_string()>
            <p class="caption">{text_with(l, "selfcheck.case.meta", &[("item".into(), v.item_name.clone()), ("at".into(), v.created_at.clone())])}</p>
            <p class="selfcheck-verdict">
                {text(l, "selfcheck.case.verdict")}" "
                <span class=verdict_class(o.verdict) data-testid="case-selfcheck-verdict" data-verdict=o.verdict.code()>{text(l, o.verdict.label_key())}</span>
            </p>
            {stage}
            <h3>{text(l, "selfcheck.case.answers")}</h3>
            <div class="table-wrap">
                <table class="table selfcheck-case__table">
                    <thead>
                        <tr>
                            <th scope="col">{text(l, "selfcheck.case.col.indicator")}</th>
                            <th scope="col">{text(l, "selfcheck.case.col.answer")}</th>
                            <th scope="col">{text(l, "selfcheck.case.col.note")}</th>
                        </tr>
                    </thead>
                    {rows}
                </table>
            </div>
        </div>
    }
    .into_any()
}

/// Choose one of the institution's saved self-checks and attach it (replacing the one before).
#[component]
fn AttachForm(
    sc: CaseSelfCheck,
    case_id: i64,
    reload: RwSignal<u32>,
    done: RwSignal<Option<String>>,
) -> impl IntoView {
    let locale = use_locale();
    let current = sc.attached.as_ref().map(|a| a.id);
    let chosen = RwSignal::new(current.map(|id| id.to_string()).unwrap_or_default());
    let error = RwSignal::new(None::<AppError>);
    let attach = Action::new(move |id: &i64| {
        let id = *id;
        async move {
            match attach_self_check(case_id, id).await {
                Ok(()) => {
                    error.set(None);
                    done.set(Some("selfcheck.case.attach".into()));
                    reload.update(|n| *n += 1);
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let field_errors =
        Signal::derive(move || error.get().map(|e| e.field_errors()).unwrap_or_default());
    let has_err = move || field_errors.with(|e| e.for_field("selfcheck_id").next().is_some());
    if sc.choices.is_empty() {
        return view! {
            <div class="selfcheck-attach" data-testid="attach-selfcheck-none">
                <p>{t("selfcheck.case.attach.none")}</p>
                <p><a class="button button--secondary" href="/public/self-check" data-testid="attach-selfcheck-go">{t("selfcheck.case.attach.go")}</a></p>
            </div>
        }
        .into_any();
    }
    view! {
        <div class="selfcheck-attach" data-testid="attach-selfcheck-form">
            <ErrorSummary error=Signal::derive(move || error.get()) />
            <div class="form-group" class:form-group--error=has_err>
                <label class="label" for="selfcheck_id">{t("selfcheck.case.attach.label")}</label>
                <div class="hint" id="selfcheck_id-hint">{t("selfcheck.case.attach.hint")}</div>
                <FieldErrorMessages errors=field_errors field="selfcheck_id" />
                <select class="select" id="selfcheck_id" aria-describedby="selfcheck_id-hint" data-testid="attach-selfcheck-choice"
                    on:change=move |ev| chosen.set(event_target_value(&ev))>
                    <option value="">{t("selfcheck.case.attach.choose")}</option>
                    {sc.choices.iter().map(|c| {
                        let elsewhere = c.case_id.is_some_and(|x| x != case_id);
                        let label = {
                            let (name, at, vk) = (c.item_name.clone(), c.created_at.clone(), c.verdict.label_key());
                            move || {
                                let l = locale.get();
                                let mut s = format!("{name}（{}，{at}）", text(l, vk));
                                if elsewhere {
                                    s.push_str(&text(l, "selfcheck.case.in_use"));
                                }
                                s
                            }
                        };
                        view! {
                            <option value=c.id.to_string() disabled=elsewhere selected=current == Some(c.id)>{label}</option>
                        }
                    }).collect_view()}
                </select>
            </div>
            <button type="button" class="button" data-testid="attach-selfcheck" disabled=move || attach.pending().get()
                on:click=move |_| {
                    match chosen.get_untracked().parse::<i64>() {
                        Ok(id) => { attach.dispatch(id); }
                        Err(_) => {
                            let mut e = FieldErrors::new();
                            e.add("selfcheck_id", "err.selfcheck.choose");
                            error.set(Some(AppError::Validation(e)));
                        }
                    }
                }>
                {t("selfcheck.case.attach")}
            </button>
        </div>
    }
    .into_any()
}
