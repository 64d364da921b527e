//! 机构自查 (`/public/self-check`, no sign-in): the two categories in plain words (the national
//! subject lists, the four dimensions and what each side looks like, the pre-school rule), then
//! the self-check itself: every indicator of the current rubric answered 符合学科类特征 /
//! 符合非学科类特征 / 不确定 with an optional note, and the result the experts' rule gives, with
//! what points towards 学科类 and what the experts would look at. A signed-in institution can
//! also save it (and attach it to an application on the case page); nobody else's answers are
//! stored.

use crate::api::selfcheck::{
    evaluate_self_check, save_self_check, self_check_page, self_check_rubric, SelfCheckPageData,
    SelfCheckSummary, SelfCheckToSave,
};
use crate::api::AppError;
use crate::domain::error::FieldErrors;
use crate::domain::rubric::{Dimension, Indicator, Rubric};
use crate::domain::selfcheck::{
    validate_answers, validate_for_save, Answer, IndicatorPointer, SelfCheck, SelfCheckOutcome,
};
use crate::domain::sheet::ExpertVerdict;
use crate::domain::terms::{Rating, Stage};
use crate::i18n::{text, use_locale};
use crate::ui::components::{field_messages, ErrorSummary, TextField};
use crate::ui::t;
use leptos::prelude::*;
use leptos_meta::Title;

/// A verdict in colour (with its words beside it).
pub fn verdict_class(v: ExpertVerdict) -> &'static str {
    match v {
        ExpertVerdict::Subject => "tag tag--red",
        ExpertVerdict::NonSubject => "tag tag--green",
        ExpertVerdict::Undetermined => "tag tag--yellow",
    }
}

/// A dimension's result in words.
pub fn result_key(r: Rating) -> &'static str {
    match r {
        Rating::S => "selfcheck.result.dim.s",
        Rating::N => "selfcheck.result.dim.n",
        Rating::U => "selfcheck.result.dim.u",
    }
}

/// The errors with each indicator's id (the `indicator` argument) replaced by its name in the
/// reader's language.
pub fn with_names(e: AppError, rub: &Rubric, locale: &str) -> AppError {
    match e {
        AppError::Validation(mut f) => {
            for err in &mut f.0 {
                for (k, v) in &mut err.args {
                    if k == "indicator" {
                        if let Some((_, i)) = rub.indicator(v) {
                            *v = i.name.get(locale).to_string();
                        }
                    }
                }
            }
            AppError::Validation(f)
        }
        other => other,
    }
}

fn empty_page() -> SelfCheckPageData {
    SelfCheckPageData {
        signed_in: false,
        can_save: false,
        saved: vec![],
    }
}

#[component]
pub fn SelfCheckPage() -> impl IntoView {
    let locale = use_locale();
    // The rubric in force comes from the server (the browser embeds none), once per visit.
    let rubric = Resource::new_blocking(|| (), |_| self_check_rubric());
    view! {
        <Suspense fallback=|| view! { <p class="hint">"…"</p> }>
            {move || rubric.get().map(|r| match r.as_ref().map(crate::domain::rubric::know) {
                Ok(Some(rub)) => view! { <SelfCheckForm rub /> }.into_any(),
                Ok(None) => view! { <p class="error-message">{t("sheet.no_rubric")}</p> }.into_any(),
                Err(e) => view! { <p class="error-message" role="alert">{e.message(locale.get())}</p> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn SelfCheckForm(rub: &'static Rubric) -> impl IntoView {
    let locale = use_locale();
    let check = RwSignal::new(SelfCheck::new(rub));
    let error = RwSignal::new(None::<AppError>);
    // The answers the result was worked out for, and the result.
    let result = RwSignal::new(None::<(SelfCheck, SelfCheckOutcome)>);
    let item_name = RwSignal::new(String::new());
    let saved_item = RwSignal::new(None::<String>);
    let reload = RwSignal::new(0u32);
    // Counts the results asked for: each one takes the focus (a save's does not).
    let shown = RwSignal::new(0u32);
    let page = Resource::new_blocking(move || reload.get(), |_| self_check_page());

    let shown_error = Signal::derive(move || error.get().map(|e| with_names(e, rub, locale.get())));
    let field_errors = Signal::derive(move || {
        shown_error
            .get()
            .map(|e| e.field_errors())
            .unwrap_or_default()
    });

    let evaluate = Action::new(move |c: &SelfCheck| {
        let c = c.clone();
        async move {
            match evaluate_self_check(c.clone()).await {
                Ok(o) => {
                    error.set(None);
                    result.set(Some((c, o)));
                    shown.update(|n| *n += 1);
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let save = Action::new(move |input: &SelfCheckToSave| {
        let input = input.clone();
        async move {
            match save_self_check(input.clone()).await {
                Ok(v) => {
                    error.set(None);
                    saved_item.set(Some(v.item_name.clone()));
                    result.set(Some((input.check, v.outcome)));
                    reload.update(|n| *n += 1);
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    // The same domain checks as the server's, before anything is sent.
    let on_evaluate = move |_| {
        let c = check.get_untracked();
        saved_item.set(None);
        match validate_answers(rub, &c).into_result() {
            Ok(()) => {
                evaluate.dispatch(c);
            }
            Err(e) => error.set(Some(AppError::Validation(e))),
        }
    };
    let on_save = move |_| {
        let c = check.get_untracked();
        let name = item_name.get_untracked();
        saved_item.set(None);
        match validate_for_save(rub, &c, &name).into_result() {
            Ok(()) => {
                save.dispatch(SelfCheckToSave {
                    item_name: name,
                    check: c,
                });
            }
            Err(e) => error.set(Some(AppError::Validation(e))),
        }
    };
    let total = rub.indicators().count();
    let answered =
        move || check.with(|c| c.answers.values().filter(|e| e.answer.is_some()).count());

    view! {
        <Title text=t("selfcheck.title") />
        <h1 data-testid="selfcheck-title">{t("selfcheck.title")}</h1>
        <p class="lead">{t("selfcheck.lead")}</p>
        <Disclaimer testid="selfcheck-disclaimer" />
        <Explanation rub />

        <section class="selfcheck-form" aria-labelledby="selfcheck-form-title">
            <ErrorSummary error=shown_error />
            <h2 id="selfcheck-form-title">{t("selfcheck.form.title")}</h2>
            <p>{t("selfcheck.form.lead")}</p>
            <StageField check />
            {rub.dimensions.iter().map(|d| view! { <DimensionFields dim=d check errors=field_errors /> }).collect_view()}
            <p class="hint" aria-live="polite" data-testid="selfcheck-progress">
                {move || locale.tr_with("selfcheck.progress", &[("n".into(), answered().to_string()), ("total".into(), total.to_string())])}
            </p>
            <button type="button" class="button" data-testid="selfcheck-evaluate" on:click=on_evaluate disabled=move || evaluate.pending().get()>
                {move || if evaluate.pending().get() { locale.tr("selfcheck.checking") } else { locale.tr("selfcheck.submit") }}
            </button>
        </section>

        <ResultPanel result check shown />

        <Transition fallback=|| view! { <p class="hint">"…"</p> }>
            {move || page.get().map(|r| {
                let d = r.unwrap_or_else(|_| empty_page());
                if d.can_save {
                    view! {
                        <section class="panel selfcheck-save" data-testid="selfcheck-save-section">
                            <h2 class="panel__title">{t("selfcheck.save.title")}</h2>
                            <p>{t("selfcheck.save.lead")}</p>
                            {move || saved_item.get().map(|item| view! {
                                <div class="panel panel--success" role="status" data-testid="selfcheck-saved">
                                    <p>{move || locale.tr_with("selfcheck.saved", &[("item".into(), item.clone())])}</p>
                                </div>
                            })}
                            <TextField name="item_name" label="selfcheck.item_name" hint="selfcheck.item_name.hint" errors=field_errors value=item_name />
                            <button type="button" class="button" data-testid="selfcheck-save" on:click=on_save disabled=move || save.pending().get()>
                                {move || if save.pending().get() { locale.tr("selfcheck.saving") } else { locale.tr("selfcheck.save") }}
                            </button>
                        </section>
                        <MySelfChecks list=d.saved />
                    }.into_any()
                } else if !d.signed_in {
                    view! {
                        <p class="panel" data-testid="selfcheck-sign-in">
                            {t("selfcheck.sign_in")}" "<a href="/login">{t("selfcheck.sign_in.link")}</a>
                        </p>
                    }.into_any()
                } else {
                    ().into_any()
                }
            })}
        </Transition>
    }
}

#[component]
fn Disclaimer(testid: &'static str) -> impl IntoView {
    view! {
        <div class="banner banner--warning-static" data-testid=testid>
            <h2 class="banner__title">{t("selfcheck.disclaimer.title")}</h2>
            <p>{t("selfcheck.disclaimer")}</p>
        </div>
    }
}

/// The two categories in plain words.
#[component]
fn Explanation(rub: &'static Rubric) -> impl IntoView {
    let locale = use_locale();
    view! {
        <section data-testid="selfcheck-explanation">
            <h2>{t("selfcheck.lists.title")}</h2>
            <p>{t("selfcheck.lists.basis")}</p>
            <div class="selfcheck-lists">
                <div class="card card--subject" data-testid="selfcheck-list-subject">
                    <h3 class="card__title">{t("selfcheck.lists.subject")}</h3>
                    <p>{t("selfcheck.lists.subject.items")}</p>
                </div>
                <div class="card card--non-subject" data-testid="selfcheck-list-non-subject">
                    <h3 class="card__title">{t("selfcheck.lists.non_subject")}</h3>
                    <p>{t("selfcheck.lists.non_subject.items")}</p>
                </div>
            </div>
            <p>{t("selfcheck.lists.note")}</p>

            <h2>{t("selfcheck.dimensions.title")}</h2>
            <p>{t("selfcheck.dimensions.lead")}</p>
            {rub.dimensions.iter().filter(|d| !d.optional).map(|d| view! {
                <div class="selfcheck-side" data-testid="selfcheck-side" data-dimension=d.id.clone()>
                    <h3>{move || d.name.get(locale.get()).to_string()}</h3>
                    <dl class="features">
                        <div><dt>{t("selfcheck.dimensions.subject")}</dt><dd>{move || d.subject_feature.get(locale.get()).to_string()}</dd></div>
                        <div><dt>{t("selfcheck.dimensions.non_subject")}</dt><dd>{move || d.non_subject_feature.get(locale.get()).to_string()}</dd></div>
                    </dl>
                </div>
            }).collect_view()}
            <p class="hint">{t("selfcheck.dimensions.supporting")}</p>

            <h2>{t("selfcheck.preschool.title")}</h2>
            <p data-testid="selfcheck-preschool-rule">{t("selfcheck.preschool.text")}</p>
        </section>
    }
}

/// Who the training is for (optional): 学前 brings in the pre-school rule.
#[component]
fn StageField(check: RwSignal<SelfCheck>) -> impl IntoView {
    let locale = use_locale();
    view! {
        <div class="form-group">
            <label class="label" for="stage">{t("selfcheck.stage")}</label>
            <div class="hint" id="stage-hint">{t("selfcheck.stage.hint")}</div>
            <select class="select" id="stage" aria-describedby="stage-hint" data-testid="selfcheck-stage"
                on:change=move |ev| {
                    let v = event_target_value(&ev);
                    check.update(|c| c.stage = Stage::from_code(&v));
                }>
                <option value="" selected=move || check.with(|c| c.stage.is_none())>{t("selfcheck.stage.none")}</option>
                {Stage::ALL.into_iter().map(|s| view! {
                    <option value=s.code() selected=move || check.with(|c| c.stage == Some(s))>{move || locale.tr(s.label_key())}</option>
                }).collect_view()}
            </select>
        </div>
    }
}

#[component]
fn DimensionFields(
    dim: &'static Dimension,
    check: RwSignal<SelfCheck>,
    errors: Signal<FieldErrors>,
) -> impl IntoView {
    let locale = use_locale();
    view! {
        <fieldset class="selfcheck-dimension" data-dimension=dim.id.clone()>
            <legend class="selfcheck-dimension__name">
                {move || dim.name.get(locale.get()).to_string()}
                {dim.optional.then(|| view! { " " <span class="tag tag--grey">{t("selfcheck.result.dim.supporting")}</span> })}
            </legend>
            <dl class="features">
                <div><dt>{t("selfcheck.feature.s")}</dt><dd>{move || dim.subject_feature.get(locale.get()).to_string()}</dd></div>
                <div><dt>{t("selfcheck.feature.n")}</dt><dd>{move || dim.non_subject_feature.get(locale.get()).to_string()}</dd></div>
            </dl>
            {dim.indicators.iter().map(|i| view! { <IndicatorFields ind=i check errors /> }).collect_view()}
        </fieldset>
    }
}

#[component]
fn IndicatorFields(
    ind: &'static Indicator,
    check: RwSignal<SelfCheck>,
    errors: Signal<FieldErrors>,
) -> impl IntoView {
    let locale = use_locale();
    let field = format!("answers.{}", ind.id);
    let base_id = field.replace('.', "-");
    let note_field = format!("{field}.note");
    let note_id = note_field.replace('.', "-");
    let note_hint = format!("{note_id}-hint");
    let answer_msgs = {
        let f = field.clone();
        move || field_messages(&errors.get(), &f, locale.get())
    };
    let note_msgs = {
        let f = note_field.clone();
        move || field_messages(&errors.get(), &f, locale.get())
    };
    let has_err = {
        let (a, n) = (answer_msgs.clone(), note_msgs.clone());
        move || !a().is_empty() || !n().is_empty()
    };
    view! {
        <fieldset class="indicator selfcheck-indicator" class:form-group--error=has_err data-indicator=ind.id.clone() data-testid="selfcheck-indicator">
            <legend class="indicator__name">
                {move || ind.name.get(locale.get()).to_string()}
                {(!ind.required).then(|| view! { " " <span class="tag tag--grey">{t("selfcheck.indicator.optional")}</span> })}
            </legend>
            <div class="descriptors">
                <p><strong>{t("selfcheck.indicator.s")}</strong>{move || ind.s_descriptor.get(locale.get()).to_string()}</p>
                <p><strong>{t("selfcheck.indicator.n")}</strong>{move || ind.n_descriptor.get(locale.get()).to_string()}</p>
            </div>
            {move || answer_msgs().into_iter().map(|m| view! { <p class="error-message">{m}</p> }).collect_view()}
            <div class="radios radios--inline">
                {Answer::ALL.into_iter().enumerate().map(|(k, a)| {
                    let id = if k == 0 { base_id.clone() } else { format!("{base_id}-{}", a.code()) };
                    view! {
                        <div class="radio">
                            <input type="radio" id=id.clone() name=base_id.clone() value=a.code()
                                prop:checked=move || check.with(|c| c.answer(&ind.id) == Some(a))
                                on:change=move |_| check.update(|c| c.answers.entry(ind.id.clone()).or_default().answer = Some(a)) />
                            <label for=id data-answer=a.code()>{move || locale.tr(a.label_key())}</label>
                        </div>
                    }
                }).collect_view()}
            </div>
            <div class="form-group selfcheck-note">
                <label class="label" for=note_id.clone()>{t("selfcheck.note")}</label>
                <div class="hint" id=note_hint.clone()>{t("selfcheck.note.hint")}</div>
                {move || note_msgs().into_iter().map(|m| view! { <p class="error-message">{m}</p> }).collect_view()}
                <textarea class="textarea" id=note_id rows="2" aria-describedby=note_hint
                    prop:value=move || check.with(|c| c.note(&ind.id).to_string())
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        check.update(|c| c.answers.entry(ind.id.clone()).or_default().note = v);
                    }></textarea>
            </div>
        </fieldset>
    }
}

/// The result, once worked out; asking for it moves the focus there so that it is read at once.
#[component]
fn ResultPanel(
    result: RwSignal<Option<(SelfCheck, SelfCheckOutcome)>>,
    check: RwSignal<SelfCheck>,
    shown: RwSignal<u32>,
) -> impl IntoView {
    let locale = use_locale();
    let node = NodeRef::<leptos::html::Section>::new();
    Effect::new(move |_| {
        if shown.get() > 0 {
            if let Some(el) = node.get() {
                el.scroll_into_view();
                let _ = el.focus();
            }
        }
    });
    let changed = move || {
        result.with(|r| {
            r.as_ref()
                .is_some_and(|(c, _)| check.with(|now| now.normalized() != c.normalized()))
        })
    };
    view! {
        <Show when=move || result.with(|r| r.is_some())>
            <section class="panel selfcheck-result" tabindex="-1" node_ref=node data-testid="selfcheck-result"
                aria-labelledby="selfcheck-result-title">
                <h2 class="panel__title" id="selfcheck-result-title">{t("selfcheck.result.title")}</h2>
                <Show when=changed>
                    <p class="banner banner--warning-static" role="status" data-testid="selfcheck-changed">{t("selfcheck.result.changed")}</p>
                </Show>
                {move || result.get().map(|(_, o)| outcome_view(&o, locale.get()))}
                <Disclaimer testid="selfcheck-result-disclaimer" />
            </section>
        </Show>
    }
}

fn pointer_view(p: &IndicatorPointer, l: &'static str, lead_key: &str) -> AnyView {
    let note = (!p.note.is_empty()).then(|| {
        view! { <p><strong>{text(l, "selfcheck.result.your_note")}</strong><span class="pre">{p.note.clone()}</span></p> }
    });
    view! {
        <li class="selfcheck-pointer" data-indicator=p.indicator.clone()>
            <p><strong>{text(l, lead_key)}</strong>{p.name.get(l).to_string()}</p>
            {note}
            <p><strong>{text(l, "selfcheck.result.experts_look")}</strong><span data-testid="selfcheck-evidence">{p.guidance.get(l).to_string()}</span></p>
        </li>
    }
    .into_any()
}

/// The result in words: the verdict, each dimension, what points towards 学科类 and why, what
/// would settle the unsure answers.
fn outcome_view(o: &SelfCheckOutcome, l: &'static str) -> AnyView {
    let explain = match o.verdict {
        ExpertVerdict::Subject => "selfcheck.result.subject.text",
        ExpertVerdict::NonSubject => "selfcheck.result.non_subject.text",
        ExpertVerdict::Undetermined => "selfcheck.result.undetermined.text",
    };
    let towards: Vec<AnyView> = o
        .towards_subject()
        .map(|d| {
            let why = if d.decisive() {
                "selfcheck.result.towards.decisive"
            } else {
                "selfcheck.result.towards.supporting"
            };
            view! {
                <div class="selfcheck-reason" data-testid="selfcheck-reason" data-dimension=d.id.clone() data-decisive=d.decisive().to_string()>
                    <h4>{d.name.get(l).to_string()}</h4>
                    <p>{text(l, why)}</p>
                    <ul class="plain">
                        {d.subject.iter().map(|p| pointer_view(p, l, "selfcheck.result.answered_s")).collect_view()}
                    </ul>
                </div>
            }
            .into_any()
        })
        .collect();
    let unsure: Vec<AnyView> = o
        .unsure()
        .map(|p| pointer_view(p, l, "selfcheck.result.answered_unsure"))
        .collect();
    view! {
        <p class="selfcheck-verdict">
            {text(l, "selfcheck.result.verdict")}" "
            <span class=verdict_class(o.verdict) data-testid="selfcheck-verdict" data-verdict=o.verdict.code()>{text(l, o.verdict.label_key())}</span>
        </p>
        <p>{text(l, explain)}</p>
        {o.preschool_prohibited.then(|| view! {
            <div class="panel panel--error" role="alert" data-testid="selfcheck-preschool"><p>{text(l, "selfcheck.result.preschool")}</p></div>
        })}
        <h3>{text(l, "selfcheck.result.dimensions")}</h3>
        <ul class="plain selfcheck-dims">
            {o.dimensions.iter().map(|d| view! {
                <li data-testid="selfcheck-dimension" data-dimension=d.id.clone() data-result=format!("{:?}", d.result)>
                    <strong>{d.name.get(l).to_string()}</strong>"："{text(l, result_key(d.result))}
                    {d.optional.then(|| view! { " " <span class="tag tag--grey">{text(l, "selfcheck.result.dim.supporting")}</span> })}
                </li>
            }).collect_view()}
        </ul>
        <h3>{text(l, "selfcheck.result.towards.title")}</h3>
        {if towards.is_empty() {
            view! { <p data-testid="selfcheck-no-reasons">{text(l, "selfcheck.result.towards.none")}</p> }.into_any()
        } else {
            towards.into_iter().collect_view().into_any()
        }}
        {(!unsure.is_empty()).then(|| view! {
            <div data-testid="selfcheck-unsure">
                <h3>{text(l, "selfcheck.result.unsure.title")}</h3>
                <p>{text(l, "selfcheck.result.unsure.lead")}</p>
                <ul class="plain">{unsure}</ul>
            </div>
        })}
    }
    .into_any()
}

/// The institution's saved self-checks.
#[component]
fn MySelfChecks(list: Vec<SelfCheckSummary>) -> impl IntoView {
    let locale = use_locale();
    view! {
        <section data-testid="selfcheck-mine">
            <h2>{t("selfcheck.mine.title")}</h2>
            {if list.is_empty() {
                view! { <p class="hint">{t("selfcheck.mine.empty")}</p> }.into_any()
            } else {
                view! {
                    <ul class="plain link-list">
                        {list.into_iter().map(|s| {
                            let vk = s.verdict.label_key();
                            let attached = match (s.case_id, s.case_item.clone()) {
                                (Some(id), item) => {
                                    let item = item.unwrap_or_else(|| format!("#{id}"));
                                    view! { <a href=format!("/cases/{id}")>{move || locale.tr_with("selfcheck.mine.attached", &[("item".into(), item.clone())])}</a> }.into_any()
                                }
                                (None, _) => view! { <span class="hint">{t("selfcheck.mine.free")}</span> }.into_any(),
                            };
                            view! {
                                <li data-testid="selfcheck-mine-item" data-id=s.id.to_string()>
                                    <strong>{s.item_name.clone()}</strong>" "
                                    <span class=verdict_class(s.verdict)>{move || locale.tr(vk)}</span>
                                    " · "<span class="hint">{s.created_at.clone()}</span>" · "{attached}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}
