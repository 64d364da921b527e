//! 专家考评: the clerk's rating of each panel member after a case (one per case and expert).

use super::{a, big_pk_auto, tstz};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(a("expert_rating"))
                .col(big_pk_auto(a("id")))
                .col(big_integer(a("case_id")))
                .col(big_integer(a("expert_id")))
                .col(integer(a("score")))
                .col(text(a("comment")))
                .col(big_integer(a("rated_by")))
                .col(tstz("rated_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from(a("expert_rating"), a("case_id"))
                        .to(a("jd_case"), a("id")),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(a("expert_rating"), a("expert_id"))
                        .to(a("expert"), a("id")),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("expert_rating_case_expert")
                .table(a("expert_rating"))
                .col(a("case_id"))
                .col(a("expert_id"))
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("expert_rating_expert")
                .table(a("expert_rating"))
                .col(a("expert_id"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(a("expert_rating")).to_owned())
            .await
    }
}
