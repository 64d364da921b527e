//! The public verification page (`/verify`, no sign-in): enter the code printed on a 鉴定意见书
//! (or scan its QR code, which opens this page with `?code=`), or upload the PDF. It says whether
//! the document is authentic, who signed and sealed it and when; a changed PDF or a record that
//! does not check out is reported as not authentic.

use crate::api::opinions::{verify_opinion, VerifyResult};
use crate::api::AppError;
use crate::i18n::use_locale;
use crate::ui::components::{ErrorSummary, TextField};
use crate::ui::t;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn VerifyPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let initial = query.with_untracked(|q| q.get("code").unwrap_or_default());
    let code = RwSignal::new(initial.clone());
    let error = RwSignal::new(None::<AppError>);
    let result = RwSignal::new(None::<VerifyResult>);
    let progress = RwSignal::new(0u32);
    let uploading = RwSignal::new(false);
    let check = Action::new(move |c: &String| {
        let c = c.clone();
        async move {
            match verify_opinion(c).await {
                Ok(r) => {
                    error.set(None);
                    result.set(Some(r));
                }
                Err(e) => {
                    result.set(None);
                    error.set(Some(e));
                }
            }
        }
    });
    // A scanned QR code opens the page with the code: check it at once.
    let from_link = Resource::new_blocking(
        move || initial.clone(),
        |c| async move {
            if c.trim().is_empty() {
                None
            } else {
                verify_opinion(c).await.ok()
            }
        },
    );
    let errors = Signal::derive(move || error.get().map(|e| e.field_errors()).unwrap_or_default());
    let on_file = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            let Some((input, file)) = crate::ui::upload::chosen_file(&ev) else {
                return;
            };
            input.set_value("");
            uploading.set(true);
            progress.set(0);
            leptos::task::spawn_local(async move {
                let r = crate::ui::upload::upload_raw("/verify/pdf".into(), file, progress).await;
                uploading.set(false);
                match r.and_then(|text| {
                    serde_json::from_str::<VerifyResult>(&text)
                        .map_err(|_| AppError::Transport("verify".into()))
                }) {
                    Ok(v) => {
                        error.set(None);
                        result.set(Some(v));
                    }
                    Err(e) => {
                        result.set(None);
                        error.set(Some(e));
                    }
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, uploading, progress);
    };
    view! {
        <Title text=move || locale.tr("verify.title") />
        <h1>{t("verify.title")}</h1>
        <p>{t("verify.intro")}</p>
        <ErrorSummary error=Signal::derive(move || error.get()) />
        <form class="panel" on:submit=move |ev| { ev.prevent_default(); check.dispatch(code.get_untracked()); }>
            <TextField name="verify.code" label="verify.code" hint="verify.code.hint" errors=errors value=code />
            <button type="submit" class="button" data-testid="verify-submit" disabled=move || check.pending().get()>{t("verify.button")}</button>
        </form>
        <div class="form-group">
            <label class="label" for="verify-file">{t("verify.file")}</label>
            <div class="hint">{t("verify.file.hint")}</div>
            <input class="file-input" type="file" id="verify-file" accept="application/pdf,.pdf" data-testid="verify-file" on:change=on_file />
            <Show when=move || uploading.get()>
                <div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=move || progress.get().to_string()>
                    <div class="progress__bar" style=move || format!("width: {}%", progress.get())></div>
                </div>
            </Show>
        </div>
        <Suspense fallback=|| ()>
            {move || {
                let shown = result.get().or_else(|| from_link.get().flatten());
                shown.map(|r| view! { <ResultPanel r /> })
            }}
        </Suspense>
    }
}

#[component]
fn ResultPanel(r: VerifyResult) -> impl IntoView {
    let locale = use_locale();
    if r.unknown {
        return view! {
            <div class="panel panel--error" role="status" data-testid="verify-result" data-authentic="false">
                <h2 class="panel__title">{t("verify.unknown")}</h2>
                <p>{t("verify.unknown.text")}</p>
            </div>
        }
        .into_any();
    }
    if !r.authentic {
        let why = match (r.broken, r.pdf_matches) {
            (Some(b), _) => b.label_key(),
            (None, Some(false)) => "verify.broken.pdf",
            _ => "verify.broken.malformed",
        };
        return view! {
            <div class="panel panel--error" role="status" data-testid="verify-result" data-authentic="false">
                <h2 class="panel__title">{t("verify.not_authentic")}</h2>
                <p>{move || locale.tr(why)}</p>
                <p class="hint">{t("verify.code")}"："{r.code.clone()}</p>
            </div>
        }
        .into_any();
    }
    let conclusion = r.conclusion_key.clone();
    view! {
        <div class="panel panel--success" role="status" data-testid="verify-result" data-authentic="true">
            <h2 class="panel__title">{t("verify.authentic")}</h2>
            {(r.pdf_matches == Some(true)).then(|| view! { <p data-testid="pdf-matches">{t("verify.pdf_matches")}</p> })}
            <dl class="summary-list">
                <div><dt>{t("verify.case_number")}</dt><dd>{r.case_number.clone()}</dd></div>
                <div><dt>{t("verify.institution")}</dt><dd>{r.institution.clone()}</dd></div>
                <div><dt>{t("verify.item")}</dt><dd>{r.item.clone()}</dd></div>
                <div><dt>{t("verify.conclusion")}</dt><dd>{move || locale.tr(&conclusion)}</dd></div>
                <div><dt>{t("verify.signers")}</dt><dd><ul>{r.signers.iter().map(|(n, at)| view! { <li>{n.clone()}" · "{at.clone()}</li> }).collect_view()}</ul></dd></div>
                <div><dt>{t("verify.sealed")}</dt><dd>{r.bureau_name.clone()}" · "{r.sealed_at.clone()}</dd></div>
                <div><dt>"SHA-256"</dt><dd class="document__digest">{r.digest.clone()}</dd></div>
            </dl>
        </div>
    }
    .into_any()
}
