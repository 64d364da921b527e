//! A backup taking a vacated seat of a draw (`draw::replace_seat`), in order.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "draw_replacement")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub draw_id: i64,
    /// 0, 1, … within the draw
    pub idx: i32,
    pub seat_index: i32,
    pub previous_expert: i64,
    pub backup_expert: i64,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
