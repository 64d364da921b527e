//! One version of one year's holiday notice (节假日安排), as imported.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "holiday_year")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub year: i32,
    pub version: i32,
    /// `YearStatus` code: published / provisional.
    pub status: String,
    pub source: String,
    pub reason: String,
    /// JSON of the year's `HolidayPeriod`s.
    pub periods: String,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
