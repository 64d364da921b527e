//! The expert pool's declarations and proposals, draw records (抽取记录), panel seats and the
//! prefecture's lending of experts (DOMAIN §3, §6).

use super::{a, big_pk_auto, tstz};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // The expert's own declarations and availability (one column per statement: SQLite).
        let add = |col: ColumnDef| Table::alter().table(a("expert")).add_column(col).to_owned();
        m.alter_table(add(boolean(a("declares_no_post")).default(false).take()))
            .await?;
        m.alter_table(add(boolean(a("declares_relatives_no_post"))
            .default(false)
            .take()))
            .await?;
        m.alter_table(add(timestamp_with_time_zone_null(a("declared_at"))))
            .await?;
        m.alter_table(add(date_null(a("unavailable_from")))).await?;
        m.alter_table(add(date_null(a("unavailable_until"))))
            .await?;
        m.alter_table(add(text(a("availability_note")).default("").take()))
            .await?;

        // A county's proposal to add an expert to the pool, decided by the prefecture.
        m.create_table(
            Table::create()
                .table(a("expert_proposal"))
                .col(big_pk_auto(a("id")))
                .col(big_integer_null(a("county_id")))
                .col(big_integer(a("proposed_by")))
                .col(text(a("input")))
                .col(text(a("note")))
                .col(string(a("status")))
                .col(text(a("decision_reason")))
                .col(big_integer_null(a("decided_by")))
                .col(timestamp_with_time_zone_null(a("decided_at")))
                .col(big_integer_null(a("expert_id")))
                .col(integer(a("version")))
                .col(tstz("created_at"))
                .to_owned(),
        )
        .await?;

        // One committed draw: immutable once written.
        m.create_table(
            Table::create()
                .table(a("draw_record"))
                .col(big_pk_auto(a("id")))
                .col(big_integer(a("case_id")))
                .col(integer(a("seq")))
                .col(string(a("kind")))
                .col(text(a("reason")))
                .col(text(a("criteria")))
                .col(text(a("case_facts")))
                .col(text(a("candidates")))
                .col(text(a("exclusions")))
                .col(string_len(a("seed"), 64))
                .col(string(a("algorithm")))
                .col(text(a("result")))
                .col(string_len(a("digest"), 64))
                .col(big_integer(a("operator_id")))
                .col(big_integer_null(a("observer_id")))
                .col(tstz("created_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from(a("draw_record"), a("case_id"))
                        .to(a("jd_case"), a("id")),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("draw_record_case_seq")
                .table(a("draw_record"))
                .col(a("case_id"))
                .col(a("seq"))
                .unique()
                .to_owned(),
        )
        .await?;

        // A backup taking a vacated seat of a draw, in order.
        m.create_table(
            Table::create()
                .table(a("draw_replacement"))
                .col(big_pk_auto(a("id")))
                .col(big_integer(a("draw_id")))
                .col(integer(a("idx")))
                .col(integer(a("seat_index")))
                .col(big_integer(a("previous_expert")))
                .col(big_integer(a("backup_expert")))
                .col(tstz("at"))
                .foreign_key(
                    ForeignKey::create()
                        .from(a("draw_replacement"), a("draw_id"))
                        .to(a("draw_record"), a("id")),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("draw_replacement_draw_idx")
                .table(a("draw_replacement"))
                .col(a("draw_id"))
                .col(a("idx"))
                .unique()
                .to_owned(),
        )
        .await?;

        // A panel seat: one expert's invitation and its answer.
        m.create_table(
            Table::create()
                .table(a("seat"))
                .col(big_pk_auto(a("id")))
                .col(big_integer(a("case_id")))
                .col(big_integer(a("draw_id")))
                .col(integer(a("seat_index")))
                .col(big_integer(a("expert_id")))
                .col(string(a("role")))
                .col(boolean(a("lead")))
                .col(string(a("status")))
                .col(boolean(a("declaration_signed")))
                .col(text(a("answer_reason")))
                .col(tstz("invited_at"))
                .col(date(a("respond_by")))
                .col(timestamp_with_time_zone_null(a("answered_at")))
                .col(boolean(a("sheet_submitted")))
                .col(boolean(a("opinion_signed")))
                .foreign_key(
                    ForeignKey::create()
                        .from(a("seat"), a("case_id"))
                        .to(a("jd_case"), a("id")),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(a("seat"), a("expert_id"))
                        .to(a("expert"), a("id")),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("seat_case")
                .table(a("seat"))
                .col(a("case_id"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("seat_expert_status")
                .table(a("seat"))
                .col(a("expert_id"))
                .col(a("status"))
                .to_owned(),
        )
        .await?;

        // A county's request that the prefecture lend experts from its pool to a case.
        m.create_table(
            Table::create()
                .table(a("pool_loan"))
                .col(big_pk_auto(a("id")))
                .col(big_integer(a("case_id")).unique_key())
                .col(big_integer(a("requested_by")))
                .col(tstz("requested_at"))
                .col(text(a("reason")))
                .col(big_integer_null(a("granted_by")))
                .col(timestamp_with_time_zone_null(a("granted_at")))
                .col(text(a("note")))
                .foreign_key(
                    ForeignKey::create()
                        .from(a("pool_loan"), a("case_id"))
                        .to(a("jd_case"), a("id")),
                )
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "pool_loan",
            "seat",
            "draw_replacement",
            "draw_record",
            "expert_proposal",
        ] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        for c in [
            "availability_note",
            "unavailable_until",
            "unavailable_from",
            "declared_at",
            "declares_relatives_no_post",
            "declares_no_post",
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
