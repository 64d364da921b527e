//! Settings the bureau changes itself (`setting_version`): each change a new version of its key
//! with who, when and why; the version in force at a moment is the latest created by then, and
//! a key never changed has the program's first values (`Default`).
//!
//! The time limits (办理时限, key `time_limits`): a clock started by a transition takes the
//! limits in force at that moment and keeps its due date (`jd_case.due_on`), so a change never
//! moves a deadline already running; the re-review window of a determination takes the limits in
//! force when it was decided ([`time_limits_at`]).

use super::accounts::Updated;
use super::audit::By;
use super::entities::setting_version;
use crate::domain::deadline::TimeLimits;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};
use serde::{de::DeserializeOwned, Serialize};

/// The key of the time limits.
pub const TIME_LIMITS: &str = "time_limits";

/// One stored version of a setting.
#[derive(Debug, Clone)]
pub struct Version<T> {
    pub value: T,
    pub version: i32,
    pub reason: String,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
}

fn decode<T: DeserializeOwned>(m: setting_version::Model) -> Result<Version<T>, DbErr> {
    let value = serde_json::from_str(&m.value)
        .map_err(|e| DbErr::Custom(format!("setting_version {}: {e}", m.id)))?;
    Ok(Version {
        value,
        version: m.version,
        reason: m.reason,
        created_by: m.created_by,
        created_at: m.created_at,
    })
}

/// Every version of `key`, newest first.
pub async fn versions<C: ConnectionTrait, T: DeserializeOwned>(
    c: &C,
    key: &str,
) -> Result<Vec<Version<T>>, DbErr> {
    setting_version::Entity::find()
        .filter(setting_version::Column::Key.eq(key))
        .order_by_desc(setting_version::Column::Version)
        .all(c)
        .await?
        .into_iter()
        .map(decode)
        .collect()
}

/// The version of `key` in force at `at` (`None`: the first values).
async fn in_force<C: ConnectionTrait, T: DeserializeOwned>(
    c: &C,
    key: &str,
    at: Option<DateTime<Utc>>,
) -> Result<Option<Version<T>>, DbErr> {
    let mut q = setting_version::Entity::find().filter(setting_version::Column::Key.eq(key));
    if let Some(at) = at {
        q = q.filter(setting_version::Column::CreatedAt.lte(at));
    }
    q.order_by_desc(setting_version::Column::Version)
        .one(c)
        .await?
        .map(decode)
        .transpose()
}

/// The time limits in force now, and their version (0: the first values).
pub async fn time_limits_versioned<C: ConnectionTrait>(c: &C) -> Result<(TimeLimits, i32), DbErr> {
    Ok(in_force::<_, TimeLimits>(c, TIME_LIMITS, None)
        .await?
        .map_or((TimeLimits::default(), 0), |v| (v.value, v.version)))
}

/// The time limits in force now.
pub async fn time_limits<C: ConnectionTrait>(c: &C) -> Result<TimeLimits, DbErr> {
    Ok(time_limits_versioned(c).await?.0)
}

/// The time limits that were in force at `at`.
pub async fn time_limits_at<C: ConnectionTrait>(
    c: &C,
    at: DateTime<Utc>,
) -> Result<TimeLimits, DbErr> {
    Ok(in_force::<_, TimeLimits>(c, TIME_LIMITS, Some(at))
        .await?
        .map_or_else(TimeLimits::default, |v| v.value))
}

/// The shortest re-review window any version has had (days): a determination older than this
/// may have a closed window (the background job then asks each case's own facts).
pub async fn shortest_rereview_window<C: ConnectionTrait>(c: &C) -> Result<u32, DbErr> {
    let all = versions::<_, TimeLimits>(c, TIME_LIMITS).await?;
    Ok(all
        .iter()
        .map(|v| v.value.rereview_request_days)
        .chain([TimeLimits::default().rereview_request_days])
        .min()
        .unwrap_or(0))
}

/// Stores `value` as the next version of `key` if the latest is still `seen` (what the
/// administrator's page showed), and audits it (`setting.<key>`, the old and new values and the
/// reason); in its own write transaction. The caller validated the value.
pub async fn change<T: Serialize + DeserializeOwned>(
    db: &DatabaseConnection,
    by: &By<'_>,
    key: &str,
    value: &T,
    seen: i32,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Updated, DbErr> {
    let txn = super::tx::begin_write(db, now).await?;
    let latest = in_force::<_, serde_json::Value>(&txn, key, None).await?;
    if latest.as_ref().map_or(0, |v| v.version) != seen {
        return Ok(Updated::Stale);
    }
    let json = serde_json::to_value(value).map_err(|e| DbErr::Custom(e.to_string()))?;
    setting_version::Entity::insert(setting_version::ActiveModel {
        key: Set(key.to_string()),
        version: Set(seen + 1),
        value: Set(json.to_string()),
        reason: Set(reason.trim().to_string()),
        created_by: Set(Some(by.actor.user_id.0)),
        created_at: Set(now),
        ..Default::default()
    })
    .exec_without_returning(&txn)
    .await?;
    let event = by
        .entry(&format!("setting.{key}"), format!("setting:{key}"))
        .details(serde_json::json!({
            "version": seen + 1,
            "before": latest.map(|v| v.value),
            "after": json,
            "reason": reason.trim(),
        }));
    super::audit::append(&txn, event, now).await?;
    txn.commit().await?;
    Ok(Updated::Yes)
}
