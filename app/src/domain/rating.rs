//! 专家考评 (DOMAIN §9): after a case, the clerk rates each panel member out of 100 points within
//! two working days of the determination. A low score needs a written reason; a rating, once
//! given, stands (a correction is a new record in the audit trail, not an edit).

use super::deadline::{add_working_days, HolidayCalendar};
use super::error::FieldErrors;
use super::formats::check_text;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The most points.
pub const MAX_SCORE: i32 = 100;
/// Below this a rating needs a comment saying why.
pub const COMMENT_BELOW: i32 = 60;
pub const COMMENT_MIN: usize = 10;
pub const COMMENT_MAX: usize = 500;
/// Working days after the determination to rate the panel.
pub const RATING_WORKING_DAYS: i64 = 2;

/// One rating as the clerk enters it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingInput {
    /// 0–100, as typed (validated here, so the message can name the field).
    pub score: String,
    pub comment: String,
}

/// The score, or every problem by field (`score`, `comment`).
pub fn validate_rating(r: &RatingInput) -> Result<i32, FieldErrors> {
    let mut errs = FieldErrors::new();
    let score = match r.score.trim().parse::<i32>() {
        Ok(s) if (0..=MAX_SCORE).contains(&s) => Some(s),
        _ => {
            errs.add("score", "err.rating.score");
            None
        }
    };
    let comment = r.comment.trim();
    match score {
        Some(s) if s < COMMENT_BELOW => {
            check_text(&mut errs, "comment", comment, COMMENT_MIN, COMMENT_MAX);
        }
        _ if !comment.is_empty() => {
            check_text(&mut errs, "comment", comment, 1, COMMENT_MAX);
        }
        _ => {}
    }
    match score {
        Some(s) if errs.is_empty() => Ok(s),
        _ => Err(errs),
    }
}

/// The last day to rate a panel determined on `determined`.
pub fn rating_due(determined: NaiveDate, cal: &HolidayCalendar) -> NaiveDate {
    add_working_days(determined, RATING_WORKING_DAYS, cal)
}

/// The mean of scores, one decimal; `None` when there are none.
pub fn average(scores: &[i32]) -> Option<f64> {
    if scores.is_empty() {
        return None;
    }
    let sum: i64 = scores.iter().map(|s| i64::from(*s)).sum();
    Some((sum as f64 * 10.0 / scores.len() as f64).round() / 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn r(score: &str, comment: &str) -> RatingInput {
        RatingInput {
            score: score.into(),
            comment: comment.into(),
        }
    }

    fn keys(e: &FieldErrors) -> Vec<(String, String)> {
        e.0.iter()
            .map(|x| (x.field.clone(), x.key.clone()))
            .collect()
    }

    #[test]
    fn scores_and_comments() {
        assert_eq!(validate_rating(&r("95", "")), Ok(95));
        assert_eq!(validate_rating(&r(" 60 ", "")), Ok(60));
        assert_eq!(
            validate_rating(&r("0", "多次无故缺席实地查看，未按时提交评分表。")),
            Ok(0)
        );
        let e = validate_rating(&r("101", "")).unwrap_err();
        assert_eq!(keys(&e), vec![("score".into(), "err.rating.score".into())]);
        let e = validate_rating(&r("八十", "")).unwrap_err();
        assert_eq!(keys(&e), vec![("score".into(), "err.rating.score".into())]);
        let e = validate_rating(&r("59", "")).unwrap_err();
        assert_eq!(keys(&e), vec![("comment".into(), "err.required".into())]);
        let e = validate_rating(&r("59", "太差")).unwrap_err();
        assert_eq!(
            keys(&e),
            vec![("comment".into(), "err.text_too_short".into())]
        );
        let long = "很".repeat(COMMENT_MAX + 1);
        let e = validate_rating(&r("90", &long)).unwrap_err();
        assert_eq!(
            keys(&e),
            vec![("comment".into(), "err.text_too_long".into())]
        );
    }

    #[test]
    fn due_and_average() {
        let cal = HolidayCalendar::embedded();
        // Determined Friday 2026-04-10: rate by Tuesday 2026-04-14.
        let d = NaiveDate::from_ymd_opt(2026, 4, 10).unwrap();
        assert_eq!(
            rating_due(d, cal),
            NaiveDate::from_ymd_opt(2026, 4, 14).unwrap()
        );
        assert_eq!(average(&[]), None);
        assert_eq!(average(&[90, 85, 70]), Some(81.7));
    }

    proptest! {
        #[test]
        fn every_score_in_range_is_taken(s in 0i32..=100) {
            let comment = if s < COMMENT_BELOW { "未按时提交评分表，影响鉴定进度。" } else { "" };
            prop_assert_eq!(validate_rating(&r(&s.to_string(), comment)), Ok(s));
        }

        #[test]
        fn out_of_range_is_refused(s in prop_oneof![-1000i32..0, 101i32..1000]) {
            prop_assert!(validate_rating(&r(&s.to_string(), "")).is_err());
        }
    }
}
