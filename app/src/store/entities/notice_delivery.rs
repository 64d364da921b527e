//! 发送队列: one notice to send by one channel (the transactional outbox), and how it went.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notice_delivery")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub notice_id: i64,
    /// `Channel` code: "email", "sms"
    pub channel: String,
    /// The address it goes to, as it was when the notice was written.
    pub address: String,
    /// `DeliveryState` code: "pending", "sent", "failed"
    pub state: String,
    pub attempts: i32,
    /// Not before this time (the backoff after a failed attempt).
    pub next_at: DateTimeUtc,
    /// A sender has claimed it until then.
    pub lease_until: Option<DateTimeUtc>,
    pub last_error: String,
    pub sent_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
