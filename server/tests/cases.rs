//! Applications and intake over HTTP, against the real server with a fresh database (SQLite,
//! and PostgreSQL when `TEST_DATABASE_URL` is set): drafts, uploads typed by content, submission,
//! return, replacement, resubmission, acceptance, the timeline, bad input, and access.

mod common;

use app::store::testing::TestDb;
use common::*;
use reqwest::header;
use serde_json::{json, Value};

#[tokio::test]
async fn application_journey_and_timeline() {
    for db in TestDb::all().await {
        let kind = db.kind;
        let s = Srv::start(db).await;
        let inst = s.login("jigou").await;
        let clerk = s.login("xian-jbr").await;

        let (id, v1) = new_draft(&s, &inst, "少儿美术素描班").await;
        // Submitting an incomplete application is refused and changes nothing.
        let (st, v) = s
            .call(
                &inst,
                "case_action",
                json!({ "input": { "id": id, "version": v1, "action": { "kind": "submit" } } }),
            )
            .await;
        assert_eq!(st, 409, "{kind}: {v}");
        assert_eq!(v["Refused"]["key"], "err.guard.materials_missing");
        // The county does not see drafts.
        assert_eq!(s.case(&clerk, id).await.0, 404);

        let mats = upload_required(&s, &inst, id).await;
        let (st, v) = s
            .call(
                &inst,
                "case_action",
                json!({ "input": { "id": id, "version": v1, "action": { "kind": "submit" } } }),
            )
            .await;
        assert_eq!(
            (st, v["Refused"]["key"].as_str()),
            (409, Some("err.guard.undertaking_missing")),
            "{kind}"
        );
        let (st, v) = s.call(&inst, "save_draft", json!({ "input": { "id": id, "version": v1, "item": item("少儿美术素描班"), "undertaking": true } })).await;
        assert_eq!(st, 200, "{v}");
        let v2 = v["version"].as_i64().unwrap();
        let (st, v) = s
            .call(
                &inst,
                "case_action",
                json!({ "input": { "id": id, "version": v2, "action": { "kind": "submit" } } }),
            )
            .await;
        assert_eq!(st, 200, "{kind}: {v}");
        assert_eq!(v["state"], "submitted");

        // The intake queue of the county shows it, with an on-time deadline.
        let (st, q) = s.form(&clerk, "county_cases", &[("view", "intake")]).await;
        assert_eq!(st, 200);
        assert_eq!(q.as_array().unwrap().len(), 1);
        assert_eq!(q[0]["deadline"], "on_time");
        // 5 working days from Tuesday 2026-04-07 (Qingming 04-04..06 already past).
        assert_eq!(q[0]["due_on"], "2026-04-14");
        // Another county does not.
        let fk = s.login("fk-jbr").await;
        let (_, q2) = s.form(&fk, "county_cases", &[("view", "intake")]).await;
        assert_eq!(q2.as_array().unwrap().len(), 0);
        assert_eq!(s.case(&fk, id).await.0, 404);

        // Return with deficiencies; an empty list is refused.
        let (_, c) = s.case(&clerk, id).await;
        let ver = c["version"].as_i64().unwrap();
        let (st, v) = s.call(&clerk, "case_action", json!({ "input": { "id": id, "version": ver, "action": { "kind": "return", "deficiencies": ["", " "] } } })).await;
        assert_eq!(
            (st, v["Refused"]["key"].as_str()),
            (409, Some("err.guard.deficiencies_required"))
        );
        let (st, _) = s.call(&clerk, "case_action", json!({ "input": { "id": id, "version": ver, "action": { "kind": "return", "deficiencies": ["课时教案缺少第 3—8 课时", "宣传材料不清晰"] } } })).await;
        assert_eq!(st, 200);

        // The institution replaces a file: the earlier version stays, superseded.
        let (_, c) = s.case(&inst, id).await;
        assert_eq!(c["state"], "returned");
        assert_eq!(c["deficiencies"].as_array().unwrap().len(), 2);
        let (st, v) = s
            .upload(
                &inst,
                id,
                "lesson_plan",
                "课时教案（补正）.pdf",
                pdf("lesson v2"),
                Some(mats[2]),
            )
            .await;
        assert_eq!(st, 201, "{v}");
        let (_, c) = s.case(&inst, id).await;
        let lesson: Vec<&Value> = c["materials"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["kind"] == "lesson_plan")
            .collect();
        assert_eq!(lesson.len(), 2);
        assert!(lesson
            .iter()
            .any(|m| m["superseded"] == true && m["version"] == 1));
        assert!(lesson
            .iter()
            .any(|m| m["superseded"] == false && m["version"] == 2));
        let ver = c["version"].as_i64().unwrap();
        let (st, v) = s.call(&inst, "case_action", json!({ "input": { "id": id, "version": ver, "action": { "kind": "submit" }, "note": "已补充第 3—8 课时教案" } })).await;
        assert_eq!(st, 200, "{v}");

        // Accept: a case number and the draw clock.
        let (_, c) = s.case(&clerk, id).await;
        let ver = c["version"].as_i64().unwrap();
        let (st, v) = s
            .call(
                &clerk,
                "case_action",
                json!({ "input": { "id": id, "version": ver, "action": { "kind": "accept" } } }),
            )
            .await;
        assert_eq!(st, 200, "{v}");
        // Accepting again is an action in the wrong state.
        let (st, v) = s.call(&clerk, "case_action", json!({ "input": { "id": id, "version": ver + 1, "action": { "kind": "accept" } } })).await;
        assert_eq!(
            (st, v["Refused"]["key"].as_str()),
            (409, Some("err.wrong_state")),
            "{v}"
        );

        let (_, c) = s.case(&inst, id).await;
        assert_eq!(c["state"], "accepted");
        assert_eq!(c["number"], "CJ-2026-0001");
        assert_eq!(c["clock"], "draw");
        let steps: Vec<&str> = c["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert_eq!(
            steps,
            ["create", "submit", "return", "submit", "accept"],
            "{kind}"
        );
        let resubmit = &c["events"][3];
        assert_eq!(resubmit["reason"], "已补充第 3—8 课时教案");
        assert_eq!(c["events"][2]["deficiencies"].as_array().unwrap().len(), 2);
        // Withdrawal after acceptance but before the draw is still possible; not after a draw.
        assert!(c["actions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a == "withdraw"));

        // The audit chain holds every step.
        assert_eq!(
            app::store::audit::verify(&s.db.db).await.unwrap(),
            app::store::audit::Verdict::Ok {
                count: app::store::audit::verify(&s.db.db)
                    .await
                    .map(|v| match v {
                        app::store::audit::Verdict::Ok { count } => count,
                        _ => 0,
                    })
                    .unwrap()
            }
        );
        s.stop().await;
    }
}

#[tokio::test]
async fn bad_uploads_are_refused_and_change_nothing() {
    for db in TestDb::all().await {
        let s = Srv::start(db).await;
        let inst = s.login("jigou").await;
        let (id, _) = new_draft(&s, &inst, "少儿舞蹈启蒙").await;
        let cases: &[(&str, &str, Vec<u8>, &str)] = &[
            (
                "exe renamed pdf",
                "setup.pdf",
                b"MZ\x90\0\x03\0\0\0\x04\0\0\0".to_vec(),
                "err.file.type_unknown",
            ),
            (
                "html renamed pdf",
                "page.pdf",
                b"<html><script>alert(1)</script></html>".to_vec(),
                "err.file.type_unknown",
            ),
            ("empty", "empty.pdf", vec![], "err.file.empty"),
            (
                "oversized",
                "big.pdf",
                {
                    let mut v = pdf("big");
                    v.resize(70 * 1024, b' ');
                    v
                },
                "err.file.too_large",
            ),
            (
                "path",
                "../../etc/passwd.pdf",
                pdf("p"),
                "err.file.name_path",
            ),
            (
                "control",
                "bad\u{1}name.pdf",
                pdf("c"),
                "err.file.name_control",
            ),
            (
                "long name",
                &format!("{}.pdf", "长".repeat(86)),
                pdf("l"),
                "err.file.name_too_long",
            ),
            (
                "wrong extension",
                "plan.docx",
                pdf("w"),
                "err.file.extension_mismatch",
            ),
            (
                "plain zip",
                "plan.docx",
                zip(&["a.txt"]),
                "err.file.office_invalid",
            ),
        ];
        for (what, name, bytes, key) in cases {
            let (st, v) = s
                .upload(&inst, id, "course_plan", name, bytes.clone(), None)
                .await;
            assert_eq!(st, 422, "{what}: {v}");
            assert!(field_keys(&v).iter().any(|k| k == key), "{what}: {v}");
        }
        let (st, v) = s
            .upload(&inst, id, "no_such_kind", "a.pdf", pdf("k"), None)
            .await;
        assert_eq!(st, 422, "{v}");
        // A duplicate of a file already in the case.
        assert_eq!(
            s.upload(&inst, id, "course_plan", "plan.pdf", pdf("same"), None)
                .await
                .0,
            201
        );
        let (st, v) = s
            .upload(&inst, id, "other", "copy.pdf", pdf("same"), None)
            .await;
        assert_eq!(st, 422);
        assert!(field_keys(&v).contains(&"err.file.duplicate".to_string()));
        let (_, c) = s.case(&inst, id).await;
        assert_eq!(
            c["materials"].as_array().unwrap().len(),
            1,
            "only the good upload is kept"
        );
        // Nothing half-written is left in the temporary folder.
        let tmp = s.data_dir.join("files").join("tmp");
        assert_eq!(std::fs::read_dir(&tmp).unwrap().count(), 0);
        s.stop().await;
    }
}

#[tokio::test]
async fn stale_draft_from_a_second_tab_is_refused() {
    for db in TestDb::all().await {
        let s = Srv::start(db).await;
        let inst = s.login("jigou").await;
        let (id, v1) = new_draft(&s, &inst, "少儿围棋入门").await;
        let (st, _) = s.call(&inst, "save_draft", json!({ "input": { "id": id, "version": v1, "item": item("第一个标签页"), "undertaking": false } })).await;
        assert_eq!(st, 200);
        let (st, v) = s.call(&inst, "save_draft", json!({ "input": { "id": id, "version": v1, "item": item("第二个标签页"), "undertaking": false } })).await;
        assert_eq!(st, 409);
        assert_eq!(v, json!("Stale"));
        let (_, c) = s.case(&inst, id).await;
        assert_eq!(c["item"]["name"], "第一个标签页");
        // An action at a stale version changes nothing either.
        let (st, _) = s.call(&inst, "case_action", json!({ "input": { "id": id, "version": v1, "action": { "kind": "withdraw", "reason": "" } } })).await;
        assert_eq!(st, 409);
        assert_eq!(s.case(&inst, id).await.1["state"], "draft");
        s.stop().await;
    }
}

#[tokio::test]
async fn other_institutions_and_counties_see_nothing() {
    for db in TestDb::all().await {
        let s = Srv::start(db).await;
        let inst = s.login("jigou").await;
        let other = s.login("jigou2").await;
        let (id, _) = new_draft(&s, &inst, "少儿书法").await;
        let mats = upload_required(&s, &inst, id).await;

        // The owner downloads with a proper RFC 6266 name and nosniff.
        let r = s
            .http
            .get(format!("{}/files/materials/{}", s.base, mats[0]))
            .header(header::COOKIE, &inst)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let cd = r
            .headers()
            .get(header::CONTENT_DISPOSITION)
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        assert!(cd.starts_with("attachment;"), "{cd}");
        assert!(
            cd.contains(
                "filename*=UTF-8''%E5%9F%B9%E8%AE%AD%E8%AF%BE%E7%A8%8B%E6%96%B9%E6%A1%88.pdf"
            ),
            "{cd}"
        );
        assert_eq!(
            r.headers().get("x-content-type-options").unwrap(),
            "nosniff"
        );
        assert_eq!(
            r.headers().get(header::CONTENT_TYPE).unwrap(),
            "application/pdf"
        );
        assert!(r.bytes().await.unwrap().starts_with(b"%PDF-"));
        let r = s
            .http
            .get(format!("{}/files/materials/{}?inline=1", s.base, mats[0]))
            .header(header::COOKIE, &inst)
            .send()
            .await
            .unwrap();
        assert!(r
            .headers()
            .get(header::CONTENT_DISPOSITION)
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("inline;"));
        // Word files are never inline.
        let r = s
            .http
            .get(format!("{}/files/materials/{}?inline=1", s.base, mats[1]))
            .header(header::COOKIE, &inst)
            .send()
            .await
            .unwrap();
        assert!(r
            .headers()
            .get(header::CONTENT_DISPOSITION)
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("attachment;"));

        // Another institution: the case, its file and an upload are all "not found".
        assert_eq!(s.case(&other, id).await.0, 404);
        let r = s
            .http
            .get(format!("{}/files/materials/{}", s.base, mats[0]))
            .header(header::COOKIE, &other)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
        assert_eq!(
            s.upload(&other, id, "other", "x.pdf", pdf("intruder"), None)
                .await
                .0,
            404
        );
        let (st, _) = s.call(&other, "save_draft", json!({ "input": { "id": id, "version": 1, "item": item("篡改"), "undertaking": false } })).await;
        assert_eq!(st, 404);
        let (st, _) = s.call(&other, "case_action", json!({ "input": { "id": id, "version": 1, "action": { "kind": "withdraw", "reason": "" } } })).await;
        assert_eq!(st, 404);
        // Not signed in: 401, as every endpoint answers without a session.
        assert_eq!(
            s.http
                .get(format!("{}/files/materials/{}", s.base, mats[0]))
                .send()
                .await
                .unwrap()
                .status(),
            401
        );
        // A missing id looks the same as a foreign one.
        assert_eq!(s.case(&other, 999_999).await.0, 404);
        // A county clerk may not act for the institution, nor the institution for the county.
        let clerk = s.login("xian-jbr").await;
        let (_, c) = s.case(&inst, id).await;
        let ver = c["version"].as_i64().unwrap();
        let (st, _) = s.call(&inst, "save_draft", json!({ "input": { "id": id, "version": ver, "item": item("少儿书法"), "undertaking": true } })).await;
        assert_eq!(st, 200);
        let (st, v) = s
        .call(
            &inst,
            "case_action",
            json!({ "input": { "id": id, "version": ver + 1, "action": { "kind": "submit" } } }),
        )
        .await;
        assert_eq!(st, 200, "{v}");
        let (st, _) = s
        .call(
            &inst,
            "case_action",
            json!({ "input": { "id": id, "version": ver + 2, "action": { "kind": "accept" } } }),
        )
        .await;
        assert_eq!(st, 403);
        let (st, _) = s.call(&clerk, "case_action", json!({ "input": { "id": id, "version": ver + 2, "action": { "kind": "withdraw", "reason": "x" } } })).await;
        assert_eq!(st, 403);
        // Only the director determines directly.
        let (st, _) = s.call(&clerk, "case_action", json!({ "input": { "id": id, "version": ver + 2, "action": { "kind": "determine_directly", "category": "non_subject", "reasons": "书法属艺术类" } } })).await;
        assert_eq!(st, 403);
        let director = s.login("xian-fzr").await;
        let (st, v) = s.call(&director, "case_action", json!({ "input": { "id": id, "version": ver + 2, "action": { "kind": "determine_directly", "category": "non_subject", "reasons": "书法属于艺术类培训，可直接认定。" } } })).await;
        assert_eq!(st, 200, "{v}");
        let (_, c) = s.case(&inst, id).await;
        assert_eq!(c["state"], "determined");
        assert_eq!(c["category"], "non_subject");
        s.stop().await;
    }
}

#[tokio::test]
async fn institution_profile_is_validated_and_keeps_its_county() {
    for db in TestDb::all().await {
        let s = Srv::start(db).await;
        let inst = s.login("jigou").await;
        let (st, p) = s.form(&inst, "my_institution", &[]).await;
        assert_eq!(st, 200, "{p}");
        let version = p["version"].as_i64().unwrap();
        let mut input = p["input"].clone();
        // A wrong check digit and a bad phone: refused field by field, nothing saved.
        let good_uscc = input["uscc"].as_str().unwrap().to_string();
        let mut bad = good_uscc.clone();
        let last = bad.pop().unwrap();
        bad.push(if last == '0' { '1' } else { '0' });
        input["uscc"] = json!(bad);
        input["contact_phone"] = json!("12345");
        let (st, v) = s
            .call(
                &inst,
                "save_my_institution",
                json!({ "input": input, "version": version }),
            )
            .await;
        assert_eq!(st, 422, "{v}");
        let keys = field_keys(&v);
        assert!(keys.contains(&"err.uscc_check_digit".to_string()), "{v}");
        assert!(keys.contains(&"err.phone_format".to_string()), "{v}");
        // A valid change is saved; the county sent along is ignored.
        input["uscc"] = json!(good_uscc);
        input["contact_phone"] = json!("0994-2345678");
        input["address"] = json!("新疆维吾尔自治区昌吉回族自治州昌吉市延安南路 10 号");
        input["county"] = json!(652302);
        let (st, v) = s
            .call(
                &inst,
                "save_my_institution",
                json!({ "input": input, "version": version }),
            )
            .await;
        assert_eq!(st, 200, "{v}");
        let (_, p2) = s.form(&inst, "my_institution", &[]).await;
        assert_eq!(p2["input"]["county"], 652301);
        assert_eq!(p2["input"]["contact_phone"], "0994-2345678");
        // The same version again is stale.
        let (st, _) = s
            .call(
                &inst,
                "save_my_institution",
                json!({ "input": input, "version": version }),
            )
            .await;
        assert_eq!(st, 409);
        // Bureau staff have no institution profile of their own.
        let clerk = s.login("xian-jbr").await;
        assert_eq!(s.form(&clerk, "my_institution", &[]).await.0, 404);

        // Withdrawing a submitted application before the draw.
        let (id, v1) = new_draft(&s, &inst, "少儿篮球").await;
        upload_required(&s, &inst, id).await;
        let (_, v) = s.call(&inst, "save_draft", json!({ "input": { "id": id, "version": v1, "item": item("少儿篮球"), "undertaking": true } })).await;
        let ver = v["version"].as_i64().unwrap();
        let (st, _) = s
            .call(
                &inst,
                "case_action",
                json!({ "input": { "id": id, "version": ver, "action": { "kind": "submit" } } }),
            )
            .await;
        assert_eq!(st, 200);
        let (st, v) = s.call(&inst, "case_action", json!({ "input": { "id": id, "version": ver + 1, "action": { "kind": "withdraw", "reason": "调整课程后再申请" } } })).await;
        assert_eq!(st, 200, "{v}");
        let (_, c) = s.case(&inst, id).await;
        assert_eq!(c["state"], "withdrawn");
        assert_eq!(c["clock"], Value::Null);
        // Withdrawn cases take no more uploads.
        assert_ne!(
            s.upload(&inst, id, "other", "late.pdf", pdf("late"), None)
                .await
                .0,
            201
        );
        s.stop().await;
    }
}

/// A bureau's case list is paged and searchable (issue 19): by number, institution, item, state
/// and date of submission, within the user's county; bad input is named by field.
#[tokio::test]
async fn the_bureaus_case_list_is_paged_and_searched() {
    for db in TestDb::all().await {
        let s = Srv::start(db).await;
        let inst = s.login("jigou").await;
        let clerk = s.login("xian-jbr").await;
        for i in 0..27 {
            submitted(&s, &inst, &format!("分页项目{i:02}")).await;
        }
        let other = s.login("jigou2").await;
        submitted(&s, &other, "分页项目外县").await;
        let search = |who: String, q: String| {
            let s = &s;
            async move {
                let r = s
                    .http
                    .get(format!("{}/api/search_cases?{q}", s.base))
                    .header(reqwest::header::COOKIE, who)
                    .send()
                    .await
                    .unwrap();
                let st = r.status().as_u16();
                (st, r.json::<Value>().await.unwrap())
            }
        };
        let (st, v) = search(clerk.clone(), "query[item]=分页项目".into()).await;
        assert_eq!(st, 200, "{v}");
        assert_eq!(v["total"], 27, "another county's case is not listed");
        assert_eq!(v["pages"], 2);
        assert_eq!(v["rows"].as_array().unwrap().len(), 25);
        let (_, v2) = search(clerk.clone(), "query[item]=分页项目&query[page]=2".into()).await;
        assert_eq!(v2["rows"].as_array().unwrap().len(), 2);
        let (_, v) = search(clerk.clone(), "query[item]=分页项目05".into()).await;
        assert_eq!(v["total"], 1);
        let (_, v) = search(
            clerk.clone(),
            "query[institution]=星辰&query[state]=submitted".into(),
        )
        .await;
        assert_eq!(v["total"], 27, "{v}");
        let (_, v) = search(clerk.clone(), "query[state]=accepted".into()).await;
        assert_eq!(v["total"], 0);
        let (_, v) = search(clerk.clone(), "query[from]=2026-04-08".into()).await;
        assert_eq!(v["total"], 0, "submitted on 2026-04-07");
        let (_, v) = search(
            clerk.clone(),
            "query[from]=2026-04-07&query[to]=2026-04-07".into(),
        )
        .await;
        assert_eq!(v["total"], 27);
        // The prefecture sees every county; bad input is named by field.
        let (_, v) = search(s.login("zhou-jbr").await, "query[item]=分页项目".into()).await;
        assert_eq!(v["total"], 28);
        let (st, v) = search(
            clerk.clone(),
            "query[state]=draft&query[from]=x&query[page]=0".into(),
        )
        .await;
        assert_eq!(st, 422, "{v}");
        assert_eq!(field_keys(&v).len(), 3, "{v}");
        let (st, _) = search(inst.clone(), String::new()).await;
        assert_eq!(st, 403);
        s.stop().await;
    }
}
