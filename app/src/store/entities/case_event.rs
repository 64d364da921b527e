//! One step of a case's timeline: who did what, when, why.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub case_id: i64,
    pub at: DateTimeUtc,
    pub actor_id: Option<i64>,
    pub actor_role: String,
    /// `ActionKind` code, or "create" / "upload" / "save"
    pub action: String,
    pub from_state: String,
    pub to_state: String,
    pub reason: String,
    /// JSON
    pub details: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
