//! 机构自查: a self-check an institution saved (the public self-check is never stored).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "self_check")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub institution_id: i64,
    pub item_name: String,
    pub rubric_version: i32,
    /// The answers as JSON (`domain::selfcheck::SelfCheck`).
    pub answers: String,
    /// The domain rule's verdict when saved: subject, non_subject, undetermined.
    pub verdict: String,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
    /// The application it is attached to, if any.
    pub case_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
