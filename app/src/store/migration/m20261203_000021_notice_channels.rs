//! 通知渠道: e-mail (and later SMS) beside the inbox.
//!
//! `notice_contact`: an account's own addresses and whether it wants notices by e-mail / SMS
//! (versioned, edited by its holder). `notice_delivery`: the outbox — one row per notice and
//! channel, written in the notice's transaction; a sender claims due rows under a lease,
//! records each attempt and the final state. Unique per (notice, channel): a notice goes by a
//! channel at most once.

use super::{a, big_pk_auto, tstz};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(a("notice_contact"))
                .col(big_integer(a("user_id")).primary_key())
                .col(string(a("email")).default(""))
                .col(string(a("phone")).default(""))
                .col(boolean(a("by_email")).default(false))
                .col(boolean(a("by_sms")).default(false))
                .col(integer(a("version")).default(1))
                .col(tstz("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("notice_delivery"))
                .col(big_pk_auto(a("id")))
                .col(big_integer(a("notice_id")))
                .col(string(a("channel")))
                .col(string(a("address")))
                .col(string(a("state")))
                .col(integer(a("attempts")).default(0))
                .col(tstz("next_at"))
                .col(timestamp_with_time_zone_null(a("lease_until")))
                .col(text(a("last_error")).default(""))
                .col(timestamp_with_time_zone_null(a("sent_at")))
                .col(tstz("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("notice_delivery_once")
                .table(a("notice_delivery"))
                .col(a("notice_id"))
                .col(a("channel"))
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("notice_delivery_due")
                .table(a("notice_delivery"))
                .col(a("state"))
                .col(a("next_at"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(a("notice_delivery")).to_owned())
            .await?;
        m.drop_table(Table::drop().table(a("notice_contact")).to_owned())
            .await
    }
}
