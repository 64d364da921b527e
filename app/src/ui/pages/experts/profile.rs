//! `/expert/profile`: an expert keeps their own declarations (no post or part-time work at a
//! training institution, for self and close relatives) and when they cannot take part; below,
//! their pool record (read-only).

use super::detail::Record;
use crate::api::experts::{
    my_expert_profile, save_expert_declarations, validate_declarations, DeclarationsInput,
    ExpertDetail, REASON_MAX,
};
use crate::api::AppError;
use crate::domain::error::FieldErrors;
use crate::i18n::use_locale;
use crate::ui::components::{ErrorSummary, TextField};
use crate::ui::t;
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ExpertProfilePage() -> impl IntoView {
    let locale = use_locale();
    // Bumped after the title certificate is uploaded (the record's version moves on).
    let reload = RwSignal::new(0u32);
    let profile = Resource::new_blocking(move || reload.get(), |_| my_expert_profile());
    view! {
        <Title text=t("experts.profile.title") />
        <h1>{t("experts.profile.title")}</h1>
        <Suspense fallback=|| view! { <p class="hint">"…"</p> }>
            {move || profile.get().map(|r| match r {
                Ok(p) => view! {
                    <Declarations p=p.clone() />
                    <super::title::TitleCheckSection expert_id=p.id version=p.version check=p.title_check.clone() changed=reload />
                }.into_any(),
                Err(e) => view! { <p class="error-message" data-testid="profile-error">{e.message(locale.get())}</p> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Declarations(p: ExpertDetail) -> impl IntoView {
    let locale = use_locale();
    let d = |x: Option<NaiveDate>| {
        x.map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default()
    };
    let own = RwSignal::new(p.input.declares_no_post);
    let relatives = RwSignal::new(p.input.declares_relatives_no_post);
    let part_time = RwSignal::new(p.input.declares_no_part_time_history);
    let from = RwSignal::new(d(p.unavailable_from));
    let until = RwSignal::new(d(p.unavailable_until));
    let note = RwSignal::new(p.availability_note.clone());
    let version = RwSignal::new(p.version);
    let declared_at = RwSignal::new(p.declared_at.clone());
    let saved = RwSignal::new(false);
    let server = RwSignal::new(None::<AppError>);
    let id = p.id;
    let date = |s: String| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
    let input = move || DeclarationsInput {
        declares_no_post: own.get(),
        declares_relatives_no_post: relatives.get(),
        declares_no_part_time_history: part_time.get(),
        unavailable_from: date(from.get()),
        unavailable_until: date(until.get()),
        availability_note: note.get(),
    };
    let errors = Signal::derive(move || {
        let mut e = validate_declarations(&input());
        if let Some(AppError::Validation(s)) = server.get() {
            for f in s.0 {
                if !e.0.contains(&f) {
                    e.push(f);
                }
            }
        }
        e
    });
    let save = Action::new(move |i: &DeclarationsInput| {
        let i = i.clone();
        async move {
            match save_expert_declarations(id, version.get_untracked(), i).await {
                Ok(v) => {
                    version.set(v);
                    server.set(None);
                    saved.set(true);
                    declared_at.set(Some(locale.tr("experts.profile.just_now")));
                }
                Err(e) => {
                    saved.set(false);
                    server.set(Some(e));
                }
            }
        }
    });
    let summary = Signal::derive(move || server.get());
    let both = move || own.get() && relatives.get() && part_time.get();
    view! {
        <ErrorSummary error=summary />
        {move || saved.get().then(|| view! { <div class="panel panel--success" role="status" data-testid="declarations-saved"><p>{t("experts.profile.saved")}</p></div> })}
        <div class="narrow">
            <h2>{t("experts.declarations")}</h2>
            <p class="hint">{t("experts.profile.lead")}</p>
            <div class="checkbox form-group">
                <input type="checkbox" id="decl-own" data-testid="decl-own" bind:checked=own />
                <label for="decl-own">{t("experts.col.declares_no_post")}</label>
            </div>
            <div class="checkbox form-group">
                <input type="checkbox" id="decl-relatives" data-testid="decl-relatives" bind:checked=relatives />
                <label for="decl-relatives">{t("experts.col.declares_relatives_no_post")}</label>
            </div>
            <div class="checkbox form-group">
                <input type="checkbox" id="decl-part-time" data-testid="decl-part-time" bind:checked=part_time />
                <label for="decl-part-time">{t("experts.col.declares_no_part_time_history")}</label>
            </div>
            <p class="hint" data-testid="declaration-state">
                {move || if both() { locale.tr("experts.profile.declared") } else { locale.tr("experts.profile.not_declared") }}
                {move || declared_at.get().map(|at| format!(" {}：{}", locale.tr("experts.declared_at"), at))}
            </p>
            <h2>{t("experts.unavailable")}</h2>
            <p class="hint">{t("experts.profile.availability_lead")}</p>
            <TextField name="availability.unavailable_from" label="experts.unavailable_from" kind="date" errors=errors value=from />
            <TextField name="availability.unavailable_until" label="experts.unavailable_until" kind="date" errors=errors value=until />
            <div class="form-group">
                <label class="label" for="availability-availability_note">{t("experts.availability_note")}</label>
                <div class="hint">{move || locale.tr_with("experts.hint.reason", &[("max".into(), REASON_MAX.to_string())])}</div>
                <textarea class="textarea" id="availability-availability_note" rows="2" bind:value=note></textarea>
            </div>
            <button type="button" class="button" data-testid="save-declarations"
                disabled=move || save.pending().get() || !errors.with(FieldErrors::is_empty)
                on:click=move |_| { saved.set(false); save.dispatch(input()); }>
                {t("experts.profile.save")}
            </button>
        </div>
        <h2>{t("experts.profile.record")}</h2>
        <Record e=p.clone() institutions=vec![] />
    }    .into_any()
}
