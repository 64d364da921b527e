//! Guide 五(三): an expert's title (中级及以上) is backed by an uploaded certificate that the
//! pool manager checks (职称核验); a bureau may draw only experts whose title was checked.
//!
//! On `expert`: the current certificate (a blob, its file name and type, when and by whom it
//! was uploaded) and the check (when and by whom; cleared when a new certificate or another
//! title is recorded). `draw_setting`: the draw rules of a level, one row per scope
//! (`county:<code>` or `prefecture`); no row means the defaults.

use super::{a, tstz};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement (SQLite).
        let add = |col: ColumnDef| Table::alter().table(a("expert")).add_column(col).to_owned();
        m.alter_table(add(string_null(a("title_cert_sha256"))))
            .await?;
        m.alter_table(add(string(a("title_cert_name")).default("").take()))
            .await?;
        m.alter_table(add(string(a("title_cert_type")).default("").take()))
            .await?;
        m.alter_table(add(timestamp_with_time_zone_null(a("title_cert_at"))))
            .await?;
        m.alter_table(add(timestamp_with_time_zone_null(a("title_verified_at"))))
            .await?;
        m.alter_table(add(string(a("title_verified_by")).default("").take()))
            .await?;
        m.create_table(
            Table::create()
                .table(a("draw_setting"))
                .col(string(a("scope")).primary_key())
                .col(boolean(a("require_verified_titles")))
                .col(big_integer(a("updated_by")))
                .col(tstz("updated_at"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(a("draw_setting")).to_owned())
            .await?;
        for c in [
            "title_cert_sha256",
            "title_cert_name",
            "title_cert_type",
            "title_cert_at",
            "title_verified_at",
            "title_verified_by",
        ] {
            m.alter_table(
                Table::alter()
                    .table(a("expert"))
                    .drop_column(a(c))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
