//! 站内通知: one's own inbox. A notice is its recipient's alone: to anyone else it does not
//! exist (`Permission::ReadNotice`).

use super::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One notice as its recipient reads it. The text is `notice.<kind>` (title) and
/// `notice.<kind>.body` in the reader's language, filled with `facts`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NoticeView {
    pub id: i64,
    /// `NoticeKind` code.
    pub kind: String,
    /// The placeholders of the text (number, item, reason, due_on, respond_by, category).
    pub facts: Vec<(String, String)>,
    /// Where the next step is taken.
    pub link: String,
    pub case_id: Option<i64>,
    /// China Standard Time, to the minute.
    pub at: String,
    pub read: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inbox {
    pub notices: Vec<NoticeView>,
    pub unread: u64,
}

/// The signed-in account's newest notices.
#[server(prefix = "/api", endpoint = "my_notices")]
pub async fn my_notices() -> Result<Inbox, AppError> {
    use super::server::{db, fail, require, state};
    use crate::domain::access::{authorize, Permission};
    use crate::store::notices;
    let me = require().await?;
    authorize(&me.actor, &Permission::ReadOwnNotices, None).map_err(|d| fail(super::denied(d)))?;
    let st = state().map_err(fail)?;
    let list = notices::inbox(&st.db, me.user.id)
        .await
        .map_err(|e| fail(db(e)))?;
    let unread = notices::unread(&st.db, me.user.id)
        .await
        .map_err(|e| fail(db(e)))?;
    Ok(Inbox {
        notices: list.into_iter().map(view).collect(),
        unread,
    })
}

/// Marks one notice read (`id`), or all of them (`id` = 0). Answers the unread count left.
#[server(prefix = "/api", endpoint = "read_notices")]
pub async fn read_notices(id: i64) -> Result<u64, AppError> {
    use super::server::{db, fail, require, state};
    use crate::domain::access::{authorize, Permission};
    use crate::store::notices;
    let me = require().await?;
    let st = state().map_err(fail)?;
    let now = st.clock.now();
    let which = if id == 0 {
        authorize(&me.actor, &Permission::ReadOwnNotices, None)
            .map_err(|d| fail(super::denied(d)))?;
        None
    } else {
        let n = notices::get(&st.db, id)
            .await
            .map_err(|e| fail(db(e)))?
            .ok_or_else(|| fail(AppError::NotFound))?;
        let perm = Permission::ReadNotice {
            recipient: crate::domain::ids::UserId(n.recipient_id),
        };
        authorize(&me.actor, &perm, None).map_err(|d| fail(super::denied(d)))?;
        Some(n.id)
    };
    // One statement on the reader's own rows: no audit event (reading is not an act on the
    // record), so no need to queue behind the audit chain's lock.
    notices::mark_read(&st.db, me.user.id, which, now)
        .await
        .map_err(|e| fail(db(e)))?;
    notices::unread(&st.db, me.user.id)
        .await
        .map_err(|e| fail(db(e)))
}

#[cfg(feature = "ssr")]
fn view(n: crate::store::entities::notice::Model) -> NoticeView {
    let facts = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&n.facts)
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| {
            let v = match v {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            (k, v)
        })
        .collect();
    NoticeView {
        id: n.id,
        kind: n.kind,
        facts,
        link: n.link,
        case_id: n.case_id,
        at: crate::domain::deadline::china_minute(n.created_at),
        read: n.read_at.is_some(),
    }
}

/// One line of a case's notice record: who was told what, when, and whether they read it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseNoticeRow {
    pub kind: String,
    pub recipient: String,
    pub role: crate::domain::role::Role,
    /// The channel it went by (站内 for the inbox).
    pub channel: String,
    pub at: String,
    pub read_at: Option<String>,
}

/// Who was told what about a case: the bureau and observers who see it (it names the panel).
#[server(prefix = "/api", endpoint = "case_notices")]
pub async fn case_notices(case_id: i64) -> Result<Vec<CaseNoticeRow>, AppError> {
    use super::server::{db, fail, require, state};
    use crate::domain::access::{authorize, Permission};
    use crate::domain::deadline::china_minute;
    let me = require().await?;
    let st = state().map_err(fail)?;
    let (_, facts) = super::cases::ssr_visible_case(&me, case_id).await?;
    authorize(&me.actor, &Permission::ViewCaseNotices, Some(&facts))
        .map_err(|d| fail(super::denied(d)))?;
    let rows = crate::store::notices::of_case(&st.db, case_id)
        .await
        .map_err(|e| fail(db(e)))?;
    Ok(rows
        .into_iter()
        .map(|(n, who)| CaseNoticeRow {
            kind: n.kind,
            recipient: who
                .as_ref()
                .map(|a| a.display_name.clone())
                .unwrap_or_default(),
            role: who
                .and_then(|a| crate::domain::role::Role::from_code(&a.role))
                .unwrap_or(crate::domain::role::Role::Admin),
            channel: "in_app".into(),
            at: china_minute(n.created_at),
            read_at: n.read_at.map(china_minute),
        })
        .collect())
}
