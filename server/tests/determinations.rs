//! 鉴定结论 as a record of its own (issue 19), against the real server (SQLite, and PostgreSQL
//! when `TEST_DATABASE_URL` is set): the results registry lists only what stands — a case
//! terminated afterwards leaves it, a county result overturned on re-review is replaced by the
//! prefecture's, a determination under re-review and a revoked one are marked; a revocation
//! needs its director, reasons and the credit record it follows from; and a 学前 item found
//! 学科类 is recorded and shown as prohibited on every path that determines.

mod common;

use app::store::testing::TestDb;
use common::*;
use serde_json::{json, Value};

/// The registry rows (bureau view) for an item name.
async fn listed(s: &Srv, who: &str, item: &str) -> Vec<Value> {
    let r = s
        .http
        .get(format!("{}/api/registry?query[item]={item}", s.base))
        .header(reqwest::header::COOKIE, who)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    v["rows"].as_array().cloned().unwrap_or_default()
}

async fn public(s: &Srv, item: &str) -> Vec<Value> {
    let r = s
        .http
        .get(format!("{}/api/public_registry?query[item]={item}", s.base))
        .send()
        .await
        .unwrap();
    let v: Value = r.json().await.unwrap();
    v["rows"].as_array().cloned().unwrap_or_default()
}

async fn determination(s: &Srv, who: &str, id: i64) -> Value {
    let (st, c) = s.case(who, id).await;
    assert_eq!(st, 200, "{c}");
    c["determination"].clone()
}

fn institution_record(inst_id: i64, case: Option<i64>) -> Value {
    json!({ "input": {
        "subject": "institution", "target_id": inst_id, "case_id": case, "case_number": "",
        "void_sheet": false,
        "form": { "kind": "false_material", "measure": "", "reason": "申报的教学大纲与实际授课内容不符，系提供虚假材料。" }
    } })
}

#[tokio::test]
async fn the_registry_lists_what_stands() {
    for db in TestDb::all().await {
        let s = Srv::start(db).await;
        let inst = s.login("jigou").await;
        let director = s.login("xian-fzr").await;
        let clerk = s.login("xian-jbr").await;
        let inst_id = s
            .case(&inst, submitted(&s, &inst, "登记-占位").await)
            .await
            .1["institution"]["id"]
            .as_i64()
            .unwrap();

        // In force: listed, in full and in public.
        let a = determined_directly(&s, &inst, &director, "登记-有效").await;
        let rows = listed(&s, &clerk, "登记-有效").await;
        assert_eq!(rows.len(), 1, "{rows:?}");
        assert_eq!(rows[0]["standing"], "effective");
        assert_eq!(public(&s, "登记-有效").await.len(), 1);
        let d = determination(&s, &inst, a).await;
        assert_eq!(d["basis"], "direct");
        assert_eq!(d["clause"], "七(四)");
        assert!(
            !d["decided_by"].as_str().unwrap_or_default().is_empty(),
            "{d}"
        );
        assert_eq!(d["standing"], "effective");

        // Terminated afterwards (false material): no longer listed; the case says why.
        let t = determined_directly(&s, &inst, &director, "登记-终止").await;
        let (st, v) = s
            .call(
                &director,
                "file_credit",
                institution_record(inst_id, Some(t)),
            )
            .await;
        assert_eq!(st, 200, "{v}");
        assert_eq!(v["terminated"], t);
        assert!(listed(&s, &clerk, "登记-终止").await.is_empty());
        assert!(public(&s, "登记-终止").await.is_empty());
        assert_eq!(determination(&s, &inst, t).await["standing"], "void");

        // Under re-review: listed and marked.
        let r = determined_directly(&s, &inst, &director, "登记-复审").await;
        let (st, v) = apply(
            &s,
            &inst,
            r,
            application("机构认为课程以体验为主，请求复审。"),
        )
        .await;
        assert_eq!(st, 200, "{v}");
        let rows = listed(&s, &clerk, "登记-复审").await;
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0]["standing"], "under_rereview");

        // Revoked: kept and marked; only the director who made it, with a credit record.
        let v_id = determined_directly(&s, &inst, &director, "登记-撤销").await;
        let ver = version_of(&s, &director, v_id).await;
        let revoke = |who: String, record: Option<i64>, reason: &'static str, version: i64| {
            let s = &s;
            async move {
                s.call(
                    &who,
                    "revoke_determination",
                    json!({ "input": { "case_id": v_id, "version": version, "revocation": { "reason": reason, "credit_record": record } } }),
                )
                .await
            }
        };
        let (st, v) = revoke(s.login("zhou-fzr").await, None, "理由", ver).await;
        assert_eq!(st, 403, "the prefecture did not make it: {v}");
        let (st, v) = revoke(director.clone(), None, "短", ver).await;
        assert_eq!(st, 422, "{v}");
        assert_eq!(
            field_keys(&v),
            vec!["err.text_too_short", "err.revocation.credit_record"]
        );
        let (st, rec) = s
            .call(&director, "file_credit", institution_record(inst_id, None))
            .await;
        assert_eq!(st, 200, "{rec}");
        let record = rec["record_id"].as_i64().unwrap();
        let why = "经核查，申报的教学大纲系伪造，结论所依据的材料不实。";
        let (st, v) = revoke(director.clone(), Some(record), why, ver - 1).await;
        assert_eq!(st, 409, "a stale version: {v}");
        let (st, v) = revoke(director.clone(), Some(record), why, ver).await;
        assert_eq!(st, 200, "{v}");
        let (st, v) = revoke(director.clone(), Some(record), why, ver + 1).await;
        assert_eq!(st, 409, "once: {v}");
        let rows = listed(&s, &clerk, "登记-撤销").await;
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0]["standing"], "revoked");
        assert_eq!(public(&s, "登记-撤销").await[0]["standing"], "revoked");
        let d = determination(&s, &inst, v_id).await;
        assert_eq!(d["standing"], "revoked");
        assert_eq!(d["revoke_reason"], why);
        assert_eq!(d["revoke_credit_record"], record);
        let (_, c) = s.case(&inst, v_id).await;
        assert!(
            c["events"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["action"] == "revoke_determination" && e["reason"] == why),
            "the institution sees the revocation on its case"
        );
        let _ = a;
        s.stop().await;
    }
}

#[tokio::test]
async fn a_county_result_overturned_on_rereview_is_replaced_by_the_prefectures() {
    for db in TestDb::all().await {
        let s = Srv::start(db).await;
        let inst = s.login("jigou").await;
        let director = s.login("xian-fzr").await;
        let pclerk = s.login("zhou-jbr").await;
        let pdirector = s.login("zhou-fzr").await;
        let id = determined_directly(&s, &inst, &director, "登记-改判").await;
        let (st, v) = apply(
            &s,
            &inst,
            id,
            application("课程按数学教材同步讲授，请求复审。"),
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
        let child = s.case(&inst, id).await.1["rereview"]["child"]["id"]
            .as_i64()
            .unwrap();
        let members = seat_panel(&s, &pclerk, child, 5).await;
        sealed_opinion_with(&s, &pdirector, child, &members, subject_sheet).await;
        let (st, v) = act(&s, &pdirector, child, json!({ "kind": "determine", "category": "subject", "reasons": "依据州级复审专家组鉴定意见。" })).await;
        assert_eq!(st, 200, "{v}");
        // One row: the prefecture's, 学科类.
        let rows = listed(&s, &pclerk, "登记-改判").await;
        assert_eq!(rows.len(), 1, "{rows:?}");
        assert_eq!(rows[0]["prefecture"], true);
        assert_eq!(rows[0]["category"], "subject");
        assert_eq!(rows[0]["standing"], "effective");
        // The county case shows both, and which stands.
        assert_eq!(determination(&s, &inst, id).await["standing"], "superseded");
        let d = determination(&s, &inst, child).await;
        assert_eq!(d["basis"], "rereview");
        assert_eq!(d["clause"], "七(五)");
        assert_eq!(d["standing"], "effective");
        s.stop().await;
    }
}

/// A pre-school item (3–6) of institution A, submitted.
async fn preschool_case(s: &Srv, inst: &str, name: &str) -> i64 {
    let mut it = item(name);
    it["stage"] = json!("preschool");
    it["grades"] = json!([2, 3]);
    let (st, v) = s
        .call(
            inst,
            "save_draft",
            json!({ "input": { "id": null, "version": 0, "item": it, "undertaking": true } }),
        )
        .await;
    assert_eq!(st, 200, "{v}");
    let id = v["id"].as_i64().unwrap();
    upload_required(s, inst, id).await;
    let (st, v) = act(s, inst, id, json!({ "kind": "submit" })).await;
    assert_eq!(st, 200, "{v}");
    id
}

async fn prohibited(s: &Srv, who: &str, id: i64) {
    let d = determination(s, who, id).await;
    assert_eq!(d["category"], "subject", "{d}");
    assert_eq!(d["preschool_prohibited"], true, "{d}");
}

#[tokio::test]
async fn a_preschool_subject_result_is_prohibited_on_every_path() {
    for db in TestDb::all().await {
        let s = Srv::start(db).await;
        let inst = s.login("jigou").await;
        let clerk = s.login("xian-jbr").await;
        let director = s.login("xian-fzr").await;
        let pclerk = s.login("zhou-jbr").await;
        let pdirector = s.login("zhou-fzr").await;

        // Directly.
        let direct = preschool_case(&s, &inst, "学前-直接").await;
        determine_directly(&s, &director, direct, "subject").await;
        prohibited(&s, &inst, direct).await;
        assert_eq!(
            listed(&s, &clerk, "学前-直接").await[0]["preschool_prohibited"],
            true
        );

        // On the panel's opinion.
        let panel = accepted_case(&s, &inst, &clerk, "学前-专家组", "arts", "preschool").await;
        let m = seat_panel(&s, &clerk, panel, 3).await;
        sealed_opinion_with(&s, &director, panel, &m, subject_sheet).await;
        let (st, v) = act(&s, &director, panel, json!({ "kind": "determine", "category": "subject", "reasons": "依据专家组鉴定意见作出结论。" })).await;
        assert_eq!(st, 200, "{v}");
        prohibited(&s, &inst, panel).await;
        let (_, op) = s
            .form(&inst, "opinion_page", &[("case_id", &panel.to_string())])
            .await;
        assert_eq!(
            op["content"]["preschool_prohibited"], true,
            "the opinion says it too"
        );

        // The prefecture's ruling on an escalated case.
        let ruled = accepted_case(&s, &inst, &clerk, "学前-裁决", "arts", "preschool").await;
        let m = seat_panel(&s, &clerk, ruled, 3).await;
        sealed_opinion(&s, &director, ruled, &m).await;
        let (st, v) = act(
            &s,
            &director,
            ruled,
            json!({ "kind": "escalate", "reason": "专家组意见分歧较大，提请州教育局裁决。" }),
        )
        .await;
        assert_eq!(st, 200, "{v}");
        let (st, v) = act(&s, &pdirector, ruled, json!({ "kind": "determine", "category": "subject", "reasons": "课堂以拼音识字为主，裁决为学科类。" })).await;
        assert_eq!(st, 200, "{v}");
        prohibited(&s, &inst, ruled).await;
        assert_eq!(
            determination(&s, &inst, ruled).await["basis"],
            "prefecture_ruling"
        );

        // On re-review.
        let rr = preschool_case(&s, &inst, "学前-复审").await;
        determine_directly(&s, &director, rr, "non_subject").await;
        assert_eq!(
            determination(&s, &inst, rr).await["preschool_prohibited"],
            false
        );
        let (st, v) = apply(
            &s,
            &inst,
            rr,
            application("请求复审。机构认为课程以游戏为主。"),
        )
        .await;
        assert_eq!(st, 200, "{v}");
        let (st, v) = act(
            &s,
            &director,
            rr,
            json!({ "kind": "forward_rereview", "reasons": "" }),
        )
        .await;
        assert_eq!(st, 200, "{v}");
        let child = s.case(&inst, rr).await.1["rereview"]["child"]["id"]
            .as_i64()
            .unwrap();
        let m = seat_panel(&s, &pclerk, child, 5).await;
        sealed_opinion_with(&s, &pdirector, child, &m, subject_sheet).await;
        let (st, v) = act(&s, &pdirector, child, json!({ "kind": "determine", "category": "subject", "reasons": "依据州级复审专家组鉴定意见。" })).await;
        assert_eq!(st, 200, "{v}");
        prohibited(&s, &inst, child).await;
        s.stop().await;
    }
}
