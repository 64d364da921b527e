//! A sign-in (登录), written whole in write transactions: the throttle's check and the attempt
//! (recorded as a failure until the password checks out), the failure with its reason, and the
//! new session; each with its audit event. The slow password check runs between them, outside
//! the write lock (`api::auth::login`).

use super::audit::{self, Entry};
use super::entities::user_account;
use super::throttle::{self, Kind};
use super::{sessions, tx};
use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, DbErr};

/// Checks the throttle and records the attempt, in one write transaction: concurrent attempts
/// are serialised by the write lock, so parallel guesses cannot all pass the check before any
/// of them is recorded. `Err(minutes)`: throttled, wait this long (the refusal is counted, and
/// audited once a run: a flood must not grow the audit chain). `Ok(attempt)`: go on.
pub async fn admit(
    db: &DatabaseConnection,
    username: &str,
    address: &str,
    now: DateTime<Utc>,
) -> Result<Result<i64, i64>, DbErr> {
    let group = throttle::address_group(address);
    let txn = tx::begin_write(db, now).await?;
    if let Some(minutes) = throttle::wait_minutes(&txn, Kind::Login, username, &group, now).await? {
        let key = format!("login:{group}|{username}");
        if throttle::count_refusal(&txn, &key, now).await? {
            let event = Entry::new("auth.login_throttled", format!("username:{username}")).by(
                None,
                "anonymous",
                address,
            );
            audit::append(&txn, event, now).await?;
        }
        txn.commit().await?;
        return Ok(Err(minutes));
    }
    let attempt = throttle::record(&txn, Kind::Login, username, &group, false, now).await?;
    txn.commit().await?;
    Ok(Ok(attempt))
}

/// A sign-in refused after the password check: the reason (disabled, bad password, unknown
/// user) goes to the audit trail only, never to the person.
pub async fn refuse(
    db: &DatabaseConnection,
    username: &str,
    account: Option<&user_account::Model>,
    address: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let reason = match account {
        Some(a) if a.disabled => "disabled",
        Some(_) => "bad_password",
        None => "unknown_user",
    };
    let txn = tx::begin_write(db, now).await?;
    let event = Entry::new("auth.login_failed", format!("username:{username}"))
        .by(account.map(|a| a.id), "anonymous", address)
        .details(serde_json::json!({ "reason": reason }));
    audit::append(&txn, event, now).await?;
    txn.commit().await
}

/// A sign-in that succeeded: the attempt marked so, the browser's old session (if any) ended,
/// a fresh session opened. Returns its token.
pub async fn open(
    db: &DatabaseConnection,
    account: &user_account::Model,
    attempt: i64,
    old_session: Option<&str>,
    address: &str,
    now: DateTime<Utc>,
) -> Result<String, DbErr> {
    let txn = tx::begin_write(db, now).await?;
    throttle::mark_success(&txn, attempt).await?;
    if let Some(old) = old_session {
        sessions::end(&txn, old).await?;
    }
    let token = sessions::create(&txn, account.id, address, now).await?;
    let event = Entry::new("auth.login", format!("user_account:{}", account.id)).by(
        Some(account.id),
        &account.role,
        address,
    );
    audit::append(&txn, event, now).await?;
    txn.commit().await?;
    Ok(token)
}

/// Signing out: the session ends; audited when it was a live session of a known account.
pub async fn close(
    db: &DatabaseConnection,
    token: &str,
    by: Option<&audit::By<'_>>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let txn = tx::begin_write(db, now).await?;
    sessions::end(&txn, token).await?;
    if let Some(by) = by {
        let event = by.entry(
            "auth.logout",
            format!("user_account:{}", by.actor.user_id.0),
        );
        audit::append(&txn, event, now).await?;
    }
    txn.commit().await
}

/// One's own new password (already checked and hashed), if the account is still at
/// `version`: every other session of the account ends, the one in use (`keep`) stays.
/// `false`: the account changed meanwhile, nothing was written.
pub async fn change_password(
    db: &DatabaseConnection,
    by: &audit::By<'_>,
    version: i32,
    hash: &str,
    keep: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    use super::accounts::{self, Updated};
    let id = by.actor.user_id.0;
    let txn = tx::begin_write(db, now).await?;
    if accounts::set_password(&txn, id, version, hash, false, now).await? == Updated::Stale {
        return Ok(false);
    }
    sessions::end_others(&txn, id, keep).await?;
    let event = by.entry("auth.password_changed", format!("user_account:{id}"));
    audit::append(&txn, event, now).await?;
    txn.commit().await?;
    Ok(true)
}

/// Password re-entry before signing, sealing, submitting or changing the password (`purpose`):
/// the throttle's check and the attempt, as [`admit`] does for a sign-in. `Err(minutes)`:
/// throttled (the refusal is counted, and audited once a run).
pub async fn admit_reentry(
    db: &DatabaseConnection,
    by: &audit::By<'_>,
    purpose: &str,
    now: DateTime<Utc>,
) -> Result<Result<i64, i64>, DbErr> {
    let id = by.actor.user_id.0;
    let name = throttle::reauth_name(id);
    let group = throttle::address_group(&by.address);
    let txn = tx::begin_write(db, now).await?;
    if let Some(minutes) = throttle::wait_minutes(&txn, Kind::Reauth, &name, &group, now).await? {
        if throttle::count_refusal(&txn, &format!("reauth:{id}"), now).await? {
            let event = reentry_event(by, "auth.reauth_throttled", purpose);
            audit::append(&txn, event, now).await?;
        }
        txn.commit().await?;
        return Ok(Err(minutes));
    }
    let attempt = throttle::record(&txn, Kind::Reauth, &name, &group, false, now).await?;
    txn.commit().await?;
    Ok(Ok(attempt))
}

/// The outcome of a password re-entry: a success marks the attempt, a failure is audited.
pub async fn settle_reentry(
    db: &DatabaseConnection,
    by: &audit::By<'_>,
    attempt: i64,
    ok: bool,
    purpose: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let txn = tx::begin_write(db, now).await?;
    if ok {
        throttle::mark_success(&txn, attempt).await?;
    } else {
        let event = reentry_event(by, "auth.reauth_failed", purpose);
        audit::append(&txn, event, now).await?;
    }
    txn.commit().await
}

fn reentry_event(by: &audit::By<'_>, action: &str, purpose: &str) -> Entry {
    by.entry(action, format!("user_account:{}", by.actor.user_id.0))
        .details(serde_json::json!({ "purpose": purpose }))
}
