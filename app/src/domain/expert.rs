//! The expert (鉴定专家) as the pool records them: title, kind, subjects and stages, term, and
//! the check of a title against its certificate (职称核验, guide 五(三)).

use super::error::{FieldError, FieldErrors};
use super::formats::*;
use super::ids::CountyId;
use super::item::{ItemDomain, SchoolSubject};
use super::terms::Stage;
use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

// ---------------------------------------------------------------------------------------------
// Expert (鉴定专家)
// ---------------------------------------------------------------------------------------------

coded! {
    /// Professional title (专业技术职称). The pool requires 中级 or above.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum ProfessionalTitle("title") {
        /// 初级 / 无职称
        Junior = "junior",
        /// 中级
        Intermediate = "intermediate",
        /// 副高级
        AssociateSenior = "associate_senior",
        /// 正高级
        Senior = "senior",
    }
}

impl ProfessionalTitle {
    /// 中级 or above.
    pub fn qualifies(self) -> bool {
        self >= ProfessionalTitle::Intermediate
    }
}

coded! {
    /// Kind of expert (专家类别).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum ExpertKind("expert_kind") {
        /// 学科/教学专家
        SubjectTeaching = "subject_teaching",
        /// 法律专家
        Legal = "legal",
    }
}

/// What is entered for an expert of the pool (专家库信息).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpertInput {
    /// 姓名
    pub name: String,
    /// 居民身份证号 (optional; stored masked in views)
    pub id_number: String,
    /// 工作单位
    pub employer: String,
    /// 职称
    pub title: ProfessionalTitle,
    /// 专家类别
    pub kind: ExpertKind,
    /// 擅长领域 (required for 学科/教学专家)
    pub domains: Vec<ItemDomain>,
    /// 熟悉学段 (required for 学科/教学专家)
    pub stages: Vec<Stage>,
    /// 任教学科: the curriculum subjects a 学科/教学 expert is qualified in (what the subject
    /// seat of a panel matches against an item's 相关学科).
    #[serde(default)]
    pub school_subjects: Vec<SchoolSubject>,
    /// 所在县（市）; `None` = prefecture level (州直)
    pub region: Option<CountyId>,
    /// 手机号
    pub mobile: String,
    /// 聘期开始
    pub term_start: NaiveDate,
    /// 聘期结束
    pub term_end: NaiveDate,
    /// 本人未在校外培训机构任职、兼职 (declaration)
    pub declares_no_post: bool,
    /// 近亲属未在校外培训机构任职、兼职 (declaration)
    pub declares_relatives_no_post: bool,
    /// 本人从未在校外培训机构兼职 (guide 五(五)): the expert's own declaration, like the others;
    /// without it the expert is not drawn.
    #[serde(default)]
    pub declares_no_part_time_history: bool,
}

/// Checks an expert's fields. Paths: `expert.<field>`.
pub fn validate_expert(input: &ExpertInput) -> FieldErrors {
    let mut errs = FieldErrors::new();
    check_text(
        &mut errs,
        "expert.name",
        &input.name,
        limits::PERSON_MIN,
        limits::PERSON_MAX,
    );
    if !input.id_number.trim().is_empty() && !id_number_is_valid(input.id_number.trim()) {
        errs.add("expert.id_number", "err.id_number_format");
    }
    check_text(
        &mut errs,
        "expert.employer",
        &input.employer,
        limits::NAME_MIN,
        limits::EMPLOYER_MAX,
    );
    if !input.title.qualifies() {
        errs.add("expert.title", "err.title_below_intermediate");
    }
    if input.kind == ExpertKind::SubjectTeaching {
        if input.domains.is_empty() {
            errs.add("expert.domains", "err.required");
        }
        if input.stages.is_empty() {
            errs.add("expert.stages", "err.required");
        }
    }
    if let Some(c) = input.region {
        if !(100_000..=999_999).contains(&c.0) {
            errs.add("expert.region", "err.county_invalid");
        }
    }
    if input.mobile.trim().is_empty() {
        errs.add("expert.mobile", "err.required");
    } else if !is_mobile(&input.mobile) {
        errs.add("expert.mobile", "err.mobile_format");
    }
    if input.term_end <= input.term_start {
        errs.add("expert.term_end", "err.term_order");
    } else if input
        .term_start
        .checked_add_months(Months::new(limits::TERM_MAX_MONTHS))
        .is_some_and(|max| input.term_end > max)
    {
        errs.push(
            FieldError::new("expert.term_end", "err.term_too_long")
                .arg("years", limits::TERM_MAX_MONTHS / 12),
        );
    }
    if !input.declares_no_post {
        errs.add("expert.declares_no_post", "err.declaration_required");
    }
    if !input.declares_relatives_no_post {
        errs.add(
            "expert.declares_relatives_no_post",
            "err.declaration_required",
        );
    }
    errs
}

/// Why an expert's title cannot be checked now (职称核验, guide 五(三)): there is no
/// certificate to check it against, or it is already checked. `None`: it can be.
pub fn title_check_refusal(has_certificate: bool, verified: bool) -> Option<&'static str> {
    if !has_certificate {
        Some("err.expert.no_certificate")
    } else if verified {
        Some("err.expert.title_already_verified")
    } else {
        None
    }
}

/// Longest status reason, proposal note or availability note (characters).
pub const REASON_MAX: usize = 200;

/// A reason, note or comment the pool's keepers must give (a status change, a proposal's
/// decision): present, and at most [`REASON_MAX`] characters. Path `field`.
pub fn check_reason(reason: &str, field: &str) -> Result<(), FieldErrors> {
    let n = reason.trim().chars().count();
    let mut errs = FieldErrors::new();
    if n == 0 {
        errs.add(field, "err.required");
    } else if n > REASON_MAX {
        errs.push(FieldError::new(field, "err.text_too_long").arg("max", REASON_MAX));
    }
    errs.into_result()
}

/// The expert's own declarations and availability, as sent by `/expert/profile`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeclarationsInput {
    pub declares_no_post: bool,
    pub declares_relatives_no_post: bool,
    /// 本人从未在校外培训机构兼职 (guide 五(五)).
    #[serde(default)]
    pub declares_no_part_time_history: bool,
    pub unavailable_from: Option<NaiveDate>,
    pub unavailable_until: Option<NaiveDate>,
    #[serde(default)]
    pub availability_note: String,
}

/// Checks the availability part (declarations themselves may be given or withdrawn).
/// Paths: `availability.<field>`.
pub fn validate_declarations(d: &DeclarationsInput) -> FieldErrors {
    let mut errs = FieldErrors::new();
    match (d.unavailable_from, d.unavailable_until) {
        (Some(_), None) => errs.add("availability.unavailable_until", "experts.err.dates_both"),
        (None, Some(_)) => errs.add("availability.unavailable_from", "experts.err.dates_both"),
        (Some(f), Some(u)) if u < f => {
            errs.add("availability.unavailable_until", "experts.err.dates_order")
        }
        _ => {}
    }
    if d.availability_note.trim().chars().count() > REASON_MAX {
        errs.push(
            FieldError::new("availability.availability_note", "err.text_too_long")
                .arg("max", REASON_MAX),
        );
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_is_required_and_bounded() {
        assert!(check_reason("材料不实", "reason").is_ok());
        let e = check_reason("  ", "reason").unwrap_err();
        assert_eq!(e.0[0].key, "err.required");
        let e = check_reason(&"长".repeat(REASON_MAX + 1), "reason").unwrap_err();
        assert_eq!(e.0[0].key, "err.text_too_long");
        assert!(check_reason(&"长".repeat(REASON_MAX), "reason").is_ok());
    }

    #[test]
    fn a_title_is_checked_once_against_a_certificate() {
        assert_eq!(
            title_check_refusal(false, false),
            Some("err.expert.no_certificate")
        );
        assert_eq!(
            title_check_refusal(true, true),
            Some("err.expert.title_already_verified")
        );
        assert_eq!(title_check_refusal(true, false), None);
    }

    fn good_expert() -> ExpertInput {
        ExpertInput {
            name: "赵敏".into(),
            id_number: "11010519491231002X".into(),
            employer: "昌吉州第一中学".into(),
            title: ProfessionalTitle::AssociateSenior,
            kind: ExpertKind::SubjectTeaching,
            domains: vec![ItemDomain::Arts],
            stages: vec![Stage::Primary, Stage::Junior],
            school_subjects: vec![SchoolSubject::Art],
            region: Some(CountyId(652301)),
            mobile: "13899887766".into(),
            term_start: NaiveDate::from_ymd_opt(2026, 1, 1).expect("date"),
            term_end: NaiveDate::from_ymd_opt(2028, 12, 31).expect("date"),
            declares_no_post: true,
            declares_relatives_no_post: true,
            declares_no_part_time_history: true,
        }
    }

    #[test]
    fn expert() {
        assert!(validate_expert(&good_expert()).is_empty());
        let mut e = good_expert();
        e.title = ProfessionalTitle::Junior;
        e.domains.clear();
        e.mobile = "0994-2345678".into();
        e.term_end = NaiveDate::from_ymd_opt(2029, 1, 2).expect("date");
        e.declares_no_post = false;
        e.id_number = "110105194912310021".into();
        let errs = validate_expert(&e);
        for (f, k) in [
            ("expert.title", "err.title_below_intermediate"),
            ("expert.domains", "err.required"),
            ("expert.mobile", "err.mobile_format"),
            ("expert.term_end", "err.term_too_long"),
            ("expert.declares_no_post", "err.declaration_required"),
            ("expert.id_number", "err.id_number_format"),
        ] {
            assert!(errs.for_field(f).any(|x| x.key == k), "{f} {k}");
        }
        let mut l = good_expert();
        l.kind = ExpertKind::Legal;
        l.domains.clear();
        l.stages.clear();
        l.id_number.clear();
        assert!(validate_expert(&l).is_empty());
        l.term_end = l.term_start;
        assert!(validate_expert(&l)
            .for_field("expert.term_end")
            .any(|x| x.key == "err.term_order"));
    }
}
