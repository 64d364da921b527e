//! Signing in and out: right and wrong passwords, unknown users, the throttle, a new session
//! id at every sign-in, logout, idle expiry, and the throttle and sign-in under parallel
//! requests.

use super::common::Srv;
use super::{session_cookie, set_cookie_line, Http};
use app::store::entities::{audit_event, session};
use app::store::seed::{self, DEMO_PASSWORD};
use app::store::testing::TestDb;
use chrono::Duration;
use reqwest::{header, Response, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::Value;
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_right_and_wrong() {
    for t in TestDb::all().await {
        let s = Srv::start(t).await;
        let r = s
            .post(
                "login",
                &[("username", "xian-jbr"), ("password", DEMO_PASSWORD)],
                None,
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{}", s.db.kind);
        let line = set_cookie_line(&r).expect("session cookie set");
        let attrs: Vec<String> = line.split(';').map(|a| a.trim().to_lowercase()).collect();
        assert!(attrs.contains(&"httponly".to_string()), "{line}");
        assert!(attrs.contains(&"samesite=strict".to_string()), "{line}");
        assert!(attrs.contains(&"path=/".to_string()), "{line}");
        assert!(!attrs.contains(&"secure".to_string()), "{line}");
        let token = session_cookie(&r).unwrap();
        assert!(token.len() >= 22, "at least 128 bits: {token}");
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["must_change_password"], false);
        assert_eq!(body["home"], "/county");
        let me = s.whoami(&token).await;
        assert_eq!(me["username"], "xian-jbr");
        assert_eq!(me["role"], "county_clerk");
        // The token is not stored as such.
        let stored: Vec<String> = session::Entity::find()
            .all(&s.db.db)
            .await
            .unwrap()
            .into_iter()
            .map(|x| x.token_hash)
            .collect();
        assert!(!stored.contains(&token));

        let (st, tok, body) = s.login_with("xian-jbr", "Changji-Demo-2025", None).await;
        assert_eq!(st, StatusCode::UNAUTHORIZED);
        assert_eq!(body, "\"BadCredentials\"");
        assert_eq!(tok, None);
        // Empty fields are a validation error, not a sign-in attempt.
        let (st, _, _) = s.login_with("", "", None).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);

        let acts = s.actions().await;
        assert_eq!(
            acts.iter()
                .filter(|a| a.as_str() == "auth.login_failed")
                .count(),
            1,
            "{acts:?}"
        );
        assert_eq!(acts.last().map(String::as_str), Some("auth.login_failed"));
        assert!(acts.contains(&"auth.login".to_string()));
        s.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_user_answers_exactly_like_a_wrong_password() {
    let s = Srv::start(TestDb::sqlite().await.unwrap()).await;
    let a = s
        .post(
            "login",
            &[("username", "jigou"), ("password", "wrong-password-1")],
            None,
        )
        .await;
    let b = s
        .post(
            "login",
            &[
                ("username", "nobody-here"),
                ("password", "wrong-password-1"),
            ],
            None,
        )
        .await;
    assert_eq!(a.status(), b.status());
    let headers = |r: &Response| {
        let mut v: Vec<(String, String)> = r
            .headers()
            .iter()
            .filter(|(k, _)| {
                *k != header::DATE && *k != header::CONTENT_SECURITY_POLICY // nonce differs
            })
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
            .collect();
        v.sort();
        v
    };
    assert_eq!(headers(&a), headers(&b));
    assert_eq!(a.text().await.unwrap(), b.text().await.unwrap());
    s.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_failures_throttle_and_are_audited() {
    for t in TestDb::all().await {
        let s = Srv::start(t).await;
        for i in 0..5 {
            s.clock.advance(Duration::seconds(3));
            let (st, _, body) = s.login_with("jigou", &format!("wrong-{i}"), None).await;
            assert_eq!(st, StatusCode::UNAUTHORIZED, "{}: attempt {i}", s.db.kind);
            assert_eq!(body, "\"BadCredentials\"");
        }
        // Now even the right password waits.
        let (st, tok, body) = s.login_with("jigou", DEMO_PASSWORD, None).await;
        assert_eq!(st, StatusCode::TOO_MANY_REQUESTS, "{}: {body}", s.db.kind);
        assert_eq!(tok, None);
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["Throttled"]["minutes"], 15, "{body}");
        // Another account from the same address is not affected.
        s.sign_in("jigou2", DEMO_PASSWORD).await;

        let evs = audit_event::Entity::find()
            .filter(audit_event::Column::Object.eq("username:jigou"))
            .order_by_asc(audit_event::Column::Seq)
            .all(&s.db.db)
            .await
            .unwrap();
        let acts: Vec<&str> = evs.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            acts,
            [
                "auth.login_failed",
                "auth.login_failed",
                "auth.login_failed",
                "auth.login_failed",
                "auth.login_failed",
                "auth.login_throttled"
            ]
        );
        for e in &evs {
            assert_eq!(e.address, "127.0.0.1");
            assert!(!e.details.contains("wrong-"), "no passwords in the log");
            assert!(
                !e.details.contains(DEMO_PASSWORD),
                "no passwords in the log"
            );
        }
        assert!(
            evs[0].details.contains("bad_password"),
            "{}",
            evs[0].details
        );

        // 15 minutes after the last failure the account may sign in again.
        s.clock.advance(Duration::seconds(15 * 60));
        s.sign_in("jigou", DEMO_PASSWORD).await;
        s.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_login_gets_a_new_session_id_and_ends_the_old_one() {
    let s = Srv::start(TestDb::sqlite().await.unwrap()).await;
    let first = s.sign_in("zhou-jbr", DEMO_PASSWORD).await;
    let (st, second, _) = s.login_with("zhou-jbr", DEMO_PASSWORD, Some(&first)).await;
    assert_eq!(st, StatusCode::OK);
    let second = second.unwrap();
    assert_ne!(first, second);
    assert_eq!(s.whoami(&first).await, Value::Null, "old session ended");
    assert_eq!(s.whoami(&second).await["username"], "zhou-jbr");
    // A cookie planted before sign-in (session fixation) is not adopted either.
    let (_, third, _) = s
        .login_with("zhou-jbr", DEMO_PASSWORD, Some("planted-by-attacker"))
        .await;
    assert_ne!(third.as_deref(), Some("planted-by-attacker"));
    assert_eq!(s.whoami("planted-by-attacker").await, Value::Null);
    s.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cookie_replayed_after_logout_is_not_signed_in() {
    for t in TestDb::all().await {
        let s = Srv::start(t).await;
        let tok = s.sign_in("fk-jbr", DEMO_PASSWORD).await;
        assert_eq!(s.whoami(&tok).await["username"], "fk-jbr");
        let r = s.post("logout", &[], Some(&tok)).await;
        assert_eq!(r.status(), StatusCode::OK);
        let line = set_cookie_line(&r).expect("cookie cleared");
        assert!(line.contains("Max-Age=0"), "{line}");
        assert_eq!(s.whoami(&tok).await, Value::Null, "{}", s.db.kind);
        let (st, v) = s.post_json("touch_session", &[], &tok).await;
        assert_eq!((st, v), (401, Value::from("NotSignedIn")));
        assert_eq!(s.sessions().await, 0);
        assert!(s.actions().await.contains(&"auth.logout".to_string()));
        s.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_expires_when_idle_over_http() {
    let s = Srv::start(TestDb::sqlite().await.unwrap()).await;
    let tok = s.sign_in("jiandu", DEMO_PASSWORD).await;
    s.clock.advance(Duration::seconds(25 * 60));
    let (st, left) = s.post_json("touch_session", &[], &tok).await;
    assert_eq!((st, left), (200, Value::from(30 * 60)));
    s.clock.advance(Duration::seconds(31 * 60));
    assert_eq!(s.whoami(&tok).await, Value::Null);
    s.finish().await;
}

// ---------------------------------------------------------------------------------------------
// More of the same, under pressure

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_wrong_passwords_cannot_get_past_the_throttle() {
    for t in TestDb::all().await {
        let s = Arc::new(Srv::start(t).await);
        let mut tasks = Vec::new();
        for i in 0..16 {
            let s = s.clone();
            tasks.push(tokio::spawn(async move {
                s.login_with("xian-fzr", &format!("guess-number-{i}"), None)
                    .await
                    .0
            }));
        }
        let mut counted = (0, 0);
        for task in tasks {
            match task.await.unwrap() {
                StatusCode::UNAUTHORIZED => counted.0 += 1,
                StatusCode::TOO_MANY_REQUESTS => counted.1 += 1,
                other => panic!("unexpected {other}"),
            }
        }
        let kind = s.db.kind;
        assert!(
            counted.0 <= 5,
            "{kind}: {} passwords were tried in parallel, {} throttled",
            counted.0,
            counted.1
        );
        assert_eq!(counted.0 + counted.1, 16);
        let s = Arc::try_unwrap(s).ok().expect("tasks done");
        s.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_sign_ins_all_succeed() {
    let s = Arc::new(Srv::start(TestDb::sqlite().await.unwrap()).await);
    let mut tasks = Vec::new();
    for a in seed::DEMO_ACCOUNTS {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            let tok = s.sign_in(a.username, DEMO_PASSWORD).await;
            let me = s.whoami(&tok).await;
            assert_eq!(me["username"], a.username);
            let r = s.post("set_locale", &[("locale", "en")], Some(&tok)).await;
            assert_eq!(r.status(), StatusCode::OK);
            let r = s.post("logout", &[], Some(&tok)).await;
            assert_eq!(r.status(), StatusCode::OK);
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let logins = s
        .actions()
        .await
        .into_iter()
        .filter(|a| a == "auth.login")
        .count();
    assert_eq!(logins, seed::DEMO_ACCOUNTS.len());
    let s = Arc::try_unwrap(s).ok().expect("tasks done");
    s.finish().await;
}
