//! Settings the bureau runs itself, over HTTP against the real server with a fresh database
//! (SQLite, and PostgreSQL when `TEST_DATABASE_URL` is set): the holiday calendar — an imported
//! year's notice moves the deadlines that start after it across 国庆 and its 调休 Saturday and
//! leaves a running one where it was; bad files, bad fields, stale pages and other roles change
//! nothing; every version stays readable and audited.

mod common;

use app::store::clock::Clock;
use app::store::testing::TestDb;
use chrono::{TimeZone, Utc};
use common::*;
use serde_json::{json, Value};

const HEADER: &str = "节日,放假开始,放假结束,调休上班";

/// A hypothetical 2027 notice for 国庆节: 10-01 (Fri) to 10-07 (Thu) off, Sun 09-26 and Sat
/// 10-09 worked (the embedded provisional 2027 has 10-01..10-05 off and no working weekend).
fn guoqing_2027() -> String {
    format!("\u{feff}{HEADER}\r\n国庆节,2027-10-01,2027-10-07,2027-09-26、2027-10-09\r\n")
}

fn form(year: i32, source: &str) -> Value {
    json!({ "year": year, "status": "published", "source": source, "reason": "通知已发布" })
}

async fn calendar(s: &Srv, who: &str) -> Value {
    let (st, v) = s.call(who, "holiday_calendar", json!({})).await;
    assert_eq!(st, 200, "{v}");
    v
}

fn year(page: &Value, y: i64) -> &Value {
    page["years"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["year"] == y)
        .unwrap_or_else(|| panic!("{y} not listed: {page}"))
}

async fn due_on(s: &Srv, who: &str, id: i64) -> String {
    let (st, v) = s.case(who, id).await;
    assert_eq!(st, 200, "{v}");
    v["due_on"].as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn an_imported_notice_counts_new_deadlines_and_keeps_running_ones() {
    for db in TestDb::all().await {
        let kind = db.kind;
        let s = Srv::start(db).await;
        // Wednesday 2027-09-29, 09:00 in China.
        let target = Utc.with_ymd_and_hms(2027, 9, 29, 1, 0, 0).unwrap();
        s.clock.advance(target - s.clock.now());
        let (admin, clerk, inst) = (
            s.login("admin").await,
            s.login("xian-jbr").await,
            s.login("jigou").await,
        );
        let before = calendar(&s, &admin).await;
        assert_eq!(year(&before, 2027)["status"], "provisional", "{kind}");
        assert_eq!(year(&before, 2027)["version"], 0);
        let (_, gaps) = s.call(&clerk, "calendar_gaps", json!({})).await;
        assert_eq!(
            gaps,
            json!([{ "year": 2027, "status": "provisional" }]),
            "{kind}"
        );

        // Accepted under the provisional calendar: Thu 09-30, (10-01..05 off), 10-06, 10-07.
        let running = accepted_case(&s, &inst, &clerk, "国庆前受理", "arts", "primary").await;
        assert_eq!(due_on(&s, &clerk, running).await, "2027-10-07", "{kind}");

        // Nobody but the administrator imports; nothing changes.
        for who in [&clerk, &inst] {
            let body = json!({ "form": form(2027, "通知"), "csv": guoqing_2027(), "seen": 0 });
            let (st, v) = s.call(who, "import_holidays", body).await;
            assert_eq!(st, 403, "{kind}: {v}");
        }
        let (st, _) = s.call(&inst, "holiday_calendar", json!({})).await;
        assert_eq!(st, 403, "{kind}");

        // Bad fields: field errors, nothing stored.
        let bad_form = json!({ "year": 1999, "status": "published", "source": " ", "reason": "" });
        let (st, v) = s
            .call(
                &admin,
                "import_holidays",
                json!({ "form": bad_form, "csv": guoqing_2027(), "seen": 0 }),
            )
            .await;
        assert_eq!(st, 422, "{kind}: {v}");
        let mut keys = field_errors(&v);
        keys.sort();
        assert_eq!(
            keys,
            [
                ("calendar.reason".to_string(), "err.required".to_string()),
                ("calendar.source".into(), "err.required".into()),
                ("calendar.year".into(), "calendar.err.year".into()),
            ],
            "{kind}"
        );
        // A wrong type is a bad request, not a crash.
        let (st, _) = s
            .call(
                &admin,
                "import_holidays",
                json!({ "form": { "year": "二〇二七" }, "csv": 1, "seen": 0 }),
            )
            .await;
        assert_eq!(st, 400, "{kind}");
        // A file with problems: every one by line and column, nothing stored.
        let bad = format!(
            "{HEADER}\n国庆节,2027-10-01,2027-09-30,\n中秋节,2027-09-15,2027-09-15,2027-09-14\n"
        );
        let (st, v) = s
            .call(
                &admin,
                "import_holidays",
                json!({ "form": form(2027, "通知"), "csv": bad, "seen": 0 }),
            )
            .await;
        assert_eq!(st, 200, "{kind}: {v}");
        assert_eq!(v["version"], Value::Null);
        let errs: Vec<(i64, &str, &str)> = v["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["line"].as_i64().unwrap(),
                    e["column"].as_str().unwrap(),
                    e["key"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            errs,
            [
                (2, "calendar.col.last", "calendar.err.range"),
                (3, "calendar.col.workdays", "calendar.err.not_weekend"),
            ],
            "{kind}"
        );
        // Too large.
        let huge = format!("{HEADER}\n{}", "x".repeat(70 * 1024));
        let (st, v) = s
            .call(
                &admin,
                "import_holidays",
                json!({ "form": form(2027, "通知"), "csv": huge, "seen": 0 }),
            )
            .await;
        assert_eq!(
            (st, v["Refused"]["key"].as_str()),
            (409, Some("calendar.err.file_too_large")),
            "{kind}"
        );
        assert_eq!(
            year(&calendar(&s, &admin).await, 2027)["version"],
            0,
            "{kind}"
        );

        // The notice.
        let source = "国务院办公厅关于2027年部分节假日安排的通知";
        let (st, v) = s
            .call(
                &admin,
                "import_holidays",
                json!({ "form": form(2027, source), "csv": guoqing_2027(), "seen": 0 }),
            )
            .await;
        assert_eq!(st, 200, "{kind}: {v}");
        assert_eq!(v["version"], 1, "{kind}: {v}");
        // A second tab that saw version 0: stale, nothing changes.
        let (st, v) = s
            .call(
                &admin,
                "import_holidays",
                json!({ "form": form(2027, "旧页面"), "csv": guoqing_2027(), "seen": 0 }),
            )
            .await;
        assert_eq!((st, &v), (409, &json!("Stale")), "{kind}");

        let after = calendar(&s, &clerk).await;
        let y = year(&after, 2027);
        assert_eq!(
            (y["status"].as_str(), y["version"].as_i64()),
            (Some("published"), Some(1)),
            "{kind}"
        );
        assert_eq!(y["source"], source);
        assert_eq!(y["periods"].as_array().unwrap().len(), 1);
        assert_eq!(y["history"][0]["reason"], "通知已发布");
        assert!(
            !y["history"][0]["by"].as_str().unwrap().is_empty(),
            "{kind}: {y}"
        );
        assert_eq!(after["can_import"], false);
        // 2026 untouched.
        assert_eq!(year(&after, 2026), year(&before, 2026), "{kind}");
        let (_, gaps) = s.call(&clerk, "calendar_gaps", json!({})).await;
        assert_eq!(gaps, json!([]), "{kind}");

        // The running deadline stays where it was told; a case accepted now counts with the
        // notice: Thu 09-30, (10-01..07 off), Fri 10-08, Sat 10-09 (调休上班).
        assert_eq!(due_on(&s, &clerk, running).await, "2027-10-07", "{kind}");
        let new = accepted_case(&s, &inst, &clerk, "国庆后计算", "arts", "primary").await;
        assert_eq!(due_on(&s, &clerk, new).await, "2027-10-09", "{kind}");

        // Audited, with the reason and the counts.
        let (st, body, _) = get(&s, &admin, "/api/audit_log?query[action]=calendar.").await;
        assert_eq!(st, 200, "{kind}: {body}");
        let v: Value = serde_json::from_str(&body).unwrap();
        let rows = v["rows"].as_array().unwrap();
        assert_eq!(rows.len(), 1, "{kind}: {v}");
        assert_eq!(rows[0]["object"], "holiday_year:2027");
        let details: Value = serde_json::from_str(rows[0]["details"].as_str().unwrap()).unwrap();
        assert_eq!(
            (
                details["version"].as_i64(),
                details["days_off"].as_i64(),
                details["working_weekend_days"].as_i64()
            ),
            (Some(1), Some(7), Some(2)),
            "{kind}: {details}"
        );
        s.stop().await;
    }
}

async fn limits(s: &Srv, who: &str) -> Value {
    let (st, v) = s.call(who, "time_limits", json!({})).await;
    assert_eq!(st, 200, "{v}");
    v
}

fn with(base: &Value, changes: Value) -> Value {
    let mut v = base.clone();
    for (k, x) in changes.as_object().unwrap() {
        v[k] = x.clone();
    }
    v
}

#[tokio::test]
async fn changed_time_limits_apply_to_clocks_that_start_after_and_keep_running_ones() {
    use app::store::jobs::settle_due;
    for db in TestDb::all().await {
        let kind = db.kind;
        let s = Srv::start(db).await;
        let (admin, clerk, inst, director) = (
            s.login("admin").await,
            s.login("xian-jbr").await,
            s.login("jigou").await,
            s.login("xian-fzr").await,
        );
        // Tuesday 2026-04-07: the draw is due three working days on; a direct determination's
        // re-review window is 15 days.
        let running = accepted_case(&s, &inst, &clerk, "时限前受理", "arts", "primary").await;
        assert_eq!(due_on(&s, &clerk, running).await, "2026-04-10", "{kind}");
        let early = determined_directly(&s, &inst, &director, "时限前结论").await;
        let window = |v: Value| {
            v["rereview"]["window_end"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        };
        assert_eq!(window(s.case(&inst, early).await.1), "2026-04-22", "{kind}");

        let page = limits(&s, &clerk).await;
        assert_eq!(
            (page["version"].as_i64(), page["can_edit"].as_bool()),
            (Some(0), Some(false)),
            "{kind}"
        );
        let base = page["limits"].clone();
        assert_eq!(base["draw"], 3);

        // Only the administrator changes them.
        let body =
            json!({ "limits": with(&base, json!({ "draw": 10 })), "reason": "试行", "seen": 0 });
        let (st, _) = s.call(&clerk, "save_time_limits", body).await;
        assert_eq!(st, 403, "{kind}");
        // Out of range, no reason: every field named, nothing stored.
        let body = json!({ "limits": with(&base, json!({ "draw": 0, "rereview_request_days": 61 })), "reason": " ", "seen": 0 });
        let (st, v) = s.call(&admin, "save_time_limits", body).await;
        assert_eq!(st, 422, "{kind}: {v}");
        let mut errs = field_errors(&v);
        errs.sort();
        assert_eq!(
            errs,
            [
                ("limits.draw".to_string(), "limits.err.range".to_string()),
                ("limits.reason".into(), "err.required".into()),
                (
                    "limits.rereview_request_days".into(),
                    "limits.err.range".into()
                ),
            ],
            "{kind}"
        );
        // A warning as long as the shortest limit.
        let body = json!({ "limits": with(&base, json!({ "due_soon_working_days": 3 })), "reason": "x", "seen": 0 });
        let (st, v) = s.call(&admin, "save_time_limits", body).await;
        assert_eq!(
            (st, field_errors(&v)),
            (
                422,
                vec![(
                    "limits.due_soon_working_days".to_string(),
                    "limits.err.due_soon".to_string()
                )]
            ),
            "{kind}"
        );
        // Not a number.
        let body =
            json!({ "limits": with(&base, json!({ "draw": -1 })), "reason": "x", "seen": 0 });
        let (st, _) = s.call(&admin, "save_time_limits", body).await;
        assert_eq!(st, 400, "{kind}");
        assert_eq!(limits(&s, &admin).await["version"], 0, "{kind}");

        s.clock.advance(chrono::Duration::minutes(5));
        let changed = with(&base, json!({ "draw": 10, "rereview_request_days": 30 }));
        let body = json!({ "limits": changed, "reason": "州教育局通知调整", "seen": 0 });
        let (st, v) = s.call(&admin, "save_time_limits", body.clone()).await;
        assert_eq!((st, v.as_i64()), (200, Some(1)), "{kind}: {v}");
        let (st, v) = s.call(&admin, "save_time_limits", body).await;
        assert_eq!((st, v), (409, json!("Stale")), "{kind}");
        let page = limits(&s, &clerk).await;
        assert_eq!(
            (page["version"].as_i64(), &page["limits"]),
            (Some(1), &changed),
            "{kind}"
        );
        assert_eq!(page["history"][0]["reason"], "州教育局通知调整");

        // Running deadlines stay; new clocks take the new limits.
        assert_eq!(due_on(&s, &clerk, running).await, "2026-04-10", "{kind}");
        assert_eq!(window(s.case(&inst, early).await.1), "2026-04-22", "{kind}");
        let later = accepted_case(&s, &inst, &clerk, "时限后受理", "arts", "primary").await;
        assert_eq!(due_on(&s, &clerk, later).await, "2026-04-21", "{kind}");
        let late = determined_directly(&s, &inst, &director, "时限后结论").await;
        assert_eq!(window(s.case(&inst, late).await.1), "2026-05-07", "{kind}");

        // After 04-22 the first determination is final; the second's window is still open.
        let target = Utc.with_ymd_and_hms(2026, 4, 23, 1, 0, 0).unwrap();
        s.clock.advance(target - s.clock.now());
        assert_eq!(
            settle_due(&s.db.db, s.clock.now()).await.unwrap(),
            1,
            "{kind}"
        );
        let director = s.login("xian-fzr").await;
        assert_eq!(state(&s, &director, early).await, "final", "{kind}");
        assert_eq!(state(&s, &director, late).await, "determined", "{kind}");

        let admin = s.login("admin").await;
        let (st, body, _) = get(&s, &admin, "/api/audit_log?query[action]=setting.").await;
        assert_eq!(st, 200, "{kind}: {body}");
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["rows"].as_array().unwrap().len(), 1, "{kind}: {v}");
        assert_eq!(v["rows"][0]["action"], "setting.time_limits");
        s.stop().await;
    }
}
