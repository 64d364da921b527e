//! 抽取记录: one committed draw of a case, immutable once written. Everything needed to re-run
//! it is here (criteria, candidate snapshot, seed, algorithm); `digest` is the SHA-256 of the
//! canonical record and is also written to the audit chain.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "draw_record")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub case_id: i64,
    /// 1 for the first draw of the case, +1 for each further one
    pub seq: i32,
    /// "initial", "redraw", "supplementary"
    pub kind: String,
    /// Written reason of a redraw or supplementary draw
    pub reason: String,
    /// JSON `DrawCriteria`
    pub criteria: String,
    /// JSON `DrawCaseFacts` at the time of the draw
    pub case_facts: String,
    /// JSON `Vec<Candidate>` (the eligible experts, canonical order)
    pub candidates: String,
    /// JSON `Vec<(ExpertId, Vec<Exclusion>)>`
    pub exclusions: String,
    /// 64 hex digits
    pub seed: String,
    pub algorithm: String,
    /// JSON `DrawResult` as drawn (replacements are in `draw_replacement`)
    pub result: String,
    pub digest: String,
    pub operator_id: i64,
    pub observer_id: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
