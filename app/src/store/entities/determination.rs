//! 鉴定结论: the determination of one case (a record of its own; `domain::determination`).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "determination")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub case_id: i64,
    /// `CaseLevel` code of the case.
    pub level: String,
    pub county_id: i64,
    pub institution_id: i64,
    /// `Category` code.
    pub category: String,
    /// China date of the determination.
    pub determined_on: Date,
    pub decided_at: DateTimeUtc,
    /// The director who determined (None: recorded before this table, without one).
    pub decided_by: Option<i64>,
    /// `determination::Basis` code.
    pub basis: String,
    /// The sealed opinion it rests on (the panel's or the re-review panel's).
    pub opinion_id: Option<i64>,
    /// The reasons the director gave.
    pub reasons: String,
    /// 学前 item found 学科类: a prohibited activity.
    pub preschool_prohibited: bool,
    /// The prefecture's re-review determination that replaced this one.
    pub superseded_by: Option<i64>,
    pub revoked_at: Option<DateTimeUtc>,
    pub revoked_by: Option<i64>,
    pub revoke_reason: String,
    /// The institution's credit record the revocation follows from.
    pub revoke_credit_record: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
