//! 鉴定意见书: one row per revision of a case's opinion. `content` is the JSON
//! `OpinionContent`; `digest` its SHA-256 (canonical encoding); `bundle` the sealed
//! `SealedOpinion` once the bureau has sealed it.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "opinion")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub case_id: i64,
    pub revision: i32,
    pub content: String,
    pub digest: String,
    /// "draft", "sealed" or "void" (replaced by a later revision)
    pub status: String,
    pub drafted_by: i64,
    pub drafted_at: DateTimeUtc,
    pub verify_code: Option<String>,
    pub bundle: Option<String>,
    pub pdf_sha256: Option<String>,
    pub sealed_by: Option<i64>,
    pub sealed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
