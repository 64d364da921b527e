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

coded! {
    /// Target stage of a training item (培训对象学段).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Stage("stage") {
        /// 学前 (3–6 岁)
        Preschool = "preschool",
        /// 小学
        Primary = "primary",
        /// 初中
        Junior = "junior",
    }
}

coded! {
    /// The category a bureau determines (鉴定结论).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Category("category") {
        /// 学科类
        Subject = "subject",
        /// 非学科类
        NonSubject = "non_subject",
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
