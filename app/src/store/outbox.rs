//! 发送队列 (the transactional outbox): the notices to send by e-mail or SMS, written with the
//! event that causes them (`store::notices`), drained by [`drain`].
//!
//! A sender claims due rows in a write transaction (on SQLite the write lock, on PostgreSQL the
//! audit head's row lock: two servers never claim the same row), counts the attempt and leases
//! the row for [`LEASE_SECS`]; then sends, and records the outcome. A sender that dies between
//! claiming and recording leaves the lease to run out, and the row is tried again: a message is
//! sent once unless the process dies after the mail server accepted it and before the outcome
//! was written (then the mail carries the same Message-ID, so a mail system can tell the copy).
//! A failing channel only delays its own rows: the procedure never waits for it.

use super::entities::{notice, notice_attempt, notice_delivery, user_account};
use super::message::Claimed;
use super::tx;
use crate::domain::notice::{backoff_secs, Channel, DeliveryState, MAX_ATTEMPTS};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

/// How long a claim holds a row (longer than a send may take with its timeout).
pub const LEASE_SECS: i64 = 120;
/// Rows claimed at a time.
pub const BATCH: u64 = 50;
/// Messages in flight at once.
pub const SENDING_AT_ONCE: usize = 8;

/// Claims up to `limit` due rows of `channel`.
pub async fn claim(
    db: &DatabaseConnection,
    channel: Channel,
    limit: u64,
    now: DateTime<Utc>,
) -> Result<Vec<Claimed>, DbErr> {
    let txn = tx::begin_write(db, now).await?;
    let due = notice_delivery::Entity::find()
        .filter(notice_delivery::Column::Channel.eq(channel.code()))
        .filter(notice_delivery::Column::State.eq(DeliveryState::Pending.code()))
        .filter(notice_delivery::Column::NextAt.lte(now))
        .filter(
            Condition::any()
                .add(notice_delivery::Column::LeaseUntil.is_null())
                .add(notice_delivery::Column::LeaseUntil.lt(now)),
        )
        .order_by_asc(notice_delivery::Column::Id)
        .limit(limit)
        .all(&txn)
        .await?;
    if due.is_empty() {
        txn.commit().await?;
        return Ok(vec![]);
    }
    let ids: Vec<i64> = due.iter().map(|d| d.id).collect();
    notice_delivery::Entity::update_many()
        .col_expr(
            notice_delivery::Column::LeaseUntil,
            Expr::value(now + Duration::seconds(LEASE_SECS)),
        )
        .col_expr(
            notice_delivery::Column::Attempts,
            Expr::col(notice_delivery::Column::Attempts).add(1),
        )
        .filter(notice_delivery::Column::Id.is_in(ids))
        .exec(&txn)
        .await?;
    let notice_ids: Vec<i64> = due.iter().map(|d| d.notice_id).collect();
    let notices: std::collections::HashMap<i64, notice::Model> = notice::Entity::find()
        .filter(notice::Column::Id.is_in(notice_ids))
        .all(&txn)
        .await?
        .into_iter()
        .map(|n| (n.id, n))
        .collect();
    let people: Vec<i64> = notices.values().map(|n| n.recipient_id).collect();
    let mut items: std::collections::HashMap<i64, Vec<notice::Model>> = Default::default();
    for n in notices.values() {
        if n.kind == crate::domain::notice::NoticeKind::Digest.code() {
            items.insert(n.id, super::notices::digest_items(&txn, n).await?);
        }
    }
    let locales: std::collections::HashMap<i64, String> = user_account::Entity::find()
        .select_only()
        .column(user_account::Column::Id)
        .column(user_account::Column::Locale)
        .filter(user_account::Column::Id.is_in(people))
        .into_tuple::<(i64, String)>()
        .all(&txn)
        .await?
        .into_iter()
        .collect();
    txn.commit().await?;
    Ok(due
        .into_iter()
        .filter_map(|mut d| {
            d.attempts += 1;
            let n = notices.get(&d.notice_id)?.clone();
            let locale = locales.get(&n.recipient_id).cloned().unwrap_or_default();
            let items = items.remove(&n.id).unwrap_or_default();
            Some(Claimed {
                delivery: d,
                notice: n,
                locale,
                items,
            })
        })
        .collect())
}

/// Records how an attempt went (a row of `notice_attempt`), and the delivery's state: sent; or
/// failed, to be tried again after the backoff, or given up after [`MAX_ATTEMPTS`].
pub async fn settle<C: ConnectionTrait>(
    c: &C,
    claimed: &notice_delivery::Model,
    outcome: Result<(), String>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let q = notice_delivery::Entity::update_many()
        .col_expr(
            notice_delivery::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(notice_delivery::Column::Id.eq(claimed.id))
        .filter(notice_delivery::Column::State.eq(DeliveryState::Pending.code()));
    notice_attempt::Entity::insert(notice_attempt::ActiveModel {
        delivery_id: Set(claimed.id),
        attempt: Set(claimed.attempts),
        at: Set(now),
        ok: Set(outcome.is_ok()),
        error: Set(outcome
            .as_ref()
            .err()
            .map(|e| e.chars().take(500).collect())
            .unwrap_or_default()),
        ..Default::default()
    })
    .exec_without_returning(c)
    .await?;
    let q = match outcome {
        Ok(()) => q
            .col_expr(
                notice_delivery::Column::State,
                Expr::value(DeliveryState::Sent.code()),
            )
            .col_expr(notice_delivery::Column::SentAt, Expr::value(now)),
        Err(e) => {
            let e: String = e.chars().take(500).collect();
            let q = q.col_expr(notice_delivery::Column::LastError, Expr::value(e));
            if claimed.attempts >= MAX_ATTEMPTS {
                q.col_expr(
                    notice_delivery::Column::State,
                    Expr::value(DeliveryState::Failed.code()),
                )
            } else {
                q.col_expr(
                    notice_delivery::Column::NextAt,
                    Expr::value(now + Duration::seconds(backoff_secs(claimed.attempts))),
                )
            }
        }
    };
    q.exec(c).await?;
    Ok(())
}

/// What a drain did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Drained {
    pub sent: u32,
    pub failed: u32,
}

/// The senders a process has: each channel is drained only when configured.
#[derive(Clone, Copy, Default)]
pub struct Senders<'a> {
    pub mail: Option<&'a super::mail::Mailer>,
    pub sms: Option<&'a dyn super::sms::SmsGateway>,
}

impl Senders<'_> {
    fn has(&self, channel: Channel) -> bool {
        match channel {
            Channel::Email => self.mail.is_some(),
            Channel::Sms => self.sms.is_some(),
        }
    }

    async fn send(&self, channel: Channel, c: &Claimed) -> Result<(), String> {
        match (channel, self.mail, self.sms) {
            (Channel::Email, Some(m), _) => m.send(c).await,
            (Channel::Sms, _, Some(g)) => {
                let m = g.message(c);
                g.send(&m).await
            }
            _ => Err("channel not configured".into()),
        }
    }
}

/// Sends what is due by each configured channel, batch after batch, until nothing due is left
/// or a whole batch failed (the relay or gateway is down: wait for the next round).
pub async fn drain(
    db: &DatabaseConnection,
    senders: &Senders<'_>,
    now: impl Fn() -> DateTime<Utc>,
) -> Result<Drained, DbErr> {
    let mut total = Drained::default();
    for channel in [Channel::Sms, Channel::Email] {
        if !senders.has(channel) {
            continue;
        }
        loop {
            let batch = claim(db, channel, BATCH, now()).await?;
            if batch.is_empty() {
                break;
            }
            let mut sent_now = 0;
            // A few at a time (over the transport's pooled connections); the outcomes are
            // written as they come back.
            for chunk in batch.chunks(SENDING_AT_ONCE) {
                let outcomes =
                    futures_util::future::join_all(chunk.iter().map(|c| senders.send(channel, c)))
                        .await;
                for (c, outcome) in chunk.iter().zip(outcomes) {
                    if outcome.is_ok() {
                        sent_now += 1;
                        total.sent += 1;
                    } else {
                        total.failed += 1;
                    }
                    settle(db, &c.delivery, outcome, now()).await?;
                }
            }
            if sent_now == 0 {
                break;
            }
        }
    }
    Ok(total)
}

/// The deliveries of a case's notices, for the bureau's record (by notice id).
pub async fn of_notices<C: ConnectionTrait>(
    c: &C,
    notice_ids: Vec<i64>,
) -> Result<Vec<notice_delivery::Model>, DbErr> {
    notice_delivery::Entity::find()
        .filter(notice_delivery::Column::NoticeId.is_in(notice_ids))
        .order_by_asc(notice_delivery::Column::Id)
        .all(c)
        .await
}

/// The attempts at a delivery, first first.
pub async fn attempts<C: ConnectionTrait>(
    c: &C,
    delivery_ids: Vec<i64>,
) -> Result<Vec<notice_attempt::Model>, DbErr> {
    notice_attempt::Entity::find()
        .filter(notice_attempt::Column::DeliveryId.is_in(delivery_ids))
        .order_by_asc(notice_attempt::Column::Id)
        .all(c)
        .await
}

/// Sends a failed delivery again (the bureau's "resend"): pending now, attempts from zero.
pub async fn retry<C: ConnectionTrait>(
    c: &C,
    by: &super::audit::By<'_>,
    case_id: i64,
    delivery_id: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let r = notice_delivery::Entity::update_many()
        .col_expr(
            notice_delivery::Column::State,
            Expr::value(DeliveryState::Pending.code()),
        )
        .col_expr(notice_delivery::Column::Attempts, Expr::value(0))
        .col_expr(notice_delivery::Column::NextAt, Expr::value(now))
        .filter(notice_delivery::Column::Id.eq(delivery_id))
        .filter(notice_delivery::Column::State.eq(DeliveryState::Failed.code()))
        .exec(c)
        .await?;
    if r.rows_affected != 1 {
        return Ok(false);
    }
    let details = serde_json::json!({ "delivery": delivery_id });
    let mut event = super::cases::entry(Some(by.actor), "notice.resend", case_id, details);
    event.address = by.address.clone();
    super::audit::append(c, event, now).await?;
    Ok(true)
}

/// The case a delivery's notice is about.
pub async fn case_of_delivery<C: ConnectionTrait>(
    c: &C,
    delivery_id: i64,
) -> Result<Option<i64>, DbErr> {
    let Some(d) = notice_delivery::Entity::find_by_id(delivery_id)
        .one(c)
        .await?
    else {
        return Ok(None);
    };
    Ok(notice::Entity::find_by_id(d.notice_id)
        .one(c)
        .await?
        .and_then(|n| n.case_id))
}
