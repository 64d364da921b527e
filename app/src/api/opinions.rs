//! Server functions of the opinion (鉴定意见书): the lead drafts it, each member signs (password
//! again, then a signature by the `Signer`), the county director seals it (the bureau's
//! signature over the whole bundle; the PDF is made then and kept), then determines or
//! escalates through `case_action`. Anyone can check a sealed opinion by its verification code
//! or by uploading its PDF (`verify_opinion`, `/verify/pdf`).
//!
//! Drafting, signing and sealing go through the lifecycle (`DraftOpinion`, `SignOpinion`,
//! `SealOpinion`), so the order is the lifecycle's: no seal before every signature, no
//! determination before the seal. An edit by the lead after a signature is a new revision: every
//! signature given is void and signing starts again.

use super::AppError;
use crate::domain::case::CaseState;
use crate::domain::opinion::{Broken, Member, OpinionContent, OpinionDraft};
use crate::domain::terms::Category;
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// A signature as the page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignatureView {
    pub expert: i64,
    pub expert_name: String,
    pub signed_at: String,
    pub dissent: Option<String>,
    pub key_id: String,
}

/// The seal and how to check the document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SealView {
    pub bureau_name: String,
    pub sealed_by: String,
    pub sealed_at: String,
    pub verify_code: String,
    pub verify_url: String,
    /// The QR code of `verify_url`, an inline SVG made by the server.
    pub qr_svg: String,
    /// Where to download the PDF kept since sealing.
    pub pdf_url: Option<String>,
}

/// A dimension the lead writes a finding for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DimensionView {
    pub id: String,
    pub name: crate::domain::terms::Text,
}

/// The determination and the re-review right it states.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeterminationView {
    pub category: Category,
    pub on: NaiveDate,
    /// Last day to ask the prefecture for a re-review (county cases).
    pub rereview_until: Option<NaiveDate>,
}

/// Everything the opinion page shows to this user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpinionView {
    pub case_id: i64,
    pub number: String,
    pub item_name: String,
    pub state: CaseState,
    pub version: i32,
    /// The current revision, when there is one.
    pub content: Option<OpinionContent>,
    pub digest: Option<String>,
    pub signatures: Vec<SignatureView>,
    /// Members who have not signed the current revision.
    pub waiting_for: Vec<String>,
    pub dimensions: Vec<DimensionView>,
    /// The lead's texts to edit (prefilled from the sheets before the first draft).
    pub draft: Option<OpinionDraft>,
    pub can_draft: bool,
    /// The signed-in expert's place on the opinion, when they may sign it now.
    pub sign_as: Option<Member>,
    pub i_signed: bool,
    pub can_return: bool,
    pub can_seal: bool,
    pub can_determine: bool,
    /// The prefecture director decides an escalated case (either category, with reasons).
    pub can_determine_escalated: bool,
    pub can_escalate: bool,
    /// The prefecture director orders a prefecture panel for an escalated case instead.
    pub can_order_panel: bool,
    pub seal: Option<SealView>,
    pub determined: Option<DeterminationView>,
}

/// The lead's draft or edit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpinionSave {
    pub case_id: i64,
    pub version: i32,
    pub draft: OpinionDraft,
}

/// A member's signature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpinionSign {
    pub case_id: i64,
    pub version: i32,
    /// The revision the member read (a newer one must be read first).
    pub revision: u32,
    pub password: String,
    pub dissent: String,
}

/// What a verification finds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerifyResult {
    /// Authentic: the record, every signature and the seal check out.
    pub authentic: bool,
    /// Why not (when a record was found but does not check out).
    pub broken: Option<Broken>,
    /// No opinion with this code (or this PDF) exists.
    pub unknown: bool,
    pub code: String,
    pub case_number: String,
    pub institution: String,
    pub item: String,
    pub conclusion_key: String,
    /// Signers by name once the case is determined; before that "专家 1, 2, 3".
    pub signers: Vec<(String, String)>,
    pub bureau_name: String,
    pub sealed_at: String,
    pub digest: String,
    /// The uploaded PDF is byte for byte the one made at sealing.
    pub pdf_matches: Option<bool>,
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::api::server::{db, fail, state, Me};
    use crate::domain::lifecycle::{apply, Action, Initiator};
    use crate::store::cases::Case;
    use crate::store::opinions;

    /// The actor may take this action now (lifecycle, guards included).
    pub fn may(
        me: &Me,
        facts: &crate::domain::case::CaseFacts,
        a: &Action,
        now: chrono::DateTime<chrono::Utc>,
    ) -> bool {
        apply(facts, a, &Initiator::User(me.actor), now).is_ok()
    }

    /// The lead of the case's panel (accepted seat marked lead) is this user.
    pub fn is_lead(me: &Me, facts: &crate::domain::case::CaseFacts) -> bool {
        me.actor.expert().is_some_and(|e| facts.is_lead(e))
    }

    pub async fn sealed_view(
        case: &Case,
        op: &crate::store::entities::opinion::Model,
    ) -> Result<Option<SealView>, AppError> {
        let st = state().map_err(fail)?;
        let Some(bundle) = &op.bundle else {
            return Ok(None);
        };
        let b: crate::domain::opinion::SealedOpinion =
            serde_json::from_str(bundle).map_err(|e| fail(crate::api::server::internal(e)))?;
        let verify_url =
            crate::store::opinion_steps::verify_url(&st.settings.public_url, &b.verify_code);
        Ok(Some(SealView {
            bureau_name: b.seal.bureau_name.clone(),
            sealed_by: b.seal.sealed_by.clone(),
            sealed_at: crate::domain::china_time::china_minute(b.seal.sealed_at),
            qr_svg: crate::document::qr_svg(&verify_url, &b.verify_code),
            verify_code: b.verify_code.clone(),
            verify_url,
            pdf_url: op
                .pdf_sha256
                .as_ref()
                .map(|_| format!("/files/cases/{}/opinion.pdf", case.id)),
        }))
    }

    /// The case's current opinion.
    pub async fn current(
        case_id: i64,
    ) -> Result<Option<crate::store::entities::opinion::Model>, AppError> {
        let st = state().map_err(fail)?;
        opinions::current(&st.db, case_id)
            .await
            .map_err(|e| fail(db(e)))
    }

    /// The opinion page as `me` reads it (the caller has asked the policy).
    pub async fn page(
        me: &Me,
        case: Case,
        facts: crate::domain::case::CaseFacts,
        lead_drafting: bool,
    ) -> Result<OpinionView, AppError> {
        use crate::domain::case::CaseLevel;
        use crate::domain::lifecycle::Action;
        use crate::domain::opinion::Conclusion;
        use crate::store::opinions;
        let st = state().map_err(fail)?;
        let now = st.clock.now();
        let current = current(case.id).await?;
        // A draft returned by the director (UNDER_REVIEW again) is shown for the lead to rework.
        let content = current.as_ref().map(opinions::content_of).transpose()?;
        let sigs = match &current {
            Some(op) => opinions::signatures(&st.db, op.id).await?,
            None => Vec::new(),
        };
        let name_of = |expert: i64| {
            content
                .as_ref()
                .and_then(|c| c.members.iter().find(|m| m.expert.0 == expert))
                .map(|m| m.name.clone())
                .unwrap_or_default()
        };
        let signatures: Vec<SignatureView> = sigs
            .iter()
            .map(|s| SignatureView {
                expert: s.expert_id,
                expert_name: name_of(s.expert_id),
                signed_at: crate::domain::china_time::china_minute(s.signed_at),
                dissent: s.dissent.clone(),
                key_id: s.key_id.clone(),
            })
            .collect();
        let waiting_for: Vec<String> = content
            .as_ref()
            .map(|c| {
                c.members
                    .iter()
                    .filter(|m| !sigs.iter().any(|s| s.expert_id == m.expert.0))
                    .map(|m| m.name.clone())
                    .collect()
            })
            .unwrap_or_default();
        let can_draft = lead_drafting
            && (facts.state == CaseState::OpinionDrafted
                || may(me, &facts, &Action::DraftOpinion, now));
        let draft = if can_draft {
            Some(match &content {
                Some(c) => OpinionDraft {
                    reasons: c.reasons.clone(),
                    findings: c
                        .findings
                        .iter()
                        .map(|f| (f.dimension.clone(), f.text.clone()))
                        .collect(),
                },
                None => opinions::prefill(&st.db, &case).await?,
            })
        } else {
            None
        };
        let dimensions = crate::domain::rubric::rubric(case.rubric_version as u32)
            .ok_or_else(|| {
                crate::api::server::internal(format!(
                    "case {} has rubric version {}, which this build does not have",
                    case.id, case.rubric_version
                ))
            })?
            .dimensions
            .iter()
            .map(|d| DimensionView {
                id: d.id.clone(),
                name: d.name.clone(),
            })
            .collect();
        let sign_as = match (me.actor.expert(), &content) {
            (Some(e), Some(c)) if facts.state == CaseState::OpinionDrafted => c
                .members
                .iter()
                .find(|m| m.expert == e)
                .filter(|_| {
                    may(
                        me,
                        &facts,
                        &Action::SignOpinion {
                            dissent: Some("x".into()),
                        },
                        now,
                    )
                })
                .cloned(),
            _ => None,
        };
        let i_signed = me
            .actor
            .expert()
            .is_some_and(|e| sigs.iter().any(|s| s.expert_id == e.0));
        let seal = match &current {
            Some(op) => sealed_view(&case, op).await?,
            None => None,
        };
        let conclusion = content.as_ref().map(|c| c.conclusion);
        let category = conclusion.and_then(Conclusion::category);
        let can_determine = facts.state == CaseState::OpinionSealed
            && category.is_some()
            && may(
                me,
                &facts,
                &Action::Determine {
                    category: category.unwrap_or(Category::NonSubject),
                    reasons: "x".into(),
                },
                now,
            );
        let determined = match (case.category()?, case.determined_on) {
            (Some(category), Some(on)) => Some(DeterminationView {
                category,
                on,
                rereview_until: facts
                    .rereview_window_end
                    .filter(|_| facts.level == CaseLevel::County),
            }),
            _ => None,
        };
        Ok(OpinionView {
            case_id: case.id,
            number: case.number.clone().unwrap_or_default(),
            item_name: crate::store::cases::item_of(&case)?.name,
            state: facts.state,
            version: case.version,
            digest: current.as_ref().map(|o| o.digest.clone()),
            content,
            signatures,
            waiting_for,
            dimensions,
            draft,
            can_draft,
            sign_as,
            i_signed,
            can_return: may(
                me,
                &facts,
                &Action::ReturnOpinion { reason: "x".into() },
                now,
            ),
            can_seal: facts.state == CaseState::OpinionDrafted
                && may(me, &facts, &Action::SealOpinion, now),
            can_determine,
            can_determine_escalated: facts.state == CaseState::Escalated
                && may(
                    me,
                    &facts,
                    &Action::Determine {
                        category: Category::NonSubject,
                        reasons: "x".into(),
                    },
                    now,
                ),
            can_escalate: may(me, &facts, &Action::Escalate { reason: "x".into() }, now),
            can_order_panel: may(
                me,
                &facts,
                &Action::OrderPrefecturePanel { reason: "x".into() },
                now,
            ),
            seal,
            determined,
        })
    }
}

/// The opinion page of a case: the document, its signatures and seal, and what this user may do.
#[server(prefix = "/api", endpoint = "opinion_page")]
pub async fn opinion_page(case_id: i64) -> Result<OpinionView, AppError> {
    use super::server::{fail, require};
    use crate::domain::access::{authorize, Permission};
    let me = require().await?;
    let (case, facts) = crate::api::server::visible_case(&me, case_id).await?;
    // The lead opens the page to draft before anyone may read the opinion.
    let lead_drafting = authorize(&me.actor, &Permission::DraftOpinion, Some(&facts)).is_ok();
    if !lead_drafting {
        authorize(&me.actor, &Permission::ViewOpinion, Some(&facts))
            .map_err(|d| fail(super::denied(d)))?;
    }
    ssr::page(&me, case, facts, lead_drafting).await
}

/// The lead drafts the opinion (UNDER_REVIEW → OPINION_DRAFTED) or edits the draft (a new
/// revision: the signatures given so far are void). Returns the case's new version.
#[server(prefix = "/api", endpoint = "save_opinion", input = Json)]
pub async fn save_opinion(input: OpinionSave) -> Result<i32, AppError> {
    use super::server::{fail, require, state};
    use crate::domain::lifecycle::{apply, Action, ActionKind, Initiator, TransitionError};
    use crate::store::accounts::Updated;
    use crate::store::{meetings, opinion_steps, opinions};
    let me = require().await?;
    let st = state().map_err(fail)?;
    let now = st.clock.now();
    let (case, facts) = crate::api::server::visible_case(&me, input.case_id).await?;
    if !ssr::is_lead(&me, &facts) {
        return Err(fail(AppError::Forbidden));
    }
    let dimensions = opinions::dimension_ids(&case)?;
    let errs = crate::domain::opinion::validate_draft(&input.draft, &dimensions);
    if !errs.is_empty() {
        return Err(fail(AppError::Validation(errs)));
    }
    if case.version != input.version {
        return Err(fail(AppError::Stale));
    }
    // The first draft is the lifecycle's move (every sheet in), after the identification
    // meeting (七(三)); a later one revises the draft in place.
    let first = match facts.state {
        CaseState::UnderReview => {
            let draft = Action::DraftOpinion;
            let t = apply(&facts, &draft, &Initiator::User(me.actor), now)
                .map_err(|e| fail(crate::api::transition_refused(e)))?;
            meetings::ready_for_opinion(&st.db, case.id)
                .await?
                .map_err(|key| fail(AppError::Refused { key: key.into() }))?;
            Some(t)
        }
        CaseState::OpinionDrafted => None,
        state => {
            let action = ActionKind::DraftOpinion;
            let e = TransitionError::WrongState { state, action };
            return Err(fail(crate::api::transition_refused(e)));
        }
    };
    let (version, draft) = (input.version, &input.draft);
    let saved = opinion_steps::draft(
        &st.db,
        &me.actor,
        &case,
        version,
        draft,
        first.as_ref(),
        now,
    )
    .await?;
    if saved == Updated::Stale {
        return Err(fail(AppError::Stale));
    }
    Ok(input.version + 1)
}

/// A member signs the current revision (password again); a dissenting member gives reasons.
#[server(prefix = "/api", endpoint = "sign_opinion", input = Json)]
pub async fn sign_opinion(input: OpinionSign) -> Result<i32, AppError> {
    use super::server::{fail, reauthenticate, require, state};
    use crate::domain::lifecycle::{apply, Action, Initiator};
    use crate::store::accounts::Updated;
    use crate::store::{opinion_steps, opinions};
    let me = require().await?;
    let st = state().map_err(fail)?;
    let now = st.clock.now();
    let (case, facts) = crate::api::server::visible_case(&me, input.case_id).await?;
    let expert = me.actor.expert().ok_or_else(|| fail(AppError::Forbidden))?;
    let op = ssr::current(case.id).await?.ok_or_else(|| {
        fail(AppError::Refused {
            key: "err.opinion.none".into(),
        })
    })?;
    let content = opinions::content_of(&op)?;
    if op.revision as u32 != input.revision || case.version != input.version {
        return Err(fail(AppError::Stale));
    }
    let dissent = Some(input.dissent.trim().to_string()).filter(|d| !d.is_empty());
    let sign = Action::SignOpinion {
        dissent: dissent.clone(),
    };
    let t = apply(&facts, &sign, &Initiator::User(me.actor), now)
        .map_err(|e| fail(crate::api::transition_refused(e)))?;
    let member = content.members.iter().find(|m| m.expert == expert);
    let member = member.ok_or_else(|| fail(AppError::Forbidden))?;
    let mut errs = crate::domain::opinion::validate_dissent(member, dissent.as_deref());
    if !reauthenticate(&me, &input.password, "sign_opinion").await? {
        errs.add("opinion.password", "err.sheet.password");
    }
    if !errs.is_empty() {
        return Err(fail(AppError::Validation(errs)));
    }
    let (signer, version, dissent) = (st.signer.as_ref(), input.version, dissent.as_deref());
    let signed = opinion_steps::sign(
        &st.db, signer, &me.actor, &case, version, &t, &op, dissent, now,
    )
    .await?;
    if signed == Updated::Stale {
        return Err(fail(AppError::Stale));
    }
    Ok(input.version + 1)
}

/// The county director seals the signed opinion (password again): the bureau's signature over
/// the bundle, a verification code, and the PDF, kept from now on.
#[server(prefix = "/api", endpoint = "seal_opinion")]
pub async fn seal_opinion(case_id: i64, version: i32, password: String) -> Result<i32, AppError> {
    use super::server::{fail, reauthenticate, require, state};
    use crate::domain::lifecycle::{apply, Action, Initiator};
    use crate::store::accounts::Updated;
    use crate::store::opinion_steps::{self, Press};
    let me = require().await?;
    let st = state().map_err(fail)?;
    let now = st.clock.now();
    let (case, facts) = crate::api::server::visible_case(&me, case_id).await?;
    let t = apply(
        &facts,
        &Action::SealOpinion,
        &Initiator::User(me.actor),
        now,
    )
    .map_err(|e| fail(crate::api::transition_refused(e)))?;
    if !reauthenticate(&me, &password, "seal_opinion").await? {
        let mut e = crate::domain::error::FieldErrors::new();
        e.add("opinion.password", "err.sheet.password");
        return Err(fail(AppError::Validation(e)));
    }
    if case.version != version {
        return Err(fail(AppError::Stale));
    }
    let refused = |key: &str| fail(AppError::Refused { key: key.into() });
    let font = st
        .pdf_font
        .clone()
        .ok_or_else(|| refused("err.opinion.pdf_unavailable"))?;
    let op = ssr::current(case.id)
        .await?
        .ok_or_else(|| refused("err.opinion.none"))?;
    let press = Press {
        signer: st.signer.as_ref(),
        files: st.files.as_ref(),
        font,
        public_url: &st.settings.public_url,
    };
    let name = &me.user.display_name;
    let sealed =
        opinion_steps::seal(&st.db, press, &me.actor, name, &case, version, &t, &op, now).await?;
    if sealed == Updated::Stale {
        return Err(fail(AppError::Stale));
    }
    Ok(version + 1)
}

/// Checks a verification code (public: no sign-in).
#[server(prefix = "/api", endpoint = "verify_opinion")]
pub async fn verify_opinion(code: String) -> Result<VerifyResult, AppError> {
    use super::server::{db, fail, state};
    let st = state().map_err(fail)?;
    let code = code.trim().to_uppercase();
    if code.is_empty() || code.len() > 32 {
        let mut e = crate::domain::error::FieldErrors::new();
        e.add("verify.code", "err.verify.code");
        return Err(fail(AppError::Validation(e)));
    }
    verify_by(&st.db, &code, None)
        .await
        .map_err(|e| fail(db(e)))
}

/// The verification of a code (and, for an upload, of the PDF's bytes).
#[cfg(feature = "ssr")]
pub async fn verify_by<C: sea_orm::ConnectionTrait>(
    c: &C,
    code: &str,
    pdf_sha256: Option<&str>,
) -> Result<VerifyResult, sea_orm::DbErr> {
    use crate::store::{cases, opinions};
    let mut r = VerifyResult {
        authentic: false,
        broken: None,
        unknown: true,
        code: code.to_string(),
        case_number: String::new(),
        institution: String::new(),
        item: String::new(),
        conclusion_key: String::new(),
        signers: Vec::new(),
        bureau_name: String::new(),
        sealed_at: String::new(),
        digest: String::new(),
        pdf_matches: None,
    };
    let Some(op) = opinions::by_code(c, code).await? else {
        return Ok(r);
    };
    r.unknown = false;
    let case = cases::get(c, op.case_id).await?;
    let determined = case.as_ref().is_some_and(|c| c.determined_on.is_some());
    match opinions::check(c, &op).await? {
        Ok(b) => {
            r.authentic = true;
            r.case_number = b.content.case_number.clone();
            r.institution = b.content.institution.clone();
            r.item = b.content.item.clone();
            r.conclusion_key = b.content.conclusion.label_key().to_string();
            r.signers = b
                .signatures
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let who = if determined {
                        s.name.clone()
                    } else {
                        format!("专家 {}", i + 1)
                    };
                    (who, crate::domain::china_time::china_minute(s.signed_at))
                })
                .collect();
            r.bureau_name = b.seal.bureau_name.clone();
            r.sealed_at = crate::domain::china_time::china_minute(b.seal.sealed_at);
            r.digest = b.digest.clone();
        }
        Err(broken) => r.broken = Some(broken),
    }
    if let Some(sha) = pdf_sha256 {
        let matches = op.pdf_sha256.as_deref() == Some(sha);
        r.pdf_matches = Some(matches);
        if !matches {
            r.authentic = false;
        }
    }
    Ok(r)
}

/// The clerk names another active member the panel lead (组长), with a reason; before the
/// opinion is drafted (PANEL_DRAWN or UNDER_REVIEW: whoever may replace a seat). Returns the
/// case's new version.
#[server(prefix = "/api", endpoint = "set_panel_lead")]
pub async fn set_panel_lead(
    case_id: i64,
    version: i32,
    seat_id: i64,
    reason: String,
) -> Result<i32, AppError> {
    use super::server::{fail, require, state};
    use crate::domain::access::{authorize, Permission};
    use crate::domain::lifecycle::{apply, Action, Initiator};
    use crate::store::draws;
    let me = require().await?;
    let st = state().map_err(fail)?;
    let now = st.clock.now();
    let (case, facts) = crate::api::server::visible_case(&me, case_id).await?;
    authorize(&me.actor, &Permission::ManageDraw, Some(&facts))
        .map_err(|d| fail(super::denied(d)))?;
    let seats = draws::seats(&st.db, case.id).await?;
    let seat = seats
        .iter()
        .find(|s| s.id == seat_id)
        .ok_or_else(|| fail(AppError::NotFound))?;
    // Who may replace a member may name the lead.
    let expert = crate::domain::ids::ExpertId(seat.expert_id);
    let replace = Action::ReplaceSeat {
        expert,
        reason: reason.clone(),
    };
    apply(&facts, &replace, &Initiator::User(me.actor), now)
        .map_err(|e| fail(crate::api::transition_refused(e)))?;
    if case.version != version {
        return Err(fail(AppError::Stale));
    }
    let (state, reason) = (facts.state, reason.trim());
    if !draws::set_lead(&st.db, &me.actor, &case, state, version, seat, reason, now).await? {
        return Err(fail(AppError::Stale));
    }
    Ok(version + 1)
}
