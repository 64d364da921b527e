//! Score sheets (评分表) and verdicts (鉴定意见), DOMAIN §5, against a versioned
//! [`Rubric`](super::rubric::Rubric).
//!
//! - [`validate_sheet`]: on [`Mode::Save`] only structural errors (unknown indicator, wrong
//!   rubric version, malformed evidence reference, unknown negative-list item, over-long text);
//!   on [`Mode::Submit`] also every required indicator rated, and every S/N rating (as the
//!   indicator's `evidence_required_for` says) carrying an evidence note of at least
//!   [`EVIDENCE_MIN_CHARS`] characters and at least one reference to a material or activity.
//!   Field paths: `sheet.<indicator id>.rating|evidence|refs`, `sheet.negative_list_hits`.
//! - [`dimension_result`]: S if any core indicator is S (or, for `content`, any negative-list
//!   hit); N if every rated core indicator is N, every required core indicator is rated, at least
//!   one core indicator is rated, and no indicator of the dimension is S; otherwise U. A
//!   dimension without core indicators (the optional `teachers`) is supporting evidence: U.
//! - [`expert_verdict`]: 学科类 if any dimension is S; 非学科类 if every non-optional dimension
//!   is N; otherwise 待定.
//! - [`panel_verdict`]: majority of an odd-sized panel; dissenters listed. A majority of 待定,
//!   or no majority at all, gives [`PanelOutcome::NeedsInfoOrEscalation`]; so does, in the strict
//!   mode, a non-subject majority against at least one evidenced S. A 学前 item found 学科类
//!   is flagged as a prohibited activity; any negative-list hit raises a supervision flag.

use super::error::{FieldError, FieldErrors};
use super::ids::{ExpertId, MaterialId};
use super::negative_list::negative_list;
use super::rubric::{Dimension, Rubric};
use super::terms::{Category, Rating, Stage};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Minimum characters of an evidence note (证据说明).
pub const EVIDENCE_MIN_CHARS: usize = 4;
/// Maximum characters of an evidence note or the sheet's remarks.
pub const TEXT_MAX_CHARS: usize = 2000;
/// The dimension negative-list hits force to S.
pub const CONTENT_DIMENSION: &str = "content";
/// The indicator that records the negative-list check.
pub const NEGATIVE_LIST_INDICATOR: &str = "content.negative_list";

/// What an evidence note rests on (证据来源).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum EvidenceRef {
    /// An uploaded material (申报材料).
    Material(MaterialId),
    /// A recorded activity (鉴定活动: 书面审查, 实地查看, 课堂观摩, 个别访谈), by id.
    Activity(i64),
}

impl EvidenceRef {
    fn well_formed(self) -> bool {
        match self {
            EvidenceRef::Material(m) => m.0 > 0,
            EvidenceRef::Activity(a) => a > 0,
        }
    }
}

/// One indicator's rating on a sheet.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct IndicatorScore {
    pub rating: Option<Rating>,
    #[serde(default)]
    pub evidence: String,
    #[serde(default)]
    pub refs: Vec<EvidenceRef>,
}

/// One expert's score sheet for one case (评分表).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ScoreSheet {
    /// The rubric version the case was drawn under.
    pub rubric_version: u32,
    /// The negative-list version used for `negative_list_hits`.
    pub negative_list_version: u32,
    /// Ratings by indicator id.
    pub ratings: BTreeMap<String, IndicatorScore>,
    /// Negative-list items (负面清单条目) the training content matches, by id.
    #[serde(default)]
    pub negative_list_hits: Vec<String>,
    /// Overall remarks.
    #[serde(default)]
    pub remarks: String,
}

impl ScoreSheet {
    fn rating(&self, id: &str) -> Option<Rating> {
        self.ratings.get(id).and_then(|s| s.rating)
    }
}

/// Saving a draft or submitting the sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    Save,
    Submit,
}

fn chars(s: &str) -> usize {
    s.trim().chars().count()
}

/// Checks a sheet against its rubric (module doc).
pub fn validate_sheet(rubric: &Rubric, sheet: &ScoreSheet, mode: Mode) -> FieldErrors {
    let mut errs = FieldErrors::new();
    if sheet.rubric_version != rubric.version {
        errs.push(
            FieldError::new("sheet.rubric_version", "err.sheet.rubric_version")
                .arg("expected", rubric.version),
        );
    }
    for (id, score) in &sheet.ratings {
        let Some((_, ind)) = rubric.indicator(id) else {
            errs.add(format!("sheet.{id}"), "err.sheet.unknown_indicator");
            continue;
        };
        if score.refs.iter().any(|r| !r.well_formed()) {
            errs.add(format!("sheet.{id}.refs"), "err.sheet.bad_reference");
        }
        if chars(&score.evidence) > TEXT_MAX_CHARS {
            errs.push(
                FieldError::new(format!("sheet.{id}.evidence"), "err.text_too_long")
                    .arg("max", TEXT_MAX_CHARS),
            );
        }
        if mode == Mode::Submit {
            if let Some(r) = score.rating {
                if ind.needs_evidence(r) {
                    if chars(&score.evidence) < EVIDENCE_MIN_CHARS {
                        errs.push(
                            FieldError::new(
                                format!("sheet.{id}.evidence"),
                                "err.sheet.evidence_required",
                            )
                            .arg("min", EVIDENCE_MIN_CHARS),
                        );
                    }
                    if score.refs.is_empty() {
                        errs.add(format!("sheet.{id}.refs"), "err.sheet.reference_required");
                    }
                }
            }
        }
    }
    if chars(&sheet.remarks) > TEXT_MAX_CHARS {
        errs.push(FieldError::new("sheet.remarks", "err.text_too_long").arg("max", TEXT_MAX_CHARS));
    }
    match negative_list(sheet.negative_list_version) {
        Some(list) => {
            for hit in &sheet.negative_list_hits {
                if list.item(hit).is_none() {
                    errs.push(
                        FieldError::new(
                            "sheet.negative_list_hits",
                            "err.sheet.unknown_negative_item",
                        )
                        .arg("item", hit),
                    );
                }
            }
        }
        None if !sheet.negative_list_hits.is_empty() => {
            errs.add(
                "sheet.negative_list_version",
                "err.sheet.negative_list_version",
            );
        }
        None => {}
    }
    if mode == Mode::Submit {
        for ind in rubric.required_indicators() {
            if sheet.rating(&ind.id).is_none() {
                errs.add(
                    format!("sheet.{}.rating", ind.id),
                    "err.sheet.rating_required",
                );
            }
        }
        if !sheet.negative_list_hits.is_empty()
            && sheet.rating(NEGATIVE_LIST_INDICATOR) == Some(Rating::N)
        {
            errs.add(
                format!("sheet.{NEGATIVE_LIST_INDICATOR}.rating"),
                "err.sheet.negative_list_conflict",
            );
        }
    }
    errs
}

/// A dimension's result from one sheet (module doc). `S`, `N` or `U`.
pub fn dimension_result(dim: &Dimension, sheet: &ScoreSheet) -> Rating {
    if dim.id == CONTENT_DIMENSION && !sheet.negative_list_hits.is_empty() {
        return Rating::S;
    }
    let core: Vec<_> = dim.core_indicators().collect();
    if core.iter().any(|i| sheet.rating(&i.id) == Some(Rating::S)) {
        return Rating::S;
    }
    if core.is_empty() {
        return Rating::U;
    }
    let any_s = dim
        .indicators
        .iter()
        .any(|i| sheet.rating(&i.id) == Some(Rating::S));
    let rated: Vec<Rating> = core.iter().filter_map(|i| sheet.rating(&i.id)).collect();
    let required_rated = core
        .iter()
        .filter(|i| i.required)
        .all(|i| sheet.rating(&i.id).is_some());
    if !any_s && !rated.is_empty() && required_rated && rated.iter().all(|r| *r == Rating::N) {
        Rating::N
    } else {
        Rating::U
    }
}

coded! {
    /// One expert's conclusion (专家个人意见).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum ExpertVerdict("verdict") {
        /// 学科类
        Subject = "subject",
        /// 非学科类
        NonSubject = "non_subject",
        /// 待定
        Undetermined = "undetermined",
    }
}

impl ExpertVerdict {
    pub fn category(self) -> Option<Category> {
        match self {
            ExpertVerdict::Subject => Some(Category::Subject),
            ExpertVerdict::NonSubject => Some(Category::NonSubject),
            ExpertVerdict::Undetermined => None,
        }
    }
}

/// Everything one sheet says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetOutcome {
    /// Each dimension's result, in rubric order.
    pub dimensions: Vec<(String, Rating)>,
    pub verdict: ExpertVerdict,
    /// Negative-list hits: a separate violation to record (监管线索).
    pub supervision_flag: bool,
    /// At least one S rating with evidence (for the strict panel mode).
    pub evidenced_s: bool,
}

/// The expert's verdict from the dimension results.
pub fn expert_verdict(rubric: &Rubric, sheet: &ScoreSheet) -> ExpertVerdict {
    evaluate(rubric, sheet).verdict
}

/// Rolls a sheet up into dimension results and a verdict.
pub fn evaluate(rubric: &Rubric, sheet: &ScoreSheet) -> SheetOutcome {
    let dimensions: Vec<(String, Rating)> = rubric
        .dimensions
        .iter()
        .map(|d| (d.id.clone(), dimension_result(d, sheet)))
        .collect();
    let any_s = dimensions.iter().any(|(_, r)| *r == Rating::S);
    let all_n = rubric
        .dimensions
        .iter()
        .zip(&dimensions)
        .filter(|(d, _)| !d.optional)
        .all(|(_, (_, r))| *r == Rating::N);
    let verdict = if any_s {
        ExpertVerdict::Subject
    } else if all_n {
        ExpertVerdict::NonSubject
    } else {
        ExpertVerdict::Undetermined
    };
    let evidenced_s = !sheet.negative_list_hits.is_empty()
        || sheet.ratings.values().any(|s| {
            s.rating == Some(Rating::S)
                && chars(&s.evidence) >= EVIDENCE_MIN_CHARS
                && !s.refs.is_empty()
        });
    SheetOutcome {
        dimensions,
        verdict,
        supervision_flag: !sheet.negative_list_hits.is_empty(),
        evidenced_s,
    }
}

/// One member's part in the panel verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberVerdict {
    pub expert: ExpertId,
    pub verdict: ExpertVerdict,
    pub evidenced_s: bool,
    pub supervision_flag: bool,
}

impl MemberVerdict {
    pub fn from_sheet(expert: ExpertId, rubric: &Rubric, sheet: &ScoreSheet) -> Self {
        let o = evaluate(rubric, sheet);
        MemberVerdict {
            expert,
            verdict: o.verdict,
            evidenced_s: o.evidenced_s,
            supervision_flag: o.supervision_flag,
        }
    }
}

/// How the panel decides (a setting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PanelMode {
    /// Majority of the panel (default).
    #[default]
    Majority,
    /// Majority, but a single evidenced S against a non-subject majority escalates.
    StrictOneEvidencedS,
}

/// Why the panel did not reach a category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PanelIssue {
    /// The panel is empty or even-sized.
    PanelNotOdd,
    /// Most members say 待定.
    MajorityUndetermined,
    /// No verdict has a majority (a tie-like split).
    NoMajority,
    /// Strict mode: an evidenced S against a non-subject majority.
    EvidencedSubjectDissent,
}

impl PanelIssue {
    pub fn label_key(self) -> &'static str {
        match self {
            PanelIssue::PanelNotOdd => "verdict.issue.panel_not_odd",
            PanelIssue::MajorityUndetermined => "verdict.issue.majority_undetermined",
            PanelIssue::NoMajority => "verdict.issue.no_majority",
            PanelIssue::EvidencedSubjectDissent => "verdict.issue.evidenced_subject_dissent",
        }
    }
}

/// The panel's conclusion (专家组意见).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum PanelOutcome {
    /// A category, with the members who dissent (sign with reasons).
    Decided {
        category: Category,
        dissenters: Vec<ExpertId>,
    },
    /// Ask for more information (AWAITING_INFO) or escalate (ESCALATED).
    NeedsInfoOrEscalation { issue: PanelIssue },
}

/// The panel outcome with the flags the opinion must state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PanelResult {
    pub outcome: PanelOutcome,
    /// A 学前 item found 学科类: a prohibited activity (学前儿童学科类培训属禁止行为).
    pub preschool_prohibited: bool,
    /// Some member recorded negative-list hits.
    pub supervision_flag: bool,
}

/// Combines the members' verdicts (module doc).
pub fn panel_verdict(members: &[MemberVerdict], mode: PanelMode, stage: Stage) -> PanelResult {
    let supervision_flag = members.iter().any(|m| m.supervision_flag);
    let n = members.len();
    let count = |v: ExpertVerdict| members.iter().filter(|m| m.verdict == v).count();
    let majority = n / 2 + 1;
    let dissent = |v: ExpertVerdict| -> Vec<ExpertId> {
        members
            .iter()
            .filter(|m| m.verdict != v)
            .map(|m| m.expert)
            .collect()
    };
    let outcome = if n == 0 || n.is_multiple_of(2) {
        PanelOutcome::NeedsInfoOrEscalation {
            issue: PanelIssue::PanelNotOdd,
        }
    } else if count(ExpertVerdict::Undetermined) >= majority {
        PanelOutcome::NeedsInfoOrEscalation {
            issue: PanelIssue::MajorityUndetermined,
        }
    } else if count(ExpertVerdict::Subject) >= majority {
        PanelOutcome::Decided {
            category: Category::Subject,
            dissenters: dissent(ExpertVerdict::Subject),
        }
    } else if count(ExpertVerdict::NonSubject) >= majority {
        let evidenced_s = members
            .iter()
            .any(|m| m.verdict == ExpertVerdict::Subject && m.evidenced_s);
        if mode == PanelMode::StrictOneEvidencedS && evidenced_s {
            PanelOutcome::NeedsInfoOrEscalation {
                issue: PanelIssue::EvidencedSubjectDissent,
            }
        } else {
            PanelOutcome::Decided {
                category: Category::NonSubject,
                dissenters: dissent(ExpertVerdict::NonSubject),
            }
        }
    } else {
        PanelOutcome::NeedsInfoOrEscalation {
            issue: PanelIssue::NoMajority,
        }
    };
    let preschool_prohibited = stage == Stage::Preschool
        && matches!(
            outcome,
            PanelOutcome::Decided {
                category: Category::Subject,
                ..
            }
        );
    PanelResult {
        outcome,
        preschool_prohibited,
        supervision_flag,
    }
}

/// The longest save id a tablet may give (its id for one save, which makes a resend harmless).
pub const SAVE_ID_MAX: usize = 64;

/// A save's id as it is stored: trimmed, 1 to [`SAVE_ID_MAX`] ASCII characters (path
/// `sheet.save_id`).
pub fn check_save_id(raw: &str) -> Result<&str, FieldErrors> {
    let id = raw.trim();
    if id.is_empty() || id.len() > SAVE_ID_MAX || !id.is_ascii() {
        let mut e = FieldErrors::new();
        e.add("sheet.save_id", "err.sheet.save_id");
        return Err(e);
    }
    Ok(id)
}

/// 政策培训: a member submits only after confirming the briefing; saving a draft is free.
/// The refusal's key otherwise.
pub fn check_submit(mode: Mode, briefing_confirmed: bool) -> Result<(), &'static str> {
    if mode == Mode::Submit && !briefing_confirmed {
        Err("err.sheet.briefing")
    } else {
        Ok(())
    }
}

/// Everything a save of `sheet` is checked against: its rubric ([`validate_sheet`]) and the
/// case's materials and activities its evidence may cite ([`check_refs`]).
pub fn check_save(
    rubric: &Rubric,
    sheet: &ScoreSheet,
    mode: Mode,
    materials: &[MaterialId],
    activities: &[i64],
) -> FieldErrors {
    let mut errs = validate_sheet(rubric, sheet, mode);
    for e in check_refs(sheet, materials, activities).0 {
        errs.push(e);
    }
    errs
}

/// Checks that every reference of a sheet names a material or activity of this case (the
/// server knows them; paths `sheet.<indicator id>.refs`).
pub fn check_refs(sheet: &ScoreSheet, materials: &[MaterialId], activities: &[i64]) -> FieldErrors {
    let mut errs = FieldErrors::new();
    for (id, score) in &sheet.ratings {
        let foreign = score.refs.iter().any(|r| match r {
            EvidenceRef::Material(m) => !materials.contains(m),
            EvidenceRef::Activity(a) => !activities.contains(a),
        });
        if foreign {
            errs.add(
                format!("sheet.{id}.refs"),
                "err.sheet.reference_not_in_case",
            );
        }
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::super::rubric::rubric;
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_save_id_is_short_ascii_and_trimmed() {
        assert_eq!(check_save_id("  tab-1:42 "), Ok("tab-1:42"));
        for bad in ["", "   ", "保存", &"x".repeat(SAVE_ID_MAX + 1)] {
            let e = check_save_id(bad).unwrap_err();
            assert_eq!(e.for_field("sheet.save_id").count(), 1, "{bad:?}");
        }
        assert!(check_save_id(&"x".repeat(SAVE_ID_MAX)).is_ok());
    }

    #[test]
    fn only_a_submit_needs_the_briefing() {
        assert_eq!(check_submit(Mode::Save, false), Ok(()));
        assert_eq!(check_submit(Mode::Submit, true), Ok(()));
        assert_eq!(check_submit(Mode::Submit, false), Err("err.sheet.briefing"));
    }

    fn v1() -> &'static Rubric {
        rubric(1).expect("rubric v1 is embedded")
    }

    fn score(r: Rating) -> IndicatorScore {
        IndicatorScore {
            rating: Some(r),
            evidence: "课程方案第2页写明以兴趣培养为目标".into(),
            refs: vec![EvidenceRef::Material(MaterialId(1))],
        }
    }

    /// A sheet rating every required indicator N.
    fn all_n() -> ScoreSheet {
        let mut s = ScoreSheet {
            rubric_version: 1,
            negative_list_version: 1,
            ..ScoreSheet::default()
        };
        for ind in v1().required_indicators() {
            s.ratings.insert(ind.id.clone(), score(Rating::N));
        }
        s
    }

    fn with(mut s: ScoreSheet, changes: &[(&str, Option<Rating>)]) -> ScoreSheet {
        for (id, r) in changes {
            match r {
                Some(r) => {
                    s.ratings.insert((*id).to_string(), score(*r));
                }
                None => {
                    s.ratings.remove(*id);
                }
            }
        }
        s
    }

    #[test]
    fn rubric_loads_and_shape_is_as_expected() {
        let r = v1();
        for d in ["purpose", "content", "method", "evaluation", "teachers"] {
            assert!(r.dimension(d).is_some(), "{d}");
        }
        assert!(r.dimension("teachers").is_some_and(|d| d.optional));
        assert!(r.indicator(NEGATIVE_LIST_INDICATOR).is_some());
        assert!(negative_list(1).is_some());
    }

    #[test]
    fn validation() {
        let r = v1();
        assert!(validate_sheet(r, &all_n(), Mode::Submit).is_empty());
        // Save accepts an empty sheet; Submit wants every required rating.
        let empty = ScoreSheet {
            rubric_version: 1,
            negative_list_version: 1,
            ..ScoreSheet::default()
        };
        assert!(validate_sheet(r, &empty, Mode::Save).is_empty());
        let e = validate_sheet(r, &empty, Mode::Submit);
        assert_eq!(e.len(), r.required_indicators().len());
        assert!(e
            .for_field("sheet.content.syllabus.rating")
            .any(|x| x.key == "err.sheet.rating_required"));
        // Unknown indicator, bad references, wrong version: refused even on Save.
        let mut s = all_n();
        s.ratings
            .insert("content.astrology".into(), score(Rating::S));
        s.ratings.get_mut("purpose.objectives").expect("rated").refs =
            vec![EvidenceRef::Activity(0)];
        s.rubric_version = 2;
        let e = validate_sheet(r, &s, Mode::Save);
        assert!(e
            .for_field("sheet.content.astrology")
            .any(|x| x.key == "err.sheet.unknown_indicator"));
        assert!(e
            .for_field("sheet.purpose.objectives.refs")
            .any(|x| x.key == "err.sheet.bad_reference"));
        assert!(e.for_field("sheet.rubric_version").count() == 1);
        // Evidence: S and N need a note of ≥ 4 characters and a reference; U does not.
        let mut s = all_n();
        let sc = s.ratings.get_mut("content.pacing").expect("rated");
        sc.evidence = "同步".into();
        sc.refs.clear();
        let e = validate_sheet(r, &s, Mode::Submit);
        assert!(e
            .for_field("sheet.content.pacing.evidence")
            .any(|x| x.key == "err.sheet.evidence_required"));
        assert!(e
            .for_field("sheet.content.pacing.refs")
            .any(|x| x.key == "err.sheet.reference_required"));
        assert!(validate_sheet(r, &s, Mode::Save).is_empty());
        let mut s = all_n();
        s.ratings.insert(
            "content.pacing".into(),
            IndicatorScore {
                rating: Some(Rating::U),
                evidence: String::new(),
                refs: vec![],
            },
        );
        assert!(validate_sheet(r, &s, Mode::Submit).is_empty());
        // Negative-list hits: must exist; contradict an N on the negative-list indicator.
        let mut s = all_n();
        s.negative_list_hits = vec!["shuxue.primary.1".into()];
        let e = validate_sheet(r, &s, Mode::Submit);
        assert!(e
            .for_field("sheet.content.negative_list.rating")
            .any(|x| x.key == "err.sheet.negative_list_conflict"));
        s.negative_list_hits = vec!["shuxue.primary.999".into()];
        assert!(validate_sheet(r, &s, Mode::Save)
            .for_field("sheet.negative_list_hits")
            .any(|x| x.key == "err.sheet.unknown_negative_item"));
        s.negative_list_version = 99;
        assert!(
            validate_sheet(r, &s, Mode::Save)
                .for_field("sheet.negative_list_version")
                .count()
                == 1
        );
        // Too long.
        let mut s = all_n();
        s.remarks = "长".repeat(TEXT_MAX_CHARS + 1);
        assert!(
            validate_sheet(r, &s, Mode::Save)
                .for_field("sheet.remarks")
                .count()
                == 1
        );
        // References must belong to the case.
        let s = all_n();
        assert!(check_refs(&s, &[MaterialId(1)], &[]).is_empty());
        assert!(!check_refs(&s, &[MaterialId(2)], &[]).is_empty());
    }

    use ExpertVerdict::{NonSubject as NS, Subject as SU, Undetermined as UD};
    use Rating::{N, S, U};

    /// Hand-made sheets: (description, changes to the all-N sheet, hits, verdict, content dim).
    #[test]
    fn verdict_table() {
        type Row = (
            &'static str,
            Vec<(&'static str, Option<Rating>)>,
            Vec<&'static str>,
            ExpertVerdict,
            Rating,
        );
        let rows: Vec<Row> = vec![
            ("all N", vec![], vec![], NS, N),
            (
                "one core S in purpose",
                vec![("purpose.advertising", Some(S))],
                vec![],
                SU,
                N,
            ),
            (
                "one core S in content",
                vec![("content.syllabus", Some(S))],
                vec![],
                SU,
                S,
            ),
            (
                "one core S in method",
                vec![("method.delivery", Some(S))],
                vec![],
                SU,
                N,
            ),
            (
                "one core S in evaluation",
                vec![("evaluation.ranking", Some(S))],
                vec![],
                SU,
                N,
            ),
            (
                "non-core S only: dimension U, verdict 待定",
                vec![("method.homework", Some(S))],
                vec![],
                UD,
                N,
            ),
            (
                "non-core S in purpose",
                vec![("purpose.grouping", Some(S))],
                vec![],
                UD,
                N,
            ),
            (
                "one core U",
                vec![("content.pacing", Some(U))],
                vec![],
                UD,
                U,
            ),
            (
                "required core missing",
                vec![("evaluation.tests", None)],
                vec![],
                UD,
                N,
            ),
            (
                "optional core unrated is fine",
                vec![("purpose.actual_aims", None)],
                vec![],
                NS,
                N,
            ),
            (
                "optional core rated N",
                vec![("purpose.actual_aims", Some(N))],
                vec![],
                NS,
                N,
            ),
            (
                "optional core rated S",
                vec![("purpose.actual_aims", Some(S))],
                vec![],
                SU,
                N,
            ),
            (
                "optional core rated U",
                vec![("method.classroom", Some(U))],
                vec![],
                UD,
                N,
            ),
            (
                "negative-list hit forces content S",
                vec![("content.negative_list", Some(S))],
                vec!["shuxue.primary.1"],
                SU,
                S,
            ),
            (
                "hit with negative-list indicator U",
                vec![("content.negative_list", Some(U))],
                vec!["yingyu.primary.1"],
                SU,
                S,
            ),
            (
                "teachers S does not decide",
                vec![("teachers.qualification", Some(S))],
                vec![],
                NS,
                N,
            ),
            (
                "teachers all N, rest N",
                vec![
                    ("teachers.qualification", Some(N)),
                    ("teachers.experience", Some(N)),
                ],
                vec![],
                NS,
                N,
            ),
            (
                "teachers U does not block N",
                vec![("teachers.experience", Some(U))],
                vec![],
                NS,
                N,
            ),
            (
                "S and U mixed: S wins",
                vec![
                    ("content.materials", Some(S)),
                    ("method.lesson_structure", Some(U)),
                ],
                vec![],
                SU,
                S,
            ),
            (
                "all four dimensions U",
                vec![
                    ("purpose.objectives", Some(U)),
                    ("content.syllabus", Some(U)),
                    ("method.lesson_structure", Some(U)),
                    ("evaluation.tests", Some(U)),
                ],
                vec![],
                UD,
                U,
            ),
            (
                "everything S",
                vec![
                    ("purpose.objectives", Some(S)),
                    ("content.syllabus", Some(S)),
                    ("method.lesson_structure", Some(S)),
                    ("evaluation.tests", Some(S)),
                ],
                vec![],
                SU,
                S,
            ),
            (
                "non-core evaluation S blocks N",
                vec![("evaluation.competence", Some(S))],
                vec![],
                UD,
                N,
            ),
            (
                "whole content dimension unrated",
                vec![
                    ("content.syllabus", None),
                    ("content.materials", None),
                    ("content.pacing", None),
                    ("content.negative_list", None),
                ],
                vec![],
                UD,
                U,
            ),
        ];
        assert!(rows.len() >= 20);
        let r = v1();
        for (name, changes, hits, verdict, content) in rows {
            let mut s = with(all_n(), &changes);
            s.negative_list_hits = hits.iter().map(|h| h.to_string()).collect();
            let o = evaluate(r, &s);
            assert_eq!(o.verdict, verdict, "{name}");
            let c = o
                .dimensions
                .iter()
                .find(|(d, _)| d == "content")
                .map(|(_, r)| *r);
            assert_eq!(c, Some(content), "{name}");
            assert_eq!(o.supervision_flag, !hits.is_empty(), "{name}");
            assert_eq!(expert_verdict(r, &s), verdict, "{name}");
        }
    }

    fn m(e: i64, v: ExpertVerdict, evidenced: bool) -> MemberVerdict {
        MemberVerdict {
            expert: ExpertId(e),
            verdict: v,
            evidenced_s: evidenced,
            supervision_flag: false,
        }
    }

    #[test]
    fn panel_verdicts() {
        let maj = PanelMode::Majority;
        let p = Stage::Primary;
        let decided =
            |members: &[MemberVerdict], mode, stage| panel_verdict(members, mode, stage).outcome;
        assert_eq!(
            decided(&[m(1, SU, true), m(2, SU, true), m(3, NS, false)], maj, p),
            PanelOutcome::Decided {
                category: Category::Subject,
                dissenters: vec![ExpertId(3)]
            }
        );
        assert_eq!(
            decided(&[m(1, NS, false), m(2, NS, false), m(3, SU, true)], maj, p),
            PanelOutcome::Decided {
                category: Category::NonSubject,
                dissenters: vec![ExpertId(3)]
            }
        );
        assert_eq!(
            decided(
                &[m(1, NS, false), m(2, NS, false), m(3, SU, true)],
                PanelMode::StrictOneEvidencedS,
                p
            ),
            PanelOutcome::NeedsInfoOrEscalation {
                issue: PanelIssue::EvidencedSubjectDissent
            }
        );
        assert_eq!(
            decided(
                &[m(1, NS, false), m(2, NS, false), m(3, UD, false)],
                PanelMode::StrictOneEvidencedS,
                p
            ),
            PanelOutcome::Decided {
                category: Category::NonSubject,
                dissenters: vec![ExpertId(3)]
            }
        );
        assert_eq!(
            decided(&[m(1, UD, false), m(2, UD, false), m(3, SU, true)], maj, p),
            PanelOutcome::NeedsInfoOrEscalation {
                issue: PanelIssue::MajorityUndetermined
            }
        );
        assert_eq!(
            decided(&[m(1, SU, true), m(2, NS, false), m(3, UD, false)], maj, p),
            PanelOutcome::NeedsInfoOrEscalation {
                issue: PanelIssue::NoMajority
            }
        );
        assert_eq!(
            decided(&[m(1, SU, true), m(2, NS, false)], maj, p),
            PanelOutcome::NeedsInfoOrEscalation {
                issue: PanelIssue::PanelNotOdd
            }
        );
        assert_eq!(
            decided(&[], maj, p),
            PanelOutcome::NeedsInfoOrEscalation {
                issue: PanelIssue::PanelNotOdd
            }
        );
        let five = [
            m(1, SU, true),
            m(2, SU, true),
            m(3, NS, false),
            m(4, NS, false),
            m(5, UD, false),
        ];
        assert_eq!(
            decided(&five, maj, p),
            PanelOutcome::NeedsInfoOrEscalation {
                issue: PanelIssue::NoMajority
            }
        );
        let five = [
            m(1, SU, true),
            m(2, SU, true),
            m(3, SU, true),
            m(4, NS, false),
            m(5, UD, false),
        ];
        assert_eq!(
            decided(&five, maj, p),
            PanelOutcome::Decided {
                category: Category::Subject,
                dissenters: vec![ExpertId(4), ExpertId(5)]
            }
        );
        // Pre-school: 学科类 is prohibited; flags.
        let res = panel_verdict(
            &[m(1, SU, true), m(2, SU, true), m(3, SU, true)],
            maj,
            Stage::Preschool,
        );
        assert!(res.preschool_prohibited);
        let res = panel_verdict(
            &[m(1, NS, false), m(2, NS, false), m(3, NS, false)],
            maj,
            Stage::Preschool,
        );
        assert!(!res.preschool_prohibited);
        let mut flagged = m(1, SU, true);
        flagged.supervision_flag = true;
        assert!(panel_verdict(&[flagged, m(2, SU, true), m(3, SU, true)], maj, p).supervision_flag);
        // From real sheets.
        let r = v1();
        let s_sheet = with(all_n(), &[("content.syllabus", Some(S))]);
        let mv = MemberVerdict::from_sheet(ExpertId(9), r, &s_sheet);
        assert_eq!(mv.verdict, SU);
        assert!(mv.evidenced_s);
        assert!(!MemberVerdict::from_sheet(ExpertId(9), r, &all_n()).evidenced_s);
    }

    fn any_sheet() -> impl Strategy<Value = ScoreSheet> {
        let ids: Vec<String> = v1().indicators().map(|(_, i)| i.id.clone()).collect();
        let n = ids.len();
        proptest::collection::vec((0u8..5, any::<bool>(), any::<bool>()), n).prop_map(
            move |cells| {
                let mut s = ScoreSheet {
                    rubric_version: 1,
                    negative_list_version: 1,
                    ..ScoreSheet::default()
                };
                for (id, (r, ev, rf)) in ids.iter().zip(cells) {
                    let rating = match r {
                        0 => continue,
                        1 => None,
                        2 => Some(S),
                        3 => Some(N),
                        _ => Some(U),
                    };
                    s.ratings.insert(
                        id.clone(),
                        IndicatorScore {
                            rating,
                            evidence: if ev {
                                "教学大纲第三章".into()
                            } else {
                                String::new()
                            },
                            refs: if rf {
                                vec![EvidenceRef::Activity(3)]
                            } else {
                                vec![]
                            },
                        },
                    );
                }
                s
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// A sheet never validates on Submit without every required rating, and every S/N on a
        /// submitted sheet has its evidence.
        #[test]
        fn submit_needs_every_required_rating(s in any_sheet()) {
            let r = v1();
            let ok = validate_sheet(r, &s, Mode::Submit).is_empty();
            let complete = r.required_indicators().iter().all(|i| s.rating(&i.id).is_some());
            if ok {
                prop_assert!(complete);
                for (id, sc) in &s.ratings {
                    if matches!(sc.rating, Some(S) | Some(N)) {
                        prop_assert!(chars(&sc.evidence) >= EVIDENCE_MIN_CHARS && !sc.refs.is_empty(), "{}", id);
                    }
                }
            }
            // Save never complains about a well-formed sheet.
            prop_assert!(validate_sheet(r, &s, Mode::Save).is_empty());
            // Verdict consistency: 学科类 iff some dimension S.
            let o = evaluate(r, &s);
            prop_assert_eq!(o.verdict == SU, o.dimensions.iter().any(|(_, d)| *d == S));
        }
    }
}
