//! Failed sign-ins and password re-entries (SECURITY.md: "5 failures for an account from an
//! address → 15 minutes' wait, logged; never a permanent lock an attacker can trigger").
//!
//! Sign-in (`Kind::Login`), by the client's address group (an IPv4 address, or the /64 of an
//! IPv6 address: one host's many addresses count as one):
//! - 5 failures for one user name from one group within 15 minutes: that pair waits 15 minutes;
//! - 20 failures from one group across user names: the group waits 15 minutes;
//! - 10 failures for one user name across all groups (a distributed guess): every further
//!   attempt for that name waits 30 seconds after the last failure — a soft delay that slows a
//!   botnet to two guesses a minute without locking the owner out.
//!
//! Password re-entry before signing, sealing, submitting a sheet or changing the password
//! (`Kind::Reauth`), by the account whatever the address: 5 failures within 15 minutes, a
//! 15 minutes' wait.
//!
//! An attempt refused while throttled is counted in `throttle_refusal` (one row per key, its
//! count growing), and only the first refusal of a run is worth an audit event: a flood of
//! refused attempts does not grow the append-only audit chain.

use super::entities::{login_attempt, throttle_refusal};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use std::net::IpAddr;

pub const WINDOW: Duration = Duration::minutes(15);
pub const MAX_PER_ACCOUNT: u64 = 5;
pub const MAX_PER_ADDRESS: u64 = 20;
/// Failures of one user name, across addresses, after which each attempt waits [`SOFT_DELAY`].
pub const SOFT_AFTER: u64 = 10;
pub const SOFT_DELAY: Duration = Duration::seconds(30);

/// What is being attempted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Signing in with a user name.
    Login,
    /// Re-entering the signed-in account's password.
    Reauth,
}

impl Kind {
    pub fn code(self) -> &'static str {
        match self {
            Kind::Login => "login",
            Kind::Reauth => "reauth",
        }
    }
}

/// The name a re-entry is recorded under: the account, not a typed user name.
pub fn reauth_name(account_id: i64) -> String {
    format!("#{account_id}")
}

/// The address group an attempt is counted under: an IPv4 address as it is, an IPv6 address
/// by its /64 (a host is given a whole /64 and can pick any address in it); anything else
/// (no address known) as given.
pub fn address_group(addr: &str) -> String {
    match addr.parse::<IpAddr>() {
        Ok(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
        Ok(IpAddr::V4(v4)) => v4.to_string(),
        Err(_) => addr.to_string(),
    }
}

/// Records an attempt; returns its id. `group` is [`address_group`]'s.
pub async fn record<C: ConnectionTrait>(
    c: &C,
    kind: Kind,
    username: &str,
    group: &str,
    success: bool,
    now: DateTime<Utc>,
) -> Result<i64, DbErr> {
    let res = login_attempt::Entity::insert(login_attempt::ActiveModel {
        username: Set(username.into()),
        address: Set(group.into()),
        at: Set(now),
        success: Set(success),
        kind: Set(kind.code().into()),
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

/// The newest failures (at most `limit`) of `kind` after `from`, for a user name (optionally
/// from one group) or for a group.
async fn failures<C: ConnectionTrait>(
    c: &C,
    kind: Kind,
    username: Option<&str>,
    group: Option<&str>,
    from: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<DateTime<Utc>>, DbErr> {
    let mut q = login_attempt::Entity::find()
        .select_only()
        .column(login_attempt::Column::At)
        .filter(login_attempt::Column::Kind.eq(kind.code()))
        .filter(login_attempt::Column::Success.eq(false))
        .filter(login_attempt::Column::At.gt(from));
    if let Some(u) = username {
        q = q.filter(login_attempt::Column::Username.eq(u));
    }
    if let Some(g) = group {
        q = q.filter(login_attempt::Column::Address.eq(g));
    }
    q.order_by_desc(login_attempt::Column::At)
        .limit(limit)
        .into_tuple::<DateTime<Utc>>()
        .all(c)
        .await
}

/// The last success of a user name (optionally from one group) after `since`.
async fn last_success<C: ConnectionTrait>(
    c: &C,
    kind: Kind,
    username: &str,
    group: Option<&str>,
    since: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, DbErr> {
    let mut q = login_attempt::Entity::find()
        .select_only()
        .column(login_attempt::Column::At)
        .filter(login_attempt::Column::Kind.eq(kind.code()))
        .filter(login_attempt::Column::Username.eq(username))
        .filter(login_attempt::Column::Success.eq(true))
        .filter(login_attempt::Column::At.gte(since));
    if let Some(g) = group {
        q = q.filter(login_attempt::Column::Address.eq(g));
    }
    q.order_by_desc(login_attempt::Column::At)
        .into_tuple::<DateTime<Utc>>()
        .one(c)
        .await
}

/// Minutes to wait, when throttled (see the module's rules).
///
/// Once a limit is reached the wait is a full window after the failure that reached it, not
/// only until the oldest of the failures leaves the window, so the minutes announced are the
/// minutes that hold. Throttled attempts are not recorded as failures, so the wait does not
/// grow while it runs.
pub async fn wait_minutes<C: ConnectionTrait>(
    c: &C,
    kind: Kind,
    username: &str,
    group: &str,
    now: DateTime<Utc>,
) -> Result<Option<i64>, DbErr> {
    // A block ends a window after its newest failure, which is a window after the oldest one
    // counted at most: two windows back see every failure that can still block.
    let since = now - WINDOW - WINDOW;
    let mut until = Vec::new();
    match kind {
        Kind::Login => {
            // Failures after the last success of this user name from this group count.
            let ok = last_success(c, kind, username, Some(group), since).await?;
            let from = ok.map_or(since, |t| t.max(since));
            let pair =
                failures(c, kind, Some(username), Some(group), from, MAX_PER_ACCOUNT).await?;
            until.extend(blocked_until(&pair, MAX_PER_ACCOUNT));
            let by_group = failures(c, kind, None, Some(group), since, MAX_PER_ADDRESS).await?;
            until.extend(blocked_until(&by_group, MAX_PER_ADDRESS));
            // Across groups: failures after the name's last success anywhere.
            let ok = last_success(c, kind, username, None, now - WINDOW).await?;
            let from = ok.map_or(now - WINDOW, |t| t.max(now - WINDOW));
            let spread = failures(c, kind, Some(username), None, from, SOFT_AFTER).await?;
            if spread.len() as u64 >= SOFT_AFTER {
                until.extend(spread.first().map(|t| *t + SOFT_DELAY));
            }
        }
        Kind::Reauth => {
            let ok = last_success(c, kind, username, None, since).await?;
            let from = ok.map_or(since, |t| t.max(since));
            let fails = failures(c, kind, Some(username), None, from, MAX_PER_ACCOUNT).await?;
            until.extend(blocked_until(&fails, MAX_PER_ACCOUNT));
        }
    }
    match until.into_iter().max() {
        Some(until) if until > now => {
            let mins = ((until - now).num_seconds() + 59) / 60;
            Ok(Some(mins.max(1)))
        }
        _ => Ok(None),
    }
}

/// Counts an attempt refused while throttled under `key`. True when it is the first refusal of
/// a run (none in the window before it): only that one is worth an audit event.
pub async fn count_refusal<C: ConnectionTrait>(
    c: &C,
    key: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let key: String = key.chars().take(160).collect();
    let prev = throttle_refusal::Entity::find_by_id(key.clone())
        .one(c)
        .await?;
    let new_run = prev.as_ref().is_none_or(|p| now - p.last_at >= WINDOW);
    let row = throttle_refusal::ActiveModel {
        key: Set(key),
        first_at: Set(now),
        last_at: Set(now),
        count: Set(1),
    };
    let mut on_conflict = OnConflict::column(throttle_refusal::Column::Key);
    if new_run {
        on_conflict.update_columns([
            throttle_refusal::Column::FirstAt,
            throttle_refusal::Column::LastAt,
            throttle_refusal::Column::Count,
        ]);
    } else {
        on_conflict
            .update_column(throttle_refusal::Column::LastAt)
            .value(
                throttle_refusal::Column::Count,
                Expr::col((throttle_refusal::Entity, throttle_refusal::Column::Count)).add(1),
            );
    }
    throttle_refusal::Entity::insert(row)
        .on_conflict(on_conflict.to_owned())
        .exec_without_returning(c)
        .await?;
    Ok(new_run)
}

/// How many attempts were refused under `key` in its current run (0 when none).
pub async fn refusals<C: ConnectionTrait>(c: &C, key: &str) -> Result<i64, DbErr> {
    Ok(throttle_refusal::Entity::find_by_id(key.to_string())
        .one(c)
        .await?
        .map_or(0, |r| r.count))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_grouped_by_host() {
        assert_eq!(address_group("203.0.113.7"), "203.0.113.7");
        assert_eq!(
            address_group("2001:db8:1:2:aaaa:bbbb:cccc:dddd"),
            "2001:db8:1:2::/64"
        );
        assert_eq!(
            address_group("2001:db8:1:2::1"),
            address_group("2001:db8:1:2:ffff::9")
        );
        assert_ne!(
            address_group("2001:db8:1:2::1"),
            address_group("2001:db8:1:3::1")
        );
        assert_eq!(address_group("::ffff:203.0.113.7"), "203.0.113.7");
        assert_eq!(address_group(""), "");
    }

    #[test]
    fn a_run_blocks_a_window_after_its_newest_failure() {
        let t = |m: i64| DateTime::<Utc>::UNIX_EPOCH + Duration::minutes(m);
        // Five failures within 15 minutes: blocked until 15 minutes after the newest.
        let five = [t(10), t(8), t(5), t(2), t(0)];
        assert_eq!(blocked_until(&five, 5), Some(t(25)));
        // Spread over more than a window: no block.
        let spread = [t(20), t(15), t(10), t(5), t(0)];
        assert_eq!(blocked_until(&spread, 5), None);
        assert_eq!(blocked_until(&five[..4], 5), None);
    }
}
