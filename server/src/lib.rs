//! The `jianding` server: configuration, the axum router (Leptos pages, server functions,
//! /healthz), middleware (client address, same-origin check, security headers with the CSP
//! nonce, request limits, compression) and the subcommands.

// The pages' view types are deep; the lazy routes resolve them here (`app::ui::routes`).
#![recursion_limit = "512"]

pub mod config;
pub mod middleware;

use app::api::server::{AppState, Settings};
use app::store::clock::{Clock, SystemClock};
use app::store::db;
use axum::extract::State;
use axum::{Json, Router};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, handle_server_fns_with_context, LeptosRoutes};
use std::net::SocketAddr;
use std::sync::Arc;

/// Largest request body accepted (server functions and forms).
pub const BODY_LIMIT: usize = 1024 * 1024;

pub fn leptos_options(addr: SocketAddr) -> LeptosOptions {
    let site_root = std::env::var("LEPTOS_SITE_ROOT").unwrap_or_else(|_| "target/site".into());
    LeptosOptions::builder()
        .output_name(std::env::var("LEPTOS_OUTPUT_NAME").unwrap_or_else(|_| "jianding".into()))
        .site_root(site_root)
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .env(leptos::config::Env::PROD)
        .hash_files(hashed_build())
        .build()
}

/// Whether the build gave the site's files content-hashed names: `cargo leptos build` with
/// `hash-files` writes their hashes to `hash.txt` beside the server binary (keep the two
/// together when deploying). Without it the page names the plain files.
fn hashed_build() -> bool {
    let hashes = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("hash.txt")));
    match hashes {
        Some(path) if path.is_file() => true,
        _ => {
            tracing::warn!("no hash.txt beside the server binary: the site's files are named without content hashes and are revalidated on every visit");
            false
        }
    }
}

/// Builds the application state: opens and migrates the database.
pub async fn state(
    database_url: &str,
    data_dir: std::path::PathBuf,
    secure_cookies: bool,
    addr: SocketAddr,
    clock: Arc<dyn Clock>,
) -> Result<AppState, sea_orm::DbErr> {
    let db = db::connect_and_migrate(database_url).await?;
    let files = app::store::files::DirStore::new(&data_dir).map_err(|e| {
        sea_orm::DbErr::Custom(format!("file store in {}: {e}", data_dir.display()))
    })?;
    let signer = app::store::signing::EmbeddedSigner::from_config(&data_dir).map_err(|e| {
        sea_orm::DbErr::Custom(format!("signing key in {}: {e}", data_dir.display()))
    })?;
    let number = |var: &str, default: u64| {
        std::env::var(var)
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
            .unwrap_or(default)
    };
    let mb = |var: &str, default: u64| number(var, default / (1024 * 1024)) * 1024 * 1024;
    let public_url = std::env::var("JIANDING_PUBLIC_URL")
        .ok()
        .map(|u| u.trim().trim_end_matches('/').to_string())
        .filter(|u| !u.is_empty());
    let allowed_hosts = middleware::allowed_hosts(public_url.as_deref(), addr);
    if allowed_hosts.is_empty() {
        tracing::warn!(%addr, "listening on every interface without JIANDING_PUBLIC_URL: the Host header is not checked; set the public URL in production");
    }
    let trusted_proxies: Vec<String> = std::env::var("JIANDING_TRUSTED_PROXIES")
        .unwrap_or_default()
        .split(',')
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect();
    if let Err(bad) = middleware::parse_proxies(&trusted_proxies) {
        return Err(sea_orm::DbErr::Custom(format!(
            "JIANDING_TRUSTED_PROXIES: not an IP address or CIDR range: {bad}"
        )));
    }
    let secs = |var: &str, default: u64| std::time::Duration::from_secs(number(var, default));
    Ok(AppState {
        db,
        clock,
        settings: Arc::new(Settings {
            secure_cookies,
            data_dir,
            max_file_bytes: mb("JIANDING_MAX_FILE_MB", app::domain::files::MAX_FILE_BYTES),
            max_case_bytes: mb("JIANDING_MAX_CASE_MB", app::domain::files::MAX_CASE_BYTES),
            public_url: public_url.unwrap_or_else(|| format!("http://{addr}")),
            allowed_hosts,
            trusted_proxies,
            max_open_drafts: number("JIANDING_MAX_OPEN_DRAFTS", 20),
            max_institution_bytes: mb(
                "JIANDING_MAX_INSTITUTION_MB",
                app::domain::files::MAX_INSTITUTION_BYTES,
            ),
            request_timeout: secs("JIANDING_REQUEST_TIMEOUT_SECS", 60),
            transfer_timeout: secs("JIANDING_TRANSFER_TIMEOUT_SECS", 900),
            smtp_url: std::env::var("JIANDING_SMTP_URL")
                .ok()
                .filter(|u| !u.trim().is_empty()),
            mail_from: std::env::var("JIANDING_MAIL_FROM")
                .ok()
                .filter(|u| !u.trim().is_empty())
                .unwrap_or_else(|| "校外培训鉴定平台 <noreply@jianding.localhost>".into()),
            outbox_every: std::time::Duration::from_millis(number("JIANDING_OUTBOX_MS", 5000)),
            sms_url: std::env::var("JIANDING_SMS_URL")
                .ok()
                .filter(|u| !u.trim().is_empty()),
            sms_key: std::env::var("JIANDING_SMS_KEY").unwrap_or_default(),
            sms_sign: std::env::var("JIANDING_SMS_SIGN").unwrap_or_else(|_| "昌吉州教育局".into()),
            sms_templates: std::env::var("JIANDING_SMS_TEMPLATES").unwrap_or_default(),
        }),
        files: Arc::new(files),
        signer: Arc::new(signer),
        verify_slots: Arc::new(tokio::sync::Semaphore::new(
            app::api::files::VERIFY_PDF_SLOTS,
        )),
        pdf_font: match app::document::PdfFont::from_env_or_default() {
            Ok(f) => Some(Arc::new(f)),
            Err(e) => {
                tracing::warn!(error = %e, "no font for the opinion PDF (install fonts-noto-cjk or set JIANDING_PDF_FONT): sealing is refused until there is one");
                None
            }
        },
        leptos_options: leptos_options(addr),
    })
}

pub fn system_clock() -> Arc<dyn Clock> {
    Arc::new(SystemClock)
}

async fn healthz(State(st): State<AppState>) -> Json<serde_json::Value> {
    let ok = db::ping(&st.db).await;
    Json(serde_json::json!({
        "status": if ok { "ok" } else { "degraded" },
        "version": env!("CARGO_PKG_VERSION"),
        "database": ok,
    }))
}

/// A group of plain HTTP routes (not server functions): one table gives both the router and
/// the list of its routes, so that the test that walks every endpoint sees each route the
/// server serves, and a new route cannot be left out of it.
macro_rules! route_group {
    ($(#[$doc:meta])* $router:ident, $list:ident: $($method:ident $path:literal => $handler:path),+ $(,)?) => {
        $(#[$doc])*
        pub const $list: &[(&str, &str)] = &[$((stringify!($method), $path)),+];
        fn $router() -> Router<AppState> {
            Router::new()$(.route($path, axum::routing::$method($handler)))+
        }
    };
}

route_group! {
    /// Health, for load balancers and operators; the languages' tables for the browser.
    health_routes, HEALTH_ROUTES:
    get "/healthz" => healthz,
    get "/pkg/i18n/{file}" => locale_table,
}

/// A language's table (`app::i18n::table_file`), by the content-named file the page links to:
/// cached for good (the security layer marks a hashed `/pkg/` name immutable) and sent as brotli
/// at quality 11, compressed once per process like the build's own files; any other name is not
/// found.
async fn locale_table(
    axum::extract::Path(file): axum::extract::Path<String>,
    headers: axum::http::HeaderMap,
) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    static BROTLI: std::sync::OnceLock<Vec<(&'static str, Vec<u8>)>> = std::sync::OnceLock::new();
    let Some(locale) = app::i18n::LOCALES
        .into_iter()
        .find(|l| app::i18n::table_file(l).path.rsplit('/').next() == Some(file.as_str()))
    else {
        return middleware::refuse(
            axum::http::StatusCode::NOT_FOUND,
            app::api::AppError::NotFound,
        );
    };
    let json = &app::i18n::table_file(locale).json;
    let takes_br = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|e| e.trim().starts_with("br")));
    let kind = (header::CONTENT_TYPE, "application/json; charset=utf-8");
    if !takes_br {
        return ([kind], json.clone()).into_response();
    }
    let all = BROTLI.get_or_init(|| {
        app::i18n::LOCALES
            .into_iter()
            .map(|l| {
                let mut out = Vec::new();
                {
                    use std::io::Write;
                    let mut w = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
                    w.write_all(app::i18n::table_file(l).json.as_bytes())
                        .expect("compressing into memory");
                }
                (l, out)
            })
            .collect()
    });
    let body = all
        .iter()
        .find(|(l, _)| *l == locale)
        .map(|(_, b)| b.clone())
        .unwrap_or_default();
    (
        [
            kind,
            (header::CONTENT_ENCODING, "br"),
            (header::VARY, "accept-encoding"),
        ],
        body,
    )
        .into_response()
}

route_group! {
    /// Uploads and downloads of case files, and the dashboard's CSV export (same session and
    /// access policy as the server functions).
    file_routes, FILE_ROUTES:
    post "/files/cases/{case_id}/materials" => app::api::files::upload_material,
    get "/files/materials/{id}" => app::api::files::download_material,
    post "/files/activities/{activity_id}/files" => app::api::files::upload_activity_file,
    get "/files/activity-files/{id}" => app::api::files::download_activity_file,
    get "/files/cases/{case_id}/opinion.pdf" => app::api::files::download_opinion_pdf,
    post "/files/experts/{expert_id}/title-certificate" => app::api::files::upload_title_certificate,
    get "/files/experts/{expert_id}/title-certificate" => app::api::files::download_title_certificate,
    get "/export/dashboard/{table}" => app::api::files::export_dashboard_csv,
    get "/export/audit.csv" => app::api::files::export_audit_csv,
}

route_group! {
    /// The public verification of an opinion's PDF.
    verify_routes, VERIFY_ROUTES:
    post "/verify/pdf" => app::api::files::verify_pdf,
}

/// Every plain HTTP route the router serves, as (method, path).
pub fn plain_routes() -> Vec<(&'static str, &'static str)> {
    [HEALTH_ROUTES, FILE_ROUTES, VERIFY_ROUTES].concat()
}

/// A server function's call; a name (or method) that names none is not found, answered as every
/// endpoint answers (`AppError` in JSON), not with the framework's words.
async fn server_fn(st: AppState, req: axum::extract::Request) -> axum::response::Response {
    use axum::response::IntoResponse;
    static KNOWN: std::sync::OnceLock<std::collections::HashSet<(&'static str, http::Method)>> =
        std::sync::OnceLock::new();
    let known = KNOWN.get_or_init(|| leptos::server_fn::axum::server_fn_paths().collect());
    if !known.contains(&(req.uri().path(), req.method().clone())) {
        return middleware::refuse(
            axum::http::StatusCode::NOT_FOUND,
            app::api::AppError::NotFound,
        );
    }
    handle_server_fns_with_context(move || provide_context(st.clone()), req)
        .await
        .into_response()
}

/// The whole HTTP application.
pub fn router(st: AppState) -> Router {
    router_with(st, Router::new())
}

/// The end-to-end tests' hold on time, served only when the server was started with
/// `JIANDING_E2E_CLOCK=1`: `POST /__e2e/clock?advance=<seconds>` moves the server's clock on
/// (an idle timeout or a deadline can then be walked past without waiting).
pub fn e2e_clock_routes(clock: app::store::clock::OffsetClock) -> Router<AppState> {
    #[derive(serde::Deserialize)]
    struct Advance {
        advance: i64,
    }
    Router::new().route(
        "/__e2e/clock",
        axum::routing::post(move |axum::extract::Query(q): axum::extract::Query<Advance>| {
            let clock = clock.clone();
            async move { Json(serde_json::json!({ "now": clock.advance(q.advance).to_rfc3339() })) }
        }),
    )
}

/// The application with `extra` routes merged in (the e2e clock).
pub fn router_with(st: AppState, extra: Router<AppState>) -> Router {
    let routes = generate_route_list(app::ui::App);
    let ctx_state = st.clone();
    let ctx = move || provide_context(ctx_state.clone());
    let sf_state = st.clone();
    let options = st.leptos_options.clone();

    let pages = health_routes()
        .route(
            "/api/{*fn_name}",
            axum::routing::post({
                let s = sf_state.clone();
                move |req| server_fn(s.clone(), req)
            })
            .get({
                let s = sf_state.clone();
                move |req| server_fn(s.clone(), req)
            }),
        )
        .leptos_routes_with_context(&st, routes, ctx.clone(), {
            let options = options.clone();
            move || app::ui::shell(options.clone())
        })
        .layer(tower_http::limit::RequestBodyLimitLayer::new(BODY_LIMIT));
    // Uploads stream large bodies: their own limit (checked again while streaming).
    let file_limit = usize::try_from(st.settings.max_file_bytes)
        .unwrap_or(usize::MAX)
        .saturating_add(64 * 1024);
    let files = file_routes().layer(tower_http::limit::RequestBodyLimitLayer::new(file_limit));
    // The public verification of an opinion's PDF: a body of its own size.
    let verify = verify_routes()
        .layer(axum::extract::DefaultBodyLimit::max(
            app::api::files::VERIFY_PDF_MAX,
        ))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            app::api::files::VERIFY_PDF_MAX,
        ));

    let guard = middleware::Guard::new(&st.settings);
    Router::new()
        .merge(pages)
        .merge(files)
        .merge(verify)
        .merge(extra)
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(ctx, app::ui::shell))
        .layer(axum::middleware::from_fn_with_state(
            guard,
            middleware::security,
        ))
        .layer(tower_http::compression::CompressionLayer::new())
        .with_state(st)
}

/// Runs the background work (`store::jobs::settle_due`) now and then every `every`, with the
/// state's clock: determinations whose re-review window has passed become FINAL.
pub fn spawn_jobs(st: AppState, every: std::time::Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match app::store::jobs::settle_due(&st.db, st.clock.now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(cases = n, "background: due actions taken"),
                Err(e) => tracing::error!(error = %e, "background: settling due cases failed"),
            }
            tokio::time::sleep(every).await;
        }
    })
}

/// Drains the notice outbox (`store::outbox`) every `settings.outbox_every` by the channels
/// configured (an SMTP relay, an SMS gateway); one that refuses only delays its own messages
/// (retried with backoff). `None` when neither is configured.
pub fn spawn_outbox(st: AppState) -> Option<tokio::task::JoinHandle<()>> {
    let set = &st.settings;
    let mailer = set.smtp_url.as_deref().and_then(|url| {
        app::store::mail::Mailer::new(url, &set.mail_from, &set.public_url)
            .map_err(|e| tracing::error!(error = %e, "e-mail notices are off"))
            .ok()
    });
    let sms = set.sms_url.as_deref().and_then(|url| {
        app::store::sms::HttpSms::new(url, &set.sms_key, &set.sms_sign, &set.sms_templates)
            .map_err(|e| tracing::error!(error = %e, "text-message notices are off"))
            .ok()
    });
    if mailer.is_none() && sms.is_none() {
        return None;
    }
    Some(tokio::spawn(async move {
        loop {
            let clock = st.clock.clone();
            let senders = app::store::outbox::Senders {
                mail: mailer.as_ref(),
                sms: sms.as_ref().map(|g| g as &dyn app::store::sms::SmsGateway),
            };
            match app::store::outbox::drain(&st.db, &senders, move || clock.now()).await {
                Ok(d) if d.sent + d.failed > 0 => {
                    tracing::info!(sent = d.sent, failed = d.failed, "outbox: notices sent")
                }
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "outbox: draining failed"),
            }
            tokio::time::sleep(st.settings.outbox_every).await;
        }
    }))
}

/// Serves until Ctrl-C / SIGTERM; the background work runs at start and every 10 minutes.
pub async fn serve(listener: tokio::net::TcpListener, st: AppState) -> std::io::Result<()> {
    serve_with(listener, st, Router::new()).await
}

/// [`serve`] with `extra` routes (the e2e clock).
pub async fn serve_with(
    listener: tokio::net::TcpListener,
    st: AppState,
    extra: Router<AppState>,
) -> std::io::Result<()> {
    let jobs = spawn_jobs(st.clone(), std::time::Duration::from_secs(600));
    let outbox = spawn_outbox(st.clone());
    let app = router_with(st, extra);
    let served = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await;
    jobs.abort();
    if let Some(o) = outbox {
        o.abort();
    }
    served
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
