//! Material uploads and downloads: plain axum handlers (a file is a raw request body, streamed
//! to disk while hashed, so the browser can show upload progress), under the same access
//! policy as the server functions.
//!
//! - `POST /files/cases/{case_id}/materials?kind=<MaterialKind>&name=<file name>[&replaces=<id>]`
//!   body: the file's bytes. Answers JSON `{"id":…}` or an `AppError` with its status.
//! - `GET /files/materials/{id}[?inline=1]`: the file as an attachment (RFC 6266 name), or
//!   inline for PDF and images when asked.
//! - `POST /files/activities/{activity_id}/files?name=<file name>` body: a photo (JPEG, PNG) or
//!   a PDF of an activity (鉴定活动), for those who may record activities on the case.
//!   Answers `{"id":…}` (201; 200 when the activity already holds the same file).
//! - `GET /files/activity-files/{id}[?inline=1]`: an activity's file, for those who may read
//!   the case file.
//! - `GET /files/cases/{case_id}/opinion.pdf[?inline=1]`: the sealed opinion's PDF (the bytes
//!   made at sealing), for those who may read the opinion.
//! - `POST /files/experts/{expert_id}/title-certificate?name=<file name>` body: the expert's
//!   title certificate (PDF, JPEG, PNG), from the expert or the pool manager; the title's check
//!   is cleared. `GET` the same path: the certificate, for the pool's readers and the expert.
//! - `POST /verify/pdf` body: a PDF (public, no sign-in): is it byte for byte a sealed opinion
//!   made here, and does its record check out? Answers a `VerifyResult`.

use super::server::{internal, signed_in, AppState, ClientAddr, Me};
use super::AppError;
use crate::domain::access::{authorize, Permission};
use crate::domain::error::FieldErrors;
use crate::domain::files::{check_file_name, check_size, FileType};
use crate::domain::ids::ExpertId;
use crate::domain::material::MaterialKind;
use crate::store::activities::{self, NewActivityFile};
use crate::store::cases::NewMaterial;
use crate::store::files::{record_blob, type_of, HashingWriter, Received};
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

/// The signed-in user of an upload (the person's own act: it renews the session).
async fn uploader(st: &AppState, headers: &HeaderMap) -> Result<Me, AppError> {
    signed_in(st, headers, true).await
}

/// A file received in full: in a temporary file, hashed, within the limits, typed by content,
/// its name matching its type. The caller moves it into the store or removes it.
struct Upload {
    received: Received,
    file_type: FileType,
}

impl Upload {
    fn discard(&self) {
        let _ = std::fs::remove_file(&self.received.temp);
    }

    /// Keeps the upload only when its type is one of `types` (else it is discarded and the
    /// field error `key` answers).
    fn only(&self, types: &[FileType], key: &str) -> Result<(), AppError> {
        if types.contains(&self.file_type) {
            return Ok(());
        }
        self.discard();
        let mut errs = FieldErrors::new();
        errs.add("file", key);
        Err(AppError::Validation(errs))
    }
}

/// Receives a request body as a file: the announced length is checked first, the bytes are
/// streamed to disk while hashed (stopping at the limit), then size, type (by magic bytes) and
/// name are checked. `case_total` is what the case already holds against `max_case`.
async fn receive(
    st: &AppState,
    headers: &HeaderMap,
    body: Body,
    name: &str,
    case_total: u64,
    max_case: u64,
) -> Result<Upload, AppError> {
    use futures_util::StreamExt;
    let name_errors = check_file_name("file", name, None);
    if !name_errors.is_empty() {
        return Err(AppError::Validation(name_errors));
    }
    let max_file = st.settings.max_file_bytes;
    if let Some(len) = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
    {
        let e = check_size("file", len, case_total, max_file, max_case);
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
    let size_errors = check_size("file", received.size, case_total, max_file, max_case);
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
    let name_errors = check_file_name("file", name, Some(file_type));
    if !name_errors.is_empty() {
        cleanup(&received.temp);
        return Err(AppError::Validation(name_errors));
    }
    Ok(Upload {
        received,
        file_type,
    })
}

/// Application materials while the institution may edit or supplement; new evidence for a
/// re-review while the window is open.
fn may_upload(
    me: &Me,
    kind: MaterialKind,
    facts: &crate::domain::case::CaseFacts,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    if kind != MaterialKind::RereviewEvidence {
        return authorize(&me.actor, &Permission::UploadMaterial, Some(facts))
            .map_err(super::denied);
    }
    authorize(&me.actor, &Permission::UploadRereviewEvidence, Some(facts))
        .map_err(super::denied)?;
    super::rereview::window_open(facts, now)
}

async fn upload(
    st: AppState,
    case_id: i64,
    q: UploadQuery,
    addr: String,
    headers: HeaderMap,
    body: Body,
) -> Result<i64, AppError> {
    let me = uploader(&st, &headers).await?;
    let case = cases::get(&st.db, case_id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let facts = crate::store::facts::of_case(&st.db, &case)
        .await
        .map_err(internal)?;
    let Some(kind) = MaterialKind::from_code(&q.kind) else {
        authorize(&me.actor, &Permission::UploadMaterial, Some(&facts)).map_err(super::denied)?;
        let mut e = FieldErrors::new();
        e.add("kind", "err.file.kind_unknown");
        return Err(AppError::Validation(e));
    };
    may_upload(&me, kind, &facts, st.clock.now())?;
    let name = q.name.trim().to_string();
    let existing = cases::materials(&st.db, case_id).await.map_err(internal)?;
    let case_total: u64 = existing
        .iter()
        .filter(|m| !m.superseded)
        .map(|m| m.size as u64)
        .sum();
    // A file replaces only a current file of the same kind (the kind's upload being allowed
    // now, checked above); re-review evidence is only ever added, so the file the county
    // decided on stays as it was.
    let replaced = match q.replaces {
        Some(_) if kind == MaterialKind::RereviewEvidence => {
            return Err(AppError::Refused {
                key: "err.file.evidence_add_only".into(),
            })
        }
        Some(id) => {
            let m = existing
                .iter()
                .find(|m| m.id == id && !m.superseded)
                .cloned()
                .ok_or(AppError::Refused {
                    key: "err.file.replace_missing".into(),
                })?;
            if m.kind != kind.code() {
                return Err(AppError::Refused {
                    key: "err.file.replace_kind".into(),
                });
            }
            Some(m)
        }
        None => None,
    };
    let case_total = case_total - replaced.as_ref().map_or(0, |m| m.size as u64);
    let up = receive(
        &st,
        &headers,
        body,
        &name,
        case_total,
        st.settings.max_case_bytes,
    )
    .await?;
    let (received, file_type) = (&up.received, up.file_type);
    if existing
        .iter()
        .any(|m| !m.superseded && m.sha256 == received.sha256)
    {
        up.discard();
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
    let facts = crate::store::facts::of_case(&txn, &case)
        .await
        .map_err(internal)?;
    may_upload(&me, kind, &facts, now)?;
    // The limits again under the write lock: uploads in parallel cannot pass them together.
    let freed = replaced.as_ref().map_or(0, |m| m.size.max(0) as u64);
    let case_now = cases::current_material_bytes(&txn, Some(case_id), None)
        .await
        .map_err(internal)?
        .saturating_sub(freed);
    let size_errors = check_size(
        "file",
        received.size,
        case_now,
        st.settings.max_file_bytes,
        st.settings.max_case_bytes,
    );
    if !size_errors.is_empty() {
        return Err(AppError::Validation(size_errors));
    }
    let institution_now = cases::current_material_bytes(&txn, None, Some(case.institution_id))
        .await
        .map_err(internal)?
        .saturating_sub(freed);
    let quota = st.settings.max_institution_bytes;
    if institution_now + received.size > quota {
        let mut errs = FieldErrors::new();
        errs.push(
            crate::domain::error::FieldError::new("file", "err.file.institution_too_large")
                .arg("max_mb", quota / (1024 * 1024)),
        );
        return Err(AppError::Validation(errs));
    }
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
    let by = crate::store::audit::By {
        actor: &me.actor,
        address: addr.clone(),
    };
    let id = cases::add_material(&txn, &by, new, replaced.as_ref(), now)
        .await
        .map_err(internal)?
        .ok_or(AppError::Stale)?;
    txn.commit().await.map_err(internal)?;
    Ok(id)
}

#[derive(Debug, Deserialize)]
pub struct ActivityUploadQuery {
    pub name: String,
}

/// The file types an activity keeps: photos and scanned documents.
pub const ACTIVITY_FILE_TYPES: [FileType; 3] = [FileType::Jpeg, FileType::Png, FileType::Pdf];

/// Receives one photo or file of an activity (the panel's tablets send camera pictures).
pub async fn upload_activity_file(
    State(st): State<AppState>,
    Path(activity_id): Path<i64>,
    Query(q): Query<ActivityUploadQuery>,
    addr: Option<Extension<ClientAddr>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let addr = addr.map(|a| a.0 .0).unwrap_or_default();
    match upload_for_activity(st, activity_id, q, addr, headers, body).await {
        Ok((id, created)) => (
            if created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            },
            axum::Json(serde_json::json!({ "id": id })),
        )
            .into_response(),
        Err(e) => error_response(e),
    }
}

/// The activity and its case's facts, if the actor may record activities on it; an activity
/// of a case the actor cannot see is not found.
async fn recordable_activity<C: sea_orm::ConnectionTrait>(
    c: &C,
    me: &Me,
    activity_id: i64,
) -> Result<activities::Activity, AppError> {
    let a = activities::get(c, activity_id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let case = cases::get(c, a.case_id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let facts = crate::store::facts::of_case(c, &case)
        .await
        .map_err(internal)?;
    authorize(&me.actor, &Permission::RecordActivity, Some(&facts)).map_err(super::denied)?;
    Ok(a)
}

/// Stores the file; a resend of a file the activity already holds (a retry over a weak
/// connection) answers the existing id instead of keeping it twice. `(id, newly created)`.
async fn upload_for_activity(
    st: AppState,
    activity_id: i64,
    q: ActivityUploadQuery,
    addr: String,
    headers: HeaderMap,
    body: Body,
) -> Result<(i64, bool), AppError> {
    let me = uploader(&st, &headers).await?;
    let a = recordable_activity(&st.db, &me, activity_id).await?;
    let name = q.name.trim().to_string();
    let case_files = activities::list(&st.db, a.case_id)
        .await
        .map_err(internal)?;
    let case_total: u64 = case_files
        .iter()
        .flat_map(|(_, fs)| fs.iter())
        .map(|f| f.size as u64)
        .sum();
    let up = receive(
        &st,
        &headers,
        body,
        &name,
        case_total,
        st.settings.max_case_bytes,
    )
    .await?;
    up.only(&ACTIVITY_FILE_TYPES, "err.activity.file_type")?;
    let (received, file_type) = (&up.received, up.file_type);
    st.files
        .put(&received.temp, &received.sha256)
        .map_err(internal)?;

    let now = st.clock.now();
    let txn = tx::begin_write(&st.db, now).await.map_err(internal)?;
    // The case may have moved on while the bytes arrived: check again inside the transaction.
    let a = recordable_activity(&txn, &me, a.id).await?;
    if let Some(same) = activities::files_of(&txn, a.id)
        .await
        .map_err(internal)?
        .into_iter()
        .find(|f| f.sha256 == received.sha256)
    {
        return Ok((same.id, false));
    }
    record_blob(&txn, &received.sha256, received.size, file_type, now)
        .await
        .map_err(internal)?;
    let id = activities::add_file(
        &txn,
        &me.actor,
        &addr,
        NewActivityFile {
            activity_id: a.id,
            case_id: a.case_id,
            file_name: name,
            file_type,
            size: received.size,
            sha256: received.sha256.clone(),
        },
        now,
    )
    .await
    .map_err(internal)?;
    txn.commit().await.map_err(internal)?;
    Ok((id, true))
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

/// The signed-in user and the case, when the policy grants `perm` on it; no session is 401,
/// a one-time password not yet changed is refused, anything else (no case, out of scope, not
/// allowed) is answered as not found. A download is not the person's activity (pages load
/// photos by themselves): it does not renew the session.
async fn readable_case(
    st: &AppState,
    headers: &HeaderMap,
    case_id: i64,
    perm: Permission,
) -> Result<(Me, cases::Case), AppError> {
    let me = signed_in(st, headers, false).await?;
    let case = cases::get(&st.db, case_id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let facts = crate::store::facts::of_case(&st.db, &case)
        .await
        .map_err(internal)?;
    authorize(&me.actor, &perm, Some(&facts)).map_err(|_| AppError::NotFound)?;
    Ok((me, case))
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
    let m = cases::material(&st.db, id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    readable_case(&st, &headers, m.case_id, Permission::DownloadMaterial).await?;
    send_file(
        &st,
        &m.sha256,
        &m.file_type,
        &m.file_name,
        q.inline == Some(1),
    )
    .await
}

/// Sends a stored file: as an attachment (RFC 6266 name), or inline for PDF and images when
/// asked; never runnable, even if a browser were to sniff it.
async fn send_file(
    st: &AppState,
    sha256: &str,
    file_type: &str,
    file_name: &str,
    inline: bool,
) -> Result<Response, AppError> {
    let file_type =
        FileType::from_code(file_type).ok_or_else(|| internal("stored file type unknown"))?;
    let path = st.files.path(sha256).map_err(internal)?;
    let file = tokio::fs::File::open(&path).await.map_err(internal)?;
    let len = file.metadata().await.map_err(internal)?.len();
    let inline = inline && file_type.viewable_inline();
    let stream = tokio_util::io::ReaderStream::new(file);
    let mut res = Response::new(Body::from_stream(stream));
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(file_type.mime()),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    if let Ok(v) = HeaderValue::from_str(&content_disposition(inline, file_name)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    // PDF and images shown in the case page may be framed by our own pages only.
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

/// Sends one photo or file of an activity to a user who may read the case file.
pub async fn download_activity_file(
    State(st): State<AppState>,
    Path(id): Path<i64>,
    Query(q): Query<DownloadQuery>,
    headers: HeaderMap,
) -> Response {
    match download_for_activity(st, id, q, headers).await {
        Ok(r) => r,
        Err(e) => error_response(e),
    }
}

async fn download_for_activity(
    st: AppState,
    id: i64,
    q: DownloadQuery,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let f = activities::file(&st.db, id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    // Photos and files of activities show the panel: not for the institution.
    readable_case(&st, &headers, f.case_id, Permission::ViewActivityRecord).await?;
    send_file(
        &st,
        &f.sha256,
        &f.file_type,
        &f.file_name,
        q.inline == Some(1),
    )
    .await
}

/// Sends the sealed opinion's PDF to a user who may read the opinion.
pub async fn download_opinion_pdf(
    State(st): State<AppState>,
    Path(case_id): Path<i64>,
    Query(q): Query<DownloadQuery>,
    headers: HeaderMap,
) -> Response {
    match download_opinion(st, case_id, q, headers).await {
        Ok(r) => r,
        Err(e) => error_response(e),
    }
}

async fn download_opinion(
    st: AppState,
    case_id: i64,
    q: DownloadQuery,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let (_, case) = readable_case(&st, &headers, case_id, Permission::ViewOpinion).await?;
    let op = crate::store::opinions::current(&st.db, case.id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let sha = op.pdf_sha256.ok_or(AppError::NotFound)?;
    let name = format!(
        "鉴定意见书-{}.pdf",
        case.number.clone().unwrap_or_else(|| case.id.to_string())
    );
    send_file(&st, &sha, FileType::Pdf.code(), &name, q.inline == Some(1)).await
}

/// Largest PDF the verification page accepts.
pub const VERIFY_PDF_MAX: usize = 10 * 1024 * 1024;

/// How many PDFs the public verification reads at once (each may hold 10 MB in memory); a
/// request beyond that is answered "busy" at once, before its body is read
/// (`AppState::verify_slots`).
pub const VERIFY_PDF_SLOTS: usize = 4;

/// Checks an uploaded PDF (public): found by its hash among the sealed opinions' PDFs, or by
/// the verification code written in it; a PDF that is not byte for byte the one made at
/// sealing is reported as not authentic.
pub async fn verify_pdf(State(st): State<AppState>, body: Body) -> Response {
    let Ok(_slot) = st.verify_slots.clone().try_acquire_owned() else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(AppError::Refused {
                key: "err.busy".into(),
            }),
        )
            .into_response();
    };
    let run = async {
        let Ok(body) = axum::body::to_bytes(body, VERIFY_PDF_MAX).await else {
            let mut e = FieldErrors::new();
            e.add("verify.file", "err.verify.file");
            return Err(AppError::Validation(e));
        };
        if body.is_empty() || body.len() > VERIFY_PDF_MAX || !body.starts_with(b"%PDF-") {
            let mut e = FieldErrors::new();
            e.add("verify.file", "err.verify.file");
            return Err(AppError::Validation(e));
        }
        let sha = crate::store::signing::sha256_hex(&body);
        let by_hash = crate::store::opinions::by_pdf_hash(&st.db, &sha)
            .await
            .map_err(internal)?
            .and_then(|o| o.verify_code);
        let code = by_hash.or_else(|| crate::document::find_verify_code(&body));
        match code {
            Some(code) => super::opinions::verify_by(&st.db, &code, Some(&sha))
                .await
                .map_err(internal),
            None => Ok(super::opinions::VerifyResult {
                authentic: false,
                broken: None,
                unknown: true,
                code: String::new(),
                case_number: String::new(),
                institution: String::new(),
                item: String::new(),
                conclusion_key: String::new(),
                signers: Vec::new(),
                bureau_name: String::new(),
                sealed_at: String::new(),
                digest: String::new(),
                pdf_matches: Some(false),
            }),
        }
    };
    match run.await {
        Ok(r) => axum::Json(r).into_response(),
        Err(e) => error_response(e),
    }
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

/// The dashboard's filters and the language of the export.
#[derive(Debug, Default, Deserialize)]
pub struct ExportQuery {
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub county: String,
}

/// One dashboard table as CSV (UTF-8 with BOM, for Excel), under the same access rules and
/// filters as the page.
pub async fn export_dashboard_csv(
    State(st): State<AppState>,
    Path(table): Path<String>,
    Query(q): Query<ExportQuery>,
    headers: HeaderMap,
) -> Response {
    match export_csv(st, table, q, headers).await {
        Ok(r) => r,
        Err(e) => error_response(e),
    }
}

async fn export_csv(
    st: AppState,
    table: String,
    q: ExportQuery,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let me = signed_in(&st, &headers, true).await?;
    let query = crate::api::dashboard::DashboardQuery {
        from: q.from,
        to: q.to,
        county: q.county,
    };
    let now = st.clock.now();
    let d = crate::api::dashboard::ssr::build(&st.db, &me.actor, &query, now).await?;
    let t = d
        .table(table.trim_end_matches(".csv"))
        .ok_or(AppError::NotFound)?;
    let locale = crate::i18n::normalize(
        &super::server::cookie_in(&headers, crate::i18n::LOCALE_COOKIE).unwrap_or_default(),
    );
    let name = format!(
        "{}-{}-{}.csv",
        crate::i18n::text(locale, &t.title),
        d.period.from.format("%Y%m%d"),
        d.period.to.format("%Y%m%d")
    );
    Ok(csv_response(t.csv(locale), &name))
}

/// The audit log's events matching a search (as on the page, at most
/// [`crate::api::audit::MAX_EXPORT`]), as CSV, under the same access rule and scope.
pub async fn export_audit_csv(
    State(st): State<AppState>,
    Query(q): Query<crate::api::audit::AuditQuery>,
    headers: HeaderMap,
) -> Response {
    match audit_csv(st, q, headers).await {
        Ok(r) => r,
        Err(e) => error_response(e),
    }
}

async fn audit_csv(
    st: AppState,
    q: crate::api::audit::AuditQuery,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    use crate::api::audit::{ssr, MAX_EXPORT};
    let me = signed_in(&st, &headers, true).await?;
    authorize(&me.actor, &Permission::ViewAuditLog, None).map_err(crate::api::denied)?;
    let (filter, _) = ssr::filter(&st.db, &me.actor, &q).await?;
    let (events, _) = crate::store::audit::search(&st.db, &filter, 0, MAX_EXPORT).await?;
    let rows = ssr::rows(&st.db, events).await?;
    let locale = crate::i18n::normalize(
        &super::server::cookie_in(&headers, crate::i18n::LOCALE_COOKIE).unwrap_or_default(),
    );
    let name = format!(
        "{}-{}.csv",
        crate::i18n::text(locale, "audit.title"),
        crate::domain::china_time::china_date(st.clock.now()).format("%Y%m%d")
    );
    Ok(csv_response(ssr::csv(&rows, locale), &name))
}

/// A CSV download: its type, its file name, never cached.
fn csv_response(body: String, name: &str) -> Response {
    let mut r = body.into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&content_disposition(false, name)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    r
}

/// Receives an expert's title certificate (职称证书: a scan as PDF, JPEG or PNG). The title's
/// check is cleared: the pool manager checks the new certificate. Answers `{"id": <expert>,
/// "version": <new version>}` (201).
pub async fn upload_title_certificate(
    State(st): State<AppState>,
    Path(expert_id): Path<i64>,
    Query(q): Query<ActivityUploadQuery>,
    addr: Option<Extension<ClientAddr>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let addr = addr.map(|a| a.0 .0).unwrap_or_default();
    match upload_certificate(st, expert_id, q, addr, headers, body).await {
        Ok(version) => (
            StatusCode::CREATED,
            axum::Json(serde_json::json!({ "id": expert_id, "version": version })),
        )
            .into_response(),
        Err(e) => error_response(e),
    }
}

async fn upload_certificate(
    st: AppState,
    expert_id: i64,
    q: ActivityUploadQuery,
    addr: String,
    headers: HeaderMap,
    body: Body,
) -> Result<i32, AppError> {
    let me = uploader(&st, &headers).await?;
    authorize(
        &me.actor,
        &Permission::UploadTitleCertificate(ExpertId(expert_id)),
        None,
    )
    .map_err(super::denied)?;
    crate::store::experts::get(&st.db, expert_id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let name = q.name.trim().to_string();
    let up = receive(&st, &headers, body, &name, 0, st.settings.max_file_bytes).await?;
    up.only(&ACTIVITY_FILE_TYPES, "err.activity.file_type")?;
    let (received, file_type) = (&up.received, up.file_type);
    st.files
        .put(&received.temp, &received.sha256)
        .map_err(internal)?;
    let now = st.clock.now();
    let txn = tx::begin_write(&st.db, now).await.map_err(internal)?;
    record_blob(&txn, &received.sha256, received.size, file_type, now)
        .await
        .map_err(internal)?;
    let cert = crate::store::experts::TitleCertificate {
        sha256: received.sha256.clone(),
        file_name: name.clone(),
        file_type: file_type.code().to_string(),
    };
    let by = crate::store::audit::By {
        actor: &me.actor,
        address: addr.clone(),
    };
    let version = crate::store::experts::set_title_certificate(
        &txn,
        &by,
        expert_id,
        &cert,
        received.size,
        now,
    )
    .await
    .map_err(internal)?
    .ok_or(AppError::NotFound)?;
    txn.commit().await.map_err(internal)?;
    Ok(version)
}

/// Sends an expert's title certificate: to the pool's readers (bureau roles) and the expert.
pub async fn download_title_certificate(
    State(st): State<AppState>,
    Path(expert_id): Path<i64>,
    Query(q): Query<DownloadQuery>,
    headers: HeaderMap,
) -> Response {
    match download_certificate(st, expert_id, q, headers).await {
        Ok(r) => r,
        Err(e) => error_response(e),
    }
}

async fn download_certificate(
    st: AppState,
    expert_id: i64,
    q: DownloadQuery,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let me = signed_in(&st, &headers, false).await?;
    authorize(
        &me.actor,
        &Permission::ViewTitleCertificate(ExpertId(expert_id)),
        None,
    )
    .map_err(super::denied)?;
    let m = crate::store::experts::get(&st.db, expert_id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let sha = m.title_cert_sha256.ok_or(AppError::NotFound)?;
    send_file(
        &st,
        &sha,
        &m.title_cert_type,
        &m.title_cert_name,
        q.inline == Some(1),
    )
    .await
}
