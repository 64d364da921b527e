//! 鉴定结论 as a record of its own (issue 19): who determined, when, on what basis and under
//! which clause of the guide, the 学前 consequence, the prefecture's determination that replaced
//! it, a revocation with its reasons and credit record. Determinations made so far are carried
//! over from their cases and timelines (`store::determinations::backfill`).

use super::{a, big_pk_auto, tstz};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(a("determination"))
                .col(big_pk_auto(a("id")))
                .col(big_integer(a("case_id")).unique_key())
                .col(string_len(a("level"), 16))
                .col(big_integer(a("county_id")))
                .col(big_integer(a("institution_id")))
                .col(string_len(a("category"), 16))
                .col(date(a("determined_on")))
                .col(tstz("decided_at"))
                .col(big_integer_null(a("decided_by")))
                .col(string_len(a("basis"), 24))
                .col(big_integer_null(a("opinion_id")))
                .col(text(a("reasons")).default(""))
                .col(boolean(a("preschool_prohibited")).default(false))
                .col(big_integer_null(a("superseded_by")))
                .col(timestamp_with_time_zone_null(a("revoked_at")))
                .col(big_integer_null(a("revoked_by")))
                .col(text(a("revoke_reason")).default(""))
                .col(big_integer_null(a("revoke_credit_record")))
                .to_owned(),
        )
        .await?;
        // The registry pages along (newest determination first, then the newest).
        m.create_index(
            Index::create()
                .name("determination_registry")
                .table(a("determination"))
                .col(a("determined_on"))
                .col(a("id"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("determination_institution")
                .table(a("determination"))
                .col(a("institution_id"))
                .to_owned(),
        )
        .await?;
        crate::store::determinations::backfill(m.get_connection()).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(a("determination")).to_owned())
            .await
    }
}
