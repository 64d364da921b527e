//! 鉴定会与政策培训, 机构自查 (issue 10): the identification meeting of a case (time, place or
//! online, agenda; then attendance and minutes), each member's confirmation of the policy
//! briefing (required before a score sheet is submitted), and the institutions' saved
//! self-checks (a public self-check is never stored).

use super::{a, big_pk_auto, tstz};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn fk(from: &str, col: &str, to: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(a(from), a(col))
        .to(a(to), a("id"))
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(a("meeting"))
                .col(big_pk_auto(a("id")))
                .col(big_integer(a("case_id")))
                .col(tstz("starts_at"))
                .col(text(a("place")))
                .col(boolean(a("online")))
                .col(text(a("agenda")))
                .col(big_integer(a("scheduled_by")))
                .col(tstz("scheduled_at"))
                // Optimistic concurrency: each change adds one.
                .col(integer(a("version")))
                // Attendance and minutes, once the meeting has been held.
                .col(text(a("attended")).default("[]"))
                .col(text(a("others")).default(""))
                .col(text(a("minutes")).default(""))
                .col(big_integer_null(a("minutes_by")))
                .col(timestamp_with_time_zone_null(a("minutes_at")))
                .foreign_key(&mut fk("meeting", "case_id", "jd_case"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("meeting_case")
                .table(a("meeting"))
                .col(a("case_id"))
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("briefing_ack"))
                .col(big_pk_auto(a("id")))
                .col(big_integer(a("case_id")))
                .col(big_integer(a("expert_id")))
                .col(integer(a("rubric_version")))
                .col(tstz("confirmed_at"))
                .foreign_key(&mut fk("briefing_ack", "case_id", "jd_case"))
                .foreign_key(&mut fk("briefing_ack", "expert_id", "expert"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("briefing_ack_case_expert")
                .table(a("briefing_ack"))
                .col(a("case_id"))
                .col(a("expert_id"))
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("self_check"))
                .col(big_pk_auto(a("id")))
                .col(big_integer(a("institution_id")))
                .col(string_len(a("item_name"), 200))
                .col(integer(a("rubric_version")))
                // domain::selfcheck::SelfCheck as JSON
                .col(text(a("answers")))
                // the verdict the domain rule gave (subject, non_subject, undetermined)
                .col(string_len(a("verdict"), 16))
                .col(big_integer(a("created_by")))
                .col(tstz("created_at"))
                // The application it is attached to (at most one).
                .col(big_integer_null(a("case_id")))
                .foreign_key(&mut fk("self_check", "institution_id", "institution"))
                .foreign_key(&mut fk("self_check", "case_id", "jd_case"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("self_check_institution")
                .table(a("self_check"))
                .col(a("institution_id"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("self_check_case")
                .table(a("self_check"))
                .col(a("case_id"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["self_check", "briefing_ack", "meeting"] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        Ok(())
    }
}
