//! Guide 五(五): an expert with any part-time history at a training institution is not
//! eligible. The expert's own declaration of never having held one; experts of the pool so far
//! have not made it (the draw excludes them until they do, on their profile).

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
                .add_column(boolean(a("declares_no_part_time_history")).default(false))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(a("expert"))
                .drop_column(a("declares_no_part_time_history"))
                .to_owned(),
        )
        .await
    }
}
