//! The home page of each role (later issues fill them with work).

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
    let me = use_me();
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
                    view! { <IntakeQueue /> <MyWork skip /> <AwaitingDraw /> }.into_any()
                }
                Role::PrefectureClerk | Role::PrefectureDirector => {
                    view! { <MyWork /> <IntakeQueue /> <LoanRequests /> <PostChanges /> }.into_any()
                }
                _ => view! { <div class="panel panel--empty"><p>{t(empty)}</p></div> }.into_any(),
            }}
            {(role == Role::Admin).then(|| view! { <p><a class="button" href="/admin/accounts">{t("admin.accounts.title")}</a></p> })}
            {role.is_bureau().then(|| view! {
                <p class="button-group">
                    <a class="button button--secondary" href="/dashboard" data-testid="nav-dashboard">{t("nav.dashboard")}</a>
                    <a class="button button--secondary" href="/registry" data-testid="nav-registry">{t("nav.registry")}</a>
                    <a class="button button--secondary" href="/cases" data-testid="nav-cases">{t("nav.cases")}</a>
                    <a class="button button--secondary" href="/experts">{t("nav.experts")}</a>
                </p>
            })}
            // By the reader's own role: a home serves clerks and directors alike.
            <Suspense fallback=|| ()>
                {move || me.get().and_then(|r| r.ok().flatten()).filter(|m| crate::domain::access::reads_audit_log(m.role)).map(|_| view! {
                    <p><a class="button button--secondary" href="/audit" data-testid="nav-audit">{t("nav.audit")}</a></p>
                })}
            </Suspense>
            {(role == Role::Expert).then(|| view! { <p><a class="button button--secondary" href="/expert/profile">{t("nav.expert_profile")}</a></p> })}
            {(role == Role::InstitutionUser).then(|| view! { <p><a class="button button--secondary" href="/public/self-check" data-testid="nav-selfcheck">{t("home.institution.selfcheck")}</a></p> })}
        </section>
    }
}
