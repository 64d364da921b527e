//! Where an activity was held (鉴定活动的地点, issue 19): the opinion prints the place, not the
//! participants. Activities recorded before keep an empty place.

use super::a;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(a("activity"))
                .add_column(string_len(a("place"), 200).default(""))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(a("activity"))
                .drop_column(a("place"))
                .to_owned(),
        )
        .await
    }
}
