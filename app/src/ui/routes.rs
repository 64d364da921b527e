//! The pages that load their code only when visited (issue 20: a tablet on a weak link fetches
//! the shell and the page it opens, not every page of every role).
//!
//! Each route here is a `LazyRoute` whose view is a `#[lazy]` function of its group:
//! `cargo leptos build --split` moves each group's pages, and what only they use, into WASM
//! chunks that the browser fetches the first time one of the group's routes is shown (the server
//! names the chunks of the page it renders with `<link rel="preload">`, so a first load fetches
//! them beside the main module, not after it). The browser hydrates with `hydrate_lazy`, which
//! waits for the chunks of the page on screen. Sign-in, the role redirect of `/` and "not
//! found" stay in the main module: every visit may need them.
//!
//! Pages are grouped by who opens them together, not one chunk set per page: code shared by
//! several split points becomes a chunk of its own for each combination of them, and 31 split
//! points made about a thousand files (hundreds of requests for one page on a 150 ms link).
//! The score sheet is a group of its own, so that the classroom tablet fetches nothing else.

use crate::ui::{pages, MarkHydrated};
use leptos::prelude::*;
use leptos_router::LazyRoute;

/// `group, its preload { Route => page component; … }`: one `#[lazy]` function per group
/// renders the page its route names; each route is a `LazyRoute` with no data of its own (each
/// page fetches its data with its own resources, as before).
macro_rules! lazy_groups {
    ($($group:ident, $preload:ident { $($route:ident => $($seg:ident)::+;)* })*) => {$(
        #[lazy]
        fn $group(route: &'static str) -> AnyView {
            match route {
                $(stringify!($route) => {
                    use $($seg)::+ as Page;
                    view! { <Page /> <MarkHydrated /> }.into_any()
                })*
                _ => ().into_any(),
            }
        }

        $(
            pub struct $route;

            impl LazyRoute for $route {
                fn data() -> Self {
                    $route
                }

                async fn view(_this: Self) -> AnyView {
                    $group(stringify!($route)).await
                }

                async fn preload() {
                    #[cfg(feature = "hydrate")]
                    $preload().await;
                }
            }
        )*
    )*};
}

lazy_groups! {
    // The expert's score sheet in the classroom.
    sheet_pages, __preload_sheet_pages {
        SheetRoute => pages::cases::sheet::SheetPage;
    }
    // A case and the panel's pages about it.
    case_pages, __preload_case_pages {
        CaseRoute => pages::cases::detail::CasePage;
        OpinionRoute => pages::cases::opinion::OpinionPage;
        MeetingRoute => pages::cases::meeting::MeetingPage;
        DrawRoute => pages::cases::draw::DrawPage;
    }
    // Each role's home and the pages every signed-in user has.
    work_pages, __preload_work_pages {
        InstitutionHomeRoute => pages::home::InstitutionHome;
        ExpertHomeRoute => pages::home::ExpertHome;
        CountyHomeRoute => pages::home::CountyHome;
        PrefectureHomeRoute => pages::home::PrefectureHome;
        ObserverHomeRoute => pages::home::ObserverHome;
        CaseSearchRoute => pages::cases::list::CaseSearchPage;
        InboxRoute => pages::notices::InboxPage;
        ContactRoute => pages::notices::ContactPage;
        ChangePasswordRoute => pages::account::ChangePasswordPage;
        ExpertProfileRoute => pages::experts::profile::ExpertProfilePage;
    }
    // The institution's application form and profile.
    institution_pages, __preload_institution_pages {
        NewApplicationRoute => pages::cases::form::NewApplicationPage;
        EditApplicationRoute => pages::cases::form::EditApplicationPage;
        ProfileRoute => pages::profile::ProfilePage;
    }
    // The settings the administrator keeps and the bureau reads (not fetched with the desk).
    settings_pages, __preload_settings_pages {
        CalendarRoute => pages::calendar::CalendarPage;
        TimeLimitsRoute => pages::time_limits::TimeLimitsPage;
    }
    // The bureau's desk: dashboard, registry, audit log, accounts and the expert pool.
    bureau_pages, __preload_bureau_pages {
        DashboardRoute => pages::dashboard::DashboardPage;
        RegistryRoute => pages::registry::RegistryPage;
        AuditRoute => pages::audit::AuditLogPage;
        AccountsRoute => pages::admin::AccountsPage;
        ExpertsRoute => pages::experts::list::ExpertsPage;
        NewExpertRoute => pages::experts::form::NewExpertPage;
        ImportRoute => pages::experts::import::ImportPage;
        ProposalsRoute => pages::experts::proposals::ProposalsPage;
        ExpertRoute => pages::experts::detail::ExpertPage;
    }
    // What anyone may open without signing in.
    public_pages, __preload_public_pages {
        PublicRegistryRoute => pages::registry::PublicRegistryPage;
        SelfCheckRoute => pages::selfcheck::SelfCheckPage;
        VerifyRoute => pages::verify::VerifyPage;
    }
}
