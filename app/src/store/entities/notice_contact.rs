//! An account's addresses for notices and the channels it wants (`domain::notice`).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notice_contact")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: i64,
    pub email: String,
    /// Mainland mobile number (11 digits).
    pub phone: String,
    pub by_email: bool,
    pub by_sms: bool,
    /// Comma-separated `NoticeKind` codes taken by e-mail; `None`: the role's defaults.
    pub email_kinds: Option<String>,
    pub sms_kinds: Option<String>,
    /// 免打扰时段 for SMS, "HH:MM" China Standard Time, or empty.
    pub quiet_from: String,
    pub quiet_to: String,
    /// E-mail as one daily digest.
    pub digest: bool,
    pub version: i32,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
