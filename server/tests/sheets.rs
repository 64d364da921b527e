//! Score sheets over HTTP against the real server (SQLite, and PostgreSQL when
//! `TEST_DATABASE_URL` is set): the server's validation is the browser's, independence of the
//! members, optimistic versions and resends, read-only after submission, every version kept.

mod common;

use app::domain::ids::MaterialId;
use app::domain::rubric::current;
use app::domain::sheet::{validate_sheet, EvidenceRef, Mode, ScoreSheet};
use app::domain::terms::Rating;
use app::store::seed::DEMO_PASSWORD;
use app::store::testing::TestDb;
use common::*;
use serde_json::{json, Value};

#[allow(clippy::too_many_arguments)]
async fn save(
    s: &Srv,
    who: &str,
    case: i64,
    base: i64,
    sheet: &ScoreSheet,
    save_id: &str,
    submit: bool,
    pw: &str,
) -> (u16, Value) {
    s.call(who, "save_sheet", json!({ "input": { "case_id": case, "base_version": base, "sheet": sheet, "save_id": save_id, "submit": submit, "password": pw } })).await
}

#[tokio::test]
async fn the_servers_validation_is_the_browsers() {
    for db in TestDb::all().await {
        let s = Srv::start(db).await;
        let (id, members, material) = under_review(&s).await;
        let (_, who) = &members[0];
        confirm_briefing(&s, who, id).await;
        // Half rated, an S without evidence, an N without a reference.
        let mut sheet = complete(material);
        let ids: Vec<String> = sheet.ratings.keys().cloned().collect();
        sheet.ratings.remove(&ids[0]);
        let x = sheet.ratings.get_mut(&ids[1]).unwrap();
        x.rating = Some(Rating::S);
        x.evidence = "短".into();
        sheet.ratings.get_mut(&ids[2]).unwrap().refs.clear();
        let (st, v) = save(&s, who, id, 0, &sheet, "a1", true, DEMO_PASSWORD).await;
        assert_eq!(st, 422, "{v}");
        let mut expected: Vec<(String, String)> = validate_sheet(current(), &sheet, Mode::Submit)
            .0
            .into_iter()
            .map(|e| (e.field, e.key))
            .collect();
        expected.sort();
        assert!(!expected.is_empty());
        assert_eq!(field_errors(&v), expected);
        // Saving a draft needs only a well-formed sheet.
        let (st, v) = save(&s, who, id, 0, &sheet, "a2", false, "").await;
        assert_eq!(st, 200, "{v}");
        // A reference to another case's material is refused.
        let mut foreign = sheet.clone();
        foreign.ratings.get_mut(&ids[1]).unwrap().refs =
            vec![EvidenceRef::Material(MaterialId(999_999))];
        let (st, v) = save(&s, who, id, 1, &foreign, "a3", false, "").await;
        assert_eq!(st, 422, "{v}");
        assert!(field_errors(&v)
            .iter()
            .any(|(_, k)| k == "err.sheet.reference_not_in_case"));
        s.stop().await;
    }
}

#[tokio::test]
async fn members_are_independent_until_everyone_has_submitted() {
    for db in TestDb::all().await {
        let s = Srv::start(db).await;
        let (id, members, material) = under_review(&s).await;
        for (_, who) in &members {
            confirm_briefing(&s, who, id).await;
        }
        let (a, ca) = &members[0];
        let (b, cb) = &members[1];
        assert_eq!(
            save(&s, cb, id, 0, &complete(material), "b1", false, "")
                .await
                .0,
            200
        );
        // Before submitting, A asking for B's sheet gets not found (as for a missing one).
        let (st, _) = s
            .form(
                ca,
                "get_sheet",
                &[("case_id", &id.to_string()), ("expert_id", &b.to_string())],
            )
            .await;
        assert_eq!(st, 404);
        let (st, _) = s
            .form(
                ca,
                "get_sheet",
                &[("case_id", &id.to_string()), ("expert_id", "999999")],
            )
            .await;
        assert_eq!(st, 404);
        // Their own is fine; the page shows no other sheet.
        let (st, p) = s
            .form(ca, "my_sheet", &[("case_id", &id.to_string())])
            .await;
        assert_eq!(st, 200, "{p}");
        assert_eq!(p["panel"].as_array().unwrap().len(), 0);
        // The sheet's rubric and negative-list versions come with it, parsed (the browser
        // embeds neither).
        assert_eq!(p["rubric"]["version"], p["sheet"]["rubric_version"]);
        assert_eq!(
            p["negative_list"]["version"],
            p["sheet"]["negative_list_version"]
        );
        let indicators: usize = p["rubric"]["dimensions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["indicators"].as_array().unwrap().len())
            .sum();
        assert_eq!(
            indicators,
            app::domain::rubric::current().indicators().count()
        );
        // A submits: still not found while others have not.
        assert_eq!(
            save(
                &s,
                ca,
                id,
                0,
                &complete(material),
                "a1",
                true,
                DEMO_PASSWORD
            )
            .await
            .0,
            200
        );
        let (st, _) = s
            .form(
                ca,
                "get_sheet",
                &[("case_id", &id.to_string()), ("expert_id", &b.to_string())],
            )
            .await;
        assert_eq!(st, 404);
        // Everyone submits: the panel sees every sheet.
        assert_eq!(
            save(
                &s,
                cb,
                id,
                1,
                &complete(material),
                "b2",
                true,
                DEMO_PASSWORD
            )
            .await
            .0,
            200
        );
        let (_, cc) = &members[2];
        assert_eq!(
            save(
                &s,
                cc,
                id,
                0,
                &complete(material),
                "c1",
                true,
                DEMO_PASSWORD
            )
            .await
            .0,
            200
        );
        let (st, v) = s
            .form(
                ca,
                "get_sheet",
                &[("case_id", &id.to_string()), ("expert_id", &b.to_string())],
            )
            .await;
        assert_eq!(st, 200, "{v}");
        assert_eq!(v["verdict"], "non_subject");
        let (_, p) = s
            .form(ca, "my_sheet", &[("case_id", &id.to_string())])
            .await;
        assert_eq!(p["panel"].as_array().unwrap().len(), 3);
        // The institution never reads a sheet.
        let inst = s.login("jigou").await;
        let (st, _) = s
            .form(
                &inst,
                "get_sheet",
                &[("case_id", &id.to_string()), ("expert_id", &a.to_string())],
            )
            .await;
        assert_eq!(st, 403, "the institution sees the case, not the sheets");
        s.stop().await;
    }
}

#[tokio::test]
async fn versions_resends_read_only_and_history() {
    for db in TestDb::all().await {
        let s = Srv::start(db).await;
        let (id, members, material) = under_review(&s).await;
        let (_, tablet) = &members[0];
        let mut sheet = complete(material);
        let (st, v) = save(&s, tablet, id, 0, &sheet, "t-1", false, "").await;
        assert_eq!((st, v["version"].as_i64()), (200, Some(1)), "{v}");
        // The same save sent again (the answer was lost): nothing new.
        let (st, v) = save(&s, tablet, id, 0, &sheet, "t-1", false, "").await;
        assert_eq!(
            (st, v["version"].as_i64(), v["duplicate"].as_bool()),
            (200, Some(1), Some(true)),
            "{v}"
        );
        // A second tablet still at version 0: told, nothing overwritten.
        sheet.remarks = "第二台平板".into();
        let (st, v) = save(&s, tablet, id, 0, &sheet, "t2-1", false, "").await;
        assert_eq!(st, 409, "{v}");
        assert_eq!(v, json!("Stale"));
        let (_, p) = s
            .form(tablet, "my_sheet", &[("case_id", &id.to_string())])
            .await;
        assert_eq!(p["version"], 1);
        assert_eq!(p["sheet"]["remarks"], "");
        // Based on version 1: stored as version 2.
        assert_eq!(
            save(&s, tablet, id, 1, &sheet, "t-2", false, "").await.0,
            200
        );
        // Submitting needs the policy briefing confirmed first (政策培训); nothing is stored.
        let (st, v) = save(&s, tablet, id, 2, &sheet, "t-3", true, DEMO_PASSWORD).await;
        assert_eq!(
            (st, v["Refused"]["key"].as_str()),
            (409, Some("err.sheet.briefing")),
            "{v}"
        );
        let (_, p) = s
            .form(tablet, "my_sheet", &[("case_id", &id.to_string())])
            .await;
        assert_eq!(
            (p["version"].as_i64(), p["submitted"].as_bool()),
            (Some(2), Some(false))
        );
        assert_eq!(p["briefing_confirmed"], false);
        confirm_briefing(&s, tablet, id).await;
        // Submitting needs the password.
        let (st, v) = save(&s, tablet, id, 2, &sheet, "t-3", true, "wrong-password").await;
        assert_eq!(st, 422);
        assert!(field_errors(&v).contains(&("sheet.password".into(), "err.sheet.password".into())));
        let (st, v) = save(&s, tablet, id, 2, &sheet, "t-3", true, DEMO_PASSWORD).await;
        assert_eq!((st, v["submitted"].as_bool()), (200, Some(true)), "{v}");
        // Read-only: any further save is refused; the history keeps every version.
        let (st, v) = save(&s, tablet, id, 3, &sheet, "t-4", false, "").await;
        assert_eq!(
            (st, v["Refused"]["key"].as_str()),
            (409, Some("err.sheet.submitted")),
            "{v}"
        );
        let (_, p) = s
            .form(tablet, "my_sheet", &[("case_id", &id.to_string())])
            .await;
        assert_eq!(p["can_edit"], false);
        assert_eq!(p["submitted"], true);
        let hist: Vec<(i64, bool)> = p["history"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| {
                (
                    h["version"].as_i64().unwrap(),
                    h["submit"].as_bool().unwrap(),
                )
            })
            .collect();
        assert_eq!(hist, [(1, false), (2, false), (3, true)]);
        // The clerk may not write an expert's sheet.
        let clerk = s.login("xian-jbr").await;
        assert_eq!(save(&s, &clerk, id, 0, &sheet, "x", false, "").await.0, 404);
        s.stop().await;
    }
}
