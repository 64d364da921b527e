//! 信用记录 on the case page (the institution's records; a director terminates the case with a
//! record) and on the expert's page (a director suspends or removes the expert with a record).

use crate::api::credit::{file_credit, CreditFiling, CreditRecords};
use crate::api::AppError;
use crate::domain::credit::{CreditInput, CreditKind, CreditSubject, ExpertMeasure};
use crate::i18n::use_locale;
use crate::ui::components::{ErrorSummary, FieldErrorMessages};
use crate::ui::t;
use leptos::prelude::*;

/// The records and, for a director, the form. `records` come with the page (no resource of
/// its own); `case_id` is the case the page is about (an institution's form terminates it, so
/// it shows only while `can_terminate`). `changed` is bumped after a filing so the page reloads.
#[component]
pub fn CreditSection(
    records: CreditRecords,
    subject: CreditSubject,
    target_id: i64,
    #[prop(optional)] case_id: Option<i64>,
    #[prop(optional)] can_terminate: bool,
    #[prop(optional)] changed: Option<RwSignal<u32>>,
) -> AnyView {
    let reload = RwSignal::new(0u32);
    view! { <Records r=records subject target_id case_id can_terminate reload changed /> }
        .into_any()
}

#[component]
fn Records(
    r: CreditRecords,
    subject: CreditSubject,
    target_id: i64,
    case_id: Option<i64>,
    can_terminate: bool,
    reload: RwSignal<u32>,
    changed: Option<RwSignal<u32>>,
) -> AnyView {
    let locale = use_locale();
    let show_form = r.can_file && (subject == CreditSubject::Expert || can_terminate);
    let title = match subject {
        CreditSubject::Institution => "credit.title.institution",
        CreditSubject::Expert => "credit.title.expert",
    };
    view! {
        <section class="panel" data-testid=format!("credit-{}", subject.code())>
            <h2 class="panel__title">{t(title)}</h2>
            {if r.records.is_empty() {
                view! { <p class="hint" data-testid="credit-none">{t("credit.none")}</p> }.into_any()
            } else {
                view! {
                    <ul class="record-list" data-testid="credit-list">
                        {r.records.into_iter().map(|x| {
                            let k = x.kind.label_key();
                            let m = ExpertMeasure::from_code(&x.measure).map(|m| m.label_key())
                                .or((x.measure == "terminate").then_some("credit.measure.terminate"));
                            view! {
                                <li data-testid="credit-record">
                                    <p>
                                        <span class="tag tag--red">{move || locale.tr(k)}</span>
                                        {m.map(|m| view! { " " <strong>{move || locale.tr(m)}</strong> })}
                                        {x.case_number.clone().map(|n| view! { " · " {n} })}
                                        {x.voided_sheet.then(|| view! { " " <span class="tag tag--grey">{t("credit.voided")}</span> })}
                                    </p>
                                    {(!x.reason.is_empty()).then(|| view! { <p>{x.reason.clone()}</p> })}
                                    {x.county_record.then(|| view! { <p class="hint" data-testid="credit-county-record">{t("credit.county_record")}</p> })}
                                    {x.other_county.then(|| view! { <p class="hint" data-testid="credit-other-county">{t("credit.other_county")}</p> })}
                                    <p class="hint">{if x.filed_by.is_empty() { x.filed_at.clone() } else { format!("{} · {}", x.filed_at, x.filed_by) }}</p>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {show_form.then(|| view! { <FileForm subject target_id case_id reload changed /> })}
        </section>
    }
    .into_any()
}

#[component]
fn FileForm(
    subject: CreditSubject,
    target_id: i64,
    case_id: Option<i64>,
    reload: RwSignal<u32>,
    changed: Option<RwSignal<u32>>,
) -> AnyView {
    let locale = use_locale();
    let kinds = CreditKind::for_subject(subject);
    let kind = RwSignal::new(
        kinds
            .first()
            .map(|k| k.code().to_string())
            .unwrap_or_default(),
    );
    let measure = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let case_number = RwSignal::new(String::new());
    let void_sheet = RwSignal::new(false);
    let error = RwSignal::new(None::<AppError>);
    let done = RwSignal::new(false);
    let errors = Signal::derive(move || error.get().map(|e| e.field_errors()).unwrap_or_default());
    let run = Action::new(move |_: &()| {
        let input = CreditFiling {
            subject,
            target_id,
            case_id,
            case_number: case_number.get_untracked(),
            void_sheet: void_sheet.get_untracked(),
            form: CreditInput {
                kind: kind.get_untracked(),
                measure: measure.get_untracked(),
                reason: reason.get_untracked(),
            },
        };
        async move {
            match file_credit(input).await {
                Ok(_) => {
                    error.set(None);
                    reason.set(String::new());
                    done.set(true);
                    reload.update(|n| *n += 1);
                    if let Some(c) = changed {
                        c.update(|n| *n += 1);
                    }
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let me = crate::ui::use_me();
    let (title, hint, submit) = match subject {
        CreditSubject::Institution => (
            "credit.form.institution",
            "credit.form.institution.hint",
            "credit.submit.terminate",
        ),
        CreditSubject::Expert => (
            "credit.form.expert",
            "credit.form.expert.hint",
            "credit.submit.expert",
        ),
    };
    view! {
        <form class="form" data-testid="credit-form" on:submit=move |ev| { ev.prevent_default(); run.dispatch(()); }>
            <ErrorSummary error=Signal::derive(move || error.get()) />
            <h3>{t(title)}</h3>
            <p class="hint">{move || {
                // A county director's record stays in the county; the pool is the prefecture's.
                let county = matches!(
                    me.get().and_then(|r| r.ok()).flatten().map(|m| m.role),
                    Some(crate::domain::role::Role::CountyDirector)
                );
                let key = if county && subject == CreditSubject::Expert {
                    "credit.form.expert.hint.county"
                } else {
                    hint
                };
                locale.tr(key)
            }}</p>
            {move || done.get().then(|| view! { <p class="banner" role="status" data-testid="credit-filed">{t("credit.filed")}</p> })}
            <div class="form-group">
                <label class="label" for="kind">{t("credit.kind")}</label>
                <FieldErrorMessages errors field="kind" />
                <select class="select" id="kind" data-testid="credit-kind" bind:value=kind>
                    {kinds.into_iter().map(|k| {
                        let key = k.label_key();
                        view! { <option value=k.code()>{move || locale.tr(key)}</option> }
                    }).collect_view()}
                </select>
            </div>
            {(subject == CreditSubject::Expert).then(|| view! {
                <fieldset class="form-group" id="measure">
                    <legend class="label">{t("credit.measure")}</legend>
                    <FieldErrorMessages errors field="measure" />
                    {[ExpertMeasure::Suspend, ExpertMeasure::Remove].into_iter().map(|m| {
                        let code = m.code();
                        let id = format!("measure-{code}");
                        let key = m.label_key();
                        view! {
                            <div class="radio">
                                <input type="radio" name="measure" id=id.clone() value=code data-testid=format!("credit-measure-{code}")
                                    on:change=move |_| measure.set(code.to_string()) />
                                <label for=id>{move || locale.tr(key)}</label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
            })}
            {(subject == CreditSubject::Expert).then(|| view! {
                <div class="form-group">
                    <label class="label" for="case_number">{t("credit.case_number")}</label>
                    <div class="hint" id="case_number-hint">{t("credit.case_number.hint")}</div>
                    <FieldErrorMessages errors field="case_number" />
                    <input class="input input--date" id="case_number" type="text" maxlength="20" aria-describedby="case_number-hint" data-testid="credit-case" bind:value=case_number />
                </div>
                <div class="checkbox form-group">
                    <input type="checkbox" id="void_sheet" data-testid="credit-void" bind:checked=void_sheet />
                    <label for="void_sheet">{t("credit.void_sheet")}</label>
                </div>
            })}
            <div class="form-group">
                <label class="label" for="reason">{t("credit.reason")}</label>
                <div class="hint" id="reason-hint">{t("credit.reason.hint")}</div>
                <FieldErrorMessages errors field="reason" />
                <textarea class="textarea" id="reason" rows="4" aria-describedby="reason-hint" data-testid="credit-reason" bind:value=reason></textarea>
            </div>
            <button class="button button--warning" type="submit" data-testid="credit-submit" disabled=move || run.pending().get()>{t(submit)}</button>
        </form>
    }
    .into_any()
}
