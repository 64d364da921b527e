//! The panel's opinion in three steps (意见书: drafted by the lead, signed by each member,
//! sealed by the director), each a move of the case written whole in one write transaction of
//! its own: the lifecycle's move (decided by the caller) with its timeline, audit event and
//! notices ([`transition::record`]), and the opinion's own records.

use super::accounts::Updated;
use super::cases::{self, Case};
use super::entities::opinion;
use super::files::FileStore;
use super::signing::Signer;
use super::{opinions, transition};
use crate::document::PdfFont;
use crate::domain::lifecycle::Transition;
use crate::domain::role::Actor;
use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, DbErr};
use std::sync::Arc;

/// Saves a revision of the panel's opinion in one write transaction. The first draft
/// (`first`: the lifecycle's DRAFT_OPINION move, already decided) moves the case; a later one
/// moves only its version, so that a signature of the old text is stale, and notes the
/// revision on the timeline. A stale `version` changes nothing.
pub async fn draft(
    db: &sea_orm::DatabaseConnection,
    actor: &Actor,
    case: &Case,
    version: i32,
    draft: &crate::domain::opinion::OpinionDraft,
    first: Option<&Transition>,
    now: DateTime<Utc>,
) -> Result<Updated, DbErr> {
    let txn = super::tx::begin_write(db, now).await?;
    let revision = opinions::next_revision(&txn, case.id).await?;
    let content = opinions::compose(&txn, case, draft, revision).await?;
    let moved = match first {
        Some(t) => {
            let details = serde_json::json!({ "revision": revision });
            transition::record(&txn, Some(actor), case, version, t, details, now).await?
                == Updated::Yes
        }
        None => {
            let bumped = cases::bump_version(&txn, case.id, version, now).await?;
            if bumped {
                let (state, note) = (case.case_state()?, format!("第 {revision} 稿"));
                cases::note_event(&txn, actor, case, "revise_opinion", state, &note, now).await?;
            }
            bumped
        }
    };
    if !moved {
        return Ok(Updated::Stale);
    }
    opinions::write_revision(&txn, actor, case, &content, now).await?;
    txn.commit().await?;
    Ok(Updated::Yes)
}

/// A member signs the current opinion `op` (`t`: the SIGN_OPINION move) with their key, over
/// its digest and their dissent if any. The signature is on the seat only after the move: the
/// notices are asked again then, so that the last signature tells the director to seal.
#[allow(clippy::too_many_arguments)]
pub async fn sign(
    db: &DatabaseConnection,
    signer: &dyn Signer,
    actor: &Actor,
    case: &Case,
    version: i32,
    t: &Transition,
    op: &opinion::Model,
    dissent: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Updated, DbErr> {
    let Some(expert) = actor.expert() else {
        return Err(DbErr::Custom(
            "a signature by someone who is no expert".into(),
        ));
    };
    let txn = super::tx::begin_write(db, now).await?;
    let details = serde_json::json!({ "revision": op.revision, "digest": op.digest });
    if transition::record(&txn, Some(actor), case, version, t, details, now).await?
        == Updated::Stale
    {
        return Ok(Updated::Stale);
    }
    opinions::record_signature(&txn, signer, actor, op, expert.0, dissent, now).await?;
    super::notices::case_moved(&txn, case, version, t, now).await?;
    txn.commit().await?;
    Ok(Updated::Yes)
}

/// Where the sealed opinion's PDF is made and kept.
pub struct Press<'a> {
    pub signer: &'a dyn Signer,
    pub files: &'a dyn FileStore,
    pub font: Arc<PdfFont>,
    /// The public site's address (the verification page's link in the QR code).
    pub public_url: &'a str,
}

/// The address of the public verification page for `code`.
pub fn verify_url(base: &str, code: &str) -> String {
    format!("{}/verify?code={code}", base.trim_end_matches('/'))
}

/// The director (`actor`, named `name`) seals the current opinion `op` (`t`: the SEAL_OPINION
/// move): the bureau's seal over the bundle with a verification code, then the PDF, made once
/// now and kept, so that a download is always these very bytes.
#[allow(clippy::too_many_arguments)]
pub async fn seal(
    db: &DatabaseConnection,
    press: Press<'_>,
    actor: &Actor,
    name: &str,
    case: &Case,
    version: i32,
    t: &Transition,
    op: &opinion::Model,
    now: DateTime<Utc>,
) -> Result<Updated, DbErr> {
    let txn = super::tx::begin_write(db, now).await?;
    let details = serde_json::json!({ "revision": op.revision, "digest": op.digest });
    if transition::record(&txn, Some(actor), case, version, t, details, now).await?
        == Updated::Stale
    {
        return Ok(Updated::Stale);
    }
    let bundle = opinions::seal(&txn, press.signer, case, op, actor.user_id.0, name, now).await?;
    let url = verify_url(press.public_url, &bundle.verify_code);
    let font = press.font;
    let pdf =
        tokio::task::spawn_blocking(move || crate::document::render_opinion(&bundle, &url, &font))
            .await
            .map_err(|e| DbErr::Custom(format!("opinion PDF: {e}")))?
            .map_err(|e| DbErr::Custom(format!("opinion PDF: {e}")))?;
    opinions::keep_pdf(&txn, press.files, actor, op, &pdf, now).await?;
    txn.commit().await?;
    Ok(Updated::Yes)
}
