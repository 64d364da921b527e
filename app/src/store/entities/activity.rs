//! 鉴定活动: 书面审查, 实地查看, 课堂观摩, 个别访谈, recorded by the panel or the clerk.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "activity")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub case_id: i64,
    /// "written_review", "site_visit", "class_observation", "interview"
    pub kind: String,
    pub held_on: Date,
    /// Where it was held (地点), as the opinion prints it.
    pub place: String,
    pub participants: String,
    pub notes: String,
    pub created_by: i64,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
