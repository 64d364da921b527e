//! Small shared vocabulary of the domain: stages, categories, ratings, bilingual texts.

use serde::{Deserialize, Serialize};

/// A text in both languages of the product. zh-CN is the default.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Text {
    pub zh: String,
    pub en: String,
}

impl Text {
    /// The text for a locale code ("zh-CN" or "en"); anything else gets Chinese.
    pub fn get(&self, locale: &str) -> &str {
        if locale.starts_with("en") {
            &self.en
        } else {
            &self.zh
        }
    }
}

/// Target stage of a training item (培训对象学段).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// 学前 (3–6 岁)
    Preschool,
    /// 小学
    Primary,
    /// 初中
    Junior,
}

impl Stage {
    pub const ALL: [Stage; 3] = [Stage::Preschool, Stage::Primary, Stage::Junior];
    pub fn code(self) -> &'static str {
        match self {
            Stage::Preschool => "preschool",
            Stage::Primary => "primary",
            Stage::Junior => "junior",
        }
    }
    pub fn from_code(s: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|x| x.code() == s)
    }
    pub fn label_key(self) -> &'static str {
        match self {
            Stage::Preschool => "stage.preschool",
            Stage::Primary => "stage.primary",
            Stage::Junior => "stage.junior",
        }
    }
}

/// The category a bureau determines (鉴定结论).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// 学科类
    Subject,
    /// 非学科类
    NonSubject,
}

impl Category {
    pub fn code(self) -> &'static str {
        match self {
            Category::Subject => "subject",
            Category::NonSubject => "non_subject",
        }
    }
    pub fn from_code(s: &str) -> Option<Category> {
        match s {
            "subject" => Some(Category::Subject),
            "non_subject" => Some(Category::NonSubject),
            _ => None,
        }
    }
    pub fn label_key(self) -> &'static str {
        match self {
            Category::Subject => "category.subject",
            Category::NonSubject => "category.non_subject",
        }
    }
}

/// A rating of one indicator (DOMAIN §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Rating {
    /// Matches the subject-type feature.
    S,
    /// Matches the non-subject feature.
    N,
    /// Unclear / not enough evidence.
    U,
}
