//! Re-review (复审) and escalation against the real server (SQLite, and PostgreSQL when
//! `TEST_DATABASE_URL` is set): the institution's application with new evidence, the county's
//! refusal (→ FINAL) or forwarding (→ a prefecture child case carrying the materials), the
//! prefecture's panel of five drawn without any first-round expert, its sealed opinion and
//! determination closing both cases with both opinions readable side by side; and the
//! escalation paths (the prefecture director rules, or orders a prefecture panel).

mod common;

use app::store::seed::DEMO_PASSWORD;
use app::store::testing::TestDb;
use common::*;
use serde_json::{json, Value};
use std::collections::HashSet;

fn refused(v: &Value) -> String {
    v["Refused"]["key"].as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn forwarded_rereview_runs_at_the_prefecture_and_closes_both_cases() {
    for db in TestDb::all().await {
        let s = Srv::start(db).await;
        let inst = s.login("jigou").await;
        let clerk = s.login("xian-jbr").await;
        let director = s.login("xian-fzr").await;
        let pclerk = s.login("zhou-jbr").await;
        let pdirector = s.login("zhou-fzr").await;

        // The first round at the county: three experts, sealed, determined.
        let id = accepted_case(&s, &inst, &clerk, "少儿国画复审", "arts", "primary").await;
        let first = seat_panel(&s, &clerk, id, 3).await;
        let first_code = sealed_opinion(&s, &director, id, &first).await;
        let (st, v) = act(&s, &director, id, json!({ "kind": "determine", "category": "non_subject", "reasons": "依据专家组鉴定意见作出结论。" })).await;
        assert_eq!(st, 200, "{v}");
        let (_, c) = s.case(&inst, id).await;
        assert_eq!(c["rereview"]["can_apply"], true, "{c}");
        assert_eq!(c["rereview"]["window_end"], "2026-04-22");

        // The application: the generic action is refused, the form checks every field, new
        // evidence is taken while the window is open.
        let (st, v) = act(
            &s,
            &inst,
            id,
            json!({ "kind": "request_rereview", "grounds": "结论有误，请求复审。" }),
        )
        .await;
        assert_eq!(st, 409, "{v}");
        assert_eq!(refused(&v), "err.rereview.use_form");
        let (st, v) = apply(
            &s,
            &inst,
            id,
            json!({ "grounds": "不服", "request": "", "undertaking": false }),
        )
        .await;
        assert_eq!(st, 422, "{v}");
        let keys = field_keys(&v);
        for k in [
            "err.text_too_short",
            "err.required",
            "err.rereview.undertaking_required",
        ] {
            assert!(keys.contains(&k.to_string()), "{k}: {v}");
        }
        let (st, v) = s
            .upload(
                &clerk,
                id,
                "rereview_evidence",
                "新证据.pdf",
                pdf("clerk"),
                None,
            )
            .await;
        assert!(st == 403 || st == 404, "{st} {v}");
        let (st, v) = s
            .upload(
                &inst,
                id,
                "rereview_evidence",
                "新证据.pdf",
                pdf("evidence"),
                None,
            )
            .await;
        assert_eq!(st, 201, "{v}");
        // An application material cannot be slipped in after the determination.
        let (st, _) = s
            .upload(&inst, id, "course_plan", "课程方案2.pdf", pdf("late"), None)
            .await;
        assert_eq!(st, 403);
        let (st, v) = apply(
            &s,
            &inst,
            id,
            application("专家组未查看第二学期的课程方案，结论依据不足。"),
        )
        .await;
        assert_eq!(st, 200, "{v}");
        assert_eq!(state(&s, &inst, id).await, "rereview_requested");
        let (st, v) = apply(
            &s,
            &inst,
            id,
            application("再次申请复审，理由同上，请予受理。"),
        )
        .await;
        assert_eq!(st, 409, "{v}");

        // The county director forwards (the clerk may not); the prefecture case is open.
        let (st, _) = act(
            &s,
            &clerk,
            id,
            json!({ "kind": "forward_rereview", "reasons": "" }),
        )
        .await;
        assert_eq!(st, 403);
        let (st, v) = act(
            &s,
            &director,
            id,
            json!({ "kind": "forward_rereview", "reasons": "" }),
        )
        .await;
        assert_eq!(st, 200, "{v}");
        let (_, c) = s.case(&director, id).await;
        assert_eq!(c["state"], "forwarded");
        assert_eq!(c["rereview"]["application"]["decision"], "forwarded");
        let child = c["rereview"]["child"]["id"].as_i64().expect("child case");
        assert_eq!(c["rereview"]["application"]["child"]["id"], child);
        let parent_materials = c["materials"].as_array().unwrap().len();
        let (_, k) = s.case(&pclerk, child).await;
        assert_eq!(k["state"], "accepted", "{k}");
        assert_eq!(k["clock"], "prefecture_determination");
        assert_eq!(k["materials"].as_array().unwrap().len(), parent_materials);
        assert_eq!(k["rereview"]["parent"]["id"], id);
        assert!(k["rereview"]["prefecture"].as_bool().unwrap());
        // The first round's opinion is part of the prefecture case's file.
        assert_eq!(
            k["rereview"]["rounds"][0]["verify_code"],
            first_code.as_str()
        );
        assert!(k["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "open_child"));
        // The county clerk cannot draw the prefecture panel.
        let ver = version_of(&s, &pclerk, child).await;
        let (st, _) = s.call(&clerk, "run_draw", json!({ "input": { "id": child, "version": ver, "kind": "initial", "panel_size": 5, "backups": 2, "reason": "", "observer": null } })).await;
        assert!(st == 403 || st == 404 || st == 409, "{st}");

        // The prefecture panel: five, from the whole pool, no first-round expert drawn.
        let second = seat_panel(&s, &pclerk, child, 5).await;
        let firsts: HashSet<i64> = first.iter().map(|(e, _)| *e).collect();
        assert!(second.iter().all(|(e, _)| !firsts.contains(e)));
        let (_, d) = s
            .form(&pclerk, "draw_page", &[("id", &child.to_string())])
            .await;
        for b in d["records"][0]["backups"].as_array().unwrap() {
            assert!(!firsts.contains(&b["id"].as_i64().unwrap()), "{b}");
        }
        let excluded_first: HashSet<i64> = d["excluded"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| x.to_string().contains("earlier_round"))
            .map(|x| x["expert"]["id"].as_i64().unwrap())
            .collect();
        assert_eq!(excluded_first, firsts, "{d}");
        // A first-round expert cannot see the prefecture case.
        let (st, _) = s.case(&first[0].1, child).await;
        assert_eq!(st, 404);

        // The prefecture seals with its own seal and determines: both cases are final.
        let code = sealed_opinion(&s, &pdirector, child, &second).await;
        let (st, v) = s.form(&inst, "verify_opinion", &[("code", &code)]).await;
        assert_eq!(st, 200, "{v}");
        assert_eq!(v["authentic"], true, "{v}");
        assert_eq!(v["bureau_name"], "昌吉州教育局");
        let (st, v) = act(&s, &director, child, json!({ "kind": "determine", "category": "non_subject", "reasons": "依据州级专家组鉴定意见。" })).await;
        assert!(st == 403 || st == 404, "{st} {v}");
        let (st, v) = act(&s, &pdirector, child, json!({ "kind": "determine", "category": "non_subject", "reasons": "依据州级专家组鉴定意见作出复审结论。" })).await;
        assert_eq!(st, 200, "{v}");
        assert_eq!(state(&s, &inst, child).await, "final");
        assert_eq!(state(&s, &inst, id).await, "final");
        // No re-review of the prefecture's determination.
        let (_, k) = s.case(&inst, child).await;
        assert_eq!(k["rereview"]["can_apply"], false);

        // The institution reads both opinions side by side, from either case.
        for case in [id, child] {
            let (_, c) = s.case(&inst, case).await;
            let rounds = c["rereview"]["rounds"].as_array().unwrap();
            assert_eq!(rounds.len(), 2, "{c}");
            assert_eq!(rounds[0]["level"], "county");
            assert_eq!(rounds[0]["verify_code"], first_code.as_str());
            assert_eq!(rounds[1]["level"], "prefecture");
            assert_eq!(rounds[1]["verify_code"], code.as_str());
            assert_eq!(rounds[1]["members"], 5);
            assert_eq!(rounds[1]["bureau_name"], "昌吉州教育局");
        }
        // The application shows the prefecture's receipt.
        let (_, c) = s.case(&inst, id).await;
        assert!(c["rereview"]["application"]["received_at"].is_string());
        s.stop().await;
    }
}

#[tokio::test]
async fn a_refused_rereview_makes_the_case_final_and_the_window_closes_with_its_date() {
    for db in TestDb::all().await {
        let s = Srv::start(db).await;
        let inst = s.login("jigou").await;
        let director = s.login("xian-fzr").await;
        let a = determined_directly(&s, &inst, &director, "少儿书法复审").await;
        let (st, v) = apply(
            &s,
            &inst,
            a,
            application("课程以创作实践为主，结论所依据的材料有误。"),
        )
        .await;
        assert_eq!(st, 200, "{v}");
        // Refusing needs reasons; with them the case is final at once.
        let (st, v) = act(
            &s,
            &director,
            a,
            json!({ "kind": "refuse_rereview", "reasons": "" }),
        )
        .await;
        assert_eq!(st, 422, "{v}");
        assert_eq!(state(&s, &inst, a).await, "rereview_requested");
        let (st, v) = act(&s, &director, a, json!({ "kind": "refuse_rereview", "reasons": "申请理由与原鉴定结论所依据的事实无关，不予转报。" })).await;
        assert_eq!(st, 200, "{v}");
        assert_eq!(state(&s, &inst, a).await, "final");
        let (_, c) = s.case(&inst, a).await;
        assert_eq!(c["rereview"]["application"]["decision"], "refused");
        assert!(c["rereview"]["child"].is_null());
        let acts: Vec<&str> = c["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["action"].as_str())
            .collect();
        assert!(
            acts.ends_with(&["request_rereview", "refuse_rereview", "finalize"]),
            "{acts:?}"
        );

        // After the window: refused with the date it closed, evidence too; nothing changes.
        let b = determined_directly(&s, &inst, &director, "少儿书法逾期").await;
        s.clock.advance(chrono::Duration::days(16));
        let inst = s.login("jigou").await;
        let (st, v) = apply(
            &s,
            &inst,
            b,
            application("课程以创作实践为主，结论所依据的材料有误。"),
        )
        .await;
        assert_eq!(st, 409, "{v}");
        assert_eq!(v["RefusedWith"]["key"], "err.rereview.closed_on", "{v}");
        assert_eq!(v["RefusedWith"]["args"][0][1], "2026-04-22", "{v}");
        let (st, v) = s
            .upload(
                &inst,
                b,
                "rereview_evidence",
                "新证据.pdf",
                pdf("late"),
                None,
            )
            .await;
        assert_eq!(st, 409, "{v}");
        let (_, c) = s.case(&inst, b).await;
        assert_eq!(c["state"], "determined");
        assert_eq!(c["rereview"]["can_apply"], false);
        assert!(c["rereview"]["application"].is_null());
        s.stop().await;
    }
}

#[tokio::test]
async fn escalation_the_prefecture_rules_or_orders_a_panel() {
    for db in TestDb::all().await {
        let s = Srv::start(db).await;
        let inst = s.login("jigou").await;
        let clerk = s.login("xian-jbr").await;
        let director = s.login("xian-fzr").await;
        let pdirector = s.login("zhou-fzr").await;
        let pclerk = s.login("zhou-jbr").await;
        let mut cases = vec![];
        for name in ["少儿国画裁决", "少儿国画州级组"] {
            let id = accepted_case(&s, &inst, &clerk, name, "arts", "primary").await;
            let members = seat_panel(&s, &clerk, id, 3).await;
            sealed_opinion(&s, &director, id, &members).await;
            // Escalating needs a reason; the county director escalates.
            let (st, v) = act(
                &s,
                &director,
                id,
                json!({ "kind": "escalate", "reason": "" }),
            )
            .await;
            assert_eq!(st, 409);
            assert_eq!(refused(&v), "err.guard.reason_required");
            let (st, v) = act(
                &s,
                &director,
                id,
                json!({ "kind": "escalate", "reason": "专家组意见分歧较大，提请州教育局裁决。" }),
            )
            .await;
            assert_eq!(st, 200, "{v}");
            assert_eq!(state(&s, &director, id).await, "escalated");
            cases.push((id, members));
        }
        // The escalated cases are on the prefecture director's work list.
        let (st, w) = s.call(&pdirector, "my_work", json!({})).await;
        assert_eq!(st, 200, "{w}");
        let listed: Vec<i64> = w
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_i64().unwrap())
            .collect();
        assert!(cases.iter().all(|(id, _)| listed.contains(id)), "{w}");

        // Ruling: the county director may not; the prefecture director rules with reasons.
        let (a, _) = &cases[0];
        let (st, _) = act(
            &s,
            &director,
            *a,
            json!({ "kind": "determine", "category": "subject", "reasons": "裁决" }),
        )
        .await;
        assert_eq!(st, 403);
        let (st, v) = act(
            &s,
            &pdirector,
            *a,
            json!({ "kind": "determine", "category": "subject", "reasons": "" }),
        )
        .await;
        assert_eq!(st, 409);
        assert_eq!(refused(&v), "err.guard.reason_required");
        let (st, v) = act(&s, &pdirector, *a, json!({ "kind": "determine", "category": "subject", "reasons": "课堂以同步讲授学科知识为主，裁决为学科类。" })).await;
        assert_eq!(st, 200, "{v}");
        let (_, c) = s.case(&inst, *a).await;
        assert_eq!(c["state"], "determined");
        assert_eq!(c["category"], "subject");
        // The county determination's re-review right follows.
        assert_eq!(c["rereview"]["can_apply"], true);

        // Ordering a prefecture panel opens a prefecture case without the first round.
        let (b, first) = &cases[1];
        let (st, v) = act(
            &s,
            &pdirector,
            *b,
            json!({ "kind": "order_prefecture_panel", "reason": "需组织州级专家组重新鉴定。" }),
        )
        .await;
        assert_eq!(st, 200, "{v}");
        let (_, c) = s.case(&pdirector, *b).await;
        assert_eq!(c["state"], "forwarded");
        let child = c["rereview"]["child"]["id"].as_i64().unwrap();
        let (_, k) = s.case(&pclerk, child).await;
        assert_eq!(k["state"], "accepted");
        let second = seat_panel(&s, &pclerk, child, 5).await;
        assert!(second
            .iter()
            .all(|(e, _)| first.iter().all(|(f, _)| f != e)));
        s.stop().await;
    }
}

#[tokio::test]
async fn work_lists_show_each_owners_deadlines_and_go_overdue() {
    for db in TestDb::all().await {
        let s = Srv::start(db).await;
        let inst = s.login("jigou").await;
        let clerk = s.login("xian-jbr").await;
        let (st, v) = s
            .call(
                &inst,
                "save_draft",
                json!({ "input": { "id": null, "version": 0, "item": item("少儿舞蹈期限"), "undertaking": true } }),
            )
            .await;
        assert_eq!(st, 200, "{v}");
        let id = v["id"].as_i64().unwrap();
        upload_required(&s, &inst, id).await;
        let (st, v) = act(&s, &inst, id, json!({ "kind": "submit" })).await;
        assert_eq!(st, 200, "{v}");
        let row = |w: &Value| {
            w.as_array()
                .unwrap()
                .iter()
                .find(|r| r["id"] == id)
                .cloned()
        };
        // The clerk owns the intake: on the clerk's list, on time; not on the director's or
        // another county's.
        let (st, w) = s.call(&clerk, "my_work", json!({})).await;
        assert_eq!(st, 200, "{w}");
        let r = row(&w).expect("on the clerk's list");
        assert_eq!(r["clock"], "intake");
        assert_eq!(r["deadline"], "on_time");
        let director = s.login("xian-fzr").await;
        assert!(row(&s.call(&director, "my_work", json!({})).await.1).is_none());
        let other = s.login("fk-jbr").await;
        assert!(row(&s.call(&other, "my_work", json!({})).await.1).is_none());
        // Institutions and experts have their own lists.
        let (st, _) = s.call(&inst, "my_work", json!({})).await;
        assert_eq!(st, 403);
        // Ten days later the intake is overdue, in the list and on the institution's.
        s.clock.advance(chrono::Duration::days(10));
        let clerk = s.login("xian-jbr").await;
        let r = row(&s.call(&clerk, "my_work", json!({})).await.1).unwrap();
        assert_eq!(r["deadline"], "overdue", "{r}");
        let inst = s.login("jigou").await;
        let (_, mine) = s.form(&inst, "my_cases", &[("state_filter", "")]).await;
        let r = row(&mine).unwrap();
        assert_eq!(r["clock"], "intake");
        assert_eq!(r["deadline"], "overdue");
        s.stop().await;
    }
}

async fn rate(
    s: &Srv,
    who: &str,
    case: i64,
    expert: i64,
    score: &str,
    comment: &str,
) -> (u16, Value) {
    s.call(
        who,
        "rate_expert",
        json!({ "input": { "case_id": case, "expert_id": expert, "rating": { "score": score, "comment": comment } } }),
    )
    .await
}

/// 专家考评: after the determination the county clerk rates each member once (100 points, a
/// reason below 60), within two working days; the expert's page shows the average and history.
#[tokio::test]
async fn the_clerk_rates_the_panel_after_the_determination() {
    for db in TestDb::all().await {
        let s = Srv::start(db).await;
        let inst = s.login("jigou").await;
        let clerk = s.login("xian-jbr").await;
        let director = s.login("xian-fzr").await;
        let fk = s.login("fk-jbr").await;
        let zhou = s.login("zhou-jbr").await;
        let id = accepted_case(&s, &inst, &clerk, "少儿国画考评", "arts", "primary").await;
        let panel = seat_panel(&s, &clerk, id, 3).await;
        sealed_opinion(&s, &director, id, &panel).await;
        let (e1, e2, e3) = (panel[0].0, panel[1].0, panel[2].0);
        // Not before the determination.
        let (st, v) = rate(&s, &clerk, id, e1, "90", "").await;
        assert_eq!((st, refused(&v)), (409, "err.rating.not_yet".into()), "{v}");
        let (st, v) = act(&s, &director, id, json!({ "kind": "determine", "category": "non_subject", "reasons": "依据专家组鉴定意见作出结论。" })).await;
        assert_eq!(st, 200, "{v}");
        let (st, v) = s
            .form(&clerk, "case_ratings", &[("case_id", &id.to_string())])
            .await;
        assert_eq!(st, 200, "{v}");
        assert_eq!(v["can_rate"], true);
        assert_eq!(
            v["due_on"], "2026-04-09",
            "two working days after Tuesday 04-07"
        );
        assert_eq!(v["members"].as_array().unwrap().len(), 3);
        // Bad input changes nothing; only the county's clerk rates, only the panel's members.
        let (st, v) = rate(&s, &clerk, id, e1, "120", "").await;
        assert_eq!(
            (st, field_keys(&v)),
            (422, vec!["err.rating.score".to_string()])
        );
        let (st, v) = rate(&s, &clerk, id, e1, "50", "").await;
        assert_eq!(
            (st, field_keys(&v)),
            (422, vec!["err.required".to_string()])
        );
        let (st, _) = rate(&s, &director, id, e1, "90", "").await;
        assert_eq!(st, 403);
        let (st, _) = rate(&s, &fk, id, e1, "90", "").await;
        assert_eq!(st, 404, "another county's case");
        let (st, _) = rate(&s, &inst, id, e1, "90", "").await;
        assert_eq!(st, 403);
        let (st, _) = rate(&s, &clerk, id, 999_999, "90", "").await;
        assert_eq!(st, 404, "not on the panel");
        // Three ratings; a second one for the same member is refused.
        assert_eq!(
            rate(&s, &clerk, id, e1, "92", "按时参加全部活动，评分依据充分。")
                .await
                .0,
            200
        );
        assert_eq!(rate(&s, &clerk, id, e2, "85", "").await.0, 200);
        assert_eq!(
            rate(&s, &clerk, id, e3, "58", "评分表证据引用不完整，需改进。")
                .await
                .0,
            200
        );
        let (st, v) = rate(&s, &clerk, id, e1, "60", "").await;
        assert_eq!((st, refused(&v)), (409, "err.rating.done".into()));
        let (_, v) = s
            .form(&clerk, "case_ratings", &[("case_id", &id.to_string())])
            .await;
        assert_eq!(v["members"][0]["score"], 92);
        assert_eq!(v["overdue"], false);
        // The expert's page: the average and the history, for bureau roles.
        let (st, v) = s
            .form(&zhou, "expert_ratings", &[("expert_id", &e3.to_string())])
            .await;
        assert_eq!(st, 200, "{v}");
        assert_eq!(v["average"], 58.0);
        assert_eq!(v["count"], 1);
        assert_eq!(v["rows"][0]["comment"], "评分表证据引用不完整，需改进。");
        let (st, _) = s
            .form(&inst, "expert_ratings", &[("expert_id", &e3.to_string())])
            .await;
        assert_eq!(st, 403);
        // The institution does not see the ratings.
        let (st, _) = s
            .form(&inst, "case_ratings", &[("case_id", &id.to_string())])
            .await;
        assert_eq!(st, 403);
        s.stop().await;
    }
}

async fn file_credit(s: &Srv, who: &str, input: Value) -> (u16, Value) {
    s.call(who, "file_credit", json!({ "input": input })).await
}

/// 信用记录: an institution's record terminates its case; an expert's suspends the expert, whose
/// seat not yet scored goes to a backup, and the next draw excludes the expert as barred.
#[tokio::test]
async fn credit_records_terminate_suspend_and_bar() {
    for db in TestDb::all().await {
        let s = Srv::start(db).await;
        let inst = s.login("jigou").await;
        let clerk = s.login("xian-jbr").await;
        let director = s.login("xian-fzr").await;
        let fk = s.login("fk-jbr").await;
        let zhou = s.login("zhou-jbr").await;
        let pdirector = s.login("zhou-fzr").await;

        // The institution: false material found while the case is under intake.
        let a = accepted_case(&s, &inst, &clerk, "少儿国画信用", "arts", "primary").await;
        let (_, c) = s.case(&clerk, a).await;
        let inst_id = c["institution"]["id"].as_i64().unwrap();
        let (st, v) = act(
            &s,
            &director,
            a,
            json!({ "kind": "terminate", "reason": "提交的教师资格证书系伪造。" }),
        )
        .await;
        assert_eq!(
            (st, refused(&v)),
            (409, "err.credit.use_form".into()),
            "{v}"
        );
        let filing = |reason: &str, kind: &str| json!({ "subject": "institution", "target_id": inst_id, "case_id": a, "form": { "kind": kind, "measure": "", "reason": reason } });
        let (st, v) = file_credit(&s, &director, filing("太短", "leak")).await;
        assert_eq!(st, 422, "{v}");
        assert_eq!(field_keys(&v), ["err.credit.kind", "err.text_too_short"]);
        let (st, _) = file_credit(
            &s,
            &clerk,
            filing("提交的教师资格证书经核查系伪造。", "false_material"),
        )
        .await;
        assert_eq!(st, 403, "clerks do not file credit records");
        assert_eq!(state(&s, &clerk, a).await, "accepted", "nothing changed");
        let (st, v) = file_credit(
            &s,
            &director,
            filing("提交的教师资格证书经核查系伪造。", "false_material"),
        )
        .await;
        assert_eq!(st, 200, "{v}");
        assert_eq!(v["terminated"], a);
        assert_eq!(state(&s, &clerk, a).await, "terminated");
        let (st, v) = s
            .call(
                &zhou,
                "credit_records",
                json!({ "subject": "institution", "target_id": inst_id }),
            )
            .await;
        assert_eq!(st, 200, "{v}");
        assert_eq!(v["records"][0]["kind"], "false_material");
        assert_eq!(v["records"][0]["measure"], "terminate");
        assert_eq!(v["can_file"], false);
        let (st, _) = s
            .call(
                &fk,
                "credit_records",
                json!({ "subject": "institution", "target_id": inst_id }),
            )
            .await;
        assert_eq!(st, 404, "another county's institution");
        // The institution reads its own records, not another's.
        let (st, v) = s
            .call(
                &inst,
                "credit_records",
                json!({ "subject": "institution", "target_id": inst_id }),
            )
            .await;
        assert_eq!(st, 200, "{v}");
        assert_eq!(v["records"][0]["kind"], "false_material");
        assert_eq!(v["can_file"], false);
        let (st, _) = s
            .call(
                &inst,
                "credit_records",
                json!({ "subject": "institution", "target_id": inst_id + 1 }),
            )
            .await;
        assert_eq!(st, 404, "another institution's records do not exist for it");

        // The expert: neglect during the review; suspended, the seat goes to a backup.
        let b = accepted_case(&s, &inst, &clerk, "少儿国画信用二", "arts", "primary").await;
        let panel = seat_panel(&s, &clerk, b, 3).await;
        assert_eq!(state(&s, &clerk, b).await, "under_review");
        let bad = panel[0].0;
        let (st, v) = file_credit(&s, &pdirector, json!({ "subject": "expert", "target_id": bad, "case_id": b, "form": { "kind": "neglect", "measure": "", "reason": "无故缺席实地查看，且未提交评分表。" } })).await;
        assert_eq!(
            (st, field_keys(&v)),
            (422, vec!["err.credit.measure".to_string()])
        );
        let (st, v) = file_credit(&s, &pdirector, json!({ "subject": "expert", "target_id": bad, "case_id": b, "form": { "kind": "neglect", "measure": "suspend", "reason": "无故缺席实地查看，且未提交评分表。" } })).await;
        assert_eq!(st, 200, "{v}");
        assert_eq!(v["redrawn"], json!([b]));
        assert_eq!(
            state(&s, &clerk, b).await,
            "panel_drawn",
            "the backup must accept"
        );
        let (_, p) = s.form(&clerk, "draw_page", &[("id", &b.to_string())]).await;
        let seated: Vec<i64> = p["seats"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| x["status"] != "replaced")
            .map(|x| x["expert_id"].as_i64().unwrap())
            .collect();
        // A suitable backup takes the seat, or (the draw is random) the vacancy waits for a
        // supplementary draw.
        assert!(
            seated.len() == 3 || (seated.len() == 2 && !p["vacancies"].is_null()),
            "{p}"
        );
        assert!(!seated.contains(&bad), "{p}");
        let (_, e) = s.call(&zhou, "get_expert", json!({ "id": bad })).await;
        assert_eq!(e["status"], "suspended", "{e}");
        let (_, v) = s
            .call(
                &clerk,
                "credit_records",
                json!({ "subject": "expert", "target_id": bad }),
            )
            .await;
        assert_eq!(v["records"][0]["measure"], "suspend");
        assert_eq!(v["records"].as_array().unwrap().len(), 1);

        // The pool's health counts the barred expert.
        let d: Value = s
            .http
            .get(format!("{}/api/dashboard", s.base))
            .header(reqwest::header::COOKIE, &zhou)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let pool = d["tables"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["id"] == "pool")
            .unwrap()
            .clone();
        let barred = pool["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r[0]["Key"] == "dash.pool.barred")
            .unwrap()
            .clone();
        assert_eq!(barred[1]["Num"], 1, "{pool}");
        // Reinstated by the pool's keepers, the expert is still barred from draws.
        let ver = e["version"].as_i64().unwrap();
        let (st, v) = s
            .call(
                &zhou,
                "set_expert_status",
                json!({ "id": bad, "version": ver, "status": "active", "reason": "暂停期满" }),
            )
            .await;
        assert_eq!(st, 200, "{v}");
        let c = accepted_case(&s, &inst, &clerk, "少儿国画信用三", "arts", "primary").await;
        let (_, p) = s.form(&clerk, "draw_page", &[("id", &c.to_string())]).await;
        let excluded = p["excluded"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["expert"]["id"] == bad)
            .cloned();
        assert!(
            excluded.is_some_and(|x| x["reasons"].to_string().contains("credit_barred")),
            "{p}"
        );
        s.stop().await;
    }
}

/// 评分作废: a score sheet given in bad faith is voided with the expert's credit record before the
/// opinion is drafted; the seat goes to a backup and the sheet no longer counts.
#[tokio::test]
async fn a_bad_faith_sheet_is_voided_and_the_seat_redrawn() {
    for db in TestDb::all().await {
        let s = Srv::start(db).await;
        let pdirector = s.login("zhou-fzr").await;
        let clerk = s.login("xian-jbr").await;
        let (id, members, material) = under_review(&s).await;
        let (bad, bad_cookie) = members[0].clone();
        confirm_briefing(&s, &bad_cookie, id).await;
        let (st, v) = s.call(&bad_cookie, "save_sheet", json!({ "input": { "case_id": id, "base_version": 0, "sheet": complete(material), "save_id": "bad-faith", "submit": true, "password": DEMO_PASSWORD } })).await;
        assert_eq!(st, 200, "{v}");
        let (_, c) = s.case(&clerk, id).await;
        let number = c["number"].as_str().unwrap().to_string();
        let filing = |number: &str, void: bool| json!({ "subject": "expert", "target_id": bad, "case_id": null, "case_number": number, "void_sheet": void, "form": { "kind": "favouritism", "measure": "remove", "reason": "评分明显偏袒申请机构，与课堂观摩记录不符。" } });
        let (st, v) = file_credit(&s, &pdirector, filing("", true)).await;
        assert_eq!(
            (st, field_keys(&v)),
            (422, vec!["err.credit.void_needs_case".to_string()])
        );
        let (st, v) = file_credit(&s, &pdirector, filing("CJ-1999-0001", true)).await;
        assert_eq!(
            (st, field_keys(&v)),
            (422, vec!["err.credit.case_number".to_string()])
        );
        let (st, v) = file_credit(&s, &pdirector, filing(&number, true)).await;
        assert_eq!(st, 200, "{v}");
        assert_eq!(
            v["redrawn"],
            json!([id]),
            "the submitted sheet's seat is redrawn too"
        );
        assert_eq!(state(&s, &clerk, id).await, "panel_drawn");
        let (_, v) = s
            .call(
                &clerk,
                "credit_records",
                json!({ "subject": "expert", "target_id": bad }),
            )
            .await;
        assert_eq!(v["records"][0]["voided_sheet"], true, "{v}");
        assert_eq!(v["records"][0]["case_number"], number.as_str());
        // The sheet is kept, voided with the reason; the removed expert is off the panel.
        let sheets = app::store::sheets::for_case(&s.db.db, id).await.unwrap();
        let sheet = sheets.iter().find(|x| x.expert_id == bad).unwrap();
        assert_eq!(
            sheet.voided_reason,
            "评分明显偏袒申请机构，与课堂观摩记录不符。"
        );
        assert!(sheet.voided_at.is_some());
        let (_, p) = s
            .form(&clerk, "draw_page", &[("id", &id.to_string())])
            .await;
        assert!(
            p["seats"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x["expert_id"] == bad && x["status"] == "replaced"),
            "{p}"
        );
        s.stop().await;
    }
}
