//! Schema migrations, the same for SQLite and PostgreSQL. Run at start (`jianding migrate`
//! runs them alone). File names `mYYYYMMDD_HHMMSS_name.rs` give the migration names.

use sea_orm_migration::prelude::*;

mod m20261128_000001_foundation;
mod m20261128_000002_cases;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_foundation::Migration),
            Box::new(m20261128_000002_cases::Migration),
        ]
    }
}
