//! The panel's review: activities (鉴定活动) with their photos and files, and score sheets
//! (评分表) with every saved version kept.

use super::{a, big_pk_auto, tstz};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // The rubric version a case is judged under (fixed when the panel is drawn).
        m.alter_table(
            Table::alter()
                .table(a("jd_case"))
                .add_column(integer(a("rubric_version")).default(1).take())
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(a("activity"))
                .col(big_pk_auto(a("id")))
                .col(big_integer(a("case_id")))
                .col(string(a("kind")))
                .col(date(a("held_on")))
                .col(text(a("participants")))
                .col(text(a("notes")))
                .col(big_integer(a("created_by")))
                .col(integer(a("version")))
                .col(tstz("created_at"))
                .col(tstz("updated_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from(a("activity"), a("case_id"))
                        .to(a("jd_case"), a("id")),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("activity_case")
                .table(a("activity"))
                .col(a("case_id"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(a("activity_file"))
                .col(big_pk_auto(a("id")))
                .col(big_integer(a("activity_id")))
                .col(big_integer(a("case_id")))
                .col(string(a("file_name")))
                .col(string(a("file_type")))
                .col(big_integer(a("size")))
                .col(string_len(a("sha256"), 64))
                .col(big_integer(a("uploaded_by")))
                .col(tstz("uploaded_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from(a("activity_file"), a("activity_id"))
                        .to(a("activity"), a("id")),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(a("activity_file"), a("sha256"))
                        .to(a("blob"), a("sha256")),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("activity_file_activity")
                .table(a("activity_file"))
                .col(a("activity_id"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(a("score_sheet"))
                .col(big_pk_auto(a("id")))
                .col(big_integer(a("case_id")))
                .col(big_integer(a("expert_id")))
                .col(integer(a("rubric_version")))
                .col(text(a("content")))
                .col(integer(a("version")))
                .col(boolean(a("submitted")))
                .col(timestamp_with_time_zone_null(a("submitted_at")))
                .col(tstz("created_at"))
                .col(tstz("updated_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from(a("score_sheet"), a("case_id"))
                        .to(a("jd_case"), a("id")),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(a("score_sheet"), a("expert_id"))
                        .to(a("expert"), a("id")),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("score_sheet_case_expert")
                .table(a("score_sheet"))
                .col(a("case_id"))
                .col(a("expert_id"))
                .unique()
                .to_owned(),
        )
        .await?;

        // Every saved version of a sheet; `save_id` (chosen by the device) makes a resend of the
        // same save a no-op, so that a draft kept offline is stored exactly once.
        m.create_table(
            Table::create()
                .table(a("score_sheet_version"))
                .col(big_pk_auto(a("id")))
                .col(big_integer(a("sheet_id")))
                .col(integer(a("version")))
                .col(text(a("content")))
                .col(string_len(a("save_id"), 64))
                .col(boolean(a("submit")))
                .col(big_integer(a("saved_by")))
                .col(tstz("saved_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from(a("score_sheet_version"), a("sheet_id"))
                        .to(a("score_sheet"), a("id")),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("score_sheet_version_sheet_version")
                .table(a("score_sheet_version"))
                .col(a("sheet_id"))
                .col(a("version"))
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("score_sheet_version_save_id")
                .table(a("score_sheet_version"))
                .col(a("sheet_id"))
                .col(a("save_id"))
                .unique()
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "score_sheet_version",
            "score_sheet",
            "activity_file",
            "activity",
        ] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        m.alter_table(
            Table::alter()
                .table(a("jd_case"))
                .drop_column(a("rubric_version"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
