//! 鉴定会与政策培训 (the guide's 七(三)): once the panel is complete the clerk schedules the
//! identification meeting (time, place or online, agenda); every member reads the policy
//! briefing (the basis documents of the case's rubric version) and confirms it before they may
//! submit a score sheet; after the meeting the clerk records who attended and the minutes, which
//! the opinion (鉴定意见书) then states: "鉴定会时间、地点、参加人员".

use super::china_time::parse_input;
use super::error::FieldErrors;
use super::formats::check_text;
use super::ids::ExpertId;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

pub const PLACE_MIN: usize = 2;
pub const PLACE_MAX: usize = 200;
pub const AGENDA_MIN: usize = 2;
pub const AGENDA_MAX: usize = 2000;
pub const MINUTES_MIN: usize = 10;
pub const MINUTES_MAX: usize = 5000;
pub const OTHERS_MAX: usize = 500;
/// A meeting may be entered up to this many days after it was held…
pub const PAST_DAYS: i64 = 30;
/// …and scheduled up to this many days ahead.
pub const AHEAD_DAYS: i64 = 180;

/// The meeting as the clerk enters it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingInput {
    /// China Standard Time, as a `datetime-local` field gives it: `2026-04-08T09:30`.
    pub starts_at: String,
    /// Held online (线上): `place` then names the platform and meeting number.
    #[serde(default)]
    pub online: bool,
    pub place: String,
    pub agenda: String,
}

/// A checked meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidMeeting {
    pub starts_at: DateTime<Utc>,
    pub online: bool,
    pub place: String,
    pub agenda: String,
}

/// Checks the meeting; fields `starts_at`, `place`, `agenda`.
pub fn validate_meeting(m: &MeetingInput, now: DateTime<Utc>) -> Result<ValidMeeting, FieldErrors> {
    let mut errs = FieldErrors::new();
    let starts_at = if m.starts_at.trim().is_empty() {
        errs.add("starts_at", "err.required");
        None
    } else {
        match parse_input(&m.starts_at) {
            None => {
                errs.add("starts_at", "err.meeting.time");
                None
            }
            Some(t)
                if t < now - Duration::days(PAST_DAYS) || t > now + Duration::days(AHEAD_DAYS) =>
            {
                errs.add("starts_at", "err.meeting.time_range");
                None
            }
            Some(t) => Some(t),
        }
    };
    check_text(&mut errs, "place", &m.place, PLACE_MIN, PLACE_MAX);
    check_text(&mut errs, "agenda", &m.agenda, AGENDA_MIN, AGENDA_MAX);
    match starts_at {
        Some(starts_at) if errs.is_empty() => Ok(ValidMeeting {
            starts_at,
            online: m.online,
            place: m.place.trim().to_string(),
            agenda: m.agenda.trim().to_string(),
        }),
        _ => Err(errs),
    }
}

/// Attendance and minutes as the clerk enters them after the meeting.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MinutesInput {
    /// The members present (expert ids).
    #[serde(default)]
    pub attended: Vec<i64>,
    /// Others present (bureau staff, observers), as written.
    #[serde(default)]
    pub others: String,
    pub minutes: String,
}

/// Checks the minutes against the panel and the meeting's time; fields `attended`, `others`,
/// `minutes`.
pub fn validate_minutes(
    m: &MinutesInput,
    members: &[ExpertId],
    starts_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> FieldErrors {
    let mut errs = FieldErrors::new();
    if now < starts_at {
        errs.add("minutes", "err.meeting.not_held");
    }
    if m.attended.is_empty() {
        errs.add("attended", "err.meeting.attended_none");
    } else if m.attended.iter().any(|e| !members.contains(&ExpertId(*e))) {
        errs.add("attended", "err.meeting.attended_foreign");
    }
    check_text(&mut errs, "minutes", &m.minutes, MINUTES_MIN, MINUTES_MAX);
    if m.others.trim().chars().count() > OTHERS_MAX {
        check_text(&mut errs, "others", &m.others, 0, OTHERS_MAX);
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        // 2026-04-07 09:00 CST
        Utc.with_ymd_and_hms(2026, 4, 7, 1, 0, 0).unwrap()
    }

    fn keys(e: &FieldErrors) -> Vec<(String, String)> {
        e.0.iter()
            .map(|e| (e.field.clone(), e.key.clone()))
            .collect()
    }

    #[test]
    fn a_meeting_is_read_in_china_time() {
        let m = MeetingInput {
            starts_at: "2026-04-08T14:30".into(),
            online: false,
            place: " 昌吉市教育局三楼会议室 ".into(),
            agenda: "政策培训；审阅材料；合议".into(),
        };
        let v = validate_meeting(&m, now()).unwrap();
        assert_eq!(
            v.starts_at,
            Utc.with_ymd_and_hms(2026, 4, 8, 6, 30, 0).unwrap()
        );
        assert_eq!(v.place, "昌吉市教育局三楼会议室");
        assert_eq!(
            crate::domain::china_time::input_value(v.starts_at),
            "2026-04-08T14:30"
        );
    }

    #[test]
    fn bad_meetings_name_each_field() {
        let m = MeetingInput {
            starts_at: "明天上午".into(),
            online: true,
            place: "".into(),
            agenda: "x".into(),
        };
        assert_eq!(
            keys(&validate_meeting(&m, now()).unwrap_err()),
            [
                ("starts_at".into(), "err.meeting.time".into()),
                ("place".into(), "err.required".into()),
                ("agenda".into(), "err.text_too_short".into()),
            ]
        );
        let far = MeetingInput {
            starts_at: "2027-04-08T09:00".into(),
            place: "腾讯会议 123 456 789".into(),
            agenda: "政策培训".into(),
            online: true,
        };
        assert_eq!(
            keys(&validate_meeting(&far, now()).unwrap_err()),
            [("starts_at".into(), "err.meeting.time_range".into())]
        );
        let long_ago = MeetingInput {
            starts_at: "2026-02-01T09:00".into(),
            ..far.clone()
        };
        assert!(validate_meeting(&long_ago, now()).is_err());
        let held_last_week = MeetingInput {
            starts_at: "2026-03-31T09:00".into(),
            ..far
        };
        assert!(validate_meeting(&held_last_week, now()).is_ok());
    }

    #[test]
    fn minutes_come_after_the_meeting_and_name_panel_members_only() {
        let members = [ExpertId(1), ExpertId(2), ExpertId(3)];
        let starts = Utc.with_ymd_and_hms(2026, 4, 8, 1, 0, 0).unwrap();
        let ok = MinutesInput {
            attended: vec![1, 2, 3],
            others: "县教育局经办人".into(),
            minutes: "会议进行政策培训，专家逐项审阅材料并合议。".into(),
        };
        assert_eq!(
            keys(&validate_minutes(&ok, &members, starts, now())),
            [("minutes".into(), "err.meeting.not_held".into())]
        );
        let later = starts + Duration::hours(3);
        assert!(validate_minutes(&ok, &members, starts, later).is_empty());
        let foreign = MinutesInput {
            attended: vec![1, 9],
            ..ok.clone()
        };
        assert_eq!(
            keys(&validate_minutes(&foreign, &members, starts, later)),
            [("attended".into(), "err.meeting.attended_foreign".into())]
        );
        let empty = MinutesInput {
            attended: vec![],
            others: "x".repeat(OTHERS_MAX + 1),
            minutes: "短".into(),
        };
        assert_eq!(
            keys(&validate_minutes(&empty, &members, starts, later)),
            [
                ("attended".into(), "err.meeting.attended_none".into()),
                ("minutes".into(), "err.text_too_short".into()),
                ("others".into(), "err.text_too_long".into()),
            ]
        );
    }
}

/// A waiver of the identification meeting: at most this long, at least this long.
pub const WAIVER_MIN: usize = 10;
pub const WAIVER_MAX: usize = 1000;

/// Whether the panel may come to its opinion (guide 七(三): 召开鉴定会进行政策培训): a meeting
/// held (its attendance and minutes recorded), or its waiver recorded by the director with
/// reasons. The refusal's key says which is missing.
pub fn ready_for_opinion(scheduled: bool, held: bool, waived: bool) -> Result<(), &'static str> {
    if held || waived {
        Ok(())
    } else if scheduled {
        Err("err.opinion.minutes_missing")
    } else {
        Err("err.opinion.meeting_required")
    }
}

/// Checks the reasons for waiving the meeting.
pub fn validate_waiver(reason: &str) -> FieldErrors {
    let mut e = FieldErrors::new();
    super::formats::check_text(&mut e, "waiver.reason", reason, WAIVER_MIN, WAIVER_MAX);
    e
}

#[cfg(test)]
mod waiver_tests {
    use super::*;

    #[test]
    fn the_opinion_needs_a_held_or_waived_meeting() {
        assert_eq!(
            ready_for_opinion(false, false, false),
            Err("err.opinion.meeting_required")
        );
        assert_eq!(
            ready_for_opinion(true, false, false),
            Err("err.opinion.minutes_missing")
        );
        assert_eq!(ready_for_opinion(true, true, false), Ok(()));
        assert_eq!(ready_for_opinion(false, false, true), Ok(()));
        assert!(!validate_waiver("短").is_empty());
        assert!(validate_waiver("专家组已在线完成政策培训，现场会议无法召开。").is_empty());
    }
}
