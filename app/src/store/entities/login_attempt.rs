//! One sign-in attempt or password re-entry, for throttling (5 failures → 15 minutes).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "login_attempt")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The user name typed at sign-in; for a re-entry (`kind` = `reauth`), `#<account id>`.
    pub username: String,
    pub address: String,
    pub at: DateTimeUtc,
    pub success: bool,
    /// `login` or `reauth` (the password re-entered before signing, sealing, submitting).
    pub kind: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
