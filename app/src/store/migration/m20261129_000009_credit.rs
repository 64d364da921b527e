//! 信用记录: credit records against institutions and experts (who filed, why, what followed),
//! and the voiding of a score sheet given in bad faith (评分作废, with the reason).

use super::{a, big_pk_auto, tstz};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(a("credit_record"))
                .col(big_pk_auto(a("id")))
                // "institution" | "expert"
                .col(string_len(a("subject"), 16))
                .col(big_integer_null(a("institution_id")))
                .col(big_integer_null(a("expert_id")))
                .col(big_integer_null(a("case_id")))
                .col(string_len(a("kind"), 32))
                // experts: "suspend" | "remove"; institutions: "" or "terminate" (a case ended)
                .col(string_len(a("measure"), 16))
                .col(text(a("reason")))
                // the expert's score sheet on `case_id` was voided with this record
                .col(boolean(a("voided_sheet")).default(false))
                .col(big_integer(a("filed_by")))
                .col(tstz("filed_at"))
                .to_owned(),
        )
        .await?;
        let sheet = |col: ColumnDef| {
            Table::alter()
                .table(a("score_sheet"))
                .add_column(col)
                .to_owned()
        };
        m.alter_table(sheet(text(a("voided_reason")).default("").take()))
            .await?;
        m.alter_table(sheet(timestamp_with_time_zone_null(a("voided_at"))))
            .await?;
        for (name, col) in [
            ("credit_record_institution", "institution_id"),
            ("credit_record_expert", "expert_id"),
        ] {
            m.create_index(
                Index::create()
                    .name(name)
                    .table(a("credit_record"))
                    .col(a(col))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in ["voided_at", "voided_reason"] {
            m.alter_table(
                Table::alter()
                    .table(a("score_sheet"))
                    .drop_column(a(col))
                    .to_owned(),
            )
            .await?;
        }
        m.drop_table(Table::drop().table(a("credit_record")).to_owned())
            .await
    }
}
