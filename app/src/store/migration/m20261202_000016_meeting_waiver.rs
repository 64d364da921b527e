//! The identification meeting is required before the opinion (guide 七(三)), unless the
//! director records why it was waived: one waiver per case.

use super::{a, tstz};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(a("meeting_waiver"))
                .col(big_integer(a("case_id")).primary_key())
                .col(text(a("reason")))
                .col(big_integer(a("waived_by")))
                .col(tstz("waived_at"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(a("meeting_waiver")).to_owned())
            .await
    }
}
