//! 鉴定意见书 (the panel's opinion, DOMAIN §8): what it says, its canonical encoding, what each
//! signature covers, and the sealed bundle that verifies after printing.
//!
//! The opinion's content is encoded canonically (`canonical`: a format line, then compact JSON
//! with the fields in declaration order; lists keep their order, maps are sorted). Its SHA-256
//! is the opinion digest (computed by the server). An expert signs `sign_message(digest,
//! expert, dissent)`; the bureau seals `seal_message(bundle)`, which covers every byte of the
//! bundle but the seal's signature: the content and every expert's signature with its dissent. Any edit of the content changes the
//! digest, so every signature already given no longer verifies and signing starts again.
//!
//! The sealed bundle (`SealedOpinion`) is self-contained: anyone with the bundle and the public
//! keys of the signers can check it. A stored bundle is accepted only when it is exactly its
//! own canonical encoding, so no byte of it can change without the check failing.

use super::error::FieldErrors;
use super::ids::ExpertId;
use super::sheet::ExpertVerdict;
use super::terms::{Category, Rating};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Version of the encoding and of the messages signed.
pub const FORMAT: &str = "jianding-opinion/1";
/// Bounds of the lead's texts.
pub const REASONS_MIN_CHARS: usize = 10;
pub const TEXT_MAX_CHARS: usize = 4000;

/// The conclusion the opinion states (结论).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Conclusion {
    Subject,
    NonSubject,
    /// 待定: the panel did not reach a category (the director escalates or asks for more).
    Undetermined,
}

impl Conclusion {
    pub fn from_category(c: Option<Category>) -> Self {
        match c {
            Some(Category::Subject) => Conclusion::Subject,
            Some(Category::NonSubject) => Conclusion::NonSubject,
            None => Conclusion::Undetermined,
        }
    }
    pub fn category(self) -> Option<Category> {
        match self {
            Conclusion::Subject => Some(Category::Subject),
            Conclusion::NonSubject => Some(Category::NonSubject),
            Conclusion::Undetermined => None,
        }
    }
    pub fn label_key(self) -> &'static str {
        match self {
            Conclusion::Subject => "category.subject",
            Conclusion::NonSubject => "category.non_subject",
            Conclusion::Undetermined => "verdict.undetermined",
        }
    }
    /// The Chinese words printed on the document.
    pub fn zh(self) -> &'static str {
        match self {
            Conclusion::Subject => "学科类",
            Conclusion::NonSubject => "非学科类",
            Conclusion::Undetermined => "待定",
        }
    }
}

/// An activity the panel carried out (鉴定活动), as printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityLine {
    pub date: NaiveDate,
    /// Kind, in Chinese (书面审查, 实地查看, 课堂观摩, 个别访谈).
    pub kind: String,
    pub place: String,
    pub summary: String,
}

/// The panel's finding on one dimension (分维度鉴定意见).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub dimension: String,
    /// Dimension name, in Chinese.
    pub name: String,
    /// How many members found the dimension S, N, U (in that order).
    pub counts: [u32; 3],
    /// The panel's finding in words, with the evidence it rests on.
    pub text: String,
}

/// One panel member as the opinion lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub expert: ExpertId,
    pub name: String,
    /// 组长
    pub lead: bool,
    /// The member's own verdict from their score sheet.
    pub verdict: ExpertVerdict,
    /// Disagrees with the conclusion: signs with reasons.
    pub dissents: bool,
    /// 工作单位 and 职称, printed next to the signature (absent from opinions made before).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub employer: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
}

/// What the official opinion (附件2) states of the applicant, the item and the basis, beyond
/// the names: absent from opinions made before it was recorded, so they keep their digest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Particulars {
    /// 统一社会信用代码
    pub uscc: String,
    /// 办学许可证号 (empty when not yet issued)
    pub licence_no: String,
    pub address: String,
    /// 年级, as printed ("3、4 年级").
    pub grades: String,
    /// 总课时
    pub hours: u32,
    /// 线上 / 线下
    pub delivery: String,
    /// 申报类别
    pub declared_category: String,
    /// The basis documents of the rubric version (文号 and title).
    pub basis: Vec<String>,
}

/// Everything the opinion says (the signed content).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpinionContent {
    pub case_number: String,
    pub institution: String,
    pub item: String,
    /// Target stage, in Chinese.
    pub stage: String,
    pub county: String,
    pub rubric_version: u32,
    /// Materials examined (审查材料), as "name（kind）".
    pub materials: Vec<String>,
    pub activities: Vec<ActivityLine>,
    pub findings: Vec<Finding>,
    /// Negative-list items hit (负面清单), as printed.
    pub negative_list_hits: Vec<String>,
    pub conclusion: Conclusion,
    /// The panel's reasons (鉴定理由), written by the lead.
    pub reasons: String,
    /// A 学前 item found 学科类: a prohibited activity; the document says so.
    pub preschool_prohibited: bool,
    /// Negative-list hits raise a supervision flag.
    pub supervision_flag: bool,
    pub members: Vec<Member>,
    /// Revision of the draft (each edit after signing starts again with a new revision).
    pub revision: u32,
    /// The identification meeting (鉴定会时间、地点、参加人员), when one was held. Absent from
    /// the encoding otherwise, so opinions signed before meetings were recorded keep their digest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meeting: Option<MeetingLine>,
    /// The director's reasons for not holding the meeting, when it was waived (absent from the
    /// encoding otherwise, so earlier opinions keep their digest).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meeting_waived: Option<String>,
    /// The applicant's codes and address, the item's details, the basis documents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub particulars: Option<Particulars>,
}

/// The identification meeting as the opinion states it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingLine {
    /// China Standard Time, "2026-04-08 14:30".
    pub time: String,
    pub place: String,
    pub online: bool,
    /// The panel members present, by name.
    pub attendees: Vec<String>,
    /// Others present, as written.
    pub others: String,
}

impl MeetingLine {
    /// "时间：…；地点：…；参加人员：…" as printed on the opinion.
    pub fn zh(&self) -> String {
        let mut people = self.attendees.join("、");
        if !self.others.trim().is_empty() {
            people.push_str(&format!("；其他参会人员：{}", self.others.trim()));
        }
        format!(
            "时间：{}；地点：{}{}；参加人员：{}",
            self.time,
            if self.online { "线上，" } else { "" },
            self.place,
            people
        )
    }
}

/// What the lead writes (the rest comes from the case and the score sheets).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpinionDraft {
    pub reasons: String,
    /// Finding text by dimension id, in rubric order.
    pub findings: Vec<(String, String)>,
}

fn chars(s: &str) -> usize {
    s.trim().chars().count()
}

/// Checks the lead's texts: reasons required; a finding for each dimension that is not optional
/// (选评维度 may stay empty), every text bounded. `dimensions`: (id, optional) in rubric order.
/// Fields `opinion.reasons`, `opinion.finding.<dimension>`.
pub fn validate_draft(d: &OpinionDraft, dimensions: &[(String, bool)]) -> FieldErrors {
    let mut e = FieldErrors::new();
    let n = chars(&d.reasons);
    if n < REASONS_MIN_CHARS {
        e.push(
            super::error::FieldError::new("opinion.reasons", "err.opinion.reasons_short")
                .arg("min", REASONS_MIN_CHARS),
        );
    } else if n > TEXT_MAX_CHARS {
        e.push(
            super::error::FieldError::new("opinion.reasons", "err.text_too_long")
                .arg("max", TEXT_MAX_CHARS),
        );
    }
    for (dim, optional) in dimensions {
        let text = d
            .findings
            .iter()
            .find(|(k, _)| k == dim)
            .map(|(_, v)| v.as_str())
            .unwrap_or("");
        let field = format!("opinion.finding.{dim}");
        if chars(text) == 0 && !optional {
            e.add(field, "err.opinion.finding_required");
        } else if chars(text) > TEXT_MAX_CHARS {
            e.push(
                super::error::FieldError::new(field, "err.text_too_long")
                    .arg("max", TEXT_MAX_CHARS),
            );
        }
    }
    for (k, _) in &d.findings {
        if !dimensions.iter().any(|(id, _)| id == k) {
            e.add(
                format!("opinion.finding.{k}"),
                "err.opinion.unknown_dimension",
            );
        }
    }
    e
}

/// Checks a signer's dissent: a member whose verdict differs from the conclusion must give
/// reasons; others may add a remark. Field `opinion.dissent`.
pub fn validate_dissent(member: &Member, dissent: Option<&str>) -> FieldErrors {
    let mut e = FieldErrors::new();
    let text = dissent.map(chars).unwrap_or(0);
    if member.dissents && text < REASONS_MIN_CHARS {
        e.push(
            super::error::FieldError::new("opinion.dissent", "err.opinion.dissent_required")
                .arg("min", REASONS_MIN_CHARS),
        );
    } else if text > TEXT_MAX_CHARS {
        e.push(
            super::error::FieldError::new("opinion.dissent", "err.text_too_long")
                .arg("max", TEXT_MAX_CHARS),
        );
    }
    e
}

/// The findings pre-filled for the lead: for each dimension, how the members rated it and the
/// evidence notes they wrote.
pub fn rating_counts(ratings: &[Option<Rating>]) -> [u32; 3] {
    let mut c = [0u32; 3];
    for r in ratings.iter().flatten() {
        match r {
            Rating::S => c[0] += 1,
            Rating::N => c[1] += 1,
            Rating::U => c[2] += 1,
        }
    }
    c
}

/// The canonical encoding of the content: the format line, then compact JSON.
pub fn canonical(content: &OpinionContent) -> String {
    format!(
        "{FORMAT}\n{}",
        serde_json::to_string(content).unwrap_or_default()
    )
}

/// What an expert signs: the digest of the content, who signs, and their dissent (if any).
pub fn sign_message(digest: &str, expert: ExpertId, dissent: Option<&str>) -> String {
    format!(
        "{FORMAT}/sign\n{digest}\n{}\n{}",
        expert.0,
        serde_json::to_string(&dissent).unwrap_or_default()
    )
}

/// What the bureau seals: the whole bundle (content, digest, every expert's signature with its
/// dissent, time and key, the verification code and the seal's own particulars) except the
/// seal's signature itself.
pub fn seal_message(b: &SealedOpinion) -> String {
    let mut unsigned = b.clone();
    unsigned.seal.signature = String::new();
    format!("{FORMAT}/seal\n{}", unsigned.encode())
}

/// One expert's signature in the bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpertSignature {
    pub expert: ExpertId,
    pub name: String,
    pub dissent: Option<String>,
    pub signed_at: DateTime<Utc>,
    pub algorithm: String,
    pub key_id: String,
    /// Hex public key.
    pub public_key: String,
    /// Hex signature over `sign_message`.
    pub signature: String,
}

/// The bureau's seal in the bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seal {
    /// County code (or "prefecture").
    pub bureau: String,
    pub bureau_name: String,
    /// The director who sealed, by name.
    pub sealed_by: String,
    pub sealed_at: DateTime<Utc>,
    pub algorithm: String,
    pub key_id: String,
    pub public_key: String,
    /// Hex signature over `seal_message`.
    pub signature: String,
}

/// The sealed opinion: content, digest, signatures and seal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedOpinion {
    pub format: String,
    pub verify_code: String,
    pub content: OpinionContent,
    /// Hex SHA-256 of `canonical(content)`.
    pub digest: String,
    pub signatures: Vec<ExpertSignature>,
    pub seal: Seal,
}

impl SealedOpinion {
    /// The canonical bytes of the bundle (compact JSON, fields in declaration order).
    pub fn encode(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Why a bundle is not authentic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Broken {
    /// Not a bundle at all, or not in canonical form (some byte was changed).
    Malformed,
    /// The content does not match its digest.
    Digest,
    /// An expert's signature does not verify.
    Signature,
    /// The seal does not verify.
    Seal,
    /// A key is not the one on record for that signer.
    UnknownKey,
    /// The signers are not the panel the content names.
    Signers,
}

impl Broken {
    pub fn label_key(self) -> &'static str {
        match self {
            Broken::Malformed => "verify.broken.malformed",
            Broken::Digest => "verify.broken.digest",
            Broken::Signature => "verify.broken.signature",
            Broken::Seal => "verify.broken.seal",
            Broken::UnknownKey => "verify.broken.unknown_key",
            Broken::Signers => "verify.broken.signers",
        }
    }
}

/// Checks a stored bundle with the given primitives: `sha256_hex(bytes)` and
/// `verify(algorithm, public_key_hex, message, signature_hex)`. Pure apart from those.
pub fn check_bundle(
    bytes: &[u8],
    sha256_hex: impl Fn(&[u8]) -> String,
    verify: impl Fn(&str, &str, &[u8], &str) -> bool,
) -> Result<SealedOpinion, Broken> {
    let text = std::str::from_utf8(bytes).map_err(|_| Broken::Malformed)?;
    let b: SealedOpinion = serde_json::from_str(text).map_err(|_| Broken::Malformed)?;
    if b.encode() != text || b.format != FORMAT {
        return Err(Broken::Malformed);
    }
    if sha256_hex(canonical(&b.content).as_bytes()) != b.digest {
        return Err(Broken::Digest);
    }
    let mut signers: Vec<ExpertId> = b.signatures.iter().map(|s| s.expert).collect();
    let mut members: Vec<ExpertId> = b.content.members.iter().map(|m| m.expert).collect();
    signers.sort();
    members.sort();
    if signers != members {
        return Err(Broken::Signers);
    }
    for s in &b.signatures {
        let msg = sign_message(&b.digest, s.expert, s.dissent.as_deref());
        if !verify(&s.algorithm, &s.public_key, msg.as_bytes(), &s.signature) {
            return Err(Broken::Signature);
        }
        let member = b.content.members.iter().find(|m| m.expert == s.expert);
        if member.is_some_and(|m| !validate_dissent(m, s.dissent.as_deref()).is_empty()) {
            return Err(Broken::Signature);
        }
    }
    let msg = seal_message(&b);
    if !verify(
        &b.seal.algorithm,
        &b.seal.public_key,
        msg.as_bytes(),
        &b.seal.signature,
    ) {
        return Err(Broken::Seal);
    }
    Ok(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(id: i64, verdict: ExpertVerdict, dissents: bool) -> Member {
        Member {
            expert: ExpertId(id),
            name: format!("专家{id}"),
            lead: id == 1,
            verdict,
            dissents,
            employer: String::new(),
            title: String::new(),
        }
    }

    #[test]
    fn reasons_and_findings_are_required() {
        let dims = vec![
            ("purpose".to_string(), false),
            ("content".to_string(), false),
            ("teachers".to_string(), true),
        ];
        let e = validate_draft(&OpinionDraft::default(), &dims);
        let fields: Vec<&str> = e.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "opinion.reasons",
                "opinion.finding.purpose",
                "opinion.finding.content"
            ]
        );
        let ok = OpinionDraft {
            reasons: "课程以艺术素养为主，不涉及学科内容。".into(),
            findings: vec![
                ("purpose".into(), "以兴趣培养为导向".into()),
                ("content".into(), "美术创作".into()),
            ],
        };
        assert!(validate_draft(&ok, &dims).is_empty());
        let mut foreign = ok.clone();
        foreign.findings.push(("x".into(), "y".into()));
        assert_eq!(validate_draft(&foreign, &dims).len(), 1);
    }

    #[test]
    fn a_dissenter_must_give_reasons() {
        let d = member(2, ExpertVerdict::Subject, true);
        assert!(!validate_dissent(&d, None).is_empty());
        assert!(!validate_dissent(&d, Some("  不同意 ")).is_empty());
        assert!(validate_dissent(&d, Some("课堂以讲授和练习为主，属于学科类。")).is_empty());
        let agree = member(1, ExpertVerdict::NonSubject, false);
        assert!(validate_dissent(&agree, None).is_empty());
    }

    #[test]
    fn the_encoding_changes_with_any_field_and_messages_bind_signer_and_dissent() {
        let c = OpinionContent {
            meeting: None,
            meeting_waived: None,
            particulars: None,
            case_number: "CJ-2026-0001".into(),
            institution: "机构".into(),
            item: "美术".into(),
            stage: "小学".into(),
            county: "昌吉市".into(),
            rubric_version: 1,
            materials: vec![],
            activities: vec![],
            findings: vec![],
            negative_list_hits: vec![],
            conclusion: Conclusion::NonSubject,
            reasons: "理由".into(),
            preschool_prohibited: false,
            supervision_flag: false,
            members: vec![member(1, ExpertVerdict::NonSubject, false)],
            revision: 1,
        };
        let mut d = c.clone();
        d.revision = 2;
        assert_ne!(canonical(&c), canonical(&d));
        assert!(canonical(&c).starts_with("jianding-opinion/1\n{"));
        assert_ne!(
            sign_message("ab", ExpertId(1), None),
            sign_message("ab", ExpertId(2), None)
        );
        assert_ne!(
            sign_message("ab", ExpertId(1), None),
            sign_message("ab", ExpertId(1), Some(""))
        );
    }

    #[test]
    fn counts_ratings() {
        assert_eq!(
            rating_counts(&[Some(Rating::S), None, Some(Rating::N), Some(Rating::S)]),
            [2, 1, 0]
        );
    }
}
