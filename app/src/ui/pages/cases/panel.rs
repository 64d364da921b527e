//! The panel on the case page: the seats (names hidden from the institution until the
//! determination), the expert's invitation with the conflict declaration, and the way to the
//! draw page for bureau roles.

use crate::api::cases::{case_action, ActionInput, CaseDetail};
use crate::api::draws::SeatView;
use crate::api::AppError;
use crate::domain::case::{CaseState, SeatStatus};
use crate::domain::draw::SeatRole;
use crate::domain::lifecycle::Action as CaseAction;
use crate::i18n::use_locale;
use crate::ui::components::ErrorSummary;
use crate::ui::t;
use leptos::prelude::*;

pub fn role_key(r: SeatRole) -> &'static str {
    match r {
        SeatRole::Subject => "seat.role.subject",
        SeatRole::Legal => "seat.role.legal",
        SeatRole::Member => "seat.role.member",
    }
}

/// A seat's status in words and colour.
#[component]
pub fn SeatTag(status: SeatStatus) -> impl IntoView {
    let locale = use_locale();
    let class = match status {
        SeatStatus::Invited => "tag tag--yellow",
        SeatStatus::Accepted => "tag tag--green",
        SeatStatus::Declined | SeatStatus::Conflict => "tag tag--red",
        SeatStatus::Replaced => "tag tag--grey",
    };
    let key = status.label_key();
    view! { <span class=class data-seat=status.code()>{move || locale.tr(key)}</span> }
}

/// The seats of the panel as a table (active seats first, then the history).
#[component]
pub fn SeatTable(seats: Vec<SeatView>, names_visible: bool) -> impl IntoView {
    let locale = use_locale();
    let mut seats = seats;
    seats.sort_by_key(|s| !s.status.is_active());
    view! {
        <div class="table-wrap">
            <table class="table" data-testid="panel-table">
                <thead>
                    <tr>
                        <th scope="col">{t("panel.col.role")}</th>
                        <th scope="col">{t("panel.col.expert")}</th>
                        <th scope="col">{t("panel.col.status")}</th>
                        <th scope="col">{t("panel.col.respond_by")}</th>
                    </tr>
                </thead>
                <tbody>
                    {seats.into_iter().map(|s| {
                        let rk = role_key(s.role);
                        let name = if names_visible { s.expert_name.clone() } else { locale.tr("panel.name_hidden") };
                        view! {
                            <tr data-expert=s.expert_id.map(|i| i.to_string()).unwrap_or_default() data-status=s.status.code() data-role=s.role.code()>
                                <td>{move || locale.tr(rk)}{s.lead.then(|| view! { " · " {t("panel.lead")} })}</td>
                                <td>{name}{(!s.reason.is_empty()).then(|| view! { <div class="hint">{s.reason.clone()}</div> })}</td>
                                <td><SeatTag status=s.status /></td>
                                <td>{s.respond_by.format("%Y-%m-%d").to_string()}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// The panel section of the case page.
#[component]
pub fn PanelSection(case: CaseDetail, reload: RwSignal<u32>) -> impl IntoView {
    let locale = use_locale();
    let c = case;
    let open_seat = c
        .my_seat
        .clone()
        .filter(|s| s.status == SeatStatus::Invited && c.state == CaseState::PanelDrawn);
    let accepted_seat = c.my_seat.clone().filter(|s| {
        s.status == SeatStatus::Accepted
            && matches!(c.state, CaseState::PanelDrawn | CaseState::UnderReview)
    });
    let active = c.panel.iter().filter(|s| s.status.is_active()).count();
    let accepted = c
        .panel
        .iter()
        .filter(|s| s.status == SeatStatus::Accepted)
        .count();
    let draw_link = c.can_view_draw.then(|| {
        let label = if c.state == CaseState::Accepted {
            "panel.go_draw"
        } else {
            "panel.draw_record"
        };
        view! { <p><a class="button button--secondary" href=format!("/cases/{}/draw", c.id) data-testid="open-draw">{t(label)}</a></p> }
    });
    let sheet_link = c
        .my_seat
        .as_ref()
        .filter(|s| s.status == SeatStatus::Accepted && !matches!(c.state, CaseState::PanelDrawn))
        .map(|_| {
            let label = if matches!(c.state, CaseState::UnderReview | CaseState::AwaitingInfo) {
                "panel.open_sheet"
            } else {
                "panel.view_sheet"
            };
            // A full page load (not client-side routing), so that the service worker can keep the
            // sheet page for reloading without a connection.
            view! { <p><a class="button" href=format!("/cases/{}/sheet", c.id) rel="external" data-testid="open-sheet">{t(label)}</a></p> }
        });
    // 鉴定会与政策培训: the bureau, observers and the seated members, once there is a panel.
    let on_panel = c
        .my_seat
        .as_ref()
        .is_some_and(|s| s.status == SeatStatus::Accepted);
    let meeting_link = ((c.can_view_draw || on_panel)
        && !c.panel.is_empty()
        && !matches!(c.state, CaseState::Accepted | CaseState::Suspended))
    .then(|| {
        view! { <p><a class="button button--secondary" href=format!("/cases/{}/meeting", c.id) data-testid="open-meeting">{t("meeting.open")}</a></p> }
    });
    view! {
        {sheet_link}
        {meeting_link}
        {open_seat.map(|s| view! { <Invitation id=c.id version=c.version seat=s reload /> })}
        {accepted_seat.map(|_| view! { <ConflictLater id=c.id version=c.version /> })}
        {(!c.panel.is_empty() || c.can_view_draw).then(|| view! {
            <section class="panel-section" data-testid="panel-section">
                <h2>{t("panel.title")}</h2>
                {(!c.panel.is_empty()).then(|| view! {
                    <p>{move || locale.tr_with("panel.summary", &[("active".into(), active.to_string()), ("accepted".into(), accepted.to_string())])}</p>
                })}
                {(!c.panel_names_visible && !c.panel.is_empty()).then(|| view! { <p class="hint">{t("panel.names_hidden_hint")}</p> })}
                {(!c.panel.is_empty()).then(|| view! { <SeatTable seats=c.panel.clone() names_visible=c.panel_names_visible /> })}
                {draw_link}
            </section>
        })}
    }
}

/// The invitation: accept with the conflict declaration, or decline / declare a conflict.
#[component]
fn Invitation(id: i64, version: i32, seat: SeatView, reload: RwSignal<u32>) -> impl IntoView {
    let locale = use_locale();
    let error = RwSignal::new(None::<AppError>);
    let signed = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let run = Action::new(move |a: &CaseAction| {
        let a = a.clone();
        let leaves = !matches!(a, CaseAction::AcceptSeat { .. });
        async move {
            match case_action(ActionInput {
                id,
                version,
                action: a,
                note: String::new(),
            })
            .await
            {
                // Declining or recusal ends the expert's access to the case: back home.
                Ok(_) if leaves => crate::ui::go("/expert"),
                Ok(_) => {
                    error.set(None);
                    reload.update(|n| *n += 1);
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let rk = role_key(seat.role);
    let due = seat.respond_by.format("%Y-%m-%d").to_string();
    view! {
        <section class="panel invitation" data-testid="invitation">
            <h2 class="panel__title">{t("invite.title")}</h2>
            <p>{move || locale.tr_with("invite.lead", &[("role".into(), locale.tr(rk)), ("date".into(), due.clone())])}</p>
            <ErrorSummary error=Signal::derive(move || error.get()) />
            <div class="declaration">
                <h3>{t("invite.declaration.title")}</h3>
                <p class="pre">{t("invite.declaration.text")}</p>
            </div>
            <div class="checkbox">
                <input type="checkbox" id="declaration" on:change=move |ev| signed.set(event_target_checked(&ev)) />
                <label for="declaration">{t("invite.declaration.sign")}</label>
            </div>
            <p>
                <button type="button" class="button" data-testid="accept-seat" disabled=move || run.pending().get()
                    on:click=move |_| { run.dispatch(CaseAction::AcceptSeat { declaration_signed: signed.get_untracked() }); }>
                    {t("action.accept_seat")}
                </button>
            </p>
            <div class="form-group">
                <label class="label" for="decline-reason">{t("invite.reason")}</label>
                <div class="hint">{t("invite.reason_hint")}</div>
                <textarea class="textarea" id="decline-reason" rows="2" bind:value=reason></textarea>
            </div>
            <div class="button-group">
                <button type="button" class="button button--secondary" data-testid="decline-seat" disabled=move || run.pending().get()
                    on:click=move |_| { run.dispatch(CaseAction::DeclineSeat { reason: reason.get_untracked() }); }>
                    {t("action.decline_seat")}
                </button>
                <button type="button" class="button button--warning" data-testid="declare-conflict" disabled=move || run.pending().get()
                    on:click=move |_| { run.dispatch(CaseAction::DeclareConflict { reason: reason.get_untracked() }); }>
                    {t("action.declare_conflict")}
                </button>
            </div>
        </section>
    }
}

/// A member who finds a conflict later declares it (the next backup is invited).
#[component]
fn ConflictLater(id: i64, version: i32) -> impl IntoView {
    let error = RwSignal::new(None::<AppError>);
    let reason = RwSignal::new(String::new());
    let run = Action::new(move |r: &String| {
        let r = r.clone();
        async move {
            match case_action(ActionInput {
                id,
                version,
                action: CaseAction::DeclareConflict { reason: r },
                note: String::new(),
            })
            .await
            {
                Ok(_) => crate::ui::go("/expert"),
                Err(e) => error.set(Some(e)),
            }
        }
    });
    view! {
        <details class="details">
            <summary>{t("invite.conflict_later")}</summary>
            <ErrorSummary error=Signal::derive(move || error.get()) />
            <div class="form-group">
                <label class="label" for="conflict-reason">{t("invite.reason")}</label>
                <textarea class="textarea" id="conflict-reason" rows="2" bind:value=reason></textarea>
            </div>
            <button type="button" class="button button--warning" disabled=move || run.pending().get()
                on:click=move |_| { run.dispatch(reason.get_untracked()); }>
                {t("action.declare_conflict")}
            </button>
        </details>
    }
}
