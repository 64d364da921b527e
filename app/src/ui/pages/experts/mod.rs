//! Pages of the expert pool (专家库) and the expert's own declarations:
//! `/experts` (list and filters), `/experts/new` (create, or propose for county staff),
//! `/experts/:id` (record, edit, status, ties, history), `/experts/import` (CSV),
//! `/experts/proposals` and `/expert/profile`.

pub mod detail;
pub mod form;
pub mod import;
pub mod list;
pub mod profile;
pub mod proposals;
pub mod title;

use crate::domain::draw::ExpertStatus;
use crate::i18n::use_locale;
use leptos::prelude::*;

pub fn status_key(s: ExpertStatus) -> &'static str {
    match s {
        ExpertStatus::Active => "experts.status.active",
        ExpertStatus::Suspended => "experts.status.suspended",
        ExpertStatus::Removed => "experts.status.removed",
    }
}

pub fn status_code(s: ExpertStatus) -> &'static str {
    match s {
        ExpertStatus::Active => "active",
        ExpertStatus::Suspended => "suspended",
        ExpertStatus::Removed => "removed",
    }
}

/// A coloured tag with the status's name.
#[component]
pub fn StatusTag(status: ExpertStatus) -> impl IntoView {
    let locale = use_locale();
    let class = match status {
        ExpertStatus::Active => "tag tag--green",
        ExpertStatus::Suspended => "tag tag--yellow",
        ExpertStatus::Removed => "tag tag--grey",
    };
    view! { <span class=class data-testid="expert-status">{move || locale.tr(status_key(status))}</span> }
}

/// Labels of some coded values, joined with 、.
pub fn labels<T: Copy>(items: &[T], key: fn(T) -> &'static str, locale: &'static str) -> String {
    items
        .iter()
        .map(|x| crate::i18n::text(locale, key(*x)))
        .collect::<Vec<_>>()
        .join("、")
}

/// The proposal status's translation key.
pub fn proposal_status_key(s: &str) -> &'static str {
    match s {
        "approved" => "experts.proposal.approved",
        "rejected" => "experts.proposal.rejected",
        _ => "experts.proposal.pending",
    }
}
