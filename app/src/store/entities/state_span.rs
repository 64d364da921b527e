//! How long a case stayed in one state (for the dashboards' median working days per stage).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "state_span")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub case_id: i64,
    pub county_id: i64,
    pub level: String,
    pub state: String,
    pub entered_at: DateTimeUtc,
    pub left_at: DateTimeUtc,
    /// China Standard Time date the case left the state.
    pub left_on: Date,
    /// Working days from entering to leaving (holiday calendar).
    pub working_days: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
