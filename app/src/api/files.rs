//! Material uploads and downloads: plain axum handlers (a file is a raw request body, streamed
//! to disk while hashed, so the browser can show upload progress), under the same access
//! policy as the server functions.
//!
//! - `POST /files/cases/{case_id}/materials?kind=<MaterialKind>&name=<file name>[&replaces=<id>]`
//!   body: the file's bytes. Answers JSON `{"id":…}` or an `AppError` with its status.
//! - `GET /files/materials/{id}[?inline=1]`: the file as an attachment (RFC 6266 name), or
//!   inline for PDF and images when asked.

use super::server::{internal, session_from_headers, AppState, ClientAddr};
use super::AppError;
use crate::domain::access::{authorize, Permission};
use crate::domain::error::FieldErrors;
use crate::domain::files::{check_file_name, check_size, FileType};
use crate::domain::validate::MaterialKind;
use crate::store::audit::{self, Entry};
use crate::store::cases::NewMaterial;
use crate::store::files::{record_blob, type_of, HashingWriter};
use crate::store::{cases, tx};
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;

use serde::Deserialize;

fn error_response(e: AppError) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, axum::Json(e)).into_response()
}

#[derive(Debug, Deserialize)]
pub struct UploadQuery {
    pub kind: String,
    pub name: String,
    pub replaces: Option<i64>,
}

/// Receives one material file.
pub async fn upload_material(
    State(st): State<AppState>,
    Path(case_id): Path<i64>,
    Query(q): Query<UploadQuery>,
    addr: Option<Extension<ClientAddr>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    match upload(
        st,
        case_id,
        q,
        addr.map(|a| a.0 .0).unwrap_or_default(),
        headers,
        body,
    )
    .await
    {
        Ok(id) => (
            StatusCode::CREATED,
            axum::Json(serde_json::json!({ "id": id })),
        )
            .into_response(),
        Err(e) => error_response(e),
    }
}

async fn upload(
    st: AppState,
    case_id: i64,
    q: UploadQuery,
    addr: String,
    headers: HeaderMap,
    body: Body,
) -> Result<i64, AppError> {
    use futures_util::StreamExt;
    let me = session_from_headers(&st, &headers, true)
        .await?
        .ok_or(AppError::NotSignedIn)?;
    if me.user.must_change_password {
        return Err(AppError::Refused {
            key: "error.must_change_password".into(),
        });
    }
    let case = cases::get(&st.db, case_id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let facts = cases::facts(&st.db, &case).await.map_err(internal)?;
    authorize(&me.actor, &Permission::UploadMaterial, Some(&facts)).map_err(super::denied)?;
    let Some(kind) = MaterialKind::from_code(&q.kind) else {
        let mut e = FieldErrors::new();
        e.add("kind", "err.file.kind_unknown");
        return Err(AppError::Validation(e));
    };
    let name = q.name.trim().to_string();
    let name_errors = check_file_name("file", &name, None);
    if !name_errors.is_empty() {
        return Err(AppError::Validation(name_errors));
    }
    let existing = cases::materials(&st.db, case_id).await.map_err(internal)?;
    let case_total: u64 = existing
        .iter()
        .filter(|m| !m.superseded)
        .map(|m| m.size as u64)
        .sum();
    let replaced = match q.replaces {
        Some(id) => Some(
            existing
                .iter()
                .find(|m| m.id == id && !m.superseded)
                .cloned()
                .ok_or(AppError::Refused {
                    key: "err.file.replace_missing".into(),
                })?,
        ),
        None => None,
    };
    let case_total = case_total - replaced.as_ref().map_or(0, |m| m.size as u64);
    let max_file = st.settings.max_file_bytes;
    if let Some(len) = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
    {
        let e = check_size(
            "file",
            len,
            case_total,
            max_file,
            st.settings.max_case_bytes,
        );
        if !e.is_empty() {
            return Err(AppError::Validation(e));
        }
    }

    // Stream to a temporary file, hashing as we go; stop at the limit.
    let mut w = HashingWriter::create(&st.files.temp_dir()).map_err(internal)?;
    let mut stream = body.into_data_stream();
    let mut too_big = false;
    while let Some(chunk) = stream.next().await {
        let chunk = match chunk {
            Ok(c) => c,
            Err(e) => {
                let _ = std::fs::remove_file(&w.path);
                tracing::warn!("upload interrupted: {e}");
                return Err(AppError::Refused {
                    key: "err.file.interrupted".into(),
                });
            }
        };
        if w.size + chunk.len() as u64 > max_file {
            too_big = true;
            break;
        }
        if let Err(e) = w.write(&chunk) {
            let _ = std::fs::remove_file(&w.path);
            return Err(internal(e));
        }
    }
    let received = w.finish().map_err(internal)?;
    let cleanup = |p: &std::path::Path| {
        let _ = std::fs::remove_file(p);
    };
    if too_big {
        cleanup(&received.temp);
        return Err(AppError::Validation(check_size(
            "file",
            max_file + 1,
            0,
            max_file,
            u64::MAX,
        )));
    }
    let size_errors = check_size(
        "file",
        received.size,
        case_total,
        max_file,
        st.settings.max_case_bytes,
    );
    if !size_errors.is_empty() {
        cleanup(&received.temp);
        return Err(AppError::Validation(size_errors));
    }
    let file_type = match type_of(&received.temp).map_err(internal)? {
        Ok(t) => t,
        Err(e) => {
            cleanup(&received.temp);
            let mut errs = FieldErrors::new();
            errs.add("file", e.key());
            return Err(AppError::Validation(errs));
        }
    };
    let name_errors = check_file_name("file", &name, Some(file_type));
    if !name_errors.is_empty() {
        cleanup(&received.temp);
        return Err(AppError::Validation(name_errors));
    }
    if existing
        .iter()
        .any(|m| !m.superseded && m.sha256 == received.sha256)
    {
        cleanup(&received.temp);
        let mut errs = FieldErrors::new();
        errs.add("file", "err.file.duplicate");
        return Err(AppError::Validation(errs));
    }
    st.files
        .put(&received.temp, &received.sha256)
        .map_err(internal)?;

    let now = st.clock.now();
    let txn = tx::begin_write(&st.db, now).await.map_err(internal)?;
    // The case may have moved on while the bytes arrived: check again inside the transaction.
    let case = cases::get(&txn, case_id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let facts = cases::facts(&txn, &case).await.map_err(internal)?;
    authorize(&me.actor, &Permission::UploadMaterial, Some(&facts)).map_err(super::denied)?;
    record_blob(&txn, &received.sha256, received.size, file_type, now)
        .await
        .map_err(internal)?;
    let new = NewMaterial {
        case_id,
        kind,
        file_name: name.clone(),
        file_type,
        size: received.size,
        sha256: received.sha256.clone(),
        uploaded_by: me.user.id,
    };
    let id = cases::add_material(&txn, new, replaced.as_ref(), now)
        .await
        .map_err(internal)?
        .ok_or(AppError::Stale)?;
    audit::append(
        &txn,
        Entry::new("material.upload", format!("case:{case_id}"))
            .by(Some(me.user.id), me.actor.role.code(), &addr)
            .details(serde_json::json!({
                "material": id, "kind": kind.code(), "name": name, "sha256": received.sha256,
                "size": received.size, "replaces": replaced.as_ref().map(|m| m.id)
            })),
        now,
    )
    .await
    .map_err(internal)?;
    txn.commit().await.map_err(internal)?;
    Ok(id)
}

#[derive(Debug, Deserialize)]
pub struct DownloadQuery {
    pub inline: Option<u8>,
}

/// RFC 6266 / RFC 5987: an ASCII fallback and the UTF-8 name.
pub fn content_disposition(inline: bool, name: &str) -> String {
    let fallback: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for b in name.as_bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(b) {
            encoded.push(*b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    let disp = if inline { "inline" } else { "attachment" };
    format!("{disp}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

/// Sends one material file to a user allowed to see its case.
pub async fn download_material(
    State(st): State<AppState>,
    Path(id): Path<i64>,
    Query(q): Query<DownloadQuery>,
    headers: HeaderMap,
) -> Response {
    match download(st, id, q, headers).await {
        Ok(r) => r,
        Err(e) => error_response(e),
    }
}

async fn download(
    st: AppState,
    id: i64,
    q: DownloadQuery,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let me = session_from_headers(&st, &headers, true)
        .await?
        .ok_or(AppError::NotFound)?;
    let m = cases::material(&st.db, id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let case = cases::get(&st.db, m.case_id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let facts = cases::facts(&st.db, &case).await.map_err(internal)?;
    // Anything the actor may not download is answered as not found.
    authorize(&me.actor, &Permission::DownloadMaterial, Some(&facts))
        .map_err(|_| AppError::NotFound)?;
    let file_type =
        FileType::from_code(&m.file_type).ok_or_else(|| internal("stored file type unknown"))?;
    let path = st.files.path(&m.sha256).map_err(internal)?;
    let file = tokio::fs::File::open(&path).await.map_err(internal)?;
    let len = file.metadata().await.map_err(internal)?.len();
    let inline = q.inline == Some(1) && file_type.viewable_inline();
    let stream = tokio_util::io::ReaderStream::new(file);
    let mut res = Response::new(Body::from_stream(stream));
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(file_type.mime()),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    if let Ok(v) = HeaderValue::from_str(&content_disposition(inline, &m.file_name)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    // The file itself may not run anything, even if a browser were to sniff it. PDF and images
    // shown in the case page may be framed by our own pages only.
    if inline {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; img-src 'self'; frame-ancestors 'self'"),
        );
        h.insert(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("SAMEORIGIN"),
        );
    } else {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; sandbox; frame-ancestors 'none'"),
        );
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    #[test]
    fn disposition_keeps_chinese_names() {
        let d = super::content_disposition(false, "课程方案 v2.pdf");
        assert!(d.starts_with("attachment; filename=\"_____v2.pdf\""));
        assert!(d.contains("filename*=UTF-8''%E8%AF%BE%E7%A8%8B%E6%96%B9%E6%A1%88%20v2.pdf"));
    }
}
