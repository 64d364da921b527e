//! 鉴定活动: what the panel (or the level's clerk) records about its review work: the kind
//! (书面审查, 实地查看, 课堂观摩, 个别访谈), the date, who took part and what was found, with
//! photos or files. Pure: the browser and the server run the same checks.
//!
//! Decisions that no public rule fixes:
//! - An activity happens between the case's acceptance (受理) and today (China Standard Time):
//!   nothing is recorded ahead of time and nothing before the case existed for the bureau.
//! - Participants and notes are free text (names, roles, units), required, with length limits;
//!   a note needs at least a few characters to be worth keeping.

use super::error::{FieldError, FieldErrors};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Length limits, in characters.
pub mod limits {
    pub const PLACE_MIN: usize = 2;
    pub const PLACE_MAX: usize = 100;
    pub const PARTICIPANTS_MIN: usize = 2;
    pub const PARTICIPANTS_MAX: usize = 500;
    pub const NOTES_MIN: usize = 5;
    pub const NOTES_MAX: usize = 4000;
}

coded! {
    /// The kind of an activity.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum ActivityKind("activity.kind") {
        /// 书面审查
        WrittenReview = "written_review",
        /// 实地查看
        SiteVisit = "site_visit",
        /// 课堂观摩
        ClassObservation = "class_observation",
        /// 个别访谈
        Interview = "interview",
    }
}

/// Parses a date as an `<input type=date>` sends it (`YYYY-MM-DD`).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

fn check_text(errs: &mut FieldErrors, field: &str, value: &str, min: usize, max: usize) {
    let n = value.trim().chars().count();
    if n == 0 {
        errs.add(field, "err.required");
    } else if n < min {
        errs.push(FieldError::new(field, "err.text_too_short").arg("min", min));
    } else if n > max {
        errs.push(FieldError::new(field, "err.text_too_long").arg("max", max));
    }
}

/// Checks an activity as typed. `accepted_on` is the day the case was accepted (`None` skips
/// that bound), `today` the current day in China. Field paths: `activity.kind`,
/// `activity.held_on`, `activity.participants`, `activity.notes`.
pub fn validate_activity(
    kind: &str,
    held_on: &str,
    place: &str,
    participants: &str,
    notes: &str,
    accepted_on: Option<NaiveDate>,
    today: NaiveDate,
) -> FieldErrors {
    let mut errs = FieldErrors::new();
    if kind.trim().is_empty() {
        errs.add("activity.kind", "err.activity.kind_required");
    } else if ActivityKind::from_code(kind.trim()).is_none() {
        errs.add("activity.kind", "err.activity.kind_unknown");
    }
    if held_on.trim().is_empty() {
        errs.add("activity.held_on", "err.required");
    } else {
        match parse_date(held_on) {
            None => errs.add("activity.held_on", "err.activity.date_invalid"),
            Some(d) if d > today => errs.add("activity.held_on", "err.activity.date_future"),
            Some(d) if accepted_on.is_some_and(|a| d < a) => errs.push(
                FieldError::new("activity.held_on", "err.activity.date_before_acceptance").arg(
                    "date",
                    accepted_on.map(|a| a.to_string()).unwrap_or_default(),
                ),
            ),
            Some(_) => {}
        }
    }
    // Where it was held (地点): the opinion prints it (书面审查: where the panel met).
    check_text(
        &mut errs,
        "activity.place",
        place,
        limits::PLACE_MIN,
        limits::PLACE_MAX,
    );
    check_text(
        &mut errs,
        "activity.participants",
        participants,
        limits::PARTICIPANTS_MIN,
        limits::PARTICIPANTS_MAX,
    );
    check_text(
        &mut errs,
        "activity.notes",
        notes,
        limits::NOTES_MIN,
        limits::NOTES_MAX,
    );
    errs
}

/// An activity as recorded, once checked ([`check_activity`]): trimmed, with its kind and day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityFields {
    pub kind: ActivityKind,
    pub held_on: NaiveDate,
    pub place: String,
    pub participants: String,
    pub notes: String,
}

/// [`validate_activity`], and on success the fields as recorded.
pub fn check_activity(
    kind: &str,
    held_on: &str,
    place: &str,
    participants: &str,
    notes: &str,
    accepted_on: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<ActivityFields, FieldErrors> {
    let errs = validate_activity(
        kind,
        held_on,
        place,
        participants,
        notes,
        accepted_on,
        today,
    );
    match (ActivityKind::from_code(kind.trim()), parse_date(held_on)) {
        (Some(kind), Some(held_on)) if errs.is_empty() => Ok(ActivityFields {
            kind,
            held_on,
            place: place.trim().to_string(),
            participants: participants.trim().to_string(),
            notes: notes.trim().to_string(),
        }),
        _ => Err(errs),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn keys(e: &FieldErrors) -> Vec<(&str, &str)> {
        e.0.iter()
            .map(|e| (e.field.as_str(), e.key.as_str()))
            .collect()
    }

    const TODAY: &str = "2026-04-07";
    const ACCEPTED: &str = "2026-03-20";

    fn check(kind: &str, date: &str, who: &str, notes: &str) -> FieldErrors {
        validate_activity(
            kind,
            date,
            "机构一楼美术教室",
            who,
            notes,
            Some(d(ACCEPTED)),
            d(TODAY),
        )
    }

    #[test]
    fn a_checked_activity_is_recorded_trimmed() {
        let ok = check_activity(
            " site_visit ",
            "2026-04-01",
            " 机构一楼美术教室 ",
            " 张三、李四、王五 ",
            " 观摩了一节完整的素描课程，查看了教案与学员作品。 ",
            Some(d(ACCEPTED)),
            d(TODAY),
        );
        let f = ok.unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(f.kind, ActivityKind::SiteVisit);
        assert_eq!(f.held_on, d("2026-04-01"));
        assert_eq!(f.place, "机构一楼美术教室");
        assert!(!f.notes.starts_with(' ') && !f.notes.ends_with(' '));
        let bad = check_activity("", "", "", "", "", None, d(TODAY));
        assert!(matches!(bad, Err(e) if !e.is_empty()));
    }

    #[test]
    fn kinds_round_trip() {
        for k in ActivityKind::ALL {
            assert_eq!(ActivityKind::from_code(k.code()), Some(k));
            assert!(k.label_key().starts_with("activity.kind."));
        }
        assert_eq!(ActivityKind::from_code("lecture"), None);
        assert_eq!(
            serde_json::to_string(&ActivityKind::ClassObservation).unwrap(),
            "\"class_observation\""
        );
    }

    #[test]
    fn a_complete_activity_passes() {
        let e = check(
            "class_observation",
            "2026-04-07",
            "张三（组长）、李四",
            "观摩三年级素描课一节，40 分钟。",
        );
        assert!(e.is_empty(), "{e:?}");
        // The day of acceptance itself is allowed.
        assert!(check("interview", ACCEPTED, "张三、李四", "访谈机构负责人。").is_empty());
    }

    #[test]
    fn kind_must_be_one_of_the_four() {
        assert_eq!(
            keys(&check("", TODAY, "张三", "一段记录文字")),
            [("activity.kind", "err.activity.kind_required")]
        );
        assert_eq!(
            keys(&check("lecture", TODAY, "张三", "一段记录文字")),
            [("activity.kind", "err.activity.kind_unknown")]
        );
    }

    #[test]
    fn dates_lie_between_acceptance_and_today() {
        assert_eq!(
            keys(&check("site_visit", "2026-04-08", "张三", "一段记录文字")),
            [("activity.held_on", "err.activity.date_future")]
        );
        let e = check("site_visit", "2026-03-19", "张三", "一段记录文字");
        assert_eq!(
            keys(&e),
            [("activity.held_on", "err.activity.date_before_acceptance")]
        );
        assert_eq!(e.0[0].args, [("date".to_string(), ACCEPTED.to_string())]);
        assert_eq!(
            keys(&check("site_visit", "", "张三", "一段记录文字")),
            [("activity.held_on", "err.required")]
        );
        assert_eq!(
            keys(&check("site_visit", "2026-02-30", "张三", "一段记录文字")),
            [("activity.held_on", "err.activity.date_invalid")]
        );
        assert_eq!(
            keys(&check("site_visit", "7/4/2026", "张三", "一段记录文字")),
            [("activity.held_on", "err.activity.date_invalid")]
        );
        // Without a known acceptance day only the future is refused.
        assert!(validate_activity(
            "site_visit",
            "2020-01-01",
            "机构一楼美术教室",
            "张三",
            "一段记录文字",
            None,
            d(TODAY)
        )
        .is_empty());
    }

    #[test]
    fn participants_and_notes_are_required_and_bounded() {
        assert_eq!(
            keys(&check("interview", TODAY, "  ", "")),
            [
                ("activity.participants", "err.required"),
                ("activity.notes", "err.required")
            ]
        );
        assert_eq!(
            keys(&check("interview", TODAY, "张", "短")),
            [
                ("activity.participants", "err.text_too_short"),
                ("activity.notes", "err.text_too_short")
            ]
        );
        let long_who = "张".repeat(limits::PARTICIPANTS_MAX + 1);
        let long_notes = "记".repeat(limits::NOTES_MAX + 1);
        let e = check("interview", TODAY, &long_who, &long_notes);
        assert_eq!(
            keys(&e),
            [
                ("activity.participants", "err.text_too_long"),
                ("activity.notes", "err.text_too_long")
            ]
        );
        // Characters, not bytes: the maximum in 汉字 is fine.
        let max_notes = "记".repeat(limits::NOTES_MAX);
        assert!(check("interview", TODAY, "张三", &max_notes).is_empty());
    }

    #[test]
    fn errors_come_in_form_order() {
        let e = check("x", "2099-01-01", "", "");
        let fields: Vec<&str> = e.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "activity.kind",
                "activity.held_on",
                "activity.participants",
                "activity.notes"
            ]
        );
    }

    #[test]
    fn the_place_is_required() {
        let e = validate_activity(
            "site_visit",
            "2026-04-07",
            " ",
            "专家组三人",
            "查看教室与学生作品。",
            None,
            chrono::NaiveDate::from_ymd_opt(2026, 4, 8).unwrap(),
        );
        assert_eq!(e.0.len(), 1);
        assert_eq!(e.0[0].field, "activity.place");
    }
}
