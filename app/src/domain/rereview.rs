//! 复审申请书 (DOMAIN §8): what an institution writes when it asks the prefecture to review a
//! county determination, and the county's written decision on forwarding it.
//!
//! The window, who may file and what follows are the lifecycle's (`RequestRereview`,
//! `ForwardRereview`, `RefuseRereview`); this module checks the forms' text.

use super::error::FieldErrors;
use super::formats::check_text;
use serde::{Deserialize, Serialize};

/// 复审理由: at least a sentence.
pub const GROUNDS_MIN: usize = 10;
pub const GROUNDS_MAX: usize = 4000;
/// 复审请求 (what the institution asks for).
pub const REQUEST_MIN: usize = 4;
pub const REQUEST_MAX: usize = 1000;
/// The county's reasons for refusing (or comments when forwarding).
pub const DECISION_MIN: usize = 10;
pub const DECISION_MAX: usize = 2000;

/// The application as the institution fills it in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RereviewApplication {
    /// 复审理由: why the determination is wrong.
    pub grounds: String,
    /// 复审请求: e.g. 请求认定为非学科类.
    pub request: String,
    /// 承诺: the material and statements are true (same undertaking as the application).
    pub undertaking: bool,
}

/// Every problem with the application, by field (`grounds`, `request`, `undertaking`).
pub fn validate_application(a: &RereviewApplication) -> FieldErrors {
    let mut errs = FieldErrors::new();
    check_text(&mut errs, "grounds", &a.grounds, GROUNDS_MIN, GROUNDS_MAX);
    check_text(&mut errs, "request", &a.request, REQUEST_MIN, REQUEST_MAX);
    if !a.undertaking {
        errs.add("undertaking", "err.rereview.undertaking_required");
    }
    errs
}

/// The county director's decision text: reasons are required to refuse; comments when
/// forwarding are optional but bounded.
pub fn validate_decision(forward: bool, text: &str) -> FieldErrors {
    let mut errs = FieldErrors::new();
    if forward && text.trim().is_empty() {
        return errs;
    }
    check_text(&mut errs, "decision", text, DECISION_MIN, DECISION_MAX);
    errs
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ok() -> RereviewApplication {
        RereviewApplication {
            grounds: "专家组未查看第二学期的课程方案，结论依据不足。".into(),
            request: "请求认定为非学科类".into(),
            undertaking: true,
        }
    }

    fn keys(e: &FieldErrors) -> Vec<(&str, &str)> {
        e.0.iter()
            .map(|x| (x.field.as_str(), x.key.as_str()))
            .collect()
    }

    #[test]
    fn a_complete_application_passes() {
        assert!(validate_application(&ok()).is_empty());
    }

    #[test]
    fn every_missing_part_is_named_at_its_field() {
        let e = validate_application(&RereviewApplication::default());
        assert_eq!(
            keys(&e),
            vec![
                ("grounds", "err.required"),
                ("request", "err.required"),
                ("undertaking", "err.rereview.undertaking_required"),
            ]
        );
        let short = RereviewApplication {
            grounds: "不服".into(),
            ..ok()
        };
        assert_eq!(
            keys(&validate_application(&short)),
            vec![("grounds", "err.text_too_short")]
        );
        let long = RereviewApplication {
            grounds: "理".repeat(GROUNDS_MAX + 1),
            ..ok()
        };
        assert_eq!(
            keys(&validate_application(&long)),
            vec![("grounds", "err.text_too_long")]
        );
    }

    #[test]
    fn refusing_needs_reasons_forwarding_does_not() {
        assert!(validate_decision(true, "").is_empty());
        assert!(validate_decision(true, "  ").is_empty());
        assert_eq!(
            keys(&validate_decision(false, "")),
            vec![("decision", "err.required")]
        );
        assert!(validate_decision(false, "申请理由与原鉴定意见所依据的事实无关。").is_empty());
        assert_eq!(
            keys(&validate_decision(true, "同意")),
            vec![("decision", "err.text_too_short")]
        );
    }

    proptest! {
        /// Whatever the text, validation never panics and a grounds field within the bounds
        /// is never reported.
        #[test]
        fn grounds_within_bounds_are_accepted(n in GROUNDS_MIN..GROUNDS_MAX, c in prop::char::range('一', '龥')) {
            let a = RereviewApplication { grounds: c.to_string().repeat(n), ..ok() };
            prop_assert!(validate_application(&a).is_empty());
        }
    }
}
