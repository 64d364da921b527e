//! Middleware: the client's address (believing `X-Forwarded-For` only from trusted proxies),
//! the `Host` check, the anti-forgery check of state-changing requests, a time limit per
//! request, and security headers with a fresh CSP nonce per response.

use app::api::server::{ClientAddr, CspNonce, Settings, CSRF_FIELD, CSRF_HEADER, SESSION_COOKIE};
use app::api::AppError;
use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

/// What the middleware enforces, from the settings.
#[derive(Debug, Clone)]
pub struct Guard {
    allowed_hosts: Vec<String>,
    proxies: Vec<IpNet>,
    hsts: bool,
    request_timeout: Duration,
    transfer_timeout: Duration,
}

impl Guard {
    pub fn new(s: &Settings) -> Arc<Guard> {
        Arc::new(Guard {
            allowed_hosts: s.allowed_hosts.clone(),
            // Checked at start (`server::state`): only valid entries reach here.
            proxies: parse_proxies(&s.trusted_proxies).unwrap_or_default(),
            hsts: s.secure_cookies,
            request_timeout: s.request_timeout,
            transfer_timeout: s.transfer_timeout,
        })
    }
}

/// The `Host` values to accept: the public URL's host; without one, the listen address (and
/// `localhost:<port>` on loopback). Empty (accept any) only when listening on every interface
/// without a public URL.
pub fn allowed_hosts(public_url: Option<&str>, addr: SocketAddr) -> Vec<String> {
    if let Some(url) = public_url {
        let rest = url.split_once("://").map_or(url, |(_, r)| r);
        let host = rest.split('/').next().unwrap_or(rest).to_ascii_lowercase();
        return vec![host];
    }
    if addr.ip().is_unspecified() {
        return vec![];
    }
    let mut hosts = vec![addr.to_string()];
    if addr.ip().is_loopback() {
        hosts.push(format!("localhost:{}", addr.port()));
    }
    hosts
}

/// The trusted proxies as networks: an address is its own /32 (/128); an entry that is
/// neither an address nor a CIDR range is returned as the error.
pub fn parse_proxies(list: &[String]) -> Result<Vec<IpNet>, String> {
    list.iter()
        .map(|p| {
            p.parse::<IpNet>()
                .or_else(|_| p.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| p.clone())
        })
        .collect()
}

/// The client's address: the peer's, unless the peer is a trusted proxy; then the nearest
/// address in `X-Forwarded-For` (read from the right) that is not itself a trusted proxy.
/// Addresses a client wrote into the header before the first trusted proxy are never believed.
pub fn client_ip(peer: IpAddr, forwarded_for: Option<&str>, proxies: &[IpNet]) -> IpAddr {
    let trusted = |ip: &IpAddr| proxies.iter().any(|n| n.contains(ip));
    if !trusted(&peer) {
        return peer;
    }
    let hops: Vec<IpAddr> = forwarded_for
        .unwrap_or_default()
        .split(',')
        .filter_map(|h| h.trim().parse::<IpAddr>().ok())
        .collect();
    let mut client = peer;
    for hop in hops.into_iter().rev() {
        client = hop;
        if !trusted(&hop) {
            break;
        }
    }
    client
}

/// Where a state-changing request says it comes from.
#[derive(Debug, PartialEq, Eq)]
pub enum Provenance {
    /// `Sec-Fetch-Site` or `Origin` says this site.
    SameOrigin,
    /// Either says another site.
    CrossSite,
    /// Neither header (a browser that sends none, or a script).
    Unknown,
}

/// Reads `Sec-Fetch-Site` and `Origin` (against the request's own `Host`, which the `Host`
/// check has already held to the allowed ones).
pub fn provenance(h: &HeaderMap) -> Provenance {
    let mut same = false;
    if let Some(site) = h.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        if !matches!(site, "same-origin" | "none") {
            return Provenance::CrossSite;
        }
        same = true;
    }
    if let Some(origin) = h.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = h
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let origin_host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or("");
        if origin == "null" || !origin_host.eq_ignore_ascii_case(host) {
            return Provenance::CrossSite;
        }
        same = true;
    }
    if same {
        Provenance::SameOrigin
    } else {
        Provenance::Unknown
    }
}

fn new_nonce() -> String {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).expect("OS random source");
    base64::engine::general_purpose::STANDARD.encode(b)
}

/// An error answered by the middleware itself, as every endpoint answers: `AppError` in JSON.
pub(crate) fn refuse(status: StatusCode, e: AppError) -> Response {
    (status, axum::Json(e)).into_response()
}

/// The session token the request's cookie carries, if any.
fn session_cookie(h: &HeaderMap) -> Option<String> {
    app::api::server::cookie_in(h, SESSION_COOKIE).filter(|t| !t.is_empty())
}

/// A request with the session cookie and no provenance headers must carry the session's
/// anti-forgery token: in `X-CSRF-Token`, or as the `csrf_token` field of a form body. The
/// body is read for that (within the body limit) and handed on unchanged.
async fn check_token(req: Request<Body>, session: &str) -> Result<Request<Body>, Response> {
    let expected = app::store::sessions::csrf_token(session);
    let refused = || {
        refuse(
            StatusCode::FORBIDDEN,
            AppError::Refused {
                key: "err.csrf".into(),
            },
        )
    };
    if let Some(v) = req.headers().get(CSRF_HEADER) {
        return if v.as_bytes() == expected.as_bytes() {
            Ok(req)
        } else {
            Err(refused())
        };
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Err(refused());
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, crate::BODY_LIMIT).await else {
        return Err(refuse(StatusCode::PAYLOAD_TOO_LARGE, AppError::BadRequest));
    };
    let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
    if fields
        .iter()
        .any(|(k, v)| k == CSRF_FIELD && v.as_bytes() == expected.as_bytes())
    {
        Ok(Request::from_parts(parts, Body::from(bytes)))
    } else {
        Err(refused())
    }
}

pub async fn security(
    State(guard): State<Arc<Guard>>,
    mut req: Request<Body>,
    next: Next,
) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let addr = match peer {
        Some(peer) => {
            let xff = req
                .headers()
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok());
            client_ip(peer, xff, &guard.proxies).to_string()
        }
        None => String::new(),
    };
    req.extensions_mut().insert(ClientAddr(addr.clone()));

    // DNS rebinding and forged links: only the site's own host names are served.
    if !guard.allowed_hosts.is_empty() {
        let host = req
            .headers()
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .map(str::to_ascii_lowercase)
            .or_else(|| {
                req.uri()
                    .authority()
                    .map(|a| a.as_str().to_ascii_lowercase())
            });
        if !host.is_some_and(|h| guard.allowed_hosts.contains(&h)) {
            tracing::warn!(address = %addr, "request for another host refused");
            return refuse(StatusCode::MISDIRECTED_REQUEST, AppError::BadRequest);
        }
    }

    let changes_state = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if changes_state {
        match provenance(req.headers()) {
            Provenance::SameOrigin => {}
            Provenance::CrossSite => {
                tracing::warn!(address = %addr, path = %req.uri().path(), "cross-origin request refused");
                return refuse(
                    StatusCode::FORBIDDEN,
                    AppError::Refused {
                        key: "err.csrf".into(),
                    },
                );
            }
            // Without the session cookie a request has no authority to borrow; with it, the
            // request proves it was made by our own page (or a script that holds the session).
            Provenance::Unknown => {
                if let Some(session) = session_cookie(req.headers()) {
                    req = match check_token(req, &session).await {
                        Ok(r) => r,
                        Err(resp) => {
                            tracing::warn!(address = %addr, "request without origin or token refused");
                            return resp;
                        }
                    };
                }
            }
        }
    }

    let path = req.uri().path();
    let is_asset = path.starts_with("/pkg/");
    let hashed_asset = is_asset && has_content_hash(path);
    let transfer = path.starts_with("/files/") || path.starts_with("/verify/");
    let limit = if transfer {
        guard.transfer_timeout
    } else {
        guard.request_timeout
    };
    let nonce = new_nonce();
    req.extensions_mut().insert(CspNonce(nonce.clone()));
    let mut res = match tokio::time::timeout(limit, next.run(req)).await {
        Ok(r) => r,
        Err(_) => {
            tracing::warn!(address = %addr, "request timed out");
            refuse(
                StatusCode::SERVICE_UNAVAILABLE,
                AppError::Refused {
                    key: "err.timeout".into(),
                },
            )
        }
    };
    // A request the framework refused before any handler ran (an extractor's rejection: a path
    // id that is not a number, a query without a required field, a body past its limit) is
    // answered as every endpoint answers, in JSON, never with the parser's words. So is a
    // method a route does not take (the router's empty 405).
    let plain_text = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/plain"));
    if (plain_text && res.status().is_client_error())
        || res.status() == StatusCode::METHOD_NOT_ALLOWED
    {
        let status = res.status();
        let allow = res.headers().get(header::ALLOW).cloned();
        res = refuse(
            status,
            if status == StatusCode::PAYLOAD_TOO_LARGE {
                AppError::Refused {
                    key: "err.too_large".into(),
                }
            } else {
                AppError::BadRequest
            },
        );
        if let Some(a) = allow {
            res.headers_mut().insert(header::ALLOW, a);
        }
    }
    let h = res.headers_mut();
    let csp = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    );
    // A handler may have set a stricter policy of its own (file downloads).
    if let (false, Ok(v)) = (
        h.contains_key(header::CONTENT_SECURITY_POLICY),
        HeaderValue::from_str(&csp),
    ) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if !h.contains_key(header::X_FRAME_OPTIONS) {
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(self), microphone=(), geolocation=()"),
    );
    // Served over TLS (secure cookies): browsers must not fall back to plain HTTP.
    if guard.hsts {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    // Pages and answers may hold personal data: never cached. Assets with a content hash in
    // their name never change (a new build has new names); others revalidate.
    let cache = match (is_asset, hashed_asset) {
        (true, true) => "public, max-age=31536000, immutable",
        (true, false) => "no-cache",
        _ => "no-store",
    };
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    res
}

/// Whether a file name carries a content hash as cargo-leptos writes it
/// (`jianding.<hash>.wasm`): a middle dot-separated part of at least 16 characters of the
/// URL-safe alphabet. The split loader's unhashed placeholder name
/// (`__wasm_split.______________________.js`, a build without hashes) is not a hash.
pub fn has_content_hash(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or("");
    let parts: Vec<&str> = name.split('.').collect();
    parts.len() >= 3
        && parts[1..parts.len() - 1].iter().any(|p| {
            p.len() >= 16
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                && p.bytes().any(|b| b.is_ascii_alphanumeric())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hashed_file_names_are_immutable() {
        assert!(has_content_hash("/pkg/jianding.Xk3vQ9aZ0bT7yLmN2pRs.wasm"));
        assert!(has_content_hash("/pkg/jianding.0123456789abcdef0123.css"));
        assert!(!has_content_hash("/pkg/jianding.wasm"));
        assert!(!has_content_hash("/pkg/jianding_bg.wasm"));
        assert!(!has_content_hash("/pkg/jianding.min.js"));
        assert!(!has_content_hash("/pkg/"));
        assert!(!has_content_hash("/pkg/a.b/c.d.e"));
        // The lazily loaded chunks and the split loader of a `--split` build.
        assert!(has_content_hash(
            "/pkg/chunk_46._Vmr30erPFVuzigxWsKhxQ.wasm"
        ));
        assert!(has_content_hash(
            "/pkg/split_sheet_pages_534019890580228848.QgvuejFTtaVd26vb-VxYAA.wasm"
        ));
        assert!(has_content_hash(
            "/pkg/__wasm_split.gR2bCNMQwWTS3Ui7afEg0g.js"
        ));
        assert!(!has_content_hash(
            "/pkg/__wasm_split.______________________.js"
        ));
        assert!(!has_content_hash(
            "/pkg/split_sheet_pages_534019890580228848.wasm"
        ));
        assert!(!has_content_hash("/pkg/chunk_46.wasm"));
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let proxies = parse_proxies(&["10.0.0.0/8".into(), "192.0.2.1".into()]).unwrap();
        // An untrusted peer: its header is ignored.
        assert_eq!(
            client_ip(ip("203.0.113.9"), Some("198.51.100.1"), &proxies),
            ip("203.0.113.9")
        );
        // Through the trusted proxy: the address it saw.
        assert_eq!(
            client_ip(ip("10.1.2.3"), Some("198.51.100.1"), &proxies),
            ip("198.51.100.1")
        );
        // A client that writes its own header before the proxy does not choose its address.
        assert_eq!(
            client_ip(
                ip("10.1.2.3"),
                Some("1.1.1.1, 198.51.100.1, 192.0.2.1"),
                &proxies
            ),
            ip("198.51.100.1")
        );
        // A trusted proxy without the header is the client.
        assert_eq!(client_ip(ip("10.1.2.3"), None, &proxies), ip("10.1.2.3"));
        assert!(parse_proxies(&["not-an-address".into()]).is_err());
    }

    #[test]
    fn hosts_come_from_the_public_url_or_the_listen_address() {
        let a: SocketAddr = "127.0.0.1:3000".parse().unwrap();
        assert_eq!(
            allowed_hosts(None, a),
            vec!["127.0.0.1:3000".to_string(), "localhost:3000".to_string()]
        );
        assert_eq!(
            allowed_hosts(Some("https://JD.example.gov.cn/base"), a),
            vec!["jd.example.gov.cn".to_string()]
        );
        assert!(allowed_hosts(None, "0.0.0.0:3000".parse().unwrap()).is_empty());
    }

    #[test]
    fn provenance_reads_both_headers() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static("jd.example"));
        assert_eq!(provenance(&h), Provenance::Unknown);
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://jd.example"),
        );
        assert_eq!(provenance(&h), Provenance::SameOrigin);
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://evil.example"),
        );
        assert_eq!(provenance(&h), Provenance::CrossSite);
        let mut h = HeaderMap::new();
        h.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert_eq!(provenance(&h), Provenance::CrossSite);
    }
}
