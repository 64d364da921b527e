//! Administrator: accounts (create, disable, re-enable, reset password) with scoped roles.

use super::AppError;
use crate::domain::role::Role;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of the account list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub scope_label: String,
    pub disabled: bool,
    pub must_change_password: bool,
    pub version: i32,
}

/// A choice for the scope picker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScopeChoice {
    pub id: i64,
    pub label: String,
}

/// What the account form can choose from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScopeChoices {
    pub counties: Vec<ScopeChoice>,
    pub institutions: Vec<ScopeChoice>,
    pub experts: Vec<ScopeChoice>,
}

#[cfg(feature = "ssr")]
async fn admin() -> Result<super::server::Me, AppError> {
    use super::server::{fail, require};
    use crate::domain::access::{authorize, Permission};
    let me = require().await?;
    authorize(&me.actor, &Permission::ManageAccounts, None).map_err(|d| fail(super::denied(d)))?;
    Ok(me)
}

/// The names scopes are shown by (counties, institutions, experts).
#[cfg(feature = "ssr")]
struct ScopeNames {
    counties: Vec<crate::store::entities::county::Model>,
    institutions: Vec<crate::store::entities::institution::Model>,
    experts: Vec<crate::store::entities::expert::Model>,
}

#[cfg(feature = "ssr")]
impl ScopeNames {
    async fn load(dbc: &sea_orm::DatabaseConnection) -> Result<ScopeNames, AppError> {
        use crate::store::reference;
        Ok(ScopeNames {
            counties: reference::counties(dbc).await?,
            institutions: reference::institutions(dbc).await?,
            experts: reference::experts(dbc).await?,
        })
    }

    fn label(&self, scope: crate::domain::role::Scope) -> String {
        use crate::domain::role::Scope;
        match scope {
            Scope::County(c) => self
                .counties
                .iter()
                .find(|x| x.id == c.0)
                .map(|x| x.name_zh.clone())
                .unwrap_or_default(),
            Scope::Institution(i) => self
                .institutions
                .iter()
                .find(|x| x.id == i.0)
                .map(|x| x.name.clone())
                .unwrap_or_default(),
            Scope::Expert(e) => self
                .experts
                .iter()
                .find(|x| x.id == e.0)
                .map(|x| x.name.clone())
                .unwrap_or_default(),
            Scope::Prefecture => "昌吉州".into(),
            Scope::System => "—".into(),
        }
    }
}

/// Accounts a page of the list.
pub const ACCOUNTS_PAGE: u64 = 25;

/// The account list's search as the URL carries it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AccountQuery {
    /// Text in the user name or the name.
    pub q: String,
    /// A role code, or empty for all.
    pub role: String,
    /// `active`, `pending`, `disabled`, or empty for all.
    pub status: String,
    pub page: String,
}

impl AccountQuery {
    /// The query string of this search at another page.
    pub fn with_page(&self, page: u64) -> String {
        let mut out = format!("page={page}");
        for (k, v) in [
            ("q", &self.q),
            ("role", &self.role),
            ("status", &self.status),
        ] {
            if !v.is_empty() {
                out.push_str(&format!("&{k}={}", crate::api::dashboard::urlencoding(v)));
            }
        }
        out
    }
}

/// A page of the account list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountPage {
    pub rows: Vec<AccountRow>,
    pub total: u64,
    /// 1-based.
    pub page: u64,
    pub pages: u64,
}

/// The accounts the search matches, a page at a time (administrator). A malformed search is
/// refused with field errors (`q`, `role`, `status`, `page`).
#[server(prefix = "/api", endpoint = "list_accounts")]
pub async fn list_accounts(
    #[server(default)] query: AccountQuery,
) -> Result<AccountPage, AppError> {
    use super::server::{fail, state};
    use crate::store::accounts;
    admin().await?;
    let st = state().map_err(fail)?;
    let (filter, page) = ssr::filter(&query).map_err(|e| fail(AppError::Validation(e)))?;
    let names = ScopeNames::load(&st.db).await?;
    let (rows, total) =
        accounts::search(&st.db, &filter, (page - 1) * ACCOUNTS_PAGE, ACCOUNTS_PAGE).await?;
    let rows = rows
        .into_iter()
        .filter_map(|u| {
            let actor = accounts::actor_of(&u)?;
            Some(AccountRow {
                id: u.id,
                username: u.username,
                display_name: u.display_name,
                role: actor.role,
                scope_label: names.label(actor.scope),
                disabled: u.disabled,
                must_change_password: u.must_change_password,
                version: u.version,
            })
        })
        .collect();
    Ok(AccountPage {
        rows,
        total,
        page,
        pages: total.div_ceil(ACCOUNTS_PAGE).max(1),
    })
}

/// One live session of an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRow {
    /// China Standard Time to the minute.
    pub signed_in: String,
    pub last_seen: String,
    pub address: String,
}

/// One sign-in attempt or password re-entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptRow {
    pub at: String,
    pub address: String,
    pub success: bool,
    /// `login` or `reauth`.
    pub kind: String,
}

/// An account's live sessions and its latest 20 sign-in attempts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountSignIns {
    pub username: String,
    pub display_name: String,
    pub sessions: Vec<SessionRow>,
    pub attempts: Vec<AttemptRow>,
}

/// An account's sessions and sign-in history (administrator; another id → 404).
#[server(prefix = "/api", endpoint = "account_activity")]
pub async fn account_activity(id: i64) -> Result<AccountSignIns, AppError> {
    use super::server::{fail, state};
    use crate::domain::china_time::china_minute;
    admin().await?;
    let st = state().map_err(fail)?;
    let user = crate::store::accounts::by_id(&st.db, id)
        .await?
        .ok_or_else(|| fail(AppError::NotFound))?;
    let (sessions, attempts) = crate::store::accounts::activity(&st.db, &user, 20).await?;
    Ok(AccountSignIns {
        username: user.username,
        display_name: user.display_name,
        sessions: sessions
            .into_iter()
            .map(|s| SessionRow {
                signed_in: china_minute(s.created_at),
                last_seen: china_minute(s.last_seen_at),
                address: s.address,
            })
            .collect(),
        attempts: attempts
            .into_iter()
            .map(|a| AttemptRow {
                at: china_minute(a.at),
                address: a.address,
                success: a.success,
                kind: a.kind,
            })
            .collect(),
    })
}

/// A change to the account of an expert or a director (who holds the post, and whether a
/// second person could act as them), as the prefecture director and observers see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PostChangeRow {
    /// China Standard Time.
    pub at: String,
    /// `account.create`, `account.disable`, `account.enable`, `account.reset`
    pub action: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub scope_label: String,
    pub disabled: bool,
    /// The administrator who made the change.
    pub by: String,
}

/// The latest 50 changes to experts' and directors' accounts (创建、停用、启用、重置密码):
/// the prefecture director and prefecture observers see who can act as whom.
#[server(prefix = "/api", endpoint = "post_changes")]
pub async fn post_changes() -> Result<Vec<PostChangeRow>, AppError> {
    use super::server::{fail, require, state};
    use crate::domain::access::{authorize, Permission};
    use crate::store::{accounts, reference};
    let me = require().await?;
    authorize(&me.actor, &Permission::ViewPostChanges, None).map_err(|d| fail(super::denied(d)))?;
    let st = state().map_err(fail)?;
    let names = ScopeNames::load(&st.db).await?;
    let list = accounts::post_changes(&st.db, 50).await?;
    let admins =
        reference::display_names(&st.db, list.iter().filter_map(|c| c.by).collect()).await?;
    Ok(list
        .into_iter()
        .filter_map(|c| {
            let actor = accounts::actor_of(&c.account)?;
            Some(PostChangeRow {
                at: crate::domain::china_time::china_minute(c.at),
                action: c.action,
                username: c.account.username,
                display_name: c.account.display_name,
                role: actor.role,
                scope_label: names.label(actor.scope),
                disabled: c.account.disabled,
                by: c
                    .by
                    .and_then(|b| admins.get(&b).cloned())
                    .unwrap_or_default(),
            })
        })
        .collect())
}

#[server(prefix = "/api", endpoint = "account_scope_choices")]
pub async fn account_scope_choices() -> Result<ScopeChoices, AppError> {
    use super::server::{fail, state};
    use crate::store::reference;
    admin().await?;
    let st = state().map_err(fail)?;
    let c = |id, label| ScopeChoice { id, label };
    Ok(ScopeChoices {
        counties: reference::counties(&st.db)
            .await?
            .into_iter()
            .map(|x| c(x.id, x.name_zh))
            .collect(),
        institutions: reference::institutions(&st.db)
            .await?
            .into_iter()
            .map(|x| c(x.id, x.name))
            .collect(),
        experts: reference::experts(&st.db)
            .await?
            .into_iter()
            .map(|x| c(x.id, format!("{}（{}）", x.name, x.employer)))
            .collect(),
    })
}

/// A created or reset account: the one-time password is shown once, to the administrator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OneTimePassword {
    pub username: String,
    pub password: String,
}

/// Creates an account with a one-time password that must be changed at first sign-in.
/// `scope_id` names the county, institution or expert the role requires (0 for none).
#[server(prefix = "/api", endpoint = "create_account")]
pub async fn create_account(
    username: String,
    display_name: String,
    role: String,
    scope_id: i64,
) -> Result<OneTimePassword, AppError> {
    use super::server::{fail, internal, state};
    use crate::domain::account::{check_new_account, username_well_formed, NewAccountFacts};
    use crate::domain::error::FieldErrors;
    use crate::store::accounts::{self, NewAccount};
    use crate::store::passwords;
    let me = admin().await?;
    let st = state().map_err(fail)?;
    let (username, display_name) = (username.trim().to_string(), display_name.trim().to_string());
    let role = Role::from_code(&role);
    let scope = match role {
        Some(role) => accounts::scope_for(&st.db, role, scope_id).await?,
        None => None,
    };
    let facts = NewAccountFacts {
        username_taken: username_well_formed(&username)
            && accounts::by_username(&st.db, &username).await?.is_some(),
        scope_found: scope.is_some(),
    };
    let errs = check_new_account(&username, &display_name, role, facts);
    let (Some(role), Some(scope), true) = (role, scope, errs.is_empty()) else {
        return Err(fail(AppError::Validation(errs)));
    };
    let otp = passwords::one_time_password();
    let password_hash = passwords::hash_blocking(&otp)
        .await
        .map_err(|e| fail(internal(e)))?;
    let new = NewAccount {
        username: username.clone(),
        display_name,
        password_hash,
        role,
        scope,
        must_change_password: true,
    };
    if accounts::open_checked(&st.db, &me.by(), new, st.clock.now())
        .await?
        .is_err()
    {
        let mut e = FieldErrors::new();
        e.add("scope_id", "err.account.post_taken");
        return Err(fail(AppError::Validation(e)));
    }
    Ok(OneTimePassword {
        username,
        password: otp,
    })
}

#[cfg(feature = "ssr")]
async fn change_account(
    id: i64,
    version: i32,
    what: &'static str,
) -> Result<Option<String>, AppError> {
    use super::server::{fail, internal, state};
    use crate::store::accounts::{self, Updated};
    use crate::store::{passwords, tx};
    let me = admin().await?;
    let st = state().map_err(fail)?;
    let now = st.clock.now();
    let target = accounts::by_id(&st.db, id)
        .await?
        .ok_or_else(|| fail(AppError::NotFound))?;
    if target.id == me.user.id && what == "disable" {
        return Err(fail(AppError::Refused {
            key: "err.cannot_disable_self".into(),
        }));
    }
    let mut otp = None;
    let txn = tx::begin_write(&st.db, now).await?;
    // Re-enabling must not give a post a second active account.
    if what == "enable" {
        if let Some(actor) = accounts::actor_of(&target) {
            if accounts::post_holder(&txn, actor.role, actor.scope, Some(target.id))
                .await?
                .is_some()
            {
                return Err(fail(AppError::Refused {
                    key: "err.account.post_taken".into(),
                }));
            }
        }
    }
    let res = match what {
        "disable" => accounts::set_disabled(&txn, id, version, true, now).await,
        "enable" => accounts::set_disabled(&txn, id, version, false, now).await,
        _ => {
            let p = passwords::one_time_password();
            let h = passwords::hash_blocking(&p)
                .await
                .map_err(|e| fail(internal(e)))?;
            otp = Some(p);
            accounts::set_password(&txn, id, version, &h, true, now).await
        }
    }?;
    if res == Updated::Stale {
        return Err(fail(AppError::Stale));
    }
    let by = me.by();
    accounts::changed(&txn, &by, &target, what, now).await?;
    txn.commit().await?;
    Ok(otp)
}

/// Disables an account; its sessions end at once.
#[server(prefix = "/api", endpoint = "disable_account")]
pub async fn disable_account(id: i64, version: i32) -> Result<(), AppError> {
    change_account(id, version, "disable").await.map(|_| ())
}

#[server(prefix = "/api", endpoint = "enable_account")]
pub async fn enable_account(id: i64, version: i32) -> Result<(), AppError> {
    change_account(id, version, "enable").await.map(|_| ())
}

/// Resets the password to a new one-time password; the account's sessions end.
#[server(prefix = "/api", endpoint = "reset_password")]
pub async fn reset_password(id: i64, version: i32) -> Result<OneTimePassword, AppError> {
    use super::server::{fail, state};
    let otp = change_account(id, version, "reset")
        .await?
        .unwrap_or_default();
    let st = state().map_err(fail)?;
    let u = crate::store::accounts::by_id(&st.db, id)
        .await?
        .ok_or_else(|| fail(AppError::NotFound))?;
    Ok(OneTimePassword {
        username: u.username,
        password: otp,
    })
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::AccountQuery;
    use crate::domain::error::FieldErrors;
    use crate::domain::role::Role;
    use crate::store::accounts::{AccountFilter, AccountStatus};

    /// The store's filter and the page of a search, or its field errors.
    pub fn filter(q: &AccountQuery) -> Result<(AccountFilter, u64), FieldErrors> {
        let mut errs = FieldErrors::new();
        if q.q.chars().count() > 64 {
            errs.add("q", "err.too_long");
        }
        let role = match q.role.as_str() {
            "" => None,
            code => {
                let r = Role::from_code(code);
                if r.is_none() {
                    errs.add("role", "admin.accounts.err.role");
                }
                r
            }
        };
        let status = match q.status.as_str() {
            "" => None,
            "active" => Some(AccountStatus::Active),
            "pending" => Some(AccountStatus::Pending),
            "disabled" => Some(AccountStatus::Disabled),
            _ => {
                errs.add("status", "admin.accounts.err.status");
                None
            }
        };
        let page = match q.page.trim() {
            "" => 1,
            p => match p.parse::<u64>() {
                Ok(n) if (1..=100_000).contains(&n) => n,
                _ => {
                    errs.add("page", "admin.accounts.err.page");
                    1
                }
            },
        };
        errs.into_result()?;
        Ok((
            AccountFilter {
                text: q.q.clone(),
                role,
                status,
            },
            page,
        ))
    }
}
