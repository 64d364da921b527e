//! Dashboards and the results registry against the real server (SQLite, and PostgreSQL when
//! `TEST_DATABASE_URL` is set): the figures of a small hand-built history, checked by hand; a
//! county sees only its county; the CSV export; the public registry holds no personal data.

mod common;

use app::store::testing::TestDb;
use chrono::Duration;
use common::*;
use serde_json::Value;

async fn dashboard(s: &Srv, cookie: &str, qs: &str) -> (u16, Value) {
    let (st, body, _) = get(s, cookie, &format!("/api/dashboard?{qs}")).await;
    (
        st,
        serde_json::from_str(&body).unwrap_or(Value::String(body)),
    )
}

/// The rows of one table as text cells (numbers as numbers' text, keys as keys).
fn table(d: &Value, id: &str) -> Vec<Vec<String>> {
    let t = d["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == id)
        .unwrap_or_else(|| panic!("no table {id} in {d}"));
    t["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r.as_array()
                .unwrap()
                .iter()
                .map(|c| {
                    let (k, v) = c.as_object().unwrap().iter().next().unwrap();
                    match (k.as_str(), v) {
                        ("Link", v) => v["text"].as_str().unwrap().to_string(),
                        ("Status", v) => v["key"].as_str().unwrap().to_string(),
                        ("Days", Value::Null) => "-".into(),
                        (_, Value::String(s)) => s.clone(),
                        (_, v) => v.to_string(),
                    }
                })
                .collect()
        })
        .collect()
}

fn has_table(d: &Value, id: &str) -> bool {
    d["tables"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["id"] == id)
}

fn row<'a>(rows: &'a [Vec<String>], first: &str) -> &'a [String] {
    rows.iter()
        .find(|r| r[0] == first)
        .unwrap_or_else(|| panic!("no row {first} in {rows:?}"))
}

/// Every row of the per-day span tally, in key order.
async fn tally(db: &sea_orm::DatabaseConnection) -> Vec<(i64, String, String, i32, i64)> {
    use sea_orm::{ConnectionTrait, Statement};
    let sql = "SELECT county_id, state, CAST(left_on AS TEXT), working_days, n FROM span_tally \
               ORDER BY county_id, state, left_on, working_days";
    db.query_all(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .iter()
        .map(|r| {
            (
                r.try_get_by_index(0).unwrap(),
                r.try_get_by_index(1).unwrap(),
                r.try_get_by_index(2).unwrap(),
                r.try_get_by_index(3).unwrap(),
                r.try_get_by_index(4).unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn figures_match_a_history_counted_by_hand() {
    for db in TestDb::all().await {
        let s = Srv::start(db).await;
        let inst = s.login("jigou").await; // 昌吉市 (652301)
        let inst2 = s.login("jigou2").await; // 阜康市 (652302)
                                             // Tuesday 2026-04-07: three applications in 昌吉市, one in 阜康市.
        let a = submitted(&s, &inst, "少儿书法甲").await;
        let b = submitted(&s, &inst, "少儿书法乙").await;
        let c = submitted(&s, &inst, "少儿书法丙").await;
        let _d = submitted(&s, &inst2, "青少年机器人").await;
        // A is determined a working day later (non-subject), B three working days later
        // (subject): the intake stage took 1 and 3 working days, median 2.
        s.clock.advance(Duration::days(1));
        let director = s.login("xian-fzr").await;
        determine_directly(&s, &director, a, "non_subject").await;
        s.clock.advance(Duration::days(2));
        let director = s.login("xian-fzr").await;
        determine_directly(&s, &director, b, "subject").await;
        // Friday 2026-04-17: C and D waited 8 working days; intake (5) ran out on 04-14.
        s.clock.advance(Duration::days(7));
        let clerk = s.login("xian-jbr").await;
        let fk = s.login("fk-jbr").await;
        let zhou = s.login("zhou-jbr").await;
        let inst = s.login("jigou").await;

        let (st, d) = dashboard(&s, &clerk, "").await;
        assert_eq!(st, 200, "{d}");
        assert_eq!(d["prefecture"], false);
        assert_eq!(d["scope_name"], "昌吉市");
        assert_eq!(d["period"]["from"], "2026-01-01");
        assert_eq!(d["period"]["to"], "2026-04-17");
        let states = table(&d, "states");
        assert_eq!(row(&states, "state.submitted")[1..], ["1", "33.3"]);
        assert_eq!(row(&states, "state.determined")[1..], ["2", "66.7"]);
        assert_eq!(row(&states, "dash.total")[1..], ["3", "100.0"]);
        let work = table(&d, "work");
        // stage, running, due soon, overdue
        assert_eq!(row(&work, "clock.intake")[1..], ["1", "0", "1"]);
        assert_eq!(row(&work, "clock.draw")[1..], ["0", "0", "0"]);
        assert!(
            !work
                .iter()
                .any(|r| r[0] == "clock.prefecture_determination"),
            "the prefecture's clock is not the county's work"
        );
        let overdue = table(&d, "overdue");
        assert_eq!(overdue.len(), 1, "{overdue:?}");
        assert_eq!(overdue[0][1], "少儿书法丙");
        assert_eq!(overdue[0][4], "2026-04-14");
        assert_eq!(overdue[0][5], "3", "04-15, 04-16, 04-17");
        let medians = table(&d, "medians");
        assert_eq!(row(&medians, "state.submitted")[1..], ["2.0", "2"]);
        assert_eq!(row(&medians, "state.accepted")[1..], ["-", "0"]);
        let verdicts = table(&d, "verdicts");
        assert_eq!(row(&verdicts, "category.subject")[1..], ["1", "50.0"]);
        assert_eq!(row(&verdicts, "category.non_subject")[1..], ["1", "50.0"]);
        assert!(table(&d, "workload").is_empty());
        assert!(
            !has_table(&d, "counties"),
            "the county sees no other county"
        );
        assert!(!has_table(&d, "pool"));
        // A period before anything happened: the period figures are empty, open work is not.
        let (st, d) = dashboard(&s, &clerk, "query[from]=2026-01-01&query[to]=2026-03-31").await;
        assert_eq!(st, 200, "{d}");
        assert_eq!(row(&table(&d, "states"), "dash.total")[1], "0");
        assert_eq!(row(&table(&d, "work"), "clock.intake")[3], "1");
        // 阜康市 sees its own case only; a county asking for another county gets not found.
        let (st, d) = dashboard(&s, &fk, "").await;
        assert_eq!(st, 200, "{d}");
        assert_eq!(row(&table(&d, "states"), "dash.total")[1], "1");
        assert_eq!(table(&d, "overdue")[0][1], "青少年机器人");
        let (st, _) = dashboard(&s, &fk, "query[county]=652301").await;
        assert_eq!(st, 404);
        // Bad input: a field-addressed error, nothing shown.
        let (st, v) = dashboard(&s, &clerk, "query[from]=2026-05-01&query[to]=2026-04-01").await;
        assert_eq!(st, 422, "{v}");
        assert_eq!(field_keys(&v), ["err.period.order"]);
        let (st, v) = dashboard(&s, &zhou, "query[county]=999").await;
        assert_eq!(st, 422, "{v}");
        assert_eq!(field_keys(&v), ["err.dashboard.county"]);
        // Institutions and experts have no dashboard.
        let (st, _) = dashboard(&s, &inst, "").await;
        assert_eq!(st, 403);

        // The prefecture: every county side by side.
        let (st, d) = dashboard(&s, &zhou, "").await;
        assert_eq!(st, 200, "{d}");
        assert_eq!(d["prefecture"], true);
        let counties = table(&d, "counties");
        // county, submitted, in progress, subject, non-subject, subject share, overdue, escalated
        assert_eq!(
            row(&counties, "昌吉市")[1..],
            ["3", "1", "1", "1", "50.0", "1", "0"]
        );
        assert_eq!(
            row(&counties, "阜康市")[1..],
            ["1", "1", "0", "0", "0.0", "1", "0"]
        );
        assert_eq!(row(&table(&d, "states"), "dash.total")[1], "4");
        assert_eq!(
            row(&table(&d, "work"), "clock.intake")[1..],
            ["2", "0", "2"]
        );
        let pool = table(&d, "pool");
        assert!(row(&pool, "dash.pool.active")[1].parse::<i64>().unwrap() > 0);
        let rr = table(&d, "rereview");
        assert_eq!(row(&rr, "昌吉市")[1], "0");
        // The prefecture's medians count every county (from the prefecture-wide tally).
        let medians = table(&d, "medians");
        assert_eq!(row(&medians, "state.submitted")[1..], ["2.0", "2"]);
        // A county with no finished stage has no median.
        let (_, d) = dashboard(&s, &fk, "").await;
        assert_eq!(
            row(&table(&d, "medians"), "state.submitted")[1..],
            ["-", "0"]
        );
        // The tally kept in step by each transition equals one counted afresh from the spans.
        let before = tally(&s.db.db).await;
        // Drafts left on 04-07 (3 in 昌吉市, 1 in 阜康市); intake left after 1 and 3 days.
        assert_eq!(
            before,
            [
                (0, "draft".into(), "2026-04-07".into(), 0, 4),
                (0, "submitted".into(), "2026-04-08".into(), 1, 1),
                (0, "submitted".into(), "2026-04-10".into(), 3, 1),
                (652301, "draft".into(), "2026-04-07".into(), 0, 3),
                (652301, "submitted".into(), "2026-04-08".into(), 1, 1),
                (652301, "submitted".into(), "2026-04-10".into(), 3, 1),
                (652302, "draft".into(), "2026-04-07".into(), 0, 1),
            ]
        );
        app::store::tally::rebuild_spans(&s.db.db).await.unwrap();
        assert_eq!(tally(&s.db.db).await, before);
        // One county chosen: only its figures.
        let (st, d) = dashboard(&s, &zhou, "query[county]=652302").await;
        assert_eq!(st, 200, "{d}");
        assert_eq!(row(&table(&d, "states"), "dash.total")[1], "1");
        assert_eq!(table(&d, "counties").len(), 1);

        // CSV: the same table, UTF-8 with BOM, headings in Chinese; access as the page.
        let (st, body, ct) = get(&s, &clerk, "/export/dashboard/states").await;
        assert_eq!(st, 200, "{body}");
        assert_eq!(ct.as_deref(), Some("text/csv; charset=utf-8"));
        assert!(body.starts_with('\u{feff}'), "BOM");
        let lines: Vec<&str> = body.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(lines[0], "状态,案件数,占比");
        assert!(lines.contains(&"合计,3,100.0%"), "{lines:?}");
        let (st, body, _) = get(&s, &zhou, "/export/dashboard/counties?county=652302").await;
        assert_eq!(st, 200);
        assert_eq!(body.lines().count(), 2, "{body}");
        let (st, _, _) = get(&s, &clerk, "/export/dashboard/counties").await;
        assert_eq!(st, 404, "not a table of the county's dashboard");
        let (st, _, _) = get(&s, &fk, "/export/dashboard/states?county=652301").await;
        assert_eq!(st, 404);
        let (st, _, _) = get(&s, "", "/export/dashboard/states").await;
        assert_eq!(st, 401);

        // The registry: two determinations, the newest first.
        let (st, body, _) = get(&s, &clerk, "/api/registry").await;
        assert_eq!(st, 200, "{body}");
        let r: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(r["total"], 2);
        assert_eq!(r["rows"][0]["item"], "少儿书法乙");
        assert_eq!(r["rows"][0]["category"], "subject");
        assert_eq!(r["rows"][1]["determined_on"], "2026-04-08");
        let uscc = r["rows"][0]["uscc"].as_str().unwrap().to_string();
        assert_eq!(uscc.len(), 18);
        for (qs, n) in [
            ("query[institution]=星辰".to_string(), 2),
            (format!("query[uscc]={uscc}"), 2),
            ("query[item]=书法乙".to_string(), 1),
            ("query[category]=non_subject".to_string(), 1),
            ("query[county]=652302".to_string(), 0),
            ("query[from]=2026-04-09".to_string(), 1),
            ("query[institution]=%25".to_string(), 0),
        ] {
            let (st, body, _) = get(&s, &zhou, &format!("/api/registry?{qs}")).await;
            assert_eq!(st, 200, "{qs}: {body}");
            let r: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(r["total"], n, "{qs}");
        }
        let (st, body, _) = get(&s, &zhou, "/api/registry?query[category]=x&query[page]=0").await;
        assert_eq!(st, 422);
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            field_keys(&v),
            ["err.registry.category", "err.registry.page"]
        );
        let (st, _, _) = get(&s, &inst, "/api/registry").await;
        assert_eq!(st, 403, "the bureau registry is for bureaus");
        let (st, _, _) = get(&s, "", "/api/registry").await;
        assert_eq!(st, 401);

        // The public registry: no sign-in, public fields only, no personal data.
        let (st, body, _) = get(&s, "", "/api/public_registry?query[uscc]=ignored").await;
        assert_eq!(st, 200, "{body}");
        let r: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(r["total"], 2);
        for row in r["rows"].as_array().unwrap() {
            assert!(row["uscc"].is_null(), "{row}");
            assert_eq!(row["case_id"], 0, "no link into the case file");
            assert_eq!(row["institution"], "昌吉市星辰艺术培训中心");
        }
        assert!(!body.contains(&uscc), "no credit code");
        let inst_row = app::store::reference::institutions(&s.db.db)
            .await
            .unwrap()
            .into_iter()
            .find(|i| i.name == "昌吉市星辰艺术培训中心")
            .unwrap();
        for personal in [
            &inst_row.legal_rep,
            &inst_row.principal,
            &inst_row.contact_name,
            &inst_row.contact_phone,
            &inst_row.address,
        ] {
            assert!(!body.contains(personal.as_str()), "{personal} leaked");
        }
        let _ = c;
        s.stop().await;
    }
}

/// The workload reads whole months from the seat tally and the days around them from the seats:
/// every way of cutting a period gives the seats accepted in it.
#[tokio::test]
async fn workload_counts_whole_months_and_the_days_around_them() {
    use app::domain::stats::Period;
    use app::store::dashboard::{workload, Filter};
    for db in TestDb::all().await {
        let s = Srv::start(db).await;
        // Three seats of a 昌吉市 case, invited and accepted on Tuesday 2026-04-07.
        let (_, members, _) = under_review(&s).await;
        let mut experts: Vec<i64> = members.iter().map(|(e, _)| *e).collect();
        experts.sort();
        let d = |m, day| chrono::NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        for (county, from, to, seated) in [
            (None, d(4, 7), d(4, 7), true),   // days only
            (None, d(4, 1), d(4, 30), true),  // one whole month
            (None, d(3, 15), d(5, 10), true), // a whole month and days around it
            (None, d(1, 1), d(4, 6), false),  // before
            (None, d(4, 8), d(6, 30), false), // after: days, then whole months
            (Some(652301), d(4, 1), d(4, 30), true),
            (Some(652301), d(4, 7), d(5, 3), true),
            (Some(652302), d(4, 1), d(4, 30), false),
            (Some(652302), d(4, 7), d(4, 7), false),
        ] {
            let f = Filter {
                county,
                period: Period { from, to },
            };
            let got = workload(&s.db.db, &f, 15).await.unwrap();
            let mut ids: Vec<i64> = got.iter().map(|x| x.0).collect();
            ids.sort();
            let want = if seated { experts.clone() } else { vec![] };
            assert_eq!(ids, want, "{county:?} {from}..{to}");
            assert!(got.iter().all(|x| x.2 == 1 && !x.1.is_empty()), "{got:?}");
        }
        // The county's dashboard shows the three members with one seat each.
        let clerk = s.login("xian-jbr").await;
        let (st, dash) = dashboard(&s, &clerk, "").await;
        assert_eq!(st, 200, "{dash}");
        let load = table(&dash, "workload");
        assert_eq!(load.len(), 3, "{load:?}");
        assert!(load.iter().all(|r| r[1] == "1"), "{load:?}");
        s.stop().await;
    }
}

/// `jianding check-tallies`: a kept tally that differs from a fresh count is found, left alone
/// without --repair, and replaced with it.
#[tokio::test]
async fn a_damaged_tally_is_found_and_repaired() {
    use app::store::tally::check;
    use sea_orm::{ConnectionTrait, Statement};
    for db in TestDb::all().await {
        let s = Srv::start(db).await;
        let (_, _, _) = under_review(&s).await;
        let now = app::store::clock::Clock::now(&s.clock);
        let ok = check(&s.db.db, now, false).await.unwrap();
        assert_eq!(ok.differing, 0);
        assert!(ok.rows > 0);
        let conn = &s.db.db;
        let damage = "UPDATE seat_tally SET n = n + 5 WHERE county_id = 0";
        conn.execute(Statement::from_string(conn.get_database_backend(), damage))
            .await
            .unwrap();
        // Three experts' rows of the month differ (each kept row and its fresh one).
        let found = check(conn, now, false).await.unwrap();
        assert_eq!(found.differing, 6, "{found:?}");
        assert_eq!(
            check(conn, now, false).await.unwrap().differing,
            6,
            "left alone"
        );
        assert_eq!(check(conn, now, true).await.unwrap().differing, 6);
        assert_eq!(
            check(conn, now, false).await.unwrap().differing,
            0,
            "repaired"
        );
        s.stop().await;
    }
}
