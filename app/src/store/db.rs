//! Opening the database: SQLite (embedded default) or PostgreSQL, one code path after that.

use super::migration::Migrator;
use sea_orm::sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbErr, SqlxSqliteConnector,
};
use sea_orm_migration::MigratorTrait;
use std::str::FromStr;
use std::time::Duration;

/// How much of the SQLite file reads may map (1 GiB; the rest is read as usual).
const MMAP_BYTES: u64 = 1 << 30;

/// Opens the database named by `url` (`sqlite://path` or `postgres://…`).
///
/// SQLite gets WAL, `synchronous=FULL` (legal records must survive a power cut), foreign keys,
/// a busy timeout and memory-mapped reads; the file is created if missing.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    if url.starts_with("sqlite:") {
        let opts = SqliteConnectOptions::from_str(url)
            .map_err(|e| DbErr::Custom(format!("bad SQLite URL: {e}")))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(15))
            // Reads map the file instead of copying each page from the kernel (the dashboards
            // read tens of thousands of index pages; measured: half their time was the copy).
            // Writes still go through the journal, so durability is unchanged.
            .pragma("mmap_size", MMAP_BYTES.to_string());
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(opts)
            .await
            .map_err(|e| DbErr::Conn(sea_orm::RuntimeErr::SqlxError(e)))?;
        Ok(SqlxSqliteConnector::from_sqlx_sqlite_pool(pool))
    } else {
        let mut opts = ConnectOptions::new(url.to_owned());
        opts.max_connections(16)
            .connect_timeout(Duration::from_secs(10))
            .sqlx_logging(false);
        Database::connect(opts).await
    }
}

/// Opens and brings the schema up to date.
pub async fn connect_and_migrate(url: &str) -> Result<DatabaseConnection, DbErr> {
    let db = connect(url).await?;
    migrate(&db).await?;
    Ok(db)
}

pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// Whether the database answers (for /healthz).
pub async fn ping(db: &DatabaseConnection) -> bool {
    db.execute_unprepared("SELECT 1").await.is_ok()
}

/// A `LIKE` pattern matching text that contains `text` (trimmed) literally: `%`, `_` and `\\`
/// in it are escaped, so a search for "50%" finds "50%" and not everything.
pub fn contains(text: &str) -> sea_orm::sea_query::LikeExpr {
    let escaped: String = text
        .trim()
        .chars()
        .flat_map(|ch| match ch {
            '%' | '_' | '\\' => vec!['\\', ch],
            _ => vec![ch],
        })
        .collect();
    sea_orm::sea_query::LikeExpr::new(format!("%{escaped}%")).escape('\\')
}
