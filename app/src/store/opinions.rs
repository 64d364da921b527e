//! 鉴定意见书 in the database: composing the content from the case and the submitted score
//! sheets, revisions (an edit voids every signature), signatures, the seal, and checking a
//! sealed opinion against the record and the keys on record.
//!
//! Call the writing functions inside `tx::begin_write`, after the lifecycle transition they
//! belong to has been recorded (`cases::record_transition`).

use super::audit;
use super::cases::{self, Case};
use super::entities::{activity, opinion, opinion_signature, seat};
use super::signing::{self, Signer};
use super::{reference, sheets};
use crate::domain::activity::ActivityKind;
use crate::domain::case::{CaseLevel, SeatStatus};
use crate::domain::ids::ExpertId;
use crate::domain::material::MaterialKind;
use crate::domain::negative_list;
use crate::domain::opinion::{
    canonical, check_bundle, seal_message, sign_message, ActivityLine, Broken, Conclusion,
    ExpertSignature, Finding, MeetingLine, Member, OpinionContent, OpinionDraft, Seal,
    SealedOpinion, FORMAT,
};
use crate::domain::role::Actor;
use crate::domain::rubric;
use crate::domain::sheet::{
    evaluate, panel_verdict, MemberVerdict, PanelMode, PanelOutcome, ScoreSheet,
};
use crate::domain::terms::Rating;
use crate::i18n;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};

pub const DRAFT: &str = "draft";
pub const SEALED: &str = "sealed";
pub const VOID: &str = "void";

const ZH: &str = "zh-CN";

/// The case's current opinion: the latest revision that is not void.
pub async fn current<C: ConnectionTrait>(
    c: &C,
    case_id: i64,
) -> Result<Option<opinion::Model>, DbErr> {
    opinion::Entity::find()
        .filter(opinion::Column::CaseId.eq(case_id))
        .filter(opinion::Column::Status.ne(VOID))
        .order_by_desc(opinion::Column::Revision)
        .one(c)
        .await
}

/// The opinion with a verification code.
pub async fn by_code<C: ConnectionTrait>(
    c: &C,
    code: &str,
) -> Result<Option<opinion::Model>, DbErr> {
    opinion::Entity::find()
        .filter(opinion::Column::VerifyCode.eq(code))
        .one(c)
        .await
}

/// The sealed opinion whose stored PDF has this SHA-256.
pub async fn by_pdf_hash<C: ConnectionTrait>(
    c: &C,
    sha256: &str,
) -> Result<Option<opinion::Model>, DbErr> {
    opinion::Entity::find()
        .filter(opinion::Column::PdfSha256.eq(sha256))
        .one(c)
        .await
}

/// The conclusion of the case's current opinion, if it has one.
pub async fn current_conclusion<C: ConnectionTrait>(
    c: &C,
    case_id: i64,
) -> Result<Option<crate::domain::opinion::Conclusion>, DbErr> {
    match current(c, case_id).await? {
        Some(o) => Ok(Some(content_of(&o)?.conclusion)),
        None => Ok(None),
    }
}

pub fn content_of(m: &opinion::Model) -> Result<OpinionContent, DbErr> {
    serde_json::from_str(&m.content)
        .map_err(|e| DbErr::Custom(format!("opinion {} content unreadable: {e}", m.id)))
}

/// The signatures that still count (not voided by an edit), first to last.
pub async fn signatures<C: ConnectionTrait>(
    c: &C,
    opinion_id: i64,
) -> Result<Vec<opinion_signature::Model>, DbErr> {
    opinion_signature::Entity::find()
        .filter(opinion_signature::Column::OpinionId.eq(opinion_id))
        .filter(opinion_signature::Column::Void.eq(false))
        .order_by_asc(opinion_signature::Column::Id)
        .all(c)
        .await
}

/// The active panel with the submitted sheets: (seat, sheet) in seat order.
async fn panel_sheets<C: ConnectionTrait>(
    c: &C,
    case: &Case,
) -> Result<Vec<(seat::Model, Option<ScoreSheet>)>, DbErr> {
    let seats = super::draws::seats(c, case.id).await?;
    let all = sheets::for_case(c, case.id).await?;
    let mut accepted = Vec::new();
    for s in seats {
        if s.seat_status()? == SeatStatus::Accepted {
            accepted.push(s);
        }
    }
    Ok(accepted
        .into_iter()
        .map(|s| {
            let sheet = all
                .iter()
                .find(|x| x.expert_id == s.expert_id && x.submitted)
                .and_then(|x| serde_json::from_str::<ScoreSheet>(&x.content).ok());
            (s, sheet)
        })
        .collect())
}

/// The rubric version fixed for the case; one this build does not have is an internal error,
/// never the current one in its place.
fn rubric_of(case: &Case) -> Result<&'static rubric::Rubric, DbErr> {
    rubric::rubric(case.rubric_version as u32).ok_or_else(|| {
        DbErr::Custom(format!(
            "case {} has rubric version {}, which this build does not have",
            case.id, case.rubric_version
        ))
    })
}

/// The dimensions of the case's rubric, in order, with whether each is optional (the findings
/// the lead writes).
pub fn dimension_ids(case: &Case) -> Result<Vec<(String, bool)>, DbErr> {
    Ok(rubric_of(case)?
        .dimensions
        .iter()
        .map(|d| (d.id.clone(), d.optional))
        .collect())
}

/// What the lead sees first: a finding per dimension from the members' rated indicators with
/// their evidence, and a standard sentence of reasons naming the panel's conclusion.
pub async fn prefill<C: ConnectionTrait>(c: &C, case: &Case) -> Result<OpinionDraft, DbErr> {
    let r = rubric_of(case)?;
    let panel = panel_sheets(c, case).await?;
    let mut findings = Vec::new();
    for d in &r.dimensions {
        let mut lines: Vec<String> = Vec::new();
        for ind in &d.indicators {
            for (_, sheet) in &panel {
                let Some(score) = sheet.as_ref().and_then(|s| s.ratings.get(&ind.id)) else {
                    continue;
                };
                let (Some(rating), false) = (score.rating, score.evidence.trim().is_empty()) else {
                    continue;
                };
                let line = format!("{}（{:?}）：{}", ind.name.zh, rating, score.evidence.trim());
                if !lines.contains(&line) {
                    lines.push(line);
                }
            }
        }
        if lines.is_empty() && d.optional {
            lines.push("本维度为选评维度，专家未作评定。".to_string());
        }
        findings.push((d.id.clone(), lines.join("\n")));
    }
    let content = compose(c, case, &OpinionDraft::default(), 0).await?;
    let reasons = format!(
        "专家组通过书面审查及相关鉴定活动，依据鉴定指标逐项评议，认定该培训项目为{}。",
        content.conclusion.zh()
    );
    Ok(OpinionDraft { reasons, findings })
}

/// The opinion's content from the case, the submitted sheets and the lead's texts.
pub async fn compose<C: ConnectionTrait>(
    c: &C,
    case: &Case,
    draft: &OpinionDraft,
    revision: u32,
) -> Result<OpinionContent, DbErr> {
    let r = rubric_of(case)?;
    let item = cases::item_of(case)?;
    let panel = panel_sheets(c, case).await?;
    let names = reference::experts(c).await?;
    let name_of = |id: i64| {
        names
            .iter()
            .find(|e| e.id == id)
            .map(|e| e.name.clone())
            .unwrap_or_default()
    };
    let members_v: Vec<MemberVerdict> = panel
        .iter()
        .filter_map(|(s, sheet)| {
            sheet
                .as_ref()
                .map(|sh| MemberVerdict::from_sheet(ExpertId(s.expert_id), r, sh))
        })
        .collect();
    let result = panel_verdict(&members_v, PanelMode::default(), item.stage);
    let (conclusion, dissenters) = match &result.outcome {
        PanelOutcome::Decided {
            category,
            dissenters,
        } => (
            Conclusion::from_category(Some(*category)),
            dissenters.clone(),
        ),
        PanelOutcome::NeedsInfoOrEscalation { .. } => (Conclusion::Undetermined, Vec::new()),
    };
    let members: Vec<Member> = panel
        .iter()
        .map(|(s, _)| {
            let verdict = members_v
                .iter()
                .find(|m| m.expert.0 == s.expert_id)
                .map(|m| m.verdict)
                .unwrap_or(crate::domain::sheet::ExpertVerdict::Undetermined);
            let e = names.iter().find(|e| e.id == s.expert_id);
            Member {
                expert: ExpertId(s.expert_id),
                name: name_of(s.expert_id),
                lead: s.lead,
                verdict,
                dissents: dissenters.contains(&ExpertId(s.expert_id)),
                employer: e.map(|e| e.employer.clone()).unwrap_or_default(),
                title: e
                    .map(|e| {
                        let t = super::experts::title_from_db(&e.title);
                        i18n::text(ZH, t.label_key())
                    })
                    .unwrap_or_default(),
            }
        })
        .collect();
    let findings = r
        .dimensions
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let ratings: Vec<Option<Rating>> = panel
                .iter()
                .map(|(_, sh)| sh.as_ref().map(|sh| evaluate(r, sh).dimensions[i].1))
                .collect();
            Finding {
                dimension: d.id.clone(),
                name: d.name.zh.clone(),
                counts: crate::domain::opinion::rating_counts(&ratings),
                text: draft
                    .findings
                    .iter()
                    .find(|(k, _)| *k == d.id)
                    .map(|(_, v)| v.trim().to_string())
                    .unwrap_or_default(),
            }
        })
        .collect();
    let mut hits: Vec<String> = panel
        .iter()
        .filter_map(|(_, sh)| sh.as_ref())
        .flat_map(|sh| {
            let list = negative_list::negative_list(sh.negative_list_version);
            sh.negative_list_hits.iter().map(move |id| {
                list.and_then(|l| l.item(id))
                    .map(|it| format!("{}：{}", id, it.text.zh))
                    .unwrap_or_else(|| id.clone())
            })
        })
        .collect();
    hits.sort();
    hits.dedup();
    let materials = cases::materials(c, case.id)
        .await?
        .into_iter()
        .filter(|m| !m.superseded)
        .map(|m| {
            let kind = MaterialKind::from_code(&m.kind)
                .map(|k| i18n::text(ZH, k.label_key()))
                .unwrap_or_default();
            format!("{}（{}）", m.file_name, kind)
        })
        .collect();
    let activities = activity::Entity::find()
        .filter(activity::Column::CaseId.eq(case.id))
        .order_by_asc(activity::Column::HeldOn)
        .order_by_asc(activity::Column::Id)
        .all(c)
        .await?
        .into_iter()
        .map(|a| ActivityLine {
            date: a.held_on,
            kind: ActivityKind::from_code(&a.kind)
                .map(|k| i18n::text(ZH, k.label_key()))
                .unwrap_or_default(),
            place: a.place.clone(),
            summary: a.notes.clone(),
        })
        .collect();
    let inst = reference::institution(c, case.institution_id).await?;
    let institution = inst.as_ref().map(|i| i.name.clone()).unwrap_or_default();
    let particulars = Some(crate::domain::opinion::Particulars {
        uscc: inst.as_ref().map(|i| i.uscc.clone()).unwrap_or_default(),
        licence_no: inst
            .as_ref()
            .map(|i| i.licence_no.clone())
            .unwrap_or_default(),
        address: inst.as_ref().map(|i| i.address.clone()).unwrap_or_default(),
        grades: format!(
            "{} 年级",
            item.grades
                .iter()
                .map(|g| g.to_string())
                .collect::<Vec<_>>()
                .join("、")
        ),
        hours: item.hours,
        delivery: i18n::text(ZH, item.delivery.label_key()),
        declared_category: i18n::text(ZH, item.declared_category.label_key()),
        basis: r
            .basis
            .iter()
            .map(|b| format!("《{}》（{}）", b.title.zh, b.number))
            .collect(),
    });
    let county = reference::county(c, case.county_id)
        .await?
        .map(|x| x.name_zh)
        .unwrap_or_default();
    let meeting = super::meetings::get(c, case.id)
        .await?
        .filter(super::meetings::held)
        .map(|m| {
            let present = super::meetings::attended(&m);
            MeetingLine {
                time: crate::domain::china_time::china_minute(m.starts_at),
                place: m.place.clone(),
                online: m.online,
                attendees: members
                    .iter()
                    .filter(|x| present.contains(&x.expert.0))
                    .map(|x| x.name.clone())
                    .collect(),
                others: m.others.clone(),
            }
        });
    let meeting_waived = match meeting {
        Some(_) => None,
        None => super::meetings::waiver(c, case.id).await?.map(|w| w.reason),
    };
    Ok(OpinionContent {
        meeting,
        meeting_waived,
        particulars,
        case_number: case.number.clone().unwrap_or_default(),
        institution,
        item: item.name.clone(),
        stage: i18n::text(ZH, item.stage.label_key()),
        county,
        rubric_version: r.version,
        materials,
        activities,
        findings,
        negative_list_hits: hits,
        conclusion,
        reasons: draft.reasons.trim().to_string(),
        preschool_prohibited: result.preschool_prohibited,
        supervision_flag: result.supervision_flag,
        members,
        revision,
    })
}

/// Voids the case's draft (returned by the director, or replaced by a new revision) with its
/// signatures, and clears every seat's `opinion_signed`: signing starts again.
pub async fn void_drafts<C: ConnectionTrait>(c: &C, case_id: i64) -> Result<(), DbErr> {
    let earlier: Vec<i64> = opinion::Entity::find()
        .filter(opinion::Column::CaseId.eq(case_id))
        .filter(opinion::Column::Status.eq(DRAFT))
        .all(c)
        .await?
        .into_iter()
        .map(|o| o.id)
        .collect();
    if !earlier.is_empty() {
        opinion::Entity::update_many()
            .col_expr(opinion::Column::Status, Expr::value(VOID))
            .filter(opinion::Column::Id.is_in(earlier.clone()))
            .exec(c)
            .await?;
        opinion_signature::Entity::update_many()
            .col_expr(opinion_signature::Column::Void, Expr::value(true))
            .filter(opinion_signature::Column::OpinionId.is_in(earlier))
            .exec(c)
            .await?;
    }
    seat::Entity::update_many()
        .col_expr(seat::Column::OpinionSigned, Expr::value(false))
        .filter(seat::Column::CaseId.eq(case_id))
        .exec(c)
        .await?;
    Ok(())
}

/// Stores a new revision of the opinion; the earlier draft and its signatures become void.
pub async fn write_revision<C: ConnectionTrait>(
    c: &C,
    by: &Actor,
    case: &Case,
    content: &OpinionContent,
    now: DateTime<Utc>,
) -> Result<opinion::Model, DbErr> {
    void_drafts(c, case.id).await?;
    let op = opinion::ActiveModel {
        case_id: Set(case.id),
        revision: Set(content.revision as i32),
        content: Set(serde_json::to_string(content).unwrap_or_default()),
        digest: Set(signing::sha256_hex(canonical(content).as_bytes())),
        status: Set(DRAFT.into()),
        drafted_by: Set(by.user_id.0),
        drafted_at: Set(now),
        ..Default::default()
    }
    .insert(c)
    .await?;
    audit::append(
        c,
        cases::entry(
            Some(by),
            "opinion.draft",
            case.id,
            serde_json::json!({ "opinion": op.id, "revision": content.revision, "digest": op.digest }),
        ),
        now,
    )
    .await?;
    Ok(op)
}

/// The next revision number of a case's opinion.
pub async fn next_revision<C: ConnectionTrait>(c: &C, case_id: i64) -> Result<u32, DbErr> {
    Ok(opinion::Entity::find()
        .filter(opinion::Column::CaseId.eq(case_id))
        .order_by_desc(opinion::Column::Revision)
        .one(c)
        .await?
        .map(|o| o.revision as u32 + 1)
        .unwrap_or(1))
}

/// Records an expert's signature of the current revision and marks their seat signed.
pub async fn record_signature<C: ConnectionTrait>(
    c: &C,
    signer: &dyn Signer,
    by: &Actor,
    op: &opinion::Model,
    expert: i64,
    dissent: Option<&str>,
    now: DateTime<Utc>,
) -> Result<opinion_signature::Model, DbErr> {
    let user = by.user_id.0;
    let msg = sign_message(&op.digest, ExpertId(expert), dissent);
    let (key, sig) = signing::sign_as(
        c,
        signer,
        &signing::expert_party(expert),
        msg.as_bytes(),
        now,
    )
    .await?;
    let row = opinion_signature::ActiveModel {
        opinion_id: Set(op.id),
        expert_id: Set(expert),
        user_id: Set(user),
        dissent: Set(dissent.map(str::to_string)),
        algorithm: Set(key.algorithm.clone()),
        key_id: Set(key.key_id.clone()),
        signature: Set(sig),
        signed_at: Set(now),
        void: Set(false),
        ..Default::default()
    }
    .insert(c)
    .await?;
    seat::Entity::update_many()
        .col_expr(seat::Column::OpinionSigned, Expr::value(true))
        .filter(seat::Column::CaseId.eq(op.case_id))
        .filter(seat::Column::ExpertId.eq(expert))
        .filter(seat::Column::Status.eq(SeatStatus::Accepted.code()))
        .exec(c)
        .await?;
    audit::append(
        c,
        cases::entry(
            Some(by),
            "opinion.sign",
            op.case_id,
            serde_json::json!({
                "opinion": op.id, "revision": op.revision, "key_id": row.key_id,
                "signature": row.signature, "dissent": dissent.is_some(),
            }),
        ),
        now,
    )
    .await?;
    Ok(row)
}

/// A fresh verification code: 12 characters of an alphabet without look-alikes, in groups of 4.
pub fn fresh_code() -> Result<String, DbErr> {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    let mut bytes = [0u8; 12];
    getrandom::fill(&mut bytes).map_err(|e| DbErr::Custom(e.to_string()))?;
    let s: String = bytes
        .iter()
        .map(|b| ALPHABET[(*b as usize) % ALPHABET.len()] as char)
        .collect();
    Ok(format!("{}-{}-{}", &s[0..4], &s[4..8], &s[8..12]))
}

/// Seals the current revision: the bureau signs the digest and every expert's signature; the
/// bundle is stored with a new verification code. Returns the bundle.
#[allow(clippy::too_many_arguments)]
pub async fn seal<C: ConnectionTrait>(
    c: &C,
    signer: &dyn Signer,
    case: &Case,
    op: &opinion::Model,
    director_user: i64,
    director_name: &str,
    now: DateTime<Utc>,
) -> Result<SealedOpinion, DbErr> {
    let content = content_of(op)?;
    let mut sigs = Vec::new();
    let mut rows = signatures(c, op.id).await?;
    rows.sort_by_key(|s| s.expert_id);
    for s in rows {
        let key = signing::key_by_id(c, &s.key_id)
            .await?
            .ok_or_else(|| DbErr::Custom(format!("key {} missing", s.key_id)))?;
        let name = content
            .members
            .iter()
            .find(|m| m.expert.0 == s.expert_id)
            .map(|m| m.name.clone())
            .unwrap_or_default();
        sigs.push(ExpertSignature {
            expert: ExpertId(s.expert_id),
            name,
            dissent: s.dissent.clone(),
            signed_at: s.signed_at,
            algorithm: s.algorithm.clone(),
            key_id: s.key_id.clone(),
            public_key: key.public_key.clone(),
            signature: s.signature.clone(),
        });
    }
    // A prefecture case (re-review, or a panel the prefecture ordered) bears the prefecture's
    // seal; a county case its county bureau's.
    let (party, bureau, bureau_name) = if case.level == CaseLevel::Prefecture.code() {
        (
            signing::prefecture_party(),
            "prefecture".to_string(),
            signing::PREFECTURE_BUREAU.to_string(),
        )
    } else {
        (
            signing::bureau_party(case.county_id),
            case.county_id.to_string(),
            format!("{}教育局", content.county),
        )
    };
    let key = signing::key_for(c, signer, &party, now).await?;
    let mut bundle = SealedOpinion {
        format: FORMAT.into(),
        verify_code: fresh_code()?,
        content,
        digest: op.digest.clone(),
        signatures: sigs,
        seal: Seal {
            bureau,
            bureau_name,
            sealed_by: director_name.to_string(),
            sealed_at: now,
            algorithm: key.algorithm.clone(),
            key_id: key.key_id.clone(),
            public_key: key.public_key.clone(),
            signature: String::new(),
        },
    };
    let msg = seal_message(&bundle);
    let (_, signature) = signing::sign_as(c, signer, &party, msg.as_bytes(), now).await?;
    bundle.seal.signature = signature;
    opinion::Entity::update_many()
        .col_expr(opinion::Column::Status, Expr::value(SEALED))
        .col_expr(
            opinion::Column::VerifyCode,
            Expr::value(bundle.verify_code.clone()),
        )
        .col_expr(opinion::Column::Bundle, Expr::value(bundle.encode()))
        .col_expr(opinion::Column::SealedBy, Expr::value(director_user))
        .col_expr(opinion::Column::SealedAt, Expr::value(now))
        .filter(opinion::Column::Id.eq(op.id))
        .exec(c)
        .await?;
    Ok(bundle)
}

/// Records the SHA-256 of the PDF made at sealing.
/// Keeps the sealed opinion's PDF (made once, at sealing: a download is always these bytes):
/// the file, its hash on the opinion, and the audit event of the seal. Returns the SHA-256.
pub async fn keep_pdf<C: ConnectionTrait>(
    c: &C,
    files: &dyn super::files::FileStore,
    by: &Actor,
    op: &opinion::Model,
    pdf: &[u8],
    now: DateTime<Utc>,
) -> Result<String, DbErr> {
    let sha = signing::sha256_hex(pdf);
    super::files::put_bytes(
        c,
        files,
        pdf,
        &sha,
        crate::domain::files::FileType::Pdf,
        now,
    )
    .await?;
    opinion::Entity::update_many()
        .col_expr(opinion::Column::PdfSha256, Expr::value(sha.as_str()))
        .filter(opinion::Column::Id.eq(op.id))
        .exec(c)
        .await?;
    audit::append(
        c,
        cases::entry(
            Some(by),
            "opinion.seal",
            op.case_id,
            serde_json::json!({ "opinion": op.id, "revision": op.revision, "pdf_sha256": sha }),
        ),
        now,
    )
    .await?;
    Ok(sha)
}

/// Checks a sealed opinion: the stored bundle verifies by itself (`check_bundle`), every key is
/// the one on record for its signer, and the bundle agrees with the opinion's own row.
pub async fn check<C: ConnectionTrait>(
    c: &C,
    op: &opinion::Model,
) -> Result<Result<SealedOpinion, Broken>, DbErr> {
    let Some(bundle) = &op.bundle else {
        return Ok(Err(Broken::Malformed));
    };
    let b = match check_bundle(bundle.as_bytes(), signing::sha256_hex, signing::verify) {
        Ok(b) => b,
        Err(e) => return Ok(Err(e)),
    };
    if b.digest != op.digest
        || op.verify_code.as_deref() != Some(b.verify_code.as_str())
        || content_of(op).ok().as_ref() != Some(&b.content)
    {
        return Ok(Err(Broken::Digest));
    }
    for (party, key_id, public_key) in b
        .signatures
        .iter()
        .map(|s| (signing::expert_party(s.expert.0), &s.key_id, &s.public_key))
        .chain(std::iter::once((
            format!("bureau:{}", b.seal.bureau),
            &b.seal.key_id,
            &b.seal.public_key,
        )))
    {
        match signing::key_by_id(c, key_id).await? {
            Some(k) if k.party == party && &k.public_key == public_key => {}
            _ => return Ok(Err(Broken::UnknownKey)),
        }
    }
    Ok(Ok(b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::sheet::ExpertVerdict;
    use proptest::prelude::*;

    /// A bundle signed with real keys, as `seal` makes it (without a database).
    fn sealed() -> (SealedOpinion, String) {
        let signer = signing::EmbeddedSigner::new([3; 32]);
        let members: Vec<Member> = (1..=3)
            .map(|i| Member {
                expert: ExpertId(i),
                name: format!("专家{i}"),
                lead: i == 1,
                verdict: if i == 3 {
                    ExpertVerdict::Subject
                } else {
                    ExpertVerdict::NonSubject
                },
                dissents: i == 3,
                employer: "昌吉州第一中学".into(),
                title: "高级教师".into(),
            })
            .collect();
        let content = OpinionContent {
            meeting: None,
            meeting_waived: None,
            particulars: None,
            case_number: "CJ-2026-0007".into(),
            institution: "昌吉市星辰艺术培训中心".into(),
            item: "少儿美术创作".into(),
            stage: "小学".into(),
            county: "昌吉市".into(),
            rubric_version: 1,
            materials: vec!["课程方案.pdf（课程方案）".into()],
            activities: vec![ActivityLine {
                date: chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
                kind: "课堂观摩".into(),
                place: "教室一".into(),
                summary: "学生创作为主".into(),
            }],
            findings: vec![Finding {
                dimension: "purpose".into(),
                name: "培训目的".into(),
                counts: [1, 2, 0],
                text: "以兴趣培养为主".into(),
            }],
            negative_list_hits: vec![],
            conclusion: Conclusion::NonSubject,
            reasons: "专家组认定该项目为非学科类。".into(),
            preschool_prohibited: false,
            supervision_flag: false,
            members,
            revision: 1,
        };
        let digest = signing::sha256_hex(canonical(&content).as_bytes());
        let now = DateTime::parse_from_rfc3339("2026-11-29T08:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let sigs: Vec<ExpertSignature> = content
            .members
            .iter()
            .map(|m| {
                let (pk, sealed) = signer.generate().unwrap();
                let dissent = m
                    .dissents
                    .then(|| "课堂以讲授练习为主，应为学科类。".to_string());
                let msg = sign_message(&digest, m.expert, dissent.as_deref());
                ExpertSignature {
                    expert: m.expert,
                    name: m.name.clone(),
                    dissent,
                    signed_at: now,
                    algorithm: signing::ED25519.into(),
                    key_id: signing::key_id(signing::ED25519, &pk),
                    public_key: pk,
                    signature: signer.sign(&sealed, msg.as_bytes()).unwrap(),
                }
            })
            .collect();
        let (pk, sk) = signer.generate().unwrap();
        let mut b = SealedOpinion {
            format: FORMAT.into(),
            verify_code: "ABCD-EFGH-JKLM".into(),
            content,
            digest,
            signatures: sigs,
            seal: Seal {
                bureau: "652301".into(),
                bureau_name: "昌吉市教育局".into(),
                sealed_by: "负责人".into(),
                sealed_at: now,
                algorithm: signing::ED25519.into(),
                key_id: signing::key_id(signing::ED25519, &pk),
                public_key: pk,
                signature: String::new(),
            },
        };
        b.seal.signature = signer.sign(&sk, seal_message(&b).as_bytes()).unwrap();
        let text = b.encode();
        (b, text)
    }

    fn check(bytes: &[u8]) -> Result<SealedOpinion, Broken> {
        check_bundle(bytes, signing::sha256_hex, signing::verify)
    }

    #[test]
    fn a_sealed_bundle_verifies_and_edits_are_caught() {
        let (b, text) = sealed();
        assert_eq!(check(text.as_bytes()).unwrap(), b);
        // Changing the conclusion breaks the digest.
        let mut changed = b.clone();
        changed.content.conclusion = Conclusion::Subject;
        assert_eq!(check(changed.encode().as_bytes()), Err(Broken::Digest));
        // Recomputing the digest does not help: the signatures cover the old one.
        changed.digest = signing::sha256_hex(canonical(&changed.content).as_bytes());
        assert_eq!(check(changed.encode().as_bytes()), Err(Broken::Signature));
        // Dropping a dissent breaks that expert's signature.
        let mut no_dissent = b.clone();
        no_dissent.signatures[2].dissent = None;
        assert_eq!(
            check(no_dissent.encode().as_bytes()),
            Err(Broken::Signature)
        );
        // Dropping a signer.
        let mut fewer = b.clone();
        fewer.signatures.pop();
        assert_eq!(check(fewer.encode().as_bytes()), Err(Broken::Signers));
        // Same JSON, other spelling (whitespace): not canonical.
        let spaced = text.replacen(':', ": ", 1);
        assert_eq!(check(spaced.as_bytes()), Err(Broken::Malformed));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]
        /// Any single changed byte of a stored signed opinion is found.
        #[test]
        fn every_flipped_byte_is_found(pos in any::<prop::sample::Index>(), flip in 1u8..=255) {
            let (_, text) = sealed_cached();
            let mut bytes = text.into_bytes();
            let i = pos.index(bytes.len());
            bytes[i] ^= flip;
            prop_assert!(check(&bytes).is_err(), "byte {} ^ {:#x} went unnoticed", i, flip);
        }
    }

    fn sealed_cached() -> (SealedOpinion, String) {
        static CELL: std::sync::OnceLock<(SealedOpinion, String)> = std::sync::OnceLock::new();
        CELL.get_or_init(sealed).clone()
    }
}
