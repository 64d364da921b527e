//! Cases (鉴定案件), their timeline, case numbers, stored files and materials.

use super::{a, big_pk_auto, tstz};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(a("jd_case"))
                .col(big_pk_auto(a("id")))
                .col(string_len_null(a("number"), 32).unique_key())
                .col(string(a("level")))
                .col(big_integer(a("county_id")))
                .col(big_integer(a("institution_id")))
                .col(big_integer_null(a("parent_id")))
                .col(string(a("state")))
                .col(text(a("item")))
                .col(boolean(a("undertaking_given")))
                .col(timestamp_with_time_zone_null(a("undertaking_at")))
                .col(text(a("deficiencies")))
                .col(string_null(a("clock")))
                .col(date_null(a("due_on")))
                .col(string_null(a("category")))
                .col(date_null(a("determined_on")))
                .col(big_integer(a("created_by")))
                .col(integer(a("version")))
                .col(tstz("created_at"))
                .col(tstz("updated_at"))
                .col(timestamp_with_time_zone_null(a("submitted_at")))
                .foreign_key(
                    ForeignKey::create()
                        .from(a("jd_case"), a("county_id"))
                        .to(a("county"), a("id")),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(a("jd_case"), a("institution_id"))
                        .to(a("institution"), a("id")),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(a("jd_case"), a("parent_id"))
                        .to(a("jd_case"), a("id")),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("case_inst")
                .table(a("jd_case"))
                .col(a("institution_id"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("case_county_state")
                .table(a("jd_case"))
                .col(a("county_id"))
                .col(a("state"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(a("case_event"))
                .col(big_pk_auto(a("id")))
                .col(big_integer(a("case_id")))
                .col(tstz("at"))
                .col(big_integer_null(a("actor_id")))
                .col(string(a("actor_role")))
                .col(string(a("action")))
                .col(string(a("from_state")))
                .col(string(a("to_state")))
                .col(text(a("reason")))
                .col(text(a("details")))
                .foreign_key(
                    ForeignKey::create()
                        .from(a("case_event"), a("case_id"))
                        .to(a("jd_case"), a("id")),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("case_event_case")
                .table(a("case_event"))
                .col(a("case_id"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(a("case_counter"))
                .col(integer(a("year")).primary_key())
                .col(big_integer(a("last")))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(a("blob"))
                .col(string_len(a("sha256"), 64).primary_key())
                .col(big_integer(a("size")))
                .col(string(a("file_type")))
                .col(tstz("created_at"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(a("material"))
                .col(big_pk_auto(a("id")))
                .col(big_integer(a("case_id")))
                .col(string(a("kind")))
                .col(string(a("file_name")))
                .col(string(a("file_type")))
                .col(big_integer(a("size")))
                .col(string_len(a("sha256"), 64))
                .col(integer(a("version")))
                .col(big_integer_null(a("replaces_id")))
                .col(boolean(a("superseded")))
                .col(big_integer(a("uploaded_by")))
                .col(tstz("uploaded_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from(a("material"), a("case_id"))
                        .to(a("jd_case"), a("id")),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(a("material"), a("sha256"))
                        .to(a("blob"), a("sha256")),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("material_case")
                .table(a("material"))
                .col(a("case_id"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["material", "blob", "case_counter", "case_event", "jd_case"] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        Ok(())
    }
}
