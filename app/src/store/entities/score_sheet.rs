//! 评分表: one per expert per case; `content` is the JSON `ScoreSheet` of the latest version.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "score_sheet")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub case_id: i64,
    pub expert_id: i64,
    pub rubric_version: i32,
    pub content: String,
    pub version: i32,
    pub submitted: bool,
    pub submitted_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Why the sheet was voided (评分作废, given in bad faith: a credit record); empty if not.
    pub voided_reason: String,
    pub voided_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
