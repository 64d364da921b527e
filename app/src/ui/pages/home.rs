//! The home page of each role (later issues fill them with work).

use super::calendar::CalendarGaps;
use super::cases::list::{IntakeQueue, MyCases, MyWork};
use super::cases::work::{AwaitingDraw, LoanRequests, MyInvitations, PostChanges, WitnessedDraws};
use crate::api::auth::home_path;
use crate::domain::deadline::Clock;
use crate::domain::role::Role;
use crate::ui::{t, use_me};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

/// `/`: sends each user to the home of their role (or to sign in).
#[component]
pub fn HomePage() -> impl IntoView {
    let me = use_me();
    view! {
        <Suspense fallback=|| view! { <p class="hint">"…"</p> }>
            {move || {
                me.get()
                    .map(|r| match r {
                        Ok(Some(m)) if m.must_change_password => view! { <Redirect path="/account/password" /> }.into_any(),
                        Ok(Some(m)) => view! { <Redirect path=home_path(m.role) /> }.into_any(),
                        _ => view! { <Redirect path="/login" /> }.into_any(),
                    })
            }}
        </Suspense>
    }
}

// Each home is a route of its own, so that its lists are created once per page (a resource
// created inside a closure that re-runs during server rendering gets out of step with the
// browser's when hydrating).

#[component]
pub fn InstitutionHome() -> impl IntoView {
    role_home(Role::InstitutionUser)
}

#[component]
pub fn ExpertHome() -> impl IntoView {
    role_home(Role::Expert)
}

#[component]
pub fn CountyHome() -> impl IntoView {
    role_home(Role::CountyClerk)
}

#[component]
pub fn PrefectureHome() -> impl IntoView {
    role_home(Role::PrefectureClerk)
}

#[component]
pub fn ObserverHome() -> impl IntoView {
    role_home(Role::Observer)
}

fn role_home(role: Role) -> impl IntoView {
    let (title, lead, empty, testid) = match role {
        Role::InstitutionUser => (
            "home.institution.title",
            "home.institution.lead",
            "home.institution.empty",
            "home-institution",
        ),
        Role::Expert => (
            "home.expert.title",
            "home.expert.lead",
            "home.expert.empty",
            "home-expert",
        ),
        Role::CountyClerk | Role::CountyDirector => (
            "home.county.title",
            "home.county.lead",
            "home.county.empty",
            "home-county",
        ),
        Role::PrefectureClerk | Role::PrefectureDirector => (
            "home.prefecture.title",
            "home.prefecture.lead",
            "home.prefecture.empty",
            "home-prefecture",
        ),
        Role::Observer => (
            "home.observer.title",
            "home.observer.lead",
            "home.observer.empty",
            "home-observer",
        ),
        Role::Admin => (
            "home.admin.title",
            "home.admin.lead",
            "home.admin.empty",
            "home-admin",
        ),
    };
    view! {
        <Title text=t(title) />
        <section data-testid=testid>
            <h1>{t(title)}</h1>
            <p class="lead">{t(lead)}</p>
            {match role {
                Role::InstitutionUser => view! { <MyCases /> }.into_any(),
                Role::Expert => view! { <MyInvitations /> }.into_any(),
                Role::Observer => view! { <WitnessedDraws /> <PostChanges /> }.into_any(),
                Role::CountyClerk | Role::CountyDirector => {
                    let skip = vec![Clock::Intake, Clock::Draw];
                    view! { <CalendarGaps /> <IntakeQueue /> <MyWork skip /> <AwaitingDraw /> }.into_any()
                }
                Role::PrefectureClerk | Role::PrefectureDirector => {
                    view! { <CalendarGaps /> <MyWork /> <IntakeQueue /> <LoanRequests /> <PostChanges /> }.into_any()
                }
                Role::Admin => view! { <div class="panel panel--empty"><p>{t(empty)}</p></div> }.into_any(),
            }}
        </section>
    }
}
