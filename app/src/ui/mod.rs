//! Components and pages. Pages render on the server first and hydrate in the browser.

pub mod charts;
pub mod components;
pub mod credit;
pub mod offline;
pub mod pages;
pub mod routes;
pub mod upload;

use crate::api::auth::{whoami, MeView};
use crate::api::AppError;
use crate::i18n::{self, use_locale, Locale};
use components::{Header, IdleWatch, KeptFormBanner};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, Lazy,
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
    // Where each language's table is (the browser embeds none): the page's own is fetched at
    // once, beside the module, and read before hydrating (`i18n::load`).
    #[cfg(feature = "ssr")]
    let tables = |l: &str| i18n::table_file(l).path.clone();
    #[cfg(not(feature = "ssr"))]
    let tables = |_: &str| String::new();
    view! {
        <!DOCTYPE html>
        <html lang=lang>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="jd-i18n-zh-CN" content=tables("zh-CN") />
                <meta name="jd-i18n-en" content=tables("en") />
                <link rel="preload" href=tables(lang) r#as="fetch" crossorigin="anonymous" />
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
    // Marks the page as interactive (`data-hydrated`): set by `MarkHydrated` in each route's
    // view, whose Effect runs only in the browser, after that page has hydrated (a lazy route
    // hydrates after its chunks arrive, later than the shell around it).
    let hydrated = RwSignal::new(false);
    provide_context(Hydrated(hydrated));

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
                    <Routes fallback=|| view! { <pages::not_found::NotFound /> <MarkHydrated /> }>
                        <Route path=path!("/") view=|| view! { <pages::home::HomePage /> <MarkHydrated /> } />
                        <Route path=path!("/login") view=|| view! { <pages::login::LoginPage /> <MarkHydrated /> } />
                        <Route path=path!("/verify") view={Lazy::<routes::VerifyRoute>::new()} />
                        <Route path=path!("/dashboard") view={Lazy::<routes::DashboardRoute>::new()} />
                        <Route path=path!("/registry") view={Lazy::<routes::RegistryRoute>::new()} />
                        <Route path=path!("/audit") view={Lazy::<routes::AuditRoute>::new()} />
                        <Route path=path!("/cases") view={Lazy::<routes::CaseSearchRoute>::new()} />
                        <Route path=path!("/public/registry") view={Lazy::<routes::PublicRegistryRoute>::new()} />
                        <Route path=path!("/public/self-check") view={Lazy::<routes::SelfCheckRoute>::new()} />
                        <Route path=path!("/institution") view={Lazy::<routes::InstitutionHomeRoute>::new()} />
                        <Route path=path!("/expert") view={Lazy::<routes::ExpertHomeRoute>::new()} />
                        <Route path=path!("/county") view={Lazy::<routes::CountyHomeRoute>::new()} />
                        <Route path=path!("/prefecture") view={Lazy::<routes::PrefectureHomeRoute>::new()} />
                        <Route path=path!("/observer") view={Lazy::<routes::ObserverHomeRoute>::new()} />
                        <Route path=path!("/account/password") view={Lazy::<routes::ChangePasswordRoute>::new()} />
                        <Route path=path!("/notices") view={Lazy::<routes::InboxRoute>::new()} />
                        <Route path=path!("/account/notices") view={Lazy::<routes::ContactRoute>::new()} />
                        <Route path=path!("/admin/accounts") view={Lazy::<routes::AccountsRoute>::new()} />
                        <Route path=path!("/settings/calendar") view={Lazy::<routes::CalendarRoute>::new()} />
                        <Route path=path!("/settings/time-limits") view={Lazy::<routes::TimeLimitsRoute>::new()} />
                        <Route path=path!("/institution/profile") view={Lazy::<routes::ProfileRoute>::new()} />
                        <Route path=path!("/cases/new") view={Lazy::<routes::NewApplicationRoute>::new()} />
                        <Route path=path!("/cases/:id/edit") view={Lazy::<routes::EditApplicationRoute>::new()} />
                        <Route path=path!("/cases/:id/draw") view={Lazy::<routes::DrawRoute>::new()} />
                        <Route path=path!("/cases/:id/sheet") view={Lazy::<routes::SheetRoute>::new()} />
                        <Route path=path!("/cases/:id/opinion") view={Lazy::<routes::OpinionRoute>::new()} />
                        <Route path=path!("/cases/:id/meeting") view={Lazy::<routes::MeetingRoute>::new()} />
                        <Route path=path!("/cases/:id") view={Lazy::<routes::CaseRoute>::new()} />
                        <Route path=path!("/experts") view={Lazy::<routes::ExpertsRoute>::new()} />
                        <Route path=path!("/experts/new") view={Lazy::<routes::NewExpertRoute>::new()} />
                        <Route path=path!("/experts/import") view={Lazy::<routes::ImportRoute>::new()} />
                        <Route path=path!("/experts/proposals") view={Lazy::<routes::ProposalsRoute>::new()} />
                        <Route path=path!("/experts/:id") view={Lazy::<routes::ExpertRoute>::new()} />
                        <Route path=path!("/expert/profile") view={Lazy::<routes::ExpertProfileRoute>::new()} />
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

/// Whether the page on screen has hydrated (`data-hydrated`, which the browser tests wait for).
#[derive(Clone, Copy)]
pub struct Hydrated(pub RwSignal<bool>);

/// Put beside a route's page: its Effect runs in the browser once the page has hydrated.
#[component]
pub fn MarkHydrated() -> impl IntoView {
    let hydrated = expect_context::<Hydrated>().0;
    Effect::new(move |_| hydrated.set(true));
}

/// Translation shortcut for components: `t("key")` is reactive.
pub fn t(key: &'static str) -> impl Fn() -> String + Send + Sync + Clone + 'static {
    use_locale().t(key)
}
