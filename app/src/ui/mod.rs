//! Components and pages. Pages render on the server first and hydrate in the browser.

pub mod charts;
pub mod components;
pub mod credit;
pub mod offline;
pub mod pages;
pub mod upload;

use crate::api::auth::{whoami, MeView};
use crate::api::AppError;
use crate::i18n::{self, use_locale, Locale};
use components::{Header, IdleWatch, KeptFormBanner};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path,
};

/// The HTML document around the app (server only).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        if let Some(n) = crate::api::server::parts()
            .and_then(|p| p.extensions.get::<crate::api::server::CspNonce>().cloned())
        {
            provide_context(leptos::nonce::Nonce::from_value(n.0));
        }
    }
    let lang = initial_locale();
    view! {
        <!DOCTYPE html>
        <html lang=lang>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" href="/favicon.ico" />
                // The stylesheet, script and module carry a content hash in their names when the
                // build hashed them (served as immutable; `server::leptos_options`).
                <HashedStylesheet options=options.clone() id="leptos" />
                <HydrationScripts options />
                <script src="/sw-register.js" defer nonce=leptos::nonce::use_nonce()></script>
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The language of this request: the `jd_lang` cookie, else Chinese.
pub fn initial_locale() -> &'static str {
    #[cfg(feature = "ssr")]
    {
        crate::api::server::cookie(i18n::LOCALE_COOKIE)
            .map(|c| i18n::normalize(&c))
            .unwrap_or(i18n::DEFAULT_LOCALE)
    }
    #[cfg(not(feature = "ssr"))]
    {
        browser_cookie(i18n::LOCALE_COOKIE)
            .map(|c| i18n::normalize(&c))
            .unwrap_or(i18n::DEFAULT_LOCALE)
    }
}

#[cfg(not(feature = "ssr"))]
fn browser_cookie(name: &str) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let doc = web_sys::window()?
            .document()?
            .dyn_into::<web_sys::HtmlDocument>()
            .ok()?;
        let all = doc.cookie().ok()?;
        all.split(';')
            .filter_map(|p| p.trim().split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = name;
        None
    }
}

/// Sends the browser to a URL with a full page load (after sign-in and sign-out, so every part
/// of the page is rebuilt for the new user).
pub fn go(url: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_href(url);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = url;
}

/// The signed-in user, fetched once per page load and shared.
pub type MeResource = Resource<Result<Option<MeView>, AppError>>;

pub fn use_me() -> MeResource {
    expect_context::<MeResource>()
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let locale = Locale(RwSignal::new(initial_locale()));
    provide_context(locale);
    let me: MeResource = Resource::new_blocking(|| (), |_| whoami());
    provide_context(me);
    // Marks the page as interactive: Effects run only in the browser, after hydration.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));

    view! {
        <Title formatter=move |t: String| {
            let app = i18n::text(locale.get(), "app.title");
            if t.is_empty() { app } else { format!("{t} - {app}") }
        } />
        <Router>
            <div class="page" data-hydrated=move || if hydrated.get() { "true" } else { "false" }>
                <a class="skip-link" href="#main">{locale.t("a11y.skip")}</a>
                <Header />
                <IdleWatch />
                <main id="main" class="main" tabindex="-1">
                    <KeptFormBanner />
                    <Routes fallback=pages::not_found::NotFound>
                        <Route path=path!("/") view=pages::home::HomePage />
                        <Route path=path!("/login") view=pages::login::LoginPage />
                        <Route path=path!("/verify") view=pages::verify::VerifyPage />
                        <Route path=path!("/dashboard") view=pages::dashboard::DashboardPage />
                        <Route path=path!("/registry") view=pages::registry::RegistryPage />
                        <Route path=path!("/audit") view=pages::audit::AuditLogPage />
                        <Route path=path!("/cases") view=pages::cases::list::CaseSearchPage />
                        <Route path=path!("/public/registry") view=pages::registry::PublicRegistryPage />
                        <Route path=path!("/public/self-check") view=pages::selfcheck::SelfCheckPage />
                        <Route path=path!("/institution") view=pages::home::InstitutionHome />
                        <Route path=path!("/expert") view=pages::home::ExpertHome />
                        <Route path=path!("/county") view=pages::home::CountyHome />
                        <Route path=path!("/prefecture") view=pages::home::PrefectureHome />
                        <Route path=path!("/observer") view=pages::home::ObserverHome />
                        <Route path=path!("/account/password") view=pages::account::ChangePasswordPage />
                        <Route path=path!("/notices") view=pages::notices::InboxPage />
                        <Route path=path!("/account/notices") view=pages::notices::ContactPage />
                        <Route path=path!("/admin/accounts") view=pages::admin::AccountsPage />
                        <Route path=path!("/institution/profile") view=pages::profile::ProfilePage />
                        <Route path=path!("/cases/new") view=pages::cases::form::NewApplicationPage />
                        <Route path=path!("/cases/:id/edit") view=pages::cases::form::EditApplicationPage />
                        <Route path=path!("/cases/:id/draw") view=pages::cases::draw::DrawPage />
                        <Route path=path!("/cases/:id/sheet") view=pages::cases::sheet::SheetPage />
                        <Route path=path!("/cases/:id/opinion") view=pages::cases::opinion::OpinionPage />
                        <Route path=path!("/cases/:id/meeting") view=pages::cases::meeting::MeetingPage />
                        <Route path=path!("/cases/:id") view=pages::cases::detail::CasePage />
                        <Route path=path!("/experts") view=pages::experts::list::ExpertsPage />
                        <Route path=path!("/experts/new") view=pages::experts::form::NewExpertPage />
                        <Route path=path!("/experts/import") view=pages::experts::import::ImportPage />
                        <Route path=path!("/experts/proposals") view=pages::experts::proposals::ProposalsPage />
                        <Route path=path!("/experts/:id") view=pages::experts::detail::ExpertPage />
                        <Route path=path!("/expert/profile") view=pages::experts::profile::ExpertProfilePage />
                    </Routes>
                </main>
                <footer class="footer">
                    <p>{locale.t("app.footer")}</p>
                    <p>
                        <a href="/public/registry" data-testid="footer-registry">{locale.t("footer.registry")}</a>
                        " · "
                        <a href="/public/self-check" data-testid="footer-selfcheck">{locale.t("footer.selfcheck")}</a>
                    </p>
                </footer>
            </div>
        </Router>
    }
}

/// Translation shortcut for components: `t("key")` is reactive.
pub fn t(key: &'static str) -> impl Fn() -> String + Send + Sync + Clone + 'static {
    use_locale().t(key)
}
