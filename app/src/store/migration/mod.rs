//! Schema migrations, the same for SQLite and PostgreSQL. Run at start (`jianding migrate`
//! runs them alone). File names `mYYYYMMDD_HHMMSS_name.rs` give the migration names.

use sea_orm_migration::{prelude::*, schema::*};

mod m20261128_000001_foundation;
mod m20261128_000002_cases;
mod m20261129_000003_pool_draw;
mod m20261129_000004_review;
mod m20261129_000005_opinion;
mod m20261129_000006_rereview;
mod m20261129_000007_dashboard;
mod m20261129_000008_ratings;
mod m20261129_000009_credit;
mod m20261129_000010_span_tally;
mod m20261129_000011_meeting_selfcheck;
mod m20261130_000012_tallies;
mod m20261202_000013_scope;
mod m20261202_000014_determination;
mod m20261202_000015_activity_place;
mod m20261202_000016_meeting_waiver;
mod m20261202_000017_part_time;
mod m20261203_000018_school_subjects;
mod m20261203_000019_title_check;
mod m20261203_000020_notices;
mod m20261203_000021_notice_channels;
mod m20261203_000022_notice_preferences;
mod m20261207_000023_holiday_calendar;
mod m20261207_000024_setting_versions;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_foundation::Migration),
            Box::new(m20261128_000002_cases::Migration),
            Box::new(m20261129_000003_pool_draw::Migration),
            Box::new(m20261129_000004_review::Migration),
            Box::new(m20261129_000005_opinion::Migration),
            Box::new(m20261129_000006_rereview::Migration),
            Box::new(m20261129_000007_dashboard::Migration),
            Box::new(m20261129_000008_ratings::Migration),
            Box::new(m20261129_000009_credit::Migration),
            Box::new(m20261129_000010_span_tally::Migration),
            Box::new(m20261129_000011_meeting_selfcheck::Migration),
            Box::new(m20261130_000012_tallies::Migration),
            Box::new(m20261202_000013_scope::Migration),
            Box::new(m20261202_000014_determination::Migration),
            Box::new(m20261202_000015_activity_place::Migration),
            Box::new(m20261202_000016_meeting_waiver::Migration),
            Box::new(m20261202_000017_part_time::Migration),
            Box::new(m20261203_000018_school_subjects::Migration),
            Box::new(m20261203_000019_title_check::Migration),
            Box::new(m20261203_000020_notices::Migration),
            Box::new(m20261203_000021_notice_channels::Migration),
            Box::new(m20261203_000022_notice_preferences::Migration),
            Box::new(m20261207_000023_holiday_calendar::Migration),
            Box::new(m20261207_000024_setting_versions::Migration),
        ]
    }
}

/// A table or column name.
fn a(name: &str) -> Alias {
    Alias::new(name)
}

/// A 64-bit auto-increment primary key (`integer` on SQLite, `bigserial` on PostgreSQL).
fn big_pk_auto(name: Alias) -> ColumnDef {
    big_integer(name).auto_increment().primary_key().take()
}

/// A timestamp with time zone, not null (stored in UTC).
fn tstz(name: &str) -> ColumnDef {
    timestamp_with_time_zone(a(name))
}
