//! 账号: user accounts, their role and scope.

use super::entities::user_account::{self, Entity as Account};
use crate::domain::ids::{CountyId, ExpertId, InstitutionId, UserId};
use crate::domain::role::{Actor, Role, Scope};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};

/// What a new account is made of.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: Role,
    pub scope: Scope,
    pub must_change_password: bool,
}

/// An account opened by the administrator (`by`): created, and audited with its user name,
/// role and scope.
pub async fn open<C: ConnectionTrait>(
    c: &C,
    by: &super::audit::By<'_>,
    a: NewAccount,
    now: DateTime<Utc>,
) -> Result<user_account::Model, DbErr> {
    let details =
        serde_json::json!({ "username": a.username, "role": a.role.code(), "scope": a.scope });
    let acc = create(c, a, now).await?;
    let event = by
        .entry("account.create", format!("user_account:{}", acc.id))
        .details(details);
    super::audit::append(c, event, now).await?;
    Ok(acc)
}

/// The scope a role's account stands for, from the form's `scope_id` (0 for none): `None` when
/// the role needs a county, institution or expert that does not exist.
pub async fn scope_for<C: ConnectionTrait>(
    c: &C,
    role: Role,
    scope_id: i64,
) -> Result<Option<Scope>, DbErr> {
    use super::reference;
    use crate::domain::role::ScopeKind;
    Ok(match role.scope_kind() {
        ScopeKind::System => Some(Scope::System),
        ScopeKind::Prefecture => Some(Scope::Prefecture),
        ScopeKind::CountyOrPrefecture if scope_id == 0 => Some(Scope::Prefecture),
        ScopeKind::County | ScopeKind::CountyOrPrefecture => reference::county(c, scope_id)
            .await?
            .map(|_| Scope::County(CountyId(scope_id))),
        ScopeKind::Institution => reference::institution(c, scope_id)
            .await?
            .map(|_| Scope::Institution(InstitutionId(scope_id))),
        ScopeKind::Expert => reference::expert(c, scope_id)
            .await?
            .map(|_| Scope::Expert(ExpertId(scope_id))),
    })
}

/// The post a new account would hold is held already (one person, one expert; one director).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PostTaken;

/// Opens an account in one write transaction: the post is checked under the write lock, so
/// that two administrators at once cannot both bind it; then created and audited (`open`).
pub async fn open_checked(
    db: &sea_orm::DatabaseConnection,
    by: &super::audit::By<'_>,
    a: NewAccount,
    now: DateTime<Utc>,
) -> Result<Result<user_account::Model, PostTaken>, DbErr> {
    let txn = super::tx::begin_write(db, now).await?;
    if post_holder(&txn, a.role, a.scope, None).await?.is_some() {
        return Ok(Err(PostTaken));
    }
    let acc = open(&txn, by, a, now).await?;
    txn.commit().await?;
    Ok(Ok(acc))
}

/// An account made on the server's command line (`jianding create-user`): created and audited
/// as made there, by no signed-in actor.
pub async fn open_from_command_line(
    db: &sea_orm::DatabaseConnection,
    a: NewAccount,
    now: DateTime<Utc>,
) -> Result<user_account::Model, DbErr> {
    let txn = super::tx::begin_write(db, now).await?;
    let role = a.role;
    let acc = create(&txn, a, now).await?;
    let event = super::audit::Entry::new("account.create", format!("user_account:{}", acc.id))
        .details(serde_json::json!({"via": "cli", "role": role.code()}));
    super::audit::append(&txn, event, now).await?;
    txn.commit().await?;
    Ok(acc)
}

/// What follows the administrator's change to an account (`what`: disable, enable or
/// reset_password): its sessions end (but on enabling), and the change is audited with the
/// account's user name, role and scope.
pub async fn changed<C: ConnectionTrait>(
    c: &C,
    by: &super::audit::By<'_>,
    target: &user_account::Model,
    what: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    if what != "enable" {
        super::sessions::end_all_for_user(c, target.id).await?;
    }
    let details = serde_json::json!({
        "username": target.username,
        "role": target.role,
        "scope": actor_of(target).map(|a| a.scope),
    });
    let event = by
        .entry(
            &format!("account.{what}"),
            format!("user_account:{}", target.id),
        )
        .details(details);
    super::audit::append(c, event, now).await?;
    Ok(())
}

pub async fn create<C: ConnectionTrait>(
    c: &C,
    a: NewAccount,
    now: DateTime<Utc>,
) -> Result<user_account::Model, DbErr> {
    let (county, institution, expert) = match a.scope {
        Scope::County(x) => (Some(x.0), None, None),
        Scope::Institution(x) => (None, Some(x.0), None),
        Scope::Expert(x) => (None, None, Some(x.0)),
        Scope::Prefecture | Scope::System => (None, None, None),
    };
    let am = user_account::ActiveModel {
        username: Set(a.username),
        display_name: Set(a.display_name),
        password_hash: Set(a.password_hash),
        role: Set(a.role.code().into()),
        county_id: Set(county),
        institution_id: Set(institution),
        expert_id: Set(expert),
        disabled: Set(false),
        must_change_password: Set(a.must_change_password),
        locale: Set("zh-CN".into()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    let res = Account::insert(am).exec(c).await?;
    Account::find_by_id(res.last_insert_id)
        .one(c)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("account just inserted".into()))
}

pub async fn by_username<C: ConnectionTrait>(
    c: &C,
    username: &str,
) -> Result<Option<user_account::Model>, DbErr> {
    Account::find()
        .filter(user_account::Column::Username.eq(username))
        .one(c)
        .await
}

pub async fn by_id<C: ConnectionTrait>(
    c: &C,
    id: i64,
) -> Result<Option<user_account::Model>, DbErr> {
    Account::find_by_id(id).one(c).await
}

pub async fn list<C: ConnectionTrait>(c: &C) -> Result<Vec<user_account::Model>, DbErr> {
    Account::find()
        .order_by_asc(user_account::Column::Id)
        .all(c)
        .await
}

/// What the administrator's account list is searched by: text in the user name or the name,
/// a role code, and a status.
#[derive(Debug, Clone, Default)]
pub struct AccountFilter {
    pub text: String,
    pub role: Option<Role>,
    pub status: Option<AccountStatus>,
}

/// An account's standing, as the list shows and filters it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountStatus {
    Active,
    /// Not yet signed in with its own password (one-time password outstanding).
    Pending,
    Disabled,
}

/// A page of the accounts the filter matches (in order of creation), and how many match.
pub async fn search<C: ConnectionTrait>(
    c: &C,
    f: &AccountFilter,
    offset: u64,
    limit: u64,
) -> Result<(Vec<user_account::Model>, u64), DbErr> {
    use sea_orm::{Condition, PaginatorTrait, QuerySelect};
    let mut q = Account::find();
    if !f.text.trim().is_empty() {
        let like = super::db::contains(&f.text);
        q = q.filter(
            Condition::any()
                .add(Expr::col(user_account::Column::Username).like(like.clone()))
                .add(Expr::col(user_account::Column::DisplayName).like(like)),
        );
    }
    if let Some(r) = f.role {
        q = q.filter(user_account::Column::Role.eq(r.code()));
    }
    q = match f.status {
        None => q,
        Some(AccountStatus::Disabled) => q.filter(user_account::Column::Disabled.eq(true)),
        Some(AccountStatus::Pending) => q
            .filter(user_account::Column::Disabled.eq(false))
            .filter(user_account::Column::MustChangePassword.eq(true)),
        Some(AccountStatus::Active) => q
            .filter(user_account::Column::Disabled.eq(false))
            .filter(user_account::Column::MustChangePassword.eq(false)),
    };
    let total = q.clone().count(c).await?;
    let rows = q
        .order_by_asc(user_account::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(c)
        .await?;
    Ok((rows, total))
}

/// An account's live sessions (newest first) and its latest sign-in attempts (newest first, at
/// most `attempts`), for the administrator.
pub async fn activity<C: ConnectionTrait>(
    c: &C,
    user: &user_account::Model,
    attempts: u64,
) -> Result<
    (
        Vec<super::entities::session::Model>,
        Vec<super::entities::login_attempt::Model>,
    ),
    DbErr,
> {
    use super::entities::{login_attempt, session};
    use sea_orm::QuerySelect;
    let sessions = session::Entity::find()
        .filter(session::Column::UserId.eq(user.id))
        .order_by_desc(session::Column::CreatedAt)
        .all(c)
        .await?;
    // Sign-ins are recorded under the name typed, password re-entries under `#<id>`.
    let tries = login_attempt::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(login_attempt::Column::Username.eq(user.username.as_str()))
                .add(login_attempt::Column::Username.eq(format!("#{}", user.id))),
        )
        .order_by_desc(login_attempt::Column::Id)
        .limit(attempts)
        .all(c)
        .await?;
    Ok((sessions, tries))
}

/// The active account (other than `except`) that holds the post `role` and `scope` stand for,
/// when the role is a post one person holds (`Role::single_holder`): the expert's account, the
/// county's director, the prefecture's director. The partial unique indexes of migration
/// 000013 hold the same rule in the database.
pub async fn post_holder<C: ConnectionTrait>(
    c: &C,
    role: Role,
    scope: Scope,
    except: Option<i64>,
) -> Result<Option<user_account::Model>, DbErr> {
    if !role.single_holder() {
        return Ok(None);
    }
    let mut q = Account::find().filter(user_account::Column::Disabled.eq(false));
    q = match scope {
        Scope::Expert(e) => q.filter(user_account::Column::ExpertId.eq(e.0)),
        Scope::County(county) => q
            .filter(user_account::Column::Role.eq(role.code()))
            .filter(user_account::Column::CountyId.eq(county.0)),
        _ => q
            .filter(user_account::Column::Role.eq(role.code()))
            .filter(user_account::Column::CountyId.is_null()),
    };
    if let Some(id) = except {
        q = q.filter(user_account::Column::Id.ne(id));
    }
    q.one(c).await
}

pub async fn count<C: ConnectionTrait>(c: &C) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    Account::find().count(c).await
}

/// The actor an account stands for; `None` for a record whose role or scope is inconsistent
/// (never trusted).
pub fn actor_of(m: &user_account::Model) -> Option<Actor> {
    let role = Role::from_code(&m.role)?;
    let scope = match (role, m.county_id, m.institution_id, m.expert_id) {
        (Role::InstitutionUser, None, Some(i), None) => Scope::Institution(InstitutionId(i)),
        (Role::Expert, None, None, Some(e)) => Scope::Expert(ExpertId(e)),
        (Role::CountyClerk | Role::CountyDirector | Role::Observer, Some(c), None, None) => {
            Scope::County(CountyId(c))
        }
        (Role::PrefectureClerk | Role::PrefectureDirector | Role::Observer, None, None, None) => {
            Scope::Prefecture
        }
        (Role::Admin, None, None, None) => Scope::System,
        _ => return None,
    };
    Actor::new(UserId(m.id), role, scope)
}

/// Outcome of a versioned update: a stale version changes nothing.
#[derive(Debug, PartialEq, Eq)]
pub enum Updated {
    Yes,
    Stale,
}

fn updated(rows: u64) -> Updated {
    if rows == 1 {
        Updated::Yes
    } else {
        Updated::Stale
    }
}

pub async fn set_disabled<C: ConnectionTrait>(
    c: &C,
    id: i64,
    version: i32,
    disabled: bool,
    now: DateTime<Utc>,
) -> Result<Updated, DbErr> {
    let r = Account::update_many()
        .col_expr(user_account::Column::Disabled, Expr::value(disabled))
        .col_expr(user_account::Column::Version, Expr::value(version + 1))
        .col_expr(user_account::Column::UpdatedAt, Expr::value(now))
        .filter(user_account::Column::Id.eq(id))
        .filter(user_account::Column::Version.eq(version))
        .exec(c)
        .await?;
    Ok(updated(r.rows_affected))
}

pub async fn set_password<C: ConnectionTrait>(
    c: &C,
    id: i64,
    version: i32,
    password_hash: &str,
    must_change: bool,
    now: DateTime<Utc>,
) -> Result<Updated, DbErr> {
    let r = Account::update_many()
        .col_expr(
            user_account::Column::PasswordHash,
            Expr::value(password_hash),
        )
        .col_expr(
            user_account::Column::MustChangePassword,
            Expr::value(must_change),
        )
        .col_expr(user_account::Column::Version, Expr::value(version + 1))
        .col_expr(user_account::Column::UpdatedAt, Expr::value(now))
        .filter(user_account::Column::Id.eq(id))
        .filter(user_account::Column::Version.eq(version))
        .exec(c)
        .await?;
    Ok(updated(r.rows_affected))
}

pub async fn set_locale<C: ConnectionTrait>(c: &C, id: i64, locale: &str) -> Result<(), DbErr> {
    Account::update_many()
        .col_expr(user_account::Column::Locale, Expr::value(locale))
        .filter(user_account::Column::Id.eq(id))
        .exec(c)
        .await?;
    Ok(())
}

/// A change to an account that holds a post one person holds (an expert's, a director's):
/// created, disabled, re-enabled or given a new one-time password, as the audit trail has it.
#[derive(Debug, Clone)]
pub struct PostChange {
    pub at: DateTime<Utc>,
    /// `account.create`, `account.disable`, `account.enable`, `account.reset`
    pub action: String,
    pub account: user_account::Model,
    /// The administrator who made the change.
    pub by: Option<i64>,
}

/// The newest `limit` changes to accounts of posts one person holds, from the audit trail.
pub async fn post_changes<C: ConnectionTrait>(
    c: &C,
    limit: usize,
) -> Result<Vec<PostChange>, DbErr> {
    use super::entities::audit_event;
    use sea_orm::QuerySelect;
    let events = audit_event::Entity::find()
        .filter(audit_event::Column::Action.is_in([
            "account.create",
            "account.disable",
            "account.enable",
            "account.reset",
        ]))
        .order_by_desc(audit_event::Column::Seq)
        .limit(4 * limit as u64)
        .all(c)
        .await?;
    let mut out = Vec::new();
    for e in events {
        let Some(id) = e
            .object
            .strip_prefix("user_account:")
            .and_then(|i| i.parse::<i64>().ok())
        else {
            continue;
        };
        let Some(account) = by_id(c, id).await? else {
            continue;
        };
        if !Role::from_code(&account.role).is_some_and(Role::single_holder) {
            continue;
        }
        out.push(PostChange {
            at: e.at,
            action: e.action,
            account,
            by: e.actor_id,
        });
        if out.len() == limit {
            break;
        }
    }
    Ok(out)
}
