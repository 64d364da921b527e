//! The identification indicators (鉴定指标) as versioned data (DOMAIN §5).
//!
//! Each version is a TOML file under `app/rubric/`, embedded in the server at compile time and
//! checked when it is first used. A case is scored against the version in force when its panel
//! was drawn, so a published version is never edited: a change is a new file added to
//! `FILES`. The browser embeds no file: a page brings the version it shows ([`know`]).

#[cfg(feature = "ssr")]
use std::collections::HashSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::terms::{Rating, Text};
use super::versioned::{Files, Registry, Versioned};

/// The embedded versions, oldest first: (version, TOML text).
#[cfg(feature = "ssr")]
const FILES: Files = &[(1, include_str!("../../rubric/v1.toml"))];
#[cfg(not(feature = "ssr"))]
const FILES: Files = &[];

static VERSIONS: Registry<Rubric> = Registry::new(FILES);

/// One version of the indicator set (鉴定指标体系).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rubric {
    pub version: u32,
    pub title: Text,
    pub dimensions: Vec<Dimension>,
    /// How indicator ratings become a dimension result and an expert's verdict (判定规则),
    /// shown to experts; the computation itself lives in the score-sheet module.
    pub verdict_rule: Text,
    /// The policy documents shown in the experts' briefing (鉴定依据).
    pub basis: Vec<BasisDoc>,
}

/// A policy document the rubric rests on (政策依据).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BasisDoc {
    /// Document number (文号), e.g. `教监管厅函〔2021〕16号`.
    pub number: String,
    pub title: Text,
    pub summary: Text,
}

/// A dimension (鉴别维度) such as 培训目的 `purpose`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dimension {
    pub id: String,
    /// An optional dimension (选评维度) may be left unrated and need not have a core indicator.
    #[serde(default)]
    pub optional: bool,
    pub name: Text,
    /// 学科类特征
    pub subject_feature: Text,
    /// 非学科类特征
    pub non_subject_feature: Text,
    pub indicators: Vec<Indicator>,
}

/// One indicator (鉴定指标) an expert rates S, N or U.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    /// `<dimension id>.<name>`, e.g. `content.syllabus`.
    pub id: String,
    /// A core indicator (核心指标) rated S makes its dimension S.
    pub core: bool,
    /// Must be rated (S, N or U) on every score sheet; other indicators may be left unrated.
    pub required: bool,
    pub name: Text,
    /// What an S rating means for this indicator.
    pub s_descriptor: Text,
    /// What an N rating means for this indicator.
    pub n_descriptor: Text,
    /// What the expert should look at, ask or observe, naming materials and activities.
    pub guidance: Text,
    /// For a 学前 item (3–6, guide 四(三)), what to look at instead where the indicator's own
    /// basis does not reach (the six-subject negative list covers compulsory education only:
    /// for pre-school items the check is against 小学化 content).
    #[serde(default)]
    pub preschool_guidance: Option<Text>,
    /// Ratings that need an evidence note naming a material or activity.
    pub evidence_required_for: Vec<Rating>,
}

/// Why a rubric document was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RubricError {
    /// Not valid TOML, or not of the rubric's shape.
    Parse(String),
    /// Version 0 in the file, or a version different from the one it is registered under.
    Version {
        expected: Option<u32>,
        found: u32,
    },
    NoDimensions,
    DuplicateDimension(String),
    /// A dimension or indicator id that is not lower-case ASCII letters, digits and `_`.
    BadId(String),
    NoIndicators {
        dimension: String,
    },
    DuplicateIndicator(String),
    /// An indicator id not of the form `<dimension id>.<name>`.
    WrongPrefix {
        dimension: String,
        indicator: String,
    },
    NoCoreIndicator {
        dimension: String,
    },
    /// An empty (or blank) text; `field` is a path such as `content.syllabus.guidance`.
    EmptyText {
        field: String,
        lang: &'static str,
    },
    /// `evidence_required_for` must list S and N (DOMAIN §5), each once.
    BadEvidenceRule {
        indicator: String,
        reason: String,
    },
    NoBasis,
    DuplicateBasis(String),
}

impl fmt::Display for RubricError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RubricError::Parse(m) => write!(f, "rubric is not valid: {m}"),
            RubricError::Version {
                expected: Some(e),
                found,
            } => write!(f, "rubric file says version {found}, registered as version {e}"),
            RubricError::Version {
                expected: None,
                found,
            } => write!(f, "rubric version must be at least 1, found {found}"),
            RubricError::NoDimensions => write!(f, "rubric has no dimensions"),
            RubricError::DuplicateDimension(id) => write!(f, "duplicate dimension id `{id}`"),
            RubricError::BadId(id) => write!(
                f,
                "bad id `{id}`: use lower-case ASCII letters, digits and `_`"
            ),
            RubricError::NoIndicators { dimension } => {
                write!(f, "dimension `{dimension}` has no indicators")
            }
            RubricError::DuplicateIndicator(id) => write!(f, "duplicate indicator id `{id}`"),
            RubricError::WrongPrefix {
                dimension,
                indicator,
            } => write!(
                f,
                "indicator `{indicator}` must be named `{dimension}.<name>` in dimension `{dimension}`"
            ),
            RubricError::NoCoreIndicator { dimension } => write!(
                f,
                "dimension `{dimension}` is not optional but has no core indicator"
            ),
            RubricError::EmptyText { field, lang } => write!(f, "`{field}` has no {lang} text"),
            RubricError::BadEvidenceRule { indicator, reason } => {
                write!(f, "indicator `{indicator}`: evidence rule {reason}")
            }
            RubricError::NoBasis => write!(f, "rubric lists no basis documents"),
            RubricError::DuplicateBasis(n) => write!(f, "basis document `{n}` is listed twice"),
        }
    }
}

impl std::error::Error for RubricError {}

impl Rubric {
    pub fn dimension(&self, id: &str) -> Option<&Dimension> {
        self.dimensions.iter().find(|d| d.id == id)
    }

    /// The indicator with this id and the dimension it belongs to.
    pub fn indicator(&self, id: &str) -> Option<(&Dimension, &Indicator)> {
        let (dim, _) = id.split_once('.')?;
        let d = self.dimension(dim)?;
        d.indicators.iter().find(|i| i.id == id).map(|i| (d, i))
    }

    /// Every indicator with its dimension, in document order.
    pub fn indicators(&self) -> impl Iterator<Item = (&Dimension, &Indicator)> + '_ {
        self.dimensions
            .iter()
            .flat_map(|d| d.indicators.iter().map(move |i| (d, i)))
    }

    /// The indicators every score sheet must rate, in document order.
    pub fn required_indicators(&self) -> Vec<&Indicator> {
        self.indicators()
            .filter(|(_, i)| i.required)
            .map(|(_, i)| i)
            .collect()
    }
}

impl Dimension {
    pub fn core_indicators(&self) -> impl Iterator<Item = &Indicator> + '_ {
        self.indicators.iter().filter(|i| i.core)
    }
}

impl Indicator {
    /// Whether a rating of this indicator needs an evidence note.
    pub fn needs_evidence(&self, rating: Rating) -> bool {
        self.evidence_required_for.contains(&rating)
    }
}

impl Versioned for Rubric {
    const NAME: &'static str = "rubric";
    type Error = RubricError;
    fn version(&self) -> u32 {
        self.version
    }
    #[cfg(feature = "ssr")]
    fn check(&self) -> Result<(), RubricError> {
        check(self)
    }
    fn parse_error(message: String) -> RubricError {
        RubricError::Parse(message)
    }
    fn wrong_version(expected: u32, found: u32) -> RubricError {
        RubricError::Version {
            expected: Some(expected),
            found,
        }
    }
}

/// An embedded version (on the server), or one a page's data brought (in the browser).
pub fn rubric(version: u32) -> Option<&'static Rubric> {
    VERSIONS.get(version)
}

/// A version that came with a page's data, as `rubric(version)` will answer it from now on.
pub fn know(r: &Rubric) -> Option<&'static Rubric> {
    VERSIONS.know(r)
}

/// The version in force for new panels.
pub fn current() -> &'static Rubric {
    VERSIONS.current()
}

/// The embedded version numbers, ascending.
#[cfg(feature = "ssr")]
pub fn versions() -> Vec<u32> {
    VERSIONS.versions()
}

#[cfg(feature = "ssr")]
fn valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

#[cfg(feature = "ssr")]
fn check_text(t: &Text, field: impl Fn() -> String) -> Result<(), RubricError> {
    if t.zh.trim().is_empty() {
        return Err(RubricError::EmptyText {
            field: field(),
            lang: "zh",
        });
    }
    if t.en.trim().is_empty() {
        return Err(RubricError::EmptyText {
            field: field(),
            lang: "en",
        });
    }
    Ok(())
}

#[cfg(feature = "ssr")]
fn check(r: &Rubric) -> Result<(), RubricError> {
    if r.version == 0 {
        return Err(RubricError::Version {
            expected: None,
            found: 0,
        });
    }
    check_text(&r.title, || "title".into())?;
    check_text(&r.verdict_rule, || "verdict_rule".into())?;

    if r.basis.is_empty() {
        return Err(RubricError::NoBasis);
    }
    let mut numbers = HashSet::new();
    for (n, b) in r.basis.iter().enumerate() {
        if b.number.trim().is_empty() {
            return Err(RubricError::EmptyText {
                field: format!("basis[{n}].number"),
                lang: "zh",
            });
        }
        if !numbers.insert(b.number.as_str()) {
            return Err(RubricError::DuplicateBasis(b.number.clone()));
        }
        check_text(&b.title, || format!("basis[{n}].title"))?;
        check_text(&b.summary, || format!("basis[{n}].summary"))?;
    }

    if r.dimensions.is_empty() {
        return Err(RubricError::NoDimensions);
    }
    let mut dims = HashSet::new();
    let mut inds = HashSet::new();
    for d in &r.dimensions {
        if !valid_id(&d.id) {
            return Err(RubricError::BadId(d.id.clone()));
        }
        if !dims.insert(d.id.as_str()) {
            return Err(RubricError::DuplicateDimension(d.id.clone()));
        }
        check_text(&d.name, || format!("{}.name", d.id))?;
        check_text(&d.subject_feature, || format!("{}.subject_feature", d.id))?;
        check_text(&d.non_subject_feature, || {
            format!("{}.non_subject_feature", d.id)
        })?;
        if d.indicators.is_empty() {
            return Err(RubricError::NoIndicators {
                dimension: d.id.clone(),
            });
        }
        for i in &d.indicators {
            check_indicator(d, i)?;
            if !inds.insert(i.id.as_str()) {
                return Err(RubricError::DuplicateIndicator(i.id.clone()));
            }
        }
        if !d.optional && !d.indicators.iter().any(|i| i.core) {
            return Err(RubricError::NoCoreIndicator {
                dimension: d.id.clone(),
            });
        }
    }
    Ok(())
}

#[cfg(feature = "ssr")]
fn check_indicator(d: &Dimension, i: &Indicator) -> Result<(), RubricError> {
    match i.id.split_once('.') {
        Some((dim, name)) if dim == d.id => {
            if !valid_id(name) {
                return Err(RubricError::BadId(i.id.clone()));
            }
        }
        _ => {
            return Err(RubricError::WrongPrefix {
                dimension: d.id.clone(),
                indicator: i.id.clone(),
            })
        }
    }
    check_text(&i.name, || format!("{}.name", i.id))?;
    check_text(&i.s_descriptor, || format!("{}.s_descriptor", i.id))?;
    check_text(&i.n_descriptor, || format!("{}.n_descriptor", i.id))?;
    check_text(&i.guidance, || format!("{}.guidance", i.id))?;

    let bad = |reason: &str| {
        Err(RubricError::BadEvidenceRule {
            indicator: i.id.clone(),
            reason: reason.into(),
        })
    };
    let ev = &i.evidence_required_for;
    for (n, r) in ev.iter().enumerate() {
        if ev[..n].contains(r) {
            return bad("lists a rating twice");
        }
    }
    if !ev.contains(&Rating::S) || !ev.contains(&Rating::N) {
        return bad("must require evidence for both S and N");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Rubric, RubricError> {
        crate::domain::versioned::load(text)
    }

    const V1: &str = include_str!("../../rubric/v1.toml");

    /// The embedded v1 with one textual replacement, which must apply.
    fn broken(from: &str, to: &str) -> Result<Rubric, RubricError> {
        assert!(V1.contains(from), "fixture text not found: {from}");
        load(&V1.replacen(from, to, 1))
    }

    #[test]
    fn embedded_versions_load() {
        assert_eq!(versions(), vec![1]);
        let r = rubric(1).expect("v1");
        assert_eq!(r.version, 1);
        assert_eq!(current().version, 1);
        assert!(rubric(0).is_none());
        assert!(rubric(2).is_none());
        assert_eq!(load(V1).as_ref(), Ok(r));
    }

    #[test]
    fn the_negative_list_check_has_preschool_guidance() {
        // The six-subject list covers compulsory education only; a required core indicator
        // must still be answerable for a 学前 item.
        let (_, i) = current()
            .indicators()
            .find(|(_, i)| i.id == "content.negative_list")
            .expect("the negative-list indicator");
        assert!(i.required && i.core);
        let g = i.preschool_guidance.as_ref().expect("pre-school guidance");
        for word in ["拼音", "识字", "算术", "英语"] {
            assert!(g.zh.contains(word), "{word}");
        }
        assert!(!g.en.is_empty());
    }

    #[test]
    fn v1_shape() {
        let r = current();
        let ids: Vec<&str> = r.dimensions.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(
            ids,
            ["purpose", "content", "method", "evaluation", "teachers"]
        );
        for d in &r.dimensions {
            assert!(
                (3..=5).contains(&d.indicators.len()),
                "{} has {} indicators",
                d.id,
                d.indicators.len()
            );
            for i in &d.indicators {
                assert_eq!(i.evidence_required_for, [Rating::S, Rating::N]);
                assert!(i.needs_evidence(Rating::S) && !i.needs_evidence(Rating::U));
            }
        }
        assert!(r.dimension("teachers").unwrap().optional);
        assert!(!r.dimension("evaluation").unwrap().optional);
        for id in ["purpose", "content", "method", "evaluation"] {
            assert!(r.dimension(id).unwrap().core_indicators().count() >= 1);
        }
        let numbers: Vec<&str> = r.basis.iter().map(|b| b.number.as_str()).collect();
        assert_eq!(
            numbers,
            [
                "教监管厅函〔2021〕3号",
                "教监管厅函〔2021〕16号",
                "教基厅〔2020〕1号",
                "教材〔2022〕2号",
                "教材〔2017〕4号"
            ]
        );
    }

    #[test]
    fn v1_guidance_names_materials_and_activities() {
        let all: String = current()
            .indicators()
            .map(|(_, i)| i.guidance.zh.as_str())
            .collect();
        for word in [
            "培训课程方案",
            "教材",
            "教辅",
            "教学大纲",
            "教学计划",
            "进度安排",
            "课时教案",
            "评价方案",
            "宣传材料",
            "书面审查",
            "实地查看",
            "课堂观摩",
            "个别访谈",
        ] {
            assert!(all.contains(word), "no guidance mentions {word}");
        }
    }

    #[test]
    fn lookups() {
        let r = current();
        let (d, i) = r.indicator("content.negative_list").unwrap();
        assert_eq!(d.id, "content");
        assert!(i.core && i.required);
        assert!(r.indicator("content.nope").is_none());
        assert!(r.indicator("purpose").is_none());
        assert!(r.indicator("method.syllabus").is_none());
        assert!(r.dimension("nope").is_none());
        let req = r.required_indicators();
        assert!(req.iter().all(|i| i.required));
        assert!(req.iter().any(|i| i.id == "evaluation.tests"));
        assert!(!req.iter().any(|i| i.id.starts_with("teachers.")));
    }

    #[test]
    fn rejects_parse_errors() {
        assert!(matches!(load("version = ["), Err(RubricError::Parse(_))));
        assert!(matches!(
            broken("core = true", "core = \"yes\""),
            Err(RubricError::Parse(_))
        ));
        assert!(matches!(
            broken(
                "evidence_required_for = [\"S\", \"N\"]",
                "evidence_required_for = [\"S\", \"X\"]"
            ),
            Err(RubricError::Parse(_))
        ));
        // A misspelt key is an error, not a silently ignored field.
        assert!(matches!(
            broken("required = true", "requried = true"),
            Err(RubricError::Parse(_))
        ));
    }

    #[test]
    fn rejects_duplicate_dimension() {
        assert_eq!(
            broken("id = \"teachers\"", "id = \"method\""),
            Err(RubricError::DuplicateDimension("method".into()))
        );
    }

    #[test]
    fn rejects_duplicate_indicator() {
        assert_eq!(
            broken("id = \"content.materials\"", "id = \"content.syllabus\""),
            Err(RubricError::DuplicateIndicator("content.syllabus".into()))
        );
    }

    #[test]
    fn rejects_wrong_prefix() {
        assert_eq!(
            broken("id = \"method.homework\"", "id = \"content.homework\""),
            Err(RubricError::WrongPrefix {
                dimension: "method".into(),
                indicator: "content.homework".into()
            })
        );
        assert!(matches!(
            broken("id = \"method.homework\"", "id = \"homework\""),
            Err(RubricError::WrongPrefix { .. })
        ));
        assert_eq!(
            broken("id = \"method.homework\"", "id = \"method.Home work\""),
            Err(RubricError::BadId("method.Home work".into()))
        );
        assert_eq!(
            broken("id = \"teachers\"", "id = \"Teachers\""),
            Err(RubricError::BadId("Teachers".into()))
        );
    }

    #[test]
    fn rejects_dimension_without_core_indicator() {
        // Flip every indicator of the evaluation dimension to non-core.
        let (head, tail) = V1.split_at(V1.find("id = \"evaluation\"").unwrap());
        let (eval, rest) = tail.split_at(tail.find("id = \"teachers\"").unwrap());
        let doc = format!(
            "{head}{}{rest}",
            eval.replace("core = true", "core = false")
        );
        assert_eq!(
            load(&doc),
            Err(RubricError::NoCoreIndicator {
                dimension: "evaluation".into()
            })
        );
        // The optional dimension may have none (it has none in v1).
        assert!(current()
            .dimension("teachers")
            .unwrap()
            .core_indicators()
            .next()
            .is_none());
    }

    #[test]
    fn rejects_missing_text() {
        assert_eq!(
            broken("en = \"Stated training objectives\"", "en = \"  \""),
            Err(RubricError::EmptyText {
                field: "purpose.objectives.name".into(),
                lang: "en"
            })
        );
        assert!(matches!(
            broken(", en = \"Stated training objectives\"", ""),
            Err(RubricError::Parse(_))
        ));
        assert_eq!(
            broken("zh = \"培训目的\"", "zh = \"\""),
            Err(RubricError::EmptyText {
                field: "purpose.name".into(),
                lang: "zh"
            })
        );
        let first_guidance_en = V1.find("guidance.en = \"").unwrap();
        let end = V1[first_guidance_en..].find('\n').unwrap() + first_guidance_en;
        let doc = format!(
            "{}guidance.en = \"\"{}",
            &V1[..first_guidance_en],
            &V1[end..]
        );
        assert_eq!(
            load(&doc),
            Err(RubricError::EmptyText {
                field: "purpose.objectives.guidance".into(),
                lang: "en"
            })
        );
        assert!(matches!(
            broken("number = \"教基厅〔2020〕1号\"", "number = \"\""),
            Err(RubricError::EmptyText { .. })
        ));
    }

    #[test]
    fn rejects_bad_evidence_rules() {
        let from = "evidence_required_for = [\"S\", \"N\"]";
        for to in [
            "evidence_required_for = [\"S\"]",
            "evidence_required_for = []",
            "evidence_required_for = [\"S\", \"N\", \"S\"]",
        ] {
            assert!(
                matches!(
                    broken(from, to),
                    Err(RubricError::BadEvidenceRule { ref indicator, .. }) if indicator == "purpose.objectives"
                ),
                "{to}"
            );
        }
        // Asking for evidence on U as well is stricter, and allowed.
        assert!(broken(from, "evidence_required_for = [\"S\", \"N\", \"U\"]").is_ok());
    }

    #[test]
    fn rejects_bad_versions_and_basis() {
        assert_eq!(
            broken("version = 1", "version = 0"),
            Err(RubricError::Version {
                expected: None,
                found: 0
            })
        );
        let v2 = V1.replacen("version = 1", "version = 2", 1);
        assert!(load(&v2).is_ok());
        assert_eq!(
            Registry::<Rubric>::load_registered(1, &v2),
            Err(RubricError::Version {
                expected: Some(1),
                found: 2
            })
        );
        assert_eq!(
            broken(
                "number = \"教基厅〔2020〕1号\"",
                "number = \"教监管厅函〔2021〕3号\""
            ),
            Err(RubricError::DuplicateBasis("教监管厅函〔2021〕3号".into()))
        );
        assert!(RubricError::NoBasis.to_string().contains("basis"));
    }
}
