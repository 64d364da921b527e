//! 鉴定会与政策培训 (`/cases/:id/meeting`): the meeting's time, place and agenda (the clerk
//! schedules or moves it, then records attendance and minutes), the members' briefing
//! confirmations, and the briefing itself (the basis documents of the case's rubric version),
//! which each member confirms before submitting a score sheet.

use crate::api::meetings::{
    confirm_briefing, get_meeting_page, record_minutes, schedule_meeting, MeetingPage as Page,
    MeetingSave, MeetingView, MemberBriefing, MinutesSave,
};
use crate::api::AppError;
use crate::domain::error::FieldErrors;
use crate::domain::meeting::{MeetingInput, MinutesInput};
use crate::i18n::use_locale;
use crate::ui::components::{use_id_param, ErrorSummary, FieldErrorMessages, PageError};
use crate::ui::t;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn MeetingPage() -> impl IntoView {
    let id = use_id_param();
    let reload = RwSignal::new(0u32);
    let page = Resource::new_blocking(move || (id(), reload.get()), |(id, _)| get_meeting_page(id));
    view! {
        <Title text=t("meeting.title") />
        <Suspense fallback=|| view! { <p class="hint">"…"</p> }>
            {move || page.get().map(|r| match r {
                Ok(p) => view! { <MeetingView p reload /> }.into_any(),
                Err(e) => view! { <PageError error=e testid="meeting-error" /> }.into_any()
            })}
        </Suspense>
    }
}

#[component]
fn MeetingView(p: Page, reload: RwSignal<u32>) -> impl IntoView {
    let case_id = p.case_id;
    let caption = format!("{} · {}", p.number.clone().unwrap_or_default(), p.item_name);
    let meeting = p.meeting.clone();
    let members = p.members.clone();
    let schedule = p.can_manage.then(|| {
        let m = meeting.clone();
        view! { <ScheduleForm case_id current=m reload /> }
    });
    let loc = use_locale();
    let waiver = p.waiver.clone().map(|(reason, by, time)| view! {
        <div class="banner banner--info" role="note" data-testid="meeting-waived">
            <p>{move || loc.tr_with("meeting.waiver.done", &[("reason".into(), reason.clone()), ("by".into(), by.clone()), ("time".into(), time.clone())])}</p>
        </div>
    });
    let waive = p
        .can_waive
        .then(|| view! { <WaiverForm case_id version=p.case_version reload /> });
    let minutes = match (&meeting, p.can_manage) {
        (Some(m), true) if m.started => {
            Some(view! { <MinutesForm case_id m=m.clone() members=members.clone() reload /> })
        }
        _ => None,
    };
    view! {
        <p class="caption"><a href=format!("/cases/{case_id}")>{caption}</a></p>
        <h1 data-testid="meeting-title">{t("meeting.title")}</h1>
        <p class="lead">{t("meeting.lead")}</p>
        <section class="panel" data-testid="meeting-section">
            <h2 class="panel__title">{t("meeting.section")}</h2>
            {match meeting.clone() {
                Some(m) => view! { <MeetingFacts m members=members.clone() /> }.into_any(),
                None => view! { <p data-testid="meeting-none">{t("meeting.none")}</p> }.into_any(),
            }}
            {waiver}
            {schedule}
            {minutes}
            {waive}
        </section>
        <Members members=members.clone() />
        <BriefingSection p reload />
    }
}

#[component]
fn MeetingFacts(m: MeetingView, members: Vec<MemberBriefing>) -> impl IntoView {
    let present: Vec<String> = members
        .iter()
        .filter(|x| m.attended.contains(&x.expert_id))
        .map(|x| x.name.clone())
        .collect();
    view! {
        <dl class="summary-list" data-testid="meeting-facts">
            <div><dt>{t("meeting.time")}</dt><dd data-testid="meeting-time">{m.starts_at.clone()}</dd></div>
            <div><dt>{t("meeting.place")}</dt>
                <dd data-testid="meeting-place">
                    {m.online.then(|| view! { <span class="tag tag--blue">{t("meeting.online")}</span>" " })}
                    {m.place.clone()}
                </dd>
            </div>
            <div><dt>{t("meeting.agenda")}</dt><dd class="pre">{m.agenda.clone()}</dd></div>
            {m.held.then(|| view! {
                <div><dt>{t("meeting.attended")}</dt><dd data-testid="meeting-attended">{present.join("、")}</dd></div>
                {(!m.others.is_empty()).then(|| view! {
                    <div><dt>{t("meeting.others")}</dt><dd>{m.others.clone()}</dd></div>
                })}
                <div><dt>{t("meeting.minutes")}</dt><dd class="pre" data-testid="meeting-minutes">{m.minutes.clone()}</dd></div>
                <div><dt>{t("meeting.minutes_at")}</dt><dd>{m.minutes_at.clone().unwrap_or_default()}</dd></div>
            })}
        </dl>
    }
}

#[component]
fn Members(members: Vec<MemberBriefing>) -> impl IntoView {
    view! {
        <section class="panel" data-testid="briefing-members">
            <h2 class="panel__title">{t("briefing.members")}</h2>
            <div class="table-wrap">
                <table class="table">
                    <thead><tr>
                        <th scope="col">{t("briefing.member")}</th>
                        <th scope="col">{t("briefing.status")}</th>
                    </tr></thead>
                    <tbody>
                        {members.into_iter().map(|m| {
                            let confirmed = m.confirmed_at.is_some().to_string();
                            view! {
                            <tr data-testid="briefing-member" data-expert=m.expert_id data-confirmed=confirmed>
                                <td>{m.name}</td>
                                <td>{match m.confirmed_at {
                                    Some(at) => view! { <span class="tag tag--green">{t("briefing.confirmed_tag")}</span>" "{at} }.into_any(),
                                    None => view! { <span class="tag tag--yellow">{t("briefing.pending_tag")}</span> }.into_any(),
                                }}</td>
                            </tr>
                        }}).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
fn ScheduleForm(
    case_id: i64,
    current: Option<MeetingView>,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let version = current.as_ref().map_or(0, |m| m.version);
    let moving = current.is_some();
    let starts_at = RwSignal::new(
        current
            .as_ref()
            .map(|m| m.starts_input.clone())
            .unwrap_or_default(),
    );
    let online = RwSignal::new(current.as_ref().is_some_and(|m| m.online));
    let place = RwSignal::new(
        current
            .as_ref()
            .map(|m| m.place.clone())
            .unwrap_or_default(),
    );
    let agenda = RwSignal::new(
        current
            .as_ref()
            .map(|m| m.agenda.clone())
            .unwrap_or_default(),
    );
    let error = RwSignal::new(None::<AppError>);
    let errors = Signal::derive(move || error.get().map(|e| e.field_errors()).unwrap_or_default());
    let run = Action::new(move |_: &()| {
        let input = MeetingSave {
            case_id,
            version,
            meeting: MeetingInput {
                starts_at: starts_at.get_untracked(),
                online: online.get_untracked(),
                place: place.get_untracked(),
                agenda: agenda.get_untracked(),
            },
        };
        async move {
            match schedule_meeting(input).await {
                Ok(_) => {
                    error.set(None);
                    reload.update(|n| *n += 1);
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let form = view! {
        <form class="form" data-testid="meeting-form" on:submit=move |ev| { ev.prevent_default(); run.dispatch(()); }>
            <ErrorSummary error=Signal::derive(move || error.get()) />
            <div class="form-group">
                <label class="label" for="starts_at">{t("meeting.time")}</label>
                <div class="hint" id="starts_at-hint">{t("meeting.time.hint")}</div>
                <FieldErrorMessages errors field="starts_at" />
                <input class="input input--date" id="starts_at" type="datetime-local" aria-describedby="starts_at-hint" data-testid="meeting-starts" bind:value=starts_at />
            </div>
            <div class="form-group">
                <div class="checkboxes">
                    <label class="checkbox">
                        <input type="checkbox" id="online" data-testid="meeting-online" bind:checked=online />
                        <span>{t("meeting.online.label")}</span>
                    </label>
                </div>
            </div>
            <div class="form-group">
                <label class="label" for="place">{t("meeting.place")}</label>
                <div class="hint" id="place-hint">{t("meeting.place.hint")}</div>
                <FieldErrorMessages errors field="place" />
                <input class="input" id="place" type="text" maxlength="200" aria-describedby="place-hint" data-testid="meeting-place-input" bind:value=place />
            </div>
            <div class="form-group">
                <label class="label" for="agenda">{t("meeting.agenda")}</label>
                <div class="hint" id="agenda-hint">{t("meeting.agenda.hint")}</div>
                <FieldErrorMessages errors field="agenda" />
                <textarea class="textarea" id="agenda" rows="4" aria-describedby="agenda-hint" data-testid="meeting-agenda" bind:value=agenda></textarea>
            </div>
            <button class=if moving { "button button--secondary" } else { "button" } type="submit" data-testid="meeting-save" disabled=move || run.pending().get()>
                {t(if moving { "meeting.move" } else { "meeting.schedule" })}
            </button>
        </form>
    };
    if moving {
        view! {
            <details class="details" data-testid="meeting-move">
                <summary>{t("meeting.move")}</summary>
                {form}
            </details>
        }
        .into_any()
    } else {
        view! { <h3>{t("meeting.schedule")}</h3> {form} }.into_any()
    }
}

#[component]
fn MinutesForm(
    case_id: i64,
    m: MeetingView,
    members: Vec<MemberBriefing>,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let version = m.version;
    let attended = RwSignal::new(if m.held {
        m.attended.clone()
    } else {
        members.iter().map(|x| x.expert_id).collect::<Vec<_>>()
    });
    let others = RwSignal::new(m.others.clone());
    let minutes = RwSignal::new(m.minutes.clone());
    let error = RwSignal::new(None::<AppError>);
    let errors: Signal<FieldErrors> =
        Signal::derive(move || error.get().map(|e| e.field_errors()).unwrap_or_default());
    let run = Action::new(move |_: &()| {
        let input = MinutesSave {
            case_id,
            version,
            minutes: MinutesInput {
                attended: attended.get_untracked(),
                others: others.get_untracked(),
                minutes: minutes.get_untracked(),
            },
        };
        async move {
            match record_minutes(input).await {
                Ok(_) => {
                    error.set(None);
                    reload.update(|n| *n += 1);
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    view! {
        <h3>{t(if m.held { "meeting.minutes.edit" } else { "meeting.minutes.record" })}</h3>
        <form class="form" data-testid="minutes-form" on:submit=move |ev| { ev.prevent_default(); run.dispatch(()); }>
            <ErrorSummary error=Signal::derive(move || error.get()) />
            <fieldset class="form-group" id="attended">
                <legend class="label">{t("meeting.attended")}</legend>
                <FieldErrorMessages errors field="attended" />
                <div class="checkboxes">
                    {members.into_iter().map(|x| {
                        let eid = x.expert_id;
                        view! {
                            <label class="checkbox">
                                <input type="checkbox" data-testid="minutes-attended"
                                    prop:checked=move || attended.with(|a| a.contains(&eid))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        attended.update(|a| {
                                            a.retain(|x| *x != eid);
                                            if on { a.push(eid); }
                                        });
                                    } />
                                <span>{x.name}</span>
                            </label>
                        }
                    }).collect_view()}
                </div>
            </fieldset>
            <div class="form-group">
                <label class="label" for="others">{t("meeting.others")}</label>
                <div class="hint" id="others-hint">{t("meeting.others.hint")}</div>
                <FieldErrorMessages errors field="others" />
                <input class="input" id="others" type="text" maxlength="500" aria-describedby="others-hint" bind:value=others />
            </div>
            <div class="form-group">
                <label class="label" for="minutes">{t("meeting.minutes")}</label>
                <div class="hint" id="minutes-hint">{t("meeting.minutes.hint")}</div>
                <FieldErrorMessages errors field="minutes" />
                <textarea class="textarea" id="minutes" rows="6" aria-describedby="minutes-hint" data-testid="minutes-text" bind:value=minutes></textarea>
            </div>
            <button class="button" type="submit" data-testid="minutes-save" disabled=move || run.pending().get()>{t("meeting.minutes.save")}</button>
        </form>
    }
}

#[component]
fn BriefingSection(p: Page, reload: RwSignal<u32>) -> impl IntoView {
    let locale = use_locale();
    let b = p.briefing.clone();
    let case_id = p.case_id;
    let read = RwSignal::new(false);
    let error = RwSignal::new(None::<AppError>);
    let run = Action::new(move |_: &()| async move {
        if !read.get_untracked() {
            let mut e = FieldErrors::new();
            e.add("briefing-read", "briefing.must_tick");
            error.set(Some(AppError::Validation(e)));
            return;
        }
        match confirm_briefing(case_id).await {
            Ok(_) => {
                error.set(None);
                reload.update(|n| *n += 1);
            }
            Err(e) => error.set(Some(e)),
        }
    });
    let errors: Signal<FieldErrors> =
        Signal::derive(move || error.get().map(|e| e.field_errors()).unwrap_or_default());
    let confirm = if let Some(at) = p.my_confirmed_at.clone() {
        Some(
            view! {
                <p class="banner" data-testid="briefing-done">
                    {move || locale.tr_with("briefing.done", &[("at".into(), at.clone())])}
                </p>
            }
            .into_any(),
        )
    } else if p.can_confirm {
        Some(view! {
            <form class="form" data-testid="briefing-form" on:submit=move |ev| { ev.prevent_default(); run.dispatch(()); }>
                <ErrorSummary error=Signal::derive(move || error.get()) />
                <div class="form-group">
                    <FieldErrorMessages errors field="briefing-read" />
                    <div class="checkboxes">
                        <label class="checkbox">
                            <input type="checkbox" id="briefing-read" data-testid="briefing-read" bind:checked=read />
                            <span>{t("briefing.statement")}</span>
                        </label>
                    </div>
                </div>
                <button class="button" type="submit" data-testid="briefing-confirm" disabled=move || run.pending().get()>{t("briefing.confirm")}</button>
            </form>
        }.into_any())
    } else {
        None
    };
    view! {
        <section class="panel" id="briefing" data-testid="briefing">
            <h2 class="panel__title">{t("briefing.title")}</h2>
            <p>{move || locale.tr_with("briefing.lead", &[("version".into(), b.rubric_version.to_string())])}</p>
            <h3>{t("briefing.basis")}</h3>
            <ol>
                {b.basis.iter().map(|d| {
                    let d = d.clone();
                    let (title, summary) = (d.title.clone(), d.summary.clone());
                    view! {
                        <li data-testid="briefing-doc">
                            <p><strong>{move || title.get(locale.get()).to_string()}</strong>" "<span class="caption">{d.number.clone()}</span></p>
                            <p>{move || summary.get(locale.get()).to_string()}</p>
                        </li>
                    }
                }).collect_view()}
            </ol>
            <h3>{t("briefing.dimensions")}</h3>
            <div class="table-wrap">
                <table class="table">
                    <thead><tr>
                        <th scope="col">{t("briefing.dimension")}</th>
                        <th scope="col">{t("briefing.subject_feature")}</th>
                        <th scope="col">{t("briefing.non_subject_feature")}</th>
                    </tr></thead>
                    <tbody>
                        {b.dimensions.iter().map(|d| {
                            let d = d.clone();
                            let (name, sf, nf) = (d.name.clone(), d.subject_feature.clone(), d.non_subject_feature.clone());
                            let inds: Vec<_> = d.indicators.iter().map(|i| i.name.clone()).collect();
                            view! {
                                <tr>
                                    <th scope="row">
                                        {move || name.get(locale.get()).to_string()}
                                        <ul class="plain hint">
                                            {inds.into_iter().map(|n| view! { <li>{move || n.get(locale.get()).to_string()}</li> }).collect_view()}
                                        </ul>
                                    </th>
                                    <td>{move || sf.get(locale.get()).to_string()}</td>
                                    <td>{move || nf.get(locale.get()).to_string()}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <h3>{t("briefing.rule")}</h3>
            <p class="pre" data-testid="briefing-rule">{move || b.verdict_rule.get(locale.get()).to_string()}</p>
            {confirm}
        </section>
    }
}

/// The director's waiver of the meeting, with reasons (guide 七(三)).
#[component]
fn WaiverForm(case_id: i64, version: i32, reload: RwSignal<u32>) -> impl IntoView {
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let errors = Signal::derive(move || error.get().map(|e| e.field_errors()).unwrap_or_default());
    let run = Action::new(move |_: &()| {
        let r = reason.get_untracked();
        async move {
            match crate::api::meetings::waive_meeting(case_id, version, r).await {
                Ok(_) => {
                    error.set(None);
                    reload.update(|n| *n += 1);
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    view! {
        <form class="form" data-testid="waiver-form" on:submit=move |ev| { ev.prevent_default(); run.dispatch(()); }>
            <ErrorSummary error=Signal::derive(move || error.get()) />
            <h3>{t("meeting.waiver.title")}</h3>
            <p class="hint">{t("meeting.waiver.hint")}</p>
            <div class="form-group">
                <label class="label" for="waiver-reason">{t("meeting.waiver.reason")}</label>
                <FieldErrorMessages errors field="waiver.reason" />
                <textarea class="textarea" id="waiver-reason" rows="3" data-testid="waiver-reason" bind:value=reason></textarea>
            </div>
            <button class="button button--secondary" type="submit" data-testid="waiver-submit" disabled=move || run.pending().get()>{t("meeting.waiver.submit")}</button>
        </form>
    }
}
