//! Settings the bureau changes itself, each change a new version of its key (old versions stay
//! readable): the value (JSON), who changed it, when and why. The version in force at a moment
//! is the latest created by then; a key with no version has the program's first values.

use super::{a, big_pk_auto, tstz};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(a("setting_version"))
                .col(big_pk_auto(a("id")))
                .col(string(a("key")))
                .col(integer(a("version")))
                .col(text(a("value")))
                .col(text(a("reason")))
                .col(big_integer_null(a("created_by")))
                .col(tstz("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("setting_version_key_version")
                .table(a("setting_version"))
                .col(a("key"))
                .col(a("version"))
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(a("setting_version")).to_owned())
            .await
    }
}
