//! Sessions live in the database, so several server processes share them. The cookie holds a
//! random 256-bit token; the table holds only its SHA-256.

use super::entities::{session, user_account};
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use sha2::{Digest, Sha256};

/// Idle timeout (SECURITY.md): 30 minutes.
pub const IDLE: Duration = Duration::minutes(30);
/// Absolute limit: 12 hours after sign-in.
pub const ABSOLUTE: Duration = Duration::hours(12);
/// `last_seen_at` is written at most this often, to spare the write lock.
const TOUCH_EVERY: Duration = Duration::seconds(20);

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The anti-forgery token of a session (SECURITY.md, CSRF): a one-way function of the session
/// token, so it can be put in pages and forms without giving the session away, and nobody
/// without the session cookie can compute it. A state-changing request that carries the
/// session cookie but neither `Origin` nor `Sec-Fetch-Site` (IE mode of the 360 and QQ
/// browsers, scripts) must send it, as the `X-CSRF-Token` header or a `csrf_token` form field.
pub fn csrf_token(session_token: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"jianding-csrf-v1\0");
    h.update(session_token.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(h.finalize())
}

pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("OS random source");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Starts a session; returns the token for the cookie.
pub async fn create<C: ConnectionTrait>(
    c: &C,
    user_id: i64,
    address: &str,
    now: DateTime<Utc>,
) -> Result<String, DbErr> {
    let token = new_token();
    session::Entity::insert(session::ActiveModel {
        token_hash: Set(token_hash(&token)),
        user_id: Set(user_id),
        created_at: Set(now),
        last_seen_at: Set(now),
        address: Set(address.into()),
    })
    .exec_without_returning(c)
    .await?;
    Ok(token)
}

/// A live session and its account.
#[derive(Debug, Clone)]
pub struct Live {
    pub session: session::Model,
    pub user: user_account::Model,
    /// Seconds until the idle timeout.
    pub idle_left: i64,
}

/// Resolves a cookie token. Expired sessions and those of disabled accounts are deleted and
/// answer `None`. `touch` records activity (a page or a call the user made).
pub async fn resolve<C: ConnectionTrait>(
    c: &C,
    token: &str,
    now: DateTime<Utc>,
    touch: bool,
) -> Result<Option<Live>, DbErr> {
    let h = token_hash(token);
    let Some(s) = session::Entity::find_by_id(h.clone()).one(c).await? else {
        return Ok(None);
    };
    let user = user_account::Entity::find_by_id(s.user_id).one(c).await?;
    let expired = now - s.last_seen_at >= IDLE || now - s.created_at >= ABSOLUTE;
    match user {
        Some(u) if !u.disabled && !expired => {
            let mut s = s;
            if touch && now - s.last_seen_at >= TOUCH_EVERY {
                session::Entity::update_many()
                    .col_expr(session::Column::LastSeenAt, Expr::value(now))
                    .filter(session::Column::TokenHash.eq(h))
                    .exec(c)
                    .await?;
                s.last_seen_at = now;
            }
            let idle_left = (s.last_seen_at + IDLE - now)
                .num_seconds()
                .min((s.created_at + ABSOLUTE - now).num_seconds());
            Ok(Some(Live {
                session: s,
                user: u,
                idle_left,
            }))
        }
        _ => {
            session::Entity::delete_by_id(h).exec(c).await?;
            Ok(None)
        }
    }
}

pub async fn end<C: ConnectionTrait>(c: &C, token: &str) -> Result<bool, DbErr> {
    let r = session::Entity::delete_by_id(token_hash(token))
        .exec(c)
        .await?;
    Ok(r.rows_affected > 0)
}

/// Ends every other session of an account (after a password change), keeping `keep_token`'s.
pub async fn end_others<C: ConnectionTrait>(
    c: &C,
    user_id: i64,
    keep_token: Option<&str>,
) -> Result<u64, DbErr> {
    let mut q = session::Entity::delete_many().filter(session::Column::UserId.eq(user_id));
    if let Some(t) = keep_token {
        q = q.filter(session::Column::TokenHash.ne(token_hash(t)));
    }
    Ok(q.exec(c).await?.rows_affected)
}

/// Ends every session of an account (disable, password reset).
pub async fn end_all_for_user<C: ConnectionTrait>(c: &C, user_id: i64) -> Result<u64, DbErr> {
    let r = session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user_id))
        .exec(c)
        .await?;
    Ok(r.rows_affected)
}
