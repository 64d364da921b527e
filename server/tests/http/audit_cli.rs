//! The audit chain from the command line: `jianding verify-audit` on an intact chain, then on
//! one with an event edited in the database.

use super::common::Srv;
use super::Http;
use app::store::audit::{self, Verdict};
use app::store::seed::DEMO_PASSWORD;
use app::store::testing::TestDb;
use sea_orm::ConnectionTrait;

async fn verify_audit(url: &str, data_dir: &std::path::Path) -> (Option<i32>, String) {
    let (url, data_dir) = (url.to_string(), data_dir.to_path_buf());
    tokio::task::spawn_blocking(move || verify_audit_blocking(&url, &data_dir))
        .await
        .unwrap()
}

fn verify_audit_blocking(url: &str, data_dir: &std::path::Path) -> (Option<i32>, String) {
    use std::io::Read;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_jianding"))
        .arg("--database-url")
        .arg(url)
        .arg("--data-dir")
        .arg(data_dir)
        .arg("verify-audit")
        .env("RUST_LOG", "error")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // A hang becomes a failure with a name (not a timing assertion: far beyond need).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("jianding verify-audit did not finish");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    (status.code(), out)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_audit_binary_reports_ok_then_broken() {
    {
        let s = Srv::start(TestDb::sqlite().await.unwrap()).await;
        s.sign_in("admin", DEMO_PASSWORD).await;
        let _ = s.login_with("admin", "wrong-password-x", None).await;
        let tok = s.sign_in("jigou", DEMO_PASSWORD).await;
        s.post("logout", &[], Some(&tok)).await;
        let n = s.actions().await.len();
        assert!(n >= 5);

        let dir = s.data_dir.join("cli");
        let (code, out) = verify_audit(&s.db.url, &dir).await;
        assert_eq!(code, Some(0), "{out}");
        assert!(out.contains("OK"), "{out}");
        assert!(out.contains(&format!("{n} events")), "{out}");

        s.db.db
            .execute_unprepared("UPDATE audit_event SET address = '10.9.9.9' WHERE seq = 3")
            .await
            .unwrap();
        let (code, out) = verify_audit(&s.db.url, &dir).await;
        assert_eq!(code, Some(2), "{out}");
        assert!(out.contains("BROKEN"), "{out}");
        assert!(out.contains("event 3"), "{out}");

        // The library says the same; then stop without the final chain check (`stop` still
        // checks the tallies, which the edit did not touch).
        assert!(matches!(
            audit::verify(&s.db.db).await.unwrap(),
            Verdict::Broken { seq: 3, .. }
        ));
        s.stop().await;
    }
}
