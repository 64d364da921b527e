//! Nobody acts outside their scope, nothing about the panel reaches the institution (issue 18),
//! against the real server (SQLite, and PostgreSQL when `TEST_DATABASE_URL` is set):
//! - a county director's credit record about an expert stays in the county: it vacates only that
//!   county's seats, bars the expert from that county's draws only, and never changes the pool
//!   status (the prefecture's); other counties read that it exists, not its details;
//! - ratings given in another county are counted, not shown;
//! - the institution's case page, activities and activity files carry no panel identity before
//!   the determination (the whole JSON is searched for names, employers and reasons);
//! - a file replaces only a file of its own kind while that kind may be uploaded; re-review
//!   evidence is only added; the prefecture case carries the file the county decided on;
//! - one person, one expert (one director): a second active account is refused;
//! - downloads and the CSV export keep the one-time password rule;
//! - the institution's contact phone is whole for the bureau and the institution only.

mod common;

use app::domain::ids::{CountyId, ExpertId};
use app::domain::role::{Role, Scope};
use app::store::accounts::{self, NewAccount};
use app::store::passwords;
use app::store::seed::DEMO_PASSWORD;
use app::store::testing::TestDb;
use common::*;
use serde_json::{json, Value};

const FUKANG: i64 = 652302;

/// A county director of 阜康市 (the demo has only its clerk).
async fn fukang_director(s: &Srv) -> String {
    accounts::create(
        &s.db.db,
        NewAccount {
            username: "fk-fzr".into(),
            display_name: "阜康市教育局负责人".into(),
            password_hash: passwords::hash(DEMO_PASSWORD).unwrap(),
            role: Role::CountyDirector,
            scope: Scope::County(CountyId(FUKANG)),
            must_change_password: false,
        },
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    s.login("fk-fzr").await
}

fn expert_record(target: i64, case_number: &str, measure: &str) -> Value {
    json!({ "input": {
        "subject": "expert", "target_id": target, "case_id": null, "case_number": case_number,
        "void_sheet": false,
        "form": { "kind": "neglect", "measure": measure, "reason": "无故缺席实地查看，且未按时提交评分表。" }
    } })
}

async fn expert_status(s: &Srv, who: &str, id: i64) -> String {
    let (st, v) = s.call(who, "get_expert", json!({ "id": id })).await;
    assert_eq!(st, 200, "{v}");
    v["status"].as_str().unwrap_or_default().to_string()
}

/// The expert's seat on the case, as the clerk's draw page shows it.
async fn seat_status(s: &Srv, clerk: &str, case: i64, expert: i64) -> String {
    let (st, p) = s
        .form(clerk, "draw_page", &[("id", &case.to_string())])
        .await;
    assert_eq!(st, 200, "{p}");
    p["seats"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["expert_id"].as_i64() == Some(expert))
        .map(|x| x["status"].as_str().unwrap_or_default().to_string())
        .next_back()
        .unwrap_or_default()
}

async fn credit_of(s: &Srv, who: &str, expert: i64) -> Vec<Value> {
    let (st, v) = s
        .call(
            who,
            "credit_records",
            json!({ "subject": "expert", "target_id": expert }),
        )
        .await;
    assert_eq!(st, 200, "{v}");
    v["records"].as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn a_county_directors_expert_record_stays_in_the_county() {
    for db in TestDb::all().await {
        let s = Srv::start(db).await;
        let (case, members, _) = under_review(&s).await;
        let clerk = s.login("xian-jbr").await;
        let expert = members[0].0;
        let number = s.case(&clerk, case).await.1["number"]
            .as_str()
            .unwrap()
            .to_string();

        // Another county's director: the record is filed, but it neither touches the seat in
        // 昌吉市 nor the expert's pool status, and cannot name 昌吉市's case.
        let fk = fukang_director(&s).await;
        let (st, v) = s
            .call(
                &fk,
                "file_credit",
                expert_record(expert, &number, "suspend"),
            )
            .await;
        assert_eq!(st, 422, "another county's case is not found: {v}");
        assert_eq!(field_keys(&v), vec!["err.credit.case_number"]);
        let (st, v) = s
            .call(&fk, "file_credit", expert_record(expert, "", "suspend"))
            .await;
        assert_eq!(st, 200, "{v}");
        assert_eq!(v["redrawn"], json!([]), "{v}");
        assert_eq!(v["pool_status_changed"], false, "{v}");
        let pc = s.login("zhou-jbr").await;
        assert_eq!(expert_status(&s, &pc, expert).await, "active");
        assert_eq!(seat_status(&s, &clerk, case, expert).await, "accepted");
        // It bars the expert from 阜康市's draws only.
        let barred = |county: Option<i64>| app::store::credit::barred_experts(&s.db.db, county);
        assert!(barred(Some(FUKANG)).await.unwrap().contains(&expert));
        assert!(!barred(Some(652301)).await.unwrap().contains(&expert));
        assert!(!barred(None).await.unwrap().contains(&expert));

        // 昌吉市's director: the county's seat is redrawn, the pool status stays the prefecture's.
        let director = s.login("xian-fzr").await;
        let (st, v) = s
            .call(
                &director,
                "file_credit",
                expert_record(expert, &number, "remove"),
            )
            .await;
        assert_eq!(st, 200, "{v}");
        assert_eq!(v["redrawn"], json!([case]), "{v}");
        assert_eq!(v["pool_status_changed"], false, "{v}");
        assert_eq!(expert_status(&s, &pc, expert).await, "active");
        assert_ne!(seat_status(&s, &clerk, case, expert).await, "accepted");
        assert!(barred(Some(652301)).await.unwrap().contains(&expert));

        // Each county reads its own records in full, the other's as a bare entry; the
        // prefecture reads both.
        let fk_clerk = s.login("fk-jbr").await;
        for (who, own_county) in [(&fk_clerk, FUKANG), (&clerk, 652301)] {
            let list = credit_of(&s, who, expert).await;
            assert_eq!(list.len(), 2, "{list:?}");
            for r in &list {
                let mine = r["county_record"] == true
                    && r["other_county"] == false
                    && r["reason"]
                        .as_str()
                        .unwrap_or_default()
                        .contains("无故缺席");
                let theirs = r["other_county"] == true
                    && r["reason"] == ""
                    && r["case_id"].is_null()
                    && r["case_number"].is_null()
                    && r["filed_by"] == "";
                assert!(mine ^ theirs, "{own_county}: {r}");
            }
            assert_eq!(
                list.iter().filter(|r| r["other_county"] == true).count(),
                1,
                "{list:?}"
            );
        }
        let all = credit_of(&s, &pc, expert).await;
        assert!(all.iter().all(|r| r["other_county"] == false), "{all:?}");
        assert!(
            all.iter().any(|r| r["case_number"] == json!(number)),
            "{all:?}"
        );

        // The prefecture keeps the pool: its record suspends the expert.
        let pd = s.login("zhou-fzr").await;
        let (st, v) = s
            .call(&pd, "file_credit", expert_record(expert, "", "suspend"))
            .await;
        assert_eq!(st, 200, "{v}");
        assert_eq!(v["pool_status_changed"], true, "{v}");
        assert_eq!(expert_status(&s, &pc, expert).await, "suspended");
        assert!(barred(None).await.unwrap().contains(&expert));
        s.stop().await;
    }
}

#[tokio::test]
async fn ratings_of_other_counties_are_counted_not_shown() {
    for db in TestDb::all().await {
        let s = Srv::start(db).await;
        let inst = s.login("jigou").await;
        let clerk = s.login("xian-jbr").await;
        let director = s.login("xian-fzr").await;
        let id = accepted_case(&s, &inst, &clerk, "少儿素描", "arts", "primary").await;
        let members = seat_panel(&s, &clerk, id, 3).await;
        sealed_opinion(&s, &director, id, &members).await;
        let (st, v) = act(&s, &director, id, json!({ "kind": "determine", "category": "non_subject", "reasons": "依据专家组鉴定意见作出结论。" })).await;
        assert_eq!(st, 200, "{v}");
        let expert = members[0].0;
        let (st, v) = s.call(&clerk, "rate_expert", json!({ "input": { "case_id": id, "expert_id": expert, "rating": { "score": "55", "comment": "未按时提交评分表，意见书起草拖延。" } } })).await;
        assert_eq!(st, 200, "{v}");

        let ratings = |who: String| {
            let s = &s;
            async move {
                let (st, v) = s
                    .form(
                        &who,
                        "expert_ratings",
                        &[("expert_id", &expert.to_string())],
                    )
                    .await;
                assert_eq!(st, 200, "{v}");
                v
            }
        };
        let own = ratings(clerk.clone()).await;
        assert_eq!(own["rows"].as_array().unwrap().len(), 1, "{own}");
        assert_eq!(own["other_counties"], 0);
        let pref = ratings(s.login("zhou-jbr").await).await;
        assert_eq!(pref["rows"].as_array().unwrap().len(), 1, "{pref}");
        let other = ratings(s.login("fk-jbr").await).await;
        assert_eq!(other["rows"], json!([]), "{other}");
        assert_eq!(other["other_counties"], 1, "{other}");
        assert!(other["average"].is_null(), "{other}");
        let text = other.to_string();
        assert!(!text.contains("拖延") && !text.contains("CJ-"), "{text}");
        s.stop().await;
    }
}

/// Every string in a JSON value, to search whole answers for what must not be there.
fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(o) => o.iter().for_each(|(k, x)| {
            out.push(k.clone());
            strings(x, out)
        }),
        _ => {}
    }
}

/// The names and employers of the experts, and free texts they wrote.
async fn identities(s: &Srv, experts: &[i64]) -> Vec<String> {
    let mut out = Vec::new();
    for e in experts {
        let m = app::store::reference::expert(&s.db.db, *e)
            .await
            .unwrap()
            .unwrap();
        out.push(m.name);
        out.push(m.employer);
    }
    out
}

fn leaks(body: &Value, secrets: &[String]) -> Vec<String> {
    let mut all = Vec::new();
    strings(body, &mut all);
    secrets
        .iter()
        .filter(|x| !x.is_empty() && all.iter().any(|s| s.contains(x.as_str())))
        .cloned()
        .collect()
}

#[tokio::test]
async fn the_institution_learns_nothing_of_its_panel_before_the_determination() {
    for db in TestDb::all().await {
        let s = Srv::start(db).await;
        let inst = s.login("jigou").await;
        let clerk = s.login("xian-jbr").await;
        let id = accepted_case(&s, &inst, &clerk, "少儿书法", "arts", "primary").await;
        // The first one drawn declines with a reason that names a tie; a backup takes the seat.
        let ver = version_of(&s, &clerk, id).await;
        let (st, v) = s.call(&clerk, "run_draw", json!({ "input": { "id": id, "version": ver, "kind": "initial", "panel_size": 3, "backups": 2, "reason": "", "observer": null } })).await;
        assert_eq!(st, 200, "{v}");
        let (_, p) = s
            .form(&clerk, "draw_page", &[("id", &id.to_string())])
            .await;
        let first = p["seats"][0]["expert_id"].as_i64().unwrap();
        let c = expert_cookie(&s, first).await;
        let (st, v) = act(
            &s,
            &c,
            id,
            json!({ "kind": "decline_seat", "reason": "本人女儿在该机构任美术教师" }),
        )
        .await;
        assert_eq!(st, 200, "{v}");
        let (_, p) = s
            .form(&clerk, "draw_page", &[("id", &id.to_string())])
            .await;
        let active = |p: &Value| {
            p["seats"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|x| x["status"] == "invited" || x["status"] == "accepted")
                .count()
        };
        // No backup suited the seat: a supplementary draw fills it.
        let p = if active(&p) < 3 {
            let ver = version_of(&s, &clerk, id).await;
            let (st, v) = s.call(&clerk, "run_draw", json!({ "input": { "id": id, "version": ver, "kind": "supplementary", "panel_size": 3, "backups": 2, "reason": "原抽取专家回避，备选专家不符合席位要求。", "observer": null } })).await;
            assert_eq!(st, 200, "{v}");
            s.form(&clerk, "draw_page", &[("id", &id.to_string())])
                .await
                .1
        } else {
            p
        };
        let mut experts = vec![first];
        let mut members = Vec::new();
        for seat in p["seats"].as_array().unwrap() {
            if seat["status"] != "invited" {
                continue;
            }
            let e = seat["expert_id"].as_i64().unwrap();
            let c = expert_cookie(&s, e).await;
            let (st, v) = act(
                &s,
                &c,
                id,
                json!({ "kind": "accept_seat", "declaration_signed": true }),
            )
            .await;
            assert_eq!(st, 200, "{v}");
            experts.push(e);
            members.push((e, c));
        }
        assert_eq!(state(&s, &clerk, id).await, "under_review");
        // A member records an activity with the participants' names and a photo.
        let who = &members[0].1;
        let (st, v) = s.call(who, "save_activity", json!({ "input": { "case_id": id, "id": null, "version": 0, "kind": "site_visit", "held_on": "2026-04-07", "place": "机构一楼国画教室", "participants": "专家组三人、机构负责人", "notes": "实地查看教室两间，学生作品以国画为主，未见学科教材。" } })).await;
        assert_eq!(st, 200, "{v}");
        let activity = v["id"].as_i64().unwrap();
        let r = s
            .http
            .post(format!(
                "{}/files/activities/{activity}/files?name=photo.png",
                s.base
            ))
            .header(reqwest::header::COOKIE, who)
            .body(png())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        let photo = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        // The lead asks for more material: that text is for the institution.
        let lead = {
            let (_, p) = s
                .form(&clerk, "draw_page", &[("id", &id.to_string())])
                .await;
            let lead = p["seats"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["lead"] == true && x["status"] == "accepted")
                .and_then(|x| x["expert_id"].as_i64())
                .expect("a lead");
            members.iter().find(|(e, _)| *e == lead).unwrap().1.clone()
        };
        let (st, v) = act(
            &s,
            &lead,
            id,
            json!({ "kind": "request_info", "request": "请补充近三个月的课堂作品照片" }),
        )
        .await;
        assert_eq!(st, 200, "{v}");

        let mut secrets = identities(&s, &experts).await;
        secrets.push("女儿".into());
        secrets.push("专家组三人".into());
        // The case page, the activities, the photo: nothing of the panel.
        let (st, page) = s.case(&inst, id).await;
        assert_eq!(st, 200, "{page}");
        assert_eq!(leaks(&page, &secrets), Vec::<String>::new(), "{page}");
        assert!(page["panel"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["expert_id"].is_null()));
        let events: Vec<&str> = page["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert!(
            !events.contains(&"decline_seat") && !events.contains(&"accept_seat"),
            "{events:?}"
        );
        let asked = page["events"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["action"] == "request_info")
            .unwrap();
        assert_eq!(asked["reason"], "请补充近三个月的课堂作品照片");
        assert_eq!(asked["actor_name"], "");
        let (st, acts) = s
            .form(&inst, "case_activities", &[("case_id", &id.to_string())])
            .await;
        assert_eq!(st, 200, "{acts}");
        assert_eq!(leaks(&acts, &secrets), Vec::<String>::new(), "{acts}");
        assert_eq!(acts[0]["kind"], "site_visit");
        assert_eq!(acts[0]["participants"], "");
        assert_eq!(acts[0]["files"], json!([]));
        let r = s
            .http
            .get(format!("{}/files/activity-files/{photo}", s.base))
            .header(reqwest::header::COOKIE, &inst)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404, "the photo is not the institution's to see");
        // The clerk and the panel see it all.
        let (_, page) = s.case(&clerk, id).await;
        assert!(!leaks(&page, &secrets).is_empty());
        let r = s
            .http
            .get(format!("{}/files/activity-files/{photo}", s.base))
            .header(reqwest::header::COOKIE, &clerk)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        // Only who recorded it (or the clerk) edits an activity.
        let other = &members[1].1;
        let (st, v) = s.call(other, "save_activity", json!({ "input": { "case_id": id, "id": activity, "version": 1, "kind": "site_visit", "held_on": "2026-04-07", "place": "改写的地点", "participants": "改写", "notes": "改写的记录内容，超过十个字。" } })).await;
        assert_eq!(st, 403, "{v}");
        s.stop().await;
    }
}

#[tokio::test]
async fn files_replace_only_their_kind_and_evidence_is_only_added() {
    for db in TestDb::all().await {
        let s = Srv::start(db).await;
        let inst = s.login("jigou").await;
        let director = s.login("xian-fzr").await;
        let (id, _) = new_draft(&s, &inst, "少儿舞蹈").await;
        let mats = upload_required(&s, &inst, id).await;
        // A syllabus cannot replace the course plan.
        let (st, v) = s
            .upload(
                &inst,
                id,
                "syllabus",
                "大纲二.pdf",
                pdf("s2"),
                Some(mats[0]),
            )
            .await;
        assert_eq!(st, 409, "{v}");
        assert_eq!(v["Refused"]["key"], "err.file.replace_kind");
        let (st, v) = s
            .upload(
                &inst,
                id,
                "course_plan",
                "方案二.pdf",
                pdf("p2"),
                Some(mats[0]),
            )
            .await;
        assert_eq!(st, 201, "{v}");
        let plan = v["id"].as_i64().unwrap();
        let ver = version_of(&s, &inst, id).await;
        let (st, v) = s.call(&inst, "save_draft", json!({ "input": { "id": id, "version": ver, "item": item("少儿舞蹈"), "undertaking": true } })).await;
        assert_eq!(st, 200, "{v}");
        let (st, v) = act(&s, &inst, id, json!({ "kind": "submit" })).await;
        assert_eq!(st, 200, "{v}");
        determine_directly(&s, &director, id, "non_subject").await;
        // After the determination: the course plan the county decided on stays.
        let (st, v) = s
            .upload(
                &inst,
                id,
                "course_plan",
                "方案三.pdf",
                pdf("p3"),
                Some(plan),
            )
            .await;
        assert_eq!(st, 403, "{v}");
        let (st, v) = s
            .upload(
                &inst,
                id,
                "rereview_evidence",
                "新证据.pdf",
                pdf("e1"),
                Some(plan),
            )
            .await;
        assert_eq!(st, 409, "{v}");
        assert_eq!(v["Refused"]["key"], "err.file.evidence_add_only");
        let (st, v) = s
            .upload(
                &inst,
                id,
                "rereview_evidence",
                "新证据.pdf",
                pdf("e1"),
                None,
            )
            .await;
        assert_eq!(st, 201, "{v}");
        let (_, c) = s.case(&inst, id).await;
        let current: Vec<(String, String)> = c["materials"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["superseded"] == false)
            .map(|m| {
                (
                    m["kind"].as_str().unwrap().into(),
                    m["file_name"].as_str().unwrap().into(),
                )
            })
            .collect();
        assert!(
            current.contains(&("course_plan".into(), "方案二.pdf".into())),
            "{current:?}"
        );
        // Forwarded: the prefecture case carries those files and the evidence.
        let (st, v) = apply(
            &s,
            &inst,
            id,
            application("机构提交了新的课程方案说明，请求复审。"),
        )
        .await;
        assert_eq!(st, 200, "{v}");
        let (st, v) = act(
            &s,
            &director,
            id,
            json!({ "kind": "forward_rereview", "reasons": "" }),
        )
        .await;
        assert_eq!(st, 200, "{v}");
        let (_, c) = s.case(&inst, id).await;
        let child = c["rereview"]["child"]["id"]
            .as_i64()
            .expect("the child case");
        let (_, cc) = s.case(&inst, child).await;
        let mut carried: Vec<(String, String)> = cc["materials"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                (
                    m["kind"].as_str().unwrap().into(),
                    m["file_name"].as_str().unwrap().into(),
                )
            })
            .collect();
        carried.sort();
        let mut expected = current.clone();
        expected.sort();
        assert_eq!(carried, expected);
        s.stop().await;
    }
}

#[tokio::test]
async fn one_person_one_expert_and_one_director_a_post() {
    for db in TestDb::all().await {
        let s = Srv::start(db).await;
        let admin = s.login("admin").await;
        // Expert 1 already has the demo account `zhuanjia`.
        let (st, v) = s
            .form(
                &admin,
                "create_account",
                &[
                    ("username", "zhuanjia-b"),
                    ("display_name", "替身"),
                    ("role", "expert"),
                    ("scope_id", "1"),
                ],
            )
            .await;
        assert_eq!(st, 422, "{v}");
        assert_eq!(field_keys(&v), vec!["err.account.post_taken"]);
        let (st, v) = s
            .form(
                &admin,
                "create_account",
                &[
                    ("username", "xian-fzr2"),
                    ("display_name", "第二负责人"),
                    ("role", "county_director"),
                    ("scope_id", "652301"),
                ],
            )
            .await;
        assert_eq!(st, 422, "{v}");
        // The database holds the rule even without the server's check.
        let dup = accounts::create(
            &s.db.db,
            NewAccount {
                username: "e1-dup".into(),
                display_name: "替身".into(),
                password_hash: passwords::hash(DEMO_PASSWORD).unwrap(),
                role: Role::Expert,
                scope: Scope::Expert(ExpertId(1)),
                must_change_password: false,
            },
            chrono::Utc::now(),
        )
        .await;
        assert!(dup.is_err(), "a second active account for expert 1");
        // Disabling the old account frees the post; re-enabling it then is refused.
        let old = accounts::by_username(&s.db.db, "zhuanjia")
            .await
            .unwrap()
            .unwrap();
        let (st, v) = s
            .form(
                &admin,
                "disable_account",
                &[
                    ("id", &old.id.to_string()),
                    ("version", &old.version.to_string()),
                ],
            )
            .await;
        assert_eq!(st, 200, "{v}");
        let (st, v) = s
            .form(
                &admin,
                "create_account",
                &[
                    ("username", "zhuanjia-new"),
                    ("display_name", "新账号"),
                    ("role", "expert"),
                    ("scope_id", "1"),
                ],
            )
            .await;
        assert_eq!(st, 200, "{v}");
        let (st, v) = s
            .form(
                &admin,
                "enable_account",
                &[
                    ("id", &old.id.to_string()),
                    ("version", &(old.version + 1).to_string()),
                ],
            )
            .await;
        assert_eq!(st, 409, "{v}");
        assert_eq!(v["Refused"]["key"], "err.account.post_taken");
        // The prefecture director sees who can act as whom; the clerk does not.
        let pd = s.login("zhou-fzr").await;
        let (st, v) = s.form(&pd, "post_changes", &[]).await;
        assert_eq!(st, 200, "{v}");
        let rows: Vec<(String, String)> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["action"].as_str().unwrap().into(),
                    r["username"].as_str().unwrap().into(),
                )
            })
            .collect();
        assert!(
            rows.contains(&("account.create".into(), "zhuanjia-new".into())),
            "{rows:?}"
        );
        assert!(
            rows.contains(&("account.disable".into(), "zhuanjia".into())),
            "{rows:?}"
        );
        let (st, _) = s
            .form(&s.login("zhou-jbr").await, "post_changes", &[])
            .await;
        assert_eq!(st, 403);
        let (st, _) = s.form(&s.login("jiandu").await, "post_changes", &[]).await;
        assert_eq!(st, 200, "prefecture observers see it too");
        s.stop().await;
    }
}

#[tokio::test]
async fn downloads_and_exports_keep_the_one_time_password_rule() {
    let s = Srv::start(TestDb::sqlite().await.unwrap()).await;
    let inst = s.login("jigou").await;
    let (id, _) = new_draft(&s, &inst, "少儿围棋").await;
    let mats = upload_required(&s, &inst, id).await;
    let admin = s.login("admin").await;
    let acc = accounts::by_username(&s.db.db, "jigou")
        .await
        .unwrap()
        .unwrap();
    let (st, otp) = s
        .form(
            &admin,
            "reset_password",
            &[
                ("id", &acc.id.to_string()),
                ("version", &acc.version.to_string()),
            ],
        )
        .await;
    assert_eq!(st, 200, "{otp}");
    let r = s
        .http
        .post(format!("{}/api/login", s.base))
        .form(&[
            ("username", "jigou"),
            ("password", otp["password"].as_str().unwrap()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let fresh = r.headers()[reqwest::header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let get = |path: String, who: String| {
        let s = &s;
        async move {
            let r = s
                .http
                .get(format!("{}{path}", s.base))
                .header(reqwest::header::COOKIE, who)
                .send()
                .await
                .unwrap();
            let st = r.status().as_u16();
            (st, r.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let (st, v) = get(format!("/files/materials/{}", mats[0]), fresh.clone()).await;
    assert_eq!(st, 409, "{v}");
    assert_eq!(v["Refused"]["key"], "err.must_change_password");
    let (st, _) = get(format!("/files/materials/{}", mats[0]), String::new()).await;
    assert_eq!(st, 401);
    // A county user who must change the password cannot export either.
    let clerk = accounts::by_username(&s.db.db, "xian-jbr")
        .await
        .unwrap()
        .unwrap();
    let (st, otp) = s
        .form(
            &admin,
            "reset_password",
            &[
                ("id", &clerk.id.to_string()),
                ("version", &clerk.version.to_string()),
            ],
        )
        .await;
    assert_eq!(st, 200);
    let r = s
        .http
        .post(format!("{}/api/login", s.base))
        .form(&[
            ("username", "xian-jbr"),
            ("password", otp["password"].as_str().unwrap()),
        ])
        .send()
        .await
        .unwrap();
    let c = r.headers()[reqwest::header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let (st, v) = get("/export/dashboard/states".into(), c).await;
    assert_eq!(st, 409, "{v}");
    s.stop().await;
}

/// The applying institution's contact phone is whole for the bureau and the institution, and
/// masked for the panel and the observers: nowhere in the whole case JSON they receive.
#[tokio::test]
async fn the_institution_phone_is_whole_only_for_the_bureau_and_the_institution() {
    let s = Srv::start(TestDb::sqlite().await.unwrap()).await;
    let (id, members, _) = under_review(&s).await;
    let inst = s.login("jigou").await;
    let (st, v) = s.case(&inst, id).await;
    assert_eq!(st, 200, "{v}");
    let whole = v["institution"]["contact_phone"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(whole.len() >= 11 && !whole.contains('*'), "{whole}");
    for who in ["xian-jbr", "xian-fzr", "zhou-jbr"] {
        let c = s.login(who).await;
        let (st, v) = s.case(&c, id).await;
        assert_eq!(st, 200, "{who}: {v}");
        assert_eq!(v["institution"]["contact_phone"], whole.as_str(), "{who}");
    }
    let observer = s.login("jiandu").await;
    for (who, c) in [("member", &members[0].1), ("observer", &observer)] {
        let (st, v) = s.case(c, id).await;
        assert_eq!(st, 200, "{who}: {v}");
        let shown = v["institution"]["contact_phone"].as_str().unwrap();
        assert!(shown.contains("****"), "{who}: {shown}");
        assert!(
            !v.to_string().contains(&whole),
            "{who} receives the whole phone"
        );
    }
    s.stop().await;
}
