//! Time limits (办理时限) and working-day arithmetic (工作日计算), DOMAIN §7.
//!
//! A working day (工作日) is a Monday–Friday that is not a public holiday, or a weekend day the
//! State Council made a working day (调休上班). The calendar is data: the embedded
//! `app/rubric/holidays.toml` is the first version of each year, and an administrator imports
//! a year's notice ([`YearCalendar`], `domain::holiday_import`), which replaces that year
//! ([`HolidayCalendar::with_year`]; `store::calendar::current` gives the calendar in force).
//! Years the calendar does not cover count weekends only; [`HolidayCalendar::gaps`] tells the
//! bureau homes to warn.
//!
//! Counting: "n working days after d" is the n-th working day strictly after d, so a case
//! accepted on Monday with a 3-day limit is due on Thursday (if no holiday intervenes). A
//! deadline is met on its due date. The re-review request limit counts calendar days.
//! Dates are China Standard Time dates; [`china_date`] turns a UTC instant into one.

use super::error::{FieldError, FieldErrors};
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::ops::RangeInclusive;
#[cfg(feature = "ssr")]
use std::sync::OnceLock;

/// The embedded holiday calendar file.
#[cfg(feature = "ssr")]
pub const HOLIDAYS_TOML: &str = include_str!("../../rubric/holidays.toml");

/// Whether a year's entries come from the published notice or are provisional.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum YearStatus {
    /// From the State Council General Office's published notice.
    Published,
    /// Provisional: must be checked and replaced by an administrator.
    Provisional,
}

impl YearStatus {
    pub fn code(self) -> &'static str {
        match self {
            YearStatus::Published => "published",
            YearStatus::Provisional => "provisional",
        }
    }

    pub fn from_code(code: &str) -> Option<YearStatus> {
        [YearStatus::Published, YearStatus::Provisional]
            .into_iter()
            .find(|s| s.code() == code)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            YearStatus::Published => "calendar.status.published",
            YearStatus::Provisional => "calendar.status.provisional",
        }
    }
}

#[cfg(feature = "ssr")]
#[derive(Debug, Deserialize)]
struct CalendarFile {
    #[serde(default)]
    year: Vec<YearEntry>,
    #[serde(default)]
    holiday: Vec<HolidayEntry>,
}

#[cfg(feature = "ssr")]
#[derive(Debug, Deserialize)]
struct YearEntry {
    year: i32,
    status: YearStatus,
    #[serde(default)]
    source: String,
}

#[cfg(feature = "ssr")]
#[derive(Debug, Deserialize)]
struct HolidayEntry {
    name_zh: String,
    #[serde(default)]
    name_en: String,
    first: String,
    last: String,
    #[serde(default)]
    workdays: Vec<String>,
}

/// One holiday period of the calendar (e.g. 2026 春节).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HolidayPeriod {
    pub name_zh: String,
    pub name_en: String,
    pub first: NaiveDate,
    pub last: NaiveDate,
    /// 调休上班日 belonging to this holiday.
    pub workdays: Vec<NaiveDate>,
}

/// A holiday calendar (节假日安排).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HolidayCalendar {
    holidays: BTreeSet<NaiveDate>,
    workdays: BTreeSet<NaiveDate>,
    years: BTreeMap<i32, (YearStatus, String)>,
    periods: Vec<HolidayPeriod>,
}

/// Why a calendar file was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CalendarError {
    /// Not valid TOML of the expected shape.
    Syntax(String),
    /// A date that is not `YYYY-MM-DD`.
    BadDate(String),
    /// `last` before `first`.
    BadRange { name: String },
    /// A date that is both a day off and a working day.
    Contradiction(NaiveDate),
    /// A holiday period of a year without a `[[year]]` entry.
    UndeclaredYear(i32),
}

#[cfg(feature = "ssr")]
fn parse_date(s: &str) -> Result<NaiveDate, CalendarError> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| CalendarError::BadDate(s.into()))
}

/// One year's entries of the calendar as the State Council General Office's notice gives them:
/// what an administrator imports (`domain::holiday_import`) and the store keeps, version by
/// version. A period belongs to the year of its last day (the 元旦 of a year may start, and
/// its 调休 Saturday fall, in the December before).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearCalendar {
    pub year: i32,
    pub status: YearStatus,
    /// The notice it comes from (e.g. 国务院办公厅关于2027年部分节假日安排的通知).
    pub source: String,
    pub periods: Vec<HolidayPeriod>,
}

impl YearCalendar {
    /// Days off in this year's periods.
    pub fn holiday_days(&self) -> usize {
        self.periods
            .iter()
            .map(|p| usize::try_from((p.last - p.first).num_days() + 1).unwrap_or(0))
            .sum()
    }

    /// 调休上班日 in this year's periods.
    pub fn working_weekend_days(&self) -> usize {
        self.periods.iter().map(|p| p.workdays.len()).sum()
    }
}

/// The year a period belongs to: that of its last day.
fn notice_year(p: &HolidayPeriod) -> i32 {
    p.last.year()
}

/// How many days before a year starts the bureau home warns that the calendar does not have
/// the year's published notice (the notice normally appears in November).
pub const CALENDAR_WARN_DAYS: i64 = 60;

/// A year the calendar should have and does not have from the published notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarGap {
    pub year: i32,
    /// `None`: no entries at all (weekends only); `Some(Provisional)`: statutory days only.
    pub status: Option<YearStatus>,
}

impl HolidayCalendar {
    #[cfg(feature = "ssr")]
    /// Parses a calendar in the format of `app/rubric/holidays.toml`.
    pub fn from_toml(text: &str) -> Result<HolidayCalendar, CalendarError> {
        let file: CalendarFile =
            toml::from_str(text).map_err(|e| CalendarError::Syntax(e.to_string()))?;
        let years = file
            .year
            .into_iter()
            .map(|y| (y.year, (y.status, y.source)))
            .collect();
        let mut periods = Vec::new();
        for h in file.holiday {
            let first = parse_date(&h.first)?;
            let last = parse_date(&h.last)?;
            if last < first {
                return Err(CalendarError::BadRange { name: h.name_zh });
            }
            let workdays = h
                .workdays
                .iter()
                .map(|w| parse_date(w))
                .collect::<Result<Vec<_>, _>>()?;
            periods.push(HolidayPeriod {
                name_zh: h.name_zh,
                name_en: h.name_en,
                first,
                last,
                workdays,
            });
        }
        HolidayCalendar::build(years, periods)
    }

    /// A calendar of these years and periods: every period's year must be declared, and no day
    /// may be both a day off and a working day.
    fn build(
        years: BTreeMap<i32, (YearStatus, String)>,
        mut periods: Vec<HolidayPeriod>,
    ) -> Result<HolidayCalendar, CalendarError> {
        periods.sort_by_key(|p| p.first);
        let mut cal = HolidayCalendar {
            years,
            ..HolidayCalendar::default()
        };
        for p in &periods {
            if !cal.years.contains_key(&notice_year(p)) {
                return Err(CalendarError::UndeclaredYear(notice_year(p)));
            }
            let mut d = p.first;
            while d <= p.last {
                cal.holidays.insert(d);
                d += Duration::days(1);
            }
            cal.workdays.extend(p.workdays.iter().copied());
        }
        if let Some(d) = cal.holidays.intersection(&cal.workdays).next() {
            return Err(CalendarError::Contradiction(*d));
        }
        cal.periods = periods;
        Ok(cal)
    }

    /// This calendar with one year's entries replaced by `y` (an imported notice).
    pub fn with_year(&self, y: &YearCalendar) -> Result<HolidayCalendar, CalendarError> {
        let mut years = self.years.clone();
        years.insert(y.year, (y.status, y.source.clone()));
        let periods = self
            .periods
            .iter()
            .filter(|p| notice_year(p) != y.year)
            .chain(y.periods.iter())
            .cloned()
            .collect();
        HolidayCalendar::build(years, periods)
    }

    /// One year's entries, if the calendar has the year.
    pub fn year(&self, year: i32) -> Option<YearCalendar> {
        let (status, source) = self.years.get(&year)?.clone();
        let periods = self
            .periods
            .iter()
            .filter(|p| notice_year(p) == year)
            .cloned()
            .collect();
        Some(YearCalendar {
            year,
            status,
            source,
            periods,
        })
    }

    /// The years the calendar has, in order.
    pub fn years(&self) -> Vec<i32> {
        self.years.keys().copied().collect()
    }

    /// The years the bureau must see to on `today`: this year when it is not from the published
    /// notice, and next year as well once it starts within [`CALENDAR_WARN_DAYS`].
    pub fn gaps(&self, today: NaiveDate) -> Vec<CalendarGap> {
        let this = today.year();
        let next_starts = NaiveDate::from_ymd_opt(this + 1, 1, 1).unwrap_or(today);
        let mut years = vec![this];
        if (next_starts - today).num_days() <= CALENDAR_WARN_DAYS {
            years.push(this + 1);
        }
        years
            .into_iter()
            .map(|year| CalendarGap {
                year,
                status: self.covers(year),
            })
            .filter(|g| g.status != Some(YearStatus::Published))
            .collect()
    }

    #[cfg(feature = "ssr")]
    /// The calendar embedded in the binary.
    pub fn embedded() -> &'static HolidayCalendar {
        static CAL: OnceLock<HolidayCalendar> = OnceLock::new();
        CAL.get_or_init(|| {
            HolidayCalendar::from_toml(HOLIDAYS_TOML)
                .expect("app/rubric/holidays.toml is embedded and must be a valid calendar")
        })
    }

    /// A calendar with no holidays at all (weekends only).
    pub fn weekends_only() -> HolidayCalendar {
        HolidayCalendar::default()
    }

    /// True when `date` is a working day.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        if self.workdays.contains(&date) {
            return true;
        }
        if self.holidays.contains(&date) {
            return false;
        }
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
    }

    /// Whether the calendar has entries for `year`, and how trustworthy they are.
    pub fn covers(&self, year: i32) -> Option<YearStatus> {
        self.years.get(&year).map(|(s, _)| *s)
    }

    /// The source named for a year's entries.
    pub fn source(&self, year: i32) -> Option<&str> {
        self.years.get(&year).map(|(_, s)| s.as_str())
    }

    /// The holiday periods, in date order.
    pub fn periods(&self) -> &[HolidayPeriod] {
        &self.periods
    }
}

/// The n-th working day strictly after `date` (n = 0 gives `date`). Negative n counts back.
pub fn add_working_days(date: NaiveDate, n: i64, cal: &HolidayCalendar) -> NaiveDate {
    let step = if n >= 0 { 1 } else { -1 };
    let mut left = n.abs();
    let mut d = date;
    while left > 0 {
        d += Duration::days(step);
        if cal.is_working_day(d) {
            left -= 1;
        }
    }
    d
}

/// Working days in `(from, to]`; negative (the count of `(to, from]`) when `to` is before `from`.
pub fn working_days_between(from: NaiveDate, to: NaiveDate, cal: &HolidayCalendar) -> i64 {
    if to < from {
        return -working_days_between(to, from, cal);
    }
    let mut n = 0;
    let mut d = from;
    while d < to {
        d += Duration::days(1);
        if cal.is_working_day(d) {
            n += 1;
        }
    }
    n
}

coded! {
    /// The clocks a case runs (办理时限), each started by a lifecycle transition.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Clock("clock") {
        /// 受理: from submission to the intake decision.
        Intake = "intake",
        /// 抽取专家: from acceptance to the draw.
        Draw = "draw",
        /// 专家鉴定: from the start of the review to the drafted opinion.
        PanelReview = "panel_review",
        /// 签章: from the drafted opinion to the seal.
        Sealing = "sealing",
        /// 复审申请期 (calendar days): from the determination notice.
        RereviewRequest = "rereview_request",
        /// 县级复审转报决定: from the re-review request.
        ForwardingDecision = "forwarding_decision",
        /// 州级复审鉴定结论: from forwarding to the prefecture's determination.
        PrefectureDetermination = "prefecture_determination",
    }
}

impl Clock {
    /// True for the clock counted in calendar days rather than working days.
    pub fn calendar_days(self) -> bool {
        self == Clock::RereviewRequest
    }
}

/// Longest time limit a setting may give (working days; calendar days for the re-review
/// request window), and the longest due-soon warning.
pub const LIMIT_MAX: u32 = 60;
pub const DUE_SOON_MAX: u32 = 10;

/// The time limits (a setting the administrator changes, `store::settings`; each change a new
/// version). The defaults are the first version's values: DOMAIN §7.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TimeLimits {
    /// 受理, working days (default 5).
    pub intake: u32,
    /// 抽取, working days after acceptance (default 3).
    pub draw: u32,
    /// 专家鉴定, working days (default 15).
    pub panel_review: u32,
    /// 签章, working days after the opinion (default 3).
    pub sealing: u32,
    /// 复审申请期, calendar days after the notice (default 15).
    pub rereview_request_days: u32,
    /// 县级转报决定, working days (default 5).
    pub forwarding_decision: u32,
    /// 州级鉴定结论, working days (default 20).
    pub prefecture_determination: u32,
    /// A deadline this many working days away or fewer is "due soon" (default 2).
    pub due_soon_working_days: u32,
}

impl Default for TimeLimits {
    fn default() -> Self {
        TimeLimits {
            intake: 5,
            draw: 3,
            panel_review: 15,
            sealing: 3,
            rereview_request_days: 15,
            forwarding_decision: 5,
            prefecture_determination: 20,
            due_soon_working_days: 2,
        }
    }
}

impl TimeLimits {
    /// The limit of a clock, in its unit (working days, or calendar days for re-review requests).
    pub fn limit(&self, clock: Clock) -> u32 {
        match clock {
            Clock::Intake => self.intake,
            Clock::Draw => self.draw,
            Clock::PanelReview => self.panel_review,
            Clock::Sealing => self.sealing,
            Clock::RereviewRequest => self.rereview_request_days,
            Clock::ForwardingDecision => self.forwarding_decision,
            Clock::PrefectureDetermination => self.prefecture_determination,
        }
    }

    /// The due date of a clock started on `start`.
    pub fn due_date(&self, clock: Clock, start: NaiveDate, cal: &HolidayCalendar) -> NaiveDate {
        let n = i64::from(self.limit(clock));
        if clock.calendar_days() {
            start + Duration::days(n)
        } else {
            add_working_days(start, n, cal)
        }
    }

    /// Each limit with its field name (`limits.<name>`) and the bounds a setting may take.
    pub fn fields(&self) -> [(&'static str, u32, RangeInclusive<u32>); 8] {
        [
            ("intake", self.intake, 1..=LIMIT_MAX),
            ("draw", self.draw, 1..=LIMIT_MAX),
            ("panel_review", self.panel_review, 1..=LIMIT_MAX),
            ("sealing", self.sealing, 1..=LIMIT_MAX),
            (
                "rereview_request_days",
                self.rereview_request_days,
                1..=LIMIT_MAX,
            ),
            (
                "forwarding_decision",
                self.forwarding_decision,
                1..=LIMIT_MAX,
            ),
            (
                "prefecture_determination",
                self.prefecture_determination,
                1..=LIMIT_MAX,
            ),
            (
                "due_soon_working_days",
                self.due_soon_working_days,
                0..=DUE_SOON_MAX,
            ),
        ]
    }

    /// Checks a setting: every limit within its bounds, and the due-soon warning shorter than
    /// the shortest working-day limit (else every deadline would be due soon from its start).
    /// Paths: `limits.<field>`.
    pub fn validate(&self) -> FieldErrors {
        let mut errs = FieldErrors::new();
        for (name, value, range) in self.fields() {
            if !range.contains(&value) {
                errs.push(
                    FieldError::new(format!("limits.{name}"), "limits.err.range")
                        .arg("min", range.start())
                        .arg("max", range.end()),
                );
            }
        }
        let shortest = [
            self.intake,
            self.draw,
            self.panel_review,
            self.sealing,
            self.forwarding_decision,
            self.prefecture_determination,
        ]
        .into_iter()
        .min()
        .unwrap_or(0);
        if errs.is_empty() && self.due_soon_working_days >= shortest {
            errs.add("limits.due_soon_working_days", "limits.err.due_soon");
        }
        errs
    }

    /// How a deadline stands on `today`.
    pub fn status(
        &self,
        due: NaiveDate,
        today: NaiveDate,
        cal: &HolidayCalendar,
    ) -> DeadlineStatus {
        deadline_status(due, today, cal, self.due_soon_working_days)
    }
}

/// How a deadline stands (时限状态).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineStatus {
    /// 正常
    OnTime,
    /// 即将到期 (≤ the due-soon threshold of working days left)
    DueSoon,
    /// 已超期
    Overdue,
}

impl DeadlineStatus {
    pub fn label_key(self) -> &'static str {
        match self {
            DeadlineStatus::OnTime => "deadline.on_time",
            DeadlineStatus::DueSoon => "deadline.due_soon",
            DeadlineStatus::Overdue => "deadline.overdue",
        }
    }
}

/// How a deadline `due` stands on `today`, "due soon" meaning at most `due_soon` working days left.
pub fn deadline_status(
    due: NaiveDate,
    today: NaiveDate,
    cal: &HolidayCalendar,
    due_soon: u32,
) -> DeadlineStatus {
    if today > due {
        DeadlineStatus::Overdue
    } else if working_days_between(today, due, cal) <= i64::from(due_soon) {
        DeadlineStatus::DueSoon
    } else {
        DeadlineStatus::OnTime
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn embedded_calendar_loads() {
        let cal = HolidayCalendar::embedded();
        assert_eq!(cal.covers(2026), Some(YearStatus::Published));
        assert_eq!(cal.covers(2027), Some(YearStatus::Provisional));
        assert_eq!(cal.covers(2028), None);
        assert!(cal.source(2026).is_some_and(|s| s.contains("2026")));
        assert_eq!(cal.periods().len(), 14);
        // 春节 2026: days off 02-15..02-23, 02-14 and 02-28 (Saturdays) are working days.
        assert!(!cal.is_working_day(d(2026, 2, 17)));
        assert!(cal.is_working_day(d(2026, 2, 14)));
        assert!(cal.is_working_day(d(2026, 2, 28)));
        assert!(cal.is_working_day(d(2026, 1, 4)));
        assert!(!cal.is_working_day(d(2026, 10, 7)));
        assert!(cal.is_working_day(d(2026, 10, 10)));
        assert!(!cal.is_working_day(d(2027, 10, 5)));
        assert!(cal.is_working_day(d(2026, 3, 2)));
        assert!(!cal.is_working_day(d(2026, 3, 1)));
    }

    #[test]
    fn calendar_errors() {
        assert!(matches!(
            HolidayCalendar::from_toml("x = ["),
            Err(CalendarError::Syntax(_))
        ));
        let bad_date = "[[year]]\nyear=2026\nstatus=\"published\"\n[[holiday]]\nname_zh=\"x\"\nfirst=\"2026-13-01\"\nlast=\"2026-13-02\"\n";
        assert!(matches!(
            HolidayCalendar::from_toml(bad_date),
            Err(CalendarError::BadDate(_))
        ));
        let range = "[[year]]\nyear=2026\nstatus=\"published\"\n[[holiday]]\nname_zh=\"x\"\nfirst=\"2026-05-02\"\nlast=\"2026-05-01\"\n";
        assert!(matches!(
            HolidayCalendar::from_toml(range),
            Err(CalendarError::BadRange { .. })
        ));
        let contra = "[[year]]\nyear=2026\nstatus=\"published\"\n[[holiday]]\nname_zh=\"x\"\nfirst=\"2026-05-01\"\nlast=\"2026-05-02\"\nworkdays=[\"2026-05-02\"]\n";
        assert!(matches!(
            HolidayCalendar::from_toml(contra),
            Err(CalendarError::Contradiction(_))
        ));
        let undeclared = "[[holiday]]\nname_zh=\"x\"\nfirst=\"2026-05-01\"\nlast=\"2026-05-01\"\n";
        assert_eq!(
            HolidayCalendar::from_toml(undeclared),
            Err(CalendarError::UndeclaredYear(2026))
        );
    }

    #[test]
    fn adding_working_days() {
        let cal = HolidayCalendar::embedded();
        // Accepted Monday 2026-03-02 with a 3-day limit: due Thursday.
        assert_eq!(add_working_days(d(2026, 3, 2), 3, cal), d(2026, 3, 5));
        // Friday + 1 = Monday.
        assert_eq!(add_working_days(d(2026, 3, 6), 1, cal), d(2026, 3, 9));
        assert_eq!(add_working_days(d(2026, 3, 6), 0, cal), d(2026, 3, 6));
        // Over 春节 2026: Fri 02-13 + 1 = Sat 02-14 (调休上班), + 2 = Tue 02-24.
        assert_eq!(add_working_days(d(2026, 2, 13), 1, cal), d(2026, 2, 14));
        assert_eq!(add_working_days(d(2026, 2, 13), 2, cal), d(2026, 2, 24));
        // Over 国庆 2026: Tue 09-29 + 3 = Thu 10-08 (09-30, 10-08, ...). 09-30 is Wed.
        assert_eq!(add_working_days(d(2026, 9, 29), 2, cal), d(2026, 10, 8));
        assert_eq!(add_working_days(d(2026, 3, 9), -1, cal), d(2026, 3, 6));
        let plain = HolidayCalendar::weekends_only();
        assert_eq!(add_working_days(d(2026, 2, 13), 2, &plain), d(2026, 2, 17));
    }

    #[test]
    fn counting_between() {
        let cal = HolidayCalendar::embedded();
        assert_eq!(working_days_between(d(2026, 3, 2), d(2026, 3, 9), cal), 5);
        assert_eq!(working_days_between(d(2026, 3, 9), d(2026, 3, 2), cal), -5);
        assert_eq!(working_days_between(d(2026, 3, 2), d(2026, 3, 2), cal), 0);
        // 2026-02-13 (Fri) to 2026-02-28 (Sat): 02-14, 02-24..02-27, 02-28 = 6.
        assert_eq!(working_days_between(d(2026, 2, 13), d(2026, 2, 28), cal), 6);
    }

    #[test]
    fn limits_and_status() {
        let cal = HolidayCalendar::embedded();
        let t = TimeLimits::default();
        assert_eq!((t.intake, t.draw, t.panel_review, t.sealing), (5, 3, 15, 3));
        assert_eq!(
            (
                t.rereview_request_days,
                t.forwarding_decision,
                t.prefecture_determination
            ),
            (15, 5, 20)
        );
        assert_eq!(t.due_date(Clock::Draw, d(2026, 3, 2), cal), d(2026, 3, 5));
        // Calendar days for the re-review request, holidays notwithstanding.
        assert_eq!(
            t.due_date(Clock::RereviewRequest, d(2026, 9, 28), cal),
            d(2026, 10, 13)
        );
        let due = d(2026, 3, 13); // Friday
        assert_eq!(t.status(due, d(2026, 3, 9), cal), DeadlineStatus::OnTime);
        assert_eq!(t.status(due, d(2026, 3, 11), cal), DeadlineStatus::DueSoon);
        assert_eq!(t.status(due, d(2026, 3, 13), cal), DeadlineStatus::DueSoon);
        assert_eq!(t.status(due, d(2026, 3, 14), cal), DeadlineStatus::Overdue);
        assert_eq!(
            deadline_status(due, d(2026, 3, 11), cal, 1),
            DeadlineStatus::OnTime
        );
        for c in Clock::ALL {
            assert_eq!(Clock::from_code(c.code()), Some(c));
        }
    }

    #[test]
    fn limits_are_validated() {
        assert!(TimeLimits::default().validate().is_empty());
        let bad = TimeLimits {
            intake: 0,
            rereview_request_days: 61,
            ..TimeLimits::default()
        };
        let e = bad.validate();
        assert_eq!(e.len(), 2);
        assert!(e.for_field("limits.intake").next().is_some());
        assert!(e.for_field("limits.rereview_request_days").next().is_some());
        let noisy = TimeLimits {
            sealing: 2,
            due_soon_working_days: 2,
            ..TimeLimits::default()
        };
        let e = noisy.validate();
        assert_eq!(
            e.for_field("limits.due_soon_working_days")
                .next()
                .map(|e| e.key.as_str()),
            Some("limits.err.due_soon")
        );
    }

    #[test]
    fn china_dates() {
        let at = chrono::DateTime::parse_from_rfc3339("2026-03-01T17:00:00Z")
            .expect("time")
            .with_timezone(&chrono::Utc);
        assert_eq!(crate::domain::china_time::china_date(at), d(2026, 3, 2));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]
        #[test]
        fn add_then_count(start in 0i64..800, n in 0i64..40) {
            let cal = HolidayCalendar::embedded();
            let s = d(2026, 1, 1) + Duration::days(start);
            let due = add_working_days(s, n, cal);
            prop_assert_eq!(working_days_between(s, due, cal), n);
            prop_assert!(n == 0 || cal.is_working_day(due));
        }
    }
}
