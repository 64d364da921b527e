//! Administration and access: disabling an account and resetting its password end its live
//! sessions, a one-time password must be changed first, and nobody but the administrator may
//! use the administrator's endpoints.

use super::common::Srv;
use super::{session_cookie, Http};
use app::store::seed::DEMO_PASSWORD;
use app::store::testing::TestDb;
use reqwest::StatusCode;
use serde_json::Value;

const NEW_PASSWORD: &str = "Tianchi-Lake-Morning-77";

async fn account_row(s: &Srv, admin: &str, username: &str) -> (i64, i64) {
    let (st, page) = s
        .post_json("list_accounts", &[("query[q]", username)], admin)
        .await;
    assert_eq!(st, 200, "{page}");
    let row = page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["username"] == username)
        .unwrap_or_else(|| panic!("{username} not listed"))
        .clone();
    (
        row["id"].as_i64().unwrap(),
        row["version"].as_i64().unwrap(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disabling_an_account_ends_its_live_session() {
    let s = Srv::start(TestDb::sqlite().await.unwrap()).await;
    let victim = s.sign_in("jigou", DEMO_PASSWORD).await;
    let admin = s.sign_in("admin", DEMO_PASSWORD).await;
    let (id, version) = account_row(&s, &admin, "jigou").await;
    let (st, v) = s
        .post_json(
            "disable_account",
            &[("id", &id.to_string()), ("version", &version.to_string())],
            &admin,
        )
        .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(s.whoami(&victim).await, Value::Null);
    assert!(s.account("jigou").await.disabled);
    // A stale version changes nothing.
    let (st, v) = s
        .post_json(
            "enable_account",
            &[("id", &id.to_string()), ("version", &version.to_string())],
            &admin,
        )
        .await;
    assert_eq!((st, v), (409, Value::from("Stale")));
    // The disabled account cannot sign in, and is told nothing more than a wrong password.
    let (st, tok, body) = s.login_with("jigou", DEMO_PASSWORD, None).await;
    assert_eq!(
        (st, tok, body.as_str()),
        (StatusCode::UNAUTHORIZED, None, "\"BadCredentials\"")
    );
    assert!(s.actions().await.contains(&"account.disable".to_string()));
    s.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn non_admins_cannot_use_admin_endpoints() {
    let s = Srv::start(TestDb::sqlite().await.unwrap()).await;
    let admin_acc = s.account("admin").await;
    let (aid, aver) = (admin_acc.id.to_string(), admin_acc.version.to_string());
    let before = s.accounts_snapshot().await;
    let events_before = s.actions().await.len();
    let calls: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("list_accounts", vec![]),
        ("account_scope_choices", vec![]),
        (
            "create_account",
            vec![
                ("username", "sneaky"),
                ("display_name", "Sneaky"),
                ("role", "admin"),
                ("scope_id", "0"),
            ],
        ),
        ("disable_account", vec![("id", &aid), ("version", &aver)]),
        ("reset_password", vec![("id", &aid), ("version", &aver)]),
        ("enable_account", vec![("id", &aid), ("version", &aver)]),
    ];
    for user in ["jigou", "zhuanjia", "xian-fzr", "zhou-fzr", "jiandu"] {
        let tok = s.sign_in(user, DEMO_PASSWORD).await;
        for (name, form) in &calls {
            let (st, v) = s.post_json(name, form, &tok).await;
            assert!(st == 403 || st == 404, "{user} calling {name}: {st} {v}");
        }
    }
    // Not signed in at all: 401.
    for (name, form) in &calls {
        let r = s.post(name, form, None).await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "anonymous {name}");
    }
    assert_eq!(s.accounts_snapshot().await, before, "nothing changed");
    let after: Vec<String> = s.actions().await.split_off(events_before);
    assert!(
        after.iter().all(|a| a == "auth.login"),
        "only the sign-ins were recorded: {after:?}"
    );
    s.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_time_password_must_be_changed_first() {
    for t in TestDb::all().await {
        let s = Srv::start(t).await;
        let admin = s.sign_in("admin", DEMO_PASSWORD).await;
        let (st, otp) = s
            .post_json(
                "create_account",
                &[
                    ("username", "admin2"),
                    ("display_name", "第二管理员"),
                    ("role", "admin"),
                    ("scope_id", "0"),
                ],
                &admin,
            )
            .await;
        assert_eq!(st, 200, "{otp}");
        let otp = otp["password"].as_str().unwrap().to_string();
        assert!(otp.len() >= 12);
        assert!(!s.account("admin2").await.password_hash.contains(&otp));

        let r = s
            .post("login", &[("username", "admin2"), ("password", &otp)], None)
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let tok = session_cookie(&r).unwrap();
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["must_change_password"], true);
        assert_eq!(body["home"], "/account/password");
        assert_eq!(s.whoami(&tok).await["must_change_password"], true);

        for name in ["list_accounts", "account_scope_choices"] {
            let (st, v) = s.post_json(name, &[], &tok).await;
            assert_eq!(st, 409, "{name}: {v}");
            assert_eq!(v["Refused"]["key"], "err.must_change_password", "{v}");
        }
        // A weak or mismatched new password is refused.
        let (st, _) = s
            .post_json(
                "change_password",
                &[
                    ("current_password", &otp),
                    ("new_password", "short"),
                    ("confirm_password", "short"),
                ],
                &tok,
            )
            .await;
        assert_eq!(st, 422);
        let (st, v) = s
            .post_json(
                "change_password",
                &[
                    ("current_password", &otp),
                    ("new_password", NEW_PASSWORD),
                    ("confirm_password", NEW_PASSWORD),
                ],
                &tok,
            )
            .await;
        assert_eq!(st, 200, "{v}");
        let (st, v) = s.post_json("list_accounts", &[], &tok).await;
        assert_eq!(st, 200, "now allowed: {v}");

        let (st, tok2, _) = s.login_with("admin2", &otp, None).await;
        assert_eq!((st, tok2), (StatusCode::UNAUTHORIZED, None), "OTP spent");
        let (st, _, body) = s.login_with("admin2", NEW_PASSWORD, None).await;
        assert_eq!(st, StatusCode::OK);
        assert!(body.contains("\"must_change_password\":false"), "{body}");

        let acts = s.actions().await;
        for a in ["account.create", "auth.password_changed"] {
            assert!(acts.contains(&a.to_string()), "{a} missing: {acts:?}");
        }
        s.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reset_password_ends_sessions_and_issues_a_one_time_password() {
    let s = Srv::start(TestDb::sqlite().await.unwrap()).await;
    let victim = s.sign_in("zhuanjia", DEMO_PASSWORD).await;
    let admin = s.sign_in("admin", DEMO_PASSWORD).await;
    let (id, version) = account_row(&s, &admin, "zhuanjia").await;
    let (st, v) = s
        .post_json(
            "reset_password",
            &[("id", &id.to_string()), ("version", &version.to_string())],
            &admin,
        )
        .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["username"], "zhuanjia");
    let otp = v["password"].as_str().unwrap().to_string();
    assert_eq!(s.whoami(&victim).await, Value::Null, "live session ended");
    let (st, _, _) = s.login_with("zhuanjia", DEMO_PASSWORD, None).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED, "old password gone");
    let (st, tok, body) = s.login_with("zhuanjia", &otp, None).await;
    assert_eq!(st, StatusCode::OK);
    assert!(body.contains("\"must_change_password\":true"), "{body}");
    assert!(tok.is_some());
    // The administrator cannot disable their own account.
    let me = s.account("admin").await;
    let (st, v) = s
        .post_json(
            "disable_account",
            &[
                ("id", &me.id.to_string()),
                ("version", &me.version.to_string()),
            ],
            &admin,
        )
        .await;
    assert_eq!(st, 409, "{v}");
    assert!(!s.account("admin").await.disabled);
    s.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_account_list_is_paged_searched_and_shows_sign_ins() {
    for t in TestDb::all().await {
        let kind = t.kind;
        let s = Srv::start(t).await;
        let admin = s.sign_in("admin", DEMO_PASSWORD).await;
        let list = |form: Vec<(&'static str, String)>| {
            let (s, admin) = (&s, admin.clone());
            async move {
                let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
                s.post_json("list_accounts", &pairs, &admin).await
            }
        };
        let (st, all) = list(vec![]).await;
        assert_eq!(st, 200, "{kind}: {all}");
        let total = all["total"].as_u64().unwrap();
        assert!(total > 25, "{kind}: {total}");
        assert_eq!(all["rows"].as_array().unwrap().len(), 25, "{kind}");
        assert_eq!(all["pages"].as_u64(), Some(total.div_ceil(25)));
        let (_, last) = list(vec![("query[page]", all["pages"].to_string())]).await;
        let on_last = last["rows"].as_array().unwrap().len() as u64;
        assert_eq!(on_last, total - 25 * (total.div_ceil(25) - 1), "{kind}");

        // By text, role and status.
        let (_, xian) = list(vec![("query[q]", "xian".into())]).await;
        let rows = xian["rows"].as_array().unwrap();
        assert!(!rows.is_empty(), "{kind}");
        assert!(
            rows.iter()
                .all(|r| r["username"].as_str().unwrap().contains("xian")),
            "{kind}: {xian}"
        );
        let (_, experts) = list(vec![
            ("query[role]", "expert".into()),
            ("query[status]", "active".into()),
        ])
        .await;
        let rows = experts["rows"].as_array().unwrap();
        assert!(!rows.is_empty());
        assert!(
            rows.iter()
                .all(|r| r["role"] == "expert" && r["disabled"] == false),
            "{kind}"
        );
        // A wildcard is text, not a pattern.
        let (_, none) = list(vec![("query[q]", "%".into())]).await;
        assert_eq!(none["total"], 0, "{kind}: {none}");
        // A malformed search: field errors.
        let (st, v) = list(vec![
            ("query[status]", "deleted".into()),
            ("query[page]", "0".into()),
        ])
        .await;
        assert_eq!(st, 422, "{kind}: {v}");
        let fields: Vec<&str> = v["Validation"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, ["status", "page"], "{kind}");

        // Sign-ins: a failed and a good one, and the live session.
        let (st, _, _) = s.login_with("jigou", "wrong-password-1", None).await;
        assert_eq!(st, StatusCode::UNAUTHORIZED);
        let _inst = s.sign_in("jigou", DEMO_PASSWORD).await;
        let (id, _) = account_row(&s, &admin, "jigou").await;
        let (st, a) = s
            .post_json("account_activity", &[("id", &id.to_string())], &admin)
            .await;
        assert_eq!(st, 200, "{kind}: {a}");
        assert_eq!(a["username"], "jigou");
        assert_eq!(a["sessions"].as_array().unwrap().len(), 1, "{kind}: {a}");
        let tries: Vec<bool> = a["attempts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["success"].as_bool().unwrap())
            .collect();
        assert_eq!(tries, [true, false], "{kind}: newest first");
        // Nobody else; an unknown account is not found.
        let clerk = s.sign_in("xian-jbr", DEMO_PASSWORD).await;
        let (st, _) = s
            .post_json("account_activity", &[("id", &id.to_string())], &clerk)
            .await;
        assert_eq!(st, 403, "{kind}");
        let (st, _) = s.post_json("list_accounts", &[], &clerk).await;
        assert_eq!(st, 403, "{kind}");
        let (st, _) = s
            .post_json("account_activity", &[("id", "999999")], &admin)
            .await;
        assert_eq!(st, 404, "{kind}");
        s.finish().await;
    }
}
