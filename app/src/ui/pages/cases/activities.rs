//! 鉴定活动 on the case page: the panel's activities with their photos (viewable in the page),
//! and for those who may record them a form (checked with the domain's `validate_activity`, the
//! server runs the same) and a camera button per activity that uploads with progress. Made
//! for tablets in classrooms: large targets, nothing that needs hover, one column.
//!
//! The data comes with the case (`CaseDetail::activities`); after a save or an upload the page
//! reloads the case (`reload`), so no resource is created here.

use super::human_size;
use crate::api::activities::{save_activity, ActivityInput, ActivityRules, ActivityView};
use crate::api::cases::CaseDetail;
use crate::api::AppError;
use crate::domain::activity::{validate_activity, ActivityKind};
use crate::domain::error::FieldErrors;
use crate::domain::files::FileType;
use crate::i18n::use_locale;
use crate::ui::components::{field_messages, ErrorSummary, TextField};
use crate::ui::t;
use leptos::prelude::*;

/// What the camera and file inputs accept: photos, and PDF from the file picker.
const FILE_ACCEPT: &str = "image/jpeg,image/png,application/pdf,.jpg,.jpeg,.png,.pdf";

fn photo_url(id: i64) -> String {
    format!("/files/activity-files/{id}?inline=1")
}

/// The activities section of the case page (nothing when there is nothing to show or do).
#[component]
pub fn ActivitiesSection(case: CaseDetail, reload: RwSignal<u32>) -> impl IntoView {
    let rules = case.activity_rules.clone();
    let list = case.activities.clone();
    let case_id = case.id;
    let shown = rules.can_record || !list.is_empty();
    // The photo shown full size: (url, name).
    let viewing = RwSignal::new(None::<(String, String)>);
    // The activity being changed in the form: (id, version), None for a new one.
    let editing = RwSignal::new(None::<ActivityView>);
    let can_record = rules.can_record;
    shown.then(|| {
        view! {
            <section class="activities" id="activities" data-testid="activities-section">
                <h2>{t("activity.title")}</h2>
                {can_record.then(|| view! { <p class="hint">{t("activity.lead")}</p> })}
                {list.is_empty().then(|| view! { <p data-testid="activities-none">{t("activity.none")}</p> })}
                <div class="activity-list">
                    {list
                        .into_iter()
                        .map(|a| view! { <ActivityItem activity=a can_record viewing editing reload /> })
                        .collect_view()}
                </div>
                {can_record.then(|| view! { <ActivityForm case_id rules=rules.clone() editing reload /> })}
                <PhotoViewer viewing />
            </section>
        }
        .into_any()
    })
}

/// One activity: kind and date, participants, notes, photos; edit and camera for recorders.
#[component]
fn ActivityItem(
    activity: ActivityView,
    can_record: bool,
    viewing: RwSignal<Option<(String, String)>>,
    editing: RwSignal<Option<ActivityView>>,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let locale = use_locale();
    let a = activity;
    let key = a.kind.label_key();
    let anchor = format!("activity-{}", a.id);
    let for_edit = a.clone();
    view! {
        <article class="activity" id=anchor data-testid="activity" data-kind=a.kind.code() data-id=a.id.to_string()>
            <h3 class="activity__title">
                <span data-testid="activity-kind">{move || locale.tr(key)}</span>
                " · "
                <time datetime=a.held_on.to_string() data-testid="activity-date">{a.held_on.format("%Y-%m-%d").to_string()}</time>
            </h3>
            <dl class="activity__facts">
                {(!a.place.is_empty()).then(|| view! {
                    <dt>{t("activity.place")}</dt>
                    <dd data-testid="activity-place">{a.place.clone()}</dd>
                })}
                <dt>{t("activity.participants")}</dt>
                <dd data-testid="activity-participants">{a.participants.clone()}</dd>
                <dt>{t("activity.notes")}</dt>
                <dd class="pre" data-testid="activity-notes">{a.notes.clone()}</dd>
            </dl>
            <h4 class="activity__subtitle">{t("activity.photos")}</h4>
            {a.files.is_empty().then(|| view! { <p class="hint">{t("activity.no_photos")}</p> })}
            <ul class="activity-photos" data-testid="activity-photos">
                {a.files.iter().map(|f| {
                    let url = photo_url(f.id);
                    let name = f.file_name.clone();
                    let label = {
                        let name = name.clone();
                        move || locale.tr_with("activity.photo.open", &[("name".into(), name.clone())])
                    };
                    if f.file_type == FileType::Pdf {
                        view! {
                            <li class="activity-photos__item activity-photos__item--file">
                                <a class="activity-file" href=url target="_blank" rel="noopener" data-testid="activity-file">
                                    <span class="activity-file__name">{name.clone()}</span>
                                    <span class="hint">{t("activity.photo.open_pdf")} " · " {human_size(f.size)}</span>
                                </a>
                            </li>
                        }.into_any()
                    } else {
                        let open = (url.clone(), name.clone());
                        view! {
                            <li class="activity-photos__item">
                                <button type="button" class="activity-photo" aria-label=label data-testid="activity-photo"
                                    on:click=move |_| viewing.set(Some(open.clone()))>
                                    <img class="activity-photo__img" src=url alt=name.clone() loading="lazy" />
                                </button>
                            </li>
                        }.into_any()
                    }
                }).collect_view()}
            </ul>
            {can_record.then(|| view! {
                <PhotoUpload activity_id=a.id reload />
                <p>
                    <button type="button" class="button button--secondary" data-testid="activity-edit"
                        on:click=move |_| {
                            editing.set(Some(for_edit.clone()));
                            focus("activity-form");
                        }>
                        {t("activity.edit")}
                    </button>
                </p>
            })}
        </article>
    }
    .into_any()
}

/// Moves the view and the focus to an element (the form when editing starts).
fn focus(id: &str) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Some(el) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(id))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            el.scroll_into_view();
            let _ = el.focus();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
}

/// The camera button (the tablet's back camera) and a file picker for photos and PDFs, with a
/// progress bar; the page reloads the case when the file is stored.
#[component]
fn PhotoUpload(activity_id: i64, reload: RwSignal<u32>) -> impl IntoView {
    let locale = use_locale();
    let up = crate::ui::upload::Upload::default();
    let (progress, uploading, local_error) = (up.progress, up.busy, up.error);
    let camera_id = format!("activity-{activity_id}-camera");
    let file_id = format!("activity-{activity_id}-file");
    let max_mb = (crate::domain::files::MAX_FILE_BYTES / (1024 * 1024)).to_string();

    let start_upload = move |ev: leptos::ev::Event| {
        let url = |name: &str| {
            let name = crate::ui::upload::encode(name);
            Some(format!("/files/activities/{activity_id}/files?name={name}"))
        };
        up.start(
            ev,
            locale.0.get_untracked(),
            url,
            move |_| reload.update(|n| *n += 1),
            |_| {},
        );
    };

    view! {
        <div class="activity-upload" class:form-group--error=move || local_error.get().is_some()>
            {move || local_error.get().map(|m| view! { <p class="error-message" role="alert" data-testid="activity-upload-error">{m}</p> })}
            <Show when=move || uploading.get()>
                <div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=move || progress.get().to_string() data-testid="activity-upload-progress">
                    <div class="progress__bar" style=move || format!("width: {}%", progress.get())></div>
                </div>
                <p class="hint" aria-live="polite">{move || locale.tr_with("activity.uploading", &[("percent".into(), progress.get().to_string())])}</p>
            </Show>
            <div class="button-group">
                <label class="button file-button" for=camera_id.clone()>{t("activity.camera")}</label>
                <input class="file-input" type="file" id=camera_id accept="image/*" capture="environment" data-testid="activity-camera"
                    disabled=move || uploading.get() on:change=start_upload />
                <label class="button button--secondary file-button" for=file_id.clone()>{t("activity.choose_file")}</label>
                <input class="file-input" type="file" id=file_id accept=FILE_ACCEPT data-testid="activity-file-input"
                    disabled=move || uploading.get() on:change=start_upload />
            </div>
            <p class="hint">{move || locale.tr_with("activity.file_hint", &[("max_mb".into(), max_mb.clone())])}</p>
        </div>
    }
}

/// A photo full size, over the page; closed with the button (no hover, no gestures needed).
#[component]
fn PhotoViewer(viewing: RwSignal<Option<(String, String)>>) -> impl IntoView {
    view! {
        {move || viewing.get().map(|(url, name)| {
            let (label, alt) = (name.clone(), name.clone());
            view! {
            <div class="photo-viewer" role="dialog" aria-modal="true" aria-label=label data-testid="photo-viewer">
                <div class="photo-viewer__bar">
                    <span class="photo-viewer__name">{name.clone()}</span>
                    <button type="button" class="button button--secondary" data-testid="photo-viewer-close"
                        autofocus on:click=move |_| viewing.set(None)>
                        {t("activity.photo.close")}
                    </button>
                </div>
                <img class="photo-viewer__img" src=url alt=alt />
            </div>
            }
        })}
    }
}

/// The form to record an activity, or to change the one chosen with its 修改 button.
#[component]
fn ActivityForm(
    case_id: i64,
    rules: ActivityRules,
    editing: RwSignal<Option<ActivityView>>,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let locale = use_locale();
    let kind = RwSignal::new(String::new());
    let held_on = RwSignal::new(
        rules
            .today
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
    );
    let place = RwSignal::new(String::new());
    let participants = RwSignal::new(String::new());
    let notes = RwSignal::new(String::new());
    let show_errors = RwSignal::new(false);
    let server_error = RwSignal::new(None::<AppError>);

    // Choosing an activity to change fills the form with it.
    Effect::new(move |_| {
        if let Some(a) = editing.get() {
            kind.set(a.kind.code().to_string());
            held_on.set(a.held_on.format("%Y-%m-%d").to_string());
            place.set(a.place.clone());
            participants.set(a.participants.clone());
            notes.set(a.notes.clone());
            show_errors.set(false);
            server_error.set(None);
        }
    });

    let (accepted_on, today) = (rules.accepted_on, rules.today);
    let errors = Memo::new(move |_| match today {
        Some(today) => validate_activity(
            &kind.get(),
            &held_on.get(),
            &place.get(),
            &participants.get(),
            &notes.get(),
            accepted_on,
            today,
        ),
        None => FieldErrors::new(),
    });
    let shown = Signal::derive(move || {
        if let Some(e) = server_error.get() {
            let f = e.field_errors();
            if !f.is_empty() {
                return f;
            }
        }
        if show_errors.get() {
            errors.get()
        } else {
            FieldErrors::new()
        }
    });
    let summary_error = Signal::derive(move || {
        server_error.get().or_else(|| {
            (show_errors.get() && !errors.with(|e| e.is_empty()))
                .then(|| AppError::Validation(errors.get()))
        })
    });

    let save = Action::new(move |input: &ActivityInput| {
        let input = input.clone();
        async move {
            match save_activity(input).await {
                Ok(_) => {
                    server_error.set(None);
                    editing.set(None);
                    reload.update(|n| *n += 1);
                }
                Err(e) => server_error.set(Some(e)),
            }
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        server_error.set(None);
        show_errors.set(true);
        if !errors.with_untracked(|e| e.is_empty()) {
            return;
        }
        let current = editing.get_untracked();
        save.dispatch(ActivityInput {
            case_id,
            id: current.as_ref().map(|a| a.id),
            version: current.as_ref().map_or(0, |a| a.version),
            kind: kind.get_untracked(),
            held_on: held_on.get_untracked(),
            place: place.get_untracked(),
            participants: participants.get_untracked(),
            notes: notes.get_untracked(),
        });
    };
    let cancel = move |_| {
        editing.set(None);
        kind.set(String::new());
        place.set(String::new());
        participants.set(String::new());
        notes.set(String::new());
        show_errors.set(false);
        server_error.set(None);
    };

    let date_hint = move || match accepted_on {
        Some(d) => locale.tr_with(
            "activity.field.held_on_hint_from",
            &[("date".into(), d.format("%Y-%m-%d").to_string())],
        ),
        None => locale.tr("activity.field.held_on_hint"),
    };
    let kind_msgs = move || field_messages(&shown.get(), "activity.kind", locale.get());
    let date_msgs = move || field_messages(&shown.get(), "activity.held_on", locale.get());
    let notes_msgs = move || field_messages(&shown.get(), "activity.notes", locale.get());
    let min = accepted_on.map(|d| d.format("%Y-%m-%d").to_string());
    let max = today.map(|d| d.format("%Y-%m-%d").to_string());

    view! {
        <form class="activity-form" id="activity-form" tabindex="-1" novalidate data-testid="activity-form" on:submit=submit>
            <h3>{move || if editing.get().is_some() { locale.tr("activity.form.edit") } else { locale.tr("activity.form.new") }}</h3>
            <ErrorSummary error=summary_error />
            <fieldset class="form-group fieldset" id="activity-kind" class:form-group--error=move || !kind_msgs().is_empty()>
                <legend class="label">{t("activity.field.kind")}</legend>
                {move || kind_msgs().into_iter().map(|m| view! { <p class="error-message">{m}</p> }).collect_view()}
                <div class="radios">
                    {ActivityKind::ALL.into_iter().map(|k| {
                        let id = format!("activity-kind-{}", k.code());
                        let code = k.code();
                        let key = k.label_key();
                        view! {
                            <div class="radio">
                                <input type="radio" id=id.clone() name="activity.kind" value=code data-testid=format!("activity-kind-{code}")
                                    prop:checked=move || kind.get() == code on:change=move |_| kind.set(code.to_string()) />
                                <label for=id>{move || locale.tr(key)}</label>
                            </div>
                        }
                    }).collect_view()}
                </div>
            </fieldset>
            <div class="form-group" class:form-group--error=move || !date_msgs().is_empty()>
                <label class="label" for="activity-held_on">{t("activity.field.held_on")}</label>
                <div class="hint">{date_hint}</div>
                {move || date_msgs().into_iter().map(|m| view! { <p class="error-message">{m}</p> }).collect_view()}
                <input class="input input--date" id="activity-held_on" name="activity.held_on" type="date"
                    min=min max=max data-testid="activity-held-on" bind:value=held_on />
            </div>
            <TextField name="activity.place" label="activity.field.place"
                hint="activity.field.place_hint" errors=shown value=place />
            <TextField name="activity.participants" label="activity.field.participants"
                hint="activity.field.participants_hint" errors=shown value=participants />
            <div class="form-group" class:form-group--error=move || !notes_msgs().is_empty()>
                <label class="label" for="activity-notes">{t("activity.field.notes")}</label>
                <div class="hint">{t("activity.field.notes_hint")}</div>
                {move || notes_msgs().into_iter().map(|m| view! { <p class="error-message">{m}</p> }).collect_view()}
                <textarea class="textarea" id="activity-notes" name="activity.notes" rows="5" data-testid="activity-notes-input" bind:value=notes></textarea>
            </div>
            <Show when=move || editing.get().is_none()>
                <p class="hint">{t("activity.form.photo_later")}</p>
            </Show>
            <div class="button-group">
                <button type="submit" class="button" data-testid="activity-save" disabled=move || save.pending().get()>
                    {move || if save.pending().get() { locale.tr("activity.form.saving") } else { locale.tr("activity.form.save") }}
                </button>
                <Show when=move || editing.get().is_some()>
                    <button type="button" class="button button--secondary" data-testid="activity-cancel" on:click=cancel>
                        {t("activity.form.cancel")}
                    </button>
                </Show>
            </div>
        </form>
    }
    .into_any()
}
