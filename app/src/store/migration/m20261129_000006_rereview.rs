//! 复审申请书: the institution's re-review application, the county's decision on forwarding it,
//! and the prefecture child case it opened (the prefecture's receipt).

use super::{a, big_pk_auto, tstz};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(a("rereview_application"))
                .col(big_pk_auto(a("id")))
                .col(big_integer(a("case_id")))
                .col(text(a("grounds")))
                .col(text(a("request")))
                .col(boolean(a("undertaking")))
                .col(big_integer(a("filed_by")))
                .col(tstz("filed_at"))
                // "forwarded" | "refused" once the county decided
                .col(string_len_null(a("decision"), 16))
                .col(text(a("decision_text")))
                .col(big_integer_null(a("decided_by")))
                .col(timestamp_with_time_zone_null(a("decided_at")))
                .col(big_integer_null(a("child_case_id")))
                .foreign_key(
                    ForeignKey::create()
                        .from(a("rereview_application"), a("case_id"))
                        .to(a("jd_case"), a("id")),
                )
                .to_owned(),
        )
        .await?;
        // One application per case: the right is used once.
        m.create_index(
            Index::create()
                .name("rereview_application_case")
                .table(a("rereview_application"))
                .col(a("case_id"))
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("jd_case_parent")
                .table(a("jd_case"))
                .col(a("parent_id"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("jd_case_parent")
                .table(a("jd_case"))
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table(a("rereview_application")).to_owned())
            .await
    }
}
