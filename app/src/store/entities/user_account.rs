//! 账号: a user account with one role and its scope.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "user_account")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    /// `domain::role::Role::code()`
    pub role: String,
    pub county_id: Option<i64>,
    pub institution_id: Option<i64>,
    pub expert_id: Option<i64>,
    pub disabled: bool,
    pub must_change_password: bool,
    pub locale: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// The account's role (an unknown stored code is an error, see `store::decode`).
    pub fn account_role(&self) -> Result<crate::domain::role::Role, DbErr> {
        crate::store::decode(&self.role)
    }
}
