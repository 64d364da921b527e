//! 通知: one in-app notice to one account (`domain::notice`).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notice")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The account told.
    pub recipient_id: i64,
    /// `NoticeKind` code
    pub kind: String,
    pub case_id: Option<i64>,
    /// JSON object of the facts the text is filled with (number, item, dates, reason).
    pub facts: String,
    /// Where the next step is taken.
    pub link: String,
    /// Against telling twice (`domain::notice::move_key` / `seat_key`).
    #[sea_orm(unique)]
    pub dedupe_key: String,
    pub created_at: DateTimeUtc,
    pub read_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
