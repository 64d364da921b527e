//! Failed sign-ins: 5 failures for one account from one address within 15 minutes make that
//! pair wait 15 minutes; 20 failures from one address across accounts make the address wait.
//! Never a permanent lock: an attacker elsewhere cannot lock a user out.

use super::entities::login_attempt;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder,
};

pub const WINDOW: Duration = Duration::minutes(15);
pub const MAX_PER_ACCOUNT: u64 = 5;
pub const MAX_PER_ADDRESS: u64 = 20;

pub async fn record<C: ConnectionTrait>(
    c: &C,
    username: &str,
    address: &str,
    success: bool,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    login_attempt::Entity::insert(login_attempt::ActiveModel {
        username: Set(username.into()),
        address: Set(address.into()),
        at: Set(now),
        success: Set(success),
        ..Default::default()
    })
    .exec_without_returning(c)
    .await?;
    Ok(())
}

/// Minutes to wait, when throttled.
pub async fn wait_minutes<C: ConnectionTrait>(
    c: &C,
    username: &str,
    address: &str,
    now: DateTime<Utc>,
) -> Result<Option<i64>, DbErr> {
    let since = now - WINDOW;
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
    let fails = login_attempt::Entity::find()
        .filter(login_attempt::Column::Username.eq(username))
        .filter(login_attempt::Column::Address.eq(address))
        .filter(login_attempt::Column::Success.eq(false))
        .filter(login_attempt::Column::At.gt(from))
        .order_by_desc(login_attempt::Column::At)
        .all(c)
        .await?;
    let addr_fails = login_attempt::Entity::find()
        .filter(login_attempt::Column::Address.eq(address))
        .filter(login_attempt::Column::Success.eq(false))
        .filter(login_attempt::Column::At.gt(since))
        .count(c)
        .await?;
    let latest = fails.first().map(|a| a.at);
    if fails.len() as u64 >= MAX_PER_ACCOUNT || addr_fails >= MAX_PER_ADDRESS {
        let until = latest.unwrap_or(now) + WINDOW;
        let mins = ((until - now).num_seconds() + 59) / 60;
        return Ok(Some(mins.max(1)));
    }
    Ok(None)
}
