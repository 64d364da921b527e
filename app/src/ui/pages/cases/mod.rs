//! Applications and cases: lists, the application form, the case page.

pub mod detail;
pub mod form;
pub mod list;

use crate::domain::deadline::DeadlineStatus;
use crate::domain::lifecycle::CaseState;
use crate::i18n::use_locale;
use leptos::prelude::*;

/// A state in words and colour.
#[component]
pub fn StateTag(state: CaseState) -> impl IntoView {
    let locale = use_locale();
    let class = match state {
        CaseState::Draft | CaseState::Withdrawn => "tag tag--grey",
        CaseState::Returned
        | CaseState::AwaitingInfo
        | CaseState::Suspended
        | CaseState::Escalated => "tag tag--yellow",
        CaseState::NotAccepted | CaseState::Terminated | CaseState::RereviewRefused => {
            "tag tag--red"
        }
        CaseState::Determined | CaseState::Final => "tag tag--green",
        _ => "tag tag--blue",
    };
    let key = state.label_key();
    view! { <span class=class data-state=state.code()>{move || locale.tr(key)}</span> }
}

/// A deadline status in words and colour.
#[component]
pub fn DeadlineTag(status: DeadlineStatus) -> impl IntoView {
    let locale = use_locale();
    let class = match status {
        DeadlineStatus::OnTime => "tag tag--green",
        DeadlineStatus::DueSoon => "tag tag--yellow",
        DeadlineStatus::Overdue => "tag tag--red",
    };
    let key = status.label_key();
    view! { <span class=class>{move || locale.tr(key)}</span> }
}
