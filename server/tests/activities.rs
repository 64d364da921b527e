//! 鉴定活动 over HTTP against the real server (SQLite, and PostgreSQL when `TEST_DATABASE_URL`
//! is set): seated experts and the clerk record activities with photos; validation, stale
//! versions and everyone outside the panel are refused and change nothing; photos are typed by
//! content and served to the panel only through the access policy.

mod common;

use app::store::entities::{activity, activity_file, audit_event};
use app::store::testing::TestDb;
use common::*;
use reqwest::header;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};

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

/// A case of jigou's in 昌吉市, drawn by the clerk, every seat accepted: UNDER_REVIEW.
/// Returns the case and the seated experts.
async fn under_review(s: &Srv, inst: &str, clerk: &str) -> (i64, Vec<i64>) {
    let id = accepted_case(s, inst, clerk, "少儿美术", "arts", "primary").await;
    let ver = version_of(s, clerk, id).await;
    let (st, v) = s
        .call(
            clerk,
            "run_draw",
            json!({ "input": { "id": id, "version": ver, "kind": "initial", "panel_size": 3, "backups": 2, "reason": "", "observer": null } }),
        )
        .await;
    assert_eq!(st, 200, "{v}");
    let (st, p) = s.form(clerk, "draw_page", &[("id", &id.to_string())]).await;
    assert_eq!(st, 200, "{p}");
    let seated: Vec<i64> = p["seats"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["status"] == "invited")
        .map(|x| x["expert_id"].as_i64().unwrap())
        .collect();
    assert_eq!(seated.len(), 3, "{p}");
    for e in &seated {
        let (st, v) = answer(
            s,
            *e,
            id,
            json!({ "kind": "accept_seat", "declaration_signed": true }),
        )
        .await;
        assert_eq!(st, 200, "{v}");
    }
    let (_, c) = s.case(clerk, id).await;
    assert_eq!(c["state"], "under_review", "{c}");
    (id, seated)
}

fn input(case: i64, id: Option<i64>, version: i64, kind: &str, date: &str, notes: &str) -> Value {
    json!({ "input": {
        "case_id": case, "id": id, "version": version, "kind": kind, "held_on": date,
        "place": "机构二楼203教室", "participants": "张老师（组长）、李老师、机构负责人王某", "notes": notes,
    } })
}

fn field_errors(v: &Value) -> Vec<(String, String)> {
    v["Validation"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            (
                e["field"].as_str().unwrap_or_default().to_string(),
                e["key"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

async fn counts(s: &Srv) -> (u64, u64, u64) {
    (
        activity::Entity::find().count(&s.db.db).await.unwrap(),
        activity_file::Entity::find().count(&s.db.db).await.unwrap(),
        audit_event::Entity::find()
            .filter(audit_event::Column::Action.starts_with("activity."))
            .count(&s.db.db)
            .await
            .unwrap(),
    )
}

async fn upload(s: &Srv, who: &str, activity: i64, name: &str, bytes: Vec<u8>) -> (u16, Value) {
    let mut url =
        reqwest::Url::parse(&format!("{}/files/activities/{activity}/files", s.base)).unwrap();
    url.query_pairs_mut().append_pair("name", name);
    let r = s
        .http
        .post(url)
        .header(header::COOKIE, who)
        .body(bytes)
        .send()
        .await
        .unwrap();
    let st = r.status().as_u16();
    let t = r.text().await.unwrap();
    (st, serde_json::from_str(&t).unwrap_or(Value::String(t)))
}

async fn download(s: &Srv, who: &str, file: i64, inline: bool) -> reqwest::Response {
    let q = if inline { "?inline=1" } else { "" };
    s.http
        .get(format!("{}/files/activity-files/{file}{q}", s.base))
        .header(header::COOKIE, who)
        .send()
        .await
        .unwrap()
}

const NOTES: &str = "观摩三年级素描课一节（40 分钟），教师讲解透视基础，学生 12 人。";

#[tokio::test]
async fn a_seated_expert_records_an_activity_with_a_photo() {
    for db in TestDb::all().await {
        let s = Srv::start(db).await;
        let inst = s.login("jigou").await;
        let clerk = s.login("xian-jbr").await;
        let (id, seated) = under_review(&s, &inst, &clerk).await;
        let e1 = expert_cookie(&s, seated[0]).await;
        let e2 = expert_cookie(&s, seated[1]).await;

        let (st, v) = s
            .call(
                &e1,
                "save_activity",
                input(id, None, 0, "class_observation", "2026-04-07", NOTES),
            )
            .await;
        assert_eq!(st, 200, "{v}");
        assert_eq!(v["version"], 1);
        let act = v["id"].as_i64().unwrap();

        // A camera picture: stored, typed by its bytes, listed with the activity.
        let (st, v) = upload(&s, &e1, act, "IMG_20260407_0930.png", png()).await;
        assert_eq!(st, 201, "{v}");
        let photo = v["id"].as_i64().unwrap();
        // The same picture sent again (a retry on a weak connection) is kept once.
        let (st, v) = upload(&s, &e1, act, "IMG_20260407_0930.png", png()).await;
        assert_eq!((st, v["id"].as_i64()), (200, Some(photo)), "{v}");

        // Another member sees it on the case page, with its anchor id and file.
        let (st, c) = s.case(&e2, id).await;
        assert_eq!(st, 200, "{c}");
        let acts = c["activities"].as_array().unwrap();
        assert_eq!(acts.len(), 1, "{c}");
        assert_eq!(acts[0]["id"], act);
        assert_eq!(acts[0]["kind"], "class_observation");
        assert_eq!(acts[0]["held_on"], "2026-04-07");
        assert_eq!(acts[0]["notes"], NOTES);
        assert_eq!(acts[0]["files"][0]["id"], photo);
        assert_eq!(acts[0]["files"][0]["file_type"], "png");
        assert_eq!(c["activity_rules"]["can_record"], true);

        // Downloadable by the panel: the very bytes, as an attachment, or inline for the page.
        let r = download(&s, &e2, photo, false).await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()[header::CONTENT_TYPE], "image/png");
        assert!(r.headers()[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment;"));
        assert_eq!(r.bytes().await.unwrap().to_vec(), png());
        let r = download(&s, &e1, photo, true).await;
        assert_eq!(r.status(), 200);
        assert!(r.headers()[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("inline;"));

        // The clerk of the level records too; both writes are in the audit chain.
        let (st, v) = s
            .call(
                &clerk,
                "save_activity",
                input(
                    id,
                    None,
                    0,
                    "site_visit",
                    "2026-04-07",
                    "查看教室、消防通道和收费公示。",
                ),
            )
            .await;
        assert_eq!(st, 200, "{v}");
        assert_eq!(counts(&s).await, (2, 1, 3));
        assert!(matches!(
            app::store::audit::verify(&s.db.db).await.unwrap(),
            app::store::audit::Verdict::Ok { .. }
        ));
        s.stop().await;
    }
}

#[tokio::test]
async fn invalid_stale_and_outsiders_change_nothing() {
    for db in TestDb::all().await {
        let s = Srv::start(db).await;
        let inst = s.login("jigou").await;
        let clerk = s.login("xian-jbr").await;
        let (id, seated) = under_review(&s, &inst, &clerk).await;
        let e1 = expert_cookie(&s, seated[0]).await;
        let (st, v) = s
            .call(
                &e1,
                "save_activity",
                input(id, None, 0, "interview", "2026-04-07", NOTES),
            )
            .await;
        assert_eq!(st, 200, "{v}");
        let act = v["id"].as_i64().unwrap();
        let before = counts(&s).await;
        assert_eq!(before, (1, 0, 1));

        // Validation: the domain's rules, field by field; nothing stored.
        for (kind, date, notes, want) in [
            (
                "interview",
                "2026-04-08",
                NOTES,
                ("activity.held_on", "err.activity.date_future"),
            ),
            (
                "interview",
                "2026-04-06",
                NOTES,
                ("activity.held_on", "err.activity.date_before_acceptance"),
            ),
            (
                "interview",
                "2026-04-07",
                "  ",
                ("activity.notes", "err.required"),
            ),
            (
                "lecture",
                "2026-04-07",
                NOTES,
                ("activity.kind", "err.activity.kind_unknown"),
            ),
        ] {
            for target in [None, Some(act)] {
                let (st, v) = s
                    .call(
                        &e1,
                        "save_activity",
                        input(id, target, 1, kind, date, notes),
                    )
                    .await;
                assert_eq!(st, 422, "{v}");
                assert_eq!(
                    field_errors(&v),
                    [(want.0.to_string(), want.1.to_string())],
                    "{v}"
                );
            }
        }
        let (st, v) = s
            .call(
                &e1,
                "save_activity",
                json!({ "input": { "case_id": id, "id": null, "version": 0, "kind": "", "held_on": "", "participants": "", "notes": "" } }),
            )
            .await;
        assert_eq!(st, 422, "{v}");
        // Kind, date, place, participants, notes.
        assert_eq!(field_errors(&v).len(), 5, "{v}");
        assert_eq!(counts(&s).await, before);

        // Optimistic version: the second save from version 1 is refused.
        let (st, v) = s
            .call(
                &e1,
                "save_activity",
                input(
                    id,
                    Some(act),
                    1,
                    "interview",
                    "2026-04-07",
                    "访谈机构负责人，了解课程设置。",
                ),
            )
            .await;
        assert_eq!((st, v["version"].as_i64()), (200, Some(2)), "{v}");
        let (st, v) = s
            .call(
                &e1,
                "save_activity",
                input(
                    id,
                    Some(act),
                    1,
                    "site_visit",
                    "2026-04-07",
                    "这次修改基于旧版本。",
                ),
            )
            .await;
        assert_eq!(st, 409, "{v}");
        assert_eq!(v, json!("Stale"), "{v}");
        let row = activity::Entity::find_by_id(act)
            .one(&s.db.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((row.kind.as_str(), row.version), ("interview", 2));
        let after_edit = counts(&s).await;
        assert_eq!(after_edit, (1, 0, 2));

        // Outsiders: an expert not on the panel, another county's clerk, the institution.
        let (_, p) = s
            .form(&clerk, "draw_page", &[("id", &id.to_string())])
            .await;
        let involved: Vec<i64> = p["seats"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["expert_id"].as_i64().unwrap())
            .collect();
        let outsider = (1..=6).find(|e| !involved.contains(e)).unwrap();
        let outsider = expert_cookie(&s, outsider).await;
        let other_clerk = s.login("fk-jbr").await;
        for (who, want) in [(&outsider, 404), (&other_clerk, 404), (&inst, 403)] {
            let (st, v) = s
                .call(
                    who,
                    "save_activity",
                    input(id, None, 0, "interview", "2026-04-07", NOTES),
                )
                .await;
            assert_eq!(st, want, "{v}");
            let (st, v) = s
                .call(
                    who,
                    "save_activity",
                    input(id, Some(act), 2, "interview", "2026-04-07", NOTES),
                )
                .await;
            assert_eq!(st, want, "{v}");
            let (st, v) = upload(&s, who, act, "photo.png", png()).await;
            assert_eq!(st, want, "{v}");
        }
        // An activity id under another case's id is not found.
        let (st, v) = s
            .call(
                &e1,
                "save_activity",
                input(id + 1000, Some(act), 2, "interview", "2026-04-07", NOTES),
            )
            .await;
        assert_eq!(st, 404, "{v}");
        assert_eq!(counts(&s).await, after_edit);
        s.stop().await;
    }
}

#[tokio::test]
async fn photos_are_typed_by_content_and_served_by_the_policy() {
    for db in TestDb::all().await {
        let s = Srv::start(db).await;
        let inst = s.login("jigou").await;
        let clerk = s.login("xian-jbr").await;
        let (id, seated) = under_review(&s, &inst, &clerk).await;
        let e1 = expert_cookie(&s, seated[0]).await;
        let (_, v) = s
            .call(
                &e1,
                "save_activity",
                input(id, None, 0, "written_review", "2026-04-07", NOTES),
            )
            .await;
        let act = v["id"].as_i64().unwrap();

        // Not an image (nor a PDF): refused, nothing kept.
        let docx = zip(&["[Content_Types].xml", "word/document.xml"]);
        let (st, v) = upload(&s, &e1, act, "记录.docx", docx).await;
        assert_eq!(st, 422, "{v}");
        assert_eq!(field_keys(&v), ["err.activity.file_type"], "{v}");
        let (st, v) = upload(&s, &e1, act, "notes.txt", b"hello".to_vec()).await;
        assert_eq!(st, 422, "{v}");
        // An image name on bytes that are no image.
        let (st, v) = upload(
            &s,
            &e1,
            act,
            "photo.jpg",
            b"<html>not a photo</html>".to_vec(),
        )
        .await;
        assert_eq!(st, 422, "{v}");
        // Too large.
        let mut big = png();
        big.resize(65 * 1024, 0);
        let (st, v) = upload(&s, &e1, act, "big.png", big).await;
        assert_eq!(st, 422, "{v}");
        assert_eq!(field_keys(&v), ["err.file.too_large"], "{v}");
        assert_eq!(counts(&s).await, (1, 0, 1));

        // A PNG and a PDF are kept.
        let (st, v) = upload(&s, &e1, act, "教室.png", png()).await;
        assert_eq!(st, 201, "{v}");
        let photo = v["id"].as_i64().unwrap();
        let (st, v) = upload(&s, &e1, act, "签到表.pdf", pdf("sign-in")).await;
        assert_eq!(st, 201, "{v}");
        assert_eq!(counts(&s).await, (1, 2, 3));

        // The panel and the clerk download; another county's clerk and strangers do not.
        for who in [&e1, &clerk] {
            let r = download(&s, who, photo, false).await;
            assert_eq!(r.status(), 200);
            assert_eq!(r.bytes().await.unwrap().to_vec(), png());
        }
        let other_clerk = s.login("fk-jbr").await;
        assert_eq!(download(&s, &other_clerk, photo, false).await.status(), 404);
        assert_eq!(
            download(&s, "jd_session=nope", photo, false).await.status(),
            401
        );
        assert_eq!(download(&s, &e1, photo + 1000, false).await.status(), 404);
        let (st, _) = s.case(&other_clerk, id).await;
        assert_eq!(st, 404);
        s.stop().await;
    }
}
