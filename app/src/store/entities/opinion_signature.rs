//! An expert's signature of one revision of the opinion; `void` once the content changed.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "opinion_signature")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub opinion_id: i64,
    pub expert_id: i64,
    pub user_id: i64,
    pub dissent: Option<String>,
    pub algorithm: String,
    pub key_id: String,
    /// Hex signature over `domain::opinion::sign_message`
    pub signature: String,
    pub signed_at: DateTimeUtc,
    pub void: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
