//! Attempts refused while throttled, counted per key (`login:<address>|<user name>`,
//! `reauth:<account>`, …) rather than written to the audit chain one by one.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "throttle_refusal")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    /// The first refusal of the current run (a run ends a window after its last refusal).
    pub first_at: DateTimeUtc,
    pub last_at: DateTimeUtc,
    /// Refusals in the current run.
    pub count: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
