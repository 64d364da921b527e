//! The identification meeting (鉴定会) and the policy briefing (政策培训) over HTTP against the
//! real server (SQLite, and PostgreSQL when `TEST_DATABASE_URL` is set): the clerk schedules the
//! meeting and each member sees it; a member cannot submit a sheet before confirming the
//! briefing; attendance and minutes come after the meeting and appear on the opinion; bad input,
//! stale edits and the wrong people change nothing.

mod common;

use app::store::seed::DEMO_PASSWORD;
use app::store::testing::TestDb;
use chrono::Duration;
use common::*;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{json, Value};

async fn schedule(s: &Srv, who: &str, case: i64, version: i64, m: Value) -> (u16, Value) {
    s.call(
        who,
        "schedule_meeting",
        json!({ "input": { "case_id": case, "version": version, "meeting": m } }),
    )
    .await
}

async fn minutes(s: &Srv, who: &str, case: i64, version: i64, m: Value) -> (u16, Value) {
    s.call(
        who,
        "record_minutes",
        json!({ "input": { "case_id": case, "version": version, "minutes": m } }),
    )
    .await
}

async fn meeting_page(s: &Srv, who: &str, case: i64) -> (u16, Value) {
    s.form(who, "meeting_page", &[("case_id", &case.to_string())])
        .await
}

async fn count(s: &Srv, sql: &str) -> i64 {
    let db = &s.db.db;
    let r = db
        .query_one(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    r.try_get_by_index::<i64>(0).unwrap()
}

fn refused(v: &Value) -> &str {
    v["Refused"]["key"].as_str().unwrap_or("")
}

#[tokio::test]
async fn the_meeting_the_briefing_and_the_minutes() {
    for db in TestDb::all().await {
        let s = Srv::start(db).await;
        // Tuesday 2026-04-07 09:00 CST: the panel of three has accepted.
        let (id, members, material) = under_review(&s).await;
        let clerk = s.login("xian-jbr").await;
        let inst = s.login("jigou").await;
        let other_county = s.login("fk-jbr").await;
        let director = s.login("xian-fzr").await;
        let (e1, m1) = members[0].clone();

        // Bad input: every field named, nothing stored.
        let (st, v) = schedule(
            &s,
            &clerk,
            id,
            0,
            json!({ "starts_at": "明天", "online": false, "place": "", "agenda": "x" }),
        )
        .await;
        assert_eq!(st, 422, "{v}");
        assert_eq!(
            field_keys(&v),
            ["err.meeting.time", "err.required", "err.text_too_short"]
        );
        assert_eq!(count(&s, "SELECT COUNT(*) FROM meeting").await, 0);
        // Only the clerk of the case's level; the institution and other counties see nothing.
        let good = json!({ "starts_at": "2026-04-08T09:30", "online": false, "place": "昌吉市教育局三楼会议室", "agenda": "政策培训；审阅申报材料；合议" });
        assert_eq!(schedule(&s, &m1, id, 0, good.clone()).await.0, 403);
        assert_eq!(schedule(&s, &director, id, 0, good.clone()).await.0, 403);
        assert_eq!(
            schedule(&s, &other_county, id, 0, good.clone()).await.0,
            404
        );
        assert_eq!(meeting_page(&s, &inst, id).await.0, 403);
        assert_eq!(meeting_page(&s, &other_county, id).await.0, 404);
        let (st, v) = schedule(&s, &clerk, id, 0, good.clone()).await;
        assert_eq!(st, 200, "{v}");
        assert_eq!(v["starts_at"], "2026-04-08 09:30");
        assert_eq!(v["version"], 1);
        // A second schedule from the same stale start is refused.
        let (st, v) = schedule(&s, &clerk, id, 0, good.clone()).await;
        assert_eq!((st, v.clone()), (409, json!("Stale")), "{v}");
        // Moved to the afternoon.
        let moved = json!({ "starts_at": "2026-04-08T14:30", "online": false, "place": "昌吉市教育局三楼会议室", "agenda": "政策培训；审阅申报材料；合议" });
        let (st, v) = schedule(&s, &clerk, id, 1, moved).await;
        assert_eq!(st, 200, "{v}");
        assert_eq!(v["version"], 2);

        // Each member sees it on their home, and that the briefing is still to be read.
        let (st, v) = s.form(&m1, "my_invitations", &[]).await;
        assert_eq!(st, 200, "{v}");
        let row = v
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["case_id"] == id)
            .unwrap();
        assert_eq!(row["meeting"], "2026-04-08 14:30 · 昌吉市教育局三楼会议室");
        assert_eq!(row["briefing_confirmed"], false);

        // The briefing: the basis documents of the case's rubric version.
        let (st, p) = meeting_page(&s, &m1, id).await;
        assert_eq!(st, 200, "{p}");
        assert_eq!(p["can_confirm"], true);
        assert_eq!(p["can_manage"], false);
        let basis: Vec<&str> = p["briefing"]["basis"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["number"].as_str().unwrap())
            .collect();
        assert!(basis.contains(&"教监管厅函〔2021〕16号"), "{basis:?}");
        assert!(
            basis.contains(&"教基厅〔2020〕1号"),
            "the negative list: {basis:?}"
        );
        assert!(!p["briefing"]["verdict_rule"]["zh"]
            .as_str()
            .unwrap()
            .is_empty());

        // No sheet before the briefing is confirmed: refused, nothing stored.
        let sheet = complete(material);
        let submit = |save_id: &str| json!({ "input": { "case_id": id, "base_version": 0, "sheet": sheet, "save_id": save_id, "submit": true, "password": DEMO_PASSWORD } });
        let (st, v) = s.call(&m1, "save_sheet", submit("m-1")).await;
        assert_eq!((st, refused(&v)), (409, "err.sheet.briefing"), "{v}");
        assert_eq!(
            count(
                &s,
                &format!("SELECT COUNT(*) FROM score_sheet WHERE case_id = {id}")
            )
            .await,
            0
        );
        // The clerk cannot confirm for a member; the member can, once.
        let (st, _) = s
            .form(&clerk, "confirm_briefing", &[("case_id", &id.to_string())])
            .await;
        assert_eq!(st, 403);
        let (st, first) = s
            .form(&m1, "confirm_briefing", &[("case_id", &id.to_string())])
            .await;
        assert_eq!(st, 200, "{first}");
        s.clock.advance(Duration::minutes(5));
        let (_, again) = s
            .form(&m1, "confirm_briefing", &[("case_id", &id.to_string())])
            .await;
        assert_eq!(again, first, "a repeat keeps the first confirmation");
        assert_eq!(
            count(
                &s,
                &format!("SELECT COUNT(*) FROM briefing_ack WHERE case_id = {id}")
            )
            .await,
            1
        );
        let (st, v) = s.call(&m1, "save_sheet", submit("m-2")).await;
        assert_eq!(st, 200, "{v}");
        let (_, p) = meeting_page(&s, &clerk, id).await;
        let confirmed: Vec<bool> = p["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| !m["confirmed_at"].is_null())
            .collect();
        assert_eq!(confirmed.iter().filter(|c| **c).count(), 1, "{p}");
        assert_eq!(p["can_manage"], true);

        // The others confirm and submit.
        for (i, (_, who)) in members.iter().enumerate().skip(1) {
            confirm_briefing(&s, who, id).await;
            let body = json!({ "input": { "case_id": id, "base_version": 0, "sheet": sheet, "save_id": format!("o-{i}"), "submit": true, "password": DEMO_PASSWORD } });
            let (st, v) = s.call(who, "save_sheet", body).await;
            assert_eq!(st, 200, "{v}");
        }

        // The lead cannot draft while the scheduled meeting has no minutes.
        let mut lead = None;
        for (e, who) in &members {
            let (_, p) = s
                .form(who, "opinion_page", &[("case_id", &id.to_string())])
                .await;
            if p["can_draft"] == true {
                lead = Some((*e, who.clone(), p));
            }
        }
        let (lead_id, lead, p) = lead.expect("the lead may draft");
        let draft = p["draft"].clone();
        let ver = version_of(&s, &lead, id).await;
        let save = json!({ "input": { "case_id": id, "version": ver, "draft": draft } });
        let (st, v) = s.call(&lead, "save_opinion", save.clone()).await;
        assert_eq!(
            (st, refused(&v)),
            (409, "err.opinion.minutes_missing"),
            "{v}"
        );

        // Minutes: not before the meeting, only panel members, then recorded.
        let (e2, _) = members[1].clone();
        let (e3, _) = members[2].clone();
        let record = json!({ "attended": [e1, e2], "others": "县教育局经办人", "minutes": "会议进行了政策培训，专家逐项审阅申报材料并合议。" });
        let (st, v) = minutes(&s, &clerk, id, 2, record.clone()).await;
        assert_eq!(st, 422, "{v}");
        assert_eq!(field_keys(&v), ["err.meeting.not_held"]);
        s.clock.advance(Duration::days(1) + Duration::hours(6)); // 04-08 15:05 CST
                                                                 // A day later: signed in afresh.
        let clerk = s.login("xian-jbr").await;
        let m1 = expert_cookie(&s, e1).await;
        let lead = expert_cookie(&s, lead_id).await;
        let foreign = json!({ "attended": [e1, 999_999], "others": "", "minutes": "会议进行了政策培训，专家逐项审阅申报材料并合议。" });
        let (st, v) = minutes(&s, &clerk, id, 2, foreign).await;
        assert_eq!(
            (st, field_keys(&v)),
            (422, vec!["err.meeting.attended_foreign".to_string()])
        );
        assert_eq!(minutes(&s, &m1, id, 2, record.clone()).await.0, 403);
        assert_eq!(
            minutes(&s, &clerk, id, 1, record.clone()).await.0,
            409,
            "stale"
        );
        let (st, v) = minutes(&s, &clerk, id, 2, record).await;
        assert_eq!(st, 200, "{v}");
        assert_eq!(v["held"], true);
        assert_eq!(v["attended"].as_array().unwrap().len(), 2);

        // The opinion states the meeting's time, place and the members present.
        let (st, v) = s.call(&lead, "save_opinion", save).await;
        assert_eq!(st, 200, "{v}");
        let (_, p) = s
            .form(&lead, "opinion_page", &[("case_id", &id.to_string())])
            .await;
        let m = &p["content"]["meeting"];
        assert_eq!(m["time"], "2026-04-08 14:30", "{p}");
        assert_eq!(m["place"], "昌吉市教育局三楼会议室");
        assert_eq!(m["others"], "县教育局经办人");
        let names: Vec<String> = p["content"]["members"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| [e1, e2].contains(&x["expert"].as_i64().unwrap()))
            .map(|x| x["name"].as_str().unwrap().to_string())
            .collect();
        let mut attendees: Vec<String> = m["attendees"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap().to_string())
            .collect();
        attendees.sort();
        let mut expected = names.clone();
        expected.sort();
        assert_eq!(attendees, expected);
        let absent = p["content"]["members"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["expert"] == e3)
            .unwrap()["name"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(!attendees.contains(&absent));
        // Once drafted, the meeting is no longer the clerk's to change.
        let later = json!({ "starts_at": "2026-04-09T09:30", "online": true, "place": "腾讯会议 123", "agenda": "补充合议" });
        assert_eq!(schedule(&s, &clerk, id, 3, later).await.0, 403);

        // Every step is in the audit trail.
        for action in [
            "meeting.schedule",
            "meeting.move",
            "briefing.confirm",
            "meeting.minutes",
        ] {
            let n = count(
                &s,
                &format!("SELECT COUNT(*) FROM audit_event WHERE action = '{action}' AND object = 'case:{id}'"),
            )
            .await;
            assert!(n >= 1, "{action}");
        }
        s.stop().await;
    }
}
