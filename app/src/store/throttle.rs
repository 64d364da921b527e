//! Failed sign-ins: 5 failures for one account from one address within 15 minutes make that
//! pair wait 15 minutes; 20 failures from one address across accounts make the address wait.
//! Never a permanent lock: an attacker elsewhere cannot lock a user out.

use super::entities::login_attempt;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

pub const WINDOW: Duration = Duration::minutes(15);
pub const MAX_PER_ACCOUNT: u64 = 5;
pub const MAX_PER_ADDRESS: u64 = 20;

/// Records an attempt; returns its id.
pub async fn record<C: ConnectionTrait>(
    c: &C,
    username: &str,
    address: &str,
    success: bool,
    now: DateTime<Utc>,
) -> Result<i64, DbErr> {
    let res = login_attempt::Entity::insert(login_attempt::ActiveModel {
        username: Set(username.into()),
        address: Set(address.into()),
        at: Set(now),
        success: Set(success),
        ..Default::default()
    })
    .exec(c)
    .await?;
    Ok(res.last_insert_id)
}

/// Turns an attempt recorded as failed (before the password was checked) into a success.
pub async fn mark_success<C: ConnectionTrait>(c: &C, id: i64) -> Result<(), DbErr> {
    login_attempt::Entity::update_many()
        .col_expr(login_attempt::Column::Success, Expr::value(true))
        .filter(login_attempt::Column::Id.eq(id))
        .exec(c)
        .await?;
    Ok(())
}

/// The instant a run of failures blocks until: `limit` failures (newest first) that fall
/// within one window block for a whole window after the newest of them.
fn blocked_until(newest_first: &[DateTime<Utc>], limit: u64) -> Option<DateTime<Utc>> {
    let limit = usize::try_from(limit).ok()?.max(1);
    let (newest, oldest) = (newest_first.first()?, newest_first.get(limit - 1)?);
    (*newest - *oldest < WINDOW).then(|| *newest + WINDOW)
}

/// Minutes to wait, when throttled.
///
/// Once the limit is reached the wait is a full window after the failure that reached it
/// (SECURITY.md: "5 failures → 15 minutes' wait"), not only until the oldest of the failures
/// leaves the window, so the minutes announced are the minutes that hold. Throttled attempts
/// are not recorded as failures, so the wait does not grow while it runs.
pub async fn wait_minutes<C: ConnectionTrait>(
    c: &C,
    username: &str,
    address: &str,
    now: DateTime<Utc>,
) -> Result<Option<i64>, DbErr> {
    // A block ends a window after its newest failure, which is a window after the oldest one
    // counted at most: two windows back see every failure that can still block.
    let since = now - WINDOW - WINDOW;
    // Failures after the last success of this account from this address count.
    let last_ok = login_attempt::Entity::find()
        .filter(login_attempt::Column::Username.eq(username))
        .filter(login_attempt::Column::Address.eq(address))
        .filter(login_attempt::Column::Success.eq(true))
        .filter(login_attempt::Column::At.gte(since))
        .order_by_desc(login_attempt::Column::At)
        .one(c)
        .await?
        .map(|a| a.at);
    let from = last_ok.map_or(since, |t| t.max(since));
    let fails: Vec<DateTime<Utc>> = login_attempt::Entity::find()
        .filter(login_attempt::Column::Username.eq(username))
        .filter(login_attempt::Column::Address.eq(address))
        .filter(login_attempt::Column::Success.eq(false))
        .filter(login_attempt::Column::At.gt(from))
        .order_by_desc(login_attempt::Column::At)
        .limit(MAX_PER_ACCOUNT)
        .all(c)
        .await?
        .into_iter()
        .map(|a| a.at)
        .collect();
    let addr_fails: Vec<DateTime<Utc>> = login_attempt::Entity::find()
        .filter(login_attempt::Column::Address.eq(address))
        .filter(login_attempt::Column::Success.eq(false))
        .filter(login_attempt::Column::At.gt(since))
        .order_by_desc(login_attempt::Column::At)
        .limit(MAX_PER_ADDRESS)
        .all(c)
        .await?
        .into_iter()
        .map(|a| a.at)
        .collect();
    let until = blocked_until(&fails, MAX_PER_ACCOUNT)
        .into_iter()
        .chain(blocked_until(&addr_fails, MAX_PER_ADDRESS))
        .max();
    match until {
        Some(until) if until > now => {
            let mins = ((until - now).num_seconds() + 59) / 60;
            Ok(Some(mins.max(1)))
        }
        _ => Ok(None),
    }
}
