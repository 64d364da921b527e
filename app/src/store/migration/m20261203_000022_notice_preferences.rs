//! 通知偏好 and the record of each sending attempt.
//!
//! `notice_contact` gains the account's choices: the kinds it takes by e-mail and by SMS
//! (comma-separated `NoticeKind` codes; NULL: the defaults of its role), a quiet-hours window
//! for SMS, and a daily digest in place of one mail per notice. `notice_attempt`: one row per
//! attempt at a delivery (when, whether the mail server or gateway took it, and its answer).

use super::{a, big_pk_auto, tstz};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement (SQLite).
        let add = |col: ColumnDef| {
            Table::alter()
                .table(a("notice_contact"))
                .add_column(col)
                .to_owned()
        };
        m.alter_table(add(text_null(a("email_kinds")))).await?;
        m.alter_table(add(text_null(a("sms_kinds")))).await?;
        m.alter_table(add(string(a("quiet_from")).default("").take()))
            .await?;
        m.alter_table(add(string(a("quiet_to")).default("").take()))
            .await?;
        m.alter_table(add(boolean(a("digest")).default(false).take()))
            .await?;
        m.create_table(
            Table::create()
                .table(a("notice_attempt"))
                .col(big_pk_auto(a("id")))
                .col(big_integer(a("delivery_id")))
                .col(integer(a("attempt")))
                .col(tstz("at"))
                .col(boolean(a("ok")))
                .col(text(a("error")).default(""))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("notice_attempt_of_delivery")
                .table(a("notice_attempt"))
                .col(a("delivery_id"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(a("notice_attempt")).to_owned())
            .await?;
        for col in [
            "digest",
            "quiet_to",
            "quiet_from",
            "sms_kinds",
            "email_kinds",
        ] {
            m.alter_table(
                Table::alter()
                    .table(a("notice_contact"))
                    .drop_column(a(col))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
