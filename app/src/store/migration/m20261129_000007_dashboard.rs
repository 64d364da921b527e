//! What the dashboards and the results registry read quickly: how long each case stayed in each
//! state (`state_span`, one row when a case leaves a state, with its working days), the item's
//! name as a column for searching, and the indexes the aggregates use. Existing history is
//! carried over (`store::dashboard::backfill`).

use super::{a, big_pk_auto, tstz};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn index(name: &str, table: &str, cols: &[&str]) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(a(table));
    for c in cols {
        i.col(a(c));
    }
    i.to_owned()
}

/// Covering indexes: each aggregate reads its index alone (measured with 100,000 cases).
const INDEXES: [(&str, &str, &[&str]); 7] = [
    (
        "state_span_left",
        "state_span",
        &["left_on", "county_id", "level", "state", "working_days"],
    ),
    ("state_span_case", "state_span", &["case_id"]),
    (
        "jd_case_submitted",
        "jd_case",
        &["submitted_at", "level", "county_id", "state"],
    ),
    (
        "jd_case_determined",
        "jd_case",
        &["determined_on", "county_id", "level", "category"],
    ),
    ("jd_case_due", "jd_case", &["clock", "due_on", "county_id"]),
    ("case_event_to_state", "case_event", &["to_state", "at"]),
    (
        "seat_invited",
        "seat",
        &["invited_at", "status", "expert_id", "case_id"],
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(a("state_span"))
                .col(big_pk_auto(a("id")))
                .col(big_integer(a("case_id")))
                .col(big_integer(a("county_id")))
                .col(string_len(a("level"), 16))
                .col(string_len(a("state"), 32))
                .col(tstz("entered_at"))
                .col(tstz("left_at"))
                // China Standard Time date of leaving: the period filter
                .col(date(a("left_on")))
                .col(integer(a("working_days")))
                .foreign_key(
                    ForeignKey::create()
                        .from(a("state_span"), a("case_id"))
                        .to(a("jd_case"), a("id")),
                )
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(a("jd_case"))
                .add_column(string_len(a("item_name"), 200).default("").take())
                .to_owned(),
        )
        .await?;
        for (name, table, cols) in INDEXES {
            m.create_index(index(name, table, cols)).await?;
        }
        crate::store::dashboard::backfill(m.get_connection()).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, _) in INDEXES {
            m.drop_index(Index::drop().name(name).table(a(table)).to_owned())
                .await?;
        }
        m.alter_table(
            Table::alter()
                .table(a("jd_case"))
                .drop_column(a("item_name"))
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table(a("state_span")).to_owned())
            .await
    }
}
