//! 借调专家: a county's request that the prefecture lend experts of its pool to one case.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "pool_loan")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub case_id: i64,
    pub requested_by: i64,
    pub requested_at: DateTimeUtc,
    pub reason: String,
    pub granted_by: Option<i64>,
    pub granted_at: Option<DateTimeUtc>,
    pub note: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
