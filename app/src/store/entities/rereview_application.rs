//! 复审申请书: one per county case; the county's decision and the prefecture case it opened.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rereview_application")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub case_id: i64,
    pub grounds: String,
    pub request: String,
    pub undertaking: bool,
    pub filed_by: i64,
    pub filed_at: DateTimeUtc,
    /// "forwarded" | "refused"
    pub decision: Option<String>,
    pub decision_text: String,
    pub decided_by: Option<i64>,
    pub decided_at: Option<DateTimeUtc>,
    /// The prefecture case opened by forwarding (its creation is the prefecture's receipt).
    pub child_case_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
