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
    use super::server::{fail, require, state};
    use crate::domain::access::{authorize, Permission};
    use crate::store::notices;
    let me = require().await?;
    authorize(&me.actor, &Permission::ReadOwnNotices, None).map_err(|d| fail(super::denied(d)))?;
    let st = state().map_err(fail)?;
    let list = notices::inbox(&st.db, me.user.id).await?;
    let unread = notices::unread(&st.db, me.user.id).await?;
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
            .await?
            .ok_or_else(|| fail(AppError::NotFound))?;
        let perm = Permission::ReadNotice {
            recipient: crate::domain::ids::UserId(n.recipient_id),
        };
        authorize(&me.actor, &perm, None).map_err(|d| fail(super::denied(d)))?;
        Some(n.id)
    };
    // One statement on the reader's own rows: no audit event (reading is not an act on the
    // record), so no need to queue behind the audit chain's lock.
    notices::mark_read(&st.db, me.user.id, which, now).await?;
    notices::unread(&st.db, me.user.id)
        .await
        .map_err(|e| fail(db(e)))
}

#[cfg(feature = "ssr")]
fn view(n: crate::store::entities::notice::Model) -> NoticeView {
    let facts = crate::store::notices::facts_pairs(&n);
    NoticeView {
        id: n.id,
        kind: n.kind,
        facts,
        link: n.link,
        case_id: n.case_id,
        at: crate::domain::china_time::china_minute(n.created_at),
        read: n.read_at.is_some(),
    }
}

/// One line of a case's notice record: who was told what, when, and whether they read it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseNoticeRow {
    pub kind: String,
    pub recipient: String,
    pub role: crate::domain::role::Role,
    pub at: String,
    pub read_at: Option<String>,
    /// Its e-mail / SMS deliveries and how they went.
    pub deliveries: Vec<DeliveryRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeliveryRow {
    pub id: i64,
    /// Undelivered, and the reader may send it again.
    pub can_resend: bool,
    pub channel: crate::domain::notice::Channel,
    pub state: crate::domain::notice::DeliveryState,
    pub attempts: i32,
    /// China Standard Time of the sending.
    pub sent_at: Option<String>,
    pub last_error: String,
    /// Each attempt: when (China Standard Time), whether it was taken, the answer if not.
    pub tries: Vec<(String, bool, String)>,
}

/// Who was told what about a case: the bureau and observers who see it (it names the panel).
#[server(prefix = "/api", endpoint = "case_notices")]
pub async fn case_notices(case_id: i64) -> Result<Vec<CaseNoticeRow>, AppError> {
    use super::server::{fail, require, state};
    use crate::domain::access::{authorize, Permission};
    let me = require().await?;
    let st = state().map_err(fail)?;
    let (_, facts) = crate::api::server::visible_case(&me, case_id).await?;
    authorize(&me.actor, &Permission::ViewCaseNotices, Some(&facts))
        .map_err(|d| fail(super::denied(d)))?;
    ssr_record(&st.db, &me, &facts, case_id).await
}

/// One's own addresses, channels and preferences, with the version to save against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContactView {
    pub contact: crate::domain::notice::ContactInput,
    pub version: i32,
    /// The kinds this account may be sent (one line each in the form).
    pub kinds: Vec<crate::domain::notice::NoticeKind>,
    /// Whether it may take its e-mail as a daily digest (bureau staff).
    pub may_digest: bool,
    /// Whether the site sends e-mail at all (an SMTP relay is configured).
    pub email_available: bool,
    /// Whether it sends text messages (an SMS gateway is configured).
    pub sms_available: bool,
}

#[server(prefix = "/api", endpoint = "my_contact")]
pub async fn my_contact() -> Result<ContactView, AppError> {
    use super::server::{fail, require, state};
    use crate::domain::access::{authorize, Permission};
    use crate::domain::notice::{kinds_for, may_digest, NoticeKind};
    let me = require().await?;
    authorize(&me.actor, &Permission::ManageOwnContact, None)
        .map_err(|d| fail(super::denied(d)))?;
    let st = state().map_err(fail)?;
    let (contact, version) = crate::store::notices::contact(&st.db, &me.user).await?;
    Ok(ContactView {
        contact,
        version,
        kinds: kinds_for(me.actor.role)
            .into_iter()
            .filter(|k| *k != NoticeKind::Digest)
            .collect(),
        may_digest: may_digest(me.actor.role),
        email_available: st.settings.smtp_url.is_some(),
        sms_available: st.settings.sms_url.is_some(),
    })
}

/// Saves one's own addresses, channels and preferences (`version` as read; a stale one is
/// refused). The domain's `validate_contact` checks them, field by field; of the kinds only
/// those the account's role receives are kept. The audit trail records what changed in
/// outline (which channels are on, the digest, the quiet hours), not the addresses.
#[server(prefix = "/api", endpoint = "save_contact", input = leptos::server_fn::codec::Json)]
pub async fn save_contact(
    contact: crate::domain::notice::ContactInput,
    version: i32,
) -> Result<i32, AppError> {
    use super::server::{fail, require, state};
    use crate::domain::access::{authorize, Permission};
    use crate::store::accounts::Updated;
    use crate::store::{notices, tx};
    let me = require().await?;
    authorize(&me.actor, &Permission::ManageOwnContact, None)
        .map_err(|d| fail(super::denied(d)))?;
    let mut errs = crate::domain::notice::validate_contact(&contact);
    if contact.digest && !crate::domain::notice::may_digest(me.actor.role) {
        errs.add("digest", "err.contact.digest_not_offered");
    }
    if !errs.is_empty() {
        return Err(fail(AppError::Validation(errs)));
    }
    let st = state().map_err(fail)?;
    let now = st.clock.now();
    let txn = tx::begin_write(&st.db, now).await?;
    let by = me.by();
    match notices::save_contact(&txn, &by, &me.user, version, &contact, now).await? {
        Updated::Stale => return Err(fail(AppError::Stale)),
        Updated::Yes => {}
    }
    txn.commit().await?;
    Ok(version + 1)
}

/// Sends an undelivered e-mail of a case's notice again (the bureau of the case): pending now,
/// its attempts counted afresh. Only one that was given up; audited.
#[server(prefix = "/api", endpoint = "resend_notice")]
pub async fn resend_notice(case_id: i64, delivery_id: i64) -> Result<(), AppError> {
    use super::server::{fail, require, state};
    use crate::domain::access::{authorize, Permission};
    use crate::store::{outbox, tx};
    let me = require().await?;
    let st = state().map_err(fail)?;
    let now = st.clock.now();
    let (_, facts) = crate::api::server::visible_case(&me, case_id).await?;
    authorize(&me.actor, &Permission::ResendNotice, Some(&facts))
        .map_err(|d| fail(super::denied(d)))?;
    let txn = tx::begin_write(&st.db, now).await?;
    // The delivery must be of this case's notices: another case's is not found.
    let of_case = outbox::case_of_delivery(&txn, delivery_id).await?;
    if of_case != Some(case_id) {
        return Err(fail(AppError::NotFound));
    }
    let by = me.by();
    if !outbox::retry(&txn, &by, case_id, delivery_id, now).await? {
        return Err(fail(AppError::Refused {
            key: "err.notice.not_failed".into(),
        }));
    }
    txn.commit().await?;
    Ok(())
}

/// The record of a case's notices as `me` reads it (the case page carries it too).
#[cfg(feature = "ssr")]
pub async fn ssr_record(
    db: &sea_orm::DatabaseConnection,
    me: &super::server::Me,
    facts: &crate::domain::case::CaseFacts,
    case_id: i64,
) -> Result<Vec<CaseNoticeRow>, AppError> {
    use super::server::{db as dberr, fail};
    use crate::domain::access::{authorize, Permission};
    use crate::domain::china_time::china_minute;
    let rows = crate::store::notices::of_case(db, case_id)
        .await
        .map_err(|e| fail(dberr(e)))?;
    let may_resend = authorize(&me.actor, &Permission::ResendNotice, Some(facts)).is_ok();
    let mut sent: std::collections::HashMap<i64, Vec<DeliveryRow>> = Default::default();
    let deliveries = crate::store::outbox::of_notices(db, rows.iter().map(|(n, _)| n.id).collect())
        .await
        .map_err(|e| fail(dberr(e)))?;
    let mut tries: std::collections::HashMap<i64, Vec<(String, bool, String)>> = Default::default();
    for t in crate::store::outbox::attempts(db, deliveries.iter().map(|d| d.id).collect())
        .await
        .map_err(|e| fail(dberr(e)))?
    {
        tries
            .entry(t.delivery_id)
            .or_default()
            .push((china_minute(t.at), t.ok, t.error));
    }
    for d in deliveries {
        let Some(channel) = crate::domain::notice::Channel::from_code(&d.channel) else {
            continue;
        };
        let state = crate::store::decode::<crate::domain::notice::DeliveryState>(&d.state)?;
        sent.entry(d.notice_id).or_default().push(DeliveryRow {
            id: d.id,
            can_resend: may_resend && state == crate::domain::notice::DeliveryState::Failed,
            channel,
            state,
            attempts: d.attempts,
            sent_at: d.sent_at.map(china_minute),
            last_error: d.last_error,
            tries: tries.remove(&d.id).unwrap_or_default(),
        });
    }
    rows.into_iter()
        .map(|(n, who)| {
            Ok(CaseNoticeRow {
                deliveries: sent.remove(&n.id).unwrap_or_default(),
                kind: n.kind,
                recipient: who
                    .as_ref()
                    .map(|a| a.display_name.clone())
                    .unwrap_or_default(),
                // A recipient whose account is gone reads as the system's; a role code this
                // build does not know is an internal error.
                role: match &who {
                    Some(a) => a.account_role()?,
                    None => crate::domain::role::Role::Admin,
                },
                at: china_minute(n.created_at),
                read_at: n.read_at.map(china_minute),
            })
        })
        .collect()
}
