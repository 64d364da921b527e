//! 节假日安排 as managed data: each import of a year's holiday notice is a new version of that
//! year (old versions stay readable), with who imported it, when and why. The calendar in
//! force is the embedded one with each year replaced by its latest version here.

use super::{a, big_pk_auto, tstz};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(a("holiday_year"))
                .col(big_pk_auto(a("id")))
                .col(integer(a("year")))
                .col(integer(a("version")))
                .col(string(a("status")))
                .col(text(a("source")))
                .col(text(a("reason")))
                // The year's periods (JSON of `domain::deadline::YearCalendar::periods`).
                .col(text(a("periods")))
                .col(big_integer_null(a("created_by")))
                .col(tstz("created_at"))
                .to_owned(),
        )
        .await?;
        // Two imports of one year against the same version: one of them fails.
        m.create_index(
            Index::create()
                .name("holiday_year_version")
                .table(a("holiday_year"))
                .col(a("year"))
                .col(a("version"))
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(a("holiday_year")).to_owned())
            .await
    }
}
