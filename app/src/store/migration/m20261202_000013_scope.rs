//! Scope and accountability (issue 18):
//! - `credit_record.county_id`: the county a record was filed for (a county director's record
//!   bars the expert and vacates seats on that county's cases only; NULL is the prefecture's);
//!   records filed so far get their filer's county.
//! - One active account per expert and per director post (县负责人 per county, one 州负责人),
//!   held by partial unique indexes. Duplicates an earlier version allowed are disabled here,
//!   keeping the oldest account of each expert or post.
//! - `login_attempt.kind`: a sign-in (`login`) or a password re-entry before signing, sealing or
//!   submitting (`reauth`, keyed by the account); and an index for the per-account delay.
//! - `throttle_refusal`: attempts refused while throttled are counted here, one row per key,
//!   instead of one audit event each (an anonymous flood must not grow the audit chain).

use super::{a, tstz};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The posts that may have only one active account: the column that names the post, and the
/// condition that selects its accounts.
const POSTS: [(&str, &str, &str); 3] = [
    (
        "user_account_one_per_expert",
        "expert_id",
        "expert_id IS NOT NULL",
    ),
    (
        "user_account_one_county_director",
        "county_id",
        "role = 'county_director'",
    ),
    (
        "user_account_one_prefecture_director",
        "role",
        "role = 'prefecture_director'",
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        m.alter_table(
            Table::alter()
                .table(a("credit_record"))
                .add_column(big_integer_null(a("county_id")))
                .to_owned(),
        )
        .await?;
        db.execute_unprepared(
            "UPDATE credit_record SET county_id = (SELECT u.county_id FROM user_account u \
             WHERE u.id = credit_record.filed_by AND u.role = 'county_director')",
        )
        .await?;

        for (index, col, cond) in POSTS {
            db.execute_unprepared(&format!(
                "UPDATE user_account SET disabled = TRUE WHERE disabled = FALSE AND {cond} \
                 AND id > (SELECT MIN(o.id) FROM user_account o WHERE o.disabled = FALSE \
                 AND o.{col} = user_account.{col} AND o.role = user_account.role)"
            ))
            .await?;
            db.execute_unprepared(&format!(
                "CREATE UNIQUE INDEX {index} ON user_account ({col}) \
                 WHERE disabled = FALSE AND {cond}"
            ))
            .await?;
        }

        m.alter_table(
            Table::alter()
                .table(a("login_attempt"))
                .add_column(string_len(a("kind"), 16).default("login"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("login_attempt_user_at")
                .table(a("login_attempt"))
                .col(a("username"))
                .col(a("at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("throttle_refusal"))
                .col(string_len(a("key"), 160).primary_key())
                .col(tstz("first_at"))
                .col(tstz("last_at"))
                .col(big_integer(a("count")))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(a("throttle_refusal")).to_owned())
            .await?;
        m.drop_index(
            Index::drop()
                .name("login_attempt_user_at")
                .table(a("login_attempt"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(a("login_attempt"))
                .drop_column(a("kind"))
                .to_owned(),
        )
        .await?;
        for (index, _, _) in POSTS {
            m.get_connection()
                .execute_unprepared(&format!("DROP INDEX {index}"))
                .await?;
        }
        m.alter_table(
            Table::alter()
                .table(a("credit_record"))
                .drop_column(a("county_id"))
                .to_owned(),
        )
        .await
    }
}
