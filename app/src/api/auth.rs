//! Signing in and out, the current user, password change, session keep-alive, language.

use super::AppError;
#[cfg(feature = "ssr")]
use crate::domain::error::FieldErrors;
use crate::domain::role::{Role, Scope};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the browser knows of the signed-in user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeView {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub scope: Scope,
    /// The scope in words (county, institution or expert name), in Chinese and English.
    pub scope_zh: String,
    pub scope_en: String,
    pub must_change_password: bool,
    /// Seconds until the idle timeout.
    pub idle_left: i64,
    /// Unread notices in the inbox (shown in the header).
    pub unread_notices: u64,
}

/// Where each role lands after signing in.
pub fn home_path(role: Role) -> &'static str {
    match role {
        Role::InstitutionUser => "/institution",
        Role::Expert => "/expert",
        Role::CountyClerk | Role::CountyDirector => "/county",
        Role::PrefectureClerk | Role::PrefectureDirector => "/prefecture",
        Role::Observer => "/observer",
        Role::Admin => "/admin/accounts",
    }
}

#[cfg(feature = "ssr")]
async fn me_view(me: &super::server::Me) -> Result<MeView, AppError> {
    use super::server::{db, state};
    use crate::store::reference;
    let st = state()?;
    let (zh, en) = match me.actor.scope {
        Scope::County(c) => match reference::county(&st.db, c.0).await.map_err(db)? {
            Some(c) => (c.name_zh, c.name_en),
            None => (String::new(), String::new()),
        },
        Scope::Institution(i) => {
            let n = reference::institution(&st.db, i.0)
                .await
                .map_err(db)?
                .map(|i| i.name)
                .unwrap_or_default();
            (n.clone(), n)
        }
        Scope::Expert(e) => {
            let n = reference::expert(&st.db, e.0)
                .await
                .map_err(db)?
                .map(|e| e.name)
                .unwrap_or_default();
            (n.clone(), n)
        }
        Scope::Prefecture => (
            "昌吉回族自治州".into(),
            "Changji Hui Autonomous Prefecture".into(),
        ),
        Scope::System => ("系统".into(), "System".into()),
    };
    Ok(MeView {
        user_id: me.user.id,
        username: me.user.username.clone(),
        display_name: me.user.display_name.clone(),
        role: me.actor.role,
        scope: me.actor.scope,
        scope_zh: zh,
        scope_en: en,
        must_change_password: me.user.must_change_password,
        idle_left: me.idle_left,
        unread_notices: crate::store::notices::unread(&st.db, me.user.id)
            .await
            .map_err(db)?,
    })
}

/// The signed-in user, or `None`. Not the person's activity when the page asks by itself (the
/// idle check): it does not renew the session.
#[server(prefix = "/api", endpoint = "whoami")]
pub async fn whoami() -> Result<Option<MeView>, AppError> {
    use super::server::{current, fail, is_person_activity};
    match current(is_person_activity()).await.map_err(fail)? {
        Some(me) => Ok(Some(me_view(&me).await.map_err(fail)?)),
        None => Ok(None),
    }
}

/// Result of a sign-in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoginOutcome {
    pub home: String,
    pub must_change_password: bool,
}

/// Signs in. A new session id every time; failures are throttled and audited.
#[server(prefix = "/api", endpoint = "login")]
pub async fn login(username: String, password: String) -> Result<LoginOutcome, AppError> {
    use super::server::{client_addr, cookie, fail, set_cookie, state, SESSION_COOKIE};
    use crate::store::{accounts, passwords, sessions, signin};

    let st = state().map_err(fail)?;
    let now = st.clock.now();
    let addr = client_addr();
    let username = username.trim().to_string();
    let errs = crate::domain::password::check_sign_in(&username, &password);
    if !errs.is_empty() {
        return Err(fail(AppError::Validation(errs)));
    }
    let attempt = match signin::admit(&st.db, &username, &addr, now).await? {
        Ok(attempt) => attempt,
        Err(minutes) => return Err(fail(AppError::Throttled { minutes })),
    };
    // The slow password check runs outside the write lock, on the blocking pool.
    let account = accounts::by_username(&st.db, &username).await?;
    let ok = match &account {
        Some(a) => passwords::verify_blocking(&a.password_hash, &password).await && !a.disabled,
        None => {
            passwords::verify_dummy_blocking(&password).await;
            false
        }
    };
    let account = match (ok, account) {
        (true, Some(a)) => a,
        (_, a) => {
            signin::refuse(&st.db, &username, a.as_ref(), &addr, now).await?;
            return Err(fail(AppError::BadCredentials));
        }
    };
    // A fresh session id at every sign-in; an old cookie on this browser is ended.
    let old = cookie(SESSION_COOKIE);
    let token = signin::open(&st.db, &account, attempt, old.as_deref(), &addr, now).await?;
    set_cookie(
        SESSION_COOKIE,
        &token,
        sessions::ABSOLUTE.num_seconds(),
        true,
    );
    let role = account.account_role()?;
    Ok(LoginOutcome {
        home: if account.must_change_password {
            "/account/password".into()
        } else {
            home_path(role).into()
        },
        must_change_password: account.must_change_password,
    })
}

/// Signs out: the session ends on the server, the cookie is cleared.
#[server(prefix = "/api", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use super::server::{cookie, current, fail, set_cookie, state, SESSION_COOKIE};
    let st = state().map_err(fail)?;
    let now = st.clock.now();
    let me = current(false).await.map_err(fail)?;
    if let Some(token) = cookie(SESSION_COOKIE) {
        let by = me.as_ref().map(super::server::Me::by);
        crate::store::signin::close(&st.db, &token, by.as_ref(), now).await?;
    }
    set_cookie(SESSION_COOKIE, "", 0, true);
    Ok(())
}

/// Keeps the session alive ("stay signed in"); returns the seconds left.
#[server(prefix = "/api", endpoint = "touch_session")]
pub async fn touch_session() -> Result<i64, AppError> {
    use super::server::require_any;
    Ok(require_any().await?.idle_left)
}

/// Changes the user's own password (and clears a one-time password).
#[server(prefix = "/api", endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    use super::server::{cookie, fail, require_any, state, SESSION_COOKIE};
    use crate::domain::password::check_new_password;
    use crate::store::passwords;
    let me = require_any().await?;
    let st = state().map_err(fail)?;
    let now = st.clock.now();
    let mut errs = FieldErrors::new();
    if !super::server::reauthenticate(&me, &current_password, "change_password").await? {
        errs.add("current_password", "err.current_password_wrong");
    }
    for e in check_new_password("new_password", &new_password, &me.user.username).0 {
        errs.push(e);
    }
    if new_password == current_password && errs.is_empty() {
        errs.add("new_password", "err.password_unchanged");
    }
    if new_password != confirm_password {
        errs.add("confirm_password", "err.password_mismatch");
    }
    if !errs.is_empty() {
        return Err(fail(AppError::Validation(errs)));
    }
    let hash = passwords::hash_blocking(&new_password)
        .await
        .map_err(|e| fail(super::server::internal(e)))?;
    let by = me.by();
    let keep = cookie(SESSION_COOKIE);
    let changed = crate::store::signin::change_password(
        &st.db,
        &by,
        me.user.version,
        &hash,
        keep.as_deref(),
        now,
    )
    .await?;
    if !changed {
        return Err(fail(AppError::Stale));
    }
    Ok(())
}

/// Remembers the chosen language (cookie, and the account when signed in).
#[server(prefix = "/api", endpoint = "set_locale")]
pub async fn set_locale(locale: String) -> Result<String, AppError> {
    use super::server::{current, fail, set_cookie, state};
    let l = crate::i18n::normalize(&locale);
    set_cookie(crate::i18n::LOCALE_COOKIE, l, 365 * 24 * 3600, false);
    if let Some(me) = current(false).await.map_err(fail)? {
        let st = state().map_err(fail)?;
        crate::store::accounts::set_locale(&st.db, me.user.id, l)
            .await
            .map_err(|e| fail(super::server::db(e)))?;
    }
    Ok(l.to_string())
}
