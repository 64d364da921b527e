//! Counties, institutions, experts, accounts, sessions, sign-in attempts, the audit chain.

use super::{a, big_pk_auto, tstz};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(a("county"))
                .col(big_integer(a("id")).primary_key())
                .col(string(a("name_zh")))
                .col(string(a("name_en")))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(a("institution"))
                .col(big_pk_auto(a("id")))
                .col(string(a("name")))
                .col(string_len(a("uscc"), 18).unique_key())
                .col(string(a("licence_no")))
                .col(big_integer(a("county_id")))
                .col(string(a("address")))
                .col(string(a("legal_rep")))
                .col(string(a("principal")))
                .col(string(a("contact_name")))
                .col(string(a("contact_phone")))
                .col(boolean(a("for_profit")))
                .col(integer(a("version")))
                .col(tstz("created_at"))
                .col(tstz("updated_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from(a("institution"), a("county_id"))
                        .to(a("county"), a("id")),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(a("expert"))
                .col(big_pk_auto(a("id")))
                .col(string(a("name")))
                .col(string(a("employer")))
                .col(string(a("title")))
                .col(string(a("kind")))
                .col(text(a("subjects")))
                .col(text(a("stages")))
                .col(big_integer_null(a("county_id")))
                .col(string(a("phone")))
                .col(date(a("term_start")))
                .col(date(a("term_end")))
                .col(string(a("status")))
                .col(text(a("status_reason")))
                .col(text(a("affiliations")))
                .col(integer(a("version")))
                .col(tstz("created_at"))
                .col(tstz("updated_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from(a("expert"), a("county_id"))
                        .to(a("county"), a("id")),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(a("user_account"))
                .col(big_pk_auto(a("id")))
                .col(string(a("username")).unique_key())
                .col(string(a("display_name")))
                .col(string(a("password_hash")))
                .col(string(a("role")))
                .col(big_integer_null(a("county_id")))
                .col(big_integer_null(a("institution_id")))
                .col(big_integer_null(a("expert_id")))
                .col(boolean(a("disabled")))
                .col(boolean(a("must_change_password")))
                .col(string(a("locale")))
                .col(integer(a("version")))
                .col(tstz("created_at"))
                .col(tstz("updated_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from(a("user_account"), a("county_id"))
                        .to(a("county"), a("id")),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(a("user_account"), a("institution_id"))
                        .to(a("institution"), a("id")),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(a("user_account"), a("expert_id"))
                        .to(a("expert"), a("id")),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(a("session"))
                .col(string(a("token_hash")).primary_key())
                .col(big_integer(a("user_id")))
                .col(tstz("created_at"))
                .col(tstz("last_seen_at"))
                .col(string(a("address")))
                .foreign_key(
                    ForeignKey::create()
                        .from(a("session"), a("user_id"))
                        .to(a("user_account"), a("id"))
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("session_user")
                .table(a("session"))
                .col(a("user_id"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(a("login_attempt"))
                .col(big_pk_auto(a("id")))
                .col(string(a("username")))
                .col(string(a("address")))
                .col(tstz("at"))
                .col(boolean(a("success")))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("login_attempt_addr_at")
                .table(a("login_attempt"))
                .col(a("address"))
                .col(a("at"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(a("audit_event"))
                .col(big_integer(a("seq")).primary_key())
                .col(tstz("at"))
                .col(big_integer_null(a("actor_id")))
                .col(string(a("actor_role")))
                .col(string(a("address")))
                .col(string(a("action")))
                .col(string(a("object")))
                .col(text(a("details")))
                .col(string_len(a("prev_hash"), 64))
                .col(string_len(a("hash"), 64).unique_key())
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(a("audit_head"))
                .col(integer(a("id")).primary_key())
                .col(big_integer(a("seq")))
                .col(string_len(a("hash"), 64))
                .col(tstz("touched_at"))
                .to_owned(),
        )
        .await?;
        // The chain starts from 64 zeros.
        let genesis = Query::insert()
            .into_table(a("audit_head"))
            .columns([a("id"), a("seq"), a("hash"), a("touched_at")])
            .values_panic([
                1.into(),
                0i64.into(),
                "0".repeat(64).into(),
                chrono::DateTime::<chrono::Utc>::from_timestamp(0, 0)
                    .expect("epoch")
                    .into(),
            ])
            .to_owned();
        m.exec_stmt(genesis).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "audit_head",
            "audit_event",
            "login_attempt",
            "session",
            "user_account",
            "expert",
            "institution",
            "county",
        ] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        Ok(())
    }
}
