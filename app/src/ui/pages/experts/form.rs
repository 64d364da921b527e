//! The expert form (GOV.UK pattern: label, hint, error, field; an error summary on top that
//! links to each field), used to create, edit and propose an expert.

use crate::api::experts::{create_expert, expert_pool_meta, propose_expert, PoolMeta};
use crate::api::AppError;
use crate::domain::error::FieldErrors;
use crate::domain::expert::{validate_expert, ExpertInput, ExpertKind, ProfessionalTitle};
use crate::domain::ids::CountyId;
use crate::domain::item::{ItemDomain, SchoolSubject};
use crate::domain::terms::Stage;
use crate::i18n::use_locale;
use crate::ui::components::{field_messages, ErrorSummary, TextField};
use crate::ui::t;
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_meta::Title;

/// The form's fields as signals.
#[derive(Clone, Copy)]
pub struct ExpertForm {
    pub name: RwSignal<String>,
    pub employer: RwSignal<String>,
    pub title: RwSignal<ProfessionalTitle>,
    pub kind: RwSignal<ExpertKind>,
    pub domains: RwSignal<Vec<ItemDomain>>,
    pub stages: RwSignal<Vec<Stage>>,
    pub school_subjects: RwSignal<Vec<SchoolSubject>>,
    /// "" = 州直, else the county code
    pub region: RwSignal<String>,
    pub mobile: RwSignal<String>,
    pub term_start: RwSignal<String>,
    pub term_end: RwSignal<String>,
    pub own: RwSignal<bool>,
    pub relatives: RwSignal<bool>,
    pub part_time: RwSignal<bool>,
}

impl ExpertForm {
    pub fn new(i: Option<&ExpertInput>) -> Self {
        let d = |x: NaiveDate| x.format("%Y-%m-%d").to_string();
        ExpertForm {
            name: RwSignal::new(i.map(|i| i.name.clone()).unwrap_or_default()),
            employer: RwSignal::new(i.map(|i| i.employer.clone()).unwrap_or_default()),
            title: RwSignal::new(
                i.map(|i| i.title)
                    .unwrap_or(ProfessionalTitle::Intermediate),
            ),
            kind: RwSignal::new(i.map(|i| i.kind).unwrap_or(ExpertKind::SubjectTeaching)),
            domains: RwSignal::new(i.map(|i| i.domains.clone()).unwrap_or_default()),
            stages: RwSignal::new(i.map(|i| i.stages.clone()).unwrap_or_default()),
            school_subjects: RwSignal::new(
                i.map(|i| i.school_subjects.clone()).unwrap_or_default(),
            ),
            region: RwSignal::new(
                i.and_then(|i| i.region)
                    .map(|r| r.0.to_string())
                    .unwrap_or_default(),
            ),
            mobile: RwSignal::new(i.map(|i| i.mobile.clone()).unwrap_or_default()),
            term_start: RwSignal::new(i.map(|i| d(i.term_start)).unwrap_or_default()),
            term_end: RwSignal::new(i.map(|i| d(i.term_end)).unwrap_or_default()),
            own: RwSignal::new(i.is_some_and(|i| i.declares_no_post)),
            relatives: RwSignal::new(i.is_some_and(|i| i.declares_relatives_no_post)),
            part_time: RwSignal::new(i.is_some_and(|i| i.declares_no_part_time_history)),
        }
    }

    /// The input, and the problems found here (the server checks the same again).
    pub fn input(&self) -> (ExpertInput, FieldErrors) {
        let mut errs = FieldErrors::new();
        let mut date =
            |field: &str, s: String| match NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d") {
                Ok(d) => Some(d),
                Err(_) => {
                    errs.add(
                        field,
                        if s.trim().is_empty() {
                            "err.required"
                        } else {
                            "experts.err.date_format"
                        },
                    );
                    None
                }
            };
        let start = date("expert.term_start", self.term_start.get());
        let end = date("expert.term_end", self.term_end.get());
        let input = ExpertInput {
            name: self.name.get(),
            id_number: String::new(),
            employer: self.employer.get(),
            title: self.title.get(),
            kind: self.kind.get(),
            domains: self.domains.get(),
            stages: self.stages.get(),
            school_subjects: self.school_subjects.get(),
            region: self.region.get().parse().ok().map(CountyId),
            mobile: self.mobile.get(),
            term_start: start.unwrap_or(NaiveDate::MIN),
            term_end: end.unwrap_or(NaiveDate::MAX),
            declares_no_post: self.own.get(),
            declares_relatives_no_post: self.relatives.get(),
            declares_no_part_time_history: self.part_time.get(),
        };
        let dates_ok = start.is_some() && end.is_some();
        for e in validate_expert(&input).0 {
            if dates_ok || !e.field.starts_with("expert.term") {
                errs.push(e);
            }
        }
        // Order as on the form.
        let order = [
            "expert.name",
            "expert.employer",
            "expert.title",
            "expert.kind",
            "expert.domains",
            "expert.stages",
            "expert.school_subjects",
            "expert.region",
            "expert.mobile",
            "expert.term_start",
            "expert.term_end",
            "expert.declares_no_post",
            "expert.declares_relatives_no_post",
        ];
        errs.0.sort_by_key(|e| {
            order
                .iter()
                .position(|f| *f == e.field)
                .unwrap_or(order.len())
        });
        (input, errs)
    }
}

fn fieldset_error(errors: Signal<FieldErrors>, field: &'static str) -> impl IntoView {
    let locale = use_locale();
    move || {
        field_messages(&errors.get(), field, locale.get())
            .into_iter()
            .map(|m| view! { <p class="error-message">{m}</p> })
            .collect_view()
    }
}

/// Choice of one value among a few (radios).
#[component]
fn Radios<T>(
    field: &'static str,
    label: &'static str,
    options: Vec<(T, &'static str, &'static str)>,
    value: RwSignal<T>,
    errors: Signal<FieldErrors>,
) -> impl IntoView
where
    T: Copy + PartialEq + Send + Sync + 'static,
{
    let locale = use_locale();
    let id = field.replace('.', "-");
    view! {
        <fieldset class="form-group fieldset" id=id.clone() class:form-group--error=move || errors.with(|e| e.for_field(field).next().is_some())>
            <legend class="label">{t(label)}</legend>
            {fieldset_error(errors, field)}
            <div class="radios">
                {options.into_iter().map(|(v, code, key)| {
                    let oid = format!("{id}-{code}");
                    view! {
                        <div class="radio">
                            <input type="radio" id=oid.clone() name=field value=code prop:checked=move || value.get() == v on:change=move |_| value.set(v) />
                            <label for=oid>{move || locale.tr(key)}</label>
                        </div>
                    }
                }).collect_view()}
            </div>
        </fieldset>
    }
}

/// Choice of several values (checkboxes).
#[component]
fn Checks<T>(
    field: &'static str,
    label: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    options: Vec<(T, &'static str, &'static str)>,
    value: RwSignal<Vec<T>>,
    errors: Signal<FieldErrors>,
) -> impl IntoView
where
    T: Copy + PartialEq + Send + Sync + 'static,
{
    let locale = use_locale();
    let id = field.replace('.', "-");
    view! {
        <fieldset class="form-group fieldset" id=id.clone() class:form-group--error=move || errors.with(|e| e.for_field(field).next().is_some())>
            <legend class="label">{t(label)}</legend>
            {hint.map(|h| view! { <div class="hint">{t(h)}</div> })}
            {fieldset_error(errors, field)}
            <div class="checkboxes checkboxes--inline">
                {options.into_iter().map(|(v, code, key)| {
                    let oid = format!("{id}-{code}");
                    view! {
                        <div class="checkbox">
                            <input type="checkbox" id=oid.clone() value=code prop:checked=move || value.with(|x| x.contains(&v))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    value.update(|x| { x.retain(|y| *y != v); if on { x.push(v); } });
                                } />
                            <label for=oid>{move || locale.tr(key)}</label>
                        </div>
                    }
                }).collect_view()}
            </div>
        </fieldset>
    }
}

/// The fields of an expert. `declarations`: show the two declaration checkboxes (create and
/// propose; on edit they are the expert's own). `region`: show the region picker.
#[component]
pub fn ExpertFields(
    form: ExpertForm,
    errors: Signal<FieldErrors>,
    counties: Vec<(i64, String)>,
    #[prop(default = true)] declarations: bool,
    #[prop(default = true)] region: bool,
) -> impl IntoView {
    let locale = use_locale();
    let titles = ProfessionalTitle::ALL
        .into_iter()
        .map(|x| (x, x.code(), x.label_key()))
        .collect::<Vec<_>>();
    let kinds = [ExpertKind::SubjectTeaching, ExpertKind::Legal]
        .into_iter()
        .map(|x| (x, x.code(), x.label_key()))
        .collect::<Vec<_>>();
    let domains = ItemDomain::ALL
        .into_iter()
        .map(|x| (x, x.code(), x.label_key()))
        .collect::<Vec<_>>();
    let stages = Stage::ALL
        .into_iter()
        .map(|x| (x, x.code(), x.label_key()))
        .collect::<Vec<_>>();
    let school_subjects = SchoolSubject::ALL
        .into_iter()
        .map(|x| (x, x.code(), x.label_key()))
        .collect::<Vec<_>>();
    view! {
        <TextField name="expert.name" label="experts.col.name" errors=errors value=form.name />
        <TextField name="expert.employer" label="experts.col.employer" hint="experts.hint.employer" errors=errors value=form.employer />
        <Radios field="expert.title" label="experts.col.title" options=titles value=form.title errors=errors />
        <Radios field="expert.kind" label="experts.col.kind" options=kinds value=form.kind errors=errors />
        <Checks field="expert.domains" label="experts.col.domains" hint="experts.hint.domains" options=domains value=form.domains errors=errors />
        <Checks field="expert.stages" label="experts.col.stages" options=stages value=form.stages errors=errors />
        <Checks field="expert.school_subjects" label="experts.col.school_subjects" hint="experts.hint.school_subjects" options=school_subjects value=form.school_subjects errors=errors />
        {region.then(|| view! {
            <div class="form-group" class:form-group--error=move || errors.with(|e| e.for_field("expert.region").next().is_some())>
                <label class="label" for="expert-region">{t("experts.col.region")}</label>
                {fieldset_error(errors, "expert.region")}
                <select class="select" id="expert-region" on:change=move |ev| form.region.set(event_target_value(&ev))>
                    <option value="" selected=move || form.region.get().is_empty()>{move || locale.tr("experts.region.prefecture")}</option>
                    {counties.into_iter().map(|(id, n)| {
                        let code = id.to_string();
                        let c2 = code.clone();
                        view! { <option value=code selected=move || form.region.get() == c2>{n}</option> }
                    }).collect_view()}
                </select>
            </div>
        })}
        <TextField name="expert.mobile" label="experts.col.mobile" hint="experts.hint.mobile" kind="tel" errors=errors value=form.mobile />
        <TextField name="expert.term_start" label="experts.col.term_start" kind="date" errors=errors value=form.term_start />
        <TextField name="expert.term_end" label="experts.col.term_end" hint="experts.hint.term" kind="date" errors=errors value=form.term_end />
        {declarations.then(|| view! {
            <fieldset class="form-group fieldset">
                <legend class="label">{t("experts.declarations")}</legend>
                <div class="hint">{t("experts.hint.declarations")}</div>
                {fieldset_error(errors, "expert.declares_no_post")}
                <div class="checkbox" id="expert-declares_no_post">
                    <input type="checkbox" id="expert-own" bind:checked=form.own />
                    <label for="expert-own">{t("experts.col.declares_no_post")}</label>
                </div>
                {fieldset_error(errors, "expert.declares_relatives_no_post")}
                <div class="checkbox" id="expert-declares_relatives_no_post">
                    <input type="checkbox" id="expert-relatives" bind:checked=form.relatives />
                    <label for="expert-relatives">{t("experts.col.declares_relatives_no_post")}</label>
                </div>
                <div class="checkbox" id="expert-declares_no_part_time_history">
                    <input type="checkbox" id="expert-part-time" bind:checked=form.part_time />
                    <label for="expert-part-time">{t("experts.col.declares_no_part_time_history")}</label>
                </div>
            </fieldset>
        })}
    }    .into_any()
}

/// Errors to show: the form's own (after a first attempt) and the server's.
pub fn shown_errors(
    form: ExpertForm,
    tried: RwSignal<bool>,
    server: RwSignal<Option<AppError>>,
) -> Signal<FieldErrors> {
    Signal::derive(move || {
        let mut e = if tried.get() {
            form.input().1
        } else {
            FieldErrors::new()
        };
        if let Some(AppError::Validation(s)) = server.get() {
            for f in s.0 {
                if !e.0.contains(&f) {
                    e.push(f);
                }
            }
        }
        e
    })
}

/// `/experts/new`: prefecture staff add an expert; county staff propose one.
#[component]
pub fn NewExpertPage() -> impl IntoView {
    let locale = use_locale();
    let meta = Resource::new_blocking(|| (), |_| expert_pool_meta());
    view! {
        <Suspense fallback=|| view! { <p class="hint">"…"</p> }>
            {move || meta.get().map(|r| match r {
                Ok(m) if m.can_edit || m.can_propose => view! { <NewExpert meta=m /> }.into_any(),
                Ok(_) => view! { <p class="error-message">{t("err.forbidden")}</p> }.into_any(),
                Err(e) => view! { <p class="error-message">{e.message(locale.get())}</p> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn NewExpert(meta: PoolMeta) -> impl IntoView {
    let propose = !meta.can_edit;
    let heading = if propose {
        "experts.propose"
    } else {
        "experts.new"
    };
    let form = ExpertForm::new(None);
    let note = RwSignal::new(String::new());
    let tried = RwSignal::new(false);
    let server = RwSignal::new(None::<AppError>);
    let proposed = RwSignal::new(false);
    let created = RwSignal::new(None::<i64>);
    let errors = shown_errors(form, tried, server);
    let summary = Signal::derive(move || {
        server.get().or_else(|| {
            let e = errors.get();
            (tried.get() && !e.is_empty()).then_some(AppError::Validation(e))
        })
    });
    let save = Action::new(move |(i, n): &(ExpertInput, String)| {
        let (i, n) = (i.clone(), n.clone());
        async move {
            let r = if propose {
                propose_expert(i, n).await.map(|_| None)
            } else {
                create_expert(i).await.map(Some)
            };
            match r {
                Ok(Some(id)) => {
                    server.set(None);
                    created.set(Some(id));
                }
                Ok(None) => {
                    server.set(None);
                    proposed.set(true);
                }
                Err(e) => server.set(Some(e)),
            }
        }
    });
    let submit = move |_| {
        tried.set(true);
        server.set(None);
        let (input, errs) = form.input();
        if errs.is_empty() {
            save.dispatch((input, note.get()));
        }
    };
    view! {
        <Title text=t(heading) />
        <h1>{t(heading)}</h1>
        {move || created.get().map(|id| view! {
            <div class="panel panel--success" role="status" data-testid="expert-created">
                <p>{t("experts.created")}</p>
                <p><a href=format!("/experts/{id}")>{t("experts.open")}</a></p>
            </div>
        })}
        <Show when=move || proposed.get() || created.get().is_some() fallback=move || view! {
            <ErrorSummary error=summary />
            {propose.then(|| view! { <p class="lead">{t("experts.propose.lead")}</p> })}
            <div class="narrow">
                <ExpertFields form errors counties=meta.counties.clone() region=!propose />
                {propose.then(|| view! {
                    <div class="form-group">
                        <label class="label" for="proposal-note">{t("experts.proposal.note")}</label>
                        <div class="hint">{t("experts.proposal.note_hint")}</div>
                        <textarea class="textarea" id="proposal-note" rows="3" bind:value=note></textarea>
                    </div>
                })}
                <button type="button" class="button" data-testid="save-expert" disabled=move || save.pending().get() on:click=submit>
                    {t(if propose { "experts.propose.submit" } else { "experts.save" })}
                </button>
            </div>
        }>
            <Show when=move || proposed.get()>
                <div class="panel panel--success" role="status" data-testid="proposal-sent">
                    <p>{t("experts.propose.sent")}</p>
                    <p><a href="/experts/proposals">{t("experts.proposals.mine")}</a></p>
                </div>
            </Show>
        </Show>
    }    .into_any()
}
