//! 阶段用时汇总: the stage spans counted per day, so that a year's medians read a few thousand
//! rows instead of every span (`span_tally`: county — or 0 for the whole prefecture —, state,
//! China Standard Time date of leaving, working days, number of spans). Kept in step with
//! `state_span` inside each transition's transaction (`store::dashboard::record_span`); the
//! spans recorded so far are counted here (`store::tally::rebuild_spans`).

use super::a;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(a("span_tally"))
                .col(big_integer(a("county_id")))
                .col(string_len(a("state"), 32))
                .col(date(a("left_on")))
                .col(integer(a("working_days")))
                .col(big_integer(a("n")))
                .primary_key(
                    Index::create()
                        .col(a("county_id"))
                        .col(a("state"))
                        .col(a("left_on"))
                        .col(a("working_days")),
                )
                .to_owned(),
        )
        .await?;
        crate::store::tally::rebuild_spans(m.get_connection()).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(a("span_tally")).to_owned())
            .await
    }
}
