//! 机构自查: an institution judges its own training item against the indicators of the current
//! rubric before it applies, in its own words: each indicator answered 符合学科类特征 (S),
//! 符合非学科类特征 (N) or 不确定, with an optional note.
//!
//! The verdict is never computed here: the answers become a [`ScoreSheet`] and go through
//! [`sheet::evaluate`](super::sheet::evaluate), the very function that gives an expert's verdict,
//! so the self-check can never disagree with the rule the experts apply. What this module adds is
//! the explanation: which dimensions push the item towards 学科类 and on which answers, what the
//! experts would look at there (each indicator's `guidance`), and what would settle an unsure
//! answer. The result is for reference only; only the bureau's determination counts.
//!
//! Field paths of the errors: `selfcheck.rubric_version`, `answers.<indicator id>` (the answer),
//! `answers.<indicator id>.note`, `item_name`.

use super::case::CaseState;
use super::error::{FieldError, FieldErrors};
use super::negative_list::current_negative_list;
use super::rubric::Rubric;
use super::sheet::{evaluate, ExpertVerdict, IndicatorScore, ScoreSheet};
use super::terms::{Rating, Stage, Text};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Longest note an institution may write to one answer.
pub const NOTE_MAX_CHARS: usize = 500;
/// Bounds of the item name a saved self-check carries.
pub const ITEM_NAME_MIN_CHARS: usize = 2;
pub const ITEM_NAME_MAX_CHARS: usize = 200;

coded! {
    /// One answer to one indicator.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Answer("selfcheck.answer") {
        /// 符合学科类特征
        S = "s",
        /// 符合非学科类特征
        N = "n",
        /// 不确定
        Unsure = "unsure",
    }
}

impl Answer {
    /// The rating an expert would give for this answer (unsure is U).
    pub fn rating(self) -> Rating {
        match self {
            Answer::S => Rating::S,
            Answer::N => Rating::N,
            Answer::Unsure => Rating::U,
        }
    }
}

/// The answer to one indicator and the institution's note.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AnswerEntry {
    #[serde(default)]
    pub answer: Option<Answer>,
    /// In the institution's own words (optional, at most [`NOTE_MAX_CHARS`]).
    #[serde(default)]
    pub note: String,
}

/// A self-check: the answers by indicator id of one rubric version.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SelfCheck {
    pub rubric_version: u32,
    /// Who the training is for, if the institution says: 学前 adds the pre-school rule.
    #[serde(default)]
    pub stage: Option<Stage>,
    #[serde(default)]
    pub answers: BTreeMap<String, AnswerEntry>,
}

impl SelfCheck {
    /// An empty self-check of this rubric.
    pub fn new(rubric: &Rubric) -> Self {
        SelfCheck {
            rubric_version: rubric.version,
            stage: None,
            answers: BTreeMap::new(),
        }
    }

    pub fn answer(&self, indicator: &str) -> Option<Answer> {
        self.answers.get(indicator).and_then(|e| e.answer)
    }

    pub fn note(&self, indicator: &str) -> &str {
        self.answers.get(indicator).map_or("", |e| e.note.as_str())
    }

    /// The same answers with notes trimmed and empty entries dropped (what is stored).
    pub fn normalized(&self) -> SelfCheck {
        SelfCheck {
            rubric_version: self.rubric_version,
            stage: self.stage,
            answers: self
                .answers
                .iter()
                .map(|(k, e)| {
                    (
                        k.clone(),
                        AnswerEntry {
                            answer: e.answer,
                            note: e.note.trim().to_string(),
                        },
                    )
                })
                .filter(|(_, e)| e.answer.is_some() || !e.note.is_empty())
                .collect(),
        }
    }
}

fn chars(s: &str) -> usize {
    s.trim().chars().count()
}

/// Checks the answers against the rubric they claim: the version, every indicator known, every
/// indicator the experts must rate answered (不确定 is an answer), notes not too long. Errors
/// come in the order of the form.
pub fn validate_answers(rubric: &Rubric, check: &SelfCheck) -> FieldErrors {
    let mut errs = FieldErrors::new();
    if check.rubric_version != rubric.version {
        errs.push(
            FieldError::new("selfcheck.rubric_version", "err.selfcheck.rubric_version")
                .arg("expected", rubric.version),
        );
        return errs;
    }
    for id in check.answers.keys() {
        if rubric.indicator(id).is_none() {
            errs.add(format!("answers.{id}"), "err.selfcheck.unknown_indicator");
        }
    }
    for (_, ind) in rubric.indicators() {
        let entry = check.answers.get(&ind.id);
        if ind.required && entry.and_then(|e| e.answer).is_none() {
            errs.push(
                FieldError::new(
                    format!("answers.{}", ind.id),
                    "err.selfcheck.answer_required",
                )
                .arg("indicator", &ind.id),
            );
        }
        if entry.is_some_and(|e| chars(&e.note) > NOTE_MAX_CHARS) {
            errs.push(
                FieldError::new(
                    format!("answers.{}.note", ind.id),
                    "err.selfcheck.note_too_long",
                )
                .arg("indicator", &ind.id)
                .arg("max", NOTE_MAX_CHARS),
            );
        }
    }
    errs
}

/// Checks the name of the item a saved self-check is about.
pub fn validate_item_name(name: &str) -> FieldErrors {
    let mut errs = FieldErrors::new();
    let n = chars(name);
    if n == 0 {
        errs.add("item_name", "err.selfcheck.item_name_required");
    } else if !(ITEM_NAME_MIN_CHARS..=ITEM_NAME_MAX_CHARS).contains(&n) {
        errs.push(
            FieldError::new("item_name", "err.selfcheck.item_name_length")
                .arg("min", ITEM_NAME_MIN_CHARS)
                .arg("max", ITEM_NAME_MAX_CHARS),
        );
    }
    errs
}

/// Everything saving needs: the answers, then the item name (the order of the page).
pub fn validate_for_save(rubric: &Rubric, check: &SelfCheck, item_name: &str) -> FieldErrors {
    let mut errs = validate_answers(rubric, check);
    errs.0.extend(validate_item_name(item_name).0);
    errs
}

/// A self-check may be attached to an application the institution can still change (草稿 or
/// 退回补正): once submitted, the application is what the county received.
pub fn attachable(state: CaseState) -> bool {
    matches!(state, CaseState::Draft | CaseState::Returned)
}

/// The score sheet an expert would hand in with these answers: each answer as the rating
/// (不确定 as U), the note as the evidence text, no material references, no negative-list hits.
pub fn to_sheet(check: &SelfCheck) -> ScoreSheet {
    ScoreSheet {
        rubric_version: check.rubric_version,
        negative_list_version: current_negative_list().version,
        ratings: check
            .answers
            .iter()
            .filter_map(|(id, e)| {
                e.answer.map(|a| {
                    (
                        id.clone(),
                        IndicatorScore {
                            rating: Some(a.rating()),
                            evidence: e.note.trim().to_string(),
                            refs: vec![],
                        },
                    )
                })
            })
            .collect(),
        negative_list_hits: vec![],
        remarks: String::new(),
    }
}

/// One answer the result points at, with what the experts would look at for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndicatorPointer {
    pub indicator: String,
    pub name: Text,
    pub core: bool,
    pub answer: Answer,
    /// The institution's own note.
    pub note: String,
    /// What the subject-type side looks like for this indicator.
    pub s_descriptor: Text,
    /// What experts would look at, ask or observe (the indicator's `guidance`): the evidence
    /// that shows the feature, or that settles an unsure answer.
    pub guidance: Text,
}

/// One dimension of the result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DimensionOutcome {
    pub id: String,
    pub name: Text,
    /// A supporting dimension (选评维度) that never decides on its own.
    pub optional: bool,
    /// The dimension's result as `sheet::evaluate` gives it.
    pub result: Rating,
    /// Answered S: these push the item towards 学科类.
    pub subject: Vec<IndicatorPointer>,
    /// Answered 不确定: the evidence named here would settle them.
    pub unsure: Vec<IndicatorPointer>,
}

impl DimensionOutcome {
    /// This dimension alone makes the item 学科类 (a core indicator answered S).
    pub fn decisive(&self) -> bool {
        self.result == Rating::S
    }
}

/// What the self-check says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelfCheckOutcome {
    pub rubric_version: u32,
    /// The verdict an expert with these ratings would give (`sheet::evaluate`).
    pub verdict: ExpertVerdict,
    /// Every dimension, in rubric order.
    pub dimensions: Vec<DimensionOutcome>,
    /// A 学前 item coming out 学科类: training pre-school children may not receive at all.
    pub preschool_prohibited: bool,
}

impl SelfCheckOutcome {
    /// The dimensions with an answer pointing towards 学科类, in rubric order.
    pub fn towards_subject(&self) -> impl Iterator<Item = &DimensionOutcome> + '_ {
        self.dimensions.iter().filter(|d| !d.subject.is_empty())
    }

    /// Every unsure answer, in rubric order.
    pub fn unsure(&self) -> impl Iterator<Item = &IndicatorPointer> + '_ {
        self.dimensions.iter().flat_map(|d| d.unsure.iter())
    }
}

/// The result of a self-check against its rubric (module doc). Call after
/// [`validate_answers`]; indicators the rubric does not know are ignored here.
pub fn outcome(rubric: &Rubric, check: &SelfCheck) -> SelfCheckOutcome {
    let sheet = to_sheet(check);
    let evaluated = evaluate(rubric, &sheet);
    let dimensions = rubric
        .dimensions
        .iter()
        .zip(evaluated.dimensions)
        .map(|(d, (_, result))| {
            let pointers = |wanted: Answer| -> Vec<IndicatorPointer> {
                d.indicators
                    .iter()
                    .filter(|i| check.answer(&i.id) == Some(wanted))
                    .map(|i| IndicatorPointer {
                        indicator: i.id.clone(),
                        name: i.name.clone(),
                        core: i.core,
                        answer: wanted,
                        note: check.note(&i.id).trim().to_string(),
                        s_descriptor: i.s_descriptor.clone(),
                        guidance: i.guidance.clone(),
                    })
                    .collect()
            };
            DimensionOutcome {
                id: d.id.clone(),
                name: d.name.clone(),
                optional: d.optional,
                result,
                subject: pointers(Answer::S),
                unsure: pointers(Answer::Unsure),
            }
        })
        .collect();
    SelfCheckOutcome {
        rubric_version: rubric.version,
        verdict: evaluated.verdict,
        dimensions,
        preschool_prohibited: check.stage == Some(Stage::Preschool)
            && evaluated.verdict == ExpertVerdict::Subject,
    }
}

#[cfg(test)]
mod tests {
    use super::super::rubric::{current, rubric};
    use super::super::sheet::{dimension_result, EvidenceRef};
    use super::*;
    use proptest::prelude::*;

    fn v1() -> &'static Rubric {
        rubric(1).expect("v1 embedded")
    }

    /// Every indicator answered N.
    fn all_n() -> SelfCheck {
        let r = v1();
        let mut c = SelfCheck::new(r);
        for (_, i) in r.indicators() {
            c.answers.insert(
                i.id.clone(),
                AnswerEntry {
                    answer: Some(Answer::N),
                    note: String::new(),
                },
            );
        }
        c
    }

    fn with(mut c: SelfCheck, id: &str, a: Option<Answer>, note: &str) -> SelfCheck {
        c.answers.insert(
            id.into(),
            AnswerEntry {
                answer: a,
                note: note.into(),
            },
        );
        c
    }

    #[test]
    fn one_core_s_in_content_is_subject_with_reasons() {
        let r = v1();
        let c = with(
            all_n(),
            "content.syllabus",
            Some(Answer::S),
            "课程按小学数学教材章节编排",
        );
        assert!(validate_answers(r, &c).is_empty());
        let o = outcome(r, &c);
        assert_eq!(o.verdict, ExpertVerdict::Subject);
        let towards: Vec<&DimensionOutcome> = o.towards_subject().collect();
        assert_eq!(towards.len(), 1);
        let d = towards[0];
        assert_eq!(d.id, "content");
        assert_eq!(d.name.zh, "培训内容");
        assert!(d.decisive());
        assert_eq!(d.subject.len(), 1);
        let p = &d.subject[0];
        assert_eq!(p.indicator, "content.syllabus");
        assert!(p.core);
        assert_eq!(p.note, "课程按小学数学教材章节编排");
        // What experts would look for: the indicator's guidance from the rubric.
        let (_, ind) = r.indicator("content.syllabus").unwrap();
        assert_eq!(p.guidance, ind.guidance);
        assert!(p.guidance.zh.contains("教学大纲"));
        assert_eq!(o.unsure().count(), 0);
        assert!(!o.preschool_prohibited);
        // Other dimensions stay N.
        for d in o
            .dimensions
            .iter()
            .filter(|d| d.id != "content" && !d.optional)
        {
            assert_eq!(d.result, Rating::N, "{}", d.id);
        }
    }

    #[test]
    fn all_n_is_non_subject_with_nothing_pointing_to_subject() {
        let r = v1();
        let o = outcome(r, &all_n());
        assert_eq!(o.verdict, ExpertVerdict::NonSubject);
        assert_eq!(o.towards_subject().count(), 0);
        assert_eq!(o.unsure().count(), 0);
        assert!(o
            .dimensions
            .iter()
            .all(|d| d.result == Rating::N || d.optional));
    }

    #[test]
    fn unsure_is_undetermined_and_names_the_evidence() {
        let r = v1();
        let c = with(all_n(), "content.pacing", Some(Answer::Unsure), "");
        let o = outcome(r, &c);
        assert_eq!(o.verdict, ExpertVerdict::Undetermined);
        let unsure: Vec<&IndicatorPointer> = o.unsure().collect();
        assert_eq!(unsure.len(), 1);
        assert_eq!(unsure[0].indicator, "content.pacing");
        let (_, ind) = r.indicator("content.pacing").unwrap();
        assert_eq!(unsure[0].guidance, ind.guidance);
        assert_eq!(o.towards_subject().count(), 0);
    }

    #[test]
    fn non_core_s_points_to_subject_without_deciding() {
        let r = v1();
        let c = with(all_n(), "method.homework", Some(Answer::S), "");
        let o = outcome(r, &c);
        assert_eq!(o.verdict, ExpertVerdict::Undetermined);
        let d: Vec<&DimensionOutcome> = o.towards_subject().collect();
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].id, "method");
        assert!(!d[0].decisive());
        // The optional teachers dimension never decides.
        let c = with(all_n(), "teachers.qualification", Some(Answer::S), "");
        let o = outcome(r, &c);
        assert_eq!(o.verdict, ExpertVerdict::NonSubject);
        assert_eq!(o.towards_subject().count(), 1);
        assert!(!o.towards_subject().next().unwrap().decisive());
    }

    #[test]
    fn preschool_subject_is_prohibited() {
        let r = v1();
        let mut c = with(all_n(), "content.syllabus", Some(Answer::S), "");
        c.stage = Some(Stage::Preschool);
        assert!(outcome(r, &c).preschool_prohibited);
        c.stage = Some(Stage::Primary);
        assert!(!outcome(r, &c).preschool_prohibited);
        let mut n = all_n();
        n.stage = Some(Stage::Preschool);
        assert!(!outcome(r, &n).preschool_prohibited);
    }

    #[test]
    fn validation_is_addressed_to_fields() {
        let r = v1();
        assert!(validate_answers(r, &all_n()).is_empty());
        // Unknown indicator.
        let c = with(all_n(), "content.astrology", Some(Answer::S), "");
        let e = validate_answers(r, &c);
        assert_eq!(e.len(), 1);
        assert_eq!(
            e.for_field("answers.content.astrology").next().unwrap().key,
            "err.selfcheck.unknown_indicator"
        );
        // A note too long (counted in characters, not bytes).
        let c = with(
            all_n(),
            "purpose.objectives",
            Some(Answer::N),
            &"长".repeat(NOTE_MAX_CHARS + 1),
        );
        let e = validate_answers(r, &c);
        let f = e
            .for_field("answers.purpose.objectives.note")
            .next()
            .unwrap();
        assert_eq!(f.key, "err.selfcheck.note_too_long");
        assert_eq!(
            f.args,
            vec![
                ("indicator".to_string(), "purpose.objectives".to_string()),
                ("max".to_string(), "500".to_string())
            ]
        );
        let c = with(
            all_n(),
            "purpose.objectives",
            Some(Answer::N),
            &"长".repeat(NOTE_MAX_CHARS),
        );
        assert!(validate_answers(r, &c).is_empty());
        // Required indicators need an answer (不确定 is one); optional ones do not.
        let c = with(all_n(), "content.syllabus", None, "");
        let e = validate_answers(r, &c);
        assert_eq!(
            e.for_field("answers.content.syllabus").next().unwrap().key,
            "err.selfcheck.answer_required"
        );
        let mut c = all_n();
        c.answers.remove("purpose.actual_aims");
        assert!(validate_answers(r, &c).is_empty());
        let e = validate_answers(r, &SelfCheck::new(r));
        assert_eq!(e.len(), r.required_indicators().len());
        // Errors come in the order of the form.
        let fields: Vec<&str> = e.0.iter().map(|x| x.field.as_str()).collect();
        let expected: Vec<String> = r
            .required_indicators()
            .iter()
            .map(|i| format!("answers.{}", i.id))
            .collect();
        assert_eq!(fields, expected);
        // Another rubric version.
        let mut c = all_n();
        c.rubric_version = 99;
        let e = validate_answers(r, &c);
        assert_eq!(e.0[0].field, "selfcheck.rubric_version");
        // The item name.
        assert!(validate_item_name("少儿美术").is_empty());
        assert_eq!(
            validate_item_name("  ").0[0].key,
            "err.selfcheck.item_name_required"
        );
        assert_eq!(
            validate_item_name("画").0[0].key,
            "err.selfcheck.item_name_length"
        );
        assert!(validate_item_name(&"画".repeat(ITEM_NAME_MAX_CHARS)).is_empty());
        assert_eq!(
            validate_item_name(&"画".repeat(ITEM_NAME_MAX_CHARS + 1)).0[0].key,
            "err.selfcheck.item_name_length"
        );
        let e = validate_for_save(r, &with(all_n(), "content.syllabus", None, ""), "");
        let fields: Vec<&str> = e.0.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(fields, ["answers.content.syllabus", "item_name"]);
    }

    #[test]
    fn attachable_states() {
        for st in CaseState::ALL {
            assert_eq!(
                attachable(st),
                matches!(st, CaseState::Draft | CaseState::Returned),
                "{st:?}"
            );
        }
    }

    #[test]
    fn normalized_and_serialized() {
        let c = with(all_n(), "content.syllabus", Some(Answer::S), "  教材  ");
        let c = with(c, "purpose.grouping", None, "   ");
        let n = c.normalized();
        assert_eq!(n.note("content.syllabus"), "教材");
        assert!(!n.answers.contains_key("purpose.grouping"));
        assert_eq!(outcome(v1(), &n), outcome(v1(), &c));
        let json = serde_json::to_string(&n).unwrap();
        assert!(json.contains(r#""answer":"s""#), "{json}");
        assert_eq!(serde_json::from_str::<SelfCheck>(&json).unwrap(), n);
        assert_eq!(Answer::from_code("unsure"), Some(Answer::Unsure));
        assert_eq!(SelfCheck::new(current()).rubric_version, current().version);
    }

    /// Random answers: per indicator nothing, S, N or unsure, with or without a note.
    fn any_answers() -> impl Strategy<Value = Vec<(u8, bool)>> {
        let n = v1().indicators().count();
        proptest::collection::vec((0u8..4, any::<bool>()), n)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// The self-check's verdict and dimension results are exactly what an expert's sheet
        /// with the same ratings gives, whatever evidence the expert would attach.
        #[test]
        fn same_verdict_as_an_expert_sheet(cells in any_answers(), refs in any::<bool>()) {
            let r = v1();
            let mut check = SelfCheck::new(r);
            let mut sheet = ScoreSheet {
                rubric_version: r.version,
                negative_list_version: 1,
                ..ScoreSheet::default()
            };
            for ((_, ind), (a, note)) in r.indicators().zip(cells) {
                let (answer, rating) = match a {
                    0 => continue,
                    1 => (Answer::S, Rating::S),
                    2 => (Answer::N, Rating::N),
                    _ => (Answer::Unsure, Rating::U),
                };
                let text = if note { "课程方案第二页" } else { "" };
                check.answers.insert(ind.id.clone(), AnswerEntry { answer: Some(answer), note: text.into() });
                sheet.ratings.insert(ind.id.clone(), IndicatorScore {
                    rating: Some(rating),
                    evidence: text.into(),
                    refs: if refs { vec![EvidenceRef::Activity(1)] } else { vec![] },
                });
            }
            let o = outcome(r, &check);
            let expert = evaluate(r, &sheet);
            prop_assert_eq!(o.verdict, expert.verdict);
            prop_assert_eq!(
                o.dimensions.iter().map(|d| (d.id.clone(), d.result)).collect::<Vec<_>>(),
                expert.dimensions.clone()
            );
            for (d, dim) in o.dimensions.iter().zip(&r.dimensions) {
                prop_assert_eq!(d.result, dimension_result(dim, &sheet));
            }
            // 学科类 exactly when some dimension decides it; every S answer is named as a reason
            // and every unsure answer as something to settle.
            prop_assert_eq!(o.verdict == ExpertVerdict::Subject, o.dimensions.iter().any(|d| d.decisive()));
            let named_s: usize = o.towards_subject().map(|d| d.subject.len()).sum();
            let answered_s = check.answers.values().filter(|e| e.answer == Some(Answer::S)).count();
            prop_assert_eq!(named_s, answered_s);
            let answered_u = check.answers.values().filter(|e| e.answer == Some(Answer::Unsure)).count();
            prop_assert_eq!(o.unsure().count(), answered_u);
            // A decisive dimension always has an S answer to show for it.
            for d in o.dimensions.iter().filter(|d| d.decisive()) {
                prop_assert!(d.subject.iter().any(|p| p.core));
            }
            // Answers with every required indicator present validate.
            let complete = r.required_indicators().iter().all(|i| check.answer(&i.id).is_some());
            prop_assert_eq!(validate_answers(r, &check).is_empty(), complete);
        }
    }
}
