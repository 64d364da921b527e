//! 信用记录 (DOMAIN §9): what a director files when an institution conceals or falsifies
//! material (its case is terminated) or an expert neglects the work, abuses the role, favours a
//! party, hides a conflict or leaks (the expert is suspended or removed, is never drawn again,
//! and the seats not yet scored are redrawn).

use super::error::FieldErrors;
use super::formats::check_text;
use serde::{Deserialize, Serialize};

pub const REASON_MIN: usize = 10;
pub const REASON_MAX: usize = 2000;

/// Whom a record is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CreditSubject {
    Institution,
    Expert,
}

impl CreditSubject {
    pub fn code(self) -> &'static str {
        match self {
            CreditSubject::Institution => "institution",
            CreditSubject::Expert => "expert",
        }
    }
}

coded! {
    /// What happened.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum CreditKind("credit.kind") {
        /// 隐瞒有关情况
        Concealment = "concealment",
        /// 提供虚假材料
        FalseMaterial = "false_material",
        /// 不履行职责
        Neglect = "neglect",
        /// 滥用职权
        Abuse = "abuse",
        /// 徇私舞弊
        Favouritism = "favouritism",
        /// 应回避未回避
        UndeclaredConflict = "undeclared_conflict",
        /// 泄露鉴定信息
        Leak = "leak",
    }
}

impl CreditKind {
    /// The kinds that concern this subject.
    pub fn subject(self) -> CreditSubject {
        match self {
            CreditKind::Concealment | CreditKind::FalseMaterial => CreditSubject::Institution,
            _ => CreditSubject::Expert,
        }
    }
    pub fn for_subject(s: CreditSubject) -> Vec<CreditKind> {
        CreditKind::ALL
            .into_iter()
            .filter(|k| k.subject() == s)
            .collect()
    }
}

coded! {
    /// What happens to an expert with a record.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum ExpertMeasure("credit.measure") {
        /// 暂停
        Suspend = "suspend",
        /// 除名
        Remove = "remove",
    }
}

impl ExpertMeasure {
    /// The expert's status code afterwards.
    pub fn status_code(self) -> &'static str {
        match self {
            ExpertMeasure::Suspend => "suspended",
            ExpertMeasure::Remove => "removed",
        }
    }
}

/// The form as the director fills it in (codes as chosen).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditInput {
    pub kind: String,
    /// Experts only: `suspend` or `remove`.
    pub measure: String,
    pub reason: String,
}

/// The kind and (for an expert) the measure, or every problem by field.
pub fn validate_credit(
    subject: CreditSubject,
    input: &CreditInput,
) -> Result<(CreditKind, Option<ExpertMeasure>), FieldErrors> {
    let mut errs = FieldErrors::new();
    let kind = CreditKind::from_code(input.kind.trim()).filter(|k| k.subject() == subject);
    if kind.is_none() {
        errs.add("kind", "err.credit.kind");
    }
    let measure = match subject {
        CreditSubject::Expert => {
            let m = ExpertMeasure::from_code(input.measure.trim());
            if m.is_none() {
                errs.add("measure", "err.credit.measure");
            }
            m
        }
        CreditSubject::Institution => None,
    };
    check_text(&mut errs, "reason", &input.reason, REASON_MIN, REASON_MAX);
    match kind {
        Some(k) if errs.is_empty() => Ok((k, measure)),
        _ => Err(errs),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(kind: &str, measure: &str, reason: &str) -> CreditInput {
        CreditInput {
            kind: kind.into(),
            measure: measure.into(),
            reason: reason.into(),
        }
    }

    fn fields(e: FieldErrors) -> Vec<(String, String)> {
        e.0.into_iter().map(|x| (x.field, x.key)).collect()
    }

    const WHY: &str = "提交的教师资格证书经核查系伪造。";

    #[test]
    fn kinds_belong_to_their_subject() {
        for k in CreditKind::ALL {
            assert_eq!(CreditKind::from_code(k.code()), Some(k));
        }
        assert_eq!(
            CreditKind::for_subject(CreditSubject::Institution),
            vec![CreditKind::Concealment, CreditKind::FalseMaterial]
        );
        assert_eq!(CreditKind::for_subject(CreditSubject::Expert).len(), 5);
    }

    #[test]
    fn institution_and_expert_forms() {
        assert_eq!(
            validate_credit(
                CreditSubject::Institution,
                &input("false_material", "", WHY)
            ),
            Ok((CreditKind::FalseMaterial, None))
        );
        assert_eq!(
            validate_credit(CreditSubject::Expert, &input("leak", "remove", WHY)),
            Ok((CreditKind::Leak, Some(ExpertMeasure::Remove)))
        );
        // An expert's kind for an institution, no measure for an expert, a short reason.
        assert_eq!(
            fields(
                validate_credit(CreditSubject::Institution, &input("leak", "", WHY)).unwrap_err()
            ),
            vec![("kind".into(), "err.credit.kind".into())]
        );
        assert_eq!(
            fields(
                validate_credit(CreditSubject::Expert, &input("neglect", "", "太短")).unwrap_err()
            ),
            vec![
                ("measure".into(), "err.credit.measure".into()),
                ("reason".into(), "err.text_too_short".into())
            ]
        );
    }
}
