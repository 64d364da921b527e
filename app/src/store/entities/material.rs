//! 申报材料: one uploaded file of a case. A replacement is a new row; the earlier one stays,
//! marked superseded.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "material")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub case_id: i64,
    /// `MaterialKind` code
    pub kind: String,
    pub file_name: String,
    /// `FileType` code
    pub file_type: String,
    pub size: i64,
    pub sha256: String,
    /// 1 for the first file, +1 for each replacement
    pub version: i32,
    pub replaces_id: Option<i64>,
    pub superseded: bool,
    pub uploaded_by: i64,
    pub uploaded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
