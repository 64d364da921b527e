//! 通知: the in-app notices (站内通知), one row per recipient and event, written in the
//! transaction of the event that causes it. `dedupe_key` is unique, so a replayed move or a
//! second sweep over the same seats tells nobody twice.

use super::{a, big_pk_auto, tstz};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(a("notice"))
                .col(big_pk_auto(a("id")))
                .col(big_integer(a("recipient_id")))
                .col(string(a("kind")))
                .col(big_integer_null(a("case_id")))
                .col(text(a("facts")).default("{}"))
                .col(string(a("link")))
                .col(string(a("dedupe_key")).unique_key())
                .col(tstz("created_at"))
                .col(timestamp_with_time_zone_null(a("read_at")))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("notice_inbox")
                .table(a("notice"))
                .col(a("recipient_id"))
                .col(a("id"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("notice_case")
                .table(a("notice"))
                .col(a("case_id"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(a("notice")).to_owned())
            .await
    }
}
