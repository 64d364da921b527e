//! 机构信息: the institution keeps its own profile, checked as typed with the domain's rules.

use crate::api::institutions::{my_institution, save_my_institution, InstitutionProfile};
use crate::api::AppError;
use crate::domain::error::FieldErrors;
use crate::domain::institution::{validate_institution, InstitutionInput};
use crate::i18n::use_locale;
use crate::ui::components::{ErrorSummary, TextField};
use crate::ui::t;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ProfilePage() -> impl IntoView {
    let locale = use_locale();
    let profile = Resource::new(|| (), |_| my_institution());
    view! {
        <Title text=t("profile.title") />
        <h1>{t("profile.title")}</h1>
        <Suspense fallback=|| view! { <p class="hint">"…"</p> }>
            {move || profile.get().map(|r| match r {
                Ok(p) => {
                    let (id, records) = (p.id, p.credit.clone());
                    view! {
                        <ProfileForm profile=p />
                        <crate::ui::credit::CreditSection records subject=crate::domain::credit::CreditSubject::Institution target_id=id />
                    }.into_any()
                }
                Err(e) => view! { <p class="error-message">{e.message(locale.get())}</p> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn ProfileForm(profile: InstitutionProfile) -> impl IntoView {
    let p = profile.input.clone();
    let name = RwSignal::new(p.name);
    let uscc = RwSignal::new(p.uscc);
    let licence = RwSignal::new(p.licence_no);
    let address = RwSignal::new(p.address);
    let legal = RwSignal::new(p.legal_representative);
    let principal = RwSignal::new(p.principal);
    let contact = RwSignal::new(p.contact_name);
    let phone = RwSignal::new(p.contact_phone);
    let for_profit = RwSignal::new(p.for_profit);
    let version = RwSignal::new(profile.version);
    let county = p.county;
    let input = move || InstitutionInput {
        name: name.get(),
        uscc: uscc.get(),
        licence_no: licence.get(),
        county,
        address: address.get(),
        legal_representative: legal.get(),
        principal: principal.get(),
        contact_name: contact.get(),
        contact_phone: phone.get(),
        for_profit: for_profit.get(),
    };
    let server_error = RwSignal::new(None::<AppError>);
    let saved = RwSignal::new(false);
    // Checked as typed: the same function the server runs.
    let errors = Signal::derive(move || {
        let mut e = validate_institution(&input());
        if let Some(AppError::Validation(s)) = server_error.get() {
            for f in s.0 {
                if !e.0.contains(&f) {
                    e.push(f);
                }
            }
        }
        e
    });
    let save = Action::new(move |i: &InstitutionInput| {
        let i = i.clone();
        async move {
            match save_my_institution(i, version.get_untracked()).await {
                Ok(v) => {
                    version.set(v);
                    server_error.set(None);
                    saved.set(true);
                }
                Err(e) => {
                    saved.set(false);
                    server_error.set(Some(e));
                }
            }
        }
    });
    let summary = Signal::derive(move || server_error.get());
    view! {
        <ErrorSummary error=summary />
        {move || saved.get().then(|| view! { <div class="panel panel--success" role="status" data-testid="profile-saved"><p>{t("profile.saved")}</p></div> })}
        <p class="hint">{t("profile.county")}": "{profile.county_name.clone()}</p>
        <div class="narrow">
            <TextField name="institution.name" label="profile.name" errors=errors value=name />
            <TextField name="institution.uscc" label="case.uscc" hint="profile.uscc_hint" errors=errors value=uscc />
            <TextField name="institution.licence_no" label="case.licence" hint="profile.licence_hint" errors=errors value=licence />
            <TextField name="institution.address" label="case.address" errors=errors value=address />
            <TextField name="institution.legal_representative" label="case.legal_rep" errors=errors value=legal />
            <TextField name="institution.principal" label="case.principal" errors=errors value=principal />
            <TextField name="institution.contact_name" label="case.contact" errors=errors value=contact />
            <TextField name="institution.contact_phone" label="profile.phone" hint="profile.phone_hint" kind="tel" errors=errors value=phone />
            <div class="checkbox form-group">
                <input type="checkbox" id="for_profit" bind:checked=for_profit />
                <label for="for_profit">{t("case.profit.yes")}</label>
            </div>
            <button type="button" class="button" data-testid="save-profile" disabled=move || save.pending().get() || !errors.with(FieldErrors::is_empty)
                on:click=move |_| { save.dispatch(input()); }>
                {t("profile.save")}
            </button>
        </div>
    }
}
