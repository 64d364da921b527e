//! The expert pool (专家库) over HTTP, against the real server with a fresh database (SQLite,
//! and PostgreSQL when `TEST_DATABASE_URL` is set): CSV import all-or-nothing, filters, county
//! read-only access and proposals, approval and rejection, an expert's own declarations, and
//! the refusals (title below 中级, stale version, status change without a reason).

mod common;

use app::store::testing::TestDb;
use common::*;
use serde_json::{json, Value};

const HEADER: &str = "姓名,工作单位,职称,专家类别,擅长领域,熟悉学段,所在县（市）,手机号,聘期开始,聘期结束,本人未在培训机构任职兼职,近亲属未在培训机构任职兼职";

fn expert(name: &str, mobile: &str) -> Value {
    json!({
        "name": name, "id_number": "", "employer": "昌吉市第三中学", "title": "intermediate",
        "kind": "subject_teaching", "domains": ["arts"], "stages": ["primary"], "region": null,
        "mobile": mobile, "term_start": "2026-01-01", "term_end": "2028-12-31",
        "declares_no_post": true, "declares_relatives_no_post": true
    })
}

async fn search(s: &Srv, cookie: &str, q: Value) -> Vec<Value> {
    let (st, v) = s
        .call(cookie, "search_experts", json!({ "query": q }))
        .await;
    assert_eq!(st, 200, "{v}");
    v.as_array().unwrap().clone()
}

async fn get(s: &Srv, cookie: &str, id: i64) -> (u16, Value) {
    s.call(cookie, "get_expert", json!({ "id": id })).await
}

#[tokio::test]
async fn csv_import_is_all_or_nothing_with_a_row_report() {
    for db in TestDb::all().await {
        let kind = db.kind;
        let s = Srv::start(db).await;
        let pref = s.login("zhou-jbr").await;
        let before = search(&s, &pref, json!({})).await.len();
        assert_eq!(before, 48, "{kind}");

        // With a BOM and CRLF; line 3 has a title below 中级, line 4 an unknown county and a bad
        // date.
        let bad = format!(
            "\u{feff}{HEADER}\r\n\
             马丽,昌吉市第一中学,副高级,学科/教学专家,体育、艺术,小学、初中,昌吉市,13700000001,2026-09-01,2029-08-31,是,是\r\n\
             牛犇,昌吉学院,初级,法律专家,,,州直,13700000002,2026-09-01,2029-08-31,是,是\r\n\
             \"苏,晴\",某中学,中级,学科,科技,学前,乌鲁木齐市,13700000003,2026/09/31,2029-08-31,是,是\r\n"
        );
        let (st, v) = s.call(&pref, "import_experts", json!({ "csv": bad })).await;
        assert_eq!(st, 200, "{kind}: {v}");
        assert_eq!(v["imported"], 0, "{kind}: {v}");
        assert_eq!(v["rows"], 3);
        let errs = v["errors"].as_array().unwrap();
        let has = |line: u64, col: &str, key: &str| {
            errs.iter()
                .any(|e| e["line"] == line && e["column"] == col && e["key"] == key)
        };
        assert!(
            has(3, "experts.col.title", "err.title_below_intermediate"),
            "{kind}: {v}"
        );
        assert!(
            has(4, "experts.col.region", "experts.err.county_unknown"),
            "{v}"
        );
        assert!(
            has(4, "experts.col.term_start", "experts.err.date_format"),
            "{v}"
        );
        assert!(!errs.iter().any(|e| e["line"] == 2), "line 2 is fine: {v}");
        // Nothing imported, not even the good row.
        assert_eq!(search(&s, &pref, json!({})).await.len(), before, "{kind}");
        assert!(search(&s, &pref, json!({ "q": "马丽" })).await.is_empty());

        // The good rows alone import.
        let good = format!(
            "{HEADER}\n\
             马丽,昌吉市第一中学,副高级,学科/教学专家,体育、艺术,小学、初中,昌吉市,13700000001,2026-09-01,2029-08-31,是,是\n\
             牛犇,昌吉学院,正高级,法律专家,,,州直,13700000002,2026-09-01,2029-08-31,是,是\n"
        );
        let (st, v) = s
            .call(&pref, "import_experts", json!({ "csv": good }))
            .await;
        assert_eq!(st, 200, "{v}");
        assert_eq!(v["imported"], 2, "{kind}: {v}");
        assert_eq!(search(&s, &pref, json!({})).await.len(), before + 2);
        let ma = search(&s, &pref, json!({ "q": "马丽" })).await;
        assert_eq!(ma.len(), 1);
        assert_eq!(ma[0]["county_name"], "昌吉市");
        assert_eq!(ma[0]["input_title"], "associate_senior");
        // Importing the same file again: the mobile numbers are already in the pool.
        let (_, v) = s
            .call(&pref, "import_experts", json!({ "csv": good }))
            .await;
        assert_eq!(v["imported"], 0);
        assert_eq!(v["errors"][0]["key"], "experts.err.mobile_in_pool");
        // The county may not import.
        let county = s.login("xian-jbr").await;
        let (st, _) = s
            .call(&county, "import_experts", json!({ "csv": good }))
            .await;
        assert_eq!(st, 403);
        assert_eq!(search(&s, &pref, json!({})).await.len(), before + 2);
        s.stop().await;
    }
}

#[tokio::test]
async fn filters_narrow_the_list() {
    for db in TestDb::all().await {
        let kind = db.kind;
        let s = Srv::start(db).await;
        let pref = s.login("zhou-jbr").await;
        let all = search(&s, &pref, json!({})).await;
        assert_eq!(all.len(), 48);

        let home = search(&s, &pref, json!({ "county": "652301" })).await;
        assert_eq!(home.len(), 10, "{kind}");
        assert!(home.iter().all(|e| e["county_name"] == "昌吉市"));
        let pref_pool = search(&s, &pref, json!({ "county": "prefecture" })).await;
        assert_eq!(pref_pool.len(), 8);
        assert!(pref_pool.iter().all(|e| e["county_name"] == "州直"));

        let legal = search(&s, &pref, json!({ "kind": "legal" })).await;
        assert!(!legal.is_empty() && legal.len() < 48);
        assert!(legal.iter().all(|e| e["kind"] == "legal"));

        let suspended = search(&s, &pref, json!({ "status": "suspended" })).await;
        assert_eq!(suspended.len(), 1);
        assert_eq!(suspended[0]["status"], "suspended");

        let sports_pre = search(
            &s,
            &pref,
            json!({ "domain": "sports", "stage": "preschool" }),
        )
        .await;
        assert!(!sports_pre.is_empty());
        for e in &sports_pre {
            assert!(e["domains"].as_array().unwrap().contains(&json!("sports")));
            assert!(e["stages"]
                .as_array()
                .unwrap()
                .contains(&json!("preschool")));
        }
        let sports = search(&s, &pref, json!({ "domain": "sports" })).await;
        assert!(sports.len() > sports_pre.len());

        // Nobody's term ends within 90 days of 2026-04-07, until one does.
        assert!(search(&s, &pref, json!({ "ending": true }))
            .await
            .is_empty());
        let mut e = expert("任期满", "13600000009");
        e["term_start"] = json!("2023-07-01");
        e["term_end"] = json!("2026-06-30");
        let (st, v) = s.call(&pref, "create_expert", json!({ "input": e })).await;
        assert_eq!(st, 200, "{kind}: {v}");
        let ending = search(&s, &pref, json!({ "ending": true })).await;
        assert_eq!(ending.len(), 1);
        assert_eq!(ending[0]["name"], "任期满");
        assert_eq!(ending[0]["ending_soon"], true);

        // Combined: a legal expert of 昌吉市 who is active.
        let combo = search(
            &s,
            &pref,
            json!({ "county": "652301", "kind": "legal", "status": "active" }),
        )
        .await;
        assert_eq!(combo.len(), 3, "{kind}: {combo:?}");
        s.stop().await;
    }
}

#[tokio::test]
async fn county_reads_masked_cannot_edit_and_proposes() {
    for db in TestDb::all().await {
        let kind = db.kind;
        let s = Srv::start(db).await;
        let pref = s.login("zhou-jbr").await;
        let clerk = s.login("xian-jbr").await;
        let other_county = s.login("fk-jbr").await;

        // Reads the whole pool, phones masked.
        let list = search(&s, &clerk, json!({})).await;
        assert_eq!(list.len(), 48, "{kind}");
        let phone = list[0]["phone"].as_str().unwrap();
        assert!(phone.contains("****") && phone.len() == 11, "{phone}");
        let (st, d) = get(&s, &clerk, 1).await;
        assert_eq!(st, 200);
        assert!(d["input"]["mobile"].as_str().unwrap().contains("****"));
        assert_eq!(d["can_edit"], false);
        let (_, full) = get(&s, &pref, 1).await;
        assert!(!full["input"]["mobile"].as_str().unwrap().contains('*'));
        let version = full["version"].as_i64().unwrap();

        // Cannot edit: refused, nothing changed.
        let mut changed = full["input"].clone();
        changed["employer"] = json!("被县里改过的单位");
        let (st, _) = s
            .call(
                &clerk,
                "update_expert",
                json!({ "id": 1, "version": version, "input": changed }),
            )
            .await;
        assert_eq!(st, 403);
        let (st, _) = s
            .call(
                &clerk,
                "set_expert_status",
                json!({ "id": 1, "version": version, "status": "suspended", "reason": "县里想暂停" }),
            )
            .await;
        assert_eq!(st, 403);
        let (st, _) = s
            .call(
                &clerk,
                "create_expert",
                json!({ "input": expert("县建", "13600000001") }),
            )
            .await;
        assert_eq!(st, 403);
        let (_, after) = get(&s, &pref, 1).await;
        assert_eq!(after, full, "{kind}: nothing changed");
        assert_eq!(search(&s, &pref, json!({})).await.len(), 48);

        // Proposes two; the region is the clerk's county whatever is sent.
        let (st, p1) = s
            .call(
                &clerk,
                "propose_expert",
                json!({ "input": expert("推荐甲", "13600000002"), "note": "市一中骨干教师" }),
            )
            .await;
        assert_eq!(st, 200, "{kind}: {p1}");
        let p1 = p1.as_i64().unwrap();
        let mut e2 = expert("推荐乙", "13600000003");
        e2["region"] = json!(652302);
        let (st, p2) = s
            .call(&clerk, "propose_expert", json!({ "input": e2, "note": "" }))
            .await;
        assert_eq!(st, 200);
        let p2 = p2.as_i64().unwrap();
        // A proposal is checked like an expert.
        let mut junior = expert("推荐丙", "13600000004");
        junior["title"] = json!("junior");
        let (st, v) = s
            .call(
                &clerk,
                "propose_expert",
                json!({ "input": junior, "note": "" }),
            )
            .await;
        assert_eq!(st, 422, "{v}");
        // The prefecture may not propose; an expert may not either.
        let (st, _) = s
            .call(
                &pref,
                "propose_expert",
                json!({ "input": expert("州推", "13600000005"), "note": "" }),
            )
            .await;
        assert_eq!(st, 403);

        let (st, mine) = s.call(&clerk, "expert_proposals", json!({})).await;
        assert_eq!(st, 200);
        let mine = mine.as_array().unwrap();
        assert_eq!(mine.len(), 2);
        assert!(mine
            .iter()
            .all(|p| p["status"] == "pending" && p["county_name"] == "昌吉市"));
        assert!(mine.iter().all(|p| p["input"]["region"] == 652301));
        // Another county does not see them.
        let (_, theirs) = s.call(&other_county, "expert_proposals", json!({})).await;
        assert_eq!(theirs.as_array().unwrap().len(), 0);
        // Only the prefecture decides.
        let (st, _) = s
            .call(
                &clerk,
                "decide_proposal",
                json!({ "id": p1, "version": 1, "approve": true, "reason": "" }),
            )
            .await;
        assert_eq!(st, 403);

        // Approve p1: the expert exists and is linked.
        let (st, v) = s
            .call(
                &pref,
                "decide_proposal",
                json!({ "id": p1, "version": 1, "approve": true, "reason": "" }),
            )
            .await;
        assert_eq!(st, 200, "{kind}: {v}");
        let new_id = v.as_i64().unwrap();
        let (_, d) = get(&s, &pref, new_id).await;
        assert_eq!(d["input"]["name"], "推荐甲");
        assert_eq!(d["county_name"], "昌吉市");
        assert_eq!(d["status"], "active");
        // Reject p2: a reason is required.
        let (st, _) = s
            .call(
                &pref,
                "decide_proposal",
                json!({ "id": p2, "version": 1, "approve": false, "reason": "  " }),
            )
            .await;
        assert_eq!(st, 422);
        let (st, _) = s
            .call(
                &pref,
                "decide_proposal",
                json!({ "id": p2, "version": 1, "approve": false, "reason": "职称证书未提供" }),
            )
            .await;
        assert_eq!(st, 200);
        // Decided once only.
        let (st, v) = s
            .call(
                &pref,
                "decide_proposal",
                json!({ "id": p2, "version": 2, "approve": true, "reason": "" }),
            )
            .await;
        assert_eq!(st, 409);
        assert_eq!(v["Refused"]["key"], "experts.err.already_decided");
        assert_eq!(search(&s, &pref, json!({})).await.len(), 49);

        // The proposer sees the outcomes.
        let (_, mine) = s.call(&clerk, "expert_proposals", json!({})).await;
        let mine = mine.as_array().unwrap();
        let p = |id: i64| mine.iter().find(|p| p["id"] == id).unwrap().clone();
        assert_eq!(p(p1)["status"], "approved");
        assert_eq!(p(p1)["expert_id"], new_id);
        assert_eq!(p(p2)["status"], "rejected");
        assert_eq!(p(p2)["decision_reason"], "职称证书未提供");
        s.stop().await;
    }
}

#[tokio::test]
async fn an_expert_keeps_only_their_own_declarations() {
    for db in TestDb::all().await {
        let kind = db.kind;
        let s = Srv::start(db).await;
        let me = s.login("zhuanjia").await;

        let (st, p) = s.call(&me, "my_expert_profile", json!({})).await;
        assert_eq!(st, 200, "{kind}: {p}");
        assert_eq!(p["id"], 1);
        assert_eq!(p["input"]["declares_no_post"], true);
        let v = p["version"].as_i64().unwrap();

        let decl = json!({
            "declares_no_post": true, "declares_relatives_no_post": false,
            "unavailable_from": "2026-05-01", "unavailable_until": "2026-05-10",
            "availability_note": "外出培训"
        });
        let (st, nv) = s
            .call(
                &me,
                "save_expert_declarations",
                json!({ "id": 1, "version": v, "input": decl }),
            )
            .await;
        assert_eq!(st, 200, "{kind}: {nv}");
        assert_eq!(nv, v + 1);
        let (_, p) = s.call(&me, "my_expert_profile", json!({})).await;
        assert_eq!(p["input"]["declares_relatives_no_post"], false);
        assert_eq!(p["unavailable_from"], "2026-05-01");
        assert_eq!(p["availability_note"], "外出培训");
        assert!(p["declared_at"].is_string());

        // Another expert's id: not found, and that expert is unchanged.
        let pref = s.login("zhou-jbr").await;
        let (_, two) = get(&s, &pref, 2).await;
        let (st, _) = s
            .call(
                &me,
                "save_expert_declarations",
                json!({ "id": 2, "version": two["version"], "input": decl }),
            )
            .await;
        assert_eq!(st, 404);
        assert_eq!(get(&s, &pref, 2).await.1, two);
        // A stale version and dates in the wrong order are refused.
        let (st, _) = s
            .call(
                &me,
                "save_expert_declarations",
                json!({ "id": 1, "version": v, "input": decl }),
            )
            .await;
        assert_eq!(st, 409);
        let mut backwards = decl.clone();
        backwards["unavailable_until"] = json!("2026-04-01");
        let (st, e) = s
            .call(
                &me,
                "save_expert_declarations",
                json!({ "id": 1, "version": v + 1, "input": backwards }),
            )
            .await;
        assert_eq!(st, 422);
        assert_eq!(
            e["Validation"][0]["field"],
            "availability.unavailable_until"
        );

        // The expert never sees the pool or another expert.
        assert_eq!(
            s.call(&me, "search_experts", json!({ "query": {} }))
                .await
                .0,
            403
        );
        assert_eq!(get(&s, &me, 2).await.0, 403);
        assert_eq!(s.call(&me, "expert_proposals", json!({})).await.0, 403);
        // Bureau staff have no own profile.
        assert_ne!(s.call(&pref, "my_expert_profile", json!({})).await.0, 200);
        // The prefecture sees the declaration change in the expert's history.
        let (_, one) = get(&s, &pref, 1).await;
        assert_eq!(one["input"]["declares_relatives_no_post"], false);
        assert_eq!(one["history"][0]["action"], "expert.declarations");
        s.stop().await;
    }
}

#[tokio::test]
async fn title_stale_version_and_status_reason_are_enforced() {
    for db in TestDb::all().await {
        let kind = db.kind;
        let s = Srv::start(db).await;
        let pref = s.login("zhou-fzr").await;

        let mut junior = expert("初级者", "13500000001");
        junior["title"] = json!("junior");
        let (st, v) = s
            .call(&pref, "create_expert", json!({ "input": junior }))
            .await;
        assert_eq!(st, 422, "{kind}: {v}");
        assert!(v["Validation"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["field"] == "expert.title" && e["key"] == "err.title_below_intermediate"));
        assert_eq!(search(&s, &pref, json!({})).await.len(), 48);

        let (st, id) = s
            .call(
                &pref,
                "create_expert",
                json!({ "input": expert("新专家", "13500000002") }),
            )
            .await;
        assert_eq!(st, 200, "{v}");
        let id = id.as_i64().unwrap();
        let (_, d) = get(&s, &pref, id).await;
        assert_eq!(d["version"], 1);

        // Edit with version 1 succeeds; a second edit with version 1 is stale and changes nothing.
        let mut e = d["input"].clone();
        e["employer"] = json!("昌吉州第二中学");
        let (st, v) = s
            .call(
                &pref,
                "update_expert",
                json!({ "id": id, "version": 1, "input": e }),
            )
            .await;
        assert_eq!(st, 200, "{kind}: {v}");
        assert_eq!(v, 2);
        e["employer"] = json!("过期的修改");
        let (st, v) = s
            .call(
                &pref,
                "update_expert",
                json!({ "id": id, "version": 1, "input": e }),
            )
            .await;
        assert_eq!(st, 409);
        assert_eq!(v, "Stale");
        // Lowering the title on edit is refused too.
        e["title"] = json!("junior");
        let (st, _) = s
            .call(
                &pref,
                "update_expert",
                json!({ "id": id, "version": 2, "input": e }),
            )
            .await;
        assert_eq!(st, 422);
        let (_, d) = get(&s, &pref, id).await;
        assert_eq!(d["input"]["employer"], "昌吉州第二中学");
        assert_eq!(d["input"]["title"], "intermediate");
        assert_eq!(d["version"], 2);
        // Unknown expert: not found.
        let (st, _) = s
            .call(
                &pref,
                "update_expert",
                json!({ "id": 9999, "version": 1, "input": e }),
            )
            .await;
        assert_eq!(st, 404);

        // Status change needs a reason.
        let (st, v) = s
            .call(
                &pref,
                "set_expert_status",
                json!({ "id": id, "version": 2, "status": "suspended", "reason": " " }),
            )
            .await;
        assert_eq!(st, 422, "{v}");
        assert_eq!(v["Validation"][0]["field"], "status.reason");
        assert_eq!(get(&s, &pref, id).await.1["status"], "active");
        let (st, v) = s
            .call(
                &pref,
                "set_expert_status",
                json!({ "id": id, "version": 2, "status": "suspended", "reason": "无故缺席鉴定会" }),
            )
            .await;
        assert_eq!(st, 200, "{v}");
        let (st, _) = s
            .call(
                &pref,
                "set_expert_status",
                json!({ "id": id, "version": 2, "status": "removed", "reason": "过期版本" }),
            )
            .await;
        assert_eq!(st, 409);
        let (_, d) = get(&s, &pref, id).await;
        assert_eq!(d["status"], "suspended");
        assert_eq!(d["status_reason"], "无故缺席鉴定会");
        assert_eq!(d["history"][0]["action"], "expert.status");
        assert_eq!(d["history"][0]["reason"], "无故缺席鉴定会");

        // Ties: institutions must exist; stale refused.
        let ties = json!({
            "affiliations": [{ "institution": 1, "relation": "close_relative", "until": null }],
            "economic_interests": [2]
        });
        let (st, v) = s
            .call(
                &pref,
                "set_expert_ties",
                json!({ "id": id, "version": 3, "ties": ties }),
            )
            .await;
        assert_eq!(st, 200, "{kind}: {v}");
        let (_, d) = get(&s, &pref, id).await;
        assert_eq!(d["ties"]["affiliations"][0]["relation"], "close_relative");
        assert_eq!(d["ties"]["economic_interests"], json!([2]));
        let bogus = json!({ "affiliations": [], "economic_interests": [987654] });
        let (st, _) = s
            .call(
                &pref,
                "set_expert_ties",
                json!({ "id": id, "version": 4, "ties": bogus }),
            )
            .await;
        assert_eq!(st, 422);
        s.stop().await;
    }
}
