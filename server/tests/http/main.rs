//! Signing in, accounts and the server's HTTP hardening, driven over HTTP against the real
//! server (the shared harness in `common`). SQLite always; the tests that loop over
//! `TestDb::all()` also run on PostgreSQL when `TEST_DATABASE_URL` is set.
//!
//! - `signin`: right and wrong passwords, the throttle, session ids, logout, idle expiry, and
//!   the same under parallel requests;
//! - `accounts`: the administrator's endpoints (disabling, resetting, one-time passwords) and
//!   that nobody else may use them;
//! - `hardening`: cross-origin posts, GET never changing state, the CSP nonce and security
//!   headers, `/healthz`, oversized and malformed bodies;
//! - `audit_cli`: `jianding verify-audit` on an intact and a tampered chain.
//!
//! The helpers here use a client that neither follows redirects nor sends `Origin` unless told
//! (these tests look at raw answers and at requests without provenance), and pass the bare
//! session token (the cookie is `jd_session=<token>`).

#[path = "../common/mod.rs"]
mod common;

mod accounts;
mod audit_cli;
mod hardening;
mod signin;

use app::store::audit::{self, Verdict};
use app::store::entities::{session, user_account};
use common::Srv;
use reqwest::{header, Client, Response, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::Value;

/// A client that follows no redirect and sends no `Origin` of its own. A hang becomes a
/// failure with a name (not a timing assertion: far beyond need).
fn bare() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(120))
        .build()
        .unwrap()
}

/// The HTTP side of the tests, on the shared server. Cookies are bare session tokens.
trait Http {
    /// A form POST to a server function, with the session cookie when given.
    async fn post(&self, name: &str, form: &[(&str, &str)], cookie: Option<&str>) -> Response;
    /// A form POST with the session cookie: status and the JSON answer.
    async fn post_json(&self, name: &str, form: &[(&str, &str)], cookie: &str) -> (u16, Value);
    /// Signs in; the status, the new session token if any, and the body.
    async fn login_with(
        &self,
        user: &str,
        password: &str,
        cookie: Option<&str>,
    ) -> (StatusCode, Option<String>, String);
    /// Signs in, which must succeed; the session token.
    async fn sign_in(&self, user: &str, password: &str) -> String;
    async fn whoami(&self, cookie: &str) -> Value;
    /// A GET without cookie.
    async fn get(&self, path: &str) -> Response;
    async fn account(&self, username: &str) -> user_account::Model;
    async fn sessions(&self) -> u64;
    async fn accounts_snapshot(&self) -> Vec<(i64, String, bool, i32, String)>;
    /// Checks the audit chain, then stops the server (which checks the tallies).
    async fn finish(self);
}

impl Http for Srv {
    async fn post(&self, name: &str, form: &[(&str, &str)], cookie: Option<&str>) -> Response {
        // A script shows the request is the site's own by `Origin` (without it, a request
        // with the session cookie needs the anti-forgery token).
        let mut rb = bare()
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

    async fn sign_in(&self, user: &str, password: &str) -> String {
        let (s, tok, body) = self.login_with(user, password, None).await;
        assert_eq!(s, StatusCode::OK, "{}: login {user}: {body}", self.db.kind);
        tok.expect("a session cookie")
    }

    async fn whoami(&self, cookie: &str) -> Value {
        let (s, v) = self.post_json("whoami", &[], cookie).await;
        assert_eq!(s, 200, "{v}");
        v
    }

    async fn get(&self, path: &str) -> Response {
        bare()
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
    }

    async fn account(&self, username: &str) -> user_account::Model {
        user_account::Entity::find()
            .filter(user_account::Column::Username.eq(username))
            .one(&self.db.db)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("no account {username}"))
    }

    async fn sessions(&self) -> u64 {
        session::Entity::find().count(&self.db.db).await.unwrap()
    }

    async fn accounts_snapshot(&self) -> Vec<(i64, String, bool, i32, String)> {
        user_account::Entity::find()
            .order_by_asc(user_account::Column::Id)
            .all(&self.db.db)
            .await
            .unwrap()
            .into_iter()
            .map(|a| (a.id, a.username, a.disabled, a.version, a.password_hash))
            .collect()
    }

    async fn finish(self) {
        let v = audit::verify(&self.db.db).await.unwrap();
        assert!(
            matches!(v, Verdict::Ok { count } if count >= 1),
            "{}: {v:?}",
            self.db.kind
        );
        self.stop().await;
    }
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
