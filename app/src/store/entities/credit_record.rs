//! 信用记录: one credit record against an institution or an expert.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "credit_record")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub subject: String,
    pub institution_id: Option<i64>,
    pub expert_id: Option<i64>,
    pub case_id: Option<i64>,
    pub kind: String,
    pub measure: String,
    pub reason: String,
    /// The expert's score sheet on `case_id` was voided with this record.
    pub voided_sheet: bool,
    pub filed_by: i64,
    /// The county the record was filed for (a county director's); `None`: the prefecture's.
    /// A county's record bars the expert and vacates seats on that county's cases only.
    pub county_id: Option<i64>,
    pub filed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
