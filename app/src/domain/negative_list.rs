//! The negative list of beyond-standard and ahead-of-schedule training (《义务教育六科超标超前
//! 培训负面清单（试行）》, 教基厅〔2020〕1号) as versioned data.
//!
//! A hit on an item forces the content dimension to S and raises a supervision flag
//! (DOMAIN §5), so item ids are stable: score sheets and flags cite them. Each version is a TOML
//! file under `app/rubric/`, embedded in the server at compile time and checked when first used;
//! the browser embeds no file: a page brings the version it shows ([`know`]).

#[cfg(feature = "ssr")]
use std::collections::HashSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::terms::{Stage, Text};
use super::versioned::{Files, Registry, Versioned};

/// The embedded versions, oldest first: (version, TOML text).
#[cfg(feature = "ssr")]
const FILES: Files = &[(1, include_str!("../../rubric/negative_list_v1.toml"))];
#[cfg(not(feature = "ssr"))]
const FILES: Files = &[];

static VERSIONS: Registry<NegativeList> = Registry::new(FILES);

/// Item wording follows the published document.
pub const SOURCE_TEXT: &str = "text";
/// Item states the published content in our own words.
pub const SOURCE_PARAPHRASE: &str = "paraphrase";

/// One version of the negative list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NegativeList {
    pub version: u32,
    pub title: Text,
    /// Document number (文号) of the published list.
    pub document: String,
    pub subjects: Vec<NlSubject>,
}

/// One subject's list: its principles (原则要求) and typical problems (典型问题).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NlSubject {
    /// Pinyin id: `yuwen`, `shuxue`, `yingyu`, `wuli`, `huaxue`, `shengwu`.
    pub id: String,
    pub name: Text,
    pub principles: Vec<Text>,
    /// Whether `principles` follow the published wording (`text`) or restate it (`paraphrase`).
    pub principles_source: String,
    pub items: Vec<NlItem>,
}

/// One typical beyond-standard or ahead-of-schedule topic (超标超前内容).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NlItem {
    /// `<subject>.<stage>.<n>`, e.g. `shuxue.primary.3`; never reused.
    pub id: String,
    pub stage: Stage,
    pub text: Text,
    /// [`SOURCE_TEXT`] or [`SOURCE_PARAPHRASE`].
    pub source: String,
}

/// Why a negative-list document was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NegativeListError {
    /// Not valid TOML, or not of the list's shape (including an unknown stage name).
    Parse(String),
    /// Version 0 in the file, or a version different from the one it is registered under.
    Version {
        expected: Option<u32>,
        found: u32,
    },
    NoSubjects,
    DuplicateSubject(String),
    /// A subject id that is not lower-case ASCII letters, digits and `_`.
    BadId(String),
    NoPrinciples {
        subject: String,
    },
    NoItems {
        subject: String,
    },
    DuplicateItem(String),
    /// An item id not of the form `<subject>.<stage>.<n>` for its own subject and stage.
    WrongPrefix {
        subject: String,
        item: String,
    },
    /// A stage the list does not cover (it is for compulsory education: primary and junior).
    BadStage {
        item: String,
    },
    BadSource {
        field: String,
        source: String,
    },
    /// An empty (or blank) text; `field` is a path such as `shuxue.primary.3.text`.
    EmptyText {
        field: String,
        lang: &'static str,
    },
}

impl fmt::Display for NegativeListError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use NegativeListError as E;
        match self {
            E::Parse(m) => write!(f, "negative list is not valid: {m}"),
            E::Version {
                expected: Some(e),
                found,
            } => write!(
                f,
                "negative list file says version {found}, registered as version {e}"
            ),
            E::Version {
                expected: None,
                found,
            } => write!(f, "negative list version must be at least 1, found {found}"),
            E::NoSubjects => write!(f, "negative list has no subjects"),
            E::DuplicateSubject(id) => write!(f, "duplicate subject id `{id}`"),
            E::BadId(id) => write!(
                f,
                "bad id `{id}`: use lower-case ASCII letters, digits and `_`"
            ),
            E::NoPrinciples { subject } => write!(f, "subject `{subject}` has no principles"),
            E::NoItems { subject } => write!(f, "subject `{subject}` has no items"),
            E::DuplicateItem(id) => write!(f, "duplicate item id `{id}`"),
            E::WrongPrefix { subject, item } => write!(
                f,
                "item `{item}` must be named `{subject}.<stage>.<n>` with its own stage"
            ),
            E::BadStage { item } => write!(
                f,
                "item `{item}`: the list covers only the primary and junior stages"
            ),
            E::BadSource { field, source } => write!(
                f,
                "`{field}`: source must be `text` or `paraphrase`, found `{source}`"
            ),
            E::EmptyText { field, lang } => write!(f, "`{field}` has no {lang} text"),
        }
    }
}

impl std::error::Error for NegativeListError {}

impl NegativeList {
    pub fn subject(&self, id: &str) -> Option<&NlSubject> {
        self.subjects.iter().find(|s| s.id == id)
    }

    /// The item with this id, in any subject.
    pub fn item(&self, id: &str) -> Option<&NlItem> {
        let (subject, _) = id.split_once('.')?;
        self.subject(subject)?.items.iter().find(|i| i.id == id)
    }

    /// A subject's items for one stage, in document order (empty for an unknown subject).
    pub fn items_for(&self, subject: &str, stage: Stage) -> Vec<&NlItem> {
        self.subject(subject)
            .map(|s| s.items.iter().filter(|i| i.stage == stage).collect())
            .unwrap_or_default()
    }

    /// Every item for one stage, with its subject, in document order.
    pub fn items_for_stage(&self, stage: Stage) -> Vec<(&NlSubject, &NlItem)> {
        self.subjects
            .iter()
            .flat_map(|s| s.items.iter().map(move |i| (s, i)))
            .filter(|(_, i)| i.stage == stage)
            .collect()
    }
}

impl Versioned for NegativeList {
    const NAME: &'static str = "negative list";
    type Error = NegativeListError;
    fn version(&self) -> u32 {
        self.version
    }
    #[cfg(feature = "ssr")]
    fn check(&self) -> Result<(), NegativeListError> {
        check(self)
    }
    fn parse_error(message: String) -> NegativeListError {
        NegativeListError::Parse(message)
    }
    fn wrong_version(expected: u32, found: u32) -> NegativeListError {
        NegativeListError::Version {
            expected: Some(expected),
            found,
        }
    }
}

/// An embedded version (on the server), or one a page's data brought (in the browser).
pub fn negative_list(version: u32) -> Option<&'static NegativeList> {
    VERSIONS.get(version)
}

/// A version that came with a page's data, as `negative_list(version)` will answer it from now
/// on.
pub fn know(l: &NegativeList) -> Option<&'static NegativeList> {
    VERSIONS.know(l)
}

/// The version in force.
pub fn current_negative_list() -> &'static NegativeList {
    VERSIONS.current()
}

/// The embedded version numbers, ascending.
#[cfg(feature = "ssr")]
pub fn negative_list_versions() -> Vec<u32> {
    VERSIONS.versions()
}

#[cfg(feature = "ssr")]
fn valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

#[cfg(feature = "ssr")]
fn check_text(t: &Text, field: impl Fn() -> String) -> Result<(), NegativeListError> {
    for (value, lang) in [(&t.zh, "zh"), (&t.en, "en")] {
        if value.trim().is_empty() {
            return Err(NegativeListError::EmptyText {
                field: field(),
                lang,
            });
        }
    }
    Ok(())
}

#[cfg(feature = "ssr")]
fn check_source(field: impl Fn() -> String, source: &str) -> Result<(), NegativeListError> {
    if source == SOURCE_TEXT || source == SOURCE_PARAPHRASE {
        Ok(())
    } else {
        Err(NegativeListError::BadSource {
            field: field(),
            source: source.to_string(),
        })
    }
}

#[cfg(feature = "ssr")]
fn check(l: &NegativeList) -> Result<(), NegativeListError> {
    if l.version == 0 {
        return Err(NegativeListError::Version {
            expected: None,
            found: 0,
        });
    }
    check_text(&l.title, || "title".into())?;
    if l.document.trim().is_empty() {
        return Err(NegativeListError::EmptyText {
            field: "document".into(),
            lang: "zh",
        });
    }
    if l.subjects.is_empty() {
        return Err(NegativeListError::NoSubjects);
    }
    let mut subjects = HashSet::new();
    let mut items = HashSet::new();
    for s in &l.subjects {
        if !valid_id(&s.id) {
            return Err(NegativeListError::BadId(s.id.clone()));
        }
        if !subjects.insert(s.id.as_str()) {
            return Err(NegativeListError::DuplicateSubject(s.id.clone()));
        }
        check_text(&s.name, || format!("{}.name", s.id))?;
        if s.principles.is_empty() {
            return Err(NegativeListError::NoPrinciples {
                subject: s.id.clone(),
            });
        }
        for (n, p) in s.principles.iter().enumerate() {
            check_text(p, || format!("{}.principles[{n}]", s.id))?;
        }
        check_source(
            || format!("{}.principles_source", s.id),
            &s.principles_source,
        )?;
        if s.items.is_empty() {
            return Err(NegativeListError::NoItems {
                subject: s.id.clone(),
            });
        }
        for i in &s.items {
            check_item(s, i)?;
            if !items.insert(i.id.as_str()) {
                return Err(NegativeListError::DuplicateItem(i.id.clone()));
            }
        }
    }
    Ok(())
}

#[cfg(feature = "ssr")]
fn check_item(s: &NlSubject, i: &NlItem) -> Result<(), NegativeListError> {
    if !matches!(i.stage, Stage::Primary | Stage::Junior) {
        return Err(NegativeListError::BadStage { item: i.id.clone() });
    }
    let mut parts = i.id.splitn(3, '.');
    let ok = parts.next() == Some(s.id.as_str())
        && parts.next() == Some(i.stage.code())
        && parts.next().is_some_and(valid_id);
    if !ok {
        return Err(NegativeListError::WrongPrefix {
            subject: s.id.clone(),
            item: i.id.clone(),
        });
    }
    check_text(&i.text, || format!("{}.text", i.id))?;
    check_source(|| format!("{}.source", i.id), &i.source)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<NegativeList, NegativeListError> {
        crate::domain::versioned::load(text)
    }

    const V1: &str = include_str!("../../rubric/negative_list_v1.toml");

    /// The embedded v1 with one textual replacement, which must apply.
    fn broken(from: &str, to: &str) -> Result<NegativeList, NegativeListError> {
        assert!(V1.contains(from), "fixture text not found: {from}");
        load(&V1.replacen(from, to, 1))
    }

    #[test]
    fn embedded_versions_load() {
        assert_eq!(negative_list_versions(), vec![1]);
        let l = negative_list(1).expect("v1");
        assert_eq!(current_negative_list(), l);
        assert!(negative_list(2).is_none());
        assert_eq!(l.document, "教基厅〔2020〕1号");
        assert_eq!(load(V1).as_ref(), Ok(l));
    }

    #[test]
    fn v1_shape() {
        let l = current_negative_list();
        let ids: Vec<&str> = l.subjects.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(
            ids,
            ["yuwen", "shuxue", "yingyu", "wuli", "huaxue", "shengwu"]
        );
        for s in &l.subjects {
            let primary = l.items_for(&s.id, Stage::Primary).len();
            let junior = l.items_for(&s.id, Stage::Junior).len();
            assert!(junior >= 4, "{} junior has {junior}", s.id);
            match s.id.as_str() {
                "wuli" | "huaxue" | "shengwu" => assert_eq!(primary, 0, "{}", s.id),
                _ => assert!(primary >= 4, "{} primary has {primary}", s.id),
            }
            assert!(l.items_for(&s.id, Stage::Preschool).is_empty());
        }
        assert!(l.items_for("lishi", Stage::Junior).is_empty());
        assert!(l.items_for_stage(Stage::Primary).len() >= 12);
        assert!(l
            .subject("huaxue")
            .unwrap()
            .principles
            .iter()
            .any(|p| p.zh.contains("中考复习")));
    }

    #[test]
    fn lookups() {
        let l = current_negative_list();
        let i = l.item("shuxue.primary.1").unwrap();
        assert_eq!(i.stage, Stage::Primary);
        assert_eq!(i.source, SOURCE_TEXT);
        assert!(i.text.zh.contains("万以上"));
        assert!(!l.item("yuwen.primary.1").unwrap().text.get("en").is_empty());
        assert!(l.item("shuxue.primary.999").is_none());
        assert!(l.item("shuxue").is_none());
        assert!(l.item("nope.junior.1").is_none());
        assert_eq!(l.subject("shengwu").unwrap().name.zh, "生物学");
    }

    #[test]
    fn rejects_parse_errors() {
        assert!(matches!(
            load("subjects = 3"),
            Err(NegativeListError::Parse(_))
        ));
        // An unknown stage name.
        assert!(matches!(
            broken("stage = \"junior\"", "stage = \"senior\""),
            Err(NegativeListError::Parse(_))
        ));
        // A misspelt key.
        assert!(matches!(
            broken(
                "stage = \"primary\"\nsource = \"text\"",
                "stage = \"primary\"\nsauce = \"text\"",
            ),
            Err(NegativeListError::Parse(_))
        ));
    }

    #[test]
    fn rejects_bad_stage() {
        let doc = V1.replacen(
            "id = \"yuwen.primary.1\"\nstage = \"primary\"",
            "id = \"yuwen.preschool.1\"\nstage = \"preschool\"",
            1,
        );
        assert_ne!(doc, V1);
        assert_eq!(
            load(&doc),
            Err(NegativeListError::BadStage {
                item: "yuwen.preschool.1".into()
            })
        );
    }

    #[test]
    fn rejects_duplicate_ids() {
        assert_eq!(
            broken("id = \"shuxue.primary.2\"", "id = \"shuxue.primary.1\""),
            Err(NegativeListError::DuplicateItem("shuxue.primary.1".into()))
        );
        assert_eq!(
            broken("id = \"shengwu\"", "id = \"wuli\""),
            Err(NegativeListError::DuplicateSubject("wuli".into()))
        );
    }

    #[test]
    fn rejects_wrong_prefix() {
        // Another subject's prefix.
        assert_eq!(
            broken("id = \"wuli.junior.1\"", "id = \"huaxue.junior.99\""),
            Err(NegativeListError::WrongPrefix {
                subject: "wuli".into(),
                item: "huaxue.junior.99".into()
            })
        );
        // The stage in the id must be the item's stage.
        assert!(matches!(
            broken("id = \"wuli.junior.1\"", "id = \"wuli.primary.1\""),
            Err(NegativeListError::WrongPrefix { .. })
        ));
        for id in [
            "wuli.junior",
            "wuli.junior.",
            "wuli1.junior.1",
            "wuli.junior.A",
        ] {
            assert!(
                matches!(
                    broken("id = \"wuli.junior.1\"", &format!("id = \"{id}\"")),
                    Err(NegativeListError::WrongPrefix { .. })
                ),
                "{id}"
            );
        }
        assert_eq!(
            broken("id = \"wuli\"", "id = \"Wuli\""),
            Err(NegativeListError::BadId("Wuli".into()))
        );
    }

    #[test]
    fn rejects_missing_text_and_bad_source() {
        assert_eq!(
            broken(
                "en = \"Ionic reactions and writing ionic equations.\"",
                "en = \"\""
            ),
            Err(NegativeListError::EmptyText {
                field: "huaxue.junior.3.text".into(),
                lang: "en"
            })
        );
        assert!(matches!(
            broken("zh = \"语文\"", "zh = \" \""),
            Err(NegativeListError::EmptyText { lang: "zh", .. })
        ));
        assert!(matches!(
            broken("document = \"教基厅〔2020〕1号\"", "document = \"\""),
            Err(NegativeListError::EmptyText { .. })
        ));
        assert_eq!(
            broken(
                "stage = \"junior\"\nsource = \"paraphrase\"",
                "stage = \"junior\"\nsource = \"memory\"",
            ),
            Err(NegativeListError::BadSource {
                field: "yuwen.junior.2.source".into(),
                source: "memory".into()
            })
        );
        assert!(matches!(
            broken(
                "principles_source = \"paraphrase\"",
                "principles_source = \"\""
            ),
            Err(NegativeListError::BadSource { .. })
        ));
    }

    #[test]
    fn rejects_bad_versions() {
        assert_eq!(
            broken("version = 1", "version = 0"),
            Err(NegativeListError::Version {
                expected: None,
                found: 0
            })
        );
        let v3 = V1.replacen("version = 1", "version = 3", 1);
        assert_eq!(
            Registry::<NegativeList>::load_registered(1, &v3),
            Err(NegativeListError::Version {
                expected: Some(1),
                found: 3
            })
        );
    }
}
