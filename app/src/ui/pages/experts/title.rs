//! 职称核验 (guide 五(三)): the expert's title certificate, uploaded by the expert or the pool
//! manager, and the manager's check. Shown on the pool record and on the expert's profile.

use crate::api::experts::{verify_expert_title, TitleCheck};
use crate::i18n::use_locale;
use crate::ui::components::ErrorSummary;
use crate::ui::t;
use leptos::prelude::*;

const CERT_ACCEPT: &str = "image/jpeg,image/png,application/pdf,.jpg,.jpeg,.png,.pdf";

/// The certificate, its check, and the actions the reader may take. `changed` is bumped after
/// an upload or a check (the page reloads the record).
#[component]
pub fn TitleCheckSection(
    expert_id: i64,
    version: i32,
    check: TitleCheck,
    changed: RwSignal<u32>,
) -> impl IntoView {
    let locale = use_locale();
    let error = RwSignal::new(None::<crate::api::AppError>);
    let up = crate::ui::upload::Upload::default();
    let (progress, uploading, local_error) = (up.progress, up.busy, up.error);
    let verify = Action::new(move |_: &()| async move {
        match verify_expert_title(expert_id, version).await {
            Ok(_) => {
                error.set(None);
                changed.update(|n| *n += 1);
            }
            Err(e) => error.set(Some(e)),
        }
    });
    let start_upload = move |ev: leptos::ev::Event| {
        let url = |name: &str| {
            let name = crate::ui::upload::encode(name);
            Some(format!(
                "/files/experts/{expert_id}/title-certificate?name={name}"
            ))
        };
        up.start(
            ev,
            locale.0.get_untracked(),
            url,
            move |_| changed.update(|n| *n += 1),
            |_| {},
        );
    };
    let status = match (&check.certificate, &check.verified) {
        (_, Some(_)) => ("experts.title.verified", "tag tag--green", "verified"),
        (Some(_), None) => ("experts.title.pending", "tag tag--yellow", "pending"),
        (None, None) => ("experts.title.missing", "tag tag--grey", "missing"),
    };
    let file_id = format!("title-cert-{expert_id}");
    view! {
        <section class="panel" data-testid="title-check">
            <h2 class="panel__title">{t("experts.title.section")}</h2>
            <ErrorSummary error=Signal::derive(move || error.get()) />
            <p>
                <span class=status.1 data-testid="title-status" data-status=status.2>{t(status.0)}</span>
            </p>
            <dl class="summary-list">
                <div>
                    <dt>{t("experts.title.certificate")}</dt>
                    <dd>{match (check.certificate.clone(), check.href.clone()) {
                        (Some((name, at)), Some(href)) => view! {
                            <a href=href data-testid="title-certificate">{name}</a> " · " {at}
                        }.into_any(),
                        _ => view! { "—" }.into_any(),
                    }}</dd>
                </div>
                {check.verified.clone().map(|(at, by)| view! {
                    <div><dt>{t("experts.title.verified_by")}</dt><dd data-testid="title-verified">{format!("{by} · {at}")}</dd></div>
                })}
            </dl>
            {check.can_upload.then(|| view! {
                <div class="form-group" class:form-group--error=move || local_error.get().is_some()>
                    <label class="label" for=file_id.clone()>{t("experts.title.upload")}</label>
                    <div class="hint">{t("experts.title.upload_hint")}</div>
                    {move || local_error.get().map(|m| view! { <p class="error-message" role="alert" data-testid="title-upload-error">{m}</p> })}
                    <Show when=move || uploading.get()>
                        <div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=move || progress.get().to_string()>
                            <div class="progress__bar" style=move || format!("width: {}%", progress.get())></div>
                        </div>
                    </Show>
                    <input class="input" type="file" id=file_id.clone() accept=CERT_ACCEPT data-testid="title-upload"
                        disabled=move || uploading.get() on:change=start_upload />
                </div>
            })}
            {check.can_verify.then(|| view! {
                <p class="hint">{t("experts.title.verify_hint")}</p>
                <button type="button" class="button" data-testid="title-verify" disabled=move || verify.pending().get()
                    on:click=move |_| { verify.dispatch(()); }>
                    {t("experts.title.verify")}
                </button>
            })}
        </section>
    }
}
