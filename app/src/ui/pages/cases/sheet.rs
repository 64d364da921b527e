//! The score sheet (`/cases/:id/sheet`): each indicator of the case's rubric version with its S
//! and N descriptors, a large S / N / U control, an evidence note with links to materials and
//! activities, the negative-list checklist; the domain's validation at each field and the
//! dimension roll-up and verdict as the expert works; saving a few seconds after the last edit,
//! kept on the device while the connection is down and sent exactly once when it is back;
//! submission with the password again.

use crate::api::sheets::{my_sheet, save_sheet, RefOption, SheetPage as PageData, SheetSave};
use crate::api::AppError;
use crate::domain::error::FieldErrors;
use crate::domain::negative_list::{self, negative_list};
use crate::domain::rubric::{self, Dimension, Indicator, Rubric};
use crate::domain::sheet::{evaluate, validate_sheet, EvidenceRef, Mode, ScoreSheet};
use crate::domain::terms::{Rating, Stage};
use crate::i18n::{text_with, use_locale};
use crate::ui::components::{use_id_param, ErrorSummary, PageError};
use crate::ui::offline;
use crate::ui::t;
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::sync::Arc;

#[component]
pub fn SheetPage() -> impl IntoView {
    let id = use_id_param();
    let page = Resource::new_blocking(id, my_sheet);
    view! {
        <Suspense fallback=|| view! { <p class="hint">"…"</p> }>
            {move || page.get().map(|r| match r {
                Ok(p) => view! { <SheetEditor page=p /> }.into_any(),
                Err(e) => view! { <PageError error=e testid="case-error" /> }.into_any()
            })}
        </Suspense>
    }
}

/// Where the saving stands, shown in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SaveState {
    Saved,
    Unsaved,
    Saving,
    OnDevice,
    Conflict,
    Failed,
    Submitted,
}

impl SaveState {
    fn key(self) -> &'static str {
        match self {
            SaveState::Saved => "sheet.state.saved",
            SaveState::Unsaved => "sheet.state.unsaved",
            SaveState::Saving => "sheet.state.saving",
            SaveState::OnDevice => "sheet.state.on_device",
            SaveState::Conflict => "sheet.state.conflict",
            SaveState::Failed => "sheet.state.failed",
            SaveState::Submitted => "sheet.state.submitted",
        }
    }
    fn code(self) -> &'static str {
        match self {
            SaveState::Saved => "saved",
            SaveState::Unsaved => "unsaved",
            SaveState::Saving => "saving",
            SaveState::OnDevice => "on_device",
            SaveState::Conflict => "conflict",
            SaveState::Failed => "failed",
            SaveState::Submitted => "submitted",
        }
    }
    fn class(self) -> &'static str {
        match self {
            SaveState::Saved | SaveState::Submitted => "save-state save-state--ok",
            SaveState::Unsaved | SaveState::Saving => "save-state",
            SaveState::OnDevice => "save-state save-state--warn",
            SaveState::Conflict | SaveState::Failed => "save-state save-state--bad",
        }
    }
}

/// What the device keeps of a sheet (`localStorage`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Kept {
    /// The server version the unsent work is based on.
    base: i32,
    /// The server's copy at `base`.
    server: ScoreSheet,
    /// A save sent (or being sent) whose answer has not arrived: resent as it was.
    sent: Option<(String, ScoreSheet)>,
    /// The sheet as the expert left it.
    latest: ScoreSheet,
    /// Something is not on the server yet (read at sign-out).
    unsent: bool,
}

/// Applies an edit to the sheet (shared by every field).
type Edit = Arc<dyn Fn(&dyn Fn(&mut ScoreSheet)) + Send + Sync>;

/// Seconds after the last edit before saving.
const SAVE_DELAY_MS: u64 = 2000;
/// How often a draft kept on the device is retried.
const RETRY_MS: u64 = 10_000;

#[component]
fn SheetEditor(page: PageData) -> impl IntoView {
    let locale = use_locale();
    let p = page;
    // The versions come with the page's data (the browser embeds neither), and are made known to
    // the domain's checks by version from here on.
    if let Some(l) = &p.negative_list {
        negative_list::know(l);
    }
    let Some(rub) = p.rubric.as_ref().and_then(rubric::know) else {
        return view! { <p class="error-message">{t("sheet.no_rubric")}</p> }.into_any();
    };
    let key = format!("{}{}.{}", offline::SHEET_PREFIX, p.case_id, p.expert_id);
    let case_id = p.case_id;
    let briefed = p.briefing_confirmed;
    let sheet = RwSignal::new(p.sheet.clone());
    let kept = RwSignal::new(Kept {
        base: p.version,
        server: p.sheet.clone(),
        sent: None,
        latest: p.sheet.clone(),
        unsent: false,
    });
    let state = RwSignal::new(if p.submitted {
        SaveState::Submitted
    } else {
        SaveState::Saved
    });
    let editable = RwSignal::new(p.can_edit);
    let touched = RwSignal::new(BTreeSet::<String>::new());
    let attempted = RwSignal::new(false);
    let submit_error = RwSignal::new(None::<AppError>);
    let password = RwSignal::new(String::new());
    let in_flight = StoredValue::new(false);
    let generation = StoredValue::new(0u64);

    let persist = {
        let key = key.clone();
        move |k: &Kept| {
            if k.unsent {
                offline::store(&key, &serde_json::to_string(k).unwrap_or_default());
            } else {
                offline::remove(&key);
            }
        }
    };

    // Sends what is outstanding: first a save whose answer never came (as it was), then the
    // latest sheet if it differs from the server's copy.
    let again_cell: StoredValue<Option<Arc<dyn Fn() + Send + Sync>>> = StoredValue::new(None);
    let flush: Arc<dyn Fn() + Send + Sync> = {
        let persist = persist.clone();
        Arc::new({
            let persist = persist.clone();
            move || {
                if in_flight.get_value()
                    || state.get_untracked() == SaveState::Conflict
                    || !editable.get_untracked()
                {
                    return;
                }
                let mut k = kept.get_untracked();
                if k.sent.is_none() {
                    if k.latest == k.server {
                        k.unsent = false;
                        persist(&k);
                        kept.set(k);
                        state.set(SaveState::Saved);
                        return;
                    }
                    k.sent = Some((offline::new_save_id(), k.latest.clone()));
                    k.unsent = true;
                    persist(&k);
                    kept.set(k.clone());
                }
                let Some((save_id, body)) = k.sent.clone() else {
                    return;
                };
                if !offline::online() {
                    state.set(SaveState::OnDevice);
                    return;
                }
                in_flight.set_value(true);
                state.set(SaveState::Saving);
                let persist = persist.clone();
                leptos::task::spawn_local(async move {
                    let r = save_sheet(SheetSave {
                        case_id,
                        base_version: k.base,
                        sheet: body.clone(),
                        save_id: save_id.clone(),
                        submit: false,
                        password: String::new(),
                    })
                    .await;
                    in_flight.set_value(false);
                    match r {
                        Ok(saved) => {
                            let mut k = kept.get_untracked();
                            k.base = saved.version;
                            k.server = body;
                            k.sent = None;
                            k.unsent = k.latest != k.server;
                            persist(&k);
                            kept.set(k.clone());
                            if k.unsent {
                                if let Some(f) = again_cell.get_value() {
                                    f();
                                }
                            } else {
                                state.set(SaveState::Saved);
                            }
                        }
                        Err(AppError::Stale) => state.set(SaveState::Conflict),
                        Err(AppError::Refused { .. }) => {
                            state.set(SaveState::Submitted);
                            editable.set(false);
                        }
                        Err(AppError::Validation(_))
                        | Err(AppError::Forbidden)
                        | Err(AppError::NotFound) => state.set(SaveState::Failed),
                        // No answer (offline, timeout, signed out): kept on the device.
                        Err(_) => state.set(SaveState::OnDevice),
                    }
                });
            }
        })
    };
    again_cell.set_value(Some(flush.clone()));

    // On the device, the kept draft wins over the page's copy when it is newer or unsent.
    {
        let key = key.clone();
        let flush = flush.clone();
        let server_version = p.version;
        Effect::new(move |_| {
            // Back online: send what is kept; and retry now and then.
            let f1 = flush.clone();
            let _ = window_event_listener(leptos::ev::online, move |_| f1());
            let f2 = flush.clone();
            let _ = set_interval_with_handle(
                move || {
                    if state.get_untracked() == SaveState::OnDevice {
                        f2();
                    }
                },
                std::time::Duration::from_millis(RETRY_MS),
            );
            if let Some(k) = offline::load(&key).and_then(|v| serde_json::from_str::<Kept>(&v).ok())
            {
                if k.unsent && editable.get_untracked() {
                    sheet.set(k.latest.clone());
                    let conflict = k.base < server_version;
                    kept.set(k);
                    if conflict {
                        state.set(SaveState::Conflict);
                    } else {
                        state.set(SaveState::OnDevice);
                        flush();
                    }
                }
            }
        });
    }

    // Every edit: keep it on the device at once, save a moment after the last one.
    let edit = {
        let persist = persist.clone();
        let flush = flush.clone();
        move |f: &dyn Fn(&mut ScoreSheet)| {
            if !editable.get_untracked() {
                return;
            }
            sheet.update(|s| f(s));
            let mut k = kept.get_untracked();
            k.latest = sheet.get_untracked();
            k.unsent = k.latest != k.server || k.sent.is_some();
            persist(&k);
            kept.set(k);
            if state.get_untracked() != SaveState::Conflict {
                state.set(if offline::online() {
                    SaveState::Unsaved
                } else {
                    SaveState::OnDevice
                });
            }
            let g = generation.get_value() + 1;
            generation.set_value(g);
            let flush = flush.clone();
            set_timeout(
                move || {
                    if generation.get_value() == g {
                        flush();
                    }
                },
                std::time::Duration::from_millis(SAVE_DELAY_MS),
            );
        }
    };
    let edit: Edit = Arc::new(edit);

    let errors = Memo::new(move |_| sheet.with(|s| validate_sheet(rub, s, Mode::Submit)));
    let outcome = Memo::new(move |_| sheet.with(|s| evaluate(rub, s)));
    let shown_errors = Signal::derive(move || {
        let all = errors.get();
        if attempted.get() {
            return all;
        }
        let touched = touched.get();
        FieldErrors(
            all.0
                .into_iter()
                .filter(|e| {
                    e.field
                        .strip_prefix("sheet.")
                        .and_then(|f| f.rsplit_once('.'))
                        .is_some_and(|(ind, part)| part != "rating" && touched.contains(ind))
                })
                .collect(),
        )
    });

    let conflict_choice = {
        let persist = persist.clone();
        let flush = flush.clone();
        move |keep_device: bool| {
            let persist = persist.clone();
            let flush = flush.clone();
            leptos::task::spawn_local(async move {
                if let Ok(fresh) = my_sheet(case_id).await {
                    let mut k = kept.get_untracked();
                    k.base = fresh.version;
                    k.server = fresh.sheet.clone();
                    k.sent = None;
                    if !keep_device {
                        k.latest = fresh.sheet.clone();
                        sheet.set(fresh.sheet);
                    }
                    k.unsent = k.latest != k.server;
                    persist(&k);
                    kept.set(k);
                    state.set(SaveState::Saved);
                    flush();
                }
            });
        }
    };
    let keep_device = {
        let c = conflict_choice.clone();
        move |_| c(true)
    };
    let take_server = move |_| conflict_choice(false);

    let submit = {
        let key = key.clone();
        move |_| {
            attempted.set(true);
            submit_error.set(None);
            if !errors.get_untracked().is_empty() {
                submit_error.set(Some(AppError::Validation(errors.get_untracked())));
                return;
            }
            let k = kept.get_untracked();
            if k.sent.is_some() || in_flight.get_value() || !offline::online() {
                submit_error.set(Some(AppError::Refused {
                    key: "err.sheet.send_first".into(),
                }));
                return;
            }
            let key = key.clone();
            let body = sheet.get_untracked();
            let pw = password.get_untracked();
            leptos::task::spawn_local(async move {
                match save_sheet(SheetSave {
                    case_id,
                    base_version: k.base,
                    sheet: body,
                    save_id: offline::new_save_id(),
                    submit: true,
                    password: pw,
                })
                .await
                {
                    Ok(_) => {
                        offline::remove(&key);
                        editable.set(false);
                        state.set(SaveState::Submitted);
                        password.set(String::new());
                    }
                    Err(AppError::Stale) => state.set(SaveState::Conflict),
                    Err(e) => submit_error.set(Some(e)),
                }
            });
        }
    };

    let refs = p.refs.clone();
    let stage = p.stage;
    let title = text_with(
        locale.0.get_untracked(),
        "sheet.title",
        &[("item".into(), p.item_name.clone())],
    );
    let edit_for_dims = edit.clone();
    view! {
        <Title text=title.clone() />
        <p class="caption">{p.number.clone().unwrap_or_default()}" · "<a href=format!("/cases/{}", p.case_id)>{t("draw.back_to_case")}</a></p>
        <h1 data-testid="sheet-title">{title}</h1>
        <div class="sheet-bar" role="status" aria-live="polite">
            <span class=move || state.get().class() data-testid="save-state" data-state=move || state.get().code()>
                {move || locale.tr(state.get().key())}
            </span>
            <Verdict outcome rub />
        </div>
        <Show when=move || state.get() == SaveState::Conflict>
            <div class="banner banner--warning-static" data-testid="sheet-conflict">
                <p>{t("sheet.conflict.text")}</p>
                <div class="button-group">
                    <button type="button" class="button" on:click=keep_device.clone()>{t("sheet.conflict.keep_device")}</button>
                    <button type="button" class="button button--secondary" on:click=take_server.clone()>{t("sheet.conflict.take_server")}</button>
                </div>
            </div>
        </Show>
        <ErrorSummary error=Signal::derive(move || submit_error.get()) />
        <p class="hint">{t("sheet.lead")}</p>
        {rub.dimensions.iter().map(|d| {
            let edit = edit_for_dims.clone();
            view! { <DimensionBlock dim=d.clone() sheet edit errors=shown_errors touched editable refs=refs.clone() stage outcome /> }
        }).collect_view()}
        <div class="form-group">
            <label class="label" for="sheet-remarks">{t("sheet.remarks")}</label>
            <textarea class="textarea" id="sheet-remarks" rows="3" prop:value=move || sheet.with(|s| s.remarks.clone())
                disabled=move || !editable.get()
                on:input={
                    let edit = edit.clone();
                    move |ev| { let v = event_target_value(&ev); edit(&|s: &mut ScoreSheet| s.remarks = v.clone()); }
                }></textarea>
        </div>
        <Show when=move || editable.get()>
            <section class="panel" data-testid="submit-sheet">
                <h2 class="panel__title">{t("sheet.submit.title")}</h2>
                {(!briefed).then(|| view! {
                    <div class="banner banner--warning-static" data-testid="sheet-briefing-required">
                        <p>{t("briefing.required")}</p>
                        <p><a href=format!("/cases/{case_id}/meeting#briefing") data-testid="sheet-briefing-link">{t("briefing.read")}</a></p>
                    </div>
                })}
                <p>{t("sheet.submit.hint")}</p>
                <div class="form-group">
                    <label class="label" for="sheet-password">{t("sheet.password")}</label>
                    <input class="input input--medium" type="password" id="sheet-password" autocomplete="current-password"
                        prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev)) />
                </div>
                <button type="button" class="button" data-testid="submit-sheet-button" disabled=!briefed on:click=submit.clone()>{t("sheet.submit")}</button>
            </section>
        </Show>
        <History page=p.clone() />
    }.into_any()
}

#[component]
fn Verdict(
    outcome: Memo<crate::domain::sheet::SheetOutcome>,
    rub: &'static Rubric,
) -> impl IntoView {
    let locale = use_locale();
    view! {
        <span class="verdict" data-testid="sheet-verdict" data-verdict=move || format!("{:?}", outcome.get().verdict)>
            {move || {
                let o = outcome.get();
                let dims: Vec<String> = rub
                    .dimensions
                    .iter()
                    .zip(o.dimensions.iter())
                    .map(|(d, (_, r))| format!("{} {}", d.name.get(locale.get()), rating_letter(*r)))
                    .collect();
                format!("{}：{} · {}", locale.tr("sheet.verdict"), locale.tr(o.verdict.label_key()), dims.join(" / "))
            }}
        </span>
    }
}

fn rating_letter(r: Rating) -> &'static str {
    match r {
        Rating::S => "S",
        Rating::N => "N",
        Rating::U => "U",
    }
}

#[allow(clippy::too_many_arguments)]
#[component]
fn DimensionBlock(
    dim: Dimension,
    sheet: RwSignal<ScoreSheet>,
    edit: Edit,
    errors: Signal<FieldErrors>,
    touched: RwSignal<BTreeSet<String>>,
    editable: RwSignal<bool>,
    refs: Vec<RefOption>,
    stage: Stage,
    outcome: Memo<crate::domain::sheet::SheetOutcome>,
) -> impl IntoView {
    let locale = use_locale();
    let d = dim;
    let did = d.id.clone();
    let name = d.name.clone();
    let (sf, nf) = (d.subject_feature.clone(), d.non_subject_feature.clone());
    let is_content = d.id == crate::domain::sheet::CONTENT_DIMENSION;
    let result = move || {
        outcome
            .get()
            .dimensions
            .iter()
            .find(|(id, _)| *id == did)
            .map(|(_, r)| rating_letter(*r))
            .unwrap_or("U")
    };
    view! {
        <section class="dimension" data-dimension=d.id.clone()>
            <h2>{move || name.get(locale.get()).to_string()}" "<span class="tag tag--blue" data-testid="dimension-result">{result}</span></h2>
            <dl class="features">
                <div><dt>{t("sheet.feature.s")}</dt><dd>{move || sf.get(locale.get()).to_string()}</dd></div>
                <div><dt>{t("sheet.feature.n")}</dt><dd>{move || nf.get(locale.get()).to_string()}</dd></div>
            </dl>
            {d.indicators.iter().map(|i| view! {
                <IndicatorBlock ind=i.clone() sheet edit=edit.clone() errors touched editable refs=refs.clone() stage />
            }).collect_view()}
            {is_content.then(|| view! { <NegativeList sheet edit=edit.clone() editable stage /> })}
        </section>
    }
}

fn field_id(ind: &str, part: &str) -> String {
    format!("sheet-{}-{part}", ind.replace('.', "-"))
}

#[component]
fn IndicatorBlock(
    ind: Indicator,
    sheet: RwSignal<ScoreSheet>,
    edit: Edit,
    errors: Signal<FieldErrors>,
    touched: RwSignal<BTreeSet<String>>,
    editable: RwSignal<bool>,
    refs: Vec<RefOption>,
    stage: Stage,
) -> impl IntoView {
    let locale = use_locale();
    let i = ind;
    // A pre-school item is checked against 小学化 content where the indicator says so.
    let preschool = i
        .preschool_guidance
        .clone()
        .filter(|_| stage == Stage::Preschool);
    let id = i.id.clone();
    let (name, sd, nd, guide) = (
        i.name.clone(),
        i.s_descriptor.clone(),
        i.n_descriptor.clone(),
        i.guidance.clone(),
    );
    let msgs = {
        let id = id.clone();
        move |part: &'static str| {
            let path = format!("sheet.{id}.{part}");
            move || {
                errors
                    .get()
                    .0
                    .iter()
                    .filter(|e| e.field == path)
                    .map(|e| locale.tr_with(&e.key, &e.args))
                    .collect::<Vec<_>>()
            }
        }
    };
    let rating_of = {
        let id = id.clone();
        move || sheet.with(|s| s.ratings.get(&id).and_then(|x| x.rating))
    };
    let evidence_of = {
        let id = id.clone();
        move || {
            sheet.with(|s| {
                s.ratings
                    .get(&id)
                    .map(|x| x.evidence.clone())
                    .unwrap_or_default()
            })
        }
    };
    let ev_id = field_id(&id, "evidence");
    let rating_msgs = msgs("rating");
    let ev_msgs = msgs("evidence");
    let ref_msgs = msgs("refs");
    view! {
        <fieldset class="indicator" data-indicator=id.clone()>
            <legend class="indicator__name">{move || name.get(locale.get()).to_string()}{i.core.then(|| view! { " " <span class="tag tag--grey">{t("sheet.core")}</span> })}</legend>
            <div class="descriptors">
                <p><strong>"S "</strong>{move || sd.get(locale.get()).to_string()}</p>
                <p><strong>"N "</strong>{move || nd.get(locale.get()).to_string()}</p>
            </div>
            {match preschool {
                Some(p) => view! {
                    <div class="banner banner--info" data-testid="preschool-guidance">
                        <h3 class="banner__title">{t("sheet.preschool_guidance")}</h3>
                        <p>{move || p.get(locale.get()).to_string()}</p>
                    </div>
                }.into_any(),
                None => view! { <details class="details"><summary>{t("sheet.guidance")}</summary><p>{move || guide.get(locale.get()).to_string()}</p></details> }.into_any(),
            }}
            <div class="rating-choice" role="radiogroup" aria-label=move || locale.tr("sheet.rating")>
                {[Rating::S, Rating::N, Rating::U].into_iter().enumerate().map(|(k, r)| {
                    let input_id = if k == 0 { field_id(&id, "rating") } else { format!("{}-{}", field_id(&id, "rating"), rating_letter(r)) };
                    let name = format!("rating-{}", id);
                    let iid = id.clone();
                    let edit = edit.clone();
                    let rating_of = rating_of.clone();
                    view! {
                        <div class="rating-choice__option">
                            <input type="radio" id=input_id.clone() name=name value=rating_letter(r)
                                prop:checked=move || rating_of() == Some(r)
                                disabled=move || !editable.get()
                                on:change=move |_| {
                                    touched.update(|t| { t.insert(iid.clone()); });
                                    let iid = iid.clone();
                                    edit(&move |s: &mut ScoreSheet| { s.ratings.entry(iid.clone()).or_default().rating = Some(r); });
                                } />
                            <label for=input_id data-rating=rating_letter(r)>{rating_letter(r)}<span class="rating-choice__hint">{move || locale.tr(match r { Rating::S => "sheet.rating.s", Rating::N => "sheet.rating.n", Rating::U => "sheet.rating.u" })}</span></label>
                        </div>
                    }
                }).collect_view()}
            </div>
            {move || rating_msgs().into_iter().map(|m| view! { <p class="error-message">{m}</p> }).collect_view()}
            <div class="form-group">
                <label class="label" for=ev_id.clone()>{t("sheet.evidence")}</label>
                <div class="hint">{t("sheet.evidence_hint")}</div>
                {move || ev_msgs().into_iter().map(|m| view! { <p class="error-message">{m}</p> }).collect_view()}
                <textarea class="textarea" id=ev_id.clone() rows="2" disabled=move || !editable.get()
                    prop:value=evidence_of
                    on:input={
                        let iid = id.clone();
                        let edit = edit.clone();
                        move |ev| {
                            let v = event_target_value(&ev);
                            touched.update(|t| { t.insert(iid.clone()); });
                            let iid = iid.clone();
                            edit(&move |s: &mut ScoreSheet| { s.ratings.entry(iid.clone()).or_default().evidence = v.clone(); });
                        }
                    }></textarea>
            </div>
            <fieldset class="refs" id=field_id(&id, "refs")>
                <legend class="label">{t("sheet.refs")}</legend>
                {move || ref_msgs().into_iter().map(|m| view! { <p class="error-message">{m}</p> }).collect_view()}
                {if refs.is_empty() { Some(view! { <p class="hint">{t("sheet.refs.none")}</p> }) } else { None }}
                <div class="checkboxes checkboxes--inline">
                    {refs.iter().map(|r| {
                        let target = if r.kind == "activity" { EvidenceRef::Activity(r.id) } else { EvidenceRef::Material(crate::domain::ids::MaterialId(r.id)) };
                        let cid = format!("{}-{}-{}", field_id(&id, "ref"), r.kind, r.id);
                        let iid = id.clone();
                        let iid2 = id.clone();
                        let edit = edit.clone();
                        let prefix = if r.kind == "activity" { "sheet.ref.activity" } else { "sheet.ref.material" };
                        let label = r.label.clone();
                        view! {
                            <div class="checkbox">
                                <input type="checkbox" id=cid.clone() disabled=move || !editable.get()
                                    prop:checked=move || sheet.with(|s| s.ratings.get(&iid2).is_some_and(|x| x.refs.contains(&target)))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        touched.update(|t| { t.insert(iid.clone()); });
                                        let iid = iid.clone();
                                        edit(&move |s: &mut ScoreSheet| {
                                            let e = s.ratings.entry(iid.clone()).or_default();
                                            e.refs.retain(|x| *x != target);
                                            if on { e.refs.push(target); }
                                        });
                                    } />
                                <label for=cid>{move || locale.tr(prefix)}" "{label.clone()}</label>
                            </div>
                        }
                    }).collect_view()}
                </div>
            </fieldset>
        </fieldset>
    }
}

#[component]
fn NegativeList(
    sheet: RwSignal<ScoreSheet>,
    edit: Edit,
    editable: RwSignal<bool>,
    stage: Stage,
) -> impl IntoView {
    let locale = use_locale();
    let version = sheet.with_untracked(|s| s.negative_list_version);
    let Some(list) = negative_list(version) else {
        return view! { <p class="hint">"—"</p> }.into_any();
    };
    let items = list.items_for_stage(stage);
    if items.is_empty() {
        // No six-subject list for this stage (学前): the indicator's pre-school guidance says
        // what to check instead.
        return view! { <p class="hint" data-testid="negative-list-none">{t("sheet.negative_list_none")}</p> }.into_any();
    }
    let hits = move || sheet.with(|s| s.negative_list_hits.len());
    view! {
        <details class="details negative-list" id="sheet-negative_list_hits" data-testid="negative-list">
            <summary>{move || locale.tr_with("sheet.negative_list", &[("n".into(), hits().to_string())])}</summary>
            <p class="hint">{t("sheet.negative_list_hint")}</p>
            <div class="checkboxes">
                {items.into_iter().map(|(subj, item)| {
                    let id = item.id.clone();
                    let cid = format!("nl-{}", id.replace('.', "-"));
                    let (sn, tx) = (subj.name.clone(), item.text.clone());
                    let id2 = id.clone();
                    let edit = edit.clone();
                    view! {
                        <div class="checkbox">
                            <input type="checkbox" id=cid.clone() disabled=move || !editable.get()
                                prop:checked=move || sheet.with(|s| s.negative_list_hits.contains(&id2))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    let id = id.clone();
                                    edit(&move |s: &mut ScoreSheet| {
                                        s.negative_list_hits.retain(|x| *x != id);
                                        if on { s.negative_list_hits.push(id.clone()); }
                                    });
                                } />
                            <label for=cid>{move || format!("【{}】{}", sn.get(locale.get()), tx.get(locale.get()))}</label>
                        </div>
                    }
                }).collect_view()}
            </div>
        </details>
    }.into_any()
}

#[component]
fn History(page: PageData) -> impl IntoView {
    let locale = use_locale();
    view! {
        {(!page.history.is_empty()).then(|| view! {
            <details class="details" data-testid="sheet-history">
                <summary>{t("sheet.history")}</summary>
                <ul class="plain">
                    {page.history.iter().rev().map(|v| {
                        let n = v.version;
                        view! { <li>{move || locale.tr_with("sheet.history.line", &[("n".into(), n.to_string())])}" · "{v.saved_at.clone()}{v.submit.then(|| view! { " · " {t("sheet.history.submitted")} })}</li> }
                    }).collect_view()}
                </ul>
            </details>
        })}
        {(!page.panel.is_empty()).then(|| view! {
            <h2>{t("sheet.panel")}</h2>
            <ul class="plain" data-testid="panel-sheets">
                {page.panel.iter().map(|m| {
                    let vk = m.verdict.map(|v| v.label_key());
                    view! { <li><strong>{m.expert_name.clone()}</strong>" · "{move || vk.map(|k| locale.tr(k)).unwrap_or_default()}" · "{m.submitted_at.clone().unwrap_or_default()}</li> }
                }).collect_view()}
            </ul>
        })}
    }
}
