//! Finality over time (DOMAIN §4, §7) against the real server (SQLite, and PostgreSQL when
//! `TEST_DATABASE_URL` is set), with the test clock: the re-review window's edges (the last
//! minute in, the first minute out) and the background job that makes a determination FINAL
//! once its window has passed with no application.

mod common;

use app::store::clock::Clock;
use app::store::jobs::settle_due;
use app::store::testing::TestDb;
use chrono::Duration;
use common::*;
use serde_json::json;

async fn state(s: &Srv, who: &str, id: i64) -> String {
    s.case(who, id).await.1["state"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

async fn ask(s: &Srv, inst: &str, id: i64) -> (u16, serde_json::Value) {
    let ver = version_of(s, inst, id).await;
    s.call(inst, "request_rereview", json!({ "input": { "id": id, "version": ver, "application": { "grounds": "课程以创作实践为主，结论所依据的材料有误。", "request": "请求维持非学科类并更正理由", "undertaking": true } } })).await
}

#[tokio::test]
async fn the_window_closes_at_midnight_and_the_job_makes_the_case_final() {
    for db in TestDb::all().await {
        let s = Srv::start(db).await;
        let inst = s.login("jigou").await;
        let director = s.login("xian-fzr").await;
        // Determined on Tuesday 2026-04-07 (China time); the window is 15 calendar days: the
        // last day to apply is 2026-04-22, until 23:59 China time (15:59 UTC).
        let a = determined_directly(&s, &inst, &director, "少儿书法甲").await;
        let b = determined_directly(&s, &inst, &director, "少儿书法乙").await;
        let (_, c) = s.case(&inst, a).await;
        assert_eq!(c["determined_on"], "2026-04-07");
        s.clock
            .advance(Duration::days(15) + Duration::hours(14) + Duration::minutes(59));
        assert_eq!(
            s.clock.now().to_rfc3339(),
            "2026-04-22T15:59:00+00:00",
            "the last minute in"
        );
        // Sessions ended with the days gone by: sign in again.
        let inst = s.login("jigou").await;
        // Nothing is final yet, and an application in the last minute is taken.
        assert_eq!(settle_due(&s.db.db, s.clock.now()).await.unwrap(), 0);
        assert_eq!(state(&s, &inst, b).await, "determined");
        let (st, v) = ask(&s, &inst, a).await;
        assert_eq!(st, 200, "{v}");
        assert_eq!(state(&s, &inst, a).await, "rereview_requested");
        // The first minute out: closed, and the job makes the other case final.
        s.clock.advance(Duration::minutes(1));
        let (st, v) = ask(&s, &inst, b).await;
        assert_eq!(st, 409, "{v}");
        assert_eq!(v["RefusedWith"]["key"], "err.rereview.closed_on", "{v}");
        assert_eq!(v["RefusedWith"]["args"][0][1], "2026-04-22", "{v}");
        assert_eq!(state(&s, &inst, b).await, "determined");
        assert_eq!(settle_due(&s.db.db, s.clock.now()).await.unwrap(), 1);
        assert_eq!(state(&s, &inst, b).await, "final");
        // The application in time keeps its case open; running the job again changes nothing.
        assert_eq!(state(&s, &inst, a).await, "rereview_requested");
        assert_eq!(settle_due(&s.db.db, s.clock.now()).await.unwrap(), 0);
        // The timeline records the system's action.
        let (_, c) = s.case(&inst, b).await;
        assert!(c["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "finalize" && e["actor_name"] == ""));
        s.stop().await;
    }
}
