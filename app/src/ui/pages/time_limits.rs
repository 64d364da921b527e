//! `/settings/time-limits` (办理时限): the time limit of every stage and the due-soon warning in
//! force, and every change with who, when and why. The administrator changes them with a reason;
//! out-of-range values are refused at their fields and a page that saw an older version is told
//! so; nothing changes then. A change applies to the clocks that start after it.

use crate::api::settings::{save_time_limits, time_limits_in_force, LimitsPage};
use crate::api::AppError;
use crate::domain::deadline::TimeLimits;
use crate::i18n::use_locale;
use crate::ui::components::{field_messages, ErrorSummary, PageError, TextField};
use crate::ui::t;
use leptos::prelude::*;
use leptos_meta::Title;

/// Each field: name, label key, and whether it counts calendar days (else working days).
const FIELDS: [(&str, &str, bool); 8] = [
    ("intake", "limits.intake", false),
    ("draw", "limits.draw", false),
    ("panel_review", "limits.panel_review", false),
    ("sealing", "limits.sealing", false),
    (
        "rereview_request_days",
        "limits.rereview_request_days",
        true,
    ),
    ("forwarding_decision", "limits.forwarding_decision", false),
    (
        "prefecture_determination",
        "limits.prefecture_determination",
        false,
    ),
    (
        "due_soon_working_days",
        "limits.due_soon_working_days",
        false,
    ),
];

fn value(l: &TimeLimits, name: &str) -> u32 {
    l.fields()
        .into_iter()
        .find(|(n, _, _)| *n == name)
        .map_or(0, |(_, v, _)| v)
}

/// The limits the form's fields give (a field that is not a whole number gives a value the
/// server refuses at its field).
fn from_fields(values: &[(&'static str, String)]) -> TimeLimits {
    let get = |name: &str| {
        values
            .iter()
            .find(|(n, _)| *n == name)
            .and_then(|(_, v)| v.trim().parse::<u32>().ok())
            .unwrap_or(u32::MAX)
    };
    TimeLimits {
        intake: get("intake"),
        draw: get("draw"),
        panel_review: get("panel_review"),
        sealing: get("sealing"),
        rereview_request_days: get("rereview_request_days"),
        forwarding_decision: get("forwarding_decision"),
        prefecture_determination: get("prefecture_determination"),
        due_soon_working_days: get("due_soon_working_days"),
    }
}

#[component]
pub fn TimeLimitsPage() -> impl IntoView {
    let saved = RwSignal::new(None::<i32>);
    let page = Resource::new(move || saved.get(), |_| time_limits_in_force());
    view! {
        <Title text=t("limits.title") />
        <h1>{t("limits.title")}</h1>
        <p class="lead">{t("limits.lead")}</p>
        <p><a href="/settings/calendar">{t("nav.calendar")}</a></p>
        <Suspense fallback=|| view! { <p class="hint">"…"</p> }>
            {move || page.get().map(|r| match r {
                Err(e) => view! { <PageError error=e testid="limits-error" /> }.into_any(),
                Ok(p) => view! { <Limits p saved /> }.into_any(),
            })}
        </Suspense>
    }
}

fn unit(calendar: bool) -> &'static str {
    if calendar {
        "limits.unit.calendar_days"
    } else {
        "limits.unit.working_days"
    }
}

#[component]
fn Limits(p: LimitsPage, saved: RwSignal<Option<i32>>) -> impl IntoView {
    let locale = use_locale();
    let version = p.version;
    let current = p.limits;
    let shown = if version == 0 {
        locale.tr("calendar.version.builtin")
    } else {
        locale.tr_with("calendar.version.n", &[("n".into(), version.to_string())])
    };
    let form = p
        .can_edit
        .then(|| view! { <LimitsForm current version saved /> });
    view! {
        {move || saved.get().map(|n| {
            let n = n.to_string();
            view! {
                <div class="panel panel--success" role="status" data-testid="limits-saved">
                    <p>{move || locale.tr_with("limits.saved", &[("n".into(), n.clone())])}</p>
                </div>
            }
        })}
        <section class="section">
            <h2>{t("limits.in_force")} " " <span class="tag tag--grey" data-testid="limits-version">{shown}</span></h2>
            <div class="table-wrap">
                <table class="table" data-testid="limits-table">
                    <caption class="visually-hidden">{t("limits.in_force")}</caption>
                    <thead><tr><th scope="col">{t("limits.stage")}</th><th scope="col">{t("limits.limit")}</th></tr></thead>
                    <tbody>
                        {FIELDS.into_iter().map(|(name, label, calendar)| {
                            let n = value(&current, name).to_string();
                            view! {
                                <tr data-field=name>
                                    <td>{t(label)}</td>
                                    <td>{n} " " {t(unit(calendar))}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
        {form}
        {(!p.history.is_empty()).then(|| view! {
            <section class="section">
                <h2>{t("limits.history")}</h2>
                <ul class="history" data-testid="limits-history">
                    {p.history.into_iter().map(|v| {
                        let n = v.version.to_string();
                        let values = FIELDS.iter().map(|(name, _, _)| value(&v.limits, name).to_string()).collect::<Vec<_>>().join(" / ");
                        view! {
                            <li>
                                <strong>{move || locale.tr_with("calendar.version.n", &[("n".into(), n.clone())])}</strong>
                                " · " {v.at.clone()} " · " {v.by.clone()}
                                <br /><span class="hint">{v.reason.clone()}</span>
                                <br /><code>{values}</code>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        })}
    }
}

#[component]
fn LimitsForm(current: TimeLimits, version: i32, saved: RwSignal<Option<i32>>) -> impl IntoView {
    let locale = use_locale();
    let server = RwSignal::new(None::<AppError>);
    let errors = Signal::derive(move || server.get().map(|e| e.field_errors()).unwrap_or_default());
    let values: Vec<(&'static str, RwSignal<String>)> = FIELDS
        .iter()
        .map(|(name, _, _)| (*name, RwSignal::new(value(&current, name).to_string())))
        .collect();
    let reason = RwSignal::new(String::new());
    let run = Action::new(move |(limits, reason): &(TimeLimits, String)| {
        let (limits, reason) = (*limits, reason.clone());
        async move {
            match save_time_limits(limits, reason, version).await {
                Ok(n) => saved.set(Some(n)),
                Err(e) => server.set(Some(e)),
            }
        }
    });
    let submit = {
        let values = values.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            server.set(None);
            let read: Vec<(&'static str, String)> =
                values.iter().map(|(n, v)| (*n, v.get())).collect();
            run.dispatch((from_fields(&read), reason.get()));
        }
    };
    let reason_msgs = move || field_messages(&errors.get(), "limits.reason", locale.get());
    view! {
        <section class="section" data-testid="limits-form">
            <h2>{t("limits.change")}</h2>
            <ErrorSummary error=Signal::derive(move || server.get()) />
            <form on:submit=submit novalidate>
                {FIELDS.into_iter().zip(values).map(|((_, label, calendar), (_, v))| {
                    view! { <TextField name=label label hint=unit(calendar) kind="number" errors value=v /> }
                }).collect_view()}
                <div class="form-group" class:form-group--error=move || !reason_msgs().is_empty()>
                    <label class="label" for="limits-reason">{t("limits.reason")}</label>
                    <div class="hint">{t("limits.reason_hint")}</div>
                    {move || reason_msgs().into_iter().map(|m| view! { <p class="error-message">{m}</p> }).collect_view()}
                    <textarea class="textarea" id="limits-reason" name="limits.reason" rows="3" bind:value=reason></textarea>
                </div>
                <button type="submit" class="button" data-testid="limits-save" disabled=move || run.pending().get()>{t("limits.save")}</button>
            </form>
        </section>
    }
}
