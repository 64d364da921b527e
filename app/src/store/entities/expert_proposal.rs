//! 专家推荐: a county's proposal to add an expert to the pool, decided by the prefecture.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "expert_proposal")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// County of the proposer (None: proposed by the prefecture itself)
    pub county_id: Option<i64>,
    pub proposed_by: i64,
    /// JSON `ExpertInput`
    pub input: String,
    pub note: String,
    /// "pending", "approved", "rejected"
    pub status: String,
    pub decision_reason: String,
    pub decided_by: Option<i64>,
    pub decided_at: Option<DateTimeUtc>,
    /// The expert created on approval
    pub expert_id: Option<i64>,
    pub version: i32,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
