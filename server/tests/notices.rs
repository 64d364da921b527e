//! 站内通知 (issue 22) against the real server (SQLite, and PostgreSQL when `TEST_DATABASE_URL`
//! is set): each party is told of the moves that concern them, in the move's transaction and
//! once; the invitation does not name the institution; a notice is its recipient's alone; the
//! unread count follows the reading.

mod common;

use app::store::testing::TestDb;
use common::*;
use serde_json::{json, Value};

/// The notices `who` holds about case `id`, oldest first.
async fn told(s: &Srv, who: &str, id: i64) -> Vec<Value> {
    let (st, v) = s.form(who, "my_notices", &[]).await;
    assert_eq!(st, 200, "{v}");
    let mut list: Vec<Value> = v["notices"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["case_id"] == json!(id))
        .cloned()
        .collect();
    list.reverse();
    list
}

fn kinds(list: &[Value]) -> Vec<String> {
    list.iter()
        .map(|n| n["kind"].as_str().unwrap().to_string())
        .collect()
}

fn fact(n: &Value, key: &str) -> Option<String> {
    n["facts"]
        .as_array()?
        .iter()
        .find(|p| p[0] == key)
        .map(|p| p[1].as_str().unwrap_or_default().to_string())
}

async fn unread(s: &Srv, who: &str) -> u64 {
    let (st, v) = s.form(who, "whoami", &[]).await;
    assert_eq!(st, 200, "{v}");
    v["unread_notices"].as_u64().unwrap()
}

#[tokio::test]
async fn each_party_is_told_of_what_concerns_them_once() {
    for db in TestDb::all().await {
        let kind = db.kind;
        let s = Srv::start(db).await;
        let inst = s.login("jigou").await;
        let other = s.login("jigou2").await;
        let clerk = s.login("xian-jbr").await;
        let director = s.login("xian-fzr").await;
        let pref = s.login("zhou-jbr").await;

        let id = submitted(&s, &inst, "少儿书法通知班").await;
        let n = told(&s, &inst, id).await;
        assert_eq!(kinds(&n), ["submitted"], "{kind}");
        assert_eq!(fact(&n[0], "item").as_deref(), Some("少儿书法通知班"));
        assert_eq!(n[0]["link"], json!(format!("/cases/{id}")));
        assert_eq!(n[0]["read"], json!(false));
        assert_eq!(kinds(&told(&s, &clerk, id).await), ["new_submission"]);
        // Nobody else: the other institution, the director (nothing to do yet), the prefecture.
        for who in [&other, &director, &pref] {
            assert!(told(&s, who, id).await.is_empty(), "{kind}");
        }

        // Accepted: the institution learns its case number.
        let ver = version_of(&s, &clerk, id).await;
        let (st, v) = s
            .call(
                &clerk,
                "case_action",
                json!({ "input": { "id": id, "version": ver, "action": { "kind": "accept" } } }),
            )
            .await;
        assert_eq!(st, 200, "{v}");
        let number = s.case(&clerk, id).await.1["number"]
            .as_str()
            .unwrap()
            .to_string();
        let n = told(&s, &inst, id).await;
        assert_eq!(kinds(&n), ["submitted", "accepted"], "{kind}");
        assert_eq!(fact(&n[1], "number"), Some(number.clone()));

        // A replayed accept (the same version) is refused and tells nobody again.
        let (st, _) = s
            .call(
                &clerk,
                "case_action",
                json!({ "input": { "id": id, "version": ver, "action": { "kind": "accept" } } }),
            )
            .await;
        assert_eq!(st, 409, "{kind}");
        assert_eq!(told(&s, &inst, id).await.len(), 2);

        // The draw invites each drawn expert, naming the case by number and the date to answer
        // by, never the institution or its item.
        let ver = version_of(&s, &clerk, id).await;
        let (st, v) = s.call(&clerk, "run_draw", json!({ "input": { "id": id, "version": ver, "kind": "initial", "panel_size": 3, "backups": 2, "reason": "", "observer": null } })).await;
        assert_eq!(st, 200, "{v}");
        let (_, p) = s
            .form(&clerk, "draw_page", &[("id", &id.to_string())])
            .await;
        let seated: Vec<i64> = p["seats"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["expert_id"].as_i64().unwrap())
            .collect();
        let mut members = vec![];
        for e in &seated {
            let c = expert_cookie(&s, *e).await;
            let (st, v) = s.form(&c, "my_notices", &[]).await;
            assert_eq!(st, 200);
            let text = v.to_string();
            assert!(
                !text.contains("少儿书法通知班"),
                "{kind}: the invitation names the item: {text}"
            );
            let n = told(&s, &c, id).await;
            assert_eq!(kinds(&n), ["invitation"], "{kind}");
            assert_eq!(fact(&n[0], "number"), Some(number.clone()));
            assert!(fact(&n[0], "respond_by").is_some_and(|d| d.len() == 10));
            assert_eq!(n[0]["link"], json!("/expert"));
            // What the expert needs to answer: the county, the item's field and pupils.
            assert_eq!(fact(&n[0], "county").as_deref(), Some("昌吉市"), "{kind}");
            assert!(fact(&n[0], "domain").is_some_and(|d| !d.is_empty()));
            assert!(fact(&n[0], "stage").is_some_and(|d| !d.is_empty()));
            members.push(c);
        }
        // The institution is not told who was drawn.
        assert_eq!(told(&s, &inst, id).await.len(), 2);

        // Every seat accepted: the clerk learns the panel is complete, the panel may score.
        for c in &members {
            let (st, v) = act(
                &s,
                c,
                id,
                json!({ "kind": "accept_seat", "declaration_signed": true }),
            )
            .await;
            assert_eq!(st, 200, "{v}");
        }
        assert_eq!(
            kinds(&told(&s, &clerk, id).await),
            ["new_submission", "panel_complete"]
        );
        for c in &members {
            assert_eq!(
                kinds(&told(&s, c, id).await),
                ["invitation", "review_started"]
            );
        }

        // The opinion: drafted → each member is asked to sign; all signed → the director is
        // asked to seal (once, however many signed).
        sealed_opinion(
            &s,
            &director,
            id,
            &seated
                .iter()
                .copied()
                .zip(members.iter().cloned())
                .collect::<Vec<_>>(),
        )
        .await;
        assert_eq!(
            kinds(&told(&s, &director, id).await),
            ["opinion_ready_to_seal"],
            "{kind}"
        );
        for c in &members {
            assert!(kinds(&told(&s, c, id).await).contains(&"opinion_to_sign".to_string()));
        }

        // Determined: the institution gets the category and the re-review deadline.
        let ver = version_of(&s, &director, id).await;
        let (st, v) = s.call(&director, "case_action", json!({ "input": { "id": id, "version": ver, "action": { "kind": "determine", "category": "non_subject", "reasons": "以创作实践为主。" } } })).await;
        assert_eq!(st, 200, "{v}");
        let n = told(&s, &inst, id).await;
        let last = n.last().unwrap();
        assert_eq!(last["kind"], "determined", "{kind}");
        assert_eq!(fact(last, "category").as_deref(), Some("non_subject"));
        let due = s.case(&inst, id).await.1["due_on"].clone();
        assert_eq!(fact(last, "due_on").map(Value::from), Some(due), "{kind}");

        // The other institution was told nothing of this case at all.
        assert!(told(&s, &other, id).await.is_empty());

        // The bureau's record of who was told what names every recipient; it names the panel,
        // so the institution and the experts have none.
        let (st, rec) = s
            .form(&clerk, "case_notices", &[("case_id", &id.to_string())])
            .await;
        assert_eq!(st, 200, "{kind}: {rec}");
        let rec = rec.as_array().unwrap().clone();
        let invited = rec.iter().filter(|r| r["kind"] == "invitation").count();
        assert_eq!(invited, seated.len(), "{kind}");
        assert!(
            rec.iter()
                .any(|r| r["kind"] == "determined" && r["role"] == "institution_user"),
            "{rec:?}"
        );
        let (st, _) = s
            .form(&inst, "case_notices", &[("case_id", &id.to_string())])
            .await;
        assert_eq!(st, 403, "{kind}");
        let (st, _) = s
            .form(&members[0], "case_notices", &[("case_id", &id.to_string())])
            .await;
        assert_eq!(st, 403, "{kind}");
        let (st, _) = s
            .form(&other, "case_notices", &[("case_id", &id.to_string())])
            .await;
        assert_eq!(st, 404, "{kind}");
        s.stop().await;
    }
}

#[tokio::test]
async fn a_notice_is_its_recipients_alone_and_reading_clears_the_count() {
    for db in TestDb::all().await {
        let kind = db.kind;
        let s = Srv::start(db).await;
        let inst = s.login("jigou").await;
        let other = s.login("jigou2").await;
        let clerk = s.login("xian-jbr").await;
        let a = submitted(&s, &inst, "围棋通知班").await;
        let b = submitted(&s, &inst, "篮球通知班").await;
        let before = unread(&s, &inst).await;
        assert!(before >= 2, "{kind}");
        let mine = told(&s, &inst, a).await[0]["id"].as_i64().unwrap();

        // Another account reading it: not found, and it stays unread.
        for who in [&other, &clerk] {
            let (st, v) = s
                .form(who, "read_notices", &[("id", &mine.to_string())])
                .await;
            assert_eq!(st, 404, "{kind}: {v}");
        }
        let (st, _) = s.form(&inst, "read_notices", &[("id", "987654321")]).await;
        assert_eq!(st, 404);
        let (st, _) = s
            .form(&inst, "read_notices", &[("id", "not-a-number")])
            .await;
        assert!(st == 400 || st == 422, "{st}");
        assert_eq!(unread(&s, &inst).await, before);
        assert_eq!(told(&s, &inst, a).await[0]["read"], json!(false));

        // Read by its recipient: the count goes down by one; again changes nothing.
        let (st, v) = s
            .form(&inst, "read_notices", &[("id", &mine.to_string())])
            .await;
        assert_eq!((st, v.as_u64()), (200, Some(before - 1)), "{kind}");
        let (st, v) = s
            .form(&inst, "read_notices", &[("id", &mine.to_string())])
            .await;
        assert_eq!((st, v.as_u64()), (200, Some(before - 1)));
        assert_eq!(told(&s, &inst, a).await[0]["read"], json!(true));
        assert_eq!(told(&s, &inst, b).await[0]["read"], json!(false));

        // Read all: none left, and the clerk's own notices are untouched.
        let clerk_before = unread(&s, &clerk).await;
        let (st, v) = s.form(&inst, "read_notices", &[("id", "0")]).await;
        assert_eq!((st, v.as_u64()), (200, Some(0)));
        assert_eq!(unread(&s, &inst).await, 0);
        assert_eq!(unread(&s, &clerk).await, clerk_before);

        // Signed out: no inbox.
        let (st, _) = s.form("", "my_notices", &[]).await;
        assert_eq!(st, 401);
        s.stop().await;
    }
}

#[tokio::test]
async fn a_return_and_a_refusal_carry_their_reasons() {
    for db in TestDb::all().await {
        let kind = db.kind;
        let s = Srv::start(db).await;
        let inst = s.login("jigou").await;
        let clerk = s.login("xian-jbr").await;
        let id = submitted(&s, &inst, "街舞通知班").await;
        let (st, v) = act(
            &s,
            &clerk,
            id,
            json!({ "kind": "not_accept", "reason": "该项目不属于本县管辖。" }),
        )
        .await;
        assert_eq!(st, 200, "{v}");
        let n = told(&s, &inst, id).await;
        assert_eq!(kinds(&n), ["submitted", "not_accepted"], "{kind}");
        assert_eq!(
            fact(&n[1], "reason").as_deref(),
            Some("该项目不属于本县管辖。")
        );

        // A draft withdrawn tells nobody; a submission withdrawn tells the clerk.
        let (d, v1) = new_draft(&s, &inst, "草稿撤回班").await;
        let (st, v) = s.call(&inst, "case_action", json!({ "input": { "id": d, "version": v1, "action": { "kind": "withdraw", "reason": "" } } })).await;
        assert_eq!(st, 200, "{v}");
        assert!(told(&s, &inst, d).await.is_empty());
        let w = submitted(&s, &inst, "提交后撤回班").await;
        let (st, v) = act(
            &s,
            &inst,
            w,
            json!({ "kind": "withdraw", "reason": "暂不开设" }),
        )
        .await;
        assert_eq!(st, 200, "{v}");
        assert_eq!(
            kinds(&told(&s, &clerk, w).await),
            ["new_submission", "withdrawn"]
        );
        s.stop().await;
    }
}

#[tokio::test]
async fn a_time_limit_reminds_once_before_and_once_after() {
    use app::store::clock::Clock;
    use app::store::jobs::settle_due;
    for db in TestDb::all().await {
        let kind = db.kind;
        let s = Srv::start(db).await;
        let inst = s.login("jigou").await;
        let id = submitted(&s, &inst, "口才时限班").await;
        // Day by day with the test clock, running the background job each time (twice); a
        // new session each day (the old one has timed out).
        let mut seen = vec![];
        let mut clerk = String::new();
        for _ in 0..15 {
            s.clock.advance(chrono::Duration::days(1));
            settle_due(&s.db.db, s.clock.now()).await.unwrap();
            settle_due(&s.db.db, s.clock.now()).await.unwrap();
            clerk = s.login("xian-jbr").await;
            seen = kinds(&told(&s, &clerk, id).await);
            if seen.contains(&"overdue".to_string()) {
                break;
            }
        }
        assert_eq!(seen, ["new_submission", "due_soon", "overdue"], "{kind}");
        let n = told(&s, &clerk, id).await;
        assert_eq!(fact(&n[1], "clock").as_deref(), Some("intake"));
        let due = s.case(&clerk, id).await.1["due_on"].clone();
        assert_eq!(fact(&n[2], "due_on").map(Value::from), Some(due), "{kind}");
        // The institution's inbox has none of the bureau's reminders.
        let inst = s.login("jigou").await;
        assert_eq!(kinds(&told(&s, &inst, id).await), ["submitted"]);
        // A later day tells nobody again.
        s.clock.advance(chrono::Duration::days(1));
        settle_due(&s.db.db, s.clock.now()).await.unwrap();
        let clerk = s.login("xian-jbr").await;
        assert_eq!(told(&s, &clerk, id).await.len(), 3);
        s.stop().await;
    }
}

#[tokio::test]
async fn the_panel_is_told_of_its_meeting_and_an_expert_of_a_credit_record() {
    for db in TestDb::all().await {
        let kind = db.kind;
        let s = Srv::start(db).await;
        let (id, members, _) = under_review(&s).await;
        let clerk = s.login("xian-jbr").await;
        let director = s.login("xian-fzr").await;
        let inst = s.login("jigou").await;
        let good = json!({ "starts_at": "2026-04-08T09:30", "online": false, "place": "昌吉市教育局三楼会议室", "agenda": "政策培训；审阅申报材料；合议" });
        let (st, v) = s
            .call(
                &clerk,
                "schedule_meeting",
                json!({ "input": { "case_id": id, "version": 0, "meeting": good } }),
            )
            .await;
        assert_eq!(st, 200, "{kind}: {v}");
        for (_, c) in &members {
            let n = told(&s, c, id).await;
            let m = n
                .iter()
                .find(|n| n["kind"] == "meeting_set")
                .unwrap_or_else(|| panic!("{kind}: {n:?}"));
            assert_eq!(fact(m, "starts_at").as_deref(), Some("2026-04-08 09:30"));
            assert_eq!(fact(m, "place").as_deref(), Some("昌吉市教育局三楼会议室"));
            assert_eq!(m["link"], json!(format!("/cases/{id}/meeting")));
        }
        // Moved: told again (once more, not twice more).
        let moved = json!({ "starts_at": "2026-04-09T14:00", "online": false, "place": "昌吉市教育局三楼会议室", "agenda": "政策培训；审阅申报材料；合议" });
        let (st, v) = s
            .call(
                &clerk,
                "schedule_meeting",
                json!({ "input": { "case_id": id, "version": 1, "meeting": moved } }),
            )
            .await;
        assert_eq!(st, 200, "{kind}: {v}");
        let n = told(&s, &members[0].1, id).await;
        assert_eq!(
            n.iter().filter(|n| n["kind"] == "meeting_set").count(),
            2,
            "{kind}"
        );
        // The institution learns when and where it is identified (once per version), never
        // by whom: its notices carry no fact beyond the case's own.
        let n = told(&s, &inst, id).await;
        assert!(n.iter().all(|n| n["kind"] != "meeting_set"));
        let sched: Vec<&Value> = n
            .iter()
            .filter(|n| n["kind"] == "identification_scheduled")
            .collect();
        assert_eq!(sched.len(), 2, "{kind}: {n:?}");
        assert_eq!(
            fact(sched[1], "starts_at").as_deref(),
            Some("2026-04-09 14:00")
        );
        assert_eq!(
            fact(sched[1], "place").as_deref(),
            Some("昌吉市教育局三楼会议室")
        );
        let keys: std::collections::BTreeSet<String> = sched[1]["facts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p[0].as_str().unwrap().to_string())
            .collect();
        let allowed = [
            "category",
            "item",
            "level",
            "number",
            "place",
            "reason",
            "starts_at",
        ];
        assert!(
            keys.iter().all(|k| allowed.contains(&k.as_str())),
            "{kind}: {keys:?}"
        );

        // A credit record about an expert reaches that expert, and nobody else's inbox.
        let (e1, c1) = members[0].clone();
        let record = json!({ "input": {
            "subject": "expert", "target_id": e1, "case_id": null, "case_number": "",
            "void_sheet": false,
            "form": { "kind": "neglect", "measure": "suspend", "reason": "未按时提交评分表，经提醒仍未改正。" }
        } });
        let (st, v) = s.call(&director, "file_credit", record).await;
        assert_eq!(st, 200, "{kind}: {v}");
        let (_, all) = s.form(&c1, "my_notices", &[]).await;
        let credit: Vec<&Value> = all["notices"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["kind"] == "credit_filed")
            .collect();
        assert_eq!(credit.len(), 1, "{kind}: {all}");
        assert_eq!(credit[0]["link"], "/expert/profile");
        let (_, other) = s.form(&members[1].1, "my_notices", &[]).await;
        assert!(other["notices"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["kind"] != "credit_filed"));
        s.stop().await;
    }
}

#[tokio::test]
async fn the_clerks_hear_of_an_unanswered_invitation_and_the_unsigned_of_their_deadline() {
    use app::store::clock::Clock;
    use app::store::jobs::settle_due;
    for db in TestDb::all().await {
        let kind = db.kind;
        let s = Srv::start(db).await;
        let inst = s.login("jigou").await;
        let clerk = s.login("xian-jbr").await;
        let id = accepted_case(&s, &inst, &clerk, "少儿舞蹈催办班", "arts", "primary").await;
        let ver = version_of(&s, &clerk, id).await;
        let (st, v) = s.call(&clerk, "run_draw", json!({ "input": { "id": id, "version": ver, "kind": "initial", "panel_size": 3, "backups": 2, "reason": "", "observer": null } })).await;
        assert_eq!(st, 200, "{v}");
        let (_, p) = s
            .form(&clerk, "draw_page", &[("id", &id.to_string())])
            .await;
        let invited = p["seats"].as_array().unwrap().len();
        // Nobody answers: once the date has passed the clerks are told, once a seat.
        let mut seen = vec![];
        for _ in 0..20 {
            s.clock.advance(chrono::Duration::days(1));
            settle_due(&s.db.db, s.clock.now()).await.unwrap();
            settle_due(&s.db.db, s.clock.now()).await.unwrap();
            let clerk = s.login("xian-jbr").await;
            seen = told(&s, &clerk, id)
                .await
                .into_iter()
                .filter(|n| n["kind"] == "seat_unanswered")
                .collect();
            if !seen.is_empty() {
                break;
            }
        }
        assert_eq!(seen.len(), invited, "{kind}: {seen:?}");
        assert!(fact(&seen[0], "respond_by").is_some_and(|d| d.len() == 10));
        assert_eq!(seen[0]["link"], json!(format!("/cases/{id}/draw")));
        let inst = s.login("jigou").await;
        assert!(told(&s, &inst, id)
            .await
            .iter()
            .all(|n| n["kind"] != "seat_unanswered"));
        s.clock.advance(chrono::Duration::days(1));
        settle_due(&s.db.db, s.clock.now()).await.unwrap();
        let clerk = s.login("xian-jbr").await;
        let again = told(&s, &clerk, id)
            .await
            .into_iter()
            .filter(|n| n["kind"] == "seat_unanswered")
            .count();
        assert_eq!(again, invited, "{kind}: told twice");
        s.stop().await;
    }
    for db in TestDb::all().await {
        let kind = db.kind;
        let s = Srv::start(db).await;
        let (id, members, _) = under_review(&s).await;
        let director = s.login("xian-fzr").await;
        drafted_opinion(&s, &director, id, &members, complete).await;
        sign_opinion(&s, &members[0].1, id).await;
        // As the signing time limit nears, those who have not signed are reminded; the one
        // who signed is not.
        let mut reminded = vec![];
        for _ in 0..20 {
            s.clock.advance(chrono::Duration::days(1));
            settle_due(&s.db.db, s.clock.now()).await.unwrap();
            settle_due(&s.db.db, s.clock.now()).await.unwrap();
            reminded.clear();
            for (e, _) in &members {
                let c = expert_cookie(&s, *e).await;
                let n: Vec<Value> = told(&s, &c, id)
                    .await
                    .into_iter()
                    .filter(|n| n["kind"] == "signature_due")
                    .collect();
                reminded.push(n);
            }
            if reminded.iter().any(|n| !n.is_empty()) {
                break;
            }
        }
        assert!(reminded[0].is_empty(), "{kind}: the signer was reminded");
        for n in &reminded[1..] {
            assert_eq!(n.len(), 1, "{kind}: {reminded:?}");
            assert_eq!(fact(&n[0], "clock").as_deref(), Some("sealing"));
            assert_eq!(n[0]["link"], json!(format!("/cases/{id}/opinion")));
        }
        s.stop().await;
    }
}
