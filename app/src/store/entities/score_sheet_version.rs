//! Every saved version of a score sheet, kept.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "score_sheet_version")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub sheet_id: i64,
    pub version: i32,
    pub content: String,
    /// Chosen by the device for each save: a resend of the same save is a no-op.
    pub save_id: String,
    /// This version is the submission.
    pub submit: bool,
    pub saved_by: i64,
    pub saved_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
