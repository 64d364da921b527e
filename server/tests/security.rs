//! The server's own defences (issue 18), against the real server:
//! - anti-forgery: a request with the session cookie and neither `Origin` nor `Sec-Fetch-Site`
//!   (a plain form post from a browser that sends none) needs the session's token;
//! - sign-in throttling behind a reverse proxy (trusted and untrusted), IPv6 by /64, the soft
//!   delay across addresses, and refused attempts counted without an audit event each;
//! - password re-entry throttled and audited;
//! - only the person's activity renews the session;
//! - HSTS under secure cookies, the `Host` check, malformed requests answered without the
//!   parser's words;
//! - resource limits: drafts, the institution's quota, the case total under parallel uploads,
//!   the public PDF verification's places, and the time a request may take.

mod common;

use app::api::server::Settings;
use app::store::entities::audit_event;
use app::store::seed::DEMO_PASSWORD;
use app::store::testing::TestDb;
use common::*;
use reqwest::{header, Client, StatusCode};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{json, Value};
use std::time::Duration;

/// A client that sends no `Origin` (as IE mode of the 360 / QQ browsers, or a bare script).
fn bare() -> Client {
    Client::builder()
        .timeout(Duration::from_secs(60))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn audit_count(s: &Srv) -> u64 {
    audit_event::Entity::find().count(&s.db.db).await.unwrap()
}

fn token_of(cookie: &str) -> String {
    app::store::sessions::csrf_token(cookie.trim_start_matches("jd_session="))
}

// Renders a page (the form's token): a multi-threaded runtime, as in pages.rs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_without_origin_needs_the_sessions_token() {
    let s = Srv::start(TestDb::sqlite().await.unwrap()).await;
    let http = bare();
    let clerk = s.login("xian-jbr").await;
    let before = audit_count(&s).await;
    // The plain form post a browser without scripts makes: refused without the token.
    let r = http
        .post(format!("{}/api/set_locale", s.base))
        .header(header::COOKIE, &clerk)
        .form(&[("locale", "en")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["Refused"]["key"], "err.csrf");
    let r = http
        .post(format!("{}/api/set_locale", s.base))
        .header(header::COOKIE, &clerk)
        .form(&[("locale", "en"), ("csrf_token", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // The token the page renders into its forms works.
    let page = http
        .get(format!("{}/account/password", s.base))
        .header(header::COOKIE, &clerk)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let start = page
        .find("name=\"csrf_token\" value=\"")
        .expect("the form's token")
        + 25;
    let token = &page[start..start + page[start..].find('"').unwrap()];
    assert_eq!(token, token_of(&clerk));
    let r = http
        .post(format!("{}/api/set_locale", s.base))
        .header(header::COOKIE, &clerk)
        .header(header::ACCEPT, "application/json")
        .form(&[("locale", "en"), ("csrf_token", token)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{:?}", r.text().await);
    // Scripts send the header (or `Origin`); a JSON body has no form field to carry it.
    let body = json!({ "input": { "id": null, "version": 0, "item": item("无源"), "undertaking": false } });
    let inst = s.login("jigou").await;
    let post = |tok: Option<String>| {
        let mut rb = http
            .post(format!("{}/api/save_draft", s.base))
            .header(header::COOKIE, &inst)
            .json(&body);
        if let Some(t) = tok {
            rb = rb.header("x-csrf-token", t);
        }
        rb.send()
    };
    assert_eq!(post(None).await.unwrap().status(), StatusCode::FORBIDDEN);
    assert_eq!(
        post(Some(token_of(&clerk))).await.unwrap().status(),
        StatusCode::FORBIDDEN,
        "another session's token"
    );
    assert_eq!(
        post(Some(token_of(&inst))).await.unwrap().status(),
        StatusCode::OK
    );
    // Uploads too.
    let (id, _) = new_draft(&s, &inst, "上传").await;
    let up = |tok: Option<String>| {
        let mut rb = http
            .post(format!(
                "{}/files/cases/{id}/materials?kind=course_plan&name=a.pdf",
                s.base
            ))
            .header(header::COOKIE, &inst)
            .body(pdf("csrf"));
        if let Some(t) = tok {
            rb = rb.header("x-csrf-token", t);
        }
        rb.send()
    };
    assert_eq!(up(None).await.unwrap().status(), StatusCode::FORBIDDEN);
    assert_eq!(
        up(Some(token_of(&inst))).await.unwrap().status(),
        StatusCode::CREATED
    );
    // Without a session there is no authority to borrow: a script signs in as before.
    let r = http
        .post(format!("{}/api/login", s.base))
        .form(&[("username", "jigou"), ("password", DEMO_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    // The refused calls changed nothing: the audit trail grew by the allowed ones only.
    let after = audit_count(&s).await;
    let actions: Vec<String> = audit_event::Entity::find()
        .all(&s.db.db)
        .await
        .unwrap()
        .into_iter()
        .skip(before as usize)
        .map(|e| e.action)
        .collect();
    assert_eq!(after - before, actions.len() as u64);
    assert!(
        actions.iter().all(|a| matches!(
            a.as_str(),
            "auth.login" | "case.create" | "material.upload" | "case.save"
        )),
        "{actions:?}"
    );
    s.stop().await;
}

async fn login_from(s: &Srv, http: &Client, user: &str, password: &str, xff: Option<&str>) -> u16 {
    let mut rb = http
        .post(format!("{}/api/login", s.base))
        .form(&[("username", user), ("password", password)]);
    if let Some(x) = xff {
        rb = rb.header("x-forwarded-for", x);
    }
    rb.send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn sign_in_throttling_behind_a_trusted_proxy() {
    let s = Srv::start_with(TestDb::sqlite().await.unwrap(), |st: &mut Settings| {
        st.trusted_proxies = vec!["127.0.0.1".into()];
    })
    .await;
    let http = bare();
    // Five failures for one user from one client behind the proxy: that client waits ...
    for _ in 0..5 {
        assert_eq!(
            login_from(&s, &http, "jigou", "wrong", Some("203.0.113.5")).await,
            401
        );
    }
    assert_eq!(
        login_from(&s, &http, "jigou", DEMO_PASSWORD, Some("203.0.113.5")).await,
        429
    );
    // ... but everyone else behind the same proxy signs in.
    assert_eq!(
        login_from(&s, &http, "jigou", DEMO_PASSWORD, Some("203.0.113.6")).await,
        200
    );
    // The audit trail records the client, not the proxy.
    let failed = audit_event::Entity::find()
        .all(&s.db.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "auth.login_failed")
        .collect::<Vec<_>>();
    assert!(
        failed.iter().all(|e| e.address == "203.0.113.5"),
        "{failed:?}"
    );
    // A flood of refused attempts is counted, not written to the chain one by one.
    let before = audit_count(&s).await;
    for _ in 0..30 {
        assert_eq!(
            login_from(&s, &http, "jigou", "wrong", Some("203.0.113.5")).await,
            429
        );
    }
    // The run began with the first refusal above (its one audit event); the flood adds none.
    assert_eq!(
        audit_count(&s).await,
        before,
        "no audit event per refused attempt"
    );
    let throttled = audit_event::Entity::find()
        .all(&s.db.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "auth.login_throttled")
        .count();
    assert_eq!(throttled, 1);
    let refused = app::store::throttle::refusals(&s.db.db, "login:203.0.113.5|jigou")
        .await
        .unwrap();
    assert_eq!(refused, 31);
    // IPv6: one host's /64 is one client.
    for i in 1..=5 {
        let a = format!("2001:db8:1:2::{i}");
        assert_eq!(
            login_from(&s, &http, "jigou2", "wrong", Some(&a)).await,
            401
        );
    }
    assert_eq!(
        login_from(&s, &http, "jigou2", DEMO_PASSWORD, Some("2001:db8:1:2::99")).await,
        429
    );
    assert_eq!(
        login_from(&s, &http, "jigou2", DEMO_PASSWORD, Some("2001:db8:1:3::1")).await,
        200
    );
    // A guess spread over ten addresses slows every further attempt for that name.
    for i in 0..10 {
        let a = format!("198.51.100.{i}");
        assert_eq!(
            login_from(&s, &http, "xian-jbr", "wrong", Some(&a)).await,
            401
        );
    }
    assert_eq!(
        login_from(&s, &http, "xian-jbr", DEMO_PASSWORD, Some("198.51.100.77")).await,
        429
    );
    s.clock.advance(chrono::Duration::seconds(31));
    assert_eq!(
        login_from(&s, &http, "xian-jbr", DEMO_PASSWORD, Some("198.51.100.77")).await,
        200
    );
    s.stop().await;
}

#[tokio::test]
async fn forwarded_for_from_an_untrusted_peer_is_ignored() {
    let s = Srv::start(TestDb::sqlite().await.unwrap()).await;
    let http = bare();
    // The client writes any address it likes: all five count against its own.
    for i in 0..5 {
        let a = format!("203.0.113.{i}");
        assert_eq!(login_from(&s, &http, "jigou", "wrong", Some(&a)).await, 401);
    }
    assert_eq!(
        login_from(&s, &http, "jigou", DEMO_PASSWORD, Some("192.0.2.200")).await,
        429
    );
    let addrs: Vec<String> = audit_event::Entity::find()
        .all(&s.db.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "auth.login_failed")
        .map(|e| e.address)
        .collect();
    assert!(addrs.iter().all(|a| a == "127.0.0.1"), "{addrs:?}");
    s.stop().await;
}

#[tokio::test]
async fn password_reentry_is_throttled_and_audited() {
    for db in TestDb::all().await {
        let s = Srv::start(db).await;
        let inst = s.login("jigou").await;
        let change = |current: &'static str| {
            let s = &s;
            let inst = inst.clone();
            async move {
                s.form(
                    &inst,
                    "change_password",
                    &[
                        ("current_password", current),
                        ("new_password", "Tianchi-Lake-Morning-77"),
                        ("confirm_password", "Tianchi-Lake-Morning-77"),
                    ],
                )
                .await
            }
        };
        for _ in 0..5 {
            let (st, v) = change("wrong-password").await;
            assert_eq!(st, 422, "{v}");
            assert_eq!(field_keys(&v), vec!["err.current_password_wrong"]);
        }
        // Now even the right password waits: a stolen session cannot guess on.
        let (st, v) = change(DEMO_PASSWORD).await;
        assert_eq!(st, 429, "{v}");
        let events = audit_event::Entity::find().all(&s.db.db).await.unwrap();
        assert_eq!(
            events
                .iter()
                .filter(|e| e.action == "auth.reauth_failed")
                .count(),
            5
        );
        assert_eq!(
            events
                .iter()
                .filter(|e| e.action == "auth.reauth_throttled")
                .count(),
            1
        );
        s.clock.advance(chrono::Duration::minutes(16));
        let (st, v) = change(DEMO_PASSWORD).await;
        assert_eq!(st, 200, "{v}");
        s.stop().await;
    }
}

async fn idle_left(s: &Srv, who: &str) -> Option<i64> {
    let (st, v) = s.call(who, "whoami", json!({})).await;
    assert_eq!(st, 200, "{v}");
    v["idle_left"].as_i64()
}

// Renders a page: a multi-threaded runtime (on the test's single-threaded one server
// rendering can stall waiting for a task of the same thread, as pages.rs says).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_persons_activity_renews_the_session() {
    let s = Srv::start(TestDb::sqlite().await.unwrap()).await;
    let clerk = s.login("xian-jbr").await;
    s.clock.advance(chrono::Duration::minutes(20));
    // The page's own calls (the idle check, data) do not renew it.
    assert_eq!(idle_left(&s, &clerk).await, Some(600));
    let (st, _) = s.call(&clerk, "my_work", json!({})).await;
    assert_eq!(st, 200);
    assert_eq!(idle_left(&s, &clerk).await, Some(600));
    // The keep-alive sent on the person's input does; so does opening a page.
    let (st, v) = s.call(&clerk, "touch_session", json!({})).await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(idle_left(&s, &clerk).await, Some(1800));
    s.clock.advance(chrono::Duration::minutes(29));
    let r = s
        .http
        .get(format!("{}/county", s.base))
        .header(header::COOKIE, &clerk)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(idle_left(&s, &clerk).await, Some(1800));
    // Unattended for 30 minutes: signed out, however often the page asked.
    for _ in 0..6 {
        s.clock.advance(chrono::Duration::minutes(5));
        let _ = s.call(&clerk, "my_work", json!({})).await;
    }
    assert_eq!(idle_left(&s, &clerk).await, None);
    let (st, _) = s.call(&clerk, "my_work", json!({})).await;
    assert_eq!(st, 401);
    s.stop().await;
}

#[tokio::test]
async fn hsts_host_and_malformed_requests() {
    // On `/healthz`, not a page: the security layer answers the same for every route, and a
    // page rendered on this single-threaded test runtime can stall (see `pages.rs`).
    let s = Srv::start_with(TestDb::sqlite().await.unwrap(), |st: &mut Settings| {
        st.secure_cookies = true;
    })
    .await;
    let r = s
        .http
        .get(format!("{}/healthz", s.base))
        .send()
        .await
        .unwrap();
    assert!(r.headers()[header::STRICT_TRANSPORT_SECURITY]
        .to_str()
        .unwrap()
        .starts_with("max-age="));
    // A host this site does not serve (DNS rebinding, forged links).
    let r = s
        .http
        .get(format!("{}/healthz", s.base))
        .header(header::HOST, "evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::MISDIRECTED_REQUEST);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v, json!("BadRequest"));
    s.stop().await;

    let s = Srv::start(TestDb::sqlite().await.unwrap()).await;
    let r = s
        .http
        .get(format!("{}/healthz", s.base))
        .send()
        .await
        .unwrap();
    assert!(r.headers().get(header::STRICT_TRANSPORT_SECURITY).is_none());
    let r = s
        .http
        .get(format!("{}/healthz", s.base))
        .header(
            header::HOST,
            format!("localhost:{}", s.base.rsplit(':').next().unwrap()),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "localhost names the same loopback site");
    // A malformed body: 400 with the application's error, not the parser's words.
    let admin = s.login("admin").await;
    for (ct, body) in [
        (
            "application/x-www-form-urlencoded",
            "id=not-a-number&version=1",
        ),
        ("application/json", "{\"input\": "),
    ] {
        let r = s
            .http
            .post(format!("{}/api/disable_account", s.base))
            .header(header::COOKIE, &admin)
            .header(header::CONTENT_TYPE, ct)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400);
        let text = r.text().await.unwrap();
        assert_eq!(text, "\"BadRequest\"", "{ct}");
    }
    // An upload the router's extractors refuse (a case id that is not a number, no `kind`):
    // 400 in JSON too, not the extractor's plain text; nothing stored.
    let inst = s.login("jigou").await;
    for path in [
        "/files/cases/abc/materials?kind=other&name=a.pdf",
        "/files/cases/1/materials?name=a.pdf",
    ] {
        let r = s
            .http
            .post(format!("{}{path}", s.base))
            .header(header::COOKIE, &inst)
            .body(b"%PDF-1.4\n".to_vec())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{path}");
        assert_eq!(r.text().await.unwrap(), "\"BadRequest\"", "{path}");
    }
    // A server function that does not exist: not found, as every endpoint answers (not the
    // framework's 400 with its own words); one called with a method it does not take: 405, in
    // JSON too.
    for (method, path, status, body) in [
        (
            reqwest::Method::POST,
            "/api/no_such_function",
            404,
            "\"NotFound\"",
        ),
        (
            reqwest::Method::GET,
            "/api/no_such_function",
            404,
            "\"NotFound\"",
        ),
        (
            reqwest::Method::GET,
            "/api/disable_account",
            405,
            "\"BadRequest\"",
        ),
    ] {
        let r = s
            .http
            .request(method.clone(), format!("{}{path}", s.base))
            .header(header::COOKIE, &admin)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), status, "{method} {path}");
        if status == 405 {
            assert_eq!(r.headers()[header::ALLOW], "POST", "{path}");
        }
        assert_eq!(r.text().await.unwrap(), body, "{method} {path}");
    }
    s.stop().await;
}

#[tokio::test]
async fn drafts_and_the_institutions_files_have_limits() {
    let s = Srv::start_with(TestDb::sqlite().await.unwrap(), |st: &mut Settings| {
        st.max_open_drafts = 2;
        st.max_institution_bytes = 400;
        st.max_case_bytes = 250;
    })
    .await;
    let inst = s.login("jigou").await;
    let (a, _) = new_draft(&s, &inst, "一").await;
    let (_b, _) = new_draft(&s, &inst, "二").await;
    let (st, v) = s.call(&inst, "save_draft", json!({ "input": { "id": null, "version": 0, "item": item("三"), "undertaking": false } })).await;
    assert_eq!(st, 409, "{v}");
    assert_eq!(v["RefusedWith"]["key"], "err.draft.too_many");
    // The case total holds under parallel uploads: each file is 100 bytes, the case holds 250.
    let files: Vec<Vec<u8>> = (0..6)
        .map(|i| {
            let mut f = pdf(&format!("par{i}"));
            f.resize(100, b' ');
            f
        })
        .collect();
    let uploads = files.iter().enumerate().map(|(i, f)| {
        let s = &s;
        let inst = inst.clone();
        let f = f.clone();
        async move {
            s.upload(&inst, a, "other", &format!("f{i}.pdf"), f, None)
                .await
                .0
        }
    });
    let codes = futures_util::future::join_all(uploads).await;
    assert_eq!(codes.iter().filter(|c| **c == 201).count(), 2, "{codes:?}");
    assert!(codes.iter().all(|c| *c == 201 || *c == 422), "{codes:?}");
    // The institution's quota spans its cases: 400 bytes, 200 already held.
    let (b2, _) = (_b, ());
    let mut big = pdf("q1");
    big.resize(150, b' ');
    let (st, _) = s.upload(&inst, b2, "other", "q1.pdf", big, None).await;
    assert_eq!(st, 201);
    let mut more = pdf("q2");
    more.resize(100, b' ');
    let (st, v) = s.upload(&inst, b2, "other", "q2.pdf", more, None).await;
    assert_eq!(st, 422, "{v}");
    assert_eq!(field_keys(&v), vec!["err.file.institution_too_large"]);
    s.stop().await;
}

/// Opens a request whose body never finishes; the connection is held until dropped.
async fn stalled(host: &str, path: &str, cookie: &str) -> tokio::net::TcpStream {
    use tokio::io::AsyncWriteExt;
    let mut conn = tokio::net::TcpStream::connect(host).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nOrigin: http://{host}\r\nCookie: {cookie}\r\nContent-Type: application/pdf\r\nContent-Length: 60000\r\n\r\n%PDF-1.4\n"
    );
    conn.write_all(head.as_bytes()).await.unwrap();
    conn
}

async fn status_of(conn: &mut tokio::net::TcpStream) -> u16 {
    use tokio::io::AsyncReadExt;
    let mut buf = vec![0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(60), conn.read(&mut buf))
        .await
        .expect("an answer")
        .unwrap();
    let text = String::from_utf8_lossy(&buf[..n]);
    text.split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

#[tokio::test]
async fn slow_requests_are_bounded() {
    let s = Srv::start_with(TestDb::sqlite().await.unwrap(), |st: &mut Settings| {
        st.transfer_timeout = Duration::from_secs(1);
    })
    .await;
    let host = s.base.trim_start_matches("http://").to_string();
    // The public verification reads a few PDFs at once; the next is told to come back.
    let mut held = Vec::new();
    for _ in 0..app::api::files::VERIFY_PDF_SLOTS {
        held.push(stalled(&host, "/verify/pdf", "").await);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let r = s
        .http
        .post(format!("{}/verify/pdf", s.base))
        .body(pdf("busy"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["Refused"]["key"], "err.busy");
    // Each stalled one is answered when its time is up, and frees its place.
    for c in &mut held {
        assert_eq!(status_of(c).await, 503);
    }
    let r = s
        .http
        .post(format!("{}/verify/pdf", s.base))
        .body(pdf("free"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    // An upload whose body stops arriving is answered within the transfer time.
    let inst = s.login("jigou").await;
    let (id, _) = new_draft(&s, &inst, "慢").await;
    let path = format!("/files/cases/{id}/materials?kind=course_plan&name=a.pdf");
    let mut c = stalled(&host, &path, &inst).await;
    assert_eq!(status_of(&mut c).await, 503);
    let (_, case) = s.case(&inst, id).await;
    assert_eq!(case["materials"], json!([]), "nothing half stored");
    s.stop().await;
}
