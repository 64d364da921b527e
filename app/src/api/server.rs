//! Server-side plumbing shared by every server function: the application state, who is
//! asking (session -> actor), status codes, cookies, and turning store errors into an id.

use super::AppError;
use crate::domain::role::Actor;
use crate::store::clock::Clock;
use crate::store::entities::user_account;
use crate::store::{accounts, sessions};
use axum::extract::FromRef;
use http::request::Parts;
use http::{header, HeaderValue};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "jd_session";

/// Settings the server functions need.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Mark cookies `Secure` (behind TLS).
    pub secure_cookies: bool,
    pub data_dir: std::path::PathBuf,
    /// Upload limits (default 50 MB a file, 500 MB a case).
    pub max_file_bytes: u64,
    pub max_case_bytes: u64,
    /// The address users reach the site at (printed in the verification QR code of a sealed
    /// opinion): `JIANDING_PUBLIC_URL`, by default `http://<listen address>`.
    pub public_url: String,
    /// The `Host` values requests may carry (the public URL's host; without a public URL set,
    /// the listen address and, on loopback, `localhost:<port>`). Empty: any (listening on all
    /// interfaces without a public URL, which the server warns about at start).
    pub allowed_hosts: Vec<String>,
    /// Reverse proxies whose `X-Forwarded-For` is believed (`JIANDING_TRUSTED_PROXIES`: IP
    /// addresses or CIDR ranges, comma-separated). From anyone else the header is ignored.
    pub trusted_proxies: Vec<String>,
    /// At most this many unsubmitted drafts per institution (default 20).
    pub max_open_drafts: u64,
    /// The current materials of all of an institution's cases together (default 2 GB).
    pub max_institution_bytes: u64,
    /// A request (but an upload or download) is answered within this time or refused (503).
    pub request_timeout: std::time::Duration,
    /// Uploads and downloads: their body must arrive within this time (default 15 minutes).
    pub transfer_timeout: std::time::Duration,
    /// The SMTP relay for e-mail notices (`JIANDING_SMTP_URL`, `smtp://[user:pw@]host[:port]`);
    /// `None`: no e-mail is sent (the outbox keeps what is queued).
    pub smtp_url: Option<String>,
    /// The sender of e-mail notices (`JIANDING_MAIL_FROM`).
    pub mail_from: String,
    /// How often the outbox is drained (`JIANDING_OUTBOX_MS`, default 5 s).
    pub outbox_every: std::time::Duration,
    /// The SMS gateway (`store::sms::HttpSms`): `JIANDING_SMS_URL`; `None`: no text messages.
    pub sms_url: Option<String>,
    /// `JIANDING_SMS_KEY`, `JIANDING_SMS_SIGN` (签名), `JIANDING_SMS_TEMPLATES`.
    pub sms_key: String,
    pub sms_sign: String,
    pub sms_templates: String,
}

/// Everything a request handler needs: given to Leptos as context and to axum as state.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub clock: Arc<dyn Clock>,
    pub settings: Arc<Settings>,
    pub files: Arc<dyn crate::store::files::FileStore>,
    /// Signs opinions for experts and bureaus (`store::signing`).
    pub signer: Arc<dyn crate::store::signing::Signer>,
    /// Places for the public PDF verification (`api::files::VERIFY_PDF_SLOTS`).
    pub verify_slots: Arc<tokio::sync::Semaphore>,
    /// The font of the opinion's PDF; `None` when missing (sealing then says so).
    pub pdf_font: Option<Arc<crate::document::PdfFont>>,
    pub leptos_options: LeptosOptions,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(s: &AppState) -> LeptosOptions {
        s.leptos_options.clone()
    }
}

/// The client's address as the server saw it; set by the server's middleware.
#[derive(Debug, Clone)]
pub struct ClientAddr(pub String);

/// The per-response CSP nonce; set by the server's middleware.
#[derive(Debug, Clone)]
pub struct CspNonce(pub String);

pub fn state() -> Result<AppState, AppError> {
    // Leptos may run the fetcher of a resource whose component was already replaced during
    // server rendering (its owner, and so the context, is gone); nobody reads that result.
    use_context::<AppState>().ok_or_else(|| {
        tracing::debug!("server function called outside a request context");
        AppError::Transport("no request context".into())
    })
}

pub fn parts() -> Option<Parts> {
    use_context::<Parts>()
}

pub fn client_addr() -> String {
    parts()
        .and_then(|p| p.extensions.get::<ClientAddr>().map(|a| a.0.clone()))
        .unwrap_or_default()
}

/// The form field and header that carry the anti-forgery token (`sessions::csrf_token`).
pub const CSRF_FIELD: &str = "csrf_token";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The anti-forgery token of this request's session (empty without one), for the hidden field
/// of forms that a browser without scripts posts natively.
pub fn csrf_token() -> String {
    cookie(SESSION_COOKIE)
        .filter(|t| !t.is_empty())
        .map(|t| crate::store::sessions::csrf_token(&t))
        .unwrap_or_default()
}

/// A cookie's value from the request.
pub fn cookie(name: &str) -> Option<String> {
    cookie_in(&parts()?.headers, name)
}

/// A cookie's value from request headers.
pub fn cookie_in(headers: &http::HeaderMap, name: &str) -> Option<String> {
    for v in headers.get_all(header::COOKIE) {
        let Ok(s) = v.to_str() else { continue };
        for pair in s.split(';') {
            if let Some((k, val)) = pair.trim().split_once('=') {
                if k == name {
                    return Some(val.to_string());
                }
            }
        }
    }
    None
}

pub fn set_cookie(name: &str, value: &str, max_age_secs: i64, http_only: bool) {
    let secure = state().map(|s| s.settings.secure_cookies).unwrap_or(false);
    let mut c = format!("{name}={value}; Path=/; SameSite=Strict; Max-Age={max_age_secs}");
    if http_only {
        c.push_str("; HttpOnly");
    }
    if secure {
        c.push_str("; Secure");
    }
    if let (Some(r), Ok(v)) = (use_context::<ResponseOptions>(), HeaderValue::from_str(&c)) {
        r.append_header(header::SET_COOKIE, v);
    }
}

/// Logs an internal error under a fresh id and returns the id-only error for the user.
pub fn internal(e: impl std::fmt::Display) -> AppError {
    let mut b = [0u8; 6];
    let _ = getrandom::fill(&mut b);
    let id = hex::encode(b);
    tracing::error!(error_id = %id, "{e}");
    AppError::Internal { id }
}

/// Sets the response status for an error and hands it back (`.map_err(fail)`).
pub fn fail(e: AppError) -> AppError {
    if let Some(r) = use_context::<ResponseOptions>() {
        if let Ok(s) = http::StatusCode::from_u16(e.status()) {
            r.set_status(s);
        }
    }
    e
}

/// Store errors become internal errors with an id.
pub fn db(e: sea_orm::DbErr) -> AppError {
    internal(e)
}

/// `?` on a store call in a server function: an internal error with an id (logged), and the
/// response's status set to match, as [`fail`] does.
impl From<sea_orm::DbErr> for AppError {
    fn from(e: sea_orm::DbErr) -> AppError {
        fail(internal(e))
    }
}

/// The signed-in user behind this request.
#[derive(Debug, Clone)]
pub struct Me {
    pub actor: Actor,
    pub user: user_account::Model,
    pub idle_left: i64,
}

impl Me {
    /// This user acting from this request's address: what a store operation needs to audit
    /// the change it makes.
    pub fn by(&self) -> crate::store::audit::By<'_> {
        crate::store::audit::By {
            actor: &self.actor,
            address: client_addr(),
        }
    }
}

/// Whether this request is the person's own activity, which renews the idle timeout: a page
/// they opened, or the keep-alive (`touch_session`) the page sends when they type or tap.
/// Server functions a page calls by itself (autosave, the idle check, data loading after
/// hydration) do not renew it, so an unattended tablet is signed out after 30 minutes.
pub fn is_person_activity() -> bool {
    parts().is_some_and(|p| {
        let path = p.uri.path();
        !path.starts_with("/api/") || path == "/api/touch_session"
    })
}

/// Resolves the session cookie; `touch` counts this call as user activity.
pub async fn current(touch: bool) -> Result<Option<Me>, AppError> {
    let st = state()?;
    let Some(p) = parts() else {
        return Ok(None);
    };
    session_from_headers(&st, &p.headers, touch).await
}

/// Resolves the session cookie of a plain axum request (file upload and download).
pub async fn session_from_headers(
    st: &AppState,
    headers: &http::HeaderMap,
    touch: bool,
) -> Result<Option<Me>, AppError> {
    let Some(token) = cookie_in(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let Some(live) = sessions::resolve(&st.db, &token, st.clock.now(), touch)
        .await
        .map_err(db)?
    else {
        return Ok(None);
    };
    let Some(actor) = accounts::actor_of(&live.user) else {
        return Err(internal(format!(
            "account {} has an inconsistent role/scope",
            live.user.id
        )));
    };
    Ok(Some(Me {
        actor,
        user: live.user,
        idle_left: live.idle_left,
    }))
}

/// The signed-in user of a plain request (uploads, downloads, exports), under the same rule
/// as [`require`]: an account with a one-time password may do nothing until it is changed.
pub async fn signed_in(
    st: &AppState,
    headers: &http::HeaderMap,
    touch: bool,
) -> Result<Me, AppError> {
    let me = session_from_headers(st, headers, touch)
        .await?
        .ok_or(AppError::NotSignedIn)?;
    if me.user.must_change_password {
        return Err(must_change_password());
    }
    Ok(me)
}

fn must_change_password() -> AppError {
    AppError::Refused {
        key: "err.must_change_password".into(),
    }
}

/// The signed-in user, even one who must still change a one-time password (only for
/// whoami, sign-out and the password change itself).
pub async fn require_any() -> Result<Me, AppError> {
    match current(is_person_activity()).await {
        Ok(Some(me)) => Ok(me),
        Ok(None) => Err(fail(AppError::NotSignedIn)),
        Err(e) => Err(fail(e)),
    }
}

/// The signed-in user, or `NotSignedIn` (401). An account with a one-time password may do
/// nothing else until it is changed.
pub async fn require() -> Result<Me, AppError> {
    let me = require_any().await?;
    if me.user.must_change_password {
        return Err(fail(must_change_password()));
    }
    Ok(me)
}

/// The signed-in user and the server's state, if the access policy allows `perm` (a permission
/// not on a case); else not found or forbidden as the policy answers.
pub async fn allowed(perm: crate::domain::access::Permission) -> Result<(Me, AppState), AppError> {
    let me = require().await?;
    crate::domain::access::authorize(&me.actor, &perm, None)
        .map_err(|d| fail(crate::api::denied(d)))?;
    let st = state().map_err(fail)?;
    Ok((me, st))
}

/// Whether the access policy allows the signed-in user `perm` (a permission not on a case).
pub fn can(me: &Me, perm: crate::domain::access::Permission) -> bool {
    crate::domain::access::authorize(&me.actor, &perm, None).is_ok()
}

/// Checks the signed-in user's password, re-entered before signing, sealing, submitting a
/// score sheet or changing the password (`purpose` says which, for the audit trail).
///
/// Throttled per account whatever the address (`store::throttle`, `Kind::Reauth`: 5 failures
/// → 15 minutes), every failure audited, the hash checked on the blocking pool. `Ok(false)`
/// is a wrong password (the caller names its field); `Err(Throttled)` while the account
/// waits, without checking the password at all.
pub async fn reauthenticate(me: &Me, password: &str, purpose: &str) -> Result<bool, AppError> {
    use crate::store::{passwords, signin};
    let st = state().map_err(fail)?;
    let now = st.clock.now();
    let by = me.by();
    let attempt = match signin::admit_reentry(&st.db, &by, purpose, now).await? {
        Ok(attempt) => attempt,
        Err(minutes) => return Err(fail(AppError::Throttled { minutes })),
    };
    let ok = passwords::verify_blocking(&me.user.password_hash, password).await;
    signin::settle_reentry(&st.db, &by, attempt, ok, purpose, now).await?;
    Ok(ok)
}

/// The case if the actor may see it (`ViewCase` in the policy), with its facts; otherwise not
/// found: a case outside the actor's scope and a case that does not exist answer alike.
pub async fn visible_case(
    me: &Me,
    id: i64,
) -> Result<(crate::store::cases::Case, crate::domain::case::CaseFacts), AppError> {
    use crate::domain::access::{authorize, Permission};
    let st = state().map_err(fail)?;
    let case = crate::store::cases::get(&st.db, id)
        .await?
        .ok_or_else(|| fail(AppError::NotFound))?;
    let facts = crate::store::facts::of_case(&st.db, &case).await?;
    authorize(&me.actor, &Permission::ViewCase, Some(&facts))
        .map_err(|_| fail(AppError::NotFound))?;
    Ok((case, facts))
}
