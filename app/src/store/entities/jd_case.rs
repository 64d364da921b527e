//! 鉴定案件: one identification case (county level, or a prefecture re-review child case).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "jd_case")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Case number (CJ-2026-0001), given at acceptance.
    pub number: Option<String>,
    /// `CaseLevel` code
    pub level: String,
    pub county_id: i64,
    pub institution_id: i64,
    pub parent_id: Option<i64>,
    /// `CaseState` code
    pub state: String,
    /// JSON of `domain::item::TrainingItemInput`
    pub item: String,
    /// The training item's name (also inside `item`), for searching the registry.
    pub item_name: String,
    pub undertaking_given: bool,
    pub undertaking_at: Option<DateTimeUtc>,
    /// JSON array: the deficiencies of the last return (补正事项)
    pub deficiencies: String,
    /// The running time limit (`deadline::Clock` code) and its due date
    pub clock: Option<String>,
    pub due_on: Option<Date>,
    /// `Category` code once determined
    pub category: Option<String>,
    pub determined_on: Option<Date>,
    pub created_by: i64,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub submitted_at: Option<DateTimeUtc>,
    /// The rubric version the case is judged under (fixed at the draw).
    pub rubric_version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// The case's state (an unknown stored code is an error, see `store::decode`).
    pub fn case_state(&self) -> Result<crate::domain::case::CaseState, DbErr> {
        crate::store::decode(&self.state)
    }

    /// The case's level: county, or a prefecture re-review case.
    pub fn case_level(&self) -> Result<crate::domain::case::CaseLevel, DbErr> {
        crate::store::decode(&self.level)
    }

    /// The category determined for the case, once there is one.
    pub fn category(&self) -> Result<Option<crate::domain::terms::Category>, DbErr> {
        self.category
            .as_deref()
            .map(crate::store::decode)
            .transpose()
    }
}
