//! 统计汇总 for the case figures and the workload (`store::tally`): `case_tally` (county-level
//! cases by China date of submission and current state; determinations by date, level and
//! category) and `seat_tally` (accepted seats by county — or 0 for the whole prefecture —,
//! China month of the invitation and expert), counted from the records so far. And the index
//! the results registry pages along (newest determination first, then the newest case).

use super::a;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(a("case_tally"))
                .col(string_len(a("figure"), 16))
                .col(date(a("day")))
                .col(big_integer(a("county_id")))
                .col(string_len(a("level"), 16))
                .col(string_len(a("code"), 32))
                .col(big_integer(a("n")))
                .primary_key(
                    Index::create()
                        .col(a("figure"))
                        .col(a("day"))
                        .col(a("county_id"))
                        .col(a("level"))
                        .col(a("code")),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("seat_tally"))
                .col(big_integer(a("county_id")))
                .col(date(a("month")))
                .col(big_integer(a("expert_id")))
                .col(big_integer(a("n")))
                .primary_key(
                    Index::create()
                        .col(a("county_id"))
                        .col(a("month"))
                        .col(a("expert_id")),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("jd_case_registry")
                .table(a("jd_case"))
                .col(a("determined_on"))
                .col(a("id"))
                .to_owned(),
        )
        .await?;
        let c = m.get_connection();
        crate::store::tally::rebuild_cases(c).await?;
        crate::store::tally::rebuild_seats(c).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("jd_case_registry")
                .table(a("jd_case"))
                .to_owned(),
        )
        .await?;
        for t in ["seat_tally", "case_tally"] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        Ok(())
    }
}
