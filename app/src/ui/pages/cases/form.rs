//! 鉴定申请表: the application form. The training item is checked as it is typed with the
//! domain's validation (the server runs the same on submit); a panel says live what is still
//! missing; a draft can be saved at any time; materials upload with a progress bar.

use super::human_size;
use crate::api::cases::{
    case_action, get_case, save_draft, ActionInput, CaseDetail, DraftInput, MaterialView,
};
use crate::api::AppError;
use crate::domain::case::CaseState;
use crate::domain::error::FieldErrors;
use crate::domain::files::FileType;
use crate::domain::item::{
    grades_of, validate_training_item, DeliveryMode, ItemDomain, TrainingItemInput,
};
use crate::domain::lifecycle::Action as CaseAction;
use crate::domain::material::{missing_materials, required_materials, MaterialKind};
use crate::domain::terms::{Category, Stage};
use crate::i18n::{text_with, use_locale};
use crate::ui::components::{field_messages, use_id_param, ErrorSummary};
use crate::ui::{go, t};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NewApplicationPage() -> impl IntoView {
    view! {
        <Title text=t("cases.new") />
        <h1>{t("cases.new")}</h1>
        <ApplicationForm initial=None />
    }
}

#[component]
pub fn EditApplicationPage() -> impl IntoView {
    let locale = use_locale();
    let id = use_id_param();
    let case = Resource::new_blocking(id, get_case);
    view! {
        <Title text=t("case.edit") />
        <Suspense fallback=|| view! { <p class="hint">"…"</p> }>
            {move || case.get().map(|r| match r {
                Ok(c) => view! {
                    <h1>{c.item.name.clone()}</h1>
                    <ApplicationForm initial=Some(c) />
                }.into_any(),
                Err(e) => view! {
                    <h1>{t("notfound.title")}</h1>
                    <p>{e.message(locale.get())}</p>
                }.into_any(),
            })}
        </Suspense>
    }
}

fn parse_u32(s: &str) -> Option<u32> {
    let s = s.trim();
    if s.is_empty() {
        return Some(0);
    }
    s.parse().ok()
}

/// Yuan with up to two decimals, to fen.
fn parse_fen(s: &str) -> Option<i64> {
    let s = s.trim();
    if s.is_empty() {
        return Some(0);
    }
    let (yuan, fen) = s.split_once('.').unwrap_or((s, ""));
    if fen.len() > 2
        || !yuan.chars().all(|c| c.is_ascii_digit())
        || !fen.chars().all(|c| c.is_ascii_digit())
        || yuan.is_empty()
    {
        return None;
    }
    let y: i64 = yuan.parse().ok()?;
    let f: i64 = if fen.is_empty() {
        0
    } else {
        format!("{fen:0<2}").parse().ok()?
    };
    y.checked_mul(100)?.checked_add(f)
}

fn fen_to_text(fen: i64) -> String {
    if fen == 0 {
        String::new()
    } else if fen % 100 == 0 {
        format!("{}", fen / 100)
    } else {
        format!("{}.{:02}", fen / 100, fen % 100)
    }
}

fn num_text(n: u32) -> String {
    if n == 0 {
        String::new()
    } else {
        n.to_string()
    }
}

#[component]
pub fn ApplicationForm(initial: Option<CaseDetail>) -> impl IntoView {
    let locale = use_locale();
    let item0 = initial.as_ref().map(|c| c.item.clone());
    let case_id = RwSignal::new(initial.as_ref().map(|c| c.id));
    let version = RwSignal::new(initial.as_ref().map(|c| c.version).unwrap_or(0));
    let state = RwSignal::new(
        initial
            .as_ref()
            .map(|c| c.state)
            .unwrap_or(CaseState::Draft),
    );
    let materials = RwSignal::new(
        initial
            .as_ref()
            .map(|c| c.materials.clone())
            .unwrap_or_default(),
    );
    let deficiencies = initial
        .as_ref()
        .map(|c| c.deficiencies.clone())
        .unwrap_or_default();

    let name = RwSignal::new(item0.as_ref().map(|i| i.name.clone()).unwrap_or_default());
    let declared = RwSignal::new(
        item0
            .as_ref()
            .map(|i| i.declared_category)
            .unwrap_or(Category::NonSubject),
    );
    let domain = RwSignal::new(
        item0
            .as_ref()
            .map(|i| i.domain)
            .unwrap_or(ItemDomain::Sports),
    );
    let stage = RwSignal::new(item0.as_ref().map(|i| i.stage).unwrap_or(Stage::Primary));
    let related_subject = RwSignal::new(item0.as_ref().and_then(|i| i.related_subject));
    let grades = RwSignal::new(item0.as_ref().map(|i| i.grades.clone()).unwrap_or_default());
    let delivery = RwSignal::new(
        item0
            .as_ref()
            .map(|i| i.delivery)
            .unwrap_or(DeliveryMode::Offline),
    );
    let hours = RwSignal::new(
        item0
            .as_ref()
            .map(|i| num_text(i.hours))
            .unwrap_or_default(),
    );
    let class_size = RwSignal::new(
        item0
            .as_ref()
            .map(|i| num_text(i.class_size))
            .unwrap_or_default(),
    );
    let fee = RwSignal::new(
        item0
            .as_ref()
            .map(|i| fen_to_text(i.fee_fen))
            .unwrap_or_default(),
    );
    let description = RwSignal::new(
        item0
            .as_ref()
            .map(|i| i.description.clone())
            .unwrap_or_default(),
    );
    let text_of = |f: fn(&TrainingItemInput) -> String| {
        RwSignal::new(item0.as_ref().map(f).unwrap_or_default())
    };
    let dispute_reason = text_of(|i| i.dispute_reason.clone());
    let licence_application = text_of(|i| i.licence_application.clone());
    let principal_employer = text_of(|i| i.principal_employer.clone());
    let preparers = text_of(|i| crate::domain::item::preparers_text(&i.preparers));
    let undertaking = RwSignal::new(
        initial
            .as_ref()
            .map(|c| c.undertaking_given)
            .unwrap_or(false),
    );
    let reply = RwSignal::new(String::new());

    let item = move || TrainingItemInput {
        name: name.get(),
        declared_category: declared.get(),
        domain: domain.get(),
        stage: stage.get(),
        grades: grades.get(),
        delivery: delivery.get(),
        hours: parse_u32(&hours.get()).unwrap_or(0),
        class_size: parse_u32(&class_size.get()).unwrap_or(0),
        fee_fen: parse_fen(&fee.get()).unwrap_or(0),
        description: description.get(),
        dispute_reason: dispute_reason.get(),
        licence_application: licence_application.get(),
        principal_employer: principal_employer.get(),
        preparers: crate::domain::item::parse_preparers(&preparers.get()),
        related_subject: related_subject.get(),
    };
    // The same validation the server runs on submit, plus number formats.
    let errors = Memo::new(move |_| {
        let mut e = validate_training_item(&item());
        for (field, sig) in [("item.hours", hours), ("item.class_size", class_size)] {
            if parse_u32(&sig.get()).is_none() {
                e.0.retain(|f| f.field != field);
                e.add(field, "form.number_format");
            }
        }
        if parse_fen(&fee.get()).is_none() {
            e.0.retain(|f| f.field != "item.fee_fen");
            e.add("item.fee_fen", "form.number_format");
        }
        e
    });
    let show_errors = RwSignal::new(false);
    let shown = Signal::derive(move || {
        if show_errors.get() {
            errors.get()
        } else {
            FieldErrors::default()
        }
    });
    let present_kinds = move || {
        materials.with(|m| {
            m.iter()
                .filter(|m| !m.superseded)
                .map(|m| m.kind)
                .collect::<Vec<MaterialKind>>()
        })
    };
    let missing = move || missing_materials(&present_kinds());
    let complete =
        move || errors.with(|e| e.is_empty()) && missing().is_empty() && undertaking.get();

    let server_error = RwSignal::new(None::<AppError>);
    let saved_at = RwSignal::new(None::<String>);
    let draft = move || DraftInput {
        id: case_id.get_untracked(),
        version: version.get_untracked(),
        item: item(),
        undertaking: undertaking.get_untracked(),
    };

    let save = Action::new(move |input: &DraftInput| {
        let input = input.clone();
        async move {
            let was_new = input.id.is_none();
            match save_draft(input).await {
                Ok(s) => {
                    server_error.set(None);
                    case_id.set(Some(s.id));
                    version.set(s.version);
                    saved_at.set(Some(now_text()));
                    if was_new {
                        go(&format!("/cases/{}/edit", s.id));
                    }
                }
                Err(e) => server_error.set(Some(e)),
            }
        }
    });
    let submit = Action::new(move |input: &(DraftInput, String)| {
        let (input, note) = input.clone();
        async move {
            let saved = match save_draft(input).await {
                Ok(s) => s,
                Err(e) => {
                    server_error.set(Some(e));
                    return;
                }
            };
            version.set(saved.version);
            match case_action(ActionInput {
                id: saved.id,
                version: saved.version,
                action: CaseAction::Submit,
                note,
            })
            .await
            {
                Ok(_) => go(&format!("/cases/{}?submitted=1", saved.id)),
                Err(e) => server_error.set(Some(e)),
            }
        }
    });
    let busy = move || save.pending().get() || submit.pending().get();
    let summary_error = Signal::derive(move || {
        server_error.get().or_else(|| {
            (show_errors.get() && !errors.with(|e| e.is_empty()))
                .then(|| AppError::Validation(errors.get()))
        })
    });

    let text_field = move |field: &'static str,
                           label: &'static str,
                           hint: Option<&'static str>,
                           value: RwSignal<String>,
                           inputmode: &'static str| {
        let id = field.replace('.', "-");
        let msgs = move || field_messages(&shown.get(), field, locale.get());
        view! {
            <div class="form-group" class:form-group--error=move || !msgs().is_empty()>
                <label class="label" for=id.clone()>{t(label)}</label>
                {hint.map(|h| view! { <div class="hint">{t(h)}</div> })}
                {move || msgs().into_iter().map(|m| view! { <p class="error-message">{m}</p> }).collect_view()}
                <input class="input" id=id.clone() name=field type="text" inputmode=inputmode bind:value=value />
            </div>
        }
    };
    let radio_group = move |field: &'static str,
                            label: &'static str,
                            options: Vec<(&'static str, &'static str)>,
                            get: Signal<String>,
                            set: Callback<String>| {
        view! {
            <fieldset class="form-group fieldset" id=field.replace('.', "-")>
                <legend class="label">{t(label)}</legend>
                <div class="radios">
                    {options
                        .into_iter()
                        .map(|(code, key)| {
                            let id = format!("{}-{}", field.replace('.', "-"), code);
                            view! {
                                <div class="radio">
                                    <input type="radio" id=id.clone() name=field value=code prop:checked=move || get.get() == code on:change=move |_| set.run(code.to_string()) />
                                    <label for=id>{move || locale.tr(key)}</label>
                                </div>
                            }
                        })
                        .collect_view()}
                </div>
            </fieldset>
        }
    };

    view! {
        <ErrorSummary error=summary_error />
        {(!deficiencies.is_empty() && state.get_untracked() == CaseState::Returned).then(|| view! {
            <div class="banner banner--warning-static" role="status">
                <h2 class="banner__title">{t("case.deficiencies")}</h2>
                <ul>{deficiencies.into_iter().map(|d| view! { <li>{d}</li> }).collect_view()}</ul>
            </div>
        })}
        <div class="two-col">
            <div class="two-col__main">
                <h2>{t("form.item.section")}</h2>
                {text_field("item.name", "form.item.name", Some("form.item.name_hint"), name, "text")}
                {radio_group(
                    "item.declared_category",
                    "form.item.declared_category",
                    vec![("non_subject", "category.non_subject"), ("subject", "category.subject")],
                    Signal::derive(move || declared.get().code().to_string()),
                    Callback::new(move |c: String| if let Some(v) = Category::from_code(&c) { declared.set(v) }),
                )}
                <div class="form-group">
                    <label class="label" for="item-domain">{t("form.item.domain")}</label>
                    <select class="select" id="item-domain" on:change=move |ev| if let Some(d) = ItemDomain::from_code(&event_target_value(&ev)) { domain.set(d) }>
                        {ItemDomain::ALL.into_iter().map(|d| {
                            let key = d.label_key();
                            view! { <option value=d.code() selected=move || domain.get() == d>{move || locale.tr(key)}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="form-group">
                    <label class="label" for="item-related_subject">{t("form.item.related_subject")}</label>
                    <div class="hint">{t("form.item.related_subject_hint")}</div>
                    <select class="select" id="item-related_subject" on:change=move |ev| related_subject.set(crate::domain::item::SchoolSubject::from_code(&event_target_value(&ev)))>
                        <option value="" selected=move || related_subject.get().is_none()>{move || locale.tr("form.item.related_subject_none")}</option>
                        {crate::domain::item::SchoolSubject::ALL.into_iter().map(|x| {
                            let key = x.label_key();
                            view! { <option value=x.code() selected=move || related_subject.get() == Some(x)>{move || locale.tr(key)}</option> }
                        }).collect_view()}
                    </select>
                </div>
                {radio_group(
                    "item.stage",
                    "form.item.stage",
                    Stage::ALL.into_iter().map(|s| (s.code(), s.label_key())).collect(),
                    Signal::derive(move || stage.get().code().to_string()),
                    Callback::new(move |c: String| if let Some(v) = Stage::from_code(&c) {
                        stage.set(v);
                        let range = grades_of(v);
                        grades.update(|g| g.retain(|x| range.contains(x)));
                    }),
                )}
                <fieldset class="form-group fieldset" id="item-grades" class:form-group--error=move || !field_messages(&shown.get(), "item.grades", locale.get()).is_empty()>
                    <legend class="label">{t("form.item.grades")}</legend>
                    <div class="hint">{t("form.item.grades_hint")}</div>
                    {move || field_messages(&shown.get(), "item.grades", locale.get()).into_iter().map(|m| view! { <p class="error-message">{m}</p> }).collect_view()}
                    <div class="checkboxes checkboxes--inline">
                        {move || {
                            let s = stage.get();
                            grades_of(s).map(|g| {
                                let id = format!("grade-{g}");
                                let label = if s == Stage::Preschool {
                                    text_with(locale.get(), &format!("form.grade.preschool.{g}"), &[])
                                } else {
                                    text_with(locale.get(), "form.grade", &[("n".into(), g.to_string())])
                                };
                                view! {
                                    <div class="checkbox">
                                        <input type="checkbox" id=id.clone() prop:checked=move || grades.with(|v| v.contains(&g))
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                grades.update(|v| { v.retain(|x| *x != g); if on { v.push(g); v.sort_unstable(); } });
                                            } />
                                        <label for=id>{label}</label>
                                    </div>
                                }
                            }).collect_view()
                        }}
                    </div>
                </fieldset>
                {radio_group(
                    "item.delivery",
                    "form.item.delivery",
                    DeliveryMode::ALL.into_iter().map(|d| (d.code(), d.label_key())).collect(),
                    Signal::derive(move || delivery.get().code().to_string()),
                    Callback::new(move |c: String| if let Some(v) = DeliveryMode::from_code(&c) { delivery.set(v) }),
                )}
                {text_field("item.hours", "form.item.hours", Some("form.item.hours_hint"), hours, "numeric")}
                {text_field("item.class_size", "form.item.class_size", None, class_size, "numeric")}
                {text_field("item.fee_fen", "form.item.fee", Some("form.item.fee_hint"), fee, "decimal")}
                <div class="form-group" class:form-group--error=move || !field_messages(&shown.get(), "item.description", locale.get()).is_empty()>
                    <label class="label" for="item-description">{t("form.item.description")}</label>
                    <div class="hint">{t("form.item.description_hint")}</div>
                    {move || field_messages(&shown.get(), "item.description", locale.get()).into_iter().map(|m| view! { <p class="error-message">{m}</p> }).collect_view()}
                    <textarea class="textarea" id="item-description" rows="6" bind:value=description></textarea>
                </div>
                <div class="form-group" class:form-group--error=move || !field_messages(&shown.get(), "item.dispute_reason", locale.get()).is_empty()>
                    <label class="label" for="item-dispute_reason">{t("form.item.dispute_reason")}</label>
                    <div class="hint">{t("form.item.dispute_reason_hint")}</div>
                    {move || field_messages(&shown.get(), "item.dispute_reason", locale.get()).into_iter().map(|m| view! { <p class="error-message">{m}</p> }).collect_view()}
                    <textarea class="textarea" id="item-dispute_reason" rows="3" bind:value=dispute_reason></textarea>
                </div>
                {text_field("item.licence_application", "form.item.licence_application", Some("form.item.licence_application_hint"), licence_application, "text")}
                <h2>{t("form.recusal.section")}</h2>
                <p class="hint">{t("form.recusal.hint")}</p>
                {text_field("item.principal_employer", "form.item.principal_employer", Some("form.item.principal_employer_hint"), principal_employer, "text")}
                <div class="form-group" class:form-group--error=move || !field_messages(&shown.get(), "item.preparers", locale.get()).is_empty()>
                    <label class="label" for="item-preparers">{t("form.item.preparers")}</label>
                    <div class="hint">{t("form.item.preparers_hint")}</div>
                    {move || field_messages(&shown.get(), "item.preparers", locale.get()).into_iter().map(|m| view! { <p class="error-message">{m}</p> }).collect_view()}
                    <textarea class="textarea" id="item-preparers" rows="3" bind:value=preparers></textarea>
                </div>

                <h2>{t("form.materials.section")}</h2>
                <p class="hint">{t("form.materials.hint")}</p>
                <Show when=move || case_id.get().is_some() fallback=|| view! { <div class="panel"><p>{t("form.materials.save_first")}</p></div> }>
                    <div class="materials" data-testid="materials">
                        {MaterialKind::APPLICATION.into_iter().map(|kind| view! { <MaterialSlot kind case_id materials server_error /> }).collect_view()}
                    </div>
                </Show>

                <h2>{t("form.undertaking.section")}</h2>
                <div class="panel undertaking">
                    <p>{t("form.undertaking.text")}</p>
                    <div class="checkbox">
                        <input type="checkbox" id="undertaking" bind:checked=undertaking />
                        <label for="undertaking">{t("form.undertaking.agree")}</label>
                    </div>
                </div>
                <Show when=move || state.get() == CaseState::Returned>
                    <div class="form-group">
                        <label class="label" for="reply">{t("form.reply")}</label>
                        <div class="hint">{t("form.reply_hint")}</div>
                        <textarea class="textarea" id="reply" rows="3" bind:value=reply></textarea>
                    </div>
                </Show>
                <div class="button-group">
                    <button type="button" class="button" data-testid="submit-application" disabled=busy
                        on:click=move |_| {
                            show_errors.set(true);
                            if complete() {
                                submit.dispatch((draft(), reply.get_untracked()));
                            }
                        }>
                        {t("form.submit")}
                    </button>
                    <button type="button" class="button button--secondary" data-testid="save-draft" disabled=busy
                        on:click=move |_| { save.dispatch(draft()); }>
                        {t("form.save")}
                    </button>
                    {move || saved_at.get().map(|s| view! { <span class="hint" role="status" data-testid="saved">{locale.tr_with("form.saved", &[("time".into(), s)])}</span> })}
                </div>
            </div>
            <aside class="two-col__side">
                <div class="panel checklist" data-testid="missing" aria-live="polite">
                    <h2 class="panel__title">{t("form.missing.title")}</h2>
                    {move || {
                        let n = errors.with(|e| e.len());
                        let miss = missing();
                        let und = undertaking.get();
                        if n == 0 && miss.is_empty() && und {
                            view! { <p class="ok">{t("form.missing.none")}</p> }.into_any()
                        } else {
                            view! {
                                <ul>
                                    {(n > 0).then(|| view! { <li>{locale.tr_with("form.missing.fields", &[("n".into(), n.to_string())])}</li> })}
                                    {miss.into_iter().map(|r| { let k = r.key; view! { <li>{move || locale.tr(k)}</li> } }).collect_view()}
                                    {(!und).then(|| view! { <li>{t("form.missing.undertaking")}</li> })}
                                </ul>
                            }.into_any()
                        }
                    }}
                </div>
            </aside>
        </div>
    }
}

fn now_text() -> String {
    #[cfg(feature = "hydrate")]
    {
        let d = js_sys::Date::new_0();
        format!("{:02}:{:02}", d.get_hours(), d.get_minutes())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        String::new()
    }
}

/// One line of the materials checklist: the kind, its current files, an upload control with a
/// progress bar, and a replace control for each current file.
#[component]
pub fn MaterialSlot(
    kind: MaterialKind,
    case_id: RwSignal<Option<i64>>,
    materials: RwSignal<Vec<MaterialView>>,
    server_error: RwSignal<Option<AppError>>,
) -> impl IntoView {
    let locale = use_locale();
    let required = required_materials()
        .iter()
        .any(|r| r.any_of.contains(&kind));
    let up = crate::ui::upload::Upload::default();
    let (progress, uploading, local_error) = (up.progress, up.busy, up.error);
    let key = kind.label_key();
    let input_id = format!("upload-{}", kind.code());
    let current = move || {
        materials.with(|m| {
            m.iter()
                .filter(|m| m.kind == kind && !m.superseded)
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let earlier = move || {
        materials.with(|m| {
            m.iter()
                .filter(|m| m.kind == kind && m.superseded)
                .cloned()
                .collect::<Vec<_>>()
        })
    };

    let start_upload = move |ev: leptos::ev::Event, replaces: Option<i64>| {
        let id = case_id.get_untracked();
        let url = |name: &str| {
            let (kind, name) = (kind.code(), crate::ui::upload::encode(name));
            let replaces = replaces
                .map(|r| format!("&replaces={r}"))
                .unwrap_or_default();
            id.map(|id| format!("/files/cases/{id}/materials?kind={kind}&name={name}{replaces}"))
        };
        // Stored: the case is read again for its materials list.
        let done = move |_| {
            let Some(id) = id else { return };
            leptos::task::spawn_local(async move {
                if let Ok(c) = get_case(id).await {
                    materials.set(c.materials);
                }
            });
        };
        let failed = move |e: AppError| {
            if matches!(e, AppError::NotSignedIn) {
                server_error.set(Some(e));
            }
        };
        up.start(ev, locale.0.get_untracked(), url, done, failed);
    };

    view! {
        <div class="material-slot" data-kind=kind.code() class:form-group--error=move || local_error.get().is_some()>
            <div class="material-slot__head">
                <strong>{move || locale.tr(key)}</strong>
                " "
                {if required {
                    view! { <span class="tag tag--blue">{t("form.materials.required")}</span> }.into_any()
                } else {
                    view! { <span class="tag tag--grey">{t("form.materials.optional")}</span> }.into_any()
                }}
            </div>
            {move || local_error.get().map(|m| view! { <p class="error-message" role="alert">{m}</p> })}
            <ul class="file-list">
                {move || current().into_iter().map(|m| {
                    let rid = format!("replace-{}", m.id);
                    let mid = m.id;
                    view! {
                        <li>
                            <span class="file-name">{m.file_name.clone()}</span>
                            " · " {human_size(m.size)} " · " {locale.tr_with("case.materials.version", &[("n".into(), m.version.to_string())])}
                            <label class="button button--secondary button--small file-button" for=rid.clone()>{t("form.materials.replace")}</label>
                            <input class="file-input" type="file" id=rid accept=FileType::accept_attribute() on:change=move |ev| start_upload(ev, Some(mid)) />
                        </li>
                    }
                }).collect_view()}
                {move || earlier().into_iter().map(|m| view! {
                    <li class="hint">{t("form.materials.earlier")} ": " {m.file_name.clone()} " · " {locale.tr_with("case.materials.version", &[("n".into(), m.version.to_string())])}</li>
                }).collect_view()}
            </ul>
            <Show when=move || uploading.get()>
                <div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=move || progress.get().to_string() data-testid="upload-progress">
                    <div class="progress__bar" style=move || format!("width: {}%", progress.get())></div>
                </div>
                <p class="hint">{move || locale.tr_with("form.materials.uploading", &[("percent".into(), progress.get().to_string())])}</p>
            </Show>
            <label class="button button--secondary file-button" for=input_id.clone()>{t("form.materials.choose")}</label>
            <input class="file-input" type="file" id=input_id accept=FileType::accept_attribute() data-testid=format!("file-{}", kind.code()) on:change=move |ev| start_upload(ev, None) />
        </div>
    }
}
