//! The opinion (鉴定意见书) over HTTP against the real server (SQLite, and PostgreSQL when
//! `TEST_DATABASE_URL` is set): the order is enforced (no draft before every sheet, no seal before
//! every signature, no determination before the seal), an edit voids the signatures, a dissent
//! needs reasons, the sealed PDF is small and verifies, a changed PDF or record does not, and the
//! audit chain verifies after the whole case.

mod common;

use app::domain::sheet::ScoreSheet;
use app::domain::terms::Rating;
use app::store::seed::DEMO_PASSWORD;
use app::store::testing::TestDb;
use common::*;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{json, Value};

async fn submit_sheet(s: &Srv, who: &str, case: i64, sheet: &ScoreSheet) {
    confirm_briefing(s, who, case).await;
    let (st, v) = s.call(who, "save_sheet", json!({ "input": { "case_id": case, "base_version": 0, "sheet": sheet, "save_id": format!("final-{}", who.len()), "submit": true, "password": DEMO_PASSWORD } })).await;
    assert_eq!(st, 200, "{v}");
}

async fn page(s: &Srv, who: &str, case: i64) -> (u16, Value) {
    s.form(who, "opinion_page", &[("case_id", &case.to_string())])
        .await
}

fn draft_of(p: &Value) -> Value {
    p["draft"].clone()
}

async fn save(s: &Srv, who: &str, case: i64, version: i64, draft: &Value) -> (u16, Value) {
    s.call(
        who,
        "save_opinion",
        json!({ "input": { "case_id": case, "version": version, "draft": draft } }),
    )
    .await
}

async fn sign(s: &Srv, who: &str, case: i64, pw: &str, dissent: &str) -> (u16, Value) {
    let (_, p) = page(s, who, case).await;
    let revision = p["content"]["revision"].as_i64().unwrap_or(0);
    let version = p["version"].as_i64().unwrap();
    s.call(who, "sign_opinion", json!({ "input": { "case_id": case, "version": version, "revision": revision, "password": pw, "dissent": dissent } })).await
}

async fn get_bytes(s: &Srv, who: &str, path: &str) -> (u16, Vec<u8>) {
    let r = s
        .http
        .get(format!("{}{}", s.base, path))
        .header("cookie", who)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.bytes().await.unwrap().to_vec())
}

async fn verify_pdf(s: &Srv, bytes: Vec<u8>) -> (u16, Value) {
    let r = s
        .http
        .post(format!("{}/verify/pdf", s.base))
        .header("content-type", "application/pdf")
        .body(bytes)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

fn refused(v: &Value) -> String {
    v["Refused"]["key"].as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn draft_sign_seal_determine_and_verify() {
    for db in TestDb::all().await {
        let s = Srv::start(db).await;
        let inst = s.login("jigou").await;
        let director = s.login("xian-fzr").await;
        let (id, members, material) = under_review(&s).await;
        // Two members find the item non-subject; the third rates a core indicator S (dissent).
        let n = complete(material);
        let mut subj = complete(material);
        // A required core indicator rated S makes this member's verdict 学科类.
        let core = app::domain::rubric::current()
            .indicators()
            .map(|(_, i)| i)
            .find(|i| i.core && i.required)
            .unwrap()
            .id
            .clone();
        let x = subj.ratings.get_mut(&core).unwrap();
        x.rating = Some(Rating::S);
        x.evidence = "课程大纲按年级同步讲授教材内容".into();
        // The lead (组长) is marked on the panel.
        let clerk = s.login("xian-jbr").await;
        let (_, d) = s
            .form(&clerk, "draw_page", &[("id", &id.to_string())])
            .await;
        let lead_expert = d["seats"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["lead"] == true)
            .and_then(|x| x["expert_id"].as_i64())
            .expect("one member leads");
        let lead = members
            .iter()
            .find(|(e, _)| *e == lead_expert)
            .map(|(_, c)| c.clone())
            .unwrap();
        let others: Vec<&String> = members
            .iter()
            .map(|(_, c)| c)
            .filter(|c| **c != lead)
            .collect();
        submit_sheet(&s, &lead, id, &n).await;
        submit_sheet(&s, others[0], id, &n).await;
        // No draft before every sheet is in (the page offers no form yet either).
        let (_, p) = page(&s, &lead, id).await;
        assert_eq!(p["can_draft"], false, "{p}");
        let findings: Vec<Value> = app::domain::rubric::current()
            .dimensions
            .iter()
            .map(|d| json!([d.id, "本维度以兴趣培养为主"]))
            .collect();
        let draft = json!({ "reasons": "专家组认为该项目以兴趣培养为主。", "findings": findings });
        let ver = version_of(&s, &lead, id).await;
        let (st, v) = save(&s, &lead, id, ver, &draft).await;
        assert_eq!(st, 409, "{v}");
        assert_eq!(refused(&v), "err.guard.sheets_missing");
        submit_sheet(&s, others[1], id, &subj).await;

        // Only the lead drafts; the texts are checked.
        let (_, p) = page(&s, &lead, id).await;
        let mut draft = draft_of(&p);
        assert!(
            draft["reasons"].as_str().unwrap().contains("非学科类"),
            "{p}"
        );
        let ver = version_of(&s, &lead, id).await;
        let (st, _) = save(&s, others[0], id, ver, &draft).await;
        assert_eq!(st, 403);
        let (st, v) = save(
            &s,
            &lead,
            id,
            ver,
            &json!({ "reasons": "短", "findings": draft["findings"] }),
        )
        .await;
        assert_eq!(st, 422, "{v}");
        assert!(field_keys(&v).contains(&"err.opinion.reasons_short".to_string()));
        // The meeting first (guide 七(三)): held and minuted, or waived by the director.
        let (st, v) = save(&s, &lead, id, ver, &draft).await;
        assert_eq!(st, 409, "{v}");
        assert_eq!(refused(&v), "err.opinion.meeting_required");
        let (st, _) = s
            .form(
                &lead,
                "waive_meeting",
                &[
                    ("case_id", &id.to_string()),
                    ("version", &ver.to_string()),
                    ("reason", "成员不能代替负责人决定不召开鉴定会。"),
                ],
            )
            .await;
        assert_eq!(st, 403, "a member may not waive the meeting");
        waive_meeting(&s, &director, id).await;
        let ver = version_of(&s, &lead, id).await;
        let (st, v) = save(&s, &lead, id, ver, &draft).await;
        assert_eq!(st, 200, "{v}");
        let (_, c) = s.case(&director, id).await;
        assert_eq!(c["state"], "opinion_drafted");
        let (_, p) = page(&s, &director, id).await;
        assert_eq!(p["content"]["conclusion"], "non_subject");
        assert!(
            p["content"]["meeting_waived"]
                .as_str()
                .is_some_and(|w| w.contains("线上")),
            "the opinion says why no meeting was held: {p}"
        );
        assert_eq!(p["content"]["members"].as_array().unwrap().len(), 3);
        // The institution does not see the opinion before the determination.
        let (st, _) = page(&s, &inst, id).await;
        assert!(st == 403 || st == 404, "{st}");

        // No seal before every signature.
        let ver = version_of(&s, &director, id).await;
        let (st, v) = s
            .form(
                &director,
                "seal_opinion",
                &[
                    ("case_id", &id.to_string()),
                    ("version", &ver.to_string()),
                    ("password", DEMO_PASSWORD),
                ],
            )
            .await;
        assert_eq!(st, 409, "{v}");
        assert_eq!(refused(&v), "err.guard.signatures_missing");

        // Signing needs the password; the dissenter must give reasons.
        let (st, v) = sign(&s, &lead, id, "wrong-password", "").await;
        assert_eq!(st, 422, "{v}");
        let (st, v) = sign(&s, &lead, id, DEMO_PASSWORD, "").await;
        assert_eq!(st, 200, "{v}");
        let (st, v) = sign(&s, &lead, id, DEMO_PASSWORD, "").await;
        assert_eq!(st, 409, "{v}");
        assert_eq!(refused(&v), "err.guard.already_signed");
        let (st, v) = sign(&s, others[1], id, DEMO_PASSWORD, "").await;
        assert_eq!(st, 422, "{v}");
        assert!(field_keys(&v).contains(&"err.opinion.dissent_required".to_string()));
        let (st, v) = sign(
            &s,
            others[1],
            id,
            DEMO_PASSWORD,
            "课堂以同步讲授和练习为主，应为学科类。",
        )
        .await;
        assert_eq!(st, 200, "{v}");

        // An edit after signatures voids them: signing starts again.
        let (_, p) = page(&s, &lead, id).await;
        assert_eq!(p["signatures"].as_array().unwrap().len(), 2);
        draft = draft_of(&p);
        draft["reasons"] = json!("专家组经审查认为该项目以兴趣培养为主，认定为非学科类。");
        let ver = version_of(&s, &lead, id).await;
        let (st, v) = save(&s, &lead, id, ver, &draft).await;
        assert_eq!(st, 200, "{v}");
        let (_, p) = page(&s, &director, id).await;
        assert_eq!(p["signatures"].as_array().unwrap().len(), 0, "{p}");
        assert_eq!(p["content"]["revision"], 2);
        assert_eq!(p["waiting_for"].as_array().unwrap().len(), 3);
        // A signature of the old revision is stale.
        let ver = version_of(&s, others[0], id).await;
        let (st, _) = s.call(others[0], "sign_opinion", json!({ "input": { "case_id": id, "version": ver, "revision": 1, "password": DEMO_PASSWORD, "dissent": "" } })).await;
        assert_eq!(st, 409);
        for (c, d) in [
            (&lead, ""),
            (others[0], ""),
            (others[1], "课堂以同步讲授和练习为主，应为学科类。"),
        ] {
            let (st, v) = sign(&s, c, id, DEMO_PASSWORD, d).await;
            assert_eq!(st, 200, "{v}");
        }

        // No determination before the seal.
        let ver = version_of(&s, &director, id).await;
        let (st, v) = s.call(&director, "case_action", json!({ "input": { "id": id, "version": ver, "action": { "kind": "determine", "category": "non_subject", "reasons": "依据专家组意见。" } } })).await;
        assert_eq!(st, 409, "{v}");
        // The director seals with the password again.
        let (st, _) = s
            .form(
                &director,
                "seal_opinion",
                &[
                    ("case_id", &id.to_string()),
                    ("version", &ver.to_string()),
                    ("password", "nope"),
                ],
            )
            .await;
        assert_eq!(st, 422);
        let (st, v) = s
            .form(
                &director,
                "seal_opinion",
                &[
                    ("case_id", &id.to_string()),
                    ("version", &ver.to_string()),
                    ("password", DEMO_PASSWORD),
                ],
            )
            .await;
        assert_eq!(st, 200, "{v}");
        let (_, p) = page(&s, &director, id).await;
        let code = p["seal"]["verify_code"].as_str().unwrap().to_string();
        assert!(p["seal"]["qr_svg"].as_str().unwrap().starts_with("<svg"));
        let pdf_url = p["seal"]["pdf_url"].as_str().unwrap().to_string();
        let (st, pdf) = get_bytes(&s, &director, &pdf_url).await;
        assert_eq!(st, 200);
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(pdf.len() < 1024 * 1024, "PDF of {} bytes", pdf.len());
        // Not for the institution yet.
        let (st, _) = get_bytes(&s, &inst, &pdf_url).await;
        assert_eq!(st, 404);

        // Anyone can verify the code; names are withheld until the determination.
        let anon = String::new();
        let (st, v) = s.form(&anon, "verify_opinion", &[("code", &code)]).await;
        assert_eq!(st, 200, "{v}");
        assert_eq!(v["authentic"], true, "{v}");
        assert_eq!(v["signers"][0][0], "专家 1");
        let (st, v) = verify_pdf(&s, pdf.clone()).await;
        assert_eq!(st, 200, "{v}");
        assert_eq!(v["authentic"], true, "{v}");
        assert_eq!(v["pdf_matches"], true);
        let mut changed = pdf.clone();
        let mid = changed.len() / 2;
        changed[mid] ^= 0x20;
        let (_, v) = verify_pdf(&s, changed).await;
        assert_eq!(v["authentic"], false, "{v}");
        let (_, v) = s
            .form(&anon, "verify_opinion", &[("code", "ZZZZ-ZZZZ-ZZZZ")])
            .await;
        assert_eq!(v["unknown"], true);

        // The determination follows the sealed opinion.
        let ver = version_of(&s, &director, id).await;
        let (st, v) = s.call(&director, "case_action", json!({ "input": { "id": id, "version": ver, "action": { "kind": "determine", "category": "subject", "reasons": "另行认定。" } } })).await;
        assert_eq!(st, 409, "{v}");
        assert_eq!(refused(&v), "err.opinion.category_mismatch");
        let (st, v) = s.call(&director, "case_action", json!({ "input": { "id": id, "version": ver, "action": { "kind": "determine", "category": "non_subject", "reasons": "依据专家组鉴定意见。" } } })).await;
        assert_eq!(st, 200, "{v}");
        // Now the institution reads the notice with its re-review right, and the PDF.
        let (st, p) = page(&s, &inst, id).await;
        assert_eq!(st, 200, "{p}");
        assert_eq!(p["determined"]["category"], "non_subject");
        assert!(p["determined"]["rereview_until"].is_string(), "{p}");
        assert!(!p["content"]["members"][0]["name"]
            .as_str()
            .unwrap()
            .is_empty());
        let (st, again) = get_bytes(&s, &inst, &pdf_url).await;
        assert_eq!(st, 200);
        assert_eq!(again, pdf, "the PDF is the one made at sealing");
        let (_, v) = s.form(&anon, "verify_opinion", &[("code", &code)]).await;
        assert_ne!(v["signers"][0][0], "专家 1", "{v}");

        // A changed record is not authentic.
        let db = &s.db.db;
        let q = |sql: &str| Statement::from_string(db.get_database_backend(), sql.to_string());
        db.execute(q(&format!(
            "UPDATE opinion SET bundle = REPLACE(bundle, '\"conclusion\":\"non_subject\"', '\"conclusion\":\"subject\"') WHERE verify_code = '{code}'"
        )))
        .await
        .unwrap();
        let (_, v) = s.form(&anon, "verify_opinion", &[("code", &code)]).await;
        assert_eq!(v["authentic"], false, "{v}");
        assert!(v["broken"].is_string(), "{v}");

        // The audit chain verifies after the whole case.
        assert!(matches!(
            app::store::audit::verify(db).await.unwrap(),
            app::store::audit::Verdict::Ok { .. }
        ));
        s.stop().await;
    }
}

#[tokio::test]
async fn the_clerk_changes_the_lead_who_then_drafts() {
    for db in TestDb::all().await {
        let s = Srv::start(db).await;
        let clerk = s.login("xian-jbr").await;
        let (id, members, _) = under_review(&s).await;
        let (_, d) = s
            .form(&clerk, "draw_page", &[("id", &id.to_string())])
            .await;
        let seats = d["seats"].as_array().unwrap().clone();
        let old = seats.iter().find(|x| x["lead"] == true).unwrap();
        let new = seats.iter().find(|x| x["lead"] == false).unwrap();
        let (new_seat, new_expert) = (
            new["seat_id"].as_i64().unwrap(),
            new["expert_id"].as_i64().unwrap(),
        );
        let old_expert = old["expert_id"].as_i64().unwrap();
        let ver = version_of(&s, &clerk, id).await;
        let args = |v: i64, reason: &str| {
            vec![
                ("case_id".to_string(), id.to_string()),
                ("version".to_string(), v.to_string()),
                ("seat_id".to_string(), new_seat.to_string()),
                ("reason".to_string(), reason.to_string()),
            ]
        };
        let call = |a: Vec<(String, String)>, who: String| {
            let s = &s;
            async move {
                let f: Vec<(&str, &str)> =
                    a.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                s.form(&who, "set_panel_lead", &f).await
            }
        };
        // A reason is required; an expert may not do it; a stale version changes nothing.
        let (st, v) = call(args(ver, " "), clerk.clone()).await;
        assert_eq!(st, 409, "{v}");
        assert_eq!(refused(&v), "err.guard.reason_required");
        let (st, _) = call(args(ver, "组长出差"), members[0].1.clone()).await;
        assert!(st == 403 || st == 404, "{st}");
        let (st, _) = call(args(ver - 1, "组长出差"), clerk.clone()).await;
        assert_eq!(st, 409);
        let (st, v) = call(args(ver, "原组长出差，改由其他成员担任"), clerk.clone()).await;
        assert_eq!(st, 200, "{v}");
        let (_, d) = s
            .form(&clerk, "draw_page", &[("id", &id.to_string())])
            .await;
        let leads: Vec<i64> = d["seats"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| x["lead"] == true)
            .map(|x| x["expert_id"].as_i64().unwrap())
            .collect();
        assert_eq!(leads, vec![new_expert]);
        // The timeline says so.
        let (_, c) = s.case(&clerk, id).await;
        assert!(
            c["events"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["action"] == "set_lead"),
            "{c}"
        );
        // The new lead drafts; the old one no longer may.
        let cookie = |e: i64| members.iter().find(|(x, _)| *x == e).unwrap().1.clone();
        let (_, p) = page(&s, &cookie(old_expert), id).await;
        assert_ne!(p["can_draft"], true);
        let findings: Vec<Value> = app::domain::rubric::current()
            .dimensions
            .iter()
            .map(|d| json!([d.id, "本维度以兴趣培养为主"]))
            .collect();
        let draft = json!({ "reasons": "专家组认为该项目以兴趣培养为主。", "findings": findings });
        let ver = version_of(&s, &clerk, id).await;
        let (st, _) = save(&s, &cookie(old_expert), id, ver, &draft).await;
        assert_eq!(st, 403);
        s.stop().await;
    }
}
