//! "相应学科专家" (guide 四): the curriculum subjects a 学科/教学 expert is qualified in (任教学科),
//! which the subject seat of a panel matches against an item's 相关学科. Experts of the pool so
//! far have none recorded (their subject seat is matched by domain until the pool manager adds
//! them).

use super::a;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(a("expert"))
                .add_column(string(a("school_subjects")).default("[]"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(a("expert"))
                .drop_column(a("school_subjects"))
                .to_owned(),
        )
        .await
    }
}
