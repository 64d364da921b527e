//! The server's HTTP hardening: cross-origin posts are refused, GET never changes state, HTML
//! pages carry a fresh CSP nonce and the security headers, `/healthz` answers, and oversized
//! or malformed bodies get a 4xx while the server goes on.

use super::common::Srv;
use super::{bare, session_cookie, set_cookie_line, Http};
use app::store::seed::{self, DEMO_PASSWORD};
use app::store::testing::TestDb;
use reqwest::{header, StatusCode};
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cross_origin_posts_are_refused_and_change_nothing() {
    let s = Srv::start(TestDb::sqlite().await.unwrap()).await;
    let http = bare();
    let admin = s.sign_in("admin", DEMO_PASSWORD).await;
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
        let r = http
            .post(format!("{}/api/disable_account", s.base))
            .header(h, v)
            .header(header::COOKIE, format!("jd_session={admin}"))
            .form(&[("id", id.as_str()), ("version", ver.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{h}: {v}");
        let r = http
            .post(format!("{}/api/login", s.base))
            .header(h, v)
            .form(&[("username", "jigou"), ("password", DEMO_PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{h}: {v}");
        assert!(set_cookie_line(&r).is_none());
        let r = http
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
    let r = http
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
    let http = bare();
    let admin = s.sign_in("admin", DEMO_PASSWORD).await;
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
        let r = http
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
    let http = bare();
    let admin = s.sign_in("admin", DEMO_PASSWORD).await;
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
        let r = http
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
