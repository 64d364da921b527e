//! 办理时限设置: the time limits of every stage and the due-soon warning, read by bureau staff,
//! observers and the administrator, changed by the administrator with a reason; each change is
//! a new version (who, when, why, audited). A change applies to the clocks that start after it;
//! a running deadline stays where it was set.

use super::AppError;
use crate::domain::deadline::TimeLimits;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Longest reason for a change (characters).
pub const REASON_MAX: usize = 500;

/// One version of the limits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LimitsVersion {
    pub version: i32,
    pub limits: TimeLimits,
    pub reason: String,
    /// The name of who changed them.
    pub by: String,
    /// China Standard Time to the minute.
    pub at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LimitsPage {
    /// In force now.
    pub limits: TimeLimits,
    /// The version in force (0: the program's first values).
    pub version: i32,
    /// Newest first.
    pub history: Vec<LimitsVersion>,
    pub can_edit: bool,
}

/// The limits in force and their history.
#[server(prefix = "/api", endpoint = "time_limits")]
pub async fn time_limits_in_force() -> Result<LimitsPage, AppError> {
    use crate::domain::access::Permission;
    use crate::domain::china_time::china_minute;
    use crate::store::settings::{self, TIME_LIMITS};
    let (me, st) = super::server::allowed(Permission::ViewSettings).await?;
    let versions = settings::versions::<_, TimeLimits>(&st.db, TIME_LIMITS).await?;
    let names = crate::store::reference::display_names(
        &st.db,
        versions.iter().filter_map(|v| v.created_by).collect(),
    )
    .await?;
    let (limits, version) = settings::time_limits_versioned(&st.db).await?;
    let history = versions
        .into_iter()
        .map(|v| LimitsVersion {
            version: v.version,
            limits: v.value,
            by: v
                .created_by
                .and_then(|id| names.get(&id).cloned())
                .unwrap_or_default(),
            at: china_minute(v.created_at),
            reason: v.reason,
        })
        .collect();
    Ok(LimitsPage {
        limits,
        version,
        history,
        can_edit: super::server::can(&me, Permission::ManageSettings),
    })
}

/// Changes the limits: the administrator. `seen` is the version the page showed (another →
/// 409 stale); out-of-range values and a missing reason are refused with field errors.
#[server(prefix = "/api", endpoint = "save_time_limits", input = leptos::server_fn::codec::Json)]
pub async fn save_time_limits(
    limits: TimeLimits,
    reason: String,
    seen: i32,
) -> Result<i32, AppError> {
    use crate::api::server::fail;
    use crate::domain::access::Permission;
    use crate::store::accounts::Updated;
    use crate::store::settings::{change, TIME_LIMITS};
    let (me, st) = super::server::allowed(Permission::ManageSettings).await?;
    let mut errs = limits.validate();
    let n = reason.trim().chars().count();
    if n == 0 {
        errs.add("limits.reason", "err.required");
    } else if n > REASON_MAX {
        errs.add("limits.reason", "err.too_long");
    }
    errs.into_result()
        .map_err(|e| fail(AppError::Validation(e)))?;
    let now = st.clock.now();
    match change(&st.db, &me.by(), TIME_LIMITS, &limits, seen, &reason, now).await? {
        Updated::Yes => Ok(seen + 1),
        Updated::Stale => Err(fail(AppError::Stale)),
    }
}
