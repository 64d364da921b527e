//! 审计日志 (issue 23): the audit page's search over the real server (SQLite, and PostgreSQL
//! when `TEST_DATABASE_URL` is set): who may read it, the county's part for a county, the
//! filters, bad input, paging, the CSV export and the chain check.

mod common;

use app::store::testing::TestDb;
use common::*;
use serde_json::Value;

async fn audit(s: &Srv, who: &str, qs: &str) -> (u16, Value) {
    let (st, body, _) = get(s, who, &format!("/api/audit_log?{qs}")).await;
    (
        st,
        serde_json::from_str(&body).unwrap_or(Value::String(body)),
    )
}

fn objects(v: &Value) -> Vec<String> {
    v["rows"]
        .as_array()
        .unwrap_or_else(|| panic!("{v}"))
        .iter()
        .map(|r| r["object"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn the_audit_log_is_read_in_scope_searched_and_exported() {
    for db in TestDb::all().await {
        let kind = db.kind;
        let s = Srv::start(db).await;
        let inst = s.login("jigou").await;
        let other = s.login("jigou2").await;
        let clerk = s.login("xian-jbr").await;
        // A case of 昌吉市 (accepted: it has a number), one of 阜康市, a refused sign-in.
        let mine = accepted_case(&s, &inst, &clerk, "审计书法班", "arts", "primary").await;
        let theirs = submitted(&s, &other, "审计围棋班").await;
        let number = s.case(&clerk, mine).await.1["number"]
            .as_str()
            .unwrap()
            .to_string();
        let r = s
            .http
            .post(format!("{}/api/login", s.base))
            .form(&[("username", "xian-jbr"), ("password", "not-the-password")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 401);

        // The prefecture's director reads everything, newest first.
        let pd = s.login("zhou-fzr").await;
        let (st, all) = audit(&s, &pd, "").await;
        assert_eq!(st, 200, "{kind}: {all}");
        assert!(all["county"].is_null());
        assert_eq!(all["can_verify"], true);
        let seqs: Vec<i64> = all["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["seq"].as_i64().unwrap())
            .collect();
        assert!(seqs.windows(2).all(|w| w[0] > w[1]), "{seqs:?}");
        let total = all["total"].as_u64().unwrap();
        assert!(total > 10, "{all}");

        // A county's director reads the county's part only.
        let cd = s.login("xian-fzr").await;
        let (st, county) = audit(&s, &cd, "query[page]=1").await;
        assert_eq!(st, 200, "{kind}: {county}");
        assert_eq!(county["county"], "昌吉市");
        assert_eq!(county["can_verify"], false);
        let seen = objects(&county);
        assert!(seen.contains(&format!("case:{mine}")), "{seen:?}");
        assert!(
            !seen.contains(&format!("case:{theirs}")),
            "{kind}: {seen:?}"
        );
        assert!(county["total"].as_u64().unwrap() < total);
        // The refused sign-in with a county clerk's user name is the county's too.
        assert!(
            seen.contains(&"username:xian-jbr".to_string()),
            "{kind}: {seen:?}"
        );
        // Asking for the other county's case by number finds nothing of it: the scope holds
        // whatever the query says.
        let (_, p) = s.case(&pd, theirs).await;
        assert!(p["number"].is_null(), "not accepted yet");
        let (st, v) = audit(&s, &cd, &format!("query[case]={number}")).await;
        assert_eq!(st, 200, "{v}");
        assert!(objects(&v).iter().all(|o| *o == format!("case:{mine}")));
        assert!(v["total"].as_u64().unwrap() >= 2, "{v}");

        // Filters: the action's start, the result, the actor.
        let (_, v) = audit(&s, &pd, "query[action]=auth.login_failed").await;
        assert_eq!(v["total"], 1, "{kind}: {v}");
        assert_eq!(v["rows"][0]["failed"], true);
        let (_, v) = audit(&s, &pd, "query[result]=failed").await;
        assert!(v["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["failed"] == true));
        assert!(v["total"].as_u64().unwrap() >= 1);
        let (_, ok) = audit(&s, &pd, "query[result]=ok").await;
        let (_, now) = audit(&s, &pd, "").await;
        let total = now["total"].as_u64().unwrap();
        assert_eq!(
            ok["total"].as_u64().unwrap() + v["total"].as_u64().unwrap(),
            total,
            "{kind}"
        );
        let (_, v) = audit(&s, &pd, "query[actor]=jigou2").await;
        assert!(v["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["actor"].as_str().unwrap().starts_with("jigou2")));
        assert!(v["total"].as_u64().unwrap() >= 2, "{v}");
        // Dates are China dates, both ends included: the demo's day has them all.
        let (_, v) = audit(&s, &pd, "query[from]=2026-04-07&query[to]=2026-04-07").await;
        assert_eq!(v["total"].as_u64().unwrap(), total, "{kind}: {v}");
        let (_, v) = audit(&s, &pd, "query[from]=2026-04-08").await;
        assert_eq!(v["total"], 0, "{kind}");

        // Bad input: each at its field, nothing else.
        let (st, v) = audit(
            &s,
            &pd,
            "query[from]=2026-13-01&query[actor]=nobody&query[case]=CJ-0000-0000&query[action]=DROP%20TABLE&query[result]=maybe&query[page]=0",
        )
        .await;
        assert_eq!(st, 422, "{v}");
        let mut keys = field_keys(&v);
        keys.sort();
        assert_eq!(
            keys,
            [
                "err.audit.action",
                "err.audit.no_actor",
                "err.audit.no_case",
                "err.audit.result",
                "err.period.date",
                "err.registry.page"
            ],
            "{kind}: {v}"
        );

        // Paging: 50 a page, the second page continues the first (reading adds no event).
        let (_, p1) = audit(&s, &pd, "query[page]=1").await;
        let (_, p2) = audit(&s, &pd, "query[page]=2").await;
        assert_eq!(p2["page"], 2);
        let total = p1["total"].as_u64().unwrap();
        assert_eq!(p2["pages"].as_u64().unwrap(), total.div_ceil(50));
        assert_eq!(p1["rows"].as_array().unwrap().len() as u64, total.min(50));
        if total > 50 {
            assert_eq!(
                p2["rows"][0]["seq"].as_i64().unwrap(),
                p1["rows"][49]["seq"].as_i64().unwrap() - 1,
                "{kind}"
            );
        }

        // Who may not: the institution, the expert, the clerk; nobody signed in.
        for who in ["jigou", "zhuanjia", "xian-jbr"] {
            let c = s.login(who).await;
            let (st, _) = audit(&s, &c, "").await;
            assert_eq!(st, 403, "{who}");
            let (st, _, _) = get(&s, &c, "/export/audit.csv").await;
            assert_eq!(st, 403, "{who}");
        }
        let (st, _) = audit(&s, "", "").await;
        assert_eq!(st, 401);
        // The observer and the administrator read it; only the administrator (and the
        // prefecture) may check the chain.
        let ob = s.login("jiandu").await;
        let (st, v) = audit(&s, &ob, "").await;
        assert_eq!(st, 200, "{v}");
        assert_eq!(v["can_verify"], false);
        let (st, _) = s.form(&ob, "verify_audit", &[]).await;
        assert_eq!(st, 403);
        let (st, _) = s.form(&cd, "verify_audit", &[]).await;
        assert_eq!(st, 403);
        let admin = s.login("admin").await;
        let (st, v) = s.form(&admin, "verify_audit", &[]).await;
        assert_eq!(st, 200, "{v}");
        assert_eq!(v["ok"], true, "{kind}: {v}");
        assert!(v["count"].as_u64().unwrap() >= total);

        // The CSV export: the same search and scope, a header row and one line an event.
        let (_, county) = audit(&s, &cd, "").await;
        let (st, body, ct) = get(&s, &cd, "/export/audit.csv").await;
        assert_eq!(st, 200, "{body}");
        assert_eq!(ct.as_deref(), Some("text/csv; charset=utf-8"));
        assert!(body.starts_with('\u{feff}'));
        let lines: Vec<&str> = body.trim_end().split("\r\n").collect();
        assert!(
            lines[0].contains("序号") && lines[0].contains("操作"),
            "{}",
            lines[0]
        );
        assert_eq!(
            lines.len() as u64 - 1,
            county["total"].as_u64().unwrap(),
            "{kind}"
        );
        assert!(!body.contains(&format!("case:{theirs}")), "{kind}");
        let (st, body, _) = get(&s, &pd, &format!("/export/audit.csv?case={number}")).await;
        assert_eq!(st, 200);
        assert!(body
            .lines()
            .skip(1)
            .all(|l| l.contains(&format!("case:{mine}"))));
        let (st, _, _) = get(&s, &pd, "/export/audit.csv?result=maybe").await;
        assert_eq!(st, 422);
        s.stop().await;
    }
}
