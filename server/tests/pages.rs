//! Server-rendered pages of the expert pool for each role. A test binary of its own: Leptos's
//! task executor is process-wide and bound to the first tokio runtime that starts it, so server
//! rendering must not share a process with other tests' runtimes (each test has its own, and
//! one that has finished leaves the renderer waiting).

mod common;

use app::store::testing::TestDb;
use common::*;

async fn page(s: &Srv, cookie: &str, path: &str) -> (u16, String) {
    let r = s
        .http
        .get(format!("{}{path}", s.base))
        .header(reqwest::header::COOKIE, cookie)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

// Server rendering needs a multi-threaded runtime (as in http.rs): on the single-threaded test
// runtime it can stall waiting for a task of the same thread.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_render_for_each_role() {
    let db = TestDb::all().await.into_iter().next().unwrap();
    let s = Srv::start(db).await;
    let pref = s.login("zhou-jbr").await;
    let county = s.login("xian-jbr").await;
    let me = s.login("zhuanjia").await;

    let (st, html) = page(&s, &pref, "/experts?county=652301&kind=legal").await;
    assert_eq!(st, 200);
    assert!(html.contains("data-testid=\"expert-table\""), "{html}");
    assert_eq!(html.matches("data-testid=\"expert-row\"").count(), 3);
    assert!(html.contains("data-testid=\"new-expert\""));
    let (st, html) = page(&s, &county, "/experts").await;
    assert_eq!(st, 200);
    assert_eq!(html.matches("data-testid=\"expert-row\"").count(), 48);
    assert!(html.contains("data-testid=\"propose-expert\""));
    assert!(!html.contains("data-testid=\"new-expert\""));
    for path in [
        "/experts/1",
        "/experts/new",
        "/experts/import",
        "/experts/proposals",
    ] {
        let (st, html) = page(&s, &pref, path).await;
        assert_eq!(st, 200, "{path}: {html}");
    }
    let (_, html) = page(&s, &pref, "/experts/1").await;
    assert!(html.contains("data-testid=\"change-status\""));
    let (st, _) = page(&s, &pref, "/experts/9999").await;
    assert_eq!(st, 404);
    let (_, html) = page(&s, &county, "/experts/1").await;
    assert!(!html.contains("data-testid=\"change-status\""));
    let (st, html) = page(&s, &me, "/expert/profile").await;
    assert_eq!(st, 200);
    assert!(html.contains("data-testid=\"save-declarations\""), "{html}");
    // An expert gets no pool page.
    let (_, html) = page(&s, &me, "/experts").await;
    assert!(!html.contains("data-testid=\"expert-row\""));
    s.stop().await;
}
