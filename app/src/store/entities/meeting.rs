//! 鉴定会: the identification meeting of a case (one per case), then its attendance and minutes.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "meeting")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub case_id: i64,
    pub starts_at: DateTimeUtc,
    /// The room, or the online meeting's platform and number.
    pub place: String,
    pub online: bool,
    pub agenda: String,
    pub scheduled_by: i64,
    pub scheduled_at: DateTimeUtc,
    pub version: i32,
    /// Expert ids of the members who attended (JSON array).
    pub attended: String,
    /// Others present (bureau staff, observers), as written.
    pub others: String,
    pub minutes: String,
    pub minutes_by: Option<i64>,
    pub minutes_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
