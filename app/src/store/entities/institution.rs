//! 培训机构: a training institution (DOMAIN §3).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "institution")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    /// 统一社会信用代码
    #[sea_orm(unique)]
    pub uscc: String,
    /// 办学许可证号
    pub licence_no: String,
    pub county_id: i64,
    pub address: String,
    pub legal_rep: String,
    pub principal: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub for_profit: bool,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
