//! 机构自查 over HTTP against the real server (SQLite, and PostgreSQL when `TEST_DATABASE_URL`
//! is set): the public self-check needs no account and stores nothing; an institution saves one
//! (bad input: 422, nothing stored) and attaches it to its draft application, where the bureau
//! and the seated panel see it; other roles are refused, other institutions get 404, and a
//! submitted application takes no self-check.

mod common;

use app::domain::rubric::current;
use app::domain::selfcheck::{Answer, AnswerEntry, SelfCheck};
use app::store::entities::{audit_event, self_check};
use app::store::testing::TestDb;
use common::*;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};

/// Every indicator answered N, but one content indicator answered S with a note.
fn one_content_s() -> SelfCheck {
    let r = current();
    let mut c = SelfCheck::new(r);
    for (_, i) in r.indicators() {
        c.answers.insert(
            i.id.clone(),
            AnswerEntry {
                answer: Some(Answer::N),
                note: String::new(),
            },
        );
    }
    c.answers.insert(
        "content.syllabus".into(),
        AnswerEntry {
            answer: Some(Answer::S),
            note: "课程按小学五年级数学教材章节编排".into(),
        },
    );
    c
}

fn all_n() -> SelfCheck {
    let mut c = one_content_s();
    c.answers.get_mut("content.syllabus").unwrap().answer = Some(Answer::N);
    c.answers.get_mut("content.syllabus").unwrap().note.clear();
    c
}

async fn counts(s: &Srv) -> (u64, u64) {
    (
        self_check::Entity::find().count(&s.db.db).await.unwrap(),
        audit_event::Entity::find().count(&s.db.db).await.unwrap(),
    )
}

async fn save(s: &Srv, who: &str, name: &str, check: &SelfCheck) -> (u16, Value) {
    s.call(
        who,
        "save_self_check",
        json!({ "input": { "item_name": name, "check": check } }),
    )
    .await
}

async fn attach(s: &Srv, who: &str, case: i64, sc: i64) -> (u16, Value) {
    s.form(
        who,
        "attach_self_check",
        &[
            ("case_id", &case.to_string()),
            ("self_check_id", &sc.to_string()),
        ],
    )
    .await
}

/// The id of the self-check attached to a case as `who` sees it on the case page.
async fn attached_on_case(s: &Srv, who: &str, case: i64) -> Option<i64> {
    let (st, v) = s.case(who, case).await;
    assert_eq!(st, 200, "{v}");
    v["self_check"]["attached"]["id"].as_i64()
}

// Renders the page: a multi-threaded runtime, as in pages.rs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_self_check_needs_no_account_and_stores_nothing() {
    for db in TestDb::all().await {
        let s = Srv::start(db).await;
        let before = counts(&s).await;
        // A visitor: one content indicator S → 学科类, with the reason and what experts look at.
        let (st, v) = s
            .call(
                "",
                "evaluate_self_check",
                json!({ "check": one_content_s() }),
            )
            .await;
        assert_eq!(st, 200, "{v}");
        assert_eq!(v["verdict"], "subject");
        let content = v["dimensions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["id"] == "content")
            .unwrap()
            .clone();
        assert_eq!(content["result"], "S");
        assert_eq!(content["subject"][0]["indicator"], "content.syllabus");
        assert_eq!(
            content["subject"][0]["note"],
            "课程按小学五年级数学教材章节编排"
        );
        let guidance = &current().indicator("content.syllabus").unwrap().1.guidance;
        assert_eq!(
            content["subject"][0]["guidance"]["zh"],
            guidance.zh.as_str()
        );
        // All N → 非学科类; one unsure → 待定.
        let (_, v) = s
            .call("", "evaluate_self_check", json!({ "check": all_n() }))
            .await;
        assert_eq!(v["verdict"], "non_subject");
        let mut unsure = all_n();
        unsure.answers.get_mut("evaluation.tests").unwrap().answer = Some(Answer::Unsure);
        let (_, v) = s
            .call("", "evaluate_self_check", json!({ "check": unsure }))
            .await;
        assert_eq!(v["verdict"], "undetermined");
        // Bad answers: 422 addressed to the fields.
        let mut bad = all_n();
        bad.answers.remove("content.syllabus");
        bad.answers.insert(
            "content.astrology".into(),
            AnswerEntry {
                answer: Some(Answer::S),
                note: String::new(),
            },
        );
        bad.answers.get_mut("method.delivery").unwrap().note = "长".repeat(501);
        let (st, v) = s
            .call("", "evaluate_self_check", json!({ "check": bad }))
            .await;
        assert_eq!(st, 422, "{v}");
        assert_eq!(
            field_errors(&v),
            vec![
                (
                    "answers.content.astrology".to_string(),
                    "err.selfcheck.unknown_indicator".to_string()
                ),
                (
                    "answers.content.syllabus".to_string(),
                    "err.selfcheck.answer_required".to_string()
                ),
                (
                    "answers.method.delivery.note".to_string(),
                    "err.selfcheck.note_too_long".to_string()
                ),
            ]
        );
        assert_eq!(counts(&s).await, before);
        // A signed-in institution evaluating is not saving either.
        let inst = s.login("jigou").await;
        let after_login = counts(&s).await;
        let (st, _) = s
            .call(
                &inst,
                "evaluate_self_check",
                json!({ "check": one_content_s() }),
            )
            .await;
        assert_eq!(st, 200);
        assert_eq!(counts(&s).await, after_login);
        // Nothing stored, nothing audited by the visitor's checks.
        assert_eq!(before.0, 0);
        assert_eq!(after_login.0, before.0);
        // The page itself works without an account and offers no saving.
        let (st, v) = s.form("", "self_check_page", &[]).await;
        assert_eq!(st, 200, "{v}");
        assert_eq!(v["can_save"], false);
        assert_eq!(v["signed_in"], false);
        // So is the rubric it asks about, the version in force.
        let (st, r) = s.form("", "self_check_rubric", &[]).await;
        assert_eq!(st, 200, "{r}");
        assert_eq!(r["version"], app::domain::rubric::current().version);
        let back: app::domain::rubric::Rubric = serde_json::from_value(r).unwrap();
        assert_eq!(&back, app::domain::rubric::current());
        let r = s
            .http
            .get(format!("{}/public/self-check", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        let html = r.text().await.unwrap();
        assert!(html.contains("以教育行政部门鉴定结论为准"));
        assert!(html.contains(
            "道德与法治、语文、历史、地理、数学、外语（英语、日语、俄语）、物理、化学、生物"
        ));
        assert!(html.contains("学前"));
        assert_eq!(counts(&s).await.0, 0);
        s.stop().await;
    }
}

#[tokio::test]
async fn an_institution_saves_a_self_check_and_only_it_sees_it() {
    for db in TestDb::all().await {
        let s = Srv::start(db).await;
        let inst = s.login("jigou").await;
        let inst2 = s.login("jigou2").await;
        let clerk = s.login("xian-jbr").await;
        let expert = s.login("zhuanjia").await;
        // Bad input: every problem at its field, nothing stored.
        let before = counts(&s).await;
        let mut missing = one_content_s();
        missing.answers.remove("purpose.objectives");
        let (st, v) = save(&s, &inst, "画", &missing).await;
        assert_eq!(st, 422, "{v}");
        assert_eq!(
            field_errors(&v),
            vec![
                (
                    "answers.purpose.objectives".to_string(),
                    "err.selfcheck.answer_required".to_string()
                ),
                (
                    "item_name".to_string(),
                    "err.selfcheck.item_name_length".to_string()
                ),
            ]
        );
        let (st, v) = save(&s, &inst, "", &one_content_s()).await;
        assert_eq!(st, 422);
        assert_eq!(
            field_errors(&v),
            vec![(
                "item_name".to_string(),
                "err.selfcheck.item_name_required".to_string()
            )]
        );
        assert_eq!(counts(&s).await, before);
        // Other roles may not save; without an account, sign in first.
        for who in [&clerk, &expert] {
            let (st, _) = save(&s, who, "少儿数学思维", &one_content_s()).await;
            assert_eq!(st, 403);
            let (st, _) = s.form(who, "my_self_checks", &[]).await;
            assert_eq!(st, 403);
        }
        let (st, _) = save(&s, "", "少儿数学思维", &one_content_s()).await;
        assert_eq!(st, 401);
        assert_eq!(counts(&s).await, before);
        // Saved: one row, one audit event, the verdict the rule gives.
        let (st, v) = save(&s, &inst, " 少儿数学思维 ", &one_content_s()).await;
        assert_eq!(st, 200, "{v}");
        let id = v["id"].as_i64().unwrap();
        assert_eq!(v["item_name"], "少儿数学思维");
        assert_eq!(v["outcome"]["verdict"], "subject");
        assert_eq!(counts(&s).await, (before.0 + 1, before.1 + 1));
        let row = self_check::Entity::find_by_id(id)
            .one(&s.db.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.verdict, "subject");
        assert_eq!(row.rubric_version as u32, current().version);
        assert_eq!(row.case_id, None);
        let ev = audit_event::Entity::find()
            .filter(audit_event::Column::Action.eq("self_check.save"))
            .all(&s.db.db)
            .await
            .unwrap();
        assert_eq!(ev.len(), 1);
        assert_eq!(ev[0].object, format!("self_check:{id}"));
        // Its list and the page.
        let (st, v) = s.form(&inst, "my_self_checks", &[]).await;
        assert_eq!(st, 200, "{v}");
        assert_eq!(v.as_array().unwrap().len(), 1);
        assert_eq!(v[0]["verdict"], "subject");
        let (_, v) = s.form(&inst, "self_check_page", &[]).await;
        assert_eq!(v["can_save"], true);
        assert_eq!(v["saved"][0]["id"], id);
        let (_, v) = s.form(&clerk, "self_check_page", &[]).await;
        assert_eq!(v["can_save"], false);
        assert_eq!(v["signed_in"], true);
        assert_eq!(v["saved"].as_array().unwrap().len(), 0);
        // One's own: readable; anyone else: not found.
        let (st, v) = s
            .form(&inst, "self_check", &[("id", &id.to_string())])
            .await;
        assert_eq!(st, 200, "{v}");
        assert_eq!(
            v["check"]["answers"]["content.syllabus"]["note"],
            "课程按小学五年级数学教材章节编排"
        );
        for who in [&inst2, &clerk, &expert] {
            let (st, _) = s.form(who, "self_check", &[("id", &id.to_string())]).await;
            assert_eq!(st, 404);
        }
        let (st, _) = s.form(&inst, "self_check", &[("id", "999999")]).await;
        assert_eq!(st, 404);
        let (_, v) = s.form(&inst2, "my_self_checks", &[]).await;
        assert_eq!(v.as_array().unwrap().len(), 0);
        s.stop().await;
    }
}

#[tokio::test]
async fn a_self_check_attached_to_a_draft_goes_with_the_application_to_the_panel() {
    for db in TestDb::all().await {
        let s = Srv::start(db).await;
        let inst = s.login("jigou").await;
        let inst2 = s.login("jigou2").await;
        let clerk = s.login("xian-jbr").await;
        let observer = s.login("jiandu").await;
        let (_, v) = save(&s, &inst, "少儿国画", &all_n()).await;
        let first = v["id"].as_i64().unwrap();
        let (_, v) = save(&s, &inst, "少儿国画", &one_content_s()).await;
        let second = v["id"].as_i64().unwrap();
        let (_, v) = save(&s, &inst2, "科技创客", &all_n()).await;
        let foreign = v["id"].as_i64().unwrap();
        // A draft with its materials and undertaking, ready to submit.
        let it = item("少儿国画");
        let (st, v) = s
            .call(
                &inst,
                "save_draft",
                json!({ "input": { "id": null, "version": 0, "item": it, "undertaking": true } }),
            )
            .await;
        assert_eq!(st, 200, "{v}");
        let case = v["id"].as_i64().unwrap();
        upload_required(&s, &inst, case).await;
        let (other_case, _) = new_draft(&s, &inst, "少儿书法").await;
        let (case2, _) = new_draft(&s, &inst2, "科技创客").await;
        // The draft page offers the institution its saved self-checks.
        let (_, v) = s.case(&inst, case).await;
        assert_eq!(v["self_check"]["can_attach"], true);
        assert!(v["self_check"]["attached"].is_null());
        assert!(v["self_check"]["rubric"].is_null());
        assert_eq!(v["self_check"]["choices"].as_array().unwrap().len(), 2);
        // Another institution's self-check or case: not found; nothing changes.
        let before = counts(&s).await;
        assert_eq!(attach(&s, &inst, case, foreign).await.0, 404);
        assert_eq!(attach(&s, &inst, case2, first).await.0, 404);
        assert_eq!(attach(&s, &inst2, case, foreign).await.0, 404);
        assert_eq!(attach(&s, &inst, case, 999_999).await.0, 404);
        // A bureau user cannot even see the draft.
        assert_eq!(attach(&s, &clerk, case, first).await.0, 404);
        assert_eq!(counts(&s).await, before);
        // Attached, then replaced by another: the first is free again.
        let (st, v) = attach(&s, &inst, case, first).await;
        assert_eq!(st, 200, "{v}");
        assert_eq!(attached_on_case(&s, &inst, case).await, Some(first));
        let (st, v) = attach(&s, &inst, case, second).await;
        assert_eq!(st, 200, "{v}");
        assert_eq!(attached_on_case(&s, &inst, case).await, Some(second));
        let rows = self_check::Entity::find()
            .filter(self_check::Column::CaseId.eq(case))
            .all(&s.db.db)
            .await
            .unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].id, second);
        let ev = audit_event::Entity::find()
            .filter(audit_event::Column::Action.eq("self_check.attach"))
            .filter(audit_event::Column::Object.eq(format!("case:{case}")))
            .count(&s.db.db)
            .await
            .unwrap();
        assert_eq!(ev, 2);
        // Attaching it again is a no-op; attaching it to another application is refused.
        assert_eq!(attach(&s, &inst, case, second).await.0, 200);
        let (st, v) = attach(&s, &inst, other_case, second).await;
        assert_eq!(st, 409, "{v}");
        assert_eq!(v["Refused"]["key"], "err.selfcheck.attached_elsewhere");
        assert_eq!(attach(&s, &inst, other_case, first).await.0, 200);
        // The institution sees it with its answers and result.
        let (_, v) = s.case(&inst, case).await;
        let sc = &v["self_check"]["attached"];
        assert_eq!(sc["outcome"]["verdict"], "subject");
        assert_eq!(sc["check"]["answers"]["content.syllabus"]["answer"], "s");
        // With the rubric version it was answered under (the browser embeds none).
        assert_eq!(
            v["self_check"]["rubric"]["version"],
            sc["outcome"]["rubric_version"]
        );
        // Submitted: the bureau sees it; no one may attach any more.
        let ver = version_of(&s, &inst, case).await;
        let (st, v) = s
            .call(
                &inst,
                "case_action",
                json!({ "input": { "id": case, "version": ver, "action": { "kind": "submit" } } }),
            )
            .await;
        assert_eq!(st, 200, "{v}");
        let (_, v) = s.case(&inst, case).await;
        assert_eq!(v["self_check"]["can_attach"], false);
        assert_eq!(v["self_check"]["choices"].as_array().unwrap().len(), 0);
        let before = counts(&s).await;
        let (_, v) = save(&s, &inst, "少儿国画", &all_n()).await;
        let third = v["id"].as_i64().unwrap();
        let before = (before.0 + 1, before.1 + 1);
        let (st, v) = attach(&s, &inst, case, third).await;
        assert_eq!(st, 409, "{v}");
        assert_eq!(v["Refused"]["key"], "err.selfcheck.not_attachable");
        assert_eq!(counts(&s).await, before);
        assert_eq!(attached_on_case(&s, &inst, case).await, Some(second));
        assert_eq!(attached_on_case(&s, &clerk, case).await, Some(second));
        let (_, v) = s.case(&clerk, case).await;
        assert_eq!(v["self_check"]["can_attach"], false);
        assert_eq!(attach(&s, &clerk, case, second).await.0, 403);
        // Observers do not see it.
        let (st, v) = s.case(&observer, case).await;
        assert_eq!(st, 200, "{v}");
        assert!(v["self_check"].is_null());
        // Accepted, drawn, seats taken: every panel member sees it.
        let ver = version_of(&s, &clerk, case).await;
        let (st, v) = s
            .call(
                &clerk,
                "case_action",
                json!({ "input": { "id": case, "version": ver, "action": { "kind": "accept" } } }),
            )
            .await;
        assert_eq!(st, 200, "{v}");
        let ver = version_of(&s, &clerk, case).await;
        let (st, v) = s.call(&clerk, "run_draw", json!({ "input": { "id": case, "version": ver, "kind": "initial", "panel_size": 3, "backups": 2, "reason": "", "observer": null } })).await;
        assert_eq!(st, 200, "{v}");
        let (_, p) = s
            .form(&clerk, "draw_page", &[("id", &case.to_string())])
            .await;
        let seated: Vec<i64> = p["seats"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["expert_id"].as_i64().unwrap())
            .collect();
        assert_eq!(seated.len(), 3);
        for e in seated {
            let c = expert_cookie(&s, e).await;
            // Only invited: not yet.
            let (st, v) = s.case(&c, case).await;
            assert_eq!(st, 200, "{v}");
            assert!(v["self_check"].is_null(), "invited expert {e}");
            let ver = version_of(&s, &c, case).await;
            let (st, v) = s.call(&c, "case_action", json!({ "input": { "id": case, "version": ver, "action": { "kind": "accept_seat", "declaration_signed": true } } })).await;
            assert_eq!(st, 200, "{v}");
            let (_, v) = s.case(&c, case).await;
            let sc = &v["self_check"];
            assert_eq!(sc["attached"]["id"], second, "expert {e}");
            assert_eq!(sc["attached"]["outcome"]["verdict"], "subject");
            assert_eq!(sc["can_attach"], false);
            assert_eq!(sc["choices"].as_array().unwrap().len(), 0);
            // The panel reads it on the case, never the institution's other self-checks.
            let (st, _) = s
                .form(&c, "self_check", &[("id", &second.to_string())])
                .await;
            assert_eq!(st, 404);
        }
        s.stop().await;
    }
}
