//! The draw over HTTP against the real server (SQLite, and PostgreSQL when `TEST_DATABASE_URL`
//! is set): exclusions with their reasons, recorded draws that verify and tampered ones that do
//! not, concurrent draws, invitations with backups and supplementary draws, suspension and
//! lending, and what the institution may see.
//!
//! Demo pool of 昌吉市 (ids on a fresh database): 1–4 学科 experts, 5–6 legal, 7 suspended,
//! 8 removed, 9 legal (term ends 2026-08-31), 10 works for the first demo institution (jigou's).

mod common;

use app::store::accounts::{self, NewAccount};
use app::store::entities::{draw_record, expert};
use app::store::passwords;
use app::store::seed::DEMO_PASSWORD;
use app::store::testing::TestDb;
use common::*;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};

async fn run(s: &Srv, who: &str, id: i64, kind: &str, reason: &str) -> (u16, Value) {
    let ver = version_of(s, who, id).await;
    s.call(
        who,
        "run_draw",
        json!({ "input": { "id": id, "version": ver, "kind": kind, "panel_size": 3, "backups": 2, "reason": reason, "observer": null } }),
    )
    .await
}

async fn page(s: &Srv, who: &str, id: i64) -> (u16, Value) {
    s.form(who, "draw_page", &[("id", &id.to_string())]).await
}

/// Active seats as (expert id, status).
async fn active_seats(s: &Srv, clerk: &str, id: i64) -> Vec<(i64, String)> {
    let (st, p) = page(s, clerk, id).await;
    assert_eq!(st, 200, "{p}");
    p["seats"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["status"] == "invited" || x["status"] == "accepted")
        .map(|x| {
            (
                x["expert_id"].as_i64().unwrap(),
                x["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

async fn answer(s: &Srv, expert_id: i64, case: i64, action: Value) -> (u16, Value) {
    let who = expert_cookie(s, expert_id).await;
    let ver = version_of(s, &who, case).await;
    s.call(
        &who,
        "case_action",
        json!({ "input": { "id": case, "version": ver, "action": action } }),
    )
    .await
}

async fn set_expert(s: &Srv, id: i64, col: expert::Column, v: Value) {
    let e = match v {
        Value::Bool(b) => Expr::value(b),
        Value::String(t) => match chrono::NaiveDate::parse_from_str(&t, "%Y-%m-%d") {
            Ok(d) => Expr::value(d),
            Err(_) => Expr::value(t),
        },
        _ => panic!("unsupported"),
    };
    expert::Entity::update_many()
        .col_expr(col, e)
        .filter(expert::Column::Id.eq(id))
        .exec(&s.db.db)
        .await
        .unwrap();
}

fn reasons_of(p: &Value, expert_id: i64) -> Vec<String> {
    p["excluded"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["expert"]["id"] == expert_id)
        .map(|x| {
            x["reasons"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["reason"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn every_exclusion_is_listed_with_its_reason() {
    for db in TestDb::all().await {
        let s = Srv::start(db).await;
        let inst = s.login("jigou").await;
        let clerk = s.login("xian-jbr").await;
        let id = accepted_case(&s, &inst, &clerk, "少儿美术", "arts", "primary").await;
        // Give the pool every reason the data can carry.
        set_expert(&s, 1, expert::Column::Title, json!("chuji")).await;
        set_expert(&s, 2, expert::Column::DeclaresRelativesNoPost, json!(false)).await;
        set_expert(&s, 3, expert::Column::Affiliations, json!(r#"{"affiliations":[{"institution":1,"relation":"close_relative","until":null}],"economic_interests":[]}"#)).await;
        set_expert(
            &s,
            4,
            expert::Column::Affiliations,
            json!(r#"{"affiliations":[],"economic_interests":[1]}"#),
        )
        .await;
        set_expert(&s, 5, expert::Column::UnavailableFrom, json!("2026-04-01")).await;
        set_expert(&s, 5, expert::Column::UnavailableUntil, json!("2026-04-30")).await;
        set_expert(&s, 9, expert::Column::TermEnd, json!("2026-03-31")).await;
        let (st, p) = page(&s, &clerk, id).await;
        assert_eq!(st, 200, "{p}");
        assert_eq!(reasons_of(&p, 1), ["title_below_intermediate"]);
        assert_eq!(reasons_of(&p, 2), ["no_declaration"]);
        assert_eq!(reasons_of(&p, 3), ["relative_works_for_applicant"]);
        assert_eq!(reasons_of(&p, 4), ["economic_interest"]);
        assert_eq!(reasons_of(&p, 5), ["unavailable"]);
        assert_eq!(reasons_of(&p, 7), ["not_active"]);
        assert_eq!(reasons_of(&p, 8), ["not_active"]);
        assert_eq!(reasons_of(&p, 9), ["term_expired"]);
        assert_eq!(reasons_of(&p, 10), ["works_for_applicant"]);
        // Only expert 6 is left: the page says why a draw cannot succeed, and so does the draw.
        let eligible: Vec<i64> = p["eligible"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].as_i64().unwrap())
            .collect();
        assert_eq!(eligible, [6]);
        assert!(p["problem"].is_object(), "{}", p["problem"]);
        let (st, v) = run(&s, &clerk, id, "initial", "").await;
        assert_eq!(
            (st, v["Refused"]["key"].as_str()),
            (409, Some("err.draw.not_enough_eligible")),
            "{v}"
        );
        // Nothing changed.
        let (_, c) = s.case(&clerk, id).await;
        assert_eq!(c["state"], "accepted");
        assert_eq!(
            draw_record::Entity::find().count(&s.db.db).await.unwrap(),
            0
        );

        // Workload: an expert on 3 unsealed cases is not drawn for a fourth; declined and
        // already seated experts are excluded too.
        set_expert(&s, 1, expert::Column::Title, json!("zhongji")).await;
        set_expert(&s, 2, expert::Column::DeclaresRelativesNoPost, json!(true)).await;
        set_expert(&s, 3, expert::Column::Affiliations, json!("{}")).await;
        set_expert(&s, 4, expert::Column::Affiliations, json!("{}")).await;
        let (st, v) = run(&s, &clerk, id, "initial", "").await;
        assert_eq!(st, 200, "{v}");
        let (_, p) = page(&s, &clerk, id).await;
        let seated = active_seats(&s, &clerk, id).await;
        for (e, _) in &seated {
            assert!(reasons_of(&p, *e).contains(&"already_on_panel".to_string()));
        }
        let (first, _) = seated[0].clone();
        let (st, v) = answer(
            &s,
            first,
            id,
            json!({ "kind": "decline_seat", "reason": "出差" }),
        )
        .await;
        assert_eq!(st, 200, "{v}");
        let (_, p) = page(&s, &clerk, id).await;
        assert!(reasons_of(&p, first).contains(&"declined_this_case".to_string()));
        s.stop().await;
    }
}

#[tokio::test]
async fn a_hundred_draws_verify_and_tampering_is_found() {
    for db in TestDb::all().await {
        let s = Srv::start(db).await;
        let inst = s.login("jigou").await;
        let clerk = s.login("xian-jbr").await;
        let id = accepted_case(&s, &inst, &clerk, "少儿舞蹈", "arts", "primary").await;
        let (st, v) = run(&s, &clerk, id, "initial", "").await;
        assert_eq!(st, 200, "{v}");
        // A redraw needs a written reason.
        let (st, v) = run(&s, &clerk, id, "redraw", " ").await;
        assert_eq!(st, 422, "{v}");
        for i in 1..100 {
            let (st, v) = run(&s, &clerk, id, "redraw", &format!("第 {i} 次重抽（测试）")).await;
            assert_eq!(st, 200, "{v}");
        }
        let (st, v) = s
            .form(&clerk, "verify_draws", &[("id", &id.to_string())])
            .await;
        assert_eq!(st, 200, "{v}");
        let all = v.as_array().unwrap();
        assert_eq!(all.len(), 100);
        assert!(all.iter().all(|r| r["ok"] == true), "{v}");
        // Both kinds of record are kept, with their reasons.
        let (_, p) = page(&s, &clerk, id).await;
        assert_eq!(p["records"].as_array().unwrap().len(), 100);
        assert_eq!(p["records"][1]["kind"], "redraw");
        assert_eq!(p["records"][1]["reason"], "第 1 次重抽（测试）");
        // Only the last panel is seated.
        assert_eq!(active_seats(&s, &clerk, id).await.len(), 3);

        // Tamper with draw 50's panel: the re-run differs.
        let rec = draw_record::Entity::find()
            .filter(draw_record::Column::CaseId.eq(id))
            .filter(draw_record::Column::Seq.eq(50))
            .one(&s.db.db)
            .await
            .unwrap()
            .unwrap();
        let mut result: Value = serde_json::from_str(&rec.result).unwrap();
        let a = result["seats"][0]["expert"].clone();
        let b = result["backups"][0]["expert"].clone();
        result["seats"][0]["expert"] = b;
        result["backups"][0]["expert"] = a;
        draw_record::Entity::update_many()
            .col_expr(draw_record::Column::Result, Expr::value(result.to_string()))
            .filter(draw_record::Column::Id.eq(rec.id))
            .exec(&s.db.db)
            .await
            .unwrap();
        // Tamper with draw 70's seed.
        let rec70 = draw_record::Entity::find()
            .filter(draw_record::Column::CaseId.eq(id))
            .filter(draw_record::Column::Seq.eq(70))
            .one(&s.db.db)
            .await
            .unwrap()
            .unwrap();
        let mut seed = rec70.seed.clone();
        let flipped = if seed.starts_with('0') { "1" } else { "0" };
        seed.replace_range(0..1, flipped);
        draw_record::Entity::update_many()
            .col_expr(draw_record::Column::Seed, Expr::value(seed))
            .filter(draw_record::Column::Id.eq(rec70.id))
            .exec(&s.db.db)
            .await
            .unwrap();
        let (_, v) = s
            .form(&clerk, "verify_draws", &[("id", &id.to_string())])
            .await;
        let bad: Vec<i64> = v
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["ok"] == false)
            .map(|r| r["seq"].as_i64().unwrap())
            .collect();
        assert_eq!(bad, [50, 70], "{v}");
        assert!(v[49]["problems"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p[0] == "draw.verify.seat"));
        assert_eq!(v[49]["digest_ok"], false);

        // The command line says the same.
        let number = s.case(&clerk, id).await.1["number"]
            .as_str()
            .unwrap()
            .to_string();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_jianding"))
            .args(["--database-url", &s.db.url, "verify-draw", &number])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(2), "{text}");
        assert!(text.contains("DIFFERS: draw 50"), "{text}");
        assert!(text.contains("DIFFERS: draw 70"), "{text}");
        assert!(text.contains("OK: draw 1 "), "{text}");
        s.stop().await;
    }
}

#[tokio::test]
async fn verify_draw_command_confirms_an_untouched_case() {
    let db = TestDb::sqlite().await.unwrap();
    let s = Srv::start(db).await;
    let inst = s.login("jigou").await;
    let clerk = s.login("xian-jbr").await;
    let id = accepted_case(&s, &inst, &clerk, "少儿书法", "arts", "primary").await;
    assert_eq!(run(&s, &clerk, id, "initial", "").await.0, 200);
    let number = s.case(&clerk, id).await.1["number"]
        .as_str()
        .unwrap()
        .to_string();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_jianding"))
        .args(["--database-url", &s.db.url, "verify-draw", &number])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.starts_with("OK: draw 1 (initial)"), "{text}");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_jianding"))
        .args(["--database-url", &s.db.url, "verify-draw", "CJ-1999-0001"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    s.stop().await;
}

#[tokio::test]
async fn two_clerks_drawing_at_once_commit_one_draw() {
    for db in TestDb::all().await {
        let s = Srv::start(db).await;
        let inst = s.login("jigou").await;
        let clerk = s.login("xian-jbr").await;
        accounts::create(
            &s.db.db,
            NewAccount {
                username: "xian-jbr2".into(),
                display_name: "第二经办人".into(),
                password_hash: passwords::hash(DEMO_PASSWORD).unwrap(),
                role: app::domain::role::Role::CountyClerk,
                scope: app::domain::role::Scope::County(app::domain::ids::CountyId(652301)),
                must_change_password: false,
            },
            chrono::Utc::now(),
        )
        .await
        .unwrap();
        let clerk2 = s.login("xian-jbr2").await;
        for round in 0..3 {
            let id = accepted_case(
                &s,
                &inst,
                &clerk,
                &format!("并发抽取{round}"),
                "arts",
                "primary",
            )
            .await;
            let ver = version_of(&s, &clerk, id).await;
            let body = json!({ "input": { "id": id, "version": ver, "kind": "initial", "panel_size": 3, "backups": 2, "reason": "", "observer": null } });
            let (a, b) = tokio::join!(
                s.call(&clerk, "run_draw", body.clone()),
                s.call(&clerk2, "run_draw", body.clone())
            );
            let mut statuses = [a.0, b.0];
            statuses.sort();
            assert_eq!(statuses, [200, 409], "{a:?} {b:?}");
            let loser = if a.0 == 409 { a.1 } else { b.1 };
            assert_eq!(
                loser["Refused"]["key"], "err.draw.already_committed",
                "{loser}"
            );
            let n = draw_record::Entity::find()
                .filter(draw_record::Column::CaseId.eq(id))
                .count(&s.db.db)
                .await
                .unwrap();
            assert_eq!(n, 1);
            assert_eq!(active_seats(&s, &clerk, id).await.len(), 3);
        }
        s.stop().await;
    }
}

#[tokio::test]
async fn declines_seat_backups_then_a_supplementary_draw_and_review_starts() {
    for db in TestDb::all().await {
        let s = Srv::start(db).await;
        let inst = s.login("jigou").await;
        let clerk = s.login("xian-jbr").await;
        // Ten drawable experts in the county, so that a supplementary draw surely has candidates.
        set_expert(&s, 7, expert::Column::Status, json!("active")).await;
        set_expert(&s, 8, expert::Column::Status, json!("active")).await;
        set_expert(&s, 10, expert::Column::Affiliations, json!("{}")).await;
        let id = accepted_case(&s, &inst, &clerk, "青少年篮球", "sports", "primary").await;
        // A client cannot choose the panel through the generic action.
        let ver = version_of(&s, &clerk, id).await;
        let (st, v) = s.call(&clerk, "case_action", json!({ "input": { "id": id, "version": ver, "action": { "kind": "record_draw", "seats": [1, 2, 3], "backups": [], "observer": null } } })).await;
        assert_eq!(
            (st, v["Refused"]["key"].as_str()),
            (409, Some("err.draw.use_draw_page"))
        );
        let (st, v) = run(&s, &clerk, id, "initial", "").await;
        assert_eq!(st, 200, "{v}");
        let (_, p) = page(&s, &clerk, id).await;
        let backups: Vec<i64> = p["records"][0]["backups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["id"].as_i64().unwrap())
            .collect();
        assert_eq!(backups.len(), 2);
        let seated: Vec<i64> = active_seats(&s, &clerk, id)
            .await
            .into_iter()
            .map(|x| x.0)
            .collect();

        // The invited expert sees the invitation on their home with a deadline.
        let first = expert_cookie(&s, seated[0]).await;
        let (st, inv) = s.form(&first, "my_invitations", &[]).await;
        assert_eq!(st, 200, "{inv}");
        assert_eq!(inv[0]["case_id"], id);
        assert_eq!(inv[0]["status"], "invited");
        assert!(inv[0]["respond_by"].is_string());
        // Accepting without the declaration is refused.
        let (st, v) = answer(
            &s,
            seated[0],
            id,
            json!({ "kind": "accept_seat", "declaration_signed": false }),
        )
        .await;
        assert_eq!(
            (st, v["Refused"]["key"].as_str()),
            (409, Some("err.guard.declaration_required")),
            "{v}"
        );
        // An expert not on the panel cannot see or answer.
        let outsider = (1..=6)
            .find(|e| !seated.contains(e) && !backups.contains(e))
            .unwrap();
        let out = expert_cookie(&s, outsider).await;
        assert_eq!(s.case(&out, id).await.0, 404);

        // Every member declines or declares a conflict in turn; each time the next suitable backup
        // is seated, until none is left.
        let mut vacated = vec![];
        for (k, who) in seated.iter().enumerate() {
            let action = if k % 2 == 0 {
                json!({ "kind": "decline_seat", "reason": "外出学习" })
            } else {
                json!({ "kind": "declare_conflict", "reason": "近亲属在该机构任教" })
            };
            let (st, v) = answer(&s, *who, id, action).await;
            assert_eq!(st, 200, "{v}");
            vacated.push(*who);
            let now: Vec<i64> = active_seats(&s, &clerk, id)
                .await
                .into_iter()
                .map(|x| x.0)
                .collect();
            assert!(!now.contains(who));
        }
        let (_, p) = page(&s, &clerk, id).await;
        let reps = p["records"][0]["replacements"].as_array().unwrap().len();
        assert!(
            (1..=2).contains(&reps),
            "{}",
            p["records"][0]["replacements"]
        );
        let active = active_seats(&s, &clerk, id).await;
        assert!(active.len() < 3);
        // The record with its replacements still verifies.
        let (_, v) = s
            .form(&clerk, "verify_draws", &[("id", &id.to_string())])
            .await;
        assert_eq!(v[0]["ok"], true, "{v}");

        // The backups took the seats they suit (one or two, as the draw fell: a backup takes
        // only a seat whose role it can fill); the rest are vacant: a supplementary draw fills
        // them.
        assert_eq!(active.len(), reps, "{}", p["records"][0]);
        let vacant = 3 - reps;
        let (st, p) = page(&s, &clerk, id).await;
        assert_eq!(st, 200);
        assert_eq!(p["can_supplement"], true, "{p}");
        assert_eq!(p["vacancies"]["panel_size"], vacant as u64, "{p}");
        let (st, v) = run(&s, &clerk, id, "supplementary", "").await;
        assert_eq!(st, 200, "{v}");
        let (_, p) = page(&s, &clerk, id).await;
        assert_eq!(p["records"][1]["kind"], "supplementary");
        assert_eq!(p["records"][1]["seats"].as_array().unwrap().len(), vacant);
        let active = active_seats(&s, &clerk, id).await;
        assert_eq!(active.len(), 3);
        // The new member is none of those who declined.
        assert!(active.iter().all(|(e, _)| !vacated.contains(e)));
        // Everyone accepts: the case goes to UNDER_REVIEW by itself.
        for (k, (e, _)) in active.iter().enumerate() {
            let (st, v) = answer(
                &s,
                *e,
                id,
                json!({ "kind": "accept_seat", "declaration_signed": true }),
            )
            .await;
            assert_eq!(st, 200, "{v}");
            let (_, c) = s.case(&clerk, id).await;
            let want = if k + 1 < active.len() {
                "panel_drawn"
            } else {
                "under_review"
            };
            assert_eq!(c["state"], want, "{c}");
        }
        let (_, c) = s.case(&clerk, id).await;
        let steps: Vec<&str> = c["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert!(
            steps.ends_with(&["accept_seat", "start_review"]),
            "{steps:?}"
        );
        assert_eq!(c["clock"], "panel_review");
        let (_, v) = s
            .form(&clerk, "verify_draws", &[("id", &id.to_string())])
            .await;
        assert!(v.as_array().unwrap().iter().all(|r| r["ok"] == true), "{v}");
        s.stop().await;
    }
}

#[tokio::test]
async fn too_few_experts_suspends_and_the_prefecture_lends_its_pool() {
    for db in TestDb::all().await {
        let s = Srv::start(db).await;
        let inst = s.login("jigou").await;
        let clerk = s.login("xian-jbr").await;
        // Only one legal expert in the county can serve.
        set_expert(&s, 6, expert::Column::Status, json!("suspended")).await;
        set_expert(&s, 9, expert::Column::Status, json!("suspended")).await;
        set_expert(&s, 5, expert::Column::Status, json!("suspended")).await;
        let id = accepted_case(&s, &inst, &clerk, "机器人编程", "technology", "junior").await;
        let (st, v) = run(&s, &clerk, id, "initial", "").await;
        assert_eq!(
            (st, v["Refused"]["key"].as_str()),
            (409, Some("err.draw.no_legal_expert")),
            "{v}"
        );
        let (_, p) = page(&s, &clerk, id).await;
        assert_eq!(p["can_request_experts"], true);
        let ver = version_of(&s, &clerk, id).await;
        let (st, v) = s
            .form(
                &clerk,
                "request_experts",
                &[
                    ("id", &id.to_string()),
                    ("version", &ver.to_string()),
                    ("reason", "本县法律专家不足"),
                ],
            )
            .await;
        assert_eq!(st, 200, "{v}");
        let (_, c) = s.case(&clerk, id).await;
        assert_eq!(c["state"], "suspended");
        // The prefecture sees the request; a county clerk may not grant it.
        let (st, _) = s
            .form(
                &clerk,
                "grant_loan",
                &[("case_id", &id.to_string()), ("note", "")],
            )
            .await;
        assert_eq!(st, 403);
        let zhou = s.login("zhou-jbr").await;
        // The prefecture was told of the request, with its reason.
        let (_, n) = s.form(&zhou, "my_notices", &[]).await;
        let asked: Vec<&Value> = n["notices"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["kind"] == "loan_requested" && n["case_id"] == id)
            .collect();
        assert_eq!(asked.len(), 1, "{n}");
        assert!(asked[0]["facts"].to_string().contains("本县法律专家不足"));
        let (st, l) = s.form(&zhou, "loan_requests", &[]).await;
        assert_eq!(st, 200, "{l}");
        assert_eq!(l[0]["case_id"], id);
        assert_eq!(l[0]["reason"], "本县法律专家不足");
        assert!(l[0]["granted_at"].is_null());
        let (st, v) = s
            .form(
                &zhou,
                "grant_loan",
                &[("case_id", &id.to_string()), ("note", "同意借调州直专家")],
            )
            .await;
        assert_eq!(st, 200, "{v}");
        let (st, v) = s
            .form(
                &zhou,
                "grant_loan",
                &[("case_id", &id.to_string()), ("note", "again")],
            )
            .await;
        assert_eq!(
            (st, v["Refused"]["key"].as_str()),
            (409, Some("err.loan.already_granted"))
        );
        // The county's clerks were told it was granted, once.
        let (_, n) = s.form(&clerk, "my_notices", &[]).await;
        let granted = n["notices"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["kind"] == "loan_granted" && n["case_id"] == id)
            .count();
        assert_eq!(granted, 1, "{n}");
        // The county resumes and draws: the legal seat goes to the prefecture pool.
        let ver = version_of(&s, &clerk, id).await;
        let (st, v) = s.call(&clerk, "case_action", json!({ "input": { "id": id, "version": ver, "action": { "kind": "resume", "reason": "州教育局已借调专家" } } })).await;
        assert_eq!(st, 200, "{v}");
        let (st, v) = run(&s, &clerk, id, "initial", "").await;
        assert_eq!(st, 200, "{v}");
        let (_, p) = page(&s, &clerk, id).await;
        let legal = p["records"][0]["seats"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x[1] == "legal")
            .unwrap()[0]
            .clone();
        assert_eq!(
            legal["county_name"], "",
            "a prefecture-pool expert: {legal}"
        );
        s.stop().await;
    }
}

#[tokio::test]
async fn the_institution_never_sees_panel_names_before_the_determination() {
    for db in TestDb::all().await {
        let s = Srv::start(db).await;
        let inst = s.login("jigou").await;
        let clerk = s.login("xian-jbr").await;
        let id = accepted_case(&s, &inst, &clerk, "少儿合唱", "arts", "primary").await;
        assert_eq!(run(&s, &clerk, id, "initial", "").await.0, 200);
        let (st, c) = s.case(&inst, id).await;
        assert_eq!(st, 200);
        let panel = c["panel"].as_array().unwrap();
        assert_eq!(panel.len(), 3);
        for seat in panel {
            assert_eq!(seat["expert_name"], "");
            assert!(seat["expert_id"].is_null());
        }
        assert_eq!(c["panel_names_visible"], false);
        // No expert name anywhere in what the institution receives.
        let text = c.to_string();
        for e in expert::Entity::find().all(&s.db.db).await.unwrap() {
            assert!(!text.contains(&e.name), "{} leaked", e.name);
        }
        // The draw page and its verification are not for the institution, nor another county.
        assert_eq!(page(&s, &inst, id).await.0, 403);
        assert_eq!(
            s.form(&inst, "verify_draws", &[("id", &id.to_string())])
                .await
                .0,
            403
        );
        let fk = s.login("fk-jbr").await;
        assert_eq!(page(&s, &fk, id).await.0, 404);
        let ver = version_of(&s, &clerk, id).await;
        let (st, _) = s.call(&fk, "run_draw", json!({ "input": { "id": id, "version": ver, "kind": "redraw", "panel_size": 3, "backups": 2, "reason": "x", "observer": null } })).await;
        assert_eq!(st, 404);
        // The clerk sees the names.
        let (_, c) = s.case(&clerk, id).await;
        assert!(c["panel"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["expert_name"] != ""));
        s.stop().await;
    }
}

#[tokio::test]
async fn the_clerk_replaces_an_expert_who_does_not_answer() {
    for db in TestDb::all().await {
        let s = Srv::start(db).await;
        let inst = s.login("jigou").await;
        let clerk = s.login("xian-jbr").await;
        let id = accepted_case(&s, &inst, &clerk, "少儿陶艺", "arts", "primary").await;
        assert_eq!(run(&s, &clerk, id, "initial", "").await.0, 200);
        let (_, p) = page(&s, &clerk, id).await;
        assert_eq!(p["can_replace"], true);
        let member = p["seats"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["role"] == "member")
            .unwrap()["expert_id"]
            .as_i64()
            .unwrap();
        let ver = version_of(&s, &clerk, id).await;
        let body = |reason: &str| json!({ "input": { "id": id, "version": ver, "action": { "kind": "replace_seat", "expert": member, "reason": reason } } });
        let (st, v) = s.call(&clerk, "case_action", body(" ")).await;
        assert_eq!(
            (st, v["Refused"]["key"].as_str()),
            (409, Some("err.guard.reason_required")),
            "{v}"
        );
        let (st, v) = s
            .call(&clerk, "case_action", body("逾期两个工作日未答复"))
            .await;
        assert_eq!(st, 200, "{v}");
        let seats = active_seats(&s, &clerk, id).await;
        assert_eq!(seats.len(), 3);
        assert!(!seats.iter().any(|(e, _)| *e == member));
        let (_, p) = page(&s, &clerk, id).await;
        let closed = p["seats"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["expert_id"] == member)
            .unwrap()
            .clone();
        assert_eq!(closed["status"], "replaced");
        assert_eq!(closed["reason"], "逾期两个工作日未答复");
        // The replaced expert no longer sees the case.
        let gone = expert_cookie(&s, member).await;
        assert_eq!(s.case(&gone, id).await.0, 404);
        s.stop().await;
    }
}

/// The application's own facts feed recusal (issue 19): the principal's other employer and the
/// people who prepared the materials exclude the matching experts, each with its reason shown
/// on the draw page, and nobody else.
#[tokio::test]
async fn the_applications_own_facts_exclude_the_right_experts() {
    for db in TestDb::all().await {
        let s = Srv::start(db).await;
        let inst = s.login("jigou").await;
        let clerk = s.login("xian-jbr").await;
        let e1 = app::store::reference::expert(&s.db.db, 1)
            .await
            .unwrap()
            .unwrap();
        let e2 = app::store::reference::expert(&s.db.db, 2)
            .await
            .unwrap()
            .unwrap();
        let e3 = app::store::reference::expert(&s.db.db, 3)
            .await
            .unwrap()
            .unwrap();
        let mut it = item("少儿陶艺");
        it["principal_employer"] = json!(format!(" {} ", e1.employer));
        // Expert 2 by name and employer; expert 3's name with another employer does not count.
        it["preparers"] = json!([
            { "name": e2.name, "employer": e2.employer },
            { "name": e3.name, "employer": "另一所学校" },
        ]);
        let (st, v) = s
            .call(
                &inst,
                "save_draft",
                json!({ "input": { "id": null, "version": 0, "item": it, "undertaking": true } }),
            )
            .await;
        assert_eq!(st, 200, "{v}");
        let id = v["id"].as_i64().unwrap();
        upload_required(&s, &inst, id).await;
        let ver = version_of(&s, &inst, id).await;
        let (st, v) = s
            .call(
                &inst,
                "case_action",
                json!({ "input": { "id": id, "version": ver, "action": { "kind": "submit" } } }),
            )
            .await;
        assert_eq!(st, 200, "{v}");
        let ver = version_of(&s, &clerk, id).await;
        let (st, v) = s
            .call(
                &clerk,
                "case_action",
                json!({ "input": { "id": id, "version": ver, "action": { "kind": "accept" } } }),
            )
            .await;
        assert_eq!(st, 200, "{v}");
        let (st, p) = page(&s, &clerk, id).await;
        assert_eq!(st, 200, "{p}");
        let same_employer: Vec<i64> = (1..=48)
            .filter(|e| reasons_of(&p, *e).contains(&"same_employer_as_principal".to_string()))
            .collect();
        // Every expert of that employer, and only they (the demo pool may have more than one).
        let pool = app::store::reference::experts(&s.db.db).await.unwrap();
        let expected: Vec<i64> = pool
            .iter()
            .filter(|x| x.county_id == Some(652301) && x.employer == e1.employer)
            .map(|x| x.id)
            .collect();
        assert_eq!(same_employer, expected, "{p}");
        assert!(
            reasons_of(&p, 2).contains(&"prepared_materials".to_string()),
            "{p}"
        );
        assert!(
            !reasons_of(&p, 3).contains(&"prepared_materials".to_string()),
            "{p}"
        );
        s.stop().await;
    }
}

/// Guide 五(五): an expert who has not declared never having held a part-time job at a training
/// institution is not drawn, with that reason; the expert declares it on their profile.
#[tokio::test]
async fn a_part_time_history_excludes_until_declared_away() {
    for db in TestDb::all().await {
        let s = Srv::start(db).await;
        let inst = s.login("jigou").await;
        let clerk = s.login("xian-jbr").await;
        let id = accepted_case(&s, &inst, &clerk, "少儿剪纸", "arts", "primary").await;
        set_expert(
            &s,
            2,
            expert::Column::DeclaresNoPartTimeHistory,
            json!(false),
        )
        .await;
        let (_, p) = page(&s, &clerk, id).await;
        assert_eq!(reasons_of(&p, 2), ["part_time_history"], "{p}");
        assert!(reasons_of(&p, 3).is_empty());
        // The expert's own profile says so, and the declaration makes them eligible again.
        let e2 = expert_cookie(&s, 2).await;
        let (st, prof) = s.form(&e2, "my_expert_profile", &[]).await;
        assert_eq!(st, 200, "{prof}");
        assert_eq!(prof["input"]["declares_no_part_time_history"], false);
        let (st, v) = s.call(&e2, "save_expert_declarations", json!({ "id": 2, "version": prof["version"], "input": {
            "declares_no_post": true, "declares_relatives_no_post": true, "declares_no_part_time_history": true,
            "unavailable_from": null, "unavailable_until": null, "availability_note": "" } })).await;
        assert_eq!(st, 200, "{v}");
        let (_, p) = page(&s, &clerk, id).await;
        assert!(reasons_of(&p, 2).is_empty(), "{p}");
        s.stop().await;
    }
}

/// "相应学科专家" (guide 四): an item naming its 相关学科 gets a subject seat qualified in that
/// subject. Nobody in the county teaches 历史: the page and the draw say so; once expert 3 is
/// recorded as teaching it, the subject seat is expert 3's, whatever the other experts' fields.
#[tokio::test]
async fn the_subject_seat_is_qualified_in_the_items_related_subject() {
    for db in TestDb::all().await {
        let s = Srv::start(db).await;
        let inst = s.login("jigou").await;
        let clerk = s.login("xian-jbr").await;
        let mut it = item("少儿历史故事会");
        it["domain"] = json!("language");
        it["related_subject"] = json!("history");
        let id = accepted_item(&s, &inst, &clerk, it).await;
        let (_, c) = s.case(&inst, id).await;
        assert_eq!(c["item"]["related_subject"], "history", "{c}");
        let (st, p) = page(&s, &clerk, id).await;
        assert_eq!(st, 200, "{p}");
        assert_eq!(p["criteria"]["subject"], "history", "{}", p["criteria"]);
        assert_eq!(
            p["problem"]["error"], "no_subject_expert_for",
            "{}",
            p["problem"]
        );
        assert_eq!(p["problem"]["subject"], "history");
        let (st, v) = run(&s, &clerk, id, "initial", "").await;
        assert_eq!(
            (st, v["Refused"]["key"].as_str()),
            (409, Some("err.draw.no_subject_expert_qualified")),
            "{v}"
        );
        set_expert(
            &s,
            3,
            expert::Column::SchoolSubjects,
            json!(r#"["chinese","history"]"#),
        )
        .await;
        let (st, p) = page(&s, &clerk, id).await;
        assert_eq!(st, 200);
        assert!(p["problem"].is_null(), "{}", p["problem"]);
        let (st, v) = run(&s, &clerk, id, "initial", "").await;
        assert_eq!(st, 200, "{v}");
        let (_, p) = page(&s, &clerk, id).await;
        let subject: Vec<i64> = p["seats"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| x["role"] == "subject")
            .map(|x| x["expert_id"].as_i64().unwrap())
            .collect();
        assert_eq!(subject, [3], "{p}");
        s.stop().await;
    }
}

/// Guide 五(三): the title is backed by a certificate the pool manager checks. The expert (or
/// the manager) uploads it; the manager checks it; the county director can require checked
/// titles for the county's draws, and then every unchecked expert is excluded with that reason.
/// Nobody else uploads, downloads, checks or sets the rule; a new certificate needs a new check.
#[tokio::test]
async fn a_title_is_checked_against_its_certificate_and_draws_can_require_it() {
    for db in TestDb::all().await {
        let s = Srv::start(db).await;
        let inst = s.login("jigou").await;
        let clerk = s.login("xian-jbr").await;
        let director = s.login("xian-fzr").await;
        let fk = s.login("fk-jbr").await;
        let pool = s.login("zhou-jbr").await;
        let zhou_fzr = s.login("zhou-fzr").await;
        let id = accepted_case(&s, &inst, &clerk, "少儿书法", "arts", "primary").await;
        let (_, p) = page(&s, &clerk, id).await;
        assert_eq!(p["require_verified_titles"], false);
        assert_eq!(p["can_set_rules"], false);
        assert!(reasons_of(&p, 2).is_empty(), "{p}");

        // The rule: the county's director only; another county's cannot even see the case.
        let rule = |on: bool| {
            vec![
                ("case_id".to_string(), id.to_string()),
                ("require_verified_titles".to_string(), on.to_string()),
            ]
        };
        let form = |v: &Vec<(String, String)>| -> Vec<(String, String)> { v.clone() };
        for (who, want) in [(&clerk, 403), (&fk, 404), (&zhou_fzr, 403), (&inst, 403)] {
            let f = form(&rule(true));
            let f: Vec<(&str, &str)> = f.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
            let (st, v) = s.form(who, "set_draw_settings", &f).await;
            assert_eq!(st, want, "{v}");
        }
        assert_eq!(
            page(&s, &clerk, id).await.1["require_verified_titles"],
            false
        );
        let f = rule(true);
        let f: Vec<(&str, &str)> = f.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        let (st, v) = s.form(&director, "set_draw_settings", &f).await;
        assert_eq!(st, 200, "{v}");
        let (_, p) = page(&s, &director, id).await;
        assert_eq!(p["require_verified_titles"], true);
        assert_eq!(p["can_set_rules"], true);
        for e in 1..=4 {
            assert_eq!(reasons_of(&p, e), ["title_unverified"], "expert {e}: {p}");
        }
        let (st, v) = run(&s, &clerk, id, "initial", "").await;
        assert_eq!(st, 409, "nobody is eligible: {v}");

        // Uploading: the expert for themself, the pool manager; not another expert, not others.
        let e2 = expert_cookie(&s, 2).await;
        let e3 = expert_cookie(&s, 3).await;
        let up = "/files/experts/2/title-certificate?name=zhicheng.pdf";
        for (who, want) in [(&e3, 404), (&inst, 403), (&clerk, 403)] {
            assert_eq!(s.post_bytes(who, up, pdf("x")).await.0, want);
        }
        let (st, v) = s.post_bytes(&e2, up, pdf("职称证书")).await;
        assert_eq!(st, 201, "{v}");
        let (st, v) = s
            .post_bytes(
                &e2,
                "/files/experts/2/title-certificate?name=a.txt",
                b"hello".to_vec(),
            )
            .await;
        assert_eq!(st, 422, "{v}");
        // Downloading: the expert and the pool's readers.
        let down = "/files/experts/2/title-certificate";
        for (who, want) in [
            (&e2, 200),
            (&clerk, 200),
            (&pool, 200),
            (&e3, 404),
            (&inst, 404),
        ] {
            assert_eq!(s.get_bytes(who, down).await.0, want);
        }
        assert_eq!(s.get_bytes(&pool, down).await.1, pdf("职称证书"));

        // Checking: the pool manager, at the current version, once.
        let (_, d) = s
            .call(&pool, "get_expert", serde_json::json!({ "id": 2 }))
            .await;
        assert_eq!(d["title_check"]["can_verify"], true, "{d}");
        assert!(d["title_check"]["verified"].is_null());
        let ver = d["version"].as_i64().unwrap().to_string();
        let stale = (d["version"].as_i64().unwrap() - 1).to_string();
        let (st, _) = s
            .form(
                &clerk,
                "verify_expert_title",
                &[("id", "2"), ("version", &ver)],
            )
            .await;
        assert_eq!(st, 403);
        let (st, _) = s
            .form(
                &pool,
                "verify_expert_title",
                &[("id", "2"), ("version", &stale)],
            )
            .await;
        assert_eq!(st, 409);
        let (st, _) = s
            .form(
                &pool,
                "verify_expert_title",
                &[("id", "3"), ("version", "1")],
            )
            .await;
        assert_eq!(st, 409, "no certificate to check");
        let (st, v) = s
            .form(
                &pool,
                "verify_expert_title",
                &[("id", "2"), ("version", &ver)],
            )
            .await;
        assert_eq!(st, 200, "{v}");
        let (_, d) = s
            .call(&pool, "get_expert", serde_json::json!({ "id": 2 }))
            .await;
        assert!(d["title_check"]["verified"].is_array(), "{d}");
        assert_eq!(d["title_check"]["can_verify"], false);
        let (_, p) = page(&s, &clerk, id).await;
        assert!(reasons_of(&p, 2).is_empty(), "{p}");
        assert_eq!(reasons_of(&p, 3), ["title_unverified"]);

        // A new certificate needs a new check.
        let (st, v) = s
            .post_bytes(
                &pool,
                "/files/experts/2/title-certificate?name=zhicheng.png",
                png(),
            )
            .await;
        assert_eq!(st, 201, "{v}");
        let (_, p) = page(&s, &clerk, id).await;
        assert_eq!(reasons_of(&p, 2), ["title_unverified"]);
        s.stop().await;
    }
}
