//! Fresh databases for tests: a temporary SQLite file always, and a new PostgreSQL database
//! when `TEST_DATABASE_URL` is set (created here, dropped when the guard goes away).

use super::db;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};

/// A database made for one test.
pub struct TestDb {
    pub db: DatabaseConnection,
    pub url: String,
    pub kind: &'static str,
    cleanup: Option<Cleanup>,
}

enum Cleanup {
    File(std::path::PathBuf),
    Postgres { admin_url: String, name: String },
}

fn unique(prefix: &str) -> String {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).expect("OS random source");
    format!("{prefix}_{}", hex::encode(b))
}

impl TestDb {
    pub async fn sqlite() -> Result<TestDb, DbErr> {
        let dir = std::env::temp_dir().join(unique("jianding_test"));
        std::fs::create_dir_all(&dir).map_err(|e| DbErr::Custom(e.to_string()))?;
        let url = format!("sqlite://{}", dir.join("test.db").display());
        let db = db::connect_and_migrate(&url).await?;
        Ok(TestDb {
            db,
            url,
            kind: "sqlite",
            cleanup: Some(Cleanup::File(dir)),
        })
    }

    pub async fn postgres(admin_url: &str) -> Result<TestDb, DbErr> {
        let name = unique("jd_test");
        let admin = db::connect(admin_url).await?;
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await?;
        let base = admin_url
            .rsplit_once('/')
            .map(|(b, _)| b)
            .unwrap_or(admin_url);
        let url = format!("{base}/{name}");
        let db = db::connect_and_migrate(&url).await?;
        Ok(TestDb {
            db,
            url,
            kind: "postgres",
            cleanup: Some(Cleanup::Postgres {
                admin_url: admin_url.into(),
                name,
            }),
        })
    }

    /// SQLite, plus PostgreSQL when `TEST_DATABASE_URL` is set.
    pub async fn all() -> Vec<TestDb> {
        let mut v = vec![TestDb::sqlite().await.expect("temporary SQLite database")];
        if let Ok(url) = std::env::var("TEST_DATABASE_URL") {
            if !url.is_empty() {
                v.push(
                    TestDb::postgres(&url)
                        .await
                        .expect("PostgreSQL test database (TEST_DATABASE_URL)"),
                );
            }
        }
        v
    }

    /// Drops the database. Call at the end of a test (best effort if forgotten).
    pub async fn close(mut self) {
        let _ = self.db.clone().close().await;
        match self.cleanup.take() {
            Some(Cleanup::File(dir)) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Some(Cleanup::Postgres { admin_url, name }) => {
                if let Ok(admin) = db::connect(&admin_url).await {
                    let _ = admin
                        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .await;
                }
            }
            None => {}
        }
    }
}
