//! The real server on an ephemeral port with a fresh database, driven over HTTP.
//! SQLite always; the tests that loop over `TestDb::all()` also run on PostgreSQL when
//! `TEST_DATABASE_URL` is set.

use app::store::audit::{self, Verdict};
use app::store::clock::{Clock, TestClock};
use app::store::entities::{audit_event, session, user_account};
use app::store::seed::{self, DEMO_PASSWORD};
use app::store::testing::TestDb;
use reqwest::{header, Client, Response, StatusCode};
use sea_orm::sqlx::types::chrono::{TimeZone, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};
use serde_json::Value;
use std::sync::Arc;

const NEW_PASSWORD: &str = "Tianchi-Lake-Morning-77";

/// A running server with its database.
struct Srv {
    base: String,
    http: Client,
    clock: TestClock,
    db: DatabaseConnection,
    url: String,
    kind: &'static str,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
    test_db: TestDb,
    data_dir: std::path::PathBuf,
}

impl Srv {
    async fn start(test_db: TestDb) -> Srv {
        let clock = TestClock::at(Utc.with_ymd_and_hms(2026, 4, 7, 1, 0, 0).unwrap());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let data_dir = std::env::temp_dir().join(format!("jianding_http_{}", addr.port()));
        let st = server::state(
            &test_db.url,
            data_dir.clone(),
            false,
            addr,
            Arc::new(clock.clone()),
        )
        .await
        .unwrap();
        assert!(seed::seed_demo(&st.db, clock.now()).await.unwrap());
        let task = tokio::spawn(server::serve(listener, st));
        Srv {
            base: format!("http://{addr}"),
            // A hang becomes a failure with a name (not a timing assertion: far beyond need).
            http: Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(std::time::Duration::from_secs(120))
                .build()
                .unwrap(),
            clock,
            db: test_db.db.clone(),
            url: test_db.url.clone(),
            kind: test_db.kind,
            task,
            test_db,
            data_dir,
        }
    }

    /// A form POST to a server function, with the session cookie when given.
    async fn post(&self, name: &str, form: &[(&str, &str)], cookie: Option<&str>) -> Response {
        // A script shows the request is the site's own by `Origin` (without it, a request
        // with the session cookie needs the anti-forgery token).
        let mut rb = self
            .http
            .post(format!("{}/api/{name}", self.base))
            .header(header::ORIGIN, self.base.as_str())
            .form(form);
        if let Some(c) = cookie {
            rb = rb.header(header::COOKIE, format!("jd_session={c}"));
        }
        rb.send().await.unwrap()
    }

    async fn post_json(&self, name: &str, form: &[(&str, &str)], cookie: &str) -> (u16, Value) {
        let r = self.post(name, form, Some(cookie)).await;
        let status = r.status().as_u16();
        let text = r.text().await.unwrap();
        let v = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"));
        (status, v)
    }

    /// Signs in; the status, the new session token if any, and the body.
    async fn login_with(
        &self,
        user: &str,
        password: &str,
        cookie: Option<&str>,
    ) -> (StatusCode, Option<String>, String) {
        let r = self
            .post(
                "login",
                &[("username", user), ("password", password)],
                cookie,
            )
            .await;
        let status = r.status();
        let token = session_cookie(&r).filter(|t| !t.is_empty());
        (status, token, r.text().await.unwrap())
    }

    async fn login(&self, user: &str, password: &str) -> String {
        let (s, tok, body) = self.login_with(user, password, None).await;
        assert_eq!(s, StatusCode::OK, "{}: login {user}: {body}", self.kind);
        tok.expect("a session cookie")
    }

    async fn whoami(&self, cookie: &str) -> Value {
        let (s, v) = self.post_json("whoami", &[], cookie).await;
        assert_eq!(s, 200, "{v}");
        v
    }

    async fn get(&self, path: &str) -> Response {
        self.http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
    }

    async fn actions(&self) -> Vec<String> {
        audit_event::Entity::find()
            .order_by_asc(audit_event::Column::Seq)
            .all(&self.db)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect()
    }

    async fn account(&self, username: &str) -> user_account::Model {
        user_account::Entity::find()
            .filter(user_account::Column::Username.eq(username))
            .one(&self.db)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("no account {username}"))
    }

    async fn sessions(&self) -> u64 {
        session::Entity::find().count(&self.db).await.unwrap()
    }

    async fn accounts_snapshot(&self) -> Vec<(i64, String, bool, i32, String)> {
        user_account::Entity::find()
            .order_by_asc(user_account::Column::Id)
            .all(&self.db)
            .await
            .unwrap()
            .into_iter()
            .map(|a| (a.id, a.username, a.disabled, a.version, a.password_hash))
            .collect()
    }

    /// Checks the audit chain, stops the server and drops the database.
    async fn finish(self) {
        let v = audit::verify(&self.db).await.unwrap();
        assert!(
            matches!(v, Verdict::Ok { count } if count >= 1),
            "{}: {v:?}",
            self.kind
        );
        self.task.abort();
        let _ = self.task.await;
        self.test_db.close().await;
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

/// Moves the server's clock (chrono is not a dependency of this crate: a difference of two
/// instants gives its duration type).
fn advance(clock: &TestClock, secs: i64) {
    let zero = Utc.timestamp_opt(0, 0).unwrap();
    clock.advance(Utc.timestamp_opt(secs, 0).unwrap() - zero);
}

/// The value of the `jd_session` cookie the response sets, if any.
fn session_cookie(r: &Response) -> Option<String> {
    set_cookie_line(r).map(|l| {
        l.trim_start_matches("jd_session=")
            .split(';')
            .next()
            .unwrap_or("")
            .to_string()
    })
}

fn set_cookie_line(r: &Response) -> Option<String> {
    r.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|l| l.starts_with("jd_session="))
        .map(str::to_string)
}

// ---------------------------------------------------------------------------------------------
// Signing in

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
        assert_eq!(r.status(), StatusCode::OK, "{}", s.kind);
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
            .all(&s.db)
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
            advance(&s.clock, 3);
            let (st, _, body) = s.login_with("jigou", &format!("wrong-{i}"), None).await;
            assert_eq!(st, StatusCode::UNAUTHORIZED, "{}: attempt {i}", s.kind);
            assert_eq!(body, "\"BadCredentials\"");
        }
        // Now even the right password waits.
        let (st, tok, body) = s.login_with("jigou", DEMO_PASSWORD, None).await;
        assert_eq!(st, StatusCode::TOO_MANY_REQUESTS, "{}: {body}", s.kind);
        assert_eq!(tok, None);
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["Throttled"]["minutes"], 15, "{body}");
        // Another account from the same address is not affected.
        s.login("jigou2", DEMO_PASSWORD).await;

        let evs = audit_event::Entity::find()
            .filter(audit_event::Column::Object.eq("username:jigou"))
            .order_by_asc(audit_event::Column::Seq)
            .all(&s.db)
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
        advance(&s.clock, 15 * 60);
        s.login("jigou", DEMO_PASSWORD).await;
        s.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_login_gets_a_new_session_id_and_ends_the_old_one() {
    let s = Srv::start(TestDb::sqlite().await.unwrap()).await;
    let first = s.login("zhou-jbr", DEMO_PASSWORD).await;
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
        let tok = s.login("fk-jbr", DEMO_PASSWORD).await;
        assert_eq!(s.whoami(&tok).await["username"], "fk-jbr");
        let r = s.post("logout", &[], Some(&tok)).await;
        assert_eq!(r.status(), StatusCode::OK);
        let line = set_cookie_line(&r).expect("cookie cleared");
        assert!(line.contains("Max-Age=0"), "{line}");
        assert_eq!(s.whoami(&tok).await, Value::Null, "{}", s.kind);
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
    let tok = s.login("jiandu", DEMO_PASSWORD).await;
    advance(&s.clock, 25 * 60);
    let (st, left) = s.post_json("touch_session", &[], &tok).await;
    assert_eq!((st, left), (200, Value::from(30 * 60)));
    advance(&s.clock, 31 * 60);
    assert_eq!(s.whoami(&tok).await, Value::Null);
    s.finish().await;
}

// ---------------------------------------------------------------------------------------------
// Administration and access

async fn account_row(s: &Srv, admin: &str, username: &str) -> (i64, i64) {
    let (st, rows) = s.post_json("list_accounts", &[], admin).await;
    assert_eq!(st, 200, "{rows}");
    let row = rows
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
    let victim = s.login("jigou", DEMO_PASSWORD).await;
    let admin = s.login("admin", DEMO_PASSWORD).await;
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
        let tok = s.login(user, DEMO_PASSWORD).await;
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
        let admin = s.login("admin", DEMO_PASSWORD).await;
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

// ---------------------------------------------------------------------------------------------
// Cross-origin requests and GET

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cross_origin_posts_are_refused_and_change_nothing() {
    let s = Srv::start(TestDb::sqlite().await.unwrap()).await;
    let admin = s.login("admin", DEMO_PASSWORD).await;
    let jigou = s.account("jigou").await;
    let sessions_before = s.sessions().await;
    let events_before = s.actions().await.len();
    let (id, ver) = (jigou.id.to_string(), jigou.version.to_string());
    let evil: [(&str, &str); 4] = [
        ("origin", "http://evil.example"),
        ("sec-fetch-site", "cross-site"),
        ("sec-fetch-site", "same-site"),
        ("origin", "null"),
    ];
    for (h, v) in evil {
        let r = s
            .http
            .post(format!("{}/api/disable_account", s.base))
            .header(h, v)
            .header(header::COOKIE, format!("jd_session={admin}"))
            .form(&[("id", id.as_str()), ("version", ver.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{h}: {v}");
        let r = s
            .http
            .post(format!("{}/api/login", s.base))
            .header(h, v)
            .form(&[("username", "jigou"), ("password", DEMO_PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{h}: {v}");
        assert!(set_cookie_line(&r).is_none());
        let r = s
            .http
            .post(format!("{}/api/logout", s.base))
            .header(h, v)
            .header(header::COOKIE, format!("jd_session={admin}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{h}: {v}");
    }
    assert!(!s.account("jigou").await.disabled);
    assert_eq!(s.sessions().await, sessions_before);
    assert_eq!(s.actions().await.len(), events_before);
    assert_eq!(s.whoami(&admin).await["username"], "admin");

    // Our own origin works, as a browser sends it.
    let r = s
        .http
        .post(format!("{}/api/login", s.base))
        .header(header::ORIGIN, s.base.as_str())
        .header("sec-fetch-site", "same-origin")
        .form(&[("username", "jigou"), ("password", DEMO_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(session_cookie(&r).is_some());
    s.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_never_changes_state() {
    let s = Srv::start(TestDb::sqlite().await.unwrap()).await;
    let admin = s.login("admin", DEMO_PASSWORD).await;
    let jigou = s.account("jigou").await;
    let events_before = s.actions().await.len();
    let sessions_before = s.sessions().await;
    let urls = [
        "/api/logout".to_string(),
        format!(
            "/api/disable_account?id={}&version={}",
            jigou.id, jigou.version
        ),
        format!("/api/login?username=jigou&password={DEMO_PASSWORD}"),
        "/api/create_account?username=getter&display_name=G&role=admin&scope_id=0".to_string(),
    ];
    for u in &urls {
        let r = s
            .http
            .get(format!("{}{u}", s.base))
            .header(header::COOKIE, format!("jd_session={admin}"))
            .send()
            .await
            .unwrap();
        assert!(
            !r.status().is_success() && !r.status().is_server_error(),
            "GET {u}: {}",
            r.status()
        );
        assert!(
            set_cookie_line(&r).is_none(),
            "GET {u} set a session cookie"
        );
    }
    assert_eq!(
        s.whoami(&admin).await["username"],
        "admin",
        "still signed in"
    );
    assert!(!s.account("jigou").await.disabled);
    assert_eq!(
        s.accounts_snapshot().await.len(),
        seed::demo_account_count()
    );
    assert_eq!(s.sessions().await, sessions_before);
    assert_eq!(s.actions().await.len(), events_before);
    s.finish().await;
}

// ---------------------------------------------------------------------------------------------
// Headers, limits, health

/// Sends a request over a bare connection (the server may answer and close before the body is
/// all written, which an HTTP client reports as an error) and returns the answer's status.
async fn raw_exchange(host: &str, head: String, body: Vec<Vec<u8>>) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let conn = tokio::net::TcpStream::connect(host).await.unwrap();
    let (mut rd, mut wr) = conn.into_split();
    let reader = tokio::spawn(async move {
        let mut buf = Vec::new();
        let _ = rd.read_to_end(&mut buf).await; // a reset after the answer is fine
        buf
    });
    let exchange = async {
        if wr.write_all(head.as_bytes()).await.is_ok() {
            for piece in body {
                if wr.write_all(&piece).await.is_err() {
                    break; // the server stopped reading
                }
            }
        }
        reader.await.unwrap()
    };
    // A hang becomes a failure with a name (not a timing assertion: far beyond need).
    let answer = tokio::time::timeout(std::time::Duration::from_secs(120), exchange)
        .await
        .expect("the server neither answered nor closed the connection");
    let answer = String::from_utf8_lossy(&answer);
    answer
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no status line: {answer:?}"))
}

fn csp_nonce(csp: &str) -> String {
    let script_src = csp
        .split(';')
        .map(str::trim)
        .find(|d| d.starts_with("script-src"))
        .unwrap_or_else(|| panic!("no script-src in {csp}"));
    assert!(!script_src.contains("unsafe-inline"), "{script_src}");
    let start = script_src.find("'nonce-").expect("a nonce in script-src") + 7;
    let rest = &script_src[start..];
    rest[..rest.find('\'').unwrap()].to_string()
}

fn page_nonces(html: &str) -> Vec<String> {
    html.split("nonce=\"")
        .skip(1)
        .map(|p| p[..p.find('"').unwrap()].to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn html_pages_carry_a_fresh_csp_nonce_and_security_headers() {
    let s = Srv::start(TestDb::sqlite().await.unwrap()).await;
    let mut seen = Vec::new();
    for path in ["/login", "/login", "/"] {
        let r = s.get(path).await;
        assert!(r.status().is_success(), "GET {path}: {}", r.status());
        let h = r.headers().clone();
        assert!(h[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
        let csp = h[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .to_string();
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert!(csp.contains("object-src 'none'"), "{csp}");
        let nonce = csp_nonce(&csp);
        assert!(nonce.len() >= 16, "{nonce}");
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert!(h.contains_key(header::REFERRER_POLICY));
        assert_eq!(h[header::REFERRER_POLICY], "same-origin");
        let html = r.text().await.unwrap();
        let on_page = page_nonces(&html);
        assert!(
            html.contains("<script") && !on_page.is_empty(),
            "GET {path}: no nonce on the page"
        );
        for n in &on_page {
            assert_eq!(n, &nonce, "GET {path}: page nonce differs from the CSP");
        }
        // Every script element carries the nonce.
        for tag in html.split("<script").skip(1) {
            let open = &tag[..tag.find('>').unwrap()];
            assert!(
                open.contains("nonce=\""),
                "a script without nonce on {path}: {open}"
            );
        }
        seen.push(nonce);
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 3, "a new nonce for every response");

    // JSON answers carry the headers too.
    let r = s.post("whoami", &[], None).await;
    assert_eq!(r.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert!(r.headers().contains_key(header::CONTENT_SECURITY_POLICY));
    s.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_reports_version_and_database() {
    let s = Srv::start(TestDb::sqlite().await.unwrap()).await;
    let r = s.get("/healthz").await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(v["database"], true);
    assert_eq!(v["status"], "ok");
    s.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_and_malformed_bodies_get_4xx_and_the_server_goes_on() {
    let s = Srv::start(TestDb::sqlite().await.unwrap()).await;
    let admin = s.login("admin", DEMO_PASSWORD).await;
    let events_before = s.actions().await.len();

    // 2 MB with a Content-Length: refused before it is read.
    let host = s.base.trim_start_matches("http://").to_string();
    let big = format!("username=admin&password={}", "a".repeat(2 * 1024 * 1024));
    let head = format!(
        "POST /api/login HTTP/1.1\r\nHost: {host}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        big.len()
    );
    let pieces: Vec<Vec<u8>> = big
        .as_bytes()
        .chunks(64 * 1024)
        .map(<[u8]>::to_vec)
        .collect();
    let status = raw_exchange(&host, head, pieces).await;
    assert_eq!(status, 413);

    let bodies: Vec<(&str, &str, Vec<u8>)> = vec![
        (
            "login",
            "application/x-www-form-urlencoded",
            b"username=\xff\xfe&password=\xc3\x28".to_vec(),
        ),
        (
            "login",
            "application/x-www-form-urlencoded",
            b"%%%&&&===\x00\x01garbage".to_vec(),
        ),
        ("login", "application/x-www-form-urlencoded", Vec::new()),
        (
            "login",
            "application/json",
            br#"{"username":"admin","password":"x"}"#.to_vec(),
        ),
        (
            "disable_account",
            "application/x-www-form-urlencoded",
            b"id=not-a-number&version=1".to_vec(),
        ),
        (
            "disable_account",
            "application/x-www-form-urlencoded",
            b"id=99999999999999999999999&version=1".to_vec(),
        ),
        (
            "create_account",
            "application/json",
            br#"{"username":"x","display_name":"y","role":"admin","scope_id":0}"#.to_vec(),
        ),
    ];
    for (name, ct, body) in bodies {
        let r = s
            .http
            .post(format!("{}/api/{name}", s.base))
            .header(header::CONTENT_TYPE, ct)
            .header(header::ORIGIN, s.base.as_str())
            .header(header::COOKIE, format!("jd_session={admin}"))
            .body(body.clone())
            .send()
            .await
            .unwrap();
        let st = r.status();
        let text = r.text().await.unwrap_or_default();
        assert!(
            st.is_client_error(),
            "{name} with {ct} {:?}: {st} {text}",
            String::from_utf8_lossy(&body)
        );
    }
    // Still answering, nothing changed.
    assert_eq!(s.get("/healthz").await.status(), StatusCode::OK);
    assert_eq!(s.whoami(&admin).await["username"], "admin");
    assert_eq!(
        s.accounts_snapshot().await.len(),
        seed::demo_account_count()
    );
    let acts = s.actions().await.split_off(events_before);
    assert!(
        acts.iter().all(|a| a == "auth.login_failed"),
        "unexpected events: {acts:?}"
    );
    s.finish().await;
}

// ---------------------------------------------------------------------------------------------
// The audit chain from the command line

async fn verify_audit(url: &str, data_dir: &std::path::Path) -> (Option<i32>, String) {
    let (url, data_dir) = (url.to_string(), data_dir.to_path_buf());
    tokio::task::spawn_blocking(move || verify_audit_blocking(&url, &data_dir))
        .await
        .unwrap()
}

fn verify_audit_blocking(url: &str, data_dir: &std::path::Path) -> (Option<i32>, String) {
    use std::io::Read;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_jianding"))
        .arg("--database-url")
        .arg(url)
        .arg("--data-dir")
        .arg(data_dir)
        .arg("verify-audit")
        .env("RUST_LOG", "error")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // A hang becomes a failure with a name (not a timing assertion: far beyond need).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("jianding verify-audit did not finish");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    (status.code(), out)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_audit_binary_reports_ok_then_broken() {
    {
        let s = Srv::start(TestDb::sqlite().await.unwrap()).await;
        s.login("admin", DEMO_PASSWORD).await;
        let _ = s.login_with("admin", "wrong-password-x", None).await;
        let tok = s.login("jigou", DEMO_PASSWORD).await;
        s.post("logout", &[], Some(&tok)).await;
        let n = s.actions().await.len();
        assert!(n >= 5);

        let dir = s.data_dir.join("cli");
        let (code, out) = verify_audit(&s.url, &dir).await;
        assert_eq!(code, Some(0), "{out}");
        assert!(out.contains("OK"), "{out}");
        assert!(out.contains(&format!("{n} events")), "{out}");

        s.db.execute_unprepared("UPDATE audit_event SET address = '10.9.9.9' WHERE seq = 3")
            .await
            .unwrap();
        let (code, out) = verify_audit(&s.url, &dir).await;
        assert_eq!(code, Some(2), "{out}");
        assert!(out.contains("BROKEN"), "{out}");
        assert!(out.contains("event 3"), "{out}");

        // The library says the same; then clean up without the final chain check.
        assert!(matches!(
            audit::verify(&s.db).await.unwrap(),
            Verdict::Broken { seq: 3, .. }
        ));
        s.task.abort();
        s.test_db.close().await;
        let _ = std::fs::remove_dir_all(&s.data_dir);
    }
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
        let kind = s.kind;
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
            let tok = s.login(a.username, DEMO_PASSWORD).await;
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reset_password_ends_sessions_and_issues_a_one_time_password() {
    let s = Srv::start(TestDb::sqlite().await.unwrap()).await;
    let victim = s.login("zhuanjia", DEMO_PASSWORD).await;
    let admin = s.login("admin", DEMO_PASSWORD).await;
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
async fn an_oversized_chunked_body_gets_4xx() {
    let s = Srv::start(TestDb::sqlite().await.unwrap()).await;
    let host = s.base.trim_start_matches("http://").to_string();
    let head = format!(
        "POST /api/login HTTP/1.1\r\nHost: {host}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    let mut pieces = vec![b"18\r\nusername=admin&password=\r\n".to_vec()];
    for _ in 0..32 {
        let mut c = format!("{:x}\r\n", 64 * 1024).into_bytes();
        c.extend(std::iter::repeat_n(b'a', 64 * 1024));
        c.extend(b"\r\n");
        pieces.push(c);
    }
    pieces.push(b"0\r\n\r\n".to_vec());
    let status = raw_exchange(&host, head, pieces).await;
    assert!((400..500).contains(&status), "{status}");
    assert_eq!(s.get("/healthz").await.status(), StatusCode::OK);
    s.finish().await;
}
