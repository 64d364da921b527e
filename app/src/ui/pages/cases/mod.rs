//! Applications and cases: lists, the application form, the case page.

pub mod activities;
pub mod detail;
pub mod determination;
pub mod draw;
pub mod form;
pub mod list;
pub mod meeting;
pub mod opinion;
pub mod panel;
pub mod ratings;
pub mod rereview;
pub mod selfcheck;
pub mod sheet;
pub mod work;

use crate::domain::case::CaseState;
use crate::domain::deadline::DeadlineStatus;
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

/// A file size for people: "1.5 MB", "12 KB".
pub fn human_size(n: i64) -> String {
    if n >= 1024 * 1024 {
        format!("{:.1} MB", n as f64 / 1048576.0)
    } else {
        format!("{:.0} KB", (n as f64 / 1024.0).max(1.0))
    }
}
